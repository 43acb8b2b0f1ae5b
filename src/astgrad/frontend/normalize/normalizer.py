"""The Normalizer: the entry point of the normalize stage, the dispatch on node types,
and the few primitives every construct uses to emit core statements."""

import builtins
from collections import Counter

import gast

from ...core import anno
from ...core import generated_text
from ...core import syntax as S
from ...core.anno import Key
from ...core.first_use import imported_when_called
from ..complex_values import refuse_complex
from ..patterns import MatchLowering
from .. import written_in
from .arguments import copy_written_arguments
from .call_forms import CallFormLowering
from .built_lists import BuiltListLowering
from .argument_objects import ArgumentObjectLowering
from .object_rewrites import rewrite_object_forms
from .built_objects import BuiltObjectLowering
from .calls import CallLowering
from .callee_writes import refuse_callees_rebinding
from .closures import ClosureLowering
from .containers import ContainerLowering
from .list_arithmetic import ListArithmeticLowering
from .default_dicts import rewrite_default_dicts
from .function_loops import FunctionLoopLowering
from .held_functions import HeldFunctionLowering
from .array_writes import ArrayWriteLowering
from .flat_writes import FlatWriteLowering
from .explicit_iterators import ExplicitIteratorLowering
from .expressions import ExpressionLowering, walrus_targets
from .foreign import ForeignLowering
from .forwarding import ForwardingFunctions, branch_defines_function, choose_branch_functions
from .function_literals import FunctionLiteralLowering
from .inlining import InlineLowering
from .instances import attribute_writes
from . import lazy_mixins
from .jumps import JumpLowering, _has_early_return
from .comparison_methods import ComparisonMethodLowering
from .unknown_objects import UnknownObjectValues
from .unknown_class_hooks import with_hoisted_checks
from .loops import LoopLowering
from .made import MadeGradientLowering
from .method_values import MethodValueLowering
from .methods import MethodLowering
from .objects import ObjectLowering
from .own_methods import OwnMethodLowering
from .operator_methods import OperatorMethodLowering
from .foreign_writes import refuse_foreign_rebinds, refuse_value_rebinds
from .unknown_operators import UnknownOperatorLowering
from .outer_writes import lower_outer_writes
from .own_classes import OwnClassLowering
from .object_iteration import ObjectIterationLowering
from .protocol_methods import ProtocolMethodLowering
from .replaced import ReplaceLowering
from .escaping_methods import refuse_escaping_methods
from .refusals import _ADVICE, _REFUSED, _REFUSED_EXPR, _Line, refused_call
from .scopes import binding_counts, own_nodes, parameters
from .self_chains import rewrite_self_chains
from .smooth_squares import rewrite_smooth_squares
from .statements import StatementLowering
from .trying import TryLowering
from .truth_checks import hoist_checks
from .view_outputs import may_write_into_views, rewrite_view_outputs
from .math_forms import MathFormLowering

# asked only of code naming order="A": loaded with the first call (core/first_use.py)
rewrite_any_orders = imported_when_called(__package__ + ".any_orders", "rewrite_any_orders")
refuse_structured = imported_when_called("astgrad.frontend.structured_dtypes", "refuse_structured")


