"""Reads of a whole list whose items item_objects.py names, written item by item so
each item is read under its own name: ``len(bs)`` as the number of items, a
comprehension over it (``[b.v * w for b in bs]``, ``sum(b.v for b in bs)``) as the
display of its item for each item, and a ``for`` loop over it as its body once per
item, the loop's name read as that item's::

    for b in bs:                      bs_0.scale(w)
        b.scale(w)           ->       bs_1.scale(w)

A loop that may stop early (a ``break`` of its own) or has an ``else`` runs its bodies,
one per item, inside a loop of one turn holding that ``else``, whose ``break`` the
original ``break`` now is::

    for b in bs:                      for once in range(1):
        b.scale(w)                        bs_0.scale(w)
        if b.v > c:          ->           if bs_0.v > c:
            break                             break
                                          bs_1.scale(w)
                                          if bs_1.v > c:
                                              break

A loop whose body has a ``continue`` of its own runs each item's body inside a loop of
one turn of its own, which the ``continue`` ends, then its ``else`` (with a ``break`` too,
all of them inside one loop of one turn holding the ``else``, which a flag the ``break``
sets leaves after the item's loop)::

    for b in bs:                      for once in range(1):
        if b.v < 0:                       if bs_0.v < 0:
            continue         ->               continue
        b.scale(w)                        bs_0.scale(w)
                                      for once_1 in range(1):
                                          ...

Taken only where that is what Python runs: the loop's name is bound by the loop alone
and read only in its body; the comprehension has one ``for`` over the list binding one name, no ``if``,
and builds a list or is consumed whole (by ``sum``, ``min``, ``max``, ``list``,
``tuple`` or ``sorted``); no nested def, lambda or class names the loop's name."""

import copy

import gast

from ...core import syntax as S
from ...core.walk import inner_blocks

# functions consuming a generator expression whole, in order, keeping nothing of it
_CONSUMERS = frozenset({"sum", "min", "max", "list", "tuple", "sorted"})
_YIELDS = (gast.Yield, gast.YieldFrom)
_SCOPES = (gast.FunctionDef, gast.Lambda, gast.ClassDef, gast.Global, gast.Nonlocal)


def whole_reads(tree, lists, bound_count, dicts=()):
    """({id of a Name reading one of ``lists`` whole: the node to write out item by item,
    a For, a list comprehension, a generator expression or a ``len`` call (of one of
    ``dicts`` too: its number of keys)}, the ids of the Fors among them whose body changes
    the item: a method call on it or on an attribute of it, an attribute stored)."""
    nested = set()
    for node in S.walk_nodes(tree):
        if isinstance(node, _SCOPES) and node is not tree:
            nested |= S.names_in(node) | set(getattr(node, "names", ()))
    found, changing = {}, set()
    for node in S.walk_nodes(tree):
        iterated = _iterated(node.iter, lists) if isinstance(node, gast.For) else None
        if iterated is not None and _loop_written_out(tree, node, nested, bound_count):
            found[id(iterated)] = node
            if _changes(node.body, node.target.id):
                changing.add(id(node))
        elif isinstance(node, gast.Expr) and isinstance(node.value, gast.ListComp) \
                and _comprehension(node.value, lists) and _changes([node], node.value.generators[0].target.id):
            changing.add(id(node.value))    # [b.scale(w) for b in bs], made for its effect
        elif isinstance(node, gast.Call) and isinstance(node.func, gast.Name):
            if node.func.id == "len" and len(node.args) == 1 and not node.keywords \
                    and _read(node.args[0], set(lists) | set(dicts)):
                found[id(node.args[0])] = node
            elif node.func.id in _CONSUMERS and len(node.args) == 1 and not node.keywords \
                    and isinstance(node.args[0], gast.GeneratorExp) and _comprehension(node.args[0], lists):
                found[id(node.args[0].generators[0].iter)] = node.args[0]
        elif isinstance(node, gast.ListComp) and _comprehension(node, lists):
            found[id(node.generators[0].iter)] = node
    return found, changing


def _read(node, lists):
    return isinstance(node, gast.Name) and node.id in lists and isinstance(node.ctx, gast.Load)


