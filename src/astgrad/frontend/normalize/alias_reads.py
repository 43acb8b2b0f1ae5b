"""The reads of a second attribute keeping the array a class's ``__init__`` stores
(``a.first``, where ``__init__`` runs ``self.data = data; self.first = data``: see
attribute_aliases.py) written as reads of the first (``a.data``), the same array in
Python, before the function is lowered: a method writing into ``self.data[k]`` is then
followed as for a class without the alias (handed_arrays.py).

Where the function stores a new value into the first attribute (``a.data = w * 3.0``,
a statement of its own body), the second goes on holding the old array, which no method
writes into again: that array is kept in a name of its own just before the store
(``first_kept = a.data.copy()``, a copy holding its numbers, as nothing changes them after),
and the reads of ``a.first`` after the store are written as that name."""

import gast

from ...core import syntax as S
from .handed_arrays import _rebound_by_a_method, _stored_parameter, changed_in_place, init_of, stored_aliases


def read_aliases(normalizer, tree):
    """Each read of ``a.first`` written ``a.data`` where ``a``, bound once to an object of a
    class keeping the array in ``data`` under the alias ``first`` (the module docstring),
    has neither attribute stored by the function (or ``data`` only by statements of the
    body after the object is built, after which the alias is read off the array kept).
    Whether one was."""
    written = False
    for stmt in S.statements(tree.body):
        if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name)
                and isinstance(stmt.value, gast.Call)):
            continue
        me, cls = stmt.targets[0].id, normalizer.built_class_of(stmt.value)
        if cls is None or normalizer.bound_count.get(me, 0) != 1:
            continue
        for attr in changed_in_place(cls):
            aliases = stored_aliases(cls, attr, (tree, me))
            named = [n for n in S.walk_nodes(tree) if isinstance(n, gast.Attribute) and isinstance(n.value, gast.Name)
                     and n.value.id == me and n.attr in aliases | {attr}]
            stored = [n for n in named if not isinstance(n.ctx, gast.Load)]
            if not aliases:
                continue
            if stored:
                written = _kept_after_stores(normalizer, tree, stmt, me, attr, aliases, named, stored) or written
                continue
            for node in named:
                if node.attr in aliases:
                    node.attr = attr
                    written = True
    return written


def _kept_after_stores(normalizer, tree, construction, me, attr, aliases, named, stored):
    """The reads of the aliases written as reads of ``attr`` before the first statement of
    the body storing ``me.attr = ...`` and as the array kept there after it, where each
    store is such a statement after ``construction`` (a statement of the body), the
    aliases are stored by neither the function nor a method, and ``attr`` by no method
    but ``__init__``. Whether it was."""
    cls = normalizer.built_class_of(construction.value)
    init = init_of(cls)
    body = tree.body
    place = {id(n): k for k, top in enumerate(body) for n in S.walk_nodes(top)}
    made = place.get(id(construction))
    stores = [top for top in body if isinstance(top, gast.Assign) and len(top.targets) == 1
              and any(top.targets[0] is n for n in stored)]
    if made is None or body[made] is not construction or len(stores) != len(stored) \
            or any(n.attr != attr for n in stored) or any(place[id(s)] <= made for s in stores) \
            or _rebound_by_a_method(cls, attr, _stored_parameter(cls, attr, aliases=set())[0]) \
            or any(_rebound_by_a_method(cls, a, init) for a in aliases):
        return False
    first = min(place[id(s)] for s in stores)
    kept = normalizer.namer.fresh(sorted(aliases)[0] + "_kept")
    normalizer.locals.add(kept)
    for node in named:
        if node.attr not in aliases:
            continue
        at = place[id(node)]
        inside_store = at == first and any(n is node for n in S.walk_nodes(body[first].value))
        if at < first or inside_store:
            node.attr = attr
        else:
            _replace(body, node, S.name(kept))
    # (a copy, of a list as of an array: nothing writes into the old array after the store)
    old = gast.Call(func=gast.Attribute(value=gast.Attribute(value=S.name(me), attr=attr, ctx=gast.Load()),
                                        attr="copy", ctx=gast.Load()), args=[], keywords=[])
    body.insert(first, gast.copy_location(S.assign(kept, old), body[first]))
    return True


def _replace(body, node, new):
    """``node`` replaced by ``new`` where it stands in ``body``."""
    for parent in (n for top in body for n in S.walk_nodes(top)):
        for field, value in gast.iter_fields(parent):
            if value is node:
                setattr(parent, field, gast.copy_location(new, node))
                return
            if isinstance(value, list):
                for k, item in enumerate(value):
                    if item is node:
                        value[k] = gast.copy_location(new, node)
                        return
