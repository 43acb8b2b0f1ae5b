"""Every NumPy rule against central finite differences (float64, random inputs).

Each case is a small function defined here (astgrad reads its source). ``check``
runs the generated gradient code itself (``grad(f, wrt).plain``, which does not
reshape or cast its results) with a random cotangent, and compares every gradient,
shape included, with ``numerical_grad(f, args, wrt, seed=cotangent)``.
"""

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad
from rule_harness import check_derivatives

RNG = np.random.default_rng(20240601)


def normal(*shape):
    return float(RNG.standard_normal()) if not shape else RNG.standard_normal(shape)


def positive(*shape):
    return float(RNG.uniform(0.5, 2.0)) if not shape else RNG.uniform(0.5, 2.0, shape)


def unit(*shape):
    return float(RNG.uniform(-0.9, 0.9)) if not shape else RNG.uniform(-0.9, 0.9, shape)


def above_one(*shape):
    return float(RNG.uniform(1.2, 3.0)) if not shape else RNG.uniform(1.2, 3.0, shape)


def away_from_zero(*shape):
    """|x| in [0.3, 2]: no kink of abs/sign within a finite-difference step."""
    x = positive(*shape) - 0.2
    signs = RNG.choice([-1.0, 1.0], size=np.shape(x))
    return float(x * signs) if not shape else x * signs


def well_conditioned(n, *batch):
    return RNG.standard_normal(batch + (n, n)) * 0.3 + np.eye(n) * 2.0


def check(f, args, wrt=None, rtol=1e-5, atol=1e-6):
    """Reverse and forward mode of f against central finite differences."""
    check_derivatives(f, args, wrt, rtol=rtol, atol=atol, rng=RNG)


# ---------------------------------------------------------------------------------
# elementwise, one argument
# ---------------------------------------------------------------------------------

def np_sin(x): return np.sin(x)
def np_cos(x): return np.cos(x)
def np_tan(x): return np.tan(x)
def np_arcsin(x): return np.arcsin(x)
def np_arccos(x): return np.arccos(x)
def np_arctan(x): return np.arctan(x)
def np_sinh(x): return np.sinh(x)
def np_cosh(x): return np.cosh(x)
def np_tanh(x): return np.tanh(x)
def np_arcsinh(x): return np.arcsinh(x)
def np_arccosh(x): return np.arccosh(x)
def np_arctanh(x): return np.arctanh(x)
def np_exp(x): return np.exp(x)
def np_expm1(x): return np.expm1(x)
def np_exp2(x): return np.exp2(x)
def np_log(x): return np.log(x)
def np_log1p(x): return np.log1p(x)
def np_log2(x): return np.log2(x)
def np_log10(x): return np.log10(x)
def np_sqrt(x): return np.sqrt(x)
def np_cbrt(x): return np.cbrt(x)
def np_square(x): return np.square(x)
def np_abs(x): return np.abs(x)
def np_absolute(x): return np.absolute(x)
def np_fabs(x): return np.fabs(x)
def np_negative(x): return np.negative(x)
def np_positive(x): return np.positive(x)
def np_reciprocal(x): return np.reciprocal(x)


UNARY = [
    (np_sin, normal), (np_cos, normal), (np_tan, unit), (np_arcsin, unit), (np_arccos, unit),
    (np_arctan, normal), (np_sinh, normal), (np_cosh, normal), (np_tanh, normal),
    (np_arcsinh, normal), (np_arccosh, above_one), (np_arctanh, unit), (np_exp, normal),
    (np_expm1, normal), (np_exp2, normal), (np_log, positive), (np_log1p, positive),
    (np_log2, positive), (np_log10, positive), (np_sqrt, positive), (np_cbrt, away_from_zero),
    (np_square, normal), (np_abs, away_from_zero), (np_absolute, away_from_zero),
    (np_fabs, away_from_zero), (np_negative, normal), (np_positive, normal),
    (np_reciprocal, away_from_zero),
]


@pytest.mark.parametrize("shape", [(), (3,), (2, 3)], ids=str)
@pytest.mark.parametrize("f, domain", UNARY, ids=[f.__name__ for f, _ in UNARY])
def test_unary(f, domain, shape):
    check(f, (domain(*shape),))


# ---------------------------------------------------------------------------------
# elementwise, two arguments, with broadcasting
# ---------------------------------------------------------------------------------

