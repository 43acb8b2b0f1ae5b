"""Numerics: true derivatives at special points, documented values where none exists,
and a clear refusal of complex numbers.

Every derivative here is checked against central finite differences in float64 (or,
at a point where finite differences cannot see it, against the exact value), in
reverse and forward mode, and at second order where it is defined.
"""

import cmath
import math
import warnings

import numpy as np
import pytest

import astgrad
from astgrad import caching
from fd import assert_close, needs_real_eig, numerical_grad, numerical_jvp

RNG = np.random.default_rng(20261201)

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")


def grad_both_modes(f, x):
    """(reverse-mode gradient, forward-mode gradient) of a scalar f at x."""
    reverse = astgrad.grad(f)(x)
    if np.ndim(x) == 0:
        forward = astgrad.jvp(f, (x,), (type(x)(1.0) if not isinstance(x, np.ndarray) else np.ones_like(x),))[1]
    else:
        forward = astgrad.jacobian(f, mode="forward")(x)
    return reverse, forward


def assert_exact(actual, expected):
    np.testing.assert_array_equal(np.asarray(actual, dtype=float), np.asarray(expected, dtype=float))


# -- where-guarded branches: the untaken branch contributes exactly zero ------------------------

def masked_sqrt(x):
    return np.sum(np.where(x > 0, np.sqrt(x), 0.0))


def masked_log(x):
    return np.sum(np.where(x > 0, np.log(x), -1.0))


def sinc(x):
    return np.where(x == 0, 1.0, np.sin(x) / x)


def sinc_sum(x):
    return np.sum(np.where(x == 0, 1.0, np.sin(x) / x))


def masked_reciprocal(x):
    return np.sum(np.where(x != 0, 1.0 / x, 0.0))


def finite_only(x):
    return np.sum(np.where(np.isfinite(x), np.sin(x) * x + np.exp(x) * x * x, 0.0))


def nan_masked_square(x):
    return np.sum(np.where(np.isnan(x), 0.0, x ** 2))


def masked_by_maximum(x):
    return np.sum(np.maximum(np.log(x), -1e300))


def masked_by_minimum(x):
    return np.sum(np.minimum(1.0 / x, 10.0))


def masked_by_clip(x):
    return np.sum(np.clip(np.log(x), -5.0, 5.0))


def masked_arcsin(x):
    return np.sum(np.where(np.abs(x) < 1.0, np.arcsin(x), 0.0))


def masked_power(x):
    return np.sum(np.where(x > 0, x ** 0.3, 0.0))


def masked_in_loop(x):
    total = 0.0
    for i in range(3):
        total = total + np.sum(np.where(x > i, np.sqrt(x - i), 0.0))
    return total


MASKED = [masked_sqrt, masked_log, sinc_sum, masked_reciprocal, masked_arcsin, masked_power, masked_in_loop]


@pytest.mark.parametrize("f", MASKED, ids=lambda f: f.__name__)
def test_masked_branches_match_finite_differences_on_random_inputs(f):
    x = RNG.uniform(-3.0, 3.0, size=7)
    x = x[np.abs(x) > 0.05]                  # finite differences need a margin from the switch
    x = x[np.abs(np.abs(x) - 1.0) > 0.05]
    x = x[np.abs(x - np.round(x)) > 0.05]
    expected = numerical_grad(f, (x,))
    reverse, forward = grad_both_modes(f, x)
    assert_close(reverse, expected)
    assert_close(forward, expected)


@pytest.mark.parametrize("f, x, expected", [
    (masked_sqrt, [-1.0, -0.0, 0.0, 4.0], [0.0, 0.0, 0.0, 0.25]),
    (masked_log, [-2.0, 0.0, 0.5], [0.0, 0.0, 2.0]),
    (sinc_sum, [0.0, np.pi], [0.0, -1.0 / np.pi]),
    (masked_reciprocal, [0.0, 2.0], [0.0, -0.25]),
    (masked_arcsin, [-1.0, 1.0, 3.0, 0.0], [0.0, 0.0, 0.0, 1.0]),
    (masked_power, [-1.0, 0.0, 1.0], [0.0, 0.0, 0.3]),
    (masked_in_loop, [-1.0, 0.0, 1.0, 2.0], [0.0, 0.0, 0.5, 0.5 / np.sqrt(2.0) + 0.5]),
    (finite_only, [np.inf, -np.inf, np.nan, 0.0], [0.0, 0.0, 0.0, 0.0]),
    (nan_masked_square, [np.nan, 3.0], [0.0, 6.0]),
    (masked_by_maximum, [0.0, 2.0], [0.0, 0.5]),
    (masked_by_minimum, [0.0, 0.5], [0.0, -4.0]),
    (masked_by_clip, [0.0, 1.0], [0.0, 1.0]),
])
def test_masked_branches_give_the_true_derivative_at_special_points(f, x, expected):
    x = np.array(x)
    reverse, forward = grad_both_modes(f, x)
    assert_close(reverse, expected, rtol=1e-12, atol=0)
    assert_close(forward, expected, rtol=1e-12, atol=0)


