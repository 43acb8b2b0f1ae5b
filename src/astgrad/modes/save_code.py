"""Reverse mode's save and restore statements, made from the planned saves.

``analysis.saves`` decides what to save (one :class:`~astgrad.analysis.saves.Save`
per value); this module writes the statements: the push or copy in the forward
sweep, the pop or read back in the reverse sweep, the empty stacks at the start,
and, once both sweeps exist, saves of just the shape where that is all the reverse
sweep uses, and none where it reads nothing back (copies of views read back are
``views_read_back``'s).
"""

import gast

from ..analysis.saves import Store
from ..core import anno
from ..core import syntax as S
from ..core import walk
from ..core.anno import Key
from ..rules import registry


def save_statement(save, helper_call):
    """The forward-sweep statement that saves ``save``'s value, or None where the
    program saved it itself."""
    if save.reused:
        return None
    value = S.name(save.name)
    if save.index is not None and _is_key(save.index):     # a dict entry, which may be new
        value = helper_call("saved_item", [S.name(save.name), S.copy(save.index)])
    elif save.index is not None:        # an element about to be overwritten in place
        value = helper_call("snapshot", [gast.Subscript(value=S.name(save.name), slice=S.copy(save.index),
                                                        ctx=gast.Load())])
    if save.store is Store.STACK:
        stmt = S.expr_stmt(method_call(save.store_name, "append", [value]))
    else:
        stmt = S.assign(save.store_name, value)
    anno.set(stmt, Key.SAVE_ID, save.id)
    return stmt


def restore_statement(save, helper_call):
    """The reverse-sweep statement that puts ``save``'s value back."""
    if save.store is Store.PROGRAM_STACK:       # the program's own stack: its pop is the restore
        return S.assign(save.name, method_call(save.store_name, "pop", []))
    if save.store is Store.PROGRAM_VARIABLE:
        return S.assign(save.name, S.name(save.store_name))
    if save.store is Store.STACK:
        value = method_call(save.store_name, "pop", [])
    else:
        value = S.name(save.store_name)
    if save.index is not None and _is_key(save.index):
        return S.expr_stmt(helper_call("restore_item", [S.name(save.name), S.copy(save.index), value]))
    if save.index is not None:
        return S.assign(gast.Subscript(value=S.name(save.name), slice=S.copy(save.index), ctx=gast.Store()),
                        value)
    stmt = S.assign(save.name, value)
    anno.set(stmt, Key.RESTORE_ID, save.id)
    return stmt


def method_call(owner, method, args):
    """``owner.method(*args)``, annotated as a method call (stack pushes and pops)."""
    call = S.call(S.attribute(S.name(owner), method), args)
    anno.set(call, Key.METHOD, method)
    return call


def stack_inits(stacks, needs_init):
    """The empty stacks, and placeholders for names saved before they are first assigned."""
    inits = [S.assign(s, gast.List(elts=[], ctx=gast.Load())) for s in stacks]
    for name in sorted(needs_init):
        # a placeholder for "not assigned yet", saved by the first iteration and
        # never read; a number so that its derivative adds like any other
        init = S.assign(name, S.const(0.0))
        anno.set(init, Key.INIT_NONE, True)
        inits.append(init)
    return inits


def shape_arguments(target):
    """Positions of the arguments a call reads only for their shape (the record's
    ``shape_arguments``: ``x`` in ``unbroadcast(g, x)``)."""
    try:
        record = registry.primitive(target)
    except TypeError:
        return ()
    return () if record is None else record.shape_arguments


def save_shapes_only(forward, backward, helper_call, returned=None):
    """Where the reverse sweep uses a restored array only for its shape (an argument
    in a record's ``shape_arguments``: ``unbroadcast``, ``unreduce``, ...), save just its
    shape; where neither it nor ``returned`` (the return statement) reads a restored name
    at all, leave out its saves and restores. Returns the names whose saves all went
    (not a name whose items are still saved before writes into them)."""
    only_shapes, unread, restores = _restored_for_shape_only(backward, returned)
    unread = _drop_unread(forward, backward, [stmt for stmt in restores if stmt.targets[0].id in unread]) \
        if unread else unread
    still_saved = set()         # a name whose item saves stay (restore_item) keeps its stack
    for stmt in S.statements(forward):
        if anno.get(stmt, Key.SAVE_ID) is None:
            continue
        if unread:
            still_saved |= S.loaded_names(stmt)
        call = stmt.value if isinstance(stmt, gast.Expr) else None
        if call is not None and isinstance(call.args[0], gast.Name) and call.args[0].id in only_shapes:
            call.args[0] = helper_call("shape_of", [call.args[0]])
        elif isinstance(stmt, gast.Assign) and isinstance(stmt.value, gast.Name) \
                and stmt.value.id in only_shapes:
            stmt.value = helper_call("shape_of", [stmt.value])
    return unread - still_saved


