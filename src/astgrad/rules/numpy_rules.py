"""Derivatives of NumPy functions and ndarray methods.

Each primitive has an adjoint (reverse) and a tangent (forward) template; see
``registry.py`` for the format. Conventions used throughout:

* adjoints have exactly their input's shape: binary functions broadcast, so their
  adjoints go through ``unbroadcast`` and their tangents through ``broadcast_like``;
  reductions spread their adjoint back with ``unreduce``;
* constants are Python floats (weak under NumPy 2's promotion rules), so float32
  data gives float32 derivatives;
* max/min (reductions and ``maximum``/``minimum``/``clip``) split the derivative
  evenly among ties, like JAX and autograd: at a tie the result is the average of
  the one-sided derivatives;
* where a derivative does not exist, the value astgrad gives is listed in
  docs/api.md ("Non-differentiable points"): ``abs`` at 0 gives 0, ``sqrt`` at 0
  gives inf, ``linalg.norm`` and ``std`` at 0 give 0; nothing is silently smoothed.

Template functions are named after their primitive; none of them calls a bare
builtin whose name a template here shadows (``sum``, ``max``, ...).
"""

import numpy

from ..runtime import (
    abs_slope, arange_index, broadcast_like, cast_like, clip_weight, concatenated_part, concatenated_spread,
    contract, det_cofactors, index_concatenate, inverse_or_zero,
    dot_adjoint_left, dot_adjoint_right, einsum_adjoint_spec, einsum_tangent_spec,
    inner_adjoint_left, inner_adjoint_right, inverse_axes, linspace_weights,
    matmul_adjoint_left, matmul_adjoint_right, method_axes, method_shape, norm_axis,
    operand_shape, prod_except, arange_has_stop, repeat_count, select_weight, stack_like, tie_weights,
    unbroadcast, unique_gather, unique_scatter, unconcatenate, unreduce, unstack, unstack_like, untrace,
)
from .registry import adjoint, d, non_differentiable, tangent

# LN2 = 0.6931471805599453 and LN10 = 2.302585092994046 are written out as literals:
# a NumPy scalar constant would promote float32 data to float64.

# ---------------------------------------------------------------------------------
# Elementwise functions of one argument
# ---------------------------------------------------------------------------------


@adjoint(numpy.sin)
def sin(y, x):
    d[x] = d[y] * numpy.cos(x)


@tangent(numpy.sin)
def sin(y, x):
    d[y] = d[x] * numpy.cos(x)


@adjoint(numpy.cos)
def cos(y, x):
    d[x] = -d[y] * numpy.sin(x)


@tangent(numpy.cos)
def cos(y, x):
    d[y] = -d[x] * numpy.sin(x)


@adjoint(numpy.tan)
def tan(y, x):
    d[x] = d[y] * (1.0 + y * y)


@tangent(numpy.tan)
def tan(y, x):
    d[y] = d[x] * (1.0 + y * y)


@adjoint(numpy.arcsin)
def arcsin(y, x):
    d[x] = d[y] / numpy.sqrt(1.0 - x * x)


@tangent(numpy.arcsin)
def arcsin(y, x):
    d[y] = d[x] / numpy.sqrt(1.0 - x * x)


@adjoint(numpy.arccos)
def arccos(y, x):
    d[x] = -d[y] / numpy.sqrt(1.0 - x * x)


@tangent(numpy.arccos)
def arccos(y, x):
    d[y] = -d[x] / numpy.sqrt(1.0 - x * x)


@adjoint(numpy.arctan)
def arctan(y, x):
    d[x] = d[y] / (1.0 + x * x)


@tangent(numpy.arctan)
def arctan(y, x):
    d[y] = d[x] / (1.0 + x * x)


@adjoint(numpy.sinh)
def sinh(y, x):
    d[x] = d[y] * numpy.cosh(x)


@tangent(numpy.sinh)
def sinh(y, x):
    d[y] = d[x] * numpy.cosh(x)


@adjoint(numpy.cosh)
def cosh(y, x):
    d[x] = d[y] * numpy.sinh(x)


@tangent(numpy.cosh)
def cosh(y, x):
    d[y] = d[x] * numpy.sinh(x)


@adjoint(numpy.tanh)
def tanh(y, x):
    d[x] = d[y] * (1.0 - y * y)


@tangent(numpy.tanh)
def tanh(y, x):
    d[y] = d[x] * (1.0 - y * y)


@adjoint(numpy.arcsinh)
def arcsinh(y, x):
    d[x] = d[y] / numpy.sqrt(x * x + 1.0)


@tangent(numpy.arcsinh)
def arcsinh(y, x):
    d[y] = d[x] / numpy.sqrt(x * x + 1.0)


@adjoint(numpy.arccosh)
def arccosh(y, x):
    d[x] = d[y] / numpy.sqrt(x * x - 1.0)


@tangent(numpy.arccosh)
def arccosh(y, x):
    d[y] = d[x] / numpy.sqrt(x * x - 1.0)


@adjoint(numpy.arctanh)
def arctanh(y, x):
    d[x] = d[y] / (1.0 - x * x)


@tangent(numpy.arctanh)
def arctanh(y, x):
    d[y] = d[x] / (1.0 - x * x)


@adjoint(numpy.exp)
def exp(y, x):
    d[x] = d[y] * y


@tangent(numpy.exp)
def exp(y, x):
    d[y] = d[x] * y


@adjoint(numpy.expm1)
def expm1(y, x):
    d[x] = d[y] * (y + 1.0)


@tangent(numpy.expm1)
def expm1(y, x):
    d[y] = d[x] * (y + 1.0)


@adjoint(numpy.exp2)
def exp2(y, x):
    d[x] = d[y] * y * 0.6931471805599453


