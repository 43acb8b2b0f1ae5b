"""Objects written as users write them, followed in every mode: a class whose
``__init__`` assigns its attributes by one tuple assignment and sets a constant attribute,
its objects in a list of run-time length; a class chosen by a conditional expression, then
built and its method called; a ``functools.partial`` of a method of an object whose name
is rebound after (the partial calls the first object, as in Python). Each is checked in
grad, jvp, vjp (a random cotangent) and hessian against central finite differences."""

import functools

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad
from test_objects64 import _every_mode      # grad, jvp, vjp and hessian against finite differences


class Paired:
    def __init__(self, W, rate):
        self.kind = "dense"                     # a constant, set again on the object built again
        self.W, self.rate = W, rate             # one tuple assignment

    def apply(self, x):
        if self.kind == "dense":
            return np.tanh(self.W * x) * self.rate
        return x


def paired(w):
    layers = [Paired(w * (i + 1.0), 0.5 + 0.1 * i) for i in range(len(w))]
    x = w
    for layer in layers:
        x = layer.apply(x)
    kind = layers[1].kind               # read on an item too
    return np.sum(x) * (2.0 if kind == "dense" else 3.0)


class Dense:
    def __init__(self, W):
        self.W = W

    def apply(self, x):
        return np.tanh(self.W * x)


class Scale:
    def __init__(self, W):
        self.W = W

    def apply(self, x):
        return self.W * x * x


def chosen(w):
    cls = Dense if w[0] > 0 else Scale
    layer = cls(w * 2.0)
    y = layer.apply(w)
    return np.sum(y) + np.sum(layer.W)


class Model:
    def __init__(self, W):
        self.W = W

    def step(self, x):
        return np.sum(np.sin(self.W * x))


def rebound(w):
    m = Model(w * 2.0)
    step = functools.partial(m.step)
    m = Scale(w)                # step keeps the Model, as Python's partial does
    return step(w) + np.sum(m.apply(w))


W = np.array([0.3, -0.7, 1.1])


@pytest.mark.parametrize("f", [paired, rebound], ids=lambda f: f.__name__)
def test_objects_followed_in_every_mode(f):
    # each was refused before: a tuple assignment or a constant in __init__ (either alone)
    # kept the list of objects from being held per attribute; the partial's object was rebound
    _every_mode(f, W)


def test_a_class_chosen_by_a_conditional_expression_in_every_mode():
    # refused before: cls(w * 2.0) was a call of a function value astgrad did not know
    _every_mode(chosen, W)          # Dense
    assert_close(astgrad.grad(chosen)(-W), numerical_grad(chosen, (-W,)))       # Scale


def test_the_partial_calls_the_object_it_was_made_with():
    expected = np.sum(np.sin(2.0 * W * W)) + np.sum(W * W * W)
    assert rebound(W) == pytest.approx(expected)    # Python's answer, which _every_mode compares with
