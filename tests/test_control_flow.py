"""Reverse mode through Python control flow (issue 3), against central finite
differences in float64. Every branch is exercised on both sides and loops run
0, 1 and many iterations. Inputs are chosen away from branch boundaries so that
finite differences never cross a kink.
"""

import warnings

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, random_args

RTOL, ATOL = 1e-5, 1e-6


def check(fn, args, wrt=0):
    """astgrad.grad(fn, wrt) agrees with finite differences at args."""
    expected = numerical_grad(fn, args, wrt)
    actual = astgrad.grad(fn, wrt)(*args)
    assert_close(actual, expected, RTOL, ATOL)
    return actual


def away_from(x, boundary, margin=0.2):
    """x pushed at least ``margin`` away from ``boundary`` (keeps its side)."""
    x = np.asarray(x, dtype=np.float64)
    side = np.where(x >= boundary, 1.0, -1.0)
    return np.where(np.abs(x - boundary) < margin, boundary + side * margin, x)


# ---------------------------------------------------------------------------
# if / elif / else
# ---------------------------------------------------------------------------

def if_else(x, y):
    if np.sum(x) > 0.0:
        z = np.sin(x) * y
    else:
        z = np.exp(x) * y * y
    return np.sum(z)


def if_elif_else(x):
    s = np.sum(x)
    if s > 1.0:
        z = x * x * x
    elif s > -1.0:
        z = np.sin(x) * 2.0
    else:
        z = np.tanh(x) + x * x
    return np.sum(z)


def nested_if(x, y):
    if np.sum(x) > 0.0:
        if np.sum(y) > 0.0:
            z = x * y
        else:
            z = x * x * y
    else:
        if np.sum(y) > 0.0:
            z = np.exp(x) + y
        else:
            z = np.sin(x * y)
    return np.sum(z)


def if_and_or_not(x, y):
    a = np.sum(x)
    b = np.sum(y)
    if a > 0.0 and b > 0.0:
        z = x * y
    elif a > 0.0 or b > 0.0:
        z = np.sin(x) * y
    else:
        z = x + y * y
    if not a > 0.5:
        z = z * 2.0
    return np.sum(z)


def chained_comparison(x):
    s = np.sum(x)
    if -1.0 < s < 1.0:
        z = np.sin(x) * 3.0
    elif 1.0 <= s < 3.0:
        z = x * x
    else:
        z = np.tanh(x)
    return np.sum(z)


def conditional_expression(x, y):
    s = np.sum(x)
    z = x * y if s > 0.0 else np.sin(x) + y
    w = z * z if np.sum(y) < 0.0 else z
    return np.sum(w)


def one_branch_assignment(x):
    z = x * 2.0
    if np.sum(x) > 0.0:
        z = np.sin(x) * x
    return np.sum(z * x)


def one_branch_else_assignment(x):
    z = np.exp(x)
    if np.sum(x) > 0.0:
        pass
    else:
        z = z * x
    return np.sum(z)


def branch_uses_old_value(x):
    y = x * x
    if np.sum(x) < 0.0:
        y = np.sin(y) * y
    y = y * x
    return np.sum(y)


def early_return(x):
    if np.sum(x) > 0.0:
        return np.sum(np.sin(x) * x)
    y = x * x * x
    return np.sum(y)


SHAPES = [(), (3,), (2, 3)]


def _signed(rng, shape, sign):
    """A random value of ``shape`` whose sum has the given sign, away from 0."""
    (x,) = random_args(rng, shape)
    x = np.abs(np.asarray(x)) + 0.3
    x = sign * x
    return float(x) if shape == () else x


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_if_else(shape, sign):
    rng = np.random.default_rng(1)
    x = _signed(rng, shape, sign)
    (y,) = random_args(rng, shape)
    check(if_else, (x, y), (0, 1))


