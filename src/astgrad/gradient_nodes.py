"""Helpers of the derivative of ``numpy.gradient`` with respect to its spacing.

Along its axis, ``numpy.gradient`` gives at each sample ``i`` the derivative there of
the interpolant through ``i`` and its nodes ``A_i`` and ``B_i`` (the neighbours inside,
the next two samples at an edge of ``edge_order=2``; at an edge of ``edge_order=1`` only
the neighbour ``A_i``, and ``B_i = A_i`` marked unused by ``m_i = 0``). With the node
offsets ``a = x[A] - x[i]`` and ``b = x[B] - x[i]`` and the differences
``dA = f[A] - f[i]``, ``dB = f[B] - f[i]``, it is::

    g = b / (a * (b - m * a)) * dA - m * a / (b * (b - m * a)) * dB

NumPy's formulas (uniform or not, either edge order). The offsets are linear in the
spacing (a number ``h``: the coordinates ``h * i``; an array: the coordinates) and the
differences linear in ``f``: the helpers here are those linear maps and their
transposes, in pairs, and the rules (rules/runtime_rules.py, reduction_rules.py) write
the rest with NumPy's arithmetic, so every order follows. Generated code calls them
through ``astgrad.runtime``.
"""

import numpy

_ONE_ARRAY = ("astgrad follows the derivative of numpy.gradient with respect to its spacing where the call "
              "gives one array (f of one dimension, or axis=k); this call gives {n}: call np.gradient(f, h, axis=k) "
              "once per axis")


def _axis(f, axis):
    """The one axis ``numpy.gradient(f, ..., axis=axis)`` differentiates along (raising
    a clear error where it gives several arrays)."""
    ndim = numpy.ndim(f)
    axes = tuple(range(ndim)) if axis is None else (axis if isinstance(axis, tuple) else (axis,))
    if len(axes) != 1:
        raise ValueError(_ONE_ARRAY.format(n=f"{len(axes)} arrays"))
    return int(axes[0]) % ndim


def _nodes(n, which, edge_order):
    """The index of node ``which`` (0: A, 1: B) of each of ``n`` samples."""
    rows = numpy.arange(n)
    if which == 0:
        nodes = rows - 1
        nodes[0] = 1
        return nodes
    nodes = rows + 1
    nodes[-1] = n - 3 if edge_order == 2 else n - 2
    nodes[0] = 2 if edge_order == 2 else 1
    return nodes


def node_mask(f, axis=None, edge_order=1):
    """``m``: 1.0 at the samples whose interpolant uses node B, 0.0 at the edges of
    ``edge_order=1``; shaped to broadcast along the axis of ``f``."""
    ax = _axis(f, axis)
    n = numpy.shape(f)[ax]
    mask = numpy.ones(n, dtype=numpy.result_type(numpy.asarray(f), 1.0))
    if edge_order == 1:
        mask[[0, -1]] = 0.0
    return _along(mask, numpy.ndim(f), ax)


def _along(v, ndim, ax):
    shape = [1] * ndim
    shape[ax] = -1
    return numpy.reshape(v, shape)


def node_offsets(s, which, f, axis=None, edge_order=1):
    """``x[node] - x[i]`` for the spacing ``s`` (a number: ``x = s * i``; an array: the
    coordinates ``x``) along the axis of ``f``, shaped to broadcast along it. Linear in
    ``s``; its transpose is ``node_unoffsets``."""
    ax = _axis(f, axis)
    n = numpy.shape(f)[ax]
    nodes = _nodes(n, which, edge_order)
    if numpy.ndim(s) == 0:
        steps = s * (nodes - numpy.arange(n)).astype(numpy.result_type(s, 1.0))
    else:
        x = numpy.asarray(s)
        steps = x[nodes] - x
    return _along(steps, numpy.ndim(f), ax)


def node_unoffsets(g, which, s, f, axis=None, edge_order=1):
    """The adjoint of ``node_offsets(s, which, f, axis, edge_order)`` with respect to
    ``s``, shaped like ``s``."""
    ax = _axis(f, axis)
    n = numpy.shape(f)[ax]
    nodes = _nodes(n, which, edge_order)
    g = numpy.reshape(g, (n,))
    dtype = numpy.result_type(numpy.asarray(s), 1.0)
    if numpy.ndim(s) == 0:
        out = numpy.asarray(numpy.sum(g * (nodes - numpy.arange(n))), dtype=dtype)
        return out if isinstance(s, numpy.ndarray) else out[()]
    out = numpy.zeros(n, dtype=dtype)
    numpy.add.at(out, nodes, g)
    return (out - g).astype(dtype, copy=False)


def node_differences(v, which, axis=None, edge_order=1):
    """``v[node] - v[i]`` along the axis ``numpy.gradient(v, axis=axis)`` takes (``which``
    None: both nodes' stacked). Linear in ``v``; its transpose is ``node_undifferences``."""
    v = numpy.asarray(v)
    if which is None:
        return numpy.stack([node_differences(v, 0, axis, edge_order), node_differences(v, 1, axis, edge_order)])
    ax = _axis(v, axis)
    return numpy.take(v, _nodes(v.shape[ax], which, edge_order), axis=ax) - v


def node_undifferences(g, which, v, axis=None, edge_order=1):
    """The adjoint of ``node_differences(v, which, axis, edge_order)``, shaped like ``v``."""
    g = numpy.asarray(g)
    if which is None:
        return node_undifferences(g[0], 0, v, axis, edge_order) + node_undifferences(g[1], 1, v, axis, edge_order)
    ax = _axis(v, axis)
    moved = numpy.moveaxis(g, ax, 0)
    out = numpy.zeros_like(moved)
    numpy.add.at(out, _nodes(moved.shape[0], which, edge_order), moved)
    return numpy.moveaxis(out, 0, ax) - g


# The partial derivatives of g above with respect to the offsets a and b, linear in the
# differences dA and dB (m is 0 or 1). Elementwise, with rules of their own (declared by
# their partials in rules/runtime_rules.py), so the rules of numpy.gradient's spacing
# read: d g = slope_by_a(...) * d a + slope_by_b(...) * d b.
def slope_by_a(a, b, m, dA, dB):
    """d g / d a."""
    return (-b * (b - 2 * m * a) * dA / a ** 2 - m * dB) / (b - m * a) ** 2


def slope_by_b(a, b, m, dA, dB):
    """d g / d b."""
    return (-m * dA + m * a * (2 * b - m * a) * dB / b ** 2) / (b - m * a) ** 2
