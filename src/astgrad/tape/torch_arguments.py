"""PyTorch's TypeErrors for an argument of the wrong kind, where NumPy would compute
anyway: a list, a number or None where PyTorch takes only a Tensor (``x.maximum(0.5)``,
``gather(x, 0, [0])``), a bool or a float where it takes an int (``x.cumsum(True)``),
an int where it takes a bool (``keepdim=1``). Each message names the function, the
argument and its position as PyTorch's does: a method counts from the first argument
after the tensor, a module-level function from ``input`` (torch_functions.py turns the
one into the other). An ndarray passes where a Tensor is required, as everywhere on the
tape; generated code, written for arrays, is not checked."""

import numbers

import numpy

from .mode import grad_mode
from .record import TensorBase

__all__ = ["check_tensor_argument", "check_tensors_argument", "check_int_argument", "check_ints", "check_bool_argument",
           "check_dtype_argument"]


def _kind(value):
    return type(value).__name__


def _is_int(value):
    """An int to PyTorch's parser: Python's or NumPy's, or a 0-d integer tensor; not a bool."""
    return not isinstance(value, (bool, numpy.bool_)) and hasattr(type(value), "__index__")


def check_tensor_argument(name, argument, position, value, *, number=False):
    """PyTorch's TypeError where ``value`` is not a Tensor (with ``number``: nor a number)."""
    if grad_mode.numpy_methods or isinstance(value, (TensorBase, numpy.ndarray)):
        return
    if number and isinstance(value, (numbers.Number, numpy.generic)):
        return
    raise TypeError(f"{name}(): argument '{argument}' (position {position}) must be Tensor, not {_kind(value)}")


def check_tensors_argument(name, argument, position, values):
    """PyTorch's TypeError where ``values`` (``index_put``'s indices) is not a tuple or a
    list of Tensors: ``x.index_put_([0], v)``, which NumPy would read as an index."""
    if grad_mode.numpy_methods:
        return
    if not isinstance(values, (tuple, list)):
        raise TypeError(f"{name}(): argument '{argument}' (position {position}) must be tuple of Tensors, "
                        f"not {_kind(values)}")
    for i, value in enumerate(values):
        if not isinstance(value, (TensorBase, numpy.ndarray)):
            raise TypeError(f"expected Tensor as element {i} in argument {position - 1}, but got {_kind(value)}")


def check_dtype_argument(name, position, dtype):
    """PyTorch's TypeError for a ``dtype=`` that is a string (``softmax(x, 1, "float")``),
    which ``Tensor.to`` would read as a device. ``position``: None for a keyword-only one."""
    if isinstance(dtype, str) and not grad_mode.numpy_methods:
        where = f" (position {position})" if position else ""
        raise TypeError(f"{name}(): argument 'dtype'{where} must be torch.dtype, not {_kind(dtype)}")


def check_int_argument(name, argument, position, value):
    """PyTorch's TypeError where ``value`` is not an int: a bool is not one, a float, a
    string or None neither; a NumPy integer or a 0-d integer tensor is."""
    if grad_mode.numpy_methods:
        return
    if not _is_int(value):
        where = f" (position {position})" if position else ""
        raise TypeError(f"{name}(): argument '{argument}'{where} must be int, not {_kind(value)}")


def check_ints(name, argument, position, values):
    """PyTorch's TypeError where ``values`` (an int, or a tuple or list of them: ``dims``,
    ``shifts``) is or holds something that is not an int."""
    if grad_mode.numpy_methods:
        return
    if not isinstance(values, (tuple, list)):
        if not _is_int(values):
            raise TypeError(f"{name}(): argument '{argument}' (position {position}) must be tuple of ints, "
                            f"not {_kind(values)}")
        return
    for i, value in enumerate(values, 1):
        if not _is_int(value):
            raise TypeError(f"{name}(): argument '{argument}' failed to unpack the object at pos {i} with error "
                            f"\"type must be tuple of ints,but got {_kind(value)}\"")


def check_bool_argument(name, argument, value):
    """PyTorch's TypeError where ``value`` (``keepdim``, ``descending``) is not a bool."""
    if not grad_mode.numpy_methods and not isinstance(value, (bool, numpy.bool_)):
        raise TypeError(f"{name}(): argument '{argument}' must be bool, not {_kind(value)}")
