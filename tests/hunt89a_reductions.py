"""The eighty-ninth hunt's programs on reductions and linear algebra: ``axis`` tuples,
``keepdims``, ``where=``, ``initial=``, ``nansum``/``nanmean``/``nancumsum``, ``cumsum`` over
all axes, ``diff(n=2)`` and ``prepend=``, ``einsum`` with repeated indices (``"ii->i"``,
``"ii"``), ``trace(offset=)``, ``var``/``std`` with ``ddof``, ``average`` with weights,
``polyval``, ``interp``, ``det`` of a singular matrix, ``solve`` with batch dimensions,
``inv``, ``slogdet``, norms of every order, ``eigh``, ``svd``, ``qr``, ``cholesky``,
``lstsq``, ``pinv``, ``cond``, FFTs, ``ldexp``, ``modf``, ``frexp``, ``divmod``, ``sinc``,
``gradient``, ``cov``, ``corrcoef``, ``bincount`` weights; and their less common arguments
(``gradient``'s ``edge_order=2``, coordinates and ``axis``, ``diff``'s ``append=``,
``interp``'s ``left``/``right``/``period``, ``convolve``/``correlate`` modes, ``norm``'s
``keepdims``, ``where=`` of ``mean``, ``var``, ``std`` and ``prod``, ``percentile``'s methods,
``average``'s ``returned``, ``tensordot(axes=0)``, ``roll`` by tuples, ``sort(axis=None)``,
``clip`` with its bounds crossed, ``maximum``/``fmax``/``fmin`` over NaN, ``max`` of an
empty array with ``initial``, ``heaviside`` at 0, ``polyfit``). Each program is ``f(x, w)`` of a
float array ``x`` (4 or 6 items) and a float ``w``."""
import numpy as np


def rd_axis_tuple(x, w):
    a = x.reshape(2, -1, 1)
    return np.sum(np.sum(a * w, axis=(0, 2)) ** 2)


def rd_keepdims(x, w):
    a = x.reshape(2, -1)
    return np.sum(a / np.sum(a ** 2, axis=1, keepdims=True) * w)


def rd_where(x, w):
    return np.sum(x * w, where=x > 0)


def rd_initial(x, w):
    return np.sum(x ** 2, initial=w)


def rd_max_initial(x, w):
    return np.max(x, initial=w * 3.0)


def rd_max_where(x, w):
    return np.max(x * w, where=x < 1.0, initial=-10.0)


def rd_nansum(x, w):
    y = x * 1.0
    y[1] = np.nan
    return np.nansum(y * w * x)


def rd_nanmean(x, w):
    y = np.where(x > 0, x, np.nan)
    return np.nanmean(y * w)


def rd_cumsum_none(x, w):
    a = x.reshape(2, -1)
    return np.sum(np.cumsum(a * w) * np.arange(x.size))


def rd_cumprod(x, w):
    return np.sum(np.cumprod(x * w))


def rd_diff2(x, w):
    return np.sum(np.diff(x, n=2) ** 2 * w)


def rd_diff_prepend(x, w):
    return np.sum(np.diff(x, prepend=w) ** 2)


def rd_einsum_diag(x, w):
    a = np.outer(x, x)
    return np.sum(np.einsum("ii->i", a) * w)


def rd_einsum_trace(x, w):
    a = x[:4].reshape(2, 2)
    return np.einsum("ii", a) * w


def rd_einsum_repeat_in(x, w):
    return np.einsum("i,i,i->", x, x, x) * w


def rd_trace_offset(x, w):
    a = x.reshape(2, -1)
    return np.trace(a, offset=1) * w + np.trace(a, offset=-1)


def rd_mean_axis_keep(x, w):
    a = x.reshape(2, -1)
    return np.sum((a - a.mean(axis=0, keepdims=True)) ** 2) * w


def rd_var_ddof(x, w):
    return np.var(x * w, ddof=1)


def rd_std_axis(x, w):
    return np.sum(np.std(x.reshape(2, -1), axis=1) * w)


def rd_prod_zero(x, w):
    y = x * 1.0
    y[0] = 0.0
    return np.prod(y * w) + np.sum(x)


def rd_prod_axis(x, w):
    return np.sum(np.prod(x.reshape(2, -1), axis=0) * w)


def rd_average_weights(x, w):
    return np.average(x, weights=np.arange(1, x.size + 1) * w)


def rd_logsumexp_manual(x, w):
    m = np.max(x)
    return m + np.log(np.sum(np.exp(x - m))) * w


