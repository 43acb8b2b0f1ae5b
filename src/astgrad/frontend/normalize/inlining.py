"""Calls of function values (closures.py says which values are followed): a local
function, or a module-level helper handed a function value, is inlined where it is
called; a global function bound to another name is called by its own name; a loop over
a literal of functions is unrolled (function_loops.py), so each step calls a function
known now.

Inlining keeps Python's semantics: the arguments are evaluated first, in order, and
bound to fresh names; the body's locals get fresh names; its free names read the
enclosing scope when the call runs; ``return`` gives the call's value (early returns
become a flag, as in the function itself). A local function calling itself is called
(recursion.py); other recursion through local functions is refused.
"""

import inspect

import gast

from ... import runtime
from ...core import syntax as S
from ...core.first_use import imported_when_called
from ...core.ops import is_user_function
from ...errors import TransformError, function_value_unknown
from ..patterns import MatchLowering
from ..function_args import function_valued, specialize as specialize_for_values
from ..source import parse_function, parsed_for_reading
from ..varargs import has_varargs, rewrite_tree
from .calls import shaped_call
from .closures import BoundMethod, Functions, Global, Local, Made
from .foreign import writes_through_parameter_views
from .jumps import _has_early_return
from .made import makes_transform
from .outer_writes import lower_inlined_writes, writes_outer
from .scopes import (binding_counts, declared, local_names, own_nodes, parameters, rename_locals,
                     returns_local_function)

# view writes (views.py and the modules it needs) only some functions have: loaded with
# the first call (core/first_use.py)
rewrite_view_writes = imported_when_called(__package__ + ".views", "rewrite_view_writes")
note_handed_container = imported_when_called(__package__ + ".handed_containers", "note_handed_container")
note_owned_parameter = imported_when_called(__package__ + ".owned_handed_items", "note_owned_parameter")


