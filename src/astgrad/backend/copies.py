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

import gast

from ..core import syntax as S
from ..core import walk


def propagate_copies(body, keep=(), only=None, counts=None, known=None):
    """``body`` with single-assignment copies replaced by their source; ``only``, where
    given, is the names such a copy may assign (the others are kept), and ``counts``, if
    known, (stores, reads) of each name of ``body``; ``known``: id(statement) -> (the
    statement, its Name nodes) of top-level statements, where already found."""
    if only is not None:
        return _propagate_some(body, set(keep), set(only), counts)
    stores, loads = {}, {}
    top = _Rest(body, (stores, loads), known)   # counts the whole function's names on its walk
    keep = set(keep)
    for block in walk.walk_blocks(body):
        if block is body:
            _propagate_block(block, stores, loads, keep, top, None)
        elif any(_is_copy(stmt) for stmt in block):     # a block without copies has nothing to drop
            _propagate_block(block, stores, loads, keep, _Rest(block), None)
    return body


_LOOK_AHEAD = 64        # statements a copy's reads are looked for in (general code)


def _propagate_some(body, keep, only, counts):
    """``propagate_copies`` of the copies into ``only``, each found with its reads in the
    next ``_LOOK_AHEAD`` statements of its block (those of derivatives of temporaries are
    a few statements on): no look at the rest of each block, which made this pass a tenth
    of the time of generating a gradient's gradient."""
    stores, loads = counts if counts is not None else _name_counts(body)
    only = {name for name in only if stores.get(name) == 1 and name not in keep}
    names = _StatementNames()
    for block in walk.walk_blocks(body):
        position = 0
        while position < len(block):
            stmt = block[position]
            if _is_copy(stmt) and (stmt.targets[0].id == stmt.value.id or stmt.targets[0].id in only
                                   and _replace_reads(block, position, loads, names)):
                del block[position]                 # x = x, or a copy whose reads now read its source
                continue
            position += 1
    return body


def _name_counts(body):
    """(stores, reads) of each name of ``body`` (a Name not read is a store)."""
    stores, loads = {}, {}
    load_type = gast.Load
    for node in S.name_nodes(gast.Module(body=body, type_ignores=[])):
        table = loads if type(node.ctx) is load_type else stores
        table[node.id] = table.get(node.id, 0) + 1
    return stores, loads


def _replace_reads(block, position, loads, names):
    """Whether every read of the copy ``block[position]``'s target comes in the statements
    after it, before its source changes (other than by ``source = target``): then those
    reads read the source instead."""
    target, source = block[position].targets[0].id, block[position].value.id
    wanted, readers = loads.get(target, 0), []
    for stmt in block[position + 1:position + 1 + _LOOK_AHEAD]:
        if wanted == 0:
            break
        read, stored = names.of(stmt)
        count = read.get(target, 0)
        if source in stored and not (_is_copy(stmt) and stmt.value.id == target):
            # the source changes here: only a plain statement reading the last reads before
            if count != wanted or type(stmt) not in (gast.Assign, gast.Expr, gast.Return):
                return False
        if count:
            readers.append(stmt)
            wanted -= count
    if wanted:
        return False
    for stmt in readers:
        moved = names.rename(stmt, target, source)
        loads[target] -= moved
        loads[source] = loads.get(source, 0) + moved
    return True


class _StatementNames:
    """The names each statement reads (with how often) and stores, found once, with the
    Name nodes of its reads: renaming them walks no statement again (a loop read by
    several copies before it was walked whole for each)."""

    def __init__(self):
        self._found = {}

    def of(self, stmt):
        found = self._found.get(id(stmt))
        if found is None:
            read, stored, readers = {}, set(), {}
            load_type = gast.Load
            for node in S.name_nodes(stmt):
                if type(node.ctx) is load_type:
                    read[node.id] = read.get(node.id, 0) + 1
                    readers.setdefault(node.id, []).append(node)
                else:
                    stored.add(node.id)
            found = self._found[id(stmt)] = (read, stored, readers, stmt)
        return found[0], found[1]

    def rename(self, stmt, old, new):
        """Make ``stmt`` read ``new`` where it reads ``old``; returns how often it did.
        (Only this pass changes the statements it has looked at, and only their names.)"""
        read, _, readers, _ = self._found[id(stmt)]
        nodes = readers.pop(old, ())
        for node in nodes:
            node.id = new
        readers.setdefault(new, []).extend(nodes)
        moved = read.pop(old, 0)
        read[new] = read.get(new, 0) + moved
        return moved


