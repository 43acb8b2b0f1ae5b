"""Forward mode: a tangent written in place is shared with no other tangent unless
the values share memory too.

Rules may hand back an operand's tangent array itself (the tangent of ``b = a + 1.0``,
``a * 1.0``, ``a.copy()``, ``np.array(a)``, ``a.astype(float)`` is ``a``'s), so a
later write into ``a`` used to change ``b``'s tangent as well: jvp, jacobian in
forward mode, hessian and hvp (forward mode over the generated gradient) were
silently wrong. Each program below builds a new array from another one and then
writes into one of them; every forward-mode result is checked against finite
differences and against reverse mode.
"""

import numpy as np
import pytest

import astgrad
from astgrad.caching import forward_derivative
from fd import assert_close, numerical_grad, numerical_jvp

X = np.array([0.31, -0.52, 0.83])


# -- a new array from a, then a write into a -------------------------------------

def add_then_write_source(x):
    a = x * 2.0
    b = a + 1.0
    a[0] = 5.0
    return np.sum(b * b)


def mul_one_then_write_source(x):
    a = x * 2.0
    b = a * 1.0
    a[2] = x[0] * x[1]
    return np.sum(b * b * a)


def divide_then_write_source(x):
    a = np.sin(x)
    b = a / 2.0
    a[1] = 0.5
    return np.sum(b * x) + np.sum(a * a)


def copy_method_then_write_source(x):
    a = x * x
    b = a.copy()
    a[1] = 3.0 * x[0]
    return np.sum(b * a)


def np_copy_then_write_source(x):
    a = np.tanh(x)
    b = np.copy(a)
    a[0] = 0.0
    return np.sum(b * x)


def np_array_then_write_slice(x):
    a = np.sin(x)
    b = np.array(a)
    a[:2] = 0.0
    return np.sum(b * b * x) + np.sum(a)


def astype_then_write_mask(x):
    a = x * 1.5
    b = a.astype(float)
    a[a > 0] = 1.0
    return np.sum(b ** 3)


def ufunc_add_then_write_source(x):
    a = np.exp(x)
    b = np.add(a, 0.0)
    c = +a
    a[1] = 2.0
    return np.sum(b * c * x)


def chain_then_write_source(x):
    a = x * 2.0
    b = a - 0.0
    c = b + 0.0
    a[1] = 0.0
    return np.sum(c * c)


def augmented_after_copy(x):
    a = x * 1.5
    b = a / 2.0
    a += x
    a *= x
    return np.sum(b * a)


# -- a write into the new array, the source used later ---------------------------

def write_into_result(x):
    a = np.sin(x)
    b = a * 1.0
    b[0] = 7.0
    return np.sum(a * a * b)


def write_into_copy_of_argument(x):
    a = x + 0.0
    a[0] = 1.0
    return np.sum(a * a * x)


# -- a scalar broadcast into an array (a read-only tangent) ------------------------

def broadcast_scalar_then_write(s):
    a = np.zeros(3) + s
    b = a * 1.0
    a[1] = 1.0
    return np.sum(b * b) + np.sum(a * a * s)


def brief_example(s):
    a = np.zeros(2) + s
    b = a * 1.0
    a[1] = 1.0
    return np.sum(b * b)


# -- loops, branches, lists and callees ------------------------------------------

def copies_in_a_loop(x):
    a = x * 1.0
    for i in range(3):
        b = a * 1.0
        a[i] = b[i] * b[i]
    return np.sum(a * b)


def appended_copies_then_writes(x):
    a = np.cos(x)
    xs = []
    for i in range(3):
        xs.append(a * 1.0)
        a[i] = x[i] * x[i]
    return np.sum(xs[0] * xs[1] * xs[2])


def copy_in_a_branch(x):
    a = np.sin(x)
    if x[0] > 0:
        b = a + 0.0
    else:
        b = a * 2.0
    a[2] = 0.0
    return np.sum(b * x)


def copy_in_a_while_loop(x):
    a = x * 1.0
    b = x * 0.0
    i = 0
    while i < 2:
        b = a + 0.0
        a[i] = x[2] * x[i]
        i = i + 1
    return np.sum(a * b)


def scaled(a):
    return a * 1.0


