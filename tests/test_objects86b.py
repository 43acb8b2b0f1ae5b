"""Everyday forms over objects of the user's classes: two objects built in one tuple
assignment (``a, b = S(w), S(2.0 * w)``) or by a tuple helper of the function's module or
of another, then a method writing into one in place (``self.d *= c``); a child object
built from new values by a method (``b = a.child()`` returning ``B(self.d * 2.0)``) then
written in place, both read after; ``mk(w.copy())`` building an object whose method
writes in place; a method rebinding its attribute to a new array and then writing into
it (``self.d = self.d * 1.0; self.d[0] += x``: the caller's array keeps its values).
Each is checked in grad, value_and_grad, jvp, vjp and hessian against central
differences of what Python computes, at two sizes, the caller's array left as Python's
call leaves it, and in the jvp of its gradient. Also a child method called with
expressions (``a.scaled(w[0])``), and a rebinding method returning its new array
(``e = p.step(x)``, ``e`` and ``p.d`` then one array). The neighbours not followed (a
child sharing its parent's array; a write through such a returned array or its object
(its value read in an expression is followed: test_objects87b.py); a rebinding method that writes before it rebinds,
rebinds in a branch or keeps the new array under a second attribute;
a write in place into an attribute ``__init__`` keeps under two names where a method
rebinds one of them, which parts them)
are refused at the user's line, never a wrong gradient."""

import re

import numpy as np
import pytest

import astgrad
from objects86b_other import make_pair as other_pair, make_scaled_pair
from test_objects74 import check_every_mode, check_jvp_of_grad   # against central differences

SCALE = 100.0           # the other module's helper reads its own SCALE, not this one


class Q:
    """Not the other module's Q, which its helpers build."""

    def __init__(self, d):
        self.d = d * 10.0

    def norm(self):
        return np.sum(self.d)

    def scale(self, c):
        self.d = self.d + c


class S:
    def __init__(self, d):
        self.d = d

    def norm(self):
        return np.sqrt(np.sum(self.d ** 2))

    def scale(self, c):
        self.d *= c                     # into the array it holds


class B:
    def __init__(self, d):
        self.d = d

    def bump(self, c):
        self.d[0] += c

    def child(self):
        return B(self.d * 2.0)          # a new array of its own


class Scaling:
    def __init__(self, d):
        self.d = d

    def bump(self, c):
        self.d[0] += c

    def scaled(self, k):
        return Scaling(self.d * k)      # a new array of its own

    def shifted(self, k, by=1.0):
        return Scaling(self.d + k * by)


class Shared:
    def __init__(self, d):
        self.d = d

    def bump(self, c):
        self.d[0] += c

    def child(self):
        return Shared(self.d)           # the parent's own array


class Rebinding:
    def __init__(self, d):
        self.d = d

    def step(self, x):
        self.d = self.d * 1.0           # a new array: the write below is into it only
        self.d[0] += x

    def norm(self):
        return np.sum(self.d ** 2)


class RebindingByCopy:
    def __init__(self, d):
        self.d = d

    def step(self, x):
        """A docstring first."""
        k = x * 2.0
        self.d = self.d.copy()
        for i in range(2):
            self.d[i] = self.d[i] * k + x
        self.d[-1] += self.d[0] * x


class TwiceKept:
    def __init__(self, d):
        self.d = d
        self.e = d                      # the same array, until a method rebinds self.d

    def step(self, x):
        self.d = self.d * 1.0
        self.d[0] += x                  # self.e keeps the old array, unwritten


class TwiceKeptGrown:
    def __init__(self, d):
        self.d = d
        self.e = d

    def grow(self, x):
        self.d = self.d * x             # parts self.d from self.e

    def bump(self, x):
        self.d[0] += x                  # then into self.d's new array alone


class Returning:
    def __init__(self, d):
        self.d = d

    def step(self, x):
        self.d = self.d * 1.0
        self.d[0] += x
        return self.d                   # the caller's name holds the new array too


