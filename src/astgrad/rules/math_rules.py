"""Derivatives of the ``math`` module's functions (Python floats in, floats out).

Most ``math`` functions share their declaration with NumPy's function of the same
meaning (``numpy_rules.py``: ``math.sin`` with ``numpy.sin``); where the derivative
calls ``cos``, ``sin``, ``cosh`` or ``sinh`` it calls ``math``'s again, so a gradient of
float code stays float code. The others are here. Out of its domain a derivative
gives the value NumPy's arithmetic gives (inf or nan), never an exception of its own.
"""

import math

import numpy

from ..runtime import hypot_of, polygamma, prod_except, spread, gather, stack_like, unstack_like
from .declare import elementwise
from .registry import FRESH, adjoint, d, declare, non_differentiable, tangent


# math.log(x) is math.log(x, e); log(e) == 1.0 exactly.
@adjoint(math.log)
def log(y, x, base=2.718281828459045):
    d[x] = d[y] / (x * math.log(base))
    d[base] = -d[y] * y / (base * math.log(base))


@tangent(math.log)
def log(y, x, base=2.718281828459045):
    d[y] = d[x] / (x * math.log(base))
    d[y] = -d[base] * y / (base * math.log(base))


# erf' = 2 / sqrt(pi) exp(-x**2); lgamma' is the digamma function (polygamma of order 0)
elementwise(math.erf, lambda y, x: 1.1283791670955126 * math.exp(-x * x))
elementwise(math.erfc, lambda y, x: -1.1283791670955126 * math.exp(-x * x))
elementwise(math.lgamma, lambda y, x: polygamma(0, x))
elementwise(math.gamma, lambda y, x: y * polygamma(0, x))


# hypot(*coordinates) = sqrt(sum of squares), of any number of coordinates: each one's
# partial is coordinate / hypot
@adjoint(math.hypot)
def hypot(y, *coordinates):
    d[coordinates] = d[y] * coordinates[argnum] / y


@tangent(math.hypot)
def hypot(y, *coordinates):
    d[y] = d[coordinates] * coordinates[argnum] / y


# hypot_of(xs) is math.hypot(*xs) of a list, tuple or array of any length
@adjoint(hypot_of)
def hypot_of_(y, coordinates):
    d[coordinates] = unstack_like(d[y] * numpy.array(coordinates) / y, coordinates)


@tangent(hypot_of)
def hypot_of_(y, coordinates):
    d[y] = numpy.sum(stack_like(d[coordinates], numpy.array(coordinates)) * numpy.array(coordinates)) / y


# dist(p, q) = hypot of p - q, coordinate by coordinate (p and q are sequences of one length)
@adjoint(math.dist)
def dist(y, p, q):
    d[p] = unstack_like(d[y] * (numpy.array(p) - numpy.array(q)) / y, p)
    d[q] = unstack_like(d[y] * (numpy.array(q) - numpy.array(p)) / y, q)


@tangent(math.dist)
def dist(y, p, q):
    d[y] = numpy.sum(stack_like(d[p], numpy.array(p)) * (numpy.array(p) - numpy.array(q))) / y
    d[y] = numpy.sum(stack_like(d[q], numpy.array(q)) * (numpy.array(q) - numpy.array(p))) / y


# fsum adds exactly: its derivative is sum's. prod multiplies: each factor's derivative
# is the product of the others (computed without dividing, so zeros are exact).
@adjoint(math.fsum)
def fsum(y, seq):
    d[seq] = spread(d[y], seq)


@tangent(math.fsum)
def fsum(y, seq):
    d[y] = gather(d[seq], y)


# (numpy.array(iterable) keeps complex items complex: dtype=float dropped their imaginary parts)
@adjoint(math.prod)
def prod(y, iterable, *, start=1):
    d[iterable] = unstack_like(d[y] * start * prod_except(numpy.array(iterable)), iterable)
    d[start] = d[y] * math.prod(iterable)


@tangent(math.prod)
def prod(y, iterable, *, start=1):
    d[y] = numpy.sum(stack_like(d[iterable], numpy.array(iterable)) * prod_except(numpy.array(iterable))) * start
    d[y] = d[start] * math.prod(iterable)


# nextafter(x, y) is x moved one step (steps= steps, Python 3.12) of its float grid toward
# y: it follows x; y only chooses the direction (at x == y it returns y, which is x)
elementwise(math.nextafter, lambda z, x, y, *, steps=None: 1.0, None)

declare(math.hypot, hypot_of, math.dist, math.fsum, math.prod, result=FRESH)
# ulp(x) is a power of two, constant between powers of two as floor is between integers
non_differentiable(math.floor, math.ceil, math.trunc, math.isnan, math.isinf, math.isfinite,
                   math.isclose, math.factorial, math.comb, math.perm, math.gcd, math.lcm, math.isqrt,
                   math.ulp)
