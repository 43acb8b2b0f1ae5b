"""What the function's own bindings say about its names, found in one walk of its tree
per function (asked at each method call and list append while the body is lowered; a
walk at each made normalizing quadratic in its length): the loops ``for b in boxes``
by their target (argument_objects.py), and the names that may hold an object of a user
class (calls.py, before ``log.append(v)``). Both are asked of a derivative's code (its
stacks' appends): one walk serves both."""

import builtins

import gast

from ...core import syntax as S

_MAKE_LISTS = (builtins.list, builtins.sorted, builtins.dict, builtins.set)
_LOOP_BINDERS = frozenset({gast.For, gast.comprehension, gast.withitem, gast.NamedExpr})


def loops_over_names(normalizer):
    """{target: the loops ``for target in name:`` of the function}, in the order of
    ``syntax.walk_nodes``."""
    found = _found(normalizer)
    if found.loops is None:
        found.loops = {}
        for loop in found.binders:
            if type(loop) is gast.For and isinstance(loop.target, gast.Name) and isinstance(loop.iter, gast.Name):
                found.loops.setdefault(loop.target.id, []).append(loop)
    return found.loops


def object_holders(normalizer):
    """The names of the function (not its parameters, whose objects astgrad knows when
    they are given) that may hold an object of a user class: bound otherwise than to a
    list or dict display, a comprehension, or ``list(...)`` and the like (``log =
    d['k']``, ``log = make()``, ``for log in logs``)."""
    found = _found(normalizer)
    if found.holders is None:
        found.holders = _object_holders(found.tree, found.binders)
    return found.holders


class _Bindings:
    """The nodes of one tree that may bind a name, and what was asked of them so far."""

    __slots__ = ("tree", "binders", "loops", "holders")

    def __init__(self, tree):
        self.tree, self.loops, self.holders = tree, None, None
        self.binders = [node for node in S.operand_nodes(tree)     # (operators and contexts bind nothing)
                        if node.__class__ in _BINDERS]


_BINDERS = frozenset({gast.Assign, gast.AnnAssign, gast.For, gast.comprehension, gast.withitem, gast.NamedExpr})


def _found(normalizer):
    """The ``_Bindings`` of the normalizer's source tree, found once per tree."""
    tree = normalizer.source.tree
    found = normalizer.__dict__.get("_source_bindings")
    if found is None or found.tree is not tree:
        found = normalizer._source_bindings = _Bindings(tree)
    return found


def _object_holders(tree, binders):
    args = tree.args
    params = {a.id for a in args.args + args.kwonlyargs + args.posonlyargs}
    holders = set()
    for parent in binders:
        kind = type(parent)
        targets = parent.targets if kind is gast.Assign else [parent.target] \
            if kind is gast.AnnAssign and parent.value is not None else []
        value = getattr(parent, "value", None)
        if targets and not (isinstance(value, (gast.List, gast.ListComp, gast.Dict, gast.DictComp, gast.BinOp))
                            or isinstance(value, gast.Call) and isinstance(value.func, gast.Name)
                            and getattr(builtins, value.func.id, None) in _MAKE_LISTS):
            holders.update(t.id for t in targets if isinstance(t, gast.Name))
        elif kind in _LOOP_BINDERS:
            holders.update(S.stored_names(parent.target if not isinstance(parent, gast.withitem)
                                          else parent.optional_vars or gast.Tuple(elts=[], ctx=gast.Store())))
    return holders - params
