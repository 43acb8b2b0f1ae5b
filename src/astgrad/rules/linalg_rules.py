"""Derivatives of numpy.linalg functions and of trace.

Conventions are those of ``numpy_rules.py``: adjoints have exactly their input's shape
and keep its float dtype; stacks of matrices (the last two axes) are supported where
NumPy supports them.
"""

import numpy

from ..runtime import (
    block_triangular, cholesky_phi, cond_masks, cond_power, column_shape, det_cofactors, in_result, inverse_or_nan, inverse_or_zero,
    lstsq_residuals, lstsq_residuals_adjoint, matmul_adjoint_left, norm_axes, norm_exponent, norm_select,
    off_diagonal_inverse, over, quarter_turn, qr_lower_mask, full_rank_r, real_eigenvalues, real_matrix, scale, signed_power, skew_lower,
    skew_lower_adjoint, spectral_input, spectral_output, spectral_weights, svd_part, svd_shapes, svd_signs,
    svd_unpart, transpose_if, triangle_symmetric, triangle_symmetric_adjoint, unbroadcast, unreduce, untrace,
    upper_right,
    matrix_columns, scipy_upper, solve_read, solve_read_adjoint, solve_reads, triangle, triangular_transposed,
    lstsq_checked, lstsq_options, lu_permutation, lu_transposed, qr_options, qr_part, qr_shapes, qr_unpart,
    scipy_qr_mask, unit_lower,
)
from .registry import FRESH, adjoint, d, declare, non_differentiable, register, tangent


@adjoint(numpy.trace)
def trace(y, a, offset=0, axis1=0, axis2=1, dtype=None):
    d[a] = untrace(d[y], a, offset, axis1, axis2)


@tangent(numpy.trace)
def trace(y, a, offset=0, axis1=0, axis2=1, dtype=None):
    d[y] = numpy.trace(d[a], offset, axis1, axis2)


@adjoint(numpy.linalg.inv)
def inv(y, a):
    d[a] = -numpy.matmul(numpy.swapaxes(y, -1, -2), numpy.matmul(d[y], numpy.swapaxes(y, -1, -2)))


@tangent(numpy.linalg.inv)
def inv(y, a):
    d[y] = -numpy.matmul(y, numpy.matmul(d[a], y))


# The derivative of det is the cofactor matrix (det(a) * inv(a).T where a is invertible),
# computed so that it stays finite and exact at singular matrices too.
@adjoint(numpy.linalg.det)
def det(y, a):
    d[a] = numpy.expand_dims(d[y], (-2, -1)) * det_cofactors(a)


@tangent(numpy.linalg.det)
def det(y, a):
    d[y] = numpy.sum(det_cofactors(a) * d[a], axis=(-2, -1))


# x = solve(a, b) is inv(a) @ b with matmul's shapes (b a vector when it is 1-D); the
# derivatives reshape x to a stack of columns so one formula serves both.
@adjoint(numpy.linalg.solve)
def solve(x, a, b):
    g = numpy.linalg.solve(numpy.swapaxes(a, -1, -2), numpy.reshape(d[x], column_shape(x, b)))
    d[a] = -unbroadcast(numpy.matmul(g, numpy.swapaxes(numpy.reshape(x, column_shape(x, b)), -1, -2)), a)
    d[b] = unbroadcast(numpy.reshape(g, numpy.shape(x)), b)


@tangent(numpy.linalg.solve)
def solve(x, a, b):
    d[x] = -numpy.reshape(numpy.linalg.solve(a, numpy.matmul(d[a], numpy.reshape(x, column_shape(x, b)))),
                          numpy.shape(x))
    d[x] = numpy.linalg.solve(a, d[b])


# With t = tr(inv(a) da) (NaN where a is singular): d log|det a| = Re t, and the sign
# exp(i Im log det a) changes by sign * i Im t, where i Im z = (z - conj z) / 2; for a real
# a the sign is piecewise constant, and those terms are 0. The adjoint of a is
# (g_log + i Im(g_sign * sign)) inv(a)^T (no conjugate: JAX's and autograd's convention).
@adjoint(numpy.linalg.slogdet)
def slogdet(y, a):
    d[a] = numpy.expand_dims(d[y][1] + (d[y][0] * y[0] - numpy.conj(d[y][0] * y[0])) / 2, (-2, -1)) \
        * numpy.swapaxes(inverse_or_nan(a), -1, -2)


