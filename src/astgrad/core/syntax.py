"""Small constructors and queries for gast trees, so the transforms read as intent."""

import ast
import copy as _copy
import operator
import types
from collections import deque

import gast

from . import anno
from .walk import _CHILD_FIELDS, OPERAND_FIELDS, child_fields, walk_statements


def name(identifier, store=False):
    """``gast.Name(id=identifier, ctx=..., annotation=None, type_comment=None)``, made
    without gast's constructor (a Python function, which made this, called for most
    nodes generated, cost twice as much)."""
    node = _NAME.__new__(_NAME)
    node.__dict__ = {"id": identifier, "ctx": _STORE_CONTEXT if store else _LOAD_CONTEXT,
                     "annotation": None, "type_comment": None}      # (a new dict: faster than update)
    return node


def const(value):
    """``gast.Constant(value=value, kind=None)``, made as ``name`` makes a name."""
    node = _CONSTANT.__new__(_CONSTANT)
    node.__dict__ = {"value": value, "kind": None}
    return node


def binop(left, op, right):
    """``gast.BinOp(left=left, op=op, right=right)``, made as ``name`` makes a name: the
    normalizer makes one for each operation of the code, reverse mode one for each
    derivative added to."""
    node = _BINOP.__new__(_BINOP)
    node.__dict__ = {"left": left, "op": op, "right": right}
    return node


_NAME, _CONSTANT, _LOAD, _STORE = gast.Name, gast.Constant, gast.Load, gast.Store
_ATTRIBUTE, _ASSIGN, _BINOP, _UNARYOP = gast.Attribute, gast.Assign, gast.BinOp, gast.UnaryOp
# one context of each kind, shared by every name made here (as the parser shares them, and
# a copy shares the original's: no pass changes or annotates a context, see _FIELDLESS):
# a new one for each name was a fifth of a derivative's names' memory
_LOAD_CONTEXT, _STORE_CONTEXT = _LOAD.__new__(_LOAD), _STORE.__new__(_STORE)


def attribute(value, attr):
    """``value.attr`` read (``gast.Attribute(value=value, attr=attr, ctx=gast.Load())``),
    made as ``name`` makes a name, with its shared Load context: reverse mode makes one
    for each push and pop of a saved value."""
    node = _ATTRIBUTE.__new__(_ATTRIBUTE)
    node.__dict__ = {"value": value, "attr": attr, "ctx": _LOAD_CONTEXT}
    return node


def _made(cls, **fields):
    """``cls(**fields)`` for a gast node class, without gast's constructor (see ``name``)."""
    node = cls.__new__(cls)
    node.__dict__.update(fields)
    return node


def assign(target, value, line=None):
    """``target = value``; ``target`` is a name string or a gast target node."""
    if isinstance(target, str):
        target = name(target, store=True)
    node = _made(gast.Assign, targets=[target], value=value, type_comment=None)
    if line is not None:
        node.lineno = line
    return node


def expr_stmt(value, line=None):
    node = _made(gast.Expr, value=value)
    if line is not None:
        node.lineno = line
    return node


def read_of(identifier):
    """``identifier is None``: a read of the name (raising where it is unbound, as Python
    does) that holds nothing of its object, so no analysis sees another name for it."""
    return _made(gast.Compare, left=name(identifier), ops=[_made(gast.Is)], comparators=[const(None)])


def read_name(value):
    """The name ``value`` (made by ``read_of``) reads, or None."""
    if value.__class__ is gast.Compare and value.left.__class__ is gast.Name and len(value.ops) == 1 \
            and value.ops[0].__class__ is gast.Is and value.comparators[0].__class__ is gast.Constant \
            and value.comparators[0].value is None:
        return value.left.id
    return None


def call(func, args=(), keywords=()):
    """``func(*args, **keywords)``; ``func`` is a dotted string or a node."""
    if isinstance(func, str):
        func = dotted(func)
    kws = [_made(gast.keyword, arg=k, value=v) for k, v in dict(keywords).items()]
    return _made(gast.Call, func=func, args=list(args), keywords=kws)


def dotted(path):
    """``a.b.c`` as a Load expression."""
    parts = path.split(".")
    node = name(parts[0])
    for part in parts[1:]:
        node = attribute(node, part)
    return node


