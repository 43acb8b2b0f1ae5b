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
    # (gast's node classes have no subclasses: a class compared, not isinstance)
    assign_type, augassign_type, name_type = gast.Assign, gast.AugAssign, gast.Name
    for index, stmt in enumerate(body):
        target = None               # a Name the statement binds plainly (or updates): not "other"
        kind = stmt.__class__
        if kind is assign_type and len(stmt.targets) == 1 and stmt.targets[0].__class__ is name_type:
            target = stmt.targets[0]
            plain.add(target.id)
        elif kind is augassign_type and stmt.target.__class__ is name_type:
            target = stmt.target        # updates a name bound before
        found = known.get(id(stmt))
        if found is None or found[0] is not stmt:
            found = statement_names(stmt)
        _, names, scoped = found
        if scoped:
            return body
        for node in names:          # every mention, and the other bindings
            last[node.id] = index
            if node is not target and node.ctx.__class__ is not load_type:
                other.add(node.id)
    candidates = plain - other
    dying = {}          # index -> the candidates mentioned last there
    for name in candidates:
        if name in last:
            dying.setdefault(last[name], set()).add(name)
    aliases = {}        # a -> names whose last mention was ``a = name``: the same value
    out, last_index, return_type = [], len(body) - 1, gast.Return
    for index, stmt in enumerate(body):
        out.append(stmt)
        found = dying.get(index)
        if found is None:
            continue                        # nothing dies here (nor goes with a name dying here)
        if stmt.__class__ is return_type or index < last_index and body[index + 1].__class__ is return_type:
            continue                        # returning frees them anyway
        dead = set(found)
        if isinstance(stmt, gast.Assign) and isinstance(stmt.value, gast.Name) and stmt.value.id in dead \
                and isinstance(stmt.targets[0], gast.Name) and stmt.targets[0].id in candidates:
            # ``d = t`` then ``d *= c``: t goes with d (a del here frees nothing, and reads oddly)
            aliases[stmt.targets[0].id] = aliases.pop(stmt.value.id, []) + [stmt.value.id]
            dead.discard(stmt.value.id)
        for name in list(dead):
            dead.update(aliases.pop(name, []))
        if dead:
            out.append(_delete(sorted(dead)))
    return out


def _delete(names):
    """``del a, b``, made without gast's constructors (a Python function each node)."""
    node = _DELETE.__new__(_DELETE)
    node.__dict__ = {"targets": [_deleted(name) for name in names]}
    return node


def _deleted(identifier):
    node = _NAME.__new__(_NAME)
    node.__dict__ = {"id": identifier, "ctx": _DEL_CONTEXT, "annotation": None, "type_comment": None}
    return node


# one Del context shared by the names deleted (no pass changes or annotates a context, as
# syntax.name shares its Load and Store contexts)
_DELETE, _NAME, _DEL_CONTEXT = gast.Delete, gast.Name, gast.Del()

