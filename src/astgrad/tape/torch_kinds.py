"""PyTorch's refusals where NumPy would compute, or raise its own error: a function of a
dtype PyTorch has no kernel for (``frac`` of an integer tensor, ``abs`` of a bool one,
``var`` of anything but floats), integer division by zero, an ``alpha=`` the result's
dtype cannot take, operands of different dtypes where PyTorch promotes none (``einsum``,
``index_add``), and shapes that do not expand, copy or fit an ``einsum`` equation. Each
function checks its operands before it records anything."""

import numbers

import numpy

from .record import TensorBase, raw
from .mode import grad_mode
from .torch_errors import BOOL_SUBTRACTION, check_broadcastable
from .versions import torch_type_name

__all__ = ["check_kind", "check_bool_subtraction", "check_integer_divisor", "check_alpha", "check_same_dtypes", "check_expandable",
           "check_copyable", "check_einsum"]

_INTEGRAL = "biu"       # bool, signed and unsigned integers

# name: (the dtype kinds PyTorch refuses, its NotImplementedError's kernel)
_KERNELS = {"frac": (_INTEGRAL, "frac_cpu"), "logcumsumexp": (_INTEGRAL, "logcumsumexp_out_cpu"),
            "hypot": (_INTEGRAL, "hypot_cpu"), "lerp": (_INTEGRAL, "lerp_kernel_scalar"),
            "abs": ("b", "abs_cpu"), "trunc": ("b", "trunc_vml_cpu"), "fmod": ("b", "fmod_cpu"),
            "remainder": ("b", "remainder_cpu"),
            "logaddexp": (_INTEGRAL, "logaddexp_cpu"), "addcmul": ("b", "addcmul_cpu_out"), "dot": ("b", "dot"),
            "mm": ("b", "addmm_impl_cpu_"), "kthvalue": ("b", "kthvalue_cpu"), "floor": ("b", "floor_vml_cpu"),
            "ceil": ("b", "ceil_vml_cpu"), "round": ("b", "round_vml_cpu"),
            "logaddexp2": (_INTEGRAL, "logaddexp2_cpu")}

# the elementwise functions among them: operands that do not broadcast are PyTorch's error first
_ELEMENTWISE = {"hypot", "fmod", "logaddexp", "logaddexp2", "addcmul"}

_SPREAD = "std and var only support floating point and complex dtypes"
# name: (the dtype kinds PyTorch refuses, its RuntimeError's words; {} is the dtype's name)
_WORDS = {"var": (_INTEGRAL, _SPREAD), "std": (_INTEGRAL, _SPREAD),
          "var_mean": (_INTEGRAL, "var_mean only support floating point and complex dtypes"),
          "std_mean": (_INTEGRAL, "std_mean only support floating point and complex dtypes"),
          "norm": (_INTEGRAL, "linalg.vector_norm: Expected a floating point or complex tensor as input. Got {}"),
          "relu": ("b", "Boolean inputs not supported for relu"),
          "argmax": ("b", "argmax(): does not support bool input"),
          "argmin": ("b", "argmin(): does not support bool input"),
          "topk": ("b", "topk does not support bool dtypes on CPU"),
          "addcdiv": (_INTEGRAL, "Integer division with addcdiv is no longer supported, and in a future  release "
                                 "addcdiv will perform a true division of tensor1 and tensor2. The historic addcdiv "
                                 "behavior can be implemented as (input + value * astgrad.trunc(tensor1 / tensor2))"
                                 ".to(input.dtype) for integer inputs and as (input + value * tensor1 / tensor2) for "
                                 "float inputs. The future addcdiv behavior is just the latter implementation: "
                                 "(input + value * tensor1 / tensor2), for all dtypes."),
          "sub": ("b", "Subtraction, the `-` operator, with a bool tensor is not supported. If you are trying to "
                       "invert a mask, use the `~` or `logical_not()` operator instead.")}


def check_kind(name, *tensors):
    """PyTorch's error where its function ``name`` has no kernel for the dtype of its
    result from ``tensors``."""
    if grad_mode.numpy_methods:         # generated code, written for arrays
        return
    dtype = numpy.result_type(*(raw(t) for t in tensors))
    if name in _KERNELS:
        kinds, kernel = _KERNELS[name]
        if dtype.kind in kinds:
            if name in _ELEMENTWISE:
                check_broadcastable(*(raw(t) for t in tensors))
            raise NotImplementedError(f"\"{kernel}\" not implemented for '{torch_type_name(dtype)}'")
    elif name in _WORDS:
        kinds, words = _WORDS[name]
        if dtype.kind in kinds:
            raise RuntimeError(words.format(torch_type_name(dtype)))


