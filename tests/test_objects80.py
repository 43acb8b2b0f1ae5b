"""Objects of the user's classes whose methods write into the array they hold
(``self.data[k] *= c``), in the forms followed from this round on and their neighbours:
objects built in a loop, appended to a list and changed through their name, read
through the list after the loop (``held.append(a); a.bump(0, c)``; also a method
storing an attribute, ``b.scale(c)``); a subclass keeping the array handed in under a
second attribute (``self.first = data``); and a method of the turn before's object
called before the turn builds its own, both holding one array. Each followed form is
checked in grad, value_and_grad, jvp, vjp (a random cotangent), hessian and jvp of grad
against central differences of what Python computes, at two sizes, the caller's array
unchanged; so is the method called inside an expression (``s = s + a.bumped(0, c)``),
and the turn before's object's method bound to a name (``r = a.bumped(2, c)``) or
called inside an expression.
The neighbours that would need more (a method of the turn before's
object where the turn calls none of its own object's after building it) are refused in
words naming the user's line, with no name astgrad made up (test_objects85.py follows a
view of the array kept across the call, and the attribute rebound after it;
test_objects84.py follows the array read through the name it was handed as, and the
object a helper builds; test_objects83.py follows a second list holding the object, the
object read after the loop, a store into the list at an index after it, and a method
reading the second attribute); the turn before's object
unbound in the first turn raises Python's ``UnboundLocalError``."""

import inspect
import re

import numpy as np
import pytest

import astgrad
from test_objects74 import check_every_mode, check_jvp_of_grad   # against central differences


class Acc:
    def __init__(self, data):
        self.data = data

    def bump(self, k, c):
        self.data[k] *= c

    def bumped(self, k, c):
        self.data[k] *= c
        return self.data[k] * 2.0


class Box:
    def __init__(self, v):
        self.v = v

    def scale(self, c):
        self.v = self.v * c


class TwiceHeld(Acc):
    def __init__(self, data):
        super().__init__(data)
        self.first = data               # a second attribute holding the same array


class OwnTwice:
    def __init__(self, data, s):
        self.first = data
        self.data = data
        self.s = s

    def bump(self, k, c):
        self.data[k] *= c * self.s


def make(w, k):
    return Acc(w * (k + 1.0))


# -- objects kept in a list ------------------------------------------------------------

def object_returned_by_a_helper(w):
    held = []
    for k in range(2):
        a = make(w, k)
        held.append(a)
        a.bump(0, w[1])
    return np.sum(held[0].data) + np.sum(held[1].data)


def view_kept(w):
    held = []
    s = 0.0
    for k in range(2):
        a = Acc(w * (k + 1.0))
        held.append(a)
        head = a.data[:2]
        a.bump(0, w[1])
        s = s + np.sum(head)
    return s + np.sum(held[0].data)


def method_in_an_expression(w):
    held = []
    s = 0.0
    for k in range(2):
        a = Acc(w * (k + 1.0))
        held.append(a)
        s = s + a.bumped(0, w[1])
    return s + np.sum(held[1].data)


def method_bound_to_a_name(w):
    held = []
    s = 0.0
    for k in range(2):
        a = Acc(w * (k + 1.0))
        held.append(a)
        r = a.bumped(0, w[1])
        s = s + r
    return s + np.sum(held[1].data * w)


def left_by_break(w):
    held = []
    for k in range(4):
        a = Acc(w * (k + 1.0))
        held.append(a)
        a.bump(k % 2, w[1])
        if k == 1:
            break
    return np.sum(held[0].data) + np.sum(held[-1].data ** 2)


def continue_skips(w):
    held = []
    for k in range(3):
        a = Acc(np.sin(w) * (k + 1.0))
        held.append(a)
        if k == 1:
            continue
        a.bump(0, w[2])
    return np.sum(held[1].data) + np.sum(held[2].data * w)


def array_read_through_its_name(w):
    held = []
    s = 0.0
    for k in range(2):
        buf = w * (k + 1.0)
        a = Acc(buf)
        held.append(a)
        a.bump(0, w[1])
        s = s + np.sum(buf)
    return s + np.sum(held[0].data)


def read_between_calls(w):
    held = []
    s = 0.0
    for k in range(2):
        a = Acc(np.cos(w) * (k + 1.0))
        held.append(a)
        a.bump(0, w[1])
        s = s + a.data[0] * w[2]
        a.bump(1, w[0])
    return s + np.sum(held[0].data * held[1].data)


