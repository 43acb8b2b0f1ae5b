"""Broadcasting and reductions in derivatives: a derivative summed back to its value's
shape (``unbroadcast``, ``unreduce``) or spread to the broadcast shape
(``broadcast_like``, ``outer_spread``), and the weights of the reductions that pick
elements (maximum, minimum, clip, ties). Generated code finds them through
``astgrad.runtime``.
"""

import numbers

import numpy

from .duck import as_array
from .adjoint_values import (AdjointList, _AbsentZero, AdjointDict, _refuse_object_operator,
    _has_own_operators, zeros_like, _float_dtype, _like_dtype, _NDARRAY, _is_zero_placeholder)
from .shape_info import ShapeInfo
from .own_code import _own_iteration, _runs_own_operators
from .core import originals

# the helpers call NumPy as astgrad found it (see runtime.py)
numpy = originals.snapshot(numpy)


# -- broadcasting and reductions ----------------------------------------------------------

def _fit(g, shape):
    """``g`` summed over the axes where it is wider than ``shape`` and broadcast over
    the axes where it is narrower. The map is linear and its transpose is
    ``_fit(., shape of g)``: unbroadcast and broadcast_like are both this map."""
    array = type(g) is _NDARRAY
    g_shape = g.shape if array else numpy.shape(g)
    if g_shape == shape:
        return g
    extra = len(g_shape) - len(shape)
    if extra > 0:
        # the ndarray method computes what numpy.sum does, without its dispatch (a backward
        # pass's bias gradients come here)
        g = g.sum(axis=tuple(range(extra))) if array else numpy.sum(g, axis=tuple(range(extra)))
        g_shape = g_shape[extra:]
        if array and g_shape == shape:
            return g
    elif extra < 0:
        g_shape = (1,) * -extra + g_shape
        g = numpy.reshape(g, g_shape)
    axes = tuple(i for i, (m, n) in enumerate(zip(g_shape, shape)) if m != n and n == 1)
    if axes:
        g = g.sum(axis=axes, keepdims=True) if type(g) is _NDARRAY else numpy.sum(g, axis=axes, keepdims=True)
    if numpy.shape(g) != shape:
        g = numpy.broadcast_to(g, shape)
    return g


_FLOAT64 = numpy.float64
_FLOAT64_DTYPE = numpy.dtype(numpy.float64)


def _same_shape(g, x):
    """A fast check for the common case where there is nothing to do."""
    tg, tx = type(g), type(x)
    if tg is float and tx is float:
        return True
    if tg is _FLOAT64:              # a float64 scalar against one, or against a 0-d float64 array
        return tx is _FLOAT64 or (tx is numpy.ndarray and x.shape == () and x.dtype == _FLOAT64_DTYPE)
    return tg is numpy.ndarray and (tx is numpy.ndarray or tx is ShapeInfo) and g.shape == x.shape


_LIST_LENGTH_CHANGED = (
    "astgrad: '+' or '*' on lists concatenates or repeats them, and a slice write xs[i:j] = v may change a "
    "list's length; that cannot be differentiated here, where astgrad could not see when it generated the code "
    "that the operand is a list, or where another name, a container or a call may hold the list written (an "
    "argument, an alias). Write list(xs) + ys (or list(xs) * n), build the list with append, or use "
    "numpy.concatenate; for a slice write, build the new list (xs = xs[:i] + list(v) + xs[j:]).")


