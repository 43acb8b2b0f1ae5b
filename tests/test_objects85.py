"""Three forms of objects of the user's classes whose methods write into the array they
hold (``self.data[k] *= c``). First, a method of the turn before's object called in a
loop's turn before the turn builds its own, which the turn does not call after building
it (``if k > 0: a.bump(k - 1, c)``, then ``a = Acc(buf)``, one array ``buf`` bound before
the loop handed at each turn): followed in loops of 0, 1, 3 and 4 turns, a ``while``
loop, a loop left by ``break``, with the turn's own call in a branch, the method's value
bound to a name, the array (or a view of it) read in the turn or after the loop, the
object read after it, and the argument itself handed; and so for a method only storing
new values in the attributes (``self.v = self.v * c``) of an object built at each turn.
Second, the attribute given a new
array after a method wrote into the array a second attribute keeps too (``a.bump(0, c);
a.data = w * 3.0; np.sum(a.first)``): ``a.first`` goes on holding the old array, as in
Python; followed with the second attribute read before and after the store, in the store
itself, after two stores and in a loop after it. Third, a view of the object's array kept
across a call of its method writing into that array (``head = a.data[:2]; a.bump(0, c);
np.sum(head)``): in Python the view shares the array's memory, so it shows the write
(NumPy's aliasing rule); followed at the top of the function, through the second
attribute (``a.first[:2]``), in the turn of a loop (of 0, 1 or 3 turns) across two
calls, for a row of a 2-D array, an element of a 1-D array (a number of its own, which
keeps its value), a slice from the end, two views, a method whose value is bound to a
name, and the object appended to a list of the function's own (one or two) in the turn.
Each is checked in grad, value_and_grad, jvp, vjp (a random cotangent), hessian and jvp
of grad against central differences of what Python computes, at two sizes, the caller's
array unchanged. The neighbours (the turn before's object's list attribute appended to;
the attribute stored in a branch or a loop, a view kept before the store, the second
attribute stored; the view written after, a second name for it, the call in a branch or
in a loop after the view, the view read after the loop or taken through the list, the
object changed through the list in the turn) are refused in words naming the user's
line, with no name astgrad made up; the object handed to a helper calling its method is
refused too."""

import numpy as np
import pytest

import astgrad
from test_objects74 import check_every_mode, check_jvp_of_grad   # against central differences
from test_objects80 import (Acc, Box, TwiceHeld, alias_view_kept, check_refused_in_the_users_words, data_rebound_after,
                             turn_befores_only_call, turn_befores_plain_state, view_kept)


class Scaled:
    def __init__(self, v):
        self.v = v
        self.n = 0.0
    def scaled(self, c):
        self.v = self.v * c
        self.n = self.n + 1.0
        return np.sum(self.v) * self.n
class Logged:
    def __init__(self, v):
        self.v = v
        self.log = []
    def scale(self, c):
        self.v = self.v * c
        self.log.append(c)


class Grid:
    def __init__(self, data):
        self.data = data

    def bump(self, k, c):
        self.data[k, 0] *= c


# -- followed ------------------------------------------------------------------------------

def view_at_the_top(w):
    a = Acc(np.sin(w))
    head = a.data[:2]
    a.bump(0, w[1])
    return np.sum(head * w[:2]) + np.sum(a.data ** 2)


def view_across_two_calls(w):
    a = Acc(w * 2.0)
    tail = a.data[1:]
    a.bump(1, w[0])
    s = np.sum(tail ** 2)
    a.bump(2, w[1])
    return s + np.sum(tail * w[1:]) + a.data[0]


def _in_a_loop(turns):
    def view_in_a_loop(w):
        s = w[0] * 0.5
        for k in range(turns):
            a = Acc(w * (k + 1.0))
            head = a.data[1:]
            a.bump(1, w[0])
            s = s + np.sum(head * w[1:])
            a.bump(2, w[1])
            s = s + np.sum(head ** 2)
        return s
    view_in_a_loop.__name__ = f"view_in_a_loop_of_{turns}"
    return view_in_a_loop


def row_of_a_grid(w):
    a = Grid(np.outer(w, np.cos(w)))
    row = a.data[1]
    a.bump(1, w[2])
    return np.sum(row * w) + np.sum(a.data)


