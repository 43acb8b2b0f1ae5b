"""The elementwise NumPy and math functions declared by their derivative alone, and
the declaration machinery itself.

Each function: reverse and forward mode against central finite differences in float64
(several shapes, broadcasting), and second order (forward over reverse, and reverse
over reverse) against finite differences of the generated gradient. Values at special
points (NaN handled by nan_to_num, fmax ignoring NaN, sinc at 0) against the analytic
derivative.
"""

import math

import numpy as np
import pytest

import astgrad
from astgrad.rules import registry
from fd import assert_close, numerical_grad
from rule_harness import check_derivatives

RNG = np.random.default_rng(1010)


def normal(*shape):
    return float(RNG.standard_normal()) if not shape else RNG.standard_normal(shape)


def positive(*shape):
    return float(RNG.uniform(0.5, 2.0)) if not shape else RNG.uniform(0.5, 2.0, shape)


def away_from_zero(*shape):
    x = RNG.uniform(0.3, 2.0, shape) * RNG.choice([-1.0, 1.0], size=shape)
    return float(x) if not shape else x


def near_zero(*shape):
    return float(RNG.uniform(-1e-3, 1e-3)) if not shape else RNG.uniform(-1e-3, 1e-3, shape)


def near_two_and_a_half(*shape):
    """|x| = 2.5 +- 0.1: fmod by a divisor near 1 stays on one branch."""
    x = (2.5 + RNG.uniform(-0.1, 0.1, shape)) * RNG.choice([-1.0, 1.0], size=shape)
    return float(x) if not shape else x


def near_one(*shape):
    return float(RNG.uniform(0.92, 1.08)) if not shape else RNG.uniform(0.92, 1.08, shape)


def check(f, args, wrt=None, rtol=1e-5, atol=1e-6):
    check_derivatives(f, args, wrt, rtol=rtol, atol=atol, rng=RNG)


def second(f, x, rtol=1e-4, atol=1e-5):
    """Hessian-vector products of sum(f(x) * w) by forward over reverse and reverse over
    reverse, against finite differences of the generated gradient."""
    w = RNG.standard_normal(np.shape(f(x)))

    def scalar(x):
        return np.sum(f(x) * w)

    gradient = astgrad.grad(scalar)
    v = RNG.standard_normal(np.shape(x))
    _, hvp = astgrad.jvp(gradient, (x,), (v,))
    expected = numerical_grad(lambda y: float(np.sum(gradient(y) * v)), (x,), wrt=0)
    assert_close(hvp, expected, rtol=rtol, atol=atol, msg=f"forward over reverse of {f.__name__}")
    assert_close(astgrad.grad(lambda y: np.sum(gradient(y) * v))(x), expected, rtol=rtol, atol=atol,
                 msg=f"reverse over reverse of {f.__name__}")


def between_integers(*shape):
    """k + 0.05 ... k + 0.45: twice it stays between two integers (modf's steps)."""
    x = RNG.integers(-3, 3, shape) + RNG.uniform(0.05, 0.45, shape)
    return float(x) if not shape else x


def between_powers_of_two(*shape):
    """+-(1.05 ... 1.35) * 2 ** k: it and its square stay between powers of two (the
    steps of frexp's exponent and of ulp)."""
    x = RNG.uniform(1.05, 1.35, shape) * 2.0 ** RNG.integers(-3, 4, shape) * RNG.choice([-1.0, 1.0], size=shape)
    return float(x) if not shape else x


