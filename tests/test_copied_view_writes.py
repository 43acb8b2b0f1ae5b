"""A write into a reshape or ravel of an array, which NumPy makes a view where the array's
items are laid out as the new shape reads them and a copy otherwise (``z = y.T.reshape(-1);
z[0] = w``, ``z *= w``): a view takes the write into the array, a copy takes it alone (the
array and its other views keep their values), as in Python. Each program is written twice,
its array laid out so that NumPy copies and so that it views, in grad, value_and_grad, vjp
(a random cotangent) and jvp against central differences at two shapes, the caller's arrays
unchanged; an argument laid out so its reshape copies (Fortran order, reversed), against
central differences of the function at that layout; the second order (hessian and the jvp
of the gradient, in the array and in the value written) against central differences of the
gradient, a row of the array read before the array is written and read again after too."""

import inspect

import numpy as np
import pytest

import astgrad
from breadth_modes import check
from fd import assert_close, numerical_grad, numerical_jvp

FIRST = ("grad", "value_and_grad", "vjp", "jvp")


def copying_reshape_written(x, w):
    y = x * 1.0
    z = y.T.reshape(-1)         # y.T is not laid out in C order: a copy
    z[0] = w
    z[1:3] *= w
    return np.sum(z ** 2) + np.sum(y * x)


def viewing_reshape_written(x, w):
    y = x.T * 1.0               # laid out as x.T: y.T's reshape is a view
    z = y.T.reshape(-1)
    z[0] = w
    z[1:3] *= w
    return np.sum(z ** 2) + np.sum(y * x.T)


def copying_ravel_scaled_then_its_array_written(x, w):
    y = np.sin(x)
    z = y.T.ravel()
    u = y[0]
    z *= w
    y[0, 0] = w * 2.0           # shown by u, not by the copy z
    return np.sum(z ** 3) + np.sum(y * x) + np.sum(u ** 2)


def viewing_ravel_scaled_then_its_array_written(x, w):
    y = np.sin(x.T)             # laid out as x.T
    z = y.T.ravel()
    u = y[0]
    z *= w
    y[0, 0] = w * 2.0           # shown by u and by the view z
    return np.sum(z ** 3) + np.sum(y * x.T) + np.sum(u ** 2)


def views_of_a_copy_written(x, w):
    y = x * 1.0
    z = y.T.reshape(-1)
    v = z[1:]
    r = z.reshape(z.shape)
    z[1] = w * z[0]             # shown by v and r, which view the copy, not by y
    v[0] += w
    return np.sum(v ** 2) + np.sum(r * z) + np.sum(y * x)


def copying_reshape_of_a_transpose_written(x, w):
    y = x * 1.0
    t = y.T
    z = t.reshape(-1)
    z[0] = w
    return np.sum(z ** 2) + np.sum(t * x.T)


def copying_reshape_written_in_a_loop(x, w):
    y = np.cos(x)
    z = y.T.reshape(-1)
    for k in range(2):
        z[k] = z[k + 1] * w
    return np.sum(z ** 2) + np.sum(y ** 2 * x)


PROGRAMS = [copying_reshape_written, viewing_reshape_written, copying_ravel_scaled_then_its_array_written,
            viewing_ravel_scaled_then_its_array_written, views_of_a_copy_written, copying_reshape_of_a_transpose_written,
            copying_reshape_written_in_a_loop]
SHAPES = [(2, 3), (3, 4)]


@pytest.mark.parametrize("mode", FIRST)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("f", PROGRAMS, ids=lambda f: f.__name__)
def test_a_reshape_or_ravel_written_takes_the_write_as_numpy_does(f, shape, mode):
    x = np.linspace(-1.0, 1.0, int(np.prod(shape))).reshape(shape) + 0.1
    check(mode, f, (x, 0.8), (0, 1))


def reshaped_argument_written(x, w):
    a = x.reshape(-1)
    a[0] = w
    a[1:3] *= w
    return np.sum(x * x) + np.sum(a ** 2) * w


