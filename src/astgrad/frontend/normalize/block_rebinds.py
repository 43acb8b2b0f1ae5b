"""A loop (or an ``if``) in a method changing the lists of a dict of lists an attribute
holds (``for _ in range(n): v = self.m[k].pop()``, ``if c: self.m[k].append(v)``), or
popping keys of a dict (``for t in range(n): v = self.d.pop(t)``), once
the state twin writes each change as a new dict stored in the attribute
(self_containers.copy_on_write: ``self.m = {**self.m, k: [...]}``): the statement runs on
a local name instead, ``m_local = self.m`` before it, ``m_local`` read and rebound where
it named ``self.m``, and ``self.m = m_local`` after it.

Each store of ``self.m`` would otherwise hand a new state of ``self`` to every iteration
(or branch), which the derivative of the derivative cannot tell apart from the object the
method was given; a local name rebound in a loop is followed to any order. Nothing is
written in place, so the old dict stays as it was, as before.

The local name is the very dict ``self.m`` holds while the statement runs, so this is
exact where nothing in it reaches ``self.m`` but by that name: it names ``self`` only as
``self.x`` (no method of ``self`` called, ``self`` handed to no one), has no ``return``,
``yield`` or nested function, and only reads ``self.m`` or stores a value in it."""

import gast

from ...core import syntax as S
from .block_copies import LEAVES, attribute_uses
from .keyed_list_cuts import fresh_name
from .self_containers import rewrite_blocks


def rebinds_on_locals(tree, me, attrs):
    """``tree`` (a method's state twin, ``me`` its first parameter) with each loop or
    ``if`` storing ``me.a`` (``a`` in ``attrs``: a dict of lists, or a dict) run on a local
    name (module docstring)."""
    if not attrs:
        return tree
    taken = S.names_in(tree)
    return rewrite_blocks(tree, lambda stmt: _on_a_local(stmt, me, attrs, taken))


def _on_a_local(stmt, me, attrs, taken):
    if not isinstance(stmt, (gast.For, gast.While, gast.If)):
        return [stmt]
    inside = stmt.body + stmt.orelse + ([stmt.target, stmt.iter] if isinstance(stmt, gast.For) else [stmt.test])
    nodes = [n for top in inside for n in S.walk_nodes(top)]
    if any(isinstance(n, LEAVES) for n in nodes):
        return [stmt]
    parents = {child: node for node in nodes for child in gast.iter_child_nodes(node)}
    uses = attribute_uses(nodes, parents, me, with_stores=True)
    if uses is None:
        return [stmt]
    before, after = [], []
    for attr in sorted(attrs):
        found = uses.get(attr, [])
        if not any(isinstance(use.ctx, gast.Store) for use in found) \
                or not all(_read_or_stored(use, parents) for use in found):
            continue
        name = fresh_name(f"{attr}_local", taken)
        for use in found:
            S.replace_child(parents[use], use, S.name(name, store=isinstance(use.ctx, gast.Store)))
        before.append(S.assign(name, gast.Attribute(value=S.name(me), attr=attr, ctx=gast.Load())))
        after.append(S.assign(gast.Attribute(value=S.name(me), attr=attr, ctx=gast.Store()), S.name(name)))
    return [gast.copy_location(new, stmt) for new in before] + [stmt] \
        + [gast.copy_location(new, stmt) for new in after]


def _read_or_stored(use, parents):
    """``me.a`` read (not deleted from), or the whole target of ``me.a = v``."""
    if isinstance(use.ctx, gast.Store):
        above = parents.get(use)
        return isinstance(above, gast.Assign) and above.targets == [use]
    return isinstance(use.ctx, gast.Load) and not (isinstance(parents.get(use), gast.Subscript)
                                                   and isinstance(parents[use].ctx, gast.Del))
