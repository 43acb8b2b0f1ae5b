"""In-place changes while another name may share the memory: refused, checked at run
time, or allowed when nothing else can see the change. Each allowed case is checked
against finite differences in both modes."""

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_jvp

X = np.array([0.3, -0.5, 1.2])


def write_while_view_is_used(x):
    y = x * 1.0
    v = y[:2]
    y[0] = 5.0 * x[1]
    return np.sum(v * x[:2])


def augment_while_view_is_used(x):
    v = x[:2]
    x += 1.0
    return np.sum(v * v)


def view_taken_in_a_branch(x):
    y = x * 1.0
    if x[0] > 0.0:
        v = y[:2]
    else:
        v = y[1:]
    y[0] = 5.0 * x[1]
    return np.sum(v * v)


def row_stored_in_a_list_then_written(x):
    rows = [x, x]
    row = x * 2.0
    rows[0] = row                           # a list holds row itself: the write shows in rows[0]
    row[1] = 5.0
    return np.sum(rows[0] * x)


def augment_while_reshape_is_used(x):
    v = x.reshape((3, 1))                   # a view of x: the write shows through it
    x += 1.0
    return np.sum(v * v)


def alias_rebound_after_the_write_in_a_loop(x):
    y = x * 2.0
    z = y
    for i in range(2):
        y += 1.0                            # the first pass writes while z is still y
        z = z * x
    return np.sum(z)


def alias_rebound_in_one_branch_only(x):
    y = x * 2.0
    z = y
    if x[0] > 0.0:
        z = z * x
    y[0] = 5.0 * x[1]
    return np.sum(y * z)


def alias_rebound_in_a_loop_that_may_not_run(x):
    y = x * 2.0
    z = y
    for i in range(len(x) - 3):             # no pass: z is still y at the write
        z = z * x
    y += 1.0
    return np.sum(z * y)


def list_holding_it_repeated(x):
    y = x * 2.0
    z = [y]
    z = z * 2                               # a new list, holding y's object still
    y += 1.0
    return np.sum(z[0] * x)


@pytest.mark.parametrize("f", [augment_while_view_is_used, view_taken_in_a_branch, augment_while_reshape_is_used,
                               row_stored_in_a_list_then_written, alias_rebound_after_the_write_in_a_loop,
                               alias_rebound_in_one_branch_only, alias_rebound_in_a_loop_that_may_not_run,
                               list_holding_it_repeated])
def test_changes_visible_through_another_name_are_refused(f):
    with pytest.raises(astgrad.TransformError, match="may share its memory"):
        astgrad.grad(f)
    with pytest.raises(astgrad.TransformError, match="may share its memory"):
        astgrad.jvp(f, (X.copy(),), (np.ones(3),))


def comprehension_kept_in_a_name(x):
    ys = [v * v for v in x]
    return sum(ys)


def augment_numbers(x):
    s = np.sum(x)
    s += 1.0
    t = x[0]
    t += 2.0
    return s * t


def augment_an_argument(x):
    x += 1.0
    return np.sum(x * x)


def overwrite_elements(x):
    y = np.zeros(3)
    y[0] = x[0] * x[1]
    y[1] = y[0] * x[2]
    y[0] = y[1] * x[0]
    return np.sum(y * x)


def shape_built_with_plus_equals(x):
    new_shape = x.shape[:0]                 # autograd's convnet.py maxpool: a tuple, rebound by +=
    new_shape += (3, 1)
    return np.sum(np.max(x.reshape(new_shape) * x[:, None], axis=1) ** 2)


def triangular_factor_from_a_vector(x):
    L = np.zeros((2, 2))                    # a float array: a store copies values in
    L[np.tril_indices(2)] = x
    L[np.diag_indices(2)] = np.exp(np.diag(L))     # np.diag(L) views L, not the argument x
    return np.sum(L @ L.T)


def row_stored_then_written(x):
    rows = np.zeros((2, 3))
    row = x * 2.0
    rows[0] = row                           # copies row's values: the write below leaves rows alone
    row[1] = 5.0
    return np.sum(rows ** 2) + np.sum(row * x)


def alias_rebound_before_the_write(x):
    y = x * 2.0
    z = y
    z = z * x                               # z is a new array before y changes
    y += 1.0
    return np.sum(y * z)


def alias_of_an_argument_rebound_before_the_write(x):
    z = x
    z = z * np.sin(x)
    x += 1.0
    return np.sum(x * z)


def alias_rebound_in_both_branches(x):
    y = x * 2.0
    z = y
    if x[0] > 0.0:
        z = z * x
    else:
        z = np.cos(x)
    y[0] = 5.0 * x[1]
    return np.sum(y * z)


def alias_rebound_before_each_write_in_a_loop(x):
    y = x * 2.0
    s = 0.0
    for i in range(3):
        z = y
        z = z * x
        y += 1.0
        s = s + np.sum(z * y)
    return s


