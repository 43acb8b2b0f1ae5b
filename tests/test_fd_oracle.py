"""Tests of the finite-difference oracle itself, on known derivatives."""

import collections
import math
import os

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from fd import assert_close, numerical_grad, numerical_hessian, numerical_jvp, random_args


def test_grad_sum_of_squares():
    x = np.array([1.0, -2.0, 0.5, 3.0])
    g = numerical_grad(lambda x: np.sum(x**2), (x,))
    assert isinstance(g, np.ndarray) and g.shape == x.shape
    assert_close(g, 2 * x)


def test_grad_matrix_argument_keeps_shape():
    A = np.arange(6.0).reshape(2, 3) / 3 - 1
    g = numerical_grad(lambda A: np.sum(np.sin(A)), (A,))
    assert g.shape == (2, 3)
    assert_close(g, np.cos(A))


def test_grad_python_float_gives_python_float():
    g = numerical_grad(math.sin, (0.7,))
    assert type(g) is float
    assert_close(g, math.cos(0.7))


def test_grad_zero_d_array_gives_zero_d():
    g = numerical_grad(lambda x: x**3, (np.array(2.0),))
    assert isinstance(g, np.ndarray) and g.shape == ()
    assert_close(g, np.array(12.0))


def test_grad_large_input_uses_relative_step():
    # h = eps * |x| keeps the step meaningful at 1e6 magnitude.
    g = numerical_grad(lambda x: x**2, (1.0e6,))
    assert_close(g, 2.0e6, rtol=1e-6)


def test_grad_does_not_mutate_or_convert_inputs():
    x = np.array([1, 2, 3])  # int array: the oracle perturbs a float64 copy
    g = numerical_grad(lambda x: np.sum(x * x), (x,))
    assert x.dtype.kind == "i" and list(x) == [1, 2, 3]
    assert_close(g, [2.0, 4.0, 6.0])


def test_grad_tuple_wrt():
    x, y = np.array([1.0, 2.0]), 3.0
    f = lambda x, y: np.sum(x * y) + y**2
    gx, gy = numerical_grad(f, (x, y), wrt=(0, 1))
    assert_close(gx, np.full(2, y))
    assert type(gy) is float
    assert_close(gy, np.sum(x) + 2 * y)
    # int wrt picks a single argument, non-differentiated args pass through.
    assert_close(numerical_grad(f, (x, y), wrt=1), gy)


def test_grad_nonscalar_output_with_seed():
    x = np.array([0.3, -1.2, 2.0])
    seed = np.array([1.0, -2.0, 0.5])
    g = numerical_grad(np.exp, (x,), seed=seed)
    assert_close(g, seed * np.exp(x))
    # Default seed is ones: gradient of sum(f).
    assert_close(numerical_grad(np.exp, (x,)), np.exp(x))


def test_grad_matrix_output_seed_is_vjp():
    A = np.array([[1.0, 2.0], [-0.5, 3.0]])
    x = np.array([0.4, -0.7])
    seed = np.array([2.0, -1.0])
    g = numerical_grad(lambda x: A @ x, (x,), seed=seed)
    assert_close(g, A.T @ seed)


def test_grad_seed_shape_mismatch_raises():
    with pytest.raises(ValueError, match="seed shape"):
        numerical_grad(np.exp, (np.ones(3),), seed=np.ones(2))


def test_grad_tuple_output():
    f = lambda x: (x**2, np.sin(x))
    x = np.array([0.5, 1.5])
    g = numerical_grad(f, (x,), seed=(np.ones(2), np.array([3.0, 0.0])))
    assert_close(g, 2 * x + np.array([3.0, 0.0]) * np.cos(x))


def test_jvp_of_product():
    x, y = np.array([1.0, 2.0, -1.0]), np.array([0.5, -3.0, 4.0])
    tx, ty = np.array([1.0, 0.0, 2.0]), np.array([-1.0, 1.0, 0.5])
    f = lambda x, y: x * y
    assert_close(numerical_jvp(f, (x, y), (tx, ty)), tx * y + x * ty)
    # None = argument not perturbed.
    assert_close(numerical_jvp(f, (x, y), (tx, None)), tx * y)
    assert_close(numerical_jvp(f, (x, y), (None, ty)), x * ty)


