"""The eighty-ninth hunt's programs on arguments of several shapes: a matrix and a vector, a
column, a 0-d array, a one-element array (each differentiated, the gradient unbroadcast to
its shape), in-place writes and ``np.where``, ``np.clip``, ``np.interp`` and ``einsum``
broadcasting them; a Fortran-ordered argument (its reshape and ravel copies, ``flat``,
``ravel(order="K")`` and ``"A"``), a strided one (``x[::2]``); one argument differentiated
of two. ``CASES`` holds (name, function, arguments, the positions differentiated)."""
import numpy as np

A23 = np.array([[0.7, -1.3, 0.4], [2.1, -0.6, 1.1]])
AF = np.asfortranarray(A23)
V3 = np.array([0.3, -0.9, 1.7])
C21 = np.array([[0.5], [-1.2]])
S = np.array([1.0, -0.4, 0.7, 2.2, 0.1, -1.5])[::2]
CASES = []


def case(*args, wrt=(0, 1)):
    def deco(f):
        CASES.append((f.__name__, f, args, wrt))
        return f
    return deco


@case(A23, V3)
def bc_mat_vec(a, v):
    return np.sum(a * v) + np.sum((a - v) ** 2)


@case(A23, C21)
def bc_mat_col(a, c):
    return np.sum(a / c) + np.sum(np.maximum(a, c))


@case(V3, C21)
def bc_outer_by_broadcast(v, c):
    return np.sum((v + c) ** 2)


@case(A23, np.array(0.8))
def bc_zero_d(a, w):
    return np.sum(a * w) + np.sum(w * w * a)


@case(A23, np.array([0.8]))
def bc_one_elem(a, w):
    return np.sum(a * w) * w[0]


@case(A23, V3)
def bc_inplace_broadcast(a, v):
    y = a * 1.0
    y += v
    y *= v
    return np.sum(y ** 2)


@case(A23, C21)
def bc_setitem_broadcast(a, c):
    y = a * 1.0
    y[:, 1:] = c
    return np.sum(y * a)


@case(A23, V3)
def bc_where_broadcast(a, v):
    return np.sum(np.where(a > 0, a, v) * v)


@case(A23, V3)
def bc_matmul(a, v):
    return np.sum(a @ v) + np.sum(v @ a.T)


@case(A23, V3)
def bc_keepdims_newaxis(a, v):
    m = a.mean(axis=1, keepdims=True)
    return np.sum((a - m) * v[np.newaxis, :] ** 2)


@case(AF, V3)
def fo_reshape(a, v):
    r = a.reshape(-1)
    return np.sum(r * np.arange(6)) + np.sum(a * v)


@case(AF, V3)
def fo_ravel_write(a, v):
    r = a.ravel() * 1.0
    r[0] = v[0]
    return np.sum(r * np.arange(6))


@case(AF, V3)
def fo_flat(a, v):
    return np.sum(a.flat[[1, 2]]) * v[0] + np.sum(a.flatten() * np.arange(6))


@case(AF, V3)
def fo_reshape_copy_write(a, v):
    y = a * 1.0
    r = y.reshape(-1)
    r[1] = v[2]
    return np.sum(y * a) + np.sum(r)


@case(AF, V3)
def fo_reshape_write_F_view(a, v):
    y = np.asfortranarray(a * 1.0)
    r = y.reshape(-1, order="F")
    r[1] = v[2]
    return np.sum(y * a)


@case(AF, V3)
def fo_copy_K(a, v):
    y = a.copy()
    r = y.ravel(order="K")
    return np.sum(r * np.arange(6)) * v[0]


@case(AF, V3)
def fo_ravel_A(a, v):
    return np.sum(np.ravel(a, order="A") * np.arange(6)) * v[1]


@case(AF, V3)
def fo_empty_like_fill(a, v):
    y = np.empty_like(a)
    y.reshape(-1)[:] = 1.0
    return np.sum(a * y) * v[0]


@case(S, V3)
def nc_reshape(s, v):
    return np.sum(s.reshape(3, 1) * v)


@case(S, V3)
def nc_ravel(s, v):
    r = s.ravel()
    return np.sum(r * v * np.arange(3))


@case(A23, A23)
def tw_same_shape(a, b):
    return np.sum(a * b) + np.sum(a @ b.T)


@case(A23, V3, wrt=(1,))
def wrt_second_only(a, v):
    return np.sum(a * v ** 2)


@case(V3, 0.8)
def sc_np_scalar_ops(v, w):
    s = np.float64(w)
    return np.sum(v * s) + s ** 2 + np.sqrt(s)


@case(A23, V3)
def bc_unbroadcast_nested(a, v):
    t = a[:, None, :] * v[None, None, :]
    return np.sum(t * np.arange(3)[None, :, None].astype(float))


@case(A23, V3)
def bc_einsum_broadcast(a, v):
    return np.sum(np.einsum("ij,j->i", a, v) ** 2) + np.einsum("...j,j", a, v).sum()


@case(A23, C21)
def bc_solve_vec(a, c):
    m = np.eye(2) * 3.0 + a[:, :2]
    return np.sum(np.linalg.solve(m, c))


@case(A23, V3)
def bc_max_axis_ties(a, v):
    b = np.concatenate([a, a], axis=0)
    return np.sum(np.max(b, axis=0) * v)


@case(A23, V3)
def bc_clip_arrays(a, v):
    return np.sum(np.clip(a, -v * 0.5 - 1.0, v))


@case(A23, V3)
def bc_interp_xp(a, v):
    return np.sum(np.interp(a.ravel(), [-2.0, 0.0, 2.5], v))
