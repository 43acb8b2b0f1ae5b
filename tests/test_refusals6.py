"""Everyday programs over objects, written as a user would: a dict argument holding None or
a list of numbers beside its objects, two loops over the same list or dict both naming
``b``, ``for layer in NET.layers`` over a global object's list (also with ``enumerate`` and
``zip``) and ``enumerate`` over an argument's layers, a ``queue.Queue`` read by ``q.get()``
inside an expression, ``q.qsize()``, ``q.empty()`` and ``q.full()``, with a ``maxsize``.
Each followed form checked against central finite differences in grad, jvp and hessian at
random points, the caller's objects left as they were; the same object reached twice still
refused when the code runs; and the forms left refused by their message (file, line,
advice). A method changing an object its object holds, called for its effect, is followed
now (test_refusals7.py)."""
import queue

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_hessian, numerical_jvp
from test_refusals3 import Box      # (box.scale(w) assigns self.v)
from test_refusals5 import Lin


class Net:
    def __init__(self, layers):
        self.layers = layers


NET = Net([Lin(0.7), Lin(-1.1), Lin(0.4)])


# -- the programs, each with a maker of fresh arguments ---------------------------------

def none_beside(x, params):
    params["layer"].scale(x[0])
    if params["extra"] is None:
        return params["layer"].v * x[1]
    return x[2]


def list_beside(x, params):
    params["layer"].scale(x[0] * params["extra"][1])
    return params["layer"].v * x[1] + len(params["extra"]) * x[2]


def two_loops_over_a_dict(x, params):
    for k, b in params.items():
        b.scale(x[0] * len(k))
    for b in params.values():
        b.scale(x[1] + b.v)
    return params["a"].v * params["bb"].v + x[2]


def two_loops_over_a_list(x, bs):
    for b in bs:
        b.scale(x[0])
    total = 0.0
    for b in reversed(bs):
        total = total + b.v * x[1]
    return total * x[2]


def global_net_enumerated(x):
    h = x[0]
    for i, layer in enumerate(NET.layers):
        h = layer(h) * x[1] + i * x[2]
    return h


def global_net_zipped(x):
    s = 0.0
    for layer, w in zip(NET.layers, x):
        s = s + layer(w) * layer.a
    return s


def argument_layers_enumerated(x, net):
    h = x[0]
    for i, layer in enumerate(net.layers):
        h = layer(h + x[2] * i) * x[1]
    return h


def queue_read_in_expressions(x):
    q = queue.Queue(maxsize=2)
    for v in x:
        if q.full():
            q.get()
        q.put(v * v)
    n = q.qsize()
    y = q.get() * np.sin(q.get()) * n
    return y if q.empty() else 0.0


def queue_overfilled(x):
    q = queue.Queue(maxsize=1)
    q.put(x[0])
    q.put(x[1])         # Python's put() waits forever here
    return q.get()


PROGRAMS = {
    none_beside: lambda: ({"layer": Box(0.3), "extra": None},),
    list_beside: lambda: ({"layer": Box(0.3), "extra": [1.5, 0.5]},),
    two_loops_over_a_dict: lambda: ({"a": Box(0.3), "bb": Box(0.5)},),
    two_loops_over_a_list: lambda: ([Box(0.3), Box(0.5), Box(0.7)],),
    global_net_enumerated: tuple,
    global_net_zipped: tuple,
    argument_layers_enumerated: lambda: (Net([Lin(0.3), Lin(0.9)]),),
    queue_read_in_expressions: tuple,
}


