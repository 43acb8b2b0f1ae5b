"""Objects and values in lists the function builds: ``max(xs)`` after a write into
``xs`` (one of its items, not the list, so the write changes no value it holds), the
cases on items of a list of objects that are followed, and what stays refused. Followed
programs are checked against central finite differences in value_and_grad, grad, jvp and
hessian (tests/breadth_modes.py); refusals by their message, and the next transform working."""

import re

import numpy as np
import pytest

import astgrad
from breadth_modes import check
from test_leftovers_round49 import X3, _line
from test_leftovers_round51 import Box, item_at_an_index_known_when_it_runs, loop_that_may_stop_early, named_in_a_branch
from test_method_chains import Vec


# -- max or min of a list after a write into it: an item, not the list --------------------------------

def replaced_then_max(x, w):
    xs = [w, np.sum(x) * 0.1, 3.0 * w]       # holds the argument w itself
    xs[0] = w * np.sum(x ** 2)
    m = max(xs)
    return m * w + xs[1]


def replaced_then_min_with_default(x, w):
    xs = [np.sum(x) * w, w * w]
    xs[1] = np.cos(w)
    m = min(xs, default=0.0)
    return m * np.sum(x)


# -- an item of a list of built objects at an index known only when the code runs, or named in a branch ------

def each_item_by_a_loop_index(x, w):
    boxes = [Box(x), Box(x * w)]
    for i in range(3):
        boxes[i % 2].scale(w)
        boxes[1 - i % 2].record(np.sum(x) * w)
    return np.sum(boxes[0].v * boxes[1].v) + boxes[1].log[0] * boxes[0].log[-1]


def bound_to_a_name_at_an_index(x, w):
    boxes = (Box(x), Box(w))
    j = 1 if w > 0.0 else 0
    b = boxes[j]
    b.total += np.sum(x * w)
    b.total -= np.cos(w)
    return b.total * np.sum(b.v) + np.sum(boxes[0].v)


def named_in_a_loop_and_a_branch(x, w):
    boxes = {"a": Box(x), "b": Box(x * w)}
    for key in ("a", "b", "a"):
        if np.sum(x) < 10.0:
            b = boxes[key]
            b.scale(w)
    return np.sum(boxes["a"].v * boxes["b"].v)


def chained_item_named_in_a_branch(x, w):
    objs = [Vec(x), Vec(w)]
    if np.sum(w) > -10.0:
        first = objs[0]
        first.scale(w)
    return objs[0].norm()


FOLLOWED = [chained_item_named_in_a_branch, replaced_then_max, replaced_then_min_with_default, each_item_by_a_loop_index, bound_to_a_name_at_an_index,
            named_in_a_loop_and_a_branch]


@pytest.mark.parametrize("mode", ["value_and_grad", "grad", "jvp", "hessian"])
@pytest.mark.parametrize("f", FOLLOWED, ids=[f.__name__ for f in FOLLOWED])
def test_followed(f, mode):
    check(mode, f, (X3, 0.7), (0, 1))


# -- a loop over a list of built objects that may stop early ----------------------------------------------

def stops_early(x, w):
    boxes = [Box(x), Box(x * w), Box(w)]
    s = 0.0
    for b in boxes:
        b.scale(w)
        for k in range(2):
            if k > 0:
                break           # the inner loop's own
        if np.sum(b.v) > 0.5:
            break
        s = s + np.sum(b.v)
    else:
        s = s * w
    return np.sum(boxes[0].v * boxes[1].v) + np.sum(boxes[2].v) + s


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
@pytest.mark.parametrize("args", [(X3, 0.7), (X3 * 0.5, 1.2), (X3, 0.2)], ids=["first", "second", "else"])
def test_a_loop_that_may_stop_early(args, mode):
    check(mode, stops_early, args, (0, 1))


@pytest.mark.parametrize("mode", ["value_and_grad", "grad", "jvp", "hessian"])
@pytest.mark.parametrize("f", [named_in_a_branch, item_at_an_index_known_when_it_runs, loop_that_may_stop_early],
                         ids=lambda f: f.__name__)
def test_followed_once_refused(f, mode):
    check(mode, f, (1.5,), (0,))


def chosen_by_an_argument(w, j):
    boxes = [Box(w), Box(2.0)]
    boxes[j].scale(w)
    return boxes[0].v + boxes[1].v


def bound_by_an_argument(w, j):
    boxes = [Box(w), Box(2.0)]
    b = boxes[j]
    b.scale(w)
    return boxes[0].v + boxes[1].v


