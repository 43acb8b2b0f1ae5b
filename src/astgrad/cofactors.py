"""The cofactors of a determinant and their first and second changes, finite at singular
matrices too (computed from an SVD): the helpers of numpy.linalg.det's and slogdet's
rules at every order. Generated code finds them through ``astgrad.runtime``.
"""

import numpy

from .adjoint_values import _float_dtype
from .core import originals

# the helpers call NumPy as astgrad found it (see runtime.py)
numpy = originals.snapshot(numpy)


def det_cofactors(a):
    """The cofactor matrix of (a stack of) square matrices: the derivative of det(a)
    with respect to a. Computed from an SVD, so it is finite (and exact) for singular
    matrices too, where det(a) * inv(a).T cannot be formed."""
    a = numpy.asarray(a)
    if a.shape[-1] == 0:
        return numpy.zeros(a.shape, dtype=_float_dtype(a) or numpy.float64)
    u, s, vh = numpy.linalg.svd(a)
    n = s.shape[-1]
    # prod over j != i of s_j, without dividing by a zero s_i
    others = numpy.stack([numpy.prod(numpy.delete(s, i, axis=-1), axis=-1) for i in range(n)], axis=-1)
    sign = numpy.linalg.det(u) * numpy.linalg.det(vh)
    # adj(a) = det(u) det(vh) vh^H diag(others) u^H (conjugate transposes: u, vh are unitary
    # for a complex a); the cofactor matrix is adj(a)^T
    adjugate = numpy.matmul(_adjoint_matrix(vh) * others[..., None, :], _adjoint_matrix(u))
    return numpy.swapaxes(adjugate, -1, -2) * sign[..., None, None]


def _adjoint_matrix(m):
    """The conjugate transpose of (a stack of) matrices (the transpose of real ones)."""
    t = numpy.swapaxes(m, -1, -2)
    return numpy.conj(t) if numpy.iscomplexobj(t) else t


# Higher derivatives of det, finite at singular matrices. With a = u diag(s) vh (SVD)
# and sign = det(u) det(vh), det(a + h) = sign * det(diag(s) + x) for x = u^H h vh^H,
# and det(diag(s) + x) = sum over index sets J of det(x[J, J]) * prod_{l not in J} s_l.
# So every derivative of det is a polynomial in s and x: no inverse, no division.

def _svd_frame(a):
    """u, s, vh and sign = det(u) det(vh) of (a stack of) square matrices."""
    u, s, vh = numpy.linalg.svd(a)
    return u, s, vh, numpy.linalg.det(u) * numpy.linalg.det(vh)


def _products_of_others(s):
    """prod over l != i of s[..., l], for each i, without dividing (s may hold zeros)."""
    ones = numpy.ones_like(s[..., :1])
    before = numpy.cumprod(numpy.concatenate([ones, s[..., :-1]], axis=-1), axis=-1)
    after = numpy.cumprod(numpy.concatenate([ones, s[..., :0:-1]], axis=-1), axis=-1)[..., ::-1]
    return before * after


def _products_excluding(s, count):
    """p[..., i_1, ..., i_count] = prod of s[..., l] over l not in {i_1, ..., i_count}, and
    0 where two of the indices are equal (such terms do not occur in det's expansion)."""
    n = s.shape[-1]
    axes = [numpy.arange(n).reshape((1,) * k + (n,) + (1,) * (count - 1 - k)) for k in range(count)]
    # v[..., i_1, ..., i_{count-1}, l] = 1 where l is one of the first i's, else s_l;
    # _products_of_others then leaves out l = i_count as well
    excluded = numpy.zeros((n,) * count, dtype=bool)
    for i in axes[:-1]:
        excluded = excluded | (i == axes[-1])
    v = numpy.where(excluded, numpy.ones((), s.dtype), s[(...,) + (None,) * (count - 1) + (slice(None),)])
    p = _products_of_others(v)
    distinct = numpy.ones((n,) * count, dtype=bool)
    for k, i in enumerate(axes):
        for j in axes[:k]:
            distinct = distinct & (i != j)
    return numpy.where(distinct, p, numpy.zeros((), p.dtype))


