"""Objects of a subclass whose ``__init__`` calls its base's (``super().__init__(data)`` or
``Base.__init__(self, data)``), built in a loop, appended to a list and changed through
their name (``held.append(a); a.bump(0, c)``), read through the list after the loop: the
list held as a list per attribute, the base's attributes and methods found along Python's
method resolution order (a method the subclass overrides, a base's method calling an
overridden one, two levels of bases, a base's ``__init__`` given a constant). Each is
checked in grad, value_and_grad, jvp, vjp, hessian and jvp of grad against central
differences of what Python computes, at two sizes, the caller's array unchanged
(check_every_mode). The neighbours are right or refused in words naming the user's line:
the same object appended twice, a subclass keeping the array under a second attribute,
an array held by a list before a loop calling the turn before's object's method."""

import numpy as np
import pytest

from test_objects74 import check_every_mode, check_jvp_of_grad   # against central differences
from test_objects80 import check_refused_in_the_users_words


class Acc:
    def __init__(self, data):
        self.data = data

    def bump(self, k, c):
        self.data[k] *= c


class Sub(Acc):
    def __init__(self, data):
        super().__init__(data)


class Named(Acc):
    def __init__(self, data):
        Acc.__init__(self, data)


class Scaled(Acc):
    def __init__(self, data, s):
        super().__init__(data)
        self.s = s

    def bump(self, k, c):               # overrides the base's writing method
        self.data[k] *= c * self.s


class Twice(Scaled):                    # two levels of bases
    def __init__(self, data, s):
        super().__init__(data, s)


class Stepper:
    def __init__(self, data):
        self.data = data

    def step(self, k, c):               # calls a method the subclass overrides
        self.put(k, c)

    def put(self, k, c):
        self.data[k] += c


class Squarer(Stepper):
    def __init__(self, data):
        super().__init__(data)

    def put(self, k, c):
        self.data[k] *= c * c


class Kinded(Acc):
    def __init__(self, data, s):
        super().__init__(data)
        self.s = s

    def bump(self, k, c):
        super().bump(k, c * self.s)     # super() in a method


def subclass_in_a_list(w):
    held = []
    for k in range(2):
        a = Sub(w * (k + 1.0))
        held.append(a)
        a.bump(0, w[1])
    return np.sum(held[0].data) + np.sum(held[1].data * w)


def named_base_in_a_list(w):
    held = []
    for k in range(2):
        a = Named(np.sin(w) * (k + 1.0))
        held.append(a)
        a.bump(1, w[2])
    return np.sum(held[0].data * held[1].data)


def overridden_in_a_list(w):
    held = []
    for k in range(2):
        a = Scaled(w * (k + 1.0), w[0])
        held.append(a)
        a.bump(k, w[1])
    return np.sum(held[0].data) + np.sum(held[1].data ** 2)


def two_levels_in_a_list(w):
    held = []
    for k in range(3):
        a = Twice(w + k, k + 0.5)
        held.append(a)
        a.bump(0, w[2])
        a.bump(1, w[0])
    return np.sum(held[0].data) + np.sum(held[2].data * w)


def base_calls_overridden(w):
    held = []
    for k in range(2):
        a = Squarer(np.cos(w) * (k + 1.0))
        held.append(a)
        a.step(0, w[1])
    return np.sum(held[0].data) + np.sum(held[1].data * w)


def bumped_through_list_and_name(w):
    held = []
    for k in range(2):
        a = Sub(w * (k + 1.0))
        held.append(a)
        a.bump(0, w[1])
    held[1].bump(2, w[0])
    return np.sum(held[0].data) + np.sum(held[1].data * w)


FOLLOWED = [subclass_in_a_list, named_base_in_a_list, overridden_in_a_list, two_levels_in_a_list,
            bumped_through_list_and_name]


@pytest.mark.parametrize("f", FOLLOWED, ids=lambda f: f.__name__)
@pytest.mark.parametrize("n", [3, 5])
def test_followed_in_every_mode(f, n):
    check_every_mode(f, n, 85 + n)


@pytest.mark.parametrize("f", FOLLOWED, ids=lambda f: f.__name__)
def test_jvp_of_grad_against_central_differences(f):
    check_jvp_of_grad(f, 85)
