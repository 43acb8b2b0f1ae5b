"""Changes in place of one list a dict of lists on self holds, in a method of an object
the differentiated function built (self_containers.py follows the others): a slice write
``self.m[k][i:j] = vs``, ``self.m[k].pop()`` / ``self.m[k].pop(i)``, and appends,
``self.m[k].append(v)`` and ``self.m.setdefault(k, []).append(v)``.

Python changes the list object the dict holds. Where nothing else holds the dict or its
lists (self_containers.held_only_by_attribute), the method's state twin stores instead a
new dict holding a new list under the key, ``self.m = {**self.m, k: [...]}``: no write
into a container, so the old state stays as it was and the derivative (and the
derivative of the derivative) follows it as any new list. The new list keeps Python's
items, its order and its errors (KeyError for a missing key, IndexError for ``pop`` of
an empty list or past its end); an extended slice (``[::2]``) is not followed."""

import gast

from ...core import syntax as S


def slice_written(item, parents):
    """Whether ``item`` (``me.a[k]``) is the list of ``me.a[k][i:j] = vs``, a statement of
    its own with no step."""
    above = parents.get(item)
    stmt = parents.get(above)
    return not isinstance(item.slice, gast.Slice) and isinstance(above, gast.Subscript) and above.value is item \
        and isinstance(above.ctx, gast.Store) and _plain_slice(above.slice) and isinstance(stmt, gast.Assign) \
        and stmt.targets == [above]


def popped(item, parents, in_method):
    """Whether ``item`` (``me.a[k]``) is the list of ``me.a[k].pop()`` or ``.pop(i)``: a
    statement of its own, the value of ``v = ...``, or (``in_method``) of ``return ...``."""
    above = parents.get(item)
    call = parents.get(above)
    if isinstance(item.slice, gast.Slice) or not (
            isinstance(above, gast.Attribute) and above.attr == "pop" and isinstance(call, gast.Call)
            and call.func is above and _pop_arguments(call)):
        return False
    stmt = parents.get(call)
    return isinstance(stmt, gast.Expr) or in_method and isinstance(stmt, gast.Return) \
        or isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name)


def returned_pop(call, me, attrs):
    """Whether ``call`` is ``me.a[k].pop(...)`` with ``a`` in ``attrs`` (a state twin's
    ``return (me.a[k].pop(), me)`` is then split: self_containers._returned_change)."""
    return _popped_item(call, me, attrs) is not None


def written_as_new_list(stmt, me, attrs, taken):
    """The statements storing a new dict with a new list under the key for ``stmt``, a
    slice write, an append or a ``pop`` of a list ``me.a`` holds (``a`` in ``attrs``, each holding
    a dict of lists); None for another statement. ``taken``: the names in use."""
    target = stmt.targets[0] if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 else None
    if isinstance(target, gast.Subscript) and _plain_slice(target.slice) and _keyed_item(target.value, me, attrs):
        return _slice_stores(stmt, me, target, taken)
    call = stmt.value if isinstance(stmt, (gast.Expr, gast.Assign)) else None
    if isinstance(stmt, gast.Expr) and _appended_item(call, me, attrs) is not None:
        return _append_stores(call, me, _appended_item(call, me, attrs), taken)
    item = _popped_item(call, me, attrs) if isinstance(call, gast.Call) else None
    if item is None or isinstance(stmt, gast.Assign) and not isinstance(target, gast.Name):
        return None
    return _pop_stores(call, item, target, me, taken)


