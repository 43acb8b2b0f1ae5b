"""Copies of a dict of lists held on self, loops in methods changing its lists, on an
object the function builds, and op= on the float items a loop over a list gives: ``m = self.m.copy()`` or ``m = dict(self.m)`` whose keys are
rebound or which is only read, and pops, item writes and slice writes in a ``for`` or
``while`` loop of a method (on a dict of lists, a list and a dict), and ``for r in y.copy(): r *= a`` on floats (which binds
``r`` alone), each against central finite differences in grad, jvp and second order
(tests/breadth_modes.py). Python's aliasing is the spec: a copy shares the
dict's lists, so a change of one of them through the copy (or of the dict's lists while
the copy is read) is refused, naming the line, and so is op= on an array item of a loop,
which changes the list's item in place (when it runs: the kind of the item is known
then); the next call works."""

import inspect

import numpy as np
import pytest

import astgrad
from breadth_modes import check

X3 = np.array([0.3, -0.7, 0.5])


class Log:
    def __init__(self):
        self.m = {"a": [], "b": []}

    def add(self, k, v):
        self.m.setdefault(k, []).append(v)


class Snapshots(Log):
    def rebound(self, v):
        m = self.m.copy()
        m["a"] = [v * 2.0]                  # the copy's key only: self.m["a"] keeps its list
        return sum(m["a"]) + sum(m["b"])

    def of_dict(self, v):
        m = dict(self.m)
        m["b"] = [v, v * 3.0]
        del m["a"]
        return sum(m["b"]) * len(m) + len(self.m["a"])

    def read(self):
        m = self.m.copy()
        s = 0.0
        for k in m:
            s = s + sum(m[k]) * len(k)
        return s + m["b"][0] * ("a" in m)


def copied(x, a):
    s = Snapshots()
    s.add("b", np.sin(x * a))
    s.add("a", x * x)
    t = s.rebound(x * a) + s.read()
    s.add("b", x)                           # in self.m["b"] only
    return np.sum(t * s.of_dict(a) + sum(s.m["a"]) * sum(s.m["b"]))


class Queue(Log):
    def drain(self, k):
        s = 0.0
        while len(self.m[k]) > 1:
            v = self.m[k].pop()
            s = s + v ** 2
        return s

    def scale(self, k, w):
        for t in range(len(self.m[k])):
            self.m[k][t] = self.m[k][t] * w

    def cut(self, k, vs):
        for t in range(2):
            self.m[k][t:t + 1] = [vs[t] * 2.0, vs[t]]


def looped(x, a):
    q = Queue()
    q.add("a", x * a)
    q.add("a", np.sin(x))
    q.add("a", x * x)
    q.scale("a", np.cos(x) * a)
    q.cut("a", [a * x, np.sin(x * a)])
    s = q.drain("a")
    return np.sum(s * sum(q.m["a"]) + q.m["a"][0] * a)


class Values(Log):
    def fill(self, v):
        for i in range(len(self.m["b"])):
            self.m["b"][i] = v * (i + 1.0) + self.m["b"][i]
        return sum(self.m["b"])


def filled(x, a):
    o = Values()
    for t in range(3):
        o.add("b", x * (a + t))
    return np.sum(o.fill(a * x) * o.m["b"][1] + np.sin(o.m["b"][2]))


def items_rebound(x, a):
    y = [x[0] * a, np.sin(x[1]), x[2] ** 2]
    s = 0.0
    for r in y.copy():
        r *= a                              # a float: binds r alone, y keeps its items
        s = s + r
    for r in y:
        r += x[0]
        r *= a
        s = s * r
    for r in list(y):
        r -= a
    return s + y[0] * y[2] + r


class Stack:
    def __init__(self):
        self.xs = []
        self.d = {}

    def push_all(self, v, n):
        for t in range(n):
            self.xs.append(v * (t + 1.0))

    def drain(self):
        s = 0.0
        while len(self.xs) > 1:
            v = self.xs.pop()
            s = s + v ** 2
        return s

    def put(self, v):
        for t in range(3):
            self.d[t] = v * t

    def take(self, w):
        s = 0.0
        for t in range(2):
            v = self.d.pop(t)
            self.d[t + 10] = v * w
            if t == 1:
                del self.d[10]
            s = s + v
        return s


def stacked(x, a):
    o = Stack()
    o.push_all(np.sin(x * a), 3)
    s = o.drain()
    o.put(x * a)
    return np.sum(s * sum(o.xs) + o.take(a) * o.d[2] * o.d[11]) + len(o.d)


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
@pytest.mark.parametrize("f", [copied, looped, filled, items_rebound, stacked], ids=lambda f: f.__name__)
def test_copies_and_loops_of_a_dict_of_lists_on_self_against_finite_differences(f, mode):
    check(mode, f, (X3, 0.8), (0, 1) if mode != "hessian" else (1,))     # a flows through every change


