"""Tensor methods with PyTorch's names that take a piece of a tensor or look at it another
way: ``select``, ``narrow``, ``unbind``, ``diagonal``, ``movedim``/``moveaxis``,
``swapdims``, ``view_as``/``reshape_as``, ``unflatten`` and ``contiguous``.

Each is recorded as indexing or as one NumPy call (``numpy.diagonal``, ``numpy.moveaxis``),
so its derivative is that primitive's, to any order, and the result is a view where
PyTorch's is one (an in-place update of it writes through, views.py).
"""

import numbers
import operator

import numpy

from .grad_fn import labeled
from .pytorch_args import pytorch_signature, sizes_of
from .record import apply
from .size import check_dim
from .torch_arguments import check_int_argument, check_tensor_argument
from .views import contiguous

__all__ = ["PieceMethods"]


def _along(dim, index):
    """The index tuple picking ``index`` (an int or a slice) along dimension ``dim``."""
    return (slice(None),) * dim + (index,)


class PieceMethods:
    """PyTorch's views of one piece of a tensor (all recorded)."""

    __slots__ = ()

    def contiguous(self, memory_format=None):
        """The tensor itself where its elements lie in memory in order, else a copy whose
        elements do (so ``x.T.contiguous().view(-1)`` works, as in PyTorch)."""
        if contiguous(self):
            return self
        return labeled(apply(numpy.copy, (self,)), "CloneBackward0")

    def is_contiguous(self, memory_format=None):
        return contiguous(self)

    def select(self, dim, index):
        """The slice at ``index`` along ``dim``, that dimension removed (``x[:, i]`` for dim 1)."""
        shape = self._data.shape
        if not shape:
            raise IndexError("select() cannot be applied to a 0-dim tensor.")
        check_int_argument("select", "dim", 1, dim)
        check_int_argument("select", "index", 2, index)
        dim, index = check_dim(operator.index(dim), len(shape)), operator.index(index)
        if not -shape[dim] <= index < shape[dim]:
            raise IndexError(f"select(): index {index} out of range for tensor of size {list(shape)} "
                             f"at dimension {dim}")
        return self[_along(dim, index)]

    def narrow(self, dim, start, length):
        """The ``length`` elements from ``start`` along ``dim`` (``x[:, start:start + length]``)."""
        shape = self._data.shape
        if not shape:
            raise RuntimeError("narrow() cannot be applied to a 0-dim tensor.")
        dim = check_dim(operator.index(dim), len(shape))
        start, length, size = operator.index(start), operator.index(length), shape[dim]
        if length < 0:
            raise RuntimeError("narrow(): length must be non-negative.")
        if not -size <= start <= size:
            raise IndexError(f"start out of range (expected to be in range of [{-size}, {size}], "
                             f"but got {start})")
        if start < 0:
            start += size
        if start + length > size:
            raise RuntimeError(f"start ({start}) + length ({length}) exceeds dimension size ({size}).")
        return self[_along(dim, slice(start, start + length))]

    def unbind(self, dim=0):
        """The slices along ``dim``, a tuple (``tuple(x)`` for dim 0). As in PyTorch, each is a
        view that may not be updated in place (it is one of several views)."""
        shape = self._data.shape
        if not shape:
            raise IndexError("Dimension specified as 0 but tensor has no dimensions")
        check_int_argument("unbind", "dim", 1, dim)
        dim = check_dim(operator.index(dim), len(shape))
        pieces = tuple(self[_along(dim, i)] for i in range(shape[dim]))
        for k, piece in enumerate(pieces):
            if piece._x and "view_of" in piece._x:
                piece._x["multi_view"] = f"Output {k} of Unbind"
        return pieces

    @pytorch_signature("diagonal")
    def diagonal(self, offset=0, dim1=0, dim2=1):
        """The diagonal of the matrices in dimensions ``dim1``, ``dim2`` (above it for a
        positive ``offset``), as the last dimension of the result."""
        check_int_argument("diagonal", "offset", 1, offset)
        ndim = self._data.ndim
        first, second = check_dim(operator.index(dim1), ndim), check_dim(operator.index(dim2), ndim)
        if first == second:
            raise RuntimeError(f"diagonal dimensions cannot be identical {dim1}, {dim2}")
        return apply(numpy.diagonal, (self, operator.index(offset), first, second))

    def movedim(self, source, destination):
        """Dimensions ``source`` (an int or a tuple) moved to ``destination``, the others in order."""
        ndim = self._data.ndim
        source, destination = _dims(source, ndim), _dims(destination, ndim)
        if len(source) != len(destination):
            raise RuntimeError(f"movedim: Invalid source or destination dims: source ({list(source)} dims) "
                               f"should contain the same number of dims as destination "
                               f"({list(destination)} dims)")
        for which, dims in (("source", source), ("destination", destination)):
            if len(set(dims)) != len(dims):
                raise RuntimeError(f"movedim: repeated dim in `{which}` ({list(dims)})")
        if not ndim:
            return apply(numpy.reshape, (self, ()))
        return labeled(apply(numpy.moveaxis, (self, source, destination)), "PermuteBackward0")

    moveaxis = movedim

    def swapdims(self, dim0, dim1):
        return self.transpose(dim0, dim1)

    def view_as(self, other):
        check_tensor_argument("view_as", "other", 1, other)
        return self.view(*numpy.shape(other))

    def reshape_as(self, other):
        return self.reshape(*numpy.shape(other))

    def unflatten(self, dim, sizes):
        """Dimension ``dim`` split into ``sizes`` (one of them may be -1)."""
        shape = self._data.shape
        dim = check_dim(operator.index(dim), len(shape))
        sizes = sizes_of((sizes,))
        known = int(numpy.prod([n for n in sizes if n != -1], dtype=numpy.int64))
        if sizes.count(-1) > 1 or (-1 not in sizes and known != shape[dim]) or (
                -1 in sizes and (known == 0 or shape[dim] % known)):
            raise RuntimeError(f"unflatten: Provided sizes {list(sizes)} don't multiply up to the size of "
                               f"dim {dim} ({shape[dim]}) in the input tensor")
        return self.view(*shape[:dim], *sizes, *shape[dim + 1:])


def _dims(dims, ndim):
    dims = (dims,) if isinstance(dims, numbers.Integral) else tuple(dims)
    return tuple(check_dim(operator.index(d), ndim) for d in dims)
