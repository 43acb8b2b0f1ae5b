"""Optimize pass for specialized code: drop copies of one name into another.

Rules are written for the general case, so a derivative often arrives through a chain
of copies (``d_t_5 = d_s``, ``d_t_4 = d_t_5``); in a loop each copy is a statement run
on every iteration. Where a name is assigned exactly once in the whole function, by a
copy ``a = b``, and every read of ``a`` comes later in the same block while ``b`` is
not assigned again in that block (other than ``b = a``), the reads of ``a`` read ``b`` and the copy goes; an
assignment of a name to itself goes too. Code specialized to its arguments (run, never
shown as the derivative's source nor transformed again) drops every such copy; general
code only the copies into a derivative's name (``d_t_9 = d_a8``: its reads read ``d_a8``),
keeping the names the user's code gives its values, which its reads show.
"""

from collections import Counter

import gast

from ..core import syntax as S
from ..core import walk


def propagate_copies(body, keep=(), only=None):
    """``body`` with single-assignment copies replaced by their source; ``only``, where
    given, is the names such a copy may assign (the others are kept)."""
    stores, loads = {}, {}
    top = _Rest(body, (stores, loads))          # counts the whole function's names on its walk
    only = None if only is None else set(only)
    for block in walk.walk_blocks(body):
        _propagate_block(block, stores, loads, set(keep), top if block is body else _Rest(block), only)
    return body


def _propagate_block(block, stores, loads, keep, rest, only):
    position = 0
    while position < len(block):
        stmt = block[position]
        rest.leave(stmt)                            # ``rest`` now holds block[position + 1:]
        if _is_copy(stmt) and stmt.targets[0].id == stmt.value.id:
            del block[position]                     # x = x
            continue
        if _is_copy(stmt) and stores.get(stmt.targets[0].id) == 1 and stmt.targets[0].id not in keep \
                and (only is None or stmt.targets[0].id in only):
            target, source = stmt.targets[0].id, stmt.value.id
            # ``source = target`` later gives source the value it has: no change
            if rest.loads[target] == loads.get(target, 0) and \
                    rest.stores[source] == rest.copies[(source, target)]:
                rest.rename(target, source)
                del block[position]
                continue
        position += 1


class _Rest:
    """What the statements after the current one read and store, kept up to date as the
    walk moves on and as renames change them: looking at the rest of the block for
    every copy made this pass quadratic in the block's length.

    ``loads[name]``: how often the rest reads ``name``; ``stores[name]``: how many of
    its statements store ``name``; ``copies[(a, b)]``: how many are the copy ``a = b``."""

    def __init__(self, block, totals=None):
        """``totals``: (stores, loads) dicts to count every Name of ``block`` into (Load
        ones as loads, any other as stores)."""
        self.loads, self.stores, self.copies = Counter(), Counter(), Counter()
        self._readers = {}          # name -> {id(stmt): stmt} of the rest's statements reading it
        self._counts = {}           # id(stmt) -> {name: loads}
        self._stored = {}           # id(stmt) -> the names it stores
        all_stores, all_loads = totals if totals is not None else ({}, {})
        name_type, load_type, store_type = gast.Name, gast.Load, gast.Store
        for stmt in block:
            counts, stored = {}, set()
            for node in S.operand_nodes(stmt):
                if type(node) is not name_type:
                    continue
                if type(node.ctx) is load_type:
                    counts[node.id] = counts.get(node.id, 0) + 1
                    all_loads[node.id] = all_loads.get(node.id, 0) + 1
                    continue
                all_stores[node.id] = all_stores.get(node.id, 0) + 1
                if type(node.ctx) is store_type:
                    stored.add(node.id)
            self._counts[id(stmt)] = counts
            for name, count in counts.items():
                self.loads[name] += count
                self._readers.setdefault(name, {})[id(stmt)] = stmt
            self._stored[id(stmt)] = stored
            self.stores.update(stored)
            if _is_copy(stmt):
                self.copies[(stmt.targets[0].id, stmt.value.id)] += 1

    def leave(self, stmt):
        """``stmt``, the first statement of the rest, is no longer in it."""
        for name, count in self._counts.pop(id(stmt)).items():
            self.loads[name] -= count
            del self._readers[name][id(stmt)]
        self.stores.subtract(self._stored.pop(id(stmt)))
        if _is_copy(stmt):
            self.copies[(stmt.targets[0].id, stmt.value.id)] -= 1

    def rename(self, old, new):
        """Every read of ``old`` in the rest reads ``new`` instead."""
        for key, stmt in self._readers.pop(old, {}).items():
            if _is_copy(stmt) and stmt.value.id == old:
                self.copies[(stmt.targets[0].id, old)] -= 1
                self.copies[(stmt.targets[0].id, new)] += 1
            _Rename(old, new).visit(stmt)
            counts = self._counts[key]
            moved = counts.pop(old)
            counts[new] = counts.get(new, 0) + moved
            self.loads[old] -= moved
            self.loads[new] += moved
            self._readers.setdefault(new, {})[key] = stmt


def _is_copy(stmt):
    return isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 \
        and isinstance(stmt.targets[0], gast.Name) and isinstance(stmt.value, gast.Name)


class _Rename(gast.NodeVisitor):
    def __init__(self, old, new):
        self.old, self.new = old, new

    def visit_Name(self, node):
        if node.id == self.old and isinstance(node.ctx, gast.Load):
            node.id = self.new
