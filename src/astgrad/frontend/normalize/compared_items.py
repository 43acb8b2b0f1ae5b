"""Comparisons of items inside a lambda a library function runs over them:
``functools.reduce(lambda a, b: a if a > b else b, vs)`` and ``itertools.accumulate``
compare the items themselves, so Python runs each item's ``__gt__`` (or the other's
``__lt__``). The lambda's body is lowered where the items' classes are not known (a list a
helper gave, one built of objects), and a comparison's derivative is zero: a hook of the
user's that writes (``self.d[0] *= 2.0``) would change the arrays unseen. Before the loop,
a call of ``hooked_items.check_item_hooks`` on the items stops where an item's class has
such a hook; a hook that only reads passes, and items of Python's and NumPy's own types
cost one pass over their types."""

import gast

from ... import runtime
from ...core import syntax as S
from .refusals import _Line

# the hooks of the items a comparison of two of them runs, by hooked_items's names
_HOOKS = {gast.Lt: "order", gast.Gt: "order", gast.LtE: "order_or_equal", gast.GtE: "order_or_equal",
          gast.Eq: "equality", gast.NotEq: "inequality"}


def check_compared_items(lowering, func, items, what):
    """Before ``what`` (``"functools.reduce()"``) runs ``func`` over the items of ``items``
    (an atom), a check of the items' comparison hooks, for each comparison ``func`` (a
    lambda) makes of its parameters themselves."""
    if not isinstance(func, gast.Lambda) or not isinstance(items, gast.Name):
        return
    place = lowering.source.place(_Line(lowering.line))
    for hooks in dict.fromkeys(_compared_hooks(func)):
        lowering.emit(gast.Expr(value=lowering.runtime_call(runtime.check_item_hooks, [
            S.name(items.id), S.const(hooks), S.const(what), S.const(place)])))


def _compared_hooks(func):
    """The hooks (by name) of the comparisons in ``func``'s body with a parameter of
    ``func`` as an operand (``a > b``, not ``a.k > b.k``)."""
    params = {arg.id for arg in func.args.posonlyargs + func.args.args if isinstance(arg, gast.Name)}
    for node in S.nodes_of_class(func.body, gast.Compare):
        operands = [node.left, *node.comparators]
        for op, left, right in zip(node.ops, operands, operands[1:]):
            if type(op) in _HOOKS and any(isinstance(o, gast.Name) and o.id in params for o in (left, right)):
                yield _HOOKS[type(op)]
