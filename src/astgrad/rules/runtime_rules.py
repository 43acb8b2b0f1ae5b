"""Derivatives of astgrad's own runtime helpers, so generated code (which calls them)
can be differentiated again: ``grad(grad(f))`` needs the vocabulary closed.

Most helpers are linear in their first argument, and their adjoints are each
other's transposes: unbroadcast <-> broadcast_like, unreduce <-> numpy.sum,
unindex <-> indexing, spread <-> gather, group_axes <-> ungroup_axes, ...
The adjoint helpers of bilinear products (matmul, dot, inner) are bilinear too:
``<c, matmul_adjoint_left(g, x, y)> = <g, c @ y>``, which gives their rules.
"""

import numpy

from .. import runtime
from ..runtime import (
    adjoint_spec, broadcast_like, cast_like, cofactors_change, cofactors_second_change, contract,
    diagonal_mask, dot_adjoint_left, dot_adjoint_right, gather, group_axes, inner_adjoint_left, inner_adjoint_right,
    matmul_adjoint_left, matmul_adjoint_right, operand_shape, prod_except, spread, stack_like,
    tangent_spec, unbroadcast, unconcatenate, ungroup_axes, unindex, unreduce, unstack,
    unstack_like, untrace, unique_gather, unique_scatter, concatenated_part, concatenated_spread,
    extremum_part, extremum_gather, if_empty, current_row, unless_view, when_view, written_into,
    written_part, in_place, through_store,
)
from .registry import adjoint, d, non_differentiable, tangent, unsupported


@adjoint(unbroadcast)
def unbroadcast_(y, g, x):
    d[g] = broadcast_like(d[y], g)


@tangent(unbroadcast)
def unbroadcast_(y, g, x):
    d[y] = unbroadcast(d[g], x)


@adjoint(broadcast_like)
def broadcast_like_(y, g, x):
    d[g] = unbroadcast(d[y], g)


@tangent(broadcast_like)
def broadcast_like_(y, g, x):
    d[y] = broadcast_like(d[g], x)


@adjoint(unreduce)
def unreduce_(y, g, x, axis=None, keepdims=False):
    d[g] = numpy.sum(d[y], axis=axis, keepdims=keepdims)


@tangent(unreduce)
def unreduce_(y, g, x, axis=None, keepdims=False):
    d[y] = unreduce(d[g], x, axis, keepdims)


@adjoint(unindex)
def unindex_(y, g, x, index):
    d[g] = d[y][index]


@tangent(unindex)
def unindex_(y, g, x, index):
    d[y] = unindex(d[g], x, index)


@adjoint(cast_like)                 # runtime.float_like is runtime.cast_like
def cast_like_(y, g, x, dtype=None):
    d[g] = cast_like(d[y], g, dtype)


@tangent(cast_like)
def cast_like_(y, g, x, dtype=None):
    d[y] = cast_like(d[g], x, dtype)


# y op= v: the result cast into y's dtype (exact in the adjoint's direction, where the
# narrower value widens), so the derivative passes through; y gives only a dtype and shape
@adjoint(in_place)
def in_place_(y, value, like):
    d[value] = d[y]


@tangent(in_place)
def in_place_(y, value, like):
    d[y] = in_place(d[value], like)


@adjoint(unstack_like)
def unstack_like_(y, g, x, dtype=None):
    d[g] = stack_like(d[y], g, dtype)


@tangent(unstack_like)
def unstack_like_(y, g, x, dtype=None):
    d[y] = unstack_like(d[g], x, dtype)


@adjoint(stack_like)
def stack_like_(y, h, g, dtype=None):
    d[h] = unstack_like(d[y], h, dtype)


@tangent(stack_like)
def stack_like_(y, h, g, dtype=None):
    d[y] = stack_like(d[h], g, dtype)


@adjoint(spread)
def spread_(y, g, xs):
    d[g] = gather(d[y], g)


@tangent(spread)
def spread_(y, g, xs):
    d[y] = spread(d[g], xs)


@adjoint(gather)
def gather_(y, h, g):
    d[h] = spread(d[y], h)


@tangent(gather)
def gather_(y, h, g):
    d[y] = gather(d[h], g)


