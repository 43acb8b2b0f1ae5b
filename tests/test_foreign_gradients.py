"""Gradients made by a helper in another module (gradient_shims.py stands for the shim a
port of autograd code puts its names behind: ``def grad(fun, argnum=0): return
astgrad.grad(fun, wrt=argnum)``) and called inside differentiated code: the helper is
inlined, so the gradient it returns is followed where it is called, as a helper of the
same module is (test_local_gradients.py). ``argnum`` as the ``wrt``, functools.partial,
a lambda wrapper, value_and_grad, a gradient of a gradient, a gradient handed to another
module's helper, and autograd's negative_binomial_maxlike example as written.

Each program is checked against central finite differences (reverse mode), forward mode
against reverse mode, and second order (forward over reverse, reverse over reverse)
against finite differences of the gradient. What cannot be followed is refused with a
TransformError naming the file and line.
"""

import numpy as np
import pytest

import astgrad
import gradient_shims
from fd import assert_close, numerical_grad
from gradient_checks import check_both_modes_and_second_order, check_reverse_over_reverse
from gradient_shims import apply, grad, grad_in_a_lambda, grad_through_partial, jacobian, value_and_grad


def h(a):
    return np.sum(np.sin(a) * a)


def h2(a, b):
    return np.sum(np.sin(a) * b * b)


def q(s):
    return s * s * s + np.sin(s)


def vector_valued(a):
    return np.sin(a) * a[0]


def argnum_default(x):
    return np.sum(grad(h2)(x, 0.3 + x * x) * x)


def argnum_given(x):
    s = np.sum(x)
    return np.sum(grad(h2, 1)(x, s * x))


def with_value(x):
    value, gradient = value_and_grad(h2, 1)(x * x, x)
    return value * np.sum(gradient)


def through_partial(x):
    return np.sum(grad_through_partial(h2, 1)(x, np.cos(x)) * x)


def in_a_lambda(x):
    return np.sum(grad_in_a_lambda(h2, 1)(np.cos(x), x))


def bound_then_called(x):
    d = grad(h)
    return np.sum(d(x) * d(x * x))


def by_its_module(x):
    return np.sum(gradient_shims.grad(h2, 1)(x, x) * x)


def of_a_lambda_reading_x(x):
    g = lambda a, b: np.sum(np.cos(a * b * x))      # noqa: E731
    return np.sum(grad(g, 1)(x, x * x))


def second_derivative_inside(x):
    s = np.sum(x * x)
    return s * grad(grad(q))(s)


def handed_to_another_module(x):
    return np.sum(apply(grad(h), x) * x)


def in_a_loop(x):
    s = 0.0
    for k in range(2):
        s = s + np.sum(grad(h2, 1)(x, s * x + k))
    return s


def tuple_wrt(x):
    da, db = grad(h2, (0, 1))(x, x * x)
    return np.sum(da * db)


def in_a_list(x):
    fs = [grad(h), h]
    return np.sum(fs[0](x) * x) + fs[1](x)


def keyword_argument(x):
    return np.sum(grad(h2, "b")(x, b=x * x))


PROGRAMS = [argnum_default, argnum_given, with_value, through_partial, in_a_lambda, bound_then_called,
            by_its_module, of_a_lambda_reading_x, second_derivative_inside, handed_to_another_module, in_a_loop,
            tuple_wrt, in_a_list, keyword_argument]
POINTS = [np.array([0.7, 0.3, -0.4]), np.array([-0.2, 0.1, -0.5]), np.array([[0.4, 0.9], [-0.3, 0.2]])]


@pytest.mark.parametrize("point", range(len(POINTS)))
@pytest.mark.parametrize("fn", PROGRAMS, ids=lambda fn: fn.__name__)
def test_reverse_forward_and_second_order_against_finite_differences(fn, point):
    check_both_modes_and_second_order(fn, POINTS[point])
    if point == 0:
        check_reverse_over_reverse(fn, POINTS[0], np.array([0.5, -1.0, 0.25]))


