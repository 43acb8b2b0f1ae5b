"""Python's scopes on gast trees, for the functions a differentiated function defines:
which names a def or lambda binds itself (its locals), which it declares ``nonlocal``
or ``global``, and renaming a function's locals apart while leaving its free names
(which belong to the scope it was defined in) alone.

Pure functions of the tree: the normalizer (closures.py) uses them to inline a local
function where it is called, with fresh names for its parameters and locals.
"""

from collections import Counter

import gast

from ...core import syntax as S
from ...core.walk import OPERAND_FIELDS

_FUNCTIONS = (gast.FunctionDef, gast.AsyncFunctionDef, gast.Lambda)
# scopes that read a name when they run, which may be after the name is bound again
LATE_READERS = (gast.FunctionDef, gast.AsyncFunctionDef, gast.Lambda, gast.ClassDef, gast.GeneratorExp)


def as_def(node, name="lambda_"):
    """A lambda as the def it stands for (``return`` its body); a def as it is."""
    if not isinstance(node, gast.Lambda):
        return node
    body = gast.Return(value=node.body)
    body.lineno = getattr(node, "lineno", None)
    tree = gast.FunctionDef(name=name, args=node.args, body=[body], decorator_list=[],
                            returns=None, type_comment=None, type_params=[])
    tree.lineno = body.lineno
    return tree


def parameters(fn):
    """The parameter names of a def or lambda, in order (``*args``, ``**kwargs`` last)."""
    args = fn.args
    names = [a.id for a in args.posonlyargs + args.args + args.kwonlyargs]
    names += [a.id for a in (args.vararg, args.kwarg) if a is not None]
    return names


def given_or_looped_over(fn, name):
    """Whether ``name`` is a parameter of the def ``fn`` or a loop's name over one (``for
    c in cells``): an object the function is given, whose class the code made before the
    arguments are given does not know, and the code made for them does."""
    params = set(parameters(fn))
    return name in params or any(
        isinstance(loop, gast.For) and isinstance(loop.target, gast.Name) and loop.target.id == name
        and isinstance(loop.iter, gast.Name) and loop.iter.id in params for loop in gast.walk(fn))


def declared(fn, kind):
    """The names ``fn``'s own body declares ``nonlocal`` (kind gast.Nonlocal) or ``global``."""
    return {name for node in own_nodes(fn) if isinstance(node, kind) for name in node.names}


def own_nodes(fn):
    """The nodes of ``fn``'s own scope: its body, not the bodies of the functions it
    defines (their names, defaults and decorators are evaluated in ``fn``'s scope);
    not the operators and Load/Store contexts (a Name says its context)."""
    stack = list(fn.body) if isinstance(fn.body, list) else [fn.body]
    push, pop, name, constant, binop = stack.append, stack.pop, gast.Name, gast.Constant, gast.BinOp
    while stack:
        node = pop()
        yield node
        kind = node.__class__       # the commonest nodes first, their children pushed as _push_operands does
        if kind is name:
            if node.annotation is not None:
                push(node.annotation)
        elif kind is constant:
            continue
        elif kind is binop:
            push(node.left)
            push(node.right)
        elif kind in _FUNCTIONS:
            stack.extend(outer_parts(node))
        else:
            _push_operands(node, stack)


def _push_operands(node, stack):
    """Put the nodes directly under ``node``, in field order, on ``stack``: all but its
    operators and contexts, which hold no name and no scope (a third of a tree's nodes)."""
    for field in OPERAND_FIELDS[node.__class__]:
        value = getattr(node, field, None)
        if type(value) is list:
            stack.extend(item for item in value if isinstance(item, gast.AST))
        elif isinstance(value, gast.AST):
            stack.append(value)


def outer_parts(fn):
    """The parts of a def or lambda evaluated where it is defined: defaults, decorators."""
    args = fn.args
    parts = list(args.defaults) + [d for d in args.kw_defaults if d is not None]
    return parts + list(getattr(fn, "decorator_list", []))


def local_names(fn):
    """The names a def or lambda binds in its own scope: parameters, assignment and loop
    targets, the functions it defines; not the ones it declares nonlocal or global."""
    names = set(parameters(fn))
    for node in own_nodes(fn):
        if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Store):
            names.add(node.id)
        elif isinstance(node, (gast.FunctionDef, gast.AsyncFunctionDef)):
            names.add(node.name)
    return names - declared(fn, gast.Nonlocal) - declared(fn, gast.Global)


def binding_counts(nodes):
    """How many times each name is bound (assigned, a loop target, a def) anywhere under
    ``nodes``, nested functions included where they bind the enclosing scope's name
    (``nonlocal``), not their own locals: a name bound once can be followed statically."""
    counts = Counter()
    for root in nodes:
        if isinstance(root, (gast.FunctionDef, gast.AsyncFunctionDef)):     # the function itself
            counts[root.name] += 1
            for part in outer_parts(root) + list(root.body):
                _count_bindings(part, counts, frozenset())
        else:
            _count_bindings(root, counts, frozenset())
    return counts


