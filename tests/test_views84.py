"""numpy.ascontiguousarray(y) and numpy.asfortranarray(y), differentiated (the identity, in
y's dtype; numpy.require too, only read) and written into: each gives y itself where y is laid out so already, and a
copy laid out so otherwise, which only the running code knows. A write into the result
goes through into y (and the views of y) where it is y, and into the copy alone where it
is not, as in NumPy; a view of y taken so before a write into y shows it or keeps its
values the same way. What NumPy does is checked first (which of these forms are y itself),
so a test would catch a wrong claim; each program is then checked in grad,
value_and_grad, vjp and jvp against central differences of the function, and in hessian
and the jvp of the gradient against central differences of the gradient, at two shapes,
with the argument in C order, in Fortran order, transposed and sliced (the differences
taken in the argument's own layout, as fd.py does).
Also a row read before straight-line writes into its array (``u = y[0]``, then
``y[0, 0] = w * u[1]; y[0, 1] = w * u[2]``: ``u`` is a view and shows each write), read again
in each pass of a loop of writes, or at an index computed once before the loop (read before
the loop or in each pass), now followed to the second order; a row read in a loop at an index
the loop changes is followed once and refused twice in words naming the user's lines."""

import inspect
import re

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

def contiguous_of_a_number(x, w):
    z = np.ascontiguousarray(w * np.sum(x))             # at least 1-D: shape (1,)
    return np.sum(z ** 3) + np.sum(np.asfortranarray(x * w, dtype=np.float64) ** 2)


def fortran_of_a_list(x, w):
    z = np.asfortranarray([w * x[0, 0], np.sin(x[1, 1])])
    return np.sum(z ** 2 * w) + np.sum(np.ascontiguousarray(x.T) * x.T)


PROGRAMS = [contiguous_array_written, contiguous_transpose_written, fortran_array_scaled, fortran_transpose_scaled,
            contiguous_rows_written, contiguous_columns_written, contiguous_scaled_whole, fortran_scaled_whole,
            contiguous_read_after_a_write, fortran_read_after_a_write, fortran_vector_written,
            contiguous_of_a_number, fortran_of_a_list]
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


def require_written(x, w):
    y = np.sin(x)
    z = np.require(y, requirements="C")     # y itself here: astgrad does not follow which
    z[0] = w * z[1]
    return np.sum(y ** 2) + np.sum(z ** 3)


def test_a_write_into_what_numpy_require_gives_is_refused_in_words():
    y = np.sin(start((2, 4)))
    assert np.require(y, requirements="C") is y
    with pytest.raises(astgrad.TransformError, match=r"test_views84\.py:\d+: assignment into an element of 'z' "
                       r"while another name may share its memory") as caught:
        astgrad.grad(require_written, wrt=1)(start((2, 4)), 0.8)
    assert "z[0] = w * z[1]" in str(caught.value)


def require_read(x, w):
    return np.sum(np.require(x.T * w, requirements=["F", "W"]) ** 3) + np.sum(np.require(x, np.float64) * w)


test_require_is_taken_as_numpy_takes_it, test_require_to_the_second_order = \
    finite_difference_tests([require_read], SHAPES)


# -- a row read before writes into its array, differentiated twice ---------------------------

def two_writes_into_the_row_read(x, w):
    y = np.sin(x)
    u = y[0]
    y[0, 0] = w * u[1]
    y[0, 1] = w * u[2]              # u shows the first write
    return np.sum(u ** 2) + np.sum(y * x)


def two_rows_written_whole(x, w):
    y = np.sin(x)
    u = y[0]
    y[1] = w * u
    y[0] = w * u
    return np.sum(u ** 2) + np.sum(y * x)


def another_row_written_twice(x, w):
    y = np.sin(x)
    u = y[0]
    y[1, 0] = w * u[1]
    y[1, 1] = w * u[2]              # u does not show these
    return np.sum(u ** 2) + np.sum(y * x)


def four_writes_and_an_update(x, w):
    y = np.sin(x)
    u = y[0]
    y[0, 0] = w * u[1]
    y[0, 1] = w * u[2]
    y[1, 1] = u[0] * u[3]
    y[0, 2] += w * u[0]
    return np.sum(u ** 3) + np.sum(y * x)


def two_rows_read_and_written(x, w):
    y = np.sin(x)
    u = y[0]
    v = y[-1]
    y[0, 0] = w * v[1]
    y[-1, 1] = w * u[2]
    y[0, 1] = v[0] * u[1]
    return np.sum(u ** 3) + np.sum(v * u) + np.sum(y * x)


def the_row_read_again_between(x, w):
    y = np.sin(x)
    u = y[0]
    y[0, 0] = w * u[1]
    v = y[0]
    y[0, 1] = w * v[2] * u[3]
    return np.sum(u ** 3) + np.sum(v * x[1]) + np.sum(y * x)


