"""Reverse mode: the forward sweep, then adjoint statements in reverse order.

Names assigned only in straight-line top-level code are renamed to single
assignments, so their old values survive without any saving. A name assigned inside
``if``/``for``/``while`` keeps its name; its overwritten value is saved (a local
save variable outside loops, a per-name stack inside loops) and restored on the way
back. Branch conditions and loop bounds are ordinary names, so they are saved and
restored the same way when they change. Every save whose restored value is never
read is removed afterwards, so only what the adjoint needs is recorded.

Adjoint variables follow a small state machine (unset, zero, set): the first
contribution to an unset adjoint is an assignment, later ones add, a contribution
from an adjoint known to be zero is skipped, and zeros are materialised only where
control flow merges paths that disagree.
"""

import builtins

import gast

from ..analysis import activity, dataflow, shapes
from ..analysis.mutation import names_changed_in_place
from ..core import anno, ops
from ..core.anno import Key
from ..core.ops import OpKind
from ..backend import optimize
from ..core import syntax as S
from ..core.naming import derivative_prefix
from ..rules import registry
from .templates import BindError, instantiate
from .common import array_names, mark_top_level, Transform, check_effect_call, check_in_place_writes, range_targets
from .common import split_self_references
from ..core.functions import seed_parameter

UNSET, ZERO, SET = 0, 1, 2


def ssa_rename(body, params, namer):
    """Rename re-assignments in top-level straight-line code: ``x = x * 2`` -> ``x_1``."""
    compound = set()
    for stmt in body:
        if isinstance(stmt, (gast.If, gast.For, gast.While)):
            compound |= S.stored_names(stmt)
    fixed = compound | names_changed_in_place(body, augmented=False)
    current = {}
    defined = set(params)
    renamer = _Loads(current)
    for stmt in body:
        renamer.visit(stmt)
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
            name = stmt.targets[0].id
            if name in fixed:
                continue
            if name in defined:
                new = namer.fresh(name)
                current[name] = new
                stmt.targets[0].id = new
            defined.add(name)
    return body, current, fixed


class _Loads(gast.NodeTransformer):
    def __init__(self, mapping):
        self.mapping = mapping

    def visit_Name(self, node):
        if isinstance(node.ctx, gast.Load) and node.id in self.mapping:
            node.id = self.mapping[node.id]
        return node


