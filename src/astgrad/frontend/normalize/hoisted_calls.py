"""A method called inside an expression (``s = s + a.bumped(0, c)``) bound to a name of
its own first, in the statement before (``bumped = a.bumped(0, c); s = s + bumped``),
where that keeps Python's order of evaluation: the statement is an assignment, an
augmented assignment to a name or an expression statement (a ``return`` too, where the
caller asks); the call is in no part
evaluated only sometimes (``and``, ``or``, a chained comparison, a comprehension, a
lambda; but the call may be a whole branch of ``x if c else y``, then written as an
``if`` statement binding a name, ``if c: chosen = a.bumped(0, c)``, where the test and the
other branch call no method of the object); and each operand Python evaluates before
the call (or that conditional expression) is

- a name, a constant or a module's attribute (``np.sum``), left where it is: the call
  cannot change what it reads (a name is read as the object it holds, which Python
  reads before the call as well);
- such a call bound first (``a.bumped(0, c) * a.bumped(1, c)``: ``hoisted``);
- an operator's value (``s + a.total() + a.bumped(0, c)``, its calls of the object's
  methods bound first), bound to a name of its own before the call, so that it is
  computed before it, as in Python;
- an item of the object's attribute (``a.data[0] * a.bumped(0, c)``), bound to a name of
  its own before the call after a check when the code runs that it is a number, which
  the call cannot change (element_reads.py: a row of a deeper array is a view, which
  shows the change).

Any other operand read before the call (``a.data``, ``x[0]``) may be changed by it, and
keeps the call where it is (appended_objects.py then refuses)."""

import gast

from ...core import syntax as S
from ...core.walk import walk_blocks
from .element_reads import element_read
from .evaluation_order import evaluated_before

_STATEMENTS = (gast.Assign, gast.AugAssign, gast.Expr)


def hoistable(call, parents, is_module, hoisted=None, elements=False, returns=False):
    """Whether ``call`` (inside a statement, not the statement's whole value) may be
    bound to a name in the statement before; ``parents``: {node: its parent};
    ``is_module(name)``: whether ``name`` names a module in the function; ``hoisted(node)``:
    whether an operand evaluated before it is a call bound to a name before it, first
    (``a.bumped(0, c) * a.bumped(1, c)``), which is then a name too; ``elements``: whether
    an item of the object's attribute read before it (``a.data[0]``) may be bound first,
    checked to be a number (element_reads.py); ``returns``: whether the statement may be a
    ``return`` (its value computed before it returns, as an assignment's)."""
    receiver = call.func.value.id if isinstance(call.func.value, gast.Name) else None
    chosen = _chosen_by(call, parents, receiver)
    for node in _operands_before(chosen or call, parents):
        if node is None:
            return False
        if not (_unchanged(node, is_module) or hoisted is not None and hoisted(node)
                or elements and element_read(node, receiver) or _computed(node, receiver, hoisted)):
            return False
    child, parent = chosen or call, parents.get(chosen or call)
    while parent is not None and not isinstance(parent, gast.stmt):
        child, parent = parent, parents.get(parent)
    if not isinstance(parent, _STATEMENTS + ((gast.Return,) if returns else ())):
        return False
    if isinstance(parent, gast.AugAssign):
        return child is parent.value and isinstance(parent.target, gast.Name)
    return child is parent.value


def _chosen_by(call, parents, receiver):
    """The conditional expression ``call`` is a whole branch of (``a.bumped(0, c) if k > 0
    else 0.0``), written as an ``if`` statement binding a name first; None for any other.
    Its test and other branch call no method of the object (but as a whole branch too)."""
    choice = parents.get(call)
    if not (isinstance(choice, gast.IfExp) and call is not choice.test):
        return None
    other = choice.orelse if call is choice.body else choice.body
    if any(_calls_on(n, receiver) for n in S.walk_nodes(choice.test)) \
            or any(_calls_on(n, receiver) and n is not other for n in S.walk_nodes(other)):
        return None
    return choice


def _calls_on(node, receiver):
    return isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute) \
        and isinstance(node.func.value, gast.Name) and node.func.value.id == receiver


