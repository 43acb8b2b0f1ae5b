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


def memory_order(value, where):
    """The order, ``"C"`` or ``"F"``, in which a ravel or a flatten given ``order="K"``
    reads ``value``: the order its axes lie in memory, longest step first (a transposed or
    Fortran-ordered array's ``"F"``); ``"K"`` as given for what is no array (a method of
    the user's). A derivative reshapes its derivatives, laid out as they happen to be, in
    the order this names, the order the function read the array in. An array of three or
    more axes laid out in neither order (a permutation of them) is refused at ``where``."""
    if not isinstance(value, numpy.ndarray):
        return "K"
    axes = [axis for axis in sorted(range(value.ndim), key=lambda axis: -abs(value.strides[axis]))
            if value.shape[axis] > 1]
    if axes == sorted(axes):
        return "C"
    if axes == sorted(axes, reverse=True):
        return "F"
    raise TypeError(
        f"astgrad: {where}: a ravel or flatten in order \"K\" of an array of shape {value.shape} whose axes "
        "lie in memory in neither C's nor Fortran's order (a permutation of them), which astgrad does not "
        "follow. Give the order the items should be read in (order=\"C\" or order=\"F\"), or transpose the "
        "array to the order you mean first (numpy.transpose(a, axes).ravel())")
