"""Derivatives of scipy.stats densities (registered only when SciPy is imported).

A call such as ``scipy.stats.norm.logpdf(x, loc, scale)`` calls a bound method of the
distribution object ``scipy.stats.norm``; rules are keyed by that method (bound methods
of one object compare equal), so any spelling that resolves to it (``stats.norm.logpdf``,
``norm.logpdf`` after ``from scipy.stats import norm``) finds its rule.

Conventions are those of ``numpy_rules.py`` (``unbroadcast``/``broadcast_like`` for
broadcasting arguments, Python float constants). Where a density is zero (``x`` outside
the support of gamma or beta, ``k`` outside poisson's), the log-density is the constant
-inf, and its derivatives are 0. Parameters outside their domain (``scale <= 0``, ...)
give SciPy's nan value and the formula's derivative. A derivative that has no closed form
(a cdf in a shape parameter) is refused with ``unsupported``. SciPy computes
``(x - loc) / scale`` in ``x``'s float dtype, so beside a real ``x`` a complex ``loc``
counts by its real part (``scipy_shift``); with a complex ``x`` the formulas are analytic.
"""

import numpy
from scipy import special, stats

from ..runtime import broadcast_like, mvn_points, scipy_shift, unbroadcast
from .registry import adjoint, d, tangent, unsupported

# ---------------------------------------------------------------------------------
# Normal: z = (x - loc) / scale, logpdf = -z**2 / 2 - log(scale) - log(2 pi) / 2
# ---------------------------------------------------------------------------------


@adjoint(stats.norm.logpdf)
def norm_logpdf(y, x, loc=0.0, scale=1.0):
    m = scipy_shift(loc, x)
    d[x] = unbroadcast(-d[y] * (x - m) / (scale * scale), x)
    d[loc] = unbroadcast(d[y] * (x - m) / (scale * scale), loc)
    d[scale] = unbroadcast(d[y] * ((x - m) * (x - m) - scale * scale) / (scale * scale * scale), scale)


@tangent(stats.norm.logpdf)
def norm_logpdf(y, x, loc=0.0, scale=1.0):
    m = scipy_shift(loc, x)
    d[y] = broadcast_like(-d[x] * (x - m) / (scale * scale), y)
    d[y] = broadcast_like(scipy_shift(d[loc], x) * (x - m) / (scale * scale), y)
    d[y] = broadcast_like(d[scale] * ((x - m) * (x - m) - scale * scale) / (scale * scale * scale), y)


@adjoint(stats.norm.pdf)
def norm_pdf(y, x, loc=0.0, scale=1.0):
    m = scipy_shift(loc, x)
    d[x] = unbroadcast(-d[y] * y * (x - m) / (scale * scale), x)
    d[loc] = unbroadcast(d[y] * y * (x - m) / (scale * scale), loc)
    d[scale] = unbroadcast(d[y] * y * ((x - m) * (x - m) - scale * scale) / (scale * scale * scale), scale)


@tangent(stats.norm.pdf)
def norm_pdf(y, x, loc=0.0, scale=1.0):
    m = scipy_shift(loc, x)
    d[y] = broadcast_like(-d[x] * y * (x - m) / (scale * scale), y)
    d[y] = broadcast_like(scipy_shift(d[loc], x) * y * (x - m) / (scale * scale), y)
    d[y] = broadcast_like(d[scale] * y * ((x - m) * (x - m) - scale * scale) / (scale * scale * scale), y)


@adjoint(stats.norm.cdf)
def norm_cdf(y, x, loc=0.0, scale=1.0):
    m = scipy_shift(loc, x)
    p = stats.norm.pdf(x, loc, scale)
    d[x] = unbroadcast(d[y] * p, x)
    d[loc] = unbroadcast(-d[y] * p, loc)
    d[scale] = unbroadcast(-d[y] * p * (x - m) / scale, scale)


@tangent(stats.norm.cdf)
def norm_cdf(y, x, loc=0.0, scale=1.0):
    m = scipy_shift(loc, x)
    p = stats.norm.pdf(x, loc, scale)
    d[y] = broadcast_like(d[x] * p, y)
    d[y] = broadcast_like(-scipy_shift(d[loc], x) * p, y)
    d[y] = broadcast_like(-d[scale] * p * (x - m) / scale, y)


