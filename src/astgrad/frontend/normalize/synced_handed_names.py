"""One array handed to a new object at each turn of a loop (``for k in range(n): a =
Acc(buf); a.bump(k, w)``, ``__init__`` storing it as it is, a method writing into it in
place) where loop_handed_names.py's copy rebound at the turn's end is not enough: a view
of ``buf`` kept (``head = buf[:2]``, before the loop or in the turn, which shows the
writes in Python), a loop a ``break`` or ``continue`` may leave, or a method of the last
turn's object called after the loop (writing into ``buf`` too).

Every object holds that one array in Python. Here the object is handed a copy
(``Acc(+buf)``) and each call of its method as a statement is followed by ``buf[...] =
+a.data``: ``buf`` is written in place, so every view of it shows the writes (views.py
follows a write through a plain name), and it equals the object's array after each call
that may change it. Written so where:

- the loop is a statement of the function's own body, the object built by a statement
  of its body naming ``buf`` once, named nowhere before the loop, and elsewhere (in the
  turn before it is built too: the turn before's object, turn_before_objects.py) only as
  ``a.method(...)`` making a statement (its arguments reading ``buf`` and its views only
  at once: ``w[0] * 2.0``, not ``w[0]``, a row's view in Python) and as ``a.data`` read
  (at once, an item of it, or an argument of such a call), ``a.data`` stored nowhere;
- ``buf`` is a parameter or bound once, before the loop, to a new array, and bound
  nowhere else; it and the names bound to views of it (``head = buf[:2]``, ``h = buf.T``,
  ``h = buf``) are only read at once (``len(buf)``, an operator, a NumPy function
  returning a new array, an item read so: ``head[0] * w``) or bind such a view; none is
  named by a function, lambda or class, ``global`` or ``nonlocal``, nor is the object.

So too for an object built by a statement of the function's own body
(``sync_handed_in_the_body``), handed an array of the function's own bound once before to a
new array, where a view of it is kept before, or one of two such arrays (or one and a new
array) chosen by the branches of an ``if``, which branch_objects.py writes as a conditional
expression: there the test is evaluated once, into a name, and the name it chose written
after each call (``if chosen: buf[...] = +a.data``).

Anything else keeps the refusal, whose words say to store a copy."""

import types

import gast

from ...core import methods as M
from ...core import syntax as S
from ...core.first_use import imported_when_called
from .instances import function_tree
from .handed_arrays import _read_at_once, bound_before, handed_argument, is_attribute, parameters_of

# what makes a new list of items (fresh_items.py), asked only where a function has one:
# loaded with the first call (core/first_use.py)
made_new = imported_when_called(__package__ + ".fresh_items", "made_new")

_SCOPES = (gast.FunctionDef, gast.AsyncFunctionDef, gast.Lambda, gast.ClassDef)
_NEW = (gast.BinOp, gast.UnaryOp, gast.Constant)     # what a method may return where its result is bound


def synced_in_place(normalizer, tree, at, position, found):
    """Whether the name ``found`` hands the object ``tree.body[at].body[position]`` builds
    can be kept equal to its array by writes in place (the module docstring)."""
    name, me, attr = found
    loop = tree.body[at]
    return _bound_once_before(tree, at, name, normalizer.resolve_call) \
        and _read_and_called_alone(normalizer, tree, loop.body[position], found, tree.body[:at])


