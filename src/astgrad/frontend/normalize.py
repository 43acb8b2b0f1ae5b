"""Normalize stage: rewrite a function into astgrad's small core language.

In the core form every statement does one thing to atoms (names or constants):

    x = atom | a OP b | OP a | a CMP b | f(atoms...) | v.attr | v[index]
        | (atoms...) | [atoms...] | {atom: atom}
    v[index] = atom              v.method(atoms...)   (a call for its effect)
    if name: ...                 while name: ...      for i in range(atoms): ...
    for k, item in enumerate(name): ...               return atom

Nested expressions become temporaries; ``and``/``or``, chained comparisons and
``a if c else b`` become ``if`` statements (keeping Python's short-circuit order);
augmented assignment, tuple unpacking, comprehensions and loops over arbitrary
iterables become the forms above; ``break``/``continue`` become branches. Later stages
only ever see the core form. Each emitted statement keeps the line number of the
user statement it came from. Anything outside the supported language raises a
TransformError naming file, line and construct.
"""

import builtins

import gast

from .. import runtime
from ..core import anno
from ..core import syntax as S
from ..core.anno import Key
from .patterns import MatchLowering
from .complex_values import refuse_complex
from ..core.missing import MISSING
from ..core.wrt import normalize_wrt
from ..errors import RecursiveCall

_BIN_OPS = (gast.Add, gast.Sub, gast.Mult, gast.Div, gast.Pow, gast.MatMult,
            gast.FloorDiv, gast.Mod, gast.BitAnd, gast.BitOr, gast.BitXor,
            gast.LShift, gast.RShift)

_REFUSED = {
    gast.AsyncFunctionDef: "async def",
    gast.FunctionDef: "a nested function definition",
    gast.ClassDef: "a class definition",
    gast.Try: "try/except",
    gast.With: "a with statement",
    gast.AsyncWith: "async with",
    gast.AsyncFor: "async for",
    gast.Global: "a global statement",
    gast.Nonlocal: "a nonlocal statement",
    gast.Delete: "del",
    gast.Import: "import inside the function",
    gast.ImportFrom: "import inside the function",
}

_REFUSED_EXPR = {
    gast.Yield: "yield (a generator)",
    gast.YieldFrom: "yield from (a generator)",
    gast.Await: "await",
    gast.NamedExpr: "an assignment expression (:=)",
    gast.SetComp: "a set comprehension",
    gast.DictComp: "a dict comprehension",
}

_ADVICE = {
    "try/except": "move the error handling outside the differentiated function",
    "a with statement": "move the context manager outside the differentiated function",
    "a global statement": "pass the value in as an argument and return the new value",
    "a nonlocal statement": "pass the value in as an argument and return the new value",
    "a nested function definition": "define the helper at module level; astgrad transforms module-level callees",
    "del": "let the name go out of scope instead",
}


