"""The advice of a refusal of an in-place write into the name a ``for`` loop binds to
each item of an array or a list (``for row in M: row *= w``, ``for i, row in
enumerate(M)``): a row of an array is a view of it, so Python's write changes ``M`` too,
which astgrad follows where the loop goes over indices and reads the row by index
(``for i in range(len(M)): row = M[i]``)."""

import ast

import gast


def loop_item_advice(source, stmt, name):
    """The advice for a write into ``name`` at ``stmt``, where ``name`` is the item a
    ``for`` loop of the user's function binds, the loop holding ``stmt``; else None."""
    found = _loop_binding(source.tree, name, getattr(stmt, "lineno", None))
    if found is None:
        return None
    items, index = found
    return (f"'{name}' is an item of {items}, which the loop goes over: an array's row is a view of it, "
            f"so the write changes {items} too, as in Python. astgrad follows it where the loop goes over "
            f"indices and reads the item by index (for {index} in range(len({items})): {name} = {items}[{index}]); "
            f"where {items} should keep its values, write into a copy ({name} = {name}.copy()) or build a new "
            f"value ({name} = {name} + ...)")


def _loop_binding(tree, name, line):
    """(the items' text, the index's name) of the innermost loop of ``tree`` whose body
    holds ``line`` and which binds ``name`` to each item of a name or an attribute
    (``for name in items``, ``for i, name in enumerate(items)``); None where there is none."""
    if tree is None or line is None:
        return None
    found, index = None, None
    for node in gast.walk(tree):
        if not (isinstance(node, gast.For) and node.body and node.body[0].lineno <= line <= _last_line(node)) \
                or found is not None and node.lineno <= found.lineno:
            continue
        items, counter = _items_bound(node, name)
        if items is not None:
            found, index = node, (counter, items)
    if found is None:
        return None
    counter, items = index
    return _text(items), counter


def _items_bound(loop, name):
    """(the items, the counter's name) where ``loop`` binds ``name`` to each of them."""
    target, iterated = loop.target, loop.iter
    if isinstance(target, gast.Name) and target.id == name:
        return (iterated, "i") if _plain(iterated) else (None, None)
    if isinstance(target, gast.Tuple) and len(target.elts) == 2 \
            and all(isinstance(e, gast.Name) for e in target.elts) and target.elts[1].id == name \
            and isinstance(iterated, gast.Call) and isinstance(iterated.func, gast.Name) \
            and iterated.func.id == "enumerate" and len(iterated.args) == 1 and not iterated.keywords \
            and _plain(iterated.args[0]):
        return iterated.args[0], target.elts[0].id
    return None, None


def _plain(node):
    """Whether ``node`` is a name or an attribute of one (``M``, ``M.T``, ``self.rows``)."""
    while isinstance(node, gast.Attribute):
        node = node.value
    return isinstance(node, gast.Name)


def _text(node):
    return ast.unparse(gast.gast_to_ast(node))


def _last_line(node):
    return max((getattr(n, "end_lineno", None) or getattr(n, "lineno", 0) for n in gast.walk(node)), default=0)
