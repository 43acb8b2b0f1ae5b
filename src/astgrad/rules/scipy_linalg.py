"""Derivatives of scipy.linalg's Cholesky and triangular solvers, and of the functions
whose numpy.linalg versions have rules (registered only when SciPy's linalg is imported).

The math is that of numpy.linalg's rules (``linalg_rules.py``), for 2-D matrices:

* ``cholesky(a, lower=False)`` reads one triangle of a, as ``numpy.linalg.cholesky``.
* ``c, low = cho_factor(a, lower)``: the factor sits in one triangle of c, and the other
  triangle holds a's own entries there (SciPy leaves them), so c's derivative is the
  factor's derivative on its triangle and a's on the other. ``cho_solve((c, low), b)``
  reads only the factor's triangle, so its derivative in c is 0 on the other one.
* ``solve(a, b, assume_a=...)`` reads all of a, or one triangle for assume_a='sym', 'her'
  or 'pos'; the banded and triangular solvers are refused by name.
* ``solve_triangular(a, b, trans, lower, unit_diagonal)`` reads one triangle of a
  (without the diagonal when ``unit_diagonal``), transposed for trans=1, 2, 'T' or 'C'.
* ``det``, ``inv``, ``eigh``, ``eigvalsh``, ``pinv``, ``svdvals``, ``norm`` and ``svd``
  use numpy.linalg's math (``norm`` and ``svd`` numpy's templates themselves, their text
  adapted to SciPy's parameters by ``numpy_rules_for``); ``expm``'s derivative is the upper right block of the exponential
  of a block-triangular matrix, as numpy.linalg.matrix_power's.
* ``qr`` (mode 'full', 'economic' or 'r') differentiates the reduced factors of a full-rank
  matrix with at least as many rows as columns, as numpy.linalg.qr; ``lstsq`` is
  numpy.linalg.lstsq's math where a has full rank.
* ``lu_factor``'s lu holds l below the diagonal and u on and above it: with a = p l u,
  its derivative is that of both factors; ``lu_solve((lu, piv), b)`` solves with p l u.
* ``eig`` and ``eigvals`` have no rule: their eigenvalues are complex (registry.NO_RULE_ADVICE
  says what to call instead).

Arguments that let SciPy write into its inputs (``overwrite_a=True``, ``overwrite_b=True``),
and the options the rules refuse, are refused when code is made where they are written
as literals (each primitive's ``literal_check``), else when the derivative runs;
``check_finite`` changes nothing.
"""

import ast

import numpy
import scipy.linalg

from ..runtime import (
    block_triangular, det_cofactors, eigvals_change, off_diagonal_inverse, scale, scipy_checked, upper_right,
    cholesky_phi, full_rank_r, in_result, matrix_columns, real_matrix, scipy_upper, solve_read, solve_read_adjoint, solve_reads,
    transpose_if, triangle, triangle_symmetric, triangle_symmetric_adjoint, triangular_transposed,
    lstsq_checked, lstsq_options, lu_permutation, lu_transposed, qr_options, qr_part, qr_shapes, qr_unpart,
    scipy_qr_mask, skew_lower, skew_lower_adjoint, unit_lower,
)
from . import registry
from .registry import FRESH, adjoint, d, declare, tangent, unsupported


# x = m^-1 b with m what solve reads of a (transposed when transposed=True), as
# numpy.linalg.solve's rules.
@adjoint(scipy.linalg.solve)
def solve(x, a, b, lower=False, overwrite_a=False, overwrite_b=False, check_finite=True, assume_a=None,
          transposed=False):
    reads = solve_reads(a, assume_a, lower, overwrite_a, overwrite_b)
    cols = matrix_columns(x, a, b, "scipy.linalg.solve")
    g = numpy.linalg.solve(numpy.swapaxes(transpose_if(solve_read(a, reads), transposed), -1, -2),
                           numpy.reshape(d[x], cols))
    d[a] = -solve_read_adjoint(transpose_if(numpy.matmul(g, numpy.swapaxes(numpy.reshape(x, cols), -1, -2)),
                                            transposed), reads)
    d[b] = numpy.reshape(g, numpy.shape(b))


@tangent(scipy.linalg.solve)
def solve(x, a, b, lower=False, overwrite_a=False, overwrite_b=False, check_finite=True, assume_a=None,
          transposed=False):
    reads = solve_reads(a, assume_a, lower, overwrite_a, overwrite_b)
    cols = matrix_columns(x, a, b, "scipy.linalg.solve")
    m = transpose_if(solve_read(a, reads), transposed)
    d[x] = -numpy.reshape(numpy.linalg.solve(m, numpy.matmul(transpose_if(solve_read(d[a], reads), transposed),
                                                             numpy.reshape(x, cols))), numpy.shape(x))
    d[x] = numpy.reshape(numpy.linalg.solve(m, numpy.reshape(d[b], cols)), numpy.shape(x))