def unbroadcast(g, x):
    """Sum ``g`` down to the shape of ``x``: the adjoint of NumPy broadcasting. A
    complex ``g`` reaching a real ``x`` (a real operand of a complex product) keeps its
    real part, the adjoint of a real value (see numpy.fft below)."""
    if _same_shape(g, x):
        if type(g) is _NDARRAY and g.dtype.kind == "c" and x.dtype.kind != "c":
            return g.real
        return g
    if isinstance(g, AdjointDict) and not isinstance(x, dict):
        if type(x) is _AbsentZero or not _has_own_operators(x):
            # an object stored whole (self.f, self.dt = f, dt), or the zero a derivative dict
            # gives for an object it lacks (d_m['cfg']['s']): nothing broadcast it
            return g
        _refuse_object_operator(x)       # an object's own operator (a dict: a copy of one; derivatives add at a second order)
    if isinstance(g, (_NDARRAY, numpy.generic)) and g.dtype.kind == "c" \
            and not isinstance(x, (list, tuple, dict)) and not numpy.iscomplexobj(x):
        g = numpy.real(g)
    if isinstance(x, (list, tuple)):
        if isinstance(g, (list, tuple)) and len(g) == len(x):
            return g
        if _is_zero_placeholder(g):     # a list's zero, whatever its length (zero_index)
            return zeros_like(x)
        if not isinstance(g, numpy.ndarray):
            raise TypeError(_LIST_LENGTH_CHANGED)
    elif isinstance(g, list) and type(x) is _NDARRAY and x.ndim and len(g) != len(x):
        # the items of a list a slice write of x put in (xs[0:1] = x, two items for one)
        _refuse_length_changing_slice_write()
    elif _runs_own_operators(x) and not _is_zero_placeholder(g):
        _refuse_object_operator(x)       # its operator ran the class's code, whose derivative this is not
    return _fit(_like_dtype(g, x), numpy.shape(x))


def broadcast_like(g, x):
    """``g`` broadcast to the shape of ``x`` (the transpose of ``unbroadcast``)."""
    if _same_shape(g, x):
        return g
    if isinstance(g, AdjointDict) and not isinstance(x, dict):
        if not _has_own_operators(x):
            return g
        _refuse_object_operator(x)
    if isinstance(x, (list, tuple)):
        if isinstance(g, (list, tuple)) and len(g) == len(x):
            return g
        if _is_zero_placeholder(g):
            return zeros_like(x)
        if type(x) is AdjointList and type(g) is _NDARRAY and g.ndim and len(g) == len(x):
            # a derivative list plus an array (d_xs + dot_adjoint(...)) adds row by row: its
            # tangent is the rows, not a concatenation (forward over reverse of a list argument)
            return g
        raise TypeError(_LIST_LENGTH_CHANGED)
    return _fit(_like_dtype(g, x), numpy.shape(x))


def outer_operand(x, other):
    """``x`` with an axis of length 1 added for each axis of ``other``: the first operand of
    ``ufunc.outer(x, other)``, lined up so the ufunc broadcasts it against ``other``."""
    return numpy.reshape(x, numpy.shape(x) + (1,) * numpy.ndim(other))


def unouter(g, x):
    """``g`` summed over its trailing axes down to the shape of ``x``: the adjoint of
    ``outer_operand`` (the transpose of ``outer_spread``)."""
    axes = tuple(range(numpy.ndim(x), numpy.ndim(g)))
    return unbroadcast(numpy.sum(g, axis=axes) if axes else g, x)


def outer_spread(t, g):
    """``t`` with trailing axes added and broadcast to the shape of ``g``: the transpose of
    ``unouter(g, t)``."""
    lined = numpy.reshape(t, numpy.shape(t) + (1,) * (numpy.ndim(g) - numpy.ndim(t)))
    return numpy.broadcast_to(lined, numpy.shape(g))


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


def repeat_count(x, axis=None, keepdims=False, where=True):
    """How many elements a reduction over ``axis`` combines (for mean, var, std): a
    number, or with a mask ``where`` the count of each result's elements it keeps."""
    shape = numpy.shape(x)
    if where is not True:
        return numpy.sum(numpy.broadcast_to(where, shape), axis=axis, keepdims=keepdims)
    return int(numpy.prod([shape[a] for a in _reduced_axes(len(shape), axis)], dtype=int))


