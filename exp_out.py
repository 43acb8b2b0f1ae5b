"""Derivative of __main__.f, exported by astgrad 0.1.0.

It needs NumPy, not astgrad. Regenerate with
    python -m astgrad export /tmp/ws/r11.py:f --wrt x -o FILE.py
"""


import copy
import functools
import math
import numbers
import numpy
import numpy as np
import threading


def refuse_bool(value, position, what):
    """Raise ``what``'s TypeError where ``value``, the argument at ``position`` it is
    differentiated by, is a bool (an exported gradient calls it too: exporting.py)."""
    if isinstance(value, (bool, numpy.bool_)) or type(value) is numpy.ndarray and value.dtype.kind == "b":
        raise TypeError(f"{what}: argument {position} is a bool ({value!r}); astgrad "
                        "differentiates with respect to real numbers only. Pass a float (float(x) or "
                        "x.astype(float)), or leave the argument out of wrt= to use it as a constant")


def is_record(x):
    """A dataclass instance (not the class): what ``dataclasses.is_dataclass`` reads,
    without importing ``dataclasses`` at start-up (an instance of a dataclass means the
    program imported it)."""
    return hasattr(type(x), "__dataclass_fields__") and not isinstance(x, type)


def record_items(x):
    """(field name, value) for each field of a dataclass instance."""
    import dataclasses
    return [(field.name, getattr(x, field.name)) for field in dataclasses.fields(x)]


def rebuild_record(x, values):
    """An instance of ``x``'s class whose fields hold ``values`` (name -> value); made
    without running ``__init__`` or ``__post_init__``, which may check or convert the
    values (a gradient is not always a valid parameter), and also for frozen classes."""
    made = copy.copy(x)
    for name, value in values.items():
        object.__setattr__(made, name, value)
    return made


def is_duck_array(x):
    """An array of another library that dispatches NumPy functions: not a NumPy array,
    has ``__array_function__``, a NumPy ``dtype``, a ``shape`` and an ``ndim``."""
    kind = type(x)
    if kind is float or kind is numpy.ndarray or kind is int:
        return False
    return (hasattr(kind, "__array_function__") and not hasattr(kind, "__astgrad_call__")
            and isinstance(getattr(x, "dtype", None), numpy.dtype)
            and hasattr(x, "shape") and hasattr(x, "ndim"))


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


class OpenContexts(threading.local):
    """The with-managers generated code entered and has not exited yet, per thread
    (``zero_safe.run_derivative`` exits them when the code raises)."""

    def __init__(self):
        self.managers = []
        self.entered = {}       # id(manager) -> what its __enter__ returned, until it exits


OPEN_CONTEXTS = OpenContexts()


ON_ENTER = {}


def enter_context(manager):
    """What ``with manager:`` does on entry (the value ``as`` would bind)."""
    value = type(manager).__enter__(manager)
    also = ON_ENTER.get(type(manager))
    if also is not None:
        also()
    OPEN_CONTEXTS.managers.append(manager)
    OPEN_CONTEXTS.entered[id(manager)] = value
    return value


def exit_context(manager):
    """What the end of ``with manager:`` does when its body raised nothing."""
    OPEN_CONTEXTS.managers.pop()
    OPEN_CONTEXTS.entered.pop(id(manager), None)
    type(manager).__exit__(manager, None, None, None)


def _float_dtype(x):
    """x's dtype if it is a float (or complex) NumPy value, else None (Python numbers)."""
    dtype = getattr(x, "dtype", None)
    if dtype is not None and numpy.issubdtype(dtype, numpy.inexact):
        return dtype
    return None


def _is_python_number(g):
    return isinstance(g, numbers.Number) and not isinstance(g, (numpy.generic, numpy.ndarray))


def _like_dtype(g, x):
    """A Python-number ``g`` as a NumPy scalar of x's float dtype, so broadcasting it
    does not create float64 arrays from float32 data; anything else unchanged."""
    if _is_python_number(g):
        dtype = _float_dtype(x)
        if dtype is not None:
            return dtype.type(g)
    return g


_NDARRAY = numpy.ndarray


def _reduced_axes(ndim, axis):
    """The normalized tuple of axes a reduction over ``axis`` combines."""
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, numbers.Integral) else tuple(axis)
    return tuple(sorted(int(a) % ndim for a in axes)) if ndim else ()


