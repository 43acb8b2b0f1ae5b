"""Objects holding the array handed in (``self.data = data``) whose methods write into it
in place, around these forms, followed: a name bound to a new array in a
loop's turn and also read where it holds another turn's array (before its binding, the
turn before's object's array; before the loop; after a loop a ``break`` or ``continue``
leaves; in a loop inside another), and one array handed to a new object at each turn
where a view of it is kept, the loop may be left early, or the last object's method is
called after the loop; an object the function's own body builds, handed an array a view
of which is kept before, or one of two arrays chosen by the branches of an ``if``. Each
followed form is checked in grad, value_and_grad, jvp, vjp (a
random cotangent) and hessian against central differences of what Python computes on
random inputs of two sizes, the caller's array unchanged (so is a method of the object
called inside an expression, bound to a name first); the neighbours that would need
more (a view kept of the turn's array, a view written or handed to a method, the array
kept under another name, a method called on the turn before's object, an array chosen
by a branch written by its name, an argument handed in a branch) are refused in words
saying what to write."""

import re

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad
from test_objects74 import check_every_mode     # grad, jvp, vjp and hessian against central differences


class Acc:
    def __init__(self, data):
        self.data = data

    def bump(self, k, c):
        self.data[k] *= c


class Scaled(Acc):
    def __init__(self, data, scale):
        super().__init__(data)
        self.scale = scale

    def stretch(self, k):
        self.data[k] = self.data[k] * self.scale


def object_and_array_read_in_the_next_turn(w):
    s = 0.0
    buf = w * 2.0
    for k in range(3):
        if k > 0:
            s = s + np.sum(a.data * w) + np.sum(buf ** 2)   # the turn before's object and array: one
        buf = np.cos(w) * (k + 1.0)
        a = Acc(buf)
        a.bump(k % 2, w[2])
        s = s + buf[0] * w[1]
    return s + np.sum(buf * w) + np.sum(a.data)


def turn_left_by_continue(w):
    s = 0.0
    buf = w * 1.0
    for k in range(3):
        buf = np.sin(w) * (k + 1.0)
        a = Acc(buf)
        a.bump(0, w[1])
        if k == 1:
            continue                    # buf is this turn's array, written once
        a.bump(1, w[2])
        s = s + np.sum(buf)
    return s + np.sum(buf * w)


def loop_left_after_the_write(w):
    buf = w * 1.0
    for k in range(3):
        buf = np.sin(w) * (k + 1.0)
        a = Acc(buf)
        a.bump(k, w[1])
        if w[0] * k > 0.6:
            break
        a.bump(0, w[2])
    return np.sum(buf * w)


def loop_in_a_loop(w):
    s = 0.0
    for j in range(2):
        buf = w * (j + 1.0)
        for k in range(2):
            s = s + np.sum(buf)
            buf = np.sin(w) * (k + 1.0)
            a = Acc(buf)
            a.bump(k, w[2])
        s = s + np.sum(buf ** 2)
    return s


def argument_bound_again_in_the_loop(w):
    s = 0.0
    for k in range(2):
        s = s + np.sum(w ** 2)          # the caller's array first, then the turn before's
        w = np.sin(w) * (k + 1.0)
        a = Acc(w)
        a.bump(k, w[1] * 1.0)
    return s + np.sum(w)


def view_read_after_a_loop_left_early(w):
    buf = w * 1.0
    for k in range(2):
        a = Acc(buf)
        a.bump(k, w[0])
        if k == 0:
            break
    head = buf[1:]
    a.bump(2, w[1])                     # head shows it, as in Python
    return np.sum(head * w[1:]) + np.sum(buf)


def reads_between_the_calls(w):
    buf = w * 1.0
    mid = buf[1:]
    s = 0.0
    for k in range(2):
        a = Scaled(buf, w[2])
        a.stretch(k)
        s = s + np.sum(buf * w) + np.sum(mid)
        a.bump(0, c=w[1])
        s = s + buf[0] * np.sum(mid ** 2) + a.data[1]
    return s


def while_loop_with_continue(w):
    buf = np.sin(w)
    head = buf[:2]
    k = 0
    s = 0.0
    while k < 3:
        k = k + 1
        a = Acc(buf)
        a.bump(k - 1, w[0])
        if k == 2:
            continue
        s = s + np.sum(head)
    return s + np.sum(buf)


