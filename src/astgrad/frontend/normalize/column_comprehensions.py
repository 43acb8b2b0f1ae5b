"""Comprehensions over a list held as a list per attribute (object_columns.py), or over a
list moved out of it (column_moves.py), written as the loop Python runs for them, so the
objects' methods change the objects as in Python::

    total = sum([y.step(w) for y in ys if C])     ->    made = []
                                                        for y_1 in ys:
                                                            if C:
                                                                made.append(y_1.step(w))
                                                        total = sum(made)

(then a loop over the objects, object_columns.py). A generator expression is taken where
it is the one argument of ``sum``, ``list``, ``tuple``, ``max``, ``min`` or ``sorted``,
which take all of it at once, as the list does. The loop runs just before the statement:
the comprehension is in an assignment, an augmented one, an expression statement or a
``return``, reached through operators, calls, subscripts and displays only (never under
``if``-``else``, a comparison or another scope, which may not run it), or through a
later operand of the ``and``/``or`` that is the statement's whole value, whose earlier
operands are bound first and the loop run in an ``if`` on them::

    s = c and sum([y.step(w) for y in ys])  ->    either = c
                                                  if either:
                                                      (made, and the loop)
                                                      either = sum(made)
                                                  s = either

What Python evaluates before it there stays where it is where it calls nothing and names
neither the lists nor a name the comprehension reads (``total + sum(...)``); otherwise
it is bound to names of its own just before the loop, in Python's order
(``np.sum(bs[0].W) + sum(...)``: ``before = np.sum(bs[0].W)``, the loop, then the
statement reading ``before``), but for a function a call names (``np.sum``), read in its
place; an augmented assignment's target is never moved (``x[i] += sum(...)`` is taken
only where nothing needs moving). What it evaluates after it runs after it still. The
comprehension has one ``for`` over the list, binding a name read only as ``y.attr`` or
in ``y.method(...)``, and names none of the lists (nor a walrus) inside.
"""

import builtins

import gast

from ...core import syntax as S
from .attribute_classes import attribute_use
from .built_lists import _renamed

_CONSUMERS = (builtins.sum, builtins.list, builtins.tuple, builtins.max, builtins.min, builtins.sorted)
_THROUGH = (gast.BinOp, gast.UnaryOp, gast.Call, gast.keyword, gast.Subscript, gast.Attribute, gast.Tuple,
            gast.List, gast.Starred)
_STATEMENTS = (gast.Assign, gast.AugAssign, gast.Expr, gast.Return)
_OPAQUE = (gast.NamedExpr, gast.Yield, gast.YieldFrom, gast.Await, gast.Lambda, gast.ListComp, gast.SetComp,
           gast.DictComp, gast.GeneratorExp)


class Comprehension:
    """A comprehension over the list, the statement it is in, what that statement
    evaluates before it ((parent, node) pairs in Python's order, and their nodes), the
    ``and``/``or`` (the statement's value) it is a later operand of, the loop it becomes."""

    def __init__(self, node, statement, earlier, either):
        self.node, self.statement, self.earlier, self.either = node, statement, earlier, either
        self.before = [n for _, e in earlier for n in S.walk_nodes(e)]
        self.hoisted, self.loop = [], None


def comprehension_over(normalizer, node, parents):
    """The ``Comprehension`` whose one ``for`` goes over ``node`` (a name of the list)
    where it can be run as a loop before its statement (module docstring); else None."""
    generator = parents.get(id(node))
    comprehension = parents.get(id(generator))
    if not (isinstance(generator, gast.comprehension) and generator.iter is node and not generator.is_async
            and isinstance(comprehension, (gast.ListComp, gast.GeneratorExp))
            and comprehension.generators == [generator] and isinstance(generator.target, gast.Name)):
        return None
    holder = parents.get(id(comprehension))
    if isinstance(comprehension, gast.GeneratorExp) and not (
            isinstance(holder, gast.Call) and holder.args == [comprehension] and not holder.keywords
            and any(normalizer.resolve_call(holder) is f for f in _CONSUMERS)):
        return None
    found = _chain(comprehension, parents)
    return None if found is None else Comprehension(comprehension, *found)