def callee_result_then_write_source(x):
    a = np.sin(x)
    b = scaled(a)
    a[0] = 2.0
    return np.sum(b * b)


def write_through_view_of_copy(x):
    y = x * 1.0
    b = y + 0.0
    v = y[1:]
    v[0] = 2.0 * x[0]
    return np.sum(v * v) + np.sum(b * x)


def rows_and_columns_written(x):
    A = np.outer(x[:2], x) * 1.0
    B = A + 0.0
    A[0] = x * 3.0
    A[:, 1] = 0.5
    return np.sum(B * A)


def tuple_of_copies(x):
    a = x * 1.0
    b, c = a * 1.0, a + 0.0
    a[0] = 0.0
    return np.sum(b * c * a)


def copy_held_in_a_dict(x):
    a = x * 1.0
    d = {"k": a + 0.0}
    a[0] = 4.0
    return np.sum(d["k"] * a)


def fancy_index_copies(x):
    a = x * 1.0
    b = a[[0, 1, 2]]
    c = a[np.array([2, 1, 0])]
    a[1] = 9.0
    return np.sum(b * c * a)


def library_copies(x):
    a = np.cos(x)
    b = np.maximum(a, -10.0)
    c = np.clip(a, -10.0, 10.0)
    d = np.where(x > 100.0, 0.0, a)
    e = a.reshape(3, 1) * 1.0
    a[2] = 0.0
    return np.sum(b * c * d) + np.sum(e * a)


def reductions_then_write(x):
    a = x * 1.0
    b = np.sum(a)
    c = a.sum() + a.mean()
    a[0] = 1.0
    return b * c + np.sum(a)


SCALAR_OUTPUT = [
    add_then_write_source, mul_one_then_write_source, divide_then_write_source,
    copy_method_then_write_source, np_array_then_write_slice, astype_then_write_mask,
    chain_then_write_source, augmented_after_copy, write_into_result,
    write_into_copy_of_argument, copies_in_a_loop, appended_copies_then_writes, copy_in_a_branch,
    copy_in_a_while_loop, callee_result_then_write_source, rows_and_columns_written, tuple_of_copies,
    copy_held_in_a_dict, fancy_index_copies,
]
# Second order of these needs the gradient's restore of the written item (a[0] = saved)
# to restore its tangent too, which is another cause: forward mode only here.
FORWARD_ONLY = [np_copy_then_write_source, ufunc_add_then_write_source, write_through_view_of_copy,
                library_copies, reductions_then_write]


def _tangent(x):
    return np.linspace(0.5, 1.5, np.size(x)).reshape(np.shape(x)) - 0.2 * np.arange(np.size(x)).reshape(np.shape(x))


@pytest.mark.parametrize("f", SCALAR_OUTPUT + FORWARD_ONLY, ids=lambda f: f.__name__)
@pytest.mark.parametrize("x", [X, -X[::-1].copy()], ids=["x", "reversed"])
def test_jvp_matches_finite_differences(f, x):
    t = _tangent(x)
    t_before = t.copy()
    value, tangent = astgrad.jvp(f, (x.copy(),), (t,))
    assert_close(value, f(x.copy()))
    assert_close(tangent, numerical_jvp(f, (x.copy(),), (t,)))
    np.testing.assert_array_equal(t, t_before)      # the caller's tangent is not written into


@pytest.mark.parametrize("f", SCALAR_OUTPUT + FORWARD_ONLY, ids=lambda f: f.__name__)
def test_jvp_matches_reverse_mode(f):
    t = _tangent(X)
    _, tangent = astgrad.jvp(f, (X.copy(),), (t,))
    assert_close(tangent, np.dot(astgrad.grad(f)(X.copy()), t))


@pytest.mark.parametrize("f", SCALAR_OUTPUT, ids=lambda f: f.__name__)
def test_hessian_and_hvp_match_finite_differences_of_the_gradient(f):
    gradient = astgrad.grad(f)
    expected = np.array([numerical_grad(lambda y, i=i: gradient(y)[i], (X.copy(),)) for i in range(X.size)])
    hessian = astgrad.hessian(f)(X.copy())
    assert_close(hessian, expected, rtol=1e-4, atol=1e-5)
    v = _tangent(X)
    assert_close(astgrad.hvp(f)(X.copy(), v), expected @ v, rtol=1e-4, atol=1e-5)


