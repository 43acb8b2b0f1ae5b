"""The eighty-ninth hunt's programs iterating over arrays: ``np.nditer`` (read and
readwrite), ``np.ndenumerate``, ``np.vectorize``, ``np.apply_along_axis``,
``np.frompyfunc``, ``functools.reduce(np.add, ...)``, ``map``, the builtins ``sum``,
``max``, ``min(key=)``, ``sorted`` over arrays, ``tolist``, ``np.fromiter``, while loops on a
norm, element updates in a loop, ``item()``, NumPy scalars' dunder methods, ``np.prod``,
``np.amax`` and ``np.stack`` of lists of scalars. Each program is ``f(x, w)`` of a float
array ``x`` (4 or 6 items) and a float ``w``."""
import functools

import numpy as np


def lp_nditer_write(x, w):
    y = x * 1.0
    with np.nditer(y, op_flags=["readwrite"]) as it:
        for v in it:
            v[...] = v * w
    return np.sum(y * x)


def lp_nditer_read(x, w):
    s = 0.0
    for v in np.nditer(x):
        s = s + v * w
    return s


def lp_ndenumerate(x, w):
    s = 0.0
    for i, v in np.ndenumerate(x.reshape(2, -1)):
        s = s + v * (i[0] + w)
    return s


def lp_vectorize(x, w):
    f = np.vectorize(lambda v: v ** 2 if v > 0 else -v)
    return np.sum(f(x) * w)


def lp_apply_along(x, w):
    return np.sum(np.apply_along_axis(lambda r: r * r[0], 1, x.reshape(2, -1)) * w)


def lp_frompyfunc(x, w):
    f = np.frompyfunc(lambda v: v * w, 1, 1)
    return float(np.sum(f(x)))


def lp_reduce_np_add(x, w):
    return functools.reduce(np.add, [x, x * w, x ** 2]).sum()


def lp_map_sin(x, w):
    return sum(map(np.sin, x)) * w


def lp_builtin_sum_rows(x, w):
    return np.sum(sum(x.reshape(2, -1)) * w)


def lp_builtin_max(x, w):
    return max(x) * w


def lp_builtin_min_key(x, w):
    return min(x, key=abs) * w


def lp_sorted(x, w):
    return sum(v * i for i, v in enumerate(sorted(x))) * w


def lp_tolist(x, w):
    return sum(v * v for v in x.tolist()) * w


def lp_list_of_array(x, w):
    return sum(list(x * w))


def lp_fromiter(x, w):
    return np.sum(np.fromiter((v * w for v in x), dtype=float))


def lp_listcomp_array(x, w):
    return np.sum(np.array([v ** 2 for v in x]) * w)


def lp_while_norm(x, w):
    y = x * w
    while np.linalg.norm(y) > 1.0:
        y = y / 2.0
    return np.sum(y * x)


def lp_for_index_update(x, w):
    y = x * 1.0
    for i in range(1, len(y)):
        y[i] = y[i - 1] * w + y[i]
    return np.sum(y ** 2)


def lp_reversed_array(x, w):
    s = 0.0
    for v in reversed(x):
        s = s * w + v
    return s


def lp_iter_2d_zip(x, w):
    a = x.reshape(2, -1)
    return sum(np.dot(r, s) for r, s in zip(a, a[::-1])) * w


def lp_item(x, w):
    return x.item(0) * w + x[1].item() * x[1]


def lp_array_scalar_float(x, w):
    return float(x[0]) * w + np.float64(x[1]) * w


def lp_any_bool(x, w):
    return np.sum(x * w) if (x > 0).any() else 0.0


def lp_dict_of_arrays(x, w):
    d = {"a": x * w, "b": x ** 2}
    d["a"][0] = d["b"][1]
    return np.sum(d["a"] * x)


def lp_np_sum_generator(x, w):
    return np.sum([v * w for v in x])


def lp_math_on_np(x, w):
    import math
    return math.exp(x[0]) * w + math.sqrt(x[2] ** 2) + math.fsum(x)


def lp_np_float_method(x, w):
    return x[0].__mul__(w) + x[1].__pow__(2)


def lp_np_prod_list(x, w):
    return np.prod([x[0], x[1], w])


def lp_max_of_arrays(x, w):
    return np.sum(np.max([x, x * w], axis=0))


def lp_amax_list(x, w):
    return np.amax([x[0], w, x[2]])


def lp_sum_start_array(x, w):
    return np.sum(sum([x, x * w], np.ones_like(x)))


def lp_array_of_scalars(x, w):
    return np.sum(np.array([x[0] * w, x[1], 3.0]) ** 2)


def lp_stack_scalars(x, w):
    return np.sum(np.stack([x[0], x[1] * w]) ** 2)


def lp_asarray_list_mixed(x, w):
    return np.sum(np.asarray([x[:2], [w, 1.0]]) ** 2)


CASES = [(name, f) for name, f in list(globals().items())
         if name.startswith(('lp_',)) and callable(f)]
