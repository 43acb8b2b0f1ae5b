"""Helpers of the rules of matrix products and contractions: the adjoints of ``@``,
``numpy.dot`` and ``numpy.inner`` (refusing operands whose class computes with its own
code), ``numpy.trace``'s transpose, ``numpy.unique``'s gather and scatter, and
``numpy.r_``/``numpy.c_`` concatenations. Generated code finds them through
``astgrad.runtime``.
"""

import numbers

import numpy

from .duck import is_duck_array
from .adjoint_values import AdjointList, _refuse_object_operator, _float_dtype, _NDARRAY
from .broadcasting import _fit
from .zero_safe_arithmetic import scale
from .core import originals

# the helpers call NumPy as astgrad found it (see runtime.py)
numpy = originals.snapshot(numpy)


# -- linear algebra ------------------------------------------------------------------------

def _first_occurrences(x, axis):
    """Where each value (each slice along ``axis``) that ``numpy.unique`` returns first
    occurs in ``x``: an index tuple into x (flat when axis is None)."""
    first = numpy.unique(x, return_index=True, axis=axis)[1]
    if axis is None:
        return numpy.unravel_index(first, numpy.shape(x))
    return (slice(None),) * (axis % numpy.ndim(x)) + (first,)


def unique_gather(h, x, y, axis=None):
    """The tangent of ``y = numpy.unique(x, ...)``: each distinct value moves with the
    first element of ``x`` equal to it. When y is a tuple (return_index, ...) only its
    values have a derivative; the integer outputs get zeros."""
    values = numpy.asarray(h)[_first_occurrences(x, axis)]
    if isinstance(y, tuple):
        return AdjointList([values] + [numpy.zeros(numpy.shape(v)) for v in y[1:]])
    return values


def unique_scatter(g, x, y, axis=None):
    """The adjoint of ``y = numpy.unique(x, ...)``: the derivative of each distinct value
    goes to its first occurrence in ``x`` (the transpose of ``unique_gather``)."""
    if isinstance(y, tuple):
        g = g[0]
    out = numpy.zeros(numpy.shape(x), dtype=_float_dtype(x) or _float_dtype(g) or numpy.float64)
    out[_first_occurrences(x, axis)] = g
    return out if isinstance(x, numpy.ndarray) else out[()]


def is_index_concatenator(obj):
    """numpy.r_ or numpy.c_ (which build an array from the items of their index)."""
    return isinstance(obj, (type(numpy.r_), type(numpy.c_)))


def index_concatenate(concatenator, *items):
    """``numpy.r_[a, b]`` as a function of its items; generated code keeps the
    subscript, this names the primitive its rules belong to."""
    return concatenator[items]


def _placement(concatenator, items, argnum):
    """Where item ``argnum``'s elements land in ``concatenator[items]``: (the result's
    shape, flat positions in the result, the matching flat positions in the item)."""
    labelled = []
    for k, item in enumerate(items):
        if isinstance(item, str):
            labelled.append(item)               # a directive such as 'r' or '0,2'
        elif isinstance(item, slice):
            labelled.append(numpy.zeros(len(numpy.r_[item])))      # an arange/linspace
        elif k == argnum:
            labelled.append(numpy.arange(1.0, numpy.size(item) + 1.0).reshape(numpy.shape(item)))
        else:
            labelled.append(numpy.zeros(numpy.shape(item)))
    result = numpy.asarray(concatenator[tuple(labelled)], dtype=numpy.float64)
    flat = result.ravel()
    where = numpy.flatnonzero(flat)
    return result.shape, where, flat[where].astype(numpy.intp) - 1


def concatenated_part(g, concatenator, items, argnum):
    """The adjoint of item ``argnum`` of ``concatenator[items]`` (numpy.r_, numpy.c_):
    the part of ``g`` where that item's elements went, shaped like the item."""
    item = items[argnum]
    _, where, own = _placement(concatenator, items, argnum)
    part = numpy.zeros(numpy.size(item), dtype=_float_dtype(item) or _float_dtype(g) or numpy.float64)
    part[own] = numpy.ravel(g)[where]
    part = part.reshape(numpy.shape(item))
    return part if isinstance(item, numpy.ndarray) else part[()]