def rd_sum_negative_axis(x, w):
    return np.sum(np.sum(x.reshape(2, -1) * w, axis=-1) ** 2)


def rd_all_any(x, w):
    return np.sum(x * w) if np.all(x > -5) and np.any(x > 2) else np.sum(x)


def rd_count_nonzero(x, w):
    return np.sum(x) * np.count_nonzero(x > 0) * w


def rd_polyval(x, w):
    return np.sum(np.polyval([w, 2.0, x[0]], x))


def rd_polyval_coeffs(x, w):
    return np.polyval(x, w)


def rd_interp(x, w):
    return np.sum(np.interp(x, [-2.0, 0.0, 1.0, 3.0], [0.0, w, 2.0, 1.0]))


def rd_interp_fp(x, w):
    return np.interp(w, [0.0, 0.5, 1.0, 1.5], x[:4])


def rd_linalg_det(x, w):
    a = np.outer(x, x)[:3, :3] + np.eye(3) * w
    return np.linalg.det(a)


def rd_det_singular(x, w):
    a = np.outer(x, x)[:3, :3] * w
    return np.linalg.det(a) + np.sum(x)


def rd_solve_batch(x, w):
    a = np.eye(2) * 3.0 + np.outer(x[:2], x[2:4]) * 0.1
    b = np.stack([x[:2], x[2:4] * w, x[1:3]])[..., None]
    return np.sum(np.linalg.solve(a, b))


def rd_solve_1d_batch(x, w):
    a = np.stack([np.eye(2) * 3.0 + x[0], np.eye(2) * 2.0 + w])
    return np.sum(np.linalg.solve(a, x[:2]))


def rd_inv(x, w):
    a = np.eye(2) * 3.0 + np.outer(x[:2], x[2:4]) * w
    return np.sum(np.linalg.inv(a))


def rd_slogdet(x, w):
    a = np.eye(2) * 3.0 + np.outer(x[:2], x[2:4]) * w
    s, l = np.linalg.slogdet(a)
    return s * l


def rd_norm_ord(x, w):
    return np.linalg.norm(x, ord=1) * w + np.linalg.norm(x, ord=np.inf)


def rd_norm_axis(x, w):
    return np.sum(np.linalg.norm(x.reshape(2, -1), axis=1) * w)


def rd_norm_fro(x, w):
    return np.linalg.norm(x.reshape(2, -1), "fro") * w


def rd_matmul_vec(x, w):
    a = x.reshape(2, -1)
    return np.sum(a @ a.T @ np.array([1.0, w]))


def rd_dot_1d2d(x, w):
    a = x.reshape(-1, 2)
    return np.sum(np.dot(x[:a.shape[0]], a) * w)


def rd_tensordot(x, w):
    a = x.reshape(2, -1)
    return np.sum(np.tensordot(a, a, axes=([1], [1]))) * w


def rd_kron(x, w):
    return np.sum(np.kron(x[:2], x[:3] * w) ** 2)


def rd_cross(x, w):
    return np.sum(np.cross(x[:3], x[1:4] * w) ** 2)


def rd_outer_add(x, w):
    return np.sum(np.add.outer(x, x * w) ** 2)


def rd_reduce_multiply(x, w):
    return np.multiply.reduce(x * w)


def rd_accumulate(x, w):
    return np.sum(np.maximum.accumulate(x) * w)


def rd_cummax_ties(x, w):
    return np.sum(np.add.accumulate(x * w) ** 2)


def rd_convolve(x, w):
    return np.sum(np.convolve(x, [1.0, w, 0.5]) ** 2)


def rd_correlate(x, w):
    return np.sum(np.correlate(x, [1.0, w], mode="same") ** 2)


def rd_histogram_free(x, w):
    return np.sum(np.sort(x)[::-1][:2]) * w


def rd_quantile_axis(x, w):
    return np.sum(np.quantile(x.reshape(2, -1), 0.5, axis=1)) * w


def rd_mean_where(x, w):
    return np.mean(x * w, where=x > -1.0)


def rd_sum_keep_axis_none(x, w):
    return np.sum(x.reshape(2, -1) * np.sum(x, keepdims=True) * w)


def fn_ldexp(x, w):
    return np.sum(np.ldexp(x * w, 2))


def fn_modf(x, w):
    f, i = np.modf(x * 3.0)
    return np.sum(f * w + i * x)


def fn_frexp(x, w):
    m, e = np.frexp(x * w)
    return np.sum(m * e)


def fn_divmod(x, w):
    q, r = np.divmod(x, 0.5)
    return np.sum(q * x + r * w)


