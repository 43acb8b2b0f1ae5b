"""Hooks Python runs on items astgrad does not see when it makes the code: ``any(vs)``,
``all(vs)``, ``filter(None, vs)`` (``__bool__``), ``sorted(vs)``, ``min(vs)``, ``max(vs)``
(``__lt__``/``__gt__``), ``set(vs)``, ``dict.fromkeys(vs)`` (``__hash__``) and ``v in vs``
(a list's ``__eq__``) with ``vs`` a list held in a name, an attribute or an argument (also
through ``list(vs)``, ``vs[1:]``, ``(v for v in vs)`` and ``d.values()``). A
hook writing into the array its object was handed gave a wrong gradient with no error;
now each is refused in words naming the user's line and the hook, in every transform,
the caller's arrays as they were. Where the hooks write nothing, the programs are
followed, right against central differences (tests/breadth_modes.py). ``v in seq`` with
``seq`` a list runs ``__eq__``, not ``__hash__``: a writing ``__hash__`` no longer
refuses it. CI runs one mode per program in turn (each mode on at least three programs);
HYPOTHESIS_PROFILE=thorough runs every mode at both shapes. Last, a callee compared by
identity (``if g is helpers.g:``) no longer skips the check that refuses before anything
changed."""

import inspect
import os
import sys

import numpy as np
import pytest

import astgrad
import trust87_programs
from breadth_modes import check
from refusal_words import refused_in_words

THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"
X4 = np.array([0.7, -1.3, 0.4, 2.1])
X6 = np.array([0.7, -1.3, 0.4, 2.1, -0.6, 1.1])
TRANSFORMS = ("grad", "value_and_grad", "vjp", "jvp", "hessian", "jacobian")
MODES = ("grad", "jvp", "hessian")


class Writing:
    """Each hook triples the first item of the array it was handed."""

    def __init__(self, d):
        self.d = d

    def __hash__(self):
        self.d[0] *= 3.0
        return 1

    def __eq__(self, other):
        self.d[0] *= 3.0
        return self is other

    def __bool__(self):
        self.d[0] *= 3.0
        return True

    def __lt__(self, other):
        self.d[0] *= 3.0
        return False

    def __gt__(self, other):
        self.d[0] *= 3.0
        return False


class Quiet:
    """The same hooks, writing nothing."""

    def __init__(self, d):
        self.d = d

    def __hash__(self):
        return 1

    def __eq__(self, other):
        return self is other

    def __bool__(self):
        return True

    def __lt__(self, other):
        return False

    def __gt__(self, other):
        return False


class Box:
    def __init__(self, vs):
        self.vs = vs


