"""A method called on the object the turn before of a loop built, above the binding
that builds the turn's own (``s = s + a.total()`` above ``a = Acc(...)``), where the
method changes nothing of the object: followed as ``Acc.total(a)`` is, the class being
the one the name's only binding builds (before: refused at the first call, "no adjoint
rule for .total()"). Each form (a method with arguments, in a while loop, in an else,
the binding in a branch, two objects alternating, a method of a base class, a method
calling a held object's method, ``__call__``, static and class methods, the object read
after the loop too) is checked in grad, value_and_grad, jvp, vjp (a random cotangent),
hessian and jvp of grad against central differences at two sizes. The first turn's call
raises Python's UnboundLocalError. A call of a function an attribute holds (also one
hiding the class's method) and a method changing the object through another method stay
refused, in words naming the user's line.

A method changing the array of an object built in a loop and appended to a list, called
inside an expression (``s = s + a.bumped(0, c)``; before: only as a statement or bound
to a name), is followed where Python's order allows binding it to a name first: each
operand evaluated before the call a name, a constant or a module's function (checked in
every mode as above, the caller's array unchanged); an item of the array read before the
call (``a.data[0] * a.bumped(0, c)``, a number on a 1-D array, which Python has read
before the call changes it) is followed too, and so is a call that is a whole branch of
a conditional expression (``a.bumped(0, c) if k > 0 else 0.0``, written as an ``if``
binding a name first; more forms: test_calls84.py; a second call after a first:
test_objects83.py).

A method of such an object handed one array at each turn of a loop (``a = Acc(buf)``),
called on the turn before's object or on the turn's own with a view of the array kept,
is followed bound to a name too (``r = a.bumped(2, c)``; before: only as a statement of
its own), where each method so called returns values its own operators make (``return
self.data[k] * 2.0``): a view of the array (``return self.data[:2]``) or an item of it
would not show later writes as Python's does, and keeps the refusal. Inside an expression
such a call is bound to a name first, as above (``s = s + a.bumped(2, c)``), also where
the array's name is read before it (``np.sum(buf + a.bumped(0, c))``, whose gradient
was wrong: the sum took ``buf`` before the call's write, where Python's shows it).

A read of the object before such a call in one expression (``np.sum(a.data +
a.bumped(0, c))``: Python's ``a.data`` is the array, which shows the write by the time
the sum runs) gave a wrong gradient, the value before the call: refused now, naming the
line, also where the array's name is read so under a conditional expression."""

import re

import numpy as np
import pytest

import astgrad
from test_earlier_turn_objects import check_every_mode, every_transform


class Acc:
    def __init__(self, data):
        self.data = data

    def total(self):
        return np.sum(self.data)

    def scaled(self, c):
        return self.data * c


class Sub(Acc):
    pass


class Inner:
    def __init__(self, v):
        self.v = v

    def value(self, x):
        return np.sum(self.v * x)


class Outer:
    def __init__(self, v):
        self.inner = Inner(v)
        self.scale = v[0]

    def total(self, x):
        return self.inner.value(x) * self.scale


class Layer:
    def __init__(self, W):
        self.W = W

    def __call__(self, x):
        return np.tanh(self.W * x)


class Kinds:
    def __init__(self, data):
        self.data = data

    @staticmethod
    def twice(x):
        return 2.0 * x

    @classmethod
    def made(cls, x):
        return cls(x * 3.0)


def method_of_an_earlier_turn(w):
    s = 0.0
    for k in range(3):
        if k > 0:
            s = s + a.total() * w[1]
        a = Acc(w * (k + 1.0))
    return s


def with_arguments_in_a_while(w):
    s = 0.0
    k = 0
    while k < 3:
        if k > 0:
            r = a.scaled(w[2])
            s = s + np.sum(r * w)
        a = Acc(np.sin(w) * (k + 1.0))
        k += 1
    return s


def in_the_else(w):
    s = 0.0
    for k in range(3):
        if k == 0:
            s = s + w[0]
        else:
            s = s + a.total() ** 2
        a = Acc(w * (k + 1.0))
    return s


def two_alternating(w):
    s = 0.0
    for k in range(4):
        if k > 1:
            s = s + a.total() * b.scaled(w[0])[2]
        if k % 2 == 0:
            a = Acc(w * (k + 1.0))      # bound in a branch
        else:
            b = Acc(np.sin(w) * (k + 2.0))
    return s


def a_base_classs_method(w):
    s = 0.0
    for k in range(3):
        if k > 0:
            s = s + a.total() * a.scaled(w[0])[1]
        a = Sub(w * (k + 1.0))
    return s


def a_held_objects_method(w):
    s = 0.0
    for k in range(3):
        if k > 0:
            s = s + a.total(w) ** 2
        a = Outer(np.cos(w) * (k + 1.0))
    return s


def a_called_object(w):
    s = 0.0
    for k in range(3):
        if k > 0:
            s = s + np.sum(layer(w))
        layer = Layer(w[::-1] * (k + 1.0))
    return s