# With a = L L^T: dL = L phi(L^-1 dA L^-T), as numpy.linalg.cholesky; SciPy returns the
# upper factor L^T unless lower=True.
@adjoint(scipy.linalg.cholesky)
def cholesky(y, a, lower=False, overwrite_a=False, check_finite=True):
    up = scipy_upper(lower, overwrite_a, "scipy.linalg.cholesky")
    l = transpose_if(real_matrix(y, "scipy.linalg.cholesky"), up)
    lt = numpy.swapaxes(l, -1, -2)
    q = cholesky_phi(l) * numpy.matmul(lt, transpose_if(d[y], up))
    d[a] = triangle_symmetric_adjoint(numpy.swapaxes(numpy.linalg.solve(lt, numpy.swapaxes(
        numpy.linalg.solve(lt, q), -1, -2)), -1, -2), up)


@tangent(scipy.linalg.cholesky)
def cholesky(y, a, lower=False, overwrite_a=False, check_finite=True):
    up = scipy_upper(lower, overwrite_a, "scipy.linalg.cholesky")
    l = transpose_if(real_matrix(y, "scipy.linalg.cholesky"), up)
    d[y] = transpose_if(numpy.matmul(l, cholesky_phi(l) * numpy.linalg.solve(l, numpy.swapaxes(
        numpy.linalg.solve(l, triangle_symmetric(d[a], up)), -1, -2))), up)


@adjoint(scipy.linalg.cho_factor)
def cho_factor(y, a, lower=False, overwrite_a=False, check_finite=True):
    up = scipy_upper(lower, overwrite_a, "scipy.linalg.cho_factor")
    l = transpose_if(triangle(real_matrix(y[0], "scipy.linalg.cho_factor"), lower), up)
    lt = numpy.swapaxes(l, -1, -2)
    q = cholesky_phi(l) * numpy.matmul(lt, transpose_if(triangle(d[y][0], lower), up))
    d[a] = triangle_symmetric_adjoint(numpy.swapaxes(numpy.linalg.solve(lt, numpy.swapaxes(
        numpy.linalg.solve(lt, q), -1, -2)), -1, -2), up)
    d[a] = triangle(d[y][0], up, True)


@tangent(scipy.linalg.cho_factor)
def cho_factor(y, a, lower=False, overwrite_a=False, check_finite=True):
    up = scipy_upper(lower, overwrite_a, "scipy.linalg.cho_factor")
    l = transpose_if(triangle(real_matrix(y[0], "scipy.linalg.cho_factor"), lower), up)
    d[y] = in_result(transpose_if(numpy.matmul(l, cholesky_phi(l) * numpy.linalg.solve(l, numpy.swapaxes(
        numpy.linalg.solve(l, triangle_symmetric(d[a], up)), -1, -2))), up), y, 0)
    d[y] = in_result(triangle(d[a], up, True), y, 0)


# x = (L L^T)^-1 b with L read from the triangle of c that low names. With u the solve of
# x's cotangent: b's is u, L's is -(u x^T + x u^T) L on its lower triangle.
@adjoint(scipy.linalg.cho_solve)
def cho_solve(x, c_and_lower, b, overwrite_b=False, check_finite=True):
    cols = matrix_columns(x, c_and_lower[0], b, "scipy.linalg.cho_solve")
    up = scipy_upper(c_and_lower[1], overwrite_b, "scipy.linalg.cho_solve")
    l = transpose_if(triangle(real_matrix(c_and_lower[0], "scipy.linalg.cho_solve"), c_and_lower[1]), up)
    u = scipy.linalg.cho_solve(c_and_lower, d[x])
    s = numpy.matmul(numpy.reshape(u, cols), numpy.swapaxes(numpy.reshape(x, cols), -1, -2))
    d[c_and_lower] = in_result(-triangle(transpose_if(numpy.matmul(s + numpy.swapaxes(s, -1, -2), l), up),
                                         c_and_lower[1]), c_and_lower, 0)
    d[b] = u


@tangent(scipy.linalg.cho_solve)
def cho_solve(x, c_and_lower, b, overwrite_b=False, check_finite=True):
    cols = matrix_columns(x, c_and_lower[0], b, "scipy.linalg.cho_solve")
    up = scipy_upper(c_and_lower[1], overwrite_b, "scipy.linalg.cho_solve")
    l = transpose_if(triangle(real_matrix(c_and_lower[0], "scipy.linalg.cho_solve"), c_and_lower[1]), up)
    d[x] = -numpy.reshape(scipy.linalg.cho_solve(c_and_lower, numpy.matmul(transpose_if(triangle(
        d[c_and_lower][0], c_and_lower[1]), up), numpy.matmul(numpy.swapaxes(l, -1, -2), numpy.reshape(x, cols)))),
        numpy.shape(x))
    d[x] = -numpy.reshape(scipy.linalg.cho_solve(c_and_lower, numpy.matmul(l, numpy.matmul(numpy.swapaxes(
        transpose_if(triangle(d[c_and_lower][0], c_and_lower[1]), up), -1, -2), numpy.reshape(x, cols)))),
        numpy.shape(x))
    d[x] = scipy.linalg.cho_solve(c_and_lower, d[b])


