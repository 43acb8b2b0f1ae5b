"""Writes ``y[index] = v`` while ``v`` shares ``y``'s memory, and writes while aliases
exist. NumPy writes such a value element by element for a mask (and, in NumPy 2.0, for a
list of positions), reading elements the write has already replaced; the derivative
assumes ``v`` was read first. Which values may share ``y``'s memory is found by value
flow: a row read at a key held in a name (``r = y[i]``), a view a helper returns, a view
bound in a loop, a view written together with its base, the array read back out of a
list or dict holding it. Such a write is refused when it
runs on a NumPy that writes element by element, and matches finite differences on one
that does not; a memo table's ``memo[k] = r`` is a dict's item write and is not checked.
The adversarial neighbours (an alias bound in a branch, ``np.asarray(y)`` and
``y.view()`` as aliases, ``out=`` of a ufunc, ``np.copyto``, ``.fill``, ``np.put``,
``np.place``, ``.resize``, one array passed as two arguments) either match finite
differences in reverse, forward and second order or are refused naming the line."""

import inspect
import re

import numpy as np
import pytest

import astgrad
from astgrad import write_order
from breadth_modes import check

W = np.arange(1.0, 10.0).reshape(3, 3)
MASK = np.array([[False, True, True], [True, False, False], [False, False, False]])


def row_at_a_name_under_a_mask(x):
    y = x * 1.0
    i = 0
    r = y[i]
    y[MASK] = r     # the write
    return np.sum(y * W)


def row_at_a_name_at_positions(x):
    y = x * 1.0
    i = 0
    r = y[i]
    y[[0, 0, 1], [1, 2, 0]] = r     # the write
    return np.sum(y * W)


def row_bound_in_a_loop(x):
    y = x * 1.0
    for i in range(1):
        r = y[i]
    y[[0, 0, 1], [1, 2, 0]] = r     # the write
    return np.sum(y * W)


def reversed_view(v):
    return v[::-1]


def view_a_helper_returns(x):
    y = x[0] * 1.0
    r = reversed_view(y)
    y[y > -10.0] = r        # the write
    return np.sum(y * W[0])


def view_written_with_its_base(x):
    z = x[0] * 1.0
    y = z[:]
    t = z[::-1]
    y[y > -100.0] = t       # the write
    return np.sum(y * W[0])


def read_back_out_of_a_dict(x):
    y = x[0] * 1.0
    d = {"y": y}
    v = d["y"]
    y[y > -100.0] = v[::-1]     # the write
    return np.sum(y * W[0])


def popped_off_a_list(x):
    y = x[0] * 1.0
    stack = [y]
    v = stack.pop()
    y[y > -100.0] = v[::-1]     # the write
    return np.sum(y * W[0])


def item_of_a_loop(x):
    y = x[0] * 1.0
    for v in [y]:
        t = v[::-1]
    y[y > -100.0] = t       # the write
    return np.sum(y * W[0])


def row_copied_under_a_mask(x):
    y = x * 1.0
    i = 0
    r = y[i].copy()
    y[MASK] = r
    return np.sum(y * W)


def memo_table(x):
    memo = {}
    memo[0] = x * 1.0
    n = 0
    for k in range(1, 3):
        r = memo[n]
        memo[k] = r * np.sin(r)
        n = k
    return np.sum(memo[2] * W)


def view_in_a_loop_written_after(x):
    y = x * 1.0
    for k in range(2):
        v = y[k]
    y[2] = v * 3.0
    v[0] = y[2, 1] * y[0, 0]
    return np.sum(y * W) + np.sum(v * v)


def ellipsis_view_written(x):
    y = x * 1.0
    a = y[...]
    a[2] = np.cos(y[0])
    return np.sum(y * W) + np.sum(a)


def ufunc_out_is_its_operand(x):
    y = x * 1.0
    np.add(y, y * y, out=y)
    return np.sum(y * W)


# (program, the kind of index that decides, or None where every mode must match)
def copyto_a_view(x):
    y = x[0] * 1.0
    np.copyto(y, y[::-1])       # y[...] = y[::-1], which NumPy (and copyto) reads whole first
    return np.sum(y * W[0])


def put_positions(x):
    y = x * 1.0
    np.put(y, [0, 4], y[2][:2] * 3.0)       # a new value, read before the write
    return np.sum(y * W)


def place_under_a_mask(x):
    y = x * 1.0
    np.place(y, y > 0.0, y[0, 0] * 2.0)     # the same
    return np.sum(y * W)


CHECKED = [(row_at_a_name_under_a_mask, "mask"), (row_at_a_name_at_positions, "mixed"),
           (row_bound_in_a_loop, "mixed"), (view_a_helper_returns, "mask"),
           (view_written_with_its_base, "mask"), (read_back_out_of_a_dict, "mask"), (popped_off_a_list, "mask"),
           (item_of_a_loop, "mask")]
