"""A function chosen by an ``if`` written otherwise than one binding in each branch,
rewritten so that it is (what ``forwarding.choose_branch_functions`` follows):

- a default bound before the ``if`` that some branches rebind (``act = np.tanh`` then
  ``if c: act = relu``) is bound instead in each branch that does not, and in an
  ``else`` made for it, where nothing between the two reads or binds the name;
- a tuple assignment binding a function (``act, scale = np.tanh, 2.0``, in a branch or
  before the ``if``) is one assignment per name, where no item of the display reads a
  name it binds or calls anything.

Both compute what Python computes: the function is bound once either way, to the same
value, before anything reads it.
"""

import gast

from ...core import syntax as S
from ...core.walk import rewrite_each_block


def spread_branch_defaults(normalizer, tree, defined):
    """``tree`` with the rewrites of the module doc; ``defined(stmt)`` is the name
    ``stmt`` binds a function to, or None."""
    def split_tuples(block):
        return [part for stmt in block for part in _split_tuple(stmt, defined)]

    def move_defaults(block):
        block = list(block)
        for index in range(len(block)):
            if isinstance(block[index], gast.If):
                _move_default_into(block, index, defined, closed_over)
        return [stmt for stmt in block if stmt is not None]

    closed_over = _closed_over(tree)
    tree.body = rewrite_each_block(tree.body, split_tuples)
    tree.body = rewrite_each_block(tree.body, move_defaults)


def _split_tuple(stmt, defined):
    """``a, b = e1, e2`` as ``a = e1`` and ``b = e2`` where it binds a function and no
    ``e`` reads a name bound there or calls anything (which could); else ``[stmt]``."""
    if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1
            and isinstance(stmt.targets[0], gast.Tuple) and isinstance(stmt.value, gast.Tuple)
            and len(stmt.targets[0].elts) == len(stmt.value.elts)
            and all(isinstance(t, gast.Name) for t in stmt.targets[0].elts)):
        return [stmt]
    names = [t.id for t in stmt.targets[0].elts]
    if len(set(names)) != len(names) or set(names) & set(S.names_in(stmt.value)) \
            or not all(_runs_nothing(item) for item in stmt.value.elts):
        return [stmt]
    parts = [gast.copy_location(S.assign(name, value), stmt) for name, value in zip(names, stmt.value.elts)]
    for part in parts:
        part.targets[0] = gast.Name(id=part.targets[0].id, ctx=gast.Store(), annotation=None, type_comment=None)
    return parts if any(defined(part) is not None for part in parts) else [stmt]


def _move_default_into(block, index, defined, closed_over):
    """For ``block[index]``, an ``if`` chain some branches of which bind a function to a
    name that a statement before it in ``block`` binds a function to: that statement
    moved into each branch not binding the name (``block`` changed in place, the
    moved statement left as None). Not for a name a local function reads (a call
    between the two could read it), nor where a branch binds it other than once, at
    its top level."""
    stmt = block[index]
    branches, last = if_chain(stmt)
    for name in sorted({defined(s) for branch in branches for s in branch} - {None}):
        before = next((k for k in range(index - 1, -1, -1) if block[k] is not None
                       and name in _bound(block[k])), None)
        if name in closed_over or not all(_binds_once_or_not(branch, name, defined) for branch in branches):
            continue
        if before is None or defined(block[before]) != name \
                or any(block[k] is not None and name in S.names_in(block[k]) for k in range(before + 1, index)) \
                or any(name in S.names_in(test) for test in _tests(stmt)) \
                or any(reads_name(branch, name) for branch in branches):
            continue
        default = block[before]
        for branch in branches:
            if not any(name in _bound(s) for s in branch):
                branch.insert(0, S.copy(default))
        if not last.orelse:
            last.orelse = [S.copy(default)]
        block[before] = None


def if_chain(stmt):
    """The blocks of the ``if``/``elif`` chain ``stmt`` (with its ``else`` if it has one),
    and its last ``if``."""
    branches = [stmt.body]
    while len(stmt.orelse) == 1 and isinstance(stmt.orelse[0], gast.If):
        stmt = stmt.orelse[0]
        branches.append(stmt.body)
    return (branches + [stmt.orelse] if stmt.orelse else branches), stmt


def _tests(stmt):
    tests = [stmt.test]
    while len(stmt.orelse) == 1 and isinstance(stmt.orelse[0], gast.If):
        stmt = stmt.orelse[0]
        tests.append(stmt.test)
    return tests


def _bound(stmt):
    """The names ``stmt`` binds anywhere in it."""
    names = {n.id for n in S.walk_nodes(stmt) if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store)}
    names |= {n.name for n in S.walk_nodes(stmt) if isinstance(n, (gast.FunctionDef, gast.ClassDef))}
    return names


def reads_name(branch, name):
    """Whether a statement of ``branch`` reads ``name``."""
    return any(isinstance(n, gast.Name) and n.id == name and not isinstance(n.ctx, gast.Store)
               for stmt in branch for n in S.walk_nodes(stmt))


def _binds_once_or_not(branch, name, defined):
    binding = [s for s in branch if name in _bound(s)]
    return not binding or len(binding) == 1 and defined(binding[0]) == name


def _closed_over(tree):
    """The names a lambda or a def inside ``tree`` reads."""
    return {n.id for fn in S.walk_nodes(tree) if isinstance(fn, (gast.Lambda, gast.FunctionDef)) and fn is not tree
            for n in S.walk_nodes(fn) if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load)}


def _runs_nothing(expr):
    """Whether evaluating ``expr`` calls nothing (a lambda's body runs later)."""
    if isinstance(expr, gast.Lambda):
        return True
    if isinstance(expr, gast.Call):
        return False
    return all(_runs_nothing(child) for child in gast.iter_child_nodes(expr))
