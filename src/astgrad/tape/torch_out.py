"""The ``out=`` argument of the module-level functions (``astgrad.exp(x, out=o)``):
the result written into ``o`` and ``o`` returned, as PyTorch does, where nothing
requires grad; where something does, PyTorch's error (such calls are not
differentiable in PyTorch either)."""

import numpy

from .mode import grad_mode, no_grad
from .record import TensorBase
from .versions import torch_type_name

__all__ = ["call_with_out"]


def _requires_grad(values):
    for value in values:
        if isinstance(value, TensorBase) and value._rg:
            return True
        if isinstance(value, (list, tuple)) and _requires_grad(value):
            return True
    return False


def call_with_out(name, function, args, kwargs, out):
    """``function(*args, **kwargs)`` written into the tensor ``out``; ``out``."""
    if not isinstance(out, TensorBase):
        raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type(out).__name__}"
                        + (" (astgrad takes one out= tensor, not a tuple: assign the results instead)"
                           if isinstance(out, (tuple, list)) else ""))
    if grad_mode.enabled and _requires_grad((out, *args, *kwargs.values())):
        raise RuntimeError(f"{name}(): functions with out=... arguments don't support automatic "
                           "differentiation, but one of the arguments requires grad.")
    result = function(*args, **kwargs)
    if not isinstance(result, TensorBase):
        raise TypeError(f"{name}() gives {type(result).__name__}, which out= cannot hold; assign the result instead")
    kind, into = result._data.dtype, out._data.dtype
    if kind != into and not numpy.can_cast(kind, into, "same_kind"):
        raise RuntimeError(f"result type {torch_type_name(kind)} can't be cast to the desired output type "
                           f"{torch_type_name(into)}")
    if result.shape != out.shape:
        raise RuntimeError(f"{name}(): out= has shape {list(out.shape)} and the result {list(result.shape)}; "
                           "astgrad does not resize out= tensors (PyTorch does): pass one of the result's "
                           "shape, or assign the result")
    with no_grad():
        out.copy_(result)
    return out
