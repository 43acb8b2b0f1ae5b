"""``len(v)``, ``bool(v)``, a truth test (``if v:``, ``w if v else u``, ``not v``,
``assert v``), ``k in v``, ``str(v)``, ``repr(v)``, ``format(v)`` and ``f"{v}"`` on an
object of a user class the code follows run the class's own ``__len__``, ``__bool__``,
``__contains__`` (``__iter__`` or ``__getitem__`` where it has none), ``__str__``,
``__repr__`` or ``__format__``. The generated code keeps those reads as they are (their values carry no
derivative), so a hook that changes something in place (``self.d[0] *= 3.0`` on the array
the object was handed) would run unseen: such a read is refused at the user's line,
naming the method. A hook that writes nothing (``method_writes.writes_nothing``:
``return len(self.d)``) is read as before.

The same holds for the hooks Python runs on the way: ``__hash__`` for a dict's key or a
set's item (``{v: 1.0}``, ``{v}``, ``v in d``, ``d[v]``, ``hash(v)``), ``__index__`` for an
index (``x[v]``, ``range(v)``, ``operator.index(v)``), ``__bool__`` of the items
``any``/``all``/``filter(None, ...)`` test and ``__lt__`` of those ``sorted``/``min``/``max``
order (where the items are a display the code shows: ``any([v, u])``)."""

import builtins
import collections
import inspect
import itertools
import math
import operator
import re

import gast

from ... import runtime
from ...core import methods as M
from ...core.ops import is_user_function
from ...core import syntax as S
from ...core.first_use import imported_when_called
from .refusals import _Line
from .truth_checks import truth_not_known

writes_nothing = imported_when_called(__package__ + ".method_writes", "writes_nothing")

# what Python runs, first found first, for each kind of read
LENGTH = ("__len__",)
TRUTH = ("__bool__", "__len__")
MEMBERSHIP = ("__contains__", "__iter__", "__getitem__")
STRING = ("__str__", "__repr__")
REPRESENTATION = ("__repr__",)
# an f-string's {v} (conversion -1), {v!s}, {v!r}, {v!a}
HASH = ("__hash__",)
INDEX = ("__index__",)
ORDER = ("__lt__", "__gt__")
EQUALITY = ("__eq__",)
# int(v), round(v), math.floor(v), ... (each the first its class defines, as Python looks)
_MATH = (math.floor, math.ceil, math.trunc)
# "%s" % (v,): what each conversion of a template runs of the value it takes
_PERCENT = re.compile(r"%(\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?[hlL]?(.)")
_INTEGER = ("__int__", "__index__")
_PERCENT_HOOKS = {"s": (STRING,), "r": (REPRESENTATION,), "a": (REPRESENTATION,), "c": (INDEX,),
                  **{c: (_INTEGER,) for c in "diu"}, **{c: (INDEX,) for c in "oxX"},
                  **{c: (("__float__", "__index__"),) for c in "eEfFgG"}}
_ANY_CONVERSION = (STRING, REPRESENTATION, _INTEGER, ("__float__", "__index__"))
_CONVERSIONS = {builtins.int: ("__int__", "__index__", "__trunc__"), builtins.bytes: ("__bytes__", "__index__", "__iter__"), builtins.round: ("__round__",),
                builtins.complex: ("__complex__", "__float__", "__index__"), math.floor: ("__floor__", "__float__"),
                math.ceil: ("__ceil__", "__float__"), math.trunc: ("__trunc__",)}
_GREATER = ("__gt__", "__lt__")         # (max asks v > m)
FORMATTING = {-1: ("__format__", "__str__", "__repr__"), ord("s"): STRING, ord("r"): REPRESENTATION,
              ord("a"): REPRESENTATION}


