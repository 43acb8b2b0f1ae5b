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

Local functions calling each other (``even`` calls ``odd``, which calls ``even``) are
lifted together: each takes every enclosing variable any of them reads, passes them on
in its calls of the others, and finds the others by their names in closure cells.
"""

import gast

from ...core import syntax as S
from .closures import Local
from .nested import _fixed, _lift_together
from .scopes import declared, local_names

_ADVICE = "write the recursion as a loop, or make the function a module-level one"


class RecursionLowering:
    """Normalizer methods for calls of a local function that calls itself."""

    def calls_itself(self, local):
        """The names of the local functions defined here that ``local`` (a Local defined
        here) calls, directly or through each other, and that call it back (its own
        name among them when it calls itself)."""
        if local.origin is not None:
            return set()
        reach = self._reached(local)
        if local not in reach:
            return set()
        group = {other for other in reach if other is local or local in self._reached(other)}
        return {n.func.id for member in group for n in gast.walk(member.node) if isinstance(n, gast.Call)
                and isinstance(n.func, gast.Name) and self.functions.get(n.func.id) in group}

    def _reached(self, local):
        """The local functions defined here that calling ``local`` may call."""
        seen, todo = set(), [local]
        while todo:
            for n in gast.walk(todo.pop().node):
                other = self.functions.get(n.func.id) if isinstance(n, gast.Call) \
                    and isinstance(n.func, gast.Name) else None
                if isinstance(other, Local) and other.origin is None and other not in seen:
                    seen.add(other)
                    todo.append(other)
        return seen

    def recursive_local_call(self, local, node, selves):
        """The lowered call ``node`` of ``local``, which calls itself (through the local
        functions named ``selves``): a call of its lifted twin, the enclosing variables
        they read passed by keyword."""
        lifted, names = self.lifted_recursive(local, node, selves)
        extra = [gast.keyword(arg=n, value=S.name(n)) for n in names]
        call = gast.Call(func=S.name(self.bind_value(lifted, "function")), args=list(node.args),
                         keywords=list(node.keywords) + extra)
        return self.expr(call)

    def lifted_recursive(self, local, node, selves):
        members = {}            # Local -> the name it is called by
        for n in sorted(selves):
            member = self.functions[n]
            if member in members:
                raise self._refuse(f"recursion through the local function {local.label} (under two names)",
                                   node, _ADVICE)
            members[member] = n
        names = sorted(set().union(*(self._enclosing_reads(m, node, selves) for m in members)))
        trees = [_lifted_tree(m.node, members[m], names, selves) for m in members]
        functions = dict(zip(members, _lift_together(self.source.fn, trees)))
        for member, lifted in functions.items():
            lifted.__defaults__ = tuple(d.value for d in member.defaults) or None
            lifted.__kwdefaults__ = {k: d.value for k, d in member.kw_defaults.items()} or None
        return functions[local], names

    def _enclosing_reads(self, member, node, selves):
        """The enclosing function's variables ``member`` (one of the local functions
        calling each other) reads; refused when it cannot be lifted."""
        fn = member.node
        label = f"recursion through the local function {member.label}"
        defaults = list(member.defaults) + list(member.kw_defaults.values())
        if not all(isinstance(d, gast.Constant) for d in defaults) \
                or fn.args.vararg or fn.args.kwarg or declared(fn, gast.Nonlocal) or declared(fn, gast.Global):
            raise self._refuse(label + " (with *args, **kwargs, nonlocal, global, or default values other "
                               "than constants)", node, _ADVICE)
        own = local_names(fn)
        read = {n.id for n in gast.walk(fn) if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Load)}
        closure = {n for n, value in self.source.closure.items() if not _fixed(value)}
        names = {n for n in read - own - selves if n in self.locals and n not in self.bindings or n in closure}
        functions = sorted(n for n in names if n in self.functions)
        if functions:
            raise self._refuse(f"{label}, which calls the local function {functions[0]}", node, _ADVICE)
        return names


def _lifted_tree(fn, name, names, selves):
    """The def ``fn`` named ``name``, taking ``names`` as extra keyword-only parameters
    and passing them on in its calls of ``selves``."""
    tree = S.copy(fn)
    tree.name = name
    tree.args.kwonlyargs = list(tree.args.kwonlyargs) + [
        gast.Name(id=n, ctx=gast.Param(), annotation=None, type_comment=None) for n in names]
    tree.args.kw_defaults = list(tree.args.kw_defaults) + [None] * len(names)
    for call in gast.walk(tree):        # its calls pass the enclosing variables on
        if isinstance(call, gast.Call) and isinstance(call.func, gast.Name) and call.func.id in selves:
            call.keywords = list(call.keywords) + [gast.keyword(arg=n, value=S.name(n)) for n in names]
    return tree
