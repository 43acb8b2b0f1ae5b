"""The eighty-ninth hunt's programs on NumPy's views and memory: ``.T``, reshapes and ravels
in C, F and K order (views or copies as NumPy makes them), ``x.view()``, ``np.asarray``,
``np.array(copy=...)``, ``np.require``, ``astype(copy=False)``, ``.real``, ``np.atleast_2d``,
rows of a 2-D array swapped through views (``a[0], a[1] = a[1], a[0]``: both rows become
``a[1]``, as in NumPy), rows iterated and written, overlapping reads and writes
(``y[1:] += y[:-1]``, ``y[:] = y[::-1]``, ``np.add(y, y[::-1], out=y)``), ``out=``,
``np.copyto``, ``np.put``, ``np.place``, ``np.putmask`` (values taken by position, not
cycled as ``place`` does), ``ufunc.at`` and ``reduceat``, 0-d arrays written by
``a[()] =``. Each program is ``f(x, w)`` of a float array ``x`` (4 or 6 items) and a float
``w``."""
import numpy as np


def vw_transpose_write(x, w):
    a = x.reshape(2, -1)
    b = a.T
    b[0] = b[0] * w
    return np.sum(a * x.reshape(2, -1))


def vw_reshape_F(x, w):
    a = x.reshape(2, -1, order="F")
    return np.sum(a[0] * w) + np.sum(a[:, 1] ** 2)


def vw_ravel_F(x, w):
    a = x.reshape(2, -1)
    r = np.ravel(a, order="F")
    return np.sum(r * np.arange(x.size) * w)


def vw_ravel_write(x, w):
    a = (x * 1.0).reshape(2, -1)
    r = a.ravel()
    r[1] = w
    return np.sum(a * a)


def vw_step_slice_write(x, w):
    y = x * 1.0
    v = y[::2]
    v *= w
    return np.sum(y ** 2)


def vw_newaxis(x, w):
    return np.sum(x[..., None] * x[None, :] * w)


def vw_broadcast_to(x, w):
    b = np.broadcast_to(x, (3, x.size))
    return np.sum(b * w * np.arange(3)[:, None])


def vw_sliding(x, w):
    s = np.lib.stride_tricks.sliding_window_view(x, 3)
    return np.sum(s.prod(axis=1) * w)


def vw_view(x, w):
    y = x * 1.0
    v = y.view()
    v[1] = w * v[1]
    return np.sum(y * x)


def vw_out_arg(x, w):
    y = np.empty_like(x)
    np.multiply(x, w, out=y)
    return np.sum(y * x)


def vw_out_arg_into_x(x, w):
    y = x * 1.0
    np.multiply(y, w, out=y)
    return np.sum(y * x)


def vw_copyto(x, w):
    y = np.zeros_like(x)
    np.copyto(y, x * w)
    return np.sum(y * x)


def vw_copyto_where(x, w):
    y = x * 1.0
    np.copyto(y, w, where=x > 0)
    return np.sum(y * x)


def vw_put(x, w):
    y = x * 1.0
    np.put(y, [0, 2], [w, w * w])
    return np.sum(y * x)


def vw_place(x, w):
    y = x * 1.0
    np.place(y, x > 0, [w])
    return np.sum(y * x)


def vw_flat_set(x, w):
    y = x.reshape(2, -1) * 1.0
    y.flat[1] = w
    return np.sum(y ** 2)


def vw_flat_read(x, w):
    y = x.reshape(2, -1)
    return np.sum(y.flat[[0, 3]] * w)


def vw_flatten_F(x, w):
    y = x.reshape(2, -1)
    return np.sum(y.flatten("F") * np.arange(x.size) * w)


def vw_swapaxes_write(x, w):
    y = x.reshape(2, -1) * 1.0
    s = np.swapaxes(y, 0, 1)
    s[1, 0] = w
    return np.sum(y * y)