def _in_frame(u, h, vh):
    """x = u^H h vh^H: h in the coordinates where a is diag(s) (u^T h vh^T for a real a)."""
    return numpy.matmul(_adjoint_matrix(u), numpy.matmul(h, _adjoint_matrix(vh)))


def _from_frame(u, m, vh, sign):
    """sign * conj(u) m conj(vh): a gradient in the diag(s) coordinates, back in a's
    (the transpose of _in_frame; complex gradients are not conjugated)."""
    if numpy.iscomplexobj(u):
        u, vh = numpy.conj(u), numpy.conj(vh)
    return numpy.matmul(u, numpy.matmul(m, vh)) * sign[..., None, None]


def _diagonal_matrix(d):
    return d[..., :, None] * numpy.eye(d.shape[-1], dtype=d.dtype)


def cofactors_change(a, h):
    """The derivative of det_cofactors(a) along h: the gradient of the second derivative
    d2 det(a)[h, .], finite at singular matrices too. Linear in h, and self-adjoint: <g,
    cofactors_change(a, h)> = d2 det(a)[h, g] is symmetric in h and g."""
    a, h = numpy.asarray(a), numpy.asarray(h)
    if a.shape[-1] == 0:
        return numpy.zeros(numpy.broadcast_shapes(a.shape, h.shape), dtype=_float_dtype(a) or numpy.float64)
    u, s, vh, sign = _svd_frame(a)
    x = _in_frame(u, h, vh)
    p = _products_excluding(s, 2)       # p[i, j] = prod over l not in {i, j} of s_l
    # in the frame: m[i, j] = -x[j, i] p[i, j] (i != j), m[i, i] = sum over k != i of x[k, k] p[i, k]
    m = -numpy.swapaxes(x, -1, -2) * p
    m = m + _diagonal_matrix(numpy.matmul(p, numpy.diagonal(x, axis1=-2, axis2=-1)[..., None])[..., 0])
    return _from_frame(u, m, vh, sign)


def cofactors_second_change(a, h, k):
    """The derivative of cofactors_change(a, h) along k: the gradient of the third
    derivative d3 det(a)[h, k, .], finite at singular matrices too. Linear in h and in k,
    symmetric in them, and <g, cofactors_second_change(a, h, k)> = d3 det(a)[h, k, g]."""
    a, h, k = numpy.asarray(a), numpy.asarray(h), numpy.asarray(k)
    if a.shape[-1] == 0:
        shape = numpy.broadcast_shapes(a.shape, h.shape, k.shape)
        return numpy.zeros(shape, dtype=_float_dtype(a) or numpy.float64)
    u, s, vh, sign = _svd_frame(a)
    x, y = _in_frame(u, h, vh), _in_frame(u, k, vh)
    p = _products_excluding(s, 3)       # p[i, j, q] = prod over l not in {i, j, q} of s_l
    xd, yd = numpy.diagonal(x, axis1=-2, axis2=-1), numpy.diagonal(y, axis1=-2, axis2=-1)
    px = numpy.matmul(p, xd[..., None, :, None])[..., 0]     # sum over q of p[i, j, q] x[q, q]
    py = numpy.matmul(p, yd[..., None, :, None])[..., 0]
    xt, yt = numpy.swapaxes(x, -1, -2), numpy.swapaxes(y, -1, -2)
    # off the diagonal (p is 0 where i == j): the permutations of {i, j, q} taking i to j
    m = -xt * py - yt * px + numpy.einsum("...ijq,...jq,...qi->...ij", p, x, y) \
        + numpy.einsum("...ijq,...jq,...qi->...ij", p, y, x)
    # on it: the permutations of {i, r, q} fixing i
    diagonal = numpy.einsum("...irq,...r,...q->...i", p, xd, yd) - numpy.einsum("...irq,...rq,...qr->...i", p, x, y)
    return _from_frame(u, m + _diagonal_matrix(diagonal), vh, sign)
