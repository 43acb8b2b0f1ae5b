"""Tensor methods with PyTorch's names that run along a dimension or work on matrices:
``cumprod``, ``cummax``/``cummin`` (values, indices), ``logcumsumexp``, ``diff``, ``roll``,
``tril``/``triu``, ``diag``, ``kron``, ``cross``.

Each records NumPy calls with derivative rules. ``cummax``/``cummin`` pick their values
at their indices, so, as in PyTorch, the derivative goes to the element the index names.
"""

import numbers

import numpy

from . import return_types
from .pytorch_args import pytorch_signature
from .record import apply, dimension_error, make_tensor, raw
from .saved_composites import saving
from .torch_kinds import check_kind, check_same_dtypes
from .torch_arguments import check_dtype_argument, check_int_argument, check_ints, check_tensor_argument
from .torch_errors import check_broadcastable

__all__ = ["ArrayOpMethods"]

# how far below the maximum exp(x - max) stays a normal number, with room to spare
_EXP_RANGE = {"float64": 690.0, "float32": 80.0}


def _axis(x, dim):
    """``dim`` checked as PyTorch checks it (a 0-d tensor has dimensions -1 and 0)."""
    ndim = numpy.ndim(raw(x))
    if not isinstance(dim, numbers.Integral) or not -max(ndim, 1) <= dim < max(ndim, 1):
        if isinstance(dim, numbers.Integral):
            raise IndexError(dimension_error(dim, ndim))
        raise TypeError(f"dim must be an int, not {type(dim).__name__}")
    return int(dim) % max(ndim, 1)


def running_extreme_indices(data, axis, accumulate):
    """Where the running maximum (minimum) along ``axis`` was found: the last of equal
    values and of NaNs, as PyTorch's cummax/cummin."""
    running = accumulate(data, axis=axis)
    found = (data == running) | (numpy.isnan(data) & numpy.isnan(running))
    shape = [1] * data.ndim
    shape[axis] = data.shape[axis]
    positions = numpy.arange(data.shape[axis]).reshape(shape)
    return numpy.maximum.accumulate(numpy.where(found, positions, 0), axis=axis)


