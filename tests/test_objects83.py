"""A class keeping the array its ``__init__`` is handed under a second attribute
(``self.first = data`` beside ``self.data = data``) whose other methods read that second
attribute (``return np.sum(self.first)``) after a method wrote into the first in place
(``self.data[k] *= c``): in Python both are one array, so the read shows the write. Each
followed form is checked in grad, value_and_grad, jvp, vjp (a random cotangent), hessian
and jvp of grad against central differences of what Python computes, at two sizes, the
caller's array unchanged: the method writing the first and reading the second before
and after (``r = np.sum(self.first); self.data[k] *= c``), the object built from a new
array, from a name, from the
argument itself, in a loop, in a comprehension, in each branch of an ``if``, with the
function reading the second attribute too. A method handing the second attribute on
(returning it, storing it in another attribute, a view of it kept in a name, handing it to
a helper) or writing through it is refused in words naming the user's line.

Objects built in a loop, appended to a list and to a second list (``held, other = [], []``,
``held.append(a); other.append(a); a.bump(0, c)``) are one object in both lists, as in
Python: ``other[1].data`` read in the turn or after the loop shows the writes. Followed
where the second list's items are only read at once; a loop over it, a view of an item's
array kept, or the second list bound before the first keep the refusal.

Two calls of a method changing such an object inside one expression (``s = s +
a.bumped(0, c) * a.bumped(1, c)``) are each bound to a name first, in Python's order;
an element of the object's 1-D array read between them, a number, is followed too.

The name of such an object read after its loop (``np.sum(a.data)``) is the last turn's
object, the list's last one, where each turn runs the whole body and a turn surely runs
(``range`` of constants, a display); a method called on it there, a loop that may run no
turn or is left by ``break``, or its array kept in a name keep the refusal.

A new object stored into such a list at an index after the loop (``held[0] = Acc(...)``)
replaces the item, as in Python, where the name is not read after the store; a store in
the turn itself, or the name read after the loop, keep the refusal."""

import inspect
import re

import numpy as np
import pytest

import astgrad
from test_objects74 import check_every_mode, check_jvp_of_grad   # against central differences
from test_objects80 import Acc, TwiceHeld
from test_objects82 import Bumped


class ReadsFirst(TwiceHeld):
    def total(self):
        return np.sum(self.first)


class ReadsBoth(TwiceHeld):
    def total(self):
        return np.sum(self.first * self.data) + self.first[2] * len(self.first)


class BumpsAndReads(TwiceHeld):
    def bump_read(self, k, c):
        r = np.sum(self.first)
        self.data[k] *= c
        return r * np.sum(self.first ** 2)


def method_writing_and_reading_first(w):
    a = BumpsAndReads(w * 1.0)
    x = a.bump_read(0, w[1])
    y = a.bump_read(1, w[2])
    return x + y + np.sum(a.first)


def method_reads_first(w):
    a = ReadsFirst(w * 1.0)
    a.bump(0, w[1])
    return a.total()


def read_between_writes(w):
    a = ReadsBoth(w * 1.0)
    a.bump(0, w[1])
    r = a.total() * np.sum(a.first)
    a.bump(1, w[2])
    return r + a.total() + a.first[1]


def built_from_a_name(w):
    buf = w * 2.0
    a = ReadsFirst(buf)
    a.bump(0, w[1])
    return a.total() + np.sum(buf ** 2)


def built_from_the_argument(w):
    a = ReadsFirst(w)
    a.bump(0, w[1])
    return a.total() + np.sum(w ** 2)


def built_in_a_loop(w):
    s = 0.0
    for k in range(2):
        a = ReadsFirst(w * (k + 1.0))
        a.bump(k, w[1])
        s = s + a.total()
    return s


def built_in_a_comprehension(w):
    bs = [ReadsBoth(w * (k + 1.0)) for k in range(3)]
    for b in bs:
        b.bump(1, w[0])
    return sum(b.total() for b in bs)


def built_in_each_branch(w):
    if w[0] > 0:
        a = ReadsFirst(w * 2.0)
    else:
        a = ReadsFirst(w * 3.0)
    a.bump(0, w[1])
    return a.total()


# -- a second list holding the objects appended and changed through their name ----------

def second_list(w):
    held, other = [], []
    for k in range(2):
        a = Acc(w * (k + 1.0))
        held.append(a)
        other.append(a)
        a.bump(0, w[1])
    return np.sum(held[0].data) + np.sum(other[1].data)


def second_list_read_in_the_turn(w):
    held, other = [], []
    s = 0.0
    for k in range(3):
        a = Acc(w * (k + 1.0))
        held.append(a)
        other.append(a)
        a.bump(k % 2, w[1])
        s = s + np.sum(other[k].data) * other[0].data[1]
    return s + np.sum(other[-1].data ** 2) + len(other)