def test_inf_and_nan_masked_inputs_elsewhere_match_finite_differences():
    x = np.array([np.inf, 0.3, -np.inf, -1.2, np.nan, 2.0])
    finite = np.isfinite(x)
    expected = numerical_grad(lambda v: finite_only(v), (x[finite],))
    reverse, forward = grad_both_modes(finite_only, x)
    assert_exact(reverse[~finite], 0.0)
    assert_exact(forward[~finite], 0.0)
    assert_close(reverse[finite], expected)
    assert_close(forward[finite], expected)


def test_masked_scalar_functions_at_special_points():
    assert astgrad.grad(sinc)(0.0) == 0.0
    assert astgrad.jvp(sinc, (0.0,), (1.0,))[1] == 0.0
    assert_close(astgrad.grad(sinc)(1.3), numerical_grad(sinc, (1.3,)))
    assert_close(astgrad.jvp(sinc, (1.3,), (1.0,))[1], numerical_grad(sinc, (1.3,)))


def test_second_order_of_masked_branches():
    x = np.array([-1.0, 0.0, 4.0])
    expected = np.diag([0.0, 0.0, -0.25 / 4.0 ** 1.5])
    assert_close(astgrad.hessian(masked_sqrt)(x), expected, rtol=1e-12, atol=0)
    assert astgrad.grad(astgrad.grad(sinc))(0.0) == 0.0       # the constant branch is taken at 0
    x0 = 0.7
    assert_close(astgrad.grad(astgrad.grad(sinc))(x0), numerical_grad(astgrad.grad(sinc), (x0,)))
    y = np.array([np.inf, 0.5])
    h = astgrad.hessian(finite_only)(y)
    assert_exact(h[0], 0.0)
    assert_exact(h[:, 0], 0.0)
    grad_finite = astgrad.grad(finite_only)
    assert_close(h[1, 1], numerical_grad(lambda v: grad_finite(np.array([np.inf, v]))[1], (0.5,)))


def test_hessian_and_hvp_agree_at_masked_points():
    x = np.array([-2.0, 0.0, 0.5, 3.0])
    by_hessian = astgrad.hessian(masked_log)(x)
    by_hvp = np.stack([astgrad.hvp(masked_log)(x, e) for e in np.eye(len(x))], axis=-1)
    assert_close(by_hessian, by_hvp, rtol=1e-12, atol=0)
    assert_close(by_hessian, np.diag([0.0, 0.0, -4.0, -1.0 / 9.0]), rtol=1e-12, atol=0)


def test_masked_branches_in_float32():
    x = np.array([-1.0, 0.0, 4.0], dtype=np.float32)
    reverse = astgrad.grad(masked_sqrt)(x)
    assert reverse.dtype == np.float32
    assert_close(reverse, [0.0, 0.0, 0.25], rtol=1e-6, atol=0)
    y = np.array([np.inf, np.nan, 1.0], dtype=np.float32)
    g = astgrad.grad(finite_only)(y)
    assert g.dtype == np.float32
    assert_exact(g[:2], 0.0)
    assert_close(g[2], np.sin(1.0) + np.cos(1.0) + 3 * np.e, rtol=1e-5)


def test_a_multiplicative_mask_is_not_a_mask():
    # mask * sqrt(x) is NaN at x < 0 in NumPy already: a NaN primal may give a NaN derivative.
    def f(x):
        return np.sum((x > 0) * np.sqrt(x))
    x = np.array([-1.0, 4.0])
    assert np.isnan(f(x))
    g = astgrad.grad(f)(x)
    assert g[1] == 0.25


# -- zero seeds and zero tangents ---------------------------------------------------------------

