"""PyTorch's bitwise operators on bool and integer tensors, which carry no derivative:
``& | ^ << >> ~`` give a new tensor of the dtype PyTorch promotes the operands to (a
Python number does not widen a tensor: ``int8 & 300`` is int8, the number wrapped), and
``&= |= ^= <<= >>=`` update the tensor in place, as PyTorch's ``bitwise_and_``: the same
tensor, its version bumped, written through into the tensor it views. A floating result
(or a bool one of a shift) is PyTorch's NotImplementedError, ``~`` of a floating tensor
its TypeError; an in-place result the
tensor's dtype cannot hold (``bool_tensor &= int_tensor``) its RuntimeError."""

import numbers
import operator

import numpy

from . import dtypes
from .inplace import update
from .operands import LEFT_TO_PYTHON
from .mode import grad_mode
from .record import TensorBase, constant_op, make_tensor, raw
from .versions import torch_type_name

__all__ = ["BitwiseMethods"]


# PyTorch's kernel of each operator, named in its NotImplementedError
_KERNELS = {operator.and_: "bitwise_and", operator.or_: "bitwise_or", operator.xor: "bitwise_xor",
            operator.lshift: "lshift", operator.rshift: "rshift"}
_SHIFTS = (operator.lshift, operator.rshift)


def _promoted(a, b):
    """PyTorch's dtype of ``op(a, b)``, or None where an operand is neither a tensor nor
    a Python number (an array, a NumPy scalar: NumPy's meaning, as before)."""
    if not all(isinstance(x, (TensorBase, numbers.Number)) for x in (a, b)):
        return None
    return dtypes.promoted(raw(a), raw(b), False)


def _check_kernel(op, dtype):
    if dtype.kind == "f" or (op in _SHIFTS and dtype.kind == "b"):
        raise NotImplementedError(f"\"{_KERNELS[op]}_cpu\" not implemented for '{torch_type_name(dtype)}'")


def bitwise(op, a, b):
    """``op(a, b)`` as PyTorch computes it, never recorded."""
    target = None if grad_mode.numpy_methods else _promoted(a, b)
    if target is None:
        return constant_op(op, a, b)
    _check_kernel(op, target)
    # a number is cast (wrapped) to the tensor's dtype, as PyTorch's wrapped scalars
    ad, bd = (numpy.asarray(raw(x)).astype(target, copy=False) for x in (a, b))
    return make_tensor(numpy.asarray(op(ad, bd)), None, False)


def bitwise_update(tensor, op, other):
    """``tensor op= other``: ``tensor`` updated in place (or NotImplemented, for Python)."""
    if LEFT_TO_PYTHON[type(other)] or grad_mode.numpy_methods:
        return NotImplemented       # generated code, written for arrays, keeps NumPy's rebinding

    def compute(old):
        target = _promoted(old, other)
        if target is not None and not numpy.can_cast(target, old._data.dtype, "same_kind"):
            raise RuntimeError(f"result type {torch_type_name(target)} can't be cast to the desired "
                               f"output type {torch_type_name(old._data.dtype)}")
        return bitwise(op, old, other)

    return update(tensor, compute)


class BitwiseMethods:
    """``&``, ``|``, ``^``, ``<<``, ``>>``, ``~`` and their in-place forms on tensors."""

    __slots__ = ()

    def __and__(self, other):
        return NotImplemented if LEFT_TO_PYTHON[type(other)] else bitwise(operator.and_, self, other)

    def __rand__(self, other):
        return NotImplemented if LEFT_TO_PYTHON[type(other)] else bitwise(operator.and_, other, self)

    def __or__(self, other):
        return NotImplemented if LEFT_TO_PYTHON[type(other)] else bitwise(operator.or_, self, other)

    def __ror__(self, other):
        return NotImplemented if LEFT_TO_PYTHON[type(other)] else bitwise(operator.or_, other, self)

    def __xor__(self, other):
        return NotImplemented if LEFT_TO_PYTHON[type(other)] else bitwise(operator.xor, self, other)

    def __rxor__(self, other):
        return NotImplemented if LEFT_TO_PYTHON[type(other)] else bitwise(operator.xor, other, self)

    def __lshift__(self, other):
        return NotImplemented if LEFT_TO_PYTHON[type(other)] else bitwise(operator.lshift, self, other)

    def __rlshift__(self, other):
        return NotImplemented if LEFT_TO_PYTHON[type(other)] else bitwise(operator.lshift, other, self)

    def __rshift__(self, other):
        return NotImplemented if LEFT_TO_PYTHON[type(other)] else bitwise(operator.rshift, self, other)

    def __rrshift__(self, other):
        return NotImplemented if LEFT_TO_PYTHON[type(other)] else bitwise(operator.rshift, other, self)

    def __iand__(self, other):
        return bitwise_update(self, operator.and_, other)

    def __ior__(self, other):
        return bitwise_update(self, operator.or_, other)

    def __ixor__(self, other):
        return bitwise_update(self, operator.xor, other)

    def __ilshift__(self, other):
        return bitwise_update(self, operator.lshift, other)

    def __irshift__(self, other):
        return bitwise_update(self, operator.rshift, other)

    def __invert__(self):
        if self._data.dtype.kind == "f" and not grad_mode.numpy_methods:
            raise TypeError("~ (operator.invert) is only implemented on integer and Boolean-type tensors")
        return make_tensor(~self._data, None, False)
