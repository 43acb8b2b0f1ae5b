"""A list holding objects of a list display the function builds, moved there at
positions known from the code, read as those very objects, so item_objects.py can split
the display and a method called through the other list changes the object the display
holds, as in Python::

    objs = [Layer(a), Layer(b)]             objs = [Layer(a), Layer(b)]
    extra = Layer(c)                        extra = Layer(c)
    ys = [objs[1], objs[0]] + [extra]       (pass)
    for y in ys:                    ->      objs[1].step(w)
        y.step(w)                           objs[0].step(w)
                                            extra.step(w)
    v = ys[-1].W + len(ys)                  v = extra.W + 3

The moved list ``ys`` is bound once, after the display (in its block or a block around
it), to a list made of items of that one display at constant positions and of names
bound once before it so: ``objs[a:b]`` (int constant bounds), ``[objs[1], extra]``,
``list(objs)``, ``list(reversed(objs))``, ``+`` of such lists, ``[o for o in objs if
C]`` with constant conditions, ``[]``; the statements right after it may add to it:
``ys.append(objs[0])``, ``ys.extend(objs)``, ``for o in objs: ys.append(o)``, ``for i in
range(2): ys.append(objs[i])`` (``range`` of int constants). After those, in the
statements after them in its block, it is only read: ``ys[k]`` (an int constant in
range), ``len(ys)`` and ``for y in ys`` (the loop's name bound by it alone, read only in
its body, which has no ``break`` or ``continue``; no ``else``), named in no nested scope
nor by ``global``. Then ``ys`` is never changed and no other name holds it, so each of
its items is the object the display holds there, whatever happens to that object, as in
Python. ``moved_reads`` rewrites and returns, per display, how to put the code back
(item_objects.py keeps it only for a display it splits)."""

import builtins

import gast

from ...core import syntax as S
from ...core.walk import inner_blocks, walk_blocks
from .item_loops import _constant_slice

_NESTED = (gast.FunctionDef, gast.AsyncFunctionDef, gast.Lambda, gast.ClassDef, gast.ListComp, gast.SetComp,
           gast.DictComp, gast.GeneratorExp)
_JUMPS = (gast.Break, gast.Continue)


def moved_reads(normalizer, tree, lists):
    """Rewrite the lists moved out of ``lists`` ({name: its display}) as the module
    docstring says: {display name: [functions putting code back]}."""
    undo = {}
    for block in list(walk_blocks(tree.body)):
        for stmt in list(block):
            if any(stmt is s for s in block):
                found = _Moved(normalizer, tree, lists, block).take(stmt)
                if found is not None:
                    undo.setdefault(found[0], []).extend(found[1])
    return undo