@tangent(numpy.linalg.slogdet)
def slogdet(y, a):
    d[y] = in_result(numpy.real(numpy.sum(numpy.swapaxes(inverse_or_nan(a), -1, -2) * d[a], axis=(-2, -1))), y, 1)
    d[y] = in_result(quarter_turn(y[0]) * numpy.imag(numpy.sum(numpy.swapaxes(inverse_or_nan(a), -1, -2) * d[a],
                                                                axis=(-2, -1))), y, 0)


# cholesky reads one triangle of a (the lower one, the upper with upper=True): the
# derivative is taken with respect to the symmetric matrix that triangle stands for.
# With a = L L^T: dL = L phi(L^-1 dA L^-T), phi = lower triangle with half the diagonal.
@adjoint(numpy.linalg.cholesky)
def cholesky(y, a, *, upper=False):
    l = transpose_if(real_matrix(y, "numpy.linalg.cholesky"), upper)
    lt = numpy.swapaxes(l, -1, -2)
    q = cholesky_phi(l) * numpy.matmul(lt, transpose_if(d[y], upper))
    d[a] = triangle_symmetric_adjoint(numpy.swapaxes(numpy.linalg.solve(lt, numpy.swapaxes(
        numpy.linalg.solve(lt, q), -1, -2)), -1, -2), upper)


@tangent(numpy.linalg.cholesky)
def cholesky(y, a, *, upper=False):
    l = transpose_if(real_matrix(y, "numpy.linalg.cholesky"), upper)
    d[y] = transpose_if(numpy.matmul(l, cholesky_phi(l) * numpy.linalg.solve(l, numpy.swapaxes(
        numpy.linalg.solve(l, triangle_symmetric(d[a], upper)), -1, -2))), upper)


# a = q r (reduced, m >= n). With b = q^T da r^-1 and skew_lower(b) = low*b - (low*b)^T:
# dq = q skew_lower(b) + (1 - q q^T) da r^-1, dr = (b - skew_lower(b)) r.
@adjoint(numpy.linalg.qr)
def qr(y, a, mode="reduced"):
    low = qr_lower_mask(a, mode)
    q = real_matrix(y[0], "numpy.linalg.qr")
    r = full_rank_r(y[1], "numpy.linalg.qr")
    m = numpy.matmul(d[y][1], numpy.swapaxes(r, -1, -2)) - numpy.matmul(numpy.swapaxes(q, -1, -2), d[y][0])
    bbar = m - skew_lower_adjoint(m, low)
    d[a] = numpy.swapaxes(numpy.linalg.solve(r, numpy.swapaxes(d[y][0] + numpy.matmul(q, bbar), -1, -2)), -1, -2)


@tangent(numpy.linalg.qr)
def qr(y, a, mode="reduced"):
    low = qr_lower_mask(a, mode)
    q = real_matrix(y[0], "numpy.linalg.qr")
    r = full_rank_r(y[1], "numpy.linalg.qr")
    qt = numpy.swapaxes(q, -1, -2)
    rt = numpy.swapaxes(r, -1, -2)
    d[y] = in_result(numpy.matmul(q, skew_lower(numpy.matmul(qt, numpy.swapaxes(numpy.linalg.solve(
        rt, numpy.swapaxes(d[a], -1, -2)), -1, -2)), low)), y, 0)
    d[y] = in_result(numpy.swapaxes(numpy.linalg.solve(rt, numpy.swapaxes(d[a], -1, -2)), -1, -2), y, 0)
    d[y] = in_result(-numpy.matmul(q, numpy.matmul(qt, numpy.swapaxes(numpy.linalg.solve(
        rt, numpy.swapaxes(d[a], -1, -2)), -1, -2))), y, 0)
    d[y] = in_result(numpy.matmul(qt, d[a]), y, 1)
    d[y] = in_result(-numpy.matmul(skew_lower(numpy.matmul(qt, numpy.swapaxes(numpy.linalg.solve(
        rt, numpy.swapaxes(d[a], -1, -2)), -1, -2)), low), r), y, 1)


