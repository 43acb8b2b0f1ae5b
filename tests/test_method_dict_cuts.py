"""A dict of lists held on self, on an object the function builds, cut and copied:
slice writes ``self.m[k][i:j] = vs`` and slice reads, ``self.m[k].pop()`` and
``.pop(i)``, a dict starting as a display of lists (``{"a": [], "b": [x]}``) and copies
of its lists (``{k: list(v) for k, v in self.m.items()}``, ``v[:]``), each against central finite
differences in grad, jvp and second order (tests/breadth_modes.py). Python's aliasing is
the spec: where a write through one name would show through another (a list kept by
the function, a shallow copy sharing the dict's lists, an array two lists hold, an item
bound by a loop over a copy and written by op=), the call is refused, naming the line."""

import numpy as np
import pytest

import astgrad
from breadth_modes import check

X3 = np.array([0.3, -0.7, 0.5])


class Rows:
    def __init__(self, x):
        self.m = {"a": [], "b": [x]}

    def add(self, k, v):
        self.m.setdefault(k, []).append(v)

    def cut(self, k, vs):
        self.m[k][1:3] = vs                 # two items become len(vs)

    def cut_last(self, k, vs):
        self.m[k][-1:] = vs

    def put_back(self, k, v):
        self.m[k][3:1] = (w * v for w in (1.0, 2.0))     # Python inserts at 3, removing none

    def renew(self, k, v):
        self.m[k][:] = [v] + self.m[k][:1]

    def tail(self, k):
        return self.m[k][1:]                # a new list: later changes of self.m[k] do not show

    def last(self, k):
        return self.m[k].pop()

    def first(self, k):
        v = self.m[k].pop(0)
        return v * 2.0

    def drop_at(self, k, i):
        self.m[k].pop(i)

    def drain(self, k, n):
        s = 0.0
        for _ in range(n):
            v = self.m[k].pop()
            s = s + v
        return s

    def refill(self, k, v, n):
        i = 0
        while i < n:                        # a loop and an if on a local name (block_rebinds.py)
            self.m.setdefault(k, []).append(v * i)
            i += 1
        if n > 1:
            self.m[k].append(v)
        for t in range(n):
            self.m[k] += [v * t]            # extends the list: a new one on the local name

    def copies(self):
        return {k: list(v) for k, v in self.m.items()}

    def slices(self):
        return {k: v[:] for k, v in self.m.items()}


def cut(x, a):
    r = Rows(np.cos(x) * a)
    for t in range(4):
        r.add("h", x * (a + t))
    r.cut("h", [np.sin(x) * a])
    r.cut_last("h", (np.cos(x), x * a))
    r.put_back("h", x ** 2)
    r.renew("b", x * a ** 2)
    t = r.tail("h")
    r.add("h", x)                           # not in t
    return np.sum(sum(t) * sum(r.m["h"])) + len(t) + len(r.m["h"]) + np.sum(r.m["b"][0] * r.m["h"][1:3][1]) \
        + len(r.m["b"]) + np.sum(r.m["b"][1])


def popped(x, a):
    r = Rows(x * a)
    for t in range(5):
        r.add("h", np.sin(x * (a + t)))
    u = r.last("h") * r.first("h")
    r.drop_at("h", -2)
    c = r.copies()
    d = r.slices()
    r.add("b", x ** 2)                      # not in c nor d
    r.refill("z", np.cos(x) * a, 2)
    return np.sum(u * sum(c["h"]) + sum(d["b"]) * sum(r.m["b"]) + sum(r.m["z"]) * x) + len(r.m["h"]) \
        + len(c["b"]) + len(r.m["b"]) + len(r.m["z"])


def drained(x, a):
    r = Rows(x * a)
    r.add("b", np.sin(x * a))
    return np.sum(r.drain("b", 2) * x) + len(r.m["b"])


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
@pytest.mark.parametrize("f", [cut, popped], ids=lambda f: f.__name__)
def test_cuts_pops_and_copies_of_a_dict_of_lists_against_finite_differences(f, mode):
    check(mode, f, (X3, 0.8), (0, 1) if mode != "hessian" else (0,))


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
def test_pops_in_a_loop_of_a_method_against_finite_differences(mode):
    # the loop pops from a local name (block_rebinds.py), each pop a new list joined by +
    check(mode, drained, (X3, 0.8), (0, 1) if mode != "hessian" else (0,))


def test_python_errors_of_cuts_and_pops_are_kept():
    def popped_empty(x):
        r = Rows(x)
        r.add("h", x)
        r.last("h")
        return r.last("h")

    def popped_missing(x):
        r = Rows(x)
        return r.last("zz")

    def popped_past_the_end(x):
        r = Rows(x)
        r.drop_at("b", 1)
        return r.m["b"][0]

    def cut_by_a_number(x):
        r = Rows(x)
        r.cut("b", 2.0)
        return r.m["b"][0]
    for f, error in ((popped_empty, IndexError), (popped_missing, KeyError), (popped_past_the_end, IndexError),
                     (cut_by_a_number, TypeError)):
        with pytest.raises(error):
            f(X3)
        with pytest.raises(error):
            astgrad.grad(lambda x: np.sum(f(x)))(X3)
    check("grad", popped, (X3, 0.8), (0, 1))       # the next call works