class ReturningAndBumping(Returning):
    def bump(self, c):
        self.d[1] += c


class WrittenFirst:
    def __init__(self, d):
        self.d = d

    def step(self, x):
        self.d[0] += x                  # into the array handed in
        self.d = self.d * 1.0


class RebindingInABranch:
    def __init__(self, d):
        self.d = d

    def step(self, x):
        if x > 0.0:
            self.d = self.d * 1.0
        self.d[0] += x


class Leaking:
    def __init__(self, d):
        self.d = d
        self.e = d

    def step(self, x):
        self.d = self.d * 1.0
        self.e = self.d                 # a second attribute holds the new array
        self.d[0] += x


def make_pair(w):
    return S(w), S(w * 2.0)


def mk(d):
    return S(d)


def mkb(d):
    return B(d)


# -- followed -------------------------------------------------------------------------------

def a_tuple_built(w):
    a, b = S(w), S(2.0 * w)
    b.scale(w[0])
    return a.norm() * np.sum(b.d)


def a_tuple_both_written(w):
    a, b = S(w * 1.0), S(2.0 * w)
    a.scale(w[1])
    b.scale(w[0])
    return a.norm() * np.sum(b.d) + np.sum(w)


def a_tuple_in_a_loop(w):
    s = 0.0
    for k in range(2):
        a, b = S(w * (k + 1.0)), S(np.sin(w))
        a.scale(w[k])
        s = s + a.norm() * b.norm()
    return s


def a_tuple_helper_written(w):
    a, b = make_pair(w * 1.0)
    b.scale(w[0])
    return a.norm() + np.sum(b.d * w)


def another_modules_pair(w):
    a, b = other_pair(w)
    return a.norm() + b.norm() * w[0]


def another_modules_pair_written(w):
    a, b = other_pair(w * 1.0)
    b.scale(w[0])
    return a.norm() + np.sum(b.d * w)


def another_modules_globals(w):
    a, b = make_scaled_pair(np.cos(w))  # its SCALE (3.0), not this module's
    a.scale(w[1])
    return a.norm() * b.norm()


def a_child_written(w):
    a = B(w * 1.0)
    b = a.child()
    b.bump(w[1])
    a.bump(w[2])
    return np.sum(a.d ** 2) + np.sum(b.d * w)


def a_child_of_the_argument(w):
    a = B(w)
    b = a.child()
    b.bump(w[1])
    return np.sum(a.d ** 2) + np.sum(b.d * w)     # a.d is w, untouched


def a_child_of_an_expression(w):
    a = Scaling(w * 1.0)
    b = a.scaled(w[0])
    b.bump(w[1])
    return np.sum(a.d ** 2) + np.sum(b.d * w)


def a_child_of_expressions_by_keyword(w):
    a = Scaling(np.sin(w))
    b = a.shifted(w[2] * 2.0, by=np.cos(w[0]))
    b.bump(w[1])
    a.bump(w[0] * w[2])
    return np.sum(a.d * b.d) + np.sum(b.d * w)


def a_child_of_an_expression_in_a_loop(w):
    s = 0.0
    a = Scaling(w * 1.0)
    for k in range(2):
        b = a.scaled(w[k] + k)
        b.bump(w[2])
        s = s + np.sum(b.d ** 2)
    return s


def a_copy_handed_to_a_helper(w):
    p = mk(w.copy())
    p.scale(w[0])
    return np.sum(w * p.d) + p.norm()


def a_copy_written_by_element(w):
    p = mkb(w.copy())
    p.bump(w[2])
    return np.sum(w ** 2) + np.sum(p.d * w)


def rebound_then_written(w):
    p = Rebinding(w)
    p.step(w[1])
    return np.sum(w * p.d) + p.norm()      # w keeps its values


def rebound_over_a_buffer(w):
    buf = w * 2.0
    p = Rebinding(buf)
    p.step(w[2])
    return np.sum(buf * w) + p.norm()      # buf keeps its values