def _chain(node, parents):
    """(statement, [(parent, node) evaluated before ``node``], the ``and``/``or`` whose
    later operand holds it, or None) where ``node`` is reached from the statement through
    operators, calls, subscripts and displays, and at most an ``and``/``or`` that is the
    statement's whole value (``s = c and sum([...])``); else None."""
    earlier, child, at, either = [], node, parents.get(id(node)), None
    while True:
        holder = parents.get(id(at))
        if isinstance(at, gast.BoolOp) and either is None and at.values[0] is not child \
                and isinstance(holder, (gast.Assign, gast.Expr, gast.Return)) and holder.value is at:
            either, child, at = at, at, holder          # (its earlier operands: their own statement)
            continue
        if not isinstance(at, _THROUGH + _STATEMENTS):
            return None
        earlier = [(at, e) for e in _evaluated_before(at, child) if isinstance(e, (gast.expr, gast.keyword))] + earlier
        if isinstance(at, _STATEMENTS):
            return at, earlier, either
        child, at = at, holder


def statement_running(node, parents, calls=False):
    """(the statement, the nodes it evaluates before ``node``) where the statement always
    evaluates ``node`` (an expression), reached through operators, calls, subscripts and
    displays only, and evaluates nothing before it that calls anything (so ``node`` may be
    evaluated just before the statement instead, and give the same value; ``calls``: a
    call may be evaluated before it, which the caller knows cannot change that value);
    else None."""
    before, child, at = [], node, parents.get(id(node))
    while isinstance(at, _THROUGH + _STATEMENTS):
        before += [n for earlier in _evaluated_before(at, child) for n in S.walk_nodes(earlier)]
        if isinstance(at, _STATEMENTS):
            break
        child, at = at, parents.get(id(at))
    if not isinstance(at, _STATEMENTS) or any(isinstance(n, _OPAQUE + (() if calls else (gast.Call,)))
                                              for n in before):
        return None
    return at, before


def _evaluated_before(parent, child):
    """The children of ``parent`` Python evaluates before ``child``."""
    if isinstance(parent, gast.Call):
        order = [parent.func] + parent.args + parent.keywords
    elif isinstance(parent, gast.Subscript):
        order = [parent.value, parent.slice]
    elif isinstance(parent, gast.AugAssign):
        order = [parent.target, parent.value]
    elif isinstance(parent, gast.Assign):
        order = [parent.value]          # (the targets after it)
    else:
        order = list(gast.iter_child_nodes(parent))     # (BinOp: left, right; a display's items in order)
    return order[:next(k for k, c in enumerate(order) if c is child)]


def plain_comprehension(found, family, cls, attrs, parents):
    """Whether the comprehension names none of ``family`` and no walrus or nested scope
    inside, and its name only as ``y.attr`` or in ``y.method(...)``; and what its
    statement evaluates before it can run before the loop: calling nothing and naming
    none of ``family`` nor a name it reads, or else bound to names of its own before the
    loop, in Python's order (``found.hoisted``: ``s = np.sum(ys[0].W) + sum([...])``)."""
    node, generator = found.node, found.node.generators[0]
    variable = generator.target.id
    inside = [n for part in [node.elt] + generator.ifs for n in S.walk_nodes(part)]
    read = family | {n.id for n in inside if isinstance(n, gast.Name)}
    if any(isinstance(n, (gast.Call,) + _OPAQUE) or isinstance(n, gast.Name) and n.id in read
           for n in found.before):
        found.hoisted = [(p, e) for p, e in found.earlier if not _called_name(p, e)
                         and not (isinstance(p, gast.AugAssign) and isinstance(e, gast.Name))]
        if any(isinstance(p, gast.AugAssign) for p, _ in found.hoisted):
            return False        # (x[i] += sum(...): the target's item is read before it)
    return not any(isinstance(n, gast.Name) and n.id in family for n in inside) \
        and not any(isinstance(n, (gast.Call,) + _OPAQUE) or isinstance(n, gast.Name) and n.id in read
                    for p, e in found.earlier if (p, e) not in found.hoisted for n in S.walk_nodes(e)) \
        and not any(isinstance(n, _OPAQUE) for n in inside) \
        and all(attribute_use(cls, n, parents, attrs) is not None and isinstance(n.ctx, gast.Load)
                for n in inside if isinstance(n, gast.Name) and n.id == variable)