def parse_expr(text):
    return gast.parse(text).body[0].value


def parse_stmts(text):
    return gast.parse(text).body


def is_atom(node):
    kind = node.__class__       # (class tests: gast's node classes have no subclasses)
    return kind is _NAME or kind is _CONSTANT


def dotted_path(node):
    """``['np', 'linalg', 'norm']`` for ``np.linalg.norm``; None if not a plain chain."""
    # class tests, not isinstance (gast's node classes have no subclasses): the passes over
    # a call each ask for its function's path, tens of thousands of times a generation
    kind = node.__class__
    if kind is _NAME:
        return [node.id]
    parts = []
    while kind is _ATTRIBUTE:
        parts.append(node.attr)
        node = node.value
        kind = node.__class__
    if kind is _NAME:
        parts.append(node.id)
        return parts[::-1]
    return None


def name_nodes(node):
    """The Name nodes under ``node``, in no particular order (for counts and sets)."""
    return _name_nodes(node)


def plain_operands(stmt):
    """The operands of ``stmt`` where it is ``name = operand``, ``name = operand OP operand``
    or ``name = OP operand`` with plain names or constants as operands (the core form's
    commonest statement: no call, attribute nor other node is under it); else None. Lets a
    walk looking for calls skip it, and one looking for reads take them without a walk.
    (Its checks are written out: it runs for most statements of several passes.)"""
    if stmt.__class__ is not _ASSIGN:
        return None
    targets = stmt.targets
    target = targets[0]
    if len(targets) != 1 or target.__class__ is not _NAME or target.annotation is not None:
        return None
    value = stmt.value
    kind = value.__class__
    if kind is _BINOP:
        left, right = value.left, value.right
        kind, other = left.__class__, right.__class__
        if (kind is _CONSTANT or kind is _NAME and left.annotation is None) \
                and (other is _CONSTANT or other is _NAME and right.annotation is None):
            return [left, right]
        return None
    if kind is _UNARYOP:
        value = value.operand
        kind = value.__class__
    if kind is _CONSTANT or kind is _NAME and value.annotation is None:
        return [value]
    return None


def call_nodes(node):
    """The Call nodes under ``node`` (itself included), in no particular order."""
    return _names(node, gast.Call)


def nodes_of_class(node, kind):
    """The nodes of class ``kind`` under ``node`` (itself included), in no particular
    order; ``kind`` holds no operator nor context (a Call, a NamedExpr)."""
    return _names(node, kind)


def names_in(node):
    """Every Name id read or written anywhere under ``node``."""
    return {n.id for n in _name_nodes(node)}


def loaded_names(node):
    return {n.id for n in _name_nodes(node) if n.ctx.__class__ is _LOAD}     # (gast's contexts have no subclasses)


def stored_names(node):
    return {n.id for n in _name_nodes(node) if n.ctx.__class__ is _STORE}


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


def parent_nodes(tree):
    """{node: the node holding it} for every node under ``tree`` (``tree`` itself has none)."""
    parents = {}
    for node in walk_nodes(tree):
        for child in gast.iter_child_nodes(node):
            parents[child] = node
    return parents


def operand_nodes(node):
    """The nodes ``walk_nodes`` gives (in its order, breadth first) but operators and
    Load/Store/Del contexts, as a list: for walks that look at names, calls and the
    expressions around them, which skip a third of the nodes so."""
    found, todo = [], deque([node])
    append, extend, popleft, fields = todo.append, todo.extend, todo.popleft, OPERAND_FIELDS
    common, name, constant = _COMMON_CHILDREN.get, gast.Name, gast.Constant
    binop, call, attribute, assign = gast.BinOp, gast.Call, gast.Attribute, gast.Assign
    add = found.append
    while todo:
        node = popleft()
        add(node)
        kind = node.__class__
        if kind is constant or kind is name and node.annotation is None:
            continue                    # nothing below it
        # the commonest inner nodes, their children in _COMMON_CHILDREN's order, without a call
        if kind is binop:
            append(node.left)
            append(node.right)
            continue
        if kind is call:
            append(node.func)
            extend(node.args)
            extend(node.keywords)
            continue
        if kind is attribute:
            append(node.value)
            continue
        if kind is assign:
            extend(node.targets)
            append(node.value)
            continue
        children = common(kind)
        if children is not None:
            extend(children(node))
        else:
            _push_fields(node, fields[kind], append, extend)
    return found


