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
from numpy.lib.array_utils import normalize_axis_tuple

SEVERAL_SPACINGS = ("astgrad follows the derivative of numpy.gradient with respect to spacings given one per axis "
                    "where the call writes them out (np.gradient(f, x, y)); this call gives {n} arrays from spacings "
                    "it does not write out: write them in the call, or call np.gradient(f, h, axis=k) once per axis")


def gradient_axes(f, axis):
    """The axes ``numpy.gradient(f, ..., axis=axis)`` differentiates along, one per array it gives."""
    ndim = numpy.ndim(f)
    axes = tuple(range(ndim)) if axis is None else (axis if isinstance(axis, tuple) else (axis,))
    return tuple(int(ax) % ndim for ax in axes)


def _per_part(f, axis, one):
    """``one(ax)`` for the one axis of a call giving one array; for a call giving several,
    the parts stacked on a new first axis, each broadcast to the shape of ``f``."""
    axes = gradient_axes(f, axis)
    if len(axes) == 1:
        return one(axes[0])
    return numpy.stack([numpy.broadcast_to(one(ax), numpy.shape(f)) for ax in axes])


def gradient_axis(f, axis, k, count):
    """The axis of the ``k``-th of ``count`` spacings of ``numpy.gradient(f, *spacings,
    axis=axis)``, with NumPy's errors where the axes and the spacings do not match."""
    axes = normalize_axis_tuple(tuple(range(numpy.ndim(f))) if axis is None else axis, numpy.ndim(f))
    if len(axes) != count:
        raise TypeError("invalid number of arguments")
    return axes[k]


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
    ``edge_order=1``; shaped to broadcast along the axis of ``f`` (stacked per array)."""
    def one(ax):
        mask = numpy.ones(numpy.shape(f)[ax], dtype=numpy.result_type(numpy.asarray(f), 1.0))
        if edge_order == 1:
            mask[[0, -1]] = 0.0
        return _along(mask, numpy.ndim(f), ax)
    return _per_part(f, axis, one)


def _along(v, ndim, ax):
    shape = [1] * ndim
    shape[ax] = -1
    return numpy.reshape(v, shape)


def node_offsets(s, which, f, axis=None, edge_order=1):
    """``x[node] - x[i]`` for the spacing ``s`` (a number: ``x = s * i``; an array: the
    coordinates ``x``) along the axis of ``f``, shaped to broadcast along it (stacked per
    array: a number for all axes). Linear in ``s``; its transpose is ``node_unoffsets``."""
    def one(ax):
        n = numpy.shape(f)[ax]
        nodes = _nodes(n, which, edge_order)
        if numpy.ndim(s) == 0:
            steps = s * (nodes - numpy.arange(n)).astype(numpy.result_type(s, 1.0))
        else:
            x = numpy.asarray(s)
            steps = x[nodes] - x
        return _along(steps, numpy.ndim(f), ax)
    return _per_part(f, axis, one)


def node_unoffsets(g, which, s, f, axis=None, edge_order=1):
    """The adjoint of ``node_offsets(s, which, f, axis, edge_order)`` with respect to
    ``s``, shaped like ``s``."""
    axes = gradient_axes(f, axis)
    if len(axes) > 1:       # one number for all axes: the sum of each axis' adjoint
        others = [tuple(i for i in range(numpy.ndim(f)) if i != ax) for ax in axes]
        return sum(node_unoffsets(numpy.sum(numpy.asarray(g)[k], axis=others[k]), which, s, f, ax, edge_order)
                   for k, ax in enumerate(axes))
    n = numpy.shape(f)[axes[0]]
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
    """``v[node] - v[i]`` along the axis ``numpy.gradient(v, axis=axis)`` takes (stacked per
    array; ``which`` None: both nodes' stacked). Linear in ``v``; its transpose is
    ``node_undifferences``."""
    v = numpy.asarray(v)
    if which is None:
        return numpy.stack([node_differences(v, 0, axis, edge_order), node_differences(v, 1, axis, edge_order)])
    return _per_part(v, axis, lambda ax: numpy.take(v, _nodes(v.shape[ax], which, edge_order), axis=ax) - v)


def node_undifferences(g, which, v, axis=None, edge_order=1):
    """The adjoint of ``node_differences(v, which, axis, edge_order)``, shaped like ``v``."""
    g = numpy.asarray(g)
    if which is None:
        return node_undifferences(g[0], 0, v, axis, edge_order) + node_undifferences(g[1], 1, v, axis, edge_order)
    axes = gradient_axes(v, axis)
    if len(axes) > 1:
        return sum(node_undifferences(g[k], which, v, ax, edge_order) for k, ax in enumerate(axes))
    moved = numpy.moveaxis(g, axes[0], 0)
    out = numpy.zeros_like(moved)
    numpy.add.at(out, _nodes(moved.shape[0], which, edge_order), moved)
    return numpy.moveaxis(out, 0, axes[0]) - g


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
