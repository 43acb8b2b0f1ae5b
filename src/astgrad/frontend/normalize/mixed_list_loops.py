"""A loop appending to a list of new and moved objects (mixed_lists.py) written as the
appends it makes, where what it appends is known when the code is generated::

    for k in range(3):                          k = 0
        new.append(Dense(k * w))      ->        new.append(Dense(k * w))
                                                k = 1
                                                ...
    for layer in layers[1:]:          ->        new.extend(layers[1:])
        new.append(layer)

A loop over ``range`` of int constants or over a display of constants or of names its
body does not bind (at most ``MOST_PASSES`` passes) is written out pass by pass, its
variable bound before each as Python binds it (so it holds the last item after the loop,
as in Python). A loop whose body only appends its variable (``for t in xs:
new.append(t)``) is ``new.extend(xs)`` where the variable is read nowhere else (else
Python leaves it bound after the loop, which an extend does not). Any other loop
appending to the list is not written: ``Unknown`` says why, in the user's words.
``for k in range(len(new))`` reading ``k`` only as ``new[k]`` is the loop over its items
(``as_item_loop``)."""

import builtins

import gast

from ...core import syntax as S
from ...core.walk import own_jumps, walk_blocks

MOST_PASSES = 16        # (a longer loop written out would make the code long)


class Unknown(Exception):
    """A loop appending to the list that is not written out; its args: why, in words."""


class UnknownPasses(Unknown):
    """A loop appending to the list whose passes are not known when the code is generated
    (or would be too many to write out), or that may stop early (a ``break``, an ``else``)."""


def builds(stmt, name):
    """Whether the simple statement ``stmt`` appends to, extends or stores into ``name``."""
    if isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call) \
            and isinstance(stmt.value.func, gast.Attribute) and isinstance(stmt.value.func.value, gast.Name):
        return stmt.value.func.value.id == name and stmt.value.func.attr in ("append", "extend")
    if isinstance(stmt, gast.AugAssign) and isinstance(stmt.target, gast.Name):
        return stmt.target.id == name
    return isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Subscript) \
        and isinstance(stmt.targets[0].value, gast.Name) and stmt.targets[0].value.id == name


def appending_loop(stmt, name):
    """Whether ``stmt`` is a ``for`` or ``while`` loop whose body (not a block inside it) builds ``name``."""
    return isinstance(stmt, (gast.For, gast.While)) and any(builds(s, name) for s in stmt.body)


def written_out(normalizer, loop, name, read_elsewhere):
    """The statements the appending ``loop`` makes (the module docstring), or ``Unknown``
    (``read_elsewhere(target)``: whether the loop's variable is read outside it)."""
    line = normalizer.source.file_line(loop)
    if isinstance(loop, gast.While):
        raise UnknownPasses(f"'{name}' is appended to in a while loop (line {line})")
    target = loop.target
    if any(isinstance(n, gast.Name) and n.id == name for n in S.walk_nodes(loop.iter)):
        raise Unknown(f"'{name}' is appended to in a loop over itself (line {line})")
    if not isinstance(target, gast.Name) or loop.orelse or any(own_jumps(loop.body)):
        raise UnknownPasses(f"'{name}' is appended to in a loop (line {line}) that does not bind one name, or has "
                            f"an else, a break or a continue")
    body = loop.body
    items = _items(normalizer, loop)
    if items is None and len(body) == 1 and isinstance(body[0], gast.Expr) and builds(body[0], name) \
            and body[0].value.func.attr == "append" and len(body[0].value.args) == 1 \
            and isinstance(body[0].value.args[0], gast.Name) and body[0].value.args[0].id == target.id \
            and not body[0].value.keywords:
        if read_elsewhere(target.id):
            raise Unknown(f"'{target.id}', the variable of the loop appending it to '{name}' (line {line}), is read "
                          f"outside that loop, where Python leaves it bound to the last item")
        extend = S.call(gast.Attribute(value=S.name(name), attr="extend", ctx=gast.Load()), [S.copy(loop.iter)])
        return [gast.copy_location(gast.Expr(value=extend), loop)]
    if items is None:
        raise UnknownPasses(f"'{name}' is appended to in a loop (line {line}) whose number of passes is not known "
                            f"when astgrad generates code (it writes out a loop over range(3) or over a list display "
                            f"written in the code, of at most {MOST_PASSES} items)")
    bound = {n.id for s in body for n in S.walk_nodes(s) if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store)}
    if any(isinstance(n, gast.Name) and n.id in bound for item in items for n in S.walk_nodes(item)):
        raise UnknownPasses(f"'{name}' is appended to in a loop (line {line}) over a display of names its body binds")
    out = []
    for item in items:
        out.append(gast.copy_location(S.assign(target.id, S.copy(item)), loop))
        out.extend(S.copy(s) for s in body)
    return out


