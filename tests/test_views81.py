"""Writes through views that were refused before, now followed as NumPy takes them: a helper
writing into a slice it is handed (``_scale_into(y[1:], w)``, ``a *= w`` in the helper), an
unpacking assignment of two slices of one array (``y[:2], y[2:4] = y[2:4], y[:2]``: the right
side's views are read when the writes run, so NumPy's result is no swap), ``z = np.asarray(y)``
(and ``asanyarray``, ``dtype=`` the array's own, ``np.array(y, copy=False)``), which is ``y``
itself, and ``y.real[k] = v`` of a real array (``y.real`` views all of ``y``). What NumPy does
is checked first (``np.shares_memory`` and the values Python computes), so a test would catch
a wrong claim; each program is then checked in grad, value_and_grad, vjp and jvp against
central differences of the function, and in hessian and the jvp of the gradient against
central differences of the gradient, at two shapes. Refused in words: a write into the
diagonal ``np.einsum("ii->i", m)`` gives (naming ``m``, the line, and the index write that is
followed instead), ``np.asarray`` that makes a new array of another dtype, and ``.real`` of a
complex array."""

import inspect

import numpy as np
import pytest

import astgrad
from breadth_modes import check
from view_checks import FIRST, finite_difference_tests, start


def _scale_into(a, w):
    a *= w


def _set_first(a, v):
    a[0] = v * a[1]


def helper_scales_a_slice(x, w):
    y = x * 1.0
    _scale_into(y[1:], w)
    return np.sum(y ** 2) + np.sum(y[0] * x)


def helper_writes_rows_of_a_slice(x, w):
    y = np.sin(x)
    _set_first(y[1:], w)           # y[1:][0], y's second row, from its third
    return np.sum(y ** 3)


def helper_scales_a_slice_a_view_reads(x, w):
    y = x * 1.0
    u = y[:2]                      # overlaps the slice handed: shows the helper's write
    _scale_into(y[1:], w)
    return np.sum(u ** 2) + np.sum(y * x)


def helper_scales_two_overlapping_slices(x, w):
    y = x * 1.0
    _scale_into(y[:3], w)
    _scale_into(y[1:], w)          # y[1:3] scaled twice
    return np.sum(np.cos(y))


def helper_scales_a_slice_in_a_loop(x, w):
    y = np.cos(x)
    for k in range(2):
        _scale_into(y[k:], w)
    return np.sum(y ** 2)


def helper_scales_a_slice_of_the_argument(x, w):
    _scale_into(x[1:], w)          # the caller's array changes in Python; a derivative leaves it
    return np.sum(x ** 2)


def helper_in_a_branch_then_real_part_written(x, w):
    y = x * 1.0
    if w > 0:
        _scale_into(y[1:], w)
    v = y[:2]
    y.real[0] = w * 3.0            # shown by v
    return np.sum(v ** 2) + np.sum(y)


def slices_unpacked_from_views(x, w):
    y = x * w
    y[:2], y[2:4] = y[2:4], y[:2]  # NumPy: y[2:4] keeps its values, copied into y[:2] too
    return np.sum(y ** 2 * np.arange(1.0, 1 + y.size).reshape(y.shape))


def slices_unpacked_from_copies(x, w):
    y = x * w
    y[:2], y[2:4] = y[2:4].copy(), y[:2].copy()   # a swap
    return np.sum(y ** 2 * np.arange(1.0, 1 + y.size).reshape(y.shape))


def slice_and_name_unpacked(x, w):
    y = np.sin(x)
    y[1:3], s = y[:2] * w, y[1:3]  # s: the view, read after the write into y[1:3]
    return np.sum(s ** 2) + np.sum(y * x)


def asarray_written(x, w):
    y = x * 1.0
    z = np.asarray(y)
    z[0] = w
    z[1:] *= w
    return np.sum(y ** 2) + np.sum(z * x)


def asarray_of_its_dtype_written(x, w):
    y = np.sin(x)
    z = np.asarray(y, dtype=float)
    z[1] = w * z[0]
    return np.sum(y ** 2)


def asanyarray_written(x, w):
    y = x * 2.0
    z = np.asanyarray(y, np.float64)
    z *= w
    return np.sum(y ** 2)


def array_without_copy_written(x, w):
    y = x - 1.0
    z = np.array(y, copy=False)    # NumPy 1 and 2: the array itself, as no copy is needed
    z[-1] = w
    return np.sum(y * x) + np.sum(z)


def real_part_written(x, w):
    y = x * 1.0
    y.real[0] = w
    y.real[1:] *= w
    return np.sum(y ** 2)


PROGRAMS = [helper_scales_a_slice, helper_writes_rows_of_a_slice, helper_scales_a_slice_a_view_reads,
            helper_scales_two_overlapping_slices, helper_scales_a_slice_in_a_loop,
            helper_scales_a_slice_of_the_argument, helper_in_a_branch_then_real_part_written, slices_unpacked_from_views, slices_unpacked_from_copies,
            slice_and_name_unpacked, asarray_written, asarray_of_its_dtype_written, asanyarray_written,
            array_without_copy_written, real_part_written]
SHAPES = [(4, 2), (5, 3)]


(test_the_write_is_taken_as_numpy_takes_it,
 test_the_second_order_takes_it_too) = finite_difference_tests(PROGRAMS, SHAPES)


def test_numpy_shares_memory_as_these_programs_say():
    y = start((4, 2))
    assert np.shares_memory(y[1:], y) and np.shares_memory(y[:, 1:], y)
    assert np.asarray(y) is y and np.asarray(y, dtype=float) is y and np.asanyarray(y, np.float64) is y
    assert np.array(y, copy=False) is y
    assert np.shares_memory(y.real, y) and y.real.shape == y.shape and y.real.strides == y.strides
    assert not np.shares_memory(np.asarray([y[0, 0], y[1, 0]]), y)


