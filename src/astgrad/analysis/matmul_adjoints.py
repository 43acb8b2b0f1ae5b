"""The adjoints of ``x @ y`` as plain NumPy products, in code specialized to its arguments.

``matmul_adjoint_left(g, x, y)`` and ``matmul_adjoint_right(g, x, y)`` work for any
operands: vectors, matrices, stacks of them, mixed dtypes (the result is cast to the
operand's float dtype). Where the layouts say that ``x`` and ``y`` are vectors or
matrices, and every array argument of the function is float64 (so every array the code
computes is float64 too, and no cast is needed), the product is one NumPy call, the one
a person writes by hand:

    =========  ======================  ======================
    x, y       d_x (left)              d_y (right)
    =========  ======================  ======================
    2-d, 2-d   ``g @ y.T``             ``x.T @ g``
    2-d, 1-d   ``numpy.outer(g, y)``   ``g @ x``
    1-d, 2-d   ``y @ g``               ``numpy.outer(x, g)``
    1-d, 1-d   ``g * y``               ``g * x``
    =========  ======================  ======================

These are the helpers' own fast paths (see ``runtime.matmul_adjoint_left``), so the
numbers are the same.
"""

import gast
import numpy

from .. import argument_kinds
from .. import runtime
from ..core import anno
from ..core import syntax as S
from ..core import walk
from ..core.anno import Key

_FLOAT64 = numpy.dtype(numpy.float64).str
_HELPERS = (runtime.matmul_adjoint_left, runtime.matmul_adjoint_right)


def only_float64_arrays(kinds):
    """Whether every array among the arguments' kinds is a float64 array."""
    return all(kind[:kind.index("[")] == _FLOAT64 for kind in kinds.values() if argument_kinds.is_array(kind))


def direct_matmul_adjoints(body, layouts, kinds, numpy_name):
    """Rewrite the ``matmul_adjoint_*`` calls of ``body`` that qualify (see the module
    docstring); ``numpy_name()`` gives the name numpy goes by in the generated code."""
    if only_float64_arrays(kinds):
        walk.rewrite_calls(body, _HELPERS, _Direct(layouts, numpy_name).rewrite)
    return body


class _Direct:
    def __init__(self, layouts, numpy_name):
        self.layouts = layouts
        self.numpy_name = numpy_name

    def rewrite(self, node):
        if len(node.args) != 3 or node.keywords:
            return node
        g, x, y = node.args
        x_dims, y_dims = self._dims(x), self._dims(y)
        if x_dims is None or y_dims is None:
            return node
        if anno.get(node, Key.TARGET) is runtime.matmul_adjoint_left:
            return self._left(g, x_dims, y, y_dims)
        return self._right(g, x, x_dims, y_dims)

    def _dims(self, node):
        layout = self.layouts.of(node)
        return len(layout) if layout is not None and 1 <= len(layout) <= 2 else None

    def _left(self, g, x_dims, y, y_dims):
        if x_dims == 2 and y_dims == 2:
            return _matmul(g, _transposed(y))
        if x_dims == 2:
            return self._outer(g, y)
        if y_dims == 2:
            return _matmul(y, g)
        return gast.BinOp(left=g, op=gast.Mult(), right=y)

    def _right(self, g, x, x_dims, y_dims):
        if x_dims == 2 and y_dims == 2:
            return _matmul(_transposed(x), g)
        if x_dims == 2:
            return _matmul(g, x)
        if y_dims == 2:
            return self._outer(x, g)
        return gast.BinOp(left=g, op=gast.Mult(), right=x)

    def _outer(self, a, b):
        func = gast.Attribute(value=S.name(self.numpy_name()), attr="outer", ctx=gast.Load())
        call = S.call(func, [a, b])
        anno.set(call, Key.TARGET, numpy.outer)
        return call


def _matmul(a, b):
    return gast.BinOp(left=a, op=gast.MatMult(), right=b)


def _transposed(node):
    return gast.Attribute(value=node, attr="T", ctx=gast.Load())
