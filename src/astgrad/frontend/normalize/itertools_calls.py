"""``itertools`` over values that carry a derivative, and ``functools.reduce``, lowered to
list displays, comprehensions and loops over positions (which carry none):

- ``chain(a, b)`` is ``list(a) + list(b)``; ``chain.from_iterable(xss)`` is
  ``[v for xs in xss for v in xs]``;
- ``product(a, b)``, ``combinations(xs, 2)``, ``combinations_with_replacement(xs, 2)`` and
  ``permutations(xs, 2)`` are ``[(sa[i], sb[j]) for i, j in product(range(len(sa)), ...)]``:
  the same itertools function over the positions, each tuple read from the items (the
  tuple length must be known: a constant ``r``, or the number of iterables);
- ``pairwise(xs)`` is ``[(s[k], s[k + 1]) for k in range(len(s) - 1)]``;
- ``islice(xs, start, stop, step)`` with constant bounds is ``list(xs)[start:stop:step]``;
- ``starmap(f, pairs)`` is ``[f(a, b) for a, b in pairs]`` (iterators.py, with ``map``);
- ``repeat(v, n)`` is ``[v] * n``; ``repeat(v)`` in a ``for ... in zip(...)`` header is
  ``v`` at each step (loops.py);
- ``accumulate(xs, f, initial=v)`` and ``functools.reduce(f, xs, v)`` are a loop over the
  items carrying the running value (``f`` an operator function, a global function or a
  local one, inlined; ``accumulate`` without ``f`` adds).

Each evaluates into a list at once, where itertools would yield lazily: the same items in
the same order for the finite iterables a differentiated function loops over.
"""

import functools
import itertools
import operator

import gast

from ... import runtime
from ...core import syntax as S
from .call_chain import BY_POSITION as _BY_POSITION
from .compared_items import check_compared_items

_OPERATORS = {operator.add: gast.Add, operator.mul: gast.Mult, operator.sub: gast.Sub,
              operator.truediv: gast.Div, operator.pow: gast.Pow}


