"""Views the reverse sweep reads back after a write into their memory, made copies.

The forward sweep may take a view (``t = x[:-1]``, ``v = x[1:]``) before a write into
the array it views (``x[1:] = t * w``), and the reverse sweep read it after undoing the
write: the numbers are right, but a transform of the derivative (reverse over
reverse) sees a view alive across a write into its array, which it must refuse. So
once both sweeps exist, such a view is made a copy where it is made, or, where a
runtime helper asks whether it is a view (``current_row(row, y, i)``), left as it is.
"""

import collections

import gast

from ..analysis.fixed_point import reachable
from .. import runtime
from ..analysis.mutation import ChangeKind, in_place_changes
from ..analysis.saves import Store
from ..core import anno
from ..core import syntax as S
from ..core.anno import Key
from .save_code import shape_arguments


def _reads(stmt):
    """(the names ``stmt`` itself reads for their value, not only for their shape; the
    calls it makes)."""
    value_uses, calls = set(), []
    for node in S.header_nodes(stmt):
        skip = set()
        subs = S.operand_nodes(node)
        for sub in subs:
            if isinstance(sub, gast.Call):
                calls.append(sub)
                for position in shape_arguments(anno.get(sub, Key.TARGET)):
                    if len(sub.args) > position and isinstance(sub.args[position], gast.Name):
                        skip.add(id(sub.args[position]))
        for sub in subs:
            if isinstance(sub, gast.Name) and isinstance(sub.ctx, gast.Load) and id(sub) not in skip:
                value_uses.add(sub.id)
    return value_uses, calls


def copy_views_read_back(body, forward, backward, helper_call, namer):
    """Where the reverse sweep reads a value that may be a view of memory written in
    place after it was made (``t = x[:-1]`` before ``x[1:] = t * w``), make it a copy
    when it is made: ``t = snapshot(x[:-1])``. The reverse sweep undoes the writes before
    it reads ``t``, so the view would show the right numbers too; but a transform of the
    derivative (reverse over reverse) sees a view alive across a write into its array,
    which it must refuse. The copy has the same value: the in-place check made sure the
    function itself reads no such view after a write into its memory, except where a
    helper asks whether it is a view (``current_row(row, y, i)``): those are left alone.
    Each binding of such a name is copied (a row read again after each write, in a loop):
    the function reads none of them after a write into its memory; but an alias bound
    again in a loop after each write, whose old value no stack keeps
    (``_aliases_rebound_in_loops``)."""
    graph = _SharingGraph(body)
    candidates = graph.views_of_written()
    if not candidates:
        return
    places = _Places(forward + backward, len(forward))
    held = {name for name in candidates if places.written_while_held(name, graph)}
    asked = places.asked_whether_views(held, graph)
    chosen = held - asked - places.asked_whether_views(held, graph, overlap_checks=True)
    aliases_in_loops = _aliases_rebound_in_loops(forward) if chosen else set()
    for stmt in S.statements(forward) if chosen else ():
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) \
                and stmt.targets[0].id in chosen and anno.get(stmt, Key.SAVE_ID) is None \
                and id(stmt) not in aliases_in_loops \
                and not graph.is_new(stmt.value):       # a new object is no view of anything
            stmt.value = helper_call("snapshot", [stmt.value])
    _copy_after_overlap_checks((forward, backward), places, graph, held - asked, (helper_call, namer))


def _aliases_rebound_in_loops(forward):
    """The ids of the bindings ``b = a`` in a loop of ``forward`` whose old value no stack
    keeps (``b`` bound to ``a`` again after each write into ``a``). Each iteration of the
    reverse loop reads ``b`` as the last iteration left it: ``a``'s object, whose writes the
    reverse sweep undoes as it goes back. A copy there would freeze the last iteration's
    numbers for all of them (a wrong gradient); left an alias, a transform of the
    derivative refuses it. Where a stack keeps ``b`` (the sweep saves it: ``b_stack.append(b)``),
    the reverse loop reads each iteration's own copy: those may be copies."""
    found = set()
    for loop in S.statements(forward):
        if isinstance(loop, (gast.For, gast.While)):
            found.update(id(stmt) for stmt in S.statements(loop.body)
                         if isinstance(stmt, gast.Assign) and isinstance(stmt.value, gast.Name)
                         and anno.get(stmt, Key.SAVE_ID) is None)
    return found - _kept_on_stacks(forward)


