"""Refusals in the user's terms: each names what the code does that astgrad cannot follow
and what to write instead (the behaviour, refused, is the same as before)."""

import functools
import re

import numpy as np
import pytest

import astgrad
import object_list_programs as P

W = np.array([0.3, -0.7, 1.1])


@pytest.mark.parametrize("name, why", [
    ("m31", r"'ys' is read inside a loop over 'layers' \(line \d+\) otherwise than as ys\[i\]\.attr before "
            r"the pass changes the loop's object"),
    ("m26", r"'layers' is stored into at an index \(line \d+\) while 'ys' holds its objects"),
    ("m32", r"'ys' is bound inside a branch or loop and read after it"),
    ("m33", r"'ys' is read in a nested function, or in a comprehension that may not run \(under and"),
])
def test_a_list_moved_out_of_another_names_both_lists_and_the_rewrite(name, why):
    with pytest.raises(astgrad.TransformError) as raised:
        astgrad.grad(getattr(P, name))(W.copy())
    message = str(raised.value)
    assert f"object_list_programs.py:{raised.value.lineno}: the objects in 'ys' were moved out of the list " \
           "'layers' (line " in message
    assert re.search(why, message), message
    assert "change the objects through 'layers' itself (layers[k].attr = ..., layers[k].method(...))" in message
    assert "append is supported" not in message


class _Counter:
    pass


def _two_refusals_on_a_line(w, counter):
    layers = [P.Layer(w * (i + 1.0), 0.1 * i) for i in range(len(w))]
    ys = layers[:1]
    layers[0] = P.Layer(w, 0.0)
    counter.calls = w; ys[0].step(w)       # noqa: E702
    return np.sum(layers[0].W + ys[0].W)


def test_another_refusal_on_the_line_of_a_moved_list_keeps_its_own_words():
    # the line's first refusal is of counter.calls = w, which uses neither list: it was
    # given the moved list's words, as the line uses 'ys'
    with pytest.raises(astgrad.TransformError) as raised:
        astgrad.grad(_two_refusals_on_a_line)(W.copy(), _Counter())
    message = str(raised.value)
    assert "astgrad cannot differentiate assignment to an attribute" in message
    assert "were moved out of the list" not in message


def _multiply_cast_into(x, w):
    a = np.zeros(3)
    np.multiply(x, w, out=a, casting="unsafe")
    return np.sum(a)


def _put_through_a_partial(x, w):
    a = np.zeros(3)
    put = functools.partial(np.put, a)
    put([1], w)
    return np.sum(a * x)


def test_a_ufuncs_casting_is_refused_as_not_followed_with_the_rewrite():
    for transform in (lambda: astgrad.grad(_multiply_cast_into, wrt=1)(W, W),
                      lambda: astgrad.jvp(_multiply_cast_into, (W, W), (W, W))):
        with pytest.raises(astgrad.TransformError, match="astgrad does not follow casting= of numpy.multiply") as raised:
            transform()
        assert "out[...] = numpy.multiply(x1, x2)" in str(raised.value)
        assert "unexpected keyword" not in str(raised.value)


def test_a_partial_changing_the_array_it_holds_names_that_array():
    with pytest.raises(astgrad.TransformError) as raised:
        astgrad.grad(_put_through_a_partial, wrt=1)(W, 2.0)
    assert "calling numpy.put through the functools.partial put changes 'a', the argument put holds, in place" \
        in str(raised.value)
    assert "numpy.put(a, ...)" in str(raised.value)


class _Tank:
    def __init__(self, level):
        self.level = level

    def pop(self, rate):
        self.released = self.level * rate
        return self.released


def _drained(rate, tanks):
    total = 0.0
    for tank in tanks:
        total = total + tank.pop(rate) ** 2
    return total + tanks[0].released


def test_export_of_methods_changing_argument_objects_says_it_has_no_classes_to_specialize_for():
    with pytest.raises(astgrad.TransformError) as raised:
        astgrad.export(_drained)
    message = str(raised.value)
    assert "astgrad.export writes the derivative of _drained before it is called, so it has no arguments " \
           "whose classes (or functions) it could generate the code for" in message
    assert "differentiate _drained with astgrad.grad, jvp or hessian instead" in message
    assert "total = total + tank.pop(rate) ** 2" in message
    assert "assignment into an element of" not in message