def test_a_read_only_tangent_argument_is_copied_before_a_write():
    t = np.broadcast_to(np.float64(1.0), (3,))       # numpy cannot write into it
    _, tangent = astgrad.jvp(write_into_copy_of_argument, (X.copy(),), (t,))
    assert_close(tangent, numerical_jvp(write_into_copy_of_argument, (X.copy(),), (np.ones(3),)))


def full_then_write(s):
    a = np.full(3, s)
    a[0] = 1.0
    b = np.ones(3) * s
    c = b + 0.0
    b[1] = s * s
    return np.sum(a * a * b * c)


@pytest.mark.parametrize("f", [broadcast_scalar_then_write, brief_example, full_then_write],
                         ids=lambda f: f.__name__)
@pytest.mark.parametrize("s", [0.7, -1.3])
def test_scalar_broadcast_then_write(f, s):
    _, tangent = astgrad.jvp(f, (s,), (1.0,))
    assert_close(tangent, numerical_grad(f, (s,)))
    gradient = astgrad.grad(f)
    assert_close(gradient(s), numerical_grad(f, (s,)))
    assert_close(astgrad.hessian(f)(s), numerical_grad(gradient, (s,)), rtol=1e-4, atol=1e-5)


def test_brief_examples_give_the_finite_difference_values():
    x, t = np.array([0.31, -0.52, 0.83]), np.array([1.0, 2.0, 3.0])
    assert_close(astgrad.jvp(add_then_write_source, (x,), (t,))[1], 38.08)
    assert_close(astgrad.hessian(brief_example)(0.7), 4.0)


# -- Jacobians: forward against reverse ------------------------------------------

def vector_copy_then_write(x):
    a = x * 2.0
    b = a + 1.0
    a[0] = 5.0 * x[2]
    return b * a


def vector_write_into_result(x):
    a = np.sin(x)
    b = a.copy()
    b[1:] = b[1:] * x[0]
    return a * b


def vector_loop(x):
    a = x * 1.0
    for i in range(3):
        b = a * 1.0
        a[i] = b[i] * x[i]
    return a + b


@pytest.mark.parametrize("f", [vector_copy_then_write, vector_write_into_result, vector_loop],
                         ids=lambda f: f.__name__)
def test_forward_jacobian_matches_reverse_and_finite_differences(f):
    forward = astgrad.jacobian(f, mode="forward")(X.copy())
    reverse = astgrad.jacobian(f, mode="reverse")(X.copy())
    auto = astgrad.jacobian(f)(X.copy())
    expected = np.array([numerical_grad(lambda y, i=i: f(y)[i], (X.copy(),)) for i in range(X.size)])
    assert_close(reverse, expected)
    assert_close(forward, expected)
    assert_close(auto, expected)


# -- generated code: copies only where tangents are written in place --------------

def no_writes(x):
    a = x * 2.0
    b = a + 1.0
    c = b.copy()
    return np.sum(c * b)


def test_no_copies_without_in_place_writes():
    source = forward_derivative(no_writes, (0,)).source
    assert "own_tangent" not in source and "snapshot" not in source


def test_only_possibly_shared_tangents_are_copied():
    lines = forward_derivative(add_then_write_source, (0,)).source.splitlines()
    owned = [line.split("=")[0].strip() for line in lines if "own_tangent(" in line]
    # d_a may be a read-only broadcast, d_b may be d_a itself; products are new arrays
    assert set(owned) <= {"d_a", "d_b"} and "d_b" in owned


def test_own_tangent_copies_only_what_numpy_would_not_share():
    from astgrad.runtime import own_tangent
    a, d_a = np.arange(4.0), np.ones(4)
    assert own_tangent(d_a, a + 1.0, a, d_a) is not d_a             # a new array: a new tangent
    view = own_tangent(d_a[1:], a[1:], a, d_a)                      # a view: a view of the tangent
    view[0] = 7.0
    assert d_a[1] == 7.0
    read_only = np.broadcast_to(np.float64(2.0), (3,))
    assert own_tangent(read_only, np.zeros(3)).flags.writeable
    xs = [d_a]
    assert own_tangent(xs, [a], [a], xs) is not xs                   # a new list: a new list
