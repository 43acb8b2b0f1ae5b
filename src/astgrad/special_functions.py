"""Special functions that derivative rules need and NumPy lacks: the polygamma
functions (the derivatives of ``lgamma``), the modified Bessel functions of the
first kind (the derivatives of ``numpy.i0``) and their exponentially scaled forms
(``torch.special.i0e``, ``i1e``), ``torch.special.entr``, and the derivative of SciPy's
``log_ndtr`` computed without overflow in either tail.

Both families are closed under differentiation (the derivative of ``polygamma(n, x)``
is ``polygamma(n + 1, x)``, that of ``bessel_i(n, x)`` is the mean of orders n - 1 and
n + 1), so their rules (``rules/runtime_rules.py``) give every order. Generated code
calls them through ``astgrad.runtime``.
"""

import math

import numpy

# B_2, B_4, ..., B_18: the Bernoulli numbers of the asymptotic series
_BERNOULLI = (1.0 / 6.0, -1.0 / 30.0, 1.0 / 42.0, -1.0 / 30.0, 5.0 / 66.0, -691.0 / 2730.0,
              7.0 / 6.0, -3617.0 / 510.0, 43867.0 / 798.0)


def _float_result(x, values):
    """``values`` in the float dtype of ``x`` (float32 stays float32), a scalar for a scalar."""
    dtype = numpy.result_type(x, 1.0) if numpy.result_type(x, 1.0).kind == "f" else numpy.float64
    values = numpy.asarray(values, dtype=dtype)
    return values if isinstance(x, numpy.ndarray) else values[()]


def _asymptotic(n, z):
    """polygamma(n, z) for z >= 10 + n, from the asymptotic series."""
    if n == 0:
        total = numpy.log(z) - 0.5 / z
        power = z * z
        for k, b in enumerate(_BERNOULLI, start=1):
            total = total - b / (2 * k * power)
            power = power * z * z
        return total
    total = math.factorial(n - 1) / z ** n + math.factorial(n) / (2.0 * z ** (n + 1))
    for k, b in enumerate(_BERNOULLI, start=1):
        total = total + b * (math.factorial(2 * k + n - 1) / math.factorial(2 * k)) / z ** (2 * k + n)
    return (-1.0) ** (n + 1) * total


def polygamma(n, x):
    """The n-th derivative of the digamma function (n = 0: digamma, the derivative of
    ``lgamma``) at real ``x``. At 0 it is the limit from the side of the zero's sign
    (``-inf`` for digamma at 0.0, ``inf`` at -0.0, as PyTorch's ``digamma``): the pole's
    term ``(-1)**(n + 1) n! / x**(n + 1)``. At the poles -1, -2, ... the digamma is NaN
    (no limit), and of order n >= 1 it is that term's limit from the right, ``inf`` for
    odd n and ``-inf`` for even n, as SciPy's and PyTorch's. For x < 0 the digamma
    uses the reflection formula and higher orders the recurrence, which costs one step
    per unit of |x|."""
    n = int(n)
    if n < 0:
        raise ValueError(f"polygamma: the order must be 0 or more, not {n}")
    z = numpy.array(x, dtype=numpy.float64, ndmin=1)
    pole = (z <= 0) & (z == numpy.floor(z))
    reflect = (z < 0) & ~pole if n == 0 else numpy.zeros(z.shape, dtype=bool)
    z = numpy.where(reflect, 1.0 - z, numpy.where(pole, 1.0, z))
    total = numpy.zeros(z.shape)
    sign = (-1.0) ** n * math.factorial(n)
    low = z < 10.0 + n
    with numpy.errstate(all="ignore"):
        while numpy.any(low):
            total = total - numpy.where(low, sign / z ** (n + 1), 0.0)
            z = numpy.where(low, z + 1.0, z)
            low = z < 10.0 + n
        total = total + _asymptotic(n, z)
        if n == 0:
            total = numpy.where(reflect, total - numpy.pi / numpy.tan(numpy.pi * numpy.array(x, ndmin=1)), total)
    total = numpy.where(numpy.isnan(z), numpy.nan, total)
    total = numpy.where(pole, numpy.nan if n == 0 else -math.copysign(numpy.inf, sign), total)
    at_zero = numpy.array(x, dtype=numpy.float64, ndmin=1) == 0.0
    if numpy.any(at_zero):
        with numpy.errstate(divide="ignore"):
            total = numpy.where(at_zero, -sign / numpy.array(x, dtype=numpy.float64, ndmin=1) ** (n + 1), total)
    return _float_result(x, numpy.reshape(total, numpy.shape(x)))


_LGAMMA = numpy.frompyfunc(math.lgamma, 1, 1)
_ERF = numpy.frompyfunc(math.erf, 1, 1)
_ERFC = numpy.frompyfunc(math.erfc, 1, 1)


