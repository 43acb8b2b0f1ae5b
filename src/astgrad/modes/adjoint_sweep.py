"""Reverse mode's adjoint sweep: each statement's adjoint, in reverse order.

Walking the body backwards, each assignment passes its result's adjoint on to its
operands through the primitive's adjoint rule, then the value it overwrote is
restored. Adjoints follow :mod:`adjoint_state`: the first contribution to an unset
adjoint assigns it, later ones add. ``if`` and loops are handled by
:class:`~astgrad.modes.adjoint_control.ControlFlowAdjoints`.
"""

import gast

from .. import runtime
from ..analysis.saves import redirect_shapes
from ..backend import optimize
from ..core import anno
from ..core import syntax as S
from ..core.anno import Key
from ..core.ops import OpKind
from ..rules import registry
from .adjoint_control import ControlFlowAdjoints
from .adjoint_state import SET, UNSET, is_set, state_of
from .replayed_calls import around_replay, replayed
from .save_code import method_call, restore_statement
from .templates import BindError, instantiate
from ..core.functions import seed_parameter
from ..core.first_use import imported_when_called

# modules only some functions need, loaded with the first call of these (core/first_use.py)
refuse_default_writer = imported_when_called("astgrad.modes.default_writers", "refuse_default_writer")
refuse_impure_callee = imported_when_called("astgrad.modes.impure_callees", "refuse_impure_callee")
refuse_iterator_callee = imported_when_called("astgrad.modes.impure_callees", "refuse_iterator_callee")
call_value_code = imported_when_called("astgrad.modes.value_calls", "call_value_code")