def tie_weights(x, y, axis=None, keepdims=False, initial=None):
    """Where ``x`` attains its max/min ``y`` over ``axis``: 1/(number of ties), else 0.

    astgrad splits the derivative of max/min evenly among ties (as JAX and autograd
    do), so the result is the average of the one-sided derivatives. An ``initial``
    value (``numpy.max(x, initial=v)``) equal to ``y`` is one more of the ties.
    """
    dtype = _float_dtype(x) or numpy.float64
    mask = as_array(x == unreduce(y, x, axis, keepdims), dtype=dtype)
    count = numpy.sum(mask, axis=axis, keepdims=True) + _initial_ties(y, x, axis, keepdims, initial)
    return mask / numpy.maximum(count, 1.0)


def _initial_ties(y, x, axis, keepdims, initial):
    """1 where ``initial`` is the max/min ``y`` (shaped as a reduction of ``x`` with
    its axes kept), else 0; 0 without an initial value."""
    if initial is None:
        return 0.0
    return as_array(unreduce(y, x, axis, keepdims) == initial, dtype=_float_dtype(x) or numpy.float64) \
        if numpy.ndim(x) else float(y == initial)


def initial_weight(x, y, axis=None, keepdims=False, initial=None):
    """The share of the derivative of ``y = numpy.max(x, axis, initial=initial)`` (or min)
    that goes to ``initial``: 1/(number of ties) where it is ``y``, else 0; shaped as ``y``."""
    if initial is None:
        return 0.0
    wins = numpy.asarray(y == initial, dtype=_float_dtype(x) or numpy.float64)
    ties = numpy.sum(numpy.asarray(x == unreduce(y, x, axis, keepdims)), axis=axis, keepdims=keepdims)
    return wins / (ties * wins + 1.0)


def _weak_float_dtype(*values):
    """The float dtype NumPy gives arithmetic on ``values`` (Python numbers are weak)."""
    return numpy.result_type(*[_typed(v) for v in values if v is not None], 1.0)


def _typed(value):
    """``value`` as numpy.result_type takes it: a list or tuple of numbers as an array
    (result_type reads a list as the fields of a structured dtype)."""
    return numpy.asarray(value) if isinstance(value, (list, tuple)) else value


def select_weight(x, y):
    """1 where ``x > y``, 1/2 where they tie, 0 elsewhere (broadcast): how much of the
    derivative of ``maximum(x, y)`` goes to ``x`` (ties split evenly)."""
    weight = numpy.where(numpy.greater(x, y), 1.0, numpy.where(numpy.equal(x, y), 0.5, 0.0))
    weight = as_array(weight, dtype=_weak_float_dtype(x, y))
    return weight if weight.ndim else weight[()]


def _extremum_items(args):
    """The values builtin max/min chose from: its arguments, or the items of its one
    iterable argument."""
    return list(args) if len(args) > 1 else list(args[0])


def _extremum_weights(items, y, key):
    """How much of the derivative of ``y = max(...)`` (or min) goes to each item: the
    item returned, ties split evenly (as for numpy.maximum); with a ``key``, Python
    returns the first item of largest key, and that item gets all of it."""
    if key is not None:
        first = next((i for i, item in enumerate(items) if item is y), None)
        if first is None:
            first = next(i for i, item in enumerate(items) if key(item) == key(y))
        return [1.0 if i == first else 0.0 for i in range(len(items))]
    # `item is y` also marks the item returned when comparisons fail (NaN)
    equal = [numpy.logical_or(numpy.equal(item, y), item is y) for item in items]
    count = sum(as_array(e, dtype=numpy.float64) for e in equal)
    return [as_array(e, dtype=numpy.float64) / numpy.maximum(count, 1.0) for e in equal]


def _weighted(g, w):
    """``g * w`` for a weight of ``_extremum_weights``, where a weight of exactly 0 (an
    item max/min did not return) passes nothing on, even an infinite derivative (0, not
    NaN: ``np.sqrt(max(x, 0.0))`` at x < 0), as the twin of ``zero_safe`` reads 0 * inf."""
    with numpy.errstate(invalid="ignore"):          # 0 * inf, replaced below: no warning for it
        product = g * w
    if not isinstance(product, (float, numpy.inexact, _NDARRAY)) or not numpy.any(numpy.isnan(product)):
        return product
    zero = numpy.equal(w, 0)
    if type(product) is not _NDARRAY:
        return type(product)(0.0) if zero else product
    return numpy.where(zero, numpy.zeros_like(product), product)