# x = M^-1 b with M the triangle of a read (transposed when trans says so): with u the
# solve of x's cotangent by M^T, b's cotangent is u and a's is -u x^T on that triangle.
@adjoint(scipy.linalg.solve_triangular)
def solve_triangular(x, a, b, trans=0, lower=False, unit_diagonal=False, overwrite_b=False, check_finite=True):
    t = triangular_transposed(a, trans, overwrite_b)
    cols = matrix_columns(x, a, b, "scipy.linalg.solve_triangular")
    u = scipy.linalg.solve_triangular(a, d[x], 1 - t, lower, unit_diagonal)
    d[a] = -triangle(transpose_if(numpy.matmul(numpy.reshape(u, cols), numpy.swapaxes(
        numpy.reshape(x, cols), -1, -2)), t), lower, unit_diagonal)
    d[b] = u


@tangent(scipy.linalg.solve_triangular)
def solve_triangular(x, a, b, trans=0, lower=False, unit_diagonal=False, overwrite_b=False, check_finite=True):
    t = triangular_transposed(a, trans, overwrite_b)
    cols = matrix_columns(x, a, b, "scipy.linalg.solve_triangular")
    d[x] = -numpy.reshape(scipy.linalg.solve_triangular(a, numpy.matmul(transpose_if(
        triangle(d[a], lower, unit_diagonal), t), numpy.reshape(x, cols)), trans, lower, unit_diagonal), numpy.shape(x))
    d[x] = scipy.linalg.solve_triangular(a, d[b], trans, lower, unit_diagonal)


# det, inv, eigh, eigvalsh and pinv: the math of numpy.linalg's rules (linalg_rules.py).
# What a rule reads passes through scipy_checked, which refuses overwrite_a=True and the
# arguments that change the problem (a generalized eigenproblem, a subset of eigenpairs).
@adjoint(scipy.linalg.det)
def det(y, a, overwrite_a=False, check_finite=True):
    d[a] = numpy.expand_dims(d[y], (-2, -1)) * det_cofactors(scipy_checked(a, "scipy.linalg.det", overwrite_a))


@tangent(scipy.linalg.det)
def det(y, a, overwrite_a=False, check_finite=True):
    d[y] = numpy.sum(det_cofactors(scipy_checked(a, "scipy.linalg.det", overwrite_a)) * d[a], axis=(-2, -1))


@adjoint(scipy.linalg.inv)
def inv(y, a, overwrite_a=False, check_finite=True, *, assume_a=None, lower=False):
    yt = numpy.swapaxes(scipy_checked(y, "scipy.linalg.inv", overwrite_a, assume_a=assume_a), -1, -2)
    d[a] = -numpy.matmul(yt, numpy.matmul(d[y], yt))


@tangent(scipy.linalg.inv)
def inv(y, a, overwrite_a=False, check_finite=True, *, assume_a=None, lower=False):
    m = scipy_checked(y, "scipy.linalg.inv", overwrite_a, assume_a=assume_a)
    d[y] = -numpy.matmul(m, numpy.matmul(d[a], m))


# eigh reads the triangle lower names (the lower one by default, as numpy's UPLO='L').
@adjoint(scipy.linalg.eigh)
def eigh(y, a, b=None, *, lower=True, eigvals_only=False, overwrite_a=False, overwrite_b=False, type=1,
         check_finite=True, subset_by_index=None, subset_by_value=None, driver=None):
    up = scipy_upper(lower, overwrite_a, "scipy.linalg.eigh")
    v = scipy_checked(real_matrix(y[1], "scipy.linalg.eigh"), "scipy.linalg.eigh", overwrite_b, b=b,
                      eigvals_only=eigvals_only, subset_by_index=subset_by_index, subset_by_value=subset_by_value)
    f = off_diagonal_inverse(numpy.expand_dims(y[0], -2) - numpy.expand_dims(y[0], -1))
    inner = scale(numpy.matmul(numpy.swapaxes(v, -1, -2), d[y][1]), f)
    d[a] = triangle_symmetric_adjoint(numpy.einsum("...ji,...i,...ki->...jk", v, d[y][0], v) + numpy.matmul(
        v, numpy.matmul(inner, numpy.swapaxes(v, -1, -2))), up)


