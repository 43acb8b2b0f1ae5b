"""Reverse mode through a ``try`` whose body may stop part-way.

A try (an ``if`` marked CATCHES, see frontend/normalize/trying.py) runs its body
until a statement raises. The forward sweep counts the statements that completed
(``done = k`` after the k-th statement some guard reads); the adjoint sweep runs the adjoint of statement k
only where ``done >= k``, and puts back the value it saved where it was reached but
raised (``done`` at least the number of the statement before it). So the adjoints
replay exactly the statements that ran, and every saved value is restored once.

Statements are numbered along each path: the statements of an ``if`` in the body,
then the ``if`` itself (it completed); a nested try counts as one statement of
the body around it. Only the numbers some guard reads get a ``done = k``.
"""

import dataclasses
import operator

import gast

from ..core import anno
from ..core import ops
from ..core import syntax as S
from ..core.anno import Key
from ..core.ops import OpKind
from ..rules import registry
from .adjoint_state import SET, ZERO, is_set, state_of


@dataclasses.dataclass
class Steps:
    """The numbering of one try body: ``numbers`` maps id(statement) -> (k, previous k
    on its path, the statement), and ("saved", id(statement)) -> (k, None, statement)
    for a statement saving an element first (the saving counts on its own);
    ``used`` holds the numbers a guard reads; ``bound`` maps id(statement) -> the names
    the body surely bound before it (on its path)."""
    counter: str
    numbers: dict
    used: set
    bound: dict
    active: object = None       # the function's active names
    defined: object = None      # the names surely defined before the try
    ranks: dict = None          # number -> the count written for it (see _rank)
    zeroed: set = dataclasses.field(default_factory=set)    # names given zeros before the body's adjoints
    holders: object = ()        # the names holding items (lists, tuples, dicts)

    def marker(self, stmt):
        """``done = k`` after ``stmt`` (or a key of ``numbers``), or None where no guard
        reads k."""
        entry = self.numbers.get(stmt if isinstance(stmt, tuple) else id(stmt))
        if entry is None or entry[0] not in self.used:
            return None
        return S.assign(self.counter, S.const(self._rank(entry[0])))

    def at_least(self, k):
        return gast.Compare(left=S.name(self.counter), ops=[gast.GtE()], comparators=[S.const(self._rank(k))])

    def _rank(self, k):
        """The count written for k: the numbers guards read, renumbered 1, 2, 3, ... in
        order (a guard compares them only with each other)."""
        if self.ranks is None:
            self.ranks = {number: rank for rank, number in enumerate(sorted(self.used), 1)}
        return self.ranks[k]


def steps_of(stmt, active):
    """The Steps of the try ``stmt`` in a function whose active names are ``active``."""
    numbers, used, bound = {}, set(), {}

    def walk(block, previous, names):
        """Number ``block``; ``names``: those surely bound before it. Returns those
        surely bound after it."""
        names = set(names)
        for inner in block:
            if anno.get(inner, Key.CAUGHT, False):
                continue
            bound[id(inner)] = frozenset(names)
            nested = isinstance(inner, gast.If) and not anno.get(inner, Key.CATCHES, False)
            if nested:
                # its test may raise too (a name unbound, an array's truth value): the branches,
                # and the adjoint's test, run where it was evaluated
                tested = previous
                if not isinstance(inner.test, gast.Constant):
                    tested = len(numbers) + 1
                    numbers[("tested", id(inner))] = (tested, previous, inner)
                    used.add(tested)
                names |= walk(inner.body, tested, names) & walk(inner.orelse, tested, names)
            save = anno.get(inner, Key.SAVE) if isinstance(inner, gast.Assign) else None
            if save and save.index is not None and not save.reused:
                # saving an element reads it, which may raise too: counted once it is saved
                previous = len(numbers) + 1
                numbers[("saved", id(inner))] = (previous, None, inner)
            k = len(numbers) + 1
            numbers[id(inner)] = (k, previous, inner)
            if isinstance(inner, gast.If) and not nested:
                used.add(previous)          # a nested try's adjoint runs where it was reached
            elif _has_adjoint(inner, active):
                used.add(k)
                if save:
                    used.add(previous)
            elif save:
                used.add(previous)          # a restore alone: where the value was saved
            if isinstance(inner, gast.Assign) and isinstance(inner.targets[0], gast.Name):
                names.add(inner.targets[0].id)
            previous = k
        return names

    walk(stmt.body, 0, ())
    used.discard(0)
    return Steps(anno.get(stmt, Key.COUNTER), numbers, used, bound, active)


