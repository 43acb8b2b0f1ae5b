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
from ...core.walk import own_jumps

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
        iterated = _iterated(node.iter, node.target, lists, dicts) if isinstance(node, gast.For) else None
        if iterated is not None and _loop_written_out(tree, node, nested, bound_count):
            found[id(iterated)] = node
            if _changes(node.body, _item_target(node.target).id):
                changing.add(id(node))
        elif isinstance(node, gast.Expr) and isinstance(node.value, gast.ListComp) \
                and _comprehension(node.value, lists, dicts) \
                and _changes([node], _item_target(node.value.generators[0].target).id):
            changing.add(id(node.value))    # [b.scale(w) for b in bs], made for its effect
        elif isinstance(node, gast.Call) and isinstance(node.func, gast.Name):
            if node.func.id == "len" and len(node.args) == 1 and not node.keywords \
                    and _measured(node.args[0], lists, dicts) is not None:
                found[id(_measured(node.args[0], lists, dicts))] = node
            elif node.func.id in _CONSUMERS and len(node.args) == 1 and not node.keywords \
                    and isinstance(node.args[0], gast.GeneratorExp) and _comprehension(node.args[0], lists, dicts):
                found[id(_comprehension(node.args[0], lists, dicts))] = node.args[0]
        elif isinstance(node, (gast.ListComp, gast.DictComp)) and _comprehension(node, lists, dicts):
            found[id(_comprehension(node, lists, dicts))] = node
    return found, changing


def _measured(node, lists, dicts):
    """The read of the list or dict ``len`` of ``node`` measures: one of ``lists`` or
    ``dicts``, or a slice of a list with int constant bounds (``len(bs[1:])``); else None."""
    if isinstance(node, gast.Subscript) and isinstance(node.slice, gast.Slice):
        return node.value if _constant_slice(node.slice) is not None and _read(node.value, lists) else None
    return node if _read(node, set(lists) | set(dicts)) else None


def _read(node, lists):
    return isinstance(node, gast.Name) and node.id in lists and isinstance(node.ctx, gast.Load)


def _iterated(node, target, lists, dicts=()):
    """The read of one of ``lists`` that the iterable ``node`` of a ``for`` binding
    ``target`` goes over in an order known now: the list itself, ``reversed(bs)``, or
    ``bs[a:b:c]`` with int constant bounds and a step other than 0, also in ``enumerate``
    (its start an int constant); or of one of ``dicts``, ``d.values()``, ``d.items()``.
    ``target`` is one name, or two where each step gives a pair (``for i, b in
    enumerate(bs)``, ``for k, b in d.items()``). Else None."""
    pairs = _pairs(node)
    if not (isinstance(target, gast.Name) if pairs is None else isinstance(target, gast.Tuple)
            and len(target.elts) == 2 and all(isinstance(e, gast.Name) for e in target.elts)
            and target.elts[0].id != target.elts[1].id):
        return None
    if pairs == "enumerate":
        node = node.args[0]
    if isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute) and node.func.attr in ("values", "items"):
        return node.func.value if not node.args and not node.keywords and _read(node.func.value, dicts) \
            and (node.func.attr == "items") == (pairs == "items") else None
    if isinstance(node, gast.Call) and isinstance(node.func, gast.Name) and node.func.id == "reversed" \
            and len(node.args) == 1 and not node.keywords:
        node = node.args[0]
    elif isinstance(node, gast.Subscript) and isinstance(node.slice, gast.Slice):
        if _constant_slice(node.slice) is None:
            return None
        node = node.value
    return node if _read(node, lists) else None


def _pairs(iterable):
    """"enumerate" for ``enumerate(...)`` (an int constant start, if any), "items" for
    ``d.items()``: iterables giving pairs; else None."""
    if isinstance(iterable, gast.Call) and isinstance(iterable.func, gast.Name) and iterable.func.id == "enumerate" \
            and 1 <= len(iterable.args) <= 2 and not iterable.keywords \
            and all(isinstance(a, gast.Constant) and type(a.value) is int for a in iterable.args[1:]):
        return "enumerate"
    if isinstance(iterable, gast.Call) and isinstance(iterable.func, gast.Attribute) and iterable.func.attr == "items":
        return "items"
    return None


def _item_target(target):
    """The name a loop's target binds each item to (``b`` of ``b`` and of ``i, b``)."""
    return target.elts[1] if isinstance(target, gast.Tuple) else target


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


def _in_order(names, iterable, keys=None):
    """[(the name of an item, the value a pair gives beside it or None)] in the order the
    ``for`` over ``iterable`` reads the items ``names`` (``keys``: a dict's, in order)."""
    pairs = _pairs(iterable)
    if pairs == "items":
        return list(zip(names, keys))
    inner = iterable.args[0] if pairs == "enumerate" else iterable
    if isinstance(inner, gast.Call) and isinstance(inner.func, gast.Name) and inner.func.id == "reversed":
        ordered = names[::-1]
    else:
        ordered = names[_constant_slice(inner.slice)] if isinstance(inner, gast.Subscript) else names
    if pairs == "enumerate":
        start = iterable.args[1].value if len(iterable.args) > 1 else 0
        return [(name, start + k) for k, name in enumerate(ordered)]
    return [(name, None) for name in ordered]


