"""Tensor methods with PyTorch's names and arguments for arithmetic and activations:
``matmul``/``mm``/``bmm``, ``pow``, ``clamp``, ``maximum``/``minimum``, ``where``,
``relu``, ``sigmoid``, ``softmax``/``log_softmax``/``logsumexp`` (along ``dim``),
``amax``/``amin``, ``norm``, ``log1p``, ``rsqrt``, ``add``/``sub``/``mul``/``div``, ...

Each records NumPy calls that have derivative rules, so the derivatives (any order) come
from the engine. Shape errors are PyTorch's RuntimeErrors with PyTorch's messages.
"""

import operator

import numpy

from .. import runtime
from .conventions import rounded_division
from .grad_fn import labeled
from .pytorch_args import dim_args, numpy_options
from .saved_composites import saving
from .record import TensorBase, apply, binary, dimension_error, floated, promoted_pair, quietly, raw, unary
from .torch_errors import check_broadcastable, check_reduced_dims
from .torch_arguments import (check_bool_argument, check_dtype_argument, check_int_argument, check_ints,
                              check_tensor_argument)
from .torch_kinds import check_alpha, check_bool_subtraction, check_integer_divisor, check_kind, check_same_dtypes

__all__ = ["MathMethods", "matmul_check"]


def _dims(shape):
    return "x".join(str(n) for n in shape)


_C_TYPE_NAMES = {"float64": "double", "float32": "float", "float16": "c10::Half", "int64": "long int",
                 "int32": "int", "int16": "short int", "int8": "signed char", "uint8": "unsigned char",
                 "bool": "bool"}


def dtype_check(a, b):
    """PyTorch's RuntimeError for a product of tensors of two dtypes (NumPy would promote)."""
    a, b = numpy.asarray(raw(a)).dtype, numpy.asarray(raw(b)).dtype
    if a != b:
        raise RuntimeError(f"expected m1 and m2 to have the same dtype, but got: "
                           f"{_C_TYPE_NAMES.get(a.name, a.name)} != {_C_TYPE_NAMES.get(b.name, b.name)}")


def matmul_check(a, b, name="matmul"):
    """Raise PyTorch's RuntimeError where ``a @ b`` (shapes ``a``, ``b``) is undefined."""
    if name == "mm":
        for shape, who in ((a, "self"), (b, "mat2")):
            if len(shape) != 2:
                raise RuntimeError(f"{who} must be a matrix")
    if name == "bmm":
        for shape, who in ((a, "batch1"), (b, "batch2")):
            if len(shape) != 3:
                raise RuntimeError(f"{who} must be a 3D tensor")
        if a[0] != b[0] or a[2] != b[1]:
            raise RuntimeError(f"Expected size for first two dimensions of batch2 tensor to be: "
                               f"[{a[0]}, {a[2]}] but got: [{b[0]}, {b[1]}].")
        return
    if not a or not b:
        raise RuntimeError(f"both arguments to matmul need to be at least 1D, but they are "
                           f"{len(a)}D and {len(b)}D")
    if len(a) == 1 and len(b) == 1:
        if a[0] != b[0]:
            raise RuntimeError(f"inconsistent tensor size, expected tensor [{a[0]}] and src [{b[0]}] "
                               f"to have the same number of elements, but got {a[0]} and {b[0]} "
                               "elements respectively")
        return
    inner_b = b[0] if len(b) == 1 else b[-2]
    if len(b) == 1 and a[-1] != b[0]:
        rows = int(numpy.prod(a[:-1], dtype=numpy.int64))
        raise RuntimeError(f"size mismatch, got input ({rows}), mat ({rows}x{a[-1]}), vec ({b[0]})")
    if a[-1] != inner_b:
        rows = numpy.prod(a[:-1], dtype=int) if len(a) > 1 else 1
        left = (rows, a[-1]) if len(b) > 2 or len(a) > 1 else (1, a[-1])
        right = b[-2:] if len(b) > 1 else (b[0], 1)
        raise RuntimeError(f"mat1 and mat2 shapes cannot be multiplied ({_dims(left)} and {_dims(right)})")


def _check_dims(x, dim):
    data = raw(x)
    for d in dim if isinstance(dim, tuple) else (dim,):
        if not -max(data.ndim, 1) <= d < max(data.ndim, 1):
            raise IndexError(dimension_error(d, data.ndim))


def _shift(x, dim):
    """max(x) along ``dim`` as a constant (its derivative cancels in logsumexp); 0 where it
    is infinite, so an all -inf row (or one with no elements) gives -inf as in PyTorch."""
    _check_dims(x, dim)
    data = raw(x)
    if data.size == 0:  # numpy.max has no identity; the zeros of the reduced shape
        return numpy.sum(data, axis=dim, keepdims=True)
    m = numpy.max(data, axis=dim, keepdims=True)
    return numpy.where(numpy.isfinite(m), m, 0.0)