def statement_nodes(node):
    """The statements under ``node`` (itself included), with the except handlers and match
    cases holding some, in ``walk_nodes``' order (breadth first): for walks that look at
    assignments alone, which sit only in blocks, and a block only in a statement, a
    handler or a case. It skips the expressions, four nodes in five of a function."""
    found, todo = [], deque([node])
    append, popleft, add = todo.append, todo.popleft, found.append
    blocks = _BLOCKS_OF
    while todo:
        node = popleft()
        add(node)
        fields = blocks.get(node.__class__)
        if fields is None:
            fields = blocks[node.__class__] = tuple(
                field for field in child_fields(node.__class__) if field in _BLOCK_NAMES)
        for field in fields:
            value = getattr(node, field, None)
            if type(value) is list:
                for item in value:
                    if isinstance(item, _BLOCK_ITEMS):
                        append(item)
    return found


# the fields that may hold a block (a list of statements, handlers or cases), per class;
# an expression's fields of these names (IfExp.body, Lambda.body) are never reached
_BLOCK_NAMES = frozenset({"body", "orelse", "finalbody", "handlers", "cases"})
_BLOCK_ITEMS = (ast.stmt, ast.excepthandler, ast.match_case, gast.match_case)  # (gast's is its own class)
_BLOCKS_OF: dict = {}


def child_nodes(node):
    """The nodes directly under ``node``, in field order: ``ast.iter_child_nodes``
    without its generators, for gast and stdlib trees alike."""
    found, ast_type = [], ast.AST
    for field in child_fields(node.__class__):
        value = getattr(node, field, None)
        if isinstance(value, ast_type):
            found.append(value)
        elif type(value) is list:
            found.extend(item for item in value if isinstance(item, ast_type))
    return found


def all_nodes(node):
    """``walk_nodes(node)`` as a list: for the front end's checks, which each look at
    every node of the function (one walk, its list read by each)."""
    return list(walk_nodes(node))


def _names(node, name_type=gast.Name):
    """The Name nodes under ``node`` (in no particular order): what ``gast.walk`` would
    find, without its generators per node (these queries run for every statement of
    every pass). With ``name_type`` another node class: the nodes of that class (which
    holds no operator nor context, as a Call). The commonest nodes (names, constants,
    operations, calls, attributes) are walked here, without a call each."""
    if node.__class__ is _NAME and node.annotation is None:     # a lone name (a target): the commonest query
        return [node] if name_type is _NAME else []
    if name_type is _NAME:
        return _name_nodes(node)
    found, stack = [], [node]
    push, pop, extend, add = stack.append, stack.pop, stack.extend, found.append
    name, constant, binop, call, attribute = gast.Name, gast.Constant, gast.BinOp, gast.Call, gast.Attribute
    assign, expr = gast.Assign, gast.Expr
    # a plain name or a constant holds no node of another class: an operation's operands
    # that are one are not pushed (where constants are looked for, every node is)
    skip_leaves = name_type is not constant
    while stack:
        current = pop()
        cls = current.__class__
        if cls is name:
            if current.annotation is not None:
                push(current.annotation)
            continue
        if cls is name_type:
            add(current)
        if cls is constant:
            continue                    # nothing below it
        elif cls is binop:
            left, right = current.left, current.right
            if not skip_leaves or left.__class__ is not constant and (left.__class__ is not name
                                                                       or left.annotation is not None):
                push(left)
            if not skip_leaves or right.__class__ is not constant and (right.__class__ is not name
                                                                        or right.annotation is not None):
                push(right)
        elif cls is call:
            push(current.func)
            extend(current.args)
            extend(current.keywords)
        elif cls is attribute:
            value = current.value
            if not skip_leaves or value.__class__ is not name or value.annotation is not None:
                push(value)
        elif cls is assign:             # the commonest statements, their children as _COMMON_CHILDREN orders them
            extend(current.targets)
            push(current.value)
        elif cls is expr:
            push(current.value)
        else:
            _push_children(current, cls, push, extend)
    return found


