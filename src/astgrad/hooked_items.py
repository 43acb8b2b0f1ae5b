"""The run-time check before a builtin runs a hook of items astgrad did not see when it
generated the code: ``any(vs)``, ``all(vs)`` and ``filter(None, vs)`` run each item's
``__bool__`` (or ``__len__``), ``sorted(vs)``, ``min(vs)`` and ``max(vs)`` its ``__lt__``
and ``__gt__``, ``set(vs)``, ``frozenset(vs)`` and ``dict.fromkeys(vs)`` its ``__hash__``
(and ``__eq__`` where two hashes meet), ``v in vs`` the ``__eq__`` of ``v`` and of the
items of a list or tuple, or ``v``'s ``__hash__`` (then ``__eq__``) for a dict or set.

Where ``vs`` is a list held in a name, an argument or an attribute, its items' classes
are known only when the code runs. The generated code keeps such calls as they are (their
values carry no derivative), so a hook of the user's that changes something in place
(``self.d[0] *= 3.0`` on an array the object was handed) would run unseen: a wrong
gradient. The check stops before the call, naming the user's line and the hook; a hook
that writes nothing (``method_writes.writes_nothing``) passes, as at generation time
(hooked_reads.py). Items of Python's and NumPy's own types (floats, ints, arrays: types
nobody can add a method to) cost one look-up of their type in a set."""

import inspect
from collections import deque

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
HOOKS = {"truth": TRUTH, "order": ORDER, "hash": HASH, "equality": EQUALITY,     # by the name the generated code gives
         "order_or_equal": (("__le__",), ("__ge__",)), "inequality": (("__ne__",), ("__eq__",))}
_HEAP_TYPE = 1 << 9                         # Py_TPFLAGS_HEAPTYPE: a class made by a class statement

# types no method can be added to (static: Python's and NumPy's own), each found hookless
_plain = {float, int, bool, complex, str, bytes, type(None)}
# (class, hook) -> (its function, whether it writes nothing, the attributes it reads of its
# other arguments), where that answer read only its code
_quiet: dict[tuple[type, str], tuple[object, bool, frozenset]] = {}


def check_item_hooks(items, hooks, what, where, part=None, compared_together=True):
    """Stop before ``what`` (``"any()"``) runs ``hooks`` ("truth", "order", "hash") of the items
    of ``items`` (of its dict view ``part``, "values" or "keys", where it is a dict) where an
    item's class has such a hook of the user's that may write. An iterator (a generator,
    ``map(...)``) is not looked into: that would consume it. ``compared_together``: False
    for the items of one tuple, each compared with the other tuples' items at its place, whose
    classes are not known here."""
    if part is not None:
        if not isinstance(items, dict) or inspect.isfunction(getattr(type(items), part, None)):
            return          # (no dict, or its own method: that is not run twice)
        items = dict.values(items) if part == "values" else dict.keys(items)
    if type(items) not in _COLLECTIONS:
        items = _items_as_its_base_gives(items)
        if items is None:
            return
    if _plain.issuperset(map(type, items)):
        return              # (the common case: one pass over the items' types, in C)
    hooks = HOOKS.get(hooks, hooks)
    kinds = set(map(type, items))
    for kind in kinds - _plain:
        if issubclass(kind, tuple) and hooks is not TRUTH:
            for item in items:      # a tuple (a namedtuple) compares, hashes and orders by its items
                if type(item) is kind:      # (each with the other tuples' items at its place, not its own)
                    check_item_hooks(item, hooks, what, where, compared_together=False)
        if kind is not tuple:
            _check_class(kind, hooks, what, where, peers=kinds if compared_together else None)


def _items_as_its_base_gives(items):
    """The items of ``items``, an object of a subclass of a list, tuple, dict, set or deque
    (a namedtuple, a Counter, a ``class Bag(list)``) that iterates as its base does, read
    by the base's own iteration, which runs no code of the user's; None for anything else
    (an iterator, a generator: looking would consume it; a class iterating with its own code)."""
    base = next((kind for kind in _ITERATED_AS_BASE if isinstance(items, kind)), None)
    if base is None or inspect.isfunction(getattr(type(items), "__iter__", None)):
        return None
    return list(base.__iter__(items))


