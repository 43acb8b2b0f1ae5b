"""Rules for the helpers behind in-place writes, list appends and the lowered
container built-ins (dict.get, tuple(xs))."""

from ..runtime import loop_item, unindex, unloop_item
from ..runtime import add_derivatives, append_derivative, drop_last, pad_last, snapshot, zero_index
from ..runtime import element, put_back_popped, restore_item, saved_item, shape_of, take_back_popped, zeros_like
from ..runtime import own_tangent, written_copy
from ..runtime import check_keywords, check_mapping, default_of, deleted_position, has_key, like_sequence, list_to_tuple, pop_position
from ..runtime import check_spread_keywords, hashable_arguments
from ..runtime import sorted_positions, unbroadcast, zeros_if_plain
from ..runtime import element_copy
from .registry import adjoint, d, non_differentiable, tangent


# element_copy(v, where) hands a number back as it is (and stops on anything else)
@adjoint(element_copy)
def element_copy_(y, value, where):
    d[value] = d[y]


@tangent(element_copy)
def element_copy_(y, value, where):
    d[y] = d[value]


@adjoint(snapshot)
def snapshot_(y, value):
    d[value] = d[y]


@tangent(snapshot)
def snapshot_(y, value):
    d[y] = snapshot(d[value])


# written_copy(t) holds what t holds: the identity on values; a write into its tangent
# (forward mode writes into tangents in place) must not change t's
@adjoint(written_copy)
def written_copy_(y, item):
    d[item] = d[y]


@tangent(written_copy)
def written_copy_(y, item):
    d[y] = written_copy(d[item])


# own_tangent(t, ...) is t, or a copy of it: the identity on values
@adjoint(own_tangent)
def own_tangent_(y, tangent, value, operand=None, operand_tangent=None):
    d[tangent] = d[y]


@tangent(own_tangent)
def own_tangent_(y, tangent, value, operand=None, operand_tangent=None):
    d[y] = d[tangent]


@adjoint(zero_index)
def zero_index_(y, g, index, container=None):
    d[g] = zero_index(d[y], index, container)


@tangent(zero_index)
def zero_index_(y, g, index, container=None):
    d[y] = zero_index(d[g], index, container)


@adjoint(loop_item)
def loop_item_(y, g, xs, index):
    d[g] = unloop_item(d[y], xs, index)


@tangent(loop_item)
def loop_item_(y, g, xs, index):
    d[y] = loop_item(d[g], xs, index)


@adjoint(unloop_item)
def unloop_item_(y, h, xs, index):
    d[h] = loop_item(d[y], xs, index)


@tangent(unloop_item)
def unloop_item_(y, h, xs, index):
    d[y] = unloop_item(d[h], xs, index)


@adjoint(add_derivatives)
def add_derivatives_(y, a, b):
    d[a] = d[y]
    d[b] = d[y]


@tangent(add_derivatives)
def add_derivatives_(y, a, b):
    d[y] = add_derivatives(d[a], zeros_like(b))
    d[y] = add_derivatives(zeros_like(a), d[b])


# zeros_if_plain(g, value) is g, or g broadcast to value's shape where g is a plain zero
@adjoint(zeros_if_plain)
def zeros_if_plain_(y, g, value):
    d[g] = unbroadcast(d[y], g)


@tangent(zeros_if_plain)
def zeros_if_plain_(y, g, value):
    d[y] = zeros_if_plain(d[g], value)


@adjoint(drop_last)
def drop_last_(y, g):
    d[g] = pad_last(d[y], g)


@tangent(drop_last)
def drop_last_(y, g):
    d[y] = drop_last(d[g])


@adjoint(pad_last)
def pad_last_(y, g, items):
    d[g] = drop_last(d[y])


@tangent(pad_last)
def pad_last_(y, g, items):
    d[y] = pad_last(d[g], items)


@adjoint(append_derivative)
def append_derivative_(y, g, value, items=None):
    d[g] = drop_last(d[y])
    d[value] = d[y][-1]


@tangent(append_derivative)
def append_derivative_(y, g, value, items=None):
    d[y] = append_derivative(d[g], zeros_like(value), items)
    d[y] = append_derivative(zeros_like(g), d[value], items)


# restore_item, put_back_popped and take_back_popped only run in reverse sweeps, to undo a write or a
# pop (adjoint_sweep.py); shape_of saves no values.
non_differentiable(shape_of, restore_item, put_back_popped, take_back_popped)


@adjoint(saved_item)
def saved_item_(y, container, key):
    d[container] = unindex(d[y], container, key)


@tangent(saved_item)
def saved_item_(y, container, key):
    d[y] = saved_item(d[container], key)


@adjoint(element)
def element_(y, container, index):
    d[container] = unindex(d[y], container, index)


@tangent(element)
def element_(y, container, index):
    d[y] = d[container][index]


# the checks behind lowered dict.get and dict views: booleans, or nothing; and those of a
# lowered f(**d): a check, and a default value (a constant)
non_differentiable(check_mapping, has_key, pop_position, deleted_position, sorted_positions, check_keywords, check_spread_keywords,
                   hashable_arguments, default_of)


# list_to_tuple(items): the same elements, so the same derivatives (an AdjointList
# for both in reverse mode; a tuple of tangents in forward mode)
@adjoint(list_to_tuple)
def list_to_tuple_(y, items):
    d[items] = d[y]


@tangent(list_to_tuple)
def list_to_tuple_(y, items):
    d[y] = list_to_tuple(d[items])


# like_sequence(template, items): type(template)(items), a list or tuple of the items
@adjoint(like_sequence)
def like_sequence_(y, template, items):
    d[items] = d[y]


@tangent(like_sequence)
def like_sequence_(y, template, items):
    d[y] = like_sequence(template, d[items])
