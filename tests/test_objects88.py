"""Methods, classes and lists of new arrays refused before where Python's answer could be
followed:

- a list of copies (``[v.copy() for v in xs]``, or a display of new arrays) handed to a
  helper that writes ``ys[i] *= w`` and ``ys[i][0] = v`` into its items: followed where
  the caller's list holds new arrays nothing else refers to; an item shared with the
  argument, or one array twice in the list, keeps the check (refused when it runs);
- a subclass ``__init__`` appending to the list its base's ``__init__`` built new
  (``super().__init__(a); self.items.append(b)``): followed; a list handed in from
  outside, or kept under a second name, stays refused;
- a child object built by a method of its parent from a copy of the parent's array
  (``return Child(self.w.copy())``), then written in place by its own method
  (``self.d *= v``): followed; a method or helper handing its own attribute
  (``return Child(self.w)``) or another parameter than the caller's argument in that
  place is refused (it gave a wrong gradient, the call's arguments matched to
  ``__init__``'s by position);
- a mixin's method calling a writing method on each object of a list an object of the
  function holds (``m.scale_all(m.parts, v)``): followed; the same method handed a list
  display (``Scaler().scale_all([c], v)``) or a list holding one object twice is refused
  (the first gave a wrong gradient).

Each followed program is checked against central differences of what Python computes
(grad, value_and_grad, vjp, jvp, hessian, jvp of grad) at two sizes: in CI one mode per
program and size, in turn, every mode on at least three programs; all of them with
HYPOTHESIS_PROFILE=thorough. The refused neighbours are checked for the user's words,
file and line."""

import os

import numpy as np
import pytest

import astgrad
from object_checks import check
from refusal_words import refused_in_words

THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"
MODES = ("grad", "value_and_grad", "vjp", "jvp", "hessian", "jvp_of_grad")
SIZES = (3, 5)


# -- a list of new arrays handed to a helper writing into its items ---------------------------

def _scale_items(ys, w):
    for i in range(len(ys)):
        ys[i] *= w[1]


def _set_and_scale(ys, w):
    for i in range(len(ys)):
        ys[i][0] = w[i] * 2.0
        ys[i] *= w[2]


def copies_scaled_by_a_helper(w):
    xs = [w * 1.0, np.sin(w)]
    ys = [v.copy() for v in xs]
    _scale_items(ys, w)
    return np.sum(ys[0] ** 2) + np.sum(ys[1] * w) + np.sum(xs[0] * xs[1])


def copies_set_and_scaled_by_a_helper(w):
    xs = [np.cos(w), w ** 2]
    ys = [v.copy() for v in xs]
    _set_and_scale(ys, w)
    return np.sum(ys[0] * ys[1]) + np.sum(xs[1] * w)


def display_scaled_by_a_helper(w):
    ys = [w * 2.0, np.exp(w * 0.5), np.zeros(len(w)) + w[0]]
    _scale_items(ys, w)
    return np.sum(ys[0] * ys[1]) + np.sum(ys[2] ** 2)


def _argument_in_the_list(w):
    ys = [w, np.sin(w)]
    _scale_items(ys, w)
    return np.sum(ys[0] ** 2)


def _one_array_twice(w):
    u = w * 1.0
    ys = [u, u]
    _scale_items(ys, w)
    return np.sum(ys[0] * ys[1])


# -- a subclass appending to the list its base built -----------------------------------------

class Stack:
    def __init__(self, a):
        self.items = [a]

    def total(self):
        return sum(np.sum(x ** 2) for x in self.items)


class GrownStack(Stack):
    def __init__(self, a, b):
        super().__init__(a)
        self.items.append(b)
        for k in range(2):
            self.items.append(b * (k + 1.0))


def subclass_appends(w):
    s = GrownStack(w * 1.0, np.sin(w))
    return s.total() * w[0]


def subclass_appends_then_read(w):
    s = GrownStack(np.cos(w), w * w[1])
    return np.sum(s.items[0] * s.items[3]) + len(s.items) * w[2]


class GivenStack:
    def __init__(self, items):
        self.items = items


class GivenGrownStack(GivenStack):
    def __init__(self, items, b):
        super().__init__(items)
        self.items.append(b)

    def total(self):
        return sum(np.sum(x ** 2) for x in self.items)


class KeptStack:
    def __init__(self, a):
        self.items = [a]
        self.first = self.items


class KeptGrownStack(KeptStack):
    def __init__(self, a, b):
        super().__init__(a)
        self.items.append(b)

    def total(self):
        return sum(np.sum(x ** 2) for x in self.first)


def _list_from_outside(w):
    xs = [w * 1.0]
    s = GivenGrownStack(xs, np.sin(w))
    return s.total() + len(xs) * w[0]


def _list_kept_twice(w):
    s = KeptGrownStack(w * 1.0, np.sin(w))
    return s.total()


# -- a child built from a copy of its parent's array -----------------------------------------

class Child:
    def __init__(self, d):
        self.d = d

    def scale(self, v):
        self.d *= v
        return self

    def bump(self, v):
        self.d[1] += v


class Parent:
    def __init__(self, w):
        self.w = w

    def child(self):
        return Child(self.w.copy())

    def doubled_child(self):
        return Child(self.w * 2.0)

    def made(self, b):
        return Child(self.w)            # the parent's own array, whatever it is handed


