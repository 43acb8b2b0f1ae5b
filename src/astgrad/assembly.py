"""Helpers of the rules of NumPy's shape and assembly functions (``rules/shape_rules.py``):
each linear helper with its transpose (split, tile, repeat, diag, diagonal, take,
take_along_axis, pad, select, choose, atleast, append, meshgrid, block, sliding windows,
reduceat, put). Generated code finds them through ``astgrad.runtime``.
"""

import numbers

import numpy

from .adjoint_values import AdjointList, _float_dtype
from .sequences import spread, _pieces_adjoint
from .linear_algebra import _as_float_of
from .core import originals

# the helpers call NumPy as astgrad found it (see runtime.py)
numpy = originals.snapshot(numpy)


# -- shapes and assembly (rules in runtime_rules.py; used by rules/shape_rules.py) ----------
#
# Each linear helper comes with its transpose: unassemble <-> assemble, unsplit <->
# split_as, untile <-> numpy.tile, unrepeat <-> numpy.repeat, undiag <-> numpy.diag,
# undiagonal <-> numpy.diagonal, untake <-> numpy.take, untake_along_axis <->
# numpy.take_along_axis, pad_scatter <-> pad_gather, unselect <-> select_parts,
# unchoose <-> choose_parts, unatleast <-> atleast_as, unappend <-> append_as, unwindow <->
# sliding_window_view.

def _dense(g, like):
    """A derivative piece ``g`` (which may be a zero placeholder) as an array shaped
    like ``like``, in like's float dtype."""
    dtype = _float_dtype(like) or _float_dtype(g) or numpy.float64
    if g is None:
        return numpy.zeros(numpy.shape(like), dtype=dtype)
    if numpy.shape(g) != numpy.shape(like):
        g = numpy.broadcast_to(g, numpy.shape(like))
    return numpy.asarray(g) if numpy.result_type(g) == dtype or _float_dtype(g) is not None \
        else numpy.asarray(g, dtype=dtype)


def _as_like(out, x):
    """``out`` (shaped like x) in x's float dtype, a NumPy scalar when x is a number."""
    out = _as_float_of(out, x)
    if isinstance(out, numpy.ndarray) and out.ndim == 0 and not isinstance(x, numpy.ndarray):
        return out[()]
    return out


_ASSEMBLERS = {"h": numpy.hstack, "v": numpy.vstack, "d": numpy.dstack, "c": numpy.column_stack}


def _assembly_layout(shapes, how):
    """The shape each array takes inside ``numpy.{h,v,d,column_}stack`` and the axis
    they are joined along."""
    if how == "h":
        shapes = [s if len(s) else (1,) for s in shapes]
        return shapes, 0 if len(shapes[0]) == 1 else 1
    if how == "v":
        return [s if len(s) >= 2 else (1,) + (s or (1,)) for s in shapes], 0
    if how == "d":
        return [numpy.atleast_3d(numpy.zeros(s)).shape for s in shapes], 2
    return [s if len(s) >= 2 else (s + (1,) if s else (1, 1)) for s in shapes], 1


def assemble(parts, how):
    """``numpy.hstack(parts)`` for how='h' ('v', 'd', 'c': vstack, dstack, column_stack),
    the pieces given as derivatives (zero placeholders allowed)."""
    return _ASSEMBLERS[how]([numpy.asarray(0.0 if p is None else p) for p in parts])


def unassemble(g, arrays, how):
    """The derivative of ``numpy.hstack(arrays)`` (and vstack, dstack, column_stack)
    cut back into one derivative per array, each shaped like its array."""
    shapes, axis = _assembly_layout([numpy.shape(a) for a in arrays], how)
    sizes = [s[axis] for s in shapes]
    pieces = numpy.split(numpy.asarray(g), numpy.cumsum(sizes)[:-1], axis=axis)
    return _pieces_adjoint([_as_like(numpy.reshape(p, numpy.shape(a)), a) for p, a in zip(pieces, arrays)], arrays)


def _split_axis(ary, pieces):
    """The axis along which ``ary`` was cut into ``pieces``: the one where their shapes
    differ from ary's (any axis, 0, when there is a single whole piece)."""
    shape = numpy.shape(ary)
    for piece in pieces:
        for axis, (m, n) in enumerate(zip(numpy.shape(piece), shape)):
            if m != n:
                return axis
    return 0


def unsplit(g, ary, pieces):
    """The adjoint of ``pieces = numpy.split(ary, ...)`` (array_split, hsplit, vsplit,
    dsplit): the pieces' derivatives ``g`` joined back into one shaped like ary."""
    axis = _split_axis(ary, pieces)
    dense = [_dense(gi, piece) for gi, piece in zip(g, pieces)]
    out = numpy.concatenate(dense, axis=axis) if dense else numpy.zeros(numpy.shape(ary))
    return _as_like(out, ary)


