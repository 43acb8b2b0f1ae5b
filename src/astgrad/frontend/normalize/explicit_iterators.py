"""An iterator made with ``iter`` and advanced with ``next``, as the list of its items::

    it = iter(x * w)                        it, it_pos = list(x * w), 0
    while True:                             while True:
        try:                                    try:
            s = s + next(it) ** 2                   if it_pos >= len(it):
        except StopIteration:                           raise StopIteration
            break                                   item = it[it_pos]
                                                    it_pos = it_pos + 1
                                                    s = s + item ** 2
                                                except StopIteration:
                                                    break

Python's semantics: ``next(it)`` gives the items in order and raises StopIteration after
the last (``next(it, default)`` gives the default instead), which the list gives read
from a position moving on. The list is made where ``iter`` is called: the same
items, as long as nothing changes what is iterated over afterwards. So only a name bound
once by ``it = iter(e)`` and used for nothing but ``next(it)`` is rewritten, and only
where ``e`` is a value of its own (an expression, not a name), or a name that is read
and nothing else (not written into, not handed to a call, no method called on it).
``iter(e)`` iterated where it is made (``for v in iter(e)``, ``sum(iter(e))``) is ``e``.
Any other iterator is left to the rules, which have none for ``iter`` (their message says
what astgrad follows).

A generator expression held in a name, ``g = (f(v) for v in e)``, is such an iterator over
``e`` whose items ``next(g)`` computes where it is called: ``v = g[g_pos]`` then ``f(v)``,
as Python computes each item only when it is asked for (reading the names ``f(v)`` reads
as they are then); an item that raises finishes it, as it does Python's generator (the
position is past the end while the item is computed). One with conditions,
``g = (f(v) for v in e if c(v))``, is searched from the position on for the first item
whose conditions hold (``_generator_search``; in a try body, the call of a function made
for the search, try_comprehensions.py). One with a second ``for`` is refused where
``next`` reads it (it would otherwise be a list, which ``next`` does not take).
"""

import builtins

import gast

from ...core import syntax as S
from ...core.missing import MISSING
from ..generator_loops import advanced_generators, changes_what_it_reads, generator_helper, rewrite_iterated_generators
from .named_generator_expressions import holds_iterators, move_held_generators, refuse_loops_changing_generators
from .scopes import own_nodes
from ...core.first_use import imported_when_called

# modules only some functions need, loaded with the first call of these (core/first_use.py)
rewrite_consumed_generators = imported_when_called("astgrad.frontend.generators", "rewrite_consumed_generators")


def explicit_iterators(normalizer, tree):
    """{name: its position's name} for the names of ``tree`` that are such iterators
    (their ``it = iter(e)`` made ``it, it_pos = list(e), 0`` in place)."""
    nodes = list(own_nodes(tree))
    found = {}
    for node in nodes:
        if not (isinstance(node, gast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], gast.Name)):
            continue
        name, iterated = node.targets[0].id, _iterated(normalizer, nodes, node)
        if iterated is None:
            continue
        advanced_alone = normalizer.bound_count[name] == 1 and _only_advanced(normalizer, nodes, name)
        if isinstance(node.value, gast.GeneratorExp):
            changed = changes_what_it_reads(tree.body, [iterated], (), tree, normalizer.resolve_call, normalizer.source)
            if changed or not advanced_alone:
                raise _held_generator_error(normalizer, node, changed)
            loop = node.value.generators[0]
            own = tree is normalizer.source.tree        # not a function inlined, its names renamed
            normalizer.iterator_items[name] = (loop.target, node.value.elt, loop.ifs, own and node.value)
        elif not (advanced_alone and _unchanged(normalizer, nodes, iterated)):
            continue
        found[name] = normalizer.namer.fresh(name + "_pos")
        normalizer.locals.add(found[name])
        normalizer.bound_count[found[name]] += 2        # here, and again at each next(it)
        made = gast.copy_location(gast.Call(func=S.name("list"), args=[iterated], keywords=[]), node.value)
        node.targets = [gast.Tuple(elts=[S.name(name, store=True), S.name(found[name], store=True)],
                                   ctx=gast.Store())]
        node.value = gast.Tuple(elts=[made, S.const(0)], ctx=gast.Load())
    return found


