"""Derivatives of astgrad's own runtime helpers, so generated code (which calls them)
can be differentiated again: ``grad(grad(f))`` needs the vocabulary closed.

Most helpers are linear in their first argument, and their adjoints are each
other's transposes: unbroadcast <-> broadcast_like, unreduce <-> numpy.sum,
unindex <-> indexing, spread <-> gather, group_axes <-> ungroup_axes, ...
The adjoint helpers of bilinear products (matmul, dot, inner) are bilinear too:
``<c, matmul_adjoint_left(g, x, y)> = <g, c @ y>``, which gives their rules.
"""

import numpy
from numpy.lib.stride_tricks import sliding_window_view

from .. import runtime
from ..runtime import (
    adjoint_spec, broadcast_like, cast_like, cofactors_change, cofactors_second_change, contract,
    diagonal_mask, dot_adjoint_left, dot_adjoint_right, gather, group_axes, inner_adjoint_left, inner_adjoint_right,
    matmul_adjoint_left, matmul_adjoint_right, operand_shape, prod_except, spread, stack_like,
    tangent_spec, unbroadcast, unconcatenate, ungroup_axes, unindex, unreduce, unstack,
    unstack_like, untrace, unique_gather, unique_scatter, concatenated_part, concatenated_spread,
    extremum_part, extremum_gather, if_empty, current_row, unless_view, when_view, written_into,
    written_part, in_place, through_store, unbroadcast_stored, added_at, insert_as, uninsert, undelete,
    flat_not_held, flat_read_once, list_rows, seed_shaped_like, unmeshgrid, meshgrid_as, unblock, block_as,
    node_differences, node_offsets, node_undifferences, node_unoffsets, stack_fitted, unstack_fitted, split_parts,
    stacked_parts, outer_operand, outer_spread, unouter, unreduceat, running_linear, shifted_along, unshifted_along,
    first_along,
)
from .declare import elementwise, linear
from .registry import FRESH, adjoint, d, declare, non_differentiable, tangent, unsupported


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
def unreduce_(y, g, x, axis=None, keepdims=False, where=True):
    d[g] = numpy.sum(d[y], axis=axis, keepdims=keepdims, where=where)


@tangent(unreduce)
def unreduce_(y, g, x, axis=None, keepdims=False, where=True):
    d[y] = unreduce(d[g], x, axis, keepdims, where)


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
def in_place_(y, value, like, derivative=False, op=None):
    d[value] = d[y]


@tangent(in_place)
def in_place_(y, value, like, derivative=False, op=None):
    d[y] = in_place(d[value], like, derivative=True)


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


# numpy.apply_along_axis's results, each broadcast to the first one's shape, stacked
linear(stack_fitted, lambda y, arrays: unstack_fitted(d[y], arrays))
linear(unstack_fitted, lambda y, g, arrays: stack_fitted(d[y]))


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


@adjoint(runtime.quarter_turn)
def quarter_turn_(y, z):
    d[z] = runtime.quarter_turn(d[y])


@tangent(runtime.quarter_turn)
def quarter_turn_(y, z):
    d[y] = runtime.quarter_turn(d[z])


@adjoint(contract)
def contract_(y, spec, shape, *tensors):
    d[tensors] = cast_like(contract(adjoint_spec(spec, argnum), operand_shape(tensors, argnum), d[y], *tensors),
                           tensors[argnum])     # a real tensor's adjoint is real (complex products)


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


# added_at(total, y, index, values, subtract) is total, rounded as NumPy's ufunc.at rounds: its derivative
@adjoint(runtime.added_at)
def added_at_(z, total, y, index, values, subtract=False):
    d[total] = d[z]


@tangent(runtime.added_at)
def added_at_(z, total, y, index, values, subtract=False):
    d[z] = d[total]


# through_store(g, container) is g, or zeros when container is an int or bool array: linear in g
@adjoint(runtime.through_store)
def through_store_(y, g, container):
    d[g] = through_store(d[y], container)


@tangent(runtime.through_store)
def through_store_(y, g, container):
    d[y] = through_store(d[g], container)


# unbroadcast_stored(g, value) is g or unbroadcast(g, value)
linear(unbroadcast_stored, lambda y, g, value: broadcast_like(d[y], g))
linear(unreduceat, lambda y, g, array, indices, axis=0: numpy.add.reduceat(d[y], indices, axis))
# ufunc.accumulate (declare.py): a linear recurrence z[k] = a[k] * z[k-1] + b[k], run backwards
# for its adjoint; shifted_along and unshifted_along are each other's transposes
linear(shifted_along, lambda y, x, axis=0: unshifted_along(d[y], axis))
linear(unshifted_along, lambda y, g, axis=0: shifted_along(d[y], axis))
non_differentiable(first_along)


