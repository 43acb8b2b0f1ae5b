"""Optimize pass for specialized code: free each value as soon as it is no longer needed.

In straight-line code a temporary stays alive until the function returns unless
something drops the reference; for arrays that is most of the gradient's peak memory.
After the last statement that mentions a name, ``del name`` lets NumPy reuse its
memory for what follows, as a careful person does by hand. Only names that the top
level of the function assigns with plain assignments take part (so they are bound
wherever the ``del`` runs), and not in a function with nested functions (which may
read the name later). ``del`` is not part of the core language, so only code that is
run and never transformed again (code specialized to its arguments) gets this pass.
"""

from typing import NamedTuple

import gast
from ..core import syntax as S

# nodes that open a scope of their own, or name one (a nested function may read a name later)
SCOPES = frozenset({gast.Lambda, gast.FunctionDef, gast.Global, gast.Nonlocal})


class StatementNames(NamedTuple):
    """What one walk of a top-level statement finds: its Name nodes in the order of
    ``syntax.operand_nodes``, and whether it holds a node of ``SCOPES``. The pass before
    this one finds them on its own walk: they still hold where the statement is the same
    object (the pass between, array methods for full sums, keeps every name a statement
    binds or reads but the one NumPy goes by)."""

    stmt: object
    names: list
    scoped: bool


def statement_names(stmt):
    """``StatementNames`` of ``stmt``, by one walk."""
    names, scoped, name_type, scopes = [], False, gast.Name, SCOPES
    for node in S.operand_nodes(stmt):
        if type(node) is name_type:
            names.append(node)
        elif type(node) in scopes:
            scoped = True
    return StatementNames(stmt, names, scoped)


def free_dead_values(body, params, known=None):
    """``body`` with ``del`` statements after each top-level name's last mention.
    ``known``: id(statement) -> ``StatementNames`` of statements of ``body``, where
    already found."""
    plain, other, last = set(), set(params), {}
    load_type, known = gast.Load, known or {}
    for index, stmt in enumerate(body):
        target = None               # a Name the statement binds plainly (or updates): not "other"
        if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 \
                and isinstance(stmt.targets[0], gast.Name):
            plain.add(stmt.targets[0].id)
            target = stmt.targets[0]
        elif isinstance(stmt, gast.AugAssign) and isinstance(stmt.target, gast.Name):
            target = stmt.target        # updates a name bound before
        found = known.get(id(stmt))
        if found is None or found.stmt is not stmt:
            found = statement_names(stmt)
        if found.scoped:
            return body
        for node in found.names:     # every mention, and the other bindings
            last[node.id] = index
            if node is not target and type(node.ctx) is not load_type:
                other.add(node.id)
    candidates = plain - other
    dying = {}          # index -> the candidates mentioned last there
    for name in candidates:
        if name in last:
            dying.setdefault(last[name], set()).add(name)
    aliases = {}        # a -> names whose last mention was ``a = name``: the same value
    out = []
    for index, stmt in enumerate(body):
        out.append(stmt)
        if isinstance(stmt, gast.Return) or index + 1 < len(body) and isinstance(body[index + 1], gast.Return):
            continue                        # returning frees them anyway
        dead = set(dying.get(index, ()))
        if isinstance(stmt, gast.Assign) and isinstance(stmt.value, gast.Name) and stmt.value.id in dead \
                and isinstance(stmt.targets[0], gast.Name) and stmt.targets[0].id in candidates:
            # ``d = t`` then ``d *= c``: t goes with d (a del here frees nothing, and reads oddly)
            aliases[stmt.targets[0].id] = aliases.pop(stmt.value.id, []) + [stmt.value.id]
            dead.discard(stmt.value.id)
        for name in list(dead):
            dead.update(aliases.pop(name, []))
        dead = sorted(dead)
        if dead:
            out.append(gast.Delete(targets=[gast.Name(id=name, ctx=gast.Del(), annotation=None,
                                                      type_comment=None) for name in dead]))
    return out

