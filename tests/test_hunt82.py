"""What round 82 found and fixed.

- ``create_graph=True`` through an ``@astgrad.differentiable`` function that writes in
  place over a value it read, where the value's node took another as a constant (the
  first gradient taken with respect to ``a`` alone, ``w`` held constant; a loop
  temporary): the first gradient ran, but a gradient of it raised PyTorch's "modified by
  an inplace operation" from the tape's check of the constants a node saved. The
  constants in question were those of astgrad's own generated code (``through_store(g,
  b)`` reads only ``b``'s dtype, ``in_place(v, t)`` only ``t``'s dtype and shape), whose
  reads before its own writes are no user's; the tape's nodes keep the values they read
  (an update gives a tensor a fresh array), so the gradient of the gradient follows now.
  Checked against central differences of the first gradient, itself checked against
  central differences of the function.
- A cotangent (or tangent, or hvp's ``v``) of the right shape but of a dtype that holds
  no numbers (strings, bytes, objects) was told its shape did not match the output's,
  giving the same shape twice; it is told now that its dtype is what is wrong.
"""

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad
from test_hunt81 import _value, view_scaled_by_an_element     # a tensor's values; a program of round 81

tensor = astgrad.tensor
tape_grad = astgrad.autograd.grad
SHAPES = (3, 5)


def running_sum_in_place(a, w):
    b = a * 1.0
    for i in range(1, b.shape[0]):
        b[i] += b[i - 1] * w[i]
    return np.sum(b ** 2)


def normalized_then_differenced(a, w):
    b = np.exp(a * 0.3)
    b /= np.sum(b)
    b[1:] -= w[1:] * b[:-1]
    return np.sum(b * a)


def _arguments(n):
    return np.linspace(0.2, 0.9, n), np.linspace(1.1, -0.3, n), np.linspace(-0.5, 0.7, n)


@pytest.mark.parametrize("n", SHAPES)
@pytest.mark.parametrize("weighted", [False, True], ids=["sum", "weighted"])
@pytest.mark.parametrize("f", [view_scaled_by_an_element, running_sum_in_place, normalized_then_differenced],
                         ids=lambda f: f.__name__)
def test_gradient_of_a_gradient_through_writes_over_constants(f, weighted, n):
    """g = d f / d a by the tape with create_graph=True (w held constant in that
    gradient), then the gradient of sum(g) or sum(g * c) with respect to a and w."""
    a, w, c = _arguments(n)
    c = c if weighted else np.ones(n)
    at, wt = tensor(a.copy(), requires_grad=True), tensor(w.copy(), requires_grad=True)
    g, = tape_grad(astgrad.differentiable(f)(at, wt), at, create_graph=True)
    assert_close(_value(g), numerical_grad(f, (a, w), 0), msg="first gradient")
    first = astgrad.grad(f)
    assert_close(first(a, w), numerical_grad(f, (a, w), 0), msg="astgrad.grad, the oracle's gradient")

    def contracted(a, w):
        return np.sum(first(a, w) * c)
    ha, hw = tape_grad((g * c).sum() if weighted else g.sum(), (at, wt))
    assert_close(_value(ha), numerical_grad(contracted, (a, w), 0), 1e-4, 1e-5, msg="second order, a")
    assert_close(_value(hw), numerical_grad(contracted, (a, w), 1), 1e-4, 1e-5, msg="second order, w")


@pytest.mark.parametrize("n", SHAPES)
def test_gradient_of_both_gradients_through_writes_over_constants(n):
    """Both first gradients taken, then the gradient of sum(c * ga) + sum(gw)."""
    f = view_scaled_by_an_element
    a, w, c = _arguments(n)
    at, wt = tensor(a.copy(), requires_grad=True), tensor(w.copy(), requires_grad=True)
    ga, gw = tape_grad(astgrad.differentiable(f)(at, wt), (at, wt), create_graph=True)
    assert_close(_value(gw), numerical_grad(f, (a, w), 1), msg="first gradient, w")
    both = astgrad.grad(f, (0, 1))

    def contracted(a, w):
        da, dw = both(a, w)
        return np.sum(da * c) + np.sum(dw)
    ha, hw = tape_grad((ga * c).sum() + gw.sum(), (at, wt))
    assert_close(_value(ha), numerical_grad(contracted, (a, w), 0), 1e-4, 1e-5)
    assert_close(_value(hw), numerical_grad(contracted, (a, w), 1), 1e-4, 1e-5)


def _sines(x):
    return np.sin(x)


def _sum_of_squares(x):
    return np.sum(x ** 2)


NOT_NUMBERS = [(np.array(["a", "b"]), "<U1 holds strings"), (np.array([b"a", b"b"]), "|S1 holds bytes"),
               (np.array([None, 1.0], dtype=object), "object holds Python objects")]


@pytest.mark.parametrize("seed, words", NOT_NUMBERS, ids=["str", "bytes", "object"])
def test_a_cotangent_of_the_right_shape_that_holds_no_numbers_is_told_its_dtype(seed, words):
    _, pullback = astgrad.vjp(_sines, np.array([0.1, 0.2]))
    with pytest.raises(TypeError) as caught:
        pullback(seed)
    message = str(caught.value)
    assert message.startswith("vjp pullback: the cotangent has the shape of _sines's output, (2,), but its "
                              f"dtype {words}, not numbers: a derivative of a float is a float array")
    assert "they must match" not in message
    assert "astype(float)" in message


def test_a_tangent_and_an_hvp_vector_of_strings_are_told_their_dtype():
    x = np.array([0.1, 0.2])
    with pytest.raises(TypeError, match=r"jvp: tangent 0 has the shape of primal 0, \(2,\), but its dtype <U1 "
                                        "holds strings, not numbers"):
        astgrad.jvp(_sines, (x,), (np.array(["a", "b"]),))
    with pytest.raises(TypeError, match=r"hvp: v has the shape of .*\(2,\), but its dtype <U1 holds strings"):
        astgrad.hvp(_sum_of_squares)(x, np.array(["a", "b"]))


def test_a_cotangent_of_strings_and_of_another_shape_is_still_told_the_shapes():
    _, pullback = astgrad.vjp(_sines, np.array([0.1, 0.2]))
    with pytest.raises(ValueError, match=r"the cotangent is an array of dtype <U1 and shape \(3,\), but "
                                         r"_sines's output is of shape \(2,\); they must match"):
        pullback(np.array(["a", "b", "c"]))
