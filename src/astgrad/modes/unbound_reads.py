"""Reads of a name that may be unbound, in reverse mode's forward sweep.

A name saved before it is surely bound (first bound inside a loop, or in a branch) gets a
placeholder at the top (``t = 0.0``: the first save pushes it). Where the loop ran zero
times, or the branch was not taken, Python raises ``UnboundLocalError`` at the next read
of the name; the forward sweep would read the placeholder instead. So for such a name
read where it may be unbound (``Key.MAY_RAISE``, analysis/raising.py) the forward sweep
keeps a flag, ``t_bound``, set after each binding, and checks it before each such read.
Python raises for the first unbound name a statement reads (``q * t`` names ``q`` where
both are unbound), so a check first reads the names the statement reads before ``t``
(a name without a placeholder raises there itself), and the checks follow that order.
"""

import sys

import gast

from ..analysis.raising import UNBOUND
from ..core import anno, walk
from ..core import syntax as S
from ..core.anno import Key


def check_unbound_reads(forward, placeholders, params, namer):
    """Insert into the ``forward`` sweep the flags and checks for the names of
    ``placeholders`` it reads where they may be unbound; returns the statements that
    start the flags (``t_bound = False``), for the top of the function."""
    names = set(placeholders) - set(params)
    reads = {id(stmt): names & set(_reads_in_order(stmt)) for stmt in walk.walk_statements(forward)
             if names and _may_read_unbound(stmt)}     # an if or a loop: its test or iterable
    checked = set().union(*reads.values())
    if not checked:
        return []
    flags = {name: namer.fresh(name + "_bound") for name in sorted(checked)}
    local = set(params).union(*(S.stored_names(stmt) for stmt in walk.walk_statements(forward))) - set(flags)
    _flag_block(forward, reads, flags, local)
    return [S.assign(flag, S.const(False)) for flag in flags.values()]


def _may_read_unbound(stmt):
    reason = anno.get(stmt, Key.MAY_RAISE, None)
    return bool(reason) and reason[0] == UNBOUND


def _flag_block(block, reads, flags, local):
    """Before each read in ``reads`` (statement id -> names), the check of its names'
    flags, each first reading the names of ``local`` (no flag) the statement reads
    before it; after each binding of a flagged name, its flag set."""
    position = 0
    while position < len(block):
        stmt = block[position]
        for inner in walk.inner_blocks(stmt):
            _flag_block(inner, reads, flags, local)
        checks = _checks(stmt, reads.get(id(stmt), ()), flags, local)
        block[position:position] = checks
        position += len(checks) + 1
        if isinstance(stmt, gast.For):
            stmt.body[:0] = _set(S.stored_names(stmt.target), flags)
        elif not walk.inner_blocks(stmt):
            sets = _set(S.stored_names(stmt), flags)
            block[position:position] = sets
            position += len(sets)


def _set(names, flags):
    return [S.assign(flags[name], S.const(True)) for name in sorted(names & flags.keys())]


def _checks(stmt, checked, flags, local):
    """The checks of the ``checked`` names before ``stmt``, in the order it reads them."""
    if not checked:
        return []
    order = list(dict.fromkeys(_reads_in_order(stmt)))
    order += sorted(set(checked) - set(order))      # read inside a compound statement's body
    checks = []
    for position, name in enumerate(order):
        if name in checked:
            before = [other for other in order[:position] if other in local]
            checks.append(_check(name, flags[name], before))
    return checks


def _reads_in_order(node):
    """The names ``node`` loads, in the order Python evaluates them (a compound
    statement's own expressions only: its test or iterable)."""
    if isinstance(node, gast.Assign):
        parts = [node.value] + node.targets         # the value first, then where it goes
    elif isinstance(node, gast.AnnAssign):
        parts = [node.value, node.target]
    elif isinstance(node, gast.AugAssign):
        parts = [node.target, node.value]
    elif isinstance(node, gast.stmt) and walk.inner_blocks(node):
        parts = [getattr(node, field) for field in ("test", "iter") if hasattr(node, field)]
    elif isinstance(node, gast.Name):
        return [node.id] if isinstance(node.ctx, gast.Load) else []
    else:
        parts = list(gast.iter_child_nodes(node))
    return [name for part in parts if part is not None for name in _reads_in_order(part)]


def _check(name, flag, before):
    """``if not t_bound: q; raise UnboundLocalError(...)``, in this Python's words: ``q``
    read first (raising for itself where unbound) as the statement reads it first."""
    if sys.version_info >= (3, 11):
        message = f"cannot access local variable '{name}' where it is not associated with a value"
    else:
        message = f"local variable '{name}' referenced before assignment"
    error = gast.Call(func=S.name("UnboundLocalError"), args=[S.const(message)], keywords=[])
    reads = [gast.Expr(value=S.name(other)) for other in before]
    return gast.If(test=gast.UnaryOp(op=gast.Not(), operand=S.name(flag)),
                   body=reads + [gast.Raise(exc=error, cause=None)], orelse=[])
