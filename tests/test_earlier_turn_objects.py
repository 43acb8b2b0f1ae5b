"""An object, record, namespace, dict, list or tuple read through a name that an earlier
turn of a loop bound (``s = s + a.data[0] * w[1]`` above ``a = Acc(...)`` in the loop's
body): the reverse of the last turn's binding read the attributes' or items' derivatives
out of a plain 0.0 (``d_attrs['data']``, ``d_a[0]``), an internal TypeError. Each form
(for and while loops, the read in an if or its else, two objects alternating, a first
binding before the loop or none) is checked in grad, value_and_grad, jvp, vjp (a random
cotangent), hessian and jvp of grad against central differences at two sizes; a read
before any binding raises Python's UnboundLocalError; a method called on such a name
(``a.total()``) is followed, as it is called through its class; an item read
by a class's own ``__getitem__`` is refused at its line. A class with ``__slots__`` is followed
as one keeping a ``__dict__`` is (its zero derivative was None: the same TypeError, also
with the first binding before the loop)."""

import collections
import dataclasses
import types

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_hessian, numerical_jvp


class Acc:
    def __init__(self, data):
        self.data = data

    def total(self):
        return np.sum(self.data)


@dataclasses.dataclass
class Held:
    data: np.ndarray


Pair = collections.namedtuple("Pair", "data")


class Slotted:
    __slots__ = ("data",)

    def __init__(self, data):
        self.data = data


class Indexed:
    def __init__(self, data):
        self.data = data

    def __getitem__(self, k):
        return self.data[k]


def user_class(w):
    s = 0.0
    for k in range(3):
        if k > 0:
            s = s + a.data[0] * w[1]      # a: the previous turn's object
        a = Acc(w * (k + 1.0))
    return s


def a_dataclass(w):
    s = 0.0
    for k in range(3):
        if k > 0:
            s = s + a.data[0] * w[1]
        a = Held(w * (k + 1.0))
    return s


def a_namedtuple(w):
    s = 0.0
    for k in range(3):
        if k > 0:
            s = s + a.data[0] * w[1]
        a = Pair(w * (k + 1.0))
    return s


def slotted_class(w):
    s = 0.0
    for k in range(3):
        if k > 0:
            s = s + a.data[0] * w[1]
        a = Slotted(w * (k + 1.0))
    return s


def slotted_bound_before_the_loop(w):
    s = 0.0
    a = Slotted(w * 0.5)
    for k in range(3):
        s = s + a.data[2] * w[1]
        a = Slotted(w * (k + 1.0))
    return s


def a_namespace(w):
    s = 0.0
    for k in range(3):
        if k > 0:
            s = s + a.data[0] * w[1]
        a = types.SimpleNamespace(data=w * (k + 1.0))
    return s


def a_dict(w):
    s = 0.0
    for k in range(3):
        if k > 0:
            s = s + a["data"][0] * w[1]
        a = {"data": w * (k + 1.0)}
    return s


def a_list(w):
    s = 0.0
    for k in range(3):
        if k > 0:
            s = s + a[0][0] * w[1]
        a = [w * k]
    return s


def a_tuple(w):
    s = 0.0
    for k in range(3):
        if k > 0:
            s = s + a[0][1] * a[1]
        a = (w * (k + 1.0), w[0])
    return s


def in_a_while_loop(w):
    s = 0.0
    k = 0
    while k < 3:
        if k > 0:
            s = s + a.data[0] * w[1]
        a = Acc(w * (k + 1.0))
        k += 1
    return s


def a_dict_in_a_while_loop(w):
    s = 0.0
    k = 0
    while k < 3:
        if k > 0:
            s = s + a["data"][2] * w[1]
        a = {"data": w * (k + 1.0)}
        k += 1
    return s


def read_in_the_else(w):
    s = 0.0
    for k in range(3):
        if k == 0:
            s = s + w[0]
        else:
            s = s + a.data[0] * w[1]
        a = Acc(w * (k + 1.0))
    return s


def two_alternating(w):
    s = 0.0
    for k in range(4):
        if k > 1:
            s = s + a.data[0] * b.data[1]
        if k % 2 == 0:
            a = Acc(w * (k + 1.0))
        else:
            b = Acc(w * (k + 2.0))
    return s


def bound_before_the_loop(w):
    s = 0.0
    a = Acc(w * 0.5)
    for k in range(3):
        s = s + a.data[0] * w[1]
        a = Acc(w * (k + 1.0))
    return s


def read_after_the_loop(w):
    s = 0.0
    for k in range(3):
        if k > 0:
            s = s + a.data[1] * w[0]
        a = Acc(np.sin(w) * (k + 1.0))
    return s + np.sum(a.data * w)


def no_turn_at_size_3(w):
    s = np.sum(w)
    for k in range(w.shape[0] - 3):       # no turn for 3 items, two for 5
        if k > 0:
            s = s + a.data[0] * w[1]
        a = Acc(w * (k + 1.0))
    return s


def in_nested_loops(w):
    s = 0.0
    for i in range(2):
        for k in range(2):
            if i + k > 0:
                s = s + a["data"][k] * w[i]     # the inner loop's previous turn, or the outer's
            a = {"data": w * (i + k + 1.0)}
    return s


