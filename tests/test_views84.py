"""numpy.ascontiguousarray(y) and numpy.asfortranarray(y), differentiated (the identity,
in y's dtype) and written into: each gives y itself where y is laid out so already, and a
copy laid out so otherwise, which only the running code knows. A write into the result
goes through into y (and the views of y) where it is y, and into the copy alone where it
is not, as in NumPy; a view of y taken so before a write into y shows it or keeps its
values the same way. What NumPy does is checked first (which of these forms are y itself),
so a test would catch a wrong claim; each program is then checked in grad,
value_and_grad, vjp and jvp against central differences of the function, and in hessian
and the jvp of the gradient against central differences of the gradient, at two shapes,
with the argument in C order, in Fortran order, transposed and sliced (the differences
taken in the argument's own layout, as fd.py does)."""

import numpy as np
import pytest

import astgrad
from breadth_modes import check
from view_checks import FIRST, finite_difference_tests, start

def contiguous_array_written(x, w):
    y = np.sin(x)
    z = np.ascontiguousarray(y)     # y itself: the write changes y
    z[0] = w * z[1]
    return np.sum(y ** 2) + np.sum(z ** 3)


def contiguous_transpose_written(x, w):
    y = np.sin(x)
    z = np.ascontiguousarray(y.T)   # a copy: y keeps its values
    z[0] = w * z[1]
    return np.sum(y ** 2) + np.sum(z ** 3)


def fortran_array_scaled(x, w):
    y = np.cos(x)
    z = np.asfortranarray(y)        # a copy of a C array
    z[:, 0] *= w
    return np.sum(y ** 3) + np.sum(z * x)


def fortran_transpose_scaled(x, w):
    y = np.cos(x)
    z = np.asfortranarray(y.T)      # y.T itself: the write changes y
    z[0] += w * z[-1]
    return np.sum(y ** 3) + np.sum(z ** 2)


def contiguous_rows_written(x, w):
    t = np.sin(x)
    y = t[1:]                       # rows: laid out in C order, so z is y, a view of t
    z = np.ascontiguousarray(y)
    z[0, 0] = w * z[0, 1]
    return np.sum(t ** 2) + np.sum(y * z)


def contiguous_columns_written(x, w):
    t = np.sin(x)
    y = t[:, 1:]                    # columns: not contiguous, so z is a copy
    z = np.ascontiguousarray(y)
    z[0, 0] = w * z[0, 1]
    return np.sum(t ** 2) + np.sum(y * z)


def contiguous_scaled_whole(x, w):
    y = x * 1.0                     # laid out as x is
    z = np.ascontiguousarray(y)
    z *= w
    return np.sum(y ** 2) + np.sum(z ** 3)


def fortran_scaled_whole(x, w):
    y = x * 1.0
    z = np.asfortranarray(y)
    z *= w
    return np.sum(y ** 2) + np.sum(z ** 3)


def contiguous_read_after_a_write(x, w):
    y = x * 1.0
    z = np.ascontiguousarray(y)     # shows the write into y where it is y
    y[0] = w * y[1]
    return np.sum(y ** 2) + np.sum(z ** 3)


def fortran_read_after_a_write(x, w):
    y = x * 1.0
    z = np.asfortranarray(y)
    y[:, 0] = w * y[:, 1]
    return np.sum(y ** 2) + np.sum(z ** 3)


def fortran_vector_written(x, w):
    y = np.sin(x[0])                # 1-D: both layouts, so z is y
    z = np.asfortranarray(y)
    z[0] = w * z[1]
    return np.sum(y ** 2) + np.sum(z * x[1])

PROGRAMS = [contiguous_array_written, contiguous_transpose_written, fortran_array_scaled, fortran_transpose_scaled,
            contiguous_rows_written, contiguous_columns_written, contiguous_scaled_whole, fortran_scaled_whole,
            contiguous_read_after_a_write, fortran_read_after_a_write, fortran_vector_written]
SHAPES = [(2, 4), (4, 6)]
# each program in grad, value_and_grad, vjp, jvp, hessian and the jvp of its gradient (view_checks.py)
test_the_layout_is_taken_as_numpy_takes_it, test_the_second_order_takes_it_too = \
    finite_difference_tests(PROGRAMS, SHAPES)


def _sliced(a):
    wide = np.zeros(a.shape[:-1] + (2 * a.shape[-1],))
    wide[..., ::2] = a
    return wide[..., ::2]


LAYOUTS = {"C": lambda a: a, "fortran": np.asfortranarray, "transposed": lambda a: np.ascontiguousarray(a.T).T,
           "sliced": _sliced}
# x * 1.0 is laid out as x is: each of these is y itself for one layout and a copy for another
BY_LAYOUT = [contiguous_scaled_whole, fortran_scaled_whole, contiguous_read_after_a_write, fortran_read_after_a_write]


@pytest.mark.parametrize("mode", FIRST + ("hessian", "jvp_of_grad"))
@pytest.mark.parametrize("layout", LAYOUTS)
@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("f", BY_LAYOUT, ids=lambda f: f.__name__)
def test_the_arguments_layout_decides_view_or_copy(f, shape, layout, mode):
    check(mode, f, (LAYOUTS[layout](start(shape)), 0.8), (0, 1) if mode in FIRST else (0,))


def test_numpy_gives_the_array_itself_where_it_is_laid_out_so():
    y = np.sin(start((2, 4)))
    assert np.ascontiguousarray(y) is y and np.asfortranarray(y.T) is not y.T
    row = y[0]
    assert np.shares_memory(np.asfortranarray(y.T), y) and np.asfortranarray(row) is row
    assert not np.shares_memory(np.ascontiguousarray(y.T), y) and not np.shares_memory(np.asfortranarray(y), y)
    assert np.shares_memory(np.ascontiguousarray(y[1:]), y) and not np.shares_memory(np.ascontiguousarray(y[:, 1:]), y)
    f = np.asfortranarray(start((2, 4)))
    assert np.asfortranarray(f) is f and not np.shares_memory(np.ascontiguousarray(f), f)
    assert np.ascontiguousarray(np.float64(0.5)).shape == (1,)


@pytest.mark.parametrize("layout", LAYOUTS)
def test_the_values_are_pythons(layout):
    x = LAYOUTS[layout](start((4, 6)))
    for f in PROGRAMS:
        value, _ = astgrad.value_and_grad(f, wrt=1)(x, 0.8)
        assert value == pytest.approx(f(x.copy(order="K"), 0.8), rel=1e-14), (f.__name__, layout)
