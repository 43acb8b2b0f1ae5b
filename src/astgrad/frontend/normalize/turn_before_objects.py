"""A method called on the object the turn before built, in a loop's turn before this
turn builds its own (``for k in ...: if k > 0: a.bump(2, c); a = Acc(buf); a.bump(k,
c)``): the normalizer reads the code in order, so the name's layout is not known yet
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
    for loop in _loops_around(statement, parents):
        binding = _later_binding(loop.body, statement, receiver.id, parents)
        if binding is not None and normalizer.built_class_of(binding.value) is not None:
            return normalizer.static_layout(binding.value, L._DEPTH)
    return None


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
