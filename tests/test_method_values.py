"""A method of an object the code builds, or of an argument, taken as a value and called
later (``g = h.features; g(x)``, ``fs = [h.a, h.b]``): followed as ``h.features(x)``
where ``h`` names the object the value holds wherever it is called, to second order
against finite differences. Where ``h`` is bound to a new object after the method is taken,
the method keeps calling the first one (as Python's bound method does): followed where each
binding of ``h`` is a plain statement of the body, refused where ``h`` may name another
object otherwise (an argument, a loop) or the attribute is assigned."""

import numpy as np
import pytest

import astgrad
from breadth_modes import check


class Head:
    def __init__(self, s):
        self.s = s

    def features(self, x):
        return np.tanh(x * self.s)

    def loss(self, x, w):
        return np.sum(self.features(x) * w) ** 2

    def a(self, x):
        return np.sin(x) * self.s

    def b(self, x):
        return x * x


def method_of_a_built_object(x, w):
    h = Head(0.7)
    g = h.features
    return np.sum(g(x * w) ** 2)


def method_of_an_argument(x, w, h):
    f = h.loss
    g = h.features
    return f(x, w) + np.sum(g(x) * w)


def list_of_methods(x, w):
    h = Head(0.7)
    fs = [h.a, h.b, h.features]
    total = 0.0
    for f in fs:
        total = total + np.sum(f(x) * w)
    return total + np.sum(fs[1](x * w))


def dict_of_methods_of_an_argument(x, w, h):
    fs = {"a": h.a, "f": h.features}
    return np.sum(fs["a"](x) * fs["f"](x * w))


def attribute_changed_after_taking_the_method(x, w):
    h = Head(0.7)
    g = h.features
    h.s = w             # g's object is h: its call reads the new s, as Python's does
    return np.sum(g(x))


class Hidden(Head):
    def __init__(self, s):
        super().__init__(s)
        self.features = lambda x: x * 3.0       # an instance attribute hiding the method


def apply(f, x):
    h = x * 2.0                 # a name of the helper's own, as the caller's object is named
    return f(h) + h


def method_handed_to_a_helper(x, w):
    h = Head(w)
    g = h.features
    return np.sum(apply(g, x))


def hidden_method_of_an_argument(x, w, h):
    g = h.features              # Python's: the instance attribute
    return np.sum(g(x) * w)


def object_rebound(x, w):
    h = Head(0.7)
    g = h.features
    h = Head(2.0)           # g keeps the first object
    return np.sum(g(x) * w) + np.sum(h.features(x))


PROGRAMS = [method_of_a_built_object, method_of_an_argument, list_of_methods, dict_of_methods_of_an_argument,
            attribute_changed_after_taking_the_method, object_rebound]


def _args(f, n, seed):
    rng = np.random.default_rng(seed)
    args = (rng.standard_normal(n), float(rng.uniform(0.5, 1.5)))
    return args + ((Hidden if "hidden" in f.__name__ else Head)(0.6),) if "argument" in f.__name__ else args


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian", "jvp_of_grad", "vjp_of_grad"])
@pytest.mark.parametrize("f", PROGRAMS, ids=lambda f: f.__name__)
def test_a_method_taken_as_a_value_against_finite_differences(f, mode):
    check(mode, f, _args(f, 3, 0), (0, 1))


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
@pytest.mark.parametrize("f", [method_handed_to_a_helper, hidden_method_of_an_argument], ids=lambda f: f.__name__)
def test_a_method_value_handed_on_or_hidden_follows_python(f, mode):
    check(mode, f, _args(f, 3, 1), (0, 1))


def test_another_object_of_the_class_is_followed_as_well():
    g = astgrad.grad(method_of_an_argument, wrt=1)
    x = np.array([0.3, -0.5, 0.9])
    for s in (0.6, 1.7):
        expected = astgrad.grad(lambda x, w: Head(s).loss(x, w) + np.sum(Head(s).features(x) * w), wrt=1)(x, 0.8)
        np.testing.assert_allclose(g(x, 0.8, Head(s)), expected, rtol=1e-12)


def argument_rebound(x, w, h):
    g = h.features
    h = Head(2.0)
    return np.sum(g(x) * w)


def attribute_rebound(x, w):
    h = Head(0.7)
    g = h.features
    h.features = np.cos     # g keeps the method
    return np.sum(g(x) * w)


def bound_in_a_loop(x, w):
    g = np.sin
    for i in range(2):
        if i == 1:
            x = g(x) * w    # the object of the step before
        h = Head(w)
        g = h.features
    return np.sum(g(x))


def gradient_of_the_method_of_an_argument(x, w, h):
    f = h.loss
    g = astgrad.grad(f)
    return np.sum(g(x, w) * x)


@pytest.mark.parametrize("f, message", [
    (argument_rebound, "a call of a function value it does not know"),
    (attribute_rebound, "assignment to an attribute"),
    (bound_in_a_loop, "a call of a function value it does not know"),
    (gradient_of_the_method_of_an_argument, "nested astgrad transform of a function that is not a global name"),
], ids=lambda v: getattr(v, "__name__", ""))
def test_where_the_name_may_hold_another_object_it_is_refused(f, message):
    with pytest.raises(astgrad.TransformError, match=message) as error:
        astgrad.grad(f, wrt=(0, 1))(*_args(f, 3, 0))
    assert "test_method_values.py" in str(error.value)
