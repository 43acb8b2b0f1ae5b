"""The adjoint sweep through ``if`` statements and loops.

Paths through a branch or a loop may leave an adjoint in different states (set on
one path, unset on the other). The code after them must not care which path ran,
so zeros are materialised exactly where paths disagree: before the statement for
an adjoint unset on entry, or at the end of the path that leaves it unset. Both
are found by generating the code, looking at the exit states, and generating it
again with the zeros added, until nothing disagrees.
"""

import builtins
import weakref

import gast

from ..core import anno
from ..core import syntax as S
from ..core.anno import Key
from .adjoint_state import SET, UNSET, ZERO, join, state_of
from .save_code import method_call


class ControlFlowAdjoints:
    """The adjoints of ``if``, ``for`` and ``while`` for an AdjointSweep ``sweep``."""

    def __init__(self, sweep):
        self.sweep = weakref.proxy(sweep)   # the sweep owns this: no reference cycle to collect
        self.mode = sweep.mode

    def if_(self, stmt, state):
        pre, tails = set(), (set(), set())
        taken = set(self.mode.namer.taken)
        while True:
            self.mode.namer.taken = set(taken)
            entry = dict(state)
            for adjoint in pre:
                entry[adjoint] = ZERO
            (then, s1), (orelse, s2) = (self._branch(stmt, block, tail, entry)
                                        for block, tail in ((stmt.body, tails[0]), (stmt.orelse, tails[1])))
            if not self._branches_disagree(entry, s1, s2, pre, tails):
                break
        merged = {a: join(state_of(s1, a), state_of(s2, a)) for a in set(s1) | set(s2)}
        out = [self.sweep.zero_init(self.sweep.primal_of(a), anno.get(stmt, Key.DEFINED_AFTER))
               for a in sorted(pre)]
        if then or orelse:
            out.append(gast.If(test=S.copy(stmt.test), body=then or [gast.Pass()], orelse=orelse))
        self.mode.last_line = None
        return out, merged

    def _branch(self, stmt, block, tail, entry):
        """One branch's adjoint code, with zeros at its end for the adjoints in ``tail``."""
        self.mode.last_line = None
        code, exit_state = self.sweep.block(block, dict(entry))
        for adjoint in tail:
            code.append(self.sweep.zero_init(self.sweep.primal_of(adjoint), anno.get(stmt, Key.DEFINED_BEFORE)))
            exit_state[adjoint] = ZERO
        return code, exit_state

    @staticmethod
    def _branches_disagree(entry, s1, s2, pre, tails):
        """Record each adjoint set on one branch only: zeros before the ``if`` (``pre``)
        if it is unset on entry, else at the end of the other branch (``tails``)."""
        changed = False
        for adjoint in set(s1) | set(s2):
            a, b = state_of(s1, adjoint), state_of(s2, adjoint)
            if (a is UNSET) != (b is UNSET):
                changed = True
                if state_of(entry, adjoint) is UNSET:
                    pre.add(adjoint)
                else:
                    tails[0 if a is UNSET else 1].add(adjoint)
        return changed

    def loop(self, stmt, state):
        """The reverse loop, generated for the adjoint states at its fixed point.

        The body runs 0..n times, so the state on entry to an iteration is the join
        of the state before the loop and the state after an iteration. Only at that
        fixed point do disagreements count: an adjoint unset before the loop but set
        by the body gets zeros before the loop; one consumed by the body and not set
        again gets zeros at the end of the body."""
        pre, tail = set(), set()
        taken = set(self.mode.namer.taken)
        while True:
            entry0 = dict(state)
            for adjoint in pre:
                entry0[adjoint] = ZERO
            body, entry, exit_state = self._iterate(stmt, entry0, tail, taken)
            if not self._iterations_disagree(entry0, entry, exit_state, pre, tail):
                break
        out = [self.sweep.zero_init(self.sweep.primal_of(a), anno.get(stmt, Key.DEFINED_AFTER))
               for a in sorted(pre)]
        out.append(self.loop_header(stmt, body))
        for save in reversed(anno.get(stmt, Key.TARGET_SAVES)):
            out.append(self.sweep.restore(save))
        self.mode.last_line = None
        return out, entry

    def _iterate(self, stmt, entry0, tail, taken):
        """The loop body's code at the fixed point of its entry states."""
        entry = dict(entry0)
        for _ in range(20):
            self.mode.namer.taken = set(taken)
            self.mode.last_line = None
            body, exit_state = self.loop_body(stmt, dict(entry))
            for adjoint in tail:
                body.append(self.sweep.zero_init(self.sweep.primal_of(adjoint), anno.get(stmt, Key.DEFINED_BEFORE)))
                exit_state[adjoint] = ZERO
            joined = _joined(entry0, exit_state)
            if joined == entry:
                break
            entry = joined
        return body, entry, exit_state

    @staticmethod
    def _iterations_disagree(entry0, entry, exit_state, pre, tail):
        conflict = False
        # the others have the same state before and after, and in entry (see _changed)
        for adjoint in _changed(entry0, exit_state) | _changed(entry0, entry):
            before, after = state_of(entry0, adjoint), state_of(exit_state, adjoint)
            if before is UNSET and after is not UNSET and adjoint not in pre:
                pre.add(adjoint)
                conflict = True
            elif state_of(entry, adjoint) is not UNSET and after is UNSET and adjoint not in tail:
                tail.add(adjoint)
                conflict = True
        return conflict

    def loop_body(self, stmt, state):
        """One reverse iteration: recompute the cheap temporaries, pop an enumerated
        item, run the body's adjoints, and give an item's adjoint to its sequence."""
        mode = self.mode
        pre = [S.copy(s) for s in anno.get(stmt, Key.RECOMPUTED, [])]
        enumerating = isinstance(stmt, gast.For) and isinstance(stmt.target, gast.Tuple)
        if enumerating:
            index, item = (e.id for e in stmt.target.elts)
            item_stack = anno.get(stmt, Key.ITEM_STACK)
            restore = S.assign(item, method_call(item_stack, "pop", []))
            anno.set(restore, Key.ITEM_POP, item_stack)
            pre.append(restore)
        body, state = self.sweep.block(stmt.body, state)
        if enumerating:
            seq = stmt.iter.args[0]
            if item in mode.active and state_of(state, mode.adjoint(item)) is SET \
                    and mode.derivative_of(seq) is not None:
                node = S.assign(mode.adjoint(seq.id), mode.helper_call(
                    "unloop_item", [S.name(mode.adjoint(item)), S.copy(seq), S.name(index)]))
                anno.set(node, Key.ACCUMULATE, True)
                body.append(self.sweep.lower(node, state))
            if item in mode.active:
                state[mode.adjoint(item)] = UNSET
        return pre + body, state

    def loop_header(self, stmt, body):
        """The reverse loop: the recorded iterations of a while loop, the indices of
        an enumerate loop, the iterable of a range loop, each backwards."""
        body = body or [gast.Pass()]
        if isinstance(stmt, gast.While):
            steps = S.call(S.name("range"), [S.name(anno.get(stmt, Key.COUNTER))])
            anno.set(steps, Key.TARGET, builtins.range)
            loop = gast.For(target=S.name(self.mode.namer.fresh("_"), store=True), iter=steps, body=body,
                            orelse=[], type_comment=None)
            anno.set(loop, Key.RANGE_LOOP, True)
            return loop
        if isinstance(stmt.target, gast.Tuple):
            index = stmt.target.elts[0].id
            count = gast.BinOp(left=S.name(index), op=gast.Add(), right=S.const(1))
            steps = S.call(S.name("range"), [count])
            anno.set(steps, Key.TARGET, builtins.range)
            target = S.name(index, store=True)
        else:
            steps = S.copy(stmt.iter)
            target = S.copy(stmt.target)
        backwards = S.call(S.name("reversed"), [steps])
        anno.set(backwards, Key.TARGET, builtins.reversed)
        loop = gast.For(target=target, iter=backwards, body=body, orelse=[], type_comment=None)
        anno.set(loop, Key.RANGE_LOOP, True)
        return loop


def _joined(before, after):
    """{adjoint: join(its state in ``before``, in ``after``)} for the adjoints of either.
    Only the adjoints whose state changed are joined one by one: a loop's states hold
    every adjoint of the function so far, and joining each at every loop made the
    reverse sweep quadratic in the number of loops."""
    joined = {**before, **after}        # join(s, UNSET) is s, join(s, s) is s
    for adjoint in _changed(before, after):
        joined[adjoint] = join(state_of(before, adjoint), state_of(after, adjoint))
    return joined


def _changed(before, after):
    """The adjoints whose entries differ between two state dicts (compared as sets of
    items, a C loop)."""
    return {adjoint for adjoint, _ in before.items() ^ after.items()}
