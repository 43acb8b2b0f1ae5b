"""A corpus of differentiable programs shared by test_forward.py and
test_higher_order.py (and programs other tests share, such as ``rnn_loss``).

Every program is a module-level ``def`` (astgrad reads source with inspect).
``CASES`` pairs each program with concrete arguments chosen away from branch
boundaries, so central finite differences never straddle a kink. Integer
arguments (trip counts) are never differentiated.
"""

import math

import numpy as np

import astgrad

# ---------------------------------------------------------------------------
# Straight-line NumPy code and broadcasting
# ---------------------------------------------------------------------------


def scalar_poly(x, y):
    z = x * x * y + 3.0 * x - y / (1.0 + x * x)
    return z * z + y ** 3


def scalar_math(x, y):
    a = math.sin(x) * math.exp(y * 0.5)
    b = math.log(1.0 + x * x) + math.sqrt(y * y + 1.0)
    return a * b + math.tanh(x - y)


def elementwise(x):
    y = np.sin(x) * np.exp(-x * x) + np.tanh(x) ** 2
    z = np.log(1.0 + x * x) + np.sqrt(x * x + 1.0)
    return np.sum(y * z) + np.mean(np.cos(x)) * 2.0


def matrix_vector(W, x, b):
    h = np.tanh(W @ x + b)
    g = np.dot(W.T, h)
    return np.sum(h * h) + np.sum(g * x)


def broadcasting(m, v, s):
    a = (m + v) * s
    b = m * v[None, :] - s / (1.0 + v * v)
    c = np.sum(a * b, axis=0)
    return np.sum(c * v) + np.sum(np.mean(m, axis=1) * s)


def broadcast_column(m, c):
    y = np.exp(m * 0.3) * c + c * c
    return np.sum(np.sum(y, axis=1, keepdims=True) * c)


def vector_output(x, y):
    return np.sin(x) * y + x * x


def matrix_output(m, v):
    return np.tanh(m * v) + m @ np.outer(v, v)


# ---------------------------------------------------------------------------
# Branches and early return
# ---------------------------------------------------------------------------


def if_elif_else(x, y):
    s = np.sum(x)
    if s > 1.0:
        z = x * x * y
    elif s > -1.0:
        z = np.sin(x) * y * 2.0
    else:
        z = np.tanh(x) + y * y
    if not np.sum(y) > 0.0:
        z = z * x
    return np.sum(z)


def conditional_expression(x):
    z = x * x if np.sum(x) > 0.0 else np.sin(x)
    return np.sum(z * x)


def early_return(x, y):
    if np.sum(x) > 0.0:
        return np.sum(np.sin(x) * y)
    w = x * x * y
    return np.sum(w * x)


# ---------------------------------------------------------------------------
# Assignment expressions (:=)
# ---------------------------------------------------------------------------


def walrus_if_test(x):
    if (s := np.sum(x * x)) > 1.0:
        return np.sum(np.sin(x)) * s
    return s * s


def walrus_while(x, n):
    # the test binds z only while n lasts (and short-circuits); y is carried by a := in the body
    acc = 0.0 * x
    y = x
    z = x
    while (n := n - 1) >= 0 and np.sum(z := y * y) < 50.0:
        acc = acc + z * (y := y * 0.9 + np.sin(x))
    return np.sum(acc + y * z)


def walrus_short_circuit(x, a):
    b = np.sum(x)
    c = 0.0
    if a > 0.0 and (b := np.sum(x * x)) > 0.5 or (c := np.sum(np.cos(x))) > 10.0:
        return b * np.sum(x)
    return b * c + np.sum(x * x * x)


def walrus_rebinds_parameter(x):
    # the first x is read before the := rebinds it; the last after
    return np.sum(x + (x := np.sin(x) * 3.0) * x)


def walrus_arguments(x):
    t = np.outer(y := np.tanh(x), y) + (y := y * y)[0] + y
    return np.sum(t * (x if (w := np.sum(y)) > 0.0 else -x)) * w