class Normalizer:
    def __init__(self, source, namer, callees):
        self.source = source
        self.namer = namer
        self.callees = callees  # the engine, for nested astgrad.grad/jvp calls (core/callees.py)
        self.out = None
        self.line = getattr(source.tree, "lineno", None)
        self.locals = _local_names(source.tree)
        self.free = {}          # free name -> resolved object, for the generated namespace
        self.bindings = {}      # names this stage introduces (generated derivatives) -> objects
        self.loop_depth = 0

    # -- entry point -------------------------------------------------------------

    def run(self):
        tree = self.source.tree
        if isinstance(tree, gast.AsyncFunctionDef):
            self.line = getattr(tree, "lineno", None)
            raise self._refuse("async def", tree, "make it a plain def")
        self._check_signature(tree)
        for node in gast.walk(tree):
            kind = _REFUSED_EXPR.get(type(node))
            if kind:
                self.line = getattr(node, "lineno", self.line)
                raise self._refuse(kind, node)
        refuse_complex(self.source, tree, self.locals)
        body = MatchLowering(self).block(tree.body)
        if _has_early_return(body):
            body = self.eliminate_returns(body)
        body = self.block(body)
        if not body or not isinstance(body[-1], gast.Return):
            ret = gast.Return(value=S.const(None))
            ret.lineno = self.line
            body.append(ret)
        new = gast.FunctionDef(name=tree.name, args=tree.args, body=body, decorator_list=[],
                               returns=None, type_comment=None, type_params=[])
        new.lineno = getattr(tree, "lineno", 1)
        return new

    def eliminate_returns(self, body):
        """Early returns become ``result = v; returned = True`` (plus ``break`` in loops),
        the statements after them run under ``if not returned``, and one return ends
        the function, so later stages see a single exit."""
        result = self.namer.fresh(self.return_hint())
        flag = self.namer.fresh("returned")
        self.locals |= {result, flag}

        def at(node, stmts):
            for stmt in stmts:
                for sub in gast.walk(stmt):
                    if isinstance(sub, gast.stmt) and getattr(sub, "lineno", None) is None:
                        sub.lineno = getattr(node, "lineno", None)      # keep the user's lines
            return stmts

        def rewrite(block, in_loop):
            out = []
            for position, stmt in enumerate(block):
                if isinstance(stmt, gast.Return):
                    value = stmt.value if stmt.value is not None else S.const(None)
                    out.extend(at(stmt, [S.assign(result, value), S.assign(flag, S.const(True))]
                                  + ([gast.Break()] if in_loop else [])))
                    return out
                if not _contains_return(stmt):
                    out.append(stmt)
                    continue
                if isinstance(stmt, gast.If):
                    stmt.body = rewrite(stmt.body, in_loop) or [gast.Pass()]
                    stmt.orelse = rewrite(stmt.orelse, in_loop)
                else:
                    stmt.body = rewrite(stmt.body, True)
                out.append(stmt)
                if in_loop:
                    out.extend(at(stmt, [gast.If(test=S.name(flag), body=[gast.Break()], orelse=[])]))
                rest = rewrite(block[position + 1:], in_loop)
                if rest:
                    guard = gast.If(test=gast.UnaryOp(op=gast.Not(), operand=S.name(flag)), body=rest, orelse=[])
                    out.extend(at(stmt, [guard]))
                return out
            return out

        first = body[0] if body else None
        start = at(first, [S.assign(result, S.const(None)), S.assign(flag, S.const(False))])
        end = at(body[-1], [gast.Return(value=S.name(result))])
        return start + rewrite(body, False) + end

    def _check_signature(self, tree):
        args = tree.args
        if args.vararg is not None or args.kwarg is not None:
            self.line = getattr(tree, "lineno", None)
            raise self._refuse("*args/**kwargs parameters", tree,
                               "list the parameters explicitly")
        for arg in args.posonlyargs + args.args + args.kwonlyargs:
            arg.annotation = None
        tree.returns = None

    def _refuse(self, kind, node, advice=None):
        advice = advice or _ADVICE.get(kind, "rewrite this part without it")
        err_node = node if getattr(node, "lineno", None) else _Line(self.line)
        return self.source.error(f"astgrad cannot differentiate {kind}; {advice}",
                                 err_node, construct=kind)

    # -- statements --------------------------------------------------------------

    def block(self, stmts):
        saved, self.out = self.out, []
        for stmt in stmts:
            self.line = getattr(stmt, "lineno", self.line)
            self.statement(stmt)
        result, self.out = self.out, saved
        return result

    def emit(self, stmt):
        stmt.lineno = self.line
        self.out.append(stmt)
        return stmt

    def statement(self, stmt):
        kind = _REFUSED.get(type(stmt))
        if kind:
            raise self._refuse(kind, stmt)
        method = getattr(self, "stmt_" + type(stmt).__name__, None)
        if method is None:
            raise self._refuse(f"the statement '{type(stmt).__name__}'", stmt)
        method(stmt)

    def stmt_Expr(self, stmt):
        value = stmt.value
        if isinstance(value, gast.Constant):
            return                                  # docstrings and bare constants
        if isinstance(value, gast.Call):
            call = self.expr(value)
            if not isinstance(call, gast.Call):
                return                              # out= and ufunc.at became assignments
            if _is_restore(call):
                # derivative code undoing a write: a write itself, for the next derivative
                write = S.assign(gast.Subscript(value=call.args[0], slice=call.args[1], ctx=gast.Store()),
                                 call.args[2])
                anno.set(write, Key.RESTORES, True)
                self.emit(write)
                return
            if anno.get(call, Key.METHOD) == "pop":
                # keep the popped value: undoing the pop puts it back
                self.emit(S.assign(self.namer.fresh("popped"), call))
            else:
                self.emit(S.expr_stmt(call))
            return
        self.atom(value)                            # evaluated for its errors only

    def stmt_Pass(self, stmt):
        pass

    def stmt_Assign(self, stmt):
        targets = stmt.targets
        if len(targets) == 1:
            self.assign(targets[0], stmt.value)
            return
        value = self.atom(stmt.value, hint="t")
        for target in targets:
            self.assign(target, value)

    def stmt_AnnAssign(self, stmt):
        if stmt.value is not None:
            self.assign(stmt.target, stmt.value)

    def stmt_AugAssign(self, stmt):
        target = stmt.target
        if isinstance(target, gast.Name):
            load = S.name(target.id)
            self.assign(target, gast.BinOp(left=load, op=stmt.op, right=stmt.value))
            anno.set(self.out[-1], Key.AUGMENTED, True)     # on arrays += changes the object in place
        elif isinstance(target, gast.Subscript):
            base = self.atom(target.value)
            index = self.index(target.slice)
            current = self.fresh_assign(gast.Subscript(value=base, slice=index, ctx=gast.Load()), "t")
            new = self.fresh_assign(gast.BinOp(left=S.name(current), op=stmt.op,
                                               right=self.atom(stmt.value)), "t")
            self.emit(S.assign(gast.Subscript(value=S.copy(base), slice=S.copy(index),
                                              ctx=gast.Store()), S.name(new)))
        else:
            raise self._refuse("augmented assignment to an attribute", stmt)

    def assign(self, target, value):
        """``target = value`` for any target shape, in core form."""
        if isinstance(target, gast.Name) and isinstance(value, (gast.ListComp, gast.GeneratorExp)) \
                and target.id not in S.names_in(value):
            # ys = [e for x in xs]: build the list in ys itself, so no second name holds
            # it (generated code would otherwise use both, and a second pass sees an alias)
            self.expr_ListComp(gast.ListComp(elt=value.elt, generators=value.generators), result=target.id)
        elif isinstance(target, gast.Name):
            self.emit(S.assign(target.id, self.expr(value, hint=target.id)))
        elif isinstance(target, (gast.Tuple, gast.List)):
            self.unpack(target, value)
        elif isinstance(target, gast.Subscript):
            base = self.atom(target.value)
            if not isinstance(base, gast.Name):
                raise self._refuse("assignment into a constant", target)
            index = self.index(target.slice)
            rhs = self.atom(value)
            self.emit(S.assign(gast.Subscript(value=base, slice=index, ctx=gast.Store()), rhs))
        elif isinstance(target, gast.Starred):
            raise self._refuse("starred assignment (a, *b = ...)", target)
        else:
            raise self._refuse("assignment to an attribute", target,
                               "assign to a local name or an array element instead")

    def unpack(self, target, value):
        elts = target.elts
        if any(isinstance(e, gast.Starred) for e in elts):
            raise self._refuse("starred assignment (a, *b = ...)", target)
        if isinstance(value, (gast.Tuple, gast.List)) and len(value.elts) == len(elts) \
                and not any(isinstance(e, gast.Starred) for e in value.elts):
            # a, b = b, a: evaluate every right-hand value before assigning any
            parts = [self.atom(v) for v in value.elts]
            parts = [S.name(self.fresh_assign(p, "t")) if isinstance(p, gast.Name)
                     and p.id in S.stored_names(target) else p for p in parts]
            for elt, part in zip(elts, parts):
                self.assign(elt, part)
            return
        packed = self.atom(value, hint="t")
        if not isinstance(packed, gast.Name):
            raise self._refuse("unpacking a constant", target)
        for position, elt in enumerate(elts):
            item = gast.Subscript(value=S.name(packed.id), slice=S.const(position), ctx=gast.Load())
            self.assign(elt, item)

    def stmt_Return(self, stmt):
        value = S.const(None) if stmt.value is None else self.atom(stmt.value, hint=self.return_hint())
        self.emit(gast.Return(value=value))

    def return_hint(self):
        return "result" if self.source.tree.name in ("lambda_",) else self.source.tree.name

    def stmt_If(self, stmt):
        test = self.atom(stmt.test, hint="cond")
        body = self.block(stmt.body)
        orelse = self.block(stmt.orelse)
        self.emit(gast.If(test=test, body=body or [gast.Pass()], orelse=orelse))

    def stmt_Raise(self, stmt):
        self.emit(stmt)

    def stmt_Assert(self, stmt):
        self.emit(stmt)

    def stmt_Break(self, stmt):
        self.emit(gast.Break())

    def stmt_Continue(self, stmt):
        self.emit(gast.Continue())

    def stmt_While(self, stmt):
        if stmt.orelse:
            raise self._refuse("while ... else", stmt, "move the else part after the loop")
        test_stmts, test = self.compute(stmt.test, "cond")
        self.out.extend(test_stmts)
        if isinstance(test, gast.Constant) or not test_stmts:
            # while True / while xs: a name of its own, which the end of the body
            # assigns again (never ``xs = xs``)
            test = S.name(self.fresh_assign(test, "cond"))
        self.loop_depth += 1
        body = restructure(self.block(stmt.body))
        self.loop_depth -= 1
        saved, self.out = self.out, []
        self.emit(S.assign(test.id, self.expr(stmt.test, hint="cond")))
        again, self.out = self.out, saved
        body = append_rest(body, again)
        self.emit(gast.While(test=test, body=body, orelse=[]))

    def stmt_For(self, stmt):
        if stmt.orelse:
            raise self._refuse("for ... else", stmt, "move the else part after the loop")
        iterator = stmt.iter
        callee = self.resolve_call(iterator)
        target = stmt.target
        prefix = []
        # Python binds the target afresh from the iterator each step and iterates what the
        # iterable was when the loop started, whatever the body assigns: the loop's own
        # target and sequence must be names the body never rebinds (see loop_name, loop_seq)
        changed = S.stored_names(gast.Module(body=stmt.body, type_ignores=[]))
        changed_by_loop = changed | S.stored_names(target)
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
            loop_iter = S.name(self.fresh_assign(backwards, "steps"))
        elif callee is builtins.range and isinstance(target, gast.Name) and not iterator.keywords:
            args = [self.atom(a) for a in iterator.args]
            loop_target = S.name(self.loop_name(target, changed, prefix), store=True)
            loop_iter = S.call(S.copy(iterator.func), args)
            anno.set(loop_iter, Key.TARGET, builtins.range)
        elif callee is builtins.zip and not iterator.keywords and isinstance(target, (gast.Tuple, gast.List)) \
                and len(target.elts) == len(iterator.args):
            seqs = [self.loop_seq(self.atom(a, hint="seq"), changed_by_loop) for a in iterator.args]
            lengths = [self.fresh_assign(self.builtin_call("len", [s]), "n") for s in seqs]
            count = S.name(lengths[0]) if len(lengths) == 1 else S.name(
                self.fresh_assign(self.builtin_call("min", [S.name(n) for n in lengths]), "n"))
            index = self.namer.fresh("k")
            loop_target = S.name(index, store=True)
            loop_iter = self.builtin_call("range", [count])
            prefix = [(elt, gast.Subscript(value=S.copy(seq), slice=S.name(index), ctx=gast.Load()))
                      for elt, seq in zip(target.elts, seqs)]
        else:
            if callee is builtins.enumerate and len(iterator.args) == 1 and not iterator.keywords \
                    and isinstance(target, (gast.Tuple, gast.List)) and len(target.elts) == 2:
                seq = self.atom(iterator.args[0], hint="seq")
                index_target, item_target = target.elts
            else:
                seq = self.atom(iterator, hint="seq")
                index_target, item_target = None, target
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
        loop = gast.For(target=loop_target, iter=loop_iter, body=body or [gast.Pass()],
                        orelse=[], type_comment=None)
        self.hoist_changing_range(loop)
        self.emit(loop)

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

    # -- expressions -------------------------------------------------------------

    def compute(self, node, hint):
        """Statements computing ``node`` and its atom, without emitting them."""
        saved, self.out = self.out, []
        value = self.atom(node, hint=hint)
        stmts, self.out = self.out, saved
        return stmts, value

    def fresh_assign(self, value, hint):
        target = self.namer.fresh(hint)
        self.emit(S.assign(target, value))
        return target

    def atom(self, node, hint="t"):
        value = self.expr(node, hint)
        if S.is_atom(value) or anno.get(value, Key.GLOBAL_CHAIN, False):
            return value        # names, constants and module constants such as math.pi
        return S.name(self.fresh_assign(value, hint))

    def builtin_call(self, name, args):
        node = S.call(name, args)
        node.func.id = name
        anno.set(node, Key.TARGET, getattr(builtins, name))
        return node

    def expr(self, node, hint="t"):
        """``node`` as one core operation over atoms (emitting temporaries before it)."""
        method = getattr(self, "expr_" + type(node).__name__, None)
        if method is None:
            raise self._refuse(f"the expression '{type(node).__name__}'", node)
        return method(node)

    def expr_Name(self, node):
        if node.id not in self.locals:
            obj = self.source.resolve(node.id)
            if obj is not MISSING:
                self.free[node.id] = obj
        return S.name(node.id)

    def expr_Constant(self, node):
        return S.const(node.value)

    def expr_BinOp(self, node):
        if not isinstance(node.op, _BIN_OPS):
            raise self._refuse(f"the operator {type(node.op).__name__}", node)
        return gast.BinOp(left=self.atom(node.left), op=node.op, right=self.atom(node.right))

    def expr_UnaryOp(self, node):
        operand = node.operand
        if isinstance(operand, gast.Constant) and isinstance(node.op, (gast.USub, gast.UAdd)) \
                and isinstance(operand.value, (int, float, complex)) and not isinstance(operand.value, bool):
            return S.const(-operand.value if isinstance(node.op, gast.USub) else operand.value)
        return gast.UnaryOp(op=node.op, operand=self.atom(operand))

    def expr_Compare(self, node):
        left = self.atom(node.left)
        if len(node.ops) == 1:
            return gast.Compare(left=left, ops=node.ops, comparators=[self.atom(node.comparators[0])])
        # a < b < c: short-circuit, evaluating b once
        result = self.namer.fresh("cond")
        right = self.atom(node.comparators[0])
        self.emit(S.assign(result, gast.Compare(left=left, ops=[node.ops[0]], comparators=[right])))
        rest = gast.Compare(left=right, ops=node.ops[1:], comparators=node.comparators[1:])
        then = self.block_of(lambda: self.emit(S.assign(result, self.expr(rest))))
        self.emit(gast.If(test=S.name(result), body=then, orelse=[]))
        return S.name(result)

    def block_of(self, build):
        saved, self.out = self.out, []
        build()
        result, self.out = self.out, saved
        return result

    def expr_BoolOp(self, node):
        result = self.namer.fresh("cond")
        self.emit(S.assign(result, self.expr(node.values[0])))
        for value in node.values[1:]:
            then = self.block_of(lambda value=value: self.emit(S.assign(result, self.expr(value))))
            test = S.name(result)
            if isinstance(node.op, gast.Or):
                test = gast.UnaryOp(op=gast.Not(), operand=test)
                negated = self.namer.fresh("cond")
                self.emit(S.assign(negated, test))
                test = S.name(negated)
            self.emit(gast.If(test=test, body=then, orelse=[]))
        return S.name(result)

    def expr_IfExp(self, node):
        test = self.atom(node.test, hint="cond")
        result = self.namer.fresh("t")
        then = self.block_of(lambda: self.emit(S.assign(result, self.expr(node.body))))
        orelse = self.block_of(lambda: self.emit(S.assign(result, self.expr(node.orelse))))
        self.emit(gast.If(test=test, body=then, orelse=orelse))
        return S.name(result)

    def resolve_call(self, node):
        """The object a call's function refers to, if it is a free (global) name path."""
        if not isinstance(node, gast.Call):
            return None
        path = S.dotted_path(node.func)
        if path is None or path[0] in self.locals:
            return None
        obj = self.source.resolve_path(path)
        return None if obj is MISSING else obj

    def expr_Call(self, node):
        nested = self.nested_transform(node)
        if nested is not None:
            return nested
        for arg in node.args:
            if isinstance(arg, gast.Starred):
                raise self._refuse("*args unpacking in a call", node, "pass the arguments one by one")
        for kw in node.keywords:
            if kw.arg is None:
                raise self._refuse("**kwargs unpacking in a call", node, "pass the keyword arguments one by one")
        func = node.func
        path = S.dotted_path(func)
        if isinstance(func, gast.Name) and func.id in self.bindings:
            new_func = S.copy(func)         # a helper this stage bound (patterns.py)
            result_target = self.bindings[func.id]
            method = None
        elif path is not None and path[0] not in self.locals:
            obj = self.source.resolve_path(path)
            if obj is MISSING:
                raise self.source.error(
                    f"'{'.'.join(path)}' is not defined (yet); astgrad resolves names when it "
                    "generates code", _Line(self.line), construct="an undefined name")
            self.free[path[0]] = self.source.resolve(path[0])
            new_func = S.copy(func)
            result_target = obj
            method = None
        elif isinstance(func, gast.Attribute):
            owner = self.atom(func.value, hint="t")
            new_func = gast.Attribute(value=owner, attr=func.attr, ctx=gast.Load())
            result_target = None
            method = func.attr
        elif isinstance(func, gast.Name):
            new_func = S.name(func.id)
            result_target = None
            method = None
        else:
            new_func = self.atom(func, hint="fn")
            result_target, method = None, None
        if result_target is builtins.sum and node.args and isinstance(node.args[0], gast.GeneratorExp):
            node.args[0] = gast.ListComp(elt=node.args[0].elt, generators=node.args[0].generators)
        args = [self.atom(a) for a in node.args]
        keywords = [gast.keyword(arg=kw.arg, value=self.atom(kw.value)) for kw in node.keywords]
        call = gast.Call(func=new_func, args=args, keywords=keywords)
        anno.set(call, Key.TARGET, result_target)
        anno.set(call, Key.METHOD, method)
        if result_target is not None and _is_ufunc_at(result_target):
            return self.ufunc_at(call, node)
        if _writes_to_out(node, result_target):
            return self.write_to_out(call, node)
        return call

    # -- calls that write into an argument --------------------------------------------

    def write_to_out(self, call, node):
        """``f(a, b, out=y)`` computes ``f(a, b)`` and stores it into ``y``, which it
        returns: ``t = f(a, b); y[...] = t`` (then ``y`` is the value), so the write is
        an ordinary in-place assignment that both modes differentiate."""
        import numpy
        target = anno.get(call, Key.TARGET)
        if isinstance(target, numpy.ufunc) and len(node.args) > target.nin:
            out_node = node.args[target.nin]            # ufuncs take out positionally too
            call.args = call.args[:target.nin]
            extra = len(node.args) - target.nin
        else:
            out_node = next(kw.value for kw in node.keywords if kw.arg == "out")
            extra = 1
        if isinstance(out_node, gast.Tuple) and len(out_node.elts) == 1:
            out_node = out_node.elts[0]
        label = getattr(target, "__name__", None) or anno.get(call, Key.METHOD) or "the function"
        if extra != 1 or not isinstance(out_node, gast.Name) or any(
                kw.arg == "where" for kw in node.keywords):
            raise self._refuse(f"{label}(..., out=...) with where=, several outputs or an out "
                               "that is not a name", node,
                               f"use the return value instead: y = {label}(...)")
        call.keywords = [kw for kw in call.keywords if kw.arg != "out"]
        value = self.fresh_assign(call, "t")
        self.emit(S.assign(gast.Subscript(value=S.name(out_node.id), slice=S.const(Ellipsis),
                                          ctx=gast.Store()), S.name(value)))
        return S.name(out_node.id)

    def ufunc_at(self, call, node):
        """``numpy.add.at(y, index, v)`` adds ``v`` at ``y[index]``, repeated indices
        adding up: ``y[...] = y + unindex(broadcast_like(v, y[index]), y, index)``
        (``-`` for ``numpy.subtract.at``). Other ufuncs' ``at`` are refused."""
        import numpy
        from .. import runtime
        ufunc = anno.get(call, Key.TARGET).__self__
        if ufunc not in (numpy.add, numpy.subtract) or len(call.args) != 3 or call.keywords:
            raise self._refuse(f"numpy.{ufunc.__name__}.at", node,
                               "astgrad differentiates numpy.add.at(y, index, v) and "
                               "numpy.subtract.at(y, index, v); write the update with those or "
                               "build a new array")
        array, index, values = call.args
        if not isinstance(array, gast.Name):
            raise self._refuse(f"numpy.{ufunc.__name__}.at on a value that is not a name", node)
        selected = self.fresh_assign(gast.Subscript(value=S.name(array.id), slice=S.copy(index),
                                                    ctx=gast.Load()), "t")
        spread = self.fresh_assign(self.runtime_call(runtime.broadcast_like, [values, S.name(selected)]), "t")
        added = self.fresh_assign(self.runtime_call(runtime.unindex, [S.name(spread), S.name(array.id),
                                                                      S.copy(index)]), "t")
        op = gast.Add() if ufunc is numpy.add else gast.Sub()
        total = self.fresh_assign(gast.BinOp(left=S.name(array.id), op=op, right=S.name(added)), "t")
        self.emit(S.assign(gast.Subscript(value=S.name(array.id), slice=S.const(Ellipsis),
                                          ctx=gast.Store()), S.name(total)))
        return S.name(array.id)

    def runtime_call(self, helper, args):
        call = S.call(S.name(self.bind(helper)), args)
        anno.set(call, Key.TARGET, helper)
        anno.set(call, Key.METHOD, None)
        return call

    def nested_transform(self, node):
        """``astgrad.jvp(f, (x,), (v,))`` and ``astgrad.grad(f)(x)`` inside differentiated
        code become calls of f's generated derivative, which is ordinary code to
        differentiate again (so grad of a jvp, or of a grad, just works)."""
        outer = node.func if isinstance(node.func, gast.Call) else None
        target = self.resolve_call(outer if outer is not None else node)
        if target is self.callees.jvp and outer is None and len(node.args) == 3 and not node.keywords:
            fn, primals, tangents = node.args
            if not (isinstance(primals, gast.Tuple) and isinstance(tangents, gast.Tuple)
                    and len(primals.elts) == len(tangents.elts)):
                raise self._refuse("astgrad.jvp with primals/tangents that are not tuple literals", node,
                                   "write jvp(f, (x, y), (dx, dy)) with the tuples spelled out")
            callee = self.resolve_function(fn, node)
            positions = tuple(range(len(primals.elts)))
            compiled = self.nested_derivative("forward", callee, positions, node)
            code = compiled.__code__
            # the tangent parameters come last, after the callee's own keyword-only ones
            names = code.co_varnames[code.co_argcount + code.co_kwonlyargcount - len(positions):
                                     code.co_argcount + code.co_kwonlyargcount]
            call = S.call(S.name(self.bind(compiled)), [self.atom(e) for e in primals.elts],
                          {name: self.atom(t) for name, t in zip(names, tangents.elts)})
            anno.set(call, Key.TARGET, compiled)
            anno.set(call, Key.METHOD, None)
            return call
        if target is self.callees.grad and outer is not None and not node.keywords:
            wrt = outer.args[1] if len(outer.args) > 1 else S.const(0)
            for kw in outer.keywords:
                if kw.arg == "wrt":
                    wrt = kw.value
                else:
                    raise self._refuse(f"astgrad.grad(..., {kw.arg}=...) inside differentiated code", node)
            try:
                wrt_value = ast_literal(wrt)
            except ValueError:
                raise self._refuse("astgrad.grad with a wrt that is not a constant", node) from None
            callee = self.resolve_function(outer.args[0], node)
            indices, single = normalize_wrt(callee, wrt_value)
            compiled = self.nested_derivative("reverse", callee, indices, node)
            call = S.call(S.name(self.bind(compiled)), [self.atom(a) for a in node.args])
            anno.set(call, Key.TARGET, compiled)
            anno.set(call, Key.METHOD, None)
            if len(indices) == 1 and not single:    # grad(f, wrt=(0,)) returns a 1-tuple
                return gast.Tuple(elts=[S.name(self.fresh_assign(call, "t"))], ctx=gast.Load())
            return call
        return None

    def nested_derivative(self, mode, callee, positions, node):
        try:
            # the zero-safe twin: no run_derivative checks a result computed in here
            return self.callees.derive(callee, mode, positions, zero_safe=True)
        except RecursiveCall:
            raise self.source.error(f"recursive call to {callee.__qualname__}: astgrad cannot "
                                    "differentiate recursion; rewrite it as a loop",
                                    node if getattr(node, "lineno", None) else _Line(self.line),
                                    construct="recursion") from None

    def resolve_function(self, node, where):
        path = S.dotted_path(node)
        obj = self.source.resolve_path(path) if path and path[0] not in self.locals else MISSING
        if obj is MISSING or not callable(obj):
            raise self._refuse("a nested astgrad transform of a function that is not a global name", where,
                               "pass a module-level function by name")
        return obj

    def bind(self, obj):
        name = self.namer.fresh(obj.__name__)
        self.bindings[name] = obj
        self.locals.discard(name)
        return name

    def expr_Attribute(self, node):
        path = S.dotted_path(node)
        if path is not None and path[0] not in self.locals:
            # a bound path is a value read when the code runs; an unbound one decides the form
            obj = self.source.resolve_path(path, depend=False)
            if obj is MISSING:
                self.source.resolve_path(path)
            else:
                self.free[path[0]] = self.source.resolve(path[0])
                chain = S.copy(node)
                anno.set(chain, Key.GLOBAL_CHAIN, True)
                return chain
        return gast.Attribute(value=self.atom(node.value), attr=node.attr, ctx=gast.Load())

    def expr_Subscript(self, node):
        subscript = gast.Subscript(value=self.atom(node.value), slice=self.index(node.slice), ctx=gast.Load())
        path = S.dotted_path(node.value)
        if path is not None and path[0] not in self.locals \
                and runtime.is_index_concatenator(self.source.resolve_path(path)):
            anno.set(subscript, Key.CONCATENATOR, True)  # numpy.r_[a, b]: its items are its operands
        return subscript

    def index(self, node):
        if isinstance(node, gast.Slice):
            return gast.Slice(lower=self.optional_atom(node.lower), upper=self.optional_atom(node.upper),
                              step=self.optional_atom(node.step))
        if isinstance(node, gast.Tuple):
            return gast.Tuple(elts=[self.index(e) for e in node.elts], ctx=gast.Load())
        return self.atom(node, hint="index")

    def optional_atom(self, node):
        return None if node is None else self.atom(node, hint="index")

    def expr_Tuple(self, node):
        self._no_starred(node)
        return gast.Tuple(elts=[self.atom(e) for e in node.elts], ctx=gast.Load())

    def expr_List(self, node):
        self._no_starred(node)
        return gast.List(elts=[self.atom(e) for e in node.elts], ctx=gast.Load())

    def _no_starred(self, node):
        if any(isinstance(e, gast.Starred) for e in node.elts):
            raise self._refuse("*unpacking inside a literal", node)

    def expr_Dict(self, node):
        if any(k is None for k in node.keys):
            raise self._refuse("**unpacking inside a dict literal", node)
        return gast.Dict(keys=[self.atom(k) for k in node.keys],
                         values=[self.atom(v) for v in node.values])

    def expr_ListComp(self, node, result=None):
        """``[e for x in xs if c]`` becomes a loop that appends to a fresh list (or to
        ``result``, the name it is assigned to)."""
        result = result or self.namer.fresh("items")
        self.locals.add(result)
        self.emit(S.assign(result, gast.List(elts=[], ctx=gast.Load())))
        rename = {}
        for generator in node.generators:
            if generator.is_async:
                raise self._refuse("an async comprehension", node)
            for target_name in S.stored_names(generator.target):
                rename[target_name] = self.namer.fresh(target_name)
        node = _Renamer(rename).visit(S.copy(node))
        self.locals |= set(rename.values())
        append = gast.Attribute(value=S.name(result), attr="append", ctx=gast.Load())
        body = [gast.Expr(value=gast.Call(func=append, args=[node.elt], keywords=[]))]
        for generator in reversed(node.generators):
            if generator.ifs:
                test = generator.ifs[0] if len(generator.ifs) == 1 else \
                    gast.BoolOp(op=gast.And(), values=list(generator.ifs))
                body = [gast.If(test=test, body=body, orelse=[])]
            body = [gast.For(target=generator.target, iter=generator.iter, body=body,
                             orelse=[], type_comment=None)]
        for stmt in gast.walk(body[0]):
            if isinstance(stmt, gast.stmt):
                stmt.lineno = self.line
        self.statement(body[0])
        return S.name(result)

    def expr_GeneratorExp(self, node):
        return self.expr_ListComp(gast.ListComp(elt=node.elt, generators=node.generators))

    def expr_JoinedStr(self, node):
        return S.copy(node)

    def expr_Lambda(self, node):
        raise self._refuse("a lambda inside a differentiated function", node,
                           "define the function at module level")

    def expr_Slice(self, node):
        return self.index(node)