@pytest.mark.parametrize("shape", [(), (4,)])
@pytest.mark.parametrize("total", [2.5, 0.3, -2.5])
def test_if_elif_else(shape, total):
    rng = np.random.default_rng(2)
    (x,) = random_args(rng, shape)
    x = np.asarray(x) - np.mean(x) + total / max(1, np.size(x))
    x = float(x) if shape == () else x
    assert abs(np.sum(x) - total) < 1e-9
    check(if_elif_else, (x,))


@pytest.mark.parametrize("sx", [1.0, -1.0])
@pytest.mark.parametrize("sy", [1.0, -1.0])
@pytest.mark.parametrize("shape", [(), (3,)])
def test_nested_if(sx, sy, shape):
    rng = np.random.default_rng(3)
    x, y = _signed(rng, shape, sx), _signed(rng, shape, sy)
    check(nested_if, (x, y), (0, 1))


@pytest.mark.parametrize("sx, sy", [(1.0, 1.0), (1.0, -1.0), (-1.0, 1.0), (-1.0, -1.0)])
def test_and_or_not(sx, sy):
    rng = np.random.default_rng(4)
    x, y = _signed(rng, (3,), sx), _signed(rng, (3,), sy)
    check(if_and_or_not, (x, y), (0, 1))
    # a small positive sum exercises "not a > 0.5" with a > 0
    check(if_and_or_not, (np.array([0.1, 0.05, 0.1]), y), (0, 1))


@pytest.mark.parametrize("total", [0.2, 2.0, 4.0, -3.0])
def test_chained_comparison(total):
    x = np.array([0.3, -0.1, 0.4]) - 0.2 + total / 3.0
    check(chained_comparison, (x,))


@pytest.mark.parametrize("sx", [1.0, -1.0])
@pytest.mark.parametrize("sy", [1.0, -1.0])
def test_conditional_expression(sx, sy):
    rng = np.random.default_rng(5)
    x, y = _signed(rng, (3,), sx), _signed(rng, (3,), sy)
    check(conditional_expression, (x, y), (0, 1))
    check(conditional_expression, (float(sx) * 0.7, float(sy) * 1.3), (0, 1))


@pytest.mark.parametrize("sign", [1.0, -1.0])
@pytest.mark.parametrize("shape", SHAPES)
def test_variable_assigned_in_one_branch(sign, shape):
    x = _signed(np.random.default_rng(6), shape, sign)
    check(one_branch_assignment, (x,))
    check(one_branch_else_assignment, (x,))
    check(branch_uses_old_value, (x,))


@pytest.mark.parametrize("sign", [1.0, -1.0])
def test_early_return(sign):
    x = _signed(np.random.default_rng(7), (3,), sign)
    check(early_return, (x,))


def return_an_accumulator_from_a_loop(x, w):
    total = 0.0
    for i, v in enumerate(x):
        total += v * w
        if total > 0.3:
            return total
    return total * total


def return_an_accumulated_array_from_a_loop(x, w):
    acc = x * 1.0
    for v in x:
        acc += v * w
        if v > 0.5:
            return acc
    return acc * acc


def return_an_array_a_finally_block_changes(x, w):
    acc = x * 1.0
    try:
        for i in range(3):
            if i == 1:
                return acc
            acc *= w
    finally:
        acc *= w        # changes the array returned: Python returns it changed
    return acc


X_RETURNS, X_RUNS_OUT = np.array([0.3, -0.4, 0.9]), np.array([-0.3, -0.4, 0.2])


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
@pytest.mark.parametrize("x", [X_RETURNS, X_RUNS_OUT], ids=["returns", "runs out"])
def test_early_return_of_a_number_written_in_place_in_the_loop(x, mode):
    """``total += v`` then ``return total`` inside the loop: nothing runs after the
    return stores its value, so no write can change it (it was refused as a write
    while another name may share the value)."""
    from breadth_modes import check as check_mode
    check_mode(mode, return_an_accumulator_from_a_loop, (x, 0.8), (0, 1))


