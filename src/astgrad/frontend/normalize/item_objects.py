"""A list or tuple of objects the function builds and reads only at constant positions,
as names of their own, so a method changing an item's state is followed::

    bs = [Box(2.0), Box(3.0)]           bs_0 = Box(2.0)
    bs[0].scale(w)               ->     bs_1 = Box(3.0)
    return bs[0].v * w                  bs_0.scale(w)
                                        return bs_0.v * w

Taken only where nothing can tell the two apart: the function has no ``try`` or
``with`` (which could catch an item's exception), the name is bound once, to a display
of calls (no starred item), and every use of it in the function reads an item at a
constant position in range (not stored into, not iterated, measured or handed on, not
named in a nested def, lambda or class), one of them calling a method of the item or of
an attribute of it. The items are then built in the same order, and no other name
can hold the list, so each item is an object the function builds and names once, whose
methods built_objects.py follows from state to state (or refuses, naming the line)."""

import gast

from ...core import syntax as S
from ...core.walk import walk_blocks


# statements that may catch an exception: a try, and a with whose manager may suppress it
_CATCHING = (gast.Try, gast.With) + ((gast.TryStar,) if hasattr(gast, "TryStar") else ())


def split_item_objects(normalizer, tree):
    """Rewrite ``tree`` as the module docstring says; whether it did."""
    displays = _displays(tree)
    if not displays or any(isinstance(node, _CATCHING) for node in S.walk_nodes(tree)):
        return False        # (an item raising, caught, would leave the names before it bound)
    reads, other = _item_reads(tree, displays)
    renamed = {}
    for name, (stmt, display) in displays.items():
        found = reads.get(name, [])
        if name in other or normalizer.bound_count.get(name, 0) != 1 or not any(calls for _, calls in found) \
                or any(_position(read, len(display.elts)) is None for read, _ in found):
            continue
        names = [normalizer.namer.fresh(f"{name}_{i}") for i in range(len(display.elts))]
        renamed.update((id(read), names[_position(read, len(names))]) for read, _ in found)
        _replace(tree, stmt, [gast.copy_location(S.assign(item, value), stmt)
                              for item, value in zip(names, display.elts)])
        normalizer.locals.update(names)
    if renamed:
        _RenameReads(renamed).visit(tree)
    return bool(renamed)


def _displays(tree):
    """{name: (its first binding to a display of calls, the display)}."""
    displays = {}
    for block in walk_blocks(tree.body):
        for stmt in block:
            if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name) \
                    and isinstance(stmt.value, (gast.List, gast.Tuple)) and stmt.value.elts \
                    and all(isinstance(e, gast.Call) for e in stmt.value.elts):
                displays.setdefault(stmt.targets[0].id, (stmt, stmt.value))
    return displays


def _item_reads(tree, displays):
    """({name: [(a read name[c], whether it calls a method of the item or of an attribute
    of it)]}, the names of ``displays`` used otherwise: stored, read whole, named in a
    nested scope, declared global or nonlocal)."""
    reads, other, read_names, calling = {}, set(), set(), set()
    for node in S.walk_nodes(tree):
        if isinstance(node, (gast.FunctionDef, gast.Lambda, gast.ClassDef)) and node is not tree:
            other |= S.names_in(node)
        elif isinstance(node, (gast.Global, gast.Nonlocal)):
            other |= set(node.names)
        elif isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute):
            owner = node.func.value     # bs[0].scale(w), bs[0].log.append(v)
            owner = owner.value if isinstance(owner, gast.Attribute) else owner
            calling.add(id(owner))
        elif isinstance(node, gast.Subscript) and isinstance(node.ctx, gast.Load) \
                and isinstance(node.value, gast.Name) and node.value.id in displays:
            reads.setdefault(node.value.id, []).append(node)
            read_names.add(id(node.value))
    for node in S.walk_nodes(tree):
        if isinstance(node, gast.Name) and node.id in displays and id(node) not in read_names \
                and node is not displays[node.id][0].targets[0]:
            other.add(node.id)
    return {name: [(read, id(read) in calling) for read in found] for name, found in reads.items()}, other


def _position(read, length):
    """The position in range ``read`` (``name[c]``) names, c an int constant; else None."""
    index = read.slice
    if isinstance(index, gast.UnaryOp) and isinstance(index.op, gast.USub) and isinstance(index.operand, gast.Constant):
        value = -index.operand.value if type(index.operand.value) is int else None
    else:
        value = index.value if isinstance(index, gast.Constant) and type(index.value) is int else None
    if value is None or not -length <= value < length:
        return None
    return value % length


def _replace(tree, stmt, new):
    for block in walk_blocks(tree.body):
        for i, other in enumerate(block):
            if other is stmt:
                block[i:i + 1] = new
                return


class _RenameReads(gast.NodeTransformer):
    """Each item read ``name[c]`` split off as the name its item got."""

    def __init__(self, renamed):
        self.renamed = renamed

    def visit_Subscript(self, node):
        name = self.renamed.get(id(node))
        if name is not None:
            return gast.copy_location(S.name(name), node)
        return self.generic_visit(node)