def _kept_on_stacks(forward):
    """The ids of the bindings of a name in ``forward`` (nested blocks too) whose old value
    a stack keeps: the save planned for the binding (its ``Key.SAVE``) is a push on a stack
    of the name's value whose statement is still in the sweep, pushing the value itself
    (``save_shapes_only`` may have made it a push of its shape, or left it out)."""
    pushed = {anno.get(stmt, Key.SAVE_ID) for stmt in S.statements(forward) if _pushes_value(stmt)}
    kept = set()
    for stmt in S.statements(forward):
        save = anno.get(stmt, Key.SAVE) if isinstance(stmt, gast.Assign) else None
        if save is not None and save.store is Store.STACK and save.index is None and save.id in pushed:
            kept.add(id(stmt))
    return kept


def _pushes_value(stmt):
    """Whether ``stmt`` is a generated save ``name_stack.append(name)`` (the value itself)."""
    if not isinstance(stmt, gast.Expr) or anno.get(stmt, Key.SAVE_ID) is None:
        return False
    call = stmt.value
    return isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute) and call.func.attr == "append" \
        and len(call.args) == 1 and isinstance(call.args[0], gast.Name)


def _copy_after_overlap_checks(code, places, graph, names, makers):
    """The views of ``names`` an overlap check (``write_reads_value_first``) is given,
    made copies right after the check rather than where they are made: the check looks
    at the memory the value of the write shares, which a copy made before would hide.
    The copy has the same value where nothing was written into their memory since they
    were made (once the check passed, NumPy's write reads the value first), and the
    function reads none of them after the write. Only a check in the sweep's top
    level, and names bound once, before it, in the top level; the others stay views."""
    (forward, backward), (helper_call, namer) = code, makers
    stores = collections.Counter(node.id for node in S.name_nodes(gast.Module(body=forward + backward, type_ignores=[]))
                                 if isinstance(node.ctx, gast.Store))
    for position, given in reversed(places.overlap_checks):
        copied = sorted(name for name in names & places.asked_by(given, graph)
                        if stores[name] == 1 and places.bound_once_before(name, position)
                        and not places.written_between(places.bound[name], position, name, graph))
        if not copied:
            continue
        fresh = {name: namer.fresh(name + "_copy") for name in copied}
        for node in S.name_nodes(gast.Module(body=forward[position + 1:] + backward, type_ignores=[])):
            if isinstance(node.ctx, gast.Load) and node.id in fresh:
                node.id = fresh[node.id]
        forward[position + 1:position + 1] = [S.assign(fresh[name], helper_call("snapshot", [S.name(name)]))
                                              for name in copied]