@tangent(numpy.exp2)
def exp2(y, x):
    d[y] = d[x] * y * 0.6931471805599453


@adjoint(numpy.log)
def log(y, x):
    d[x] = d[y] / x


@tangent(numpy.log)
def log(y, x):
    d[y] = d[x] / x


@adjoint(numpy.log1p)
def log1p(y, x):
    d[x] = d[y] / (x + 1.0)


@tangent(numpy.log1p)
def log1p(y, x):
    d[y] = d[x] / (x + 1.0)


@adjoint(numpy.log2)
def log2(y, x):
    d[x] = d[y] / (x * 0.6931471805599453)


@tangent(numpy.log2)
def log2(y, x):
    d[y] = d[x] / (x * 0.6931471805599453)


@adjoint(numpy.log10)
def log10(y, x):
    d[x] = d[y] / (x * 2.302585092994046)


@tangent(numpy.log10)
def log10(y, x):
    d[y] = d[x] / (x * 2.302585092994046)


@adjoint(numpy.sqrt)
def sqrt(y, x):
    d[x] = d[y] / (2.0 * y)


@tangent(numpy.sqrt)
def sqrt(y, x):
    d[y] = d[x] / (2.0 * y)


@adjoint(numpy.cbrt)
def cbrt(y, x):
    d[x] = d[y] / (3.0 * y * y)


@tangent(numpy.cbrt)
def cbrt(y, x):
    d[y] = d[x] / (3.0 * y * y)


@adjoint(numpy.square)
def square(y, x):
    d[x] = 2.0 * x * d[y]


@tangent(numpy.square)
def square(y, x):
    d[y] = 2.0 * x * d[x]


# abs_slope(x) is sign(x) for real x and conj(x)/|x| for complex x (the tangent then
# takes the real part, a no-op on real values): see the numpy.fft rules.
@adjoint(numpy.absolute)            # numpy.abs is numpy.absolute
def absolute(y, x):
    d[x] = d[y] * abs_slope(x)


@tangent(numpy.absolute)
def absolute(y, x):
    d[y] = numpy.real(d[x] * abs_slope(x))


@adjoint(numpy.fabs)
def fabs(y, x):
    d[x] = d[y] * numpy.sign(x)


@tangent(numpy.fabs)
def fabs(y, x):
    d[y] = d[x] * numpy.sign(x)


@adjoint(numpy.negative)
def negative(y, x):
    d[x] = -d[y]


@tangent(numpy.negative)
def negative(y, x):
    d[y] = -d[x]


@adjoint(numpy.positive)
def positive(y, x):
    d[x] = d[y]


@tangent(numpy.positive)
def positive(y, x):
    d[y] = d[x]


@adjoint(numpy.reciprocal)
def reciprocal(y, x):
    d[x] = -d[y] * y * y


@tangent(numpy.reciprocal)
def reciprocal(y, x):
    d[y] = -d[x] * y * y


# ---------------------------------------------------------------------------------
# Elementwise functions of two arguments (broadcasting)
# ---------------------------------------------------------------------------------


@adjoint(numpy.add)
def add(z, x1, x2):
    d[x1] = unbroadcast(d[z], x1)
    d[x2] = unbroadcast(d[z], x2)


@tangent(numpy.add)
def add(z, x1, x2):
    d[z] = broadcast_like(d[x1], z)
    d[z] = broadcast_like(d[x2], z)


@adjoint(numpy.subtract)
def subtract(z, x1, x2):
    d[x1] = unbroadcast(d[z], x1)
    d[x2] = unbroadcast(-d[z], x2)


@tangent(numpy.subtract)
def subtract(z, x1, x2):
    d[z] = broadcast_like(d[x1], z)
    d[z] = broadcast_like(-d[x2], z)


@adjoint(numpy.multiply)
def multiply(z, x1, x2):
    d[x1] = unbroadcast(d[z] * x2, x1)
    d[x2] = unbroadcast(x1 * d[z], x2)


@tangent(numpy.multiply)
def multiply(z, x1, x2):
    d[z] = broadcast_like(d[x1] * x2, z)
    d[z] = broadcast_like(x1 * d[x2], z)


@adjoint(numpy.divide)              # numpy.true_divide is numpy.divide
def divide(z, x1, x2):
    d[x1] = unbroadcast(d[z] / x2, x1)
    d[x2] = unbroadcast(-d[z] * z / x2, x2)


@tangent(numpy.divide)
def divide(z, x1, x2):
    d[z] = broadcast_like(d[x1] / x2, z)
    d[z] = broadcast_like(-d[x2] * z / x2, z)


@adjoint(numpy.power)
def power(z, x1, x2):
    d[x1] = unbroadcast(d[z] * x2 * x1 ** (x2 - 1), x1)
    d[x2] = unbroadcast(d[z] * z * numpy.log(numpy.where(x1 > 0, x1, 1.0)), x2)


@tangent(numpy.power)
def power(z, x1, x2):
    d[z] = broadcast_like(d[x1] * x2 * x1 ** (x2 - 1), z)
    d[z] = broadcast_like(d[x2] * z * numpy.log(numpy.where(x1 > 0, x1, 1.0)), z)


@adjoint(numpy.arctan2)
def arctan2(z, x1, x2):
    d[x1] = unbroadcast(d[z] * x2 / (x1 * x1 + x2 * x2), x1)
    d[x2] = unbroadcast(-d[z] * x1 / (x1 * x1 + x2 * x2), x2)


@tangent(numpy.arctan2)
def arctan2(z, x1, x2):
    d[z] = broadcast_like(d[x1] * x2 / (x1 * x1 + x2 * x2), z)
    d[z] = broadcast_like(-d[x2] * x1 / (x1 * x1 + x2 * x2), z)