class Normalizer(StatementLowering, LoopLowering, JumpLowering, ExpressionLowering, CallLowering, CallFormLowering,
                 ContainerLowering, ClosureLowering, InlineLowering, ForeignLowering, MethodLowering,
                 ObjectLowering, MadeGradientLowering, TryLowering,
                 ReplaceLowering, ForwardingFunctions, FunctionLiteralLowering, BuiltObjectLowering,
                 ArrayWriteLowering, FunctionLoopLowering, FlatWriteLowering,
                 MethodValueLowering, HeldFunctionLowering, BuiltListLowering, ExplicitIteratorLowering,
                 ListArithmeticLowering, MathFormLowering, OperatorMethodLowering, ProtocolMethodLowering,
                 ObjectIterationLowering, ComparisonMethodLowering, OwnClassLowering, UnknownObjectValues,
                 UnknownOperatorLowering, ArgumentObjectLowering,
                 OwnMethodLowering):
    """Rewrites one parsed function into the core form (``run``).

    Dispatch is by node type name, in ``statement`` and ``expr``: a statement node
    ``gast.X`` is lowered by ``self.stmt_X(stmt)``, which emits core statements with
    ``self.emit``; an expression node ``gast.Y`` by ``self.expr_Y(node)``, which emits
    the temporaries it needs and returns one core operation over atoms (``self.atom``
    turns any expression into a name or constant). A node type without a method is
    refused with a TransformError naming it, and refusals.py lists the constructs
    refused outright, with advice.

    The methods live with their construct, in the mixins this class composes:

        statements.py   assignments, expression statements, if, return, raise, assert,
                        with, try/finally, global (reads)
        outer_writes.py global and nonlocal writes (also by helpers): local variables written out
        deletions.py    del of names, list items and slices, dict items; deleted_names.py finds a
                        read that may follow del name (refused)
        trying.py       try with except (else, finally): a protected block, then the handlers
        loops.py        while, for (and their else clauses), comprehensions, loop-variable rebinding
        jumps.py        break, continue and early return
        expressions.py  operators, comparisons, and/or, ternaries, :=, attributes, subscripts, literals
        calls.py        calls, out= and ufunc.at writes (view_outputs.py: into a view, out=y[0])
        nested.py       astgrad.grad / value_and_grad / jvp called inside the code (local functions lifted)
        methods.py      method calls and property reads on self/cls, super(), global instances
        objects.py      method calls on objects given as arguments (and their attributes)
        method_values.py  methods and callable objects as function values (map(NET, xs), loops
                        over global callables), methods handed function values (inlined)
        held_functions.py  the function an object built in the code holds (self.act = act)
        built_lists.py  [Dense(W, b) for W, b in zip(mats, biases)] over known items: written out
        closures.py     local defs and lambdas, nonlocal, function values bound to names
        inlining.py     calls of function values (inlined), loops over literals of functions
        recursion.py    a local function calling itself: called as its lifted twin
        iterators.py    map, sorted(key=...), max/min(key=...)
        explicit_iterators.py  it = iter(e) advanced by next(it): the list of e's items
        itertools_calls.py  itertools (chain, product, combinations, pairwise, islice, accumulate, ...),
                        functools.reduce
        call_forms.py   functools.partial calls, f(*xs), f(**d), zip(*xs)
        forwarding.py   a partial as a value, a function chosen by a conditional expression
        arguments.py    arguments the body writes into: copied when the code starts
        rebound_arguments.py  a parameter rebound to a copy before the writes (state = dict(state))
        rebound_owners.py  a method taken as a value from a name rebound after (step = m.step; m = Other())
        chosen_classes.py  a class chosen by a conditional expression, if or alias, then called: the rest per class
        unrolled.py     [lambda ... for k in range(3)]: the display of lambdas it makes
        views.py        writes through a view (v = x[:2]; v[0] = e): written into the base
        foreign.py      free names of functions from another module, read off their scope
        dicts.py        dict.get, dict(...), d.update(...), d[k][j] = v
        list_sort.py    xs.sort(key=...) on a list made here: xs[:] = sorted(xs, key=...) (array_writes.py: y.sort())
        constant_getattr.py  getattr(np, "tanh") with a name known now: np.tanh
        function_loops.py  for g in fs (or reversed(fs)) over a literal of functions: unrolled
        containers.py   list/tuple built-ins, dict views, a, *rest = xs, dict and set
                        comprehensions, list and tuple + and *
        displays.py     [*xs], {**d}, set displays, list.extend/insert, reversed(xs), zip/enumerate as values
        sets.py         a set only read (summed, looped over) as the list of its items
        replaced.py     dataclasses.replace(p, a=v), namedtuple._replace(a=v)
        smooth_squares.py  norm(v) ** 2, abs(u) ** 2, sqrt(s) ** 2 written without the kink

    They share the state set up in ``__init__`` (``out``, the block being built;
    ``line``; ``locals``; ``free`` and ``bindings``, the names for the namespace).
    To support a new construct, add its ``stmt_X`` or ``expr_Y`` method to the module
    of its kind (a new kind gets a new mixin module, listed here and among the bases, or,
    for a construct most functions never use, in lazy_mixins.py: loaded when first needed),
    plus tests showing the generated code is right in both modes.
    """

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
        self.partials = {}      # local name -> the call it stands for (p = functools.partial(g, a))
        self.walrus_pending = Counter()  # name -> how many := binding it in this statement are still to lower
        self.functions = {}     # name -> the function value it holds (closures.py: Local, Global, Functions)
        self.constants = {}     # an inlined parameter bound to a literal and never rebound -> that literal
        self.bound_count = binding_counts([source.tree])    # how often each name is bound
        self.constant_names = {}    # name -> the constant key an unrolled loop over functions bound it to
        self.inlined_results = set()    # the names an inlined function's early returns bind (jumps.py)
        self.inlining = []      # the local functions being inlined, innermost last
        self.inlined_trees = []     # their defs, with the fresh names their locals got (dicts.py)
        self.explicit_iterators = {}    # it = iter(e) advanced by next(it) -> its position (explicit_iterators.py)
        # such an it, made of g = (f(v) for v in e if c(v)) -> (v, f(v), [c(v)], the expression
        # where it is the function's own, else False)
        self.iterator_items = {}
        self.counted_raises = {}    # such an it of an iterator class -> (CountedIteration.computed, the class name)
        self.derivative_code = False    # normalizing code astgrad generated (checked when it was made)
        self.if_stores = {}     # each if emit_if made -> (the if, the names it stores): if_stores.py
        self.inlined_methods = []   # the methods of argument objects written in (argument_methods.py)
        self.unpacked_fields = {}   # a local name standing for an attribute of a built object -> "net.layers"
        self.written_mark = None    # the mark of the method line being lowered, if written in (written_in.py)

    # arguments.py sets it where the code writes into arguments; read for every container
    # expression, it is found here rather than by a miss running __getattr__
    argument_copies = None

    def __getattr__(self, name):
        """Run only for a name ordinary lookup did not find: the methods of the mixins
        loaded on first use (lazy_mixins.py) are put on the class, then looked up again."""
        if not lazy_mixins.attach(Normalizer, name):
            raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
        return getattr(self, name)

    # -- entry point -------------------------------------------------------------

    def run(self):
        tree = self.source.tree
        if isinstance(tree, gast.AsyncFunctionDef):
            self.line = getattr(tree, "lineno", None)
            raise self._refuse("async def", tree, "make it a plain def")
        self._check_signature(tree)
        if getattr(self.source.fn, "__astgrad_writes_self__", False):
            attribute_writes(tree)          # a method's state twin: instances.py
            self.bound_count = binding_counts([tree])
        refuse_value_rebinds(self, tree)    # a helper rebinding mymod.K, a global value the code reads
        walked = _node_walk(self.source.fn)     # the checks and the rewrites each look at all of them
        nodes = walked(tree)
        if lower_outer_writes(self, tree, nodes):   # global and nonlocal writes: outer_writes.py
            nodes = walked(tree)
        refuse_foreign_rebinds(self, tree, nodes)   # a helper (or a getter) rebinding H.act or BOX.fn the code reads
        if any(isinstance(stmt, gast.ClassDef) for stmt in tree.body):
            from .local_classes import bind_local_classes   # (loaded with the first local class)
            bind_local_classes(self, tree)
            nodes = S.all_nodes(tree)
        derivative = self.derivative_code = generated_text.is_derivative(self.source.fn.__code__)
        self._refuse_constructs(nodes, derivative)
        if not derivative:
            refuse_escaping_methods(self, tree, nodes)      # ops = [a.__imul__]: escaping_methods.py
        if not derivative and self._may_mention(".flat"):
            from .flat_iterators import guard_held_flat_iterators
            if guard_held_flat_iterators(self, tree, nodes):
                nodes = list(S.walk_nodes(tree))
        kinds = set(map(type, nodes))
        if gast.Delete in kinds:
            self.refuse_read_after_del(tree)    # deletions.py
        if gast.Import in kinds or gast.ImportFrom in kinds:
            self.bind_imports(tree)
        nodes = _rewrite_function_values(self, tree, nodes, kinds)
        if not derivative and self._may_mention("vectorize"):
            from .numpy_maps import rewrite_vectorize       # np.vectorize(fn)(x) (most code names none)
            if rewrite_vectorize(self, tree):
                nodes = list(S.walk_nodes(tree))
        refuse_complex(self.source, tree, self.locals, nodes)
        nodes = nodes if derivative else self._dtypes_and_orders(tree, nodes)
        nodes = self._rewrite_forms(tree, nodes, derivative)
        self._refuse_constructs(S.walk_nodes(tree) if self.inlined_methods else (), derivative)  # (written in)
        nodes = self._rewrite_views(tree, nodes, derivative)
        body, prologue = copy_written_arguments(self, tree.body, nodes)
        body = MatchLowering(self).block(body)
        body, returned = (body, None) if derivative else _one_exit(self, body)  # a derivative returns once, last
        body = hoist_checks(self, with_hoisted_checks(self, prologue, self.block(body)))   # checks out of loops: unknown_class_hooks.py, truth_checks.py
        if not body or not isinstance(body[-1], gast.Return):
            ret = gast.Return(value=S.const(None))
            ret.lineno = self.line
            body.append(ret)
        self.check_function_values(body)
        refuse_callees_rebinding(self, body)   # a kept call rebinding a global: callee_writes.py
        new = gast.FunctionDef(name=self.own_name(tree), args=tree.args, body=body, decorator_list=[],
                               returns=None, type_comment=None, type_params=[])
        new.lineno = getattr(tree, "lineno", 1)
        anno.set(new, Key.RETURNED, returned)      # where early returns store the value, or None
        return new

    def _rewrite_views(self, tree, nodes, derivative):
        """The writes through views of ``tree`` (whose nodes are ``nodes``) written into the
        arrays they view, each rewrite loaded only for code that may need it; ``tree``'s
        nodes after them, or None where they rewrote its body (walked again by who asks)."""
        if not derivative and _may_have_view_forms(nodes):
            from .view_forms import rewrite_view_forms     # f(y[1:]) writing into it, y.real[0] = v, ...
            if rewrite_view_forms(self, tree, nodes):
                nodes = list(S.walk_nodes(tree))
        if _may_write_through_views(nodes):     # views.py (most code binds no view)
            from .views import rewrite_view_writes
            rewrite_view_writes(self, tree, nodes)
            return None         # (its body is built anew)
        return nodes

    def _refuse_constructs(self, nodes, derivative):
        """Refuse the first construct among ``nodes`` astgrad cannot differentiate. A
        derivative's calls (of ``eval``, ``exec``, ``locals()``) are those of the code it
        was generated from, checked then, and of the rules: they are not looked up again."""
        call = gast.Call
        for node in nodes:
            kind = _REFUSED_EXPR.get(type(node)) or (not derivative and type(node) is call and self._refused_call(node))
            if kind:
                self.line = getattr(node, "lineno", self.line)
                raise self._refuse(kind, node)

    def _rewrite_forms(self, tree, nodes, derivative):
        """``tree``'s nodes after the rewrites of whole forms: squares written through a
        kink (smooth_squares.py), default dicts, ``next(it)`` and ``sum(gen(x))``. A
        derivative's default dicts, iterators and generators were rewritten (or left as
        they are) in the code it was generated from; the rules' templates make none."""
        if rewrite_smooth_squares(self, tree, nodes):
            nodes = list(S.walk_nodes(tree))
            self.bound_count = binding_counts([tree])
        if derivative:
            return nodes
        nodes = rewrite_object_forms(self, tree, nodes)     # bump(m.layer, w), bs[0].scale(w): object_rewrites.py
        if rewrite_self_chains(self, tree, nodes):         # v.scale(w).norm(), v += w on a V: self_chains.py
            nodes = list(S.walk_nodes(tree))
            self.bound_count = binding_counts([tree])
        defaults = rewrite_default_dicts(self, tree, nodes)
        if self.rewrite_iteration(tree, nodes, current=not defaults) | defaults:
            nodes = list(S.walk_nodes(tree))
        if self._may_mention("deque") or self._may_mention("Queue"):
            from .deques import rewrite_deques
            if rewrite_deques(self, tree):
                nodes = list(S.walk_nodes(tree))
        if self._may_mention("strict="):
            from .strict_zips import rewrite_strict_zips
            if rewrite_strict_zips(self, tree):
                nodes = list(S.walk_nodes(tree))
        if may_write_into_views(nodes) and rewrite_view_outputs(self, tree):
            nodes = list(S.walk_nodes(tree))        # numpy.add(a, b, out=y[0]): view_outputs.py
        return nodes

    def _dtypes_and_orders(self, tree, nodes):
        """A structured dtype refused (structured_dtypes.py); a reshape's, ravel's or
        flatten's ``order="A"`` or ``"K"`` given the order it stands for (any_orders.py).
        ``tree``'s nodes, walked again where a rewrite changed them."""
        refuse_structured(self.source, nodes, self.locals)     # r = np.zeros(n, dtype=[("a", float)]), DT a global
        if any(map(self._may_mention, ('"A"', "'A'", '"K"', "'K'"))) and rewrite_any_orders(self, nodes):
            nodes = list(S.walk_nodes(tree))
        return nodes

    def _may_mention(self, text):
        """Whether ``text`` may be in the code: a test of its lines, far cheaper than a
        walk over its nodes, before a rewrite that most code does not need."""
        lines = self.source.lines
        return not lines or any(text in line for line in lines)

    def _check_signature(self, tree):
        args = tree.args
        if args.vararg is not None or args.kwarg is not None:
            self.line = getattr(tree, "lineno", None)
            raise self._refuse("*args/**kwargs parameters", tree,
                               "list the parameters explicitly")
        for arg in args.posonlyargs + args.args + args.kwonlyargs:
            arg.annotation = None
        tree.returns = None

    def _refused_call(self, node):
        """What a call of ``eval``, ``exec`` or ``locals()`` is refused as, or None."""
        path = S.dotted_path(node.func) if isinstance(node, gast.Call) else None
        if path is None or path[0] in self.locals:
            return None
        return refused_call(self.source.resolve_path(path, depend=False), node)

    def _refuse(self, kind, node, advice=None):
        advice = advice or _ADVICE.get(kind, "rewrite this part without it")
        err_node = node if getattr(node, "lineno", None) else _Line(self.line)
        return self.source.error(f"astgrad cannot differentiate {kind}; {advice}",
                                 err_node, construct=kind)

    # -- dispatch and emission ---------------------------------------------------

    def block(self, stmts):
        saved, self.out, written = self.out, [], self.written_mark
        for stmt in stmts:
            self.line = getattr(stmt, "lineno", self.line)
            self.written_mark = written_in.inherited(self.source, stmt, written)
            self.statement(stmt)
        result, self.out, self.written_mark = self.out, saved, written
        return result

    def emit(self, stmt):
        stmt.lineno = self.line
        written_in.carry(self.source, stmt, self.written_mark)     # a method's line written in: its mark
        self.out.append(stmt)
        self.note_emitted_binding(stmt)     # unknown_objects.py
        self.note_emitted_value(stmt)       # unknown_operators.py
        return stmt

    def statement(self, stmt):
        method = self.statement_method(stmt)
        saved, self.walrus_pending = self.walrus_pending, walrus_targets(stmt)
        try:
            if self.walrus_pending and isinstance(stmt, (gast.Assign, gast.AnnAssign, gast.AugAssign)):
                self.walrus_assignment(stmt)
            else:
                method(stmt)
        finally:
            self.walrus_pending = saved

    def statement_method(self, stmt):
        kind = _REFUSED.get(type(stmt))
        if kind:
            raise self._refuse(kind, stmt)
        method = getattr(self, "stmt_" + type(stmt).__name__, None)
        if method is None:
            raise self._refuse(f"the statement '{type(stmt).__name__}'", stmt)
        return method

    def expr(self, node, hint="t"):
        """``node`` as one core operation over atoms (emitting temporaries before it)."""
        method = getattr(self, "expr_" + type(node).__name__, None)
        if method is None:
            raise self._refuse(f"the expression '{type(node).__name__}'", node)
        return method(node)

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
        name = self.fresh_assign(value, hint)
        self.note_unknown_object(node, name)        # unknown_objects.py
        return S.name(name)

    def block_of(self, build):
        saved, self.out = self.out, []
        build()
        result, self.out = self.out, saved
        return result

    def builtin_call(self, name, args):
        node = S.call(name, args)
        node.func.id = name
        anno.set(node, Key.TARGET, getattr(builtins, name))
        return node


