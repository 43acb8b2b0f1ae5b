"""Differentiating with respect to an object of a plain class: refused at the call.

astgrad takes the fields of a dataclass (and the items of lists, tuples, dicts and
namedtuples) as parts of a gradient, not the attributes of other objects. A gradient
with respect to an object of a plain class that holds floats would have to be ``None``,
which a user reads as "zero gradient" although the output depends on its arrays. So a
transform asked for one raises a TypeError naming the argument, its class, and what to
pass instead: a dataclass, or a path to an array it holds (``wrt="p.w"``). An object
holding no float at all (a configuration of strings and ints) has no derivative, and
gets ``None`` as a string does; an object that is not differentiated (another ``wrt``)
is an ordinary argument.
"""

import functools
import numbers
import sys
import types

import numpy

from .records import is_record, record_items
from .unfollowed_arguments import is_unfollowed, is_unfollowed_of_floats, unfollowed_error

_NOT_PLAIN_OBJECTS = (type, types.ModuleType, types.FunctionType, types.MethodType, types.BuiltinFunctionType,
              functools.partial, BaseException, numpy.ndarray, numpy.generic)
_LIBRARY_PACKAGES = frozenset(sys.stdlib_module_names) | {"builtins", "numpy", "astgrad", "scipy", "dask",
                                                         "numba", "torch", "jax", "jaxlib", "autograd"}
_SEARCH_DEPTH = 8          # how deep a search for a float among attributes and items goes
_SCALARS = frozenset({float, int, bool, str, type(None), numpy.float64, numpy.float32})


def is_plain_object(x):
    """An instance of a user's class (not a dataclass, not a list, tuple or dict, not a
    function), with attributes in a ``__dict__`` or ``__slots__``."""
    kind = type(x)
    if isinstance(x, (_NOT_PLAIN_OBJECTS, list, tuple, dict, str, bytes)) or x is None or is_record(x):
        return False
    top = (getattr(kind, "__module__", "") or "").split(".")[0]
    if top in _LIBRARY_PACKAGES and not (kind is types.SimpleNamespace):
        return False
    return hasattr(x, "__dict__") or bool(_plain_slot_names(kind))


def _plain_slot_names(kind):
    names = []
    for klass in kind.__mro__:
        slots = klass.__dict__.get("__slots__", ())
        names.extend([slots] if isinstance(slots, str) else slots)
    return [name for name in names if name not in ("__dict__", "__weakref__")]


def plain_attributes(x):
    """(name, value) for each stored attribute of a plain object."""
    found = dict(vars(x)) if hasattr(x, "__dict__") else {}
    for name in _plain_slot_names(type(x)):
        if name not in found and hasattr(x, name):
            found[name] = getattr(x, name)
    return list(found.items())


def _is_float_leaf(x):
    dtype = getattr(x, "dtype", None)
    if isinstance(dtype, numpy.dtype) and hasattr(x, "shape"):
        return dtype.kind in "fc"
    return isinstance(x, (float, complex))


def float_path(x, depth=_SEARCH_DEPTH, seen=None):
    """The path (``".w"``, ``"['a'][0]"``) to a float held by ``x``, or None; past the
    depth searched, a container or an object may hold one: ``"..."``."""
    if _is_float_leaf(x):
        return ""
    if depth == 0:
        holder = isinstance(x, (list, tuple, dict)) or is_record(x) or is_plain_object(x)
        return "..." if holder and not isinstance(x, str) else None
    seen = set() if seen is None else seen
    if id(x) in seen:
        return None
    seen.add(id(x))
    if is_record(x) or is_plain_object(x):
        parts = [(f".{name}", item) for name, item in (record_items(x) if is_record(x) else plain_attributes(x))]
    elif isinstance(x, dict):
        parts = [(f"[{key!r}]", item) for key, item in x.items()]
    elif isinstance(x, (list, tuple)):
        parts = [(f"[{i}]", item) for i, item in enumerate(x)]
    else:
        return None
    for step, item in parts:
        rest = float_path(item, depth - 1, seen)
        if rest is not None:
            return step + rest
    return None


def _plain_with_floats(x):
    return is_plain_object(x) and float_path(x) is not None


def _object_array_with_numbers(x):
    """A NumPy array of dtype object holding a real number, or a structured array (or one
    record of it) with a field of numbers: astgrad follows arrays of a float dtype only,
    so its derivative would be None."""
    if type(x) is numpy.void or type(x) is numpy.ndarray and x.dtype.names is not None:
        return _has_number_field(x.dtype)
    return type(x) is numpy.ndarray and x.dtype.kind == "O" and any(
        isinstance(item, numbers.Real) and not isinstance(item, bool) for item in x.flat)


def _has_number_field(dtype):
    """Whether a structured dtype has a field (or a nested one) of floats or integers."""
    if dtype.names is None:
        return dtype.base.kind in "fiu" or dtype.base.names is not None and _has_number_field(dtype.base)
    return any(_has_number_field(dtype.fields[name][0]) for name in dtype.names)


