"""Shallow copies of a container that see a write into one of its items.

``before = list(rows)`` (``rows[:]``, ``rows.copy()``, ``copy.copy(rows)``, ``dict(d)``)
makes a new container holding the very items ``rows`` holds. A write into an item,
``rows[0][1] = v`` (in core form ``t = rows[0]; t[1] = v; rows[0] = t``), changes that
object, so ``before[0]`` shows it too. The write is followed by storing the written item
into the copy at the same key, ``before[0] = t``: in Python a no-op (it is already there),
and for the derivative the statement that says ``before[0]`` is the item after the write.
Where no other name follows the item, the write goes into a copy of it that the container
takes back (``common._write_into_a_copy``), and so does the shallow copy: ``rows[0] = t_1;
before[0] = t_1``. Each then holds the written values, as in Python, and the object written
into is new and held by the two containers alone, so the derivative's code can be
differentiated again.

That is right only where ``before[k]`` is certainly ``rows[k]`` when the write runs, which
``following_copies`` proves from the code's shape alone: both names are bound once, with
no other name for either list and no container holding either; ``rows`` to a display
whose items are replaced only by writes into them stored back at the key they were read
from (so the same object); ``before`` to a full copy of ``rows``, changed by nothing else
(so the same keys), made before the write in its block or one enclosing it (so it exists
when the write runs, every time).
"""

import builtins

import gast

from .. import runtime
from ..core import anno
from ..core import syntax as S
from ..core import walk
from ..core.anno import Key


def following_copies(sharing, body, store, candidates):
    """Those of ``candidates`` (names that would see the write ``store`` stores back,
    ``c[k] = t``) that are full copies of ``c``, as the module's docstring says."""
    target = store.targets[0]
    if not isinstance(target, gast.Subscript):      # an object taking its attribute back
        return set()
    holder = target.value.id
    display = _display(sharing, holder)
    if display is None or not _only_stored_back(sharing, holder):
        return set()
    return {name for name in candidates
            if _single(sharing, name) and _copy_before(sharing, body, store, name, holder, display)}


def stores_into_copies(store, copies):
    """``s[k] = t`` for each copy ``s``, to follow ``store`` (``c[k] = t``), last first (each
    goes right after ``store``)."""
    if not copies:
        return []
    target = store.targets[0]
    return [S.assign(gast.Subscript(value=S.name(name), slice=S.copy(target.slice), ctx=gast.Store()),
                     S.name(store.value.id), line=getattr(store, "lineno", None))
            for name in sorted(copies, reverse=True)]


def _single(sharing, name):
    """``name`` is a local bound once, the only name of its object, and no container holds it."""
    return name not in sharing.params and len(sharing.bindings_of(name)) == 1 \
        and sharing._aliases(name) == {name} and not sharing.holders.get(name)


def _display(sharing, holder):
    """``list`` or ``dict`` when ``holder`` is bound once, to a display, as _single says."""
    if not _single(sharing, holder):
        return None
    value = getattr(sharing.bindings_of(holder)[0], "value", None)
    if isinstance(value, gast.List):
        return list
    return dict if isinstance(value, gast.Dict) and None not in value.keys else None


def _only_stored_back(sharing, holder):
    """Every in-place change of ``holder`` stores back ``t`` at the key ``t`` was read from
    (``t = c[k]`` being ``t``'s only binding): each item stays the same object."""
    from ..analysis.mutation import in_place_changes
    for change in in_place_changes(sharing.statements):
        if change.name != holder:
            continue
        stmt = change.stmt
        if not (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Subscript)
                and isinstance(stmt.value, gast.Name)):
            return False
        bindings = sharing.bindings_of(stmt.value.id)
        read = getattr(bindings[0], "value", None) if len(bindings) == 1 else None
        if not (isinstance(read, gast.Subscript) and isinstance(read.value, gast.Name) and read.value.id == holder
                and gast.dump(read.slice) == gast.dump(stmt.targets[0].slice)):
            return False
    return True


