"""Everyday programs changing the objects their arguments hold, as Python runs them: each
followed form checked against central finite differences in grad, jvp and hessian (and
grad of grad) at random points, with the caller's objects left as they were; each refused
form by its message (file, line, advice), the next call working."""

import copy
import itertools
import re

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_hessian, numerical_jvp


class Box:
    def __init__(self, v):
        self.v = v

    def scale(self, w):
        self.v = np.sin(self.v * w) + w


class Lin:
    def __init__(self, a):
        self.a = a

    def apply(self, x):
        return np.sin(self.a * x)


def applied_in_a_dict(w, params):
    return np.sum(params["layer"].apply(w) * params["head"].apply(w))


class SlotsAndDict:
    """Keeps ``v`` in a slot and anything else in its ``__dict__``."""
    __slots__ = ("v", "__dict__")

    def __init__(self, v):
        self.v = v
        self.note = 2.0        # (in its __dict__)

    def scale(self, w):
        self.v = np.sin(self.v * w) + w


def scaled_slots_and_dict(w, box):
    box.scale(w)
    box.scale(w)
    return np.sum(box.v * w)


def scaled_in_a_dict(w, params):
    params["layer"].scale(w)
    params["layer"].scale(w)
    return np.sum(params["layer"].v * params["head"].v) * w


def scaled_in_a_dict_read_back(w, params):
    # w reaches the result only through the object the dict holds (a gradient of 0 once)
    params["layer"].scale(w)
    return np.sum(params["layer"].v)


def scaled_by_an_int_key(w, params):
    params[1].scale(w)
    return np.sum(params[1].v ** 2) + np.sum(params["head"].v)


def scaled_then_summed_under_one_name(w, boxes):
    for b in boxes:
        b.scale(w)
    return sum(np.sum(b.v * w) for b in boxes) + sum([b.v[0] for b in boxes])


def built_scaled_then_summed_under_one_name(w, a):
    boxes = [Box(a * 1.0), Box(a * 2.0)]
    for b in boxes:
        b.scale(w)
    return sum(np.sum(b.v ** 2) for b in boxes) * a[0]


class Model:
    def __init__(self, layers, k=2.0):
        self.layers = layers
        self.k = k

    def total(self):
        return sum(np.sum(layer.v) for layer in self.layers)


def scaled_through_an_attribute(w, model):
    model.layers[0].scale(w)
    model.layers[0].scale(w)
    return np.sum(model.layers[0].v * model.layers[1].v) * model.k


def scaled_in_a_loop_over_an_attribute(w, model):
    for layer in model.layers:
        layer.scale(w)
    return sum(np.sum(layer.v ** 2) for layer in model.layers) * w


def scaled_then_read_by_a_method(w, model):
    model.layers[0].scale(w)
    return model.total()


class Stack(Model):
    def scaled(self, w):
        for layer in self.layers:
            layer.scale(w)
        return sum(np.sum(layer.v ** 2) for layer in self.layers) * w


class ModelWithTotal(Model):
    @property
    def sum_of_layers(self):
        return sum(np.sum(layer.v) for layer in self.layers)


def scaled_then_read_by_a_property(w, model):
    model.layers[0].scale(w)
    return model.sum_of_layers


def _model():
    return Model([Box(np.array([0.3, -0.4])), Box(np.array([1.1, 0.5]))])


def _params(*keys):
    return lambda: {key: Box(np.array([0.3, -0.4]) * (k + 1)) for k, key in enumerate(keys)}


def scaled_by_a_key_known_when_run(w, params):
    for key in params:
        params[key].scale(w)
    return np.sum(params["layer"].v)


FOLLOWED = {
    "slots and a dict": (scaled_slots_and_dict, lambda: SlotsAndDict(np.array([0.3, -0.4]))),
    "dict item": (scaled_in_a_dict, _params("layer", "head")),
    "dict item read back": (scaled_in_a_dict_read_back, _params("layer")),
    "dict int key": (scaled_by_an_int_key, _params(1, "head")),
    # (a loop over the dict's keys reading d[k] is the loop over d.items() it amounts to)
    "dict item at a key known when run": (scaled_by_a_key_known_when_run, _params("layer", "head")),
    "loop and comprehension under one name": (scaled_then_summed_under_one_name,
                                              lambda: [Box(np.array([0.3, -0.4])), Box(np.array([1.1, 0.5]))]),
    "built list, loop and comprehension under one name": (built_scaled_then_summed_under_one_name,
                                                          lambda: np.array([0.3, -0.4])),
    "attribute then index": (scaled_through_an_attribute, _model),
    "loop over an attribute": (scaled_in_a_loop_over_an_attribute, _model),
    "dict item's own method": (applied_in_a_dict, lambda: {"layer": Lin(np.array([0.3, -0.4])),
                                                           "head": Lin(np.array([1.1, 0.5]))}),
}