class ReverseMode(Transform):
    def __init__(self, source, fn, wrt, namer, namespace, preserve_result=False, *, callees):
        super().__init__(source, fn, namer, namespace, callees)
        self.wrt = wrt
        self.preserve_result = preserve_result
        self.adjoints = {}

    # -- entry point -------------------------------------------------------------

    def run(self):
        fn = self.fn
        params = [a.id for a in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs]
        self.params = set(params)
        body = fn.body[:-1]
        result = fn.body[-1].value
        self._no_early_returns(body)
        check_in_place_writes(self.source, params, body, S.names_in(result),
                              lambda args: self.helper_call("current_row", args), self.namer,
                              prepare=self.callees.prepare)
        body, versions, self.fixed = ssa_rename(body, params, self.namer)
        temporaries = set()
        body = split_self_references(body, self.fixed, self.namer, temporaries)
        self.fixed = self.fixed | temporaries
        if isinstance(result, gast.Name):
            result = S.name(versions.get(result.id, result.id))
        self.output = result.id if isinstance(result, gast.Name) else None
        wrt_names = [params[i] for i in self.wrt]
        self.active = activity.active_names(body, wrt_names, self.output)
        self.known_arrays = array_names(body, params)
        self.assigned_names = S.stored_names(gast.Module(body=body, type_ignores=[]))
        self.local_names = set(params) | self.assigned_names
        mark_top_level(body)
        self._check_rules(body)
        self.prefix = derivative_prefix(self.namer.taken | set(self.source_names(fn)))
        self.saves = {}          # save id -> (save statement, restore statement)
        self.needs_init = set()
        self.body = body
        self.store_counts = {}
        for node in gast.walk(gast.Module(body=body, type_ignores=[])):
            if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Store):
                self.store_counts[node.id] = self.store_counts.get(node.id, 0) + 1
        for name in params:
            self.store_counts[name] = self.store_counts.get(name, 0) + 1
        self._annotate_saves(body, 0, set(params), set(params))
        seed = self.adjoint(self.output) if self.output in self.active else self.namer.fresh(self.prefix + "out")
        forward = self.forward_block(body)
        if self.preserve_result and self.output in self.fixed:
            kept = self.namer.fresh(self.output + "_value")
            forward.append(S.assign(kept, S.name(self.output)))
            result = S.name(kept)
        state = {seed: SET} if self.output in self.active else {}
        backward, state = self.reverse_block(body, state)
        grads = []
        for name in wrt_names:
            if name in self.active and state.get(self.adjoint(name), UNSET) != UNSET:
                grads.append(S.name(self.adjoint(name)))
            else:
                grads.append(self.helper_call("zeros_like", [S.name(name)]))
        value = grads[0] if len(grads) == 1 else gast.Tuple(elts=grads, ctx=gast.Load())
        if self.preserve_result:
            value = gast.Tuple(elts=[S.copy(result), value], ctx=gast.Load())
        ret = gast.Return(value=value)
        self.save_shapes_only(forward, backward)
        new_body = self.stack_inits() + forward + backward + [ret]
        new_body = shapes.drop_needless_unbroadcasts(new_body, params + [seed], self.adjoints,
                                                     range_targets(body))
        new_body = self.clean(new_body)
        for stmt in new_body:
            optimize.drop_default_arguments(stmt)
        _accumulate_in_place(new_body, {self.adjoint(p) for p in params if p in self.active})
        optimize.inline_single_use(new_body, keep=set(self.adjoints.values()))
        args = S.copy(fn.args)
        # keyword-only, so an extra positional argument is an error, as it is for fn
        args.kwonlyargs.append(gast.Name(id=seed, ctx=gast.Param(), annotation=None, type_comment=None))
        args.kw_defaults.append(S.const(1.0))
        name = self.namer.fresh("grad_" + fn.name)
        return gast.FunctionDef(name=name, args=args, body=new_body, decorator_list=[], returns=None,
                                type_comment=None, type_params=[])

    def source_names(self, fn):
        return S.names_in(fn)

    def _no_early_returns(self, body):
        for stmt in body:
            for node in gast.walk(stmt):
                if isinstance(node, gast.Return):
                    raise self.source.error(
                        "a return before the end of the function is not supported yet; "
                        "assign the result to a variable and return it at the end",
                        node, construct="early return")

    def _check_rules(self, body):
        for stmt in S.statements(body):
            if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
                if stmt.targets[0].id not in self.active:
                    continue
                op = ops.describe(stmt.value)
                if op.kind in (OpKind.UNKNOWN, OpKind.OPAQUE, OpKind.FUNCTION) and not any(
                        isinstance(a, gast.Name) and a.id in self.active for a in op.atoms()):
                    continue        # a constant as far as derivatives go
                self._check_op(stmt, op)
            elif isinstance(stmt, gast.Assign):
                pass        # in-place writes: checked by check_in_place_writes
            elif isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call):
                check_effect_call(self.source, stmt, self.active)

    def _check_op(self, stmt, op):
        if op.kind in (OpKind.COPY, OpKind.CONST, OpKind.LITERAL, OpKind.FUNCTION, OpKind.POP):
            return
        if op.kind is OpKind.CALL:
            self.check_method_arguments(stmt, op, lambda atom: atom.id in self.active,
                                        registry.ADJOINTS)
            if registry.is_non_differentiable(op.key):
                return
            if registry.lookup(registry.ADJOINTS, op.key) is None:
                raise registry.missing_rule_error(self.source, stmt, op.key, "adjoint")
            return
        if op.kind is OpKind.UNKNOWN:
            what = registry.describe(op.key) if op.key is not None else op.label
            raise self.source.error(
                f"no adjoint rule for {what}; astgrad cannot differentiate through it. Register one "
                "with @astgrad.adjoint, or wrap the value in astgrad.stop_gradient(...)",
                stmt, construct=what)
        raise self.source.error("astgrad cannot differentiate this expression", stmt,
                                construct="expression")

    # -- names -------------------------------------------------------------------

    def adjoint(self, name):
        if name not in self.adjoints:
            self.adjoints[name] = self.namer.fresh(self.prefix + name)
        return self.adjoints[name]

    def derivative_of(self, atom):
        if isinstance(atom, gast.Name) and atom.id in self.active:
            return self.adjoint(atom.id)
        return None

    # -- saving overwritten values -------------------------------------------------

    def _annotate_saves(self, block, depth, maybe, definite):
        """Mark which assignments overwrite a value that may exist (so it may need
        saving). ``maybe``/``definite``: names possibly/surely assigned so far."""
        previous = None
        for stmt in block:
            if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Subscript):
                anno.set(stmt, Key.SAVE,
                         self._new_save(stmt.targets[0].value.id, depth) + (stmt.targets[0].slice,))
            elif isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
                name = stmt.targets[0].id
                reuse = self._saved_just_before(previous, name)
                if name in self.fixed and name in maybe and reuse is not None:
                    anno.set(stmt, Key.SAVE, reuse)  # the program itself saved the old value
                elif name in self.fixed and name in maybe:
                    anno.set(stmt, Key.SAVE, self._new_save(name, depth))
                    if name not in definite:
                        self.needs_init.add(name)
                maybe.add(name)
                definite.add(name)
            elif isinstance(stmt, gast.If):
                anno.set(stmt, Key.DEFINED_BEFORE, set(definite))
                m1, d1 = set(maybe), set(definite)
                m2, d2 = set(maybe), set(definite)
                self._annotate_saves(stmt.body, depth, m1, d1)
                self._annotate_saves(stmt.orelse, depth, m2, d2)
                maybe |= m1 | m2
                definite |= d1 & d2
                anno.set(stmt, Key.DEFINED_AFTER, set(definite))
            elif isinstance(stmt, (gast.For, gast.While)):
                anno.set(stmt, Key.DEFINED_BEFORE, set(definite))
                if isinstance(stmt, gast.While):
                    anno.set(stmt, Key.COUNTER, self.namer.fresh("n_iter"))
                    targets = [anno.get(stmt, Key.COUNTER)]
                    if depth > 0:       # each outer iteration counts again
                        maybe.add(anno.get(stmt, Key.COUNTER))
                else:
                    targets = sorted(S.stored_names(stmt.target))
                anno.set(stmt, Key.TARGET_SAVES, [self._new_save(n, depth) for n in targets if n in maybe])
                for n in targets:
                    if n in maybe and n not in definite:
                        self.needs_init.add(n)
                if isinstance(stmt, gast.For) and isinstance(stmt.target, gast.Tuple):
                    item = stmt.target.elts[1].id
                    anno.set(stmt, Key.ITEM_STACK, self.namer.fresh(item + "_stack"))
                inner_maybe = maybe | set(targets) | S.stored_names(gast.Module(body=stmt.body, type_ignores=[]))
                inner_definite = definite | set(targets) if isinstance(stmt, gast.For) and \
                    isinstance(stmt.target, gast.Tuple) else set(definite) | {t for t in targets if isinstance(stmt, gast.While)}
                if isinstance(stmt, gast.For) and isinstance(stmt.target, gast.Name):
                    inner_definite.add(stmt.target.id)
                anno.set(stmt, Key.RECOMPUTED, self._recomputable(stmt) if isinstance(stmt, gast.For)
                         and isinstance(stmt.target, gast.Name) else [])
                self._annotate_saves(stmt.body, depth + 1, inner_maybe, inner_definite)
                for recomputed in anno.get(stmt, Key.RECOMPUTED):
                    anno.set(recomputed, Key.SAVE, None)
                maybe |= inner_maybe
                if isinstance(stmt, gast.While):
                    definite.add(anno.get(stmt, Key.COUNTER))
                elif isinstance(stmt.target, gast.Tuple):
                    definite.add(stmt.target.elts[0].id)
                anno.set(stmt, Key.DEFINED_AFTER, set(definite))
            previous = stmt

    def _saved_just_before(self, previous, name):
        """Code that is itself a derivative saves a value right before overwriting it
        (``v_stack.append(v)`` or ``v_saved = v``, then ``v = ...``). Restoring from
        that same save, instead of saving again, keeps each order from doubling the
        saves of the order before."""
        if isinstance(previous, gast.Expr) and isinstance(previous.value, gast.Call) \
                and anno.get(previous.value, Key.METHOD) == "append" \
                and isinstance(previous.value.func.value, gast.Name) \
                and len(previous.value.args) == 1 and isinstance(previous.value.args[0], gast.Name) \
                and previous.value.args[0].id == name:
            anno.set(previous, Key.REUSED_BY_RESTORE, True)
            return (None, name, ("reuse-stack", previous.value.func.value.id))
        if isinstance(previous, gast.Assign) and isinstance(previous.targets[0], gast.Name) \
                and isinstance(previous.value, gast.Name) and previous.value.id == name \
                and self.store_counts.get(previous.targets[0].id, 0) == 1:
            return (None, name, ("reuse-var", previous.targets[0].id))
        return None

    def _recomputable(self, loop):
        """Loop temporaries that are cheaper to recompute than to save: one arithmetic
        operation or indexing on the loop index, constants and values the loop does not
        change, used only later in the same iteration (``t = 0.1 * i``, ``x_t = xs[t]``,
        ``cond = i > 1``). The
        reverse loop recomputes them at the start of each iteration instead of
        pushing and popping them."""
        changed_in_loop = S.stored_names(gast.Module(body=loop.body, type_ignores=[])) \
            | names_changed_in_place(loop.body)
        available = {loop.target.id}
        chosen = []
        for position, stmt in enumerate(loop.body):
            if not (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)
                    and (isinstance(stmt.value, (gast.BinOp, gast.UnaryOp, gast.Compare, gast.Subscript))
                         or _is_math_call(stmt.value))):
                continue
            name = stmt.targets[0].id
            operands = [n for n in gast.walk(stmt.value) if isinstance(n, (gast.Name, gast.Constant))]
            if self.store_counts.get(name, 0) != 1 or name in S.loaded_names(stmt.value):
                continue
            if not all(isinstance(n, gast.Constant) or n.id in available or
                       (n.id not in changed_in_loop and self.store_counts.get(n.id, 0) <= 1)
                       for n in operands):
                continue
            earlier = gast.Module(body=loop.body[:position], type_ignores=[])
            if name in S.loaded_names(earlier) or name in self.loads_outside(loop):
                continue
            chosen.append(stmt)
            available.add(name)
        return chosen

    def loads_outside(self, loop):
        """Names read anywhere in the function outside ``loop``'s body."""
        inside = {id(n) for stmt in loop.body for n in gast.walk(stmt)}
        return {n.id for n in gast.walk(gast.Module(body=self.body, type_ignores=[]))
                if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load) and id(n) not in inside}

    def _new_save(self, name, depth):
        save_id = len(self.saves)
        if depth > 0:
            store = ("stack", self._stack_for(name))
        else:
            store = ("var", self.namer.fresh(name + "_saved"))
        self.saves[save_id] = store
        return save_id, name, store

    def _stack_for(self, name):
        if not hasattr(self, "stacks"):
            self.stacks = {}
        if name not in self.stacks:
            self.stacks[name] = self.namer.fresh(name + "_stack")
        return self.stacks[name]

    def stack_inits(self):
        stacks = list(getattr(self, "stacks", {}).values()) + list(getattr(self, "item_stacks", []))
        inits = [S.assign(s, gast.List(elts=[], ctx=gast.Load())) for s in stacks]
        for name in sorted(self.needs_init):
            # a placeholder for "not assigned yet", saved by the first iteration and
            # never read; a number so that its derivative adds like any other
            init = S.assign(name, S.const(0.0))
            anno.set(init, Key.INIT_NONE, True)
            inits.append(init)
        return inits

    def save_stmt(self, save):
        save_id, name, (kind, store) = save[:3]
        if kind.startswith("reuse"):
            return None
        value = S.name(name)
        if len(save) == 4 and _is_key(save[3]):     # a dict entry, which may be new
            value = self.helper_call("saved_item", [S.name(name), S.copy(save[3])])
        elif len(save) == 4:        # an element about to be overwritten in place
            value = self.helper_call("snapshot", [gast.Subscript(value=S.name(name), slice=S.copy(save[3]),
                                                                 ctx=gast.Load())])
        if kind == "stack":
            call = S.call(gast.Attribute(value=S.name(store), attr="append", ctx=gast.Load()), [value])
            anno.set(call, Key.METHOD, "append")
            stmt = S.expr_stmt(call)
        else:
            stmt = S.assign(store, value)
        anno.set(stmt, Key.SAVE_ID, save_id)
        return stmt

    def restore_stmt(self, save):
        save_id, name, (kind, store) = save[:3]
        if kind == "reuse-stack":           # the program's own stack: its pop is the restore
            pop = S.call(gast.Attribute(value=S.name(store), attr="pop", ctx=gast.Load()), [])
            anno.set(pop, Key.METHOD, "pop")
            return S.assign(name, pop)
        if kind == "reuse-var":
            return S.assign(name, S.name(store))
        if kind == "stack":
            value = S.call(gast.Attribute(value=S.name(store), attr="pop", ctx=gast.Load()), [])
            anno.set(value, Key.METHOD, "pop")
        else:
            value = S.name(store)
        if len(save) == 4 and _is_key(save[3]):
            return S.expr_stmt(self.helper_call("restore_item", [S.name(name), S.copy(save[3]), value]))
        if len(save) == 4:
            stmt = S.assign(gast.Subscript(value=S.name(name), slice=S.copy(save[3]), ctx=gast.Store()), value)
            return stmt
        stmt = S.assign(name, value)
        anno.set(stmt, Key.RESTORE_ID, save_id)
        return stmt

    # -- forward sweep -------------------------------------------------------------

    def forward_block(self, block):
        out = []
        for stmt in block:
            out.extend(self.forward_stmt(stmt))
        return out

    def forward_stmt(self, stmt):
        if isinstance(stmt, gast.Assign):
            new = self.as_written(stmt)
            save = anno.get(stmt, Key.SAVE)
            saving = self.save_stmt(save) if save else None
            return ([saving] if saving is not None else []) + [new]
        if isinstance(stmt, gast.If):
            return [gast.If(test=S.copy(stmt.test), body=self.forward_block(stmt.body) or [gast.Pass()],
                            orelse=self.forward_block(stmt.orelse))]
        if isinstance(stmt, gast.For):
            pre = [self.save_stmt(s) for s in anno.get(stmt, Key.TARGET_SAVES)]
            body = self.forward_block(stmt.body)
            if isinstance(stmt.target, gast.Tuple):
                index, item = (e.id for e in stmt.target.elts)
                pre.append(S.assign(index, S.const(-1)))
                item_stack = anno.get(stmt, Key.ITEM_STACK)
                self._register_item_stack(item_stack)
                push = S.call(gast.Attribute(value=S.name(item_stack), attr="append", ctx=gast.Load()),
                              [S.name(item)])
                anno.set(push, Key.METHOD, "append")
                push_stmt = S.expr_stmt(push)
                anno.set(push_stmt, Key.ITEM_PUSH, item_stack)
                body = [push_stmt] + body
            loop = gast.For(target=S.copy(stmt.target), iter=S.copy(stmt.iter), body=body or [gast.Pass()],
                            orelse=[], type_comment=None)
            anno.set(loop, Key.RANGE_LOOP, isinstance(stmt.target, gast.Name))
            return pre + [loop]
        if isinstance(stmt, gast.While):
            pre = [self.save_stmt(s) for s in anno.get(stmt, Key.TARGET_SAVES)]
            counter = anno.get(stmt, Key.COUNTER)
            pre.append(S.assign(counter, S.const(0)))
            count = S.assign(counter, gast.BinOp(left=S.name(counter), op=gast.Add(), right=S.const(1)))
            body = [count] + self.forward_block(stmt.body)
            return pre + [gast.While(test=S.copy(stmt.test), body=body, orelse=[])]
        if isinstance(stmt, (gast.Expr, gast.Raise, gast.Assert, gast.Break, gast.Pass)):
            return [S.copy(stmt)]
        raise self.source.error(f"unexpected statement {type(stmt).__name__}", stmt)

    def _register_item_stack(self, name):
        if not hasattr(self, "item_stacks"):
            self.item_stacks = []
        if name not in self.item_stacks:
            self.item_stacks.append(name)

    # -- reverse sweep -------------------------------------------------------------

    def reverse_block(self, block, state):
        out = []
        for stmt in reversed(block):
            stmts, state = self.reverse_stmt(stmt, state)
            out.extend(stmts)
        return out, state

    def reverse_stmt(self, stmt, state):
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Subscript):
            return self.reverse_setitem(stmt, state)
        if isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call) \
                and anno.get(stmt.value, Key.METHOD) == "append":
            return self.reverse_append(stmt, state)
        if isinstance(stmt, gast.Assign):
            return self.reverse_assign(stmt, state)
        if isinstance(stmt, gast.If):
            return self.reverse_if(stmt, state)
        if isinstance(stmt, (gast.For, gast.While)):
            return self.reverse_loop(stmt, state)
        return [], state

    def reverse_pop(self, stmt, state):
        """``v = xs.pop()``: xs gets v back, and its derivative gets d_v back."""
        name = stmt.targets[0].id
        owner = stmt.value.func.value.id
        out = []
        if owner in self.active:
            adjoint = self.adjoint(owner)
            current = S.name(adjoint) if state.get(adjoint, UNSET) != UNSET else \
                self.helper_call("zeros_like", [S.name(owner)])
            value = S.name(self.adjoint(name)) if name in self.active and \
                state.get(self.adjoint(name), UNSET) != UNSET else self.helper_call("zeros_like", [S.name(name)])
            out.extend(self.line_comment(stmt))
            out.append(S.assign(adjoint, self.helper_call("append_derivative", [current, value, S.name(owner)])))
            state[adjoint] = SET
        push = S.call(gast.Attribute(value=S.name(owner), attr="append", ctx=gast.Load()), [S.name(name)])
        anno.set(push, Key.METHOD, "append")
        out.append(S.expr_stmt(push))
        if name in self.active:
            state[self.adjoint(name)] = UNSET
        save = anno.get(stmt, Key.SAVE)
        if save:
            out.append(self.restore_stmt(save))
        return out, state

    def reverse_assign(self, stmt, state):
        if isinstance(stmt.value, gast.Call) and ops.describe(stmt.value).kind is OpKind.POP:
            return self.reverse_pop(stmt, state)
        out = []
        name = stmt.targets[0].id
        if name in self.active:
            adjoint = self.adjoint(name)
            op = ops.describe(stmt.value)
            if state.get(adjoint, UNSET) == SET and op.differentiable:
                contributions = self.contributions(stmt, op, adjoint)
                if contributions:
                    out.extend(self.line_comment(stmt))
                for contribution in contributions:
                    _append_merged(out, self.lower(contribution, state))
            state[adjoint] = UNSET
        save = anno.get(stmt, Key.SAVE)
        if save:
            out.append(self.restore_stmt(save))
        return out, state

    def reverse_setitem(self, stmt, state):
        """``y[i] = v``: v gets d_y[i]; the overwritten part of y gets no derivative."""
        target = stmt.targets[0]
        name, value = target.value.id, stmt.value
        out = []
        if name in self.active and state.get(self.adjoint(name), UNSET) == SET:
            out.extend(self.line_comment(stmt))
            adjoint = self.adjoint(name)
            part = gast.Subscript(value=S.name(adjoint), slice=S.copy(target.slice), ctx=gast.Load())
            if _may_repeat(target.slice):       # only the last write of an element counts
                part = self.helper_call("written_part", [S.name(adjoint), self.index_value(target.slice)])
            if self.derivative_of(value) is not None:
                node = S.assign(self.adjoint(value.id), self.helper_call("unbroadcast", [part, S.copy(value)]))
                anno.set(node, Key.ACCUMULATE, True)
                out.append(self.lower(node, state))
            out.append(S.assign(adjoint, self.helper_call("zero_index", [S.name(adjoint),
                                                                         self.index_value(target.slice)])))
        out.append(self.restore_stmt(anno.get(stmt, Key.SAVE)))
        return out, state

    def reverse_append(self, stmt, state):
        """``xs.append(v)``: v gets the last derivative of xs; xs loses its last item again."""
        call = stmt.value
        owner, value = call.func.value, call.args[0]
        out = []
        if owner.id in self.active and state.get(self.adjoint(owner.id), UNSET) == SET:
            out.extend(self.line_comment(stmt))
            adjoint = self.adjoint(owner.id)
            if self.derivative_of(value) is not None:
                last = gast.Subscript(value=S.name(adjoint), slice=S.const(-1), ctx=gast.Load())
                node = S.assign(self.adjoint(value.id), last)
                anno.set(node, Key.ACCUMULATE, True)
                out.append(self.lower(node, state))
            out.append(S.assign(adjoint, self.helper_call("drop_last", [S.name(adjoint)])))
        if not anno.get(stmt, Key.REUSED_BY_RESTORE, False):     # else the restore already popped
            pop = S.call(gast.Attribute(value=S.name(owner.id), attr="pop", ctx=gast.Load()), [])
            anno.set(pop, Key.METHOD, "pop")
            out.append(S.expr_stmt(pop))
        return out, state

    def lower(self, stmt, state):
        """A template statement; ``d[x] = e`` becomes an assignment or an addition."""
        if not anno.get(stmt, Key.ACCUMULATE, False):
            stmt.value = optimize.simplify(stmt.value)
            return stmt
        target = stmt.targets[0].id
        value = optimize.simplify(stmt.value)
        if state.get(target, UNSET) == SET:
            value = gast.BinOp(left=S.name(target), op=gast.Add(), right=value)
        state[target] = SET
        return S.assign(target, value)

    def contributions(self, stmt, op, adjoint):
        if op.kind is OpKind.COPY:
            source = op.args[0]
            if self.derivative_of(source) is None:
                return []
            node = S.assign(self.adjoint(source.id), S.name(adjoint))
            anno.set(node, Key.ACCUMULATE, True)
            return [node]
        if op.kind is OpKind.LITERAL:
            out = []
            keys = stmt.value.keys if op.key == "dict" else [S.const(i) for i in range(len(op.args))]
            for key, element in zip(keys, op.args):
                derivative = self.derivative_of(element)
                if derivative is None:
                    continue
                node = S.assign(derivative, gast.Subscript(value=S.name(adjoint), slice=S.copy(key),
                                                           ctx=gast.Load()))
                anno.set(node, Key.ACCUMULATE, True)
                out.append(node)
            return out
        if op.kind in (OpKind.UNKNOWN, OpKind.OPAQUE, OpKind.CONST):
            return []               # no differentiated inputs (checked before)
        if op.kind is OpKind.FUNCTION:
            return self.call_contributions(stmt, op, adjoint)
        if self.discards_derivative(stmt, op, registry.ADJOINTS):
            return []
        template = registry.lookup(registry.ADJOINTS, op.key)
        args = self.call_atoms(stmt, op)
        try:
            contributions = instantiate(template, S.name(stmt.targets[0].id), args, op.kwargs,
                                        self.derivative_of, self.namespace, self.namer, self.zero_safe)
        except BindError as exc:
            raise self.source.error(f"cannot apply the derivative rule of {op.label}: {exc}", stmt,
                                    construct=op.label) from None
        checks = self.receiver_check(stmt, op) + self.dtype_check(stmt, op, registry.ADJOINTS)
        return checks + contributions if contributions else []

    def call_contributions(self, stmt, op, adjoint):
        """``y = helper(a, b)``: call helper's own generated gradient with the seed d_y."""
        gradient, active = self.callee_derivative(
            stmt, op, lambda atom: self.derivative_of(atom) is not None,
            lambda callee, wrt: self.callees.derive(callee, "reverse", wrt, zero_safe=self.zero_safe))
        if gradient is None:
            return []
        seed = seed_parameter(gradient)
        call = S.call(S.name(self.namespace.ref(gradient, gradient.__name__)),
                      [S.copy(a) for a in op.args],
                      {**{k: S.copy(v) for k, v in op.kwargs.items()}, seed: S.name(adjoint)})
        anno.set(call, Key.TARGET, gradient)
        if len(active) == 1:
            node = S.assign(self.adjoint(active[0][1].id), call)
            anno.set(node, Key.ACCUMULATE, True)
            return [node]
        grads = self.namer.fresh("grads")
        out = [S.assign(grads, call)]
        for position, (_, atom) in enumerate(active):
            node = S.assign(self.adjoint(atom.id), gast.Subscript(value=S.name(grads), slice=S.const(position),
                                                                  ctx=gast.Load()))
            anno.set(node, Key.ACCUMULATE, True)
            out.append(node)
        return out

    def zero_init(self, name, defined):
        """``d_v = zeros_like(v)``; where ``v`` may not exist on every path (assigned in
        one branch only), a plain 0.0, which adds to any shape."""
        if name in defined or name in self.params:
            return S.assign(self.adjoint(name), self.helper_call("zeros_like", [S.name(name)]))
        return S.assign(self.adjoint(name), S.const(0.0))

    def primal_of(self, adjoint_name):
        for primal, adjoint in self.adjoints.items():
            if adjoint == adjoint_name:
                return primal
        raise KeyError(adjoint_name)

    def reverse_if(self, stmt, state):
        pre, tails = set(), (set(), set())
        taken = set(self.namer.taken)
        while True:
            self.namer.taken = set(taken)
            entry = dict(state)
            for adjoint in pre:
                entry[adjoint] = ZERO
            branches = []
            for block, tail in ((stmt.body, tails[0]), (stmt.orelse, tails[1])):
                self.last_line = None
                code, exit_state = self.reverse_block(block, dict(entry))
                for adjoint in tail:
                    code.append(self.zero_init(self.primal_of(adjoint), anno.get(stmt, Key.DEFINED_BEFORE)))
                    exit_state[adjoint] = ZERO
                branches.append((code, exit_state))
            (then, s1), (orelse, s2) = branches
            changed = False
            for adjoint in set(s1) | set(s2):
                a, b = s1.get(adjoint, UNSET), s2.get(adjoint, UNSET)
                if (a == UNSET) != (b == UNSET):
                    changed = True
                    if entry.get(adjoint, UNSET) == UNSET:
                        pre.add(adjoint)
                    else:
                        tails[0 if a == UNSET else 1].add(adjoint)
            if not changed:
                break
        merged = {a: _merge(s1.get(a, UNSET), s2.get(a, UNSET)) for a in set(s1) | set(s2)}
        out = [self.zero_init(self.primal_of(a), anno.get(stmt, Key.DEFINED_AFTER)) for a in sorted(pre)]
        if then or orelse:
            out.append(gast.If(test=S.copy(stmt.test), body=then or [gast.Pass()], orelse=orelse))
        self.last_line = None
        return out, merged

    def reverse_loop(self, stmt, state):
        """The reverse loop, generated for the adjoint states at its fixed point.

        The body runs 0..n times, so the state on entry to an iteration is the join
        of the state before the loop and the state after an iteration. Only at that
        fixed point do disagreements count: an adjoint unset before the loop but set
        by the body gets zeros before the loop; one consumed by the body and not set
        again gets zeros at the end of the body."""
        pre, tail = set(), set()
        taken = set(self.namer.taken)
        while True:
            entry0 = dict(state)
            for adjoint in pre:
                entry0[adjoint] = ZERO
            entry = dict(entry0)
            for _ in range(20):
                self.namer.taken = set(taken)
                self.last_line = None
                body, exit_state = self.reverse_loop_body(stmt, dict(entry))
                for adjoint in tail:
                    body.append(self.zero_init(self.primal_of(adjoint), anno.get(stmt, Key.DEFINED_BEFORE)))
                    exit_state[adjoint] = ZERO
                joined = {a: _join(entry0.get(a, UNSET), exit_state.get(a, UNSET))
                          for a in set(entry0) | set(exit_state)}
                if joined == entry:
                    break
                entry = joined
            conflict = False
            for adjoint in set(entry0) | set(exit_state):
                before, after = entry0.get(adjoint, UNSET), exit_state.get(adjoint, UNSET)
                if before == UNSET and after != UNSET and adjoint not in pre:
                    pre.add(adjoint)
                    conflict = True
                elif entry.get(adjoint, UNSET) != UNSET and after == UNSET and adjoint not in tail:
                    tail.add(adjoint)
                    conflict = True
            if not conflict:
                break
        out = [self.zero_init(self.primal_of(a), anno.get(stmt, Key.DEFINED_AFTER)) for a in sorted(pre)]
        out.append(self.reverse_loop_header(stmt, body))
        for save in reversed(anno.get(stmt, Key.TARGET_SAVES)):
            out.append(self.restore_stmt(save))
        self.last_line = None
        return out, entry

    def reverse_loop_body(self, stmt, state):
        pre = [S.copy(s) for s in anno.get(stmt, Key.RECOMPUTED, [])]
        if isinstance(stmt, gast.For) and isinstance(stmt.target, gast.Tuple):
            index, item = (e.id for e in stmt.target.elts)
            item_stack = anno.get(stmt, Key.ITEM_STACK)
            pop = S.call(gast.Attribute(value=S.name(item_stack), attr="pop", ctx=gast.Load()), [])
            anno.set(pop, Key.METHOD, "pop")
            restore = S.assign(item, pop)
            anno.set(restore, Key.ITEM_POP, item_stack)
            pre.append(restore)
        body, state = self.reverse_block(stmt.body, state)
        if isinstance(stmt, gast.For) and isinstance(stmt.target, gast.Tuple):
            index, item = (e.id for e in stmt.target.elts)
            seq = stmt.iter.args[0]
            if item in self.active and state.get(self.adjoint(item), UNSET) == SET \
                    and self.derivative_of(seq) is not None:
                node = S.assign(self.adjoint(seq.id), self.helper_call(
                    "unloop_item", [S.name(self.adjoint(item)), S.copy(seq), S.name(index)]))
                anno.set(node, Key.ACCUMULATE, True)
                body.append(self.lower(node, state))
            if item in self.active:
                state[self.adjoint(item)] = UNSET
        return pre + body, state

    def reverse_loop_header(self, stmt, body):
        body = body or [gast.Pass()]
        if isinstance(stmt, gast.While):
            steps = S.call(S.name("range"), [S.name(anno.get(stmt, Key.COUNTER))])
            anno.set(steps, Key.TARGET, builtins.range)
            loop = gast.For(target=S.name(self.namer.fresh("_"), store=True), iter=steps, body=body,
                            orelse=[], type_comment=None)
            anno.set(loop, Key.RANGE_LOOP, True)
            return loop
        if isinstance(stmt.target, gast.Tuple):
            index = stmt.target.elts[0].id
            count = gast.BinOp(left=S.name(index), op=gast.Add(), right=S.const(1))
            steps = S.call(S.name("range"), [count])
            anno.set(steps, Key.TARGET, builtins.range)
            target = S.name(index, store=True)
        else:
            steps = S.copy(stmt.iter)
            target = S.copy(stmt.target)
        backwards = S.call(S.name("reversed"), [steps])
        anno.set(backwards, Key.TARGET, builtins.reversed)
        loop = gast.For(target=target, iter=backwards, body=body, orelse=[], type_comment=None)
        anno.set(loop, Key.RANGE_LOOP, True)
        return loop

    def save_shapes_only(self, forward, backward):
        """Where the reverse sweep uses a restored array only for its shape (in
        ``unbroadcast``, ``broadcast_like``, ``unreduce``), save just its shape."""
        from .. import runtime
        shape_only = {runtime.unbroadcast: 1, runtime.broadcast_like: 1, runtime.unreduce: 1,
                      runtime.repeat_count: 0}
        value_uses, restored = set(), set()
        for stmt in S.statements(backward):
            if anno.get(stmt, Key.RESTORE_ID) is not None:
                restored.add(stmt.targets[0].id)
                continue
            for node in _header_nodes(stmt):
                skip = set()
                for sub in gast.walk(node):
                    if isinstance(sub, gast.Call) and anno.get(sub, Key.TARGET) in shape_only:
                        position = shape_only[anno.get(sub, Key.TARGET)]
                        if len(sub.args) > position and isinstance(sub.args[position], gast.Name):
                            skip.add(id(sub.args[position]))
                for sub in gast.walk(node):
                    if isinstance(sub, gast.Name) and isinstance(sub.ctx, gast.Load) and id(sub) not in skip:
                        value_uses.add(sub.id)
        only_shapes = restored - value_uses
        for stmt in S.statements(forward):
            if anno.get(stmt, Key.SAVE_ID) is None:
                continue
            call = stmt.value if isinstance(stmt, gast.Expr) else None
            if call is not None and isinstance(call.args[0], gast.Name) and call.args[0].id in only_shapes:
                call.args[0] = self.helper_call("shape_of", [call.args[0]])
            elif isinstance(stmt, gast.Assign) and isinstance(stmt.value, gast.Name) \
                    and stmt.value.id in only_shapes:
                stmt.value = self.helper_call("shape_of", [stmt.value])

    # -- clean-up --------------------------------------------------------------------

    def clean(self, body):
        """Remove dead code and every save whose restored value is never read."""
        returned = set()
        while True:
            body = dataflow.eliminate_dead_code(body, returned)
            dead = set()
            for stmt in S.statements(body):
                restore_id = anno.get(stmt, Key.RESTORE_ID)
                if restore_id is not None and stmt.targets[0].id not in anno.get(stmt, Key.LIVE_OUT):
                    dead.add(restore_id)
                pop_of = anno.get(stmt, Key.ITEM_POP)
                if pop_of is not None and stmt.targets[0].id not in anno.get(stmt, Key.LIVE_OUT):
                    dead.add(("item", pop_of))
            if not dead:
                return body
            body = _remove(body, lambda s: anno.get(s, Key.RESTORE_ID) in dead
                           or anno.get(s, Key.SAVE_ID) in dead
                           or ("item", anno.get(s, Key.ITEM_POP)) in dead
                           or ("item", anno.get(s, Key.ITEM_PUSH)) in dead)


