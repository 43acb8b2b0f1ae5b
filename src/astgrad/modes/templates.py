"""Splice a rule template into generated code.

``instantiate`` binds the template's parameters to the call's atoms, renames the
template's temporaries, points its global names at the generated namespace, and
drops every statement about an argument that has no derivative.
"""

import inspect
import types

import gast
import numpy

from .. import runtime
from ..backend import optimize
from ..core import anno
from ..core import syntax as S
from ..core.anno import Key
from ..core.missing import MISSING
from ..core.originals import original_attribute
from ..rules import registry
from ..rules.registry import derivative_ref, derivative_target, unsupported


class BindError(Exception):
    pass


def _dtype_advice(template, kwargs):
    """What to write instead of a ufunc's ``dtype=`` its rule cannot take: a float dtype
    written out is followed (frontend/normalize/ufunc_dtypes.py), others are not."""
    if not isinstance(template.primitive, numpy.ufunc) or "dtype" not in kwargs:
        return ""
    name = template.primitive.__name__
    return (f"; astgrad follows dtype= of numpy.{name} when it is a float dtype written out "
            f"(dtype=numpy.float32). An integer dtype computes in integers, which carry no derivative: "
            f"drop dtype= (and cast the result, y.astype(int), where integers are wanted); for a dtype "
            f"held in a variable, cast the operands instead: numpy.{name}(x.astype(dtype), ...)")


def _where_advice(template, kwargs):
    """What to write instead of a ufunc's ``where=``: the elements it skips keep whatever
    ``out`` (or uninitialized memory) held, which has no derivative astgrad follows; and
    instead of the ``where=`` of a reduction whose rule does not take it (``numpy.max``)."""
    if "where" not in kwargs:
        return ""
    name = getattr(template.primitive, "__name__", "")
    if not isinstance(template.primitive, numpy.ufunc):     # a reduction: numpy.max(x, where=mask, initial=...)
        return (f"; write the {name} of numpy.where(mask, x, fill) instead, fill being what the elements the "
                f"mask skips should count as (-numpy.inf for a max, numpy.inf for a min, 1.0 for a product)")
    args = ", ".join("x1 x2 x3".split()[:template.primitive.nin])
    return (f"; numpy.{name}(..., where=mask) leaves the elements the mask skips as they were in out= (or "
            f"uninitialized): write numpy.where(mask, numpy.{name}({args}), fill) instead")


def _count_advice(template, args, kwargs):
    """What to write instead of ``numpy.fromiter``'s ``count=``, which its rule does not take."""
    if template.primitive is not numpy.fromiter or len(args) < 3 and "count" not in kwargs:
        return ""
    return ("; astgrad does not follow count= of numpy.fromiter: read only the first n items instead, "
            "numpy.fromiter(itertools.islice(items, n), dtype)")


def _casting_words(template, kwargs):
    """Why a ufunc's ``casting=`` is refused and what to write instead (its rule takes no
    ``casting``: the conversion into ``out=`` it asks for is not followed); else None."""
    if not isinstance(template.primitive, numpy.ufunc) or "casting" not in kwargs or "dtype" in kwargs:
        return None
    name = template.primitive.__name__
    args = ", ".join("x1 x2 x3".split()[:template.primitive.nin])
    return (f"astgrad does not follow casting= of numpy.{name} (how its result is converted into out=); "
            f"drop casting= (out= is followed, with NumPy's default casting), or assign the result into the "
            f"array, out[...] = numpy.{name}({args}), which converts it to out's dtype as casting='unsafe' does")


def _simple_constant(value):
    if value is None or isinstance(value, (bool, int, float, str)):
        return S.const(value)
    if isinstance(value, tuple) and all(v is None or isinstance(v, (bool, int, float, str)) for v in value):
        return gast.Tuple(elts=[S.const(v) for v in value], ctx=gast.Load())
    raise BindError(f"template default {value!r} is not a simple constant")


