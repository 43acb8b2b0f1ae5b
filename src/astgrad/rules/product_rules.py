"""Derivatives of products: matmul, dot (and ndarray.dot), inner, outer, einsum, tensordot,
vdot, kron and cross (and their numpy.linalg namesakes).

Each product is linear in each operand, so each tangent is the product with one operand
replaced by its tangent, and each adjoint is a contraction of the cotangent with the
other operands. Conventions are those of ``numpy_rules.py``: adjoints have exactly their
input's shape and keep its float dtype; ``cast_like`` also takes the real part where
a real operand meets a complex one (JAX's and autograd's convention, as for numpy.fft).
"""

import numpy

from ..runtime import (
    adjoint_spec, cast_like, contract, cross_spec, dot_adjoint_left, dot_adjoint_right, einsum_adjoint_spec,
    einsum_tangent_spec, inner_adjoint_left, inner_adjoint_right, kron_blocks, kron_spec, levi_civita,
    matmul_adjoint_left, matmul_adjoint_right, operand_shape, tangent_spec, tensordot_spec, unbroadcast,
)
from .registry import adjoint, d, tangent


@adjoint(numpy.matmul)
def matmul(z, x1, x2):
    d[x1] = matmul_adjoint_left(d[z], x1, x2)
    d[x2] = matmul_adjoint_right(d[z], x1, x2)


@tangent(numpy.matmul)
def matmul(z, x1, x2):
    d[z] = numpy.matmul(d[x1], x2)
    d[z] = numpy.matmul(x1, d[x2])


@adjoint(numpy.dot)
def dot(y, a, b):
    d[a] = dot_adjoint_left(d[y], a, b)
    d[b] = dot_adjoint_right(d[y], a, b)


@tangent(numpy.dot)
def dot(y, a, b):
    d[y] = numpy.dot(d[a], b)
    d[y] = numpy.dot(a, d[b])


@adjoint(numpy.inner)
def inner(y, a, b):
    d[a] = inner_adjoint_left(d[y], a, b)
    d[b] = inner_adjoint_right(d[y], a, b)


@tangent(numpy.inner)
def inner(y, a, b):
    d[y] = numpy.inner(d[a], b)
    d[y] = numpy.inner(a, d[b])


@adjoint(numpy.outer)
def outer(y, a, b):
    d[a] = cast_like(numpy.dot(d[y], numpy.ravel(b)), a)
    d[b] = cast_like(numpy.dot(numpy.ravel(a), d[y]), b)


@tangent(numpy.outer)
def outer(y, a, b):
    d[y] = numpy.outer(d[a], b)
    d[y] = numpy.outer(a, d[b])


# In the interleaved form einsum(a, [0, 1], b, [1, 2], [0, 2]) the first argument is
# an operand too: it has a derivative, and its spec slot is its labels.
@adjoint(numpy.einsum)
def einsum(y, subscripts, *operands, optimize=False):
    d[subscripts] = cast_like(contract(einsum_adjoint_spec(subscripts, operands, -1), numpy.shape(subscripts),
                                       d[y], subscripts, *operands), subscripts)
    d[operands] = cast_like(contract(einsum_adjoint_spec(subscripts, operands, argnum),
                                     operand_shape(operands, argnum), d[y], subscripts, *operands),
                            operands[argnum])


@tangent(numpy.einsum)
def einsum(y, subscripts, *operands, optimize=False):
    d[y] = contract(einsum_tangent_spec(subscripts, operands, -1), numpy.shape(y),
                    d[subscripts], subscripts, *operands)
    d[y] = contract(einsum_tangent_spec(subscripts, operands, argnum), numpy.shape(y),
                    d[operands], subscripts, *operands)



@adjoint(numpy.ndarray.dot)
def dot_method(y, self, b):
    d[self] = dot_adjoint_left(d[y], self, b)
    d[b] = dot_adjoint_right(d[y], self, b)


