"""Programs for tests/test_trust89a.py: ``len(v)`` and truth tests of ``v``, an object whose
class astgrad does not know when it makes the code, reached through ``*args``, a function
value, an attribute or an item. Each line running the object's hook says so (``# the hook``).
Each program takes ``(x, w, v)``: ``x`` the array differentiated, ``w`` a number, ``v`` the
object, whose ``d`` (an array) its hooks read, or write into."""

import numpy as np


class Writing:
    """``__bool__`` and ``__len__`` triple the first item of the array the object was handed."""

    def __init__(self, d):
        self.d = d

    def __bool__(self):
        self.d[0] *= 3.0
        return True

    def __len__(self):
        self.d[0] *= 3.0
        return 2


class Quiet:
    """The same hooks, reading only."""

    def __init__(self, d):
        self.d = d

    def __bool__(self):
        return bool(self.d[0] > -100.0)

    def __len__(self):
        return len(self.d)


class Box:
    def __init__(self, v):
        self.v = v


def length_scale(x, w, v):
    n = float(len(v))                       # the hook
    return np.sum(v.d * x) * w * n


def length_compared(x, w, v):
    if len(v) > 1:                          # the hook
        return np.sum(v.d * x * x) * w
    return np.sum(x) * w


def length_in_loop(x, w, v):
    t = 0.0
    for k in range(3):
        t = t + np.sum(v.d * x) * len(v) * k        # the hook
    return t * w


def length_bounds_loop(x, w, v):
    t = 0.0
    k = 0
    while k < len(v):                       # the hook
        t = t + x[k] * x[k] * w
        k = k + 1
    return t


def length_of_attribute(x, w, v):
    box = Box(v)
    return np.sum(box.v.d * x) * w * len(box.v)     # the hook


def truth_in_loop(x, w, v):
    t = 0.0
    for k in range(3):
        if v:                               # the hook
            t = t + np.sum(v.d * x * x) * k
    return t * w


def truth_and_length(x, w, v):
    n = len(v) if v else 0                  # the hook
    return np.sum(v.d * x) * w * n


def truth_of_item(x, w, v):
    vs = [v, w]
    n = 2.0 if vs[0] else 1.0               # the hook
    return np.sum(v.d * np.sin(x)) * w * n


def bool_times(x, w, v):
    return np.sum(v.d * x * x) * w * bool(v)        # the hook


def not_or(x, w, v):
    u = (not v) or v                        # the hook
    return np.sum(u.d * x) * w


PROGRAMS = (length_scale, length_compared, length_in_loop, length_bounds_loop, length_of_attribute, truth_in_loop,
            truth_and_length, truth_of_item, bool_times, not_or)


# the routes that hide the object's class when the code is made
def star_args(f, args):
    return lambda x: f(x, *args)


def call(fn, x, w, v):
    return fn(x, w, v)


def function_value(f, args):
    w, v = args
    return lambda x: call(f, x, w, v)


def through_attribute(fn, x, w, box):
    return fn(x, w, box.v)


def attribute(f, args):
    w, v = args
    held = Box(v)
    return lambda x: through_attribute(f, x, w, held)


def through_item(fn, x, w, vs):
    return fn(x, w, vs[0])


def item(f, args):
    w, v = args
    held = [v]
    return lambda x: through_item(f, x, w, held)


ROUTES = (star_args, function_value, attribute, item)