def _read_and_called_alone(normalizer, tree, construction, found, before):
    """Whether ``construction`` names the handed name once, it and its views are only read
    (or bind such views), and the object is named in none of the statements ``before``,
    elsewhere only as a method's receiver in a statement of its own or to read its array
    (the module docstring). In a loop's turn before the object is built, the object named
    so is the turn before's, holding the copy the last sync made equal to the array."""
    name, me, attr = found
    resolve = normalizer.resolve_call
    if sum(1 for n in S.walk_nodes(construction) if isinstance(n, gast.Name) and n.id == name) != 1:
        return False
    parents, holders = S.parent_nodes(tree), _views_of(tree, name)
    if holders is None:
        return False
    nodes = list(S.walk_nodes(tree))
    if any(isinstance(n, (gast.Global, gast.Nonlocal)) and holders & set(n.names) for n in nodes) \
            or any(isinstance(n, _SCOPES) and n is not tree and (holders | {me}) & S.names_in(n) for n in nodes):
        return False
    in_construction = {id(n) for n in S.walk_nodes(construction.value)}
    if any(isinstance(n, gast.Name) and n.id in holders and isinstance(n.ctx, gast.Load)
           and id(n) not in in_construction and not _read_or_viewed(n, parents, holders, resolve) for n in nodes):
        return False
    earlier = {id(n) for top in before for n in S.walk_nodes(top)}
    return _results_new(normalizer, tree, construction, me) and not any(is_attribute(n, me, attr) and not isinstance(n.ctx, gast.Load) for n in nodes) \
        and not any(isinstance(n, gast.Name) and n.id == me and n is not construction.targets[0]
                    and (id(n) in earlier or not _used_alone(n, parents, me, attr, holders, resolve)) for n in nodes)


def write_synced(tree, at, position, found):
    """``Acc(+buf)``, and ``buf[...] = +a.data`` after each statement calling a method of ``a``."""
    name, me, attr = found
    write_synced_name(tree.body, tree.body[at].body[position], name, None, me, attr)


def write_synced_name(body, construction, name, condition, me, attr):
    """``name`` handed by ``construction`` as ``+name``, and ``name[...] = +me.attr`` (under
    ``if condition:`` where given) after each statement of ``body`` calling a method of ``me``."""
    hand_a_copy(construction, name)
    _sync_after_calls(body, name, condition, me, attr)


def hand_a_copy(construction, name):
    """Each read of ``name`` in the value ``construction`` binds made ``+name``, a new array
    (the copies made are not walked again)."""
    for node in list(S.walk_nodes(construction.value)):
        for field, value in gast.iter_fields(node):
            if isinstance(value, gast.Name) and value.id == name:
                setattr(node, field, copy_of(value))
            elif isinstance(value, list):
                value[:] = [copy_of(item) if isinstance(item, gast.Name) and item.id == name else item
                            for item in value]


def _sync_after_calls(block, name, condition, me, attr):
    for at in reversed(range(len(block))):
        stmt = block[at]
        if _method_statement(stmt, me):
            read = gast.Attribute(value=S.name(me), attr=attr, ctx=gast.Load())
            store = gast.Subscript(value=S.name(name), slice=S.const(Ellipsis), ctx=gast.Store())
            sync = S.assign(store, copy_of(read))
            if condition is not None:
                sync = gast.If(test=condition(), body=[sync], orelse=[])
            block.insert(at + 1, gast.copy_location(sync, stmt))
        elif not isinstance(stmt, _SCOPES):
            for field in ("body", "orelse", "finalbody", "handlers"):
                inner = getattr(stmt, field, None)
                if isinstance(inner, list):
                    _sync_after_calls(inner, name, condition, me, attr)


def _method_statement(stmt, me):
    """Whether ``stmt`` is ``me.method(...)`` or ``r = me.method(...)`` (turn_before_objects.py
    takes the second only where the method returns a new value: never a view of the array)."""
    return (isinstance(stmt, gast.Expr) or isinstance(stmt, gast.Assign) and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], gast.Name) and stmt.targets[0].id != me) \
        and isinstance(stmt.value, gast.Call) and isinstance(stmt.value.func, gast.Attribute) \
        and isinstance(stmt.value.func.value, gast.Name) and stmt.value.func.value.id == me


