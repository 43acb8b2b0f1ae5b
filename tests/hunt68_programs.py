"""The sixty-eighth hunt's programs: families earlier hunts did not try. NumPy's linear
algebra in ordinary code (l...), order statistics and kinks away from their ties (o...),
cumulative and shifted forms (c...), Python's traps (p...: closures over a loop variable, a
generator in sum, an lru_cache'd helper, a global, a helper and a class attribute read at
each call), more of NumPy (q...: batched solves, lstsq, norms over 3-D axes, einsum forms,
partition, quantiles with axes, NaN reductions, select and piecewise, rolls, convolutions),
and what the hunt found refused, followed now (r...); functions with no rule, refused
naming the line (k..., in REFUSED). Each program is (name, f, args, wrt) in CASES; a function's ARGS, where it has them, are its arguments."""

import functools

import numpy as np

_RNG = np.random.default_rng(68)
A33 = np.array([[1.3, 0.3, -0.2], [0.1, 0.9, 0.4], [-0.5, 0.2, 1.7]])
B33 = np.array([[0.4, -0.7, 0.2], [0.6, 0.1, -0.3], [-0.2, 0.5, 0.8]])
A23 = np.array([[0.5, -1.2, 0.3], [0.8, 0.4, -0.9]])
V3 = np.array([0.7, -1.3, 0.4])
V4 = np.array([0.7, -1.3, 0.4, 2.1])
V5 = np.array([0.7, -1.3, 0.4, 2.1, -0.6])
T234 = _RNG.standard_normal((2, 3, 4))
I3 = np.eye(3)
S233 = np.stack([A33, A33.T + np.eye(3)])
V6 = np.array([0.7, -1.3, 0.4, 2.1, -0.6, 1.1])


# ---- L: linear algebra in ordinary code
def l_solve(A, w):
    x = np.linalg.solve(A + 2 * I3, V3 * w)
    return np.sum(x ** 2)


def l_solve_matrix(A, w):
    X = np.linalg.solve(A, B33 * w)
    return np.sum(X * B33)


def l_inv(A, w):
    return np.sum(np.linalg.inv(A) @ V3) * w


def l_det(A, w):
    return np.linalg.det(A * w)


def l_slogdet(A, w):
    sign, logdet = np.linalg.slogdet(A * w)
    return sign * logdet


def l_cholesky(A, w):
    S = A @ A.T + w * I3
    L = np.linalg.cholesky(S)
    return np.sum(L * B33)


def l_eigh_sym(A, w):
    S = A + A.T
    vals, vecs = np.linalg.eigh(S * w)
    return np.sum(vals ** 3) + np.sum(vecs[:, 0] ** 2 * V3)


def l_eigvalsh_sym(A, w):
    S = (A + A.T) / 2
    return np.sum(np.linalg.eigvalsh(S) * V3) * w


def l_eigh_lower(A, w):
    # not symmetrised: eigh reads the lower triangle only
    vals = np.linalg.eigh(A)[0]
    return np.sum(vals * V3) * w


def l_eigh_at_symmetric(A, w):
    # a symmetric input, not symmetrised by the code: eigh and cholesky read the lower
    # triangle, so the gradient is the lower triangle's (what finite differences see)
    vals, vecs = np.linalg.eigh(A)
    return np.sum(vals * V3) * w + np.sum(vecs[:, 0] ** 2 * V3) + np.sum(np.linalg.cholesky(A + 3 * I3) * w)


l_eigh_at_symmetric.ARGS = (np.array([[2.0, 0.3, -0.4], [0.3, 1.0, 0.5], [-0.4, 0.5, -1.0]]), 0.8)


def l_qr(A, w):
    Q, R = np.linalg.qr(A * w)
    return np.sum(R * B33) + np.sum(Q[:, 0])


def l_svd_values(A, w):
    s = np.linalg.svd(A * w, compute_uv=False)
    return np.sum(s ** 2) + s[0]


def l_svd_full(A, w):
    U, s, Vt = np.linalg.svd(A)
    return np.sum(s * V3) * w + np.sum((U * s) @ Vt * B33)


