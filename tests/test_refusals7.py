"""Methods that change the objects they are handed, written as a user of PyTorch-style models
writes them: ``m.layer.scale(w)`` on an argument's object holding one layer, and a method of
the argument's object calling such methods on what it holds (``model.run(w)`` looping over
``self.layers``, ``m.run(w)`` calling ``self.layer.scale(w)``, a ``forward`` returning a
value after it), and a helper function storing into the held layer (``bump(m.layer, w)``). Each checked against central finite differences in grad, jvp and hessian
at random points, the caller's objects left as they were by the derivatives and changed as
Python changes them by the call itself; the same layer reached twice refused when the code
runs; and the forms left refused by their message (file, line, advice)."""
import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_hessian, numerical_jvp
from test_refusals3 import Box      # (box.scale(w) assigns self.v)
from test_refusals6 import Net      # (its layers)
import test_hunt_objects as other   # (a Model whose run, in another module, scales array layers)


class Single:
    def __init__(self, layer, k=2.0):
        self.layer, self.k = layer, k

    def run(self, w):
        self.layer.scale(w)

    def total(self):
        return self.layer.v * self.k


class Model(Net):
    def run(self, w):
        for layer in self.layers:
            layer.scale(w)

    def run_by_the_gain(self, w):
        for layer in self.layers:
            layer.scale(w * GAIN.v)

    def forward(self, w, gain=1.5):
        for layer in self.layers:
            layer.scale(w * gain)
        return self.layers[-1].v * w

    def settle(self, w):
        for layer in self.layers:
            layer.scale(w)
        if w > 10.0:
            return 2.0

    def train(self, w):
        for layer in self.layers:
            self.update(layer, w)

    def update(self, layer, w):
        layer.v = layer.v * w

    def total(self):
        return self.layers[0].v + self.layers[-1].v


# -- the programs, each with a maker of fresh arguments ---------------------------------

def held_layer_scaled(x, m):
    m.layer.scale(x[0])
    m.layer.scale(x[1] * m.k)
    return m.layer.v * x[2]


def held_layer_run(x, m):
    m.run(x[0] + x[1])
    return m.layer.v * x[2] + m.k


def layers_run(x, model):
    model.run(x[0])
    model.run(x[1])
    return model.layers[0].v * model.layers[1].v + x[2]


def layers_run_in_a_loop(x, model):
    for t in range(3):
        model.run(x[t])
    return model.layers[0].v * model.layers[1].v


def layers_forward(x, model):
    y = model.forward(x[0], gain=x[1])
    return y * model.layers[0].v + x[2]


def other_modules_model_run(x, model):
    y = model.run(x[0] * x[1])
    return y + x[2]


def layers_forward_returned(x, model):
    return model.forward(x[0] * x[2])


def bump(layer, w):
    layer.v = layer.v * w


def bumped_by_a_helper_function(x, m):      # a helper storing into the held layer: followed on a copy
    bump(m.layer, x[0])
    return m.layer.v * x[1]


PROGRAMS = {
    held_layer_scaled: lambda: Single(Box(0.3)),
    held_layer_run: lambda: Single(Box(0.6), k=0.5),
    layers_run: lambda: Model([Box(0.3), Box(0.5)]),
    layers_run_in_a_loop: lambda: Model([Box(0.3), Box(0.5)]),
    layers_forward: lambda: Model([Box(0.3), Box(0.5), Box(-0.2)]),
    layers_forward_returned: lambda: Model([Box(0.4)]),
    other_modules_model_run: other._model,
    bumped_by_a_helper_function: lambda: Single(Box(0.3)),
}


def _state(value):
    """What the caller can see of the boxes ``value`` holds."""
    return [np.asarray(b.v).tolist() for b in (value.layers if hasattr(value, "layers") else [value.layer])]


@pytest.mark.parametrize("f", list(PROGRAMS), ids=lambda f: f.__name__)
def test_methods_changing_held_objects_are_followed_in_every_mode(f):
    _followed_in_every_mode(f, PROGRAMS[f])


def _followed_in_every_mode(f, made):
    rng = np.random.default_rng(len(f.__name__))
    x, t = rng.uniform(0.2, 1.2, 3), rng.normal(size=3)
    fresh = lambda v: f(v, made())          # Python changes the objects it is given: new ones each run
    held = made()
    assert_close(astgrad.grad(f)(x.copy(), held), numerical_grad(fresh, (x,)))
    assert_close(astgrad.jvp(f, (x.copy(), held), (t, None))[1], numerical_jvp(fresh, (x,), (t,)))
    assert_close(astgrad.hessian(f)(x.copy(), held),
                 numerical_hessian(lambda v: astgrad.grad(f)(v, made()), (x,)), rtol=1e-4, atol=1e-5)
    assert _state(held) == _state(made())        # the derivatives worked on copies
    value, grad = astgrad.value_and_grad(f)(x.copy(), held)
    assert value == f(x.copy(), held) and _state(held) != _state(made())   # the call itself changes them
    assert_close(grad, numerical_grad(fresh, (x,)))


SHARED = Box(0.3)
GAIN = SHARED


def layers_run_by_the_gain(x, model):
    model.run_by_the_gain(x[0])
    return model.layers[1].v * x[1]


