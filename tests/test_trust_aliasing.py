"""Aliasing and in-place writes behave as in NumPy, or are refused when the code is
generated. Every accepted program is checked against central finite differences in
reverse and forward mode (and second order where it is defined), its primal value
against f(x), and the caller's arrays are left as f leaves them; every refused one
must fail at generation time with a message naming the offending line."""

import dataclasses
import inspect

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_jvp

X = np.array([0.3, -0.5, 1.2])
M = np.array([[0.3, -0.5, 1.2], [0.7, 0.2, -0.4], [1.1, -0.9, 0.6]])


def line_of(f, text):
    """The file line of the first line of f's source that contains ``text``."""
    lines, first = inspect.getsourcelines(f)
    for offset, line in enumerate(lines):
        if text in line:
            return first + offset
    raise AssertionError(f"{text!r} not in {f.__name__}")


def check_refused(f, text, match=None):
    """grad and jvp both refuse f when generating code, naming the line with ``text``."""
    where = f":{line_of(f, text)}:"
    for make in (lambda: astgrad.grad(f), lambda: astgrad.jvp(f, (X.copy(),), (np.ones(3),))):
        with pytest.raises(astgrad.TransformError) as info:
            make()
        message = str(info.value)
        assert where in message, message
        if match is not None:
            assert match in message, message


def check_derivatives(f, x, second_order=True):
    """Reverse and forward mode against finite differences, the primal value against
    f(x), the caller's array untouched (as f leaves it), and second order."""
    x = np.asarray(x, dtype=np.float64)
    expected = numerical_grad(lambda v: f(v.copy()), (x,))
    given = x.copy()
    value, gradient = astgrad.value_and_grad(f)(given)
    assert_close(gradient, expected, 1e-5, 1e-6)
    assert_close(value, f(x.copy()), 1e-12, 1e-12)
    np.testing.assert_array_equal(given, x)
    tangent = np.linspace(-1.0, 1.0, x.size).reshape(x.shape)
    primal, derivative = astgrad.jvp(f, (x.copy(),), (tangent,))
    assert_close(derivative, numerical_jvp(lambda v: f(v.copy()), (x,), (tangent,)), 1e-5, 1e-6)
    assert_close(primal, f(x.copy()), 1e-12, 1e-12)
    if second_order:
        g = astgrad.grad(f)
        columns = [numerical_grad(lambda v: g(v.copy()).ravel()[i], (x,)).ravel() for i in range(x.size)]
        expected_hessian = np.stack(columns)
        hessian = astgrad.hessian(f)(x.copy()).reshape(x.size, x.size)
        assert_close(hessian, expected_hessian, 1e-5, 1e-6)
        jacobian = astgrad.jacobian(g, mode="reverse")(x.copy()).reshape(x.size, x.size)
        assert_close(jacobian, expected_hessian, 1e-5, 1e-6)


# -- 1. sharing that the analysis used to miss --------------------------------------------


def tail(a):
    return a[1:]


def same(a):
    return a


def first_of(items):
    return items[0]


def scaled_in_place(a):
    a *= 2.0
    return a


def set_first(a, v):
    a[0] = v
    return 1.0


def set_through_list(items, v):
    row = items[0]
    row[0] = v
    return 0.0


def set_through_dict(d, v):
    d["w"][0] = v
    return 0.0


def fresh_scaled(a):
    b = a * 2.0
    return b


def array_copy_false(x):
    y = x * 1.0
    z = np.array(y, copy=False)
    z[0] = x[1] * 3.0
    return np.sum(y * x)


def asarray_view(x):
    y = x * 1.0
    z = np.asarray(y)
    z[0] = x[1] * 3.0
    return np.sum(y * x)


def astype_copy_false(x):
    y = x * 1.0
    z = y.astype(float, copy=False)
    z[0] = x[1] * 3.0
    return np.sum(y * x)


def reshape_view_float32(x):
    y = x.astype(np.float32)
    z = y.reshape(3, 1)
    z[0, 0] = x[1] * 3.0
    return np.sum(y * x)