def check_membership_hooks(value, container, where):
    """Stop before ``value in container`` where it runs a hook of the user's that may
    write: of ``value`` and the items' ``__eq__`` for a list or tuple, ``value``'s
    ``__hash__`` (then ``__eq__``) for a dict, set or their views."""
    kind = type(container)
    if type(value) in _plain and (kind in _HASHED or kind in _plain or kind in (list, tuple)
                                  and _plain.issuperset(map(type, container))):
        return              # (the common case)
    if kind not in (list, tuple) and kind not in _HASHED and _contains_as_its_base(container):
        kind = next(base for base in _ITERATED_AS_BASE if isinstance(container, base))
        kind = list if kind is deque else kind
    if kind in (list, tuple):
        peers = {type(value), *map(type, container)}        # (compared with each other)
        _check_class(type(value), EQUALITY, "the test 'in' of a list", where, "the value tested", peers)
        check_item_hooks(container, EQUALITY, "the test 'in' of a list", where)
    elif kind in _HASHED or kind is set:
        _check_class(type(value), HASH, f"the test 'in' of a {kind.__name__}", where, "the value tested",
                     {type(value), *map(type, container)})
    else:                   # an object of a class astgrad did not know: its own __contains__
        _check_class(kind, MEMBERSHIP, "the test 'in'", where, "the container", {kind, type(value)})


def _contains_as_its_base(container):
    """Whether ``container`` is of a subclass of a list, tuple, dict, set or deque whose
    ``in`` and iteration are its base's (no ``__contains__`` or ``__iter__`` of Python code)."""
    kind = type(container)
    return any(isinstance(container, base) for base in _ITERATED_AS_BASE) and not any(
        inspect.isfunction(getattr(kind, hook, None)) for hook in ("__contains__", "__iter__"))


def _check_class(kind, hooks, what, where, role="an item", peers=None):
    """Stop where ``kind`` has one of ``hooks`` of the user's that may write; ``peers``: the
    classes of the objects its hook may be given (the items compared with each other), whose
    attributes it may read (``o.k``); None where they are not known (such a read may write)."""
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
        if not _writes_nothing(kind, hook, function, peers):
            raise TypeError(
                f"astgrad: {where}: {what} runs {owner.__name__}.{hook} of {role}, of class {kind.__name__}, "
                f"code of the user's that may change something in place; astgrad did not know the "
                f"class when it generated the code, keeps such a call as it is and would not see what "
                f"{owner.__name__}.{hook} changes. Make {hook} change nothing, or compute the value from the "
                "objects' arrays instead")
    if not found and not kind.__flags__ & _HEAP_TYPE and kind not in _COLLECTIONS:
        _plain.add(kind)            # (NumPy's scalars, dict views: found hookless once)


def _writes_nothing(kind, hook, function, peers):
    """Whether ``kind``'s ``hook`` (``function``) writes nothing, given objects of ``peers``
    as its other arguments: the attributes it reads of them (``o.k``) run no code there."""
    known = _quiet.get((kind, hook))
    if known is None or known[0] is not function:
        noted, others = _Reads(getattr(function, "__globals__", None)), []
        try:
            known = (function, bool(writes_nothing(kind, hook, noted, others=others)), frozenset(others))
        except ImportError:     # (a module astgrad exported, run without it: the hook may write)
            return False
        if not noted.paths and not noted.methods:   # (else a global or a method it read may change)
            _quiet[(kind, hook)] = known
    if not known[2]:
        return known[1]
    if peers is None:
        return False            # (an attribute of an object of a class not known here: a property may write)
    return known[1] and all(_plain_attribute(peer, name) for peer in peers for name in known[2])


def _plain_attribute(kind, name):
    """Whether reading ``name`` of an object of ``kind`` runs no code of the user's: no
    property or other descriptor of that name in its class, no ``__getattr__`` or
    ``__getattribute__`` of its own."""
    if kind in _plain:
        return True
    return not hasattr(type(inspect.getattr_static(kind, name, None)), "__get__") and not any(
        hook in vars(klass) for klass in kind.__mro__[:-1] for hook in ("__getattr__", "__getattribute__"))


class _Reads:
    """What ``writes_nothing`` read answering (see hooked_reads.py's)."""

    def __init__(self, globals_):
        self.globals = globals_
        self.paths, self.methods = [], []


_HASHED: tuple[type, ...] = (dict, set, frozenset, type({}.keys()))
# the collections whose items can be looked at without consuming them
_COLLECTIONS = frozenset({list, tuple, set, frozenset, dict, type({}.keys()), type({}.values())})
# the bases whose subclasses (namedtuples, Counter, class Bag(list)) are read by the base's iteration
_ITERATED_AS_BASE = (list, tuple, dict, set, frozenset, deque)
