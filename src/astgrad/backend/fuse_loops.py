"""Optimize pass: run a loop's adjoint in the loop itself when no step needs a later one.

Reverse mode runs a loop forwards (for the value and what the adjoint saves), then its
adjoint backwards. When each step of the adjoint loop needs only what the same forward
step computed (it recomputes it from the loop counter and values the loop does not
change, or restores what that step saved) and carries nothing from one step to the next
but sums (``d_x += e``), its steps can run in any order: then each step runs right after
the same step of the forward loop, where what it recomputes or restores is already
there (and the stack of saved values is not needed)::

    for i in range(n):                      for i in range(n):
        t = x * i                               t = x * i
        s = s + math.sin(t)                     s = s + math.sin(t)
    d_x = zeros_like(x)             ->          d_t = d_s * math.cos(t)
    for i in reversed(range(n)):                d_x += d_t * i
        t = x * i
        d_t = d_s * math.cos(t)
        d_x += d_t * i

The sums then add their terms in the other order (the same sum up to rounding).
Statements between the two loops (the adjoints' zeros) move before the fused loop.
"""

import builtins

import gast

from .. import runtime
from ..analysis import dataflow
from ..core import anno
from ..core import syntax as S
from ..core import walk
from ..core.anno import Key
from .dead_code import remove_dead_code
from .emit import is_comment


def fuse_adjoint_loops(body):
    """``body`` with each forward loop and the adjoint loop after it fused where that
    computes the same (see the module docstring)."""
    simple = walk.SIMPLE_STATEMENTS         # (most statements: neither a loop nor holding one)
    first = next((index for index, top in enumerate(body) if top.__class__ not in simple
                  and any(_is_reversed_range_loop(stmt) for stmt in walk.walk_statements([top]))), None)
    if first is None:
        return body             # no adjoint loop: nothing to fuse (and no liveness to find)
    # asked of the adjoint loops alone: what is live after a statement of the function's
    # body depends only on the statements after it, so the forward sweep before the first
    # of them is not walked
    live = _LiveAfter(body[first:])
    fused = False
    for block in walk.walk_blocks(body):
        fused = _fuse_in_block(block, live) or fused
    return remove_dead_code(body) if fused else body    # the emptied stacks


class _LiveAfter:
    """The names live after each statement of ``body``, found when first asked: most
    pairs of loops fail a test that needs no liveness (a step carries a value to the
    next), and then none is found. The first pair that asks comes before any loops are
    fused (fusing asks first), so the liveness is that of the body as given."""

    def __init__(self, body):
        self.body, self.facts = body, None

    def names(self, stmt):
        if self.facts is None:
            self.facts = dataflow.StatementFacts()
            dataflow.record_liveness(self.body, set(), self.facts)
        return self.facts.live_names(stmt)


def _fuse_in_block(block, live):
    position, fused = 0, False
    while position < len(block):
        backward = block[position]
        found = _forward_loop_of(block, position) if _is_reversed_range_loop(backward) else None
        if found is not None:
            forward, middle = block[found], block[found + 1:position]
            pairs = _save_pairs(forward.body, backward.body)
            saves = {id(stmt) for pair in pairs for stmt in pair}
            forward_body = [stmt for stmt in forward.body if id(stmt) not in saves]
            steps = [stmt for stmt in backward.body if id(stmt) not in saves and not is_comment(stmt)]
            paired = {pop.targets[0].id for _, pop in pairs}
            if _can_fuse(forward, forward_body, middle, backward, steps, paired,
                         lambda loop=backward: live.names(loop)):
                forward.body = forward_body + _without_recomputed(
                    forward_body, [stmt for stmt in backward.body if id(stmt) not in saves])
                block[found:position + 1] = middle + [forward]
                position, fused = found + len(middle), True
        position += 1
    return fused


