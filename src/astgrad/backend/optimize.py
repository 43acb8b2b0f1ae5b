"""Optimize stage: the clean-up passes both modes run on a derivative, in order.

:data:`PASSES` is the one list of passes; :func:`optimize` runs it on a generated
function body. This module also holds the expression passes: constant folding and
algebraic simplification, which the modes apply to each instantiated template
(templates are written for the general case, ``y * x ** (y - 1)``; once their
parameters are bound to constants, folding gives ``x ** 2`` the adjoint
``d_y * 2 * x`` rather than ``d_y * 2 * x ** (2 - 1)``), dropping runtime helpers'
default arguments, and inlining single-use temporaries.
"""

import inspect
import itertools
import operator

import gast
import numpy

from ..analysis import dataflow, reduction_methods, shapes
from ..core import anno
from ..core import syntax as S
from ..core import walk
from ..core.anno import Key
from ..runtime_parts import RUNTIME_MODULES
from .accumulate import accumulate_in_place
from .dead_code import comment_kept_checks, evaluate_kept_checks, remove_dead_code
from .equal_terms import add_equal_terms_once
from .fuse_loops import fuse_adjoint_loops
from .copies import propagate_copies
from .free_values import free_dead_values
from .reuse_buffers import reuse_dead_buffers
from .sink_numbers import sink_numbers

class OptimizeContext:
    """What the passes need to know about the function they optimize.

    params: names whose values (and so shapes) come from outside (parameters, the seed);
    derivatives: primal name -> derivative name (each derivative has its primal's shape);
    scalars: names known to hold numbers (range loop targets);
    rewrites: the mode's own rewrites of the body, run before dead code is removed
        (forward mode's tangent ownership), each ``rewrite(body) -> body``;
    parameter_adjoints: adjoints of parameters, which may be added to in place;
    kinds: parameter -> argument kind, for code specialized to its arguments
        (see ``argument_kinds``); empty for general code;
    namespace: the generated function's namespace (``backend.namespace``), where a pass
        may name library functions (None: passes name nothing new).
    (A plain class rather than a dataclass: making a dataclass costs most of a
    millisecond when the engine loads.)
    """

    def __init__(self, params, derivatives, scalars=None, rewrites=None, parameter_adjoints=None, kinds=None,
                 namespace=None):
        self.params = params
        self.derivatives = derivatives
        self.scalars = set() if scalars is None else scalars
        self.rewrites = [] if rewrites is None else rewrites
        self.parameter_adjoints = set() if parameter_adjoints is None else parameter_adjoints
        self.kinds = {} if kinds is None else kinds
        self.namespace = namespace
        # what the passes find on the way, for the passes after them:
        # the calls of the body the first pass found, by target, while the passes after it
        # make no call that drops a default (no mode rewrites; the specialized rewrites make
        # only ``numpy.outer`` calls, of two operands)
        self.found_calls = None
        # (stores, reads) of each name of the body, as inlining left it, for the copies pass
        self.name_counts = None
        # the full sums and means the first pass marked to be called as array methods (no pass
        # after it copies a node or marks another)
        self.array_reductions = None
        # id(statement) -> what the walk of one pass found of each top-level statement it kept,
        # for the next pass that walks them: inlining's Name nodes for the copies pass, and
        # free_values.StatementNames from buffer reuse for the pass that frees dead values
        self.statement_names = None
        # same_shape(a, b): whether the first pass's shape facts prove that names a and b
        # broadcast together (dead-code elimination keeps a primal a + b that may raise)
        self.same_shape = None
        # the first pass's ShapeClasses, which buffer reuse asks again (reverse mode: the
        # passes between keep what each name holds, see reuse_buffers' docstring)
        self.shape_classes = None
        # id -> statement: those dead-code elimination kept only because they may raise
        self.kept_checks = None
        # id(statement) -> (it, its value, the value's Name nodes) of each ``name = value``
        # dead-code elimination looked at, for inlining (which checks the value is still it)
        self.value_names = None

    def for_kinds(self, kinds):
        """A context of the same function for the argument ``kinds`` (nothing found yet)."""
        return OptimizeContext(self.params, self.derivatives, self.scalars, self.rewrites, self.parameter_adjoints,
                               kinds, self.namespace)

    def __repr__(self):
        return (f"OptimizeContext(params={self.params!r}, derivatives={self.derivatives!r}, scalars={self.scalars!r}, "
                f"rewrites={self.rewrites!r}, parameter_adjoints={self.parameter_adjoints!r}, kinds={self.kinds!r}, "
                f"namespace={self.namespace!r})")