def own_run(loop, name, fresh, builds_object):
    """The statements of ``loop`` appending only new objects to ``name`` (``builds_object``
    of each appended value) where they append them to a new list of their own instead,
    bound to ``[]`` before the loop (``fresh``: its name), which is then a run of the list:
    its items, in order, are those the loop appends, and the loop runs as it did (its
    passes, a ``break``, its variable as Python leaves it); else None::

        for k in range(n):                            new_2 = []
            new.append(Dense(k * w))      ->          for k in range(n):
                                                          new_2.append(Dense(k * w))
    """
    loop = S.copy(loop)
    appends = [s for block in walk_blocks([loop]) for s in block if builds(s, name)]
    if not all(isinstance(s, gast.Expr) and s.value.func.attr == "append" and len(s.value.args) == 1
               and not s.value.keywords and isinstance(s.value.args[0], gast.Call) and builds_object(s.value.args[0])
               and not any(isinstance(n, gast.Name) and n.id == name for n in S.walk_nodes(s.value.args[0]))
               for s in appends):
        return None
    run = fresh()
    for append in appends:
        append.value.func.value = gast.copy_location(S.name(run), append.value.func.value)
    return [gast.copy_location(S.assign(run, gast.List(elts=[], ctx=gast.Load())), loop), loop]


def _items(normalizer, loop):
    """The items ``loop`` runs over where written in the code: ``range`` of int constants
    (the builtin) or a list or tuple display of constants or names; else None."""
    over = loop.iter
    if isinstance(over, (gast.List, gast.Tuple)) and len(over.elts) <= MOST_PASSES \
            and all(isinstance(e, (gast.Name, gast.Constant)) for e in over.elts):
        return over.elts
    if isinstance(over, gast.Call) and isinstance(over.func, gast.Name) and over.func.id == "range" \
            and not over.keywords and 1 <= len(over.args) <= 3 and "range" not in normalizer.locals \
            and normalizer.source.resolve_path(["range"], depend=False) is builtins.range:
        bounds = [constant_index(a) for a in over.args]
        if None not in bounds and (len(bounds) < 3 or bounds[2] != 0) and len(range(*bounds)) <= MOST_PASSES:
            return [S.const(k) for k in range(*bounds)]
    return None


def constant_index(node):
    """The int a constant (``3``, ``-1``) writes; else None."""
    if isinstance(node, gast.Constant) and type(node.value) is int:
        return node.value
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub) and isinstance(node.operand, gast.Constant) \
            and type(node.operand.value) is int:
        return -node.operand.value
    return None



def as_item_loop(normalizer, loop, name, fresh):
    """``for k in range(len(new))`` whose body reads ``k`` only as ``new[k]`` as ``for t
    in new`` with ``new[k]`` read as ``t`` (``fresh``: a new name for ``t``); else None.
    The list is not changed in the loop (mixed_lists.py refuses any other use of it
    there), so its items are the same at each pass. (Where ``k`` is read after the loop,
    mixed_list_uses.py binds it after the loop as Python leaves it.)"""
    target, over = loop.target, loop.iter
    if not (isinstance(target, gast.Name) and not loop.orelse and isinstance(over, gast.Call)
            and _builtin(normalizer, over.func, "range") and len(over.args) == 1 and not over.keywords):
        return None
    measured = over.args[0]
    if not (isinstance(measured, gast.Call) and _builtin(normalizer, measured.func, "len") and not measured.keywords
            and len(measured.args) == 1 and isinstance(measured.args[0], gast.Name) and measured.args[0].id == name):
        return None
    body = [S.copy(s) for s in loop.body]
    parents = {id(c): n for s in body for n in S.walk_nodes(s) for c in gast.iter_child_nodes(n)}
    reads = []
    for node in [n for s in body for n in S.walk_nodes(s)]:
        if isinstance(node, gast.Name) and node.id == target.id:
            read = parents.get(id(node))
            if not (isinstance(node.ctx, gast.Load) and isinstance(read, gast.Subscript) and read.slice is node
                    and isinstance(read.ctx, gast.Load) and isinstance(read.value, gast.Name) and read.value.id == name):
                return None
            reads.append(read)
    item = fresh()
    for read in reads:
        S.replace_child(parents[id(read)], read, gast.copy_location(S.name(item), read))
    return gast.copy_location(gast.For(target=S.name(item, store=True), iter=S.name(name), body=body, orelse=[],
                                       type_comment=None), loop)


def _builtin(normalizer, func, name):
    return isinstance(func, gast.Name) and func.id == name and name not in normalizer.locals \
        and normalizer.source.resolve_path([name], depend=False) is getattr(builtins, name)