def a_computed_row_written_twice(x, w):
    y = np.sin(x)
    i = len(x) - 1
    u = y[i]
    v = y[0]
    y[i, 0] = w * v[1]
    y[0, 1] = w * u[2]
    return np.sum(u * v) + np.sum(y * x)


# -- a row read in a loop of writes, or at an index computed before it -------------------

def the_row_read_in_each_pass(x, w):
    y = np.sin(x)
    for k in range(3):
        u = y[0]
        y[0, k + 1] = w * u[k]      # the next pass reads what this one wrote
    return np.sum(u ** 3) + np.sum(y * x)


def the_last_row_read_in_each_pass(x, w):
    y = np.cos(x)
    for k in range(2):
        u = y[-1]
        y[0, k] = w * u[k + 1]
        y[-1, k] += u[k] * w
    return np.sum(u ** 2) + np.sum(y ** 2)


def the_row_read_in_each_pass_of_a_while_loop(x, w):
    y = np.sin(x)
    k = 0
    while k < 2:
        u = y[1]
        y[1, k] = w * u[k + 1] * u[k]
        k += 1
    return np.sum(u ** 2) + np.sum(y * x)


def the_row_read_in_nested_loops(x, w):
    y = np.sin(x)
    for j in range(2):
        for k in range(2):
            u = y[0]
            y[0, j + k] = w * u[j + k + 1]
    return np.sum(u ** 2) + np.sum(y * x)


def a_row_at_an_index_from_the_shape(x, w):
    y = np.sin(x)
    i = x.shape[0] - 1
    u = y[i]
    for k in range(2):
        y[i, k] = w * u[k + 1]
        y[0, k] = y[0, k] + u[k]
    return np.sum(u ** 3) + np.sum(y * x)


def a_computed_row_read_in_each_pass(x, w):
    y = np.sin(x)
    i = len(x) // 2
    for k in range(2):
        u = y[i]            # i holds one value: the one row in every pass
        y[i, k + 1] = w * u[k]
    return np.sum(u ** 2) + np.sum(y * x)


ROWS = [two_writes_into_the_row_read, two_rows_written_whole, another_row_written_twice, four_writes_and_an_update,
        two_rows_read_and_written, the_row_read_again_between, a_computed_row_written_twice,
        the_row_read_in_each_pass, the_last_row_read_in_each_pass, the_row_read_in_each_pass_of_a_while_loop,
        the_row_read_in_nested_loops, a_row_at_an_index_from_the_shape, a_computed_row_read_in_each_pass]
test_the_row_shows_the_writes_as_numpys_does, test_the_second_order_follows_the_row = \
    finite_difference_tests(ROWS, SHAPES)


def test_numpy_shows_each_write_in_a_row_read_before():
    y = np.sin(start((2, 4)))
    u = y[0]
    was = u.copy()
    y[0, 0] = 0.8 * u[1]
    y[0, 1] = 0.8 * u[2]
    assert np.shares_memory(u, y) and u[0] == 0.8 * was[1] and u[1] == 0.8 * was[2]


def test_the_row_values_are_pythons():
    x = start((4, 6))
    for f in ROWS:
        value, _ = astgrad.value_and_grad(f, wrt=1)(x, 0.8)
        assert value == pytest.approx(f(x.copy(), 0.8), rel=1e-14), f.__name__


def a_row_at_the_loops_index(x, w):
    y = np.sin(x)
    for i in range(2):
        u = y[i]
        y[i, 0] = w * u[1]          # each pass reads another row
        y[i, 1] = w * u[2]
    return np.sum(y * x)


@pytest.mark.parametrize("f", [a_row_at_the_loops_index], ids=lambda f: f.__name__)
def test_other_rows_read_in_a_loop_are_followed_once_and_refused_twice_in_words(f):
    x = start((2, 4))
    for mode in FIRST:
        check(mode, f, (x, 0.8), (0, 1))
    with pytest.raises(astgrad.TransformError) as caught:
        astgrad.hessian(f, wrt=1)(x, 0.8)
    message, line = str(caught.value), f.__code__.co_firstlineno
    lines = inspect.getsource(f).splitlines()
    written = next(n for n, text in enumerate(lines) if "y[i, " in text)
    read = next(n for n, text in enumerate(lines) if "u = y[i]" in text)
    assert f"test_views84.py:{line + written}: this line cannot be differentiated twice" in message, message
    assert f"while 'u' holds a row of it read before (line {line + read}: u = y[i])" in message, message
    assert "copy it where it is read (u = y[...].copy(); here line" in message, message
    assert not re.search(r"\bt_\d|\bd_\w|_saved|_stack", message), message
