"""Iterator classes (``__iter__`` setting a counter and returning ``self``, ``__next__``
moving it by one and raising StopIteration at a bound) followed as the range their counter
runs over, in every mode against central finite differences (tests/breadth_modes.py); what
would share or expose the counter is refused with the line and advice. Also: ``zip``
evaluates its arguments in Python's order before iterating an object, and a loop over an
object reading its items one at a time appends only to lists no object holds."""

import numpy as np
import pytest

import astgrad
from breadth_modes import check


class Seq:
    """The classic iterator class: an index over a list attribute, the item computed."""
    def __init__(self, data, w):
        self.data = data
        self.w = w

    def __iter__(self):
        self.i = 0
        return self

    def __next__(self):
        if self.i >= len(self.data):
            raise StopIteration
        v = self.w / self.data[self.i]
        self.i += 1
        return v


class Down:
    """Counts down; the item reads the counter after the move, through a module's function."""
    def __init__(self, x, n):
        self.x = x
        self.n = n

    def __iter__(self):
        self.k = self.n
        return self

    def __next__(self):
        if 0 >= self.k:
            raise StopIteration()
        self.k = self.k - 1
        return np.sin(self.x * self.k) + self.x


def looped(a, t):
    s = 0.0
    q = Seq([a, t, a * t], t)
    for c in q:                 # a break, an else, then a second loop from the start
        if c > 1.0:
            break
        s += c * a
    else:
        s = s * 2.0
    for c in q:
        s = s + c * c
    ys = []
    for c in Down(a, 3):
        ys.append(c * t)
    return s + ys[0] * ys[2] + sum(c * c for c in Down(t, 2))


def consumed(a, t):
    q = Seq([a, t], a)
    u, v = q
    xs = [c * t for c in q]
    s = u * v + sum(q) * xs[1] + max(q) + list(Down(a, 2))[1]
    for k, (x, y) in enumerate(zip(q, Down(t, 2))):
        s = s + k * x * y
    it = iter(Seq([a, t, 0.0], t))      # next() computes each item when asked: never the third, t / 0.0
    first = next(it)
    d = Down(a, 2)
    return s + first * next(it) + sum([c * e for c in Seq([a, t], t) for e in d])      # d's loop starts afresh


class Point:
    def __init__(self, x, y):
        self.x = x
        self.y = y

    def __iter__(self):
        yield self.x
        yield self.y


class Moving(Point):
    def doubled(self):
        self.y = self.y * 2.0
        return [self.x, self.y]


def zipped_after_call(a, t):
    q = Moving(a, t)
    s = 0.0
    for u, v in zip(q.doubled(), Point(q.y, t)):     # Python runs q.doubled() before Point(q.y, t)
        s = s + u * v
    return s


PROGRAMS = [(looped, (0.7, 1.3)), (looped, (0.3, 0.4)), (consumed, (0.7, 1.3)), (zipped_after_call, (0.7, 1.3))]


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
@pytest.mark.parametrize("f, args", PROGRAMS, ids=["break", "else", "consumed", "zip-order"])
def test_iterator_classes_follow_their_counter(f, args, mode):
    check(mode, f, args, (0, 1))


def nested(a, t):
    q = Seq([a, t], t)
    return sum([u * v for u in q for v in q])       # Python: the inner loop exhausts the outer


def nested_through_a_name(a, t):
    q = Seq([a, t], t)
    r = q                       # the same object: one counter
    s = 0.0
    for u in q:
        for v in r:
            s = s + u * v
    return s


def zipped_with_itself(a, t):
    q = Seq([a, t, a], t)
    return sum(u * v for u, v in zip(q, q))


def stepped_and_looped(a, t):
    q = Seq([a, t, a], t)
    it = iter(q)
    s = next(it)
    for c in q:
        s = s + c
    return s


def counter_read(a, t):
    q = Seq([a, t, a], t)
    return sum(q) * q.i


def written_while_iterated(a, t):
    xs = [a, t]
    s = 0.0
    for c in Seq(xs, t):
        xs[1] = c * 2.0
        s += c
    return s


class Box:
    def __init__(self, p):
        self.p = p

    def append(self, v):
        self.p.y = v


def appended_to_unknown(a, t):
    p = Point(a, t)
    log = {"k": Box(p)}["k"]        # not a list: its append changes p.y
    s = 0.0
    for c in p:
        s = s + c * t
        log.append(c)
    return s


def squared(v):
    return v * v


def zipped_with_generator(a, t):
    s = 0.0
    for u, v in zip((squared(c) for c in [a, t]), Point(a, t)):     # squared runs between Point's reads
        s = s + u * v
    return s


REFUSED = [
    (nested, "a loop over a Seq, whose __iter__ returns the object itself \\(one counter for every loop over it\\), "
             "whose body uses the object; take its items into a list first \\(q_items = list\\(q\\)\\)"),
    # r = q is the same object (an alias bound once): the body uses the object
    (nested_through_a_name, "a loop over a Seq, whose __iter__ returns the object itself .*, whose body uses the "
                            "object"),
    (zipped_with_itself, "zip of a Seq with an object that may be the same one, whose __iter__ returns the "
                         "object itself"),
    (stepped_and_looped, "iter\\(\\) or next\\(\\) of a Seq, whose __iter__ returns the object itself .*, "
                         "also iterated"),
    (counter_read, "iterating a Seq, whose __iter__ returns the object itself .*, where the function reads .i;"),
    (written_while_iterated, "a for loop over a Seq, whose __next__ computes each item when asked, while the "
                             "loop body writes into an item"),
    (zipped_with_generator, "zip of an object whose items are read one at a time and a generator expression "
                            "calling a function of the user's"),
    (appended_to_unknown, "a for loop over a Point, whose __iter__ yields items it reads one at a time, while the "
                          "loop body assigns an attribute or calls a function of its own"),
]


@pytest.mark.parametrize("f, match", REFUSED, ids=[f.__name__ for f, _ in REFUSED])
def test_what_would_share_the_counter_is_refused(f, match):
    f(0.7, 1.3)         # Python runs it
    with pytest.raises(astgrad.TransformError, match=match) as caught:
        astgrad.grad(f)(0.7, 1.3)
    assert "test_iterator_classes.py:" in str(caught.value)
    check("grad", zipped_after_call, (0.3, 0.4), (0, 1))       # the next transform works
