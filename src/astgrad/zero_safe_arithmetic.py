"""The products, quotients and powers of derivatives that keep an exact zero derivative
zero (``scale``, ``over``, ``power``), which the zero-safe twin of generated code
calls where the plain one gave a NaN, and ``inverse_or_zero``. Generated code finds
them through ``astgrad.runtime``.
"""

import functools
import math
import numbers

import numpy

from .duck import is_duck_array
from .core import originals

# the helpers call NumPy as astgrad found it (see runtime.py)
numpy = originals.snapshot(numpy)


# -- zero derivatives stay zero -------------------------------------------------------
#
# A where's untaken branch gets a derivative of exactly 0, but the local derivative of
# that branch may be inf or nan there (sqrt at x < 0, sin(x)/x at 0, sin of a masked
# inf), and in IEEE arithmetic 0 * inf is nan; in forward mode an infinite tangent meets
# the weight 0 of the unselected side of a maximum. Generated code first runs with plain
# ``*``, ``/`` and ``**``; only if that gives a NaN or a Python ZeroDivisionError does
# ``run_derivative`` run the exact twin of the code in which the rule templates
# multiply and divide derivatives with ``scale`` and ``over`` (see modes/templates.py), which
# read 0 * inf as 0.
#
# That reading is right only for an exact zero. A nonzero derivative that arithmetic
# rounded to 0 (divided by a value that overflowed to inf, as log's 1 / x at the inf of
# an overflowed exp, or a product or power that underflowed) is a vanishing quantity,
# and its product with an infinite one can be anything: the twin writes such a zero as
# NaN, so its answer is right or NaN, never a silent finite wrong number.

def _nan_to_zero_where_zero(value, *factors):
    """``value`` with each NaN replaced by 0 where one of ``factors`` is exactly 0."""
    if isinstance(value, numpy.ndarray) or is_duck_array(value):
        if is_duck_array(value) or numpy.isnan(value).any():     # lazily for a Dask array
            zero = functools.reduce(numpy.logical_or, [numpy.equal(f, 0) for f in factors])
            return numpy.where(zero & numpy.isnan(value), numpy.zeros((), value.dtype), value)
        return value
    if isinstance(value, numbers.Number) and value != value and any(numpy.all(numpy.equal(f, 0)) for f in factors):
        return numpy.zeros((), value.dtype)[()] if isinstance(value, numpy.generic) else 0.0
    return value


def _nan_where_rounded_to_zero(value, *operands):
    """``value`` with NaN where it is 0 though each of ``operands`` is not: a quantity
    that arithmetic rounded to 0 (``1 / inf``, an underflow), not an exact zero."""
    if isinstance(value, numpy.ndarray) or is_duck_array(value):
        if value.dtype.kind not in "fc":        # integers do not round to 0
            return value
        rounded = functools.reduce(numpy.logical_and, [numpy.not_equal(o, 0) for o in operands],
                                   numpy.equal(value, 0))
        if is_duck_array(value) or rounded.any():
            return numpy.where(rounded, numpy.full((), numpy.nan, value.dtype), value)
        return value
    if isinstance(value, numbers.Number) and value == 0 and all(numpy.all(numpy.not_equal(o, 0)) for o in operands):
        return value * math.nan
    return value


def scale(g, factor):
    """``g * factor`` for a derivative ``g``, but 0 (not NaN) where either is exactly 0,
    even where the other is inf or nan: no derivative arrives where ``g`` is 0, and none
    passes where the local derivative ``factor`` is 0 (the unselected side of a
    maximum). NaN where the product of two nonzero numbers underflowed to 0."""
    with numpy.errstate(invalid="ignore", under="ignore"):
        return _nan_to_zero_where_zero(_nan_where_rounded_to_zero(g * factor, g, factor), g, factor)


def over(g, divisor):
    """``g / divisor`` for a derivative ``g``, but 0 wherever ``g`` is 0, and NaN where a
    nonzero ``g`` came out 0 (divided by inf: a vanishing quotient, not an exact zero);
    a Python number divided by 0 gives +-inf (nan for nan) as in NumPy, not
    ZeroDivisionError."""
    try:
        with numpy.errstate(invalid="ignore", divide="ignore", under="ignore"):
            quotient = g / divisor
    except ZeroDivisionError:
        if g == 0:
            return 0.0
        if g != g:
            return g
        return math.copysign(math.inf, g) * math.copysign(1.0, divisor)
    return _nan_to_zero_where_zero(_nan_where_rounded_to_zero(quotient, g), g)


def power(x, exponent):
    """``x ** exponent`` (a local derivative's power); a Python 0.0 to a negative power
    is +-inf as in NumPy, not ZeroDivisionError (the local derivative of ``x ** 0.5`` at
    0 is infinite); NaN where a nonzero ``x`` gave 0 (inf to a negative power, an
    underflow): a vanishing factor, not an exact zero."""
    try:
        with numpy.errstate(under="ignore"):
            result = x ** exponent
    except ZeroDivisionError:
        with numpy.errstate(divide="ignore"):
            return float(numpy.power(float(x), float(exponent)))
    return _nan_where_rounded_to_zero(result, x)


def inverse_or_zero(y):
    """``1 / y``, but 0 where ``y`` is 0: the derivative astgrad gives norms and standard
    deviations where they are 0 (0 is a subgradient there, as for abs at 0; for a std
    over one element it is the true derivative: that std is 0 whatever the element)."""
    if isinstance(y, numpy.ndarray) or is_duck_array(y):
        zero = y == 0
        with numpy.errstate(divide="ignore"):
            inverse = 1.0 / numpy.where(zero, 1.0, y)
        return numpy.where(zero, numpy.zeros((), inverse.dtype), inverse)
    if y == 0:
        return y * 0.0
    return 1.0 / y
