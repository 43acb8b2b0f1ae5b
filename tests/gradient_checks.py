"""The checks of a program that makes gradients inside (test_local_gradients.py,
test_foreign_gradients.py): its gradient against central finite differences, its value,
forward mode against reverse mode, and second order (forward over reverse, reverse over
reverse) against finite differences of the gradient."""

import numpy as np

import astgrad
from fd import assert_close, numerical_grad


def check_both_modes_and_second_order(fn, x):
    gradient = astgrad.grad(fn)(x)
    assert_close(gradient, numerical_grad(fn, (x,)), rtol=1e-6, atol=1e-7, msg="gradient vs fd")
    value, again = astgrad.value_and_grad(fn)(x)
    assert_close(value, fn(x), rtol=1e-12, atol=1e-12, msg="value")
    assert_close(again, gradient, rtol=1e-12, atol=1e-12, msg="a second call")
    v = np.linspace(-1.0, 1.0, x.size).reshape(x.shape)
    _, tangent = astgrad.jvp(fn, (x,), (v,))
    assert_close(tangent, np.sum(gradient * v), rtol=1e-9, atol=1e-10, msg="jvp vs gradient")
    numeric = numerical_grad(lambda y: np.sum(astgrad.grad(fn)(y) * v), (x,), eps=1e-5)
    assert_close(astgrad.hvp(fn)(x, v), numeric, rtol=1e-4, atol=1e-5, msg="hvp vs fd of the gradient")


def check_reverse_over_reverse(fn, x, v):
    _, pullback = astgrad.vjp(astgrad.grad(fn), x)
    numeric = numerical_grad(lambda y: np.sum(astgrad.grad(fn)(y) * v), (x,), eps=1e-5)
    (cotangent,) = pullback(v)
    assert_close(cotangent, numeric, rtol=1e-4, atol=1e-5, msg="vjp of the gradient vs fd")
