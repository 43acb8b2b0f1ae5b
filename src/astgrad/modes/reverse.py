"""Reverse mode: the forward sweep, then adjoint statements in reverse order.

This module prepares the function (single assignments, activity, which values to
save) and assembles the derivative; the parts have modules of their own:
``analysis.saves`` plans the saves, ``forward_sweep`` and ``adjoint_sweep`` (with
``adjoint_control`` for ``if`` and loops) write the two sweeps, ``save_code`` the
save and restore statements, and ``backend.optimize`` cleans the result up.

Names assigned only in straight-line top-level code are renamed to single
assignments, so their old values survive without any saving. A name assigned inside
``if``/``for``/``while`` keeps its name; its overwritten value is saved (a local
save variable outside loops, a per-name stack inside loops) and restored on the way
back. Branch conditions and loop bounds are ordinary names, so they are saved and
restored the same way when they change. Every save whose restored value is never
read is removed afterwards, so only what the adjoint needs is recorded.

Adjoint variables follow a small state machine (``adjoint_state``: unset, zero,
set): the first contribution to an unset adjoint is an assignment, later ones add,
a contribution from an adjoint known to be zero is skipped, and zeros are
materialised only where control flow merges paths that disagree.
"""


import numpy

import gast

from .. import argument_kinds, runtime
from ..analysis import activity, shapes
from ..analysis.scalar_output import returns_real_number
from ..analysis.mutation import names_changed_in_place
from ..analysis.saves import SavePlan, shape_sources
from ..core import anno, ops
from ..core.anno import Key
from ..core.ops import OpKind
from ..backend import optimize
from ..core import syntax as S
from ..core.naming import derivative_prefix
from ..rules import registry
from .adjoint_state import SET, UNSET, state_of
from .caught_values import release_caught_values
from .compared_checks import release_compared_checks
from .adjoint_sweep import AdjointSweep
from .forward_sweep import ForwardSweep
from .replayed_calls import snapshot_rebinding_calls
from .save_code import save_shapes_only, stack_inits
from .unbound_reads import check_unbound_reads
from .views_read_back import copy_views_read_back
from .outside_reads import check_reads_before_outside_changes
from ..analysis.raising import UNBOUND, mark_raising
from .registering_constructors import check_registering_constructor
from .common import array_names, mark_top_level, Transform, check_deques, check_dict_keys, check_effect_call, \
    check_used_effect_call, check_unknown_receivers, \
    check_unused_method_value, check_in_place_writes, check_outside_changes, check_outside_methods, \
    range_targets
from .holding import Holding
from .common import construct_error, split_self_references, unknown_call_error, unknown_method_advice
from ..core.first_use import imported_when_called

# modules only some functions need, loaded with the first call of these (core/first_use.py)
built_in_partial_advice = imported_when_called("astgrad.modes.built_in_partial", "built_in_partial_advice")

# statements that are a return, or may hold one in a body S.statements does not enter
_RETURN_OR_SCOPE = (gast.Return, gast.FunctionDef, gast.AsyncFunctionDef, gast.ClassDef)


def ssa_rename(body, params, namer):
    """Rename re-assignments in top-level straight-line code: ``x = x * 2`` -> ``x_1``."""
    compound, names_of = set(), {}
    store = gast.Store
    for stmt in body:
        if isinstance(stmt, (gast.If, gast.For, gast.While)):
            # its Name nodes, found once: for what it stores, and for the renames of its reads
            nodes = names_of[id(stmt)] = S.name_nodes(stmt)
            compound.update(node.id for node in nodes if isinstance(node.ctx, store))
    fixed = compound | names_changed_in_place(body, augmented=False)
    current = {}
    defined = set(params)
    for stmt in body:
        if current:
            _rename_loads(stmt, current, names_of.get(id(stmt)))
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


def _rename_loads(stmt, mapping, nodes=None):
    """Rename the names ``stmt`` reads (nested blocks included) by ``mapping``, in place
    (``nodes``: its Name nodes, where already found)."""
    for node in S.name_nodes(stmt) if nodes is None else nodes:
        if node.id in mapping and isinstance(node.ctx, gast.Load):
            node.id = mapping[node.id]


def _stores_and_names(body):
    """({name: how many times ``body`` assigns it}, every name ``body`` mentions), in one walk."""
    counts, names = {}, set()
    store = gast.Store
    for node in S.name_nodes(gast.Module(body=body, type_ignores=[])):
        names.add(node.id)
        if type(node.ctx) is store:
            counts[node.id] = counts.get(node.id, 0) + 1
    return counts, names


