"""Which names never have their value read again, following values into stacks.

An in-place write ``t[b] = v`` is refused while another live name may hold the same
object, since a later read through that name would see the write and the derivative
would not. Liveness counts every load as a read. A derivative's own code holds many
names that load an object without reading its value: the reverse sweep pushes a row
it read in a loop onto a stack (``t_stack.append(t); t = rows[i]``), pops it back,
and then only passes it to helpers that read its shape (``unbroadcast(g, t)``) or
writes into it again to undo a write (``restore_item(t, b, t_stack.pop())``). Such a
name and such a stack hold the written object (a row written at an earlier step of a
loop, a key met again) but never read what it holds, so the write cannot change a
value the derivative reads through them.

``UnreadValues`` finds them by a liveness in which

- a push onto a stack counts as a read only if a value popped off that stack is read
  (a stack: bound once to ``[]``, loaded only as the receiver of its ``append`` and
  ``pop``, or by ``len(s)``, which reads how many items it holds, not what they hold);
- ``c[k] = v`` (and ``restore_item(c, k, v)``, reverse code putting an item back)
  reads ``v`` (and ``c``) only if ``c``, or a name that may share its object
  (``shares(c)``, the sharing analysis's group), is live after it, and ``c`` holds no
  parameter's object (which the caller may read);
- ``n = value`` with no effect (or ``n = xs.pop()``) reads nothing if ``n`` is not live
  after it;
- shape-only arguments of astgrad's runtime helpers are no reads (``value_reads``), nor
  are the containers reverse code passes only for their structure (``_STRUCTURE_ONLY``),
  nor ``xs.pop()`` whose value nothing reads (it drops an item, reading none).

The check of in-place writes asks it only where a write would otherwise be refused.

The three first rules depend on liveness itself. A dead assignment's reads are left
out within a pass (as dead-code elimination does); the stacks and the restores are
found optimistically (every such read left out) and passes are repeated, each keeping
the reads the last pass showed are needed, until nothing changes (each pass only adds
reads, so this ends).
"""

import gast

from .. import runtime
from ..core import anno
from ..core import syntax as S
from ..core import walk
from ..core.anno import Key
from . import dataflow
from .sharing import OUTSIDE

_MAX_PASSES = 12        # not settled by then: nothing is claimed unread

# runtime helpers of reverse code that read these arguments for their structure alone:
# the shape of the zero put where a write was (``zero_index(g, k, container)``), the
# zeros of the container a loop read from (``unloop_item(h, xs, k)``), the check that a
# container holds the item written into once (``written_items_apart``)
_STRUCTURE_ONLY = {runtime.zero_index: (2,), runtime.unloop_item: (1,), runtime.written_items_apart: (0, 1),
                   runtime.when_view: (1, 2), runtime.unless_view: (1, 2)}


