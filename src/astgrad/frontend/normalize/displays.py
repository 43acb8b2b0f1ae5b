"""Displays with unpacking, set displays, and the list methods and iterators that lower
to loops the modes already differentiate:

- ``[a, *xs, b]`` (and the tuple form): a new list appending ``a``, each item of ``xs``,
  then ``b``, in Python's order (``tuple`` converts it);
- ``{"a": x, **d}``: a new dict storing each key in turn, ``d``'s items where it is written;
- ``{a, b}``: ``set([a, b])``, whose rules refuse a set of differentiated values;
- ``xs.extend(it)``: the items of ``it`` (read first), appended one by one;
- ``xs.insert(i, v)``: ``v`` appended, the items from ``i`` moved up one place, ``v``
  stored at ``i`` (``i`` clamped as Python does);
- ``xs.reverse()``: the items swapped pairwise from the ends, in the same list;
- ``reversed(xs)`` of anything but a range: ``list(xs)[::-1]``;
- ``zip(xs, ys)`` outside a ``for`` header (``enumerate(zip(...))``): the list of tuples
  it yields, the shortest sequence setting the length.
"""

import builtins

import gast

from ... import runtime
from .. import object_layouts as L
from ...core import syntax as S
from .hooked_reads import HASH, refuse_writing_hook