def static_and_class_methods(w):
    s = 0.0
    for k in range(3):
        if k > 0:
            s = s + np.sum(a.twice(w) * a.data) + np.sum(a.made(w[1] * w).data ** 2)
        a = Kinds(np.sin(w) * (k + 1.0))
    return s


def read_after_the_loop_too(w):
    s = 0.0
    for k in range(3):
        if k > 0:
            s = s + a.total() * w[0]
        a = Acc(np.sin(w) * (k + 1.0))
    return s + a.total() * w[1]


FOLLOWED = [method_of_an_earlier_turn, with_arguments_in_a_while, in_the_else, two_alternating,
            a_base_classs_method, a_held_objects_method, a_called_object, static_and_class_methods,
            read_after_the_loop_too]


@pytest.mark.parametrize("f", FOLLOWED, ids=lambda f: f.__name__)
@pytest.mark.parametrize("n", [3, 5])
def test_followed_in_every_mode(f, n):
    check_every_mode(f, n, 82 + n)


def called_in_the_first_turn(w):
    s = 0.0
    for k in range(3):
        s = s + a.total()       # the first turn calls it before any binding
        a = Acc(w * (k + 1.0))
    return s


@every_transform
def test_a_call_before_any_binding_raises_as_python_does(transform):
    w = np.array([0.5, 1.5, 2.0])
    with pytest.raises(UnboundLocalError) as python:
        called_in_the_first_turn(w)
    with pytest.raises(UnboundLocalError, match="^" + re.escape(str(python.value)) + "$"):
        transform(called_in_the_first_turn, w)


# -- a method changing the object, inside an expression ----------------------------------


class Bumped:
    def __init__(self, data):
        self.data = data

    def bump(self, k, c):
        self.data[k] *= c

    def bumped(self, k, c):
        self.data[k] *= c
        return self.data[k] * 2.0


def element_read_after_the_call(w):
    held = []
    s = 0.0
    for k in range(2):
        a = Bumped(w * (k + 1.0))
        held.append(a)
        s = s + a.bumped(0, w[1]) * a.data[0]
    return s + np.sum(held[1].data)


def inside_a_numpy_call(w):
    held = []
    s = 0.0
    for k in range(2):
        a = Bumped(np.sin(w) * (k + 1.0))
        held.append(a)
        s = s + np.sum(a.bumped(0, w[1]) * w)
    return s + np.sum(held[0].data * held[1].data)


def augmented_assignment(w):
    held = []
    s = 0.0
    for k in range(2):
        a = Bumped(w * (k + 1.0))
        held.append(a)
        s += a.bumped(k, w[2]) ** 2
    return s + np.sum(held[1].data)


def in_a_branch(w):
    held = []
    s = 0.0
    for k in range(3):
        a = Bumped(np.cos(w) * (k + 1.0))
        held.append(a)
        if k % 2 == 0:
            s = s + a.bumped(1, w[0]) * w[2]
        else:
            a.bump(2, w[1])
    return s + np.sum(held[1].data * held[2].data)


def element_read_before_the_call(w):
    held = []
    s = 0.0
    for k in range(2):
        a = Bumped(w * (k + 1.0))
        held.append(a)
        s = s + a.data[0] * a.bumped(0, w[1])       # the element, a number, read before the call changes it
    return s + np.sum(held[1].data)


def in_a_conditional_expression(w):
    held = []
    s = 0.0
    for k in range(2):
        a = Bumped(w * (k + 1.0))
        held.append(a)
        s = s + (a.bumped(0, w[1]) if k > 0 else 0.0)
    return s + np.sum(held[1].data)


CHANGING = [element_read_after_the_call, inside_a_numpy_call, augmented_assignment, in_a_branch,
            element_read_before_the_call, in_a_conditional_expression]


@pytest.mark.parametrize("f", CHANGING, ids=lambda f: f.__name__)
@pytest.mark.parametrize("n", [3, 5])
def test_a_changing_method_in_an_expression_in_every_mode(f, n):
    rng = np.random.default_rng(82 + n)
    w = rng.uniform(0.5, 1.5, n)
    kept = w.copy()
    check_every_mode(f, n, 82 + n)
    astgrad.grad(f)(w)
    assert np.array_equal(w, kept)          # the caller's array unchanged


# -- a method's result bound to a name, on one array handed at each turn -----------------


def turn_befores_result_bound(w):
    buf = w * 1.0
    s = 0.0
    for k in range(3):
        if k > 0:
            r = a.bumped(2, w[1])
            s = s + r * w[0]
        a = Bumped(buf)
        a.bump(k % 2, w[0])
    return s + np.sum(buf * w)


def turn_befores_result_with_break(w):
    buf = np.sin(w)
    s = 0.0
    for k in range(3):
        if k > 0:
            r = a.bumped(2, w[1])
            s = s + r * w[0]
        if k == 2:
            break
        a = Bumped(buf)
        a.bump(k, w[0])
    return s + np.sum(buf * w)


def own_result_with_a_view_kept(w):
    buf = np.sin(w)
    head = buf[:2]
    s = 0.0
    for k in range(3):
        a = Bumped(buf)
        r = a.bumped(k % 3, w[1])
        s = s + r * w[0]
    return s + np.sum(head ** 2) + np.sum(buf)


