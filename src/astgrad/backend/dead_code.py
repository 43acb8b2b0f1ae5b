"""Optimize pass: remove dead code, and every save whose restored value is never read.

Dead-code elimination itself lives in ``analysis.dataflow``. Reverse mode's saves
come in pairs (a push or copy in the forward sweep, a pop or read back in the
reverse sweep, linked by a save id); once a restore is dead, its save is too, and
removing both may make more code dead, so the two alternate until nothing changes.
Most pairs (a push, and a pop in a later top-level statement) the dead-code
elimination removes itself, together, in the same liveness run: only the others need
the alternation.
"""

import gast

from ..analysis import dataflow
from ..core import anno
from ..core import walk
from ..core.anno import Key


def remove_dead_code(body):
    """``body`` without dead assignments and without saves nobody restores."""
    returned = set()
    facts = dataflow.StatementFacts()     # statements are only removed here, never changed
    _pair_stack_saves(body, facts)
    while True:
        body = dataflow.eliminate_dead_code(body, returned, facts=facts)
        doomed = _dead_saves(body, facts)
        if not doomed:
            return body
        body = walk.rewrite_blocks(body, lambda stmt: [] if id(stmt) in doomed else stmt)


def _pair_stack_saves(body, facts):
    """Tell ``facts`` the pushes that go with their one pop: a save id with one push and
    one pop (``name = stack.pop()``), the pop in a later top-level statement."""
    pushes, pops = {}, {}
    for index, top in enumerate(body):
        for stmt in walk.walk_statements([top]):
            marks = anno.annotations(stmt)
            if not marks:
                continue
            mark = marks.get(Key.SAVE_ID)
            if mark is not None:
                pushes.setdefault(mark, []).append((index, stmt))
            mark = marks.get(Key.RESTORE_ID)
            if mark is not None:
                pops.setdefault(mark, []).append((index, stmt))
    for mark, found in pushes.items():
        restores = pops.get(mark, ())
        if len(found) == 1 and len(restores) == 1 and found[0][0] < restores[0][0] \
                and _calls(found[0][1], "append") and _calls(restores[0][1], "pop"):
            facts.pair(found[0][1], restores[0][1])


def _calls(stmt, method):
    """Whether ``stmt`` is a push (``stack.append(v)``) or a pop (``name = stack.pop()``)."""
    kind = gast.Expr if method == "append" else gast.Assign
    return isinstance(stmt, kind) and isinstance(stmt.value, gast.Call) \
        and anno.get(stmt.value, Key.METHOD) == method and (kind is gast.Expr or isinstance(stmt.targets[0], gast.Name))


_MARKS = ((Key.SAVE_ID, None), (Key.RESTORE_ID, None), (Key.ITEM_PUSH, "item"), (Key.ITEM_POP, "item"))


def _dead_saves(body, facts):
    """The ids of the statements of the saves whose restore is dead (by ``facts``, the
    ``StatementFacts`` of the dead-code elimination just run on ``body``), and of those
    restores: a save id's, or for an enumerated item ("item", its stack)'s. One walk
    reads each statement's marks once."""
    dead, marked = set(), {}
    for stmt in walk.walk_statements(body):
        marks = anno.annotations(stmt)
        if not marks:
            continue
        for key, kind in _MARKS:
            mark = marks.get(key)
            if mark is None:
                continue
            mark = mark if kind is None else (kind, mark)
            marked.setdefault(mark, []).append(stmt)
            if key in (Key.RESTORE_ID, Key.ITEM_POP) and not facts.live_after(stmt, stmt.targets[0].id):
                dead.add(mark)
    return {id(stmt) for mark in dead for stmt in marked[mark]}