@adjoint(running_linear)
def running_linear_(z, a, b, axis=0):
    d[a] = unbroadcast(numpy.flip(running_linear(numpy.flip(unshifted_along(broadcast_like(a, z), axis),
                                                                     axis), numpy.flip(d[z], axis), axis), axis)
                       * shifted_along(z, axis), a)
    d[b] = unbroadcast(numpy.flip(running_linear(numpy.flip(unshifted_along(broadcast_like(a, z), axis),
                                                                     axis), numpy.flip(d[z], axis), axis), axis), b)


@tangent(running_linear)
def running_linear_(z, a, b, axis=0):
    d[z] = running_linear(a, d[a] * shifted_along(z, axis), axis)
    d[z] = running_linear(a, d[b], axis)


declare(running_linear, shifted_along, unshifted_along, result=FRESH)
# ufunc.outer(x1, x2) is the ufunc of outer_operand(x1, x2) and x2 (declare.py)
linear(outer_operand, lambda y, x, other: unouter(d[y], x))
linear(unouter, lambda y, g, x: outer_spread(d[y], g))
linear(outer_spread, lambda y, t, g: unouter(d[y], t))
# list_rows(t, result): a list of tangents as the array NumPy read the list as (forward.py)
linear(list_rows, lambda y, t, result: unbroadcast(d[y], t))
# seed_shaped_like(seed, like): the seed, or the seed times ones of like's shape
linear(seed_shaped_like, lambda y, seed, like: unbroadcast(d[y], seed))
# flat_not_held(v, where): v itself where it is not a held flat iterator (which it refuses)
linear(flat_not_held, lambda y, value, where: d[y])
# flat_read_once(v): a fresh flat iterator as the array of its items (x.flat's derivative is ravel's)
linear(flat_read_once, lambda y, value: d[y])


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
    d[exponent] = unbroadcast(runtime.scale(runtime.scale(d[z], z), numpy.log(runtime.positive_base(x, z))),
                              exponent)


@tangent(runtime.power)
def power_(z, x, exponent):
    d[z] = broadcast_like(runtime.scale(runtime.scale(d[x], exponent), runtime.power(x, exponent - 1)), z)
    d[z] = broadcast_like(runtime.scale(runtime.scale(d[exponent], z), numpy.log(runtime.positive_base(x, z))),
                          z)


# positive_base(x, z) is x or 1 elementwise (the power rule's log of its base)
elementwise(runtime.positive_base, lambda r, x, z: runtime.positive_base_slope(x), None)
non_differentiable(runtime.positive_base_slope)


@adjoint(runtime.inverse_or_zero)
def inverse_or_zero_(r, y):
    d[y] = -d[r] * r * r


@tangent(runtime.inverse_or_zero)
def inverse_or_zero_(r, y):
    d[r] = -d[y] * r * r


# scipy.linalg.eigvals is differentiated once (its rules: scipy_linalg.py): the rules of the
# helper its derivatives call refuse, naming it.
EIGVALS_ONCE = "scipy.linalg.eigvals is differentiated once (grad, jvp), not twice"


@adjoint(runtime.eigvals_change)
def eigvals_change_(r, change, a, w, transposed=False, overwrite_a=False, homogeneous_eigvals=False):
    d[change] = unsupported(d[r], EIGVALS_ONCE)
    d[a] = unsupported(d[r], EIGVALS_ONCE)
    d[w] = unsupported(d[r], EIGVALS_ONCE)


@tangent(runtime.eigvals_change)
def eigvals_change_(r, change, a, w, transposed=False, overwrite_a=False, homogeneous_eigvals=False):
    d[r] = unsupported(d[change], EIGVALS_ONCE)
    d[r] = unsupported(d[a], EIGVALS_ONCE)
    d[r] = unsupported(d[w], EIGVALS_ONCE)


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
    runtime.any_order, runtime.memory_order, runtime.same_item, runtime.check_copy_cast, runtime.writes_through, runtime.returns_itself, runtime.real_is_itself, runtime.view_handed_apart, runtime.check_plain_argument, runtime.check_jvp_tangent, runtime.shows_write, runtime.view_shows_writes, runtime.item_update, runtime.outside_update, runtime.rebound_item, runtime.items_unshared_by_copy, runtime.slice_write_keeps_length, runtime.write_reads_value_first, runtime.item_of_copy_apart, runtime.items_apart, runtime.number_array_argument, runtime.plain_keys, runtime.check_receiver_class, runtime.check_item_hooks, runtime.check_membership_hooks, runtime.check_value_hooks, runtime.check_truth_hook, runtime.check_length_hook, runtime.list_argument, runtime.written_items_apart, runtime.own_attribute_augmented, runtime.arguments_apart, runtime.check_array_method, runtime.check_fill_view, runtime.check_container_method, runtime.check_float_dtype, runtime.check_number_operand, runtime.check_element_read, runtime.check_compared_value, runtime.check_scalar_output, runtime.check_zip_lengths, runtime.zip_length, runtime.check_unpack_count, runtime.check_spread_count, runtime.is_index_concatenator, runtime.stop_gradient, runtime.zeros_like, runtime.is_sequence, runtime.repeat_count,
    runtime.tie_weights, runtime.select_weight, runtime.clip_weight, runtime.diagonal_mask, runtime.at_positions, runtime.at_places,
    runtime.inverse_axes, runtime.method_axes, runtime.method_shape, runtime.norm_axis,
    runtime.linspace_weights, runtime.arange_has_stop, runtime.arange_index,
    runtime.einsum_adjoint_spec, runtime.einsum_tangent_spec, runtime.adjoint_spec,
    runtime.tangent_spec, runtime.operand_shape,
    runtime.matches_sequence, runtime.matches_mapping, runtime.matches_class,
    runtime.enter_context, runtime.exit_context, runtime.caught_exception, runtime.caught_value,
    runtime.outer_value, runtime.store_global, runtime.store_nonlocal, runtime.deleted_positions,
    runtime.outer_values, runtime.replay_from, runtime.put_back,
)
# ``with m as v``: what m.__enter__() gave has no derivative astgrad can follow to the
# values m was made from (contextlib.nullcontext(x) gives x itself): refused where m
# depends on the inputs, rather than a v that silently carries no derivative
# "%.3f" % v: a string, read back (float(...)) by what carries a derivative: refused
@adjoint(runtime.percent_format)
def percent_format_(y, template, values):
    d[values] = unsupported(d[y], "'%' formatting into a string of a value that carries a derivative, read back by what carries one: astgrad follows numbers, not their text; use the value itself")


