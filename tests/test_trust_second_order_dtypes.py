"""Second order through the rules whose derivative has a factor taken as constant
(test_trust_second_order_rules.py), on odd inputs: float32 stays float32 at second
order, ints are real numbers (the result float64), a bool argument is refused, 0-d
arrays and Python floats agree.

Split from test_trust_second_order_rules.py (a program campaign, run on one Python:
.ci/campaigns.txt) because dtypes, NumPy's scalars and what numpy.clip accepts depend on
NumPy's version: these run wherever NumPy differs (.ci/numpy_only.txt: the default Python
and 3.10's CI, which runs the oldest NumPy supported).
"""

import numpy as np
import pytest

import astgrad
from fd import assert_close
from test_trust_second_order_rules import W


def mixed(x): return np.sum(np.abs(x) * W[:3] * x ** 2 + np.maximum(x, W[:3]) ** 3 + np.sort(x * W[:3]) * np.clip(x, -1, 1))
def scalar(x): return np.abs(x) * x ** 2 * 1.5 + np.maximum(x, 0.3) ** 3 + np.clip(x, -1, 1) * np.sin(x)


MIXED_GRADIENT = astgrad.grad(mixed)
SCALAR_GRADIENT = astgrad.grad(scalar)
X3 = np.array([0.8, -0.4, 1.3])


def test_float32_stays_float32_at_second_order_as_in_jax():
    """mixed meets float64 globals: its value is float64, its derivatives are x's dtype."""
    x = X3.astype(np.float32)
    results = [astgrad.hessian(mixed)(x), astgrad.hvp(mixed)(x, np.ones(3, np.float32)),
               astgrad.jvp(MIXED_GRADIENT, (x,), (np.ones(3, np.float32),))[1],
               astgrad.grad(lambda v: np.sum(MIXED_GRADIENT(v) * W[:3]))(x)]
    assert [r.dtype for r in results] == [np.float32] * 4
    expected = astgrad.hessian(mixed)(X3)
    assert_close(results[0], expected, rtol=1e-5, atol=1e-4)
    assert_close(results[3], expected.T @ W[:3], rtol=1e-5, atol=1e-4)


@pytest.mark.parametrize("x", [np.float32(0.7), np.array(0.7, dtype=np.float32), np.float16(0.7)],
                         ids=["np.float32", "0-d float32", "np.float16"])
def test_a_narrow_scalar_keeps_its_dtype_at_second_order(x):
    second = astgrad.grad(SCALAR_GRADIENT)(x)
    assert type(second) is type(x) and second.dtype == x.dtype
    assert astgrad.hessian(scalar)(x).dtype == x.dtype
    assert_close(float(second), float(astgrad.grad(SCALAR_GRADIENT)(float(x))), rtol=1e-2)


@pytest.mark.parametrize("dtype", [np.int8, np.int32, np.int64])
def test_integer_arrays_are_real_numbers_at_second_order(dtype):
    """As documented in api.md: grad and hessian take an int as a real number (float64)."""
    x = np.array([2, -1, 3], dtype=dtype)
    as_float = x.astype(float)
    for make in (lambda f: f, lambda f: astgrad.hessian(mixed),
                 lambda f: astgrad.grad(lambda v: np.sum(MIXED_GRADIENT(v) * W[:3]))):
        result, expected = make(MIXED_GRADIENT)(x), make(MIXED_GRADIENT)(as_float)
        assert result.dtype == np.float64
        assert_close(result, expected, rtol=1e-12)
    assert_close(astgrad.hvp(mixed)(x, W[:3]), astgrad.hvp(mixed)(as_float, W[:3]), rtol=1e-12)


def test_clip_of_unsigned_integers_with_a_negative_bound():
    """numpy.clip takes -1 for a uint8 array; the derivative's mask compared it with
    numpy.maximum, which does not (a bare OverflowError)."""
    def f(x): return np.sum(np.clip(x, -1, 3) ** 2 + x.clip(0, 4) * x)
    x = np.array([2, 4, 5, 1], dtype=np.uint8)
    try:
        np.clip(x, -1, 3)
    except OverflowError:
        pytest.skip("this NumPy's clip refuses a negative bound for unsigned integers itself")
    assert_close(astgrad.grad(f)(x), astgrad.grad(f)(x.astype(float)), rtol=1e-12)
    assert_close(astgrad.hessian(f)(x), astgrad.hessian(f)(x.astype(float)), rtol=1e-12)


@pytest.mark.parametrize("x", [True, np.array([True, False, True])], ids=["bool", "bool array"])
def test_a_bool_argument_is_refused_at_second_order_too(x):
    """As grad refuses it: the Hessian ran into NumPy's own error (no loop for sign of bools)."""
    for transform, call in [("hessian", lambda: astgrad.hessian(scalar)(x)),
                            ("hvp", lambda: astgrad.hvp(scalar)(x, np.ones(np.shape(x)))),
                            ("jacobian", lambda: astgrad.jacobian(scalar)(x))]:
        with pytest.raises(TypeError, match=f"{transform}: argument 'x' is a bool"):
            call()


def test_zero_dimensional_arrays_and_python_floats_agree_at_second_order():
    values = [0.7, np.float64(0.7), np.array(0.7)]
    seconds = [astgrad.grad(SCALAR_GRADIENT)(v) for v in values]
    assert [type(s) for s in seconds] == [float, np.float64, np.ndarray]
    hessians = [astgrad.hessian(scalar)(v) for v in values]
    products = [astgrad.jvp(SCALAR_GRADIENT, (v,), (1.0,))[1] for v in values]
    for result in seconds + hessians + products:
        assert_close(np.asarray(result, dtype=float), np.asarray(seconds[0]), rtol=1e-14)
    assert all(np.shape(h) == () for h in hessians)