def _save_pairs(forward_body, backward_body):
    """(push, pop) of the values the forward step saves before it assigns a name again
    (``v_stack.append(v)``, then ``v = ...``) and the adjoint step restores once it no
    longer reads them (``v = v_stack.pop()`` last): fused, the adjoint step reads the
    value the same forward step assigned, and needs neither."""
    pushes, pairs = {}, []
    for position, stmt in enumerate(forward_body):
        save_id = anno.get(stmt, Key.SAVE_ID)
        name = _pushed_name(stmt) if save_id is not None else None
        if name is not None:
            assigned = [later for later in forward_body if name in _assigned(later)]
            if len(assigned) == 1 and assigned[0] in forward_body[position + 1:]:
                pushes[save_id] = (stmt, name)
    for position, stmt in enumerate(backward_body):
        push = pushes.get(anno.get(stmt, Key.RESTORE_ID))
        if push is None or not isinstance(stmt.value, gast.Call) or anno.get(stmt.value, Key.METHOD) != "pop" \
                or stmt.targets[0].id != push[1]:
            continue
        name, rest = push[1], backward_body[position + 1:]
        if not any(name in S.names_in(later) for later in rest) \
                and not any(name in _assigned(other) for other in backward_body if other is not stmt):
            pairs.append((push[0], stmt))
    return pairs


def _pushed_name(stmt):
    """``v`` for ``v_stack.append(v)``, and for ``v_stack.append(shape_of(v))`` (saved for
    its shape: the adjoint reads ``v`` only for its shape, which the value has too)."""
    if not (isinstance(stmt, gast.Expr) and anno.get(stmt.value, Key.METHOD) == "append"
            and len(stmt.value.args) == 1):
        return None
    pushed = stmt.value.args[0]
    if isinstance(pushed, gast.Call) and anno.get(pushed, Key.TARGET) is runtime.shape_of \
            and len(pushed.args) == 1 and not pushed.keywords:
        pushed = pushed.args[0]
    return pushed.id if isinstance(pushed, gast.Name) else None


def _assigned(stmt):
    return S.stored_names(stmt) if isinstance(stmt, (gast.Assign, gast.AugAssign)) else set()


def _is_reversed_range_loop(stmt):
    return isinstance(stmt, gast.For) and _call_of(stmt.iter, "reversed") and len(stmt.iter.args) == 1 \
        and _call_of(stmt.iter.args[0], "range")


def _call_of(node, builtin):
    return isinstance(node, gast.Call) and not node.keywords \
        and anno.get(node, Key.TARGET) is getattr(builtins, builtin)


def _forward_loop_of(block, position):
    """The index of the ``for`` over the same range just before ``block[position]``, with
    only simple assignments between them; None if there is none."""
    backward = block[position]
    for index in range(position - 1, -1, -1):
        stmt = block[index]
        if isinstance(stmt, gast.For):
            same = _call_of(stmt.iter, "range") and gast.dump(stmt.iter) == gast.dump(backward.iter.args[0]) \
                and gast.dump(stmt.target) == gast.dump(backward.target)
            return index if same else None
        if not (is_comment(stmt) or _is_pure_assign(stmt)):
            return None
    return None


def _is_pure_assign(stmt):
    return isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) and dataflow.is_pure(stmt.value)


