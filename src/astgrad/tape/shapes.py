"""Tensor shape methods with PyTorch's arguments: ``reshape``/``view`` (a view where
PyTorch's is one: ``view`` of a transposed tensor raises, ``reshape`` copies), ``transpose``
(two dimensions), ``permute``, ``t``/``T``, ``squeeze``/``unsqueeze``, ``expand``,
``repeat`` (tiling), ``flatten``; and NumPy's ``swapaxes``, ``ravel`` and a read-only ``flat``.
"""

import numbers

import numpy

from .flat import flat_property
from .pytorch_args import dim_args, pytorch_signature, sizes_of
from .grad_fn import labeled
from .record import apply, dimension_error
from .size import check_dim
from .torch_arguments import check_int_argument, check_tensor_argument
from .torch_kinds import check_expandable
from .views import viewable

__all__ = ["ShapeMethods"]


def _check_shape(shape, size):
    """PyTorch's errors for a reshape to ``shape`` of ``size`` elements."""
    if list(shape).count(-1) > 1:
        raise RuntimeError("only one dimension can be inferred")
    known = int(numpy.prod([n for n in shape if n != -1], dtype=numpy.int64))
    if (-1 in shape and (known == 0 or size % known)) or (-1 not in shape and known != size):
        raise RuntimeError(f"shape '{list(shape)}' is invalid for input of size {size}")


