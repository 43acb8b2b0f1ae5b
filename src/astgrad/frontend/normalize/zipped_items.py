"""A ``for`` loop over ``zip`` of a list display item_objects.py splits and other values,
its item read at the position the loop has reached, which item_choices.py writes as a
branch per item::

    for b, w in zip(bs, ws):                  for bs_at, w in zip(range(2), ws):
        b.scale(w)                  ->            b = bs[bs_at]
                                                  b.scale(w)

``zip`` pairs the items as it pairs the positions ``range`` gives (the list is split only
where nothing changes it), and stops where the shorter ends, as Python's does. Kept only
where the display is split (``restore_zips`` puts the loop back otherwise)."""

import gast

from ...core import syntax as S


def zip_positions(normalizer, tree, displays):
    """Write each such loop of ``tree`` over a list or tuple of ``displays`` ({name: (its
    statement, the display)}) as above: [(the loop, the list's name, what it was, the
    statement binding the item)]."""
    found = []
    if "zip" in normalizer.bound_count or "range" in normalizer.bound_count:
        return found        # (zip or range rebound: not the builtins)
    for loop in S.walk_nodes(tree):
        position = _zipped_display(loop, displays) if isinstance(loop, gast.For) else None
        if position is None:
            continue
        name, item = loop.iter.args[position].id, loop.target.elts[position].id
        if normalizer.bound_count.get(item, 0) != 1:
            continue
        at = normalizer.namer.fresh(f"{name}_at")
        normalizer.locals.add(at)
        was = (loop.target, loop.iter)
        steps = gast.Call(func=S.name("range"), args=[S.const(len(displays[name][1].elts))], keywords=[])
        loop.iter = gast.Call(func=loop.iter.func, args=[steps if k == position else arg
                                                         for k, arg in enumerate(loop.iter.args)], keywords=[])
        loop.target = gast.Tuple(elts=[S.name(at, store=True) if k == position else target
                                       for k, target in enumerate(loop.target.elts)], ctx=gast.Store())
        read = gast.Subscript(value=S.name(name), slice=S.name(at), ctx=gast.Load())
        bound = gast.copy_location(S.assign(item, read), loop)
        loop.body.insert(0, bound)
        found.append((loop, name, was, bound))
    return found


def _zipped_display(loop, displays):
    """The position in ``zip(...)`` of the first list or tuple display ``loop`` goes over,
    its target one name per iterable; else None."""
    iterable, target = loop.iter, loop.target
    if not (isinstance(iterable, gast.Call) and isinstance(iterable.func, gast.Name) and iterable.func.id == "zip"
            and not iterable.keywords and isinstance(target, gast.Tuple) and len(target.elts) == len(iterable.args) >= 2
            and all(isinstance(e, gast.Name) for e in target.elts)
            and len({e.id for e in target.elts}) == len(target.elts)):
        return None
    return next((k for k, arg in enumerate(iterable.args) if isinstance(arg, gast.Name) and arg.id in displays
                 and not isinstance(displays[arg.id][1], gast.Dict)), None)


def restore_zips(zipped, split):
    """Put back the loops of ``zipped`` (zip_positions) over a list not ``split``."""
    for loop, name, (target, iterable), bound in zipped:
        if name not in split:
            loop.target, loop.iter = target, iterable
            loop.body = [stmt for stmt in loop.body if stmt is not bound]
