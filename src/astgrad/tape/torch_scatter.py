"""PyTorch's writes at positions: ``scatter``, ``scatter_add``, ``index_add``,
``index_copy``, ``index_fill``, ``index_put``, ``masked_fill`` and their in-place forms
(``scatter_``, ..., ``index_put_``, ``masked_fill_``), and the in-place forms of the
elementwise methods (``exp_``, ``neg_``, ``pow_``, ...).

Each out-of-place form is recorded from what the engine already differentiates: the old
tensor with values written at NumPy positions (``inplace.written_at``: where, indexing
and ``runtime.unindex``) or added there (``unindex``, whose repeats add up). An in-place
form is that function's update of the tensor (``inplace.update``), so PyTorch's rules
hold: refused on a leaf that requires grad, a version bump that a backward pass which
saved the old value refuses, writes through a view."""

import numpy

from .. import runtime
from .grad_fn import labeled
from .inplace import check_index_put_dtypes, overlap_checked, update, written_at
from .mode import grad_mode
from .record import TensorBase, apply, make_tensor, raw
from .scatter_reduce import REDUCTIONS, masked_scattered, reduced_at
from .size import check_dim
from .torch_kinds import check_same_dtypes
from .saved_composites import in_place
from .versions import count_as_update
from .torch_arguments import check_tensor_argument, check_tensors_argument

__all__ = ["ScatterMethods"]


def _index_array(index, name):
    index = numpy.asarray(raw(index))
    if index.dtype.kind not in "iu":
        raise RuntimeError(f"{name}(): Expected dtype int32/int64 for index")
    return index


def _recording(*tensors):
    return grad_mode.enabled and any(isinstance(t, TensorBase) and t._rg for t in tensors)


def _as_tensor(result):
    return result if isinstance(result, TensorBase) else make_tensor(result, None, False)


def _added_at(old, index, value):
    """``old`` with ``value`` added at the NumPy ``index`` (repeated positions add up)."""
    shape = numpy.shape(old._data[index])
    if not _recording(old, value):
        data = old._data.copy()
        numpy.add.at(data, index, numpy.broadcast_to(raw(value), shape))
        return make_tensor(data, None, False)
    if isinstance(value, TensorBase) and value._data.shape != shape:
        value = apply(numpy.broadcast_to, (value, shape))
    elif not isinstance(value, TensorBase):
        value = numpy.broadcast_to(numpy.asarray(value, old._data.dtype), shape)
    return old + apply(runtime.unindex, (value, numpy.zeros_like(old._data), index))


def _same_dtype(name, tensor, src):
    if isinstance(src, TensorBase) and src._data.dtype != tensor._data.dtype:
        raise RuntimeError(f"{name}(): Expected self.dtype to be equal to src.dtype")


def _scatter_positions(tensor, dim, index, src, name):
    """The NumPy index of the elements ``scatter(dim, index, src)`` writes (``index``
    along ``dim``, each element's own coordinates elsewhere), and the part of ``src``
    written there (its leading block of ``index``'s shape), with PyTorch's checks."""
    index = _index_array(index, name)
    ndim = tensor._data.ndim
    if index.ndim != max(ndim, 1) and not (ndim == 0 and index.ndim <= 1):
        raise RuntimeError("Index tensor must have the same number of dimensions as self tensor")
    dim = check_dim(dim, ndim)         # PyTorch's IndexError, not NumPy's wrapping
    if ndim == 0:
        return (), src
    source_shape = numpy.shape(raw(src)) if isinstance(src, TensorBase) else None
    for axis, n in enumerate(index.shape):
        too_long = (axis != dim and n > tensor._data.shape[axis]) or (
            source_shape is not None and n > source_shape[axis])
        if too_long:
            raise RuntimeError(f"Expected index {list(index.shape)} to be no larger than self "
                               f"{list(tensor._data.shape)} apart from dimension {dim}"
                               + (f" and to be no larger size than src {list(source_shape)}" if source_shape else ""))
    _check_bounds(index, dim, tensor._data.shape[dim], RuntimeError)
    grids = numpy.indices(index.shape, sparse=True)
    positions = tuple(index if axis == dim else grids[axis] for axis in range(ndim))
    if isinstance(src, TensorBase) and src._data.shape != index.shape:
        src = src[tuple(slice(0, n) for n in index.shape)]
    return positions, src