def concatenated_spread(t, concatenator, items, argnum):
    """The tangent of ``concatenator[items]`` from item ``argnum``'s tangent ``t``
    (zeros where the other items went): the transpose of ``concatenated_part``."""
    shape, where, own = _placement(concatenator, items, argnum)
    out = numpy.zeros(shape, dtype=_float_dtype(t) or numpy.float64)
    out.ravel()[where] = numpy.ravel(t)[own]
    return out


def _swap(x):
    return numpy.swapaxes(x, -1, -2)


def _as_float_of(out, x):
    """``out`` in x's float dtype (unchanged when x is not a float NumPy value)."""
    dtype = _float_dtype(x)
    if dtype is None or numpy.result_type(out) == dtype:
        return out
    if dtype.kind != "c" and numpy.iscomplexobj(out):
        out = numpy.real(out)       # a real x's adjoint is the real part (see numpy.fft below)
    out = numpy.asarray(out, dtype=dtype)
    return out if out.ndim or isinstance(x, numpy.ndarray) else out[()]


def _plain_float_arrays(g, x, y):
    """All three are ndarrays of one float dtype (so no casting or broadcasting rules apply)."""
    return (type(g) is numpy.ndarray and type(x) is numpy.ndarray and type(y) is numpy.ndarray
            and x.ndim >= 1 and y.ndim >= 1
            and g.dtype == x.dtype == y.dtype and g.dtype.kind == "f" and g.ndim == x.ndim + y.ndim - 2)


def _refuse_own_matmul(x, y):
    """``x @ y`` where an operand is an object whose class defines ``@`` itself."""
    for operand in (x, y):
        if not isinstance(operand, (numbers.Number, _NDARRAY, numpy.generic, list, tuple)) \
                and not is_duck_array(operand):
            _refuse_object_operator(operand)


def matmul_adjoint_left(g, x, y):
    """The adjoint of ``x`` in ``x @ y`` (vectors, matrices, stacks), shaped like x.

    Bilinear: <c, matmul_adjoint_left(g, x, y)> = <g, c @ y>."""
    if _plain_float_arrays(g, x, y):      # fast paths for matrices and vectors
        if x.ndim == 2 and y.ndim == 2:
            return g @ y.T
        if x.ndim == 2 and y.ndim == 1:
            return numpy.outer(g, y)
        if x.ndim == 1 and y.ndim == 2:
            return y @ g
    _refuse_own_matmul(x, y)
    x_dim, y_dim = numpy.ndim(x), numpy.ndim(y)
    if y_dim == 1:
        out = numpy.multiply.outer(g, y) if x_dim > 1 else numpy.multiply(g, y)     # y may be a list
    elif x_dim == 1:
        out = numpy.squeeze(numpy.expand_dims(g, -2) @ _swap(y), -2)
    else:
        out = g @ _swap(y)
    return _as_float_of(_fit(out, numpy.shape(x)), x)


def matmul_adjoint_right(g, x, y):
    """The adjoint of ``y`` in ``x @ y`` (vectors, matrices, stacks), shaped like y.

    Bilinear: <c, matmul_adjoint_right(g, x, y)> = <g, x @ c>."""
    if _plain_float_arrays(g, x, y):
        if x.ndim == 2 and y.ndim == 2:
            return x.T @ g
        if x.ndim == 2 and y.ndim == 1:
            return g @ x
        if x.ndim == 1 and y.ndim == 2:
            return numpy.outer(x, g)
    _refuse_own_matmul(x, y)
    x_dim, y_dim = numpy.ndim(x), numpy.ndim(y)
    if x_dim == 1:
        out = numpy.moveaxis(numpy.multiply.outer(x, g), 0, -2) if y_dim > 1 else numpy.multiply(g, x)
    elif y_dim == 1:
        out = numpy.squeeze(_swap(x) @ numpy.expand_dims(g, -1), -1)
    else:
        out = _swap(x) @ g
    return _as_float_of(_fit(out, numpy.shape(y)), y)


