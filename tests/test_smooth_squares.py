"""Squares written through a kink (``norm(v) ** 2``, ``abs(u) ** 2``, ``sqrt(s) ** 2`` for a
sum of squares ``s``, ``r = sqrt(s); r * r``) are smooth at 0, and the normalizer rewrites
them as the smooth function they are (frontend/normalize/smooth_squares.py): the second
derivative at 0 is right (it was 0, the chain rule reading the kink's 0 * inf as 0), the
value is the program's within rounding, and every mode matches finite differences at 0
and elsewhere. Forms that are not such identities keep their kink (and their value)."""

import math

import numpy as np
import pytest

import astgrad
from breadth_modes import check
from fd import assert_close
from test_export_values import _load as load_export

R = np.random.default_rng(11)
A = R.normal(size=(4, 3))
X0 = R.normal(size=3)
B = A @ X0          # A @ x - B is 0 at X0


def norm_squared(x, w):
    return np.linalg.norm(x) ** 2 * w + np.sum(x * w)


def frobenius_squared(m, w):
    return np.linalg.norm(m, None) ** 2 * w


def residual_squared(x, w):
    return np.linalg.norm(A @ x - B) ** 2 * w


def abs_squared(x, w):
    return np.sum(np.abs(x * w) ** 2)


def scalar_root_squared(a, w):
    return math.sqrt(a * a + (w * a) ** 2) ** 2 + abs(a * w) ** 2


def named_root_squared(x, w):
    r = np.sqrt(np.sum(x * x))
    return r * r * w + np.sum(x) * w


def square_of_norm(x, w):
    return np.square(np.linalg.norm(x * w)) + sum(abs(v) ** 2 for v in x)


def power_spectrum(x, w):
    return np.sum(np.abs(np.fft.fft(x * w)) ** 2)       # complex: |u| ** 2, not u * u


Z3 = np.zeros(3)
# (f, arguments at the kink, the Hessian there w.r.t. the first argument)
PROGRAMS = [
    (norm_squared, (Z3, 0.8), 1.6 * np.eye(3)),
    (frobenius_squared, (np.zeros((2, 2)), 0.8), 1.6 * np.eye(4).reshape(2, 2, 2, 2)),
    (residual_squared, (X0.copy(), 0.8), 1.6 * A.T @ A),
    (abs_squared, (Z3, 0.8), 1.28 * np.eye(3)),
    (scalar_root_squared, (0.0, 0.8), 2 * (1 + 0.64) + 1.28),
    (named_root_squared, (Z3, 0.8), 1.6 * np.eye(3)),
    (square_of_norm, (Z3, 0.8), (1.28 + 2) * np.eye(3)),
    (power_spectrum, (Z3, 0.8), 3 * 1.28 * np.eye(3)),
]
IDS = [f.__name__ for f, *_ in PROGRAMS]
HESSIANS = {f: astgrad.hessian(f) for f, *_ in PROGRAMS}


def _moved(args, seed):
    rng = np.random.default_rng(seed)
    x = args[0]
    return (x + rng.normal(size=np.shape(x)) if isinstance(x, np.ndarray) else x + rng.normal(),) + args[1:]


@pytest.mark.parametrize("f, args, expected", PROGRAMS, ids=IDS)
def test_the_second_derivative_at_the_kink_is_the_smooth_functions(f, args, expected):
    assert_close(HESSIANS[f](*args), expected, 1e-10, 1e-12)


@pytest.mark.parametrize("mode", ["value_and_grad", "jvp", "hessian", "jvp_of_grad"])
@pytest.mark.parametrize("f, args, expected", PROGRAMS, ids=IDS)
def test_every_mode_matches_finite_differences_at_the_kink_and_away(mode, f, args, expected):
    check(mode, f, args, (0, 1))
    check(mode, f, _moved(args, 5), (0, 1), seed=1)


