"""The object a helper of the user's returned (a helper astgrad keeps as a call: a check
that raises), read again after a method of it that only rebinds its attributes
(``a = mk(buf); a.shift(v); np.sum(a.data * w)``): each ``return`` of the helper builds
a new object of one class (``return Reb(b)``), so the method is followed from state to
state as on an object built in the function. Checked in every mode against central
differences of what Python computes, at two sizes; with an alias of the old array taken
before the call, the method called twice, in a loop, in a branch, on an item of a list,
on the copy of an argument, and on an object a method of it built. Where a method writes
into an array in place (the array handed in, a child's new array, a new array it has just
rebound, another attribute) the call stays refused, naming the user's file, line and
method."""

import re

import numpy as np
import pytest

import astgrad
from test_objects74 import check_every_mode, check_jvp_of_grad   # against central differences


class Reb:
    def __init__(self, data):
        self.data = data

    def shift(self, v):
        self.data = self.data + v

    def squash(self, v):
        self.data = np.tanh(self.data * v)
        return np.sum(self.data)

    def grown(self):
        return Reb(self.data * 2.0)         # a new object holding a new array

    @property
    def twice(self):
        return self.data * 2.0


class Acc:
    def __init__(self, data):
        self.data = data

    def bump(self, k, c):
        self.data[k] *= c

    def child(self):
        return Acc(self.data * 2.0)


class RebThenWrite:
    def __init__(self, data):
        self.data = data

    def shift(self, v):
        self.data = self.data + v
        self.data[0] *= v               # into the new array: Python leaves the one handed in


class Two:
    def __init__(self, data, other):
        self.data = data
        self.other = other

    def shift(self, v):
        self.data = self.data + v
        self.other[0] *= v              # into the array handed in as other


def mk_reb(b):
    if b.ndim != 1:
        raise ValueError("a vector, please")
    return Reb(b)


def mk_acc(b):
    if b.ndim != 1:
        raise ValueError("a vector, please")
    return Acc(b)


def mk_reb_then_write(b):
    if b.ndim != 1:
        raise ValueError("a vector, please")
    return RebThenWrite(b)


def mk_two(b, c):
    if b.ndim != 1:
        raise ValueError("a vector, please")
    return Two(b, c)


# -- followed -------------------------------------------------------------------------------

def read_after(w):
    buf = w * 2.0
    a = mk_reb(buf)
    a.shift(w[1])
    return np.sum(a.data * w) + np.sum(buf ** 2)


def old_array_read_after(w):
    buf = np.cos(w)
    a = mk_reb(buf)
    old = a.data                        # the array handed in: shift leaves it as it was
    a.shift(w[1])
    return np.sum(old * w) + np.sum(np.sin(a.data))


def called_twice(w):
    a = mk_reb(np.sin(w))
    a.shift(w[1])
    a.shift(w[0])
    return np.sum(a.data ** 2)


def called_in_a_loop(w):
    a = mk_reb(w * 1.0)
    for k in range(3):
        a.shift(w[k])
    return np.sum(a.data * w)


def called_in_a_branch(w):
    a = mk_reb(w * 1.5)
    if w[0] > 1.0:
        a.shift(w[1])
    else:
        a.shift(-w[2])
    return np.sum(a.data * w)


def with_a_result(w):
    a = mk_reb(w * 0.5)
    s = a.squash(w[2])
    return s * w[0] + np.sum(a.data * w)


def held_in_a_list(w):
    buf = w * 1.0
    objs = [mk_reb(buf)]
    objs[0].shift(w[1])
    return np.sum(objs[0].data * w) + np.sum(buf ** 2)


def copy_of_the_argument(w):
    a = mk_reb(w.copy())
    a.shift(w[1])
    return np.sum(w ** 2) + np.sum(a.data * w)


def child_of_a_rebinding_object(w):
    buf = np.sin(w)
    a = mk_reb(buf)
    a.shift(w[0])
    b = a.grown()
    b.shift(w[1])
    return np.sum(a.data * b.data) + np.sum(buf ** 2)


def property_read_after(w):
    a = mk_reb(np.cos(w))
    a.shift(w[2])
    return np.sum(a.twice * w)


def written_on_a_child(w):
    # followed: a.child() returns Acc(self.data * 2.0), an array of b's own, so b's write
    # leaves buf as it was (returned_constructions.py)
    buf = np.sin(w)
    a = mk_acc(buf)
    b = a.child()
    b.bump(0, w[1])
    return np.sum(buf ** 2) + np.sum(b.data * w)


FOLLOWED = [property_read_after, read_after, old_array_read_after, called_twice, called_in_a_loop, called_in_a_branch, with_a_result,
            held_in_a_list, copy_of_the_argument, child_of_a_rebinding_object, written_on_a_child]


@pytest.mark.parametrize("f", FOLLOWED, ids=lambda f: f.__name__)
@pytest.mark.parametrize("n", [3, 5])
def test_followed_in_every_mode(f, n):
    check_every_mode(f, n, 851 + n)


@pytest.mark.parametrize("f", FOLLOWED, ids=lambda f: f.__name__)
def test_followed_jvp_of_grad(f):
    check_jvp_of_grad(f, 851)


