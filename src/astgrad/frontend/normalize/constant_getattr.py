"""``getattr(obj, "name")`` with a name known when the code is generated, as
``obj.name``: a constant string, or the item of a local dict of constants read by a
constant key (``cfg = {"act": "tanh"}; getattr(np, cfg["act"])(x)``) where the dict is
bound once, at the top of the body before any read, and only ever read by subscript.
Then ``getattr(np, "tanh")(x)`` is followed as ``np.tanh(x)`` is. A private name
(``"__x"``, which ``obj.__x`` would mangle) or a ``getattr`` with a default stays a call."""

import builtins

import gast

from ...core import syntax as S


def rewrite_constant_getattr(normalizer, tree, nodes):
    """Rewrite each such ``getattr`` in ``tree`` (its ``nodes``) in place; whether any was."""
    calls = [n for n in nodes if isinstance(n, gast.Call) and isinstance(n.func, gast.Name)
             and n.func.id == "getattr" and len(n.args) == 2 and not n.keywords
             and normalizer.resolve_call(n) is builtins.getattr]
    names = {id(call): _constant_name(tree, nodes, call.args[1]) for call in calls}
    if not any(names.values()):
        return False
    _Rewrite(names).visit(tree)
    return True


class _Rewrite(gast.NodeTransformer):
    def __init__(self, names):
        self.names = names

    def visit_Call(self, node):
        self.generic_visit(node)
        name = self.names.get(id(node))
        if not name:
            return node
        attribute = gast.Attribute(value=node.args[0], attr=name, ctx=gast.Load())
        return gast.copy_location(attribute, node)


def _constant_name(tree, nodes, node):
    """The attribute name ``node`` certainly holds, or None."""
    if isinstance(node, gast.Subscript) and isinstance(node.value, gast.Name) \
            and isinstance(node.slice, gast.Constant) and isinstance(node.ctx, gast.Load):
        node = _constant_item(tree, nodes, node.value.id, node.slice.value)
    if not (isinstance(node, gast.Constant) and isinstance(node.value, str) and node.value.isidentifier()):
        return None
    private = node.value.startswith("__") and not node.value.endswith("__")
    return None if private else node.value


def _constant_item(tree, nodes, name, key):
    """The value node of ``name[key]`` where ``name`` is a dict display bound once, by a
    statement of the body itself before any other use, and otherwise only read by
    subscript (nothing can change it); else None."""
    binds = [stmt for stmt in tree.body if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1
             and isinstance(stmt.targets[0], gast.Name) and stmt.targets[0].id == name]
    uses = [n for n in nodes if isinstance(n, gast.Name) and n.id == name]
    if len(binds) != 1 or not isinstance(binds[0].value, gast.Dict) or name in _declared(tree):
        return None
    bind = binds[0]
    read_by_subscript = {id(n.value) for n in nodes if isinstance(n, gast.Subscript)
                         and isinstance(n.ctx, gast.Load) and isinstance(n.value, gast.Name)}
    for use in uses:
        if use is bind.targets[0]:
            continue
        if id(use) not in read_by_subscript or getattr(use, "lineno", 0) <= getattr(bind, "lineno", 0):
            return None
    if any(k is None or not isinstance(k, gast.Constant) for k in bind.value.keys):
        return None         # a ** or computed key could hold it too
    found = [v for k, v in zip(bind.value.keys, bind.value.values) if k.value == key and type(k.value) is type(key)]
    return found[-1] if found else None


def _declared(tree):
    """Names the function declares global or nonlocal."""
    return {name for n in S.walk_nodes(tree) if isinstance(n, (gast.Global, gast.Nonlocal)) for name in n.names}