def _floating_only(x, name, dim):
    """PyTorch's error for softmax of an integer tensor."""
    data = raw(x)
    if data.dtype.kind not in "fc":
        kernel = "lastdim_kernel_impl" if dim in (-1, data.ndim - 1) else "kernel_impl"
        type_name = {"int64": "Long", "int32": "Int", "bool": "Bool"}.get(data.dtype.name, data.dtype.name)
        raise NotImplementedError(f'"{name}_{kernel}" not implemented for \'{type_name}\'')


class MathMethods:
    """PyTorch's arithmetic and activation methods."""

    __slots__ = ()

    # -- products ---------------------------------------------------------------------
    def matmul(self, other):
        check_tensor_argument("matmul", "other", 1, other)
        matmul_check(numpy.shape(raw(self)), numpy.shape(raw(other)))
        if numpy.ndim(raw(self)) == 1 and numpy.ndim(raw(other)) == 1:
            check_kind("dot", self, other)
            check_same_dtypes((self, other), "dot : expected both vectors to have same dtype, but found {} and {}")
        else:
            check_kind("mm", self, other)
        if numpy.ndim(raw(self)) > 1 or numpy.ndim(raw(other)) > 1:
            dtype_check(self, other)
        return binary(operator.matmul, self, other)

    def mm(self, mat2):
        check_tensor_argument("mm", "mat2", 1, mat2)
        matmul_check(numpy.shape(raw(self)), numpy.shape(raw(mat2)), "mm")
        return self.matmul(mat2)

    def bmm(self, mat2):
        matmul_check(numpy.shape(raw(self)), numpy.shape(raw(mat2)), "bmm")
        dtype_check(self, mat2)
        return binary(operator.matmul, self, mat2)

    # -- arithmetic with PyTorch's names ------------------------------------------------
    def add(self, other, *, alpha=1):
        check_tensor_argument("add", "other", 1, other, number=True)
        check_alpha(self, other, alpha)
        return self + (other if alpha == 1 else other * alpha)

    def sub(self, other, *, alpha=1):
        check_tensor_argument("sub", "other", 1, other, number=True)
        check_bool_subtraction(self, other)
        check_alpha(self, other, alpha, "sub")
        return self - (other if alpha == 1 else other * alpha)

    def mul(self, other):
        check_tensor_argument("mul", "other", 1, other, number=True)
        return self * other

    def div(self, other, *, rounding_mode=None):
        check_tensor_argument("div", "other", 1, other, number=True)
        if rounding_mode is None:
            return self / other
        # PyTorch's DivBackward2: the derivative is 0 (the result is piecewise constant)
        function = rounded_division(rounding_mode, raw(self), raw(other))
        check_integer_divisor(self, other)
        with quietly():         # x // 0.0: inf, as PyTorch's
            return labeled(apply(function, promoted_pair(self, other)), "DivBackward2")

    def pow(self, exponent):
        check_tensor_argument("pow", "exponent", 1, exponent, number=True)
        return binary(operator.pow, self, exponent)

    def neg(self):
        return unary(operator.neg, self)

    def square(self):
        return binary(operator.pow, self, 2)

    def rsqrt(self):
        # 1 / sqrt(x), not x ** -0.5: PyTorch's rsqrt(-inf) is NaN and rsqrt(-0.0) is -inf
        return labeled(binary(operator.truediv, 1.0, unary(numpy.sqrt, floated(self))), "RsqrtBackward0")

    def log1p(self):
        return apply(numpy.log1p, (floated(self),))

    def expm1(self):
        return apply(numpy.expm1, (floated(self),))

    def reciprocal(self):
        return labeled(binary(operator.truediv, 1.0, self), "ReciprocalBackward0")

    # -- comparisons that select values ---------------------------------------------------
    def clamp(self, min=None, max=None):
        if min is None and max is None:
            raise RuntimeError("astgrad.clamp: At least one of 'min' or 'max' must not be None")
        return self.clip(min, max)

    def clamp_min(self, min):       # PyTorch's clamp_min.Tensor is ClampMinBackward1
        return labeled(self.clamp(min=min), f"ClampMinBackward{int(isinstance(min, TensorBase))}")

    def clamp_max(self, max):
        return labeled(self.clamp(max=max), f"ClampMaxBackward{int(isinstance(max, TensorBase))}")

    def maximum(self, other):
        check_tensor_argument("maximum", "other", 1, other)
        return apply(numpy.maximum, promoted_pair(self, other))

    def minimum(self, other):
        check_tensor_argument("minimum", "other", 1, other)
        return apply(numpy.minimum, promoted_pair(self, other))

    def where(self, condition, other):
        """PyTorch's ``x.where(condition, y)``: x where condition holds, else y."""
        check_tensor_argument("where", "condition", 1, condition)
        check_tensor_argument("where", "other", 2, other, number=True)
        check_broadcastable(raw(condition), raw(self), raw(other))
        return apply(numpy.where, (raw(condition),) + promoted_pair(self, other))

    # -- activations ------------------------------------------------------------------------
    def relu(self):
        """max(x, 0), with derivative 0 at 0 as in PyTorch."""
        check_kind("relu", self)
        return apply(numpy.where, (self._data > 0, self, 0))

    def sigmoid(self):
        """1 / (1 + exp(-x)), computed so it neither overflows nor loses small values."""
        return apply(runtime.sigmoid, (floated(self),))

    def softmax(self, dim, dtype=None):
        check_dtype_argument("softmax", 2, dtype)
        x = self if dtype is None else self.to(dtype)
        check_int_argument("softmax", "dim", 1, dim)
        _floating_only(x, "softmax", dim)
        _check_dims(x, dim)
        return apply(runtime.softmax, (x, dim))

    def log_softmax(self, dim, dtype=None):
        check_dtype_argument("log_softmax", 2, dtype)
        x = self if dtype is None else self.to(dtype)
        check_int_argument("log_softmax", "dim", 1, dim)
        _floating_only(x, "log_softmax", dim)
        _check_dims(x, dim)
        return apply(runtime.log_softmax, (x, dim))

    def logsumexp(self, dim, keepdim=False):
        check_ints("logsumexp", "dim", 1, dim)
        check_bool_argument("logsumexp", "keepdim", keepdim)
        given, self = self, floated(self)
        shift = _shift(self, dim)
        s = apply(numpy.sum, (apply(numpy.exp, (self - shift,)),), {"axis": dim, "keepdims": True})
        out = apply(numpy.log, (s,)) + shift
        out = out if keepdim else apply(numpy.squeeze, (out,), {"axis": dim})
        return saving(out, "LogsumexpBackward0", (given,), output=True)

    # -- reductions PyTorch names differently -------------------------------------------------
    def amax(self, dim=(), keepdim=False):
        check_ints("amax", "dim", 1, dim)
        dim, keepdim = dim_args("amax", dim, keepdim, None, None, self._data.ndim)
        check_reduced_dims("amax", self._data, dim)
        return apply(numpy.amax, (self,), numpy_options(axis=dim, keepdims=keepdim))

    def amin(self, dim=(), keepdim=False):
        check_ints("amin", "dim", 1, dim)
        dim, keepdim = dim_args("amin", dim, keepdim, None, None, self._data.ndim)
        check_reduced_dims("amin", self._data, dim)
        return apply(numpy.amin, (self,), numpy_options(axis=dim, keepdims=keepdim))

    def norm(self, p="fro", dim=None, keepdim=False, dtype=None):
        """PyTorch's norm: the 2-norm of all elements (``p='fro'`` or 2), or the vector
        p-norm along ``dim``; never a matrix norm (use numpy.linalg.norm for those)."""
        check_kind("norm", self)
        x = self if dtype is None else self.to(dtype)
        dim, keepdim = dim_args("norm", dim, keepdim, None, None, self._data.ndim)
        if p == "fro":
            p = 2
        elif isinstance(p, str) and p != "nuc":     # PyTorch reads a string as a matrix norm's order
            raise RuntimeError(f"linalg.matrix_norm: Order {p} not supported.")
        kept = None
        if dim is None:     # over all elements; with keepdim, as ndim dimensions of size 1
            x, dim = apply(numpy.reshape, (x, (-1,))), (0 if keepdim else None)
            kept = (1,) * self._data.ndim if keepdim and self._data.ndim != 1 else None
        if isinstance(dim, tuple) and p != 2:
            # numpy.linalg.norm over two axes is a matrix norm; PyTorch's is the vector norm
            total = apply(numpy.sum, (abs(x) ** p,), numpy_options(axis=dim, keepdims=keepdim))
            return total ** (1.0 / p)
        options = numpy_options(ord=None if p == 2 else p, axis=dim, keepdims=keepdim)
        total = apply(numpy.linalg.norm, (x,), options)
        return total if kept is None else apply(numpy.reshape, (total, kept))

    # -- predicates ---------------------------------------------------------------------------
    def is_floating_point(self):
        return self._data.dtype.kind == "f"

    def all(self, dim=None, keepdim=False):
        check_bool_argument("all", "keepdim", keepdim)
        return apply(numpy.all, (self._data,), numpy_options(axis=dim, keepdims=keepdim))

    def any(self, dim=None, keepdim=False):
        check_bool_argument("any", "keepdim", keepdim)
        return apply(numpy.any, (self._data,), numpy_options(axis=dim, keepdims=keepdim))