@adjoint(unconcatenate)
def unconcatenate_(y, g, arrays, axis=0):
    d[g] = numpy.concatenate(d[y], axis=axis)


@tangent(unconcatenate)
def unconcatenate_(y, g, arrays, axis=0):
    d[y] = unconcatenate(d[g], arrays, axis)


@adjoint(unstack)
def unstack_(y, g, arrays, axis=0):
    d[g] = numpy.stack(d[y], axis=axis)


@tangent(unstack)
def unstack_(y, g, arrays, axis=0):
    d[y] = unstack(d[g], arrays, axis)


@adjoint(group_axes)
def group_axes_(y, x, axis=None):
    d[x] = ungroup_axes(d[y], x, axis)


@tangent(group_axes)
def group_axes_(y, x, axis=None):
    d[y] = group_axes(d[x], axis)


@adjoint(ungroup_axes)
def ungroup_axes_(y, g, x, axis=None):
    d[g] = group_axes(d[y], axis)


@tangent(ungroup_axes)
def ungroup_axes_(y, g, x, axis=None):
    d[y] = ungroup_axes(d[g], x, axis)


# r[j] = prod over k != j of b[k] (b: x with the reduced axes grouped last). Its
# derivative needs products over k != i, j: prod_except of the (n, n) array B with
# B[i, k] = b[k] off the diagonal and 1 on it. Only derivatives build B; the
# primal prod_except is O(n).
@adjoint(prod_except)
def prod_except_(r, x, axis=None):
    b = group_axes(x, axis)
    same = diagonal_mask(b)
    others = prod_except(numpy.where(same, 1.0, numpy.expand_dims(b, -2)), -1)
    d[x] = ungroup_axes(numpy.sum(numpy.where(same, 0.0, numpy.expand_dims(group_axes(d[r], axis), -1) * others),
                                  axis=-2), x, axis)


@tangent(prod_except)
def prod_except_(r, x, axis=None):
    b = group_axes(x, axis)
    same = diagonal_mask(b)
    others = prod_except(numpy.where(same, 1.0, numpy.expand_dims(b, -2)), -1)
    d[r] = ungroup_axes(numpy.sum(numpy.where(same, 0.0, numpy.expand_dims(group_axes(d[x], axis), -2) * others),
                                  axis=-1), x, axis)


@adjoint(matmul_adjoint_left)
def matmul_adjoint_left_(r, g, x, y):
    d[g] = numpy.matmul(d[r], y)
    d[y] = matmul_adjoint_right(g, d[r], y)


@tangent(matmul_adjoint_left)
def matmul_adjoint_left_(r, g, x, y):
    d[r] = matmul_adjoint_left(d[g], x, y)
    d[r] = matmul_adjoint_left(g, x, d[y])


@adjoint(matmul_adjoint_right)
def matmul_adjoint_right_(r, g, x, y):
    d[g] = numpy.matmul(x, d[r])
    d[x] = matmul_adjoint_left(g, x, d[r])


@tangent(matmul_adjoint_right)
def matmul_adjoint_right_(r, g, x, y):
    d[r] = matmul_adjoint_right(d[g], x, y)
    d[r] = matmul_adjoint_right(g, d[x], y)


@adjoint(dot_adjoint_left)
def dot_adjoint_left_(r, g, a, b):
    d[g] = numpy.dot(d[r], b)
    d[b] = dot_adjoint_right(g, d[r], b)


@tangent(dot_adjoint_left)
def dot_adjoint_left_(r, g, a, b):
    d[r] = dot_adjoint_left(d[g], a, b)
    d[r] = dot_adjoint_left(g, a, d[b])


@adjoint(dot_adjoint_right)
def dot_adjoint_right_(r, g, a, b):
    d[g] = numpy.dot(a, d[r])
    d[a] = dot_adjoint_left(g, a, d[r])


@tangent(dot_adjoint_right)
def dot_adjoint_right_(r, g, a, b):
    d[r] = dot_adjoint_right(d[g], a, b)
    d[r] = dot_adjoint_right(g, d[a], b)