def split_as(t, ary, pieces):
    """``t`` (shaped like ary) cut where ``ary`` was cut into ``pieces``: the transpose
    of ``unsplit``."""
    axis = _split_axis(ary, pieces)
    sizes = [numpy.shape(p)[axis] for p in pieces]
    return AdjointList(numpy.split(numpy.asarray(t), numpy.cumsum(sizes)[:-1], axis=axis))


def unatleast(g, arys, argnum):
    """The adjoint of argument ``argnum`` of ``numpy.atleast_{1,2,3}d(*arys)``: its part
    of ``g`` (the one result, or item argnum of the tuple) shaped like the argument."""
    part = g if len(arys) == 1 else g[argnum]
    x = arys[argnum]
    if part is None:
        part = numpy.zeros(numpy.shape(x), dtype=_float_dtype(x) or numpy.float64)
    return _as_like(numpy.reshape(part, numpy.shape(x)), x)


def atleast_as(t, y, arys, argnum):
    """The tangent of ``y = numpy.atleast_{1,2,3}d(*arys)`` from argument argnum's
    tangent ``t``: t reshaped to its result, zeros for the other results (the
    transpose of ``unatleast``)."""
    if not isinstance(y, (list, tuple)):
        return numpy.reshape(t, numpy.shape(y))
    return AdjointList(numpy.reshape(t, numpy.shape(v)) if i == argnum else numpy.zeros(numpy.shape(v))
                       for i, v in enumerate(y))


def _grid_axis(count, argnum, indexing):
    """The axis along which ``numpy.meshgrid`` lays input ``argnum`` of ``count``: its own,
    but the first two swapped with ``indexing="xy"`` (the default)."""
    if indexing == "xy" and count > 1 and argnum < 2:
        return 1 - argnum
    return argnum


def unmeshgrid(g, y, xs, argnum, indexing="xy"):
    """The adjoint of input ``argnum`` of ``y = numpy.meshgrid(*xs, indexing=...)``: the
    derivative of its grid, summed over the axes it is repeated along (none of them
    with ``sparse=True``), shaped like the input."""
    x = xs[argnum]
    part = _dense(g[argnum] if g is not None else None, y[argnum])
    axis = _grid_axis(len(xs), argnum, indexing)
    others = tuple(a for a in range(part.ndim) if a != axis)
    return _as_like(numpy.reshape(numpy.sum(part, axis=others), numpy.shape(x)), x)


def meshgrid_as(t, y, xs, argnum, indexing="xy"):
    """The tangent of ``y = numpy.meshgrid(*xs, ...)`` from input argnum's tangent ``t``:
    t laid along its axis of its grid, zeros for the other grids (the transpose of
    ``unmeshgrid``)."""
    axis = _grid_axis(len(xs), argnum, indexing)
    out = []
    for i, v in enumerate(y):
        if i != argnum:
            out.append(numpy.zeros(numpy.shape(v), dtype=_float_dtype(v) or numpy.float64))
            continue
        line = [1] * numpy.ndim(v)
        line[axis] = -1
        out.append(numpy.array(numpy.broadcast_to(numpy.reshape(t, line), numpy.shape(v))))
    return AdjointList(out)


def _block_labels(arrays, counter):
    """``arrays`` (numpy.block's nested lists) with each leaf replaced by an integer array
    of its shape holding its position in C order among the leaves."""
    if isinstance(arrays, list):
        return [_block_labels(a, counter) for a in arrays]
    counter.append(None)
    return numpy.full(numpy.shape(arrays), len(counter) - 1)


def _block_pieces(g, labels, arrays, counter):
    """The derivative of each leaf of ``arrays``: the elements of ``g`` its label marks,
    in order (a leaf fills a box of the result, whose C order is the leaf's)."""
    if isinstance(arrays, list):
        return AdjointList(_block_pieces(g, labels, a, counter) for a in arrays)
    counter.append(None)
    piece = g[labels == len(counter) - 1]
    return _as_like(numpy.reshape(piece, numpy.shape(arrays)), arrays)


def unblock(g, arrays):
    """The adjoint of ``numpy.block(arrays)``: ``g`` cut back into one derivative per
    leaf of the nested lists, shaped like it."""
    labels = numpy.block(_block_labels(arrays, []))
    g = numpy.broadcast_to(0.0 if g is None else g, numpy.shape(labels))
    return _block_pieces(g, numpy.broadcast_to(labels, numpy.shape(g)), arrays, [])