def _append_merged(out, stmt):
    """Append ``stmt``; ``d_x = a`` then ``d_x = d_x + b`` become ``d_x = a + b``."""
    previous = out[-1] if out else None
    target = stmt.targets[0] if isinstance(stmt, gast.Assign) else None
    if (previous is not None and isinstance(previous, gast.Assign) and isinstance(target, gast.Name)
            and isinstance(previous.targets[0], gast.Name) and previous.targets[0].id == target.id
            and anno.get(previous, Key.RESTORE_ID) is None and anno.get(stmt, Key.RESTORE_ID) is None
            and isinstance(stmt.value, gast.BinOp) and isinstance(stmt.value.op, gast.Add)
            and isinstance(stmt.value.left, gast.Name) and stmt.value.left.id == target.id
            and target.id not in S.loaded_names(stmt.value.right)):
        previous.value = gast.BinOp(left=previous.value, op=gast.Add(), right=stmt.value.right)
        return
    out.append(stmt)


def _is_math_call(value):
    """A call of a ``math`` function: on numbers, cheaper to redo than to save."""
    import math
    target = anno.get(value, Key.TARGET) if isinstance(value, gast.Call) else None
    return target is not None and getattr(target, "__module__", None) == "math" \
        and getattr(math, getattr(target, "__name__", ""), None) is target and not value.keywords


