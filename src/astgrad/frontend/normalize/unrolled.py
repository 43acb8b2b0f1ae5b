"""A list of lambdas made by a comprehension over constants,
``fs = [lambda v, k=k: v * k for k in range(3)]``, written out as the list display
Python's comprehension builds: ``[lambda v, k=0: v * k, lambda v, k=1: ..., ...]``.
The normalizer follows a display of functions (``for f in fs``, ``fs[1](x)``) the way
it follows one the user wrote (closures.py).

Python's scoping is kept: a default value (``k=k``) is evaluated at each step, so it is
that step's constant; a name the lambda's body reads from the comprehension (``lambda v:
v * k``) is read when the lambda is called, after the comprehension finished, so it is
the last constant. Only comprehensions with one ``for`` over ``range`` of integer
literals or over a tuple or list of literals, with no ``if``, whose item is a lambda,
are written out; others are left as they are.

A list of partials, ``[partial(k, scale=s) for s in (0.5, w)]``, is written out the same
way (``[partial(k, scale=0.5), partial(k, scale=w)]``; the items may be names, read when
the display is built, as the comprehension reads them), each followed as a partial."""

import gast

from ...core import syntax as S


def is_partial_call(node):
    """``partial(g, ...)`` or ``functools.partial(g, ...)`` with no lambda in its
    arguments (what the name means does not matter: the list display made is the same)."""
    return isinstance(node, gast.Call) and (S.dotted_path(node.func) or [""])[-1] == "partial" \
        and not any(isinstance(n, gast.Lambda) for n in S.walk_nodes(node))


def unroll_function_comprehensions(tree):
    """``tree`` with each such comprehension replaced by its list display."""
    return _Unroller().visit(tree)


class _Unroller(gast.NodeTransformer):
    def visit_ListComp(self, node):
        self.generic_visit(node)
        values = _constant_steps(node)
        if values is None:
            return node
        name = node.generators[0].target.id
        if not values:
            return gast.List(elts=[], ctx=gast.Load())
        if not isinstance(node.elt, gast.Lambda):      # a partial: each step's call made with its item
            elts = [_Substitute(name, value).visit(S.copy(node.elt)) for value in values]
            return gast.copy_location(gast.List(elts=elts, ctx=gast.Load()), node)
        elts = [_instance(node.elt, name, value, values[-1]) for value in values]
        return gast.copy_location(gast.List(elts=elts, ctx=gast.Load()), node)


def _constant_steps(node):
    """The constants the comprehension's loop variable takes, or None when it is not
    one this module writes out."""
    partial = is_partial_call(node.elt)
    if len(node.generators) != 1 or not (isinstance(node.elt, gast.Lambda) or partial):
        return None
    generator = node.generators[0]
    if generator.ifs or generator.is_async or not isinstance(generator.target, gast.Name):
        return None
    source = generator.iter
    if isinstance(source, (gast.Tuple, gast.List)) and all(isinstance(e, gast.Constant) for e in source.elts):
        return [e.value for e in source.elts]
    if partial and isinstance(source, (gast.Tuple, gast.List)) \
            and all(isinstance(e, (gast.Constant, gast.Name)) for e in source.elts):
        return list(source.elts)        # names read as the display would read them
    if isinstance(source, gast.Call) and isinstance(source.func, gast.Name) and source.func.id == "range" \
            and not source.keywords and 1 <= len(source.args) <= 3 \
            and all(isinstance(a, gast.Constant) and type(a.value) is int for a in source.args):
        return list(range(*(a.value for a in source.args)))
    return None


def _instance(fn, name, value, last):
    """The lambda made at the step where ``name`` is ``value``."""
    fn = S.copy(fn)
    args = fn.args
    args.defaults = [_Substitute(name, value).visit(d) for d in args.defaults]
    args.kw_defaults = [None if d is None else _Substitute(name, value).visit(d) for d in args.kw_defaults]
    params = {a.id for a in args.posonlyargs + args.args + args.kwonlyargs}
    params |= {a.id for a in (args.vararg, args.kwarg) if a is not None}
    if name not in params:
        fn.body = _Substitute(name, last).visit(fn.body)
    return fn


class _Substitute(gast.NodeTransformer):
    """Reads of ``name`` replaced by the constant ``value`` (not inside a nested lambda
    or comprehension that binds ``name`` itself)."""

    def __init__(self, name, value):
        self.name, self.value = name, value

    def visit_Name(self, node):
        if node.id == self.name and isinstance(node.ctx, gast.Load):
            value = S.copy(self.value) if isinstance(self.value, gast.AST) else gast.Constant(value=self.value,
                                                                                             kind=None)
            return gast.copy_location(value, node)
        return node

    def visit_Lambda(self, node):
        args = node.args
        bound = {a.id for a in args.posonlyargs + args.args + args.kwonlyargs}
        args.defaults = [self.visit(d) for d in args.defaults]
        args.kw_defaults = [None if d is None else self.visit(d) for d in args.kw_defaults]
        if self.name not in bound:
            node.body = self.visit(node.body)
        return node

    def visit_ListComp(self, node):
        return node if self.name in S.stored_names(node) else self.generic_visit(node)

    visit_GeneratorExp = visit_SetComp = visit_DictComp = visit_ListComp
