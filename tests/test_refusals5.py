"""Everyday programs over objects an argument gives, written as a user would: an object of
a dict argument bound to a name first, a dict holding objects beside numbers, ``len`` of
such a dict, a layer of a list called at an index known only when the code runs
(``self.layers[i](x)``, ``model.layers[i].scale(w)``), ``enumerate``, ``zip``, ``.values()``, ``.items()``
and ``first, *rest = bs`` over them, a ``queue.Queue`` the function fills and empties. Each followed form checked against
central finite differences in grad, jvp and hessian at random points, the caller's objects
left as they were; the same object reached twice still refused when the code runs, and
the forms left refused by their message (file, line, advice)."""
import queue

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_hessian, numerical_jvp
from test_refusals3 import Box      # (box.scale(w) assigns self.v)


class Lin:
    def __init__(self, a):
        self.a = a

    def __call__(self, h):
        return np.sin(self.a * h)


class Shifted:
    def __init__(self, c):
        self.c = c

    def __call__(self, h):
        return np.tanh(h + self.c)


class Counter:
    def __init__(self, v):
        self.v = v

    def __call__(self, h):
        self.v = self.v + h
        return np.sin(self.v * h)


class Model:
    def __init__(self, layers):
        self.layers = layers

    def loss(self, h):
        for i in range(len(self.layers)):
            h = self.layers[i](h)
        return h * h


# -- the programs, each with a maker of fresh arguments ---------------------------------

def bound_first(x, params):
    layer = params["layer"]
    layer.scale(x[0])
    return layer.v * x[1]


def beside_numbers(x, params):
    params["layer"].scale(x[0] * params["lr"])
    return params["layer"].v * x[1] + params["k"] * x[2]


def measured(x, params):
    params["b"].scale(x[0] * len(params))
    return params["a"].v * params["b"].v + x[1]


def at_a_loop_index(x, model):
    n = len(model.layers)
    for i in range(n):
        model.layers[n - 1 - i].scale(x[0] + x[2] * i)
    return model.layers[0].v * model.layers[1].v * x[1]


def called_at_a_loop_index(x, layers):
    h = x[0]
    for i in range(len(layers)):
        h = layers[i](h) + x[2]
    return h * x[1]


def enumerated(x, bs):
    for i, b in enumerate(bs):
        b.scale(x[0] * (i + 1))
    return {i: b.v for i, b in enumerate(bs)}[1] * bs[0].v + x[1] * i


def zipped(x, bs, ws):
    for b, w in zip(bs, ws):              # ws the shorter: zip stops there, as Python's does
        b.scale(x[0] * w)
    return bs[0].v + bs[1].v * bs[2].v


def over_values_and_items(x, params):
    for b in params.values():
        b.scale(x[0])
    for k, c in params.items():
        c.scale(x[1] * len(k))
    return params["a"].v * params["bb"].v


def comprehension_backwards(x, bs):
    [b.scale(x[0] + b.v) for b in bs[::-1]]
    return sum(b.v * i for i, b in enumerate(reversed(bs), 1)) + x[2]


def starred(x, bs):
    first, *middle, last = bs
    [b.scale(x[0] + first.v) for b in middle]
    last.scale(x[1])
    for b in middle:
        b.scale(x[2] * last.v)
    return bs[1].v * bs[2].v + last.v * len(middle)


def queued(x):
    q = queue.Queue()
    q.put(1.0)
    q.put(np.sin(x[0]) * x[1])
    a = q.get()
    q.put(a * x[2])
    b = q.get()
    c = q.get()
    return a * b + c


def stacked(x):
    q = queue.LifoQueue()
    for v in x:
        q.put(v * v)
    a = q.get()
    b = q.get()
    return a * np.sin(b)


def _dict():
    return {"layer": Box(0.3), "lr": 0.5, "k": np.float64(2.0)}


