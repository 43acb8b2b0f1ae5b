"""The keys a dict of the function holds where it is spread into a call, known from the
code: ``opts = dict(a=w); opts["b"] = s; helper(x, **opts)`` passes ``a`` and ``b``, so
the call is ``helper(x, a=opts["a"], b=opts["b"])``, made for those keywords as a call
written so is (a helper with ``**kwargs`` included).

Known only for a name bound once, at the top level of the body, to a dict display with
string keys (or ``{**other, "k": v}`` of another such dict, or ``dict(a=..., ...)``, or
a comprehension ``{k: ... for k in ("a", "b")}`` over constant keys),
given new keys only by ``opts["k"] = v`` statements at the top level, and named nowhere
else but as ``opts["k"]`` and ``**opts``: the keys at a use are the display's and those
stored by the statements before it."""

import builtins

import gast

from ...core import syntax as S
from .instances import parents_of
from .scopes import binding_counts


def known_keys(normalizer, node, use):
    """The keys (in order) the dict ``node`` (a Name) holds at the expression ``use``,
    or None when they are not known (see the module docstring)."""
    tree = normalizer.source.tree
    if not isinstance(node, gast.Name) or node.id not in normalizer.locals \
            or binding_counts([tree]).get(node.id) != 1:
        return None
    return _keys(normalizer, tree, node.id, _position(tree, use), depth=4)


def _position(tree, node):
    """The index of the top-level statement of ``tree``'s body holding ``node``."""
    for index, stmt in enumerate(tree.body):
        if any(n is node for n in S.walk_nodes(stmt)):
            return index
    return None


def _keys(normalizer, tree, name, at, depth):
    if at is None or depth <= 0:
        return None
    made, stores = None, []
    for index, stmt in enumerate(tree.body):
        if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1:
            target = stmt.targets[0]
            if isinstance(target, gast.Name) and target.id == name:
                made = (index, stmt.value)
            elif _item_of(target, name):
                stores.append((index, target.slice.value))
    if made is None or made[0] >= at or not _plain_uses(tree, name):
        return None
    keys = _display_keys(normalizer, tree, made[1], made[0], depth)
    if keys is None:
        return None
    for index, key in stores:
        if made[0] < index < at and key not in keys:
            keys.append(key)
    return keys


def _display_keys(normalizer, tree, value, at, depth):
    if isinstance(value, gast.Call) and not value.args and all(kw.arg is not None for kw in value.keywords):
        path = S.dotted_path(value.func)
        if path is not None and path[0] not in normalizer.locals \
                and normalizer.source.resolve_path(path) is builtins.dict:
            return [kw.arg for kw in value.keywords]
        return None
    if isinstance(value, gast.DictComp):
        return _comprehension_keys(normalizer, value)
    if not isinstance(value, gast.Dict):
        return None
    keys = []
    for key, item in zip(value.keys, value.values):
        if key is None:
            inner = _keys(normalizer, tree, item.id, at, depth - 1) if isinstance(item, gast.Name) else None
            if inner is None:
                return None
            keys += [k for k in inner if k not in keys]
        elif isinstance(key, gast.Constant) and isinstance(key.value, str):
            keys += [key.value] if key.value not in keys else []
        else:
            return None
    return keys


def _comprehension_keys(normalizer, value):
    """The keys of ``{k: ... for k in ("a", "b") if k != "c"}``: a comprehension over a
    tuple or list of strings (a display, or a global name holding a tuple), whose key is
    the loop name and whose conditions compare that name with constants only."""
    if len(value.generators) != 1 or not isinstance(value.key, gast.Name):
        return None
    loop = value.generators[0]
    if loop.is_async or not isinstance(loop.target, gast.Name) or loop.target.id != value.key.id:
        return None
    keys = _constant_strings(normalizer, loop.iter)
    if keys is None or not all(_constant_test(test, loop.target.id) for test in loop.ifs):
        return None
    tests = [compile(gast.gast_to_ast(gast.Expression(body=test)), "<keys>", "eval") for test in loop.ifs]
    kept = []
    for key in keys:
        if all(eval(test, {"__builtins__": {}}, {loop.target.id: key}) for test in tests) and key not in kept:
            kept.append(key)
    return kept


def _constant_strings(normalizer, node):
    if isinstance(node, (gast.Tuple, gast.List)):
        items = [elt.value if isinstance(elt, gast.Constant) else None for elt in node.elts]
    else:
        path = S.dotted_path(node)
        if path is None or path[0] in normalizer.locals:
            return None
        items = normalizer.source.resolve_path(path)
        if not isinstance(items, tuple):
            return None
        items = list(items)
    return items if all(isinstance(item, str) for item in items) else None


_CONSTANT_TEST_NODES = (gast.Compare, gast.BoolOp, gast.UnaryOp, gast.Constant, gast.Tuple, gast.List,
                        gast.Set, gast.Load, gast.cmpop, gast.boolop, gast.Not)


def _constant_test(test, name):
    """Whether ``test`` compares the loop name with constants only (so it can be
    evaluated for each key when the code is generated)."""
    return all(isinstance(node, _CONSTANT_TEST_NODES) or (isinstance(node, gast.Name) and node.id == name)
               for node in gast.walk(test))


def _item_of(node, name):
    return isinstance(node, gast.Subscript) and isinstance(node.value, gast.Name) and node.value.id == name \
        and isinstance(node.slice, gast.Constant) and isinstance(node.slice.value, str)


def _plain_uses(tree, name):
    """Whether ``name`` is read only as ``name["k"]`` or spread by ``**name``, and
    written only as ``name["k"] = v`` statements at the top level of the body."""
    parents = parents_of(tree)
    top = {id(stmt.targets[0]) for stmt in tree.body if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1}
    for node in S.walk_nodes(tree):
        if not (isinstance(node, gast.Name) and node.id == name) or isinstance(node.ctx, gast.Store):
            continue
        parent = parents.get(id(node))
        if isinstance(parent, gast.keyword) and parent.arg is None:
            continue
        if isinstance(parent, gast.Dict) and any(v is node and k is None for k, v in zip(parent.keys, parent.values)):
            continue
        if _item_of(parent, name) and (isinstance(parent.ctx, gast.Load) or id(parent) in top):
            continue
        return False
    return True
