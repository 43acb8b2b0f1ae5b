"""Writes through views refused before, now followed as NumPy takes them: a helper writing
into a column slice it is handed (``_set_first(y[:, 1:], w)``, beside the row slice
``y[1:]`` test_views81.py checks; also with ``w * y[0, 0]``, arithmetic on ``y``, as the
other argument), a reshape, ravel or flatten in ``order="A"`` (NumPy reads in Fortran order
an array laid out in Fortran order alone, in C order any other; written into, or only read,
where a derivative given ``"A"`` read its derivatives, laid out otherwise, in the wrong
order), and ``op=`` on an array a dict holds beside a shallow copy of the dict
(``c = s.copy(); s["a"] *= w``: ``c["a"]`` is the same array and shows the change, also
through copies of copies, in a loop, in a branch; not where ``c["a"]`` was given another).
What NumPy does is checked first (``np.shares_memory``, the order "A" stands for, the
dicts' items), so a test would catch a wrong claim; each program is then checked in grad,
value_and_grad, vjp and jvp against central differences of the function, and in hessian and
the jvp of the gradient against central differences of the gradient, at two shapes.
A row read before a write into its array and read again after, beside a ravel written,
to the second order too. Refused in words: ``order="A"`` of a value a call computes (astgrad
reads the array's layout a second time). The second order of a write of a bare name into a
ravel that copies (``z[0] = w``), refused before, is followed too. Writes in a loop into the
array of a row read across them, to the second order too."""

import copy
import inspect
import re

import numpy as np
import pytest

import astgrad
from breadth_modes import check
from view_checks import FIRST, finite_difference_tests, start


def _set_first(a, v):
    a[0] = v * a[1]


def _put(a, v):
    a[0] = v


def helper_writes_a_column_slice(x, w):
    y = np.sin(x)
    _set_first(y[:, 1:], w)         # y[0, 1] from y[1, 1]
    return np.sum(y ** 3)


def helper_puts_into_a_column_slice(x, w):
    y = x * 1.0
    _put(y[:, 1:], w)
    return np.sum(y ** 2) + np.sum(y * x)


def helper_puts_arithmetic_on_the_array(x, w):
    y = np.sin(x)
    _put(y[:, 1:], w * y[0, 0])     # read before the helper runs, as Python reads arguments
    return np.sum(y ** 3)


def helper_writes_a_column_slice_a_view_reads(x, w):
    y = np.cos(x)
    u = y[0]                        # the first row: shows the helper's write into y[0, 1:]
    _set_first(y[:, 1:], w)
    return np.sum(u ** 2) + np.sum(y * x)


def any_order_of_a_fortran_array_written(x, w):
    y = x.T * 1.0                   # laid out in Fortran order: "A" is "F", y.T's reshape a view
    z = np.reshape(y.T, -1, order="A")
    z[0] = w
    return np.sum(z ** 2) + np.sum(y * x.T)


def any_order_of_a_transpose_written(x, w):
    y = x * 1.0
    z = np.reshape(y.T, -1, order="A")      # y.T is laid out in Fortran order alone: "F", a view
    z[1:3] *= w
    return np.sum(z ** 3) + np.sum(y * x)


def any_order_method_scaled(x, w):
    y = x * w
    z = y.T.reshape(-1, order="A")
    z *= w
    return np.sum(y * np.arange(1.0, 1 + y.size).reshape(y.shape)) + np.sum(z[:2])


def any_order_of_a_column_slice_written(x, w):
    y = np.sin(x)
    z = y[:, 1:].ravel(order="A")   # laid out in neither order: "C", a copy
    z[0] = w
    return np.sum(z ** 2) + np.sum(y ** 3)


def any_order_flattened_written(x, w):
    y = x.T * w
    z = y.flatten(order="A")        # a copy, read in Fortran order
    z[0] = 2.0 * w
    return np.sum(z * np.arange(1.0, 1 + z.size)) + np.sum(y ** 2)