def element_kept(w):
    a = Acc(w * 1.0)
    e = a.data[0]               # a number of its own: keeps the value before the write
    a.bump(0, w[1])
    return e * w[2] + a.data[0] ** 2


def from_the_end(w):
    a = Acc(w ** 2)
    last = a.data[-2:]
    r = a.bumped(2, w[0])
    return np.sum(last) * r


def two_views(w):
    a = TwiceHeld(w + 1.0)
    head = a.first[:2]
    tail = a.data[1:]
    a.bump(1, w[0])
    return np.sum(head * tail[:2]) + np.sum(tail)


# -- the object appended to a list of the function's own too

def _listed(turns):
    def view_kept_listed(w):
        held = []
        s = w[0] * 0.5
        for k in range(turns):
            a = Acc(np.cos(w) * (k + 1.0))
            held.append(a)
            head = a.data[1:]
            a.bump(1, w[0])
            s = s + np.sum(head * w[1:])
            a.bump(2, w[1])
            s = s + np.sum(head ** 2)
        for o in held:
            s = s + np.sum(o.data)
        return s
    view_kept_listed.__name__ = f"view_kept_listed_{turns}"
    return view_kept_listed


def in_two_lists(w):
    held, other = [], []
    s = 0.0
    for k in range(2):
        a = Acc(w * (k + 1.0))
        held.append(a)
        other.append(a)
        head = a.data[:2]
        a.bump(0, w[1])
        s = s + np.sum(head)
    return s + np.sum(other[1].data)


# -- the first attribute given a new array after a method wrote into the one both held

def first_read_before_and_after_the_store(w):
    a = TwiceHeld(np.sin(w))
    a.bump(0, w[1])
    s = np.sum(a.first * w)
    a.data = w * 3.0
    a.bump(1, w[2])
    return s + np.sum(a.first ** 2) + np.sum(a.data * w)


def store_reading_the_second_attribute(w):
    a = TwiceHeld(w * 2.0)
    a.bump(2, w[0])
    a.data = a.first * w
    a.bump(0, w[1])
    return np.sum(a.first) + np.sum(a.data ** 2)


def two_stores(w):
    a = TwiceHeld(w + 1.0)
    a.bump(0, w[1])
    a.data = w * 3.0
    a.bump(1, w[0])
    a.data = np.cos(w)
    a.bump(2, w[2])
    return np.sum(a.first * w) + np.sum(a.data)


def second_attribute_read_in_a_loop_after(w):
    a = TwiceHeld(w * 1.0)
    a.bump(0, w[1])
    a.data = w * 3.0
    s = 0.0
    for k in range(3):
        a.bump(k, w[0])
        s = s + a.first[k] * a.data[k]
    return s


# -- a method of the turn before's object, the turn calling none of its own after building it

def _turns(n):
    def f(w):
        buf = np.cos(w)
        for k in range(n):
            if k > 0:
                a.bump(k % 3, w[1])
            a = Acc(buf)
        return np.sum(buf * w)
    f.__name__ = f"turn_befores_only_call_{n}_turns"
    return f


def turn_befores_own_call_in_a_branch(w):
    buf = w * 1.0
    for k in range(4):
        if k > 0:
            a.bump(k % 3, w[1])
        a = Acc(buf)
        if k % 2 == 0:
            a.bump(2, w[0])
    return np.sum(buf * w)


def turn_befores_left_by_break(w):
    buf = np.sin(w)
    for k in range(4):
        if k > 0:
            a.bump(k - 1, w[2])
        if k == 2:
            break
        a = Acc(buf)
    return np.sum(buf ** 2)


def turn_befores_read_after_the_loop(w):
    buf = w * 2.0
    for k in range(3):
        if k > 0:
            a.bump(k, w[0])
        a = Acc(buf)
    return np.sum(a.data * w) + np.sum(buf)


def turn_befores_bound_to_a_name(w):
    buf = w * 1.0
    s = 0.0
    for k in range(3):
        if k > 0:
            r = a.bumped(k, w[1])
            s = s + r
        a = Acc(buf)
    return s + np.sum(buf)


def turn_befores_in_a_while(w):
    buf = w * 1.0
    k = 0
    while k < 3:
        if k > 0:
            a.bump(k, w[1])
        a = Acc(buf)
        k = k + 1
    return np.sum(buf * w)


