"""A loop (or an ``if``) in a method writing items of the container an attribute holds
(``for i in range(n): self.h[i] = ...``, ``if k not in self.m: self.m[k] = []``), on an
object whose attribute nothing else refers to (self_containers.py): one copy for the
whole statement, ``h_new = written_copy(self.h)`` before it, the statement reading and
writing ``h_new`` where it named ``self.h``, and ``self.h = h_new`` after it.

Copying at each write instead (self_containers.copy_on_write) is what Python shows too,
but each iteration (or branch) then hands a new state of ``self`` the array it writes,
and the derivative of the derivative cannot tell those states apart from the object the
method was given. With one copy the loop writes a local array, as a loop filling ``h =
np.zeros(n)`` does, which is followed to any order.

The copy is the very object ``self.h`` holds while the statement runs, so this is exact
where nothing in it reaches ``self.h`` but by that name: it names ``self`` only as
``self.x`` (no method of ``self`` called, ``self`` handed to no one, ``self.h`` not
stored), has no ``return``, ``yield`` or nested function, and changes ``self.h`` only by
writing its items (``self.h[i] = v``, ``self.h[i] += v``) or, on a list, by
``self.xs.append(v)`` and ``v = self.xs.pop()``."""

import gast

from ...core import syntax as S
from ...core.changing_methods import CHANGING_METHODS
from .self_containers import fresh_name, rewrite_blocks

LEAVES = (gast.Return, gast.Yield, gast.YieldFrom, gast.Await, gast.FunctionDef, gast.AsyncFunctionDef,
           gast.Lambda, gast.ClassDef, gast.Global, gast.Nonlocal)


def copy_around_blocks(tree, me, attrs, helper, lists=frozenset(), plain_lists=frozenset()):
    """``tree`` (a method's state twin, ``me`` its first parameter) with each loop or
    ``if`` that writes items of ``me.a`` (``a`` in ``attrs``) run on one copy (module docstring);
    ``helper``: the name ``runtime.written_copy`` goes by. ``lists``: the attributes holding
    a dict of lists, whose ``me.a[k] += vs`` extends a list the copy shares (left to
    block_rebinds.py); ``plain_lists``: those only ever holding a list, whose
    ``me.a.append(v)`` and ``v = me.a.pop()`` change the copy as they would the list."""
    taken = S.names_in(tree)
    return rewrite_blocks(tree, lambda stmt: _on_copies(stmt, me, attrs, taken, helper, lists, plain_lists))


def _on_copies(stmt, me, attrs, taken, helper, lists=frozenset(), plain_lists=frozenset()):
    if not isinstance(stmt, (gast.For, gast.While, gast.If)):
        return [stmt]
    inside = stmt.body + stmt.orelse + ([stmt.target] if isinstance(stmt, gast.For) else [stmt.test])
    nodes = [n for top in inside for n in S.walk_nodes(top)]
    if any(isinstance(n, LEAVES) for n in nodes):
        return [stmt]
    parents = {child: node for node in nodes for child in gast.iter_child_nodes(node)}
    uses = attribute_uses(nodes, parents, me)
    if uses is None:
        return [stmt]
    before, after = [], []
    for attr in sorted(attrs):
        reads = uses.get(attr, [])
        if not (reads and all(_plain_use(read, parents, attr in plain_lists) for read in reads)
                and any(_item_written(read, parents) or _changed_by_method(read, parents) for read in reads)) \
                or attr in lists and any(_item_augmented(read, parents) for read in reads):
            continue
        name = fresh_name(f"{attr}_new", taken)
        for read in reads:
            owner = parents[read]
            for field, value in gast.iter_fields(owner):
                if value is read:
                    setattr(owner, field, S.name(name))
                elif isinstance(value, list) and any(v is read for v in value):
                    setattr(owner, field, [S.name(name) if v is read else v for v in value])
        current = gast.Attribute(value=S.name(me), attr=attr, ctx=gast.Load())
        # a list's copy as list(...): a new list the block may also rebind whole
        # (list_slice_writes.py), where a slice write changes its length
        copier = S.name("list") if attr in plain_lists else S.name(helper)
        before.append(S.assign(name, gast.Call(func=copier, args=[current], keywords=[])))
        after.append(S.assign(gast.Attribute(value=S.name(me), attr=attr, ctx=gast.Store()), S.name(name)))
    return [gast.copy_location(new, stmt) for new in before] + [stmt] \
        + [gast.copy_location(new, stmt) for new in after]


def attribute_uses(nodes, parents, me, with_stores=False):
    """{attribute: the ``me.attribute`` nodes read} in ``nodes``, where ``me`` is named
    only as ``me.x`` (read, or stored for another attribute); else None. ``with_stores``:
    the nodes storing (or deleting) one too (block_rebinds.py)."""
    uses = {}
    for node in nodes:
        if not (isinstance(node, gast.Name) and node.id == me):
            continue
        above = parents.get(node)
        if not isinstance(above, gast.Attribute) or above.attr.startswith("__"):
            return None
        call = parents.get(above)
        if isinstance(call, gast.Call) and call.func is above:
            return None         # a method of me: it may read the attribute by its own name
        if isinstance(above.ctx, gast.Load) or with_stores:
            uses.setdefault(above.attr, []).append(above)
        else:
            uses.setdefault(above.attr, []).append(None)    # me.a = v in the loop: not on a copy
    return uses


def _plain_use(read, parents, methods=False):
    """A read of ``me.a`` the copy stands for: anything but a deletion of an item, a
    write into an item of an item, or a method changing it (but for ``me.a.append(v)``
    and ``me.a.pop(...)`` on a list, where ``methods``, as statements of their own or
    the value of ``v = ...``, which change the copy as they would change the list)."""
    if methods and _changed_by_method(read, parents):
        return True
    if read is None:
        return False
    above = parents.get(read)
    if isinstance(above, gast.Subscript) and above.value is read:
        if isinstance(above.ctx, gast.Del):
            return False
        if isinstance(above.ctx, gast.Store):
            return True
        outer = parents.get(above)      # self.h[i][j] = v, self.m[k].append(v): a change of an item
        return not (isinstance(outer, gast.Subscript) and outer.value is above and not isinstance(outer.ctx, gast.Load)
                    or isinstance(outer, gast.Attribute) and outer.attr in CHANGING_METHODS)
    return not (isinstance(above, gast.Attribute) and above.attr in CHANGING_METHODS)


def _changed_by_method(read, parents):
    """``me.a.append(v)`` or ``me.a.pop(...)`` as a statement, or as the value of ``v = ...``."""
    above = parents.get(read) if read is not None else None
    call = parents.get(above)
    stmt = parents.get(call)
    return isinstance(above, gast.Attribute) and above.attr in ("append", "pop") and isinstance(call, gast.Call) \
        and call.func is above and (isinstance(stmt, gast.Expr) or isinstance(stmt, gast.Assign)
                                    and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name))


def _item_augmented(read, parents):
    above = parents.get(read)
    return isinstance(above, gast.Subscript) and isinstance(parents.get(above), gast.AugAssign)


def _item_written(read, parents):
    above = parents.get(read)
    return isinstance(above, gast.Subscript) and above.value is read and isinstance(above.ctx, gast.Store)