class InlineLowering:
    """Normalizer methods for calls of function values."""

    def call_function_value(self, node):
        """The lowered call when ``node`` calls a function value this module follows, else
        None (a global function bound to a local name is written back into ``node.func``)."""
        func = node.func
        if isinstance(func, gast.Call) and self.function_got(func) is not None:
            func = node.func = self.function_got(func)      # ops.get(k, ops["id"])(x)
        elif isinstance(func, gast.Call):         # make(3.0)(x): what the inner call returns
            if (built := self.built_object_call(node)) is not None:     # MLP(layers)(x): method_values.py
                return built
            made = self.atom(func, hint="fn")
            node = gast.Call(func=made, args=node.args, keywords=node.keywords)
            if not (isinstance(made, gast.Name) and made.id in self.functions):
                if isinstance(made, gast.Name):
                    self.locals.add(made.id)
                return self.expr(node)
            func = made
        if isinstance(func, gast.Lambda) or isinstance(func, gast.Name) and func.id in self.functions \
                or isinstance(func, gast.Subscript) and self.looks_like_function(func) \
                or isinstance(func, gast.IfExp) and self.looks_like_function(func):
            function = self.function_value(func)
            if isinstance(function, Local):
                return self.inline(function, node)
            if isinstance(function, Made):
                return self.call_made_gradient(function, node)
            if isinstance(function, Functions):
                raise self._refuse("calling a list or dict of functions", node)
            if isinstance(function, BoundMethod):       # g(x), g = h.features: h.features(x)
                return self.expr(gast.Call(func=S.copy(function.func), args=node.args, keywords=node.keywords))
            node.func = S.copy(function.func)
            if is_user_function(function.obj) and _is_factory(function.obj):     # f(a), f a factory
                return self.inline(self.module_function(function.obj, node, factory=True), node)
            if is_user_function(function.obj) and hasattr(function.obj, "__code__") and self.hands_functions(node):
                return self.call_with_functions(function.obj, node)     # integrator(f, y), f a lambda
            if is_user_function(function.obj) and hasattr(function.obj, "__code__"):
                self.call_made_for_sequences(function.obj, node)
            return None
        if isinstance(func, gast.Subscript) and self.functions_literal(func.value) is not None:
            if self.raise_missing_item(func):
                return S.const(None)        # never reached: the code raised before
            raise self.key_known_later(node)        # function_literals.py
        if isinstance(func, gast.Name) and func.id in parameters(self.source.tree) \
                and func.id not in self.functions and not self.is_receiver(func.id):
            raise self.argument_called(func.id, node)
        method = self.class_function_call(node)         # Model.loss(model, x): methods.py
        callee = self.resolve_call(node) if method is None else None
        if callee is None or not is_user_function(callee) or not hasattr(callee, "__code__"):
            return method
        if self.hands_functions(node):
            return self.call_with_functions(callee, node)
        if _is_factory(callee):
            return self.inline(self.module_function(callee, node, factory=True), node)
        inlined = (callee, node) if _runs_inlined(self, callee, node) else self.varargs_drawing(callee, node)
        if inlined is not None:
            return self.inline(self.module_function(*inlined), inlined[1])
        given = {**_function_defaults(callee, node), **self.objects_given(callee, node),    # objects.py
                 **self.sequences_given(callee, node)}      # list_arithmetic.py
        if given:       # nn_predict(W, x) for def nn_predict(W, x, nonlinearity=np.tanh)
            node.func = S.name(self.bind_value(specialize_for_values(callee, given), "function"))
        return None

    def varargs_drawing(self, callee, node):
        """(the function made for the call ``node``, the call as it takes it) where
        ``callee`` takes ``*args`` or ``**kwargs`` and that function's result changes from
        call to call (``draws_random_numbers``: a wrapper reading the clock into its
        result); else None."""
        if not has_varargs(callee) or any(isinstance(a, gast.Starred) for a in node.args) \
                or any(kw.arg is None for kw in node.keywords):
            return None
        call, spec = shaped_call(node, callee)
        return (spec, call) if self.draws_random_numbers(spec, call) else None

    def call_made_for_sequences(self, callee, node):
        """``node`` calling ``callee`` made knowing which arguments are lists or tuples
        (``h(x, (w, 2.0))``, ``h`` a function value standing for a helper), if any."""
        given = self.sequences_given(callee, node)      # list_arithmetic.py
        if given:
            node.func = S.name(self.bind_value(specialize_for_values(callee, given), "function"))

    def argument_called(self, name, node):
        """The refusal of ``f(x)``, ``f`` an argument whose function is not known yet."""
        return function_value_unknown(self._refuse(
            f"a call of the argument '{name}' (a function passed in) without knowing which "
            "function it is", node,
            "astgrad makes the derivative for the function an argument holds when the transform is "
            "called with one (a def, a lambda, a NumPy function, or a list or dict of them); pass "
            f"it there, or differentiate a function that passes it by name, e.g. "
            f"grad(lambda x: {self.source.tree.name}(np.sin, x))"))

    def hands_functions(self, node):
        """Whether the call ``node`` is given a function value among its arguments."""
        return any(self.looks_like_function(a) for a in node.args + [kw.value for kw in node.keywords])

    def call_with_functions(self, callee, node):
        """A module-level helper given function values: inlined (from this module), or
        called as the helper made for them."""
        if not self.same_module(callee) and not _is_factory(callee) and not makes_transform(callee):
            return self.call_made_for_values(callee, node)
        return self.inline(self.module_function(callee, node), node)

    def module_function(self, callee, node, factory=False):
        """A module-level helper as a Local to inline: its code parsed, its lines counted
        in this function's file, its defaults as the function object holds them. A factory
        (a function returning a function it defines) is inlined so that the function it
        returns is followed where it is called, its closure reading the factory's locals."""
        label = callee.__qualname__
        source = parse_function(callee)
        tree = source.tree
        if self.same_module(callee):
            clash = _free_names(tree) & self.locals
            if clash:
                raise self._refuse(f"passing a function to {label}, whose global '{sorted(clash)[0]}' "
                                   "is hidden here by a local variable of the same name", node,
                                   "rename the local variable")
            shift = source.first_line - self.source.first_line
            for sub in S.walk_nodes(tree):
                if getattr(sub, "lineno", None) is not None:
                    sub.lineno += shift
        else:       # another module's function, or a closure: its free names read its own scope
            self.namer.taken |= S.names_in(tree)
            self.foreign_names(callee, tree)
            for sub in S.walk_nodes(tree):
                if getattr(sub, "lineno", None) is not None:
                    sub.lineno = self.line      # errors point at the call
        self.namer.taken |= S.names_in(tree)
        defaults = [self.held_value(v) for v in callee.__defaults__ or ()]
        keyword = {k: self.held_value(v) for k, v in (callee.__kwdefaults__ or {}).items()}
        return Local(label, tree, defaults, keyword, origin=callee)

    def held_value(self, value):
        """A default a function object holds, as an atom of the generated code."""
        if value is None or isinstance(value, (bool, int, float, str)):
            return S.const(value)
        name = self.namer.fresh("default")
        self.bindings[name] = value
        self.locals.discard(name)
        return S.name(name)

    # -- inlining -----------------------------------------------------------------------

    def inline(self, local, node):
        """The value of calling ``local`` (a Local) with ``node``'s arguments, its body
        emitted here; a Name bound to a Local when the call returns a local function."""
        selves = self.calls_itself(local)
        if selves:
            return self.recursive_local_call(local, node, selves)      # recursion.py
        if any(current is local or local.origin is not None and current.origin is local.origin
               for current in self.inlining):
            return self._inlined_again(local, node)
        fn = S.copy(local.node)
        lower_inlined_writes(self, fn, local)       # global N; N = ...: outer_writes.py
        self.check_inlined(fn, local, node)
        node = _spliced(node, self.known_spread)
        node = _unpacked_star(self, fn, local, node)
        if fn.args.vararg is not None or fn.args.kwarg is not None:
            fn, local, node = _for_call_shape(fn, local, node)
        bound, listed = self.bind_arguments(fn, local, node), self.sequence_arguments(fn, node)
        mapping = self.renamed_locals(fn, local)
        self.inlined_trees.append(fn)
        self.locals |= set(mapping.values())
        rebound = binding_counts(fn.body)
        self.bound_count.update(rebound)
        self.inlined_iteration(fn)      # its own g = (... for v in e) read by next(g): explicit_iterators.py
        self._bind_parameters(bound, listed, mapping, rebound, local, node)
        return self._inlined_body(fn, local, mapping, rebound)

    def _inlined_again(self, local, node):
        """The call of ``local`` inside its own inlining (or its helper's twin's): the
        recursion lowered where recursion.py can, else refused."""
        lowered = self.recursive_call(local.origin, node) or self.recursive_helper_call(local, node) \
            if local.origin is not None else None        # the helper made for them, or its twin: recursion.py
        if lowered is not None:
            return lowered
        if local.origin is not None:        # a module-level helper inlined for a function value
            raise self._refuse(
                f"recursion through the helper {local.label}, given a local function (a lambda or "
                "a def) reading variables of the function differentiated", node,
                "give it a module-level function reading none (the helper is made for that "
                "function), or write the recursion as a loop")
        raise self._refuse(f"recursion through the local function {local.label}", node,
                           "write the recursion as a loop, or make the function a module-level one")

    def _bind_parameters(self, bound, listed, mapping, rebound, local, node):
        """Bind each parameter of an inlined function (``local``, called by ``node``; its
        parameters renamed by ``mapping``) to its argument, and note what the caller knows
        of the argument where the body never binds the parameter again."""
        for param, value in bound:
            if isinstance(value, (Local, Global, Functions, Made)):
                self.functions[mapping[param]] = value
                continue
            self.emit(S.assign(mapping[param], value))
            self.inherit_layout(mapping[param], value)          # an object of a known class: objects.py
            if isinstance(value, gast.Name) and not rebound.get(mapping[param]):
                # (lambda s: super(C, s).f(x))(self): s is self throughout (super_calls.py)
                self.__dict__.setdefault("inlined_names", {})[mapping[param]] = (value.id, param)
            if param in listed and not rebound.get(mapping[param]):
                self.known_sequence(mapping[param])             # list_arithmetic.py
            if not rebound.get(mapping[param]):
                note_handed_container(self, mapping[param], value)     # handed_containers.py
                note_owned_parameter(self, mapping[param], param, value, local.node, node)  # owned_handed_items.py
            if _literal(value) and not rebound.get(mapping[param]):
                self.constants[mapping[param]] = value    # a wrt=argnum in a helper making a gradient

    def _inlined_body(self, fn, local, mapping, rebound):
        """Emit the body of ``fn`` (``local`` inlined, its locals renamed by ``mapping``),
        its early returns made one, and give the value it returns."""
        body = MatchLowering(self).block(fn.body)
        if _has_early_return(body):
            body = self.eliminate_returns(body)
            self.inlined_results.add(self.early_result)     # bound by each return: counted
            self.bound_count.update({k: n for k, n in binding_counts(body).items() if k not in rebound})
        last = body.pop() if body and isinstance(body[-1], gast.Return) else None
        saved_line = self.line
        self.inlining.append(local)
        try:
            for stmt in body:
                self.line = getattr(stmt, "lineno", self.line)
                self.statement(stmt)
            return self.returned_value(last, set(mapping.values()))
        finally:
            self.inlining.pop()
            self.line = saved_line

    def renamed_locals(self, fn, local):
        """{name: its new name} for the locals of ``fn`` (``local`` inlined), renamed so in
        ``fn``; a helper's writes through views of its parameters (``t = a[1:]; t[0] = v``)
        rewritten as writes into the caller's array, as the function's own are (views.py)."""
        mapping = {name: self.namer.fresh(name) for name in sorted(local_names(fn))}
        rename_locals(fn, mapping)
        if local.origin is not None and writes_through_parameter_views(local.origin):
            rewrite_view_writes(self, fn)
        return mapping

    def returned_value(self, last, own):
        if last is None or last.value is None:
            return S.const(None)
        self.line = getattr(last, "lineno", self.line)
        mixed = self.mixed_tuple(last.value, own)
        if mixed is not None:
            return mixed
        if self.looks_like_function(last.value):
            function = self.function_value(last.value)
            if isinstance(function, (Local, Made)) or isinstance(function, Functions) and not all(
                    isinstance(v, Global) for v in function.values):
                name = self.namer.fresh("function")
                self.functions[name] = function
                return S.name(name)
        value = self.atom(last.value, hint="result")
        if isinstance(last.value, gast.Name) and isinstance(value, gast.Name) and value.id not in own:
            value = S.name(self.fresh_assign(value, "result"))     # read now, not when used
        return value

    def check_inlined(self, fn, local, node):
        written = declared(fn, gast.Global) & {n.id for n in own_nodes(fn) if isinstance(n, gast.Name)
                                               and isinstance(n.ctx, gast.Store)}
        if written:
            raise self._refuse(f"a global statement rebinding '{sorted(written)[0]}'", node,
                               "pass the value in as an argument and return the new value")
        for sub in S.walk_nodes(fn):
            if isinstance(sub, (gast.Yield, gast.YieldFrom)):
                raise self._refuse(f"yield in {local.label} (a generator)", node,
                                   "build a list instead (ys.append(v) where it would yield v), return it, "
                                   "and loop over that list")

    def bind_arguments(self, fn, local, node):
        """[(parameter, value)] for a call: atoms, or function values; Python's errors for
        arguments that do not fit, as a TransformError."""
        args = fn.args
        positional = [a.id for a in args.posonlyargs + args.args]
        keyword_ok = [a.id for a in args.args + args.kwonlyargs]
        given = {}

        def value(expr):
            if isinstance(expr, gast.Starred):
                raise self._refuse("*args unpacking in a call", node, "pass the arguments one by one")
            if _literal(expr) and isinstance(expr, gast.Tuple):
                return S.copy(expr)         # wrt=(0, 1) in a helper making a gradient: a literal
            if self.looks_like_function(expr):
                return self.function_value(expr)
            return self.built_argument(expr)
        if len(node.args) > len(positional):
            raise self._refuse(f"a call of {local.label} with {len(node.args)} positional arguments "
                               f"(it takes {len(positional)})", node)
        for param, expr in zip(positional, node.args):
            given[param] = value(expr)
        for kw in node.keywords:
            if kw.arg is None:
                raise self._refuse(f"**kwargs unpacking in a call of {local.label} of a dict whose keys it "
                                   "cannot tell from the code", node,
                                   "pass the keyword arguments one by one, or bind the dict once to a display "
                                   "with string keys (opts = {'scale': w}) read only by key or spread")
            if kw.arg not in keyword_ok or kw.arg in given:
                raise self._refuse(f"a call of {local.label} with the keyword argument '{kw.arg}' "
                                   "it does not take (or takes twice)", node)
            given[kw.arg] = value(kw.value)
        defaults = dict(zip(positional[len(positional) - len(local.defaults):], local.defaults))
        defaults.update(local.kw_defaults)
        bound = []
        for param in positional + [a.id for a in args.kwonlyargs]:
            if param not in given and param not in defaults:
                raise self._refuse(f"a call of {local.label} without its argument '{param}'", node)
            bound.append((param, given[param] if param in given else S.copy(defaults[param])
                          if isinstance(defaults[param], gast.AST) else defaults[param]))
        return bound


