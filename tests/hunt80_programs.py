"""The eightieth hunt's programs, written as an outside user would, mixing what the random
campaigns mix less: in-place writes into views inside loops left by ``break`` or
``continue``, helpers writing into their argument called twice with the same array,
``np.where`` with a 0-d condition, int and float32 arrays mixed with float64, ``.real``,
``np.float64`` scalars through ``.item()``, closures capturing a loop variable, reshapes of
an expression written through, overlapping writes, masks and repeated fancy indices.
Each program is ``f(x, w)`` of a float array ``x`` and a float ``w``; CASES lists those
astgrad follows, REFUSED those it refuses (the line's offset in the function, what the
refusal says)."""

import numpy as np

A23 = np.array([[1.3, 0.3, -0.2], [0.1, 0.9, 0.4]])


def view_write_loop_break(x, w):
    y = x * 1.0
    v = y[1:]
    for i in range(len(v)):
        v[i] *= w
        if v[i] > 1.0:
            break
    return np.sum(y ** 2)


def view_write_loop_break_else(x, w):
    y = x * 1.0
    v = y[::2]
    for i in range(v.shape[0]):
        if i == 2:
            break
        v[i] += w * y[-1]
    else:
        v[0] = 0.0
    return np.sum(np.sin(y))


def _scale_into(a, w):
    a *= w
    a[0] += 1.0


def helper_writes_twice_same(x, w):
    y = x * 1.0
    _scale_into(y, w)
    _scale_into(y, w)
    return np.sum(y * x)


def _add_into(a, b):
    a += b


def helper_writes_same_array_twice_args(x, w):
    y = x * w
    _add_into(y, y[::-1].copy())
    return np.sum(y ** 2)


def where_0d_condition(x, w):
    c = np.array(w > 0.5)
    return np.sum(np.where(c, x * w, x ** 2))


def where_0d_condition_from_sum(x, w):
    c = np.sum(x) > 0.0
    return np.sum(np.where(c, np.sin(x) * w, np.cos(x)))


def int_array_mixed(x, w):
    k = np.arange(x.size)
    m = np.array([1, 2, 3, 4, 5, 6][: x.size], dtype=np.int32)
    return np.sum(x * k + m * w * x)


def float32_mixed(x, w):
    s = np.ones(x.shape, dtype=np.float32) * np.float32(0.5)
    return np.sum(x * s + w * x.astype(np.float64) ** 2)


def item_scalar(x, w):
    a = np.float64(x[0] * w).item()
    b = (x[1] ** 2).item()
    return a * b + np.sum(x) * w


def item_in_loop(x, w):
    s = 0.0
    for i in range(x.size):
        s += (x[i] * w).item() ** 2
    return s


def closures_loop_var(x, w):
    fs = []
    for i in range(3):
        fs.append(lambda v, i=i: v[i] * w)
    return sum(f(x) for f in fs) * x[0]


def closures_late_binding(x, w):
    fs = [lambda v: v[i] * w for i in range(3)]
    return sum(f(x) for f in fs)


SCALE = 2.0


def global_read(x, w):
    return np.sum(x * SCALE) * w


def argnums_tuple(x, w):
    return np.sum(np.tanh(x * w)) * w


def matrix_vector_broadcast(x, w):
    return np.tanh(x[:, None] * A23.T[:x.size % 3 + 1].sum(axis=0)) .sum() * w


def view_diag_write(x, w):
    y = np.outer(x, x) * 1.0
    d = np.einsum("ii->i", y)
    return np.sum(d) * w + np.sum(y)


def nested_view_break_while(x, w):
    y = x.copy()
    i = 0
    while True:
        y[i:i + 2] *= w
        i += 1
        if i >= y.size - 1:
            break
    return np.sum(y ** 2)


def augassign_scalar_item(x, w):
    y = x * 1.0
    y[0] += y[1] * w
    y[1] -= y[0]
    y[2] *= y[1]
    return np.sum(y)


def swap_items(x, w):
    y = x * w
    y[0], y[1] = y[1], y[0]
    return np.sum(y * np.arange(y.size))


def swap_items_views(x, w):
    y = x * w
    y[:2], y[2:4] = y[2:4].copy(), y[:2].copy()
    return np.sum(y * np.arange(y.size))


def swap_items_views_no_copy(x, w):
    y = x * w
    y[:2], y[2:4] = y[2:4], y[:2]
    return np.sum(y * np.arange(y.size))


def max_of_items(x, w):
    return max(x[0] * w, x[1], x[2] * x[3]) + min(float(x[0]), w)


def np_float64_scalar_ops(x, w):
    s = np.float64(w)
    t = s * x[0] + np.float64(1.5)
    return float(t) ** 2 + np.sum(x) * s


def int_exponent(x, w):
    n = len(x)
    return np.sum(x ** n) * w ** 2


def cumsum_write(x, w):
    y = np.cumsum(x)
    y[1:] -= y[:-1] * w
    return np.sum(y ** 2)


def overlapping_inplace(x, w):
    y = x * 1.0
    y[1:] += y[:-1] * w
    return np.sum(y ** 2)