@tangent(scipy.linalg.eigh)
def eigh(y, a, b=None, *, lower=True, eigvals_only=False, overwrite_a=False, overwrite_b=False, type=1,
         check_finite=True, subset_by_index=None, subset_by_value=None, driver=None):
    up = scipy_upper(lower, overwrite_a, "scipy.linalg.eigh")
    v = scipy_checked(real_matrix(y[1], "scipy.linalg.eigh"), "scipy.linalg.eigh", overwrite_b, b=b,
                      eigvals_only=eigvals_only, subset_by_index=subset_by_index, subset_by_value=subset_by_value)
    f = off_diagonal_inverse(numpy.expand_dims(y[0], -2) - numpy.expand_dims(y[0], -1))
    d[y] = in_result(numpy.einsum("...ji,...jk,...ki->...i", v, triangle_symmetric(d[a], up), v), y, 0)
    d[y] = in_result(numpy.matmul(v, scale(numpy.matmul(numpy.swapaxes(v, -1, -2), numpy.matmul(
        triangle_symmetric(d[a], up), v)), f)), y, 1)


@adjoint(scipy.linalg.eigvalsh)
def eigvalsh(y, a, b=None, *, lower=True, overwrite_a=False, overwrite_b=False, type=1, check_finite=True,
             subset_by_index=None, subset_by_value=None, driver=None):
    up = scipy_upper(lower, overwrite_a, "scipy.linalg.eigvalsh")
    v = scipy_checked(real_matrix(scipy.linalg.eigh(a, lower=lower)[1], "scipy.linalg.eigvalsh"),
                      "scipy.linalg.eigvalsh", overwrite_b, b=b, subset_by_index=subset_by_index,
                      subset_by_value=subset_by_value)
    d[a] = triangle_symmetric_adjoint(numpy.einsum("...ji,...i,...ki->...jk", v, d[y], v), up)


@tangent(scipy.linalg.eigvalsh)
def eigvalsh(y, a, b=None, *, lower=True, overwrite_a=False, overwrite_b=False, type=1, check_finite=True,
             subset_by_index=None, subset_by_value=None, driver=None):
    up = scipy_upper(lower, overwrite_a, "scipy.linalg.eigvalsh")
    v = scipy_checked(real_matrix(scipy.linalg.eigh(a, lower=lower)[1], "scipy.linalg.eigvalsh"),
                      "scipy.linalg.eigvalsh", overwrite_b, b=b, subset_by_index=subset_by_index,
                      subset_by_value=subset_by_value)
    d[y] = numpy.einsum("...ji,...jk,...ki->...i", v, triangle_symmetric(d[a], up), v)


# The pseudo-inverse where the rank does not change, as numpy.linalg.pinv's rule; atol
# and rtol only set which singular values count as zero.
@adjoint(scipy.linalg.pinv)
def pinv(y, a, *, atol=None, rtol=None, return_rank=False, check_finite=True):
    p = scipy_checked(y, "scipy.linalg.pinv", return_rank=return_rank)
    pt = numpy.swapaxes(p, -1, -2)
    gt = numpy.swapaxes(d[y], -1, -2)
    left = numpy.matmul(gt, numpy.matmul(p, pt))
    right = numpy.matmul(numpy.matmul(pt, p), gt)
    d[a] = -numpy.matmul(pt, numpy.matmul(d[y], pt)) + left - numpy.matmul(a, numpy.matmul(p, left)) \
        + right - numpy.matmul(right, numpy.matmul(p, a))


@tangent(scipy.linalg.pinv)
def pinv(y, a, *, atol=None, rtol=None, return_rank=False, check_finite=True):
    p = scipy_checked(y, "scipy.linalg.pinv", return_rank=return_rank)
    pt = numpy.swapaxes(p, -1, -2)
    d[y] = -numpy.matmul(p, numpy.matmul(d[a], p))
    d[y] = numpy.matmul(numpy.matmul(p, pt), numpy.swapaxes(d[a], -1, -2))
    d[y] = -numpy.matmul(numpy.matmul(p, pt), numpy.matmul(numpy.swapaxes(d[a], -1, -2), numpy.matmul(a, p)))
    d[y] = numpy.matmul(numpy.swapaxes(d[a], -1, -2), numpy.matmul(pt, p))
    d[y] = -numpy.matmul(numpy.matmul(p, a), numpy.matmul(numpy.swapaxes(d[a], -1, -2), numpy.matmul(pt, p)))


