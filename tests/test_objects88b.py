"""Objects followed or refused where the last round left them:

- a mixin's method handed a list display of objects the function builds, whose loop calls
  on each object a method that only reads (``s.show_all([c], w[1])``, ``for o in objs:
  o.show(v)``): followed, every class the display's objects may be known at the call; a
  method that may write (``o.scale(v)``, or ``o.show(v)`` calling ``self.scale``) stays
  refused, its words saying what is followed;
- a helper returning a construction (``return Child(b)``): followed where the object holds
  a new array, refused where it may hold one the function reads again, however the helper
  is written (a function of the module, a nested def, a lambda, a staticmethod) and the
  call made (keywords, a default, ``*args``, a closure's array);
- layers a subclass's ``__init__`` appends to the list its base's built
  (``super().__init__(Dense(a)); self.layers.append(Doubled(b))``), then ``for l in
  m.layers: l.apply(x)``: followed; appends in a loop or a branch, a method appending
  more, a list handed in from outside, an append by the function stay refused.

Each followed program is checked against central differences of what Python computes
(grad, value_and_grad, vjp, jvp, hessian, jvp of grad) at two sizes: in CI one mode per
program and size, in turn, every mode on at least three programs; all of them with
HYPOTHESIS_PROFILE=thorough. The refused neighbours are checked for the user's words,
file and line."""

import os

import numpy as np
import pytest

import astgrad
from fd import assert_close
from object_checks import check
from refusal_words import refused_in_words

THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"
MODES = ("grad", "value_and_grad", "vjp", "jvp", "hessian", "jvp_of_grad")
SIZES = (3, 5)


class Child:
    def __init__(self, d):
        self.d = d

    def scale(self, v):
        self.d *= v
        return self

    def show(self, v):
        total = np.sum(self.d * v)
        return total


class Other:
    def __init__(self, e, k):
        self.e = e
        self.k = k

    def show(self, v):
        return np.sum(np.sin(self.e) * v) + self.k


class Noisy(Child):
    def show(self, v):
        return self.scale(v)            # a show that writes, through a method of its own


# -- a mixin's loop calling a method that only reads -----------------------------------------

class Shower:
    def show_all(self, objs, v):
        for o in objs:
            o.show(v)
        return self

    def scale_all(self, objs, v):
        for o in objs:
            o.scale(v)
        return self


def mixin_reads_a_display(w):
    c = Child(w * 1.0)
    Shower().show_all([c], w[1])
    return np.sum(c.d ** 2) * w[0]


def mixin_reads_two_classes(w):
    c = Child(np.sin(w))
    o = Other(w * 2.0, 3.0)
    s = Shower()
    s.show_all([c, o], w[0] * w[2])
    return np.sum(c.d * o.e) + np.sum(w ** 3)


def mixin_reads_three_objects(w):
    a = Child(w * 1.0)
    b = Other(np.cos(w), 2.0)
    c = Child(np.square(w))
    Shower().show_all([a, b, c], w[2])
    return np.sum(a.d * c.d) + np.sum(b.e * w) * b.k


def _mixin_show_writes(w):
    c = Noisy(w * 1.0)
    Shower().show_all([c], w[1])
    return np.sum(c.d ** 2)


def _mixin_scales_a_display(w):
    c = Child(w * 1.0)
    o = Child(np.sin(w))
    Shower().scale_all([c, o], w[1])
    return np.sum(c.d ** 2) + np.sum(o.d)


def _mixin_reads_a_kept_list(w):
    c = Child(w * 1.0)
    objs = [c]
    objs.append(Noisy(w * 2.0))
    Shower().show_all(objs, w[1])
    return np.sum(c.d ** 2)


# -- a helper returning a construction -------------------------------------------------------

def _first(a, b):
    return Child(a)


def _swap(b, a):
    return Child(a)


class Maker:
    @staticmethod
    def make(b, a):
        return Child(a)


def helper_builds_from_a_new_array(w):
    buf = w * 2.0
    c = _first(w * 1.0, buf)
    c.scale(w[0])
    return np.sum(c.d * w) + np.sum(buf * w)


def helper_builds_twice(w):
    buf = np.sin(w)
    c = _first(w * 3.0, buf)
    e = _first(buf * buf, w)
    c.scale(w[1])
    e.scale(w[2] * 2.0)
    return np.sum(c.d * e.d) + np.sum(buf * w)


def _module_helper_swapped(w):
    buf = w * 2.0
    c = _swap(w * 1.0, buf)
    c.scale(w[0])
    return np.sum(c.d * w) + np.sum(buf * w)


def _nested_def_swapped(w):
    def mk(b, a):
        return Child(a)
    buf = w * 2.0
    c = mk(w * 1.0, buf)
    c.scale(w[0])
    return np.sum(c.d * w) + np.sum(buf * w)


def _lambda_swapped(w):
    mk = lambda b, a: Child(a)      # noqa: E731
    buf = w * 2.0
    c = mk(w * 1.0, buf)
    c.scale(w[0])
    return np.sum(c.d * w) + np.sum(buf * w)