# ---------------------------------------------------------------------------------
# Student's t: r = x - loc, q = df * scale**2 + r**2,
# logpdf = gammaln((df + 1) / 2) - gammaln(df / 2) - log(pi df) / 2 - log(scale)
#          - (df + 1) / 2 * log1p(r**2 / (df scale**2))
# ---------------------------------------------------------------------------------


@adjoint(stats.t.logpdf)
def t_logpdf(y, x, df, loc=0.0, scale=1.0):
    m = scipy_shift(loc, x)
    r = x - m
    q = df * scale * scale + r * r
    d[x] = unbroadcast(-d[y] * (df + 1.0) * r / q, x)
    d[df] = unbroadcast(d[y] * 0.5 * (special.digamma(0.5 * df + 0.5) - special.digamma(0.5 * df) - numpy.divide(1.0, df)
                                      - numpy.log1p(numpy.divide(r * r, df * scale * scale))
                                      + numpy.divide((df + 1.0) * r * r, df * q)), df)
    d[loc] = unbroadcast(d[y] * (df + 1.0) * r / q, loc)
    d[scale] = unbroadcast(d[y] * df * (r * r - scale * scale) / (scale * q), scale)


@tangent(stats.t.logpdf)
def t_logpdf(y, x, df, loc=0.0, scale=1.0):
    m = scipy_shift(loc, x)
    r = x - m
    q = df * scale * scale + r * r
    d[y] = broadcast_like(-d[x] * (df + 1.0) * r / q, y)
    d[y] = broadcast_like(d[df] * 0.5 * (special.digamma(0.5 * df + 0.5) - special.digamma(0.5 * df) - numpy.divide(1.0, df)
                                         - numpy.log1p(numpy.divide(r * r, df * scale * scale))
                                         + numpy.divide((df + 1.0) * r * r, df * q)), y)
    d[y] = broadcast_like(scipy_shift(d[loc], x) * (df + 1.0) * r / q, y)
    d[y] = broadcast_like(d[scale] * df * (r * r - scale * scale) / (scale * q), y)


@adjoint(stats.t.pdf)
def t_pdf(y, x, df, loc=0.0, scale=1.0):
    m = scipy_shift(loc, x)
    r = x - m
    q = df * scale * scale + r * r
    d[x] = unbroadcast(-d[y] * y * (df + 1.0) * r / q, x)
    d[df] = unbroadcast(d[y] * y * 0.5 * (special.digamma(0.5 * df + 0.5) - special.digamma(0.5 * df)
                                          - numpy.divide(1.0, df) - numpy.log1p(numpy.divide(r * r, df * scale * scale))
                                          + numpy.divide((df + 1.0) * r * r, df * q)), df)
    d[loc] = unbroadcast(d[y] * y * (df + 1.0) * r / q, loc)
    d[scale] = unbroadcast(d[y] * y * df * (r * r - scale * scale) / (scale * q), scale)


@tangent(stats.t.pdf)
def t_pdf(y, x, df, loc=0.0, scale=1.0):
    m = scipy_shift(loc, x)
    r = x - m
    q = df * scale * scale + r * r
    d[y] = broadcast_like(-d[x] * y * (df + 1.0) * r / q, y)
    d[y] = broadcast_like(d[df] * y * 0.5 * (special.digamma(0.5 * df + 0.5) - special.digamma(0.5 * df)
                                             - numpy.divide(1.0, df) - numpy.log1p(numpy.divide(r * r, df * scale * scale))
                                             + numpy.divide((df + 1.0) * r * r, df * q)), y)
    d[y] = broadcast_like(scipy_shift(d[loc], x) * y * (df + 1.0) * r / q, y)
    d[y] = broadcast_like(d[scale] * y * df * (r * r - scale * scale) / (scale * q), y)


