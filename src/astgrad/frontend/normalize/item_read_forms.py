"""Reads of a list of built objects that name an item at a position known from the
code, written as that item's read, so item_objects.py can split the list::

    next(iter(ls)).up(w)          ->    ls[0].up(w)
    ls[:2][-1].up(w)              ->    ls[1].up(w)
    copy = list(ls)                     (pass)
    copy[0].up(w)                 ->    ls[0].up(w)
    for k in d:                         for k, d_item in d.items():
        d[k][0].up(w)             ->        d_item[0].up(w)

A copy (``list(ls)``, ``ls[:]``, ``ls.copy()``) holds the same objects as ``ls``, in the
same order, so a method called on its item changes the item ``ls`` holds, as in Python.
A copy is read so only where it is bound once, there, to no parameter, named in no
nested scope, and every read of it is an item read (never stored into, never a slice)
or the iterable of a loop, in the statements after it in its block; its list is then
never seen, and making it cannot fail. A loop over a dict's keys reads ``d[k]`` as the
value ``d.items()`` gives beside ``k`` where the loop alone binds ``k``, which is read only
so, in its body (the dict is split only where nothing changes it).

A list holding items of such a list at positions known from the code (``ys = ls[:2]``,
``ys.append(ls[0])``) is read as those items too (moved_items.py).

``read_as_items`` rewrites and returns, per list, how to put the code back: the caller
keeps the item reads only for the lists it splits.
"""

import builtins

import gast

from ...core import syntax as S
from ...core.walk import walk_blocks
from .moved_items import integer, moved_reads


def read_as_items(normalizer, tree, lists, dicts=()):
    """Rewrite ``tree`` for the list and tuple displays named in ``lists`` ({name: its
    display}) and the dict displays named in ``dicts``, as the module docstring says:
    {list or dict name: [functions putting code back]}."""
    undo = {}
    parents = {id(child): node for node in S.walk_nodes(tree) for child in gast.iter_child_nodes(node)}
    for node in list(S.walk_nodes(tree)):
        name, position = _item_named(normalizer, node, lists)
        if name is not None:
            read = gast.copy_location(gast.Subscript(value=S.name(name), slice=S.const(position), ctx=gast.Load()),
                                      node)
            undo.setdefault(name, []).append(_swap(parents[id(node)], node, read))
    for loop in list(S.walk_nodes(tree)):
        if isinstance(loop, gast.For) and isinstance(loop.iter, gast.Name) and loop.iter.id in dicts:
            reads = _keyed_reads(normalizer, tree, loop)
            if reads is not None:
                undo.setdefault(loop.iter.id, []).append(_over_items(normalizer, loop, reads, parents))
    for block in list(walk_blocks(tree.body)):
        for stmt in list(block):
            copied = _copy_of(normalizer, stmt, lists)
            if copied is not None:
                reads = _reads_of_copy(normalizer, tree, block, stmt, parents)
                if reads is not None:
                    undo.setdefault(copied, []).extend(_read_through(block, stmt, reads, copied))
    for name, put_back in moved_reads(normalizer, tree, lists).items():     # ys = objs[:2], ys.append(objs[0])
        undo.setdefault(name, []).extend(put_back)
    return undo


def _swap(parent, old, new):
    S.replace_child(parent, old, new)
    return lambda: S.replace_child(parent, new, old)


def _item_named(normalizer, node, lists):
    """(the list, the position) an expression ``next(iter(ls))`` or ``ls[a:b][k]``
    reads; else (None, None)."""
    if isinstance(node, gast.Call) and _called(normalizer, node, builtins.next) \
            and isinstance(node.args[0], gast.Call) and _called(normalizer, node.args[0], builtins.iter) \
            and isinstance(node.args[0].args[0], gast.Name) and node.args[0].args[0].id in lists:
        return node.args[0].args[0].id, 0
    if isinstance(node, gast.Subscript) and isinstance(node.ctx, gast.Load) and isinstance(node.value, gast.Subscript) \
            and isinstance(node.value.slice, gast.Slice) and isinstance(node.value.value, gast.Name) \
            and node.value.value.id in lists:
        name, cut = node.value.value.id, node.value.slice
        parts = (cut.lower, cut.upper, cut.step)
        bounds, index = [None if part is None else integer(part) for part in parts], integer(node.slice)
        if index is None or cut.step is not None and bounds[2] in (None, 0) \
                or any(bound is None and part is not None for bound, part in zip(bounds, parts)):
            return None, None
        positions = list(range(len(lists[name].elts)))[slice(*bounds)]
        if -len(positions) <= index < len(positions):
            return name, positions[index]
    return None, None


def _called(normalizer, call, function):
    return len(call.args) == 1 and not call.keywords and not isinstance(call.args[0], gast.Starred) \
        and normalizer.resolve_call(call) is function