def second_list_of_some(w):
    held, picked = [], []
    for k in range(3):
        a = Acc(w * (k + 1.0))
        held.append(a)
        if k != 1:
            picked.append(a)
        a.bump(1, w[0])
    return np.sum(picked[1].data * held[1].data)


def second_list_holding_one_twice(w):
    held = []
    other = []
    for k in range(2):
        a = Acc(w * (k + 1.0))
        held.append(a)
        other.append(a)
        other.append(a)
        a.bump(0, w[1])
    return np.sum(other[0].data) + np.sum(other[3].data)


# -- two calls changing the object inside one expression ---------------------------------

def two_calls_in_one_expression(w):
    held = []
    s = 0.0
    for k in range(2):
        a = Bumped(w * (k + 1.0))
        held.append(a)
        s = s + a.bumped(0, w[1]) * a.bumped(1, w[2])
    return s + np.sum(held[0].data ** 2)


def two_calls_nested(w):
    held = []
    s = 0.0
    for k in range(2):
        a = Bumped(w * (k + 1.0))
        held.append(a)
        s = s + np.sin(a.bumped(0, w[1]) - a.bumped(0, w[2])) * np.sum(a.data)
    return s + np.sum(held[1].data * held[0].data)


def element_read_between_two_calls(w):
    held = []
    s = 0.0
    for k in range(2):
        a = Bumped(w * (k + 1.0))
        held.append(a)
        s = s + a.bumped(0, w[1]) + a.data[0] * a.bumped(0, w[2])
    return s + np.sum(held[0].data ** 2)


# -- the last turn's object read after the loop ---------------------------------------------

def object_read_after_the_loop(w):
    held = []
    for k in range(2):
        a = Acc(w * (k + 1.0))
        held.append(a)
        a.bump(0, w[1])
    return np.sum(a.data) + np.sum(held[0].data)


def object_read_after_a_loop_over_a_display(w):
    held = []
    for c in [1.0, 2.0, 3.0]:
        a = Acc(w * c)
        held.append(a)
        a.bump(1, w[0])
    s = np.sum(a.data ** 2) + a.data[0] * held[0].data[1]
    return s + len(held)


def object_read_after_the_loop_in_a_branch(w):
    held = []
    for k in range(1, 3):
        a = Acc(w * k)
        held.append(a)
        a.bump(0, w[1])
    if w[0] > 0:
        return np.sum(a.data)
    return 0.0


# -- a store into the list at an index after the loop ---------------------------------------

def list_item_stored(w):
    held = []
    for k in range(2):
        a = Acc(w * (k + 1.0))
        held.append(a)
        a.bump(0, w[1])
    held[0] = Acc(w * 3.0)
    return np.sum(held[0].data) + np.sum(held[1].data)


def list_item_stored_then_changed(w):
    held = []
    for k in range(3):
        a = Acc(w * (k + 1.0))
        held.append(a)
        a.bump(0, w[1])
    held[1] = Acc(w ** 2)
    held[1].bump(2, w[0])
    return np.sum(held[0].data * held[1].data) + held[2].data[0]


def list_item_stored_at_each_outer_turn(w):
    s = 0.0
    for j in range(2):
        held = []
        for k in range(2):
            a = Acc(w * (k + j + 1.0))
            held.append(a)
            a.bump(j, w[1])
        held[0] = Acc(w * 3.0)
        s = s + np.sum(held[0].data * held[1].data)
    return s


FOLLOWED = [method_reads_first, method_writing_and_reading_first, read_between_writes, built_from_a_name, built_from_the_argument, built_in_a_loop,
            built_in_a_comprehension, built_in_each_branch,
            second_list, second_list_read_in_the_turn, second_list_of_some, second_list_holding_one_twice,
            two_calls_in_one_expression, two_calls_nested, element_read_between_two_calls,
            object_read_after_the_loop, object_read_after_a_loop_over_a_display, object_read_after_the_loop_in_a_branch,
            list_item_stored, list_item_stored_then_changed, list_item_stored_at_each_outer_turn]


@pytest.mark.parametrize("f", FOLLOWED, ids=lambda f: f.__name__)
@pytest.mark.parametrize("n", [3, 5])
def test_followed_in_every_mode(f, n):
    check_every_mode(f, n, 83 + n)


@pytest.mark.parametrize("f", FOLLOWED, ids=lambda f: f.__name__)
def test_jvp_of_grad_against_central_differences(f):
    check_jvp_of_grad(f, 83)


# -- the second attribute handed on or written through by a method: refused -------------

def _scale_into(v, c):
    v[1] *= c