def _staticmethod_swapped(w):
    buf = w * 2.0
    c = Maker.make(w * 1.0, buf)
    c.scale(w[0])
    return np.sum(c.d * w) + np.sum(buf * w)


def _keywords_swapped(w):
    buf = w * 2.0
    c = _first(b=w * 1.0, a=buf)
    c.scale(w[0])
    return np.sum(c.d * w) + np.sum(buf * w)


def _nested_keywords(w):
    def mk(a, b):
        return Child(a)
    buf = w * 2.0
    c = mk(b=w * 1.0, a=buf)
    c.scale(w[0])
    return np.sum(c.d * w) + np.sum(buf * w)


def _default_holds_the_array(w):
    buf = w * 2.0

    def mk(a, b=buf):
        return Child(b)
    c = mk(w * 1.0)
    c.scale(w[0])
    return np.sum(c.d * w) + np.sum(buf * w)


def _star_args(w):
    def mk(*args):
        return Child(args[-1])
    buf = w * 2.0
    c = mk(w * 1.0, buf)
    c.scale(w[0])
    return np.sum(c.d * w) + np.sum(buf * w)


def _closure_array(w):
    buf = w * 2.0

    def mk(a):
        return Child(buf)
    c = mk(w * 1.0)
    c.scale(w[0])
    return np.sum(c.d * w) + np.sum(buf * w)


# -- layers a subclass appends ---------------------------------------------------------------

class Dense:
    def __init__(self, a):
        self.a = a

    def apply(self, x):
        return np.tanh(self.a * x)


class Doubled:
    def __init__(self, b):
        self.b = b

    def apply(self, x):
        return 2.0 * self.b * x


class Net:
    def __init__(self, first):
        self.layers = [first]


class Deep(Net):
    def __init__(self, a, b):
        super().__init__(Dense(a))
        self.layers.append(Doubled(b))

    def run(self, x):
        for layer in self.layers:
            x = layer.apply(x)
        return x


class Deeper(Net):
    def __init__(self, a, b, c):
        super().__init__(Dense(a))
        self.layers.append(Doubled(b))
        self.layers.append(Dense(c))


class Looped(Net):
    def __init__(self, a, bs):
        super().__init__(Dense(a))
        for b in bs:
            self.layers.append(Doubled(b))


class Branched(Net):
    def __init__(self, a, b):
        super().__init__(Dense(a))
        if b is not None:
            self.layers.append(Doubled(b))


class Grows(Deep):
    def add(self, layer):
        self.layers.append(layer)


class Outside:
    def __init__(self, layers):
        self.layers = layers


class FromOutside(Outside):
    def __init__(self, layers, b):
        super().__init__(layers)
        self.layers.append(Doubled(b))


def appended_layers_looped(w):
    m = Deep(w * 0.5, w[0])
    y = w
    for layer in m.layers:
        y = layer.apply(y)
    return np.sum(y ** 2)


def appended_layers_run_by_a_method(w):
    m = Deep(np.sin(w), w[1])
    return np.sum(m.run(w) * w)


def two_layers_appended(w):
    m = Deeper(w * 0.5, w[0] * w[1], np.cos(w))
    y = w * 1.0
    for layer in m.layers:
        y = layer.apply(y)
    return np.sum(y * w)


def appended_layers_summed(w):
    m = Deeper(np.cos(w), w[2], w * 0.3)
    total = 0.0
    for layer in m.layers:
        total = total + np.sum(layer.apply(w) ** 2)
    return total


def _appended_in_a_loop(w):
    m = Looped(w * 0.5, [w[0], w[1]])
    y = w
    for layer in m.layers:
        y = layer.apply(y)
    return np.sum(y ** 2)


def _appended_in_a_branch(w):
    m = Branched(w * 0.5, w[0])
    y = w
    for layer in m.layers:
        y = layer.apply(y)
    return np.sum(y ** 2)


def _a_method_appends_more(w):
    m = Grows(w * 0.5, w[0])
    m.add(Doubled(w[2]))
    y = w
    for layer in m.layers:
        y = layer.apply(y)
    return np.sum(y ** 2)


def _list_from_outside(w):
    layers = [Dense(w * 0.5)]
    m = FromOutside(layers, w[0])
    y = w
    for layer in m.layers:
        y = layer.apply(y)
    return np.sum(y ** 2) + len(layers)


def _the_function_appends(w):
    m = Deep(w * 0.5, w[0])
    m.layers.append(Doubled(w[1]))
    y = w
    for layer in m.layers:
        y = layer.apply(y)
    return np.sum(y ** 2)


FOLLOWED = [mixin_reads_a_display, mixin_reads_two_classes, mixin_reads_three_objects,
            helper_builds_from_a_new_array, helper_builds_twice,
            appended_layers_looped, appended_layers_run_by_a_method, two_layers_appended, appended_layers_summed]


# the mixin's call is followed to first order; differentiated twice it is refused, as
# before (test_a_reading_loop_is_refused_twice)
FIRST_ORDER = {mixin_reads_a_display, mixin_reads_two_classes, mixin_reads_three_objects}


