"""Derivatives of NumPy's reductions and statistics.

Conventions as in ``numpy_rules.py``: adjoints have exactly their input's shape and
reductions spread their adjoint back with ``unreduce``; constants are Python floats,
so float32 data gives float32 derivatives.
"""

import numpy

from ..runtime import inverse_or_zero, repeat_count, unreduce
from .registry import adjoint, d, tangent


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
