"""Reverse mode's save and restore statements, made from the planned saves.

``analysis.saves`` decides what to save (one :class:`~astgrad.analysis.saves.Save`
per value); this module writes the statements: the push or copy in the forward
sweep, the pop or read back in the reverse sweep, the empty stacks at the start,
and, once both sweeps exist, saves of just the shape where that is all the reverse
sweep uses, and none where it reads nothing back.
"""

import gast

from ..analysis.fixed_point import reachable
from ..analysis.saves import Store
from ..core import anno
from ..core import syntax as S
from ..core import walk
from ..core.anno import Key


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
    call = S.call(gast.Attribute(value=S.name(owner), attr=method, ctx=gast.Load()), args)
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


def _shape_arguments(target):
    """Positions of the arguments a call reads only for their shape (the record's
    ``shape_arguments``: ``x`` in ``unbroadcast(g, x)``)."""
    from ..rules import registry
    try:
        record = registry.primitive(target)
    except TypeError:
        return ()
    return () if record is None else record.shape_arguments


def save_shapes_only(forward, backward, helper_call, returned=None):
    """Where the reverse sweep uses a restored array only for its shape (an argument
    in a record's ``shape_arguments``: ``unbroadcast``, ``unreduce``, ...), save just its
    shape; where neither it nor ``returned`` (the return statement) reads a restored name
    at all, leave out its saves and restores. Returns the names whose saves all went."""
    only_shapes, unread = _restored_for_shape_only(backward, returned)
    unread = _drop_unread(forward, backward, unread)
    for stmt in S.statements(forward):
        if anno.get(stmt, Key.SAVE_ID) is None:
            continue
        call = stmt.value if isinstance(stmt, gast.Expr) else None
        if call is not None and isinstance(call.args[0], gast.Name) and call.args[0].id in only_shapes:
            call.args[0] = helper_call("shape_of", [call.args[0]])
        elif isinstance(stmt, gast.Assign) and isinstance(stmt.value, gast.Name) \
                and stmt.value.id in only_shapes:
            stmt.value = helper_call("shape_of", [stmt.value])
    return unread


def _drop_unread(forward, backward, unread):
    """Remove the restores of the names ``unread`` and the saves they read back, unless
    that would empty a block; returns the names whose saves went (none, or ``unread``)."""
    if not unread:
        return unread
    restores = [stmt for stmt in S.statements(backward) if anno.get(stmt, Key.RESTORE_ID) is not None
                and stmt.targets[0].id in unread]
    doomed = {anno.get(stmt, Key.RESTORE_ID) for stmt in restores}
    gone = {id(stmt) for stmt in restores}
    blocks = list(walk.walk_blocks(forward)) + list(walk.walk_blocks(backward))
    kept = [[stmt for stmt in block if id(stmt) not in gone and anno.get(stmt, Key.SAVE_ID) not in doomed]
            for block in blocks]
    if any(block and not left for block, left in zip(blocks, kept)):
        return set()            # a loop holding nothing else (dead code removes it whole)
    for block, left in zip(blocks, kept):
        block[:] = left
    return unread


def _restored_for_shape_only(backward, returned=None):
    """(the names restored in ``backward`` whose restored value its other statements read
    only as shape arguments, those neither they nor ``returned`` read at all). One walk of
    each statement: a call comes before its arguments (walk_nodes is breadth first), so
    its shape arguments are known when they come."""
    value_uses, shape_uses, restored, others = set(), set(), set(), []
    for stmt in S.statements(backward):
        if anno.get(stmt, Key.RESTORE_ID) is not None:
            restored.add(stmt.targets[0].id)
        else:
            others.append(stmt)
    if not restored:            # nothing is restored (straight-line code): no use to look at
        return restored, restored
    if returned is not None:
        others.append(returned)
    shape_only, positions_of = set(), {}
    call_type, name_type, load_type = gast.Call, gast.Name, gast.Load
    for stmt in others:
        for node in S.header_nodes(stmt):
            for sub in S.walk_nodes(node):
                kind = type(sub)
                if kind is call_type:
                    target = anno.get(sub, Key.TARGET)
                    positions = positions_of.get(id(target))
                    if positions is None:
                        positions = positions_of[id(target)] = (_shape_arguments(target), target)
                    for position in positions[0]:
                        if len(sub.args) > position and type(sub.args[position]) is name_type:
                            shape_only.add(id(sub.args[position]))
                elif kind is name_type and sub.id in restored and type(sub.ctx) is load_type:
                    (shape_uses if id(sub) in shape_only else value_uses).add(sub.id)
    return restored - value_uses, restored - value_uses - shape_uses


