"""Writes through a view of another array: ``v = x[:2]; v[0] = e``, ``row = x[i];
row *= 2``, ``t = x.T; t[0] = e``, ``x[0][1] = e``, ``x.T[0] = e``, and views of the
whole array (``x.reshape(...)``, ``numpy.reshape(x, ...)``, in ``order="F"`` too,
``x.swapaxes(a, b)``, ``numpy.moveaxis(x, s, d)``, ``x.transpose(...)`` with constant axes, ``x.squeeze()``, ``x.ravel()``, ``numpy.flip``),
written back through their inverse (``x[...] = numpy.moveaxis(v_new, d, s)``).

NumPy shares the memory, so the write changes ``x`` too. The derivative modes follow
writes into the array a name holds, so such a write is rewritten, before anything else,
as a write into the base that the view's own expression names again:

    v[k] = e          ──►   writes_through(x[:2], x, "f.py:5")
                            v_new = v.copy()
                            v_new[k] = e
                            x[:2] = v_new          (x[...] = v_new.T, x[...] = v_new.reshape(x.shape))
                            v = x[:2]              (the view again, showing the write)

and ``v op= e`` the same way under ``if writes_through(v, x, ...)``, with ``v = v op e``
otherwise (``v`` is then a number, an element of a 1-D array, which ``op=`` rebinds).
``writes_through`` (runtime.py) raises when ``v`` is an array that does not share
``x``'s memory (a fancy index copies; an array held by a list is not a view), so only
what NumPy's aliasing does is followed. A reshape or ``ravel()`` copies where its array is
laid out otherwise, which only the running code knows: a write into one goes through it
where it shares the memory and into the copy alone otherwise (copied_view_writes.py). The index (and a reshape's shape) is read once,
into names of its own, where the view is taken. A view is followed when its name is bound
once and its base names one array wherever the view is used (bound once, an argument, or a
local bound before a statement of the body taking the view). Where such a base is bound
again later (``w = z[1:]; w *= 2; z = z * 2.0``), the view goes on holding the old array:
from the first statement of the body binding the base again, the view (and the views of
it) is no longer read again nor written through the base's name; what is still done with
it is left to the derivative modes, which follow or refuse it as any other array (where the
base's name is bound just twice, by assignments of the body itself, rebound_view_bases.py
first gives the first binding a name of its own, so the view's base is bound once). A view
of a view expression (``t = numpy.swapaxes(x.T, 0, 1)``, ``t = x[1:][:2]``) binds the inner
view to a name of its own first, in a function that writes into some array.

After any write into the base (through a view, or ``x[k] = e`` itself), the views of it
bound before, in the same block or an enclosing one, are read again (``u = x[1:]``), so
each shows the write as NumPy's view does: those written through, and those read later
whose index is basic slicing, ``.T``, a reshape or a ravel (``shows_write`` checks, where
one is read again, that it shares the base's memory: a slice of a list is a copy, refused;
so is a reshape or ravel of an array laid out otherwise, which keeps its values, as NumPy's
copy does: it is kept before the write and bound again after it where it copied).
A view bound in a branch of ``if c:`` (``c`` a name bound once) is read again after a write
in the same branch of a later ``if c:``, which runs exactly where the first did (reverse
code's branch of its forward code's test). Any other view still in use across a write (a
row ``x[i]``, a view under a second name, a view bound in a branch) is refused by the
modes, as before. A call of a helper writing elements of an array it is
handed (inlined, foreign.py) counts as a write into that array.
"""

import copy
from collections import Counter

import gast
import numpy

from ... import runtime
from ...core import syntax as S
from .copied_view_writes import MAY_COPY, at_line, copy_or_view
from .nested_views import METHOD_VIEWS, WHOLE_VIEWS, bind_view_of_a_view, layout_order, written_by_helper
from .rebound_view_bases import rename_rebound_bases
from .repeated_rows import refuse_writes_into_repeated_rows
from .scopes import binding_counts, parameters

_SIMPLE_INDEX = (gast.Constant,)