def _iterated(normalizer, nodes, assign):
    """What ``it = iter(e)`` or ``g = (f(v) for v in e if c(v))`` iterates over (``e``), or
    None for another value. A generator expression that ``next`` reads but that has a second
    ``for`` or a scope of its own in ``f(v)`` or ``c(v)`` is refused."""
    value = assign.value
    if _is_call_of(normalizer, value, builtins.iter) and len(value.args) == 1 and not value.keywords:
        return value.args[0]
    if not isinstance(value, gast.GeneratorExp) or not _advanced_somewhere(normalizer, nodes, assign.targets[0].id):
        return None
    loop = value.generators[0]
    if len(value.generators) > 1 or loop.is_async or any(
            isinstance(n, _SCOPES) for part in (value.elt, *loop.ifs) for n in gast.walk(part)):
        raise _held_generator_error(normalizer, assign)
    return loop.iter


def _held_generator_error(normalizer, assign, changed=None):
    """The refusal of ``g = (...)`` that ``next(g)`` reads; ``changed``: how the function
    changes what it iterates over, in words (from generator_loops.py)."""
    why = f" (here {changed.replace('the loop body', 'the function', 1)})" if changed else ""
    return normalizer.source.error(
        "astgrad cannot differentiate next() of this generator expression: it follows next(g) of "
        "g = (f(v) for v in items if c(v)) with one for (no comprehension, lambda or := in f(v) or c(v)), "
        f"bound once and read by nothing but next(g), where the function does not change items{why}. "
        "Build the list of the items (ys = [f(v) for v in items if ...]) and read ys[0], ys[1]",
        assign, construct="next() of a held generator")


_SCOPES = (gast.Lambda, gast.ListComp, gast.SetComp, gast.DictComp, gast.GeneratorExp, gast.NamedExpr)


def _advanced_somewhere(normalizer, nodes, name):
    """Whether some ``next(name)`` reads ``name``."""
    return any(_is_call_of(normalizer, node, builtins.next) and node.args and isinstance(node.args[0], gast.Name)
               and node.args[0].id == name for node in nodes)


def _advanced_names(normalizer, nodes):
    """The names ``next`` reads (``next(g)``), whose generators are rewritten here."""
    return {node.args[0].id for node in nodes if _is_call_of(normalizer, node, builtins.next) and node.args
            and isinstance(node.args[0], gast.Name)}


def _may_iterate(normalizer, nodes, now):
    """Whether ``rewrite_iteration`` may change anything beyond its refusal of loops
    over generator expressions: the tree (``now``: its nodes) calls a generator helper
    (each of its generator rewrites starts from such a call), or ``nodes`` (those it
    reads the other forms from) name ``iter``, or bind a generator expression or an
    iterator's call to a name (``_iteration_forms``, ``holds_iterators``)."""
    calls_iter, holds_generator = _iteration_forms(nodes)
    if calls_iter or holds_generator or holds_iterators(nodes):
        return True
    call, look = gast.Call, lambda node: _looked_up(normalizer, node)
    return any(generator_helper(node, look) is not None for node in now if type(node) is call)


def _looked_up(normalizer, call):
    """What ``call``'s function is, as ``resolve_call`` says, without noting it as a
    dependency: a look before the rewrite, whose own lookups note what it relies on."""
    path = S.dotted_path(call.func)
    if path is None or path[0] in normalizer.locals:
        return None
    found = normalizer.source.resolve_path(path, depend=False)
    return None if found is MISSING else found


def _iteration_forms(nodes):
    """Whether ``nodes`` name ``iter``, and whether they bind a generator expression to a
    name (``g = (... for v in e)``), in one pass."""
    calls_iter = holds_generator = False
    for node in nodes:
        if type(node) is gast.Name:
            if node.id == "iter":
                calls_iter = True
        elif type(node) is gast.Assign and type(node.value) is gast.GeneratorExp:
            holds_generator = True
    return calls_iter, holds_generator


# builtins that iterate over their arguments once, from the start (iter(e) of them is e)
_ITERATING = (builtins.sum, builtins.list, builtins.tuple, builtins.sorted, builtins.min, builtins.max,
              builtins.enumerate, builtins.zip, builtins.set, builtins.any, builtins.all)


def _iterated_at_once(normalizer, nodes):
    """``iter(e)`` iterated where it is made (``for v in iter(e)``, a comprehension over it,
    ``sum(iter(e))``, ``list(iter(e))``, ``zip(iter(a), b)``) is ``e``: each of those calls
    ``iter`` on what it is given, and ``iter`` of an iterator is that iterator."""
    for node in nodes:
        if isinstance(node, (gast.For, gast.comprehension)) and _plain_iter(normalizer, node.iter):
            node.iter = node.iter.args[0]
        elif isinstance(node, gast.Call) and normalizer.resolve_call(node) in _ITERATING:
            node.args = [a.args[0] if _plain_iter(normalizer, a) else a for a in node.args]


