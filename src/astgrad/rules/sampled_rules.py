"""Derivatives of NumPy's functions of sampled data: ``numpy.trapezoid`` (and
``numpy.trapz`` where NumPy still has it), ``numpy.interp``, ``numpy.convolve`` and
``numpy.correlate``.

Their helpers are in ``sampled.py``; the helpers' own rules, here too, close the
vocabulary for second order.
"""

import numpy

from ..runtime import (convolve_crop, correlate_crop, correlate_embed, corr_change, corr_change_adjoint, cov_factor, cov_place, cov_rows, cov_share, cov_symmetric, cov_weights,
                       square_shape, convolve_embed, interp_fill, interp_index, interp_outside, interp_weight, interp_weight_slope, is_none,
                       trapezoid_pairs, trapezoid_spacing, trapezoid_unspacing, trapezoid_weights, unbroadcast,
                       unindex, unreduce)
from .registry import FRESH, adjoint, d, declare, non_differentiable, tangent, unsupported

_TRAPEZOID = tuple(getattr(numpy, name) for name in ("trapezoid", "trapz") if hasattr(numpy, name))

# trapezoid(y, x, dx, axis) = sum(y * w, axis): the weight w of a sample is half the
# spacing on each side of it; w is linear in the spacing, which is dx or the
# differences of x (dx counts only without x).
for _trapezoid in _TRAPEZOID:
    @adjoint(_trapezoid)
    def trapezoid(r, y, x=None, dx=1.0, axis=-1):
        d[y] = unreduce(d[r], y, axis) * trapezoid_weights(trapezoid_spacing(x, y, axis, dx), y, axis)
        d[x] = trapezoid_unspacing(trapezoid_pairs(unreduce(d[r], y, axis) * y, trapezoid_spacing(x, y, axis), axis),
                                   x, y, axis)
        d[dx] = trapezoid_pairs(unreduce(d[r], y, axis) * y, dx, axis) * is_none(x)

    @tangent(_trapezoid)
    def trapezoid(r, y, x=None, dx=1.0, axis=-1):
        d[r] = numpy.sum(d[y] * trapezoid_weights(trapezoid_spacing(x, y, axis, dx), y, axis), axis=axis)
        d[r] = numpy.sum(y * trapezoid_weights(trapezoid_spacing(d[x], y, axis), y, axis), axis=axis)
        d[r] = numpy.sum(y * trapezoid_weights(d[dx], y, axis), axis=axis) * is_none(x)

declare(*_TRAPEZOID, result=FRESH)


@adjoint(trapezoid_spacing)
def trapezoid_spacing_(s, x, y, axis=-1, dx=1.0):
    d[x] = trapezoid_unspacing(d[s], x, y, axis)
    d[dx] = d[s] * is_none(x)


@tangent(trapezoid_spacing)
def trapezoid_spacing_(s, x, y, axis=-1, dx=1.0):
    d[s] = trapezoid_spacing(d[x], y, axis)
    d[s] = d[dx] * is_none(x)


@adjoint(trapezoid_unspacing)
def trapezoid_unspacing_(r, g, x, y, axis=-1):
    d[g] = trapezoid_spacing(d[r], y, axis)


@tangent(trapezoid_unspacing)
def trapezoid_unspacing_(r, g, x, y, axis=-1):
    d[r] = trapezoid_unspacing(d[g], x, y, axis)


@adjoint(trapezoid_weights)
def trapezoid_weights_(w, s, y, axis=-1):
    d[s] = trapezoid_pairs(d[w], s, axis)


@tangent(trapezoid_weights)
def trapezoid_weights_(w, s, y, axis=-1):
    d[w] = trapezoid_weights(d[s], y, axis)


@adjoint(trapezoid_pairs)
def trapezoid_pairs_(r, g, s, axis=-1):
    d[g] = trapezoid_weights(d[r], g, axis)


@tangent(trapezoid_pairs)
def trapezoid_pairs_(r, g, s, axis=-1):
    d[r] = trapezoid_pairs(d[g], s, axis)


non_differentiable(is_none)
declare(trapezoid_unspacing, trapezoid_weights, trapezoid_pairs, result=FRESH)    # spacing may be dx itself


# interp(x, xp, fp, left, right, period) = w0 * fp[i0] + w1 * fp[i1], or left / right
# outside the samples: linear in fp, left and right; in x the slope of the segment
# (sampled.py says which segment a knot takes), 0 outside. xp has no rule.


