"""Lists of built objects gathered item by item, written as the display they amount
to, so item_objects.py can split them into names of their own::

    ls = [Layer(k * w) for k in range(3)]          ls = [Layer(0 * w), Layer(1 * w), Layer(2 * w)]

    ls = []
    for k in range(3):                       ->    ls = [Layer(0 * w), Layer(1 * w), Layer(2 * w)]
        ls.append(Layer(k * w))

Python builds the same list of the same objects, calling each item's expression once,
in order, with the loop variable bound to each value in turn: the same here, the
variable written as the constant it is. Taken only where nothing can tell the two
apart: the values iterated over are ``range`` of integer constants or a display of
constants (at most ``_LIMIT``, at least one), each item is a call that names neither the
list nor a nested scope (no lambda, comprehension, walrus, yield), and the ``append``
loops follow ``ls = []`` at once, in its block, each its loop's one statement, with no
``else``, its variable named only by loops binding it and in their bodies (each such
read sees its own loop's value), in no nested scope. An item's exception
leaves a list nobody reads (item_objects.py takes no function with a ``try`` or
``with``).

A loop over a display of rows, each an object built beside constants (``for layer, s in
[(Layer(a), 2.0), (Layer(b), 3.0)]``), goes over ``zip`` of its columns, the calls bound
first to a list of their own (row_columns.py does the same for such rows held in a name).

``gather_built_lists`` rewrites and returns, per list, how to put the code back: the
caller keeps the display only for the lists it splits.
"""

import builtins

import gast

from ...core import syntax as S
from ...core.walk import walk_blocks

_LIMIT = 64

# what an item's expression may not hold: its own scope, or a binding of a name
_SCOPED = (gast.Lambda, gast.NamedExpr, gast.ListComp, gast.GeneratorExp, gast.DictComp, gast.SetComp,
           gast.Yield, gast.YieldFrom, gast.Await)


def gather_built_lists(normalizer, tree):
    """Rewrite ``tree`` as the module docstring says: {list name: [a function putting its
    code back]}."""
    undo = {}
    for block in list(walk_blocks(tree.body)):
        for stmt in list(block):
            if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name):
                name = stmt.targets[0].id
                if isinstance(stmt.value, gast.ListComp):
                    items = _comprehension_items(normalizer, stmt.value, name)
                    if items:
                        undo[name] = [_display_for_comprehension(stmt, items)]
                elif isinstance(stmt.value, gast.List) and not stmt.value.elts:
                    gathered = _appended_items(normalizer, tree, block, stmt, name)
                    if gathered:
                        undo[name] = [_display_for_appends(block, stmt, *gathered)]
            elif isinstance(stmt, gast.For):
                column = _built_column(normalizer, stmt)
                if column is not None:
                    name = normalizer.namer.fresh(f"{stmt.target.elts[column].id}s")
                    undo[name] = [_zipped_columns(normalizer, block, stmt, column, name)]
    return undo


def _built_column(normalizer, loop):
    """The position of the one column of calls where ``loop`` is ``for a, s in [(call,
    constant), ...]`` (every other column constants, the target that many names); else None."""
    rows, target = loop.iter, loop.target
    if not (isinstance(rows, (gast.List, gast.Tuple)) and rows.elts and isinstance(target, gast.Tuple)
            and len(target.elts) >= 2 and all(isinstance(e, gast.Name) for e in target.elts)
            and len({e.id for e in target.elts}) == len(target.elts)
            and all(isinstance(row, gast.Tuple) and len(row.elts) == len(target.elts) for row in rows.elts)
            and len(rows.elts) <= _LIMIT):
        return None
    built = column_of_objects(rows.elts, lambda k: target.elts[k].id)
    if built is None or not zip_is_builtin(normalizer):
        return None
    return built


def zip_is_builtin(normalizer):
    """Whether the name ``zip`` in the function is Python's."""
    return "zip" not in normalizer.bound_count and normalizer.resolve_call(
        gast.Call(func=S.name("zip"), args=[], keywords=[])) is builtins.zip


def column_of_objects(rows, unread):
    """The position of the one column of ``rows`` (tuple displays of one length) holding
    calls, each naming neither ``unread(position)`` nor a nested scope, every other column
    constants; else None."""
    built = [k for k in range(len(rows[0].elts)) if not all(is_constant(row.elts[k]) for row in rows)]
    if len(built) != 1 or not all(written_item(row.elts[built[0]], unread(built[0])) for row in rows):
        return None
    return built[0]


def _zipped_columns(normalizer, block, loop, column, name):
    """``name = [the calls]`` before ``loop``, which goes over ``zip`` of the columns:
    the calls made before the loop starts, in order, as Python makes them."""
    rows = loop.iter
    columns = [gast.List(elts=[row.elts[k] for row in rows.elts], ctx=gast.Load())
               for k in range(len(loop.target.elts))]
    bound = gast.copy_location(S.assign(S.name(name, store=True), columns[column]), loop)
    columns[column] = S.name(name)
    loop.iter = gast.copy_location(gast.Call(func=S.name("zip"), args=columns, keywords=[]), rows)
    block.insert(next(i for i, other in enumerate(block) if other is loop), bound)
    normalizer.bound_count[name] = 1

    def put_back():
        loop.iter = rows
        block.remove(bound)
        del normalizer.bound_count[name]
    return put_back


def _display_for_comprehension(stmt, items):
    comprehension = stmt.value
    stmt.value = gast.copy_location(gast.List(elts=items, ctx=gast.Load()), comprehension)

    def put_back():
        stmt.value = comprehension
    return put_back


