"""PyTorch's exception types and messages for bad input that NumPy reports its own
way: shapes that do not broadcast, matrix products of mismatched shapes, indices and
dimensions out of range, impossible reshapes. ``translated`` maps NumPy's error for
one primitive call to PyTorch's (or returns None to let NumPy's stand)."""

import numbers
import operator
import re

import numpy

from .conventions import copysign
from .size import dim_error

__all__ = ["BOOL_SUBTRACTION", "translated", "check_reduced_dims", "check_broadcastable", "check_dim_type", "check_bounds"]

_ELEMENTWISE = {operator.add, operator.sub, operator.mul, operator.truediv, operator.pow, operator.mod,
                operator.floordiv, copysign}
_MATMUL = {operator.matmul, numpy.matmul, numpy.dot}
_AXIS_ERROR = getattr(getattr(numpy, "exceptions", numpy), "AxisError", None)


def _broadcast_message(a, b):
    return _shapes_message(numpy.shape(a), numpy.shape(b))


def _shapes_message(sa, sb):
    n = max(len(sa), len(sb))
    pa, pb = (1,) * (n - len(sa)) + sa, (1,) * (n - len(sb)) + sb
    for dim in range(n - 1, -1, -1):
        if pa[dim] != pb[dim] and pa[dim] != 1 and pb[dim] != 1:
            return (f"The size of tensor a ({pa[dim]}) must match the size of tensor b ({pb[dim]}) "
                    f"at non-singleton dimension {dim}")
    return None


def _matmul_message(a, b):
    sa, sb = numpy.shape(a), numpy.shape(b)
    if not sa or not sb:
        return f"both arguments to matmul need to be at least 1D, but they are {len(sa)}D and {len(sb)}D"
    if len(sa) == 1 and len(sb) == 1:
        return (f"inconsistent tensor size, expected tensor [{sa[0]}] and src [{sb[0]}] to have the same "
                f"number of elements, but got {sa[0]} and {sb[0]} elements respectively")
    if len(sa) == 2 and len(sb) == 1:
        return f"size mismatch, got input ({sa[0]}), mat ({sa[0]}x{sa[1]}), vec ({sb[0]})"
    rows = sa if len(sa) == 2 else (1,) + sa[-1:] if len(sa) == 1 else (int(numpy.prod(sa[:-1])), sa[-1])
    return f"mat1 and mat2 shapes cannot be multiplied ({rows[0]}x{rows[1]} and {sb[-2]}x{sb[-1]})"


def _reshape_message(error, args):
    text = str(error)
    if "only specify one unknown dimension" in text:
        return "only one dimension can be inferred"
    match = re.search(r"array of size (\d+) into shape \(([^)]*)\)", text)
    if match:
        sizes = [s.strip() for s in match.group(2).split(",") if s.strip()]
        return f"shape '[{', '.join(sizes)}]' is invalid for input of size {match.group(1)}"
    return None


# NumPy's refusals of an operation on integer or bool arrays, and PyTorch's words for them
BOOL_SUBTRACTION = ("Subtraction, the `-` operator, with two bool tensors is not supported. "
                    "Use the `^` or `logical_xor()` operator instead.")
_REFUSALS = {
    "numpy boolean subtract": BOOL_SUBTRACTION,
    "numpy boolean negative": "Negation, the `-` operator, on a bool tensor is not supported. If you are "
                              "trying to invert a mask, use the `~` or `logical_not()` operator instead.",
    "Integers to negative integer powers": "Integers to negative integer powers are not allowed.",
}


def _is_int(d):
    return isinstance(d, numbers.Integral) and not isinstance(d, (bool, numpy.bool_))


def check_broadcastable(*operands):
    """PyTorch's RuntimeError where the shapes of ``operands`` do not broadcast (PyTorch
    checks them before it looks for a kernel of their dtype)."""
    shape = numpy.shape(operands[0])
    for operand in operands[1:]:
        message = _shapes_message(shape, numpy.shape(operand))
        if message is not None:
            raise RuntimeError(message)
        shape = numpy.broadcast_shapes(shape, numpy.shape(operand))


