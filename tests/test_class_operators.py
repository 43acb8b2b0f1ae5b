"""Operators of user classes on objects the code builds (``v + w`` running
``Vec.__add__``, ``3.0 * v`` running ``Vec.__rmul__``, ``-v``, ``p - lr * g`` on a
dataclass): each is the method call Python makes, followed in every mode against central
finite differences (tests/breadth_modes.py); what astgrad cannot decide when it generates
the code is refused there, with the line and advice."""

import dataclasses

import numpy as np
import pytest

import astgrad
from breadth_modes import check


class Vec:
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def __add__(self, other):
        return Vec(self.x + other.x, self.y + other.y)

    def __sub__(self, other):
        return Vec(self.x - other.x, self.y - other.y)

    def __mul__(self, k):
        return Vec(self.x * k, self.y * k)

    __rmul__ = __mul__

    def __truediv__(self, k):
        return Vec(self.x / k, self.y / k)

    def __neg__(self):
        return Vec(-self.x, -self.y)

    def __matmul__(self, other):
        return self.x * other.x + self.y * other.y

    def scaled(self, k):
        return Vec(self.x * k, self.y * k) if k > 0 else Vec(-self.x * k, self.y)

    def norm2(self):
        return self @ self


class Dual:
    """A number with a first-order part, used as a value."""
    def __init__(self, a, b):
        self.a = a
        self.b = b

    def __add__(self, other):
        return Dual(self.a + other.a, self.b + other.b)

    def __radd__(self, k):
        return Dual(self.a + k, self.b)

    def __mul__(self, other):
        return Dual(self.a * other.a, self.a * other.b + self.b * other.a)

    def __rmul__(self, k):
        return Dual(k * self.a, k * self.b)


class Poly:
    def __init__(self, coefficients):
        self.c = coefficients

    def __add__(self, other):
        return Poly(self.c + other.c)

    def __mul__(self, k):
        return Poly(self.c * k)

    def __call__(self, x):
        return self.c[0] + self.c[1] * x + self.c[2] * x ** 2

    def derivative(self):
        return Poly(np.array([self.c[1], 2.0 * self.c[2], 0.0]))

    def __getitem__(self, k):
        return self.c[k]

    def __len__(self):
        return len(self.c)


@dataclasses.dataclass
class Params:
    W: np.ndarray
    b: float

    def __add__(self, other):
        return Params(self.W + other.W, self.b + other.b)

    def __sub__(self, other):
        return Params(self.W - other.W, self.b - other.b)

    def __mul__(self, k):
        return Params(self.W * k, self.b * k)

    __rmul__ = __mul__


def vector_sum(a, t):
    v = Vec(a, 2.0 * a * t)
    w = v + v
    return w.norm2() + (v - w).x * t


def vector_reflected(a, t):
    v = Vec(a, t)
    w = 3.0 * v
    return (w / t).norm2() + (-v) @ w


def vector_chain(a, t):
    v = Vec(np.sin(a), a * t)
    return (v.scaled(t) + v * 2.0).norm2()


def dual_value(a, t):
    x = Dual(a, 1.0)
    y = x * x + 3.0 * x
    z = 2.0 + y
    return z.a * t + z.b * a


def polynomial(c, x):
    p = Poly(c)
    q = p + p * x
    return q(x) + q.derivative()(x) + q[len(q) - 1] * q[0]


def sgd_step(W, b):
    p = Params(W, b)
    g = Params(np.tanh(W), b * b)
    q = p - 0.1 * g
    return np.sum(q.W ** 2) + q.b * np.sum(q.W)


def local_class(a, t):
    class Pair:
        def __init__(self, u, v):
            self.u = u
            self.v = v

        def __add__(self, other):
            return Pair(self.u + other.u, self.v * other.v)

    p = Pair(a, t)
    s = p + Pair(t, a)
    return s.u * s.v


def sgd_loop(W, b):
    p = Params(W, b)
    for _ in range(3):
        g = Params(np.tanh(p.W), p.b * p.b)
        p = p - 0.1 * g
    return np.sum(p.W ** 2) + p.b * np.sum(p.W)


def accumulated(a, t):
    v = Vec(a, t)
    for k in range(3):
        v += Vec(t * k, a * a)      # no __iadd__: Python runs __add__
    return v @ v


def sgd_parameter(p, lr):
    p = p - lr * Params(np.sin(p.W), p.b)
    return np.sum(p.W ** 2) * p.b


