"""Reverse mode's calls of generated code that rebinds globals or closure cells: a
gradient made outside (``g = astgrad.grad(f)``, ``f`` doing ``global K; K = K + 1``)
called in the differentiated code.

The forward sweep calls it for its value; the reverse sweep calls its own derivative,
which runs the user's code again. The forward sweep takes the values of what it rebinds
right before the call (``outer_before = outer_values(g)``); the reverse sweep sets them
back for the derivative's run and, after it (in a ``finally``: also when it raises),
puts back what was there (``replay_from``, ``put_back``: rebound_places.py). So the
derivative reads the values the call read, and the variables end as one call of the
function leaves them.
"""

import gast

from ..core import anno
from ..core import syntax as S
from ..core.anno import Key
from ..rebound_places import replayed_functions, written_places


def snapshot_rebinding_calls(mode, body):
    """``body`` (normalized code) with ``outer_before = outer_values(g)`` before each
    assignment of a call of such code ``g`` (the call annotated with that name); the
    statements are copies where one is added, as the normalized tree is shared."""
    if not any(_rebinding_call(stmt) for stmt in S.statements(body)):
        return body
    return _block(mode, [S.copy(stmt) for stmt in body])


def _rebinding_call(stmt):
    if not (isinstance(stmt, gast.Assign) and isinstance(stmt.value, gast.Call)):
        return None
    target = anno.get(stmt.value, Key.TARGET)
    return target if target is not None and (written_places(target) or replayed_functions(target)) else None


def _block(mode, body):
    out = []
    for stmt in body:
        for field in ("body", "orelse", "finalbody"):
            block = getattr(stmt, field, None)
            if isinstance(block, list) and block and isinstance(block[0], gast.stmt):
                setattr(stmt, field, _block(mode, block))
        for handler in getattr(stmt, "handlers", None) or ():
            handler.body = _block(mode, handler.body)
        target = _rebinding_call(stmt)
        if target is not None:
            before = mode.namer.fresh("outer_before")
            function = S.name(mode.namespace.ref(target, getattr(target, "__name__", "gradient")))
            taken = S.assign(before, mode.helper_call("outer_values", [function]), line=getattr(stmt, "lineno", None))
            out.append(taken)
            anno.set(stmt.value, Key.REPLAYED, before)
        out.append(stmt)
    return out


def replayed(stmt):
    """The name holding the values taken before the call ``stmt`` makes, if it is of
    code that rebinds globals or closure cells; else None."""
    return anno.get(stmt.value, Key.REPLAYED) if isinstance(stmt.value, gast.Call) else None


def around_replay(mode, stmt, statements):
    """``statements`` (the reverse sweep's call of the derivative of the call ``stmt``
    makes) between ``outer_now = replay_from(outer_before)`` and, in a ``finally``,
    ``put_back(outer_now)``: if the derivative raises, the variables are still put back
    to what the forward sweep's call left. ``statements`` as they are where the call
    rebinds nothing."""
    before = replayed(stmt)
    if before is None:
        return statements
    now = mode.namer.fresh("outer_now")
    put_back = S.expr_stmt(mode.helper_call("put_back", [S.name(now)]))
    return [S.assign(now, mode.helper_call("replay_from", [S.name(before)])),
            gast.Try(body=statements, handlers=[], orelse=[], finalbody=[put_back])]