# scatter's reduce= and the scatter_reduce reduction it is
_SCATTER_REDUCTIONS = {"add": "sum", "multiply": "prod"}


def _flat_targets(tensor, positions, index):
    """The flat position in ``tensor`` of each element ``scatter`` writes (``positions``,
    from ``_scatter_positions``), in the order of ``index``'s elements."""
    if tensor._data.ndim == 0:
        return numpy.zeros(numpy.size(raw(index)), numpy.intp)
    return numpy.ravel_multi_index(numpy.broadcast_arrays(*positions), tensor._data.shape).reshape(-1)


def _check_bounds(index, dim, size, error, prefix="", negative=False):
    """PyTorch's error for an index out of range (a negative one too, unless ``negative``)."""
    bad = index[(index >= size) | (index < (-size if negative else 0))]
    if bad.size:
        raise error(f"{prefix}index {int(bad.flat[0])} is out of bounds for dimension {dim} with size {size}")


# how PyTorch checks the index of each (error type, message prefix, negative positions allowed)
_BOUNDS = {"index_copy": (IndexError, "index_copy_(): ", False), "index_fill": (IndexError, "", True)}


def _along(tensor, dim, index, name):
    """The NumPy index of the slices ``index`` picks along ``dim`` (``index_add`` and its
    kin), with PyTorch's checks."""
    index = _index_array(index, name).reshape(-1)
    ndim = max(tensor._data.ndim, 1)
    dim = check_dim(dim, ndim)
    size = tensor._data.shape[dim] if tensor._data.ndim else 1
    if name in _BOUNDS:
        _check_bounds(index, dim, size, *_BOUNDS[name])
    elif ndim == 1 and index.size and (index.max() >= size or index.min() < 0):
        raise IndexError("index out of range in self")      # index_add of a vector
    else:
        _check_bounds(index, dim, size, RuntimeError)
    return (slice(None),) * dim + (index,) if tensor._data.ndim else ()


def _checked_source(tensor, positions, source, dim, index_length, name):
    if isinstance(source, TensorBase) and numpy.ndim(raw(source)) and tensor._data.ndim:
        wanted = numpy.shape(tensor._data[positions])
        if source._data.shape[dim] != index_length:
            raise RuntimeError(f"{name}_(): Number of indices ({index_length}) should be equal to "
                               f"source.size(dim): ({source._data.shape[dim]}), for dim: {dim}")
        if source._data.shape != wanted:
            raise RuntimeError(f"{name}_(): Source/destination tensor must have same slice shapes. "
                               f"Destination slice shape: {list(wanted)} at dimension {dim} and source "
                               f"slice shape: {list(source._data.shape)} at dimension {dim}.")


