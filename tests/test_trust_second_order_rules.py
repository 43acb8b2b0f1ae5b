"""Second order through the rules whose derivative has a factor taken as constant.

Many rules multiply by a factor that has no derivative of its own: a sign or slope (abs,
fabs, copysign), a mask or a share of a tie (maximum, minimum, clip, where, heaviside,
max/min, the norms), the order of a sort (sort, argsort, median, quantiles), a
piecewise-constant helper (floor, round, mod). Each is constant for real values away
from its kinks, so second derivatives (Hessian, grad of grad, jvp of grad) must match
central finite differences there; for complex values met at run time (a complex global)
a factor is constant only if it is piecewise constant there too (a comparison, a sort
order: lexicographic); abs's slope conj(z)/|z| is not, and has rules of its own (see
test_trust_complex_values). At the kinks, the conventions are
JAX's and autograd's; NaN and inf in a where's untaken branch stay out of second
derivatives too. Odd inputs (float32, ints, bools, 0-d arrays) at second order:
test_trust_second_order_dtypes.py.
"""

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_hessian

W = np.array([0.7, -1.3, 2.1, 0.4])
LO = np.array([-0.5, -0.2, -1.0, 0.1])
HI = np.array([0.6, 1.5, 0.0, 2.0])
K = 1j
C = np.array([-1.0 + 1.0j, 0.5 - 2.0j, 2.0 + 0.5j, 0.3 + 0.1j])


# real values, away from kinks and ties
def absolute(x): return np.sum(np.abs(x) * x ** 2 + abs(x) * W + np.fabs(x) ** 3)
def extrema(x): return np.sum(np.maximum(x, x[::-1] * 0.5) ** 3 + np.minimum(x ** 2, 0.3 * x) * x)
def fextrema(x): return np.sum(np.fmax(x, 0.1) ** 3 + np.fmin(x, W) ** 3)
def builtin_extrema(x): return max(x[0] ** 2, x[1] * x[2], x[3]) ** 2 + min(x[0], x[1]) ** 3
def reductions(x): return np.max(x ** 2 * W) ** 2 + np.min(x * W) ** 3 + np.ptp(x * W) * x[0]
def clipped(x): return np.sum(np.clip(x, LO, HI) ** 3 + np.clip(x ** 2, 0.1, None) * x + x.clip(-1.0, 0.5) ** 2)
def where(x): return np.sum(np.where(x > 0, x ** 3, np.sin(x) * x) + np.heaviside(x, 0.5) * x ** 3)
def select(x): return np.sum(np.select([x > 0.5, x < -0.5], [x ** 3, np.exp(x)], x ** 2))
def sort(x): return np.sum(np.sort(x) * W * np.sort(x ** 2) - np.sort(-x) * x)
def order(x): return np.sum(x[np.argsort(x)] ** 3 * W) + x[np.argmax(x)] ** 3 + np.take(x, np.argmin(x)) ** 2
def quantiles(x): return np.median(x ** 3) * np.percentile(x, 30) ** 2 + np.quantile(x ** 3, [0.2, 0.7]).sum() ** 2
def signs(x): return np.sum(np.copysign(x ** 2, W) * x + np.sign(x) * x ** 3)
def norms(x): return np.linalg.norm(x, 1) ** 2 + np.linalg.norm(x, np.inf) ** 3 + np.linalg.norm(x) ** 3
def rounding(x): return np.sum((x - np.floor(x)) ** 3 + np.round(x) * x ** 2 + np.mod(x, 0.7) ** 3)
def power_by_exponent(x): return np.sum(np.abs(W) ** x * x + np.power(-W, 2.0) ** x)
def nan_functions(x): return np.nanmax(x * W) ** 2 + np.nansum(x ** 3)


REAL = [absolute, extrema, fextrema, builtin_extrema, reductions, clipped, where, select, sort, order, quantiles,
        signs, norms, rounding, power_by_exponent, nan_functions]


# complex values from globals, through the rules that accept them
def abs_complex(x): return np.sum(np.abs(K * x + 0.3) * x + abs(C * x + 0.3) ** 2)
def extrema_complex(x): return np.sum(np.real(np.maximum(C * x, C[::-1] * x)) ** 2)
def sort_complex(x): return np.sum(np.real(np.sort(C * x + 0.3)) * W) ** 2
def where_complex(x): return np.sum(np.abs(np.where(x > 0, C * x, K * x ** 2)) ** 2)
def holomorphic(x): return np.sum(np.abs(np.sqrt(C * x + 2.0)) ** 2 + np.real(np.exp(C * x) * C)
                                  + np.imag(np.log(C * x + 2.0)) * x)
