"""Derivatives of Python's operators: ``+ - * / ** @``, unary ``-``/``+``, indexing.

Binary operators broadcast, so every adjoint is summed back to its operand's shape
with ``unbroadcast``; tangents of operands that broadcast up are widened with
``broadcast_like``. The matmul adjoint helpers (runtime.py) return exactly their
operand's shape themselves.
"""

import operator

from ..runtime import matmul_adjoint_left, matmul_adjoint_right, unindex
from .registry import adjoint, d, non_differentiable, tangent, unsupported


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
                   operator.invert, operator.and_, operator.xor,
                   operator.is_, operator.is_not, operator.contains)


# x | y of values that carry a derivative: only dicts can be (a merge; boolean masks and
# integers carry none), and a merge astgrad did not see as one when it generated the code
# (an operand it could not tell is a dict) is refused rather than given a zero derivative
@adjoint(operator.or_)
def or_(y, a, b):
    d[a] = unsupported(d[y], "'|' on a value that carries a derivative (a dict merge whose operands astgrad cannot tell are dicts); write {**a, **b}")
    d[b] = unsupported(d[y], "'|' on a value that carries a derivative (a dict merge whose operands astgrad cannot tell are dicts); write {**a, **b}")


@tangent(operator.or_)
def or_(y, a, b):
    d[y] = unsupported(d[a], "'|' on a value that carries a derivative (a dict merge whose operands astgrad cannot tell are dicts); write {**a, **b}")
    d[y] = unsupported(d[b], "'|' on a value that carries a derivative (a dict merge whose operands astgrad cannot tell are dicts); write {**a, **b}")
