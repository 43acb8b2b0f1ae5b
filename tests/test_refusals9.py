"""Helpers that store into the objects they are handed (``bump(layer, w)`` storing
``layer.W``, an optimizer step over a list of layers, a helper appending to a list an
object holds), called on objects the function builds, or handed the layer an argument's
object holds (``bump(m.layer, w)``, followed on a copy): followed, each program checked
against central finite differences in grad, jvp and hessian at a random point, the
arguments left as they were. The forms left refused (the same layer twice in a list, a
name bound twice) by their message. trained_by_sgd was a silent zero
gradient before: a helper storing into the items of a list it was handed was taken to
change nothing, where only the values it stores carry a derivative."""
import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_hessian, numerical_jvp


class Layer:
    def __init__(self, W):
        self.W = W


class History:
    def __init__(self):
        self.items = []


class Holder:
    def __init__(self, W):
        self.layer = Layer(W)


def bump(layer, w):
    layer.W = layer.W * w


def scaled(layer, w):
    bump(layer, w)
    return np.sum(layer.W)


def step(ps, g):
    ps[0].W = ps[0].W - g


def sgd(params, grads, lr):
    for p, g in zip(params, grads):
        p.W = p.W - lr * g


def record(h, v):
    h.items.append(v)


# -- followed: the helpers on objects the function builds ---------------------------------

def bumped_then_scaled(x):
    l = Layer(x * x[0])
    bump(l, x[1])
    s = scaled(l, x[2])             # a helper calling one, its value used
    bump(Layer(x), x[0])            # a new object no name holds
    return s * np.sum(l.W)


def trained_by_sgd(x):
    ps = [Layer(np.ones(3)), Layer(np.full(3, 2.0))]
    sgd(ps, [x * x, x[0] * x], 0.1)     # only the steps carry x: a silent zero gradient before
    return np.sum(ps[0].W * ps[1].W)


def recorded_and_bumped_in_a_loop(x):
    h = History()
    ls = [Layer(x), Layer(x * x)]
    for l in ls:
        if np.sum(l.W) > 0.0:
            bump(l, x)
        else:
            bump(l, 2.0 * x)
        record(h, np.sin(l.W))
    step(ls, x[2])
    return np.sum(h.items[0] * h.items[1]) + np.sum(ls[1].W)


@pytest.mark.parametrize("f", [bumped_then_scaled, trained_by_sgd, recorded_and_bumped_in_a_loop],
                         ids=lambda f: f.__name__)
def test_a_helper_storing_into_objects_the_function_builds_is_followed_in_every_mode(f):
    rng = np.random.default_rng(len(f.__name__))
    x, t = rng.uniform(-1.2, 1.2, 3), rng.normal(size=3)
    given = x.copy()
    assert_close(astgrad.grad(f)(x), numerical_grad(f, (x,)))
    assert_close(astgrad.jvp(f, (x,), (t,))[1], numerical_jvp(f, (x,), (t,)))
    assert_close(astgrad.hessian(f)(x), numerical_hessian(astgrad.grad(f), (x,)), rtol=1e-4, atol=1e-5)
    assert np.array_equal(x, given)


def bumped_through_an_argument(w, m):
    bump(m.layer, w)
    return np.sum(m.layer.W * w)


def test_a_helper_storing_into_an_argument_objects_layer_is_followed_on_a_copy():
    rng = np.random.default_rng(9)
    x, t = rng.uniform(-1.2, 1.2, 3), rng.normal(size=3)
    f, m = bumped_through_an_argument, Holder(np.ones(3))
    fresh = lambda v: f(v, Holder(np.ones(3)))      # Python's call changes the object: a new one each run
    assert_close(astgrad.grad(f)(x, m), numerical_grad(fresh, (x,)))
    assert_close(astgrad.jvp(f, (x, m), (t, None))[1], numerical_jvp(fresh, (x,), (t,)))
    assert_close(astgrad.hessian(f)(x, m), numerical_hessian(lambda v: astgrad.grad(f)(v, Holder(np.ones(3))), (x,)),
                 rtol=1e-4, atol=1e-5)
    assert np.array_equal(m.layer.W, np.ones(3))        # the caller's object as it was


# -- refused, naming the line ---------------------------------------------------------------

def the_same_layer_twice(w, x):
    l = Layer(np.ones(3))
    ps = [l, l]
    sgd(ps, [w, w * w], 0.1)
    return np.sum(l.W * w)


def bound_twice(w, x):
    l = Layer(x)
    bump(l, w)
    l = Layer(l.W * 2.0)
    bump(l, w)
    return np.sum(l.W)


def _line(f, offset):
    return rf"test_refusals9\.py:{f.__code__.co_firstlineno + offset}: "


@pytest.mark.parametrize("f, message", [
    (the_same_layer_twice, _line(the_same_layer_twice, 3) + r"the call of sgd changes its argument 'ps' in place "
     r"\(a change in place at .*test_refusals9\.py:\d+: p\.W = p\.W - lr \* g\)"),
    (bound_twice, _line(bound_twice, 2) + r"the call of bump changes its argument 'l' in place .*handed as a name "
     r"bound once to a new object"),
], ids=["the same layer twice in a list", "a name bound twice"])
def test_the_forms_left_refused_name_the_line_and_say_what_is_followed(f, message):
    w = np.array([0.4, 0.9, 1.3])
    other = np.array([0.5, -0.3, 0.8])
    for derivative in (lambda: astgrad.grad(f)(w.copy(), other), lambda: astgrad.jvp(f, (w.copy(), other), (w, w * 0.0))):
        with pytest.raises(astgrad.TransformError, match=message):
            derivative()
