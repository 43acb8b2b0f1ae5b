"""Helpers of the rules of sorts, partitions, medians, quantiles, ranges, counts, diff
and gradient (``rules/reduction_rules.py``): the weights and permutations that depend
only on the order of the data, and the linear maps applying them with their transposes.
Generated code finds them through ``astgrad.runtime``.
"""

import numbers

import numpy

from .gradient_nodes import SEVERAL_SPACINGS, gradient_axes
from .adjoint_values import AdjointList, _float_dtype, _is_zero_placeholder
from .broadcasting import _fit, _reduced_axes, repeat_count, tie_weights
from .zero_safe_arithmetic import scale
from .grouped_axes import _grouping, group_axes
from .core import originals

# the helpers call NumPy as astgrad found it (see runtime.py)
numpy = originals.snapshot(numpy)


# -- reductions and statistics (rules in rules/reduction_rules.py) -------------------------
#
# Sort, partition, median and quantiles move each element's derivative with the element:
# their derivatives are weights or permutations that depend only on the order of the data
# (non-differentiable helpers), applied by linear maps whose rules are each other's
# transposes (permute <-> unpermute, weights_like <-> unweight, diff_part <-> undiff,
# gradient_of <-> ungradient).

def _normalized_axes(axis, ndim):
    """``axis`` (an int or a tuple) as a tuple of non-negative axes, in the order given."""
    axes = (axis,) if isinstance(axis, numbers.Integral) else tuple(axis)
    return tuple(int(a) % ndim for a in axes)


def sort_order(x, y, axis=-1):
    """The permutation p with ``y == take_along_axis(x, p, axis)``, for y a sort or a
    partition of x along ``axis`` (of x flattened when axis is None). Equal values are
    matched in index order, so for a sort p is the stable argsort of x."""
    x = numpy.asarray(x)
    if axis is None:
        x, axis = numpy.ravel(x), -1
    from_x = numpy.argsort(x, axis=axis, kind="stable")
    from_y = numpy.argsort(y, axis=axis, kind="stable")
    order = numpy.empty_like(from_x)
    numpy.put_along_axis(order, from_y, from_x, axis)
    return order


def permute(g, order, axis=-1):
    """``g`` (flattened when axis is None) rearranged along ``axis`` as ``order`` says:
    the tangent of a sort or partition. Linear in g; its transpose is ``unpermute``."""
    g = numpy.asarray(g)
    if axis is None:
        g, axis = numpy.ravel(g), -1
    return numpy.take_along_axis(g, order, axis)


def unpermute(g, order, x, axis=-1):
    """Each element of ``g`` put back where ``order`` took it from, in x's shape: the
    adjoint of a sort or partition (the transpose of ``permute``)."""
    out = numpy.zeros(numpy.shape(order), dtype=_float_dtype(g) or numpy.float64)
    numpy.put_along_axis(out, order, g, -1 if axis is None else axis)
    return numpy.reshape(out, numpy.shape(x))


_QUANTILE_METHODS = ("linear", "lower", "higher", "midpoint", "nearest")


def _rank_weights(q, n, method, size=None):
    """For quantiles ``q`` (in [0, 1]) of n sorted values: the weight of each rank in
    the value (shape q.shape + (n,)) and the rate of change of the value with q per
    rank. NumPy's virtual index (n - 1) * q falls between ranks floor and ceil; at a
    knot both are the same rank, and the rate is 0 there (as in JAX).

    ``n`` may be an array of counts, one per slice (the values that are not NaN), with
    ``size`` ranks in all: the result is then q.shape + n.shape + (size,), and a slice
    with no values weighs nothing."""
    if method not in _QUANTILE_METHODS:
        raise NotImplementedError(
            f"astgrad: the derivative of a quantile with method={method!r} is not supported; "
            f"the methods {', '.join(_QUANTILE_METHODS)} are")
    size = n if size is None else size
    q = numpy.asarray(q, dtype=numpy.float64)
    v = numpy.expand_dims(q, tuple(range(q.ndim, q.ndim + numpy.ndim(n)))) * (n - 1)
    low, high = numpy.clip(numpy.floor(v), 0, n - 1), numpy.clip(numpy.ceil(v), 0, n - 1)
    frac, rate = v - numpy.floor(v), 0.0
    if method == "linear":
        w_high, rate = frac, numpy.expand_dims(numpy.asarray(n - 1, dtype=numpy.float64), -1)
    elif method == "midpoint":
        w_high = numpy.full(v.shape, 0.5)
    elif method == "nearest":
        w_high = numpy.asarray(numpy.around(v) != numpy.floor(v), dtype=numpy.float64)
    else:
        w_high = numpy.full(v.shape, 1.0 if method == "higher" else 0.0)
    ranks = numpy.arange(size)
    at_low = ranks == numpy.expand_dims(low, -1)
    at_high = ranks == numpy.expand_dims(high, -1)
    value = at_low * numpy.expand_dims(1.0 - w_high, -1) + at_high * numpy.expand_dims(w_high, -1)
    return value, (at_high * 1.0 - at_low * 1.0) * rate


