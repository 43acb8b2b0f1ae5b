"""Call forms lowered to plain calls: calls of ``functools.partial`` objects (made in
the call, bound to a local name, or global) become calls of the function they stand
for; ``f(*xs)`` and ``f(**d)`` pass the arguments one by one; ``zip(*xs)`` becomes the
list of tuples it yields."""

import builtins
import functools

import gast
import numpy

from ... import runtime
from ...core import syntax as S
from ...core.ops import is_user_function
from ...core.partials import flatten as flatten_partial
from ...errors import function_value_unknown
from .. import object_layouts as L, written_in
from .scopes import parameters, top_level_binding


class CallFormLowering:
    """Normalizer methods for partials, argument unpacking and ``zip(*xs)``."""

    # -- functools.partial ---------------------------------------------------------------

    def partial_call(self, node):
        """A call of a partial as a call of the function it stands for, with the bound
        arguments first and the call's keywords overriding the bound ones, or None:
        ``functools.partial(g, a)(x)``; ``P(x)`` for a global partial ``P``; ``p(x)`` for a
        local ``p = functools.partial(g, a)`` (whose arguments were read when it was made)."""
        func = node.func
        if isinstance(func, gast.Call) and self.resolve_call(func) is functools.partial and func.args:
            bound = gast.Call(func=func.args[0], args=func.args[1:], keywords=func.keywords)
        elif isinstance(func, gast.Name) and isinstance(self.partials.get(func.id), MadeTransform):
            # g = astgrad.grad(f) ... g(x): astgrad.grad(f)(x), a nested transform (nested.py)
            return gast.Call(func=S.copy(self.partials[func.id].call), args=node.args, keywords=node.keywords)
        elif isinstance(func, gast.Name) and func.id in self.partials:
            bound = self.partials[func.id]
        else:
            target = self.resolve_call(node) if not (isinstance(func, gast.Name) and func.id in self.bindings) else None
            if not isinstance(target, functools.partial):
                return None
            inner, args, keywords = flatten_partial(target)
            bound = gast.Call(func=S.name(self.bind_value(inner, "function")),
                              args=[S.name(self.bind_value(a, "bound")) for a in args],
                              keywords=[gast.keyword(arg=k, value=S.name(self.bind_value(v, "bound")))
                                        for k, v in keywords.items()])
        given = {kw.arg for kw in node.keywords}
        return gast.Call(func=bound.func, args=list(bound.args) + list(node.args),
                         keywords=[kw for kw in bound.keywords if kw.arg not in given] + list(node.keywords))

    def local_partial(self, name, value):
        """``p = functools.partial(g, a, k=v)``, with ``p`` bound once and only called: its
        arguments are read now, and calls of ``p`` become calls of ``g`` (see
        ``partial_call``). Whether it was recorded so. A partial of a partial
        (``partial(partial(g, a), b)``) is the one partial of ``g`` it stands for."""
        value = _flat_partial(self, value)
        self.refuse_partial_of_unknown_method(value)
        if self.made_transform(value) and _only_called(self.source.tree, name):
            self.partials[name] = MadeTransform(value)
            return True
        if not (isinstance(value, gast.Call) and self.resolve_call(value) is functools.partial
                and value.args and not any(isinstance(a, gast.Starred) for a in value.args)
                and all(kw.arg is not None for kw in value.keywords) and _only_called(self.source.tree, name)):
            return False
        func = value.args[0]
        if isinstance(func, gast.Name) and func.id in self.partials:
            inner = self.partials[func.id]
            func, before, earlier = inner.func, list(inner.args), list(inner.keywords)
        elif self.is_made_gradient(func):       # partial(astgrad.grad(g, 1), a): see made.py
            func, before, earlier = S.name(self.hold_function(func, "gradient")), [], []
        elif isinstance(func, gast.Lambda) or isinstance(func, gast.Name) and func.id in self.functions:
            # a local function (bound once: closures.py), inlined at each call of the partial
            if isinstance(func, gast.Lambda):
                func = S.name(self.define_local(self.namer.fresh("lambda"), func, "lambda"))
            before, earlier = [], []
        elif self.method_of_local(func):
            # p.loss of an object the function built or an argument, read again at each
            # call for the method it gives now (method_values.py), as the partial holds it
            func, before, earlier = S.copy(func), [], []
        else:
            path = S.dotted_path(func)
            if path is None or path[0] in self.locals:
                return False
            before, earlier = [], []
        args = before + [S.copy(a) if self.object_never_rebound(a) else self.kept_atom(a) for a in value.args[1:]]
        for given, kept in zip(value.args[1:], args[len(before):]):
            if isinstance(given, gast.Name) and isinstance(kept, gast.Name):   # (its refusals name the user's)
                if kept.id != given.id:
                    written_in.name_made(self.source, kept.id, given.id)
                self.source.partial_arguments[kept.id] = name
        keywords = {kw.arg: kw for kw in earlier}
        keywords.update((kw.arg, gast.keyword(arg=kw.arg, value=self.kept_atom(kw.value))) for kw in value.keywords)
        self.partials[name] = gast.Call(func=func, args=args, keywords=list(keywords.values()))
        return True

    def refuse_partial_of_unknown_method(self, value):
        """Raise a FunctionValueUnknown for ``functools.partial(m.loss, ...)`` where
        ``awaits_receivers_class(m.loss)``: the code made for ``m``'s class follows it."""
        func = value.args[0] if isinstance(value, gast.Call) and value.args else None
        if func is not None and self.resolve_call(value) is functools.partial and self.awaits_receivers_class(func):
            owner = func.value.id
            raise function_value_unknown(self._refuse(
                f"functools.partial of the method {owner}.{func.attr} of the argument '{owner}' before its class "
                "is known", value, "call the transform with the object: the code made for its class follows it"))

    def awaits_receivers_class(self, func):
        """Whether ``func`` is ``m.loss``, ``m`` an argument, in code not yet made for the
        arguments' values: which method ``m.loss`` is depends on ``m``'s class, and the code
        made for it follows the method taken as a value (``method_of_local``,
        ``given_others_method``). An array's method (``a.dot``) is left to the refusals
        that name it."""
        return isinstance(func, gast.Attribute) and isinstance(func.value, gast.Name) and not self.inlining \
            and not hasattr(numpy.ndarray, func.attr) and func.value.id in parameters(self.source.tree) \
            and not hasattr(self.source.fn, "__astgrad_layouts__")

    def made_transform(self, value):
        """Whether ``value`` is ``astgrad.grad(g, ...)`` or ``astgrad.value_and_grad(g, ...)``
        of a lambda, a function this code names statically (a global, a local def bound
        once, ``self.method`` in a method), and a constant ``wrt``: calling it is a nested
        transform."""
        if not (isinstance(value, gast.Call) and value.args and len(value.args) <= 2
                and all(kw.arg == "wrt" for kw in value.keywords)):
            return False
        target = self.resolve_call(value)
        if target is None or self.callees is None \
                or target not in (self.callees.grad, getattr(self.callees, "value_and_grad", None)):
            return False
        from .scopes import binding_counts
        fn = value.args[0]
        path = S.dotted_path(fn)
        receiver = self.receiver()
        return isinstance(fn, gast.Lambda) or (path is not None and path[0] not in self.locals) or (
            isinstance(fn, gast.Name) and fn.id in self.functions
            and binding_counts([self.source.tree]).get(fn.id) == 1) or (
            receiver is not None and path is not None and len(path) == 2 and path[0] == receiver[0])

    def object_never_rebound(self, node):
        """Whether ``node`` names an object of a known class bound once at the top level of
        the body (or an argument never rebound): a partial holding it (``partial(Model.loss,
        m)``) reads the same object through the name at each call, and the name keeps the
        class the code made for it knows (a copy of it into a new name would not)."""
        if self.inlining or not isinstance(node, gast.Name) or node.id in self.functions:
            return False
        layout = self.layout(node)
        return layout is not None and layout[0] == L.OBJECT and top_level_binding(self.source.tree, node.id) is not None

    def kept_atom(self, node):
        """``node``'s value now, in a name nothing rebinds (or a constant)."""
        value = self.atom(node, hint="bound")
        return value if isinstance(value, gast.Constant) else S.name(self.fresh_assign(value, "bound"))

    def bind_value(self, obj, hint):
        for name, bound in self.bindings.items():
            if bound is obj:
                return name
        name = self.namer.fresh(getattr(obj, "__name__", None) or hint)
        self.bindings[name] = obj
        self.locals.discard(name)
        return name

    # -- f(*xs), f(**d), zip(*xs) ------------------------------------------------------

    def spread_arguments(self, node):
        """``f(*xs)`` and ``f(**d)`` as a call with the arguments one by one: the items of
        a list or tuple display and the items of a dict display with string keys are
        spliced in; ``zip(*xs)`` becomes the list of tuples it yields; otherwise, for a
        function of the user's with a fixed number of parameters, ``*xs`` is unpacked
        into as many names as it must fill (``a, b = xs``, which checks the count)."""
        if self.resolve_call(node) is builtins.zip and len(node.args) == 1 and not node.keywords:
            return self.zip_of_rows(node.args[0].value, node)
        args = []
        for position, arg in enumerate(node.args):
            if not isinstance(arg, gast.Starred):
                args.append(arg)
            elif _spread_shape(node, arg) and not is_user_function(self.resolve_call(node)):
                # rs.randn(*x.shape): a library call of ints only, the shape read in the call
                # (so that the code generated from it spreads a shape too, to be followed again)
                owner = self.atom(arg.value.value)
                shape = gast.Attribute(value=owner, attr="shape", ctx=gast.Load()) if isinstance(owner, gast.Name) \
                    else S.name(self.fresh_assign(arg.value, "shape"))
                args.append(gast.Starred(value=shape, ctx=gast.Load()))
            elif isinstance(arg.value, (gast.List, gast.Tuple)):
                args.extend(arg.value.elts)
            elif isinstance(_bound_display(self, arg.value), (gast.List, gast.Tuple)):
                display = _bound_display(self, arg.value)       # xs = (a, b) ... f(*xs)
                args.extend(gast.Subscript(value=S.name(arg.value.id), slice=S.const(i), ctx=gast.Load())
                            for i in range(len(display.elts)))
            else:
                count = self.spread_count(node, position)
                names = [self.namer.fresh("arg") for _ in range(count)]
                self.locals.update(names)
                self.assign(gast.Tuple(elts=[S.name(n, store=True) for n in names], ctx=gast.Store()),
                            arg.value)
                args.extend(S.name(n) for n in names)
        keywords = self.spread_keywords(node)
        spread = next((kw for kw in keywords if kw.arg is None), None)
        if spread is not None:
            keywords = [kw for kw in keywords if kw is not spread]
            if self.fixed_signature(node) is None:      # f(a, **d) into f's own **kwargs
                return self.kwargs_given_whole(node, args, keywords, spread.value)
            keywords += self.keywords_of_mapping(node, spread.value, len(args), {kw.arg for kw in keywords})
        return gast.Call(func=node.func, args=args, keywords=keywords)

    def spread_keywords(self, node):
        """The keywords of ``node`` with each ``**d`` whose items are known spliced in
        (a display, a name bound to one, a dict whose keys the code says); one ``**d``
        left for a function of the user's with named parameters only (read one by one)."""
        keywords = []
        for kw in node.keywords:
            if kw.arg is not None:
                keywords.append(kw)
            elif self.known_spread(kw) is not None:
                keywords.extend(self.known_spread(kw))
            elif not any(k.arg is None for k in node.keywords if k is not kw) \
                    and self.fixed_signature(node) is not None or self.takes_kwargs_whole(node):
                keywords.append(kw)         # keys known when the code runs: spread_arguments reads them
            else:
                raise self._refuse("**kwargs unpacking of a value that is not a dict display", node,
                                   "pass the keyword arguments one by one, or write the dict out in "
                                   "the call: f(**{'a': x})")
        return keywords

    def known_spread(self, kw):
        """The keywords ``**d`` (``kw``) passes, one by one, where its keys are known from
        the code (a dict display, a name bound to one, a dict whose keys the code says);
        None otherwise."""
        if isinstance(kw.value, gast.Dict) and all(
                isinstance(k, gast.Constant) and isinstance(k.value, str) for k in kw.value.keys):
            return [gast.keyword(arg=k.value, value=v) for k, v in zip(kw.value.keys, kw.value.values)]
        display = _bound_display(self, kw.value)
        if isinstance(display, gast.Dict) and all(
                isinstance(k, gast.Constant) and isinstance(k.value, str) for k in display.keys):
            keys = [k.value for k in display.keys]      # opts = {"k": v} ... f(**opts)
        else:
            from .known_keys import known_keys     # (loaded with the first such call)
            keys = known_keys(self, kw.value, kw.value)     # opts["b"] = v ... f(**opts)
        if keys is None:
            return None
        return [gast.keyword(arg=key, value=gast.Subscript(value=S.name(kw.value.id), slice=S.const(key),
                                                          ctx=gast.Load())) for key in keys]

    def fixed_signature(self, node):
        """The signature of the function of the user's ``node`` calls, when it has no
        ``*args``/``**kwargs`` parameters; else None."""
        import inspect
        callee = self.resolve_call(node)
        if not (inspect.isfunction(callee) and is_user_function(callee)):
            return None
        signature = inspect.signature(callee)
        kinds = {p.kind for p in signature.parameters.values()}
        return None if kinds & {inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD} else signature

    def keywords_of_mapping(self, node, mapping, positional, named):
        """``f(a, k=v, **d)`` with ``d``'s keys known only when the code runs, ``f`` a function
        of the user's with a fixed signature: each parameter left (``p``) passed as
        ``d["p"] if "p" in d else <its default now>``, after Python's TypeError for a key
        ``f`` does not take or a required parameter ``d`` lacks."""
        import inspect
        signature = self.fixed_signature(node)
        left = [p for i, p in enumerate(signature.parameters.values())
                if p.kind is not p.POSITIONAL_ONLY and p.name not in named
                and not (p.kind is p.POSITIONAL_OR_KEYWORD and i < positional)]
        d = self.atom(mapping, hint="kwargs")
        if not isinstance(d, gast.Name):
            d = S.name(self.fresh_assign(d, "kwargs"))
        required = [p.name for p in left if p.default is inspect.Parameter.empty]
        self.emit(gast.Expr(value=self.runtime_call(runtime.check_keywords, [
            S.copy(d), S.const(tuple(p.name for p in left)), S.const(tuple(required)),
            S.const(self.resolve_call(node).__qualname__)])))
        keywords = []
        for p in left:
            read = gast.Subscript(value=S.copy(d), slice=S.const(p.name), ctx=gast.Load())
            if p.name not in required:
                present = self.runtime_call(runtime.has_key, [S.copy(d), S.const(p.name), S.const(self.where())])
                default = self.runtime_call(runtime.default_of, [S.copy(node.func), S.const(p.name)])
                read = gast.IfExp(test=present, body=read, orelse=default)
            keywords.append(gast.keyword(arg=p.name, value=self.atom(read, hint=p.name)))
        return keywords

    def spread_count(self, node, position):
        """How many parameters ``*xs`` at argument ``position`` fills in a call of a
        function of the user's with no *args and no defaults left to fill."""
        import inspect
        callee = self.resolve_call(node)
        later = node.args[position + 1:]
        try:
            signature = inspect.signature(callee) if inspect.isfunction(callee) else None
        except (TypeError, ValueError):
            signature = None
        positional = [] if signature is None else [
            p for p in signature.parameters.values() if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
        named = {kw.arg for kw in node.keywords}
        rest = positional[position:]
        rest = rest[:len(rest) - len(later)] if later else rest
        if signature is None or any(isinstance(a, gast.Starred) for a in later) \
                or any(p.kind is p.VAR_POSITIONAL for p in signature.parameters.values()) \
                or any(p.default is not p.empty or p.name in named for p in rest):
            raise self._refuse("*args unpacking in a call whose number of arguments astgrad cannot tell",
                               node, "pass the arguments one by one, or write the list out in the "
                               "call: f(*[a, b])")
        return len(rest)

    def zip_of_rows(self, rows, node):
        """``zip(*xs)``: ``[tuple([r[k] for r in xs]) for k in range(n)]``, ``n`` the
        shortest row's length (0 for no rows), as a list."""
        xs = self.atom(rows, hint="rows")
        if not isinstance(xs, gast.Name):
            xs = S.name(self.fresh_assign(xs, "rows"))
        row, k = self.namer.fresh("row"), self.namer.fresh("k")
        self.locals |= {row, k}

        def each_row(elt):
            return gast.ListComp(elt=elt, generators=[gast.comprehension(
                target=S.name(row, store=True), iter=S.copy(xs), ifs=[], is_async=0)])
        lengths = each_row(gast.Call(func=S.name("len"), args=[S.name(row)], keywords=[]))
        shortest = gast.Call(func=S.name("min"), args=[lengths],
                             keywords=[gast.keyword(arg="default", value=S.const(0))])
        column = gast.Call(func=S.name("tuple"), args=[each_row(gast.Subscript(
            value=S.name(row), slice=S.name(k), ctx=gast.Load()))], keywords=[])
        steps = gast.Call(func=S.name("range"), args=[shortest], keywords=[])
        return self.expr(gast.ListComp(elt=column, generators=[gast.comprehension(
            target=S.name(k, store=True), iter=steps, ifs=[], is_async=0)]))


def _spread_shape(node, arg):
    """``f(*x.shape)``: a shape, the only argument, spread into a call (of a library
    function or method: the call stays as it is). Its items are ints."""
    return len(node.args) == 1 and not node.keywords and isinstance(arg.value, gast.Attribute) \
        and arg.value.attr == "shape"


def _only_called(tree, name):
    """Whether ``name`` is bound once in ``tree`` and every read of it is a call (or
    the function of another ``partial(...)``)."""
    called = {id(n.func) for n in S.walk_nodes(tree) if isinstance(n, gast.Call)}
    called |= {id(n.args[0]) for n in S.walk_nodes(tree) if isinstance(n, gast.Call) and n.args
               and (S.dotted_path(n.func) or [""])[-1] == "partial"}
    stores = loads = 0
    for node in S.walk_nodes(tree):
        if isinstance(node, gast.Name) and node.id == name:
            if isinstance(node.ctx, gast.Store):
                stores += 1
            elif id(node) not in called:
                loads += 1
    return stores == 1 and loads == 0


class MadeTransform:
    """A local name bound once to ``astgrad.grad(g)`` and only called (``call``: that call)."""
    __slots__ = ("call",)

    def __init__(self, call):
        self.call = call


def _flat_partial(normalizer, value):
    """``partial(partial(g, a, k=1), b, j=2)`` as ``partial(g, a, b, k=1, j=2)`` (the
    outer keywords after, replacing, the inner ones), as Python's partial flattens it."""
    while isinstance(value, gast.Call) and value.args and isinstance(value.args[0], gast.Call) \
            and normalizer.resolve_call(value) is functools.partial \
            and normalizer.resolve_call(value.args[0]) is functools.partial and value.args[0].args:
        inner = value.args[0]
        value = gast.Call(func=value.func, args=list(inner.args) + list(value.args[1:]),
                          keywords=list(inner.keywords) + list(value.keywords))
    return value


def _bound_display(normalizer, node):
    """The tuple, list or dict display a name of the differentiated function is bound to,
    once, where it is only ever read whole by ``*xs``/``**d`` or item by item (so its
    items are the display's, wherever it is unpacked); None for anything else."""
    from .scopes import binding_counts
    tree = normalizer.source.tree
    if not isinstance(node, gast.Name) or node.id not in normalizer.locals \
            or binding_counts([tree]).get(node.id) != 1:
        return None
    display, name = None, node.id
    for parent in S.walk_nodes(tree):
        if isinstance(parent, gast.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0], gast.Name) \
                and parent.targets[0].id == name:
            display = parent.value
        for child in gast.iter_child_nodes(parent):
            if isinstance(child, gast.Name) and child.id == name and isinstance(child.ctx, gast.Load) \
                    and not _reads_whole(parent, child):
                return None
    if isinstance(display, (gast.Tuple, gast.List)) and not any(isinstance(e, gast.Starred) for e in display.elts):
        return display
    return display if isinstance(display, gast.Dict) and None not in display.keys else None


def _reads_whole(parent, child):
    """``*xs``, ``**d`` or ``xs[i]`` (a read): ``child``'s value is not handed anywhere it could change."""
    return isinstance(parent, gast.Starred) or (isinstance(parent, gast.keyword) and parent.arg is None) \
        or (isinstance(parent, gast.Subscript) and parent.value is child and isinstance(parent.ctx, gast.Load))
