"""Conversions of values that carry a derivative: the derivative cast back to the
argument's type and dtype (``cast_like``, ``float_like``), and a nested list's derivative
stacked as an array and unstacked again. Generated code finds them through
``astgrad.runtime``.
"""

import numbers

import numpy

from .duck import is_duck_array
from .adjoint_values import AdjointList, zeros_like, _float_dtype, _is_float_dtype, _NDARRAY
from .broadcasting import _typed
from .core import originals

# the helpers call NumPy as astgrad found it (see runtime.py)
numpy = originals.snapshot(numpy)


# -- conversions ------------------------------------------------------------------------

def _refuse_own_conversion(x):
    """``float(x)`` (or a cast) of an object whose class converts itself with code of its
    own (``__float__``, ``__array__``): its derivative is that code's. ``x`` None: an
    object known only by its tangent (forward code converting it, ``numpy.asarray(p)``)."""
    if x is None:
        _refuse_conversion("an object of a class of yours, whose __array__ or __float__")
    for name in ("__float__", "__array__"):
        if hasattr(type(x), name):
            _refuse_conversion(f"an object of the class {type(x).__name__}, whose {name}")


def _refuse_conversion(what):
    raise TypeError(f"astgrad differentiates float() and casts of numbers and arrays, not of {what} it does "
                    "not follow; call a method or function computing the value from the object's arrays instead")


def cast_like(g, x, dtype=None):
    """``g`` with the shape and float dtype of ``x``: the adjoint of a conversion of
    ``x`` (``float(x)``, ``x.astype(...)``, ``numpy.float32(x)``).

    ``dtype`` is the conversion's target; a non-float target (``astype(int)``) has a
    zero derivative, so the result is zero. The map is linear; its transpose is
    ``cast_like(., g, dtype)``.
    """
    if isinstance(x, (list, tuple)):
        return unstack_like(g, x, dtype)
    if not isinstance(x, (numbers.Number, _NDARRAY, numpy.generic)) and not is_duck_array(x):
        _refuse_own_conversion(x)
    shape = numpy.shape(x)
    target = _float_dtype(x)
    if not _is_float_dtype(dtype):
        zero = numpy.zeros(shape, dtype=target or numpy.float64)
        return zero if isinstance(x, numpy.ndarray) else zero[()]
    if numpy.shape(g) != shape:
        g = numpy.reshape(g, shape)
    if target is not None and numpy.result_type(_typed(g)) != target:
        if target.kind != "c" and numpy.iscomplexobj(g):
            g = numpy.real(g)       # a real x's adjoint is the real part (see numpy.fft below)
        g = numpy.asarray(g, dtype=target)
        if not isinstance(x, numpy.ndarray):
            g = g[()]
    elif target is None and type(g) is not float and numpy.iscomplexobj(g) and not numpy.iscomplexobj(x):
        g = numpy.real(g)
    if isinstance(x, numpy.ndarray) and not isinstance(g, numpy.ndarray) and not is_duck_array(g):
        g = numpy.asarray(g, dtype=target)      # a 0-d array's: an array too (written into by index)
    elif type(g) in _PYTHON_NUMBERS and isinstance(x, numpy.generic) and target is not None:
        g = target.type(g)      # a NumPy scalar's: one too, which y[None] and y[()] read as NumPy does
    return g


_PYTHON_NUMBERS = (float, int, complex)


float_like = cast_like
"""``g`` converted back to the kind of number ``x`` is (the adjoint of ``float(x)``)."""


def unstack_like(g, x, dtype=None):
    """The array derivative ``g`` of ``numpy.array(x)`` split into the nested structure
    of ``x`` (an AdjointList per list or tuple level)."""
    if not _is_float_dtype(dtype):
        return zeros_like(x)
    if isinstance(x, (list, tuple)):
        g = numpy.reshape(g, numpy.shape(x)) if numpy.size(g) == _nested_size(x) else g
        return AdjointList(unstack_like(g[i], item) for i, item in enumerate(x))
    return cast_like(g, x)


def _nested_size(x):
    try:
        return int(numpy.prod(numpy.shape(x), dtype=int))
    except ValueError:
        return -1


def stack_like(h, g, dtype=None):
    """The nested derivative ``h`` (lists of arrays and numbers) as one array with the
    shape and dtype of ``g``: the transpose of ``unstack_like``."""
    shape = numpy.shape(g)
    target = _float_dtype(g) or numpy.float64
    if not _is_float_dtype(dtype):
        out = numpy.zeros(shape, dtype=target)
        return out if shape else out[()]
    out = numpy.reshape(numpy.asarray(_stack_nested(h), dtype=target), shape)
    return out if shape or isinstance(g, numpy.ndarray) else out[()]


def _stack_nested(h):
    if getattr(h, "of_object", False):      # the tangent of an object of a user's class (an AdjointObject)
        _refuse_own_conversion(None)
    if isinstance(h, (list, tuple)):
        parts = [numpy.asarray(_stack_nested(item)) for item in h]
        if not parts:
            return numpy.zeros((0,))
        common = numpy.broadcast_shapes(*[p.shape for p in parts])
        return numpy.stack([numpy.broadcast_to(p, common) for p in parts])
    return h
