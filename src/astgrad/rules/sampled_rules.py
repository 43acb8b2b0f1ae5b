"""Derivatives of NumPy's functions of sampled data: ``numpy.trapezoid`` (and
``numpy.trapz`` where NumPy still has it), ``numpy.interp`` and ``numpy.convolve``.

Their helpers are in ``sampled.py``; the helpers' own rules, here too, close the
vocabulary for second order.
"""

import numpy

from ..runtime import (is_none, trapezoid_pairs, trapezoid_spacing, trapezoid_unspacing, trapezoid_weights,
                       unreduce)
from .registry import FRESH, adjoint, d, declare, non_differentiable, tangent

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
