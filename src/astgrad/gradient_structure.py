"""A derivative given the structure of the argument it belongs to, as the transforms
return it: a plain list, tuple or dict where generated code built astgrad's own, an
object of the argument's dataclass for one, at each leaf the leaf's shape and float
dtype. Self-contained (NumPy and records.py), so that an exported derivative copies
it and returns what ``astgrad.grad`` returns."""

import numbers

import numpy

from .duck import is_duck_array
from .records import is_record, rebuild_record, record_items


def match_argument(g, x, integers_are_constants=False):
    """Give a derivative the structure of ``x``: a plain list, tuple or dict for a
    container, and at each leaf the shape and float dtype of the leaf. Leaves that are not
    numbers (strings, None, bools) get None; so do ints if ``integers_are_constants``.
    A dataclass instance gets an instance of its class holding its fields' derivatives."""
    if type(x) is numpy.ndarray and type(g) is numpy.ndarray and g.dtype == x.dtype \
            and g.shape == x.shape and x.dtype.kind == "f" and g.flags.writeable:
        return g                # the common cases, quickly
    if type(x) is float and type(g) is float:
        return g
    if is_record(x):
        _refuse_attributes_beyond_fields(g, x)
        return rebuild_record(x, {name: match_argument(_field(g, name), item, integers_are_constants)
                                  for name, item in record_items(x)})
    if isinstance(x, dict):
        return {key: match_argument(_part(g, key), item, integers_are_constants) for key, item in x.items()}
    if isinstance(x, (list, tuple)):
        return rebuild_sequence(x, [match_argument(_part(g, i), item, integers_are_constants)
                           for i, item in enumerate(x)])
    if not (is_float_leaf(x) or is_integer_leaf(x)) or (integers_are_constants and is_integer_leaf(x)):
        return None
    if g is None:
        g = 0.0
    if is_duck_array(g) or is_duck_array(x):
        return _match_duck(g, x)
    if isinstance(x, numpy.ndarray):
        dtype = x.dtype if numpy.issubdtype(x.dtype, numpy.inexact) else numpy.float64
        g = numpy.asarray(g, dtype=dtype)
        if g.shape != x.shape or not g.flags.writeable:
            # an array of its own, which the caller may write into (not a read-only broadcast)
            g = numpy.broadcast_to(g, x.shape).copy()
        return g
    if numpy.ndim(g) == 0:
        if isinstance(x, numpy.inexact):
            return x.dtype.type(g)
        return float(g)
    return g


def _part(g, key):
    """One element of a container's derivative; a zero derivative (0.0) has zero parts."""
    if isinstance(g, (list, tuple, dict, numpy.ndarray)):
        return g[key]
    if g is None or g == 0:
        return 0.0
    raise TypeError(f"astgrad: the derivative {g!r} does not match a container argument")


def _field(g, name):
    """One field of a dataclass's derivative (an AdjointObject, or an instance of the class)."""
    if g is None or isinstance(g, numbers.Number) and g == 0:
        return 0.0
    if isinstance(g, dict):
        return g[name] if name in g else 0.0
    return getattr(g, name)


def _refuse_attributes_beyond_fields(g, x):
    """A dataclass's gradient holds its fields; the result depending on another attribute
    of it (set in ``__init__`` or ``__post_init__``, a subclass's) would be dropped."""
    if not isinstance(g, dict):
        return
    names = {name for name, _ in record_items(x)}
    beyond = [name for name, value in g.items() if name not in names and value is not None]
    if beyond:
        kind = type(x).__name__
        raise TypeError(
            f"astgrad: the result depends on the attribute '{beyond[0]}' of the {kind} object, which is not "
            f"one of the fields of the dataclass {kind}; its gradient holds the fields only, and would drop "
            f"that part. Declare '{beyond[0]}' as a field, or compute it in the differentiated function from "
            f"the fields")


def rebuild_sequence(x, parts):
    """A list/tuple shaped like ``x`` (a namedtuple stays one) holding ``parts``."""
    if isinstance(x, list):
        return parts
    return type(x)(*parts) if hasattr(x, "_fields") else tuple(parts)


def _match_duck(g, x):
    """``match_argument``'s leaf case where a Dask (duck) array is involved: the same
    shape and float dtype, without converting (which would compute a Dask array)."""
    if not hasattr(x, "shape"):        # a number: its derivative stays a (lazy) 0-d array
        return g
    dtype = x.dtype if numpy.issubdtype(x.dtype, numpy.inexact) else numpy.dtype(numpy.float64)
    if not hasattr(g, "shape"):
        return numpy.full_like(x, g, dtype=dtype)
    if g.shape != numpy.shape(x):
        g = numpy.broadcast_to(g, numpy.shape(x))
    return g if g.dtype == dtype else g.astype(dtype)


def is_float_leaf(x):
    """A float leaf: Python float, NumPy float scalar or float array (not an int or a bool)."""
    if isinstance(x, (numpy.ndarray, numpy.generic)) or is_duck_array(x):
        return numpy.issubdtype(x.dtype, numpy.inexact)
    return isinstance(x, numbers.Real) and not isinstance(x, numbers.Integral)


def is_integer_leaf(x):
    """An int leaf (Python int, NumPy integer scalar or integer array), not a bool."""
    if isinstance(x, (numpy.ndarray, numpy.generic)) or is_duck_array(x):
        return x.dtype.kind in "iu"
    return isinstance(x, numbers.Integral) and not isinstance(x, (bool, numpy.bool_))


def pair_matched(pair, x):
    """A gradient and its tangent (what the jvp of a gradient returns), each given the
    structure of ``x`` as grad gives the gradient in process: an exported jvp of a
    gradient returns them so (exporting.py)."""
    value, tangent = pair
    return match_argument(value, x), match_argument(tangent, x)
