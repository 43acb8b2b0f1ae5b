"""Derivatives of NumPy's reductions and statistics.

Conventions as in ``numpy_rules.py``: adjoints have exactly their input's shape and
reductions spread their adjoint back with ``unreduce``; constants are Python floats,
so float32 data gives float32 derivatives.

Sort, partition, median and the quantiles move each element's derivative with the
element: a permutation or a weight per element, computed from the order of the data
only (``sort_order``, ``quantile_weights``), applied by linear maps. Where the
derivative does not exist (ties, an even count, a quantile at a knot), the values are
those of JAX and autograd, listed in docs/api.md ("Numbers at special points"):

* a sort or partition with equal values gives each slot of the result the derivative
  of the element the stable sort puts there;
* the median of an even count is the mean of the two middle elements, and gives 1/2
  to each (to the two the stable sort puts in the middle, also when they are equal);
* a quantile at a knot ((n - 1) * q an integer) gives 1 to the element of that rank,
  and 0 as its derivative with respect to q;
* max, min, ptp, nanmax and nanmin split the derivative evenly among ties.

The nan-functions ignore NaN elements, and the derivative at a NaN is 0.

Method calls ``x.std()``, ``x.var()``, ``x.cumprod()`` have their own records, matched
by name (a ``self`` parameter in place of ``a``).
"""

import numpy

from ..runtime import (
    accumulate_sources, degrees_of_freedom, diff_part, gradient_of, group_axes, inverse_or_zero, leading_axes, nan_count,
    node_differences, node_mask, node_offsets, node_unoffsets, slope_by_a, slope_by_b, split_parts, stacked_parts,
    unbroadcast,
    permute, prefix_mask, prod_except, quantile_q_shape, quantile_reduced_axes, quantile_spread_shape,
    quantile_weights, nan_quantile_weights, range_weights, reduceat_segments, reduceat_tie_weights, sort_order, tie_weights, trailing_axes, undiff, ungradient,
    ungroup_axes, unpermute, unreduce, unreduceat, untake_along_axis, unweight, weights_like,
)
from .registry import FRESH, adjoint, d, declare, non_differentiable, tangent

# ---------------------------------------------------------------------------------
# variance and standard deviation (``correction`` is NumPy's other name for ddof)
# ---------------------------------------------------------------------------------
# var(a) = mean(|a - mean(a)|**2) is real for a complex a too: its derivative takes the
# conjugate of the deviation (a no-op on real values), its tangent the real part.


@adjoint(numpy.var)
def var(y, a, axis=None, dtype=None, *, ddof=0, keepdims=False, correction=None):
    d[a] = unreduce(d[y], a, axis, keepdims) * (2.0 * numpy.conj(a - numpy.mean(a, axis=axis, keepdims=True))
                                                 / degrees_of_freedom(a, axis, ddof, correction))


@tangent(numpy.var)
def var(y, a, axis=None, dtype=None, *, ddof=0, keepdims=False, correction=None):
    d[y] = numpy.real(numpy.sum(d[a] * numpy.conj(a - numpy.mean(a, axis=axis, keepdims=True)), axis=axis,
                                keepdims=keepdims)) * (2.0 / degrees_of_freedom(a, axis, ddof, correction))


@adjoint(numpy.std)
def std(y, a, axis=None, dtype=None, *, ddof=0, keepdims=False, correction=None):
    d[a] = unreduce(d[y] * inverse_or_zero(y), a, axis, keepdims) * (
        numpy.conj(a - numpy.mean(a, axis=axis, keepdims=True)) / degrees_of_freedom(a, axis, ddof, correction))


@tangent(numpy.std)
def std(y, a, axis=None, dtype=None, *, ddof=0, keepdims=False, correction=None):
    d[y] = numpy.real(numpy.sum(d[a] * numpy.conj(a - numpy.mean(a, axis=axis, keepdims=True)), axis=axis,
                                keepdims=keepdims)) * inverse_or_zero(y) / degrees_of_freedom(a, axis, ddof, correction)