def _block_tangents(t, arrays):
    """The tangents ``t`` of the leaves of ``arrays``, zeros where a leaf has none."""
    if isinstance(arrays, list):
        return [_block_tangents(None if t is None else t[i], a) for i, a in enumerate(arrays)]
    return _dense(t, arrays)


def block_as(t, arrays):
    """The tangent of ``numpy.block(arrays)`` from the leaves' tangents ``t`` (the
    transpose of ``unblock``)."""
    return numpy.block(_block_tangents(t, arrays))


def unappend(g, arr, values, axis, which):
    """The adjoint of ``numpy.append(arr, values, axis)`` for arr (which=0) or values (1)."""
    x = (arr, values)[which]
    if axis is None:
        flat = numpy.ravel(g)
        n = numpy.size(arr)
        part = flat[:n] if which == 0 else flat[n:]
    else:
        n = numpy.shape(arr)[axis]
        index = [slice(None)] * numpy.ndim(g)
        index[axis] = slice(None, n) if which == 0 else slice(n, None)
        part = numpy.asarray(g)[tuple(index)]
    return _as_like(numpy.reshape(part, numpy.shape(x)), x)


def append_as(t, arr, values, axis, which):
    """The tangent of ``numpy.append(arr, values, axis)`` from arr's (which=0) or
    values' (1) tangent ``t``: zeros where the other went. The transpose of unappend."""
    zero_arr = numpy.zeros(numpy.shape(arr), dtype=_float_dtype(t) or numpy.float64)
    zero_values = numpy.zeros(numpy.shape(values), dtype=zero_arr.dtype)
    if which == 0:
        return numpy.append(numpy.reshape(t, numpy.shape(arr)), zero_values, axis)
    return numpy.append(zero_arr, numpy.reshape(t, numpy.shape(values)), axis)


def untile(g, a, reps):
    """The adjoint of ``numpy.tile(a, reps)``: ``g`` summed over the copies, shaped like a."""
    reps = (reps,) if isinstance(reps, numbers.Integral) else tuple(reps)
    shape = numpy.shape(a)
    ndim = max(len(shape), len(reps))
    shape_full = (1,) * (ndim - len(shape)) + tuple(shape)
    reps = (1,) * (ndim - len(reps)) + reps
    split = tuple(n for pair in zip(reps, shape_full) for n in pair)
    out = numpy.sum(numpy.reshape(g, split), axis=tuple(range(0, 2 * ndim, 2)))
    return _as_like(numpy.reshape(out, shape), a)


def unrepeat(g, a, repeats, axis=None):
    """The adjoint of ``numpy.repeat(a, repeats, axis)``: the copies of each element added up."""
    shape = numpy.shape(a)
    flat = axis is None
    n = numpy.size(a) if flat else shape[axis]
    owner = numpy.repeat(numpy.arange(n), numpy.broadcast_to(repeats, (n,)) if numpy.ndim(repeats) else repeats)
    moved = numpy.moveaxis(numpy.asarray(g), 0 if flat else axis, 0)
    out = numpy.zeros((n,) + moved.shape[1:], dtype=_float_dtype(a) or _float_dtype(g) or numpy.float64)
    numpy.add.at(out, owner, moved)
    out = numpy.reshape(out, shape) if flat else numpy.moveaxis(out, 0, axis)
    return _as_like(out, a)


def undiag(g, v, k=0):
    """The adjoint of ``numpy.diag(v, k)``: the k-th diagonal of ``g`` when v is a vector,
    ``g`` laid on the k-th diagonal of zeros shaped like v when v is a matrix."""
    if numpy.ndim(v) == 1:
        return _as_like(numpy.diagonal(g, k).copy(), v)
    out = numpy.zeros(numpy.shape(v), dtype=_float_dtype(v) or _float_dtype(g) or numpy.float64)
    rows = numpy.arange(numpy.size(g))
    out[rows + max(0, -k), rows + max(0, k)] = g
    return out


def undiagonal(g, a, offset=0, axis1=0, axis2=1):
    """The adjoint of ``numpy.diagonal(a, offset, axis1, axis2)``: zeros shaped like a
    with ``g`` on that diagonal."""
    out = numpy.zeros(numpy.shape(a), dtype=_float_dtype(a) or _float_dtype(g) or numpy.float64)
    moved = numpy.moveaxis(out, (axis1, axis2), (-2, -1))
    rows = numpy.arange(numpy.shape(g)[-1])
    moved[..., rows + max(0, -offset), rows + max(0, offset)] = g
    return out