def refuse_writing_hook(lowering, expr, hooks, node, what):
    """Refuse ``node``, the read ``what`` (``"len()"``) of ``expr``, where ``expr`` is an
    object of a followed class whose method among ``hooks`` Python runs may change
    something in place; nothing where it is no such object or its method writes nothing."""
    cls = lowering._object_class(expr)          # operator_methods.py
    if cls is None:
        return
    source = lowering.source
    for hook in hooks:          # a hook defined again (or added) makes the code again
        source.dependencies.append(((M.CLASS_ROOT, hook), (cls, M.current(cls, hook))))
    found = next(((klass, hook) for hook in hooks for klass in cls.__mro__[:-1] if hook in vars(klass)), None)
    if found is None:
        return
    owner, hook = found
    if vars(owner)[hook] is None or _dataclass_repr(owner, hook) or _object_slot(owner, hook):
        return      # (__hash__ = None: unhashable)
    noted = _Reads(getattr(vars(owner)[hook], "__globals__", None))
    quiet = writes_nothing(cls, hook, noted)
    if noted.globals is getattr(source.fn, "__globals__", None):
        for path in noted.paths:            # (a global of the function's own module)
            source.resolve_path(path)
    for klass, name in noted.methods:
        source.dependencies.append(((M.CLASS_ROOT, name), (klass, M.current(klass, name))))
    if quiet:
        return
    raise lowering._refuse(
        f"{what} on an object of class {cls.__name__}, which runs {owner.__name__}.{hook}, code of the user's that "
        "may change something in place", node,
        f"astgrad keeps such a read as it is and would not see what {owner.__name__}.{hook} changes; compute the "
        f"value from the object's arrays instead (len(v.d)), or make {hook} change nothing")


# hooks whose slot of ``object`` runs no code of anyone's: an identity hash, <K object at 0x...>
_OBJECT_QUIET = frozenset({"__hash__", "__repr__"})


def _object_slot(owner, hook):
    """Whether ``owner.hook`` is ``object``'s own (``__hash__ = object.__hash__``, which a
    class defining ``__eq__`` writes to stay hashable): it changes nothing, though it has
    no source to read."""
    return hook in _OBJECT_QUIET and getattr(vars(owner)[hook], "__objclass__", None) is object


def _dataclass_repr(owner, hook):
    """Whether ``owner.hook`` is the ``__repr__`` ``dataclasses`` wrote for the class (the
    fields' reprs joined: it changes nothing itself), not one of the user's."""
    function = inspect.unwrap(vars(owner)[hook]) if hook == "__repr__" else None
    # (dataclasses is not imported for this: the engine leaves it to the programs using it)
    return "__dataclass_fields__" in vars(owner) and getattr(function, "__qualname__", "").startswith("__create_fn__.")


class _Reads:
    """What ``writes_nothing`` read answering (as modes/returned_objects.py's ``Reads``):
    the functions of the hook's own module alone, the (class, method) pairs and the
    paths of the globals it called, which the code made depends on."""

    def __init__(self, globals_):
        self.globals = globals_
        self.paths, self.methods = [], []


def refuse_writing_index(lowering, index, node):
    """Refuse ``node``, a subscript ``base[index]``, where an item of the index is an
    object whose ``__index__`` (an array's index) or ``__hash__`` (a dict's key) may write."""
    if lowering.reaches_no_objects():
        return                              # (plain_reads.py: the common case, asked first)
    base = node.value
    if isinstance(base, gast.Name) and base.id in lowering.locals and lowering._object_class(index) is not None \
            and lowering.only_dicts(base.id):
        refuse_writing_hook(lowering, index, HASH, node, "a dict's key")     # (a dict made here)
        return
    _refuse_writing_index(lowering, index, node)


def _refuse_writing_index(lowering, index, node):
    if isinstance(index, gast.Tuple):
        for item in index.elts:
            _refuse_writing_index(lowering, item, node)
    elif isinstance(index, gast.Slice):
        for bound in (index.lower, index.upper, index.step):
            if bound is not None:
                refuse_writing_hook(lowering, bound, INDEX, node, "a slice's bound")
    else:
        refuse_writing_hook(lowering, index, INDEX, node, "an index")
        refuse_writing_hook(lowering, index, HASH, node, "a key")