# ---------------------------------------------------------------------------
# Loops: range, rows, enumerate, zip, while, break / continue
# ---------------------------------------------------------------------------


def range_loop(x, n):
    y = x * 1.0
    for i in range(n):
        y = np.sin(y) * x + 0.1 * i
    return np.sum(y * y)


def rows_loop(m, v):
    total = 0.0
    for row in m:
        total = total + np.sum(np.tanh(row * v))
    return total


def enumerate_loop(m):
    total = 0.0
    for i, row in enumerate(m):
        total = total + np.sum(row * row * row) * (i + 1.0)
    return total


def zip_loop(xs, ys):
    total = 0.0
    for a, b in zip(xs, ys):
        total = total + np.sum(np.sin(a) * b)
    return total


def while_loop(x):
    y = x * 1.0
    k = 0
    while k < 4:
        y = y * np.cos(y) + x
        k = k + 1
    return np.sum(y)


def while_value_dependent(x):
    y = x * 1.0
    while np.sum(y * y) < 20.0:
        y = y * 1.5 + np.sin(y) * 0.1
    return np.sum(y * x)


def break_continue(x):
    y = x * 1.0
    total = 0.0
    for i in range(8):
        if i % 3 == 1:
            continue
        y = y * 1.2 + np.sin(y)
        total = total + np.sum(y * x)
        if np.sum(y) > 8.0:
            break
    return total


from test_control_flow import loop_with_branch  # noqa: E402  (one program, two test files)


def nested_loops(x, n):
    y = x * 1.0
    for i in range(n):
        for j in range(2):
            y = np.sin(y) * x + 0.1 * j
        y = y * 0.9
    return np.sum(y)


def rnn(W, x, h0):
    h = h0
    for t in range(x.shape[0]):
        h = np.tanh(W @ h + x[t])
    return np.sum(h * h)


def rnn_loss(Wx, Wh, xs):
    """An RNN over the rows of ``xs``, summing the squared hidden state of every step
    (test_checkpoint.py and test_specialization.py)."""
    h = np.zeros(Wh.shape[0])
    loss = 0.0
    for t in range(xs.shape[0]):
        h = np.tanh(Wx @ xs[t] + Wh @ h)
        loss = loss + np.sum(h * h)
    return loss


# ---------------------------------------------------------------------------
# In-place writes and data structures
# ---------------------------------------------------------------------------


def inplace_writes(x):
    y = np.zeros(x.shape[0])
    for i in range(x.shape[0]):
        y[i] = np.sin(x[i]) * x[i]
    return np.sum(y * y)


def inplace_overwrite(x):
    y = np.zeros(x.shape[0])
    y[0] = x[0] * x[1]
    y[1] = y[0] * x[2]
    y[0] = y[1] * x[0]
    return np.sum(y * x)


def list_append(x):
    out = []
    for i in range(3):
        out.append(x * i + np.sin(x))
    return np.sum(out[0] * out[2]) + np.sum(sum(out))


def list_literal_index(x, y):
    items = [x, y, x * y]
    return np.sum(items[2] * items[0]) + np.sum(items[-1])


def dict_constant_keys(x):
    d = {"a": x * 2.0, "b": np.sin(x)}
    d["c"] = d["a"] * d["b"]
    return np.sum(d["c"] + d["a"])


def dict_read_and_overwrite(x, y):
    d = {"a": x * 2.0, "b": np.sin(y)}
    d["a"] = d["a"] * d["b"]
    return np.sum(d["a"] * x) + np.sum(d["b"])


def dict_get(x, key):
    d = {"a": x * 2.0, "b": np.sin(x)}
    first = d.get(key, x * 3.0)
    second = d.get("b")
    return np.sum(first * second) + np.sum(d.get("c", x) ** 2)


def dict_views(x, y):
    d = {"a": x * 2.0, "b": np.sin(y)}
    s = 0.0
    for k, v in d.items():
        s = s + np.sum(v * x)
        d[k] = v * y                    # a dict view shows the dict as it is when read
    for v in d.values():
        s = s + np.sum(v * v)
    for k in d.keys():
        s = s + np.sum(np.cos(d[k]))
    return s + sum([np.sum(v * y) for k, v in d.items()]) + sum(np.sum(v) for v in d.values())