def _propagate_block(block, stores, loads, keep, rest, only, position=0):
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
            if rest.loads.get(target, 0) == loads.get(target, 0) and \
                    rest.stores.get(source, 0) == rest.copies.get((source, target), 0):
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

    def __init__(self, block, totals=None, known=None):
        """``totals``: (stores, loads) dicts to count every Name of ``block`` into (Load
        ones as loads, any other as stores); ``known``: id(statement) -> (the statement,
        its Name nodes), where already found."""
        # (plain dicts: a Counter's update and subtract cost several times more, for each statement)
        self.loads, self.stores, self.copies = {}, {}, {}
        self._readers = {}          # name -> {id(stmt): stmt} of the rest's statements reading it
        self._counts = {}           # id(stmt) -> {name: loads}
        self._stored = {}           # id(stmt) -> the names it stores
        all_stores, all_loads = totals if totals is not None else ({}, {})
        load_type, store_type = gast.Load, gast.Store
        known = known or {}
        rest_loads, rest_stores, copies, readers = self.loads, self.stores, self.copies, self._readers
        for stmt in block:
            counts, stored = {}, set()
            found = known.get(id(stmt))
            for node in found[1] if found is not None and found[0] is stmt else S.name_nodes(stmt):
                if type(node.ctx) is load_type:
                    counts[node.id] = counts.get(node.id, 0) + 1
                    all_loads[node.id] = all_loads.get(node.id, 0) + 1
                    continue
                all_stores[node.id] = all_stores.get(node.id, 0) + 1
                if type(node.ctx) is store_type:
                    stored.add(node.id)
            self._counts[id(stmt)] = counts
            for name, count in counts.items():
                rest_loads[name] = rest_loads.get(name, 0) + count
                readers.setdefault(name, {})[id(stmt)] = stmt
            self._stored[id(stmt)] = stored
            for name in stored:
                rest_stores[name] = rest_stores.get(name, 0) + 1
            if _is_copy(stmt):
                key = (stmt.targets[0].id, stmt.value.id)
                copies[key] = copies.get(key, 0) + 1

    def leave(self, stmt):
        """``stmt``, the first statement of the rest, is no longer in it."""
        loads, stores, readers = self.loads, self.stores, self._readers
        for name, count in self._counts.pop(id(stmt)).items():
            loads[name] -= count
            del readers[name][id(stmt)]
        for name in self._stored.pop(id(stmt)):
            stores[name] -= 1
        if _is_copy(stmt):
            self.copies[(stmt.targets[0].id, stmt.value.id)] -= 1

    def rename(self, old, new):
        """Every read of ``old`` in the rest reads ``new`` instead."""
        for key, stmt in self._readers.pop(old, {}).items():
            if _is_copy(stmt) and stmt.value.id == old:
                self.copies[(stmt.targets[0].id, old)] -= 1
                copy = (stmt.targets[0].id, new)
                self.copies[copy] = self.copies.get(copy, 0) + 1
            _rename(stmt, old, new)
            counts = self._counts[key]
            moved = counts.pop(old)
            counts[new] = counts.get(new, 0) + moved
            self.loads[old] -= moved
            self.loads[new] = self.loads.get(new, 0) + moved
            self._readers.setdefault(new, {})[key] = stmt


def _is_copy(stmt):
    # (asked of each statement several times: gast's node classes have no subclasses, so
    # a class test is an isinstance test)
    return stmt.__class__ is _ASSIGN and len(stmt.targets) == 1 \
        and stmt.targets[0].__class__ is _NAME and stmt.value.__class__ is _NAME


_ASSIGN, _NAME = gast.Assign, gast.Name


def _rename(stmt, old, new):
    """Every read of ``old`` in ``stmt`` reads ``new`` instead."""
    for node in S.name_nodes(stmt):
        if node.id == old and isinstance(node.ctx, gast.Load):
            node.id = new