def vw_diagonal(x, w):
    y = x[:4].reshape(2, 2)
    return np.sum(np.diagonal(y) * w) + np.trace(y, offset=1)


def al_overlap_iadd(x, w):
    y = x * w
    y[1:] += y[:-1]
    return np.sum(y ** 2)


def al_overlap_set(x, w):
    y = x * w
    y[1:] = y[:-1]
    return np.sum(y * x)


def al_overlap_imul(x, w):
    y = x * w
    y[:-1] *= y[1:]
    return np.sum(y)


def al_add_out_overlap(x, w):
    y = x * w
    np.add(y[1:], y[:-1], out=y[1:])
    return np.sum(y ** 2)


def al_cumsum_out_self(x, w):
    y = x * w
    np.cumsum(y, out=y)
    return np.sum(y ** 2)


def al_iadd_transpose(x, w):
    a = np.outer(x[:3], x[1:4]) * w
    a += a.T
    return np.sum(a * np.arange(9).reshape(3, 3))


def al_T_alias_iadd(x, w):
    a = np.outer(x[:3], x[1:4]) * w
    b = a.T
    b += a
    return np.sum(a * np.arange(9).reshape(3, 3))


def al_row_swap_views(x, w):
    a = x.reshape(2, -1) * w
    a[0], a[1] = a[1], a[0]
    return np.sum(a * np.arange(x.size).reshape(2, -1))


def al_row_swap_temp_view(x, w):
    a = x.reshape(2, -1) * w
    r = a[0]
    a[0] = a[1]
    a[1] = r
    return np.sum(a * np.arange(x.size).reshape(2, -1))


def al_row_swap_copy(x, w):
    a = x.reshape(2, -1) * w
    a[0], a[1] = a[1].copy(), a[0].copy()
    return np.sum(a * np.arange(x.size).reshape(2, -1))


def al_row_swap_1d(x, w):
    y = x * w
    y[0], y[1] = y[1], y[0]
    return np.sum(y * np.arange(x.size))


def al_fancy_swap(x, w):
    a = x.reshape(2, -1) * w
    a[[0, 1]] = a[[1, 0]]
    return np.sum(a * np.arange(x.size).reshape(2, -1))


def al_row_view_imul(x, w):
    a = x.reshape(2, -1) * 1.0
    row = a[0]
    row *= w
    return np.sum(a * x.reshape(2, -1))


def al_col_read_after_write(x, w):
    a = x.reshape(2, -1) * 1.0
    b = a[:, 0]
    a[0, 0] = w
    return np.sum(b * b)


def al_reshape_view_write(x, w):
    a = x.reshape(2, -1) * 1.0
    b = a.reshape(-1)
    a[0, 1] = w
    return np.sum(b * x)


def al_T_reshape_copy(x, w):
    a = x.reshape(2, -1) * 1.0
    b = a.T.reshape(-1)
    b[0] = w
    return np.sum(a * x.reshape(2, -1)) + np.sum(b)


def al_ravel_view(x, w):
    a = x.reshape(2, -1) * 1.0
    b = a.ravel()
    a[1, 0] = w
    return np.sum(b * x)


def al_flatten_copy(x, w):
    a = x.reshape(2, -1) * 1.0
    b = a.flatten()
    a[1, 0] = w
    return np.sum(b * x) + np.sum(a)


def al_slice_vs_fancy(x, w):
    y = x * 1.0
    a = y[0:2]
    b = y[[0, 1]]
    y[0] = w
    return np.sum(a * b)


def al_ascontiguous_T(x, w):
    a = x.reshape(2, -1) * 1.0
    b = np.ascontiguousarray(a.T)
    b[0, 0] = w
    return np.sum(a) + np.sum(b * b)


def al_ascontiguous_view(x, w):
    a = x.reshape(2, -1) * 1.0
    b = np.ascontiguousarray(a)
    b[0, 0] = w
    return np.sum(a * a)