def _name_nodes(node):
    """The Name nodes under ``node``, in the order of the walk of ``_names`` (its stack's
    order), with the leaves under the commonest nodes (a name or a constant
    operand of an operation, the arguments of a call, the object of an attribute) taken
    where their parent is met, not pushed and popped: they are half the nodes of most
    expressions, and the walk would take them next anyway. A fifth of the cost of these
    queries, which run for every statement of every pass."""
    cls = node.__class__
    if cls is _NAME and node.annotation is None:     # a lone name (a target): the commonest query
        return [node]
    if cls is _BINOP:       # the next commonest: an operation on leaves
        found = _plain_names(node)
        if found is not None:
            return found
    found, stack = [], [node]
    push, pop, extend, add = stack.append, stack.pop, stack.extend, found.append
    name, constant, binop, call, attribute = gast.Name, gast.Constant, gast.BinOp, gast.Call, gast.Attribute
    assign, expr = gast.Assign, gast.Expr
    while stack:
        current = pop()
        cls = current.__class__
        if cls is name:
            add(current)
            if current.annotation is not None:
                push(current.annotation)
        elif cls is constant:
            continue                    # nothing below it
        elif cls is binop:
            # the walk pops the right operand next, then the left: a leaf is taken now
            right = current.right
            kind = right.__class__
            if kind is name and right.annotation is None:
                add(right)
            elif kind is not constant:
                push(current.left)
                push(right)
                continue
            left = current.left
            kind = left.__class__
            if kind is name and left.annotation is None:
                add(left)
            elif kind is not constant:
                push(left)
        elif cls is call:
            func, args = current.func, current.args
            if current.keywords:
                push(func)
                extend(args)
                extend(current.keywords)
                continue
            # the walk pops the arguments last first, then the function: leaves taken now
            # up to the first argument that is not one
            left = len(args)
            while left:
                arg = args[left - 1]
                kind = arg.__class__
                if kind is name and arg.annotation is None:
                    add(arg)
                elif kind is not constant:
                    break
                left -= 1
            if left:
                push(func)
                extend(args if left == len(args) else args[:left])
            elif func.__class__ is name and func.annotation is None:
                add(func)
            else:
                push(func)
        elif cls is attribute:
            value = current.value
            if value.__class__ is name and value.annotation is None:
                add(value)
            else:
                push(value)
        elif cls is assign:             # the commonest statements, their children as _COMMON_CHILDREN orders them
            extend(current.targets)
            push(current.value)
        elif cls is expr:
            push(current.value)
        else:
            _push_children(current, cls, push, extend)
    return found


def _plain_names(node):
    """``_name_nodes(node)`` for ``a OP b`` on names and constants, in the order of its walk
    (the right operand, then the left), without the walk; None for another operation."""
    right, left = node.right, node.left
    right_kind, left_kind = right.__class__, left.__class__
    if not (right_kind is _CONSTANT or right_kind is _NAME and right.annotation is None) \
            or not (left_kind is _CONSTANT or left_kind is _NAME and left.annotation is None):
        return None
    if right_kind is _NAME:
        return [right, left] if left_kind is _NAME else [right]
    return [left] if left_kind is _NAME else []


def only_called(node, candidates):
    """The names of ``candidates`` that ``node`` (itself included) names only as the
    function of a call (``act(x)``): never written, nor read as a value. One walk, as
    ``_names`` walks (a call is met before the name it calls), instead of one for the
    calls and one for the names; it stops once no candidate is left."""
    left, called, stack = set(candidates), set(), [node]
    push, pop, extend = stack.append, stack.pop, stack.extend
    name, constant, call = gast.Name, gast.Constant, gast.Call
    while stack and left:
        current = pop()
        cls = current.__class__
        if cls is name:
            if current.id in left and id(current) not in called:
                left.discard(current.id)        # written, or read as a value
            if current.annotation is not None:
                push(current.annotation)
        elif cls is not constant:
            if cls is call and current.func.__class__ is name:
                called.add(id(current.func))
            _push_children(current, cls, push, extend)
    return left