def rebound_twice(w):
    p = Rebinding(w)
    p.step(w[1])
    p.step(w[0])
    return p.norm() * w[2]


def rebound_by_a_copy(w):
    p = RebindingByCopy(w)
    p.step(w[1])
    return np.sum(np.sin(p.d) * w)


def rebound_and_returned(w):
    p = Returning(w)
    e = p.step(w[1])                    # e and p.d: one new array; w keeps its values
    return np.sum(w * e) + np.sum(p.d ** 2)


def returned_then_stepped_again(w):
    p = Returning(w * 2.0)
    e = p.step(w[1])
    p.step(w[0])                        # a new array again: e keeps the first
    return np.sum(w * e) + np.sum(p.d ** 2)


def returned_in_a_loop(w):
    p = Returning(np.sin(w))
    s = 0.0
    for k in range(2):
        e = p.step(w[k])
        s = s + np.sum(e * w)
    return s * np.sum(p.d)


def kept_under_two_names(w):
    p = TwiceKept(w * 1.0)
    p.step(w[1])
    return np.sum(w * p.d) + np.sum(p.e ** 2)


def kept_under_two_names_of_the_argument(w):
    p = TwiceKept(w)
    p.step(w[1])
    return np.sum(w * p.d) + np.sum(p.e ** 2)


FOLLOWED = [a_tuple_built, a_tuple_both_written, a_tuple_in_a_loop, a_tuple_helper_written, another_modules_pair,
            another_modules_pair_written, another_modules_globals, a_child_written,
            a_child_of_the_argument, a_child_of_an_expression, a_child_of_expressions_by_keyword,
            a_child_of_an_expression_in_a_loop, a_copy_handed_to_a_helper, a_copy_written_by_element, rebound_then_written,
            rebound_over_a_buffer, rebound_twice, rebound_by_a_copy, kept_under_two_names,
            kept_under_two_names_of_the_argument, rebound_and_returned, returned_then_stepped_again,
            returned_in_a_loop]


@pytest.mark.parametrize("f", FOLLOWED, ids=lambda f: f.__name__)
@pytest.mark.parametrize("n", [3, 5])
def test_followed_in_every_mode(f, n):
    check_every_mode(f, n, 86 + n)


@pytest.mark.parametrize("f", FOLLOWED, ids=lambda f: f.__name__)
def test_jvp_of_grad(f):
    check_jvp_of_grad(f, 86)


def test_another_modules_helper_reads_its_own_globals():
    w = np.array([0.5, 1.5, 2.0])
    c = np.cos(w)
    expected = 3.0 * w[1] * np.linalg.norm(c) * np.linalg.norm(np.sin(c))
    assert another_modules_globals(w) == pytest.approx(expected)
    assert astgrad.value_and_grad(another_modules_globals)(w)[0] == pytest.approx(expected)


def test_the_caller_keeps_its_array_as_python_does():
    # Python's own calls leave w as it was: each write is into an array made in the call
    for f in FOLLOWED:
        w = np.array([0.5, 1.5, 2.0])
        f(w)
        np.testing.assert_array_equal(w, [0.5, 1.5, 2.0])
        value, _ = astgrad.value_and_grad(f)(w)
        assert value == pytest.approx(f(w.copy()))
        np.testing.assert_array_equal(w, [0.5, 1.5, 2.0])


# -- refused, never a wrong gradient ---------------------------------------------------------

def a_child_sharing_the_array(w):
    a = Shared(w * 1.0)
    b = a.child()
    b.bump(w[1])                        # Python: a.d shows the write too
    return np.sum(a.d ** 2) + np.sum(b.d * w)


def grown_then_bumped(w):
    p = TwiceKeptGrown(w * 1.0)
    p.grow(w[2])
    p.bump(w[1])                        # Python: p.e keeps the array grow parted from p.d
    return np.sum(w * p.d) + np.sum(p.e ** 2)


