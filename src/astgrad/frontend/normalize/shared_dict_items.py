"""A dict and its shallow copies, which hold the same arrays: ``s[k] op= v`` beside
``c = s.copy()``. ``op=`` changes the array ``s[k]`` in place, and ``c[k]``, the same
object while neither dict was given another, shows the change, as in Python. It is
followed as a store of the new value into each dict still holding that array there:

    s["a"] *= w     ──►   t = s["a"]
                          t_1 = in_place(t * w, t)
                          cond = same_item(c, s, "a")     (c["a"] is s["a"]: the very array)
                          s["a"] = t_1
                          if cond:
                              c["a"] = t_1

(the test reads the dicts, never ``t``: reverse code keeps a copy of ``t``, not the object).

``dicts_sharing_items(normalizer, node)`` gives the other dicts (``c``) where the code shows
that nothing else refers to the arrays, conservatively: one dict ``r`` bound once, by a dict
display whose values are made new there (fresh_items.py), the others each bound once by
``c = r.copy()``, ``dict(r)``, ``copy.copy(r)`` or ``{**r}`` (of ``r`` or of such a copy;
``copy_of_member`` lowers each spelling as the one shallow copy it is), every other
use of each an item read straight into an operator or a library call, an item written
(``c[k] op= v``, ``c[k] = <made new>``) or ``len(c)``, none in a local function. Anything
else (``a = s["a"]``, ``for v in s.values()``) keeps the check when the code runs
(runtime.item_update), which refuses.
"""

import copy

import gast

from ... import runtime
from ...core import anno
from ...core import syntax as S
from ...core.anno import Key
from .fresh_items import _new_items, _safe_use, in_local_function


def dicts_sharing_items(normalizer, node):
    """The names of the other dicts holding the arrays the dict ``node`` names holds (see
    the module doc), sorted; an empty list where ``node`` is no such dict."""
    if not isinstance(node, gast.Name) or normalizer.inlining:
        return []
    groups = normalizer.__dict__.setdefault("_dict_copy_groups", None)
    if groups is None:
        groups = normalizer._dict_copy_groups = _groups(normalizer.source.tree, normalizer.resolve_call)
    group = groups.get(node.id, ())
    return sorted(name for name in group if name != node.id)


def copy_of_member(normalizer, mapping):
    """``shallow_copy(r)`` for ``dict(r)`` or ``{**r}`` of a dict ``r`` of such a group:
    the new dict holding ``r``'s very items, as ``r.copy()`` is lowered (the loop copying
    item by item that ``dict(d)`` of another mapping becomes is not followed through the
    stores into the group); None for any other ``mapping``."""
    if not dicts_sharing_items(normalizer, mapping):
        return None
    return normalizer.runtime_call(runtime.shallow_copy, [S.copy(mapping)])


def same_items(normalizer, others, base, index):
    """The names of the tests ``same_item(c, base, index)`` emitted for each of ``others``,
    before ``base[index]`` is stored into."""
    return [(other, normalizer.fresh_assign(normalizer.runtime_call(
        runtime.same_item, [S.name(other), S.copy(base), S.copy(index)]), "cond")) for other in others]


def store_where_held(normalizer, stmt, held, index, new):
    """After ``base[index] = new`` (the last statement emitted) made of the op= ``stmt``:
    ``if cond: c[index] = new`` for each (c, cond) of ``held``; the stores marked as
    stores of the dicts' shared item (Key.SHARED_ITEM), which no check of a copy's items
    refuses."""
    anno.set(normalizer.out[-1], Key.SHARED_ITEM, True)
    line = getattr(stmt, "lineno", None)
    for other, cond in held:
        store = S.assign(gast.Subscript(value=S.name(other), slice=S.copy(index), ctx=gast.Store()), S.name(new),
                         line=line)
        branch = gast.If(test=S.name(cond), body=[store], orelse=[])
        branch.lineno = line
        normalizer.statement(branch)
        for lowered in normalizer.out[-1].body if isinstance(normalizer.out[-1], gast.If) else ():
            if isinstance(lowered, gast.Assign) and isinstance(lowered.targets[0], gast.Subscript):
                anno.set(lowered, Key.SHARED_ITEM, True)


def _groups(tree, resolve):
    """{name: the names of its group} for each dict group of ``tree`` (see the module doc)."""
    parents, uses = {}, {}
    for node in S.walk_nodes(tree):
        for child in gast.iter_child_nodes(node):
            parents[child] = node
        if isinstance(node, gast.Name):
            uses.setdefault(node.id, []).append(node)
    declared = {n for node in S.walk_nodes(tree) if isinstance(node, (gast.Global, gast.Nonlocal))
                for n in node.names}
    copied_from = {}            # c -> r for c = r.copy() (dict(r), copy.copy(r)), c bound once
    roots = set()
    for name, found in uses.items():
        stores = [n for n in found if not isinstance(n.ctx, gast.Load)]
        binding = parents.get(stores[0]) if len(stores) == 1 else None
        if name in declared or not (isinstance(binding, gast.Assign) and binding.targets == [stores[0]]):
            continue
        source = _copied_dict(binding.value, resolve)
        if source is not None:
            copied_from[name] = source
        elif isinstance(binding.value, gast.Dict) and _new_items(binding.value, resolve):
            roots.add(name)
    members = {}
    for name in copied_from:
        root = name
        while root in copied_from and root != copied_from[root]:
            root = copied_from[root]
            if root == name:
                break
        if root in roots:
            members.setdefault(root, {root}).add(name)
    groups = {}
    for root, group in members.items():
        if all(_only_items_used(uses[n], parents, resolve, tree, group) for n in group):
            for n in group:
                groups[n] = frozenset(group)
    return groups


def _copied_dict(value, resolve):
    """``r`` where ``value`` is ``r.copy()``, ``dict(r)``, ``copy.copy(r)`` or ``{**r}``; else None."""
    if isinstance(value, gast.Dict) and value.keys == [None] and isinstance(value.values[0], gast.Name):
        return value.values[0].id
    if not isinstance(value, gast.Call) or value.keywords:
        return None
    func = value.func
    if isinstance(func, gast.Attribute) and func.attr == "copy" and not value.args \
            and isinstance(func.value, gast.Name):
        return func.value.id
    if len(value.args) == 1 and isinstance(value.args[0], gast.Name) and resolve(value) in (dict, copy.copy):
        return value.args[0].id
    return None


def _only_items_used(found, parents, resolve, tree, group):
    """Whether each use in ``found`` of a name of ``group`` is its binding, an item read or
    written as fresh_items.py allows, or the copy of it by another of ``group``."""
    for use in found:
        if in_local_function(use, parents, tree):
            return False
        if not isinstance(use.ctx, gast.Load) or _safe_use(use, parents, resolve):
            continue
        above = parents.get(use)
        call = parents.get(above) if isinstance(above, gast.Attribute) else above
        binding = parents.get(call)
        if not (isinstance(call, (gast.Call, gast.Dict)) and isinstance(binding, gast.Assign)
                and isinstance(binding.targets[0], gast.Name) and binding.targets[0].id in group
                and _copied_dict(call, resolve) == use.id):
            return False
    return True