def quantile_weights(a, q, axis=None, method="linear", scale=1.0, rate=False):
    """How much each element of ``a`` weighs in each quantile ``q * scale`` over ``axis``
    (shape q.shape + a.shape); with ``rate=True``, the derivative of that weight with
    respect to q instead, so that d quantile / d q = sum of weight * a over the axes.
    Each weight goes to the element the stable sort puts at its rank."""
    return _quantile_weights(a, q, axis, method, scale, rate, False)


def nan_quantile_weights(a, q, axis=None, method="linear", scale=1.0, rate=False):
    """``quantile_weights`` of the nan-quantiles (nanmedian, nanquantile, nanpercentile):
    each slice ranks only its values that are not NaN, and a NaN weighs 0."""
    return _quantile_weights(a, q, axis, method, scale, rate, True)


def _quantile_weights(a, q, axis, method, scale, rate, skip_nan):
    a = numpy.asarray(a)
    q = numpy.asarray(q, dtype=numpy.float64) * scale
    b = group_axes(a, axis)
    ranks = numpy.argsort(numpy.argsort(b, axis=-1, kind="stable"), axis=-1, kind="stable")
    if skip_nan:            # NaN sort last: the values keep ranks 0 .. count - 1
        value, change = _rank_weights(q, numpy.sum(~numpy.isnan(b), axis=-1), method, b.shape[-1])
        chosen = change * scale if rate else value                    # q.shape + b.shape
        w = numpy.take_along_axis(chosen, numpy.broadcast_to(ranks, chosen.shape), -1)
    else:
        value, change = _rank_weights(q, b.shape[-1], method)
        w = (change * scale if rate else value)[..., ranks]              # q.shape + b.shape
    axes, keep, _ = _grouping(a.shape, axis)
    order = keep + axes
    w = numpy.reshape(w, q.shape + tuple(a.shape[i] for i in order))
    lead = q.ndim
    w = numpy.transpose(w, tuple(range(lead)) + tuple(lead + int(i) for i in numpy.argsort(order)))
    return numpy.asarray(w, dtype=_float_dtype(a) or numpy.float64)


def quantile_weight_change(a, q, axis=None, method="linear", scale=1.0, rate=False):
    """The derivative of ``quantile_weights(a, q, axis, method, scale, rate)`` with respect
    to q: the rate weights, which are themselves constant between knots (zeros)."""
    if rate:
        return numpy.zeros(numpy.shape(q) + numpy.shape(a), dtype=_float_dtype(a) or numpy.float64)
    return quantile_weights(a, q, axis, method, scale, True)


def nan_quantile_weight_change(a, q, axis=None, method="linear", scale=1.0, rate=False):
    """``quantile_weight_change`` of ``nan_quantile_weights``."""
    if rate:
        return numpy.zeros(numpy.shape(q) + numpy.shape(a), dtype=_float_dtype(a) or numpy.float64)
    return nan_quantile_weights(a, q, axis, method, scale, True)


def quantile_spread_shape(a, q, axis=None):
    """q.shape + a.shape with the reduced axes 1: where a quantile's cotangent lines up
    with ``quantile_weights``."""
    shape = numpy.shape(a)
    axes = _reduced_axes(len(shape), axis)
    return numpy.shape(q) + tuple(1 if i in axes else n for i, n in enumerate(shape))


def quantile_q_shape(a, q):
    """q.shape followed by a 1 for each axis of a: q lined up with ``quantile_weights``."""
    return numpy.shape(q) + (1,) * numpy.ndim(a)


def leading_axes(q):
    """The axes of ``quantile_weights`` that belong to q."""
    return tuple(range(numpy.ndim(q)))


def trailing_axes(a, q):
    """The axes of ``quantile_weights`` that belong to a."""
    return tuple(range(numpy.ndim(q), numpy.ndim(q) + numpy.ndim(a)))


