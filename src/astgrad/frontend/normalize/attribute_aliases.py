"""A class keeping the array its ``__init__`` is handed under a second attribute
(``self.first = data`` beside ``self.data = data``, also where a base class's
``__init__``, reached by ``super().__init__(data)``, stores the first)::

    class TwiceHeld(Acc):                       a = TwiceHeld(w * 1.0)
        def __init__(self, data):               a.bump(0, w[1])       # self.data[k] *= c
            super().__init__(data)              return np.sum(a.first)
            self.first = data

In Python both attributes are one array, so a method's write into ``self.data[k]`` shows
through ``a.first``. The second attribute is followed as such an alias where it is one for
good: stored by that statement of ``__init__`` alone and named by no other function of the
class or its bases (none reads, writes or rebinds it, nor names ``getattr``, ``setattr``,
``vars`` or ``__dict__``), and no class among them has an attribute of that name. The
function's reads of ``a.first`` are then reads of ``a.data`` (alias_reads.py), where it
stores neither attribute of ``a``; handed_arrays.py follows ``a.data`` as it would for a
class without the alias, and refuses the writes where a read of ``a.first`` is left."""

import gast

from ...core import syntax as S
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
        if dynamic or len(named) != (1 if fn is init else 0):
            return False
    return True


def alias_named(tree, me, aliases):
    """Whether ``tree`` names ``me.X`` for an alias ``X`` (left unwritten: refused)."""
    return any(isinstance(n, gast.Attribute) and n.attr in aliases and isinstance(n.value, gast.Name)
               and n.value.id == me for n in S.walk_nodes(tree))
