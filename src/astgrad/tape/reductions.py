"""Tensor reductions with PyTorch's arguments: ``sum``, ``mean``, ``prod``, ``max``/``min``
(with ``dim``: values and indices), ``var``/``std`` (unbiased by default), ``cumsum``,
``argmax``/``argmin``.
"""

import numbers

import numpy

from . import dtypes, return_types
from .pytorch_args import dim_args, ddof_of, numpy_options, pytorch_signature
from .record import TensorBase, apply, make_tensor
from .torch_errors import check_reduced_dims
from .torch_kinds import check_kind
from .torch_arguments import check_bool_argument, check_dtype_argument, check_int_argument

__all__ = ["ReductionMethods"]


def _scalar_type(dtype):
    """PyTorch's name for an integer or boolean dtype in messages (``Long``, ``Bool``)."""
    return {"int64": "Long", "int32": "Int", "int16": "Short", "int8": "Char", "uint8": "Byte",
            "bool": "Bool"}.get(dtype.name, dtype.name)


class ReductionMethods:
    """Reductions over all elements or along ``dim`` (see pytorch_args.py)."""

    __slots__ = ()

    @pytorch_signature("sum")
    def sum(self, dim=None, keepdim=False, *, dtype=None, axis=None, keepdims=None):
        if dim is None and keepdim is False and dtype is None and axis is None and keepdims is None:
            return apply(numpy.sum, (self,))        # the common call, as the general path records it
        dim, keepdim = dim_args("sum", dim, keepdim, axis, keepdims, self._data.ndim)
        return apply(numpy.sum, (self,), numpy_options(axis=dim, dtype=dtypes.to_numpy(dtype),
                                                  keepdims=keepdim))

    @pytorch_signature("mean")
    def mean(self, dim=None, keepdim=False, *, dtype=None, axis=None, keepdims=None):
        if dim is None and keepdim is False and dtype is None and axis is None and keepdims is None \
                and self._data.dtype.kind in "fc":
            return apply(numpy.mean, (self,))       # the common call, as the general path records it
        dim, keepdim = dim_args("mean", dim, keepdim, axis, keepdims, self._data.ndim)
        if dtype is None and self._data.dtype.kind not in "fc":
            raise RuntimeError("mean(): could not infer output dtype. Input dtype must be either a "
                               "floating point or complex dtype. Got: " + _scalar_type(self._data.dtype))
        return apply(numpy.mean, (self,), numpy_options(axis=dim, dtype=dtypes.to_numpy(dtype),
                                                  keepdims=keepdim))

    @pytorch_signature("prod")
    def prod(self, dim=None, keepdim=False, *, dtype=None, axis=None, keepdims=None):
        if dim is not None:             # PyTorch's prod reduces one dimension or all
            check_int_argument("prod", "dim", 1, dim)
        dim, keepdim = dim_args("prod", dim, keepdim, axis, keepdims, self._data.ndim)
        return apply(numpy.prod, (self,), numpy_options(axis=dim, dtype=dtypes.to_numpy(dtype),
                                                  keepdims=keepdim))

    @pytorch_signature("max")
    def max(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        """PyTorch's max: the largest element; with ``dim``, ``(values, indices)``; with a
        tensor or array argument, the elementwise maximum."""
        return self._extreme("max", numpy.max, numpy.argmax, numpy.maximum, dim, keepdim, axis, keepdims)

    @pytorch_signature("min")
    def min(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        """PyTorch's min: the smallest element; with ``dim``, ``(values, indices)``; with a
        tensor or array argument, the elementwise minimum."""
        return self._extreme("min", numpy.min, numpy.argmin, numpy.minimum, dim, keepdim, axis, keepdims)

    def _extreme(self, name, reduce, locate, elementwise, dim, keepdim, axis, keepdims):
        if isinstance(dim, (TensorBase, numpy.ndarray)):
            return apply(elementwise, (self, dim))
        given = dim if axis is None else axis
        dim, keepdim = dim_args(name, dim, keepdim, axis, keepdims, self._data.ndim)
        check_reduced_dims(name, self._data, dim)
        result = return_types.max if name == "max" else return_types.min
        if dim is None and given is not None:      # along the one dimension of a 0-d tensor
            return result(apply(reduce, (self,)), make_tensor(numpy.asarray(0), None, False))
        if dim is None:
            return apply(reduce, (self,))
        if not isinstance(dim, numbers.Integral):
            raise TypeError(f"{name}(dim) takes one int dim, as in PyTorch, not {dim!r}")
        # the values are picked at the indices, so (as in PyTorch) the whole derivative goes
        # to the element the index names, not shared among equal ones
        indices = numpy.expand_dims(locate(self._data, axis=dim), dim)
        values = apply(numpy.take_along_axis, (self, indices), {"axis": dim})
        if not keepdim:
            values, indices = apply(numpy.squeeze, (values,), {"axis": dim}), numpy.squeeze(indices, dim)
        return result(values, make_tensor(numpy.asarray(indices), None, False))

    @pytorch_signature("var")
    def var(self, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=None, keepdims=None,
            ddof=None):
        """PyTorch's var: unbiased (divides by n - 1) unless ``unbiased=False`` or
        ``correction=0`` (NumPy's ``ddof=`` is accepted too)."""
        check_kind("var", self)
        if isinstance(dim, bool):       # PyTorch's var(unbiased)
            dim, unbiased = None, dim
        if unbiased is not None:
            check_bool_argument("var", "unbiased", unbiased)
        dim, keepdim = dim_args("var", dim, keepdim, axis, keepdims, self._data.ndim)
        return apply(numpy.var, (self,), numpy_options(axis=dim, ddof=ddof_of(unbiased, correction, ddof),
                                                  keepdims=keepdim))

    @pytorch_signature("std")
    def std(self, dim=None, unbiased=None, keepdim=False, *, correction=None, axis=None, keepdims=None,
            ddof=None):
        """PyTorch's std: unbiased (divides by n - 1) unless ``unbiased=False`` or
        ``correction=0`` (NumPy's ``ddof=`` is accepted too)."""
        check_kind("std", self)
        if isinstance(dim, bool):       # PyTorch's std(unbiased)
            dim, unbiased = None, dim
        if unbiased is not None:
            check_bool_argument("std", "unbiased", unbiased)
        dim, keepdim = dim_args("std", dim, keepdim, axis, keepdims, self._data.ndim)
        return apply(numpy.std, (self,), numpy_options(axis=dim, ddof=ddof_of(unbiased, correction, ddof),
                                                  keepdims=keepdim))

    @pytorch_signature("cumsum")
    def cumsum(self, dim=None, *, dtype=None, axis=None):
        if dim is None and axis is None:
            raise TypeError('cumsum() missing 1 required positional arguments: "dim"')
        if dim is not None:
            check_int_argument("cumsum", "dim", 1, dim)
        check_dtype_argument("cumsum", None, dtype)
        x = self if dtype is None else self.to(dtype)
        dim, _ = dim_args("cumsum", dim, False, axis, None, x._data.ndim)
        total = apply(numpy.cumsum, (x,), numpy_options(axis=dim))
        return total if x._data.ndim else apply(numpy.reshape, (total, ()))     # NumPy's is 1-d

    def argmax(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        check_kind("argmax", self)
        if dim is not None:
            check_int_argument("argmax", "dim", 1, dim)
        dim, keepdim = dim_args("argmax", dim, keepdim, axis, keepdims, self._data.ndim)
        check_reduced_dims("argmax", self._data, dim)
        return make_tensor(numpy.asarray(numpy.argmax(self._data, axis=dim, keepdims=keepdim)), None, False)

    def argmin(self, dim=None, keepdim=False, *, axis=None, keepdims=None):
        check_kind("argmin", self)
        if dim is not None:
            check_int_argument("argmin", "dim", 1, dim)
        dim, keepdim = dim_args("argmin", dim, keepdim, axis, keepdims, self._data.ndim)
        check_reduced_dims("argmin", self._data, dim)
        return make_tensor(numpy.asarray(numpy.argmin(self._data, axis=dim, keepdims=keepdim)), None, False)