def _slice_stores(stmt, me, target, taken):
    """``me.a[k][i:j] = vs`` as ``value = vs; key = k; lower = i; upper = j`` (Python's
    order), then ``me.a = {**me.a, key: me.a[key][:lower] + list(value) +
    me.a[key][lower:][len(me.a[key][lower:upper]):]}``: the items before the cut, the
    new ones, then those after the cut (Python inserts at ``lower`` where ``upper`` is
    below it)."""
    item, found = target.value, []
    attr = item.value.attr
    value = bound_once(stmt.value, f"{attr}_value", taken, found)
    key = bound_once(item.slice, f"{attr}_key", taken, found)
    lower = bound_once(target.slice.lower, f"{attr}_lower", taken, found) \
        if target.slice.lower is not None else None
    upper = bound_once(target.slice.upper, f"{attr}_upper", taken, found) \
        if target.slice.upper is not None else None

    def part(low, up):
        return _list_of(me, attr, key, gast.Slice(lower=low and S.copy(low), upper=up and S.copy(up), step=None))
    cut = S.call(S.name("len"), [part(lower, upper)])
    after = gast.Subscript(value=part(lower, None), slice=gast.Slice(lower=cut, upper=None, step=None),
                           ctx=gast.Load())
    before = [part(None, lower)] if lower is not None else []     # [:None] would be all
    items = value if isinstance(stmt.value, (gast.List, gast.ListComp)) else S.call(S.name("list"), [value])
    return found + [_stored(me, attr, key, joined(*before, items, after))]


def _pop_stores(call, item, result, me, taken):
    """``v = me.a[k].pop(i)`` as ``key = k; index = range(len(me.a[key]))[i]`` (Python's
    KeyError and IndexError, ``index`` counted from the start; ``i`` is -1 where not
    given), ``v = me.a[key][index]``, then ``me.a = {**me.a, key: me.a[key][:index] +
    me.a[key][index + 1:]}``."""
    attr, found = item.value.attr, []
    key = bound_once(item.slice, f"{attr}_key", taken, found)
    position = call.args[0] if call.args else S.const(-1)
    index = S.name(fresh_name(f"{attr}_index", taken))
    found.append(S.assign(index.id, gast.Subscript(value=S.call(S.name("range"), [S.call(S.name("len"), [
        _list_of(me, attr, key)])]), slice=position, ctx=gast.Load())))
    if result is not None:
        found.append(S.assign(result, _list_of(me, attr, key, S.copy(index))))
    after = gast.BinOp(left=S.copy(index), op=gast.Add(), right=S.const(1))
    new = joined(_list_of(me, attr, key, gast.Slice(lower=None, upper=S.copy(index), step=None)),
                 _list_of(me, attr, key, gast.Slice(lower=after, upper=None, step=None)))
    return found + [_stored(me, attr, key, new)]


def _append_stores(call, me, receiver, taken):
    """``me.a[k].append(v)`` as ``key = k; me.a = {**me.a, key: me.a[key] + [v]}``;
    ``me.a.setdefault(k, d).append(v)`` as ``key = k; default = d; me.a = {**me.a, key:
    (me.a[key] if key in me.a else default) + [v]}`` (Python's order: the key, the list,
    then ``v``). A new dict each time, as for the other changes, so that a loop or an
    ``if`` changing the lists runs on a local name (block_rebinds.py)."""
    attr, found = receiver.value.attr if isinstance(receiver, gast.Subscript) else receiver.func.value.attr, []
    if isinstance(receiver, gast.Call):         # me.a.setdefault(k, d): d, a new list, where k is missing
        key = bound_once(receiver.args[0], f"{attr}_key", taken, found)
        default = bound_once(receiver.args[1], f"{attr}_default", taken, found)
        held = gast.Compare(left=S.copy(key), ops=[gast.In()], comparators=[
            gast.Attribute(value=S.name(me), attr=attr, ctx=gast.Load())])
        current = gast.IfExp(test=held, body=_list_of(me, attr, key), orelse=default)
    else:
        key = bound_once(receiver.slice, f"{attr}_key", taken, found)
        current = _list_of(me, attr, key)
    grown = gast.BinOp(left=current, op=gast.Add(), right=gast.List(elts=[call.args[0]], ctx=gast.Load()))
    return found + [_stored(me, attr, key, grown)]


