"""Copies of arrays that keep their memory layout.

NumPy decides from an array's strides alone whether a reshape or a ravel of it gives a
view or a copy: ``x.reshape(-1)`` of a Fortran-ordered, transposed or reversed argument is
a copy, of a C-ordered one a view. A copy astgrad makes of an argument the function writes
into (in the generated code, and where a transform calls the function itself) must decide
that as the argument does, or a write through such a reshape would reach the copy where it
does not reach the argument."""

import numpy


def same_layout_copy(value):
    """A new array holding ``value``'s items, laid out in memory as ``value``'s are: the
    axes in the same order of their strides, each step as long as one of the axis inside
    it where ``value``'s is, longer where ``value``'s leaves a gap, and the same signs.
    NumPy decides from that alone whether a reshape or ravel gives a view or a copy
    (``x.reshape(-1)`` of a Fortran-ordered or a sliced argument is a copy, of a C-ordered
    one a view), so a write through it reaches the copy exactly where it would reach the
    argument. (A plain ``.copy()`` is C-ordered and would make every such reshape a view.)"""
    if value.ndim == 0 or value.size == 0 or value.flags.c_contiguous or value.dtype.hasobject:
        return value.copy()
    if value.flags.f_contiguous:
        return value.copy(order="F")
    strides, inner, step = list(value.strides), value.itemsize, value.itemsize
    for axis in sorted((a for a in range(value.ndim) if value.shape[a] > 1), key=lambda a: abs(strides[a])):
        gap = abs(strides[axis]) != inner         # the axis's items do not follow the inner axis's
        inner = abs(strides[axis]) * value.shape[axis]
        step = step + value.itemsize if gap else step
        strides[axis] = step if strides[axis] > 0 else -step
        step *= value.shape[axis]
    start = sum((1 - n) * s for n, s in zip(value.shape, strides) if s < 0)
    copy = numpy.ndarray(value.shape, value.dtype, numpy.empty(step, numpy.uint8), start, strides)
    copy[...] = value
    return copy


def memory_axes(value):
    """The axes of ``value`` in the order ``order="K"`` of a ravel or a flatten reads
    them: by the length of their steps in memory, longest first (a Fortran-ordered array's
    reversed, a C-ordered one's as they are). ``numpy.transpose(value, memory_axes(value))``
    raveled in C order is ``value.ravel(order="K")``: a derivative reads its derivatives,
    laid out as they happen to be, in that order, the order the function read the array in.
    Axes as they are for what is no array."""
    if not isinstance(value, numpy.ndarray):
        return tuple(range(numpy.ndim(value)))
    return tuple(sorted(range(value.ndim), key=lambda axis: -abs(value.strides[axis])))
