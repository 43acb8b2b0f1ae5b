"""A name several ``for`` loops bind, read only inside their bodies::

    for b in params.values():           for b in params.values():
        b.scale(w)              ->          b.scale(w)
    for b in params.values():           for b_1 in params.values():
        b.scale(v)                          b_1.scale(v)

Each loop binds the name before each turn of its body and nothing reads it elsewhere,
so each loop's name is a variable of its own: renaming changes nothing Python computes,
and each is then bound once, as following a loop item by item needs (item_loops.py,
argument_objects.py). Taken only where every binding of the name is the target of such a
loop (not one over ``range``, whose numbers need nothing of this), no loop of them is
inside another, every read lies in one of their bodies (not in an ``else``, which may
run with the name still bound by the loop before), and no nested def, lambda or class,
``global`` or ``nonlocal`` names it, and the function names no ``locals``, ``vars``,
``eval`` or ``exec``, which may read it by its name."""

import gast

from ...core import syntax as S
from .. import written_in

_SCOPES = frozenset({gast.FunctionDef, gast.AsyncFunctionDef, gast.Lambda, gast.ClassDef, gast.Global, gast.Nonlocal})
_NAMESPACE_READS = frozenset({"locals", "vars", "eval", "exec"})


def separate_loop_names(normalizer, tree):
    """Rename, in each loop but the first, the loop name several loops of ``tree`` bind
    (see the module docstring); whether it did."""
    # a name is renamed only where two loops not over range bind it: with fewer such
    # loops, none is (found by the quicker walk for one node class)
    if sum(not _over_range(loop.iter) for loop in S.nodes_of_class(tree, gast.For)) < 2:
        return False
    loops, hidden = {}, set()
    for node in S.operand_nodes(tree):     # (walk_nodes' order, less the operators and contexts)
        kind = type(node)
        if kind is gast.Name:
            if node.id in _NAMESPACE_READS:
                return False
        elif kind in _SCOPES and node is not tree:
            hidden |= S.names_in(node) | set(getattr(node, "names", ()))
        elif kind is gast.For and not _over_range(node.iter):
            for name in S.names_in(node.target):
                loops.setdefault(name, []).append(node)
    renamed = False
    for name, found in loops.items():
        if len(found) < 2 or name in hidden or normalizer.bound_count.get(name, 0) != len(found) \
                or not _read_in_bodies_alone(tree, name, found):
            continue
        for loop in found[1:]:
            new = normalizer.namer.fresh(name)
            written_in.name_made(normalizer.source, new, name)
            for part in [loop.target, *loop.body]:
                for node in S.walk_nodes(part):
                    if isinstance(node, gast.Name) and node.id == name:
                        node.id = new
            normalizer.locals.add(new)
        renamed = True
    return renamed


def _over_range(iterable):
    return isinstance(iterable, gast.Call) and isinstance(iterable.func, gast.Name) and iterable.func.id == "range"


def _read_in_bodies_alone(tree, name, loops):
    """Whether each node naming ``name`` in ``tree`` is a target of ``loops`` or lies in the
    body of one of them, and no loop of them lies inside another."""
    inside = set()
    for loop in loops:
        if any(node in loops for part in loop.body + loop.orelse for node in S.walk_nodes(part)):
            return False
        inside.update(id(node) for part in loop.body for node in S.walk_nodes(part))
    targets = {id(node) for loop in loops for node in S.walk_nodes(loop.target)}
    return all(id(node) in inside or id(node) in targets for node in S.walk_nodes(tree)
               if isinstance(node, gast.Name) and node.id == name)