class ItertoolsLowering:
    """Normalizer methods for itertools calls and functools.reduce."""

    def itertools_call(self, node):
        """The lowered call, or None when ``node`` is not one this module lowers."""
        callee = self.resolve_call(node)
        if callee is None or any(isinstance(a, gast.Starred) for a in node.args) \
                or any(kw.arg is None for kw in node.keywords):
            return None
        keywords = {kw.arg: kw.value for kw in node.keywords}
        if callee is functools.reduce and 2 <= len(node.args) <= 3 and not keywords:
            return self.folded(node.args[1], node.args[0], node.args[2] if len(node.args) == 3 else None, False)
        if callee is itertools.accumulate and 1 <= len(node.args) <= 2 and set(keywords) <= {"func", "initial"}:
            func = node.args[1] if len(node.args) == 2 else keywords.get("func")
            return self.folded(node.args[0], func, keywords.get("initial"), True)
        if callee in _BY_POSITION:
            return self.by_position(callee, node.args, keywords)
        if keywords:
            return None
        if callee is itertools.chain:
            return self.chained([self.atom(self.list_of(a), hint="items") for a in node.args])
        if callee == itertools.chain.from_iterable and len(node.args) == 1:
            return self.flattened(node.args[0])
        if callee is itertools.pairwise and len(node.args) == 1:
            seq = self.atom(self.list_of(node.args[0]), hint="seq")
            return self.positions_comprehension("(s[k], s[k + 1]) for k in range(len(s) - 1)", s=seq)
        if callee is itertools.islice and 2 <= len(node.args) <= 4 and all(
                isinstance(a, gast.Constant) and (a.value is None or type(a.value) is int and a.value >= 0)
                for a in node.args[1:]):        # Python refuses negative bounds: left to it
            return self.sliced(node.args)
        if callee is itertools.repeat and len(node.args) == 2:
            item = self.atom(gast.List(elts=[node.args[0]], ctx=gast.Load()), hint="items")
            return self.runtime_call(runtime.repeat, [item, self.atom(node.args[1], hint="n")])
        return None

    def endless_repeat(self, node):
        """``itertools.repeat(v)`` without a count (in ``zip``: ``v`` at every step)."""
        return isinstance(node, gast.Call) and len(node.args) == 1 and not node.keywords \
            and not isinstance(node.args[0], gast.Starred) and self.resolve_call(node) is itertools.repeat

    # -- lists built at once -----------------------------------------------------------

    def chained(self, lists):
        if len(lists) < 2:
            return lists[0] if lists else gast.List(elts=[], ctx=gast.Load())    # a new list already
        total = lists[0]
        for more in lists[1:-1]:
            total = S.name(self.fresh_assign(self.runtime_call(runtime.concat, [total, more]), "items"))
        return self.runtime_call(runtime.concat, [total, lists[-1]])

    def flattened(self, nested):
        outer, item = self.namer.fresh("items"), self.namer.fresh("item")
        generators = [gast.comprehension(target=S.name(outer, store=True), iter=nested, ifs=[], is_async=0),
                      gast.comprehension(target=S.name(item, store=True), iter=S.name(outer), ifs=[], is_async=0)]
        return self.expr_ListComp(gast.ListComp(elt=S.name(item), generators=generators))

    def sliced(self, args):
        bounds = [None, args[1], None] if len(args) == 2 else list(args[1:]) + [None] * (4 - len(args))
        bounds = [None if b is None or isinstance(b, gast.Constant) and b.value is None
                  else self.atom(b, hint="bound") for b in bounds]
        seq = self.atom(self.list_of(args[0]), hint="seq")
        return gast.Subscript(value=seq, slice=gast.Slice(lower=bounds[0], upper=bounds[1], step=bounds[2]),
                              ctx=gast.Load())

    def by_position(self, callee, args, keywords):
        """product / combinations / permutations: the itertools function over positions."""
        if callee is itertools.product:
            repeat = keywords.pop("repeat", S.const(1))
            if keywords or not (isinstance(repeat, gast.Constant) and type(repeat.value) is int):
                return None
            seqs = [self.atom(self.list_of(a), hint="seq") for a in args] * repeat.value
            ranges = [f"range(len(s{n}))" for n in range(len(seqs))]
            width = len(seqs)
        else:
            given = dict(zip(("iterable", "r"), args))
            given.update(keywords)
            r = given.get("r")
            if len(given) != len(args) + len(keywords) or "iterable" not in given \
                    or not (isinstance(r, gast.Constant) and type(r.value) is int and r.value >= 0):
                return None
            seqs = [self.atom(self.list_of(given["iterable"]), hint="seq")]
            ranges = [f"range(len(s0)), {r.value}"]
            width = r.value
        which = 0 if callee is itertools.product else None
        picks = ", ".join(f"s{0 if which is None else n}[k{n}]" for n in range(width))
        targets = ", ".join(f"k{n}" for n in range(width)) or "_"
        text = f"({picks}{',' if width == 1 else ''}) for ({targets}{',' if width == 1 else ''}) " \
               f"in positions({', '.join(ranges)})"
        names = {f"s{n}": seq for n, seq in enumerate(seqs)}
        names["positions"] = S.name(self.bind_value(callee, callee.__name__))
        return self.positions_comprehension(text, **names)

    def positions_comprehension(self, text, **names):
        """``[text]``, a comprehension over positions, with the names in ``names`` standing
        for the given names and the others (but range and len) made fresh."""
        tree = gast.parse(f"[{text}]").body[0].value
        fresh = {}
        for node in S.walk_nodes(tree):
            if isinstance(node, gast.Name) and node.id in names:
                node.id = names[node.id].id
            elif isinstance(node, gast.Name) and node.id not in ("range", "len"):
                node.id = fresh.setdefault(node.id, self.namer.fresh(node.id))
        self.locals.update(fresh.values())
        return self.expr_ListComp(tree)

    # -- running values --------------------------------------------------------------

    def folded(self, iterable, func, initial, keep_all):
        """``accumulate`` (keep_all: the list of running values) or ``reduce`` (the last)."""
        if func is not None and isinstance(func, gast.Constant) and func.value is None:
            func = None
        operator_class = _OPERATORS.get(self.resolve_operator(func)) if func is not None else gast.Add
        if func is not None and operator_class is None and not self.looks_like_function(func):
            return None
        combine = self.callable_node(func) if operator_class is None else None
        start = None if initial is None or isinstance(initial, gast.Constant) and initial.value is None \
            else self.atom(initial, hint="initial")
        acc, item = self.namer.fresh("acc"), self.namer.fresh("item")
        what = "itertools.accumulate()" if keep_all else "functools.reduce()"
        self.locals.update((acc, item))
        if start is None:           # the first item starts, the loop runs over the others
            seq = self.atom(self.list_of(iterable), hint="seq")
            check_compared_items(self, func, seq, what)     # lambda a, b: a if a > b else b: compared_items.py
            head = gast.Slice(lower=None, upper=S.const(1), step=None)
            head = gast.Subscript(value=S.copy(seq), slice=head, ctx=gast.Load())
            first = None if keep_all else gast.Subscript(value=S.copy(seq), slice=S.const(0), ctx=gast.Load())
            if keep_all:
                self.list_of(head, result=acc)      # built in acc itself: no second name holds it
            rest = gast.Subscript(value=S.copy(seq), slice=gast.Slice(lower=S.const(1), upper=None, step=None),
                                  ctx=gast.Load())
        else:                       # over the iterable itself (a literal of functions is unrolled)
            first = gast.List(elts=[S.copy(start)], ctx=gast.Load()) if keep_all else S.copy(start)
            rest = iterable
            check_compared_items(self, func, rest, what)
        if first is not None:
            self.emit(S.assign(acc, first if S.is_atom(first) or isinstance(first, gast.List) else self.expr(first)))
        last = gast.Subscript(value=S.name(acc), slice=S.const(-1), ctx=gast.Load()) if keep_all else S.name(acc)
        value = gast.BinOp(left=last, op=operator_class(), right=S.name(item)) if operator_class is not None \
            else gast.Call(func=combine, args=[last, S.name(item)], keywords=[])
        step = gast.Expr(value=gast.Call(func=gast.Attribute(value=S.name(acc), attr="append", ctx=gast.Load()),
                                         args=[value], keywords=[])) if keep_all \
            else gast.Assign(targets=[S.name(acc, store=True)], value=value, type_comment=None)
        loop = gast.For(target=S.name(item, store=True), iter=rest, body=[step], orelse=[], type_comment=None)
        self.statement(self.at_line(loop))
        return S.name(acc)

    def resolve_operator(self, func):
        """The object a global name path (``operator.mul``) stands for, else None."""
        path = S.dotted_path(func)
        return None if path is None or path[0] in self.locals else self.source.resolve_path(path)