def l_norms_matrix(A, w):
    return (np.linalg.norm(A, 1) + np.linalg.norm(A, 2) + np.linalg.norm(A, np.inf)
            + np.linalg.norm(A * w, 'fro') + np.linalg.norm(A, -np.inf) + np.linalg.norm(A, 'nuc'))


def l_norms_axis(A, w):
    return (np.sum(np.linalg.norm(A, axis=0) * V3) + np.sum(np.linalg.norm(A * w, ord=1, axis=1))
            + np.sum(np.linalg.norm(A, ord=3, axis=1, keepdims=True)) + np.sum(np.linalg.norm(A, np.inf, axis=0)))


def l_norms_vector(x, w):
    return np.linalg.norm(x, 1) + np.linalg.norm(x * w, np.inf) + np.linalg.norm(x, 3) + np.linalg.norm(x, -np.inf)


def l_einsum_repeated(A, w):
    return (np.einsum('ii->', A) * w + np.sum(np.einsum('ii->i', A) * V3) + np.einsum('ij,ij->', A, A)
            + np.sum(np.einsum('ij,jk->ik', A, A) * B33))


def l_einsum_ellipsis(T, w):
    return np.sum(np.einsum('...ij,jk->...ik', T, T[0].T * w) ** 2) + np.sum(np.einsum('i...->...', T))


def l_einsum_same(x, w):
    return np.einsum('i,i', x, x) * w + np.einsum('i,j->', x, x * w)


def l_outer_kron(x, w):
    return np.sum(np.outer(x, x * w) * 0.3) + np.sum(np.kron(x, x) ** 2) + np.sum(np.kron(np.outer(x, x), I3 * w))


def l_trace(A, w):
    return np.trace(A @ A * w) + np.trace(A, offset=1) + np.trace(T234, axis1=1, axis2=2).sum() * w


def l_tensordot(T, w):
    return (np.sum(np.tensordot(T, T, axes=([0, 1], [0, 1])) * w)
            + np.sum(np.tensordot(T, T[0].T, axes=1) ** 2) + np.tensordot(T, T * w, axes=3))


def l_matrix_power(A, w):
    return np.sum(np.linalg.matrix_power(A * w, 3)) + np.sum(np.linalg.pinv(A) * B33)


# ---- O: order statistics and kinks
def o_sort(x, w):
    s = np.sort(x * w)
    return np.sum(s * np.arange(1.0, len(x) + 1)) + np.sort(-x)[0]


def o_argsort_take(A, w):
    i = np.argsort(A, axis=1)
    s = np.take_along_axis(A * w, i, axis=1)
    return np.sum(s * B33) + np.sum(A[np.argsort(A[:, 0])] * B33)


def o_max_ties(x, w):
    y = np.array([x[0], x[0], x[1] * w])
    return np.max(y) + np.min(y)


def o_max_ties_arg(x, w):
    # x has ties in it
    return np.max(x) * w + np.amin(x) + np.sum(np.max(np.stack([x, x[::-1]]), axis=0))


def o_maximum_ties(x, w):
    return np.sum(np.maximum(x, x[::-1]) * V5) * w + np.sum(np.minimum(x, 0.45) * V5)


def o_median_percentile(x, w):
    return np.median(x * w) + np.percentile(x, 30.0) + np.quantile(x, [0.2, 0.9]).sum() + np.median(x[:4])


def o_abs_sign_clip(x, w):
    return np.sum(np.abs(x) * V5) + np.sum(np.sign(x) * x) * w + np.sum(np.clip(x, -0.65, 0.75) * V5)


def o_where_nan(x, w):
    safe = np.where(x > 0, np.log(np.where(x > 0, x, 1.0)), 0.0)
    bad = np.where(x > 0, np.sqrt(x), 0.0)
    inf = np.where(x != 0, 1.0 / x, 0.0)
    return np.sum(safe * w) + np.sum(bad) + np.sum(inf)


def o_nan_to_num(x, w):
    y = np.log(x)
    return np.sum(np.nan_to_num(y, nan=0.0, neginf=-5.0) * w) + np.sum(np.nan_to_num(x * w))