@tangent(runtime.percent_format)
def percent_format_(y, template, values):
    d[y] = unsupported(d[values], "'%' formatting into a string of a value that carries a derivative, read back by what carries one: astgrad follows numbers, not their text; use the value itself")


@adjoint(runtime.entered_value)
def entered_value_(v, manager):
    d[manager] = unsupported(d[v], "the value a with statement binds by 'as' when its context manager is made from values that carry a derivative: bind that value to a name before the with statement and use the name")


@tangent(runtime.entered_value)
def entered_value_(v, manager):
    d[v] = unsupported(d[manager], "the value a with statement binds by 'as' when its context manager is made from values that carry a derivative: bind that value to a name before the with statement and use the name")


# a global the function rebinds is its own local variable from the start; positions are new
declare(runtime.outer_value, runtime.deleted_positions, result=FRESH)
# zip_length(seq, ...) is len(seq), a new int: the loop over zip(W, ks) it counts shares no memory with
# W or ks, so an append to ks after it is not an append to a list a global (W) may share
declare(runtime.zip_length, result=FRESH)


# ---------------------------------------------------------------------------------
# Helpers of the SciPy rules
# ---------------------------------------------------------------------------------

# w = b * exp(a - Y), Y = y spread over the reduced axes: dw = w da - w dY + exp(a - Y) db.
@adjoint(runtime.logsumexp_weights)
def logsumexp_weights_(w, a, y, axis=None, b=None, keepdims=False, return_sign=False):
    d[a] = unbroadcast(d[w] * w, a)
    d[y] = -numpy.sum(d[w] * w, axis=axis, keepdims=keepdims)
    d[b] = unbroadcast(d[w] * numpy.exp(a - unreduce(y, w, axis, keepdims)), b)


@tangent(runtime.logsumexp_weights)
def logsumexp_weights_(w, a, y, axis=None, b=None, keepdims=False, return_sign=False):
    d[w] = d[a] * w
    d[w] = -unreduce(d[y], w, axis, keepdims) * w
    d[w] = d[b] * numpy.exp(a - unreduce(y, w, axis, keepdims))


# A reshape: linear in x; cov_shape is a tuple of ints.
@adjoint(runtime.mvn_points)
def mvn_points_(p, x, cov_shape):
    d[x] = numpy.reshape(d[p], numpy.shape(x))


@tangent(runtime.mvn_points)
def mvn_points_(p, x, cov_shape):
    d[p] = runtime.mvn_points(d[x], cov_shape)


# Linear in loc: the identity, or the real part (whose adjoint is the identity too).
@adjoint(runtime.scipy_shift)
def scipy_shift_(m, loc, x):
    d[loc] = d[m]


@tangent(runtime.scipy_shift)
def scipy_shift_(m, loc, x):
    d[m] = runtime.scipy_shift(d[loc], x)


# Helpers of the reductions and statistics (reduction_rules.py): each pair is linear in
# its first argument and each is the other's transpose; the other arguments only say
# where elements go (an order, shapes, an axis).
@adjoint(runtime.permute)
def permute_(r, g, order, axis=-1):
    d[g] = runtime.unpermute(d[r], order, g, axis)


@tangent(runtime.permute)
def permute_(r, g, order, axis=-1):
    d[r] = runtime.permute(d[g], order, axis)


@adjoint(runtime.unpermute)
def unpermute_(r, g, order, x, axis=-1):
    d[g] = runtime.permute(d[r], order, axis)


@tangent(runtime.unpermute)
def unpermute_(r, g, order, x, axis=-1):
    d[r] = runtime.unpermute(d[g], order, x, axis)


@adjoint(runtime.weights_like)
def weights_like_(r, weights, a, axis=None):
    d[weights] = runtime.unweight(d[r], weights, a, axis)