@adjoint(inner_adjoint_left)
def inner_adjoint_left_(r, g, a, b):
    d[g] = numpy.inner(d[r], b)
    d[b] = inner_adjoint_right(g, d[r], b)


@tangent(inner_adjoint_left)
def inner_adjoint_left_(r, g, a, b):
    d[r] = inner_adjoint_left(d[g], a, b)
    d[r] = inner_adjoint_left(g, a, d[b])


@adjoint(inner_adjoint_right)
def inner_adjoint_right_(r, g, a, b):
    d[g] = numpy.inner(a, d[r])
    d[a] = inner_adjoint_left(g, a, d[r])


@tangent(inner_adjoint_right)
def inner_adjoint_right_(r, g, a, b):
    d[r] = inner_adjoint_right(d[g], a, b)
    d[r] = inner_adjoint_right(g, d[a], b)


@adjoint(untrace)
def untrace_(y, g, a, offset=0, axis1=0, axis2=1):
    d[g] = numpy.trace(d[y], offset, axis1, axis2)


@tangent(untrace)
def untrace_(y, g, a, offset=0, axis1=0, axis2=1):
    d[y] = untrace(d[g], a, offset, axis1, axis2)


@adjoint(contract)
def contract_(y, spec, shape, *tensors):
    d[tensors] = contract(adjoint_spec(spec, argnum), operand_shape(tensors, argnum), d[y], *tensors)


@tangent(contract)
def contract_(y, spec, shape, *tensors):
    d[y] = contract(tangent_spec(spec, argnum), shape, d[tensors], *tensors)


# unique_gather / unique_scatter are linear in their first argument and each other's
# transpose; x and y only say where the first occurrences are.
@adjoint(unique_gather)
def unique_gather_(out, h, x, y, axis=None):
    d[h] = unique_scatter(d[out], x, y, axis)


@tangent(unique_gather)
def unique_gather_(out, h, x, y, axis=None):
    d[out] = unique_gather(d[h], x, y, axis)


@adjoint(unique_scatter)
def unique_scatter_(out, g, x, y, axis=None):
    d[g] = unique_gather(d[out], x, y, axis)


@tangent(unique_scatter)
def unique_scatter_(out, g, x, y, axis=None):
    d[out] = unique_scatter(d[g], x, y, axis)


# concatenated_part / concatenated_spread (numpy.r_, numpy.c_) are linear in their first
# argument and each other's transpose; the items only say where elements go.
@adjoint(concatenated_part)
def concatenated_part_(out, g, concatenator, items, argnum):
    d[g] = concatenated_spread(d[out], concatenator, items, argnum)


@tangent(concatenated_part)
def concatenated_part_(out, g, concatenator, items, argnum):
    d[out] = concatenated_part(d[g], concatenator, items, argnum)


@adjoint(concatenated_spread)
def concatenated_spread_(out, t, concatenator, items, argnum):
    d[t] = concatenated_part(d[out], concatenator, items, argnum)


@tangent(concatenated_spread)
def concatenated_spread_(out, t, concatenator, items, argnum):
    d[out] = concatenated_spread(d[t], concatenator, items, argnum)


# extremum_part / extremum_gather (builtin max/min) are linear in their first argument
# and each other's transpose; if_empty is its own transpose.
@adjoint(extremum_part)
def extremum_part_(out, g, args, y, argnum, key=None):
    d[g] = extremum_gather(d[out], args, y, argnum, key)


@tangent(extremum_part)
def extremum_part_(out, g, args, y, argnum, key=None):
    d[out] = extremum_part(d[g], args, y, argnum, key)


@adjoint(extremum_gather)
def extremum_gather_(out, t, args, y, argnum, key=None):
    d[t] = extremum_part(d[out], args, y, argnum, key)


@tangent(extremum_gather)
def extremum_gather_(out, t, args, y, argnum, key=None):
    d[out] = extremum_gather(d[t], args, y, argnum, key)


@adjoint(if_empty)
def if_empty_(out, g, args, like):
    d[g] = if_empty(d[out], args, g)


@tangent(if_empty)
def if_empty_(out, g, args, like):
    d[out] = if_empty(d[g], args, like)

