"""Gradients of functions returning a one-element array (shape (1, 1), (1,)), transformed
again: a gradient called inside differentiated code, jvp, vjp and jacobian of the
gradient, hvp. The gradient's seed is the number 1.0; an output computed by ``@``,
``numpy.dot``, ``numpy.stack``, a reduction along an axis, ... takes it spread over the
output's shape (it was an AxisError or a matmul ValueError as soon as the gradient's code
was differentiated again). Each is checked against central finite differences."""

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad

A = np.array([[2.0, 0.5, 0.1], [0.3, 1.0, 0.2], [0.1, 0.4, 3.0]])

OUTPUTS = {
    "quadratic form (1, 1)": lambda x: x[None, :] @ A @ x[:, None],
    "row times vector (1,)": lambda x: A[:1] @ np.sin(x),
    "vector times column (1,)": lambda x: (x * x) @ A[:, :1],
    "dot (1, 1)": lambda x: np.dot(x[None, :], np.sin(x)[:, None]),
    "einsum (1,)": lambda x: np.einsum("i,ij->j", x * x, A[:, :1]),
    "tensordot (1,)": lambda x: np.tensordot(x * x, A[:, :1], axes=1),
    "stack (1,)": lambda x: np.stack([np.sum(x * x)]),
    "concatenate (1,)": lambda x: np.concatenate([x[:1] * x[1:2]]),
    "diff (1,)": lambda x: np.diff(x[:2] * x[:2]),
    "repeat (1,)": lambda x: np.repeat(x[:1] * x[1], 1),
    "max along an axis (1,)": lambda x: np.max(x[None, :] @ A, axis=1),
    "prod along an axis (1,)": lambda x: np.prod(x[None, :] * x[None, :], axis=1),
    "inverse (1, 1)": lambda x: np.linalg.inv(x[None, :1] * x[None, 1:2] + 2.0),
    "outer (1, 1)": lambda x: np.outer(x[:1], np.sin(x[1:2])),
}
POINT = np.array([0.3, -0.5, 0.8])
V = np.array([0.2, 0.7, -0.4])


def _hessian_times(f, v):
    """Finite differences of the gradient (of the output's one element) along v."""
    return numerical_grad(lambda y: np.sum(astgrad.grad(f)(y) * v), (POINT,), eps=1e-5)


def _hessian_rows_times(f, v):
    """(H @ v) computed row by row from finite differences of the gradient's items."""
    return np.array([np.sum(numerical_grad(lambda y: np.sum(astgrad.grad(f)(y) * e), (POINT,), eps=1e-5) * v)
                     for e in np.eye(POINT.size)])


@pytest.mark.parametrize("name", OUTPUTS)
def test_the_gradient_called_in_differentiated_code(name):
    g = astgrad.grad(OUTPUTS[name])

    def uses(y):
        return np.sum(g(y) * y)
    assert_close(astgrad.grad(uses)(POINT), numerical_grad(uses, (POINT,), eps=1e-5), rtol=1e-5, atol=1e-6)
    assert_close(astgrad.grad(lambda y: np.sum(g(y) * V))(POINT), _hessian_times(OUTPUTS[name], V),
                 rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("name", OUTPUTS)
def test_transforms_of_the_gradient(name):
    f = OUTPUTS[name]
    g = astgrad.grad(f)
    assert_close(g(POINT), numerical_grad(lambda y: np.sum(f(y)), (POINT,)), rtol=1e-6, atol=1e-7)
    rows = _hessian_rows_times(f, V)
    assert_close(astgrad.jvp(g, (POINT,), (V,))[1], rows, rtol=1e-5, atol=1e-6, msg="jvp of the gradient")
    assert_close(astgrad.vjp(g, POINT)[1](V)[0], _hessian_times(f, V), rtol=1e-5, atol=1e-6,
                 msg="vjp of the gradient")
    for mode in ("reverse", "forward"):
        assert_close(astgrad.jacobian(g, mode=mode)(POINT) @ V, rows, rtol=1e-5, atol=1e-6, msg=mode)
    assert_close(astgrad.hvp(f)(POINT, V), _hessian_times(f, V), rtol=1e-5, atol=1e-6, msg="hvp")


def test_a_number_output_keeps_its_plain_gradient_code():
    """Where the arguments' kinds prove the output a number, the specialized code takes
    the seed as it is (no spreading line, no value computed for it)."""
    def quadratic(x, M):
        return x @ M @ x
    g = astgrad.grad(quadratic)
    g(POINT, A)
    assert "ones_like" not in g.source


def _vector_output(x):
    return x * 2.0 + np.sin(x)


@pytest.mark.parametrize("transform", [
    lambda g: astgrad.jvp(g, (POINT,), (V,)),
    lambda g: astgrad.vjp(g, POINT),
    lambda g: astgrad.jacobian(g, mode="forward")(POINT),
    lambda g: astgrad.jacobian(g, mode="reverse")(POINT),
], ids=["jvp", "vjp", "jacobian forward", "jacobian reverse"])
def test_transforms_of_the_gradient_of_a_vector_output_say_what_is_wrong(transform):
    """As calling the gradient does (jvp and jacobian gave the derivatives of the gradient
    of the output's sum)."""
    with pytest.raises(ValueError, match="grad requires _vector_output to return a scalar"):
        transform(astgrad.grad(_vector_output))


@pytest.mark.parametrize("transform", [
    lambda g: astgrad.jvp(g, (POINT,), (V,)),
    lambda g: astgrad.jacobian(g, mode="forward")(POINT),
], ids=["jvp", "jacobian forward"])
def test_a_transform_of_the_gradient_leaves_the_gradient_checking_its_output(transform):
    """The gradient a transform of a gradient differentiates is made without the value,
    and without a proof that the output is a number: a later call of the gradient (or of
    a new gradient of the same function) must still check the output, not take that code
    as proven (it returned the gradient of the output's sum)."""
    def vector_output(x):
        return x * 3.0 - np.cos(x)
    with pytest.raises(ValueError, match="to return a scalar"):
        transform(astgrad.grad(vector_output))
    for gradient in (astgrad.grad(vector_output), astgrad.grad(vector_output)):
        with pytest.raises(ValueError, match="to return a scalar"):
            gradient(POINT)


def _calls_the_gradient(y):
    return np.sum(_GRADIENT_OF_A_VECTOR_OUTPUT(y) * y)


def _vector_valued(x):
    return x * 2.0 + np.sin(x)


_GRADIENT_OF_A_VECTOR_OUTPUT = astgrad.grad(_vector_valued)


@pytest.mark.parametrize("transform", [
    lambda: astgrad.jvp(_calls_the_gradient, (POINT,), (V,)),
    lambda: astgrad.hvp(_calls_the_gradient)(POINT, V),
], ids=["jvp", "hvp"])
def test_forward_mode_through_a_gradient_of_a_vector_output_says_what_is_wrong(transform):
    with pytest.raises(ValueError, match="to return a scalar"):
        _calls_the_gradient(POINT)
    with pytest.raises(ValueError, match="to return a scalar"):
        transform()