@tangent(numpy.ndarray.dot)
def dot_method(y, self, b):
    d[y] = numpy.dot(d[self], b)
    d[y] = numpy.dot(self, d[b])




# tensordot, kron and cross are contractions: their derivatives are ``contract`` calls
# (which have rules of every order) over specs computed from the shapes.
@adjoint(numpy.tensordot)
def tensordot(y, a, b, axes=2):
    d[a] = cast_like(contract(adjoint_spec(tensordot_spec(a, b, axes), 0), numpy.shape(a), d[y], a, b), a)
    d[b] = cast_like(contract(adjoint_spec(tensordot_spec(a, b, axes), 1), numpy.shape(b), d[y], a, b), b)


@tangent(numpy.tensordot)
def tensordot(y, a, b, axes=2):
    d[y] = contract(tangent_spec(tensordot_spec(a, b, axes), 0), numpy.shape(y), d[a], a, b)
    d[y] = contract(tangent_spec(tensordot_spec(a, b, axes), 1), numpy.shape(y), d[b], a, b)


@adjoint(numpy.linalg.tensordot)
def linalg_tensordot(y, x1, x2, *, axes=2):
    d[x1] = cast_like(contract(adjoint_spec(tensordot_spec(x1, x2, axes), 0), numpy.shape(x1), d[y], x1, x2), x1)
    d[x2] = cast_like(contract(adjoint_spec(tensordot_spec(x1, x2, axes), 1), numpy.shape(x2), d[y], x1, x2), x2)


@tangent(numpy.linalg.tensordot)
def linalg_tensordot(y, x1, x2, *, axes=2):
    d[y] = contract(tangent_spec(tensordot_spec(x1, x2, axes), 0), numpy.shape(y), d[x1], x1, x2)
    d[y] = contract(tangent_spec(tensordot_spec(x1, x2, axes), 1), numpy.shape(y), d[x2], x1, x2)


# vdot flattens both operands and conjugates the first, sum(conj(a) * b): complex-linear
# in b, conjugate-linear in a, so a's adjoint is conj(d[y] * b) (a real a keeps its real
# part); on real values both are the plain products.
@adjoint(numpy.vdot)
def vdot(y, a, b):
    d[a] = unbroadcast(numpy.reshape(numpy.conj(d[y] * numpy.ravel(b)), numpy.shape(a)), a)
    d[b] = unbroadcast(numpy.reshape(d[y] * numpy.conj(numpy.ravel(a)), numpy.shape(b)), b)


@tangent(numpy.vdot)
def vdot(y, a, b):
    d[y] = numpy.vdot(d[a], b)
    d[y] = numpy.vdot(a, d[b])


# kron(a, b) reshaped to (a0, b0, a1, b1, ...) is the outer product of a and b.
@adjoint(numpy.kron)
def kron(y, a, b):
    d[a] = cast_like(contract(kron_spec(a, b, 0), numpy.shape(a), numpy.reshape(d[y], kron_blocks(a, b)), b), a)
    d[b] = cast_like(contract(kron_spec(a, b, 1), numpy.shape(b), numpy.reshape(d[y], kron_blocks(a, b)), a), b)


@tangent(numpy.kron)
def kron(y, a, b):
    d[y] = numpy.kron(d[a], b)
    d[y] = numpy.kron(a, d[b])


