"""Walking and rewriting statement blocks, nested ones included.

Every stage walks blocks the same way: a statement may hold statement lists of its
own (``if``/``for``/``while`` bodies and ``else`` blocks; before normalization also
``finally`` blocks and ``except`` handlers), and a rewrite of a block must reach
those too. This module is the one place that knows where those lists are, so a
transform says only what it does to one statement (or one block).

A nested function or class definition is a scope of its own: the walkers do not
enter it (the core language has none; the front end refuses them after lowering).
"""

import gast

from . import anno

# Statements whose body is a scope of its own, not a nested block of this one.
_DEFINITIONS = (gast.FunctionDef, gast.AsyncFunctionDef, gast.ClassDef)

# The fields of a statement that hold a nested statement list.
_BLOCK_FIELDS = ("body", "orelse", "finalbody")


# Statements that never hold a statement list (most of them: the walkers skip these fast).
_SIMPLE = frozenset({gast.Assign, gast.AugAssign, gast.AnnAssign, gast.Expr, gast.Return, gast.Pass,
                     gast.Break, gast.Continue, gast.Raise, gast.Delete, gast.Import, gast.ImportFrom,
                     gast.Global, gast.Nonlocal, gast.Assert})
SIMPLE_STATEMENTS = _SIMPLE     # (for the passes that skip them too)


# Statements with exactly a body and an ``else`` block (the walkers' fast path).
_BODY_AND_ELSE = frozenset({gast.If, gast.For, gast.While, gast.AsyncFor})


# Fields that hold a name, a string or a number in every node type, never a node: the
# walks (here and in syntax.py) skip them (a Name's id, an Attribute's attr, a Constant's kind, ...).
_SCALAR_FIELDS = frozenset({"id", "attr", "type_comment", "kind", "is_async", "conversion", "level",
                            "simple"})
_CHILD_FIELDS = {}      # node class -> its other fields, in order


def child_fields(cls):
    """The fields of nodes of class ``cls`` that may hold a node or a list of them, in
    ``_fields`` order (so a walk over them visits children in the order ``ast.walk`` does)."""
    fields = _CHILD_FIELDS.get(cls)
    if fields is None:
        fields = _CHILD_FIELDS[cls] = tuple(f for f in cls._fields if f not in _SCALAR_FIELDS)
    return fields


# Fields that hold only an operator or a Load/Store/Del context: nodes with no names,
# calls or other expressions inside. The walks that look for those skip them (a Name's
# context alone is a third of an expression's nodes).
_OPERATOR_FIELDS = frozenset({"ctx", "op", "ops"})


class _OperandFields(dict):
    """Node class -> its child fields but those holding operators and contexts (found
    on first use): ``OPERAND_FIELDS[cls]`` is one dict lookup, as walks need per node."""

    def __missing__(self, cls):
        if cls is gast.Constant:
            fields = self[cls] = ()         # its value is a Python value, never a node
        else:
            fields = self[cls] = tuple(f for f in child_fields(cls) if f not in _OPERATOR_FIELDS)
        return fields


OPERAND_FIELDS = _OperandFields()


def _slots(stmt):
    """(owner, field) for each statement list directly inside ``stmt``, in source order;
    the owner is ``stmt`` itself or one of its ``except`` handlers."""
    if type(stmt) in _SIMPLE or isinstance(stmt, _DEFINITIONS):
        return []
    if type(stmt) in _BODY_AND_ELSE and type(stmt.body) is list and type(stmt.orelse) is list:
        return [(stmt, "body"), (stmt, "orelse")]
    slots = [(stmt, "body")] if isinstance(getattr(stmt, "body", None), list) else []
    slots += [(handler, "body") for handler in getattr(stmt, "handlers", None) or ()]
    slots += [(stmt, field) for field in _BLOCK_FIELDS[1:]
              if isinstance(getattr(stmt, field, None), list)]
    return slots


def _store(owner, field, block):
    """Put a rewritten block back; a body may not be empty in Python, so an emptied
    body holds ``pass`` (an emptied ``else``/``finally`` block simply goes away)."""
    setattr(owner, field, block or ([gast.Pass()] if field == "body" else []))


def inner_blocks(stmt):
    """The statement lists directly inside ``stmt`` (not their nested ones)."""
    if type(stmt) in _BODY_AND_ELSE and type(stmt.body) is list and type(stmt.orelse) is list:
        return [stmt.body, stmt.orelse]         # the commonest: without looking at each field
    return [getattr(owner, field) for owner, field in _slots(stmt)]


def walk_statements(body):
    """Every statement in ``body``, nested ones included, in source order (a statement
    comes before the statements inside it). Read only. One stack of the blocks being
    walked, not a generator per block: a statement nested ``d`` deep would pass through
    ``d`` generators."""
    simple = _SIMPLE
    walking = [iter(body)]
    push, push_all, body_and_else = walking.append, walking.extend, _BODY_AND_ELSE
    while walking:
        for stmt in walking[-1]:
            yield stmt
            kind = stmt.__class__
            if kind in simple:
                continue
            if kind in body_and_else and type(stmt.orelse) is list and type(stmt.body) is list:
                if stmt.orelse:         # the commonest: without looking at each field
                    push(iter(stmt.orelse))
                push(iter(stmt.body))
            else:
                push_all(iter(block) for block in reversed(inner_blocks(stmt)))
            break
        else:
            walking.pop()