def al_astype_copy_false(x, w):
    y = x * 1.0
    b = y.astype(float, copy=False)
    b[0] = w
    return np.sum(y * x)


def al_astype_copy(x, w):
    y = x * 1.0
    b = y.astype(float)
    b[0] = w
    return np.sum(y * x) + np.sum(b)


def al_real_view_write(x, w):
    y = x * 1.0
    y.real[0] = w
    return np.sum(y * x)


def al_np_real_view(x, w):
    y = x * 1.0
    r = np.real(y)
    r[1] = w
    return np.sum(y * x)


def al_squeeze_view(x, w):
    y = (x * 1.0)[None, :]
    s = y.squeeze()
    s[0] = w
    return np.sum(y * x)


def al_none_view(x, w):
    y = x * 1.0
    s = y[None]
    s[0, 1] = w
    return np.sum(y * x)


def al_atleast_view(x, w):
    y = x * 1.0
    s = np.atleast_2d(y)
    s[0, 1] = w
    return np.sum(y * x)


def al_expand_dims_view(x, w):
    y = x * 1.0
    s = np.expand_dims(y, 0)
    s[0, 1] = w
    return np.sum(y * x)


def al_transpose_fn_view(x, w):
    a = x.reshape(2, -1) * 1.0
    t = np.transpose(a)
    t[1, 0] = w
    return np.sum(a * x.reshape(2, -1))


def al_moveaxis_view(x, w):
    a = x.reshape(2, -1) * 1.0
    t = np.moveaxis(a, 0, 1)
    t[1, 0] = w
    return np.sum(a * x.reshape(2, -1))


def al_view_shape_set(x, w):
    y = x * 1.0
    v = y.view()
    v.shape = (2, -1)
    v[0, 0] = w
    return np.sum(y * x)


def al_require(x, w):
    y = x * 1.0
    v = np.require(y)
    v[0] = w
    return np.sum(y * x)


def al_asanyarray(x, w):
    y = x * 1.0
    v = np.asanyarray(y)
    v[0] = w
    return np.sum(y * x)


def al_array_copy_false_local(x, w):
    y = x * 1.0
    v = np.array(y, copy=False)
    v[0] = w
    return np.sum(y * x)


def al_array_copy_none(x, w):
    y = x * 1.0
    v = np.array(y, copy=None)
    v[0] = w
    return np.sum(y * x)


def al_ravel_F_copy(x, w):
    a = x.reshape(2, -1) * 1.0
    r = a.ravel(order="F")
    r[0] = w
    r[1] = w * 2.0
    return np.sum(a * x.reshape(2, -1)) + np.sum(r)


def al_reshape_F_copy_write(x, w):
    a = x * 1.0
    b = a.reshape(2, -1, order="F")
    b[0, 0] = w
    return np.sum(a * x) + np.sum(b)


def al_list_of_rows(x, w):
    a = x.reshape(2, -1) * 1.0
    rows = list(a)
    rows[0] *= w
    return np.sum(a * x.reshape(2, -1))


def al_for_rows_imul(x, w):
    a = x.reshape(2, -1) * 1.0
    for r in a:
        r *= w
    return np.sum(a * x.reshape(2, -1))


def al_for_rows_setitem(x, w):
    a = x.reshape(2, -1) * 1.0
    for r in a:
        r[0] = w
    return np.sum(a * x.reshape(2, -1))


def al_zip_rows(x, w):
    a = x.reshape(2, -1) * 1.0
    b = x.reshape(2, -1) * 2.0
    for r, s in zip(a, b):
        r += s * w
    return np.sum(a * x.reshape(2, -1))


def al_enumerate_rows(x, w):
    a = x.reshape(2, -1) * 1.0
    for i, r in enumerate(a):
        r[:] = r * (w + i)
    return np.sum(a ** 2)


