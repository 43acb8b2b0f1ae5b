"""Optimize pass for specialized code: drop copies of one name into another.

Rules are written for the general case, so a derivative often arrives through a chain
of copies (``d_t_5 = d_s``, ``d_t_4 = d_t_5``); in a loop each copy is a statement run
on every iteration. Where a name is assigned exactly once in the whole function, by a
copy ``a = b``, and every read of ``a`` comes later in the same block while ``b`` is
not assigned again in that block (other than ``b = a``), the reads of ``a`` read ``b`` and the copy goes; an
assignment of a name to itself goes too. Only code that is run and never transformed
again (code specialized to its arguments) gets this pass: general code keeps its
derivative names, which later transforms rely on.
"""

import gast

from ..core import syntax as S
from ..core import walk


def propagate_copies(body, keep=()):
    """``body`` with single-assignment copies replaced by their source."""
    stores, loads = {}, {}
    for node in gast.walk(gast.Module(body=body, type_ignores=[])):
        if isinstance(node, gast.Name):
            counts = loads if isinstance(node.ctx, gast.Load) else stores
            counts[node.id] = counts.get(node.id, 0) + 1
    for block in walk.walk_blocks(body):
        _propagate_block(block, stores, loads, set(keep))
    return body


def _propagate_block(block, stores, loads, keep):
    position = 0
    while position < len(block):
        stmt = block[position]
        if _is_copy(stmt) and stmt.targets[0].id == stmt.value.id:
            del block[position]                     # x = x
            continue
        if _is_copy(stmt) and stores.get(stmt.targets[0].id) == 1 and stmt.targets[0].id not in keep:
            target, source = stmt.targets[0].id, stmt.value.id
            rest = block[position + 1:]
            seen = sum(_count_loads(s, target) for s in rest)
            # ``source = target`` later gives source the value it has: no change
            if seen == loads.get(target, 0) and not any(
                    source in S.stored_names(s) and not (_is_copy(s) and s.value.id == target) for s in rest):
                for s in rest:
                    _Rename(target, source).visit(s)
                del block[position]
                continue
        position += 1


def _is_copy(stmt):
    return isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 \
        and isinstance(stmt.targets[0], gast.Name) and isinstance(stmt.value, gast.Name)


def _count_loads(stmt, name):
    return sum(1 for node in gast.walk(stmt)
               if isinstance(node, gast.Name) and node.id == name and isinstance(node.ctx, gast.Load))


class _Rename(gast.NodeVisitor):
    def __init__(self, old, new):
        self.old, self.new = old, new

    def visit_Name(self, node):
        if node.id == self.old and isinstance(node.ctx, gast.Load):
            node.id = self.new