def helper_returning_a_view(x):
    y = x * 1.0
    z = tail(y)
    z[0] = x[1] * 3.0
    return np.sum(y * x)


def helper_returning_its_argument_in_a_loop(x):
    y = x * 1.0
    for i in range(2):
        z = same(y)
        z[i] = x[i] * 3.0
    return np.sum(y * x)


def element_written_through_a_list(x):
    y = x * 1.0
    ys = [y]
    ys[0][0] = x[1] * 3.0
    return np.sum(y * x)


def element_written_through_an_appended_list(x):
    y = x * 1.0
    ys = []
    ys.append(y)
    row = ys[0]
    row[0] = x[1] * 3.0
    return np.sum(y * x)


def element_written_through_a_dict(x):
    y = x * 1.0
    d = {"w": y}
    w = d["w"]
    w[0] = x[1] * 3.0
    return np.sum(y * x)


def element_of_a_list_from_a_helper(x):
    y = x * 1.0
    z = first_of([y])
    z[0] = x[1] * 3.0
    return np.sum(y * x)


def writable_einsum_view(x):
    y = np.outer(x, x)
    diagonal = np.einsum("ii->i", y)
    diagonal[0] = x[1] * 3.0
    return np.sum(y * x)


def transpose_view_written(x):
    y = np.outer(x, x)
    z = y.T
    z[0] = x * 2.0
    return np.sum(y * x)


def basic_slice_written_in_a_loop(x):
    y = x * 1.0
    for i in range(2):
        z = y[i:]
        z[0] = x[i] * 2.0
    return np.sum(y * x)


def view_written_in_a_branch(x):
    y = x * 1.0
    if x[0] > 0:
        z = y.ravel()
    else:
        z = y * 1.0
    z[0] = x[1] * 3.0
    return np.sum(y * x)


def callee_scales_its_argument(x):
    y = x * 1.0
    z = scaled_in_place(y)
    return np.sum(y * x) + np.sum(z)


def callee_writes_its_argument(x):
    y = x * 1.0
    t = set_first(y, x[1] * 3.0)
    return np.sum(y * x) * t


def callee_writes_an_inactive_argument(x):
    y = np.ones(3)
    s = np.sum(y * x)
    set_first(y, 7.0)
    return s * np.sum(y)


def callee_writes_through_a_list(x):
    y = x * 1.0
    t = set_through_list([y], x[1])
    return np.sum(y * x) + t


def callee_writes_through_a_dict(x):
    y = x * 1.0
    t = set_through_dict({"w": y}, x[1])
    return np.sum(y * x) + t


SHARING_REFUSED = [
    (astype_copy_false, "z[0] ="),
    (helper_returning_a_view, "z[0] ="),
    (helper_returning_its_argument_in_a_loop, "z[i] ="),
    (element_written_through_an_appended_list, "row[0] ="),
    (element_of_a_list_from_a_helper, "z[0] ="), (writable_einsum_view, "diagonal[0] ="),
    (view_written_in_a_branch, "z[0] ="),
]


@pytest.mark.parametrize("f, text", SHARING_REFUSED, ids=[f.__name__ for f, _ in SHARING_REFUSED])
def test_a_write_through_a_name_that_may_share_memory_is_refused(f, text):
    check_refused(f, text, "may share its memory")


def test_writes_into_an_item_a_display_holds_follow_python():
    # ys = [y] (d = {"w": y}) bound once and changed nowhere else: the item is y itself,
    # so y shows the write through ys[0] (through w = d["w"]), as in Python
    check_derivatives(element_written_through_a_list, X)
    check_derivatives(element_written_through_a_dict, X)


