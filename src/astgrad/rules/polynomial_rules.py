"""Derivatives of numpy.polyval, numpy.polyder, numpy.polyint and (power_series_rules.py)
numpy.polynomial.polynomial.polyval for a 1-D array of coefficients.

``polyval(p, x)`` is linear in p: its derivative in p weighs the powers of x, and in x it
is ``polyval(poly_slope(p), x)``, with ``poly_slope`` polyder refusing what is not a vector
of coefficients (in x's float dtype: polyder's factors are integers, which would make
float32 coefficients float64). ``polyder(p, m)`` is linear in p; its transpose is
``polyder_adjoint``. ``polyint(p, m, k)`` is linear in p and in the constants k; its
transposes are ``polyint_adjoint`` and ``polyint_constants_adjoint``. Every template calls functions with rules, so these derivatives can
be differentiated again.
"""

import numpy

from ..runtime import (cast_like, poly_exponents, poly_length, poly_powers, poly_slope, polyder_adjoint,
                       polyint_adjoint, polyint_constants_adjoint)
from .optional import register_when_imported
from .registry import FRESH, MAY_SHARE, adjoint, d, declare, non_differentiable, tangent


@adjoint(numpy.polyval)
def polyval(y, p, x):
    d[p] = numpy.tensordot(poly_powers(x, poly_length(p)), d[y], axes=numpy.ndim(d[y]))
    d[x] = cast_like(d[y] * numpy.polyval(poly_slope(p), x), x)


@tangent(numpy.polyval)
def polyval(y, p, x):
    d[y] = numpy.polyval(d[p], x)
    d[y] = cast_like(d[x] * numpy.polyval(poly_slope(p), x), y)


# numpy.polynomial.polynomial.polyval: power_series_rules.py, registered once the program
# imports numpy.polynomial (which ``import numpy`` does not)
register_when_imported("numpy.polynomial", "astgrad.rules.power_series_rules")


@adjoint(numpy.polyder)
def polyder(y, p, m=1):
    d[p] = polyder_adjoint(d[y], p, m)


@tangent(numpy.polyder)
def polyder(y, p, m=1):
    d[y] = numpy.polyder(d[p], m)


@adjoint(poly_slope)
def poly_slope_(y, p):
    d[p] = polyder_adjoint(d[y], p)


@tangent(poly_slope)
def poly_slope_(y, p):
    d[y] = poly_slope(d[p])


@adjoint(polyder_adjoint)
def polyder_adjoint_(r, g, p, m=1):
    d[g] = cast_like(numpy.polyder(d[r], m), g)


@tangent(polyder_adjoint)
def polyder_adjoint_(r, g, p, m=1):
    d[r] = polyder_adjoint(d[g], p, m)


@adjoint(numpy.polyint)
def polyint(y, p, m=1, k=None):
    d[p] = polyint_adjoint(d[y], p, m)
    d[k] = polyint_constants_adjoint(d[y], k, m)


@tangent(numpy.polyint)
def polyint(y, p, m=1, k=None):
    d[y] = numpy.polyint(d[p], m)
    d[y] = numpy.polyint(numpy.zeros_like(p), m, d[k])


@adjoint(polyint_adjoint)
def polyint_adjoint_(r, g, p, m=1):
    d[g] = cast_like(numpy.polyint(d[r], m), g)


@tangent(polyint_adjoint)
def polyint_adjoint_(r, g, p, m=1):
    d[r] = polyint_adjoint(d[g], p, m)


@adjoint(polyint_constants_adjoint)
def polyint_constants_adjoint_(r, g, k, m=1):
    d[g] = cast_like(numpy.polyint(numpy.zeros(poly_length(g) - m), m, d[r]), g)


@tangent(polyint_constants_adjoint)
def polyint_constants_adjoint_(r, g, k, m=1):
    d[r] = polyint_constants_adjoint(d[g], k, m)


# d/dx x**k = k x**(k-1): the exponents times the powers moved one place down.
@adjoint(poly_powers)
def poly_powers_(y, x, n):
    d[x] = numpy.sum(poly_exponents(x, n) * numpy.concatenate((y[1:], numpy.zeros_like(y[:1])), axis=0) * d[y],
                     axis=0)


@tangent(poly_powers)
def poly_powers_(y, x, n):
    d[y] = poly_exponents(x, n) * numpy.concatenate((y[1:], numpy.zeros_like(y[:1])), axis=0) * d[x]


declare(numpy.polyder, poly_slope, polyder_adjoint, polyint_adjoint, polyint_constants_adjoint, poly_powers,
        result=FRESH)
declare(numpy.polyint, result=MAY_SHARE)      # polyint(p, 0) is p itself
non_differentiable(poly_length, poly_exponents)