class _View:
    """``name = base[index]``, ``base.T``, ``base.reshape(shape)`` or another view of the
    whole array (``base.swapaxes(a, b)``, ``numpy.moveaxis(base, s, d)``, ...: WHOLE_VIEWS);
    ``func``: the name of the NumPy function a function form calls (else a method);
    ``order``: a reshape's or ravel's ``order="F"`` (or ``"C"``), where given, or the call
    naming the order ``"A"`` stands for (any_orders.py)."""
    __slots__ = ("name", "base", "kind", "parts", "func", "order")

    def __init__(self, name, base, kind, parts, func=None, order=None):
        self.name, self.base, self.kind, self.parts, self.func = name, base, kind, parts, func
        self.order = order

    def _ordered(self):
        if self.order is None:
            return {}
        return {"order": S.const(self.order) if isinstance(self.order, str) else S.copy(self.order)}

    def read(self):
        """The view's expression, read again."""
        base = S.name(self.base)
        if self.kind == "T":
            return gast.Attribute(value=base, attr="T", ctx=gast.Load())
        if self.func is not None:
            return S.call(S.copy(self.func), [base] + [S.copy(p) for p in self.parts], self._ordered())
        if self.kind != "index":
            return S.call(gast.Attribute(value=base, attr=self.kind, ctx=gast.Load()), [S.copy(p) for p in self.parts],
                          self._ordered())
        return gast.Subscript(value=base, slice=S.copy(self.parts[0]), ctx=gast.Load())

    def write_back(self, new):
        """``base[index] = new`` (``base[...] = new.T``, ``= new.reshape(base.shape)``, the
        inverse of each view of the whole array)."""
        value, index = S.name(new), self.parts[0] if self.kind == "index" else gast.Constant(value=Ellipsis, kind=None)
        parts = [S.copy(p) for p in self.parts]
        if self.kind == "T" or self.kind == "transpose" and not parts:
            value = gast.Attribute(value=value, attr="T", ctx=gast.Load())
        elif self.kind in ("reshape", "ravel", "squeeze", "ascontiguousarray", "asfortranarray"):
            shape = gast.Attribute(value=S.name(self.base), attr="shape", ctx=gast.Load())
            # read back in the order the view read the array in
            value = S.call(gast.Attribute(value=value, attr="reshape", ctx=gast.Load()), [shape], self._ordered())
        elif self.kind == "transpose":        # constant axes: their inverse permutation
            axes = _axes(parts)
            inverse = [axes.index(k) for k in range(len(axes))]
            transpose = gast.Attribute(value=value, attr="transpose", ctx=gast.Load())
            value = S.call(transpose, [S.const(k) for k in inverse])
        elif self.kind == "swapaxes":
            value = S.call(gast.Attribute(value=value, attr="swapaxes", ctx=gast.Load()), parts)
        elif self.kind == "moveaxis":
            value = S.call(S.copy(self.func), [value, parts[1], parts[0]])
        elif self.kind == "flip":
            value = S.call(S.copy(self.func), [value] + parts)
        return S.assign(gast.Subscript(value=S.name(self.base), slice=S.copy(index), ctx=gast.Store()), value)