class _Places:
    """Where, in ``code`` (the forward sweep, ``forward_length`` top-level statements, then
    the reverse sweep), names are bound, read back for their value and written into, and
    which names each call of an astgrad runtime helper is given. A place is a top-level
    statement, so a loop counts as one: a write anywhere in it may follow a binding
    anywhere in it."""

    def __init__(self, code, forward_length):
        self.bound, self.last_read, self.writes, self.helper_arguments = {}, {}, [], []
        self.overlap_checks, self.bindings = [], {}    # (position, names given) of top-level checks
        for position, top in enumerate(code):
            statements = list(S.statements([top]))
            for stmt in statements:
                if position < forward_length and isinstance(stmt, gast.Assign) \
                        and isinstance(stmt.targets[0], gast.Name):
                    self.bound.setdefault(stmt.targets[0].id, position)
                    self.bindings.setdefault(stmt.targets[0].id, []).append(position if stmt is top else None)
                value_uses, calls = _reads(stmt)
                if position >= forward_length:
                    self.last_read.update(dict.fromkeys(value_uses, position))
                for call in calls:
                    target = anno.get(call, Key.TARGET)
                    given = {a.id for a in call.args if isinstance(a, gast.Name)}
                    if target is runtime.write_reads_value_first:
                        self.overlap_checks.append((position if stmt is top else None, given))
                    elif target is not None and getattr(runtime, getattr(target, "__name__", ""), None) is target:
                        self.helper_arguments.append(given)
            self.writes.extend((position, change.name) for change in in_place_changes(statements)
                               if _changes_items(change))

    def written_while_held(self, name, graph):
        """Whether a write into memory ``name`` may share runs between the forward-sweep
        statement binding it and the last reverse-sweep statement reading its value."""
        first, last = self.bound.get(name), self.last_read.get(name)
        return first is not None and last is not None and self.written_between(first, last, name, graph)

    def asked_whether_views(self, names, graph, overlap_checks=False):
        """The names of ``names`` that a runtime helper (or, with ``overlap_checks``, an
        overlap check) is given together with a name it was made from (``unless_view(d_row,
        row, y)`` for ``row = y[0]``): such a helper may look at whether one shares the
        other's memory, which a copy would change; and the names such a name may be a copy
        of (``row = row_saved``): a copy of those would not be a view either."""
        calls = [given for _, given in self.overlap_checks] if overlap_checks else self.helper_arguments
        return set().union(*(self.asked_by(given, graph) for given in calls)) & names

    @staticmethod
    def asked_by(given, graph):
        """The names a helper given ``given`` may ask whether they are views (see above)."""
        asked = {name for name in given if graph.made_from_closure(name) & (given - {name})}
        return set().union(*(graph.made_from_closure(name) for name in asked))

    def bound_once_before(self, name, position):
        """Whether ``name`` is bound once in the forward sweep, by a top-level statement
        before ``position`` (a check in the top level; None otherwise)."""
        found = self.bindings.get(name, [None])
        return position is not None and len(found) == 1 and found[0] is not None and found[0] < position

    def written_between(self, first, last, name, graph):
        """Whether a write into memory ``name`` may share is made at a place from ``first`` to ``last``."""
        related = graph.made_from_closure(name)
        return any(first <= position <= last and graph.made_from_closure(written) & related
                   for position, written in self.writes)


class _SharingGraph:
    """Which names' values may share memory with which (``made_from``: a name -> the names
    its bindings may share memory with), over a core-form body, and the names written in place."""

    def __init__(self, body):
        statements = list(S.statements(body))
        self.written = {change.name for change in in_place_changes(statements) if _changes_items(change)}
        self.made_from, self._closures = {}, {}
        if not self.written:
            return          # nothing is written into: no view to look for (views_of_written)
        self.reads = {}
        for node in S.name_nodes(gast.Module(body=body, type_ignores=[])):
            if isinstance(node.ctx, gast.Load):
                self.reads[node.id] = self.reads.get(node.id, 0) + 1
        for stmt in statements:
            for name, sources in _bindings(stmt):
                self.made_from.setdefault(name, set()).update(sources)

    def made_from_closure(self, name):
        """``name`` and the names it was made from, transitively."""
        found = self._closures.get(name)
        if found is None:
            found = self._closures[name] = reachable([name], lambda n: self.made_from.get(n, ()))
        return found

    def is_new(self, value):
        """Whether ``value`` is certainly a new object: made new here, or a temporary
        every binding of which is one and read nowhere else (``t_1 = written_copy(t);
        t = t_1``: ``t`` takes ``t_1``'s object over)."""
        if isinstance(value, gast.Name):
            return self.made_from.get(value.id) == set() and self.reads.get(value.id) == 1
        return not _may_share(value)

    def views_of_written(self):
        """The names bound to a value that may share memory (transitively) with an
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
        return {name for name in sharers - through if self.made_from[name]}


def _changes_items(change):
    """A change of the memory of an array (not a list growing or shrinking: its items stay)."""
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
