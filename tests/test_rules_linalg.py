"""numpy.linalg and the products (tensordot, vdot, kron, cross, matmul, einsum, ...)
against central finite differences in float64: reverse and forward mode of the generated
code on random inputs of several shapes (stacks and broadcasting included), second order,
float32, and the values given where a derivative does not exist."""

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, needs_cross_of_2_vectors, needs_real_eig
from rule_harness import check_derivatives

RNG = np.random.default_rng(20250110)


def N(*shape):
    return RNG.standard_normal(shape)


def M(n, *batch):
    return RNG.standard_normal(batch + (n, n)) * 0.3 + 2.0 * np.eye(n)


def spd(n, *batch):
    x = RNG.standard_normal(batch + (n, n))
    return x @ np.swapaxes(x, -1, -2) + n * np.eye(n)


def distinct(n, *batch):
    """Symmetric with well separated eigenvalues."""
    q, _ = np.linalg.qr(RNG.standard_normal(batch + (n, n)))
    w = np.arange(1.0, n + 1.0) * 1.5
    return (q * w[..., None, :]) @ np.swapaxes(q, -1, -2) + 0.1 * RNG.standard_normal(batch + (n, n))


def real_distinct(n, *batch):
    """Not symmetric, with real, well separated eigenvalues."""
    p = np.eye(n) + 0.3 * RNG.standard_normal(batch + (n, n))
    return p @ (np.arange(1.0, n + 1.0) * 1.5 * np.eye(n)) @ np.linalg.inv(p)


def check(f, args, rtol=1e-5, atol=1e-6):
    check_derivatives(f, args, rtol=rtol, atol=atol, rng=RNG)


# ---------------------------------------------------------------------------------
# products
# ---------------------------------------------------------------------------------

def td_int(a, b): return np.tensordot(a, b, axes=1)
def td_default(a, b): return np.tensordot(a, b)
def td_lists(a, b): return np.tensordot(a, b, axes=([0, 2], [1, 0]))
def td_zero(a, b): return np.tensordot(a, b, axes=0)
def td_linalg(a, b): return np.linalg.tensordot(a, b, axes=1)
def p_vdot(a, b): return np.vdot(a, b)
def p_kron(a, b): return np.kron(a, b)
def p_cross(a, b): return np.cross(a, b)
def p_cross_axes(a, b): return np.cross(a, b, axisa=0, axisb=1, axisc=0)
def p_cross_axis(a, b): return np.cross(a, b, axis=0)
def p_cross_linalg(a, b): return np.linalg.cross(a, b)
def p_matmul_linalg(a, b): return np.linalg.matmul(a, b)
def p_outer_linalg(a, b): return np.linalg.outer(a, b)
def p_matmul_op(a, b): return a @ b
def p_dot(a, b): return np.dot(a, b)
def p_einsum_sublist(a, b): return np.einsum(a, [0, 1], b, [1, 2], [0, 2])
def p_einsum_sublist_implicit(a, b): return np.einsum(a, [Ellipsis, 0], b, [0])
def p_einsum_bcast(a, b): return np.einsum('...ij,jk->...ik', a, b)
def p_vecdot(a, b): return np.vecdot(a, b)
def p_vecdot_axis(a, b): return np.vecdot(a, b, axis=0)
def p_vecdot_linalg(a, b): return np.linalg.vecdot(a, b, axis=-2)
def p_multi_dot(a, b): return np.linalg.multi_dot([a, b, b.T])
def p_multi_dot_vectors(a, b): return np.linalg.multi_dot((b[0], a, a.T @ b[1]))