@adjoint(numpy.interp)
def interp(y, x, xp, fp, left=None, right=None, period=None):
    d[x] = d[y] * (numpy.take(fp, interp_index(x, xp, period, 0)) * interp_weight_slope(x, xp, left, right, period, 0)
                   + numpy.take(fp, interp_index(x, xp, period, 1)) * interp_weight_slope(x, xp, left, right, period, 1))
    d[xp] = unsupported(d[y], "numpy.interp is differentiated in x, fp, left and right, not in the sample positions xp")
    d[fp] = unindex(d[y] * interp_weight(x, xp, left, right, period, 0), fp, interp_index(x, xp, period, 0))
    d[fp] = unindex(d[y] * interp_weight(x, xp, left, right, period, 1), fp, interp_index(x, xp, period, 1))
    d[left] = unbroadcast(d[y] * interp_outside(x, xp, period, "left"), left)
    d[right] = unbroadcast(d[y] * interp_outside(x, xp, period, "right"), right)


@tangent(numpy.interp)
def interp(y, x, xp, fp, left=None, right=None, period=None):
    d[y] = d[x] * (numpy.take(fp, interp_index(x, xp, period, 0)) * interp_weight_slope(x, xp, left, right, period, 0)
                   + numpy.take(fp, interp_index(x, xp, period, 1)) * interp_weight_slope(x, xp, left, right, period, 1))
    d[y] = unsupported(d[xp], "numpy.interp is differentiated in x, fp, left and right, not in the sample positions xp")
    d[y] = numpy.interp(x, xp, d[fp], interp_fill(left), interp_fill(right), period)
    d[y] = d[left] * interp_outside(x, xp, period, "left")
    d[y] = d[right] * interp_outside(x, xp, period, "right")


# the weights of interp's samples: their derivative in x is piecewise constant
@adjoint(interp_weight)
def interp_weight_(w, x, xp, left=None, right=None, period=None, which=0):
    d[x] = d[w] * interp_weight_slope(x, xp, left, right, period, which)
    d[xp] = unsupported(d[w], "numpy.interp is differentiated in x, fp, left and right, not in the sample positions xp")


@tangent(interp_weight)
def interp_weight_(w, x, xp, left=None, right=None, period=None, which=0):
    d[w] = d[x] * interp_weight_slope(x, xp, left, right, period, which)
    d[w] = unsupported(d[xp], "numpy.interp is differentiated in x, fp, left and right, not in the sample positions xp")


declare(numpy.interp, interp_weight, result=FRESH)
non_differentiable(interp_index, interp_weight_slope, interp_outside, interp_fill)


# convolve(a, v, mode) is bilinear: the adjoint of a is the cotangent, placed in the
# full convolution, convolved with v reversed ("valid" keeps a's length), and so for v.
@adjoint(numpy.convolve)
def convolve(y, a, v, mode="full"):
    d[a] = numpy.convolve(convolve_embed(d[y], a, v, mode), numpy.flip(v), "valid")
    d[v] = numpy.convolve(convolve_embed(d[y], a, v, mode), numpy.flip(a), "valid")


@tangent(numpy.convolve)
def convolve(y, a, v, mode="full"):
    d[y] = numpy.convolve(d[a], v, mode)
    d[y] = numpy.convolve(a, d[v], mode)


@adjoint(convolve_embed)
def convolve_embed_(h, g, a, v, mode="full"):
    d[g] = convolve_crop(d[h], a, v, mode)


@tangent(convolve_embed)
def convolve_embed_(h, g, a, v, mode="full"):
    d[h] = convolve_embed(d[g], a, v, mode)


@adjoint(convolve_crop)
def convolve_crop_(g, h, a, v, mode="full"):
    d[h] = convolve_embed(d[g], a, v, mode)


@tangent(convolve_crop)
def convolve_crop_(g, h, a, v, mode="full"):
    d[g] = convolve_crop(d[h], a, v, mode)


declare(numpy.convolve, convolve_embed, convolve_crop, result=FRESH)
declare(convolve_embed, convolve_crop, shape_arguments=(1, 2))     # a and v: their sizes


# correlate(a, v, mode) of real arrays is convolve(a, v reversed) cropped to correlate's
# window: the adjoint of a convolves the cotangent, in the full correlation, with v; that
# of v is the reversed valid convolution of a with it.
@adjoint(numpy.correlate)
def correlate(y, a, v, mode="valid"):
    d[a] = numpy.convolve(correlate_embed(d[y], a, v, mode), v, "valid")
    d[v] = numpy.convolve(numpy.flip(correlate_embed(d[y], a, v, mode)), a, "valid")


@tangent(numpy.correlate)
def correlate(y, a, v, mode="valid"):
    d[y] = numpy.correlate(d[a], v, mode)
    d[y] = numpy.correlate(a, d[v], mode)


