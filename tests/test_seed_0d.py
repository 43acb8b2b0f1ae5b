"""Second derivatives of functions of 0-d arrays, whose gradient is a 0-d array.

The seed of a gradient's gradient is the number 1.0 by default; the gradient of an
indexed 0-d argument (``x[()]``, ``x[...]``, ``x[None]``, ``x.item()``) is a sum of
``unindex`` calls, whose adjoint indexes that seed, so the generated code makes it a
0-d array first (``runtime.seed_shaped_like``). Oracles: the gradient against central
finite differences of f, every second-order mode (grad(grad), hessian, jvp of grad,
vjp of grad with an array and a number cotangent) against central differences of the
gradient, the third order against central differences of the second; and 0-d outputs
of functions of vectors (``np.dot``, ``@``, ``np.sum(...)[()]``) in the second-order
modes, where the seed is never indexed.
"""

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_hessian
from program_files import load_shared

INDEXED = [         # the gradient is a sum of unindex calls
    "x[()] * x[()]",
    "x[...] * x[...] * x",
    "(x[None] ** 3).sum()",
    "x.item() ** 3",
    "np.sin(x[()]) * x[...]",
    "np.sum(x ** 3, keepdims=False)[()] * x[()]",
]
NEIGHBOURS = [      # reshaped, reduced, transposed, converted: the seed is not indexed
    "x.reshape(1)[0] ** 3",
    "np.atleast_1d(x)[0] * x.sum() ** 2",
    "x.T ** 3 * float(x)",
]


def _function(body):
    return load_shared(f"import numpy as np\n\ndef prog(x):\n    return {body}\n")


def _second_order(f, x):
    """Every second-order mode of f at x: name -> result."""
    gradient = astgrad.grad(f)
    return {
        "grad(grad)": astgrad.grad(gradient)(x),
        "hessian": astgrad.hessian(f)(x),
        "jvp(grad)": astgrad.jvp(gradient, (x,), (np.ones_like(x),))[1],
        "vjp(grad), array": astgrad.vjp(gradient, x)[1](np.ones_like(x))[0],
        "vjp(grad), 1.0": astgrad.vjp(gradient, x)[1](1.0)[0],
    }


@pytest.mark.parametrize("body", INDEXED + NEIGHBOURS)
def test_second_derivatives_of_0d_arguments_match_finite_differences(body):
    f = _function(body)
    x = np.array(np.random.default_rng(len(body)).uniform(0.3, 0.9))
    gradient = astgrad.grad(f)(x)
    assert_close(gradient, numerical_grad(f, (x,)), rtol=1e-6, atol=1e-8)
    want = numerical_hessian(astgrad.grad(f), (x,)).reshape(())
    for mode, got in _second_order(f, x).items():
        assert_close(np.reshape(got, ()), want, rtol=1e-6, atol=1e-8, msg=mode)


def test_the_third_derivative_of_an_indexed_0d_argument():
    f = _function("np.sin(x[()]) * x[...]")
    x = np.array(0.7)
    second = astgrad.grad(astgrad.grad(f))
    assert isinstance(second(x), np.ndarray) and second(x).shape == ()
    third = astgrad.grad(second)(x)         # the second gradient's seed, made 0-d in turn
    assert_close(np.reshape(third, ()), numerical_hessian(second, (x,)).reshape(()), rtol=1e-5, atol=1e-7)


def test_the_seed_given_as_an_array_or_a_number_gives_the_same():
    f = _function("x[()] * x[()] * x[...]")
    x = np.array(0.6)
    gradient = astgrad.grad(f)
    assert astgrad.vjp(gradient, x)[1](2.5)[0] == astgrad.vjp(gradient, x)[1](np.array(2.5))[0]
    assert_close(astgrad.vjp(gradient, x)[1](2.5)[0], np.array(2.5 * 6 * 0.6))


def test_a_float32_argument_keeps_its_dtype():
    f = _function("x[()] * x[()] * x[...]")
    x = np.array(0.6, dtype=np.float32)
    got = astgrad.grad(astgrad.grad(f))(x)
    assert got.dtype == np.float32 and got.shape == ()
    assert_close(got.astype(np.float64), np.array(6 * 0.6), rtol=1e-5)


def test_the_generated_code_spreads_the_seed_once_not_at_every_index():
    source = astgrad.grad(astgrad.grad(_function("x[()] * x[()]"))).source
    assert source.count("seed_shaped_like(") == 1
    assert "dd_d_x_1 = seed_shaped_like(dd_d_x_1, x)" in source


OF_VECTORS = [
    "np.dot(x, x) * (x @ x) * x[0]",
    "np.sum(x ** 3, keepdims=False)[()] * x[0]",
]