PRODUCTS = [
    (td_int, [(2, 3), (3, 4)]), (td_int, [(2, 3, 4), (4,)]), (td_default, [(2, 3, 4), (3, 4, 5)]),
    (td_lists, [(3, 2, 4), (4, 3, 5)]), (td_zero, [(2,), (3,)]), (td_linalg, [(2, 3), (3,)]),
    (p_vdot, [(3,), (3,)]), (p_vdot, [(2, 3), (3, 2)]),
    (p_kron, [(2, 3), (3, 2)]), (p_kron, [(2,), (3, 2)]), (p_kron, [(2, 2, 1), (3,)]),
    (p_cross, [(3,), (3,)]), (p_cross, [(4, 3), (3,)]), (p_cross, [(2, 1, 3), (4, 3)]),
    (p_cross, [(3,), (4, 2)]), (p_cross_axes, [(3, 4), (4, 3)]), (p_cross_axis, [(3, 5), (3, 5)]),
    (p_cross_linalg, [(4, 3), (4, 3)]),
    (p_matmul_linalg, [(5, 2, 3), (3,)]), (p_outer_linalg, [(3,), (4,)]),
    (p_matmul_op, [(3,), (3,)]), (p_matmul_op, [(2, 1, 3, 4), (5, 4, 2)]), (p_matmul_op, [(4,), (2, 4, 3)]),
    (p_dot, [(), (3,)]), (p_dot, [(2, 3), (4, 3, 5)]),
    (p_einsum_sublist, [(2, 3), (3, 4)]), (p_einsum_sublist_implicit, [(2, 3), (3,)]),
    (p_einsum_bcast, [(5, 2, 3), (3, 4)]),
    (p_vecdot, [(2, 3), (3,)]), (p_vecdot, [(4, 1, 3), (2, 3)]), (p_vecdot_axis, [(3, 2), (3, 1)]),
    (p_vecdot_linalg, [(2, 4, 3), (4, 3)]),
    (p_multi_dot, [(2, 3), (3, 4)]), (p_multi_dot_vectors, [(2, 3), (2, 2)]),
]


@pytest.mark.parametrize("f, shapes", PRODUCTS, ids=[f"{f.__name__}-{s}" for f, s in PRODUCTS])
def test_products(f, shapes):
    needs_cross_of_2_vectors(f is p_cross and any(s and s[-1] == 2 for s in shapes))
    check(f, tuple(N(*s) if s else float(N()) for s in shapes))


def p_cross_2d(a, b): return np.cross(a, b)


def test_cross_of_2_vectors():
    needs_cross_of_2_vectors()
    with pytest.warns(DeprecationWarning):
        check(p_cross_2d, (N(4, 2), N(4, 2)))


# ---------------------------------------------------------------------------------
# numpy.linalg
# ---------------------------------------------------------------------------------

def la_solve(a, b): return np.linalg.solve(a, b)
def la_slogdet(a): return np.linalg.slogdet(a)[1]
def la_slogdet_both(a):
    sign, logdet = np.linalg.slogdet(a)
    return sign * logdet
def la_cholesky(a): return np.linalg.cholesky(a)
def la_cholesky_upper(a): return np.linalg.cholesky(a, upper=True)
def la_qr(a):
    q, r = np.linalg.qr(a)
    return q * 2.0 + np.sum(r, axis=-2, keepdims=True)
def la_qr_r(a): return np.linalg.qr(a)[1]
def la_eigh(a):
    w, v = np.linalg.eigh(a)
    return w[..., None, :] * v ** 2 + v        # sign-invariant uses of v are not needed: FD is local
def la_eigh_upper(a): return np.linalg.eigh(a, UPLO='U')[0]
def la_eigvalsh(a): return np.linalg.eigvalsh(a)
def la_eig(a):
    w, v = np.linalg.eig(a)
    return w[..., None, :] * v
def la_svd(a):
    u, s, vh = np.linalg.svd(a, full_matrices=False)
    return (u * s[..., None, :]) @ vh + np.sum(u * 2.0, axis=-2, keepdims=True) @ vh + vh[..., :1, :] ** 2
def la_svd_full_square(a):
    u, s, vh = np.linalg.svd(a)
    return u @ vh + s[..., None]
def la_svd_values(a): return np.linalg.svd(a, compute_uv=False)
def la_svdvals(a): return np.linalg.svdvals(a)
def la_pinv(a): return np.linalg.pinv(a)
def la_lstsq(a, b):
    x, res, rank, s = np.linalg.lstsq(a, b)
    return np.sum(x * x) + np.sum(res) * 0.5 + np.sum(s * s[0])
def la_lstsq_x(a, b): return np.linalg.lstsq(a, b)[0]
def la_power3(a): return np.linalg.matrix_power(a, 3)
def la_power_neg(a): return np.linalg.matrix_power(a, -2)
def la_power0(a): return np.linalg.matrix_power(a, 0) + a
def la_trace(a): return np.linalg.trace(a, offset=1)
def la_inv(a): return np.linalg.inv(a)
def la_det(a): return np.linalg.det(a)
def la_eig_frontend(a):
    w, v = np.linalg.eig(a)
    return w[..., None, :] * v + np.sum(v, axis=-2, keepdims=True)
