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
    facts = _Facts()
    position = 0
    while position < len(block):
        stmt = block[position]
        if _is_copy(stmt) and stmt.targets[0].id == stmt.value.id:
            del block[position]                     # x = x
            continue
        if _is_copy(stmt) and stores.get(stmt.targets[0].id) == 1 and stmt.targets[0].id not in keep:
            target, source = stmt.targets[0].id, stmt.value.id
            rest = block[position + 1:]
            seen = sum(facts.loads(s).get(target, 0) for s in rest)
            # ``source = target`` later gives source the value it has: no change
            if seen == loads.get(target, 0) and not any(
                    source in facts.stores(s) and not (_is_copy(s) and s.value.id == target) for s in rest):
                for s in rest:
                    if facts.loads(s).get(target):
                        _Rename(target, source).visit(s)
                        facts.forget(s)
                del block[position]
                continue
        position += 1


class _Facts:
    """The names each statement reads (how often) and stores, found once per statement
    and again after a rename changes it: looking at the rest of the block for every
    copy made this pass quadratic in the block's length."""

    def __init__(self):
        self._found = {}        # id(stmt) -> (stmt, {name: loads}, stored names); stmt kept alive

    def _of(self, stmt):
        found = self._found.get(id(stmt))
        if found is None:
            counts = {}
            for node in gast.walk(stmt):
                if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load):
                    counts[node.id] = counts.get(node.id, 0) + 1
            found = self._found[id(stmt)] = (stmt, counts, S.stored_names(stmt))
        return found

    def loads(self, stmt):
        return self._of(stmt)[1]

    def stores(self, stmt):
        return self._of(stmt)[2]

    def forget(self, stmt):
        self._found.pop(id(stmt), None)


def _is_copy(stmt):
    return isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 \
        and isinstance(stmt.targets[0], gast.Name) and isinstance(stmt.value, gast.Name)


class _Rename(gast.NodeVisitor):
    def __init__(self, old, new):
        self.old, self.new = old, new

    def visit_Name(self, node):
        if node.id == self.old and isinstance(node.ctx, gast.Load):
            node.id = self.new
