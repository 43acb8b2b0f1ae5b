"""A parsed rule template: the result name, the bindable signature and the body.

A template is a small Python function whose first parameter is the primitive's result
and whose other parameters mirror the primitive's own; its body is ``d[...] = e``
statements (see ``registry.py``). Templates are written by hand (``@adjoint``,
``@tangent``) or generated from a declaration (``declare.py``); either way the engine
sees the same object.
"""

import inspect
import textwrap

import gast


class Template:
    """A rule template, parsed once.

    ``fn`` is the template function (its signature and globals); ``source`` is its
    text when it was generated rather than written in a file.
    """

    def __init__(self, fn, kind, primitive, source=None):
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
        self.source = textwrap.dedent(source if source is not None else inspect.getsource(fn))
        tree = gast.parse(self.source).body[0]
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
