"""Gradients made inside differentiated code and used as function values
(frontend/normalize/made.py): ``astgrad.grad(g)`` and ``value_and_grad(g)`` returned by
a helper (``make(h)(x)``), bound to a name and handed to a helper, stored in a list or
a dict, looped over, wrapped in functools.partial, called with keyword arguments, of
module-level functions, lambdas and local defs closing over differentiated values, of
methods; and derivatives of one callee for several ``wrt``
and modes in one function, which must get names of their own.

Each program is checked against central finite differences (reverse mode), forward mode
against reverse mode, and its second derivative (hvp: forward over reverse; the vjp of
the gradient: reverse over reverse) against finite differences of the gradient. What astgrad cannot follow is refused at
generation time with a TransformError naming the construct.
"""

import functools

import numpy as np
import pytest

import astgrad
import foreign_helpers
from fd import assert_close, numerical_grad
from gradient_checks import check_both_modes_and_second_order, check_reverse_over_reverse


def h(a):
    return np.sum(np.sin(a) * a)


def h2(a, b):
    return np.sum(np.sin(a) * b * b)


def make(g):
    return astgrad.grad(g)


def make_with_value(g):
    return astgrad.value_and_grad(g)


def apply(d, x):
    return d(x)


def returned_for_a_global(x):
    return np.sum(make(h)(x) * x)


def returned_with_value(x):
    value, gradient = make_with_value(h)(x)
    return value * np.sum(gradient)


def returned_for_a_lambda_reading_x(x):
    g = lambda a: np.sum(np.cos(a * x))        # noqa: E731
    return np.sum(make(g)(x) * x)


def stored_in_a_list(x):
    fs = [astgrad.grad(h), h]
    return np.sum(fs[0](x)) + fs[1](x)


def stored_in_a_dict(x):
    fs = {"d": astgrad.grad(h2, 1), "f": h}
    return np.sum(fs["d"](x, x * x)) * fs["f"](x)


def handed_to_a_helper(x):
    return np.sum(apply(astgrad.grad(h), x) * x)


def bound_then_handed_on(x):
    d = astgrad.grad(h)
    return np.sum(apply(d, x) * np.tanh(x))


def closure_over_x_handed_on(x):
    d = astgrad.grad(lambda a: np.sum(a * a * x))
    return np.sum(apply(d, x) * x)


def local_def_over_an_active_value(x):
    w = x * x

    def g(a):
        return np.sum(np.sin(a * w))
    d = astgrad.grad(g)
    return np.sum(d(x) + d(w))


def called_in_a_loop(x):
    s = 0.0
    d = astgrad.grad(h2, 1)
    for k in range(3):
        s = s + np.sum(d(x, s + x)) * (k + 1.0)
    return s


def looped_over(x):
    s = 0.0
    for d in [astgrad.grad(h2, 0), astgrad.grad(h2, 1)]:
        s = s + np.sum(d(x, s + x))
    return s


def named_wrt(x):
    d = astgrad.grad(lambda a, b: np.sum(np.sin(a) * b), wrt="b")
    return np.sum(d(x, x * x))


def with_value_for_two(x):
    d = astgrad.value_and_grad(lambda a, b: np.sum(np.sin(a) * b), wrt=(0, 1))
    value, (ga, gb) = d(x, x * x)
    return value + np.sum(ga * gb)


def mapped(x):
    return np.sum(sum(map(astgrad.grad(h), [x, x * 2.0])))


def keyword_arguments(x):
    g = lambda a, b: np.sum(np.sin(a) * b * x)     # noqa: E731
    d = astgrad.grad(lambda a, b: np.sum(np.cos(a) * b))
    return np.sum(astgrad.grad(g, 1)(x, b=x * x)) + np.sum(d(x, b=x)) + astgrad.value_and_grad(h2)(a=x, b=x)[0]


def partial_of_a_gradient(x):
    d = functools.partial(astgrad.grad(h2, 1), x)
    e = functools.partial(astgrad.value_and_grad(lambda a, b: np.sum(np.sin(a) * b * x), wrt=1), b=x * x)
    return np.sum(d(x * x)) + np.sum(e(x)[1]) + e(x * 2.0)[0]


def handed_to_another_module(x):
    return foreign_helpers.scaled(astgrad.grad(h), x) + foreign_helpers.scaled(astgrad.grad(lambda a: np.sum(a * a * x)), x)


def also_used_as_a_value(x):
    d = astgrad.grad(h)             # a gradient of a global function also exists as a value
    fs = [d, h]
    scale = 1.0 if callable(d) else 0.0
    return np.sum(d(x) * x) * scale + fs[1](x) * len(fs)