# svdvals reads the singular values of a reduced SVD, as numpy.linalg.svdvals.
@adjoint(scipy.linalg.svdvals)
def svdvals(y, a, overwrite_a=False, check_finite=True):
    re = numpy.linalg.svd(real_matrix(scipy_checked(a, "scipy.linalg.svdvals", overwrite_a), "scipy.linalg.svdvals"),
                          full_matrices=False)
    d[a] = numpy.einsum("...ji,...i,...ik->...jk", re[0], d[y], re[2])


@tangent(scipy.linalg.svdvals)
def svdvals(y, a, overwrite_a=False, check_finite=True):
    re = numpy.linalg.svd(real_matrix(scipy_checked(a, "scipy.linalg.svdvals", overwrite_a), "scipy.linalg.svdvals"),
                          full_matrices=False)
    d[y] = numpy.einsum("...ji,...jk,...ik->...i", re[0], d[a], re[2])


def numpy_rules_for(primitive, numpy_function, renamed, extra, checked=None):
    """Register ``numpy_function``'s templates as ``primitive``'s: its parameters renamed
    as SciPy names them (``renamed``: {numpy's name: SciPy's, None to drop it}), then
    ``extra`` ((name, default) pairs SciPy adds: check_finite, overwrite_a). ``checked`` =
    (parameter, helper, texts of further arguments): each read of the parameter x becomes
    ``helper(x, *arguments)``, a helper that is x itself and refuses what the rule does
    not follow (``scipy_checked`` refuses overwrite_a=True). Built when first used, as
    declared rules are."""
    templates = {}
    for which in ("adjoint", "tangent"):
        original = getattr(registry, which.upper() + "S")[registry.rule_key(numpy_function)]

        def build(original=original, which=which):
            tree = _ScipyTemplate(renamed, checked, registry.user_name(primitive)).visit(ast.parse(original.source))
            arguments = tree.body[0].args
            defaults = [None] * (len(arguments.args) - len(arguments.defaults)) + arguments.defaults
            kept = [(arg, default) for arg, default in zip(arguments.args, defaults) if arg.arg is not None]
            arguments.args = [arg for arg, _ in kept] + [ast.arg(name) for name, _ in extra]
            arguments.defaults = [default for _, default in kept if default is not None] \
                + [ast.Constant(value) for _, value in extra]
            source = ast.unparse(ast.fix_missing_locations(tree)) + "\n"
            namespace = {}
            # numpy's template reads names of its own module; the rule is this module's
            helper = {checked[1].__name__: checked[1]} if checked else {}
            exec(compile(source, f"<{which} rule of {registry.describe(primitive)}>", "exec"),
                 dict(original.globals, __name__=__name__, **helper), namespace)
            return namespace[tree.body[0].name], source
        templates[which] = registry.Template(None, which, primitive, build=build)
    registry.register(primitive, adjoint=templates["adjoint"], tangent=templates["tangent"], differentiable=True,
                      kind="templates", result=FRESH)


class _ScipyTemplate(ast.NodeTransformer):
    """A numpy.linalg template's text made SciPy's (see ``numpy_rules_for``)."""

    def __init__(self, renamed, checked, name):
        self.renamed, self.checked, self.name = renamed, checked, name

    def visit_FunctionDef(self, node):
        node.decorator_list = []        # (which would register numpy's rule again)
        return self.generic_visit(node)

    def visit_arg(self, node):
        node.arg = self.renamed.get(node.arg, node.arg)
        return node

    def visit_Subscript(self, node):
        if isinstance(node.value, ast.Name) and node.value.id == "d" and isinstance(node.slice, ast.Name):
            node.slice.id = self.renamed.get(node.slice.id, node.slice.id)
            return node                 # a derivative, not a read of the argument
        return self.generic_visit(node)

    def visit_Name(self, node):
        node.id = self.renamed.get(node.id, node.id)
        if self.checked and node.id == self.checked[0] and isinstance(node.ctx, ast.Load):
            parameter, helper, arguments = self.checked
            return ast.Call(ast.Name(helper.__name__, ast.Load()),
                            [node] + [ast.parse(text, mode="eval").body for text in arguments], [])
        return node

    def visit_Constant(self, node):     # the name in messages: real_matrix(a, "numpy.linalg.svd")
        if isinstance(node.value, str) and node.value.startswith("numpy.linalg."):
            node.value = self.name
        return node


# scipy.linalg.norm(a, ord=None, axis=None, keepdims=False, check_finite=True) is
# numpy.linalg.norm(x, ord=None, axis=None, keepdims=False) for every ord and axis
numpy_rules_for(scipy.linalg.norm, numpy.linalg.norm, {"x": "a"}, (("check_finite", True),))