def _is_restore(call):
    from .. import runtime
    return anno.get(call, Key.TARGET) is runtime.restore_item and len(call.args) == 3 \
        and not call.keywords and isinstance(call.args[0], gast.Name) \
        and not (isinstance(call.args[1], gast.Constant) and isinstance(call.args[1].value, str))
    # (a string key is a dict's, whose restore may remove the key: it stays a call)


def _is_ufunc_at(target):
    from ..analysis.sharing import is_ufunc_at
    return is_ufunc_at(target)


def _writes_to_out(node, target):
    """Whether a NumPy call (or method) stores its result into an argument: ``out=``,
    or a ufunc's output given positionally (``numpy.multiply(a, b, y)``)."""
    import numpy
    if isinstance(target, numpy.ufunc) and len(node.args) > target.nin:
        return True
    library = target is None or isinstance(target, numpy.ufunc) \
        or (getattr(target, "__module__", None) or "").startswith("numpy")
    return library and any(kw.arg == "out" for kw in node.keywords)     # a user's out= is theirs


def ast_literal(node):
    """The Python value of a constant (or tuple of constants) expression node."""
    if isinstance(node, gast.Constant):
        return node.value
    if isinstance(node, gast.Tuple):
        return tuple(ast_literal(e) for e in node.elts)
    raise ValueError("not a constant")


