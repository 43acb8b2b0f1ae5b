"""In-place writes to second order: writes through a view that read that view, element
writes reading their own array in a loop (recurrences, IIR filters, cumulative products
written element by element), helpers changing an item of a list or an array argument in
place called in a loop, and the numerical kernels built of these (Gauss-Seidel sweeps,
in-place Runge-Kutta updates, writes into a preallocated output then reduced).

The first derivative saves and restores what each write overwrites, keeps copies of the
views it reads back, and pushes values on stacks in loops; the second derivative parses
that code again, so all of it must be followed. Each program is checked against finite
differences (tests/fd.py) at several sizes: the gradient and ``jvp``, then the Hessian,
grad of grad, the Hessian-vector product (forward over reverse) and the vjp of the
gradient (reverse over reverse); the caller's arrays are left as they were.
"""

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_hessian, numerical_jvp


def on_copies(f):
    """``f`` on copies of its array arguments (``f`` itself writes into them)."""
    return lambda *args: f(*(np.copy(a) if isinstance(a, np.ndarray) else a for a in args))


def _flat(value):
    return np.asarray(value, dtype=float).ravel()


def _along(args, wrt, v):
    """Tangents moving argument ``wrt`` along ``v`` and no other."""
    return tuple((float(v) if isinstance(a, float) else v) if i == wrt
                 else (0.0 if isinstance(a, float) else np.zeros(np.shape(a))) for i, a in enumerate(args))


def check_to_second_order(f, args, wrt):
    rng = np.random.default_rng(7)
    kept = [np.copy(a) for a in args]
    plain = on_copies(f)
    gradient = astgrad.grad(f, wrt)
    assert_close(gradient(*args), numerical_grad(plain, args, wrt), rtol=1e-5, atol=1e-6)
    tangents = _along(args, wrt, rng.normal(size=np.shape(args[wrt])))
    _, tangent = astgrad.jvp(f, args, tangents)
    assert_close(tangent, numerical_jvp(plain, args, tangents), rtol=1e-5, atol=1e-6)
    expected = numerical_hessian(on_copies(gradient), args, wrt)
    hessian = np.asarray(astgrad.hessian(f, wrt)(*args), dtype=float)
    assert_close(hessian.reshape(expected.shape), expected, rtol=1e-4, atol=1e-5)
    v = rng.normal(size=np.shape(args[wrt]))
    expected_hv = expected @ _flat(v)
    assert_close(_flat(astgrad.hvp(f, wrt)(*args, v)), expected_hv, rtol=1e-4, atol=1e-5)
    _, forward = astgrad.jvp(gradient, args, _along(args, wrt, v))
    assert_close(_flat(forward), expected_hv, rtol=1e-4, atol=1e-5)
    _, pullback = astgrad.vjp(gradient, *args)
    assert_close(_flat(pullback(v)[wrt]), expected_hv, rtol=1e-4, atol=1e-5)
    first = astgrad.grad(lambda *a: np.sum(gradient(*a) * v), wrt)      # grad of grad
    assert_close(_flat(first(*args)), expected_hv, rtol=1e-4, atol=1e-5)
    for a, before in zip(args, kept):
        np.testing.assert_array_equal(a, before)


# -- 1. a write through a view whose right side reads that view ---------------------------

def slice_scaled_by_itself(x, w):
    v = x[1:]
    v[:] = v * w
    return np.sum(x * x * x)


def slice_augmented(x, w):
    v = x[1:]
    v *= w
    return np.sum(np.sin(x) * x)


def strided_element_from_its_view(x, w):
    v = x[::2]
    v[1] = w * v[0] * v[1]
    return np.sum(x * x * x)


def view_of_a_view(x, w):
    v = x[1:]
    u = v[1:]
    u[0] = w * u[0] + v[0] * u[1]
    return np.sum(x * x * x)


def rows_in_a_loop(x, w):
    for i in range(x.shape[0]):
        row = x[i]
        row += w * row[0] * row
    return np.sum(x * x)


def transposed_row_from_another(x, w):
    x.T[0] = x.T[1] * w * x.T[0]
    return np.sum(x * x * x)


VIEWS = [slice_scaled_by_itself, slice_augmented, strided_element_from_its_view, view_of_a_view]