def quantile_reduced_axes(a, q, axis=None):
    """The axes of ``quantile_weights`` a quantile over ``axis`` reduces."""
    return tuple(numpy.ndim(q) + i for i in _reduced_axes(numpy.ndim(a), axis))


def range_weights(a, axis=None):
    """Where ``a`` attains its max over ``axis`` minus where it attains its min, ties
    split evenly (as for max and min): d ptp / d a."""
    upper = tie_weights(a, numpy.max(a, axis=axis, keepdims=True), axis, True)
    return upper - tie_weights(a, numpy.min(a, axis=axis, keepdims=True), axis, True)


def nan_count(a, axis=None):
    """How many elements of ``a`` over ``axis`` are not NaN (keepdims, a's float dtype)."""
    count = numpy.sum(~numpy.isnan(a), axis=axis, keepdims=True)
    return numpy.asarray(count, dtype=_float_dtype(a) or numpy.float64)


def degrees_of_freedom(a, axis=None, ddof=0, correction=None, skip_nan=False):
    """N - ddof of a variance over ``axis`` (NumPy's ``correction`` replaces ddof);
    N counts the elements that are not NaN when ``skip_nan``."""
    subtract = ddof if correction is None else correction
    if skip_nan:
        return nan_count(a, axis) - subtract
    return repeat_count(a, axis) - subtract


def prefix_mask(b, skip_nan=False):
    """[..., i, j]: whether b[..., j] is one of the factors of cumprod(b)[..., i], that
    is j <= i (and b[..., j] is not NaN, for nancumprod)."""
    mask = numpy.tri(numpy.shape(b)[-1], dtype=bool)
    if skip_nan:
        mask = mask & ~numpy.isnan(numpy.expand_dims(b, -2))
    return mask


def weights_like(weights, a, axis=None):
    """``numpy.average``'s weights broadcast to a's shape (ones when there are none):
    weights of a's shape as they are, else laid along ``axis`` as NumPy does. Linear in
    weights; its transpose is ``unweight``."""
    shape = numpy.shape(a)
    if weights is None:
        return numpy.ones(shape, dtype=_float_dtype(a) or numpy.float64)
    w = numpy.asarray(weights)
    if w.shape != shape:
        axes = _normalized_axes(axis, len(shape))
        w = numpy.transpose(w, numpy.argsort(axes))
        w = numpy.reshape(w, tuple(n if i in axes else 1 for i, n in enumerate(shape)))
    return numpy.broadcast_to(w, shape)


def unweight(g, weights, a, axis=None):
    """``g`` (a's shape) summed back to the shape of ``numpy.average``'s weights."""
    shape = numpy.shape(a)
    if numpy.shape(weights) == shape:
        return g
    axes = _normalized_axes(axis, len(shape))
    g = numpy.sum(g, axis=tuple(i for i in range(len(shape)) if i not in axes))
    return numpy.transpose(g, numpy.argsort(numpy.argsort(axes)))


def _diff_shapes(a, axis, prepend, append):
    """The shapes ``numpy.diff`` joins along ``axis``: prepend's (a number is spread
    over a slice of a), a's, append's; None for one not given."""
    shape = numpy.shape(a)
    axis = axis % len(shape)
    edge = shape[:axis] + (1,) + shape[axis + 1:]
    return [None if v is None else numpy.shape(v) or edge for v in (prepend, a, append)], axis


def diff_part(t, which, a, n=1, axis=-1, prepend=None, append=None):
    """The term of ``numpy.diff(a, n, axis, prepend, append)``'s tangent from the tangent
    ``t`` of its input ``which`` (0 prepend, 1 a, 2 append). Linear in t; its transpose
    is ``undiff``."""
    if n == 0:
        return t if which == 1 else numpy.zeros(numpy.shape(a), dtype=_float_dtype(t) or numpy.float64)
    shapes, axis = _diff_shapes(a, axis, prepend, append)
    dtype = _float_dtype(t) or numpy.float64
    parts = [numpy.broadcast_to(numpy.asarray(t, dtype=dtype), s) if i == which else numpy.zeros(s, dtype)
             for i, s in enumerate(shapes) if s is not None]
    return numpy.diff(numpy.concatenate(parts, axis=axis), n, axis=axis)


