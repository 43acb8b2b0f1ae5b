"""Rules declared by their derivative: ``elementwise`` and ``linear``.

An elementwise function is declared by its partial derivatives, one per argument,
each a lambda over the result and the function's parameters::

    elementwise(numpy.sin, lambda y, x: numpy.cos(x))
    elementwise(numpy.hypot, lambda z, x1, x2: x1 / z, lambda z, x1, x2: x2 / z)

and the adjoint and tangent templates are generated from them, as one would write
them by hand: ``d[x] = d[y] * numpy.cos(x)`` and ``d[y] = d[x] * numpy.cos(x)``;
with several arguments, which broadcast, ``d[x1] = unbroadcast(d[z] * x1 / z, x1)``
and ``d[z] = broadcast_like(d[x1] * x1 / z, z)``. A partial of ``None`` is zero.

A function linear in its first argument is declared by its transpose, an expression
in ``d[y]``; its tangent is the function itself applied to the tangent::

    linear(numpy.flip, lambda y, m, axis=None: numpy.flip(d[y], axis))

Several primitives may share one declaration (``numpy.sin`` and ``math.sin``): for
``math`` functions, the templates call ``math`` again where NumPy's function has a
``math`` twin defined wherever the primal is (so float code stays float code), and
they never broadcast.
"""

import ast
import copy
import dis
import functools
import inspect
import linecache
import math
import types

import numpy

from .. import runtime
from ..core import syntax as S
from . import registry

# NumPy functions a math rule calls as their math twins (defined wherever the primal is)
_MATH_TWINS = {numpy.cos: "cos", numpy.sin: "sin", numpy.cosh: "cosh", numpy.sinh: "sinh"}


def elementwise(primitives, *partials, methods=(), result=registry.FRESH, broadcast=None, **named):
    """Declare elementwise ``primitives`` (one function or a tuple sharing the
    derivative) by the partial derivative with respect to each parameter: positional
    ``partials`` in parameter order, ``named`` ones by parameter name; ``None`` is a
    zero partial. Returns the last primitive."""
    lambdas = [p for p in list(partials) + list(named.values()) if p is not None]
    if not lambdas:
        raise TypeError("elementwise: give at least one partial derivative")
    params = _parameters(lambdas[0])
    by_name = dict(zip(params.names[1:], partials))
    by_name.update(named)
    by_name = {p: fn for p, fn in by_name.items() if fn is not None}
    for fn in lambdas:
        if _parameters(fn).key != params.key:
            raise TypeError("elementwise: every partial takes the same parameters (the result first)")
    for primitive in _as_tuple(primitives):
        wraps = (len(partials) + len(named) > 1) if broadcast is None else broadcast
        lines = functools.partial(_elementwise_lines, primitive, params, by_name, wraps)
        _register(primitive, params, lambdas[0], lines, "elementwise", tuple(by_name.values()), methods, result)
        if _is_binary_ufunc(primitive) and len(params.names) == 3:
            _register_outer(primitive.outer, params, lambdas[0], by_name)
            if "dd->d" in primitive.types:      # its accumulate runs on floats (ldexp's does not)
                _register_accumulate(primitive.accumulate, params, lambdas[0], by_name)
    return _as_tuple(primitives)[-1]


def linear(primitives, transpose, *, apply=None, methods=(), result=registry.MAY_SHARE):
    """Declare ``primitives`` linear in their first parameter: ``transpose`` is a lambda
    over the result and the parameters giving the adjoint, an expression in ``d[y]``.
    The tangent is ``apply`` (the primitive itself unless given) called on the tangent,
    with the other parameters passed on. Returns the last primitive."""
    params = _parameters(transpose)
    for primitive in _as_tuple(primitives):
        lines = functools.partial(_linear_lines, primitive, params, transpose, apply)
        _register(primitive, params, transpose, lines, "linear", (transpose,), methods, result)
    return _as_tuple(primitives)[-1]


# -- building the templates ------------------------------------------------------------------