# -- where another name would see the change: refused ---------------------------------

class Copied(Rows):
    def copied(self):
        return self.m.copy()                # a new dict holding the same lists


class ListsCopied(Rows):
    def copied(self):
        return {k: v.copy() for k, v in self.m.items()}     # a list's copy or an array's: not told apart


class Dicted(Rows):
    def copied(self):
        return dict(self.m)


def list_kept_then_cut(x, a):
    r = Rows(x)
    kept = r.m["b"]
    r.cut("b", [x * a])
    return np.sum(sum(kept))                # Python: kept is the list cut


def list_kept_then_popped(x, a):
    r = Rows(x * a)
    r.add("b", x)
    kept = r.m["b"]
    r.last("b")
    return np.sum(sum(kept)) + len(kept)    # Python: kept lost its last item


def shallow_copy_then_added(x, a):
    r = Copied(x)
    c = r.copied()
    r.add("b", x * a)
    return np.sum(sum(c["b"]))              # Python: c["b"] is r.m["b"], with x * a in it


def dict_of_then_popped(x, a):
    r = Dicted(x * a)
    c = r.copied()
    r.drop_at("b", 0)
    return len(c["b"]) + np.sum(x)          # Python: c["b"] is r.m["b"], now empty


def lists_copied_then_written(x, a):
    r = ListsCopied(x * a)
    r.add("a", x)
    c = r.copied()
    v = c["b"][0]
    v *= a
    return np.sum(r.m["b"][0] * x)          # Python: v is r.m["b"][0], written in place


def copy_in_the_function(x, a):
    r = Rows(x)
    c = r.m.copy()
    r.add("b", x * a)
    return np.sum(sum(c["b"]))


def array_written_through_a_copy(x, a):
    r = Rows(x * a)
    c = r.copies()                          # new lists, the same arrays
    c["b"][0] *= a
    return np.sum(r.m["b"][0] * x)          # Python: r.m["b"][0] is the array written


def array_written_through_a_local_copy(x, a):
    r = Rows(x * a)
    c = {k: list(v) for k, v in r.m.items()}
    c["b"][0] *= a
    return np.sum(r.m["b"][0] * x)          # Python: r.m["b"][0] is the array written


def array_held_by_the_function(x, a):
    y = x * a
    r = Rows(y)
    y *= a                                  # Python: r.m["b"][0] is y
    return np.sum(r.m["b"][0])


def numbers_of_a_copy_scaled(x, a):
    y = [x[0] * a, x[1]]
    for v in y.copy():
        v *= a                              # Python: binds a new number to v; y is as it was
    return y[0] + y[1]


def arrays_of_a_copy_scaled(x, a):
    y = [x * a, np.sin(x)]
    for v in y.copy():
        v *= a                              # Python: writes y's arrays in place
    return np.sum(y[0] * y[1])


CHANGED_IN_PLACE = r"the call of {} changes the object it is called on in place .*store a new value in the attribute"
AUGMENTED = r"augmented assignment \(\+= and the like\)"
SHARED = r"{} while another name may share its memory .*(read the value through the container|write through one name)"


@pytest.mark.parametrize("f, error, message", [
    (list_kept_then_cut, astgrad.TransformError, CHANGED_IN_PLACE.format("Rows.cut")),
    (list_kept_then_popped, astgrad.TransformError, CHANGED_IN_PLACE.format("Rows.add")),
    (shallow_copy_then_added, astgrad.TransformError, CHANGED_IN_PLACE.format("Rows.add")),
    (dict_of_then_popped, astgrad.TransformError, CHANGED_IN_PLACE.format("Rows.drop_at")),
    (copy_in_the_function, astgrad.TransformError, CHANGED_IN_PLACE.format("Rows.add")),
    (lists_copied_then_written, astgrad.TransformError, CHANGED_IN_PLACE.format("Rows.add")),
    # c["b"] is a new list holding r.m["b"]'s array: op= would change it under both (here, stops when it runs)
    (array_written_through_a_copy, astgrad.TransformError,
     SHARED.format(r"assignment into an element of the list, dict or array .*")),
    (array_written_through_a_local_copy, TypeError, r"op= \(\+= and the like\) on an ndarray held by a list "
                                                    r"changes that object in place"),
    (array_held_by_the_function, astgrad.TransformError, SHARED.format(AUGMENTED + " on 'y'")),
    # op= on a loop's item: followed on a number (below), on an array stops when it runs
    (arrays_of_a_copy_scaled, TypeError, AUGMENTED + r" on 'v', an item of the list the loop goes over, which "
                                                     r"another name holds.*write into the list by index.*ndarray"),
], ids=lambda p: getattr(p, "__name__", ""))
def test_a_write_another_name_would_see_is_refused(f, error, message):
    with pytest.raises(error, match=r"test_method_dict_cuts\.py:\d+: " + message):
        astgrad.grad(f, wrt=1)(X3, 0.8)
    check("grad", cut, (X3, 0.8), (1,))        # the state is not corrupted


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
def test_numbers_of_a_copy_scaled_in_a_loop_against_finite_differences(mode):
    check(mode, numbers_of_a_copy_scaled, (X3, 0.8), (0, 1))