def _resolved(shape, size):
    """``shape`` with its -1 worked out."""
    known = int(numpy.prod([n for n in shape if n != -1], dtype=numpy.int64))
    return tuple(size // known if n == -1 else n for n in shape) if known else tuple(shape)


class ShapeMethods:
    """Methods that rearrange a tensor's elements (all recorded)."""

    __slots__ = ()

    flat = flat_property

    @property
    def T(self):
        return apply(numpy.transpose, (self,))

    def reshape(self, *shape):
        shape = sizes_of(shape)
        _check_shape(shape, self._data.size)
        if not viewable(self, _resolved(shape, self._data.size)):
            # PyTorch copies: an update of the result does not reach this tensor (its node
            # is _unsafe_view's, after CloneBackward0)
            return labeled(apply(numpy.reshape, (apply(numpy.copy, (self,)), shape)), "UnsafeViewBackward0")
        return apply(numpy.reshape, (self, shape))

    def view(self, *shape):
        shape = sizes_of(shape)
        _check_shape(shape, self._data.size)
        if not viewable(self, _resolved(shape, self._data.size)):
            raise RuntimeError("view size is not compatible with input tensor's size and stride (at "
                               "least one dimension spans across two contiguous subspaces). Use "
                               ".reshape(...) instead.")
        return apply(numpy.reshape, (self, shape))

    @pytorch_signature("transpose")
    def transpose(self, *dims):
        """PyTorch's transpose(dim0, dim1): swap two dimensions (NumPy's transpose(axes)
        is permute here)."""
        if len(dims) != 2 or not all(isinstance(d, numbers.Integral) for d in dims):
            raise TypeError(f"transpose(dim0, dim1) swaps two dimensions, as in PyTorch; got "
                            f"transpose{dims!r}. Use permute(*dims) to reorder all dimensions, "
                            "or .T to reverse them")
        if self._data.ndim == 0:        # PyTorch's 0-d tensor has dimension 0 (and -1)
            for d in dims:
                check_dim(d, 0)
            return apply(numpy.reshape, (self, ()))
        return apply(numpy.swapaxes, (self, dims[0], dims[1]))

    def permute(self, *dims):
        dims = sizes_of(dims)
        ndim = self._data.ndim
        if len(dims) != ndim:
            raise RuntimeError("permute(sparse_coo): number of dimensions in the tensor input does not "
                               "match the length of the desired ordering of dimensions i.e. input.dim() "
                               f"= {ndim} is not equal to len(dims) = {len(dims)}")
        for d in dims:
            if not -max(ndim, 1) <= d < max(ndim, 1):
                raise IndexError(dimension_error(d, ndim))
        if len({d % max(ndim, 1) for d in dims}) != ndim:
            raise RuntimeError("permute(): duplicate dims are not allowed.")
        return apply(numpy.transpose, (self, dims))

    def t(self):
        if self._data.ndim > 2:
            raise RuntimeError(f"t() expects a tensor with <= 2 dimensions, but self is {self._data.ndim}D")
        return labeled(apply(numpy.transpose, (self,)), "TBackward0")

    def swapaxes(self, axis1, axis2):
        return apply(numpy.swapaxes, (self, axis1, axis2))

    @pytorch_signature("squeeze")
    def squeeze(self, dim=None, *, axis=None):
        """PyTorch's squeeze: with ``dim``, dimensions of size 1 among them are removed and
        the others are left alone (NumPy would raise)."""
        dim, _ = dim_args("squeeze", dim, False, axis, None, empty_is_all=False)
        if dim is None:
            return apply(numpy.squeeze, (self,))
        dims = dim if isinstance(dim, tuple) else (dim,)
        ndim = self._data.ndim
        dims = tuple(check_dim(d, ndim) for d in dims)
        ones = tuple(sorted({d for d in dims if self._data.shape[d] == 1})) if ndim else ()
        if not ones:
            return apply(numpy.reshape, (self, self._data.shape))
        return apply(numpy.squeeze, (self,), {"axis": ones})

    def unsqueeze(self, dim):
        check_int_argument("unsqueeze", "dim", 1, dim)
        return apply(numpy.expand_dims, (self, dim))

    def expand(self, *sizes):
        """PyTorch's expand: broadcast to ``sizes`` (-1 keeps a dimension)."""
        sizes = sizes_of(sizes)
        shape = (1,) * (len(sizes) - self._data.ndim) + self._data.shape
        if len(shape) != len(sizes):
            raise RuntimeError(f"expand{sizes!r}: the number of sizes must be at least the tensor's "
                               f"{self._data.ndim} dimensions")
        check_expandable(self._data.shape, sizes)
        target = tuple(n if s == -1 else s for s, n in zip(sizes, shape))
        return apply(numpy.broadcast_to, (self, target))

    def expand_as(self, other):
        check_tensor_argument("expand_as", "other", 1, other)
        return self.expand(*numpy.shape(other))

    @pytorch_signature("repeat")
    def repeat(self, *sizes):
        """PyTorch's repeat, which tiles the whole tensor (``numpy.tile``; NumPy's repeat,
        which repeats each element, is not what this computes)."""
        sizes = sizes_of(sizes)
        if len(sizes) < self._data.ndim:
            raise RuntimeError(f"repeat{sizes!r}: the number of repeats must be at least the "
                               f"tensor's {self._data.ndim} dimensions")
        shape = (1,) * (len(sizes) - self._data.ndim) + self._data.shape
        interleaved = tuple(v for n in shape for v in (1, n))
        spread = tuple(v for r, n in zip(sizes, shape) for v in (r, n))
        tiled = apply(numpy.broadcast_to, (apply(numpy.reshape, (self, interleaved)), spread))
        return apply(numpy.reshape, (tiled, tuple(r * n for r, n in zip(sizes, shape))))

    def ravel(self):
        return apply(numpy.ravel, (self,))

    @pytorch_signature("ravel")
    def flatten(self, start_dim=0, end_dim=-1):
        """PyTorch's flatten: merge dimensions start_dim..end_dim into one."""
        check_int_argument("flatten", "start_dim", 1, start_dim)
        check_int_argument("flatten", "end_dim", 2, end_dim)
        shape = self._data.shape
        if not shape:
            return apply(numpy.reshape, (self, (1,)))
        start, end = start_dim % len(shape), end_dim % len(shape)
        if start > end:
            raise RuntimeError("flatten() has invalid args: start_dim cannot come after end_dim")
        if start == end:
            return self             # nothing merged: PyTorch gives the tensor itself
        merged = int(numpy.prod(shape[start:end + 1], dtype=numpy.int64))
        return self.reshape(shape[:start] + (merged,) + shape[end + 1:])     # a copy where no view fits
