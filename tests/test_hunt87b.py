"""Hooks Python runs on the way, beside the reads hooked_reads.py refused first: a dict's
key or a set's item (``{v: 1.0}``, ``{v}``, ``v in d``, ``hash(v)``) runs ``__hash__``,
an index (``x[v]``, ``range(v)``, ``operator.index(v)``) ``__index__``, and ``any``,
``all``, ``filter(None, ...)`` and ``sorted`` of a display run the items' ``__bool__`` and
``__lt__``. Where the hook writes into the array the object was handed, the gradient
was wrong with no error; now each is refused at the user's line, naming the method, in
grad and jvp. Where the hook writes nothing, the program is followed as before, right
against central differences in grad, jvp and hessian at two shapes (CI: one mode per
program in turn, each mode on at least three; every mode with HYPOTHESIS_PROFILE=thorough)."""

import inspect
import operator
import os

import numpy as np
import pytest

import astgrad
from breadth_modes import check

THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"
X4 = np.array([0.7, -1.3, 0.4, 2.1])
X6 = np.array([0.7, -1.3, 0.4, 2.1, -0.6, 1.1])
MODES = ("grad", "jvp", "hessian")


class Writing:
    """Each hook triples the first item of the array it was handed."""

    def __init__(self, d):
        self.d = d

    def __hash__(self):
        self.d[0] *= 3.0
        return 1

    def __index__(self):
        self.d[0] *= 3.0
        return 1

    def __bool__(self):
        self.d[0] *= 3.0
        return True

    def __lt__(self, other):
        self.d[0] *= 3.0
        return True


class Quiet:
    """The same hooks, writing nothing."""

    def __init__(self, d):
        self.d = d

    def __hash__(self):
        return 1

    def __index__(self):
        return 1

    def __bool__(self):
        return True

    def __lt__(self, other):
        return True


def _programs(K):
    """The programs, each making its object of class ``K``."""

    def dict_key(x, w):
        buf = x * 1.0
        v = K(buf)
        d = {v: 2.0}            # the hook
        return np.sum(buf * x) * w + d.get(1, 0.5)

    def set_item(x, w):
        buf = x * 1.0
        v = K(buf)
        s = {v}                 # the hook
        return np.sum(buf * x) * w * len(s)

    def in_dict(x, w):
        buf = x * 1.0
        v = K(buf)
        d = {1: 2.0}
        n = 1.0 if v in d else 2.0          # the hook
        return np.sum(buf * x) * w * n

    def hashed(x, w):
        buf = x * 1.0
        v = K(buf)
        h = hash(v)             # the hook
        return np.sum(buf * x) * w * (h + 1)

    def index(x, w):
        buf = x * 1.0
        v = K(buf)
        return np.sum(buf * x) * w + x[v] ** 2          # the hook

    def range_of(x, w):
        buf = x * 1.0
        v = K(buf)
        s = 0.0
        for i in range(v):      # the hook
            s = s + x[i] * w
        return np.sum(buf * x) + s

    def any_of(x, w):
        buf = x * 1.0
        v = K(buf)
        n = 2.0 if any([v]) else 1.0        # the hook
        return np.sum(buf * x) * w * n

    def all_of(x, w):
        buf = x * 1.0
        v = K(buf)
        n = 2.0 if all([v]) else 1.0        # the hook
        return np.sum(buf * x) * w * n

    def filtered(x, w):
        buf = x * 1.0
        v = K(buf)
        kept = list(filter(None, [v]))      # the hook
        return np.sum(buf * x) * w * len(kept)

    def sorted_of(x, w):
        buf = x * 1.0
        v = K(buf)
        u = K(buf)
        first = sorted([v, u])[0]           # the hook
        return np.sum(first.d * x) * w

    def item_store(x, w):
        buf = x * 1.0
        v = K(buf)
        d = {}
        d[v] = 2.0              # the hook
        return np.sum(buf * x) * w * len(d)

    def dict_comprehension(x, w):
        buf = x * 1.0
        v = K(buf)
        d = {v: 2.0 for _ in range(2)}      # the hook
        return np.sum(buf * x) * w * len(d)

    def set_call(x, w):
        buf = x * 1.0
        v = K(buf)
        s = frozenset([v])      # the hook
        return np.sum(buf * x) * w * len(s)

    def slice_bound(x, w):
        buf = x * 1.0
        v = K(buf)
        return np.sum(buf * x) * w + np.sum(x[v:] ** 2)     # the hook

    def min_of(x, w):
        buf = x * 1.0
        v = K(buf)
        u = K(buf * 2.0)
        least = min(v, u)       # the hook
        return np.sum(least.d * x) * w

    def max_of(x, w):
        buf = x * 1.0
        v = K(buf)
        u = K(buf * 2.0)
        most = max([v, u])      # the hook
        return np.sum(most.d * x) * w

    def dict_get(x, w):
        buf = x * 1.0
        v = K(buf)
        d = {1: 2.0}
        return np.sum(buf * x) * w * d.get(v, 3.0)      # the hook

    return {f.__name__: f for f in (dict_get, dict_key, set_item, in_dict, hashed, index, range_of, any_of, all_of,
                                    filtered, sorted_of, item_store, dict_comprehension, set_call, slice_bound,
                                    min_of, max_of)}


