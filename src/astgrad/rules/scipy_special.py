"""Derivatives of scipy.special functions (registered only when SciPy is imported).

The conventions are those of ``numpy_rules.py``: functions of several arguments
broadcast, so adjoints go through ``unbroadcast`` and tangents through
``broadcast_like``; constants are Python floats, so float32 data stays float32.
Every template calls only functions that have rules themselves, so derivatives can
be differentiated again: gammaln' = digamma, digamma' = polygamma(1, .),
polygamma(n, .)' = polygamma(n + 1, .), i0' = i1, i1' = (i0 + iv(2, .)) / 2 and
iv(v, .)' = (iv(v - 1, .) + iv(v + 1, .)) / 2.

Outside a function's domain (gammaln at a pole, logit outside [0, 1], ...) the value
is SciPy's and the derivative is its formula's value there (inf or nan), as for NumPy's
functions; docs/api.md lists them.
"""

import numpy
from scipy import special

from ..runtime import broadcast_like, log_ndtr_gap, log_ndtr_slope, logsumexp_weights, scipy_polygamma, unbroadcast, unreduce
from .declare import elementwise
from .registry import FRESH, adjoint, d, declare, tangent, unsupported

# 2 / sqrt(pi) = 1.1283791670955126 and sqrt(pi) / 2 = 0.886226925452758, written out
# as Python floats so float32 data keeps its dtype.

# ---------------------------------------------------------------------------------
# Gamma, beta and their logarithms
# ---------------------------------------------------------------------------------

elementwise(special.gammaln, lambda y, x: special.digamma(x))
# scipy.special.psi is digamma. SciPy's polygamma takes real values only: scipy_polygamma
# refuses a complex one naming the function differentiated
elementwise(special.digamma, lambda y, x: scipy_polygamma(1, x, "digamma"))


@adjoint(special.polygamma)
def polygamma(y, n, x):
    d[n] = unsupported(d[y], "the order n of polygamma(n, x) is an integer; only x is differentiable")
    d[x] = d[y] * scipy_polygamma(n + 1, x, "polygamma")


@tangent(special.polygamma)
def polygamma(y, n, x):
    d[y] = unsupported(d[n], "the order n of polygamma(n, x) is an integer; only x is differentiable")
    d[y] = d[x] * scipy_polygamma(n + 1, x, "polygamma")


@adjoint(scipy_polygamma)
def scipy_polygamma_(y, n, x, of):
    d[x] = d[y] * scipy_polygamma(n + 1, x, of)


@tangent(scipy_polygamma)
def scipy_polygamma_(y, n, x, of):
    d[y] = d[x] * scipy_polygamma(n + 1, x, of)


declare(scipy_polygamma, result=FRESH)


elementwise(special.gamma, lambda y, x: y * special.digamma(x))
elementwise(special.beta, lambda z, a, b: z * (special.digamma(a) - special.digamma(a + b)),
            lambda z, a, b: z * (special.digamma(b) - special.digamma(a + b)))
elementwise(special.betaln, lambda z, a, b: special.digamma(a) - special.digamma(a + b),
            lambda z, a, b: special.digamma(b) - special.digamma(a + b))


# ---------------------------------------------------------------------------------
# Error function, logistic function
# ---------------------------------------------------------------------------------

elementwise(special.erf, lambda y, x: 1.1283791670955126 * numpy.exp(-x * x))
elementwise(special.erfc, lambda y, x: -1.1283791670955126 * numpy.exp(-x * x))
elementwise(special.erfinv, lambda y, x: 0.886226925452758 * numpy.exp(y * y))
# erfcx(x) = exp(x * x) * erfc(x), so erfcx' = 2 x erfcx(x) - 2 / sqrt(pi)
elementwise(special.erfcx, lambda y, x: 2.0 * x * y - 1.1283791670955126)
# log_ndtr' = pdf / cdf of the standard normal, s = log_ndtr_slope(x) (special_functions.py: quiet and
# accurate in both tails); s' = -s * (x + s), x + s without cancellation being log_ndtr_gap(x),
# whose derivative is 1 + s' = 1 - s * (x + s): every order is made of the two
elementwise(special.log_ndtr, lambda y, x: log_ndtr_slope(x))
elementwise(log_ndtr_slope, lambda s, x: -s * log_ndtr_gap(x))
elementwise(log_ndtr_gap, lambda q, x: 1.0 - log_ndtr_slope(x) * q)
# ndtr' is the standard normal density; ndtri, its inverse, has 1 / density(ndtri(x)) =
# sqrt(2 pi) exp(y * y / 2)
elementwise(special.ndtr, lambda y, x: 0.3989422804014327 * numpy.exp(-0.5 * x * x))
elementwise(special.ndtri, lambda y, x: 2.5066282746310002 * numpy.exp(0.5 * y * y))
elementwise(special.expit, lambda y, x: y * (1.0 - y))
elementwise(special.logit, lambda y, x: 1.0 / (x * (1.0 - x)))