def _plain_iter(normalizer, node):
    return _is_call_of(normalizer, node, builtins.iter) and len(node.args) == 1 and not node.keywords \
        and not isinstance(node.args[0], gast.Starred)


def _is_call_of(normalizer, node, fn):
    return isinstance(node, gast.Call) and normalizer.resolve_call(node) is fn


def _only_advanced(normalizer, nodes, name):
    """Whether every read of ``name`` is the iterator of a ``next`` call (none inside a
    function the code defines)."""
    advanced = {id(node.args[0]) for node in nodes if _is_call_of(normalizer, node, builtins.next)
                and 1 <= len(node.args) <= 2 and not node.keywords}
    reads = [n for n in nodes if isinstance(n, gast.Name) and n.id == name and isinstance(n.ctx, gast.Load)]
    inner = [n for n in S.walk_nodes(gast.Module(body=[n for n in nodes if isinstance(
        n, (gast.FunctionDef, gast.Lambda))], type_ignores=[])) if isinstance(n, gast.Name) and n.id == name]
    return bool(reads) and not inner and all(id(n) in advanced for n in reads)


def _bound_once(nodes, name):
    """Whether ``name`` is stored once among ``nodes``."""
    return sum(isinstance(n, gast.Name) and n.id == name and not isinstance(n.ctx, gast.Load) for n in nodes) == 1


def _unchanged(normalizer, nodes, iterated):
    """Whether what ``iterated`` refers to stays as it is: a value of its own, or a
    local name read and nothing else (it may be an argument: still only read)."""
    if not isinstance(iterated, gast.Name):
        return not isinstance(iterated, (gast.Attribute, gast.Subscript))
    name = iterated.id
    if normalizer.bound_count[name] > 1:
        return False
    for node in nodes:
        if isinstance(node, gast.Call) and any(isinstance(a, gast.Name) and a.id == name
                                               for a in node.args + [kw.value for kw in node.keywords]) \
                and not (_is_call_of(normalizer, node, builtins.iter) or _is_call_of(normalizer, node, builtins.len)):
            return False
        if isinstance(node, (gast.Attribute, gast.Subscript)) and isinstance(node.value, gast.Name) \
                and node.value.id == name and (isinstance(node, gast.Attribute) or not isinstance(node.ctx, gast.Load)):
            return False
        if isinstance(node, (gast.AugAssign, gast.Delete)) and name in S.names_in(node):
            return False
    return True