# eigh reads one triangle (UPLO). With p = v^T ds v for the symmetric ds that triangle
# stands for: dw = diag(p), dv = v (f * p), f[i, j] = 1 / (w[j] - w[i]) off the diagonal.
# Equal eigenvalues make f infinite: the eigenvectors then have no derivative, but
# ``scale`` keeps the eigenvalues' derivative finite where v's cotangent is 0.
@adjoint(numpy.linalg.eigh)
def eigh(y, a, UPLO="L"):
    w = y[0]
    v = real_matrix(y[1], "numpy.linalg.eigh")
    f = off_diagonal_inverse(numpy.expand_dims(w, -2) - numpy.expand_dims(w, -1))
    inner = scale(numpy.matmul(numpy.swapaxes(v, -1, -2), d[y][1]), f)
    d[a] = triangle_symmetric_adjoint(numpy.einsum("...ji,...i,...ki->...jk", v, d[y][0], v) + numpy.matmul(
        v, numpy.matmul(inner, numpy.swapaxes(v, -1, -2))), UPLO)


@tangent(numpy.linalg.eigh)
def eigh(y, a, UPLO="L"):
    w = y[0]
    v = real_matrix(y[1], "numpy.linalg.eigh")
    f = off_diagonal_inverse(numpy.expand_dims(w, -2) - numpy.expand_dims(w, -1))
    d[y] = in_result(numpy.einsum("...ji,...jk,...ki->...i", v, triangle_symmetric(d[a], UPLO), v), y, 0)
    d[y] = in_result(numpy.matmul(v, scale(numpy.matmul(numpy.swapaxes(v, -1, -2), numpy.matmul(
        triangle_symmetric(d[a], UPLO), v)), f)), y, 1)


@adjoint(numpy.linalg.eigvalsh)
def eigvalsh(y, a, UPLO="L"):
    v = real_matrix(numpy.linalg.eigh(a, UPLO)[1], "numpy.linalg.eigvalsh")
    d[a] = triangle_symmetric_adjoint(numpy.einsum("...ji,...i,...ki->...jk", v, d[y], v), UPLO)


@tangent(numpy.linalg.eigvalsh)
def eigvalsh(y, a, UPLO="L"):
    v = real_matrix(numpy.linalg.eigh(a, UPLO)[1], "numpy.linalg.eigvalsh")
    d[y] = numpy.einsum("...ji,...jk,...ki->...i", v, triangle_symmetric(d[a], UPLO), v)


# eig with real, distinct eigenvalues: p = v^-1 da v, dw = diag(p), and dv = v (f * p)
# projected so that each eigenvector keeps unit length, as numpy.linalg.eig returns it.
@adjoint(numpy.linalg.eig)
def eig(y, a):
    w = real_eigenvalues(y[0])
    v = y[1]
    vi = numpy.linalg.inv(v)
    f = off_diagonal_inverse(numpy.expand_dims(w, -2) - numpy.expand_dims(w, -1))
    vbar = d[y][1] - v * numpy.sum(v * d[y][1], axis=-2, keepdims=True)
    d[a] = numpy.einsum("...ij,...i,...ki->...jk", vi, d[y][0], v) + numpy.matmul(numpy.swapaxes(vi, -1, -2), numpy.matmul(
        scale(numpy.matmul(numpy.swapaxes(v, -1, -2), vbar), f), numpy.swapaxes(v, -1, -2)))


@tangent(numpy.linalg.eig)
def eig(y, a):
    w = real_eigenvalues(y[0])
    v = y[1]
    vi = numpy.linalg.inv(v)
    f = off_diagonal_inverse(numpy.expand_dims(w, -2) - numpy.expand_dims(w, -1))
    d[y] = in_result(numpy.einsum("...ij,...jk,...ki->...i", vi, d[a], v), y, 0)
    d[y] = in_result(numpy.matmul(v, scale(numpy.matmul(vi, numpy.matmul(d[a], v)), f)), y, 1)
    d[y] = in_result(-v * numpy.sum(v * numpy.matmul(v, scale(numpy.matmul(vi, numpy.matmul(d[a], v)), f)),
                                    axis=-2, keepdims=True), y, 1)


