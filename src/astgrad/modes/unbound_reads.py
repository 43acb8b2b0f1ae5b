"""Reads of a name that a loop may have left unbound, in reverse mode's forward sweep.

A name first bound inside a loop and saved there gets a placeholder before the loop
(``t = 0.0``: the first save pushes it). Where the loop ran zero times Python raises
``UnboundLocalError`` at the next read of the name; the forward sweep would read the
placeholder instead. Where every binding of the name is such a save onto one stack, the
name is bound exactly when that stack is not empty, so before each read that may raise
(``Key.MAY_RAISE``, analysis/raising.py) the forward sweep checks the stack and raises
as Python does.
"""

import sys

import gast

from ..analysis.raising import UNBOUND
from ..analysis.saves import Store
from ..core import anno, walk
from ..core import syntax as S
from ..core.anno import Key


def check_unbound_reads(forward, body, placeholders, params):
    """Insert into the ``forward`` sweep (of the core-form ``body``) the checks for the
    names of ``placeholders`` whose bindings are all saves onto one stack."""
    names = set(placeholders) - set(params)
    reads = {id(stmt): names & S.loaded_names(stmt) for stmt in walk.walk_statements(forward)
             if names and _may_read_unbound(stmt)}
    if not any(reads.values()):
        return
    tracked = _stack_bound_names(body, set().union(*reads.values()))
    checked = {stack for read in reads.values() for name, stack in tracked.items() if name in read}
    if checked:
        _insert_checks(forward, reads, tracked)
        _keep_pushes(forward, checked)


def _may_read_unbound(stmt):
    reason = anno.get(stmt, Key.MAY_RAISE, None)
    return bool(reason) and reason[0] == UNBOUND


def _stack_bound_names(body, names):
    """name -> the stack every binding of it pushes its old value to."""
    stacks, bindings, saved = {}, dict.fromkeys(names, 0), dict.fromkeys(names, 0)
    for node in S.walk_nodes(gast.Module(body=body, type_ignores=[])):
        if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Store) and node.id in bindings:
            bindings[node.id] += 1
        if isinstance(node, gast.Assign):
            saves = [anno.get(node, Key.SAVE)] if anno.get(node, Key.SAVE) else []
        elif isinstance(node, gast.For):
            saves = anno.get(node, Key.TARGET_SAVES) or []
        else:
            continue
        for save in saves:
            if save.name in saved and save.store is Store.STACK and save.index is None and not save.reused \
                    and stacks.setdefault(save.name, save.store_name) == save.store_name:
                saved[save.name] += 1
    return {name: stacks[name] for name in names if bindings[name] and bindings[name] == saved[name]}


def _keep_pushes(forward, stacks):
    """The pushes onto ``stacks`` stay though their pops are unread: a check reads the
    stack (the dead-code pass removes a save with its dead restore by their mark)."""
    for stmt in S.walk_nodes(gast.Module(body=forward, type_ignores=[])):
        if isinstance(stmt, gast.Expr) and anno.get(stmt, Key.SAVE_ID, None) is not None \
                and isinstance(stmt.value, gast.Call) and isinstance(stmt.value.func, gast.Attribute) \
                and isinstance(stmt.value.func.value, gast.Name) and stmt.value.func.value.id in stacks:
            anno.delete(stmt, Key.SAVE_ID)


def _insert_checks(block, reads, tracked):
    position = 0
    while position < len(block):
        stmt = block[position]
        for inner in walk.inner_blocks(stmt):
            _insert_checks(inner, reads, tracked)
        checks = [_check(name, tracked[name]) for name in sorted(reads.get(id(stmt), ()) & tracked.keys())]
        block[position:position] = checks
        position += len(checks) + 1


def _check(name, stack):
    """``if not t_stack: raise UnboundLocalError(...)``, in this Python's words."""
    if sys.version_info >= (3, 11):
        message = f"cannot access local variable '{name}' where it is not associated with a value"
    else:
        message = f"local variable '{name}' referenced before assignment"
    error = gast.Call(func=S.name("UnboundLocalError"), args=[S.const(message)], keywords=[])
    return gast.If(test=gast.UnaryOp(op=gast.Not(), operand=S.name(stack)),
                   body=[gast.Raise(exc=error, cause=None)], orelse=[])