class _Moved:
    """One moved list: what it holds (items ``("at", k)`` of the display, ``("name", n)``)."""

    def __init__(self, normalizer, tree, lists, block):
        self.normalizer, self.tree, self.lists, self.block = normalizer, tree, lists, block
        self.source = None

    def take(self, stmt):
        """(the display, the undo functions) where ``stmt`` binds a moved list; else None."""
        if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name)
                and self.normalizer.bound_count.get(stmt.targets[0].id, 0) == 1
                and not self._declared(stmt.targets[0].id)):
            return None
        name, self.start = stmt.targets[0].id, self._index(stmt)
        made = [stmt]
        items = self._list(stmt.value)
        for later in self.block[self.start + 1:] if items is not None else ():    # ys.append(...) at once
            more = self._filling(later, name)
            if more is None:
                break
            items += more
            made.append(later)
        if not items or self.source is None:
            return None
        plan = self._uses(name, made, items)
        if plan is None:
            return None
        return self.source, self._rewrite(made, items, plan)

    def _declared(self, name):
        """Whether a ``global`` or ``nonlocal`` statement names ``name`` (its binding is
        then a module's or an outer function's, seen elsewhere)."""
        return any(isinstance(n, (gast.Global, gast.Nonlocal)) and name in n.names for n in S.walk_nodes(self.tree))

    def _index(self, stmt):
        return next(k for k, s in enumerate(self.block) if s is stmt)

    # -- what the list holds ---------------------------------------------------------

    def _list(self, node):
        """The items of the list ``node`` makes; else None."""
        if isinstance(node, gast.List):
            items = [self._item(e) for e in node.elts]
            return None if None in items else items
        if isinstance(node, gast.BinOp) and isinstance(node.op, gast.Add):
            left, right = self._list(node.left), self._list(node.right)
            return None if left is None or right is None else left + right
        if isinstance(node, gast.Subscript) and isinstance(node.slice, gast.Slice) and isinstance(node.ctx, gast.Load):
            whole, cut = self._list(node.value), _constant_slice(node.slice)
            return None if whole is None or cut is None else whole[cut]
        if isinstance(node, gast.Call) and self._called(node, builtins.list):
            return self._iterated(node.args[0])
        if isinstance(node, gast.ListComp):
            return self._kept(node)
        return self._display(node)

    def _iterated(self, node):
        """The items a loop over ``node`` takes, in order; else None."""
        if isinstance(node, gast.Call) and self._called(node, builtins.reversed):
            items = self._list(node.args[0])
            return None if items is None else items[::-1]
        return self._list(node)

    def _kept(self, node):
        """The items of ``[o for o in objs if C]`` (constant conditions); else None."""
        generator = node.generators[0]
        if not (len(node.generators) == 1 and isinstance(generator.target, gast.Name) and not generator.is_async
                and isinstance(node.elt, gast.Name) and node.elt.id == generator.target.id
                and all(isinstance(c, gast.Constant) for c in generator.ifs)):
            return None
        items = self._iterated(generator.iter)
        return None if items is None else items if all(c.value for c in generator.ifs) else []

    def _display(self, node):
        """The items of the display ``node`` names; else None."""
        if not (isinstance(node, gast.Name) and isinstance(self.lists.get(node.id), gast.List)
                and self.source in (None, node.id) and self._bound_before(node.id)):
            return None
        self.source = node.id
        return [("at", k) for k in range(len(self.lists[node.id].elts))]

    def _item(self, node):
        """``("at", k)`` for ``objs[k]``, ``("name", n)`` for a name bound once, before
        the moved list in its block, to anything but the moved list; else None."""
        if isinstance(node, gast.Subscript) and isinstance(node.ctx, gast.Load):
            items, k = self._display(node.value), integer(node.slice)
            return items[k] if items is not None and k is not None and -len(items) <= k < len(items) else None
        if isinstance(node, gast.Name) and self.normalizer.bound_count.get(node.id, 0) == 1 \
                and node.id not in self.lists and self._bound_before(node.id):
            return ("name", node.id)
        return None

    def _bound_before(self, name):
        """Whether a statement before the moved list's assigns ``name``: one of its block,
        or of a block around it (in the same function) before the statement holding it."""
        return any(isinstance(s, gast.Assign) and any(isinstance(t, gast.Name) and t.id == name for t in s.targets)
                   for block, at in _enclosing(self.tree.body, self.block) or ()
                   for s in block[:self.start if at is None else at])

    def _filling(self, stmt, name):
        """The items ``stmt`` adds to the list ``name`` (``name.append(item)``,
        ``name.extend(list)``, ``for o in list: name.append(o)``, ``for i in range(2):
        name.append(objs[i])``); else None."""
        if isinstance(stmt, gast.For) and not stmt.orelse and len(stmt.body) == 1 \
                and isinstance(stmt.target, gast.Name) and self.normalizer.bound_count.get(stmt.target.id, 0) == 1:
            added = _added(stmt.body[0], name, "append")
            uses = [n for n in S.walk_nodes(self.tree) if isinstance(n, gast.Name) and n.id == stmt.target.id]
            if isinstance(added, gast.Name) and added.id == stmt.target.id and len(uses) == 2:
                return self._iterated(stmt.iter)
            counted = _counted(stmt.iter)
            if isinstance(added, gast.Subscript) and isinstance(added.slice, gast.Name) \
                    and added.slice.id == stmt.target.id and len(uses) == 2 and counted is not None \
                    and self.normalizer.resolve_call(stmt.iter) is builtins.range:
                items = [self._item(gast.Subscript(value=added.value, slice=S.const(k), ctx=gast.Load()))
                         for k in counted]     # for i in range(2): ys.append(objs[i])
                return None if None in items else items
            return None
        added = _added(stmt, name, "append")
        if added is not None:
            item = self._item(added)
            return None if item is None else [item]
        added = _added(stmt, name, "extend")
        return None if added is None else self._iterated(added)

    def _called(self, call, function):
        return len(call.args) == 1 and not call.keywords and not isinstance(call.args[0], gast.Starred) \
            and self.normalizer.resolve_call(call) is function

    # -- how the list is read --------------------------------------------------------

    def _uses(self, name, made, items):
        """[(kind, node)] for each read of the list after ``made``: "item" (the subscript),
        "len" (the call), "loop" (the for); else None."""
        inside = {id(n) for s in made for n in S.walk_nodes(s)}
        after = {id(n) for s in self.block[self._index(made[-1]) + 1:] for n in S.walk_nodes(s)}
        nested = {id(n) for scope in S.walk_nodes(self.tree) if isinstance(scope, _NESTED) and scope is not self.tree
                  for n in S.walk_nodes(scope)}
        parents = {id(c): p for p in S.walk_nodes(self.tree) for c in gast.iter_child_nodes(p)}
        plan = []
        for node in S.walk_nodes(self.tree):
            if not isinstance(node, gast.Name) or node.id != name or id(node) in inside:
                continue
            if id(node) not in after or id(node) in nested:
                return None
            use = self._use(node, parents[id(node)], len(items), nested)
            if use is None:
                return None
            plan.append(use)
        loops = [loop for kind, loop in plan if kind == "loop"]
        if any(id(n) in {id(m) for loop in loops for s in loop.body for m in S.walk_nodes(s)}
               for _, n in plan):
            return None         # (a read inside a loop over the list: written out once, not twice)
        return plan

    def _use(self, node, parent, length, nested):
        if isinstance(parent, gast.Subscript) and parent.value is node and isinstance(parent.ctx, gast.Load):
            k = integer(parent.slice)
            return ("item", parent) if k is not None and -length <= k < length else None
        if isinstance(parent, gast.Call) and parent.args == [node] and self._called(parent, builtins.len):
            return "len", parent
        if isinstance(parent, gast.For) and parent.iter is node and not parent.orelse \
                and isinstance(parent.target, gast.Name) \
                and self.normalizer.bound_count.get(parent.target.id, 0) == 1 and not self._declared(parent.target.id):
            body = {id(n) for s in parent.body for n in S.walk_nodes(s)}
            variable = parent.target.id
            reads = [n for n in S.walk_nodes(self.tree) if isinstance(n, gast.Name) and n.id == variable
                     and n is not parent.target]
            if all(id(n) in body and id(n) not in nested and isinstance(n.ctx, gast.Load) for n in reads) \
                    and not any(isinstance(n, _JUMPS) for s in parent.body for n in S.walk_nodes(s)):
                return "loop", parent
        return None

    # -- the rewrite -----------------------------------------------------------------

    def _value(self, item, where):
        kind, value = item
        node = S.name(value) if kind == "name" else gast.Subscript(
            value=S.name(self.source), slice=S.const(value), ctx=gast.Load())
        return gast.copy_location(node, where)

    def _rewrite(self, made, items, plan):
        parents = {id(c): p for p in S.walk_nodes(self.tree) for c in gast.iter_child_nodes(p)}
        undo = []
        for kind, node in plan:
            if kind == "item":
                new = self._value(items[integer(node.slice)], node)
            elif kind == "len":
                new = gast.copy_location(S.const(len(items)), node)
            else:
                continue
            parent = parents[id(node)]
            S.replace_child(parent, node, new)
            undo.append(lambda parent=parent, node=node, new=new: S.replace_child(parent, new, node))
        for kind, loop in plan:
            if kind == "loop":
                undo.append(_swap(self._block_of(loop), [loop], self._written_out(loop, items)))
        undo.append(_swap(self.block, made, [gast.copy_location(gast.Pass(), made[0])]))
        return undo

    def _block_of(self, stmt):
        return next(block for block in walk_blocks(self.tree.body) if any(s is stmt for s in block))

    def _written_out(self, loop, items):
        """The body of ``loop`` once per item, its name read as that item."""
        out = []
        for item in items:
            reader = _ItemReads(loop.target.id, lambda where, item=item: self._value(item, where))
            out += [reader.visit(S.copy(stmt)) for stmt in loop.body]
        return out or [gast.copy_location(gast.Pass(), loop)]