@adjoint(numpy.ndarray.var)
def var_method(y, self, axis=None, dtype=None, *, ddof=0, keepdims=False):
    d[self] = unreduce(d[y], self, axis, keepdims) * (
        2.0 * numpy.conj(self - numpy.mean(self, axis=axis, keepdims=True)) / degrees_of_freedom(self, axis, ddof))


@tangent(numpy.ndarray.var)
def var_method(y, self, axis=None, dtype=None, *, ddof=0, keepdims=False):
    d[y] = numpy.real(numpy.sum(d[self] * numpy.conj(self - numpy.mean(self, axis=axis, keepdims=True)),
                                axis=axis, keepdims=keepdims)) * (2.0 / degrees_of_freedom(self, axis, ddof))


@adjoint(numpy.ndarray.std)
def std_method(y, self, axis=None, dtype=None, *, ddof=0, keepdims=False):
    d[self] = unreduce(d[y] * inverse_or_zero(y), self, axis, keepdims) * (
        numpy.conj(self - numpy.mean(self, axis=axis, keepdims=True)) / degrees_of_freedom(self, axis, ddof))


@tangent(numpy.ndarray.std)
def std_method(y, self, axis=None, dtype=None, *, ddof=0, keepdims=False):
    d[y] = numpy.real(numpy.sum(d[self] * numpy.conj(self - numpy.mean(self, axis=axis, keepdims=True)),
                                axis=axis, keepdims=keepdims)) * inverse_or_zero(y) / degrees_of_freedom(
        self, axis, ddof)


# ---------------------------------------------------------------------------------
# weighted mean, peak to peak, differences
# ---------------------------------------------------------------------------------

# average = sum(w * a) / sum(w), w the weights laid along axis (ones without weights);
# d average / d w = (a - average) / sum(w). returned=True is not accepted (refused).
@adjoint(numpy.average)
def average(y, a, axis=None, weights=None, *, keepdims=False):
    w = weights_like(weights, a, axis)
    d[a] = unreduce(d[y], a, axis, keepdims) * w / numpy.sum(w, axis=axis, keepdims=True)
    d[weights] = unweight(unreduce(d[y], a, axis, keepdims) * (a - unreduce(y, a, axis, keepdims))
                          / numpy.sum(w, axis=axis, keepdims=True), weights, a, axis)


@tangent(numpy.average)
def average(y, a, axis=None, weights=None, *, keepdims=False):
    d[y] = numpy.average(d[a], axis, weights, keepdims=keepdims)
    d[y] = numpy.sum(weights_like(d[weights], a, axis) * (a - unreduce(y, a, axis, keepdims)), axis=axis,
                     keepdims=keepdims) / numpy.sum(weights_like(weights, a, axis), axis=axis, keepdims=keepdims)


@adjoint(numpy.ptp)
def ptp(y, a, axis=None, *, keepdims=False):
    d[a] = unreduce(d[y], a, axis, keepdims) * range_weights(a, axis)


@tangent(numpy.ptp)
def ptp(y, a, axis=None, *, keepdims=False):
    d[y] = numpy.sum(d[a] * range_weights(a, axis), axis=axis, keepdims=keepdims)


# diff is linear in a and in prepend and append (0, 1, 2: which input a term is about)
@adjoint(numpy.diff)
def diff(y, a, n=1, axis=-1, prepend=None, append=None):
    d[a] = undiff(d[y], 1, a, n, axis, prepend, append)
    d[prepend] = undiff(d[y], 0, a, n, axis, prepend, append)
    d[append] = undiff(d[y], 2, a, n, axis, prepend, append)


@tangent(numpy.diff)
def diff(y, a, n=1, axis=-1, prepend=None, append=None):
    d[y] = diff_part(d[a], 1, a, n, axis, prepend, append)
    d[y] = diff_part(d[prepend], 0, a, n, axis, prepend, append)
    d[y] = diff_part(d[append], 2, a, n, axis, prepend, append)


