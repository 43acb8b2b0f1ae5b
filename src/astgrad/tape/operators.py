"""Tensor operators: arithmetic (recorded: ``+ - * / ** @ %``, unary minus, ``abs``,
indexing) and comparisons (``< ==``, ...), which carry no derivative; ``//`` is
``floor_divide``, whose derivative is 0. The bitwise operators are in bitwise.py.
"""

import numbers
import operator

import numpy

from .operands import LEFT_TO_PYTHON
from .mode import grad_mode
from .conventions import remainder, rounded_division
from .record import TensorBase, apply, binary, constant_op, promoted_pair, raw, unary
from .torch_kinds import check_bool_subtraction, check_integer_divisor, check_kind

__all__ = ["OperatorMethods"]



class OperatorMethods:
    """Python's operators on tensors."""

    __slots__ = ()

    # arithmetic: recorded. A list or tuple operand (a namedtuple too: operands.py) is PyTorch's NotImplemented: Python's
    # TypeError ("unsupported operand type(s) for +"), False for ==, and for * the list's repetition
    def __add__(self, other):
        if LEFT_TO_PYTHON[type(other)]:
            return NotImplemented
        return binary(operator.add, self, other)

    def __radd__(self, other):
        if LEFT_TO_PYTHON[type(other)]:
            return NotImplemented
        return binary(operator.add, other, self)

    def __sub__(self, other):
        if LEFT_TO_PYTHON[type(other)]:
            return NotImplemented
        check_bool_subtraction(self, other)
        return binary(operator.sub, self, other)

    def __rsub__(self, other):
        if LEFT_TO_PYTHON[type(other)]:
            return NotImplemented
        check_bool_subtraction(other, self)
        return binary(operator.sub, other, self)

    def __mul__(self, other):
        if LEFT_TO_PYTHON[type(other)]:
            return NotImplemented
        return binary(operator.mul, self, other)

    def __rmul__(self, other):
        if LEFT_TO_PYTHON[type(other)]:
            return NotImplemented
        return binary(operator.mul, other, self)

    def __truediv__(self, other):
        if LEFT_TO_PYTHON[type(other)]:
            return NotImplemented
        return binary(operator.truediv, self, other)

    def __rtruediv__(self, other):
        if LEFT_TO_PYTHON[type(other)]:
            return NotImplemented
        return binary(operator.truediv, other, self)

    def __pow__(self, other):
        if LEFT_TO_PYTHON[type(other)]:
            return NotImplemented
        return binary(operator.pow, self, other)

    def __rpow__(self, other):
        if LEFT_TO_PYTHON[type(other)]:
            return NotImplemented
        return binary(operator.pow, other, self)

    def __matmul__(self, other):
        if LEFT_TO_PYTHON[type(other)]:
            return NotImplemented
        if isinstance(other, TensorBase) and not grad_mode.numpy_methods:
            return self.matmul(other)       # PyTorch's checks of shapes and dtypes
        return binary(operator.matmul, self, other)

    def __rmatmul__(self, other):
        if LEFT_TO_PYTHON[type(other)]:
            return NotImplemented
        return binary(operator.matmul, other, self)

    def __mod__(self, other):
        if LEFT_TO_PYTHON[type(other)]:
            return NotImplemented
        check_kind("remainder", self, other)        # PyTorch has no remainder of two bools
        check_integer_divisor(self, other)
        return binary(remainder, self, other)

    def __rmod__(self, other):
        if LEFT_TO_PYTHON[type(other)]:
            return NotImplemented
        check_kind("remainder", other, self)
        check_integer_divisor(other, self)
        return binary(remainder, other, self)

    # x // y is floor_divide: its result requires grad (its derivative is 0), as PyTorch's
    def __floordiv__(self, other):
        if isinstance(other, (TensorBase, numbers.Number)) and not grad_mode.numpy_methods:
            return self.div(other, rounding_mode="floor")
        if isinstance(other, (list, tuple)):
            return NotImplemented       # PyTorch's TypeError: unsupported operand type(s) for //
        rounded_division("floor", raw(self), raw(other))      # PyTorch's error for bool tensors
        check_integer_divisor(self, other)
        return constant_op(operator.floordiv, *promoted_pair(self, other))

    def __rfloordiv__(self, other):
        if isinstance(other, numbers.Number) and not grad_mode.numpy_methods:
            return type(self).div(other, self, rounding_mode="floor")
        if isinstance(other, (list, tuple)):
            return NotImplemented
        rounded_division("floor", raw(other), raw(self))
        check_integer_divisor(other, self)
        return constant_op(operator.floordiv, *promoted_pair(other, self))

    def __neg__(self):
        return unary(operator.neg, self)

    def __pos__(self):
        if grad_mode.numpy_methods:         # generated code, written for arrays
            return unary(operator.pos, self)
        if self._data.dtype.kind == "b":
            raise RuntimeError("The `+` operator, on a bool tensor is not supported.")
        return self                         # PyTorch's +x is x itself (it shares x's updates)

    def __abs__(self):
        check_kind("abs", self)
        return apply(numpy.absolute, (self,))

    def __getitem__(self, index):
        return apply(operator.getitem, (self, index))

    # comparisons and logic: no derivative, results never require grad
    def __lt__(self, other):
        if LEFT_TO_PYTHON[type(other)]:
            return NotImplemented
        return constant_op(operator.lt, self, other)

    def __le__(self, other):
        if LEFT_TO_PYTHON[type(other)]:
            return NotImplemented
        return constant_op(operator.le, self, other)

    def __gt__(self, other):
        if LEFT_TO_PYTHON[type(other)]:
            return NotImplemented
        return constant_op(operator.gt, self, other)

    def __ge__(self, other):
        if LEFT_TO_PYTHON[type(other)]:
            return NotImplemented
        return constant_op(operator.ge, self, other)

    def __eq__(self, other):
        if LEFT_TO_PYTHON[type(other)]:
            return NotImplemented
        return constant_op(operator.eq, self, other)

    __hash__ = object.__hash__      # defining __eq__ would otherwise make tensors unhashable

    def __ne__(self, other):
        if LEFT_TO_PYTHON[type(other)]:
            return NotImplemented
        return constant_op(operator.ne, self, other)
