"""Objects of a subclass whose ``__init__`` calls its base's (``super().__init__(data)`` or
``Base.__init__(self, data)``), built in a loop, appended to a list and changed through
their name (``held.append(a); a.bump(0, c)``), read through the list after the loop: the
list held as a list per attribute, the base's attributes and methods found along Python's
method resolution order (a method the subclass overrides, two levels of bases, a diamond,
a base's ``__init__`` given a constant or keywords, ``super(Cls, self).__init__(data)``), and a
subclass keeping the array under
a second attribute (``self.first = data``), read through either. Each is checked in grad,
value_and_grad, jvp, vjp, hessian and jvp of grad against central differences of what
Python computes, at two sizes, the caller's array unchanged (check_every_mode). The
neighbours are refused in words naming the user's line, with no name astgrad made up: a
base's method calling one the subclass overrides, super() in a method, two classes in one
list, multiple inheritance, the same object appended twice (naming
the appends), the second attribute kept as a view, read in a loop or by a method, or left
behind by a method storing the first, an array held by a list before a loop calling the
turn before's object's method (naming the list)."""

import inspect

import numpy as np
import pytest

import astgrad
import test_objects80

from test_objects74 import check_every_mode, check_jvp_of_grad   # against central differences
from test_objects80 import TwiceHeld, alias_in_a_list, check_refused_in_the_users_words
from test_objects84 import held_twice     # the array also read through the name it was handed as


class Acc:
    def __init__(self, data):
        self.data = data

    def bump(self, k, c):
        self.data[k] *= c


class FromOther(test_objects80.Acc):     # a base class of another module
    def __init__(self, data):
        super().__init__(data)


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


class Other:
    def __init__(self, data):
        self.data = data

    def bump(self, k, c):
        self.data[k] += c


class Both(Other, Acc):                 # Other.__init__ sets data; super() in Other? no
    def __init__(self, data):
        super().__init__(data)


class Left(Acc):
    def __init__(self, data):
        super().__init__(data)

    def bump(self, k, c):
        self.data[k] += c


class Right(Acc):
    def __init__(self, data):
        super().__init__(data)


class Diamond(Left, Right):
    def __init__(self, data):
        super().__init__(data)


class ViaRight(Left, Right):
    def __init__(self, data):
        Right.__init__(self, data)      # named base: skips Left's __init__ (same stores)


class Explicit(Acc):
    def __init__(self, data):
        super(Explicit, self).__init__(data)


class Meta(type):
    pass


class MetaBase(metaclass=Meta):
    def __init__(self, data):
        self.data = data

    def bump(self, k, c):
        self.data[k] *= c


class MetaSub(MetaBase):
    def __init__(self, data):
        super().__init__(data)


class Slotted:
    __slots__ = ("data",)

    def __init__(self, data):
        self.data = data

    def bump(self, k, c):
        self.data[k] *= c


class SlotSub(Slotted):
    def __init__(self, data):
        super().__init__(data)


class PropBase:
    def __init__(self, data):
        self.data = data

    @property
    def head(self):
        return self.data[0]

    def bump(self, k, c):
        self.data[k] *= c


class PropSub(PropBase):
    def __init__(self, data):
        super().__init__(data)


class ConstBase:
    def __init__(self, data, s):
        self.data = data
        self.s = s

    def bump(self, k, c):
        self.data[k] *= c * self.s


class ConstSub(ConstBase):
    def __init__(self, data):
        super().__init__(data, 2.0)


class SwapBase:
    def __init__(self, a, b):
        self.a = a
        self.b = b

    def bump(self, k, c):
        self.a[k] *= c * self.b[k]


class SwapSub(SwapBase):
    def __init__(self, a, b):
        super().__init__(b=a, a=b)


def built_in_a_list(cls):
    def f(w):
        held = []
        for k in range(2):
            a = cls(w * (k + 1.0))
            held.append(a)
            a.bump(0, w[1])
        return np.sum(held[0].data) + np.sum(held[1].data * w)
    f.__name__ = f"{cls.__name__}_in_a_list"
    return f


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


def two_classes_in_a_list(w):
    held = []
    for k in range(2):
        a = Sub(w * (k + 1.0)) if k == 0 else Left(w * 2.0)
        held.append(a)
        a.bump(0, w[1])
    return np.sum(held[0].data) + np.sum(held[1].data * w)


def two_classes_two_appends(w):
    held = []
    for k in range(2):
        a = Sub(w * (k + 1.0))
        held.append(a)
        a.bump(0, w[1])
        b = Left(w * 2.0)
        held.append(b)
        b.bump(1, w[0])
    return np.sum(held[0].data) + np.sum(held[3].data * w)


def super_in_a_method(w):
    held = []
    for k in range(2):
        a = Kinded(w * (k + 1.0), w[2])
        held.append(a)
        a.bump(0, w[1])
    return np.sum(held[0].data) + np.sum(held[1].data * w)


def base_given_swapped_keywords(w):
    held = []
    for k in range(2):
        a = SwapSub(w * (k + 1.0), np.cos(w))
        held.append(a)
        a.bump(0, w[1])
    return np.sum(held[0].a) + np.sum(held[1].b * w) + np.sum(held[1].a * w)


def appended_twice(w):
    held = []
    for k in range(2):
        a = Sub(w * (k + 1.0))
        held.append(a)
        held.append(a)
        a.bump(0, w[1])
    return np.sum(held[0].data) + np.sum(held[3].data)