def _elementwise_lines(primitive, params, by_name, wraps):
    """The statements of the adjoint and of the tangent template of an elementwise rule."""
    is_math = _is_math(primitive)
    wraps = wraps and not is_math
    y = params.names[0]
    adjoint_lines, tangent_lines = [], []
    for name, fn in by_name.items():
        partial = _expression(fn, is_math)
        # d(x1 * x2) = d[x1] * x2 + x1 * d[x2]: a partial that is an earlier operand
        # stays on the left, as in the primal
        left = isinstance(partial, ast.Name) and partial.id in params.names[1:params.names.index(name)]
        adjoint_term = _times(_d(y), partial, left)
        tangent_term = _times(_d(name), partial, left)
        if wraps:
            adjoint_term = _call("unbroadcast", adjoint_term, ast.Name(id=name, ctx=ast.Load()))
            tangent_term = _call("broadcast_like", tangent_term, ast.Name(id=y, ctx=ast.Load()))
        adjoint_lines.append(_assign(name, adjoint_term))
        tangent_lines.append(_assign(y, tangent_term))
    return {"adjoint": adjoint_lines, "tangent": tangent_lines}


def _outer_lines(params, by_name):
    """The statements of the templates of ``ufunc.outer(x1, x2)``: the ufunc's own, with
    x1 lined up against x2 (``outer_operand``), its adjoint summed back over x2's axes
    (``unouter``) and its tangent lined up the same way."""
    y, first, second = params.names
    adjoint_lines, tangent_lines = [], []
    for name, fn in by_name.items():
        original = _expression(fn, False)
        left = isinstance(original, ast.Name) and original.id in params.names[1:params.names.index(name)]
        partial = _LinedUp(first, second).visit(copy.deepcopy(original))
        operand = _name(second)
        if name == first:
            adjoint_term = _call("unouter", _times(_d(y), partial, left), _name(first))
            tangent_term = _times(_call("outer_operand", _d(first), operand), partial, left)
        else:
            adjoint_term = _call("unbroadcast", _times(_d(y), partial, left), operand)
            tangent_term = _times(_d(second), partial, left)
        adjoint_lines.append(_assign(name, adjoint_term))
        tangent_lines.append(_assign(y, _call("broadcast_like", tangent_term, _name(y))))
    return {"adjoint": adjoint_lines, "tangent": tangent_lines}


class _LinedUp(ast.NodeTransformer):
    """Every read of the first operand ``x1`` becomes ``outer_operand(x1, x2)``."""

    def __init__(self, first, second):
        self.first, self.second = first, second

    def visit_Name(self, node):
        if node.id != self.first:
            return node
        return _call("outer_operand", _name(self.first), _name(self.second))


def _linear_lines(primitive, params, transpose, apply):
    """The statements of the adjoint and of the tangent template of a linear rule."""
    y, x = params.names[0], params.names[1]
    function = _path(apply if apply is not None else primitive, transpose.__globals__)
    return {"adjoint": [_assign(x, _expression(transpose, _is_math(primitive)))],
            "tangent": [_assign(y, _apply_to_tangent(function, params))]}


def _register(primitive, params, origin, lines, kind, derivative, methods, result):
    """Register the rule's templates, built from ``lines()`` when first used: called
    once for both (each builds both templates' statements, reading the lambdas' source)."""
    lines = _made_once(lines)
    templates = {which: registry.Template(None, which, primitive,
                                          build=functools.partial(_build, primitive, params, origin, lines, which))
                 for which in ("adjoint", "tangent")}
    registry.register(primitive, adjoint=templates["adjoint"], tangent=templates["tangent"],
                      differentiable=True, kind=kind, derivative=derivative, result=result,
                      methods=methods)


def _register_outer(primitive, params, origin, by_name):
    """Register the templates of ``ufunc.outer``, built from the ufunc's partials when first
    used; they call the runtime's outer helpers, whatever the declaring module imports."""
    lines = _made_once(functools.partial(_outer_lines, params, by_name))
    names = {name: getattr(runtime, name) for name in ("outer_operand", "unouter", "unbroadcast", "broadcast_like")}
    namespace = _made_once(lambda: {**origin.__globals__, **names})
    templates = {which: registry.Template(None, which, primitive, build=functools.partial(
        _build_in, primitive, params, namespace, lines, which)) for which in ("adjoint", "tangent")}
    registry.register(primitive, adjoint=templates["adjoint"], tangent=templates["tangent"],
                      differentiable=True, kind="templates", result=registry.FRESH)