def la_eigvals(a): return np.linalg.eigvals(a)


LINALG = [
    (la_solve, lambda: (M(3), N(3))), (la_solve, lambda: (M(3, 4), N(3))), (la_solve, lambda: (M(3), N(2, 3, 2))),
    (la_solve, lambda: (M(3, 2), N(3, 4))),
    (la_slogdet, lambda: (M(3),)), (la_slogdet, lambda: (M(3, 2),)), (la_slogdet_both, lambda: (-M(3),)),
    (la_cholesky, lambda: (spd(3),)), (la_cholesky, lambda: (spd(3, 2) + np.triu(N(3, 3), 1),)),
    (la_cholesky_upper, lambda: (spd(3) + np.tril(N(3, 3), -1),)),
    (la_qr, lambda: (N(4, 3),)), (la_qr, lambda: (N(2, 3, 3),)), (la_qr_r, lambda: (N(5, 2),)),
    (la_eigh, lambda: (distinct(3),)), (la_eigh, lambda: (distinct(3, 2),)), (la_eigh_upper, lambda: (distinct(4),)),
    (la_eigvalsh, lambda: (distinct(3),)),
    (la_svd, lambda: (N(4, 3),)), (la_svd, lambda: (N(2, 3, 5),)), (la_svd_full_square, lambda: (N(3, 3),)),
    (la_svd_values, lambda: (N(4, 3),)), (la_svd_values, lambda: (N(2, 2, 3),)), (la_svdvals, lambda: (N(3, 4),)),
    (la_pinv, lambda: (N(4, 3),)), (la_pinv, lambda: (N(2, 3, 4),)),
    (la_lstsq, lambda: (N(5, 3), N(5))), (la_lstsq, lambda: (N(5, 3), N(5, 2))), (la_lstsq_x, lambda: (N(3, 4), N(3))),
    (la_power3, lambda: (N(3, 3),)), (la_power3, lambda: (N(2, 3, 3),)), (la_power_neg, lambda: (M(3),)),
    (la_power0, lambda: (N(2, 2),)), (la_trace, lambda: (N(2, 3, 4),)),
    (la_inv, lambda: (M(3, 2),)), (la_det, lambda: (M(3, 2),)),
    (la_eig_frontend, lambda: (real_distinct(3),)), (la_eig_frontend, lambda: (real_distinct(3, 2),)),
    (la_eigvals, lambda: (real_distinct(4),)),
]


@pytest.mark.parametrize("f, args", LINALG, ids=[f"{f.__name__}-{i}" for i, (f, _) in enumerate(LINALG)])
def test_linalg(f, args):
    needs_real_eig(f in (la_eig_frontend, la_eigvals))
    check(f, args())


def nv(x, ord, axis=None, keepdims=False):
    return np.linalg.norm(x, ord, axis, keepdims)


def n_none(x): return np.linalg.norm(x)
def n_fro(x): return np.linalg.norm(x, 'fro')
def n_nuc(x): return np.linalg.norm(x, 'nuc')
def n_inf(x): return np.linalg.norm(x, np.inf)
def n_minf(x): return np.linalg.norm(x, -np.inf)
def n_1(x): return np.linalg.norm(x, 1)
def n_m1(x): return np.linalg.norm(x, -1)
def n_2(x): return np.linalg.norm(x, 2)
def n_m2(x): return np.linalg.norm(x, -2)
def n_3(x): return np.linalg.norm(x, 3)
def n_half(x): return np.linalg.norm(x, 0.5)
def n_0(x): return np.linalg.norm(x, 0) + np.sum(x)
def n_axis(x): return np.linalg.norm(x, 3, axis=1)
def n_axis_keep(x): return np.linalg.norm(x, np.inf, axis=-1, keepdims=True)
def n_matrix_axes(x): return np.linalg.norm(x, 'nuc', axis=(2, 0))
def n_matrix_1_axes(x): return np.linalg.norm(x, 1, axis=(0, 1), keepdims=True)
def n_matrix_2_axes(x): return np.linalg.norm(x, 2, axis=(-1, -2))
def n_matrix_inf_axes(x): return np.linalg.norm(x, -np.inf, axis=(1, 2))
def n_matrix_norm(x): return np.linalg.matrix_norm(x, ord=1)
def n_matrix_norm_default(x): return np.linalg.matrix_norm(x)
def n_matrix_norm_nuc(x): return np.linalg.matrix_norm(x, ord='nuc', keepdims=True)
def n_matrix_norm_m2(x): return np.linalg.matrix_norm(x, ord=-2)
def n_matrix_norm_inf(x): return np.linalg.matrix_norm(x, ord=np.inf)
def n_vector_norm(x): return np.linalg.vector_norm(x)
def n_vector_norm_1(x): return np.linalg.vector_norm(x, ord=1)
def n_vector_norm_axes(x): return np.linalg.vector_norm(x, axis=(0, 2), ord=3)
def n_vector_norm_inf(x): return np.linalg.vector_norm(x, axis=(-1, -2), ord=np.inf, keepdims=True)
def n_vector_norm_minf(x): return np.linalg.vector_norm(x, axis=1, ord=-np.inf)
def n_vector_norm_half(x): return np.linalg.vector_norm(x, ord=0.5)


