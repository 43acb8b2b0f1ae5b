"""A list or tuple of objects the function builds and reads only at constant positions,
as names of their own, so a method changing an item's state is followed::

    bs = [Box(2.0), Box(3.0)]           bs_0 = Box(2.0)
    bs[0].scale(w)               ->     b = Box(3.0)
    b = bs[1]                           bs_0.scale(w)
    b.total += w                        b.total += w

Taken only where nothing can tell the two apart: the function has no ``try`` or
``with`` (which could catch an item's exception), the name is bound once, to a display
of calls (no starred item), and every use of it in the function reads an item at a
constant position in range or in a form item_choices.py writes (not stored into, not
handed on, not named in a nested def, lambda or class) or is a read of the whole list item_loops.py writes out item by item
(``for b in bs``, ``len(bs)``, ``sum(b.v for b in bs)``), one of them changing an item
(calling a method of it or of an attribute of it, storing an attribute) or binding it
to a name. The items are then built in the same order, and no other name can hold the
list, so each item is an object the function builds and names once, whose methods
built_objects.py follows from state to state (or refuses, naming the line).

An item bound to a name (``b = bs[1]``, the name's one binding, after the display in its
block or in a branch or loop body nested there, the name read only in the statements
after it in its block) is the item under that name: the same object, as in Python. An
item read at an index known only when the code runs (``bs[i].scale(w)``, ``b = bs[i]``)
is written as a branch per item by item_choices.py."""

import gast

from ...core import syntax as S
from ...core.walk import inner_blocks, walk_blocks, walk_statements
from .. import written_in
from .scopes import binding_counts, parameters


# statements that may catch an exception: a try, and a with whose manager may suppress it
_CATCHING = (gast.Try, gast.With) + ((gast.TryStar,) if hasattr(gast, "TryStar") else ())


def split_item_objects(normalizer, tree):
    """Rewrite ``tree`` as the module docstring says; whether it did."""
    from .gathered_lists import gather_built_lists
    from .row_columns import split_rows
    gathered = gather_built_lists(normalizer, tree)     # ls = [Layer(k * w) for k in range(3)]: a display
    gathered.update(split_rows(normalizer, tree))       # for layer, s in [(Layer(a), 2.0), ...]: columns
    displays = _displays(tree, normalizer.__dict__.get("given_items", ()))
    if not displays or any(isinstance(node, _CATCHING) for node in S.walk_nodes(tree)):
        _put_back(gathered, ())
        return False        # (an item raising, caught, would leave the names before it bound)
    from .item_choices import chosen_form, write_choices    # (loaded with the first such display)
    from .item_loops import WriteOut
    from .zipped_items import restore_zips, zip_positions
    from .item_read_forms import read_as_items
    lists = {name: display for name, (_, display) in displays.items() if not isinstance(display, gast.Dict)}
    dicts = set(displays) - set(lists)
    for name, undo in read_as_items(normalizer, tree, lists, dicts).items():    # next(iter(bs)), list(bs)
        gathered.setdefault(name, []).extend(undo)
    unpacked, zipped = _unpack_items(tree, displays, normalizer.bound_count), zip_positions(normalizer, tree, displays)
    reads, other, whole = _item_reads(tree, displays, normalizer.bound_count)
    aliases = _aliases(normalizer, tree, displays)
    statement_of = {id(node): stmt for stmt in walk_statements(tree.body) for node in S.walk_nodes(stmt)}
    renamed, rebound, plan, chosen, split_names = {}, {}, {}, {}, set()
    for name, (stmt, display) in displays.items():
        found, written_out = reads.get(name, []), whole.get(name, [])
        at_runtime = [read for read, _ in found if _position(read, display) is None]   # bs[i]: item_choices.py
        if name in other or normalizer.bound_count.get(name, 0) != 1 \
                or not (any(calls or id(read) in aliases for read, calls in found)
                        or any(changing for _, changing in written_out)
                        or found and any(_is_display(item) for item in _items(display))) \
                or not all(chosen_form(statement_of[id(read)], read, aliases) for read in at_runtime):
            continue
        split_names.add(name)
        found = [(read, calls) for read, calls in found if _position(read, display) is not None]
        names = _item_names(normalizer, name, display, found, aliases, rebound)
        if at_runtime:
            chosen[name] = (display, names)
        renamed.update((id(read), names[_position(read, display)]) for read, _ in found)
        plan.update((id(node), (names, _constant_keys(display))) for node, _ in written_out)
        _replace(tree, stmt, [gast.copy_location(S.assign(item, value), stmt)
                              for item, value in zip(names, _items(display))])
        normalizer.locals.update(names)
    for read, (alias_stmt, _) in aliases.items():
        if read in renamed:
            _replace(tree, alias_stmt, [])     # b = bs[1]: b is that item's own name now
    for stmt, name, split, rest in unpacked:
        if name not in split_names:
            _replace_block(tree, split, stmt)   # the list is not split: the unpacking stays as it was
            for holder, field, read in rest:
                setattr(holder, field, read)
    restore_zips(zipped, chosen)
    _put_back(gathered, split_names)
    if plan or renamed:
        _RenameReads(renamed, rebound).visit(tree)
        WriteOut(plan, normalizer).visit(tree)
    write_choices(normalizer, tree, chosen)
    if any(_is_display(item) for name in split_names for item in _items(displays[name][1])):
        normalizer.bound_count = binding_counts([tree])     # the inner displays, bound to names now, in turn
        split_item_objects(normalizer, tree)
    return bool(plan or renamed or chosen)


