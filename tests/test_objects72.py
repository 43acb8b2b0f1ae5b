"""Loops over a slice of a list of objects held as a list per attribute (``for t in
layers[1:]``, also appending new objects built from them to a list of new and moved
objects), and new objects of a class whose ``__init__`` computes its attributes appended
in a loop of run-time length. Each followed form is checked in grad, jvp, vjp (a random
cotangent) and hessian against central finite differences, with respect to the weights
the objects hold; the neighbours not followed are refused in the user's words."""

import re

import numpy as np
import pytest

import astgrad
from test_objects68 import Dense, Scale
from test_objects71 import W, _every_mode


class Doubled:
    def __init__(self, W):
        self.W = W * 2.0            # computed: its objects are not just the arguments given

    def apply(self, x):
        return np.tanh(self.W * x)

    def step(self, g):
        self.W = self.W - 0.1 * g


def appended_over_a_slice(w):
    layers = [Dense(w * (i + 1.0)) for i in range(len(w))]      # its length known when the code runs
    new = layers[1:]
    for t in layers[1:]:
        new.append(Dense(t.W))
    y = w
    for layer in new:
        layer.step(y)               # layers[1] and layers[2] change too
        y = layer.apply(y)
    return np.sum(y) + np.sum(layers[1].W)


def stepped_over_a_slice(w):
    layers = [Dense(w * (i + 1.0)) for i in range(len(w))]
    y = w
    for t in layers[1:]:
        t.step(y)
        y = t.apply(y)
    return np.sum(y) + np.sum(layers[1].W) + np.sum(layers[0].W)


def stepped_over_every_other_from_the_end(w):
    layers = [Dense(w * (i + 1.0)) for i in range(len(w))]
    y = w
    for t in layers[::-2]:          # layers[2], then layers[0]
        t.step(y)
        y = t.apply(y)
    return np.sum(y) + np.sum(layers[0].W) + np.sum(layers[2].W)


def stepped_over_a_slice_of_a_moved_list(w):
    layers = [Dense(w * (i + 1.0)) for i in range(len(w))]
    ys = layers[1:]
    y = w
    for t in ys[1:]:                # layers[2]
        t.step(y)
        y = t.apply(y)
    return np.sum(y) + np.sum(layers[2].W) * len(ys)


def stepped_over_an_empty_slice(w):
    layers = [Dense(w * (i + 1.0)) for i in range(len(w))]
    y = w
    for t in layers[5:]:            # no pass
        t.step(y)
        y = t.apply(y)
    return np.sum(y) + np.sum(layers[1].W)


def stepped_over_a_slice_bounded_when_the_code_runs(w, n):
    layers = [Dense(w * (i + 1.0)) for i in range(len(w))]
    y = w
    for t in layers[n:-1]:
        t.step(y)
        y = t.apply(y)
    for t in layers[:2]:            # a second loop over another slice
        t.step(y)
        y = t.apply(y)
    return np.sum(y) + np.sum(layers[1].W)


def stepped_over_a_slice_of_a_display(w):
    layers = [Dense(w), Dense(2.0 * w), Dense(3.0 * w)]
    ys = layers[:1]
    y = w
    for t in layers[1:]:
        t.step(y)
        y = t.apply(y)
    for t in ys:
        t.step(y)
    return np.sum(y) + np.sum(layers[1].W) + np.sum(layers[0].W)


def computed_objects_in_a_loop_of_known_passes(w):
    layers = [Dense(w), Dense(2.0 * w)]
    new = layers[1:]
    for k in range(3):
        new.append(Doubled(w * (k + 1.0)))
    y = w
    for layer in new:
        layer.step(y)
        y = layer.apply(y)
    return np.sum(y) + np.sum(layers[1].W)


def computed_objects_counted(w, n):
    layers = [Dense(w), Dense(2.0 * w)]
    new = layers[1:]
    for k in range(n):
        new.append(Doubled(w * (k + 1.0)))
    return np.sum(layers[1].W) * len(new)


@pytest.mark.parametrize("f, rest", [
    (appended_over_a_slice, ()), (stepped_over_a_slice, ()), (stepped_over_every_other_from_the_end, ()),
    (stepped_over_a_slice_of_a_moved_list, ()), (stepped_over_an_empty_slice, ()),
    (stepped_over_a_slice_bounded_when_the_code_runs, (1,)), (stepped_over_a_slice_bounded_when_the_code_runs, (-3,)),
    (stepped_over_a_slice_of_a_display, ()),
    (computed_objects_in_a_loop_of_known_passes, ()), (computed_objects_counted, (2,)),
], ids=lambda v: v.__name__ if callable(v) else str(v))
def test_loops_over_slices_and_computed_objects_in_every_mode(f, rest):
    # the loops over a slice were refused before ("'new' also holds a new object", or
    # ".step() changes a differentiated value in place")
    _every_mode(f, W, *rest)