REBOUND_ALIASES = [alias_rebound_before_the_write, alias_of_an_argument_rebound_before_the_write,
                   alias_rebound_in_both_branches]


@pytest.mark.parametrize("f", [comprehension_kept_in_a_name, augment_numbers, augment_an_argument,
                               overwrite_elements, shape_built_with_plus_equals,
                               triangular_factor_from_a_vector, row_stored_then_written,
                               alias_rebound_before_each_write_in_a_loop] + REBOUND_ALIASES)
def test_changes_nothing_else_sees_are_differentiated(f):
    expected = numerical_grad(lambda x: f(x.copy()), (X,))
    assert_close(astgrad.grad(f)(X.copy()), expected, 1e-5, 1e-6)
    tangent = np.array([0.2, -1.0, 0.5])
    assert_close(astgrad.jvp(f, (X.copy(),), (tangent,))[1],
                 numerical_jvp(lambda x: f(x.copy()), (X,), (tangent,)), 1e-5, 1e-6)


def test_second_order_where_an_alias_was_rebound_before_the_write():
    from fd import numerical_hessian
    for x in (X, -X):                       # both branches of alias_rebound_in_both_branches
        for f in REBOUND_ALIASES:
            g = astgrad.grad(f)
            assert_close(astgrad.hessian(f)(x.copy()), numerical_hessian(lambda v: g(v.copy()), (x,)), 1e-5, 1e-6)


def row_used_after_its_array_is_written(m):
    y = m * 1.0
    row = y[0]
    y[0] = 5.0 * m[1]
    return np.sum(row * m[0])


def test_a_row_view_used_after_a_write_shows_the_write():
    m = np.arange(6.0).reshape(2, 3) * 0.1 + 0.2
    f = row_used_after_its_array_is_written
    assert_close(astgrad.grad(f)(m), numerical_grad(lambda v: f(v.copy()), (m,)), 1e-5, 1e-6)


def test_a_slice_used_after_its_array_is_written_shows_the_write():
    """``v = y[:2]`` is read again after ``y[0] = ...``, as NumPy's view shows the write."""
    f = write_while_view_is_used
    assert_close(astgrad.grad(f)(X.copy()), numerical_grad(lambda v: f(v.copy()), (X,)), 1e-5, 1e-6)
    tangent = np.array([0.2, -1.0, 0.5])
    assert_close(astgrad.jvp(f, (X.copy(),), (tangent,))[1],
                 numerical_jvp(lambda x: f(x.copy()), (X,), (tangent,)), 1e-5, 1e-6)


def test_second_order_through_element_reads_of_a_written_array():
    hessian = astgrad.hessian(overwrite_elements)(X)
    g = astgrad.grad(overwrite_elements)
    columns = [(g(X + e * 1e-5) - g(X - e * 1e-5)) / 2e-5 for e in np.eye(3)]
    assert_close(hessian, np.stack(columns, axis=-1), 1e-5, 1e-6)
    assert_close(astgrad.jacobian(g, mode="reverse")(X), hessian, 1e-8, 1e-10)


def stack_in_loops(x):
    stack = []
    a = x
    for i in range(3):
        stack.append(a)
        a = np.sin(a) * x
    for i in range(3):
        a = a + stack.pop() * 0.5
    return np.sum(a * a)


def write_while_a_stack_holds_it(x):
    y = x * 1.0
    stack = []
    stack.append(y)
    y[0] = 5.0
    z = stack.pop()
    return np.sum(z * x)


def test_a_private_stack_needs_no_sharing_check_and_is_differentiated(monkeypatch):
    """A list bound once to [] and used only through its own append and pop: nothing
    else can see its changes, so the sharing analysis is not run; differentiated to
    second order (the generated gradient keeps values on stacks of that kind too)."""
    from fd import numerical_hessian
    from astgrad.analysis import sharing

    def not_needed(*args):
        raise AssertionError("the sharing analysis ran")
    f = stack_in_loops
    with monkeypatch.context() as patched:
        patched.setattr(sharing, "Sharing", not_needed)
        astgrad.clear_cache()
        astgrad.grad(f)
    assert_close(astgrad.grad(f)(X), numerical_grad(f, (X,)), 1e-5, 1e-6)
    assert_close(astgrad.jvp(f, (X,), (np.ones(3),))[1], numerical_jvp(f, (X,), (np.ones(3),)), 1e-5, 1e-6)
    assert_close(astgrad.hessian(f)(X), numerical_hessian(astgrad.grad(f), (X,)), 1e-5, 1e-6)


def test_a_write_into_a_value_a_stack_holds_is_still_refused():
    with pytest.raises(astgrad.TransformError, match="may share its memory"):
        astgrad.grad(write_while_a_stack_holds_it)