# eigvals: the eigenvalues of eig, whose eigenvectors are computed again.
@adjoint(numpy.linalg.eigvals)
def eigvals(y, a):
    v = real_eigenvalues(numpy.linalg.eig(a)[1])
    d[a] = numpy.einsum("...ij,...i,...ki->...jk", numpy.linalg.inv(v), d[y], v)


@tangent(numpy.linalg.eigvals)
def eigvals(y, a):
    v = real_eigenvalues(numpy.linalg.eig(a)[1])
    d[y] = numpy.einsum("...ij,...jk,...ki->...i", numpy.linalg.inv(v), d[a], v)


# svd: the derivative is computed on a reduced SVD (u: m x k, s, vh: k x n), recomputed so
# that compute_uv=False is served too; svd_signs aligns its singular vectors with the
# result's. With f[i, j] = 1 / (s[j]^2 - s[i]^2) and ds_ = u^T da v:
# du = u (f * (ds_ S + S ds_^T)) + (1 - u u^T) da v / S,
# dv = v (f * (S ds_ + ds_^T S)) + (1 - v v^T) da^T u / S.
# Equal singular values make f infinite and zero ones make 1 / S infinite: the singular
# vectors then have no derivative; the values keep theirs (scale and over give 0 where the
# vectors' cotangent is 0).
@adjoint(numpy.linalg.svd)
def svd(y, a, full_matrices=True, compute_uv=True, hermitian=False):
    re = numpy.linalg.svd(real_matrix(a, "numpy.linalg.svd"), full_matrices=False)
    signs = svd_signs(y, re, compute_uv)
    u = re[0]
    s = re[1]
    vh = re[2]
    f = off_diagonal_inverse(numpy.expand_dims(s * s, -2) - numpy.expand_dims(s * s, -1))
    ub = svd_part(d[y], signs, compute_uv, 0, numpy.shape(u))
    vhb = svd_part(d[y], signs, compute_uv, 2, numpy.shape(vh))
    j = scale(numpy.matmul(numpy.swapaxes(u, -1, -2), ub), f)
    k = scale(numpy.matmul(vh, numpy.swapaxes(vhb, -1, -2)), f)
    core = (j + numpy.swapaxes(j, -1, -2)) * numpy.expand_dims(s, -2) + numpy.expand_dims(s, -1) * (
        k + numpy.swapaxes(k, -1, -2))
    d[a] = numpy.einsum("...ji,...i,...ik->...jk", u, svd_part(d[y], signs, compute_uv, 1, numpy.shape(s)), vh) \
        + numpy.matmul(u, numpy.matmul(core, vh)) \
        + numpy.matmul(over(ub - numpy.matmul(u, numpy.matmul(numpy.swapaxes(u, -1, -2), ub)),
                            numpy.expand_dims(s, -2)), vh) \
        + numpy.matmul(u, over(vhb - numpy.matmul(numpy.matmul(vhb, numpy.swapaxes(vh, -1, -2)), vh),
                               numpy.expand_dims(s, -1)))


@tangent(numpy.linalg.svd)
def svd(y, a, full_matrices=True, compute_uv=True, hermitian=False):
    re = numpy.linalg.svd(real_matrix(a, "numpy.linalg.svd"), full_matrices=False)
    signs = svd_signs(y, re, compute_uv)
    u = re[0]
    s = re[1]
    vh = re[2]
    ut = numpy.swapaxes(u, -1, -2)
    v = numpy.swapaxes(vh, -1, -2)
    f = off_diagonal_inverse(numpy.expand_dims(s * s, -2) - numpy.expand_dims(s * s, -1))
    shapes = svd_shapes(y, compute_uv)
    d[y] = svd_unpart(numpy.einsum("...ji,...jk,...ik->...i", u, d[a], vh), signs, compute_uv, 1, shapes)
    d[y] = svd_unpart(numpy.matmul(u, scale(numpy.matmul(ut, numpy.matmul(d[a], v)) * numpy.expand_dims(s, -2), f)),
                      signs, compute_uv, 0, shapes)
    d[y] = svd_unpart(numpy.matmul(u, scale(numpy.expand_dims(s, -1) * numpy.swapaxes(
        numpy.matmul(ut, numpy.matmul(d[a], v)), -1, -2), f)), signs, compute_uv, 0, shapes)
    d[y] = svd_unpart(over(numpy.matmul(d[a], v), numpy.expand_dims(s, -2)), signs, compute_uv, 0, shapes)
    d[y] = svd_unpart(-numpy.matmul(u, numpy.matmul(ut, over(numpy.matmul(d[a], v), numpy.expand_dims(s, -2)))),
                      signs, compute_uv, 0, shapes)
    d[y] = svd_unpart(numpy.swapaxes(numpy.matmul(v, scale(numpy.expand_dims(s, -1) * numpy.matmul(
        ut, numpy.matmul(d[a], v)), f)), -1, -2), signs, compute_uv, 2, shapes)
    d[y] = svd_unpart(numpy.swapaxes(numpy.matmul(v, scale(numpy.swapaxes(numpy.matmul(
        ut, numpy.matmul(d[a], v)), -1, -2) * numpy.expand_dims(s, -2), f)), -1, -2), signs, compute_uv, 2, shapes)
    d[y] = svd_unpart(numpy.swapaxes(over(numpy.matmul(numpy.swapaxes(d[a], -1, -2), u), numpy.expand_dims(s, -2)),
                                     -1, -2), signs, compute_uv, 2, shapes)
    d[y] = svd_unpart(-numpy.swapaxes(numpy.matmul(v, numpy.matmul(vh, over(numpy.matmul(
        numpy.swapaxes(d[a], -1, -2), u), numpy.expand_dims(s, -2)))), -1, -2), signs, compute_uv, 2, shapes)


