"""Methods and classes refused before where Python's answer could be followed:

- a class keeping one array under two attributes (``self.d = d; self.e = d``), with a
  method writing into it in place (``self.d[0] += x``) and one rebinding ``self.d``
  (``grow``), which parts the two: followed on an object on which the function never
  runs the rebinder; refused where it may (called, reached through a method calling
  ``self.grow()``, or the object handed to a helper or read with ``getattr``);
- an object holding an object of a class whose methods only read (``self.inner[1] * v``,
  ``self.inner * v``, ``len(self.inner)``, a property of it), built by a method
  (``m.wrap()``), by a classmethod, or in both branches of an ``if``: followed; where the
  held class writes into the array it was handed, the answer is Python's or a refusal.

Each followed program is checked against central differences of what Python computes
(grad, value_and_grad, vjp, jvp, hessian, jvp of grad) at two sizes: in CI one mode per
program and size, in turn, every mode on at least three; all of them with
HYPOTHESIS_PROFILE=thorough. The refused neighbours are checked for the user's words,
file and line."""

import os
import re

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad
from object_checks import check

THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"
MODES = ("grad", "value_and_grad", "vjp", "jvp", "hessian", "jvp_of_grad")
SIZES = (3, 5)


# -- one array under two attributes, a rebinding method never run --------------------------

class TwiceKeptGrown:
    def __init__(self, d):
        self.d = d
        self.e = d                      # one array, until grow rebinds self.d

    def grow(self, x):
        self.d = self.d * x             # parts self.d from self.e

    def bump(self, x):
        self.d[0] += x                  # into the array both attributes hold

    def regrow(self, x):
        self.grow(x)                    # reaches the rebinder

    def norm_e(self):
        return np.sum(self.e ** 2)


def only_bumped(w):
    p = TwiceKeptGrown(w * 1.0)
    p.bump(w[1])
    return np.sum(w * p.d) + np.sum(p.e ** 2)


def bumped_then_read_by_a_method(w):
    p = TwiceKeptGrown(np.sin(w))
    p.bump(w[0] * w[2])
    return p.norm_e() * w[1] + np.sum(p.d * w)


def bumped_in_a_loop(w):
    p = TwiceKeptGrown(w * 2.0)
    for k in range(2):
        p.bump(w[k + 1])
    return np.sum(p.e * w) + np.sum(p.d ** 2)


def _grown_by_a_helper(p, x):
    p.grow(x)


def grown_then_bumped(w):
    p = TwiceKeptGrown(w * 1.0)
    p.grow(w[2])
    p.bump(w[1])                        # Python: p.e keeps the array grow parted from p.d
    return np.sum(w * p.d) + np.sum(p.e ** 2)


def regrown_then_bumped(w):
    p = TwiceKeptGrown(w * 1.0)
    p.regrow(w[2])
    p.bump(w[1])
    return np.sum(w * p.d) + np.sum(p.e ** 2)


def grown_by_a_helper_then_bumped(w):
    p = TwiceKeptGrown(w * 1.0)
    _grown_by_a_helper(p, w[2])
    p.bump(w[1])
    return np.sum(w * p.d) + np.sum(p.e ** 2)


def grown_through_getattr_then_bumped(w):
    p = TwiceKeptGrown(w * 1.0)
    getattr(p, "grow")(w[2])
    p.bump(w[1])
    return np.sum(w * p.d) + np.sum(p.e ** 2)


# -- an object holding an object whose methods only read ------------------------------------

class Inner:
    def __init__(self, d):
        self.d = d

    def __getitem__(self, k):
        return self.d[k] * 2.0

    def __mul__(self, v):
        return self.d * v

    def __rmul__(self, v):
        return self.d * v

    def __len__(self):
        return 3

    @property
    def doubled(self):
        return self.d * 2.0


class ByItem:
    def __init__(self, inner):
        self.inner = inner

    def total(self, v):
        self.s = self.inner[1] * v


class ByOperator:
    def __init__(self, inner):
        self.inner = inner

    def total(self, v):
        self.s = np.sum(self.inner * v)


class ByLen:
    def __init__(self, inner):
        self.inner = inner

    def total(self, v):
        self.s = len(self.inner) * v


class ByProperty:
    def __init__(self, inner):
        self.inner = inner

    def total(self, v):
        return np.sum(self.inner.doubled ** 2) * v


