"""Built-ins that call a function value for each item: ``map(fn, xs, ...)``, ``starmap``,
``sorted(xs, key=fn, reverse=...)`` and ``max``/``min(xs, key=fn)``, lowered to list
comprehensions that call ``fn`` (inlined when it is a local function, closures.py).

- ``map(fn, xs, ys)`` is ``[fn(x, y) for x, y in zip(xs, ys)]``: evaluated into a list at
  once, as a generator expression is; ``map(functools.partial(g, a), xs)`` is
  ``[g(a, x) for x in xs]``, ``a`` read once.
- ``itertools.starmap(fn, pairs)`` is ``[fn(a, b) for a, b in pairs]``, for a function
  whose number of positional parameters is known, or pairs of ``zip(xs, ys)``; for one
  with defaults or ``*args``, ``starmap(fn, [(a,), (b, c)])`` is ``[fn(a), fn(b, c)]``,
  and so is ``starmap(fn, pairs)`` of ``pairs = [(a,), (b, c)]`` bound once and only read
  (``[fn(a, b) for a, b in pairs]`` where every tuple has two items).
- ``sorted(xs, key=k, reverse=r)`` is ``[items[i] for i in sorted_positions(keys, r)]`` with
  ``items = list(xs)`` and ``keys = [k(v) for v in items]``: the order is Python's own
  (stable; ``reverse`` keeps equal items in their order), the keys carry no derivative
  and each item's derivative goes back to where it came from (the permutation).
- ``max(xs, key=k)`` / ``min(xs, key=k)`` is the first item with the largest / smallest key.
- a key ``operator.itemgetter(1)`` (``attrgetter("a")``) is the lambda it stands for.
"""

import builtins
import functools
import inspect
import itertools
import operator

import numpy

import gast

from ... import runtime
from ...core import syntax as S
from .closures import Global, Local, Made
from .containers import named_loops