@pytest.mark.parametrize("n", [4, 6])
@pytest.mark.parametrize("wrt", [0, 1])
@pytest.mark.parametrize("f", VIEWS, ids=lambda f: f.__name__)
def test_writes_through_views_that_read_the_view(f, wrt, n):
    x = np.random.default_rng(n).uniform(-1.0, 1.0, n)
    check_to_second_order(f, (x, 0.7), wrt)


def test_rows_written_in_a_loop(wrt=1):
    x = np.random.default_rng(3).uniform(-1.0, 1.0, (3, 4))
    for wrt in (0, 1):
        check_to_second_order(rows_in_a_loop, (x, 0.4), wrt)


def test_a_transposed_row_written_from_another():
    x = np.random.default_rng(4).uniform(-1.0, 1.0, (3, 2))
    for wrt in (0, 1):
        check_to_second_order(transposed_row_from_another, (x, 0.6), wrt)


# -- 2. element writes reading their own array, in a loop ---------------------------------

def iir_filter(x, a):
    y = np.zeros(x.shape[0])
    y[0] = x[0]
    for i in range(1, x.shape[0]):
        y[i] = y[i - 1] * a + x[i]
    return np.sum(y * y)


def cumulative_product(x, a):
    p = np.ones(x.shape[0] + 1)
    for i in range(x.shape[0]):
        p[i + 1] = p[i] * (x[i] + a)
    return np.sum(p * x[0]) + p[-1]


def augmented_by_itself(x, a):
    y = np.zeros(x.shape[0])
    for k in range(x.shape[0]):
        y[k] += x[k] * y[k] + x[k] * a
        y[k] *= y[k] + a
    return np.sum(y * y)


def recurrence_in_the_argument(x, a):
    for i in range(1, x.shape[0]):
        x[i] = np.sin(x[i - 1]) * a + x[i]
    return np.sum(x * x)


def second_order_recurrence(x, a):
    y = x * 1.0
    for i in range(2, x.shape[0]):
        y[i] = a * y[i - 1] - 0.5 * y[i - 2] * y[i] + x[i]
    return np.sum(np.tanh(y))


RECURRENCES = [iir_filter, cumulative_product, augmented_by_itself, recurrence_in_the_argument,
               second_order_recurrence]


@pytest.mark.parametrize("n", [3, 6])
@pytest.mark.parametrize("wrt", [0, 1])
@pytest.mark.parametrize("f", RECURRENCES, ids=lambda f: f.__name__)
def test_elements_written_from_their_own_array_in_a_loop(f, wrt, n):
    x = np.random.default_rng(10 + n).uniform(-0.9, 0.9, n)
    check_to_second_order(f, (x, 0.6), wrt)


# -- 3. helpers changing their argument in place, called in a loop ------------------------

def take(v, pos, n):
    start = pos[0]
    pos[0] += n
    return v[start:start + n]


def takes_in_a_loop(v, a):
    pos = [0]
    total = 0.0
    for n in (1, 2):
        total = total + np.sum(np.cos(take(v, pos, n) * a))
    return total


def scale_into(y, s):
    y *= s
    return y


def scales_in_a_loop(x, a):
    y = x * 1.0
    for k in range(x.shape[0]):
        scale_into(y, x[k] + a)
    return np.sum(y * y)


def set_element(y, i, v):
    y[i] = v * y[i]


def sets_in_a_loop(x, a):
    y = x + a
    for i in range(1, x.shape[0]):
        set_element(y, i, y[i - 1] + a)
    return np.sum(y * y * y)


@pytest.mark.parametrize("n", [3, 5])
@pytest.mark.parametrize("wrt", [0, 1])
@pytest.mark.parametrize("f", [takes_in_a_loop, scales_in_a_loop, sets_in_a_loop], ids=lambda f: f.__name__)
def test_helpers_changing_an_argument_called_in_a_loop(f, wrt, n):
    x = np.random.default_rng(20 + n).uniform(-0.9, 0.9, n)
    check_to_second_order(f, (x, 0.5), wrt)


# -- 4. numerical kernels made of these writes -------------------------------------------

def gauss_seidel(b, a):
    n = b.shape[0]
    A = np.eye(n) * (4.0 + a) + 0.5
    x = np.zeros(n)
    for _ in range(3):
        for i in range(n):
            s = b[i]
            for j in range(n):
                if j != i:
                    s = s - A[i, j] * x[j]
            x[i] = s / A[i, i]
    return np.sum(x * x)


