"""A helper the function calls, building an object of a user class whose ``__init__``
registers it in a global list: the check reads the helper's source only where its code
names a global class or user function, so the builder must be found wherever the
helper's code names it: in a comprehension, a lambda or a nested function (code of their
own), or through another helper. Each is refused in every mode, naming the line of
``__init__`` that stores the object. A helper naming no class and no function of the
user's (NumPy only) is followed: checked against central differences in grad, jvp and
vjp at two sizes."""

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_jvp

REG = []


class Logged:
    def __init__(self, d):
        self.data = d
        REG.append(self)        # registers itself in a global list


def in_a_comprehension(b):
    return [Logged(v) for v in (b,)][0].data


def in_a_lambda(b):
    build = lambda v: Logged(v)        # noqa: E731
    return build(b).data


def in_a_nested_function(b):
    def build(v):
        return Logged(v * 1.0)
    return build(b).data


def through_a_helper(b):
    return in_a_nested_function(b * 2.0)


def calls_comprehension_helper(w):
    return np.sum(in_a_comprehension(w * 1.0))


def calls_lambda_helper(w):
    return np.sum(in_a_lambda(w * 1.0))


def calls_nested_helper(w):
    return np.sum(in_a_nested_function(w * 1.0))


def calls_helper_of_helper(w):
    return np.sum(through_a_helper(w * 1.0))


REFUSED = [calls_comprehension_helper, calls_lambda_helper, calls_nested_helper, calls_helper_of_helper]


@pytest.mark.parametrize("f", REFUSED, ids=lambda f: f.__name__)
def test_a_builder_named_in_nested_code_is_found(f):
    w = np.array([0.5, 1.5, 2.0])
    assert np.isfinite(f(w.copy()))         # Python runs it
    for transform in (lambda: astgrad.grad(f)(w), lambda: astgrad.vjp(f, w)[1](1.0),
                      lambda: astgrad.jvp(f, (w,), (w,))):
        with pytest.raises(astgrad.TransformError) as refused:
            transform()
        message = str(refused.value)
        assert "Logged.__init__" in message and "REG.append(self)" in message, message


def numpy_only(x, y):
    a = np.sin(x) * y
    if np.sum(a) > 0.0:
        a = np.tanh(a) + x
    return a * x


def calls_numpy_only(x, y):
    return np.sum(numpy_only(x, y) + numpy_only(x * 0.5, y))


@pytest.mark.parametrize("n", [3, 7])
def test_a_helper_naming_no_builder_is_followed(n):
    x, y = np.linspace(0.1, 0.9, n), np.linspace(-0.5, 0.5, n)
    expected = numerical_grad(calls_numpy_only, (x, y))
    assert_close(astgrad.grad(calls_numpy_only)(x, y), expected)
    tangent = np.linspace(1.0, 2.0, n)
    _, derivative = astgrad.jvp(lambda x: calls_numpy_only(x, y), (x,), (tangent,))
    assert_close(derivative, numerical_jvp(lambda x: calls_numpy_only(x, y), (x,), (tangent,)))
    _, pullback = astgrad.vjp(lambda x: calls_numpy_only(x, y), x)
    (cotangent,) = pullback(1.0)        # one per primal
    assert_close(cotangent, expected)