def instantiate(template, result, args, kwargs, derivative_of, namespace, namer, zero_safe=False,
                simplified=False, global_constant=None):
    """The statements of ``template`` for one call.

    result: the atom holding the primitive's result; args/kwargs: atoms of the call;
    derivative_of(atom) -> the name of its derivative, or None if it has none.
    zero_safe: write ``d[y] * f`` as ``scale(d[y], f)``, ``d[y] / f`` as ``over(d[y], f)``
    and ``a ** b`` as ``power(a, b)``, so a zero derivative stays exactly zero where the
    local derivative f is inf or nan (runtime.py explains when this code runs).
    global_constant(atom): the number a global path names (``numpy.inf``), else MISSING:
    such arguments are checked by the rule's ``literal_check`` as literals are.
    simplified: the statements' values simplified (``optimize.simplify``) as they are made.
    Returns plain assignments to fresh temporaries and derivative assignments
    annotated with ``Key.ACCUMULATE`` (their target is the derivative name).
    """
    try:
        arguments = _bound_arguments(template, args, kwargs, defaults=True)
    except TypeError as exc:
        raise BindError(_casting_words(template, kwargs)
                        or str(exc) + _dtype_advice(template, kwargs) + _where_advice(template, kwargs)
                        + _count_advice(template, args, kwargs)) from None
    _check_literals(template, arguments, global_constant)
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
    for build, per_item, accumulate in steps:
        for position in range(len(params[template.vararg])) if per_item else (None,):
            substitute.position = position
            node = substitute.run(build, accumulate)
            if node is not None:
                out.append(node)
    return out


def _check_literals(template, arguments, global_constant=None):
    """Run the primitive's ``literal_check`` (see ``registry.Primitive``) on the arguments
    written as literals, as global constants (``numpy.inf``) and the defaults: what it
    refuses is a BindError now."""
    record = registry.primitive(template.primitive)
    if record is None or record.literal_check is None:
        return
    literals = {name: value.value if isinstance(value, gast.Constant) else value
                for name, value in arguments.items()
                if name != template.vararg and (isinstance(value, gast.Constant) or not isinstance(value, gast.AST))}
    if global_constant is not None:
        for name, value in arguments.items():
            found = global_constant(value) if isinstance(value, gast.Attribute) else MISSING
            if found is not MISSING:
                literals[name] = found
    try:
        record.literal_check(**literals)
    except NotImplementedError as exc:
        raise BindError(str(exc).removeprefix("astgrad: ")) from None


def _bound_arguments(template, args, kwargs, defaults=False):
    """``template.signature.bind(*args, **kwargs).arguments`` (after ``apply_defaults()``
    with ``defaults``); raises TypeError where it does not bind. A call with positional
    arguments only, of a template whose parameters are all plain, is bound here without
    ``inspect`` (which took a tenth of the time spent on each statement's adjoint)."""
    plain = template.__dict__.get("_plain_parameters")
    if plain is None:
        parameters = list(template.signature.parameters.values())
        simple = all(p.kind is p.POSITIONAL_OR_KEYWORD for p in parameters)
        # (names, defaults, how many arguments a call must give: up to the last without a default)
        required = max((i + 1 for i, p in enumerate(parameters) if p.default is inspect.Parameter.empty), default=0)
        plain = template.__dict__["_plain_parameters"] = (
            (tuple(p.name for p in parameters), tuple(p.default for p in parameters), required) if simple else ())
    if plain and not kwargs and plain[2] <= len(args) <= len(plain[0]):
        names, values, _ = plain
        arguments = dict(zip(names, args))
        if defaults:
            arguments.update(zip(names[len(args):], values[len(args):]))
        return arguments
    bound = template.signature.bind(*args, **kwargs)
    if defaults:
        bound.apply_defaults()
    return bound.arguments


def _plan(template):
    """What ``instantiate`` needs to know of ``template`` on every call, found once:
    its statements, each as its builder (``_builder``), whether it is repeated for every
    item of the vararg (``d[xs] = ...`` or a mention of ``d[xs]``) and whether it is a
    derivative's ``d[x] = e``, and its temporaries."""
    plan = template.__dict__.get("_instantiation_plan")
    if plan is None:
        steps = []
        locals_ = frozenset(_template_locals(template))
        params = frozenset(template.signature.parameters) | {template.result}
        for stmt in template.body:
            target = derivative_target(stmt)
            mentions = {derivative_ref(n) for n in S.walk_nodes(stmt.value)} if target is not None else set()
            per_item = target is not None and template.vararg is not None and (
                target == template.vararg or template.vararg in mentions)
            steps.append((_builder(stmt, template, params, locals_), per_item, target is not None))
        plan = template.__dict__["_instantiation_plan"] = (tuple(steps), locals_)
    return plan


def _template_locals(template):
    names = set()
    for stmt in template.body:
        if derivative_target(stmt) is None:
            names |= S.stored_names(stmt)
    return names


class _Dropped(Exception):
    """The statement mentions the derivative of something that has none."""