@pytest.mark.parametrize("f", [chosen_by_an_argument, bound_by_an_argument], ids=lambda f: f.__name__)
def test_an_index_given_as_an_argument_and_its_errors(f):
    for j, expected in [(0, 2 * 1.5), (1, 1.0 + 2.0), (-1, 1.0 + 2.0), (-2, 2 * 1.5)]:
        assert np.isclose(astgrad.grad(f)(1.5, j), expected)
    for j, error in [(2, IndexError), (1.0, TypeError)]:    # Python's own errors
        with pytest.raises(error) as caught:
            f(1.5, j)
        with pytest.raises(error, match=re.escape(str(caught.value))):
            astgrad.grad(f)(1.5, j)
    if f is chosen_by_an_argument:
        with pytest.raises(AttributeError, match="'list' object has no attribute 'scale'"):
            astgrad.grad(f)(1.5, slice(0, 1))
    else:       # a list bound to b, which astgrad does not follow: its own error, naming the line
        with pytest.raises(TypeError, match=f"^astgrad: {re.escape(_line(f, 'b = boxes[j]'))}: the index of boxes "
                                            f"is a slice here"):
            astgrad.grad(f)(1.5, slice(0, 1))


# -- one built object changed by its methods and by the function's own writes --------------------------------

class Acc(Box):
    def add(self, v):
        self.total += v         # not a number literal: the attribute's value, held by it alone


class Moments(Box):
    def __init__(self, v):
        super().__init__(v)
        self.m = np.zeros(3)

    def add(self, u):
        self.m += u             # in place, on an array only the attribute holds


def changed_every_way(x, w):
    b = Acc(w)              # holds the argument w, as b.v
    b.log.append(x * w)
    b.record(np.sin(x))     # appends to self.log too
    b.total += np.sum(x * w)
    b.scale(w)
    b.add(np.sum(b.log[0] * b.log[1]) * w)
    return b.total * b.v


def total_returned(x, w):
    a = Acc(x)
    a.add(np.sum(x) * w)
    a.total -= w * w
    return a.total


def array_changed_in_place(x, w):
    z = Moments(w)
    z.m += x * w
    z.add(np.sin(x))
    z.m -= w
    return np.sum(z.m ** 2) * z.v


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
@pytest.mark.parametrize("f", [changed_every_way, total_returned, array_changed_in_place], ids=lambda f: f.__name__)
def test_one_object_changed_by_methods_and_writes(f, mode):
    check(mode, f, (X3, 0.7), (0, 1))


def log_kept_in_a_name(x, w):
    b = Box(x)
    log = b.log             # Python: log is the list record appends to
    b.log.append(x * w)
    b.record(np.sin(x))
    return np.sum(log[0] * log[1])


def moments_kept_in_a_name(x, w):
    z = Moments(w)
    before = z.m            # Python: before is the array add changes in place
    z.add(x)
    return np.sum(before * x)


@pytest.mark.parametrize("f, line, message", [
    (log_kept_in_a_name, "b.record(np.sin(x))", "the call of Box.record changes the object it is called on in place"),
    (moments_kept_in_a_name, "z.add(x)", "augmented assignment to an attribute of self in Moments.add, called on an "
                                         "object this code follows from state to state; write self.a = self.a + v")])
def test_a_change_another_name_would_see_stays_refused(f, line, message):
    with pytest.raises(astgrad.TransformError, match=f"^{re.escape(_line(f, line))}: .*{re.escape(message)}"):
        astgrad.grad(f)(X3, 0.7)
    assert np.isclose(astgrad.grad(total_returned, wrt=1)(X3, 0.7), np.sum(X3) - 2 * 0.7)     # the next works

# -- the items of a list given as an argument: followed on copies ------------------------------------------

def scaled_item_of_an_argument(w, boxes):
    boxes[0].scale(w)
    return boxes[0].v * w


def recorded_item_of_an_argument(w, boxes):
    boxes[0].record(w)
    return boxes[0].log[0] * w


def test_a_method_changing_an_item_of_an_argument_is_followed_on_a_copy():
    # Python changes the caller's object; the derivative works on a copy, as for an array written in place
    boxes = [Box(2.0)]
    assert np.isclose(astgrad.grad(scaled_item_of_an_argument)(1.5, boxes), 2 * 2.0 * 1.5)
    assert np.isclose(astgrad.hessian(scaled_item_of_an_argument)(1.5, boxes), 2 * 2.0)
    assert boxes[0].v == 2.0 and boxes[0].log == []        # the caller's object is left alone
    assert scaled_item_of_an_argument(1.5, boxes) == 2.0 * 1.5 * 1.5 and boxes[0].v == 3.0     # f itself changes it


def test_a_method_changing_a_list_of_an_item_of_an_argument_in_place_stays_refused():
    boxes = [Box(2.0)]
    with pytest.raises(astgrad.TransformError, match=(
            f"^{re.escape(_line(recorded_item_of_an_argument, 'boxes[0].record(w)'))}: "
            + re.escape("the call of Box.record changes the object it is called on in place (the method call "
                        ".append() at "))):
        astgrad.grad(recorded_item_of_an_argument)(1.5, boxes)
    assert boxes[0].v == 2.0 and boxes[0].log == []        # the caller's object is left alone
    assert np.isclose(astgrad.grad(item_at_an_index_known_when_it_runs)(1.5), 3.0)      # the next transform works
