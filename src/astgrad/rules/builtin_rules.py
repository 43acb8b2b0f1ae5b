"""Derivatives of Python builtins: abs, min/max, sum, float (and ``ndarray.item``, which is float).

Template functions here end in ``_`` so they do not shadow the builtins that other
templates in this module call (``float``).
"""

import builtins
import warnings

import numpy

from ..runtime import (abs_operand, abs_slope, abs_squared, broadcast_like, cast_like, extremum_gather, extremum_part, gather, if_empty,
                       item_position, spread, unbroadcast, unindex)
from .declare import elementwise
from .. import aux_outputs, user_warnings
from .optional import register_when_imported
from .registry import FRESH, adjoint, d, declare, non_differentiable, tangent


# abs of a complex value too (1j * x reaches abs): numpy.absolute's rule (numpy_rules.py)
@adjoint(builtins.abs)
def abs_(y, x):
    d[x] = d[y] * abs_slope(x)


@tangent(builtins.abs)
def abs_(y, x):
    d[y] = numpy.real(d[x] * abs_slope(x))


# abs(u) ** 2 as u * conj(u) (smooth_squares.py): 2 u for a real u; for a complex one
# the tangent is 2 Re(conj(u) du) and the adjoint 2 conj(u) g, abs's convention above
@adjoint(abs_squared)
def abs_squared_(y, u, of_array=False, of_norm=False):
    d[u] = 2.0 * d[y] * numpy.conj(abs_operand(u))


@tangent(abs_squared)
def abs_squared_(y, u, of_array=False, of_norm=False):
    d[y] = 2.0 * numpy.real(d[u] * numpy.conj(abs_operand(u)))


# the check that abs's operand is a number or an array (runtime.abs_operand): the identity
@adjoint(abs_operand)
def abs_operand_(y, u):
    d[u] = d[y]


@tangent(abs_operand)
def abs_operand_(y, u):
    d[y] = d[u]


# max(a, b, ...), max(iterable), with key= and default= (and min): the derivative goes
# to the item returned; ties split evenly, as for numpy.maximum; with a key, to the item
# Python returns. default gets it when the iterable is empty.
@adjoint(builtins.max)
def max_(y, *args, key=None, default=None):
    d[args] = extremum_part(d[y], args, y, argnum, key)
    d[default] = if_empty(d[y], args, default)


@tangent(builtins.max)
def max_(y, *args, key=None, default=None):
    d[y] = extremum_gather(d[args], args, y, argnum, key)
    d[y] = if_empty(d[default], args, y)


@adjoint(builtins.min)
def min_(y, *args, key=None, default=None):
    d[args] = extremum_part(d[y], args, y, argnum, key)
    d[default] = if_empty(d[y], args, default)


@tangent(builtins.min)
def min_(y, *args, key=None, default=None):
    d[y] = extremum_gather(d[args], args, y, argnum, key)
    d[y] = if_empty(d[default], args, y)


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


# a.item() of an array with one element, a.item(i) the element at flat position i, a.item(i, j)
# and a.item((i, j)) the element at those indices: the element's derivative, at the position item_position says
@adjoint(numpy.ndarray.item)
def item_(y, self, *index):
    d[self] = unindex(d[y], self, item_position(self, index))


@tangent(numpy.ndarray.item)
def item_(y, self, *index):
    d[y] = float(cast_like(d[self], self)[item_position(self, index)])


non_differentiable(item_position)
declare(item_position, result=FRESH)

# str, repr and format are not among them: float(str(x)) is x again. Like an f-string,
# they are refused where their result is read by what carries a derivative
non_differentiable(builtins.len, builtins.range, builtins.int, builtins.bool, builtins.round,
                   builtins.isinstance, builtins.type, builtins.print,
                   builtins.id, builtins.hash, builtins.callable, builtins.hasattr, builtins.issubclass,
                   builtins.ord, builtins.chr, builtins.any, builtins.all)
declare(builtins.any, builtins.all, result=FRESH)      # a bool: it chooses, but carries no derivative
declare(builtins.len, builtins.float, builtins.int, builtins.bool, builtins.abs, builtins.round,
        builtins.sum, builtins.range, builtins.isinstance, builtins.print, builtins.str, builtins.repr,
        builtins.hasattr, builtins.issubclass, builtins.format, builtins.ord, builtins.chr,
        result=FRESH)

# warnings.warn (and logging's functions, logging_rules.py, registered once the program
# imports logging) report values and return None: like print, they run in the generated
# code as written (warnings.warn(f"loss {y}")), and nothing flows back through them
non_differentiable(warnings.warn, user_warnings.warn)
declare(warnings.warn, user_warnings.warn, result=FRESH)
# has_aux's wrapper hands a function's aux output back through keep_aux: nothing flows back
non_differentiable(aux_outputs.keep_aux)
declare(aux_outputs.keep_aux, result=FRESH)
register_when_imported("logging", "astgrad.rules.logging_rules")
