"""Helpers of numpy.prod's rules: an array's reduced axes grouped into one (and back),
the product of all elements but one (``prod_except``), and the masks and norms those
rules read. Generated code finds them through ``astgrad.runtime``.
"""

import math

import numpy

from .duck import as_array
from .broadcasting import _reduced_axes
from .core import originals

# the helpers call NumPy as astgrad found it (see runtime.py)
numpy = originals.snapshot(numpy)


# -- grouping axes (for prod) -------------------------------------------------------------

def _grouping(shape, axis):
    axes = _reduced_axes(len(shape), axis)
    keep = tuple(i for i in range(len(shape)) if i not in axes)
    n = int(numpy.prod([shape[a] for a in axes], dtype=int))
    return axes, keep, n


def group_axes(x, axis=None):
    """``x`` with the axes ``axis`` moved last and merged into one: shape (..., n)."""
    shape = numpy.shape(x)
    axes, keep, n = _grouping(shape, axis)
    moved = numpy.transpose(as_array(x), keep + axes)
    return numpy.reshape(moved, tuple(shape[i] for i in keep) + (n,))


def ungroup_axes(g, x, axis=None):
    """The inverse of ``group_axes(x, axis)``: ``g`` of shape (..., n) back to x's shape."""
    shape = numpy.shape(x)
    axes, keep, _ = _grouping(shape, axis)
    order = keep + axes
    g = numpy.reshape(g, tuple(shape[i] for i in order))
    out = numpy.transpose(g, numpy.argsort(order))
    return out if shape or isinstance(x, numpy.ndarray) else out[()]


def diagonal_mask(x):
    """A boolean (n, n) identity, n the length of x's last axis."""
    n = numpy.shape(x)[-1]
    return numpy.eye(n, dtype=bool)


def hypot_of(coordinates):
    """``math.hypot(*coordinates)`` of a sequence of any length (math_forms.py)."""
    return math.hypot(*coordinates)


def prod_except(x, axis=None):
    """For each element, the product of the *other* elements of its reduction over
    ``axis``; computed with prefix/suffix products, so zeros are handled exactly
    (nothing is divided)."""
    b = group_axes(x, axis)
    n = b.shape[-1]
    ones = numpy.ones(b.shape[:-1] + (1,), dtype=b.dtype)
    # [..., :n]: an empty reduction has no element, so no product either (not the 1 ones starts with)
    left = numpy.cumprod(numpy.concatenate([ones, b[..., :-1]], axis=-1), axis=-1)[..., :n]
    right = numpy.flip(numpy.cumprod(numpy.concatenate([ones, numpy.flip(b[..., 1:], -1)], axis=-1), axis=-1), -1)
    return ungroup_axes(left * right[..., :n], x, axis)