class Model:
    def __init__(self, c):
        self.c = c

    def f(self, a):
        return np.sum(np.sin(a) * self.c)

    def g(self, a, b):
        return np.sum(np.cos(a) * b * self.c)

    @staticmethod
    def s(a):
        return np.sum(a * a * a)

    def loss(self, x):
        """Gradients of the receiver's own methods, made inside a method."""
        d = astgrad.grad(self.f)
        slope = astgrad.grad(self.g, 1)(x, b=x * x) + astgrad.grad(self.s)(x)
        return np.sum(d(x) * d(x * 2.0)) + np.sum(slope) + astgrad.jvp(self.g, (x, x), (x, x))[1] \
            + astgrad.value_and_grad(self.f)(x)[0]


model = Model(1.3)


def methods_of_the_receiver(x):
    return model.loss(x)


def two_wrt_of_a_module_function(x):
    s = np.sum(x)
    if s > 0.5:
        s = s + np.sum(astgrad.grad(h2, 1)(x, s * x))
    for _ in range(2):
        s = s + np.sum(astgrad.grad(h2, 0)(x, s))
    return s


def two_modes_of_a_module_function(x):
    s = np.sum(x)
    if s > 0.5:
        s = s + astgrad.jvp(h2, (x, x), (x, 0.0 * x))[1]
    for _ in range(2):
        s = s + np.sum(astgrad.grad(h2, 0)(x, s))
    return s


def two_wrt_of_a_method(x):
    s = np.sum(x)
    if s > 0.5:
        s = s + np.sum(astgrad.grad(model.f)(s * x))
    for _ in range(2):
        s = s + astgrad.value_and_grad(model.f)(s * x)[0]
    return s


def two_wrt_of_a_lambda(x):
    s = np.sum(x)
    g = lambda a, b: np.sum(np.sin(a * b) * x)     # noqa: E731
    if s > 0.5:
        s = s + np.sum(astgrad.grad(g, 1)(x, s * x))
    for _ in range(2):
        s = s + np.sum(astgrad.grad(g, 0)(x, s * x))
    return s



def make_for(g, argnum=0):
    return astgrad.grad(g, wrt=argnum)


def wrt_from_a_helpers_parameter(x):
    """autograd-style ``grad(fun, argnum)`` written as a helper: wrt is the parameter's
    default, or the number the call gives it."""
    s = np.sum(x)
    s = s + np.sum(make_for(h2)(x, s * x))
    return s + np.sum(make_for(h2, 1)(s * x, x) * x)


def transform_of_a_made_gradient(x):
    """A transform of a gradient made in the code of a module-level function (it was refused)."""
    d = astgrad.grad(h)
    return np.sum(astgrad.jvp(d, (x,), (x,))[1])


PROGRAMS = [returned_for_a_global, returned_with_value, returned_for_a_lambda_reading_x, stored_in_a_list,
            stored_in_a_dict, handed_to_a_helper, bound_then_handed_on, closure_over_x_handed_on,
            local_def_over_an_active_value, called_in_a_loop, looped_over, named_wrt, with_value_for_two, mapped,
            keyword_arguments, partial_of_a_gradient, methods_of_the_receiver, handed_to_another_module,
            also_used_as_a_value,
            two_wrt_of_a_module_function, two_modes_of_a_module_function, two_wrt_of_a_method, two_wrt_of_a_lambda,
            wrt_from_a_helpers_parameter, transform_of_a_made_gradient]
POINTS = [np.array([0.7, 0.3, -0.4]), np.array([-0.2, 0.1, -0.5]), np.array([[0.4, 0.9], [-0.3, 0.2]])]


@pytest.mark.parametrize("x", POINTS, ids=["positive sum", "negative sum", "2-d"])
@pytest.mark.parametrize("fn", PROGRAMS, ids=lambda fn: fn.__name__)
def test_against_finite_differences_in_both_modes_and_second_order(fn, x):
    check_both_modes_and_second_order(fn, x)


@pytest.mark.parametrize("fn", PROGRAMS, ids=lambda fn: fn.__name__)
def test_reverse_over_reverse(fn):
    check_reverse_over_reverse(fn, POINTS[0], np.array([0.5, -1.0, 0.25]))


