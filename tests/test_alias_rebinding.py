"""An alias bound again before an in-place write: to a copy (``z = z.copy()``,
``np.copy(z)``, ``np.array(z)``, ``z.astype(float)``), by a tuple target, or by a
``for`` target, it no longer refers to the written object and keeps its own value. Each
followed program is checked against finite differences (grad, jvp, hessian) and against
what calling it computes; another name still holding the object at the write, in the
function's own straight-line code (``w = z; z = z.copy(); y += 1.0``, a tuple target
giving it the object), is followed as a plain alias is, and sees the write; where the alias may still be the object at the write (bound
again in one branch, after the write, to a view, to ``np.asarray(z)``, or by a loop that
may not run) the write stays refused."""

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_hessian, numerical_jvp

X = np.array([0.3, -0.5, 1.2])
TANGENT = np.array([0.2, -1.0, 0.5])


def copy_method(x):
    y = x * 2.0
    z = y
    z = z.copy()
    y += 1.0
    return np.sum(y * z * x)


def copy_function_then_multiply_in_place(x):
    y = x * 2.0
    z = y
    z = np.copy(z)
    y *= x
    return np.sum(y * z * x)


def array_of_it_then_element_write(x):
    y = x * 2.0
    z = y
    z = np.array(z)
    y[0] = x[1] * 3.0
    return np.sum(y * z * x)


def astype_copies(x):
    y = x * 2.0
    z = y
    z = z.astype(float)
    y += x
    return np.sum(y * z * x)


def unary_plus_makes_a_new_array(x):
    y = x * 2.0
    z = y
    z = +z
    y += 1.0
    return np.sum(y * z * x)


def argument_alias_copied(x):
    z = x
    z = z.copy()
    x *= 2.0
    return np.sum(x * np.sin(z))


def copied_in_both_branches(x):
    y = x * 2.0
    z = y
    if x[0] > 0:
        z = z.copy()
    else:
        z = np.array(z)
    y += x
    return np.sum(y * z * x)


def tuple_target_copy(x):
    y = x * 2.0
    z = y
    z, k = z.copy(), 2.0
    y *= x
    return np.sum(y * z * x) * k


def for_target_write_in_the_body(x):
    y = x * 2.0
    z = y
    s = 0.0
    for z in [x * 3.0, np.sin(x)]:
        y += 1.0                            # z is an item of the list, not y
        s = s + np.sum(z * y)
    return s


def for_target_write_after_the_loop(x):
    y = x * 2.0
    z = y
    s = 0.0
    for i, z in enumerate((np.cos(x), x * x)):     # runs: z is the last item after it
        y += 1.0
        s = s + np.sum(z * y) * i
    y += x
    return s + np.sum(y * z)


def for_over_a_range_rebinds_an_active_name(x):
    z = x * 2.0
    for z in range(3):                      # z is the int 2 after the loop
        pass
    return np.sum(x * x) * z


def enumerate_index_rebinds_an_active_name(x):
    k = np.sum(x) * 2.0
    s = 0.0
    for k, v in enumerate([x[0], x[1] * x[2]]):
        s = s + v * v
    return s * k


FOLLOWED = [copy_method, copy_function_then_multiply_in_place, array_of_it_then_element_write, astype_copies,
            unary_plus_makes_a_new_array,
            argument_alias_copied, copied_in_both_branches, tuple_target_copy, for_target_write_in_the_body,
            for_target_write_after_the_loop, for_over_a_range_rebinds_an_active_name,
            enumerate_index_rebinds_an_active_name]


@pytest.mark.parametrize("f", FOLLOWED, ids=lambda f: f.__name__)
def test_an_alias_bound_to_a_new_value_keeps_it(f):
    for x in (X, -X):                       # both branches of copied_in_both_branches
        assert_close(astgrad.grad(f)(x.copy()), numerical_grad(lambda v: f(v.copy()), (x,)), 1e-5, 1e-6)
        value, tangent = astgrad.jvp(f, (x.copy(),), (TANGENT,))
        assert_close(value, f(x.copy()), 1e-12, 1e-12)
        assert_close(tangent, numerical_jvp(lambda v: f(v.copy()), (x,), (TANGENT,)), 1e-5, 1e-6)
        g = astgrad.grad(f)
        assert_close(astgrad.hessian(f)(x.copy()), numerical_hessian(lambda v: g(v.copy()), (x,)), 1e-5, 1e-6)