# cross(a, b)_i = eps_ijk a_j b_k, with the Levi-Civita tensor as a constant third tensor.
@adjoint(numpy.cross)
def cross(y, a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    d[a] = cast_like(contract(adjoint_spec(cross_spec(a, b, axisa, axisb, axisc, axis), 0), numpy.shape(a), d[y],
                              a, b, levi_civita(a, b, axisa, axisb, axis)), a)
    d[b] = cast_like(contract(adjoint_spec(cross_spec(a, b, axisa, axisb, axisc, axis), 1), numpy.shape(b), d[y],
                              a, b, levi_civita(a, b, axisa, axisb, axis)), b)


@tangent(numpy.cross)
def cross(y, a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    d[y] = contract(tangent_spec(cross_spec(a, b, axisa, axisb, axisc, axis), 0), numpy.shape(y), d[a], a, b,
                    levi_civita(a, b, axisa, axisb, axis))
    d[y] = contract(tangent_spec(cross_spec(a, b, axisa, axisb, axisc, axis), 1), numpy.shape(y), d[b], a, b,
                    levi_civita(a, b, axisa, axisb, axis))


@adjoint(numpy.linalg.cross)
def linalg_cross(y, x1, x2, *, axis=-1):
    d[x1] = cast_like(contract(adjoint_spec(cross_spec(x1, x2, axis=axis), 0), numpy.shape(x1), d[y], x1, x2,
                               levi_civita(x1, x2, axis=axis)), x1)
    d[x2] = cast_like(contract(adjoint_spec(cross_spec(x1, x2, axis=axis), 1), numpy.shape(x2), d[y], x1, x2,
                               levi_civita(x1, x2, axis=axis)), x2)


@tangent(numpy.linalg.cross)
def linalg_cross(y, x1, x2, *, axis=-1):
    d[y] = contract(tangent_spec(cross_spec(x1, x2, axis=axis), 0), numpy.shape(y), d[x1], x1, x2,
                    levi_civita(x1, x2, axis=axis))
    d[y] = contract(tangent_spec(cross_spec(x1, x2, axis=axis), 1), numpy.shape(y), d[x2], x1, x2,
                    levi_civita(x1, x2, axis=axis))


@adjoint(numpy.linalg.matmul)
def linalg_matmul(z, x1, x2):
    d[x1] = matmul_adjoint_left(d[z], x1, x2)
    d[x2] = matmul_adjoint_right(d[z], x1, x2)


@tangent(numpy.linalg.matmul)
def linalg_matmul(z, x1, x2):
    d[z] = numpy.matmul(d[x1], x2)
    d[z] = numpy.matmul(x1, d[x2])


# vecdot(x1, x2) = sum(conj(x1) * x2, axis), which broadcast: conjugate-linear in x1 (as
# vdot), so x1's adjoint is conjugated too; on real values both are the plain products.
@adjoint(numpy.vecdot)
def vecdot(z, x1, x2, *, axis=-1):
    d[x1] = unbroadcast(numpy.conj(numpy.expand_dims(d[z], axis) * x2), x1)
    d[x2] = unbroadcast(numpy.conj(x1) * numpy.expand_dims(d[z], axis), x2)


@tangent(numpy.vecdot)
def vecdot(z, x1, x2, *, axis=-1):
    d[z] = numpy.vecdot(d[x1], x2, axis=axis)
    d[z] = numpy.vecdot(x1, d[x2], axis=axis)


@adjoint(numpy.linalg.vecdot)
def linalg_vecdot(z, x1, x2, *, axis=-1):
    d[x1] = unbroadcast(numpy.conj(numpy.expand_dims(d[z], axis) * x2), x1)
    d[x2] = unbroadcast(numpy.conj(x1) * numpy.expand_dims(d[z], axis), x2)


@tangent(numpy.linalg.vecdot)
def linalg_vecdot(z, x1, x2, *, axis=-1):
    d[z] = numpy.linalg.vecdot(d[x1], x2, axis=axis)
    d[z] = numpy.linalg.vecdot(x1, d[x2], axis=axis)


@adjoint(numpy.linalg.outer)
def linalg_outer(y, x1, x2):
    d[x1] = cast_like(numpy.dot(d[y], x2), x1)
    d[x2] = cast_like(numpy.dot(x1, d[y]), x2)


@tangent(numpy.linalg.outer)
def linalg_outer(y, x1, x2):
    d[y] = numpy.outer(d[x1], x2)
    d[y] = numpy.outer(x1, d[x2])