def np_add(x, y): return np.add(x, y)
def np_subtract(x, y): return np.subtract(x, y)
def np_multiply(x, y): return np.multiply(x, y)
def np_divide(x, y): return np.divide(x, y)
def np_true_divide(x, y): return np.true_divide(x, y)
def np_power(x, y): return np.power(x, y)
def np_arctan2(x, y): return np.arctan2(x, y)
def np_hypot(x, y): return np.hypot(x, y)
def np_maximum(x, y): return np.maximum(x, y)
def np_minimum(x, y): return np.minimum(x, y)
def np_mod(x, y): return np.mod(x, y)
def np_logaddexp(x, y): return np.logaddexp(x, y)
def np_logaddexp2(x, y): return np.logaddexp2(x, y)


BINARY = [
    (np_add, normal, normal), (np_subtract, normal, normal), (np_multiply, normal, normal),
    (np_divide, normal, away_from_zero), (np_true_divide, normal, away_from_zero),
    (np_power, positive, normal), (np_arctan2, normal, away_from_zero),
    (np_hypot, away_from_zero, away_from_zero), (np_maximum, normal, normal),
    (np_minimum, normal, normal), (np_mod, positive, above_one), (np_logaddexp, normal, normal),
    (np_logaddexp2, normal, normal),
]
BROADCAST_SHAPES = [((3, 4), (3, 4)), ((3, 4), (4,)), ((3, 1), (1, 4)), ((), (3,)), ((2, 3), ()),
                    ((4,), (2, 3, 4))]


@pytest.mark.parametrize("shapes", BROADCAST_SHAPES, ids=str)
@pytest.mark.parametrize("f, dx, dy", BINARY, ids=[f.__name__ for f, _, _ in BINARY])
def test_binary_broadcasting(f, dx, dy, shapes):
    check(f, (dx(*shapes[0]), dy(*shapes[1])))


def np_where(c, x, y): return np.where(c > 0, x, y)
def np_clip_both(a, lo, hi): return np.clip(a, lo, hi)
def np_clip_low(a, lo): return np.clip(a, lo, None)
def np_clip_high(a, hi): return np.clip(a, None, hi)
def np_clip_consts(a): return np.clip(a, -0.5, 0.5)


@pytest.mark.parametrize("shapes", [((3, 4), (3, 4), (3, 4)), ((3, 4), (4,), (3, 1)), ((3,), (), (2, 3))], ids=str)
def test_where(shapes):
    check(np_where, (normal(*shapes[0]), normal(*shapes[1]), normal(*shapes[2])), wrt=(1, 2))


def test_clip():
    a = normal(4, 5)
    lo, hi = normal(5) - 0.6, normal(4, 1) + 0.6
    check(np_clip_both, (a, lo, hi))
    check(np_clip_low, (a, normal(5)))
    check(np_clip_high, (a, 0.3))
    check(np_clip_consts, (np.array([-2.0, -0.2, 0.1, 0.45, 3.0]),))


def test_maximum_splits_ties_evenly():
    g = astgrad.grad(np_maximum, (0, 1)).plain(np.array([1.0, 2.0, 3.0]), np.array([1.0, 1.0, 5.0]),
                                              d_np_maximum=np.ones(3))
    assert_close(g[0], [0.5, 1.0, 0.0])
    assert_close(g[1], [0.5, 0.0, 1.0])


def logistic(t):
    """1 / (1 + exp(-t)) without overflow: the analytic d logaddexp(x, y) / dx at t = x - y."""
    return 1.0 / (1.0 + np.exp(-t)) if t >= 0 else np.exp(t) / (1.0 + np.exp(t))


@pytest.mark.parametrize("x, y", [(1000.0, 0.0), (0.0, 1000.0), (-800.0, -750.0), (1e6, 1e6 + 3.0),
                                  (40.0, 0.0), (-1e300, 2.0)], ids=str)
def test_logaddexp_large_magnitudes(x, y):
    """Finite, and exact to rounding, far outside finite differences' reach; both modes."""
    for f, scale in ((np_logaddexp, 1.0), (np_logaddexp2, np.log(2.0))):
        expected = (logistic(scale * (x - y)), logistic(scale * (y - x)))
        assert_close(astgrad.grad(f, (0, 1))(x, y), expected, rtol=1e-12, atol=0.0)
        assert_close(astgrad.jvp(f, (x, y), (1.0, 0.0))[1], expected[0], rtol=1e-12, atol=0.0)
        assert_close(astgrad.jvp(f, (x, y), (0.0, 1.0))[1], expected[1], rtol=1e-12, atol=0.0)