def _node_walk(fn):
    """The walk giving the nodes ``run``'s checks and rewrites look at, for the code of
    ``fn``: every node, but for a derivative (differentiated again) its operators and
    contexts left out, a third of its nodes, which those a derivative meets (through
    ``_rewrite_views``) never look at."""
    return S.operand_nodes if generated_text.is_derivative(fn.__code__) else S.all_nodes


def _may_write_through_views(nodes):
    """Whether ``nodes`` hold what ``rewrite_view_writes`` rewrites: a name bound to a
    possible view (``v = x[i]``, ``x.T``, ``x.reshape(...)``, ``x.ravel()``, ``x.swapaxes(...)``) or a write into an item;
    without one it returns every statement as it is."""
    for node in nodes:
        kind = type(node)
        if kind is gast.AugAssign and type(node.target) is gast.Subscript:
            return True
        if kind is not gast.Assign or len(node.targets) != 1:
            continue
        target, value = node.targets[0], node.value
        if type(target) is gast.Subscript:
            return True
        if type(target) is gast.Name and (
                type(value) is gast.Subscript or type(value) is gast.Attribute and value.attr == "T"
                or type(value) is gast.Call and type(value.func) is gast.Attribute
                and value.func.attr in _VIEW_CALLS):
            return True
    return False


