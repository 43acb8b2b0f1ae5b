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

import weakref

from .core.first_use import imported_when_called
from .hooked_items import _check_class, _plain, check_item_hooks

# (by its name: the analysis loads with the first class of the user's asked about)
readable_function = imported_when_called("astgrad.frontend.normalize.method_writes", "readable_function")

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
            check_item_hooks(value, _HOOKS[operation], what, where)
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
    import gast     # (with the analysis: a class of the user's iterated)
    read = readable_function(function) if function is not None else None
    if read is None:
        return False
    tree, resolve = read
    params = tree.args.posonlyargs + tree.args.args
    body = [stmt for stmt in tree.body if not (isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Constant))]
    if len(params) != 1 or len(body) != 1 or not isinstance(body[0], gast.Return):
        return False
    call = body[0].value
    if not isinstance(call, gast.Call) or len(call.args) != 1 or call.keywords or resolve(call) is not iter:
        return False
    read = call.args[0]
    while isinstance(read, gast.Attribute):
        read = read.value
    return call.args[0] is not read and isinstance(read, gast.Name) and read.id == params[0].id


_ITERATING = weakref.WeakKeyDictionary()      # class -> (its __iter__, whether it iterates an attribute)


# class -> {operation: ((class of its MRO, hook, the function found there), ...)} whose check
# passed: the verdict stands while each of those is as it was (a hook defined again is asked anew)
_PASSED = weakref.WeakKeyDictionary()
_CONTAINERS = frozenset({list, tuple, dict, set, frozenset})
# operations running a container's own code alone (its items' hooks do not run)
_OWN_ONLY = frozenset({"iteration", "item", "-", "abs()", "float()", "int()", "complex()"})