@pytest.mark.parametrize("x", [X_RETURNS, X_RUNS_OUT], ids=["returns", "runs out"])
def test_early_return_of_an_array_written_in_place_in_the_loop(x):
    from fd import numerical_jvp
    f = return_an_accumulated_array_from_a_loop
    v = np.array([0.5, -1.0, 2.0])
    _, d = astgrad.jvp(f, (x.copy(), 0.8), (v, 0.3))
    assert_close(d, numerical_jvp(f, (x.copy(), 0.8), (v, 0.3)), RTOL, ATOL)
    c = np.array([1.5, -0.5, 0.25])
    g = astgrad.grad(lambda x, w: np.sum(f(x, w) * c), wrt=(0, 1))(x.copy(), 0.8)
    assert_close(g[0], numerical_grad(lambda x, w: np.sum(f(x, w) * c), (x.copy(), 0.8), 0), RTOL, ATOL)


def test_an_array_returned_early_that_a_finally_block_changes_is_still_refused():
    with pytest.raises(astgrad.TransformError, match="augmented assignment"):
        astgrad.jvp(return_an_array_a_finally_block_changes, (X_RETURNS.copy(), 0.8), (X_RETURNS, 1.0))


# ---------------------------------------------------------------------------
# for loops over range
# ---------------------------------------------------------------------------

def range_stop(x, n):
    y = x * 1.0
    for i in range(n):
        y = np.sin(y) * x + 0.1 * i
    return np.sum(y)


def range_start_stop_step(x, start, stop, step):
    y = x * 0.5
    for i in range(start, stop, step):
        y = y * np.cos(x) + x * i
    return np.sum(y * y)


def range_from_shape(x):
    y = x[0] * 1.0
    for i in range(x.shape[0]):
        y = y * np.tanh(x[i]) + x[i]
    return np.sum(y)


def range_len(x):
    total = 0.0
    for i in range(len(x)):
        total = total + np.sin(x[i]) * x[i] * (i + 1)
    return total


def range_accumulate(x, w):
    acc = x * 0.0
    for i in range(3):
        acc = acc + np.exp(w * i * 0.3) * x
        acc = acc * 0.9
    return np.sum(acc)


@pytest.mark.parametrize("n", [0, 1, 2, 7])
@pytest.mark.parametrize("shape", [(), (3,)])
def test_range_trip_count_from_argument(n, shape):
    (x,) = random_args(8, shape)
    check(range_stop, (x, n))


@pytest.mark.parametrize("start, stop, step", [(0, 0, 1), (2, 3, 1), (1, 7, 2), (6, 0, -2),
                                               (5, -1, -1), (3, 1, 1), (-2, 4, 3)])
def test_range_start_stop_step(start, stop, step):
    (x,) = random_args(9, (3,))
    x = x * 0.5
    check(range_start_stop_step, (x, start, stop, step))


@pytest.mark.parametrize("n", [1, 2, 6])
def test_range_trip_count_from_shape(n):
    (x,) = random_args(10, (n, 2))
    check(range_from_shape, (x,))


@pytest.mark.parametrize("n", [0, 1, 5])
def test_range_len(n):
    x = np.random.default_rng(11).standard_normal(n)
    g = check(range_len, (x,))
    assert np.shape(g) == (n,)


def test_range_accumulate_two_args():
    x, w = random_args(12, (3,), (3,))
    check(range_accumulate, (x, w), (0, 1))


# ---------------------------------------------------------------------------
# for over rows, lists, tuples, enumerate, zip
# ---------------------------------------------------------------------------

def over_rows(m, v):
    total = 0.0
    for row in m:
        total = total + np.sum(np.tanh(row * v))
    return total


def over_rows_matrix(m):
    h = m[0] * 0.0
    for row in m:
        h = np.sin(h + row)
    return np.sum(h * h)


def over_list(x):
    items = [x, x * x, np.sin(x)]
    total = x * 0.0
    for item in items:
        total = total + item * item
    return np.sum(total)


def over_tuple(x, y):
    total = 0.0
    for item in (x, y, x * y):
        total = total + np.sum(np.exp(item * 0.5))
    return total