@pytest.mark.parametrize("f", [np_logaddexp, np_logaddexp2], ids=lambda f: f.__name__)
def test_logaddexp_infinite_result_is_maximum(f):
    """Where the result is infinite, logaddexp is maximum: ties at -inf or inf split evenly."""
    x = np.array([-np.inf, np.inf, np.inf, -np.inf, np.inf, 2.0])
    y = np.array([-np.inf, np.inf, 3.0, 2.0, -np.inf, np.inf])
    with np.errstate(invalid="ignore"):
        gx, gy = astgrad.grad(f, (0, 1)).plain(x, y, **{"d_" + f.__name__: np.ones(6)})
        tangent = astgrad.jvp(f, (x, y), (np.ones(6), np.zeros(6)))[1]
    assert_close(gx, [0.5, 0.5, 1.0, 0.0, 1.0, 0.0])
    assert_close(gy, [0.5, 0.5, 0.0, 1.0, 0.0, 1.0])
    assert_close(tangent, gx)


# ---------------------------------------------------------------------------------
# reductions
# ---------------------------------------------------------------------------------

def np_sum(x, axis, keepdims): return np.sum(x, axis=axis, keepdims=keepdims)
def np_mean(x, axis, keepdims): return np.mean(x, axis=axis, keepdims=keepdims)
def np_prod(x, axis, keepdims): return np.prod(x, axis=axis, keepdims=keepdims)
def np_max(x, axis, keepdims): return np.max(x, axis=axis, keepdims=keepdims)
def np_min(x, axis, keepdims): return np.min(x, axis=axis, keepdims=keepdims)
def np_amax(x, axis, keepdims): return np.amax(x, axis=axis, keepdims=keepdims)
def np_amin(x, axis, keepdims): return np.amin(x, axis=axis, keepdims=keepdims)
def np_var(x, axis, keepdims): return np.var(x, axis=axis, keepdims=keepdims)
def np_std(x, axis, keepdims): return np.std(x, axis=axis, keepdims=keepdims)
def np_var_ddof(x, axis, keepdims): return np.var(x, axis=axis, ddof=1, keepdims=keepdims)
def np_std_ddof(x, axis, keepdims): return np.std(x, axis, ddof=1, keepdims=keepdims)
def m_sum(x, axis, keepdims): return x.sum(axis=axis, keepdims=keepdims)
def m_mean(x, axis, keepdims): return x.mean(axis=axis, keepdims=keepdims)
def m_prod(x, axis, keepdims): return x.prod(axis=axis, keepdims=keepdims)
def m_max(x, axis, keepdims): return x.max(axis=axis, keepdims=keepdims)
def m_min(x, axis, keepdims): return x.min(axis=axis, keepdims=keepdims)
def m_var(x, axis, keepdims): return x.var(axis=axis, keepdims=keepdims)
def m_std(x, axis, keepdims): return x.std(axis=axis, ddof=1, keepdims=keepdims)


REDUCTIONS = [np_sum, np_mean, np_prod, np_max, np_min, np_amax, np_amin, np_var, np_std,
              np_var_ddof, np_std_ddof, m_sum, m_mean, m_prod, m_max, m_min, m_var, m_std]


@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize("axis", [None, 0, 1, -1, (0, 2)], ids=str)
@pytest.mark.parametrize("f", REDUCTIONS, ids=lambda f: f.__name__)
def test_reduction(f, axis, keepdims):
    check(f, (positive(2, 3, 4), axis, keepdims), wrt=0)


def np_sum_plain(x): return np.sum(x)
def np_sum_positional_axis(x): return np.sum(x, 1)
def np_mean_plain(x): return np.mean(x)
def np_prod_plain(x): return np.prod(x)
def np_max_plain(x): return np.max(x)


@pytest.mark.parametrize("f", [np_sum_plain, np_sum_positional_axis, np_mean_plain, np_prod_plain,
                               np_max_plain], ids=lambda f: f.__name__)
def test_reduction_default_arguments(f):
    check(f, (normal(3, 4),))


def test_prod_with_zeros_is_exact():
    g = astgrad.grad(np_prod_plain)
    assert_close(g(np.array([2.0, 0.0, 3.0, 4.0])), [0.0, 24.0, 0.0, 0.0])
    assert_close(g(np.array([0.0, 5.0, 0.0])), [0.0, 0.0, 0.0])
    x = np.array([[1.0, 0.0, 2.0], [3.0, 4.0, 5.0]])
    check(np_prod, (x, 1, False), wrt=0)
    check(np_prod, (x, 0, True), wrt=0)


def test_max_min_split_ties_evenly():
    x = np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]])
    g = astgrad.grad(np_max, 0).plain(x, 1, False, d_np_max=np.array([1.0, 3.0]))
    assert_close(g, [[0.0, 0.5, 0.5], [1.0, 1.0, 1.0]])
    g = astgrad.grad(np_min, 0).plain(x, None, False, d_np_min=1.0)
    assert_close(g, [[1.0, 0.0, 0.0], [0.0, 0.0, 0.0]])