def sqrt_and_identity(x):
    return np.stack([np.sqrt(x[0]), x[1] * 1.0])


def test_zero_seeds_and_zero_tangents_give_zero_not_nan():
    x = np.array([0.0, 1.0])
    expected = [[np.inf, 0.0], [0.0, 1.0]]
    assert_exact(astgrad.jacobian(sqrt_and_identity, mode="reverse")(x), expected)
    assert_exact(astgrad.jacobian(sqrt_and_identity, mode="forward")(x), expected)
    out, pullback = astgrad.vjp(sqrt_and_identity, x)
    assert_exact(pullback(np.array([0.0, 2.0]))[0], [0.0, 2.0])
    assert_exact(astgrad.jvp(sqrt_and_identity, (x,), (np.array([0.0, 3.0]),))[1], [0.0, 3.0])


def test_zero_tangent_of_a_scalar_sqrt_at_zero():
    def f(x):
        return math.sqrt(x)
    assert astgrad.jvp(f, (0.0,), (0.0,))[1] == 0.0
    out, pullback = astgrad.vjp(f, 0.0)
    assert pullback(0.0)[0] == 0.0


# -- powers at zero: x ** 0 is constant ---------------------------------------------------------

def power_zero(x):
    return x ** 0


def power_zero_float(x):
    return x ** 0.0


def np_power_zero(x):
    return np.power(x, 0.0)


@pytest.mark.parametrize("f", [power_zero, power_zero_float, np_power_zero], ids=lambda f: f.__name__)
@pytest.mark.parametrize("x", [0.0, np.array([0.0, -0.0, 2.0]), np.float32(0.0)], ids=["float", "array", "float32"])
def test_zeroth_power_has_derivative_zero_everywhere(f, x):
    reverse = astgrad.grad(f)(x) if np.ndim(x) == 0 else astgrad.vjp(f, x)[1](np.ones_like(x))[0]
    forward = astgrad.jvp(f, (x,), (np.ones_like(x) if np.ndim(x) else type(x)(1.0),))[1]
    assert_exact(reverse, np.zeros_like(x))
    assert_exact(forward, np.zeros_like(x))
    assert_exact(astgrad.grad(astgrad.grad(f))(0.0), 0.0)


# -- Python floats: no ZeroDivisionError, NumPy's values ----------------------------------------

def math_sqrt(x):
    return math.sqrt(x)


def half_power(x):
    return x ** 0.5


def math_asin(x):
    return math.asin(x)


def math_acos(x):
    return math.acos(x)


def math_pow_half(x):
    return math.pow(x, 0.5)


def math_hypot(x):
    return math.hypot(x, 0.0)


def math_atan2(x):
    return math.atan2(x, 0.0)


@pytest.mark.parametrize("f, x, expected", [
    (math_sqrt, 0.0, math.inf), (half_power, 0.0, math.inf), (math_asin, 1.0, math.inf),
    (math_acos, 1.0, -math.inf), (math_pow_half, 0.0, math.inf), (math_hypot, 0.0, 0.0),
    (math_atan2, 0.0, 0.0),
])
def test_python_float_singular_points_give_numpy_values(f, x, expected):
    assert astgrad.grad(f)(x) == expected
    assert astgrad.jvp(f, (x,), (1.0,))[1] == expected
    assert astgrad.vjp(f, x)[1](0.0)[0] == 0.0


@pytest.mark.parametrize("f, x", [(math_sqrt, 2.0), (half_power, 2.0), (math_asin, 0.3), (math_acos, -0.4),
                                  (math_pow_half, 1.7), (math_hypot, 1.5), (math_atan2, -0.8)],
                         ids=lambda v: getattr(v, "__name__", str(v)))
def test_python_float_functions_match_finite_differences(f, x):
    expected = numerical_grad(f, (x,))
    assert_close(astgrad.grad(f)(x), expected)
    assert_close(astgrad.jvp(f, (x,), (1.0,))[1], expected)
    assert_close(astgrad.grad(astgrad.grad(f))(x), numerical_grad(astgrad.grad(f), (x,)))


def test_a_division_by_zero_in_the_function_itself_still_raises():
    def f(x):
        return 1.0 / x
    with pytest.raises(ZeroDivisionError):
        astgrad.grad(f)(0.0)
    with pytest.raises(ZeroDivisionError):
        astgrad.jvp(f, (0.0,), (1.0,))