# numpy.gradient is linear in f. Along its axis it is, at each sample, g = near * dA -
# far * dB (gradient_nodes.py): weights of the node offsets a and b, which are linear in
# the spacing (a number or coordinates), times the differences dA and dB of f at the
# nodes; slope_by_a and slope_by_b are d g / d a and d g / d b.
@adjoint(numpy.gradient)
def gradient(y, f, *varargs, axis=None, edge_order=1):
    d[f] = ungradient(d[y], f, varargs, axis, edge_order)
    d[varargs] = node_unoffsets(unbroadcast(stacked_parts(d[y], f, varargs, axis) * slope_by_a(
        node_offsets(varargs[argnum], 0, f, axis, edge_order), node_offsets(varargs[argnum], 1, f, axis, edge_order),
        node_mask(f, axis, edge_order), node_differences(f, 0, axis, edge_order),
        node_differences(f, 1, axis, edge_order)), node_mask(f, axis, edge_order)),
        0, varargs[argnum], f, axis, edge_order) + node_unoffsets(unbroadcast(stacked_parts(d[y], f, varargs, axis) * slope_by_b(
            node_offsets(varargs[argnum], 0, f, axis, edge_order), node_offsets(varargs[argnum], 1, f, axis, edge_order),
            node_mask(f, axis, edge_order), node_differences(f, 0, axis, edge_order),
            node_differences(f, 1, axis, edge_order)), node_mask(f, axis, edge_order)),
            1, varargs[argnum], f, axis, edge_order)


@tangent(numpy.gradient)
def gradient(y, f, *varargs, axis=None, edge_order=1):
    d[y] = gradient_of(d[f], varargs, axis, edge_order)
    d[y] = split_parts(slope_by_a(
        node_offsets(varargs[argnum], 0, f, axis, edge_order), node_offsets(varargs[argnum], 1, f, axis, edge_order),
        node_mask(f, axis, edge_order), node_differences(f, 0, axis, edge_order),
        node_differences(f, 1, axis, edge_order)) * node_offsets(d[varargs], 0, f, axis, edge_order),
        f, varargs, axis)
    d[y] = split_parts(slope_by_b(
        node_offsets(varargs[argnum], 0, f, axis, edge_order), node_offsets(varargs[argnum], 1, f, axis, edge_order),
        node_mask(f, axis, edge_order), node_differences(f, 0, axis, edge_order),
        node_differences(f, 1, axis, edge_order)) * node_offsets(d[varargs], 1, f, axis, edge_order),
        f, varargs, axis)


# ---------------------------------------------------------------------------------
# cumulative products: d cumprod(b)[i] / d b[j] = prod of b[k] over k <= i, k != j
# (for j <= i), computed by prod_except without dividing, so exact with zeros
# ---------------------------------------------------------------------------------


@adjoint(numpy.cumprod)
def cumprod(y, a, axis=None, dtype=None):
    b = group_axes(a, axis)
    m = prefix_mask(b)
    w = numpy.where(m, prod_except(numpy.where(m, numpy.expand_dims(b, -2), 1.0), -1), 0.0)
    d[a] = ungroup_axes(numpy.sum(w * numpy.expand_dims(group_axes(numpy.reshape(d[y], numpy.shape(a)), axis), -1),
                                  axis=-2), a, axis)


@tangent(numpy.cumprod)
def cumprod(y, a, axis=None, dtype=None):
    b = group_axes(a, axis)
    m = prefix_mask(b)
    w = numpy.where(m, prod_except(numpy.where(m, numpy.expand_dims(b, -2), 1.0), -1), 0.0)
    d[y] = numpy.reshape(ungroup_axes(numpy.sum(w * numpy.expand_dims(group_axes(d[a], axis), -2), axis=-1),
                                      a, axis), numpy.shape(y))


@adjoint(numpy.ndarray.cumprod)
def cumprod_method(y, self, axis=None, dtype=None):
    b = group_axes(self, axis)
    m = prefix_mask(b)
    w = numpy.where(m, prod_except(numpy.where(m, numpy.expand_dims(b, -2), 1.0), -1), 0.0)
    d[self] = ungroup_axes(numpy.sum(w * numpy.expand_dims(group_axes(numpy.reshape(d[y], numpy.shape(self)), axis),
                                                           -1), axis=-2), self, axis)