class _Substitute:
    """What one call binds a template's names to: ``run`` builds a template statement's
    copy for it with the statement's builder (see ``_builder``)."""

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

    def run(self, build, accumulate):
        """The statement ``build`` makes (a new tree; the template is left unchanged),
        or None where it mentions a derivative that does not exist."""
        try:
            node = build(self)
        except _Dropped:
            return None
        anno.set(node, Key.ACCUMULATE, accumulate)
        return node

    def param_atom(self, name, element=False):
        value = self.params[name]
        if isinstance(value, tuple):
            if element and self.position is not None and name == self.template.vararg:
                return value[self.position]
            return gast.Tuple(elts=[_copy_atom(v) for v in value], ctx=gast.Load())
        return _copy_atom(value)

    def derivative(self, ref, store):
        """``d[ref]``: the name of the derivative of the atom bound to ``ref`` (which is
        only looked at: not copied, as ``param_atom`` would)."""
        atom = self.params[ref]
        if isinstance(atom, tuple):     # the vararg: its item at this position, if any
            atom = atom[self.position] if self.position is not None and ref == self.template.vararg else None
        derivative = self.derivative_of(atom) if isinstance(atom, gast.Name) else None
        if derivative is None:
            raise _Dropped()
        return S.name(derivative, store=store)

    def local(self, ident, store):
        """The template's temporary ``ident``, renamed apart for this call."""
        if ident not in self.renames:
            self.renames[ident] = self.namer.fresh(ident)
        return S.name(self.renames[ident], store=store)

    def helper(self, helper, args):
        call = S.call(S.name(self.namespace.ref(helper, helper.__name__)), args)
        anno.set(call, Key.TARGET, helper)
        anno.set(call, Key.METHOD, None)
        return call


def _builder(node, template, params, locals_):
    """A function making, for a ``_Substitute``, the copy of the template's ``node`` with
    its names substituted. What depends on the template alone (which names are
    parameters, temporaries or globals, what a call resolves to) is found here, once
    per template node, not at each call the template is spliced in for."""
    kind = type(node)
    if kind in S.FIELDLESS and not node.__dict__:
        return lambda sub: node     # an operator or a context: shared, as a copy shares it
    if anno.SLOT in node.__dict__:          # a node carrying annotations keeps copies of them
        plain = _builder(_without_annotations(node), template, params, locals_)
        return lambda sub: _annotated(plain(sub), node)
    if kind is gast.Name:
        return _name_builder(node, template, params, locals_)
    if kind is gast.Subscript and derivative_ref(node) is not None:
        ref, store = derivative_ref(node), isinstance(node.ctx, gast.Store)
        if ref not in params:
            return _raising(BindError(f"d[{ref}] in {template.fn.__qualname__} names no parameter"))
        return lambda sub: sub.derivative(ref, store)
    copy = _copy_builder(node, template, params, locals_)
    if kind is gast.Call:
        return _call_builder(node, copy, template, params, locals_)
    if kind is gast.BinOp:
        carries = (_mentions_derivative(node.left), _mentions_derivative(node.right))
        return lambda sub: _binop(sub, copy(sub), carries)
    if kind is gast.UnaryOp and type(node.op) is not gast.USub:
        return copy         # (simplify folds only a negation)
    if kind is gast.UnaryOp or kind is gast.Subscript:
        return lambda sub: sub.fold(copy(sub))
    return copy


def _copy_builder(node, template, params, locals_):
    """A function making a copy of ``node`` whose children are built by their builders,
    in the order of the fields (a statement whose target is a missing derivative is
    dropped before its value is looked at)."""
    kind, state = type(node), dict(node.__dict__)
    children = []       # (field, a builder, or a list of them)
    for field in S.child_fields(kind):
        value = state.get(field)
        if isinstance(value, gast.AST):
            children.append((field, _builder(value, template, params, locals_)))
        elif isinstance(value, list):
            children.append((field, [_builder(v, template, params, locals_) if isinstance(v, gast.AST)
                                     else _constant(v) for v in value]))

    def build(sub):
        copied = kind.__new__(kind)
        fields = copied.__dict__
        fields.update(state)
        for field, make in children:
            fields[field] = [item(sub) for item in make] if type(make) is list else make(sub)
        return copied
    return build


def _name_builder(node, template, params, locals_):
    ident, store = node.id, isinstance(node.ctx, gast.Store)
    if ident in params:
        plain = lambda sub: sub.param_atom(ident)       # noqa: E731
    elif ident in locals_:
        plain = lambda sub: sub.local(ident, store)     # noqa: E731
    else:
        obj = template.globals.get(ident, MISSING)
        if obj is MISSING:
            import builtins
            obj = getattr(builtins, ident, MISSING)
            if obj is MISSING:
                plain = _raising(BindError(f"{template.fn.__qualname__} uses the unknown name {ident!r}"))
            else:
                plain = lambda sub: S.name(sub.namespace.ref(obj, ident), store=store)     # noqa: E731
        else:
            if isinstance(obj, types.ModuleType):   # numpy.cos in a rule means NumPy's cos
                plain = lambda sub: S.name(sub.namespace.ref_original(obj, ident))     # noqa: E731
            else:
                plain = lambda sub: S.name(sub.namespace.ref(obj, ident))       # noqa: E731
    if ident != "argnum":
        return plain
    return lambda sub: S.const(sub.position) if sub.position is not None else plain(sub)


