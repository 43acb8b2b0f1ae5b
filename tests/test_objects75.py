"""Objects holding the array handed in (``self.data = data`` in ``__init__``) whose
methods write into it in place, built where last round refused them: in a loop or a
branch, handed an array made in the call (``Acc(w * k)``), and through a base class's
``__init__`` (``super().__init__(data)``). Each followed form is checked in grad, jvp,
vjp (a random cotangent) and hessian against central differences on random inputs of
several shapes, the caller's array unchanged; the neighbours not followed (the object
kept in a list, the array held twice by the subclass, a name handed in a loop) are
refused in words saying what to write."""

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_hessian, numerical_jvp


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


FOLLOWED = [built_in_a_loop, built_in_a_branch, last_of_the_loop_read_after, through_super,
            argument_through_super, own_array_through_two_supers, super_built_in_a_loop]


def _python_value(f, w):
    return f(w.copy())


@pytest.mark.parametrize("f", FOLLOWED, ids=lambda f: f.__name__)
@pytest.mark.parametrize("n", [3, 5])
def test_followed_in_every_mode(f, n):
    rng = np.random.default_rng(75 + n)
    w = rng.uniform(0.5, 1.5, n)
    kept = w.copy()
    g = astgrad.grad(f)
    assert_close(g(w), numerical_grad(lambda v: _python_value(f, v), (w,)))
    value, tangent_out = astgrad.jvp(f, (w,), (t := rng.normal(size=n),))
    assert value == pytest.approx(_python_value(f, w))
    assert_close(tangent_out, numerical_jvp(lambda v: _python_value(f, v), (w,), (t,)))
    cotangent = rng.normal()
    value, pullback = astgrad.vjp(f, w)
    assert value == pytest.approx(_python_value(f, w))
    assert_close(pullback(cotangent)[0], cotangent * numerical_grad(lambda v: _python_value(f, v), (w,)))
    assert_close(astgrad.hessian(f)(w), numerical_hessian(g, (w,)), 1e-4, 1e-5)
    np.testing.assert_array_equal(w, kept)          # the caller's array as it was


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


def name_handed_in_a_loop(w):
    buf = w * 1.0
    s = 0.0
    for k in range(2):
        a = Sub(buf)                    # one array for both objects
        a.bump(k, w[0])
        s = s + np.sum(a.data)
    return s


@pytest.mark.parametrize("f", [kept_in_a_list, held_twice_by_the_subclass, name_handed_in_a_loop],
                         ids=lambda f: f.__name__)
def test_refused_in_words(f):
    words = (r"the call of \w+\.bump changes the object it is called on in place .*self\.data\[k\] \*= c.*"
             r"store a copy of it there \(self\.data = data\.copy\(\) or np\.array\(data\)")
    with pytest.raises(astgrad.TransformError, match=words):
        astgrad.grad(f)(np.array([0.5, 1.5, 2.0]))
