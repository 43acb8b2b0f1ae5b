"""PyTorch's reductions at positions: ``scatter_reduce`` (``sum``, ``prod``, ``mean``,
``amax``, ``amin``, with or without the tensor's own value), ``scatter`` with
``reduce="add"`` or ``"multiply"``, and ``masked_scatter``.

Each is recorded from what the engine already differentiates, so its derivative is
PyTorch's backward formula: the elements sent to one position are gathered into a row
of a matrix (padded with the reduction's neutral value, the tensor's own value in a
column of its own where it takes part), the row reduced with NumPy (``sum``, ``prod``,
``max``, ``min``), and the results written at their positions (``inplace.written_at``).
NumPy's ``prod`` has the exact derivative (the product of the others, also where some
are 0), and ``max``/``min`` share the gradient evenly between the elements equal to the
result, which is PyTorch's rule for ties."""

import numpy

from .inplace import written_at
from .record import TensorBase, apply, make_tensor, raw
from .versions import torch_type_name

__all__ = ["REDUCTIONS", "reduced_at", "masked_scattered"]

# the NumPy reduction of each of PyTorch's, and the value that pads a row
REDUCTIONS = {"sum": numpy.sum, "prod": numpy.prod, "mean": numpy.sum, "amax": numpy.max, "amin": numpy.min}


def _padding(reduce, dtype):
    """The value a row is padded with: one that changes no result of the reduction."""
    if reduce in ("sum", "mean", "prod"):
        return int(reduce == "prod")
    if dtype.kind == "f":
        return -numpy.inf if reduce == "amax" else numpy.inf
    limits = numpy.iinfo(dtype)
    return limits.min if reduce == "amax" else limits.max


def reduced_at(tensor, targets, part, reduce, include_self):
    """``tensor`` with the elements of ``part`` reduced into the flat positions
    ``targets`` (one per element of ``part``, in order), as ``scatter_reduce`` does."""
    dtype = tensor._data.dtype
    if not isinstance(part, TensorBase):
        part = numpy.broadcast_to(numpy.asarray(part, dtype), targets.shape)
    count = targets.size
    if count == 0:
        return apply(numpy.copy, (tensor,))
    groups, inverse, counts = numpy.unique(targets, return_inverse=True, return_counts=True)
    inverse = inverse.reshape(-1)
    order = numpy.argsort(inverse, kind="stable")
    slots = numpy.arange(count) - (numpy.cumsum(counts) - counts)[inverse[order]]
    # one row per position written: its elements, then the column of the tensor's own value
    take = numpy.full((groups.size, int(counts.max()) + 1), count + groups.size)      # the padding, last
    take[inverse[order], slots] = order
    take[:, -1] = count + numpy.arange(groups.size)
    pad = numpy.full((1,), _padding(reduce, dtype), dtype)
    flat = tensor.reshape(-1)
    own = flat[groups] if include_self else _tied_own_values(flat, groups, raw(part), take, pad, reduce)
    values = apply(numpy.concatenate, ((part.reshape(-1), own, pad),))
    reduced = apply(REDUCTIONS[reduce], (values[take],), {"axis": 1})
    if reduce == "mean":
        sizes = (counts + bool(include_self)).astype(dtype)
        reduced = reduced // sizes if dtype.kind in "iub" else reduced / sizes
    result = written_at(flat, groups, reduced)
    result = result if isinstance(result, TensorBase) else make_tensor(result, None, False)
    return result.reshape(tensor._data.shape)


def _tied_own_values(flat, groups, part, take, pad, reduce):
    """The column of the tensor's own values where they do not take part
    (``include_self=False``): the padding, but for ``amax`` and ``amin`` where the value
    equals the result, which PyTorch counts among the ties sharing the gradient (that
    share goes to no one): there a constant equal to the result."""
    padding = numpy.full(groups.size, pad[0], pad.dtype)
    if reduce not in ("amax", "amin"):
        return padding
    own = flat._data.reshape(-1)[groups]
    values = numpy.concatenate([numpy.reshape(part, -1), padding, pad])
    results = REDUCTIONS[reduce](values[take], axis=1)
    return numpy.where(own == results, own, padding)


def masked_scattered(tensor, mask, source):
    """``tensor`` with the first elements of ``source`` written where ``mask`` is True,
    in order (``masked_scatter``), with PyTorch's checks."""
    if not isinstance(source, TensorBase):
        raise TypeError(f"masked_scatter(): argument 'source' (position 2) must be Tensor, not "
                        f"{type(source).__name__}")
    mask = numpy.asarray(raw(mask))
    if mask.dtype != numpy.bool_:
        raise RuntimeError(f"masked_scatter_ only supports boolean masks, but got mask with dtype "
                           f"{torch_type_name(mask.dtype)}")
    if source._data.dtype != tensor._data.dtype:
        raise RuntimeError(f"masked_scatter: expected self and source to have same dtypes but got"
                           f"{torch_type_name(tensor._data.dtype)} and {torch_type_name(source._data.dtype)}")
    try:
        mask = numpy.broadcast_to(mask, tensor._data.shape)
    except ValueError:
        raise RuntimeError(f"masked_scatter: the mask of size {list(mask.shape)} does not broadcast to the "
                           f"size of self {list(tensor._data.shape)}") from None
    ones = int(numpy.count_nonzero(mask))
    if source._data.size < ones:
        raise RuntimeError("Number of elements of source < number of ones in mask")
    result = written_at(tensor, mask, source.reshape(-1)[:ones])
    return result if isinstance(result, TensorBase) else make_tensor(result, None, False)
