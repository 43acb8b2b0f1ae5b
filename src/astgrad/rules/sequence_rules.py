"""Rules for list and tuple ``+`` and ``*`` (``runtime.concat``, ``runtime.repeat``,
which the normalizer writes where it sees a list or a tuple) and their derivative
helpers, for ``set`` (a set of differentiated values is refused) and ``distinct`` (a set
that is only read, as the list of its items), and for the helpers
of writes into arguments and through aliases (``copy_argument``, ``follow_in_place``)."""

import builtins

from ..runtime import concat, cut, extended, holds_items, joins_elementwise, multiplies_elementwise, piecewise_masks, pad_to, repeat, repeated, repeated_like, repeated_sum
from ..runtime import copy_argument, deep_copy, follow_in_place, shallow_copy, unless_array, when_array
from ..runtime import distinct, distinct_adjoint, distinct_tangent
from .registry import FRESH, adjoint, d, declare, non_differentiable, tangent, unsupported


@adjoint(concat)
@adjoint(extended)
def concat_(y, a, b):
    d[a] = cut(d[y], a, True)
    d[b] = cut(d[y], b, False)


@tangent(concat)
@tangent(extended)
def concat_(y, a, b):
    d[y] = pad_to(d[a], y, True)
    d[y] = pad_to(d[b], y, False)


@adjoint(repeat)
def repeat_(y, items, count):
    d[items] = repeated_sum(d[y], items)


@tangent(repeat)
def repeat_(y, items, count):
    d[y] = repeated(d[items], count)


non_differentiable(multiplies_elementwise, joins_elementwise, holds_items, piecewise_masks)
declare(multiplies_elementwise, joins_elementwise, holds_items, piecewise_masks, result=FRESH)


@adjoint(cut)
def cut_(y, g, like, at_start):
    d[g] = pad_to(d[y], g, at_start)


@tangent(cut)
def cut_(y, g, like, at_start):
    d[y] = cut(d[g], like, at_start)


@adjoint(pad_to)
def pad_to_(y, t, like, at_start):
    d[t] = cut(d[y], t, at_start)


@tangent(pad_to)
def pad_to_(y, t, like, at_start):
    d[y] = pad_to(d[t], like, at_start)


@adjoint(repeated_sum)
def repeated_sum_(y, g, items):
    d[g] = repeated_like(d[y], g)


@tangent(repeated_sum)
def repeated_sum_(y, g, items):
    d[y] = repeated_sum(d[g], items)


@adjoint(repeated)
def repeated_(y, t, count):
    d[t] = repeated_sum(d[y], t)


@tangent(repeated)
def repeated_(y, t, count):
    d[y] = repeated(d[t], count)


@adjoint(repeated_like)
def repeated_like_(y, t, like):
    d[t] = repeated_sum(d[y], t)


@tangent(repeated_like)
def repeated_like_(y, t, like):
    d[y] = repeated_like(d[t], like)


# a set only read (summed, looped over) is the list of its items (runtime.distinct): the
# derivative flows to the item the set kept, the first of equal ones
@adjoint(distinct)
def distinct_(y, items):
    d[items] = distinct_adjoint(d[y], y, items)


@tangent(distinct)
def distinct_(y, items):
    d[y] = distinct_tangent(d[items], y, items)


@adjoint(distinct_tangent)
def distinct_tangent_(r, h, kept, items):
    d[h] = distinct_adjoint(d[r], kept, items)


@tangent(distinct_tangent)
def distinct_tangent_(r, h, kept, items):
    d[r] = distinct_tangent(d[h], kept, items)


@adjoint(distinct_adjoint)
def distinct_adjoint_(r, g, kept, items):
    d[g] = distinct_tangent(d[r], kept, items)


@tangent(distinct_adjoint)
def distinct_adjoint_(r, g, kept, items):
    d[r] = distinct_adjoint(d[g], kept, items)


# which items were kept decides the selection, not how (a piecewise-constant choice)
declare(distinct_tangent, distinct_adjoint, shape_arguments=(1, 2))
declare(distinct, distinct_tangent, distinct_adjoint, result=FRESH)        # new lists


@adjoint(builtins.set)
def set_(y, items=()):
    d[items] = unsupported(d[y], "a set of differentiated values used as a set (s | t, s.add(v), compared, returned) has no derivative; only read it (sum it, loop over it, v in s), or build a list or a dict instead")


@tangent(builtins.set)
def set_(y, items=()):
    d[y] = unsupported(d[items], "a set of differentiated values used as a set (s | t, s.add(v), compared, returned) has no derivative; only read it (sum it, loop over it, v in s), or build a list or a dict instead")


# -- writes into arguments and through aliases (modes/common.py) --------------------------

@adjoint(copy_argument)
def copy_argument_(y, value):
    d[value] = d[y]


@tangent(copy_argument)
def copy_argument_(y, value):
    d[y] = copy_argument(d[value])


@adjoint(deep_copy)
def deep_copy_(y, value):
    d[value] = d[y]


@tangent(deep_copy)
def deep_copy_(y, value):
    d[y] = deep_copy(d[value])


# copy.copy: a new list, dict or array holding the same items (the sharing analysis knows)
@adjoint(shallow_copy)
def shallow_copy_(y, value):
    d[value] = d[y]


@tangent(shallow_copy)
def shallow_copy_(y, value):
    d[y] = shallow_copy(d[value])


declare(shallow_copy, result=FRESH)


@adjoint(follow_in_place)
def follow_in_place_(y, alias, value):
    d[alias] = unless_array(d[y], alias, value)
    d[value] = when_array(d[y], alias, value)


@tangent(follow_in_place)
def follow_in_place_(y, alias, value):
    d[y] = unless_array(d[alias], alias, value)
    d[y] = when_array(d[value], alias, value)


@adjoint(when_array)
def when_array_(y, g, alias, value):
    d[g] = when_array(d[y], alias, value)


@tangent(when_array)
def when_array_(y, g, alias, value):
    d[y] = when_array(d[g], alias, value)


@adjoint(unless_array)
def unless_array_(y, g, alias, value):
    d[g] = unless_array(d[y], alias, value)


@tangent(unless_array)
def unless_array_(y, g, alias, value):
    d[y] = unless_array(d[g], alias, value)
