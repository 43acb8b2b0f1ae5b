"""The eighty-seventh hunt's programs on NumPy functions writing into an ``out`` array:
given by keyword, by position, through ``**kw`` or a starred tuple, ufunc methods
(``np.add.reduce``, ``accumulate``, ``at``), a ``where=`` mask, ``out`` a view or an
alias of an array read again. Each program is ``f(x, w)`` of a float array ``x`` (4 or 6
items) and a float ``w``; CASES lists them."""
import numpy as np


def op_kw(x, w):
    y = x * 1.0
    np.multiply(y, w, out=y)
    return np.sum(y * x)


def op_pos(x, w):
    y = x * 1.0
    np.multiply(y, w, y)
    return np.sum(y * x)


def op_pos_other(x, w):
    y = np.zeros_like(x)
    np.multiply(x, w, y)
    return np.sum(y * x)


def op_tuple_kw(x, w):
    y = x * 1.0
    np.multiply(y, w, out=(y,))
    return np.sum(y * x)


def op_kwargs(x, w):
    y = x * 1.0
    kw = {"out": y}
    np.multiply(y, w, **kw)
    return np.sum(y * x)


def op_kwargs_display(x, w):
    y = x * 1.0
    np.multiply(y, w, **{"out": y})
    return np.sum(y * x)


def op_starred(x, w):
    y = x * 1.0
    args = (y, w, y)
    np.multiply(*args)
    return np.sum(y * x)


def op_starred_tail(x, w):
    y = x * 1.0
    np.multiply(y, *(w, y))
    return np.sum(y * x)


def op_where(x, w):
    y = x * 1.0
    np.multiply(y, w, out=y, where=x > 0)
    return np.sum(y * x)


def op_where_pos(x, w):
    y = x * 1.0
    np.multiply(y, w, y, where=x > 0)
    return np.sum(y * x)


def op_where_fresh(x, w):
    y = x * 2.0
    np.sin(x * w, out=y, where=x > 0)
    return np.sum(y ** 2)


def op_add_reduce_out(x, w):
    o = np.zeros(())
    np.add.reduce(x * w, 0, None, o)
    return o * 2.0 + np.sum(x)


def op_add_reduce_out_kw(x, w):
    o = np.zeros(())
    np.add.reduce(x * w, out=o)
    return o * 2.0 + np.sum(x)


def op_add_accumulate_pos(x, w):
    o = np.zeros_like(x)
    np.add.accumulate(x * w, 0, None, o)
    return np.sum(o * x)


def op_add_accumulate_kw(x, w):
    o = np.zeros_like(x)
    np.add.accumulate(x * w, out=o)
    return np.sum(o * x)


def op_multiply_accumulate_self(x, w):
    y = x * w
    np.multiply.accumulate(y, out=y)
    return np.sum(y)


def op_add_at(x, w):
    y = x * 1.0
    np.add.at(y, [0, 1, 0], x[:3] * w)
    return np.sum(y ** 2)


def op_multiply_at(x, w):
    y = x * 1.0
    np.multiply.at(y, [0, 2], w)
    return np.sum(y ** 2)


def op_subtract_at_alias(x, w):
    y = x * 1.0
    z = y[1:]
    np.subtract.at(z, [0, 0], w * x[0])
    return np.sum(y ** 2) + np.sum(z)


def op_cumsum_pos(x, w):
    y = np.zeros_like(x)
    np.cumsum(x * w, 0, None, y)
    return np.sum(y * x)


def op_cumsum_kw(x, w):
    y = np.zeros_like(x)
    np.cumsum(x * w, out=y)
    return np.sum(y * x)


def op_sum_out_pos(x, w):
    y = np.zeros(())
    np.sum(x * w, 0, None, y)
    return y * x[0]


def op_clip_out_pos(x, w):
    y = x * w
    np.clip(y, -1.0, 1.0, y)
    return np.sum(y * x)


def op_out_view(x, w):
    y = x * 1.0
    np.multiply(x[:2], w, y[:2])
    return np.sum(y * x)


def op_out_view_kw(x, w):
    y = x * 1.0
    v = y[1:3]
    np.exp(x[:2] * w, out=v)
    return np.sum(y ** 2)


def op_out_alias_list(x, w):
    y = x * 1.0
    held = [y, y]
    np.multiply(held[0], w, held[1])
    return np.sum(y * x) + np.sum(held[0])