class ReverseMode(Transform):
    def __init__(self, source, fn, wrt, namer, namespace, preserve_result=False, *, callees, kinds=None):
        super().__init__(source, fn, namer, namespace, callees)
        self.wrt = wrt
        self.preserve_result = preserve_result
        self.kinds = kinds or {}        # parameter -> argument kind, for specialized code

    # -- entry point -------------------------------------------------------------

    def run(self):
        """The derivative, optimized for the argument kinds it was made with."""
        return self.finish(self.transform(), self.kinds)

    def transform(self):
        """The derivative before the optimize passes: all the work that depends on the
        source alone (and every refusal), whatever the kinds of the arguments."""
        fn = self.fn
        params = [a.id for a in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs]
        self.params = set(params)
        given = fn.body[:-1]
        body = snapshot_rebinding_calls(self, given)
        # (where the snapshots changed the body, the check copies it: making them again would name anew)
        body, result = self._core_form(params, body, fn.body[-1].value, self.pristine_body() if body is given else None)
        wrt_names = [params[i] for i in self.wrt]
        self._analyze(body, params, wrt_names)
        plan = self._plan_saves(body, params)
        # names given a placeholder before their first save; those a zero of the adjoint
        # sweep reads keep it, saved or not (adjoint_control._zero_before)
        self.placeholders, self.placeholders_read = frozenset(plan.needs_init), set()
        self.shape_sources = shape_sources(body)
        seed = self.adjoint(self.output) if self.output in self.active else self.namer.fresh(self.prefix + "out")
        self.callees.announce((seed,))
        forward_sweep = ForwardSweep(self)
        forward = forward_sweep.block(body) + self._returned_read()
        if self.preserve_result and self.output in self.fixed:
            kept = self.namer.fresh(self.output + "_value")
            forward.append(S.assign(kept, S.name(self.output)))
            result = S.name(kept)
        state = {seed: SET} if self.output in self.active else {}
        backward, state = AdjointSweep(self, body).block(body, state)
        self._spread = _seed_spread(self, body, seed) if self.output in self.active else None
        if self._spread is not None:
            backward.insert(0, self._spread)
        ret = gast.Return(value=self._returned(wrt_names, state, result))
        unsaved = save_shapes_only(forward, backward, self.helper_call, ret)
        copy_views_read_back(body, forward, backward, self.helper_call, self.namer)
        stacks = [stack for name, stack in plan.stacks.items() if name not in unsaved]
        placeholders = plan.needs_init - (unsaved - self.placeholders_read)
        inits = stack_inits(stacks + forward_sweep.item_stacks, placeholders)
        inits += check_unbound_reads(forward, placeholders, params, self.namer)
        self._boundary = (len(inits) + len(forward), result)     # where check_output puts its check
        self._context = optimize.OptimizeContext(
            params + [seed], self.derivatives, range_targets(body),
            parameter_adjoints={self.adjoint(p) for p in params if p in self.active},
            namespace=self.namespace)
        self._seed = seed
        return self._function(inits + forward + backward + [ret], seed)

    def finish(self, tree, kinds):
        """``tree`` (from ``transform``) optimized for the argument ``kinds`` (parameter ->
        kind; empty for the general code). It changes ``tree``: transform once per finish."""
        # the seed of grad is 1.0; a pullback's (vjp) is of the kind its key gives
        context = self._context.for_kinds({self._seed: "float", **kinds} if kinds else {})
        if self._spread is not None and kinds and self._seed_has_its_shape(kinds):
            tree.body = [stmt for stmt in tree.body if stmt is not self._spread]
        tree.body = optimize.optimize(tree.body, context)
        return tree

    def drop_value(self, tree):
        """Make ``tree`` (from ``transform``, not finished yet) return the gradients alone
        where it returns the value too; the optimize passes then drop what only the value
        needed."""
        returned = tree.body[-1]
        if self.preserve_result and isinstance(returned, gast.Return):
            returned.value = returned.value.elts[1]
            self.preserve_result = False

    def check_output(self, tree, kinds):
        """Make ``tree`` (from ``transform``, not finished yet) check, between its forward
        and its reverse sweep, that the output is a real number, as calling grad does
        (``runtime.check_scalar_output``); not for argument ``kinds`` that prove it one."""
        params = {k: v for k, v in kinds.items() if k != self._seed}
        if kinds and returns_real_number(self.fn, params, shapes._is_elementwise, shapes._SHAPE_OF_SECOND):
            return
        at, result = self._boundary
        name = getattr(self.source.fn, "__qualname__", self.fn.name)
        tree.body.insert(at, S.expr_stmt(self.helper_call("check_scalar_output", [S.copy(result), S.const(name)])))

    def _core_form(self, params, body, result, original=None):
        """Check what reverse mode supports, then rename straight-line code to single
        assignments and split self-references (see ssa_rename, split_self_references)."""
        self._no_early_returns(body)
        check_in_place_writes(self.source, params, body, S.names_in(result),
                              lambda args: self.helper_call("current_row", args), self.namer,
                              prepare=self.callees.prepare, helper=self.helper_call,
                              returned=anno.get(self.fn, Key.RETURNED), fn=self.fn, original=original)
        body, versions, self.fixed = ssa_rename(body, params, self.namer)
        temporaries = set()
        body = split_self_references(body, self.fixed, self.namer, temporaries)
        self.fixed = self.fixed | temporaries
        if isinstance(result, gast.Name):
            result = S.name(versions.get(result.id, result.id))
        self.output = result.id if isinstance(result, gast.Name) else None
        return body, result

    def _analyze(self, body, params, wrt_names):
        """Activity and what the rules need to know; refuse what has no rule."""
        self.varied, self.active = activity.varied_and_active(body, wrt_names, self.output, self.describe)
        release_caught_values(body, self.varied)
        release_compared_checks(body, self.varied)
        self.known_arrays = array_names(body, params, self.describe)
        self._store_counts, names = _stores_and_names(body)
        self.assigned_names = set(self._store_counts)
        self.local_names = set(params) | self.assigned_names
        mark_top_level(body)
        # the return too: where the name it returns may be unbound, it raises there
        self._return = gast.Return(value=S.name(self.output)) if self.output else None
        mark_raising(body + ([self._return] if self._return else []), S.names_in(self.fn.args), self.source.fn,
                     [a.id for a in self.fn.args.kwonlyargs])     # kept where their value is unused
        check_deques(self.source, body, self.active)     # before the rules: no rule makes a deque
        check_dict_keys(self, body, self.varied)
        check_unknown_receivers(self, body, self.varied)
        self._check_rules(body)
        # the names of the function: its body's (which holds its statements, renamed, and
        # the temporaries made since, all the namer's), its parameters' and its result's
        names |= S.names_in(self.fn.args) | S.names_in(self.fn.body[-1])
        self.prefix = derivative_prefix(self.namer.taken | names)

    def _returned_read(self):
        """``r``, at the end of the forward sweep, where the returned name may be unbound (a
        loop binding it ran no pass): Python raises at the return, and so must the
        derivative, whose reverse sweep reads only r's seed."""
        reason = self._return and anno.get(self._return, Key.MAY_RAISE)
        if not reason or reason[0] != UNBOUND:
            return []
        read = S.assign(self.namer.fresh("read"), S.read_of(self.output))   # emitted as `r`, commented
        anno.set(read, Key.MAY_RAISE, reason)
        return [read]

    def _plan_saves(self, body, params):
        store_counts = dict(self._store_counts)
        for name in params:
            store_counts[name] = store_counts.get(name, 0) + 1
        plan = SavePlan(body, self.fixed, store_counts, self.namer, params)
        plan.annotate(body, 0, set(params), set(params))
        return plan

    def _returned(self, wrt_names, state, result):
        """The gradients (zeros for inputs the output does not depend on), after the
        value when ``preserve_result``."""
        grads = []
        # a for loop is a statement: its statements only, not every node of the function
        loop_targets = {name for node in S.statements(self.fn.body) if isinstance(node, gast.For)
                        for name in S.stored_names(node.target)}
        for name in wrt_names:
            if name in self.active and state_of(state, self.adjoint(name)) is not UNSET and name in loop_targets:
                # a loop's target (restored by now): the zero its rebinding left is a plain
                # 0.0 (adjoint_control.py), and the gradient has the argument's shape
                grads.append(self.helper_call("unbroadcast", [S.name(self.adjoint(name)), S.name(name)]))
            elif name in self.active and state_of(state, self.adjoint(name)) is not UNSET:
                grads.append(S.name(self.adjoint(name)))
            else:
                grads.append(self.helper_call("zeros_like", [S.name(name)]))
        value = grads[0] if len(grads) == 1 else gast.Tuple(elts=grads, ctx=gast.Load())
        if self.preserve_result:
            value = gast.Tuple(elts=[S.copy(result), value], ctx=gast.Load())
        return value

    def _seed_has_its_shape(self, kinds):
        """Whether, for arguments of ``kinds``, the seed needs no spreading: a pullback's
        seed given as an array (of the output's shape), or an output proven a number."""
        if argument_kinds.is_array(kinds.get(self._seed)):
            return True
        params = {k: v for k, v in kinds.items() if k != self._seed}
        return returns_real_number(self.fn, params, shapes._is_elementwise, shapes._SHAPE_OF_SECOND)

    def seed_spread(self, seed):
        """``d_f * numpy.ones_like(f)``: the seed spread over the output's shape."""
        module = gast.Attribute(value=S.name(self.namespace.ref_original(numpy)), attr="ones_like", ctx=gast.Load())
        ones = S.call(module, [S.name(self.output)])
        anno.set(ones, Key.TARGET, numpy.ones_like)
        return gast.BinOp(left=S.name(seed), op=gast.Mult(), right=ones)

    def _function(self, body, seed):
        args = S.copy(self.fn.args)
        # keyword-only, so an extra positional argument is an error, as it is for fn
        args.kwonlyargs.append(gast.Name(id=seed, ctx=gast.Param(), annotation=None, type_comment=None))
        args.kw_defaults.append(S.const(1.0))
        name = self.namer.fresh("grad_" + self.fn.name)
        return gast.FunctionDef(name=name, args=args, body=body, decorator_list=[], returns=None,
                                type_comment=None, type_params=[])

    def _no_early_returns(self, body):
        if not any(isinstance(stmt, _RETURN_OR_SCOPE) for stmt in S.statements(body)):
            return          # a return is a statement: none in any block, none at all
        for stmt in body:
            for node in S.walk_nodes(stmt):
                if isinstance(node, gast.Return):
                    raise self.source.error(
                        "a return before the end of the function is not supported yet; "
                        "assign the result to a variable and return it at the end",
                        node, construct="early return")

    def _check_rules(self, body):
        held = Holding(S.statements(body)).read_out_of(self.active)
        check_reads_before_outside_changes(self.source, body, self.params, self.active)
        for stmt in S.statements(body):
            check_outside_changes(self.source, stmt, self.varied)
            check_registering_constructor(self.source, stmt, self.varied)
            check_outside_methods(self.source, stmt, self.varied)
            if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
                check_used_effect_call(self.source, stmt, self.active, held, self.fn, self.varied)
                if stmt.targets[0].id not in self.active:
                    check_unused_method_value(self.source, stmt, self.active, held, self.fn, self.varied)
                    continue
                op = self.describe(stmt.value)
                if op.kind in (OpKind.UNKNOWN, OpKind.OPAQUE, OpKind.FUNCTION) and not any(
                        isinstance(a, gast.Name) and a.id in self.active for a in op.atoms()):
                    continue        # a constant as far as derivatives go
                self._check_op(stmt, op)
            elif isinstance(stmt, gast.Assign):
                pass        # in-place writes: checked by check_in_place_writes
            elif isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call):
                check_effect_call(self.source, stmt, self.active, held, self.fn, self.varied)

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
        if construct_error(self.source, stmt, op, self.fn) is not None:
            raise construct_error(self.source, stmt, op, self.fn)
        if op.kind is OpKind.UNKNOWN:
            what = registry.user_name(op.key) if op.key is not None else op.label
            raise unknown_call_error(self.source.error(
                registry.no_rule_text(what, op.key, "adjoint")
                + (built_in_partial_advice(self.source, op) or unknown_method_advice(op)),
                stmt, construct=what), op, self.fn)
        what = op.label or "this expression"
        raise self.source.error(f"astgrad cannot differentiate {what} here: it reads a differentiated value; "
                                "write it as a loop, or wrap the value in astgrad.stop_gradient(...)", stmt,
                                construct=what)

    # -- names -------------------------------------------------------------------

    adjoint = Transform.derivative_name      # a derivative is an adjoint here