@adjoint(numpy.hypot)
def hypot(z, x1, x2):
    d[x1] = unbroadcast(d[z] * x1 / z, x1)
    d[x2] = unbroadcast(d[z] * x2 / z, x2)


@tangent(numpy.hypot)
def hypot(z, x1, x2):
    d[z] = broadcast_like(d[x1] * x1 / z, z)
    d[z] = broadcast_like(d[x2] * x2 / z, z)


# d logaddexp(x1, x2) / d x1 is the logistic function of x1 - x2, written as
# exp(t - logaddexp(t, 0)) with t = x1 - x2: it neither overflows nor loses precision
# when the inputs are large (x1 = 1000, x2 = 0 gives exactly 1 and 0; 1e6 and 1e6 + 3
# lose nothing to the size of the result), and it is smooth, so every order is exact.
# Where an input is infinite, t is infinite or NaN; there logaddexp is maximum, and so
# is its derivative: 1 to the larger input, 1/2 to each of two equal ones (-inf, -inf).
@adjoint(numpy.logaddexp)
def logaddexp(z, x1, x2):
    d[x1] = unbroadcast(d[z] * numpy.where(numpy.isfinite(x1 - x2), numpy.exp(
        x1 - x2 - numpy.logaddexp(x1 - x2, 0.0)), select_weight(x1, x2)), x1)
    d[x2] = unbroadcast(d[z] * numpy.where(numpy.isfinite(x2 - x1), numpy.exp(
        x2 - x1 - numpy.logaddexp(x2 - x1, 0.0)), select_weight(x2, x1)), x2)


@tangent(numpy.logaddexp)
def logaddexp(z, x1, x2):
    d[z] = broadcast_like(d[x1] * numpy.where(numpy.isfinite(x1 - x2), numpy.exp(
        x1 - x2 - numpy.logaddexp(x1 - x2, 0.0)), select_weight(x1, x2)), z)
    d[z] = broadcast_like(d[x2] * numpy.where(numpy.isfinite(x2 - x1), numpy.exp(
        x2 - x1 - numpy.logaddexp(x2 - x1, 0.0)), select_weight(x2, x1)), z)


# The same in base 2: d logaddexp2(x1, x2) / d x1 = 2 ** (t - logaddexp2(t, 0)).
@adjoint(numpy.logaddexp2)
def logaddexp2(z, x1, x2):
    d[x1] = unbroadcast(d[z] * numpy.where(numpy.isfinite(x1 - x2), numpy.exp2(
        x1 - x2 - numpy.logaddexp2(x1 - x2, 0.0)), select_weight(x1, x2)), x1)
    d[x2] = unbroadcast(d[z] * numpy.where(numpy.isfinite(x2 - x1), numpy.exp2(
        x2 - x1 - numpy.logaddexp2(x2 - x1, 0.0)), select_weight(x2, x1)), x2)


@tangent(numpy.logaddexp2)
def logaddexp2(z, x1, x2):
    d[z] = broadcast_like(d[x1] * numpy.where(numpy.isfinite(x1 - x2), numpy.exp2(
        x1 - x2 - numpy.logaddexp2(x1 - x2, 0.0)), select_weight(x1, x2)), z)
    d[z] = broadcast_like(d[x2] * numpy.where(numpy.isfinite(x2 - x1), numpy.exp2(
        x2 - x1 - numpy.logaddexp2(x2 - x1, 0.0)), select_weight(x2, x1)), z)


@adjoint(numpy.remainder)           # numpy.mod is numpy.remainder
def remainder(z, x1, x2):
    d[x1] = unbroadcast(d[z], x1)
    d[x2] = unbroadcast(-d[z] * numpy.floor_divide(x1, x2), x2)


@tangent(numpy.remainder)
def remainder(z, x1, x2):
    d[z] = broadcast_like(d[x1], z)
    d[z] = broadcast_like(-d[x2] * numpy.floor_divide(x1, x2), z)


@adjoint(numpy.maximum)
def maximum(z, x1, x2):
    d[x1] = unbroadcast(d[z] * select_weight(x1, x2), x1)
    d[x2] = unbroadcast(d[z] * select_weight(x2, x1), x2)


@tangent(numpy.maximum)
def maximum(z, x1, x2):
    d[z] = broadcast_like(d[x1] * select_weight(x1, x2), z)
    d[z] = broadcast_like(d[x2] * select_weight(x2, x1), z)


@adjoint(numpy.minimum)
def minimum(z, x1, x2):
    d[x1] = unbroadcast(d[z] * select_weight(x2, x1), x1)
    d[x2] = unbroadcast(d[z] * select_weight(x1, x2), x2)


@tangent(numpy.minimum)
def minimum(z, x1, x2):
    d[z] = broadcast_like(d[x1] * select_weight(x2, x1), z)
    d[z] = broadcast_like(d[x2] * select_weight(x1, x2), z)


@adjoint(numpy.where)
def where(z, condition, x, y):
    d[x] = unbroadcast(numpy.where(condition, d[z], 0.0), x)
    d[y] = unbroadcast(numpy.where(condition, 0.0, d[z]), y)


@tangent(numpy.where)
def where(z, condition, x, y):
    d[z] = broadcast_like(numpy.where(condition, d[x], 0.0), z)
    d[z] = broadcast_like(numpy.where(condition, 0.0, d[y]), z)


@adjoint(numpy.clip)
def clip(y, a, a_min=None, a_max=None):
    d[a] = unbroadcast(d[y] * clip_weight(a, a_min, a_max, 0), a)
    d[a_min] = unbroadcast(d[y] * clip_weight(a, a_min, a_max, 1), a_min)
    d[a_max] = unbroadcast(d[y] * clip_weight(a, a_min, a_max, 2), a_max)


