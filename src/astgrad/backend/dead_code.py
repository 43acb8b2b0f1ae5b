"""Optimize pass: remove dead code, and every save whose restored value is never read.

Dead-code elimination itself lives in ``analysis.dataflow``. Reverse mode's saves
come in pairs (a push or copy in the forward sweep, a pop or read back in the
reverse sweep, linked by a save id); once a restore is dead, its save is too, and
removing both may make more code dead, so the two alternate until nothing changes.
Most pairs (one push, and its one pop in a later top-level statement) the dead-code
elimination removes itself, together, in the same liveness run: only the others need
the alternation.
"""

import gast

from ..analysis import dataflow, raising
from ..core import anno
from ..core import syntax as S
from ..core import walk
from ..core.anno import Key
from .emit import comment


def remove_dead_code(body, same_shape=None, kept=None, value_names=None):
    """``body`` without dead assignments and without saves nobody restores. A primal
    statement that may raise stays (``raising.must_keep``: calling the function raises
    there, so must its derivative), unless ``same_shape(a, b)`` (the optimizer's shape
    facts, or None) proves the broadcast it does safe; ``kept``, a dict, is given those
    statements by id (nothing reads what they bind: see ``evaluate_kept_checks``).
    ``value_names``, a dict, is given what liveness found of each ``name = value``
    (id(statement) -> (it, its value, the value's Name nodes), see ``dataflow._Masks``)."""
    returned = set()
    facts = dataflow.StatementFacts()     # statements are only removed here, never changed
    facts.masks.value_names = value_names
    marked = _saves_and_restores(body, facts)

    def keep(stmt):         # asked of dead statements alone
        if not raising.must_keep(stmt, same_shape):
            return False
        if kept is not None:
            kept[id(stmt)] = stmt
        return True
    while True:
        body = dataflow.eliminate_dead_code(body, returned, keep, facts=facts)
        doomed = _dead_saves(marked, facts)
        if not doomed:
            if kept:        # asked in a loop's first pass too, before its fixed point: dead at the end
                for key in [key for key, stmt in kept.items() if facts.writes_live(stmt)]:
                    del kept[key]
            return body
        body = walk.rewrite_statements(body, doomed, lambda stmt: [])


def evaluate_kept_checks(body, kept):
    """``body`` with each statement of ``kept`` (by id: the statements dead-code
    elimination kept only because they may raise, whose binding nothing reads) as an
    expression statement, ``x[5]`` rather than ``t = x[5]``; ``kept`` then holds those."""
    if not kept:
        return body
    checks = {}

    def evaluate(stmt):
        if not isinstance(stmt, gast.Assign) or not isinstance(stmt.targets[0], gast.Name):
            return stmt
        read = S.read_name(stmt.value)      # `v is None`, kept to raise where v is unbound: `v`
        check = gast.copy_location(S.expr_stmt(S.name(read) if read else stmt.value), stmt)
        checks[id(check)] = check
        return check
    body = walk.rewrite_statements(body, kept, evaluate)
    kept.clear()
    kept.update(checks)
    return body


def comment_kept_checks(body, kept):
    """``body`` with a comment before each statement of ``kept`` (by id) saying why it is there."""
    if not kept:
        return body
    return walk.rewrite_statements(body, kept, lambda stmt: [comment("kept: raises here as the function does"), stmt])


# (mark, whether the statement it marks restores, whether it is kept by the stack's name)
_MARKS = ((Key.SAVE_ID, False, False), (Key.RESTORE_ID, True, False),
          (Key.ITEM_PUSH, False, True), (Key.ITEM_POP, True, True))
_MARK_KEYS = frozenset(key for key, _, _ in _MARKS)


def _saves_and_restores(body, facts):
    """The saves and restores of ``body``, by their mark (a save id, or for an enumerated
    item ("item", its stack)): [(top-level index, statement, whether it restores)]. The
    pairs of one push and one pop (``name = stack.pop()``) in a later top-level
    statement are told to ``facts``, which removes them itself, and left out."""
    marked, simple, slot = {}, walk.SIMPLE_STATEMENTS, anno.SLOT
    for index, top in enumerate(body):
        for stmt in ((top,) if top.__class__ in simple else walk.walk_statements([top])):
            marks = stmt.__dict__.get(slot)
            if marks is None:
                continue        # a statement without annotations
            if _MARK_KEYS.isdisjoint(marks):
                continue        # most statements: an adjoint's, annotated with other keys
            for key, restores, by_stack in _MARKS:
                mark = marks.get(key)
                if mark is not None:
                    marked.setdefault(("item", mark) if by_stack else mark, []).append((index, stmt, restores))
    for mark, found in list(marked.items()):
        if len(found) == 2 and not found[0][2] and found[1][2] and found[0][0] < found[1][0] \
                and _calls(found[0][1], "append") and _calls(found[1][1], "pop"):
            facts.pair(found[0][1], found[1][1])
            del marked[mark]
    return marked


def _calls(stmt, method):
    """Whether ``stmt`` is a push (``stack.append(v)``) or a pop (``name = stack.pop()``)."""
    if method == "append":
        call = stmt.value if isinstance(stmt, gast.Expr) else None
    else:
        call = stmt.value if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) else None
    return isinstance(call, gast.Call) and anno.get(call, Key.METHOD) == method


def _dead_saves(marked, facts):
    """The ids of the statements of the saves whose restores are all dead (by ``facts``,
    the ``StatementFacts`` of the dead-code elimination just run), and of those restores;
    their marks leave ``marked``. A save restored on two paths (``if done >= 6: ...; ys =
    ys_stack.pop()`` and ``elif done >= 5: ys = ys_stack.pop()`` in a try) stays while either
    restore is read: one pop gone would leave the other reading another value. A restore with no effect (``x = x_saved``) the
    elimination removes itself when dead, and its save with it; one it removed in an
    earlier run counts as live (``facts`` knows nothing after it)."""
    dead = [mark for mark, found in marked.items()
            if any(restores for _, _, restores in found)
            and all(not restores or not facts.writes_live(stmt) and not facts.is_pure(stmt)
                    for _, stmt, restores in found)]
    return {id(stmt) for mark in dead for _, stmt, _ in marked.pop(mark)}
