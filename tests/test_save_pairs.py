"""Saved values and the stacks they go through, where dead-code elimination removes a
push together with its pop when nothing reads the value back (backend/dead_code.py):
names overwritten in loops and read by the reverse sweep (or only for their shape), in
branches, nested loops and a while loop left by break, against finite differences."""

import numpy as np
import pytest

from breadth_modes import MODES, check, ci_modes


def overwritten_in_a_loop(x, y):
    a = x * y
    for k in range(3):
        t = np.sin(a) * y
        a = a * t + t * 0.25
    return np.sum(a)


def shape_read_back(x, y):
    a = x * 1.0
    for k in range(3):
        t = np.cos(a) + y
        a = np.sum(t, axis=1, keepdims=True) * 0.1 + a * 0.5
    return np.sum(a * y)


def branches_in_a_loop(x, y):
    a = x * y
    for k in range(4):
        if np.sum(a) > 0.0:
            t = np.sin(a)
            a = a * 0.5 + t * y
        else:
            t = np.exp(a * 0.1)
            a = a - t * 0.25
    return np.sum(a ** 2)


def nested_loops(x, y):
    a = x * y
    for i in range(2):
        t = a * 0.5
        for j in range(3):
            s = np.tanh(a) * y
            a = a * 0.3 + s * t
        a = a + t
    return np.sum(a)


def while_with_break(x, y):
    a = x * y
    k = 0
    while k < 10:
        t = np.sin(a) * y
        a = a * 0.5 + t * 0.25
        k += 1
        if np.sum(np.abs(a)) < 0.1 * k:
            break
    return np.sum(a * a)


def loops_one_after_another(x, y):
    a = x * y
    for k in range(3):
        t = np.sin(a) * y
        a = a * 0.5 + t * 0.25
    a = a + x * 0.1
    for k in range(2):
        t = np.cos(a) * y
        a = a * 0.5 + t * 0.25
    return np.sum(a)


def _args(f):
    rng = np.random.default_rng(3)
    if f is shape_read_back:
        return (rng.normal(size=(3, 1)), rng.normal(size=4))
    return (rng.normal(size=4), rng.normal(size=4))


PROGRAMS = [overwritten_in_a_loop, shape_read_back, branches_in_a_loop, nested_loops, while_with_break,
            loops_one_after_another]
CASES = [(f, mode) for k, f in enumerate(PROGRAMS) for mode in dict.fromkeys(("grad",) + ci_modes(k))]


@pytest.mark.parametrize("f, mode", CASES, ids=[f"{f.__name__}-{mode}" for f, mode in CASES])
def test_saved_values_against_finite_differences(f, mode):
    check(mode, f, _args(f), (0, 1))


SCALE = 2.0


def a_global_copied_in_both_branches(x, w):
    if np.sum(w) > 0.0:
        r = SCALE
    else:
        r = SCALE
    r = r * x       # rebinds r: its adjoint needs SCALE, saved before
    return np.sum(r * w)


def _closure_copied_in_both_branches():
    scale = 1.5

    def a_closure_copied_in_both_branches(x, w):
        if np.sum(w) > 0.0:
            r = scale
        else:
            r = scale
        r = r * x
        return np.sum(r * w)
    return a_closure_copied_in_both_branches


OUTSIDE = [a_global_copied_in_both_branches, _closure_copied_in_both_branches()]


@pytest.mark.parametrize("f", OUTSIDE, ids=[f.__name__ for f in OUTSIDE])
@pytest.mark.parametrize("mode", MODES)
def test_a_name_copied_from_outside_and_rebound_saves_the_outside_value(f, mode):
    """``r = K`` in both branches, then ``r = r * x``: r held K's object, then another
    (a random campaign drew it: the adjoint read the new r, a silent wrong gradient)."""
    check(mode, f, _args(f), (0, 1))