class AdjointSweep:
    """Writes the adjoint statements of ``mode`` (a ReverseMode) for a block, given
    the adjoint states after it; returns the code and the states before it."""

    def __init__(self, mode, body=()):
        self.mode = mode
        self.body = body
        self.control = ControlFlowAdjoints(self)
        nodes = _operand_nodes(body)        # one walk, for both questions
        # names whose attributes the code reads: objects, whose zero derivative is None
        self.objects = _read_as_objects(nodes)
        # lists the function makes, whose pop is undone with append (put_back_popped asks an
        # argument's receiver: a set's item goes back with add)
        self.own_lists = _made_lists(nodes)

    def block(self, block, state):
        out = []
        for stmt in reversed(block):
            stmts, state = self.statement(stmt, state)
            out.extend(stmts)
        return out, state

    def statement(self, stmt, state):
        if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Subscript):
            return self.setitem(stmt, state)
        if isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call) \
                and anno.get(stmt.value, Key.METHOD) == "append":
            return self.append(stmt, state)
        if isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call) \
                and anno.get(stmt.value, Key.TARGET) in _UNDONE_BY:
            return self.undo_put_back(stmt, state)
        if isinstance(stmt, gast.Assign):
            return self.assign(stmt, state)
        if isinstance(stmt, gast.If) and anno.get(stmt, Key.CATCHES, False):
            from .try_steps import adjoint_try     # loaded by the first try: most code has none
            return adjoint_try(self, stmt, state)
        if isinstance(stmt, gast.If):
            return self.control.if_(stmt, state)
        if isinstance(stmt, gast.Pass) and anno.get(stmt, Key.SAVE):     # try_steps: a restore alone
            return [self.restore(anno.get(stmt, Key.SAVE))], state
        if isinstance(stmt, gast.Pass) and anno.get(stmt, Key.SHAPED_ZEROS):
            from .try_steps import shaped_zeros
            return shaped_zeros(self, anno.get(stmt, Key.SHAPED_ZEROS), state), state
        if isinstance(stmt, (gast.For, gast.While)):
            return self.control.loop(stmt, state)
        return [], state

    def restore(self, save):
        return restore_statement(save, self.mode.helper_call)

    def assign(self, stmt, state):
        op = self.mode.describe(stmt.value)
        if op.kind is OpKind.POP:
            return self.pop(stmt, op, state)
        out = []
        name = stmt.targets[0].id
        if name in self.mode.active:
            adjoint = self.mode.adjoint(name)
            if is_set(state, adjoint) and op.differentiable:
                contributions = self.contributions(stmt, op, adjoint)
                if contributions:
                    out.extend(self.mode.line_comment(stmt))
                if self._restored_first(stmt, name, contributions):
                    out.append(self.restore(anno.get(stmt, Key.SAVE)))
                    stmt = None
                for contribution in contributions:
                    _append_merged(out, self.lower(contribution, state))
            state[adjoint] = UNSET
        save = anno.get(stmt, Key.SAVE) if stmt is not None else None
        if save:
            out.append(self.restore(save))
        return out, state

    def _restored_first(self, stmt, name, contributions):
        """Whether the value ``stmt`` overwrote is restored before its adjoint runs: only
        where that lets the adjoint read a shape off it (``shape_sources``), and nothing
        in the adjoint reads ``name``'s new value."""
        sources = self.mode.shape_sources.after_restore.get(id(stmt))
        if not sources or not anno.get(stmt, Key.SAVE) \
                or any(name in S.loaded_names(c) for c in contributions):
            return False
        redirect_shapes(contributions, sources)
        return True

    def pop(self, stmt, op, state):
        """``v = xs.pop()``: xs gets v back, and its derivative gets d_v back."""
        mode = self.mode
        name = stmt.targets[0].id
        owner = op.args[0].id
        out = []
        if owner in mode.active:
            adjoint = mode.adjoint(owner)
            current = S.name(adjoint) if state_of(state, adjoint) is not UNSET else \
                mode.helper_call("zeros_like", [S.name(owner)])
            value = S.name(mode.adjoint(name)) if name in mode.active and \
                state_of(state, mode.adjoint(name)) is not UNSET else mode.helper_call("zeros_like", [S.name(name)])
            out.extend(mode.line_comment(stmt))
            out.append(S.assign(adjoint, mode.helper_call("append_derivative", [current, value, S.name(owner)])))
            state[adjoint] = SET
        if owner in mode.active or owner in self.own_lists:
            out.append(S.expr_stmt(method_call(owner, "append", [S.name(name)])))
        else:       # an argument's, maybe a set's: put_back_popped asks the receiver (runtime.py)
            out.append(S.expr_stmt(mode.helper_call("put_back_popped", [S.name(owner), S.name(name)])))
        if name in mode.active:
            state[mode.adjoint(name)] = UNSET
        save = anno.get(stmt, Key.SAVE)
        if save:
            out.append(self.restore(save))
        return out, state

    def setitem(self, stmt, state):
        """``y[i] = v``: v gets d_y[i]; the overwritten part of y gets no derivative."""
        mode = self.mode
        target = stmt.targets[0]
        name, value = target.value.id, stmt.value
        out = []
        if name in mode.active and is_set(state, mode.adjoint(name)):
            out.extend(mode.line_comment(stmt))
            adjoint = mode.adjoint(name)
            part = gast.Subscript(value=S.name(adjoint), slice=S.copy(target.slice), ctx=gast.Load())
            if _may_repeat(target.slice):       # only the last write of an element counts
                part = mode.helper_call("written_part", [S.name(adjoint), mode.index_value(target.slice)])
            late = None
            if mode.derivative_of(value) is not None:
                part = mode.helper_call("through_store", [part, S.name(name)])   # none into int arrays
                contribution = mode.helper_call("unbroadcast_stored", [part, S.copy(value)])
                if value.id == name:
                    # y[i] = y: the old y's derivative is d_y with the written part zeroed,
                    # plus what the write read, so that is added after the zeroing below
                    held = mode.namer.fresh(adjoint + "_read")
                    out.append(S.assign(held, contribution))
                    late = _accumulate(adjoint, S.name(held))
                else:
                    out.append(self.lower(_accumulate(mode.adjoint(value.id), contribution), state))
            out.append(self.restore(anno.get(stmt, Key.SAVE)))
            # the zero takes the shape of the item put back (a list's items may differ)
            out.append(S.assign(adjoint, mode.helper_call("zero_index", [
                S.name(adjoint), mode.index_value(target.slice), S.name(name)])))
            if late is not None:
                out.append(self.lower(late, state))
            return out, state
        out.append(self.restore(anno.get(stmt, Key.SAVE)))
        return out, state

    def append(self, stmt, state):
        """``xs.append(v)``: v gets the last derivative of xs; xs loses its last item again."""
        mode = self.mode
        call = stmt.value
        owner, value = call.func.value, call.args[0]
        out = []
        if owner.id in mode.active and is_set(state, mode.adjoint(owner.id)):
            out.extend(mode.line_comment(stmt))
            adjoint = mode.adjoint(owner.id)
            if mode.derivative_of(value) is not None:
                last = gast.Subscript(value=S.name(adjoint), slice=S.const(-1), ctx=gast.Load())
                contribution = self.lower(_accumulate(mode.adjoint(value.id), last), state)
                if value.id in self.objects and isinstance(contribution.value, gast.BinOp):
                    # an object's derivative and the list's item may both be None (zero)
                    contribution.value = mode.helper_call("add_derivatives", [contribution.value.left, last])
                out.append(contribution)
            out.append(S.assign(adjoint, mode.helper_call("drop_last", [S.name(adjoint)])))
        if not anno.get(stmt, Key.REUSED_BY_RESTORE, False):     # else the restore already popped
            out.append(S.expr_stmt(method_call(owner.id, "pop", [])))
        return out, state

    def undo_put_back(self, stmt, state):
        """A derivative's ``put_back_popped(xs, v)`` undoing ``v = xs.pop()`` (or ``take_back_popped(xs, v)``
        undoing that): undone again; where xs has a derivative, its last item goes to v as an
        append's does (or a zero item comes back for the one taken back)."""
        mode = self.mode
        call = stmt.value
        helper = anno.get(call, Key.TARGET)
        owner, value = call.args
        out = []
        undo = S.expr_stmt(mode.helper_call(_UNDONE_BY[helper], [S.copy(a) for a in call.args]))
        active = owner.id in mode.active and is_set(state, mode.adjoint(owner.id))
        if active and helper is runtime.put_back_popped:
            adjoint = mode.adjoint(owner.id)
            if mode.derivative_of(value) is not None:
                last = gast.Subscript(value=S.name(adjoint), slice=S.const(-1), ctx=gast.Load())
                out.append(self.lower(_accumulate(mode.adjoint(value.id), last), state))
            out.append(S.assign(adjoint, mode.helper_call("drop_last", [S.name(adjoint)])))
        out.append(undo)
        if active and helper is runtime.take_back_popped:     # the item back in xs had no part in what follows
            adjoint = mode.adjoint(owner.id)
            out.append(S.assign(adjoint, mode.helper_call("pad_last", [S.name(adjoint), S.name(owner.id)])))
        return out, state

    def lower(self, stmt, state):
        """A statement of an adjoint (simplified when it was made: ``instantiate`` and
        ``_accumulate`` do it); ``d[x] = e`` becomes an assignment or an addition."""
        if not anno.get(stmt, Key.ACCUMULATE, False):
            return stmt
        target = stmt.targets[0].id
        value = stmt.value
        if is_set(state, target):
            value = S.binop(S.name(target), gast.Add(), value)
        state[target] = SET
        return S.assign(target, value)

    def contributions(self, stmt, op, adjoint):
        """The template statements passing ``adjoint`` on to the operands of ``op``."""
        mode = self.mode
        if op.kind is OpKind.COPY:
            source = op.args[0]
            if mode.derivative_of(source) is None:
                return []
            return [_accumulate(mode.adjoint(source.id), S.name(adjoint))]
        if op.kind is OpKind.LITERAL:
            keys = stmt.value.keys if op.key == "dict" else [S.const(i) for i in range(len(op.args))]
            return [_accumulate(mode.derivative_of(element),
                                gast.Subscript(value=S.name(adjoint), slice=S.copy(key), ctx=gast.Load()))
                    for key, element in zip(keys, op.args) if mode.derivative_of(element) is not None]
        if op.kind in (OpKind.UNKNOWN, OpKind.OPAQUE, OpKind.CONST):
            return []               # no differentiated inputs (checked before)
        if op.kind is OpKind.FUNCTION:
            return self.call_contributions(stmt, op, adjoint)
        ignored = mode.ignored_dtype(op, registry.ADJOINTS)     # (read once for both questions)
        if mode.discards_derivative(stmt, op, registry.ADJOINTS, ignored):
            return []
        template = registry.lookup(registry.ADJOINTS, op.key)
        args = mode.call_atoms(op)
        try:
            contributions = instantiate(template, S.name(stmt.targets[0].id), args, op.kwargs,
                                        mode.derivative_of, mode.namespace, mode.namer, mode.zero_safe,
                                        simplified=True, global_constant=mode.global_constant)
        except BindError as exc:
            raise mode.unbound_rule_error(stmt, op, exc) from None
        contributions = redirect_shapes(contributions, mode.shape_sources.before_restore.get(id(stmt)))
        checks = mode.receiver_check(stmt, op) + mode.dtype_check(stmt, op, registry.ADJOINTS, ignored)
        return checks + contributions if contributions else []

    def call_contributions(self, stmt, op, adjoint):
        """``y = helper(a, b)``: call helper's own generated gradient with the seed d_y."""
        mode = self.mode
        gradient, active = mode.callee_derivative(
            stmt, op, lambda atom: mode.derivative_of(atom) is not None,
            lambda callee, wrt: mode.callees.derive(callee, "reverse", wrt, zero_safe=mode.zero_safe))
        if gradient is None:
            return []
        refuse_impure_callee(mode, stmt, op)
        refuse_iterator_callee(mode, stmt, op)
        refuse_default_writer(mode, stmt, op)
        call_value_code(mode, stmt, op)
        seed = seed_parameter(gradient)
        call = S.call(S.name(mode.namespace.ref(gradient, gradient.__name__)),
                      [S.copy(a) for a in op.args],
                      {**{k: S.copy(v) for k, v in op.kwargs.items()}, seed: S.name(adjoint)})
        anno.set(call, Key.TARGET, gradient)
        if len(active) == 1 and replayed(stmt) is None:
            return [_accumulate(mode.adjoint(active[0][1].id), call)]
        grads = mode.namer.fresh("grads")
        out = around_replay(mode, stmt, [S.assign(grads, call)])       # replayed_calls.py
        if len(active) == 1:
            return out + [_accumulate(mode.adjoint(active[0][1].id), S.name(grads))]
        for position, (_, atom) in enumerate(active):
            out.append(_accumulate(mode.adjoint(atom.id), gast.Subscript(
                value=S.name(grads), slice=S.const(position), ctx=gast.Load())))
        return out

    def zero_init(self, name, defined):
        """``d_v = zeros_like(v)``; where ``v`` may not exist on every path (assigned in
        one branch only), a plain 0.0, which adds to any shape."""
        mode = self.mode
        if name in defined or name in mode.params:
            return S.assign(mode.adjoint(name), mode.helper_call("zeros_like", [S.name(name)]))
        return S.assign(mode.adjoint(name), S.const(0.0))

    def primal_of(self, adjoint_name):
        for primal, adjoint in self.mode.derivatives.items():
            if adjoint == adjoint_name:
                return primal
        raise KeyError(adjoint_name)


