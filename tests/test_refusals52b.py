"""Attribute assignment on an item of a list of objects the function builds, at an
index known only when the code runs (``boxes[int(c)].v = ...``), followed as the
method call on it is; and the advised rewrites of refusals, followed. Each program
against central finite differences at random points: gradient, jvp, and second order
both ways; what stays refused, by its message at the user's line, and the next call
works."""

import inspect

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad
from test_leftovers_round51 import Box
from two_argument_checks import check_first_order


def attribute_set_at_an_int_call(a, w):
    boxes = [Box(a), Box(2.0 * w)]
    boxes[int(a > 0.0)].v = np.sin(a) * w
    return boxes[0].v + boxes[1].v * a


def attribute_set_at_a_loop_counter(a, w):
    boxes = [Box(a), Box(w), Box(a * w)]
    for i in range(3):
        boxes[i].v = a * (i + 1.0) * w
        boxes[2 - i].scale(w)
    return boxes[0].v * boxes[1].v + boxes[2].v


def attribute_set_from_a_name(a, w):
    bs = {"x": Box(a), "y": Box(w)}
    for key in ("y", "x"):
        v = a * w
        bs[key].v = v
        bs[key].scale(a)
    return bs["x"].v * bs["y"].v


def attribute_set_reading_the_item_through_a_name(a, w):
    boxes = [Box(a), Box(w)]
    b = boxes[int(w > 0.0)]     # the rewrite the refusal of boxes[i].v = boxes[i].v * a advises
    b.v = b.v * a
    return boxes[0].v + boxes[1].v * w


PROGRAMS = [attribute_set_at_an_int_call, attribute_set_at_a_loop_counter, attribute_set_from_a_name,
            attribute_set_reading_the_item_through_a_name]


@pytest.mark.parametrize("f", PROGRAMS, ids=lambda f: f.__name__)
def test_followed_against_finite_differences(f):
    rng = np.random.default_rng(522)
    args = (float(rng.uniform(0.3, 0.9)), float(rng.uniform(0.3, 0.9)))
    check_first_order(f, args, (0.7, -0.4))
    gradient = astgrad.grad(f, wrt=0)         # second order: of the first gradient, both ways
    expected = tuple(numerical_grad(gradient, args, wrt=j) for j in (0, 1))
    assert_close(astgrad.grad(gradient, wrt=(0, 1))(*args), expected, rtol=1e-4, atol=1e-6, msg="grad of grad")
    assert_close(astgrad.jvp(gradient, args, (1.0, 0.0))[1], expected[0], rtol=1e-4, atol=1e-6, msg="jvp of grad")


def value_computed_before_the_index(a, w):
    boxes = [Box(a), Box(w)]
    boxes[int(w)].v = a / (w - w)       # Python divides first: ZeroDivisionError, not IndexError
    return boxes[0].v


def index_out_of_range(a, w):
    boxes = [Box(a), Box(w)]
    boxes[int(w)].v = a * w
    return boxes[0].v


def test_errors_as_python_raises_them():
    for f, error in [(value_computed_before_the_index, ZeroDivisionError), (index_out_of_range, IndexError)]:
        with pytest.raises(error):
            f(0.5, 7.0)
        with pytest.raises(error):
            astgrad.grad(f)(0.5, 7.0)
    assert astgrad.grad(index_out_of_range)(0.5, 1.0) == pytest.approx(1.0)    # the next call works (boxes[1] set)