def np_deg2rad(x): return np.deg2rad(x) * np.sin(x)
def np_rad2deg(x): return np.rad2deg(x) * x
def np_degrees(x): return np.degrees(np.sin(x))
def np_radians(x): return np.radians(x * x)
def np_sinc(x): return np.sinc(x)
def np_real(x): return np.real(x) * x
def np_real_attribute(x): return x.real * np.sin(x)
def np_conj(x): return np.conj(x) * x
def np_conjugate_method(x): return x.conjugate() * np.cos(x)
def np_imag(x): return np.imag(x) + x * x
def np_angle(x): return np.angle(x) + x
def np_nan_to_num(x): return np.nan_to_num(x) * x
def np_cbrt(x): return np.cbrt(x)
def np_i0(x): return np.i0(x)
def np_heaviside(x): return np.heaviside(x, 0.5) * x
def np_modf(x): frac, whole = np.modf(x * 2.0); return frac * frac + whole * x
def np_frexp(x): m, e = np.frexp(x * x); return m * x + e * m


UNARY = [
    (np_deg2rad, normal), (np_rad2deg, normal), (np_degrees, normal), (np_radians, normal),
    (np_sinc, normal), (np_sinc, near_zero), (np_real, normal), (np_real_attribute, normal),
    (np_conj, normal), (np_conjugate_method, normal), (np_imag, normal), (np_angle, away_from_zero),
    (np_nan_to_num, normal), (np_cbrt, away_from_zero), (np_i0, normal), (np_heaviside, away_from_zero),
    (np_modf, between_integers), (np_frexp, between_powers_of_two),
]


@pytest.mark.parametrize("shape", [(), (3,), (2, 3)], ids=str)
@pytest.mark.parametrize("f, domain", UNARY, ids=[f.__name__ + "-" + d.__name__ for f, d in UNARY])
def test_unary(f, domain, shape):
    check(f, (domain(*shape),))


@pytest.mark.parametrize("f, domain", UNARY, ids=[f.__name__ + "-" + d.__name__ for f, d in UNARY])
def test_unary_second_order(f, domain):
    second(f, domain(2, 3))


def np_float_power(x, y): return np.float_power(x, y)
def np_fmax(x, y): return np.fmax(x, y)
def np_fmin(x, y): return np.fmin(x, y)
def np_copysign(x, y): return np.copysign(x, y)
def np_fmod(x, y): return np.fmod(x, y)
def np_remainder(x, y): return np.remainder(x, y) + np.mod(x * 2.0, y)
def np_hypot(x, y): return np.hypot(x, y)
def np_heaviside2(x, y): return np.heaviside(x, y)
def np_nextafter(x, y): return np.nextafter(x * x, y) * x


BINARY = [
    (np_float_power, positive, normal), (np_fmax, normal, normal), (np_fmin, normal, normal),
    (np_copysign, away_from_zero, away_from_zero), (np_fmod, near_two_and_a_half, near_one),
    (np_remainder, positive, lambda *s: positive(*s) + 2.5), (np_hypot, away_from_zero, normal),
    (np_heaviside2, away_from_zero, normal), (np_nextafter, normal, normal),
]
SHAPES = [((3, 4), (3, 4)), ((3, 4), (4,)), ((3, 1), (1, 4)), ((), (3,)), ((2, 3), ())]


@pytest.mark.parametrize("shapes", SHAPES, ids=str)
@pytest.mark.parametrize("f, dx, dy", BINARY, ids=[f.__name__ for f, _, _ in BINARY])
def test_binary_broadcasting(f, dx, dy, shapes):
    check(f, (dx(*shapes[0]), dy(*shapes[1])))


@pytest.mark.parametrize("f, dx, dy", BINARY, ids=[f.__name__ for f, _, _ in BINARY])
def test_binary_second_order(f, dx, dy):
    y = dy(2, 3)
    second(lambda x: f(x, y), dx(2, 3))
    x = dx(2, 3)
    second(lambda y: f(x, y), dy(2, 3))


def test_heaviside_at_zero_takes_the_derivative_of_its_second_argument():
    x1 = np.array([0.0, 1.0, -1.0])
    assert_close(astgrad.grad(lambda x2: np.sum(np.heaviside(x1, x2)))(np.full(3, 0.5)), [1.0, 0.0, 0.0])