@adjoint(runtime.written_part)
def written_part_(y, g, index):
    d[g] = written_into(d[y], g, index)


@tangent(runtime.written_part)
def written_part_(y, g, index):
    d[y] = written_part(d[g], index)


@adjoint(runtime.written_into)
def written_into_(y, h, g, index):
    d[h] = written_part(d[y], index)


@tangent(runtime.written_into)
def written_into_(y, h, g, index):
    d[y] = written_into(d[h], g, index)


# through_store(g, container) is g, or zeros when container is an int or bool array: linear in g
@adjoint(runtime.through_store)
def through_store_(y, g, container):
    d[g] = through_store(d[y], container)


@tangent(runtime.through_store)
def through_store_(y, g, container):
    d[y] = through_store(d[g], container)


# row = current_row(row, array, index): array[index] again when row is a view of array
@adjoint(runtime.current_row)
def current_row_(r, row, array, index):
    d[row] = unless_view(d[r], row, array)
    d[array] = unindex(when_view(d[r], row, array), array, index)


@tangent(runtime.current_row)
def current_row_(r, row, array, index):
    d[r] = unless_view(d[row], row, array)
    d[r] = when_view(d[array][index], row, array)


@adjoint(runtime.when_view)
def when_view_(y, g, row, array):
    d[g] = when_view(d[y], row, array)


@tangent(runtime.when_view)
def when_view_(y, g, row, array):
    d[y] = when_view(d[g], row, array)


@adjoint(runtime.unless_view)
def unless_view_(y, g, row, array):
    d[g] = unless_view(d[y], row, array)


@tangent(runtime.unless_view)
def unless_view_(y, g, row, array):
    d[y] = unless_view(d[g], row, array)
# scale, over and power are *, / and ** for derivatives (see runtime.py); their first
# argument is a derivative, and the zero-stays-zero reading carries over to their rules.
@adjoint(runtime.scale)
def scale_(y, g, factor):
    d[g] = unbroadcast(runtime.scale(d[y], factor), g)
    d[factor] = unbroadcast(runtime.scale(g, d[y]), factor)


@tangent(runtime.scale)
def scale_(y, g, factor):
    d[y] = broadcast_like(runtime.scale(d[g], factor), y)
    d[y] = broadcast_like(runtime.scale(g, d[factor]), y)


@adjoint(runtime.over)
def over_(y, g, divisor):
    d[g] = unbroadcast(runtime.over(d[y], divisor), g)
    d[divisor] = unbroadcast(-runtime.over(runtime.scale(y, d[y]), divisor), divisor)


@tangent(runtime.over)
def over_(y, g, divisor):
    d[y] = broadcast_like(runtime.over(d[g], divisor), y)
    d[y] = broadcast_like(-runtime.over(runtime.scale(y, d[divisor]), divisor), y)


@adjoint(runtime.power)
def power_(z, x, exponent):
    d[x] = unbroadcast(runtime.scale(runtime.scale(d[z], exponent), runtime.power(x, exponent - 1)), x)
    d[exponent] = unbroadcast(runtime.scale(runtime.scale(d[z], z), numpy.log(numpy.where(x > 0, x, 1.0))),
                              exponent)


@tangent(runtime.power)
def power_(z, x, exponent):
    d[z] = broadcast_like(runtime.scale(runtime.scale(d[x], exponent), runtime.power(x, exponent - 1)), z)
    d[z] = broadcast_like(runtime.scale(runtime.scale(d[exponent], z), numpy.log(numpy.where(x > 0, x, 1.0))),
                          z)


@adjoint(runtime.inverse_or_zero)
def inverse_or_zero_(r, y):
    d[y] = -d[r] * r * r


@tangent(runtime.inverse_or_zero)
def inverse_or_zero_(r, y):
    d[r] = -d[y] * r * r


# The derivatives of det past the first, as gradients of multilinear forms: det_cofactors(a)
# is the gradient of d det(a)[.], cofactors_change(a, h) of d2 det(a)[h, .] and
# cofactors_second_change(a, h, k) of d3 det(a)[h, k, .]. Each form is symmetric in all
# its arguments, so every adjoint is the next helper with the cotangent as one more
# direction. All are polynomials in a, computed from an SVD: finite at singular matrices.
@adjoint(runtime.det_cofactors)
def det_cofactors_(c, a):
    d[a] = cofactors_change(a, d[c])


