"""Hooks Python runs implicitly on an object whose class astgrad did not know when it
made the code: a helper's parameter reached through ``lambda x: g(x, *args)`` (or an
attribute or item of one). ``len(v)``, ``for o in v``, ``abs(v)``, ``float(v)``,
``int(v)``, ``round(v)``, ``hash(v)``, ``format(v)``, ``f"{v}"``, ``str(v)``, ``repr(v)``,
``v[k]``, ``x[v]`` and comparisons run the object's ``__len__``, ``__iter__``, ``__abs__``,
... The code keeps such a read as it is, and the helper's value code and its derivative
each ran it: a hook writing into the array the object was handed gave a wrong gradient
with no error. Now the value's class is checked when the code runs: refused in words
naming the user's line and the hook, before anything changed, in every transform; a hook
writing nothing is followed, right against central differences at two shapes. CI runs
one mode per program in turn (each on at least three programs); HYPOTHESIS_PROFILE=thorough
runs every mode at both shapes."""

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
    """Every hook triples the first item of the array the object was handed."""

    def __init__(self, d):
        self.d = d

    def __len__(self, *args):
        self.d[0] *= 3.0
        return 2

    def __abs__(self, *args):
        self.d[0] *= 3.0
        return 2.0

    def __float__(self, *args):
        self.d[0] *= 3.0
        return 2.0

    def __int__(self, *args):
        self.d[0] *= 3.0
        return 2

    def __index__(self, *args):
        self.d[0] *= 3.0
        return 1

    def __round__(self, *args):
        self.d[0] *= 3.0
        return 2

    def __hash__(self, *args):
        self.d[0] *= 3.0
        return 2

    def __format__(self, *args):
        self.d[0] *= 3.0
        return "2"

    def __str__(self, *args):
        self.d[0] *= 3.0
        return "2"

    def __repr__(self, *args):
        self.d[0] *= 3.0
        return "2"

    def __getitem__(self, *args):
        self.d[0] *= 3.0
        return 2.0

    def __lt__(self, *args):
        self.d[0] *= 3.0
        return True

    def __gt__(self, *args):
        self.d[0] *= 3.0
        return False

    def __le__(self, *args):
        self.d[0] *= 3.0
        return True

    def __ge__(self, *args):
        self.d[0] *= 3.0
        return False

    def __eq__(self, *args):
        self.d[0] *= 3.0
        return True

    def __ne__(self, *args):
        self.d[0] *= 3.0
        return False

    def __iter__(self):
        self.d[0] *= 3.0
        return iter([1.0, 2.0])


class Quiet:
    """The same hooks, writing nothing."""

    def __init__(self, d):
        self.d = d
        self.items = [1.0, 2.0]

    def __len__(self, *args):
        return 2

    def __abs__(self, *args):
        return 2.0

    def __float__(self, *args):
        return 2.0

    def __int__(self, *args):
        return 2

    def __index__(self, *args):
        return 1

    def __round__(self, *args):
        return 2

    def __hash__(self, *args):
        return 2

    def __format__(self, *args):
        return "2"

    def __str__(self, *args):
        return "2"

    def __repr__(self, *args):
        return "2"

    def __getitem__(self, *args):
        return 2.0

    def __lt__(self, *args):
        return True

    def __gt__(self, *args):
        return False

    def __le__(self, *args):
        return True

    def __ge__(self, *args):
        return False

    def __eq__(self, *args):
        return True

    def __ne__(self, *args):
        return False

    def __iter__(self):
        return iter(self.items)


class Box:
    def __init__(self, v):
        self.v = v


def length(x, w, v):
    n = float(len(v))                       # the hook
    return np.sum(v.d * x) * w * n


def for_loop(x, w, v):
    s = 0.0
    for o in v:                             # the hook
        s = s + o
    return np.sum(v.d * x) * w * s


def absolute(x, w, v):
    return np.sum(v.d * x) * w * abs(v)     # the hook


def to_float(x, w, v):
    return np.sum(v.d * x) * w * float(v)   # the hook


def to_int(x, w, v):
    return np.sum(v.d * x) * w * int(v)     # the hook


def rounded(x, w, v):
    return np.sum(v.d * x) * w * round(v)   # the hook


def hashed(x, w, v):
    n = hash(v) * 1.0                       # the hook
    return np.sum(v.d * x) * w * n


def formatted(x, w, v):
    n = float(format(v))                    # the hook
    return np.sum(v.d * x) * w * n


def f_string(x, w, v):
    n = float(f"{v}")                       # the hook
    return np.sum(v.d * x) * w * n


def as_string(x, w, v):
    n = float(str(v))                       # the hook
    return np.sum(v.d * x) * w * n


def represented(x, w, v):
    n = float(repr(v))                      # the hook
    return np.sum(v.d * x) * w * n