def np_cumsum(x): return np.cumsum(x)
def np_cumsum_axis(x): return np.cumsum(x, axis=1)
def np_cumsum_axis0(x): return np.cumsum(x, 0)
def m_cumsum(x): return x.cumsum(axis=-1)


@pytest.mark.parametrize("f", [np_cumsum, np_cumsum_axis, np_cumsum_axis0, m_cumsum], ids=lambda f: f.__name__)
def test_cumsum(f):
    check(f, (normal(3, 4),))


# ---------------------------------------------------------------------------------
# linear algebra
# ---------------------------------------------------------------------------------

def np_dot(a, b): return np.dot(a, b)
def np_matmul(a, b): return np.matmul(a, b)
def np_inner(a, b): return np.inner(a, b)
def np_outer(a, b): return np.outer(a, b)
def m_dot(a, b): return a.dot(b)


PRODUCT_SHAPES = {
    "dot": [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)), ((2, 2, 3), (3, 4)),
            ((2, 3), (4, 3, 5)), ((), (2, 3)), ((2, 3), ())],
    "matmul": [((3,), (3,)), ((2, 3), (3,)), ((3,), (3, 4)), ((2, 3), (3, 4)), ((5, 2, 3), (3, 4)),
               ((2, 3), (5, 3, 4)), ((3,), (5, 3, 4)), ((5, 2, 3), (3,)), ((5, 1, 2, 3), (4, 3, 2))],
    "inner": [((3,), (3,)), ((2, 3), (3,)), ((3,), (4, 3)), ((2, 3), (4, 3)), ((2, 2, 3), (4, 3)), ((), (2, 3))],
    "outer": [((3,), (4,)), ((2, 3), (4,)), ((3,), (2, 2)), ((), (3,))],
}
PRODUCTS = [(f, shapes) for f, kind in [(np_dot, "dot"), (np_matmul, "matmul"), (np_inner, "inner"),
                                         (np_outer, "outer"), (m_dot, "dot")]
            for shapes in PRODUCT_SHAPES[kind] if not (f is m_dot and shapes[0] == ())]


@pytest.mark.parametrize("f, shapes", PRODUCTS, ids=[f"{f.__name__}-{s}" for f, s in PRODUCTS])
def test_products(f, shapes):
    check(f, (normal(*shapes[0]), normal(*shapes[1])))


def es_matmul(a, b): return np.einsum('ij,jk->ik', a, b)
def es_trace(a): return np.einsum('ii->', a)
def es_diag(a): return np.einsum('ii->i', a)
def es_sum(a): return np.einsum('ij->', a)
def es_implicit(a, b): return np.einsum('ij,jk', a, b)
def es_dot(a, b): return np.einsum('i,i', a, b)
def es_outer(a, b): return np.einsum('i,j->ij', a, b)
def es_batched(a, b): return np.einsum('...ij,...jk->...ik', a, b)
def es_three(a, b, c): return np.einsum('ij,jk,kl->il', a, b, c)
def es_transpose(a): return np.einsum('ijk->kij', a)
def es_hadamard(a, b): return np.einsum('ij,ij->ij', a, b)
def es_broadcast(a, b): return np.einsum('...i,...i->...', a, b)
def es_spaces(a, b): return np.einsum('ij, j -> i', a, b)


EINSUMS = [
    (es_matmul, [(2, 3), (3, 4)]), (es_trace, [(3, 3)]), (es_diag, [(3, 3)]), (es_sum, [(2, 3)]),
    (es_implicit, [(2, 3), (3, 4)]), (es_dot, [(3,), (3,)]), (es_outer, [(2,), (3,)]),
    (es_batched, [(5, 2, 3), (5, 3, 4)]), (es_three, [(2, 3), (3, 4), (4, 2)]),
    (es_transpose, [(2, 3, 4)]), (es_hadamard, [(2, 3), (2, 3)]), (es_broadcast, [(1, 3), (2, 3)]),
    (es_spaces, [(2, 3), (3,)]),
]


@pytest.mark.parametrize("f, shapes", EINSUMS, ids=[f.__name__ for f, _ in EINSUMS])
def test_einsum(f, shapes):
    check(f, tuple(normal(*s) for s in shapes))


def np_trace(a): return np.trace(a)
def np_trace_offset(a): return np.trace(a, offset=1)
def np_trace_negative_offset(a): return np.trace(a, -1)
def np_trace_axes(a): return np.trace(a, axis1=1, axis2=2)
def m_trace(a): return a.trace()


@pytest.mark.parametrize("f, shape", [(np_trace, (3, 3)), (np_trace, (3, 4)), (np_trace_offset, (3, 4)),
                                      (np_trace_negative_offset, (4, 3)), (np_trace_axes, (2, 3, 3)),
                                      (m_trace, (3, 3))], ids=str)