@adjoint(correlate_embed)
def correlate_embed_(h, g, a, v, mode="valid"):
    d[g] = correlate_crop(d[h], a, v, mode)


@tangent(correlate_embed)
def correlate_embed_(h, g, a, v, mode="valid"):
    d[h] = correlate_embed(d[g], a, v, mode)


@adjoint(correlate_crop)
def correlate_crop_(g, h, a, v, mode="valid"):
    d[h] = correlate_embed(d[g], a, v, mode)


@tangent(correlate_crop)
def correlate_crop_(g, h, a, v, mode="valid"):
    d[g] = correlate_crop(d[h], a, v, mode)


declare(numpy.correlate, correlate_embed, correlate_crop, result=FRESH)
declare(correlate_embed, correlate_crop, shape_arguments=(1, 2))     # a and v: their sizes


# cov(m, y) = Xc W Xc^T / f, X = cov_rows(m, y) with Xc its rows centred (the weighted
# mean), W the observations' weights and f cov_factor: d cov = S(dX W Xc^T) / f, S(T) =
# T + T^T (dX needs no centring: Xc W 1 = 0). The weights have no rule.
@adjoint(numpy.cov)
def cov(c, m, y=None, rowvar=True, bias=False, ddof=None, fweights=None, aweights=None, *, dtype=None):
    w = cov_weights(cov_rows(m, y, rowvar), fweights, aweights)
    xc = cov_rows(m, y, rowvar) - numpy.average(cov_rows(m, y, rowvar), axis=1, weights=w, keepdims=True)
    d[m] = cov_share(numpy.matmul(cov_symmetric(d[c], square_shape(xc)), xc * w), m, y, rowvar, 0) / cov_factor(
        xc, bias, ddof, fweights, aweights)
    d[y] = cov_share(numpy.matmul(cov_symmetric(d[c], square_shape(xc)), xc * w), m, y, rowvar, 1) / cov_factor(
        xc, bias, ddof, fweights, aweights)
    d[aweights] = unsupported(d[c], "numpy.cov is differentiated in m and y, not in its weights")


@tangent(numpy.cov)
def cov(c, m, y=None, rowvar=True, bias=False, ddof=None, fweights=None, aweights=None, *, dtype=None):
    w = cov_weights(cov_rows(m, y, rowvar), fweights, aweights)
    xc = cov_rows(m, y, rowvar) - numpy.average(cov_rows(m, y, rowvar), axis=1, weights=w, keepdims=True)
    d[c] = cov_symmetric(numpy.matmul(cov_place(d[m], m, y, rowvar, 0) * w, numpy.transpose(xc)), numpy.shape(c)) / (
        cov_factor(xc, bias, ddof, fweights, aweights))
    d[c] = cov_symmetric(numpy.matmul(cov_place(d[y], m, y, rowvar, 1) * w, numpy.transpose(xc)), numpy.shape(c)) / (
        cov_factor(xc, bias, ddof, fweights, aweights))
    d[c] = unsupported(d[aweights], "numpy.cov is differentiated in m and y, not in its weights")


@adjoint(cov_rows)
def cov_rows_(x, m, y=None, rowvar=True):
    d[m] = cov_share(d[x], m, y, rowvar, 0)
    d[y] = cov_share(d[x], m, y, rowvar, 1)


@tangent(cov_rows)
def cov_rows_(x, m, y=None, rowvar=True):
    d[x] = cov_place(d[m], m, y, rowvar, 0)
    d[x] = cov_place(d[y], m, y, rowvar, 1)


@adjoint(cov_share)
def cov_share_(r, g, m, y=None, rowvar=True, part=0):
    d[g] = cov_place(d[r], m, y, rowvar, part)


@tangent(cov_share)
def cov_share_(r, g, m, y=None, rowvar=True, part=0):
    d[r] = cov_share(d[g], m, y, rowvar, part)


@adjoint(cov_place)
def cov_place_(r, t, m, y=None, rowvar=True, part=0):
    d[t] = cov_share(d[r], m, y, rowvar, part)


@tangent(cov_place)
def cov_place_(r, t, m, y=None, rowvar=True, part=0):
    d[r] = cov_place(d[t], m, y, rowvar, part)


@adjoint(cov_symmetric)
def cov_symmetric_(r, t, shape):
    d[t] = cov_symmetric(d[r], numpy.shape(t))


@tangent(cov_symmetric)
def cov_symmetric_(r, t, shape):
    d[r] = cov_symmetric(d[t], shape)