class _Line:
    def __init__(self, lineno):
        self.lineno = lineno


class _Renamer(gast.NodeTransformer):
    def __init__(self, mapping):
        self.mapping = mapping

    def visit_Name(self, node):
        if node.id in self.mapping:
            node.id = self.mapping[node.id]
        return node


def _contains_return(stmt):
    return any(isinstance(n, gast.Return) for n in gast.walk(stmt))


def _has_early_return(body):
    """A return anywhere but as the function's last top-level statement."""
    for position, stmt in enumerate(body):
        if isinstance(stmt, gast.Return):
            return position != len(body) - 1
        if _contains_return(stmt):
            return True
    return False


def _local_names(tree):
    """Parameters and every name the function assigns: these are never global."""
    args = tree.args
    names = {a.id for a in args.posonlyargs + args.args + args.kwonlyargs}
    for node in gast.walk(tree):
        if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Store):
            names.add(node.id)
    return names


# -- break/continue become branches ---------------------------------------------

def _jumps(block):
    """Whether a loop body block can break or continue (not counting inner loops)."""
    for stmt in block:
        if isinstance(stmt, (gast.Break, gast.Continue)):
            return True
        if isinstance(stmt, gast.If) and (_jumps(stmt.body) or _jumps(stmt.orelse)):
            return True
    return False