def test_jvp_python_scalars():
    j = numerical_jvp(lambda x, y: x * y, (2.0, 3.0), (1.0, 0.0))
    assert type(j) is float
    assert_close(j, 3.0)


def test_jvp_matches_grad_dot_tangent():
    rng = np.random.default_rng(0)
    x, t = random_args(rng, (4,), (4,))
    f = lambda x: np.sum(np.tanh(x) * x)
    assert_close(numerical_jvp(f, (x,), (t,)),
                 np.dot(numerical_grad(f, (x,)), t))


def test_jvp_tangent_shape_mismatch_raises():
    with pytest.raises(ValueError, match="tangent 0"):
        numerical_jvp(np.sin, (np.ones(3),), (np.ones(2),))


def test_assert_close_passes_and_recurses():
    assert_close((1.0, [np.ones(2), 3.0]), (1.0, [np.ones(2), 3.0 + 1e-9]))
    assert_close(np.array([2.0, 4.0]), [2.0, 4.0])
    assert_close({"a": 1.0}, {"a": 1.0})


def test_assert_close_rejects_broadcastable_shape_mismatch():
    with pytest.raises(AssertionError, match=r"shape \(3,\) != expected shape \(1, 3\)"):
        assert_close(np.zeros(3), np.zeros((1, 3)))
    with pytest.raises(AssertionError, match="shape"):
        assert_close(np.array(1.0), np.array([1.0]))


def test_assert_close_rejects_values_and_structure():
    with pytest.raises(AssertionError, match="grad x"):
        assert_close(np.array([1.0, 2.0]), np.array([1.0, 2.1]), msg="grad x")
    with pytest.raises(AssertionError, match=r"at \[1\]"):
        assert_close((1.0, np.zeros(2)), (1.0, np.zeros(3)))
    with pytest.raises(AssertionError, match="length"):
        assert_close((1.0, 2.0), (1.0,))


def test_hessian_with_respect_to_a_namedtuple_rebuilds_it():
    """Each column moves one entry of the namedtuple, rebuilt from its fields."""
    Pair = collections.namedtuple("Pair", "a b")
    seen = []

    def gradient(p):
        seen.append(type(p))
        return np.array([2.0 * p.a * p.b[0], p.a ** 2, 0.0])       # of a**2 * b[0]

    h = numerical_hessian(gradient, (Pair(0.5, np.array([2.0, 1.0])),))
    assert set(seen) == {Pair}
    assert_close(h, np.array([[4.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 0.0]]))


def test_random_args():
    a, b, c, d = random_args(np.random.default_rng(1), (), (3,), (2, 2), 5)
    assert type(a) is float
    assert b.shape == (3,) and c.shape == (2, 2) and d.shape == (5,)
    assert all(v.dtype == np.float64 for v in (b, c, d))
    again = random_args(np.random.default_rng(1), (), (3,), (2, 2), 5)
    assert_close((a, b, c, d), again, rtol=0, atol=0)


@pytest.mark.skipif("HYPOTHESIS_PROFILE" in os.environ,
                    reason="another hypothesis profile was chosen")
def test_hypothesis_ci_profile_loaded():
    assert settings.default.max_examples == 50
    assert settings.default.deadline is None


@given(st.floats(-3, 3), st.integers(1, 4))
def test_grad_of_power_property(x, n):
    assert_close(numerical_grad(lambda x: x**n, (x,)), n * x ** (n - 1),
                 rtol=1e-5, atol=1e-5)