class ScatterMethods:
    """PyTorch's scatter, index and masked writes, out of place and in place."""

    __slots__ = ()

    def scatter(self, dim, index, src=None, *, value=None, reduce=None):
        check_tensor_argument("scatter", "index", 2, index)
        if src is not None:
            check_tensor_argument("scatter", "src", 3, src, number=True)
        src = value if src is None else src
        _same_dtype("scatter", self, src)
        if reduce is not None:
            if reduce not in _SCATTER_REDUCTIONS:
                raise RuntimeError("reduce argument must be either add or multiply.")
            return self.scatter_reduce(dim, index, src, _SCATTER_REDUCTIONS[reduce])
        positions, part = _scatter_positions(self, dim, index, src, "scatter")
        name = "ScatterBackward0" if isinstance(src, TensorBase) else "ScatterBackward1"
        return labeled(_as_tensor(written_at(self, positions, part)), name)

    def scatter_reduce(self, dim, index, src, reduce, *, include_self=True):
        if reduce not in REDUCTIONS:
            raise RuntimeError(f"reduce argument must be either sum, prod, mean, amax or amin, got {reduce}")
        _same_dtype("scatter", self, src)
        positions, part = _scatter_positions(self, dim, index, src, "scatter")
        targets = _flat_targets(self, positions, index)
        if self._data.ndim == 0 and isinstance(part, TensorBase):
            part = part.reshape(-1)[:targets.size]
        result = reduced_at(self, targets, part, reduce, include_self)
        return labeled(result, "ScatterReduceBackward0")

    def masked_scatter(self, mask, source):
        return labeled(masked_scattered(self, mask, source), "MaskedScatterBackward0")

    def scatter_add(self, dim, index, src):
        check_tensor_argument("scatter_add", "index", 2, index)
        check_tensor_argument("scatter_add", "src", 3, src)
        _same_dtype("scatter", self, src)       # PyTorch's words name scatter
        positions, part = _scatter_positions(self, dim, index, src, "scatter_add")
        return labeled(_added_at(self, positions, part), "ScatterAddBackward0")

    def index_add(self, dim, index, source, *, alpha=1):
        check_tensor_argument("index_add", "index", 2, index)
        check_tensor_argument("index_add", "source", 3, source)
        check_same_dtypes((self, source), "index_add_(): self ({}) and source ({}) must have the same scalar type")
        positions = _along(self, dim, index, "index_add")
        _checked_source(self, positions, source, dim % max(self._data.ndim, 1), numpy.size(raw(index)), "index_add")
        return labeled(_added_at(self, positions, source if alpha == 1 else source * alpha), "IndexAddBackward0")

    def index_copy(self, dim, index, source):
        positions = _along(self, dim, index, "index_copy")
        _checked_source(self, positions, source, dim % max(self._data.ndim, 1), numpy.size(raw(index)), "index_copy")
        return labeled(_as_tensor(written_at(self, positions, source)), "IndexCopyBackward0")

    def index_fill(self, dim, index, value):
        check_tensor_argument("index_fill", "index", 2, index)
        if numpy.asarray(raw(index)).dtype != numpy.int64 and not grad_mode.numpy_methods:
            raise IndexError("index_fill_(): Expected dtype int64 for index.")
        positions = _along(self, dim, index, "index_fill")
        return labeled(_as_tensor(written_at(self, positions, value)), "IndexFillBackward0")

    def index_put(self, indices, values, accumulate=False):
        _check_index_put_arguments("index_put", indices, values, accumulate)
        check_index_put_dtypes(self, values)
        positions = tuple(numpy.asarray(raw(i)) for i in indices)
        for dim, index in enumerate(positions):
            if index.dtype.kind in "iu" and dim < self._data.ndim:
                _check_bounds(index, dim, self._data.shape[dim], IndexError, negative=True)
        if accumulate:
            return labeled(_added_at(self, positions, values), "IndexPutBackward0")
        return labeled(_as_tensor(written_at(self, positions, values)), "IndexPutBackward0")

    def masked_fill(self, mask, value):
        check_tensor_argument("masked_fill", "mask", 1, mask)
        mask = numpy.asarray(raw(mask))
        if mask.dtype != numpy.bool_:
            raise RuntimeError(f"masked_fill_ only supports boolean masks, but got mask with dtype "
                               f"{_torch_int_name(mask.dtype)}")
        if numpy.ndim(raw(value)):
            raise RuntimeError(f"masked_fill_ only supports a 0-dimensional value tensor, but got tensor with "
                               f"{numpy.ndim(raw(value))} dimension(s).")
        mask = numpy.broadcast_to(mask, self._data.shape)
        return labeled(_as_tensor(written_at(self, mask, value)), "MaskedFillBackward0")

    def scatter_(self, dim, index, src=None, *, value=None, reduce=None):
        overlap_checked(self, src)
        return update(self, lambda old: old.scatter(dim, index, src, value=value, reduce=reduce))

    def scatter_reduce_(self, dim, index, src, reduce, *, include_self=True):
        overlap_checked(self, src)
        return update(self, lambda old: old.scatter_reduce(dim, index, src, reduce, include_self=include_self))

    def masked_scatter_(self, mask, source):
        overlap_checked(self, source)
        return update(self, lambda old: old.masked_scatter(mask, source))

    def scatter_add_(self, dim, index, src):
        overlap_checked(self, src)
        return update(self, lambda old: old.scatter_add(dim, index, src))

    def index_add_(self, dim, index, source, *, alpha=1):
        overlap_checked(self, source)
        return update(self, lambda old: old.index_add(dim, index, source, alpha=alpha))

    def index_copy_(self, dim, index, source):
        overlap_checked(self, source)
        return update(self, lambda old: old.index_copy(dim, index, source))

    def index_fill_(self, dim, index, value):
        return update(self, lambda old: old.index_fill(dim, index, value))

    def index_put_(self, indices, values, accumulate=False):
        _check_index_put_arguments("index_put_", indices, values, accumulate)
        overlap_checked(self, values)
        return update(self, lambda old: old.index_put(indices, values, accumulate))

    def masked_fill_(self, mask, value):
        return update(self, lambda old: old.masked_fill(mask, value))