def hoist_calls(body, wanted, fresh, copied=None, returns=False):
    """Bind each call of ``body`` (and of the blocks nested in it) for which ``wanted(call,
    parents)`` holds, and which is not a statement's whole value, to a name (``fresh(hint)``)
    in a statement of its own just before its statement: first the calls evaluated first,
    so that each call left sees the names bound before it; each operand computed before
    it (``s + t``, ``a.data[0]``: ``copied(read, call)``, its item checked a number) bound
    to a name first, in Python's order, so that it is computed before the call still; in
    a ``return`` too where ``returns``."""
    statements = _STATEMENTS + ((gast.Return,) if returns else ())
    for block in walk_blocks(body):
        at = 0
        while at < len(block):
            stmt = block[at]
            call = _first_wanted(stmt, wanted) if isinstance(stmt, statements) else None
            if call is None:
                at += 1
                continue
            receiver = call.func.value.id
            parents = S.parent_nodes(stmt)
            chosen = _chosen_by(call, parents, receiver)
            for node in _operands_before(chosen or call, parents):
                if isinstance(node, (gast.Name, gast.Constant, gast.Attribute)) and not element_read(node, receiver):
                    continue        # (names and np.sum: read after the call as before it)
                name = fresh("operand")
                value = copied(node, call) if copied is not None and element_read(node, receiver) else node
                _replace(stmt, node, gast.copy_location(S.name(name), node))
                block.insert(at, gast.copy_location(S.assign(name, value), stmt))
                at += 1
            if chosen is not None:      # if k > 0: chosen = a.bumped(0, c) else: chosen = 0.0
                name = fresh("chosen")
                _replace(stmt, chosen, gast.copy_location(S.name(name), chosen))
                branch = gast.If(test=chosen.test, body=[gast.copy_location(S.assign(name, chosen.body), stmt)],
                                 orelse=[gast.copy_location(S.assign(name, chosen.orelse), stmt)])
                block.insert(at, gast.copy_location(branch, stmt))
                at += 1
                continue
            name = fresh(call.func.attr)
            _replace(stmt, call, gast.copy_location(S.name(name), call))
            block.insert(at, gast.copy_location(S.assign(name, call), stmt))
            at += 1


def _operands_before(call, parents):
    """The operands Python evaluates before ``call`` in its statement, in Python's order
    (None among them where ``call`` is evaluated only sometimes)."""
    found = []
    child, parent = call, parents.get(call)
    while parent is not None and not isinstance(parent, gast.stmt):
        before = evaluated_before(child, parent)
        found[:0] = [None] if before is None else before        # (the outer ones first)
        child, parent = parent, parents.get(parent)
    return found


def _computed(node, receiver, hoisted):
    """An operator's value computed before the call (``s + t``, ``x * 2.0``), bound to a
    name first: a new value, computed where Python computes it. Not one holding a call of
    the object's methods not bound first, nor a lambda, a comprehension or ``:=``."""
    if not isinstance(node, (gast.BinOp, gast.UnaryOp, gast.Compare)):
        return False
    for inner in S.walk_nodes(node):
        if isinstance(inner, (gast.Lambda, gast.NamedExpr, gast.ListComp, gast.SetComp, gast.DictComp,
                              gast.GeneratorExp, gast.Yield, gast.YieldFrom, gast.Await)):
            return False
        if isinstance(inner, gast.Call) and isinstance(inner.func, gast.Attribute) \
                and isinstance(inner.func.value, gast.Name) and inner.func.value.id == receiver \
                and not (hoisted is not None and hoisted(inner)):
            return False
    return True


def _first_wanted(stmt, wanted):
    parents = S.parent_nodes(stmt)
    for node in S.walk_nodes(stmt):
        if isinstance(node, gast.Call) and node is not stmt.value and isinstance(node.func, gast.Attribute) \
                and wanted(node, parents):
            return node
    return None


def _replace(stmt, old, new):
    for node in S.walk_nodes(stmt):
        for field, value in gast.iter_fields(node):
            if value is old:
                setattr(node, field, new)
                return
            if isinstance(value, list) and any(v is old for v in value):
                value[next(k for k, v in enumerate(value) if v is old)] = new
                return


def _unchanged(node, is_module):
    """Whether ``node``'s value is one a call evaluated after it cannot change."""
    if isinstance(node, (gast.Name, gast.Constant)):
        return True
    path = S.dotted_path(node) if isinstance(node, gast.Attribute) else None
    return path is not None and len(path) == 2 and is_module(path[0])      # np.sum
