"""The rule table: one adjoint (reverse) and one tangent (forward) template per primitive.

A template is a small Python function whose first parameter is the primitive's
result and whose other parameters mirror the primitive's own, e.g.::

    @adjoint(numpy.sin)
    def sin(y, x):
        d[x] = d[y] * numpy.cos(x)

    @tangent(numpy.sin)
    def sin(y, x):
        d[y] = d[x] * numpy.cos(x)

``d[v]`` is the derivative of ``v``. In an adjoint template ``d[x] = e`` *adds* ``e``
to the adjoint of the input ``x``; in a tangent template ``d[y] = e`` adds the term
``e`` to the tangent of the result, and each such term mentions exactly one input
tangent. Statements about inputs that are not being differentiated are dropped, so
one template serves every combination of active arguments. Templates are parsed
once and spliced into generated code by ``astgrad.modes.templates``.
"""

import inspect
import textwrap
import threading

import gast

from ..errors import TransformError


class _Derivatives:
    """``d[x]`` inside rule templates; meaningless (and an error) anywhere else."""

    def __getitem__(self, item):
        raise RuntimeError("astgrad.d[...] only has a meaning inside a rule template "
                           "registered with @astgrad.adjoint or @astgrad.tangent")

    __setitem__ = __getitem__

    def __repr__(self):
        return "astgrad.d"


d = _Derivatives()

ADJOINTS = {}
TANGENTS = {}
NON_DIFFERENTIABLE = {}     # key -> the object, for functions whose result carries no derivative
METHOD_NAMES = {}           # method or attribute name -> key, for x.sum(), x.T, lst.append(v)


def rule_key(obj):
    """Rules are looked up by object, not by name; unhashable objects by identity."""
    try:
        hash(obj)
        return obj
    except TypeError:
        return ("id", id(obj))


def method_owner(obj):
    """The class whose method or attribute ``obj`` is (numpy.ndarray for numpy.ndarray.sum
    and numpy.ndarray.T), or None for plain functions.

    ``inspect.ismethoddescriptor`` is not the test: NumPy 2's array-function dispatchers
    (numpy.clip, numpy.stack, ...) pass it, yet no class owns them.
    """
    owner = getattr(obj, "__objclass__", None)
    name = getattr(obj, "__name__", None)
    if isinstance(owner, type) and name is not None and owner.__dict__.get(name) is obj:
        return owner
    return None


def _method_name(obj):
    """'sum' for numpy.ndarray.sum, 'T' for numpy.ndarray.T; None for plain functions."""
    return obj.__name__ if method_owner(obj) is not None else None


class Template:
    """A parsed rule template: the result name, the bindable signature and the body."""

    def __init__(self, fn, kind, primitive):
        self.kind = kind                    # "adjoint" or "tangent"
        self.primitive = primitive
        self.fn = fn
        self.globals = fn.__globals__
        signature = inspect.signature(fn)
        params = list(signature.parameters.values())
        if not params:
            raise TypeError(f"rule template {fn.__qualname__} needs the result as its first parameter")
        self.result = params[0].name
        self.signature = signature.replace(parameters=params[1:])
        self.vararg = next((p.name for p in params[1:] if p.kind is p.VAR_POSITIONAL), None)
        source = textwrap.dedent(inspect.getsource(fn))
        tree = gast.parse(source).body[0]
        body = tree.body
        if body and isinstance(body[0], gast.Expr) and isinstance(body[0].value, gast.Constant):
            body = body[1:]                 # docstring
        self.body = body
        self.param_names = [p.name for p in params]
        self.names_used = {node.id for stmt in body for node in gast.walk(stmt) if isinstance(node, gast.Name)}
        self._check()

    def _check(self):
        for stmt in self.body:
            target = derivative_target(stmt)
            if target is None:
                continue
            if self.kind == "adjoint" and target == self.result:
                raise TypeError(f"adjoint template {self.fn.__qualname__}: assign to d[input], "
                                f"not d[{self.result}] (the result's adjoint is given)")
            if self.kind == "tangent" and target != self.result:
                raise TypeError(f"tangent template {self.fn.__qualname__}: assign to "
                                f"d[{self.result}] (the result's tangent), not d[{target}]")

    def __repr__(self):
        return f"<{self.kind} template for {getattr(self.primitive, '__name__', self.primitive)}>"


