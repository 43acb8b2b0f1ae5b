"""A list of rows, each an object the function builds beside constants, held in a name
read only by loops over its rows and by reads of a row's item, written as a list per
column, so item_objects.py can split the column of objects::

    pairs = [(Layer(a), 2.0), (Layer(b), 3.0)]        pairs_0 = [Layer(a), Layer(b)]
    for layer, s in pairs:                            pairs_1 = [2.0, 3.0]
        layer.up(s * w)                      ->       for layer, s in zip(pairs_0, pairs_1):
    y = pairs[0][0].W                                     layer.up(s * w)
                                                      y = pairs_0[0].W

Python makes the objects in the order of the rows, and the constants have no effect, so
making the column of objects first makes the same objects in the same order. Taken only
where the name is bound once, there, every other column holds only constants, and every
read of it is a ``for`` over it binding as many distinct names as a row has items, or
``name[i][j]`` with int constants, ``j`` a column (the rows are never seen whole).

``split_rows`` rewrites and returns, per column of objects, how to put the code back.
"""

import gast

from ...core import syntax as S
from ...core.walk import walk_blocks
from .gathered_lists import column_of_objects, zip_is_builtin


def split_rows(normalizer, tree):
    """Rewrite ``tree`` as the module docstring says: {the name of a column of objects:
    [a function putting the code back]}."""
    undo = {}
    parents = None
    for block in list(walk_blocks(tree.body)):
        for stmt in list(block):
            column = _objects_column(normalizer, stmt)
            # (zip asked about only here: resolving it records a guard on the global zip)
            if column is None or not zip_is_builtin(normalizer):
                continue
            parents = parents or {id(child): node for node in S.walk_nodes(tree)
                                  for child in gast.iter_child_nodes(node)}
            reads = _reads_of_rows(tree, stmt, parents)
            if reads is not None:
                names, put_back = _columns(normalizer, block, stmt, reads)
                undo[names[column]] = [put_back]
    return undo


def _objects_column(normalizer, stmt):
    """The position of the column of calls where ``stmt`` binds a name once to a list or
    tuple display of rows (tuple displays of one length, every other column constants)."""
    if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name)
            and normalizer.bound_count.get(stmt.targets[0].id, 0) == 1
            and isinstance(stmt.value, (gast.List, gast.Tuple)) and stmt.value.elts):
        return None
    rows = stmt.value.elts
    if not all(isinstance(row, gast.Tuple) and len(row.elts) == len(rows[0].elts) >= 2 for row in rows):
        return None
    return column_of_objects(rows, lambda k: stmt.targets[0].id)


def _reads_of_rows(tree, stmt, parents):
    """[(a loop over the rows, None) or (a read ``name[i][j]``, j)]; else None."""
    name, width = stmt.targets[0].id, len(stmt.value.elts[0].elts)
    reads = []
    for node in S.walk_nodes(tree):
        if not (isinstance(node, gast.Name) and node.id == name) or node is stmt.targets[0]:
            continue
        parent = parents[id(node)]
        if isinstance(parent, gast.For) and parent.iter is node and isinstance(parent.target, gast.Tuple) \
                and len(parent.target.elts) == width and all(isinstance(e, gast.Name) for e in parent.target.elts) \
                and len({e.id for e in parent.target.elts}) == width:
            reads.append((parent, None))
            continue
        outer = parents.get(id(parent))
        if not (isinstance(parent, gast.Subscript) and parent.value is node and isinstance(parent.ctx, gast.Load)
                and _int_constant(parent.slice) and isinstance(outer, gast.Subscript) and outer.value is parent
                and isinstance(outer.ctx, gast.Load) and isinstance(outer.slice, gast.Constant)
                and type(outer.slice.value) is int and 0 <= outer.slice.value < width):
            return None
        reads.append((outer, outer.slice.value))
    return reads


def _int_constant(node):
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub):
        node = node.operand
    return isinstance(node, gast.Constant) and type(node.value) is int


def _columns(normalizer, block, stmt, reads):
    """The columns bound in place of ``stmt``, the loops over zip of them and the reads
    of an item of a row a read of a column: (the columns' names, a function putting the
    code back)."""
    name, rows = stmt.targets[0].id, stmt.value.elts
    names = [normalizer.namer.fresh(f"{name}_{k}") for k in range(len(rows[0].elts))]
    bound = [gast.copy_location(S.assign(S.name(column, store=True), gast.List(
        elts=[row.elts[k] for row in rows], ctx=gast.Load())), stmt) for k, column in enumerate(names)]
    at = next(i for i, other in enumerate(block) if other is stmt)
    block[at:at + 1] = bound
    was = []
    for node, column in reads:
        if column is None:
            was.append((node, "iter", node.iter))
            node.iter = gast.copy_location(gast.Call(func=S.name("zip"), args=[S.name(n) for n in names],
                                                     keywords=[]), node.iter)
        else:
            was.append((node, "value", node.value))
            node.value = gast.copy_location(S.name(names[column]), node.value)
            was.append((node, "slice", node.slice))
            node.slice = was[-2][2].slice
    for column in names:
        normalizer.bound_count[column] = 1

    def put_back():
        for node, field, old in reversed(was):
            setattr(node, field, old)
        at = next(i for i, other in enumerate(block) if other is bound[0])
        block[at:at + len(bound)] = [stmt]
        for column in names:
            del normalizer.bound_count[column]
    return names, put_back