# -- std over one element, norm at zero ---------------------------------------------------------

def std_rows(x):
    return np.sum(np.std(x, axis=1))


def std_method_rows(x):
    return np.sum(x.std(axis=1))


def norm_all(x):
    return np.linalg.norm(x)


@pytest.mark.parametrize("f", [std_rows, std_method_rows], ids=lambda f: f.__name__)
def test_std_over_an_axis_of_length_one_is_constant(f):
    x = RNG.normal(size=(3, 1))
    reverse, forward = grad_both_modes(f, x)
    assert_exact(reverse, np.zeros_like(x))
    assert_exact(forward, np.zeros_like(x))
    assert_exact(astgrad.hessian(f)(x), np.zeros((3, 1, 3, 1)))


@pytest.mark.parametrize("f", [std_rows, std_method_rows, norm_all], ids=lambda f: f.__name__)
def test_std_and_norm_still_match_finite_differences(f):
    x = RNG.normal(size=(3, 4))
    reverse, forward = grad_both_modes(f, x)
    expected = numerical_grad(f, (x,))
    assert_close(reverse, expected)
    assert_close(forward, expected)
    by_differences = np.stack([numerical_jvp(astgrad.grad(f), (x,), (e.reshape(3, 4),)).ravel()
                               for e in np.eye(12)], axis=-1)
    assert_close(astgrad.hessian(f)(x).reshape(12, 12), by_differences, rtol=1e-4, atol=1e-5)


# -- det at singular matrices: the cofactor matrix ----------------------------------------------

def det(a):
    return np.linalg.det(a)


def det_sum(a):
    return np.sum(np.linalg.det(a))


SINGULAR = [np.array([[1.0, 2.0], [2.0, 4.0]]), np.zeros((3, 3)),
            np.array([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0], [7.0, 8.0, 9.0]]),
            np.array([[2.0, 0.0, 0.0], [0.0, 0.0, 0.0], [0.0, 0.0, 3.0]])]


def cofactors(a):
    n = a.shape[0]
    c = np.zeros_like(a)
    for i in range(n):
        for j in range(n):
            minor = np.delete(np.delete(a, i, axis=0), j, axis=1)
            c[i, j] = (-1) ** (i + j) * (np.linalg.det(minor) if minor.size else 1.0)
    return c


@pytest.mark.parametrize("a", SINGULAR, ids=["rank1_2x2", "zero_3x3", "rank2_3x3", "diag_with_zero"])
def test_det_gradient_at_singular_matrices_is_the_cofactor_matrix(a):
    expected = cofactors(a)
    assert_close(expected, numerical_grad(det, (a,)))
    reverse, forward = grad_both_modes(det, a)
    assert_close(reverse, expected, rtol=1e-10, atol=1e-12)
    assert_close(forward, expected, rtol=1e-10, atol=1e-12)


def test_det_on_random_and_stacked_matrices():
    a = RNG.normal(size=(3, 3))
    reverse, forward = grad_both_modes(det, a)
    assert_close(reverse, numerical_grad(det, (a,)))
    assert_close(forward, numerical_grad(det, (a,)))
    stack = np.stack([RNG.normal(size=(3, 3)), SINGULAR[2]])
    assert_close(astgrad.grad(det_sum)(stack), numerical_grad(det_sum, (stack,)))
    f32 = astgrad.grad(det)(SINGULAR[2].astype(np.float32))
    assert f32.dtype == np.float32
    assert_close(f32, cofactors(SINGULAR[2]), rtol=1e-4, atol=1e-4)


def test_det_second_derivatives_at_an_invertible_matrix():
    a = RNG.normal(size=(3, 3))
    hessian = astgrad.hessian(det)(a).reshape(9, 9)
    expected = np.stack([numerical_jvp(astgrad.grad(det), (a,), (e.reshape(3, 3),)).ravel()
                         for e in np.eye(9)], axis=-1)
    assert_close(hessian, expected, rtol=1e-5, atol=1e-6)
    assert_close(hessian, hessian.T, rtol=1e-10, atol=1e-12)
    reverse_over_reverse = astgrad.grad(det_sum_first_entry)(a)
    assert_close(reverse_over_reverse, hessian[0].reshape(3, 3), rtol=1e-8, atol=1e-10)


def det_sum_first_entry(a):
    return astgrad.grad(det)(a)[0, 0]


# -- documented values where no derivative exists (docs/api.md, both modes) ---------------------