VECTOR_ORDS = [n_none, n_inf, n_minf, n_1, n_2, n_3, n_half, n_0, n_m1, n_m2]
MATRIX_ORDS = [n_none, n_fro, n_nuc, n_inf, n_minf, n_1, n_m1, n_2, n_m2]
NORMS = [(f, (5,)) for f in VECTOR_ORDS] + [(f, (3, 4)) for f in MATRIX_ORDS] + [
    (n_axis, (2, 3, 4)), (n_axis_keep, (3, 4)), (n_matrix_axes, (3, 2, 4)), (n_matrix_1_axes, (3, 4, 2)),
    (n_matrix_2_axes, (2, 3, 4)), (n_matrix_inf_axes, (2, 3, 4)), (n_none, (2, 3, 4)),
    (n_matrix_norm, (2, 3, 4)), (n_matrix_norm_default, (2, 3, 4)), (n_matrix_norm_nuc, (2, 4, 3)),
    (n_matrix_norm_m2, (3, 3)), (n_matrix_norm_inf, (3, 4)),
    (n_vector_norm, (5,)), (n_vector_norm, (3, 4)), (n_vector_norm_1, (3, 4)), (n_vector_norm_axes, (2, 3, 4)),
    (n_vector_norm_inf, (2, 3, 4)), (n_vector_norm_minf, (3, 4)), (n_vector_norm_half, (2, 3))]


@pytest.mark.parametrize("f, shape", NORMS, ids=[f"{f.__name__}-{s}" for f, s in NORMS])
def test_norm(f, shape):
    check(f, (N(*shape) + 0.1 * np.sign(N(*shape)),))


# ---------------------------------------------------------------------------------
# second order: x -> <cos x, grad(sum(sin(op(x))))(x)>
# ---------------------------------------------------------------------------------

def _scalar(x):
    return np.sum(np.sin(OP(x)))


def _second(x):
    return np.sum(FIRST(x) * np.cos(x))


def second_order(op):
    import types
    scalar = types.FunctionType(_scalar.__code__, {**globals(), "OP": op}, "_scalar")
    return types.FunctionType(_second.__code__, {**globals(), "FIRST": astgrad.grad(scalar)}, "_second")


def s_tensordot(x): return np.tensordot(x, x * x, axes=([1], [1]))
def s_kron(x): return np.kron(x, x[0])
def s_cross(x): return np.cross(x, x[::-1] + 1.0)
def s_vdot(x): return np.vdot(x, np.sin(x))
def s_slogdet(x): return np.linalg.slogdet(x + 3.0 * np.eye(3))[1]
def s_cholesky(x): return np.linalg.cholesky(x @ x.T + 3.0 * np.eye(3))
def s_qr(x): return np.sum(np.linalg.qr(x)[0], axis=0) + np.linalg.qr(x)[1]
def s_eigh(x): return np.linalg.eigh(x + x.T + np.diag([0.0, 3.0, 6.0]))[1] ** 2
def s_eigvalsh(x): return np.linalg.eigvalsh(x + x.T + np.diag([0.0, 3.0, 6.0]))
def s_eig(x): return np.linalg.eig(x + np.diag([0.0, 3.0, 6.0]))[0]
def s_svd(x): return np.linalg.svd(x, full_matrices=False)[0] ** 2
def s_svdvals(x): return np.linalg.svd(x, compute_uv=False)
def s_pinv(x): return np.linalg.pinv(x)
def s_lstsq(x): return np.linalg.lstsq(x, x[:, 0] + 1.0)[0]
def s_power(x): return np.linalg.matrix_power(x, 3)
def s_norm_nuc(x): return np.linalg.norm(x, 'nuc')
def s_norm_3(x): return np.linalg.norm(x, 3, axis=0)
def s_norm_2(x): return np.linalg.norm(x, 2)
def s_solve(x): return np.linalg.solve(x + 3.0 * np.eye(3), x[0])
def s_eigvals(x): return np.linalg.eigvals(x + np.diag([0.0, 3.0, 6.0]))
def s_vector_norm(x): return np.linalg.vector_norm(x, ord=3)
def s_matrix_norm(x): return np.linalg.matrix_norm(x, ord='nuc')
def s_vecdot(x): return np.vecdot(x, x[0] * x[1])
def s_multi_dot(x): return np.linalg.multi_dot([x, x.T, x])