_RNG = np.random.default_rng(7)
PROGRAMS = [
    (vector_sum, (0.7, 1.3)),
    (vector_reflected, (0.7, 1.3)),
    (vector_chain, (0.7, 1.3)),
    (dual_value, (0.7, 1.3)),
    (polynomial, (_RNG.uniform(-1, 1, 3), 0.6)),
    (sgd_step, (_RNG.uniform(-1, 1, 3), 0.4)),
    (local_class, (0.7, 1.3)),
    (sgd_loop, (_RNG.uniform(-1, 1, 3), 0.4)),
    (accumulated, (0.7, 1.3)),
]


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
@pytest.mark.parametrize("f, args", PROGRAMS, ids=[f.__name__ for f, _ in PROGRAMS])
def test_operators_follow_the_class(f, args, mode):
    check(mode, f, args, (0, 1))


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
def test_a_rebound_dataclass_parameter_follows_its_operators(mode):
    check(mode, sgd_parameter, (Params(_RNG.uniform(-1, 1, 3), 0.7), 0.3), (1,))



def sgd_among_plain_names(W, b):
    p = Params(W, b)
    s = 0.0
    for _ in range(3):
        W = np.tanh(W)
        p = p - 0.1 * Params(W, p.b * p.b)
        s = s + np.sum(p.W)
    return s * p.b


def test_other_bindings_are_looked_up_for_objects_only(monkeypatch):
    """The other bindings of a name bound several times are looked up (a walk of the
    whole function) only where its first value is an object: a derivative binds its
    adjoints many times, and looking up each binding of each one made normalizing it
    quadratic in its length."""
    from astgrad.frontend.normalize import operator_methods
    asked, bindings_of = [], operator_methods._bindings_of
    monkeypatch.setattr(operator_methods, "_bindings_of",
                        lambda tree, name: asked.append(name) or bindings_of(tree, name))
    check("grad", sgd_among_plain_names, (_RNG.uniform(-1, 1, 3), 0.4), (0, 1))
    assert set(asked) == {"p"}


class CheckedVec(Vec):
    def __mul__(self, k):
        if isinstance(k, Vec):
            return NotImplemented
        return CheckedVec(self.x * k, self.y * k)


class Plain:
    def __init__(self, x):
        self.x = x


def may_give_way(a, t):
    return (CheckedVec(a, t) * 2.0).x       # line: CheckedVec.__mul__ may return NotImplemented


class InPlace(Vec):
    def __iadd__(self, other):
        self.x = self.x + other.x
        return Vec(self.x, self.y)      # changes self, and gives another object (returning self: test_self_chains.py)


def added_in_place(a, t):
    v = InPlace(a, t)
    v += Vec(t, a)
    return v.x


def no_operator(a, t):
    return (Plain(a) * t).x


def number_without_reflected(a, t):
    return (2.0 + Vec(a, t)).x


REFUSED = [
    (may_give_way, "may return NotImplemented; raise TypeError for the operands it does not take"),
    (added_in_place, "astgrad cannot differentiate \\+= on a InPlace, whose __iadd__ changes the object in place"),
    (no_operator, "on a Plain, whose class defines neither __mul__ on the left nor __rmul__"),
    (number_without_reflected, "a number on the left and a Vec, whose class defines no __radd__"),
]


@pytest.mark.parametrize("f, match", REFUSED, ids=[f.__name__ for f, _ in REFUSED])
def test_operators_decided_by_values_are_refused(f, match):
    with pytest.raises(astgrad.TransformError, match=match) as caught:
        astgrad.grad(f, wrt=1)(0.3, 0.4)
    assert "test_class_operators.py:" in str(caught.value)
    check("grad", vector_sum, (0.3, 0.4), (0, 1))       # the next transform works


def array_times_object(a, k):
    return (k * Vec(a, a * a)).y


def test_an_array_on_the_left_of_a_reflected_operator_stops_when_it_runs():
    """``k * v`` is ``v.__rmul__(k)`` for a number k; an array's operator would run first."""
    assert astgrad.grad(array_times_object)(0.5, 3.0) == pytest.approx(3.0)
    with pytest.raises(TypeError, match=r"test_class_operators.py:\d+: the left operand of \* is a ndarray"):
        astgrad.grad(array_times_object)(0.5, np.array(3.0))


class Point:
    """A value class with Python's other protocols: abs, float, comparisons, truth, in."""
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def __abs__(self):
        return np.sqrt(self.x * self.x + self.y * self.y)

    def __float__(self):
        return self.x * self.y

    def __eq__(self, other):
        return self.x == other.x

    def __lt__(self, other):
        return self.x < other.x

    def __len__(self):
        return 2

    def __contains__(self, value):
        return value == self.x

    def __iter__(self):
        yield self.x
        yield self.y