def turn_befores_call_in_an_expression(w):
    buf = np.cos(w)
    s = 0.0
    for k in range(3):
        if k > 0:
            s += a.bumped(2, w[1]) ** 2
        a = Bumped(buf)
        a.bump(k % 2, w[0])
    return s + np.sum(buf * w)


def own_call_in_an_expression_with_a_view_kept(w):
    buf = np.sin(w)
    head = buf[:2]
    s = 0.0
    for k in range(3):
        a = Bumped(buf)
        s = s + np.sum(a.bumped(k % 3, w[1]) * w)
    return s + np.sum(head ** 2) + np.sum(buf)


def the_arrays_name_read_before_the_call(w):
    buf = w * 1.0
    s = 0.0
    for k in range(3):
        a = Bumped(buf)
        s = np.sum(buf + a.bumped(0, w[1]))        # buf shows the call's write, as in Python
    return s + np.sum(buf)


def the_arrays_name_read_before_a_conditional_call(w):
    buf = w * 1.0
    s = 0.0
    for k in range(3):
        a = Bumped(buf)
        s = s + np.sum(buf + (a.bumped(0, w[1]) if k > 0 else 0.0))
    return s + np.sum(buf)


BOUND = [turn_befores_result_bound, turn_befores_result_with_break, own_result_with_a_view_kept,
         turn_befores_call_in_an_expression, own_call_in_an_expression_with_a_view_kept,
         the_arrays_name_read_before_the_call, the_arrays_name_read_before_a_conditional_call]


@pytest.mark.parametrize("f", BOUND, ids=lambda f: f.__name__)
@pytest.mark.parametrize("n", [3, 5])
def test_a_result_bound_on_one_handed_array_in_every_mode(f, n):
    rng = np.random.default_rng(182 + n)
    w = rng.uniform(0.5, 1.5, n)
    kept = w.copy()
    check_every_mode(f, n, 182 + n)
    astgrad.grad(f)(w)
    assert np.array_equal(w, kept)


# -- still refused -----------------------------------------------------------------------


class Shadowed(Acc):
    def __init__(self, data):
        super().__init__(data)
        self.total = lambda: 7.0        # Python calls this, not Acc.total


class HoldsAFunction:
    def __init__(self, data, f):
        self.data = data
        self.f = f


class Bumps(Acc):
    def bump(self, c):
        self.data[0] *= c

    def bumped_total(self, c):
        self.bump(c)
        return np.sum(self.data)


def an_attribute_hides_the_method(w):
    s = 0.0
    for k in range(3):
        if k > 0:
            s = s + a.total() * w[1]
        a = Shadowed(w * (k + 1.0))
    return s


def a_held_function(w):
    s = 0.0
    for k in range(3):
        if k > 0:
            s = s + np.sum(a.f(w))
        a = HoldsAFunction(w * (k + 1.0), np.sin)
    return s


def changed_through_another_method(w):
    s = 0.0
    for k in range(3):
        if k > 0:
            s = s + a.bumped_total(w[1])
        a = Bumps(w * (k + 1.0))
    return s


class Viewed(Bumped):
    def head(self, c):
        self.data[0] *= c
        return self.data[:2]            # a view of the one array


def a_view_returned(w):
    buf = w * 1.0
    s = 0.0
    for k in range(3):
        a = Viewed(buf)
        h = a.head(w[1])
        a.bump(k % 2, w[0])
        s = s + np.sum(h * w[:2])       # Python's h shows the write a.bump made
    return s + np.sum(buf)


def the_object_read_before_the_call(w):
    a = Bumped(w * 1.0)
    return np.sum(a.data + a.bumped(0, w[1]))


def read_before_the_call_in_a_loop(w):
    s = 0.0
    for k in range(2):
        a = Bumped(w * (k + 1.0))
        s = s + np.sum(a.data + (a.bumped(0, w[1]) if k > 0 else 0.0))
    return s


_MADE_UP = re.compile(r"\b(t_\d+|d_\w+|\w+_saved|attrs(_\d+)?|k_\d+)\b")


@pytest.mark.parametrize("f, construct, at", [(an_attribute_hides_the_method, ".total()", 4),
                                              (a_held_function, ".f()", 4),
                                              (changed_through_another_method, "bumped_total", 4),
                                              (a_view_returned, "head", 5),
                                              (the_object_read_before_the_call, "a.data + a.bumped", 2),
                                              (read_before_the_call_in_a_loop, "a.data + (a.bumped", 4)],
                         ids=lambda v: getattr(v, "__name__", str(v)))
def test_refused_at_the_users_line(f, construct, at):
    """``at``: the line of the call, counted from the ``def``."""
    w = np.array([0.5, 1.5, 2.0])
    assert np.isfinite(f(w.copy()))         # Python runs it
    with pytest.raises(astgrad.TransformError) as refused:
        astgrad.grad(f)(w)
    text = str(refused.value)
    line = f.__code__.co_firstlineno + at
    assert f"test_objects82.py:{line}: " in text, text
    assert construct in text, text
    said = text.split(f":{line}: ", 1)[1].split("\n")[0]
    assert _MADE_UP.search(said) is None, said