@adjoint(stats.t.cdf)
def t_cdf(y, x, df, loc=0.0, scale=1.0):
    m = scipy_shift(loc, x)
    p = stats.t.pdf(x, df, loc, scale)
    d[x] = unbroadcast(d[y] * p, x)
    d[df] = unsupported(d[y], "scipy.stats.t.cdf is differentiable in x, loc and scale, not in df")
    d[loc] = unbroadcast(-d[y] * p, loc)
    d[scale] = unbroadcast(-d[y] * p * (x - m) / scale, scale)


@tangent(stats.t.cdf)
def t_cdf(y, x, df, loc=0.0, scale=1.0):
    m = scipy_shift(loc, x)
    p = stats.t.pdf(x, df, loc, scale)
    d[y] = broadcast_like(d[x] * p, y)
    d[y] = unsupported(d[df], "scipy.stats.t.cdf is differentiable in x, loc and scale, not in df")
    d[y] = broadcast_like(-scipy_shift(d[loc], x) * p, y)
    d[y] = broadcast_like(-d[scale] * p * (x - m) / scale, y)


# ---------------------------------------------------------------------------------
# Gamma: r = x - loc, logpdf = (a - 1) log(r / scale) - r / scale - gammaln(a) - log(scale)
# for x > loc; -inf (derivative 0) below.
# ---------------------------------------------------------------------------------


@adjoint(stats.gamma.logpdf)
def gamma_logpdf(y, x, a, loc=0.0, scale=1.0):
    m = scipy_shift(loc, x)
    r = x - m
    inside = x > m
    d[x] = unbroadcast(d[y] * numpy.where(inside, numpy.divide(a - 1.0, r) - numpy.divide(1.0, scale), 0.0), x)
    d[a] = unbroadcast(d[y] * numpy.where(inside, numpy.log(numpy.divide(r, scale)) - special.digamma(a), 0.0), a)
    d[loc] = unbroadcast(-d[y] * numpy.where(inside, numpy.divide(a - 1.0, r) - numpy.divide(1.0, scale), 0.0), loc)
    d[scale] = unbroadcast(d[y] * numpy.where(inside, numpy.divide(numpy.divide(r, scale) - a, scale), 0.0), scale)


@tangent(stats.gamma.logpdf)
def gamma_logpdf(y, x, a, loc=0.0, scale=1.0):
    m = scipy_shift(loc, x)
    r = x - m
    inside = x > m
    d[y] = broadcast_like(d[x] * numpy.where(inside, numpy.divide(a - 1.0, r) - numpy.divide(1.0, scale), 0.0), y)
    d[y] = broadcast_like(d[a] * numpy.where(inside, numpy.log(numpy.divide(r, scale)) - special.digamma(a), 0.0), y)
    d[y] = broadcast_like(-scipy_shift(d[loc], x)
                          * numpy.where(inside, numpy.divide(a - 1.0, r) - numpy.divide(1.0, scale), 0.0), y)
    d[y] = broadcast_like(d[scale] * numpy.where(inside, numpy.divide(numpy.divide(r, scale) - a, scale), 0.0), y)


@adjoint(stats.gamma.pdf)
def gamma_pdf(y, x, a, loc=0.0, scale=1.0):
    m = scipy_shift(loc, x)
    r = x - m
    inside = x > m
    d[x] = unbroadcast(d[y] * y * numpy.where(inside, numpy.divide(a - 1.0, r) - numpy.divide(1.0, scale), 0.0), x)
    d[a] = unbroadcast(d[y] * y * numpy.where(inside, numpy.log(numpy.divide(r, scale)) - special.digamma(a), 0.0), a)
    d[loc] = unbroadcast(-d[y] * y * numpy.where(inside, numpy.divide(a - 1.0, r) - numpy.divide(1.0, scale), 0.0), loc)
    d[scale] = unbroadcast(d[y] * y * numpy.where(inside, numpy.divide(numpy.divide(r, scale) - a, scale), 0.0), scale)