def over_enumerate(m):
    total = 0.0
    for i, row in enumerate(m):
        total = total + np.sum(row * row) * (i + 1.0)
    return total


def over_enumerate_list(x):
    total = x * 0.0
    for k, item in enumerate([x, np.sin(x), x * x]):
        total = total + item * (k + 0.5)
    return np.sum(total)


def over_zip(xs, ys):
    total = 0.0
    for a, b in zip(xs, ys):
        total = total + np.sum(np.sin(a) * b)
    return total


def over_zip_lists(x, y):
    total = 0.0
    for a, b in zip([x, x * 2.0], [y, np.tanh(y)]):
        total = total + np.sum(a * b)
    return total


@pytest.mark.parametrize("n", [0, 1, 4])
def test_for_over_rows(n):
    m = np.random.default_rng(13).standard_normal((n, 3))
    (v,) = random_args(14, (3,))
    check(over_rows, (m, v), (0, 1))


@pytest.mark.parametrize("n", [1, 5])
def test_for_over_rows_overwriting(n):
    m = np.random.default_rng(15).standard_normal((n, 3))
    check(over_rows_matrix, (m,))


@pytest.mark.parametrize("shape", [(), (3,)])
def test_for_over_list(shape):
    (x,) = random_args(16, shape)
    check(over_list, (x,))


@pytest.mark.parametrize("shape", [(), (2, 2)])
def test_for_over_tuple(shape):
    x, y = random_args(17, shape, shape)
    check(over_tuple, (x, y), (0, 1))


@pytest.mark.parametrize("n", [0, 1, 3])
def test_enumerate_rows(n):
    m = np.random.default_rng(18).standard_normal((n, 2))
    check(over_enumerate, (m,))


def test_enumerate_list():
    (x,) = random_args(19, (3,))
    check(over_enumerate_list, (x,))


@pytest.mark.parametrize("n", [0, 1, 4])
def test_zip_arrays(n):
    rng = np.random.default_rng(20)
    xs, ys = rng.standard_normal((n, 2)), rng.standard_normal((n, 2))
    check(over_zip, (xs, ys), (0, 1))


def test_zip_unequal_lengths():
    rng = np.random.default_rng(21)
    xs, ys = rng.standard_normal((4, 2)), rng.standard_normal((2, 2))
    g = check(over_zip, (xs, ys), (0, 1))
    # rows of xs that zip never reached get a zero gradient
    assert np.all(g[0][2:] == 0.0)


def test_zip_lists():
    x, y = random_args(22, (3,), (3,))
    check(over_zip_lists, (x, y), (0, 1))


# ---------------------------------------------------------------------------
# while, break, continue
# ---------------------------------------------------------------------------

def while_value_dependent(x):
    y = x * 1.0
    while np.sum(y * y) < 50.0:
        y = y * 1.7 + np.sin(y) * 0.1
    return np.sum(y)


def while_counter(x, n):
    i = 0
    y = x
    while i < n:
        y = np.tanh(y) * x + y
        i = i + 1
    return np.sum(y)


def for_break(x):
    y = x * 1.0
    for i in range(10):
        y = y * 1.3 + np.sin(y)
        if np.sum(y) > 6.0:
            break
    return np.sum(y)


def for_continue(x):
    total = 0.0
    for i in range(6):
        if i % 2 == 0:
            continue
        total = total + np.sum(np.sin(x * i))
    return total


def for_continue_value(x):
    total = x * 0.0
    for row in x:
        if np.sum(row) < 0.0:
            continue
        total = total + np.exp(row * 0.5)
    return np.sum(total)


def while_break(x):
    y = x * 1.0
    k = 0
    while True:
        y = y + np.tanh(y) * 0.5
        k = k + 1
        if np.sum(y) > 3.0 or k >= 20:
            break
    return np.sum(y * y)


def nested_break_continue(m):
    total = 0.0
    for row in m:
        for v in row:
            if v < -1.0:
                break
            if v < 0.0:
                continue
            total = total + v * v * np.sin(v)
    return total