def operator_index(x, w):
    buf = x * 1.0
    v = Writing(buf)
    k = operator.index(v)       # the hook
    return np.sum(buf * x) * w * k


WRITING = _programs(Writing)
WRITING["operator_index"] = operator_index
# (min and max of objects are refused with a hook writing nothing too: astgrad does not
# follow the comparison their result comes from)
QUIET = {name: f for name, f in _programs(Quiet).items() if name not in ("min_of", "max_of")}
HOOK = {"dict_get": "__hash__", "dict_key": "__hash__", "set_item": "__hash__", "in_dict": "__hash__", "hashed": "__hash__",
        "index": "__index__", "range_of": "__index__", "operator_index": "__index__", "any_of": "__bool__",
        "all_of": "__bool__", "filtered": "__bool__", "sorted_of": "__lt__", "item_store": "__hash__",
        "dict_comprehension": "__hash__", "set_call": "__hash__", "slice_bound": "__index__", "min_of": "__lt__",
        "max_of": "__lt__"}


def _hook_line(f):
    lines, first = inspect.getsourcelines(f)
    return first + next(k for k, line in enumerate(lines) if "# the hook" in line)


@pytest.mark.parametrize("name", sorted(WRITING))
@pytest.mark.parametrize("mode", ("grad", "jvp"))
def test_a_writing_hook_is_refused_at_the_line(name, mode):
    f = WRITING[name]
    x = X4.copy()
    with pytest.raises(astgrad.TransformError) as caught:
        if mode == "grad":
            astgrad.grad(f)(x, 0.8)
        else:
            astgrad.jvp(f, (x, 0.8), (np.ones(4), 0.0))
    text = str(caught.value)
    assert f"Writing.{HOOK[name]}" in text and "may change something in place" in text, text
    assert f"test_hunt87b.py:{_hook_line(f)}" in text, text
    assert np.array_equal(x, X4)


def _ci_modes(k):
    """One mode per program in CI, the modes in turn."""
    return MODES if THOROUGH else (MODES[k % len(MODES)],)


FOLLOWED = [(mode, name, x) for k, name in enumerate(sorted(QUIET)) for mode in _ci_modes(k)
            for x in ((X4, X6) if THOROUGH else ((X4, X6)[k % 2],))]


@pytest.mark.parametrize("mode, name, x", FOLLOWED)
def test_a_hook_writing_nothing_is_followed(mode, name, x):
    check(mode, QUIET[name], (x.copy(), 0.8), (0, 1))


def test_every_mode_and_shape_runs_in_ci():
    for mode in MODES:
        assert sum(1 for k in range(len(QUIET)) if mode in _ci_modes(k)) >= 3, mode
    assert {x.size for _, _, x in FOLLOWED} == {4, 6}


def test_sorted_by_a_key_runs_no_hook_of_the_items():
    def f(x, w):
        buf = x * 1.0
        first = sorted([Writing(buf), Writing(buf * 2.0)], key=lambda o: float(o.d[1]))[0]
        return np.sum(first.d * x) * w
    check("grad", f, (X4.copy(), 0.8), (0, 1))
