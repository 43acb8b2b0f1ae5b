"""Local lists used only as stacks: what ``s.pop()`` can return.

Code that records values in a loop pushes them on a list and pops them back later
(``a_stack.append(a)`` ... ``a = a_stack.pop()``). In the derivative of such code (a
gradient's gradient) those are plain statements, and a popped value is one of the values
pushed: whatever holds for each of them (a shape class) holds for it.

A list ``s`` counts as a stack when it is assigned once, by the empty display ``[]``, and
every other statement that mentions it is ``s.append(atom)``, ``v = s.pop()`` or
``v = helper(..., s, ...)`` for a helper that only reads it (``zeros_like``,
``append_derivative``, ``pad_last``): nothing else can put a value in it, and it never
escapes to code that could.
"""

import gast

from ..core import anno
from ..core import syntax as S
from ..core.anno import Key
from .. import runtime

_NONE = frozenset()
_READERS = (runtime.zeros_like, runtime.append_derivative, runtime.pad_last)


def stack_pops(statements, definitions, value_names=None):
    """id(``s.pop()`` call) -> the atoms appended to ``s``, for each stack ``s`` of a
    body whose ``statements`` (nested ones included) are given in source order, as
    ``walk.walk_statements`` gives them (``def_use.index`` keeps them; ``definitions``:
    name -> its assigned values, as ShapeClasses collects them; ``value_names``: id(value)
    -> the names it mentions, for the assignments and expression statements where known)."""
    candidates = {name for name, values in definitions.items()
                  if len(values) == 1 and type(values[0]) is gast.List and not values[0].elts}
    if not candidates:
        return {}
    pushed, pops, spoiled = {}, {}, set()
    value_names, assign_type, expr_type, name_type = value_names or {}, gast.Assign, gast.Expr, gast.Name
    for stmt in statements:
        kind = stmt.__class__
        if kind is assign_type and len(stmt.targets) == 1 and stmt.targets[0].__class__ is name_type \
                and stmt.targets[0].id not in candidates or kind is expr_type:
            names = value_names.get(id(stmt.value))
            if names is not None and names.isdisjoint(candidates):
                continue        # the commonest statement: mentions no stack (as _mentioned finds)
        mentioned = _mentioned(stmt, candidates, value_names)
        if not mentioned:
            continue
        use = _stack_use(stmt, candidates)
        if use is None:
            spoiled |= mentioned
        elif use[0] == "append":
            pushed.setdefault(use[1], []).append(use[2])
        elif use[0] == "pop":
            pops.setdefault(use[1], []).append(use[2])
    found = {}
    for name, calls in pops.items():
        if name not in spoiled:
            for call in calls:
                found[id(call)] = pushed.get(name, [])
    return found


def _mentioned(stmt, candidates, value_names):
    """The ``candidates`` ``stmt`` mentions, but in its nested blocks."""
    if (isinstance(stmt, gast.Expr) or isinstance(stmt, gast.Assign) and len(stmt.targets) == 1) \
            and id(stmt.value) in value_names:
        names = value_names[id(stmt.value)]
        found = _NONE if names.isdisjoint(candidates) else names & candidates
        if isinstance(stmt, gast.Assign):
            target = stmt.targets[0]
            if type(target) is gast.Name:
                return found | {target.id} if target.id in candidates else found
            return found | (S.names_in(target) & candidates)
        return found
    names = set()
    for node in S.header_nodes(stmt):
        names |= S.names_in(node)
    return names & candidates


def _stack_use(stmt, candidates):
    """("append", s, atom), ("pop", s, the call), ("read", s, None) for a statement
    that uses stacks as a stack may be used, else None."""
    if isinstance(stmt, gast.Expr):
        call = stmt.value
        if _method_call(call, "append", candidates) and len(call.args) == 1 and not call.keywords \
                and (type(call.args[0]) is gast.Constant
                     or type(call.args[0]) is gast.Name and call.args[0].id not in candidates):
            return "append", call.func.value.id, call.args[0]
        return None
    if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and type(stmt.targets[0]) is gast.Name):
        return None
    target, value = stmt.targets[0].id, stmt.value
    if target in candidates:
        return ("read", target, None) if type(value) is gast.List and not value.elts else None
    if _method_call(value, "pop", candidates) and not value.args and not value.keywords:
        return "pop", value.func.value.id, value
    if type(value) is gast.Call and any(anno.get(value, Key.TARGET) is reader for reader in _READERS) \
            and not value.keywords \
            and all(type(arg) in (gast.Name, gast.Constant) for arg in value.args):
        return "read", None, None
    return None


def _method_call(node, method, candidates):
    return type(node) is gast.Call and type(node.func) is gast.Attribute and node.func.attr == method \
        and type(node.func.value) is gast.Name and node.func.value.id in candidates