def _iterated(node, lists):
    """The read of one of ``lists`` that the iterable ``node`` of a ``for`` goes over in an
    order known now: the list itself, ``reversed(bs)``, or ``bs[a:b:c]`` with int constant
    bounds and a step other than 0; else None."""
    if isinstance(node, gast.Call) and isinstance(node.func, gast.Name) and node.func.id == "reversed" \
            and len(node.args) == 1 and not node.keywords:
        node = node.args[0]
    elif isinstance(node, gast.Subscript) and isinstance(node.slice, gast.Slice):
        if _constant_slice(node.slice) is None:
            return None
        node = node.value
    return node if _read(node, lists) else None


def _constant_slice(bounds):
    """The slice ``bounds`` (a gast.Slice) spells where each part is absent or an int
    constant and the step is not 0; else None."""
    parts = []
    for part in (bounds.lower, bounds.upper, bounds.step):
        if isinstance(part, gast.UnaryOp) and isinstance(part.op, gast.USub):
            value = part.operand.value if isinstance(part.operand, gast.Constant) else None
            parts.append(-value if type(value) is int else "")
        else:
            parts.append(None if part is None else part.value if isinstance(part, gast.Constant)
                         and type(part.value) is int else "")
    return None if "" in parts or parts[2] == 0 else slice(*parts)


def _in_order(names, iterable):
    """The item names ``names`` in the order the ``for`` over ``iterable`` reads them."""
    if isinstance(iterable, gast.Call):
        return names[::-1]
    return names[_constant_slice(iterable.slice)] if isinstance(iterable, gast.Subscript) else names


def _loop_written_out(tree, loop, nested, bound_count):
    """Whether the ``for`` loop ``loop`` may run as its body once per item."""
    if not isinstance(loop.target, gast.Name) or bound_count.get(loop.target.id, 0) != 1 \
            or loop.target.id in nested \
            or any(isinstance(n, _YIELDS) for s in loop.body for n in S.walk_nodes(s)):
        return False
    inside = {id(n) for s in loop.body for n in S.walk_nodes(s)}
    return all(id(n) in inside for n in S.walk_nodes(tree)
               if isinstance(n, gast.Name) and n.id == loop.target.id and n is not loop.target)


def _own_jumps(body):
    """The ``break`` and ``continue`` statements of the loop whose body is ``body`` (not
    those of a loop inside it, but those of such a loop's ``else``)."""
    for stmt in body:
        if isinstance(stmt, (gast.Break, gast.Continue)):
            yield stmt
        elif isinstance(stmt, (gast.For, gast.While)):
            yield from _own_jumps(stmt.orelse)
        elif not isinstance(stmt, (gast.FunctionDef, gast.ClassDef)):
            for block in inner_blocks(stmt):
                yield from _own_jumps(block)


def _flag_breaks(body, flag):
    """``body`` with each ``break`` of its own (as _own_jumps finds them) written
    ``flag = True; break``."""
    out = []
    for stmt in body:
        if isinstance(stmt, gast.Break):
            out.append(gast.copy_location(S.assign(flag, S.const(True)), stmt))
        elif isinstance(stmt, (gast.For, gast.While)):
            stmt.orelse = _flag_breaks(stmt.orelse, flag)
        elif not isinstance(stmt, (gast.FunctionDef, gast.ClassDef)):
            for field in ("body", "orelse", "finalbody"):
                block = getattr(stmt, field, None)
                if isinstance(block, list) and block and isinstance(block[0], gast.stmt):
                    setattr(stmt, field, _flag_breaks(block, flag))
            for handler in getattr(stmt, "handlers", None) or ():
                handler.body = _flag_breaks(handler.body, flag)
            for case in getattr(stmt, "cases", None) or ():
                case.body = _flag_breaks(case.body, flag)
        out.append(stmt)
    return out


def _comprehension(node, lists):
    """Whether the comprehension ``node`` may be the display of its item for each item."""
    if len(node.generators) != 1:
        return False
    step = node.generators[0]
    return _read(step.iter, lists) and not step.ifs and not step.is_async and isinstance(step.target, gast.Name) \
        and step.target.id not in S.stored_names(node.elt) \
        and not any(isinstance(n, _SCOPES + (gast.NamedExpr,)) for n in S.walk_nodes(node.elt))