def _programs(K):
    """The programs, each making (or given) a list of objects of class ``K``."""

    def any_name(x, w):
        buf = x * 1.0
        vs = [K(buf), K(buf * 2.0)]
        n = 2.0 if any(vs) else 1.0         # the hook
        return np.sum(buf * x) * w * n

    def all_attribute(x, w):
        buf = x * 1.0
        box = Box([K(buf)])
        n = 2.0 if all(box.vs) else 1.0     # the hook
        return np.sum(buf * x) * w * n

    def any_argument(x, w, vs):
        n = 2.0 if any(vs) else 1.0         # the hook
        return np.sum(vs[0].d * x) * w * n

    def filter_name(x, w):
        buf = x * 1.0
        vs = [K(buf)]
        n = len(list(filter(None, vs)))     # the hook
        return np.sum(buf * x) * w * n

    def sorted_name(x, w):
        buf = x * 1.0
        vs = [K(buf), K(buf * 2.0)]
        n = len(sorted(vs))                 # the hook
        return np.sum(buf * x) * w * n

    def sorted_attribute(x, w):
        buf = x * 1.0
        box = Box([K(buf), K(buf * 2.0)])
        n = len(sorted(box.vs))             # the hook
        return np.sum(buf * x) * w * n

    def sorted_argument(x, w, vs):
        n = len(sorted(vs))                 # the hook
        return np.sum(vs[0].d * x) * w * n

    def in_name(x, w):
        buf = x * 1.0
        probe = K(buf * 0.5)
        vs = [K(buf), K(buf * 2.0)]
        n = 2.0 if probe in vs else 1.0     # the hook
        return np.sum(buf * x) * w * n

    def in_argument(x, w, vs):
        probe = 1.5
        n = 2.0 if probe in vs else 1.0     # the hook
        return np.sum(vs[0].d * x) * w * n

    def set_name(x, w):
        buf = x * 1.0
        vs = [K(buf), K(buf * 2.0)]
        n = len(set(vs))                    # the hook
        return np.sum(buf * x) * w * n

    def fromkeys_attribute(x, w):
        buf = x * 1.0
        box = Box([K(buf), K(buf * 2.0)])
        n = len(dict.fromkeys(box.vs))      # the hook
        return np.sum(buf * x) * w * n

    def any_generator(x, w):
        buf = x * 1.0
        vs = [K(buf), K(buf * 2.0)]
        n = 2.0 if any(v for v in vs) else 1.0      # the hook
        return np.sum(buf * x) * w * n

    def all_values(x, w):
        buf = x * 1.0
        d = {"a": K(buf), "b": K(buf * 2.0)}
        n = 2.0 if all(d.values()) else 1.0     # the hook
        return np.sum(buf * x) * w * n

    def sorted_copy(x, w):
        buf = x * 1.0
        box = Box([K(buf), K(buf * 2.0)])
        n = len(sorted(list(box.vs)))       # the hook
        return np.sum(buf * x) * w * n

    def any_slice(x, w, vs):
        n = 2.0 if any(vs[1:]) else 1.0     # the hook
        return np.sum(vs[0].d * x) * w * n

    def min_name(x, w):
        buf = x * 1.0
        vs = [K(buf), K(buf * 2.0)]
        least = min(vs)                     # the hook
        return np.sum(least.d * x) * w

    def max_attribute(x, w):
        buf = x * 1.0
        box = Box([K(buf), K(buf * 2.0)])
        most = max(box.vs)                  # the hook
        return np.sum(most.d * x) * w

    return {f.__name__: f for f in (any_name, all_attribute, any_argument, filter_name, sorted_name,
                                    sorted_attribute, sorted_argument, in_name, in_argument, set_name,
                                    fromkeys_attribute, any_generator, all_values, sorted_copy, any_slice,
                                    min_name, max_attribute)}


WRITING = _programs(Writing)
# (min and max of objects are refused with hooks writing nothing too: astgrad does not
# follow the comparison their result comes from)
QUIET = {name: f for name, f in _programs(Quiet).items() if name not in ("min_name", "max_attribute")}


def _arguments(name, x, K):
    """The arguments of program ``name``: the list of objects too where it takes one."""
    if name.endswith("_argument") or name == "any_slice":
        return (x.copy(), 0.8, [K(x * 1.0), K(x * 2.0)])
    return (x.copy(), 0.8)


def _run(transform, f, args):
    if transform == "grad":
        return astgrad.grad(f)(*args)
    if transform == "value_and_grad":
        return astgrad.value_and_grad(f)(*args)
    if transform == "vjp":      # (of x alone: objects are no part of vjp's and jvp's arguments)
        value, pullback = astgrad.vjp(lambda x: f(x, *args[1:]), args[0])
        return pullback(1.0)
    if transform == "jvp":
        return astgrad.jvp(lambda x: f(x, *args[1:]), (args[0],), (np.ones(args[0].size),))
    if transform == "hessian":
        return astgrad.hessian(f)(*args)
    return astgrad.jacobian(f)(*args)


def _hook_line(f):
    lines, first = inspect.getsourcelines(f)
    return first + next(k for k, line in enumerate(lines) if "# the hook" in line)


def _ci(k, choices):
    """One choice per program in CI, in turn; all of them when thorough."""
    return choices if THOROUGH else (choices[k % len(choices)],)


REFUSED = [(transform, name) for k, name in enumerate(sorted(WRITING)) for transform in _ci(k, TRANSFORMS)]