def _reads(stmt):
    """(the names ``stmt`` itself reads for their value, not only for their shape; the
    calls it makes)."""
    value_uses, calls = set(), []
    for node in S.header_nodes(stmt):
        skip = set()
        subs = list(S.walk_nodes(node))
        for sub in subs:
            if isinstance(sub, gast.Call):
                calls.append(sub)
                for position in _shape_arguments(anno.get(sub, Key.TARGET)):
                    if len(sub.args) > position and isinstance(sub.args[position], gast.Name):
                        skip.add(id(sub.args[position]))
        for sub in subs:
            if isinstance(sub, gast.Name) and isinstance(sub.ctx, gast.Load) and id(sub) not in skip:
                value_uses.add(sub.id)
    return value_uses, calls


def copy_views_read_back(body, forward, backward, helper_call):
    """Where the reverse sweep reads a value that may be a view of memory written in
    place after it was made (``t = x[:-1]`` before ``x[1:] = t * w``), make it a copy
    when it is made: ``t = snapshot(x[:-1])``. The reverse sweep undoes the writes before
    it reads ``t``, so the view would show the right numbers too; but a transform of the
    derivative (reverse over reverse) sees a view alive across a write into its array,
    which it must refuse. The copy has the same value: the in-place check made sure the
    function itself reads no such view after a write into its memory, except where a
    helper asks whether it is a view (``current_row(row, y, i)``): those are left alone."""
    graph = _SharingGraph(body)
    chosen = graph.views_of_written()
    if not chosen:
        return
    places = _Places(forward + backward, len(forward))
    chosen = {name for name in chosen if places.written_while_held(name, graph)}
    chosen -= places.asked_whether_views(chosen, graph)
    for stmt in S.statements(forward) if chosen else ():
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) \
                and stmt.targets[0].id in chosen and anno.get(stmt, Key.SAVE_ID) is None:
            stmt.value = helper_call("snapshot", [stmt.value])


class _Places:
    """Where, in ``code`` (the forward sweep, ``forward_length`` top-level statements, then
    the reverse sweep), names are bound, read back for their value and written into, and
    which names each call of an astgrad runtime helper is given. A place is a top-level
    statement, so a loop counts as one: a write anywhere in it may follow a binding
    anywhere in it."""

    def __init__(self, code, forward_length):
        from .. import runtime
        from ..analysis.mutation import in_place_changes
        self.bound, self.last_read, self.writes, self.helper_arguments = {}, {}, [], []
        for position, top in enumerate(code):
            statements = list(S.statements([top]))
            for stmt in statements:
                if position < forward_length and isinstance(stmt, gast.Assign) \
                        and isinstance(stmt.targets[0], gast.Name):
                    self.bound.setdefault(stmt.targets[0].id, position)
                value_uses, calls = _reads(stmt)
                if position >= forward_length:
                    self.last_read.update(dict.fromkeys(value_uses, position))
                for call in calls:
                    target = anno.get(call, Key.TARGET)
                    if target is not None and getattr(runtime, getattr(target, "__name__", ""), None) is target:
                        self.helper_arguments.append({a.id for a in call.args if isinstance(a, gast.Name)})
            self.writes.extend((position, change.name) for change in in_place_changes(statements)
                               if _changes_items(change))

    def written_while_held(self, name, graph):
        """Whether a write into memory ``name`` may share runs between the forward-sweep
        statement binding it and the last reverse-sweep statement reading its value."""
        first, last = self.bound.get(name), self.last_read.get(name)
        if first is None or last is None:
            return False
        related = graph.made_from_closure(name)
        return any(first <= position <= last and graph.made_from_closure(written) & related
                   for position, written in self.writes)

    def asked_whether_views(self, names, graph):
        """The names of ``names`` that a runtime helper is given together with a name it
        was made from (``unless_view(d_row, row, y)`` for ``row = y[0]``): such a helper
        may look at whether one shares the other's memory, which a copy would change."""
        return {name for given in self.helper_arguments for name in given & names
                if graph.made_from_closure(name) & (given - {name})}