@tangent(stats.gamma.pdf)
def gamma_pdf(y, x, a, loc=0.0, scale=1.0):
    m = scipy_shift(loc, x)
    r = x - m
    inside = x > m
    d[y] = broadcast_like(d[x] * y * numpy.where(inside, numpy.divide(a - 1.0, r) - numpy.divide(1.0, scale), 0.0), y)
    d[y] = broadcast_like(d[a] * y * numpy.where(inside, numpy.log(numpy.divide(r, scale)) - special.digamma(a), 0.0), y)
    d[y] = broadcast_like(-scipy_shift(d[loc], x) * y
                          * numpy.where(inside, numpy.divide(a - 1.0, r) - numpy.divide(1.0, scale), 0.0), y)
    d[y] = broadcast_like(d[scale] * y * numpy.where(inside, numpy.divide(numpy.divide(r, scale) - a, scale), 0.0), y)


@adjoint(stats.gamma.cdf)
def gamma_cdf(y, x, a, loc=0.0, scale=1.0):
    m = scipy_shift(loc, x)
    p = stats.gamma.pdf(x, a, loc, scale)
    d[x] = unbroadcast(d[y] * p, x)
    d[a] = unsupported(d[y], "scipy.stats.gamma.cdf is differentiable in x, loc and scale, not in a")
    d[loc] = unbroadcast(-d[y] * p, loc)
    d[scale] = unbroadcast(-d[y] * p * (x - m) / scale, scale)


@tangent(stats.gamma.cdf)
def gamma_cdf(y, x, a, loc=0.0, scale=1.0):
    m = scipy_shift(loc, x)
    p = stats.gamma.pdf(x, a, loc, scale)
    d[y] = broadcast_like(d[x] * p, y)
    d[y] = unsupported(d[a], "scipy.stats.gamma.cdf is differentiable in x, loc and scale, not in a")
    d[y] = broadcast_like(-scipy_shift(d[loc], x) * p, y)
    d[y] = broadcast_like(-d[scale] * p * (x - m) / scale, y)


# ---------------------------------------------------------------------------------
# Beta: z = (x - loc) / scale, logpdf = (a - 1) log(z) + (b - 1) log1p(-z) - betaln(a, b)
# - log(scale) for 0 < z < 1; -inf (derivative 0) outside. With
# u = (a - 1) / z - (b - 1) / (1 - z): d/dx = u / scale, d/dscale = -(z u + 1) / scale.
# ---------------------------------------------------------------------------------


@adjoint(stats.beta.logpdf)
def beta_logpdf(y, x, a, b, loc=0.0, scale=1.0):
    m = scipy_shift(loc, x)
    z = numpy.divide(x - m, scale)
    inside = numpy.logical_and(z > 0.0, z < 1.0)
    u = numpy.divide(a - 1.0, z) - numpy.divide(b - 1.0, 1.0 - z)
    d[x] = unbroadcast(d[y] * numpy.where(inside, numpy.divide(u, scale), 0.0), x)
    d[a] = unbroadcast(d[y] * numpy.where(
        inside, numpy.log(z) - special.digamma(a) + special.digamma(a + b), 0.0), a)
    d[b] = unbroadcast(d[y] * numpy.where(
        inside, numpy.log1p(-z) - special.digamma(b) + special.digamma(a + b), 0.0), b)
    d[loc] = unbroadcast(-d[y] * numpy.where(inside, numpy.divide(u, scale), 0.0), loc)
    d[scale] = unbroadcast(-d[y] * numpy.where(inside, numpy.divide(z * u + 1.0, scale), 0.0), scale)


@tangent(stats.beta.logpdf)
def beta_logpdf(y, x, a, b, loc=0.0, scale=1.0):
    m = scipy_shift(loc, x)
    z = numpy.divide(x - m, scale)
    inside = numpy.logical_and(z > 0.0, z < 1.0)
    u = numpy.divide(a - 1.0, z) - numpy.divide(b - 1.0, 1.0 - z)
    d[y] = broadcast_like(d[x] * numpy.where(inside, numpy.divide(u, scale), 0.0), y)
    d[y] = broadcast_like(d[a] * numpy.where(
        inside, numpy.log(z) - special.digamma(a) + special.digamma(a + b), 0.0), y)
    d[y] = broadcast_like(d[b] * numpy.where(
        inside, numpy.log1p(-z) - special.digamma(b) + special.digamma(a + b), 0.0), y)
    d[y] = broadcast_like(-scipy_shift(d[loc], x) * numpy.where(inside, numpy.divide(u, scale), 0.0), y)
    d[y] = broadcast_like(-d[scale] * numpy.where(inside, numpy.divide(z * u + 1.0, scale), 0.0), y)