def refuse_writing_call(lowering, node, callee=None):
    """Refuse the call ``node`` of ``callee`` (what its function names, where None) where
    it runs a hook of an object's class that may write: ``hash(v)``, ``range(v)``,
    ``any([v])``, ``sorted([v, u])``, ..."""
    if not isinstance(node, gast.Call):
        return              # (a loop's iterable may be no call)
    if lowering.reaches_no_objects() and not _may_test_items(node):
        return              # (plain_reads.py: no object but a parameter's items, checked when run)
    if callee is None:
        callee = lowering.resolve_call(node)
    func = node.func
    if callee is None and isinstance(func, gast.Attribute) and func.attr in _KEYED_METHODS and node.args \
            and isinstance(func.value, gast.Name) and func.value.id in lowering.locals \
            and lowering._object_class(node.args[0]) is not None and lowering.only_dicts(func.value.id):
        refuse_writing_hook(lowering, node.args[0], HASH, node, f"a dict's {func.attr}()")     # d.get(v)
        return
    reads = next((reads for function, reads in _CALLS if function is callee), None)    # (by identity)
    if reads is None and _is_fromkeys(callee):
        reads = (HASH, "items")             # dict.fromkeys(vs): a dict's keys
    if reads is None:
        return
    hooks, which = reads
    if hooks is ORDER or hooks is _GREATER or hooks is EQUALITY:
        if any(kw.arg == "key" and not (isinstance(kw.value, gast.Constant) and kw.value.value is None)
               and not _gives_its_argument(kw.value) for kw in node.keywords):
            return                          # sorted(vs, key=f) orders (groupby compares) the keys f gives
    args = [arg for arg in node.args if not isinstance(arg, gast.Starred)]
    if callee is builtins.filter:           # filter(None, xs) tests the items themselves
        args = args[1:] if args and isinstance(args[0], gast.Constant) and args[0].value is None else []
    elif which == "items" and len(args) > 1 and callee in (builtins.min, builtins.max):
        which = "args"                      # min(v, u)
    elif which in ("items", "first"):
        args = args[:1]
    what = "operator.index()" if callee is operator.index else "math." * (callee in _MATH) + f"{callee.__name__}()"
    for arg in args:
        displayed = isinstance(arg, (gast.List, gast.Tuple, gast.Set))
        for item in [arg] if which in ("args", "first") else arg.elts if displayed else []:
            refuse_writing_hook(lowering, item, hooks, node, what)
        if which == "items":        # (a display: where an item's class is not known)
            check_items_when_run(lowering, arg, _RUN_TIME_HOOKS[hooks], node, what)


def check_items_when_run(lowering, items, hooks, node, what):
    """Before ``node``, a call running ``hooks`` of the items of ``items`` (``any(vs)``
    with ``vs`` a list held in a name, an argument or an attribute), whose classes are
    known only when the code runs: a call of ``hooked_items.check_item_hooks``, stopping
    where an item's hook may write (hooked_items.py)."""
    found = _items_read(lowering, items)
    if found is None and _held_for_the_check(lowering, items) and any(arg is items for arg in node.args):
        held = lowering.atom(items)         # any(Bag(vs)), any(helper(vs)): the object the call is given
        node.args = [held if arg is items else arg for arg in node.args]
        found = held, None
    if found is not None:
        holder, part = found
        lowering.emit(gast.Expr(value=lowering.runtime_call(runtime.check_item_hooks, [
            lowering.atom(S.copy(holder)), S.const(hooks), S.const(what), S.const(_place(lowering, node)),
            *([S.const(part)] if part is not None else [])])))


def _place(lowering, node):
    """``"file:line"`` of ``node`` for the check, or of the statement being lowered where
    ``node`` is one the normalizer wrote (``xs.sort()``'s ``sorted(xs)``, with no line)."""
    return lowering.source.place(node if getattr(node, "lineno", None) is not None else _Line(lowering.line))