def unreduce(g, x, axis=None, keepdims=False, where=True):
    """Spread the adjoint ``g`` of a reduction of ``x`` over ``axis`` back to x's shape;
    ``where`` is the reduction's mask (``numpy.sum(x, where=m)``): 0 where it is False."""
    if type(g) is not _NDARRAY and getattr(g, "of_object", False):
        _refuse_reduced_object(g)
    shape = numpy.shape(x)
    g = _like_dtype(g, x)
    if axis is not None and not keepdims:
        g = numpy.expand_dims(g, _reduced_axes(len(shape), axis))
    if where is not True:       # a mask may broadcast to x (a row for every row): x's shape still
        g = numpy.where(where, g, numpy.zeros((), dtype=numpy.result_type(g)))
    return numpy.broadcast_to(g, shape)


def _refuse_reduced_object(g):
    """A NumPy reduction (``np.sum(v)``) that gave an object: NumPy hands an object the
    reduction of it (``v`` itself, or what its ``sum`` method gives), whose derivative is
    not a reduction's."""
    raise TypeError("astgrad differentiates NumPy's reductions (np.sum, np.mean, ...) of numbers and arrays, not "
                    "of an object of a class with code of its own, which NumPy hands back (or asks its own method "
                    "for); compute the value from the object's arrays instead (np.sum(v.a))")


def _nan_to_zero_where_zero(value, *factors):
    """``value`` with each NaN replaced by 0 where one of ``factors`` is exactly 0."""
    if isinstance(value, numpy.ndarray) or is_duck_array(value):
        if is_duck_array(value) or numpy.isnan(value).any():     # lazily for a Dask array
            zero = functools.reduce(numpy.logical_or, [numpy.equal(f, 0) for f in factors])
            return numpy.where(zero & numpy.isnan(value), numpy.zeros((), value.dtype), value)
        return value
    if isinstance(value, numbers.Number) and value != value and any(numpy.all(numpy.equal(f, 0)) for f in factors):
        return numpy.zeros((), value.dtype)[()] if isinstance(value, numpy.generic) else 0.0
    return value


def _nan_where_rounded_to_zero(value, *operands):
    """``value`` with NaN where it is 0 though each of ``operands`` is not: a quantity
    that arithmetic rounded to 0 (``1 / inf``, an underflow), not an exact zero."""
    if isinstance(value, numpy.ndarray) or is_duck_array(value):
        if value.dtype.kind not in "fc":        # integers do not round to 0
            return value
        rounded = functools.reduce(numpy.logical_and, [numpy.not_equal(o, 0) for o in operands],
                                   numpy.equal(value, 0))
        if is_duck_array(value) or rounded.any():
            return numpy.where(rounded, numpy.full((), numpy.nan, value.dtype), value)
        return value
    if isinstance(value, numbers.Number) and value == 0 and all(numpy.all(numpy.not_equal(o, 0)) for o in operands):
        return value * math.nan
    return value


def over(g, divisor):
    """``g / divisor`` for a derivative ``g``, but 0 wherever ``g`` is 0, and NaN where a
    nonzero ``g`` came out 0 (divided by inf: a vanishing quotient, not an exact zero);
    a Python number divided by 0 gives +-inf (nan for nan) as in NumPy, not
    ZeroDivisionError."""
    try:
        with numpy.errstate(invalid="ignore", divide="ignore", under="ignore"):
            quotient = g / divisor
    except ZeroDivisionError:
        if g == 0:
            return 0.0
        if g != g:
            return g
        return math.copysign(math.inf, g) * math.copysign(1.0, divisor)
    return _nan_to_zero_where_zero(_nan_where_rounded_to_zero(quotient, g), g)


def nan_filled(plain, safe):
    """The plain result where it is not NaN, else the zero-safe twin's: what
    ``run_derivative`` returns. The twin computes the same numbers except where it reads
    0 * inf as 0 and where it writes NaN for a nonzero derivative that arithmetic rounded
    to 0 (runtime.scale): that NaN is not kept where the plain code has a number. Lazy
    for results holding Dask arrays (nothing is computed)."""
    kind = type(plain)
    if (kind is tuple or kind is list) and type(safe) is kind and len(safe) == len(plain):
        return kind(nan_filled(p, s) for p, s in zip(plain, safe))
    if isinstance(plain, dict) and isinstance(safe, dict) and safe.keys() == plain.keys():
        filled = copy.copy(plain)       # of its own class (a defaultdict takes no items to build)
        for key, item in plain.items():
            filled[key] = nan_filled(item, safe[key])
        return filled
    if is_duck_array(plain):
        return numpy.where(numpy.isnan(plain), safe, plain)
    if isinstance(plain, numpy.ndarray) and plain.dtype.kind == "f" and isinstance(safe, numpy.ndarray) \
            and safe.shape == plain.shape and plain.ndim:
        nan = numpy.isnan(plain)
        if not nan.any():
            return plain
        filled = plain.copy()
        filled[nan] = safe[nan]
        return filled
    return safe if has_nan(plain) else plain