def _called_name(parent, node):
    """Whether ``node`` is the function a call names (``np.sum``), read in its place
    (where astgrad finds its derivative by what the name holds)."""
    return isinstance(parent, gast.Call) and parent.func is node and S.dotted_path(node) is not None


def lowered(found, block, fresh):
    """Write the comprehension as a loop filling a new list, before its statement in
    ``block``, the comprehension made that list's name; the loop (also ``found.loop``)."""
    node, generator = found.node, found.node.generators[0]
    made, variable = fresh("made"), fresh(generator.target.id)
    names = {generator.target.id: variable}         # (the comprehension's name is its own)
    value = _renamed(node.elt, names)
    append = _at(S.expr_stmt(S.call(gast.Attribute(value=S.name(made), attr="append", ctx=gast.Load()), [value])),
                 node)
    body = [append]
    for test in reversed(generator.ifs):
        body = [_at(gast.If(test=_renamed(test, names), body=body, orelse=[]), node)]
    found.loop = _at(gast.For(target=S.name(variable, store=True), iter=generator.iter, body=body, orelse=[],
                              type_comment=None), node)
    if found.either is not None:
        block = _split(found, block, fresh)
    for parent, earlier in found.hoisted:
        value = earlier.value if isinstance(earlier, (gast.keyword, gast.Starred)) else earlier
        name = fresh("before")
        at = next(k for k, s in enumerate(block) if s is found.statement)
        block[at:at] = [_at(S.assign(name, value), value)]
        S.replace_child(earlier if value is not earlier else parent, value, _at(S.name(name), value))
    at = next(k for k, s in enumerate(block) if s is found.statement)
    block[at:at] = [_at(S.assign(made, gast.List(elts=[], ctx=gast.Load())), node), found.loop]
    S.replace_child(_parent(found.statement, node), node, _at(S.name(made), node))
    return found.loop


def _split(found, block, fresh):
    """``s = a and b and sum([...]) and c`` as ``t = a and b``, ``if t: t = sum([...])``,
    ``s = t and c`` (``if not t`` for ``or``), which evaluates what Python does, in its
    order; the ``if``'s body, whose statement ``found.statement`` becomes."""
    either, holder = found.either, found.statement
    k = next(k for k, v in enumerate(either.values) if any(n is found.node for n in S.walk_nodes(v)))
    name = fresh("either")
    first = S.assign(name, either.values[0] if k == 1 else gast.BoolOp(op=either.op, values=either.values[:k]))
    then = _at(S.assign(name, either.values[k]), either)
    test = S.name(name) if isinstance(either.op, gast.And) else gast.UnaryOp(op=gast.Not(), operand=S.name(name))
    branch = _at(gast.If(test=test, body=[then], orelse=[]), either)
    rest = either.values[k + 1:]
    holder.value = _at(gast.BoolOp(op=either.op, values=[S.name(name)] + rest) if rest else S.name(name), either)
    at = next(k for k, s in enumerate(block) if s is holder)
    block[at:at] = [_at(first, either), branch]
    found.statement = then
    return branch.body


def _parent(statement, node):
    return next(p for p in S.walk_nodes(statement) for c in gast.iter_child_nodes(p) if c is node)


def _at(node, where):
    return gast.copy_location(node, where)