declare(numpy.cov, cov_rows, cov_share, cov_place, cov_symmetric, result=FRESH)
declare(cov_share, cov_place, shape_arguments=(1, 2))
non_differentiable(cov_weights, cov_factor, square_shape)


# corrcoef(x, y) = C / (s s^T), C = cov(x, y), s = sqrt(diag(C)): its adjoint in C is
# corr_change_adjoint, written out here in NumPy's functions (so it has a derivative
# again), then cov's adjoint. The tangent goes through corr_change, whose derivative
# in C and in the result is refused (the tangent's own derivative: a third order).
@adjoint(numpy.corrcoef)
def corrcoef(r, x, y=None, rowvar=True, bias=None, ddof=None, *, dtype=None):
    xc = cov_rows(x, y, rowvar) - numpy.mean(cov_rows(x, y, rowvar), axis=1, keepdims=True)
    c2 = numpy.reshape(numpy.cov(x, y, rowvar), square_shape(xc))
    g = numpy.reshape(d[r], square_shape(xc)) * numpy.reshape(numpy.abs(r) < 1.0, square_shape(xc))
    gc = g / numpy.outer(numpy.sqrt(numpy.diagonal(c2)), numpy.sqrt(numpy.diagonal(c2))) - numpy.diag(
        (numpy.sum(g * numpy.reshape(r, square_shape(xc)), axis=1)
         + numpy.sum(g * numpy.reshape(r, square_shape(xc)), axis=0)) / (2.0 * numpy.diagonal(c2)))
    d[x] = cov_share(numpy.matmul(cov_symmetric(gc, square_shape(xc)), xc), x, y, rowvar, 0) / cov_factor(xc)
    d[y] = cov_share(numpy.matmul(cov_symmetric(gc, square_shape(xc)), xc), x, y, rowvar, 1) / cov_factor(xc)


@tangent(numpy.corrcoef)
def corrcoef(r, x, y=None, rowvar=True, bias=None, ddof=None, *, dtype=None):
    xc = cov_rows(x, y, rowvar) - numpy.mean(cov_rows(x, y, rowvar), axis=1, keepdims=True)
    d[r] = corr_change(cov_symmetric(numpy.matmul(cov_place(d[x], x, y, rowvar, 0), numpy.transpose(xc)),
                                     square_shape(xc)) / cov_factor(xc), numpy.cov(x, y, rowvar), r) * (
        numpy.abs(r) < 1.0)
    d[r] = corr_change(cov_symmetric(numpy.matmul(cov_place(d[y], x, y, rowvar, 1), numpy.transpose(xc)),
                                     square_shape(xc)) / cov_factor(xc), numpy.cov(x, y, rowvar), r) * (
        numpy.abs(r) < 1.0)


@adjoint(corr_change)
def corr_change_(r2, dc, c, r):
    d[dc] = corr_change_adjoint(d[r2], c, r)
    d[c] = unsupported(d[r2], "numpy.corrcoef is differentiated at most twice")
    d[r] = unsupported(d[r2], "numpy.corrcoef is differentiated at most twice")


@tangent(corr_change)
def corr_change_(r2, dc, c, r):
    d[r2] = corr_change(d[dc], c, r)
    d[r2] = unsupported(d[c], "numpy.corrcoef is differentiated at most twice")
    d[r2] = unsupported(d[r], "numpy.corrcoef is differentiated at most twice")


@adjoint(corr_change_adjoint)
def corr_change_adjoint_(gc, g, c, r):
    d[g] = corr_change(d[gc], c, r)
    d[c] = unsupported(d[gc], "numpy.corrcoef is differentiated at most twice")
    d[r] = unsupported(d[gc], "numpy.corrcoef is differentiated at most twice")


@tangent(corr_change_adjoint)
def corr_change_adjoint_(gc, g, c, r):
    d[gc] = corr_change_adjoint(d[g], c, r)
    d[gc] = unsupported(d[c], "numpy.corrcoef is differentiated at most twice")
    d[gc] = unsupported(d[r], "numpy.corrcoef is differentiated at most twice")


declare(numpy.corrcoef, corr_change, corr_change_adjoint, result=FRESH)


# bincount(x, weights) adds the weights of equal x: linear in weights, whose adjoint
# reads each weight's bin (x are integers, without a derivative)
@adjoint(numpy.bincount)
def bincount(y, x, weights=None, minlength=0):
    d[weights] = numpy.take(d[y], x)


@tangent(numpy.bincount)
def bincount(y, x, weights=None, minlength=0):
    d[y] = numpy.bincount(x, d[weights], minlength)
