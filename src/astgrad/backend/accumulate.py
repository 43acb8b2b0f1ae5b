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
    stores, name_type = {}, gast.Name
    for stmt in S.statements(body):
        if isinstance(stmt, gast.Assign):
            target = stmt.targets[0]
            for name in (target.id,) if type(target) is name_type else S.stored_names(target):
                stores.setdefault(name, []).append(stmt)
    readers, marked = None, False
    for name in parameter_adjoints:
        assignments = stores.get(name, [])
        first_ok = assignments and _is_zeros_init(assignments[0])
        additions = assignments[1:]
        if not first_ok or not additions or not all(_adds_to_itself(a, name) for a in additions):
            continue
        readers = _readers(body) if readers is None else readers
        if _read_elsewhere(readers.get(name, ()), set(map(id, assignments))):
            continue
        for stmt in additions:
            anno.set(stmt, Key.INPLACE, True)
        marked = True
    return walk.rewrite_blocks(body, _in_place) if marked else body


def _is_zeros_init(stmt):
    value = stmt.value
    return isinstance(stmt.targets[0], gast.Name) and isinstance(value, gast.Call) \
        and anno.get(value, Key.TARGET) is runtime.zeros_like


def _adds_to_itself(stmt, name):
    value = stmt.value
    return isinstance(stmt.targets[0], gast.Name) and isinstance(value, gast.BinOp) \
        and isinstance(value.op, gast.Add) and isinstance(value.left, gast.Name) \
        and value.left.id == name and name not in S.loaded_names(value.right)


def _readers(body):
    """Name -> the statements whose own expressions (not their nested blocks) read it."""
    readers = {}
    for stmt in S.statements(body):
        for node in S.header_nodes(stmt):
            for name in S.loaded_names(node):
                readers.setdefault(name, []).append(stmt)
    return readers


def _read_elsewhere(readers, own):
    """Whether one of ``readers`` (of a name) is neither one of its own additions
    (ids ``own``) nor a return (the final return of the gradients)."""
    return any(id(stmt) not in own and not isinstance(stmt, gast.Return) for stmt in readers)


def _in_place(stmt):
    if not anno.get(stmt, Key.INPLACE, False):
        return stmt
    node = gast.AugAssign(target=S.name(stmt.targets[0].id, store=True), op=gast.Add(), value=stmt.value.right)
    node.lineno = getattr(stmt, "lineno", None)
    return node