@tangent(runtime.weights_like)
def weights_like_(r, weights, a, axis=None):
    d[r] = runtime.weights_like(d[weights], a, axis)


@adjoint(runtime.unweight)
def unweight_(r, g, weights, a, axis=None):
    d[g] = runtime.weights_like(d[r], a, axis)


@tangent(runtime.unweight)
def unweight_(r, g, weights, a, axis=None):
    d[r] = runtime.unweight(d[g], weights, a, axis)


@adjoint(runtime.diff_part)
def diff_part_(r, t, which, a, n=1, axis=-1, prepend=None, append=None):
    d[t] = runtime.undiff(d[r], which, a, n, axis, prepend, append)


@tangent(runtime.diff_part)
def diff_part_(r, t, which, a, n=1, axis=-1, prepend=None, append=None):
    d[r] = runtime.diff_part(d[t], which, a, n, axis, prepend, append)


@adjoint(runtime.undiff)
def undiff_(r, g, which, a, n=1, axis=-1, prepend=None, append=None):
    d[g] = runtime.diff_part(d[r], which, a, n, axis, prepend, append)


@tangent(runtime.undiff)
def undiff_(r, g, which, a, n=1, axis=-1, prepend=None, append=None):
    d[r] = runtime.undiff(d[g], which, a, n, axis, prepend, append)


# gradient_of is numpy.gradient (of a derivative t) and ungradient its transpose
# D^T g = node_undifferences(near * g, 0) - node_undifferences(far * g, 1): their
# derivatives with respect to the spacing (one: varargs[0]) are those of numpy.gradient
# (reduction_rules.py), through the same offsets, differences and slopes.
@adjoint(runtime.gradient_of)
def gradient_of_(r, t, varargs, axis=None, edge_order=1):
    d[t] = runtime.ungradient(d[r], t, varargs, axis, edge_order)
    d[varargs] = runtime.unloop_item(runtime.node_unoffsets(runtime.unbroadcast(runtime.stacked_parts(d[r], t, varargs, axis) * runtime.slope_by_a(
        runtime.node_offsets(varargs[0], 0, t, axis, edge_order), runtime.node_offsets(varargs[0], 1, t, axis, edge_order),
        runtime.node_mask(t, axis, edge_order), runtime.node_differences(t, 0, axis, edge_order),
        runtime.node_differences(t, 1, axis, edge_order)), runtime.node_mask(t, axis, edge_order)),
        0, varargs[0], t, axis, edge_order) + runtime.node_unoffsets(runtime.unbroadcast(runtime.stacked_parts(d[r], t, varargs, axis) * runtime.slope_by_b(
            runtime.node_offsets(varargs[0], 0, t, axis, edge_order), runtime.node_offsets(varargs[0], 1, t, axis, edge_order),
            runtime.node_mask(t, axis, edge_order), runtime.node_differences(t, 0, axis, edge_order),
            runtime.node_differences(t, 1, axis, edge_order)), runtime.node_mask(t, axis, edge_order)),
            1, varargs[0], t, axis, edge_order), varargs, 0)


@tangent(runtime.gradient_of)
def gradient_of_(r, t, varargs, axis=None, edge_order=1):
    d[r] = runtime.gradient_of(d[t], varargs, axis, edge_order)
    d[r] = runtime.split_parts(runtime.slope_by_a(
        runtime.node_offsets(varargs[0], 0, t, axis, edge_order), runtime.node_offsets(varargs[0], 1, t, axis, edge_order),
        runtime.node_mask(t, axis, edge_order), runtime.node_differences(t, 0, axis, edge_order),
        runtime.node_differences(t, 1, axis, edge_order)) * runtime.node_offsets(d[varargs][0], 0, t, axis, edge_order),
        t, varargs, axis)
    d[r] = runtime.split_parts(runtime.slope_by_b(
        runtime.node_offsets(varargs[0], 0, t, axis, edge_order), runtime.node_offsets(varargs[0], 1, t, axis, edge_order),
        runtime.node_mask(t, axis, edge_order), runtime.node_differences(t, 0, axis, edge_order),
        runtime.node_differences(t, 1, axis, edge_order)) * runtime.node_offsets(d[varargs][0], 1, t, axis, edge_order),
        t, varargs, axis)