# ---------------------------------------------------------------------------------
# Exponentials and the cube root (the math of numpy's exp2, expm1 and cbrt)
# ---------------------------------------------------------------------------------

# log(2) = 0.6931471805599453, log(10) = 2.302585092994046
elementwise(special.exp2, lambda y, x: y * 0.6931471805599453)
elementwise(special.exp10, lambda y, x: y * 2.302585092994046)
elementwise(special.expm1, lambda y, x: y + 1.0)
elementwise(special.cbrt, lambda y, x: 1.0 / (3.0 * y * y))


# ---------------------------------------------------------------------------------
# x * log(y) that is 0 where x is 0
# ---------------------------------------------------------------------------------

# d/dy is x / y (nan at x = y = 0, where the derivative does not exist); d/dx is log(y),
# -inf at y = 0.
elementwise(special.xlogy, lambda z, x, y: numpy.log(y), lambda z, x, y: x / y)
elementwise(special.xlog1py, lambda z, x, y: numpy.log1p(y), lambda z, x, y: x / (1.0 + y))


# ---------------------------------------------------------------------------------
# Modified Bessel functions of the first kind
# ---------------------------------------------------------------------------------

elementwise(special.i0, lambda y, x: special.i1(x))
elementwise(special.i1, lambda y, x: 0.5 * (special.i0(x) + special.iv(2.0, x)))


@adjoint(special.iv)
def iv(y, v, x):
    d[v] = unsupported(d[y], "iv(v, x) is differentiable in x only, not in the order v")
    d[x] = unbroadcast(d[y] * 0.5 * (special.iv(v - 1.0, x) + special.iv(v + 1.0, x)), x)


@tangent(special.iv)
def iv(y, v, x):
    d[y] = unsupported(d[v], "iv(v, x) is differentiable in x only, not in the order v")
    d[y] = broadcast_like(d[x] * 0.5 * (special.iv(v - 1.0, x) + special.iv(v + 1.0, x)), y)


# ---------------------------------------------------------------------------------
# Log-sum-exp and softmax
# ---------------------------------------------------------------------------------

# w = b * exp(a - y), the weights of the terms (the softmax of a when b is None), has the
# shape of a and b broadcast together; logsumexp_weights refuses return_sign=True.
@adjoint(special.logsumexp)
def logsumexp(y, a, axis=None, b=None, keepdims=False, return_sign=False):
    w = logsumexp_weights(a, y, axis, b, keepdims, return_sign)
    d[a] = unbroadcast(unreduce(d[y], w, axis, keepdims) * w, a)
    d[b] = unbroadcast(unreduce(d[y], w, axis, keepdims) * numpy.exp(a - unreduce(y, w, axis, keepdims)), b)


@tangent(special.logsumexp)
def logsumexp(y, a, axis=None, b=None, keepdims=False, return_sign=False):
    w = logsumexp_weights(a, y, axis, b, keepdims, return_sign)
    d[y] = numpy.sum(d[a] * w, axis=axis, keepdims=keepdims)
    d[y] = numpy.sum(d[b] * numpy.exp(a - unreduce(y, w, axis, keepdims)), axis=axis, keepdims=keepdims)


@adjoint(special.softmax)
def softmax(y, x, axis=None):
    d[x] = y * (d[y] - numpy.sum(d[y] * y, axis=axis, keepdims=True))


@tangent(special.softmax)
def softmax(y, x, axis=None):
    d[y] = y * d[x]
    d[y] = -y * numpy.sum(d[x] * y, axis=axis, keepdims=True)


@adjoint(special.log_softmax)
def log_softmax(y, x, axis=None):
    d[x] = d[y] - numpy.exp(y) * numpy.sum(d[y], axis=axis, keepdims=True)


@tangent(special.log_softmax)
def log_softmax(y, x, axis=None):
    d[y] = d[x]
    d[y] = -numpy.sum(numpy.exp(y) * d[x], axis=axis, keepdims=True)