def _copy_before(sharing, body, store, name, holder, kind):
    """Whether ``name``'s one binding makes a full copy of ``holder`` (a ``kind``) and
    comes before ``store`` in its block or one enclosing it; its only other in-place
    changes are the copy's own."""
    from ..analysis.mutation import in_place_changes
    binding = sharing.bindings_of(name)[0]
    block = _block_before(body, binding, store)
    if block is None:
        return False
    changes = [c.stmt for c in in_place_changes(sharing.statements) if c.name == name]
    value = getattr(binding, "value", None)
    if _copy_call(value, holder, kind):
        return not changes
    position = next(k for k, s in enumerate(block) if s is binding)
    loop = block[position + 1] if position + 1 < len(block) else None
    if kind is list and isinstance(value, gast.List) and not value.elts:
        return _append_loop(loop, name, holder) and changes == [loop.body[0]]
    if kind is dict and isinstance(value, gast.Dict) and not value.keys and position + 2 < len(block):
        store = _items_loop(block[position + 1], block[position + 2], name, holder)
        return store is not None and changes == [store]
    return False


def _copy_call(value, holder, kind):
    """``shallow_copy(c)``, ``c.copy()``, or (of a list) ``c[:]``."""
    if isinstance(value, gast.Subscript):
        part = value.slice
        return kind is list and _is(value.value, holder) and isinstance(part, gast.Slice) \
            and part.lower is None and part.upper is None and part.step is None
    if not isinstance(value, gast.Call) or value.keywords:
        return False
    if anno.get(value, Key.TARGET) is runtime.shallow_copy:
        return len(value.args) == 1 and _is(value.args[0], holder)
    return anno.get(value, Key.METHOD) == "copy" and isinstance(value.func, gast.Attribute) \
        and _is(value.func.value, holder) and not value.args


def _append_loop(loop, name, holder):
    """``for k, item in enumerate(c): name.append(item)`` (``list(c)``'s core form)."""
    if not (_enumerates(loop, holder) and len(loop.body) == 1):
        return False
    call = loop.body[0].value if isinstance(loop.body[0], gast.Expr) else None
    return isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute) and call.func.attr == "append" \
        and _is(call.func.value, name) and len(call.args) == 1 and _is(call.args[0], loop.target.elts[1].id)


def _items_loop(keys, loop, name, holder):
    """The store ``name[key] = value`` of ``dict(c)``'s core form, ``keys = check_mapping(c,
    'items', ...)`` then ``for k, key in enumerate(keys): ...`` storing ``c[key]`` at ``key``
    through names bound to one another in the loop; else None."""
    call = keys.value if isinstance(keys, gast.Assign) and isinstance(keys.targets[0], gast.Name) else None
    if not (isinstance(call, gast.Call) and anno.get(call, Key.TARGET) is runtime.check_mapping
            and len(call.args) >= 2 and _is(call.args[0], holder) and isinstance(call.args[1], gast.Constant)
            and call.args[1].value == "items" and _enumerates(loop, keys.targets[0].id)):
        return None
    key, copies, stores = loop.target.elts[1].id, {}, []
    for stmt in loop.body:
        target = stmt.targets[0] if isinstance(stmt, gast.Assign) else None
        if isinstance(target, gast.Name) and target.id not in copies and target.id not in (key, name, holder):
            copies[target.id] = stmt.value
        elif isinstance(target, gast.Subscript) and _is(target.value, name):
            stores.append(stmt)
        else:
            return None
    if len(stores) != 1:
        return None
    read = _origin(stores[0].value, copies)
    return stores[0] if _is(_origin(stores[0].targets[0].slice, copies), key) and isinstance(read, gast.Subscript) \
        and _is(read.value, holder) and _is(_origin(read.slice, copies), key) else None


def _origin(node, copies):
    """What ``node`` is a copy of, following names bound to names in ``copies``."""
    seen = set()
    while isinstance(node, gast.Name) and node.id in copies and node.id not in seen:
        seen.add(node.id)
        node = copies[node.id]
    return node


def _enumerates(loop, sequence):
    """``for k, item in enumerate(sequence):`` with no ``else``."""
    return isinstance(loop, gast.For) and not loop.orelse and isinstance(loop.target, gast.Tuple) \
        and len(loop.target.elts) == 2 and all(isinstance(e, gast.Name) for e in loop.target.elts) \
        and isinstance(loop.iter, gast.Call) and anno.get(loop.iter, Key.TARGET) is builtins.enumerate \
        and len(loop.iter.args) == 1 and _is(loop.iter.args[0], sequence)


def _is(node, name):
    return isinstance(node, gast.Name) and node.id == name


def _block_before(body, first, later):
    """The block holding ``first`` when ``later`` comes after it there, or inside a
    statement after it there; else None."""
    for block in walk.walk_blocks(body):
        position = next((k for k, s in enumerate(block) if s is first), None)
        if position is None:
            continue
        for after in block[position + 1:]:
            if after is later or any(s is later for s in walk.walk_statements([after])):
                return block
        return None
    return None

