"""Everyday object patterns, followed as Python runs them: a chain on the new object a
method returns (``Vec(x).scaled(2.0).scale(w).norm()``), a class-level default that a
method assigns (``k = 1.0``, then ``self.k = self.k * w``), a list display of objects
handed to a helper (``total([Box(a), Box(b)])``) and a comparison of two objects read
out of a list (``first = objs[0]; if first < objs[1]:``). Each is checked in reverse,
forward and second order against central finite differences (tests/breadth_modes.py);
what astgrad cannot follow is refused naming the line."""

import dataclasses

import numpy as np
import pytest

import astgrad
from breadth_modes import check

_RNG = np.random.default_rng(46)


class Vec:
    def __init__(self, x):
        self.x = x

    def scaled(self, k):        # a new object
        return Vec(self.x * k)

    def flipped(self):          # a new object of the receiver's class
        return type(self)(-self.x)

    def scale(self, w):         # changes the object and returns it
        self.x = self.x * w
        return self

    def norm(self):
        return np.sum(self.x ** 2)

    def dot(self, u):
        return np.sum(self.x * u)


def new_then_self(x, w):
    return Vec(x).scaled(2.0).scale(w).norm()


def new_then_value(x, w):
    v = Vec(x)
    return v.scaled(2.0).norm() + v.scaled(x).scaled(w).dot(w)


def self_then_new(x, w):
    v = Vec(np.sin(x))
    r = v.scale(w).flipped().scale(x).norm()        # v changed by scale, the copy by the second
    return r + v.norm()


def named_new(x, w):
    u = Vec(x).scaled(w)
    u.scale(x)
    return u.scale(2.0).norm() + u.dot(w)


class Damped:
    k = 1.0                     # a class-level default, until a method assigns self.k

    def __init__(self, x):
        self.x = x

    def damp(self, w):
        before = self.k * np.sum(np.sin(self.x))        # the class attribute
        self.k = self.k * w
        return before + self.k * np.sum(self.x ** 2)     # the instance's own


def class_default(x, w):
    d = Damped(x)
    a = d.k * x[0]
    r = d.damp(w[0])
    return a + r + d.k * w[1]


def class_default_written(x, w):
    d = Damped(x * w)
    a = d.k * np.sum(x)
    d.k = d.k * np.tanh(w[0]) + 1.0
    return a + d.k * d.damp(x[1])


@dataclasses.dataclass
class Spring:
    x: np.ndarray
    k: float = 1.0

    def stretch(self, w):
        before = self.k * np.sum(self.x)
        self.k = self.k * w
        return before * self.k


def dataclass_default(x, w):
    s = Spring(np.cos(x))
    return s.stretch(w[0]) + s.k * w[2]


class Box:
    def __init__(self, a):
        self.a = a

    def value(self):
        return np.sum(np.sin(self.a))

    def __lt__(self, other):
        return self.value() < other.value()


def total(boxes):
    s = 0.0
    for b in boxes:
        s = s + b.value() * np.sum(b.a)
    return s


def listed_objects(x, w):
    return total([Box(x), Box(x * w)]) + total((Box(w),))


def compared_items(x, w):
    objs = [Box(x), Box(w)]
    first = objs[0]
    if first < objs[1]:
        return first.value() * np.sum(w)
    return objs[1].value() * first.value()


def changed_item(x, w):
    # (first = objs[0], also in a branch, and objs[i] are followed: tests/test_leftovers_round51b.py)
    objs = [Vec(x), Vec(w)]
    if np.sum(w) > -10.0:
        first = objs[len(objs) - 2]     # an index a call computes: a branch per item
        first.scale(w)
    return objs[0].norm()


PROGRAMS = [(new_then_self, (0, 1)), (new_then_value, (0, 1)), (self_then_new, (0, 1)), (named_new, (0, 1)),
            (class_default, (1, 0)), (class_default_written, (0, 1)), (dataclass_default, (1, 0)),
            (listed_objects, (0, 1)), (compared_items, (0, 1)), (changed_item, (0, 1))]


@pytest.mark.parametrize("mode", ["value_and_grad", "grad", "jvp", "hessian"])
@pytest.mark.parametrize("f, wrt", PROGRAMS, ids=[f.__name__ for f, _ in PROGRAMS])
def test_objects_are_followed_as_python_runs_them(f, wrt, mode):
    x, w = _RNG.uniform(-1, 1, 3), _RNG.uniform(-1, 1, 3)
    check(mode, f, (x, w), wrt)


def test_both_branches_of_the_comparison():
    x = np.array([0.1, 0.2, 0.3])
    check("grad", compared_items, (x, x + 0.5), (0, 1))     # first < objs[1]
    check("grad", compared_items, (x + 0.5, x), (0, 1))     # the other branch


def test_the_class_default_is_read_when_the_code_runs():
    x, w = _RNG.uniform(-1, 1, 3), _RNG.uniform(-1, 1, 3)
    g = astgrad.value_and_grad(class_default, wrt=1)
    first = g(x, w)[0]
    Damped.k = 3.0
    try:
        assert g(x, w)[0] == pytest.approx(class_default(x, w))
        assert g(x, w)[0] != pytest.approx(first)
        check("grad", class_default, (x, w), (1, 0))
    finally:
        Damped.k = 1.0


def chained_after_a_call(x, w):
    v = Vec(x)
    return v.scaled(w).dot(x) + v.scaled(x).scale(w).norm()     # scale would run after the first dot


class Cube(Box):
    def value(self):
        return np.sum(self.a ** 3)


# a list a helper changes: its items were taken for the objects the display built, and
# Box.value ran on the Cube, a wrong value and derivative with no error
def replacing(boxes):
    boxes[0] = Cube(boxes[0].a)         # the list's first item is now a Cube
    return total(boxes)


def replaced_in_a_helper(x, w):
    return replacing([Box(x), Box(w)])


def replaced_then_read(x, w):
    boxes = [Box(x), Box(w)]
    s = 0.0
    for _ in range(2):
        s = s + boxes[0].value()        # a Cube on the second pass
        replacing(boxes)
    return s


REFUSED = [
    (chained_after_a_call, r"astgrad cannot differentiate this call of Vec.scale, which changes the object and "
                           r"returns it \(return self\), where its value is used"),
    (replaced_in_a_helper, r"no adjoint rule for .value\(\)"),
    (replaced_then_read, r"no adjoint rule for .value\(\)"),
]


@pytest.mark.parametrize("f, match", REFUSED, ids=[f.__name__ for f, _ in REFUSED])
def test_refused_naming_the_line(f, match):
    args = _RNG.uniform(-1, 1, 3), _RNG.uniform(-1, 1, 3)
    with pytest.raises(astgrad.TransformError, match=r"test_method_chains\.py:\d+: " + match):
        astgrad.grad(f, wrt=(0, 1))(*args)
    check("grad", listed_objects, args, (0, 1))         # the next transform works