def overlapping_inplace_neg(x, w):
    y = x * 1.0
    y[:-1] += y[1:] * w
    return np.sum(y ** 2)


def dict_of_arrays_loop(x, w):
    d = {"a": x * 1.0, "b": x * w}
    for k in ("a", "b", "a"):
        d[k] = d[k] * w + x
    return np.sum(d["a"] * d["b"])


def list_of_views(x, w):
    y = x * 1.0
    parts = [y[:2], y[2:]]
    for p in parts:
        p *= w
    return np.sum(y ** 2)


def reversed_view_write(x, w):
    y = x * 1.0
    r = y[::-1]
    r[0] = w * r[1]
    return np.sum(y * x)


def reshape_minus1(x, w):
    y = (x * w).reshape(2, -1)
    y[0] += 1.0
    return np.sum(y ** 3)


def boolean_mask_write(x, w):
    y = x * 1.0
    y[y > 0.5] *= w
    return np.sum(y ** 2)


def fancy_index_repeat(x, w):
    idx = np.array([0, 0, 1])
    y = x * 1.0
    y[idx] += w
    return np.sum(y ** 2)


def add_at_repeat(x, w):
    y = x * 1.0
    np.add.at(y, [0, 0, 1], w * x[2])
    return np.sum(y ** 2)


def zero_d_array_arg(x, w):
    a = np.array(w)
    a = a * x[0]
    return float(a) + np.sum(x) * a


def sum_keepdims_broadcast(x, w):
    y = x.reshape(2, -1)
    return np.sum(y / y.sum(axis=1, keepdims=True) * w)


def norm_and_maximum(x, w):
    return np.linalg.norm(x) * w + np.maximum(x, w).sum()


def tuple_unpack_shape(x, w):
    n, = x.shape
    y = np.zeros(n)
    y[:] = x * w
    return np.sum(y ** 2)


def np_zeros_like_write(x, w):
    y = np.zeros_like(x)
    y[0] = w
    y[1:] = x[1:] * w
    return np.sum(y ** 2)


def float_cast_branch(x, w):
    if float(x[0]) > 0:
        return float(np.sum(x * w))
    return float(np.sum(x)) * w


def copy_then_view(x, w):
    y = x.copy()
    z = y
    z[0] = w
    return np.sum(y * x)


