"""Elementwise tensor methods with PyTorch's names: the inverse trigonometric and
hyperbolic family (``asin``/``arcsin``, ..., ``atan2``), ``log2``, ``log10``, ``exp2``,
``sign``/``sgn``, ``trunc``/``fix``/``frac``, ``hypot``, ``fmod``, ``remainder``,
``logaddexp``, ``sinc``, ``lerp``, ``addcmul``/``addcdiv``, ``nan_to_num``, and, when SciPy
is installed, ``erf``, ``erfc`` and ``xlogy``.

Each records the NumPy (or ``scipy.special``) function that computes the same values as
PyTorch's, so the derivatives, of any order, are the engine's rules for those functions.
"""

import numbers

import numpy

from ..rules import optional
from . import conventions
from .grad_fn import labeled
from .record import TensorBase, apply, binary, floated, promoted_pair, unary
from .saved_composites import saving
from .torch_kinds import check_integer_divisor, check_kind
from .torch_arguments import check_tensor_argument

_C_NAMES = {"float64": "double", "float32": "float", "float16": "c10::Half"}     # as PyTorch's messages name them

__all__ = ["ElementwiseMethods", "scipy_special"]


def scipy_special(name):
    """``scipy.special.<name>``, whose derivative rule astgrad has; SciPy is optional."""
    try:
        import scipy.special
    except ImportError:
        raise ImportError(f"astgrad.{name} needs SciPy: astgrad records scipy.special.{name}, whose "
                          f"derivative it knows (pip install scipy)") from None
    optional.load_imported()        # registers the scipy.special rules if not yet done
    return getattr(scipy.special, name)