def _push_children(node, cls, push, extend):
    """Put the children of ``node`` (of class ``cls``) but operators and contexts on a
    walk's stack: the general case of ``_names`` and ``only_called``, which handle the
    commonest nodes themselves."""
    children = _COMMON_CHILDREN.get(cls)
    if children is not None:
        extend(children(node))
    elif isinstance(node, gast.AST):
        _push_fields(node, OPERAND_FIELDS[cls], push, extend)


def _push_fields(node, fields, push, extend):
    """Put the nodes in ``node``'s ``fields`` (lists of nodes too, in order) on a walk's
    stack or queue: the general case of operand_nodes and _names, for nodes without an entry in
    ``_COMMON_CHILDREN``."""
    for field in fields:
        value = getattr(node, field, None)
        if type(value) is list:
            extend(item for item in value if isinstance(item, gast.AST))
        elif isinstance(value, gast.AST):
            push(value)


_NOTHING = ()


def _call_children(node):
    return [node.func, *node.args, *node.keywords]


# The children of the commonest expressions and statements, in the order of their
# fields but operators and contexts (OPERAND_FIELDS), for the walks above: one lookup
# and one call per node instead of the general loop over fields.
_COMMON_CHILDREN = {
    gast.Name: lambda node: _NOTHING if node.annotation is None else (node.annotation,),
    gast.Constant: lambda node: _NOTHING,
    gast.BinOp: operator.attrgetter("left", "right"),
    gast.Call: _call_children,
    gast.Attribute: lambda node: (node.value,),
    gast.UnaryOp: lambda node: (node.operand,),
    gast.Subscript: operator.attrgetter("value", "slice"),
    gast.Assign: lambda node: [*node.targets, node.value],
    gast.Expr: lambda node: (node.value,),
    gast.For: lambda node: [node.target, node.iter, *node.body, *node.orelse],
    gast.If: lambda node: [node.test, *node.body, *node.orelse],
    gast.Module: lambda node: [*node.body, *node.type_ignores],
}


def copy(node):
    """Deep copy that keeps line numbers and annotations (core/anno.py).

    Nodes and lists are copied here directly (``copy.deepcopy`` spends most of its time
    on its generic protocol); the per-statement analysis facts that are never changed
    after they are set (``anno.SHARED_KEYS``: live names, unshared names) are shared
    with the copy, since copying them made copying a statement cost as much as the
    function is long. Any other annotation value is deep-copied, nodes in it included,
    with one memo, as ``copy.deepcopy`` of the whole node would."""
    return _copy_value(node, {})


def copy_sharing_annotations(node):
    """As ``copy``, but of the annotations only the dicts are new: the values annotated
    (the objects calls resolve to, names, flags) are the original's, nodes and lists
    excepted, as a tree made again would hold the same objects."""
    return _copy_value(node, {_ANNOTATIONS: _share_annotations})


_ANNOTATIONS = "annotations"    # a copy's memo key: how it copies annotations (not an id)
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
    cls = node.__class__
    if cls in _FIELDLESS and not node.__dict__:
        return node             # an operator or a context: nothing in it to change, shared
    copied = memo.get(id(node))
    if copied is not None:
        return copied
    copied = cls.__new__(cls)
    memo[id(node)] = copied
    fields = node.__dict__
    if not fields:
        return copied           # a node made without its fields
    if cls is _NAME and fields.get("annotation") is None and anno.SLOT not in fields \
            and fields.get("ctx").__class__ in _FIELDLESS and not fields["ctx"].__dict__:
        copied.__dict__ = dict(fields)      # the commonest node: its id, its shared context, numbers, Nones
        return copied
    state, atomic, slot, ast_type = {}, _ATOMIC_TYPES, anno.SLOT, gast.AST
    for field, item in fields.items():
        kind = type(item)
        if kind in atomic:
            state[field] = item
        elif kind is list:      # a node's children (a list of nodes: copied here, a call less each)
            state[field] = [_copy_node(child, memo) if isinstance(child, ast_type) else _copy_value(child, memo)
                            for child in item]
        elif isinstance(item, ast_type):
            state[field] = _copy_node(item, memo)       # a child node (or a shared context): a call less
        elif field == slot:
            state[field] = memo.get(_ANNOTATIONS, _copy_annotations)(item, memo)
        else:
            state[field] = _copy_value(item, memo)
    copied.__dict__ = state     # (one dict made whole, not filled in place)
    return copied


