"""The names that hold the very object a write at the top of a function changes, at
that write: ``y = z; y *= s; z = y + z``, where ``z`` is bound again after the write.

``_exact_aliases`` (common.py) looks at every binding of the function at once, so a
name bound again anywhere, even after the write, is no sure alias there. A statement
of the function's body itself runs once, in order, so what each name holds just before
it can be read off the statements ahead of it: ``z`` is still the object ``y = z`` gave
``y`` when nothing bound either since. Such a name sees the write as ``y`` does, and is
followed as a plain alias is (``z = follow_in_place(z, y)`` after ``y op= e``); what it is
bound to later is a new value of its own.
"""

import gast

from .. import runtime
from ..core import anno
from ..core import syntax as S
from ..core.anno import Key


def aliases_at_write(body, params, stmt, name, candidates):
    """Those of ``candidates`` that surely hold ``name``'s object just before ``stmt``, a
    statement of ``body`` itself (not nested in a loop or branch); else the empty set."""
    position = next((k for k, s in enumerate(body) if s is stmt), None)
    if position is None or not candidates or _declares_outer_names(body):
        return set()
    held = _object_of(body, params, name, position)
    if held is None:
        return set()
    return {v for v in candidates if v != name and _object_of(body, params, v, position) == held}


def _object_of(body, params, name, end):
    """Which object ``name`` holds just before ``body[end]``: ("parameter", name), or
    ("made", k) for the value ``body[k]`` made; None where that is not sure (bound in a
    loop, a branch, by a tuple target, or not bound at all)."""
    for k in range(end - 1, -1, -1):
        stmt = body[k]
        if name not in S.stored_names(stmt):
            continue
        if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1
                and isinstance(stmt.targets[0], gast.Name) and stmt.targets[0].id == name):
            return None
        if anno.get(stmt, Key.AUGMENTED, False):
            continue        # y op= e: an array keeps its object, which its aliases follow
        value = stmt.value
        if isinstance(value, gast.Name):
            return _object_of(body, params, value.id, k)
        if isinstance(value, gast.Call) and anno.get(value, Key.TARGET) is runtime.follow_in_place:
            # v = follow_in_place(v, y) after y op= e: v keeps its object, which was y's
            # (an array changed in place), or stays apart (a number y was bound again to)
            alias, written = (_object_of(body, params, a.id, k) if isinstance(a, gast.Name) else None
                              for a in value.args[:2])
            return alias if alias is not None and alias == written else None
        return ("made", k)
    return ("parameter", name) if name in params else None


def _declares_outer_names(body):
    """Whether ``body`` binds a global or an enclosing function's name (``global``,
    ``nonlocal``): code elsewhere may bind it too."""
    return any(isinstance(node, (gast.Global, gast.Nonlocal)) for stmt in body for node in S.walk_nodes(stmt))
