"""Programs of objects of the user's classes that Python follows with a clear meaning and
that only read (tests/test_objects89b.py): items sorted by a ``__lt__``
reading the other item's attributes (``functools.total_ordering`` or not), an object of a
class whose base defines ``__init_subclass__``, ``TABLE.get(key, default)`` on a global
dict with a default that depends on x; and a writing twin of each, refused in words."""

import functools
import sys

import numpy as np


class Ranked:
    def __init__(self, v):
        self.v = v

    def __lt__(self, other):
        return np.sum(self.v) < np.sum(other.v)


@functools.total_ordering
class Ordered:
    def __init__(self, v):
        self.v = v

    def __eq__(self, other):
        return np.sum(self.v) == np.sum(other.v)

    def __lt__(self, other):
        return np.sum(self.v) < np.sum(other.v)


def sorted_by_a_reading_lt(x, w):
    items = [Ranked(x * w), Ranked(x * 2.0), Ranked(np.sin(x))]
    s = sorted(items)
    return np.sum(s[0].v * x) + np.sum(s[-1].v ** 2)


def sorted_total_ordering(x, w):
    items = [Ordered(x * w), Ordered(x * x), Ordered(x * 0.1)]
    s = sorted(items, reverse=True)
    return np.sum(s[0].v) * 2.0 + np.sum(s[1].v * s[2].v)


class Scaled:
    scale = 1.0

    def __init_subclass__(cls, scale=1.0, **kw):
        super().__init_subclass__(**kw)
        cls.scale = scale


class Tripled(Scaled, scale=3.0):
    def __init__(self, v):
        self.v = v

    def val(self, x):
        return np.sum(self.v * x) * self.scale


def built_under_init_subclass(x, w):
    return Tripled(x * w).val(np.sin(x))


TABLE = {"a": 2.0, "b": np.array([0.5, -1.0, 1.5])}


def global_get_default(x, w):
    return np.sum(TABLE.get("missing", x * w) * x) + TABLE.get("a", w) * np.sum(x)


def global_get_present(x, w):
    return np.sum(TABLE.get("b", x) * x[:3] * w)


def scaled_sines(x, w):
    return np.sum(np.sin(x) * w) + np.sum(x * x)


def module_in_a_tuple(x, w):
    return (THIS,)[0].scaled_sines(x, w) * 2.0


def module_in_a_dict(x, w):
    return {"m": THIS, "k": 3}["m"].scaled_sines(x * w, 0.5)


class Plain(dict):
    pass


def dict_subclass_built(x, w):
    d = Plain(a=x * w, b=np.sin(x))
    return np.sum(d["a"] * d["b"]) + np.sum(d.get("c", x) * w)


def dict_subclass_looped(x, w):
    d = Plain(a=x * w, b=x)
    s = 0.0
    for k, v in d.items():
        s = s + np.sum(v * v)
    return s * (1.0 if isinstance(d, Plain) else 2.0) + len(d)


# -- writing twins: refused in words, the caller's arrays as they were ---------------------

class Bumping:
    def __init__(self, v):
        self.v = v

    def __lt__(self, other):
        other.v[0] = other.v[0] * 2.0          # writes into the other item's array
        return np.sum(self.v) < np.sum(other.v)


def sorted_by_a_writing_lt(x, w):
    items = [Bumping(x * w), Bumping(x * 2.0), Bumping(x * 0.1)]
    s = sorted(items)
    return np.sum(s[0].v)


class Viewed:
    def __init__(self, v):
        self.v = v

    @property
    def total(self):
        self.v[0] = self.v[0] + 1.0            # a property that writes
        return np.sum(self.v)

    def __lt__(self, other):
        return np.sum(self.v) < other.total


def sorted_by_a_writing_property(x, w):
    items = [Viewed(x * w), Viewed(x * 2.0)]
    return np.sum(sorted(items)[0].v)


class ViewedBy:
    def __init__(self, v):
        self.w = v

    @property
    def v(self):
        self.w[0] = self.w[0] + 1.0            # a property that writes
        return self.w

    def __lt__(self, other):
        return np.sum(self.w) < np.sum(other.w)


def sorted_pairs_reaching_a_writing_property(x, w):
    # tuples compare item by item with the other tuple's: Ranked.__lt__ reads other.v of a ViewedBy
    items = [(Ranked(x * w), 1), (ViewedBy(x * 2.0), 2)]
    return np.sum(sorted(items)[0][0].w)


class Shifting(Scaled, scale=2.0):
    def __init__(self, v):
        self.v = v

    def val(self, x):
        x[0] = x[0] * self.scale               # writes into its argument
        return np.sum(self.v * x)


def init_subclass_writing(x, w):
    return Shifting(x * w).val(x)


ARRAYS = {"b": np.array([0.5, -1.0, 1.5, 2.0])}


def global_get_written(x, w):
    b = ARRAYS.get("b", x)
    b[0] = b[0] + w                            # writes into the global dict's array
    return np.sum(b * x)


class Scaling(dict):
    def __getitem__(self, key):
        value = dict.__getitem__(self, key)
        value[0] = value[0] * 2.0              # a read that writes
        return value


def dict_subclass_writing(x, w):
    d = Scaling(a=x * w)
    return np.sum(d["a"])


def dict_subclass_item_written(x, w):
    d = Plain(a=x)
    d["a"][0] = w                              # writes into the caller's array
    return np.sum(d["a"] * x)


LOG = []


def logs_what_it_computes(x, w):
    v = np.sum(x * w)
    LOG.append(v)                              # a value depending on x, kept in a global
    return v


def module_in_a_tuple_writing(x, w):
    return (THIS,)[0].logs_what_it_computes(x, w)


THIS = sys.modules[__name__]