def o_nanmean_nansum(x, w):
    y = np.where(x > 0, x * w, np.nan)
    return np.nanmean(y) + np.nansum(y ** 2) + np.nanmax(y) + np.nanmin(y)


# ---- C: cumulative and shifted
def c_cumsum(A, w):
    return np.sum(np.cumsum(A, axis=0) * B33) + np.sum(np.cumsum(A * w) ** 2)


def c_cumprod_zero(x, w):
    y = x.copy()
    y[2] = 0.0
    return np.sum(np.cumprod(y * w)) + np.sum(np.cumprod(x))


def c_diff(x, w):
    return np.sum(np.diff(x) ** 2) * w + np.sum(np.diff(x * w, n=2) * V3) + np.sum(np.diff(x, prepend=0.0))


def c_roll(A, w):
    return np.sum(np.roll(A, 1) * B33) + np.sum(np.roll(A * w, -1, axis=1) * B33) + np.sum(np.roll(A, (1, 2), axis=(0, 1)) * A)


def c_convolve(x, w):
    return (np.sum(np.convolve(x, V3 * w) ** 2) + np.sum(np.convolve(x, x, mode='same') * V5)
            + np.sum(np.convolve(x, V3, mode='valid')) + np.sum(np.correlate(x, V3 * w, mode='full') ** 2))


def c_add_at(x, w):
    out = np.zeros(3)
    np.add.at(out, [0, 1, 0, 2, 2], x * w)
    return np.sum(out ** 2)


def c_accumulate(x, w):
    return (np.sum(np.maximum.accumulate(x * w) * V5) + np.sum(np.minimum.accumulate(x, axis=0) ** 2)
            + np.sum(np.add.accumulate(x * w) ** 2) + np.sum(np.multiply.accumulate(x) * V5))


def c_ufunc_reduce(A, w):
    return (np.sum(np.add.reduce(A * w, axis=1) ** 2) + np.multiply.reduce(A, axis=None) + np.sum(np.maximum.reduce(A, axis=0))
            + np.sum(np.minimum.reduce(A * w, axis=1)))


# ---- P: Python semantics traps
K = 1.5


def p_late_closures(x, w):
    fs = [lambda v: v * k for k in range(1, 4)]       # late binding: every lambda reads k = 3
    return sum(np.sum(f(x) ** 2) for f in fs) * w


def p_default_closures(x, w):
    fs = [lambda v, k=k: v * k for k in range(1, 4)]   # bound at definition: 1, 2, 3
    return sum(np.sum(f(x) ** 2) for f in fs) * w


def _accumulate(v, seen=[]):       # noqa: B006 - a mutable default, mutated: the trap itself
    seen.append(1)
    return v * len(seen)


def p_mutable_default(x, w):
    return np.sum(_accumulate(x) * w)


def p_generator_sum(x, w):
    return sum(np.sin(x[i]) * w ** i for i in range(len(x))) + sum(v * v for v in x)


def _scale(v):
    return v * K


def p_global_helper(x, w):
    return np.sum(_scale(x) ** 2) * w


class Config:
    gain = 2.0


def p_class_attribute(x, w):
    return np.sum(np.tanh(x * Config.gain)) * w


@functools.lru_cache(maxsize=None)
def _table(n):
    return tuple(range(1, n + 1))


def p_lru_cached(x, w):
    c = np.array(_table(len(x)), dtype=float)
    return np.sum(c * x ** 2) * w


@functools.lru_cache(maxsize=None)
def _coefficient(w):
    return w ** 2 + np.sin(w)


def p_lru_cached_of_the_argument(x, w):
    return np.sum(x * _coefficient(w)) + _coefficient(0.5)


def p_bool_mask(x, w):
    m = x > 0
    return np.sum(x[m] ** 2) * w + np.sum(np.where(m, x, w * x)) + np.sum(x * m)


def p_int_seq(x, w):
    n = int(np.sum(x > 0))
    return np.sum(x[:n] ** 2) * w + float(n) * w


# ---- Q: more of NumPy's linear algebra, order statistics, NaN reductions and shifts
def q_batched_solve(S, w):
    b = np.array([[1.0, 2.0, -1.0], [0.5, 0.0, 1.0]])
    return np.sum(np.linalg.solve(S, b[..., None] * w) ** 2) + np.sum(np.linalg.inv(S) * S) + np.sum(np.linalg.det(S))