def test_python_computes_no_swap_from_two_views():
    y = start((5, 3))
    was = y.copy()
    y[:2], y[2:4] = y[2:4], y[:2]
    assert np.array_equal(y[:2], was[2:4]) and np.array_equal(y[2:4], was[2:4]) and np.array_equal(y[4:], was[4:])
    y = was.copy()
    y[1:3], s = y[:2] * 0.8, y[1:3]
    assert np.array_equal(s, y[1:3]) and np.array_equal(s, was[:2] * 0.8)


def test_python_scales_the_handed_slice_in_place():
    y = start((4, 2))
    was = y.copy()
    _scale_into(y[1:], 0.8)
    assert np.array_equal(y[0], was[0]) and np.array_equal(y[1:], was[1:] * 0.8)


def test_the_values_are_numpys():
    x = start((5, 3))
    for f in PROGRAMS:
        value, _ = astgrad.value_and_grad(f, wrt=1)(x, 0.8)
        assert value == pytest.approx(f(x.copy(), 0.8), rel=1e-14), f.__name__


def diagonal_scaled_through_einsum(m, w):
    m = m * 1.0
    np.einsum("ii->i", m)[:] *= w
    return np.sum(m ** 2)


def test_a_write_into_einsums_diagonal_is_refused_naming_the_array_and_the_line():
    with pytest.raises(astgrad.TransformError, match=r"test_views81\.py:(\d+): .*np\.einsum\(\"ii->i\", m\), the "
                       r"array this call gives \(for some calls a view of m.*numpy\.diag_indices\(m\.shape\[0\]\); "
                       r"m\[idx\] \*= \.\.\..*numpy\.fill_diagonal\(m, values\)") as caught:
        astgrad.grad(diagonal_scaled_through_einsum, wrt=1)(start((3, 3)), 0.8)
    lines, first = inspect.getsourcelines(diagonal_scaled_through_einsum)
    line = int(str(caught.value).split("test_views81.py:")[1].split(":")[0])
    assert lines[line - first].strip() == 'np.einsum("ii->i", m)[:] *= w'
    m = start((3, 3))
    assert np.shares_memory(np.einsum("ii->i", m), m)    # a view: the write would change m


def diagonal_scaled_by_index(m, w):
    m = m * 1.0
    idx = np.diag_indices(m.shape[0])
    m[idx] *= w
    return np.sum(m ** 2)


@pytest.mark.parametrize("mode", FIRST + ("hessian",))
@pytest.mark.parametrize("n", [2, 3])
def test_the_advised_index_write_is_followed(n, mode):
    m = start((n, n))
    check(mode, diagonal_scaled_by_index, (m, 0.8), (0, 1))
    plain = m.copy()
    np.einsum("ii->i", plain)[:] *= 0.8
    assert diagonal_scaled_by_index(m, 0.8) == pytest.approx(np.sum(plain ** 2), rel=1e-14)


def asarray_of_another_dtype_written(x, w):
    y = x * 1.0
    z = np.asarray(y, dtype=np.float32)
    z[0] = w
    return np.sum(y ** 2)


def real_part_of_a_complex_array_written(x, w):
    y = x * (1.0 + 0.0j)
    y.real[0] = w
    return np.sum(y.real ** 2)


def test_asarray_making_a_new_array_is_refused_when_the_code_runs():
    x = start((4, 2))
    assert not np.shares_memory(np.asarray(x, dtype=np.float32), x)
    with pytest.raises(TypeError, match=r"test_views81\.py:\d+: np\.asarray\(y, dtype=np\.float32\) makes a new "
                       r"array here \(ndarray of dtype float64 in\)"):
        astgrad.grad(asarray_of_another_dtype_written, wrt=1)(x, 0.8)


def test_the_real_part_of_a_complex_array_written_is_refused():
    x = start((4, 2))
    with pytest.raises((TypeError, astgrad.TransformError), match=r"test_views81\.py:\d+: .*(complex|real)"):
        astgrad.grad(real_part_of_a_complex_array_written, wrt=1)(x, 0.8)


def helper_writes_a_slice_of_a_list(x, w):
    y = [x[0], x[1], x[2]]
    _set_first(y[1:], w)           # a new list: y does not change in Python
    return y[0] + y[1] * 2.0


def test_a_slice_of_a_list_handed_to_a_helper_writing_into_it_is_refused_when_the_code_runs():
    with pytest.raises(TypeError, match=r"test_views81\.py:\d+: this writes into a slice of a list .* which in Python "
                       r"is a new list of its own"):
        astgrad.grad(helper_writes_a_slice_of_a_list, wrt=1)(start((4,)), 0.8)


def _scale_then_copy_along(a, b):
    a *= 2.0
    b[0] = b[1]                    # b[1] is a[0] where b is the array a views


def slice_and_its_array_handed_to_a_helper(x, w):
    y = x * 1.0
    z = y
    _scale_then_copy_along(y[1:], z)
    return np.sum(y * np.arange(1.0, 1 + y.size)) * w


def test_a_slice_handed_beside_its_array_under_another_name_is_refused_when_the_code_runs():
    x = start((4,))
    y = x.copy()
    _scale_then_copy_along(y[1:], y)
    assert y[0] == 2.0 * x[1]      # the helper's read of b[1] sees its write into a, as in NumPy
    with pytest.raises(TypeError, match=r"test_views81\.py:\d+: this call hands the helper a slice of an array and, "
                       r"in another argument, that array"):
        astgrad.grad(slice_and_its_array_handed_to_a_helper, wrt=1)(x, 0.8)