def _array_advice(x, name):
    """What to pass instead of the array ``x`` (written ``name``) that astgrad does not follow."""
    if x.dtype.names is None:
        return "is a NumPy array of dtype object", f"{name}.astype(float)"
    field = x.dtype.names[0]
    return (f"is a NumPy {'record' if type(x) is numpy.void else 'array'} of the structured dtype {x.dtype}",
            f"its fields as arguments of their own ({name}[{field!r}], ...)")


def plain_object_in(x, depth=_SEARCH_DEPTH, matches=_plain_with_floats):
    """(path, object) for the first plain object holding a float found in ``x`` (``x``
    itself, or an item or field of lists, tuples, dicts and dataclasses it holds), or None.
    ``matches`` says what is looked for (a NumPy array of dtype object holding numbers)."""
    if type(x) in _SCALARS:
        return None
    if matches(x):
        return ("", x)
    if type(x) is numpy.ndarray or is_plain_object(x) or depth == 0:
        return None
    record = is_record(x)
    if record:
        parts = ((f".{name}", item) for name, item in record_items(x))
    elif type(x) is dict:
        parts = ((key, item) for key, item in x.items())
    elif isinstance(x, (list, tuple)):
        parts = enumerate(x)
    else:
        return None
    for step, item in parts:
        if type(item) in _SCALARS:
            continue
        found = plain_object_in(item, depth - 1, matches)
        if found is not None:
            return (step if record else f"[{step!r}]") + found[0], found[1]     # .field, [key]
    return None


def refuse_plain_argument(x, label, transform, constant, paths=True, ints=True):
    """Raise the TypeError for a differentiated argument ``x`` (named ``label``) that is,
    or holds, a plain object with floats, or a collection astgrad does not take apart
    (unfollowed_arguments.py); ``constant`` says how to hold it constant, ``paths``
    whether the transform takes a path in ``wrt``, ``ints`` whether it differentiates ints
    (grad does; vjp holds them constant)."""
    refuse_object_array(x, label, transform, constant)
    refuse_unfollowed(x, label, transform, constant, ints)
    found = plain_object_in(x)
    if found is None:
        return
    path, obj = found
    kind = type(obj).__name__
    at = f" (at {label}{path})" if path else ""
    if isinstance(obj, numbers.Number):
        raise TypeError(number_subclass_error(obj, f"{transform}: argument {label!r}{at}", f"{label}{path}", constant))
    where = f"{label}{path}{float_path(obj)}"
    by_path = paths and all(part.isidentifier() for part in where.split("."))
    with_path = (f'take the derivative with respect to an array it holds, with a path: wrt="{where}"'
                 if by_path else f"pass the arrays it holds ({where}) as arguments")
    raise TypeError(
        f"{transform}: argument {label!r}{at} is an object of the class {kind}, which is not a "
        f"dataclass; astgrad takes the fields of a dataclass as parts of a gradient, not the attributes "
        f"of other objects, and does not answer None for it (that would read as a zero gradient, "
        f"although the result depends on {where}). Make {kind} a @dataclasses.dataclass, {with_path}, "
        f"or {constant}")


def number_subclass_error(obj, subject, written, constant):
    """The words for ``obj``, an object of a user's subclass of float or int (its own
    attributes, maybe operators of its own), where astgrad differentiates numbers."""
    base = next(kind for kind in type(obj).__mro__ if kind in (float, int, complex, numbers.Number))
    return (f"{subject} is a {type(obj).__name__}, a subclass of {base.__name__} of your own; astgrad "
            f"differentiates plain numbers, not the attributes or the operators a subclass may add. Pass "
            f"{base.__name__}({written}), or {constant}")


def refuse_unfollowed(x, label, transform, constant, ints=True):
    """The TypeError for a differentiated argument that is, or holds, a collection astgrad
    does not take apart holding numbers, or an iterator (unfollowed_arguments.py)."""
    found = plain_object_in(x, matches=is_unfollowed if ints else is_unfollowed_of_floats)
    if found is not None:
        raise unfollowed_error(found[1], label, found[0], transform, constant)


def refuse_object_array(x, label, transform, constant):
    """The TypeError for a differentiated argument that is, or holds, a NumPy array of
    dtype object holding numbers: its gradient would be None, read as a zero gradient."""
    found = plain_object_in(x, matches=_object_array_with_numbers)
    if found is None:
        return
    path, array = found
    at = f" (at {label}{path})" if path else ""
    what, instead = _array_advice(array, f"{label}{path}")
    raise TypeError(
        f"{transform}: argument {label!r}{at} {what}; astgrad follows arrays of a "
        f"float dtype only, and does not answer None for it (that would read as a zero gradient, although "
        f"the result depends on its numbers). Pass {instead}, or {constant}")


def plain_objects_refused(transform, **arguments):
    """An exported derivative's first check (export_guards.py): the TypeError above for an
    argument it differentiates that is, or holds, a plain object with floats."""
    for name, value in arguments.items():
        refuse_plain_argument(value, name, transform, "export the derivative with respect to another argument")