@pytest.mark.parametrize("transform, name", REFUSED)
def test_a_writing_hook_of_items_is_refused_at_the_line(transform, name):
    f = WRITING[name]
    args = _arguments(name, X4, Writing)
    before = [a.copy() for a in args if isinstance(a, np.ndarray)] + [v.d.copy() for v in args[2:3] for v in v]
    refused_in_words(f, lambda: _run(transform, f, args))
    try:
        _run(transform, f, args)
    except (astgrad.TransformError, TypeError) as error:
        text = str(error)
    assert f"test_trust88.py:{_hook_line(f)}" in text, text
    assert "Writing.__" in text and "may change something in place" in text, text
    after = [a for a in args if isinstance(a, np.ndarray)] + [v.d for v in args[2:3] for v in v]
    assert all(np.array_equal(a, b) for a, b in zip(after, before)), "a refusal changed the caller's arrays"


# the programs taking the list as an argument: its objects are no part of vjp's gradient
FOLLOWED = [(mode, name, x) for k, name in enumerate(sorted(QUIET))
            for mode in _ci(k, MODES) for x in ((X4, X6) if THOROUGH else ((X4, X6)[k % 2],))]


@pytest.mark.parametrize("mode, name, x", FOLLOWED)
def test_hooks_of_items_writing_nothing_are_followed(mode, name, x):
    check(mode, QUIET[name], _arguments(name, x, Quiet), (0, 1))


def test_every_mode_and_transform_runs_in_ci():
    for mode in MODES:
        assert sum(1 for m, _, _ in FOLLOWED if m == mode) >= 3, mode
    for transform in TRANSFORMS:
        assert sum(1 for t, _ in REFUSED if t == transform) >= 2, transform
    assert {x.size for _, _, x in FOLLOWED} == {4, 6}


class HashWrites:
    """A ``__hash__`` that writes, and Python's own ``__eq__``: a list's ``in`` runs only
    the latter."""

    def __init__(self, d):
        self.d = d

    def __hash__(self):
        self.d[0] *= 3.0
        return 1


def in_a_list(x, w):
    buf = x * 1.0
    v = HashWrites(buf)
    seq = [1.0, 2.0]
    n = 2.0 if v in seq else 1.0
    return np.sum(buf * x) * w * n


def in_a_list_argument(x, w, seq):
    buf = x * 1.0
    v = HashWrites(buf)
    n = 2.0 if v in seq else 1.0
    return np.sum(buf * x) * w * n


def in_a_dict_argument(x, w, seq):
    buf = x * 1.0
    v = HashWrites(buf)
    n = 2.0 if v in seq else 1.0            # the hook
    return np.sum(buf * x) * w * n


@pytest.mark.parametrize("mode, f, x", [("value_and_grad", in_a_list, X4), ("jvp", in_a_list, X6),
                                        ("hessian", in_a_list_argument, X4), ("grad", in_a_list_argument, X6)])
def test_a_list_runs_eq_not_hash(mode, f, x):
    args = (x.copy(), 0.8) if f is in_a_list else (x.copy(), 0.8, [1.0, 2.0])
    check(mode, f, args, (0, 1))


@pytest.mark.parametrize("transform", ("grad", "jvp"))
def test_a_dict_runs_hash(transform):
    args = (X4.copy(), 0.8, {1.0: 2.0})
    refused_in_words(in_a_dict_argument, lambda: _run(transform, in_a_dict_argument, args))
    with pytest.raises(TypeError, match=rf"test_trust88.py:{_hook_line(in_a_dict_argument)}: .*HashWrites.__hash__"):
        _run(transform, in_a_dict_argument, args)
    assert np.array_equal(args[0], X4)


def test_plain_items_pass():
    def f(x, w, vs):
        n = (2.0 if any(vs) else 1.0) + len(sorted(vs)) + len(set(vs)) + (1.0 if 0.5 in vs else 0.0)
        return np.sum(x * x) * w * n
    check("grad", f, (X4.copy(), 0.8, [0.5, 2.0, 3]), (0, 1))
    check("grad", f, (X4.copy(), 0.8, [np.float64(0.5), (1.0, 2.0)][:1]), (0, 1))