def test_trace(f, shape):
    check(f, (normal(*shape),))


def la_inv(a): return np.linalg.inv(a)
def la_det(a): return np.linalg.det(a)
def la_solve(a, b): return np.linalg.solve(a, b)
def la_norm(x): return np.linalg.norm(x)
def la_norm_axis(x): return np.linalg.norm(x, axis=1)
def la_norm_keepdims(x): return np.linalg.norm(x, axis=-1, keepdims=True)
def la_norm_fro(x): return np.linalg.norm(x, 'fro')
def la_norm_2(x): return np.linalg.norm(x, 2)
def la_norm_matrix_2(x): return np.linalg.norm(x, ord=2)


@pytest.mark.parametrize("f, args", [
    (la_inv, lambda: (well_conditioned(3),)),
    (la_inv, lambda: (well_conditioned(2, 4),)),
    (la_det, lambda: (well_conditioned(3),)),
    (la_det, lambda: (well_conditioned(3, 2),)),
    (la_solve, lambda: (well_conditioned(3), normal(3))),
    (la_solve, lambda: (well_conditioned(3), normal(3, 2))),
    (la_solve, lambda: (well_conditioned(3, 4), normal(4, 3, 2))),
    (la_norm, lambda: (normal(4),)),
    (la_norm, lambda: (normal(3, 4),)),
    (la_norm_axis, lambda: (normal(3, 4),)),
    (la_norm_keepdims, lambda: (normal(2, 3, 4),)),
    (la_norm_fro, lambda: (normal(3, 4),)),
    (la_norm_2, lambda: (normal(5),)),
], ids=lambda v: v.__name__ if callable(v) and hasattr(v, "__code__") and v.__name__ != "<lambda>" else "")
def test_linalg(f, args):
    check(f, args())


def test_norm_matrix_2():
    """The spectral norm (every other ord is in tests/test_rules_linalg.py)."""
    check(la_norm_matrix_2, (normal(3, 3),))


# ---------------------------------------------------------------------------------
# shapes
# ---------------------------------------------------------------------------------

def np_reshape(x): return np.reshape(x, (4, 3))
def np_reshape_minus1(x): return np.reshape(x, -1)
def np_reshape_fortran(x): return np.reshape(x, (2, 6), order='F')
def np_ravel(x): return np.ravel(x)
def np_transpose(x): return np.transpose(x)
def np_transpose_axes(x): return np.transpose(x, (1, 2, 0))
def np_transpose_negative(x): return np.transpose(x, axes=(-1, 0, 1))
def np_swapaxes(x): return np.swapaxes(x, 0, 2)
def np_moveaxis(x): return np.moveaxis(x, 0, -1)
def np_expand_dims(x): return np.expand_dims(x, 1)
def np_expand_dims_tuple(x): return np.expand_dims(x, (0, -1))
def np_squeeze(x): return np.squeeze(x)
def np_squeeze_axis(x): return np.squeeze(x, axis=0)
def np_broadcast_to(x): return np.broadcast_to(x, (2, 3, 4))
def np_flip(x): return np.flip(x, 1)
def m_reshape_args(x): return x.reshape(4, 3)
def m_reshape_tuple(x): return x.reshape((2, 6))
def m_reshape_minus1(x): return x.reshape(-1)
def m_transpose(x): return x.transpose()
def m_transpose_args(x): return x.transpose(2, 0, 1)
def m_transpose_tuple(x): return x.transpose((1, 0, 2))
def m_T(x): return x.T
def m_ravel(x): return x.ravel()
def m_flatten(x): return x.flatten()
def m_squeeze(x): return x.squeeze()
def m_swapaxes(x): return x.swapaxes(0, 1)
def m_copy(x): return x.copy()
def np_copy(x): return np.copy(x)


SHAPE_OPS = [
    (np_reshape, (3, 4)), (np_reshape_minus1, (3, 4)), (np_reshape_fortran, (3, 4)), (np_ravel, (3, 4)),
    (np_transpose, (2, 3, 4)), (np_transpose_axes, (2, 3, 4)), (np_transpose_negative, (2, 3, 4)),
    (np_swapaxes, (2, 3, 4)), (np_moveaxis, (2, 3, 4)), (np_expand_dims, (3, 4)),
    (np_expand_dims_tuple, (3, 4)), (np_squeeze, (1, 3, 1, 4)), (np_squeeze_axis, (1, 3, 4)),
    (np_broadcast_to, (3, 1)), (np_broadcast_to, (4,)), (np_broadcast_to, ()), (np_flip, (3, 4)),
    (m_reshape_args, (3, 4)), (m_reshape_tuple, (3, 4)), (m_reshape_minus1, (3, 4)),
    (m_transpose, (2, 3, 4)), (m_transpose_args, (2, 3, 4)), (m_transpose_tuple, (2, 3, 4)),
    (m_T, (3, 4)), (m_ravel, (3, 4)), (m_flatten, (3, 4)), (m_squeeze, (3, 1)), (m_swapaxes, (2, 3, 4)),
    (m_copy, (3, 4)), (np_copy, (3, 4)),
]


