"""Derivatives of products: matmul, dot (and ndarray.dot), inner, outer, einsum.

Each product is linear in each operand, so each tangent is the product with one operand
replaced by its tangent, and each adjoint is a contraction of the cotangent with the
other operands. Conventions are those of ``numpy_rules.py``: adjoints have exactly their
input's shape and keep its float dtype.
"""

import numpy

from ..runtime import (
    contract, dot_adjoint_left, dot_adjoint_right, einsum_adjoint_spec, einsum_tangent_spec,
    inner_adjoint_left, inner_adjoint_right, matmul_adjoint_left, matmul_adjoint_right, operand_shape,
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
    d[a] = numpy.reshape(numpy.dot(d[y], numpy.ravel(b)), numpy.shape(a))
    d[b] = numpy.reshape(numpy.dot(numpy.ravel(a), d[y]), numpy.shape(b))


@tangent(numpy.outer)
def outer(y, a, b):
    d[y] = numpy.outer(d[a], b)
    d[y] = numpy.outer(a, d[b])


# In the interleaved form einsum(a, [0, 1], b, [1, 2], [0, 2]) the first argument is
# an operand too: it has a derivative, and its spec slot is its labels.
@adjoint(numpy.einsum)
def einsum(y, subscripts, *operands, optimize=False):
    d[subscripts] = contract(einsum_adjoint_spec(subscripts, operands, -1), numpy.shape(subscripts),
                             d[y], subscripts, *operands)
    d[operands] = contract(einsum_adjoint_spec(subscripts, operands, argnum),
                           operand_shape(operands, argnum), d[y], subscripts, *operands)


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


