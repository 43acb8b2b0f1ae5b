"""Checks shared by the tests of functions of two arguments (closures, helpers from
other modules): value, gradients and tangents against finite differences, and the
second order both ways (grad of grad, jvp of grad)."""

import astgrad
from fd import assert_close, numerical_grad, numerical_jvp


def check_first_order(f, args, tangents):
    """value_and_grad with respect to both arguments, and jvp along ``tangents``."""
    value, grads = astgrad.value_and_grad(f, wrt=(0, 1))(*args)
    assert_close(value, f(*args), msg="the value")
    for i in (0, 1):
        assert_close(grads[i], numerical_grad(f, args, wrt=i), rtol=1e-5, atol=1e-6, msg=f"grad {i}")
    out, tangent = astgrad.jvp(f, args, tangents)
    assert_close(out, f(*args))
    assert_close(tangent, numerical_jvp(f, args, tangents), rtol=1e-5, atol=1e-6, msg="jvp")


def check_second_order(f, args=(0.45, 0.8)):
    """grad of grad and jvp of grad, for each argument, against finite differences of
    the gradient."""
    for i in (0, 1):
        gradient = astgrad.grad(f, wrt=i)
        expected = [numerical_grad(gradient, args, wrt=j) for j in (0, 1)]
        assert_close(astgrad.grad(gradient, wrt=(0, 1))(*args), tuple(expected), rtol=1e-4, atol=1e-6,
                     msg=f"grad of grad {i}")
        _, forward = astgrad.jvp(gradient, args, (1.0, 0.0))
        assert_close(forward, expected[0], rtol=1e-4, atol=1e-6, msg=f"jvp of grad {i}")
