"""The run-time check before a builtin runs a hook of items astgrad did not see when it
generated the code: ``any(vs)``, ``all(vs)`` and ``filter(None, vs)`` run each item's
``__bool__`` (or ``__len__``), ``sorted(vs)``, ``min(vs)`` and ``max(vs)`` its ``__lt__``
and ``__gt__``, ``set(vs)``, ``frozenset(vs)`` and ``dict.fromkeys(vs)`` its ``__hash__``
(and ``__eq__`` where two hashes meet), ``v in vs`` the ``__eq__`` of ``v`` and of the
items of a list or tuple, or ``v``'s ``__hash__`` (then ``__eq__``) for a dict or set.
A truth test (``if v:``, ``not v``, ``v and x``, ``bool(v)``, ...) of a value whose class
is known only when the code runs (a helper's parameter handed on through ``*args``) runs
that value's ``__bool__`` (or ``__len__``): ``check_truth_hook``; ``len(v)``, ``for o in v``,
``str(v)``, ``f"{v}"``, ``hash(v)``, ``int(v)``, ``v[k]``, ``v < w``, ... run its other hooks:
``check_value_hooks``.

Where ``vs`` is a list held in a name, an argument or an attribute, its items' classes
are known only when the code runs. The generated code keeps such calls as they are (their
values carry no derivative), so a hook of the user's that changes something in place
(``self.d[0] *= 3.0`` on an array the object was handed) would run unseen: a wrong
gradient. The check stops before the call, naming the user's line and the hook; a hook
that writes nothing (``method_writes.writes_nothing``) passes, as at generation time
(hooked_reads.py). Items of Python's and NumPy's own types (floats, ints, arrays: types
nobody can add a method to) cost one look-up of their type in a set."""

import ast
import builtins
import inspect
import textwrap

import numpy

from .core.first_use import imported_when_called
from .library_code import users_code

# (by its name: the analysis loads with the first class it is asked about)
writes_nothing = imported_when_called("astgrad.frontend.normalize.method_writes", "writes_nothing")

# the hooks each kind of call runs: alternatives, the first a class defines running
TRUTH = (("__bool__", "__len__"),)
ORDER = (("__lt__",), ("__gt__",))          # a < b may run b.__gt__ too
HASH = (("__hash__",), ("__eq__",))         # __eq__ where two hashes are equal
EQUALITY = (("__eq__",),)
MEMBERSHIP = (("__contains__", "__iter__", "__getitem__"),)
HOOKS = {"truth": TRUTH, "order": ORDER, "hash": HASH}     # by the name the generated code gives
# a value's own hooks, by the name the generated code gives (check_value_hooks)
VALUE_HOOKS = {
    "truth": TRUTH, "hash": HASH, "length": (("__len__",),), "iteration": (("__iter__", "__getitem__"),),
    "string": (("__str__", "__repr__"),), "representation": (("__repr__",),),
    "format": (("__format__", "__str__", "__repr__"),), "item": (("__getitem__",),),
    "index": (("__index__",), ("__hash__",)), "absolute": (("__abs__",),),
    "float": (("__float__", "__index__"),), "int": (("__int__", "__index__", "__trunc__"),),
    "round": (("__round__",),), "complex": (("__complex__", "__float__", "__index__"),),
    "floor": (("__floor__", "__float__"),), "ceil": (("__ceil__", "__float__"),), "trunc": (("__trunc__",),),
    # a comparison: the left operand's hook, the right's reflected (a < b runs a.__lt__, b.__gt__)
    "lt": (("__lt__",),), "gt": (("__gt__",),), "le": (("__le__",),), "ge": (("__ge__",),), "eq": (("__eq__",),),
    "ne": (("__ne__", "__eq__"),),
}
# the hooks of a collection's items its own hook runs (str([v]) runs v.__repr__)
_ITEMS_RUN = {"hash": HASH, "string": (("__repr__",),), "representation": (("__repr__",),),
              "format": (("__repr__",),), "lt": ORDER + (("__eq__",),), "gt": ORDER + (("__eq__",),),
              "le": ORDER + (("__le__",), ("__ge__",), ("__eq__",)), "ge": ORDER + (("__le__",), ("__ge__",), ("__eq__",)),
              "eq": (("__eq__",),), "ne": (("__eq__",), ("__ne__",))}
