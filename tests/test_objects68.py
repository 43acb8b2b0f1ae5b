"""Objects as users write them, followed in every mode: a class chosen by an ``if``
statement (``elif`` too) or bound by a plain alias, then built and its method called; a
list joining new objects to objects of another list (``[Dense(w * w)] + layers[1:]``, an
append, ``+=``) and a copy of a list of objects stored into (``old = layers[:]; old[1] =
Scale(w)``), then looped over. Each is checked in grad, jvp, vjp (a random cotangent) and
hessian against central finite differences; their neighbours (the name rebound, a class
redefined between calls, a list that is the same list, not a copy) are followed correctly
or refused in the user's words."""

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad
from test_objects64 import _every_mode      # grad, jvp, vjp and hessian against finite differences


class Dense:
    def __init__(self, W):
        self.W = W

    def apply(self, x):
        return np.tanh(self.W * x)

    def step(self, g):
        self.W = self.W - 0.1 * g


class Scale:
    def __init__(self, W):
        self.W = W

    def apply(self, x):
        return self.W * x * x

    def step(self, g):
        self.W = self.W * (1.0 + 0.1 * g)


def by_if(w):
    if w[0] > 0:
        cls = Dense
    elif w[1] > 0:
        cls = Scale
        w = w * 2.0
    else:
        cls = Scale
    layer = cls(w * 2.0)
    return np.sum(layer.apply(w)) + np.sum(layer.W)


def by_alias(w):
    cls = Dense
    return np.sum(cls(w).apply(w * w))


def new_and_moved(w):
    layers = [Dense(w), Dense(2.0 * w), Dense(3.0 * w)]
    new = [Dense(w * w)] + layers[1:]
    y = w
    for layer in new:
        y = layer.apply(y)
    return np.sum(y) * len(new) + np.sum(new[0].W)


def appended(w):
    layers = [Dense(w), Scale(2.0 * w), Dense(3.0 * w)]
    new = layers[1:]
    new.append(Dense(w))
    y = w
    for layer in new:
        layer.step(y)               # changes the objects layers holds too
        y = layer.apply(y)
    return np.sum(y) + np.sum(layers[1].W) + np.sum(new[-1].W)


def extended(w):
    layers = [Dense(w), Dense(2.0 * w)]
    new = [Scale(w)]
    new += layers[1:]
    y = w
    for layer in new:
        y = layer.apply(y)
    return np.sum(y)


def stored_copy(w):
    layers = [Dense(w), Dense(2.0 * w), Dense(0.5 * w)]
    old = layers[:]
    old[1] = Scale(w)
    y = w
    for layer in old:
        y = layer.apply(y)
    for layer in layers:            # layers as it was: old is a new list
        y = layer.apply(y)
    return np.sum(y)


def listed_copy(w):
    layers = [Dense(w), Dense(2.0 * w)]
    old = list(layers)
    old[0] = Scale(w * w)
    y = w
    for layer in old:
        layer.step(w)
        y = layer.apply(y)
    return np.sum(y) + np.sum(layers[0].W) + np.sum(layers[1].W)


def stored_columns(w):
    layers = [Dense(w * (i + 1.0)) for i in range(len(w))]     # its length known when the code runs
    old = layers[:]
    old[1] = Scale(w)
    y = w
    for layer in old:
        layer.step(y)               # layers[0] and layers[2] change too, layers[1] does not
        y = layer.apply(y)
    return np.sum(y) + np.sum(layers[2].W) + np.sum(layers[1].W)


def two_stores(w):
    layers = [Dense(w), Dense(2.0 * w), Dense(3.0 * w)]
    old = layers[:]
    old[0] = Scale(w)
    old[2] = Scale(w * w)
    old[1] = Dense(0.5 * w)
    y = w
    for layer in old:
        y = layer.apply(y)
    return np.sum(y)


def rest_named(w):
    layers = [Dense(w), Dense(2.0 * w), Dense(3.0 * w)]
    rest = layers[1:]
    new = [Scale(w)] + rest
    new.append(Dense(w * w))
    new[-1] = Scale(0.5 * w)        # the appended object replaced
    y = w
    for layer in new:
        layer.step(w)               # through new: the objects rest and layers hold change too
        y = layer.apply(y)
    for layer in rest:
        y = layer.apply(y)
    return np.sum(y) + np.sum(layers[2].W)


def in_an_outer_loop(w):
    y = w
    for k in range(2):
        layers = [Dense(w * (k + 1.0)), Dense(2.0 * w)]
        new = layers[:1]
        new.append(Scale(w))
        for layer in new:
            y = layer.apply(y)
    return np.sum(y)