def protocols(a, t):
    p = Point(a, t)
    q = Point(t, a)
    s = abs(p) * t + float(q) * a
    if p == q or 1.0 in p:
        return s
    if p < q and p:         # no __bool__: Python asks __len__
        return s * a * len(p)
    return s / t


class Signed(Point):
    def __bool__(self):
        return self.x > 0


def truth(a, t):
    p = Signed(a, t)
    if p != Signed(a, 2.0 * t) or not p or t in p:     # __ne__ is not __eq__; __bool__ before __len__
        return a * a * t
    return float(p) + abs(p)


PROTOCOL_PROGRAMS = [(protocols, (0.7, 1.3)), (protocols, (1.3, 0.7)), (truth, (0.7, 1.3)), (truth, (-0.7, 1.3))]


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
@pytest.mark.parametrize("f, args", PROTOCOL_PROGRAMS, ids=["less", "greater", "true", "false"])
def test_builtin_protocols_follow_the_class(f, args, mode):
    check(mode, f, args, (0, 1))


class Pair:
    """Iterates a list attribute, the way a container class usually does."""
    def __init__(self, x, y):
        self.items = [x, y]

    def __iter__(self):
        return iter(self.items)


class Triple:
    def __init__(self, x, y, z):
        self.x, self.y, self.z = x, y, z

    def __iter__(self):
        return iter((self.x, self.y * self.z))


class Chain:
    """A generator looping over a list attribute."""
    def __init__(self, cs):
        self.cs = cs

    def __iter__(self):
        for c in self.cs:
            yield c


def iterated(a, t):
    total = 0.0
    for c in Point(a, t):       # Point.__iter__ yields self.x, then self.y
        total = total + c * c * a
    return total


def iterated_by_builtins(a, t):
    p = Pair(a, t)
    q = Triple(t, a, a)
    r = Chain([a, t * a])
    first, second = p           # unpacking calls Pair.__iter__
    u = list(q) + [c * t for c in r]
    v = [c * t for c in Point(a, t)]
    s = sum(Point(a, t)) * sum(tuple(p))
    for x, y in zip(q, Point(t, a)):
        s = s + x * np.sin(y)
    for k, c in enumerate(r):
        s = s + k * c * c
    return s + first * second * t + u[0] * u[1] + u[2] + max(p) + min(Chain([a, t])) + v[0] * v[1] \
        + sum(c * c for c in Point(t, a))


class Countdown:
    """An iterator of its own: __iter__ returns self, __next__ advances it."""
    def __init__(self, x):
        self.x = x
        self.n = 2

    def __iter__(self):
        return self

    def __next__(self):
        if self.n == 0:
            raise StopIteration
        self.n -= 1
        return self.x * self.n


class Scaled:
    def __init__(self, x, k):
        self.x, self.k = x, k

    def __iter__(self):
        return iter([self.x * c for c in range(self.k)])


def counted(a, t):
    return sum(Countdown(a)) * t


def iterated_with_calls(a, t):
    first, second = Scaled(a, 2)
    return first * second * t


def halve(p):
    p.y = p.y / 2.0


def changed_while_iterated(a, t):
    p = Point(a, t)
    total = 0.0
    for c in p:     # Point.__iter__ reads self.y after halve(p) changed it
        total = total + c * t
        halve(p)
    return total


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
@pytest.mark.parametrize("f", [iterated, iterated_by_builtins])
def test_iterating_an_object_follows_its_iter(f, mode):
    check(mode, f, (0.7, 1.3), (0, 1))


def loop_over_countdown(a, t):
    total = 0.0
    for c in Countdown(a):      # line: Countdown.__iter__ returns self
        total = total + c * t
    return total


ITERATION_REFUSED = [
    (loop_over_countdown, "for loop over a Countdown, whose __iter__ astgrad does not follow; loop over the "
                          "object's arrays"),
    (counted, "iterating a Countdown, whose __iter__ astgrad does not follow; iterate over the object's arrays"),
    (iterated_with_calls, "iterating a Scaled, whose __iter__ astgrad does not follow"),
    (changed_while_iterated, "whose __iter__ yields items it reads one at a time, while the loop body assigns an "
                             "attribute or calls a function of its own; loop over a list of the items taken first"),
]


@pytest.mark.parametrize("f, match", ITERATION_REFUSED, ids=[f.__name__ for f, _ in ITERATION_REFUSED])
def test_iteration_astgrad_does_not_follow_is_refused(f, match):
    with pytest.raises(astgrad.TransformError, match=match) as caught:
        astgrad.grad(f)(0.3, 0.4)
    assert "test_class_operators.py:" in str(caught.value)
    check("grad", protocols, (0.3, 0.4), (0, 1))       # the next transform works
