"""Lists and dicts read out of a container of lists and dicts the function built.

``d = {"a": [x[0], x[1]]}; r = list(d["a"]); d["a"][0] = v``: the write goes into the
list ``d["a"]``, replacing an item, and leaves alone every item read out of that list
before (``r`` holds those items, not the list). The sharing analysis links every read
``d["a"]`` to the others only through ``d``, so what one read of the item held looked
like a view of the item another read writes into. Here: which names certainly hold a
list or dict the function built (``built_items``), and which other reads of the same
container may be the very object a write into such an item changes (``same_item_reads``),
so that what was read out of them counts as items, which replacing an item leaves alone.
"""

import weakref

import gast

from ..core import syntax as S

_READING_METHODS = frozenset({"append", "pop", "get", "keys", "values", "items", "copy", "index", "count"})


_FOUND = weakref.WeakKeyDictionary()      # Sharing -> its built items, found when first asked


def is_built_item(sharing, name):
    """Whether ``name`` certainly holds a list or dict the function built (``built_items``)."""
    return name in _built(sharing)


def _built(sharing):
    found = _FOUND.get(sharing)
    if found is None:
        found = _FOUND[sharing] = built_items(sharing)
    return found


def built_items(sharing):
    """The names every value of which is a list or dict literal the function built, the
    same held by another such name, or an item read by a subscript out of such a name
    whose holders (with their aliases) hold only such names; greatest fixed point."""
    bindings = {name: [_bound(s, name) for s in sharing.bindings_of(name)] for name in sharing.locals}
    changed = _changed_otherwise(sharing.statements)
    built = {name for name, values in bindings.items() if values and name not in sharing.params
             and name not in changed and all(v is not None for v in values)}
    while True:
        kept = {name for name in built if all(_stays_built(sharing, v, built) for v in bindings[name])}
        if kept == built:
            return built
        built = kept


def _bound(stmt, name):
    """What ``stmt`` binds ``name`` to, when it is a literal list or dict, a name, or an
    item ``c[k]`` (``k`` no slice); else None."""
    if not (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)):
        return None
    value = stmt.value
    if isinstance(value, (gast.List, gast.Dict, gast.Name)):
        return value
    if isinstance(value, gast.Subscript) and isinstance(value.value, gast.Name) \
            and not isinstance(value.slice, gast.Slice):
        return value
    return None


def _stays_built(sharing, value, built):
    if isinstance(value, (gast.List, gast.Dict)):
        return True
    if isinstance(value, gast.Name):
        return value.id in built
    holder = value.value.id
    return holder in built and all(held in built for same in sharing._aliases(holder)
                                   for held in sharing.contents.get(same, ()))


def _changed_otherwise(statements):
    """Names that receive a method call other than ``append``, ``pop`` and the reading
    ones (``extend``, ``update``, ``insert`` put in items the contents do not name)."""
    changed = set()
    for stmt in statements:
        for node in S.call_nodes(stmt) if not isinstance(stmt, (gast.For, gast.While, gast.If)) else ():
            if isinstance(node.func, gast.Attribute) \
                    and isinstance(node.func.value, gast.Name) and node.func.attr not in _READING_METHODS:
                changed.add(node.func.value.id)
    return changed


def same_item_reads(sharing, name):
    """The names other than ``name`` read by a subscript out of a container ``name`` was
    read out of, when ``name`` and they are built items and no item of an
    item of that container is one of its items: each may be ``name``'s very object, and
    what was read out of it is an item of that object (or of another item), never the
    object itself. Empty when that is not sure."""
    built = _built(sharing)
    if name not in built:
        return set()
    found = set()
    for container in sharing.element_of.get(name, ()):
        if container not in built or _nested(sharing, container):
            return set()
        found |= {n for n in sharing.views.get(container, ()) if n in built}
    return found - {name}


def _nested(sharing, container):
    """Whether an item of an item of ``container`` may be one of its items."""
    items = set().union(set(), *(sharing.contents.get(same, set()) for same in sharing._aliases(container)))
    inner = set().union(set(), *(sharing.contents.get(item, set()) for item in items))
    return any(sharing._aliases(n) & items for n in inner)