def _put_back(gathered, split_names):
    """The code of each list gathered_lists.py wrote as a display, where it is not split."""
    for name, undo in gathered.items():
        if name not in split_names:
            for put_back in reversed(undo):
                put_back()


def _unpack_items(tree, displays, bound_count):
    """Each ``b1, b2 = bs`` (targets names, as many as the display ``bs`` has items) written
    ``b1 = bs[0]; b2 = bs[1]``, the reads item_objects.py splits; with a starred name only
    iterated over (``b1, *rest = bs``, then ``for b in rest``), ``b1 = bs[0]``, the loop
    going over ``bs[1:]``: [(the statement, the list's name, what it became, the loops
    over the starred name with what they went over)]."""
    found = []
    for block in walk_blocks(tree.body):
        for i, stmt in enumerate(list(block)):
            target = stmt.targets[0] if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 else None
            if not (isinstance(target, (gast.Tuple, gast.List)) and isinstance(stmt.value, gast.Name)
                    and stmt.value.id in displays and not isinstance(displays[stmt.value.id][1], gast.Dict)):
                continue
            length, name = len(_items(displays[stmt.value.id][1])), stmt.value.id
            names = [e.value if isinstance(e, gast.Starred) else e for e in target.elts]
            starred = [k for k, e in enumerate(target.elts) if isinstance(e, gast.Starred)]
            if not (all(isinstance(e, gast.Name) for e in names)
                    and len({e.id for e in names} | {name}) == len(names) + 1
                    and (len(names) == length and not starred or len(starred) == 1 and len(names) - 1 <= length)):
                continue
            rest = _rest_reads(tree, names[starred[0]].id, bound_count) if starred else []
            if rest is None:
                continue
            cut = slice(starred[0], starred[0] + length - len(names) + 1) if starred else None
            # b1, *rest, bn = bs: b1 = bs[0], bn = bs[-1]
            positions = [(k if not starred or k < starred[0] else k - len(names), e.id)
                         for k, e in enumerate(names) if not starred or k != starred[0]]
            split = [gast.copy_location(S.assign(item, gast.Subscript(value=S.name(name), slice=S.const(k),
                                                                      ctx=gast.Load())), stmt)
                     for k, item in positions]
            for holder, field, old in rest:     # for b in rest: -> for b in bs[1:], the same items in order
                items = gast.copy_location(gast.Subscript(value=S.name(name), slice=gast.Slice(
                    lower=S.const(cut.start), upper=S.const(cut.stop), step=None), ctx=gast.Load()), stmt)
                setattr(holder, field, items if field == "iter" else [items])      # len(rest): len(bs[1:])
            _replace(tree, stmt, split)
            found.append((stmt, name, split, rest))
    return found


def _rest_reads(tree, rest, bound_count):
    """[(the loop, comprehension step or call, the field reading ``rest``, what it held)]
    for each read of ``rest``, the list ``b1, *rest = bs`` makes, where ``rest`` is bound
    there alone and only iterated over or measured (``for b in rest``, ``[b.v for b in
    rest]``, ``len(rest)``): each reads the items of ``bs`` after ``b1`` as the slice
    ``bs[1:]`` does; else None."""
    if bound_count.get(rest, 0) != 1:
        return None
    found = [(node, "iter", node.iter) for node in S.walk_nodes(tree) if isinstance(node, (gast.For, gast.comprehension))
             and isinstance(node.iter, gast.Name) and node.iter.id == rest]
    found += [(node, "args", node.args) for node in S.walk_nodes(tree) if isinstance(node, gast.Call)
              and isinstance(node.func, gast.Name) and node.func.id == "len" and not node.keywords
              and len(node.args) == 1 and isinstance(node.args[0], gast.Name) and node.args[0].id == rest]
    reads = [node for node in S.walk_nodes(tree) if isinstance(node, gast.Name) and node.id == rest
             and isinstance(node.ctx, gast.Load)]
    if len(reads) != len(found) or any(isinstance(node, (gast.FunctionDef, gast.Lambda, gast.ClassDef))
                                       and node is not tree and rest in S.names_in(node)
                                       for node in S.walk_nodes(tree)):
        return None
    return found