# operations whose adjoint needs the seed with the output's axes: products, stacking, and
# reductions along an axis (an elementwise operation broadcasts a number seed)
_NEED_AXES = frozenset({"matmul", "dot", "inner", "einsum", "tensordot", "kron", "outer", "cross", "stack", "vstack",
                        "hstack", "dstack", "column_stack", "concatenate", "diff", "repeat", "inv", "pinv", "solve",
                        "matmul_adjoint_left", "matmul_adjoint_right", "dot_adjoint_left", "dot_adjoint_right"})
_REDUCTIONS = frozenset({"sum", "mean", "prod", "max", "min", "amax", "amin", "nansum", "nanmean", "nanprod",
                         "nanmax", "nanmin", "std", "var", "nanstd", "nanvar", "average", "median", "ptp", "norm",
                         "logsumexp", "cumsum", "cumprod"})


def _seed_spread(transform, body, seed):
    """The statement giving ``seed`` the shape of ``transform``'s output where the rules
    reading it need its axes, or None where the number 1.0 fits (``transform`` above)."""
    assignments = _assignments_by_name(body)    # one walk, for both questions
    if not _seed_fits_any_shape(assignments, transform.output):
        # the seed 1.0 of a one-element output (shape (1, 1)), as the number it holds,
        # in the output's shape: the adjoint of @, stack, ... needs its axes
        return S.assign(seed, transform.seed_spread(seed))
    like = _unindexed_like(assignments, transform.output)
    if like is None:
        return None
    # gradient code's output, shaped like an argument: the adjoint of unindex indexes
    # the seed, which a 0-d array's 1.0 must be as a 0-d array for
    return S.assign(seed, transform.helper_call("seed_shaped_like", [S.name(seed), S.name(like)]))