# The operators and the Load/Store/Del contexts: nodes without fields, which no pass
# changes or annotates (it replaces them), so a copy shares them with the original (as
# the parser shares one of each among all its trees); making a new one for each name
# was a fifth of copying a tree.
FIELDLESS = _FIELDLESS = frozenset(cls for base in (gast.operator, gast.unaryop, gast.cmpop, gast.boolop, gast.expr_context)
                       for cls in base.__subclasses__())


def _copy_annotations(slot, memo):
    shared, atomic = anno.SHARED_KEYS, _ATOMIC_TYPES
    return {key: item if key in shared or type(item) in atomic or type(item) in _METHOD_TYPES
            else _deepcopy(item, memo) for key, item in slot.items()}


# a method a call resolves to, kept as it is: a deep copy would bind it to a copy of its
# object (a queue's lock cannot be copied; a copy of the user's object is another object)
_METHOD_TYPES = frozenset({types.MethodType, types.BuiltinMethodType})


def _share_annotations(slot, memo):
    return {key: _copy_value(item, memo) if isinstance(item, (gast.AST, list)) else item
            for key, item in slot.items()}


def _deepcopy(value, memo):
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


def replace_loads(tree, identifier, value):
    """Replace each read of the name ``identifier`` in ``tree`` by the node ``value``
    (the same node at each read: callers replace a name read once). Returns the tree.
    The nodes ``gast.NodeTransformer`` would visit are walked here without its generic
    protocol (a method lookup and a generator per node: inlining the temporaries of a
    gradient's gradient spent most of its time there); like it, the walk goes into no
    Name node nor into ``value``."""
    if isinstance(tree, gast.Name):
        return value if _reads(tree, identifier) else tree
    stack, name_type, ast_type = [tree], gast.Name, gast.AST
    while stack:
        node = stack.pop()
        for field in node._fields:
            child = getattr(node, field, None)
            if type(child) is list:
                for index, item in enumerate(child):
                    if isinstance(item, name_type):
                        if _reads(item, identifier):
                            child[index] = value
                    elif isinstance(item, ast_type):
                        stack.append(item)
            elif isinstance(child, name_type):
                if _reads(child, identifier):
                    setattr(node, field, value)
            elif isinstance(child, ast_type):
                stack.append(child)
    return tree


def replace_child(owner, old, new):
    """Put the node ``new`` where ``owner`` holds the node ``old`` (a field of its own, or
    an item of a list it holds)."""
    for field, value in gast.iter_fields(owner):
        if value is old:
            setattr(owner, field, new)
        elif isinstance(value, list) and any(v is old for v in value):
            setattr(owner, field, [new if v is old else v for v in value])


def _reads(node, identifier):
    """Whether ``node`` is a read of the name ``identifier``."""
    return isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load) and node.id == identifier


def certainly_advanced_index(index):
    """Whether the index ``index`` holds a list display or comprehension, or a comparison
    (``y[[0, 2]]``, ``y[y > 0]``, ``y[:, [0, 1]]``), which NumPy reads as advanced indexing:
    a new array, never a view (a list or dict given such an index raises, or reads an item
    by a bool key)."""
    parts = index.elts if isinstance(index, gast.Tuple) else [index]
    return any(isinstance(part, (gast.List, gast.ListComp, gast.Compare)) for part in parts)


def may_be_advanced_index(index, counters=()):
    """Whether the index ``index`` of a write may be a mask or a list of positions, which
    NumPy may write element by element: not a constant (``d["buf"]``, ``y[0]``), nor a
    slice, nor a name of ``counters`` (names known to hold ints), nor a tuple of those,
    which NumPy writes as a basic index (reading all of the value first) or which key a dict.
    A constant ``True`` or ``False`` is a mask of no dimensions (``y[True] = y[::-1]``)."""
    parts = index.elts if isinstance(index, gast.Tuple) else [index]
    return not all(isinstance(part, gast.Constant) and type(part.value) is not bool or isinstance(part, gast.Slice)
                   or isinstance(part, gast.Name) and part.id in counters for part in parts)