def walk_blocks(body):
    """``body`` and every statement list nested in it (empty ``else`` blocks too), outer
    ones first. A caller may change a yielded list in place: the lists inside it are
    looked up only after it has been yielded.

    One generator and a stack of the blocks' iterators, not a generator per block: a
    block yielded through one ``yield from`` per level around it made a nest of ifs
    quadratic in its depth."""
    simple = _SIMPLE
    pending = [iter((body,))]       # per block being walked: its statements' inner blocks, in order
    while pending:
        for block in pending[-1]:
            yield block
            pending.append(inner for stmt in block if stmt.__class__ not in simple
                           for inner in inner_blocks(stmt))
            break
        else:
            pending.pop()


def rewrite_blocks(body, fn):
    """``body`` with ``fn`` applied to every statement, nested ones included.

    ``fn(stmt)`` returns the statement(s) to put in its place: a statement (often
    ``stmt`` itself) or a list of statements (``[]`` removes it). The blocks inside a
    statement are rewritten before ``fn`` sees the statement, and statements are
    visited in source order. Nested blocks are replaced on their statements; the
    rewritten top-level block is returned (``body`` itself is not changed).
    """
    out, simple = [], _SIMPLE
    for stmt in body:
        if stmt.__class__ not in simple:
            for owner, field in _slots(stmt):
                _store(owner, field, rewrite_blocks(getattr(owner, field), fn))
        result = fn(stmt)
        if isinstance(result, list):
            out.extend(result)
        else:
            out.append(result)
    return out


def rewrite_statements(body, wanted, fn):
    """``rewrite_blocks(body, fn)`` for a rewrite of a few statements: ``fn`` is applied
    only to those whose id is in ``wanted`` (it would give the others back unchanged), and
    only the blocks holding one are rebuilt: a walk over the blocks, not a call and a new
    list for every statement. As there, inner blocks are rewritten first, nested blocks
    are replaced on their statements, and the rewritten top-level block is returned
    (``body`` itself is not changed)."""
    simple = _SIMPLE

    def rewritten(block):
        """The new ``block``, or None where it holds none of ``wanted``."""
        for stmt in block:
            if stmt.__class__ not in simple:
                for owner, field in _slots(stmt):
                    inner = getattr(owner, field)
                    new = rewritten(inner)
                    if new is not None or not inner:
                        _store(owner, field, inner if new is None else new)
        if not any(id(stmt) in wanted for stmt in block):
            return None
        out = []
        for stmt in block:
            result = fn(stmt) if id(stmt) in wanted else stmt
            if isinstance(result, list):
                out.extend(result)
            else:
                out.append(result)
        return out

    top = rewritten(body)
    return list(body) if top is None else top


def rewrite_each_block(body, fn):
    """``body`` with ``fn`` applied to every statement list, nested ones included:
    ``fn(block)`` returns the new list (an empty ``else`` block is passed too). For rewrites that look at neighbours (the
    next statement) rather than one statement at a time. Inner blocks are rewritten
    before the block holding them; the rewritten top-level block is returned."""
    for stmt in body:
        for owner, field in _slots(stmt):
            _store(owner, field, rewrite_each_block(getattr(owner, field), fn))
    return fn(body)


def rewrite_calls(body, targets, fn):
    """Replace every call in ``body`` whose ``Key.TARGET`` is one of ``targets`` by
    ``fn(call)`` (the call itself to keep it), in place; the calls inside a replacement
    are visited too. One pass over the nodes, for rewrites of a few kinds of calls."""
    def replaced(node):
        target = anno.get(node, anno.Key.TARGET)
        if target is not None and any(target is wanted for wanted in targets):
            return fn(node)
        return node

    stack = list(body)
    ast_type, call_type, fields = gast.AST, gast.Call, OPERAND_FIELDS     # no call under an operator
    while stack:
        node = stack.pop()
        for field in fields[node.__class__]:
            value = getattr(node, field, None)
            if isinstance(value, list):
                for index, item in enumerate(value):
                    if isinstance(item, ast_type):
                        if item.__class__ is call_type:
                            value[index] = item = replaced(item)
                        stack.append(item)
            elif isinstance(value, ast_type):
                new = replaced(value) if value.__class__ is call_type else value
                if new is not value:
                    setattr(node, field, new)
                stack.append(new)
    return body


class CallTransformer:
    """``gast.NodeTransformer`` for transformers that rewrite calls only (a
    ``visit_Call`` method, which may call ``generic_visit``): the same walk, order and
    replacement rules, without looking up a method by name and making a generator of
    fields at every node, which made such a walk cost several times the rewrite."""

    def visit(self, node):
        return self.visit_Call(node) if type(node) is gast.Call else self.generic_visit(node)

    def visit_Call(self, node):
        return self.generic_visit(node)

    def generic_visit(self, node):
        ast_type = gast.AST
        for field in child_fields(node.__class__):
            value = getattr(node, field, None)
            if isinstance(value, list):
                items = []
                for item in value:
                    if isinstance(item, ast_type):
                        item = self.visit(item)
                        if item is None:
                            continue
                        if not isinstance(item, ast_type):
                            items.extend(item)
                            continue
                    items.append(item)
                value[:] = items
            elif isinstance(value, ast_type):
                new = self.visit(value)
                if new is None:
                    delattr(node, field)
                else:
                    setattr(node, field, new)
        return node


def own_jumps(body):
    """The ``break`` and ``continue`` statements of the loop whose body is ``body`` (not
    those of a loop inside it, but those of such a loop's ``else``)."""
    for stmt in body:
        if isinstance(stmt, (gast.Break, gast.Continue)):
            yield stmt
        elif isinstance(stmt, (gast.For, gast.While)):
            yield from own_jumps(stmt.orelse)
        elif not isinstance(stmt, (gast.FunctionDef, gast.ClassDef)):
            for block in inner_blocks(stmt):
                yield from own_jumps(block)