def _results_new(normalizer, tree, construction, me):
    """Whether each ``r = me.method(...)`` of ``tree`` calls a method of the class
    ``construction`` builds that returns only values its own operators make (``return
    self.data[k] * 2.0``): new ones, never a view of the array, which the copy the object
    holds would not keep equal to the one Python's object shares."""
    cls = normalizer.built_class_of(construction.value)
    for node in S.walk_nodes(tree):
        if isinstance(node, gast.Assign) and node is not construction and _method_statement(node, me):
            method = M.static_attribute(cls, node.value.func.attr) if cls is not None else None
            body = function_tree(method) if isinstance(method, types.FunctionType) else None
            if body is None or not all(isinstance(r.value, _NEW) or r.value is None for r in _returns(body)):
                return False
    return True


def _returns(tree):
    """The ``return`` statements of the function ``tree`` itself, not of those it defines."""
    found, todo = [], list(tree.body)
    while todo:
        node = todo.pop()
        if isinstance(node, gast.Return):
            found.append(node)
        if not isinstance(node, _SCOPES):
            todo.extend(gast.iter_child_nodes(node))
    return found


def copy_of(node):
    """``+node``: a new array holding the same values, of the same dtype."""
    return gast.copy_location(gast.UnaryOp(op=gast.UAdd(), operand=node), node)


def _views_of(tree, name):
    """``name`` and the names bound (by ``v = name[...]``, ``v = name.T``, ``v = name``, or
    of such a name) to views of it, where no other statement binds one; else None."""
    holders, grown = {name}, True
    while grown:
        grown = False
        for node in S.walk_nodes(tree):
            if isinstance(node, gast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], gast.Name) \
                    and _view_of(node.value, holders) and node.targets[0].id not in holders:
                holders.add(node.targets[0].id)
                grown = True
    for node in S.walk_nodes(tree):
        if isinstance(node, gast.Name) and node.id in holders and not isinstance(node.ctx, gast.Load) \
                and node.id != name and not _binds_a_view(node, tree, holders):
            return None
    return holders


def _view_of(value, holders):
    inner = value.value if isinstance(value, gast.Subscript) \
        or isinstance(value, gast.Attribute) and value.attr == "T" else value
    return isinstance(inner, gast.Name) and inner.id in holders


def _binds_a_view(target, tree, holders):
    return any(isinstance(n, gast.Assign) and n.targets == [target] and _view_of(n.value, holders)
               for n in S.walk_nodes(tree))


def _bound_once_before(tree, at, name, resolve):
    """Whether ``name`` is a parameter never bound, or bound once, by a statement of the
    function's own body before the loop, to a new array."""
    stores = [n for n in S.walk_nodes(tree) if isinstance(n, gast.Name) and n.id == name
              and not isinstance(n.ctx, (gast.Load, gast.Param))]
    if not stores:
        return name in parameters_of(tree)
    return len(stores) == 1 and any(isinstance(top, gast.Assign) and top.targets == stores
                                    and made_new(top.value, resolve) for top in tree.body[:at])


def _read_or_viewed(node, parents, holders, resolve):
    """Whether the read ``node`` of a holder is read at once, an item of it read so, or the
    value a view of it is bound from."""
    parent = parents.get(node)
    if _read_at_once(node, parents, resolve):
        return True
    if isinstance(parent, (gast.Subscript, gast.Attribute)) and parent.value is node \
            and isinstance(parent.ctx, gast.Load):
        if _read_at_once(parent, parents, resolve):
            return True
        node, parent = parent, parents.get(parent)
    return isinstance(parent, gast.Assign) and parent.value is node and len(parent.targets) == 1 \
        and isinstance(parent.targets[0], gast.Name) and parent.targets[0].id in holders


def _read_so(node, parents, resolve):
    """Whether the read ``node`` is read at once, or an item of it read so."""
    parent = parents.get(node)
    return _read_at_once(node, parents, resolve) \
        or isinstance(parent, gast.Subscript) and parent.value is node and _read_at_once(parent, parents, resolve)