class UnreadValues:
    """The refined liveness of one function body (see the module docstring), found
    when first asked. ``unread(stmt, names)``: those of ``names`` whose value held
    after ``stmt`` no later statement reads."""

    def __init__(self, body, params, live_at_end, value_reads, shares):
        self.body, self.live_at_end, self.value_reads = body, set(live_at_end), value_reads
        self.shares, self._groups = shares, {}
        self.outside = set(params) | {OUTSIDE}       # the caller may read what these hold
        self._found = None          # (id(stmt) -> live names after it, unread stacks), or False

    def unread(self, stmt, names):
        found = self._solve()
        if not found:
            return set()
        live_after, unread_stacks = found
        after = live_after.get(id(stmt))
        if after is None:
            return set()
        return {n for n in names if n in unread_stacks or n not in after and n not in self.stacks}

    def forget(self):
        """The body changed (a statement was added): find it again when next asked."""
        self._found = None

    def _solve(self):
        if self._found is None:
            self._found = self._fixed_point() or False
        return self._found

    def _fixed_point(self):
        statements = list(walk.walk_statements(self.body))
        self.stacks = _stacks(statements)
        kept = {id(s): anno.get(s, Key.LIVE_OUT) for s in statements}
        try:
            unread_stacks, restores, live_after = set(self.stacks), {}, {}
            pops = _pops(statements) if unread_stacks else {}
            for _ in range(_MAX_PASSES):
                dataflow.liveness(self.body, self.live_at_end, self._reads(unread_stacks, restores),
                                  dead=lambda stmt: self._unread_assignment(stmt, unread_stacks))
                live_after = {id(s): frozenset(anno.get(s, Key.LIVE_OUT)) for s in statements}
                still = {s for s in unread_stacks if not _popped_value_read(pops, s, live_after)}
                seen = {id(s): self._seen_after(_restored(s)[0].id, live_after[id(s)], still)
                        for s in statements if _restored(s) is not None}
                if still == unread_stacks and seen == restores:
                    return live_after, still
                unread_stacks, restores = still, seen
            return None
        finally:
            for s in statements:
                anno.set(s, Key.LIVE_OUT, kept[id(s)])

    def _reads(self, unread_stacks, restores):
        """The ``reads`` of one pass: a push onto a stack whose values are not read
        reads nothing, nor does ``restore_item(c, k, v)`` but for ``k`` where the last
        pass (``restores``: id -> whether a live name may read ``c``'s object, none at
        first) found ``c``'s object unread; else ``value_reads``."""
        value_reads = self.value_reads

        def reads(stmt):
            stack = _pushed_onto(stmt)
            if stack is not None and stack in unread_stacks:
                return set()
            restored = _restored(stmt)
            if restored is not None and not restores.get(id(stmt), False):
                return S.loaded_names(restored[1])
            if _discarded_pop(stmt):
                return set()        # xs.pop() as a statement drops an item, reading no value
            return value_reads(stmt) - _structure_only(stmt)
        return reads

    def _unread_assignment(self, stmt, unread_stacks):
        """Whether liveness may skip the reads of ``stmt``, an assignment nothing live
        reads the target of: ``n = value`` with no effect, ``c[k] = v`` where no live
        name may read ``c``'s object (liveness asks after annotating ``stmt``)."""
        target = stmt.targets[0]
        if isinstance(target, gast.Name) and anno.get(stmt, Key.AUGMENTED, False):
            return False    # y op= e writes into y's array, which another live name may hold
        if isinstance(target, gast.Name):
            return dataflow.is_pure(stmt.value) or _pop(stmt.value)    # popped = xs.pop(), popped unread
        if isinstance(target, gast.Subscript) and isinstance(target.value, gast.Name):
            return not self._seen_after(target.value.id, anno.get(stmt, Key.LIVE_OUT), unread_stacks)
        return False

    def _seen_after(self, container, after, unread_stacks):
        """Whether ``container``'s object may be read after a statement (``after``: the
        names live there): through it, or a name that may share it, not an unread stack;
        or by the caller (a parameter's object, memory from outside)."""
        if container in after or container in self.outside:
            return True
        group = self._groups.get(container)
        if group is None:
            group = self._groups[container] = frozenset(self.shares(container))
        return any(n in after and n not in unread_stacks or n in self.outside for n in group)


def _restored(stmt):
    """The container and key of ``restore_item(c, k, v)`` as a statement (reverse code
    putting an item back), else None."""
    call = stmt.value if isinstance(stmt, gast.Expr) else None
    if isinstance(call, gast.Call) and anno.get(call, Key.TARGET) is runtime.restore_item \
            and len(call.args) == 3 and isinstance(call.args[0], gast.Name) and not call.keywords:
        return call.args[0], call.args[1]
    return None


def _discarded_pop(stmt):
    """Whether ``stmt`` is ``xs.pop()`` whose value nothing keeps (reverse code dropping
    the item a loop appended)."""
    return isinstance(stmt, gast.Expr) and _pop(stmt.value)


def _pop(value):
    """Whether ``value`` is ``xs.pop()``: it drops the last item, reading none."""
    return isinstance(value, gast.Call) and isinstance(value.func, gast.Attribute) and value.func.attr == "pop" \
        and isinstance(value.func.value, gast.Name) and not value.args and not value.keywords


