"""A method changing its object's array in place (``self.data[k] *= c``), called inside an
expression that reads the object before the call: followed where what the expression
read is used up before the call, as Python's value is.

- An item of the array (``a.data[0] + a.bumped(0, c)``): on a 1-D array a number, a copy
  the call cannot change (before: refused as a read of the object). Also between two such
  calls, with a negative index, under ``op=``, inside nested calls, and a full index of a
  2-D array (``a.data[0, 1]``, a number too).
- A method's value or an operator's before the call (``a.total() + a.bumped(0, c)``,
  ``s + u + a.bumped(0, c)``), and the call as a whole branch of a conditional
  expression (``a.data[0] * (a.bumped(0, c) if k > 0 else w[2])``, a call in each branch),
  written as an ``if`` binding a name first; a method of the object called in its test
  keeps the refusal.

Each form is checked on an object built once, built at each turn of a loop, appended to
a list at each turn (before: refused there, but for the conditional expression), and
handed one array at each turn, in grad, value_and_grad, jvp, vjp (a random cotangent),
hessian and jvp of grad against central differences of what Python computes, at two
sizes, the caller's array unchanged.

Which an item is, a number or a row (a view, which shows the call's change), is known
only when the code runs: a row of a 2-D array read before the call is refused then, in
words naming the user's line and read, as is a slice (refused before the code runs); a
row read after the call is followed."""

import re

import numpy as np
import pytest

import astgrad
from test_objects74 import check_every_mode, check_jvp_of_grad      # against central differences
from test_objects82 import Bumped


class Tallied(Bumped):
    def total(self):
        return np.sum(self.data ** 2)


# -- an object built once, or at each turn -----------------------------------------------

def item_before_the_call(w):
    a = Bumped(w * 1.0)
    s = a.data[0] + a.bumped(0, w[1])
    return s + np.sum(a.data ** 2)


def item_between_two_calls(w):
    a = Bumped(np.sin(w))
    s = a.bumped(1, w[0]) + a.data[1] * a.bumped(1, w[2])
    return s + np.sum(a.data * w)


def items_in_nested_calls(w):
    a = Bumped(w * 2.0)
    s = np.sin(a.data[0] * np.cos(a.bumped(0, w[1]))) + np.sum(a.data[-1] * a.bumped(2, w[0]) * w)
    return s + np.sum(a.data ** 2)


def total_before_the_call(w):
    a = Tallied(w * 1.0)
    s = a.total() + a.bumped(0, w[1])
    return s + np.sum(a.data ** 2)


def call_in_a_conditional_expression(w):
    a = Bumped(w * 1.0)
    s = a.data[0] * (a.bumped(0, w[1]) if len(w) > 3 else w[2])
    return s + np.sum(a.data ** 2)


def full_index_of_a_2d_array(w):
    a = Bumped(np.outer(w, w))
    s = a.data[0, 1] + np.sum(a.bumped(0, w[1]))        # a number, as on a 1-D array
    return s + np.sum(a.data ** 2)


def item_before_the_call_in_a_loop(w):
    s = 0.0
    for k in range(2):
        a = Bumped(w * (k + 1.0))
        s = s + a.data[0] * a.bumped(0, w[1])
    return s + np.sum(a.data)


# -- an object appended to a list at each turn ---------------------------------------------

def appended_item_at_the_end(w):
    held = []
    s = 0.0
    for k in range(2):
        a = Bumped(w * (k + 1.0))
        held.append(a)
        s = s + a.data[-1] * a.bumped(len(w) - 1, w[1])
    return s + np.sum(held[1].data * held[0].data)


def appended_item_between_two_calls(w):
    held = []
    s = 0.0
    for k in range(2):
        a = Bumped(np.cos(w) * (k + 1.0))
        held.append(a)
        s = s + a.bumped(k, w[1]) * a.data[k] * a.bumped(k, w[2])
    return s + np.sum(held[0].data ** 2)