@tangent(runtime.det_cofactors)
def det_cofactors_(c, a):
    d[c] = cofactors_change(a, d[a])


@adjoint(cofactors_change)
def cofactors_change_(c, a, h):
    d[a] = cofactors_second_change(a, h, d[c])
    d[h] = cofactors_change(a, d[c])


@tangent(cofactors_change)
def cofactors_change_(c, a, h):
    d[c] = cofactors_second_change(a, h, d[a])
    d[c] = cofactors_change(a, d[h])


# Linear in h and k; its derivative in a (a fourth derivative of det) is refused.
@adjoint(cofactors_second_change)
def cofactors_second_change_(c, a, h, k):
    d[a] = unsupported(d[c], "derivatives of numpy.linalg.det past the third order are not supported")
    d[h] = cofactors_second_change(a, d[c], k)
    d[k] = cofactors_second_change(a, h, d[c])


@tangent(cofactors_second_change)
def cofactors_second_change_(c, a, h, k):
    d[c] = unsupported(d[a], "derivatives of numpy.linalg.det past the third order are not supported")
    d[c] = cofactors_second_change(a, d[h], k)
    d[c] = cofactors_second_change(a, h, d[k])


non_differentiable(
    runtime.check_array_method, runtime.check_float_dtype, runtime.is_index_concatenator, runtime.stop_gradient, runtime.zeros_like, runtime.is_sequence, runtime.repeat_count,
    runtime.tie_weights, runtime.select_weight, runtime.clip_weight, runtime.diagonal_mask,
    runtime.inverse_axes, runtime.method_axes, runtime.method_shape, runtime.norm_axis,
    runtime.linspace_weights, runtime.arange_has_stop, runtime.arange_index,
    runtime.einsum_adjoint_spec, runtime.einsum_tangent_spec, runtime.adjoint_spec,
    runtime.tangent_spec, runtime.operand_shape,
    runtime.matches_sequence, runtime.matches_mapping, runtime.matches_class,
    runtime.enter_context, runtime.exit_context,
)


# -- helpers of shape and assembly functions (rules/shape_rules.py): each linear helper's
# adjoint is its transpose, named in runtime.py's section on them.
@adjoint(runtime.assemble)
def assemble_(y, parts, how):
    d[parts] = runtime.unassemble(d[y], parts, how)


@tangent(runtime.assemble)
def assemble_(y, parts, how):
    d[y] = runtime.assemble(d[parts], how)


@adjoint(runtime.unassemble)
def unassemble_(y, g, arrays, how):
    d[g] = runtime.assemble(d[y], how)


@tangent(runtime.unassemble)
def unassemble_(y, g, arrays, how):
    d[y] = runtime.unassemble(d[g], arrays, how)


@adjoint(runtime.unsplit)
def unsplit_(y, g, ary, pieces):
    d[g] = runtime.split_as(d[y], ary, pieces)


@tangent(runtime.unsplit)
def unsplit_(y, g, ary, pieces):
    d[y] = runtime.unsplit(d[g], ary, pieces)


@adjoint(runtime.split_as)
def split_as_(y, t, ary, pieces):
    d[t] = runtime.unsplit(d[y], ary, pieces)


@tangent(runtime.split_as)
def split_as_(y, t, ary, pieces):
    d[y] = runtime.split_as(d[t], ary, pieces)


@adjoint(runtime.unatleast)
def unatleast_(y, g, arys, argnum):
    d[g] = runtime.atleast_as(d[y], g, arys, argnum)


@tangent(runtime.unatleast)
def unatleast_(y, g, arys, argnum):
    d[y] = runtime.unatleast(d[g], arys, argnum)


@adjoint(runtime.atleast_as)
def atleast_as_(out, t, y, arys, argnum):
    d[t] = runtime.unatleast(d[out], arys, argnum)