@adjoint(numpy.linalg.svdvals)
def svdvals(y, x):
    re = numpy.linalg.svd(real_matrix(x, "numpy.linalg.svdvals"), full_matrices=False)
    d[x] = numpy.einsum("...ji,...i,...ik->...jk", re[0], d[y], re[2])


@tangent(numpy.linalg.svdvals)
def svdvals(y, x):
    re = numpy.linalg.svd(real_matrix(x, "numpy.linalg.svdvals"), full_matrices=False)
    d[y] = numpy.einsum("...ji,...jk,...ik->...i", re[0], d[x], re[2])


# The pseudo-inverse where the rank does not change (Golub and Pereyra):
# dp = -p da p + p p^T da^T (1 - a p) + (1 - p a) da^T p^T p.
@adjoint(numpy.linalg.pinv)
def pinv(y, a, rcond=None, hermitian=False, *, rtol=None):
    pt = numpy.swapaxes(y, -1, -2)
    gt = numpy.swapaxes(d[y], -1, -2)
    left = numpy.matmul(gt, numpy.matmul(y, pt))
    right = numpy.matmul(numpy.matmul(pt, y), gt)
    d[a] = -numpy.matmul(pt, numpy.matmul(d[y], pt)) + left - numpy.matmul(a, numpy.matmul(y, left)) \
        + right - numpy.matmul(right, numpy.matmul(y, a))


@tangent(numpy.linalg.pinv)
def pinv(y, a, rcond=None, hermitian=False, *, rtol=None):
    pt = numpy.swapaxes(y, -1, -2)
    d[y] = -numpy.matmul(y, numpy.matmul(d[a], y))
    d[y] = numpy.matmul(numpy.matmul(y, pt), numpy.swapaxes(d[a], -1, -2))
    d[y] = -numpy.matmul(numpy.matmul(y, pt), numpy.matmul(numpy.swapaxes(d[a], -1, -2), numpy.matmul(a, y)))
    d[y] = numpy.matmul(numpy.swapaxes(d[a], -1, -2), numpy.matmul(pt, y))
    d[y] = -numpy.matmul(numpy.matmul(y, a), numpy.matmul(numpy.swapaxes(d[a], -1, -2), numpy.matmul(pt, y)))


# lstsq returns (x, residuals, rank, s). x = pinv(a) b, so with r = b - a x:
# dx = -p da x + p p^T da^T r + (1 - p a) da^T p^T x + p db; the residuals (where NumPy
# computes them) change by 2 r . (db - da x) per column; s as in svdvals.
@adjoint(numpy.linalg.lstsq)
def lstsq(y, a, b, rcond=None):
    x = y[0]
    p = numpy.linalg.pinv(a)
    pt = numpy.swapaxes(p, -1, -2)
    r = b - numpy.matmul(a, x)
    ptx = numpy.matmul(pt, d[y][0])
    w = 2.0 * r * lstsq_residuals_adjoint(d[y][1], numpy.sum(r * r, axis=0))
    sv = numpy.linalg.svd(a, full_matrices=False)
    d[b] = ptx + w
    d[a] = matmul_adjoint_left(-ptx - w, a, x) + matmul_adjoint_left(r, a, numpy.matmul(p, ptx)) \
        + matmul_adjoint_left(numpy.matmul(pt, x), a, d[y][0] - numpy.matmul(numpy.swapaxes(a, -1, -2), ptx)) \
        + numpy.einsum("...ji,...i,...ik->...jk", sv[0], d[y][3], sv[2])