_ARRAY_ATTRIBUTES = frozenset({"shape", "T", "ndim", "dtype", "size", "real", "imag", "mT", "flat"})


def read_as_objects(body):
    """The names in ``body`` whose attributes other than an array's are read (``b.pos``,
    not a method called, nor ``x.shape``): objects, whose zero derivative is None."""
    return _read_as_objects(_operand_nodes(body))


def _operand_nodes(body):
    """The nodes of the statements ``body`` but operators and contexts (``S.operand_nodes``)."""
    return S.operand_nodes(gast.Module(body=body, type_ignores=[]))      # one walk, as a list


def _read_as_objects(nodes):
    """``read_as_objects`` of the statements whose ``_operand_nodes`` are ``nodes``."""
    called = {id(node.func) for node in nodes if node.__class__ is gast.Call}
    return {node.value.id for node in nodes
            if node.__class__ is gast.Attribute and isinstance(node.value, gast.Name)
            and isinstance(node.ctx, gast.Load) and id(node) not in called
            and node.attr not in _ARRAY_ATTRIBUTES}


def _accumulate(adjoint, value):
    """``d[x] = value``: a contribution to the adjoint ``adjoint`` (simplified)."""
    node = S.assign(adjoint, optimize.simplify(value))
    anno.set(node, Key.ACCUMULATE, True)
    return node