def al_diag_fill(x, w):
    a = np.outer(x[:3], x[:3])
    np.fill_diagonal(a, w)
    return np.sum(a * np.arange(9).reshape(3, 3))


def al_unpack_rows(x, w):
    a = x.reshape(2, -1) * 1.0
    r0, r1 = a
    r0 *= w
    return np.sum(a * x.reshape(2, -1))


def al_tuple_of_views(x, w):
    a = x * 1.0
    parts = np.split(a, 2)
    parts[0][0] = w
    return np.sum(a * x)


def al_hsplit_view_write(x, w):
    a = x.reshape(2, -1) * 1.0
    l, r = np.array_split(a, 2, axis=0)
    r *= w
    return np.sum(a * x.reshape(2, -1))


def ov_reverse_set(x, w):
    y = x * w
    y[:] = y[::-1]
    return np.sum(y * np.arange(x.size))


def ov_reverse_iadd(x, w):
    y = x * w
    y[::-1] += y
    return np.sum(y * np.arange(x.size))


def ov_iadd_reversed(x, w):
    y = x * w
    y += y[::-1]
    return np.sum(y * np.arange(x.size) * y)


def ov_negative_out_reversed(x, w):
    y = x * w
    np.negative(y, out=y[::-1])
    return np.sum(y * np.arange(x.size))


def ov_add_out_self_reversed(x, w):
    y = x * w
    np.add(y, y[::-1], out=y)
    return np.sum(y * np.arange(x.size) * y)


def ov_copyto_reversed(x, w):
    y = x * w
    np.copyto(y, y[::-1])
    return np.sum(y * np.arange(x.size))


def ov_put_swapped(x, w):
    y = x * w
    np.put(y, [0, 1], y[[1, 0]])
    return np.sum(y * np.arange(x.size))


def ov_put_repeat_last_wins(x, w):
    y = x * 1.0
    y.put([0, 0], [w, 2.0 * w * x[1]])
    return np.sum(y * x)


def ov_place_cycle(x, w):
    y = x * 1.0
    np.place(y, x > -5.0, [w, 2.0 * w])
    return np.sum(y * x)


def ov_putmask_positional(x, w):
    y = x * 1.0
    np.putmask(y, x > 0, [w, 2.0 * w, 3.0 * w])
    return np.sum(y * x)


def ov_putmask_full(x, w):
    y = x * 1.0
    np.putmask(y, x < 0, x * w)
    return np.sum(y * x)


