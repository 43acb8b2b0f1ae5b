"""Derivatives of Python builtins: abs, two-argument min/max, sum, float.

Template functions here end in ``_`` so they do not shadow the builtins that other
templates in this module call (``float``).
"""

import builtins

import numpy

from ..runtime import broadcast_like, cast_like, gather, select_weight, spread, unbroadcast
from .registry import adjoint, d, non_differentiable, tangent


@adjoint(builtins.abs)
def abs_(y, x):
    d[x] = d[y] * numpy.sign(x)


@tangent(builtins.abs)
def abs_(y, x):
    d[y] = d[x] * numpy.sign(x)


# max(a, b) / min(a, b): the derivative goes to the larger (smaller) argument; a tie
# splits it evenly, as for numpy.maximum. Only the two-argument form has a rule.
@adjoint(builtins.max)
def max_(y, a, b):
    d[a] = unbroadcast(d[y] * select_weight(a, b), a)
    d[b] = unbroadcast(d[y] * select_weight(b, a), b)


@tangent(builtins.max)
def max_(y, a, b):
    d[y] = d[a] * select_weight(a, b)
    d[y] = d[b] * select_weight(b, a)


@adjoint(builtins.min)
def min_(y, a, b):
    d[a] = unbroadcast(d[y] * select_weight(b, a), a)
    d[b] = unbroadcast(d[y] * select_weight(a, b), b)


@tangent(builtins.min)
def min_(y, a, b):
    d[y] = d[a] * select_weight(b, a)
    d[y] = d[b] * select_weight(a, b)


# sum(xs, start): over a list/tuple it adds the elements, over an array its rows.
@adjoint(builtins.sum)
def sum_(y, iterable, start=0):
    d[iterable] = spread(d[y], iterable)
    d[start] = unbroadcast(d[y], start)


@tangent(builtins.sum)
def sum_(y, iterable, start=0):
    d[y] = gather(d[iterable], y)
    d[y] = broadcast_like(d[start], y)


@adjoint(builtins.float)
def float_(y, x=0.0):
    d[x] = cast_like(d[y], x)


@tangent(builtins.float)
def float_(y, x=0.0):
    d[y] = float(d[x])


non_differentiable(builtins.len, builtins.range, builtins.int, builtins.bool, builtins.round,
                   builtins.isinstance, builtins.type, builtins.str, builtins.repr, builtins.print,
                   builtins.id, builtins.hash, builtins.callable)