def sliced_by_a_float(w):
    layers = [Dense(w * (i + 1.0)) for i in range(len(w))]
    y = w
    for t in layers[1.0:]:
        t.step(y)
        y = t.apply(y)
    return np.sum(y)


def test_a_slice_python_refuses_raises_as_python_does():
    with pytest.raises(TypeError, match="slice indices must be integers"):
        sliced_by_a_float(W)
    with pytest.raises(TypeError, match="slice indices must be integers"):
        astgrad.grad(sliced_by_a_float)(W)


def computed_objects_appended_n_times(w, n):
    layers = [Dense(w), Dense(2.0 * w)]
    new = layers[1:]
    for k in range(n):
        new.append(Doubled(w * (k + 1.0)))
    y = w
    for layer in new:
        layer.step(y)
        y = layer.apply(y)
    return np.sum(y) + np.sum(layers[1].W)


def test_computed_objects_appended_in_a_loop_of_run_time_length_are_refused_in_words():
    # it said ".step() changes a differentiated value in place"
    with pytest.raises(astgrad.TransformError) as raised:
        astgrad.grad(computed_objects_appended_n_times)(W, 2)
    message = str(raised.value)
    assert re.search(r"'new' \(line \d+\) holds new objects beside objects moved out of the list 'layers', and the "
                     r"Doubled objects appended to it in the loop at line \d+, whose passes are known only when the "
                     r"code runs, are not just their attributes as given \(Doubled.__init__ does more than store "
                     r"each argument as an attribute", message), message
    assert "Doubled(2.0 * w)" in message and "for k in range(3)" in message, message
    assert "layer.step(y)" in message and "in place" not in message


def total(xs):
    s = 0.0
    for x in xs:
        s = s + np.sum(x.W)
    return s


def copy_handed_to_a_helper_before_a_store(w):
    layers = [Dense(w), Dense(2.0 * w), Dense(3.0 * w)]
    a = layers[:1]
    b = layers[1:]
    old = layers[:]
    s = total(old)                  # the copy handed whole to a helper
    old[1] = Scale(w)
    y = w
    for layer in old:
        y = layer.apply(y)
    for layer in a + b:
        y = layer.apply(y)
    return np.sum(y) * s


def copy_summed_by_a_loop_before_a_store(w):
    layers = [Dense(w * (i + 1.0)) for i in range(len(w))]
    old = layers[:]
    s = 0.0
    for t in old:                   # what the helper did, written in the function
        s = s + np.sum(t.W)
    old[1] = Scale(w)
    y = w
    for layer in old:
        layer.step(y)
        y = layer.apply(y)
    return np.sum(y) + s + np.sum(layers[2].W)


def read_through_the_list_before_a_store(w):
    layers = [Dense(w), Dense(2.0 * w), Dense(3.0 * w)]
    old = layers[:]
    s = np.sum(layers[0].W) + np.sum(layers[1].W)
    old[1] = Scale(w)
    y = w
    for layer in old:
        layer.step(y)
        y = layer.apply(y)
    return np.sum(y) * s + np.sum(layers[0].W)


@pytest.mark.parametrize("f", [copy_summed_by_a_loop_before_a_store, read_through_the_list_before_a_store],
                         ids=lambda f: f.__name__)
def test_the_forms_the_words_for_a_copy_handed_to_a_helper_advise_in_every_mode(f):
    _every_mode(f, W)


def test_a_copy_handed_to_a_helper_before_a_store_is_refused_advising_forms_followed():
    # the words advised handing on 'layers' itself or [layers[0], layers[1]], which were
    # refused in turn ("no adjoint rule for .apply()")
    with pytest.raises(astgrad.TransformError) as raised:
        astgrad.grad(copy_handed_to_a_helper_before_a_store)(W)
    message = str(raised.value)
    assert re.search(r"a store into 'old', a copy of the list 'layers' \(line \d+\) read whole at line \d+ before the "
                     r"store", message), message
    assert "(for t in old: s = s + t.attr) rather than handing it to a call" in message
    assert "through 'layers' at its positions (layers[0].attr)" in message and "hand on" not in message


def test_a_loop_over_another_list_moved_out_names_that_list_in_the_words():
    # refused at a line of the loop over 'old' (the list 'new' beside it holds a new object
    # and reads new[k] over range(len(new) - 1)): the words spoke of 'new' only
    from test_refusal_words67 import W3, appends_then_indexes_all_but_the_last

    with pytest.raises(astgrad.TransformError) as raised:
        astgrad.grad(appends_then_indexes_all_but_the_last)(W3.copy())
    message = str(raised.value)
    assert "layer.apply(w)" in message and "'new' also holds a new object" in message, message
    assert message.rstrip().splitlines()[0].endswith(
        "the line refused is in a loop over 'old', also moved out of 'layers', whose objects astgrad then does not "
        "follow either"), message