def _may_have_view_forms(nodes):
    """Whether ``nodes`` may hold a form view_forms.py rewrites (a first look, without
    loading it): a call statement handed a slice, an unpacking assignment, ``.real``, or
    ``z = numpy.asarray(...)`` and the like."""
    for node in nodes:
        kind = type(node)
        if kind is gast.Attribute and node.attr == "real":
            return True
        if kind is gast.Expr and type(node.value) is gast.Call:
            if any(type(a) is gast.Subscript for a in node.value.args):
                return True
        elif kind is gast.Assign:
            value = node.value
            if type(node.targets[0]) in (gast.Tuple, gast.List) and type(value) in (gast.Tuple, gast.List):
                return True
            if type(value) is gast.Call and getattr(value.func, "attr", getattr(value.func, "id", None)) \
                    in _ITSELF_CALLS:
                return True
    return False


# the NumPy functions giving back an array of their dtype as itself (view_forms.py)
_ITSELF_CALLS = frozenset(("asarray", "asanyarray", "array"))


# the methods and NumPy functions (``numpy.moveaxis(x, ...)``) giving a view of a whole array
# that views.py writes through
_VIEW_CALLS = frozenset(("reshape", "transpose", "swapaxes", "ravel", "squeeze", "moveaxis", "flip",
                         "ascontiguousarray", "asfortranarray"))