def test_writes_through_views_follow_numpys_aliasing():
    # z = y.T, z = y[i:], z = y.reshape(...): the write goes into y too, as in NumPy
    check_derivatives(transpose_view_written, X)
    check_derivatives(basic_slice_written_in_a_loop, X)
    # y is float32, so finite differences see its rounding: the analytic gradient of
    # 3 x1 x0 + x1^2 + x2^2 instead
    expected = np.array([3 * X[1], 3 * X[0] + 2 * X[1], 2 * X[2]])
    assert_close(astgrad.grad(reshape_view_float32)(X.copy()), expected, 1e-6, 1e-6)
    assert_close(astgrad.jvp(reshape_view_float32, (X.copy(),), (np.ones(3),))[1], np.sum(expected), 1e-6, 1e-6)


CALLEES_CHANGING_ARGUMENTS = [callee_scales_its_argument, callee_writes_its_argument,
                              callee_writes_an_inactive_argument]


@pytest.mark.parametrize("f", CALLEES_CHANGING_ARGUMENTS, ids=[f.__name__ for f in CALLEES_CHANGING_ARGUMENTS])
def test_a_callee_changing_its_argument_in_place_changes_the_callers_array(f):
    # the helper is inlined, so its write happens where the caller's names see it: y changes,
    # as in NumPy (f(x) itself shows it), in both modes and to second order
    check_derivatives(f, X)


CALLEES_REFUSED = [
    (callee_writes_through_a_list, "set_through_list(", "row[0] = v"),
]


@pytest.mark.parametrize("f, text, inside", CALLEES_REFUSED, ids=[f.__name__ for f, _, _ in CALLEES_REFUSED])
def test_a_callee_writing_through_an_item_of_its_argument_is_refused_naming_both_lines(f, text, inside):
    check_refused(f, text, "in place")
    with pytest.raises(astgrad.TransformError) as info:
        astgrad.grad(f)
    assert inside in str(info.value)
    assert "changes its argument [y] in place" in str(info.value)     # what the caller wrote


@dataclasses.dataclass
class History:
    seen: list = dataclasses.field(default_factory=list)


def append_to_a_field_another_name_keeps(x):
    opt = History()
    kept = opt.seen
    opt.seen.append(x)
    return x * len(kept)


def test_a_write_into_an_item_read_out_names_the_item_as_written():
    with pytest.raises(astgrad.TransformError, match=r"append to the list, dict or array this line writes into "
                                                     r"\(an item of a container or an attribute: opt\.seen\)"):
        astgrad.grad(append_to_a_field_another_name_keeps)(1.0)


def test_a_helper_writing_into_an_item_the_caller_keeps_is_refused_naming_the_write_and_the_name():
    """set_through_dict is inlined (its write into an item of its argument is the caller's
    d["w"][0] = v), and the caller's check refuses it: y is the array written into."""
    where = ":%d:" % line_of(set_through_dict, 'd["w"][0] = v')
    f = callee_writes_through_a_dict
    for make in (lambda: astgrad.grad(f), lambda: astgrad.jvp(f, (X.copy(),), (np.ones(3),))):
        with pytest.raises(astgrad.TransformError) as info:
            make()
        assert where in str(info.value) and "share its memory with 'y'" in str(info.value), str(info.value)


def writes_into_what_a_fresh_helper_returns(x):
    y = fresh_scaled(x)
    y[0] = x[1] * y[2]
    return np.sum(y * x)


def writes_into_a_copy_of_a_list_element(x):
    y = x * 1.0
    ys = [y]
    z = ys[0].copy()
    z[0] = x[1] * 3.0
    return np.sum(y * z)


def writes_into_a_fresh_constructor_result(x):
    y = np.array(x)
    z = y.astype(np.float64)
    z[1] = y[0] * y[2]
    return np.sum(y * z)


def replaces_an_item_of_its_own_dict(w):
    d = {"a": w[0], "rows": [w[1], w[2]], "view": w[1:]}
    d["a"] = d["a"] * d["rows"][0] + np.sum(d["view"])
    return d["a"] ** 2


def appends_to_its_own_list(w):
    xs = [w[1:], w[0]]
    xs.append(w[2] * 2.0)
    return xs[1] * np.sum(xs[0]) + xs[2]


