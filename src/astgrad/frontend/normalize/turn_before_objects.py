"""A method called on the object the turn before built, in a loop's turn before this
turn builds its own (``for k in ...: if k > 0: a.bump(2, c); a = Acc(buf); a.bump(k,
c)``, where synced_handed_names.py keeps ``buf`` equal to the object's array after each
call): the normalizer reads the code in order, so the name's layout is not known yet
where the call is. The name is bound once in the function, by a statement of the loop's
own body after the call, to a new object of a class of the user's: every object it can
hold there is one that statement built, of the layout the statement gives. In the first
turn the name is unbound, and the call raises as it does in Python."""

import gast

from ...core import syntax as S
from .. import object_layouts as L


def turn_before_layout(normalizer, receiver, call):
    """The layout of the object ``receiver`` (a Name) holds at ``call``, where it is the
    object the turn before built (the module docstring); else None."""
    if not isinstance(receiver, gast.Name) or normalizer.bound_count.get(receiver.id, 0) != 1:
        return None
    tree = normalizer.source.tree
    parents = S.parent_nodes(tree)
    statement = call
    while statement is not None and not isinstance(statement, gast.stmt):
        statement = parents.get(statement)
    if not _synced_after(statement, receiver.id, parents):
        return None
    for loop in _loops_around(statement, parents):
        binding = _later_binding(loop.body, statement, receiver.id, parents)
        if binding is not None and normalizer.built_class_of(binding.value) is not None:
            return normalizer.static_layout(binding.value, L._DEPTH)
    return None


def _synced_after(statement, me, parents):
    """Whether the statement after ``statement`` in its block writes ``me``'s array into
    the array it was handed (``buf[...] = +a.data``: synced_handed_names.py), the one form
    taken: a method storing attributes of the turn before's object (``b.scale(w)``, the
    object new at each turn) is left to the refusal."""
    block = next((getattr(parent, field) for parent in [parents.get(statement)] if parent is not None
                  for field in ("body", "orelse") if any(s is statement for s in getattr(parent, field, ()))), None)
    if block is None:
        return False
    at = next(k for k, s in enumerate(block) if s is statement)
    sync = block[at + 1] if at + 1 < len(block) else None
    return isinstance(sync, gast.Assign) and isinstance(sync.targets[0], gast.Subscript) \
        and isinstance(sync.value, gast.UnaryOp) and isinstance(sync.value.op, gast.UAdd) \
        and isinstance(sync.value.operand, gast.Attribute) and isinstance(sync.value.operand.value, gast.Name) \
        and sync.value.operand.value.id == me


def _loops_around(statement, parents):
    node = parents.get(statement) if statement is not None else None
    while node is not None and not isinstance(node, (gast.FunctionDef, gast.Lambda, gast.ClassDef)):
        if isinstance(node, (gast.For, gast.While)):
            yield node
        node = parents.get(node)


def _later_binding(body, statement, name, parents):
    """``name = Cls(...)``, a statement of ``body`` after the one holding ``statement``."""
    top = statement
    while top is not None and not any(top is s for s in body):
        top = parents.get(top)
    if top is None:
        return None
    after = body[next(i for i, s in enumerate(body) if s is top) + 1:]
    for stmt in after:
        if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name) \
                and stmt.targets[0].id == name and isinstance(stmt.value, gast.Call):
            return stmt
    return None
