"""grad and value_and_grad of a function returning a one-element array (shape (1,),
(1, 1), ...): differentiated as the number it holds, as autograd and PyTorch do; a larger
output keeps its clear error."""

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_jvp

A = np.array([[1.0], [2.0], [-0.5]])


def column(x):
    return np.sin(x) @ A                        # shape (1,)


def cell(x):
    return np.sum(x ** 3, keepdims=True).reshape(1, 1) * np.cos(x[0])


def one_row(x, w):
    return np.tanh(x[None, :] @ A) * w          # shape (1, 1), w broadcast


def three(x):
    return x * 2.0


def scalar_of(fn):
    return lambda *a: float(np.ravel(fn(*a))[0])


@pytest.mark.parametrize("fn", [column, cell])
def test_grad_of_a_one_element_output_matches_fd(fn):
    x = np.random.default_rng(0).normal(size=3)
    expected = numerical_grad(scalar_of(fn), (x,))
    assert_close(astgrad.grad(fn)(x), expected)
    value, g = astgrad.value_and_grad(fn)(x)
    assert value.shape == fn(x).shape           # the value as f returns it
    assert_close(value, fn(x))
    assert_close(g, expected)
    v = np.random.default_rng(1).normal(size=3)
    _, tangent = astgrad.jvp(fn, (x,), (v,))
    assert_close(np.ravel(tangent)[0], numerical_jvp(scalar_of(fn), (x,), (v,)))


def test_one_element_output_with_two_arguments_and_broadcasting():
    x, w = np.array([0.3, -0.2, 0.5]), 1.7
    gx, gw = astgrad.grad(one_row, wrt=(0, 1))(x, w)
    assert_close(gx, numerical_grad(scalar_of(one_row), (x, w), wrt=0))
    assert_close(gw, numerical_grad(scalar_of(one_row), (x, w), wrt=1))
    assert isinstance(gw, float)


def test_second_order_through_a_one_element_output():
    x = np.array([0.3, -0.2, 0.5])
    inner = lambda x: astgrad.grad(cell)(x)[0]      # noqa: E731
    expected = numerical_grad(inner, (x,))
    assert_close(astgrad.grad(lambda x: np.sum(astgrad.grad(cell)(x) * x))(x),
                 numerical_grad(lambda x: float(np.sum(astgrad.grad(cell)(x) * x)), (x,)))
    assert_close(astgrad.jacobian(astgrad.grad(cell))(x)[0], expected, rtol=1e-4)


def test_a_larger_output_keeps_the_clear_error():
    with pytest.raises(ValueError, match=r"return a scalar, but it returned a value of shape \(3,\)"):
        astgrad.grad(three)(np.ones(3))
    with pytest.raises(ValueError, match=r"shape \(3,\)"):
        astgrad.value_and_grad(three)(np.ones(3))


def test_the_caller_array_is_left_alone_and_repeated_calls_agree():
    x = np.array([0.3, -0.2, 0.5])
    before = x.copy()
    g1 = astgrad.grad(column)(x)
    g2 = astgrad.grad(column)(x)
    assert np.array_equal(x, before)
    assert_close(g1, g2)
    assert_close(g1, np.cos(x) * A[:, 0])


def test_the_hessian_asks_for_the_element():
    """The Hessian of a one-element output has the output's axes in front for autograd
    and JAX, and not for PyTorch: ambiguous, so refused with the way out."""
    x = np.array([0.3, -0.2, 0.5])
    with pytest.raises(ValueError, match=r"one-element array of shape \(1,\).*return its element.*use hvp"):
        astgrad.hessian(column)(x)


def element_of(fn):
    def element(x):
        return fn(x).reshape(-1)[0]
    return element


@pytest.mark.parametrize("fn", [column, cell])
@pytest.mark.parametrize("kind", ["float64", "float32"])
def test_hvp_takes_a_one_element_output_as_its_number(fn, kind):
    """As autograd's hessian_vector_product and torch.autograd.functional.hvp do: the
    product of the Hessian of the number the output holds, shaped like v."""
    rng = np.random.default_rng(2)
    x, v = rng.normal(size=3), rng.normal(size=3)
    expected = astgrad.hvp(element_of(fn))(x, v)
    step = 1e-5
    numeric = (numerical_grad(scalar_of(fn), (x + step * v,)) - numerical_grad(scalar_of(fn), (x - step * v,))) \
        / (2 * step)
    assert_close(expected, numeric, rtol=1e-4, atol=1e-5)
    if kind == "float32":
        x, v = x.astype(np.float32), v.astype(np.float32)
    for _ in range(2):                  # the specialized code, made at the first call, then run
        product = astgrad.hvp(fn)(x, v)
        assert product.shape == v.shape
        tolerance = 1e-4 if kind == "float32" else 1e-12
        assert_close(product, expected, rtol=tolerance, atol=tolerance)