def _replace_block(tree, statements, stmt):
    """Put ``stmt`` back where ``statements`` (consecutive in a block) stand."""
    for block in walk_blocks(tree.body):
        for i, other in enumerate(block):
            if other is statements[0]:
                block[i:i + len(statements)] = [stmt]
                return


def _item_names(normalizer, name, display, found, aliases, rebound):
    """The names of the items of ``display``: the name an item is bound to (the first,
    where two are: the others are ``rebound`` to it), else a new one."""
    names = [None] * len(_items(display))
    for read, _ in found:
        alias = aliases.get(id(read), (None, None))[1]
        if alias is not None:
            position = _position(read, display)
            if names[position] is None:
                names[position] = alias
            else:
                rebound[alias] = names[position]
    keys = _constant_keys(display) or range(len(names))
    return [item or _item_name(normalizer, name, key, i) for i, (item, key) in enumerate(zip(names, keys))]


def _item_name(normalizer, name, key, i):
    """A new name for ``name[key]``, the ``i``-th item of its display, noted as standing for it."""
    made = normalizer.namer.fresh(f"{name}_{i}")
    shown = f'"{key}"' if isinstance(key, str) and '"' not in key else repr(key)
    written_in.name_made(normalizer.source, made, f"{name}[{shown}]")
    return made


def _displays(tree, given=()):
    """{name: (its first binding to a display of calls, the display)}: a list or tuple,
    or a dict whose keys are distinct string or int constants. ``given``: the ids of the
    item reads of an argument's list that stand for calls (argument_objects.py)."""
    displays = {}
    for block in walk_blocks(tree.body):
        for stmt in block:
            if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name) \
                    and (isinstance(stmt.value, (gast.List, gast.Tuple)) or _constant_keys(stmt.value) is not None) \
                    and _items(stmt.value) and all(_built(e, given) for e in _items(stmt.value)):
                displays.setdefault(stmt.targets[0].id, (stmt, stmt.value))
    return displays


def _built(item, given):
    """Whether ``item`` of a display is a call (or an argument's item standing for one,
    in ``given``), or a display of such items itself (``{"a": [Layer(w)]}``): split, the
    inner display is bound to a name of its own, split in turn."""
    if isinstance(item, gast.Call) or id(item) in given:
        return True
    return _is_display(item) and bool(_items(item)) and all(_built(e, given) for e in _items(item))


def _is_display(node):
    return isinstance(node, (gast.List, gast.Tuple)) or _constant_keys(node) is not None


def _items(display):
    return display.values if isinstance(display, gast.Dict) else display.elts


def _constant_keys(display):
    """The keys of a dict display, each a distinct str or int constant (not a bool); else None."""
    if not isinstance(display, gast.Dict) or not all(isinstance(k, gast.Constant) and type(k.value) in (str, int)
                                                     for k in display.keys):
        return None
    keys = [k.value for k in display.keys]
    return keys if len(set(keys)) == len(keys) else None


def _item_reads(tree, displays, bound_count):
    """({name: [(a read name[c], whether it calls a method of the item or of an attribute
    of it, or stores an attribute of it)]}, the names of ``displays`` used otherwise:
    stored, read whole but as item_loops.py writes out, named in a nested scope, declared
    global or nonlocal, {name: [(a read item_loops.py writes out, whether it changes the
    item)]})."""
    reads, other, read_names, calling = {}, set(), set(), set()
    for node in S.walk_nodes(tree):
        if isinstance(node, (gast.FunctionDef, gast.Lambda, gast.ClassDef)) and node is not tree:
            other |= S.names_in(node)
        elif isinstance(node, (gast.Global, gast.Nonlocal)):
            other |= set(node.names)
        elif isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute):
            owner = node.func.value     # bs[0].scale(w), bs[0].log.append(v)
            owner = owner.value if isinstance(owner, gast.Attribute) else owner
            calling.add(id(owner))
            while isinstance(owner, gast.Subscript):        # d["a"][0].scale(w): d["a"] holds the item changed
                owner = owner.value
                calling.add(id(owner))
        elif isinstance(node, gast.Attribute) and isinstance(node.ctx, gast.Store):
            calling.add(id(node.value))     # bs[0].v = v, bs[0].total += v
        elif isinstance(node, gast.Subscript) and isinstance(node.ctx, gast.Load) \
                and isinstance(node.value, gast.Name) and node.value.id in displays \
                and not isinstance(node.slice, gast.Slice):     # bs[1:] reads the list whole
            reads.setdefault(node.value.id, []).append(node)
            read_names.add(id(node.value))
    lists = {name for name, (_, display) in displays.items() if not isinstance(display, gast.Dict)}
    from .item_loops import whole_reads
    written_out, changing = whole_reads(tree, lists, bound_count,   # (a dict's own loop goes over its keys)
                                        dicts=set(displays) - lists)
    whole = {}
    for node in S.walk_nodes(tree):
        if isinstance(node, gast.Name) and node.id in displays and id(node) not in read_names \
                and node is not displays[node.id][0].targets[0]:
            if id(node) in written_out:
                whole.setdefault(node.id, []).append((written_out[id(node)],
                                                      id(written_out[id(node)]) in changing))
            else:
                other.add(node.id)
    return {name: [(read, id(read) in calling) for read in found] for name, found in reads.items()}, other, whole