def lgamma(x):
    """log |gamma(x)| elementwise (``math.lgamma``, which NumPy lacks); ``inf`` at the poles
    0, -1, -2, ... and at -inf, as PyTorch's ``lgamma``. Its derivative is ``polygamma(0, x)``."""
    z = numpy.array(x, dtype=numpy.float64, ndmin=1)
    pole = ((z <= 0) & (z == numpy.floor(z))) | (z == -numpy.inf)
    values = _LGAMMA(numpy.where(pole, 1.0, z)).astype(numpy.float64)
    return _float_result(x, numpy.reshape(numpy.where(pole, numpy.inf, values), numpy.shape(x)))


def erfinv(x):
    """The inverse of the error function elementwise (NumPy lacks it): ``inf`` at 1, ``-inf``
    at -1, NaN outside [-1, 1]. Giles' single-precision approximation ("Approximating the
    erfinv function", 2010), then Newton steps, on erf(y) = |x| for |x| <= 1/2 and on
    log erfc(y) = log(1 - |x|) beyond (so the tails keep their digits: 1 - |x| is exact
    there), take it to float64's precision. Its derivative is
    ``sqrt(pi) / 2 * exp(erfinv(x) ** 2)``."""
    z = numpy.array(x, dtype=numpy.float64, ndmin=1)
    inside = numpy.abs(z) < 1.0
    a = numpy.where(inside, z, 0.0)
    magnitude = numpy.abs(a).reshape(-1)
    with numpy.errstate(all="ignore"):
        w = -numpy.log((1.0 - a) * (1.0 + a))
        y = numpy.abs(numpy.where(w < 5.0, _polynomial(_GILES_CENTRAL, w - 2.5),
                                  _polynomial(_GILES_TAIL, numpy.sqrt(w) - 3.0)) * a).reshape(-1)
        middle, ends = numpy.flatnonzero(magnitude <= 0.5), numpy.flatnonzero(magnitude > 0.5)
        near, far, gap = y[middle], y[ends], 1.0 - magnitude[ends]
        for _ in range(_NEWTON_STEPS):
            near = near - (_ERF(near).astype(numpy.float64) - magnitude[middle]) / _erf_slope(near)
            rest = _ERFC(far).astype(numpy.float64)
            far = far + (numpy.log(rest) - numpy.log(gap)) * rest / _erf_slope(far)
        y[middle], y[ends] = near, far
    y = numpy.copysign(y.reshape(z.shape), a)
    edge = numpy.where(numpy.abs(z) == 1.0, numpy.copysign(numpy.inf, z), numpy.nan)
    return _float_result(x, numpy.reshape(numpy.where(inside, y, edge), numpy.shape(x)))


_NEWTON_STEPS = 4       # each about squares the relative error: from Giles' (worst in the far tails) to float64's


def _erf_slope(y):
    return 1.1283791670955126 * numpy.exp(-y * y)


_GILES_CENTRAL = (2.81022636e-08, 3.43273939e-07, -3.5233877e-06, -4.39150654e-06, 0.00021858087,
                  -0.00125372503, -0.00417768164, 0.246640727, 1.50140941)
_GILES_TAIL = (-0.000200214257, 0.000100950558, 0.00134934322, -0.00367342844, 0.00573950773,
               -0.0076224613, 0.00943887047, 1.00167406, 2.83297682)


def _polynomial(coefficients, w):
    total = numpy.full(numpy.shape(w), coefficients[0])
    for c in coefficients[1:]:
        total = total * w + c
    return total


def scipy_polygamma(n, x, of):
    """``scipy.special.polygamma(n, x)`` in the derivative of ``scipy.special.<of>``. SciPy
    computes it for real values only: at a complex value the derivative is refused,
    naming the function, rather than with SciPy's own TypeError."""
    from scipy import special
    if numpy.iscomplexobj(x):
        raise TypeError(
            f"astgrad: the derivative of scipy.special.{of} at a complex value needs polygamma({n}, z), "
            "which SciPy computes for real values only, so astgrad cannot give it. Keep the complex "
            "part out of the differentiated code (astgrad.stop_gradient), or write it with real values")
    return special.polygamma(n, x)


def bessel_i(n, x):
    """The modified Bessel function of the first kind of integer order n (I_-n = I_n),
    from its power series (every term positive, so nothing cancels)."""
    n = abs(int(n))
    z = numpy.array(x, dtype=numpy.float64, ndmin=1)
    half = numpy.abs(z) / 2.0
    with numpy.errstate(all="ignore"):
        term = half ** n / math.factorial(n)
        total = term.copy()
        k = 0
        while True:
            k += 1
            term = term * half * half / (k * (k + n))
            total = total + term
            if not numpy.any(term > 1e-17 * total) or k > 100000:
                break
    if n % 2:
        total = numpy.where(z < 0, -total, total)
    total = numpy.where(numpy.isnan(z), numpy.nan, total)
    return _float_result(x, numpy.reshape(total, numpy.shape(x)))