def _copy_of(normalizer, stmt, lists):
    """The list ``stmt`` (``c = list(ls)``, ``c = ls[:]``, ``c = ls.copy()``) copies; else None."""
    if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name)):
        return None
    value = stmt.value
    if isinstance(value, gast.Call) and _called(normalizer, value, builtins.list):
        source = value.args[0]
    elif isinstance(value, gast.Subscript) and isinstance(value.slice, gast.Slice) \
            and value.slice.lower is value.slice.upper is value.slice.step is None:
        source = value.value
    elif isinstance(value, gast.Call) and isinstance(value.func, gast.Attribute) and value.func.attr == "copy" \
            and not value.args and not value.keywords:
        source = value.func.value
    else:
        return None
    return source.id if isinstance(source, gast.Name) and source.id in lists \
        and isinstance(lists[source.id], gast.List) else None


def _reads_of_copy(normalizer, tree, block, stmt, parents):
    """The reads of the copy ``stmt`` binds where each is an item read or a loop's
    iterable in the statements after it in ``block``; else None."""
    copy = stmt.targets[0].id
    if normalizer.bound_count.get(copy, 0) != 1 or any(
            isinstance(node, (gast.FunctionDef, gast.Lambda, gast.ClassDef, gast.Global, gast.Nonlocal))
            and node is not tree and copy in S.names_in(node) | set(getattr(node, "names", ()))
            for node in S.walk_nodes(tree)):
        return None
    after = {id(node) for later in block[[i for i, o in enumerate(block) if o is stmt][0] + 1:]
             for node in S.walk_nodes(later)}
    reads = [node for node in S.walk_nodes(tree) if isinstance(node, gast.Name) and node.id == copy
             and node is not stmt.targets[0]]
    if not all(id(node) in after and _read_as_items(node, parents[id(node)]) for node in reads):
        return None
    return reads


def _read_as_items(node, parent):
    if isinstance(parent, gast.Subscript):
        return parent.value is node and isinstance(parent.ctx, gast.Load) and not isinstance(parent.slice, gast.Slice)
    return isinstance(parent, (gast.For, gast.comprehension)) and parent.iter is node


def _read_through(block, stmt, reads, source):
    """Each read of the copy made a read of ``source``, its statement a ``pass``."""
    undo = [_swap_statement(block, stmt)]
    for node in reads:
        old = node.id
        node.id = source
        undo.append(lambda node=node, old=old: setattr(node, "id", old))
    return undo


def _swap_statement(block, stmt):
    blank = gast.copy_location(gast.Pass(), stmt)
    block[[i for i, o in enumerate(block) if o is stmt][0]] = blank

    def put_back():
        block[[i for i, o in enumerate(block) if o is blank][0]] = stmt
    return put_back


def _keyed_reads(normalizer, tree, loop):
    """The reads ``d[k]`` in the body of ``loop``, ``for k in d``, where ``k`` is bound by
    the loop alone and read only so, in its body; else None."""
    key, name = loop.target, loop.iter.id
    if not isinstance(key, gast.Name) or loop.orelse or normalizer.bound_count.get(key.id, 0) != 1:
        return None
    inside = {id(node) for stmt in loop.body for node in S.walk_nodes(stmt)}
    uses = [node for node in S.walk_nodes(tree)
            if isinstance(node, gast.Name) and node.id == key.id and node is not key]
    reads = [node for stmt in loop.body for node in S.walk_nodes(stmt) if isinstance(node, gast.Subscript)
             and isinstance(node.ctx, gast.Load) and isinstance(node.value, gast.Name) and node.value.id == name
             and isinstance(node.slice, gast.Name) and node.slice.id == key.id]
    if not reads or len(reads) != len(uses) or not all(id(node) in inside for node in uses):
        return None
    return reads


def _over_items(normalizer, loop, reads, parents):
    """``for k, v in d.items()`` in place of ``for k in d``, each ``d[k]`` read as ``v``:
    the dict is not changed (item_objects.py splits only such a dict)."""
    target, iterable = loop.target, loop.iter
    value = normalizer.namer.fresh(f"{iterable.id}_item")
    loop.target = gast.copy_location(gast.Tuple(elts=[target, S.name(value, store=True)], ctx=gast.Store()), target)
    loop.iter = gast.copy_location(gast.Call(func=gast.Attribute(value=S.name(iterable.id), attr="items",
                                                                 ctx=gast.Load()), args=[], keywords=[]), iterable)
    normalizer.bound_count[value] = 1
    swaps = [_swap(parents[id(read)], read, gast.copy_location(S.name(value), read)) for read in reads]

    def put_back():
        for swap in swaps:
            swap()
        loop.target, loop.iter = target, iterable
        del normalizer.bound_count[value]
    return put_back
