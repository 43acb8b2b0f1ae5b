"""``x.flat`` on a tape tensor: NumPy code handed a tensor reads its elements in order.
PyTorch's Tensor has no ``.flat``; astgrad's is read-only and its elements carry their
gradient, to second order, checked against central finite differences. Writing through
it is refused with what to write instead, and the tensor stays usable."""

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad

PROGRAMS = {
    "sum of the elements": lambda x: sum(v * v for v in x.flat) * x.flat[1],
    "a transposed tensor, in row-major order": lambda x: x.T.flat[1] * x.T.flat[4] + x.T.flat[-1] ** 3,
    "a slice of the elements": lambda x: (x.flat[1:5] ** 2).sum(),
    "NumPy functions given x.flat": lambda x: np.sum(np.sin(x.flat)) * np.dot(x.flat, x.flat),
    "a 0-d tensor": lambda x: x.sum().flat[0] ** 2 * len(x.flat),
}
DATA = np.random.default_rng(3).uniform(0.2, 1.0, (2, 3))


def _value(program, w):
    with astgrad.no_grad():
        return float(program(astgrad.tensor(w)))


def _gradient(program, w, create_graph=False):
    x = astgrad.tensor(w, requires_grad=True)
    (g,) = astgrad.autograd.grad(program(x), x, create_graph=create_graph)
    return x, g


@pytest.mark.parametrize("name", PROGRAMS)
def test_flat_reads_carry_their_gradient(name):
    program = PROGRAMS[name]
    _, g = _gradient(program, DATA)
    assert_close(g.detach().numpy(), numerical_grad(lambda w: _value(program, w), (DATA,)), msg=name)

    x, g = _gradient(program, DATA, create_graph=True)
    (gg,) = astgrad.autograd.grad((g * g).sum(), x)
    by_differences = numerical_grad(lambda w: float((_gradient(program, w)[1] ** 2).sum()), (DATA,))
    assert_close(gg.detach().numpy(), by_differences, rtol=1e-4, atol=1e-5, msg=f"{name}, second order")


def test_flat_reads_the_tensor_as_it_is_when_read():
    x = astgrad.tensor(DATA, requires_grad=True)
    h = x * 1.0
    elements = h.flat
    h.mul_(2.0)                         # as NumPy's x.flat, a read after the change sees it
    assert len(elements) == 6 and elements[0].item() == 2.0 * DATA[0, 0]
    (g,) = astgrad.autograd.grad(elements[4], x)
    assert g.detach().numpy().tolist() == [[0.0, 0.0, 0.0], [0.0, 2.0, 0.0]]


@pytest.mark.parametrize("write, error", [
    (lambda x: x.flat.__setitem__(0, 1.0), TypeError),
    (lambda x: setattr(x, "flat", 1.0), AttributeError),
])
def test_writing_through_flat_is_refused_with_advice(write, error):
    x = astgrad.tensor(DATA, requires_grad=True)
    with pytest.raises(error, match=r"\.flat is read-only .*PyTorch's Tensor has no \.flat.*x\.view\(-1\)\[i\] = v"):
        write(x)
    assert x.detach().numpy().tolist() == DATA.tolist()
    (g,) = astgrad.autograd.grad(sum(x.flat), x)
    assert g.detach().numpy().tolist() == np.ones((2, 3)).tolist()