def appended_item_under_augmented_assignment(w):
    held = []
    s = 0.0
    for k in range(2):
        a = Bumped(w * (k + 1.0))
        held.append(a)
        s += a.data[0] * a.bumped(0, w[1])
    return s + np.sum(held[1].data)


def appended_items_in_nested_calls(w):
    held = []
    s = 0.0
    for k in range(2):
        a = Bumped(w * (k + 1.0))
        held.append(a)
        s = s + np.sin(a.data[0] * np.cos(a.bumped(0, w[1])))
    return s + np.sum(held[1].data)


def appended_total_before_the_call(w):
    held = []
    s = 0.0
    for k in range(2):
        a = Tallied(w * (k + 1.0))
        held.append(a)
        s = s + a.total() + a.bumped(0, w[1])
    return s + np.sum(held[1].data)


def appended_sum_before_the_call(w):
    held = []
    s = 0.0
    for k in range(2):
        a = Bumped(w * (k + 1.0))
        held.append(a)
        u = np.sum(a.data)
        s = s + u * w[2] + a.bumped(0, w[1])        # s + u * w[2]: a new value, before the call
    return s + np.sum(held[1].data)


def appended_full_index_of_a_2d_array(w):
    held = []
    s = 0.0
    for k in range(2):
        a = Bumped(np.outer(w, w) * (k + 1.0))
        held.append(a)
        s = s + a.data[1, 0] * np.sum(a.bumped(1, w[1]))
    return s + np.sum(held[1].data)


def appended_2d_row_read_after_the_call(w):
    held = []
    s = 0.0
    for k in range(2):
        a = Bumped(np.outer(w, w) * (k + 1.0))
        held.append(a)
        s = s + np.sum(a.bumped(0, w[1]) * a.data[0])      # the row after the call: Python's too
    return s + np.sum(held[1].data)


def appended_item_before_a_conditional_call(w):
    held = []
    s = 0.0
    for k in range(3):
        a = Bumped(w * (k + 1.0))
        held.append(a)
        s = s + a.data[0] * (a.bumped(0, w[1]) if k > 0 else w[2])
    return s + np.sum(held[2].data * held[0].data)


def appended_call_in_each_branch(w):
    held = []
    s = 0.0
    for k in range(3):
        a = Bumped(np.sin(w) * (k + 1.0))
        held.append(a)
        s = s + (a.bumped(0, w[1]) if k % 2 == 0 else a.bumped(1, w[2])) * w[0]
    return s + np.sum(held[1].data ** 2)


# -- one array handed to the object of each turn -------------------------------------------

def handed_item_before_the_call(w):
    buf = w * 1.0
    s = 0.0
    for k in range(3):
        a = Bumped(buf)
        s = s + a.data[0] * a.bumped(k % 2, w[1])
    return s + np.sum(buf * w)


def handed_conditional_call(w):
    buf = np.cos(w)
    s = 0.0
    for k in range(3):
        a = Bumped(buf)
        s = s + a.data[1] * (a.bumped(k % 2, w[1]) if k > 0 else w[0])
    return s + np.sum(buf * w)


FOLLOWED = [item_before_the_call, item_between_two_calls, items_in_nested_calls, total_before_the_call,
            call_in_a_conditional_expression, full_index_of_a_2d_array, item_before_the_call_in_a_loop,
            appended_item_at_the_end, appended_item_between_two_calls, appended_item_under_augmented_assignment,
            appended_items_in_nested_calls, appended_total_before_the_call, appended_sum_before_the_call,
            appended_full_index_of_a_2d_array, appended_2d_row_read_after_the_call,
            appended_item_before_a_conditional_call, appended_call_in_each_branch, handed_item_before_the_call,
            handed_conditional_call]


@pytest.mark.parametrize("f", FOLLOWED, ids=lambda f: f.__name__)
@pytest.mark.parametrize("n", [3, 5])
def test_followed_in_every_mode(f, n):
    check_every_mode(f, n, 84 + n)


