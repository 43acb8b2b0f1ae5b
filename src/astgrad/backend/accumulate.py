"""Optimize pass: add to a parameter's adjoint in place (``d_W += e``).

A parameter's adjoint that starts as ``zeros_like(W)`` and is only ever added to
is an array that belongs to the generated function alone, so adding in place is
safe, and saves an allocation per addition (a loop adds once per iteration).
"""

import gast

from .. import runtime
from ..core import anno
from ..core import syntax as S
from ..core import walk
from ..core.anno import Key


def accumulate_in_place(body, parameter_adjoints):
    """``d_W = d_W + e`` -> ``d_W += e`` for the adjoints in ``parameter_adjoints``
    that qualify (see the module docstring); returns ``body``."""
    stores = {}
    for stmt in S.statements(body):
        if isinstance(stmt, gast.Assign):
            for name in S.stored_names(stmt.targets[0]):
                stores.setdefault(name, []).append(stmt)
    for name in parameter_adjoints:
        assignments = stores.get(name, [])
        first_ok = assignments and _is_zeros_init(assignments[0])
        additions = assignments[1:]
        if not first_ok or not additions or not all(_adds_to_itself(a, name) for a in additions):
            continue
        if _read_elsewhere(body, name, set(map(id, assignments))):
            continue
        for stmt in additions:
            anno.set(stmt, Key.INPLACE, True)
    return walk.rewrite_blocks(body, _in_place)


def _is_zeros_init(stmt):
    value = stmt.value
    return isinstance(stmt.targets[0], gast.Name) and isinstance(value, gast.Call) \
        and anno.get(value, Key.TARGET) is runtime.zeros_like


def _adds_to_itself(stmt, name):
    value = stmt.value
    return isinstance(stmt.targets[0], gast.Name) and isinstance(value, gast.BinOp) \
        and isinstance(value.op, gast.Add) and isinstance(value.left, gast.Name) \
        and value.left.id == name and name not in S.loaded_names(value.right)


def _read_elsewhere(body, name, own):
    """Whether ``name`` is read anywhere but in its own additions and a final return."""
    for stmt in S.statements(body):
        if id(stmt) in own or isinstance(stmt, gast.Return):
            continue
        for node in S.header_nodes(stmt):
            if name in S.loaded_names(node):
                return True
    return False


def _in_place(stmt):
    if not anno.get(stmt, Key.INPLACE, False):
        return stmt
    node = gast.AugAssign(target=S.name(stmt.targets[0].id, store=True), op=gast.Add(), value=stmt.value.right)
    node.lineno = getattr(stmt, "lineno", None)
    return node