def f_abs(x):
    return np.abs(x)


def f_builtin_abs(x):
    return abs(x)


def f_fabs(x):
    return math.fabs(x)


def f_relu(x):
    return np.maximum(x, 0.0)


def f_builtin_max(x):
    return max(x, 0.0)


def f_minimum(x):
    return np.minimum(x, 0.0)


def f_clip(x):
    return np.clip(x, 0.0, 1.0)


def f_sqrt(x):
    return np.sqrt(x)


def f_cbrt(x):
    return np.cbrt(x)


def f_hypot(x):
    return np.hypot(x, 0.0 * x)


def f_arctan2(x):
    return np.arctan2(x, 0.0 * x)


def f_floor(x):
    return np.floor(x) + 0.0 * x


def f_where_boundary(x):
    return np.where(x > 0, 3.0 * x, -2.0 * x)


@pytest.mark.parametrize("f, x, value", [
    (f_abs, 0.0, 0.0), (f_builtin_abs, 0.0, 0.0), (f_fabs, 0.0, 0.0), (f_relu, 0.0, 0.5),
    (f_builtin_max, 0.0, 0.5), (f_minimum, 0.0, 0.5), (f_clip, 0.0, 0.5), (f_clip, 1.0, 0.5),
    (f_sqrt, 0.0, math.inf), (math_sqrt, 0.0, math.inf), (f_cbrt, 0.0, math.inf), (half_power, 0.0, math.inf),
    (f_hypot, 0.0, 0.0), (f_arctan2, 0.0, 0.0), (f_floor, 2.0, 0.0), (f_floor, 2.5, 0.0),
    (f_where_boundary, 0.0, -2.0),
], ids=lambda v: getattr(v, "__name__", str(v)))
def test_documented_values_at_non_differentiable_points(f, x, value):
    assert astgrad.grad(f)(x) == value
    assert astgrad.jvp(f, (x,), (1.0,))[1] == value
    if f not in (f_fabs, f_builtin_max, math_sqrt, half_power):      # float-only functions
        a = np.array([x, x])
        assert_exact(astgrad.vjp(f, a)[1](np.ones(2))[0], [value, value])
        assert_exact(astgrad.jvp(f, (a,), (np.ones(2),))[1], [value, value])


def test_documented_values_of_reductions():
    def f_max(x):
        return np.max(x)

    def f_norm(x):
        return np.linalg.norm(x)

    def f_std(x):
        return np.std(x)

    ties = np.array([1.0, 3.0, 3.0, 3.0])
    assert_close(astgrad.grad(f_max)(ties), [0.0, 1 / 3, 1 / 3, 1 / 3], rtol=1e-15, atol=0)
    assert_close(astgrad.jacobian(f_max, mode="forward")(ties), [0.0, 1 / 3, 1 / 3, 1 / 3], rtol=1e-15, atol=0)
    for f, x in [(f_norm, np.zeros(3)), (f_std, np.full(3, 2.5))]:
        assert_exact(astgrad.grad(f)(x), np.zeros(3))
        assert_exact(astgrad.jacobian(f, mode="forward")(x), np.zeros(3))


def test_sqrt_at_zero_with_a_zero_seed_is_zero():
    x = np.array([0.0, 4.0])
    assert_exact(astgrad.vjp(f_sqrt, x)[1](np.array([0.0, 1.0]))[0], [0.0, 0.25])
    assert_exact(astgrad.jvp(f_sqrt, (x,), (np.array([0.0, 1.0]),))[1], [0.0, 0.25])


# -- the zero-safe twin: same numbers where the plain code has no NaN ---------------------------

def smooth_program(x, y):
    z = np.sin(x) * y / (1.0 + x * x) + np.sqrt(y * y + 1.0) ** 1.5
    w = np.where(z > 0, np.log1p(z * z), -z)
    return np.sum(w * np.tanh(y)) + np.std(z)