@adjoint(stats.beta.pdf)
def beta_pdf(y, x, a, b, loc=0.0, scale=1.0):
    m = scipy_shift(loc, x)
    z = numpy.divide(x - m, scale)
    inside = numpy.logical_and(z > 0.0, z < 1.0)
    u = numpy.divide(a - 1.0, z) - numpy.divide(b - 1.0, 1.0 - z)
    d[x] = unbroadcast(d[y] * y * numpy.where(inside, numpy.divide(u, scale), 0.0), x)
    d[a] = unbroadcast(d[y] * y * numpy.where(
        inside, numpy.log(z) - special.digamma(a) + special.digamma(a + b), 0.0), a)
    d[b] = unbroadcast(d[y] * y * numpy.where(
        inside, numpy.log1p(-z) - special.digamma(b) + special.digamma(a + b), 0.0), b)
    d[loc] = unbroadcast(-d[y] * y * numpy.where(inside, numpy.divide(u, scale), 0.0), loc)
    d[scale] = unbroadcast(-d[y] * y * numpy.where(inside, numpy.divide(z * u + 1.0, scale), 0.0), scale)


@tangent(stats.beta.pdf)
def beta_pdf(y, x, a, b, loc=0.0, scale=1.0):
    m = scipy_shift(loc, x)
    z = numpy.divide(x - m, scale)
    inside = numpy.logical_and(z > 0.0, z < 1.0)
    u = numpy.divide(a - 1.0, z) - numpy.divide(b - 1.0, 1.0 - z)
    d[y] = broadcast_like(d[x] * y * numpy.where(inside, numpy.divide(u, scale), 0.0), y)
    d[y] = broadcast_like(d[a] * y * numpy.where(
        inside, numpy.log(z) - special.digamma(a) + special.digamma(a + b), 0.0), y)
    d[y] = broadcast_like(d[b] * y * numpy.where(
        inside, numpy.log1p(-z) - special.digamma(b) + special.digamma(a + b), 0.0), y)
    d[y] = broadcast_like(-scipy_shift(d[loc], x) * y * numpy.where(inside, numpy.divide(u, scale), 0.0), y)
    d[y] = broadcast_like(-d[scale] * y * numpy.where(inside, numpy.divide(z * u + 1.0, scale), 0.0), y)


@adjoint(stats.beta.cdf)
def beta_cdf(y, x, a, b, loc=0.0, scale=1.0):
    m = scipy_shift(loc, x)
    p = stats.beta.pdf(x, a, b, loc, scale)
    d[x] = unbroadcast(d[y] * p, x)
    d[a] = unsupported(d[y], "scipy.stats.beta.cdf is differentiable in x, loc and scale, not in a")
    d[b] = unsupported(d[y], "scipy.stats.beta.cdf is differentiable in x, loc and scale, not in b")
    d[loc] = unbroadcast(-d[y] * p, loc)
    d[scale] = unbroadcast(-d[y] * p * (x - m) / scale, scale)


@tangent(stats.beta.cdf)
def beta_cdf(y, x, a, b, loc=0.0, scale=1.0):
    m = scipy_shift(loc, x)
    p = stats.beta.pdf(x, a, b, loc, scale)
    d[y] = broadcast_like(d[x] * p, y)
    d[y] = unsupported(d[a], "scipy.stats.beta.cdf is differentiable in x, loc and scale, not in a")
    d[y] = unsupported(d[b], "scipy.stats.beta.cdf is differentiable in x, loc and scale, not in b")
    d[y] = broadcast_like(-scipy_shift(d[loc], x) * p, y)
    d[y] = broadcast_like(-d[scale] * p * (x - m) / scale, y)


# ---------------------------------------------------------------------------------
# Poisson: logpmf = (k - loc) log(mu) - mu - gammaln(k - loc + 1); k and loc are counts.
# ---------------------------------------------------------------------------------


