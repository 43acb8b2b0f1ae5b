"""Helpers of the rules of ``numpy.insert`` and ``numpy.delete``.

Both are linear: ``numpy.insert(arr, obj, values, axis)`` in ``arr`` and ``values``
together, ``numpy.delete(arr, obj, axis)`` in ``arr``. Where each element goes is NumPy's
own answer: the helpers insert (or delete) the elements' positions, numbered, with the
same ``obj`` and ``axis``, so every index form NumPy takes (a position, a list, a slice,
negative ones, ``values`` broadcast or spread along ``axis``) moves derivatives exactly as
it moved the values. The helpers come in transposed pairs, so their own rules
(``rules/runtime_rules.py``) give every order. Generated code calls them through
``astgrad.runtime``.
"""

import numpy


def _float_dtype(*like):
    """The float dtype of a derivative of values like ``like`` (float32 stays float32)."""
    dtype = numpy.result_type(*like)
    return dtype if dtype.kind in "fc" else numpy.dtype(numpy.float64)


def _numbered(x):
    """The positions of x's elements, in x's shape."""
    return numpy.arange(numpy.size(x)).reshape(numpy.shape(x))


def _inserted_positions(arr, obj, values, axis, which):
    """Where the elements of arr (which=0) or of values (1) are in
    ``numpy.insert(arr, obj, values, axis)``: the element's position in its own array,
    -1 where the other's went."""
    if which == 0:
        return numpy.insert(_numbered(arr), obj, numpy.full(numpy.shape(values), -1), axis)
    return numpy.insert(numpy.full(numpy.shape(arr), -1), obj, _numbered(values), axis)


def _truncated(arr, which):
    """Whether values (which=1) go into an array of integers, which truncates them: their
    derivative is zero."""
    return which == 1 and numpy.asarray(arr).dtype.kind not in "fc"


def uninsert(g, arr, obj, values, axis, which):
    """The adjoint of ``numpy.insert(arr, obj, values, axis)`` for arr (which=0) or
    values (1), as an array shaped like it: the derivatives at its elements' places,
    added up where values was broadcast to several."""
    x = (arr, values)[which]
    positions = _inserted_positions(arr, obj, values, axis, which)
    taken = positions >= 0
    g = numpy.asarray(g)
    out = numpy.zeros(numpy.size(x), dtype=_float_dtype(g))
    if not _truncated(arr, which):
        numpy.add.at(out, positions[taken], numpy.reshape(g, positions.shape)[taken])
    return numpy.reshape(out, numpy.shape(x))


def insert_as(t, arr, obj, values, axis, which):
    """The tangent of ``numpy.insert(arr, obj, values, axis)`` from arr's (which=0) or
    values' (1) tangent ``t``, in the result's float dtype: zeros where the other went.
    The transpose of uninsert."""
    zero_arr = numpy.zeros(numpy.shape(arr), dtype=_float_dtype(numpy.asarray(arr)))
    zero_values = numpy.zeros(numpy.shape(values), dtype=zero_arr.dtype)
    if which == 0:
        return numpy.insert(numpy.reshape(t, numpy.shape(arr)), obj, zero_values, axis)
    if _truncated(arr, which):
        return numpy.insert(zero_arr, obj, zero_values, axis)
    return numpy.insert(zero_arr, obj, numpy.reshape(t, numpy.shape(values)), axis)


def undelete(g, arr, obj, axis):
    """The adjoint of ``numpy.delete(arr, obj, axis)``: ``g`` at the kept elements'
    places in an array shaped like arr, zeros at the deleted ones."""
    g = numpy.asarray(g)
    out = numpy.zeros(numpy.size(arr), dtype=_float_dtype(g))
    out[numpy.ravel(numpy.delete(_numbered(arr), obj, axis))] = numpy.ravel(g)
    return numpy.reshape(out, numpy.shape(arr))
