"""Tensor methods with PyTorch's names that make a new leaf tensor like this one (its
dtype unless ``dtype=`` says otherwise): ``new_tensor``, ``new_zeros``, ``new_ones``,
``new_full``, ``new_empty``; and ``cpu()``, the tensor itself."""

import numpy

from . import dtypes
from .pytorch_args import sizes_of
from .record import TensorBase, make_tensor, raw

__all__ = ["NewTensorMethods"]


class NewTensorMethods:
    """PyTorch's ``new_*`` factories: leaves with no history, of this tensor's dtype."""

    __slots__ = ()

    def _new_leaf(self, array, dtype, requires_grad):
        target = self._data.dtype if dtype is None else dtypes.to_numpy(dtype)
        made = make_tensor(numpy.array(array, dtype=target), None, False)
        made.requires_grad = requires_grad      # PyTorch's error for an integer dtype
        return made

    def new_tensor(self, data, dtype=None, device=None, requires_grad=False):
        """A copy of ``data`` (cut from any graph, as PyTorch's) as a new leaf."""
        if isinstance(data, TensorBase) and dtype is None:
            dtype = data._data.dtype
        return self._new_leaf(raw(data), dtype, requires_grad)

    def new_zeros(self, *size, dtype=None, device=None, requires_grad=False):
        return self._new_leaf(numpy.zeros(sizes_of(size)), dtype, requires_grad)

    def new_ones(self, *size, dtype=None, device=None, requires_grad=False):
        return self._new_leaf(numpy.ones(sizes_of(size)), dtype, requires_grad)

    def new_empty(self, *size, dtype=None, device=None, requires_grad=False):
        return self._new_leaf(numpy.zeros(sizes_of(size)), dtype, requires_grad)

    def new_full(self, size, fill_value, dtype=None, device=None, requires_grad=False):
        return self._new_leaf(numpy.full(sizes_of((size,)), raw(fill_value)), dtype, requires_grad)

    def cpu(self):
        """The tensor itself: astgrad tensors are NumPy arrays on the CPU."""
        return self