class _SharingGraph:
    """Which names' values may share memory with which (``made_from``: a name -> the names
    its bindings may share memory with), over a core-form body, and the names written in place."""

    def __init__(self, body):
        from ..analysis.mutation import in_place_changes
        statements = list(S.statements(body))
        self.written = {change.name for change in in_place_changes(statements) if _changes_items(change)}
        self.made_from, self.bound_once, self._closures = {}, {}, {}
        for stmt in statements:
            for name, sources in _bindings(stmt):
                self.made_from.setdefault(name, set()).update(sources)
                self.bound_once[name] = name not in self.bound_once and isinstance(stmt, gast.Assign)

    def made_from_closure(self, name):
        """``name`` and the names it was made from, transitively."""
        found = self._closures.get(name)
        if found is None:
            found = self._closures[name] = reachable([name], lambda n: self.made_from.get(n, ()))
        return found

    def views_of_written(self):
        """The names bound once, to a value that may share memory (transitively) with an
        object the body changes in place, and through which no write goes: neither they
        nor a value made from them is written into."""
        if not self.written:
            return set()
        made_into = {}          # name -> the names made from it
        for name, sources in self.made_from.items():
            for source in sources:
                made_into.setdefault(source, []).append(name)
        through = reachable(self.written, lambda name: self.made_from.get(name, ()))     # written, and what they view
        sharers = reachable(through, lambda name: made_into.get(name, ()))
        return {name for name in sharers - through if self.bound_once.get(name) and self.made_from[name]}


def _changes_items(change):
    """A change of the memory of an array (not a list growing or shrinking: its items stay)."""
    from ..analysis.mutation import ChangeKind
    return change.kind is not ChangeKind.METHOD or change.method not in _LIST_METHODS


_LIST_METHODS = {"append", "extend", "insert", "pop", "remove", "clear", "reverse"}


def _bindings(stmt):
    """(name, the names its new value may share memory with) for each name ``stmt`` binds."""
    if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
        return [(stmt.targets[0].id, _may_share(stmt.value))]
    if isinstance(stmt, gast.Assign) and not isinstance(stmt.targets[0], gast.Subscript):
        return [(name, S.loaded_names(stmt.value)) for name in S.stored_names(stmt.targets[0])]
    if isinstance(stmt, gast.For):
        return [(name, S.loaded_names(stmt.iter)) for name in S.stored_names(stmt.target)]
    return []


def _may_share(value):
    """The names whose memory the value of ``value`` may share (none for a new object)."""
    from ..analysis.sharing import call_is_fresh
    if isinstance(value, (gast.BinOp, gast.UnaryOp, gast.Compare, gast.Constant)):
        return set()
    if isinstance(value, gast.Call) and call_is_fresh(value):
        return set()
    return S.loaded_names(value)


def _is_key(index):
    """A single name or constant index: the container may be a dict, whose key may be
    new, so the save and the restore go through saved_item/restore_item."""
    return isinstance(index, (gast.Name, gast.Constant))