FOLLOWED = [row_copied_under_a_mask, memo_table, view_in_a_loop_written_after, ellipsis_view_written,
            ufunc_out_is_its_operand, copyto_a_view, put_positions, place_under_a_mask]
X = np.random.default_rng(7).standard_normal((3, 3))


def _line_of_the_write(f):
    lines, first = inspect.getsourcelines(f)
    return first + next(k for k, line in enumerate(lines) if "# the write" in line)


@pytest.mark.parametrize("f, kind", CHECKED, ids=[f.__name__ for f, _ in CHECKED])
def test_a_write_of_a_value_sharing_the_arrays_memory(f, kind):
    # these gave the gradient of a copy, while NumPy 2.0 (positions) and every NumPy
    # (a 1-D mask) write element by element: a wrong gradient with no error
    if write_order.READS_FIRST[kind]:
        check("grad", f, (X.copy(),), (0,))
        return
    where = rf"test_overlap_mend\.py:{_line_of_the_write(f)}: cannot differentiate this write y\[index\] = v"
    for _ in range(2):      # refused again: the first refusal left nothing behind
        with pytest.raises(ValueError, match=where):
            astgrad.grad(f)(X.copy())
    fixed = {row_at_a_name_under_a_mask: row_copied_under_a_mask}.get(f)
    if fixed is not None:       # the copy the message advises
        check("grad", fixed, (X.copy(),), (0,))


def test_the_forward_mode_follows_numpy():
    check("jvp", row_bound_in_a_loop, (X.copy(),), (0,))
    check("jvp", view_a_helper_returns, (X.copy(),), (0,))


@pytest.mark.parametrize("f, mode", [(f, mode) for k, f in enumerate(FOLLOWED)
                                     for mode in ("grad", "jvp", ("hessian", "jvp_of_grad")[k % 2])],
                         ids=lambda v: getattr(v, "__name__", v))
def test_followed_against_finite_differences(f, mode):
    check(mode, f, (X.copy(),), (0,))


def test_a_memo_tables_item_write_is_not_checked():
    assert "write_reads_value_first" not in astgrad.grad(memo_table).source


def alias_bound_in_a_branch(x):
    y = x * 1.0
    z = y * 2.0
    if np.sum(x) > -100.0:
        z = y
    z[0] = np.sin(y[1])     # refused
    return np.sum(y * W) + np.sum(z * z)


def asarray_alias(x):
    y = x * 1.0
    a = np.asarray(y)
    a[0] = a[1] * 2.0       # a is y: y shows the write, as in NumPy
    return np.sum(y * W)


def view_method_alias(x):
    y = x * 1.0
    a = y.view()
    a[1] *= y[0]        # refused
    return np.sum(y * W)


def ufunc_out_is_a_row(x):
    y = x * 1.0
    r = y[0]
    np.multiply(r, y[1], out=r)     # refused
    return np.sum(y * W)


def fill_a_row(x):
    y = x * 1.0
    r = y[1]
    r.fill(np.sum(y[0]))        # refused
    return np.sum(y * W)


def resized(x):
    y = x[0] * 1.0
    y.resize(5, refcheck=False)     # refused
    return np.sum(y * np.arange(5.0))


REFUSED = [alias_bound_in_a_branch, view_method_alias, ufunc_out_is_a_row,
           fill_a_row, resized]


@pytest.mark.parametrize("mode", ["grad", "vjp", "jvp", "hessian"])
def test_asarray_of_an_array_written_is_followed(mode):
    check(mode, asarray_alias, (X.copy(),), (0,))


@pytest.mark.parametrize("f", REFUSED, ids=lambda f: f.__name__)
def test_refused_naming_the_line(f):
    lines, first = inspect.getsourcelines(f)
    line = first + next(k for k, text in enumerate(lines) if "# refused" in text)
    with pytest.raises(astgrad.TransformError, match=rf"test_overlap_mend\.py:{line}: "):
        astgrad.grad(f)
    check("grad", row_copied_under_a_mask, (X.copy(),), (0,))      # the next transform works


def written_while_the_other_argument_reads(a, b):
    a[a > -100.0] = b[::-1].ravel()
    return np.sum(a * W)


def test_one_array_passed_as_both_arguments_is_refused():
    x = X.copy()
    for transform in (lambda: astgrad.grad(written_while_the_other_argument_reads, wrt=(0, 1))(x, x),
                      lambda: astgrad.jvp(written_while_the_other_argument_reads, (x, x), (W, W))):
        with pytest.raises(TypeError, match=re.escape("writes into its argument 'a', and another argument")):
            transform()
    assert np.array_equal(x, X)