def calls_one_that_replaces_a_dict_item(x):
    return replaces_an_item_of_its_own_dict(x) * x[0]


def calls_one_that_appends_to_its_list(x):
    return appends_to_its_own_list(x) * x[0]


@pytest.mark.parametrize("f", [calls_one_that_replaces_a_dict_item, calls_one_that_appends_to_its_list])
def test_a_callee_replacing_items_of_its_own_container_changes_no_argument(f):
    # d[k] = v on a dict the callee built (or ys.append(v) on its list) replaces an item,
    # so the argument's views that the container holds are left alone, as in the caller
    check_derivatives(f, X)


@pytest.mark.parametrize("f", [array_copy_false, asarray_view])
def test_asarray_of_an_array_is_the_array_itself(f):
    # np.asarray(y) and np.array(y, copy=False) give y itself: the write changes y, as in NumPy
    y = X * 1.0
    assert np.asarray(y) is y and np.array(y, copy=False) is y
    check_derivatives(f, X)


@pytest.mark.parametrize("f", [writes_into_what_a_fresh_helper_returns, writes_into_a_copy_of_a_list_element,
                               writes_into_a_fresh_constructor_result])
def test_writes_into_values_known_to_be_new_are_differentiated(f):
    check_derivatives(f, X)


# -- 2. repeated indices in fancy writes --------------------------------------------------


def add_at_repeated_index(x):
    y = np.zeros(3)
    y[[0, 0, 1]] += x * x
    return np.sum(y * y)


def assign_at_repeated_index(x):
    y = np.ones(3)
    y[[0, 0]] = x[:2] * x[2]
    return np.sum(y * y * y)


def assign_rows_at_repeated_index_2d(x):
    y = np.ones((3, 2))
    index = np.array([2, 0, 2])
    y[index] = x[:, None] * x[:, None]
    return np.sum(y * y * y)


def assign_repeated_columns_2d(x):
    y = np.ones((2, 3))
    y[:, [1, 1, 0]] = x * x
    return np.sum(y * y * y)


def assign_repeated_index_in_a_loop(x):
    y = np.zeros(4)
    for i in range(2):
        y[[i, i + 1, i]] = x * (i + 1.0)
    return np.sum(y * y * y)


def assign_repeated_index_in_a_branch(x):
    y = np.ones(3)
    if x[2] > 0:
        y[[1, 1]] = x[:2] * x[2]
    else:
        y[[2]] = x[:1]
    return np.sum(y * y * y)


def assign_scalar_at_repeated_index(x):
    y = np.ones(3)
    y[[2, 2]] = x[0] * x[1]
    return np.sum(y * y * x)


def add_at_repeated_index_float32(x):
    y = np.zeros(3, dtype=np.float32)
    y[[0, 0, 2]] += x.astype(np.float32)
    return np.sum(y * y)


REPEATED = [add_at_repeated_index, assign_at_repeated_index, assign_rows_at_repeated_index_2d,
            assign_repeated_columns_2d, assign_repeated_index_in_a_loop,
            assign_repeated_index_in_a_branch, assign_scalar_at_repeated_index]


@pytest.mark.parametrize("f", REPEATED)
def test_repeated_fancy_indices_keep_numpys_last_write(f):
    check_derivatives(f, X)


def test_repeated_index_written_in_float32():
    f = add_at_repeated_index_float32
    gradient = astgrad.grad(f)(X)
    # y[0] = x0 + x1 would be NumPy's unbuffered sum; y[[0, 0, 2]] += v keeps the last: x1
    assert_close(gradient, 2 * np.array([0.0, X[1], X[2]]), 1e-6, 1e-6)
    assert_close(astgrad.jvp(f, (X,), (np.ones(3),))[1], 2 * (X[1] + X[2]), 1e-6, 1e-6)


# -- 3. calls that write into an argument ----------------------------------------------------


def multiply_out(x):
    y = np.zeros(3)
    np.multiply(x, x, out=y)
    return np.sum(y * x)