def _free_names(fn, enclosing=frozenset()):
    """The names ``fn`` (a def or lambda) and the functions it defines read from outside."""
    bound = enclosing | local_names(fn)
    names = set()
    for node in own_nodes(fn):
        if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load) and node.id not in bound:
            names.add(node.id)
        elif isinstance(node, (gast.FunctionDef, gast.Lambda)):
            names |= _free_names(node, bound)
    return names


def _unpacked_star(normalizer, fn, local, node):
    """``node`` with one ``*xs`` of a value that is no display (``f(*args)``, ``f(*(v * w
    for v in x))``, ``f(*row)``) unpacked into as many names as the positional parameters
    it must fill, where ``fn`` (a local def or lambda) takes a fixed number of them with no
    defaults: ``a_1, a_2 = xs[0], xs[1]``, after a check raising Python's TypeError where
    the count differs (``check_spread_count``). The arguments before it are evaluated first, in their order, as
    Python does. Else ``node`` itself (bind_arguments refuses a ``*`` left)."""
    args = fn.args
    starred = [k for k, a in enumerate(node.args) if isinstance(a, gast.Starred)]
    positional = [a.id for a in args.posonlyargs + args.args]
    if len(starred) != 1 or args.vararg is not None or local.defaults \
            or any(kw.arg in positional or kw.arg is None for kw in node.keywords) \
            or any(normalizer.looks_like_function(a) for a in node.args[:starred[0]]):
        return node
    count = len(positional) - (len(node.args) - 1)
    if count < 0:
        return node
    before = [normalizer.atom(a) for a in node.args[:starred[0]]]
    packed = normalizer.atom(node.args[starred[0]].value, hint="t")
    if not isinstance(packed, gast.Name):
        return node
    # another number of items: Python's TypeError for the call, not an unpacking's ValueError
    named = fn.name if isinstance(fn, gast.FunctionDef) else "<lambda>"
    outer = getattr(normalizer.source.fn, "__qualname__", None)
    label = f"{outer}.<locals>.{named}" if outer else named
    normalizer.emit(S.expr_stmt(normalizer.runtime_call(runtime.check_spread_count, [
        S.name(packed.id), S.const(len(node.args) - 1), S.const(label), S.const(" ".join(positional))])))
    names = [normalizer.namer.fresh("arg") for _ in range(count)]
    normalizer.locals.update(names)
    for position, name in enumerate(names):
        normalizer.assign(S.name(name, store=True),
                          gast.Subscript(value=S.name(packed.id), slice=S.const(position), ctx=gast.Load()))
    at = starred[0]
    return gast.Call(func=node.func, args=before + [S.name(n) for n in names] + node.args[at + 1:],
                     keywords=node.keywords)


