"""The reads of a second attribute keeping the array a class's ``__init__`` stores
(``a.first``, where ``__init__`` runs ``self.data = data; self.first = data``: see
attribute_aliases.py) written as reads of the first (``a.data``), the same array in
Python, before the function is lowered: a method writing into ``self.data[k]`` is then
followed as for a class without the alias (handed_arrays.py)."""

import gast

from ...core import syntax as S
from .handed_arrays import changed_in_place, stored_aliases


def read_aliases(normalizer, tree):
    """Each read of ``a.first`` written ``a.data`` where ``a``, bound once to an object of a
    class keeping the array in ``data`` under the alias ``first`` (the module docstring),
    has neither attribute stored by the function. Whether one was."""
    written = False
    for stmt in S.statements(tree.body):
        if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name)
                and isinstance(stmt.value, gast.Call)):
            continue
        me, cls = stmt.targets[0].id, normalizer.built_class_of(stmt.value)
        if cls is None or normalizer.bound_count.get(me, 0) != 1:
            continue
        for attr in changed_in_place(cls):
            aliases = stored_aliases(cls, attr)
            named = [n for n in S.walk_nodes(tree) if isinstance(n, gast.Attribute) and isinstance(n.value, gast.Name)
                     and n.value.id == me and n.attr in aliases | {attr}]
            if not aliases or any(not isinstance(n.ctx, gast.Load) for n in named):
                continue
            for node in named:
                if node.attr in aliases:
                    node.attr = attr
                    written = True
    return written