def test_the_zero_safe_twin_computes_the_same_numbers_where_the_plain_code_has_no_nan():
    x, y = RNG.normal(size=(4, 5)), RNG.normal(size=5)
    plain = caching.reverse_derivative(smooth_program, (0, 1), False)
    twin = caching.reverse_derivative(smooth_program, (0, 1), False, zero_safe=True)
    assert "scale(" in twin.source and "scale(" not in plain.source
    for a, b in zip(plain(x, y), twin(x, y)):
        assert_close(a, b, rtol=1e-14, atol=0)
    expected = numerical_grad(smooth_program, (x, y), wrt=(0, 1))
    for a, b in zip(astgrad.grad(smooth_program, (0, 1))(x, y), expected):
        assert_close(a, b)
    tangent_plain = caching.forward_derivative(smooth_program, (0,))
    tangent_twin = caching.forward_derivative(smooth_program, (0,), zero_safe=True)
    v = RNG.normal(size=(4, 5))
    name = tangent_plain.__code__.co_varnames[tangent_plain.__code__.co_argcount]
    assert_close(tangent_plain(x, y, **{name: v})[1], tangent_twin(x, y, **{name: v})[1], rtol=1e-14, atol=0)


def plain_cubic(x):
    return np.sum(x ** 3 - 2.0 * x)


def test_the_twin_is_generated_only_when_needed():
    x = RNG.normal(size=3)
    astgrad.grad(plain_cubic)(x)
    keys = caching._cache.get(plain_cubic, {})
    assert keys and not any("zero-safe" in key for key in keys)


# -- complex numbers are refused, never differentiated wrongly ----------------------------------

def complex_literal(x):
    return np.sum(np.abs(np.exp(1j * x)))


def complex_call(x):
    z = complex(x, 1.0)
    return abs(z)


def complex_dtype_keyword(x):
    z = np.zeros(3, dtype=complex)
    return np.sum(z.real + x)


def complex_dtype_string(x):
    z = np.asarray(x, dtype="complex128")
    return np.sum(np.abs(z))


def complex_astype(x):
    return np.sum(np.abs(x.astype(np.complex64)))


def complex_fft(x):
    return np.sum(np.abs(np.sqrt(np.fft.fft(x))))     # sqrt has no rule for complex values


def complex_rfft_of_constant(x):
    spectrum = np.fft.rfft(np.ones(4))
    return np.sum(x * np.angle(spectrum))              # nor has angle


def spectrum_of_constant(x):
    spectrum = np.fft.rfft(np.ones(4) + np.arange(4.0))
    return np.sum(x * np.abs(spectrum))


def test_a_spectrum_that_reaches_a_real_value_is_differentiated():
    x = np.array([0.5, 1.5, 2.5])
    assert_close(astgrad.grad(spectrum_of_constant)(x), np.abs(np.fft.rfft(np.ones(4) + np.arange(4.0))))


def complex_emath(x):
    return np.sum(np.abs(np.emath.sqrt(x)))


def complex_cmath(x):
    return abs(cmath.exp(x))


def complex_vectorize(x):
    g = np.vectorize(math.sin, signature="()->()")
    return np.sum(g(x))


def complex_in_helper_inner(x):
    return x * 2j


def complex_in_helper(x):
    return np.sum(np.abs(complex_in_helper_inner(x)))


COMPLEX_CODE = [complex_literal, complex_call, complex_dtype_keyword, complex_dtype_string, complex_astype,
                complex_fft, complex_rfft_of_constant, complex_emath, complex_cmath, complex_vectorize,
                complex_in_helper]


def _line_of(f, text):
    import inspect
    lines, start = inspect.getsourcelines(f)
    return next(start + i for i, line in enumerate(lines) if text in line)


@pytest.mark.parametrize("f", COMPLEX_CODE, ids=lambda f: f.__name__)
def test_code_that_makes_complex_values_is_refused_naming_the_line(f):
    x = np.array([0.5, 1.5, 2.5])
    for transform in (lambda: astgrad.grad(f)(x), lambda: astgrad.jvp(f, (x,), (np.ones(3),))):
        with pytest.raises(astgrad.TransformError) as info:
            transform()
        message = str(info.value)
        assert "complex" in message.splitlines()[0]
        assert "test_trust_numerics.py" in message
        assert info.value.lineno is not None
    with pytest.raises(astgrad.TransformError):
        astgrad.differentiable(f)


def real_eig(x):
    values, vectors = np.linalg.eig(np.outer(x, x[::-1]) + np.diag([1.0, 3.0, 6.0]))
    return np.sum(np.sin(values)) + np.sum(vectors[0] * x)