# scipy.linalg.svd(a, full_matrices=True, compute_uv=True, overwrite_a=False,
# check_finite=True, lapack_driver='gesdd') is numpy.linalg.svd without hermitian; the
# rule recomputes a reduced SVD of a, so overwrite_a=True is refused.
numpy_rules_for(scipy.linalg.svd, numpy.linalg.svd, {"hermitian": None},
                (("overwrite_a", False), ("check_finite", True), ("lapack_driver", "gesdd")),
                checked=("a", scipy_checked, ("'scipy.linalg.svd'", "overwrite_a")))

# scipy.linalg.lstsq(a, b, cond=None, overwrite_a=False, overwrite_b=False,
# check_finite=True, lapack_driver=None) is numpy.linalg.lstsq(a, b, rcond=None) where a
# has full rank (lstsq_checked refuses a lower rank, which lstsq returns, when the
# derivative runs); its residues are a number for a 1-D b, and its singular values those
# of numpy.linalg.svd (lapack_driver='gelsy' returns none, and is refused).
numpy_rules_for(scipy.linalg.lstsq, numpy.linalg.lstsq, {"rcond": "cond"},
                (("overwrite_a", False), ("overwrite_b", False), ("check_finite", True), ("lapack_driver", None)),
                checked=("a", lstsq_checked, ("y[2]", "overwrite_a", "overwrite_b", "lapack_driver")))


# The derivative of expm at a along h is the upper right block of expm([[a, h], [0, a]])
# (as matrix_power's); its adjoint is the same at a^T.
@adjoint(scipy.linalg.expm)
def expm(y, A):
    d[A] = upper_right(scipy.linalg.expm(block_triangular(numpy.swapaxes(A, -1, -2), d[y])))


@tangent(scipy.linalg.expm)
def expm(y, A):
    d[y] = upper_right(scipy.linalg.expm(block_triangular(A, d[A])))


# qr: the reduced factors of a (m x n, m >= n) have numpy.linalg.qr's derivative: with
# b = q^T da r^-1, dq = q skew_lower(b) + (1 - q q^T) da r^-1 and dr = (b - skew_lower(b)) r.
# The rules take them from an economic QR of a (the result's own factors: mode='r'
# returns r alone); qr_part and qr_unpart say where they sit in the result.
@adjoint(scipy.linalg.qr)
def qr(y, a, overwrite_a=False, lwork=None, mode="full", pivoting=False, check_finite=True):
    low = scipy_qr_mask(a, mode, pivoting, overwrite_a)
    re = scipy.linalg.qr(real_matrix(a, "scipy.linalg.qr"), mode="economic")
    q = re[0]
    r = full_rank_r(re[1], "scipy.linalg.qr")
    gq = qr_part(d[y], mode, 0, numpy.shape(q))
    m = numpy.matmul(qr_part(d[y], mode, 1, numpy.shape(r)), numpy.swapaxes(r, -1, -2)) \
        - numpy.matmul(numpy.swapaxes(q, -1, -2), gq)
    d[a] = numpy.swapaxes(numpy.linalg.solve(r, numpy.swapaxes(
        gq + numpy.matmul(q, m - skew_lower_adjoint(m, low)), -1, -2)), -1, -2)


@tangent(scipy.linalg.qr)
def qr(y, a, overwrite_a=False, lwork=None, mode="full", pivoting=False, check_finite=True):
    low = scipy_qr_mask(a, mode, pivoting, overwrite_a)
    re = scipy.linalg.qr(real_matrix(a, "scipy.linalg.qr"), mode="economic")
    q = re[0]
    qt = numpy.swapaxes(q, -1, -2)
    rt = numpy.swapaxes(full_rank_r(re[1], "scipy.linalg.qr"), -1, -2)
    shapes = qr_shapes(y)
    d[y] = qr_unpart(numpy.matmul(q, skew_lower(numpy.matmul(qt, numpy.swapaxes(numpy.linalg.solve(
        rt, numpy.swapaxes(d[a], -1, -2)), -1, -2)), low)), mode, 0, shapes)
    d[y] = qr_unpart(numpy.swapaxes(numpy.linalg.solve(rt, numpy.swapaxes(d[a], -1, -2)), -1, -2), mode, 0, shapes)
    d[y] = qr_unpart(-numpy.matmul(q, numpy.matmul(qt, numpy.swapaxes(numpy.linalg.solve(
        rt, numpy.swapaxes(d[a], -1, -2)), -1, -2))), mode, 0, shapes)
    d[y] = qr_unpart(numpy.matmul(qt, d[a]), mode, 1, shapes)
    d[y] = qr_unpart(-numpy.matmul(skew_lower(numpy.matmul(qt, numpy.swapaxes(numpy.linalg.solve(
        rt, numpy.swapaxes(d[a], -1, -2)), -1, -2)), low), re[1]), mode, 1, shapes)