def returned_then_written(w):
    p = Returning(w)
    e = p.step(w[1])
    e[1] += w[0]                        # Python: p.d shows the write too
    return np.sum(w * e) + np.sum(p.d ** 2)


def returned_then_bumped(w):
    p = ReturningAndBumping(w * 1.0)
    e = p.step(w[1])
    p.bump(w[0])                        # Python: e shows the write too
    return np.sum(w * e) + np.sum(p.d ** 2)


def written_before_rebound(w):
    p = WrittenFirst(w)
    p.step(w[1])
    return np.sum(w * p.d)


def rebound_in_a_branch(w):
    p = RebindingInABranch(w)
    p.step(w[1])
    return np.sum(w * p.d)


def rebound_and_kept_twice(w):
    p = Leaking(w * 1.0)
    p.step(w[1])
    return np.sum(w * p.d) + np.sum(p.e)


@pytest.mark.parametrize("f, words", [(a_child_sharing_the_array, "Shared.bump"),
                                      (returned_then_written, "'e'"),
                                      (returned_then_bumped, "ReturningAndBumping.bump"),
                                      (written_before_rebound, "WrittenFirst.step"),
                                      (rebound_in_a_branch, "RebindingInABranch.step"),
                                      (rebound_and_kept_twice, "Leaking.step"),
                                      (grown_then_bumped, "TwiceKeptGrown.bump")],
                         ids=lambda v: getattr(v, "__name__", v))
@pytest.mark.parametrize("transform", [astgrad.grad, astgrad.value_and_grad, astgrad.hessian])
def test_refused_at_the_users_line(f, words, transform):
    with pytest.raises(astgrad.TransformError) as caught:
        transform(f)(np.array([0.5, 1.5, 2.0]))
    message, error = str(caught.value), caught.value
    assert error.lineno is not None and __file__.endswith(str(error.filename).split("/")[-1])
    assert words in message
    assert re.search(r"\b(t|d)_\d|_saved", message) is None          # no name astgrad made up



class Redefined:
    def __init__(self, d):
        self.d = d

    def bump(self, c):
        self.d[0] += c

    def child(self):
        return Redefined(self.d * 2.0)


def a_child_of_a_redefined_method(w):
    a = Redefined(w * 1.0)
    b = a.child()
    b.bump(w[1])
    return np.sum(b.d * w)


def test_a_child_method_redefined_is_read_again():
    w = np.array([0.5, 1.5, 2.0])
    g = astgrad.grad(a_child_of_a_redefined_method)
    bumped = np.array([w[1], w[0], 0.0])        # b.d[0] += w[1]: sum(b.d * w) gains w[1] * w[0]
    np.testing.assert_allclose(g(w), 4.0 * w + bumped)
    kept = Redefined.child
    try:
        Redefined.child = lambda self: Redefined(self.d * 3.0)
        np.testing.assert_allclose(g(w), 6.0 * w + bumped)
    finally:
        Redefined.child = kept


class Renamed:
    def __init__(self, d):
        self.d = d

    def bump(self, c):
        self.d[0] += c

    def child(self):
        return Renamed(self.d * 2.0)

    def shadow(self):
        setattr(self, "child", lambda: Renamed(self.d * 5.0))    # an instance's child, not the class's


def a_child_after_setattr(w):
    a = Renamed(w * 1.0)
    a.shadow()
    b = a.child()
    b.bump(w[1])
    return np.sum(b.d * w)


def test_a_child_method_an_instance_may_hide_is_not_written_in():
    # Python calls the instance's child (5 * d): never the class's (2 * d)
    w = np.array([0.5, 1.5, 2.0])
    try:
        value, _ = astgrad.value_and_grad(a_child_after_setattr)(w)
    except astgrad.TransformError:
        return                          # refused: no wrong gradient
    assert value == pytest.approx(a_child_after_setattr(w.copy()))