class Returns(TwiceHeld):
    def total(self):
        return self.first


class StoresElsewhere(TwiceHeld):
    def total(self):
        self.v = self.first
        return np.sum(self.v)


class WritesThrough(TwiceHeld):
    def total(self):
        self.first[1] = 3.0
        return np.sum(self.first)


class WritesThroughAView(TwiceHeld):
    def total(self):
        self.first[1:][0] *= 3.0
        return np.sum(self.first)


class HandsToAHelper(TwiceHeld):
    def total(self):
        _scale_into(self.first, 2.0)
        return np.sum(self.first)


class KeepsAView(TwiceHeld):
    def total(self):
        r = self.first[1:]
        return np.sum(r * r)


REFUSED_CLASSES = [Returns, StoresElsewhere, WritesThrough, WritesThroughAView, HandsToAHelper, KeepsAView]


def _user_of(cls):
    def f(w):
        a = cls(w * 1.0)
        a.bump(0, w[1])
        return np.sum(a.total())
    f.refused_class = cls.__name__
    return f


def second_list_looped_over(w):
    held, other = [], []
    for k in range(2):
        a = Acc(w * (k + 1.0))
        held.append(a)
        other.append(a)
        a.bump(0, w[1])
    s = 0.0
    for o in other:
        s = s + np.sum(o.data)
    return s


def second_list_view_kept(w):
    held, other = [], []
    for k in range(2):
        a = Acc(w * (k + 1.0))
        held.append(a)
        other.append(a)
        v = other[0].data
        a.bump(0, w[1])
    return np.sum(v) + np.sum(held[0].data)


def second_list_bound_first(w):
    other = []
    held = []
    for k in range(2):
        a = Acc(w * (k + 1.0))
        held.append(a)
        other.append(a)
        a.bump(0, w[1])
    return np.sum(held[0].data) + np.sum(other[1].data)


def object_changed_after_the_loop(w):
    held = []
    for k in range(2):
        a = Acc(w * (k + 1.0))
        held.append(a)
        a.bump(0, w[1])
    a.bump(1, w[2])
    return np.sum(a.data) + np.sum(held[0].data)


def object_read_after_a_loop_that_may_not_turn(w):
    held = []
    for k in range(len(w) - 2):
        a = Acc(w * (k + 1.0))
        held.append(a)
        a.bump(0, w[1])
    return np.sum(a.data) + np.sum(held[0].data)


def object_read_after_a_loop_left_by_break(w):
    held = []
    for k in range(3):
        a = Acc(w * (k + 1.0))
        held.append(a)
        a.bump(0, w[1])
        if k == 1:
            break
    return np.sum(a.data)


def objects_array_kept_after_the_loop(w):
    held = []
    for k in range(2):
        a = Acc(w * (k + 1.0))
        held.append(a)
        a.bump(0, w[1])
    v = a.data
    return np.sum(v)


def list_item_stored_in_the_turn(w):
    held = []
    for k in range(2):
        a = Acc(w * (k + 1.0))
        held.append(a)
        held[k] = Acc(w * 3.0)
        a.bump(0, w[1])
    return np.sum(held[0].data) + np.sum(a.data)


def list_item_stored_then_read_by_name(w):
    held = []
    for k in range(2):
        a = Acc(w * (k + 1.0))
        held.append(a)
        a.bump(0, w[1])
    held[-1] = Acc(w * 3.0)
    return np.sum(a.data) + np.sum(held[1].data)


REFUSED = [_user_of(cls) for cls in REFUSED_CLASSES] + [second_list_looped_over, second_list_view_kept,
                                                        second_list_bound_first,
                                                        object_changed_after_the_loop,
                                                        object_read_after_a_loop_that_may_not_turn,
                                                        object_read_after_a_loop_left_by_break,
                                                        objects_array_kept_after_the_loop,
                                                        list_item_stored_in_the_turn,
                                                        list_item_stored_then_read_by_name]


@pytest.mark.parametrize("f", REFUSED, ids=lambda f: getattr(f, "refused_class", f.__name__))
def test_refused_in_the_users_words(f):
    w = np.array([0.5, 1.5, 2.0])
    assert np.isfinite(f(w.copy()))         # Python runs it
    with pytest.raises(astgrad.TransformError) as refused:
        astgrad.grad(f)(w)
    message = str(refused.value)
    where = re.search(r"test_objects83\.py:(\d+): ", message)
    assert where is not None, message
    lines, first = inspect.getsourcelines(f)
    at = int(where.group(1)) - first
    assert 0 < at < len(lines), message         # a line of the function itself
    assert lines[at].strip() in message, message
    assert not re.search(r"\bt_\d+\b|\battrs\b|_state\b|_new\b", message.split("\n")[0]), message