@tangent(runtime.atleast_as)
def atleast_as_(out, t, y, arys, argnum):
    d[out] = runtime.atleast_as(d[t], y, arys, argnum)


@adjoint(runtime.unappend)
def unappend_(y, g, arr, values, axis, which):
    d[g] = runtime.append_as(d[y], arr, values, axis, which)


@tangent(runtime.unappend)
def unappend_(y, g, arr, values, axis, which):
    d[y] = runtime.unappend(d[g], arr, values, axis, which)


@adjoint(runtime.append_as)
def append_as_(y, t, arr, values, axis, which):
    d[t] = runtime.unappend(d[y], arr, values, axis, which)


@tangent(runtime.append_as)
def append_as_(y, t, arr, values, axis, which):
    d[y] = runtime.append_as(d[t], arr, values, axis, which)


@adjoint(runtime.untile)
def untile_(y, g, a, reps):
    d[g] = numpy.tile(d[y], reps)


@tangent(runtime.untile)
def untile_(y, g, a, reps):
    d[y] = runtime.untile(d[g], a, reps)


@adjoint(runtime.unrepeat)
def unrepeat_(y, g, a, repeats, axis=None):
    d[g] = numpy.repeat(d[y], repeats, axis)


@tangent(runtime.unrepeat)
def unrepeat_(y, g, a, repeats, axis=None):
    d[y] = runtime.unrepeat(d[g], a, repeats, axis)


@adjoint(runtime.undiag)
def undiag_(y, g, v, k=0):
    d[g] = numpy.diag(d[y], k)


@tangent(runtime.undiag)
def undiag_(y, g, v, k=0):
    d[y] = runtime.undiag(d[g], v, k)


@adjoint(runtime.undiagonal)
def undiagonal_(y, g, a, offset=0, axis1=0, axis2=1):
    d[g] = numpy.diagonal(d[y], offset, axis1, axis2)


@tangent(runtime.undiagonal)
def undiagonal_(y, g, a, offset=0, axis1=0, axis2=1):
    d[y] = runtime.undiagonal(d[g], a, offset, axis1, axis2)


@adjoint(runtime.untake)
def untake_(y, g, a, indices, axis=None, mode="raise"):
    d[g] = numpy.take(d[y], indices, axis, mode=mode)


@tangent(runtime.untake)
def untake_(y, g, a, indices, axis=None, mode="raise"):
    d[y] = runtime.untake(d[g], a, indices, axis, mode)


@adjoint(runtime.untake_along_axis)
def untake_along_axis_(y, g, arr, indices, axis):
    d[g] = numpy.take_along_axis(d[y], indices, axis)


@tangent(runtime.untake_along_axis)
def untake_along_axis_(y, g, arr, indices, axis):
    d[y] = runtime.untake_along_axis(d[g], arr, indices, axis)


@adjoint(runtime.pad_gather)
def pad_gather_(y, t, array, pad_width, mode="constant", reflect_type="even"):
    d[t] = runtime.pad_scatter(d[y], array, pad_width, mode, reflect_type)


@tangent(runtime.pad_gather)
def pad_gather_(y, t, array, pad_width, mode="constant", reflect_type="even"):
    d[y] = runtime.pad_gather(d[t], array, pad_width, mode, reflect_type)


@adjoint(runtime.pad_scatter)
def pad_scatter_(y, g, array, pad_width, mode="constant", reflect_type="even"):
    d[g] = runtime.pad_gather(d[y], array, pad_width, mode, reflect_type)


@tangent(runtime.pad_scatter)
def pad_scatter_(y, g, array, pad_width, mode="constant", reflect_type="even"):
    d[y] = runtime.pad_scatter(d[g], array, pad_width, mode, reflect_type)


@adjoint(runtime.unselect)
def unselect_(y, g, condlist, choicelist, default=0):
    d[g] = runtime.select_parts(d[y], condlist, g)


@tangent(runtime.unselect)
def unselect_(y, g, condlist, choicelist, default=0):
    d[y] = runtime.unselect(d[g], condlist, choicelist, default)


@adjoint(runtime.select_parts)
def select_parts_(y, h, condlist, g):
    d[h] = runtime.unselect(d[y], condlist, h)