def _seed_fits_any_shape(assignments, output):
    """Whether every statement computing ``output`` (of ``assignments``, from
    ``_assignments_by_name``) takes a number as its adjoint seed
    whatever the output's shape: all but a product (``@``, ``numpy.dot``, ``einsum``),
    a stacking and a reduction along an axis, whose adjoints need the seed with the
    output's axes, which a one-element output (shape (1, 1)) has (see ``transform``)."""
    for stmt in assignments.get(output, ()):
        op = ops.describe(stmt.value)
        name = getattr(op.key, "__name__", "") if op.kind is OpKind.CALL else ""
        if name in _NEED_AXES or name in _REDUCTIONS and (len(op.args) > 1 or op.kwargs):
            return False
    return True


def _unindexed_like(assignments, output):
    """The name of an array shaped like ``output`` where an ``unindex`` call's result
    reaches it, as the gradient of an indexed value does in gradient code (None
    otherwise): the adjoint of ``unindex`` indexes the seed, which must then be an array
    (a 0-d one), not the number 1.0. ``assignments``: from ``_assignments_by_name``."""
    summed = _summed_unindex_like(assignments, output)
    if summed is not None:
        return summed
    # reached through other operations (``unindex(...) * 2.0``): a number seed stays a
    # number through them, so the seed takes the kind of the output itself
    return output if _reads_unindex(assignments, output) else None


