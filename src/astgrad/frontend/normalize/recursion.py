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

A module-level helper of this module given a local function reading variables of the
function differentiated, that hands the function on unchanged to itself::

    def tree_map(f, tree):
        if isinstance(tree, dict):
            return {k: tree_map(f, v) for k, v in tree.items()}
        return f(tree)

    scaled = tree_map(lambda t: t * w, tree)

is inlined once, and its recursive calls call its lifted twin: the helper without the
parameter ``f``, its body starting with the local function's def bound to ``f``, taking
the variables that function reads (``w``) as keyword-only parameters and passing them on
(``tree_map(v, w=w)``).
"""

import inspect

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

    def recursive_helper_call(self, local, node):
        """The lowered recursive call ``node`` of the helper ``local`` (a Local parsed from
        a module-level function of this module) handing the local functions it was given
        on unchanged: a call of its lifted twin (see the module docstring); else None."""
        callee = local.origin
        try:
            bound = inspect.signature(callee).bind(*node.args, **{kw.arg: kw.value for kw in node.keywords})
        except TypeError:
            return None
        given = {param: self.function_value(expr) for param, expr in bound.arguments.items()
                 if isinstance(expr, gast.AST) and self.looks_like_function(expr)}
        if not given or not all(isinstance(v, Local) and v.origin is None for v in given.values()) \
                or not self.same_module(callee):
            return None
        names = sorted(set().union(*(self._enclosing_reads(v, node, set()) for v in given.values())))
        tree = _helper_twin(local.node, callee.__name__, given, names)
        if tree is None:
            return None
        lifted, = _lift_together(self.source.fn, [tree])
        lifted.__defaults__, lifted.__kwdefaults__ = None, None
        params = list(inspect.signature(callee).parameters)
        call = gast.Call(func=S.name(self.bind_value(lifted, "function")),
                         args=[a for p, a in zip(params, node.args) if p not in given],
                         keywords=[kw for kw in node.keywords if kw.arg not in given]
                         + [gast.keyword(arg=n, value=S.name(n)) for n in names])
        return self.expr(call)


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

def _helper_twin(helper, name, given, names):
    """The def ``helper`` (named ``name``) without the parameters ``given`` ({parameter:
    Local}), each bound at its start to its local function's def, taking ``names`` as
    keyword-only parameters, its calls of itself passing them on; None where the helper
    rebinds such a parameter, has defaults, ``*args``/``**kwargs``, or calls itself with
    other functions."""
    tree = S.copy(helper)
    args = tree.args
    params = [a.id for a in args.posonlyargs + args.args]
    if args.vararg or args.kwarg or args.kwonlyargs or args.defaults or not set(given) <= set(params) \
            or set(names) & (S.names_in(tree) | set(given)) or S.stored_names(tree) & set(given):
        return None
    for call in gast.walk(tree):
        if isinstance(call, gast.Name) and call.id == name and not isinstance(call.ctx, gast.Load):
            return None
        if not (isinstance(call, gast.Call) and isinstance(call.func, gast.Name) and call.func.id == name):
            continue
        if call.keywords or len(call.args) != len(params) or any(
                not (isinstance(a, gast.Name) and a.id == p) for p, a in zip(params, call.args) if p in given):
            return None
        call.args = [a for p, a in zip(params, call.args) if p not in given]
        call.keywords = [gast.keyword(arg=n, value=S.name(n)) for n in names]
    kept = [a for a in args.posonlyargs + args.args if a.id not in given]
    args.posonlyargs, args.args = [], kept
    args.kwonlyargs = [gast.Name(id=n, ctx=gast.Param(), annotation=None, type_comment=None) for n in names]
    args.kw_defaults = [None] * len(names)
    defs = []
    for param, function in given.items():
        fn = S.copy(function.node)
        fn.name = param
        defs.append(fn)
    tree.body = defs + tree.body
    return tree
