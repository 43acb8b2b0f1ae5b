"""Derivatives of NumPy's shape and assembly functions.

Every function here is linear in its array arguments: the tangent is the function
applied to the tangent, and the adjoint is its transpose, written with a runtime
helper (``unsplit``, ``untile``, ``pad_scatter``, ...) whose own rules make the
adjoint differentiable again (see ``runtime_rules.py``). Index arguments (indices,
shifts, repeats, conditions) carry no derivative.

Functions whose result is a list of arrays (``split`` and its relatives, and
``atleast_1d`` given several arrays) take and give one derivative per array.
"""

import numpy
from numpy.lib.stride_tricks import sliding_window_view

from ..runtime import (
    assemble, atleast_as, broadcast_like, choose_parts, inverse_axes, pad_gather, pad_scatter,
    rollaxis_axes, select_parts, split_as, unappend, unassemble, unatleast, unbroadcast, unchoose,
    undiag, undiagonal, unrepeat, unselect, unselect_default, unsplit, untake, untake_along_axis,
    untile, unwindow, append_as, insert_as, undelete, uninsert, stack_like, unstack_like,
    unmeshgrid, meshgrid_as, unblock, block_as,
)
from .declare import linear
from .registry import FRESH, VIEW, adjoint, d, register, tangent, unsupported

# ---------------------------------------------------------------------------------
# atleast_1d, atleast_2d, atleast_3d: reshapes (a tuple of them for several arrays)
# ---------------------------------------------------------------------------------


@adjoint(numpy.atleast_1d)
def atleast_1d(y, *arys):
    d[arys] = unatleast(d[y], arys, argnum)


@tangent(numpy.atleast_1d)
def atleast_1d(y, *arys):
    d[y] = atleast_as(d[arys], y, arys, argnum)


@adjoint(numpy.atleast_2d)
def atleast_2d(y, *arys):
    d[arys] = unatleast(d[y], arys, argnum)


@tangent(numpy.atleast_2d)
def atleast_2d(y, *arys):
    d[y] = atleast_as(d[arys], y, arys, argnum)


@adjoint(numpy.atleast_3d)
def atleast_3d(y, *arys):
    d[arys] = unatleast(d[y], arys, argnum)


@tangent(numpy.atleast_3d)
def atleast_3d(y, *arys):
    d[y] = atleast_as(d[arys], y, arys, argnum)


# ---------------------------------------------------------------------------------
# Assembly: hstack, vstack, dstack, column_stack, row_stack, append
# ---------------------------------------------------------------------------------


@adjoint(numpy.hstack)
def hstack(y, tup, *, dtype=None, casting="same_kind"):
    d[tup] = unassemble(d[y], tup, "h")


@tangent(numpy.hstack)
def hstack(y, tup, *, dtype=None, casting="same_kind"):
    d[y] = assemble(d[tup], "h")


@adjoint(numpy.vstack)
def vstack(y, tup, *, dtype=None, casting="same_kind"):
    d[tup] = unassemble(d[y], tup, "v")


@tangent(numpy.vstack)
def vstack(y, tup, *, dtype=None, casting="same_kind"):
    d[y] = assemble(d[tup], "v")


@adjoint(numpy.dstack)
def dstack(y, tup):
    d[tup] = unassemble(d[y], tup, "d")


@tangent(numpy.dstack)
def dstack(y, tup):
    d[y] = assemble(d[tup], "d")


@adjoint(numpy.column_stack)
def column_stack(y, tup):
    d[tup] = unassemble(d[y], tup, "c")


@tangent(numpy.column_stack)
def column_stack(y, tup):
    d[y] = assemble(d[tup], "c")


if hasattr(numpy, "row_stack") and numpy.row_stack is not numpy.vstack:    # gone in newer NumPy
    @adjoint(numpy.row_stack)
    def row_stack(y, tup, *, dtype=None, casting="same_kind"):
        d[tup] = unassemble(d[y], tup, "v")

    @tangent(numpy.row_stack)
    def row_stack(y, tup, *, dtype=None, casting="same_kind"):
        d[y] = assemble(d[tup], "v")


@adjoint(numpy.append)
def append(y, arr, values, axis=None):
    d[arr] = unappend(d[y], arr, values, axis, 0)
    d[values] = unappend(d[y], arr, values, axis, 1)


@tangent(numpy.append)
def append(y, arr, values, axis=None):
    d[y] = append_as(d[arr], arr, values, axis, 0)
    d[y] = append_as(d[values], arr, values, axis, 1)


# insert(arr, obj, values, axis): arr's and values' elements placed by NumPy's own insert
# (any obj: a position, a list, a slice; values broadcast); arr or values may be a list
@adjoint(numpy.insert)
def insert(y, arr, obj, values, axis=None):
    d[arr] = unstack_like(uninsert(d[y], arr, obj, values, axis, 0), arr)
    d[values] = unstack_like(uninsert(d[y], arr, obj, values, axis, 1), values)