@tangent(numpy.linalg.lstsq)
def lstsq(y, a, b, rcond=None):
    x = y[0]
    p = numpy.linalg.pinv(a)
    pt = numpy.swapaxes(p, -1, -2)
    r = b - numpy.matmul(a, x)
    sv = numpy.linalg.svd(a, full_matrices=False)
    d[y] = in_result(-numpy.matmul(p, numpy.matmul(d[a], x)), y, 0)
    d[y] = in_result(numpy.matmul(numpy.matmul(p, pt), numpy.matmul(numpy.swapaxes(d[a], -1, -2), r)), y, 0)
    d[y] = in_result(numpy.matmul(numpy.swapaxes(d[a], -1, -2), numpy.matmul(pt, x)), y, 0)
    d[y] = in_result(-numpy.matmul(numpy.matmul(p, a), numpy.matmul(numpy.swapaxes(d[a], -1, -2),
                                                                    numpy.matmul(pt, x))), y, 0)
    d[y] = in_result(numpy.matmul(p, d[b]), y, 0)
    d[y] = in_result(lstsq_residuals(2.0 * numpy.sum(r * d[b], axis=0), y[1]), y, 1)
    d[y] = in_result(lstsq_residuals(-2.0 * numpy.sum(r * numpy.matmul(d[a], x), axis=0), y[1]), y, 1)
    d[y] = in_result(numpy.einsum("...ji,...jk,...ik->...i", sv[0], d[a], sv[2]), y, 3)


# The derivative of a matrix function f at a along h is the upper right block of
# f([[a, h], [0, a]]); its adjoint is the same at a^T.
@adjoint(numpy.linalg.matrix_power)
def matrix_power(y, a, n):
    d[a] = upper_right(numpy.linalg.matrix_power(block_triangular(numpy.swapaxes(a, -1, -2), d[y]), n))


@tangent(numpy.linalg.matrix_power)
def matrix_power(y, a, n):
    d[y] = upper_right(numpy.linalg.matrix_power(block_triangular(a, d[a]), n))


# Every norm's gradient is a weight w times the cotangent: sign(x) |x / norm| ** q for the
# p-norms (q = p - 1; q = 0 with the tied largest elements, columns or rows for inf and
# the matrix 1 and inf norms), u diag(.) vh for the nuclear norm and ord=2, -2 (ties
# shared evenly). At a zero norm the derivative does not exist: the weight is 0 there.
@adjoint(numpy.linalg.norm)
def norm(y, x, ord=None, axis=None, keepdims=False):
    sv = numpy.linalg.svd(spectral_input(x, ord, axis), full_matrices=False)
    w = signed_power(x * unreduce(inverse_or_zero(y), x, norm_axes(x, ord, axis), keepdims),
                     norm_exponent(x, ord, axis)) * norm_select(x, y, ord, axis, keepdims) + spectral_output(
        numpy.einsum("...ji,...i,...ik->...jk", sv[0], spectral_weights(sv[1], ord), sv[2]), x, ord, axis)
    d[x] = unreduce(d[y], x, norm_axes(x, ord, axis), keepdims) * w


@tangent(numpy.linalg.norm)
def norm(y, x, ord=None, axis=None, keepdims=False):
    sv = numpy.linalg.svd(spectral_input(x, ord, axis), full_matrices=False)
    w = signed_power(x * unreduce(inverse_or_zero(y), x, norm_axes(x, ord, axis), keepdims),
                     norm_exponent(x, ord, axis)) * norm_select(x, y, ord, axis, keepdims) + spectral_output(
        numpy.einsum("...ji,...i,...ik->...jk", sv[0], spectral_weights(sv[1], ord), sv[2]), x, ord, axis)
    d[y] = numpy.sum(d[x] * w, axis=norm_axes(x, ord, axis), keepdims=keepdims)


