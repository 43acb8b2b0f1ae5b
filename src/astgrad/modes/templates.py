"""Splice a rule template into generated code.

``instantiate`` binds the template's parameters to the call's atoms, renames the
template's temporaries, points its global names at the generated namespace, and
drops every statement about an argument that has no derivative.
"""

import inspect

import gast

from .. import runtime
from ..backend import optimize
from ..core import anno
from ..core import syntax as S
from ..core.anno import Key
from ..core.missing import MISSING
from ..rules.registry import derivative_ref, derivative_target, unsupported


class BindError(Exception):
    pass


def _simple_constant(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return S.const(value)
    if isinstance(value, tuple) and all(v is None or isinstance(v, (bool, int, float, str)) for v in value):
        return gast.Tuple(elts=[S.const(v) for v in value], ctx=gast.Load())
    raise BindError(f"template default {value!r} is not a simple constant")


def instantiate(template, result, args, kwargs, derivative_of, namespace, namer, zero_safe=False,
                simplified=False):
    """The statements of ``template`` for one call.

    result: the atom holding the primitive's result; args/kwargs: atoms of the call;
    derivative_of(atom) -> the name of its derivative, or None if it has none.
    zero_safe: write ``d[y] * f`` as ``scale(d[y], f)``, ``d[y] / f`` as ``over(d[y], f)``
    and ``a ** b`` as ``power(a, b)``, so a zero derivative stays exactly zero where the
    local derivative f is inf or nan (runtime.py explains when this code runs).
    simplified: the statements' values simplified (``optimize.simplify``) as they are made.
    Returns plain assignments to fresh temporaries and derivative assignments
    annotated with ``Key.ACCUMULATE`` (their target is the derivative name).
    """
    try:
        arguments = _bound_arguments(template, args, kwargs, defaults=True)
    except TypeError as exc:
        raise BindError(str(exc)) from None
    params = {}
    for name, value in arguments.items():
        if name == template.vararg:
            params[name] = tuple(value)
        elif isinstance(value, gast.AST):
            params[name] = value
        else:
            params[name] = _simple_constant(value)
    params[template.result] = result
    steps, locals_ = _plan(template)
    substitute = _Substitute(template, params, locals_, {}, derivative_of, namespace, namer, None,
                             zero_safe, simplified)
    out = []
    for original, per_item in steps:
        for position in range(len(params[template.vararg])) if per_item else (None,):
            substitute.position = position
            node = substitute.run(original)
            if node is not None:
                out.append(node)
    return out


def _bound_arguments(template, args, kwargs, defaults=False):
    """``template.signature.bind(*args, **kwargs).arguments`` (after ``apply_defaults()``
    with ``defaults``); raises TypeError where it does not bind. A call with positional
    arguments only, of a template whose parameters are all plain, is bound here without
    ``inspect`` (which took a tenth of the time spent on each statement's adjoint)."""
    plain = template.__dict__.get("_plain_parameters")
    if plain is None:
        parameters = list(template.signature.parameters.values())
        simple = all(p.kind is p.POSITIONAL_OR_KEYWORD for p in parameters)
        plain = template.__dict__["_plain_parameters"] = (
            (tuple(p.name for p in parameters), tuple(p.default for p in parameters)) if simple else ())
    if plain and not kwargs and len(args) <= len(plain[0]):
        names, values = plain
        rest = values[len(args):]
        if all(value is not inspect.Parameter.empty for value in rest):
            arguments = dict(zip(names, args))
            if defaults:
                arguments.update(zip(names[len(args):], rest))
            return arguments
    bound = template.signature.bind(*args, **kwargs)
    if defaults:
        bound.apply_defaults()
    return bound.arguments


def _plan(template):
    """What ``instantiate`` needs to know of ``template`` on every call, found once:
    its statements, each with whether it is repeated for every item of the vararg
    (``d[xs] = ...`` or a mention of ``d[xs]``), and its temporaries."""
    plan = template.__dict__.get("_instantiation_plan")
    if plan is None:
        steps = []
        for stmt in template.body:
            target = derivative_target(stmt)
            mentions = {derivative_ref(n) for n in S.walk_nodes(stmt.value)} if target is not None else set()
            per_item = target is not None and template.vararg is not None and (
                target == template.vararg or template.vararg in mentions)
            steps.append((stmt, per_item))
        plan = template.__dict__["_instantiation_plan"] = (tuple(steps), frozenset(_template_locals(template)))
    return plan


def _template_locals(template):
    names = set()
    for stmt in template.body:
        if derivative_target(stmt) is None:
            names |= S.stored_names(stmt)
    return names


class _Dropped(Exception):
    """The statement mentions the derivative of something that has none."""


class _Substitute(gast.NodeTransformer):
    def __init__(self, template, params, locals_, renames, derivative_of, namespace, namer, position,
                 zero_safe=False, simplified=False):
        self.zero_safe = zero_safe
        self.fold = optimize.fold if simplified else _unchanged   # made bottom up, as simplify does
        self.template = template
        self.params = params
        self.locals = locals_
        self.renames = renames
        self.derivative_of = derivative_of
        self.namespace = namespace
        self.namer = namer
        self.position = position

    def run(self, stmt):
        """The instantiated copy of the template statement ``stmt`` (left unchanged), or None."""
        accumulate = derivative_target(stmt) is not None
        try:
            node = self.visit(stmt)
        except _Dropped:
            return None
        anno.set(node, Key.ACCUMULATE, accumulate)
        return node

    def visit(self, node):
        """Visit a copy of ``node``: the template's own nodes are never changed, and
        copying while substituting walks each template statement once."""
        if anno.SLOT in node.__dict__:
            node = S.copy(node)
        else:
            copied = node.__class__.__new__(node.__class__)
            copied.__dict__.update(node.__dict__)
            node = copied
        method = _VISITS.get(node.__class__, _UNKNOWN)
        if method is _UNKNOWN:
            method = _VISITS[node.__class__] = getattr(_Substitute, "visit_" + node.__class__.__name__, None)
        return self.generic_visit(node) if method is None else method(self, node)

    def generic_visit(self, node):
        """``node``'s (a copy's) fields visited into new lists and nodes."""
        for field in S.child_fields(node.__class__):
            value = getattr(node, field, None)
            if isinstance(value, list):
                items = []
                for item in value:
                    if isinstance(item, gast.AST):
                        item = self.visit(item)
                        if item is None:
                            continue
                        if not isinstance(item, gast.AST):
                            items.extend(item)
                            continue
                    items.append(item)
                setattr(node, field, items)
            elif isinstance(value, gast.AST):
                new_node = self.visit(value)
                if new_node is None:
                    delattr(node, field)
                else:
                    setattr(node, field, new_node)
        return node

    def _param_atom(self, name, element=False):
        value = self.params[name]
        if isinstance(value, tuple):
            if element and self.position is not None and name == self.template.vararg:
                return value[self.position]
            return gast.Tuple(elts=[_copy_atom(v) for v in value], ctx=gast.Load())
        return _copy_atom(value)

    def visit_Subscript(self, node):
        ref = derivative_ref(node)
        if ref is None:
            return self.generic_visit(node)
        if ref not in self.params:
            raise BindError(f"d[{ref}] in {self.template.fn.__qualname__} names no parameter")
        atom = self._param_atom(ref, element=True)
        derivative = self.derivative_of(atom) if isinstance(atom, gast.Name) else None
        if derivative is None:
            raise _Dropped()
        return S.name(derivative, store=isinstance(node.ctx, gast.Store))

    def visit_Call(self, node):
        path = S.dotted_path(node.func)
        target = None
        if path is not None and path[0] not in self.params and path[0] not in self.locals:
            target = self.template.globals.get(path[0], MISSING)
            if target is MISSING:
                import builtins
                target = getattr(builtins, path[0], None)
            for part in path[1:]:
                target = getattr(target, part, None)
        method = node.func.attr if isinstance(node.func, gast.Attribute) and target is None else None
        node = self.generic_visit(node)     # drops the statement first if its d[x] has none
        if target is unsupported:           # d[x] = unsupported(d[y], "why"): x has a derivative
            reason = node.args[-1]
            raise BindError(reason.value if isinstance(reason, gast.Constant) else "the rule refuses it")
        args = []
        for arg in node.args:          # f(*operands): the vararg's atoms, one by one
            if isinstance(arg, gast.Starred) and isinstance(arg.value, gast.Tuple):
                args.extend(arg.value.elts)
            else:
                args.append(arg)
        node.args = args
        anno.set(node, Key.TARGET, target)
        anno.set(node, Key.METHOD, method)
        return node

    def visit_BinOp(self, node):
        if not self.zero_safe:
            return self.fold(self.generic_visit(node))
        carries = (_mentions_derivative(node.left), _mentions_derivative(node.right))
        node = self.generic_visit(node)
        if isinstance(node.op, gast.Mult) and any(carries):
            g, factor = (node.left, node.right) if carries[0] else (node.right, node.left)
            return self._helper(runtime.scale, [g, factor])
        if isinstance(node.op, gast.Div) and carries[0]:
            return self._helper(runtime.over, [node.left, node.right])
        if isinstance(node.op, gast.Pow):
            return self._helper(runtime.power, [node.left, node.right])
        return self.fold(node)

    def visit_UnaryOp(self, node):
        return self.fold(self.generic_visit(node))

    def _helper(self, helper, args):
        call = S.call(S.name(self.namespace.ref(helper, helper.__name__)), args)
        anno.set(call, Key.TARGET, helper)
        anno.set(call, Key.METHOD, None)
        return call

    def visit_Name(self, node):
        ident = node.id
        if ident == "argnum" and self.position is not None:
            return S.const(self.position)
        if ident in self.params:
            return self._param_atom(ident)
        if ident in self.locals:
            if ident not in self.renames:
                self.renames[ident] = self.namer.fresh(ident)
            return S.name(self.renames[ident], store=isinstance(node.ctx, gast.Store))
        obj = self.template.globals.get(ident, MISSING)
        if obj is MISSING:
            import builtins
            obj = getattr(builtins, ident, MISSING)
            if obj is not MISSING:
                return S.name(self.namespace.ref(obj, ident), store=isinstance(node.ctx, gast.Store))
            raise BindError(f"{self.template.fn.__qualname__} uses the unknown name {ident!r}")
        return S.name(self.namespace.ref(obj, ident))


def _copy_atom(node):
    """A copy of ``node``: a name or a constant without annotations (the call's atoms,
    copied into every statement of the template that mentions them) copied directly,
    which ``S.copy`` does in several steps for each field; anything else by ``S.copy``."""
    kind = type(node)
    if kind is not _NAME and kind is not _CONSTANT or anno.SLOT in node.__dict__:
        return S.copy(node)
    copied = kind.__new__(kind)
    copied.__dict__.update(node.__dict__)
    if kind is _NAME:
        context = node.ctx
        if context.__dict__:
            return S.copy(node)
        copied.ctx = context.__class__()
    return copied


def _unchanged(node):
    return node


_NAME, _CONSTANT = gast.Name, gast.Constant
_VISITS = {}        # node class -> _Substitute's visit_ method for it, or None
_UNKNOWN = object()


def _mentions_derivative(node):
    return any(derivative_ref(n) is not None for n in S.walk_nodes(node))


def differentiable_atoms(template, args, kwargs):
    """The call's atoms that the adjoint template sends a derivative to."""
    try:
        arguments = _bound_arguments(template, args, kwargs)
    except TypeError:
        return [a for a in list(args) + list(kwargs.values()) if isinstance(a, gast.Name)]
    targets = {derivative_target(stmt) for stmt in template.body} - {None}
    atoms = []
    for name, value in arguments.items():
        if name not in targets:
            continue
        values = value if name == template.vararg else (value,)
        atoms.extend(v for v in values if isinstance(v, gast.Name))
    return atoms


def derivative_parameters(template):
    """The template parameters that carry a derivative: the targets of an adjoint
    template's ``d[x] = ...``, the ``d[x]`` an tangent template reads."""
    if template.kind == "adjoint":
        return {derivative_target(stmt) for stmt in template.body} - {None}
    return {derivative_ref(node) for stmt in template.body for node in S.walk_nodes(stmt.value)
            if derivative_target(stmt) is not None} - {None}


def parameters_of(template, args, kwargs):
    """{template parameter: [atoms bound to it]} for one call, or None if it does not bind."""
    try:
        arguments = _bound_arguments(template, args, kwargs)
    except TypeError:
        return None
    return {name: list(value) if name == template.vararg else [value]
            for name, value in arguments.items()}
