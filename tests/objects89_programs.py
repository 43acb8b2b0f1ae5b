"""The programs of tests/test_objects89.py: hooks of the user's classes astgrad refused
though they write nothing (``__hash__ = object.__hash__``, the comparisons
``functools.total_ordering`` writes), each beside a writing twin, and programs whose
refusal, raised when the code runs, came after something had changed (a hook appending
to a global, ``LOG.append(1)`` before a write into an array a class holds, a function
of another module reached through a module held in a container). Each followed program
is ``f(w)`` of a float array ``w``."""

import functools

import numpy as np

LOG = []
COMPARED = []


def reset():
    LOG.clear()
    COMPARED.clear()
    Held.arr = np.zeros(3)


# -- __hash__ = object.__hash__ ---------------------------------------------------------------

class Keyed:
    """``__eq__`` of its own, so Python would make it unhashable: object's hash put back."""
    __hash__ = object.__hash__

    def __init__(self, d):
        self.d = d

    def __eq__(self, other):
        return self is other


class KeyedWriting:
    """The same, with a ``__hash__`` of its own that writes into the array it was handed."""

    def __init__(self, d):
        self.d = d

    def __eq__(self, other):
        return self is other

    def __hash__(self):
        self.d[0] *= 3.0
        return 1


def keyed_in_a_dict(w):
    v = Keyed(w * 1.0)
    table = {v: 2.0}
    return np.sum(v.d * w) * table[v]


def keyed_in_a_set(w):
    v = Keyed(np.sin(w))
    seen = {v}
    n = 2.0 if v in seen else 1.0
    return np.sum(v.d * w) * n


def keyed_twice(w):
    v, u = Keyed(w * 2.0), Keyed(np.cos(w))
    table = {v: w[0], u: w[1]}
    return np.sum(v.d * u.d) * table[u] + table[v]


def _keyed_writing_in_a_dict(w):
    v = KeyedWriting(w * 1.0)
    table = {v: 2.0}
    return np.sum(v.d * w) * table[v]


# -- functools.total_ordering -----------------------------------------------------------------

@functools.total_ordering
class Ranked:
    def __init__(self, d):
        self.d = d

    def __lt__(self, other):
        return self.d[0] < other.d[0]

    def __eq__(self, other):
        return self is other

    __hash__ = object.__hash__


@functools.total_ordering
class RankedDown:
    """Ordered from ``__gt__``: ``<`` and ``<=`` are written from it."""

    def __init__(self, d):
        self.d = d

    def __gt__(self, other):
        return self.d[-1] > other.d[-1]


@functools.total_ordering
class RankedWriting:
    def __init__(self, d):
        self.d = d

    def __lt__(self, other):
        self.d[0] *= 3.0
        return self.d[0] < other.d[0]


@functools.total_ordering
class RankedMaybe:
    def __init__(self, d):
        self.d = d

    def __lt__(self, other):
        if not isinstance(other, RankedMaybe):
            return NotImplemented
        return self.d[0] < other.d[0]


def ranked_greater(w):
    v, u = Ranked(w * 1.0), Ranked(w * 2.0)
    n = 2.0 if v > u else 1.0
    return np.sum(v.d * u.d) * n


def ranked_at_most_and_at_least(w):
    v, u = Ranked(np.sin(w)), Ranked(w * 3.0)
    a = w[0] if v <= u else w[1]
    b = w[2] if u >= v else w[0] ** 2
    return np.sum(v.d * w) * a + b


def ranked_down_less(w):
    v, u = RankedDown(w * 1.0), RankedDown(np.exp(w))
    n = 3.0 if v < u else 1.0
    m = w[1] if v <= u else w[2]
    return np.sum(u.d * w) * n * m


def _ranked_writing_greater(w):
    v, u = RankedWriting(w * 1.0), RankedWriting(w * 2.0)
    n = 2.0 if v > u else 1.0
    return np.sum(v.d * u.d) * n


def _ranked_maybe_greater(w):
    v, u = RankedMaybe(w * 1.0), RankedMaybe(w * 2.0)
    n = 2.0 if v > u else 1.0
    return np.sum(v.d * u.d) * n


# -- refusals that changed something first ----------------------------------------------------

class Counted:
    """``__lt__`` notes each comparison in a global list."""

    def __init__(self, d):
        self.d = d

    def __lt__(self, other):
        COMPARED.append(1)
        return False


def sorted_counted(w):
    vs = [Counted(w * 1.0), Counted(w * 2.0)]
    n = len(sorted(vs))                 # the hook
    return np.sum(vs[0].d * w) * n


def sorted_counted_argument(w, vs):
    n = len(sorted(vs))                 # the hook
    return np.sum(vs[0].d * w) * n


class Held:
    """An array the class holds: a write into an item of it changes every instance's."""
    arr = np.zeros(3)


class Own:
    def __init__(self, w):
        self.arr = w[:3] * 0.5


def logged_then_class_write(w):
    LOG.append(1)
    s = Held()
    s.arr[1] += w[0]                    # the write
    return np.sum(w * s.arr[1])


def logged_then_own_write(w):
    LOG.append(1)
    s = Own(w)
    s.arr[1] += w[0]
    return np.sum(np.sin(s.arr) * w[:3]) + w[1] * np.sum(w)


class Bag:
    """A container whose ``__contains__`` writes into the array it was handed."""

    def __init__(self, d):
        self.d = d

    def __contains__(self, item):
        self.d[0] *= 3.0
        return True


def in_a_bag(x, w, bag):
    n = 2.0 if 1.0 in bag else 1.0      # the hook
    return np.sum(bag.d * x) * w * n


class Box:
    def __init__(self, d):
        self.d = d


def bumps_what_it_is_given(x, w, box):
    box.d[0] += 1.0                     # the write, into the caller's object
    return np.sum(x * box.d) * w