# cond(x, p) = (sum(num * s ** k) * sum(den * s ** -k)) ** (1 / k) over the singular values s
# (cond_masks, cond_power): its derivative with respect to s is w below, applied as for
# the norms by u diag(w) vh. The other p are refused, with what to write instead.
@adjoint(numpy.linalg.cond)
def cond(y, x, p=None):
    sv = numpy.linalg.svd(x, full_matrices=False)
    m = cond_masks(sv[1], p)
    k = cond_power(p)
    w = numpy.expand_dims(y, -1) * (m[0] * sv[1] ** (k - 1) / numpy.sum(m[0] * sv[1] ** k, axis=-1, keepdims=True)
                                    - m[1] * sv[1] ** (-k - 1) / numpy.sum(m[1] * sv[1] ** -k, axis=-1, keepdims=True))
    d[x] = numpy.expand_dims(d[y], (-2, -1)) * numpy.einsum("...ji,...i,...ik->...jk", sv[0], w, sv[2])


@tangent(numpy.linalg.cond)
def cond(y, x, p=None):
    sv = numpy.linalg.svd(x, full_matrices=False)
    m = cond_masks(sv[1], p)
    k = cond_power(p)
    w = numpy.expand_dims(y, -1) * (m[0] * sv[1] ** (k - 1) / numpy.sum(m[0] * sv[1] ** k, axis=-1, keepdims=True)
                                    - m[1] * sv[1] ** (-k - 1) / numpy.sum(m[1] * sv[1] ** -k, axis=-1, keepdims=True))
    d[y] = numpy.sum(d[x] * numpy.einsum("...ji,...i,...ik->...jk", sv[0], w, sv[2]), axis=(-2, -1))


# vector_norm: the vector p-norm over any axes (all by default), whatever their number;
# matrix_norm: numpy.linalg.norm over the last two axes.
@adjoint(numpy.linalg.vector_norm)
def vector_norm(y, x, *, axis=None, keepdims=False, ord=2):
    d[x] = unreduce(d[y], x, norm_axes(x, ord, axis), keepdims) * signed_power(
        x * unreduce(inverse_or_zero(y), x, norm_axes(x, ord, axis), keepdims),
        norm_exponent(x, ord, axis, True)) * norm_select(x, y, ord, axis, keepdims, True)


@tangent(numpy.linalg.vector_norm)
def vector_norm(y, x, *, axis=None, keepdims=False, ord=2):
    d[y] = numpy.sum(d[x] * signed_power(x * unreduce(inverse_or_zero(y), x, norm_axes(x, ord, axis), keepdims),
                                         norm_exponent(x, ord, axis, True)) * norm_select(
        x, y, ord, axis, keepdims, True), axis=norm_axes(x, ord, axis), keepdims=keepdims)


@adjoint(numpy.linalg.matrix_norm)
def matrix_norm(y, x, *, keepdims=False, ord="fro"):
    sv = numpy.linalg.svd(spectral_input(x, ord, (-2, -1)), full_matrices=False)
    w = signed_power(x * unreduce(inverse_or_zero(y), x, norm_axes(x, ord, (-2, -1)), keepdims),
                     norm_exponent(x, ord, (-2, -1))) * norm_select(x, y, ord, (-2, -1), keepdims) + spectral_output(
        numpy.einsum("...ji,...i,...ik->...jk", sv[0], spectral_weights(sv[1], ord), sv[2]), x, ord, (-2, -1))
    d[x] = unreduce(d[y], x, norm_axes(x, ord, (-2, -1)), keepdims) * w


@tangent(numpy.linalg.matrix_norm)
def matrix_norm(y, x, *, keepdims=False, ord="fro"):
    sv = numpy.linalg.svd(spectral_input(x, ord, (-2, -1)), full_matrices=False)
    w = signed_power(x * unreduce(inverse_or_zero(y), x, norm_axes(x, ord, (-2, -1)), keepdims),
                     norm_exponent(x, ord, (-2, -1))) * norm_select(x, y, ord, (-2, -1), keepdims) + spectral_output(
        numpy.einsum("...ji,...i,...ik->...jk", sv[0], spectral_weights(sv[1], ord), sv[2]), x, ord, (-2, -1))
    d[y] = numpy.sum(d[x] * w, axis=norm_axes(x, ord, (-2, -1)), keepdims=keepdims)


