"""Methods returning the object they change (``return self``) and operators writing it
(``__iadd__``, ``__imul__`` returning self, ``__setitem__``), on objects the code builds:
``v.scale(w).scale(2.0).norm()``, the builder ``Model().add(a).add(b)``, ``p =
p.step(g)`` in a loop, ``v += w`` seen through an alias ``u = v``, ``v[i] = a``. Each
is followed in every mode against central finite differences (tests/breadth_modes.py);
what astgrad cannot follow is refused with the line and advice."""

import dataclasses

import numpy as np
import pytest

import astgrad
from breadth_modes import check

_RNG = np.random.default_rng(43)


class Vec:
    def __init__(self, x):
        self.x = x

    def scale(self, w):
        self.x = self.x * w
        return self

    def shift(self, w):
        if w is None:
            return self
        self.x = self.x + np.sin(w)
        return self

    def __iadd__(self, other):
        self.x = self.x + other.x
        return self

    def __imul__(self, k):
        self.x = self.x * k
        return self

    def norm(self):
        return np.sum(self.x ** 2)


class Model:
    def __init__(self):
        self.terms = 0.0

    def add(self, a):
        self.terms = self.terms + np.tanh(a)
        return self

    def value(self):
        return np.sum(self.terms * self.terms)


class Buffer:
    def __init__(self, x):
        self.x = x * 1.0        # a new array, which nothing else holds

    def __setitem__(self, i, a):
        self.x[i] = a

    def total(self):
        return np.sum(np.sin(self.x) * self.x)


def chained(x, w):
    v = Vec(x)
    return v.scale(w).scale(2.0).norm()


def builder(x, w):
    return Model().add(x).add(w * x).value()


def builder_named(x, w):
    m = Model().add(x).add(w)
    m.add(x * w)
    return m.value()


def stepped(x, w):
    p = Vec(x)
    for _ in range(3):
        p = p.scale(w).shift(x)
    return p.norm()


def added_in_place(x, w):
    v = Vec(x)
    u = v                   # one object: u sees the change, as in Python
    for _ in range(2):
        v += Vec(w)
    v *= 3.0
    return u.norm() + 2.0 * v.norm()


def written_item(x, w):
    b = Buffer(x)
    b[1] = w[0] * x[2]
    b[0] = np.cos(w[1])
    return b.total()


def mixed(x, w):
    v = Vec(x * w)
    q = v.shift(w)          # q is v
    q *= 0.5
    return v.scale(x).norm() + q.norm()


class Poly:
    def __init__(self, c):
        self.c = c

    def scaled(self, k):
        return type(self)(self.c * k)

    def shifted(self, k):
        return self.__class__(self.c + k)

    def value(self, t):
        return np.sum(self.c * t)


class SinePoly(Poly):
    def value(self, t):
        return np.sum(np.sin(self.c) * t)


def own_class(x, w):
    p = SinePoly(x)         # type(self) is SinePoly: its value runs
    return p.scaled(w).shifted(x).value(w) + Poly(w).scaled(2.0).value(x)


def aliased_write(x, w):
    p = Vec(np.tanh(x))
    q = p                   # one object: p sees the write through q
    q.x = q.x * w
    return p.norm() + np.sum(np.sin(q.x))


def branch_on_chain(x, w):
    v = Vec(x)
    if v.scale(w).norm() > 10.0:        # the test runs once, before the branch
        return 0.5 * v.norm()
    q = v.scale(x)                      # q is v
    return q.norm() + v.norm()


class Accumulator:
    def __init__(self, x):
        self.x = x * 1.0        # a new array, which nothing else holds

    def __iadd__(self, other):
        self.x += np.tanh(other)        # in place, as Python does: no other name sees it
        return self

    def total(self):
        return np.sum(self.x * self.x)


def accumulated(x, w):
    acc = Accumulator(x)
    acc += w * x
    acc += w
    return acc.total()


@dataclasses.dataclass
class State:
    x: np.ndarray
    k: float

    def step(self, g):
        self.x = self.x - 0.1 * g * np.sin(self.x)
        return self

    def __imul__(self, a):
        self.k = self.k * a
        return self

    def loss(self):
        return self.k * np.sum(self.x ** 2)


def dataclass_steps(x, w):
    s = State(x, 1.0)
    for _ in range(2):
        s = s.step(w)
    s *= np.sum(w)
    return s.loss()


