"""A slice write ``xs[i:j] = v`` into a list the function made, which may change its
length (``xs[0:1] = [a, b]``, ``xs[i:i] = [v]``, ``xs[1:3] = []``): Python replaces the
items ``xs[i:j]`` names by those ``v`` iterates, and the later items move. Written as the
new list ``xs = xs[:i] + list(v) + xs[i:][len(xs[i:j]):]`` (the items before the cut,
the new ones, then those after the cut; Python inserts at ``i`` where ``j`` is below
it), which every mode differentiates to any order, as a list display joined with ``+``.

Only where rebinding ``xs`` shows what Python shows: ``xs`` is a local name only ever
bound to a new list, and no other name, container or call may hold that list (every
other use of ``xs`` reads it without keeping it, or stores it in an attribute after the
write, as a method's loop on a copy of a list attribute does: block_copies.py), and no
``for`` loop goes over ``xs`` (Python's loop would see the new items). Elsewhere, and for
an extended slice (``xs[::2] = v``, whose length cannot change), the write stays a write
in place. ``attribute_slice_stores`` does the same for ``self.xs[i:j] = v`` written as a
statement of its own in a method (self_containers.py)."""

import builtins

import gast

from ...core import syntax as S
from .dicts import bound_only_to


def slice_write_as_new_list(normalizer, target, value):
    """Emit ``xs[i:j] = value`` as the new list bound to ``xs`` and say so (True), or
    leave it to the write in place (False)."""
    if not _rebinding_shows_the_write(normalizer, target):
        return False
    name = target.value.id
    items = _items(normalizer, value)             # Python evaluates the value first
    lower = normalizer.optional_atom(target.slice.lower)
    upper = normalizer.optional_atom(target.slice.upper)

    def cut(low, up):
        return gast.Subscript(value=S.name(name), slice=gast.Slice(
            lower=low and S.copy(low), upper=up and S.copy(up), step=None), ctx=gast.Load())
    replaced = S.call(S.name("len"), [cut(lower, upper)])
    after = gast.Subscript(value=cut(lower, None), slice=gast.Slice(lower=replaced, upper=None, step=None),
                           ctx=gast.Load())
    new = items if lower is None else gast.BinOp(left=cut(None, lower), op=gast.Add(), right=items)
    normalizer.assign(S.name(name, store=True), gast.BinOp(left=new, op=gast.Add(), right=after))
    return True


def _items(normalizer, value):
    """The new items as a list display of atoms, or ``list(v)`` of the value's atom."""
    if isinstance(value, gast.List) and not any(isinstance(e, gast.Starred) for e in value.elts):
        return gast.List(elts=[normalizer.atom(e) for e in value.elts], ctx=gast.Load())
    return S.call(S.name("list"), [normalizer.atom(value)])


def _rebinding_shows_the_write(normalizer, target):
    if not (isinstance(target.value, gast.Name) and isinstance(target.slice, gast.Slice)
            and target.slice.step is None):
        return False
    name = target.value.id
    if not bound_only_to(normalizer, name, (gast.List, gast.ListComp), (builtins.list,)):
        return False
    for tree in [normalizer.source.tree] + normalizer.inlined_trees:
        for node in S.walk_nodes(tree):
            if isinstance(node, gast.For) and isinstance(node.iter, gast.Name) and node.iter.id == name:
                return False        # Python's loop sees the new items of the list it goes over
            for child in S.child_nodes(node):
                if isinstance(child, gast.Name) and child.id == name and isinstance(child.ctx, gast.Load) \
                        and not normalizer.reads_only(node, child) and not _stored_after(tree, node, target):
                    return False
    return True


def _stored_after(tree, node, target):
    """Whether ``node`` is ``obj.a = xs``, a statement of the function's body after the
    one holding the write ``target`` (a method storing back the list a loop wrote:
    block_copies.py): the attribute takes the list as it is then, the new one."""
    body = getattr(tree, "body", [])
    if not (isinstance(node, gast.Assign) and any(node is stmt for stmt in body)
            and isinstance(node.targets[0], gast.Attribute)):
        return False
    position = next(i for i, stmt in enumerate(body) if stmt is node)
    return any(n is target for stmt in body[:position] for n in S.walk_nodes(stmt))


def attribute_slice_stores(stmt, me, attr, taken):
    """In a method's state twin, ``me.a[i:j] = v`` on an attribute only ever holding a list
    (self_containers._list_change) as ``value = v; lower = i; upper = j`` (Python's
    order), then ``me.a = [*me.a[:lower], *value, *me.a[lower:][len(me.a[lower:upper]):]]``:
    a new list, whatever its length. None for another statement or an extended slice."""
    target = stmt.targets[0] if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 else None
    if not (isinstance(target, gast.Subscript) and isinstance(target.slice, gast.Slice)
            and target.slice.step is None):
        return None
    from .keyed_list_cuts import bound_once     # (loaded with a method's state twin)
    found = []
    value = bound_once(stmt.value, f"{attr}_value", taken, found)
    bounds = [None if b is None else bound_once(b, f"{attr}_{side}", taken, found)
              for b, side in ((target.slice.lower, "lower"), (target.slice.upper, "upper"))]
    lower, upper = bounds

    def cut(low, up):
        held = gast.Attribute(value=S.name(me), attr=attr, ctx=gast.Load())
        return gast.Subscript(value=held, slice=gast.Slice(lower=low and S.copy(low), upper=up and S.copy(up),
                                                            step=None), ctx=gast.Load())
    replaced = S.call(S.name("len"), [cut(lower, upper)])
    after = gast.Subscript(value=cut(lower, None), slice=gast.Slice(lower=replaced, upper=None, step=None),
                           ctx=gast.Load())
    parts = ([] if lower is None else [cut(None, lower)]) + [value, after]
    new = gast.List(elts=[gast.Starred(value=p, ctx=gast.Load()) for p in parts], ctx=gast.Load())
    store = gast.Attribute(value=S.name(me), attr=attr, ctx=gast.Store())
    return found + [S.assign(store, new)]
