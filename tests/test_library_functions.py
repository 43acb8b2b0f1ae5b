"""Transforms of a NumPy, math or builtin function given directly (grad(np.sqrt)):
differentiated through the function's own rule, checked against finite differences in
every transform and to second order."""

import math

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_hessian, numerical_jvp

SCALAR = [(np.sqrt, (1.7,)), (np.sin, (0.4,)), (math.sin, (0.4,)), (math.exp, (0.3,)),
          (np.arctan2, (0.3, 0.7)), (math.pow, (1.5, 2.5)), (np.hypot, (0.3, 0.7)), (abs, (-0.8,))]


@pytest.mark.parametrize("f, args", SCALAR, ids=lambda v: getattr(v, "__name__", ""))
def test_scalar_functions_match_finite_differences(f, args):
    wrt = tuple(range(len(args)))
    value, grads = astgrad.value_and_grad(f, wrt=wrt)(*args)
    assert_close(value, f(*args))
    for i in wrt:
        assert_close(grads[i], numerical_grad(f, args, wrt=i), rtol=1e-6, msg=f"grad {i}")
    tangents = tuple(0.3 + i for i in wrt)
    assert_close(astgrad.jvp(f, args, tangents)[1], numerical_jvp(f, args, tangents), rtol=1e-6)
    assert_close(astgrad.vjp(f, *args)[1](1.0), tuple(numerical_grad(f, args, wrt=i) for i in wrt),
                 rtol=1e-6)
    if f is not abs:
        assert_close(astgrad.hessian(f, wrt=0)(*args), np.reshape(numerical_hessian(astgrad.grad(f), args, wrt=0), ()), rtol=1e-4)
        assert_close(astgrad.grad(astgrad.grad(f))(*args), numerical_grad(astgrad.grad(f), args), rtol=1e-5)


@pytest.mark.parametrize("shape", [(3,), (2, 3)], ids=str)
def test_array_functions(shape):
    x = 0.5 + np.random.default_rng(3).random(shape)
    assert_close(astgrad.grad(np.sum)(x), np.ones(shape))
    out, pullback = astgrad.vjp(np.sqrt, x)
    cotangent = np.random.default_rng(4).standard_normal(shape)
    assert_close(out, np.sqrt(x))
    assert_close(pullback(cotangent)[0], cotangent / (2.0 * np.sqrt(x)))
    tangent = np.ones(shape)
    assert_close(astgrad.jvp(np.tanh, (x,), (tangent,))[1], numerical_jvp(np.tanh, (x,), (tangent,)))
    assert_close(astgrad.grad(np.prod)(x), numerical_grad(np.prod, (x,)), rtol=1e-6)


def test_generated_code_calls_the_function_by_its_name():
    assert "numpy.sqrt(x)" in astgrad.grad(np.sqrt).source


def test_function_without_a_rule_is_still_refused():
    with pytest.raises((TypeError, astgrad.TransformError)):
        astgrad.grad(np.argmax)(np.array([1.0, 2.0]))