def _state(value):
    """What the caller can see of the objects ``value`` holds."""
    if isinstance(value, (Box, Lin)):
        return vars(value)
    if hasattr(value, "layers"):        # a Net, a Model
        return _state(value.layers)
    if isinstance(value, dict):
        return {k: _state(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_state(v) for v in value]
    return value


def _untouched(held):
    """The tangent jvp holds an argument constant with: 0.0 for each number of a list (of a dict)."""
    if isinstance(held, dict) and any(isinstance(v, list) for v in held.values()):
        return {k: _untouched(v) for k, v in held.items()}
    if isinstance(held, list) and all(isinstance(v, float) for v in held):
        return [0.0] * len(held)
    return None


@pytest.mark.parametrize("f", list(PROGRAMS), ids=lambda f: f.__name__)
def test_everyday_programs_over_objects_are_followed_in_every_mode(f):
    rng = np.random.default_rng(len(f.__name__))
    x, t = rng.uniform(0.2, 1.2, 3), rng.normal(size=3)
    fresh = lambda v: f(v, *PROGRAMS[f]())         # Python changes the objects it is given: new ones each run
    held = PROGRAMS[f]()
    assert_close(astgrad.grad(f)(x.copy(), *held), numerical_grad(fresh, (x,)))
    assert_close(astgrad.jvp(f, (x.copy(), *held), (t, *map(_untouched, held)))[1], numerical_jvp(fresh, (x,), (t,)))
    assert_close(astgrad.hessian(f)(x.copy(), *held),
                 numerical_hessian(lambda v: astgrad.grad(f)(v, *PROGRAMS[f]()), (x,)), rtol=1e-4, atol=1e-5)
    assert _state(held) == _state(PROGRAMS[f]()) and _state(NET) == _state(Net([Lin(0.7), Lin(-1.1), Lin(0.4)]))


SHARED = Box(0.3)


@pytest.mark.parametrize("f, given, named", [
    (none_beside, lambda: {"layer": SHARED, "extra": None, "again": SHARED}, r"params\['layer'\]"),
    (two_loops_over_a_list, lambda: [Box(0.3), SHARED, SHARED], r"bs\[\d\]"),
], ids=["twice in a dict holding None", "twice in a list looped over twice"])
def test_the_same_object_reached_twice_is_still_refused_when_the_code_runs(f, given, named):
    x = np.array([0.4, 0.9, 1.3])
    with pytest.raises(TypeError, match=r"test_refusals6\.py:\d+: the object the argument " + named
                       + r" gives is also reached otherwise here"):
        astgrad.grad(f)(x.copy(), given())
    assert SHARED.v == 0.3
    assert_close(astgrad.grad(f)(x.copy(), *PROGRAMS[f]()), numerical_grad(lambda v: f(v, *PROGRAMS[f]()), (x,)))


def test_a_put_into_a_full_queue_raises_naming_the_line():
    with pytest.raises(RuntimeError, match=rf"test_refusals6\.py:{queue_overfilled.__code__.co_firstlineno + 3}: the "
                                           r"queue q holds its maxsize of 1 items here, where Python's put\(\) waits"):
        astgrad.grad(queue_overfilled)(np.array([0.4, 0.9]))


# -- the forms left refused --------------------------------------------------------------

class Model(Net):
    def train(self, w):
        for layer in self.layers:
            self.update(layer, w)
        return self.layers[0].v

    def update(self, layer, w):
        layer.v = layer.v * w


def trained_by_a_helper_method(x, model):
    return model.train(x[0]) * x[1]


def handed_to_a_helper_method(x, box):
    MODEL.update(box, x[0])
    return box.v * x[1]


MODEL = Model([])


def functions_zipped_with_an_argument(x, fs, gains):
    s = 0.0
    for f, g in zip(fs, gains):
        s = s + g * f(x[0])
    return s * x[1]


GLOBAL_BOXES = Net([Box(0.3), Box(0.5)])


def global_layers_changed(x):
    for i, layer in enumerate(GLOBAL_BOXES.layers):
        layer.scale(x[i])
    return GLOBAL_BOXES.layers[0].v


def _line(f, offset):
    return rf"test_refusals6\.py:{f.__code__.co_firstlineno + offset}: "


@pytest.mark.parametrize("f, given, message", [
    (functions_zipped_with_an_argument, lambda: ([np.sin, np.tanh], [2.0, 3.0]),
     _line(functions_zipped_with_an_argument, 3) + r"astgrad cannot differentiate a call of a function a loop over "
     r"zip binds \(for f, g in zip\(fs, gains\)\).*\(for i, f in enumerate\(fs\): \.\.\. gains\[i\] \.\.\.\)"),
    (global_layers_changed, tuple,
     _line(global_layers_changed, 2) + r"astgrad cannot differentiate the method call \.scale\(\) of a Box, which "
     r"assigns self\.v, on an object astgrad does not follow from state to state"),
    (trained_by_a_helper_method, lambda: (Model([Box(0.3), Box(0.5)]),),
     _line(trained_by_a_helper_method, 1) + r"the call of Model\.train changes the object it is called on in place "
     r"\(the call of Model\.update .*make that a method of the object's class \(layer\.update\(w\)\) and call it in "
     r"the function differentiated \(for layer in model\.layers: layer\.update\(w\)\), where it is followed"),
    (handed_to_a_helper_method, lambda: (Box(0.3),),
     _line(handed_to_a_helper_method, 1) + r"the call of Model\.update changes its argument 'box' in place .*make the "
     r"change a method of its class storing self\.v \(def update\(self, w\): self\.v = \.\.\.\)"),
], ids=["a helper method changing a layer", "a helper method changing the object it is handed",
        "functions zipped with an argument's values", "a global's layers changed"])
def test_the_forms_left_refused_name_the_line_and_give_advice_that_fits(f, given, message):
    held = given()
    x = np.array([0.4, 0.9, 1.3])
    with pytest.raises(astgrad.TransformError, match=message):
        astgrad.grad(f)(x.copy(), *held)
    with pytest.raises(astgrad.TransformError, match=message):
        astgrad.jvp(f, (x.copy(), *held), (x, *map(_untouched, held)))
    assert _state(held) == _state(given()) and _state(GLOBAL_BOXES) == [{"v": 0.3}, {"v": 0.5}]
    assert_close(astgrad.grad(two_loops_over_a_list)(x.copy(), [Box(0.3), Box(0.5)]),       # the next call works
                 numerical_grad(lambda v: two_loops_over_a_list(v, [Box(0.3), Box(0.5)]), (x,)))
