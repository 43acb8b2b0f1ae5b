"""Objects holding the array handed in (``self.data = data`` in ``__init__``) whose
methods write into it in place, built where last round refused them: in a loop or a
branch, handed an array made in the call (``Acc(w * k)``), and through a base class's
``__init__`` (``super().__init__(data)``), and an item of the array handed straight to a
method (``a.bump(0, w[1])``, read before the method writes). Each followed form is checked in grad, jvp,
vjp (a random cotangent) and hessian against central differences on random inputs of
several shapes, the caller's array unchanged; the neighbours not followed (a row handed
to a method reading it after its writes, or keeping it) are refused in words saying what to write; ``Base.__init__(self,
data)`` called by the base's name, a name handed in a loop and the loop's array read after
it, refused before, are checked against central differences, and so are the array an
earlier turn's object wrote into, read in the next turn, the objects a loop keeps in a
list, read through it after the loop, and the array a subclass keeps under a second
attribute, read there after the writes."""

import numpy as np
import pytest

import astgrad
from fd import assert_close
from test_objects74 import check_every_mode     # grad, jvp, vjp and hessian against central differences


class Acc:
    def __init__(self, data):
        self.data = data

    def bump(self, k, c):
        self.data[k] *= c


class Sub(Acc):
    def __init__(self, data):
        super().__init__(data)


class Scaled(Sub):
    def __init__(self, scale, data):
        super().__init__(data)          # two classes down to the store
        self.scale = scale

    def stretch(self, k):
        self.data[k] = self.data[k] * self.scale


class TwiceHeld(Acc):
    def __init__(self, data):
        super().__init__(data)
        self.first = data               # a second attribute holding the same array


def built_in_a_loop(w):
    total = 0.0
    for k in range(len(w) - 1):
        a = Acc(w * (k + 1.0))
        a.bump(k, w[k + 1])
        total = total + np.sum(a.data ** 2)
    return total


def built_in_a_branch(w):
    if w[0] > 0.2:
        a = Acc(np.sin(w))
        a.bump(1, w[0])
        s = np.sum(a.data * w)
    else:
        s = np.sum(w)
    return s


def last_of_the_loop_read_after(w):
    for k in range(3):
        a = Acc(w * (k + 1.0))
        a.bump(k, w[0])
    return np.sum(a.data * w)           # the object built last, as in Python


def last_turns_object_read(w):
    s = 0.0
    for k in range(3):
        if k > 0:
            s = s + a.data[0] * a.data[1]   # the object the turn before built and wrote into
        a = Acc(w * (k + 1.0))
        a.bump(0, w[1])
    return s


def through_super(w):
    a = Sub(w * 1.0)
    a.bump(0, w[1])
    a.bump(2, w[0])
    return np.sum(a.data ** 2)


def argument_through_super(w):
    a = Sub(w)
    a.bump(1, w[0] * 2.0)
    return np.sum(w ** 3) + np.sum(a.data)      # w shows the write, as in Python


def own_array_through_two_supers(w):
    buf = np.sin(w)
    a = Scaled(w[2], buf)
    a.stretch(1)
    a.bump(0, w[1])
    return np.sum(buf * w)                       # buf shows both writes


def super_built_in_a_loop(w):
    total = 0.0
    for k in range(2):
        a = Scaled(w[k], np.cos(w) * (k + 1.0))
        a.stretch(k)
        total = total + np.sum(a.data * w)
    return total


def item_handed_to_the_method(w):
    n = len(w)
    s = np.sum(w) * w.shape[0]
    a = Acc(w)
    a.bump(n - 1, w[0])                 # a number read before the call, as in Python
    return s + np.sum(np.sin(w))


def items_of_the_attribute(w):
    a = Acc(w * 1.0)
    a.bump(2, a.data[0])
    a.bump(0, a.data[2])                # reads the written item, as Python does
    return np.sum(a.data ** 2)


def row_handed_to_the_method(w):
    buf = np.outer(w, w[:2]) * 1.0
    a = Acc(buf)
    a.bump(1, buf[0])                   # a view of row 0, read before the write
    return np.sum(np.sin(buf))


def name_bound_in_the_loop(w):
    total = 0.0
    for k in range(2):
        buf = np.sin(w) * (k + 1.0)     # a new array at each turn
        a = Sub(buf)
        a.bump(k, w[2])
        total = total + np.sum(buf * w)     # shows the write, as in Python
    return total


