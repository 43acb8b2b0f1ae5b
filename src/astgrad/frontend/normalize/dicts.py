"""Dict built-ins and methods, lowered to dict displays, item reads and item stores:
``d.get(k, default)``, ``dict(...)`` in its forms (keywords, pairs, a mapping, ``dict(d,
k=v)``, ``dict(**d)``), ``d.update(...)``, ``d.setdefault(k, v)`` and ``d.pop(k[, default])``
on a dict the function made, ``a | b`` where an operand is certainly a dict (``{**a, **b}``), and writes into an
item of a container, ``d[k][j] = v`` (the item written and stored back).

``d.get`` is matched by name on a local receiver, or on a global dict of numbers and
arrays (``TABLE.get("b", x)``, whose default may carry a derivative), so the generated code checks that the
receiver is a mapping (``runtime.check_mapping``) before relying on ``d[k]``; ``update``
is lowered only where ``d`` is certainly a dict (bound only to dict displays,
comprehensions or ``dict(...)``), else it stays a call that changes its receiver."""

import builtins

import gast
import numpy

from ... import runtime
from ...core import syntax as S
from ...core.first_use import imported_when_called

# asked only of dict(d): loaded with the first call (core/first_use.py)
copy_of_member = imported_when_called(__package__ + ".shared_dict_items", "copy_of_member")


def _of_values(mapping):
    """Whether ``mapping`` is a plain dict whose items are numbers and arrays (read as
    constants; no item a function or object whose call or reading the lowering changes)."""
    return type(mapping) is dict and all(
        isinstance(v, (int, float, complex, numpy.number, numpy.ndarray)) for v in mapping.values())


