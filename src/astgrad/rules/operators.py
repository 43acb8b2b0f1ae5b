"""Derivatives of Python's operators: ``+ - * / ** @``, unary ``-``/``+``, indexing.

Binary operators broadcast, so every adjoint is summed back to its operand's shape
with ``unbroadcast``; tangents of operands that broadcast up are widened with
``broadcast_like``. The matmul adjoint helpers (runtime.py) return exactly their
operand's shape themselves.
"""

import operator

import numpy

from ..runtime import broadcast_like, matmul_adjoint_left, matmul_adjoint_right, unbroadcast, unindex
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
    d[x] = matmul_adjoint_left(d[z], x, y)
    d[y] = matmul_adjoint_right(d[z], x, y)


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


# x % y = x - floor(x / y) * y, and floor is locally constant.
@adjoint(operator.mod)
def mod(z, x, y):
    d[x] = unbroadcast(d[z], x)
    d[y] = unbroadcast(-d[z] * numpy.floor_divide(x, y), y)


@tangent(operator.mod)
def mod(z, x, y):
    d[z] = broadcast_like(d[x], z)
    d[z] = broadcast_like(-d[y] * numpy.floor_divide(x, y), z)


non_differentiable(operator.lt, operator.le, operator.gt, operator.ge, operator.eq,
                   operator.ne, operator.not_, operator.floordiv,
                   operator.invert, operator.and_, operator.or_, operator.xor,
                   operator.is_, operator.is_not, operator.contains)