def _drop_needless_unbroadcasts(body, context):
    namespace = context.namespace
    numpy_name = None if namespace is None else (lambda: namespace.ref_original(numpy))
    found = {}
    body = shapes.drop_needless_unbroadcasts(body, context.params, context.derivatives, context.scalars,
                                             context.kinds, numpy_name, found)
    context.found_calls = found.get("calls") if not context.rewrites else None
    context.array_reductions = found.get("array_reductions")
    context.same_shape = found.get("same_shape")
    context.shape_classes = found.get("classes") if context.kinds and not context.rewrites else None
    return body


def _mode_rewrites(body, context):
    for rewrite in context.rewrites:
        body = rewrite(body)
    return body


def _remove_dead_code(body, context):
    context.kept_checks, context.value_names = {}, {}
    return remove_dead_code(body, context.same_shape, context.kept_checks, context.value_names)


def _evaluate_kept_checks(body, context):
    return evaluate_kept_checks(body, context.kept_checks)


def _comment_kept_checks(body, context):
    return comment_kept_checks(body, context.kept_checks)


def _add_equal_terms_once(body, context):
    if not context.kinds:
        return body             # general code keeps the rules' own terms (it is transformed again)
    return add_equal_terms_once(body, context.derivatives.values())


def _drop_default_arguments(body, context):
    if context.found_calls is not None:
        # only the calls of runtime helpers and of the functions with default keywords
        # can change: the others are not looked at (most of the calls of a derivative)
        for target, entries in context.found_calls.items():
            if target in _DEFAULT_KEYWORDS or getattr(target, "__module__", "") in RUNTIME_MODULES:
                _drop_defaults([entry[1] for entry in entries])
        context.found_calls = None
        return body
    _drop_defaults(S.call_nodes(gast.Module(body=body, type_ignores=[])))      # one walk
    return body


def _accumulate_in_place(body, context):
    return accumulate_in_place(body, context.parameter_adjoints)


def _fuse_adjoint_loops(body, context):
    if not context.kinds:
        return body             # general code saves shapes in its loops: nothing to fuse
    return fuse_adjoint_loops(body)


def _inline_single_use(body, context):
    context.statement_names = {} if context.kinds else None
    known, context.value_names = context.value_names, None
    context.name_counts = inline_single_use(body, keep=set(context.derivatives.values()),
                                            names=context.statement_names, known=known)
    return body


def _propagate_copies(body, context):
    counts, context.name_counts = context.name_counts, None
    known, context.statement_names = context.statement_names, None
    if not context.kinds:       # general code keeps the copies into the values' own names
        return propagate_copies(body, keep=context.params, only=context.derivatives.values(), counts=counts)
    return propagate_copies(body, keep=context.params, known=known)


def _sink_numbers(body, context):
    if not context.kinds:
        return body             # general code cannot tell numbers from arrays
    return sink_numbers(body, context.params, context.derivatives, context.scalars, context.kinds)


def _reuse_dead_buffers(body, context):
    if not context.kinds:
        return body
    context.statement_names = {}
    classes, context.shape_classes = context.shape_classes, None
    return reuse_dead_buffers(body, context.params, context.derivatives, context.scalars, context.kinds,
                              context.statement_names, classes)


def _call_reduction_methods(body, context):
    if not context.kinds:
        return body
    marked, context.array_reductions = context.array_reductions, None
    return reduction_methods.call_reduction_methods(body, marked)