class ExplicitIteratorLowering:
    """Normalizer methods for ``next(it)`` of an iterator made a list (see above)."""

    def rewrite_iteration(self, tree, nodes, current=True):
        """Before lowering: find the explicit iterators, and make the generator helpers
        consumed whole calls of their list twins (frontend/generators.py); whether the
        tree changed. ``current``: whether ``nodes`` are still ``tree``'s (a rewrite
        since they were walked may have changed it)."""
        now = nodes if current else list(S.walk_nodes(tree))
        if not _may_iterate(self, nodes, now):
            if any(type(node) is gast.For for node in now):
                refuse_loops_changing_generators(self, tree)
            return bool(self.explicit_iterators)
        bind = lambda twin: self.bind_value(twin, "function")      # noqa: E731
        scope = list(own_nodes(tree))   # walked again only after a rewrite changed the tree
        if self.source.globals.get("iter", builtins.iter) is builtins.iter and advanced_generators(
                tree, scope, self.resolve_call, bind, self.source, lambda name: _bound_once(scope, name)
                and _only_advanced(self, scope, name)):
            nodes = scope = list(own_nodes(tree))
        calls_iter, holds_generator = _iteration_forms(nodes)
        moved = holds_iterators(nodes) and move_held_generators(self, tree, _advanced_names(self, nodes))
        refuse_loops_changing_generators(self, tree)
        if calls_iter:
            _iterated_at_once(self, nodes)
        if calls_iter or holds_generator:
            self.explicit_iterators = explicit_iterators(self, tree)
            scope = list(own_nodes(tree))
        consumed = rewrite_consumed_generators(scope, self.resolve_call, bind)
        if consumed:
            scope = list(own_nodes(tree))
        iterated = rewrite_iterated_generators(tree, scope, self.resolve_call, bind,
                                               self.refuse_generator, self.source)
        return bool(self.explicit_iterators) | consumed | iterated | moved

    def inlined_iteration(self, fn):
        """The explicit iterators of a local function being inlined (its locals renamed
        apart): its ``g = (f(v) for v in e)`` and ``it = iter(e)`` advanced by ``next``,
        found in its body as in the differentiated function's."""
        nodes = list(own_nodes(fn))
        calls_iter, holds_generator = _iteration_forms(nodes)
        if holds_iterators(nodes):
            move_held_generators(self, fn, _advanced_names(self, nodes))
        refuse_loops_changing_generators(self, fn)
        if calls_iter:
            _iterated_at_once(self, nodes)
        if calls_iter or holds_generator:
            self.explicit_iterators = {**self.explicit_iterators, **explicit_iterators(self, fn)}

    def refuse_generator(self, reason, node):
        """The error for a generator helper taken item by item that cannot be followed."""
        return self.source.error(
            f"astgrad cannot differentiate {reason}; build the list first where that is what you mean "
            "(items = list(gen(...)), then loop over items), or make the helper build and return a list",
            node, construct="generator")

    def next_call(self, node):
        """``next(it)``: StopIteration raised past the list's end, else the item at the
        position, which moves on; ``next(it, default)``: the default past the end
        (evaluated first, as an argument); ``next((f(v) for v in e if c(v)), default)``:
        the first match (first_match.py). None for any other call."""
        if isinstance(node, gast.Call) and node.args and isinstance(node.args[0], gast.GeneratorExp) \
                and 1 <= len(node.args) <= 2 and not node.keywords and self.resolve_call(node) is builtins.next:
            from .first_match import first_match       # (loaded with the first such call)
            return first_match(self, node.args[0], node.args[1] if len(node.args) == 2 else None)
        if not (self.explicit_iterators and isinstance(node, gast.Call) and node.args and isinstance(node.args[0], gast.Name)
                and node.args[0].id in self.explicit_iterators and self.resolve_call(node) is builtins.next):
            return None
        it = node.args[0].id
        pos = self.explicit_iterators[it]
        default = self.atom(node.args[1], hint="default") if len(node.args) == 2 else None
        item = self.namer.fresh("item")
        self.locals.add(item)
        if it in self.iterator_items and self.iterator_items[it][2]:
            block = self._search_block(it, pos, item, default)
        else:
            block = self._next_item(it, pos, item, default)
        from .first_match import lower_at_line
        lower_at_line(self, block, "next() of a generator expression with a condition")
        return S.name(item)

    def _next_item(self, it, pos, item, default):
        """The statements of ``item = next(it[, default])`` where every item counts."""
        if it in self.iterator_items:
            take = self._generator_item(it, pos, item)
        else:
            take = S.parse_stmts(f"{item} = {it}[{pos}]\n{pos} = {pos} + 1")
        if default is None:
            return S.parse_stmts(f"if {pos} >= len({it}):\n    raise StopIteration") + take
        return [gast.If(test=S.parse_expr(f"{pos} < len({it})"), body=take,
                        orelse=[S.assign(item, default, line=self.line)])]

    def _generator_item(self, it, pos, item):
        """``v_1 = g[g_pos]; g_pos = g_pos + 1; item = f(v_1)``: the next item of the
        generator expression ``g = (f(v) for v in e)``, its variable renamed (its own)."""
        target, elt, _ = self._renamed_parts(it, 1)
        read = S.assign(target, S.parse_expr(f"{it}[{pos}]"))
        moved = S.parse_stmts(f"{pos} = {pos} + 1")[0]
        if not self._may_be_caught():
            return [read, moved, S.assign(item, elt)]
        if it in self.counted_raises:
            return self._counted_item(it, read, moved, S.assign(item, elt))
        # where an except may catch what computing the item raises, Python's generator is
        # finished after it: the position stays past the end until the item is made
        after = self.namer.fresh(f"{pos}_next")
        self.locals.add(after)
        return [read, *S.parse_stmts(f"{after} = {pos} + 1\n{pos} = len({it})"), S.assign(item, elt),
                S.parse_stmts(f"{pos} = {after}")[0]]

    def _counted_item(self, it, read, moved, take):
        """The statements of ``next(it)`` of an iterator class where an except may catch
        what its ``__next__`` raises: the position moved where Python's counter is when it
        raises, its next call computing that item again or the one after it."""
        computed, cls = self.counted_raises[it]
        if computed == "both":
            raise self._refuse(f"next() of a {cls}, whose __next__ computes what may raise both before and after "
                               "it moves its counter, where an except may catch it", None,
                               "compute the item before moving the counter, or take the items into a list "
                               "first (items = list(v))")
        return [read, moved, take] if computed == "after" else [read, take, moved]

    def _search_block(self, it, pos, item, default):
        """The statements of ``item = next(g[, default])`` of a generator expression with
        conditions: in a try body, where the search loop would stop part-way, the call of
        the function made for it (try_comprehensions.py) where there is one, the position
        past the end until it returns (the generator finished, should the search raise)."""
        from .try_comprehensions import made_search     # (loaded with the first such search)
        generator = self.iterator_items[it][3]
        search = generator and self.protected_depth and made_search(self, generator, default is not None)
        if not search:
            return self._generator_search(it, pos, item, default)
        function, read = search
        start = self.namer.fresh(f"{pos}_from")
        self.locals.add(start)
        self.bound_count[start] += 1
        args = [S.name(it), S.name(start), *[S.name(name) for name in read]] + ([default] if default is not None else [])
        found = gast.Tuple(elts=[S.name(item, store=True), S.name(pos, store=True)], ctx=gast.Store())
        return S.parse_stmts(f"{start} = {pos}\n{pos} = len({it})") + [
            gast.Assign(targets=[found], value=S.call(S.name(self.bind_value(function, "search")), args),
                        type_comment=None)]

    def _generator_search(self, it, pos, item, default):
        """``next(g[, default])`` of ``g = (f(v) for v in e if c(v))``: the items from the
        position on, until the first whose conditions hold, computed as Python computes
        them (the conditions of each, in order; ``f(v)`` of that one alone); the position
        moves past it, or past the end where none holds (then StopIteration, or the default)::

            found = False
            for g_pos_at in range(g_pos, len(g)):
                v_1 = g[g_pos_at]
                g_pos = g_pos_at + 1
                if c(v_1):
                    item = f(v_1)
                    found = True
                    break
            if not found:
                raise StopIteration
        """
        target, elt, conditions = self._renamed_parts(it, 2)
        at = self.namer.fresh(f"{pos}_at")
        flag = None if default is not None else self.namer.fresh("found")
        made = [at, item] + ([flag] if flag else [])
        self.locals |= set(made)
        self.bound_count.update(dict.fromkeys(made, 2))
        moved = S.parse_stmts(f"{pos} = {at} + 1")[0]
        caught = self._may_be_caught()      # then past the end while a condition or item is computed
        take = [S.assign(item, elt), *([S.copy(moved)] if caught else []),
                *([S.assign(flag, S.const(True))] if flag else []), gast.Break()]
        for condition in reversed(conditions):
            take = [gast.If(test=condition, body=take, orelse=[])]
        read = [S.assign(target, S.parse_expr(f"{it}[{at}]"))]
        body = read + (S.parse_stmts(f"{pos} = len({it})") + take + [moved] if caught else [moved] + take)
        search = gast.For(target=S.name(at, store=True), iter=S.parse_expr(f"range({pos}, len({it}))"),
                          body=body, orelse=[], type_comment=None)
        before = S.assign(flag, S.const(False)) if flag else S.assign(item, default, line=self.line)
        after = S.parse_stmts(f"if not {flag}:\n    raise StopIteration") if flag else []
        return [before, search, *after]

    def _renamed_parts(self, it, bound):
        """Copies of ``v``, ``f(v)`` and the conditions of the generator expression held in
        ``it``, its variables renamed apart (each bound ``bound`` times)."""
        target, elt, conditions, _ = self.iterator_items[it]
        target, elt, conditions = S.copy(target), S.copy(elt), [S.copy(c) for c in conditions]
        rename = {name: self.namer.fresh(name) for name in sorted(S.stored_names(target))}
        self.locals |= set(rename.values())
        self.bound_count.update(dict.fromkeys(rename.values(), bound))
        for part in (target, elt, *conditions):
            for node in S.walk_nodes(part):
                if isinstance(node, gast.Name) and node.id in rename:
                    node.id = rename[node.id]
        return target, elt, conditions

    def _may_be_caught(self):
        """Whether an except of the function may catch what computing an item raises."""
        return any(isinstance(node, gast.Try) and node.handlers for node in S.walk_nodes(self.source.tree))