class _ItemReads(gast.NodeTransformer):
    """Each read of the loop's name made a read of the item (a new node each)."""

    def __init__(self, variable, value):
        self.variable, self.value = variable, value

    def visit_Name(self, node):
        return self.value(node) if node.id == self.variable else node


def _enclosing(body, block):
    """[(a block, the index of its statement holding ``block``)] from ``body`` in to
    ``block`` itself (with None), where no def or class is between; else None."""
    if body is block:
        return [(body, None)]
    for k, stmt in enumerate(body):
        if not isinstance(stmt, (gast.FunctionDef, gast.AsyncFunctionDef, gast.ClassDef)):
            for inner in inner_blocks(stmt):
                found = _enclosing(inner, block)
                if found is not None:
                    return [(body, k)] + found
    return None


def _counted(call):
    """The ints ``range(...)`` of int constants gives; else None."""
    bounds = [integer(a) for a in call.args] if isinstance(call, gast.Call) and not call.keywords else [None]
    return None if not 1 <= len(bounds) <= 3 or None in bounds or bounds[2:] == [0] else range(*bounds)


def _swap(block, old, new):
    """Put the statements ``new`` where ``old`` (a run of ``block``) is; the undo."""
    at = next(k for k, s in enumerate(block) if s is old[0])
    block[at:at + len(old)] = new

    def put_back():
        here = next(k for k, s in enumerate(block) if s is new[0])
        block[here:here + len(new)] = old
    return put_back


def _added(stmt, name, method):
    """The argument of ``name.method(argument)``, a statement; else None."""
    call = stmt.value if isinstance(stmt, gast.Expr) else None
    if isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute) and call.func.attr == method \
            and isinstance(call.func.value, gast.Name) and call.func.value.id == name \
            and len(call.args) == 1 and not call.keywords and not isinstance(call.args[0], gast.Starred):
        return call.args[0]
    return None


def integer(node):
    """The int a constant (or its negation) is; else None."""
    negative = isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub)
    node = node.operand if negative else node
    if isinstance(node, gast.Constant) and type(node.value) is int:
        return -node.value if negative else node.value
    return None