def dict_comprehension(x):
    d = dict(a=x * 2.0, b=np.cos(x))
    e = {k: np.sin(v) * x for k, v in d.items() if k != "c"}
    e["c"] = d["a"]
    pairs = dict([("p", e["a"]), ("q", x)], r=e["b"])
    return np.sum(e["a"] * e["b"] * e["c"]) + np.sum(pairs["p"] * pairs["q"] * pairs["r"])


def list_tuple_copies(x, y):
    xs = [x, y * 2.0]
    ys = list(xs)
    ys.append(np.sin(x))
    ys[0] = ys[0] * y                    # replaces ys's item; xs keeps its own
    t = tuple(ys)
    rows = list(np.outer(x, y))
    return np.sum(t[0] * t[2]) + np.sum(xs[0] * ys[1]) + len(t) * np.sum(rows[1] * rows[-1])


def starred_unpacking(x, y):
    xs = [x, x * y, np.sin(y), y]
    a, *rest = xs
    *init, last = tuple(xs)
    first, *middle, end = xs
    return np.sum(a * rest[2] * last) + np.sum(init[1] * middle[0]) + len(middle) * np.sum(end * first)


def list_comprehension(x):
    y = np.array([np.sin(v) * v for v in x])
    return np.sum(y * y) + sum([v * v for v in x])


# ---------------------------------------------------------------------------
# Calls to module-level helpers and @astgrad.differentiable callees
# ---------------------------------------------------------------------------


def helper_square(u, scale=1.0):
    return u * u * scale


def helper_two(u, v):
    return u * v, np.sin(u) + v


def calls_helper_kwargs(x):
    a = helper_square(x, scale=3.0)
    b = helper_square(np.sin(x))
    return np.sum(a * b)


def calls_helper_multiple_returns(x, y):
    p, q = helper_two(x, y)
    return np.sum(p * q)


def calls_helper_in_loop(x):
    total = 0.0
    y = x * 1.0
    for i in range(3):
        a, b = helper_two(y, x)
        y = helper_square(a, scale=0.5) + b * 0.1
        total = total + np.sum(y)
    return total


@astgrad.differentiable
def smooth(u, k=2.0):
    return np.tanh(k * u) * u


def calls_differentiable(x):
    y = smooth(x) + smooth(x * x, k=0.5)
    return np.sum(y * x)


# ---------------------------------------------------------------------------
# The corpus: (id, function, arguments)
# ---------------------------------------------------------------------------

_rng = np.random.default_rng(2024)

# ---------------------------------------------------------------------------
# Loop else clauses, with, try/finally, global reads
# ---------------------------------------------------------------------------


def for_else(x, n):
    s = np.sum(x * x)
    for i in range(n):
        s = s + np.sum(np.sin(x) * i)
        if s > 2.0:
            break
    else:
        s = s * np.sum(x)        # runs only when the loop did not break
    return s * x[0]


def while_else(x, n):
    i = 0
    y = x * 1.0
    while i < n:
        y = y * 1.5
        if np.sum(y) > 3.0:
            break
        i += 1
    else:
        y = y * y
    return np.sum(y * x)


def nested_for_else(x):
    total = 0.0
    for row in x:
        for v in row:
            if v > 0.8:
                break                # leaves the inner loop only: its else is skipped
            total = total + v * v
        else:
            total = total * 1.5      # inner loop ran out
            continue
        total = total + np.sum(row)
    else:
        total = total + np.sum(x)   # the outer loop never breaks
    return total


def return_inside_for_else(x, stop):
    for i in range(3):
        if np.sum(x) * i > stop:
            return np.sum(x * x) * i
    else:
        x = x * 2.0
    return np.sum(np.sin(x))