SECOND = [(s_tensordot, (2, 3)), (s_kron, (2, 3)), (s_cross, (2, 3)), (s_vdot, (2, 3)), (s_slogdet, (3, 3)),
          (s_cholesky, (3, 3)), (s_qr, (4, 3)), (s_eigh, (3, 3)), (s_eigvalsh, (3, 3)),
          (s_svd, (4, 3)), (s_svdvals, (3, 4)), (s_pinv, (4, 3)), (s_lstsq, (5, 3)), (s_power, (3, 3)),
          (s_norm_nuc, (3, 4)), (s_norm_3, (3, 4)), (s_norm_2, (3, 4)), (s_solve, (3, 3)),
          (s_eigvals, (3, 3)), (s_vector_norm, (3, 4)), (s_matrix_norm, (3, 4)), (s_vecdot, (2, 3)),
          (s_multi_dot, (2, 3))]


@pytest.mark.parametrize("op, shape", SECOND, ids=[op.__name__ for op, _ in SECOND])
def test_second_order(op, shape):
    needs_real_eig(op is s_eigvals)
    x = N(*shape) * 0.5
    check(second_order(op), (x,), rtol=1e-4, atol=1e-5)


# ---------------------------------------------------------------------------------
# the templates of functions with tuple results, evaluated directly
# ---------------------------------------------------------------------------------

TUPLES = [
    (np.linalg.slogdet, lambda: (M(3, 2),), {}, (1,)),
    (np.linalg.qr, lambda: (N(4, 3),), {}, (0, 1)),
    (np.linalg.eigh, lambda: (distinct(3),), {"UPLO": "U"}, (0, 1)),
    (np.linalg.eig, lambda: (distinct(3, 2),), {}, (0, 1)),
    (np.linalg.svd, lambda: (N(2, 4, 3),), {"full_matrices": False}, (0, 1, 2)),
    (np.linalg.svd, lambda: (N(3, 3),), {}, (0, 1, 2)),
    (np.linalg.lstsq, lambda: (N(5, 3), N(5, 2)), {}, (0, 1, 3)),
]


@pytest.mark.parametrize("case", TUPLES, ids=lambda c: c[0].__name__)
def test_tuple_result_templates(case):
    needs_real_eig(case[0] is np.linalg.eig)
    from fd import numerical_jvp
    from rule_harness import inner, run_adjoint, run_tangent
    primitive, make_args, kwargs, items = case
    args = make_args()
    tangents = {name: N(*np.shape(a)) for name, a in zip(("a", "b"), args)}
    y, jvp = run_tangent(primitive, args, kwargs, tangents)

    def f(*xs):
        out = primitive(*xs, **kwargs)
        return tuple(np.asarray(out[i], dtype=float) for i in items)

    expected = numerical_jvp(f, args, tuple(tangents[n] for n in ("a", "b")[:len(args)]))
    for position, i in enumerate(items):
        assert_close(jvp[i], expected[position], rtol=1e-5, atol=1e-6, msg=f"item {i}")
    cotangent = [N(*np.shape(v)) if i in items else np.zeros(np.shape(v)) for i, v in enumerate(y)]
    _, adjoints = run_adjoint(primitive, args, kwargs, cotangent, wrt=set(tangents))
    lhs = sum(inner(cotangent[i], jvp[i]) for i in items)
    rhs = sum(inner(adjoints[name], t) for name, t in tangents.items())
    assert np.isclose(lhs, rhs, rtol=1e-9, atol=1e-9)