def bessel_ie(n, x):
    """``exp(-|x|) * bessel_i(n, x)``, the exponentially scaled modified Bessel function
    (``torch.special.i0e``, ``i1e``): finite for every x, where ``bessel_i`` overflows past
    |x| = 713. The power series up to |x| = 30, the asymptotic series beyond, whose terms
    fall below float64's precision there before they grow."""
    n = abs(int(n))
    z = numpy.array(x, dtype=numpy.float64, ndmin=1)
    size = numpy.abs(z)
    near = size <= 30.0
    with numpy.errstate(all="ignore"):
        total = numpy.where(near, bessel_i(n, numpy.where(near, size, 0.0)) * numpy.exp(-size), 0.0)
        far = numpy.where(near, 31.0, size)
        mu, term, sum_far, k = 4.0 * n * n, numpy.ones_like(far), numpy.ones_like(far), 0
        while True:
            k += 1
            term = -term * (mu - (2 * k - 1) ** 2) / (k * 8.0 * far)
            sum_far = sum_far + term
            if not numpy.any(numpy.abs(term) > 1e-17 * numpy.abs(sum_far)) or k > 60:
                break
        total = numpy.where(near, total, sum_far / numpy.sqrt(2.0 * numpy.pi * far))
    if n % 2:
        total = numpy.where(z < 0, -total, total)
    total = numpy.where(numpy.isnan(z), numpy.nan, total)
    return _float_result(x, numpy.reshape(total, numpy.shape(x)))


def entr(x):
    """``-x log(x)`` (``torch.special.entr``): 0 at 0, -inf below 0, NaN at NaN."""
    z = numpy.asarray(x, dtype=numpy.result_type(x, 1.0))
    with numpy.errstate(all="ignore"):
        values = numpy.where(z > 0, -z * numpy.log(numpy.where(z > 0, z, 1.0)), numpy.where(z < 0, -numpy.inf, z))
    return _float_result(x, values)


def entr_slope(x):
    """The derivative of ``entr``, ``-(1 + log(x))``: inf at 0, NaN below 0, as PyTorch's."""
    with numpy.errstate(all="ignore"):
        return -(1.0 + numpy.log(x))


def log_ndtr_slope(x):
    """The derivative of ``scipy.special.log_ndtr``: the standard normal density over its
    distribution function, pdf(x) / ndtr(x). For x <= 0 it is sqrt(2 / pi) / erfcx(-x / sqrt(2))
    (exp(-x * x / 2) cancels, so far left it is about -x, not 0 / 0); for x > 0, pdf(x) / ndtr(x)
    (ndtr is near 1 there, where erfcx(-x / sqrt(2)) overflows). Its own derivative is
    -s * (x + s) for s = log_ndtr_slope(x), x + s being ``log_ndtr_gap(x)``."""
    from scipy import special
    if numpy.iscomplexobj(x):
        return 0.7978845608028654 / special.erfcx(-0.7071067811865476 * x)
    z = numpy.asarray(x)
    left, right = numpy.minimum(z, 0.0), numpy.maximum(z, 0.0)     # each formula where it is quiet
    with numpy.errstate(divide="ignore", under="ignore"):           # at -inf: inf, the limit
        values = numpy.where(z > 0.0, 0.3989422804014327 * numpy.exp(-0.5 * right * right) / special.ndtr(right),
                             0.7978845608028654 / special.erfcx(-0.7071067811865476 * left))
    return _float_result(x, values)


def log_ndtr_gap(x):
    """``x + log_ndtr_slope(x)``, without the cancellation of its two terms far in the left
    tail, where the slope is about -x and the sum about -1 / x: for x < -100, with
    r = 1 / (x * x), slope * r * (1 - 3r + 15r^2 - 105r^3 + 945r^4 - 10395r^5) (the
    asymptotic series of the normal's Mills ratio). Its derivative is 1 - slope * gap."""
    slope = log_ndtr_slope(x)
    if numpy.iscomplexobj(x):
        return x + slope
    z = numpy.asarray(x)
    with numpy.errstate(all="ignore"):      # at -inf: nan (inf * 0), whichever formula
        r = 1.0 / (z * z)
        series = slope * r * (1.0 + r * (-3.0 + r * (15.0 + r * (-105.0 + r * (945.0 - 10395.0 * r)))))
        values = numpy.where(z < -100.0, series, z + slope)
    return _float_result(x, values)
