"""Tensor conversions: to Python numbers, lists and ndarrays (``item``, ``float(t)``,
``numpy.asarray(t)``, ...), which refuse to drop a derivative silently, and to other
tensors (``astype``, ``copy``/``clone``), which are recorded.
"""

import operator

import numpy

from .. import runtime
from .mode import grad_mode
from .graph import exposed
from .record import apply

__all__ = ["ConversionMethods"]

# how to fill an array with tensors, said where writing one into a NumPy array is refused
_WRITE_INTO_A_TENSOR = "make the array a tensor (out = astgrad.zeros(n)) and write into it (out[i] = t), which is recorded"


def _one_element(tensor):
    if tensor._data.size != 1:
        raise ValueError("only one element tensors can be converted to Python scalars")


def _shared(tensor):
    """The tensor's array, which an in-place update must now write into (not rebind)."""
    extra = tensor._x
    if extra is None:
        extra = tensor._x = {}
    extra["shared"] = True
    exposed(tensor._data)
    return tensor._data


class ConversionMethods:
    """Conversions of a tensor to other types and dtypes."""

    __slots__ = ()

    def item(self):
        if self._data.size != 1:
            raise RuntimeError(f"a Tensor with {self._data.size} elements cannot be converted to Scalar")
        return self._data.item()

    def tolist(self):
        return self._data.tolist()

    def numpy(self, *, force=False):
        """The values as an ndarray (shared, not copied; carries no derivative). On a tensor
        that requires grad, ``force=True`` gives them as ``detach().numpy()`` does."""
        if self._rg and grad_mode.enabled and not force:
            raise RuntimeError("Can't call numpy() on Tensor that requires grad. Use "
                               "tensor.detach().numpy() instead.")
        return _shared(self)

    def __array__(self, dtype=None, copy=None):
        if self._rg and grad_mode.enabled:
            raise RuntimeError(
                "numpy.asarray/numpy.array on a tensor that requires grad (also what writing it into "
                "a NumPy array, out[a:b] = t, calls) would silently drop its derivative. Use "
                "numpy.stack/numpy.concatenate (or astgrad.stack) to combine tensors (they are recorded), "
                f"{_WRITE_INTO_A_TENSOR}, or tensor.numpy() / tensor.detach() / astgrad.no_grad() when you "
                "only want the values.")
        if copy:
            return numpy.array(self._data, dtype=dtype, copy=True)
        exposed(self._data)         # the caller may write into it (reuse.py looks)
        return self._data if dtype is None else self._data.astype(dtype, copy=False)

    def __bool__(self):
        size = self._data.size
        if size != 1:
            raise RuntimeError("Boolean value of Tensor with "
                               f"{'no values' if size == 0 else 'more than one value'} is ambiguous")
        return bool(self._data)

    def __float__(self):
        # math.sin(t), numpy.float64(t) and float(t) all arrive here; none can return a
        # tensor, so on a tensor that requires grad each would lose the derivative unseen
        if self._rg and grad_mode.enabled:
            raise RuntimeError(
                "float() of a tensor that requires grad would silently drop its derivative; so "
                "would math functions (math.sin(t)) and numpy.float64(t), which call it, and writing "
                "it into a NumPy array (out[i] = t, which NumPy then reports as \"setting an array "
                "element with a sequence\"). Use numpy functions (np.sin(t)) or tensor methods "
                "(t.sin()), which are recorded; to fill an array, build a list of tensors and "
                f"astgrad.stack it, or {_WRITE_INTO_A_TENSOR}; or t.item() / t.detach() / "
                "astgrad.no_grad() when you only want the number.")
        _one_element(self)
        return float(self._data.reshape(()))

    def __int__(self):
        _one_element(self)
        return int(self._data.reshape(()))

    def __index__(self):
        if self._data.dtype.kind not in "iub":
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return operator.index(self._data[()])

    def __complex__(self):
        if self._rg and grad_mode.enabled:
            raise RuntimeError(
                "complex() of a tensor that requires grad (also what cmath functions call) would "
                "silently drop its derivative; use t.item() / t.detach() for the number.")
        return complex(self._data)

    def astype(self, dtype):
        return apply(runtime.to_copy, (self, numpy.dtype(dtype)))

    def copy(self):
        return apply(numpy.copy, (self,))

    clone = copy
