"""NumPy functions as tensor methods: ``exp``, ``log``, ``sin``, ``cos``, ``tanh``,
``sqrt``, ``abs``, ``clip``, ``dot``, ``trace``; each records the NumPy call.
"""

import numpy

from .record import apply

__all__ = ["FunctionMethods"]


class FunctionMethods:
    """``t.exp()`` is ``numpy.exp(t)``, and so on."""

    __slots__ = ()

    def dot(self, other):
        return apply(numpy.dot, (self, other))

    def trace(self):
        return apply(numpy.trace, (self,))

    def clip(self, min=None, max=None):
        return apply(numpy.clip, (self, min, max))

    def exp(self):
        return apply(numpy.exp, (self,))

    def log(self):
        return apply(numpy.log, (self,))

    def sin(self):
        return apply(numpy.sin, (self,))

    def cos(self):
        return apply(numpy.cos, (self,))

    def tanh(self):
        return apply(numpy.tanh, (self,))

    def sqrt(self):
        return apply(numpy.sqrt, (self,))

    def abs(self):
        return apply(numpy.absolute, (self,))