def child_from_a_copy(w):
    p = Parent(w * 2.0)
    c = p.child()
    c.scale(w[0])
    return np.sum(c.d * p.w) + np.sum(p.w ** 2)


def child_scaled_and_bumped(w):
    p = Parent(np.sin(w))
    c = p.doubled_child()
    c.scale(w[1])
    c.bump(w[2] ** 2)
    return np.sum(c.d ** 2) * w[0] + np.sum(p.w * w)


def _handed_the_parent_array(w):
    p = Parent(w * 2.0)
    c = p.made(w * 1.0)
    c.scale(w[0])
    return np.sum(c.d * w) + np.sum(p.w * w)


def _make(a, b):
    return Child(b)


def _helper_handed_another(w):
    buf = w * 2.0
    c = _make(w * 1.0, buf)
    c.scale(w[0])
    return np.sum(c.d * w) + np.sum(buf * w)


# -- a mixin writing into each object of a list ----------------------------------------------

class Scaler:
    def scale_all(self, objs, v):
        for o in objs:
            o.scale(v)
        return self


class Model(Scaler):
    def __init__(self, w):
        self.parts = [Child(w * 1.0), Child(np.cos(w))]

    def loss(self, w):
        return sum(np.sum(p.d * w) for p in self.parts)


def mixin_scales_its_parts(w):
    m = Model(w)
    m.scale_all(m.parts, w[1])
    return sum(np.sum(p.d ** 2) for p in m.parts)


def mixin_scales_then_loss(w):
    m = Model(np.sin(w))
    m.scale_all(m.parts, w[0] * w[2])
    return m.loss(w)


class TwiceHeld(Scaler):
    def __init__(self, w):
        c = Child(w * 1.0)
        self.parts = [c, c]


def _mixin_handed_a_display(w):
    c = Child(w * 1.0)
    Scaler().scale_all([c], w[1])
    return np.sum(c.d ** 2)


def _one_object_twice(w):
    m = TwiceHeld(w)
    m.scale_all(m.parts, w[1])
    return sum(np.sum(p.d ** 2) for p in m.parts)


FOLLOWED = [copies_scaled_by_a_helper, copies_set_and_scaled_by_a_helper, display_scaled_by_a_helper,
            subclass_appends, subclass_appends_then_read, child_from_a_copy, child_scaled_and_bumped,
            mixin_scales_its_parts, mixin_scales_then_loss]


def _ci_mode(k):
    """One mode for the program and size at slot ``k``, in turn."""
    return MODES[k % len(MODES)]


def _selected():
    slots = [(f, n) for f in FOLLOWED for n in SIZES]
    for k, (f, n) in enumerate(slots):
        for mode in (MODES if THOROUGH else (_ci_mode(k),)):
            yield pytest.param(mode, f, n, id=f"{f.__name__}-{n}-{mode}")


@pytest.mark.parametrize("mode, f, n", list(_selected()))
def test_followed_against_central_differences(mode, f, n):
    check(mode, f, n, 88 + n)


def test_every_mode_runs_in_ci_on_three_programs():
    slots = [(f, n) for f in FOLLOWED for n in SIZES]
    for mode in MODES:
        assert len({f for k, (f, _) in enumerate(slots) if _ci_mode(k) == mode}) >= 3, mode


def test_the_helper_changes_the_copies_not_the_originals():
    # Python: the helper scales the copies; xs keeps its arrays; astgrad's value is Python's
    w = np.array([0.5, 1.5, 2.0])
    value, _ = astgrad.value_and_grad(copies_scaled_by_a_helper)(w)
    assert value == pytest.approx(copies_scaled_by_a_helper(w.copy()))
    assert value != pytest.approx(np.sum((w * 1.5) ** 2) + np.sum(np.sin(w) * 1.5 * w) + np.sum((w * 1.5) * np.sin(w)))


# checked when it runs; differentiated twice, refused when the code is made
_HELD_BY_A_LIST = ("op= (+= and the like) on an ndarray held by a list", "this line cannot be differentiated twice")


@pytest.mark.parametrize("f, words", [
    (_argument_in_the_list, _HELD_BY_A_LIST),
    (_one_array_twice, _HELD_BY_A_LIST),
    (_list_from_outside, "changes its argument 'xs' in place"),
    (_list_kept_twice, "KeptGrownStack.__init__ changes self.items in place"),
    (_handed_the_parent_array, "Child.scale"),
    (_helper_handed_another, "Child.scale"),
    (_mixin_handed_a_display, "calls .scale() on each object of the list it is handed as objs"),
    (_one_object_twice, "calls .scale() on each object of the list it is handed as objs"),
], ids=lambda v: getattr(v, "__name__", None))
@pytest.mark.parametrize("transform", [astgrad.grad, astgrad.hessian], ids=["grad", "hessian"])
def test_a_neighbour_that_may_share_is_refused(f, words, transform):
    w = np.array([0.5, 1.5, 2.0])
    refused_in_words(f, lambda: transform(f)(w))
    with pytest.raises((astgrad.TransformError, TypeError)) as caught:
        transform(f)(w)
    assert any(w in str(caught.value) for w in ((words,) if isinstance(words, str) else words))
