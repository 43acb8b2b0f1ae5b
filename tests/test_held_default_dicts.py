"""A ``collections.defaultdict(float)`` held by a dict, written by key (``d["acc"][k] =
d["acc"][k] + v``, also in a loop): the item written and stored back, as for a dict of
dicts, in every mode against central finite differences (tests/breadth_modes.py); where
another name holds the defaultdict too, the writes are seen through it at first order
(second order refused naming the line); a factory returning a global's array refused
naming the line."""

import collections

import numpy as np
import pytest

import astgrad
from breadth_modes import FIRST, MODES, check

G = np.zeros(3)


def accumulated_in_a_loop(x, w):
    d = {"acc": collections.defaultdict(float)}
    for i in range(3):
        d["acc"][i % 2] = d["acc"][i % 2] + x[i] * w
    return d["acc"][0] * d["acc"][1]


def written_once(x, w):
    d = {"acc": collections.defaultdict(float), "scale": w * 1.0}
    d["acc"]["a"] = np.sum(x ** 2) * d["scale"]
    return d["acc"]["a"] + d["acc"]["b"] * x[0]


ARGS = (np.array([0.3, -0.7, 1.1]), 0.9)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("f", [accumulated_in_a_loop, written_once], ids=lambda f: f.__name__)
def test_default_dict_held_by_a_dict(mode, f):
    check(mode, f, ARGS, (0, 1))


def kept_under_a_name(x, w):
    acc = collections.defaultdict(float)
    d = {"acc": acc}
    for i in range(3):
        d["acc"][i % 2] = d["acc"][i % 2] + x[i] * w
    return acc[0] * x[1]


def factory_returning_a_global(x, w):
    d = {"acc": collections.defaultdict(lambda: G)}
    t = d["acc"]["k"]
    t[0] = w
    return np.sum(G * x)


def test_write_another_name_would_see_is_refused():
    with pytest.raises(astgrad.TransformError, match=r"test_held_default_dicts.py:\d+"):
        astgrad.grad(factory_returning_a_global, wrt=(0, 1))(*ARGS)


@pytest.mark.parametrize("mode", FIRST)
def test_a_defaultdict_kept_under_a_name_sees_the_writes(mode):
    """``acc`` and ``d["acc"]`` are one object: the writes through the dict are read back
    through ``acc``, as in Python, at first order; differentiating twice is refused,
    naming the line of the write."""
    check(mode, kept_under_a_name, ARGS, (0, 1))


def test_a_defaultdict_kept_under_a_name_is_refused_at_second_order():
    with pytest.raises(astgrad.TransformError, match=r"test_held_default_dicts.py:\d+"):
        astgrad.hessian(kept_under_a_name)(*ARGS)
