"""NumPy functions as tensor methods: ``exp``, ``log``, ``sin``, ``cos``, ``tanh``,
``sqrt``, ``abs``, ``clip``, ``dot``, ``trace``; each records the NumPy call. ``clamp``
(``clip``) and ``relu`` record the primitives of conventions.py (PyTorch's derivatives
at the bounds and at 0).
"""

import numpy

from .clamp_overloads import parsed_bounds
from .conventions import clamp, relu
from .mode import grad_mode
from .record import apply, floated, raw, unary
from .torch_arguments import check_tensor_argument
from .torch_errors import check_bounds, check_broadcastable
from .torch_kinds import check_kind

__all__ = ["FunctionMethods"]


class FunctionMethods:
    """``t.exp()`` is ``numpy.exp(t)``, and so on."""

    __slots__ = ()

    def dot(self, other):
        check_tensor_argument("dot", "tensor", 1, other)
        return apply(numpy.dot, (self, other))

    def trace(self):
        if self._data.ndim != 2 and not grad_mode.numpy_methods:
            raise RuntimeError(f"trace: expected a matrix, but got tensor with dim {self._data.ndim}")
        return apply(numpy.trace, (self,))

    @parsed_bounds("clamp")
    def clamp(self, min=None, max=None):
        """``min <= x <= max``; the derivative is 1 at the bounds, as PyTorch's."""
        if grad_mode.numpy_methods:         # generated code, written for arrays
            return apply(numpy.clip, (self, min, max))
        check_bounds("clamp", min, max)
        check_broadcastable(*(raw(v) for v in (self, min, max) if v is not None))
        if isinstance(min, float) or isinstance(max, float):    # integers to floats, as PyTorch
            return apply(clamp, (floated(self), min, max))
        return apply(clamp, (self, min, max))

    @parsed_bounds("clip")
    def clip(self, min=None, max=None):
        return FunctionMethods.clamp.__wrapped__(self, min, max)

    def relu(self):
        """``max(x, 0)``; the derivative is 0 at 0, as PyTorch's."""
        check_kind("relu", self)
        return apply(relu, (self,))

    def exp(self):
        return unary(numpy.exp, floated(self))

    def log(self):
        return unary(numpy.log, floated(self))

    def sin(self):
        return unary(numpy.sin, floated(self))

    def cos(self):
        return unary(numpy.cos, floated(self))

    def tanh(self):
        return unary(numpy.tanh, floated(self))

    def sqrt(self):
        return unary(numpy.sqrt, floated(self))

    def abs(self):
        check_kind("abs", self)
        return unary(numpy.absolute, self)