PROGRAMS = [accumulated, dataclass_steps, chained, builder, builder_named, stepped, added_in_place, written_item, mixed, own_class, aliased_write,
            branch_on_chain]


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
@pytest.mark.parametrize("f", PROGRAMS, ids=[f.__name__ for f in PROGRAMS])
def test_methods_returning_self_follow_the_object(f, mode):
    x, w = _RNG.uniform(-1, 1, 3), _RNG.uniform(-1, 1, 3)
    check(mode, f, (x, w), (0, 1))



class Shared:
    def __init__(self, x):
        self.x = x          # the caller's array: __setitem__ would change it too

    def __setitem__(self, i, a):
        self.x[i] = a


def shared_item(x, w):
    b = Shared(x)
    b[0] = w[0]
    return np.sum(b.x)


# an object holding the argument itself (self.x = x) written by __setitem__: followed on a copy
# (the gradient call leaves the caller's array alone), as Python computes it
HANDED = [shared_item]


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
@pytest.mark.parametrize("f", HANDED, ids=[f.__name__ for f in HANDED])
def test_an_object_holding_the_argument_itself_is_followed_on_a_copy(f, mode):
    x, w = _RNG.uniform(-1, 1, 3), _RNG.uniform(-1, 1, 3)
    before = x.copy()
    check(mode, f, (x, w), (0, 1))
    assert np.array_equal(x, before)


def sliced(x, w):
    b = Buffer(x)
    b[0:2] = w[:2]
    return b.total()


def in_a_test(x, w):
    v = Vec(x)
    k = 0
    while v.scale(w).norm() > 1e-3 and k < 3:        # changes v at each test
        k += 1
    return v.norm()


def after_a_call(x, w):
    v = Vec(x)
    return np.sum(v.x) * v.scale(w).norm()          # v.x is read before scale changes it


def item_augmented(x, w):
    b = Buffer(x)
    b[0] += w[0]
    return b.total()


def kept_before_added(x, w):
    acc = Accumulator(x)
    old = acc.x                         # Python's += would change old too
    acc += w
    return acc.total() + np.sum(old)


REFUSED = [
    (kept_before_added, r"self_chains.py:\d+: astgrad cannot differentiate augmented assignment to an attribute of "
                        r"self in Accumulator.__iadd__, called on an object this code follows from state to state"),
    (item_augmented, r"self_chains.py:\d+: astgrad cannot differentiate augmented assignment to an item of b, a "
                     r"Buffer whose __setitem__ it follows; write b\[i\] = \(the new value\)"),
    (sliced, r"self_chains.py:\d+: astgrad cannot differentiate a slice assignment on a Buffer, whose __setitem__ "
             r"it follows for one index at a time; write the items one by one"),
    (in_a_test, r"self_chains.py:\d+: astgrad cannot differentiate this call of Vec.scale, which changes the object "
                r"and returns it \(return self\), where its value is used: .* call it on a line of its own first"),
    (after_a_call, r"self_chains.py:\d+: astgrad cannot differentiate this call of Vec.scale"),
]


@pytest.mark.parametrize("f, match", REFUSED, ids=[f.__name__ for f, _ in REFUSED])
def test_what_cannot_be_followed_is_refused(f, match):
    x, w = _RNG.uniform(-1, 1, 3), _RNG.uniform(-1, 1, 3)
    with pytest.raises(astgrad.TransformError, match=match):
        astgrad.grad(f, wrt=(0, 1))(x, w)
    check("grad", chained, (x, w), (0, 1))      # the next transform works


def test_the_object_is_one_object_as_in_python():
    x, w = _RNG.uniform(-1, 1, 3), _RNG.uniform(-1, 1, 3)
    assert astgrad.value_and_grad(added_in_place)(x, w)[0] == pytest.approx(added_in_place(x, w))
    assert added_in_place(x, w) == pytest.approx(3.0 * 9.0 * np.sum((x + 2.0 * w) ** 2))     # u is v after +=


def stepped_argument(v, w):
    s = v.scale(w)          # Python changes the caller's object; astgrad would not follow it
    k = 0
    while s.norm() > 1e-3 and k < 2:
        k += 1
    return v.norm()


def test_a_method_storing_values_on_an_argument_object_is_refused():
    """Run as it was, the call changed the object where no derivative followed it: a
    derivative with respect to w of zero, with no error."""
    x, w = _RNG.uniform(-1, 1, 3), _RNG.uniform(-1, 1, 3)
    with pytest.raises(astgrad.TransformError, match=r"test_self_chains.py:\d+: astgrad cannot differentiate the "
                                                     r"call .scale\(\) of Vec.scale, which stores attributes of the "
                                                     r"object \(x\), on an object astgrad does not follow"):
        astgrad.grad(stepped_argument, wrt=1)(Vec(x), w)
    check("grad", chained, (x, w), (0, 1))
