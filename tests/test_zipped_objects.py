"""Objects of one class built in a list, looped over zipped with values
(``for s, d in zip(springs, x)``, also in a comprehension or a generator expression
summed): each loop name stands for the objects' layout, so their methods are followed
(a comprehension over objects of different classes takes one step per object, as a
``for`` loop does),
against finite differences in first and second order; objects of different classes
zipped stay refused (as do objects of one class whose attributes hold a differentiated
value in one and a constant in another: their layouts differ)."""

import numpy as np
import pytest

import astgrad
from breadth_modes import check
from hunt4_programs import Spring      # k, rest; energy(d) = k (d - rest)^2 / 2

X3 = np.array([0.3, -0.4, 0.9])


class Cubic:
    def __init__(self, c):
        self.c = c

    def energy(self, d):
        return self.c * d ** 3


def summed_generator(x, w):
    springs = [Spring(w, 0.1), Spring(2.0 * w, -0.2), Spring(1.0, 0.0)]
    return sum(s.energy(d) for s, d in zip(springs, x))


def two_lists_in_a_loop(x, w):
    a = [Spring(w, 0.1), Spring(2.0 * w, -0.3)]
    b = [Spring(1.0, w), Spring(0.5, w * w)]
    total = 0.0
    for p, q, d in zip(a, b, x):
        total = total + p.energy(d) * q.energy(d * 2.0)
    return total + sum([r.energy(w) for r, _ in zip(b, a)])


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian", "jvp_of_grad"])
@pytest.mark.parametrize("f", [summed_generator, two_lists_in_a_loop], ids=lambda f: f.__name__)
def test_methods_of_zipped_objects(mode, f):
    check(mode, f, (X3, 0.8), (0, 1))


def comprehension_over_classes(x, w):
    parts = [Spring(w, 0.1), Cubic(w * 2.0), Spring(1.5, x[1])]
    return sum([np.sum(p.energy(x)) for p in parts])      # one step per object, as a for loop


def test_a_comprehension_over_objects_of_different_classes():
    for mode in ("grad", "jvp", "hessian"):
        check(mode, comprehension_over_classes, (X3, 0.8), (0, 1))


def mixed(x, w):
    parts = [Spring(w, 0.1), Cubic(w), Spring(1.0, 0.0)]
    return sum(p.energy(d) for p, d in zip(parts, x))


def test_objects_of_different_classes_zipped_stay_refused():
    with pytest.raises(astgrad.TransformError, match=r"\.energy\(\)"):
        astgrad.grad(mixed, (0, 1))(X3, 0.8)