def argument_viewed_and_left_by_break(w):
    head = w[1:]
    for k in range(len(w)):
        a = Acc(w)
        a.bump(k, w[0] * 0.5 + 1.0)     # w[0] read before the call, as in Python
        if k == 1:
            break
    return np.sum(head ** 2)


def item_of_the_attribute_handed(w):
    buf = w * 1.0
    head = buf[:2]
    for k in range(2):
        a = Acc(buf)
        a.bump(2, a.data[k])
    return np.sum(head) + np.sum(buf ** 2)


def view_kept_before_the_object(w):
    buf = w * 1.0
    head = buf[:2]                      # shows both writes, as in Python
    a = Acc(buf)
    a.bump(0, w[1])
    a.bump(1, w[2])
    return np.sum(head * w[:2]) + np.sum(buf)


def row_kept_before_the_object(w):
    buf = np.outer(w, w[:2]) * 1.0
    row = buf[1]
    a = Acc(buf)
    a.bump(1, w[2])                     # writes the row row views
    return np.sum(row * w[:2])


def view_read_between_the_calls(w):
    buf = np.sin(w)
    head = buf[1:]
    s = np.sum(head ** 2)
    a = Scaled(buf, w[0])
    a.stretch(1)
    s = s + np.sum(head ** 2) + np.sum(buf)
    a.bump(0, c=w[2] * 1.0)
    return s + np.sum(head * w[1:]) + a.data[0]


def branches_with_a_view_and_a_loop(w):
    buf = w * 1.0
    other = np.cos(w)
    head = other[1:]
    if w[0] > 1.0:
        a = Acc(buf)
    else:
        a = Acc(other)
    for k in range(2):
        a.bump(k, w[2])
        if k == 0:
            a.bump(2, w[1])
    return np.sum(a.data) + np.sum(buf) + np.sum(head * w[1:]) + np.sum(other)


def branch_of_a_new_array(w):
    buf = np.sin(w)
    a = Acc(buf) if w[1] > 1.0 else Acc(w * 2.0)
    a.bump(0, w[2])
    return np.sum(buf * w) + np.sum(a.data ** 2)


def method_called_in_an_expression(w):
    buf = w * 1.0
    head = buf[:2]
    s = 0.0
    for k in range(2):
        a = Acc(buf)
        s = s + (a.bump(k, w[0]) is None) * 1.0
    return s + np.sum(head)


FOLLOWED = [object_and_array_read_in_the_next_turn, turn_left_by_continue, loop_left_after_the_write, loop_in_a_loop,
            argument_bound_again_in_the_loop, view_read_after_a_loop_left_early, reads_between_the_calls,
            while_loop_with_continue, argument_viewed_and_left_by_break, item_of_the_attribute_handed,
            view_kept_before_the_object, row_kept_before_the_object, view_read_between_the_calls,
            branches_with_a_view_and_a_loop, branch_of_a_new_array, method_called_in_an_expression]


@pytest.mark.parametrize("f", FOLLOWED, ids=lambda f: f.__name__)
@pytest.mark.parametrize("n", [3, 5])
def test_followed_in_every_mode(f, n):
    check_every_mode(f, n, 78 + n)


def turn_befores_array_kept(w):
    total = 0.0
    buf = w * 1.0
    for k in range(2):
        prev = buf
        buf = np.sin(w) * (k + 1.0)
        a = Acc(buf)
        a.bump(k, w[2])
        total = total + np.sum(prev)
    return total


def turn_befores_object_written_first(w):
    buf = w * 1.0
    for k in range(2):
        if k > 0:
            a.bump(0, w[0])             # the turn before's array, which buf no longer names
        buf = np.sin(w) * (k + 1.0)
        a = Acc(buf)
        a.bump(k, w[2])
    return np.sum(buf)


def view_of_the_turns_array(w):
    buf = w * 1.0
    s = 0.0
    for k in range(2):
        s = s + np.sum(buf)
        buf = np.sin(w) * (k + 1.0)
        a = Acc(buf)
        head = buf[:2]
        a.bump(0, w[2])
        s = s + np.sum(head)
    return s


