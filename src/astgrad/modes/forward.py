"""Forward mode: a tangent statement right after each primal statement.

The generated function takes the primal arguments and, as keyword-only
parameters, the tangents of the differentiated ones, and returns
``(value, tangent)``. Control flow is kept as it is: tangents simply travel along.
A name that carries a tangent gets one on every assignment (zeros where the
assigned value does not depend on the inputs), so tangents exist on every path.
"""

import gast
import numpy

from ..analysis import activity
from ..analysis.mutation import mutates_arguments, names_changed_in_place
from ..core import anno, ops
from ..core.anno import Key
from ..core.ops import OpKind
from ..backend import optimize
from .. import argument_kinds, runtime
from ..core import syntax as S
from ..core import walk
from ..core.functions import derivative_keywords
from .caught_values import release_caught_values
from .compared_checks import release_compared_checks
from .default_writers import called_for_its_log, refuse_default_writer
from .impure_callees import refuse_clock_callee
from .list_tangents import ListTangents
from ..core.naming import derivative_prefix
from ..rules import registry
from .templates import BindError, instantiate
from .value_calls import call_value_code
from ..analysis.raising import mark_raising
from .registering_constructors import check_registering_constructor
from .common import array_names, mark_top_level, Transform, check_deques, check_dict_keys, check_effect_call, \
    check_used_effect_call, check_unknown_receivers, \
    check_entered_managers, check_unused_method_value, check_in_place_writes, check_outside_changes, \
    check_outside_methods, range_targets
from .holding import Holding
from .built_in_partial import built_in_partial_advice
from .common import construct_error, if_as_written, split_self_references, unknown_call_error, unknown_method_advice


def _derivative_def(fn, body, tangents, name):
    """The derivative ``name`` of ``fn``: its parameters, a keyword-only parameter for each
    of ``tangents``, and ``body``."""
    args = S.copy(fn.args)
    for tangent in tangents:
        args.kwonlyargs.append(gast.Name(id=tangent, ctx=gast.Param(), annotation=None, type_comment=None))
        args.kw_defaults.append(None)
    return gast.FunctionDef(name=name, args=args, body=body, decorator_list=[], returns=None,
                            type_comment=None, type_params=[])


def _tangent_kinds(kinds, wrt_names, tangent):
    """The argument kinds, and for each tangent (named by ``tangent``) its primal's layout
    (specialized code is called with tangents shaped like their primals; their dtype is
    not assumed)."""
    if not kinds:
        return {}
    kinds = dict(kinds)
    for name in wrt_names:
        kinds[tangent(name)] = argument_kinds.shaped_like(kinds.get(name))
    return kinds