@adjoint(stats.poisson.logpmf)
def poisson_logpmf(y, k, mu, loc=0):
    d[k] = unsupported(d[y], "the count k of scipy.stats.poisson.logpmf is discrete; only mu is differentiable")
    d[mu] = unbroadcast(d[y] * numpy.where(numpy.isfinite(y), numpy.divide(k - loc, mu) - 1.0, 0.0), mu)
    d[loc] = unsupported(d[y], "the shift loc of scipy.stats.poisson.logpmf is discrete; only mu is differentiable")


@tangent(stats.poisson.logpmf)
def poisson_logpmf(y, k, mu, loc=0):
    d[y] = unsupported(d[k], "the count k of scipy.stats.poisson.logpmf is discrete; only mu is differentiable")
    d[y] = broadcast_like(d[mu] * numpy.where(numpy.isfinite(y), numpy.divide(k - loc, mu) - 1.0, 0.0), y)
    d[y] = unsupported(d[loc], "the shift loc of scipy.stats.poisson.logpmf is discrete; only mu is differentiable")


@adjoint(stats.poisson.pmf)
def poisson_pmf(y, k, mu, loc=0):
    d[k] = unsupported(d[y], "the count k of scipy.stats.poisson.pmf is discrete; only mu is differentiable")
    d[mu] = unbroadcast(d[y] * y * (numpy.divide(k - loc, mu) - 1.0), mu)
    d[loc] = unsupported(d[y], "the shift loc of scipy.stats.poisson.pmf is discrete; only mu is differentiable")


@tangent(stats.poisson.pmf)
def poisson_pmf(y, k, mu, loc=0):
    d[y] = unsupported(d[k], "the count k of scipy.stats.poisson.pmf is discrete; only mu is differentiable")
    d[y] = broadcast_like(d[mu] * y * (numpy.divide(k - loc, mu) - 1.0), y)
    d[y] = unsupported(d[loc], "the shift loc of scipy.stats.poisson.pmf is discrete; only mu is differentiable")


# ---------------------------------------------------------------------------------
# Multivariate normal, with mean and a (k, k) covariance given: points r = x - mean as
# rows, s = r cov^-1, logpdf = -(k log(2 pi) + log det(cov) + sum(r * s, -1)) / 2.
# SciPy reads x, mean and cov as floats (the real parts of complex values: mvn_points
# and numpy.real below). The derivative in cov is the symmetric one (cov is read as a
# symmetric matrix: along a direction h it is the derivative along (h + h^T) / 2), as autograd's.
# ---------------------------------------------------------------------------------


@adjoint(stats.multivariate_normal.logpdf)
def mvn_logpdf(y, x, mean, cov):
    c = numpy.real(cov)
    s = numpy.transpose(numpy.linalg.solve(c, numpy.transpose(mvn_points(x, numpy.shape(cov)) - numpy.real(mean))))
    g = numpy.reshape(d[y], (-1, 1))
    d[x] = numpy.reshape(-g * s, numpy.shape(x))
    d[mean] = unbroadcast(numpy.sum(g * s, axis=0), mean)
    d[cov] = 0.5 * (numpy.matmul(numpy.transpose(s), g * s)
                    - numpy.sum(g) * numpy.transpose(numpy.linalg.inv(c)))


@tangent(stats.multivariate_normal.logpdf)
def mvn_logpdf(y, x, mean, cov):
    c = numpy.real(cov)
    s = numpy.transpose(numpy.linalg.solve(c, numpy.transpose(mvn_points(x, numpy.shape(cov)) - numpy.real(mean))))
    d[y] = numpy.reshape(-numpy.sum(s * mvn_points(d[x], numpy.shape(cov)), axis=-1), numpy.shape(y))
    d[y] = numpy.reshape(numpy.sum(s * numpy.real(d[mean]), axis=-1), numpy.shape(y))
    d[y] = numpy.reshape(0.5 * numpy.sum(s * numpy.matmul(s, numpy.transpose(numpy.real(d[cov]))), axis=-1),
                         numpy.shape(y))
    d[y] = broadcast_like(-0.5 * numpy.sum(numpy.linalg.inv(c) * numpy.transpose(numpy.real(d[cov]))), y)