@tangent(numpy.ndarray.cumprod)
def cumprod_method(y, self, axis=None, dtype=None):
    b = group_axes(self, axis)
    m = prefix_mask(b)
    w = numpy.where(m, prod_except(numpy.where(m, numpy.expand_dims(b, -2), 1.0), -1), 0.0)
    d[y] = numpy.reshape(ungroup_axes(numpy.sum(w * numpy.expand_dims(group_axes(d[self], axis), -2), axis=-1),
                                      self, axis), numpy.shape(y))


# ---------------------------------------------------------------------------------
# order statistics
# ---------------------------------------------------------------------------------


@adjoint(numpy.sort)
def sort(y, a, axis=-1, kind=None, order=None, *, stable=None):
    d[a] = unpermute(d[y], sort_order(a, y, axis), a, axis)


@tangent(numpy.sort)
def sort(y, a, axis=-1, kind=None, order=None, *, stable=None):
    d[y] = permute(d[a], sort_order(a, y, axis), axis)


@adjoint(numpy.partition)
def partition(y, a, kth, axis=-1, kind="introselect", order=None):
    d[a] = unpermute(d[y], sort_order(a, y, axis), a, axis)


@tangent(numpy.partition)
def partition(y, a, kth, axis=-1, kind="introselect", order=None):
    d[y] = permute(d[a], sort_order(a, y, axis), axis)


@adjoint(numpy.median)
def median(y, a, axis=None, *, keepdims=False):
    d[a] = unreduce(d[y], a, axis, keepdims) * quantile_weights(a, 0.5, axis)


@tangent(numpy.median)
def median(y, a, axis=None, *, keepdims=False):
    d[y] = numpy.sum(d[a] * quantile_weights(a, 0.5, axis), axis=axis, keepdims=keepdims)


# quantile_weights has q's axes first, then a's; the result has q's axes, then a's
# axes that are kept (all of them, as 1, with keepdims).
@adjoint(numpy.quantile)
def quantile(y, a, q, axis=None, *, method="linear", keepdims=False):
    g = numpy.reshape(d[y], quantile_spread_shape(a, q, axis))
    d[a] = numpy.sum(quantile_weights(a, q, axis, method) * g, axis=leading_axes(q))
    d[q] = numpy.sum(quantile_weights(a, q, axis, method, 1.0, True) * a * g, axis=trailing_axes(a, q))


@tangent(numpy.quantile)
def quantile(y, a, q, axis=None, *, method="linear", keepdims=False):
    d[y] = numpy.reshape(numpy.sum(quantile_weights(a, q, axis, method) * d[a],
                                   axis=quantile_reduced_axes(a, q, axis)), numpy.shape(y))
    d[y] = numpy.reshape(numpy.sum(quantile_weights(a, q, axis, method, 1.0, True) * a
                                   * numpy.reshape(d[q], quantile_q_shape(a, q)),
                                   axis=quantile_reduced_axes(a, q, axis)), numpy.shape(y))


@adjoint(numpy.percentile)
def percentile(y, a, q, axis=None, *, method="linear", keepdims=False):
    g = numpy.reshape(d[y], quantile_spread_shape(a, q, axis))
    d[a] = numpy.sum(quantile_weights(a, q, axis, method, 0.01) * g, axis=leading_axes(q))
    d[q] = numpy.sum(quantile_weights(a, q, axis, method, 0.01, True) * a * g, axis=trailing_axes(a, q))


@tangent(numpy.percentile)
def percentile(y, a, q, axis=None, *, method="linear", keepdims=False):
    d[y] = numpy.reshape(numpy.sum(quantile_weights(a, q, axis, method, 0.01) * d[a],
                                   axis=quantile_reduced_axes(a, q, axis)), numpy.shape(y))
    d[y] = numpy.reshape(numpy.sum(quantile_weights(a, q, axis, method, 0.01, True) * a
                                   * numpy.reshape(d[q], quantile_q_shape(a, q)),
                                   axis=quantile_reduced_axes(a, q, axis)), numpy.shape(y))