@tangent(numpy.clip)
def clip(y, a, a_min=None, a_max=None):
    d[y] = broadcast_like(d[a] * clip_weight(a, a_min, a_max, 0), y)
    d[y] = broadcast_like(d[a_min] * clip_weight(a, a_min, a_max, 1), y)
    d[y] = broadcast_like(d[a_max] * clip_weight(a, a_min, a_max, 2), y)


# ---------------------------------------------------------------------------------
# Reductions
# ---------------------------------------------------------------------------------


@adjoint(numpy.sum)
def sum(y, a, axis=None, dtype=None, *, keepdims=False):
    d[a] = unreduce(d[y], a, axis, keepdims)


@tangent(numpy.sum)
def sum(y, a, axis=None, dtype=None, *, keepdims=False):
    d[y] = numpy.sum(d[a], axis=axis, keepdims=keepdims)


@adjoint(numpy.mean)
def mean(y, a, axis=None, dtype=None, *, keepdims=False):
    d[a] = unreduce(d[y] / repeat_count(a, axis), a, axis, keepdims)


@tangent(numpy.mean)
def mean(y, a, axis=None, dtype=None, *, keepdims=False):
    d[y] = numpy.mean(d[a], axis=axis, keepdims=keepdims)


@adjoint(numpy.prod)
def prod(y, a, axis=None, dtype=None, *, keepdims=False):
    d[a] = unreduce(d[y], a, axis, keepdims) * prod_except(a, axis)


@tangent(numpy.prod)
def prod(y, a, axis=None, dtype=None, *, keepdims=False):
    d[y] = numpy.sum(d[a] * prod_except(a, axis), axis=axis, keepdims=keepdims)


@adjoint(numpy.max)
def max(y, a, axis=None, *, keepdims=False):
    d[a] = unreduce(d[y], a, axis, keepdims) * tie_weights(a, y, axis, keepdims)


@tangent(numpy.max)
def max(y, a, axis=None, *, keepdims=False):
    d[y] = numpy.sum(d[a] * tie_weights(a, y, axis, keepdims), axis=axis, keepdims=keepdims)


@adjoint(numpy.min)
def min(y, a, axis=None, *, keepdims=False):
    d[a] = unreduce(d[y], a, axis, keepdims) * tie_weights(a, y, axis, keepdims)


@tangent(numpy.min)
def min(y, a, axis=None, *, keepdims=False):
    d[y] = numpy.sum(d[a] * tie_weights(a, y, axis, keepdims), axis=axis, keepdims=keepdims)


@adjoint(numpy.amax)
def amax(y, a, axis=None, *, keepdims=False):
    d[a] = unreduce(d[y], a, axis, keepdims) * tie_weights(a, y, axis, keepdims)


@tangent(numpy.amax)
def amax(y, a, axis=None, *, keepdims=False):
    d[y] = numpy.sum(d[a] * tie_weights(a, y, axis, keepdims), axis=axis, keepdims=keepdims)


@adjoint(numpy.amin)
def amin(y, a, axis=None, *, keepdims=False):
    d[a] = unreduce(d[y], a, axis, keepdims) * tie_weights(a, y, axis, keepdims)


@tangent(numpy.amin)
def amin(y, a, axis=None, *, keepdims=False):
    d[y] = numpy.sum(d[a] * tie_weights(a, y, axis, keepdims), axis=axis, keepdims=keepdims)


@adjoint(numpy.var)
def var(y, a, axis=None, dtype=None, *, ddof=0, keepdims=False):
    d[a] = unreduce(d[y], a, axis, keepdims) * (2.0 * (a - numpy.mean(a, axis=axis, keepdims=True))
                                                 / (repeat_count(a, axis) - ddof))


@tangent(numpy.var)
def var(y, a, axis=None, dtype=None, *, ddof=0, keepdims=False):
    d[y] = numpy.sum(d[a] * (a - numpy.mean(a, axis=axis, keepdims=True)), axis=axis,
                     keepdims=keepdims) * (2.0 / (repeat_count(a, axis) - ddof))


@adjoint(numpy.std)
def std(y, a, axis=None, dtype=None, *, ddof=0, keepdims=False):
    d[a] = unreduce(d[y] * inverse_or_zero(y), a, axis, keepdims) * (
        (a - numpy.mean(a, axis=axis, keepdims=True)) / (repeat_count(a, axis) - ddof))


@tangent(numpy.std)
def std(y, a, axis=None, dtype=None, *, ddof=0, keepdims=False):
    d[y] = numpy.sum(d[a] * (a - numpy.mean(a, axis=axis, keepdims=True)), axis=axis,
                     keepdims=keepdims) * inverse_or_zero(y) / (repeat_count(a, axis) - ddof)


@adjoint(numpy.cumsum)
def cumsum(y, a, axis=None, dtype=None):
    d[a] = numpy.reshape(numpy.flip(numpy.cumsum(numpy.flip(d[y], axis), axis), axis), numpy.shape(a))


@tangent(numpy.cumsum)
def cumsum(y, a, axis=None, dtype=None):
    d[y] = numpy.cumsum(d[a], axis)


# ---------------------------------------------------------------------------------
# Linear algebra
# ---------------------------------------------------------------------------------


@adjoint(numpy.matmul)
def matmul(z, x1, x2):
    d[x1] = matmul_adjoint_left(d[z], x1, x2)
    d[x2] = matmul_adjoint_right(d[z], x1, x2)


@tangent(numpy.matmul)
def matmul(z, x1, x2):
    d[z] = numpy.matmul(d[x1], x2)
    d[z] = numpy.matmul(x1, d[x2])


