"""The adjoint sweep through ``if`` statements and loops.

Paths through a branch or a loop may leave an adjoint in different states (set on
one path, unset on the other). The code after them must not care which path ran,
so zeros are materialised exactly where paths disagree: before the statement for
an adjoint unset on entry, or at the end of the path that leaves it unset. Both
are found by generating the code, looking at the exit states, and generating it
again with the zeros added, until nothing disagrees.
"""

import builtins
import copy
import itertools
import weakref

import gast

from .. import runtime, runtime_objects
from ..core import anno
from ..core import syntax as S
from ..core import walk
from ..core.anno import Key
from ..core.ops import is_user_function
from .branch_memo import BranchMemo
from .adjoint_state import SET, UNSET, ZERO, Changes, Watched, is_set, join, quiet_state, state_of
from .save_code import method_call
from ..core.first_use import imported_when_called

# modules only some functions need, loaded with the first call of these (core/first_use.py)
reached_from = imported_when_called("astgrad.core.reach", "reached_from")


class ControlFlowAdjoints:
    """The adjoints of ``if``, ``for`` and ``while`` for an AdjointSweep ``sweep``."""

    def __init__(self, sweep):
        self.sweep = weakref.proxy(sweep)   # the sweep owns this: no reference cycle to collect
        self.mode = sweep.mode
        self._primals, self._primals_seen = {}, 0       # adjoint -> primal (see _primal_of)
        self._holders = None        # the names a list, tuple, dict or object may be bound to (item_holders)
        self.memo = BranchMemo(self.mode)      # the branches of the ifs being made, kept to take again

    def if_(self, stmt, state):
        self.memo.depth += 1
        try:
            return self._if(stmt, state)
        finally:
            self.memo.depth -= 1
            if not self.memo.depth:
                self.memo.forget()      # no pass over an if around this one makes it again

    def _if(self, stmt, state):
        pre, tails = set(), (set(), set())
        mark = self.mode.namer.mark()
        while True:
            self.mode.namer.back_to(mark)
            entry = Watched(state, {adjoint: ZERO for adjoint in pre})
            (then, s1), (orelse, s2) = self._branches(stmt, tails, entry)
            read, found_pre, found_tails = set(entry.read), set(), (set(), set())
            exits = _exit_states(s1, s2)
            if not self._branches_disagree(entry, exits, found_pre, found_tails):
                break
            if not found_pre & read:
                # zeros at the branches' ends settle it, and zeros before the if change no
                # code (neither branch asked whether those adjoints were unset): made already
                entry.own.update((adjoint, ZERO) for adjoint in found_pre)
                s1.base_changed()
                s2.base_changed()
                pre |= found_pre
                # a branch that rebinds a variable (to a value nothing reads) consumed the zero
                # before the if, the zero of the value after it: the value it overwrote needs
                # one of its own, at that branch's end
                for code, exits_of, tail, bound in ((then, s1, found_tails[0], Key.DEFINED_BY_BODY),
                                                     (orelse, s2, found_tails[1], Key.DEFINED_BY_ORELSE)):
                    consumed = {adjoint for adjoint in found_pre if quiet_state(exits_of, adjoint) is UNSET}
                    self._end_with_zeros(stmt, code, exits_of, tail | consumed, bound)
                exits = _exit_states(s1, s2)
                break
            pre |= found_pre
            tails[0].update(found_tails[0])
            tails[1].update(found_tails[1])
        _write_over(state, entry, _joined(s1, s2, exits, entry))
        out = [self._zero_before(stmt, self._primal_of(a)) for a in sorted(pre)]
        if then or orelse:
            out.append(gast.If(test=S.copy(stmt.test), body=then or [gast.Pass()], orelse=orelse))
        self.mode.last_line = None
        return out, state

    def _branches(self, stmt, tails, entry):
        """Both branches' adjoint code and exit states: made, or taken again from
        ``memo`` where they were made for the same states and names."""
        key = (frozenset(tails[0]), frozenset(tails[1]))
        made = self.memo.recall(stmt, key, entry)
        if made is None:
            started = self.memo.start()
            made = tuple(self._branch(stmt, block, tail, entry, bound)
                         for block, tail, bound in ((stmt.body, tails[0], Key.DEFINED_BY_BODY),
                                                    (stmt.orelse, tails[1], Key.DEFINED_BY_ORELSE)))
            self.memo.remember(stmt, key, entry, started, made)
        return made

    def _branch(self, stmt, block, tail, entry, bound):
        """One branch's adjoint code, with zeros at its end for the adjoints in ``tail``."""
        self.mode.last_line = None
        code, exit_state = self.sweep.block(block, Changes(entry))
        self._end_with_zeros(stmt, code, exit_state, tail, bound)
        return code, exit_state

    def _end_with_zeros(self, stmt, code, exit_state, tail, bound):
        for adjoint in sorted(tail):          # sorted: the same text in every process
            code.append(self._zero_at_start(stmt, self._primal_of(adjoint), bound))
            exit_state[adjoint] = ZERO

    def _zero_at_start(self, stmt, name, bound):
        """The zero a derivative consumed by a branch or a loop body (``stmt``'s) starts
        the code before with. A plain 0.0 reads as no list's items (``d_xs[0]`` of a list
        rebound in each iteration, read after the loop): a name that the block surely
        binds (annotated as ``bound``) exists when the block's reverse runs, so one of a
        known array get ``zeros_like``, which the saves make of the value it had then."""
        if isinstance(stmt, gast.For) and name in self.mode.params and name in S.stored_names(stmt.target):
            # a parameter the loop rebinds: this zero stands for the value it had before,
            # the argument after the first iteration, not the item it holds now
            return S.assign(self.mode.adjoint(name), S.const(0.0))
        defined = anno.get(stmt, bound) if name in self._item_holders() else None
        return self.sweep.zero_init(name, defined or anno.get(stmt, Key.DEFINED_BEFORE))

    def _zero_before(self, stmt, name):
        """The zero a derivative set by ``stmt`` (an if or a loop) and unset after it
        starts with, before the reverse of ``stmt``. A plain 0.0 reads as no item or
        attribute: a list, tuple, dict or object bound later in a loop's body than an
        earlier turn reads it (``d_a['data']``, the reverse of ``a = Acc(...)`` in the last
        turn). Such a name that may be unbound after ``stmt`` but has a placeholder (it
        is saved before its first binding) exists there all the same, so it gets
        ``zeros_like``: of its last value, or 0.0 of the placeholder where it is unbound."""
        defined = anno.get(stmt, Key.DEFINED_AFTER)
        if name not in defined and name in self._item_holders() and name in self.mode.placeholders:
            self.mode.placeholders_read.add(name)       # the placeholder stays (reverse.py)
            defined = {name}
        return self.sweep.zero_init(name, defined)

    def _item_holders(self):
        """The names a list, tuple, dict or object may be bound to (found once; ``item_holders``)."""
        if self._holders is None:
            self._holders = item_holders(self.sweep.body)
        return self._holders

    @staticmethod
    def _branches_disagree(entry, exits, pre, tails):
        """Record each adjoint set on one branch only (of ``exits``, from :func:`_exit_states`):
        zeros before the ``if`` (``pre``) if it is unset on entry, else at the end of the other
        branch (``tails``)."""
        changed = False
        for adjoint, a, b in exits:
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
        again gets zeros at the end of the body. States are compared as ``state_of``
        reads them (an adjoint not there is UNSET): a pass more for an UNSET written
        out would generate the same code."""
        pre, tail = set(), set()
        mark = self.mode.namer.mark()
        reached = {}
        while True:
            entry0 = Changes(state, {adjoint: ZERO for adjoint in pre})
            body, entry, exit_state = self._iterate(stmt, entry0, reached, pre, tail, mark)
            if body is None:
                continue            # adjoints found to need zeros before the loop: added to pre
            if not self._iterations_disagree(entry0, entry, exit_state, pre, tail):
                break
            reached = entry.own
        out = [self._zero_before(stmt, self._primal_of(a)) for a in sorted(pre)]
        out.append(self.loop_header(stmt, body))
        for save in reversed(anno.get(stmt, Key.TARGET_SAVES)):
            out.append(self.sweep.restore(save))
        self.mode.last_line = None
        _write_over(state, entry0, entry.own)
        return out, state

    def _iterate(self, stmt, entry0, reached, pre, tail, mark):
        """The loop body's code at the fixed point of its entry states, starting from the
        entry states an earlier pass ``reached`` (joined with ``entry0``: more zeros before
        the loop, or at the body's end, only ever add to what an iteration sets, so that
        point is on the way to the fixed point and the passes up to it need not be made
        again). An adjoint unset before the loop that an iteration sets ends in ``pre``
        whatever the later passes find: it is added at once and (None, None, None)
        returned, for the caller to start again with its zeros."""
        entry = Changes(entry0, {adjoint: join(state_of(entry0, adjoint), state) for adjoint, state in reached.items()})
        for _ in range(20):
            self.mode.namer.back_to(mark)
            self.mode.last_line = None
            body, exit_state = self.loop_body(stmt, Changes(entry0, dict(entry.own)))
            for adjoint in sorted(tail):
                body.append(self._zero_at_start(stmt, self._primal_of(adjoint), Key.DEFINED_BY_BODY))
                exit_state[adjoint] = ZERO
            # what the body sets joined with the states before the loop (the rest is as then)
            joined = Changes(entry0, {adjoint: join(state_of(entry0, adjoint), state)
                                      for adjoint, state in exit_state.own.items()})
            if not _changed(joined, entry, joined.keys() | entry.keys()):
                break
            unset_before = {adjoint for adjoint, state in exit_state.own.items()
                            if state is not UNSET and state_of(entry0, adjoint) is UNSET}
            if unset_before:
                pre |= unset_before
                reached.clear()
                reached.update(joined.own)
                return None, None, None
            entry = joined
        return body, entry, exit_state

    @staticmethod
    def _iterations_disagree(entry0, entry, exit_state, pre, tail):
        conflict = False
        # the others have the same state before and after, and in entry
        for adjoint in _changed(entry0, exit_state, exit_state.keys()) | _changed(entry0, entry, entry.keys()):
            before, after = state_of(entry0, adjoint), state_of(exit_state, adjoint)
            if before is UNSET and after is not UNSET and adjoint not in pre:
                pre.add(adjoint)
                conflict = True
            elif state_of(entry, adjoint) is not UNSET and after is UNSET and adjoint not in tail:
                tail.add(adjoint)
                conflict = True
        return conflict

    def _primal_of(self, adjoint):
        """The primal name whose adjoint is ``adjoint``: the first in the mode's
        ``derivatives`` (which only grows), from a map that follows it."""
        derivatives, primals = self.mode.derivatives, self._primals
        new = len(derivatives) - self._primals_seen
        if new:
            added = list(itertools.islice(reversed(derivatives.items()), new))
            for primal, name in reversed(added):
                primals.setdefault(name, primal)
            self._primals_seen = len(derivatives)
        return primals[adjoint]

    def loop_body(self, stmt, state):
        """One reverse iteration: recompute the cheap temporaries, pop an enumerated
        item, run the body's adjoints, and give an item's adjoint to its sequence."""
        mode = self.mode
        pre = [S.copy(s) for s in anno.get(stmt, Key.RECOMPUTED, [])]
        for recomputed in pre:      # the forward sweep's statement raises where it may: not this one
            anno.delete(recomputed, Key.MAY_RAISE)
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
            if item in mode.active and is_set(state, mode.adjoint(item)) \
                    and mode.derivative_of(seq) is not None:
                node = S.assign(mode.adjoint(seq.id), mode.helper_call(
                    "unloop_item", [S.name(mode.adjoint(item)), S.copy(seq), S.name(index)]))
                anno.set(node, Key.ACCUMULATE, True)
                body.append(self.sweep.lower(node, state))
        # each pass binds the target anew (an int of a range, an index, an item given
        # its adjoint above): what it held before the pass gets none of the adjoint
        for name in S.stored_names(stmt.target) if isinstance(stmt, gast.For) else ():
            if name in mode.active:
                state[mode.adjoint(name)] = UNSET
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


def _exit_states(s1, s2):
    """(adjoint, its state at the end of one branch, at the end of the other) for each
    adjoint either branch sets (the others are as on entry), branches ending in ``s1`` and
    ``s2``: read once for both :meth:`_branches_disagree` and :func:`_joined`, the reads
    these made each in turn (each as many as the adjoints the ifs nested in them set)."""
    get1, get2 = s1.get, s2.get       # Changes.get: state_of without a call more for each
    return [(adjoint, get1(adjoint, UNSET), get2(adjoint, UNSET)) for adjoint in s1.keys() | s2.keys()]


def _joined(s1, s2, exits, entry):
    """The states after an if whose branches end in ``s1`` and ``s2`` (``exits``, from
    :func:`_exit_states`) over its ``entry``. An adjoint one branch leaves UNSET and the
    other does not set is UNSET before the if too: it is left out, or each if would pass on
    to the ifs around it the states of every temporary of the ifs nested in it, and each of
    those would go through them all. So is an adjoint SET after the if that was SET before it
    (as read through ``entry`` already): added to on a branch, it was passed on to every if
    around, in a gradient's gradient most of what each of them joined. SET stays SET when
    the states before change (they only gain zeros), and its reads find it below as here."""
    joined = {}
    set1, set2 = s1.keys(), s2.keys()
    own, before = entry.own, entry.above
    for adjoint, a, b in exits:
        state = join(a, b)
        if state is SET and adjoint not in own and before.get(adjoint) is SET:
            continue
        if state is not UNSET or (adjoint in set1 and adjoint in set2):
            joined[adjoint] = state
    return joined


def _changed(a, b, adjoints):
    """The adjoints among ``adjoints`` whose states differ between ``a`` and ``b``."""
    return {adjoint for adjoint in adjoints if state_of(a, adjoint) is not state_of(b, adjoint)}


def _write_over(state, *changes):
    """Write into ``state`` the states of ``changes`` (dicts or Changes' own states over
    ``state``), later ones over earlier ones: the states after a branch or a loop."""
    for change in changes:
        for adjoint, adjoint_state in (change.own if isinstance(change, Changes) else change).items():
            state[adjoint] = adjoint_state


# (and the objects a class's constructor builds: their zero reads as no attribute)
_ITEM_MAKERS = (list, tuple, dict, sorted, runtime.shallow_copy, copy.copy,
                runtime_objects.instance, runtime_objects.with_attribute, runtime_objects.deleted_attribute)


def item_holders(body):
    """The names of ``body`` that may be bound to a list, tuple, dict or object: to a
    display, a comprehension, a slice, a call making one (a class's constructor too) or of
    a function of the user's (which may return one), or to such a name (parameters are
    left out: their zero stays 0.0)."""
    holders, copied_to = set(), {}     # copied_to: name -> the names assigned that name
    for stmt in walk.walk_statements(body):
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
            value = stmt.value
            if isinstance(value, gast.Name):
                copied_to.setdefault(value.id, []).append(stmt.targets[0].id)
            elif _makes_items(value):
                holders.add(stmt.targets[0].id)
    # then the names a holder is copied to, and so on (each name followed once)
    return holders | reached_from(holders, copied_to)


def _makes_items(value):
    if isinstance(value, (gast.List, gast.Tuple, gast.Dict, gast.ListComp, gast.DictComp)):
        return True
    if isinstance(value, gast.Subscript):
        return isinstance(value.slice, gast.Slice)
    if not isinstance(value, gast.Call):
        return False
    target = anno.get(value, Key.TARGET)
    return any(target is maker for maker in _ITEM_MAKERS) or is_user_function(target)
