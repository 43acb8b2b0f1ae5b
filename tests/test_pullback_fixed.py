"""vjp's pullback is the derivative of f as vjp found it: rebinding a global f reads after
vjp returns changes neither the general code nor the code specialized to the cotangent."""

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad

ACT = np.sin
X = np.array([0.3, -0.7, 1.1])


def scaled(x):
    return ACT(x) * 2.0


def summed(x):
    return np.sum(ACT(x) * 2.0)


def _with_sin(fn):
    def plain(x):
        return fn(x) if ACT is np.sin else pytest.fail("ACT must be sin here")
    return plain


@pytest.mark.parametrize("fn, cotangent", [
    (scaled, np.array([1.0, -2.0, 0.5])),                       # the code specialized to the cotangent
    (scaled, np.array([1.0, -2.0, 0.5], dtype=np.float32)),     # another kind: the general code
    (summed, 1.5),
])
def test_a_rebinding_after_vjp_leaves_the_pullback_as_vjp_made_it(fn, cotangent):
    global ACT
    expected = numerical_grad(_with_sin(fn), (X,), seed=np.asarray(cotangent, dtype=np.float64))
    out, pullback = astgrad.vjp(fn, X)
    try:
        ACT = np.tanh
        (got,) = pullback(cotangent)
        assert_close(got, expected, 1e-5, 1e-6)
        assert_close(out, 2.0 * np.sin(X) if fn is scaled else np.sum(2.0 * np.sin(X)))
    finally:
        ACT = np.sin
    (again,) = astgrad.vjp(fn, X)[1](cotangent)       # a new vjp follows the names as they are
    assert_close(again, expected, 1e-5, 1e-6)
