"""What the twenty-eighth hunt left, each at its root: the zero gradient of an argument
that a loop rebinds has the argument's shape (not the loop item's), at every order; a row
kept before its list replaces it keeps the old values, also called inside another
differentiated function; memoised recursion is refused naming the table it writes into."""

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


def keeps_a_row_then_replaces_it(x, w):
    rows = [[x[0], x[1]], [x[2], x[3]]]
    r = rows[1]
    rows[1] = [x[0] * 2.0, w]
    return r[0] * rows[1][0]        # r still holds the old row, as in Python


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian", "grad_inside_def"])
def test_a_row_kept_before_the_list_replaces_it_keeps_its_values(mode):
    check(mode, keeps_a_row_then_replaces_it, (X4, 1.5), (0, 1))


MEMO = {}


def memoised(n, x):
    if n in MEMO:
        return MEMO[n]
    if n < 2:
        r = x
    else:
        r = memoised(n - 1, x) + memoised(n - 2, x)
    MEMO[n] = r
    return r


def calls_memoised(x):
    return memoised(4, x)


def test_memoised_recursion_is_refused_naming_the_table_it_writes_into():
    says = "the call of memoised changes 'MEMO', which may hold or share its argument 'x', in place"
    with pytest.raises(astgrad.TransformError, match=says) as caught:
        astgrad.grad(calls_memoised)(1.5)
    assert "test_hunt28_left.py:" in str(caught.value) and "return the new value" in str(caught.value)
    MEMO.clear()
    assert astgrad.grad(loop_rebinds_argument)(X4, 1.5).shape == (4,)        # the next call works