W = np.array([0.3, -0.7, 1.1])


@pytest.mark.parametrize("f", [by_if, by_alias], ids=lambda f: f.__name__)
def test_a_class_chosen_by_an_if_or_an_alias_in_every_mode(f):
    # refused before: cls(w) was a call of a function value astgrad did not know
    _every_mode(f, W)
    for w in (np.array([-0.3, 0.7, 1.1]), np.array([-0.3, -0.7, 1.1])):      # elif, else
        assert_close(astgrad.grad(f)(w), numerical_grad(f, (w,)))


@pytest.mark.parametrize("f", [new_and_moved, appended, extended, stored_copy, listed_copy, stored_columns,
                               two_stores, rest_named, in_an_outer_loop],
                         ids=lambda f: f.__name__)
def test_new_objects_beside_moved_ones_in_every_mode(f):
    # refused before: 'new' also holds a new object; old[k] = ... on a copy was an alias write
    _every_mode(f, W)


def test_a_class_redefined_between_calls_is_read_again():
    global Dense
    first = astgrad.grad(by_alias)(W)
    kept = Dense

    class Other(kept):
        def apply(self, x):
            return np.sin(self.W * x)
    try:
        Dense = Other
        again = astgrad.grad(by_alias)(W)
        assert_close(again, numerical_grad(by_alias, (W,)))
        assert not np.allclose(again, first)
    finally:
        Dense = kept


def rebound_name(w):
    cls = Dense
    y = cls(w).apply(w)
    cls = Scale
    return np.sum(cls(w).apply(y))


def not_a_class(w):
    if w[0] > 0:
        cls = Dense
    else:
        cls = np.sin
    return np.sum(cls(w * w))


@pytest.mark.parametrize("f", [rebound_name, not_a_class], ids=lambda f: f.__name__)
def test_a_name_holding_a_class_and_something_else_is_refused_in_its_words(f):
    words = r"'cls' holds the class Dense \(line \d+\) but is (bound again|also bound to a value that is not a class)"
    with pytest.raises(astgrad.TransformError, match=words):
        astgrad.grad(f)(W)


def same_list(w):
    layers = [Dense(w), Dense(2.0 * w)]
    old = layers                    # the same list: the store changes layers too
    old[1] = Scale(w)
    y = w
    for layer in layers:
        y = layer.apply(y)
    return np.sum(y)


def test_a_store_into_the_same_list_stays_refused():
    with pytest.raises(astgrad.TransformError, match="assignment into an element of 'old'"):
        astgrad.grad(same_list)(W)


def past_the_end(w):
    layers = [Dense(w), Dense(2.0 * w)]
    old = layers[1:]
    old[1] = Scale(w)
    y = w
    for layer in old:
        y = layer.apply(y)
    return np.sum(y)


def test_a_store_past_the_end_of_the_copy_raises_as_python_does():
    with pytest.raises(IndexError):
        past_the_end(W)
    with pytest.raises(IndexError, match="list assignment index out of range"):
        astgrad.grad(past_the_end)(W)


def read_before_the_store(w):
    layers = [Dense(w), Dense(2.0 * w)]
    old = layers[:]
    y = w
    for layer in old:
        y = layer.apply(y)
    old[1] = Scale(w)               # the copy read whole before the store: not written as parts
    for layer in old:
        y = layer.apply(y)
    return np.sum(y)


def test_a_copy_read_whole_before_a_store_stays_refused():
    with pytest.raises(astgrad.TransformError, match="assignment into an element of 'old'"):
        astgrad.grad(read_before_the_store)(W)


def same_list_appended(w):
    layers = [Dense(w), Dense(2.0 * w)]
    rest = layers[1:]
    new = rest                      # the same list: the append shows in rest
    new.append(Scale(w))
    y = w
    for layer in rest:
        y = layer.apply(y)
    return np.sum(y)


def loop_name_read_after(w):
    layers = [Dense(w), Dense(2.0 * w)]
    new = [Scale(w)] + layers[1:]
    y = w
    for layer in new:
        y = layer.apply(y)
    return np.sum(y) + np.sum(layer.W)      # the last object: not written out per part


@pytest.mark.parametrize("f", [same_list_appended, loop_name_read_after], ids=lambda f: f.__name__)
def test_lists_not_written_as_parts_stay_refused(f):
    with pytest.raises(astgrad.TransformError, match=r"\.apply\(\)"):
        astgrad.grad(f)(W)