def _check_index_put_arguments(name, indices, values, accumulate):
    """PyTorch's TypeErrors: indices are a tuple or list of tensors (``[0]`` is refused, as
    in PyTorch, where NumPy would read it as an index), values a tensor, accumulate a bool;
    and an error for no index at all, where NumPy would write every element and PyTorch
    fails inside (``sym_strides() called on an undefined Tensor``)."""
    check_tensors_argument(name, "indices", 1, indices)
    check_tensor_argument(name, "values", 2, values)
    if not isinstance(accumulate, (bool, numpy.bool_)):
        raise TypeError(f"{name}(): argument 'accumulate' must be bool, not {type(accumulate).__name__}")
    if len(indices) == 0:
        raise RuntimeError(f"{name}(): indices is empty: give at least one index tensor "
                           "(to write every element, use x[...] = values or x.copy_(values))")


def _torch_int_name(dtype):
    return {"int64": "long int", "int32": "int", "int16": "short int", "int8": "signed char",
            "uint8": "unsigned char", "float64": "double", "float32": "float"}.get(numpy.dtype(dtype).name, numpy.dtype(dtype).name)


# PyTorch's in-place forms whose derivative reads the result, not the input, are nodes of
# another name (AcoshBackward1, ...)
_OTHER_IN_PLACE_NODE = {"acosh": "AcoshBackward1", "asinh": "AsinhBackward1", "atanh": "AtanhBackward1",
                        "polygamma": "PolygammaBackward1"}


def _in_place_form(name):
    """``name_``: the tensor updated to ``name``'s result (PyTorch's in-place form)."""
    label = _OTHER_IN_PLACE_NODE.get(name)

    def method(self, *args, **kwargs):
        for other in args:
            overlap_checked(self, other)
        return update(self, lambda old: getattr(old, name)(*args, **kwargs), label)
    method.__name__ = method.__qualname__ = name + "_"
    method.__doc__ = f"``{name}`` in place, with PyTorch's rules for in-place updates."
    return method


# the in-place forms PyTorch has of elementwise methods (each keeps its result's dtype)
ELEMENTWISE_IN_PLACE = (
    "abs", "neg", "exp", "expm1", "log", "log1p", "log2", "log10", "sqrt", "rsqrt", "square",
    "sin", "cos", "tanh", "sigmoid", "relu", "reciprocal", "pow", "sign", "trunc", "frac",
    "clamp_min", "clamp_max", "addcmul", "addcdiv", "lerp", "sinh", "cosh", "asin", "acos", "atan",
    "asinh", "acosh", "atanh", "atan2", "erf", "erfc", "exp2", "remainder", "fmod", "hypot", "xlogy",
    "nan_to_num", "floor", "ceil", "round", "floor_divide", "true_divide", "copysign", "heaviside", "tan",
    "deg2rad", "rad2deg", "erfinv", "lgamma", "digamma", "polygamma", "i0")

for _name in ELEMENTWISE_IN_PLACE:
    setattr(ScatterMethods, _name + "_", _in_place_form(_name))


def _logit_(self, eps=None):
    """``logit`` in place: one update (one version), as PyTorch's, also with ``eps``, whose
    clamp keeps the original value for its derivative as the update's last step would."""
    if eps is None:
        return update(self, lambda old: in_place(old.logit()))
    version, clamps = self._version, []

    def clamped_logit(old):
        clamped = old.clamp(eps, 1.0 - eps)
        clamps.append(clamped._node)
        return in_place(clamped.logit())
    update(self, clamped_logit)
    count_as_update(self, version, clamps[0])
    return self


ScatterMethods.logit_ = _logit_
