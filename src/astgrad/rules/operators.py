"""Derivatives of Python's operators: ``+ - * / ** @``, unary ``-``/``+``, indexing.

Binary operators broadcast, so every adjoint is summed back to its operand's shape
with ``unbroadcast``; tangents of operands that broadcast up are widened with
``broadcast_like``.
"""

import operator

import numpy

from ..runtime import broadcast_like, unbroadcast, unindex
from .registry import adjoint, d, non_differentiable, tangent


@adjoint(operator.add)
def add(z, x, y):
    d[x] = unbroadcast(d[z], x)
    d[y] = unbroadcast(d[z], y)


@tangent(operator.add)
def add(z, x, y):
    d[z] = broadcast_like(d[x], z)
    d[z] = broadcast_like(d[y], z)


@adjoint(operator.sub)
def sub(z, x, y):
    d[x] = unbroadcast(d[z], x)
    d[y] = unbroadcast(-d[z], y)


@tangent(operator.sub)
def sub(z, x, y):
    d[z] = broadcast_like(d[x], z)
    d[z] = broadcast_like(-d[y], z)


@adjoint(operator.mul)
def mul(z, x, y):
    d[x] = unbroadcast(d[z] * y, x)
    d[y] = unbroadcast(x * d[z], y)


@tangent(operator.mul)
def mul(z, x, y):
    d[z] = broadcast_like(d[x] * y, z)
    d[z] = broadcast_like(x * d[y], z)


@adjoint(operator.truediv)
def truediv(z, x, y):
    d[x] = unbroadcast(d[z] / y, x)
    d[y] = unbroadcast(-d[z] * z / y, y)


@tangent(operator.truediv)
def truediv(z, x, y):
    d[z] = broadcast_like(d[x] / y, z)
    d[z] = broadcast_like(-d[y] * z / y, z)


@adjoint(operator.pow)
def pow(z, x, y):
    d[x] = unbroadcast(d[z] * y * x ** (y - 1), x)
    d[y] = unbroadcast(d[z] * z * numpy.log(numpy.where(x > 0, x, 1.0)), y)


@tangent(operator.pow)
def pow(z, x, y):
    d[z] = broadcast_like(d[x] * y * x ** (y - 1), z)
    d[z] = broadcast_like(d[y] * z * numpy.log(numpy.where(x > 0, x, 1.0)), z)


@adjoint(operator.matmul)
def matmul(z, x, y):
    d[x] = unbroadcast(matmul_adjoint_left(d[z], x, y), x)
    d[y] = unbroadcast(matmul_adjoint_right(d[z], x, y), y)


@tangent(operator.matmul)
def matmul(z, x, y):
    d[z] = d[x] @ y
    d[z] = x @ d[y]


@adjoint(operator.neg)
def neg(y, x):
    d[x] = -d[y]


@tangent(operator.neg)
def neg(y, x):
    d[y] = -d[x]


@adjoint(operator.pos)
def pos(y, x):
    d[x] = d[y]


@tangent(operator.pos)
def pos(y, x):
    d[y] = d[x]


@adjoint(operator.getitem)
def getitem(y, x, index):
    d[x] = unindex(d[y], x, index)


@tangent(operator.getitem)
def getitem(y, x, index):
    d[y] = d[x][index]


non_differentiable(operator.lt, operator.le, operator.gt, operator.ge, operator.eq,
                   operator.ne, operator.not_, operator.mod, operator.floordiv,
                   operator.invert, operator.and_, operator.or_, operator.xor,
                   operator.is_, operator.is_not, operator.contains)


def matmul_adjoint_left(g, x, y):
    """The adjoint of ``x`` in ``x @ y`` for vectors, matrices and stacks of them."""
    x_dim, y_dim = numpy.ndim(x), numpy.ndim(y)
    if y_dim == 1:
        return numpy.multiply.outer(g, y) if x_dim > 1 else g * y
    if x_dim == 1:
        return numpy.sum(numpy.expand_dims(g, -2) * y, axis=-1) if y_dim == 2 else \
            numpy.sum(numpy.expand_dims(g, -2) @ numpy.swapaxes(y, -1, -2), axis=tuple(range(y_dim - 2)) + (-2,))
    return g @ numpy.swapaxes(y, -1, -2)


def matmul_adjoint_right(g, x, y):
    """The adjoint of ``y`` in ``x @ y`` for vectors, matrices and stacks of them."""
    x_dim, y_dim = numpy.ndim(x), numpy.ndim(y)
    if x_dim == 1:
        return numpy.multiply.outer(x, g) if y_dim > 1 else g * x
    if y_dim == 1:
        return numpy.swapaxes(x, -1, -2) @ g if x_dim == 2 else \
            numpy.sum(numpy.swapaxes(x, -1, -2) @ numpy.expand_dims(g, -1), axis=tuple(range(x_dim - 2)) + (-1,))
    return numpy.swapaxes(x, -1, -2) @ g