def test_nan_to_num_sends_the_derivative_to_the_replacement():
    x = np.array([1.0, np.nan, np.inf, -np.inf, 2.0])

    def f(x, nan, posinf, neginf):
        return np.sum(np.nan_to_num(x, nan=nan, posinf=posinf, neginf=neginf) * np.arange(1.0, 6.0))

    grads = astgrad.grad(f, (0, 1, 2, 3))(x, 0.5, 7.0, -7.0)
    assert_close(grads[0], [1.0, 0.0, 0.0, 0.0, 5.0])
    assert_close(grads[1:], (2.0, 3.0, 4.0))
    _, tangent = astgrad.jvp(f, (x, 0.5, 7.0, -7.0), (np.ones(5), 1.0, 1.0, 1.0))
    assert_close(tangent, 1.0 + 5.0 + 2.0 + 3.0 + 4.0)


def test_fmax_and_fmin_give_the_whole_derivative_to_the_number_beside_a_nan():
    x, y = np.array([1.0, np.nan, 2.0]), np.array([np.nan, 3.0, 2.0])
    gx, gy = astgrad.grad(lambda x, y: np.sum(np.fmax(x, y)), (0, 1))(x, y)
    assert_close(gx, [1.0, 0.0, 0.5])
    assert_close(gy, [0.0, 1.0, 0.5])
    gx, gy = astgrad.grad(lambda x, y: np.sum(np.fmin(x, y)), (0, 1))(x, y)
    assert_close(gx, [1.0, 0.0, 0.5])
    assert_close(gy, [0.0, 1.0, 0.5])


def test_numpy_integer_results_pass_no_derivative():
    """frexp's exponent, spacing (a power of two), gcd and lcm are piecewise constant."""
    x = np.array([5.0, -0.3, 1.5])
    n = np.array([6, 9, 10])

    def f(x):
        m, e = np.frexp(x)
        return np.sum(np.gcd(n, 4) * x + np.lcm(n, 4) * m + e * x + np.spacing(x) * 1e12)

    # frexp gives exponents 3, -1, 1: dm/dx = 2 ** -e
    expected = np.array([2.0, 1.0, 2.0]) + np.array([12.0, 36.0, 20.0]) * 2.0 ** -np.array([3.0, -1.0, 1.0]) + \
        np.array([3.0, -1.0, 1.0])
    assert_close(astgrad.grad(f)(x), expected, rtol=1e-14)
    assert_close(astgrad.jvp(f, (x,), (np.ones(3),))[1], np.sum(expected), rtol=1e-14)


def test_modf_frexp_and_nextafter_on_the_tape():
    x = astgrad.tensor(np.array([1.3, -2.7, 5.0]), requires_grad=True)
    y = np.modf(x * 2.0)[0] * x + np.frexp(x)[0] + np.nextafter(x, 0.0) * 3.0
    gradient, = astgrad.autograd.grad(y.sum(), [x])
    # d/dx frac(2x) x = 2x + frac(2x); the mantissa of x = m 2 ** e has 2 ** -e (e = 1, 2, 3)
    expected = np.array([3.2, -5.8, 10.0]) + np.array([0.5, 0.25, 0.125]) + 3.0
    assert_close(np.asarray(gradient.detach()), expected, rtol=1e-12)


def test_sinc_at_zero():
    """sinc'(0) = 0 and sinc''(0) = -pi**2 / 3, exactly where the Taylor branch is used."""
    assert astgrad.grad(lambda x: np.sinc(x))(0.0) == 0.0
    assert_close(astgrad.grad(astgrad.grad(lambda x: np.sinc(x)))(0.0), -math.pi ** 2 / 3.0, rtol=1e-12)