def _state(value):
    """What the caller's objects hold (arrays copied), to compare after a transform."""
    if isinstance(value, dict):
        return {k: _state(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_state(item) for item in value]
    if hasattr(value, "__dict__") or hasattr(type(value), "__slots__"):
        names = list(getattr(value, "__dict__", {})) + [n for n in getattr(type(value), "__slots__", ())
                                                        if n != "__dict__" and hasattr(value, n)]
        return {n: _state(getattr(value, n)) for n in names}
    return np.copy(value)


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian", "grad of grad"])
@pytest.mark.parametrize("name", sorted(FOLLOWED))
def test_followed_on_copies(name, mode):
    f, make = FOLLOWED[name]
    objects = make()
    before = _state(objects)
    w = float(np.random.default_rng(len(name) + len(mode)).uniform(0.4, 0.9))
    plain = lambda v: f(v, copy.deepcopy(objects))      # noqa: E731
    if mode == "grad":
        assert_close(astgrad.grad(f)(w, objects), numerical_grad(plain, (w,)))
    elif mode == "jvp":
        still = np.zeros_like(objects) if isinstance(objects, np.ndarray) else None
        assert_close(astgrad.jvp(f, (w, objects), (1.0, still)), (plain(w), numerical_jvp(plain, (w,), (1.0,))))
    else:
        gradient = astgrad.grad(f)
        want = np.reshape(numerical_hessian(lambda v: gradient(v, copy.deepcopy(objects)), (w,)), ())
        second = astgrad.hessian(f) if mode == "hessian" else astgrad.grad(astgrad.grad(f))
        assert_close(second(w, objects), want, 1e-4, 1e-5)
    assert_close(_state(objects), before)       # the caller's objects are left as they were
    if f not in (applied_in_a_dict, built_scaled_then_summed_under_one_name):     # (they change no argument)
        f(w, objects)
        assert not np.allclose(_leaves(_state(objects)), _leaves(before))     # f itself changes them


def _leaves(state):
    if isinstance(state, dict):
        return np.hstack([_leaves(v) for v in state.values()])
    if isinstance(state, list):
        return np.hstack([_leaves(v) for v in state])
    return np.ravel(state).astype(float) if np.asarray(state).dtype.kind in "fi" else np.zeros(0)


def _set(box, w):
    box.v = box.v * w


class ThroughHelper(Box):
    def scale(self, w):
        _set(self, w)


def scaled_through_a_helper(w, box):
    box.scale(w)
    return np.sum(box.v) * w


def scaled_through_a_helper_kept(w, box):     # (its value kept: a silent wrong gradient once)
    _ = box.scale(w)
    return np.sum(box.v) * w


REFUSED = {     # name: (f, its arguments, the line refused, after f's def line; what it says)
    "a method of the holder reads the items": (
        scaled_then_read_by_a_method, _model, 1,
        r"astgrad cannot differentiate the method call \.scale\(\) of a Box, which assigns self\.v, on an object "
        r"the argument model gives \(or holds\): .* or have the method return a new object"),
    "a property of the holder reads the items": (
        scaled_then_read_by_a_property, lambda: ModelWithTotal(_model().layers), 1,
        r"astgrad cannot differentiate the method call \.scale\(\) of a Box, which assigns self\.v, on an object "
        r"the argument model gives \(or holds\)"),
    "method changing self through a helper": (
        scaled_through_a_helper, lambda: ThroughHelper(np.array([0.3, -0.4])), 1,
        r"the call of ThroughHelper\.scale changes the object it is called on in place \(the call of _set at "
        r".*: _set\(self, w\)\), which astgrad cannot follow\. astgrad follows a method assigning self\.attr = "
        r"\.\.\. in its own body .*have the method return a new object"),
    "method changing self through a helper, its value kept": (
        scaled_through_a_helper_kept, lambda: ThroughHelper(np.array([0.3, -0.4])), 1,
        r"the call of ThroughHelper\.scale changes the object it is called on in place \(the call of _set at "
        r".*: _set\(self, w\)\), which astgrad cannot follow"),
}


@pytest.mark.parametrize("mode", ["grad", "jvp"])
@pytest.mark.parametrize("name", sorted(REFUSED))
def test_refused_at_the_line(name, mode):
    f, make, offset, message = REFUSED[name]
    objects = make()
    before = _state(objects)
    run = (lambda: astgrad.grad(f)(0.7, objects)) if mode == "grad" else \
        (lambda: astgrad.jvp(f, (0.7, objects), (1.0, None)))
    line = f.__code__.co_firstlineno + offset
    with pytest.raises(astgrad.TransformError, match=rf"test_refusals3\.py:{line}: {message}"):
        run()
    assert_close(_state(objects), before)
    assert_close(astgrad.grad(np.sin)(0.7), np.cos(0.7))        # the next call works


def test_a_dict_holding_one_object_twice_raises_at_the_call():
    box = Box(np.array([0.3, -0.4]))
    params = {"layer": box, "head": box}
    with pytest.raises(TypeError, match=r"test_refusals3\.py:\d+: the object the argument params\['layer'\] gives "
                                        r"is also reached otherwise here .* Hand the function the object only once"):
        astgrad.grad(scaled_in_a_dict)(0.7, params)
    assert_close(box.v, [0.3, -0.4])
    assert_close(astgrad.grad(scaled_in_a_dict)(0.7, _params("layer", "head")()),
                 numerical_grad(lambda w: scaled_in_a_dict(w, _params("layer", "head")()), (0.7,)))


def built_and_looped_twice_under_one_name(w, a):
    boxes = [Box(a * 1.0), Box(a * 2.0)]
    for b in boxes:
        b.scale(w)
    total = 0.0
    for b in boxes:
        total = total + np.sum(b.v)
    return total


def looped_twice_then_read_after(w, a):
    boxes = [Box(a * 1.0), Box(a * 2.0)]
    for b in boxes:
        b.scale(w)
    for b in boxes:
        b.scale(w * 2.0)
    return np.sum(b.v)          # the last item, which the second loop left bound


def test_a_loop_name_bound_by_another_loop_is_followed_and_refused_naming_the_list_where_read_after():
    a = np.array([0.3, -0.4])
    f = built_and_looped_twice_under_one_name       # each loop's b a name of its own: followed
    assert_close(astgrad.grad(f)(0.7, a), numerical_grad(lambda w: f(w, a), (0.7,)))
    line = looped_twice_then_read_after.__code__.co_firstlineno + 3
    with pytest.raises(astgrad.TransformError, match=rf"test_refusals3\.py:{line}: astgrad cannot differentiate the method call \.scale\(\) of a Box, "
                       r"which assigns self\.v, on an item of the list boxes that astgrad does not follow .* "
                       r"bind b only in this loop"):
        astgrad.grad(looped_twice_then_read_after)(0.7, a)
    f = built_scaled_then_summed_under_one_name
    assert_close(astgrad.grad(f)(0.7, a), numerical_grad(lambda w: f(w, a), (0.7,)))      # the next call works


COUNTER = itertools.count(1)


def tick():
    return next(COUNTER)


def counted(x):
    return np.sin(x) * np.cos(x[::-1]) * tick()


def counted_sum(x):
    return np.sum(np.sin(x) * np.cos(x[::-1])) * tick()


def summed_through_a_helper(x):
    return np.sum(counted(x))       # (counted is called as such: its derivative runs it again)


def tangent_of_counted(x, v):
    return astgrad.jvp(counted, (x,), (v,))[1]


def _position(counter):
    return int(re.fullmatch(r"count\((\d+)\)", repr(counter)).group(1))


def test_a_forward_derivative_inside_reading_an_iterator_is_followed_forward_and_refused_in_reverse():
    rng = np.random.default_rng(53)
    x, v, u = rng.normal(size=(3, 3))
    k = _position(COUNTER)
    value, tangent = astgrad.jvp(lambda y: tangent_of_counted(y, v), (x,), (u,))        # f runs once
    assert _position(COUNTER) == k + 1
    inner = lambda y: numerical_jvp(lambda z: np.sin(z) * np.cos(z[::-1]) * k, (y,), (v,))    # noqa: E731
    assert_close(value, inner(x))
    assert_close(tangent, numerical_jvp(inner, (x,), (u,)), 1e-4, 1e-5)
    value, tangent = astgrad.jvp(lambda y: astgrad.grad(counted_sum)(y) * y, (x,), (u,))
    assert _position(COUNTER) == k + 2
    outer = lambda y: numerical_grad(lambda z: np.sum(np.sin(z) * np.cos(z[::-1])) * (k + 1), (y,)) * y  # noqa: E731
    assert_close(value, outer(x), 1e-5, 1e-5)
    assert_close(tangent, numerical_jvp(outer, (x,), (u,)), 1e-4, 1e-4)
    line = tangent_of_counted.__code__.co_firstlineno + 1
    with pytest.raises(astgrad.TransformError, match=rf"test_refusals3\.py:{line}: .*runs again in the derivative "
                       r"of the code around it, while tick reads the iterator COUNTER .*"
                       r"differentiate the code around it with jvp, which runs it once"):
        astgrad.grad(lambda y: np.sum(tangent_of_counted(y, v)))(x)
    assert _position(COUNTER) == k + 2      # refused before anything ran


def test_a_helper_reading_an_iterator_whose_derivative_runs_it_again_is_refused_in_reverse():
    # grad ran counted twice, advancing COUNTER twice and differentiating with the second
    # item, where Python's call reads the first: a wrong gradient with no error before
    x = np.array([0.3, -0.5, 0.8])
    k = _position(COUNTER)
    line = summed_through_a_helper.__code__.co_firstlineno + 1
    with pytest.raises(astgrad.TransformError, match=rf"test_refusals3\.py:{line}: the call of counted .*while tick "
                       r"reads the iterator COUNTER .*take the next item outside and pass it in"):
        astgrad.grad(summed_through_a_helper)(x)
    assert _position(COUNTER) == k
    value, tangent = astgrad.jvp(summed_through_a_helper, (x,), (np.ones(3),))       # forward runs it once
    assert _position(COUNTER) == k + 1
    plain = lambda y: np.sum(np.sin(y) * np.cos(y[::-1])) * k       # noqa: E731
    assert_close((value, tangent), (plain(x), numerical_jvp(plain, (x,), (np.ones(3),))))


def test_an_attribute_s_item_reached_another_way_raises_at_the_call():
    model = _model()
    model.head = model.layers[0]        # Python's model.head.v would show the change
    with pytest.raises(TypeError, match=r"test_refusals3\.py:\d+: the object the argument model\.layers\[0\] gives "
                                        r"is also reached otherwise here"):
        astgrad.grad(scaled_through_an_attribute)(0.7, model)
    assert_close(model.layers[0].v, [0.3, -0.4])
    del model.head
    assert_close(astgrad.grad(scaled_through_an_attribute)(0.7, model),
                 numerical_grad(lambda w: scaled_through_an_attribute(w, _model()), (0.7,)))


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
def test_a_loop_over_self_layers_in_a_method_is_followed_on_copies(mode):
    stack = Stack(_model().layers)
    before = _state(stack)
    w = float(np.random.default_rng(7).uniform(0.4, 0.9))
    plain = lambda v: Stack(_model().layers).scaled(v)       # noqa: E731
    if mode == "grad":
        assert_close(astgrad.grad(stack.scaled)(w), numerical_grad(plain, (w,)))
    elif mode == "jvp":
        assert_close(astgrad.jvp(stack.scaled, (w,), (1.0,)), (plain(w), numerical_jvp(plain, (w,), (1.0,))))
    else:
        gradient = lambda v: astgrad.grad(Stack(_model().layers).scaled)(v)        # noqa: E731
        assert_close(astgrad.hessian(stack.scaled)(w), np.reshape(numerical_grad(gradient, (w,)), ()), 1e-4, 1e-5)
    assert_close(_state(stack), before)


class Layer:
    def __init__(self, a):
        self.a = a

    def __call__(self, x):
        return np.sin(self.a * x)


class Net:
    def __init__(self):
        self.layers = [Layer(np.array([0.3, -0.4])), Layer(np.array([1.1, 0.5]))]

    def by_index(self, x):
        h = x
        for i in range(len(self.layers)):
            h = self.layers[i](h)
        return np.sum(h)

    def by_loop(self, x):
        h = x
        for layer in self.layers:
            h = layer(h)
        return np.sum(h)


def test_a_layer_called_at_an_index_known_when_run_is_followed_as_the_loop_is():
    net = Net()
    assert_close(astgrad.grad(net.by_index)(0.7), numerical_grad(net.by_index, (0.7,)))
    assert_close(astgrad.grad(net.by_loop)(0.7), numerical_grad(net.by_loop, (0.7,)))