def indexed(x, w, v):
    return np.sum(v.d * x) * w * v[0]       # the hook


def as_index(x, w, v):
    return np.sum(v.d * x) * w * x[v]       # the hook


def less(x, w, v):
    n = 2.0 if v < 1.0 else 1.0             # the hook
    return np.sum(v.d * x) * w * n


def greater_on_the_right(x, w, v):
    n = 2.0 if 1.0 > v else 1.0             # the hook
    return np.sum(v.d * x) * w * n


def equal(x, w, v):
    n = 2.0 if v == 1.0 else 1.0            # the hook
    return np.sum(v.d * x) * w * n


def attribute_length(x, w, box):
    n = float(len(box.v))                   # the hook
    return np.sum(box.v.d * x) * w * n


def item_length(x, w, vs):
    n = float(len(vs[0]))                   # the hook
    return np.sum(vs[0].d * x) * w * n


def item_string(x, w, vs):
    n = float(str(vs[0]))                   # the hook
    return np.sum(vs[0].d * x) * w * n


def item_compared(x, w, vs):
    n = 2.0 if vs[0] < 1.0 else 1.0        # the hook
    return np.sum(vs[0].d * x) * w * n


def item_indexed(x, w, vs):
    n = vs[0][1]                            # the hook
    return np.sum(vs[0].d * x) * w * n


def item_formatted(x, w, vs):
    n = float(f"{vs[0]}")                   # the hook
    return np.sum(vs[0].d * x) * w * n


def printed_into_a_list(x, w, v):
    n = float(str([v])[1:-1])               # the hook
    return np.sum(v.d * x) * w * n


PROGRAMS = (length, for_loop, absolute, to_float, to_int, rounded, hashed, formatted, f_string, as_string,
            represented, indexed, as_index, less, greater_on_the_right, equal, attribute_length, item_length,
            item_string, item_compared, item_indexed, item_formatted)
NAMES = sorted(f.__name__ for f in PROGRAMS)
BY_NAME = {f.__name__: f for f in PROGRAMS}
HOOK = {"length": "__len__", "for_loop": "__iter__", "absolute": "__abs__", "to_float": "__float__",
        "to_int": "__int__", "rounded": "__round__", "hashed": "__hash__", "formatted": "__format__",
        "f_string": "__format__", "as_string": "__str__", "represented": "__repr__", "indexed": "__getitem__",
        "as_index": "__index__", "less": "__lt__", "greater_on_the_right": "__lt__", "equal": "__eq__",
        "attribute_length": "__len__", "item_length": "__len__", "item_string": "__str__",
        "item_compared": "__lt__", "item_indexed": "__getitem__", "item_formatted": "__format__"}


def _hidden(name, x, writing):
    """The program ``name`` reached through a lambda handing on ``*args`` (the form that
    hides the object's class when the code is made), and the object's array."""
    v = (Writing if writing else Quiet)(x * 1.5)
    args = (0.8, Box(v) if name.startswith("attribute") else [v] if name.startswith("item") else v)
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
def test_a_writing_hook_of_a_class_not_known_is_refused_at_the_line(transform, name):
    f, array = _hidden(name, X4, writing=True)
    x = X4.copy()
    was = array.copy()
    refused_in_words(BY_NAME[name], lambda: _run(transform, f, x))
    with pytest.raises(TypeError) as caught:
        _run(transform, f, x)
    text = str(caught.value)
    assert f"test_trust88c.py:{_hook_line(BY_NAME[name])}" in text, text
    assert f"Writing.{HOOK[name]}" in text and "may change something in place" in text, text
    assert np.array_equal(array, was), "a refusal changed the object's array"     # (hessian too: run first)
    assert np.array_equal(x, X4)


FOLLOWED = [(mode, name, x) for k, name in enumerate(NAMES)
            for mode in _ci(k, MODES) for x in ((X4, X6) if THOROUGH else ((X4, X6)[k % 2],))]


@pytest.mark.parametrize("mode, name, x", FOLLOWED)
def test_hooks_writing_nothing_are_followed(mode, name, x):
    f, _ = _hidden(name, x, writing=False)
    check(mode, f, (x.copy(),), (0,))


def test_every_mode_and_transform_runs_in_ci():
    for mode in MODES:
        assert sum(1 for m, _, _ in FOLLOWED if m == mode) >= 3, mode
    for transform in TRANSFORMS:
        assert sum(1 for t, _ in REFUSED if t == transform) >= 3, transform
    assert {x.size for _, _, x in FOLLOWED} == {4, 6}