# y = f.accumulate(array, axis): y[k] = f(y[k-1], array[k]), so the partials of f are read
# at (y[k], previous[k], array[k]), previous being y moved one step (its first item, whose
# partials the recurrence does not read, is y[0]); the first item of y is array's own (1, in
# y's dtype: a float32 array keeps float32 derivatives where a partial is a constant)
_ACCUMULATE_PARAMETERS = types.SimpleNamespace(text="y, array, axis=0, dtype=None, out=None")
_ACCUMULATE_HELPERS = ("running_linear", "shifted_along", "unshifted_along", "first_along", "broadcast_like")
_ACCUMULATE_TEMPLATES = {
    "adjoint": ("previous = numpy.where(first_along(array, axis), y, shifted_along(y, axis))",
                "w = numpy.flip(running_linear(numpy.flip(unshifted_along(broadcast_like({first}, y), axis), axis), "
                "numpy.flip(d[y], axis), axis), axis)",
                "d[array] = w * numpy.where(first_along(array, axis), numpy.ones_like(y), {second})"),
    "tangent": ("previous = numpy.where(first_along(array, axis), y, shifted_along(y, axis))",
                "d[y] = running_linear({first}, d[array] * numpy.where(first_along(array, axis), numpy.ones_like(y), "
                "{second}), axis)"),
}


def _accumulate_lines(params, by_name):
    """The statements of the templates of ``ufunc.accumulate(array, axis)``: the recurrence's
    tangent dy[k] = f_1 * dy[k-1] + f_2 * darray[k], solved by ``running_linear``, and its
    transpose, the same recurrence run backwards."""
    renames = dict(zip(params.names, ("y", "previous", "array")))
    partials = [by_name.get(name) for name in params.names[1:]]
    first, second = (ast.unparse(_Renamed(renames).visit(copy.deepcopy(_expression(fn, False))))
                     if fn is not None else "0.0" for fn in partials)
    return {which: [ast.parse(line.format(first=first, second=second)).body[0] for line in lines]
            for which, lines in _ACCUMULATE_TEMPLATES.items()}


class _Renamed(ast.NodeTransformer):
    """Reads of the partials' parameters renamed to the accumulate template's names."""

    def __init__(self, renames):
        self.renames = renames

    def visit_Name(self, node):
        return _name(self.renames[node.id]) if node.id in self.renames else node


def _register_accumulate(primitive, params, origin, by_name):
    """Register the templates of ``ufunc.accumulate``, built from the ufunc's partials when
    first used (``_accumulate_lines``); a ufunc whose accumulate has rules of its own (add,
    multiply, maximum, minimum: reduction_rules.py) has them replace these."""
    lines = _made_once(functools.partial(_accumulate_lines, params, by_name))
    names = {name: getattr(runtime, name) for name in _ACCUMULATE_HELPERS}
    namespace = _made_once(lambda: {**origin.__globals__, "numpy": numpy, **names})
    templates = {which: registry.Template(None, which, primitive, build=functools.partial(
        _build_in, primitive, _ACCUMULATE_PARAMETERS, namespace, lines, which)) for which in ("adjoint", "tangent")}
    registry.register(primitive, adjoint=templates["adjoint"], tangent=templates["tangent"],
                      differentiable=True, kind="templates", result=registry.FRESH)


def _build_in(primitive, params, namespace, lines, which):
    """``_build`` for a template whose names are read from ``namespace()``, named after the
    method and its ufunc (``multiply_outer``)."""
    name = f"{primitive.__self__.__name__}_{primitive.__name__}"
    source = f"def {name}({params.text}):\n" + "".join(f"    {ast.unparse(line)}\n" for line in lines()[which])
    space = namespace()
    local = {}
    exec(compile(source, f"<{which} rule of {registry.describe(primitive)}>", "exec"), space, local)
    return local[name], source


def _is_binary_ufunc(primitive):
    return isinstance(primitive, numpy.ufunc) and primitive.nin == 2 and primitive.nout == 1


def _name(name):
    return ast.Name(id=name, ctx=ast.Load())


def _made_once(make):
    """``make``, called the first time only: later calls return what it returned (the
    statements are only read, ``ast.unparse``'d; two threads may both make them, and
    each keeps the first made)."""
    made = []

    def once():
        if not made:
            made.append(make())
        return made[0]
    return once


def _build(primitive, params, origin, lines, which):
    """The template function of one declared rule and its source: ``(fn, source)``."""
    name = getattr(primitive, "__name__", "primitive")
    source = f"def {name}({params.text}):\n" + "".join(f"    {ast.unparse(line)}\n" for line in lines()[which])
    namespace = {}
    exec(compile(source, f"<{which} rule of {registry.describe(primitive)}>", "exec"),
         origin.__globals__, namespace)
    return namespace[name], source


