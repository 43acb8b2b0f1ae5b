"""Slice writes that change a list's length: ``xs[0:1] = [a, b]`` (two items for one, the
later items move on), ``xs[1:1] = [v]`` (an insertion), ``xs[0:2] = [v]``, ``del
xs[1:3]``, a value that is an array (Python iterates its rows into items), in a loop,
and on a list an attribute holds, in a method (``self.xs[i:j] = [...]``); an extended
slice ``xs[::2] = [a, b]`` keeps the length, or raises Python's ValueError. Each in grad,
jvp and second order against central finite differences (tests/breadth_modes.py). A
list another name holds too (an alias, an argument) is written in place, and a write
changing its length stops a reverse-mode derivative with a clear error; the next call
works."""

import numpy as np
import pytest

import astgrad
from breadth_modes import check

X3 = np.array([0.3, -0.7, 0.5])


def grown(x):
    xs = [x, x * 2.0, x * 3.0]
    xs[0:1] = [np.sin(x), x * x]            # two items for one: xs[2] is the old xs[1]
    return np.sum(xs[0] * xs[1] + xs[2] * xs[3])


def shrunk(x):
    xs = [x, np.cos(x), x * 3.0, x * x]
    xs[0:3] = [np.sin(x) * x]
    return np.sum(xs[0] * xs[1]) + len(xs)


def inserted(x):
    xs = [x, x * 2.0]
    xs[1:1] = [np.sin(x)]
    xs[5:2] = [x * x]                        # past the end, upper below lower: appended
    return np.sum(xs[0] * xs[1] + xs[2] * xs[3])


def negative_bounds(x):
    xs = [x, np.cos(x), x * 3.0]
    xs[-1:] = [x * x, np.sin(x), x]
    xs[:-3] = []
    return np.sum(xs[0] * xs[1] * xs[2])


def deleted(x):
    xs = [x, np.cos(x), x * 3.0, x * x]
    del xs[1:3]
    return np.sum(xs[0] * xs[1])


def from_an_array(x):
    xs = [x, x * 2.0, x * 3.0]
    xs[0:1] = np.array([np.sin(x), x * x])  # its two rows, as two items
    return np.sum(xs[0] * xs[1] * xs[3])


def in_a_loop(x):
    xs = [x, np.cos(x)]
    for t in range(3):
        xs[t:t + 1] = [xs[t] * x, np.sin(xs[t])]
    return np.sum(sum(xs) * xs[-1])


def extended(x):
    xs = [x, x * 2.0, x * 3.0, x]
    xs[::2] = [np.sin(x), x * x]
    return np.sum(xs[0] * xs[1] + xs[2] * xs[3])


class Buffer:
    def __init__(self, x):
        self.xs = [x, x * 2.0, x * 3.0]

    def grow(self, a):
        self.xs[0:1] = [np.sin(a), a * a]

    def total(self):
        return np.sum(self.xs[0] * self.xs[1] + self.xs[3])


def on_an_attribute(x):
    b = Buffer(x)
    b.grow(x)
    return b.total()


class Spreader(Buffer):
    def spread(self, a, n):
        for t in range(n):
            self.xs[t:t + 1] = [self.xs[t] * a, np.cos(a)]


def on_an_attribute_in_a_loop(x):
    b = Spreader(x)
    b.spread(x, 2)
    return np.sum(sum(b.xs) * b.xs[1])


PROGRAMS = [grown, shrunk, inserted, negative_bounds, deleted, from_an_array, in_a_loop, extended,
            on_an_attribute, on_an_attribute_in_a_loop]


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
@pytest.mark.parametrize("f", PROGRAMS, ids=lambda f: f.__name__)
def test_a_slice_write_changing_a_list_length(f, mode):
    check(mode, f, (X3,), (0,))


def too_few(x):
    xs = [x, x * 2.0, x * 3.0, x]
    xs[::2] = [np.sin(x)]                   # Python: an extended slice keeps its length
    return np.sum(xs[0])


def test_an_extended_slice_of_another_length_raises_as_python():
    message = r"attempt to assign sequence of size 1 to extended slice of size 2"
    with pytest.raises(ValueError, match=message):
        too_few(X3)
    for transform in (astgrad.grad(too_few), lambda x: astgrad.jvp(too_few, (x,), (x,))):
        with pytest.raises(ValueError, match=message):
            transform(X3)


def aliased(x):
    xs = [x, x * 2.0, x * 3.0]
    ys = xs                                 # Python: ys sees the new items too
    xs[0:1] = [np.sin(x), x * x]
    return np.sum(ys[0] * ys[1] + ys[3])


def test_a_list_another_name_holds_stops_with_a_clear_error():
    with pytest.raises(TypeError, match=r"test_list_slice_lengths\.py:\d+: astgrad: a slice write into a list that changes "
                                        r"its length .*another name.*Build the new list instead "
                                        r"\(xs = xs\[:i\] \+ list\(v\) \+ xs\[j:\]\)"):
        astgrad.grad(aliased)(X3)
    check("jvp", aliased, (X3,), (0,))      # forward mode follows it
    check("grad", grown, (X3,), (0,))       # the next call works