def _free_dead_values(body, context):
    if not context.kinds:
        return body             # general code is transformed again, and the core form has no del
    known, context.statement_names = context.statement_names, None
    return free_dead_values(body, context.params, known)


# The order matters: needless unbroadcasts are found while the shapes are plain
# (before a mode's rewrites wrap values in helper calls), and dead code goes before
# inlining, which inlines only temporaries read exactly once. Loops are fused once
# copies are gone (a copy of the seed would look like a value carried between steps),
# numbers move into their one use once loops are fused (the fused loop reads each once),
# and full sums become array methods last (the passes before read numpy.sum as a
# reduction whose result is a number).
PASSES = [
    _drop_needless_unbroadcasts,
    _mode_rewrites,
    _remove_dead_code,
    _evaluate_kept_checks,      # before buffer reuse takes what they bind for a dead buffer
    _add_equal_terms_once,
    _drop_default_arguments,
    _accumulate_in_place,
    _inline_single_use,
    _propagate_copies,
    _fuse_adjoint_loops,
    _sink_numbers,
    _reuse_dead_buffers,
    _call_reduction_methods,
    _free_dead_values,
    _comment_kept_checks,
]


def optimize(body, context):
    """Run :data:`PASSES` over a generated function body; returns the new body."""
    for optimize_pass in PASSES:
        body = optimize_pass(body, context)
    return body


_FOLD = {gast.Add: operator.add, gast.Sub: operator.sub, gast.Mult: operator.mul,
         gast.Div: operator.truediv, gast.Pow: operator.pow}


def _number(node):
    return isinstance(node, gast.Constant) and isinstance(node.value, (int, float)) \
        and not isinstance(node.value, bool)


def _is(node, value):
    return _number(node) and node.value == value and type(node.value) is type(value) or \
        (_number(node) and node.value == value)


def simplify(node):
    """Fold constants and drop identities (``e * 1``, ``e + 0``, ``e ** 1``, ``--e``)."""
    for field, value in gast.iter_fields(node):
        if isinstance(value, gast.AST):
            setattr(node, field, simplify(value))
        elif isinstance(value, list):
            setattr(node, field, [simplify(v) if isinstance(v, gast.AST) else v for v in value])
    return fold(node)


def fold(node):
    """``simplify`` of ``node`` whose children are simplified already."""
    if isinstance(node, gast.BinOp):
        left, right, op = node.left, node.right, type(node.op)
        if _number(left) and _number(right) and op in _FOLD:
            try:
                return S.const(_FOLD[op](left.value, right.value))
            except (ZeroDivisionError, OverflowError):
                return node
        if op is gast.Mult:
            if _is(right, 1):
                return left
            if _is(left, 1):
                return right
            if _is(right, -1):
                return gast.UnaryOp(op=gast.USub(), operand=left)
            if _is(left, -1):
                return gast.UnaryOp(op=gast.USub(), operand=right)
        if op in (gast.Add, gast.Sub) and _is(right, 0):
            return left
        if op is gast.Add and _is(left, 0):
            return right
        if op is gast.Div and _is(right, 1):
            return left
        if op is gast.Pow and _is(right, 1):
            return left
    if isinstance(node, gast.Call) and len(node.args) == 2 and not node.keywords \
            and _is(node.args[1], 1) and anno.get(node, Key.TARGET) is numpy.power:
        return node.args[0]         # numpy.power(e, 1), as e ** 1
    if isinstance(node, gast.Subscript) and isinstance(node.value, gast.Tuple) and _number(node.slice) \
            and isinstance(node.ctx, gast.Load) and all(isinstance(e, (gast.Name, gast.Constant)) for e in node.value.elts):
        index = node.slice.value
        if type(index) is int and -len(node.value.elts) <= index < len(node.value.elts):
            return node.value.elts[index]       # (a, b)[1], a rule's operands[argnum], is b
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub):
        inner = node.operand
        if isinstance(inner, gast.UnaryOp) and isinstance(inner.op, gast.USub):
            return inner.operand
        if _number(inner):
            return S.const(-inner.value)
    return node