def held_layer_beside(x, m, other):
    m.layer.scale(x[0])
    return m.layer.v * other.v


@pytest.mark.parametrize("f, given, named", [
    (layers_run, lambda: (Model([SHARED, SHARED]),), r"model\.layers\[\d\]"),
    (held_layer_beside, lambda: (Single(SHARED), SHARED), r"m\.layer"),
    (layers_run_by_the_gain, lambda: (Model([SHARED, Box(0.5)]),), r"model\.layers\[0\]"),
], ids=["twice in the list a method loops over", "a held layer also handed in", "a layer the method reads as a global"])
def test_the_same_layer_reached_twice_is_refused_when_the_code_runs(f, given, named):
    x = np.array([0.4, 0.9, 1.3])
    with pytest.raises(TypeError, match=r"test_refusals7\.py:\d+: the object the argument " + named
                       + r" gives is also reached otherwise here"):
        astgrad.grad(f)(x.copy(), *given())
    assert SHARED.v == 0.3
    assert_close(astgrad.grad(layers_run)(x.copy(), Model([Box(0.3), Box(0.5)])),       # the next call works
                 numerical_grad(lambda v: layers_run(v, Model([Box(0.3), Box(0.5)])), (x,)))


# -- the forms left refused --------------------------------------------------------------

def trained_by_a_helper_method(x, model):
    model.train(x[0])
    return model.layers[0].v * x[1]


def settled_returning_early(x, model):
    model.settle(x[0])
    return model.layers[0].v * x[1]


def _line(f, offset):
    return rf"test_refusals7\.py:{f.__code__.co_firstlineno + offset}: "


@pytest.mark.parametrize("f, given, message", [
    (trained_by_a_helper_method, lambda: Model([Box(0.3), Box(0.5)]),
     _line(trained_by_a_helper_method, 1) + r"the call of Model\.train changes the object it is called on in place "
     r"\(the call of Model\.update .*make that a method of the object's class \(layer\.update\(w\)\) and call it"),
    (settled_returning_early, lambda: Model([Box(0.3)]),         # (its return is not the caller's)
     _line(settled_returning_early, 1) + r"the call of Model\.settle changes an object held by the object it is called "
     r"on in place .*astgrad also follows it called as a statement of its own on such an argument"),
], ids=["a helper method changing a layer", "a method returning early"])
def test_the_forms_left_refused_name_the_line_and_give_advice_that_fits(f, given, message):
    held = given()
    x = np.array([0.4, 0.9, 1.3])
    for derivative in (lambda *a: astgrad.grad(f)(*a), lambda *a: astgrad.jvp(f, a, (x, None))):
        with pytest.raises(astgrad.TransformError, match=message):
            derivative(x.copy(), held)
    assert _state(held) == _state(given())
    assert_close(astgrad.grad(held_layer_scaled)(x.copy(), Single(Box(0.3))),      # the next call works
                 numerical_grad(lambda v: held_layer_scaled(v, Single(Box(0.3))), (x,)))


# -- such a method called inside an expression, or beside a method that only reads -------

def forward_inside_a_sum(x, model):
    r = x[0] * x[2] + model.forward(x[1])
    return r * model.layers[0].v


def forward_inside_a_product_returned(x, model):
    return np.sum(x) * model.forward(x[0], gain=x[2]) + model.total()


def held_layer_run_then_its_total(x, m):
    m.run(x[0] * x[1])
    return m.total() * x[2]


INSIDE = {
    forward_inside_a_sum: lambda: Model([Box(0.3), Box(0.5)]),
    forward_inside_a_product_returned: lambda: Model([Box(0.4), Box(-0.2)]),
    held_layer_run_then_its_total: lambda: Single(Box(0.6), k=0.5),
}


@pytest.mark.parametrize("f", list(INSIDE), ids=lambda f: f.__name__)
def test_a_call_inside_an_expression_or_beside_a_reading_method_is_followed_in_every_mode(f):
    _followed_in_every_mode(f, INSIDE[f])


def forward_after_reading_what_it_changes(x, model):
    r = model.layers[0].v * x[0] + model.forward(x[1])      # (Python reads layers[0].v before the call)
    return r * x[2]


def forward_in_a_short_circuit(x, model):
    r = x[0] > 2.0 or model.forward(x[1])       # (called only where x[0] <= 2)
    return r * x[2]


@pytest.mark.parametrize("f", [forward_after_reading_what_it_changes, forward_in_a_short_circuit],
                         ids=lambda f: f.__name__)
def test_a_call_after_a_read_it_changes_or_maybe_not_made_is_refused(f):
    held, x = Model([Box(0.3), Box(0.5)]), np.array([0.4, 0.9, 1.3])
    for derivative in (lambda *a: astgrad.grad(f)(*a), lambda *a: astgrad.jvp(f, a, (x, None))):
        with pytest.raises(astgrad.TransformError, match=_line(f, 1) + r"the call of Model\.forward changes an object "
                           r"held by .*or inside an expression that reads nothing it changes before it \(x\[0\] \+ "
                           r"obj\.forward\(w\)\)"):
            derivative(x.copy(), held)
    assert _state(held) == [0.3, 0.5]
    _followed_in_every_mode(forward_inside_a_sum, INSIDE[forward_inside_a_sum])      # the next call works