def power_complex(x): return np.sum(np.abs((C * x + 2.0) ** 2.5)) + np.abs(np.prod(C * x + 0.3))
def sums_complex(x): return np.mean(np.abs(C * x)) ** 2 + np.sum(np.abs(np.cumsum(C * x + 0.3)))
def products_complex(x): return np.abs(np.dot(C, x * x + 0.3)) + np.sum(np.real(np.conj(C * x + 0.3) * (C * x)) * x)


COMPLEX = [abs_complex, extrema_complex, sort_complex, where_complex, holomorphic, power_complex, sums_complex,
           products_complex]

X = np.array([0.83, -0.41, 1.27, -1.12])
V = np.array([0.3, -0.7, 0.5, 1.1])
GRADIENTS = {f: astgrad.grad(f) for f in REAL + COMPLEX}


@pytest.mark.parametrize("f", REAL + COMPLEX, ids=lambda f: f.__name__)
def test_second_derivatives_match_finite_differences_and_each_other(f):
    gradient = GRADIENTS[f]
    expected = numerical_hessian(gradient, (X,))
    assert np.abs(expected).max() > 0.1          # the factors taken as constant meet a curved function
    scale = max(1.0, np.abs(expected).max())
    assert_close(astgrad.hessian(f)(X), expected, rtol=1e-6, atol=1e-6 * scale)
    _, forward = astgrad.jvp(gradient, (X,), (V,))
    assert_close(forward, expected @ V, rtol=1e-6, atol=1e-6 * scale)
    reverse = astgrad.grad(lambda x: np.sum(gradient(x) * V))(X)
    assert_close(reverse, expected.T @ V, rtol=1e-6, atol=1e-6 * scale)


# -- a where's untaken branch: NaN and inf stay out of second derivatives ---------------

def where_log(x): return np.sum(np.where(x > 0, np.log(x) * x ** 2, x ** 3))
def where_sqrt(x): return np.sum(np.where(x > 0, np.sqrt(x) ** 3, -x ** 2))
def where_ratio(x): return np.sum(np.where(x != 0, np.sin(x) / x, 1.0))
def where_arcsin(x): return np.sum(np.where(np.abs(x) < 1, np.arcsin(x) * x, x ** 2))


AT_KINKS = np.array([0.0, -1.0, 2.0, 1.0, 3.0])


def _second(f, x):
    """d2/dx2 of the one-element f(x) at each element, from its formula."""
    return {where_log: np.where(x > 0, 2 * np.log(np.where(x > 0, x, 1.0)) + 3, 6 * x),
            where_sqrt: np.where(x > 0, 0.75 / np.sqrt(np.where(x > 0, x, 1.0)), -2.0),
            where_ratio: np.where(x != 0, -np.sin(x) / np.where(x != 0, x, 1.0)
                                  - 2 * np.cos(x) / np.where(x != 0, x, 1.0) ** 2
                                  + 2 * np.sin(x) / np.where(x != 0, x, 1.0) ** 3, 0.0),
            where_arcsin: np.where(np.abs(x) < 1, 2 / np.sqrt(1 - np.where(np.abs(x) < 1, x, 0.0) ** 2)
                                   + x ** 2 / (1 - np.where(np.abs(x) < 1, x, 0.0) ** 2) ** 1.5, 2.0)}[f]


@pytest.mark.parametrize("f", [where_log, where_sqrt, where_ratio, where_arcsin], ids=lambda f: f.__name__)
def test_nan_and_inf_in_an_untaken_branch_stay_out_of_second_derivatives(f):
    expected = _second(f, AT_KINKS)
    hessian = astgrad.hessian(f)(AT_KINKS)
    assert_close(hessian, np.diag(expected), rtol=1e-12, atol=1e-12)
    gradient = astgrad.grad(f)
    assert_close(astgrad.jvp(gradient, (AT_KINKS,), (np.ones(5),))[1], expected, rtol=1e-12, atol=1e-12)
    assert_close(astgrad.grad(lambda x: np.sum(gradient(x)))(AT_KINKS), expected, rtol=1e-12, atol=1e-12)