def check_dim_type(name, dim):
    """PyTorch's TypeError for a ``dim`` that is not an int, a tuple of ints or None
    (``t.max("a")``, ``t.sum(True)``), rather than a comparison of int and str deep inside."""
    dims = dim if isinstance(dim, tuple) else (dim,)
    if dim is not None and not all(_is_int(d) for d in dims):
        wrong = next(d for d in dims if not _is_int(d))
        raise TypeError(f"{name}(): argument 'dim' must be int or tuple of ints, not {type(wrong).__name__}")


def check_bounds(name, min, max):
    """PyTorch's TypeError for a bound of clamp that is neither a number, a tensor nor
    None (``t.clamp(min="a")``), rather than NumPy's error about ufunc loops."""
    for argument, value in (("min", min), ("max", max)):
        if not (value is None or isinstance(value, (numbers.Real, numpy.ndarray)) or hasattr(value, "_data")):
            raise TypeError(f"{name}(): argument '{argument}' must be Number or Tensor, not "
                            f"{type(value).__name__}")


def check_reduced_dims(name, data, dim):
    """Raise PyTorch's error for ``name`` (max, min, amax, amin, argmax, argmin) reducing
    no elements: all of an empty tensor, or a dimension of length 0 (NumPy's is a
    ValueError about an identity)."""
    if dim is None or dim == ():
        if data.size == 0:
            text = f"{name}(): Expected reduction dim to be specified for input.numel() == 0."
            if name.startswith("arg"):
                raise IndexError(text)
            raise RuntimeError(text + " Specify the reduction dim with the 'dim' argument.")
        return
    for d in dim if isinstance(dim, tuple) else (dim,):
        if isinstance(d, numbers.Integral) and not -data.ndim <= d < data.ndim:
            raise dim_error(d, data.ndim)
        if -data.ndim <= d < data.ndim and data.shape[d] == 0:
            shown = d if name in ("amax", "amin") else d % data.ndim      # as PyTorch's messages
            raise IndexError(f"{name}(): Expected reduction dim {shown} to have non-zero size.")


_TOO_MANY = re.compile(r"too many indices for array: array is (\d+)-dimensional")


def _too_many_indices(text, args):
    """PyTorch's IndexError for an index with more parts than the tensor has dimensions."""
    found = _TOO_MANY.search(text)
    if found is None:
        return None
    if found.group(1) == "0" and len(args) == 2 and isinstance(args[1], numbers.Integral):
        return IndexError("invalid index of a 0-dim tensor. Use `tensor.item()` in Python or `tensor.item<T>()` "
                          "in C++ to convert a 0-dim tensor to a number")
    return IndexError(f"too many indices for tensor of dimension {found.group(1)}")


def translated(error, op, args):
    """PyTorch's exception for NumPy's ``error`` raised by ``op(*args)``, or None."""
    if _AXIS_ERROR is not None and isinstance(error, _AXIS_ERROR) and getattr(error, "ndim", None) is not None:
        return dim_error(error.axis, error.ndim)
    if isinstance(error, (TypeError, ValueError)):
        for numpy_words, message in _REFUSALS.items():
            if numpy_words in str(error):
                return RuntimeError(message)
    if isinstance(error, IndexError):
        text = str(error)
        if "out of bounds for axis" in text:
            return IndexError(text.replace("for axis", "for dimension"))
        if "arrays used as indices must be of integer" in text:
            return IndexError("tensors used as indices must be long, int, byte or bool tensors")
        return _too_many_indices(text, args)
    if not isinstance(error, ValueError) or len(args) < 1:
        return None
    message = None
    if op in _MATMUL and len(args) == 2:
        message = _matmul_message(*args)
    elif (op in _ELEMENTWISE or isinstance(op, numpy.ufunc)) and len(args) == 2:
        message = _broadcast_message(*args)
    elif op is numpy.reshape:
        message = _reshape_message(error, args)
    return None if message is None else RuntimeError(message)