# the nan-quantiles: the quantiles of each slice's values that are not NaN (weights 0 at
# a NaN, and at every element of an all-NaN slice, whose quantile is NaN); a NaN's
# value takes no part in the derivative with respect to q
@adjoint(numpy.nanmedian)
def nanmedian(y, a, axis=None, *, keepdims=False):
    d[a] = unreduce(d[y], a, axis, keepdims) * nan_quantile_weights(a, 0.5, axis)


@tangent(numpy.nanmedian)
def nanmedian(y, a, axis=None, *, keepdims=False):
    d[y] = numpy.sum(d[a] * nan_quantile_weights(a, 0.5, axis), axis=axis, keepdims=keepdims)


@adjoint(numpy.nanquantile)
def nanquantile(y, a, q, axis=None, *, method="linear", keepdims=False):
    g = numpy.reshape(d[y], quantile_spread_shape(a, q, axis))
    d[a] = numpy.sum(nan_quantile_weights(a, q, axis, method) * g, axis=leading_axes(q))
    d[q] = numpy.sum(nan_quantile_weights(a, q, axis, method, 1.0, True) * numpy.where(numpy.isnan(a), 0.0, a) * g,
                     axis=trailing_axes(a, q))


@tangent(numpy.nanquantile)
def nanquantile(y, a, q, axis=None, *, method="linear", keepdims=False):
    d[y] = numpy.reshape(numpy.sum(nan_quantile_weights(a, q, axis, method) * d[a],
                                   axis=quantile_reduced_axes(a, q, axis)), numpy.shape(y))
    d[y] = numpy.reshape(numpy.sum(nan_quantile_weights(a, q, axis, method, 1.0, True)
                                   * numpy.where(numpy.isnan(a), 0.0, a) * numpy.reshape(d[q], quantile_q_shape(a, q)),
                                   axis=quantile_reduced_axes(a, q, axis)), numpy.shape(y))


@adjoint(numpy.nanpercentile)
def nanpercentile(y, a, q, axis=None, *, method="linear", keepdims=False):
    g = numpy.reshape(d[y], quantile_spread_shape(a, q, axis))
    d[a] = numpy.sum(nan_quantile_weights(a, q, axis, method, 0.01) * g, axis=leading_axes(q))
    d[q] = numpy.sum(nan_quantile_weights(a, q, axis, method, 0.01, True) * numpy.where(numpy.isnan(a), 0.0, a) * g,
                     axis=trailing_axes(a, q))


@tangent(numpy.nanpercentile)
def nanpercentile(y, a, q, axis=None, *, method="linear", keepdims=False):
    d[y] = numpy.reshape(numpy.sum(nan_quantile_weights(a, q, axis, method, 0.01) * d[a],
                                   axis=quantile_reduced_axes(a, q, axis)), numpy.shape(y))
    d[y] = numpy.reshape(numpy.sum(nan_quantile_weights(a, q, axis, method, 0.01, True)
                                   * numpy.where(numpy.isnan(a), 0.0, a) * numpy.reshape(d[q], quantile_q_shape(a, q)),
                                   axis=quantile_reduced_axes(a, q, axis)), numpy.shape(y))


# ---------------------------------------------------------------------------------
# functions that ignore NaN: the derivative at a NaN is 0
# ---------------------------------------------------------------------------------


@adjoint(numpy.nansum)
def nansum(y, a, axis=None, dtype=None, *, keepdims=False):
    d[a] = numpy.where(numpy.isnan(a), 0.0, unreduce(d[y], a, axis, keepdims))


@tangent(numpy.nansum)
def nansum(y, a, axis=None, dtype=None, *, keepdims=False):
    d[y] = numpy.sum(numpy.where(numpy.isnan(a), 0.0, d[a]), axis=axis, keepdims=keepdims)


@adjoint(numpy.nanmean)
def nanmean(y, a, axis=None, dtype=None, *, keepdims=False):
    d[a] = numpy.where(numpy.isnan(a), 0.0, unreduce(d[y], a, axis, keepdims) / nan_count(a, axis))