def _spliced(node, known_spread):
    """``node`` with ``*(a, b)`` written out as arguments, and ``**d`` where its keys are
    known from the code (``known_spread``: a dict display, a name bound to one)."""
    args, keywords = [], []
    for arg in node.args:
        if isinstance(arg, gast.Starred) and isinstance(arg.value, (gast.Tuple, gast.List)):
            args.extend(arg.value.elts)
        else:
            args.append(arg)
    for kw in node.keywords:
        if kw.arg is None and known_spread(kw) is not None:
            keywords.extend(known_spread(kw))
        else:
            keywords.append(kw)
    return gast.Call(func=node.func, args=args, keywords=keywords)


def _for_call_shape(fn, local, node):
    """A local function with ``*args``/``**kwargs`` as the function it is for this call
    (frontend/varargs.py): one parameter per gathered argument, ``args`` and ``kwargs``
    bound to a tuple and a dict of them at its start; the call's keywords renamed to
    match. (fn, its Local, the call)."""
    args = fn.args
    named = [a.id for a in args.posonlyargs + args.args]
    keyword_ok = set(named[len(args.posonlyargs):]) | {a.id for a in args.kwonlyargs}
    extra = max(0, len(node.args) - len(named)) if args.vararg is not None else 0
    keywords = [kw.arg for kw in node.keywords if kw.arg is not None and kw.arg not in keyword_ok] \
        if args.kwarg is not None else []
    fn, names = rewrite_tree(fn, extra, keywords)
    local = Local(local.label, fn, [] if extra else local.defaults, local.kw_defaults, local.origin)
    node = gast.Call(func=node.func, args=node.args,
                     keywords=[gast.keyword(arg=names.get(kw.arg, kw.arg), value=kw.value) for kw in node.keywords])
    return fn, local, node


