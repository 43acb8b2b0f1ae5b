"""One program of the objects tables checked in one mode against central differences of
what Python computes, the caller's array left as it was (test_objects87, test_objects88,
test_objects88b)."""

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_hessian, numerical_jvp


def _value(f, w):
    return f(w.copy())              # what Python computes, on a copy: a program may write into w


def check(mode, f, n, seed):
    """``mode`` of ``f`` at a random ``w`` of size ``n`` against central differences of
    what Python computes; the caller's array left as it was."""
    rng = np.random.default_rng(seed)
    w = rng.uniform(0.5, 1.5, n)
    kept = w.copy()
    gradient = numerical_grad(lambda v: _value(f, v), (w,))
    if mode == "grad":
        assert_close(astgrad.grad(f)(w), gradient)
    elif mode == "value_and_grad":
        value, both = astgrad.value_and_grad(f)(w)
        assert value == pytest.approx(_value(f, w))
        assert_close(both, gradient)
    elif mode == "vjp":
        value, pullback = astgrad.vjp(f, w)
        cotangent = rng.normal()
        assert value == pytest.approx(_value(f, w))
        assert_close(pullback(cotangent)[0], cotangent * gradient)
    elif mode == "jvp":
        t = rng.normal(size=n)
        value, tangent = astgrad.jvp(f, (w,), (t,))
        assert value == pytest.approx(_value(f, w))
        assert_close(tangent, numerical_jvp(lambda v: _value(f, v), (w,), (t,)))
    elif mode == "hessian":
        assert_close(astgrad.hessian(f)(w), numerical_hessian(astgrad.grad(f), (w,)), 1e-4, 1e-5)
    else:
        g, t = astgrad.grad(f), rng.normal(size=n)
        _, tangent = astgrad.jvp(g, (w,), (t,))
        assert_close(tangent, numerical_jvp(g, (w.copy(),), (t,)), 1e-4, 1e-5)
    np.testing.assert_array_equal(w, kept)
