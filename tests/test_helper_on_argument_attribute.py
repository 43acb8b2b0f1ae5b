"""A helper of the user's storing into the object it is handed, handed an attribute of an
argument's object: ``def bump(l, w): l.W = ...`` called as ``bump(m.layer, w)``. Written in
with its parameter standing for ``m.layer`` (handed_objects.py), the store is followed on a
copy of the argument's object, as a method called on it (``m.layer.up(w)``) is: a gradient
leaves the caller's object as it was, while ``f(w, m)`` changes it as Python does. Where
another argument reaches the same object, the call is refused when it runs."""

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_hessian, numerical_jvp


class Layer:
    def __init__(self, W):
        self.W = W


class Model:
    def __init__(self):
        self.layer = Layer(np.array([1.0, 0.5, -0.3]))
        self.k = 2.0


def bump(l, w):
    l.W = l.W * w + np.sin(l.W)


def bumped(w, m):               # the base: "the call of bump changes its argument m.layer in place"
    bump(m.layer, w)
    bump(m.layer, w)
    return np.sum(m.layer.W * w) * m.k


def test_a_helper_storing_into_an_argument_attribute_is_followed_on_a_copy():
    w, dw = np.array([0.5, -1.0, 0.8]), np.array([0.3, 0.2, -0.4])
    gradient = astgrad.grad(bumped)
    m = Model()
    assert_close(gradient(w, m), numerical_grad(lambda v: bumped(v, Model()), (w,)))
    assert_close(m.layer.W, Model().layer.W)            # the caller's object as it was
    assert_close(astgrad.jvp(bumped, (w, Model()), (dw, None))[1],
                 numerical_jvp(lambda v: bumped(v, Model()), (w,), (dw,)))
    assert_close(astgrad.hessian(bumped)(w, Model()),
                 numerical_hessian(lambda v: gradient(v, Model()), (w,)), rtol=1e-4, atol=1e-5)
    bumped(w, m)
    assert not np.allclose(m.layer.W, Model().layer.W)  # Python's call changes it


def bumped_and_read_through_another(w, m, other):
    bump(m.layer, w)
    return np.sum(m.layer.W * other.W)


def test_the_object_reached_through_another_argument_is_refused():
    m = Model()
    with pytest.raises(TypeError, match="the object the argument m.layer gives is also reached otherwise"):
        astgrad.grad(bumped_and_read_through_another)(np.array([0.5, -1.0, 0.8]), m, m.layer)