@tangent(numpy.nanmean)
def nanmean(y, a, axis=None, dtype=None, *, keepdims=False):
    d[y] = numpy.sum(numpy.where(numpy.isnan(a), 0.0, d[a]) / nan_count(a, axis), axis=axis, keepdims=keepdims)


@adjoint(numpy.nanprod)
def nanprod(y, a, axis=None, dtype=None, *, keepdims=False):
    d[a] = numpy.where(numpy.isnan(a), 0.0, unreduce(d[y], a, axis, keepdims)
                       * prod_except(numpy.where(numpy.isnan(a), 1.0, a), axis))


@tangent(numpy.nanprod)
def nanprod(y, a, axis=None, dtype=None, *, keepdims=False):
    d[y] = numpy.sum(numpy.where(numpy.isnan(a), 0.0, d[a] * prod_except(numpy.where(numpy.isnan(a), 1.0, a), axis)),
                     axis=axis, keepdims=keepdims)


@adjoint(numpy.nanmax)
def nanmax(y, a, axis=None, *, keepdims=False):
    d[a] = numpy.where(numpy.isnan(a), 0.0, unreduce(d[y], a, axis, keepdims) * tie_weights(a, y, axis, keepdims))


@tangent(numpy.nanmax)
def nanmax(y, a, axis=None, *, keepdims=False):
    d[y] = numpy.sum(numpy.where(numpy.isnan(a), 0.0, d[a] * tie_weights(a, y, axis, keepdims)), axis=axis,
                     keepdims=keepdims)


@adjoint(numpy.nanmin)
def nanmin(y, a, axis=None, *, keepdims=False):
    d[a] = numpy.where(numpy.isnan(a), 0.0, unreduce(d[y], a, axis, keepdims) * tie_weights(a, y, axis, keepdims))


@tangent(numpy.nanmin)
def nanmin(y, a, axis=None, *, keepdims=False):
    d[y] = numpy.sum(numpy.where(numpy.isnan(a), 0.0, d[a] * tie_weights(a, y, axis, keepdims)), axis=axis,
                     keepdims=keepdims)


# dev(a) = a - nanmean(a) where a is not NaN, else 0
@adjoint(numpy.nanvar)
def nanvar(y, a, axis=None, dtype=None, *, ddof=0, keepdims=False, correction=None):
    d[a] = numpy.where(numpy.isnan(a), 0.0, unreduce(d[y], a, axis, keepdims) * (
        2.0 * numpy.conj(a - numpy.nanmean(a, axis=axis, keepdims=True))
        / degrees_of_freedom(a, axis, ddof, correction, True)))


@tangent(numpy.nanvar)
def nanvar(y, a, axis=None, dtype=None, *, ddof=0, keepdims=False, correction=None):
    d[y] = numpy.real(numpy.sum(numpy.where(numpy.isnan(a), 0.0, d[a] * (
        2.0 * numpy.conj(a - numpy.nanmean(a, axis=axis, keepdims=True))
        / degrees_of_freedom(a, axis, ddof, correction, True))), axis=axis, keepdims=keepdims))


@adjoint(numpy.nanstd)
def nanstd(y, a, axis=None, dtype=None, *, ddof=0, keepdims=False, correction=None):
    d[a] = numpy.where(numpy.isnan(a), 0.0, unreduce(d[y] * inverse_or_zero(y), a, axis, keepdims) * (
        numpy.conj(a - numpy.nanmean(a, axis=axis, keepdims=True))
        / degrees_of_freedom(a, axis, ddof, correction, True)))


@tangent(numpy.nanstd)
def nanstd(y, a, axis=None, dtype=None, *, ddof=0, keepdims=False, correction=None):
    d[y] = numpy.real(numpy.sum(numpy.where(numpy.isnan(a), 0.0, d[a] * (
        numpy.conj(a - numpy.nanmean(a, axis=axis, keepdims=True))
        / degrees_of_freedom(a, axis, ddof, correction, True))), axis=axis, keepdims=keepdims)) * inverse_or_zero(y)


@adjoint(numpy.nancumsum)
def nancumsum(y, a, axis=None, dtype=None):
    d[a] = numpy.where(numpy.isnan(a), 0.0, numpy.reshape(numpy.flip(numpy.cumsum(numpy.flip(d[y], axis), axis), axis),
                                                          numpy.shape(a)))