class ViewWrites:
    """Rewrites one function's writes through views (see the module doc)."""

    def __init__(self, normalizer, tree, nodes=None):
        self.normalizer = normalizer
        # binding_counts([tree]), which the normalizer found before changing anything
        self.counts = Counter(normalizer.bound_count) if tree is normalizer.source.tree \
            else binding_counts([tree])
        assignments = []
        # whether the function writes into an array (an element, or op=, or through a helper):
        # only then is a view of a view expression split, so one writing nothing reads as before
        self.writes, calls = False, []
        for node in S.walk_nodes(tree) if nodes is None else nodes:
            if type(node) is gast.Call:
                calls.append(node)
            elif type(node) is gast.AugAssign:
                self.writes = True
                if isinstance(node.target, gast.Name):
                    self.counts[node.target.id] -= 1    # v op= e changes the view (followed here), not a binding
            elif type(node) is gast.Assign:
                assignments.append(node)
                self.writes = self.writes or any(isinstance(t, gast.Subscript) for t in node.targets)
        self.params = set(parameters(tree))
        self.calls = calls
        self.containers = _container_names(assignments, normalizer.resolve_call)
        # names bound once to a list or a comparison (m = y > 0): y[m] is a new array, not a view
        self.advanced = {a.targets[0].id for a in assignments if len(a.targets) == 1
                         and isinstance(a.targets[0], gast.Name) and S.certainly_advanced_index(a.value)}
        self.views = {}
        # the views bound before the statement at hand in its block or an enclosing one
        # (in binding order): a write into their base is shown by reading them again
        self.visible = []
        # (test, "body" or "orelse") -> the views bound in that branch of an If of the
        # function's body testing a name bound once: visible again in the same branch of a
        # later If testing it (reverse code's branch of its forward code's test), which runs
        # exactly where the first did
        self.branch_views = {}
        # which statement of the function's body is at hand, whether it is that statement
        # itself (not one nested in it), the first statement of the body binding each name,
        # and the last reading it
        self.top, self.at_top, self.first_bound, self.last_read = 0, False, {}, {}

    def function_body(self, stmts, tree):
        stmts = rename_rebound_bases(self.normalizer, stmts, self.counts, tree)
        self.body = stmts       # (handed_list_items.py reads it)
        rebound = [_rebound_names(stmt) for stmt in stmts]
        for index, stmt in enumerate(stmts):
            for name in rebound[index]:
                self.first_bound.setdefault(name, index)
            for name in S.loaded_names(stmt):
                self.last_read[name] = index
        out = []
        for self.top, stmt in enumerate(stmts):
            self.at_top = True
            self.forget_views_of(rebound[self.top])
            out.extend(self.statement(stmt))
        return out

    def forget_views_of(self, names):
        """Before a statement of the body binding ``names`` again: the views of the arrays
        they held (and views of those views) keep the old arrays, so the base's name no
        longer reaches them: they are neither read again nor written through it."""
        old = {view for view in self.views if self.reaches(view, names)}
        if old:
            self.views = {name: view for name, view in self.views.items() if name not in old}
            self.visible = [name for name in self.visible if name not in old]

    def reaches(self, name, names):
        """Whether view ``name`` views one of ``names``, directly or through other views."""
        while name in self.views:
            name = self.views[name].base
            if name in names:
                return True
        return False

    def block(self, stmts):
        out = []
        for stmt in stmts:
            out.extend(self.statement(stmt))
        return out

    def statement(self, stmt):
        visible, at_top = list(self.visible), self.at_top
        blocks = [stmt] if not isinstance(stmt, gast.Try) else [stmt] + stmt.handlers
        for holder in blocks:
            for field in ("body", "orelse", "finalbody"):
                if isinstance(getattr(holder, field, None), list) and not isinstance(holder, gast.FunctionDef):
                    self.at_top = False
                    test = _branch_test(holder, field) if at_top else None
                    self.visible = visible + [v for v in self.branch_views.get(test, ()) if v in self.views]
                    setattr(holder, field, self.block(getattr(holder, field)))
                    if test is not None and self.counts[test[0]] == 1:
                        self.branch_views[test] = [v for v in self.visible if v not in visible]
                    self.visible = list(visible)        # a view bound inside is not bound after it
        self.at_top = at_top
        if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1:
            target = stmt.targets[0]
            bound = self.view_binding(target, stmt.value, stmt)
            if bound is not None:
                return bound
            if isinstance(target, gast.Subscript):
                return self.element_write(stmt, target, lambda t: S.assign(t, stmt.value))
        if isinstance(stmt, gast.AugAssign) and isinstance(stmt.target, gast.Subscript):
            return self.element_write(stmt, stmt.target,
                                      lambda t: gast.AugAssign(target=t, op=stmt.op, value=stmt.value))
        if isinstance(stmt, gast.AugAssign) and isinstance(stmt.target, gast.Name) and stmt.target.id in self.views:
            return self.augmented_view(stmt, self.views[stmt.target.id])
        out = [stmt]
        for name in written_by_helper(self, stmt):
            before, after = self.shown(name, (), stmt)
            out = before + out + after
        return out

    # -- views ----------------------------------------------------------------------------

    def view_of(self, target, value, written_through=False):
        """The _View ``target = value`` takes, if this module follows it; else None. A copy an
        advanced index makes (``z = y[[0, 2]]``) is no view, but where the value is taken
        only to be written through (``written_through``: ``y[[0, 0]][0] = w``) it is taken as
        one, so that the write's check refuses, when it runs, a write Python makes into a
        copy and drops."""
        if not isinstance(target, gast.Name) or target.id in self.params or self.counts[target.id] != 1:
            return None
        if isinstance(value, gast.Subscript):
            base, kind, parts = value.value, "index", [value.slice]
        elif isinstance(value, gast.Attribute) and value.attr == "T":
            base, kind, parts = value.value, "T", []
        elif isinstance(value, gast.Call) and isinstance(value.func, gast.Attribute) \
                and value.func.attr == "reshape" and value.args and layout_order(value) is not None \
                and not any(isinstance(a, gast.Starred) for a in value.args) \
                and self.normalizer.resolve_call(value) is not numpy.reshape:     # np.reshape(y, s): below
            base, kind, parts = value.func.value, "reshape", list(value.args)
        else:
            return _whole_view(self, target, value)
        if not self.followed_base(base) or base.id == target.id \
                or kind == "index" and (_keyed(value) or not written_through and self.copying_index(value.slice)):
            return None
        order = (layout_order(value) or None) if kind == "reshape" else None
        return _View(target.id, base.id, kind, parts, order=order)

    def view_binding(self, target, value, stmt):
        """The statements binding ``target = value`` if it is a view this module follows
        (also a view of a view expression, nested_views.py), else None."""
        view = self.view_of(target, value)
        return self.bind_view(view, stmt) if view is not None else bind_view_of_a_view(self, target, value, stmt)

    def copying_index(self, index):
        """Whether NumPy reads ``index`` as advanced indexing (see S.certainly_advanced_index),
        also through a name bound once to such an index."""
        parts = index.elts if isinstance(index, gast.Tuple) else [index]
        return S.certainly_advanced_index(index) or any(
            isinstance(part, gast.Name) and part.id in self.advanced and self.counts[part.id] == 1 for part in parts)

    def followed_base(self, base):
        """Whether ``base`` names the same array wherever the view is used: bound once (or
        an argument never rebound), or, for a view taken by a statement of the function's
        body itself, a local bound only before that statement."""
        if not isinstance(base, gast.Name) or base.id in self.containers:
            return False
        bound = self.counts[base.id]
        bound_before = base.id in self.params or self.first_bound.get(base.id, self.top) < self.top
        return bound == 0 and base.id in self.params or bound == 1 and base.id not in self.params \
            or base.id in self.views or self.at_top and bound_before

    def bind_view(self, view, stmt, shown=True):
        """``v = x[i]`` with each part of the index that is not a constant read into a
        name of its own first, so a write later names the same elements; ``shown``: read
        again after a write into its base (not a view made only to be written through)."""
        out = []

        def captured(node):
            if isinstance(node, _SIMPLE_INDEX) or isinstance(node, gast.Name) and self.counts[node.id] == 0 \
                    and node.id in self.params:
                return node
            if isinstance(node, gast.Slice):
                return gast.Slice(lower=node.lower and captured(node.lower), upper=node.upper and captured(node.upper),
                                  step=node.step and captured(node.step))
            if isinstance(node, gast.Tuple):
                return gast.Tuple(elts=[captured(e) for e in node.elts], ctx=gast.Load())
            if isinstance(node, gast.UnaryOp) and isinstance(node.operand, gast.Constant):
                return node
            name = self.normalizer.namer.fresh(view.name + "_index")
            self.normalizer.locals.add(name)
            out.append(at_line(S.assign(name, node), stmt))
            return S.name(name)
        view.parts = [captured(p) for p in view.parts]
        if out and view.base not in self.params:
            # Python reads the array before its index: where it may be unbound, the error
            # names it (a read kept only where it may raise)
            read = self.normalizer.namer.fresh("read")
            self.normalizer.locals.add(read)
            out.insert(0, at_line(S.assign(read, S.read_of(view.base)), stmt))
        self.views[view.name] = view
        if shown:
            self.visible = [v for v in self.visible if v != view.name] + [view.name]
        out.append(at_line(S.assign(view.name, view.read()), stmt))
        return out

    def shown(self, root, written, stmt):
        """Around a write into ``root``: (before, after), where after reads again the views
        ``written`` through (checked to share its memory) and each other view of ``root``
        bound before and read later whose index is basic slicing (an array sharing the
        memory wherever ``root`` is an array, checked where it is read again), so each shows
        the write as NumPy's does. A reshape or ravel is read again only where it shares the
        memory; where NumPy made a copy it keeps its values, which before keeps first
        (``u_kept = snapshot(u)``, and ``u = snapshot(u_kept)`` after, so no value the write
        changes is read after it)."""
        again, before, after = set(), [], []
        for name in sorted(self.visible + [w for w in written if w not in self.visible], key=self.depth):
            view = self.views[name]
            if view.base != root and view.base not in again:
                continue
            read = at_line(S.assign(name, view.read()), stmt)
            if name in written:
                after.append(read)
            elif not self.shows_later(name):
                continue
            elif view.kind in MAY_COPY:
                kept = self.normalizer.namer.fresh(name + "_kept")
                self.normalizer.locals.add(kept)
                keep = self.normalizer.runtime_call(runtime.snapshot, [S.name(name)])
                before.append(at_line(S.assign(kept, keep), stmt))
                kept_again = at_line(S.assign(name, self.normalizer.runtime_call(runtime.snapshot, [S.name(kept)])), stmt)
                after.append(at_line(gast.If(test=self.check(view, stmt, runtime.shows_write), body=[read],
                                         orelse=[kept_again]), stmt))
            else:
                after += [at_line(S.expr_stmt(self.check(view, stmt, runtime.shows_write)), stmt), read]
            again.add(name)
        return before, after

    def shows_later(self, name):
        """Whether view ``name`` is one a write into its base shows (basic slicing, ``.T``, a
        reshape or a ravel) and is read later, itself or through a view of it that is
        (``t = numpy.swapaxes(u, 0, 1)`` of ``u = y.T``, read after ``u`` is)."""
        view = self.views[name]
        return (_sliced(view) or view.kind in MAY_COPY) and (self.read_later(name) or any(
            self.views[other].base == name and self.shows_later(other) for other in self.visible))

    def read_later(self, name):
        """Whether ``name`` may be read after the statement at hand (a statement of the
        function's body itself reads its operands before it writes)."""
        return self.last_read.get(name, -1) > (self.top if self.at_top else self.top - 1)

    def depth(self, name):
        """How many views lie between view ``name`` and the array it views."""
        count = 0
        while name in self.views:
            name, count = self.views[name].base, count + 1
        return count

    # -- writes -----------------------------------------------------------------------------

    def element_write(self, stmt, target, make, written=()):
        """``v[k] = e`` (``make(t)`` builds the write into ``t[k]``), ``v`` a view: the
        write goes into a copy that is written back into the base. ``x[a][b] = e``: the
        inner element is a view taken first. ``written``: the views this write goes
        through, read again after it with the other views of the array written."""
        holder = target.value
        if isinstance(holder, (gast.Subscript, gast.Attribute)) and self.followed_base(_root(holder)) \
                and _chained(holder):
            out, name = self.chain_view(holder, stmt)
            inner = gast.Subscript(value=S.name(name), slice=target.slice, ctx=gast.Store())
            return out + self.element_write(stmt, inner, make)
        if not isinstance(holder, gast.Name):
            return [stmt]
        if holder.id not in self.views:
            before, after = self.shown(holder.id, written, stmt)
            return before + [stmt] + after
        view = self.views[holder.id]
        new = self.normalizer.namer.fresh(view.name + "_new")
        self.normalizer.locals.add(new)
        copied = self.normalizer.runtime_call(numpy.copy, [view.read()])
        overlap = self.overlap_check(view, stmt, target)
        write = make(gast.Subscript(value=S.name(new), slice=target.slice, ctx=gast.Store()))
        out = [at_line(S.expr_stmt(self.check(view, stmt)), stmt), *overlap, at_line(S.assign(new, copied), stmt),
               at_line(write, stmt)]
        through = out + self.written_back(view, new, stmt, written)
        if view.kind in MAY_COPY:       # NumPy's copy takes the write alone
            bound = [b for b in overlap if isinstance(b, gast.Assign)]      # index = -1: in both branches
            return copy_or_view(self, view, stmt, through, make, target.slice, written, bound)
        return through

    def overlap_check(self, view, stmt, target):
        """Before ``v[k] = e`` with an index that may be a mask or a list of positions and
        a value that may be a view (of ``v``'s base, say): the write goes into a copy of
        ``v``, which reads all of ``e`` first, while NumPy may write into ``v`` element by
        element, reading elements of ``e`` it has already replaced. So ``e`` and ``k``
        are read into names (in Python's order) and ``write_reads_value_first``
        (runtime.py) checks the write on the view itself when it runs."""
        if not isinstance(stmt, gast.Assign) or not S.may_be_advanced_index(target.slice) \
                or not isinstance(stmt.value, _MAY_BE_VIEWS):
            return []
        out = []
        for owner, field, hint in ((stmt, "value", "value"), (target, "slice", "index")):
            if not isinstance(getattr(owner, field), (gast.Name, gast.Constant)):
                name = self.normalizer.namer.fresh(hint)
                self.normalizer.locals.add(name)
                out.append(at_line(S.assign(name, getattr(owner, field)), stmt))
                setattr(owner, field, S.name(name))
        where = self.normalizer.source.place(stmt)
        check = self.normalizer.runtime_call(runtime.write_reads_value_first, [
            view.read(), S.copy(target.slice), S.copy(stmt.value), S.const(where)])
        return out + [at_line(S.expr_stmt(check), stmt)]

    def written_back(self, view, new, stmt, written):
        """``base[index] = new`` for view ``view`` (the base may be a view too)."""
        back = at_line(view.write_back(new), stmt)
        return self.element_write(back, back.targets[0], lambda t: S.assign(t, back.value),
                                  written + (view.name,))

    def chain_view(self, node, stmt):
        """``x[a][b]``, ``x.T[a]`` (a Subscript or ``.T``) as a view bound to a fresh name:
        (statements, name)."""
        out, base = [], node.value
        if isinstance(base, (gast.Subscript, gast.Attribute)):
            out, inner = self.chain_view(base, stmt)
            base = S.name(inner)
        name = self.normalizer.namer.fresh("view")
        self.normalizer.locals.add(name)
        self.counts[name] = 1
        value = gast.Attribute(value=base, attr="T", ctx=gast.Load()) if isinstance(node, gast.Attribute) \
            else gast.Subscript(value=base, slice=node.slice, ctx=gast.Load())
        view = self.view_of(S.name(name, store=True), value, written_through=True)
        return out + self.bind_view(view, stmt, shown=False), name

    def augmented_view(self, stmt, view):
        """``v op= e``: through the base when ``v`` is a view of it, else (a number)
        ``v = v op e``."""
        value = self.normalizer.namer.fresh(view.name + "_change")
        self.normalizer.locals.add(value)
        new = self.normalizer.namer.fresh(view.name + "_new")
        self.normalizer.locals.add(new)
        copied = self.normalizer.runtime_call(numpy.copy, [view.read()])
        through = [at_line(S.assign(new, copied), stmt),
                   at_line(gast.AugAssign(target=S.name(new, store=True), op=stmt.op, value=S.name(value)), stmt)]
        through += self.written_back(view, new, stmt, ())
        if view.kind in MAY_COPY:       # NumPy's copy takes the change alone
            change = lambda t: gast.AugAssign(target=t, op=stmt.op, value=S.name(value))    # noqa: E731
            return [at_line(S.assign(value, stmt.value), stmt),
                    *copy_or_view(self, view, stmt, through, change, gast.Constant(value=Ellipsis, kind=None))]
        number = self.normalizer.runtime_call(runtime.copy_argument, [S.name(view.name)])   # v itself, a number
        rebind = at_line(S.assign(view.name, gast.BinOp(left=number, op=stmt.op, right=S.name(value))), stmt)
        test = at_line(gast.If(test=self.check(view, stmt), body=through, orelse=[rebind]), stmt)
        return [at_line(S.assign(value, stmt.value), stmt), test]

    def check(self, view, stmt, helper=runtime.writes_through):
        """``writes_through(x[:2], x, "f.py:5")``: the view's expression read again (the
        same memory as ``v``: each write re-reads it), so the derivative may keep ``v`` as
        a copy of its numbers, which no helper asks about (``shows_write`` for a view
        read again after a write through another name)."""
        where = self.normalizer.source.place(stmt)
        return self.normalizer.runtime_call(helper, [
            view.read(), S.name(view.base), S.const(where)])


