"""Programs for tests/test_trust89c.py: comparisons astgrad does not see being made, of
objects whose comparison methods write into the array they hold (``Writing``: Python runs
the hook once, and astgrad's derivative would not see the write) or only read it
(``Reading``). The comparisons run inside a lambda a library function calls
(``functools.reduce``, ``itertools.accumulate``, ``max``/``min``/``sorted`` with a key
giving the object itself, ``filter``, ``map``) or between tuples and lists holding the
objects (``(a,) < (b,)``, ``[a] == [b]``, ``(1, a) < (1, b)``, ``max((a,), (b,))``, sorted
pairs whose first items tie). Each program is made for one class by ``made_for``:
``f(x, w)`` of a float array ``x`` and a float ``w``."""

import functools
import heapq
import itertools
import types

import numpy as np


class Writing:
    """Each comparison doubles an item of the array it holds."""

    def __init__(self, d, k):
        self.d = d
        self.k = k

    def __lt__(self, o):
        self.d[0] = self.d[0] * 2.0
        return self.k < o.k

    def __gt__(self, o):
        self.d[0] = self.d[0] * 2.0
        return self.k > o.k

    def __eq__(self, o):
        self.d[1] = self.d[1] * 3.0
        return self.k == getattr(o, "k", None)

    __hash__ = None


class Reading:
    """The same comparisons, reading only."""

    def __init__(self, d, k):
        self.d = d
        self.k = k

    def __lt__(self, o):
        return self.k < o.k

    def __gt__(self, o):
        return self.k > o.k

    def __eq__(self, o):
        return self.k == getattr(o, "k", None)

    __hash__ = None


def _nodes(x, w):
    buf = x * w
    return buf, [K(buf, 2), K(buf, 1), K(buf, 3)]


def reduce_max(x, w):
    buf, ns = _nodes(x, w)
    m = functools.reduce(lambda a, b: a if a > b else b, ns)
    return np.sum(buf * x) + m.k


def reduce_min_initial(x, w):
    buf, ns = _nodes(x, w)
    m = functools.reduce(lambda a, b: b if b < a else a, ns[1:], ns[0])
    return np.sum(buf * x) + m.k


def accumulate_max(x, w):
    buf, ns = _nodes(x, w)
    ms = list(itertools.accumulate(ns, lambda a, b: a if a > b else b))
    return np.sum(buf * x) + ms[-1].k


def max_key_itself(x, w):
    buf, ns = _nodes(x, w)
    m = max(ns, key=lambda n: n)
    return np.sum(buf * x) + m.k


def min_key_itself(x, w):
    buf, ns = _nodes(x, w)
    m = min(ns, key=lambda n: n)
    return np.sum(buf * x) + m.k


def sorted_key_itself(x, w):
    buf, ns = _nodes(x, w)
    s = sorted(ns, key=lambda n: n)
    return np.sum(buf * x) + s[0].k


def filter_greater(x, w):
    buf, ns = _nodes(x, w)
    t = ns[0]
    kept = list(filter(lambda n: n > t, ns))
    return np.sum(buf * x) + len(kept)


def map_compared(x, w):
    buf, ns = _nodes(x, w)
    t = ns[0]
    flags = list(map(lambda n: n < t, ns))
    return np.sum(buf * x) + sum(flags)


def heapq_pairs_tied(x, w):
    buf, ns = _nodes(x, w)
    h = []
    for n in ns:
        heapq.heappush(h, (1, n))
    return np.sum(buf * x) + h[0][1].k


def tuple_lt(x, w):
    buf, ns = _nodes(x, w)
    if (ns[1],) < (ns[0],):
        return np.sum(buf * x)
    return np.sum(x * x)


def list_eq(x, w):
    buf, ns = _nodes(x, w)
    if [ns[0]] == [ns[1]]:
        return np.sum(x * x)
    return np.sum(buf * x)


def tuple_tie_lt(x, w):
    buf, ns = _nodes(x, w)
    a, b = ns[0], ns[1]
    if (1, a) < (1, b):
        return np.sum(x * x)
    return np.sum(buf * x)


def max_of_tuples(x, w):
    buf, ns = _nodes(x, w)
    m = max((ns[0],), (ns[1],))
    return np.sum(buf * x) + m[0].k


def sorted_pairs_tied(x, w):
    buf, ns = _nodes(x, w)
    s = sorted([(1, n) for n in ns])
    return np.sum(buf * x) + s[0][1].k


PROGRAMS = [reduce_max, reduce_min_initial, accumulate_max, max_key_itself, min_key_itself, sorted_key_itself,
            filter_greater, map_compared, heapq_pairs_tied, tuple_lt, list_eq, tuple_tie_lt, max_of_tuples,
            sorted_pairs_tied]


K = Writing     # (the class the programs build: each is made again over globals naming the other)


def made_for(program, K):
    """``program`` building objects of class ``K``: its code and its helper's, over a copy
    of this module's globals where ``K`` is that class."""
    names = dict(globals(), K=K)
    names["_nodes"] = types.FunctionType(_nodes.__code__, names, "_nodes")
    f = types.FunctionType(program.__code__, names, program.__name__)
    f.__qualname__ = f"{program.__name__}_{K.__name__.lower()}"
    return f