def _dot_contracted_axis(b):
    """numpy.dot contracts a's last axis with b's second-to-last (or only) axis."""
    return max(numpy.ndim(b) - 2, 0)


def _scaled_adjoint(g, other, x):
    """The adjoint of ``x`` in ``x * other``: dot and inner with a scalar operand are
    plain products, zero-safe as the twin writes ``*`` (a zero ``other`` passes nothing
    on, even an infinite ``g``: the twin would read this call's NaN as that zero)."""
    return _as_float_of(_fit(scale(g, other), numpy.shape(x)), x)


def dot_adjoint_left(g, a, b):
    """The adjoint of ``a`` in ``numpy.dot(a, b)``, shaped like a.

    Bilinear: <c, dot_adjoint_left(g, a, b)> = <g, numpy.dot(c, b)>."""
    na, nb = numpy.ndim(a), numpy.ndim(b)
    if na == 0 or nb == 0:
        return _scaled_adjoint(g, b, a)
    k = _dot_contracted_axis(b)
    b_free = [i for i in range(nb) if i != k]
    out = numpy.tensordot(g, b, axes=(list(range(na - 1, na - 1 + len(b_free))), b_free))
    return _as_float_of(out, a)


def dot_adjoint_right(g, a, b):
    """The adjoint of ``b`` in ``numpy.dot(a, b)``, shaped like b.

    Bilinear: <c, dot_adjoint_right(g, a, b)> = <g, numpy.dot(a, c)>."""
    na, nb = numpy.ndim(a), numpy.ndim(b)
    if na == 0 or nb == 0:
        return _scaled_adjoint(g, a, b)
    out = numpy.tensordot(a, g, axes=(list(range(na - 1)), list(range(na - 1))))
    return _as_float_of(numpy.moveaxis(out, 0, _dot_contracted_axis(b)), b)


def inner_adjoint_left(g, a, b):
    """The adjoint of ``a`` in ``numpy.inner(a, b)`` (sum over both last axes).

    Bilinear: <c, inner_adjoint_left(g, a, b)> = <g, numpy.inner(c, b)>."""
    na, nb = numpy.ndim(a), numpy.ndim(b)
    if na == 0 or nb == 0:
        return _scaled_adjoint(g, b, a)
    out = numpy.tensordot(g, b, axes=(list(range(na - 1, na - 1 + nb - 1)), list(range(nb - 1))))
    return _as_float_of(out, a)


def inner_adjoint_right(g, a, b):
    """The adjoint of ``b`` in ``numpy.inner(a, b)``.

    Bilinear: <c, inner_adjoint_right(g, a, b)> = <g, numpy.inner(a, c)>."""
    na, nb = numpy.ndim(a), numpy.ndim(b)
    if na == 0 or nb == 0:
        return _scaled_adjoint(g, a, b)
    out = numpy.tensordot(g, a, axes=(list(range(na - 1)), list(range(na - 1))))
    return _as_float_of(out, b)


def untrace(g, a, offset=0, axis1=0, axis2=1):
    """Zeros shaped like ``a`` with ``g`` on the diagonal that ``numpy.trace`` sums."""
    shape = numpy.shape(a)
    result = numpy.zeros(shape, dtype=_float_dtype(a) or numpy.float64)
    moved = numpy.moveaxis(result, (axis1, axis2), (-2, -1))
    n1, n2 = moved.shape[-2:]
    rows = numpy.arange(max(0, -offset), max(0, min(n1, n2 - offset)))
    moved[..., rows, rows + offset] = numpy.expand_dims(g, -1)
    return result