def op_out_dict_value(x, w):
    y = x * 1.0
    d = {"a": y}
    np.multiply(d["a"], w, d["a"])
    return np.sum(y * x)


def op_out_asarray(x, w):
    y = x * 1.0
    a = np.asarray(y)
    np.multiply(a, w, a)
    return np.sum(y * x)


def op_out_in_loop(x, w):
    y = x * 1.0
    for _ in range(3):
        np.multiply(y, w, y)
    return np.sum(y * x)


def op_out_add_pos_loop(x, w):
    acc = np.zeros_like(x)
    for k in range(2):
        np.add(acc, x * (w + k), acc)
    return np.sum(acc ** 2)


def op_out_argument(x, w):
    np.multiply(x, w, x)
    return np.sum(x ** 2)


def op_out_kw_argument(x, w):
    np.sin(x, out=x)
    return np.sum(x * w)


def op_out_returned(x, w):
    y = x * 1.0
    z = np.multiply(y, w, y)
    return np.sum(z * x) + np.sum(y)


def op_out_returned_kw_tuple(x, w):
    y = np.empty_like(x)
    z = np.add(x, w, out=(y,))
    return np.sum(z * x)


def op_modf_outs(x, w):
    a = np.empty_like(x)
    b = np.empty_like(x)
    np.modf(x * w, a, b)
    return np.sum(a * x) + np.sum(b)


def op_divmod_out_kw(x, w):
    a = np.empty_like(x)
    b = np.empty_like(x)
    np.divmod(x * w + 5.0, 1.5, out=(a, b))
    return np.sum(a * x) + np.sum(b * x)


def op_matmul_out(x, w):
    m = np.outer(x, x) * w
    o = np.empty_like(x)
    np.matmul(m, x, o)
    return np.sum(o)


def op_dot_out(x, w):
    m = np.outer(x, x) * w
    o = np.empty_like(x)
    np.dot(m, x, o)
    return np.sum(o)


def op_aliased_module(x, w):
    y = x * 1.0
    mul = np.multiply
    mul(y, w, y)
    return np.sum(y * x)


def op_out_none_pos(x, w):
    y = np.multiply(x, w, None)
    return np.sum(y * x)


def op_out_helper(x, w):
    y = x * 1.0
    _scale_into(y, w)
    return np.sum(y * x)


def _scale_into(a, w):
    np.multiply(a, w, a)


def op_out_helper_kwargs(x, w):
    y = x * 1.0
    _apply(np.multiply, y, w, out=y)
    return np.sum(y * x)


def _apply(fn, *args, **kw):
    return fn(*args, **kw)


def op_negative_out_pos(x, w):
    y = x * w
    np.negative(y, y)
    return np.sum(y * x)


def op_out_float32(x, w):
    y = np.zeros(x.shape, dtype=np.float32)
    np.multiply(x, w, y, casting="unsafe")
    return np.sum(y * x)


def op_out_where_kw_cond(x, w):
    y = np.ones_like(x)
    np.add(x, w, out=y, where=np.array([True, False] * (x.size // 2)))
    return np.sum(y * x)


def op_out_2d_row(x, w):
    m = np.stack([x, x * 2.0])
    np.multiply(m[0], w, m[0])
    return np.sum(m ** 2)


def op_out_2d_col(x, w):
    m = np.stack([x, x * 2.0]).T.copy()
    np.add(m[:, 1], w, m[:, 1])
    return np.sum(m ** 2)


def op_add_reduce_out_used(x, w):
    o = np.zeros(())
    r = np.add.reduce(x * w, 0, None, o)
    return r * 2.0 + o


def op_add_reduceat_pos(x, w):
    o = np.zeros(2)
    np.add.reduceat(x * w, [0, 2], 0, None, o)
    return np.sum(o * x[:2])


def op_maximum_accumulate_pos(x, w):
    o = np.zeros_like(x)
    np.maximum.accumulate(x * w, 0, None, o)
    return np.sum(o * x)


def op_add_reduce_keepdims_pos(x, w):
    r = np.add.reduce(x * w, 0, None, None, True)
    return np.sum(r * x)


def op_reduce_through_name(x, w):
    red = np.multiply.reduce
    o = np.ones(())
    red(x * w, 0, None, o)
    return o + np.sum(x)


CASES = [(name, f) for name, f in list(globals().items()) if name.startswith("op_") and callable(f)]
