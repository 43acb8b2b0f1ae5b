"""Objects of the user's classes appended to a list of the function's own whose method
writes into the array handed to the constructor (``self.data[k] *= c``), where that
array is also read through the name it was handed as (``buf = w * k; a = Acc(buf);
held.append(a); a.bump(0, c); s = s + np.sum(buf)``): in Python ``buf`` is the object's
array, so the read sees the write. Followed at the top of the function, in a loop (of
0, 1 or 3 turns; a while loop; a nested loop), inside a branch, between two calls,
after the loop (the last turn's array) and beside a loop over the list; each checked in
grad, value_and_grad, jvp, vjp (a random cotangent), hessian and jvp of grad against
central differences of what Python computes, at two sizes, the caller's array
unchanged. The neighbours that would need more (``buf`` written again after the call,
a second name or a view of it kept, kept in another list, read in a later turn or after
a loop left by ``break``; the list handed to a helper, an item's attribute stored or the
item stored over, the object in two lists, the array handed in as the argument itself)
are refused in words naming the user's line, with no name astgrad made up."""

import numpy as np
import pytest

from test_objects74 import check_every_mode, check_jvp_of_grad   # against central differences
from test_objects80 import (Acc, TwiceHeld, array_read_through_its_name, check_refused_in_the_users_words,
                             object_returned_by_a_helper)


def reset(h):
    h[0].data = h[0].data * 0.0


# -- followed ------------------------------------------------------------------------------

def at_the_top(w):
    held = []
    buf = w * 1.0
    a = Acc(buf)
    held.append(a)
    a.bump(0, w[1])
    return np.sum(buf * w) + np.sum(held[0].data)


def in_a_branch(w):
    held = []
    s = 0.0
    for k in range(3):
        buf = np.sin(w) * (k + 1.0)
        a = Acc(buf)
        held.append(a)
        a.bump(k % 2, w[1])
        if k > 0:
            s = s + np.sum(buf ** 2)
    return s + np.sum(held[0].data)


def read_between_calls(w):
    held = []
    s = 0.0
    for k in range(2):
        buf = w * (k + 1.0)
        a = Acc(buf)
        held.append(a)
        s = s + buf[0] * w[2]
        a.bump(0, w[1])
        s = s + np.sum(buf)
        a.bump(1, w[0])
    return s + np.sum(held[1].data * w)


def _turns(n):
    def turns(w):
        held = []
        s = w[2] * 0.5
        for k in range(n):
            buf = w * (k + 1.0)
            a = Acc(buf)
            held.append(a)
            a.bump(0, w[1])
            s = s + np.sum(buf)
        return s + len(held) * w[0]
    turns.__name__ = turns.__qualname__ = f"loop_of_{n}_turns"
    return turns


def read_after_the_loop(w):
    held = []
    for k in range(3):
        buf = w * (k + 1.0)
        a = Acc(buf)
        held.append(a)
        a.bump(0, w[1])
    return np.sum(buf * w) + np.sum(held[0].data)


def beside_a_loop_over_the_list(w):
    held = []
    s = 0.0
    for k in range(2):
        buf = np.cos(w) * (k + 1.0)
        a = Acc(buf)
        held.append(a)
        a.bump(0, w[1])
        s = s + np.sum(buf)
    for o in held:
        o.bump(1, w[2])
    return s + np.sum(held[0].data) + np.sum(held[1].data ** 2)


def in_a_while(w):
    held = []
    s = 0.0
    k = 0
    while k < 2:
        buf = w * (k + 1.0)
        a = Acc(buf)
        held.append(a)
        a.bump(k, w[1])
        s = s + np.sum(buf ** 2)
        k = k + 1
    return s + np.sum(held[0].data)


def in_a_nested_loop(w):
    held = []
    s = 0.0
    for j in range(2):
        for k in range(2):
            buf = w * (k + j + 1.0)
            a = Acc(buf)
            held.append(a)
            a.bump(k, w[1])
            s = s + np.sum(buf)
    return s + np.sum(held[3].data)


# -- an object a helper of the user's builds and returns ---------------------------------------

def make(w, k):
    return Acc(w * (k + 1.0))


def make_documented(w, k=2.0):
    """A factory with a default."""
    return Acc(np.sin(w) * k)


def wrap(buf):
    return Acc(buf)


def wrap_twice_held(v):
    return TwiceHeld(v * 1.0)


def made_at_the_top(w):
    a = make(w, 1.0)
    a.bump(1, w[0])
    return np.sum(a.data ** 2)


def made_by_keyword_with_a_default(w):
    a = make_documented(w=w)
    a.bump(2, w[0])
    return np.sum(a.data * w)


def made_from_a_name_read_after(w):
    buf = w * 1.0
    a = wrap(buf)
    a.bump(0, w[1])
    return np.sum(buf * w)


def made_from_the_argument(w):
    a = wrap(w)
    a.bump(0, w[1])
    return np.sum(w * w)


def made_keeping_an_alias(w):
    a = wrap_twice_held(w)
    a.bump(0, w[1])
    return np.sum(a.first)


def made_in_a_branch(w):
    s = 0.0
    for k in range(3):
        if k % 2 == 0:
            a = make(w, k)
            a.bump(k, w[1])
            s = s + np.sum(a.data)
    return s