def _may_choose_class(tree):
    """Whether a statement of ``tree``'s body may bind a class to a name: an ``if``, or a
    name or attribute bound to a name (``cls = Dense``)."""
    return any(type(s) is gast.If or type(s) is gast.Assign and type(s.value) in (gast.Name, gast.Attribute)
               for s in tree.body)


def _rewrite_function_values(normalizer, tree, nodes, kinds):
    """``nodes`` after the rewrites of function values, which most code has none of
    (``kinds``: the types of ``nodes``): lambdas made objects (closure_objects.py),
    comprehensions and appends of functions written out (unrolled.py), a function chosen
    by a branch (forwarding.py), local namedtuples hoisted (local_records.py) and
    ``getattr`` with a constant name (constant_getattr.py); in code not generated by
    astgrad, a method value of a name rebound after (rebound_owners.py) and a class
    chosen by a conditional expression, an ``if`` or an alias (chosen_classes.py). A module of these is loaded
    with the first code that may need it, not with the engine."""
    if not normalizer.derivative_code and gast.Attribute in kinds:
        from .rebound_owners import split_rebound_owners    # step = m.step, then m = Other()
        if split_rebound_owners(normalizer, tree, nodes):
            nodes = list(S.walk_nodes(tree))
    if not normalizer.derivative_code and (gast.IfExp in kinds or _may_choose_class(tree)):
        from .chosen_classes import split_chosen_classes    # cls = A if c else B; cls(W)
        if split_chosen_classes(normalizer, tree):
            nodes = list(S.walk_nodes(tree))
            kinds = set(map(type, nodes))
    if gast.Lambda in kinds:
        from .closure_objects import lambdas_as_objects
        if lambdas_as_objects(normalizer, tree):
            nodes = list(S.walk_nodes(tree))
    if kinds & {gast.ListComp, gast.DictComp, gast.Lambda, gast.Starred}:
        from .unrolled import gather_appended_functions, is_partial_call, unroll_function_comprehensions
        if kinds & {gast.ListComp, gast.DictComp} and (gast.Lambda in kinds or any(map(is_partial_call, nodes))):
            unroll_function_comprehensions(tree)
            nodes = list(S.walk_nodes(tree))
        if kinds & {gast.Lambda, gast.Starred} and any(isinstance(n, gast.Attribute) and n.attr == "append"
                                                       for n in nodes):
            gather_appended_functions(tree)
            nodes = list(S.walk_nodes(tree))
    if gast.If in kinds and branch_defines_function(normalizer, nodes) and choose_branch_functions(normalizer, tree):
        nodes = list(S.walk_nodes(tree))
    makes_records, names_getattr = _named_forms(nodes)
    if makes_records:
        from .local_records import hoist_local_namedtuples
        hoist_local_namedtuples(normalizer, tree)
        nodes = list(S.walk_nodes(tree))
        names_getattr = _named_forms(nodes)[1]
    if names_getattr:
        from .constant_getattr import rewrite_constant_getattr
        if rewrite_constant_getattr(normalizer, tree, nodes):
            nodes = list(S.walk_nodes(tree))
    return nodes


