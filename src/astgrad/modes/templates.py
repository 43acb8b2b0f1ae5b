"""Splice a rule template into generated code.

``instantiate`` binds the template's parameters to the call's atoms, renames the
template's temporaries, points its global names at the generated namespace, and
drops every statement about an argument that has no derivative.
"""

import inspect

import gast
import numpy

from ..backend import optimize
from ..core import anno
from ..core import syntax as S
from ..core.anno import Key
from ..core.missing import MISSING
from ..rules import registry
from ..rules.registry import derivative_ref, derivative_target
from .template_code import BindError, Dropped, compile_statements, copy_atom


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
    for build, per_item in steps:
        for position in range(len(params[template.vararg])) if per_item else (None,):
            substitute.position = position
            try:
                out.append(build(substitute))       # a new tree; the template is left unchanged
            except Dropped:         # it mentions a derivative that does not exist
                pass
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
    its statements, each as its builder (template_code.py) and whether it is repeated for
    every item of the vararg (``d[xs] = ...`` or a mention of ``d[xs]``), and its temporaries."""
    plan = template.__dict__.get("_instantiation_plan")
    if plan is None:
        steps = []
        locals_ = frozenset(_template_locals(template))
        params = frozenset(template.signature.parameters) | {template.result}
        builders = compile_statements(template, params, locals_)
        for stmt, build in zip(template.body, builders):
            target = derivative_target(stmt)
            mentions = {derivative_ref(n) for n in S.walk_nodes(stmt.value)} if target is not None else set()
            per_item = target is not None and template.vararg is not None and (
                target == template.vararg or template.vararg in mentions)
            steps.append((build, per_item))
        plan = template.__dict__["_instantiation_plan"] = (tuple(steps), locals_)
    return plan


def _template_locals(template):
    names = set()
    for stmt in template.body:
        if derivative_target(stmt) is None:
            names |= S.stored_names(stmt)
    return names


class _Substitute:
    """What one call binds a template's names to, read by the statements' builders
    (template_code.py) as they build their copies for it."""

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

    def param_atom(self, name, element=False):
        value = self.params[name]
        if isinstance(value, tuple):
            if element and self.position is not None and name == self.template.vararg:
                return value[self.position]
            return gast.Tuple(elts=[copy_atom(v) for v in value], ctx=gast.Load())
        return copy_atom(value)

    def derivative(self, ref, store):
        """``d[ref]``: the name of the derivative of the atom bound to ``ref`` (which is
        only looked at: not copied, as ``param_atom`` would)."""
        atom = self.params[ref]
        if isinstance(atom, tuple):     # the vararg: its item at this position, if any
            atom = atom[self.position] if self.position is not None and ref == self.template.vararg else None
        derivative = self.derivative_of(atom) if isinstance(atom, gast.Name) else None
        if derivative is None:
            raise Dropped()
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


def _unchanged(node):
    return node


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
