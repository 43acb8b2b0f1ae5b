"""Small constructors and queries for gast trees, so the transforms read as intent."""

import ast
from collections import deque

import gast

from . import anno
from .walk import _CHILD_FIELDS, child_fields, walk_statements


def name(identifier, store=False):
    ctx = gast.Store() if store else gast.Load()
    return gast.Name(id=identifier, ctx=ctx, annotation=None, type_comment=None)


def const(value):
    return gast.Constant(value=value, kind=None)


def assign(target, value, line=None):
    """``target = value``; ``target`` is a name string or a gast target node."""
    if isinstance(target, str):
        target = name(target, store=True)
    node = gast.Assign(targets=[target], value=value, type_comment=None)
    if line is not None:
        node.lineno = line
    return node


def expr_stmt(value, line=None):
    node = gast.Expr(value=value)
    if line is not None:
        node.lineno = line
    return node


def call(func, args=(), keywords=()):
    """``func(*args, **keywords)``; ``func`` is a dotted string or a node."""
    if isinstance(func, str):
        func = dotted(func)
    kws = [gast.keyword(arg=k, value=v) for k, v in dict(keywords).items()]
    return gast.Call(func=func, args=list(args), keywords=kws)


def dotted(path):
    """``a.b.c`` as a Load expression."""
    parts = path.split(".")
    node = name(parts[0])
    for part in parts[1:]:
        node = gast.Attribute(value=node, attr=part, ctx=gast.Load())
    return node


def parse_expr(text):
    return gast.parse(text).body[0].value


def parse_stmts(text):
    return gast.parse(text).body


def is_atom(node):
    return isinstance(node, (gast.Name, gast.Constant))


def dotted_path(node):
    """``['np', 'linalg', 'norm']`` for ``np.linalg.norm``; None if not a plain chain."""
    parts = []
    while isinstance(node, gast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, gast.Name):
        parts.append(node.id)
        return parts[::-1]
    return None


def name_nodes(node):
    """The Name nodes under ``node``, in no particular order (for counts and sets)."""
    return _names(node)


def names_in(node):
    """Every Name id read or written anywhere under ``node``."""
    return {n.id for n in _names(node)}


def loaded_names(node):
    return {n.id for n in _names(node) if isinstance(n.ctx, gast.Load)}


def stored_names(node):
    return {n.id for n in _names(node) if isinstance(n.ctx, gast.Store)}


def walk_nodes(node):
    """Every node under ``node`` (itself included), in the order ``ast.walk`` gives
    (breadth first), for gast and stdlib trees alike: ``ast.walk`` makes two generators
    per node, which made walking trees a fifth of generating a derivative."""
    todo = deque([node])
    append, popleft, ast_type = todo.append, todo.popleft, ast.AST
    cached = _CHILD_FIELDS.get
    while todo:
        node = popleft()
        fields = cached(node.__class__)
        for field in child_fields(node.__class__) if fields is None else fields:
            value = getattr(node, field, None)
            if isinstance(value, ast_type):
                append(value)
            elif type(value) is list:
                for item in value:
                    if isinstance(item, ast_type):
                        append(item)
        yield node


def all_nodes(node):
    """``walk_nodes(node)`` as a list: for the front end's checks, which each look at
    every node of the function (one walk, its list read by each)."""
    return list(walk_nodes(node))


def _names(node):
    """The Name nodes under ``node`` (in no particular order): what ``gast.walk`` would
    find, without its generators per node (these queries run for every statement of
    every pass)."""
    found, stack = [], [node]
    ast_type, name_type = gast.AST, gast.Name
    cached = _CHILD_FIELDS.get
    while stack:
        current = stack.pop()
        if type(current) is name_type:
            found.append(current)
        fields = cached(current.__class__)
        for field in child_fields(current.__class__) if fields is None else fields:
            value = getattr(current, field, None)
            if type(value) is list:
                stack.extend(item for item in value if isinstance(item, ast_type))
            elif isinstance(value, ast_type):
                stack.append(value)
    return found


def copy(node):
    """Deep copy that keeps line numbers and annotations (core/anno.py).

    Nodes and lists are copied here directly (``copy.deepcopy`` spends most of its time
    on its generic protocol); the per-statement analysis facts that are never changed
    after they are set (``anno.SHARED_KEYS``: live names, unshared names) are shared
    with the copy, since copying them made copying a statement cost as much as the
    function is long. Any other annotation value is deep-copied, nodes in it included,
    with one memo, as ``copy.deepcopy`` of the whole node would."""
    return _copy_value(node, {})


_ATOMIC = (str, int, float, bool, complex, bytes, type(None), type(Ellipsis))
_ATOMIC_TYPES = frozenset(_ATOMIC)      # exactly these types: one set lookup, no isinstance


def _copy_value(value, memo):
    kind = type(value)
    if kind in _ATOMIC_TYPES:
        return value
    if kind is list:
        return [_copy_value(item, memo) for item in value]
    if isinstance(value, gast.AST):
        return _copy_node(value, memo)
    if isinstance(value, _ATOMIC):
        return value
    if isinstance(value, list):
        return [_copy_value(item, memo) for item in value]
    return _deepcopy(value, memo)


def _copy_node(node, memo):
    """A copy of ``node`` (memo: id of an original -> its copy, as for copy.deepcopy; the
    originals need no keeping alive: the tree being copied holds them)."""
    copied = memo.get(id(node))
    if copied is not None:
        return copied
    cls = node.__class__
    copied = cls.__new__(cls)
    memo[id(node)] = copied
    state = copied.__dict__
    atomic, slot = _ATOMIC_TYPES, anno.SLOT
    for field, item in node.__dict__.items():
        if type(item) in atomic:
            state[field] = item
        elif field == slot:
            state[field] = _copy_annotations(item, memo)
        else:
            state[field] = _copy_value(item, memo)
    return copied


def _copy_annotations(slot, memo):
    shared, atomic = anno.SHARED_KEYS, _ATOMIC_TYPES
    return {key: item if key in shared or type(item) in atomic else _deepcopy(item, memo)
            for key, item in slot.items()}


def _deepcopy(value, memo):
    import copy as _copy
    return _copy.deepcopy(value, memo)


def statements(block):
    """Every statement in ``block``, nested ones included, in order: the older name of
    ``walk.walk_statements``, which new code uses."""
    return walk_statements(block)


def header_nodes(stmt):
    """The expressions a statement itself evaluates (not its nested blocks)."""
    if isinstance(stmt, (gast.If, gast.While)):
        return [stmt.test]
    if isinstance(stmt, gast.For):
        return [stmt.iter]
    return [stmt]


class _LoadReplacer(gast.NodeTransformer):
    def __init__(self, identifier, value):
        self.identifier = identifier
        self.value = value

    def visit_Name(self, node):
        if isinstance(node.ctx, gast.Load) and node.id == self.identifier:
            return self.value
        return node


def replace_loads(tree, identifier, value):
    """Replace each read of the name ``identifier`` in ``tree`` by the node ``value``
    (the same node at each read: callers replace a name read once). Returns the tree."""
    return _LoadReplacer(identifier, value).visit(tree)