def undiff(g, which, a, n=1, axis=-1, prepend=None, append=None):
    """The adjoint of input ``which`` (0 prepend, 1 a, 2 append) of ``numpy.diff``: each
    first difference's transpose is minus the difference of g padded with zeros."""
    value = (prepend, a, append)[which]
    original = numpy.shape(value)
    dtype = _float_dtype(value) or _float_dtype(g) or numpy.float64      # a prepended 1.0 widens y, not a
    if n == 0:
        return g if which == 1 else numpy.zeros(original, dtype=dtype)
    shapes, axis = _diff_shapes(a, axis, prepend, append)
    g = numpy.asarray(g)
    pad = [(0, 0)] * g.ndim
    pad[axis] = (1, 1)
    for _ in range(n):
        g = -numpy.diff(numpy.pad(g, pad), axis=axis)
    lengths = [0 if s is None else s[axis] for s in shapes]
    index = [slice(None)] * g.ndim
    index[axis] = slice(sum(lengths[:which]), sum(lengths[:which + 1]))
    return _fit(numpy.asarray(g[tuple(index)], dtype=dtype), original)


def _gradient_axes(f, axis):
    ndim = numpy.ndim(f)
    return tuple(range(ndim)) if axis is None else _normalized_axes(axis, ndim)


def gradient_of(t, varargs, axis=None, edge_order=1):
    """``numpy.gradient(t, *varargs, axis=axis, edge_order=edge_order)``, one derivative
    per axis as an AdjointList when there are several. Linear in t; its transpose is
    ``ungradient``."""
    result = numpy.gradient(t, *varargs, axis=axis, edge_order=edge_order)
    return AdjointList(result) if isinstance(result, (tuple, list)) else result


def stacked_parts(parts, f, varargs, axis=None):
    """The derivative of ``numpy.gradient(f, *varargs, axis=axis)``'s result in the layout
    of gradient_nodes.py's helpers: itself for one array, the arrays stacked for several (its
    spacing one number for all axes). Linear in ``parts``; its transpose is ``split_parts``."""
    axes = gradient_axes(f, axis)
    if len(axes) == 1:
        return parts
    if len(varargs) > 1:
        raise ValueError(SEVERAL_SPACINGS.format(n=len(axes)))
    shape, dtype = numpy.shape(f), numpy.result_type(numpy.asarray(f), 1.0)
    return numpy.stack([numpy.zeros(shape, dtype) if part is None or numpy.ndim(part) == 0 and part == 0
                        else numpy.broadcast_to(part, shape) for part in parts])


def split_parts(g, f, varargs, axis=None):
    """The adjoint of ``stacked_parts(parts, f, varargs, axis)``: one derivative per array."""
    axes = gradient_axes(f, axis)
    if len(axes) == 1:
        return g
    if len(varargs) > 1:
        raise ValueError(SEVERAL_SPACINGS.format(n=len(axes)))
    return AdjointList(numpy.asarray(g)[k] for k in range(len(axes)))


def ungradient(g, f, varargs, axis=None, edge_order=1):
    """The adjoint of ``numpy.gradient(f, *varargs, axis=axis, edge_order=edge_order)``
    (g: one cotangent per axis when the gradient is a tuple)."""
    axes = _gradient_axes(f, axis)
    spacing = list(varargs) if len(varargs) > 1 else [varargs[0] if varargs else 1.0] * len(axes)
    parts = list(g) if len(axes) > 1 else [g]
    out = numpy.zeros(numpy.shape(f), dtype=_float_dtype(f) or numpy.float64)
    for part, ax, h in zip(parts, axes, spacing):
        if part is not None and not _is_zero_placeholder(part):
            out = out + _stencil_transpose(numpy.asarray(part, dtype=out.dtype), ax, h, edge_order)
    return out


def _stencil_transpose(g, axis, spacing, edge_order):
    """``D.T @ g`` along ``axis``, D the matrix of numpy.gradient along one axis. Row i of
    D reads three neighbouring entries (two at the edges), starting at clip(i - 1, 0,
    n - 3); these are distinct modulo 3, so D applied to the indicator of the indices
    congruent to r gives, in row i, the one coefficient of that row for such an index."""
    n = g.shape[axis]
    width = min(3, n)
    rows = numpy.arange(n)
    start = numpy.clip(rows - 1, 0, n - width)
    moved = numpy.moveaxis(g, axis, -1)
    out = numpy.zeros_like(moved)
    for r in range(width):
        comb = numpy.asarray(rows % width == r, dtype=numpy.float64)
        coefficient = numpy.gradient(comb, spacing, edge_order=edge_order).astype(g.dtype)
        numpy.add.at(out, (Ellipsis, start + (r - start) % width), moved * coefficient)
    return numpy.moveaxis(out, -1, axis)