class ForwardMode(Transform):
    def __init__(self, source, fn, wrt, namer, namespace, *, callees, kinds=None, tangent_only=False,
                 value_only=False):
        super().__init__(source, fn, namer, namespace, callees)
        self.wrt = wrt
        self.kinds = kinds or {}            # parameter -> argument kind, for specialized code (run)
        self.tangent_only = tangent_only    # return the tangent alone (the value is not computed)
        self.value_only = value_only        # no tangents: the value code reverse mode's forward sweep calls

    def run(self):
        return self.finish(self.transform(), self.kinds or None)

    def transform(self):
        """The derivative before the optimize passes (every refusal is raised here)."""
        fn = self.fn
        params = [a.id for a in fn.args.posonlyargs + fn.args.args + fn.args.kwonlyargs]
        result = fn.body[-1].value
        body, wrt_names = self._analyzed(params, fn.body[:-1], result)
        self.prefix = derivative_prefix(self.namer.taken | S.names_in(fn))
        self.callees.announce(tuple(self.tangent(name) for name in wrt_names))
        # parameters that become varied later (a seed reassigned in a loop) start at zero
        starts = [S.assign(self.tangent(p), self.helper_call("zeros_like", [S.name(p)]))
                  for p in params if p in self.active and p not in wrt_names]
        new_body = starts + self.block(body)
        new_body.append(self._returned_statement(result))
        self._params, self._wrt_names = params, wrt_names
        self._ranges = range_targets(new_body)
        tangents = [self.tangent(name) for name in wrt_names]
        name = self.namer.fresh(("value_" if self.value_only else "jvp_") + fn.name)
        return _derivative_def(fn, new_body, tangents, name)

    def _analyzed(self, params, body, result):
        """(the body checked, its self-references split, and marked; the names
        differentiated by), with what the tangent rules ask known: which names vary and
        affect ``result``, which hold arrays and lists, which the body binds."""
        check_in_place_writes(self.source, params, body, S.names_in(result),
                              lambda args: self.helper_call("current_row", args), self.namer,
                              prepare=self.callees.prepare, helper=self.helper_call,
                              returned=anno.get(self.fn, Key.RETURNED), fn=self.fn, original=self.pristine_body())
        stored, made = S.stored_names(gast.Module(body=body, type_ignores=[])), set()
        body = split_self_references(body, set(params) | stored, self.namer, made=made)
        wrt_names = [params[i] for i in self.wrt]
        # a call for its effect matters only where the result depends on what it changes
        # (ax.imshow(v) draws, the value returned never reads ax), as in reverse mode
        output = result.id if isinstance(result, gast.Name) else None
        self.active, self.affecting = activity.varied_and_active(body, wrt_names, output, self.describe)
        # nothing affects the output (a callee's value code): nothing is read out of it
        self.held = Holding(S.statements(body)).read_out_of(self.affecting) if self.affecting else set()
        check_entered_managers(self.source, body, self.active)
        release_caught_values(body, self.active)        # active here: varied
        release_compared_checks(body, self.active)
        self.output_known = output is not None
        check_deques(self.source, body, self.active)
        check_dict_keys(self, body, self.active)
        check_unknown_receivers(self, body, self.active)
        if self.active:
            self.known_arrays = array_names(body, params, self.describe)
            self.lists = ListTangents(body, params, self.kinds or None, self.known_arrays)     # any kinds: drop_for
        else:       # nothing varies (a callee's value code): no tangent rule asks what holds arrays or lists
            self.known_arrays, self.lists = set(), ListTangents.none()
        # the names the body stores: those found before the split (a walk over all its
        # nodes, not repeated), and its temporaries; the checks since assign nothing
        self.assigned_names = stored | made
        self.local_names = set(params) | self.assigned_names
        mark_top_level(body)
        mark_raising(body, S.names_in(self.fn.args), self.source.fn,
                     [a.id for a in self.fn.args.kwonlyargs])     # kept where their value is unused
        return body, wrt_names

    def _returned_statement(self, result):
        """The derivative's return of ``result`` and its tangent (or either alone), at the
        user's return line: NumPy's warnings in it are reported there."""
        value = S.copy(result)
        if isinstance(result, gast.Name) and result.id in self.active:
            tangent = S.name(self.tangent(result.id))
        else:
            tangent = self.helper_call("zeros_like", [S.copy(result)])
        returned = tangent if self.tangent_only else gast.Tuple(elts=[value, tangent], ctx=gast.Load())
        returned = value if self.value_only else returned
        return gast.copy_location(gast.Return(value=returned), self.fn.body[-1])

    def finish(self, tree, kinds):
        """``tree`` (from ``transform``) optimized for the argument ``kinds`` (parameter ->
        kind; None for the general code). It changes ``tree``: transform once per finish."""
        outside = self._params + [self.tangent(name) for name in self._wrt_names] if kinds else self._params
        tree.body = self.lists.drop_for(tree.body, self._params, kinds)
        context = optimize.OptimizeContext(outside, self.derivatives, self._ranges,
                                           rewrites=[self.own_written_tangents],
                                           kinds=_tangent_kinds(kinds, self._wrt_names, self.tangent))
        tree.body = optimize.optimize(tree.body, context)
        return tree

    # -- names -------------------------------------------------------------------

    tangent, tangent_of = Transform.derivative_name, Transform.derivative_of   # a derivative is a tangent here

    def tangent_or_zeros(self, atom):
        name = self.tangent_of(atom)
        return S.name(name) if name else self.helper_call("zeros_like", [S.copy(atom)])

    # -- statements --------------------------------------------------------------

    def block(self, block):
        return [new for stmt in block for new in self.statement(stmt)]

    def statement(self, stmt):
        check_outside_changes(self.source, stmt, self.active)     # varied: what it stores may be read back
        check_registering_constructor(self.source, stmt, self.active)
        check_outside_methods(self.source, stmt, self.active)
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Subscript):
            return self.setitem(stmt)
        if isinstance(stmt, gast.Assign):
            check_used_effect_call(self.source, stmt, self.affecting, self.held, self.fn, self.active)
            if stmt.targets[0].id not in self.affecting:       # t = obj.step(w), t only compared
                check_unused_method_value(self.source, stmt, self.affecting, self.held, self.fn, self.active)
            return self.assign(stmt)
        if isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call):
            check_effect_call(self.source, stmt, self.affecting, self.held, self.fn, self.active)
            if anno.get(stmt.value, Key.METHOD) == "append":
                return self.append(stmt)
            if anno.get(stmt.value, Key.TARGET) in (runtime.put_back_popped, runtime.take_back_popped):
                return self.put_back_popped(stmt)
        if isinstance(stmt, gast.If):
            return [if_as_written(stmt, self.block)]
        if isinstance(stmt, gast.While):
            return [gast.While(test=S.copy(stmt.test), body=self.block(stmt.body), orelse=[])]
        if isinstance(stmt, gast.For):
            return self.for_loop(stmt)
        return [S.copy(stmt)]

    def for_loop(self, stmt):
        """The loop as written; ``for k, item in enumerate(xs)`` also gives each item
        its tangent, the k-th element of the sequence's tangent."""
        body, given = self.block(stmt.body), set()
        if isinstance(stmt.target, gast.Tuple):
            index, item = (e.id for e in stmt.target.elts)
            seq = stmt.iter.args[0]
            if item in self.active and self.tangent_of(seq):
                value = self.helper_call("loop_item", [S.name(self.tangent_of(seq)), S.copy(seq), S.name(index)])
                body = [S.assign(self.tangent(item), value)] + body
                given.add(item)
        # any other name the loop binds (an int of a range, an index, an item of a sequence
        # without tangent) has none, whatever it held before the pass
        zeroed = [S.assign(self.tangent(name), self.helper_call("zeros_like", [S.name(name)]))
                  for name in sorted(S.stored_names(stmt.target) - given) if name in self.active]
        body = zeroed + body
        return [gast.For(target=S.copy(stmt.target), iter=S.copy(stmt.iter), body=body or [gast.Pass()],
                         orelse=[], type_comment=None)]

    def assign(self, stmt):
        name = stmt.targets[0].id
        # the statement itself, not a copy: the tree is this transform's own, written out
        # once, and the tangent code copies the atoms it reads (templates, helper calls)
        primal = stmt
        if name not in self.active:
            if self.value_only:     # a callee's value from its value code, as reverse mode's forward sweep has it
                call_value_code(self, stmt, ops.describe(stmt.value))
            return [primal]
        op = ops.describe(stmt.value)
        active_inputs = [a for a in op.atoms() if self.tangent_of(a)]
        if op.kind is OpKind.FUNCTION and active_inputs:
            return self.line_comment(stmt) + self.call(stmt, op)
        if op.kind is OpKind.POP:
            owner = op.args[0]
            if self.tangent_of(owner) is None:      # a stack of values without tangents
                return [primal, S.assign(self.tangent(name), self.helper_call("zeros_like", [S.name(name)]))]
            pop = S.call(gast.Attribute(value=S.name(self.tangent_of(owner)), attr="pop", ctx=gast.Load()), [])
            anno.set(pop, Key.METHOD, "pop")
            return [primal, S.assign(self.tangent(name), pop)]
        if op.kind is OpKind.CALL and active_inputs:
            self.check_method_arguments(stmt, op, self.tangent_of, registry.TANGENTS)
        terms = self.terms(stmt, op) if active_inputs and op.differentiable else []
        if not terms:
            value = self.helper_call("zeros_like", [S.name(name)])
            return [primal, S.assign(self.tangent(name), value)]
        out = self.line_comment(stmt) + [primal]
        total = None
        for term in terms:
            if not anno.get(term, Key.ACCUMULATE, False):
                out.append(term)
                continue
            value = term.value
            total = value if total is None else gast.BinOp(left=total, op=gast.Add(), right=value)
        tangent = S.assign(self.tangent(name), total)
        anno.set(tangent, Key.TANGENT_OF, name if op.kind is OpKind.CALL else None)  # see own_written_tangents
        out.append(tangent)
        return out

    def own_written_tangents(self, body):
        """Where tangents are written in place (``d_a[i] = ...``), no other tangent may
        share their memory unless the values do. A rule may hand back an operand's
        tangent itself (``d_b = d_a`` for ``b = a + 1.0``, ``a.copy()``, ``np.array(a)``),
        so in a group of tangents that may share memory with a written one, a tangent
        that is not certainly a new array goes through ``own_tangent``: it copies the
        tangent where ``b`` is a new array but the tangent is ``a``'s, and keeps it where
        ``b`` is a view of ``a``, as NumPy shares the values' memory."""
        # a list's tangent read as an array (list_rows) is that tangent where it is not a list
        tangents = set(self.derivatives.values()) | set(self.lists.primal_of)
        if not tangents:
            return body         # (a helper's value code): no tangent to own, no write to look for
        hot = _sharing_and_writes(body, tangents)
        if not hot:
            return body
        primal_of = {t: p for p, t in self.derivatives.items()}
        primal_of.update(self.lists.primal_of)

        def owned(name, tangent, shared):
            if not shared:              # only a read-only broadcast needs a copy
                return self.helper_call("own_tangent", [tangent, S.name(name)])
            for other in sorted(shared):
                tangent = self.helper_call("own_tangent", [tangent, S.name(name), S.name(primal_of[other]),
                                                           S.name(other)])
            return tangent

        def own(stmt):
            name = anno.get(stmt, Key.TANGENT_OF)
            if name is None or self.derivatives.get(name) not in hot:
                return stmt
            if isinstance(stmt.targets[0], gast.Tuple):       # a callee may return an argument's tangent
                shared = _shared_names(stmt.value, tangents)
                if shared:
                    return [stmt, S.assign(self.tangent(name), owned(name, S.name(self.tangent(name)), shared))]
            elif not _certainly_new(stmt.value):
                stmt.value = owned(name, stmt.value, _shared_names(stmt.value, tangents))
            return stmt
        return walk.rewrite_blocks(body, own)

    def terms(self, stmt, op):
        """The statements of ``stmt``'s tangent, their values simplified (``optimize.simplify``)."""
        if op.kind is OpKind.COPY:
            return [_accumulate(self.tangent(stmt.targets[0].id), S.name(self.tangent_of(op.args[0])))]
        if op.kind is OpKind.LITERAL:
            elements = [self.tangent_or_zeros(a) for a in op.args]
            if op.key == "dict":
                value = gast.Dict(keys=[S.copy(k) for k in stmt.value.keys], values=elements)
            elif op.key == "tuple":
                value = gast.Tuple(elts=elements, ctx=gast.Load())
            else:
                value = gast.List(elts=elements, ctx=gast.Load())
            return [_accumulate(self.tangent(stmt.targets[0].id), optimize.simplify(value))]
        if construct_error(self.source, stmt, op, self.fn) is not None:
            raise construct_error(self.source, stmt, op, self.fn)
        if op.kind is not OpKind.CALL:
            if self.unused(stmt):
                return []       # the output does not depend on it (k.startswith("m") of a key)
            what = registry.user_name(op.key) if op.key is not None else op.label
            raise unknown_call_error(self.source.error(
                registry.no_rule_text(what, op.key, "tangent")
                + (built_in_partial_advice(self.source, op) or unknown_method_advice(op)), stmt, construct=what),
                op, self.fn)
        if registry.is_non_differentiable(op.key):
            return []
        ignored = self.ignored_dtype(op, registry.TANGENTS)     # (read once for both questions)
        if self.discards_derivative(stmt, op, registry.TANGENTS, ignored):
            return []
        template = registry.lookup(registry.TANGENTS, op.key)
        if template is None:
            raise registry.missing_rule_error(self.source, stmt, op.key, "tangent")
        args = self.call_atoms(op)
        result = stmt.targets[0].id
        as_rows = self.lists.as_arrays(op, args, result, self.tangent_of, self.namer, self.helper_call)

        def derivative_of(atom):
            if isinstance(atom, gast.Name) and atom.id == result and atom is not None:
                return self.tangent(result)
            return as_rows[0].get(atom.id) if isinstance(atom, gast.Name) and atom.id in as_rows[0] \
                else self.tangent_of(atom)
        try:
            # simplified as they are made: a second walk over each term's tree cost a sixth of the transform
            terms = instantiate(template, S.name(result), args, op.kwargs, derivative_of,
                                self.namespace, self.namer, self.zero_safe, simplified=True,
                                global_constant=self.global_constant)
        except BindError as exc:
            if self.unused(stmt):
                return []       # set(d) of a dict's keys, only looked up in
            raise self.unbound_rule_error(stmt, op, exc) from None
        checks = self.receiver_check(stmt, op) + self.dtype_check(stmt, op, registry.TANGENTS, ignored)
        if not terms:
            return []
        for check in checks:
            check.value = optimize.simplify(check.value)
        return checks + as_rows[1] + terms

    def unused(self, stmt):
        """Whether the output does not depend on what ``stmt`` assigns (a zero tangent is
        then as good as its own: reverse mode differentiates only what the output uses)."""
        call = stmt.value
        return self.output_known and stmt.targets[0].id not in self.affecting \
            and not (isinstance(call, gast.Call) and mutates_arguments(call))

    def call(self, stmt, op):
        """``y = helper(a, b)`` becomes ``y, d_y = jvp_helper(a, b, d_a=d_a)``."""
        jvp, active = self.callee_derivative(stmt, op, lambda atom: self.tangent_of(atom) is not None,
                                             lambda callee, wrt: self.callees.derive(
                                                 callee, "forward", wrt, zero_safe=self.zero_safe))
        if jvp is not None:
            refuse_clock_callee(self, stmt, op)        # as reverse mode does, which runs it again
        logs_to_default = jvp is not None and refuse_default_writer(self, stmt, op)
        tangent_params = derivative_keywords(jvp)
        keywords = {k: S.copy(v) for k, v in op.kwargs.items()}
        for (_, atom), tangent_param in zip(active, tangent_params[-len(active):]):
            keywords[tangent_param] = S.name(self.tangent_of(atom))
        call = S.call(S.name(self.namespace.ref(jvp, jvp.__name__)), [S.copy(a) for a in op.args], keywords)
        anno.set(call, Key.TARGET, jvp)
        name = stmt.targets[0].id
        target = gast.Tuple(elts=[S.name(name, store=True), S.name(self.tangent(name), store=True)],
                            ctx=gast.Store())
        assign = S.assign(target, call)
        anno.set(assign, Key.TANGENT_OF, name)
        return called_for_its_log(self, stmt, assign) if logs_to_default else [assign]

    def setitem(self, stmt):
        target = stmt.targets[0]
        base = target.value.id
        out = [self.as_written(stmt)]
        if base in self.active:
            tangent_target = gast.Subscript(value=S.name(self.tangent(base)), slice=S.copy(target.slice),
                                            ctx=gast.Store())
            tangent = self.tangent_or_zeros(stmt.value)
            if self.tangent_of(stmt.value) is not None:     # an int or bool array stores none
                tangent = self.helper_call("through_store", [tangent, S.name(base)])
            out.append(S.assign(tangent_target, tangent))
        return out

    def append(self, stmt):
        call = stmt.value
        owner = call.func.value
        out = [S.copy(stmt)]
        if isinstance(owner, gast.Name) and owner.id in self.active:
            push = S.call(gast.Attribute(value=S.name(self.tangent(owner.id)), attr="append", ctx=gast.Load()),
                          [self.tangent_or_zeros(call.args[0])])
            anno.set(push, Key.METHOD, "append")
            out.append(S.expr_stmt(push))
        return out

    def put_back_popped(self, stmt):
        """A derivative's ``put_back_popped(xs, v)`` (or ``take_back_popped``): xs's tangent gets v's back too."""
        call = stmt.value
        owner, value = call.args
        out = [S.copy(stmt)]
        if isinstance(owner, gast.Name) and owner.id in self.active:
            helper = "put_back_popped" if anno.get(call, Key.TARGET) is runtime.put_back_popped else "take_back_popped"
            out.append(S.expr_stmt(self.helper_call(helper, [S.name(self.tangent(owner.id)),
                                                             self.tangent_or_zeros(value)])))
        return out