def _structure_only(stmt):
    """The names ``stmt`` passes only as a structure to copy (``_STRUCTURE_ONLY``) and
    reads nowhere else."""
    call = stmt.value if isinstance(stmt, (gast.Assign, gast.Expr)) else None
    positions = _STRUCTURE_ONLY.get(anno.get(call, Key.TARGET)) if isinstance(call, gast.Call) else None
    if not positions:
        return set()
    passed = {call.args[p].id for p in positions if p < len(call.args) and isinstance(call.args[p], gast.Name)}
    others = [a for p, a in enumerate(call.args) if p not in positions] + [kw.value for kw in call.keywords]
    return passed - set().union(set(), *(S.loaded_names(a) for a in others))


def _stacks(statements):
    """The names bound once, to ``[]``, and loaded only as the receiver of their own
    ``append`` and ``pop``, or to count their items (``len(s)``)."""
    bindings, receivers, loads = {}, {}, {}
    for stmt in statements:
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
            name = stmt.targets[0].id
            empty = isinstance(stmt.value, gast.List) and not stmt.value.elts
            bindings[name] = bindings.get(name, 0) + (1 if empty else 2)
        elif isinstance(stmt, (gast.Assign, gast.For)):
            for name in S.stored_names(stmt.targets[0] if isinstance(stmt, gast.Assign) else stmt.target):
                bindings[name] = 2
        for node in _own_nodes(stmt):
            if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load):
                loads[node.id] = loads.get(node.id, 0) + 1
            elif isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute) \
                    and node.func.attr in ("append", "pop") and isinstance(node.func.value, gast.Name):
                receivers[node.func.value.id] = receivers.get(node.func.value.id, 0) + 1
            elif _length_of(node) is not None:
                receivers[_length_of(node)] = receivers.get(_length_of(node), 0) + 1
        if isinstance(stmt, (gast.Global, gast.Nonlocal)):
            return set()
    return {name for name, count in bindings.items()
            if count == 1 and loads.get(name, 0) == receivers.get(name, 0)}


def _length_of(node):
    """The name ``s`` of ``len(s)``, which reads how many items ``s`` holds, not what they
    hold; else None."""
    if isinstance(node, gast.Call) and anno.get(node, Key.TARGET) is len and len(node.args) == 1 \
            and isinstance(node.args[0], gast.Name) and not node.keywords:
        return node.args[0].id
    return None


def _own_nodes(stmt):
    """The nodes of ``stmt`` itself, not of the statements nested in it."""
    for root in S.header_nodes(stmt):
        yield from S.operand_nodes(root)


def _pushed_onto(stmt):
    """The stack ``s`` of ``s.append(v)`` as a statement, else None."""
    call = stmt.value if isinstance(stmt, gast.Expr) else None
    if isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute) and call.func.attr == "append" \
            and isinstance(call.func.value, gast.Name) and len(call.args) == 1 and not call.keywords:
        return call.func.value.id
    return None


def _pops(statements):
    """stack -> the (statement, ``stack.pop()`` call) pairs of ``statements``, the
    bare ``stack.pop()`` statements whose value is dropped left out: found once for
    every pass of the fixed point (a walk of all statements per stack made it quadratic)."""
    pops = {}
    for stmt in statements:
        for node in _own_nodes(stmt):
            if isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute) and node.func.attr == "pop" \
                    and isinstance(node.func.value, gast.Name) \
                    and not (isinstance(stmt, gast.Expr) and stmt.value is node):
                pops.setdefault(node.func.value.id, []).append((stmt, node))
    return pops


def _popped_value_read(pops, stack, live_after):
    """Whether some ``n = stack.pop()`` of ``pops`` (see ``_pops``) leaves ``n`` live (a
    pop anywhere else, as a statement of its own, or inside an expression, counts as read
    but for a bare ``stack.pop()`` whose value is dropped)."""
    for stmt, node in pops.get(stack, ()):
        if not (isinstance(stmt, gast.Assign) and stmt.value is node and isinstance(stmt.targets[0], gast.Name)
                and stmt.targets[0].id not in live_after.get(id(stmt), ())):
            return True
    return False
