"""The eighty-ninth hunt's programs on NumPy's dtypes: NumPy scalars times arrays, ``astype``
to and from float32, int and bool, ``dtype=`` of reductions and of ``np.array``/``np.asarray``,
0-d and empty arrays, integer powers of negative bases, and values written into integer,
boolean or float32 arrays (``y = np.arange(n); y[0] = x[0] * w``: NumPy truncates, the
derivative through the write is zero), ufuncs given ``out=`` and ``where=`` (the common
safe division), ``linspace``/``arange``/``logspace`` of a differentiated bound; structured
dtypes (``np.zeros(n, dtype=[("a", float), ("b", float)])``, ``"f8,f8"``, a global
``np.dtype`` with fields), refused; NumPy's other array classes and helpers
(``np.matrix``, ``np.ma``, ``np.poly1d``, ``np.polynomial``, a subclass view,
``np.vectorize`` with a signature, ``np.errstate``, ``einsum(out=)``, seeded generators). Each
program is ``f(x, w)`` of a float array ``x`` (4 or 6 items) and a float ``w``."""
import numpy as np

DT = np.dtype([("a", float), ("b", float)])
DTL = [("a", float), ("b", float)]


def dt_float32_scalar(x, w):
    return float(np.sum(np.float32(2.0) * x * w))


def dt_int_mask_mul(x, w):
    m = (x > 0).astype(int)
    return np.sum(m * x * w)


def dt_bool_mul(x, w):
    return np.sum((x > 0) * x ** 2 * w)


def dt_mean_dtype(x, w):
    return np.mean(x * x, dtype=np.float64) * w


def dt_zero_d(x, w):
    a = np.array(w)
    return np.sum(x * a) * a


def dt_empty(x, w):
    e = x[:0]
    return np.sum(e) + np.sum(x * w) + np.prod(e)


def dt_complex_abs(x, w):
    z = x + 1j * w
    return np.sum(np.abs(z))


def dt_complex_real(x, w):
    z = x * (1.0 + 2.0j) * w
    return np.sum(z.real * z.imag)


def dt_asarray_dtype(x, w):
    y = np.asarray(x, dtype=np.float64)
    return np.sum(y * y * w)


def dt_array_copy_false(x, w):
    y = np.asarray(x)
    y[0] = w
    return np.sum(x * x)


def dt_int_power(x, w):
    return np.sum(np.power(x, 3) * w)


def dt_neg_base_int_exp(x, w):
    return np.sum((x - 3.0) ** 2 * w)


def dt_float_power(x, w):
    return np.sum(np.float_power(x, 2) * w)