_HEAP_TYPE = 1 << 9                         # Py_TPFLAGS_HEAPTYPE: a class made by a class statement

# types no method can be added to (static: Python's and NumPy's own), each found hookless
_plain = {float, int, bool, complex, str, bytes, type(None)}
# (class, hook's function) -> whether it writes nothing, where that answer read only its code
_quiet: dict[tuple[type, str], tuple[object, bool]] = {}


def check_item_hooks(items, hooks, what, where, part=None):
    """Stop before ``what`` (``"any()"``) runs ``hooks`` ("truth", "order", "hash") of the items
    of ``items`` (of its dict view ``part``, "values" or "keys", where it is a dict) where an
    item's class has such a hook of the user's that may write. An iterator (a generator,
    ``map(...)``) is not looked into: that would consume it."""
    if part is not None:
        if type(items) is not dict:
            return          # (no dict: its method is not run twice)
        items = items.values() if part == "values" else items.keys()
    if type(items) not in _COLLECTIONS or _plain.issuperset(map(type, items)):
        return              # (the common case: one pass over the items' types, in C)
    hooks = HOOKS.get(hooks, hooks)
    for kind in set(map(type, items)) - _plain:
        if kind is tuple and hooks is not TRUTH:
            for item in items:      # a tuple compares, hashes and orders by its items
                if type(item) is tuple:
                    check_item_hooks(item, hooks, what, where)
        else:
            _check_class(kind, hooks, what, where)


def check_truth_hook(value, what, where):
    """Stop before ``what`` (``"a truth test"``, ``"not"``, ``"bool()"``) runs the
    ``__bool__`` (or ``__len__``) of ``value``, an object whose class astgrad did not know
    when it generated the code (a helper's parameter handed on through ``*args``), where
    that hook is code of the user's that may write. A number, an array, a list: one
    look-up of the type."""
    kind = type(value)
    if kind in _plain or kind in _COLLECTIONS:
        return              # (the common case; a collection's truth runs no item's code)
    _check_class(kind, TRUTH, what, where, "the value tested")


def check_value_hooks(value, hooks, what, where):
    """Stop before ``what`` (``"len()"``, ``"a comparison"``) runs the hooks ``hooks`` (a
    name of ``VALUE_HOOKS``) of ``value``, an object whose class astgrad did not know when
    it generated the code, where such a hook is code of the user's that may write. A
    number, an array, a string: one look-up of the type; a list, a tuple, a dict: its
    items' hooks where its own runs them (a comparison, a hash, a string)."""
    kind = type(value)
    if kind in _plain:
        return              # (the common case)
    if kind in _COLLECTIONS:
        items = _ITEMS_RUN.get(hooks)
        if items is not None:
            check_item_hooks(value, items, what, where)
        return
    if hooks == "iteration" and _iterates_plain_items(value, kind):
        return
    _check_class(kind, VALUE_HOOKS[hooks], what, where, "the value")


def _iterates_plain_items(value, kind):
    """Whether ``for o in value`` runs ``kind.__iter__`` written as ``return iter(self.a)``
    or ``yield from self.a`` over a list, a tuple or an array held in ``value.a``: the
    iteration then runs no code of the user's but that hook, which writes nothing (an
    iterator of the user's, a generator: refused, as what its steps run is not looked at)."""
    function = next((vars(klass)["__iter__"] for klass in kind.__mro__[:-1] if "__iter__" in vars(klass)), None)
    if function is None or kind.__getattribute__ is not object.__getattribute__:
        return False
    name = _iterated.get(function, False)
    if name is False:
        name = _iterated[function] = _iterated_attribute(function)
    return name is not None and type(getattr(value, "__dict__", {}).get(name)) in _ITERATED


