"""Outputs of one element ((1,), (1, 1), (1, 1, 1)) taken as the number they hold, against
finite differences, under kinds that change between calls (the fast path), and the
refusals next to them (bool arguments differentiated, outputs that are lists, tuples,
bools, or larger arrays).

hypothesis draws how the one-element output is made (a reduction with keepdims, a
matrix product, a reshape, an index with None, np.array([...]) of a number, an
argument of shape (1,) passed through) and the arguments' kinds. Oracles: the gradient
== central finite differences of the element; value_and_grad's value == f's output, of
its shape and dtype; a second call == the first, to the bit; jvp == the gradient
contracted with the tangent (raveled).
"""

import os

import numpy as np
import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

import astgrad
from fd import assert_close, numerical_grad
from program_files import load

THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"

OUTPUTS = [
    "np.sum(u, keepdims=True).reshape({shape})",
    "(np.ravel(u)[:1] * np.sum(u)).reshape({shape})",
    "np.array([np.sum(u * u)]).reshape({shape})",
    "np.sum(u)[None].reshape({shape})",
    "(np.ravel(u)[None, :] @ np.ones((np.size(u), 1))).reshape({shape})",
    "np.mean(u, keepdims=True).reshape({shape}) * w",
]
BODIES = ["u = np.sin(x) * w + x * x", "u = np.tanh(x * w)", "u = x ** 3 - w * x"]
SHAPES = ["(1,)", "(1, 1)", "(1, 1, 1)"]
ARGUMENTS = {
    "f8[n]": lambda rng: rng.uniform(0.2, 1.0, 3),
    "f8[1]": lambda rng: rng.uniform(0.2, 1.0, 1),
    "f8[n,1]": lambda rng: rng.uniform(0.2, 1.0, (2, 1)),
    "f8[]": lambda rng: np.array(rng.uniform(0.2, 1.0)),
    "float": lambda rng: float(rng.uniform(0.2, 1.0)),
    "f4[n]": lambda rng: rng.uniform(0.2, 1.0, 3).astype(np.float32),
}


def element(fn):
    return lambda *a: float(np.ravel(fn(*a))[0])


@settings(max_examples=200 if THOROUGH else 4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), seed=st.integers(0, 2 ** 16))
def test_one_element_outputs_are_numbers(data, seed):
    rng = np.random.default_rng(seed)
    body = data.draw(st.sampled_from(BODIES), label="body")
    output = data.draw(st.sampled_from(OUTPUTS), label="output").format(shape=data.draw(st.sampled_from(SHAPES),
                                                                                       label="shape"))
    text = f"import numpy as np\n\n\ndef prog(x, w):\n    {body}\n    return {output}\n"
    note(text)
    fn = load(text)
    g = astgrad.grad(fn, (0, 1))
    vg = astgrad.value_and_grad(fn, (0, 1))
    for call in range(data.draw(st.integers(1, 4), label="calls")):
        kind = data.draw(st.sampled_from(sorted(ARGUMENTS)), label=f"kind {call}")
        x, w = ARGUMENTS[kind](rng), float(rng.uniform(0.5, 1.5))
        expected_value = fn(x, w)
        first = g(x, w)
        value, grads = vg(x, w)
        assert np.shape(value) == np.shape(expected_value) and np.asarray(value).dtype == expected_value.dtype
        np.testing.assert_array_equal(value, expected_value)
        for a, b in zip(g(x, w), first):
            np.testing.assert_array_equal(a, b)
        for a, b in zip(grads, first):
            np.testing.assert_array_equal(a, b)
        assert np.shape(first[0]) == np.shape(x)
        if kind == "f4[n]":
            wide = (np.asarray(x, np.float64), w)
            assert_close(first, numerical_grad(element(fn), wide, (0, 1)), rtol=2e-3, atol=2e-3, msg="float32 vs fd")
            continue
        assert_close(first, numerical_grad(element(fn), (x, w), (0, 1)), rtol=1e-5, atol=1e-6, msg=f"{kind} vs fd")
        tangent = np.ones_like(x) * 0.5 if isinstance(x, np.ndarray) else 0.5
        _, jvp = astgrad.jvp(fn, (x, w), (tangent, -1.0))
        expected = float(np.sum(first[0] * tangent)) - first[1]
        assert_close(float(np.ravel(jvp)[0]), expected, rtol=1e-9, atol=1e-11, msg="jvp vs gradient")


def doubled(x):
    return x * 2.0 + np.sin(x)


def test_an_output_of_one_element_for_some_argument_shapes_only():
    g = astgrad.grad(doubled)
    for x in (np.array([0.3]), np.array([0.3]), np.ones(3), np.array([[0.3]]), np.array([0.3]), np.ones(3)):
        if x.size == 1:
            assert_close(g(x), 2.0 + np.cos(x))
            assert g(x).shape == x.shape
        else:
            with pytest.raises(ValueError, match=r"returned a value of shape \(3,\)"):
                g(x)


@pytest.mark.parametrize("output, message", [
    (lambda x: [x * 2.0], "returned a list;"),
    (lambda x: (np.sum(x),), "returned a tuple;"),
    (lambda x: np.array([np.sum(x) > 0]), "dtype bool"),
])
def test_outputs_that_are_not_numbers_are_named(output, message):
    """Regression (message): a list or tuple output was named "a value of shape a list"."""
    with pytest.raises((ValueError, TypeError), match=message):
        astgrad.grad(output)(np.ones(2))


def test_bool_arguments_differentiated_are_refused_also_after_fast_calls():
    g = astgrad.grad(lambda x, y: x * y * 2.0, 0)
    assert g(1.5, 2.0) == 4.0
    assert g(1.5, 2.0) == 4.0
    for bad in (True, np.bool_(True), np.array([True])):
        with pytest.raises(TypeError, match="bool"):
            g(bad, 2.0)
    assert g(1.5, True) == 2.0