def test_the_brief_program_is_refused_and_its_quiet_twin_is_right():
    """``len(v)`` with ``__len__`` tripling ``d[0]``: refused, ``d`` unchanged; with a
    ``__len__`` writing nothing, the gradient by hand: 2.0 * w * d."""
    d = np.array([1.4, 0.5, 2.0, -0.3])
    args = (1.2, Writing(d))
    with pytest.raises(TypeError, match="Writing.__len__"):
        astgrad.grad(lambda x: length(x, *args))(X4.copy())
    assert np.array_equal(d, [1.4, 0.5, 2.0, -0.3])
    quiet = (1.2, Quiet(d))
    assert np.allclose(astgrad.grad(lambda x: length(x, *quiet))(X4.copy()), 2.0 * 1.2 * d)


def test_a_lists_string_runs_its_items_repr():
    """``str([v])`` runs ``v.__repr__``: refused where it writes, followed where not."""
    args = (0.8, Writing(X4 * 1.5))
    refused_in_words(printed_into_a_list, lambda: astgrad.grad(lambda x: printed_into_a_list(x, *args))(X4.copy()))
    assert np.array_equal(args[1].d, X4 * 1.5)
    quiet = (0.8, Quiet(X4 * 1.5))
    check("grad", lambda x: printed_into_a_list(x, *quiet), (X4.copy(),), (0,))


def test_plain_values_pass():
    """Numbers, arrays and lists handed on the same way are read as Python does."""
    for v in ([1.0, 2.0], (1.0, 2.0), np.array([1.0, 2.0])):
        args = (0.8, v)

        def f(x, w, v):
            s = 0.0
            for o in v:
                s = s + o
            n = float(len(v)) + s + (1.0 if v[0] < 1.5 else 0.0) + float(len(f"{v}"))
            return np.sum(x * x) * w * n
        check("grad", lambda x: f(x, *args), (X4.copy(),), (0,))


class Generated:
    """``__iter__`` a generator: its steps run code of the user's not looked at."""

    def __init__(self, d):
        self.d = d

    def __iter__(self):
        yield 1.0
        yield 2.0


class Nested:
    """``return iter(self.items)`` where the items are an object of the user's."""

    def __init__(self, d, items):
        self.d, self.items = d, items

    def __iter__(self):
        return iter(self.items)


@pytest.mark.parametrize("transform", ("grad", "jvp"))
def test_an_iterator_of_the_users_is_refused(transform):
    for v in (Generated(X4 * 1.5), Nested(X4 * 1.5, Writing(X4 * 1.0))):
        args = (0.8, v)
        refused_in_words(for_loop, lambda: _run(transform, lambda x: for_loop(x, *args), X4.copy()))
        assert np.array_equal(v.d, X4 * 1.5)


LOG = []


class Held:
    """``arr`` its class's: every instance shares it."""
    arr = np.zeros(3)


class Own:
    def __init__(self):
        self.arr = np.zeros(3)


def logged_class_write(x, w):
    s = Held()
    LOG.append(1)                           # an effect outside the function, before the write
    s.arr[1] += w                           # the write
    return np.sum(x) * w * s.arr[1]


def logged_own_write(x, w):
    s = Own()
    LOG.append(1)
    s.arr[1] += w
    return np.sum(x * x) * w * s.arr[1]


def _run_at(transform, f, x):
    if transform == "grad":
        return astgrad.grad(f, wrt=(0, 1))(x, 0.8)
    if transform == "value_and_grad":
        return astgrad.value_and_grad(f, wrt=(0, 1))(x, 0.8)
    if transform == "vjp":
        return astgrad.vjp(f, x, 0.8)[1](1.0)
    if transform == "jvp":
        return astgrad.jvp(f, (x, 0.8), (np.ones(x.size), 1.0))
    return astgrad.hessian(f)(x, 0.8)


@pytest.mark.parametrize("transform", TRANSFORMS)
def test_a_write_into_a_class_held_array_is_refused_before_anything_runs(transform):
    """Refused when the code is made (nothing binds an 'arr' of the object's own), so the
    global list the function appends to first and the class's array are as they were."""
    LOG.clear()
    Held.arr = np.zeros(3)
    with pytest.raises(astgrad.TransformError, match=r"test_trust88c\.py:\d+: astgrad cannot differentiate a write "
                       r"into the ndarray Held\.arr, which an object of class Held holds no 'arr' of its own") as caught:
        _run_at(transform, logged_class_write, X4.copy())
    assert caught.value.line.strip() == "s.arr[1] += w                           # the write"
    assert LOG == [] and np.array_equal(Held.arr, np.zeros(3))
    assert logged_class_write(X4.copy(), 0.8) == pytest.approx(np.sum(X4) * 0.8 * 0.8)     # Python's own
    assert LOG == [1] and Held.arr[1] == 0.8
    Held.arr = np.zeros(3)


@pytest.mark.parametrize("mode, x", [(mode, (X4, X6)[k % 2]) for k, mode in enumerate(MODES)])
def test_a_write_into_the_objects_own_array_is_followed(mode, x):
    LOG.clear()
    check(mode, logged_own_write, (x.copy(), 0.8), (0, 1))
