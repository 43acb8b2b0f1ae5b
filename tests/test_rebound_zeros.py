"""The zero of an adjoint whose variable a branch rebinds (tests/rebound_zero_programs.py):
the gradient has the shape of the value the zero stands for, and the right numbers, in
reverse mode, forward mode and to second order, for a scalar x0 and one of shape (2, 1)
(where the zero shaped like the later value broke the broadcast)."""

import numpy as np
import pytest

import astgrad
import rebound_zero_programs as P
from fd import assert_close, numerical_grad, numerical_hessian, numerical_jvp

X1 = np.array([-0.69, -1.38, -1.45])
X0S = {"scalar": 0.41, "column": np.array([[0.41], [-0.23]])}


@pytest.mark.parametrize("f", P.PROGRAMS, ids=lambda f: f.__name__)
@pytest.mark.parametrize("shape", X0S)
def test_gradient_has_the_shape_and_value_of_the_overwritten_version(f, shape):
    x0 = X0S[shape]
    expected = numerical_grad(f, (x0, X1), wrt=(0, 1))
    assert np.shape(expected[0]) == np.shape(x0)
    assert_close(astgrad.grad(f, (0, 1))(x0, X1), expected)
    t0 = 0.7 if shape == "scalar" else np.array([[0.7], [-1.1]])
    t1 = np.array([0.3, -0.5, 0.9])
    _, tangent = astgrad.jvp(f, (x0, X1), (t0, t1))
    assert_close(tangent, numerical_jvp(f, (x0, X1), (t0, t1)))


@pytest.mark.parametrize("f", [P.then_rebinds, P.nested_ifs, P.if_in_while], ids=lambda f: f.__name__)
def test_hessian(f):        # forward over the reverse sweep: one program of each kind
    x0 = X0S["column"]
    numeric = numerical_hessian(astgrad.grad(f), (x0, X1), wrt=0, eps=1e-5)
    assert_close(astgrad.hessian(f)(x0, X1).reshape(numeric.shape), numeric, rtol=1e-4, atol=1e-5)