def _modes(f):
    return MODES[:4] if f in FIRST_ORDER else MODES


def _ci_mode(f, n):
    """One mode for the program ``f`` at size ``n``, in turn, so that every mode runs on
    at least three programs (a second-order mode at the first size of each program
    differentiated twice)."""
    first = [g for g in FOLLOWED if g in FIRST_ORDER]
    if f in FIRST_ORDER:
        return MODES[(2 * first.index(f) + SIZES.index(n)) % 4]
    i = [g for g in FOLLOWED if g not in FIRST_ORDER].index(f)
    return ("hessian", "jvp_of_grad")[i % 2] if n == SIZES[0] else ("vjp", "jvp", "grad", "value_and_grad")[i % 4]


def _selected():
    for f in FOLLOWED:
        for n in SIZES:
            for mode in (_modes(f) if THOROUGH else (_ci_mode(f, n),)):
                yield pytest.param(mode, f, n, id=f"{f.__name__}-{n}-{mode}")


@pytest.mark.parametrize("mode, f, n", list(_selected()))
def test_followed_against_central_differences(mode, f, n):
    check(mode, f, n, 881 + n)


def test_every_mode_runs_in_ci_on_three_programs():
    for mode in MODES:
        assert len({f for f in FOLLOWED for n in SIZES if _ci_mode(f, n) == mode}) >= 3, mode


def test_the_reading_loop_changes_nothing():
    # Python: show reads c.d and writes nothing, so c.d is w * 1.0 after the call
    w = np.array([0.5, 1.5, 2.0])
    value, gradient = astgrad.value_and_grad(mixin_reads_a_display)(w)
    assert value == pytest.approx(np.sum(w ** 2) * w[0])
    assert_close(gradient, np.array([np.sum(w ** 2), 0.0, 0.0]) + 2.0 * w * w[0])


@pytest.mark.parametrize("f", sorted(FIRST_ORDER, key=lambda f: f.__name__), ids=lambda f: f.__name__)
def test_a_reading_loop_is_refused_twice(f):
    # (as before this method's call was refused to first order; the words name the
    # derivative's own call, Shower_show_all(t_1, ...), which refused_in_words rejects)
    w = np.array([0.5, 1.5, 2.0])
    with pytest.raises(astgrad.TransformError) as caught:
        astgrad.hessian(f)(w)
    words = str(caught.value)
    assert "cannot be differentiated twice" in words and "show_all(" in words.splitlines()[-1]
    assert words.startswith(f"{__file__}:")


_IN_THE_CALLEE = "calls .scale() on each object of the list it is handed as objs"
_SHOW_IN_THE_CALLEE = "calls .show() on each object of the list it is handed as objs"
_CHANGED = ("changes a differentiated value in place", "augmented assignment to an attribute of self in Child.scale")
_UNKNOWN_LAYER = ("no adjoint rule for .apply()", "no tangent rule for .apply()")


@pytest.mark.parametrize("f, words", [
    (_mixin_show_writes, _SHOW_IN_THE_CALLEE),
    (_mixin_scales_a_display, _IN_THE_CALLEE),
    (_mixin_reads_a_kept_list, _SHOW_IN_THE_CALLEE),
    (_module_helper_swapped, _CHANGED),
    (_nested_def_swapped, _CHANGED),
    (_lambda_swapped, _CHANGED),
    (_staticmethod_swapped, _CHANGED),
    (_keywords_swapped, _CHANGED),
    (_nested_keywords, _CHANGED),
    (_default_holds_the_array, _CHANGED),
    (_star_args, _CHANGED),
    (_closure_array, _CHANGED),
    (_appended_in_a_loop, _UNKNOWN_LAYER),
    (_appended_in_a_branch, _UNKNOWN_LAYER),
    (_a_method_appends_more, _UNKNOWN_LAYER),
    (_list_from_outside, "changes its argument 'layers' in place"),
    (_the_function_appends, _UNKNOWN_LAYER),
], ids=lambda v: getattr(v, "__name__", None))
@pytest.mark.parametrize("transform", [astgrad.grad, astgrad.hessian], ids=["grad", "hessian"])
def test_a_neighbour_that_may_write_is_refused(f, words, transform):
    w = np.array([0.5, 1.5, 2.0])
    refused_in_words(f, lambda: transform(f)(w))
    with pytest.raises(astgrad.TransformError) as caught:
        transform(f)(w)
    assert any(w in str(caught.value) for w in ((words,) if isinstance(words, str) else words))


def test_the_refusal_says_what_is_followed():
    with pytest.raises(astgrad.TransformError) as caught:
        astgrad.grad(_mixin_scales_a_display)(np.array([0.5, 1.5, 2.0]))
    words = str(caught.value)
    assert "Shower().scale_all([c, o], w[1])" in words
    assert "over a list building its objects in its display (objs = [Obj(a), Obj(b)])" in words
    assert "an object the function builds holds (for o in m.parts: o.scale(v))" in words
    assert ".scale_all(m.parts, ...) handed such an object's list" in words
