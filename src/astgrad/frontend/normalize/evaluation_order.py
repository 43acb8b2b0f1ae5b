"""Which parts of an expression Python evaluates before one of its parts: asked by
hoisted_calls.py (may a call be bound to a name in the statement before, the operands
before it unchanged by it?) and reads_before_changes.py (does a read of an object still
held when a method changing it runs?)."""

import gast

_COMPREHENSIONS = (gast.ListComp, gast.SetComp, gast.DictComp, gast.GeneratorExp)


def evaluated_before(child, parent):
    """The operands of the expression ``parent`` Python evaluates before ``child``, each
    time it evaluates ``parent``; None where ``child`` is evaluated only sometimes (``and``,
    ``or``, ``x if c else y``, a chained comparison), again and again (a comprehension), or
    ``parent`` is an expression whose order is not looked at here."""
    if isinstance(parent, gast.BinOp):
        return [parent.left] if child is parent.right else []
    if isinstance(parent, (gast.UnaryOp, gast.Attribute, gast.Starred)):
        return []
    if isinstance(parent, gast.Compare) and len(parent.ops) == 1:
        return [parent.left] if child is not parent.left else []
    if isinstance(parent, gast.Subscript):
        return [parent.value] if child is parent.slice else []
    if isinstance(parent, (gast.Tuple, gast.List)):
        return parent.elts[:_index(parent.elts, child)]
    if isinstance(parent, gast.keyword):
        return []       # (the call around it: its function and positional arguments, below)
    if isinstance(parent, gast.Call):
        if child is parent.func:
            return []
        if any(a is child for a in parent.args):
            return [parent.func] + parent.args[:_index(parent.args, child)]
        k = _index(parent.keywords, child)
        return [parent.func] + parent.args + [kw.value for kw in parent.keywords[:k]]
    return None


def may_evaluate_before(child, parent):
    """The children of ``parent`` Python may evaluate before ``child``: those
    ``evaluated_before`` gives; in a comprehension any other (its parts run again and
    again); in a dict display the keys and values before it, in turn; else every child
    written before it (the test and the first branch of ``x if c else y``, for instance)."""
    before = evaluated_before(child, parent)
    if before is not None:
        return before
    children = list(gast.iter_child_nodes(parent))
    if isinstance(parent, _COMPREHENSIONS):
        return [c for c in children if c is not child]
    if isinstance(parent, gast.Dict):       # {k0: v0, k1: v1}: k0, v0, k1, v1
        pairs = [part for key, value in zip(parent.keys, parent.values) for part in (key, value) if part is not None]
        return pairs[:next((k for k, part in enumerate(pairs) if part is child), len(pairs))]
    return children[:next((k for k, c in enumerate(children) if c is child), len(children))]


def _index(items, child):
    return next(k for k, item in enumerate(items) if item is child)
