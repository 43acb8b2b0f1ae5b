"""A helper writing elements of what it is handed, given an item of a list the function
holds (``ys = [y]; v = y[1:]; scale_head(ys[0], w)``): where the item is provably the
array a name holds, the call is handed that name (``scale_head(y, w)``), which views.py
follows as any such call (the views of ``y`` read again after it). Provably: the list is a
display (or a tuple display) bound once and only ever read at constant indexes (never
written, changed by a method, handed on or bound to another name), and the item read is
a name bound once in the function (or an argument never bound again), so it is that
name's one array wherever the list is read."""

import gast

from .mixed_list_loops import constant_index


def name_list_items(views, call):
    """Replace in ``call`` (a call views.py asks about, of ViewWrites ``views``) each
    argument ``ys[k]`` that is provably the array a name holds by that name."""
    items = _named_items(views)
    for position, owner, arg in _arguments(call):
        if not (isinstance(arg, gast.Subscript) and isinstance(arg.value, gast.Name) and arg.value.id in items):
            continue
        at, names = items[arg.value.id]
        index = constant_index(arg.slice)
        # the display runs before this statement of the body (or one nested in it)
        if at < views.top and index is not None and -len(names) <= index < len(names) and names[index] is not None:
            name = gast.copy_location(gast.Name(id=names[index], ctx=gast.Load(), annotation=None,
                                                type_comment=None), arg)
            if position is None:
                owner.value = name
            else:
                owner.args[position] = name


def _arguments(call):
    """(position in the call's args, or None for a keyword's; the call or the keyword; the
    argument) for each argument of ``call``."""
    for position, arg in enumerate(call.args):
        yield position, call, arg
    for keyword in call.keywords:
        yield None, keyword, keyword.value


def _named_items(views):
    """{list name: (the position of the statement of the body binding it, [the name each
    item provably is, or None])}, found once per function."""
    found = getattr(views, "named_list_items", None)
    if found is not None:
        return found
    displays, reads = {}, set()
    for at, stmt in enumerate(views.body):
        if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name) \
                and isinstance(stmt.value, (gast.List, gast.Tuple)) and views.counts[stmt.targets[0].id] == 1 \
                and stmt.targets[0].id not in views.params:
            displays[stmt.targets[0].id] = (at, stmt.value.elts)
            reads.add(id(stmt.targets[0]))
    nodes = [node for stmt in views.body for node in gast.walk(stmt)] if displays else []
    if displays:
        for node in nodes:
            if isinstance(node, gast.Subscript) and isinstance(node.value, gast.Name) \
                    and isinstance(node.ctx, gast.Load) and constant_index(node.slice) is not None:
                reads.add(id(node.value))
            elif isinstance(node, gast.AugAssign) and isinstance(node.target, gast.Name):
                displays.pop(node.target.id, None)      # ys += [z]: changed
        for node in nodes:
            if isinstance(node, gast.Name) and node.id in displays and id(node) not in reads:
                displays.pop(node.id)       # read whole, handed on, written or bound again: not followed
    found = views.named_list_items = {
        name: (at, [e.id if isinstance(e, gast.Name) and _bound_once(views, e.id) else None for e in elts])
        for name, (at, elts) in displays.items()}
    return found


def _bound_once(views, name):
    return views.counts[name] == 1 and name not in views.params \
        or views.counts[name] == 0 and name in views.params