q_batched_solve.ARGS = (S233, 0.8)

def q_batched_slogdet(S, w):
    sign, ld = np.linalg.slogdet(S * w)
    return np.sum(ld * sign)
q_batched_slogdet.ARGS = (S233, 0.8)

def q_solve_vector_batch(S, w):
    return np.sum(np.linalg.solve(S, np.ones((2, 3, 2)) * w) ** 2)
q_solve_vector_batch.ARGS = (S233, 0.8)

def q_lstsq_pinv(M, w):
    b = np.array([1.0, -2.0])
    x, *_ = np.linalg.lstsq(M.T, np.array([1.0, -2.0, 0.5]) * w, rcond=None)
    return np.sum(x ** 2) + np.sum(np.linalg.pinv(M) ** 2) * w
q_lstsq_pinv.ARGS = (A23, 0.8)

def q_multi_dot(A, w):
    return np.sum(np.linalg.multi_dot([A, A.T * w, A])) + np.sum(np.linalg.matrix_power(A, -2))
q_multi_dot.ARGS = (A33, 0.8)

def q_eig(A, w):
    S = A @ A.T + np.eye(3) * w
    vals = np.linalg.eigvals(S)
    return np.sum(np.real(vals) ** 2)
q_eig.ARGS = (A33, 0.8)

def q_norm_3d(T, w):
    return (np.sum(np.linalg.norm(T, axis=(1, 2))) + np.sum(np.linalg.norm(T, ord=2, axis=(1, 2))) * w
            + np.sum(np.linalg.norm(T, 'nuc', axis=(0, 1))) + np.sum(np.linalg.norm(T, ord=0.5, axis=2))
            + np.sum(np.linalg.norm(T, -1, axis=0)))
q_norm_3d.ARGS = (T234, 0.8)

def q_norm_vec_odd(x, w):
    return np.linalg.norm(x, ord=0) * w + np.linalg.norm(x, -1) + np.linalg.norm(x * w, 0.5) + np.linalg.norm(x, -2)
q_norm_vec_odd.ARGS = (V5, 0.8)

def q_einsum_more(A, w):
    return (np.einsum('ij,jk,kl->il', A, A * w, A).sum() + np.einsum(A, [0, 1], A, [1, 2]).sum()
            + np.einsum('ij,jk', A, A, optimize=True).sum() * w + np.einsum('ji', A)[0, 1] + np.einsum('ii', A) * w
            + np.einsum('i,j,k->ijk', A[0], A[1], A[2] * w).sum())
q_einsum_more.ARGS = (A33, 0.8)

def q_einsum_3(T, w):
    return np.einsum('aij,aij->a', T, T * w).sum() + np.einsum('...i,...i->...', T, T).sum() + np.einsum('ijk->kji', T)[0, 1, 1] * w
q_einsum_3.ARGS = (T234, 0.8)

def q_partition(x, w):
    p = np.partition(x * w, 2)
    i = np.argpartition(x, 3)
    return p[2] + np.sum(p[:2]) + np.sum(x[i[:3]] ** 2) + np.sum(np.sort(x)[::-1][:2])
q_partition.ARGS = (V6, 0.8)

def q_quantile_axis(T, w):
    return (np.sum(np.median(T, axis=1)) + np.sum(np.quantile(T * w, 0.3, axis=2, keepdims=True))
            + np.percentile(T, 75.0) + np.sum(np.percentile(T, [10.0, 90.0], axis=0, method='nearest'))
            + np.sum(np.quantile(T, 0.4, axis=(0, 2))))
q_quantile_axis.ARGS = (T234, 0.8)

def q_nan_family(x, w):
    y = np.where(x > 0, x * w, np.nan)
    return np.nanstd(y, ddof=1) + np.nanvar(y) + np.nanprod(y) + np.sum(np.nancumsum(y))
q_nan_family.ARGS = (V6, 0.8)

# q_reduceat and q_ufunc_outer were refused (no rule) when the hunt ran: followed now
def q_reduceat(x, w):
    return np.sum(np.add.reduceat(x * w, [0, 2, 3]) ** 2) + np.sum(np.maximum.reduceat(x, [0, 3]))
