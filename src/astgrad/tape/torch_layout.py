"""Tensor methods with PyTorch's names for picking and splitting elements and for
changing dtype: ``split``, ``chunk``, ``gather``, ``index_select``, ``mT``,
``double``/``float``/``long``/``int``/``bool``/``to``/``type_as``.

Pieces are recorded as indexing and ``numpy.take``/``take_along_axis``; dtype changes
as ``runtime.to_copy(x, dtype)``, whose derivative casts back.
"""

import numbers

import numpy

from .. import runtime
from . import dtypes
from .record import TensorBase, apply, raw
from .size import check_dim
from .torch_arguments import check_int_argument, check_ints, check_tensor_argument

__all__ = ["LayoutMethods", "split_sizes"]


def split_sizes(length, split_size_or_sections, dim):
    """The lengths of PyTorch's ``split`` pieces along a dimension of ``length``."""
    if isinstance(split_size_or_sections, numbers.Integral):
        step = int(split_size_or_sections)
        if step <= 0 and length > 0:
            raise RuntimeError(f"split_size can only be 0 if dimension size is 0, but got dimension "
                               f"size of {length}")
        return [min(step, length - start) for start in range(0, length, step)] if step else [0]
    sizes = [int(s) for s in split_size_or_sections]
    if sum(sizes) != length:
        raise RuntimeError(f"split_with_sizes expects split_sizes to sum exactly to {length} (input "
                           f"tensor's size at dimension {dim}), but got split_sizes={sizes}")
    return sizes


def _selection(data, dim, index):
    """``index_select``'s axis and index vector, or PyTorch's error for a ``dim`` or an
    ``index`` it refuses (an index out of range is refused, never counted from the end)."""
    if isinstance(dim, bool) or not isinstance(dim, numbers.Integral):
        raise TypeError(f"index_select(): argument 'dim' (position 1) must be int, not {type(dim).__name__}")
    if not isinstance(index, (TensorBase, numpy.ndarray)):
        raise TypeError(f"index_select(): argument 'index' (position 2) must be Tensor, not {type(index).__name__}")
    axis, index = check_dim(dim, data.ndim), numpy.asarray(raw(index))
    if index.ndim > 1:
        raise IndexError("index_select(): Index is supposed to be a vector")
    if index.dtype.kind not in "iu":
        raise RuntimeError("index_select(): Expected dtype int32 or int64 for index")
    index = index.reshape(-1)
    if not data.ndim and index.size != 1:
        raise RuntimeError(f"index_select(): Index to scalar can have only 1 value, got {index.size} value(s)")
    size = data.shape[axis] if data.ndim else 1
    wrong = index[(index < 0) | (index >= size)]
    if wrong.size and axis == 1:        # PyTorch's kernel for dimension 1 has its own words
        raise RuntimeError(f"INDICES element is out of DATA bounds, id={wrong[0]} axis_dim={size}")
    if wrong.size:
        raise IndexError("index out of range in self")
    return axis, index


def _as_dtype(value):
    if isinstance(value, TensorBase):
        return value._data.dtype
    return dtypes.to_numpy(value)


