"""Recursion through a local function::

    def f(x):
        def power(y, n):
            return 1.0 if n == 0 else y * power(y, n - 1)
        return power(x, 3)

A local function that calls itself cannot be inlined (the inlining would not end). It
is called instead, as its lifted twin (nested.py): a function of the same body taking
the enclosing function's variables it reads as extra keyword-only parameters, whose
recursive calls pass them on, and which finds itself by its own name in a closure cell.
Its derivative is generated like any recursive callee's, calling its own derivative, in
both modes and to any order; the derivative with respect to the enclosing variables it
reads flows through those parameters.
"""

import gast

from ...core import syntax as S
from .closures import Local
from .nested import _fixed, _lift
from .scopes import declared, local_names

_ADVICE = "write the recursion as a loop, or make the function a module-level one"


class RecursionLowering:
    """Normalizer methods for calls of a local function that calls itself."""

    def calls_itself(self, local):
        """The names by which ``local`` (a Local defined here) calls itself in its own body."""
        if local.origin is not None:
            return set()
        return {n.func.id for n in gast.walk(local.node) if isinstance(n, gast.Call)
                and isinstance(n.func, gast.Name) and self.functions.get(n.func.id) is local}

    def recursive_local_call(self, local, node, selves):
        """The lowered call ``node`` of ``local``, which calls itself by ``selves``: a call
        of its lifted twin, the enclosing variables it reads passed by keyword."""
        lifted, names = self.lifted_recursive(local, node, selves)
        extra = [gast.keyword(arg=n, value=S.name(n)) for n in names]
        call = gast.Call(func=S.name(self.bind_value(lifted, "function")), args=list(node.args),
                         keywords=list(node.keywords) + extra)
        return self.expr(call)

    def lifted_recursive(self, local, node, selves):
        fn = local.node
        label = f"recursion through the local function {local.label}"
        defaults = list(local.defaults) + list(local.kw_defaults.values())
        if len(selves) != 1 or not all(isinstance(d, gast.Constant) for d in defaults) \
                or fn.args.vararg or fn.args.kwarg or declared(fn, gast.Nonlocal) or declared(fn, gast.Global):
            raise self._refuse(label + " (with *args, **kwargs, nonlocal, global, default values other "
                               "than constants, or under two names)", node, _ADVICE)
        own = local_names(fn)
        read = {n.id for n in gast.walk(fn) if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load)}
        closure = {n for n, value in self.source.closure.items() if not _fixed(value)}
        names = sorted(n for n in read - own - selves
                       if n in self.locals and n not in self.bindings or n in closure)
        functions = [n for n in names if n in self.functions]
        if functions:
            raise self._refuse(f"{label}, which calls the local function {functions[0]}", node, _ADVICE)
        tree = S.copy(fn)
        tree.name = next(iter(selves))
        tree.args.kwonlyargs = list(tree.args.kwonlyargs) + [
            gast.Name(id=n, ctx=gast.Param(), annotation=None, type_comment=None) for n in names]
        tree.args.kw_defaults = list(tree.args.kw_defaults) + [None] * len(names)
        for call in gast.walk(tree):        # its own calls pass the enclosing variables on
            if isinstance(call, gast.Call) and isinstance(call.func, gast.Name) and call.func.id in selves:
                call.keywords = list(call.keywords) + [gast.keyword(arg=n, value=S.name(n)) for n in names]
        lifted = _lift(self.source.fn, tree, recursive=True)
        lifted.__defaults__ = tuple(d.value for d in local.defaults) or None
        lifted.__kwdefaults__ = {k: d.value for k, d in local.kw_defaults.items()} or None
        return lifted, names