q_reduceat.ARGS = (V6, 0.8)

def q_ufunc_outer(x, w):
    return np.sum(np.multiply.outer(x, x * w) ** 2) + np.sum(np.subtract.outer(x, x) ** 2) + np.sum(np.maximum.outer(x, x * w))
q_ufunc_outer.ARGS = (V5, 0.8)

def k_ediff1d(x, w):
    return np.sum(np.ediff1d(x * w) ** 2)
k_ediff1d.ARGS = (V6, 0.8)

def q_select_piecewise(x, w):
    y = np.select([x < 0, x < 1], [x ** 2, np.sin(x) * w], default=x * w)
    z = np.piecewise(x, [x < 0, x >= 0], [lambda v: -v * 2.0, lambda v: v ** 3])
    return np.sum(y) + np.sum(z) * w
q_select_piecewise.ARGS = (V5, 0.8)

def q_cum_axes(T, w):
    return (np.sum(np.cumsum(T, axis=1) ** 2) + np.sum(np.cumprod(T * w, axis=2)) + np.sum(np.cumprod(T))
            + np.sum(np.diff(T, axis=1, append=0.0) ** 2) + np.sum(np.diff(T, n=3, axis=2) * w))
q_cum_axes.ARGS = (T234, 0.8)

def q_cumprod_zeros(x, w):
    y = x * 1.0
    y[1] = 0.0
    y[3] = 0.0
    return np.sum(np.cumprod(y * w)) + np.prod(y + w) + np.sum(np.cumprod(y[::-1]))
q_cumprod_zeros.ARGS = (V6, 0.8)

def q_prod_zeros(x, w):
    y = x * 1.0
    y[0] = 0.0
    return np.prod(y) + np.prod(y * w) + np.prod(np.where(x > 0, x, 0.0)) * w
q_prod_zeros.ARGS = (V5, 0.8)

def q_roll_big(T, w):
    return np.sum(np.roll(T, 7) * T) + np.sum(np.roll(T, -5, axis=2) * T * w) + np.sum(np.roll(T, (1, -1), axis=(1, 2)) ** 3)
q_roll_big.ARGS = (T234, 0.8)

def q_convolve_long(x, w):
    k = np.array([0.5, -1.0, 2.0, 0.3, 0.1, -0.2, 0.7])
    return np.sum(np.convolve(x, k * w, mode='valid') ** 2) + np.sum(np.convolve(k, x, mode='same') ** 2) + np.sum(np.correlate(k, x * w, 'valid') ** 2)
q_convolve_long.ARGS = (V5, 0.8)

def q_kron_2d(A, w):
    return np.sum(np.kron(A, A[:2, :2] * w) ** 2) + np.sum(np.kron(A[0], A) * A[0, 0])
q_kron_2d.ARGS = (A33, 0.8)

def q_trace_diag(T, w):
    return np.sum(np.trace(T, offset=-1, axis1=2, axis2=1)) * w + np.sum(np.diagonal(T, 1, 1, 2) ** 2) + np.sum(np.diag(T[0], -1)) * w + np.sum(np.diag(T[0, :, 0]) @ T[0])
q_trace_diag.ARGS = (T234, 0.8)

def q_tensordot_more(T, w):
    return np.sum(np.tensordot(T, T, axes=([0, 2], [0, 2])) ** 2) + np.sum(np.tensordot(T, np.ones(4) * w, axes=(2, 0))) + np.sum(np.inner(T, T) * w) + np.sum(np.outer(T, T[0]))
q_tensordot_more.ARGS = (T234, 0.8)

def q_take_along(T, w):
    i = np.argsort(T, axis=None)
    j = np.argmax(T, axis=2)
    return np.sum(np.take_along_axis(T.ravel(), i, axis=None)[:4] * w) + np.sum(np.take_along_axis(T, j[..., None], axis=2) ** 2) + np.sum(np.take(T, [1, 0, 1], axis=1) * w)
q_take_along.ARGS = (T234, 0.8)