class ByReflected:
    def __init__(self, inner):
        self.inner = inner

    def total(self, v):
        return np.sum(3.0 * self.inner) * v          # float's * gives way: Inner.__rmul__

    def scaled(self, v):
        return np.sum(v * self.inner)                   # v an item of an array: NumPy's * runs


class Maker:
    def __init__(self, d):
        self.d = d

    def by_item(self):
        return ByItem(Inner(self.d))

    def by_operator(self):
        return ByOperator(Inner(self.d))

    def by_len(self):
        return ByLen(Inner(self.d))

    def by_property(self):
        return ByProperty(Inner(self.d))


class Factory:
    @classmethod
    def by_len(cls, b):
        return ByLen(Inner(b))

    @classmethod
    def by_item(cls, b):
        return ByItem(Inner(b))

    @classmethod
    def by_property(cls, b):
        return ByProperty(Inner(b))


def method_made_by_item(w):
    buf = w * 1.0
    m = Maker(buf)
    a = m.by_item()
    a.total(w[0])
    return np.sum(buf * w) * a.s


def method_made_by_operator(w):
    buf = np.cos(w)
    m = Maker(buf)
    a = m.by_operator()
    a.total(w[1])
    return np.sum(buf * w) + a.s ** 2


def method_made_by_len(w):
    m = Maker(w * 2.0)
    a = m.by_len()
    a.total(w[2])
    return a.s * np.sum(w ** 2)


def method_made_by_property(w):
    buf = w ** 2
    m = Maker(buf)
    a = m.by_property()
    return a.total(w[0]) + np.sum(buf)


def classmethod_made_by_len(w):
    buf = w * 1.0
    a = Factory.by_len(buf)
    a.total(w[1])
    return np.sum(buf * w) * a.s


def classmethod_made_by_item(w):
    buf = w * 1.0
    a = Factory.by_item(buf)
    a.total(w[1])
    return np.sum(buf * w) * a.s


def classmethod_made_by_property(w):
    a = Factory.by_property(np.sin(w))
    return a.total(w[2]) * w[0]


def branch_made_by_item(w):
    buf = w * 1.0
    if w[0] > 0:
        a = ByItem(Inner(buf))
    else:
        a = ByItem(Inner(buf * 2.0))
    a.total(w[0])
    return np.sum(buf * w) * a.s


def branch_made_by_operator(w):
    buf = np.sin(w)
    if w[0] > 1.0:
        a = ByOperator(Inner(buf * 3.0))
    else:
        a = ByOperator(Inner(buf))
    a.total(w[2])
    return a.s * w[1] + np.sum(buf ** 2)


def branch_made_by_len(w):
    if w[1] > 0:
        a = ByLen(Inner(w * 1.0))
    else:
        a = ByLen(Inner(w * 2.0))
    a.total(w[0])
    return a.s * np.sum(w)


def branch_made_by_property(w):
    buf = w * w
    if w[2] < 1.0:
        a = ByProperty(Inner(buf))
    else:
        a = ByProperty(Inner(buf + 1.0))
    return a.total(w[1]) * w[0]


def branch_made_by_reflected(w):
    if w[0] < 1.0:
        a = ByReflected(Inner(np.cos(w)))
    else:
        a = ByReflected(Inner(w * 1.0))
    return a.total(w[1]) + np.sum(w ** 2)


def numpy_scalar_on_the_left(w):
    a = ByReflected(Inner(w * 1.0))
    return a.scaled(w[0])               # Python: NumPy reads the Inner as the sequence of its items


FOLLOWED = [only_bumped, bumped_then_read_by_a_method, bumped_in_a_loop,
            method_made_by_item, method_made_by_operator, method_made_by_len, method_made_by_property,
            classmethod_made_by_len, classmethod_made_by_item, classmethod_made_by_property,
            branch_made_by_item, branch_made_by_operator, branch_made_by_len, branch_made_by_property,
            branch_made_by_reflected]


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
    check(mode, f, n, 87 + n)


def test_every_mode_runs_in_ci_on_three_programs():
    slots = [(f, n) for f in FOLLOWED for n in SIZES]
    for mode in MODES:
        assert len({f for k, (f, _) in enumerate(slots) if _ci_mode(k) == mode}) >= 3, mode


def test_the_rebinder_left_alone_keeps_one_array():
    # Python: p.e shows bump's write; the derivative's value is Python's
    w = np.array([0.5, 1.5, 2.0])
    p = TwiceKeptGrown(w * 1.0)
    p.bump(w[1])
    assert p.e[0] == p.d[0] == 2.0
    value, _ = astgrad.value_and_grad(only_bumped)(w)
    assert value == pytest.approx(only_bumped(w.copy()))