def drop_default_arguments(node):
    """``unreduce(g, x, None, False)`` -> ``unreduce(g, x)``: trailing arguments equal to
    the helper's own defaults say nothing."""
    _drop_defaults(S.call_nodes(node))
    return node


def _drop_defaults(calls):
    """``drop_default_arguments`` for each of ``calls``."""
    for call in calls:
        if call.keywords:
            _drop_default_order(call)
        if call.keywords or not call.args or not isinstance(call.args[-1], gast.Constant):
            continue        # (the commonest: a name last, nothing to drop, the target not looked up)
        target = anno.get(call, Key.TARGET)
        if target is None or getattr(target, "__module__", "") not in RUNTIME_MODULES:
            continue
        params = _parameters(target)
        if params is None:
            continue
        while call.args and len(call.args) <= len(params):
            param = params[len(call.args) - 1]
            last = call.args[-1]
            if param.default is inspect.Parameter.empty or not isinstance(last, gast.Constant) \
                    or last.value is not param.default and last.value != param.default \
                    or type(last.value) is not type(param.default):
                break
            call.args.pop()


_runtime_parameters = {}     # runtime helper -> its parameters (None: no signature)


def _parameters(helper):
    """The parameters of a runtime helper, read once (inspect.signature is slow)."""
    if helper not in _runtime_parameters:
        try:
            _runtime_parameters[helper] = list(inspect.signature(helper).parameters.values())
        except (TypeError, ValueError):
            _runtime_parameters[helper] = None
    return _runtime_parameters[helper]


_DEFAULT_KEYWORDS = {numpy.reshape: ("order", "C"), numpy.sum: ("where", True), numpy.mean: ("where", True)}


def _drop_default_order(call):
    """``numpy.reshape(g, shape, order='C')`` -> ``numpy.reshape(g, shape)``: 'C' is
    NumPy's default, and arrays of other libraries (Dask) take no ``order``; so is
    ``where=True`` of ``numpy.sum`` and ``numpy.mean`` (which ``where=`` rules pass on)."""
    default = _DEFAULT_KEYWORDS.get(anno.get(call, Key.TARGET))
    if default is not None:
        name, value = default
        call.keywords = [k for k in call.keywords
                         if not (k.arg == name and isinstance(k.value, gast.Constant) and k.value.value is value)]


def inline_single_use(body, keep=(), names=None, known=None):
    """``t = a + b; y = np.tanh(t)`` -> ``y = np.tanh(a + b)`` for a temporary assigned
    once and read once, by the next statement of the same block. The generated code reads
    closer to what a person writes, and runs fewer statements. The saves reverse mode
    puts before an assignment (``a_saved = a``, ``a_stack.append(a)``) may stand in
    between where they change nothing the temporary's value reads: ``t = a * 0.5;
    a_stack.append(a); a = t + b`` -> ``a_stack.append(a); a = a * 0.5 + b``. Returns
    (stores, reads) of each name of the body as it leaves it (a name not in the first
    is never stored). ``names``: a dict given id(statement) -> (the statement, its Name
    nodes, as ``syntax.name_nodes`` gives them) for each top-level statement inlining
    leaves as it was, for the copies pass after it. ``known``: id(statement) -> (it, its
    value, the value's Name nodes) for statements ``name = value``, where already found
    (those whose value is still the one found are not walked again)."""
    stores, loads = {}, {}
    store_type, found = gast.Store, {} if names is None else names
    known = known or {}
    for stmt in body:
        entry = known.get(id(stmt))
        if entry is not None and entry[0] is stmt and entry[1] is stmt.value and len(stmt.targets) == 1 \
                and stmt.targets[0].__class__ is gast.Name and stmt.targets[0].annotation is None:
            nodes = entry[2] + [stmt.targets[0]]        # as name_nodes(stmt) has them: the value's, the target
        else:
            nodes = S.name_nodes(stmt)
        if names is not None:
            nodes = list(nodes)
            names[id(stmt)] = (stmt, nodes)
        for node in nodes:
            counts = stores if type(node.ctx) is store_type else loads
            counts[node.id] = counts.get(node.id, 0) + 1
    kept = {name: stores.get(name, 0) for name in keep}
    for name in keep:           # derivative names say what a value is: keep them
        stores[name] = stores.get(name, 0) + 100
    is_pure = dataflow.is_pure
    for reader in _inline_block(body, stores, loads, is_pure):
        found.pop(id(reader), None)
    simple = walk.SIMPLE_STATEMENTS
    for top in body:            # the blocks in each statement, as walk_blocks(body) takes them
        if top.__class__ in simple:
            continue            # (most statements: no block inside)
        blocks = walk.walk_blocks([top])
        next(blocks)
        for block in blocks:
            if _inline_block(block, stores, loads, is_pure):
                found.pop(id(top), None)
    stores.update(kept)
    return stores, loads