def _accumulate(target, value):
    node = S.assign(target, value)
    anno.set(node, Key.ACCUMULATE, True)
    return node


# NumPy functions that always build a new array (or number), whatever their arguments
_NEW_ARRAY_FUNCTIONS = {numpy.sum, numpy.mean, numpy.prod, numpy.dot, numpy.where, numpy.concatenate,
                        numpy.stack, numpy.cumsum, numpy.outer, numpy.zeros, numpy.zeros_like}


def _certainly_new(tangent):
    """Whether the tangent expression builds a new, writable array: operators and ufuncs
    do (broadcast_like may not: it can return its argument or a read-only broadcast)."""
    if isinstance(tangent, (gast.BinOp, gast.UnaryOp, gast.Constant)):
        return True
    if not isinstance(tangent, gast.Call) or any(k.arg == "out" for k in tangent.keywords):
        return False
    target = anno.get(tangent, Key.TARGET)
    return isinstance(target, numpy.ufunc) or target in _NEW_ARRAY_FUNCTIONS \
        or target in (runtime.zeros_like, runtime.snapshot)


def _shared_names(value, tangents):
    """The tangents whose memory the value of a tangent expression may share (itself,
    a view, an item of it), or that it may hold (a list of tangents)."""
    if isinstance(value, gast.Name):
        return {value.id} & tangents
    if _certainly_new(value):
        return set()
    return set().union(*(_shared_names(child, tangents) for child in S.child_nodes(value)))