@tangent(numpy.insert)
def insert(y, arr, obj, values, axis=None):
    d[y] = insert_as(stack_like(d[arr], numpy.asarray(arr)), arr, obj, values, axis, 0)
    d[y] = insert_as(stack_like(d[values], numpy.asarray(values)), arr, obj, values, axis, 1)


# delete(arr, obj, axis) keeps the other elements: its transpose puts them back, zeros between
linear(numpy.delete, lambda y, arr, obj, axis=None: unstack_like(undelete(d[y], arr, obj, axis), arr))


# ---------------------------------------------------------------------------------
# meshgrid: one grid per input, that input repeated along the other axes;
# block: nested lists of arrays joined along the axes their depths give
# ---------------------------------------------------------------------------------


@adjoint(numpy.meshgrid)
def meshgrid(y, *xi, copy=True, sparse=False, indexing="xy"):
    d[xi] = unmeshgrid(d[y], y, xi, argnum, indexing)


@tangent(numpy.meshgrid)
def meshgrid(y, *xi, copy=True, sparse=False, indexing="xy"):
    d[y] = meshgrid_as(d[xi], y, xi, argnum, indexing)


def _meshgrid_copies(copy=True, **_):
    """Refuse ``copy=False``, whose grids are views of the inputs (and of one another)."""
    if not copy:
        raise NotImplementedError("numpy.meshgrid(..., copy=False) gives grids that are views of the inputs, "
                                  "which astgrad does not follow; leave out copy=False")


register(numpy.meshgrid, literal_check=_meshgrid_copies)


@adjoint(numpy.block)
def block(y, arrays):
    d[arrays] = unblock(d[y], arrays)


@tangent(numpy.block)
def block(y, arrays):
    d[y] = block_as(d[arrays], arrays)


# ---------------------------------------------------------------------------------
# Splitting: the result is a list of arrays
# ---------------------------------------------------------------------------------


@adjoint(numpy.split)
def split(y, ary, indices_or_sections, axis=0):
    d[ary] = unsplit(d[y], ary, y)


@tangent(numpy.split)
def split(y, ary, indices_or_sections, axis=0):
    d[y] = split_as(d[ary], ary, y)


@adjoint(numpy.array_split)
def array_split(y, ary, indices_or_sections, axis=0):
    d[ary] = unsplit(d[y], ary, y)


@tangent(numpy.array_split)
def array_split(y, ary, indices_or_sections, axis=0):
    d[y] = split_as(d[ary], ary, y)


@adjoint(numpy.hsplit)
def hsplit(y, ary, indices_or_sections):
    d[ary] = unsplit(d[y], ary, y)


@tangent(numpy.hsplit)
def hsplit(y, ary, indices_or_sections):
    d[y] = split_as(d[ary], ary, y)


@adjoint(numpy.vsplit)
def vsplit(y, ary, indices_or_sections):
    d[ary] = unsplit(d[y], ary, y)


@tangent(numpy.vsplit)
def vsplit(y, ary, indices_or_sections):
    d[y] = split_as(d[ary], ary, y)


@adjoint(numpy.dsplit)
def dsplit(y, ary, indices_or_sections):
    d[ary] = unsplit(d[y], ary, y)


@tangent(numpy.dsplit)
def dsplit(y, ary, indices_or_sections):
    d[y] = split_as(d[ary], ary, y)


# ---------------------------------------------------------------------------------
# Copies and rearrangements: tile, repeat, fliplr, flipud, roll, rot90, rollaxis
# ---------------------------------------------------------------------------------

linear(numpy.tile, lambda y, A, reps: untile(d[y], A, reps), result=FRESH)
linear(numpy.repeat, lambda y, a, repeats, axis=None: unrepeat(d[y], a, repeats, axis), result=FRESH)
linear(numpy.fliplr, lambda y, m: numpy.fliplr(d[y]))
linear(numpy.flipud, lambda y, m: numpy.flipud(d[y]))
linear(numpy.roll, lambda y, a, shift, axis=None: numpy.roll(d[y], numpy.negative(shift), axis), result=FRESH)
linear(numpy.rot90, lambda y, m, k=1, axes=(0, 1): numpy.rot90(d[y], -k, axes))
linear(numpy.rollaxis, lambda y, a, axis, start=0:
       numpy.transpose(d[y], inverse_axes(rollaxis_axes(a, axis, start), a)))


# ---------------------------------------------------------------------------------
# Diagonals and triangles
# ---------------------------------------------------------------------------------

linear(numpy.diag, lambda y, v, k=0: undiag(d[y], v, k))
linear(numpy.diagonal, lambda y, a, offset=0, axis1=0, axis2=1: undiagonal(d[y], a, offset, axis1, axis2),
       methods=(numpy.ndarray.diagonal,))
linear(sliding_window_view, lambda y, x, window_shape, axis=None, *, subok=False, writeable=False: unwindow(
    d[y], x, window_shape, axis), result=VIEW)
