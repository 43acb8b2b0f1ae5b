"""Helpers appending to a list they are given (frontend/collectors.py) and helpers
writing into their arguments (inlined), against Python itself and finite differences.

Fixed programs aim at what the twin (the helper rewritten to return what it appends)
must keep: the order of the caller's own appends around the call, an early return, a
recursion that does not recurse (a leaf at depth 0) or meets an empty list, the list
aliased by a second name, the list's length read between appends, a list of numbers,
and the same list passed twice (refused). hypothesis draws random nestings of
recursive collectors called on random structures. Each program must give f's own value
(value_and_grad), the gradient of central finite differences, the same gradient on a
second call, and jvp == the gradient contracted with the tangent; or be refused
(TransformError, or a TypeError naming what astgrad cannot follow).

``op=`` on an array held by a list changes that array object in place (Python), so
another name or item holding it changes too: astgrad refuses it when it runs rather
than differentiating a copy (the regression tests at the end).
"""

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, note, settings
from hypothesis import strategies as st

import astgrad
from fd import assert_close, numerical_grad
from program_files import load

THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"

HELPERS = '''
import numpy as np


def add2(a, out):
    t = a * 2.0
    out.append(t)
    out.append(np.sin(t))


def add_early(a, out):
    if np.sum(a) > 0:
        out.append(a * a)
        return
    out.append(-a)


def flat(v, out):
    if isinstance(v, (list, tuple)):
        for item in v:
            flat(item, out)
    else:
        out.append(v)


def flat_scaled(v, out, k):
    if isinstance(v, dict):
        for key in sorted(v):
            flat_scaled(v[key], out, k + 1.0)
    elif isinstance(v, (list, tuple)):
        for item in v:
            flat_scaled(item, out, k * 2.0)
    else:
        out.extend([v * k, np.cos(v)])


def append_arg(a, out):
    out.append(a)


def add_to_both(a, out, other):
    out.append(a)
    other.append(a * 3.0)


def scale_first(a, b):
    a *= 2.0
    return np.sum(b * b)


def write0(a, v):
    a[0] = v
    return a


def add_into(out, v):
    out += v
'''

PROGRAMS = {
    "early_return": "ys = [x]\n    add_early(x, ys)\n    add_early(-x, ys)\n    return np.sum(ys[0] * ys[1] + ys[2])",
    "depth_zero": "ys = []\n    flat(x, ys)\n    return np.sum(ys[0] ** 3)",
    "interleaved": "ys = [x]\n    flat([x * 2.0, [x * 3.0]], ys)\n    ys.append(x * 5.0)\n    flat([], ys)\n"
                   "    return np.sum(ys[0] + 2 * ys[1] + 3 * ys[2] + 4 * ys[3])",
    "two_names": "ys = []\n    zs = ys\n    append_arg(x, zs)\n    append_arg(x * 2.0, ys)\n"
                 "    return np.sum(ys[0] * zs[1]) + len(ys)",
    "length_between": "ys = []\n    for k in range(3):\n        append_arg(x * len(ys), ys)\n    return np.sum(ys[1] + ys[2])",
    "reads_own_items": "ys = []\n    append_arg(x, ys)\n    append_arg(ys[0] * 2.0, ys)\n    return np.sum(ys[1] * ys[0])",
    "numbers": "ys = []\n    for k in range(3):\n        append_arg(float(np.sum(x)) * k, ys)\n    return sum(ys) * np.sum(x)",
    "appends_twice": "ys = []\n    add2(x, ys)\n    add2(ys[1], ys)\n    return np.sum(ys[0] * ys[3] + ys[2])",
    "same_list_twice": "ys = []\n    add_to_both(x, ys, ys)\n    return np.sum(ys[0] * ys[1])",
    "writes into the same array twice passed": "y = x * 1.0\n    return scale_first(y, y) + np.sum(y)",
    "writes into what it returns": "y = x * 1.0\n    z = write0(y, x[1] * 3.0)\n    z[1] = 5.0 * x[0]\n"
                                   "    return np.sum(y * x)",
    "writes into an alias": "y = x * 1.0\n    w = y\n    add_into(w, x)\n    return np.sum(y * x)",
    "writes into the argument": "add_into(x, 1.0)\n    return np.sum(x * x)",
    "writes in a loop": "y = x * 1.0\n    for k in range(3):\n        add_into(y, y * 0.5)\n        write0(y, y[-1])\n"
                        "    return np.sum(y)",
    "nested_scaled": "ys = []\n    flat_scaled({'b': [x, (x * x,)], 'a': x[::-1]}, ys, 1.0)\n"
                     "    return sum(np.sum(v * v) for v in ys)",
}


def program(body):
    return load(HELPERS + "\n\ndef prog(x):\n    " + body + "\n")