class ArrayOpMethods:
    """PyTorch's running (cumulative) functions and matrix-structure functions."""

    __slots__ = ()

    # -- along a dimension ------------------------------------------------------------------
    @pytorch_signature("cumprod")
    def cumprod(self, dim, *, dtype=None):
        check_int_argument("cumprod", "dim", 1, dim)
        check_dtype_argument("cumprod", None, dtype)
        x = self if dtype is None else self.to(dtype)
        if x._data.ndim == 0:
            _axis(x, dim)
            return x * 1
        return apply(numpy.cumprod, (x,), {"axis": _axis(x, dim)})

    def cummax(self, dim):
        check_int_argument("cummax", "dim", 1, dim)
        values, indices = self._running_extreme(dim, numpy.maximum.accumulate, return_types.cummax)
        # PyTorch's node saves the input (and the indices, which nothing changes)
        return return_types.cummax(saving(values, "CummaxBackward0", (self,)), indices)

    def cummin(self, dim):
        check_int_argument("cummin", "dim", 1, dim)
        return self._running_extreme(dim, numpy.minimum.accumulate, return_types.cummin)

    def _running_extreme(self, dim, accumulate, result):
        axis = _axis(self, dim)
        if self._data.ndim == 0:
            return result(self * 1, make_tensor(numpy.zeros((), numpy.int64), None, False))
        indices = running_extreme_indices(self._data, axis, accumulate)
        values = apply(numpy.take_along_axis, (self, indices), {"axis": axis})
        return result(values, make_tensor(indices.astype(numpy.int64), None, False))

    def logcumsumexp(self, dim):
        """log(cumsum(exp(x))) along ``dim``, shifted by the maximum so that nothing
        overflows; where values lie so far apart that exp(x - max) would round to 0 (or
        any is infinite), one running logaddexp per position instead."""
        check_int_argument("logcumsumexp", "dim", 1, dim)
        check_kind("logcumsumexp", self)
        # PyTorch's node saves the input and the result
        return saving(self._logcumsumexp(dim), "LogcumsumexpBackward0", (self,), output=True)

    def _logcumsumexp(self, dim):
        axis = _axis(self, dim)
        data = self._data
        if data.ndim == 0 or data.size == 0:
            return self * 1
        if numpy.isfinite(data).all() and numpy.ptp(data) < _EXP_RANGE.get(data.dtype.name, 0):
            shift = float(data.max())       # a constant: its derivative cancels
            terms = apply(numpy.exp, (self - shift,))
            return apply(numpy.log, (apply(numpy.cumsum, (terms,), {"axis": axis}),)) + shift
        lead = (slice(None),) * axis
        running = [self[lead + (0,)]]
        for i in range(1, data.shape[axis]):
            running.append(apply(numpy.logaddexp, (running[-1], self[lead + (i,)])))
        return apply(numpy.stack, (running,), {"axis": axis})

    def diff(self, n=1, dim=-1, prepend=None, append=None):
        """``n``-th forward difference along ``dim``, after joining ``prepend`` and ``append``."""
        if self._data.ndim == 0:
            raise RuntimeError("diff expects input to be at least one-dimensional")
        check_int_argument("diff", "n", 1, n)
        check_int_argument("diff", "dim", 2, dim)
        axis = _axis(self, dim)
        parts = [p for p in (prepend, self, append) if p is not None]
        x = apply(numpy.concatenate, (parts,), {"axis": axis}) if len(parts) > 1 else self
        return apply(numpy.diff, (x,), {"n": n, "axis": axis})

    def roll(self, shifts, dims=None):
        """Elements shifted cyclically along ``dims`` (of the flattened tensor if None)."""
        check_ints("roll", "shifts", 1, shifts)
        if dims is not None:
            check_ints("roll", "dims", 2, dims)
        if dims is None and isinstance(shifts, (tuple, list)) and len(shifts) != 1:
            raise RuntimeError(f"shifts and dimensions must align. shifts: {len(shifts)}, dims:0")
        counts = [len(v) if isinstance(v, (tuple, list)) else 1 for v in (shifts, dims)]
        if dims is not None and counts[0] != counts[1]:       # NumPy would broadcast one over the other
            raise RuntimeError(f"shifts and dimensions must align. shifts: {counts[0]}, dims:{counts[1]}")
        shifts = tuple(shifts) if isinstance(shifts, (tuple, list)) else shifts
        dims = tuple(dims) if isinstance(dims, (tuple, list)) else dims
        return apply(numpy.roll, (self, shifts), {"axis": dims})

    # -- matrices ---------------------------------------------------------------------------
    def tril(self, diagonal=0):
        check_int_argument("tril", "diagonal", 1, diagonal)
        self._at_least_2d("tril")
        return apply(numpy.tril, (self,), {"k": diagonal})

    def triu(self, diagonal=0):
        check_int_argument("triu", "diagonal", 1, diagonal)
        self._at_least_2d("triu")
        return apply(numpy.triu, (self,), {"k": diagonal})

    def _at_least_2d(self, name):
        if self._data.ndim < 2:
            raise RuntimeError(f"{name}: input tensor must have at least 2 dimensions")

    def diag(self, diagonal=0):
        """A 1-D tensor as the ``diagonal``-th diagonal of a matrix, or that diagonal of a matrix."""
        if self._data.ndim not in (1, 2):
            raise RuntimeError(f"diag(): Supports 1D or 2D tensors. Got {self._data.ndim}D")
        return apply(numpy.diag, (self,), {"k": diagonal}, fresh=True)     # a copy in PyTorch

    def kron(self, other):
        check_tensor_argument("kron", "other", 1, other)
        return apply(numpy.kron, (self, other))

    def cross(self, other, dim=None):
        """The cross product of 3-vectors along ``dim`` (if None, the first dimension of size 3)."""
        check_tensor_argument("cross", "other", 1, other)
        a, b = numpy.shape(raw(self)), numpy.shape(raw(other))
        if len(a) != len(b):
            raise RuntimeError("linalg.cross: inputs must have the same number of dimensions.")
        check_same_dtypes((self, other), "expected scalar type {} but found {}")
        if dim is None:     # PyTorch's default: the first dimension of size 3 of the input itself
            dim = next((i for i, n in enumerate(a) if n == 3), None)
            if dim is None:
                raise RuntimeError("no dimension of size 3 in input")
        axis = _axis(self, dim)
        if a[axis] != 3 or b[axis] != 3:
            raise RuntimeError(f"linalg.cross: inputs dimension {dim} must have length 3. "
                               f"Got {a[axis]} and {b[axis]}")
        check_broadcastable(raw(self), raw(other))
        return apply(numpy.cross, (self, other), {"axis": axis})