def test_a_gradient_returned_by_a_helper_is_the_gradient_of_what_it_was_given():
    """The reproducer: ``make(h)(x)`` was refused with "'g_1' is not defined (yet)"."""
    x = np.array([0.5, -1.0])
    source = astgrad.grad(returned_for_a_global).source
    assert "grad_h(" in source, source
    assert_close(astgrad.grad(returned_for_a_global)(x), np.sin(x) + x * np.cos(x)
                 + (2.0 * np.cos(x) - x * np.sin(x)) * x, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("fn", [stored_in_a_list, bound_then_handed_on, looped_over, returned_for_a_global],
                         ids=lambda fn: fn.__name__)
def test_a_gradient_only_called_is_not_made_when_the_code_runs(fn):
    """A name bound to gradients made in the code and only called (or handed to a helper
    of this module) needs no value: the generated code calls the derivatives, makes no
    gradient object, and exports as NumPy code."""
    source = astgrad.grad(fn).source
    assert "grad(h" not in source.replace("grad_", ""), source
    namespace = {}
    exec(compile(astgrad.export(fn), f"exported_{fn.__name__}.py", "exec"), namespace)
    x = POINTS[2]
    assert_close(namespace[f"grad_{fn.__name__}"](x), astgrad.grad(fn)(x), rtol=1e-12, atol=1e-12)


def test_derivatives_of_one_callee_for_two_wrt_get_two_names():
    source = astgrad.grad(two_wrt_of_a_module_function).source
    calls = {line.split("(")[0].split("=")[-1].strip() for line in source.splitlines() if "grad_grad_h2" in line}
    assert calls == {"grad_grad_h2", "grad_grad_h2_1"}, source


def rebound_gradient(x):
    if np.sum(x) > 0.0:
        d = astgrad.grad(h)
    else:
        d = astgrad.grad(lambda a: np.sum(a * a))
    return np.sum(d(x))


def lambda_calling_a_made_gradient(x):
    d = astgrad.grad(h)
    return np.sum(astgrad.grad(lambda a: np.sum(d(a)))(x))


def made_gradient_returned(x):
    return astgrad.grad(lambda a: np.sum(a * x))


@pytest.mark.parametrize("fn, message", [
    (rebound_gradient, "the name 'd' bound to a local function and to other values"),
    (lambda_calling_a_made_gradient, "calls the gradient d made in the code"),
    (made_gradient_returned, "the gradient astgrad.grad(lambda) of a local function used as a value"),
], ids=lambda v: getattr(v, "__name__", ""))
def test_what_is_refused_names_the_construct(fn, message):
    with pytest.raises(astgrad.TransformError, match=message.replace("(", r"\(").replace(")", r"\)")):
        astgrad.grad(fn)(np.array([0.3, 0.4]))


C = np.array([0.1, 0.2, 0.3])
JACOBIAN = astgrad.jacobian(h)


def hessian_inside(x):
    return np.sum(astgrad.hessian(h)(x) * x)


def jacobian_made_outside(x):
    return np.sum(JACOBIAN(x) * x)


def vjp_inside(x):
    y, back = astgrad.vjp(h, x)
    return np.sum(back(1.0)) * y


@pytest.mark.parametrize("fn, message", [
    (hessian_inside, "a call of what astgrad.vjp, jacobian, hessian or hvp returns; inside differentiated code use "
                     "astgrad.grad, value_and_grad or jvp instead"),
    (jacobian_made_outside, "no adjoint rule for astgrad.api.Jacobian.__call__; inside differentiated code use"),
    (vjp_inside, "no adjoint rule for astgrad.api.vjp; inside differentiated code use"),
], ids=lambda v: getattr(v, "__name__", ""))
def test_other_transforms_inside_are_refused_with_what_to_use(fn, message):
    x = np.array([0.3, 0.4, 0.5])
    with pytest.raises(astgrad.TransformError, match=message):
        astgrad.grad(fn)(x)
    with pytest.raises(astgrad.TransformError, match=message.replace("adjoint", "tangent")):
        astgrad.jvp(fn, (x,), (x,))


def hessian_of_a_constant(x):
    return x @ astgrad.hessian(h)(C) @ x + np.sum(JACOBIAN(C)) * np.sum(x)


def test_other_transforms_inside_through_which_nothing_flows_run_as_written():
    x = np.array([0.3, 0.4, 0.5])
    H = astgrad.hessian(h)(C)
    expected = (H + H.T) @ x + np.sum(JACOBIAN(C))
    assert_close(astgrad.grad(hessian_of_a_constant)(x), expected, rtol=1e-12, atol=1e-12)
    assert_close(astgrad.jvp(hessian_of_a_constant, (x,), (x,))[1], expected @ x, rtol=1e-12, atol=1e-12)