@pytest.mark.parametrize("f, shape", SHAPE_OPS, ids=[f"{f.__name__}-{s}" for f, s in SHAPE_OPS])
def test_shape_ops(f, shape):
    check(f, (normal(*shape),))


def np_concatenate(a, b): return np.concatenate([a, b])
def np_concatenate_axis(a, b): return np.concatenate((a, b), axis=1)
def np_concatenate_none(a, b): return np.concatenate([a, b], axis=None)
def np_stack(a, b): return np.stack([a, b])
def np_stack_axis(a, b): return np.stack((a, b), axis=1)
def np_stack_last(a, b): return np.stack([a, b, a], axis=-1)


@pytest.mark.parametrize("f, shapes", [
    (np_concatenate, [(2, 3), (4, 3)]), (np_concatenate_axis, [(2, 3), (2, 1)]),
    (np_concatenate_none, [(2, 3), (4,)]), (np_stack, [(2, 3), (2, 3)]),
    (np_stack_axis, [(2, 3), (2, 3)]), (np_stack_last, [(3,), (3,)]),
], ids=lambda v: v.__name__ if hasattr(v, "__name__") else str(v))
def test_join(f, shapes):
    check(f, tuple(normal(*s) for s in shapes))


# ---------------------------------------------------------------------------------
# constructors and conversions
# ---------------------------------------------------------------------------------

def np_array_scalars(a, b): return np.array([a, b, a * b])
def np_array_arrays(a, b): return np.array([a, b])
def np_array_nested(a, b): return np.array([[a, b], [b, a * a]])
def np_array_of_array(x): return np.array(x) * 2.0
def np_array_ndmin(x): return np.array(x, ndmin=3)
def np_asarray_list(a, b): return np.asarray((a, b))
def np_asarray_array(x): return np.asarray(x)
def np_astype(x): return x.astype(np.float64)
def np_ascontiguous_transpose(x): return np.ascontiguousarray(x.T) * np.arange(1.0, 1.0 + x.size).reshape(x.T.shape)
def np_asfortran_array(x): return np.asfortranarray(x) ** 2
def np_ascontiguous_number(a, b): return np.ascontiguousarray(a * b) * np.array([2.0])
def np_asfortran_list(a, b): return np.asfortranarray([a, b * a], dtype=np.float64)
def np_require(x): return np.require(x.T, requirements=["C", "W"]) * np.require(x.T, np.float64)
def np_astype_int(x): return x.astype(int) * x
def np_float64(x): return np.float64(x)
def np_full(v): return np.full((2, 3), v)
def np_full_like(x, v): return np.full_like(x, v) * x
def np_linspace(a, b): return np.linspace(a, b, 5)
def np_linspace_open(a, b): return np.linspace(a, b, 4, endpoint=False)
def np_arange(a): return np.arange(a, a + 2.5)
def np_arange_step(s): return np.arange(0.0, 2.0, s)
def constructors(x):
    z = np.zeros_like(x) + np.ones((3,)) + np.eye(3)[0] + np.ones_like(x) * np.zeros(3)
    return z * x


@pytest.mark.parametrize("f, args", [
    (np_array_scalars, lambda: (normal(), normal())),
    (np_array_arrays, lambda: (normal(3), normal(3))),
    (np_array_nested, lambda: (normal(), normal())),
    (np_array_nested, lambda: (normal(2), normal(2))),
    (np_array_of_array, lambda: (normal(2, 3),)),
    (np_array_ndmin, lambda: (normal(3),)),
    (np_asarray_list, lambda: (normal(), normal())),
    (np_asarray_array, lambda: (normal(2, 2),)),
    (np_astype, lambda: (normal(3),)),
    (np_ascontiguous_transpose, lambda: (normal(2, 3),)),
    (np_asfortran_array, lambda: (normal(2, 3),)),
    (np_ascontiguous_number, lambda: (normal(), normal())),
    (np_asfortran_list, lambda: (normal(), normal())),
    (np_require, lambda: (normal(2, 3),)),
    (np_astype_int, lambda: (normal(3) * 3,)),
    (np_float64, lambda: (normal(),)),
    (np_full, lambda: (normal(),)),
    (np_full_like, lambda: (normal(3), normal())),
    (np_linspace, lambda: (normal(), normal())),
    (np_linspace, lambda: (normal(2), normal(2))),
    (np_linspace_open, lambda: (normal(), normal())),
    (np_arange, lambda: (normal(),)),
    (np_arange_step, lambda: (0.5 + 0.2 * positive(),)),
    (constructors, lambda: (normal(3),)),
], ids=lambda v: getattr(v, "__name__", ""))
def test_constructors(f, args):
    check(f, args())