def test_eig_with_real_distinct_eigenvalues_is_differentiated():
    needs_real_eig()
    from fd import assert_close, numerical_grad, numerical_jvp
    x = np.array([0.5, 0.3, -0.4])
    assert np.isrealobj(np.linalg.eig(np.outer(x, x[::-1]) + np.diag([1.0, 3.0, 6.0]))[0])
    assert_close(astgrad.grad(real_eig)(x), numerical_grad(real_eig, (x,)))
    v = np.array([0.2, -1.0, 0.7])
    assert_close(astgrad.jvp(real_eig, (x,), (v,))[1], numerical_jvp(real_eig, (x,), (v,)))
    hessian_v = astgrad.jvp(astgrad.grad(real_eig), (x,), (v,))[1]
    assert_close(hessian_v, numerical_jvp(astgrad.grad(real_eig), (x,), (v,)), rtol=1e-4, atol=1e-5)


def complex_eig(x):
    values = np.linalg.eig(np.outer(x, x[::-1]) + np.array([[0.0, -4.0], [4.0, 0.0]]))[0]
    return np.sum(np.real(values))


def test_eig_with_complex_eigenvalues_fails_clearly_when_run():
    x = np.array([0.5, 1.5])
    assert np.iscomplexobj(np.linalg.eig(np.outer(x, x[::-1]) + np.array([[0.0, -4.0], [4.0, 0.0]]))[0])
    for transform in (lambda: astgrad.grad(complex_eig)(x), lambda: astgrad.jvp(complex_eig, (x,), (np.ones(2),))):
        with pytest.raises(NotImplementedError, match="all eigenvalues are real; this matrix has complex"):
            transform()


def test_the_refusal_points_at_the_complex_line():
    with pytest.raises(astgrad.TransformError) as info:
        astgrad.grad(complex_fft)(np.ones(3))
    assert info.value.lineno == _line_of(complex_fft, "np.fft.fft")
    assert "np.fft.fft(x)" in str(info.value)
    with pytest.raises(astgrad.TransformError) as info:
        astgrad.grad(complex_in_helper)(np.ones(3))
    assert info.value.lineno == _line_of(complex_in_helper_inner, "2j")


def square(x):
    return np.sum(x * x)


def two_args(x, y):
    return np.sum(x * y)


@pytest.mark.parametrize("value", [1 + 2j, np.complex128(1j), np.array([1.0 + 0j, 2.0]),
                                   np.ones(2, dtype=np.complex64), [1.0, 1j]],
                         ids=["python", "numpy_scalar", "array128", "array64", "list"])
def test_complex_arguments_are_a_type_error_at_call_time(value):
    calls = [
        lambda: astgrad.grad(square)(value),
        lambda: astgrad.value_and_grad(square)(value),
        lambda: astgrad.grad(two_args, wrt=1)(np.ones(2), value),
        lambda: astgrad.vjp(square, value),
        lambda: astgrad.jvp(square, (value,), (np.ones(np.shape(value)),)),
        lambda: astgrad.jvp(square, (np.ones(np.shape(value)),), (value,)),
        lambda: astgrad.jacobian(square)(value),
        lambda: astgrad.hessian(square)(value),
        lambda: astgrad.hvp(square)(value, np.ones(np.shape(value))),
        lambda: astgrad.hvp(square)(np.ones(np.shape(value)), value),
    ]
    for call in calls:
        with pytest.raises(TypeError, match="complex"):
            call()


def test_a_complex_cotangent_is_a_type_error():
    out, pullback = astgrad.vjp(square, np.ones(2))
    with pytest.raises(TypeError, match="complex"):
        pullback(1j)


def negative_base_power(x):
    return (x - 10.0) ** 0.5 * 0.0 + x


def test_a_derivative_that_comes_out_complex_is_an_error_not_a_number():
    # (-9.0) ** 0.5 is complex in Python: the derivative is refused, not given with a lost imaginary part
    with pytest.raises(TypeError, match="complex"):
        astgrad.grad(negative_base_power)(1.0)
    with pytest.raises(TypeError, match="complex"):
        astgrad.jvp(negative_base_power, (1.0,), (1.0,))
    assert astgrad.grad(negative_base_power)(11.0) == 1.0


def test_real_valued_code_near_complex_words_still_works():
    def real_parts(x):
        return np.sum(np.abs(x) * np.hypot(x, 1.0))
    x = RNG.normal(size=4)
    assert_close(astgrad.grad(real_parts)(x), numerical_grad(real_parts, (x,)))