@adjoint(numpy.dot)
def dot(y, a, b):
    d[a] = dot_adjoint_left(d[y], a, b)
    d[b] = dot_adjoint_right(d[y], a, b)


@tangent(numpy.dot)
def dot(y, a, b):
    d[y] = numpy.dot(d[a], b)
    d[y] = numpy.dot(a, d[b])


@adjoint(numpy.inner)
def inner(y, a, b):
    d[a] = inner_adjoint_left(d[y], a, b)
    d[b] = inner_adjoint_right(d[y], a, b)


@tangent(numpy.inner)
def inner(y, a, b):
    d[y] = numpy.inner(d[a], b)
    d[y] = numpy.inner(a, d[b])


@adjoint(numpy.outer)
def outer(y, a, b):
    d[a] = numpy.reshape(numpy.dot(d[y], numpy.ravel(b)), numpy.shape(a))
    d[b] = numpy.reshape(numpy.dot(numpy.ravel(a), d[y]), numpy.shape(b))


@tangent(numpy.outer)
def outer(y, a, b):
    d[y] = numpy.outer(d[a], b)
    d[y] = numpy.outer(a, d[b])


# In the interleaved form einsum(a, [0, 1], b, [1, 2], [0, 2]) the first argument is
# an operand too: it has a derivative, and its spec slot is its labels.
@adjoint(numpy.einsum)
def einsum(y, subscripts, *operands, optimize=False):
    d[subscripts] = contract(einsum_adjoint_spec(subscripts, operands, -1), numpy.shape(subscripts),
                             d[y], subscripts, *operands)
    d[operands] = contract(einsum_adjoint_spec(subscripts, operands, argnum),
                           operand_shape(operands, argnum), d[y], subscripts, *operands)


@tangent(numpy.einsum)
def einsum(y, subscripts, *operands, optimize=False):
    d[y] = contract(einsum_tangent_spec(subscripts, operands, -1), numpy.shape(y),
                    d[subscripts], subscripts, *operands)
    d[y] = contract(einsum_tangent_spec(subscripts, operands, argnum), numpy.shape(y),
                    d[operands], subscripts, *operands)


@adjoint(numpy.trace)
def trace(y, a, offset=0, axis1=0, axis2=1, dtype=None):
    d[a] = untrace(d[y], a, offset, axis1, axis2)


@tangent(numpy.trace)
def trace(y, a, offset=0, axis1=0, axis2=1, dtype=None):
    d[y] = numpy.trace(d[a], offset, axis1, axis2)


@adjoint(numpy.linalg.inv)
def inv(y, a):
    d[a] = -numpy.matmul(numpy.swapaxes(y, -1, -2), numpy.matmul(d[y], numpy.swapaxes(y, -1, -2)))


@tangent(numpy.linalg.inv)
def inv(y, a):
    d[y] = -numpy.matmul(y, numpy.matmul(d[a], y))


# The derivative of det is the cofactor matrix (det(a) * inv(a).T where a is invertible),
# computed so that it stays finite and exact at singular matrices too.
@adjoint(numpy.linalg.det)
def det(y, a):
    d[a] = numpy.expand_dims(d[y], (-2, -1)) * det_cofactors(a)


@tangent(numpy.linalg.det)
def det(y, a):
    d[y] = numpy.sum(det_cofactors(a) * d[a], axis=(-2, -1))


@adjoint(numpy.linalg.solve)
def solve(x, a, b):
    d[a] = -matmul_adjoint_left(numpy.linalg.solve(numpy.swapaxes(a, -1, -2), d[x]), a, x)
    d[b] = numpy.linalg.solve(numpy.swapaxes(a, -1, -2), d[x])


@tangent(numpy.linalg.solve)
def solve(x, a, b):
    d[x] = -numpy.linalg.solve(a, numpy.matmul(d[a], x))
    d[x] = numpy.linalg.solve(a, d[b])


# At a zero norm (or std) the derivative does not exist; inverse_or_zero gives 0 there.
@adjoint(numpy.linalg.norm)
def norm(y, x, ord=None, axis=None, keepdims=False):
    d[x] = unreduce(d[y] * inverse_or_zero(y), x, norm_axis(x, ord, axis), keepdims) * x


@tangent(numpy.linalg.norm)
def norm(y, x, ord=None, axis=None, keepdims=False):
    d[y] = numpy.sum(x * d[x], axis=norm_axis(x, ord, axis), keepdims=keepdims) * inverse_or_zero(y)


# ---------------------------------------------------------------------------------
# Shapes
# ---------------------------------------------------------------------------------


@adjoint(numpy.reshape)
def reshape(y, a, shape=None, order="C"):
    d[a] = numpy.reshape(d[y], numpy.shape(a), order=order)


@tangent(numpy.reshape)
def reshape(y, a, shape=None, order="C"):
    d[y] = numpy.reshape(d[a], numpy.shape(y), order=order)


@adjoint(numpy.ravel)
def ravel(y, a, order="C"):
    d[a] = numpy.reshape(d[y], numpy.shape(a), order=order)


@tangent(numpy.ravel)
def ravel(y, a, order="C"):
    d[y] = numpy.ravel(d[a], order=order)


@adjoint(numpy.transpose)
def transpose(y, a, axes=None):
    d[a] = numpy.transpose(d[y], inverse_axes(axes, a))


@tangent(numpy.transpose)
def transpose(y, a, axes=None):
    d[y] = numpy.transpose(d[a], axes)


@adjoint(numpy.swapaxes)
def swapaxes(y, a, axis1, axis2):
    d[a] = numpy.swapaxes(d[y], axis1, axis2)


@tangent(numpy.swapaxes)
def swapaxes(y, a, axis1, axis2):
    d[y] = numpy.swapaxes(d[a], axis1, axis2)