def _display_for_appends(block, stmt, items, count):
    """``ls = [items]`` in place of ``ls = []`` and the ``count`` statements after it."""
    start = next(i for i, other in enumerate(block) if other is stmt)
    original = block[start:start + 1 + count]
    display = gast.copy_location(S.assign(S.name(stmt.targets[0].id, store=True),
                                          gast.List(elts=items, ctx=gast.Load())), stmt)
    block[start:start + 1 + count] = [display]

    def put_back():
        at = next((i for i, other in enumerate(block) if other is display), None)
        if at is not None:
            block[at:at + 1] = original
    return put_back


def _comprehension_items(normalizer, comprehension, name):
    """The items of ``[call for k in values]`` written out; else None."""
    if len(comprehension.generators) != 1:
        return None
    generator = comprehension.generators[0]
    if generator.ifs or generator.is_async or not isinstance(generator.target, gast.Name):
        return None
    return _written_out(normalizer, comprehension.elt, generator.target.id, generator.iter, name)


def _appended_items(normalizer, tree, block, stmt, name):
    """(the items, how many statements gave them) where ``ls = []`` (``stmt``) is
    followed at once by ``ls.append(call)`` or ``for k in values: ls.append(call)``
    statements; else None."""
    items, count = [], 0
    for later in block[[i for i, other in enumerate(block) if other is stmt][0] + 1:]:
        if _appended(later, name) is not None:
            added = written_item(_appended(later, name), name)
            if added is None:
                break
            items.append(S.copy(added))
        elif isinstance(later, gast.For) and not later.orelse and len(later.body) == 1 \
                and isinstance(later.target, gast.Name) and _appended(later.body[0], name) is not None \
                and _only_in(tree, later.target.id):
            added = _written_out(normalizer, _appended(later.body[0], name), later.target.id, later.iter, name)
            if added is None:
                break
            items += added
        else:
            break
        count += 1
    return (items, count) if items and len(items) <= _LIMIT else None


def _appended(stmt, name):
    """``v`` where ``stmt`` is ``name.append(v)``; else None."""
    call = stmt.value if isinstance(stmt, gast.Expr) else None
    if isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute) and call.func.attr == "append" \
            and isinstance(call.func.value, gast.Name) and call.func.value.id == name \
            and len(call.args) == 1 and not call.keywords and not isinstance(call.args[0], gast.Starred):
        return call.args[0]
    return None


def _only_in(tree, variable):
    """Whether the loop variable ``variable`` is named only by ``for`` loops binding it and
    in their bodies, never in a nested scope: each read sees its own loop's value, so a loop
    written out leaves none of them another (after a loop, Python leaves it bound to the
    last value, which a later loop binds anew before reading)."""
    loops = [node for node in S.walk_nodes(tree) if isinstance(node, gast.For)
             and isinstance(node.target, gast.Name) and node.target.id == variable]
    inside = {id(node) for loop in loops for stmt in loop.body for node in S.walk_nodes(stmt)}
    targets = {id(loop.target) for loop in loops}
    scoped = (gast.FunctionDef, gast.AsyncFunctionDef, gast.Lambda, gast.ClassDef, gast.ListComp, gast.SetComp,
              gast.DictComp, gast.GeneratorExp, gast.Global, gast.Nonlocal)
    return all(id(node) in targets or id(node) in inside and isinstance(node.ctx, gast.Load)
               for node in S.walk_nodes(tree) if isinstance(node, gast.Name) and node.id == variable) \
        and not any(isinstance(node, scoped) and node is not tree
                    and variable in S.names_in(node) | set(getattr(node, "names", ())) for node in S.walk_nodes(tree))


def written_item(node, name):
    """``node`` where it may be an item written out: a call naming neither the list nor
    a nested scope; else None."""
    if not isinstance(node, gast.Call) or any(isinstance(sub, _SCOPED) or isinstance(sub, gast.Name)
                                              and sub.id == name for sub in S.walk_nodes(node)):
        return None
    return node


def _written_out(normalizer, element, variable, values, name):
    """``element`` once per value of ``values``, ``variable`` read as that value; else None."""
    constants = _constants(normalizer, values)
    if constants is None or written_item(element, name) is None or not 0 < len(constants) <= _LIMIT:
        return None
    return [_with_value(element, variable, value) for value in constants]


def _constants(normalizer, values):
    """The nodes of the constants iterating over ``values`` gives: ``range`` of integer
    constants, a list or tuple display of constants; else None."""
    if isinstance(values, (gast.List, gast.Tuple)):
        return values.elts if all(is_constant(e) for e in values.elts) else None
    if isinstance(values, gast.Call) and normalizer.resolve_call(values) is builtins.range and not values.keywords \
            and 1 <= len(values.args) <= 3 and all(isinstance(a, gast.Constant) and type(a.value) is int
                                                   for a in values.args):
        return [gast.copy_location(S.const(k), values) for k in range(*[a.value for a in values.args])]
    return None


def is_constant(node):
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, (gast.USub, gast.UAdd)):
        node = node.operand
    return isinstance(node, gast.Constant)


def _with_value(element, variable, value):
    """A copy of ``element`` reading a copy of ``value`` at each read of ``variable``."""
    node = S.copy(element)
    for sub in list(S.walk_nodes(node)):
        for field, child in gast.iter_fields(sub):
            if isinstance(child, gast.Name) and child.id == variable:
                setattr(sub, field, gast.copy_location(S.copy(value), child))
            elif isinstance(child, list):
                child[:] = [gast.copy_location(S.copy(value), c) if isinstance(c, gast.Name) and c.id == variable
                            else c for c in child]
    return node