class DictLowering:
    """Normalizer methods for dict built-ins and methods."""

    def global_dict_of_values(self, node):
        """Whether ``node`` names a global dict of numbers and arrays (its ``get`` is
        dict's; the generated code still checks the mapping when it runs)."""
        path = S.dotted_path(node)
        if path is None or path[0] in self.locals:
            return False
        return _of_values(self.source.resolve_path(path))

    def dict_get(self, receiver, args):
        """``d.get(k, default)``: ``t = d[k] if has_key(d, k) else default``, with the
        default evaluated first, as Python passes it."""
        owner = self.named_atom(receiver, "d")
        key = self.atom(args[0], hint="key")
        default = self.atom(args[1]) if len(args) > 1 else S.const(None)
        test = self.fresh_assign(self.runtime_call(runtime.has_key, [S.name(owner.id), key,
                                                                     S.const(self.where())]), "cond")
        result = self.namer.fresh("t")
        self.locals.add(result)
        read = gast.Subscript(value=S.name(owner.id), slice=S.copy(key), ctx=gast.Load())
        then = self.block_of(lambda: self.emit(S.assign(result, read)))
        orelse = self.block_of(lambda: self.emit(S.assign(result, S.copy(default))))
        self.emit_if(S.name(test), then, orelse)
        return S.name(result)

    def dict_call(self, node):
        """``dict(a=x)``, ``dict([("a", x), ...], b=y)``, ``dict()``: a dict literal, in
        Python's order (the pairs, then the keywords, a later key replacing an earlier
        one). Other arguments are left to the ordinary call."""
        keys, values = [], []
        if len(node.args) > 1:
            return None
        if len(node.args) == 1 and node.keywords and not isinstance(node.args[0], (gast.List, gast.Tuple)) \
                or any(kw.arg is None for kw in node.keywords):
            return self.dict_merged(node.args, node.keywords)
        if len(node.args) == 1 and not node.keywords and self.yields_pairs(node.args[0]):
            return self.dict_of_pairs(node.args[0])
        if len(node.args) == 1 and not node.keywords and not isinstance(node.args[0], (gast.List, gast.Tuple)):
            return copy_of_member(self, node.args[0]) or self.dict_copy(node.args[0])     # shared_dict_items.py
        if node.args:
            pairs = node.args[0]
            if not isinstance(pairs, (gast.List, gast.Tuple)) or not all(
                    isinstance(p, (gast.List, gast.Tuple)) and len(p.elts) == 2
                    and not any(isinstance(e, gast.Starred) for e in p.elts) for p in pairs.elts):
                return None
            for pair in pairs.elts:
                keys.append(pair.elts[0])
                values.append(pair.elts[1])
        for kw in node.keywords:
            keys.append(gast.Constant(value=kw.arg, kind=None))
            values.append(kw.value)
        return self.expr_Dict(gast.Dict(keys=keys, values=values))

    def dict_merged(self, args, keywords):
        """``dict(d, k=v)``, ``dict(pairs, **opts)``: ``{**dict(d), 'k': v, **opts}``, each
        entry stored in turn (a later key replaces an earlier one, as in Python)."""
        keys, values = [], []
        for arg in args:
            keys.append(None)
            values.append(self.atom(gast.Call(func=S.name("dict"), args=[arg], keywords=[]), hint="d")
                          if self.yields_pairs(arg) or isinstance(arg, (gast.List, gast.Tuple)) else arg)
        for kw in keywords:
            keys.append(None if kw.arg is None else gast.Constant(value=kw.arg, kind=None))
            values.append(kw.value)
        return self.expr_Dict(gast.Dict(keys=keys, values=values))

    def dict_setdefault(self, owner, args):
        """``d.setdefault(k, v)`` on a dict made in this function: ``v`` stored at ``k``
        where ``d`` has no ``k`` (both evaluated first, as Python passes them), then ``d[k]``."""
        key = self.atom(args[0], hint="key")
        default = self.atom(args[1]) if len(args) > 1 else S.const(None)
        present = self.fresh_assign(self.runtime_call(runtime.has_key, [S.name(owner), key, S.const(self.where())]),
                                    "cond")
        absent = self.fresh_assign(gast.UnaryOp(op=gast.Not(), operand=S.name(present)), "cond")
        self.emit_if(S.name(absent), self.block_of(lambda: self.statement(_store(owner, key, default, self.line))),
                     [])
        return gast.Subscript(value=S.name(owner), slice=S.copy(key), ctx=gast.Load())

    def dict_pop(self, owner, args):
        """``d.pop(k)`` and ``d.pop(k, default)`` on a dict made in this function: ``t =
        d[k]`` (Python's KeyError where ``k`` is missing and no default is given), then
        ``del d[k]`` (deletions.py: the dict without ``k``); the default where ``k`` is
        missing. Both arguments are evaluated first, as Python passes them."""
        key = self.atom(args[0], hint="key")
        default = self.atom(args[1]) if len(args) > 1 else None
        result = self.namer.fresh("t")
        self.locals.add(result)

        def taken():
            self.emit(S.assign(result, gast.Subscript(value=S.name(owner), slice=S.copy(key), ctx=gast.Load())))
            deleted = gast.Delete(targets=[gast.Subscript(value=S.name(owner), slice=S.copy(key), ctx=gast.Del())])
            deleted.lineno = self.line
            self.delete_dict_item(deleted.targets[0], deleted, ".pop() of items")      # deletions.py
        if default is None:
            taken()
            return S.name(result)
        present = self.fresh_assign(self.runtime_call(runtime.has_key, [S.name(owner), key, S.const(self.where())]),
                                    "cond")
        self.emit_if(S.name(present), self.block_of(taken),
                     self.block_of(lambda: self.emit(S.assign(result, S.copy(default)))))
        return S.name(result)

    def dict_update(self, call):
        """``d.update(m, k=v)`` as a statement, on a dict made in this function: each entry
        stored in turn (``d[key] = value``), after every argument is evaluated, as Python
        passes them. Entries written out (``{"a": x}``, ``[("a", x)]``, keywords) are stored
        one by one; others through a loop over ``dict(m).items()``. Whether it was one."""
        func = call.func
        if not (isinstance(func, gast.Attribute) and func.attr == "update" and isinstance(func.value, gast.Name)
                and len(call.args) <= 1 and self.only_dicts(func.value.id)):
            return False
        owner = func.value.id
        entries = _written_entries(call)
        if entries is None:
            self.update_from(owner, call)
            return True
        pairs = [(self.atom(key, hint="key"), self.atom(value)) for key, value in entries]
        for key, value in pairs:
            self.statement(_store(owner, key, value, self.line))
        return True

    def nested_item_write(self, target, value):
        """``d[a][b] = v``: ``t = d[a]; t[b] = v; d[a] = t``. Storing the item back (Python's
        ``d[a]`` is ``t`` already) lets the derivative of ``d`` follow the write; a check
        first refuses a ``d`` holding the written item twice (or a view of its memory).
        ``p.W[b] = v`` on an object the code built likewise (item_appends.py). Whether
        ``target`` was one of those."""
        outer = target.value
        if isinstance(outer, gast.Attribute):
            return self.attribute_item_write(target, value)
        if not isinstance(outer, gast.Subscript):
            return False
        holder = self.atom(outer.value)
        if not isinstance(holder, gast.Name):
            raise self._refuse("assignment into a constant", target)
        key = self.index(outer.slice)
        item = self.fresh_assign(gast.Subscript(value=S.copy(holder), slice=S.copy(key), ctx=gast.Load()), "t")
        if isinstance(outer.value, gast.Name):      # deeper (d[a][b][c] = v): refused as before
            self.emit(gast.Expr(value=self.runtime_call(runtime.written_items_apart, [
                S.copy(holder), S.name(item), S.const(self.where())])))
        index = self.index(target.slice)
        rhs = self.atom(value)
        self.emit(S.assign(gast.Subscript(value=S.name(item), slice=index, ctx=gast.Store()), rhs))
        if isinstance(outer.value, gast.Name):
            self.emit(S.assign(gast.Subscript(value=S.copy(holder), slice=S.copy(key), ctx=gast.Store()),
                               S.name(item)))
        return True

    def update_from(self, owner, call):
        """``d.update(m)``: ``for key, value in dict(m).items(): d[key] = value``."""
        entries = self.named_atom(gast.Call(func=S.name("dict"), args=call.args, keywords=call.keywords), "d")
        self.locals.add(entries.id)
        key, value = self.namer.fresh("key"), self.namer.fresh("value")
        self.locals |= {key, value}
        loop = gast.For(
            target=gast.Tuple(elts=[S.name(key, store=True), S.name(value, store=True)], ctx=gast.Store()),
            iter=gast.Call(func=gast.Attribute(value=S.name(entries.id), attr="items", ctx=gast.Load()),
                           args=[], keywords=[]),
            body=[_store(owner, S.name(key), S.name(value), self.line)], orelse=[], type_comment=None)
        loop.lineno = self.line
        self.statement(loop)

    def only_dicts(self, name, seen=()):
        """Whether the local ``name`` (not a parameter) is only ever bound, by plain
        assignments, to a dict made here: a display, a comprehension, ``dict(...)`` or a
        union ``a | b`` of which an operand is one (``{**a, **b}``); ``d |= m`` (which is
        ``d.update(m)``) keeps it the same dict."""
        if name in seen:        # c = c | {...}: the other assignments decide
            return True
        seen = (*seen, name)
        return bound_only_to(self, name, (gast.Dict, gast.DictComp), (builtins.dict,),
                             union=lambda v: self.makes_dict(v, seen))

    def dict_union(self, node):
        """``a | b`` where an operand is certainly a dict (a display, a comprehension,
        ``dict(...)``, or a local only ever bound to one): ``{**a, **b}``; else None."""
        if not isinstance(node.op, gast.BitOr) or not any(self.makes_dict(v) for v in (node.left, node.right)):
            return None
        return self.unpacking_dict(gast.Dict(keys=[None, None], values=[node.left, node.right]))

    def makes_dict(self, node, seen=()):
        if isinstance(node, (gast.Dict, gast.DictComp)):
            return True
        if isinstance(node, gast.Call):
            return self.resolve_call(node) is builtins.dict
        return isinstance(node, gast.Name) and self.only_dicts(node.id, seen)

    def dict_merge_in_place(self, stmt):
        """``d |= m`` on a dict made in this function: ``d.update(m)``, which is what
        ``dict.__ior__`` does (the same dict, each entry of ``m`` stored in turn). Whether
        it was one."""
        if not (isinstance(stmt.op, gast.BitOr) and isinstance(stmt.target, gast.Name)
                and self.only_dicts(stmt.target.id)):
            return False
        update = gast.Attribute(value=S.name(stmt.target.id), attr="update", ctx=gast.Load())
        return self.dict_update(gast.Call(func=update, args=[stmt.value], keywords=[]))

    def yields_pairs(self, node):
        """Whether ``node`` is, as written, an iterable of pairs rather than a mapping:
        ``zip(...)``, ``enumerate(...)``, ``d.items()``, a comprehension or generator."""
        if isinstance(node, (gast.ListComp, gast.GeneratorExp)):
            return True
        if isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute) and node.func.attr == "items" \
                and not node.args and self.local_receiver(node.func):
            return True
        return self.resolve_call(node) in (builtins.zip, builtins.enumerate)

    def dict_of_pairs(self, pairs, result=None):
        """``dict(zip(ks, vs))``: ``{k: v for k, v in zip(ks, vs)}``, in the pairs' order."""
        key, value = self.namer.fresh("key"), self.namer.fresh("value")
        self.locals |= {key, value}
        target = gast.Tuple(elts=[S.name(key, store=True), S.name(value, store=True)], ctx=gast.Store())
        generator = gast.comprehension(target=target, iter=pairs, ifs=[], is_async=0)
        return self.expr_DictComp(gast.DictComp(key=S.name(key), value=S.name(value), generators=[generator]),
                                  result)

    def dict_copy(self, mapping, result=None):
        """``dict(d)``: ``{k: v for k, v in d.items()}``, a new dict holding d's items
        (the generated code checks that ``d`` is a mapping)."""
        key, value = self.namer.fresh("key"), self.namer.fresh("value")
        self.locals |= {key, value}
        items = gast.Call(func=gast.Attribute(value=mapping, attr="items", ctx=gast.Load()),
                          args=[], keywords=[])
        target = gast.Tuple(elts=[S.name(key, store=True), S.name(value, store=True)], ctx=gast.Store())
        generator = gast.comprehension(target=target, iter=items, ifs=[], is_async=0)
        return self.expr_DictComp(gast.DictComp(key=S.name(key), value=S.name(value),
                                                generators=[generator]), result)