def fn_sinc(x, w):
    return np.sum(np.sinc(x * w))


def fn_i0(x, w):
    return np.sum(np.i0(x) * w)


def fn_deg2rad(x, w):
    return np.sum(np.sin(np.deg2rad(x * 30.0)) * w) + np.sum(np.radians(x))


def fn_unwrap(x, w):
    return np.sum(np.unwrap(x * 3.0) * w)


def fn_gradient(x, w):
    return np.sum(np.gradient(x ** 2, w) ** 2)


def fn_gradient_2d(x, w):
    gy, gx = np.gradient(x.reshape(2, -1) ** 2)
    return np.sum(gy * w + gx ** 2)


def fn_trapezoid(x, w):
    f = getattr(np, "trapezoid", None) or np.trapz
    return f(x ** 2, dx=w)


def fn_cov(x, w):
    return np.sum(np.cov(x.reshape(2, -1) * w))


def fn_corrcoef(x, w):
    return np.sum(np.corrcoef(x.reshape(2, -1) + w * np.arange(x.size).reshape(2, -1)))


def fn_bincount(x, w):
    return np.sum(np.bincount([0, 1, 1, 0] + [2] * (x.size - 4), weights=x * w) ** 2)


def fn_histogram_weights(x, w):
    h, _ = np.histogram([0.1, 0.5, 0.6, 0.9] + [0.2] * (x.size - 4), bins=3, range=(0, 1), weights=x * w)
    return np.sum(h ** 2)


def fn_exp2_expm1(x, w):
    return np.sum(np.exp2(x) * w + np.expm1(x) + np.log1p(x ** 2) + np.logaddexp2(x, w))


def fn_power_int_valued_float(x, w):
    return np.sum(np.power(x, 2.0) * w)


def fn_eigh(x, w):
    a = np.outer(x, x) + np.diag(np.arange(x.size) * 1.0) * w
    return np.sum(np.linalg.eigh(a)[0] * np.arange(x.size))


def fn_eigvalsh(x, w):
    a = np.outer(x, x) + np.diag(np.arange(x.size) * 1.0) * w
    return np.sum(np.linalg.eigvalsh(a) ** 2)


def fn_svd_vals(x, w):
    return np.sum(np.linalg.svd(x.reshape(2, -1) * w, compute_uv=False))


def fn_qr(x, w):
    q, r = np.linalg.qr(x.reshape(-1, 2) + w)
    return np.sum(np.abs(np.diag(r)))


def fn_cholesky(x, w):
    a = np.outer(x, x) + np.eye(x.size) * (1.0 + w)
    return np.sum(np.linalg.cholesky(a))