class IteratorLowering:
    """Normalizer methods for map, sorted and max/min with a key."""

    def iterator_call(self, node):
        """The lowered call for map/sorted/max/min over function values, else None."""
        callee = self.resolve_call(node)
        if callee is builtins.map and len(node.args) >= 2 and not node.keywords:
            getter = self.getter_lambda(node.args[0])     # map(operator.itemgetter(0), pairs)
            if getter is not node.args[0]:
                node = gast.Call(func=node.func, args=[getter] + node.args[1:], keywords=[])
        if callee is builtins.map and len(node.args) >= 2 and not node.keywords \
                and self.looks_like_function(node.args[0]):
            return self.map_call(node)
        if callee is builtins.map:
            lowered = self.map_of_callable(node)       # map(NET, xs), map(self.layer, xs): method_values.py
            if lowered is not None:
                return lowered
        if callee is builtins.map and len(node.args) >= 2 and not node.keywords \
                and self.is_partial_literal(node.args[0]):
            return self.map_partial(node)
        if callee is itertools.starmap and len(node.args) == 2 and not node.keywords \
                and self.looks_like_function(node.args[0]):
            return self.starmap_call(node)
        keywords = {kw.arg: kw.value for kw in node.keywords}
        key = self.getter_lambda(keywords.get("key"))
        if key is not None and isinstance(key, gast.Constant) and key.value is None:
            key = None
        if key is not None and not self.looks_like_function(key):
            return None
        if callee is builtins.sorted and len(node.args) == 1 and set(keywords) <= {"key", "reverse"}:
            reverse = keywords.get("reverse")
            return named_loops(self, builtins.sorted, lambda: self.sorted_call(node.args[0], key, reverse))
        if callee in (builtins.max, builtins.min) and len(node.args) == 1 and key is not None \
                and set(keywords) == {"key"}:
            seq, order = self.sort_positions(node.args[0], key, S.const(callee is builtins.max))
            first = self.fresh_assign(gast.Subscript(value=order, slice=S.const(0), ctx=gast.Load()), "i")
            return gast.Subscript(value=seq, slice=S.name(first), ctx=gast.Load())
        return None

    def getter_lambda(self, key):
        """``operator.itemgetter(1)`` (``attrgetter("a")``) of constants as the lambda it
        stands for (``lambda v: v[1]``); any other key as it is."""
        getter = self.resolve_call(key)
        if getter not in (operator.itemgetter, operator.attrgetter) or key.keywords or not key.args \
                or not all(isinstance(a, gast.Constant) for a in key.args):
            return key
        if getter is operator.attrgetter and not all(isinstance(a.value, str) for a in key.args):
            return key
        item = self.namer.fresh("item")
        reads = [gast.Subscript(value=S.name(item), slice=S.const(a.value), ctx=gast.Load())
                 if getter is operator.itemgetter else _attribute_path(S.name(item), a.value) for a in key.args]
        body = reads[0] if len(reads) == 1 else gast.Tuple(elts=reads, ctx=gast.Load())
        parameter = gast.Name(id=item, ctx=gast.Param(), annotation=None, type_comment=None)
        return gast.Lambda(args=gast.arguments(args=[parameter], posonlyargs=[], vararg=None, kwonlyargs=[],
                                               kw_defaults=[], kwarg=None, defaults=[]), body=body)

    def callable_node(self, node):
        """An expression calling the function value ``node`` stands for: a local
        function's name (inlined at each call), or a global function's own name."""
        return self.calling(self.function_value(node))

    def calling(self, function):
        """An expression calling ``function`` (a Local, Made or Global)."""
        if isinstance(function, (Local, Made)):
            name = self.namer.fresh("fn")
            self.functions[name] = function
            self.locals.add(name)
            return S.name(name)
        return S.copy(function.func)

    def map_call(self, node):
        func = self.callable_node(node.args[0])
        items, target, iterable = self.items_of(node.args[1:])
        call = gast.Call(func=func, args=[S.name(v) for v in items], keywords=[])
        return self.comprehension_of(call, target, iterable)

    def starmap_call(self, node):
        """``itertools.starmap(fn, pairs)``: ``[fn(a, b) for a, b in pairs]``, for a function
        taking a fixed number of positional arguments (each tuple is unpacked into that
        many, which raises where it holds another number, as the call would); None for
        any other function (refused as a call without a rule)."""
        function = self.function_value(node.args[0])
        count = _positional_count(function)
        if count is None and _tuple_rows(node.args[1]):
            return self.starmap_rows(function, node.args[1])
        if count is None:
            count = self.zipped_count(node.args[1])
        rows = self.named_rows(node.args[1]) if count is None else None
        if rows is not None and len(set(rows)) == 1:
            count = rows[0]
        elif rows is not None:      # tuples of several lengths: each call with its own items
            name = node.args[1].id
            return self.starmap_rows(function, gast.List(elts=[gast.Tuple(elts=[
                S.parse_expr(f"{name}[{i}][{j}]") for j in range(length)], ctx=gast.Load())
                for i, length in enumerate(rows)], ctx=gast.Load()))
        if count is None:
            return None
        items = [self.namer.fresh("item") for _ in range(count)]
        target = gast.Tuple(elts=[S.name(v, store=True) for v in items], ctx=gast.Store())
        call = gast.Call(func=self.calling(function), args=[S.name(v) for v in items], keywords=[])
        return self.comprehension_of(call, target, self.atom(node.args[1], hint="items"))

    def starmap_rows(self, function, rows):
        """``starmap(fn, [(a,), (b, c)])`` of a function with defaults or ``*args``: the
        list ``[fn(a), fn(b, c)]``, one call a row, made after every row is read."""
        rows = [[self.kept_atom(e) for e in row.elts] for row in rows.elts]
        func = self.calling(function)
        calls = [gast.Call(func=S.copy(func), args=row, keywords=[]) for row in rows]
        return self.expr_List(gast.List(elts=calls, ctx=gast.Load()))

    def named_rows(self, node):
        """The lengths of the tuples in the list the name ``node`` holds, where the function
        binds it once, to a display of tuple displays, and only reads it (loops over it,
        an item of it, ``len``, ``starmap``): then the list holds those tuples when
        ``starmap`` reads it. None otherwise."""
        if not isinstance(node, gast.Name) or node.id not in self.locals or self.bound_count[node.id] != 1:
            return None
        parents = {id(child): parent for parent in S.walk_nodes(self.source.tree)
                   for child in S.child_nodes(parent)}
        made = None
        for use in S.walk_nodes(self.source.tree):
            if not (isinstance(use, gast.Name) and use.id == node.id):
                continue
            parent = parents.get(id(use))
            if isinstance(use.ctx, gast.Load) and not self._reads_rows(parent, use):
                return None
            if not isinstance(use.ctx, gast.Load):
                if not (isinstance(parent, gast.Assign) and parent.targets == [use] and _tuple_rows(parent.value)):
                    return None
                made = parent.value
        return None if made is None else [len(row.elts) for row in made.elts]

    def _reads_rows(self, parent, use):
        """Whether ``parent`` only reads the list ``use`` names (see named_rows)."""
        if isinstance(parent, (gast.For, gast.comprehension)):
            return parent.iter is use
        if isinstance(parent, gast.Subscript):
            return parent.value is use and isinstance(parent.ctx, gast.Load)
        return isinstance(parent, gast.Call) and use in parent.args and self.resolve_call(parent) in (
            builtins.len, builtins.list, builtins.tuple, builtins.enumerate, builtins.zip, itertools.starmap)

    def zipped_count(self, iterable):
        """How many items each tuple of ``zip(a, b, ...)`` (written out) holds, else None."""
        if not isinstance(iterable, gast.Call) or self.resolve_call(iterable) is not builtins.zip \
                or any(isinstance(a, gast.Starred) for a in iterable.args) \
                or any(kw.arg != "strict" for kw in iterable.keywords):
            return None
        return len(iterable.args)

    def items_of(self, iterables):
        """Fresh item names for ``map``'s iterables, the loop target binding them, and what
        it iterates over (``zip`` of them where there are several)."""
        iterables = [self.atom(arg, hint="items") for arg in iterables]
        items = [self.namer.fresh("item") for _ in iterables]
        if len(items) == 1:
            return items, S.name(items[0], store=True), iterables[0]
        target = gast.Tuple(elts=[S.name(v, store=True) for v in items], ctx=gast.Store())
        return items, target, gast.Call(func=S.name("zip"), args=iterables, keywords=[])

    def is_partial_literal(self, node):
        """``functools.partial(g, a, k=v)`` written out, with ``g`` a global function."""
        if not (isinstance(node, gast.Call) and self.resolve_call(node) is functools.partial and node.args):
            return False
        path = S.dotted_path(node.args[0])
        return path is not None and path[0] not in self.locals and not any(
            isinstance(a, gast.Starred) for a in node.args) and all(kw.arg is not None for kw in node.keywords)

    def map_partial(self, node):
        """``map(functools.partial(g, a), xs)``: ``[g(a, x) for x in xs]``, the bound
        arguments read once, when the partial is made."""
        partial = node.args[0]
        args = [self.kept_atom(a) for a in partial.args[1:]]
        keywords = [gast.keyword(arg=kw.arg, value=self.kept_atom(kw.value)) for kw in partial.keywords]
        items, target, iterable = self.items_of(node.args[1:])
        call = gast.Call(func=S.copy(partial.args[0]), args=args + [S.name(v) for v in items], keywords=keywords)
        return self.comprehension_of(call, target, iterable)

    def comprehension_of(self, elt, target, iterable):
        generator = gast.comprehension(target=target, iter=iterable, ifs=[], is_async=0)
        return self.expr_ListComp(gast.ListComp(elt=elt, generators=[generator]))

    def sort_positions(self, iterable, key, reverse):
        """(items, order): the items as a list, and the positions in sorted order."""
        given = self.atom(iterable, hint="items")
        func = self.callable_node(key) if key is not None else None
        reverse = self.atom(reverse, hint="reverse") if reverse is not None else S.const(False)
        seq = self.list_of(given)
        keys = seq
        if func is not None:
            item = self.namer.fresh("item")
            keys = self.comprehension_of(gast.Call(func=func, args=[S.name(item)], keywords=[]),
                                         S.name(item, store=True), S.copy(seq))
        order = self.fresh_assign(self.runtime_call(runtime.sorted_positions, [S.copy(keys), reverse]), "order")
        return seq, S.name(order)

    def sorted_call(self, iterable, key, reverse):
        seq, order = self.sort_positions(iterable, key, reverse)
        position = self.namer.fresh("i")
        read = gast.Subscript(value=S.copy(seq), slice=S.name(position), ctx=gast.Load())
        return self.comprehension_of(read, S.name(position, store=True), order)