def any_order_of_the_argument_written(x, w):
    z = np.reshape(x.T, -1, order="A")      # "F": a view of the caller's array, which must not change
    z[0] = w * z[1]
    return np.sum(z ** 2) + np.sum(x * 2.0)


def any_order_read(x, w):
    z = np.ravel(x.T, order="A") * w        # no write: the order of the reading alone
    v = np.reshape(x.T, (-1, 2), "A")[:, 0] + x.T.ravel("A")[:2].sum()     # "A" by position
    return np.sum(z * np.arange(1.0, 1 + z.size)) + np.sum(v ** 2)


def dict_item_scaled_beside_its_copy(x, w):
    s = {"a": x * 1.0, "b": x + 1.0}
    c = s.copy()                    # c["a"] is s["a"]: shows the change
    s["a"] *= w
    return np.sum(c["a"] ** 2) + np.sum(s["a"] * s["b"])


def copy_item_given_another_then_scaled(x, w):
    s = {"a": np.sin(x), "b": x * 2.0}
    c = s.copy()
    c["a"] = x * 3.0                # c holds a new array there: s["a"] *= w leaves it
    s["a"] *= w
    s["b"] += w * s["a"]            # c["b"] shows this one
    return np.sum(c["a"] ** 2) + np.sum(c["b"] * s["a"]) + np.sum(s["b"] ** 2)


def copies_of_copies_scaled_in_a_loop(x, w):
    s = {"a": x * 1.0}
    c = copy.copy(s)
    e = c.copy()
    for _ in range(2):
        e["a"] *= w                 # s, c and e hold one array
    return np.sum(s["a"] ** 3) + np.sum(c["a"] * e["a"])


def both_dicts_written_by_key_in_a_loop(x, w):
    s = {0: x * 1.0, 1: np.cos(x)}
    c = dict(s)
    for k in range(2):
        c[k] *= w * (k + 1)         # s[k] shows it, and c[k] shows s[k] += w
        s[k] += w
    return np.sum(s[0] * c[1]) + np.sum(c[0] ** 2)


def dict_item_scaled_in_a_branch(x, w):
    s = {"a": x * 1.0}
    c = s.copy()
    if w > 0.5:
        s["a"] *= w
    return np.sum(c["a"] ** 2)


def row_read_before_a_ravel_and_its_array_written(x, w):
    y = np.cos(x)
    z = np.ravel(y.T)               # a copy for a C-ordered y
    u = y[0]                        # a view: shows the write into y, not the one into z
    z *= w
    y[0, 1] = w * 2.0
    return np.sum(z ** 3) + np.sum(y * x) + np.sum(u ** 2)


def row_read_before_the_write_and_after(x, w):
    y = x * 1.0
    r = y[0] * 1.0                  # a copy: keeps the value before the write
    u = y[0]                        # a view: shows it
    y[0] = w * x[1]
    return np.sum(r * y[0]) + np.sum(u * r)


PROGRAMS = [helper_writes_a_column_slice, helper_puts_into_a_column_slice, helper_puts_arithmetic_on_the_array,
            helper_writes_a_column_slice_a_view_reads, any_order_of_a_fortran_array_written,
            any_order_of_a_transpose_written, any_order_method_scaled, any_order_of_a_column_slice_written,
            any_order_flattened_written, any_order_of_the_argument_written, any_order_read,
            dict_item_scaled_beside_its_copy, copy_item_given_another_then_scaled, copies_of_copies_scaled_in_a_loop,
            both_dicts_written_by_key_in_a_loop, dict_item_scaled_in_a_branch,
            row_read_before_a_ravel_and_its_array_written,
            row_read_before_the_write_and_after]
SHAPES = [(2, 4), (4, 6)]


(test_the_write_is_taken_as_numpy_takes_it,
 test_the_second_order_takes_it_too) = finite_difference_tests(PROGRAMS, SHAPES)