def derivative_target(stmt):
    """The name inside ``d[name] = ...``, or None for other statements."""
    if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1:
        return derivative_ref(stmt.targets[0])
    return None


def derivative_ref(node):
    """The name inside a ``d[name]`` expression, or None."""
    if (isinstance(node, gast.Subscript) and isinstance(node.value, gast.Name)
            and node.value.id == "d" and isinstance(node.slice, gast.Name)):
        return node.slice.id
    return None


VERSION = [0]      # bumped by every registration: cached code made under older rules is stale
_changing = threading.Lock()    # one registration at a time; lookups are single dict reads


def _register(table, kind, primitive):
    def decorate(fn):
        template = Template(fn, kind, primitive)
        key = rule_key(primitive)
        method = _method_name(primitive)
        with _changing:
            table[key] = template
            NON_DIFFERENTIABLE.pop(key, None)
            if method is not None:
                METHOD_NAMES[method] = key
            VERSION[0] += 1     # after the change: code generated meanwhile is seen as stale
        return fn
    return decorate


def adjoint(primitive):
    """Register the decorated template as the reverse-mode rule of ``primitive``."""
    return _register(ADJOINTS, "adjoint", primitive)


def tangent(primitive):
    """Register the decorated template as the forward-mode rule of ``primitive``."""
    return _register(TANGENTS, "tangent", primitive)


def non_differentiable(*primitives):
    """Declare that the results of these functions carry no derivative (e.g. ``len``).

    Their calls run unchanged in generated code; nothing flows back through them.
    Returns the last primitive, so it also works as a decorator.
    """
    with _changing:
        for primitive in primitives:
            key = rule_key(primitive)
            NON_DIFFERENTIABLE[key] = primitive
            method = _method_name(primitive)
            if method is not None:
                METHOD_NAMES[method] = key
        VERSION[0] += 1
    return primitives[-1] if primitives else None


def unsupported(derivative, reason):
    """Inside a rule template, ``d[x] = unsupported(d[y], "why")`` (adjoint) or
    ``d[y] = unsupported(d[x], "why")`` (tangent) refuses to differentiate through the
    argument x: generating code that needs that derivative raises TransformError with
    the reason. The statement is dropped, as any other, where x carries no derivative."""
    raise RuntimeError("astgrad.rules.registry.unsupported only has a meaning inside a rule template")


def is_non_differentiable(obj):
    return rule_key(obj) in NON_DIFFERENTIABLE


def lookup(table, obj):
    return table.get(rule_key(obj))


def method_key(method_name):
    """The registered primitive for ``value.method_name``, or None."""
    return METHOD_NAMES.get(method_name)


def describe(obj):
    module = getattr(obj, "__module__", None) or ""
    qual = getattr(obj, "__qualname__", None) or getattr(obj, "__name__", None) or repr(obj)
    if isinstance(obj, tuple):
        return repr(obj)
    return f"{module}.{qual}" if module and module != "builtins" else qual


def missing_rule_error(source, node, obj, mode):
    which = "adjoint" if mode == "adjoint" else "tangent"
    return source.error(
        f"no {which} rule for {describe(obj)}; astgrad cannot differentiate through it. "
        f"Register one with @astgrad.{which}({getattr(obj, '__name__', 'fn')}), or wrap the "
        f"value in astgrad.stop_gradient(...) if no derivative should flow",
        node, construct=describe(obj))


non_differentiable(unsupported)    # never in generated code: templates.py refuses it there


__all__ = ["d", "adjoint", "tangent", "non_differentiable", "unsupported", "Template", "TransformError"]
