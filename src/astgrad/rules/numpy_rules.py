"""Derivatives of NumPy functions and ndarray methods.

Elementwise functions are declared by their partial derivatives and linear ones by
their transpose (``declare.py`` generates the templates); the rest have an adjoint
(reverse) and a tangent (forward) template, see ``registry.py``. Where ``math`` has
the same function, it shares the declaration. Conventions used throughout:

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

import builtins
import math
import operator

import numpy

from ..runtime import (
    abs_slope, angle_slope, arange_index, arange_has_stop, bessel_i, broadcast_like, cast_like, clip_weight, concatenated_part,
    concatenated_spread, in_result, index_concatenate, inverse_axes, linspace_weights, method_axes, method_shape, positive_base,
    initial_weight, prod_except, repeat_count, select_weight, stack_like, tie_weights, unbroadcast, unique_gather,
    unique_scatter, unconcatenate, unreduce, unstack, unstack_like,
)
from .declare import elementwise, linear
from .registry import FRESH, VIEW, adjoint, d, declare, non_differentiable, tangent

# LN2 = 0.6931471805599453 and LN10 = 2.302585092994046 are written out as literals:
# a NumPy scalar constant would promote float32 data to float64.

# ---------------------------------------------------------------------------------
# Elementwise functions of one argument: the derivative dy/dx
# ---------------------------------------------------------------------------------

elementwise((numpy.sin, math.sin), lambda y, x: numpy.cos(x))
elementwise((numpy.cos, math.cos), lambda y, x: -numpy.sin(x))
elementwise((numpy.tan, math.tan), lambda y, x: 1.0 + y * y)
elementwise((numpy.arcsin, math.asin), lambda y, x: 1.0 / numpy.sqrt(1.0 - x * x))
elementwise((numpy.arccos, math.acos), lambda y, x: -1.0 / numpy.sqrt(1.0 - x * x))
elementwise((numpy.arctan, math.atan), lambda y, x: 1.0 / (1.0 + x * x))
elementwise((numpy.sinh, math.sinh), lambda y, x: numpy.cosh(x))
elementwise((numpy.cosh, math.cosh), lambda y, x: numpy.sinh(x))
elementwise((numpy.tanh, math.tanh), lambda y, x: 1.0 - y * y)
elementwise((numpy.arcsinh, math.asinh), lambda y, x: 1.0 / numpy.sqrt(x * x + 1.0))
# sqrt(x - 1) * sqrt(x + 1), not sqrt(x * x - 1): the same for real x, and the branch of
# numpy.arccosh for a complex x (the other has the wrong sign where Re x < 0)
elementwise((numpy.arccosh, math.acosh), lambda y, x: 1.0 / (numpy.sqrt(x - 1.0) * numpy.sqrt(x + 1.0)))
elementwise((numpy.arctanh, math.atanh), lambda y, x: 1.0 / (1.0 - x * x))
elementwise((numpy.exp, math.exp), lambda y, x: y)
elementwise((numpy.expm1, math.expm1), lambda y, x: y + 1.0)
elementwise(numpy.exp2, lambda y, x: y * 0.6931471805599453)
elementwise(numpy.log, lambda y, x: 1.0 / x)
elementwise((numpy.log1p, math.log1p), lambda y, x: 1.0 / (x + 1.0))
elementwise((numpy.log2, math.log2), lambda y, x: 1.0 / (x * 0.6931471805599453))
elementwise((numpy.log10, math.log10), lambda y, x: 1.0 / (x * 2.302585092994046))
elementwise((numpy.sqrt, math.sqrt), lambda y, x: 1.0 / (2.0 * y))
elementwise(numpy.cbrt, lambda y, x: 1.0 / (3.0 * y * y))
elementwise(numpy.square, lambda y, x: 2.0 * x)
elementwise((numpy.fabs, math.fabs), lambda y, x: numpy.sign(x))
elementwise((numpy.negative, operator.neg), lambda y, x: -1.0)
elementwise((numpy.positive, operator.pos), lambda y, x: 1.0)
elementwise(numpy.reciprocal, lambda y, x: -y * y)
elementwise((numpy.deg2rad, numpy.radians, math.radians), lambda y, x: 0.017453292519943295)
elementwise((numpy.rad2deg, numpy.degrees, math.degrees), lambda y, x: 57.29577951308232)
elementwise(numpy.conjugate, lambda y, x: 1.0,        # numpy.conj is numpy.conjugate; real input
            methods=(numpy.ndarray.conjugate, numpy.ndarray.conj))
elementwise(numpy.real, lambda y, val: 1.0, methods=(numpy.ndarray.real,), result=VIEW)     # real input
elementwise(numpy.i0, lambda y, x: bessel_i(1, x))
# sinc(x) = sin(pi x) / (pi x); near 0 its derivative is a Taylor polynomial, so that
# every order stays exact there (sinc'(0) = 0, sinc''(0) = -pi**2 / 3).
elementwise(numpy.sinc, lambda y, x: numpy.where(
    numpy.less(numpy.absolute(x), 0.002), x * (x * x * 3.2469697011334144 - 3.289868133696453),
    (numpy.cos(3.141592653589793 * x) - y) / numpy.where(numpy.equal(x, 0.0), 1.0, x)))
# nan_to_num: 1 where x is finite; nan, posinf and neginf take the derivative where
# they were put in (posinf and neginf default to the largest finite numbers). The
# partials are masks: float32 times a mask stays float32.
elementwise(
    numpy.nan_to_num, lambda y, x, copy=True, nan=0.0, posinf=None, neginf=None: numpy.isfinite(x),
    nan=lambda y, x, copy=True, nan=0.0, posinf=None, neginf=None: numpy.isnan(x),
    posinf=lambda y, x, copy=True, nan=0.0, posinf=None, neginf=None: numpy.isposinf(x),
    neginf=lambda y, x, copy=True, nan=0.0, posinf=None, neginf=None: numpy.isneginf(x),
    broadcast=True, result=FRESH)
if hasattr(math, "cbrt"):       # Python 3.11, with math.exp2
    elementwise(math.cbrt, lambda y, x: 1.0 / (3.0 * y * y))
    elementwise(math.exp2, lambda y, x: y * 0.6931471805599453)

# ---------------------------------------------------------------------------------
# Elementwise functions of two arguments (broadcasting): one partial per argument
# ---------------------------------------------------------------------------------

elementwise((numpy.add, operator.add), lambda z, x1, x2: 1.0, lambda z, x1, x2: 1.0)
elementwise((numpy.subtract, operator.sub), lambda z, x1, x2: 1.0, lambda z, x1, x2: -1.0)
elementwise((numpy.multiply, operator.mul), lambda z, x1, x2: x2, lambda z, x1, x2: x1)
elementwise((numpy.divide, operator.truediv),           # numpy.true_divide is numpy.divide
            lambda z, x1, x2: 1.0 / x2, lambda z, x1, x2: -z / x2)
# the builtin pow(x, y) is x ** y (pow(x, y, mod) is refused: its rule takes two arguments)
elementwise((operator.pow, math.pow, builtins.pow),
            lambda z, x1, x2: x2 * x1 ** (x2 - 1),
            lambda z, x1, x2: z * numpy.log(positive_base(x1, z)))
# numpy.power of a negative Python float to a fractional power is NaN, where Python's **
# is complex: its partial takes the power as numpy.power does.
elementwise(numpy.power,
            lambda z, x1, x2: x2 * numpy.power(x1, x2 - 1),
            lambda z, x1, x2: z * numpy.log(positive_base(x1, z)))
elementwise(numpy.float_power,
            lambda z, x1, x2: x2 * numpy.float_power(x1, x2 - 1.0),
            lambda z, x1, x2: z * numpy.log(positive_base(x1, z)))
elementwise((numpy.arctan2, math.atan2),
            lambda z, x1, x2: x2 / numpy.hypot(x1, x2) ** 2, lambda z, x1, x2: -x1 / numpy.hypot(x1, x2) ** 2)
elementwise(numpy.hypot, lambda z, x1, x2: x1 / z, lambda z, x1, x2: x2 / z)     # math.hypot: math_rules.py
# x % y = x - floor(x / y) * y, and floor is locally constant; fmod truncates instead.
elementwise((numpy.remainder, operator.mod),            # numpy.mod is numpy.remainder
            lambda z, x1, x2: 1.0, lambda z, x1, x2: -numpy.floor_divide(x1, x2))
# divmod(x1, x2) = (x1 // x2, x1 % x2): the quotient is locally constant, the remainder
# is remainder's
for _divmod in (numpy.divmod, builtins.divmod):
    @adjoint(_divmod)
    def divmod_(y, x1, x2):
        d[x1] = unbroadcast(d[y][1], x1)
        d[x2] = unbroadcast(-d[y][1] * y[0], x2)

    @tangent(_divmod)
    def divmod_(y, x1, x2):
        d[y] = in_result(broadcast_like(d[x1], y[1]), y, 1)
        d[y] = in_result(broadcast_like(-d[x2] * y[0], y[1]), y, 1)

declare(numpy.divmod, builtins.divmod, result=FRESH)
# modf(x) = (x - trunc(x), trunc(x)): the fractional part follows x, the integer part
# is locally constant
for _modf in (numpy.modf, math.modf):
    @adjoint(_modf)
    def modf(y, x):
        d[x] = d[y][0]

    @tangent(_modf)
    def modf(y, x):
        d[y] = in_result(d[x], y, 0)


# frexp(x) = (m, e) with x = m * 2 ** e and e an integer (locally constant): dm/dx = 2 ** -e,
# applied by ldexp (exact, and 2 ** -e alone overflows for the subnormal x)
for _frexp in (numpy.frexp, math.frexp):
    @adjoint(_frexp)
    def frexp(y, x):
        d[x] = numpy.ldexp(d[y][0], -y[1])

    @tangent(_frexp)
    def frexp(y, x):
        d[y] = in_result(numpy.ldexp(d[x], -y[1]), y, 0)

declare(numpy.modf, math.modf, numpy.frexp, math.frexp, result=FRESH)
# fmod(x1, x2) = x1 - n * x2 with n = trunc(x1 / x2), and math.remainder the same with n
# the nearest integer (ties to even): n is locally constant, and (x1 - z) / x2 is n.
elementwise((numpy.fmod, math.fmod, math.remainder),
            lambda z, x1, x2: 1.0, lambda z, x1, x2: -numpy.rint((x1 - z) / x2))
# nextafter(x1, x2) is x1 moved one step of its float grid toward x2: it follows x1; x2
# only chooses the direction (at x1 == x2 it returns x2, which is x1). math.nextafter:
# math_rules.py (it takes steps=)
elementwise(numpy.nextafter, lambda z, x1, x2: 1.0, None)
# ldexp(x1, x2) = x1 * 2 ** x2, x2 an integer array (no derivative).
elementwise((numpy.ldexp, math.ldexp), lambda z, x1, x2: numpy.ldexp(numpy.ones_like(x1), x2), None)
# copysign(x1, x2) = |x1| with the sign of x2: the sign of x2 is locally constant.
elementwise((numpy.copysign, math.copysign), lambda z, x1, x2: numpy.sign(x1) * numpy.sign(z), None)
elementwise(numpy.maximum, lambda z, x1, x2: select_weight(x1, x2), lambda z, x1, x2: select_weight(x2, x1))
elementwise(numpy.minimum, lambda z, x1, x2: select_weight(x2, x1), lambda z, x1, x2: select_weight(x1, x2))
# fmax and fmin ignore a NaN: the other argument gets the whole derivative.
elementwise(numpy.fmax,
            lambda z, x1, x2: numpy.where(numpy.isnan(x2), 1.0, select_weight(x1, x2)),
            lambda z, x1, x2: numpy.where(numpy.isnan(x1), 1.0, select_weight(x2, x1)))
elementwise(numpy.fmin,
            lambda z, x1, x2: numpy.where(numpy.isnan(x2), 1.0, select_weight(x2, x1)),
            lambda z, x1, x2: numpy.where(numpy.isnan(x1), 1.0, select_weight(x1, x2)))

# d logaddexp(x1, x2) / d x1 is the logistic function of x1 - x2, written as
# exp(t - logaddexp(t, 0)) with t = x1 - x2: it neither overflows nor loses precision
# when the inputs are large (x1 = 1000, x2 = 0 gives exactly 1 and 0; 1e6 and 1e6 + 3
# lose nothing to the size of the result), and it is smooth, so every order is exact.
# Where an input is infinite, t is infinite or NaN; there logaddexp is maximum, and so
# is its derivative: 1 to the larger input, 1/2 to each of two equal ones (-inf, -inf).
elementwise(
    numpy.logaddexp,
    lambda z, x1, x2: numpy.where(numpy.isfinite(x1 - x2), numpy.exp(
        x1 - x2 - numpy.logaddexp(x1 - x2, 0.0)), select_weight(x1, x2)),
    lambda z, x1, x2: numpy.where(numpy.isfinite(x2 - x1), numpy.exp(
        x2 - x1 - numpy.logaddexp(x2 - x1, 0.0)), select_weight(x2, x1)))
# The same in base 2: d logaddexp2(x1, x2) / d x1 = 2 ** (t - logaddexp2(t, 0)).
elementwise(
    numpy.logaddexp2,
    lambda z, x1, x2: numpy.where(numpy.isfinite(x1 - x2), numpy.exp2(
        x1 - x2 - numpy.logaddexp2(x1 - x2, 0.0)), select_weight(x1, x2)),
    lambda z, x1, x2: numpy.where(numpy.isfinite(x2 - x1), numpy.exp2(
        x2 - x1 - numpy.logaddexp2(x2 - x1, 0.0)), select_weight(x2, x1)))


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


# heaviside(x1, x2) is 0 or 1 except where x1 == 0, where it is x2.
@adjoint(numpy.heaviside)
def heaviside(y, x1, x2):
    d[x2] = unbroadcast(numpy.where(numpy.equal(x1, 0.0), d[y], 0.0), x2)


@tangent(numpy.heaviside)
def heaviside(y, x1, x2):
    d[y] = broadcast_like(numpy.where(numpy.equal(x1, 0.0), d[x2], 0.0), y)


# ---------------------------------------------------------------------------------
# Reductions (ndarray methods of the same name are the same primitive)
# ---------------------------------------------------------------------------------


# where= masks the elements a sum or mean combines: the others get no derivative; initial=
# (a number) is added to every sum
@adjoint(numpy.sum)
def sum(y, a, axis=None, dtype=None, *, keepdims=False, where=True, initial=0.0):
    d[a] = unreduce(d[y], a, axis, keepdims, where)
    d[initial] = unbroadcast(d[y], initial)


@tangent(numpy.sum)
def sum(y, a, axis=None, dtype=None, *, keepdims=False, where=True, initial=0.0):
    d[y] = numpy.sum(d[a], axis=axis, keepdims=keepdims, where=where)
    d[y] = broadcast_like(d[initial], y)


@adjoint(numpy.mean)
def mean(y, a, axis=None, dtype=None, *, keepdims=False, where=True):
    d[a] = unreduce(d[y] / repeat_count(a, axis, keepdims, where), a, axis, keepdims, where)


@tangent(numpy.mean)
def mean(y, a, axis=None, dtype=None, *, keepdims=False, where=True):
    d[y] = numpy.mean(d[a], axis=axis, keepdims=keepdims, where=where)


# initial= (a number) multiplies every product
@adjoint(numpy.prod)
def prod(y, a, axis=None, dtype=None, *, keepdims=False, initial=1):
    d[a] = unreduce(d[y] * initial, a, axis, keepdims) * prod_except(a, axis)
    d[initial] = unbroadcast(d[y] * numpy.prod(a, axis=axis, keepdims=keepdims), initial)


@tangent(numpy.prod)
def prod(y, a, axis=None, dtype=None, *, keepdims=False, initial=1):
    d[y] = numpy.sum(d[a] * prod_except(a, axis), axis=axis, keepdims=keepdims) * initial
    d[y] = broadcast_like(d[initial] * numpy.prod(a, axis=axis, keepdims=keepdims), y)


# initial= (a number) takes part in every max or min: ties with it split the derivative too
@adjoint(numpy.max)
def max(y, a, axis=None, *, keepdims=False, initial=None):
    d[a] = unreduce(d[y], a, axis, keepdims) * tie_weights(a, y, axis, keepdims, initial)
    d[initial] = unbroadcast(d[y] * initial_weight(a, y, axis, keepdims, initial), initial)


@tangent(numpy.max)
def max(y, a, axis=None, *, keepdims=False, initial=None):
    d[y] = numpy.sum(d[a] * tie_weights(a, y, axis, keepdims, initial), axis=axis, keepdims=keepdims)
    d[y] = d[initial] * initial_weight(a, y, axis, keepdims, initial)


@adjoint(numpy.min)
def min(y, a, axis=None, *, keepdims=False, initial=None):
    d[a] = unreduce(d[y], a, axis, keepdims) * tie_weights(a, y, axis, keepdims, initial)
    d[initial] = unbroadcast(d[y] * initial_weight(a, y, axis, keepdims, initial), initial)


@tangent(numpy.min)
def min(y, a, axis=None, *, keepdims=False, initial=None):
    d[y] = numpy.sum(d[a] * tie_weights(a, y, axis, keepdims, initial), axis=axis, keepdims=keepdims)
    d[y] = d[initial] * initial_weight(a, y, axis, keepdims, initial)


@adjoint(numpy.amax)
def amax(y, a, axis=None, *, keepdims=False, initial=None):
    d[a] = unreduce(d[y], a, axis, keepdims) * tie_weights(a, y, axis, keepdims, initial)
    d[initial] = unbroadcast(d[y] * initial_weight(a, y, axis, keepdims, initial), initial)


@tangent(numpy.amax)
def amax(y, a, axis=None, *, keepdims=False, initial=None):
    d[y] = numpy.sum(d[a] * tie_weights(a, y, axis, keepdims, initial), axis=axis, keepdims=keepdims)
    d[y] = d[initial] * initial_weight(a, y, axis, keepdims, initial)


@adjoint(numpy.amin)
def amin(y, a, axis=None, *, keepdims=False, initial=None):
    d[a] = unreduce(d[y], a, axis, keepdims) * tie_weights(a, y, axis, keepdims, initial)
    d[initial] = unbroadcast(d[y] * initial_weight(a, y, axis, keepdims, initial), initial)


@tangent(numpy.amin)
def amin(y, a, axis=None, *, keepdims=False, initial=None):
    d[y] = numpy.sum(d[a] * tie_weights(a, y, axis, keepdims, initial), axis=axis, keepdims=keepdims)
    d[y] = d[initial] * initial_weight(a, y, axis, keepdims, initial)


declare(numpy.sum, numpy.mean, numpy.prod, numpy.max, numpy.min, numpy.amax, numpy.amin, result=FRESH)
non_differentiable(initial_weight)
declare(initial_weight, result=FRESH)
declare(numpy.sum, methods=(numpy.ndarray.sum,))
declare(numpy.mean, methods=(numpy.ndarray.mean,))
declare(numpy.prod, methods=(numpy.ndarray.prod,))
declare(numpy.max, methods=(numpy.ndarray.max,))
declare(numpy.min, methods=(numpy.ndarray.min,))


linear(numpy.cumsum, lambda y, a, axis=None, dtype=None: numpy.reshape(
    numpy.flip(numpy.cumsum(numpy.flip(d[y], axis), axis), axis), numpy.shape(a)),
    methods=(numpy.ndarray.cumsum,), result=FRESH)


# ---------------------------------------------------------------------------------
# Shapes: linear, so the tangent is the function applied to the tangent
# ---------------------------------------------------------------------------------

linear(numpy.reshape, lambda y, a, shape=None, order="C": numpy.reshape(d[y], numpy.shape(a), order=order),
       result=VIEW)
linear(numpy.ravel, lambda y, a, order="C": numpy.reshape(d[y], numpy.shape(a), order=order),
       methods=(numpy.ndarray.ravel,), result=VIEW)
linear(numpy.ndarray.flatten, lambda y, self, order="C": numpy.reshape(d[y], numpy.shape(self), order=order),
       apply=numpy.ravel, result=FRESH)
linear(numpy.transpose, lambda y, a, axes=None: numpy.transpose(d[y], inverse_axes(axes, a)), result=VIEW)
linear(numpy.ndarray.T, lambda y, self: numpy.transpose(d[y]), apply=numpy.transpose, result=VIEW)
# x.flat iterates and indexes x as its ravel does (its items are those of numpy.ravel(x))
linear(numpy.ndarray.flat, lambda y, self: numpy.reshape(d[y], numpy.shape(self)), apply=numpy.ravel, result=VIEW)
linear(numpy.swapaxes, lambda y, a, axis1, axis2: numpy.swapaxes(d[y], axis1, axis2),
       methods=(numpy.ndarray.swapaxes,), result=VIEW)
linear(numpy.moveaxis, lambda y, a, source, destination: numpy.moveaxis(d[y], destination, source), result=VIEW)
linear(numpy.expand_dims, lambda y, a, axis: numpy.reshape(d[y], numpy.shape(a)), result=VIEW)
linear(numpy.squeeze, lambda y, a, axis=None: numpy.reshape(d[y], numpy.shape(a)),
       methods=(numpy.ndarray.squeeze,), result=VIEW)
linear(numpy.flip, lambda y, m, axis=None: numpy.flip(d[y], axis), result=VIEW)


@adjoint(numpy.broadcast_to)
def broadcast_to(y, array, shape, subok=False):
    d[array] = unbroadcast(d[y], array)


@tangent(numpy.broadcast_to)
def broadcast_to(y, array, shape, subok=False):
    d[y] = broadcast_like(d[array], y)


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


# fromiter(iterable, dtype): the iterable's numbers as a 1-d array, as numpy.array makes it of
# their list (a generator expression is a list where it stands: named_generator_expressions.py).
# A count= is not followed (the template does not take it): refused where it is written.
@adjoint(numpy.fromiter)
def fromiter(y, iter, dtype):
    d[iter] = unstack_like(d[y], iter, dtype)


@tangent(numpy.fromiter)
def fromiter(y, iter, dtype):
    d[y] = stack_like(d[iter], y, dtype)


declare(numpy.fromiter, result=FRESH)


# a.tolist(): the array's elements as nested lists of Python numbers (numpy.array's inverse)
@adjoint(numpy.ndarray.tolist)
def tolist(y, self):
    d[self] = stack_like(d[y], self)


@tangent(numpy.ndarray.tolist)
def tolist(y, self):
    d[y] = unstack_like(d[self], y)


@adjoint(numpy.asarray)
def asarray(y, a, dtype=None, order=None):
    d[a] = unstack_like(d[y], a, dtype)


@tangent(numpy.asarray)
def asarray(y, a, dtype=None, order=None):
    d[y] = stack_like(d[a], y, dtype)


# numpy.ascontiguousarray(a) and numpy.asfortranarray(a): a itself where it is laid out so
# already, else a copy laid out so (at least 1-D: a number or 0-d array gives shape (1,));
# the derivative is the identity, reshaped and in a's dtype. A write into the result is
# followed as into a reshape, through a where it is a itself (views.py). like= is left
# out, so a call passing it is refused.
@adjoint(numpy.ascontiguousarray)
def ascontiguousarray(y, a, dtype=None):
    d[a] = unstack_like(d[y], a, dtype)


@tangent(numpy.ascontiguousarray)
def ascontiguousarray(y, a, dtype=None):
    d[y] = stack_like(d[a], y, dtype)


@adjoint(numpy.asfortranarray)
def asfortranarray(y, a, dtype=None):
    d[a] = unstack_like(d[y], a, dtype)


@tangent(numpy.asfortranarray)
def asfortranarray(y, a, dtype=None):
    d[y] = stack_like(d[a], y, dtype)


# numpy.require(a, dtype, requirements): a itself, or a copy meeting the requirements; the
# identity too. A write into its result is not followed (refused: it may be a).
@adjoint(numpy.require)
def require(y, a, dtype=None, requirements=None):
    d[a] = unstack_like(d[y], a, dtype)


@tangent(numpy.require)
def require(y, a, dtype=None, requirements=None):
    d[y] = stack_like(d[a], y, dtype)


@adjoint(numpy.full)
def full(y, shape, fill_value, dtype=None, order="C"):
    d[fill_value] = cast_like(unbroadcast(d[y], fill_value), fill_value, dtype)


@tangent(numpy.full)
def full(y, shape, fill_value, dtype=None, order="C"):
    d[y] = cast_like(broadcast_like(d[fill_value], y), y, dtype)     # y's dtype: a complex fill's real part


@adjoint(numpy.full_like)
def full_like(y, a, fill_value, dtype=None):
    d[fill_value] = cast_like(unbroadcast(d[y], fill_value), fill_value, dtype)


@tangent(numpy.full_like)
def full_like(y, a, fill_value, dtype=None):
    d[y] = cast_like(broadcast_like(d[fill_value], y), y, dtype)     # y's dtype: a complex fill's real part


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


elementwise(numpy.copy, lambda y, a, order="K": 1.0, methods=(numpy.ndarray.copy,))


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
    numpy.fix, numpy.floor_divide,
    numpy.isnan, numpy.isinf, numpy.isfinite, numpy.isposinf, numpy.isneginf, numpy.isclose, numpy.allclose,
    numpy.array_equal, numpy.any, numpy.all, numpy.signbit,
    # spacing(x) is a power of two, constant between powers of two; gcd and lcm take integers
    numpy.spacing, numpy.gcd, numpy.lcm,
    numpy.equal, numpy.not_equal, numpy.less, numpy.less_equal, numpy.greater,
    numpy.greater_equal, numpy.logical_and, numpy.logical_or, numpy.logical_not,
    numpy.logical_xor, numpy.broadcast_shapes,
    # numpy.int64(x) truncates as int(x) does: piecewise constant
    numpy.int8, numpy.int16, numpy.int32, numpy.int64, numpy.uint8, numpy.uint16, numpy.uint32, numpy.uint64,
    numpy.bool_,
)


# ---------------------------------------------------------------------------------
# ndarray methods and attributes that are primitives of their own (``x.reshape(2, 3)``
# takes the shape as separate arguments); the others are listed with their function
# ---------------------------------------------------------------------------------


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
    numpy.ndarray.strides, numpy.ndarray.flags,     # the memory layout: integers and booleans
)


# angle(x) is 0 or pi for a real x; a complex x is refused when the derivative runs
@adjoint(numpy.angle)
def angle(y, z, deg=False):
    d[z] = d[y] * angle_slope(z)


@tangent(numpy.angle)
def angle(y, z, deg=False):
    d[y] = d[z] * angle_slope(z)


declare(numpy.angle, result=FRESH)
non_differentiable(angle_slope)


# abs_slope(x) is sign(x) for real x and conj(x)/|x| for complex x (the tangent then
# takes the real part, a no-op on real values): see the numpy.fft rules.
@adjoint(numpy.absolute)            # numpy.abs is numpy.absolute
def absolute(y, x):
    d[x] = d[y] * abs_slope(x)


@tangent(numpy.absolute)
def absolute(y, x):
    d[y] = numpy.real(d[x] * abs_slope(x))


declare(numpy.absolute, result=FRESH)