def _attribute_path(node, path):
    """``node.a.b`` for the path "a.b"."""
    for attr in path.split("."):
        node = gast.Attribute(value=node, attr=attr, ctx=gast.Load())
    return node


def _tuple_rows(node):
    """Whether ``node`` is a list or tuple display of tuple displays, none starred."""
    return isinstance(node, (gast.List, gast.Tuple)) and all(
        isinstance(row, gast.Tuple) and not any(isinstance(e, gast.Starred) for e in row.elts)
        for row in node.elts)


def _positional_count(function):
    """How many positional arguments ``function`` (a Local or Global) takes, where that is
    one number: no defaults, no ``*args``, no keyword-only parameter without a default;
    else None."""
    if isinstance(function, Local):
        args = function.node.args
        if args.vararg is not None or args.defaults or None in args.kw_defaults:
            return None
        return len(args.posonlyargs) + len(args.args)
    if not isinstance(function, Global):
        return None
    if isinstance(function.obj, numpy.ufunc):
        return function.obj.nin
    try:
        parameters = inspect.signature(function.obj).parameters.values()
    except (TypeError, ValueError):
        return None
    positional = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    if any(p.kind is p.VAR_POSITIONAL or p.default is not p.empty and p.kind in positional
           or p.kind is p.KEYWORD_ONLY and p.default is p.empty for p in parameters):
        return None
    return sum(1 for p in parameters if p.kind in positional)
