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