@pytest.mark.parametrize("f, args, expected", PROGRAMS, ids=IDS)
def test_the_value_is_the_programs(f, args, expected):
    for seed in range(3):
        moved = _moved(args, seed)
        value, _ = astgrad.value_and_grad(f)(*moved)
        assert_close(value, f(*moved), 1e-13, 1e-13)


def test_the_generated_code_shows_the_smooth_function():
    source = astgrad.grad(norm_squared).source
    assert "np.linalg.norm" not in source.split("\n    # line")[0] and "abs_squared(x, of_norm=True)" in source
    source = astgrad.grad(named_root_squared).source
    assert "r_squared = np.divide(np.sum(t), 1)" in source and "np.sqrt" not in source.split("\n    # line")[0]


def counts_squared(x, k):
    """k an integer array, not differentiated: NumPy's norm and sqrt give floats."""
    return x * 2.0, np.linalg.norm(k) ** 2, np.sqrt(np.sum(k * k)) ** 2, math.sqrt(int(k[0]) ** 2) ** 2


def test_the_smooth_square_keeps_the_type_numpy_gives():
    """Rewritten as a sum of squares, the square of the norm of integers was an integer."""
    k = np.array([1, 2, 3])
    value, tangent = astgrad.jvp(counts_squared, (2.0, k), (1.0, np.zeros(3)))
    assert [type(v) for v in value] == [type(v) for v in counts_squared(2.0, k)] == [float, np.float64, np.float64, float]
    assert value[1:] == (14.0, 14.0, 1.0) and tangent[0] == 2.0
    x32 = np.array([1.0, 2.0], dtype=np.float32)
    value, gradient = astgrad.value_and_grad(lambda x: np.linalg.norm(x) ** 2)(x32)
    assert type(value) is np.float32 and gradient.dtype == np.float32


def own_squares(x):
    t = np.tanh(x)
    return np.sum((1.0 - t * t) * x ** 2)      # squares of plain values, as derivatives are full of


def root_then_square(x):
    r = np.sqrt(np.sum(x * x))
    return r * r


def test_only_a_square_with_a_kink_has_the_function_walked(monkeypatch):
    from astgrad.frontend.normalize import smooth_squares
    walked = []
    monkeypatch.setattr(smooth_squares._Rewrite, "visit_FunctionDef", lambda self, node: walked.append(node) or node)
    assert "t * t" in astgrad.grad(own_squares).source and not walked
    astgrad.grad(root_then_square).source
    assert walked


def root_of_any_squared(x):
    return np.sum(np.sqrt(x) ** 2)         # NaN for x < 0: not x


def other_norm_squared(x):
    return np.linalg.norm(x, 1) ** 2 + np.linalg.norm(x, axis=0) ** 2


def roots_multiplied(x):
    return np.sum(np.sqrt(x * x) * np.sqrt(x * x))


@pytest.mark.parametrize("f, kink", [(root_of_any_squared, "sqrt"), (other_norm_squared, "norm"),
                                     (roots_multiplied, "sqrt")])
def test_forms_that_are_no_identity_keep_their_kink_and_value(f, kink):
    source = astgrad.grad(f).source
    assert kink in source.split("\n    # line")[0]
    x = np.array([0.5, -1.5, 2.0])
    with np.errstate(invalid="ignore"):
        value, _ = astgrad.value_and_grad(f)(x)
    if f is root_of_any_squared:
        assert np.isnan(value)
    else:
        assert_close(value, f(x), 1e-15, 0)
    check("grad", f, (np.abs(x),), (0,))


@pytest.mark.parametrize("mode", ["reverse", "forward"])
def test_the_export_differentiates_the_smooth_function(mode, tmp_path):
    exported, signature = load_export(named_root_squared, 0, mode, 2, tmp_path)     # linted too
    seed = list(signature.parameters)[-1]
    v = np.array([1.0, -2.0, 0.5])
    got = exported(np.zeros(3), 0.8, **{seed: v})
    assert_close(got[1] if mode == "forward" else got, 1.6 * v, 1e-12, 1e-14)