def _aliases(normalizer, tree, displays):
    """{id of the read ``bs[c]``: (the statement ``b = bs[c]``, ``b``)} where ``b`` may be
    that item's own name: the statement is in the block of the display, after it; it is
    ``b``'s one binding, ``b`` no parameter, read only in the statements after it in that
    block, never deleted, named in no nested scope and declared neither global nor nonlocal."""
    nested, params = set(), set(parameters(tree)) if isinstance(tree, gast.FunctionDef) else set()
    for node in S.walk_nodes(tree):
        if isinstance(node, (gast.FunctionDef, gast.Lambda, gast.ClassDef)) and node is not tree:
            nested |= S.names_in(node)
        elif isinstance(node, (gast.Global, gast.Nonlocal)):
            nested |= set(node.names)
    found = {}
    for block, before in _blocks_after(tree.body, []):
        for k, stmt in enumerate(block):
            alias = _alias_of_an_item(stmt, displays, before + block[:k])
            if alias is None or alias in nested or alias in params or normalizer.bound_count.get(alias, 0) != 1:
                continue
            after = {id(node) for later in block[k + 1:] for node in S.walk_nodes(later)}
            if all(id(node) in after and not isinstance(node.ctx, gast.Del) for node in S.walk_nodes(tree)
                   if isinstance(node, gast.Name) and node.id == alias and node is not stmt.targets[0]):
                found[id(stmt.value)] = (stmt, alias)
    return found


def _blocks_after(block, before):
    """Each block nested in ``block`` (itself first), with the statements that run before
    it on every path to it: those before it in its own block and in the blocks around it
    (a branch or a loop's body runs after what comes before its ``if`` or loop)."""
    yield block, before
    for k, stmt in enumerate(block):
        for inner in inner_blocks(stmt):
            yield from _blocks_after(inner, before + block[:k])


def _alias_of_an_item(stmt, displays, before):
    """``b`` where ``stmt`` is ``b = bs[c]``, ``bs`` a display bound in ``before``."""
    if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name)
            and isinstance(stmt.value, gast.Subscript) and isinstance(stmt.value.value, gast.Name)):
        return None
    display = displays.get(stmt.value.value.id)
    if display is None or not any(earlier is display[0] for earlier in before) \
            or stmt.targets[0].id in displays:
        return None
    return stmt.targets[0].id


def _position(read, display):
    """The position of the item ``read`` (``name[c]``) names, c an int constant in range
    (a key of a dict display, of the same type); else None."""
    index = read.slice
    keys = _constant_keys(display)
    if keys is not None:
        found = [i for i, key in enumerate(keys) if isinstance(index, gast.Constant)
                 and type(index.value) is type(key) and index.value == key]
        return found[0] if found else None
    length = len(display.elts)
    if isinstance(index, gast.UnaryOp) and isinstance(index.op, gast.USub) and isinstance(index.operand, gast.Constant):
        value = -index.operand.value if type(index.operand.value) is int else None
    else:
        value = index.value if isinstance(index, gast.Constant) and type(index.value) is int else None
    if value is None or not -length <= value < length:
        return None
    return value % length


def _replace(tree, stmt, new):
    for block in walk_blocks(tree.body):
        for i, other in enumerate(block):
            if other is stmt:
                block[i:i + 1] = new
                return


class _RenameReads(gast.NodeTransformer):
    """Each item read ``name[c]`` split off as the name its item got; a second name bound
    to an item as the first."""

    def __init__(self, renamed, rebound):
        self.renamed, self.rebound = renamed, rebound

    def visit_Subscript(self, node):
        name = self.renamed.get(id(node))
        if name is not None:
            return gast.copy_location(S.name(name), node)
        return self.generic_visit(node)

    def visit_Name(self, node):
        if node.id in self.rebound:
            return gast.copy_location(gast.Name(id=self.rebound[node.id], ctx=node.ctx, annotation=None,
                                                type_comment=None), node)
        return node
