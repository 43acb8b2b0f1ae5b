"""A truth test on an object whose class astgrad did not know when it made the code: a
helper's parameter reached through ``lambda x: g(x, *args)`` (or an attribute or an
item of one). ``if v:``, ``w if v else u``, ``not v``, ``v and x``, ``v or x``,
``bool(v)``, ``while v:``, ``assert v``, a comprehension's ``if`` and ``any`` of a display
holding it (``any([v, u])``, ``any(u for u in (v, w))``) run the object's ``__bool__``
(or ``__len__``). The code keeps such a test as it is, and the helper's
value code and its derivative each ran it: a hook writing into the array the object
was handed gave a wrong gradient with no error. Now the test is checked when the code
runs: refused in words naming the user's line and the hook, before anything changed,
in every transform; a hook writing nothing is followed, right against central
differences at two shapes. CI runs one mode per program in turn (each on at least three
programs); HYPOTHESIS_PROFILE=thorough runs every mode at both shapes."""

import inspect
import os

import numpy as np
import pytest

import astgrad
from breadth_modes import check
from refusal_words import refused_in_words

THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"
X4 = np.array([0.7, -1.3, 0.4, 2.1])
X6 = np.array([0.7, -1.3, 0.4, 2.1, -0.6, 1.1])
TRANSFORMS = ("grad", "value_and_grad", "vjp", "jvp", "hessian")
MODES = ("grad", "value_and_grad", "vjp", "jvp", "hessian")


class Writing:
    """``__bool__`` triples the first item of the array the object was handed."""

    def __init__(self, d):
        self.d = d

    def __bool__(self):
        self.d[0] *= 3.0
        return True


class LongWriting:
    """No ``__bool__``: Python asks ``__len__``, which writes."""

    def __init__(self, d):
        self.d = d

    def __len__(self):
        self.d[0] *= 3.0
        return 2


class Quiet:
    """The same hooks, writing nothing."""

    def __init__(self, d):
        self.d = d

    def __bool__(self):
        return len(self.d) > 0


class LongQuiet:
    def __init__(self, d):
        self.d = d

    def __len__(self):
        return len(self.d)


class Box:
    def __init__(self, v):
        self.v = v


def if_statement(x, w, v):
    if v:                                   # the hook
        n = 2.0
    else:
        n = 1.0
    return np.sum(v.d * x) * w * n


def ternary(x, w, v):
    n = 2.0 if v else 1.0                   # the hook
    return np.sum(v.d * x) * w * n


def negated(x, w, v):
    n = 1.0 if not v else 2.0               # the hook
    return np.sum(v.d * x) * w * n


def and_value(x, w, v):
    y = v and x                             # the hook
    return np.sum(v.d * y) * w


def or_value(x, w, v):
    u = v or None                           # the hook
    return np.sum(u.d * x) * w


def bool_call(x, w, v):
    n = 1.0 + float(bool(v))                # the hook
    return np.sum(v.d * x) * w * n


def while_loop(x, w, v):
    n, u = 1.0, v
    while u:                                # the hook
        n, u = n + 1.0, None
    return np.sum(v.d * x) * w * n


def asserted(x, w, v):
    assert v                                # the hook
    return np.sum(v.d * x) * w


def comprehension_if(x, w, v):
    n = float(len([1.0 for u in (v, None) if u]))     # the hook
    return np.sum(v.d * x) * w * n


def if_and(x, w, v):
    if v and w > 0.0:                       # the hook
        return np.sum(v.d * x) * w * 2.0
    return np.sum(v.d * x) * w


def generator_if(x, w, v):
    n = sum(1.0 for u in (v, None) if u)    # the hook
    return np.sum(v.d * x) * w * n


def if_not(x, w, v):
    if not v:                               # the hook
        return np.sum(x) * w
    return np.sum(v.d * x) * w * 2.0


def any_display(x, w, v):
    n = 2.0 if any([v, None]) else 1.0      # the hook
    return np.sum(v.d * x) * w * n


def any_over_display(x, w, v):
    n = 2.0 if any(u for u in (v, None)) else 1.0       # the hook
    return np.sum(v.d * x) * w * n


def length_only(x, w, v):
    n = 2.0 if v else 1.0                   # the hook
    return np.sum(v.d * x) * w * n


def attribute(x, w, box):
    n = 2.0 if box.v else 1.0               # the hook
    return np.sum(box.v.d * x) * w * n


def item(x, w, vs):
    n = 2.0 if vs[0] else 1.0               # the hook
    return np.sum(vs[0].d * x) * w * n


