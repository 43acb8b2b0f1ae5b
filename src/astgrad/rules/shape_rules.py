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

from ..runtime import (
    assemble, atleast_as, broadcast_like, choose_parts, inverse_axes, pad_gather, pad_scatter,
    rollaxis_axes, select_parts, split_as, unappend, unassemble, unatleast, unbroadcast, unchoose,
    undiag, undiagonal, unrepeat, unselect, unselect_default, unsplit, untake, untake_along_axis,
    untile, append_as,
)
from .declare import linear
from .registry import VIEW, adjoint, d, tangent, unsupported

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


@adjoint(numpy.tile)
def tile(y, A, reps):
    d[A] = untile(d[y], A, reps)


@tangent(numpy.tile)
def tile(y, A, reps):
    d[y] = numpy.tile(d[A], reps)


@adjoint(numpy.repeat)
def repeat(y, a, repeats, axis=None):
    d[a] = unrepeat(d[y], a, repeats, axis)


@tangent(numpy.repeat)
def repeat(y, a, repeats, axis=None):
    d[y] = numpy.repeat(d[a], repeats, axis)


@adjoint(numpy.fliplr)
def fliplr(y, m):
    d[m] = numpy.fliplr(d[y])


@tangent(numpy.fliplr)
def fliplr(y, m):
    d[y] = numpy.fliplr(d[m])


@adjoint(numpy.flipud)
def flipud(y, m):
    d[m] = numpy.flipud(d[y])


@tangent(numpy.flipud)
def flipud(y, m):
    d[y] = numpy.flipud(d[m])


@adjoint(numpy.roll)
def roll(y, a, shift, axis=None):
    d[a] = numpy.roll(d[y], numpy.negative(shift), axis)


@tangent(numpy.roll)
def roll(y, a, shift, axis=None):
    d[y] = numpy.roll(d[a], shift, axis)


@adjoint(numpy.rot90)
def rot90(y, m, k=1, axes=(0, 1)):
    d[m] = numpy.rot90(d[y], -k, axes)


@tangent(numpy.rot90)
def rot90(y, m, k=1, axes=(0, 1)):
    d[y] = numpy.rot90(d[m], k, axes)


@adjoint(numpy.rollaxis)
def rollaxis(y, a, axis, start=0):
    d[a] = numpy.transpose(d[y], inverse_axes(rollaxis_axes(a, axis, start), a))


@tangent(numpy.rollaxis)
def rollaxis(y, a, axis, start=0):
    d[y] = numpy.rollaxis(d[a], axis, start)


# ---------------------------------------------------------------------------------
# Diagonals and triangles
# ---------------------------------------------------------------------------------


@adjoint(numpy.diag)
def diag(y, v, k=0):
    d[v] = undiag(d[y], v, k)


@tangent(numpy.diag)
def diag(y, v, k=0):
    d[y] = numpy.diag(d[v], k)


@adjoint(numpy.diagonal)
def diagonal(y, a, offset=0, axis1=0, axis2=1):
    d[a] = undiagonal(d[y], a, offset, axis1, axis2)


@tangent(numpy.diagonal)
def diagonal(y, a, offset=0, axis1=0, axis2=1):
    d[y] = numpy.diagonal(d[a], offset, axis1, axis2)


linear(numpy.linalg.diagonal, lambda y, x, *, offset=0: undiagonal(d[y], x, offset, -2, -1), result=VIEW)
linear(numpy.matrix_transpose, lambda y, x: numpy.matrix_transpose(d[y]), result=VIEW)
linear(numpy.linalg.matrix_transpose, lambda y, x: numpy.linalg.matrix_transpose(d[y]), result=VIEW)


@adjoint(numpy.diagflat)
def diagflat(y, v, k=0):
    d[v] = numpy.reshape(numpy.diagonal(d[y], k), numpy.shape(v))


@tangent(numpy.diagflat)
def diagflat(y, v, k=0):
    d[y] = numpy.diagflat(d[v], k)


# triu and tril of a vector broadcast it to a square matrix first.
@adjoint(numpy.triu)
def triu(y, m, k=0):
    d[m] = unbroadcast(numpy.triu(d[y], k), m)


@tangent(numpy.triu)
def triu(y, m, k=0):
    d[y] = numpy.triu(d[m], k)


@adjoint(numpy.tril)
def tril(y, m, k=0):
    d[m] = unbroadcast(numpy.tril(d[y], k), m)


@tangent(numpy.tril)
def tril(y, m, k=0):
    d[y] = numpy.tril(d[m], k)


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


@adjoint(numpy.take_along_axis)
def take_along_axis(y, arr, indices, axis=-1):
    d[arr] = untake_along_axis(d[y], arr, indices, axis)


@tangent(numpy.take_along_axis)
def take_along_axis(y, arr, indices, axis=-1):
    d[y] = numpy.take_along_axis(d[arr], indices, axis)


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
