"""astgrad's transforms called inside a differentiated function: ``astgrad.grad(g)(x)``,
``astgrad.value_and_grad(g)(x)`` and ``astgrad.jvp(g, ...)``, for ``g`` a module-level
function, a function held by a closure variable, or a local def or lambda reading the
enclosing function's (differentiated) variables. Reverse, forward and second order
against finite differences; late binding, rebinding and redefinition; refusals."""

import types

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad
from two_argument_checks import check_first_order, check_second_order


def loglike(r, p):
    return np.sin(r * p) + r ** 2 * p


def global_inner(x, w):
    return astgrad.grad(loglike)(x, w * 2.0) * w


def global_value_and_grad(x, w):
    v, g = astgrad.value_and_grad(loglike, wrt=1)(x, w)
    return v * g + x


def local_lambda(x, w):
    g = lambda z: np.sin(z * w) * x         # noqa: E731 - reads both differentiated variables
    return astgrad.grad(g)(0.3) + x * w


def local_def_by_name(x, w):
    def h(a, b):
        return a * b * w + np.cos(a)
    v, d = astgrad.value_and_grad(h, wrt="b")(x, 2.0)
    return v * d + astgrad.grad(h, 0)(x, x * w)


def inline_lambda_and_tuple_wrt(x, w):
    da, db = astgrad.grad(lambda a, b: a ** 3 * b * w, wrt=(0, 1))(x, w)
    (only,) = astgrad.grad(lambda q: np.exp(q * w), wrt=(0,))(x)
    return da + db * x + only


def late_binding(x, w):
    g = lambda z: z * z * w                  # noqa: E731
    w = w * 3.0                              # rebound before the call: g reads the new w
    return astgrad.grad(g)(x)


def in_a_loop(x, w):
    total = 0.0
    for k in range(3):
        g = lambda z: np.sin(z * k * w)     # noqa: E731 - a new lambda each step
        total = total + astgrad.grad(g)(x)
    return total


def local_jvp(x, w):
    g = lambda z: np.tanh(z * w)             # noqa: E731
    value, tangent = astgrad.jvp(g, (x,), (1.5,))
    return value * tangent


PROGRAMS = [global_inner, global_value_and_grad, local_lambda, local_def_by_name,
            inline_lambda_and_tuple_wrt, late_binding, in_a_loop, local_jvp]


@pytest.mark.parametrize("f", PROGRAMS)
def test_nested_transform_first_and_second_order(f):
    check_first_order(f, (0.45, 0.8), (1.0, -0.5))
    check_second_order(f)


def test_closure_variable_holding_the_function():
    def make(data):
        loglike = lambda r, p: np.sum(np.sin(r * p * data))      # noqa: E731
        p = lambda r: np.sum(data) / np.sum(r + data)            # noqa: E731
        return lambda r: astgrad.grad(loglike)(r, p(r))           # as negative_binomial_maxlike
    rprime = make(np.array([1.0, 2.0, 3.5]))
    assert_close(astgrad.grad(rprime)(0.7), numerical_grad(rprime, (0.7,)))
    assert_close(astgrad.jvp(rprime, (0.7,), (1.0,))[1], numerical_grad(rprime, (0.7,)))
    second = astgrad.grad(astgrad.grad(rprime))
    assert_close(second(0.7), numerical_grad(astgrad.grad(rprime), (0.7,)), rtol=1e-4)


def test_the_module_level_inner_function_redefined_between_calls():
    scope = {"np": np, "astgrad": astgrad, "__name__": __name__}
    scope["loglike"] = types.FunctionType(loglike.__code__, scope, "loglike")
    f = types.FunctionType(global_inner.__code__, scope, "f")
    gradient = astgrad.grad(f)
    before = gradient(0.45, 0.8)
    scope["loglike"] = types.FunctionType(_other_loglike.__code__, scope, "loglike")
    after = gradient(0.45, 0.8)
    assert not np.isclose(before, after)
    assert_close(after, numerical_grad(f, (0.45, 0.8)))


def _other_loglike(r, p):
    return np.cos(r * p) * r


def test_arrays_and_a_one_element_inner_output():
    x = np.array([0.3, -0.2, 0.5])

    def f(x):
        g = lambda v: np.sum(np.sin(v) * x)      # noqa: E731
        return np.sum(astgrad.grad(g)(x * 2.0) ** 2)
    assert_close(astgrad.grad(f)(x), numerical_grad(f, (x,)))
    v = np.array([1.0, 0.5, -1.0])
    assert_close(astgrad.jvp(f, (x,), (v,))[1], numerical_grad(f, (x,)) @ v)


def defaults_refused(x):
    g = lambda z, k=2.0: z * k              # noqa: E731
    return astgrad.grad(g)(x)


def calls_another_local(x):
    h = lambda z: z * z                     # noqa: E731
    g = lambda z: h(z) * x                  # noqa: E731
    return astgrad.grad(g)(x)


def test_what_stays_refused_names_the_line():
    with pytest.raises(astgrad.TransformError, match="local function with default values"):
        astgrad.grad(defaults_refused)(0.3)
    with pytest.raises(astgrad.TransformError, match="calls the local function h"):
        astgrad.grad(calls_another_local)(0.3)