# lu, piv = lu_factor(a): a = p l u with l unit lower and u upper, both kept in lu. With
# f = l^-1 p^T da u^-1: dl = l tril(f, -1), du = triu(f) u, and d(lu) = dl + du.
@adjoint(scipy.linalg.lu_factor)
def lu_factor(y, a, overwrite_a=False, check_finite=True):
    p = lu_permutation(y[1], real_matrix(y[0], "scipy.linalg.lu_factor"), overwrite_a, True)
    fbar = triangle(numpy.matmul(numpy.swapaxes(unit_lower(y[0]), -1, -2), d[y][0]), True, True) \
        + triangle(numpy.matmul(d[y][0], numpy.swapaxes(triangle(y[0], False), -1, -2)), False)
    d[a] = numpy.matmul(p, scipy.linalg.solve_triangular(y[0], numpy.swapaxes(scipy.linalg.solve_triangular(
        y[0], numpy.swapaxes(fbar, -1, -2)), -1, -2), 1, True, True))


@tangent(scipy.linalg.lu_factor)
def lu_factor(y, a, overwrite_a=False, check_finite=True):
    p = lu_permutation(y[1], real_matrix(y[0], "scipy.linalg.lu_factor"), overwrite_a, True)
    d[y] = in_result(numpy.matmul(unit_lower(y[0]), triangle(numpy.swapaxes(scipy.linalg.solve_triangular(
        y[0], numpy.swapaxes(scipy.linalg.solve_triangular(y[0], numpy.matmul(numpy.swapaxes(p, -1, -2), d[a]),
                                                           0, True, True), -1, -2), 1), -1, -2), True, True)), y, 0)
    d[y] = in_result(numpy.matmul(triangle(numpy.swapaxes(scipy.linalg.solve_triangular(
        y[0], numpy.swapaxes(scipy.linalg.solve_triangular(y[0], numpy.matmul(numpy.swapaxes(p, -1, -2), d[a]),
                                                           0, True, True), -1, -2), 1), -1, -2), False),
        triangle(y[0], False)), y, 0)


# x = m^-1 b with m = p l u (transposed for trans=1 or 2): with v the solve of x's
# cotangent by m^T, b's cotangent is v and m's is -v x^T, which reaches l's and u's
# triangles of lu through m = p l u.
# Its solves skip SciPy's finiteness check: with a singular lu, x is inf or NaN, and so
# are its derivatives (as numpy.linalg.slogdet's are NaN at a singular matrix).
@adjoint(scipy.linalg.lu_solve)
def lu_solve(x, lu_and_piv, b, trans=0, overwrite_b=False, check_finite=True):
    t = lu_transposed(trans, overwrite_b)
    cols = matrix_columns(x, lu_and_piv[0], b, "scipy.linalg.lu_solve")
    p = lu_permutation(lu_and_piv[1], real_matrix(lu_and_piv[0], "scipy.linalg.lu_solve"))
    v = scipy.linalg.lu_solve(lu_and_piv, d[x], 1 - t, False, False)
    gm = -numpy.matmul(numpy.swapaxes(p, -1, -2), transpose_if(numpy.matmul(
        numpy.reshape(v, cols), numpy.swapaxes(numpy.reshape(x, cols), -1, -2)), t))
    d[lu_and_piv] = in_result(triangle(numpy.matmul(gm, numpy.swapaxes(triangle(lu_and_piv[0], False), -1, -2)),
                                       True, True) + triangle(numpy.matmul(numpy.swapaxes(
                                           unit_lower(lu_and_piv[0]), -1, -2), gm), False), lu_and_piv, 0)
    d[b] = v


@tangent(scipy.linalg.lu_solve)
def lu_solve(x, lu_and_piv, b, trans=0, overwrite_b=False, check_finite=True):
    t = lu_transposed(trans, overwrite_b)
    cols = matrix_columns(x, lu_and_piv[0], b, "scipy.linalg.lu_solve")
    p = lu_permutation(lu_and_piv[1], real_matrix(lu_and_piv[0], "scipy.linalg.lu_solve"))
    d[x] = -numpy.reshape(scipy.linalg.lu_solve(lu_and_piv, numpy.matmul(transpose_if(numpy.matmul(p, numpy.matmul(
        triangle(d[lu_and_piv][0], True, True), triangle(lu_and_piv[0], False))), t), numpy.reshape(x, cols)), trans,
        False, False), numpy.shape(x))
    d[x] = -numpy.reshape(scipy.linalg.lu_solve(lu_and_piv, numpy.matmul(transpose_if(numpy.matmul(p, numpy.matmul(
        unit_lower(lu_and_piv[0]), triangle(d[lu_and_piv][0], False))), t), numpy.reshape(x, cols)), trans,
        False, False), numpy.shape(x))
    d[x] = scipy.linalg.lu_solve(lu_and_piv, d[b], trans, False, False)


