"""Calls: what a call's function refers to (a global path, a method, a helper this
stage bound), calls that write into an argument (``out=``, ``ufunc.at``), which become
ordinary in-place assignments, and nested astgrad transforms (``astgrad.grad(f)(x)``,
``astgrad.jvp(...)``), which become calls of generated derivatives."""

import builtins
import functools

import gast

from ...core import anno
from ...core import syntax as S
from ...core.anno import Key
from ...core.missing import MISSING
from ...core.partials import flatten as flatten_partial
from ...core.wrt import normalize_wrt
from ...errors import RecursiveCall
from .refusals import _Line


class CallLowering:
    """Normalizer methods for calls."""

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
        partial = self.partial_call(node)
        if partial is not None:
            return self.expr_Call(partial)
        lowered = self.container_call(node)
        if lowered is not None:
            return lowered
        if any(isinstance(arg, gast.Starred) for arg in node.args) or any(kw.arg is None for kw in node.keywords):
            node = self.spread_arguments(node)
            if not isinstance(node, gast.Call):
                return node                     # zip(*xs), lowered
            lowered = self.container_call(node)
            if lowered is not None:
                return lowered
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

    # -- functools.partial ---------------------------------------------------------------

    def partial_call(self, node):
        """A call of a partial as a call of the function it stands for, with the bound
        arguments first and the call's keywords overriding the bound ones, or None:
        ``functools.partial(g, a)(x)``; ``P(x)`` for a global partial ``P``; ``p(x)`` for a
        local ``p = functools.partial(g, a)`` (whose arguments were read when it was made)."""
        func = node.func
        if isinstance(func, gast.Call) and self.resolve_call(func) is functools.partial and func.args:
            bound = gast.Call(func=func.args[0], args=func.args[1:], keywords=func.keywords)
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
        ``partial_call``). Whether it was recorded so."""
        if not (isinstance(value, gast.Call) and self.resolve_call(value) is functools.partial
                and value.args and not any(isinstance(a, gast.Starred) for a in value.args)
                and all(kw.arg is not None for kw in value.keywords) and _only_called(self.source.tree, name)):
            return False
        func = value.args[0]
        if isinstance(func, gast.Name) and func.id in self.partials:
            inner = self.partials[func.id]
            func, before, earlier = inner.func, list(inner.args), list(inner.keywords)
        else:
            path = S.dotted_path(func)
            if path is None or path[0] in self.locals:
                return False
            before, earlier = [], []
        args = before + [self.kept_atom(a) for a in value.args[1:]]
        keywords = {kw.arg: kw for kw in earlier}
        keywords.update((kw.arg, gast.keyword(arg=kw.arg, value=self.kept_atom(kw.value))) for kw in value.keywords)
        self.partials[name] = gast.Call(func=func, args=args, keywords=list(keywords.values()))
        return True

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
            elif isinstance(arg.value, (gast.List, gast.Tuple)):
                args.extend(arg.value.elts)
            else:
                count = self.spread_count(node, position)
                names = [self.namer.fresh("arg") for _ in range(count)]
                self.locals.update(names)
                self.assign(gast.Tuple(elts=[S.name(n, store=True) for n in names], ctx=gast.Store()),
                            arg.value)
                args.extend(S.name(n) for n in names)
        keywords = []
        for kw in node.keywords:
            if kw.arg is not None:
                keywords.append(kw)
            elif isinstance(kw.value, gast.Dict) and all(
                    isinstance(k, gast.Constant) and isinstance(k.value, str) for k in kw.value.keys):
                keywords.extend(gast.keyword(arg=k.value, value=v) for k, v in zip(kw.value.keys, kw.value.values))
            else:
                raise self._refuse("**kwargs unpacking of a value that is not a dict display", node,
                                   "pass the keyword arguments one by one, or write the dict out in "
                                   "the call: f(**{'a': x})")
        return gast.Call(func=node.func, args=args, keywords=keywords)

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
        from ... import runtime
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

    # -- nested astgrad transforms ------------------------------------------------------

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
        for name, bound in self.bindings.items():
            if bound is obj:
                return name
        name = self.namer.fresh(obj.__name__)
        self.bindings[name] = obj
        self.locals.discard(name)
        return name


def _is_ufunc_at(target):
    from ...analysis.mutation import is_ufunc_at
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


def _only_called(tree, name):
    """Whether ``name`` is bound once in ``tree`` and every read of it is a call (or
    the function of another ``partial(...)``)."""
    called = {id(n.func) for n in gast.walk(tree) if isinstance(n, gast.Call)}
    called |= {id(n.args[0]) for n in gast.walk(tree) if isinstance(n, gast.Call) and n.args
               and (S.dotted_path(n.func) or [""])[-1] == "partial"}
    stores = loads = 0
    for node in gast.walk(tree):
        if isinstance(node, gast.Name) and node.id == name:
            if isinstance(node.ctx, gast.Store):
                stores += 1
            elif id(node) not in called:
                loads += 1
    return stores == 1 and loads == 0