def check(fn, x):
    """f's value, finite differences, a second call and jvp, or a refusal: True if run."""
    try:
        g = astgrad.value_and_grad(fn)
        value, grad = g(x.copy())
    except (astgrad.TransformError, TypeError) as error:
        assert isinstance(error, astgrad.TransformError) or "astgrad" in str(error), error
        return False
    assert_close(value, fn(x.copy()), rtol=1e-12, atol=1e-12, msg="value")
    assert_close(grad, numerical_grad(fn, (x.copy(),)), rtol=1e-5, atol=1e-6, msg="gradient vs fd")
    np.testing.assert_array_equal(g(x.copy())[1], grad)
    tangent = np.linspace(-1.0, 1.0, x.size).reshape(x.shape)
    _, jvp = astgrad.jvp(fn, (x.copy(),), (tangent,))
    assert_close(jvp, np.sum(grad * tangent), rtol=1e-9, atol=1e-11, msg="jvp vs gradient")
    return True


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_collecting_helpers_against_python(name):
    fn = program(PROGRAMS[name])
    for x in (np.array([0.3, -0.7, 1.1]), np.array([0.4]))[:2 if THOROUGH else 1]:
        try:
            fn(x.copy())
        except IndexError:              # x[1] of one element: the derivative raises as Python does
            with pytest.raises(IndexError):
                astgrad.value_and_grad(fn)(x.copy())
            continue
        ran = check(fn, x)
        assert ran == (name != "same_list_twice"), name


def _structure(draw, depth):
    """Python text of a nesting of lists, tuples and dicts whose leaves read x."""
    if depth == 0 or draw(st.integers(0, 2)) == 0:
        return draw(st.sampled_from(["x", "x * x", "np.sin(x)", "x[::-1]", "x * 0.5 + 1.0"]))
    items = [_structure(draw, depth - 1) for _ in range(draw(st.integers(0, 3)))]
    shape = draw(st.sampled_from(["list", "tuple", "dict"]))
    if shape == "list":
        return "[" + ", ".join(items) + "]"
    if shape == "tuple":
        return "(" + "".join(i + ", " for i in items) + ")"
    return "{" + ", ".join(f"'k{i}': {item}" for i, item in enumerate(items)) + "}"


@settings(max_examples=300 if THOROUGH else 3, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(data=st.data())
def test_random_structures_through_recursive_collectors(data):
    draw = data.draw
    calls = []
    for k in range(draw(st.integers(1, 3))):
        helper = draw(st.sampled_from(["flat({s}, ys)", "flat_scaled({s}, ys, 1.5)", "append_arg({s}, ys)",
                                       "add2(x * {k}.0, ys)", "ys.append(np.tanh(x) * {k})"]))
        calls.append(helper.format(s=_structure(draw, 3 if THOROUGH else 2), k=k + 1))
    result = draw(st.sampled_from(["sum(np.sum(v * v) for v in ys)", "np.sum(ys[0] * ys[-1]) + len(ys)",
                                   "sum(np.sum(np.sin(v)) * (i + 1.0) for i, v in enumerate(ys))"]))
    body = "ys = []\n    " + "\n    ".join(calls) + "\n    if not ys:\n        return np.sum(x * 0.0)\n    return " + result
    note(body)
    fn, x = program(body), np.array([0.3, -0.7, 1.1])
    try:
        fn(x.copy())
    except (TypeError, ValueError, IndexError):
        assume(False)                   # not a program Python runs (a list times a list)
    check(fn, x)


# -- op= on an item of a list or dict (regressions: these gave f's value and gradient
# as if the item were a copy) ---------------------------------------------------------

ITEM_UPDATES = {
    "the same array twice": "t = x * 2.0\n    ys = [t, t]\n    ys[0] *= 3.0\n    return np.sum(ys[0] + ys[1] * x)",
    "a list repeated": "ys = [np.zeros(3)] * 3\n    ys[0] += x\n    return np.sum(ys[1] * x)",
    "a name holding it": "t = x * 2.0\n    ys = []\n    ys.append(t)\n    ys[0] *= 3.0\n    return np.sum(ys[0] + t * x)",
    "appended twice by a helper": "ys = []\n    append_arg(x * 2.0, ys)\n    ys.append(ys[0])\n"
                                  "    ys[0] *= 3.0\n    return np.sum(ys[0] + ys[1] * x)",
    "an item of a dict": "t = x * 2.0\n    d = {'a': t}\n    d['a'] *= 3.0\n    return np.sum(d['a'] + t * x)",
    "the argument": "ys = [x]\n    ys[0] *= 3.0\n    return np.sum(ys[0] * x)",
}


@pytest.mark.parametrize("name", sorted(ITEM_UPDATES))
def test_op_assignment_on_an_array_held_by_a_list_is_refused(name):
    fn = program(ITEM_UPDATES[name])
    with pytest.raises(TypeError, match=r"op= \(\+= and the like\) on an ndarray held by a (list|dict)"):
        astgrad.value_and_grad(fn)(np.array([0.3, -0.7, 1.1]))
    with pytest.raises(TypeError, match="held by a"):
        astgrad.jvp(fn, (np.array([0.3, -0.7, 1.1]),), (np.ones(3),))


def test_op_assignment_on_numbers_in_a_list_and_on_array_elements_still_works():
    fn = program("acc = [0.0, 1.0]\n    y = x * 1.0\n    for k in range(3):\n        acc[k % 2] += np.sum(x) * k\n"
                 "        y[k] *= acc[0] + 1.0\n    y[[0, 0, 1]] += x[:3]\n    return acc[0] * acc[1] + np.sum(y * y)")
    assert check(fn, np.array([0.3, -0.7, 1.1]))