_EDGE_PAIRS = [
    (1.0, 1.0 + 1e-7), (1.0, 1.0 + 1e-3), (0.0, 5e-7), (0.0, 5e-6), (3, 3), (3, 4), (True, True), (True, False),
    (np.float32(0.1), 0.1), (np.float32(0.1), np.float64(0.1)), (1 + 2j, 1 + 2j + 1e-9), (1 + 2j, 1 - 2j),
    (math.nan, math.nan), (math.nan, 1.0), (1.0, math.nan), (math.inf, math.inf), (math.inf, -math.inf),
    (math.inf, 1e308), (1e308, -1e308), (math.nan, math.inf), (complex(math.inf, 1), complex(math.inf, 2)),
    (complex(math.nan, 1), complex(1, math.nan)), (complex(math.inf, math.nan), complex(math.inf, math.nan)),
    (np.array([1.0, math.nan, math.inf]), np.array([1.0, math.nan, math.inf])),
    (np.array([1.0, math.nan, math.inf]), np.array([1.0, math.inf, math.nan])),
    (np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[1.0, 2.0], [3.0, 4.00001]])),
    (np.array([[1.0, 2.0], [3.0, 4.0]]), np.array([[1.0, 2.0], [3.0, 4.0000001]])),
    (np.array([1, 2], dtype=np.int64), np.array([1.0, 2.0])), (np.array(2.5), 2.5), (np.zeros((0, 3)), np.zeros((0, 3))),
]


@pytest.mark.parametrize("rtol, atol", [(1e-5, 1e-6), (0.0, 0.0), (1e-4, 0.0)])
def test_assert_close_decides_as_assert_allclose_at_nans_infinities_and_tolerances(rtol, atol):
    """assert_close's quick pass (np.isclose on numbers and plain arrays) passes exactly
    what np.testing.assert_allclose passes, and a failure is still assert_allclose's."""
    import fd
    for actual, expected in _EDGE_PAIRS:
        with np.errstate(over="ignore"):     # assert_allclose's subtraction of 1e308 and -1e308
            try:
                np.testing.assert_allclose(actual, expected, rtol=rtol, atol=atol)
                allclose_passes = True
            except AssertionError:
                allclose_passes = False
            assert fd._close_plainly(actual, expected, rtol, atol) == allclose_passes, (actual, expected)
            if allclose_passes:
                assert_close(actual, expected, rtol=rtol, atol=atol)
            else:
                with pytest.raises(AssertionError, match="Not equal to tolerance"):
                    assert_close(actual, expected, rtol=rtol, atol=atol)


def test_assert_close_leaves_arrays_of_other_kinds_to_assert_allclose():
    import fd
    masked = np.ma.masked_array([1.0, 5.0], mask=[False, True])
    for value in (masked, np.array(["a"]), np.array([1.0], dtype=object), [1.0, 2.0]):
        assert not fd._plain_number(value)
    assert_close(masked, np.ma.masked_array([1.0, 9.0], mask=[False, True]))    # assert_allclose's answer


def test_grad_of_a_function_writing_into_its_argument_gives_each_call_its_own_array():
    seen = []

    def f(x):
        seen.append(x)
        x *= 2.0                    # written in place: no other call may see it
        return np.sum(x ** 2)

    x = np.array([0.5, -1.0, 2.0])
    assert_close(numerical_grad(f, (x,)), 8.0 * x)
    assert len({id(a) for a in seen}) == len(seen) == 6
    assert numerical_grad(lambda v: v ** 3, (2.0,)) == pytest.approx(12.0) and type(seen[0]) is np.ndarray


def test_a_numpy_scalar_argument_is_differenced_as_a_numpy_scalar():
    # np.float64 + 1j compared with a number works in NumPy and raises for a Python float:
    # the oracle must run the program on the kind it was given
    seen = []

    def f(x):
        seen.append(type(x))
        return np.maximum(x + 1j > 0.5, x * 2.0)

    assert numerical_grad(f, (np.float64(0.7),)) == pytest.approx(2.0)
    assert set(seen) == {np.float64}
    seen.clear()
    assert numerical_grad(lambda x: seen.append(type(x)) or x * x, (0.5,)) == pytest.approx(1.0)
    assert set(seen) == {float}