@adjoint(stats.multivariate_normal.pdf)
def mvn_pdf(y, x, mean, cov):
    c = numpy.real(cov)
    s = numpy.transpose(numpy.linalg.solve(c, numpy.transpose(mvn_points(x, numpy.shape(cov)) - numpy.real(mean))))
    g = numpy.reshape(d[y] * y, (-1, 1))
    d[x] = numpy.reshape(-g * s, numpy.shape(x))
    d[mean] = unbroadcast(numpy.sum(g * s, axis=0), mean)
    d[cov] = 0.5 * (numpy.matmul(numpy.transpose(s), g * s)
                    - numpy.sum(g) * numpy.transpose(numpy.linalg.inv(c)))


@tangent(stats.multivariate_normal.pdf)
def mvn_pdf(y, x, mean, cov):
    c = numpy.real(cov)
    s = numpy.transpose(numpy.linalg.solve(c, numpy.transpose(mvn_points(x, numpy.shape(cov)) - numpy.real(mean))))
    d[y] = numpy.reshape(-numpy.sum(s * mvn_points(d[x], numpy.shape(cov)), axis=-1), numpy.shape(y)) * y
    d[y] = numpy.reshape(numpy.sum(s * numpy.real(d[mean]), axis=-1), numpy.shape(y)) * y
    d[y] = numpy.reshape(0.5 * numpy.sum(s * numpy.matmul(s, numpy.transpose(numpy.real(d[cov]))), axis=-1),
                         numpy.shape(y)) * y
    d[y] = -0.5 * numpy.sum(numpy.linalg.inv(c) * numpy.transpose(numpy.real(d[cov]))) * y


# ---------------------------------------------------------------------------------
# Dirichlet: x holds the k components along its first axis (as SciPy reads it),
# logpdf = gammaln(sum(alpha)) - sum(gammaln(alpha)) + sum((alpha - 1) log(x), 0).
# d/dx is the derivative of that formula in each component, off the simplex too.
# ---------------------------------------------------------------------------------


@adjoint(stats.dirichlet.logpdf)
def dirichlet_logpdf(y, x, alpha):
    xt = numpy.moveaxis(x, 0, -1)
    g = numpy.expand_dims(numpy.reshape(d[y], numpy.shape(xt)[:-1]), -1)
    d[x] = numpy.moveaxis(g * (alpha - 1.0) / xt, -1, 0)
    d[alpha] = unbroadcast(g * (numpy.log(xt) + special.digamma(numpy.sum(alpha)) - special.digamma(alpha)),
                           alpha)


@tangent(stats.dirichlet.logpdf)
def dirichlet_logpdf(y, x, alpha):
    xt = numpy.moveaxis(x, 0, -1)
    d[y] = numpy.reshape(numpy.sum((alpha - 1.0) * numpy.moveaxis(d[x], 0, -1) / xt, axis=-1), numpy.shape(y))
    d[y] = numpy.reshape(numpy.sum(d[alpha] * (numpy.log(xt) + special.digamma(numpy.sum(alpha))
                                               - special.digamma(alpha)), axis=-1), numpy.shape(y))


@adjoint(stats.dirichlet.pdf)
def dirichlet_pdf(y, x, alpha):
    xt = numpy.moveaxis(x, 0, -1)
    g = numpy.expand_dims(numpy.reshape(d[y] * y, numpy.shape(xt)[:-1]), -1)
    d[x] = numpy.moveaxis(g * (alpha - 1.0) / xt, -1, 0)
    d[alpha] = unbroadcast(g * (numpy.log(xt) + special.digamma(numpy.sum(alpha)) - special.digamma(alpha)),
                           alpha)


@tangent(stats.dirichlet.pdf)
def dirichlet_pdf(y, x, alpha):
    xt = numpy.moveaxis(x, 0, -1)
    d[y] = numpy.reshape(numpy.sum((alpha - 1.0) * numpy.moveaxis(d[x], 0, -1) / xt, axis=-1),
                         numpy.shape(y)) * y
    d[y] = numpy.reshape(numpy.sum(d[alpha] * (numpy.log(xt) + special.digamma(numpy.sum(alpha))
                                               - special.digamma(alpha)), axis=-1), numpy.shape(y)) * y