def rewrite_view_writes(normalizer, tree, nodes=None):
    """``tree``'s body with writes through views rewritten (see the module doc); ``nodes``:
    ``tree``'s nodes (``syntax.walk_nodes``), if at hand."""
    refuse_writes_into_repeated_rows(normalizer, tree, list(S.walk_nodes(tree)) if nodes is None else nodes)
    tree.body = ViewWrites(normalizer, tree, nodes).function_body(tree.body, tree)
    return tree


def _branch_test(holder, field):
    """(the name ``holder`` tests, ``field``) for a branch of ``if name:``; else None."""
    if isinstance(holder, gast.If) and isinstance(holder.test, gast.Name) and field in ("body", "orelse"):
        return holder.test.id, field
    return None


def _rebound_names(stmt):
    """The names ``stmt`` binds to a new value: not by ``v op= e`` alone, which writes into
    an array in place (a number it rebinds is no array a view could show)."""
    counts, todo = binding_counts([stmt]), [stmt]
    while todo:         # not into nested functions: their op= binds their own names
        node = todo.pop()
        if type(node) is gast.AugAssign and isinstance(node.target, gast.Name):
            counts[node.target.id] -= 1
        todo.extend(child for child in gast.iter_child_nodes(node)
                    if not isinstance(child, (gast.FunctionDef, gast.AsyncFunctionDef, gast.Lambda)))
    return {name for name, count in counts.items() if count > 0}