_GENERATED = re.compile(r"\b(t|d)_\d|_saved")


@pytest.mark.parametrize("f, words, line", [(grown_then_bumped, "TwiceKeptGrown.bump", "p.bump(w[1])"),
                                            (regrown_then_bumped, "TwiceKeptGrown.regrow", "p.regrow(w[2])"),
                                            (grown_by_a_helper_then_bumped, ".grow()", "p.grow(x)"),
                                            (grown_through_getattr_then_bumped, "TwiceKeptGrown.bump",
                                             "p.bump(w[1])")],
                         ids=lambda v: getattr(v, "__name__", None))
@pytest.mark.parametrize("transform", [astgrad.grad, astgrad.hessian])
def test_a_rebinder_that_may_run_is_refused(f, words, line, transform):
    with pytest.raises(astgrad.TransformError) as caught:
        transform(f)(np.array([0.5, 1.5, 2.0]))
    message, error = str(caught.value), caught.value
    assert words in message and line in message.splitlines()[-1]        # the call, quoted at its line
    assert error.lineno is not None and __file__.endswith(str(error.filename).split("/")[-1])
    assert re.search(r"test_objects87\.py:\d+", message)
    assert _GENERATED.search(message.split(" (")[0]) is None


# -- where the held class writes: refused at the user's line ---------------------------------

class WritingInner:
    def __init__(self, d):
        self.d = d

    def __getitem__(self, k):
        self.d[0] = self.d[0] * 3.0         # into the array handed in
        return self.d[k]


class WritingMaker:
    def __init__(self, d):
        self.d = d

    def by_item(self):
        return ByItem(WritingInner(self.d))


def method_made_writing_item(w):
    buf = w * 1.0
    m = WritingMaker(buf)
    a = m.by_item()
    a.total(w[0])
    return np.sum(buf * w)


def branch_made_writing_item(w):
    buf = w * 1.0
    if w[0] > 0:
        a = ByItem(WritingInner(buf))
    else:
        a = ByItem(WritingInner(buf * 2.0))
    a.total(w[0])
    return np.sum(buf * w)


class WritingFactory:
    @classmethod
    def by_item(cls, b):
        return ByItem(WritingInner(b))


def classmethod_made_writing_item(w):
    buf = w * 1.0
    a = WritingFactory.by_item(buf)
    a.total(w[1])
    return np.sum(buf * w)


@pytest.mark.parametrize("f", [method_made_writing_item, branch_made_writing_item, classmethod_made_writing_item],
                         ids=lambda f: f.__name__)
def test_a_held_class_that_writes_is_refused(f):
    with pytest.raises(astgrad.TransformError) as caught:
        astgrad.grad(f)(np.array([0.5, 1.5, 2.0]))
    message, error = str(caught.value), caught.value
    assert "WritingInner.__getitem__" in message and "a.total(w[" in message.splitlines()[-1]
    assert re.search(r"test_objects87\.py:\d+", message) and error.lineno is not None
    assert _GENERATED.search(message.split(" (")[0]) is None


def test_a_classmethod_redefined_is_read_again():
    w = np.array([0.5, 1.5, 2.0])
    g = astgrad.grad(classmethod_made_by_item)
    assert_close(g(w), numerical_grad(classmethod_made_by_item, (w.copy(),)))
    kept = Factory.__dict__["by_item"]
    try:
        Factory.by_item = classmethod(lambda cls, b: ByItem(Inner(b * 3.0)))
        assert_close(g(w), numerical_grad(classmethod_made_by_item, (w.copy(),)))
    finally:
        Factory.by_item = kept


def test_a_numpy_scalar_left_of_a_sequence_like_object_is_refused():
    # np.float64 * Inner runs NumPy's *, on Inner's items (its __len__ and __getitem__), not
    # Inner.__rmul__, which the code follows: refused when it runs, never a wrong gradient
    w = np.array([0.5, 1.5, 2.0])
    assert numpy_scalar_on_the_left(w.copy()) == pytest.approx(2.0 * w[0] * np.sum(w))
    with pytest.raises(TypeError) as caught:
        astgrad.grad(numpy_scalar_on_the_left)(w)
    message = str(caught.value)
    assert "float64" in message and "a NumPy scalar" in message
    assert re.search(r"test_objects87\.py:\d+", message)