def test_tape_refuses_complex_tensors():
    with pytest.raises(TypeError, match="complex"):
        astgrad.tensor([1.0 + 2j])
    with pytest.raises(TypeError, match="complex"):
        astgrad.tensor([1.0, 2.0], dtype=np.complex128)
    x = astgrad.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(TypeError, match="complex"):
        x * 1j


def test_tape_gradients_at_masked_points():
    x = astgrad.tensor(np.array([-1.0, 0.0, 4.0]), requires_grad=True)
    y = np.sum(np.where(x.detach().numpy() > 0, np.sqrt(x), 0.0))
    (g,) = astgrad.autograd.grad(y, x)
    assert_exact(g.detach().numpy(), [0.0, 0.0, 0.25])
    x2 = astgrad.tensor(np.array([-1.0, 4.0]), requires_grad=True)
    y2 = np.sum(np.where(x2.detach().numpy() > 0, np.sqrt(x2), 0.0))
    (g2,) = astgrad.autograd.grad(y2, x2, create_graph=True)
    (h,) = astgrad.autograd.grad(np.sum(g2), x2)
    assert_close(h.detach().numpy(), [0.0, -0.25 / 8.0], rtol=1e-12, atol=0)


def sqrt_squared(x):
    return np.sqrt(x) ** 2


def test_documented_limit_of_the_chain_rule_inside_the_function():
    # docs/api.md: where an infinite derivative meets a zero one inside the function, the
    # chain rule cannot see through it; astgrad reads 0 * inf as 0 (the true value is 1).
    x = np.array([0.0])
    assert_exact(astgrad.grad(sum_of_sqrt_squared)(x), [0.0])
    assert_exact(astgrad.jacobian(sqrt_squared, mode="forward")(x), [[0.0]])
    assert_close(astgrad.jacobian(sqrt_squared, mode="forward")(np.array([2.0])), [[1.0]])


def sum_of_sqrt_squared(x):
    return np.sum(sqrt_squared(x))


def safe_sqrt_helper(x):
    return np.where(x > 0, np.sqrt(x), 0.0)


def calls_a_masked_helper(x):
    y = safe_sqrt_helper(x * 2.0)
    return np.sum(y * y + safe_sqrt_helper(x))


def test_masked_branches_inside_a_called_helper():
    x = np.array([-1.0, 0.0, 2.0])
    expected = [0.0, 0.0, 2.0 + 0.5 / np.sqrt(2.0)]
    reverse, forward = grad_both_modes(calls_a_masked_helper, x)
    assert_close(reverse, expected, rtol=1e-12, atol=0)
    assert_close(forward, expected, rtol=1e-12, atol=0)
    h = astgrad.hessian(calls_a_masked_helper)(x)
    assert_exact(h[:2], 0.0)
    assert_close(h[2, 2], -0.25 / 2.0 ** 1.5, rtol=1e-12)


def test_second_order_at_masked_points_in_float32():
    x = np.array([-1.0, 4.0], dtype=np.float32)
    h = astgrad.hessian(masked_sqrt)(x)
    assert not np.isnan(h).any()
    assert_close(h, np.diag([0.0, -0.25 / 8.0]), rtol=1e-6, atol=0)


def selects(x):
    return np.sum(np.select([x > 0], [np.sqrt(x)], 0.0))


def test_select_of_a_branch_that_is_nan_where_not_chosen():
    with np.errstate(invalid="ignore"):
        assert_close(astgrad.grad(selects)(np.array([-1.0, 4.0])), np.array([0.0, 0.25]))


def sqrt_of_a_dot_with_zero(x, n):
    return np.sqrt(np.dot(np.dot(x, x), n - n))


def sqrt_of_a_product_with_zero(x, n):
    return np.sqrt(np.sum(x * x) * (n - n))


@pytest.mark.parametrize("f", [sqrt_of_a_dot_with_zero, sqrt_of_a_product_with_zero])
def test_a_zero_factor_passes_nothing_on_through_dot_of_numbers_as_through_a_product(f):
    # sqrt's infinite derivative at 0 meets the zero factor n - n: the twin reads 0 * inf
    # as 0 for `*`, and np.dot of a number is that product (it gave NaN before)
    x = np.array([0.41, -0.69, -1.38])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        assert np.array_equal(astgrad.grad(f)(x, 1.0), np.zeros(3))
        assert astgrad.jvp(f, (x, 1.0), (np.ones(3), 0.0))[1] == 0.0
