"""Liveness over structured code, and the dead-code elimination built on it.

Both work on core-form statements (and on generated code, which is also core form):
``if``, ``for`` and ``while`` are handled structurally, loops by iterating to a
fixed point. ``break`` is treated as falling through, which only over-approximates
what is live, so no needed statement is ever removed.
"""

import gast

from ..core import anno
from ..core import syntax as S
from ..core import walk
from ..core.anno import Key
from ..rules import registry
from .mutation import is_mutating_method     # a call of one is never dead code


def reads(stmt):
    """Names a simple statement (or a compound statement's header) reads."""
    if isinstance(stmt, gast.Assign):
        names = S.loaded_names(stmt.value)
        target = stmt.targets[0]
        if isinstance(target, gast.Subscript):
            names |= S.loaded_names(target) | S.names_in(target.value)
        return names
    if isinstance(stmt, (gast.If, gast.While)):
        return S.loaded_names(stmt.test)
    if isinstance(stmt, gast.For):
        return S.loaded_names(stmt.iter)
    return S.loaded_names(stmt)


def writes(stmt):
    if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], (gast.Name, gast.Tuple)):
        return S.stored_names(stmt.targets[0])
    if isinstance(stmt, gast.For):
        return S.stored_names(stmt.target)
    return set()


def is_pure(value):
    """Whether evaluating ``value`` can be skipped when its result is unused."""
    for node in gast.walk(value):
        if isinstance(node, gast.Call):
            if is_mutating_method(anno.get(node, Key.METHOD)):
                return False
            if isinstance(node.func, gast.Attribute) and is_mutating_method(node.func.attr):
                return False
            method = anno.get(node, Key.METHOD)
            if method is not None and registry.method_key(method) is None:
                return False        # obj.update(...): a method astgrad knows nothing about
            target = anno.get(node, Key.TARGET)
            if target is not None:
                key = registry.rule_key(target)
                if not (key in registry.ADJOINTS or registry.is_non_differentiable(target)):
                    return False
            elif anno.get(node, Key.METHOD) is None and not anno.get(node, Key.PURE, False):
                if not _known_pure_name(node.func):
                    return False
    return True


def _known_pure_name(func):
    return anno.get(func, Key.PURE, False)


def liveness(block, live_out, reads=reads, dead=None, writes=writes):
    """Annotate each statement with ``Key.LIVE_OUT``; return the names live on entry.
    ``reads(stmt)`` says which names a statement needs (all it loads, by default).
    ``dead(stmt)``, when given, says (from the statement's LIVE_OUT) that a statement
    outside loops will be removed: what it reads is then not needed by it.

    The sets are frozensets, shared by neighbouring statements where a statement
    changes nothing that is live (copying the set at every statement cost as much as
    the function is long)."""
    live = frozenset(live_out)
    for stmt in reversed(block):
        anno.set(stmt, Key.LIVE_OUT, live)
        if isinstance(stmt, gast.If):
            live = liveness(stmt.body, live, reads, dead, writes) \
                | liveness(stmt.orelse, live, reads, dead, writes) | reads(stmt)
        elif dead is not None and isinstance(stmt, gast.Assign) and dead(stmt):
            continue
        elif isinstance(stmt, (gast.For, gast.While)):
            after = live
            body_in = set()
            rebound = writes(stmt)      # a for loop binds its target before each pass
            while True:
                body_out = after | (body_in - rebound) | reads(stmt)
                new_in = liveness(stmt.body, body_out, reads, dead, writes)
                if new_in <= body_in:
                    break
                body_in |= new_in
            live = after | (body_in - rebound) | reads(stmt)
        elif isinstance(stmt, gast.Return):
            live = frozenset(reads(stmt))
        else:
            written, read = writes(stmt), reads(stmt)
            if written and not live.isdisjoint(written):
                live = live - written
            if not live.issuperset(read):
                live = live | read
    return live


def eliminate_dead_code(block, live_out, keep=lambda stmt: False, facts=None):
    """Remove assignments whose value is never read, until nothing changes. Outside
    loops a chain of dead assignments goes in one pass (liveness skips the reads of a
    statement it finds dead); a loop's are found one more per pass.

    ``facts`` (a ``StatementFacts``) keeps what each statement reads and writes and
    whether its value is pure across the passes, and across calls that share it while
    the statements are not changed but for removals."""
    facts = StatementFacts() if facts is None else facts
    while True:
        liveness(block, live_out, reads=facts.reads, dead=lambda stmt: _is_dead(stmt, keep, facts),
                 writes=facts.writes)
        changed, block = _sweep(block, keep, facts)
        if not changed:
            return block


class StatementFacts:
    """``reads``, ``writes`` and ``is_pure`` of statements, each found once per statement.
    Keyed by the statement's id, with the statement kept alive so no id is reused."""

    def __init__(self):
        self._reads, self._writes, self._pure = {}, {}, {}

    def reads(self, stmt):
        found = self._reads.get(id(stmt))
        if found is None:
            found = self._reads[id(stmt)] = (stmt, frozenset(reads(stmt)))
        return found[1]

    def writes(self, stmt):
        found = self._writes.get(id(stmt))
        if found is None:
            found = self._writes[id(stmt)] = (stmt, frozenset(writes(stmt)))
        return found[1]

    def is_pure(self, stmt):
        """Whether ``stmt.value`` (of an assignment) can be skipped when unused."""
        found = self._pure.get(id(stmt))
        if found is None:
            found = self._pure[id(stmt)] = (stmt, is_pure(stmt.value))
        return found[1]


def _sweep(block, keep, facts):
    """One pass removing dead assignments, emptied ``if``s and emptied loops that bind
    nothing used later; returns (whether anything went, the new block)."""
    changed = False

    def sweep(stmt):
        nonlocal changed
        if _is_dead(stmt, keep, facts):
            changed = True
            return []
        if isinstance(stmt, gast.If) and not _has_code(stmt.orelse):
            stmt.orelse = []
        elif isinstance(stmt, gast.If) and not _has_code(stmt.body):
            # `if c: pass else: ...` reads better as `if not c: ...`
            stmt.test = gast.UnaryOp(op=gast.Not(), operand=stmt.test)
            stmt.body, stmt.orelse = stmt.orelse, []
        return stmt
    block = walk.rewrite_blocks(block, sweep)
    return changed, block


def _is_dead(stmt, keep, facts):
    """A statement (its nested blocks already swept) whose removal changes nothing."""
    if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
        return stmt.targets[0].id not in anno.get(stmt, Key.LIVE_OUT) and facts.is_pure(stmt) and not keep(stmt)
    if isinstance(stmt, gast.If):
        return not _has_code(stmt.body) and not _has_code(stmt.orelse)
    return isinstance(stmt, gast.For) and not _has_code(stmt.body) \
        and not (S.stored_names(stmt.target) & anno.get(stmt, Key.LIVE_OUT))


def _has_code(block):
    return any(not _is_comment(s) and not isinstance(s, gast.Pass) for s in block)


def _is_comment(stmt):
    from ..backend.emit import is_comment
    return is_comment(stmt)
