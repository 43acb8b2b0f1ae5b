"""A gradient recorded with ``create_graph=True`` and differentiated again after a tensor
its graph saved changed in place: refused exactly where PyTorch's second backward runs a
formula that read the changed tensor, computed elsewhere.

PyTorch records, per node of the first graph, the formula of each input's gradient
(derivatives.yaml), and records it only for the inputs the first backward asked for; a
recorded formula node unpacks (and checks the version of) every tensor it saved when the
second backward runs it, and runs only if it lies on a path to that backward's inputs.
Computed cases are checked against central differences of the gradient as recorded and
of the function itself (the first-order tape values)."""

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad

SHAPES = [(3,), (2, 3)]
MODIFIED = "modified by an inplace operation"


def _data(shape, seed, low=0.2, high=0.8):
    return np.random.default_rng(seed).uniform(low, high, shape)


def _tensor(shape, seed, requires_grad=False, low=0.2, high=0.8):
    return astgrad.tensor(_data(shape, seed, low, high), requires_grad=requires_grad, dtype=astgrad.float64)


# y = sum(a * w) * sum(b * b), w a constant, both gradients recorded, then w.mul_(2).
# PyTorch: the forward MulBackward0 of a * w saves w (self a requires grad). The gradient
# of a is grad_m * w (mul: self: grad * other), grad_m = g * sum(b * b) requiring grad, so
# its recorded MulBackward0 saves w too. The gradient of b is 2 * b * (g * sum(a * w)):
# its formulas save b, the seed and the forward result sum(a * w), never w; only through
# sum(a * w)'s history (the forward a * w node) do they reach w, on a path to a.

