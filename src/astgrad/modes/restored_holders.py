"""Containers that no longer hold an item copy when derivative code undoes a write into it.

A write into an item its container takes back (``t = d[a]; t[b] = v; d[a] = t``) goes
into a copy of the item (``t_1 = written_copy(t); t_1[b] = v; d[a] = t_1``, see
``common._write_into_a_copy``). The reverse sweep of that code undoes the store first
(``restore_item(d, a, old)``) and the write after (``restore_item(t_1, b, old)``, which
a derivative of the derivative reads as the write ``t_1[b] = old``). By then ``d``
holds ``t_1`` no longer: each copy is made new, stored once, at one key, right after it
is made, and the stores are undone in the reverse order they were made (a later store at
that key, which put another copy there, was undone before). So ``d`` does not see the
second write, although the flow-insensitive sharing analysis says ``d`` may hold ``t_1``.
``restored_holders`` finds such containers, from the code's shape alone.
"""

import gast

from .. import runtime
from ..core import anno
from ..core import syntax as S
from ..core import walk
from ..core.anno import Key


def restored_holders(body, stmt, name):
    """The containers ``d`` for the write ``stmt`` into ``name`` (the module's docstring):
    ``stmt`` undoes a write (``Key.RESTORES``); ``name`` is bound only to
    ``written_copy(...)``, to values popped off a stack, and to constants; every statement
    storing ``name`` into a container is ``d[a] = name`` with one ``d`` and one key ``a``
    as written; and ``restore_item(d, a, ...)`` (or the write it is) comes before ``stmt``
    in its block. Empty otherwise."""
    if not anno.get(stmt, Key.RESTORES, False) or not _bound_to_copies(body, name):
        return set()
    stores = {(s.targets[0].value.id, gast.dump(s.targets[0].slice)) for s in walk.walk_statements(body)
              if _stores(s, name)}
    if len(stores) != 1:
        return set()
    holder, key = next(iter(stores))
    for block in walk.walk_blocks(body):
        for position, current in enumerate(block):
            if current is stmt:
                undone = any(_restores(prior) == (holder, key) for prior in block[:position])
                return {holder} if undone else set()
    return set()


def _bound_to_copies(body, name):
    for stmt in walk.walk_statements(body):
        if isinstance(stmt, gast.For) and name in S.stored_names(stmt.target):
            return False
        if not isinstance(stmt, gast.Assign) or name not in S.stored_names(stmt.targets[0]):
            continue
        value = stmt.value
        if not isinstance(stmt.targets[0], gast.Name) or anno.get(stmt, Key.AUGMENTED, False):
            return False
        if isinstance(value, gast.Constant):
            continue
        if not isinstance(value, gast.Call):
            return False
        popped = isinstance(value.func, gast.Attribute) and value.func.attr == "pop" and not value.args
        if not (popped or anno.get(value, Key.TARGET) is runtime.written_copy):
            return False
    return True


def _stores(stmt, name):
    """``d[a] = name``, a store (not a write derivative code undoes)."""
    return isinstance(stmt, gast.Assign) and isinstance(stmt.value, gast.Name) and stmt.value.id == name \
        and isinstance(stmt.targets[0], gast.Subscript) and isinstance(stmt.targets[0].value, gast.Name) \
        and not anno.get(stmt, Key.RESTORES, False)


def _restores(stmt):
    """(container, key as written) that ``stmt`` puts an item back into: the write
    ``d[a] = old`` a derivative of a derivative reads ``restore_item(d, a, old)`` as, or
    that call itself (kept as a call for a constant string key); else None."""
    if isinstance(stmt, gast.Assign) and anno.get(stmt, Key.RESTORES, False) \
            and isinstance(stmt.targets[0], gast.Subscript) and isinstance(stmt.targets[0].value, gast.Name):
        return stmt.targets[0].value.id, gast.dump(stmt.targets[0].slice)
    call = stmt.value if isinstance(stmt, gast.Expr) else None
    if isinstance(call, gast.Call) and anno.get(call, Key.TARGET) is runtime.restore_item \
            and len(call.args) == 3 and isinstance(call.args[0], gast.Name):
        return call.args[0].id, gast.dump(call.args[1])
    return None