@adjoint(numpy.moveaxis)
def moveaxis(y, a, source, destination):
    d[a] = numpy.moveaxis(d[y], destination, source)


@tangent(numpy.moveaxis)
def moveaxis(y, a, source, destination):
    d[y] = numpy.moveaxis(d[a], source, destination)


@adjoint(numpy.expand_dims)
def expand_dims(y, a, axis):
    d[a] = numpy.reshape(d[y], numpy.shape(a))


@tangent(numpy.expand_dims)
def expand_dims(y, a, axis):
    d[y] = numpy.reshape(d[a], numpy.shape(y))


@adjoint(numpy.squeeze)
def squeeze(y, a, axis=None):
    d[a] = numpy.reshape(d[y], numpy.shape(a))


@tangent(numpy.squeeze)
def squeeze(y, a, axis=None):
    d[y] = numpy.reshape(d[a], numpy.shape(y))


@adjoint(numpy.broadcast_to)
def broadcast_to(y, array, shape, subok=False):
    d[array] = unbroadcast(d[y], array)


@tangent(numpy.broadcast_to)
def broadcast_to(y, array, shape, subok=False):
    d[y] = broadcast_like(d[array], y)


@adjoint(numpy.flip)
def flip(y, m, axis=None):
    d[m] = numpy.flip(d[y], axis)


@tangent(numpy.flip)
def flip(y, m, axis=None):
    d[y] = numpy.flip(d[m], axis)


@adjoint(numpy.concatenate)
def concatenate(y, arrays, axis=0):
    d[arrays] = unconcatenate(d[y], arrays, axis)


@tangent(numpy.concatenate)
def concatenate(y, arrays, axis=0):
    d[y] = numpy.concatenate(d[arrays], axis=axis)


# numpy.r_[a, 0:3, b] and numpy.c_[...]: each item's elements land somewhere in the
# result; slices and directive strings are constants.
@adjoint(index_concatenate)
def index_concatenate_(y, concatenator, *items):
    d[items] = concatenated_part(d[y], concatenator, items, argnum)


@tangent(index_concatenate)
def index_concatenate_(y, concatenator, *items):
    d[y] = concatenated_spread(d[items], concatenator, items, argnum)


@adjoint(numpy.stack)
def stack(y, arrays, axis=0):
    d[arrays] = unstack(d[y], arrays, axis)


@tangent(numpy.stack)
def stack(y, arrays, axis=0):
    d[y] = numpy.stack(d[arrays], axis=axis)


# ---------------------------------------------------------------------------------
# Constructors and conversions
# ---------------------------------------------------------------------------------


@adjoint(numpy.array)
def array(y, object, dtype=None, *, copy=True, order="K", ndmin=0):
    d[object] = unstack_like(d[y], object, dtype)


@tangent(numpy.array)
def array(y, object, dtype=None, *, copy=True, order="K", ndmin=0):
    d[y] = stack_like(d[object], y, dtype)


@adjoint(numpy.asarray)
def asarray(y, a, dtype=None, order=None):
    d[a] = unstack_like(d[y], a, dtype)


@tangent(numpy.asarray)
def asarray(y, a, dtype=None, order=None):
    d[y] = stack_like(d[a], y, dtype)


@adjoint(numpy.full)
def full(y, shape, fill_value, dtype=None, order="C"):
    d[fill_value] = cast_like(unbroadcast(d[y], fill_value), fill_value, dtype)


@tangent(numpy.full)
def full(y, shape, fill_value, dtype=None, order="C"):
    d[y] = broadcast_like(cast_like(d[fill_value], fill_value, dtype), y)


@adjoint(numpy.full_like)
def full_like(y, a, fill_value, dtype=None):
    d[fill_value] = cast_like(unbroadcast(d[y], fill_value), fill_value, dtype)


@tangent(numpy.full_like)
def full_like(y, a, fill_value, dtype=None):
    d[y] = broadcast_like(cast_like(d[fill_value], fill_value, dtype), y)


# retstep (numpy's fifth parameter, which makes the result a tuple) is left out, so a
# call that passes it is refused.
@adjoint(numpy.linspace)
def linspace(y, start, stop, num=50, endpoint=True, *, dtype=None, axis=0):
    d[start] = unbroadcast(d[y] * (1.0 - linspace_weights(start, stop, num, endpoint, axis)), start)
    d[stop] = unbroadcast(d[y] * linspace_weights(start, stop, num, endpoint, axis), stop)


@tangent(numpy.linspace)
def linspace(y, start, stop, num=50, endpoint=True, *, dtype=None, axis=0):
    d[y] = broadcast_like(d[start] * (1.0 - linspace_weights(start, stop, num, endpoint, axis)), y)
    d[y] = broadcast_like(d[stop] * linspace_weights(start, stop, num, endpoint, axis), y)


@adjoint(numpy.arange)
def arange(y, start, stop=None, step=None, dtype=None):
    d[start] = numpy.sum(d[y]) * arange_has_stop(stop)
    d[step] = numpy.sum(d[y] * arange_index(y))


@tangent(numpy.arange)
def arange(y, start, stop=None, step=None, dtype=None):
    d[y] = broadcast_like(d[start] * arange_has_stop(stop), y)
    d[y] = d[step] * arange_index(y)


@adjoint(numpy.float64)
def float64(y, x=0.0):
    d[x] = cast_like(d[y], x)


@tangent(numpy.float64)
def float64(y, x=0.0):
    d[y] = cast_like(d[x], y)


@adjoint(numpy.float32)
def float32(y, x=0.0):
    d[x] = cast_like(d[y], x)


@tangent(numpy.float32)
def float32(y, x=0.0):
    d[y] = cast_like(d[x], y)