@pytest.mark.parametrize("scale", [0.01, 0.5, 3.0, 10.0])
def test_while_value_dependent_trip_count(scale):
    x = np.array([0.7, 1.1, 0.9]) * scale
    check(while_value_dependent, (x,))


@pytest.mark.parametrize("n", [0, 1, 6])
def test_while_counter(n):
    (x,) = random_args(23, (3,))
    check(while_counter, (x, n))


@pytest.mark.parametrize("x0", [0.2, 1.5, 5.0, -3.0])
def test_for_break(x0):
    x = np.array([x0, x0 * 0.5])
    check(for_break, (x,))


def test_for_continue():
    (x,) = random_args(24, (3,))
    check(for_continue, (x * 0.3,))


def test_for_continue_value():
    x = np.array([[0.5, 0.2], [-0.7, -0.4], [1.0, -0.3], [-0.2, -0.9]])
    check(for_continue_value, (x,))


@pytest.mark.parametrize("x0", [-2.0, 0.1, 1.0, 4.0])
def test_while_break(x0):
    x = np.array([x0, x0 + 0.4])
    check(while_break, (x,))


def test_nested_break_continue():
    m = np.array([[0.5, -0.3, 1.2, -1.5, 0.7],
                  [-2.0, 0.4, 0.6, 0.8, 0.9],
                  [0.3, 0.6, -0.5, 0.8, -1.3],
                  [1.1, 1.4, 0.2, 0.5, 0.7]])
    check(nested_break_continue, (m,))


# ---------------------------------------------------------------------------
# Nested loops and loops with branches
# ---------------------------------------------------------------------------

def nested_loops(x, n, m):
    y = x * 1.0
    for i in range(n):
        for j in range(m):
            y = np.sin(y) * x + 0.1 * j
        y = y * 0.9
    return np.sum(y)


def nested_loops_rows(a, b):
    total = 0.0
    for row_a in a:
        for row_b in b:
            total = total + np.tanh(np.dot(row_a, row_b))
    return total


def loop_with_branch(x):
    y = x * 1.0
    for i in range(5):
        if np.sum(y) > 0.0:
            y = y - np.exp(y * 0.3)
        else:
            y = y + np.sin(y) * 2.0 + 1.0
    return np.sum(y * y)


@pytest.mark.parametrize("n, m", [(0, 3), (3, 0), (1, 1), (2, 3)])
def test_nested_loops(n, m):
    (x,) = random_args(25, (3,))
    check(nested_loops, (x, n, m))


@pytest.mark.parametrize("na, nb", [(0, 2), (1, 1), (3, 2)])
def test_nested_loops_over_rows(na, nb):
    rng = np.random.default_rng(26)
    a, b = rng.standard_normal((na, 3)), rng.standard_normal((nb, 3))
    check(nested_loops_rows, (a, b), (0, 1))


@pytest.mark.parametrize("x0", [-1.2, 0.4, 2.0])
def test_loop_with_branch(x0):
    x = np.array([x0, x0 * 0.3, -x0 * 0.2])
    check(loop_with_branch, (x,))


# ---------------------------------------------------------------------------
# RNN: the same variables overwritten every iteration
# ---------------------------------------------------------------------------

def rnn(W, U, x, h0):
    h = h0
    for t in range(x.shape[0]):
        h = np.tanh(W @ h + U @ x[t])
    return np.sum(h * h)


def rnn_loss_over_time(W, U, x, h0):
    h = h0
    loss = 0.0
    for t in range(x.shape[0]):
        h = np.tanh(np.dot(W, h) + np.dot(U, x[t]))
        loss = loss + np.sum(h) * 0.5
    return loss


@pytest.mark.parametrize("T", [0, 1, 2, 8])
def test_rnn(T):
    rng = np.random.default_rng(27)
    H, D = 4, 3
    W = rng.standard_normal((H, H)) * 0.5
    U = rng.standard_normal((H, D)) * 0.5
    x = rng.standard_normal((T, D))
    h0 = rng.standard_normal(H) * 0.3
    gW, gU = check(rnn, (W, U, x, h0), (0, 1))
    assert gW.shape == (H, H) and gU.shape == (H, D)
    check(rnn, (W, U, x, h0), (2, 3))