def _accumulate_in_place(body, parameter_adjoints):
    """``d_W = d_W + e`` -> ``d_W += e`` for a parameter's adjoint that starts as
    ``zeros_like(W)`` and is only ever added to: that array belongs to this function
    alone, so adding in place is safe and saves an allocation per step."""
    stores = {}
    for stmt in S.statements(body):
        if isinstance(stmt, gast.Assign):
            for name in S.stored_names(stmt.targets[0]):
                stores.setdefault(name, []).append(stmt)
    for name in parameter_adjoints:
        assignments = stores.get(name, [])
        first_ok = assignments and _is_zeros_init(assignments[0], name)
        additions = assignments[1:]
        if not first_ok or not additions or not all(_adds_to_itself(a, name) for a in additions):
            continue
        if _read_elsewhere(body, name, set(map(id, assignments))):
            continue
        for stmt in additions:
            anno.set(stmt, Key.INPLACE, True)
    _rewrite_inplace(body)


def _is_zeros_init(stmt, name):
    value = stmt.value
    from .. import runtime
    return isinstance(stmt.targets[0], gast.Name) and isinstance(value, gast.Call) \
        and anno.get(value, Key.TARGET) is runtime.zeros_like


def _adds_to_itself(stmt, name):
    value = stmt.value
    return isinstance(stmt.targets[0], gast.Name) and isinstance(value, gast.BinOp) \
        and isinstance(value.op, gast.Add) and isinstance(value.left, gast.Name) \
        and value.left.id == name and name not in S.loaded_names(value.right)