def asarray_is_not_a_copy(x):
    y = x * 2.0
    z = y
    z = np.asarray(z)
    y += 1.0
    return np.sum(y * z * x)


def reshape_is_a_view(x):
    y = x * 2.0
    z = y
    z = z.reshape((3,))
    y += 1.0
    return np.sum(y * z * x)


def slice_of_a_view_is_a_view(x):
    y = x * 2.0
    z = y[1:]
    z = z[:]
    y += 1.0
    return np.sum(y[1:] * z * x[1:])


def astype_told_not_to_copy(x):
    y = x * 2.0
    z = y
    z = z.astype(float, copy=False)
    y += 1.0
    return np.sum(y * z * x)


def copied_in_one_branch_only(x):
    y = x * 2.0
    z = y
    if x[0] > 0:
        z = z.copy()
    y += 1.0
    return np.sum(y * z * x)


def copied_after_the_write_in_a_loop(x):
    y = x * 2.0
    z = y
    for i in range(2):
        y += 1.0                            # the first pass writes while z is y
        z = z.copy()
    return np.sum(y * z * x)


def copy_of_a_list_holding_it(x):
    y = x * 2.0
    zs = [y]
    zs = zs.copy()                          # a new list, holding y's object
    y += 1.0
    return np.sum(zs[0] * x)


def another_alias_still_there(x):
    y = x * 2.0
    z = y
    w = z
    z = z.copy()
    y += 1.0
    return np.sum(w * z * x)


def tuple_target_swaps_the_alias_over(x):
    y = x * 2.0
    z = y
    w = np.sin(x)
    z, w = w, z                             # w is y now
    y += 1.0
    return np.sum(y * z * w)


def for_target_over_items_holding_it(x):
    y = x * 2.0
    z = y
    s = 0.0
    for z in [np.cos(x), y]:
        y += 1.0
        s = s + np.sum(z * y)
    return s


def for_target_over_rows_of_the_alias(x):
    y = np.outer(x, x)
    z = y
    s = 0.0
    for z in z:                             # rows of y: views
        y += 1.0
        s = s + np.sum(z * x)
    return s


def for_target_in_a_loop_that_may_not_run(x):
    y = x * 2.0
    z = y
    for z in range(len(x) - 3):
        pass
    y += 1.0
    return np.sum(y * z * x)


def for_target_bound_back_in_the_body(x):
    y = x * 2.0
    z = y
    s = 0.0
    for z in [np.cos(x), x * x]:
        s = s + np.sum(z * y)
        z = y
    y += 1.0
    return s + np.sum(z * y)


STILL_SHARED = [asarray_is_not_a_copy, reshape_is_a_view, slice_of_a_view_is_a_view, astype_told_not_to_copy,
                copied_in_one_branch_only, copied_after_the_write_in_a_loop, copy_of_a_list_holding_it,
                for_target_over_items_holding_it,
                for_target_over_rows_of_the_alias, for_target_in_a_loop_that_may_not_run,
                for_target_bound_back_in_the_body]


# another name still the object at the write, in the function's own straight-line code:
# followed as a plain alias is, so it sees the write
STILL_THE_OBJECT = [another_alias_still_there, tuple_target_swaps_the_alias_over]


@pytest.mark.parametrize("f", STILL_THE_OBJECT, ids=lambda f: f.__name__)
def test_another_name_still_the_object_at_the_write_sees_it(f):
    test_an_alias_bound_to_a_new_value_keeps_it(f)


@pytest.mark.parametrize("f", STILL_SHARED, ids=lambda f: f.__name__)
def test_an_alias_that_may_still_be_the_object_at_the_write_is_refused(f):
    line = next(n for n, text in enumerate(open(__file__).read().splitlines(), 1)
                if text.startswith(f"def {f.__name__}("))
    written = next(n for n, text in enumerate(open(__file__).read().splitlines()[line:], line + 1)
                   if text.strip().startswith("y += 1.0"))
    for transform in (astgrad.grad, lambda f: astgrad.jvp(f, (X.copy(),), (TANGENT,))):
        with pytest.raises(astgrad.TransformError,
                           match=rf"test_alias_rebinding.py:{written}: augmented assignment .* on 'y' while "
                                 r"another name may share its memory.*write into a copy \(y = y.copy\(\)\)"):
            transform(f)
    assert_close(astgrad.grad(copy_method)(X.copy()), numerical_grad(lambda v: copy_method(v.copy()), (X,)),
                 1e-5, 1e-6)