def unwindow(g, x, window_shape, axis=None):
    """The adjoint of ``sliding_window_view(x, window_shape, axis)``: zeros shaped like x
    with each window of ``g`` added back where it was taken from (windows overlap). A
    window offset along an axis named twice moves the start by the sum of its offsets."""
    shape = numpy.shape(x)
    window = tuple(numpy.atleast_1d(window_shape).tolist())
    axes = range(len(shape)) if axis is None else numpy.atleast_1d(axis).tolist()
    axes = [a % len(shape) for a in axes]
    g = numpy.asarray(g)
    outer = g.shape[:len(shape)]
    out = numpy.zeros(shape, dtype=_float_dtype(x) or _float_dtype(g) or numpy.float64)
    for offsets in numpy.ndindex(*window):
        starts = [0] * len(shape)
        for a, o in zip(axes, offsets):
            starts[a] += o
        out[tuple(slice(s, s + n) for s, n in zip(starts, outer))] += g[(Ellipsis,) + offsets]
    return out


def rollaxis_axes(a, axis, start=0):
    """The permutation ``numpy.rollaxis(a, axis, start)`` applies (as transpose's axes)."""
    ndim = numpy.ndim(a)
    axis = axis % ndim
    start = start + ndim if start < 0 else start
    if axis < start:
        start -= 1
    order = [i for i in range(ndim) if i != axis]
    order.insert(start, axis)
    return tuple(order)


def _take_positions(indices, n, mode):
    indices = numpy.asarray(indices)
    if mode == "wrap":
        return indices % n
    if mode == "clip":
        return numpy.clip(indices, 0, n - 1)
    return indices


def _segments(n, indices):
    """Which of n positions each segment of ``ufunc.reduceat(..., indices)`` holds, a
    boolean (segments, n): segment i runs from indices[i] to indices[i + 1] (to the end
    for the last), or is the one element indices[i] where the next index is not larger."""
    starts = numpy.asarray(indices, dtype=numpy.intp).ravel()
    ends = numpy.append(starts[1:], n)
    ends = numpy.where(ends > starts, ends, starts + 1)
    positions = numpy.arange(n)
    return (positions >= starts[:, None]) & (positions < ends[:, None])


def reduceat_segments(array, indices, axis=0):
    """``_segments`` of ``ufunc.reduceat(array, indices, axis)``: (segments, n) booleans."""
    return _segments(numpy.shape(array)[axis], indices)


def reduceat_tie_weights(array, y, indices, axis=0):
    """d ``numpy.maximum.reduceat(array, indices, axis)`` (or minimum's, y its result) /
    d array, with the reduced axis last: shape (..., segments, n), each segment's 1 split
    evenly among the elements of it equal to its result (as for max and min)."""
    a = numpy.moveaxis(numpy.asarray(array), axis, -1)
    chosen = _segments(a.shape[-1], indices) & (a[..., None, :] == numpy.moveaxis(numpy.asarray(y), axis, -1)[..., None])
    dtype = _float_dtype(array) or numpy.float64
    return numpy.asarray(chosen / numpy.sum(chosen, axis=-1, keepdims=True), dtype=dtype)


def unreduceat(g, array, indices, axis=0):
    """The adjoint of ``numpy.add.reduceat(array, indices, axis)``: each element of
    ``array`` gets the cotangent of every result whose segment (``_segments``) holds it."""
    member = _segments(numpy.shape(array)[axis], indices)          # (results, n)
    dtype = _float_dtype(g) or _float_dtype(array) or numpy.float64
    spread = numpy.matmul(numpy.moveaxis(numpy.asarray(g, dtype=dtype), axis, -1), member.astype(dtype))
    return numpy.moveaxis(spread, -1, axis)


def untake(g, a, indices, axis=None, mode="raise"):
    """The adjoint of ``numpy.take(a, indices, axis, mode=mode)``: ``g`` added back at the
    positions taken (repeats add up)."""
    shape = numpy.shape(a)
    dtype = _float_dtype(a) or _float_dtype(g) or numpy.float64
    if axis is None:
        out = numpy.zeros(numpy.size(a), dtype=dtype)
        numpy.add.at(out, _take_positions(indices, out.size, mode), g)
        return _as_like(numpy.reshape(out, shape), a)
    axis = axis % len(shape)
    out = numpy.zeros(shape, dtype=dtype)
    positions = _take_positions(indices, shape[axis], mode)
    index = (slice(None),) * axis + (positions,)
    numpy.add.at(out, index, g)
    return out