@adjoint(runtime.ungradient)
def ungradient_(r, g, f, varargs, axis=None, edge_order=1):
    d[g] = runtime.gradient_of(d[r], varargs, axis, edge_order)
    d[varargs] = runtime.unloop_item(runtime.node_unoffsets(runtime.unbroadcast(runtime.slope_by_a(
        runtime.node_offsets(varargs[0], 0, f, axis, edge_order), runtime.node_offsets(varargs[0], 1, f, axis, edge_order),
        runtime.node_mask(f, axis, edge_order), runtime.stacked_parts(g, f, varargs, axis) * runtime.node_differences(d[r], 0, axis, edge_order),
        runtime.stacked_parts(g, f, varargs, axis) * runtime.node_differences(d[r], 1, axis, edge_order)), runtime.node_mask(f, axis, edge_order)),
        0, varargs[0], f, axis, edge_order) + runtime.node_unoffsets(runtime.unbroadcast(runtime.slope_by_b(
            runtime.node_offsets(varargs[0], 0, f, axis, edge_order), runtime.node_offsets(varargs[0], 1, f, axis, edge_order),
            runtime.node_mask(f, axis, edge_order), runtime.stacked_parts(g, f, varargs, axis) * runtime.node_differences(d[r], 0, axis, edge_order),
            runtime.stacked_parts(g, f, varargs, axis) * runtime.node_differences(d[r], 1, axis, edge_order)), runtime.node_mask(f, axis, edge_order)),
            1, varargs[0], f, axis, edge_order), varargs, 0)


@tangent(runtime.ungradient)
def ungradient_(r, g, f, varargs, axis=None, edge_order=1):
    # the change of near * g and -far * g (stacked: the slopes' partials at dA, dB = (g, 0) and (0, g))
    d[r] = runtime.ungradient(d[g], f, varargs, axis, edge_order)
    d[r] = runtime.node_undifferences(runtime.slope_by_a(runtime.node_offsets(varargs[0], 0, f, axis, edge_order),
        runtime.node_offsets(varargs[0], 1, f, axis, edge_order), runtime.node_mask(f, axis, edge_order),
        numpy.stack([runtime.stacked_parts(g, f, varargs, axis), 0.0 * runtime.stacked_parts(g, f, varargs, axis)]),
        numpy.stack([0.0 * runtime.stacked_parts(g, f, varargs, axis), runtime.stacked_parts(g, f, varargs, axis)]))
        * runtime.node_offsets(d[varargs][0], 0, f, axis, edge_order), None, f, axis, edge_order)
    d[r] = runtime.node_undifferences(runtime.slope_by_b(runtime.node_offsets(varargs[0], 0, f, axis, edge_order),
        runtime.node_offsets(varargs[0], 1, f, axis, edge_order), runtime.node_mask(f, axis, edge_order),
        numpy.stack([runtime.stacked_parts(g, f, varargs, axis), 0.0 * runtime.stacked_parts(g, f, varargs, axis)]),
        numpy.stack([0.0 * runtime.stacked_parts(g, f, varargs, axis), runtime.stacked_parts(g, f, varargs, axis)]))
        * runtime.node_offsets(d[varargs][0], 1, f, axis, edge_order), None, f, axis, edge_order)


# the helpers of numpy.gradient's spacing (gradient_nodes.py): offsets and differences
# at the nodes are linear, in pairs with their transposes; the slopes are elementwise
linear(node_offsets, lambda y, s, which, f, axis=None, edge_order=1:
       node_unoffsets(d[y], which, s, f, axis, edge_order))
linear(node_unoffsets, lambda y, g, which, s, f, axis=None, edge_order=1: node_offsets(d[y], which, f, axis, edge_order))
linear(node_differences, lambda y, v, which, axis=None, edge_order=1: node_undifferences(d[y], which, v, axis, edge_order))
linear(node_undifferences, lambda y, g, which, v, axis=None, edge_order=1: node_differences(d[y], which, axis, edge_order))
non_differentiable(runtime.node_mask, runtime.gradient_axis)
# a call giving several arrays: its derivative (one per array) stacked, as the helpers take it
linear(stacked_parts, lambda y, parts, f, varargs, axis=None: split_parts(d[y], f, varargs, axis))
linear(split_parts, lambda y, g, f, varargs, axis=None: stacked_parts(d[y], f, varargs, axis))
elementwise(runtime.slope_by_a,
            lambda y, a, b, m, dA, dB: 2 * dA / a ** 3 - 2 * m * (dB - dA) / (b - m * a) ** 3,
            lambda y, a, b, m, dA, dB: -2 * m * (dA - dB) / (b - m * a) ** 3, None,
            lambda y, a, b, m, dA, dB: -b * (b - 2 * m * a) / (a ** 2 * (b - m * a) ** 2),
            lambda y, a, b, m, dA, dB: -m / (b - m * a) ** 2)
elementwise(runtime.slope_by_b,
            lambda y, a, b, m, dA, dB: -2 * m * (dA - dB) / (b - m * a) ** 3,
            lambda y, a, b, m, dA, dB: 2 * m * dB / b ** 3 - 2 * m * (dB - dA) / (b - m * a) ** 3, None,
            lambda y, a, b, m, dA, dB: -m / (b - m * a) ** 2,
            lambda y, a, b, m, dA, dB: m * a * (2 * b - m * a) / (b ** 2 * (b - m * a) ** 2))


# A quantile's weights move linearly with q between knots (and not at all with a, whose
# order alone decides which elements they fall on).
@adjoint(runtime.quantile_weights)
def quantile_weights_(w, a, q, axis=None, method="linear", scale=1.0, rate=False):
    d[q] = numpy.sum(d[w] * runtime.quantile_weight_change(a, q, axis, method, scale, rate),
                     axis=runtime.trailing_axes(a, q))


