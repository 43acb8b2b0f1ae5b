"""The ``out=`` argument of the module-level functions (``astgrad.exp(x, out=o)``,
``astgrad.cat(ts, out=o)``): the result written into ``o`` and ``o`` returned, as
PyTorch does, where nothing requires grad; where something does, PyTorch's error (such
calls are not differentiable in PyTorch either). An ``o`` of another shape takes the
result's, as PyTorch resizes it (with PyTorch's warning where ``o`` had elements)."""

import warnings

import numpy

from .mode import grad_mode, no_grad
from .record import TensorBase
from .versions import torch_type_name

__all__ = ["call_with_out", "check_out_inputs"]

_RESIZED = ("An output with one or more elements was resized since it had shape {}, which does not match "
            "the required output shape {}. This behavior is deprecated, and in a future PyTorch release "
            "outputs will not be resized unless they have zero elements: pass an out= tensor of the result's "
            "shape, or one with zero elements.")
_SHARED = ("{}(): out= has shape {} and the result {}; astgrad resizes an out= tensor as PyTorch does only where "
           "no other tensor or array shares its memory (this one {}): pass one of the result's shape, or "
           "assign the result")
_OVERLAP = ("unsupported operation: some elements of the input tensor and the written-to tensor refer to a "
            "single memory location. Please clone() the tensor before performing the operation.")


def _requires_grad(values):
    for value in values:
        if isinstance(value, TensorBase) and value._rg:
            return True
        if isinstance(value, (list, tuple)) and _requires_grad(value):
            return True
    return False


def _same_kind(kind, into):
    return kind == into or numpy.can_cast(kind, into, "same_kind")


def _cast_error(name, kind, into):
    """PyTorch's error for a result of dtype ``kind`` written into an out= of dtype ``into``."""
    if name in ("cat", "concat", "stack"):
        if not _same_kind(kind, into):
            return TypeError(f"astgrad.cat(): input types can't be cast to the desired output type "
                             f"{torch_type_name(into)}")
    elif name == "where":
        if kind != into:
            return RuntimeError(f"Expected out type to be {torch_type_name(kind)} but got {torch_type_name(into)}")
    elif not _same_kind(kind, into):
        return RuntimeError(f"result type {torch_type_name(kind)} can't be cast to the desired output type "
                            f"{torch_type_name(into)}")
    return None


def _sharer(out):
    """What shares ``out``'s memory, in words, or None."""
    x = out._x or {}
    if "view_of" in x:
        return "is a view of another tensor"
    if any(len(bucket) for bucket in (x.get("views") or {}).values()):
        return "has views"
    if x.get("shared") or out._data.base is not None:
        return "shares its memory with an array or another tensor"
    return None


def _resize(name, out, shape, stacklevel):
    """``out`` given ``shape`` (its values then written over), as PyTorch's resize of an out=."""
    sharer = _sharer(out)
    if sharer is not None:
        raise RuntimeError(_SHARED.format(name, list(out.shape), list(shape), sharer))
    if out._data.size:
        warnings.warn(_RESIZED.format(list(out.shape), list(shape)), UserWarning, stacklevel=stacklevel + 1)
    out._data = numpy.zeros(shape, out._data.dtype)


def check_out_inputs(out, tensors):
    """PyTorch's refusal of an out= that shares memory with one of the ``tensors`` it is
    computed from (``cat([x, y], out=x)``)."""
    if not isinstance(out, TensorBase):
        return          # call_with_out says what is wrong with it
    for t in tensors:
        if isinstance(t, TensorBase) and numpy.shares_memory(t._data, out._data):
            raise RuntimeError(_OVERLAP)


def call_with_out(name, function, args, kwargs, out, stacklevel=3):
    """``function(*args, **kwargs)`` written into the tensor ``out``; ``out``.
    ``stacklevel``: the user's call's, for the resize warning (from this function)."""
    if not isinstance(out, TensorBase):
        raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type(out).__name__}"
                        + (" (astgrad takes one out= tensor, not a tuple: assign the results instead)"
                           if isinstance(out, (tuple, list)) and name not in ("cat", "concat", "stack") else ""))
    if grad_mode.enabled and _requires_grad((out, *args, *kwargs.values())):
        raise RuntimeError(f"{name}(): functions with out=... arguments don't support automatic "
                           "differentiation, but one of the arguments requires grad.")
    result = function(*args, **kwargs)
    if not isinstance(result, TensorBase):
        raise TypeError(f"{name}() gives {type(result).__name__}, which out= cannot hold; assign the result instead")
    error = _cast_error(name, result._data.dtype, out._data.dtype)
    if error is not None:
        raise error
    if result.shape != out.shape:
        _resize(name, out, result._data.shape, stacklevel)
    with no_grad():
        out.copy_(result)
    return out