PROGRAMS = (if_statement, ternary, negated, and_value, or_value, bool_call, while_loop, asserted,
            comprehension_if, if_and, generator_if, if_not, any_display, any_over_display, length_only, attribute,
            item)
NAMES = sorted(f.__name__ for f in PROGRAMS)
BY_NAME = {f.__name__: f for f in PROGRAMS}


def _hidden(name, x, writing):
    """The program ``name`` reached through a lambda handing on ``*args`` (the form that
    hides the object's class when the code is made), and the object's array."""
    kind = (LongWriting if writing else LongQuiet) if name == "length_only" else Writing if writing else Quiet
    v = kind(x * 1.5)
    held = Box(v) if name == "attribute" else [v] if name == "item" else v
    args = (0.8, held)
    f = BY_NAME[name]
    return (lambda x: f(x, *args)), v.d


def _run(transform, f, x):
    if transform == "grad":
        return astgrad.grad(f)(x)
    if transform == "value_and_grad":
        return astgrad.value_and_grad(f)(x)
    if transform == "vjp":
        value, pullback = astgrad.vjp(f, x)
        return pullback(1.0)
    if transform == "jvp":
        return astgrad.jvp(f, (x,), (np.ones(x.size),))
    return astgrad.hessian(f)(x)


def _hook_line(f):
    lines, first = inspect.getsourcelines(f)
    return first + next(k for k, line in enumerate(lines) if "# the hook" in line)


def _ci(k, choices):
    """One choice per program in CI, in turn; all of them when thorough."""
    return choices if THOROUGH else (choices[k % len(choices)],)


REFUSED = [(transform, name) for k, name in enumerate(NAMES) for transform in _ci(k, TRANSFORMS)]


@pytest.mark.parametrize("transform, name", REFUSED)
def test_a_writing_truth_hook_of_a_class_not_known_is_refused_at_the_line(transform, name):
    f, array = _hidden(name, X4, writing=True)
    x = X4.copy()
    was = array.copy()
    refused_in_words(BY_NAME[name], lambda: _run(transform, f, x))
    with pytest.raises(TypeError) as caught:
        _run(transform, f, x)
    text = str(caught.value)
    hook = "LongWriting.__len__" if name == "length_only" else "Writing.__bool__"
    assert f"test_trust88b.py:{_hook_line(BY_NAME[name])}" in text, text
    assert hook in text and "may change something in place" in text, text
    assert np.array_equal(array, was), "a refusal changed the object's array"
    assert np.array_equal(x, X4)


@pytest.mark.parametrize("name", ("ternary", "item"))
def test_the_object_is_as_it_was_after_hessians_refusal(name):
    f, array = _hidden(name, X4, writing=True)
    was = array.copy()
    with pytest.raises(TypeError):
        _run("hessian", f, X4.copy())
    assert np.array_equal(array, was), "a refusal changed the object's array"


FOLLOWED = [(mode, name, x) for k, name in enumerate(NAMES)
            for mode in _ci(k, MODES) for x in ((X4, X6) if THOROUGH else ((X4, X6)[k % 2],))]


@pytest.mark.parametrize("mode, name, x", FOLLOWED)
def test_truth_hooks_writing_nothing_are_followed(mode, name, x):
    f, _ = _hidden(name, x, writing=False)
    check(mode, f, (x.copy(),), (0,))


def test_every_mode_and_transform_runs_in_ci():
    for mode in MODES:
        assert sum(1 for m, _, _ in FOLLOWED if m == mode) >= 3, mode
    for transform in TRANSFORMS:
        assert sum(1 for t, _ in REFUSED if t == transform) >= 3, transform
    assert {x.size for _, _, x in FOLLOWED} == {4, 6}


def test_the_value_is_right_where_the_hook_writes_nothing():
    """The brief's program, its gradient by hand: 2.0 * w * d (``n`` is 2.0)."""
    d = np.array([1.4, 0.5, 2.0, -0.3])
    args = (1.2, Quiet(d))
    got = astgrad.grad(lambda x: ternary(x, *args))(X4.copy())
    assert np.allclose(got, 2.0 * 1.2 * d)


def test_plain_values_pass():
    """Numbers, arrays, lists, None and a string handed on the same way are tested as Python does."""
    for flag in (1.0, 0.0, np.float64(2.0), [1.0], [], None, "", "a", np.array([1.0]), True):
        args = (0.8, flag)

        def f(x, w, v):
            return np.sum(x * x) * w * (2.0 if v else 1.0) * (1.0 if not v else 3.0)
        check("grad", lambda x: f(x, *args), (X4.copy(),), (0,))