def _sliced(view):
    """Whether view ``view`` is ``x.T`` (or another view of the whole array that never
    copies, ``x.swapaxes(a, b)``, ...) or ``x[i]`` with basic slicing only (slices, and
    constant integers, ``...`` and ``None``), at least one slice or ``...``: an array
    sharing ``x``'s memory wherever ``x`` is an array, never a number nor a copy."""
    if view.kind in ("T", "transpose", "swapaxes", "squeeze", "moveaxis", "flip"):   # always views of an array
        return True
    if view.kind != "index":
        return False
    index = view.parts[0]
    parts = index.elts if isinstance(index, gast.Tuple) else [index]
    for part in parts:
        if isinstance(part, gast.UnaryOp):
            part = part.operand
        if not (isinstance(part, gast.Slice) or isinstance(part, gast.Constant) and (
                part.value is None or part.value is Ellipsis or type(part.value) is int)):
            return False
    return any(isinstance(p, gast.Slice) or isinstance(p, gast.Constant) and p.value is Ellipsis for p in parts)


def _whole_view(views, target, value):
    """``v = x.swapaxes(a, b)``, ``v = numpy.moveaxis(x, s, d)``, ... (WHOLE_VIEWS,
    positional arguments only; ``transpose``'s axes constant, or none) as a _View of
    ViewWrites ``views``; else None."""
    if not isinstance(value, gast.Call) or layout_order(value) is None \
            or any(isinstance(a, gast.Starred) for a in value.args):
        return None
    func, args = None, list(value.args)
    if isinstance(value.func, gast.Attribute) and value.func.attr in METHOD_VIEWS \
            and views.followed_base(value.func.value):
        kind, base = value.func.attr, value.func.value
    else:
        found = views.normalizer.resolve_call(value)
        kind = next((k for k in WHOLE_VIEWS if getattr(numpy, k) is found), None) if callable(found) else None
        if kind is None or not args:
            return None
        base, args = args[0], args[1:]
        func = S.copy(value.func)
    # axes as a list display read as a tuple: no list the derivative would hold, nor write
    args = [gast.Tuple(elts=list(a.elts), ctx=gast.Load()) if isinstance(a, gast.List) else a for a in args]
    if kind == "transpose":
        if _axes(args) is None:
            return None
    elif len(args) not in WHOLE_VIEWS[kind]:
        return None
    if not views.followed_base(base) or base.id == target.id or layout_order(value) and kind not in MAY_COPY:
        return None
    return _View(target.id, base.id, kind, args, func, layout_order(value) or None)