def turn_befores_call_array_kept_in_a_list(w):
    buf = w * 1.0
    keep = [buf]
    for k in range(3):
        if k > 0:
            a.bump(k - 1, w[1])         # the turn before's object, writing into buf, which keep holds
        a = Sub(buf)
    return np.sum(buf * w) + np.sum(keep[0] ** 2)


class Rebinds(Acc):            # (TwiceHeld, test_objects80.py: super().__init__(data); self.first = data)
    def __init__(self, data):
        super().__init__(data)
        self.first = data

    def swap(self, c):
        self.data = self.data * c


class ReadsFirst(Acc):
    def __init__(self, data):
        super().__init__(data)
        self.first = data

    def head(self):
        return self.first[0]


class WritesFirst(Acc):
    def __init__(self, data):
        super().__init__(data)
        self.first = data

    def bump(self, k, c):
        self.first[k] *= c


def view_kept(w):
    held = []
    for k in range(2):
        a = TwiceHeld(w * (k + 1.0))
        held.append(a)
    v = held[0].first
    held[0].bump(0, w[1])
    return np.sum(v * w)


def view_kept_in_turn(w):
    held = []
    s = 0.0
    for k in range(2):
        a = TwiceHeld(w * (k + 1.0))
        held.append(a)
        v = held[k].first[:2]
        a.bump(0, w[1])
        s = s + np.sum(v * w[:2])
    return s


def rebound(w):
    held = []
    for k in range(2):
        a = Rebinds(w * (k + 1.0))
        held.append(a)
        a.swap(w[1])
    return np.sum(held[0].first) + np.sum(held[1].data * w)


def reads_first(w):
    held = []
    for k in range(2):
        a = ReadsFirst(w * (k + 1.0))
        held.append(a)
        a.bump(1, w[1])
    return held[0].head() + np.sum(held[1].first * w)


def writes_first(w):
    held = []
    for k in range(2):
        a = WritesFirst(w * (k + 1.0))
        held.append(a)
        a.bump(1, w[1])
    return np.sum(held[0].data) + np.sum(held[1].first * w)


def loop_over(w):
    held = []
    for k in range(2):
        a = TwiceHeld(w * (k + 1.0))
        held.append(a)
        a.bump(1, w[1])
    s = 0.0
    for o in held:
        s = s + np.sum(o.first * w)
    return s


def both_read(w):                   # one array under two attributes, read through either
    held = []
    for k in range(3):
        a = TwiceHeld(np.sin(w) * (k + 1.0))
        held.append(a)
        a.bump(0, w[1])
        a.bump(2, w[0])
    held[1].bump(1, w[2])
    return np.sum(held[0].first * held[1].data) + held[2].first[0] * held[1].first[1]


FOLLOWED = [alias_in_a_list, held_twice, both_read, subclass_in_a_list, named_base_in_a_list, overridden_in_a_list,
            two_levels_in_a_list,
            bumped_through_list_and_name, base_given_swapped_keywords,
            built_in_a_list(Diamond), built_in_a_list(ConstSub), built_in_a_list(FromOther), built_in_a_list(Explicit)]


@pytest.mark.parametrize("f", FOLLOWED, ids=lambda f: f.__name__)
@pytest.mark.parametrize("n", [3, 5])
def test_followed_in_every_mode(f, n):
    check_every_mode(f, n, 85 + n)


@pytest.mark.parametrize("f", FOLLOWED, ids=lambda f: f.__name__)
def test_jvp_of_grad_against_central_differences(f):
    check_jvp_of_grad(f, 85)


# each refused at its line in words with no name astgrad made up: a base's method calling
# one the subclass overrides, super() in a method, two classes in one list, multiple
# inheritance reaching a base's __init__ first, a metaclass, Right.__init__
# named where super() reaches Left's, the same object appended twice
REFUSED = [base_calls_overridden, super_in_a_method, two_classes_in_a_list, two_classes_two_appends,
           built_in_a_list(Both), built_in_a_list(MetaSub), built_in_a_list(ViaRight),
           built_in_a_list(SlotSub), built_in_a_list(PropSub), appended_twice, turn_befores_call_array_kept_in_a_list,
           view_kept, view_kept_in_turn, rebound, reads_first, writes_first, loop_over]


@pytest.mark.parametrize("f", REFUSED, ids=lambda f: f.__name__)
def test_refused_in_the_users_words(f):
    check_refused_in_the_users_words(f, "test_objects85b.py")


def test_appended_twice_names_the_appends_and_what_to_write():
    lines, first = inspect.getsourcelines(appended_twice)
    appends = [first + k for k, line in enumerate(lines) if "held.append(a)" in line]
    with pytest.raises(astgrad.TransformError) as refused:
        astgrad.grad(appended_twice)(np.array([0.5, 1.5, 2.0]))
    message = str(refused.value)
    assert f"lines {appends[0]}, {appends[1]}: held.append(a)" in message, message
    assert "append 'a' once" in message, message


def test_array_kept_in_a_list_named_in_the_refusal():
    with pytest.raises(astgrad.TransformError) as refused:
        astgrad.grad(turn_befores_call_array_kept_in_a_list)(np.array([0.5, 1.5, 2.0]))
    assert "'buf' is also held by a container" in str(refused.value) and "keep = [buf]" in str(refused.value)