@pytest.mark.parametrize("body", OF_VECTORS)
def test_0d_outputs_of_vectors_in_second_order_modes(body):
    f = _function(body)
    x = np.random.default_rng(len(body)).uniform(0.3, 0.9, 3)
    want = numerical_hessian(astgrad.grad(f), (x,))
    assert_close(astgrad.grad(f)(x), numerical_grad(f, (x,)), rtol=1e-6, atol=1e-8)
    assert_close(astgrad.hessian(f)(x), want, rtol=1e-6, atol=1e-8)
    v = np.array([1.0, -2.0, 0.5])
    assert_close(astgrad.jvp(astgrad.grad(f), (x,), (v,))[1], want @ v, rtol=1e-6, atol=1e-8)
    assert_close(astgrad.vjp(astgrad.grad(f), x)[1](v)[0], v @ want, rtol=1e-6, atol=1e-8)


# the gradient is an unindex call times a number: the seed reaches the unindex through
# the product (before: grad(grad) raised "'float' object is not subscriptable")
THROUGH_PRODUCTS = [
    "np.sum(np.tanh(np.ones(3) * (x * 2.0)[()]))",
    "np.sum(np.tanh(np.ones(3) * (x * 2.0)[...]))",
    "np.tanh(-(x * 2.0)[()] / 3.0)",
    "np.sin((x * 2.0).item())",
]


def _central(fn, x, h=1e-6):
    """The central difference of fn at the one-number x, perturbed in x's own kind (a
    NumPy scalar stays one: fd's helpers make it a Python float)."""
    kind = np.array if isinstance(x, np.ndarray) else type(x)
    return (np.asarray(fn(kind(x + h))) - np.asarray(fn(kind(x - h)))) / (2 * h)


@pytest.mark.parametrize("body", THROUGH_PRODUCTS)
@pytest.mark.parametrize("kind", [np.array, np.float64])
def test_an_indexed_product_in_every_mode(body, kind):
    f = _function(body)
    x = kind(np.random.default_rng(len(body)).uniform(0.2, 0.8))
    first = _central(f, x)
    close = dict(rtol=1e-6, atol=1e-8)
    assert_close(astgrad.grad(f)(x), first, **close)
    value, gradient = astgrad.value_and_grad(f)(x)
    assert_close(value, f(x))
    assert_close(gradient, first, **close)
    assert_close(astgrad.vjp(f, x)[1](-1.5)[0], -1.5 * first, **close)
    assert_close(astgrad.jvp(f, (x,), (kind(0.5),))[1], 0.5 * first, **close)
    want = _central(astgrad.grad(f), x)
    for mode, got in _second_order(f, x).items():
        assert_close(np.reshape(got, ()), want, msg=mode, **close)
    third = _central(astgrad.grad(astgrad.grad(f)), x)
    assert_close(np.reshape(astgrad.grad(astgrad.grad(astgrad.grad(f)))(x), ()), third, rtol=1e-5, atol=1e-7)


def written_then_indexed_in_branches(x, s):
    x *= 2.0
    z = np.ones(3) * x[()]
    if np.sum(z) > -0.5:
        if z[0] > 0.2:
            return np.sum(z * s)
        z = z * 2.0
    else:
        z = np.sin(z)
    return np.sum(np.tanh(z)) + 0.1 * np.sum(z * z)


@pytest.mark.parametrize("at", [0.5608850619643629, 0.05, -0.4])
def test_a_0d_argument_written_in_place_then_indexed_in_branches(at):
    # drawn by test_programs_hypothesis2 (thorough, seed 26, Python 3.13): grad(grad) raised
    # "'float' object is not subscriptable" before the seed was shaped like the gradient
    def f(x):
        return written_then_indexed_in_branches(np.array(x, dtype=float), 0.7)

    x = np.array(at)
    close = dict(rtol=1e-6, atol=1e-8)
    first = _central(f, x)
    assert_close(astgrad.grad(f)(x.copy()), first, **close)
    assert_close(astgrad.grad(written_then_indexed_in_branches)(x.copy(), 0.7), first, **close)
    assert_close(astgrad.grad(astgrad.grad(written_then_indexed_in_branches))(x.copy(), 0.7),
                 _central(lambda v: astgrad.grad(written_then_indexed_in_branches)(np.array(v), 0.7), x), **close)
    assert_close(np.reshape(astgrad.hessian(written_then_indexed_in_branches)(x.copy(), 0.7), ()),
                 _central(lambda v: astgrad.grad(written_then_indexed_in_branches)(np.array(v), 0.7), x), **close)