@pytest.mark.parametrize("T", [1, 5])
def test_rnn_loss_over_time(T):
    rng = np.random.default_rng(28)
    H, D = 3, 2
    W = rng.standard_normal((H, H)) * 0.5
    U = rng.standard_normal((H, D)) * 0.5
    x = rng.standard_normal((T, D))
    h0 = np.zeros(H)
    check(rnn_loss_over_time, (W, U, x, h0), (0, 1))


# ---------------------------------------------------------------------------
# Comprehensions and generator expressions
# ---------------------------------------------------------------------------

def sum_generator(x):
    return sum(np.sin(x[i]) * x[i] for i in range(x.shape[0]))


def sum_list_comprehension(x):
    return sum([v * v for v in x])


def array_of_list_comprehension(x):
    y = np.array([np.sin(v) * v for v in x])
    return np.sum(y * y)


def array_of_comprehension_with_filter(x):
    y = np.array([v * v for v in x if v > 0.0])
    return np.sum(y)


def comprehension_over_rows(m, w):
    y = np.array([np.dot(row, w) for row in m])
    return np.sum(np.tanh(y))


@pytest.mark.parametrize("n", [1, 4])
def test_sum_over_generator(n):
    x = np.random.default_rng(29).standard_normal(n)
    check(sum_generator, (x,))


@pytest.mark.parametrize("n", [1, 4])
def test_sum_over_list_comprehension(n):
    x = np.random.default_rng(30).standard_normal(n)
    check(sum_list_comprehension, (x,))


@pytest.mark.parametrize("n", [1, 5])
def test_array_of_list_comprehension(n):
    x = np.random.default_rng(31).standard_normal(n)
    check(array_of_list_comprehension, (x,))


def test_array_of_comprehension_with_filter():
    x = np.array([0.5, -0.7, 1.2, -0.1, 0.3])
    g = check(array_of_comprehension_with_filter, (x,))
    assert_close(g, np.where(x > 0.0, 2 * x, 0.0), RTOL, ATOL)


def test_comprehension_over_rows():
    m, w = random_args(32, (4, 3), (3,))
    check(comprehension_over_rows, (m, w), (0, 1))


# ---------------------------------------------------------------------------
# Early return inside loops, break inside nested ifs, loops over a step argument
# ---------------------------------------------------------------------------

def return_inside_loop(x, limit):
    y = x * 1.0
    for i in range(6):
        y = y * 1.4 + np.sin(y)
        if np.sum(y) > limit:
            return np.sum(y * y)
    return np.sum(y)


def break_in_nested_if(x):
    y = x * 1.0
    k = 0
    while k < 8:
        y = np.tanh(y) + y * 0.8
        if np.sum(y) > 0.0:
            if np.max(y) > 1.5:
                break
            y = y + 0.2
        else:
            y = y - 0.1 * np.exp(y)
        k = k + 1
    return np.sum(np.sin(y) * x)


def range_step_argument(x, step):
    total = 0.0
    for i in range(0, x.shape[0], step):
        total = total + np.exp(x[i] * 0.5) * x[-1 - i]
    return total


def loop_zero_trips_array_carry(x, n):
    h = np.tanh(x)
    for i in range(n):
        h = np.tanh(h * x) + h
    return np.sum(h * x)


@pytest.mark.parametrize("limit", [-100.0, 1.0, 5.0, 100.0])
def test_return_inside_loop(limit):
    x = np.array([0.4, 0.3])
    # keep the branch boundary away from the finite-difference stencil
    y = x.copy()
    for i in range(6):
        y = y * 1.4 + np.sin(y)
        assert abs(np.sum(y) - limit) > 1e-2
        if np.sum(y) > limit:
            break
    check(return_inside_loop, (x, limit))