_SAME_ITEMS = frozenset({builtins.list, builtins.tuple, builtins.reversed, builtins.sorted, builtins.set,
                         builtins.frozenset, builtins.iter})


def _items_read(lowering, expr):
    """``(holder, part)``: what to read again for the items of ``expr`` (a name or an
    attribute of one, ``holder``'s dict ``part`` "values" or "keys"), looking through
    what hands on the same items (``list(vs)``, ``vs[1:]``, ``(v for v in vs if ...)``,
    ``d.values()``); None where that cannot be told without running code twice."""
    if _read_again_alike(expr):
        return expr, None
    if isinstance(expr, (gast.List, gast.Tuple, gast.Set)) and all(map(_read_again_alike, expr.elts)) \
            and any(truth_not_known(lowering, item) for item in expr.elts):
        return expr, None           # (u for u in (v, w)): a display of names, read again alike
    if isinstance(expr, gast.Subscript) and isinstance(expr.slice, gast.Slice):
        return _items_read(lowering, expr.value)        # (a part of the items: checking them all is safe)
    if isinstance(expr, gast.Call) and len(expr.args) == 1 and not expr.keywords \
            and not isinstance(expr.args[0], gast.Starred) and lowering.resolve_call(expr) in _SAME_ITEMS:
        return _items_read(lowering, expr.args[0])
    if isinstance(expr, gast.Call) and isinstance(expr.func, gast.Attribute) and expr.func.attr in ("values", "keys") \
            and not expr.args and not expr.keywords and _read_again_alike(expr.func.value):
        return expr.func.value, expr.func.attr
    if isinstance(expr, (gast.GeneratorExp, gast.ListComp, gast.SetComp)) and len(expr.generators) == 1:
        loop = expr.generators[0]
        if isinstance(expr.elt, gast.Name) and isinstance(loop.target, gast.Name) and expr.elt.id == loop.target.id:
            return _items_read(lowering, loop.iter)     # (v for v in vs if c(v)): some of vs's items
    return None


def check_membership_when_run(lowering, value, container, node):
    """Before ``value in container`` where ``container`` is no display and no dict made
    here: a call of ``hooked_items.check_membership_hooks``, which asks of the container's
    type which hooks run (a list's ``__eq__``, a dict's ``__hash__``)."""
    if len(node.comparators) == 1 and not _read_again_alike(value) and _read_again_alike(container) \
            and isinstance(value, gast.Subscript):
        value = node.left = lowering.atom(value)        # vs[0] in d: the value tested (read first, as Python does)
    if len(node.comparators) == 1 and _read_again_alike(value) and _held_for_the_check(lowering, container):
        container = node.comparators[0] = lowering.atom(container)     # v in Bag(vs): the one tested
    if not (_read_again_alike(value) and _read_again_alike(container)):
        return
    lowering.emit(gast.Expr(value=lowering.runtime_call(runtime.check_membership_hooks, [
        lowering.atom(S.copy(value)), lowering.atom(S.copy(container)), S.const(_place(lowering, node))])))


def _held_for_the_check(lowering, expr):
    """Whether ``expr`` is a call of a class that is not Python's own (``Bag(vs)`` of a
    ``class Bag(list)``, ``collections.deque(vs)``, a namedtuple's) or of a function of the
    user's (``listed(vs)``), or a sum of lists (``vs + us``): a value whose items the check
    reads once it is held in a name, which the call is then given (as the code lowered
    would hold it anyway), and ``map(...)``, which astgrad lowers to a list where it follows
    the function mapped (an iterator left as one is not looked into: that would consume it)."""
    if isinstance(expr, gast.BinOp) and isinstance(expr.op, (gast.Add, gast.Mult)):
        return True
    if not isinstance(expr, gast.Call):
        return False
    callee = lowering.resolve_call(expr)
    if callee is builtins.map:
        return True         # (lowered to the list of what it gives where astgrad follows it: iterators.py)
    if inspect.isfunction(getattr(callee, "__iter__", None)) or inspect.isgeneratorfunction(callee):
        return False        # (iterated by its own code, which astgrad follows where the call is iterated)
    return isinstance(callee, type) and callee.__module__ != "builtins" or is_user_function(callee)


