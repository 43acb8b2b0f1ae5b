"""Found while merging: vjp's pullback is the derivative of f as vjp found it (rebinding a
global f reads after vjp returns changes neither the general code nor the code specialized
to the cotangent); a function returning a one-element array and rebinding a global, whose
gradient code runs again with a seed of the output's shape, computes and leaves the global
as one call does."""

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


K = 1.0


def counted(x):
    global K
    K = K + 1.0
    return np.array([np.sum(np.sin(x) * K)])


def _plain_from(k, fn):
    def plain(x):
        global K
        K = k
        return fn(x)[0]
    return plain


@pytest.mark.parametrize("transform", ["grad", "value_and_grad", "hvp"])
def test_a_one_element_output_s_second_run_starts_from_the_globals_the_first_read(transform):
    global K
    plain = _plain_from(1.0, counted)
    expected_value = plain(X)
    expected = numerical_grad(plain, (X,))
    v = np.array([0.5, -1.0, 2.0])
    expected_product = (numerical_grad(plain, (X + 1e-4 * v,)) - numerical_grad(plain, (X - 1e-4 * v,))) / 2e-4
    K = 1.0
    if transform == "grad":
        assert_close(astgrad.grad(counted)(X), expected, 1e-5, 1e-6)
    elif transform == "value_and_grad":
        value, gradient = astgrad.value_and_grad(counted)(X)
        assert_close(value, np.array([expected_value]))
        assert_close(gradient, expected, 1e-5, 1e-6)
    else:
        assert_close(astgrad.hvp(counted)(X, v), expected_product, 1e-4, 1e-5)
    assert K == 2.0         # as one call of counted leaves it