# -- autograd's negative_binomial_maxlike, as written (scipy's gammaln) -------------------

def negbin_loglike(r, p, x):
    from scipy.special import gammaln
    return gammaln(r + x) - gammaln(r) - gammaln(x + 1) + x * np.log(p) + r * np.log(1 - p)


def fit_maxlike(x):
    """The example's rprime: the derivative of the log-likelihood in r, with p at its
    optimum for r, which the example hands to Newton's method with grad(rprime)."""
    loglike = lambda r, p: np.sum(negbin_loglike(r, p, x))      # noqa: E731
    p = lambda r: np.sum(x) / np.sum(r + x)                       # noqa: E731
    rprime = lambda r: grad(loglike)(r, p(r))                     # noqa: E731
    return rprime


def test_negative_binomial_maxlike_newton_derivatives():
    pytest.importorskip("scipy.special")
    data = np.array([3.0, 7.0, 2.0, 9.0, 4.0, 5.0, 12.0, 1.0, 6.0, 8.0])
    rprime = fit_maxlike(data)
    for r in (1.0, 2.5, 6.0):
        first = grad(rprime)(r)
        second = grad(grad(rprime))(r)
        assert_close(first, numerical_grad(rprime, (r,)), rtol=1e-6, atol=1e-8, msg="fprime")
        assert_close(second, numerical_grad(lambda s: grad(rprime)(s), (r,)), rtol=1e-5, atol=1e-7,
                     msg="fprime2")
        assert_close(astgrad.jvp(rprime, (r,), (1.0,))[1], first, rtol=1e-9, atol=1e-12, msg="forward mode")


# -- clear errors -------------------------------------------------------------------------

def jacobian_inside(x):
    return np.sum(jacobian(vector_valued)(x) * x)


def wrt_out_of_range(x):
    return np.sum(grad(h2, 5)(x, x))


def wrt_from_the_loop(x):
    s = 0.0
    for k in range(2):
        s = s + np.sum(grad(h2, k)(x, x + k))
    return s


def lambda_wrt_names_a_closure_variable(x):
    g = lambda a, b: np.sum(a * b * x)      # noqa: E731
    return np.sum(astgrad.grad(g, 2)(x, x))


def lambda_wrt_names_a_closure_variable_by_name(x):
    g = lambda a, b: np.sum(a * b * x)      # noqa: E731
    return np.sum(astgrad.grad(g, "x")(x, x))


def lambda_gradient_given_too_few_arguments(x):
    g = lambda a, b: np.sum(a * b * x)      # noqa: E731
    return np.sum(astgrad.grad(g)(x))


@pytest.mark.parametrize("fn, words", [
    (jacobian_inside, "astgrad.vjp, jacobian, hessian or hvp"),
    (wrt_out_of_range, "wrt=5: h2 has 2 parameter(s)"),
    (wrt_from_the_loop, "with a wrt that is not a constant"),
    (lambda_wrt_names_a_closure_variable, "wrt=2 of a local function of 2 parameter(s)"),
    (lambda_wrt_names_a_closure_variable_by_name, "wrt='x' of a local function of 2 parameter(s)"),
    (lambda_gradient_given_too_few_arguments, "with 1 argument(s) (the function takes 2)"),
], ids=lambda v: getattr(v, "__name__", ""))
def test_refused_with_file_and_line(fn, words):
    """A gradient of a local function with respect to a variable it closes over was the
    derivative with respect to that variable; a wrong wrt was a ValueError without a line."""
    with pytest.raises(astgrad.TransformError) as info:
        astgrad.grad(fn)(POINTS[0])
    assert words in str(info.value)
    assert f"test_foreign_gradients.py:{_line_making_the_gradient(fn)}:" in str(info.value)


def _line_making_the_gradient(fn):
    """The line of ``fn`` that makes (and calls) the gradient refused."""
    import inspect
    lines, first = inspect.getsourcelines(fn)
    return first + max(i for i, line in enumerate(lines) if "grad(" in line or "jacobian(" in line)