# A callee compared by identity (``if g is helpers.g:``): the check run before the
# function's own call (writes_checked_first.py) replaces both sides by the one checking
# code of the callee, so the comparison answers as it does and a refusal of the callee's
# write into its class's array comes before anything changed (it was skipped, and the
# class's array changed before the refusal). vjp and jvp reach it through a lambda
# (``_run``): the callee's value code astgrad made, which calls the writer, is checked too.
WRITER = trust87_programs.class_item_write
OWN_WRITER = trust87_programs.own_item_write
HELD_REFUSAL = r"trust87_programs\.py:\d+: this writes into a list, dict or array the Held object does not hold itself"


def compared_writer(x, w):
    if WRITER is trust87_programs.class_item_write:
        return WRITER(x, w)
    return np.sum(x) * w


def compared_own_writer(x, w):
    if OWN_WRITER is not trust87_programs.own_item_write:
        return np.sum(x) * w
    return OWN_WRITER(x, w)


@pytest.mark.parametrize("transform", TRANSFORMS)
def test_a_callee_compared_by_identity_is_refused_before_anything_changed(transform):
    trust87_programs.reset()
    x = X4.copy()
    with pytest.raises(TypeError, match=HELD_REFUSAL):
        _run(transform, compared_writer, (x, 0.8))
    assert np.array_equal(trust87_programs.Held.arr, np.zeros(3)), f"{transform} changed Held.arr"
    assert np.array_equal(x, X4)
    trust87_programs.reset()


@pytest.mark.parametrize("mode, x", [("grad", X4), ("jvp", X6), ("hessian", X4)])
def test_a_callee_compared_by_identity_is_followed(mode, x):
    check(mode, compared_own_writer, (x.copy(), 0.8), (0, 1))


class Bag:
    """A container whose ``__contains__`` writes into the array it was handed."""

    def __init__(self, d):
        self.d = d

    def __contains__(self, item):
        self.d[0] *= 3.0
        return True


def in_a_bag(x, w, bag):
    n = 2.0 if 1.0 in bag else 1.0          # the hook
    return np.sum(bag.d * x) * w * n


def _bag_through_a_lambda(through_module=False):
    args = (0.8, Bag(X4 * 1.0))
    if through_module:
        module = sys.modules[__name__]
        return args[1], lambda x: module.in_a_bag(x, *args)
    return args[1], lambda x: in_a_bag(x, *args)      # (the form that hides the bag's class)


@pytest.mark.parametrize("transform", ("grad", "hessian"))
def test_a_container_of_a_class_not_known_runs_its_contains(transform):
    """Reached through a lambda handing on ``*args``, the bag's class is not known when the
    code is made: the check when it runs finds its ``__contains__``."""
    bag, f = _bag_through_a_lambda()
    refused_in_words(in_a_bag, lambda: _run(transform, f, (X4.copy(),)))
    if transform == "grad":     # (hessian: test_..._is_as_it_was_after_the_refusal)
        assert np.array_equal(bag.d, X4), "a refusal changed the bag's array"


@pytest.mark.parametrize("transform, through_module", [("hessian", False), ("grad", True)])
def test_a_container_of_a_class_not_known_is_as_it_was_after_the_refusal(transform, through_module):
    """hessian runs its first column, whose code checks the hook, before the function
    itself; the lambda's code calls module.in_a_bag's value code, which checks it too."""
    bag, f = _bag_through_a_lambda(through_module)
    with pytest.raises(TypeError):
        _run(transform, f, (X4.copy(),))
    assert np.array_equal(bag.d, X4), "a refusal changed the bag's array"



def sorted_in_place(x, w):
    vals = [v * w + 1.0 for v in x]
    vals.sort()  # the hook
    return vals[0] * vals[-1]


def test_the_check_of_a_list_sorted_in_place_names_the_users_line():
    """``xs.sort()`` is lowered as ``xs[:] = sorted(xs)``, a call the normalizer writes
    with no line: the check of its items, when the code runs, names the line of
    ``xs.sort()`` (it named line None)."""
    derivative = astgrad.grad(sorted_in_place)
    where = f"test_trust88.py:{_hook_line(sorted_in_place)}'"
    assert where in derivative.source and ":None'" not in derivative.source, derivative.source
    check("grad", sorted_in_place, (X4.copy(), 0.8), (0, 1))
