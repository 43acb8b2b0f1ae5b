"""A method call on a name bound to objects of the user's in more than one place (``if c:
a = ByItem(Inner(buf))`` / ``else: a = ByItem(Inner(buf * 2.0))``; ``a.total(v)``): no
one layout tells what ``a`` holds, so the call runs as it is, and where the method reads
an item of, or applies an operator or a call to, an attribute holding an object of the
user's (``self.inner[1]`` runs ``Inner.__getitem__``), that code may write into an array
the function reads, unseen by the derivative. Refused at the user's line
(held_objects.py answers the same for an object a helper returns)."""

import gast

from ...core import methods as M
from ...core import syntax as S
from .. import object_layouts as L
from .held_objects import OPERAND, held_write_nothing, may_run_code, uses_held


def refuse_rebound_held(lowering, receiver, attr, node):
    """Refuse ``receiver.attr(...)`` (``node``) where ``receiver`` names objects bound
    by several constructions of the function, one of which holds an object of a class of
    the user's with methods of its own, and the method ``attr`` of the built class
    operates on an attribute (the module docstring)."""
    if not isinstance(receiver, gast.Name):
        return
    values = _bound_values(lowering).get(receiver.id, ())
    if len(values) < 2 or not all(isinstance(v, gast.Call) for v in values):
        return
    for value in values:
        layout = lowering.layout(value)
        if layout is None or layout[0] != L.OBJECT:
            continue
        cls = layout[1]
        fn = getattr(M.static_attribute(cls, attr), "__func__", M.static_attribute(cls, attr))
        held = _held_classes(layout)
        if held and may_run_code(held) and not held_write_nothing(held) and callable(fn) and uses_held(fn, OPERAND):
            raise lowering._refuse(
                f"a call of {cls.__name__}.{attr} on '{receiver.id}', bound in more than one place to an "
                f"object holding an object of {held[0].__name__}, whose methods the call may run "
                "(an item read, an operator or a call on the attribute holding it)", node,
                f"bind '{receiver.id}' once, choosing its arguments instead "
                f"({cls.__name__}(u if c else v)), or have {cls.__name__}.{attr} read arrays only")


def _bound_values(lowering):
    """{name: the values the function's assignments bind it to}, found in one walk (asked
    of each method call no layout tells the object of, ``x.sum()`` too)."""
    found = lowering.__dict__.get("_rebound_values")
    if found is None:
        found = lowering.__dict__["_rebound_values"] = {}
        for stmt in S.statement_nodes(lowering.source.tree):     # (an assignment is a statement)
            if isinstance(stmt, gast.Assign):
                for target in stmt.targets:
                    if isinstance(target, gast.Name):
                        found.setdefault(target.id, []).append(stmt.value)
    return found


def _held_classes(layout):
    """The classes of the objects the attributes of ``layout`` hold, at any depth."""
    return [part[1] for part in L.held_layouts(layout) if part[0] == L.OBJECT and isinstance(part[1], type)]
