"""The run-time check before the code runs a hook of a value whose class astgrad did not
know when it generated the code: ``b < 3`` (``__lt__``, or ``__gt__`` reflected), ``for k
in b`` and ``a, c = b`` (``__iter__``), ``b[i]`` (``__getitem__``), ``float(b)``,
``int(b)``, ``str(b)``, ``f"{b}"``, ``abs(b)``, ``hash(b)``.

Such a value reaches a helper through ``*args``, a lambda, a function value, an item of
a container or an attribute of an object astgrad does not follow. The generated code
keeps the operation as it is (its value carries no derivative), and runs the helper's
code more than once (its value, then its derivative): a hook of the user's that changes
something in place (``self.a *= 2.0``) would run twice where Python runs it once, a wrong
gradient. The check stops before the hook runs, naming the user's line, the class and the
hook; a hook that writes nothing passes (the same analysis as for a class known when the
code is made, hooked_items.py), as do Python's and NumPy's own values, at the cost of one
look-up of their type in a set."""

import inspect
import weakref

from .core.first_use import imported_when_called
from .hooked_items import _check_class, _plain, check_item_hooks

# (by its name: the parser loads with the first class of the user's asked about)
tree_of = imported_when_called("astgrad.frontend.normalize.class_functions", "tree_of")

# the hooks each kind of operation runs: alternatives, the first a class defines running
_HOOKS = {
    "<": (("__lt__",), ("__gt__",)), "<=": (("__le__",), ("__ge__",)),
    ">": (("__gt__",), ("__lt__",)), ">=": (("__ge__",), ("__le__",)),
    "==": (("__eq__",),), "!=": (("__ne__",), ("__eq__",)),
    "iteration": (("__iter__", "__getitem__"),), "item": (("__getitem__",),),
    "float()": (("__float__", "__index__"),), "int()": (("__int__", "__index__", "__trunc__"),),
    "complex()": (("__complex__", "__float__", "__index__"),), "str()": (("__str__", "__repr__"),),
    "repr()": (("__repr__",),), "format": (("__format__", "__str__", "__repr__"),),
    "abs()": (("__abs__",),), "-": (("__neg__",),), "hash()": (("__hash__",),), "key": (("__hash__",),),
}
# what the error says the code does, by the kind of operation
_WHAT = {"iteration": "iterating (a loop, unpacking, list())", "item": "reading an item (v[i])", "format": "formatting",
         "key": "a dict's key",
         **{symbol: f"the comparison {symbol}" for symbol in ("<", "<=", ">", ">=", "==", "!=")},
         "-": "the operator -"}


def check_value_hooks(value, operation, where):
    """Stop before ``operation`` (a key of ``_HOOKS``: ``"<"``, ``"iteration"``,
    ``"float()"``) runs a hook of ``value``'s class that may change something in place;
    nothing for a value of Python's or NumPy's own types."""
    kind = type(value)
    if kind in _plain:
        return
    what = _WHAT.get(operation, operation)
    if kind in _CONTAINERS:
        if operation not in _OWN_ONLY:      # [v, w] < [u, t], str([v]): the items' hooks run
            # (an order of sequences runs the items' __eq__ first, to find where they differ)
            hooks = _HOOKS[operation] + (("__eq__",),) * (operation in _ORDERS)
            check_item_hooks(value, hooks, what, where)
        return
    passed = _PASSED.get(kind, {}).get(operation)
    if passed is not None and all(vars(klass).get(hook) is found for klass, hook, found in passed):
        return              # (the same hooks passed before: a look-up per class and hook)
    if not (operation == "iteration" and _iterates_attribute(kind)):
        _check_class(kind, _HOOKS[operation], what, where, "a value")
    _PASSED.setdefault(kind, {})[operation] = tuple(
        (klass, hook, vars(klass).get(hook)) for klass in kind.__mro__[:-1] for hooks in _HOOKS[operation]
        for hook in hooks)


def _iterates_attribute(kind):
    """Whether ``kind``'s ``__iter__`` is ``return iter(self.items)``: it hands on an
    iterator over what an attribute holds, changing nothing (the answer kept per class
    and function)."""
    function = next((vars(klass)["__iter__"] for klass in kind.__mro__[:-1] if "__iter__" in vars(klass)), None)
    known = _ITERATING.get(kind)
    if known is None or known[0] is not function:
        known = _ITERATING[kind] = (function, _returns_attribute_iterator(function))
    return known[1]


def _returns_attribute_iterator(function):
    """Whether ``function`` (an ``__iter__``) is ``return iter(self.items)``, ``yield from
    self.items`` or ``for c in self.items: yield c``."""
    import gast     # (with the analysis: a class of the user's iterated)
    if not inspect.isfunction(function) or function.__closure__:
        return False
    tree = tree_of(function)
    if tree is None or tree.decorator_list:
        return False
    params = tree.args.posonlyargs + tree.args.args
    body = [stmt for stmt in tree.body if not (isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Constant))]
    if len(params) != 1 or len(body) != 1:
        return False
    me, stmt = params[0].id, body[0]
    if isinstance(stmt, gast.Return) and isinstance(stmt.value, gast.Call) and len(stmt.value.args) == 1 \
            and not stmt.value.keywords and isinstance(stmt.value.func, gast.Name) and stmt.value.func.id == "iter" \
            and function.__globals__.get("iter", iter) is iter:
        return _own_attribute(stmt.value.args[0], me)
    if isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.YieldFrom):
        return _own_attribute(stmt.value.value, me)
    return isinstance(stmt, gast.For) and isinstance(stmt.target, gast.Name) and not stmt.orelse \
        and len(stmt.body) == 1 and isinstance(stmt.body[0], gast.Expr) and isinstance(stmt.body[0].value, gast.Yield) \
        and isinstance(stmt.body[0].value.value, gast.Name) and stmt.body[0].value.value.id == stmt.target.id \
        and _own_attribute(stmt.iter, me)


def _own_attribute(node, me):
    """Whether ``node`` reads an attribute of the object ``me`` (``self.items``, ``self.a.b``)."""
    import gast
    if not isinstance(node, gast.Attribute):
        return False
    while isinstance(node, gast.Attribute):
        node = node.value
    return isinstance(node, gast.Name) and node.id == me


_ITERATING = weakref.WeakKeyDictionary()      # class -> (its __iter__, whether it iterates an attribute)


# class -> {operation: ((class of its MRO, hook, the function found there), ...)} whose check
# passed: the verdict stands while each of those is as it was (a hook defined again is asked anew)
_PASSED = weakref.WeakKeyDictionary()
_CONTAINERS = frozenset({list, tuple, dict, set, frozenset})
_ORDERS = frozenset({"<", "<=", ">", ">="})
# operations running a container's own code alone (its items' hooks do not run)
_OWN_ONLY = frozenset({"iteration", "item", "-", "abs()", "float()", "int()", "complex()"})