def multiply_out_positional(x):
    y = np.zeros(3)
    np.multiply(x, x, y)
    return np.sum(y * x)


def out_returned_and_aliased(x):
    y = np.ones(3)
    z = np.add(y, x, out=y)
    return np.sum(z * y * x)


def out_into_its_own_input_in_a_loop(x):
    y = x * 1.0
    for _ in range(3):
        np.sin(y, out=y)
    return np.sum(y)


def method_out(x):
    y = np.zeros(2)
    m = np.outer(x, x[:2])
    m.sum(axis=0, out=y)
    return np.sum(y * y)


def out_float32(x):
    y = np.zeros(3, dtype=np.float32)
    np.exp(x, out=y)
    return np.sum(y * 2.0)


def scaled_by(a, out=1.0):
    return a * out


def helper_with_its_own_out_parameter(x):
    y = np.sum(x * x)
    return scaled_by(x[0], out=y) * 2.0


def add_at(x):
    y = np.zeros(3)
    np.add.at(y, [0, 0, 1], x)
    return np.sum(y * y)


def subtract_at_2d_in_a_branch(x):
    y = np.ones((2, 3))
    if x[0] > 0:
        np.subtract.at(y, ([0, 0, 1], [2, 2, 2]), x * x)
    return np.sum(y * y * y)


def add_at_scalar_value(x):
    y = x * 1.0
    np.add.at(y, [1, 1, 1], x[0])
    return np.sum(y * y)


@pytest.mark.parametrize("f", [multiply_out, multiply_out_positional, out_returned_and_aliased,
                               out_into_its_own_input_in_a_loop, method_out, add_at,
                               subtract_at_2d_in_a_branch, add_at_scalar_value,
                               helper_with_its_own_out_parameter])
def test_writes_through_out_and_ufunc_at_are_differentiated(f):
    check_derivatives(f, X)


def test_out_into_a_float32_array_keeps_its_dtype():
    value, gradient = astgrad.value_and_grad(out_float32)(X)
    assert value == out_float32(X)
    assert_close(gradient, 2.0 * np.exp(X), 1e-6, 1e-6)


def out_into_an_argument(x):
    np.multiply(x, 2.0, out=x)
    return np.sum(x)


def multiply_at(x):
    y = np.ones(3)
    np.multiply.at(y, [0, 0], x[:2])
    return np.sum(y)


def copyto_constant(x):
    y = np.ones(3)
    s = np.sum(y * x)
    np.copyto(y, x)
    return s * np.sum(y)


def fill_constant(x):
    y = np.zeros(3)
    y.fill(x[0])
    return np.sum(y * x)


def out_with_where(x):
    y = np.zeros(())
    np.sum(x * x, out=y, where=x > 0)
    return y


def test_a_reductions_out_with_where_is_refused():
    check_refused(out_with_where, "where=")


@pytest.mark.parametrize("f", [copyto_constant, fill_constant])
def test_copyto_and_fill_are_the_writes_they_make(f):
    # np.copyto(y, x) is y[...] = x, y.fill(v) is y[...] = v: a write into y after s read it
    check_derivatives(f, X)


def test_multiply_at_multiplies_once_per_repeated_index():
    # np.multiply.at(y, [0, 0], v) multiplies y[0] by both values, one after the other
    # (to second order in test_view_outputs)
    check_derivatives(multiply_at, X, second_order=False)


def test_out_into_an_argument_is_a_write_into_it():
    # as x[...] = 2 x: the derivative works on a copy of x, f itself doubles the caller's x
    x = X.copy()
    assert_close(astgrad.grad(out_into_an_argument)(x), 2.0 * np.ones(3))
    assert_close(astgrad.jvp(out_into_an_argument, (x,), (np.array([1.0, 0.5, -2.0]),))[1], -1.0)
    assert_close(astgrad.hessian(out_into_an_argument)(x), np.zeros((3, 3)))
    assert np.array_equal(x, X)
    out_into_an_argument(x)
    assert_close(x, 2.0 * X)


