"""Optimize pass: remove dead code, and every save whose restored value is never read.

Dead-code elimination itself lives in ``analysis.dataflow``. Reverse mode's saves
come in pairs (a push or copy in the forward sweep, a pop or read back in the
reverse sweep, linked by a save id); once a restore is dead, its save is too, and
removing both may make more code dead, so the two alternate until nothing changes.
"""

from ..analysis import dataflow
from ..core import anno
from ..core import syntax as S
from ..core import walk
from ..core.anno import Key


def remove_dead_code(body):
    """``body`` without dead assignments and without saves nobody restores."""
    returned = set()
    facts = dataflow.StatementFacts()     # statements are only removed here, never changed
    while True:
        body = dataflow.eliminate_dead_code(body, returned, facts=facts)
        dead = _dead_saves(body)
        if not dead:
            return body
        body = _remove(body, lambda s: anno.get(s, Key.RESTORE_ID) in dead
                       or anno.get(s, Key.SAVE_ID) in dead
                       or ("item", anno.get(s, Key.ITEM_POP)) in dead
                       or ("item", anno.get(s, Key.ITEM_PUSH)) in dead)


def _dead_saves(body):
    """The save ids (and ("item", stack) for enumerated items) whose restore is dead."""
    dead = set()
    for stmt in S.statements(body):
        restore_id = anno.get(stmt, Key.RESTORE_ID)
        if restore_id is not None and stmt.targets[0].id not in anno.get(stmt, Key.LIVE_OUT):
            dead.add(restore_id)
        pop_of = anno.get(stmt, Key.ITEM_POP)
        if pop_of is not None and stmt.targets[0].id not in anno.get(stmt, Key.LIVE_OUT):
            dead.add(("item", pop_of))
    return dead


def _remove(block, condition):
    return walk.rewrite_blocks(block, lambda stmt: [] if condition(stmt) else stmt)