def _products(shape):
    a, b, w = _tensor(shape, 1, True), _tensor(shape, 2, True), _tensor(shape, 3)
    y = (a * w).sum() * (b * b).sum()
    ga, gb = astgrad.autograd.grad(y, [a, b], create_graph=True)
    return a, b, w, ga, gb


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_the_gradient_of_another_input_is_computed_after_its_formulas_unread_constant_changed(shape):
    # PyTorch: grad(gb.sum(), b) runs the formulas of b's gradient (MulBackward0 of
    # grad_m * b saving grad_m and b) and never the forward a * w node (it leads to a
    # only): w is not unpacked, the gradient is computed from the values recorded
    a, b, w, ga, gb = _products(shape)
    a0, b0, w0 = _data(shape, 1), _data(shape, 2), _data(shape, 3)
    w.mul_(2.0)
    got = astgrad.autograd.grad(gb.sum(), b)[0].numpy()
    expected = numerical_grad(lambda b: np.sum(2 * b * np.sum(a0 * w0)), (b0,), wrt=0)
    assert_close(got, expected, rtol=1e-6, atol=1e-7)
    first = numerical_grad(lambda a, b: np.sum(a * w0) * np.sum(b * b), (a0, b0), wrt=(0, 1))
    assert_close(ga.detach().numpy(), first[0], rtol=1e-6, atol=1e-7)
    assert_close(gb.detach().numpy(), first[1], rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_a_formula_that_read_the_constant_still_refuses(shape):
    # PyTorch: grad(ga.sum(), b) runs the recorded MulBackward0(grad_m, w) (grad_m leads
    # to b) and unpacks w, now at version 1
    a, b, w, ga, gb = _products(shape)
    w.mul_(2.0)
    with pytest.raises(RuntimeError, match=MODIFIED):
        astgrad.autograd.grad(ga.sum(), b)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_the_forward_node_on_the_path_still_refuses(shape):
    # PyTorch: grad(gb.sum(), a) goes from the recorded g * sum(a * w) into the forward
    # graph: its MulBackward0 of a * w runs and unpacks w (saved as other: self requires grad)
    a, b, w, ga, gb = _products(shape)
    w.mul_(2.0)
    with pytest.raises(RuntimeError, match=MODIFIED):
        astgrad.autograd.grad(gb.sum(), a)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_both_gradients_differentiated_together_refuse(shape):
    # PyTorch: ga's recorded MulBackward0(grad_m, w) is on the path to b: refused
    a, b, w, ga, gb = _products(shape)
    w.mul_(2.0)
    with pytest.raises(RuntimeError, match=MODIFIED):
        astgrad.autograd.grad(ga.sum() + gb.sum(), b)


# y = sum(sin(x) / q), q a leaf requiring grad, then the numerator n = sin(x) changed.
# PyTorch's div (derivatives.yaml, div.Tensor): self: grad / other; other:
# -grad * self / other**2 (div_tensor_other_backward: -grad * ((self / other) / other)).
# The forward DivBackward0 saves self only because other requires grad (for other's
# formula). The gradient of x records grad / q (DivBackward0 saving grad and q), then
# * cos(x) (CosBackward0 saving x): the numerator is not read. The gradient of q records
# self / other, a DivBackward0 saving n (as self: q requires grad) and q.

def _division(shape, inputs):
    x, q = _tensor(shape, 1, True), _tensor(shape, 2, True, 1.2, 1.8)
    n = x.sin()
    grads = astgrad.autograd.grad((n / q).sum(), [x, q][:inputs], create_graph=True)
    return x, q, n, grads


def _changes(n):
    """Changes of the numerator in place: directly, and through a view (PyTorch's
    views share their base's version counter)."""
    return {"mul_": lambda: n.mul_(2.0), "view": lambda: n.view(-1)[:2].add_(1.0)}


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("how", ["mul_", "view"])
def test_a_numerator_changed_is_not_read_by_the_gradient_of_the_numerator_side(how, shape):
    # PyTorch: the first backward asked for x only, so q's formula (the only one reading
    # the numerator) was never recorded; grad(gx.sum(), x) runs Mul, Cos (x) and nothing
    # reading n: computed
    x, q, n, (gx,) = _division(shape, 1)
    x0, q0 = _data(shape, 1), _data(shape, 2, 1.2, 1.8)
    _changes(n)[how]()
    got = astgrad.autograd.grad(gx.sum(), x)[0].numpy()
    expected = numerical_grad(lambda x: np.sum(np.cos(x) / q0), (x0,), wrt=0)
    assert_close(got, expected, rtol=1e-6, atol=1e-7)
    assert_close(gx.detach().numpy(), numerical_grad(lambda x: np.sum(np.sin(x) / q0), (x0,), wrt=0),
                 rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("how", ["mul_", "view"])
def test_a_numerator_changed_after_both_gradients_were_recorded(how, shape):
    x, q, n, (gx, gq) = _division(shape, 2)
    x0, q0 = _data(shape, 1), _data(shape, 2, 1.2, 1.8)
    _changes(n)[how]()
    # gx = (g / q) * cos(x): its formulas save g, q, x and cos(x), never n: computed, with
    # respect to either input
    got = astgrad.autograd.grad(gx.sum(), [x, q], retain_graph=True)
    expected = numerical_grad(lambda x, q: np.sum(np.cos(x) / q), (x0, q0), wrt=(0, 1))
    assert_close(got[0].numpy(), expected[0], rtol=1e-6, atol=1e-7)
    assert_close(got[1].numpy(), expected[1], rtol=1e-6, atol=1e-7)
    first = numerical_grad(lambda x, q: np.sum(np.sin(x) / q), (x0, q0), wrt=(0, 1))
    assert_close(gx.detach().numpy(), first[0], rtol=1e-6, atol=1e-7)
    assert_close(gq.detach().numpy(), first[1], rtol=1e-6, atol=1e-7)
    # gq = -g * (n / q) / q: its DivBackward0(n, q) saved n; it runs on the way to x
    # (through n's SinBackward0) and to q, and unpacks n: refused either way
    for inputs in (x, q):
        with pytest.raises(RuntimeError, match=MODIFIED):
            astgrad.autograd.grad(gq.sum(), inputs, retain_graph=True)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_the_denominator_is_read_by_both_formulas(shape):
    # PyTorch: grad / q saves q (DivBackward0: other, always), and so does q's formula:
    # q changed in place (an optimizer step) is refused through either gradient
    for which in (0, 1):
        x, q, n, grads = _division(shape, 2)
        with astgrad.no_grad():
            q.add_(1.0)
        with pytest.raises(RuntimeError, match=MODIFIED):
            astgrad.autograd.grad(grads[which].sum(), x)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_unchanged_division_gives_every_second_derivative(shape):
    x0, q0 = _data(shape, 1), _data(shape, 2, 1.2, 1.8)
    x, q, n, (gx, gq) = _division(shape, 2)
    gradient = [lambda x, q: np.cos(x) / q, lambda x, q: -np.sin(x) / q ** 2]
    for which, g in enumerate((gx, gq)):
        got = astgrad.autograd.grad(g.sum(), [x, q], retain_graph=True)
        expected = numerical_grad(lambda x, q: np.sum(gradient[which](x, q)), (x0, q0), wrt=(0, 1))
        assert_close(got[0].numpy(), expected[0], rtol=1e-6, atol=1e-7)
        assert_close(got[1].numpy(), expected[1], rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_backward_to_every_leaf_runs_only_the_formulas_of_the_gradient_differentiated(shape):
    # PyTorch: gx.sum().backward() runs gx's formulas (DivBackward0(g, q), CosBackward0,
    # MulBackward0) into x and q; none saved the numerator
    x, q, n, (gx, gq) = _division(shape, 2)
    x0, q0 = _data(shape, 1), _data(shape, 2, 1.2, 1.8)
    n.mul_(2.0)
    gx.sum().backward()
    expected = numerical_grad(lambda x, q: np.sum(np.cos(x) / q), (x0, q0), wrt=(0, 1))
    assert_close(x.grad.numpy(), expected[0], rtol=1e-6, atol=1e-7)
    assert_close(q.grad.numpy(), expected[1], rtol=1e-6, atol=1e-7)
    with pytest.raises(RuntimeError, match=MODIFIED):     # gq's DivBackward0(n, q) runs
        gq.sum().backward()


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_third_order_runs_the_formulas_of_the_gradients_the_second_went_through(shape):
    # PyTorch: the second backward through gx recorded the derivatives of gx's formulas
    # (of Cos, Div(g, q), Mul: reading x, q, g / q, cos(x)); the third runs those and gx's
    # formulas, never q's formula that saved n: computed. Through gq it runs the
    # derivative of DivBackward0(n, q), which saved n: refused
    x0, q0 = _data(shape, 1), _data(shape, 2, 1.2, 1.8)
    x, q, n, (gx, gq) = _division(shape, 2)
    second, = astgrad.autograd.grad(gx.sum(), x, create_graph=True)
    n.mul_(2.0)
    got = astgrad.autograd.grad(second.sum(), x)[0].numpy()
    expected = numerical_grad(lambda x: np.sum(-np.sin(x) / q0), (x0,), wrt=0)
    assert_close(got, expected, rtol=1e-6, atol=1e-7)
    x, q, n, (gx, gq) = _division(shape, 2)
    second, = astgrad.autograd.grad(gq.sum(), q, create_graph=True)
    n.mul_(2.0)
    with pytest.raises(RuntimeError, match=MODIFIED):
        astgrad.autograd.grad(second.sum(), q)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_a_gradient_changed_in_place_keeps_its_input(shape):
    # gq.mul_(3) is a new node over gq: the backward still goes through gq's formulas,
    # and PyTorch's DivBackward0(n, q) refuses
    x, q, n, (gx, gq) = _division(shape, 2)
    n.mul_(2.0)
    gq.mul_(3.0)
    with pytest.raises(RuntimeError, match=MODIFIED):
        astgrad.autograd.grad(gq.sum(), x)


@pytest.mark.parametrize("order", ["third first", "gradient first"])
def test_a_first_gradient_met_directly_and_through_a_later_order_is_checked_for_both(order):
    # gq's DivBackward0(n, q) is on the path to x whether the third-order gradient, which
    # went through gx only, is walked first or not: PyTorch refuses
    x, q, n, (gx, gq) = _division((2, 3), 2)
    second, = astgrad.autograd.grad(gx.sum(), x, create_graph=True)
    n.mul_(2.0)
    total = second.sum() + gq.sum() if order == "third first" else gq.sum() + second.sum()
    with pytest.raises(RuntimeError, match=MODIFIED):
        astgrad.autograd.grad(total, x)