def dt_floor_divide(x, w):
    return np.sum(x // 0.5 + x * w)


def dt_true_divide_int(x, w):
    return np.sum(x / np.arange(1, x.size + 1) * w)


def it_sum_dtype_int(x, w):
    return np.sum(x * 3.0, dtype=int) * w + np.sum(x * w)


def it_cumsum_dtype_int(x, w):
    return np.sum(np.cumsum(x * 3.0, dtype=int) * x) * w


def it_array_dtype_int(x, w):
    return np.sum(np.array(x * 3.0, dtype=int) * x * w)


def it_asarray_int(x, w):
    return np.sum(np.asarray(x * 3.0, dtype=np.int32) * w) + np.sum(x)


def it_astype_int(x, w):
    return np.sum((x * 3.0).astype(int) * x * w)


def it_full_like_int(x, w):
    return np.sum(np.full_like(x, w * 3.0, dtype=int) * x)


def it_full_int_then_set(x, w):
    y = np.full(x.size, 0)
    y[1] = x[1] * 3.0 * w
    return np.sum(y * x) + np.sum(x * w)


def it_arange_set(x, w):
    y = np.arange(x.size)
    y[0] = x[0] * 5.0 * w
    return np.sum(y * x)


def it_zeros_int_slice(x, w):
    y = np.zeros(x.size, dtype=int)
    y[:] = x * 3.0 * w
    return np.sum(y * x) + w


def it_int_list_array_set(x, w):
    y = np.array([1, 2, 3, 4])
    y[2] = x[2] * 4.0 + w
    return np.sum(y * x[:4])


def it_int_iadd_unsafe(x, w):
    y = np.zeros(x.size, dtype=int)
    np.add(y, x * 3.0 * w, out=y, casting="unsafe")
    return np.sum(y * x) + w


def it_copyto_int(x, w):
    y = np.zeros(x.size, dtype=int)
    np.copyto(y, x * 3.0 * w, casting="unsafe")
    return np.sum(y * x) + w


def it_put_int(x, w):
    y = np.arange(x.size)
    np.put(y, [0, 1], x[:2] * 4.0 * w)
    return np.sum(y * x)


def it_fancy_int(x, w):
    y = np.arange(x.size)
    y[[0, 2]] = x[:2] * 4.0 * w
    return np.sum(y * x)


def it_mask_int(x, w):
    y = np.arange(x.size)
    y[x > 0] = x[x > 0] * 3.0 * w
    return np.sum(y * x)


def it_bool_target(x, w):
    y = np.zeros(x.size, dtype=bool)
    y[:] = x * w
    return np.sum(y * x)


def it_float32_target(x, w):
    y = np.zeros(x.size, dtype=np.float32)
    y[:] = x * w
    return np.sum(y.astype(np.float64) * 0 + x * w)


def it_round(x, w):
    return np.sum(np.round(x * 3.0) * x * w)


def it_around_decimals(x, w):
    return np.sum(np.around(x * w, 1) * x)


def it_floor(x, w):
    return np.sum(np.floor(x * 3.0 * w) + x)


def it_int_builtin(x, w):
    return int(x[0] * 5.0) * w + np.sum(x * x)


def it_real_imag(x, w):
    return np.sum(np.real(x) * w + np.imag(x) + x.real * x)


def it_conj(x, w):
    return np.sum(np.conj(x) * x * w)


def it_divide_where_out(x, w):
    return np.sum(np.divide(w, x, out=np.zeros_like(x), where=x > 0))


def it_log_where_out(x, w):
    return np.sum(np.log(x, out=np.full_like(x, -1.0), where=x > 0) * w)


def it_sqrt_where_out(x, w):
    r = np.zeros_like(x)
    np.sqrt(x * w, out=r, where=x > 0)
    return np.sum(r)


def it_true_divide_where(x, w):
    out = x * 1.0
    np.true_divide(x, w, out=out, where=x < 0)
    return np.sum(out * x)


def it_add_dtype32(x, w):
    return float(np.sum(np.add(x, w, dtype=np.float64) * x))


def it_linspace(x, w):
    return np.sum(np.linspace(0.0, w, x.size) * x)


def it_linspace_endpoint(x, w):
    return np.sum(np.linspace(x[0], w, 5, endpoint=False) ** 2)


def it_arange_float(x, w):
    return np.sum(np.arange(w, 5.0) * x[0])


def it_logspace(x, w):
    return np.sum(np.logspace(0.0, w, 4) * x[0]) + np.sum(x)


def it_full(x, w):
    return np.sum(np.full((2, 3), w) @ np.ones(3)) * np.sum(x)


def it_clip_kw(x, w):
    return np.sum(x.clip(min=0.0) * w + x.clip(max=w))


def it_matrix_power(x, w):
    a = x[:4].reshape(2, 2) * w
    return np.sum(np.linalg.matrix_power(a, 3))


def it_heaviside(x, w):
    return np.sum(np.heaviside(x, w) * x)


def it_nan_to_num(x, w):
    return np.sum(np.nan_to_num(np.log(x), neginf=w, nan=w) * x)


def it_piecewise(x, w):
    return np.sum(np.piecewise(x, [x < 0, x >= 0], [lambda v: v * w, lambda v: v ** 2]))


def sd_keyword(x, w):
    r = np.zeros(2, dtype=[("a", float), ("b", float)])
    r["a"] = x[:2] * w
    return np.sum(r["a"] * x[2:4])


def sd_positional(x, w):
    r = np.zeros(2, [("a", float), ("b", float)])
    r["a"] = x[:2] * w
    return np.sum(r["a"] * x[2:4])


def sd_global_dtype(x, w):
    r = np.zeros(2, dtype=DT)
    r["b"] = x[:2] * w
    return np.sum(r["b"] ** 2)


def sd_local_list(x, w):
    fields = [("a", float), ("b", float)]
    r = np.zeros(2, dtype=fields)
    r["a"] = x[:2] * w
    return np.sum(r["a"] ** 2)


def sd_np_dtype_call(x, w):
    r = np.zeros(2, dtype=np.dtype({"names": ["a", "b"], "formats": [float, float]}))
    r["a"] = x[:2] * w
    return np.sum(r["a"] ** 2)


def sd_string_fields(x, w):
    r = np.zeros(2, dtype="f8,f8")
    r["f0"] = x[:2] * w
    return np.sum(r["f0"] ** 2)


def sd_array_records(x, w):
    r = np.array([(1.0, 2.0), (3.0, 4.0)], dtype=DTL)
    return np.sum(r["a"] * x[:2] * w)


def sd_plain_dtype_kept(x, w):
    y = np.zeros(x.size, dtype=float)
    y[:] = x * w
    return np.sum(y.astype(np.float64) * x) + np.sum(np.ones(2, np.float64))


def sb_matrix_mul(x, w):
    m = np.asmatrix(x[:4].reshape(2, 2))
    return float((m * m * w).sum())


def sb_matrix_pow(x, w):
    m = np.matrix(x[:4].reshape(2, 2))
    return float((m ** 2).sum()) * w


def sb_matrix_T_I(x, w):
    m = np.asmatrix(x[:4].reshape(2, 2) + np.eye(2) * 3.0)
    return float((m.I * w).sum())


def sb_masked_sum(x, w):
    m = np.ma.masked_where(x < 0, x)
    return float((m * w).sum())


def sb_masked_mean(x, w):
    m = np.ma.masked_array(x, mask=x > 2.0)
    return float(m.mean() * w)


def sb_masked_filled(x, w):
    m = np.ma.masked_less(x * w, 0.0)
    return float(np.sum(m.filled(0.0) ** 2))


def sb_poly1d_call(x, w):
    p = np.poly1d([w, 2.0, 1.0])
    return np.sum(p(x))


def sb_poly1d_mul(x, w):
    p = np.poly1d([1.0, w])
    q = p * p
    return np.sum(q(x))


def sb_polynomial_class(x, w):
    p = np.polynomial.Polynomial([1.0, w, 3.0])
    return np.sum(p(x))


def sb_chebval(x, w):
    return np.sum(np.polynomial.chebyshev.chebval(x, [1.0, w, 0.5]))


def sb_polynomial_polyval(x, w):
    return np.sum(np.polynomial.polynomial.polyval(x, [1.0, w, 0.5]))


def sb_vectorize_signature(x, w):
    f = np.vectorize(lambda r: np.sum(r ** 2) * w, signature="(n)->()")
    return np.sum(f(x.reshape(2, -1)))


def sb_errstate(x, w):
    with np.errstate(divide="ignore", invalid="ignore"):
        y = np.where(x > 0, np.log(x), 0.0)
    return np.sum(y * w)


def sb_einsum_out(x, w):
    out = np.empty(2)
    np.einsum("ij->i", x.reshape(2, -1) * w, out=out)
    return np.sum(out ** 2)


def sb_rng_fixed(x, w):
    rng = np.random.default_rng(0)
    noise = rng.normal(size=x.size)
    return np.sum((x + noise) ** 2 * w)


def sb_random_state(x, w):
    rs = np.random.RandomState(1)
    return np.sum(x * rs.rand(x.size)) * w


def sb_array_interface(x, w):
    return np.sum(np.asarray(x.tolist()) * x * w)


def sb_asarray_list_of_arrays(x, w):
    return np.sum(np.asarray([x, x * w]) ** 2)


def sb_matrix_from_asmatrix_A(x, w):
    m = np.asmatrix(x[:4].reshape(2, 2))
    return float(np.sum(np.asarray(m @ m) * w))


def sb_ndarray_subclass_view(x, w):
    class Tagged(np.ndarray):
        pass
    t = (x * w).view(Tagged)
    return float(np.sum(t * t))


def sb_matmul_matrix_vector(x, w):
    m = np.asmatrix(x[:4].reshape(2, 2))
    v = np.array([1.0, w])
    return float(np.sum(m * v[:, None]))


CASES = [(name, f) for name, f in list(globals().items())
         if name.startswith(('dt_', 'it_', 'sd_', 'sb_')) and callable(f)]
