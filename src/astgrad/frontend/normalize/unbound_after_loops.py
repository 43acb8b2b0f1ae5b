"""The name Python's ``UnboundLocalError`` names after a loop of no turns, where
handed_arrays.py reads a loop's array after the loop as the last object's attribute
(``for k in range(n): buf = ...; a = Acc(buf); ...``, then ``np.sum(buf)`` read as
``np.sum(a.data)``).

Where the loop ran no turn both names are unbound, and Python raises naming the one the
first statement after the loop reading either reads first: ``buf`` in ``np.sum(buf)``,
which ``a.data`` would make ``a``. So where that statement is a simple one reading
``buf`` before ``a``, a bare read of ``buf`` goes just before it: nothing where the name
is bound, Python's error where it is not. handed_arrays.py counts such a read as keeping
nothing (``is_bare_read``)."""

import gast

from ...core import syntax as S

_COMPOUND = (gast.For, gast.AsyncFor, gast.While, gast.If, gast.With, gast.AsyncWith, gast.Try,
             gast.FunctionDef, gast.AsyncFunctionDef, gast.ClassDef)


def first_read(after, name, me):
    """The statement of ``after`` (the statements after the loop) where Python first reads
    ``name`` or ``me``, where it is a simple statement that reads ``name`` first; else None."""
    for stmt in after:
        if not any(isinstance(n, gast.Name) and n.id in (name, me) for n in S.walk_nodes(stmt)):
            continue
        order = [n for n in _in_order(stmt) if n in (name, me)] if not isinstance(stmt, _COMPOUND) else []
        return stmt if order and order[0] == name else None
    return None


def insert_bare_read(block, stmt, name):
    """``name`` read as a statement of its own just before ``stmt`` in ``block``."""
    block.insert(block.index(stmt), gast.copy_location(S.expr_stmt(S.name(name)), stmt))


def is_bare_read(node, tree):
    """Whether the name ``node`` is the whole of an expression statement of ``tree``."""
    return any(isinstance(stmt, gast.Expr) and stmt.value is node for stmt in S.walk_nodes(tree))


def _in_order(node):
    """The names ``node`` loads, roughly in Python's order of evaluation (an assignment's
    value before its targets, an augmented assignment's target first)."""
    if isinstance(node, gast.Name):
        return [node.id] if isinstance(node.ctx, gast.Load) else []
    if isinstance(node, gast.Assign):
        parts = [node.value] + node.targets
    elif isinstance(node, gast.AugAssign):
        parts = [node.target, node.value]
    elif isinstance(node, _COMPOUND):
        parts = [getattr(node, field) for field in ("test", "iter") if hasattr(node, field)]
    else:
        parts = list(gast.iter_child_nodes(node))
    return [found for part in parts if part is not None for found in _in_order(part)]
