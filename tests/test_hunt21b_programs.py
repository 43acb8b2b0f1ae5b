"""An audit of objects whose class astgrad knows, or does not know, where the code uses
them, as a permanent differential test: an object built in the function and iterated
(``zip(q, q.bump())``, ``sum(q)``, ``a, b = q``) beside a call of its method changing
``self`` is followed in every mode against central finite differences; an object whose
class astgrad did not know when it generated the code (read from a dict or a list, held
by two attributes of another object) stops with a TypeError naming the line where the
code iterates it or calls its own ``append``, never with a bare error from astgrad's
internals, nor (as ``sum`` of such an object did in forward mode) a zero derivative."""

import re

import numpy as np
import pytest

import astgrad
from breadth_modes import check

X3 = np.array([0.3, 0.7, 1.1])


class Pair:
    """Iterates its two attributes, read one at a time; ``bump`` changes ``self``."""
    def __init__(self, a, b):
        self.a = a
        self.b = b

    def __iter__(self):
        yield self.a
        yield self.b

    def bump(self):
        self.a = self.a * 2.0
        return [self.a, self.b]


class Counted:
    """An iterator class (a counter down a list); ``scale`` changes ``self``."""
    def __init__(self, data, w):
        self.data = data
        self.w = w

    def __iter__(self):
        self.k = len(self.data)
        return self

    def __next__(self):
        if self.k <= 0:
            raise StopIteration()
        self.k = self.k - 1
        return self.data[self.k] / self.w

    def scale(self, c):
        self.w = self.w * c
        return self.w


class Twice:
    """Holds one object in two attributes (astgrad does not know what either holds)."""
    def __init__(self, g):
        self.p = g
        self.q = g


class Box:
    """A class of the user's with an ``append`` of its own."""
    def __init__(self, p):
        self.p = p

    def append(self, c):
        self.p = self.p + c


def zipped_with_its_own_bump(x, t):
    q = Pair(x * t, np.sin(x))
    s = 0.0
    for u, v in zip(q, q.bump()):       # q.bump() runs before zip reads q's items
        s = s + np.sum(u * v)
    return s


def bumped_then_unpacked(x, t):
    q = Pair(x * t, np.cos(x))
    w = q.bump()
    a, b = q
    return np.sum(a * b * w[0])


def counted_beside_its_scale(x, t):
    q = Counted([x, x * x], t)
    s = sum(q) + q.scale(t)
    for u in q:
        s = s + u * t
    return np.sum(s * s)


def looped_and_bumped_in_turn(x, t):
    q = Pair(x * t, np.sin(x))
    s = 0.0
    i = 0
    while i < 2:
        for u in q:
            s = s + np.sum(u * u)
        q.bump()
        i += 1
    return s


def zip_kept_then_bumped(x, t):
    q = Pair(x * t, np.sin(x))
    z = zip(q, [x, t])      # its items are read after bump: refused, as before
    q.bump()
    s = 0.0
    for u, v in z:
        s = s + np.sum(u * v)
    return s


def loop_over_one_held_twice(x, t):
    w = Twice(Pair(x * t, np.cos(x)))
    out = 0.0
    for c in w.q:
        out = out + np.sum(c * c)
    return out


def sum_of_one_held_twice(x, t):
    w = Twice(Pair(x * t, np.cos(x)))
    return np.sum(sum(w.p))


def unpacking_one_held_twice(x, t):
    w = Twice(Pair(x * t, np.cos(x)))
    a, b = w.q
    return np.sum(a * b)


def append_of_a_box_read_from_a_dict(x, t):
    log = {"k": Box(x)}["k"]
    for c in [x * t, np.sin(x)]:
        log.append(c)
    return np.sum(x * t)


def append_of_a_box_read_from_a_list(x, t):
    log = [Box(x)][0]
    for i in range(2):
        log.append(t * x)
    return np.sum(log.p)


FOLLOWED = [zipped_with_its_own_bump, bumped_then_unpacked, counted_beside_its_scale, looped_and_bumped_in_turn]

ITERATES = r"this iterates (a Pair, whose __iter__ is its own code,|an object) where astgrad did not know the " \
           r"object's class when it generated the code.*Iterate a list of the items"
APPENDS = r"\.append\(\) was differentiated as a list's, but it was called on a Box object, whose class defines " \
          r"append in code of its own.*Name the object where it is built"
STOPPED = [(loop_over_one_held_twice, ITERATES), (sum_of_one_held_twice, ITERATES),
           (unpacking_one_held_twice, ITERATES), (append_of_a_box_read_from_a_dict, APPENDS)]


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
@pytest.mark.parametrize("f", FOLLOWED, ids=[f.__name__ for f in FOLLOWED])
def test_followed_against_finite_differences(f, mode):
    check(mode, f, (X3, 0.8), (0, 1))


def _run(mode, f):
    if mode == "grad":
        return astgrad.grad(f, wrt=(0, 1))(X3, 0.8)
    if mode == "jvp":
        return astgrad.jvp(f, (X3, 0.8), (np.ones(3), 1.0))
    return astgrad.hessian(f, wrt=1)(X3, 0.8)


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
@pytest.mark.parametrize("f, says", STOPPED, ids=[s[0].__name__ for s in STOPPED])
def test_an_object_of_a_class_not_known_stops_with_the_line(f, says, mode):
    line = f.__code__.co_firstlineno
    with pytest.raises(TypeError) as stopped:
        _run(mode, f)
    message = str(stopped.value)
    assert re.search(says, message, re.S), message
    where = int(re.search(r"test_hunt21b_programs\.py:(\d+)", message).group(1))
    assert line < where < line + 6, message
    check("grad", zipped_with_its_own_bump, (X3, 0.8), (0, 1))       # the next call works


def test_a_zip_kept_in_a_name_then_the_object_changed_is_refused():
    with pytest.raises(astgrad.TransformError, match=r"test_hunt21b_programs\.py:\d+: astgrad cannot differentiate "
                                                     r"the method call \.bump\(\) of a Pair, which assigns self\.a, on "
                                                     r"an object astgrad does not follow from state to state"):
        astgrad.grad(zip_kept_then_bumped, wrt=(0, 1))(X3, 0.8)
    check("grad", zipped_with_its_own_bump, (X3, 0.8), (0, 1))       # the next call works


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
def test_an_append_to_a_box_a_list_holds_is_refused_at_its_line(mode):
    # the list display still holds the Box: an append through the other name is refused
    line = append_of_a_box_read_from_a_list.__code__.co_firstlineno
    with pytest.raises(astgrad.TransformError, match=r"append to 'log' while another name may share its memory") \
            as refused:
        _run(mode, append_of_a_box_read_from_a_list)
    where = int(re.search(r"test_hunt21b_programs\.py:(\d+)", str(refused.value)).group(1))
    assert line < where < line + 6, str(refused.value)
    check("grad", zipped_with_its_own_bump, (X3, 0.8), (0, 1))       # the next call works