def has_break(block):
    for stmt in block:
        if isinstance(stmt, gast.Break):
            return True
        if isinstance(stmt, gast.If) and (has_break(stmt.body) or has_break(stmt.orelse)):
            return True
    return False


def restructure(block):
    """Move the statements after a conditional break/continue into the branches that
    fall through, so every jump ends its branch; then drop ``continue`` (it now
    ends its path anyway). The reverse sweep can then tell which statements ran
    from the recorded branch conditions alone."""
    return _strip_continue(_move_rest(block))


def _move_rest(block):
    out = []
    for position, stmt in enumerate(block):
        if isinstance(stmt, (gast.Break, gast.Continue)):
            out.append(stmt)
            return out                      # the rest is unreachable
        if isinstance(stmt, gast.If):
            jumps = _jumps(stmt.body) or _jumps(stmt.orelse)
            stmt.body = _move_rest(stmt.body)
            stmt.orelse = _move_rest(stmt.orelse)
            if jumps:
                rest = _move_rest(block[position + 1:])
                stmt.body = append_rest(stmt.body, rest)
                stmt.orelse = append_rest(stmt.orelse, S.copy(rest))
                out.append(stmt)
                return out
        out.append(stmt)
    return out


def _strip_continue(block):
    out = []
    for stmt in block:
        if isinstance(stmt, gast.Continue):
            continue
        if isinstance(stmt, gast.If):
            stmt.body = _strip_continue(stmt.body) or [gast.Pass()]
            stmt.orelse = _strip_continue(stmt.orelse)
        out.append(stmt)
    return out


def append_rest(block, rest):
    """``block`` followed by ``rest`` on every path that does not jump."""
    if not rest:
        return block
    block = [s for s in block if not isinstance(s, gast.Pass)]
    if not block:
        return list(rest)
    last = block[-1]
    if isinstance(last, (gast.Break, gast.Continue)):
        return block
    if isinstance(last, gast.If) and (_jumps(last.body) or _jumps(last.orelse)):
        last.body = append_rest(last.body, rest)
        last.orelse = append_rest(last.orelse, S.copy(rest))
        return block
    return block + list(rest)