# -- 4. a row read before its array is written ---------------------------------------------


def row_used_after_another_row_is_written(m):
    y = m * 1.0
    row = y[0]
    y[1] = 5.0 * m[0]
    return np.sum(row * y[1])


def row_used_after_it_is_written(m):
    y = m * 1.0
    row = y[0]
    y[0] = 5.0 * m[1] * m[0]
    return np.sum(row * m[0])


def row_read_with_an_index_that_changes(m):
    y = m * 1.0
    i = 1
    row = y[i]
    i = 0
    y[1] = y[i] * row
    return np.sum(row * y)


def rows_in_a_loop(m):
    y = m * 1.0
    total = 0.0
    for i in range(2):
        row = y[i]
        y[i + 1] = row * m[i]
        y[i] = row * 2.0
        total = total + np.sum(row * row)
    return total + np.sum(y)


def row_kept_while_a_loop_writes_it(m):
    y = m * 1.0
    row = y[0]
    for i in range(2):
        y[i] = row * 2.0
    return np.sum(row * y)


def row_written_in_a_branch(m):
    y = m * 1.0
    row = y[1]
    if np.sum(m) > 0:
        y[1] = row * row
    return np.sum(row * m[1])


ROWS = [row_used_after_another_row_is_written, row_used_after_it_is_written,
        row_read_with_an_index_that_changes]


@pytest.mark.parametrize("f", ROWS)
@pytest.mark.parametrize("x", [M, X], ids=["2-D", "1-D"])
def test_a_row_read_before_a_write_follows_numpy_views(f, x):
    check_derivatives(f, x)


@pytest.mark.parametrize("x", [M, X], ids=["2-D", "1-D"])
@pytest.mark.parametrize("f", [rows_in_a_loop, row_kept_while_a_loop_writes_it])
def test_rows_read_before_writes_in_a_loop(f, x):
    # a row read before the loop, at a constant index, is followed to the second order too
    check_derivatives(f, x, second_order=f is row_kept_while_a_loop_writes_it)


@pytest.mark.parametrize("x", [M, X], ids=["2-D", "1-D"])
def test_a_row_read_before_a_write_in_a_branch(x):
    # the first derivative keeps the row in a variable to put it back, a row of y too
    check_derivatives(row_written_in_a_branch, x)


@pytest.mark.parametrize("f", [rows_in_a_loop])
def test_second_order_of_rows_kept_by_the_first_derivative_is_refused_before_computing(f):
    # the first derivative saves the rows it reads in the loop on a stack, where the analysis
    # cannot tell which row of y each is: refused when the second derivative is generated,
    # before anything is computed (a row read before the loop is followed, above)
    with pytest.raises(astgrad.TransformError, match="while 'row' holds a row of it read before"):
        astgrad.hessian(f)(M)


def test_a_row_sees_the_write_that_touches_it():
    m = M.copy()
    value, gradient = astgrad.value_and_grad(row_used_after_it_is_written)(m)
    # row is a view of y[0], so it holds 5 * m[1] * m[0] after the write
    assert_close(value, np.sum(5.0 * M[1] * M[0] * M[0]), 1e-12, 1e-12)


def row_then_augmented(x):
    a1 = np.zeros((2, 3)) + x
    a2 = a1[0]                  # a view of a1's first row
    a1 += 1.0                   # in NumPy this changes a2 too
    return np.sum(a2 * a2)


def test_augmented_assignment_while_a_row_view_is_live_is_refused():
    # += becomes a1 = a1 + 1.0 in the derivative, a new array, so the row would keep its
    # old values: refused, not wrong
    x = np.array([0.3, 0.5, -0.2])
    for call in (lambda: astgrad.grad(row_then_augmented)(x),
                 lambda: astgrad.jvp(row_then_augmented, (x,), (x,))):
        with pytest.raises(astgrad.TransformError, match=r"test_trust_aliasing.py:\d+: augmented assignment"):
            call()