def read_in_the_last_turn_only(w):
    s = 0.0
    for k in range(4):
        if k == 3:
            s = s + a.data[0] * w[1]
        if k % 2 == 0:
            a = Acc(w * (k + 1.0))      # bound in every other turn
    return s


def bound_in_a_branch_then_read(w):
    s = 0.0
    for k in range(4):
        if k % 2 == 0:
            a = Acc(w * (k + 1.0))
        if k == 3:
            s = s + a.data[2] * w[1]
    return s


def method_through_its_class(w):
    s = 0.0
    for k in range(3):
        if k > 0:
            s = s + Acc.total(a) * w[1]
        a = Acc(w * (k + 1.0))
    return s


FOLLOWED = [user_class, slotted_class, slotted_bound_before_the_loop, a_dataclass, a_namedtuple, a_namespace,
            a_dict, a_list, a_tuple, in_a_while_loop, a_dict_in_a_while_loop, read_in_the_else, two_alternating,
            bound_before_the_loop, read_after_the_loop, no_turn_at_size_3, in_nested_loops,
            read_in_the_last_turn_only, bound_in_a_branch_then_read, method_through_its_class]


def check_every_mode(f, n, seed):
    """grad, value_and_grad, jvp, vjp (a random cotangent), hessian and jvp of grad of
    ``f`` at a random ``w`` of size ``n`` against central differences of Python's ``f``."""
    rng = np.random.default_rng(seed)
    w = rng.uniform(0.5, 1.5, n)
    g = astgrad.grad(f)
    gradient = numerical_grad(f, (w,))
    assert_close(g(w), gradient)
    value, both = astgrad.value_and_grad(f)(w)
    assert value == pytest.approx(f(w))
    assert_close(both, gradient)
    t = rng.normal(size=n)
    value, tangent_out = astgrad.jvp(f, (w,), (t,))
    assert value == pytest.approx(f(w))
    assert_close(tangent_out, numerical_jvp(f, (w,), (t,)))
    cotangent = rng.normal()
    value, pullback = astgrad.vjp(f, w)
    assert value == pytest.approx(f(w))
    assert_close(pullback(cotangent)[0], cotangent * gradient)
    hessian = numerical_hessian(lambda v: numerical_grad(f, (v,), eps=1e-4), (w,), eps=1e-4)
    assert_close(astgrad.hessian(f)(w), hessian, 1e-4, 1e-5)
    _, hvp = astgrad.jvp(astgrad.grad(f), (w,), (t,))
    assert_close(hvp, hessian @ t, 1e-4, 1e-5)


# grad, value_and_grad, jvp, vjp (the pullback called) and hessian of ``f`` run at ``w``:
# for the tests of what each of them raises
every_transform = pytest.mark.parametrize("transform", [
    lambda f, w: astgrad.grad(f)(w),
    lambda f, w: astgrad.value_and_grad(f)(w),
    lambda f, w: astgrad.jvp(f, (w,), (np.ones_like(w),)),
    lambda f, w: astgrad.vjp(f, w)[1](1.0),
    lambda f, w: astgrad.hessian(f)(w),
], ids=["grad", "value_and_grad", "jvp", "vjp", "hessian"])


@pytest.mark.parametrize("f", FOLLOWED, ids=lambda f: f.__name__)
@pytest.mark.parametrize("n", [3, 5])
def test_followed_in_every_mode(f, n):
    check_every_mode(f, n, 81 + n)


def never_bound_first(w):
    s = 0.0
    for k in range(3):
        s = s + a.data[0] * w[1]        # the first turn reads a before any binding
        a = Acc(w * (k + 1.0))
    return s


@every_transform
def test_read_before_any_binding_raises_as_python_does(transform):
    w = np.array([0.5, 1.5, 2.0])
    with pytest.raises(UnboundLocalError) as python:
        never_bound_first(w)
    with pytest.raises(UnboundLocalError, match="'a'") as ours:
        transform(never_bound_first, w)
    assert type(ours.value) is type(python.value)


def method_of_an_earlier_turn(w):
    s = 0.0
    for k in range(3):
        if k > 0:
            s = s + a.total() * w[1]
        a = Acc(w * (k + 1.0))
    return s


@pytest.mark.parametrize("n", [3, 5])
def test_a_method_of_an_earlier_turns_object_is_followed(n):
    """The class of ``a`` is known from its one binding below the call: followed as
    ``method_through_its_class`` above is (it was refused at the user's line, saying to
    call the method through its class)."""
    check_every_mode(method_of_an_earlier_turn, n, 81 + n)


def item_of_an_earlier_turns_object(w):
    s = 0.0
    for k in range(3):
        if k > 0:
            s = s + a[0] * w[1]
        a = Indexed(w * (k + 1.0))
    return s


def test_an_item_read_by_a_classs_own_code_is_refused_at_its_line():
    with pytest.raises(TypeError, match=r"test_earlier_turn_objects\.py:\d+: astgrad: this reads an item of a "
                                        r"Indexed, whose __getitem__ is its own code"):
        astgrad.grad(item_of_an_earlier_turns_object)(np.array([0.5, 1.5, 2.0]))