def _has_adjoint(stmt, active):
    """Whether the adjoint sweep may write code for ``stmt`` (besides a restore)."""
    if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
        return stmt.targets[0].id in active or ops.describe(stmt.value).kind is OpKind.POP
    return isinstance(stmt, (gast.Assign, gast.Expr))


def forward_try(sweep, stmt):
    """The try of the forward sweep ``sweep``: its statements, each followed by the
    count of those completed where a guard reads it."""
    steps = steps_of(stmt, sweep.mode.active)

    def block(statements):
        out = []
        for inner in statements:
            if isinstance(inner, gast.If) and not anno.get(inner, Key.CATCHES, False):
                tested = steps.marker(("tested", id(inner)))
                first = [tested] if tested is not None else []
                body, orelse = block(inner.body), block(inner.orelse)
                new = gast.If(test=S.copy(inner.test), body=first + body or [gast.Pass()],
                              orelse=[S.copy(s) for s in first] + orelse if first or orelse else [])
                if anno.get(inner, Key.MAY_RAISE) is not None:      # its test may read a name unbound
                    anno.set(new, Key.MAY_RAISE, anno.get(inner, Key.MAY_RAISE))
                out.append(new)
            else:
                made = sweep.statement(inner)
                saved = steps.marker(("saved", id(inner)))
                if saved is not None:       # after the save, before the statement
                    made.insert(len(made) - 1, saved)
                out.extend(made)
            marker = steps.marker(inner)
            if marker is not None:
                out.append(marker)
        return out

    pre = []
    if steps.used:
        pre = [sweep.save(save) for save in anno.get(stmt, Key.TARGET_SAVES)]
        pre.append(S.assign(steps.counter, S.const(0)))
    new = gast.If(test=S.copy(stmt.test), body=block(stmt.body) or [gast.Pass()],
                  orelse=sweep.block(stmt.orelse))
    anno.set(new, Key.CATCHES, True)
    return pre + [new]


def adjoint_try(sweep, stmt, state):
    """The adjoint of the try ``stmt`` for the adjoint sweep ``sweep``: the body's
    adjoints, each guarded by the count of the statements that completed (the
    ``except`` clause only records the exception: it has none)."""
    steps = steps_of(stmt, sweep.mode.active)
    if not steps.used:
        return sweep.block([s for s in stmt.body if not anno.get(s, Key.CAUGHT, False)], state)
    steps.defined, steps.holders = anno.get(stmt, Key.DEFINED_BEFORE), sweep.control._item_holders()
    zeros = _holder_zeros(sweep, stmt, steps, state)
    code, state = sweep.block(_guarded(stmt.body, steps), state)
    code.extend(sweep.restore(save) for save in reversed(anno.get(stmt, Key.TARGET_SAVES)))
    return zeros + code, state