def turn_befores_view_of_the_array(w):
    buf = w * 1.0
    head = buf[1:]
    for k in range(3):
        if k > 0:
            a.bump(k, w[0])
        a = Acc(buf)
    return np.sum(head ** 2)


def turn_befores_read_in_the_turn(w):
    buf = w * 1.0
    s = 0.0
    for k in range(3):
        if k > 0:
            a.bump(k, w[0])
            s = s + np.sum(buf) * a.data[k]
        a = Acc(buf)
    return s


def turn_befores_argument_handed(w):
    for k in range(3):
        if k > 0:
            a.bump(k, 2.0)
        a = Acc(w)
    return np.sum(w ** 2)


# -- a method storing attributes of the turn before's object (self.v = self.v * c)

def _plain_turns(n):
    def f(w):
        s = w[0]
        for k in range(n):
            if k > 0:
                b.scale(w[1])
                s = s + np.sum(b.v * w)
            b = Box(np.sin(w) * (k + 1.0))
        return s
    f.__name__ = f"turn_befores_plain_state_{n}_turns"
    return f


def turn_befores_plain_state_own_call_too(w):
    s = 0.0
    for k in range(3):
        if k > 0:
            b.scale(w[1])
            s = s + np.sum(b.v)
        b = Box(w * (k + 1.0))
        b.scale(w[2])
    return s + np.sum(b.v ** 2)


def turn_befores_plain_state_break(w):
    s = 0.0
    for k in range(4):
        if k > 0:
            b.scale(w[0])
            s = s + np.sum(b.v ** 2)
        if k == 2:
            break
        b = Box(w + k)
    return s + np.sum(b.v)


def turn_befores_plain_state_argument(w):
    s = 0.0
    for k in range(3):
        if k > 0:
            b.scale(w[1])
            s = s + np.sum(b.v)
        b = Box(w)
    return s + np.sum(w ** 2)


def turn_befores_plain_state_name_bound_before(w):
    buf = w * 2.0
    for k in range(3):
        if k > 0:
            b.scale(w[1])
        b = Box(buf)
    return np.sum(buf * w) + np.sum(b.v)


def turn_befores_plain_state_value_bound(w):
    s = 0.0
    for k in range(3):
        if k > 0:
            r = b.scaled(w[2])
            s = s + r
        b = Scaled(w * (k + 1.0))
    return s


def turn_befores_plain_state_while(w):
    s = 0.0
    k = 0
    while k < 3:
        if k > 0:
            b.scale(w[1])
            s = s + np.sum(b.v)
        b = Box(w * (k + 1.0))
        k = k + 1
    return s


PLAIN_STATES = [turn_befores_plain_state, _plain_turns(0), _plain_turns(1), _plain_turns(4),
                turn_befores_plain_state_own_call_too, turn_befores_plain_state_break,
                turn_befores_plain_state_argument,
                turn_befores_plain_state_name_bound_before, turn_befores_plain_state_value_bound,
                turn_befores_plain_state_while]
TURN_BEFORES = [turn_befores_only_call, _turns(0), _turns(1), _turns(4), turn_befores_own_call_in_a_branch,
                turn_befores_left_by_break, turn_befores_read_after_the_loop, turn_befores_bound_to_a_name,
                turn_befores_in_a_while, turn_befores_view_of_the_array, turn_befores_read_in_the_turn,
                turn_befores_argument_handed]
REBOUND = [data_rebound_after, first_read_before_and_after_the_store, store_reading_the_second_attribute, two_stores,
           second_attribute_read_in_a_loop_after]
VIEWS = [view_kept, _listed(0), _listed(1), _listed(3), in_two_lists, view_at_the_top, alias_view_kept,
         view_across_two_calls, _in_a_loop(0), _in_a_loop(1), _in_a_loop(3), row_of_a_grid, element_kept, from_the_end,
         two_views]
FOLLOWED = TURN_BEFORES + PLAIN_STATES + REBOUND + VIEWS


@pytest.mark.parametrize("f", FOLLOWED, ids=lambda f: f.__name__)
@pytest.mark.parametrize("n", [3, 5])
def test_followed_in_every_mode(f, n):
    check_every_mode(f, n, 85 + n)