def _can_fuse(forward, forward_body, middle, backward, steps, paired, live_after):
    """Whether running ``middle``, then each of ``backward``'s steps right after the same
    step of ``forward``, computes what running the three in turn computes. The bodies
    come without the saves of ``paired`` names (see ``_save_pairs``); ``live_after()``:
    the names live after ``backward`` (asked last: finding them costs the most)."""
    if forward.orelse or backward.orelse or not isinstance(forward.target, gast.Name):
        return False
    if not all(is_comment(stmt) or _is_pure_assign(stmt) for stmt in forward_body):
        return False            # nothing in the forward loop writes into a value in place
    if not all(_is_pure_assign(stmt) or _is_addition(stmt) for stmt in steps):
        return False
    sums = _sums(steps)
    if not sums <= _fresh(middle):
        return False            # a sum added to in place must not share an array with anything
    written = {name for stmt in steps for name in _written(stmt)} | paired
    forward_names = S.names_in(gast.Module(body=forward_body, type_ignores=[]))
    forward_written = S.stored_names(gast.Module(body=forward_body, type_ignores=[]))
    counter = forward.target.id
    moved_reads = {name for stmt in middle for name in S.loaded_names(stmt.value)}
    moved_writes = {stmt.targets[0].id for stmt in middle if isinstance(stmt, gast.Assign)}
    range_reads = S.loaded_names(forward.iter)
    return not (
        counter in forward_written or counter in written        # a step rebinds the counter
        or sums & forward_names                                 # the forward loop uses a sum
        or (_exposed(steps, sums) - {counter} - paired) & (forward_written | written)   # needs a later step
        or (_exposed(forward_body, set()) - paired) & (written - {counter})     # reads a step's name
        or moved_reads & (forward_written | {counter})
        or moved_writes & (forward_names | {counter} | range_reads)
        or range_reads & (forward_written | written)
        or (written | {counter}) & live_after() - sums)     # read after the loops


def _fresh(middle):
    """The names ``middle`` assigns a new zero (``zeros_like(x)``) or a number."""
    fresh = set()
    for stmt in middle:
        if isinstance(stmt, gast.Assign):
            value = stmt.value
            if isinstance(value, gast.Call) and anno.get(value, Key.TARGET) is runtime.zeros_like \
                    or isinstance(value, gast.Constant) and type(value.value) in (int, float):
                fresh.add(stmt.targets[0].id)
            else:
                fresh.discard(stmt.targets[0].id)
    return fresh


def _is_addition(stmt):
    """``v += e`` for a name ``v`` not in the pure ``e``."""
    return isinstance(stmt, gast.AugAssign) and isinstance(stmt.op, gast.Add) \
        and isinstance(stmt.target, gast.Name) and stmt.target.id not in S.loaded_names(stmt.value) \
        and dataflow.is_pure(stmt.value)


def _written(stmt):
    return {stmt.target.id} if isinstance(stmt, gast.AugAssign) else {stmt.targets[0].id}


def _sums(steps):
    """The names only ever added to (``v += e``), and nowhere else read or written."""
    added = {stmt.target.id for stmt in steps if _is_addition(stmt)}
    for stmt in steps:
        if isinstance(stmt, gast.Assign):
            added -= {stmt.targets[0].id} | S.loaded_names(stmt.value)
        else:
            added -= S.loaded_names(stmt.value)
    return added


def _exposed(block, sums):
    """The names ``block`` may read before it writes them in the same pass (all names
    read inside compound statements count), sums aside."""
    defined, exposed = set(), set()
    for stmt in block:
        if is_comment(stmt):
            continue
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
            exposed |= S.loaded_names(stmt.value) - defined
            defined.add(stmt.targets[0].id)
        elif isinstance(stmt, gast.AugAssign) and isinstance(stmt.target, gast.Name) and stmt.target.id in sums:
            exposed |= S.loaded_names(stmt.value) - defined
        else:
            exposed |= S.loaded_names(stmt) - defined
            exposed |= {name for name in S.names_in(stmt) if name not in defined}   # in-place writes read too
    return exposed


def _without_recomputed(forward_body, steps):
    """``steps`` without the assignments that recompute, from unchanged values, what the
    forward step just assigned to the same name."""
    stored = [S.stored_names(stmt) for stmt in forward_body]
    last = {stmt.targets[0].id: index for index, stmt in enumerate(forward_body)
            if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)}
    kept, kept_writes = [], set()
    for stmt in steps:
        index = last.get(stmt.targets[0].id) if isinstance(stmt, gast.Assign) else None
        if index is not None:
            reads = S.loaded_names(stmt.value)
            written_since = kept_writes.union(*stored[index + 1:])
            if stmt.targets[0].id not in reads and not (reads | {stmt.targets[0].id}) & written_since \
                    and gast.dump(forward_body[index].value) == gast.dump(stmt.value):
                continue
        kept.append(stmt)
        kept_writes |= S.stored_names(stmt)
    return kept