def check_bool_subtraction(a, b):
    """PyTorch's error for ``a - b`` (and ``sub``) where one of them is a bool tensor (NumPy
    refuses two, in PyTorch's words: torch_errors.py); generated code, written for arrays,
    keeps NumPy's meaning."""
    bools = [isinstance(x, (bool, numpy.bool_)) or isinstance(x, TensorBase) and x._data.dtype.kind == "b"
             for x in (a, b)]
    if any(bools) and not all(bools):
        check_kind("sub", a if bools[0] else b)
    elif all(bools) and not grad_mode.numpy_methods:      # before sub's check of alpha, as PyTorch's
        raise RuntimeError(BOOL_SUBTRACTION)


def check_integer_divisor(x, y):
    """PyTorch's error for an integer (or bool) division by zero (``//``, ``%``, ``fmod``,
    ``div(rounding_mode=...)``), where NumPy gives 0."""
    x, y = raw(x), raw(y)
    if not grad_mode.numpy_methods and numpy.result_type(x, y).kind in _INTEGRAL and not numpy.all(y):
        raise RuntimeError("ZeroDivisionError")


def check_alpha(tensor, other, alpha, name="add"):
    """PyTorch's error for an ``alpha=`` of ``add``/``sub`` its result's dtype cannot take:
    a bool for a result that is not bool, a float for an integral one; its TypeError for
    one that is not a number."""
    numeric = isinstance(alpha, (numbers.Number, numpy.generic, numpy.ndarray, TensorBase))
    if not numeric and not grad_mode.numpy_methods:
        raise TypeError(f"{name}(): argument 'alpha' must be Number, not {type(alpha).__name__}")
    if alpha is True or alpha is False or isinstance(alpha, numpy.bool_):
        if numpy.result_type(raw(tensor), raw(other)).kind != "b":
            raise RuntimeError("Boolean alpha only supported for Boolean results.")
    elif isinstance(alpha, (float, numpy.floating)) and numpy.result_type(raw(tensor), raw(other)).kind in _INTEGRAL:
        raise RuntimeError("For integral input tensors, argument alpha must not be a floating point number.")


def check_same_dtypes(tensors, words):
    """PyTorch's error where the ``tensors`` differ in dtype; ``words`` formats it with
    the first one's dtype name and the first other one."""
    first = raw(tensors[0]).dtype
    for t in tensors[1:]:
        if raw(t).dtype != first:
            raise RuntimeError(words.format(torch_type_name(first), torch_type_name(raw(t).dtype)))


def check_expandable(shape, target):
    """PyTorch's error where ``shape`` does not expand to ``target`` (sizes, -1 kept),
    rather than NumPy's about remapped shapes."""
    padded = (1,) * (len(target) - len(shape)) + tuple(shape)
    for dim in range(len(target) - 1, -1, -1):
        if padded[dim] != 1 and target[dim] not in (-1, padded[dim]):
            raise RuntimeError(f"The expanded size of the tensor ({target[dim]}) must match the existing size "
                               f"({padded[dim]}) at non-singleton dimension {dim}.  Target sizes: {list(target)}.  "
                               f"Tensor sizes: {list(shape)}")


def check_copyable(shape, source):
    """PyTorch's error where ``copy_`` cannot write a tensor of shape ``source`` into one
    of ``shape``."""
    try:
        joint = numpy.broadcast_shapes(shape, source)
    except ValueError:
        joint = None
    if joint is None:
        n = max(len(shape), len(source))
        a, b = (1,) * (n - len(shape)) + tuple(shape), (1,) * (n - len(source)) + tuple(source)
        dim = max(d for d in range(n) if a[d] != b[d] and 1 not in (a[d], b[d]))
        raise RuntimeError(f"The size of tensor a ({a[dim]}) must match the size of tensor b ({b[dim]}) at "
                           f"non-singleton dimension {dim}")
    if joint != tuple(shape):
        raise RuntimeError(f"output with shape {list(shape)} doesn't match the broadcast shape {list(joint)}")


def check_einsum(equation, operands):
    """PyTorch's errors for an ``einsum`` equation that does not fit its operands."""
    if not isinstance(equation, str):
        return
    terms = equation.split("->")[0].split(",")
    if len(terms) != len(operands):
        which = "fewer" if len(operands) < len(terms) else "more"
        raise RuntimeError(f"einsum(): {which} operands were provided than specified in the equation")
    sizes = {}
    for i, (term, operand) in enumerate(zip(terms, operands)):
        letters, shape = [c for c in term if c.isalpha()], numpy.shape(raw(operand))
        if "..." in term:
            continue
        if len(letters) != len(shape):
            raise RuntimeError(f"einsum(): the number of subscripts in the equation ({len(letters)}) does not match "
                               f"the number of dimensions ({len(shape)}) for operand {i} and no ellipsis was given")
        for letter, n in zip(letters, shape):
            seen = sizes.setdefault(letter, n)
            if n != seen and 1 not in (n, seen):
                raise RuntimeError(f"einsum(): subscript {letter} has size {n} for operand {i} which does not "
                                   f"broadcast with previously seen size {seen}")
            sizes[letter] = max(n, seen)