def _loop_written_out(tree, loop, nested, bound_count):
    """Whether the ``for`` loop ``loop`` may run as its body once per item (the counter
    or key of a pair, ``i`` of ``for i, b in enumerate(bs)``, then assigned before each
    body, as the loop binds it)."""
    item = _item_target(loop.target)
    if bound_count.get(item.id, 0) != 1 or item.id in nested \
            or any(isinstance(n, _YIELDS) for s in loop.body for n in S.walk_nodes(s)):
        return False
    inside = {id(n) for s in loop.body for n in S.walk_nodes(s)}
    return all(id(n) in inside for n in S.walk_nodes(tree)
               if isinstance(n, gast.Name) and n.id == item.id and n is not item)



def _flag_breaks(body, flag):
    """``body`` with each ``break`` of its own (as core/walk.py's own_jumps finds them) written
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


def _comprehension(node, lists, dicts=()):
    """The read of the list or dict the comprehension ``node`` goes over (as a ``for``
    does, _iterated) where it may be the display of its item for each item; else None."""
    if len(node.generators) != 1:
        return None
    step = node.generators[0]
    parts = [node.key, node.value] if isinstance(node, gast.DictComp) else [node.elt]
    if step.ifs or step.is_async or any(isinstance(n, _SCOPES + (gast.NamedExpr,))
                                        for part in parts for n in S.walk_nodes(part)) \
            or S.names_in(step.target) & set().union(*(S.stored_names(part) for part in parts)):
        return None
    return _iterated(step.iter, step.target, lists, dicts)


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
        self.plan, self.normalizer = plan, normalizer     # plan: {id: (the items' names, a dict's keys or None)}

    def visit_For(self, node):
        self.generic_visit(node)
        names, keys = self.plan.get(id(node), (None, None))
        if names is None:
            return node
        target = node.target
        counted = [] if isinstance(target, gast.Name) else [target.elts[0].id]     # i of for i, b in enumerate(bs)
        bodies = [[gast.copy_location(S.assign(counter, S.const(value)), node) for counter in counted]
                  + [_with_name(stmt, _item_target(target).id, item) for stmt in node.body]
                  for item, value in _in_order(names, node.iter, keys)]
        jumps = list(own_jumps(node.body))
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
        made = self._made(node)
        if made is None:
            return node
        if isinstance(node, gast.DictComp):     # {i: b.v for i, b in enumerate(bs)}: key, then value, per item
            return gast.copy_location(gast.Dict(keys=[key for key, _ in made], values=[value for _, value in made]),
                                      node)
        return gast.copy_location(gast.List(elts=made, ctx=gast.Load()), node)

    visit_GeneratorExp = visit_DictComp = visit_ListComp

    def _made(self, comprehension):
        """What the comprehension computes for each item (a (key, value) pair for a dict's), in
        order, reading that item's name (and the constant a pair gives beside it); None where
        the plan does not write it out."""
        names, keys = self.plan.get(id(comprehension), (None, None))
        if names is None:
            return None
        step = comprehension.generators[0]
        parts = (comprehension.key, comprehension.value) if isinstance(comprehension, gast.DictComp) \
            else (comprehension.elt,)
        made = [tuple(_Substituted(step.target, item, value).visit(copy.deepcopy(part)) for part in parts)
                for item, value in _in_order(names, step.iter, keys)]
        return made if isinstance(comprehension, gast.DictComp) else [elt for elt, in made]

    def visit_Expr(self, node):
        """``[b.scale(w) for b in bs]`` for its effect: the item's calls, one statement each,
        as Python makes them (the list it builds is dropped)."""
        made = self._made(node.value) if isinstance(node.value, gast.ListComp) else None
        if made is None:
            return self.generic_visit(node)
        return [gast.copy_location(gast.Expr(value=elt), node) for elt in made]

    def visit_Call(self, node):
        self.generic_visit(node)
        names, keys = self.plan.get(id(node), (None, None))
        return node if names is None else gast.copy_location(S.const(len(_in_order(names, node.args[0], keys))),
                                                             node)


def _with_name(node, name, item):
    """A copy of ``node`` reading ``item`` where it reads ``name``."""
    node = copy.deepcopy(node)
    for found in S.walk_nodes(node):
        if isinstance(found, gast.Name) and found.id == name:
            found.id = item
    return node


class _Substituted(gast.NodeTransformer):
    """A comprehension's part for one item: its item's name read as ``item``, and the
    counter or key of a pair (``i`` of ``i, b``) as the constant ``value``."""

    def __init__(self, target, item, value):
        self.item, self.item_name = item, _item_target(target).id
        self.counter = target.elts[0].id if isinstance(target, gast.Tuple) else None
        self.value = value

    def visit_Name(self, node):
        if node.id == self.item_name:
            node.id = self.item
        elif node.id == self.counter:
            return gast.copy_location(S.const(self.value), node)
        return node