def _count_bindings(node, counts, hidden):
    """Count the bindings under ``node`` in ``counts``, but those of the ``hidden`` names
    (a nested function's own locals), depth first in field order: one loop over a stack,
    not a call per node, as this runs over every node of the function."""
    stack = [(node, hidden)]
    push, pop, ast_type, fields = stack.append, stack.pop, gast.AST, OPERAND_FIELDS
    name, store, constant, binop = gast.Name, gast.Store, gast.Constant, gast.BinOp
    while stack:
        node, hidden = pop()
        kind = node.__class__
        if kind is name:
            if node.ctx.__class__ is store:
                if node.id not in hidden:
                    counts[node.id] += 1
            elif node.annotation is not None:
                push((node.annotation, hidden))
            continue
        if kind is constant:
            continue                    # nothing below it
        if kind is binop:               # the commonest operation: its operands, left first
            push((node.right, hidden))
            push((node.left, hidden))
            continue
        if kind in _FUNCTIONS:
            if kind is not gast.Lambda and node.name not in hidden:
                counts[node.name] += 1
            inner = hidden | local_names(node)      # its own locals are other variables
            for stmt in reversed(node.body if isinstance(node.body, list) else [node.body]):
                push((stmt, inner))
            for part in reversed(outer_parts(node)):    # defaults and decorators (this scope's) first
                push((part, hidden))
            continue
        for field in reversed(fields[kind]):        # the children, to be taken in field order
            value = getattr(node, field, None)
            if type(value) is list:
                for item in reversed(value):
                    if isinstance(item, ast_type):
                        push((item, hidden))
            elif isinstance(value, ast_type):
                push((value, hidden))


def rename_locals(fn, mapping):
    """Rename ``fn``'s locals (parameters included) by ``mapping``, in place, wherever
    they mean ``fn``'s variables: also in the functions it defines, except where one of
    those binds the same name itself."""
    _Renamer(mapping).visit_function(fn, inner=False)
    return fn


class _Renamer(gast.NodeVisitor):
    def __init__(self, mapping):
        self.mapping = mapping

    def visit_Name(self, node):
        node.id = self.mapping.get(node.id, node.id)

    def visit_Nonlocal(self, node):
        node.names = [self.mapping.get(name, name) for name in node.names]

    def visit_FunctionDef(self, node):
        node.name = self.mapping.get(node.name, node.name)
        self.visit_function(node, inner=True)

    def visit_Lambda(self, node):
        self.visit_function(node, inner=True)

    def visit_function(self, fn, inner):
        mapping = self.mapping
        if inner:       # defaults and decorators are evaluated in the outer scope
            for part in outer_parts(fn):
                self.visit(part)
        if inner:       # the inner function's own locals shadow the outer ones
            shadowed = local_names(fn)
            self.mapping = {k: v for k, v in mapping.items() if k not in shadowed}
        for arg in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs + \
                [a for a in (fn.args.vararg, fn.args.kwarg) if a is not None]:
            self.visit_Name(arg)
        for stmt in fn.body if isinstance(fn.body, list) else [fn.body]:
            self.visit(stmt)
        self.mapping = mapping


def returns_local_function(fn):
    """Whether ``fn`` (a def) returns a function it defines itself: ``return lambda ...``,
    ``def step(...): ...; return step``, ``return functools.partial(g, a)``, or a tuple,
    list or dict holding one (a factory)."""
    nodes = list(own_nodes(fn))
    defined = {n.name for n in nodes if isinstance(n, (gast.FunctionDef, gast.AsyncFunctionDef))}
    defined |= {t.id for n in nodes if isinstance(n, gast.Assign) and isinstance(n.value, gast.Lambda)
                for t in n.targets if isinstance(t, gast.Name)}

    def local_function(value):
        if isinstance(value, gast.Lambda):
            return True
        if isinstance(value, gast.Call):
            return (S.dotted_path(value.func) or [""])[-1] == "partial"
        if isinstance(value, gast.Name):
            return value.id in defined
        if isinstance(value, (gast.Tuple, gast.List)):
            return any(local_function(e) for e in value.elts)
        if isinstance(value, gast.Dict):
            return any(local_function(v) for v in value.values)
        return False
    return any(isinstance(n, gast.Return) and local_function(n.value) for n in nodes)


def top_level_binding(tree, name):
    """The position in ``tree``'s body of the one statement binding ``name`` (-1 for an
    argument bound nowhere in the body); None when it is bound otherwise or more often."""
    stores = [n for n in S.walk_nodes(tree) if isinstance(n, gast.Name) and n.id == name
              and isinstance(n.ctx, (gast.Store, gast.Del))]
    is_argument = any(isinstance(n, gast.Name) and n.id == name for n in S.walk_nodes(tree.args))
    if is_argument or any(isinstance(n, (gast.Global, gast.Nonlocal)) and name in n.names
                          for n in S.walk_nodes(tree)):
        return -1 if is_argument and not stores else None
    if len(stores) != 1:
        return None
    return next((k for k, stmt in enumerate(tree.body) if isinstance(stmt, gast.Assign)
                 and len(stmt.targets) == 1 and stmt.targets[0] is stores[0]), None)
