"""Derivatives of the ``math`` module's functions (Python floats in, floats out).

The derivatives use ``math`` again where it is defined on the whole domain of the
primal, so a gradient of float code stays float code. ``fabs`` uses
``numpy.sign``, whose value at 0 is 0 (the same convention as ``abs``).
"""

import math

import numpy

from .registry import adjoint, d, non_differentiable, tangent


@adjoint(math.sin)
def sin(y, x):
    d[x] = d[y] * math.cos(x)


@tangent(math.sin)
def sin(y, x):
    d[y] = d[x] * math.cos(x)


@adjoint(math.cos)
def cos(y, x):
    d[x] = -d[y] * math.sin(x)


@tangent(math.cos)
def cos(y, x):
    d[y] = -d[x] * math.sin(x)


@adjoint(math.tan)
def tan(y, x):
    d[x] = d[y] * (1.0 + y * y)


@tangent(math.tan)
def tan(y, x):
    d[y] = d[x] * (1.0 + y * y)


@adjoint(math.asin)
def asin(y, x):
    d[x] = d[y] / math.sqrt(1.0 - x * x)


@tangent(math.asin)
def asin(y, x):
    d[y] = d[x] / math.sqrt(1.0 - x * x)


@adjoint(math.acos)
def acos(y, x):
    d[x] = -d[y] / math.sqrt(1.0 - x * x)


@tangent(math.acos)
def acos(y, x):
    d[y] = -d[x] / math.sqrt(1.0 - x * x)


@adjoint(math.atan)
def atan(y, x):
    d[x] = d[y] / (1.0 + x * x)


@tangent(math.atan)
def atan(y, x):
    d[y] = d[x] / (1.0 + x * x)


@adjoint(math.atan2)
def atan2(z, y, x):
    d[y] = d[z] * x / (x * x + y * y)
    d[x] = -d[z] * y / (x * x + y * y)


@tangent(math.atan2)
def atan2(z, y, x):
    d[z] = d[y] * x / (x * x + y * y)
    d[z] = -d[x] * y / (x * x + y * y)


@adjoint(math.sinh)
def sinh(y, x):
    d[x] = d[y] * math.cosh(x)


@tangent(math.sinh)
def sinh(y, x):
    d[y] = d[x] * math.cosh(x)


@adjoint(math.cosh)
def cosh(y, x):
    d[x] = d[y] * math.sinh(x)


@tangent(math.cosh)
def cosh(y, x):
    d[y] = d[x] * math.sinh(x)


@adjoint(math.tanh)
def tanh(y, x):
    d[x] = d[y] * (1.0 - y * y)


@tangent(math.tanh)
def tanh(y, x):
    d[y] = d[x] * (1.0 - y * y)


@adjoint(math.exp)
def exp(y, x):
    d[x] = d[y] * y


@tangent(math.exp)
def exp(y, x):
    d[y] = d[x] * y


@adjoint(math.expm1)
def expm1(y, x):
    d[x] = d[y] * (y + 1.0)


@tangent(math.expm1)
def expm1(y, x):
    d[y] = d[x] * (y + 1.0)


# math.log(x) is math.log(x, e); log(e) == 1.0 exactly.
@adjoint(math.log)
def log(y, x, base=2.718281828459045):
    d[x] = d[y] / (x * math.log(base))
    d[base] = -d[y] * y / (base * math.log(base))


@tangent(math.log)
def log(y, x, base=2.718281828459045):
    d[y] = d[x] / (x * math.log(base))
    d[y] = -d[base] * y / (base * math.log(base))


@adjoint(math.log1p)
def log1p(y, x):
    d[x] = d[y] / (x + 1.0)


@tangent(math.log1p)
def log1p(y, x):
    d[y] = d[x] / (x + 1.0)


@adjoint(math.log2)
def log2(y, x):
    d[x] = d[y] / (x * 0.6931471805599453)


@tangent(math.log2)
def log2(y, x):
    d[y] = d[x] / (x * 0.6931471805599453)


@adjoint(math.log10)
def log10(y, x):
    d[x] = d[y] / (x * 2.302585092994046)


@tangent(math.log10)
def log10(y, x):
    d[y] = d[x] / (x * 2.302585092994046)


@adjoint(math.sqrt)
def sqrt(y, x):
    d[x] = d[y] / (2.0 * y)


@tangent(math.sqrt)
def sqrt(y, x):
    d[y] = d[x] / (2.0 * y)


# x ** (y - 1.0), not math.pow: at x = 0 with y < 1 the derivative is infinite, and
# math.pow raises ValueError there (the primal math.pow(0.0, 0.5) is fine).
@adjoint(math.pow)
def pow(z, x, y):
    d[x] = d[z] * y * x ** (y - 1.0)
    d[y] = d[z] * z * numpy.log(numpy.where(x > 0, x, 1.0))


@tangent(math.pow)
def pow(z, x, y):
    d[z] = d[x] * y * x ** (y - 1.0)
    d[z] = d[y] * z * numpy.log(numpy.where(x > 0, x, 1.0))


@adjoint(math.hypot)
def hypot(z, x, y):
    d[x] = d[z] * x / z
    d[y] = d[z] * y / z


@tangent(math.hypot)
def hypot(z, x, y):
    d[z] = d[x] * x / z
    d[z] = d[y] * y / z


@adjoint(math.fabs)
def fabs(y, x):
    d[x] = d[y] * numpy.sign(x)


@tangent(math.fabs)
def fabs(y, x):
    d[y] = d[x] * numpy.sign(x)


non_differentiable(math.floor, math.ceil, math.trunc, math.isnan, math.isinf, math.isfinite,
                   math.isclose, math.factorial, math.comb, math.perm, math.gcd)
