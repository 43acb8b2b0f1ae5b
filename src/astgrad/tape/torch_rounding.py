"""Tensor methods with PyTorch's names for rounding and signs: ``floor``, ``ceil``,
``round(decimals=)``, ``floor_divide``, ``true_divide``, ``signbit``, ``copysign`` and
``heaviside``.

The rounding functions are piecewise constant: their derivative is 0, as PyTorch's
(``FloorBackward0``, ...). Integer tensors stay integers where PyTorch's do.
"""

import numpy

from .conventions import copysign
from .grad_fn import labeled
from .record import TensorBase, apply, make_tensor, promoted_pair
from .torch_kinds import check_integer_divisor, check_kind
from .torch_arguments import check_tensor_argument
from .versions import torch_type_name

__all__ = ["RoundingMethods"]


def _integral(tensor):
    return tensor._data.dtype.kind in "iu"


class RoundingMethods:
    """PyTorch's rounding functions and sign functions."""

    __slots__ = ()

    def floor(self):
        check_kind("floor", self)
        return self.clone() if _integral(self) else apply(numpy.floor, (self,))

    def ceil(self):
        check_kind("ceil", self)
        return self.clone() if _integral(self) else apply(numpy.ceil, (self,))

    def round(self, *args, decimals=0):
        """To the nearest integer (half to even), or to ``decimals`` decimal places (a
        keyword argument only, as PyTorch's)."""
        if args:
            raise TypeError(f"round() takes from 1 to 0 positional arguments but {len(args)} were given "
                            "(astgrad, as PyTorch, takes decimals as a keyword: t.round(decimals=1))")
        if decimals == 0:
            check_kind("round", self)
            return self.clone() if _integral(self) else apply(numpy.round, (self,))
        if self._data.dtype.kind not in "f":    # PyTorch rounds integers to decimal places not at all
            raise NotImplementedError(f"\"round_cpu\" not implemented for '{torch_type_name(self._data.dtype)}'")
        return labeled(apply(numpy.round, (self,), {"decimals": decimals}), "RoundBackward1")

    def floor_divide(self, other):
        """``self / other`` rounded down (``div(rounding_mode="floor")``); integers stay
        integers, and an integer division by zero raises PyTorch's error."""
        check_tensor_argument("floor_divide", "other", 1, other, number=True)
        return self.div(other, rounding_mode="floor")

    def true_divide(self, other):
        check_tensor_argument("true_divide", "other", 1, other, number=True)
        return self.div(other)

    def signbit(self):
        """Whether the sign bit is set (True for -0.0 and negative NaN): a bool tensor that
        does not require grad."""
        return make_tensor(numpy.signbit(self._data), None, False)

    def copysign(self, other):
        """``|self|`` with the sign of ``other``; the derivative in ``other`` is 0, in
        ``self`` the sign the result's sign gives (0 at 0), as PyTorch's."""
        check_tensor_argument("copysign", "other", 1, other, number=True)
        return apply(copysign, promoted_pair(self, other, floats=True))

    def heaviside(self, values):
        """0 where ``self < 0``, 1 where ``self > 0``, ``values`` where it is 0."""
        if not isinstance(values, TensorBase):
            raise TypeError(f"heaviside(): argument 'values' (position 1) must be Tensor, "
                            f"not {type(values).__name__}")
        if values._data.dtype != self._data.dtype:
            raise RuntimeError("heaviside is not yet implemented for tensors with different dtypes.")
        result = apply(numpy.heaviside, (self, values))
        if self._data.dtype.kind != "f":        # NumPy's heaviside gives floats: PyTorch's keeps the dtype
            return make_tensor(result._data.astype(self._data.dtype), None, False)
        return result
