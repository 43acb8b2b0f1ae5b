"""Refusals whose words named the wrong thing: each still raises TransformError at its
line, now naming what the line writes, why astgrad cannot follow it and what to write
instead (the advice itself is checked against finite differences where it is code)."""

import re

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_hessian
from test_objects68 import Dense, Scale


def _line_of(f, text):
    import inspect
    lines, start = inspect.getsourcelines(f)
    return start + next(i for i, line in enumerate(lines) if text in line)


def _refused_at(f, text, *args):
    with pytest.raises(astgrad.TransformError) as caught:
        astgrad.grad(f)(*args)
    message = str(caught.value)
    assert f"{__file__}:{_line_of(f, text)}:" in message, message
    return message


def accumulate_into_out(x):
    out = np.empty(4)
    np.add.accumulate(x, out=out)
    return np.sum(out * out)


def test_out_of_a_ufunc_method_names_the_array_written_and_the_ufunc():
    # it said "calling ufunc.accumulate changes 'x' in place": x is only read
    message = _refused_at(accumulate_into_out, "np.add.accumulate", np.arange(1.0, 5.0))
    assert "calling numpy.add.accumulate changes 'out' in place" in message, message
    assert "out = numpy.add.accumulate(...)" in message, message


def accumulate_assigned(x):
    out = np.add.accumulate(x)
    return np.sum(out * out)


def test_the_advice_for_out_is_followed():
    x = np.random.default_rng(73).normal(size=4)
    assert_close(astgrad.grad(accumulate_assigned)(x), numerical_grad(accumulate_assigned, (x,)))


W = np.array([0.3, -0.7, 1.1])


def total(layers):
    return np.sum(layers[0].W)


def handed_after_the_store(w):
    layers = [Dense(w), Dense(2.0 * w)]
    old = layers[:]
    old[1] = Scale(w)
    s = total(old)                  # the copy, the new object in it, handed whole to a helper
    y = w
    for layer in old:
        y = layer.apply(y)
    return np.sum(y) + s


def test_a_copy_handed_to_a_helper_after_a_store_says_so():
    # it said "assignment into an element of 'old' while another name may share its memory"
    message = _refused_at(handed_after_the_store, "old[1] = Scale(w)", W)
    assert re.search(r"a store into 'old', a copy of the list 'layers' \(line \d+\), which is then handed whole "
                     r"to a call \(total\(old\)\) at line \d+, after the store", message), message
    assert "for t in old: s = s + t.attr" in message, message


def read_in_a_loop_after_the_store(w):
    layers = [Dense(w), Dense(2.0 * w)]
    old = layers[:]
    old[1] = Scale(w)
    s = 0.0
    for t in old:                   # what the message advises
        s = s + np.sum(t.W)
    y = w
    for layer in old:
        y = layer.apply(y)
    return np.sum(y) + s


def test_the_advice_for_the_copy_is_followed():
    f = read_in_a_loop_after_the_store
    assert_close(astgrad.grad(f)(W.copy()), numerical_grad(f, (W.copy(),)))
    value, tangent = astgrad.jvp(f, (W.copy(),), (np.array([0.5, 1.0, -2.0]),))
    assert value == pytest.approx(f(W.copy()))
    assert_close(tangent, numerical_grad(f, (W.copy(),)) @ np.array([0.5, 1.0, -2.0]))
    g = astgrad.grad(f)
    assert_close(astgrad.hessian(f)(W.copy()), numerical_hessian(lambda v: g(v.copy()), (W.copy(),)), 1e-4, 1e-5)


def held_array_written(x, w):
    s = {"v": x * 1.0}
    s["v"] *= w
    s["v"][1:3] += w * s["v"][0]
    s["v"][0] = w
    return np.sum(s["v"] ** 2)


def test_a_write_into_an_array_a_dict_holds_names_it():
    # it said "... this line writes into (an item of a container or an attribute) ..."
    message = _refused_at(held_array_written, 's["v"][1:3] += w', np.arange(1.0, 5.0), 1.5)
    assert 'the array that s["v"] holds (s["v"][1:3])' in message, message
    assert 'v = s["v"].copy()' in message and 's["v"] = v' in message, message
    assert 's["v"][1:3] = s["v"][1:3] + ... rather than +=' in message, message


def held_array_through_a_local_name(x, w):
    s = {"v": x * 1.0}
    v = s["v"].copy()               # the first advice
    v[1:3] += w * v[0]
    v[0] = w * v[-1]
    s["v"] = v
    return np.sum(s["v"] ** 2)


def held_array_given_a_new_value(x, w):
    s = {"v": x * 1.0}
    s["v"] = s["v"] * w
    s["v"][1:3] = s["v"][1:3] + w * s["v"][0]       # the second advice
    s["v"][0] = w
    return np.sum(s["v"] ** 2)


@pytest.mark.parametrize("f", [held_array_through_a_local_name, held_array_given_a_new_value])
def test_the_advice_for_an_array_a_dict_holds_is_followed(f):
    rng = np.random.default_rng(73)
    for n in (3, 5):
        x, w = rng.normal(size=n), 0.8
        assert_close(astgrad.grad(f)(x, w), numerical_grad(f, (x, w)))
        assert_close(astgrad.grad(f, 1)(x, w), numerical_grad(lambda v: f(x, v), (w,)))
        g = astgrad.grad(f)
        assert_close(astgrad.hessian(f)(x, w), numerical_hessian(lambda v: g(v, w), (x,)), 1e-4, 1e-5)


def write_into_a_slice(y, w):
    t = y[1:]
    t[0] = t[0] * w


def hands_a_list_to_a_slice_writer(a, w):
    items = [a, a * 2.0, a * 3.0]
    write_into_a_slice(items, w)
    return items[1] * w


def test_a_helper_writing_into_a_slice_of_a_list_says_the_slice_is_a_new_list():
    # it said "this writes into a list held by a list": the slice is not held by the list
    with pytest.raises(TypeError) as caught:
        astgrad.grad(hands_a_list_to_a_slice_writer)(1.5, 0.7)
    message = str(caught.value)
    assert f"{__file__}:{_line_of(write_into_a_slice, 't[0] = t[0] * w')}: this writes into a slice of a list" \
        in message, message
    assert "a new list of its own, so the list it was taken from" in message, message
    assert "y[1] = y[1] * w" in message and "return [t[0] * w] + t[1:]" in message, message


def write_into_the_list(y, w):
    y[1] = y[1] * w


def hands_a_list_to_an_item_writer(a, w):
    items = [a, a * 2.0, a * 3.0]
    write_into_the_list(items, w)
    return items[1] * w


def new_list_of_a_slice(y, w):
    t = y[1:]
    return [t[0] * w] + t[1:]


def uses_the_new_list(a, w):
    items = [a, a * 2.0, a * 3.0]
    t = new_list_of_a_slice(items, w)
    return items[1] * w + t[0] * t[1]


@pytest.mark.parametrize("f", [hands_a_list_to_an_item_writer, uses_the_new_list])
def test_the_advice_for_a_slice_of_a_list_is_followed(f):
    for a, w in [(1.5, 0.7), (-0.4, 1.3)]:
        assert_close(astgrad.grad(f)(a, w), numerical_grad(f, (a, w)))
        assert_close(astgrad.grad(f, 1)(a, w), numerical_grad(lambda v: f(a, v), (w,)))
        g = astgrad.grad(f, 1)
        assert_close(astgrad.hessian(f, 1)(a, w), numerical_grad(lambda v: g(a, v), (w,)), 1e-4, 1e-5)
