"""The eighty-ninth hunt's programs on NumPy's indexing and shape functions: repeated fancy
indices read and written (``y[[0, 0, 1]] += v``), boolean masks, ``np.ix_``, negative
indices, ``take`` with ``mode="wrap"``/``"clip"``, ``take_along_axis``/``put_along_axis``,
one-argument ``np.where``, ``compress``, ``extract``, ``choose``, ``select``; arguments given
by position (``np.sum(a, 0)``, ``np.diff(x, 1, -1, w)``, ``np.trace(a, 1)``,
``np.reshape(x, s, "F")``), ``repeat``, ``resize``, ``tile``, ``pad``, ``flip``, ``rot90``,
``split``, ``insert``, ``delete``, ``meshgrid``, ``unique``, ``partition``, ``block``,
``vander``. Each program is ``f(x, w)`` of a float array ``x`` (4 or 6 items) and a float
``w``."""
import numpy as np


def fi_repeated_iadd(x, w):
    y = x * 1.0
    y[[0, 0, 1]] += w * x[:3]
    return np.sum(y ** 2)


def fi_repeated_set(x, w):
    y = x * 1.0
    y[[0, 0, 1]] = w * x[:3]
    return np.sum(y ** 2)


def fi_add_at(x, w):
    y = np.zeros(3)
    np.add.at(y, [0, 0, 2, 1], x[:4] * w)
    return np.sum(y ** 2)


def fi_multiply_at(x, w):
    y = x * 1.0
    np.multiply.at(y, [0, 0, 1], w)
    return np.sum(y ** 2)


def fi_bool_mask_read(x, w):
    return np.sum(x[x > 0] ** 2 * w)


def fi_bool_mask_write(x, w):
    y = x * 1.0
    y[y < 0] = w * 2.0
    return np.sum(y * x)


def fi_bool_mask_iadd(x, w):
    y = x * 1.0
    y[x > 0] *= w
    return np.sum(y * x)


def fi_ix(x, w):
    a = x.reshape(2, -1)
    return np.sum(a[np.ix_([1, 0], [0, 0, 1])] * w)


def fi_negative_idx(x, w):
    return np.sum(x[[-1, -1, 0]] * w * x[[0, 1, -2]])


def fi_neg_write(x, w):
    y = x * 1.0
    y[[-1, 3]] = [w, w * 2]
    return np.sum(y * x)


def fi_take_wrap(x, w):
    return np.sum(np.take(x, [0, 7, -9], mode="wrap") * w)


def fi_take_clip(x, w):
    return np.sum(np.take(x, [0, 10, -3], mode="clip") * w * x[0])


def fi_take_along(x, w):
    a = x.reshape(2, -1)
    i = np.argsort(a, axis=1)
    return np.sum(np.take_along_axis(a, i, axis=1) * np.arange(a.shape[1]) * w)


def fi_put_along(x, w):
    a = x.reshape(2, -1) * 1.0
    np.put_along_axis(a, np.array([[0], [1]]), w, axis=1)
    return np.sum(a * a)


def fi_where_one_arg(x, w):
    (i,) = np.where(x > 0)
    return np.sum(x[i] * w)


def fi_nonzero(x, w):
    return np.sum(x[np.nonzero(x < 0)] ** 2 * w)


def fi_2d_fancy_write(x, w):
    a = x.reshape(2, -1) * 1.0
    a[[0, 1, 0], [1, 0, 1]] = w
    return np.sum(a * a)


def fi_fancy_subtract(x, w):
    y = x * 1.0
    y[[1, 1]] -= x[:2] * w
    return np.sum(y ** 2)


def fi_compress(x, w):
    return np.sum(np.compress(x > 0, x) * w)


def fi_extract(x, w):
    return np.sum(np.extract(x > 0, x) ** 2 * w)


def fi_choose(x, w):
    return np.sum(np.choose([0, 1, 0, 1], [x[:4], x[:4] * w]))


def fi_select(x, w):
    return np.sum(np.select([x > 1, x < 0], [x * w, x ** 2], default=w))


def ps_sum_axis_pos(x, w):
    return np.sum(np.sum(x.reshape(2, -1), 0) ** 2 * w)


def ps_cumsum_axis_pos(x, w):
    return np.sum(np.cumsum(x.reshape(2, -1), 1) ** 2 * w)


def ps_diff_n_pos(x, w):
    return np.sum(np.diff(x, 2) ** 2 * w)


def ps_diff_prepend_pos(x, w):
    return np.sum(np.diff(x, 1, -1, w) ** 2)


def ps_trace_pos(x, w):
    a = x.reshape(2, -1)
    return np.trace(a, 1) * w + a.trace(1, 0, 1)


def ps_roll_pos(x, w):
    return np.sum(np.roll(x, 1, 0) * x * w)


def ps_norm_ord_pos(x, w):
    return np.linalg.norm(x, 1) * w + np.linalg.norm(x, 3)


def ps_std_ddof_pos(x, w):
    return np.std(x * w, 0, None, None, 1)


def ps_var_ddof_method_pos(x, w):
    return (x * w).var(None, None, None, 1)


def ps_percentile_axis_pos(x, w):
    return np.sum(np.percentile(x.reshape(2, -1), 30, 1)) * w


def ps_clip_pos_none(x, w):
    return np.sum(np.clip(x, None, w) * x)


def ps_method_clip_pos(x, w):
    return np.sum(x.clip(-1.0, w) * x)


