"""A ``collections.defaultdict(float)`` held by a dict, written by key (``d["acc"][k] =
d["acc"][k] + v``, also in a loop): the item written and stored back, as for a dict of
dicts, in every mode against central finite differences (tests/breadth_modes.py); the
twins where another name holds the defaultdict, or its factory returns a global's array,
refused naming the line."""

import collections

import numpy as np
import pytest

import astgrad
from breadth_modes import MODES, check

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


@pytest.mark.parametrize("f", [kept_under_a_name, factory_returning_a_global], ids=lambda f: f.__name__)
def test_write_another_name_would_see_is_refused(f):
    with pytest.raises(astgrad.TransformError, match=r"test_held_default_dicts.py:\d+"):
        astgrad.grad(f, wrt=(0, 1))(*ARGS)