# eigvals of a real matrix: complex eigenvalues w with dw = diag(v^-1 da v), complex-linear
# in da. With the adjoint of a complex value dL/d(re) - 1j dL/d(im) (JAX's and autograd's
# convention: rules/fft_rules.py), a real a gets the real part of v^-T diag(dw) v^T, so a
# real-valued function of the eigenvalues (numpy.real, numpy.abs, sums) has its gradient.
# Differentiated once: the eigenvectors' own derivatives are not written (the rules of
# eigvals_change, in runtime_rules.py with the other runtime helpers', refuse).


@adjoint(scipy.linalg.eigvals)
def scipy_eigvals(y, a, b=None, overwrite_a=False, check_finite=True, homogeneous_eigvals=False):
    d[a] = eigvals_change(d[y], a, y, True, overwrite_a, homogeneous_eigvals)
    d[b] = unsupported(d[y], "the derivative of scipy.linalg.eigvals with a second matrix b is not supported")


@tangent(scipy.linalg.eigvals)
def scipy_eigvals(y, a, b=None, overwrite_a=False, check_finite=True, homogeneous_eigvals=False):
    d[y] = eigvals_change(d[a], a, y, False, overwrite_a, homogeneous_eigvals)
    d[y] = unsupported(d[b], "the derivative of scipy.linalg.eigvals with a second matrix b is not supported")


declare(scipy.linalg.eigvals, eigvals_change, result=FRESH)

# eig's eigenvectors are complex, each known only up to a complex factor: they have no rule,
# and the refusal says what to call instead.
registry.NO_RULE_ADVICE[scipy.linalg.eig] = (
    "scipy.linalg.eig returns complex eigenvectors, each known only up to a complex factor, whose derivatives "
    "astgrad does not follow: for the eigenvalues alone call scipy.linalg.eigvals, which is differentiated (a "
    "real-valued function of them: numpy.real, numpy.abs, a sum); for a symmetric matrix call scipy.linalg.eigh; "
    "where the eigenvalues are real and distinct, numpy.linalg.eig returns them as real numbers and has a "
    "derivative")


declare(scipy.linalg.det, scipy.linalg.inv, scipy.linalg.eigh, scipy.linalg.eigvalsh, scipy.linalg.pinv,
        scipy.linalg.svdvals, scipy.linalg.expm, scipy.linalg.qr, scipy.linalg.lstsq, result=FRESH)
declare(scipy.linalg.solve, scipy.linalg.cholesky, scipy.linalg.cho_factor, scipy.linalg.cho_solve,
        scipy.linalg.solve_triangular, scipy.linalg.lu_factor, scipy.linalg.lu_solve, result=FRESH)


# What the rules refuse when they run, refused when code is made where it is written as
# a literal (overwrite_a=True, eigvals_only=True, assume_a='pos' of inv, mode='raw', ...).
def literal_options(what, *refused):
    """A literal check refusing overwrite_a=True, overwrite_b=True and the options
    ``refused`` as ``scipy_checked`` does."""
    def check(overwrite_a=False, overwrite_b=False, **literals):
        scipy_checked(None, what, overwrite_a or overwrite_b, **{name: literals[name] for name in refused
                                                                  if name in literals})
    return check


def _checks():
    linalg = scipy.linalg
    yield from ((f, literal_options(registry.user_name(f))) for f in (
        linalg.det, linalg.svdvals, linalg.svd, linalg.cholesky, linalg.cho_factor, linalg.cho_solve,
        linalg.lu_factor))
    yield linalg.inv, literal_options("scipy.linalg.inv", "assume_a")
    yield linalg.pinv, literal_options("scipy.linalg.pinv", "return_rank")
    for f in (linalg.eigh, linalg.eigvalsh):
        yield f, literal_options(registry.user_name(f), "b", "eigvals_only", "subset_by_index", "subset_by_value")
    yield linalg.solve, lambda assume_a=None, lower=False, overwrite_a=False, overwrite_b=False, **_: \
        solve_reads(None, assume_a, lower, overwrite_a, overwrite_b)
    yield linalg.solve_triangular, lambda trans=0, overwrite_b=False, **_: triangular_transposed(None, trans, overwrite_b)
    yield linalg.qr, lambda mode="full", pivoting=False, overwrite_a=False, **_: qr_options(mode, pivoting, overwrite_a)
    yield linalg.lstsq, lambda overwrite_a=False, overwrite_b=False, lapack_driver=None, **_: \
        lstsq_options(overwrite_a, overwrite_b, lapack_driver)
    yield linalg.lu_solve, lambda trans=0, overwrite_b=False, **_: lu_transposed(trans, overwrite_b)


for _function, _check in _checks():
    registry.register(_function, literal_check=_check)