def _call_builder(node, copy, template, params, locals_):
    path = S.dotted_path(node.func)
    target = None
    if path is not None and path[0] not in params and path[0] not in locals_:
        target = template.globals.get(path[0], MISSING)
        if target is MISSING:
            import builtins
            target = getattr(builtins, path[0], None)
        for part in path[1:]:
            target = original_attribute(target, part)
    method = node.func.attr if isinstance(node.func, gast.Attribute) and target is None else None
    # simplify folds no call but numpy.power(e, 1): the others are made as they are
    fold = (lambda sub, call: sub.fold(call)) if target is numpy.power else (lambda sub, call: call)

    def build(sub):
        call = copy(sub)            # drops the statement first if its d[x] has none
        if target is unsupported:   # d[x] = unsupported(d[y], "why"): x has a derivative
            reason = call.args[-1]      # a string, or the name of a string of the rule's module
            if isinstance(reason, gast.Name) and isinstance(template.globals.get(reason.id), str):
                raise BindError(template.globals[reason.id])
            raise BindError(reason.value if isinstance(reason, gast.Constant) else "the rule refuses it")
        args = []
        for arg in call.args:       # f(*operands): the vararg's atoms, one by one
            if isinstance(arg, gast.Starred) and isinstance(arg.value, gast.Tuple):
                args.extend(arg.value.elts)
            else:
                args.append(arg)
        call.args = args
        anno.set(call, Key.TARGET, target)
        anno.set(call, Key.METHOD, method)
        return fold(sub, call)
    return build


def _binop(sub, node, carries):
    """A BinOp made (its operands built): in zero-safe code a helper's call where a
    derivative is multiplied or divided, or a power taken; else simplified."""
    if not sub.zero_safe:
        return sub.fold(node)
    if isinstance(node.op, gast.Mult) and any(carries):
        g, factor = (node.left, node.right) if carries[0] else (node.right, node.left)
        return sub.helper(runtime.scale, [g, factor])
    if isinstance(node.op, gast.Div) and carries[0]:
        return sub.helper(runtime.over, [node.left, node.right])
    if isinstance(node.op, gast.Pow):
        return sub.helper(runtime.power, [node.left, node.right])
    return sub.fold(node)


def _raising(error):
    """A builder raising ``error`` (the template is wrong where it is used, not before)."""
    def build(sub):
        raise error
    return build


def _constant(value):
    return lambda sub: value


def _without_annotations(node):
    plain = S.copy(node)
    del plain.__dict__[anno.SLOT]
    return plain


def _annotated(built, original):
    anno.copy_all(S.copy(original), built)
    return built


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
        if node.ctx.__dict__:
            return S.copy(node)     # (its context is shared, as a copy shares it)
    return copied


def _unchanged(node):
    return node


_NAME, _CONSTANT = gast.Name, gast.Constant


def _mentions_derivative(node):
    return any(derivative_ref(n) is not None for n in S.walk_nodes(node))


def differentiable_atoms(template, args, kwargs):
    """The call's atoms that the adjoint template sends a derivative to."""
    try:
        arguments = _bound_arguments(template, args, kwargs)
    except TypeError:
        return [a for a in list(args) + list(kwargs.values()) if isinstance(a, gast.Name)]
    targets = _derivative_targets(template)
    atoms = []
    for name, value in arguments.items():
        if name not in targets:
            continue
        values = value if name == template.vararg else (value,)
        atoms.extend(v for v in values if isinstance(v, gast.Name))
    return atoms


def _derivative_targets(template):
    """The ``x`` of each ``d[x] = ...`` of ``template``, found once."""
    targets = template.__dict__.get("_derivative_targets")
    if targets is None:
        targets = template.__dict__["_derivative_targets"] = frozenset(
            {derivative_target(stmt) for stmt in template.body} - {None})
    return targets


def derivative_parameters(template):
    """The template parameters that carry a derivative: the targets of an adjoint
    template's ``d[x] = ...``, the ``d[x]`` an tangent template reads."""
    if template.kind == "adjoint":
        return set(_derivative_targets(template))
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