# ---------------------------------------------------------------------------------
# float32 stays float32
# ---------------------------------------------------------------------------------

def f32_mix(x, w):
    h = np.tanh(x @ w + 0.5)
    return np.sum(np.exp(h) * np.sqrt(np.abs(x[:, :1]) + 1.0)) + np.mean(np.log1p(h * h)) \
        + np.max(h) + np.prod(h[0]) + np.var(x) + np.linalg.norm(w) + np.sum(np.maximum(x, 0.1))


def f32_shapes(x, w):
    y = np.concatenate([x, x * 2.0], axis=1).reshape(-1, 2).T
    z = np.einsum('ij,kj->ik', x, w) + np.trace(x @ x.T) + np.sum(np.clip(x, -0.2, 0.2))
    return np.sum(y ** 2) + np.sum(z) + np.sum(np.where(x > 0, x, 0.1 * x)) + np.sum(np.cumsum(x, axis=0))


def f32_scalar_seed(x):
    return np.sum(np.sin(x)) * 2.0 + np.mean(x[1:]) + np.sum(np.stack([x, x]))


@pytest.mark.parametrize("f, shapes", [(f32_mix, [(3, 4), (4, 2)]), (f32_shapes, [(3, 4), (2, 4)]),
                                       (f32_scalar_seed, [(5,)])], ids=lambda v: getattr(v, "__name__", ""))
def test_float32_in_float32_out(f, shapes):
    args64 = tuple(normal(*s) * 0.5 for s in shapes)
    args32 = tuple(a.astype(np.float32) for a in args64)
    wrt = tuple(range(len(args32)))
    grads = astgrad.grad(f, wrt).plain(*args32)
    grads = grads if isinstance(grads, tuple) else (grads,)
    for i, g in enumerate(grads):
        assert isinstance(g, np.ndarray) and g.dtype == np.float32, \
            f"{f.__name__}: gradient {i} is {type(g).__name__} {getattr(g, 'dtype', '')}, expected float32"
        expected = numerical_grad(f, args64, wrt=i)
        # float32 arithmetic: relative precision ~1e-7 per operation
        assert_close(g, expected, rtol=1e-3, atol=1e-4, msg=f"{f.__name__}: gradient {i}")


# ---------------------------------------------------------------------------------
# second order: the generated gradient code is differentiated again
# ---------------------------------------------------------------------------------

def _scalar(x):
    return np.sum(np.sin(OP(x)))


def _second(x):
    return np.sum(FIRST(x) * np.cos(x))


def second_order(op):
    """x -> <cos x, grad(sum(sin(op(x))))(x)>: its gradient needs the adjoints of op's
    adjoint (and of every helper op's adjoint calls)."""
    import types
    scalar = types.FunctionType(_scalar.__code__, {**globals(), "OP": op}, "_scalar")
    return types.FunctionType(_second.__code__, {**globals(), "FIRST": astgrad.grad(scalar)}, "_second")


def r_var(x): return np.var(x, axis=1, ddof=1)
def r_std(x): return np.std(x, axis=0, keepdims=True)
def r_prod_axis(x): return np.prod(x, axis=1)
def r_max_axis(x): return np.max(x, axis=0)
def r_mean_method(x): return x.mean(axis=-1)
def p_matmul(x): return x @ x.T
def p_dot(x): return np.dot(x, x.T)
def p_inner(x): return np.inner(x, x * 2.0)
def p_outer(x): return np.outer(x, x[0])
def p_einsum(x): return np.einsum('ij,kj->ik', x, x)
def p_einsum_trace(x): return np.einsum('ij,ji', x, x)
def p_solve(x): return np.linalg.solve(x @ x.T + 3.0 * np.eye(3), x)
def p_solve_vector(x): return np.linalg.solve(x[:, :3] + 3.0 * np.eye(3), x[:, 3])
def e_power(x): return np.power(x, np.cos(x))
def e_pow_operator(x): return (x + 1.0) ** x
def e_maximum(x): return np.maximum(x, np.cos(x))
def e_arctan2(x): return np.arctan2(x, x * x + 1.0)
def e_hypot(x): return np.hypot(x, 1.0)
def e_logaddexp(x): return np.logaddexp(x, np.sin(x))
def e_logaddexp2(x): return np.logaddexp2(x * 3.0, x[0])
def e_clip(x): return np.clip(x * 3.0, -0.5, x + 2.0)
def e_where(x): return np.where(x > 0.0, x * x, np.sin(x))
def e_divide(x): return x / (x * x + 1.0)
def j_concatenate(x): return np.concatenate([x, x * x], axis=1)
def j_stack(x): return np.stack([x, np.exp(x)], axis=-1)
def j_array(x): return np.array([x[0, 0] * x[1, 1], x[0, 1], np.sin(x[1, 0])])
def j_index(x): return x[::-1, [0, 0, 2]] * x[1]
def j_builtin_sum(x): return sum(x) * x[0]
def j_float(x): return float(x[0, 1]) * x