def test_eig_with_complex_eigenvalues_is_refused_clearly():
    from rule_harness import run_tangent
    rotation = np.array([[0.0, -1.0], [1.0, 0.0]])
    with pytest.raises(NotImplementedError, match="complex eigenvalues"):
        run_tangent(np.linalg.eig, (rotation,), {}, {"a": N(2, 2)})


# ---------------------------------------------------------------------------------
# refusals, float32, and the values where no derivative exists
# ---------------------------------------------------------------------------------

def la_svd_full(a): return np.sum(np.linalg.svd(a)[1])
def la_qr_wide(a): return np.sum(np.linalg.qr(a)[1])


@pytest.mark.parametrize("f, shape, text", [(la_svd_full, (4, 3), "full_matrices=False"),
                                             (la_qr_wide, (2, 3), "at least as many rows")])
def test_refusals_name_the_fix(f, shape, text):
    with pytest.raises(NotImplementedError, match=text) as refusal:
        astgrad.grad(f)(N(*shape))
    # raised by the rule's code when the derivative runs: named at the user's line (not
    # at the line the statement has in the rule's own file, counted from the function)
    assert f"test_rules_linalg.py:{f.__code__.co_firstlineno}:" in str(refusal.value)


def f32_all(a, b):
    return (np.sum(np.linalg.inv(a) * 2.0) + np.linalg.slogdet(a)[1] + np.sum(np.linalg.eigvalsh(a + a.T))
            + np.sum(np.linalg.svd(a, compute_uv=False)) + np.linalg.norm(a, 'nuc') + np.linalg.norm(b, 3)
            + np.sum(np.kron(a, b)) + np.sum(np.tensordot(a, a)) + np.sum(np.cross(b, b[::-1]))
            + np.sum(np.linalg.matrix_power(a, 2)) + np.sum(np.linalg.cholesky(a @ a.T + np.eye(3, dtype=np.float32))))


def test_float32_inputs_give_float32_derivatives():
    a, b = M(3).astype(np.float32), N(3).astype(np.float32)
    ga, gb = astgrad.grad(f32_all, (0, 1))(a, b)
    assert ga.dtype == np.float32 and gb.dtype == np.float32
    expected = astgrad.grad(f32_all, (0, 1))(a.astype(np.float64), b.astype(np.float64))
    assert_close(ga, expected[0], rtol=1e-3, atol=1e-3)


def sp_eigvalsh(a): return np.sum(np.linalg.eigvalsh(a) * np.array([1.0, 2.0, 3.0]))
def sp_eigh_vectors(a): return np.sum(np.linalg.eigh(a)[1])
def sp_svdvals(a): return np.sum(np.linalg.svd(a, compute_uv=False) * np.array([1.0, 2.0]))
def sp_norm(x): return np.linalg.norm(x)
def sp_norm_inf(x): return np.linalg.norm(x, np.inf)
def sp_norm_2(x): return np.linalg.norm(x, 2)


def test_repeated_eigenvalues():
    """Eigenvalues keep a finite derivative (the one JAX and autograd give: v diag(c) v^T);
    eigenvectors have none: inf or NaN."""
    a = np.eye(3) * 2.0
    g = astgrad.grad(sp_eigvalsh)(a)
    v = np.linalg.eigh(a)[1]
    expected = v @ np.diag([1.0, 2.0, 3.0]) @ v.T
    assert_close(g, np.tril(expected + expected.T) - np.diag(np.diag(expected)))
    with np.errstate(all="ignore"):
        assert not np.all(np.isfinite(astgrad.grad(sp_eigh_vectors)(a)))


def test_repeated_singular_values_and_norms_at_special_points():
    g = astgrad.grad(sp_svdvals)(np.eye(2))
    u, s, vh = np.linalg.svd(np.eye(2))
    assert_close(g, u @ np.diag([1.0, 2.0]) @ vh)
    assert np.all(astgrad.grad(sp_norm)(np.zeros(3)) == 0.0)
    assert_close(astgrad.grad(sp_norm_inf)(np.array([1.0, -1.0, 0.5])), np.array([0.5, -0.5, 0.0]))
    assert_close(astgrad.grad(sp_norm_2)(np.eye(2)), np.eye(2) * 0.5)


def sp_slogdet(a): return np.linalg.slogdet(a)[1]


def test_slogdet_of_a_singular_matrix_is_nan_not_an_error():
    with np.errstate(all="ignore"):
        g = astgrad.grad(sp_slogdet)(np.ones((2, 2)))
    assert np.all(np.isnan(g))