def _inline_block(block, stores, loads, is_pure):
    """Inline the temporaries of ``block``; returns the statements that now read them."""
    readers = []
    position = 0
    while position < len(block):
        stmt = block[position]
        if (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)
                and stores.get(stmt.targets[0].id) == 1 and loads.get(stmt.targets[0].id) == 1
                and not anno.moves_saved_values(stmt) and is_pure(stmt.value)):
            reader = _reader(block, position)
            if reader is not None:
                S.replace_loads(reader, stmt.targets[0].id, stmt.value)
                readers.append(reader)
                del block[position]
                stores[stmt.targets[0].id] -= 1     # the temporary is gone
                loads[stmt.targets[0].id] -= 1
                continue
        position += 1
    return readers


def _reader(block, position):
    """The statement after ``block[position]`` (``t = value``) that reads ``t`` in its
    value, past the saves that change no name ``value`` reads; None if the next statement
    but such saves is not one or is a compound statement or a save itself."""
    name, read = block[position].targets[0].id, None
    for following in itertools.islice(block, position + 1, None):     # no copy of the rest
        if isinstance(following, (gast.For, gast.While, gast.If)):
            return None
        if not anno.moves_saved_values(following):
            if following is not block[position + 1] and not (_copies(following, name)
                                                              and not S.call_nodes(block[position].value)):
                return None         # past saves only arithmetic, into ``a = t``: it stays one operation
            return following if _reads_in_expression(following, name) else None
        changed = _changed_by_save(following)
        read = S.loaded_names(block[position].value) if read is None else read
        if changed is None or changed in read:
            return None
    return None


def _copies(stmt, name):
    """Whether ``stmt`` is ``v = name`` for a name ``v``."""
    return isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) \
        and isinstance(stmt.value, gast.Name) and stmt.value.id == name


def _changed_by_save(stmt):
    """The one name a save statement changes: its target (``a_saved = a``, ``t = 0.0``)
    or the stack it pushes on (``a_stack.append(a)``); None for any other form."""
    if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name) \
            and dataflow.is_pure(stmt.value):
        return stmt.targets[0].id
    value = stmt.value if isinstance(stmt, gast.Expr) else None
    if isinstance(value, gast.Call) and isinstance(value.func, gast.Attribute) and value.func.attr == "append" \
            and isinstance(value.func.value, gast.Name) and len(value.args) == 1 and not value.keywords \
            and dataflow.is_pure(value.args[0]):
        return value.func.value.id
    return None


def _reads_in_expression(stmt, name):
    """``name`` is read by ``stmt``'s value (not as the target of a write)."""
    if isinstance(stmt, gast.Assign):
        target = stmt.targets[0]
        if isinstance(target, gast.Subscript) and name in S.names_in(target):
            return False
        return name in S.loaded_names(stmt.value)
    if isinstance(stmt, (gast.Return, gast.Expr, gast.AugAssign)):
        return name in S.loaded_names(stmt.value)
    return False