def _changes(body, name):
    """Whether ``body`` calls a method of ``name``'s object or of an attribute of it, or
    stores an attribute of it."""
    for node in (n for s in body for n in S.walk_nodes(s)):
        if isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute):
            owner = node.func.value
            owner = owner.value if isinstance(owner, gast.Attribute) else owner
            if isinstance(owner, gast.Name) and owner.id == name:
                return True
        elif isinstance(node, gast.Attribute) and isinstance(node.ctx, gast.Store) \
                and isinstance(node.value, gast.Name) and node.value.id == name:
            return True
    return False


class WriteOut(gast.NodeTransformer):
    """The nodes of ``plan`` ({id: the names of the list's items}) written item by item."""

    def __init__(self, plan, normalizer):
        self.plan, self.normalizer = plan, normalizer

    def visit_For(self, node):
        self.generic_visit(node)
        names = self.plan.get(id(node))
        if names is None:
            return node
        bodies = [[_with_name(stmt, node.target.id, item) for stmt in node.body]
                  for item in _in_order(names, node.iter)]
        jumps = list(_own_jumps(node.body))
        if any(isinstance(jump, gast.Continue) for jump in jumps):     # each body a loop of one turn: continue ends it
            if not any(isinstance(jump, gast.Break) for jump in jumps):
                return [self._once(body, [], node) for body in bodies] + node.orelse
            return self._stopping(bodies, node)
        body = [stmt for body in bodies for stmt in body]
        if not node.orelse and not jumps:
            return body
        return self._once(body, node.orelse, node)      # a loop of one turn: what break leaves

    def _stopping(self, bodies, node):
        """Bodies with both a ``break`` and a ``continue``: each in a loop of one turn, which
        the ``continue`` ends, inside one around them all, which a flag set by the ``break``
        leaves (so the ``else`` runs only where no break came)."""
        stopped = self.normalizer.namer.fresh("stopped")
        self.normalizer.locals.add(stopped)
        leave = gast.If(test=S.name(stopped), body=[gast.Break()], orelse=[])
        inner = [stmt for body in bodies for stmt in (self._once(_flag_breaks(body, stopped), [], node),
                                                       gast.copy_location(S.copy(leave), node))]
        return [gast.copy_location(S.assign(stopped, S.const(False)), node), self._once(inner, node.orelse, node)]

    def _once(self, body, orelse, node):
        once = self.normalizer.namer.fresh("once")
        self.normalizer.locals.add(once)
        steps = gast.Call(func=S.name("range"), args=[S.const(1)], keywords=[])
        return gast.copy_location(gast.For(target=S.name(once, store=True), iter=steps, body=body,
                                           orelse=orelse, type_comment=None), node)

    def visit_ListComp(self, node):
        self.generic_visit(node)
        names = self.plan.get(id(node))
        if names is None:
            return node
        target = node.generators[0].target.id
        return gast.copy_location(gast.List(elts=[_with_name(node.elt, target, item) for item in names],
                                            ctx=gast.Load()), node)

    visit_GeneratorExp = visit_ListComp

    def visit_Expr(self, node):
        """``[b.scale(w) for b in bs]`` for its effect: the item's calls, one statement each,
        as Python makes them (the list it builds is dropped)."""
        comprehension = node.value
        names = self.plan.get(id(comprehension)) if isinstance(comprehension, gast.ListComp) else None
        if names is None:
            return self.generic_visit(node)
        target = comprehension.generators[0].target.id
        return [gast.copy_location(gast.Expr(value=_with_name(comprehension.elt, target, item)), node)
                for item in names]

    def visit_Call(self, node):
        self.generic_visit(node)
        names = self.plan.get(id(node))
        return node if names is None else gast.copy_location(S.const(len(names)), node)


def _with_name(node, name, item):
    """A copy of ``node`` reading ``item`` where it reads ``name``."""
    node = copy.deepcopy(node)
    for found in S.walk_nodes(node):
        if isinstance(found, gast.Name) and found.id == name:
            found.id = item
    return node