linear(numpy.linalg.diagonal, lambda y, x, *, offset=0: undiagonal(d[y], x, offset, -2, -1), result=VIEW)
linear(numpy.matrix_transpose, lambda y, x: numpy.matrix_transpose(d[y]), result=VIEW)
linear(numpy.linalg.matrix_transpose, lambda y, x: numpy.linalg.matrix_transpose(d[y]), result=VIEW)
linear(numpy.ndarray.mT, lambda y, self: numpy.matrix_transpose(d[y]), apply=numpy.matrix_transpose, result=VIEW)
linear(numpy.diagflat, lambda y, v, k=0: numpy.reshape(numpy.diagonal(d[y], k), numpy.shape(v)))
# triu and tril of a vector broadcast it to a square matrix first.
linear(numpy.triu, lambda y, m, k=0: unbroadcast(numpy.triu(d[y], k), m), result=FRESH)
linear(numpy.tril, lambda y, m, k=0: unbroadcast(numpy.tril(d[y], k), m), result=FRESH)


# ---------------------------------------------------------------------------------
# pad: modes that copy elements (constant, edge, reflect, symmetric, wrap)
# ---------------------------------------------------------------------------------


@adjoint(numpy.pad)
def pad(y, array, pad_width, mode="constant", *, stat_length=None, constant_values=0, end_values=0,
        reflect_type="even"):
    d[array] = pad_scatter(d[y], array, pad_width, mode, reflect_type)
    d[constant_values] = unsupported(d[y], "numpy.pad: a derivative with respect to constant_values "
                                           "is not supported; pad with 0 and add the constant")


@tangent(numpy.pad)
def pad(y, array, pad_width, mode="constant", *, stat_length=None, constant_values=0, end_values=0,
        reflect_type="even"):
    d[y] = pad_gather(d[array], array, pad_width, mode, reflect_type)
    d[y] = unsupported(d[constant_values], "numpy.pad: a derivative with respect to constant_values "
                                           "is not supported; pad with 0 and add the constant")


# ---------------------------------------------------------------------------------
# Gathering: take, take_along_axis, select, choose
# ---------------------------------------------------------------------------------


@adjoint(numpy.take)
def take(y, a, indices, axis=None, out=None, mode="raise"):
    d[a] = untake(d[y], a, indices, axis, mode)


@tangent(numpy.take)
def take(y, a, indices, axis=None, out=None, mode="raise"):
    d[y] = numpy.take(d[a], indices, axis, mode=mode)


# extract(condition, arr) is take(arr, flatnonzero(condition)): arr flattened, read where
# condition (flattened) is not 0; condition only chooses, and has no derivative
@adjoint(numpy.extract)
def extract(y, condition, arr):
    d[arr] = untake(d[y], arr, numpy.flatnonzero(condition))


@tangent(numpy.extract)
def extract(y, condition, arr):
    d[y] = numpy.extract(condition, d[arr])


# compress(condition, a, axis) is take(a, flatnonzero(condition), axis) (a flattened when
# axis is None): condition only chooses, and has no derivative
@adjoint(numpy.compress)
def compress(y, condition, a, axis=None, out=None):
    d[a] = untake(d[y], a, numpy.flatnonzero(condition), axis)


@tangent(numpy.compress)
def compress(y, condition, a, axis=None, out=None):
    d[y] = numpy.compress(condition, d[a], axis)


@adjoint(numpy.ndarray.compress)
def compress_method(y, self, condition, axis=None, out=None):
    d[self] = untake(d[y], self, numpy.flatnonzero(condition), axis)


@tangent(numpy.ndarray.compress)
def compress_method(y, self, condition, axis=None, out=None):
    d[y] = numpy.compress(condition, d[self], axis)


register(numpy.extract, result=FRESH)
register(numpy.compress, result=FRESH)
register(numpy.ndarray.compress, result=FRESH)


linear(numpy.take_along_axis, lambda y, arr, indices, axis=-1:
       untake_along_axis(d[y], arr, indices, axis), result=FRESH)


@adjoint(numpy.select)
def select(y, condlist, choicelist, default=0):
    d[choicelist] = unselect(d[y], condlist, choicelist, default)
    d[default] = unselect_default(d[y], condlist, default)


@tangent(numpy.select)
def select(y, condlist, choicelist, default=0):
    d[y] = select_parts(d[choicelist], condlist, y)
    d[y] = unselect_default(broadcast_like(d[default], y), condlist, y)


@adjoint(numpy.choose)
def choose(y, a, choices, out=None, mode="raise"):
    d[choices] = unchoose(d[y], a, choices, mode)


@tangent(numpy.choose)
def choose(y, a, choices, out=None, mode="raise"):
    d[y] = choose_parts(d[choices], a, y, mode)


# real_if_close of a real array returns it unchanged.
@adjoint(numpy.real_if_close)
def real_if_close(y, a, tol=100):
    d[a] = d[y]


@tangent(numpy.real_if_close)
def real_if_close(y, a, tol=100):
    d[y] = d[a]