def _read_again_alike(expr):
    """Whether reading ``expr`` a second time, for the check, reads the same value and
    runs nothing: a name, or attributes of a name (``self.items``)."""
    while isinstance(expr, gast.Attribute):
        expr = expr.value
    return isinstance(expr, (gast.Name, gast.Constant))


def _may_test_items(call):
    """Whether ``call`` may be one whose items' hooks are checked when the code runs
    (``any(vs)``): the name it calls is one of those builtins' (their value is resolved after)."""
    func = call.func
    return isinstance(func, gast.Name) and func.id in _ITEM_CALLS or isinstance(func, gast.Attribute) \
        and func.attr in _ITEM_CALLS | {"fromkeys"}


_ITEM_CALLS = frozenset({"any", "all", "filter", "sorted", "min", "max", "set", "frozenset", "Counter", "groupby"})


def _gives_its_argument(key):
    """Whether ``key`` is ``lambda n: n``: the keys ordered are the items themselves."""
    return isinstance(key, gast.Lambda) and not key.args.posonlyargs and len(key.args.args) == 1 \
        and not key.args.vararg and not key.args.kwarg and not key.args.kwonlyargs \
        and isinstance(key.body, gast.Name) and key.body.id == key.args.args[0].id


def _is_fromkeys(callee):
    owner = getattr(callee, "__self__", None)       # dict.fromkeys, OrderedDict.fromkeys, ...
    return isinstance(owner, type) and issubclass(owner, dict) and getattr(callee, "__name__", None) == "fromkeys"


# the hooks each kind of call runs, as hooked_items.py checks them when the code runs
_RUN_TIME_HOOKS = {TRUTH: "truth", ORDER: "order", _GREATER: "order", HASH: "hash", EQUALITY: "equality"}


def refuse_writing_percent(lowering, node):
    """Refuse ``template % values`` (``node``, a string template) where a value is an
    object whose hook the conversion taking it runs (``%s``: ``__str__``, ``%r``:
    ``__repr__``, ``%d``: ``__int__``, ``%f``: ``__float__``) may write; where the template
    takes values by key or a width from the values, every such hook of each value."""
    if lowering.reaches_no_objects():
        return
    right = node.right
    values = right.elts if isinstance(right, gast.Tuple) else [right]
    found = list(_PERCENT.finditer(node.left.value))
    conversions = [m.group(4) for m in found if m.group(4) != "%"]
    by_position = len(conversions) == len(values) and all(
        m.group(1) is None and "*" not in (m.group(2), m.group(3)) for m in found)
    for k, value in enumerate(values):
        for hooks in _PERCENT_HOOKS.get(conversions[k], _ANY_CONVERSION) if by_position else _ANY_CONVERSION:
            refuse_writing_hook(lowering, value, hooks, node, "%-formatting")


# a dict's methods hashing their first argument
_KEYED_METHODS = frozenset({"get", "pop", "setdefault"})

# what a call runs of its arguments' classes: of each argument, or of each item of a display
_CALLS = ((builtins.hash, (HASH, "args")), (builtins.range, (INDEX, "args")), (operator.index, (INDEX, "args")),
          (builtins.any, (TRUTH, "items")), (builtins.all, (TRUTH, "items")), (builtins.filter, (TRUTH, "items")),
          (builtins.set, (HASH, "items")), (builtins.frozenset, (HASH, "items")),
          (builtins.sorted, (ORDER, "items")), (builtins.min, (ORDER, "items")),
          (builtins.max, (_GREATER, "items")),
          # a Counter hashes its items as set() does; groupby compares neighbours with ==
          (collections.Counter, (HASH, "items")), (itertools.groupby, (EQUALITY, "items")),
          *((function, (hooks, "first")) for function, hooks in _CONVERSIONS.items()))