def loop_over_the_list_after(w):
    held = []
    for k in range(2):
        a = Acc(w * (k + 1.0))
        held.append(a)
        a.bump(0, w[1])
    for o in held:
        o.bump(1, w[2])
    return np.sum(held[0].data) + np.sum(held[1].data ** 2)


def plain_state_kept(w):
    held = []
    for k in range(2):
        b = Box(w * (k + 1.0))
        held.append(b)
        b.scale(w[1])
    return np.sum(held[0].v) + np.sum(held[1].v)


# -- an array held under two attributes ------------------------------------------------


def name_kept(w):
    buf = w * 1.0
    a = TwiceHeld(buf)
    a.bump(0, w[1])
    return np.sum(buf * w) + np.sum(a.first)

def read_between(w):
    a = TwiceHeld(np.sin(w))
    a.bump(0, w[1])
    s = np.sum(a.first ** 2)
    a.bump(1, w[0])
    return s + np.sum(a.first * w)

def in_a_loop(w):
    total = 0.0
    for k in range(2):
        a = TwiceHeld(w * (k + 1.0))
        a.bump(k, w[2])
        total = total + np.sum(a.first * a.data)
    return total

def own_twice(w):
    a = OwnTwice(w * 1.0, w[0])
    a.bump(1, w[2])
    return np.sum(a.first ** 2)


def data_rebound_after(w):
    a = TwiceHeld(w * 1.0)
    a.bump(0, w[1])
    a.data = w * 3.0
    return np.sum(a.first)

def argument_held_twice(w):
    a = TwiceHeld(w)
    a.bump(0, w[1])
    return np.sum(a.first) + np.sum(w ** 2)


# -- the turn before's object ------------------------------------------------------------


def turn_befores_call_in_an_expression(w):
    buf = w * 1.0
    s = 0.0
    for k in range(2):
        if k > 0:
            s = s + a.bumped(2, w[1])
        a = Acc(buf)
        a.bump(k, w[0])
    return s + np.sum(buf)


def turn_befores_call_bound_to_a_name(w):
    buf = w * 1.0
    s = 0.0
    for k in range(2):
        if k > 0:
            r = a.bumped(2, w[1])
            s = s + r
        a = Acc(buf)
        a.bump(k, w[0])
    return s + np.sum(buf)


def turn_befores_with_break(w):
    buf = np.sin(w)
    for k in range(3):
        if k > 0:
            a.bump(2, w[1])
        if k == 2:
            break
        a = Acc(buf)
        a.bump(k, w[0])
    return np.sum(buf * w)


def turn_befores_with_a_view_kept(w):
    buf = w * 1.0
    head = buf[:2]
    for k in range(2):
        if k > 0:
            a.bump(1, w[2])
        a = Acc(buf)
        a.bump(k, w[0])
    return np.sum(head ** 2) + np.sum(buf)


def turn_befores_array_read(w):
    buf = w * 1.0
    s = 0.0
    for k in range(3):
        if k > 0:
            s = s + a.data[2] * w[0]
            a.bump(2, w[1])
            s = s + np.sum(buf)
        a = Acc(buf)
        a.bump(k % 2, w[0])
    return s + np.sum(buf)


def turn_befores_plain_state(w):
    s = 0.0
    for k in range(3):
        if k > 0:
            b.scale(w[1])
            s = s + np.sum(b.v)
        b = Box(w * (k + 1.0))
    return s


def turn_befores_object_unbound(w):
    buf = w * 1.0
    for k in range(2):
        a.bump(2, w[1])
        a = Acc(buf)
        a.bump(k, w[0])
    return np.sum(buf)


def alias_view_kept(w):
    a = TwiceHeld(w * 1.0)
    head = a.first[:2]
    a.bump(0, w[1])
    return np.sum(head * w[:2]) + np.sum(a.first)


def alias_in_a_list(w):
    held = []
    for k in range(2):
        a = TwiceHeld(w * (k + 1.0))
        held.append(a)
        a.bump(0, w[1])
    return np.sum(held[0].first) + np.sum(held[1].data)


def turn_befores_only_call(w):
    buf = np.cos(w)
    for k in range(3):
        if k > 0:
            a.bump(k - 1, w[1])         # the turn's own object is not called after it is built
        a = Acc(buf)
    return np.sum(buf * w)


def turn_befores_only_call_kept(w):
    buf = w * 1.0
    keep = [buf]
    for k in range(3):
        if k > 0:
            a.bump(k - 1, w[1])
        a = Acc(buf)
    return np.sum(buf * w) + np.sum(keep[0] ** 2)


