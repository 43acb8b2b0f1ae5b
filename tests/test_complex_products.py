"""Products of a complex global with a real differentiated operand.

The gradient of a real loss by a real input is real even where the loss goes through
complex intermediates: the real part of the adjoint that reaches the input (JAX's and
autograd's convention). einsum, outer, tensordot, cross and kron gave a complex
adjoint to the real operand (refused when the gradient came out complex); their
adjoints now keep the real operand's real part, as matmul, dot and inner did. Each is
checked against central differences: the gradient, and the Hessian by forward over
reverse and by reverse over reverse. A float32 operand keeps its dtype.
"""

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_jvp
from program_files import load

SOURCE = """
import numpy as np

C = np.array([-1.0 + 1.0j, 0.5 - 2.0j, 2.0 + 0.5j])
M = np.array([[1 + 2j, 0.5 - 1j, 2j], [0.3, -1 + 1j, 2 - 0.5j], [1j, 1.0, -2j]])


def einsum(x):
    return np.abs(np.einsum("i,i->", C, x))

def einsum_right(x):
    return np.sum(np.abs(np.einsum("j,ij->i", x, M)))

def einsum_interleaved(x):
    return np.sum(np.abs(np.einsum(M, [0, 1], x, [1], [0])))

def outer(x):
    return np.sum(np.abs(np.outer(C, x)) ** 2)

def outer_right(x):
    return np.sum(np.abs(np.outer(x, C) * x[0]))

def linalg_outer(x):
    return np.sum(np.abs(np.linalg.outer(x, C) + M))

def tensordot(x):
    return np.abs(np.tensordot(C, x, 1))

def tensordot_right(x):
    return np.sum(np.abs(np.tensordot(x, M, axes=([0], [1]))))

def linalg_tensordot(x):
    return np.sum(np.abs(np.linalg.tensordot(M, x, axes=1)))

def cross(x):
    return np.sum(np.abs(np.cross(C, x)))

def cross_right(x):
    return np.sum(np.abs(np.cross(x, C)))

def linalg_cross(x):
    return np.sum(np.abs(np.linalg.cross(x, C)))

def kron(x):
    return np.sum(np.abs(np.kron(C, x)) ** 2)

def kron_right(x):
    return np.sum(np.abs(np.kron(x, C) + 1.0))

def matmul(x):
    return np.sum(np.abs(M @ x))
"""

NAMES = ["einsum", "einsum_right", "einsum_interleaved", "outer", "outer_right", "linalg_outer", "tensordot",
         "tensordot_right", "linalg_tensordot", "cross", "cross_right", "linalg_cross", "kron", "kron_right",
         "matmul"]
FUNCTIONS = {name: load(SOURCE, name) for name in NAMES}
GRADIENTS = {name: astgrad.grad(fn) for name, fn in FUNCTIONS.items()}
X = np.array([0.7, -1.2, 0.4])
WEIGHTS = np.array([0.5, -1.0, 2.0])


@pytest.mark.parametrize("name", NAMES)
def test_gradient_by_a_real_operand_of_a_complex_product_is_real(name):
    fn, gradient = FUNCTIONS[name], GRADIENTS[name]
    found = gradient(X)
    assert found.dtype == np.float64
    assert_close(found, numerical_grad(fn, (X,), 0), rtol=1e-7, atol=1e-9)
    assert_close(astgrad.jvp(fn, (X,), (WEIGHTS,))[1], numerical_jvp(fn, (X,), (WEIGHTS,)), rtol=1e-7, atol=1e-9)


@pytest.mark.parametrize("name", NAMES)
def test_second_order_through_a_complex_product(name):
    gradient = GRADIENTS[name]
    expected = np.stack([numerical_grad(lambda v: gradient(v)[k], (X,), 0) for k in range(3)])
    assert np.abs(expected).max() > 0.05
    assert_close(astgrad.hessian(FUNCTIONS[name])(X), expected, rtol=1e-5, atol=1e-7)
    by_reverse = astgrad.grad(lambda v: np.sum(gradient(v) * WEIGHTS))(X)
    assert_close(by_reverse, expected.T @ WEIGHTS, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("name", ["einsum_right", "outer", "tensordot", "cross", "kron", "matmul"])
def test_a_float32_operand_of_a_complex_product_keeps_its_dtype(name):
    x = X.astype(np.float32)
    found = GRADIENTS[name](x)
    assert found.dtype == np.float32
    assert_close(found, numerical_grad(FUNCTIONS[name], (X,), 0), rtol=2e-3, atol=2e-3)