def ps_take_axis_pos(x, w):
    return np.sum(np.take(x.reshape(2, -1), [1, 1, 0], 1) ** 2 * w)


def ps_concat_axis_pos(x, w):
    a = x.reshape(2, -1)
    return np.sum(np.concatenate((a, a * w), 1) * np.arange(2 * a.shape[1]))


def ps_transpose_pos(x, w):
    a = x.reshape(2, 1, -1)
    return np.sum(a.transpose(2, 0, 1)[0] * w) + np.sum(np.transpose(a, (1, 2, 0))[0, 1] ** 2)


def ps_reshape_order_method(x, w):
    a = x.reshape((2, -1), order="F")
    return np.sum(a[1] * w)


def ps_reshape_F_pos(x, w):
    a = np.reshape(x, (2, -1), "F")
    return np.sum(a[1] * w)


def ps_repeat_axis(x, w):
    return np.sum(x.reshape(2, -1).repeat(2, 0)[1:] ** 2 * w)


def ps_repeat_counts(x, w):
    return np.sum(np.repeat(x, [1, 0, 2, 1] + [1] * (x.size - 4)) ** 2 * w)


def ps_resize(x, w):
    return np.sum(np.resize(x, 7) * np.arange(7) * w)


def ps_tile(x, w):
    return np.sum(np.tile(x, (2, 2)) * w * np.arange(2 * x.size))


def ps_pad_edge(x, w):
    return np.sum(np.pad(x, 2, mode="edge") * np.arange(x.size + 4) * w)


def ps_pad_reflect(x, w):
    return np.sum(np.pad(x, (1, 2), mode="reflect") * np.arange(x.size + 3) * w)


def ps_pad_constant(x, w):
    return np.sum(np.pad(x, 1, constant_values=w) ** 2)


def ps_flip_axis(x, w):
    return np.sum(np.flip(x.reshape(2, -1), 1)[0] * np.arange(x.size // 2) * w)


def ps_rot90(x, w):
    return np.sum(np.rot90(x.reshape(2, -1))[0] * w)


def ps_triu(x, w):
    a = np.outer(x, x)
    return np.sum(np.triu(a, 1) * w) + np.sum(np.tril(a, -1))


def ps_split(x, w):
    a, b = np.split(x, 2)
    return np.sum(a * b * w)


def ps_array_split(x, w):
    parts = np.array_split(x, 3)
    return sum(np.sum(p ** (i + 1)) for i, p in enumerate(parts)) * w


def ps_insert(x, w):
    return np.sum(np.insert(x, 1, w) * np.arange(x.size + 1))


def ps_delete(x, w):
    return np.sum(np.delete(x, [0, 2]) ** 2 * w)


def ps_append(x, w):
    return np.sum(np.append(x, [w, w * 2]) ** 2)


def ps_squeeze_expand(x, w):
    return np.sum(np.squeeze(np.expand_dims(x, (0, 2)), 2) * w)


def ps_broadcast_arrays(x, w):
    a, b = np.broadcast_arrays(x[:, None], x[None, :] * w)
    return np.sum(a * b)


def ps_meshgrid(x, w):
    a, b = np.meshgrid(x, x * w, indexing="ij")
    return np.sum(a * b ** 2)


def ps_atleast_2d(x, w):
    return np.sum(np.atleast_2d(x).T @ np.atleast_2d(x * w))


def ps_unique(x, w):
    return np.sum(np.unique(np.concatenate([x, x])) * np.arange(x.size) * w)


def ps_searchsorted(x, w):
    i = np.searchsorted(np.sort(x), 0.5)
    return np.sort(x)[i] * w


def ps_sort_method_inplace(x, w):
    y = x * w
    y.sort()
    return np.sum(y * np.arange(x.size))


def ps_fill(x, w):
    y = x * 1.0
    y.fill(w)
    return np.sum(y * x)


def ps_partition(x, w):
    return np.sum(np.partition(x, 1)[:2] * w)


def ps_lexsort(x, w):
    i = np.lexsort((x, -x))
    return np.sum(x[i] * np.arange(x.size) * w)


def ps_stack_axis(x, w):
    return np.sum(np.stack([x, x * w], axis=1) @ np.array([1.0, 2.0]) ** 2)


def ps_hsplit_vstack(x, w):
    a = np.vstack([x, x * w])
    return np.sum(np.hsplit(a, 2)[1] ** 2)


def ps_block(x, w):
    a = x[:4].reshape(2, 2)
    return np.sum(np.block([[a, a * w], [np.eye(2), a.T]]) * np.arange(16).reshape(4, 4))


def ps_roll_2d_none(x, w):
    return np.sum(np.roll(x.reshape(2, -1), 1) * np.arange(x.size).reshape(2, -1) * w)


def ps_dot_method(x, w):
    return x.dot(x * w) + x.reshape(2, -1).dot(np.ones(x.size // 2)).sum()


def ps_diagonal_method(x, w):
    a = np.outer(x, x * w)
    return np.sum(a.diagonal(1)) + np.sum(np.diag(a, -1)) + np.sum(np.diag(x))


def ps_diagflat(x, w):
    return np.sum(np.diagflat(x, 1) @ np.ones(x.size + 1)) * w


def ps_vander(x, w):
    return np.sum(np.vander(x, 3) * w)


def ps_tensor_T(x, w):
    a = x.reshape(2, 1, -1)
    return np.sum(a.T[1] * w) + np.sum(a.mT)


CASES = [(name, f) for name, f in list(globals().items())
         if name.startswith(('fi_', 'ps_')) and callable(f)]