class LayoutMethods:
    """PyTorch's splitting, gathering and dtype methods."""

    __slots__ = ()

    def split(self, split_size_or_sections, dim=0):
        ndim = self._data.ndim
        if ndim == 0:
            raise RuntimeError("split expects at least a 1-dimensional tensor")
        axis = dim % ndim
        pieces, start = [], 0
        for size in split_sizes(self._data.shape[axis], split_size_or_sections, dim):
            index = (slice(None),) * axis + (slice(start, start + size),)
            pieces.append(self[index])
            start += size
        name = "SplitWithSizes" if isinstance(split_size_or_sections, (list, tuple)) else "Split"
        for k, piece in enumerate(pieces):
            if piece._x and "view_of" in piece._x:     # PyTorch refuses to update these in place
                piece._x["multi_view"] = f"Output {k} of {name}"
        return tuple(pieces)

    def chunk(self, chunks, dim=0):
        check_int_argument("chunk", "chunks", 1, chunks)
        check_int_argument("chunk", "dim", 2, dim)
        if chunks <= 0:
            raise RuntimeError("chunk expects `chunks` to be greater than 0, got: " + str(chunks))
        length = self._data.shape[check_dim(dim, self._data.ndim)] if self._data.ndim else 0
        return self.split(max(-(-length // chunks), 1), dim)

    def gather(self, dim, index):
        check_int_argument("gather", "dim", 1, dim)
        check_tensor_argument("gather", "index", 2, index)
        index = numpy.asarray(raw(index))
        if index.dtype.kind not in "iu":
            raise RuntimeError("gather(): Expected dtype int32/int64 for index")
        if index.ndim != self._data.ndim:
            raise RuntimeError("Index tensor must have the same number of dimensions as input tensor")
        for axis, (n, m) in enumerate(zip(index.shape, self._data.shape)):
            if axis != dim % max(self._data.ndim, 1) and n > m:
                raise RuntimeError(f"Size does not match at dimension {axis} expected index "
                                   f"{list(index.shape)} to be no larger than self "
                                   f"{list(self._data.shape)} apart from dimension {dim % self._data.ndim}")
        size = self._data.shape[dim] if self._data.ndim else 1
        bad = index[(index >= size) | (index < 0)]
        if bad.size:        # NumPy's IndexError, which also takes negative indices
            raise RuntimeError(f"index {int(bad.flat[0])} is out of bounds for dimension {dim % max(self._data.ndim, 1)} "
                               f"with size {size}")
        source = self
        if index.shape != self._data.shape:
            # PyTorch reads only the leading part of the other dimensions
            source = self[tuple(slice(0, n) if a != dim % self._data.ndim else slice(None)
                                for a, n in enumerate(index.shape))]
        return apply(numpy.take_along_axis, (source, index), {"axis": dim})

    def index_select(self, dim, index):
        axis, index = _selection(self._data, dim, index)
        if not self._data.ndim:     # a 0-d tensor stays 0-d
            return apply(numpy.reshape, (self, ()))
        return apply(numpy.take, (self, index), {"axis": axis})

    def flip(self, *dims):
        """Reverse the order of elements along ``dims`` (``flip(0, 1)`` or ``flip((0, 1))``)."""
        check_ints("flip", "dims", 1, dims[0] if len(dims) == 1 else dims)
        if len(dims) == 1 and isinstance(dims[0], (tuple, list)):
            dims = tuple(dims[0])
        seen = set()
        for d in dims:
            d = check_dim(d, max(self._data.ndim, 1))
            if d in seen:
                raise RuntimeError(f"dim {d} appears multiple times in the list of dims")
            seen.add(d)
        if self._data.ndim == 0:        # PyTorch's 0-d tensor has dimension 0 (and -1)
            for d in dims:
                check_dim(d, 0)
            return self.clone()
        return apply(numpy.flip, (self, tuple(dims)), fresh=True)     # a copy in PyTorch

    @property
    def mT(self):
        if self._data.ndim < 2:
            raise RuntimeError("tensor.mT is only supported on matrices or batches of matrices. "
                               f"Got {self._data.ndim}-D tensor.")
        return apply(numpy.swapaxes, (self, -2, -1))

    # -- dtype changes --------------------------------------------------------------------------
    def to(self, *args, dtype=None, device=None, copy=False, non_blocking=False):
        """``to(dtype)``, ``to(other)`` (its dtype), ``to("cpu")``: a tensor of that dtype
        (the same tensor when nothing changes and ``copy`` is false)."""
        for a in args:
            if isinstance(a, str) or a is None:
                device = a
            else:
                dtype = _as_dtype(a)
        if device not in (None, "cpu") and str(device) != "cpu":
            raise RuntimeError(f"astgrad tensors live on the CPU; to({device!r}) is not supported")
        target = dtypes.to_numpy(dtype)
        if target is None or target == self._data.dtype:
            return self.clone() if copy else self
        return apply(runtime.to_copy, (self, target))

    def type_as(self, other):
        if not isinstance(other, TensorBase):
            raise TypeError(f"type_as(): argument 'other' (position 1) must be Tensor, not "
                            f"{type(other).__name__}; for a NumPy dtype use to(dtype)")
        return self.to(other._data.dtype)

    def double(self):
        return self.to(numpy.float64)

    def float(self):
        return self.to(numpy.float32)

    def half(self):
        return self.to(numpy.float16)

    def long(self):
        return self.to(numpy.int64)

    def int(self):
        return self.to(numpy.int32)

    def bool(self):
        return self.to(numpy.bool_)