def _iterated_attribute(function):
    """``a`` where ``function`` is ``def __iter__(self): return iter(self.a)`` or ``yield
    from self.a`` (a docstring aside), with ``iter`` Python's own; None for any other."""
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(function)))
    except (OSError, TypeError, SyntaxError):
        return None
    definition = tree.body[0] if tree.body and isinstance(tree.body[0], ast.FunctionDef) else None
    if definition is None or definition.decorator_list or len(definition.args.args) != 1:
        return None
    body = [stmt for stmt in definition.body if not (isinstance(stmt, ast.Expr) and isinstance(stmt.value, ast.Constant))]
    if len(body) != 1 or not isinstance(body[0], (ast.Return, ast.Expr)):
        return None
    value, me = body[0].value, definition.args.args[0].arg
    if isinstance(body[0], ast.Return) and isinstance(value, ast.Call) and isinstance(value.func, ast.Name) \
            and value.func.id == "iter" and len(value.args) == 1 and not value.keywords \
            and function.__globals__.get("iter", builtins.iter) is builtins.iter:
        read = value.args[0]
    elif isinstance(body[0], ast.Expr) and isinstance(value, ast.YieldFrom):
        read = value.value
    else:
        return None
    if isinstance(read, ast.Attribute) and isinstance(read.value, ast.Name) and read.value.id == me:
        return read.attr
    return None


def check_membership_hooks(value, container, where):
    """Stop before ``value in container`` where it runs a hook of the user's that may
    write: of ``value`` and the items' ``__eq__`` for a list or tuple, ``value``'s
    ``__hash__`` (then ``__eq__``) for a dict, set or their views."""
    kind = type(container)
    if type(value) in _plain and (kind in _HASHED or kind in _plain or kind in (list, tuple)
                                  and _plain.issuperset(map(type, container))):
        return              # (the common case)
    if kind in (list, tuple):
        _check_class(type(value), EQUALITY, "the test 'in' of a list", where, "the value tested")
        check_item_hooks(container, EQUALITY, "the test 'in' of a list", where)
    elif kind in _HASHED:
        _check_class(type(value), HASH, f"the test 'in' of a {kind.__name__}", where, "the value tested")
    else:                   # an object of a class astgrad did not know: its own __contains__
        _check_class(kind, MEMBERSHIP, "the test 'in'", where, "the container")


def _check_class(kind, hooks, what, where, role="an item"):
    if kind in _plain:
        return
    found = False
    for alternatives in hooks:
        owner, hook = next(((klass, hook) for hook in alternatives for klass in kind.__mro__[:-1]
                            if hook in vars(klass)), (None, None))
        if owner is None:
            continue
        function = vars(owner)[hook]
        if not inspect.isfunction(function) or not users_code(function):
            continue
        found = True
        if not _writes_nothing(kind, hook, function):
            raise TypeError(
                f"astgrad: {where}: {what} runs {owner.__name__}.{hook} of {role}, of class {kind.__name__}, "
                f"code of the user's that may change something in place; astgrad did not know the "
                f"class when it generated the code, keeps such a call as it is and would not see what "
                f"{owner.__name__}.{hook} changes. Make {hook} change nothing, or compute the value from the "
                "objects' arrays instead")
    if not found and not kind.__flags__ & _HEAP_TYPE and kind not in _COLLECTIONS:
        _plain.add(kind)            # (NumPy's scalars, dict views: found hookless once)


def _writes_nothing(kind, hook, function):
    known = _quiet.get((kind, hook))
    if known is not None and known[0] is function:
        return known[1]
    noted = _Reads(getattr(function, "__globals__", None))
    try:
        quiet = bool(writes_nothing(kind, hook, noted))
    except ImportError:         # (a module astgrad exported, run without it: the hook may write)
        return False
    if not noted.paths and not noted.methods:       # (else a global or a method it read may change)
        _quiet[(kind, hook)] = (function, quiet)
    return quiet


class _Reads:
    """What ``writes_nothing`` read answering (see hooked_reads.py's)."""

    def __init__(self, globals_):
        self.globals = globals_
        self.paths, self.methods = [], []


# __iter__ -> the attribute ``return iter(self.a)`` iterates, or None (_iterated_attribute)
_iterated: dict[object, object] = {}
# what iterating runs no code of the user's
_ITERATED = frozenset({list, tuple, numpy.ndarray, str, range})

_HASHED: tuple[type, ...] = (dict, set, frozenset, type({}.keys()))
# the collections whose items can be looked at without consuming them
_COLLECTIONS = frozenset({list, tuple, set, frozenset, dict, type({}.keys()), type({}.values())})