class DisplayLowering:
    """Normalizer methods for displays with ``*``/``**``, set displays, ``extend``,
    ``insert``, ``reversed`` and ``zip`` as values."""

    def starred_list(self, elts):
        """``[a, *xs, b]`` as a new list filled by appends."""
        result = self.namer.fresh("items")
        self.locals.add(result)
        self.emit(S.assign(result, gast.List(elts=[], ctx=gast.Load())))
        for elt in elts:
            if isinstance(elt, gast.Starred):
                self.append_each(result, elt.value)
            else:
                self.append_one(result, elt)
        return S.name(result)

    def append_one(self, result, value):
        method = gast.Attribute(value=S.name(result), attr="append", ctx=gast.Load())
        self.statement(self.at_line(gast.Expr(value=gast.Call(func=method, args=[value], keywords=[]))))

    def append_each(self, result, iterable):
        """``for item in iterable: result.append(item)``."""
        item = self.namer.fresh("item")
        self.locals.add(item)
        method = gast.Attribute(value=S.name(result), attr="append", ctx=gast.Load())
        body = [self.at_line(gast.Expr(value=gast.Call(func=method, args=[S.name(item)], keywords=[])))]
        self.statement(self.at_line(gast.For(target=S.name(item, store=True), iter=iterable, body=body,
                                             orelse=[], type_comment=None)))

    def at_line(self, stmt):
        for node in S.walk_nodes(stmt):
            if isinstance(node, gast.stmt):
                node.lineno = self.line
        return stmt

    def unpacking_dict(self, node):
        """``{"a": x, **d, "b": y}`` as a new dict storing each entry in turn."""
        result = self.namer.fresh("d")
        self.locals.add(result)
        self.emit(S.assign(result, gast.Dict(keys=[], values=[])))
        for key, value in zip(node.keys, node.values):
            if key is None:
                mapping = self.fresh_assign(self.atom(value, hint="d"), "d")
                self.locals.add(mapping)
                k, v = self.namer.fresh("key"), self.namer.fresh("value")
                self.locals |= {k, v}
                items = gast.Call(func=gast.Attribute(value=S.name(mapping), attr="items", ctx=gast.Load()),
                                  args=[], keywords=[])
                store = S.assign(gast.Subscript(value=S.name(result), slice=S.name(k), ctx=gast.Store()), S.name(v))
                target = gast.Tuple(elts=[S.name(k, store=True), S.name(v, store=True)], ctx=gast.Store())
                self.statement(self.at_line(gast.For(target=target, iter=items, body=[store], orelse=[],
                                                     type_comment=None)))
            else:
                k = self.atom(key, hint="key")
                v = self.atom(value)
                self.emit(S.assign(gast.Subscript(value=S.name(result), slice=k, ctx=gast.Store()), v))
        return S.name(result)

    def expr_Set(self, node):
        for item in node.elts:
            refuse_writing_hook(self, item, HASH, node, "a set's item")        # hooked_reads.py
        return self.set_value(node, gast.List(elts=node.elts, ctx=gast.Load()))     # sets.py

    # -- list methods and iterators ----------------------------------------------------

    def list_method(self, node):
        """``xs.extend(it)``, ``xs.insert(i, v)``, ``xs.pop(i)``, ``xs.reverse()`` on a local
        list, lowered; else None."""
        func = node.func
        if not (isinstance(func, gast.Attribute) and func.attr in _LOWERED_ARITY
                and self.local_receiver(func) and not node.keywords
                and len(node.args) == _LOWERED_ARITY[func.attr]
                and not any(isinstance(a, gast.Starred) for a in node.args)) \
                or isinstance(func.value, gast.Name) and self.only_dicts(func.value.id):
            return None     # d.pop(k) on a dict: containers.py
        if func.attr == "pop" and self.users_object(func.value):
            return None     # cell.pop(w), a method of the user's class: argument_objects.py follows it
        receiver = self.named_atom(func.value, "items")
        if func.attr == "pop":
            deleting = getattr(node, "deletes_item", False)       # del xs[i] (deletions.py)
            return self.list_pop(receiver.id, node.args[0],
                                 runtime.deleted_position if deleting else runtime.pop_position)
        if func.attr == "reverse":
            return self.list_reverse(receiver.id)
        if func.attr == "extend":
            items = self.atom(self.list_of(node.args[0]), hint="items")    # read first: xs.extend(xs)
            self.append_each(receiver.id, items)
            return S.const(None)
        return self.list_insert(receiver.id, node.args[0], node.args[1])

    def users_object(self, node):
        """Whether ``node`` reads an object of a class of the user's, known where the code
        is made for the arguments given (a first refusal of ``cell.pop(w)`` on an argument
        waits for it: modes/common.py ``_popped_at``)."""
        layout = self.layout(node)
        return layout is not None and layout[0] == L.OBJECT

    def list_pop(self, xs, index, position=runtime.pop_position):
        """``xs.pop(i)``: read the item, move the later ones down a place and drop the
        last, so that the list stays the same object (aliases see the change). ``position``
        checks ``xs`` and finds the item (``runtime.deleted_position`` for ``del xs[i]``)."""
        index = self.atom(index, hint="index")
        where = self.where()
        at = self.fresh_assign(self.runtime_call(position, [S.name(xs), index, S.const(where)]),
                               "at")
        value = self.fresh_assign(gast.Subscript(value=S.name(xs), slice=S.name(at), ctx=gast.Load()),
                                  "popped")
        j = self.namer.fresh("j")
        self.locals.add(j)
        source = (f"for {j} in range({at}, len({xs}) - 1):\n"
                  f"    {xs}[{j}] = {xs}[{j} + 1]\n"
                  f"{xs}.pop()\n")
        for stmt in gast.parse(source).body:
            self.statement(self.at_line(stmt))
        return S.name(value)

    def list_reverse(self, xs):
        """``xs.reverse()``: swap the items pairwise from the ends, so that the list stays
        the same object (aliases see the change)."""
        n, j, item = (self.namer.fresh(hint) for hint in ("n", "j", "item"))
        self.locals.update({n, j, item})
        source = (f"{n} = len({xs})\n"
                  f"for {j} in range({n} // 2):\n"
                  f"    {item} = {xs}[{j}]\n"
                  f"    {xs}[{j}] = {xs}[{n} - 1 - {j}]\n"
                  f"    {xs}[{n} - 1 - {j}] = {item}\n")
        for stmt in gast.parse(source).body:
            self.statement(self.at_line(stmt))
        return S.const(None)

    def list_insert(self, xs, index, value):
        index = self.atom(index, hint="index")
        value = self.atom(value)
        if not isinstance(value, gast.Constant):
            value = S.name(self.fresh_assign(value, "t"))
        n = self.fresh_assign(self.builtin_call("len", [S.name(xs)]), "n")
        at = self.namer.fresh("at")
        self.locals.update({n, at})
        source = (f"{at} = min(max({{i}} + {n} if {{i}} < 0 else {{i}}, 0), {n})\n"
                  f"{xs}.append({{v}})\n"
                  f"for {{j}} in range({n}, {at}, -1):\n"
                  f"    {xs}[{{j}}] = {xs}[{{j}} - 1]\n"
                  f"{xs}[{at}] = {{v}}\n")
        j = self.namer.fresh("j")
        self.locals.add(j)
        text = source.format(i=_text(index), v=_text(value), j=j)
        for stmt in gast.parse(text).body:
            self.statement(self.at_line(stmt))
        return S.const(None)

    def reversed_call(self, node):
        """``reversed(xs)`` of a value that is not a range: ``list(xs)[::-1]``; else None."""
        if self.resolve_call(node) is not builtins.reversed or len(node.args) != 1 or node.keywords \
                or self.resolve_call(node.args[0]) is builtins.range:
            return None
        items = self.atom(self.list_of(node.args[0]), hint="items")
        backwards = gast.Slice(lower=None, upper=None, step=S.const(-1))
        return gast.Subscript(value=items, slice=backwards, ctx=gast.Load())

    def zip_value(self, node):
        """``zip(xs, ys)`` (or ``enumerate(xs, start)``) as a value: the list of tuples it
        yields; else None."""
        callee = self.resolve_call(node)
        if callee is builtins.enumerate:
            return self.enumerate_value(node)
        if callee is not builtins.zip or not node.args or node.keywords \
                or any(isinstance(a, gast.Starred) for a in node.args):
            return None
        seqs = [self.atom(self.list_of(a), hint="seq") for a in node.args]
        k = self.namer.fresh("k")
        self.locals.add(k)
        lengths = [self.builtin_call("len", [S.copy(s)]) for s in seqs]
        count = lengths[0] if len(lengths) == 1 else gast.Call(func=S.name("min"), args=lengths, keywords=[])
        column = gast.Tuple(elts=[gast.Subscript(value=S.copy(s), slice=S.name(k), ctx=gast.Load())
                                  for s in seqs], ctx=gast.Load())
        steps = gast.Call(func=S.name("range"), args=[count], keywords=[])
        return self.expr(gast.ListComp(elt=column, generators=[gast.comprehension(
            target=S.name(k, store=True), iter=steps, ifs=[], is_async=0)]))


    def enumerate_value(self, node):
        """``enumerate(xs, start)`` as a value: ``[(start + k, seq[k]) for k in range(len(seq))]``."""
        given = dict(zip(("iterable", "start"), node.args))
        given.update((kw.arg, kw.value) for kw in node.keywords)
        if not 1 <= len(given) == len(node.args) + len(node.keywords) <= 2 or set(given) - {"iterable", "start"} \
                or "iterable" not in given or any(isinstance(a, gast.Starred) for a in node.args):
            return None
        seq = self.atom(self.list_of(given["iterable"]), hint="seq")
        start = self.atom(given["start"], hint="start") if "start" in given else None
        k = self.namer.fresh("k")
        self.locals.add(k)
        index = S.name(k) if start is None else gast.BinOp(left=S.copy(start), op=gast.Add(), right=S.name(k))
        pair = gast.Tuple(elts=[index, gast.Subscript(value=S.copy(seq), slice=S.name(k), ctx=gast.Load())],
                          ctx=gast.Load())
        steps = gast.Call(func=S.name("range"), args=[self.builtin_call("len", [S.copy(seq)])], keywords=[])
        return self.expr(gast.ListComp(elt=pair, generators=[gast.comprehension(
            target=S.name(k, store=True), iter=steps, ifs=[], is_async=0)]))


# the list methods list_method lowers, by their number of arguments (call_chain.LIST_METHODS
# names them, for asking list_method about their calls only)
_LOWERED_ARITY = {"extend": 1, "insert": 2, "pop": 1, "reverse": 0}


def _text(atom):
    return atom.id if isinstance(atom, gast.Name) else repr(atom.value)