@tangent(runtime.quantile_weights)
def quantile_weights_(w, a, q, axis=None, method="linear", scale=1.0, rate=False):
    d[w] = runtime.quantile_weight_change(a, q, axis, method, scale, rate) * numpy.reshape(
        d[q], runtime.quantile_q_shape(a, q))


@adjoint(runtime.nan_quantile_weights)
def nan_quantile_weights_(w, a, q, axis=None, method="linear", scale=1.0, rate=False):
    d[q] = numpy.sum(d[w] * runtime.nan_quantile_weight_change(a, q, axis, method, scale, rate),
                     axis=runtime.trailing_axes(a, q))


@tangent(runtime.nan_quantile_weights)
def nan_quantile_weights_(w, a, q, axis=None, method="linear", scale=1.0, rate=False):
    d[w] = runtime.nan_quantile_weight_change(a, q, axis, method, scale, rate) * numpy.reshape(
        d[q], runtime.quantile_q_shape(a, q))


non_differentiable(
    runtime.sort_order, runtime.quantile_weight_change, runtime.nan_quantile_weight_change, runtime.quantile_spread_shape, runtime.quantile_q_shape,
    runtime.leading_axes, runtime.trailing_axes, runtime.quantile_reduced_axes, runtime.range_weights,
    runtime.nan_count, runtime.degrees_of_freedom, runtime.prefix_mask,
)


# polygamma(n, x) and bessel_i(n, x) (special_functions.py): families closed under differentiation.
# The order n is an integer constant wherever a rule calls them: it has no derivative.
elementwise(runtime.polygamma, None, lambda y, n, x: runtime.polygamma(n + 1, x), broadcast=False)
elementwise(runtime.bessel_i, None,
            lambda y, n, x: (runtime.bessel_i(n - 1, x) + runtime.bessel_i(n + 1, x)) * 0.5, broadcast=False)
# bessel_ie(n, x) = exp(-|x|) bessel_i(n, x): the scaled family's mean of orders n - 1 and n + 1,
# less sign(x) times itself (sign's derivative is 0; at 0 as PyTorch's i0e and i1e: sgn(0) = 0).
elementwise(runtime.bessel_ie, None,
            lambda y, n, x: (runtime.bessel_ie(n - 1, x) + runtime.bessel_ie(n + 1, x)) * 0.5 - numpy.sign(x) * y,
            broadcast=False)
# entr(x) = -x log(x): -(1 + log(x)), whose own derivative -1 / x comes from log's rule.
elementwise(runtime.entr, lambda y, x: runtime.entr_slope(x))
elementwise(runtime.entr_slope, lambda y, x: -1.0 / x)
# The tape's lgamma and erfinv, computed with NumPy and math alone: lgamma' is digamma and
# erfinv' = sqrt(pi) / 2 * exp(erfinv(x) ** 2).
elementwise(runtime.lgamma, lambda y, x: runtime.polygamma(0, x))
elementwise(runtime.erfinv, lambda y, x: 0.886226925452758 * numpy.exp(y * y))


# -- helpers of products and matrix decompositions ---------------------------------------
# Each is linear in its array argument (the others only say which shape or mask), so its
# rules are itself or its transpose; the spec, shape and mask helpers are constants.

@adjoint(runtime.in_result)
def in_result_(r, t, y, index):
    d[t] = d[r][index]


@tangent(runtime.in_result)
def in_result_(r, t, y, index):
    d[r] = runtime.in_result(d[t], y, index)


@adjoint(runtime.inverse_or_nan)
def inverse_or_nan_(r, a):
    d[a] = -numpy.matmul(numpy.swapaxes(r, -1, -2), numpy.matmul(d[r], numpy.swapaxes(r, -1, -2)))


@tangent(runtime.inverse_or_nan)
def inverse_or_nan_(r, a):
    d[r] = -numpy.matmul(r, numpy.matmul(d[a], r))


@adjoint(runtime.off_diagonal_inverse)
def off_diagonal_inverse_(r, x):
    d[x] = -d[r] * r * r


@tangent(runtime.off_diagonal_inverse)
def off_diagonal_inverse_(r, x):
    d[r] = -d[x] * r * r


@adjoint(runtime.triangle_symmetric)
def triangle_symmetric_(r, h, upper=False):
    d[h] = runtime.triangle_symmetric_adjoint(d[r], upper)


@tangent(runtime.triangle_symmetric)
def triangle_symmetric_(r, h, upper=False):
    d[r] = runtime.triangle_symmetric(d[h], upper)


@adjoint(runtime.triangle_symmetric_adjoint)
def triangle_symmetric_adjoint_(r, g, upper=False):
    d[g] = runtime.triangle_symmetric(d[r], upper)


@tangent(runtime.triangle_symmetric_adjoint)
def triangle_symmetric_adjoint_(r, g, upper=False):
    d[r] = runtime.triangle_symmetric_adjoint(d[g], upper)