def _made_lists(nodes):
    """The names every binding of which is a list display or comprehension, in the
    statements whose ``_operand_nodes`` are ``nodes`` (a binding: a Name not read)."""
    listed, stores = {}, {}
    assign, name, load, displays = gast.Assign, gast.Name, gast.Load, (gast.List, gast.ListComp)
    for node in nodes:
        kind = node.__class__
        if kind is assign:
            if len(node.targets) == 1 and node.targets[0].__class__ is name and isinstance(node.value, displays):
                listed[node.targets[0].id] = listed.get(node.targets[0].id, 0) + 1
        elif kind is name and node.ctx.__class__ is not load:
            stores[node.id] = stores.get(node.id, 0) + 1
    return {name for name, count in listed.items() if stores.get(name) == count}


# the helpers undoing a pop, and their undoing in a derivative of a derivative
_UNDONE_BY = {runtime.put_back_popped: "take_back_popped", runtime.take_back_popped: "put_back_popped"}


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


def _may_repeat(index):
    """Whether an index may name an element twice: a name or a list outside a slice
    may hold an integer array (``y[[0, 0]]``); constants and slices never repeat."""
    items = index.elts if isinstance(index, gast.Tuple) else [index]
    return any(isinstance(item, (gast.Name, gast.List)) for item in items)