def _summed_unindex_like(assignments, output):
    """The array unindexed where ``output`` is a sum of ``unindex`` calls, as the gradient
    of an indexed argument is (None otherwise)."""
    names, seen = [output], set()
    while names:
        name = names.pop()
        seen.add(name)
        for stmt in assignments.get(name, ()):
            value = stmt.value
            terms = [value.left, value.right] if isinstance(value, gast.BinOp) and isinstance(value.op, gast.Add) \
                else [value]
            for term in terms:
                if isinstance(term, gast.Call) and ops.describe(term).key is runtime.unindex:
                    like = term.args[1] if len(term.args) > 1 else None
                    return like.id if isinstance(like, gast.Name) else output
                if isinstance(term, gast.Name) and term.id not in seen:
                    names.append(term.id)
    return None


def _reads_unindex(assignments, output):
    """Whether computing ``output`` reads an ``unindex`` call's result, through any
    operations (the statements of ``assignments`` binding the names it reads)."""
    names, seen = [output], {output}
    while names:
        for stmt in assignments.get(names.pop(), ()):
            # the commonest value, operands alone, holds no call: its names without a walk
            operands = S.plain_operands(stmt)
            if operands is not None:
                read = [node.id for node in operands if node.__class__ is gast.Name]
            elif any(ops.describe(call).key is runtime.unindex for call in S.call_nodes(stmt.value)):
                return True
            else:
                read = S.names_in(stmt.value)
            for name in read:
                if name not in seen:
                    seen.add(name)
                    names.append(name)
    return False


def _assignments_by_name(body):
    """Each name the assignments in ``body`` (nested ones included) bind, with those
    assignments in order."""
    assignments = {}
    for stmt in S.statements(body):
        if isinstance(stmt, gast.Assign):
            targets = stmt.targets
            if len(targets) == 1 and type(targets[0]) is gast.Name:     # the commonest, without a set
                names = (targets[0].id,) if isinstance(targets[0].ctx, gast.Store) else ()
            else:
                names = {n for target in targets for n in _stored(target)}
            for name in names:
                assignments.setdefault(name, []).append(stmt)
    return assignments


def _stored(target):
    """The names the assignment target ``target`` binds."""
    if type(target) is gast.Name:       # the commonest, without a walk
        return (target.id,) if isinstance(target.ctx, gast.Store) else ()
    return S.stored_names(target)