PROGRAMS = {
    bound_first: lambda: {"layer": Box(0.3)},
    beside_numbers: _dict,
    measured: lambda: {"a": Box(0.4), "b": Box(0.8)},
    at_a_loop_index: lambda: Model([Box(0.2), Box(0.6), Box(0.9)]),
    called_at_a_loop_index: lambda: [Lin(0.7), Lin(1.3)],
    enumerated: lambda: [Box(0.3), Box(0.5), Box(0.7)],
    zipped: lambda: ([Box(0.3), Box(0.5), Box(0.7)], [0.2, 0.7]),
    over_values_and_items: lambda: {"a": Box(0.3), "bb": Box(0.5)},
    comprehension_backwards: lambda: [Box(0.3), Box(0.5), Box(0.7)],
    starred: lambda: [Box(0.3), Box(0.5), Box(0.7), Box(0.2)],
    queued: tuple,
    stacked: tuple,
}


def _state(value):
    """What the caller can see of the objects ``value`` holds."""
    if isinstance(value, (Box, Counter)):
        return value.v
    if isinstance(value, (Lin, Shifted)):
        return vars(value)
    if isinstance(value, Model):
        return _state(value.layers)
    if isinstance(value, dict):
        return {k: _state(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_state(v) for v in value]
    return value


def _arguments(made):
    return made if isinstance(made, tuple) else (made,)


def _untouched(held):
    """The tangent jvp holds the argument constant with: None, or 0.0 for the numbers of a dict or list."""
    if isinstance(held, dict) and any(isinstance(v, (float, np.floating)) for v in held.values()):
        return {k: 0.0 if isinstance(v, (float, np.floating)) else None for k, v in held.items()}
    if isinstance(held, list) and all(isinstance(v, float) for v in held):
        return [0.0] * len(held)
    return None


@pytest.mark.parametrize("f", list(PROGRAMS), ids=lambda f: f.__name__)
def test_everyday_programs_over_an_arguments_objects_are_followed_in_every_mode(f):
    make = lambda: _arguments(PROGRAMS[f]())   # noqa: E731
    rng = np.random.default_rng(len(f.__name__))
    x, t = rng.uniform(0.2, 1.2, 3), rng.normal(size=3)
    fresh = lambda v: f(v, *make())         # Python changes the objects it is given: new ones each run
    held = make()
    assert_close(astgrad.grad(f)(x.copy(), *held), numerical_grad(fresh, (x,)))
    assert_close(astgrad.jvp(f, (x.copy(), *held), (t, *map(_untouched, held)))[1], numerical_jvp(fresh, (x,), (t,)))
    assert_close(astgrad.hessian(f)(x.copy(), *held),
                 numerical_hessian(lambda v: astgrad.grad(f)(v, *make()), (x,)), rtol=1e-4, atol=1e-5)
    assert _state(held) == _state(make())       # the derivative works on copies
    if held and f is not called_at_a_loop_index:         # (whose layers keep their state)
        called = make()
        f(x, *called)
        assert _state(called) != _state(make())     # as Python does, the function itself changes them


def test_the_numbers_beside_the_objects_of_a_dict_are_differentiated_through():
    x, t = np.array([0.3, 0.8, 0.6]), np.array([0.5, -1.0, 0.25])
    through_lr = lambda v, lr: beside_numbers(v, {"layer": Box(0.3), "lr": lr, "k": 2.0})   # noqa: E731
    tangent = {"layer": None, "lr": 1.5, "k": 0.0}
    assert_close(astgrad.jvp(beside_numbers, (x.copy(), _dict()), (t, tangent))[1],
                 numerical_jvp(through_lr, (x, 0.5), (t, 1.5)))


def test_a_method_calling_its_layers_at_a_loop_index_is_followed():
    model = Model([Lin(0.7), Lin(-1.1)])
    assert_close(astgrad.grad(model.loss)(0.9), numerical_grad(model.loss, (0.9,)))
    assert_close(astgrad.hessian(model.loss)(0.9), np.reshape(numerical_grad(astgrad.grad(model.loss), (0.9,)), ()),
                 rtol=1e-4, atol=1e-5)


SHARED = Box(0.3)


def reads_the_global(x, params):
    layer = params["layer"]
    layer.scale(x[0])
    return layer.v * SHARED.v


@pytest.mark.parametrize("f, given, named", [
    (bound_first, lambda: {"layer": SHARED, "other": SHARED}, r"params\['layer'\]"),
    (reads_the_global, lambda: {"layer": SHARED, "lr": 0.5}, r"params\['layer'\]"),
    (at_a_loop_index, lambda: Model([SHARED, SHARED, Box(0.9)]), r"model\.layers\[\d\]"),
    (enumerated, lambda: [Box(0.3), SHARED, SHARED], r"bs\[\d\]"),
], ids=["twice in the dict", "also a global", "twice in the list", "twice in an enumerated list"])
def test_the_same_object_reached_twice_is_refused_when_the_code_runs(f, given, named):
    x = np.array([0.4, 0.9, 1.3])
    for transform in (lambda: astgrad.grad(f)(x.copy(), given()),
                      lambda: astgrad.jvp(f, (x.copy(), given()), (x, _untouched(given())))):
        with pytest.raises(TypeError, match=r"test_refusals5\.py:\d+: the object the argument " + named
                           + r" gives is also reached otherwise here"):
            transform()
    assert SHARED.v == 0.3
    alone = PROGRAMS.get(f, lambda: {"layer": Box(0.3), "lr": 0.5})   # each object once: followed
    assert_close(astgrad.grad(f)(x.copy(), alone()), numerical_grad(lambda v: f(v, alone()), (x,)))


def changing_layers_at_an_index(x, layers):
    h = x[0]
    for i in range(len(layers)):
        h = layers[i](h)
    return h


def layers_of_two_classes(x, layers):
    h = x[0]
    for i in range(len(layers)):
        h = layers[i](h)
    return h


def two_classes_looped(x, layers):
    h = x[0]
    for layer in layers:
        h = layer(h)
    return h


_LINE, _TWO_CLASSES_LINE = (f.__code__.co_firstlineno + 3 for f in (changing_layers_at_an_index, layers_of_two_classes))


@pytest.mark.parametrize("f, layers, message", [
    (changing_layers_at_an_index, lambda: [Counter(0.2), Counter(0.5)],
     rf"test_refusals5\.py:{_LINE}: astgrad cannot differentiate the call .__call__\(\) of Counter.__call__, which "
     r"stores attributes of the object \(v\).*build the object in the function"),
    (layers_of_two_classes, lambda: [Lin(0.2), Shifted(0.5)],
     rf"test_refusals5\.py:{_TWO_CLASSES_LINE}: .*for a list of objects of several classes \(self\.layers\[i\]\(x\)\), "
     r"loop over the list itself \(for layer in self\.layers: h = layer\(h\)\), which is followed"),
], ids=["a layer changing itself", "layers of two classes"])
def test_a_layer_called_at_an_index_is_refused_where_it_is_not_followed(f, layers, message):
    held = layers()
    with pytest.raises(astgrad.TransformError, match=message):
        astgrad.grad(f)(np.array([0.4]), held)
    assert _state(held) == _state(layers())
    if f is layers_of_two_classes:        # the advice works
        assert_close(astgrad.grad(two_classes_looped)(np.array([0.4]), held),
                     numerical_grad(lambda v: two_classes_looped(v, layers()), (np.array([0.4]),)))
    assert_close(astgrad.grad(called_at_a_loop_index)(np.array([0.4, 0.9, 1.3]), [Lin(0.7), Lin(1.3)]),
                 numerical_grad(lambda v: called_at_a_loop_index(v, [Lin(0.7), Lin(1.3)]), (np.array([0.4, 0.9, 1.3]),)))


# -- a list or dict argument the function writes into, then a method of an item ----------

def item_stored_first(x, bs):
    bs[1] = 2.0
    bs[0].scale(x[0])
    return bs[0].v * bs[1]


def appended_after(x, bs):
    bs[0].scale(x[0])
    bs.append(1.0)
    return bs[0].v * len(bs)


def key_stored_after(x, params):
    params["layer"].scale(x[0])
    params["k"] = 2.0
    return params["layer"].v * params["k"]


@pytest.mark.parametrize("f, make", [
    (item_stored_first, lambda: [Box(0.3), Box(1.0)]),
    (appended_after, lambda: [Box(0.3), Box(1.0)]),
    (key_stored_after, lambda: {"layer": Box(0.3), "k": 1.0}),
], ids=["an item stored first", "appended after", "a key stored after"])
def test_a_method_on_an_item_of_an_argument_the_function_writes_into_is_refused_in_every_mode(f, make):
    # the derivative works on a copy of such an argument, where the method's change was
    # lost to it: a gradient of zero, with no error
    line = f.__code__.co_firstlineno + (2 if f is item_stored_first else 1)
    x = np.array([0.4, 0.9, 1.3])
    transforms = [lambda held: astgrad.grad(f)(x.copy(), held), lambda held: astgrad.hessian(f)(x.copy(), held),
                  lambda held: astgrad.jvp(f, (x.copy(), held), (x, _untouched(held)))]
    for transform in transforms:
        held = make()
        with pytest.raises(astgrad.TransformError, match=rf"test_refusals5\.py:{line}: the method call \.scale\(\) "
                                                         r"changes a differentiated value in place"):
            transform(held)
        assert _state(held) == _state(make())


def queue_read_in_an_expression(x):
    q = queue.Queue()
    q.put(x[0])
    return q.get() * x[1]


def test_a_queue_used_otherwise_than_by_put_and_get_statements_is_refused_at_its_put():
    line = queue_read_in_an_expression.__code__.co_firstlineno + 2
    for transform in (lambda v: astgrad.grad(queue_read_in_an_expression)(v),
                      lambda v: astgrad.jvp(queue_read_in_an_expression, (v,), (np.ones(2),))):
        with pytest.raises(astgrad.TransformError,
                           match=rf"test_refusals5\.py:{line}: calling \.put\(\) changes 'q' in place, .*follows a "
                                 r"queue\.Queue the function makes only where it is used by q\.put\(v\) and v = q\.get\(\) "
                                 r"alone, each a statement of its own.*or use a list"):
            transform(np.array([0.4, 0.9]))
    assert_close(astgrad.grad(queued)(np.array([0.4, 0.9, 1.3])), numerical_grad(queued, (np.array([0.4, 0.9, 1.3]),)))


# -- an object handed to a helper method that changes it ---------------------------------

class Trainer:
    def step(self, b, w):
        b.scale(w)
        return b.v


TRAINER = Trainer()


def _through_a_closure():
    box = Box(0.3)
    return box, lambda v: TRAINER.step(box, v[0]) * v[1]


def handed_to_a_method(x, box):
    return TRAINER.step(box, x[0]) * x[1]


def scaled_in_the_function(x, box):     # what the message advises
    box.scale(x[0])
    return box.v * x[1]


@pytest.mark.parametrize("whose", ["closure variable", "argument"])
def test_an_object_handed_to_a_helper_method_changing_it_is_refused_saying_to_call_the_method_in_the_function(whose):
    box, f = _through_a_closure() if whose == "closure variable" else (Box(0.3), handed_to_a_method)
    given = (box,) * (whose == "argument")
    line = (_through_a_closure.__code__.co_firstlineno + 2 if whose == "closure variable"
            else handed_to_a_method.__code__.co_firstlineno + 1)
    x = np.array([0.4, 0.9, 1.3])
    for transform in (lambda: astgrad.grad(f)(x.copy(), *given),
                      lambda: astgrad.jvp(f, (x.copy(), *given), (x,) + (None,) * len(given))):
        with pytest.raises(astgrad.TransformError, match=(
                rf"test_refusals5\.py:{line}: the call of Trainer\.step changes the {whose} box in place \(\.scale\(\) "
                rf"at .*test_refusals5\.py:{Trainer.step.__code__.co_firstlineno + 1}, on its parameter b\).*pass the "
                r"object as an argument .* and call \.scale\(\.\.\.\) on it in the function")):
            transform()
    assert box.v == 0.3
    assert_close(astgrad.grad(scaled_in_the_function)(x.copy(), box),
                 numerical_grad(lambda v: scaled_in_the_function(v, Box(0.3)), (x,)))