def _used_alone(node, parents, me, attr, holders, resolve):
    """Whether the name ``node`` of the object is a method's receiver in a statement of
    its own whose arguments name no holder, or ``me.attr`` read at once, an item of it read
    so, or an argument of such a call."""
    outer = parents.get(node)
    if isinstance(outer, gast.Attribute) and outer.attr != attr:
        call = parents.get(outer)
        statement = parents.get(call)
        return isinstance(call, gast.Call) and call.func is outer and _method_statement(statement, me) \
            and all(_read_so(n, parents, resolve) for a in call.args + [k.value for k in call.keywords]
                    for n in S.walk_nodes(a) if isinstance(n, gast.Name) and n.id in holders)
    if not is_attribute(outer, me, attr):
        return False
    if _read_at_once(outer, parents, resolve):
        return True
    item = parents.get(outer)
    if isinstance(item, gast.Subscript) and item.value is outer and isinstance(item.ctx, gast.Load):
        outer, item = item, parents.get(item)
        if _read_at_once(outer, parents, resolve):
            return True
    call = item if not isinstance(item, gast.keyword) else parents.get(item)
    return isinstance(call, gast.Call) and _method_statement(parents.get(call), me) if call is not None else False


def sync_handed_in_the_body(normalizer, tree):
    """Each object built by a statement of the function's own body, handed a name of the
    function's own that handed_arrays.py does not follow as it is (a view of it kept), or
    one of two chosen by a conditional expression (``Acc(buf if s > 0 else other)``, as
    branch_objects.py writes an object bound in both branches of an ``if``): handed a copy,
    and the name the test chose written in place after each call of its method
    (``if chosen: buf[...] = +a.data``), the test evaluated once before. Whether one was."""
    written, changed, resolve = False, {}, normalizer.resolve_call
    for stmt in list(tree.body):
        found = handed_argument(normalizer, stmt, changed, (gast.Name, gast.IfExp))
        if found is None:
            continue
        argument, me, attr = found
        at = tree.body.index(stmt)
        sides = [argument] if isinstance(argument, gast.Name) else [argument.body, argument.orelse]
        names = [side.id for side in sides if isinstance(side, gast.Name)]
        if not names or len(set(names)) != len(names) \
                or not all(isinstance(side, gast.Name) or made_new(side, resolve) for side in sides) \
                or len(sides) == 1 and bound_before(tree.body, at, names[0], resolve) is not None \
                or not all(_kept_alone(normalizer, tree, at, name, me, attr) for name in names):
            continue
        _write_chosen(normalizer, tree, at, argument, names, me, attr)
        written = True
    return written


def _kept_alone(normalizer, tree, at, name, me, attr):
    """``synced_in_place``'s conditions for ``name`` handed by ``tree.body[at]``, bound
    once before it to a new array (not a parameter: a list handed in has no unary plus)."""
    return name not in parameters_of(tree) and _bound_once_before(tree, at, name, normalizer.resolve_call) \
        and _read_and_called_alone(normalizer, tree, tree.body[at], (name, me, attr), tree.body[:at])


def _write_chosen(normalizer, tree, at, argument, names, me, attr):
    """The rewrite ``sync_handed_in_the_body`` describes, of ``tree.body[at]``."""
    construction = tree.body[at]
    if isinstance(argument, gast.Name):
        write_synced_name(tree.body, construction, names[0], None, me, attr)
        return
    chosen = normalizer.namer.fresh("chosen")
    normalizer.locals.add(chosen)
    tree.body.insert(at, gast.copy_location(S.assign(chosen, argument.test), construction))
    argument.test = S.name(chosen)
    for side, condition in ((argument.body, lambda: S.name(chosen)),
                            (argument.orelse, lambda: gast.UnaryOp(op=gast.Not(), operand=S.name(chosen)))):
        if isinstance(side, gast.Name):
            write_synced_name(tree.body, construction, side.id, condition, me, attr)