def list_held(w):
    held = []
    for k in range(2):
        a = Acc([w[0], w[1]] + [1.0])    # a list, not an array: copied as a list
        held.append(a)
        a.bump(0, w[1])
    return held[0].data[0] + held[1].data[2] * w[2]


def inner_loop(w):
    held = []
    for k in range(2):
        a = Acc(np.sin(w) * (k + 1.0))
        held.append(a)
        for j in range(2):
            a.bump(j, w[2])
    return np.sum(held[0].data) + np.sum(held[1].data * w)


def appended_twice(w):
    held = []
    for k in range(2):
        a = Acc(w * (k + 1.0))
        held.append(a)
        held.append(a)
        a.bump(0, w[1])
    return np.sum(held[0].data) + np.sum(held[3].data)


def in_a_while(w):
    held = []
    k = 0
    while k < 2:
        a = Acc(w * (k + 1.0))
        held.append(a)
        a.bump(k, w[1])
        k = k + 1
    return np.sum(held[0].data * held[1].data)


def read_in_the_turn_through_the_list(w):
    held = []
    s = 0.0
    for k in range(2):
        a = Acc(w * (k + 1.0))
        held.append(a)
        a.bump(0, w[1])
        s = s + np.sum(held[k].data) + held[0].data[0]
    return s


FOLLOWED = [method_bound_to_a_name, method_in_an_expression, list_held, inner_loop, in_a_while, read_in_the_turn_through_the_list,
            left_by_break, continue_skips, read_between_calls, loop_over_the_list_after,
            plain_state_kept, name_kept, read_between, in_a_loop, own_twice, argument_held_twice,
            turn_befores_with_break, turn_befores_with_a_view_kept, turn_befores_array_read,
            turn_befores_call_bound_to_a_name, turn_befores_call_in_an_expression]


@pytest.mark.parametrize("f", FOLLOWED, ids=lambda f: f.__name__)
@pytest.mark.parametrize("n", [3, 5])
def test_followed_in_every_mode(f, n):
    check_every_mode(f, n, 80 + n)


@pytest.mark.parametrize("f", FOLLOWED, ids=lambda f: f.__name__)
def test_jvp_of_grad_against_central_differences(f):
    check_jvp_of_grad(f, 80)


# view_kept, alias_view_kept, data_rebound_after, turn_befores_only_call, turn_befores_plain_state:
# followed, test_objects85.py; alias_in_a_list: followed, test_objects85b.py
REFUSED = [appended_twice, turn_befores_only_call_kept]

# names the rewrites make: t_6, held[at], held_data, item.bump, k_1, attrs, Acc_bump_state
_MADE_UP = re.compile(r"\bt_\d+\b|\[at(_\d+)?\]|\b\w+_data\b|\bitem(_\d+)?\.|\bk_\d+\b|\battrs\b|_state\b")


def check_refused_in_the_users_words(f, file_name):
    """grad(f) refused at a line of f in file_name, quoting it, with no name the rewrites make."""
    w = np.array([0.5, 1.5, 2.0])
    assert np.isfinite(f(w.copy()))         # Python runs it
    with pytest.raises(astgrad.TransformError) as refused:
        astgrad.grad(f)(w)
    message = str(refused.value)
    where = re.search(re.escape(file_name) + r":(\d+): ", message)
    assert where is not None, message
    lines, first = inspect.getsourcelines(f)
    at = int(where.group(1)) - first
    assert 0 < at < len(lines), message         # a line of the function itself
    assert lines[at].strip() in message, message
    assert not _MADE_UP.search(message.split("\n")[0]), message


@pytest.mark.parametrize("f", REFUSED, ids=lambda f: f.__name__)
def test_refused_in_the_users_words(f):
    check_refused_in_the_users_words(f, "test_objects80.py")


def test_the_turn_befores_object_unbound_raises_as_python_does():
    with pytest.raises(UnboundLocalError) as python:
        turn_befores_object_unbound(np.ones(3))
    words = "^" + re.escape(str(python.value)) + "$"
    for run in (astgrad.grad(turn_befores_object_unbound), astgrad.value_and_grad(turn_befores_object_unbound),
                lambda w: astgrad.jvp(turn_befores_object_unbound, (w,), (w,))):
        with pytest.raises(UnboundLocalError, match=words):
            run(np.ones(3))