class _Groups:
    """Union-find over tangent names: the groups that may share memory."""

    def __init__(self):
        self.parent = {}

    def root(self, name):
        while self.parent.setdefault(name, name) != name:
            name = self.parent[name]
        return name

    def join(self, names):
        names = sorted(names)
        for other in names[1:]:
            self.parent[self.root(other)] = self.root(names[0])


def _sharing_and_writes(body, tangents):
    """Groups of tangents that may share memory, and the tangents written in place."""
    written = names_changed_in_place(body) & tangents
    if not written:
        return set()        # no group holds a tangent written in place (most code writes none)
    groups = _Groups()
    for stmt in S.statements(body):
        if isinstance(stmt, gast.Assign):
            target = stmt.targets[0]
            if isinstance(target, gast.Subscript) and isinstance(target.value, gast.Name) \
                    and target.value.id in tangents:
                groups.join({target.value.id} | _shared_names(stmt.value, tangents))
            elif isinstance(target, gast.Tuple):      # y, d_y = jvp_helper(a, d_a=d_a)
                groups.join(S.names_in(stmt) & tangents)
            else:
                groups.join(S.names_in(target) & tangents | _shared_names(stmt.value, tangents))
        elif isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call):
            groups.join(S.names_in(stmt.value) & tangents)
    written_roots = {groups.root(name) for name in written}
    return {name for name in tangents if groups.root(name) in written_roots}