@pytest.mark.parametrize("f", FOLLOWED, ids=lambda f: f.__name__)
def test_jvp_of_grad_against_central_differences(f):
    check_jvp_of_grad(f, 85)


# -- refused ---------------------------------------------------------------------------------

def view_written_after(w):
    a = Acc(w * 1.0)
    head = a.data[:2]
    a.bump(0, w[1])
    head[1] = w[2]
    return np.sum(head) + np.sum(a.data)


def second_name_for_the_view(w):
    a = Acc(w * 1.0)
    head = a.data[:2]
    kept = head
    a.bump(0, w[1])
    return np.sum(kept)


def call_in_a_branch(w):
    a = Acc(w * 1.0)
    head = a.data[:2]
    if w[0] > 0:
        a.bump(0, w[1])
    return np.sum(head)


def calls_in_a_loop_after_the_view(w):
    a = Acc(w * 1.0)
    head = a.data[:2]
    for k in range(2):
        a.bump(k, w[2])
    return np.sum(head)


def view_read_after_the_loop(w):
    held = []
    for k in range(2):
        a = Acc(w * (k + 1.0))
        held.append(a)
        head = a.data[:2]
        a.bump(0, w[1])
    return np.sum(head) + np.sum(held[0].data)


def view_through_the_list(w):
    held = []
    s = 0.0
    for k in range(2):
        a = Acc(w * (k + 1.0))
        held.append(a)
        head = held[k].data[:2]
        a.bump(0, w[1])
        s = s + np.sum(head)
    return s


def list_bumped_in_the_turn(w):
    held = []
    s = 0.0
    for k in range(2):
        a = Acc(w * (k + 1.0))
        held.append(a)
        head = a.data[:2]
        held[0].bump(1, w[2])
        s = s + np.sum(head)
    return s


def view_written_in_the_turn(w):
    held = []
    s = 0.0
    for k in range(2):
        a = Acc(w * (k + 1.0))
        held.append(a)
        head = a.data[:2]
        a.bump(0, w[1])
        head *= w[2]
        s = s + np.sum(head)
    return s + np.sum(held[0].data)



def data_stored_in_a_branch(w):
    a = TwiceHeld(w * 1.0)
    a.bump(0, w[1])
    if w[0] > 0:
        a.data = w * 3.0
    return np.sum(a.first)


def data_stored_in_a_loop(w):
    a = TwiceHeld(w * 1.0)
    for k in range(2):
        a.bump(k, w[1])
        a.data = w * (k + 3.0)
    return np.sum(a.first)


def view_before_the_store(w):
    a = TwiceHeld(w * 1.0)
    head = a.first[:2]
    a.bump(0, w[1])
    a.data = w * 3.0
    return np.sum(head) + np.sum(a.first)


def second_attribute_stored(w):
    a = TwiceHeld(w * 1.0)
    a.bump(0, w[1])
    a.first = w * 3.0
    return np.sum(a.first) + np.sum(a.data)



def turn_befores_state_changed_in_place(w):
    s = 0.0
    for k in range(3):
        if k > 0:
            b.scale(w[1])
            s = s + np.sum(b.v)
        b = Logged(w * (k + 1.0))
    return s


REFUSED = [turn_befores_state_changed_in_place, data_stored_in_a_branch, data_stored_in_a_loop, view_before_the_store,
           second_attribute_stored,
           view_written_after, second_name_for_the_view, call_in_a_branch, calls_in_a_loop_after_the_view,
           view_read_after_the_loop, view_through_the_list, list_bumped_in_the_turn, view_written_in_the_turn]


@pytest.mark.parametrize("f", REFUSED, ids=lambda f: f.__name__)
def test_refused_in_the_users_words(f):
    check_refused_in_the_users_words(f, "test_objects85.py")


def bump_through(o, c):
    o.bump(1, c)


def handed_to_a_helper(w):
    a = Acc(w * 1.0)
    head = a.data[:2]
    bump_through(a, w[2])
    return np.sum(head)


def test_the_object_handed_to_a_helper_is_refused():
    w = np.array([0.5, 1.5, 2.0])
    with pytest.raises(astgrad.TransformError, match="bump"):
        astgrad.grad(handed_to_a_helper)(w)