def _axes(args):
    """The axes ``transpose``'s arguments ``args`` give (constant ints, or one tuple of
    them, a permutation with no negative axis), or None."""
    items = args[0].elts if len(args) == 1 and isinstance(args[0], gast.Tuple) else args
    if not all(isinstance(a, gast.Constant) and type(a.value) is int for a in items):
        return None
    axes = [a.value for a in items]
    return axes if sorted(axes) == list(range(len(axes))) else None


def _root(node):
    while isinstance(node, (gast.Subscript, gast.Attribute)):
        node = node.value
    return node


def _chained(node):
    """``x[a][b]``, ``x.T``, ``x.T[a]``, ...: subscripts without a string key and ``.T``,
    down to a name."""
    while isinstance(node, (gast.Subscript, gast.Attribute)):
        if isinstance(node, gast.Attribute) and node.attr != "T" or isinstance(node, gast.Subscript) and _keyed(node):
            return False
        node = node.value
    return isinstance(node, gast.Name)


# values that may share memory with the array written (a fresh result, such as x * 2, cannot)
_MAY_BE_VIEWS = (gast.Name, gast.Subscript, gast.Attribute, gast.Call)


def _keyed(subscript):
    """``d["w"]``: a string key reads a dict's item, never a view."""
    return any(isinstance(n, gast.Constant) and isinstance(n.value, str) for n in S.walk_nodes(subscript.slice))


def _container_names(assignments, resolve_call):
    """Names bound (by one of the Assign nodes ``assignments``) to a list, tuple or dict
    display (or list()/dict()/tuple()), or to ``copy.deepcopy`` of one bound before (new
    lists all the way down): an array such a container holds is not a view of it."""
    names = set()
    for node in assignments:
        value = node.value
        if isinstance(value, (gast.List, gast.Tuple, gast.Dict, gast.ListComp, gast.DictComp)) \
                or _deep_copy_of(value, names, resolve_call):
            names.update(t.id for t in node.targets if isinstance(t, gast.Name))
        elif isinstance(node, gast.Assign) and isinstance(value, gast.Call) \
                and isinstance(value.func, gast.Name) and value.func.id in ("list", "dict", "tuple"):
            names.update(t.id for t in node.targets if isinstance(t, gast.Name))
    return names


def _deep_copy_of(value, names, resolve_call):
    return isinstance(value, gast.Call) and len(value.args) == 1 and not value.keywords \
        and isinstance(value.args[0], gast.Name) and value.args[0].id in names \
        and resolve_call(value) is copy.deepcopy