def ov_copyto_where_bcast(x, w):
    y = x.reshape(2, -1) * 1.0
    np.copyto(y, x[:x.size // 2] * w, where=np.array([[True], [False]]))
    return np.sum(y * x.reshape(2, -1))


def ov_add_at_2d(x, w):
    y = np.zeros((2, 2))
    np.add.at(y, ([0, 0, 1], [1, 1, 0]), x[:3] * w)
    return np.sum(y * y)


def ov_subtract_at(x, w):
    y = x * 1.0
    np.subtract.at(y, [0, 0, 2], x[1:4] * w)
    return np.sum(y * y)


def ov_maximum_at(x, w):
    y = x * 1.0
    np.maximum.at(y, [0, 0, 2], x[1:4] * w)
    return np.sum(y * y)


def ov_divide_at(x, w):
    y = x * 1.0
    np.divide.at(y, [1, 1], w + 1.0)
    return np.sum(y * y)


def ov_reduceat(x, w):
    return np.sum(np.add.reduceat(x * w, [0, 2, 3]) ** 2)


def ov_max_reduceat(x, w):
    return np.sum(np.maximum.reduceat(x, [0, 2]) * w)


def ov_reduce_axis_none(x, w):
    return np.add.reduce(x.reshape(2, -1), axis=None) * w + np.multiply.reduce(x.reshape(2, -1), axis=0, keepdims=True).sum()


def ov_min_accumulate(x, w):
    return np.sum(np.minimum.accumulate(x * w) ** 2)


def ov_multiply_outer(x, w):
    return np.sum(np.multiply.outer(x, x[:2] * w) ** 2)


def ov_zero_d_iadd(x, w):
    a = np.array(w)
    a += x[0]
    a *= x[1]
    return float(a) + np.sum(x)


def ov_zero_d_setitem(x, w):
    a = np.array(0.0)
    a[()] = x[0] * w
    return a * x[1]


def ov_ellipsis_set(x, w):
    y = np.empty_like(x)
    y[...] = x * w
    return np.sum(y * x)


def ov_scalar_index_empty_tuple(x, w):
    s = x[2]
    return s[()] * w + x[0]


def ov_setitem_broadcast_row(x, w):
    a = x.reshape(2, -1) * 1.0
    a[:] = a[0] * w
    return np.sum(a * x.reshape(2, -1))


def ov_iadd_row_into_all(x, w):
    a = x.reshape(2, -1) * 1.0
    a += a[0] * w
    return np.sum(a * x.reshape(2, -1))


def ov_imul_row_self(x, w):
    a = x.reshape(2, -1) * 1.0
    a[1] *= a[1]
    a[0] -= a[1] * w
    return np.sum(a ** 2)


def ov_chain_assign(x, w):
    y = x * 1.0
    z = y[1:3] = x[:2] * w
    return np.sum(y * x) + np.sum(z)


def ov_tuple_target_with_view(x, w):
    y = x * 1.0
    a, y[0] = y[0], w
    return a * w + np.sum(y * x)


def ov_swap_elements_fancy_aug(x, w):
    y = x * 1.0
    y[[0, 1, 0]] *= w
    return np.sum(y * x)


def ov_setitem_neg_step_slice(x, w):
    y = x * 1.0
    y[-1:0:-2] = w * x[:x.size // 2]
    return np.sum(y * x)


def ov_setitem_from_self_fancy(x, w):
    y = x * w
    y[1:] = y[[0] * (x.size - 1)]
    return np.sum(y * x)


def ov_mask_setitem_from_self(x, w):
    y = x * w
    y[y > 0] = y[y < 0].sum()
    return np.sum(y * x)


def ov_where_inplace_out(x, w):
    y = x * 1.0
    np.multiply(y, w, out=y, where=x > 0)
    return np.sum(y * x)


def ko_method(x, w):
    a = x.reshape(2, -1) * 1.0
    y = a.copy()
    return np.sum(y.ravel(order="K") * np.arange(x.size)) * w


def ko_of_transpose(x, w):
    a = x.reshape(2, -1)
    t = a.T
    return np.sum(t.ravel(order="K") * np.arange(x.size) * w)


def ko_function_pos(x, w):
    a = x.reshape(2, -1)
    t = a.T
    return np.sum(np.ravel(t, "K") * np.arange(x.size) * w)


def ko_flatten(x, w):
    a = x.reshape(2, -1)
    t = a.T
    return np.sum(t.flatten("K") * np.arange(x.size) * w)


def ko_3d(x, w):
    a = x.reshape(1, 2, -1)
    t = a.transpose(1, 2, 0)
    b = np.concatenate([t, t * w], axis=2)
    c = b.transpose(2, 0, 1)
    return np.sum(c.ravel(order="K") * np.arange(2 * x.size))


def ko_reversed(x, w):
    r = x[::-1]
    return np.sum(r.ravel(order="K") * np.arange(x.size) * w)


def ko_write_view(x, w):
    a = x.reshape(2, -1) * 1.0
    t = a.T
    r = t.ravel(order="K")
    r[0] = w
    return np.sum(a * x.reshape(2, -1))


def ko_of_computed(x, w):
    return np.sum((x.reshape(2, -1) * w).T.ravel(order="K") * np.arange(x.size))


CASES = [(name, f) for name, f in list(globals().items())
         if name.startswith(('vw_', 'al_', 'ov_', 'ko_')) and callable(f)]