def q_lexsort(x, w):
    order = np.lexsort((x, np.round(x)))
    return np.sum(x[order] * np.arange(len(x))) * w + np.sum(np.sort(x, kind='stable')[-2:])
q_lexsort.ARGS = (V6, 0.8)

def q_nan_to_num2(x, w):
    y = np.log(x) * w
    z = 1.0 / (x - x[0])
    return np.sum(np.nan_to_num(y, nan=-1.0, posinf=3.0, neginf=-3.0)) + np.sum(np.nan_to_num(z, posinf=0.0, neginf=0.0) ** 2) * w + np.sum(np.nan_to_num(y, copy=False) * w)
q_nan_to_num2.ARGS = (V6, 0.8)

def q_where_inf(x, w):
    y = np.where(x > 0, w / x, np.inf)
    z = np.where(np.isfinite(y), y, 0.0)
    return np.sum(z) + np.sum(np.where(x > 0, np.log(np.abs(x)), -np.inf)[x > 0]) + np.sum(np.minimum(y, 5.0))
q_where_inf.ARGS = (V6, 0.8)

def q_abs_kinks(x, w):
    return np.sum(np.abs(x) ** 3) + np.sum(np.sqrt(x ** 2 + 1e-3)) * w + np.sum(np.abs(x * w) * np.sign(x)) + np.sum(np.fabs(x)) + np.sum(np.absolute(x - w))
q_abs_kinks.ARGS = (V5, 0.8)

def q_max_axes(T, w):
    return (np.sum(np.max(T, axis=(0, 2))) + np.sum(np.amin(T * w, axis=1, keepdims=True)) + np.sum(T.max(axis=0) * T.min(axis=0))
            + np.ptp(T) * w + np.sum(np.ptp(T, axis=1)) + np.sum(np.fmax(T, T[::-1]) * w) + np.sum(np.sort(T, axis=0)[-1]))
q_max_axes.ARGS = (T234, 0.8)

def q_builtin_order(x, w):
    xs = list(x)
    return max(xs) * w + min(xs) + sum(sorted(xs)[:2]) + max(x[0], x[1] * w) + min(x[2], 0.1)
q_builtin_order.ARGS = (V5, 0.8)


# ---- K: refused, naming the line and the function with no rule
# ---- R: refused before, followed now
def _noise(k, n):
    rng = np.random.default_rng(k)
    return rng.standard_normal(n)


def r_seeded_loop(x, w):
    # a generator seeded by a loop's counter: the same draws in every run (hessian's columns too)
    s = 0.0
    for k in range(3):
        s = s + np.sum(np.sin(x * _noise(k, len(x)))) * w
    return s * np.sum(x ** 2)


def r_mask_after_update(x, w):
    y = np.zeros(len(x))
    y += x
    m = y > 0
    z = y[m]
    y[0] = w * 2.0
    z *= w
    return np.sum(z ** 2) + np.sum(y ** 3)


def r_list_after_update(x, w):
    y = np.ones(len(x))
    y *= x
    z = y[[0, 2]]
    y[1:3] = w
    z[0] = w * z[1]
    return np.sum(z ** 3) + np.sum(y ** 2) * w


def r_mask_of_row(x, w):
    B = np.zeros((2, len(x)))
    B += x
    y = B[0]
    z = y[y > 0]
    y[0] = w
    return np.sum(z ** 2) * w + np.sum(B ** 3)


# first order only: none (the second order of a write through a row after a mask, once refused, is followed)
FIRST_ORDER_ONLY = set()


# the programs checked in every mode (p_mutable_default is not: each call changes its result)
# refused: (name, f, args, the function named)
REFUSED = [(name, f, f.ARGS, what) for name, f, what in [
    ("k_ediff1d", k_ediff1d, "numpy.ediff1d")]]


def _cases():
    default = {"A": A33, "x": V5, "T": T234}
    for name, f in list(globals().items()):
        if name[:2] in ("l_", "o_", "c_", "p_", "q_", "r_") and callable(f) and name != "p_mutable_default":
            args = getattr(f, "ARGS", None) or (default[f.__code__.co_varnames[0]], 0.8)
            yield name, f, args, (0, 1)


CASES = list(_cases())