def _drop_unread(forward, backward, restores):
    """Remove ``restores`` (those of the names nothing reads back) and the saves they
    read back, unless that would empty a block; returns the names whose saves went (none,
    or the names ``restores`` restore). Only the blocks that lose a statement are rebuilt."""
    doomed = {anno.get(stmt, Key.RESTORE_ID) for stmt in restores}
    gone = {id(stmt) for stmt in restores}
    changed = []
    for block in (*walk.walk_blocks(forward), *walk.walk_blocks(backward)):
        left = [stmt for stmt in block if id(stmt) not in gone and anno.get(stmt, Key.SAVE_ID) not in doomed]
        if len(left) < len(block):
            if not left:
                return set()        # a loop holding nothing else (dead code removes it whole)
            changed.append((block, left))
    for block, left in changed:
        block[:] = left
    return {stmt.targets[0].id for stmt in restores}


def _restored_for_shape_only(backward, returned=None):
    """(the names restored in ``backward`` whose restored value its other statements read
    only as shape arguments, those neither they nor ``returned`` read at all, the restore
    statements). A read in a top-level statement before the first that restores the name
    reads the value the forward sweep left, not a restored one, and does not count."""
    # restored: name -> the index of the first top-level statement restoring it
    restored, others, restores = {}, [], []
    for index, top in enumerate(backward):
        for stmt in S.statements([top]):
            if anno.get(stmt, Key.RESTORE_ID) is not None:
                restored.setdefault(stmt.targets[0].id, index)
                restores.append(stmt)
            else:
                others.append((index, stmt))
    if not restored:            # nothing is restored (straight-line code): no use to look at
        return set(), set(), restores
    if returned is not None:
        others.append((len(backward), returned))
    value_uses, shape_uses = _restored_reads(others, restored)
    return restored.keys() - value_uses, restored.keys() - value_uses - shape_uses, restores


def _restored_reads(others, restored):
    """(the names of ``restored`` read as values, those read as shape arguments) by the
    ``others``, (top-level index, statement) pairs in order, after the first restore of
    each. A statement is looked at only while some name restored before it is not known
    yet to be read as a value (a restored name is usually read as one right after its
    restore); its calls only where it reads such a name."""
    value_uses, shape_uses, positions_of = set(), set(), {}
    pending = sorted((index, name) for name, index in restored.items())[::-1]     # by index, last first
    active, load_type, name_type = set(), gast.Load, gast.Name
    for index, stmt in others:
        while pending and pending[-1][0] <= index:
            active.add(pending.pop()[1])
        if not active:
            continue
        operands = S.plain_operands(stmt)
        if operands is not None:        # the commonest statement: its operands are its reads, no call reads one
            for operand in operands:
                if operand.__class__ is name_type and operand.id in active:
                    value_uses.add(operand.id)
                    active.discard(operand.id)
            continue
        for node in S.header_nodes(stmt):
            reads = [sub for sub in S.name_nodes(node) if sub.id in active and type(sub.ctx) is load_type]
            if reads:
                shape_only = _shape_arguments_in(node, positions_of)
                for sub in reads:
                    (shape_uses if id(sub) in shape_only else value_uses).add(sub.id)
                active -= value_uses
    return value_uses, shape_uses


def _shape_arguments_in(node, positions_of):
    """The ids of the Name nodes under ``node`` that a call reads only for their shape;
    ``positions_of`` keeps each call target's shape positions once found."""
    found, name_type = set(), gast.Name
    for call in S.call_nodes(node):
        target = anno.get(call, Key.TARGET)
        positions = positions_of.get(id(target))
        if positions is None:
            positions = positions_of[id(target)] = (shape_arguments(target), target)
        for position in positions[0]:
            if len(call.args) > position and type(call.args[position]) is name_type:
                found.add(id(call.args[position]))
    return found


def _is_key(index):
    """A single name or constant index: the container may be a dict, whose key may be
    new, so the save and the restore go through saved_item/restore_item."""
    return isinstance(index, (gast.Name, gast.Constant))