SECOND_ORDER = [
    (np_sin, normal), (np_tan, unit), (np_arcsin, unit), (np_arccos, unit), (np_arctan, normal),
    (np_sinh, normal), (np_cosh, normal), (np_tanh, normal), (np_exp, normal), (np_expm1, normal),
    (np_exp2, normal), (np_log, positive), (np_log1p, positive), (np_log2, positive), (np_log10, positive),
    (np_sqrt, positive), (np_cbrt, away_from_zero), (np_square, normal), (np_abs, away_from_zero),
    (np_reciprocal, away_from_zero), (np_sum_plain, normal), (np_sum_positional_axis, normal),
    (np_mean_plain, normal), (np_prod_plain, normal), (np_max_plain, normal), (r_var, normal),
    (r_std, normal), (r_prod_axis, normal), (r_max_axis, normal), (r_mean_method, normal),
    (np_cumsum, normal), (np_cumsum_axis, normal), (m_cumsum, normal),
    (p_matmul, normal), (p_dot, normal), (p_inner, normal), (p_outer, normal), (p_einsum, normal),
    (p_einsum_trace, normal), (p_solve, normal), (p_solve_vector, normal),
    (e_power, positive), (e_pow_operator, positive), (e_maximum, normal), (e_arctan2, normal),
    (e_hypot, normal), (e_logaddexp, normal), (e_logaddexp2, normal), (e_clip, normal), (e_where, away_from_zero), (e_divide, normal),
    (j_concatenate, normal), (j_stack, normal), (j_array, normal), (j_index, normal),
    (j_builtin_sum, normal), (j_float, normal), (la_norm, normal), (la_norm_axis, normal),
    (np_reshape, normal), (np_transpose_axes, normal), (m_T, normal), (m_reshape_args, normal),
    (np_broadcast_to, normal), (np_squeeze, normal), (np_expand_dims, normal), (np_swapaxes, normal),
    (np_trace_offset, normal), (es_diag, normal), (es_transpose, normal), (np_flip, normal),
]
SECOND_ORDER_SHAPES = {p_solve_vector: (3, 4), p_einsum_trace: (3, 3), np_transpose_axes: (2, 3, 4), es_transpose: (2, 3, 4),
                       np_swapaxes: (2, 3, 4), np_squeeze: (1, 3, 1, 4), np_broadcast_to: (3, 1),
                       np_reshape: (3, 4), m_reshape_args: (3, 4), es_diag: (3, 3), p_solve: (3, 2)}


@pytest.mark.parametrize("op, domain", SECOND_ORDER, ids=[op.__name__ for op, _ in SECOND_ORDER])
def test_second_order(op, domain):
    x = domain(*SECOND_ORDER_SHAPES.get(op, (2, 3)))
    check(second_order(op), (x,), rtol=1e-5, atol=1e-5)


def la_inv_sum(x): return np.linalg.inv(x)
def la_det_scaled(x): return np.linalg.det(x) * 0.5


@pytest.mark.parametrize("op", [la_inv_sum, la_det_scaled], ids=lambda f: f.__name__)
def test_second_order_linalg(op):
    check(second_order(op), (well_conditioned(3),), rtol=1e-5, atol=1e-5)


# ---------------------------------------------------------------------------------
# NumPy functions given lists and tuples of numbers
# ---------------------------------------------------------------------------------

def seq_sum(a, b): return np.sum([a, b * a])
def seq_max_mean(a, b): return np.max([a, b]) + np.mean((a, b, a * a))
def seq_dot(a, b): return np.dot([a, b], [b, 2.0])
def seq_sin(x): return np.sum(np.sin([x[0], x[1] * 2.0]))


@pytest.mark.parametrize("f, args", [(seq_sum, (0.3, 1.2)), (seq_max_mean, (0.3, 1.2)), (seq_dot, (0.3, 1.2)),
                                     (seq_sin, (np.array([0.3, 0.9]),))], ids=lambda v: getattr(v, "__name__", ""))
def test_sequence_arguments(f, args):
    check(f, args)