@adjoint(numpy.linalg.trace)
def linalg_trace(y, x, *, offset=0, dtype=None):
    d[x] = untrace(d[y], x, offset, -2, -1)


@tangent(numpy.linalg.trace)
def linalg_trace(y, x, *, offset=0, dtype=None):
    d[y] = numpy.trace(d[x], offset, -2, -1)


@adjoint(numpy.ndarray.trace)
def trace_method(y, self, offset=0, axis1=0, axis2=1, dtype=None):
    d[self] = untrace(d[y], self, offset, axis1, axis2)


@tangent(numpy.ndarray.trace)
def trace_method(y, self, offset=0, axis1=0, axis2=1, dtype=None):
    d[y] = numpy.trace(d[self], offset, axis1, axis2)


# The helpers scipy.linalg's rules (rules/scipy_linalg.py) call, registered with the
# rest of the table whether or not SciPy is installed: generated code holding them can be
# differentiated again, and the rule table covers every runtime helper.
@adjoint(triangle)
def triangle_(y, x, lower, unit=False):
    d[x] = triangle(d[y], lower, unit)


@tangent(triangle)
def triangle_(y, x, lower, unit=False):
    d[y] = triangle(d[x], lower, unit)


@adjoint(solve_read)
def solve_read_(y, a, reads):
    d[a] = solve_read_adjoint(d[y], reads)


@tangent(solve_read)
def solve_read_(y, a, reads):
    d[y] = solve_read(d[a], reads)


@adjoint(solve_read_adjoint)
def solve_read_adjoint_(y, g, reads):
    d[g] = solve_read(d[y], reads)


@tangent(solve_read_adjoint)
def solve_read_adjoint_(y, g, reads):
    d[y] = solve_read_adjoint(d[g], reads)


# qr_part takes a reduced factor's derivative out of scipy.linalg.qr's; qr_unpart puts it back
@adjoint(qr_part)
def qr_part_(r, g, mode, index, shape):
    d[g] = qr_unpart(d[r], mode, index, qr_shapes(g))


@tangent(qr_part)
def qr_part_(r, g, mode, index, shape):
    d[r] = qr_part(d[g], mode, index, shape)


@adjoint(qr_unpart)
def qr_unpart_(r, h, mode, index, shapes):
    d[h] = qr_part(d[r], mode, index, numpy.shape(h))


@tangent(qr_unpart)
def qr_unpart_(r, h, mode, index, shapes):
    d[r] = qr_unpart(d[h], mode, index, shapes)


# lstsq_checked(a, rank, ...) is a itself (it only refuses what scipy.linalg.lstsq's rule
# does not follow); unit_lower(lu) is lu's strictly lower triangle plus the identity
@adjoint(lstsq_checked)
def lstsq_checked_(r, a, rank, overwrite_a=False, overwrite_b=False, lapack_driver=None):
    d[a] = d[r]


@tangent(lstsq_checked)
def lstsq_checked_(r, a, rank, overwrite_a=False, overwrite_b=False, lapack_driver=None):
    d[r] = d[a]


@adjoint(unit_lower)
def unit_lower_(r, lu):
    d[lu] = triangle(d[r], True, True)


@tangent(unit_lower)
def unit_lower_(r, lu):
    d[r] = triangle(d[lu], True, True)


def _cond_literal_check(p=None, **_):
    """A p written as a constant that cond_masks refuses is refused where the function is
    transformed (NotImplementedError, with what to write instead); a p known only when the
    code runs is refused then."""
    cond_masks(numpy.ones(2), p)


declare(numpy.linalg.cond, result=FRESH)
register(numpy.linalg.cond, literal_check=_cond_literal_check)
declare(triangle, solve_read, solve_read_adjoint, qr_part, qr_unpart, lstsq_checked, unit_lower, result=FRESH)
non_differentiable(scipy_upper, triangular_transposed, solve_reads, matrix_columns, qr_options, scipy_qr_mask, qr_shapes,
                   lstsq_options, lu_permutation, lu_transposed)
