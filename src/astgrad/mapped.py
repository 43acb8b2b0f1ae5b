"""Run-time helpers of NumPy's calls that map a user's function over an array
(``numpy.apply_along_axis``, ``numpy.vectorize``), which the normalizer writes out as
the loops they are (frontend/normalize/numpy_maps.py). They compute shapes, axes and
dtypes only (non-differentiable), and raise where NumPy raises."""

import math

import numpy
from numpy.lib.array_utils import normalize_axis_index


def along_axis_rows(shape, axis):
    """The shape ``(slices, length)`` of the rows ``numpy.apply_along_axis(fn, axis, a)``
    calls ``fn`` on (``a`` shaped ``shape``, ``axis`` moved last), raising where NumPy
    raises: an axis out of range, an iteration dimension of length 0."""
    axis = normalize_axis_index(axis, len(shape))
    others = shape[:axis] + shape[axis + 1:]
    if 0 in others:
        raise ValueError("Cannot apply_along_axis when any iteration dimensions are 0")
    return (math.prod(others), shape[axis])


def along_axis_layout(shape, axis, stacked_shape):
    """(shape, source, destination): the stacked results of ``fn`` on each row of an array
    shaped ``shape`` (``stacked_shape``, one row of results a row) are reshaped to
    ``shape``, then their own axes moved from ``source`` to ``destination``: where
    ``axis`` was, as NumPy puts them (a scalar result drops the axis)."""
    axis = normalize_axis_index(axis, len(shape))
    iterated = shape[:axis] + shape[axis + 1:]
    own = tuple(stacked_shape[1:])
    start = len(iterated)
    return (iterated + own, tuple(range(start, start + len(own))), tuple(range(axis, axis + len(own))))


def first_dtype(items):
    """The dtype of the first of ``items`` (``fn``'s results), which NumPy's
    apply_along_axis gives its result: later results are cast to it."""
    return numpy.asarray(items[0]).dtype


def fitted_shape(item, shape):
    """The shape to reshape ``item`` to before broadcasting it to ``shape``, as NumPy
    stores a value into an array of that shape: leading axes of length 1 beyond its
    dimensions are dropped; raises NumPy's error where it cannot be stored."""
    own = numpy.shape(item)
    extra = max(len(own) - len(shape), 0)
    fitted = own[extra:]
    if any(length != 1 for length in own[:extra]) or any(
            a != b and a != 1 for a, b in zip(fitted[::-1], shape[::-1])):
        raise ValueError(f"could not broadcast input array from shape {own} into shape {tuple(shape)} "
                         "(numpy.apply_along_axis stores each result of its function into the shape of the first)")
    return fitted


def vectorized_dtype(items, otypes):
    """The dtype of ``numpy.vectorize(fn, otypes=otypes)``'s result, given ``fn``'s
    results ``items``: the first of ``otypes``, else the first result's (as NumPy reads
    them); raises where NumPy raises (no results and no ``otypes``) and for ``fn``
    returning several values, which astgrad does not follow."""
    if otypes:
        if len(otypes) != 1:
            raise ValueError("astgrad follows numpy.vectorize of a function returning one value: "
                             f"otypes={otypes!r} names {len(otypes)}")
        return numpy.dtype(otypes[0])
    if not items:
        raise ValueError("cannot call `vectorize` on size 0 inputs unless `otypes` is set")
    if isinstance(items[0], tuple):
        raise ValueError("astgrad follows numpy.vectorize of a function returning one value; this "
                         f"one returned {len(items[0])}: vectorize one function per result")
    return first_dtype(items)


def vectorize_call(fn, *args, otypes=None):
    """``numpy.vectorize(fn, otypes=otypes)(*args)``: what the normalizer writes in place of
    such a call, before it lowers it (numpy_maps.py) to the loop it is."""
    return numpy.vectorize(fn, otypes=otypes)(*args)