@tangent(numpy.nancumsum)
def nancumsum(y, a, axis=None, dtype=None):
    d[y] = numpy.cumsum(numpy.where(numpy.isnan(a), 0.0, d[a]), axis)


# nancumprod counts a NaN as 1: it is no factor of any product
@adjoint(numpy.nancumprod)
def nancumprod(y, a, axis=None, dtype=None):
    b = group_axes(a, axis)
    m = prefix_mask(b, True)
    w = numpy.where(m, prod_except(numpy.where(m, numpy.expand_dims(b, -2), 1.0), -1), 0.0)
    d[a] = ungroup_axes(numpy.sum(w * numpy.expand_dims(group_axes(numpy.reshape(d[y], numpy.shape(a)), axis), -1),
                                  axis=-2), a, axis)


@tangent(numpy.nancumprod)
def nancumprod(y, a, axis=None, dtype=None):
    b = group_axes(a, axis)
    m = prefix_mask(b, True)
    w = numpy.where(m, prod_except(numpy.where(m, numpy.expand_dims(b, -2), 1.0), -1), 0.0)
    d[y] = numpy.reshape(ungroup_axes(numpy.sum(w * numpy.expand_dims(group_axes(d[a], axis), -2), axis=-1),
                                      a, axis), numpy.shape(y))


# ---------------------------------------------------------------------------------
# ufunc reductions: numpy.add.reduce is sum, numpy.maximum.reduce is amax, ... (axis 0
# unless told); ties split evenly as for max and min
# ---------------------------------------------------------------------------------

@adjoint(numpy.add.reduce)
def add_reduce(y, array, axis=0, dtype=None, out=None, keepdims=False):
    d[array] = unreduce(d[y], array, axis, keepdims)


@tangent(numpy.add.reduce)
def add_reduce(y, array, axis=0, dtype=None, out=None, keepdims=False):
    d[y] = numpy.sum(d[array], axis=axis, keepdims=keepdims)


@adjoint(numpy.multiply.reduce)
def multiply_reduce(y, array, axis=0, dtype=None, out=None, keepdims=False):
    d[array] = unreduce(d[y], array, axis, keepdims) * prod_except(array, axis)


@tangent(numpy.multiply.reduce)
def multiply_reduce(y, array, axis=0, dtype=None, out=None, keepdims=False):
    d[y] = numpy.sum(d[array] * prod_except(array, axis), axis=axis, keepdims=keepdims)


for _extremum in (numpy.maximum.reduce, numpy.minimum.reduce):
    @adjoint(_extremum)
    def extremum_reduce(y, array, axis=0, dtype=None, out=None, keepdims=False):
        d[array] = unreduce(d[y], array, axis, keepdims) * tie_weights(array, y, axis, keepdims)

    @tangent(_extremum)
    def extremum_reduce(y, array, axis=0, dtype=None, out=None, keepdims=False):
        d[y] = numpy.sum(d[array] * tie_weights(array, y, axis, keepdims), axis=axis, keepdims=keepdims)


# running maxima and minima: each item is one item of the array (the first of tied ones, as
# NumPy keeps the running value at a tie), so the derivative is a gather along the axis
for _running in (numpy.maximum.accumulate, numpy.minimum.accumulate):
    @adjoint(_running)
    def extremum_accumulate(y, array, axis=0, dtype=None, out=None):
        d[array] = untake_along_axis(d[y], array, accumulate_sources(y, axis), axis)

    @tangent(_running)
    def extremum_accumulate(y, array, axis=0, dtype=None, out=None):
        d[y] = numpy.take_along_axis(d[array], accumulate_sources(y, axis), axis)


# running sums and products: cumsum and cumprod along one axis (0 unless given)
@adjoint(numpy.add.accumulate)
def add_accumulate(y, array, axis=0, dtype=None, out=None):
    d[array] = numpy.flip(numpy.cumsum(numpy.flip(d[y], axis), axis), axis)