@pytest.mark.parametrize("f", FOLLOWED, ids=lambda f: f.__name__)
def test_jvp_of_grad(f):
    check_jvp_of_grad(f, 84)


def test_the_item_read_before_is_pythons_value():
    """The value itself, not only its derivatives: the item from before the call."""
    w = np.array([0.5, 1.5, 2.0, 0.8])
    for f in (item_before_the_call, appended_item_between_two_calls, handed_item_before_the_call):
        assert astgrad.value_and_grad(f)(w.copy())[0] == pytest.approx(f(w.copy()), rel=1e-12)


# -- refused: a row, a view, read before the call --------------------------------------------

def row_before_the_call(w):
    a = Bumped(np.outer(w, w))
    return np.sum(a.data[0] + a.bumped(0, w[1]))        # a view: Python's sum sees the change


def appended_row_before_the_call(w):
    held = []
    s = 0.0
    for k in range(2):
        a = Bumped(np.outer(w, w) * (k + 1.0))
        held.append(a)
        s = s + np.sum(a.data[0] * a.bumped(0, w[1]))
    return s + np.sum(held[1].data)


def handed_row_before_the_call(w):
    buf = np.outer(w, w)
    s = 0.0
    for k in range(2):
        a = Bumped(buf)
        s = s + np.sum(a.data[k] * a.bumped(k, w[1]))
    return s + np.sum(buf)


def method_called_in_the_test(w):
    held = []
    s = 0.0
    for k in range(2):
        a = Tallied(w * (k + 1.0))
        held.append(a)
        s = s + (a.bumped(0, w[1]) if a.total() > 1.0 else 0.0)
    return s + np.sum(held[1].data)


def slice_before_the_call(w):
    a = Bumped(w * 1.0)
    return np.sum(a.data[1:3] * a.bumped(1, w[0]))


_MADE_UP = re.compile(r"\b(t_\d+|d_\w+|\w+_saved|attrs(_\d+)?|k_\d+|operand(_\d+)?|element_copy)\b")


@pytest.mark.parametrize("f, construct, at", [(row_before_the_call, "a.data[0]", 2),
                                              (appended_row_before_the_call, "a.data[0]", 6),
                                              (handed_row_before_the_call, "a.data[k]", 5),
                                              (slice_before_the_call, "a.data", 2)],
                         ids=lambda v: getattr(v, "__name__", str(v)))
def test_refused_in_the_users_words(f, construct, at):
    """``at``: the line of the call, counted from the ``def``."""
    w = np.array([0.5, 1.5, 2.0])
    assert np.isfinite(f(w.copy()))         # Python runs it
    for transform in (lambda: astgrad.grad(f)(w.copy()), lambda: astgrad.jvp(f, (w.copy(),), (w.copy(),))):
        with pytest.raises(astgrad.TransformError) as refused:
            transform()
        text = str(refused.value)
        line = f.__code__.co_firstlineno + at
        assert f"test_calls84.py:{line}: " in text, text
        said = text.split(f":{line}: ", 1)[1].split("\n")[0]
        assert construct in said and ".bumped()" in said, said
        assert _MADE_UP.search(said) is None, said


def test_a_method_called_in_the_test_stays_refused():
    """The test of the conditional expression calls a method of the object: not written
    as an ``if`` (what the test reads could change), refused naming the user's line."""
    w = np.array([0.5, 1.5, 2.0])
    assert np.isfinite(method_called_in_the_test(w.copy()))
    with pytest.raises(astgrad.TransformError) as refused:
        astgrad.grad(method_called_in_the_test)(w)
    line = method_called_in_the_test.__code__.co_firstlineno + 6
    text = str(refused.value)
    assert f"test_calls84.py:{line}: " in text and "bumped" in text, text
    assert _MADE_UP.search(text.split(f":{line}: ", 1)[1].split("\n")[0]) is None, text