def gauss_seidel_rows(b, a):
    n = b.shape[0]
    A = np.eye(n) * (4.0 + a) + 0.5
    x = np.zeros(n)
    for _ in range(3):
        for i in range(n):
            x[i] = (b[i] - A[i] @ x + A[i, i] * x[i]) / A[i, i]
    return np.sum(x * x)


def runge_kutta_in_place(y0, k):
    y = y0 * 1.0
    for _ in range(3):
        k1 = -k * y * y
        half = y.copy()
        half += 0.05 * k1
        y += 0.1 * (-k * half * half)
    return np.sum(y)


def runge_kutta_state_rows(y0, k):
    state = np.zeros((2, y0.shape[0]))
    state[0] = y0
    for _ in range(3):
        state[1] = -k * np.sin(state[0])
        state[0] += 0.1 * state[1]
    return np.sum(state[0] ** 2)


def augmented_in_nested_loops(x, a):
    n = x.shape[0]
    M = np.zeros((n, n))
    y = np.zeros(n)
    for i in range(n):
        for j in range(i + 1):
            y[i] += x[j] * a * x[i]
            M[i, j] += x[i] * x[j] + a
            M[i, j] *= M[i, j]
    return np.sum(y * y) + np.sum(M)


def preallocated_then_reduced(x, a):
    n = x.shape[0]
    out = np.empty(n)
    pairs = np.empty((n, 2))
    for i in range(n):
        out[i] = np.sin(x[i] * a)
        pairs[i, 0] = x[i] * a
        pairs[i, 1] = pairs[i, 0] ** 2
    return np.sum(out * out) + np.max(out) + np.mean(pairs, axis=0) @ np.array([1.0, 2.0])


def slices_shifted_in_a_loop(x, a):
    y = x * 1.0
    for _ in range(2):
        y[1:] += a * y[:-1]
    return np.sum(y ** 3)


KERNELS = [gauss_seidel, gauss_seidel_rows, runge_kutta_in_place, runge_kutta_state_rows,
           augmented_in_nested_loops, preallocated_then_reduced, slices_shifted_in_a_loop]


@pytest.mark.parametrize("n", [3, 4])
@pytest.mark.parametrize("f", KERNELS, ids=lambda f: f.__name__)
def test_numerical_kernels_writing_in_place(f, n):
    x = np.random.default_rng(30 + n).uniform(-0.9, 0.9, n)
    for wrt in (0, 1):
        check_to_second_order(f, (x, 0.6), wrt)


# -- 5. lists written in place after the gradient stacked their items --------------------

def extended_by_itself_then_written(x, a):
    ys = [x, x * a]
    ys.extend(ys)
    ys[0] = ys[1] * x
    return np.sum(ys[0] * ys[3]) + np.sum(ys[2])


@pytest.mark.parametrize("wrt", [0, 1])
def test_a_list_extended_by_itself_then_written(wrt):
    check_to_second_order(extended_by_itself_then_written, (np.array([0.3, -0.5, 0.7]), 0.8), wrt)


# -- 6. an item taken back out of a list still shares the array written -------------------

def row_popped_back_then_written(x, w):
    y = x * 1.0
    kept = []
    kept.append(y[0])           # a view of row 0
    row = kept.pop()            # the same view: NumPy shows the write below in it
    y[0] = y[1] * w
    return np.sum(row * row)


def alias_popped_back_then_written(x, w):
    y = x * 1.0
    kept = [y]
    same = kept.pop()
    y[0] = y[1] * w
    return np.sum(same * same)


@pytest.mark.parametrize("f", [row_popped_back_then_written, alias_popped_back_then_written],
                         ids=lambda f: f.__name__)
def test_an_item_popped_out_of_a_list_sees_the_write_and_is_refused(f):
    # the gradient would treat the popped item as unchanged (it was 0 where NumPy gives
    # 2 * w * x[1] ** 2): refused, naming the write
    x = np.array([[0.3, 0.5], [0.7, 0.2]])
    with pytest.raises(astgrad.TransformError, match="while another name may share its memory") as info:
        astgrad.grad(f, wrt=1)(x, 0.8)
    assert "y[0] = y[1] * w" in info.value.line