def _function_defaults(callee, node):
    """{parameter: default} for the parameters a call leaves to defaults that are functions
    (or lists or dicts of them); empty when there are none or the call spreads arguments."""
    if not (callee.__defaults__ or callee.__kwdefaults__) or any(
            isinstance(a, gast.Starred) for a in node.args) or any(kw.arg is None for kw in node.keywords):
        return {}
    try:
        bound = inspect.signature(callee).bind(*node.args, **{kw.arg: kw.value for kw in node.keywords})
    except (TypeError, ValueError):
        return {}
    return {name: p.default for name, p in inspect.signature(callee).parameters.items()
            if name not in bound.arguments and p.default is not p.empty and function_valued(p.default)}


def _literal(node):
    """Whether ``node`` is a constant, or a tuple of constants (``wrt=(0, 1)``)."""
    return isinstance(node, gast.Constant) or isinstance(node, gast.Tuple) and bool(node.elts) \
        and all(isinstance(e, gast.Constant) for e in node.elts)


def _is_factory(callee):
    """Whether a user function returns a function it defines or a partial it makes (see
    returns_local_function): only a function that defines one (a code object among its
    constants) or names ``partial`` is parsed."""
    code = getattr(callee, "__code__", None)
    if code is None or not (any(inspect.iscode(c) for c in code.co_consts) or "partial" in code.co_names):
        return False
    try:
        return returns_local_function(parsed_for_reading(callee).tree)
    except (TransformError, TypeError, OSError):     # no source: not inlined, so a call of its result is refused
        return False


def _runs_inlined(lowering, callee, node):
    """Whether the call ``node`` of the module-level ``callee`` is inlined: what it draws
    or changes, in its arguments or outside (outer_writes.py), is followed in place; and
    the callee of has_aux's wrapper (aux_outputs.py) runs once within it, not as value
    code and then again as the callee's derivative (a callee calling itself by its name
    stays a call)."""
    return lowering.draws_random_numbers(callee, node) or lowering.changes_its_arguments(callee) \
        or writes_outer(callee, lowering.source.globals) \
        or getattr(lowering.source.fn, "__astgrad_inlines_callees__", False) \
        and callee.__name__ not in callee.__code__.co_names