@pytest.mark.parametrize("x0", [-1.0, -0.2, 0.3, 1.0])
def test_break_in_nested_if(x0):
    x = np.array([x0, x0 * 0.5 - 0.1])
    check(break_in_nested_if, (x,))


@pytest.mark.parametrize("step", [1, 2, 3, 7])
def test_range_step_argument(step):
    (x,) = random_args(33, (6,))
    check(range_step_argument, (x, step))


@pytest.mark.parametrize("n", [0, 1, 3])
def test_loop_zero_trips_array_carry(n):
    (x,) = random_args(34, (2, 3))
    check(loop_zero_trips_array_carry, (x, n))


# ---------------------------------------------------------------------------
# Inner loops whose trip count differs between outer iterations
# ---------------------------------------------------------------------------

def while_inside_for(x):
    v = x * 1.0
    for i in range(2):
        v = v * 0.5
        k = 0
        while v < -1.0 and k < 1:
            v = v + np.sin(x)
            k = k + 1
    return v


def while_inside_for_arrays(x):
    v = x * 1.0
    total = 0.0
    for row in range(3):
        v = v * 0.7 - 0.6
        while np.sum(v) < 1.0:
            v = v + np.tanh(x) * 0.2 + 0.4
        total = total + np.sum(v * x)
    return total


def triangular_loops(x):
    total = x * 0.0
    for i in range(x.shape[0]):
        for j in range(i):
            total = total + np.sin(x * (j + 1.0)) * x[i]
    return np.sum(total)


def break_inside_inner_loop(x):
    v = x * 1.0
    for i in range(3):
        for j in range(4):
            v = v * 1.2 + 0.1 * i
            if v > 1.0 + i:
                break
    return v * v


def test_while_inside_for_scalar():
    # outer iteration 1 runs the while once, iteration 2 not at all
    check(while_inside_for, (-3.0,))


@pytest.mark.parametrize("x0", [-1.2, -0.6, 0.5, 0.8])
def test_while_inside_for_arrays(x0):
    # inner trip counts per outer iteration: [8,3,3], [5,2,3], [2,1,2], [1,2,1]
    x = np.array([x0, x0 + 0.35])
    check(while_inside_for_arrays, (x,))


@pytest.mark.parametrize("n", [0, 1, 4])
def test_triangular_loops(n):
    x = np.random.default_rng(35).standard_normal(n)
    check(triangular_loops, (x,))


@pytest.mark.parametrize("x0", [0.3, 0.9, 2.5])
def test_break_inside_inner_loop(x0):
    check(break_inside_inner_loop, (x0,))


# ---------------------------------------------------------------------------
# Assignment expressions (:=): Python's evaluation order, in both modes
# (tests/programs.py holds more, checked to second order)
# ---------------------------------------------------------------------------

def walrus_bool_value(x, a):
    t = a > 0.0 and (b := x - 0.5)      # at x = 0.5 the `and` is falsy, but b was bound
    return b * x + t * 0.0


def branch_rebinds_its_test(x, c):
    if c:
        c = x - 0.5                     # the test turns falsy inside its own branch
    return c + x


def walrus_twice(x):
    return (y := x * 2.0) + (y := y * y) + y


def walrus_into_subscript(x):
    v = np.array([x, 2.0 * x, 3.0])
    i = 0
    v[i] = (i := 2) * x                 # the value first: this writes v[2]
    return np.sum(v * v)


def walrus_in_chained_comparison(x):
    if -5.0 < (y := np.sin(x) * 3.0) < (z := x * x):
        return y * z
    return y + x


def walrus_in_ternary_test(x):
    return np.sum(x * s if (s := np.sum(np.cos(x))) > 1.0 else s - x)


def check_both_modes(fn, args):
    check(fn, args)
    direction = np.linspace(0.5, 1.5, np.size(args[0])).reshape(np.shape(args[0]))
    expected = np.sum(numerical_grad(fn, args, 0) * direction)
    tangents = (direction,) + tuple(0.0 for _ in args[1:])
    assert_close(astgrad.jvp(fn, args, tangents)[1], expected, RTOL, ATOL)