@tangent(runtime.select_parts)
def select_parts_(y, h, condlist, g):
    d[y] = runtime.select_parts(d[h], condlist, g)


@adjoint(runtime.unselect_default)
def unselect_default_(y, g, condlist, default):
    d[g] = runtime.unselect_default(broadcast_like(d[y], g), condlist, g)


@tangent(runtime.unselect_default)
def unselect_default_(y, g, condlist, default):
    d[y] = runtime.unselect_default(d[g], condlist, default)


@adjoint(runtime.unchoose)
def unchoose_(y, g, a, choices, mode="raise"):
    d[g] = runtime.choose_parts(d[y], a, g, mode)


@tangent(runtime.unchoose)
def unchoose_(y, g, a, choices, mode="raise"):
    d[y] = runtime.unchoose(d[g], a, choices, mode)


@adjoint(runtime.choose_parts)
def choose_parts_(y, h, a, g, mode="raise"):
    d[h] = runtime.unchoose(d[y], a, h, mode)


@tangent(runtime.choose_parts)
def choose_parts_(y, h, a, g, mode="raise"):
    d[y] = runtime.choose_parts(d[h], a, g, mode)


non_differentiable(runtime.rollaxis_axes, runtime.along_axis_index)


# -- helpers of numpy.fft (rules/fft_rules.py): each is linear, and its adjoint is the
# transform it undoes the padding of (see runtime.py's numpy.fft section)
@adjoint(runtime.complex_transform)
def complex_transform_(y, t, s=None, axes=None, inverse=False, norm=None):
    d[t] = runtime.complex_transpose(d[y], t, s, axes, inverse, norm)


@tangent(runtime.complex_transform)
def complex_transform_(y, t, s=None, axes=None, inverse=False, norm=None):
    d[y] = runtime.complex_transform(d[t], s, axes, inverse, norm)


@adjoint(runtime.complex_transpose)
def complex_transpose_(y, g, a, s=None, axes=None, inverse=False, norm=None):
    d[g] = runtime.complex_transform(d[y], s, axes, inverse, norm)


@tangent(runtime.complex_transpose)
def complex_transpose_(y, g, a, s=None, axes=None, inverse=False, norm=None):
    d[y] = runtime.complex_transpose(d[g], a, s, axes, inverse, norm)


@adjoint(runtime.rfft_transpose)
def rfft_transpose_(y, g, x, s=None, axes=None, norm=None):
    d[g] = runtime.real_rfft(d[y], s, axes, norm)


@tangent(runtime.rfft_transpose)
def rfft_transpose_(y, g, x, s=None, axes=None, norm=None):
    d[y] = runtime.rfft_transpose(d[g], x, s, axes, norm)


@adjoint(runtime.real_rfft)
def real_rfft_(y, t, s=None, axes=None, norm=None):
    d[t] = runtime.rfft_transpose(d[y], t, s, axes, norm)


@tangent(runtime.real_rfft)
def real_rfft_(y, t, s=None, axes=None, norm=None):
    d[y] = runtime.real_rfft(d[t], s, axes, norm)


@adjoint(runtime.irfft_transpose)
def irfft_transpose_(y, g, a, s=None, axes=None, norm=None):
    d[g] = runtime.real_irfft(d[y], s, axes, norm)


@tangent(runtime.irfft_transpose)
def irfft_transpose_(y, g, a, s=None, axes=None, norm=None):
    d[y] = runtime.irfft_transpose(d[g], a, s, axes, norm)


@adjoint(runtime.real_irfft)
def real_irfft_(y, t, s=None, axes=None, norm=None):
    d[t] = runtime.irfft_transpose(d[y], t, s, axes, norm)


@tangent(runtime.real_irfft)
def real_irfft_(y, t, s=None, axes=None, norm=None):
    d[y] = runtime.real_irfft(d[t], s, axes, norm)


@adjoint(runtime.imag_adjoint)
def imag_adjoint_(y, g, val):
    d[g] = numpy.imag(d[y])


@tangent(runtime.imag_adjoint)
def imag_adjoint_(y, g, val):
    d[y] = runtime.imag_adjoint(d[g], val)
