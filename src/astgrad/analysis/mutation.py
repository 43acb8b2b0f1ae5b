"""Which statements change an object in place, and which names' objects they change.

One answer for every stage: the in-place check refuses writes into shared memory,
callee effects report arguments a user function changes, reverse mode keeps names
changed in place out of renaming and recomputation, forward mode protects tangents
written in place. All of them read the changes of a core-form body from
``in_place_changes``.
"""

import enum
import functools
import inspect
import types
from typing import NamedTuple

import gast
import numpy

from ..core import anno
from ..core import walk
from ..core.anno import Key
from ..core.ops import in_place_operands
from ..rules import registry

def is_mutating_method(name):
    """Whether ``v.name(...)`` may change ``v`` in place (``xs.append(v)``, ``a.fill(0)``):
    some method of that name in the rule table does (``registry.methods_named``). A
    call of one is never dead code."""
    return any(record.mutates == 0 for record in registry.methods_named(name))


# values that never change: a method they have (k.startswith("m"), s.upper()) changes nothing
_IMMUTABLE_TYPES = (str, bytes, int, float, complex, tuple, frozenset)


def may_change_its_object(method):
    """Whether ``v.method(...)``, ``method`` a method of no rule (a method of the user's
    class, ``obj.step(w)``), may change ``v``: not where it is a method of an immutable
    built-in value (``k.startswith("m")``, which the rules do not list)."""
    return not registry.methods_named(method) and not is_immutable_values_method(method)


def is_immutable_values_method(method):
    """Whether an immutable built-in value has a method of that name (``s.partition(",")``
    of a string, which changes nothing, though ``y.partition(k)`` of an array does)."""
    return any(hasattr(t, method) for t in _IMMUTABLE_TYPES)


def is_ufunc_at(target):
    """``numpy.add.at`` and the like: a bound ``at`` method of a ufunc."""
    return getattr(target, "__name__", None) == "at" and isinstance(getattr(target, "__self__", None),
                                                                     numpy.ufunc)


def positional_out(target, count):
    """The position of ``target``'s ``out`` where ``count`` positional arguments reach it
    (``np.multiply(a, b, a)``, ``np.cumsum(a, 0, None, a)``, ``np.add.reduce(a, 0, None,
    o)``), else None: a ufunc's, a ufunc method's or a NumPy function's (another
    callable's signature is not asked: that may run its code, as a transform's
    ``__wrapped__`` does)."""
    if isinstance(target, numpy.ufunc):
        return target.nin if count > target.nin else None
    if not (_ufunc_method(target) or (getattr(target, "__module__", None) or "").startswith("numpy")) \
            or not callable(target):
        return None
    positional = positional_parameters(target)
    return positional.index("out") if "out" in positional[:count] else None


# the parameters of a ufunc's methods an argument given by position binds: written out,
# as NumPy before 2.1 gives these methods no signature to read
_UFUNC_METHOD_PARAMETERS = {"reduce": ["array", "axis", "dtype", "out", "keepdims", "initial", "where"],
                            "accumulate": ["array", "axis", "dtype", "out"],
                            "reduceat": ["array", "indices", "axis", "dtype", "out"]}


def _ufunc_method(target):
    """Whether ``target`` is a bound method of a ufunc (``numpy.add.reduce``)."""
    return isinstance(getattr(target, "__self__", None), numpy.ufunc)


def ufunc_method_out(call):
    """The position of the ``out`` a call of a ufunc's method (``numpy.add.reduce(a, 0,
    None, o)``) is given by position, or None (also where it is given ``None``)."""
    target = anno.get(call, Key.TARGET)
    position = positional_out(target, len(call.args)) if _ufunc_method(target) else None
    given = call.args[position] if position is not None else None
    return None if given is None or isinstance(given, gast.Constant) and given.value is None else position


def positional_parameters(target):
    """The names of the parameters of ``target`` (a NumPy function or a ufunc's method) an
    argument given by position may bind, in order; () where it has no signature to read."""
    if _ufunc_method(target):
        return tuple(_UFUNC_METHOD_PARAMETERS.get(target.__name__, ()))
    if _a_librarys(target):
        try:
            return _library_parameters(target)
        except TypeError:       # an unhashable callable: read each time
            pass
    return _read_parameters(target)


def _a_librarys(target):
    """Whether ``target`` is NumPy's or a builtin: kept for good by ``_library_parameters``
    (a function of the user's, or a bound method holding an object, is not: the cache would
    keep it alive after its module is gone)."""
    module = getattr(target, "__module__", None) or ""
    return module.split(".")[0] in ("numpy", "builtins")


@functools.lru_cache(maxsize=512)
def _library_parameters(target):
    # read once per function: reading a NumPy function's signature takes 60 us, and the
    # normalization asks it for each call of one (a long function's first gradient: 7 ms)
    return _read_parameters(target)


def _read_parameters(target):
    try:
        params = inspect.signature(target).parameters.values()
    except (TypeError, ValueError):
        return ()
    return tuple(p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD))