def _read_elsewhere(body, name, own):
    """Whether ``name`` is read anywhere but in its own additions and a final return."""
    for stmt in S.statements(body):
        if id(stmt) in own or isinstance(stmt, gast.Return):
            continue
        for node in _header_nodes(stmt):
            if name in S.loaded_names(node):
                return True
    return False


def _rewrite_inplace(block):
    for position, stmt in enumerate(block):
        if anno.get(stmt, Key.INPLACE, False):
            node = gast.AugAssign(target=S.name(stmt.targets[0].id, store=True), op=gast.Add(),
                                  value=stmt.value.right)
            node.lineno = getattr(stmt, "lineno", None)
            block[position] = node
        for field in ("body", "orelse"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list):
                _rewrite_inplace(inner)


def _is_key(index):
    """A single name or constant index: the container may be a dict, whose key may be
    new, so the save and the restore go through saved_item/restore_item."""
    return isinstance(index, (gast.Name, gast.Constant))


def _may_repeat(index):
    """Whether an index may name an element twice: a name or a list outside a slice
    may hold an integer array (``y[[0, 0]]``); constants and slices never repeat."""
    items = index.elts if isinstance(index, gast.Tuple) else [index]
    return any(isinstance(item, (gast.Name, gast.List)) for item in items)


def _header_nodes(stmt):
    """The expressions a statement itself evaluates (not its nested blocks)."""
    if isinstance(stmt, (gast.If, gast.While)):
        return [stmt.test]
    if isinstance(stmt, gast.For):
        return [stmt.iter]
    return [stmt]


def _join(a, b):
    """The state after "a or b" when both paths may be taken (for loop fixed points)."""
    if SET in (a, b):
        return SET
    if ZERO in (a, b):
        return ZERO
    return UNSET


def _merge(a, b):
    if a == UNSET and b == UNSET:
        return UNSET
    return SET if SET in (a, b) else ZERO


def _remove(block, condition):
    out = []
    for stmt in block:
        if condition(stmt):
            continue
        for field in ("body", "orelse"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list) and not isinstance(stmt, gast.FunctionDef):
                setattr(stmt, field, _remove(inner, condition) or ([gast.Pass()] if field == "body" else []))
        out.append(stmt)
    return out
