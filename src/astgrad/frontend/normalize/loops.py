"""Loops: ``while``, ``for`` over ranges, ``zip``, ``enumerate`` and any iterable, and
comprehensions (which become ``for`` loops appending to a list).

A core ``for`` iterates ``range(...)`` or ``enumerate(name)``. Python binds the loop
target afresh each step and iterates what the iterable was when the loop started, so
when the body rebinds the target or the sequence, the loop runs over names of its
own and copies into the user's names (``loop_name``, ``loop_seq``). Loop bodies leave
here with their jumps restructured (jumps.py).
"""

import builtins

import gast

from ... import runtime
from ...core import anno
from ...core import syntax as S
from ...core.anno import Key
from .hooked_reads import TRUTH, refuse_writing_call, refuse_writing_hook
from .unknown_class_hooks import check_hooks_when_run
from .truth_checks import check_truth_when_run
from .expressions import walrus_targets
from .jumps import append_rest, flag_breaks, has_break, restructure


class LoopLowering:
    """Normalizer methods for ``while``, ``for`` and comprehensions."""

    def stmt_While(self, stmt):
        refuse_writing_hook(self, stmt.test, TRUTH, stmt, "a truth test")      # hooked_reads.py
        broke = self.break_flag(stmt)
        test_stmts, test = self.compute(stmt.test, "cond")
        self.out.extend(test_stmts)
        if not isinstance(test, gast.Name) or not test_stmts or test.id in S.stored_names(stmt.test):
            # while True / while xs / while (x := f()): a name of its own, which the end
            # of the body assigns again (never ``xs = xs``)
            test = S.name(self.fresh_assign(test, "cond"))
        check_truth_when_run(self, stmt.test, test, stmt, "a truth test")       # of a class not known: truth_checks.py
        self.loop_depth += 1
        body = restructure(self.block(stmt.body))
        self.loop_depth -= 1
        saved, self.out = self.out, []
        self.walrus_pending = walrus_targets(stmt)      # the test again, with its := to lower again
        self.emit(S.assign(test.id, self.expr(stmt.test, hint="cond")))
        check_truth_when_run(self, stmt.test, test, stmt, "a truth test")
        again, self.out = self.out, saved
        body = append_rest(body, again)
        self.emit(gast.While(test=test, body=self.flagged(body, broke), orelse=[]))
        self.loop_else(stmt, broke)

    def stmt_For(self, stmt):
        stmt = self.iterated_loop(stmt)         # for c in v, v iterating itself: object_iteration.py
        self.refuse_object_iteration(stmt)      # what it does not follow: protocol_methods.py
        if self.unroll_function_loop(stmt) or self.unroll_object_loop(stmt):     # inlining.py, objects.py
            return
        broke = self.break_flag(stmt)
        iterator = stmt.iter
        callee = self.resolve_call(iterator)
        target = stmt.target
        prefix = []
        # Python binds the target afresh from the iterator each step and iterates what the
        # iterable was when the loop started, whatever the body assigns: the loop's own
        # target and sequence must be names the body never rebinds (see loop_name, loop_seq)
        changed = S.stored_names(gast.Module(body=stmt.body, type_ignores=[]))
        changed_by_loop = changed | S.stored_names(target)
        loop_target, loop_iter = self.loop_header(iterator, callee, target, changed, changed_by_loop, prefix)
        self.loop_depth += 1
        saved, self.out = self.out, []
        for elt, value in prefix:
            self.assign(elt, value)
        head, self.out = self.out, saved
        body = restructure(head + self.block(stmt.body))
        self.loop_depth -= 1
        if isinstance(loop_target, gast.Name) and has_break(body):
            # the reverse sweep must know how many iterations ran: count them
            steps = self.fresh_assign(loop_iter, "steps")
            index = self.namer.fresh("k")
            loop_target = gast.Tuple(elts=[S.name(index, store=True), loop_target], ctx=gast.Store())
            loop_iter = self.builtin_call("enumerate", [S.name(steps)])
        loop = gast.For(target=loop_target, iter=loop_iter, body=self.flagged(body, broke) or [gast.Pass()],
                        orelse=[], type_comment=None)
        self.hoist_changing_range(loop)
        self.emit(loop)
        self.loop_else(stmt, broke)

    # -- the else clause of a loop -------------------------------------------------------

    def break_flag(self, stmt):
        """For a loop with an ``else`` clause, a fresh name set to False before the
        loop and True by each of its ``break``s; None for a loop without one."""
        if not stmt.orelse:
            return None
        flag = self.namer.fresh("broke")
        self.locals.add(flag)
        self.emit(S.assign(flag, S.const(False)))
        return flag

    def flagged(self, body, broke):
        return body if broke is None else flag_breaks(body, broke)

    def loop_else(self, stmt, broke):
        """``for/while ... else``: the else clause runs when the loop ends without a
        break (an early return inside the loop is a break by then, see jumps.py)."""
        if broke is None:
            return
        orelse = self.block(stmt.orelse)
        self.line = getattr(stmt, "lineno", self.line)
        self.emit_if(S.name(broke), [], orelse)

    def loop_header(self, iterator, callee, target, changed, changed_by_loop, prefix):
        """The core loop's target and iterable for ``for target in iterator`` (``callee``
        is what the iterator's call refers to); the assignments that bind the user's
        targets at the top of each step are appended to ``prefix``."""
        refuse_writing_call(self, iterator, callee)         # range(v) running V.__index__: hooked_reads.py
        if callee is builtins.reversed and iterator.args:
            refuse_writing_call(self, iterator.args[0])
        reversed_range = (callee is builtins.reversed and len(iterator.args) == 1 and not iterator.keywords
                          and self.resolve_call(iterator.args[0]) is builtins.range
                          and not iterator.args[0].keywords)
        if reversed_range and isinstance(target, gast.Name):
            # for i in reversed(range(n)): a range backwards is a range, so the loop keeps
            # the simple form (no index, no saved items)
            forwards = self.fresh_assign(self.builtin_call("range", [self.atom(a) for a in iterator.args[0].args]),
                                         "steps")
            backwards = gast.Subscript(value=S.name(forwards), slice=gast.Slice(lower=None, upper=None,
                                                                               step=S.const(-1)),
                                       ctx=gast.Load())
            loop_target = S.name(self.loop_name(target, changed, prefix), store=True)
            return loop_target, S.name(self.fresh_assign(backwards, "steps"))
        if callee is builtins.range and isinstance(target, gast.Name) and not iterator.keywords:
            args = [self.atom(a) for a in iterator.args]
            loop_target = S.name(self.loop_name(target, changed, prefix), store=True)
            loop_iter = S.call(S.copy(iterator.func), args)
            anno.set(loop_iter, Key.TARGET, builtins.range)
            return loop_target, loop_iter
        if callee is builtins.zip and not iterator.keywords and isinstance(target, (gast.Tuple, gast.List)) \
                and len(target.elts) == len(iterator.args) \
                and not all(self.endless_repeat(a) for a in iterator.args):
            return self.zip_header(iterator, target, changed_by_loop, prefix)
        view = self.dict_view(iterator)
        if view is not None:
            return self.dict_view_header(view, iterator, target, changed, changed_by_loop, prefix)
        return self.items_header(iterator, callee, target, changed, changed_by_loop, prefix)

    def zip_header(self, iterator, target, changed_by_loop, prefix):
        """``for a, b in zip(xs, ys)``: ``for k in range(min(len(xs), len(ys)))``, with
        ``a = xs[k]; b = ys[k]`` first in the body."""
        repeated = {i: self.kept_atom(a.args[0]) for i, a in enumerate(iterator.args) if self.endless_repeat(a)}
        seqs = [repeated.get(i) or self.loop_seq(self.iterated_atom(a), changed_by_loop)
                for i, a in enumerate(iterator.args)]
        lengths = [self.fresh_assign(self.zip_length(seq, arg, i + 1), "n")
                   for i, (seq, arg) in enumerate(zip(seqs, iterator.args)) if i not in repeated]
        count = S.name(lengths[0]) if len(lengths) == 1 else S.name(
            self.fresh_assign(self.builtin_call("min", [S.name(n) for n in lengths]), "n"))
        index = self.namer.fresh("k")
        loop_target = S.name(index, store=True)
        loop_iter = self.builtin_call("range", [count])
        prefix.extend((elt, S.copy(seq) if i in repeated else
                       gast.Subscript(value=S.copy(seq), slice=S.name(index), ctx=gast.Load()))
                      for i, (elt, seq) in enumerate(zip(target.elts, seqs)))
        return loop_target, loop_iter

    def iterated_atom(self, iterated):
        """The atom of ``iterated``, a loop's iterable, checked first where its class's
        ``__iter__`` is not known here (unknown_class_hooks.py)."""
        seq = self.atom(iterated, hint="seq")
        check_hooks_when_run(self, iterated, seq, "iteration", iterated)
        return seq

    def zip_length(self, seq, arg, position):
        """``len(seq)`` for a display or a range, whose items the loop reads by position as
        iterating gives them; otherwise ``zip_length`` (runtime.py), which refuses, naming
        the line, what is not read so (a dict gives its keys, an iterator no ``seq[k]``)."""
        if isinstance(arg, (gast.List, gast.Tuple, gast.ListComp)) or \
                (isinstance(arg, gast.Call) and self.resolve_call(arg) is builtins.range):
            return self.builtin_call("len", [seq])
        return self.runtime_call(runtime.zip_length, [seq, S.const(position), S.const(self.where())])

    def items_header(self, iterator, callee, target, changed, changed_by_loop, prefix):
        """``for k, item in enumerate(seq)`` over a name holding the sequence, for
        ``enumerate(...)`` and any other iterable; targets that are not plain names
        (or that the body rebinds) are bound from ``k`` and ``item`` in the body."""
        if callee is builtins.enumerate and len(iterator.args) == 1 and not iterator.keywords \
                and isinstance(target, (gast.Tuple, gast.List)) and len(target.elts) == 2:
            iterated = iterator.args[0]
            index_target, item_target = target.elts
        else:
            iterated = iterator
            index_target, item_target = None, target
        seq = self.atom(iterated, hint="seq")
        check_hooks_when_run(self, iterated, seq, "iteration", iterator)     # its __iter__: unknown_class_hooks.py
        if not isinstance(seq, gast.Name):
            seq = S.name(self.fresh_assign(seq, "seq"))
        seq = self.loop_seq(seq, changed_by_loop)
        if isinstance(index_target, gast.Name) and index_target.id not in changed:
            index = index_target.id
        else:
            index = self.namer.fresh("k")
            if index_target is not None:
                prefix.append((index_target, S.name(index)))
        if isinstance(item_target, gast.Name):
            item = self.loop_name(item_target, changed, prefix)
        else:
            item = self.namer.fresh("item")
            prefix.append((item_target, S.name(item)))
        loop_target = gast.Tuple(elts=[S.name(index, store=True), S.name(item, store=True)],
                                 ctx=gast.Store())
        loop_iter = self.builtin_call("enumerate", [seq])
        return loop_target, loop_iter

    def loop_name(self, target, changed, prefix):
        """The name a loop binds for the user's ``target`` name: the target itself, or,
        when the body rebinds it (``for i in ...: i = i * 2``), a fresh name that the
        body copies into the target first, so each step's value survives the body."""
        if target.id not in changed:
            return target.id
        fresh = self.namer.fresh(target.id)
        self.locals.add(fresh)
        prefix.append((target, S.name(fresh)))
        return fresh

    def loop_seq(self, seq, changed_by_loop):
        """The sequence a loop reads its items from: a copy of the name when the loop
        rebinds it (``for x in x``, ``for x in xs: xs = ...``), since Python iterates
        the value the sequence had when the loop started."""
        if isinstance(seq, gast.Name) and seq.id in changed_by_loop:
            return S.name(self.fresh_assign(S.name(seq.id), "seq"))
        return seq

    def hoist_changing_range(self, loop):
        """``for i in range(n)`` whose body (or target) changes ``n``: evaluate the range
        once first."""
        if not (isinstance(loop.target, gast.Name) and isinstance(loop.iter, gast.Call)):
            return
        changed = S.stored_names(gast.Module(body=loop.body, type_ignores=[])) | {loop.target.id}
        if S.loaded_names(loop.iter) & changed:
            hoisted = self.fresh_assign(loop.iter, "steps")
            loop.iter = S.name(hoisted)

    def expr_ListComp(self, node, result=None):
        """``[e for x in xs if c]`` becomes a loop that appends to a fresh list (or to
        ``result``, the name it is assigned to)."""
        def append(elt, result):
            method = gast.Attribute(value=S.name(result), attr="append", ctx=gast.Load())
            call = gast.Call(func=method, args=[elt], keywords=[])
            anno.set(call, Key.OWN_LIST, True)      # read by object_iteration.py
            return [gast.Expr(value=call)]
        return self.comprehension(node, gast.List(elts=[], ctx=gast.Load()),
                                  lambda node, result: append(node.elt, result), result)

    def comprehension(self, node, empty, store, result=None):
        """A comprehension as ``result = empty`` and nested loops (and ``if``s) whose
        innermost body is ``store(node, result)``, with ``node``'s targets renamed
        apart (a comprehension has a scope of its own)."""
        # a := inside binds in the enclosing function (Python's rule): the loops below keep
        # its target's name, renaming only the comprehension's own targets
        result = result or self.namer.fresh("items")
        self.locals.add(result)
        self.emit(S.assign(result, empty))
        rename = {}
        for generator in node.generators:
            if generator.is_async:
                raise self._refuse("an async comprehension", node)
            for target_name in S.stored_names(generator.target):
                rename[target_name] = self.namer.fresh(target_name)
        node = _Renamer(rename).visit(S.copy(node))
        self.locals |= set(rename.values())
        self.bound_count.update(dict.fromkeys(rename.values(), 1))     # by its loop alone
        body = store(node, result)
        for generator in reversed(node.generators):
            if generator.ifs:
                test = generator.ifs[0] if len(generator.ifs) == 1 else \
                    gast.BoolOp(op=gast.And(), values=list(generator.ifs))
                body = [gast.If(test=test, body=body, orelse=[])]
            body = [gast.For(target=generator.target, iter=generator.iter, body=body,
                             orelse=[], type_comment=None)]
        for stmt in S.walk_nodes(body[0]):
            if isinstance(stmt, gast.stmt):
                stmt.lineno = self.line
        self.statement(body[0])
        return S.name(result)

    def expr_GeneratorExp(self, node):
        return self.expr_ListComp(gast.ListComp(elt=node.elt, generators=node.generators))


class _Renamer(gast.NodeTransformer):
    def __init__(self, mapping):
        self.mapping = mapping

    def visit_Name(self, node):
        if node.id in self.mapping:
            node.id = self.mapping[node.id]
        return node
