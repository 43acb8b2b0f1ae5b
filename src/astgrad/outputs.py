"""What ``grad`` takes as a function's output: a real number (a Python or NumPy number,
a 0-d array), or a one-element array, the number it holds; and the error naming what
the function returned instead. The API checks the output of a gradient's call with it,
and generated code returning the gradient alone through ``runtime.check_scalar_output``."""

import numbers

import numpy

from .duck import is_duck_array


def is_real_number(x):
    """A real number (Python or NumPy, or a 0-d real array), not a bool."""
    if isinstance(x, (bool, numpy.bool_)):
        return False
    if isinstance(x, (numpy.ndarray, numpy.generic)) or is_duck_array(x):
        return x.ndim == 0 and x.dtype.kind in "fiu"
    return isinstance(x, numbers.Real)


def is_numeric_array(x):
    """A NumPy (or Dask) array or scalar of numbers or booleans."""
    return (isinstance(x, (numpy.ndarray, numpy.generic)) or is_duck_array(x)) and x.dtype.kind in "biufc"


def describe_value(value):
    """``value`` as an error message names it."""
    if value is None:
        return "None"
    if isinstance(value, (numpy.ndarray, numpy.generic)):
        return f"an array of dtype {value.dtype} and shape {value.shape}"
    return f"a value of type {type(value).__name__}"


def check_scalar(value, fn_name):
    """grad differentiates a real scalar output: a number, a NumPy real scalar, a 0-d array."""
    if is_real_number(value):
        return
    if one_element(value):         # grad, value_and_grad and hvp take it before asking here
        raise ValueError(f"hessian requires {fn_name} to return a number or a 0-d array, but it returned a "
                         f"one-element array of shape {value.shape}, whose Hessian has the output's axes in "
                         "front for autograd and JAX and not for PyTorch; return its element instead "
                         f"({fn_name}(...)[0], or .item()), or use hvp, which takes it as the number it holds")
    if isinstance(value, (list, tuple, dict)) or (is_numeric_array(value) and value.ndim and value.size != 1):
        what = f"a value of shape {value.shape}" if hasattr(value, "ndim") else f"a {type(value).__name__}"
        pair = isinstance(value, (list, tuple)) and len(value) == 2
        aux = (f"; if {fn_name} returns (value, aux), the value to differentiate and anything else to hand "
               "back, pass has_aux=True, as in JAX") if pair else ""
        raise ValueError(f"grad requires {fn_name} to return a scalar, but it returned {what}{aux}; use "
                         "astgrad.vjp for non-scalar outputs")
    if type(value).__module__.startswith("astgrad.tape"):      # called with astgrad.tensor arguments
        raise TypeError(f"grad requires {fn_name} to return a real scalar, but it returned an astgrad.tensor: "
                        "astgrad.grad differentiates functions of NumPy arrays and numbers, so pass arrays "
                        "(t.detach().numpy()), or differentiate a computation on tensors with "
                        "astgrad.autograd.grad (or .backward())")
    raise TypeError(f"grad requires {fn_name} to return a real scalar (a float or a 0-d float "
                    f"array), but it returned {describe_value(value)}")


def one_element(value):
    """A real array of one element and at least one axis (shape ``(1,)``, ``(1, 1)``, ...):
    grad takes it as the number it holds, as autograd and PyTorch do."""
    return is_numeric_array(value) and value.ndim > 0 and value.size == 1 and value.dtype.kind in "fiu"