def _mutated_argument(call, target):
    """The position of the argument a library call writes into (its record's
    ``mutates``), or None. A function that copies unless told not to (``copy=False``,
    ``numpy.nan_to_num``) writes only then."""
    try:
        record = registry.primitive(target)
    except TypeError:           # an unhashable callable is none of them
        return None
    if record is None or record.mutates is None:
        return None
    if record.result == registry.COPIES:
        copy = next((kw.value for kw in call.keywords if kw.arg == "copy"), None)
        if copy is None or (isinstance(copy, gast.Constant) and copy.value is True):
            return None
    return record.mutates


def _method_called(call):
    """The name of the method ``call`` calls on a name's object (``ys.append(v)``), or None:
    a method of a local value (``Key.METHOD``), or the bound method of an object a global
    name holds, which generation resolved to that very method (``G.append`` of a global
    list ``G``): it changes the global's object as much."""
    if not isinstance(call, gast.Call) or not isinstance(call.func, gast.Attribute):
        return None
    target = anno.get(call, Key.TARGET)
    if target is None:
        return anno.get(call, Key.METHOD)
    owner = getattr(target, "__self__", None)
    if owner is None or isinstance(owner, (types.ModuleType, type)) or is_ufunc_at(target):
        return None
    return getattr(target, "__name__", None) if getattr(target, "__name__", None) == call.func.attr else None


def mutates_arguments(call):
    """Whether this library call changes one of its arguments in place (``out=``,
    ``numpy.copyto``, ``ufunc.at``, ``x.fill(...)``); user functions are analysed apart."""
    if any(kw.arg == "out" for kw in call.keywords) or ufunc_method_out(call) is not None:
        return True
    target = anno.get(call, Key.TARGET)
    if target is not None:
        return is_ufunc_at(target) or _mutated_argument(call, target) is not None
    return is_mutating_method(anno.get(call, Key.METHOD))


class ChangeKind(enum.Enum):
    """How a statement changes an object in place (the value: how errors name it)."""

    ELEMENT = "an assignment into an element"                       # y[i] = v
    AUGMENTED = "an augmented assignment (+= and the like)"         # y += v, in place on arrays
    METHOD = "a method call"                                        # xs.append(v)
    ARGUMENT = "a call writing into its argument"                   # np.copyto(y, v), out=y


class InPlaceChange(NamedTuple):
    stmt: gast.stmt
    name: str                   # the name whose object changes
    kind: ChangeKind
    method: str | None = None   # for ChangeKind.METHOD: which method

    @property
    def what(self):
        """The change as an error message names it."""
        if self.kind is ChangeKind.METHOD:
            return f"the method call .{self.method}()"
        return self.kind.value


def augmented_name(stmt):
    """``y`` if ``stmt`` is the core form of ``y op= v`` (``y = in_place(y op v, y)``),
    whose array it changes in place; else None."""
    operands = in_place_operands(stmt.value) if anno.get(stmt, Key.AUGMENTED, False) else None
    return operands[1].id if operands and isinstance(operands[1], gast.Name) else None


def in_place_changes(statements):
    """An ``InPlaceChange`` for each object a statement of ``statements`` (core form, in
    order) changes in place: an element assignment, ``+=`` and the like (in place on
    arrays), a mutating method, and a library call writing into an argument."""
    assign_type, expr_type, call_type, subscript_type = gast.Assign, gast.Expr, gast.Call, gast.Subscript
    for stmt in statements:
        kind = stmt.__class__
        if (kind is expr_type or kind is assign_type and stmt.targets[0].__class__ is not subscript_type) \
                and stmt.value.__class__ is not call_type:
            continue    # the commonest statements: nothing below changes an object in place
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Subscript) \
                and isinstance(stmt.targets[0].value, gast.Name):
            yield InPlaceChange(stmt, stmt.targets[0].value.id, ChangeKind.ELEMENT)
        elif augmented_name(stmt) is not None:
            yield InPlaceChange(stmt, augmented_name(stmt), ChangeKind.AUGMENTED)
        call = stmt.value if isinstance(stmt, (gast.Assign, gast.Expr)) else None
        method = _method_called(call)
        if method is not None and is_mutating_method(method) and isinstance(call.func.value, gast.Name):
            yield InPlaceChange(stmt, call.func.value.id, ChangeKind.METHOD, method)
        elif isinstance(call, gast.Call) and mutates_arguments(call):
            for kw in call.keywords:
                if kw.arg == "out" and isinstance(kw.value, gast.Name):
                    yield InPlaceChange(stmt, kw.value.id, ChangeKind.ARGUMENT)
            target = anno.get(call, Key.TARGET)
            position = None if target is None else (0 if is_ufunc_at(target) else _mutated_argument(call, target))
            if position is not None and len(call.args) > position and isinstance(call.args[position], gast.Name):
                yield InPlaceChange(stmt, call.args[position].id, ChangeKind.ARGUMENT)


def names_changed_in_place(body, augmented=True):
    """The names whose object some statement of ``body`` (nested ones included) changes
    in place. ``augmented=False`` leaves out ``y += v``, which a caller that follows
    rebinding already sees as ``y = y + v``."""
    return {change.name for change in in_place_changes(walk.walk_statements(body))
            if augmented or change.kind is not ChangeKind.AUGMENTED}