def test_the_values_are_numpys():
    x = start((4, 6))
    for f in PROGRAMS:
        value, _ = astgrad.value_and_grad(f, wrt=1)(x, 0.8)
        assert value == pytest.approx(f(x.copy(), 0.8), rel=1e-14), f.__name__


def test_python_shows_the_change_in_each_dict_holding_the_array():
    x = start((2, 4))
    s = {"a": x * 1.0, "b": x + 1.0}
    c = s.copy()
    assert c["a"] is s["a"]
    s["a"] *= 0.8
    assert np.array_equal(c["a"], x * 0.8)
    s = {"a": x * 1.0}
    c = s.copy()
    c["a"] = x * 3.0
    s["a"] *= 0.8
    assert np.array_equal(c["a"], x * 3.0)


def test_python_writes_the_handed_column_slice_in_place():
    y = start((4, 3))
    was = y.copy()
    _set_first(y[:, 1:], 0.8)
    assert np.shares_memory(y[:, 1:], y)
    assert y[0, 1] == 0.8 * was[1, 1] and y[0, 2] == 0.8 * was[1, 2]
    assert np.array_equal(np.delete(y, 0, axis=0), np.delete(was, 0, axis=0)) and y[0, 0] == was[0, 0]


# (array, what "A" stands for, whether the reshape shares the array's memory)
LAYOUTS = [
    (lambda y: y.T, "F", True),             # a transposed C array: Fortran order alone
    (lambda y: y, "C", True),
    (lambda y: y[:, 1:], "C", False),       # neither: read in C order, a copy
    (lambda y: y[:, 1:].T, "C", False),
    (lambda y: np.asfortranarray(y), "F", True),
    (lambda y: y[:1], "C", True),           # one row: both layouts, the same reading
]


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("row", range(len(LAYOUTS)))
def test_numpy_reads_any_order_as_the_layout_says(row, shape):
    take, order, is_view = LAYOUTS[row]
    a = take(start(shape))
    assert np.array_equal(np.reshape(a, -1, order="A"), np.reshape(a, -1, order=order))
    assert np.array_equal(np.ravel(a, order="A"), np.ravel(a, order=order))
    assert np.array_equal(a.flatten(order="A"), a.flatten(order=order))
    assert np.shares_memory(np.reshape(a, -1, order="A"), a) == is_view
    assert astgrad.runtime.any_order(a) == order


def any_order_of_a_computed_value(x, w):
    z = np.reshape(np.sin(x).T, -1, order="A")
    return np.sum(z * np.arange(1.0, 1 + z.size)) * w


def test_any_order_of_a_value_a_call_computes_is_refused_in_words():
    with pytest.raises(astgrad.TransformError, match=r"test_views82\.py:(\d+): astgrad cannot differentiate "
                       r"order=\"A\" of a value this line computes.*Bind the array to a name first") as caught:
        astgrad.grad(any_order_of_a_computed_value, wrt=1)(start((2, 4)), 0.8)
    assert _line_of(caught.value, any_order_of_a_computed_value).startswith("z = np.reshape(np.sin(x).T")


def row_read_before_writes_in_a_loop(x, w):
    y = np.sin(x)
    u = y[0]
    for k in range(2):
        y[0, k] = w * u[k + 1]      # u shows each write: the next step reads it
    return np.sum(u ** 2) + np.sum(y * x)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_a_row_read_across_writes_in_a_loop_is_followed_to_the_second_order(shape):
    f = row_read_before_writes_in_a_loop
    for mode in FIRST:
        check(mode, f, (start(shape), 0.8), (0, 1))
    for mode in ("hessian", "jvp_of_grad"):
        for wrt in (0, 1):
            check(mode, f, (start(shape), 0.8), (wrt,))


def _line_of(error, f):
    """The text of the line of ``f`` the error names."""
    lines, first = inspect.getsourcelines(f)
    line = int(re.search(r"test_views82\.py:(\d+):", str(error)).group(1))
    assert first < line < first + len(lines)
    return lines[line - first].strip()