def test_python_keeps_the_old_array_under_its_alias():
    # what old_array_read_after relies on, as Python runs it
    w = np.array([0.5, 1.5, 2.0])
    a = mk_reb(w * 1.0)
    old = a.data
    a.shift(1.0)
    np.testing.assert_array_equal(old, w)
    np.testing.assert_array_equal(a.data, w + 1.0)


# -- refused: the method writes into an array in place --------------------------------------

def written_and_read_again(w):
    buf = w * 1.0
    a = mk_acc(buf)
    a.bump(0, w[1])
    return np.sum(buf ** 2)


def written_and_its_data_read(w):
    a = mk_acc(np.sin(w))
    a.bump(0, w[1])
    return np.sum(a.data * w)


def written_on_the_arguments_copy(w):
    a = mk_acc(w.copy())
    a.bump(0, w[1])
    return np.sum(w ** 2) + np.sum(a.data)


def rebound_then_written(w):
    buf = w * 1.0
    a = mk_reb_then_write(buf)
    a.shift(w[1])
    return np.sum(buf ** 2) + np.sum(a.data * w)


def rebinds_one_writes_another(w):
    buf = w * 1.0
    c = np.cos(w)
    a = mk_two(buf, c)
    a.shift(w[1])
    return np.sum(c ** 2) + np.sum(a.data * w)


def handed_on_to_the_helper_again(w):
    a = mk_reb(w * 1.0)
    a.shift(w[1])
    b = mk_reb(a.data)
    b.shift(w[0])
    return np.sum(b.data * a.data)


def name_bound_twice(w):
    a = mk_reb(w * 1.0)
    a.shift(w[1])
    a = mk_reb(a.data * w)
    a.shift(w[0])
    return np.sum(a.data)


def total(o):
    return np.sum(o.data ** 2)


def handed_to_a_helper(w):
    a = mk_reb(w * 1.0)
    a.shift(w[1])
    return total(a) * w[0]


REFUSED = {     # f: (the method the message names, the line it names)
    written_and_read_again: (".bump()", "a.bump(0, w[1])"),
    written_and_its_data_read: (".bump()", "a.bump(0, w[1])"),
    written_on_the_arguments_copy: (".bump()", "a.bump(0, w[1])"),
    rebound_then_written: (".shift()", "a.shift(w[1])"),
    rebinds_one_writes_another: (".shift()", "a.shift(w[1])"),
    handed_on_to_the_helper_again: (".shift()", "b.shift(w[0])"),
    name_bound_twice: (".shift()", "a.shift(w[1])"),
    handed_to_a_helper: (".shift()", "a.shift(w[1])")}


@pytest.mark.parametrize("f", list(REFUSED), ids=lambda f: f.__name__)
def test_refused_naming_the_users_line(f):
    method, line = REFUSED[f]
    with pytest.raises(astgrad.TransformError) as caught:
        astgrad.grad(f)(np.array([0.5, 1.5, 2.0, 0.7]))
    message, error = str(caught.value), caught.value
    assert str(error.filename).endswith("test_helper_objects85b.py"), message
    lines = [k for k, text in enumerate(open(__file__).read().splitlines(), 1)
             if k > f.__code__.co_firstlineno and text.strip() == line]
    assert error.lineno == lines[0], message
    assert method in message, message
    assert re.search(r"\b(t|d|a)_\d|_saved|_state\b", message) is None, message     # no name astgrad made up


def test_refused_in_other_transforms():
    with pytest.raises(astgrad.TransformError, match=r"\.shift\(\)"):
        astgrad.jvp(rebound_then_written, (np.array([0.5, 1.5, 2.0]),), (np.ones(3),))
    with pytest.raises(astgrad.TransformError, match=r"\.bump\(\)"):
        astgrad.hessian(written_and_read_again)(np.array([0.5, 1.5, 2.0]))


class Bumper:
    def __init__(self, data):
        self.data = data

    def bump(self, k, c):
        self.data[k] *= c


def _doubled(v):
    return v * 2.0


def built_here_from_a_view_any_order(w):
    Y = np.outer(w, w)
    a = Bumper(Y.T.reshape(-1, order="A"))     # a view of Y (written any_order(...) inside)
    a.bump(0, w[1])
    return np.sum(Y ** 2)


def built_here_from_a_helpers_value(w):
    a = Bumper(_doubled(w))
    a.bump(0, w[1])
    return np.sum(a.data * w)


@pytest.mark.parametrize("f", [built_here_from_a_view_any_order, built_here_from_a_helpers_value],
                         ids=lambda f: f.__name__)
def test_a_call_inside_the_arguments_of_a_class_built_here_is_no_helper_building_it(f):
    """Only the call a name is bound to (or a list display's item) builds what the name
    holds: a call inside its arguments (astgrad's own any_order(...), a helper of the
    user's) does not make ``a`` an object a helper returned, whose in-place method would
    then be left to a refusal that does not apply (a wrong gradient for the first). Each
    is refused at the method's line, as an object built in the function with an array
    another name may hold is."""
    w = np.array([0.5, 1.5, 2.0])
    with pytest.raises(astgrad.TransformError, match=r"Bumper\.bump changes the object") as caught:
        astgrad.grad(f)(w)
    assert caught.value.line.strip() == "a.bump(0, w[1])"
