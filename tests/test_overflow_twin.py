"""Where a value overflows (np.exp(800) is inf), the chain rule meets an infinite local
derivative and a derivative that arithmetic rounded to 0 (log's 1 / x at that inf):
their product is unknown, and astgrad answers NaN (as JAX and autograd) or the right
slope, never a finite wrong number. A zero no derivative reaches (a where's untaken
branch, the unselected side of a maximum) still stays 0 there. The plain run's warnings
are the user's code's; the zero-safe twin that answers a NaN adds none."""

import importlib.util
import math
import warnings

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad


def softplus(x):
    return np.log(1 + np.exp(x))


def log_sum_exp(x):
    return np.log(np.exp(x) + np.exp(2 * x))


def log_cosh(x):
    return np.log(np.cosh(x))


def log_sinh(x):
    return np.log(np.sinh(x))


def root_of_exp(x):
    return np.exp(x) ** 0.5


def base_ten_softplus(x):
    return np.log(10.0 ** x + 1)


def softplus_twice(x):
    for _ in range(2):
        x = np.log(1 + np.exp(x))
    return x


def sixth_power_log(x):
    square = x * x
    return np.log(1.0 + square * square * square)


def python_sixth_power_log(x):
    square = x * x
    return math.log(1.0 + square * square * square)


def python_softplus(x):
    return math.log(1.0 + math.exp(x))


def guarded_softplus(x):
    return np.where(x > 30, x, np.log1p(np.exp(x)))


def softplus_where_small(x):
    return np.where(x < 700, np.log(1 + np.exp(x)), x)


def masked_root(x):
    return np.where(x > 0, np.sqrt(x), 0.0)


def summed_masked_root(x):
    return np.sum(np.where(x > 0, np.sqrt(x), 0.0))


def root_above_one(x):
    return np.maximum(np.sqrt(x), 1.0)


def sinc(x):
    return np.where(x == 0, 1.0, np.sin(x) / x)


def scaled_softplus(x):
    return np.sum(x * np.log(1 + np.exp(x)))


# (function, a point where a value overflows, the slope there): an elementwise function
OVERFLOWING = [
    (softplus, 800.0, 1.0),
    (log_sum_exp, 400.0, 2.0),
    (log_cosh, 800.0, 1.0),
    (log_cosh, -800.0, -1.0),
    (log_sinh, 800.0, 1.0),
    (root_of_exp, 800.0, math.inf),         # e**400 / 2 overflows too
    (base_ten_softplus, 400.0, math.log(10.0)),
    (softplus_twice, 800.0, 1.0),
    (sixth_power_log, 1e100, 6e-100),
]
# (function, point, its derivative there): zeros no derivative reaches stay 0
STRUCTURAL = [
    (guarded_softplus, 800.0, 1.0),
    (softplus_where_small, 800.0, 1.0),
    (masked_root, 0.0, 0.0),
    (masked_root, -1.0, 0.0),
    (root_above_one, 0.0, 0.0),
    (sinc, 0.0, 0.0),
]
NORMAL = 0.3        # a second element, away from the overflow: exact as always


def _right_or_nan(actual, slope):
    actual = float(actual)
    assert math.isnan(actual) or actual == pytest.approx(slope, rel=1e-6, abs=0), (actual, slope)


def _slope_at_normal(fn):
    return numerical_grad(lambda x: np.sum(fn(x)), (np.array([NORMAL]),))[0]


@pytest.mark.parametrize("fn, point, slope", OVERFLOWING, ids=[f"{f.__name__}@{p:g}" for f, p, _ in OVERFLOWING])
def test_an_overflow_gives_the_slope_or_nan_in_every_mode(fn, point, slope):
    x = np.array([point, NORMAL])
    with np.errstate(all="ignore"):
        value = fn(x)
        assert np.isinf(value[0])      # it overflows
        value_again, pullback = astgrad.vjp(fn, x)
        reverse = pullback(np.ones(2))[0]
        forward = [astgrad.jvp(fn, (x,), (e,))[1][i] for i, e in enumerate(np.eye(2))]
        rows = astgrad.jacobian(fn)(x)
    assert_close(value_again, value)
    for each in (reverse[0], forward[0], rows[0, 0]):
        _right_or_nan(each, slope)
    normal = _slope_at_normal(fn)
    assert_close([reverse[1], forward[1], rows[1, 1]], [normal] * 3, rtol=1e-5)
    assert rows[0, 1] == 0 and rows[1, 0] == 0


def test_the_naive_softplus_is_nan_where_it_was_a_silent_zero():
    """The case that gave grad 0 (slope 1): NaN in each transform, the other element exact."""
    x = np.array([800.0, NORMAL])
    summed = lambda y: np.sum(softplus(y))      # noqa: E731 (its source is this line)
    with np.errstate(all="ignore"):
        gradient = astgrad.grad(scaled_softplus)(x)
        value, gradient_too = astgrad.value_and_grad(scaled_softplus)(x)
        hessian = astgrad.hessian(scaled_softplus)(x)
        assert np.isnan(astgrad.grad(summed)(x)[0])
    assert np.isinf(value)
    assert np.isnan(gradient[0]) and np.isnan(gradient_too[0]) and np.isnan(hessian[0, 0])
    s = 1.0 / (1.0 + np.exp(-NORMAL))
    assert_close([gradient[1], gradient_too[1]], [np.log1p(np.exp(NORMAL)) + NORMAL * s] * 2)
    assert_close(hessian[1, 1], 2 * s + NORMAL * s * (1 - s))
    assert hessian[0, 1] == 0 and hessian[1, 0] == 0