def test_hvp_of_a_larger_output_is_refused():
    """Found with this change: hvp of an output of several elements gave the product of
    their sum's Hessian (the seed 1.0 broadcast); it is refused as grad refuses it."""
    x = np.array([0.3, -0.2, 0.5])
    for args in ((x, x), (x, x * 2.0)):
        with pytest.raises(ValueError, match=r"return a scalar, but it returned a value of shape \(3,\)"):
            astgrad.hvp(three)(*args)
        with pytest.raises(ValueError, match=r"return a scalar, but it returned a value of shape \(3,\)"):
            astgrad.hvp(squares)(*args)


def squares(x):
    return x * x


COMPLEX_FACTOR = 1j


def times_complex_factor(x):
    return x * COMPLEX_FACTOR


def test_a_complex_one_element_output_is_named_complex_not_a_shape():
    # found by the value-less gradient's random programs: a one-element output of the
    # wrong dtype was reported as a wrong shape, which grad accepts
    for x in (np.array([1.0]), np.array([[1.0]])):
        with pytest.raises(TypeError, match="complex128"):
            astgrad.grad(times_complex_factor)(x)


class Norm:
    def __init__(self, v):
        self.v = v

    def __pos__(self):
        return self.v * 2.0


calls = 0


def counted_refusal(x):
    global calls
    calls = calls + 1
    d = {"n": Norm(x)}                          # d["n"]'s class is not known where + is generated
    return np.sum(+d["n"])                      # astgrad refuses unary + of a Norm when it runs


def test_a_refused_call_writes_a_global_as_one_call_does():
    for transform in (astgrad.grad, astgrad.value_and_grad, astgrad.hvp):
        before = calls
        with pytest.raises(TypeError, match="astgrad differentiates"):
            transform(counted_refusal)(np.ones(3), *([np.ones(3)] if transform is astgrad.hvp else []))
        assert calls == before + 1, transform.__name__


def counted_index_error(x):
    global calls
    calls = calls + 1
    y = x * 2.0
    return np.sum(y[[5]])                       # the function's own IndexError, before its output


def test_an_error_before_the_output_runs_the_function_once():
    # the failing line reads no derivative, so the output's shape cannot have caused it
    for transform in (astgrad.grad, astgrad.value_and_grad):
        before = calls
        with pytest.raises(IndexError, match="index 5 is out of bounds"):
            transform(counted_index_error)(np.ones(3))
        assert calls == before + 1, transform.__name__


def plus_its_element(x):
    return x + x[0]                             # shape (1,) for a one-element x


def plus_an_element_times_k(x, n):
    return n * n * K + x[0]                     # shape (1,) where K is a one-element array


K = 2.0


@pytest.mark.parametrize("shape", [(1,), (1, 1)])
def test_an_element_of_a_one_element_argument_added_to_it(shape):
    # the seed 1.0 stands for the output's one element: a run again with a seed of the
    # output's shape met code proven for the number (an internal ValueError in unindex)
    x = np.full(shape, 1.03)
    expected = numerical_grad(scalar_of(plus_its_element), (x,))
    assert_close(astgrad.grad(plus_its_element)(x), expected)
    value, g = astgrad.value_and_grad(plus_its_element)(x)
    assert_close(value, plus_its_element(x))
    assert_close(g, expected)


def test_a_global_made_a_one_element_array_between_calls(monkeypatch):
    x = np.array([0.41, -0.69, -1.37])
    g = astgrad.grad(plus_an_element_times_k, wrt=(0, 1))
    assert_close(g(x, 1.5), (np.array([1.0, 0.0, 0.0]), 2 * 1.5 * 2.0))
    monkeypatch.setitem(globals(), "K", np.array([3.0]))
    expected = [numerical_grad(scalar_of(plus_an_element_times_k), (x, 1.5), wrt=i) for i in (0, 1)]
    for got, want in zip(g(x, 1.5), expected):
        assert_close(got, want)
