"""Tensor methods with PyTorch's names that order elements: ``sort``, ``argsort``, ``topk``,
``kthvalue``, ``msort``.

The order is found on the values (it has no derivative); the sorted values are then
picked from the tensor at those indices (``numpy.take_along_axis``, recorded), so the
derivative reaches each element at the place it was sorted to, to any order.
"""

import operator

import numpy

from . import return_types
from .grad_fn import labeled
from .record import apply, make_tensor
from .size import check_dim
from .torch_kinds import check_kind
from .torch_arguments import check_bool_argument, check_int_argument

__all__ = ["OrderMethods", "sort_indices"]


def sort_indices(data, axis, descending):
    """The indices sorting ``data`` along ``axis`` in a stable order (equal elements keep
    theirs, NaN last, or first when ``descending``, as in PyTorch)."""
    if not descending:
        return numpy.argsort(data, axis=axis, kind="stable")
    # sorting the reversed values ascending, then reversing, keeps ties in their order
    reversed_order = numpy.argsort(numpy.flip(data, axis), axis=axis, kind="stable")
    return numpy.flip(data.shape[axis] - 1 - reversed_order, axis)


def _indices(array):
    return make_tensor(numpy.asarray(array, dtype=numpy.int64), None, False)


class OrderMethods:
    """PyTorch's sorting methods (the values recorded, the indices without a derivative)."""

    __slots__ = ()

    def sort(self, dim=-1, descending=False, stable=False):
        """``(values, indices)``: the elements along ``dim`` in increasing order (decreasing
        with ``descending``)."""
        if isinstance(dim, bool):
            raise TypeError("sort(dim=-1, descending=False): pass descending by name")
        check_bool_argument("sort", "descending", descending)
        if not self._data.ndim:
            check_dim(operator.index(dim), 0)
            return return_types.sort(self.clone(), _indices(0))
        axis = check_dim(operator.index(dim), self._data.ndim)
        indices = sort_indices(self._data, axis, descending)
        values = labeled(apply(numpy.take_along_axis, (self, indices), {"axis": axis}), "SortBackward0")
        return return_types.sort(values, _indices(indices))

    def argsort(self, dim=-1, descending=False, stable=False):
        """The indices that sort the elements along ``dim`` (no derivative)."""
        check_int_argument("argsort", "dim", 1, dim)
        check_bool_argument("argsort", "descending", descending)
        if not self._data.ndim:
            check_dim(operator.index(dim), 0)
            return _indices(0)
        return _indices(sort_indices(self._data, check_dim(operator.index(dim), self._data.ndim), descending))

    def msort(self):
        return self.sort(0).values

    def topk(self, k, dim=-1, largest=True, sorted=True):
        """``(values, indices)``: the ``k`` largest elements along ``dim`` (smallest unless
        ``largest``), largest first."""
        check_kind("topk", self)
        check_int_argument("topk", "k", 1, k)
        check_int_argument("topk", "dim", 2, dim)
        k = operator.index(k)
        axis = check_dim(operator.index(dim), self._data.ndim)
        size = self._data.shape[axis] if self._data.ndim else 1
        if not (0 if self._data.ndim else 1) <= k <= size:
            raise RuntimeError("selected index k out of range")
        if not self._data.ndim:
            return return_types.topk(self.clone(), _indices(0))
        indices = numpy.take(sort_indices(self._data, axis, largest), numpy.arange(k), axis=axis)
        values = labeled(apply(numpy.take_along_axis, (self, indices), {"axis": axis}), "TopkBackward0")
        return return_types.topk(values, _indices(indices))

    def kthvalue(self, k, dim=-1, keepdim=False):
        """``(values, indices)``: the ``k``-th smallest element along ``dim`` (``k`` from 1);
        among equal elements, the one a stable sort puts there (PyTorch names one of them)."""
        check_kind("kthvalue", self)
        if isinstance(k, bool) or not isinstance(k, (int, numpy.integer)):
            raise TypeError(f"kthvalue(): argument 'k' (position 1) must be int, not {type(k).__name__}")
        axis = check_dim(operator.index(dim), self._data.ndim)
        size = self._data.shape[axis] if self._data.ndim else 1
        if size == 0:
            raise IndexError(f"kthvalue(): Expected reduction dim {axis} to have non-zero size.")
        if not 1 <= k <= size:
            raise RuntimeError(f"kthvalue(): selected number k out of range for dimension {axis}")
        if not self._data.ndim:
            return return_types.kthvalue(labeled(self.clone(), "KthvalueBackward0"), _indices(0))
        indices = numpy.take(sort_indices(self._data, axis, False), [k - 1], axis=axis)
        values = apply(numpy.take_along_axis, (self, indices), {"axis": axis})
        if not keepdim:     # the derivative reaches the element at the index, as in PyTorch
            values, indices = apply(numpy.squeeze, (values,), {"axis": axis}), numpy.squeeze(indices, axis)
        return return_types.kthvalue(labeled(values, "KthvalueBackward0"), _indices(indices))