@adjoint(runtime.transpose_if)
def transpose_if_(r, x, flag):
    d[x] = runtime.transpose_if(d[r], flag)


@tangent(runtime.transpose_if)
def transpose_if_(r, x, flag):
    d[r] = runtime.transpose_if(d[x], flag)


@adjoint(runtime.skew_lower)
def skew_lower_(r, b, low):
    d[b] = runtime.skew_lower_adjoint(d[r], low)


@tangent(runtime.skew_lower)
def skew_lower_(r, b, low):
    d[r] = runtime.skew_lower(d[b], low)


@adjoint(runtime.skew_lower_adjoint)
def skew_lower_adjoint_(r, g, low):
    d[g] = runtime.skew_lower(d[r], low)


@tangent(runtime.skew_lower_adjoint)
def skew_lower_adjoint_(r, g, low):
    d[r] = runtime.skew_lower_adjoint(d[g], low)


@adjoint(runtime.real_eigenvalues)
def real_eigenvalues_(r, w):
    d[w] = d[r]


@tangent(runtime.real_eigenvalues)
def real_eigenvalues_(r, w):
    d[r] = d[w]


# real_matrix(a, what) and full_rank_r(a, what) are a itself (they only refuse a complex
# matrix, a QR factor r of lower rank)
@adjoint(runtime.real_matrix)
@adjoint(runtime.full_rank_r)
def real_matrix_(r, a, what):
    d[a] = d[r]


@tangent(runtime.real_matrix)
@tangent(runtime.full_rank_r)
def real_matrix_(r, a, what):
    d[r] = d[a]


# scipy_checked(a, what, ...) is a itself (it only refuses arguments a scipy.linalg rule
# does not follow); the options are those of _SCIPY_ADVICE
@adjoint(runtime.scipy_checked)
def scipy_checked_(r, a, what, overwrite=False, *, assume_a=None, b=None, eigvals_only=False, subset_by_index=None,
                   subset_by_value=None, return_rank=False):
    d[a] = d[r]


@tangent(runtime.scipy_checked)
def scipy_checked_(r, a, what, overwrite=False, *, assume_a=None, b=None, eigvals_only=False, subset_by_index=None,
                   subset_by_value=None, return_rank=False):
    d[r] = d[a]


@adjoint(runtime.svd_part)
def svd_part_(r, g, signs, compute_uv, index, shape):
    d[g] = runtime.svd_unpart(d[r], signs, compute_uv, index, runtime.svd_shapes(g, compute_uv))


@tangent(runtime.svd_part)
def svd_part_(r, g, signs, compute_uv, index, shape):
    d[r] = runtime.svd_part(d[g], signs, compute_uv, index, shape)


@adjoint(runtime.svd_unpart)
def svd_unpart_(r, h, signs, compute_uv, index, shapes):
    d[h] = runtime.svd_part(d[r], signs, compute_uv, index, numpy.shape(h))


@tangent(runtime.svd_unpart)
def svd_unpart_(r, h, signs, compute_uv, index, shapes):
    d[r] = runtime.svd_unpart(d[h], signs, compute_uv, index, shapes)


@adjoint(runtime.block_triangular)
def block_triangular_(r, a, h):
    d[a] = unbroadcast(runtime.diagonal_blocks(d[r]), a)
    d[h] = unbroadcast(runtime.upper_right(d[r]), h)


@tangent(runtime.block_triangular)
def block_triangular_(r, a, h):
    d[r] = runtime.block_triangular(d[a], numpy.zeros_like(h))
    d[r] = runtime.block_triangular(numpy.zeros_like(a), d[h])


@adjoint(runtime.upper_right)
def upper_right_(r, m):
    d[m] = runtime.block_triangular(numpy.zeros_like(d[r]), d[r])


@tangent(runtime.upper_right)
def upper_right_(r, m):
    d[r] = runtime.upper_right(d[m])


@adjoint(runtime.diagonal_blocks)
def diagonal_blocks_(r, m):
    d[m] = runtime.block_triangular(d[r], numpy.zeros_like(d[r]))


@tangent(runtime.diagonal_blocks)
def diagonal_blocks_(r, m):
    d[r] = runtime.diagonal_blocks(d[m])


@adjoint(runtime.lstsq_residuals)
def lstsq_residuals_(r, t, res):
    d[t] = runtime.lstsq_residuals_adjoint(d[r], t)


@tangent(runtime.lstsq_residuals)
def lstsq_residuals_(r, t, res):
    d[r] = runtime.lstsq_residuals(d[t], res)


@adjoint(runtime.lstsq_residuals_adjoint)
def lstsq_residuals_adjoint_(r, g, t):
    d[g] = runtime.lstsq_residuals(d[r], g)


@tangent(runtime.lstsq_residuals_adjoint)
def lstsq_residuals_adjoint_(r, g, t):
    d[r] = runtime.lstsq_residuals_adjoint(d[g], t)


# v ** q and sign(v) |v| ** q: derivative q |v| ** (q - 1), exactly 0 where q is 0.
@adjoint(runtime.safe_power)
def safe_power_(r, v, q):
    d[v] = d[r] * runtime.scale(q, runtime.safe_power(v, q - 1))