def name_bound_in_a_branch(w):
    if w[1] > 0.2:
        buf = np.cos(w)
        a = Acc(buf)
        a.bump(0, w[1])
        s = np.sum(buf ** 2)
    else:
        s = np.sum(w)
    return s


def loops_array_read_after_it(w):
    for k in range(2):
        buf = np.sin(w) * (k + 1.0)
        a = Acc(buf)
        a.bump(k, w[2])
    return np.sum(buf)


def name_handed_in_a_loop(w):
    buf = w * 1.0
    s = 0.0
    for k in range(2):
        a = Sub(buf)                    # one array for both objects
        a.bump(k, w[0])
        s = s + np.sum(a.data)
    return s


def earlier_turns_array_read(w):
    total = 0.0
    buf = w * 1.0
    for k in range(2):
        total = total + np.sum(buf)     # the array the last turn's object wrote into
        buf = np.sin(w) * (k + 1.0)
        a = Acc(buf)
        a.bump(k, w[2])
    return total


FOLLOWED = [name_bound_in_the_loop, name_bound_in_a_branch, item_handed_to_the_method, items_of_the_attribute, row_handed_to_the_method, built_in_a_loop, built_in_a_branch, last_of_the_loop_read_after, through_super,
            last_turns_object_read, argument_through_super, own_array_through_two_supers, super_built_in_a_loop,
            loops_array_read_after_it, name_handed_in_a_loop, earlier_turns_array_read]


@pytest.mark.parametrize("f", FOLLOWED, ids=lambda f: f.__name__)
@pytest.mark.parametrize("n", [3, 5])
def test_followed_in_every_mode(f, n):
    check_every_mode(f, n, 75 + n)


def test_branch_not_taken():
    w = np.array([0.1, 1.5, 2.0])
    assert_close(astgrad.grad(built_in_a_branch)(w), np.ones(3))


def kept_in_a_list(w):
    held = []
    for k in range(2):
        a = Acc(w * (k + 1.0))
        held.append(a)                  # the object outlives its loop turn in the list
        a.bump(0, w[1])
    return np.sum(held[0].data) + np.sum(held[1].data)


def held_twice_by_the_subclass(w):
    a = TwiceHeld(w * 1.0)
    a.bump(0, w[1])
    return np.sum(a.first)              # shows the write in Python


class Twice(Acc):
    def bump_twice(self, k, c):
        self.data[k] *= 2.0
        self.data[k + 1] += c           # a view of row k shows the write above


class Keeper(Acc):
    def bump_kept(self, k, c):
        self.data[k] *= c
        self.kept = c


def row_read_after_the_write(w):
    buf = np.outer(w, w[:2]) * 1.0
    a = Twice(buf)
    a.bump_twice(0, buf[0])
    return np.sum(buf)


def row_kept_by_the_method(w):
    a = Keeper(np.outer(w, w[:2]) * 1.0)
    a.bump_kept(0, a.data[1])
    return np.sum(a.data)


ITEM_REFUSALS = {
    row_read_after_the_write: r"the call of Twice\.bump_twice changes the object it is called on in place .*"
                              r"store a copy of it there \(self\.data = data\.copy\(\) or np\.array\(data\)",
    row_kept_by_the_method: r"a call of Keeper\.bump_kept, which changes self\.data in place, .*"
                            r"store only a new list, dict or array in self\.data and hand no other name what it holds",
}


@pytest.mark.parametrize("f", list(ITEM_REFUSALS), ids=lambda f: f.__name__)
def test_item_read_after_writes_refused_in_words(f):
    with pytest.raises(astgrad.TransformError, match=ITEM_REFUSALS[f]):
        astgrad.grad(f)(np.array([0.5, 1.5, 2.0]))


class NamedBase(Acc):
    def __init__(self, data):
        Acc.__init__(self, data)        # the base class called by its name


def base_init_called_by_name(w):
    a = NamedBase(w * 1.0)
    a.bump(0, w[1])
    return np.sum(a.data)


@pytest.mark.parametrize("f", [kept_in_a_list, held_twice_by_the_subclass], ids=lambda f: f.__name__)
@pytest.mark.parametrize("n", [3, 5])
def test_refused_before_followed_in_every_mode(f, n):
    check_every_mode(f, n, 75 + n)      # held[0] is the object a names; a.first is a.data


@pytest.mark.parametrize("n", [3, 5])
def test_base_init_called_by_name_followed_in_every_mode(n):
    check_every_mode(base_init_called_by_name, n, 75 + n)      # read as super().__init__(data)