def _d(name):
    return ast.Subscript(value=ast.Name(id="d", ctx=ast.Load()), slice=ast.Name(id=name, ctx=ast.Load()),
                         ctx=ast.Load())


def _assign(name, value):
    target = _d(name)
    target.ctx = ast.Store()
    return ast.Assign(targets=[target], value=value, lineno=1)


def _call(function, *args):
    return ast.Call(func=ast.Name(id=function, ctx=ast.Load()), args=list(args), keywords=[])


def _is_one(node):
    return isinstance(node, ast.Constant) and node.value == 1 and not isinstance(node.value, bool)


def _times(derivative, partial, left=False):
    """``derivative * partial`` as one writes it: ``d[y] * a * b``, ``-d[y] / e`` for
    ``-1.0 / e``, ``d[y]`` for ``1.0``; ``partial * derivative`` if ``left``."""
    if left:
        return ast.BinOp(left=partial, op=ast.Mult(), right=derivative)
    if _is_one(partial):
        return derivative
    if isinstance(partial, ast.UnaryOp) and isinstance(partial.op, ast.USub):
        return _times(ast.UnaryOp(op=ast.USub(), operand=derivative), partial.operand)
    if isinstance(partial, ast.BinOp) and isinstance(partial.op, (ast.Mult, ast.Div)):
        return ast.BinOp(left=_times(derivative, partial.left), op=partial.op, right=partial.right)
    return ast.BinOp(left=derivative, op=ast.Mult(), right=partial)


def _apply_to_tangent(function, params):
    """``f(d[x], p, ..., *rest, k=k)``: the other parameters passed on as declared, but
    ``dtype``: the tangent keeps its own float dtype (the engine checks ``dtype=``)."""
    args, keywords, by_keyword = [_d(params.names[1])], [], False
    for p in params.signature[2:]:
        name = ast.Name(id=p.name, ctx=ast.Load())
        if p.name == "dtype":
            by_keyword = True
        elif p.kind is p.VAR_POSITIONAL:
            args.append(ast.Starred(value=name, ctx=ast.Load()))
        elif p.kind is p.KEYWORD_ONLY or by_keyword:
            keywords.append(ast.keyword(arg=p.name, value=name))
        else:
            args.append(name)
    return ast.Call(func=function, args=args, keywords=keywords)


def _path(obj, namespace):
    """An expression naming ``obj`` in ``namespace`` (``numpy.flip``, ``numpy.linalg.norm``)."""
    for name, value in namespace.items():
        if value is obj:
            return ast.Name(id=name, ctx=ast.Load())
    owner = registry.method_owner(obj)
    parts = ([owner.__module__, owner.__name__] if owner is not None else
             (getattr(obj, "__module__", None) or "").split(".")) + [obj.__name__]
    for name, value in namespace.items():
        if inspect.ismodule(value) and value.__name__ == parts[0]:
            node, found = ast.Name(id=name, ctx=ast.Load()), value
            for part in parts[1:]:
                found = getattr(found, part, None)
                node = ast.Attribute(value=node, attr=part, ctx=ast.Load())
            if found is obj:
                return node
    raise TypeError(f"linear: cannot name {obj!r} from its rule module; pass apply=")


# -- reading the declaration's lambdas --------------------------------------------------------

class _Parameters:
    """A declaration lambda's parameters: the names, read from its code object (cheap,
    at import); the signature and its text, read by ``inspect`` when a template is built."""

    def __init__(self, fn):
        self.fn = fn
        code = fn.__code__
        n, k = code.co_argcount, code.co_kwonlyargcount
        names = list(code.co_varnames[:n])
        rest = n + k
        if code.co_flags & inspect.CO_VARARGS:
            names.append(code.co_varnames[rest])
            rest += 1
        names += code.co_varnames[n:n + k]
        if code.co_flags & inspect.CO_VARKEYWORDS:
            names.append(code.co_varnames[rest])
        self.names = names
        self.key = (tuple(names), n, k, code.co_flags & (inspect.CO_VARARGS | inspect.CO_VARKEYWORDS),
                    fn.__defaults__, fn.__kwdefaults__)

    @functools.cached_property
    def signature(self):
        return list(inspect.signature(self.fn).parameters.values())

    @functools.cached_property
    def text(self):
        return str(inspect.signature(self.fn))[1:-1]