def has_nan(value):
    """True if ``value`` (a number, an array, or a tuple/list/dict of them) holds a NaN.
    Raises TypeError for a complex value: astgrad differentiates real code only."""
    kind = type(value)
    if kind is float or kind is numpy.float64:
        return value != value
    if kind is numpy.ndarray and value.ndim == 1 and value.dtype.kind == "f":
        return math.isnan(value.dot(value))     # the common case of the array case below
    if kind is tuple or kind is list:
        for item in value:
            if type(item) is float or type(item) is numpy.float64:
                if item != item:
                    return True
            elif has_nan(item):
                return True
        return False
    if isinstance(value, numpy.ndarray):
        dtype_kind = value.dtype.kind
        if dtype_kind == "f":
            # a sum of squares is NaN only from a NaN (inf stays inf), and costs one BLAS call
            if value.ndim == 1:
                return math.isnan(value.dot(value))
            if value.flags.c_contiguous:
                flat = value.reshape(-1)
                return math.isnan(flat.dot(flat))
            return bool(numpy.isnan(value).any())
        if dtype_kind == "c":
            raise _complex_error(value)
        return False
    if isinstance(value, (complex, numpy.complexfloating)):
        raise _complex_error(value)
    if isinstance(value, (float, numpy.floating)):
        return bool(value != value)
    if isinstance(value, (tuple, list)):
        return has_nan(list(value))
    if isinstance(value, dict):
        return has_nan(list(value.values()))
    if is_record(value):        # an exported gradient's object of a dataclass
        return has_nan([item for _, item in record_items(value)])
    return False


def _complex_error(value):
    what = getattr(value, "dtype", type(value).__name__)
    return TypeError(f"a derivative computed by astgrad came out complex ({what}); astgrad "
                     "differentiates real-valued code only. Either a complex value met when the code ran "
                     "(a complex global or closure variable) reached an operation whose derivative astgrad "
                     "takes for real values only: take numpy.real/numpy.imag/numpy.abs of it first; or a "
                     "negative Python float was raised to a fractional power, which is complex in Python: "
                     "use numpy.power or numpy.sqrt (NaN there) or keep the base positive")


def falls_back_on(twin):
    """Decorate a derivative: where its result has a NaN, or Python raised
    ZeroDivisionError, return what ``twin`` (its zero-safe twin) computes instead. The
    two differ only where a derivative of exactly 0 meets an infinite or NaN local
    derivative: plain arithmetic gives NaN there, the twin gives 0 (NaN where that 0
    was a nonzero number rounded to 0, as by 1 / inf); elsewhere the plain result is
    kept."""
    def decorate(plain):
        @functools.wraps(plain)
        def derivative(*args, **kwargs):
            try:
                result = plain(*args, **kwargs)
            except ZeroDivisionError:
                result = None
            else:
                if not has_nan(result):
                    return result
            with numpy.errstate(all="ignore"):     # the plain run warned already
                safe = twin(*args, **kwargs)
            result = safe if result is None else nan_filled(result, safe)
            has_nan(result)         # a complex result raises TypeError, as in process
            return result
        return derivative
    return decorate


def grad_f_zero_safe(x, *, d_f=1.0):
    """grad_f, giving 0 where a derivative of exactly 0 meets an infinite local derivative
    (sqrt at 0, a where's untaken branch), where grad_f computes NaN.
    grad_f answers with it where its own result has a NaN.
    """
    refuse_bool(x, 0, 'grad')
    manager = np.errstate(all='raise')
    enter_context(manager)
    y = np.sqrt(x)
    exit_context(manager)
    # line 5: return np.sum(y)
    d_y = unreduce(d_f, y)
    # line 4: y = np.sqrt(x)
    d_x = over(d_y, 2.0 * y)
    return match_argument(d_x, x)


@falls_back_on(grad_f_zero_safe)
def grad_f(x, *, d_f=1.0):
    """Gradient of __main__.f with respect to x.

    Generated by astgrad 0.1.0 from source sha256:f401debd20e00e0e.
    """
    refuse_bool(x, 0, 'grad')
    manager = np.errstate(all='raise')
    enter_context(manager)
    y = np.sqrt(x)
    exit_context(manager)
    # line 5: return np.sum(y)
    d_y = unreduce(d_f, y)
    # line 4: y = np.sqrt(x)
    d_x = d_y / (2.0 * y)
    return match_argument(d_x, x)