def fn_lstsq(x, w):
    a = x.reshape(-1, 2) + np.eye(x.size // 2, 2)
    sol = np.linalg.lstsq(a, np.arange(x.size // 2) * w, rcond=None)[0]
    return np.sum(sol ** 2)


def fn_pinv(x, w):
    return np.sum(np.linalg.pinv(x.reshape(2, -1) * w))


def fn_cond(x, w):
    return np.linalg.cond(x[:4].reshape(2, 2) + np.eye(2) * w)


def fn_fft(x, w):
    return np.sum(np.abs(np.fft.fft(x * w)) ** 2)


def fn_rfft(x, w):
    return np.sum(np.abs(np.fft.rfft(x)) * w)


def fn_fft_real(x, w):
    return np.sum(np.fft.fft(x).real * w + np.fft.ifft(x).imag)


def fn_norm_2_matrix(x, w):
    return np.linalg.norm(x.reshape(2, -1), 2) * w


def fn_norm_nuc(x, w):
    return np.linalg.norm(x.reshape(2, -1) * w, "nuc")


def fn_norm_neg_inf(x, w):
    return np.linalg.norm(x * w, -np.inf) + np.linalg.norm(x, 0.5)


def fn_multi_dot(x, w):
    a = x.reshape(2, -1)
    return np.sum(np.linalg.multi_dot([a, a.T * w, a]))


def fn_inner_outer(x, w):
    return np.inner(x, x * w) + np.sum(np.outer(x, w * x)[0])


def fn_vdot(x, w):
    return np.vdot(x.reshape(2, -1), x.reshape(2, -1) * w)


def fn_tri_solve(x, w):
    a = np.tril(np.outer(x[:3], x[:3])) + np.eye(3) * 3.0
    return np.sum(np.linalg.solve(a, np.array([1.0, w, 2.0])))


def fn_matrix_transpose(x, w):
    a = x.reshape(2, -1)
    return np.sum(np.matmul(a, np.swapaxes(a, -1, -2)) * w)


def fn_linalg_matrix_norm_axis(x, w):
    a = x.reshape(1, 2, -1)
    return np.sum(np.linalg.norm(a, axis=(1, 2))) * w


def fn_sqrt_sum_sq(x, w):
    return np.sqrt(np.sum((x - x) ** 2)) * w + np.sum(x)


def fn_logdet_via_slogdet(x, w):
    a = np.eye(3) * 2.0 + np.outer(x[:3], x[1:4]) * w
    sign, ld = np.linalg.slogdet(a)
    return ld


def fn_det_batch(x, w):
    a = np.stack([np.eye(2) * 2.0 + np.outer(x[:2], x[2:4]), np.eye(2) * w])
    return np.sum(np.linalg.det(a))


def fn_einsum_ij_ji(x, w):
    a = x.reshape(2, -1)
    return np.einsum("ij->ji", a)[0, 1] * w + np.einsum("ij,ij->", a, a)


def fn_einsum_optimize(x, w):
    a = x.reshape(2, -1)
    return np.einsum("ij,kj,k->", a, a, np.array([1.0, w]), optimize=True)


def fn_cumsum_reverse(x, w):
    return np.sum(np.cumsum(x[::-1])[::-1] * w * x)


def fn_nancumsum(x, w):
    y = np.where(x > 0, x, np.nan)
    return np.sum(np.nancumsum(y) * w)


def fn_nanprod(x, w):
    y = np.where(x > 0, x, np.nan)
    return np.nanprod(y * w)


def fn_nanstd(x, w):
    y = np.where(x > -1.0, x, np.nan)
    return np.nanstd(y * w)


def fn_nanmin_arg(x, w):
    y = np.where(x > 0, x, np.nan)
    return np.nanmin(y) * w + y[np.nanargmax(y)]


def ed_gradient_edge2(x, w):
    return np.sum(np.gradient(x ** 3, edge_order=2) * w)


def ed_gradient_coords(x, w):
    t = np.cumsum(np.abs(x) + 0.5)
    return np.sum(np.gradient(x * w, t) ** 2)


def ed_gradient_axis(x, w):
    return np.sum(np.gradient(x.reshape(2, -1) ** 2, w, axis=1))


def ed_diff_append(x, w):
    return np.sum(np.diff(x, append=[w, 2.0 * w]) ** 2)


def ed_interp_left_right(x, w):
    return np.sum(np.interp(x * 2.0, [-1.0, 0.0, 1.0], [0.0, 1.0, 3.0], left=w, right=-w))


def ed_interp_period(x, w):
    return np.sum(np.interp(x * w, [0.0, 1.0, 2.0], [0.0, 1.0, 3.0], period=3.0))


def ed_convolve_valid(x, w):
    return np.sum(np.convolve(x, [w, 1.0, 2.0], mode="valid") ** 2)


def ed_convolve_same_long_kernel(x, w):
    return np.sum(np.convolve([1.0, w], x, mode="same") ** 2)


def ed_correlate_full(x, w):
    return np.sum(np.correlate(x, [1.0, 2.0, w], mode="full") ** 2)


def ed_norm_keepdims(x, w):
    a = x.reshape(2, -1)
    return np.sum(a / np.linalg.norm(a, axis=1, keepdims=True) * w)


def ed_mean_where_axis(x, w):
    a = x.reshape(2, -1)
    return np.sum(np.mean(a * w, axis=1, where=a > -1.0))


def ed_var_where(x, w):
    return np.var(x * w, where=x < 2.0)


def ed_std_where_ddof(x, w):
    return np.std(x * w, ddof=1, where=x > -1.0)


def ed_percentile_nearest(x, w):
    return np.percentile(x * w, 40, method="nearest")


def ed_percentile_lower(x, w):
    return np.percentile(x, 60, method="lower") * w


def ed_quantile_array_q(x, w):
    return np.sum(np.quantile(x * w, [0.25, 0.5, 0.9]))


def ed_median_even(x, w):
    return np.median(x * w) + np.median(x.reshape(2, -1), axis=0).sum()


def ed_average_returned(x, w):
    avg, tot = np.average(x.reshape(2, -1), axis=0, weights=[w, 1.0], returned=True)
    return np.sum(avg) + np.sum(tot)


def ed_cumprod_zero(x, w):
    y = x * 1.0
    y[1] = 0.0
    return np.sum(np.cumprod(y * w)) + np.sum(x)


def ed_einsum_ellipsis(x, w):
    a = x.reshape(2, -1)
    return np.sum(np.einsum("...i,...i->...", a, a * w))


def ed_tensordot_zero(x, w):
    return np.sum(np.tensordot(x, x[:2] * w, axes=0) ** 2)


def ed_kron_2d(x, w):
    a = x[:4].reshape(2, 2)
    return np.sum(np.kron(a, a * w) ** 2)


def ed_roll_tuple(x, w):
    a = x.reshape(2, -1)
    return np.sum(np.roll(a, (1, 1), axis=(0, 1)) * np.arange(x.size).reshape(2, -1) * w)


def ed_sort_axis_none(x, w):
    return np.sum(np.sort(x.reshape(2, -1), axis=None) * np.arange(x.size) * w)


def ed_take_along_none(x, w):
    a = x.reshape(2, -1)
    return np.sum(np.take_along_axis(a, np.array([3, 0, 1]), axis=None) * w)


def ed_clip_inverted(x, w):
    return np.sum(np.clip(x, 1.0, -1.0 * w) * x)


def ed_maximum_nan(x, w):
    y = np.where(x > 2.0, np.nan, x)
    return np.sum(np.nan_to_num(np.maximum(y, w * 0.3)))


def ed_fmax_nan(x, w):
    y = np.where(x > 2.0, np.nan, x)
    return np.sum(np.fmax(y, w * 0.3))


def ed_fmin_both_nan(x, w):
    y = np.where(x > 0.0, np.nan, x)
    return np.nansum(np.fmin(y, y * w))


def ed_max_empty_initial(x, w):
    return np.max(x[:0], initial=w) + np.sum(x)


def ed_heaviside_zero(x, w):
    y = x * 1.0
    y[0] = 0.0
    return np.sum(np.heaviside(y, w) * x)


def ed_argsort_stable(x, w):
    y = np.concatenate([x, x])
    return np.sum(y[np.argsort(y, kind="stable")] * np.arange(y.size) * w)


def ed_cumsum_axis_neg(x, w):
    return np.sum(np.cumsum(x.reshape(2, -1), axis=-2) ** 2 * w)


def ed_trapz_x(x, w):
    t = np.cumsum(np.abs(x) + 0.5)
    f = getattr(np, "trapezoid", None)
    if f is None:
        f = np.trapz
    return f(x ** 2 * w, t)


def ed_polyval_2d(x, w):
    return np.sum(np.polyval([1.0, w, 2.0], x.reshape(2, -1)))


def ed_polyfit(x, w):
    t = np.arange(x.size, dtype=float)
    return np.sum(np.polyfit(t, x * w, 1) ** 2)


def ed_round_half(x, w):
    return np.sum(np.round(x * w, 0) + x)


def ed_logsumexp_axis_keep(x, w):
    a = x.reshape(2, -1)
    m = np.max(a, axis=1, keepdims=True)
    return np.sum(m + np.log(np.sum(np.exp(a - m), axis=1, keepdims=True))) * w


def ed_softmax_stable(x, w):
    e = np.exp(x * w - np.max(x * w))
    p = e / e.sum()
    return np.sum(p * np.arange(x.size))


def ed_outer_subtract(x, w):
    d = np.subtract.outer(x, x)
    return np.sum(np.exp(-d ** 2 * w))


def ed_pairwise_norm(x, w):
    p = x.reshape(-1, 2)
    d = np.linalg.norm(p[:, None, :] - p[None, :, :] + np.eye(p.shape[0])[..., None], axis=-1)
    return np.sum(d * w)


def ed_ptp_axis(x, w):
    return np.sum(np.ptp(x.reshape(2, -1), axis=0) * w)


def ed_amin_axis_tuple(x, w):
    return np.sum(np.amin(x.reshape(1, 2, -1), axis=(0, 2)) * w)


def ed_argmin_take(x, w):
    a = x.reshape(2, -1)
    i = np.argmin(a, axis=1)
    return np.sum(a[np.arange(2), i] * w)


def ed_std_keepdims_axis(x, w):
    a = x.reshape(2, -1)
    return np.sum((a - a.mean(1, keepdims=True)) / a.std(1, keepdims=True) * np.arange(a.shape[1])) * w


def ed_sum_bool_where_initial(x, w):
    return np.sum(x * w, where=x > 0, initial=1.5) + np.prod(x, where=x < 0, initial=w)


def ed_cummin(x, w):
    return np.sum(np.minimum.accumulate(x[::-1])[::-1] * w)


CASES = [(name, f) for name, f in list(globals().items())
         if name.startswith(('rd_', 'fn_', 'ed_')) and callable(f)]