def _written_entries(call):
    """The (key, value) nodes of ``d.update(...)``'s arguments when they are written out:
    a dict display without ``**``, a list or tuple of pairs, keywords. Else None."""
    entries = []
    for arg in call.args:
        if isinstance(arg, gast.Dict) and None not in arg.keys:
            entries.extend(zip(arg.keys, arg.values))
        elif isinstance(arg, (gast.List, gast.Tuple)) and all(
                isinstance(p, (gast.List, gast.Tuple)) and len(p.elts) == 2
                and not any(isinstance(e, gast.Starred) for e in p.elts) for p in arg.elts):
            entries.extend((p.elts[0], p.elts[1]) for p in arg.elts)
        else:
            return None
    for kw in call.keywords:
        if kw.arg is None:
            return None
        entries.append((gast.Constant(value=kw.arg, kind=None), kw.value))
    return entries


def _store(owner, key, value, line):
    """``owner[key] = value`` as a statement at ``line``."""
    stmt = gast.Assign(targets=[gast.Subscript(value=S.name(owner), slice=key, ctx=gast.Store())],
                       value=value, type_comment=None)
    stmt.lineno = line
    return stmt


def bound_only_to(normalizer, name, displays, makers, union=None):
    """Whether the local ``name`` (not a parameter) is only ever bound, by plain
    assignments, to a new container: one of ``displays`` (node types) or a call of one of
    ``makers`` (built-ins). With ``union`` (whether an operand makes such a container),
    ``a | b`` of one is a new one too, and ``name |= m`` changes it in place."""
    from .scopes import parameters
    if name not in normalizer.locals or name in parameters(normalizer.source.tree):
        return False
    nodes = [n for tree in [normalizer.source.tree] + normalizer.inlined_trees for n in S.walk_nodes(tree)]
    stores = sum(1 for n in nodes if isinstance(n, gast.Name) and n.id == name and isinstance(n.ctx, gast.Store))
    if union is not None:
        stores -= sum(1 for n in nodes if isinstance(n, gast.AugAssign) and isinstance(n.op, gast.BitOr)
                      and isinstance(n.target, gast.Name) and n.target.id == name)
    values = [n.value for n in nodes if isinstance(n, gast.Assign) and len(n.targets) == 1
              and isinstance(n.targets[0], gast.Name) and n.targets[0].id == name]
    return bool(values) and len(values) == stores and all(
        isinstance(v, displays) or isinstance(v, gast.Call) and any(normalizer.resolve_call(v) is m for m in makers)
        or union is not None and isinstance(v, gast.BinOp) and isinstance(v.op, gast.BitOr)
        and any(union(operand) for operand in (v.left, v.right))
        for v in values)
