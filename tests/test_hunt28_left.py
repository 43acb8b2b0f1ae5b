"""What the twenty-eighth hunt left, each at its root: the zero gradient of an argument
that a loop rebinds has the argument's shape (not the loop item's), at every order."""

import numpy as np
import pytest

import astgrad
from breadth_modes import check
from fd import assert_close, numerical_grad


def loop_rebinds_argument(x, w):
    s = 0.0
    for x in [1.0, 2.0]:
        s = s + x * w
    return s * x


def loop_rebinds_argument_read_before(x, w):
    y = x[0] * w
    for x in [np.ones((2, 4)), np.ones((2, 4)) * 2.0]:
        y = y + np.sum(x) * w
    return y * np.sum(x)


def loop_rebinds_list_argument(xs, w):
    s = xs[0] * w
    for xs in [[1.0, 2.0], [3.0, 4.0]]:
        s = s + xs[1] * w
    return s * xs[0]


X4 = np.array([0.3, -1.2, 0.7, 2.1])


@pytest.mark.parametrize("f", [loop_rebinds_argument, loop_rebinds_argument_read_before])
def test_the_gradient_of_an_argument_a_loop_rebinds_has_its_shape(f):
    g = astgrad.grad(f)(X4, 1.5)
    assert g.shape == (4,) and g.dtype == np.float64
    assert_close(g, numerical_grad(f, (X4.copy(), 1.5), wrt=0))
    value, g2 = astgrad.value_and_grad(f)(X4, 1.5)
    assert value == f(X4, 1.5) and g2.shape == (4,)
    _, pullback = astgrad.vjp(f, X4, 1.5)
    assert pullback(1.0)[0].shape == (4,)
    assert astgrad.jacobian(astgrad.grad(f))(X4, 1.5).shape == (4, 4)      # was (4,): a scalar zero
    assert astgrad.hessian(f)(X4, 1.5).shape == (4, 4)
    for mode in ("grad", "jvp", "jacobian_of_grad", "grad_inside_def"):
        check(mode, f, (X4, 1.5), (0, 1))


def test_a_list_argument_a_loop_rebinds_gets_its_own_gradient():
    got = astgrad.grad(loop_rebinds_list_argument)([0.5, 2.0], 3.0)
    assert got == [9.0, 0.0]