def _appended_item(call, me, attrs):
    """The receiver of ``call`` where it is ``me.a[k].append(v)`` (``me.a[k]``) or
    ``me.a.setdefault(k, d).append(v)`` (the setdefault call), ``a`` in ``attrs``; else None."""
    if not (isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute) and call.func.attr == "append"
            and len(call.args) == 1 and not call.keywords and not isinstance(call.args[0], gast.Starred)):
        return None
    receiver = call.func.value
    if _keyed_item(receiver, me, attrs):
        return receiver
    setdefault = isinstance(receiver, gast.Call) and isinstance(receiver.func, gast.Attribute) \
        and receiver.func.attr == "setdefault" and len(receiver.args) == 2 and not receiver.keywords \
        and not any(isinstance(a, gast.Starred) for a in receiver.args)
    owner = receiver.func.value if setdefault else None
    if isinstance(owner, gast.Attribute) and isinstance(owner.value, gast.Name) and owner.value.id == me \
            and owner.attr in attrs:
        return receiver
    return None


def _popped_item(call, me, attrs):
    """``me.a[k]`` where ``call`` is ``me.a[k].pop(...)`` with ``a`` in ``attrs``; else None."""
    func = call.func
    if isinstance(func, gast.Attribute) and func.attr == "pop" and _pop_arguments(call) \
            and _keyed_item(func.value, me, attrs):
        return func.value
    return None


def _pop_arguments(call):
    return len(call.args) <= 1 and not call.keywords and not any(isinstance(a, gast.Starred) for a in call.args)


def _keyed_item(node, me, attrs):
    """Whether ``node`` is ``me.a[k]`` (not a slice) with ``a`` in ``attrs``."""
    return isinstance(node, gast.Subscript) and not isinstance(node.slice, gast.Slice) \
        and isinstance(node.value, gast.Attribute) and isinstance(node.value.value, gast.Name) \
        and node.value.value.id == me and node.value.attr in attrs


def _plain_slice(node):
    return isinstance(node, gast.Slice) and node.step is None


def bound_once(node, base, taken, found):
    """``node`` itself where a constant, else a new name bound to it in ``found`` (so
    that it is computed once, where Python computes it)."""
    if isinstance(node, gast.Constant):
        return node
    found.append(S.assign(fresh_name(base, taken), node))
    return S.name(found[-1].targets[0].id)


def fresh_name(base, taken):
    """``base``, or ``base_2``, ``base_3``, ...: the first not in ``taken`` (then taken)."""
    name, k = base, 1
    while name in taken:
        k += 1
        name = f"{base}_{k}"
    taken.add(name)
    return name


def _list_of(me, attr, key, part=None):
    """``me.a[key]``, or ``me.a[key][part]``."""
    item = gast.Subscript(value=gast.Attribute(value=S.name(me), attr=attr, ctx=gast.Load()), slice=S.copy(key),
                          ctx=gast.Load())
    return item if part is None else gast.Subscript(value=item, slice=part, ctx=gast.Load())


def joined(*parts):
    """``a + b + ...``: the lists ``parts`` (slices of a list, ``list(vs)``, a display)
    concatenated into a new list, from ``[]`` where none is a display or ``list(...)``, so
    that the code generated sees that ``+`` joins lists where it cannot tell what the
    slices are (a dict rebound in a loop). Not ``[*a, *b]``: a display spreading slices of
    a list an argument holds is lowered to appends its derivative undoes in place, which
    cannot be differentiated again, where ``+`` of new lists can, to any order."""
    if not any(isinstance(p, (gast.List, gast.ListComp, gast.Call)) for p in parts):
        parts = (gast.List(elts=[], ctx=gast.Load()),) + parts
    new = parts[0]
    for part in parts[1:]:
        new = gast.BinOp(left=new, op=gast.Add(), right=part)
    return new


def _stored(me, attr, key, value):
    """``me.a = {**me.a, key: value}``."""
    new = gast.Dict(keys=[None, S.copy(key)], values=[gast.Attribute(value=S.name(me), attr=attr, ctx=gast.Load()),
                                                     value])
    return S.assign(gast.Attribute(value=S.name(me), attr=attr, ctx=gast.Store()), new)
