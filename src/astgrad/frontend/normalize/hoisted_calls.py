"""A method called inside an expression (``s = s + a.bumped(0, c)``) bound to a name of
its own first, in the statement before (``bumped = a.bumped(0, c); s = s + bumped``),
where that keeps Python's order of evaluation: the statement is an assignment, an
augmented assignment to a name or an expression statement; the call is in no part
evaluated only sometimes (``and``, ``or``, ``x if c else y``, a chained comparison, a
comprehension, a lambda); and each operand Python evaluates before the call is a name,
a constant, a module's attribute (``np.sum``) or such a call bound first (``a.bumped(0, c)
* a.bumped(1, c)``: ``hoisted``). Those the call cannot change: a name
is read as the object it holds, which Python reads before the call as well. An operand
computed before the call (``a.data[0] + a.bumped(0, c)``, ``x * 2.0 + ...``) may be
changed by it, and keeps the call where it is (appended_objects.py then refuses)."""

import gast

from ...core import syntax as S
from ...core.walk import walk_blocks
from .evaluation_order import evaluated_before

_STATEMENTS = (gast.Assign, gast.AugAssign, gast.Expr)


def hoistable(call, parents, is_module, hoisted=None):
    """Whether ``call`` (inside a statement, not the statement's whole value) may be
    bound to a name in the statement before; ``parents``: {node: its parent};
    ``is_module(name)``: whether ``name`` names a module in the function; ``hoisted(node)``:
    whether an operand evaluated before it is a call bound to a name before it, first
    (``a.bumped(0, c) * a.bumped(1, c)``), which is then a name too."""
    child, parent = call, parents.get(call)
    while parent is not None and not isinstance(parent, gast.stmt):
        before = evaluated_before(child, parent)
        if before is None or not all(_unchanged(node, is_module) or hoisted is not None and hoisted(node)
                                     for node in before):
            return False
        child, parent = parent, parents.get(parent)
    if not isinstance(parent, _STATEMENTS):
        return False
    if isinstance(parent, gast.AugAssign):
        return child is parent.value and isinstance(parent.target, gast.Name)
    return child is parent.value


def hoist_calls(body, wanted, fresh):
    """Bind each call of ``body`` (and of the blocks nested in it) for which ``wanted(call,
    parents)`` holds, and which is not a statement's whole value, to a name (``fresh(hint)``)
    in a statement of its own just before its statement: first the calls evaluated first,
    so that each call left sees the names bound before it."""
    for block in walk_blocks(body):
        at = 0
        while at < len(block):
            stmt = block[at]
            call = _first_wanted(stmt, wanted) if isinstance(stmt, _STATEMENTS) else None
            if call is None:
                at += 1
                continue
            name = fresh(call.func.attr)
            _replace(stmt, call, gast.copy_location(S.name(name), call))
            block.insert(at, gast.copy_location(S.assign(name, call), stmt))
            at += 1


def _first_wanted(stmt, wanted):
    parents = S.parent_nodes(stmt)
    for node in S.walk_nodes(stmt):
        if isinstance(node, gast.Call) and node is not stmt.value and isinstance(node.func, gast.Attribute) \
                and wanted(node, parents):
            return node
    return None


def _replace(stmt, old, new):
    for node in S.walk_nodes(stmt):
        for field, value in gast.iter_fields(node):
            if value is old:
                setattr(node, field, new)
                return
            if isinstance(value, list) and any(v is old for v in value):
                value[next(k for k, v in enumerate(value) if v is old)] = new
                return


def _unchanged(node, is_module):
    """Whether ``node``'s value is one a call evaluated after it cannot change."""
    if isinstance(node, (gast.Name, gast.Constant)):
        return True
    path = S.dotted_path(node) if isinstance(node, gast.Attribute) else None
    return path is not None and len(path) == 2 and is_module(path[0])      # np.sum
