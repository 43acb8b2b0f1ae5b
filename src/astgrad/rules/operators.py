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
                   operator.ne, operator.not_, operator.floordiv, operator.invert,
                   operator.is_, operator.is_not, operator.contains)

# & | ^ of booleans and integers carry no derivative; of sets they are set operations,
# whose items do, and | of dicts is a merge (written {**a, **b} where astgrad sees the
# dicts): refused where a derivative would flow (never a silent zero)
@adjoint(operator.and_)
@adjoint(operator.or_)
@adjoint(operator.xor)
def bitwise(y, a, b):
    d[a] = unsupported(d[y], "'|', '&' and '^' of values that carry a derivative: of sets (a set of differentiated values only read works: sum it, loop over it, v in s) and of dicts whose operands astgrad cannot tell are dicts (write {**a, **b}) they have no derivative here")
    d[b] = unsupported(d[y], "'|', '&' and '^' of values that carry a derivative: of sets (a set of differentiated values only read works: sum it, loop over it, v in s) and of dicts whose operands astgrad cannot tell are dicts (write {**a, **b}) they have no derivative here")


@tangent(operator.and_)
@tangent(operator.or_)
@tangent(operator.xor)
def bitwise(y, a, b):
    d[y] = unsupported(d[a], "'|', '&' and '^' of values that carry a derivative: of sets (a set of differentiated values only read works: sum it, loop over it, v in s) and of dicts whose operands astgrad cannot tell are dicts (write {**a, **b}) they have no derivative here")
    d[y] = unsupported(d[b], "'|', '&' and '^' of values that carry a derivative: of sets (a set of differentiated values only read works: sum it, loop over it, v in s) and of dicts whose operands astgrad cannot tell are dicts (write {**a, **b}) they have no derivative here")
