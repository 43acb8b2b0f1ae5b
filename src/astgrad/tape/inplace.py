"""In-place tensor updates: ``t[i] = v``, ``+=``/``-=``/``*=``/``/=`` and ``zero_()``.

Each bumps the tensor's version, so a recording that used the old value refuses to
differentiate. None is allowed on a tensor that is part of a recorded graph.
"""

import operator

import numpy

from .mode import grad_mode
from .record import TensorBase, raw

__all__ = ["InPlaceMethods"]


def _recorded(tensor, other):
    """Whether ``tensor op other`` is recorded (grad mode on, a side that requires grad)."""
    return grad_mode.enabled and (tensor._rg or (isinstance(other, TensorBase) and other._rg))


class InPlaceMethods:
    """In-place updates: allowed when nothing is recorded (an optimizer step under
    ``no_grad``)."""

    __slots__ = ()

    def __setitem__(self, index, value):
        value_rg = isinstance(value, TensorBase) and value._rg
        if grad_mode.enabled and (self._rg or value_rg):
            raise RuntimeError(
                "astgrad tensors that are part of a recorded graph cannot be written in place "
                "(t[i] = v); build a new tensor instead, e.g. with numpy.where or "
                "numpy.concatenate, or do the update under astgrad.no_grad()")
        data = self._data.copy()
        data[raw(index)] = raw(value)
        self._data = data
        self._version += 1

    def _inplace(self, op, other):
        other_rg = isinstance(other, TensorBase) and other._rg
        if grad_mode.enabled and (self._rg or other_rg):
            if self._node is None and self._rg:
                raise RuntimeError("a leaf Variable that requires grad is being used in an "
                                   "in-place operation.")
            raise RuntimeError("astgrad tensors that are part of a recorded graph cannot be "
                               "updated in place; write y = y + x instead of y += x")
        result = op(self._data, raw(other))
        self._data = numpy.asarray(result).astype(self._data.dtype, copy=False)
        self._version += 1
        return self

    def __iadd__(self, other):
        if grad_mode.numpy_methods and _recorded(self, other):
            # generated code run on tensors: its one ``+=`` adds to an adjoint that nothing
            # else refers to (backend/accumulate.py), so the name may take the recorded sum
            return self + other
        return self._inplace(operator.add, other)

    def __isub__(self, other):
        return self._inplace(operator.sub, other)

    def __imul__(self, other):
        return self._inplace(operator.mul, other)

    def __itruediv__(self, other):
        return self._inplace(operator.truediv, other)

    def zero_(self):
        self._data = numpy.zeros_like(self._data)
        self._version += 1
        return self