def test_i0_matches_the_bessel_series_at_large_arguments():
    x = np.array([-30.0, 15.0, 40.0])
    # I0'(x) = I1(x) = 1/pi * integral over [0, pi] of exp(x cos t) cos t dt (the trapezoid
    # rule is exact to rounding for this periodic integrand)
    t = np.linspace(0.0, np.pi, 4001)
    values = [np.exp(v * np.cos(t)) * np.cos(t) for v in x]
    expected = [np.sum((f[1:] + f[:-1]) * 0.5 * np.diff(t)) / np.pi for f in values]
    assert_close(astgrad.grad(lambda x: np.sum(np.i0(x)))(x), expected, rtol=1e-12)


# ---------------------------------------------------------------------------------
# math
# ---------------------------------------------------------------------------------

def m_erf(x): return math.erf(x) * x
def m_erfc(x): return math.erfc(x * 0.5)
def m_lgamma(x): return math.lgamma(x)
def m_gamma(x): return math.gamma(x)
def m_log1p(x): return math.log1p(x)
def m_expm1(x): return math.expm1(x)
def m_hypot(x): return math.hypot(x, 1.5)
def m_atan2(x): return math.atan2(x, 0.7) + math.atan2(0.3, x)
def m_copysign(x): return math.copysign(x, -2.0) * x
def m_fsum(x): return math.fsum([x, x * x, math.sin(x)])
def m_prod(x): return math.prod([x, x * x + 1.0, math.cos(x)])
def m_prod_start(x): return math.prod((x, 2.0), start=x)
def m_degrees(x): return math.degrees(x) * x
def m_radians(x): return math.radians(x * x)
def m_asinh(x): return math.asinh(x) + math.acosh(x * x + 1.5) + math.atanh(x * 0.3)
def m_modf(x): frac, whole = math.modf(x * 2.0); return frac * frac + whole * x
def m_frexp(x): m, e = math.frexp(x * x); return m * x + e * m
def m_nextafter(x): return math.nextafter(x * x, 0.0) * x + math.nextafter(x, math.inf)
def m_ulp(x): return math.ulp(x) * 1e12 + math.sin(x)
def m_exp2(x): return math.exp2(x * 0.5) * x


MATH = [
    (m_erf, normal), (m_erfc, normal), (m_lgamma, positive), (m_lgamma, lambda: -1.5 + 0.3 * normal() / 4),
    (m_gamma, positive), (m_gamma, lambda: -0.5 + 0.1 * normal()), (m_log1p, positive), (m_expm1, normal),
    (m_hypot, normal), (m_atan2, away_from_zero), (m_copysign, away_from_zero), (m_fsum, normal),
    (m_prod, normal), (m_prod_start, normal), (m_degrees, normal), (m_radians, normal), (m_asinh, positive),
    (m_modf, between_integers), (m_frexp, between_powers_of_two), (m_nextafter, normal),
    (m_ulp, between_powers_of_two),
] + ([(m_exp2, normal)] if hasattr(math, "exp2") else [])      # Python 3.11


@pytest.mark.parametrize("f, domain", MATH, ids=[f.__name__ for f, _ in MATH])
def test_math(f, domain):
    check(f, (domain(),))
    second(f, domain())


def m_fmod(x, y): return math.fmod(x, y) * y
def m_remainder(x, y): return math.remainder(x, y) * y


def near_two(*shape):
    """|x| = 2 +- 0.1: by a divisor near 1, the nearest quotient stays 2 (the truncated
    one is 1 or 2)."""
    return float((2.0 + RNG.uniform(-0.1, 0.1)) * RNG.choice([-1.0, 1.0]))


MATH_BINARY = [(m_fmod, near_two_and_a_half, near_one), (m_remainder, near_two, near_one)]


@pytest.mark.parametrize("f, dx, dy", MATH_BINARY, ids=[f.__name__ for f, _, _ in MATH_BINARY])
def test_math_binary(f, dx, dy):
    x, y = dx(), dy()
    check(f, (x, y))
    second(lambda x: f(x, y), dx())
    second(lambda y: f(x, y), dy())