def _along_axis_index(shape, indices, axis):
    """The index tuple NumPy's take_along_axis uses: ``a[index]`` is the result."""
    indices = numpy.asarray(indices)
    ndim = len(shape)
    axis = axis % ndim
    index = []
    for dim in range(ndim):
        if dim == axis:
            index.append(indices)
        else:
            fancy_shape = [1] * ndim
            fancy_shape[dim] = shape[dim]
            index.append(numpy.arange(shape[dim]).reshape(fancy_shape))
    return tuple(index)


def diagonal_index(shape, values):
    """``numpy.fill_diagonal(arr, values)`` is ``arr[index] = values`` with this index of
    the main diagonal (a[i, i, ..., i]) of an array shaped ``shape``, raising where NumPy
    raises; ``values`` one number or one per diagonal entry (NumPy would repeat fewer
    and drop more)."""
    if len(shape) < 2:
        raise ValueError("array must be at least 2-d")
    if len(shape) > 2 and len(set(shape)) > 1:
        raise ValueError("All dimensions of input must be of equal length")
    count = min(shape)
    if numpy.size(values) != 1 and numpy.shape(values) != (count,):
        raise ValueError(f"astgrad: numpy.fill_diagonal was given values shaped {numpy.shape(values)} for a "
                         f"diagonal of {count} entries; astgrad follows it with one number or {count} "
                         f"values in a 1-d array (numpy.resize(values, {count}) repeats them as NumPy does)")
    return numpy.diag_indices(count, len(shape))


def along_axis_index(indices, arr, axis):
    """``numpy.put_along_axis(arr, indices, values, axis)`` is ``arr[index] = values``
    with this index (axis None: arr seen flattened). The index is made from
    ``indices``, never from arr's memory."""
    if axis is None:
        return numpy.unravel_index(numpy.asarray(indices) % max(numpy.size(arr), 1), numpy.shape(arr))
    return _along_axis_index(numpy.shape(arr), indices, axis)


_FLAT_WRITERS = {"put": numpy.put, "place": numpy.place, "putmask": numpy.putmask}


def put_marks(kind, y, where, values, mode="raise"):
    """For ``numpy.put(y, where, values, mode)`` (``kind`` "put"; "place" and "putmask"
    for ``numpy.place(y, where, values)`` and ``numpy.putmask``): an int array shaped like
    ``y`` holding, at each element the call writes, the flat position in ``values`` of
    the value written there (-1 elsewhere). NumPy's own function makes it, writing those
    positions into an int array, so its cycling of ``values``, its modes, its last write
    winning among repeated indices and its errors are NumPy's. ``y`` is read for its shape
    only; one that is not an array gets the TypeError NumPy raises for a list."""
    write = _FLAT_WRITERS[kind]
    if not isinstance(y, numpy.ndarray):
        raise TypeError(f"numpy.{kind}: argument 1 must be numpy.ndarray, not {type(y)}")
    marks = numpy.full(y.shape, -1, dtype=numpy.intp)
    sources = numpy.arange(numpy.size(values), dtype=numpy.intp)
    write(marks, where, sources, **({"mode": mode} if kind == "put" else {}))
    return marks


def check_place_values(values, array, where):
    """Stop where ``numpy.place(array, mask, values)`` (or into a view of ``array``) is
    given values sharing ``array``'s memory: NumPy places them element by element,
    reading values it has already replaced, while the derivative reads them first."""
    if isinstance(values, numpy.ndarray) and isinstance(array, numpy.ndarray) \
            and numpy.may_share_memory(values, array):
        raise ValueError(
            f"astgrad: {where}: numpy.place is given values that share the memory of the array it writes "
            "into; NumPy places them one by one, reading values it has already replaced, which astgrad does "
            "not follow. Pass a copy (vals.copy())")


def accumulate_sources(y, axis=0):
    """For ``y = numpy.maximum.accumulate(a, axis)`` (or minimum): the index along axis of
    the item of a each item of y is. NumPy keeps the running value where a ties it, so the
    source moves only where y changes: ties send the derivative to the first of them."""
    if numpy.ndim(y) == 0:
        raise ValueError("astgrad: maximum.accumulate and minimum.accumulate need an array of at least 1 dimension")
    axis = axis % numpy.ndim(y)
    moved = numpy.moveaxis(numpy.asarray(y), axis, -1)
    changed = numpy.concatenate((numpy.ones(moved.shape[:-1] + (1,), bool), moved[..., 1:] != moved[..., :-1]),
                                axis=-1)
    sources = numpy.maximum.accumulate(numpy.where(changed, numpy.arange(moved.shape[-1]), 0), axis=-1)
    return numpy.moveaxis(sources, -1, axis)
