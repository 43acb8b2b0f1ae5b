"""A plain helper of the user's that only builds an object of the user's class
(``def make(x): return P(x * 2.0)``), the function then calling methods that only read
the object (``p = make(w); return p.norm()``): followed as Python runs it, its methods
differentiated. Each followed form (a method, a method with an argument, a property,
two objects from the same helper, one built in a loop, a method returning a new object,
a helper of another module reading its own globals, a helper returning a tuple of
objects, bound or unpacked) is checked in every mode against central differences of what
Python computes, at two sizes, and in the jvp of its gradient. Its neighbours not
followed (a tuple unpacked into a name its argument reads, a method writing into the
array handed in) are refused at the user's line, in the user's words, never a wrong
gradient."""

import re

import numpy as np
import pytest

import astgrad
from plain_factories85_other import make_r
from test_objects74 import check_every_mode, check_jvp_of_grad   # against central differences

SCALE = 100.0           # the other module's helper reads its own SCALE, not this one


class P:
    def __init__(self, d):
        self.d = d

    def norm(self):
        return np.sqrt(np.sum(self.d ** 2))

    def loss(self, x):
        return np.sum((self.d - x) ** 2)

    @property
    def energy(self):
        return np.sum(self.d ** 2)

    def doubled(self):
        return P(self.d * 2.0)


def make(x):
    return P(x * 2.0)


class W:
    def __init__(self, d):
        self.d = d

    def norm(self):
        return np.sqrt(np.sum(self.d ** 2))

    def scale(self, c):
        self.d *= c                     # into the array handed in


def make_pair(x):
    return P(x * 2.0), P(np.sin(x))


def make_checked_pair(x, k=3.0):
    if x.ndim != 1:
        raise ValueError("a vector, please")
    a = P(x * k)
    b = P(x + 1.0)
    return a, b


def make_writer_pair(x):
    return W(x), P(x)


# -- followed -------------------------------------------------------------------------------

def a_method(w):
    p = make(w)
    return p.norm()


def a_method_with_an_argument(w):
    p = make(w)
    return p.loss(w ** 2)


def a_property(w):
    p = make(w)
    return p.energy * w[0]


def two_objects(w):
    p = make(w)
    q = make(np.sin(w))
    return p.norm() * q.norm()


def in_a_loop(w):
    s = 0.0
    for k in range(3):
        p = make(w * (k + 1.0))
        s = s + p.norm() * w[k]
    return s


def a_new_object(w):
    p = make(w)
    q = p.doubled()
    return q.norm() + p.loss(w)


def from_another_module(w):
    r = make_r(w)
    return r.norm() * w[0]


def a_tuple_unpacked(w):
    a, b = make_pair(w)
    return a.norm() + b.loss(w)


def a_tuple_indexed(w):
    pair = make_pair(w)
    return pair[0].norm() * pair[1].norm()


def a_tuple_of_expressions(w):
    a, b = make_pair(np.cos(w) * w)     # the argument evaluated once, before the objects
    return a.norm() * b.norm()


def a_checked_tuple(w):
    a, b = make_checked_pair(w)
    return a.loss(w) + b.norm()


def a_tuple_in_a_loop(w):
    s = 0.0
    for k in range(2):
        a, b = make_pair(w * (k + 1.0))
        s = s + a.norm() * b.norm()
    return s


FOLLOWED = [a_method, a_method_with_an_argument, a_property, two_objects, in_a_loop, a_new_object,
            from_another_module, a_tuple_unpacked, a_tuple_indexed, a_tuple_of_expressions, a_checked_tuple,
            a_tuple_in_a_loop]


@pytest.mark.parametrize("f", FOLLOWED, ids=lambda f: f.__name__)
@pytest.mark.parametrize("n", [3, 5])
def test_followed_in_every_mode(f, n):
    check_every_mode(f, n, 85 + n)


@pytest.mark.parametrize("f", FOLLOWED, ids=lambda f: f.__name__)
def test_jvp_of_grad(f):
    check_jvp_of_grad(f, 85)


def test_another_modules_helper_reads_its_own_globals():
    # Python's value: make_r scales by its module's SCALE (3.0), not this module's
    w = np.array([0.5, 1.5, 2.0])
    assert from_another_module(w) == pytest.approx(3.0 * np.linalg.norm(w) * w[0])
    np.testing.assert_allclose(astgrad.grad(from_another_module)(w),
                               3.0 * (w / np.linalg.norm(w) * w[0] + np.linalg.norm(w) * np.eye(3)[0]))


def test_a_checked_tuples_check_raises_as_pythons():
    with pytest.raises(ValueError, match="a vector, please"):
        astgrad.grad(a_checked_tuple)(np.ones((2, 2)))


# -- refused, never a wrong gradient ---------------------------------------------------------

def unpacked_into_its_argument(w):
    a = w * 3.0
    a, b = make_pair(a)                 # Python builds both objects from the old a
    return a.norm() + b.norm() * w[0]


def a_writer_unpacked(w):
    buf = w * 1.0
    a, b = make_writer_pair(buf)
    a.scale(w[0])
    return np.sum(buf * w) + b.norm()


def a_writer_indexed(w):
    buf = w * 1.0
    pair = make_writer_pair(buf)
    pair[0].scale(w[0])
    return np.sum(buf * w)


# the writers' objects are folded in as built one statement each: their refusal names the
# method that writes, W.scale (buf is held by both objects)
@pytest.mark.parametrize("f, words", [(unpacked_into_its_argument, ".norm()"), (a_writer_unpacked, "W.scale"),
                                      (a_writer_indexed, "W.scale")], ids=lambda v: getattr(v, "__name__", v))
@pytest.mark.parametrize("transform", [astgrad.grad, astgrad.value_and_grad, astgrad.hessian])
def test_refused_at_the_users_line(f, words, transform):
    with pytest.raises(astgrad.TransformError) as caught:
        transform(f)(np.array([0.5, 1.5, 2.0]))
    message, error = str(caught.value), caught.value
    assert error.lineno is not None and __file__.endswith(str(error.filename).split("/")[-1])
    assert words in message
    assert re.search(r"\b(t|d)_\d|_saved", message) is None          # no name astgrad made up


def test_python_writes_the_array():
    # what the writers' refusals are about: the write reaches buf, which the function reads
    w = np.array([0.5, 1.5, 2.0])
    assert a_writer_indexed(w) == pytest.approx(0.5 * np.sum(w * w))      # buf scaled by w[0] = 0.5
