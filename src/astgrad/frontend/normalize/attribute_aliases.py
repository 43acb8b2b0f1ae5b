"""A class keeping the array its ``__init__`` is handed under a second attribute
(``self.first = data`` beside ``self.data = data``, also where a base class's
``__init__``, reached by ``super().__init__(data)``, stores the first)::

    class TwiceHeld(Acc):                       a = TwiceHeld(w * 1.0)
        def __init__(self, data):               a.bump(0, w[1])       # self.data[k] *= c
            super().__init__(data)              return np.sum(a.first)
            self.first = data

In Python both attributes are one array, so a method's write into ``self.data[k]`` shows
through ``a.first``. The second attribute is followed as such an alias where it is one for
good: stored by that statement of ``__init__`` alone, named by the other functions of the
class or its bases only as a read of their own object's (``self.first``) writing nothing
through it (none writes, rebinds or deletes it, nor names ``getattr``, ``setattr``,
``vars`` or ``__dict__``), and no class among them has an attribute of that name. The
function's reads of ``a.first`` are then reads of ``a.data`` (alias_reads.py), where it
stores neither attribute of ``a``; handed_arrays.py follows ``a.data`` as it would for a
class without the alias, and refuses the writes where a read of ``a.first`` is left. A
method's reads of ``self.first`` must keep no reference to the array, as its reads of
``self.data`` (self_containers.py); the state twin of a method writing into ``self.data``
stores the copy it writes back in both attributes (``stored_in_aliases``)."""

import gast

from ...core import syntax as S
from ...core.changing_methods import CHANGING_METHODS
from .class_functions import tree_of as function_tree

_DYNAMIC = frozenset({"getattr", "setattr", "delattr", "vars", "__dict__"})


def alias_stores(cls, init, tree, me, param, attr):
    """The statements of ``tree.body`` (``init``'s code) ``me.X = param`` keeping ``param``,
    the array stored in ``attr``, under another attribute ``X`` that is an alias for good
    (the module docstring)."""
    return [stmt for stmt in tree.body if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], gast.Attribute) and isinstance(stmt.targets[0].value, gast.Name)
            and stmt.targets[0].value.id == me and stmt.targets[0].attr != attr
            and isinstance(stmt.value, gast.Name) and stmt.value.id == param
            and _alias_for_good(cls, init, stmt.targets[0].attr)]


def _alias_for_good(cls, init, alias):
    if any(alias in vars(klass) for klass in cls.__mro__):
        return False
    for fn in [value for klass in cls.__mro__[:-1] for value in vars(klass).values() if hasattr(value, "__code__")]:
        tree = function_tree(fn)
        if tree is None:
            return False
        named = [n for n in S.walk_nodes(tree) if isinstance(n, gast.Attribute) and n.attr == alias]
        dynamic = any(isinstance(n, gast.Name) and n.id in _DYNAMIC
                      or isinstance(n, gast.Attribute) and n.attr in _DYNAMIC for n in S.walk_nodes(tree))
        if dynamic or fn is init and len(named) != 1 or fn is not init and not _only_read(tree, named):
            return False
    return True


def _only_read(tree, named):
    """Whether each node of ``named`` (``X.first`` in a method other than ``__init__``) is
    a read of its own object's attribute (``self.first``) that writes nothing through it:
    not stored, deleted, indexed for a store, augmented or called a method changing it in
    place. (What a read hands on is self_containers.py's to judge, as for ``self.data``.)"""
    params = tree.args.posonlyargs + tree.args.args
    if not named:
        return True
    if not params:
        return False
    parents = S.parent_nodes(tree)
    for node in named:
        if not (isinstance(node.ctx, gast.Load) and isinstance(node.value, gast.Name)
                and node.value.id == params[0].id):
            return False
        reached = node          # self.first[k][j], self.first.T[0]: what a store there writes into
        while isinstance(parents.get(reached), (gast.Subscript, gast.Attribute)) and parents[reached].value is reached:
            reached = parents[reached]
            if isinstance(reached, gast.Attribute) and reached.attr in CHANGING_METHODS \
                    or not isinstance(reached.ctx, gast.Load):
                return False
        if isinstance(parents.get(reached), gast.AugAssign) and parents[reached].target is reached:
            return False
    return True


def alias_named(tree, me, aliases):
    """Whether ``tree`` names ``me.X`` for an alias ``X`` (left unwritten: refused)."""
    return any(isinstance(n, gast.Attribute) and n.attr in aliases and isinstance(n.value, gast.Name)
               and n.value.id == me for n in S.walk_nodes(tree))


def stored_in_aliases(tree, me, aliases):
    """``tree`` (a method's state twin, ``me`` its first parameter) with each store back of
    a copy, ``me.data = t``, followed by ``me.first = me.data`` for each pair (``data``,
    ``first``) of ``aliases``: Python's one array seen by both names, so a method reading
    ``self.first`` after one writing ``self.data[k]`` reads the write."""
    kept = {}
    for attr, alias in sorted(aliases):
        kept.setdefault(attr, []).append(alias)
    if not kept:
        return tree

    def also_aliases(stmt):
        target = stmt.targets[0] if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 else None
        if not (isinstance(target, gast.Attribute) and isinstance(target.value, gast.Name)
                and target.value.id == me and target.attr in kept):
            return [stmt]
        return [stmt] + [gast.copy_location(S.assign(gast.Attribute(value=S.name(me), attr=alias, ctx=gast.Store()),
                                                     gast.Attribute(value=S.name(me), attr=target.attr,
                                                                    ctx=gast.Load())), stmt)
                         for alias in kept[target.attr]]
    for node in [tree] + [n for n in S.walk_nodes(tree) if not isinstance(n, (gast.FunctionDef, gast.AsyncFunctionDef,
                                                                             gast.ClassDef, gast.Lambda))]:
        for field in ("body", "orelse", "finalbody"):
            block = getattr(node, field, None)
            if isinstance(block, list) and block and isinstance(block[0], gast.stmt):
                setattr(node, field, [new for stmt in block for new in also_aliases(stmt)])
    return tree