@tangent(numpy.add.accumulate)
def add_accumulate(y, array, axis=0, dtype=None, out=None):
    d[y] = numpy.cumsum(d[array], axis)


@adjoint(numpy.multiply.accumulate)
def multiply_accumulate(y, array, axis=0, dtype=None, out=None):
    b = group_axes(array, axis)
    m = prefix_mask(b)
    w = numpy.where(m, prod_except(numpy.where(m, numpy.expand_dims(b, -2), 1.0), -1), 0.0)
    d[array] = ungroup_axes(numpy.sum(w * numpy.expand_dims(group_axes(d[y], axis), -1), axis=-2), array, axis)


@tangent(numpy.multiply.accumulate)
def multiply_accumulate(y, array, axis=0, dtype=None, out=None):
    b = group_axes(array, axis)
    m = prefix_mask(b)
    w = numpy.where(m, prod_except(numpy.where(m, numpy.expand_dims(b, -2), 1.0), -1), 0.0)
    d[y] = ungroup_axes(numpy.sum(w * numpy.expand_dims(group_axes(d[array], axis), -2), axis=-1), array, axis)


# sums over segments along one axis: linear, each result the sum of its segment
@adjoint(numpy.add.reduceat)
def add_reduceat(y, array, indices, axis=0, dtype=None, out=None):
    d[array] = unreduceat(d[y], array, indices, axis)


@tangent(numpy.add.reduceat)
def add_reduceat(y, array, indices, axis=0, dtype=None, out=None):
    d[y] = numpy.add.reduceat(d[array], indices, axis)


# products over segments: an element's derivative is the product of the others in its
# segment (prod_except: exact at zeros), w laid out (..., segments, n) with the axis last
@adjoint(numpy.multiply.reduceat)
def multiply_reduceat(y, array, indices, axis=0, dtype=None, out=None):
    m = reduceat_segments(array, indices, axis)
    w = numpy.where(m, prod_except(numpy.where(m, numpy.expand_dims(numpy.moveaxis(array, axis, -1), -2), 1.0), -1),
                    0.0)
    d[array] = numpy.moveaxis(numpy.einsum("...m,...mn->...n", numpy.moveaxis(d[y], axis, -1), w), -1, axis)


@tangent(numpy.multiply.reduceat)
def multiply_reduceat(y, array, indices, axis=0, dtype=None, out=None):
    m = reduceat_segments(array, indices, axis)
    w = numpy.where(m, prod_except(numpy.where(m, numpy.expand_dims(numpy.moveaxis(array, axis, -1), -2), 1.0), -1),
                    0.0)
    d[y] = numpy.moveaxis(numpy.einsum("...mn,...n->...m", w, numpy.moveaxis(d[array], axis, -1)), -1, axis)


# maxima and minima over segments: each result's derivative split among its tied elements
for _extremum_at in (numpy.maximum.reduceat, numpy.minimum.reduceat):
    @adjoint(_extremum_at)
    def extremum_reduceat(y, array, indices, axis=0, dtype=None, out=None):
        d[array] = numpy.moveaxis(numpy.einsum("...m,...mn->...n", numpy.moveaxis(d[y], axis, -1),
                                               reduceat_tie_weights(array, y, indices, axis)), -1, axis)

    @tangent(_extremum_at)
    def extremum_reduceat(y, array, indices, axis=0, dtype=None, out=None):
        d[y] = numpy.moveaxis(numpy.einsum("...mn,...n->...m", reduceat_tie_weights(array, y, indices, axis),
                                           numpy.moveaxis(d[array], axis, -1)), -1, axis)


declare(numpy.add.reduce, numpy.multiply.reduce, numpy.maximum.reduce, numpy.minimum.reduce, numpy.add.reduceat,
        numpy.multiply.reduceat, numpy.maximum.reduceat, numpy.minimum.reduceat, numpy.maximum.accumulate,
        numpy.minimum.accumulate, numpy.add.accumulate, numpy.multiply.accumulate, numpy.nanmedian, numpy.nanquantile,
        numpy.nanpercentile, result=FRESH)
non_differentiable(accumulate_sources, reduceat_tie_weights, reduceat_segments)