def _holder_zeros(sweep, stmt, steps, state):
    """``d_ys = zeros_like(ys) if done >= k else 0.0`` for each name ``ys`` that statement
    k of the body (or of an ``if`` in it) binds, not bound before the try: a plain 0.0, the
    zero of a name that may be unbound, reads as no list's items, and has no shape for an
    array's rule, where the adjoint of statement k runs (``ys = [v * w for v in x]`` or
    ``b = x.reshape(2, -1)`` in the body itself, then a statement that raised before using
    it). Where a list's derivative is set on some path (a try in a loop), the zeros are
    added to it; else its state becomes ZERO (unset, for the code)."""
    mode, holders, out, seen = sweep.mode, sweep.control._item_holders(), [], set()
    top = {id(inner) for inner in stmt.body}       # done >= k: bound there (a branch's may not have run)
    for inner in _statements(stmt.body):
        k = steps.numbers.get(id(inner), (None,))[0]
        if not (k in steps.used and isinstance(inner, gast.Assign) and isinstance(inner.targets[0], gast.Name)):
            continue
        name = inner.targets[0].id
        if name in seen or name in steps.defined or name not in mode.active \
                or name not in holders and id(inner) not in top:
            continue
        seen.add(name)      # its first binding: from there on, the name holds what the last one bound
        adjoint, zeros = mode.adjoint(name), mode.helper_call("zeros_like", [S.name(name)])
        if state_of(state, adjoint) is SET and name not in holders:
            continue        # (a try in a loop: the shape alone is kept, see shaped_zeros)
        steps.zeroed.add(name)
        if state_of(state, adjoint) is SET:     # set on some path (in a loop): add the zeros to it
            out.append(S.assign(adjoint, gast.IfExp(test=steps.at_least(k), body=mode.helper_call(
                "add_derivatives", [S.name(adjoint), zeros]), orelse=S.name(adjoint))))
            continue
        out.append(S.assign(adjoint, gast.IfExp(test=steps.at_least(k), body=zeros, orelse=S.const(0.0))))
        state[adjoint] = ZERO
    return out


def _statements(block):
    """The statements of ``block`` and of the branches of each ``if`` in it (not of a
    nested try, which guards its own)."""
    for inner in block:
        yield inner
        if isinstance(inner, gast.If) and not anno.get(inner, Key.CATCHES, False):
            yield from _statements(inner.body)
            yield from _statements(inner.orelse)


def _guarded(block, steps):
    """``block`` as if statements whose adjoints the counter guards: ``if done >= k``
    around statement k, the restore alone (a Pass carrying its save) where it was
    reached but raised."""
    out = []
    for inner in block:
        if anno.get(inner, Key.CAUGHT, False):
            continue
        k, previous, _ = steps.numbers[id(inner)]
        if isinstance(inner, gast.If) and not anno.get(inner, Key.CATCHES, False):
            branches = gast.If(test=inner.test, body=_guarded(inner.body, steps) or [gast.Pass()],
                               orelse=_guarded(inner.orelse, steps))
            for key in (Key.DEFINED_BEFORE, Key.DEFINED_AFTER):
                anno.set(branches, key, anno.get(inner, key))
            tested = steps.numbers.get(("tested", id(inner)), (previous,))[0]
            out.append(_when(steps, tested, [branches], []))
            continue
        if isinstance(inner, gast.If):          # a nested try guards its own statements
            out.append(_when(steps, previous, [inner], []))
            continue
        save = anno.get(inner, Key.SAVE) if isinstance(inner, gast.Assign) else None
        if save and not _has_adjoint(inner, steps.active):
            out.append(_when(steps, previous, [inner], []))       # its restore, where it was reached
            continue
        raised = []
        if save:
            restore = gast.Pass()
            anno.set(restore, Key.SAVE, save)
            raised = [_when(steps, previous, [restore], [])]
        if k not in steps.used:
            out.append(inner)
            continue
        guard = _when(steps, k, [inner] + _shaped_zeros_mark(inner, steps), raised)
        # where the adjoint of a binding ends, the name holds (restored) what it held before:
        # bound before it on this path, a list's derivative there is its zeros, not 0.0
        anno.set(guard, Key.DEFINED_BY_BODY, _BoundBefore(steps.defined, steps.bound[id(inner)]))
        out.append(guard)
    return out


