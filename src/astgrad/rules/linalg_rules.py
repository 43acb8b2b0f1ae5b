"""Derivatives of numpy.linalg functions and of trace.

Conventions are those of ``numpy_rules.py``: adjoints have exactly their input's shape
and keep its float dtype; stacks of matrices (the last two axes) are supported where
NumPy supports them.
"""

import numpy

from ..runtime import det_cofactors, inverse_or_zero, matmul_adjoint_left, norm_axis, unreduce, untrace
from .registry import adjoint, d, tangent


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


@adjoint(numpy.linalg.solve)
def solve(x, a, b):
    d[a] = -matmul_adjoint_left(numpy.linalg.solve(numpy.swapaxes(a, -1, -2), d[x]), a, x)
    d[b] = numpy.linalg.solve(numpy.swapaxes(a, -1, -2), d[x])


@tangent(numpy.linalg.solve)
def solve(x, a, b):
    d[x] = -numpy.linalg.solve(a, numpy.matmul(d[a], x))
    d[x] = numpy.linalg.solve(a, d[b])


# At a zero norm (or std) the derivative does not exist; inverse_or_zero gives 0 there.
@adjoint(numpy.linalg.norm)
def norm(y, x, ord=None, axis=None, keepdims=False):
    d[x] = unreduce(d[y] * inverse_or_zero(y), x, norm_axis(x, ord, axis), keepdims) * x


@tangent(numpy.linalg.norm)
def norm(y, x, ord=None, axis=None, keepdims=False):
    d[y] = numpy.sum(x * d[x], axis=norm_axis(x, ord, axis), keepdims=keepdims) * inverse_or_zero(y)



@adjoint(numpy.ndarray.trace)
def trace_method(y, self, offset=0, axis1=0, axis2=1, dtype=None):
    d[self] = untrace(d[y], self, offset, axis1, axis2)


@tangent(numpy.ndarray.trace)
def trace_method(y, self, offset=0, axis1=0, axis2=1, dtype=None):
    d[y] = numpy.trace(d[self], offset, axis1, axis2)