# -- ties and kinks: JAX's and autograd's conventions, to second order ------------------

TIES = np.array([0.0, 1.0, 1.0, -2.0, 0.5])
WEIGHTS = np.array([1.0, 2.0, 3.0, 4.0, 5.0])


def maximum_tie(x): return np.sum(np.maximum(x, x[::-1]) ** 2 * WEIGHTS)
def relu_at_zero(x): return np.sum(np.maximum(x, 0.0) ** 2 * WEIGHTS + np.maximum(x, 0.0) * WEIGHTS)
def clip_at_bounds(x): return np.sum(np.clip(x, 0.0, 1.0) * WEIGHTS + np.clip(x, 0.0, 1.0) ** 3)
def sort_tie(x): return np.sum(np.sort(x) * WEIGHTS + np.sort(x) ** 3 * WEIGHTS)
def max_tie(x): return np.max(x) ** 2 + np.max(x)
def where_at_edge(x): return np.sum(np.where(x >= 1.0, x ** 3, x) * WEIGHTS)


# gradient and Hessian at TIES, as JAX gives them (ties split evenly, maximum(x, 0) at 0
# takes half, clip at a bound takes half, a sort's tie keeps the order NumPy gives)
CONVENTIONS = [
    (maximum_tie, [0.0, 12.0, 6.0, 0.0, 6.0], np.diag([0.0, 12.0, 6.0, 0.0, 12.0])),
    (relu_at_zero, [0.5, 6.0, 9.0, 0.0, 10.0], np.diag([0.5, 4.0, 6.0, 0.0, 10.0])),
    (clip_at_bounds, [0.5, 2.5, 3.0, 0.0, 5.75], np.diag([0.0, 1.5, 1.5, 0.0, 3.0])),
    (sort_tie, [2.0, 16.0, 20.0, 13.0, 5.25], np.diag([0.0, 24.0, 30.0, -12.0, 9.0])),
    (max_tie, [0.0, 1.5, 1.5, 0.0, 0.0], np.array([[0.0] * 5, [0.0, 0.5, 0.5, 0.0, 0.0], [0.0, 0.5, 0.5, 0.0, 0.0],
                                                   [0.0] * 5, [0.0] * 5])),
    (where_at_edge, [1.0, 6.0, 9.0, 4.0, 5.0], np.diag([0.0, 12.0, 18.0, 0.0, 0.0])),
]


@pytest.mark.parametrize("f, gradient, hessian", CONVENTIONS, ids=lambda c: getattr(c, "__name__", ""))
def test_ties_and_kinks_follow_jax_to_second_order(f, gradient, hessian):
    assert_close(astgrad.grad(f)(TIES), np.array(gradient), rtol=1e-12, atol=1e-12)
    assert_close(astgrad.hessian(f)(TIES), hessian, rtol=1e-12, atol=1e-12)
    _, product = astgrad.jvp(astgrad.grad(f), (TIES,), (WEIGHTS,))
    assert_close(product, hessian @ WEIGHTS, rtol=1e-12, atol=1e-12)


def test_abs_at_zero_has_slope_zero_as_autograd_and_numpy_sign():
    """JAX takes 1 (the right derivative) at 0; astgrad takes sign(0) = 0, as autograd."""
    def f(x): return np.sum(np.abs(x) * WEIGHTS + np.abs(x) ** 3)
    assert_close(astgrad.grad(f)(TIES), np.array([0.0, 5.0, 6.0, -16.0, 5.75]), rtol=1e-12)
    assert_close(astgrad.hessian(f)(TIES), np.diag([0.0, 6.0, 6.0, 12.0, 3.0]), rtol=1e-12)


def quartic(x): return np.abs(x) * x ** 3 + np.sum(np.abs(np.array([x, 2.0 * x])) ** 2)


def test_abs_of_real_values_to_third_order():
    """abs's slope has a derivative of its own (0 for real values) and so does that
    derivative: third derivatives of real code through abs are unchanged."""
    third = astgrad.grad(astgrad.grad(astgrad.grad(quartic)))
    for v in (0.7, -1.3, np.float32(0.4)):
        assert_close(third(v), 24.0 * abs(v), rtol=1e-5)
