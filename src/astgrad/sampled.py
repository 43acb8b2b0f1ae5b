"""Helpers of the rules of NumPy's functions of sampled data: ``numpy.trapezoid``,
``numpy.interp`` and ``numpy.convolve``.

Each function is linear in some of its arguments; the helpers are the pieces of those
linear maps and their transposes, in pairs, so that their own rules
(``rules/runtime_rules.py``) give every order. Generated code calls them through
``astgrad.runtime``.
"""

import numpy


def _along(ndim, axis, part):
    """An index of ``part`` (a slice or a position) along ``axis`` of ``ndim`` dimensions."""
    index = [slice(None)] * ndim
    index[axis] = part
    return tuple(index)


def _float_like(values, *like):
    """``values`` as an array of the float dtype arithmetic on ``like`` gives (float32
    stays float32, integers give float64)."""
    dtype = numpy.result_type(*like, 1.0)
    return numpy.asarray(values, dtype=dtype if dtype.kind in "fc" else numpy.float64)


def is_none(x):
    """Whether ``x`` is None (a factor 0 or 1 of a derivative given only without it)."""
    return x is None


# -- trapezoid(y, x, dx, axis) = sum(y * weights(spacing), axis) ---------------------------

def trapezoid_spacing(x, y, axis=-1, dx=1.0):
    """The spacing of ``numpy.trapezoid``'s samples, laid along ``axis`` of ``y``: ``dx``
    without ``x``, else the differences of ``x`` (a 1-D ``x`` along that axis). Linear
    in ``x``; its transpose is ``trapezoid_unspacing``."""
    if x is None:
        return dx
    x = numpy.asarray(x)
    if x.ndim == 1:
        shape = [1] * numpy.ndim(y)
        shape[axis] = x.shape[0] - 1
        return numpy.reshape(numpy.diff(x), shape)
    return numpy.diff(x, axis=axis)


def trapezoid_unspacing(g, x, y, axis=-1):
    """The transpose of ``trapezoid_spacing`` in ``x``: ``g`` (of the spacing's shape)
    taken back to ``x``'s shape."""
    g = numpy.asarray(g)
    if numpy.ndim(x) == 1:
        g, axis = numpy.reshape(g, (-1,)), 0
    zero = numpy.zeros_like(g[_along(g.ndim, axis, slice(0, 1))])
    return numpy.concatenate([zero, g], axis=axis) - numpy.concatenate([g, zero], axis=axis)


def trapezoid_weights(s, y, axis=-1):
    """The weight of each sample of ``y`` in ``numpy.trapezoid`` given the spacing ``s``
    (broadcast along ``axis``): half the spacing on each side of the sample. Linear in
    ``s``; its transpose is ``trapezoid_pairs``."""
    shape = list(numpy.shape(y))
    shape[axis] = max(shape[axis] - 1, 0)
    s = numpy.broadcast_to(_float_like(s, y, s), shape)
    zero = numpy.zeros_like(s[_along(len(shape), axis, slice(0, 1))])
    return (numpy.concatenate([s, zero], axis=axis) + numpy.concatenate([zero, s], axis=axis)) / 2.0


def trapezoid_pairs(g, s, axis=-1):
    """The transpose of ``trapezoid_weights``: the mean of each two neighbours of ``g``
    along ``axis``, summed to the shape of the spacing ``s``."""
    g = numpy.asarray(g)
    pairs = (g[_along(g.ndim, axis, slice(1, None))] + g[_along(g.ndim, axis, slice(None, -1))]) / 2.0
    return _sum_to(pairs, s)


def _sum_to(g, x):
    """``g`` summed down to the shape of ``x`` (the transpose of broadcasting ``x``), a
    number for a number."""
    shape = numpy.shape(x)
    lead = g.ndim - len(shape)
    g = numpy.sum(g, axis=tuple(range(lead)) + tuple(lead + i for i, n in enumerate(shape) if n == 1),
                  keepdims=True)
    g = numpy.reshape(g, shape)
    return g if isinstance(x, numpy.ndarray) else g[()]
