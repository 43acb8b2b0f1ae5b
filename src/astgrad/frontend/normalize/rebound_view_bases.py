"""A view kept across a rebinding of the array it views, then used:

    y = x * 1.0
    z = y.reshape(-1)       # a view of the array y holds now
    y = y * 2.0             # y names a new array; z still views the old one
    z[0] = w                # changes the old array, not the new y

Python's names: from ``y = y * 2.0`` on, ``y`` and ``z`` hold different arrays. The first
binding of ``y`` gets a name of its own (``y_1 = x * 1.0; z = y_1.reshape(-1);
y = y_1 * 2.0``), so the view's array is named by one name bound once, and views.py follows
the write through ``z`` into it as any other. Done only where the name is bound twice, both
times by an assignment of the function's body itself (so every read between the two reads the
first), and a name bound there to a view of it is written through after the second; not where
a function, lambda or class defined in the body names it (it may read it later).
"""

import gast

from ...core import syntax as S
from .. import written_in
from .scopes import parameters


def rename_rebound_bases(normalizer, stmts, counts, tree):
    """``stmts`` (a function's body) with the first binding of each such name renamed (see
    the module doc); ``counts``: the binding counts views.py keeps, updated."""
    params = set(parameters(tree))
    for second, stmt in enumerate(stmts):
        name = _assigned_name(stmt)
        if name is None or counts[name] != 2 or name in params:
            continue
        first = next((k for k in range(second) if _assigned_name(stmts[k]) == name), None)
        if first is None or not _kept_view_used_after(stmts, first, second, name, counts) \
                or not _renamable(stmts[first + 1:second] + [stmt.value], name) or not _local_only(stmts, name):
            continue
        fresh = normalizer.namer.fresh(name)
        normalizer.locals.add(fresh)
        written_in.name_made(normalizer.source, fresh, name)      # a refusal names what the user wrote
        for node in [stmts[first].targets[0]] + [n for s in stmts[first + 1:second] + [stmt.value]
                                                  for n in S.walk_nodes(s)]:
            if isinstance(node, gast.Name) and node.id == name:
                node.id = fresh
        counts[name] -= 1
        counts[fresh] = normalizer.bound_count[fresh] = 1
    return stmts


def _assigned_name(stmt):
    if type(stmt) is gast.Assign and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name):
        return stmt.targets[0].id
    return None


def _kept_view_used_after(stmts, first, second, name, counts):
    """Whether a statement between ``first`` and ``second`` binds a name once to a view of
    ``name`` (``z = y.reshape(-1)``, ``z = y[1:]``, ``z = y.T``) that a statement after
    ``second`` writes through (``z[0] = w``, ``z *= w``)."""
    kept = {_assigned_name(s) for s in stmts[first + 1:second]
            if _assigned_name(s) is not None and counts[_assigned_name(s)] == 1 and _views(s.value, name)}
    return bool(kept) and any(_written_name(n) in kept for s in stmts[second + 1:] for n in S.walk_nodes(s))


def _views(value, name):
    """Whether ``value`` reads ``name`` as a view would, through a chain of them:
    ``name[...]``, ``name.T``, a method or a NumPy function taking it first
    (``name.reshape(-1)``, ``numpy.ravel(name)``, ``numpy.swapaxes(name.T, 0, 1)``)."""
    if isinstance(value, gast.Name):
        return value.id == name
    if isinstance(value, (gast.Subscript, gast.Attribute)):
        return _views(value.value, name)
    if isinstance(value, gast.Call):
        return isinstance(value.func, gast.Attribute) and _views(value.func.value, name) \
            or bool(value.args) and _views(value.args[0], name)
    return False


def _written_name(node):
    """The name ``node`` writes elements of (``z[0] = w``, ``z[1:] += v``, ``z *= w``)."""
    target = node.target if isinstance(node, gast.AugAssign) else \
        node if isinstance(node, gast.Subscript) and isinstance(node.ctx, gast.Store) else None
    while isinstance(target, gast.Subscript):
        target = target.value
    return target.id if isinstance(target, gast.Name) else None


def _renamable(nodes, name):
    """Whether every ``name`` in ``nodes`` reads the first binding: none binds it (a loop
    target, a comprehension's, ``del``)."""
    return not any(isinstance(n, gast.Name) and n.id == name and not isinstance(n.ctx, gast.Load)
                   for part in nodes for n in S.walk_nodes(part))


def _local_only(stmts, name):
    """Whether ``name`` is the function's own local, never declared global or nonlocal nor
    named by a function, lambda or class defined in the body (which may read it later)."""
    for node in (n for stmt in stmts for n in S.walk_nodes(stmt)):
        if isinstance(node, (gast.FunctionDef, gast.AsyncFunctionDef, gast.Lambda, gast.ClassDef)) \
                and any(isinstance(n, gast.Name) and n.id == name for n in S.walk_nodes(node)):
            return False
        if isinstance(node, (gast.Global, gast.Nonlocal)) and name in node.names:
            return False
    return True