@adjoint(numpy.copy)
def copy(y, a, order="K"):
    d[a] = d[y]


@tangent(numpy.copy)
def copy(y, a, order="K"):
    d[y] = d[a]


# heaviside(x1, x2) is 0 or 1 except where x1 == 0, where it is x2.
@adjoint(numpy.heaviside)
def heaviside(y, x1, x2):
    d[x2] = unbroadcast(numpy.where(numpy.equal(x1, 0.0), d[y], 0.0), x2)


@tangent(numpy.heaviside)
def heaviside(y, x1, x2):
    d[y] = broadcast_like(numpy.where(numpy.equal(x1, 0.0), d[x2], 0.0), y)


# numpy.unique: each distinct value is one element of ar (its first occurrence, as
# return_index says); the index, inverse and count outputs carry no derivative.
@adjoint(numpy.unique)
def unique(y, ar, return_index=False, return_inverse=False, return_counts=False, axis=None, *,
           equal_nan=True):
    d[ar] = unique_scatter(d[y], ar, y, axis)


@tangent(numpy.unique)
def unique(y, ar, return_index=False, return_inverse=False, return_counts=False, axis=None, *,
           equal_nan=True):
    d[y] = unique_gather(d[ar], ar, y, axis)


non_differentiable(
    numpy.zeros, numpy.ones, numpy.empty, numpy.eye, numpy.identity, numpy.zeros_like,
    numpy.ones_like, numpy.empty_like, numpy.indices, numpy.tri,
    numpy.shape, numpy.ndim, numpy.size, numpy.result_type, numpy.dtype,
    numpy.argmax, numpy.argmin, numpy.argsort, numpy.argwhere, numpy.nonzero,
    numpy.flatnonzero, numpy.count_nonzero, numpy.searchsorted,
    numpy.floor, numpy.ceil, numpy.trunc, numpy.rint, numpy.round, numpy.around,
    numpy.fix, numpy.sign, numpy.floor_divide,
    numpy.isnan, numpy.isinf, numpy.isfinite, numpy.isclose, numpy.allclose,
    numpy.array_equal, numpy.any, numpy.all, numpy.signbit,
    numpy.equal, numpy.not_equal, numpy.less, numpy.less_equal, numpy.greater,
    numpy.greater_equal, numpy.logical_and, numpy.logical_or, numpy.logical_not,
    numpy.logical_xor, numpy.broadcast_shapes,
)


# ---------------------------------------------------------------------------------
# ndarray methods and attributes (matched by name: ``x.sum(...)``, ``x.T``)
# ---------------------------------------------------------------------------------


@adjoint(numpy.ndarray.sum)
def sum_method(y, self, axis=None, dtype=None, *, keepdims=False):
    d[self] = unreduce(d[y], self, axis, keepdims)


@tangent(numpy.ndarray.sum)
def sum_method(y, self, axis=None, dtype=None, *, keepdims=False):
    d[y] = numpy.sum(d[self], axis=axis, keepdims=keepdims)


@adjoint(numpy.ndarray.mean)
def mean_method(y, self, axis=None, dtype=None, *, keepdims=False):
    d[self] = unreduce(d[y] / repeat_count(self, axis), self, axis, keepdims)


@tangent(numpy.ndarray.mean)
def mean_method(y, self, axis=None, dtype=None, *, keepdims=False):
    d[y] = numpy.mean(d[self], axis=axis, keepdims=keepdims)


@adjoint(numpy.ndarray.prod)
def prod_method(y, self, axis=None, dtype=None, *, keepdims=False):
    d[self] = unreduce(d[y], self, axis, keepdims) * prod_except(self, axis)


@tangent(numpy.ndarray.prod)
def prod_method(y, self, axis=None, dtype=None, *, keepdims=False):
    d[y] = numpy.sum(d[self] * prod_except(self, axis), axis=axis, keepdims=keepdims)


@adjoint(numpy.ndarray.max)
def max_method(y, self, axis=None, *, keepdims=False):
    d[self] = unreduce(d[y], self, axis, keepdims) * tie_weights(self, y, axis, keepdims)


@tangent(numpy.ndarray.max)
def max_method(y, self, axis=None, *, keepdims=False):
    d[y] = numpy.sum(d[self] * tie_weights(self, y, axis, keepdims), axis=axis, keepdims=keepdims)


@adjoint(numpy.ndarray.min)
def min_method(y, self, axis=None, *, keepdims=False):
    d[self] = unreduce(d[y], self, axis, keepdims) * tie_weights(self, y, axis, keepdims)


@tangent(numpy.ndarray.min)
def min_method(y, self, axis=None, *, keepdims=False):
    d[y] = numpy.sum(d[self] * tie_weights(self, y, axis, keepdims), axis=axis, keepdims=keepdims)


@adjoint(numpy.ndarray.var)
def var_method(y, self, axis=None, dtype=None, *, ddof=0, keepdims=False):
    d[self] = unreduce(d[y], self, axis, keepdims) * (
        2.0 * (self - numpy.mean(self, axis=axis, keepdims=True)) / (repeat_count(self, axis) - ddof))


@tangent(numpy.ndarray.var)
def var_method(y, self, axis=None, dtype=None, *, ddof=0, keepdims=False):
    d[y] = numpy.sum(d[self] * (self - numpy.mean(self, axis=axis, keepdims=True)), axis=axis,
                     keepdims=keepdims) * (2.0 / (repeat_count(self, axis) - ddof))


@adjoint(numpy.ndarray.std)
def std_method(y, self, axis=None, dtype=None, *, ddof=0, keepdims=False):
    d[self] = unreduce(d[y] * inverse_or_zero(y), self, axis, keepdims) * (
        (self - numpy.mean(self, axis=axis, keepdims=True)) / (repeat_count(self, axis) - ddof))


