"""Derivative of numpy.polynomial.polynomial.polyval for a 1-D array of coefficients.

Imported once the program has imported ``numpy.polynomial`` (``import numpy`` does not,
and importing it with astgrad was a tenth of ``import astgrad``): see
``optional.register_when_imported``.
"""

import numpy
import numpy.polynomial.polynomial

from ..runtime import cast_like, poly_length, poly_powers, poly_slope
from .registry import FRESH, adjoint, d, declare, tangent, unregistered


# polyval(x, c) takes the coefficients lowest power first: for a vector c it is
# numpy.polyval(c[::-1], x) (``tensor`` only matters for c of more dimensions, which
# poly_powers and poly_slope refuse).
def power_series_adjoint(y, x, c, tensor=True):
    d[c] = numpy.flip(numpy.tensordot(poly_powers(x, poly_length(c)), d[y], axes=numpy.ndim(d[y])))
    d[x] = cast_like(d[y] * numpy.polyval(poly_slope(numpy.flip(c)), x), x)


def power_series_tangent(y, x, c, tensor=True):
    d[y] = numpy.polynomial.polynomial.polyval(x, d[c], tensor)
    d[y] = cast_like(d[x] * numpy.polyval(poly_slope(numpy.flip(c)), x), y)


if unregistered(numpy.polynomial.polynomial.polyval):     # (see registry.unregistered)
    adjoint(numpy.polynomial.polynomial.polyval)(power_series_adjoint)
    tangent(numpy.polynomial.polynomial.polyval)(power_series_tangent)
    declare(numpy.polynomial.polynomial.polyval, result=FRESH)