def _shaped_zeros_mark(stmt, steps):
    """After the binding ``stmt`` of an array the body binds (not bound before the try,
    not given zeros before the body's adjoints: in a branch, or in a loop), a Pass whose
    adjoint, run first, makes the name's derivative zeros of its shape where it is still a
    plain 0.0 (nothing that ran read the name); [] for other statements."""
    if not (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)):
        return []
    name = stmt.targets[0].id
    if name not in steps.active or name in steps.defined or name in steps.holders or name in steps.zeroed \
            or _takes_plain_zero(stmt.value):
        return []
    mark = gast.Pass()
    anno.set(mark, Key.SHAPED_ZEROS, name)
    return [mark]


def _takes_plain_zero(value):
    """Whether the adjoint of ``value`` takes a plain 0.0 for an array's derivative: a
    copy, an elementwise rule (its derivative broadcasts) or indexing (zeros where the
    derivative goes)."""
    op = ops.describe(value)
    if op.kind is OpKind.COPY or op.kind is OpKind.CONST:
        return True
    if op.kind is not OpKind.CALL:
        return False
    try:
        record = registry.primitive(op.key)
    except TypeError:
        return False
    return record is not None and (record.kind == "elementwise" or record.function is operator.getitem
                                   or _spreads_derivative(record))


_SPREADING = frozenset({"unreduce", "unbroadcast"})     # runtime helpers broadcasting their first argument


def _spreads_derivative(record):
    """Whether the adjoint of ``record`` reads the result's derivative only to spread it
    (``d[a] = unreduce(d[y], a, axis)`` of np.sum, np.mean, np.max, ...: a plain 0.0
    broadcasts to zeros of the operand's shape), through operators at most."""
    known = _SPREADS.get(record)
    if known is None:
        known = _SPREADS[record] = _reads_only_to_spread(record.adjoint)
    return known


_SPREADS: dict = {}


def _reads_only_to_spread(template):
    if template is None or isinstance(template, str):
        return False
    try:
        body, result = template.body, template.result
    except (AttributeError, TypeError, OSError, SyntaxError):
        return False
    spread = set()          # the nodes inside a spreading call's first argument, through operators
    for stmt in body:
        for node in gast.walk(stmt):
            if isinstance(node, gast.Call) and isinstance(node.func, gast.Name) and node.func.id in _SPREADING \
                    and node.args:
                stack = [node.args[0]]
                while stack:
                    inner = stack.pop()
                    spread.add(id(inner))
                    if isinstance(inner, gast.BinOp):
                        stack.extend((inner.left, inner.right))
    reads = [node for stmt in body for node in gast.walk(stmt) if _is_derivative_of(node, result)]
    return bool(reads) and all(id(node) in spread for node in reads)


def _is_derivative_of(node, result):
    """Whether ``node`` is ``d[result]`` in a rule template."""
    return isinstance(node, gast.Subscript) and isinstance(node.value, gast.Name) and node.value.id == "d" \
        and isinstance(node.slice, gast.Name) and node.slice.id == result and isinstance(node.ctx, gast.Load)


def shaped_zeros(sweep, name, state):
    """``d_b = zeros_if_plain(d_b, b)`` where ``d_b`` may be set (the adjoint of a
    ``_shaped_zeros_mark``): read for its shape only, ``b`` is kept as its shape."""
    mode, adjoint = sweep.mode, sweep.mode.adjoint(name)
    if not is_set(state, adjoint):
        return []
    return [S.assign(adjoint, mode.helper_call("zeros_if_plain", [S.name(adjoint), S.name(name)]))]


@dataclasses.dataclass(frozen=True)
class _BoundBefore:
    """The names surely bound before a statement of a try body: ``defined`` (before
    the try) or ``names`` (by the body, before the statement)."""
    defined: object
    names: frozenset

    def __contains__(self, name):
        return name in self.names or name in self.defined


def _when(steps, k, body, orelse):
    """``if done >= k: body else: orelse`` (the one statement of ``body`` where k is 0
    or read by no guard)."""
    if k == 0 or k not in steps.used:
        return body[0]
    guard = gast.If(test=steps.at_least(k), body=body, orelse=orelse)
    for key in (Key.DEFINED_BEFORE, Key.DEFINED_AFTER):     # fewer names than there are: safe
        anno.set(guard, key, steps.defined)
    return guard