@tangent(numpy.ndarray.std)
def std_method(y, self, axis=None, dtype=None, *, ddof=0, keepdims=False):
    d[y] = numpy.sum(d[self] * (self - numpy.mean(self, axis=axis, keepdims=True)), axis=axis,
                     keepdims=keepdims) * inverse_or_zero(y) / (repeat_count(self, axis) - ddof)


@adjoint(numpy.ndarray.cumsum)
def cumsum_method(y, self, axis=None, dtype=None):
    d[self] = numpy.reshape(numpy.flip(numpy.cumsum(numpy.flip(d[y], axis), axis), axis),
                            numpy.shape(self))


@tangent(numpy.ndarray.cumsum)
def cumsum_method(y, self, axis=None, dtype=None):
    d[y] = numpy.cumsum(d[self], axis)


@adjoint(numpy.ndarray.reshape)
def reshape_method(y, self, *shape, order="C"):
    d[self] = numpy.reshape(d[y], numpy.shape(self), order=order)


@tangent(numpy.ndarray.reshape)
def reshape_method(y, self, *shape, order="C"):
    d[y] = numpy.reshape(d[self], method_shape(shape), order=order)


@adjoint(numpy.ndarray.transpose)
def transpose_method(y, self, *axes):
    d[self] = numpy.transpose(d[y], inverse_axes(method_axes(axes), self))


@tangent(numpy.ndarray.transpose)
def transpose_method(y, self, *axes):
    d[y] = numpy.transpose(d[self], method_axes(axes))


@adjoint(numpy.ndarray.T)
def T(y, self):
    d[self] = numpy.transpose(d[y])


@tangent(numpy.ndarray.T)
def T(y, self):
    d[y] = numpy.transpose(d[self])


@adjoint(numpy.ndarray.dot)
def dot_method(y, self, b):
    d[self] = dot_adjoint_left(d[y], self, b)
    d[b] = dot_adjoint_right(d[y], self, b)


@tangent(numpy.ndarray.dot)
def dot_method(y, self, b):
    d[y] = numpy.dot(d[self], b)
    d[y] = numpy.dot(self, d[b])


@adjoint(numpy.ndarray.trace)
def trace_method(y, self, offset=0, axis1=0, axis2=1, dtype=None):
    d[self] = untrace(d[y], self, offset, axis1, axis2)


@tangent(numpy.ndarray.trace)
def trace_method(y, self, offset=0, axis1=0, axis2=1, dtype=None):
    d[y] = numpy.trace(d[self], offset, axis1, axis2)


@adjoint(numpy.ndarray.ravel)
def ravel_method(y, self, order="C"):
    d[self] = numpy.reshape(d[y], numpy.shape(self), order=order)


@tangent(numpy.ndarray.ravel)
def ravel_method(y, self, order="C"):
    d[y] = numpy.ravel(d[self], order=order)


@adjoint(numpy.ndarray.flatten)
def flatten_method(y, self, order="C"):
    d[self] = numpy.reshape(d[y], numpy.shape(self), order=order)


@tangent(numpy.ndarray.flatten)
def flatten_method(y, self, order="C"):
    d[y] = numpy.ravel(d[self], order=order)


@adjoint(numpy.ndarray.squeeze)
def squeeze_method(y, self, axis=None):
    d[self] = numpy.reshape(d[y], numpy.shape(self))


@tangent(numpy.ndarray.squeeze)
def squeeze_method(y, self, axis=None):
    d[y] = numpy.reshape(d[self], numpy.shape(y))


@adjoint(numpy.ndarray.swapaxes)
def swapaxes_method(y, self, axis1, axis2):
    d[self] = numpy.swapaxes(d[y], axis1, axis2)


@tangent(numpy.ndarray.swapaxes)
def swapaxes_method(y, self, axis1, axis2):
    d[y] = numpy.swapaxes(d[self], axis1, axis2)


@adjoint(numpy.ndarray.copy)
def copy_method(y, self, order="C"):
    d[self] = d[y]


@tangent(numpy.ndarray.copy)
def copy_method(y, self, order="C"):
    d[y] = d[self]


@adjoint(numpy.ndarray.astype)
def astype_method(y, self, dtype, order="K", casting="unsafe", subok=True, copy=True):
    d[self] = cast_like(d[y], self, dtype)


@tangent(numpy.ndarray.astype)
def astype_method(y, self, dtype, order="K", casting="unsafe", subok=True, copy=True):
    d[y] = cast_like(d[self], y, dtype)


@adjoint(numpy.ndarray.clip)
def clip_method(y, self, min=None, max=None):
    d[self] = unbroadcast(d[y] * clip_weight(self, min, max, 0), self)
    d[min] = unbroadcast(d[y] * clip_weight(self, min, max, 1), min)
    d[max] = unbroadcast(d[y] * clip_weight(self, min, max, 2), max)


@tangent(numpy.ndarray.clip)
def clip_method(y, self, min=None, max=None):
    d[y] = broadcast_like(d[self] * clip_weight(self, min, max, 0), y)
    d[y] = broadcast_like(d[min] * clip_weight(self, min, max, 1), y)
    d[y] = broadcast_like(d[max] * clip_weight(self, min, max, 2), y)


non_differentiable(
    numpy.ndarray.round, numpy.ndarray.searchsorted,
    numpy.ndarray.shape, numpy.ndarray.ndim, numpy.ndarray.size, numpy.ndarray.dtype,
    numpy.ndarray.itemsize, numpy.ndarray.nbytes, numpy.ndarray.argmax, numpy.ndarray.argmin,
    numpy.ndarray.argsort, numpy.ndarray.nonzero, numpy.ndarray.any, numpy.ndarray.all,
)