def _parameters(fn):
    params = _Parameters(fn)
    if len(params.names) < 2:
        raise TypeError("a declared derivative takes the result and the function's parameters")
    return params


def _expression(fn, is_math):
    """The body of lambda ``fn`` as an ast expression (math twins put in for math rules)."""
    body = _lambda_node(fn).body        # a tree of its own (the math twins change it)
    return _MathTwins(fn.__globals__).visit(body) if is_math else body


@functools.lru_cache(maxsize=None)
def _lambdas_by_line(filename, text):
    """The lambdas of a module's source, by the line they start on."""
    by_line = {}
    for node in S.walk_nodes(ast.parse(text, filename)):
        if isinstance(node, ast.Lambda):
            by_line.setdefault(node.lineno, []).append(node)
    return by_line


# Instructions that differ between a lambda compiled in its module and compiled alone
# (method-call forms, call preparation), and how to read them the same way.
_SAME_AS = {"LOAD_METHOD": "LOAD_ATTR", "CALL_METHOD": "CALL_FUNCTION", "CALL": "CALL_FUNCTION"}
_IGNORED = {"PRECALL", "CACHE", "RESUME", "NOP", "PUSH_NULL", "KW_NAMES"}


def _instructions(code):
    return [(_SAME_AS.get(i.opname, i.opname), repr(i.argval)) for i in dis.get_instructions(code)
            if i.opname not in _IGNORED]


def _compiled_alone(node, filename):
    """The code object of one lambda node, compiled on its own (same lines). ``compile``
    reads the node without changing it (no copy: copying took a quarter of building a
    declared rule's template)."""
    code = compile(ast.Expression(body=node), filename, "eval")
    return next(const for const in code.co_consts if hasattr(const, "co_code"))


def _lambda_node(fn):
    code = fn.__code__
    if code.co_name != "<lambda>":
        raise TypeError(f"a declared derivative is a lambda, not {fn!r}")
    filename, line = code.co_filename, code.co_firstlineno
    lines = linecache.getlines(filename, fn.__globals__)
    # Compare each lambda starting on fn's line, compiled alone, with fn's code by what it
    # does (its instructions and what they load): equal lambdas may share one code object.
    # The statement holding the line is parsed first (each process parses what it uses),
    # the whole module when the lambda is not found there.
    wanted = _instructions(code)
    for node in _statement_lambdas(filename, lines, line):      # parsed for this call: its own
        if _instructions(_compiled_alone(node, filename)) == wanted:
            return node
    for node in _lambdas_by_line(filename, "".join(lines)).get(line, ()):     # shared: copied
        if _instructions(_compiled_alone(node, filename)) == wanted:
            return copy.deepcopy(node)
    raise TypeError(f"cannot read the source of the lambda at {filename}:{line}")


def _statement_lambdas(filename, lines, line):
    """The lambdas starting on ``line`` of the top-level statement holding it (none when
    the lines around it do not parse alone)."""
    start, end = line - 1, line
    while 0 < start < len(lines) and not _starts_statement(lines[start]):
        start -= 1
    while end < len(lines) and not _starts_statement(lines[end]):
        end += 1
    try:
        tree = ast.parse("".join(lines[start:end]), filename)
    except (SyntaxError, ValueError):
        return ()
    # (line numbers counted from the statement's first line: only the lambdas' are compared)
    return [node for node in S.walk_nodes(tree) if isinstance(node, ast.Lambda) and node.lineno == line - start]


def _starts_statement(text):
    """Whether a line starts a top-level statement (nothing indented, no closing bracket)."""
    return text[:1] not in ("", " ", "\t", "\n", "\r", "#", ")", "]", "}")


class _MathTwins(ast.NodeTransformer):
    def __init__(self, namespace):
        self.namespace = namespace

    def visit_Call(self, node):
        self.generic_visit(node)
        if isinstance(node.func, ast.Attribute) and isinstance(node.func.value, ast.Name):
            module = self.namespace.get(node.func.value.id)
            twin = _MATH_TWINS.get(getattr(module, node.func.attr, None)) if module is numpy else None
            if twin is not None and self.namespace.get("math") is math:
                node.func = ast.Attribute(value=ast.Name(id="math", ctx=ast.Load()), attr=twin, ctx=ast.Load())
        return node


def _is_math(primitive):
    return getattr(primitive, "__module__", None) == "math"


def _as_tuple(primitives):
    return primitives if isinstance(primitives, tuple) else (primitives,)