def extremum_part(g, args, y, argnum, key=None):
    """The adjoint of argument ``argnum`` of ``y = max(*args, key=key)`` (or min): for
    one iterable argument, one derivative per item (an AdjointList for a list); none
    for a dict, whose keys Python compares."""
    if len(args) == 1 and isinstance(args[0], dict):
        return AdjointDict()
    if len(args) == 1:
        _own_iteration(args[0])
    items = _extremum_items(args)
    weights = _extremum_weights(items, y, key) if items else []
    if len(args) > 1:
        return unbroadcast(_like_dtype(_weighted(g, weights[argnum]), args[argnum]), args[argnum])
    iterable = args[0]
    parts = [_fit(_like_dtype(_weighted(g, w), item), numpy.shape(item)) for w, item in zip(weights, items)]
    if isinstance(iterable, numpy.ndarray):
        out = numpy.zeros(iterable.shape, dtype=_float_dtype(iterable) or numpy.float64)
        for i, part in enumerate(parts):
            out[i] = part
        return out
    return AdjointList(parts)


def extremum_gather(t, args, y, argnum, key=None):
    """The tangent of ``y = max(*args, key=key)`` (or min) from argument ``argnum``'s
    tangent ``t``: the transpose of ``extremum_part`` (0 for a dict's keys)."""
    if len(args) == 1 and isinstance(args[0], dict):
        return zeros_like(y)
    if len(args) == 1:
        _own_iteration(args[0])
    items = _extremum_items(args)
    weights = _extremum_weights(items, y, key) if items else []
    if len(args) > 1:
        return broadcast_like(_weighted(t, weights[argnum]), y)
    total = 0.0
    for w, part in zip(weights, t):
        total = total + _weighted(part, w)
    return _fit(_like_dtype(total, y), numpy.shape(y))


def if_empty(g, args, like):
    """``g`` if max/min's one iterable argument is empty (so the result is its
    ``default``), else a zero shaped like ``like``. Linear in g; its own transpose."""
    if len(args) == 1 and len(args[0]) == 0:
        return g
    return zeros_like(like)


def clip_weight(a, a_min, a_max, which):
    """The share of the derivative of ``clip(a, a_min, a_max)`` that goes to ``a``
    (which=0), ``a_min`` (1) or ``a_max`` (2), reading clip as
    ``minimum(maximum(a, a_min), a_max)`` with ties split evenly (as maximum does). A
    Python int bound is compared as an array (clip takes -1 for a uint8 ``a``; maximum
    would not)."""
    a_min, a_max = (numpy.asarray(v) if type(v) is int else v for v in (a_min, a_max))
    low = a if a_min is None else numpy.maximum(a, a_min)
    if which == 2:
        w = select_weight(low, a_max)
    else:
        w = 1.0 if a_max is None else select_weight(a_max, low)
        if a_min is not None:
            w = w * (select_weight(a, a_min) if which == 0 else select_weight(a_min, a))
    shape = numpy.broadcast_shapes(*[numpy.shape(v) for v in (a, a_min, a_max) if v is not None])
    w = numpy.broadcast_to(as_array(w, dtype=_weak_float_dtype(a, a_min, a_max)), shape)
    return w if shape else w[()]


def _refuse_length_changing_slice_write(where=None):
    at = f"{where}: " if where else ""
    raise TypeError(f"{at}astgrad: a slice write into a list that changes its length (xs[i:j] = v, v with "
                    "another number of items than xs[i:j]) cannot be differentiated on a list another name, a "
                    "container or a call may hold too (an argument, an alias): astgrad follows that list's "
                    "items by their places. Build the new list instead (xs = xs[:i] + list(v) + xs[j:])")