LAYOUTS = {"fortran": np.asfortranarray, "reversed": lambda a: a[::-1].copy()[::-1], "C": np.ascontiguousarray}


@pytest.mark.parametrize("layout", LAYOUTS)
def test_an_argument_laid_out_so_its_reshape_copies_is_left_as_it_was(layout):
    arrange = LAYOUTS[layout]
    start = np.linspace(-1.0, 1.0, 12).reshape(3, 4) + 0.1
    plain = lambda x, w: reshaped_argument_written(arrange(x.copy()), w)    # noqa: E731 - at the layout, on a copy
    x, w = arrange(start.copy()), 0.8
    before = x.copy()
    want = numerical_grad(plain, (start, w), wrt=(0, 1))
    for got, expected in zip(astgrad.grad(reshaped_argument_written, wrt=(0, 1))(x, w), want):
        assert_close(got, expected, 1e-5, 1e-6)
    value, gw = astgrad.value_and_grad(reshaped_argument_written, wrt=1)(x, w)
    assert_close(value, plain(start, w), 1e-12, 1e-12)
    assert_close(gw, want[1], 1e-5, 1e-6)
    tangents = (np.cos(start), 0.5)
    _, d = astgrad.jvp(reshaped_argument_written, (x, w), (arrange(tangents[0]), 0.5))
    assert_close(d, numerical_jvp(plain, (start, w), tangents), 1e-5, 1e-6)
    _, pullback = astgrad.vjp(reshaped_argument_written, x, w)
    assert_close(pullback(-1.5)[0], -1.5 * want[0], 1e-5, 1e-6)
    assert np.array_equal(x, before), "a transform changed the caller's array"
    assert np.shares_memory(x.reshape(-1), x) == (layout == "C")


SECOND_ORDER = [copying_reshape_written, viewing_reshape_written, views_of_a_copy_written,
                copying_reshape_of_a_transpose_written, copying_reshape_written_in_a_loop]


@pytest.mark.parametrize("wrt", [0, 1])
@pytest.mark.parametrize("mode", ["hessian", "jvp_of_grad"])
@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("f", SECOND_ORDER, ids=lambda f: f.__name__)
def test_the_second_order_takes_the_write_as_numpy_does(f, shape, mode, wrt):
    # (and copying_reshape_written_after_its_array_is_rebound, in test_views74.py)
    x = np.linspace(-1.0, 1.0, int(np.prod(shape))).reshape(shape) + 0.1
    check(mode, f, (x, 0.8), (wrt,))


@pytest.mark.parametrize("wrt", [0, 1])
@pytest.mark.parametrize("mode", ["hessian", "jvp_of_grad"])
@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("f", [copying_ravel_scaled_then_its_array_written, viewing_ravel_scaled_then_its_array_written])
def test_the_second_order_follows_a_row_read_before_the_write(f, shape, mode, wrt):
    # the row u = y[0], read before y[0, 0] is written and read again after: refused until
    # the gradient's tests of whether a row is a view of its array (when_view, unless_view,
    # in its reverse sweep) were taken for what they are, reads of no value
    x = np.linspace(-1.0, 1.0, int(np.prod(shape))).reshape(shape) + 0.1
    check(mode, f, (x, 0.8), (wrt,))


@pytest.mark.parametrize("wrt", [(0, 1), (1, 0)], ids=["x", "w"])
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_the_jacobian_of_the_gradient_of_views_of_a_copy_written(wrt, shape):
    # the jacobian of the gradient too (hessian and jvp_of_grad above): refused until the
    # check of the gradient's writes read numpy.shape(t) in its reverse sweep as a read of
    # t's shape alone
    x = np.linspace(-1.0, 1.0, int(np.prod(shape))).reshape(shape) + 0.1
    check("jacobian_of_grad", views_of_a_copy_written, (x, 0.8), wrt)


X23 = np.linspace(-1.0, 1.0, 6).reshape(2, 3)