def test_math_remainder_takes_the_nearest_quotient_and_fmod_the_truncated_one():
    # 2.1 / 0.8 = 2.625: remainder subtracts 3 * 0.8, fmod 2 * 0.8
    assert astgrad.grad(lambda y: math.remainder(2.1, y))(0.8) == -3.0
    assert astgrad.grad(lambda y: math.fmod(2.1, y))(0.8) == -2.0
    assert astgrad.jvp(lambda y: math.remainder(-2.1, y), (0.8,), (1.0,))[1] == 3.0


def test_math_integer_functions_pass_no_derivative():
    def f(x, n):
        m, e = math.frexp(x)
        return math.isqrt(n) * x + math.lcm(n, 4) * m + sum(x for _ in range(e))

    # frexp(5.0) = (0.625, 3): 3 * 5 + 20 * 0.625 + 3 * 5, with dm/dx = 2 ** -3
    assert_close(astgrad.grad(f)(5.0, 10), 3.0 + 20.0 / 8.0 + 3.0, rtol=1e-14)


def test_math_third_derivative_of_lgamma_is_a_polygamma():
    def lgamma(x):
        return math.lgamma(x)

    third = astgrad.grad(astgrad.grad(astgrad.grad(lgamma)))
    # polygamma(2, 1) = -2 zeta(3)
    assert_close(third(1.0), -2.0 * 1.2020569031595942, rtol=1e-12)


def test_math_out_of_domain_gives_numpys_value_not_an_exception():
    """Where the derivative does not exist or is infinite, NumPy's arithmetic decides
    (the zero-safe twin gives 0 for 0/0 at hypot's origin), never a ZeroDivisionError."""
    with np.errstate(divide="ignore", invalid="ignore"):
        assert astgrad.grad(lambda x: math.hypot(x, 0.0))(0.0) == 0.0
        assert astgrad.grad(lambda x: math.asin(x))(1.0) == math.inf
        assert astgrad.grad(lambda x: math.atan2(x, 0.0))(0.0) == 0.0


# ---------------------------------------------------------------------------------
# the declarations
# ---------------------------------------------------------------------------------

def test_declared_templates_read_as_written_by_hand():
    record = registry.primitive(np.arctan2)
    assert record.kind == "elementwise"
    assert record.adjoint.source.splitlines()[1:] == [
        "    d[x1] = unbroadcast(d[z] * x2 / numpy.hypot(x1, x2) ** 2, x1)",
        "    d[x2] = unbroadcast(-d[z] * x1 / numpy.hypot(x1, x2) ** 2, x2)"]
    assert registry.primitive(math.sin).tangent.source.splitlines()[1] == "    d[y] = d[x] * math.cos(x)"
    assert registry.primitive(np.flip).tangent.source.splitlines()[1] == "    d[y] = numpy.flip(d[m], axis)"


def test_methods_are_the_same_primitive_as_their_function():
    assert registry.primitive(np.ndarray.sum) is registry.primitive(np.sum)
    assert registry.method_key("sum") is np.ndarray.sum
    assert registry.method_key("append") is None      # list.append has facts, no derivative rule
    assert registry.primitive(list.append).mutates == 0
    assert registry.primitive(np.ndarray.flatten).result == registry.FRESH
    assert registry.primitive(np.ravel).result == registry.VIEW


def test_record_describes_itself():
    record = registry.primitive(np.sin)
    assert (record.name, record.module, record.modes) == ("numpy.sin", "numpy", ("reverse", "forward"))
    assert registry.primitive(np.ndarray.T).module == "numpy.ndarray"
    assert registry.primitive(len).modes == ()


def test_user_declarations():
    def cube(x):
        return x * x * x

    from astgrad.rules.declare import elementwise
    elementwise(cube, lambda y, x: 3.0 * x * x)

    def f(x):
        return np.sum(cube(x))

    x = normal(3)
    assert_close(astgrad.grad(f)(x), 3.0 * x * x)
    assert_close(astgrad.jvp(f, (x,), (np.ones(3),))[1], np.sum(3.0 * x * x))