def view_written(w):
    buf = w * 1.0
    head = buf[:2]
    for k in range(2):
        a = Acc(buf)
        a.bump(k, w[0])
        head[0] = w[1] * 2.0            # a.data shows it in Python
    return np.sum(buf * w)


def view_handed_to_the_method(w):
    buf = w * 1.0
    head = buf[:2]
    for k in range(2):
        a = Acc(buf)
        a.bump(k, head[0])
    return np.sum(buf * w)


def array_kept_by_another_name(w):
    buf = w * 1.0
    kept = buf
    for k in range(2):
        a = Acc(buf)
        a.bump(k, w[0])
    kept[2] = 3.0 * w[0]                # writes into a.data in Python
    return np.sum(buf) + np.sum(a.data)


def attribute_kept(w):
    buf = w * 1.0
    head = buf[:2]
    for k in range(2):
        a = Acc(buf)
        a.bump(k, w[0])
    x = a.data
    return np.sum(x) * np.sum(head)


def branch_array_written_by_its_name(w):
    buf = w * 1.0
    other = np.cos(w)
    if w[0] > 0.0:
        a = Acc(buf)
    else:
        a = Acc(other)
    a.bump(0, w[1])
    buf[1] = w[2]                       # a.data shows it in Python where buf was chosen
    return np.sum(a.data) + np.sum(buf)


def argument_in_a_branch(w):
    other = np.cos(w)
    if w[0] > 0.0:
        a = Acc(w)
    else:
        a = Acc(other)
    a.bump(0, w[1])
    return np.sum(a.data) + np.sum(w)


@pytest.mark.parametrize("f", [turn_befores_array_kept, turn_befores_object_written_first, view_of_the_turns_array,
                               view_written, view_handed_to_the_method, array_kept_by_another_name, attribute_kept,
                               branch_array_written_by_its_name, argument_in_a_branch], ids=lambda f: f.__name__)
def test_refused_in_words(f):
    w = np.array([0.5, 1.5, 2.0])
    assert np.isfinite(f(w.copy()))     # Python runs it
    words = (r"the call of Acc\.bump changes the object it is called on in place .*self\.data\[k\] \*= c.*"
             r"store a copy of it there \(self\.data = data\.copy\(\) or np\.array\(data\)")
    with pytest.raises(astgrad.TransformError, match=words):
        astgrad.grad(f)(w)


def row_kept_while_a_loop_bumps_the_array(w):
    buf = np.outer(w, w[:2]) * 1.0
    row = buf[1]
    for k in range(2):
        a = Acc(buf)
        a.bump(k, w[2])
    return np.sum(row * w[:2])


@pytest.mark.parametrize("n", [3, 5])
def test_a_row_kept_while_a_loop_bumps_the_array_is_followed_to_the_second_order(n):
    # refused at second order until the derivative's rebindings of the row inside loops (read
    # again after each call, popped off its stack) were taken for the same row in every pass
    check_every_mode(row_kept_while_a_loop_bumps_the_array, n, 78 + n)


def row_read_in_a_loop_that_bumps_the_array(w):
    buf = np.outer(w, w[:2]) * 1.0
    total = 0.0
    for k in range(2):
        row = buf[1]
        a = Acc(buf)
        a.bump(k, w[2])
        total = total + np.sum(row * w[:2])
    return total


def test_a_row_read_in_a_loop_that_bumps_the_array_is_followed_once_and_refused_twice_in_the_users_words():
    w = np.array([0.5, 1.5, 2.0])
    f = row_read_in_a_loop_that_bumps_the_array
    assert_close(astgrad.grad(f)(w.copy()), numerical_grad(f, (w.copy(),)), rtol=1e-6, atol=1e-8)
    with pytest.raises(astgrad.TransformError) as refused:
        astgrad.hessian(f)(w.copy())
    message, line = str(refused.value), f.__code__.co_firstlineno
    # the user's line (a.bump(k, w[2])), the call, the array it writes and the row viewing it; no generated names
    assert f"test_objects78.py:{line + 6}: this line cannot be differentiated twice" in message, message
    assert "writes into 'buf' (the array its object holds) as the call of a.bump on this line does" in message
    assert f"'row' holds a row of it read before (line {line + 4}: row = buf[1])" in message, message
    assert f"here line {line + 4}: row = buf[1].copy()" in message, message
    assert not re.search(r"\bt_\d", message), message