def _named_forms(nodes):
    """Whether ``nodes`` call a function named ``namedtuple`` (a plain path of names ending
    so), and whether they name ``getattr``: one pass for both."""
    makes_records = names_getattr = False
    call, name, attribute = gast.Call, gast.Name, gast.Attribute
    for node in nodes:
        kind = type(node)
        if kind is call and not makes_records:
            func = node.func
            makes_records = type(func) is name and func.id == "namedtuple" or type(func) is attribute \
                and func.attr == "namedtuple" and S.dotted_path(func) is not None
        elif kind is name and node.id == "getattr":
            names_getattr = True
    return makes_records, names_getattr


def _local_names(tree):
    """Parameters and every name the function assigns in its own scope (not the locals
    of the functions it defines): these are never global."""
    names = set(parameters(tree))
    name, store, definition = gast.Name, gast.Store, gast.FunctionDef
    for node in own_nodes(tree):
        kind = type(node)
        if kind is name and type(node.ctx) is store:
            names.add(node.id)
        elif kind is definition:
            names.add(node.name)
    return names


def _one_exit(normalizer, body):
    """``body`` with its early returns made one exit (jumps.py), and the name they store the
    result in where no statement can run after one stores it (no ``finally``), else None."""
    if not _has_early_return(body):
        return body, None
    finally_blocks = any(isinstance(n, gast.Try) and n.finalbody for stmt in body for n in S.walk_nodes(stmt))
    body = normalizer.eliminate_returns(body)
    return body, None if finally_blocks else normalizer.early_result
