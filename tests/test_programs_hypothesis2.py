"""Random programs over the newer constructs (tests/newer_programs.py: dicts and lists
built and read, objects changed by their methods, a model's layers, closures,
functools.partial, *args, preallocated buffers, repeated fancy indices, views,
np.where with NaN on the side not taken, ties, early returns, while with break,
float32, int, 0-d and list arguments, a global counter), each compared in grad,
value_and_grad, jvp, hessian and grad(grad) with central finite differences, and in
what a gradient call leaves behind with one Python call.

CI runs a few derandomized examples; a long hunt is
``python tests/newer_programs.py --count 2000 --start N``, or this file with
``HYPOTHESIS_PROFILE=thorough`` and ``--hypothesis-seed``.
"""

import os
import re

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

import astgrad
from astgrad import runtime
import newer_programs
from adversarial import FAILING, INVALID, PRELUDE, HypothesisChooser, load
from fd import assert_close, numerical_grad, numerical_jvp

if os.environ.get("HYPOTHESIS_PROFILE") == "thorough":
    _SETTINGS = settings(deadline=None,
                         suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
else:   # a few fixed examples: the long hunt is run by hand (module docstring)
    _SETTINGS = settings(max_examples=6, derandomize=True, deadline=None,
                         suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])


@_SETTINGS
@given(data=st.data())
def test_newer_program(data):
    case = newer_programs.gen_newer(HypothesisChooser(data))
    outcome = newer_programs.check(case)
    assume(outcome.kind != INVALID)
    assert outcome.kind not in FAILING, outcome.report()


def test_generator_reaches_every_stage_and_argument_kind():
    # generation alone (no differentiation): a narrowed generator would make the
    # property test above check less than it says
    sources, labels = [], set()
    for seed in range(300):
        case = newer_programs.generate(seed)
        sources.append(case.source.split("\ndef f(x, s):\n")[1])
        labels.add(case.label)
    text = "\n".join(sources)
    for construct in ["d0.get(", ".items()", ".append(", ".pop(", "Acc(", "for layer in",
                      "functools.partial", "total(*", "nonlocal", "buf", "[[0, 0, 2]] +=",
                      "np.where", "np.maximum(z, z)", "return np.sum", "while True", "break",
                      "bump()", "x[0] = x[0] * s"]:
        assert construct in text, construct
    for kind in ["x vec", "x list", "x zero_d", "x f32"]:
        assert any(label.startswith(kind) for label in labels), kind
    assert any(label.endswith("s int") for label in labels)


# ---------------------------------------------------------------------------
# Regression cases the hunt found (each its minimal program)
# ---------------------------------------------------------------------------

SELF_WRITES = PRELUDE + '''
W = np.arange(3.0)


def permuted(z):
    buf = z * 1.0
    buf[[2, 1, 0]] = buf
    return np.sum(buf ** 3 * W)


def permuted_argument(z):
    z[np.array([2, 0, 1])] = z
    return np.sum(np.sin(z) * W)


def repeated_in_a_loop(z):
    buf = np.sin(z)
    for i in range(2):
        buf[[0, 0, 1]] = buf
        buf = buf * z
    return np.sum(buf * W)


def columns(z):
    buf = np.zeros((2, 3))
    buf[0] = z
    buf[1] = z * z
    buf[:, [2, 1, 0]] = buf
    return np.sum(buf ** 2 * W)
'''


@pytest.mark.parametrize("name", ["permuted", "permuted_argument", "repeated_in_a_loop", "columns"])
def test_a_fancy_index_write_of_the_array_itself(name):
    # buf[[2, 1, 0]] = buf gave a zero gradient (no error): the reverse sweep added the
    # derivative of the value read into d_buf, then zeroed the written part of d_buf
    fn = getattr(load(SELF_WRITES), name)
    x = np.array([0.3, -0.4, 0.9])
    first = astgrad.grad(fn)
    if not runtime._VALUE_READ_FIRST["fancy"]:
        # this NumPy (2.0) writes the positions one by one, reading ones already written
        with pytest.raises(ValueError, match=r"^astgrad: .*\.py:\d+: cannot differentiate this write"):
            first(x.copy())
        return
    assert_close(first(x.copy()), numerical_grad(fn, (x.copy(),), 0), 1e-5, 1e-6)
    tangent = np.array([1.0, -2.0, 0.5])
    assert_close(astgrad.jvp(fn, (x.copy(),), (tangent,))[1],
                 numerical_jvp(fn, (x.copy(),), (tangent,)), 1e-5, 1e-6)
    hessian = np.stack([numerical_jvp(first, (x.copy(),), (e,)) for e in np.eye(3)], axis=-1)
    assert_close(astgrad.hessian(fn)(x.copy()), hessian, 1e-4, 1e-5)
    given = x.copy()
    first(given)
    assert np.array_equal(given, x)     # a gradient call works on a copy of the argument


MASKED_SELF_WRITES = PRELUDE + '''
W = np.array([1.0, 10.0, 100.0])


def reversed_under_a_mask(z):
    buf = z * 1.0
    buf[buf > -10.0] = buf[::-1]
    return np.sum(buf * W)


def reversed_copy(z):
    buf = z * 1.0
    buf[buf > -10.0] = buf[::-1].copy()
    return np.sum(buf * W)


def reversed_through_a_name(z):
    buf = z * 1.0
    view = buf[::-1]
    buf[[2, 0, 1]] = view
    return np.sum(buf * W)
'''


W_REVERSED = np.array([100.0, 10.0, 1.0])


def test_a_masked_write_of_a_view_of_the_array_itself_is_refused_when_it_runs():
    # buf[mask] = buf[::-1] gave the gradient of a reversal, while NumPy writes the
    # masked elements one by one and reads elements it already replaced ([3, 2, 3] of
    # [1, 2, 3]): jvp followed NumPy, grad did not
    module = load(MASKED_SELF_WRITES)
    x = np.array([0.3, -0.4, 0.9])
    first = astgrad.grad(module.reversed_under_a_mask)
    for _ in range(2):      # refused again: the first refusal left nothing behind
        with pytest.raises(ValueError) as error:
            first(x.copy())
        message = str(error.value)
        assert re.match(r"astgrad: .*\.py:14: cannot differentiate this write y\[index\] = v", message)
        assert "index is a mask" in message and "y[index] = v.copy()" in message
    # forward mode writes the tangents as NumPy writes the values
    assert_close(astgrad.jvp(module.reversed_under_a_mask, (x,), (np.ones(3),))[1],
                 numerical_jvp(module.reversed_under_a_mask, (x,), (np.ones(3),)), 1e-5, 1e-6)
    # with a copy, as the message advises, the gradient is that of the reversal
    fn = module.reversed_copy
    assert_close(astgrad.grad(fn)(x.copy()), numerical_grad(fn, (x.copy(),), 0), 1e-5, 1e-6)
    assert_close(astgrad.grad(fn)(x.copy()), W_REVERSED, 1e-12, 1e-12)
    fn = module.reversed_through_a_name
    if runtime._VALUE_READ_FIRST["fancy"]:
        assert_close(astgrad.grad(fn)(x.copy()), numerical_grad(fn, (x.copy(),), 0), 1e-5, 1e-6)
    else:
        with pytest.raises(ValueError, match=r"\.py:27: .*index is a list of positions"):
            astgrad.grad(fn)(x.copy())