def int_div_mix(x, w):
    k = len(x) // 2
    return np.sum(x[:k] * w / 2 + x[k:] // 1 * 0 + x[k:] * (k / 3))


def prod_and_astype(x, w):
    return np.prod(x.astype(np.float32).astype(np.float64) * 0 + x) * w


def power_scalar_array(x, w):
    return np.sum(w ** x)


def stack_and_write(x, w):
    y = np.stack([x, x * w])
    y[1, 0] = y[0, -1]
    return np.sum(y ** 2)


def inplace_on_alias_of_arg(x, w):
    y = x
    y = y * w
    y += x
    return np.sum(y ** 2)


def method_chain_T(x, w):
    m = np.outer(x, x)
    m.T[0] *= w
    return np.sum(m)


def reshape_of_expression_written_through_T(x, w):
    y = (x * w).reshape(2, -1)
    z = y.T
    z[0] *= w
    return np.sum(np.sin(y))


def ravel_of_expression_written(x, w):
    y = np.ravel(np.outer(x, x[:2]) * w)
    y[::3] = 0.5 * y[::3]
    return np.sum(y ** 2)


def view_written_in_loop_with_continue(x, w):
    y = x * 1.0
    v = y[1:-1]
    for i in range(v.size):
        if i % 2:
            continue
        v[i] = v[i] * w + y[0]
    return np.sum(y ** 3)


def two_views_overlap_write(x, w):
    y = x * 1.0
    a = y[:-1]
    b = y[1:]
    a += b * w
    return np.sum(y ** 2) + np.sum(b)


def helper_writes_view_arg(x, w):
    y = x * 1.0
    _scale_into(y[1:], w)
    return np.sum(y ** 2)


def helper_writes_view_twice_overlapping(x, w):
    y = x * 1.0
    _scale_into(y[:3], w)
    _scale_into(y[1:], w)
    return np.sum(np.cos(y))


def while_view_write_break_on_value(x, w):
    y = x * 1.0
    i = 0
    while i < y.size:
        y[i:] *= w
        if np.sum(y) > 3.0:
            break
        i += 1
    return np.sum(y ** 2)


def where_scalar_everything(x, w):
    s = np.where(w > 0, w, -w)
    return np.sum(x * s) + float(np.where(x[0] > 0, x[0], 0.0))


def where_0d_broadcast_write(x, w):
    y = x * 1.0
    y[:] = np.where(np.bool_(True), y * w, y)
    return np.sum(y ** 2)


def int_index_from_float(x, w):
    k = int(abs(x[0]) * 2) % x.size
    return x[k] * w + np.sum(x[:k + 1])


def sorted_items_python(x, w):
    vals = sorted([x[0] * w, x[1], x[2] + w])
    return vals[0] * vals[-1] + vals[1]


def np_float64_accumulate(x, w):
    acc = np.float64(0.0)
    for v in x:
        acc += v * w
    return acc * acc.item()


def real_of_float64_scalar(x, w):
    s = np.float64(w).real * x.real
    return np.sum(s ** 2) + (x[0].real * w)


def argument_view_inplace_copy(x, w):
    y = x.copy()
    v = y.reshape(-1)
    v[-1] = v[0] * w
    return np.sum(y * x)


def list_comprehension_views(x, w):
    y = x * 1.0
    rows = [y[i:i + 2] for i in range(0, y.size, 2)]
    total = 0.0
    for r in rows:
        total = total + np.sum(r * w)
    return total


def enumerate_write_back(x, w):
    y = x * 1.0
    for i, v in enumerate(y):
        y[i] = v * w + (y[i - 1] if i else 0.0)
    return np.sum(y ** 2)


def zip_two_views(x, w):
    y = x * 1.0
    s = 0.0
    for a, b in zip(y[:-1], y[1:]):
        s = s + a * b * w
    return s


def min_max_clip_mixed(x, w):
    return np.sum(np.clip(x * w, -1.0, 1.0)) + np.max(x) * np.min(x * w)


def cumprod_flip(x, w):
    return np.sum(np.cumprod(np.flip(x) * w))


def linalg_solve_small(x, w):
    n = x.size
    A = np.eye(n) * (2.0 + w) + np.outer(x, x) * 0.1
    return np.sum(np.linalg.solve(A, x))


def dot_int_and_float(x, w):
    k = np.arange(1, x.size + 1)
    return k @ (x * w) + np.dot(k, x ** 2)


def rows_loop_inplace(x, w):
    M = x.reshape(2, -1) * 1.0
    for row in M:
        row *= w
    return np.sum(M ** 2)


def rows_enumerate_continue(x, w):
    M = np.outer(x, x[:2]) * 1.0
    for i, row in enumerate(M):
        if i % 2:
            continue
        row[:] = row * w + i
    return np.sum(M ** 2)


def columns_loop_write(x, w):
    M = np.outer(x, x[:3]) * 1.0
    for col in M.T:
        col[1] += w
    return np.sum(M ** 2)


def rows_by_index_inplace(x, w):
    # the loop rows_loop_inplace's refusal advises
    M = x.reshape(2, -1) * 1.0
    for i in range(len(M)):
        row = M[i]
        row *= w
    return np.sum(M ** 2)


def rows_by_index_continue(x, w):
    M = np.outer(x, x[:2]) * 1.0
    for i in range(len(M)):
        row = M[i]
        if i % 2:
            continue
        row[:] = row * w + i
    return np.sum(M ** 2)


def columns_by_index_write(x, w):
    M = np.outer(x, x[:3]) * 1.0
    for i in range(len(M.T)):
        col = M.T[i]
        col[1] += w
    return np.sum(M ** 2)


def rows_by_index_break(x, w):
    M = x.reshape(2, -1) * 1.0
    for i in range(len(M)):
        row = M[i]
        row[0] = row[-1] * w
        if row[0] > 0:
            break
    return np.sum(np.sin(M))


def argument_stored_into_a_reshape_of_an_expression(x, w):
    # raised when the code ran: the check taking w for an array of numbers refused a float
    z = (x * w).T.reshape(-1)
    z[2] = w
    return np.sum(z ** 2) + np.sum(x)


def list_extended_read_by_shape(x, w):
    # numpy.shape(b) reads the length of the list a += [...] extends in place (b is a):
    # only in a derivative differentiated again is numpy.shape(t) no read of t's values
    a = [x * w, x]
    b = a
    a += [x ** 2]
    n = np.ndim(b) + np.shape(b)[0]
    return np.sum(np.stack(a)) * n


def _programs():
    return {n: f for n, f in globals().items() if callable(f) and not n.startswith("_")
            and getattr(f, "__module__", None) == __name__ and n != "np"}


# program -> (the function holding the refused line, the line's offset from its def, words of
# the refusal, the error: a TransformError when astgrad reads the code, a TypeError when the
# code runs and finds an array where a number is followed); a helper writing into a view it
# is given is refused at the helper's line, naming its parameter
REFUSED = {
    "list_of_views": ("list_of_views", 4, r"augmented assignment .* on 'p', an item of the list", "TypeError"),
    # a row the loop binds, written: the refusal says to loop over indices (rows_by_index_*)
    "rows_loop_inplace": ("rows_loop_inplace", 3, r".* on 'row' .* 'row' is an item of M, which the loop goes over: "
                          r".*\(for i in range\(len\(M\)\): row = M\[i\]\)", "TransformError"),
    "rows_enumerate_continue": ("rows_enumerate_continue", 5, r".* 'row' is an item of M, which the loop goes over",
                                "TransformError"),
    "columns_loop_write": ("columns_loop_write", 3, r".* 'col' is an item of M\.T, .*\(for i in range\(len\(M\.T\)\): "
                           r"col = M\.T\[i\]\)", "TransformError"),
}
CASES = [(n, f) for n, f in _programs().items() if n not in REFUSED]