@tangent(runtime.safe_power)
def safe_power_(r, v, q):
    d[r] = d[v] * runtime.scale(q, runtime.safe_power(v, q - 1))


@adjoint(runtime.signed_power)
def signed_power_(r, v, q):
    d[v] = d[r] * runtime.scale(q, runtime.safe_power(numpy.abs(v), q - 1))


@tangent(runtime.signed_power)
def signed_power_(r, v, q):
    d[r] = d[v] * runtime.scale(q, runtime.safe_power(numpy.abs(v), q - 1))


@adjoint(runtime.spectral_input)
def spectral_input_(r, x, ord=None, axis=None):
    d[x] = runtime.spectral_output(d[r], x, ord, axis)


@tangent(runtime.spectral_input)
def spectral_input_(r, x, ord=None, axis=None):
    d[r] = runtime.spectral_input(d[x], ord, axis)


@adjoint(runtime.spectral_output)
def spectral_output_(r, m, x, ord=None, axis=None):
    d[m] = runtime.spectral_input(d[r], ord, axis)


@tangent(runtime.spectral_output)
def spectral_output_(r, m, x, ord=None, axis=None):
    d[r] = runtime.spectral_output(d[m], x, ord, axis)


non_differentiable(
    runtime.tensordot_spec, runtime.kron_blocks, runtime.kron_spec, runtime.cross_spec,
    runtime.levi_civita, runtime.column_shape, runtime.cholesky_phi, runtime.qr_lower_mask,
    runtime.svd_signs, runtime.svd_shapes, runtime.norm_axes, runtime.norm_exponent, runtime.norm_select,
    runtime.spectral_weights, runtime.cond_masks, runtime.cond_power,
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


# the helpers of numpy.meshgrid's and numpy.block's rules: linear in their first argument,
# each the transpose of the other
linear(unmeshgrid, lambda out, g, y, xs, argnum, indexing="xy": meshgrid_as(d[out], y, xs, argnum, indexing),
       result=FRESH)
linear(meshgrid_as, lambda out, t, y, xs, argnum, indexing="xy": unmeshgrid(d[out], y, xs, argnum, indexing),
       result=FRESH)
linear(unblock, lambda out, g, arrays: block_as(d[out], arrays), result=FRESH)
linear(block_as, lambda out, t, arrays: unblock(d[out], arrays), result=FRESH)


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


# the helpers of insert and delete are linear in their first argument, in transposed pairs
linear(uninsert, lambda y, g, arr, obj, values, axis, which: insert_as(d[y], arr, obj, values, axis, which))
linear(insert_as, lambda y, t, arr, obj, values, axis, which: uninsert(d[y], arr, obj, values, axis, which))
linear(undelete, lambda y, g, arr, obj, axis: numpy.delete(d[y], obj, axis))


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


@adjoint(runtime.unwindow)
def unwindow_(y, g, x, window_shape, axis=None):
    d[g] = sliding_window_view(d[y], window_shape, axis)


@tangent(runtime.unwindow)
def unwindow_(y, g, x, window_shape, axis=None):
    d[y] = runtime.unwindow(d[g], x, window_shape, axis)


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


non_differentiable(runtime.rollaxis_axes, runtime.along_axis_index, runtime.put_marks,
                   runtime.check_place_values)
non_differentiable(runtime.diagonal_index)
non_differentiable(runtime.along_axis_rows, runtime.along_axis_layout, runtime.first_dtype,
                   runtime.fitted_shape, runtime.vectorized_dtype)   # shapes and dtypes of numpy_maps.py
non_differentiable(runtime.own_items)      # raises or returns None: a check inside through_store/unindex


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


# -- activations: sigmoid, softmax, log_softmax (the tape front end's primitives) --------

elementwise(runtime.sigmoid, lambda y, x: y * (1.0 - y))


@adjoint(runtime.softmax)
def softmax_(y, x, axis=-1):
    d[x] = y * (d[y] - numpy.sum(d[y] * y, axis=axis, keepdims=True))


@tangent(runtime.softmax)
def softmax_(y, x, axis=-1):
    d[y] = y * d[x]
    d[y] = -y * numpy.sum(d[x] * y, axis=axis, keepdims=True)


@adjoint(runtime.log_softmax)
def log_softmax_(y, x, axis=-1):
    d[x] = d[y] - numpy.exp(y) * numpy.sum(d[y], axis=axis, keepdims=True)


@tangent(runtime.log_softmax)
def log_softmax_(y, x, axis=-1):
    d[y] = d[x]
    d[y] = -numpy.sum(numpy.exp(y) * d[x], axis=axis, keepdims=True)


@adjoint(runtime.to_copy)
def to_copy_(y, x, dtype):
    d[x] = cast_like(d[y], x, dtype)


@tangent(runtime.to_copy)
def to_copy_(y, x, dtype):
    d[y] = cast_like(d[x], y, dtype)