@pytest.mark.parametrize("fn, args", [
    (walrus_bool_value, (0.5, 1.0)), (walrus_bool_value, (0.8, 1.0)),
    (branch_rebinds_its_test, (0.5, 1.0)), (branch_rebinds_its_test, (0.5, 0.0)),
    (walrus_twice, (0.7,)), (walrus_into_subscript, (0.7,)),
    (walrus_in_chained_comparison, (1.2,)), (walrus_in_chained_comparison, (0.3,)),
    (walrus_in_chained_comparison, (-1.2,)),
    (walrus_in_ternary_test, (np.array([0.1, 0.2]),)), (walrus_in_ternary_test, (np.array([2.0, 2.5]),)),
], ids=lambda v: getattr(v, "__name__", str(v)))
def test_walrus_evaluation_order(fn, args):
    check_both_modes(fn, args)


def test_walrus_values_follow_python():
    assert astgrad.differentiable(walrus_twice)(0.7) == walrus_twice(0.7)
    assert astgrad.differentiable(walrus_into_subscript)(0.7) == walrus_into_subscript(0.7)


def test_walrus_source_binds_the_users_name():
    source = astgrad.grad(walrus_in_chained_comparison).source
    assert "y = t * 3.0" in source or "y = np.sin(x) * 3.0" in source, source
    assert "z = x * x" in source, source


# ---------------------------------------------------------------------------
# with statements: managers entered and exited around the forward code
# ---------------------------------------------------------------------------

WITH_EVENTS = []


class _Recorder:
    def __init__(self, label):
        self.label = label

    def __enter__(self):
        WITH_EVENTS.append("enter " + self.label)

    def __exit__(self, *exc_info):
        WITH_EVENTS.append("exit " + self.label)


def two_managers(x):
    y = x * 2.0
    with _Recorder("a"), _Recorder("b"):
        y = np.sin(y) * x
    with _Recorder("c"):
        y = y * y
    return np.sum(y)


def log_of_zero_silenced(x):
    with np.errstate(divide="ignore"):
        c = np.log(np.zeros(2))          # -inf, with a warning outside the errstate
    return np.sum(x * np.exp(c) + x * x)


def raise_inside_errstate(x):
    y = x * 1.0
    with np.errstate(all="raise"):
        y = np.log(y) * y
    return np.sum(y)


@pytest.mark.parametrize("mode", ["grad", "jvp", "grad_grad"])
def test_with_enters_and_exits_in_python_order(mode):
    x = np.array([0.3, -0.7])
    WITH_EVENTS.clear()
    if mode == "grad":
        astgrad.grad(two_managers)(x)
    elif mode == "jvp":
        astgrad.jvp(two_managers, (x,), (np.ones(2),))
    else:
        astgrad.grad(lambda_sum_grad)(x)
    assert WITH_EVENTS and len(WITH_EVENTS) % 6 == 0
    assert WITH_EVENTS[:6] == ["enter a", "enter b", "exit b", "exit a", "enter c", "exit c"]


def lambda_sum_grad(x):
    return np.sum(astgrad.grad(two_managers)(x))


def test_with_errstate_silences_the_forward_code():
    x = np.array([0.3, -0.7])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_allclose(astgrad.grad(log_of_zero_silenced)(x), 2.0 * x)
        np.testing.assert_allclose(astgrad.jvp(log_of_zero_silenced, (x,), (np.ones(2),))[1], np.sum(2.0 * x))


@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_with_manager_exits_when_the_body_raises(mode):
    before = np.geterr()
    x = np.array([0.0, 1.0])
    with pytest.raises(FloatingPointError):
        if mode == "grad":
            astgrad.grad(raise_inside_errstate)(x)
        else:
            astgrad.jvp(raise_inside_errstate, (x,), (np.ones(2),))
    assert np.geterr() == before