def test_second_order_through_an_overflow_is_the_slope_or_nan():
    f = lambda x: x * np.log(1 + np.exp(x))        # noqa: E731 (its source is this line)
    with np.errstate(all="ignore"):
        _right_or_nan(astgrad.grad(astgrad.grad(f))(800.0), 2.0)
        _right_or_nan(astgrad.grad(astgrad.grad(f))(np.float32(100.0)), 2.0)
    assert astgrad.grad(astgrad.grad(f))(0.0) == pytest.approx(1.0)    # 2 s(0) + 0 = 1


def test_float32_overflows_at_89_and_gives_the_slope_or_nan():
    x = np.array([100.0, NORMAL], dtype=np.float32)
    with np.errstate(all="ignore"):
        assert np.isinf(softplus(x)[0])
        gradient = astgrad.vjp(softplus, x)[1](np.ones(2, np.float32))[0]
    assert gradient.dtype == np.float32
    _right_or_nan(gradient[0], 1.0)
    assert_close(gradient[1], 1.0 / (1.0 + np.exp(-NORMAL)), rtol=1e-5)


def test_python_floats_overflow_as_python_does():
    """math.exp(800) raises OverflowError: the derivative raises it too, and the next
    call works; a product of Python floats overflows to inf: the slope or NaN."""
    with pytest.raises(OverflowError):
        astgrad.grad(python_softplus)(800.0)
    assert astgrad.grad(python_softplus)(0.0) == pytest.approx(0.5)
    _right_or_nan(astgrad.grad(python_sixth_power_log)(1e100), 6e-100)
    _right_or_nan(astgrad.jvp(python_sixth_power_log, (1e100,), (1.0,))[1], 6e-100)
    assert astgrad.grad(python_sixth_power_log)(1.0) == pytest.approx(3.0)


@pytest.mark.parametrize("fn, point, slope", STRUCTURAL, ids=[f"{f.__name__}@{p:g}" for f, p, _ in STRUCTURAL])
def test_a_zero_no_derivative_reaches_stays_zero(fn, point, slope):
    x = np.array([point, NORMAL])
    with np.errstate(all="ignore"):
        reverse = astgrad.vjp(fn, x)[1](np.ones(2))[0]
        forward = astgrad.jvp(fn, (x,), (np.array([1.0, 0.0]),))[1][0]
        second = astgrad.hessian(lambda y: np.sum(fn(y)))(x)[0, 0]      # noqa: E731
    assert reverse[0] == slope and forward == slope and second == 0.0
    assert_close(reverse[1], _slope_at_normal(fn), rtol=1e-5)


def test_the_tape_and_an_exported_gradient_give_nan_too(tmp_path):
    with np.errstate(all="ignore"):
        x = astgrad.tensor(np.array([800.0, NORMAL]), requires_grad=True)
        (gradient,) = astgrad.autograd.grad(astgrad.sum(astgrad.log(1 + astgrad.exp(x))), x)
        text = astgrad.export(scaled_softplus)
        path = tmp_path / "exported_scaled_softplus.py"
        path.write_text(text)
        spec = importlib.util.spec_from_file_location(path.stem, path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        exported = module.grad_scaled_softplus(np.array([800.0, NORMAL, 0.0]))
    assert np.isnan(np.asarray(gradient)[0])
    assert_close(np.asarray(gradient)[1], 1.0 / (1.0 + np.exp(-NORMAL)))
    assert np.isnan(exported[0])
    assert_close(exported[1:], astgrad.grad(scaled_softplus)(np.array([NORMAL, 0.0])))


def test_the_twin_repeats_no_warning_of_the_plain_run():
    """A NaN answered by the zero-safe twin: the user's code's warning (the overflow in
    exp, as a plain call gives) appears once, none from the twin's own run."""
    x = np.array([0.0, -1.0, 1.0])
    with warnings.catch_warnings(record=True) as plain:
        warnings.simplefilter("always")
        masked_root(x)
    with warnings.catch_warnings(record=True) as derived:
        warnings.simplefilter("always")
        gradient = astgrad.grad(summed_masked_root)(x)
    assert_close(gradient, [0.0, 0.0, 0.5])
    said = [str(w.message) for w in derived]
    assert [str(w.message) for w in plain] == ["invalid value encountered in sqrt"]
    assert said.count("invalid value encountered in sqrt") == 1, said


def test_the_plain_numbers_are_kept_where_only_the_twin_has_nan():
    """At x = inf the plain code's slope 1 / inf is 0, a number it keeps; the twin
    (run for the NaN at x = -1) writes NaN there, which is not returned."""
    x = np.array([-1.0, np.inf, 4.0])
    with np.errstate(all="ignore"):
        gradient = astgrad.grad(summed_masked_root)(x)
        reverse = astgrad.vjp(masked_root, x)[1](np.ones(3))[0]
    assert_close(gradient, [0.0, 0.0, 0.25])
    assert_close(reverse, [0.0, 0.0, 0.25])