FOLLOWED = [array_read_through_its_name, at_the_top, in_a_branch, read_between_calls, _turns(0), _turns(1),
            _turns(3), read_after_the_loop, beside_a_loop_over_the_list, in_a_while, in_a_nested_loop,
            object_returned_by_a_helper, made_at_the_top, made_by_keyword_with_a_default, made_from_a_name_read_after,
            made_from_the_argument, made_keeping_an_alias, made_in_a_branch]


@pytest.mark.parametrize("f", FOLLOWED, ids=lambda f: f.__name__)
@pytest.mark.parametrize("n", [3, 5])
def test_followed_in_every_mode(f, n):
    check_every_mode(f, n, 84 + n)


@pytest.mark.parametrize("f", FOLLOWED, ids=lambda f: f.__name__)
def test_jvp_of_grad_against_central_differences(f):
    check_jvp_of_grad(f, 84)


# -- refused -------------------------------------------------------------------------------

def written_again_after(w):
    held = []
    s = 0.0
    for k in range(2):
        buf = w * (k + 1.0)
        a = Acc(buf)
        held.append(a)
        a.bump(0, w[1])
        buf[1] = buf[1] * w[2]
        s = s + np.sum(buf)
    return s + np.sum(held[0].data)


def second_name_kept(w):
    held = []
    s = 0.0
    for k in range(2):
        buf = w * (k + 1.0)
        a = Acc(buf)
        held.append(a)
        other = buf
        a.bump(0, w[1])
        s = s + np.sum(other)
    return s + np.sum(held[0].data)


def view_of_it_kept(w):
    held = []
    s = 0.0
    for k in range(2):
        buf = w * (k + 1.0)
        head = buf[:2]
        a = Acc(buf)
        held.append(a)
        a.bump(0, w[1])
        s = s + np.sum(head)
    return s + np.sum(held[0].data)


def read_in_a_later_turn(w):
    held = []
    s = 0.0
    buf = w * 0.5
    for k in range(2):
        s = s + np.sum(buf)
        buf = w * (k + 1.0)
        a = Acc(buf)
        held.append(a)
        a.bump(0, w[1])
    return s + np.sum(held[0].data)


def list_handed_to_a_helper(w):
    held = []
    buf = w * 1.0
    a = Acc(buf)
    held.append(a)
    reset(held)
    a.bump(0, w[1])
    return np.sum(buf)


def in_two_lists(w):
    held, other = [], []
    buf = w * 1.0
    a = Acc(buf)
    held.append(a)
    other.append(a)
    a.bump(0, w[1])
    return np.sum(buf) + np.sum(other[0].data)


def the_argument_itself(w):
    held = []
    a = Acc(w)
    held.append(a)
    a.bump(0, w[1])
    return np.sum(w ** 2) + held[0].data[0]


def held_twice(w):
    held = []
    s = 0.0
    for k in range(2):
        buf = w * (k + 1.0)
        a = TwiceHeld(buf)
        held.append(a)
        a.bump(0, w[1])
        s = s + np.sum(buf)
    return s + np.sum(held[0].first)


def left_by_break(w):
    held = []
    s = 0.0
    for k in range(4):
        buf = w * (k + 1.0)
        a = Acc(buf)
        held.append(a)
        a.bump(0, w[1])
        s = s + np.sum(buf)
        if k == 1:
            break
    return s + np.sum(buf * w) + np.sum(held[-1].data)


def kept_in_another_list(w):
    held = []
    keep = []
    for k in range(2):
        buf = w * (k + 1.0)
        a = Acc(buf)
        held.append(a)
        keep.append(buf)
        a.bump(0, w[1])
    return np.sum(keep[0]) + np.sum(held[0].data)


def item_stored_over(w):
    held = []
    s = 0.0
    for k in range(2):
        buf = w * (k + 1.0)
        a = Acc(buf)
        held.append(a)
        a.bump(0, w[1])
        s = s + np.sum(buf)
    held[0] = Acc(w * 3.0)
    return s + np.sum(held[0].data)


def two_steps(w, k):         # (followed: test_helper_objects84)
    v = w * k
    return Acc(v)


def made_by_a_helper_of_two_statements(w):
    a = two_steps(w, 2.0)
    a.bump(0, w[1])
    return np.sum(a.data)


def made_from_an_expression(w):
    a = make(w * 2.0, 1.0)
    a.bump(0, w[1])
    return np.sum(a.data)


def made_from_a_view_of_an_array_read_after(w):
    buf = w * 1.0
    a = wrap(buf[:2])
    a.bump(0, w[1])
    return np.sum(buf)


REFUSED = [made_from_an_expression, made_from_a_view_of_an_array_read_after,
           written_again_after, left_by_break, kept_in_another_list, item_stored_over, second_name_kept, view_of_it_kept, read_in_a_later_turn, list_handed_to_a_helper,
           in_two_lists, the_argument_itself]     # held_twice: followed, test_objects85b.py

@pytest.mark.parametrize("f", REFUSED, ids=lambda f: f.__name__)
def test_refused_in_the_users_words(f):
    check_refused_in_the_users_words(f, "test_objects84.py")