def else_rebinds_carried(x, n):
    a = x[0]
    b = x[1]
    for i in range(n):
        a, b = b, a * b
        if a > 5.0:
            break
    else:
        a, b = b * 2.0, a + b        # rebinds both loop-carried values
    return a * b + a


def with_errstate(x):
    y = x * x
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.log(y) * y
        with np.errstate(over="ignore"):
            z = z + np.exp(x)
    return np.sum(z)


def try_finally(x):
    y = x * 2.0
    try:
        y = y * y
    finally:
        y = y + np.sin(x)
    return np.sum(y)


def try_finally_return(x):
    y = x * 2.0
    try:
        if np.sum(x) > 0.0:
            return np.sum(y * y)
        y = y * x
    finally:
        y = y + 1.0             # runs before either return, but after the first one's value
    return np.sum(y * x)


GLOBAL_SCALE = 1.7


def global_read(x):
    global GLOBAL_SCALE
    return np.sum(np.sin(x) * GLOBAL_SCALE)



def _normal(*shape, scale=1.0):
    return _rng.standard_normal(shape) * scale


CASES = [
    ("scalar_poly", scalar_poly, (0.7, -1.3)),
    ("scalar_math", scalar_math, (0.4, 1.1)),
    ("elementwise", elementwise, (_normal(4),)),
    ("matrix_vector", matrix_vector, (_normal(3, 2, scale=0.5), _normal(2), _normal(3))),
    ("broadcasting", broadcasting, (_normal(2, 3), _normal(3), 0.8)),
    ("broadcast_column", broadcast_column, (_normal(2, 3), _normal(2, 1))),
    ("vector_output", vector_output, (_normal(3), _normal(3))),
    ("matrix_output", matrix_output, (_normal(2, 2), _normal(2))),
    ("if_first_branch", if_elif_else, (np.array([0.9, 0.8, 0.6]), np.array([0.5, -0.2, 0.3]))),
    ("if_elif_branch", if_elif_else, (np.array([0.4, -0.3, 0.2]), np.array([-0.5, -0.2, 0.3]))),
    ("if_else_branch", if_elif_else, (np.array([-0.9, -0.8, -0.6]), np.array([0.5, 0.7, -0.3]))),
    ("cond_expr_true", conditional_expression, (np.array([0.5, 0.3]),)),
    ("cond_expr_false", conditional_expression, (np.array([-0.5, 0.2]),)),
    ("early_return_taken", early_return, (np.array([0.6, 0.1]), np.array([1.2, -0.4]))),
    ("early_return_not_taken", early_return, (np.array([-0.6, 0.1]), np.array([1.2, -0.4]))),
    ("walrus_if_true", walrus_if_test, (np.array([0.9, -0.8, 0.6]),)),
    ("walrus_if_false", walrus_if_test, (np.array([0.3, -0.2, 0.4]),)),
    ("walrus_while_0", walrus_while, (np.array([0.5, -0.3]), 0)),
    ("walrus_while_3", walrus_while, (np.array([0.5, -0.3]), 3)),
    ("walrus_while_stops_on_value", walrus_while, (np.array([1.5, -1.4]), 10)),
    ("walrus_and_true", walrus_short_circuit, (np.array([0.9, -0.7]), 1.0)),
    ("walrus_and_false_or", walrus_short_circuit, (np.array([0.2, -0.3]), 1.0)),
    ("walrus_short_circuited", walrus_short_circuit, (np.array([0.9, -0.7]), -1.0)),
    ("walrus_rebinds_parameter", walrus_rebinds_parameter, (_normal(3),)),
    ("walrus_arguments", walrus_arguments, (np.array([0.4, -0.9, 0.3]),)),
    ("range_loop_0", range_loop, (_normal(3), 0)),
    ("range_loop_4", range_loop, (_normal(3), 4)),
    ("rows_loop", rows_loop, (_normal(4, 3), _normal(3))),
    ("enumerate_loop", enumerate_loop, (_normal(3, 2),)),
    ("zip_loop", zip_loop, (_normal(3, 2), _normal(4, 2))),
    ("while_loop", while_loop, (_normal(3, scale=0.5),)),
    ("while_value_dependent", while_value_dependent, (np.array([0.7, 1.1, 0.9]),)),
    ("break_continue_breaks", break_continue, (np.array([1.5, 1.0]),)),
    ("break_continue_runs_out", break_continue, (np.array([-2.0, -1.0]),)),
    ("loop_with_branch", loop_with_branch, (np.array([0.4, 0.12, -0.08]),)),
    ("nested_loops", nested_loops, (_normal(3, scale=0.5), 3)),
    ("rnn", rnn, (_normal(3, 3, scale=0.5), _normal(4, 3), _normal(3, scale=0.3))),
    ("inplace_writes", inplace_writes, (_normal(4),)),
    ("inplace_overwrite", inplace_overwrite, (_normal(3),)),
    ("list_append", list_append, (_normal(3),)),
    ("list_literal_index", list_literal_index, (_normal(3), _normal(3))),
    ("dict_constant_keys", dict_constant_keys, (_normal(3),)),
    ("dict_read_and_overwrite", dict_read_and_overwrite, (_normal(3), _normal(3))),
    ("list_comprehension", list_comprehension, (_normal(4),)),
    ("dict_get_present", dict_get, (_normal(3), "a")),
    ("dict_get_missing", dict_get, (_normal(3), "z")),
    ("dict_views", dict_views, (_normal(3), _normal(3))),
    ("dict_comprehension", dict_comprehension, (_normal(3),)),
    ("list_tuple_copies", list_tuple_copies, (_normal(3), _normal(3))),
    ("starred_unpacking", starred_unpacking, (_normal(3), _normal(3))),
    ("helper_kwargs", calls_helper_kwargs, (_normal(3),)),
    ("helper_multiple_returns", calls_helper_multiple_returns, (_normal(3), _normal(3))),
    ("helper_in_loop", calls_helper_in_loop, (_normal(2, scale=0.5),)),
    ("differentiable_callee", calls_differentiable, (_normal(3),)),
    ("for_else_breaks", for_else, (np.array([0.9, 0.8, 0.7]), 4)),
    ("for_else_runs_out", for_else, (np.array([0.3, -0.2, 0.1]), 3)),
    ("for_else_no_steps", for_else, (np.array([0.3, -0.2, 0.1]), 0)),
    ("while_else_breaks", while_else, (np.array([0.9, 0.7]), 5)),
    ("while_else_runs_out", while_else, (np.array([0.3, 0.2]), 2)),
    ("nested_for_else_mixed", nested_for_else, (np.array([[0.3, 0.9, 0.2], [0.1, -0.4, 0.5]]),)),
    ("nested_for_else_none_break", nested_for_else, (np.array([[0.3, 0.2], [0.1, -0.4]]),)),
    ("return_inside_for_else_taken", return_inside_for_else, (np.array([0.6, 0.5]), 1.5)),
    ("return_inside_for_else_not_taken", return_inside_for_else, (np.array([0.6, 0.5]), 9.0)),
    ("else_rebinds_carried_breaks", else_rebinds_carried, (np.array([1.5, 2.5]), 6)),
    ("else_rebinds_carried_runs_out", else_rebinds_carried, (np.array([0.5, 0.7]), 3)),
    ("with_errstate", with_errstate, (np.array([0.5, -1.2, 2.0]),)),
    ("try_finally", try_finally, (_normal(3),)),
    ("try_finally_return_taken", try_finally_return, (np.array([0.5, 0.3]),)),
    ("try_finally_return_not_taken", try_finally_return, (np.array([-0.5, 0.3]),)),
    ("global_read", global_read, (_normal(3),)),
]


def is_float_arg(x):
    """The arguments astgrad differentiates: floats and float arrays, never ints."""
    if isinstance(x, np.ndarray):
        return np.issubdtype(x.dtype, np.floating)
    return isinstance(x, float)


def float_positions(args):
    return tuple(i for i, x in enumerate(args) if is_float_arg(x))


def scalar_output(fn, args):
    return np.ndim(fn(*args)) == 0