# -- where Python's sharing of the lists would show: refused ----------------------------

class Shared(Log):
    def grow(self, v):
        m = dict(self.m)
        m["a"].append(v)                    # Python: self.m["a"] grows too
        return sum(m["a"])


class Stale(Log):
    def grow(self, v):
        m = self.m.copy()
        self.m["b"].append(v)               # Python: m["b"] is that list, and shows v
        return sum(m["b"])


def shared(x):
    s = Shared()
    s.add("a", x)
    return np.sum(s.grow(x * x) + sum(s.m["a"]))


def stale(x):
    s = Stale()
    s.add("b", x)
    return np.sum(s.grow(x * x))


def _line(cls, text):
    lines, first = inspect.getsourcelines(cls)
    return first + next(k for k, line in enumerate(lines) if text in line)


@pytest.mark.parametrize("f, says", [
    (shared, lambda: r"test_self_container_copies\.py:\d+: astgrad cannot differentiate the call of Shared\.add, "
                     r"where Shared\.grow copies self\.m "
                     rf"at \S*test_self_container_copies\.py:{_line(Shared, 'dict(self.m)')} \(m = dict\(self\.m\)\), "
                     r"a shallow copy holding the very lists self\.m holds, then changes one of them in place .*"
                     r"copy the lists too \(m = \{k: list\(vs\) for k, vs in self\.m\.items\(\)\}"),
    (stale, lambda: r"test_self_container_copies\.py:\d+: the call of \w+\.add changes the object it is called on in "
                    r"place .*store a new value in the attribute")], ids=["shared", "stale"])
def test_a_copy_sharing_a_list_changed_in_place_is_refused(f, says):
    with pytest.raises(astgrad.TransformError, match=says()):
        astgrad.grad(f)(X3)
    check("grad", copied, (X3, 0.8), (0,))      # the next call works


class Cuts(Log):
    def cut(self, k, vs):
        for t in range(2):
            self.m[k][t:t + 1] = vs             # list(vs) of a value handed in, each time


def cut_by_a_tuple(x):
    c = Cuts()
    c.add("a", x)
    c.add("a", x * x)
    c.cut("a", (np.cos(x), x))
    return np.sum(sum(c.m["a"]) * c.m["a"][0])


def test_a_slice_write_of_a_value_handed_in_in_a_loop_to_second_order():
    for mode in ("grad", "jvp", "hessian"):
        check(mode, cut_by_a_tuple, (X3,), (0,))


def arrays_rebound(x, a):
    y = [x * a, np.sin(x)]
    for r in y.copy():
        r *= a                              # Python: writes y's arrays in place
    return np.sum(y[0] * y[1])


def test_op_on_an_array_item_of_a_loop_stops_when_it_runs():
    with pytest.raises(TypeError, match=r"test_self_container_copies\.py:\d+: augmented assignment \(\+= and the "
                                        r"like\) on 'r', an item of the list the loop goes over.*write into the "
                                        r"list by index.*\(it holds a ndarray here\)"):
        astgrad.grad(arrays_rebound, wrt=1)(X3, 0.8)
    check("grad", items_rebound, (X3, 0.8), (0, 1))     # the next call works


def slice_grown(x):
    xs = [x, 2.0 * x, 3.0 * x]
    xs[0:1] = np.array([x, x * x])          # two items for one: the later items move on
    return xs[0] + xs[1] * 10.0 + xs[2] * 100.0 + xs[3] * 1000.0


def slice_grown_shared(x):
    xs = [x, 2.0 * x, 3.0 * x]
    ys = xs                                 # Python: ys sees the new items too
    xs[0:1] = np.array([x, x * x])
    return ys[0] + ys[1] * 10.0 + ys[2] * 100.0 + ys[3] * 1000.0


def test_a_slice_write_changing_a_local_list_length_is_followed():
    for mode in ("grad", "jvp", "hessian"):
        check(mode, slice_grown, (0.7,), (0,))
    assert np.isclose(astgrad.grad(slice_grown)(0.7), 1.0 + 20.0 * 0.7 + 200.0 + 3000.0)


def test_a_slice_write_changing_the_length_of_a_shared_list_stops_rather_than_answer_wrongly():
    with pytest.raises(TypeError, match=r"test_self_container_copies\.py:\d+: astgrad: a slice write into a list "
                                        r"that changes its length .*another name.*xs = xs\[:i\] \+ list\(v\) \+ xs\[j:\]"):
        astgrad.grad(slice_grown_shared)(0.7)
    assert np.isclose(astgrad.jvp(slice_grown_shared, (0.7,), (1.0,))[1], 1.0 + 20.0 * 0.7 + 200.0 + 3000.0)