class ElementwiseMethods:
    """PyTorch's elementwise functions of one or two tensors."""

    __slots__ = ()

    # -- inverse trigonometric and hyperbolic functions ----------------------------------
    def asin(self):
        return unary(numpy.arcsin, floated(self))

    def acos(self):
        return unary(numpy.arccos, floated(self))

    def atan(self):
        return unary(numpy.arctan, floated(self))

    def atan2(self, other):
        check_tensor_argument("atan2", "other", 1, other)
        return apply(numpy.arctan2, promoted_pair(self, other, floats=True))

    def sinh(self):
        return unary(numpy.sinh, floated(self))

    def cosh(self):
        return unary(numpy.cosh, floated(self))

    def asinh(self):
        return unary(numpy.arcsinh, floated(self))

    def acosh(self):
        return unary(numpy.arccosh, floated(self))

    def atanh(self):
        return unary(numpy.arctanh, floated(self))

    arcsin, arccos, arctan, arctan2 = asin, acos, atan, atan2
    arcsinh, arccosh, arctanh = asinh, acosh, atanh

    # -- logarithms and powers --------------------------------------------------------------
    def log2(self):
        return unary(numpy.log2, floated(self))

    def log10(self):
        return unary(numpy.log10, floated(self))

    def exp2(self):
        return unary(numpy.exp2, floated(self))

    def logaddexp(self, other):
        check_tensor_argument("logaddexp", "other", 1, other)
        check_kind("logaddexp", self, other)
        return apply(numpy.logaddexp, (self, other))

    def xlogy(self, other):
        """``self * log(other)``, 0 where ``self`` is 0 (``scipy.special.xlogy``)."""
        check_tensor_argument("xlogy", "other", 1, other, number=True)
        return apply(scipy_special("xlogy"), promoted_pair(self, other, floats=True))

    # -- signs and rounding -----------------------------------------------------------------
    def sign(self):
        """-1, 0 or 1, and 0 for NaN as in PyTorch (NumPy's sign of NaN is NaN).

        A bool tensor's sign is itself, as PyTorch's (NumPy has no sign for bools)."""
        if self._data.dtype == bool:
            return self.clone()
        result = apply(numpy.sign, (self,))
        if self._data.dtype.kind == "f" and numpy.isnan(self._data).any():
            result = apply(numpy.where, (numpy.isnan(self._data), 0.0, result))
        return result

    def sgn(self):
        """The sign, as ``sign`` for real tensors; PyTorch's node saves the input and the
        result (``sign``'s saves nothing)."""
        return saving(self.sign(), "SgnBackward0", (self,), output=True)

    def trunc(self):
        check_kind("trunc", self)
        if self._data.dtype.kind in "iu":   # itself, as PyTorch's (NumPy 2.0's trunc gives floats)
            return self.clone()
        return apply(numpy.trunc, (self,))

    fix = trunc

    def frac(self):
        """``x - trunc(x)``: the derivative is 1, as PyTorch's."""
        check_kind("frac", self)
        return labeled(self - self.trunc(), "FracBackward0")

    def fmod(self, other):
        """The remainder with the sign of ``self`` (C's fmod)."""
        check_kind("fmod", self, other)
        check_integer_divisor(self, other)
        return apply(numpy.fmod, promoted_pair(self, other))

    def remainder(self, other):
        """The remainder with the sign of ``other`` (Python's ``%``); a zero one has the sign
        of ``self``, as PyTorch's."""
        check_kind("remainder", self, other)
        check_integer_divisor(self, other)
        return binary(conventions.remainder, *promoted_pair(self, other))

    # -- other functions of one or two tensors ------------------------------------------------
    def hypot(self, other):
        if not isinstance(other, TensorBase):
            raise TypeError(f"hypot(): argument 'other' (position 1) must be Tensor, not {type(other).__name__}")
        check_kind("hypot", self, other)
        return apply(numpy.hypot, promoted_pair(self, other))

    def sinc(self):
        """``sin(pi x) / (pi x)``, 1 at 0."""
        return unary(numpy.sinc, floated(self))

    def erf(self):
        return apply(scipy_special("erf"), (floated(self),))

    def erfc(self):
        return apply(scipy_special("erfc"), (floated(self),))

    def nan_to_num(self, nan=0.0, posinf=None, neginf=None):
        """NaN, +inf and -inf replaced (by 0 and the dtype's largest and smallest values
        unless given); the derivative is 0 where they were replaced."""
        return apply(numpy.nan_to_num, (self,), {"nan": nan, "posinf": posinf, "neginf": neginf})

    # -- combinations -------------------------------------------------------------------------
    def lerp(self, end, weight):
        """``self + weight * (end - self)``."""
        check_tensor_argument("lerp", "end", 1, end)
        check_tensor_argument("lerp", "weight", 2, weight, number=True)
        check_kind("lerp", self)
        for argument, value in (("end", end), ("weight", weight)):
            if isinstance(value, TensorBase) and value._data.dtype != self._data.dtype:
                raise RuntimeError(f"expected dtype {_C_NAMES.get(self._data.dtype.name)} for `{argument}` but got "
                                   f"dtype {_C_NAMES.get(value._data.dtype.name)}")
        name = "LerpBackward1" if isinstance(weight, TensorBase) else "LerpBackward0"
        return labeled(self + weight * (end - self), name)

    def addcmul(self, tensor1, tensor2, *, value=1):
        """``self + value * tensor1 * tensor2``."""
        check_tensor_argument("addcmul", "tensor1", 1, tensor1)
        check_tensor_argument("addcmul", "tensor2", 2, tensor2)
        if not isinstance(value, (numbers.Number, numpy.generic)):
            raise TypeError(f"addcmul(): argument 'value' must be Number, not {type(value).__name__}")
        check_kind("addcmul", self, tensor1, tensor2)
        product = tensor1 * tensor2
        return labeled(self + (product if value == 1 else value * product), "AddcmulBackward0")

    def addcdiv(self, tensor1, tensor2, *, value=1):
        """``self + value * tensor1 / tensor2``."""
        check_kind("addcdiv", tensor1, tensor2)
        quotient = tensor1 / tensor2
        return labeled(self + (quotient if value == 1 else value * quotient), "AddcdivBackward0")
