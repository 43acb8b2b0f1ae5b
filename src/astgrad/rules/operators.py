"""Derivatives of Python's operators: ``+ - * / ** @``, unary ``-``/``+``, indexing.

Binary operators broadcast, so every adjoint is summed back to its operand's shape
with ``unbroadcast``; tangents of operands that broadcast up are widened with
``broadcast_like``. The matmul adjoint helpers (runtime.py) return exactly their
operand's shape themselves.
"""

import operator

from ..runtime import matmul_adjoint_left, matmul_adjoint_right, unindex
from .registry import adjoint, d, non_differentiable, tangent


# +, -, *, /, **, %, unary - and + are declared with numpy.add, numpy.subtract, ...
# (numpy_rules.py): they share one derivative.


@adjoint(operator.matmul)
def matmul(z, x, y):
    d[x] = matmul_adjoint_left(d[z], x, y)
    d[y] = matmul_adjoint_right(d[z], x, y)


@tangent(operator.matmul)
def matmul(z, x, y):
    d[z] = d[x] @ y
    d[z] = x @ d[y]


@adjoint(operator.getitem)
def getitem(y, x, index):
    d[x] = unindex(d[y], x, index)


@tangent(operator.getitem)
def getitem(y, x, index):
    d[y] = d[x][index]


non_differentiable(operator.lt, operator.le, operator.gt, operator.ge, operator.eq,
                   operator.ne, operator.not_, operator.floordiv,
                   operator.invert, operator.and_, operator.or_, operator.xor,
                   operator.is_, operator.is_not, operator.contains)
