"""A parsed rule template: the result name, the bindable signature and the body.

A template is a small Python function whose first parameter is the primitive's result
and whose other parameters mirror the primitive's own; its body is ``d[...] = e``
statements (see ``registry.py``). Templates are written by hand (``@adjoint``,
``@tangent``) or generated from a declaration (``declare.py``); either way the engine
sees the same object, parsed on first use.
"""

import ast
import inspect
import linecache
import textwrap
import threading

import gast
from ..core import syntax as S
from ..frontend import block_lines
from ..frontend.gast_convert import ast_to_gast

# What parsing a template sets; reading any of them parses the template first.
_PARSED = ("fn", "globals", "result", "signature", "vararg", "source", "body", "param_names", "names_used")


class Template:
    """A rule template, parsed when it is first read (not when it is registered).

    ``fn`` is the template function (its signature and globals); ``source`` is its
    text when it was generated rather than written in a file. A declared rule gives
    ``build`` instead, called on first use, which returns ``(fn, source)``.

    Registering a rule only stores the function: reading the template's source and
    parsing it waits until the engine first looks at one of the parsed attributes
    (``body``, ``signature``, ...), so ``import astgrad`` does not parse hundreds of
    templates it may never use. Two threads reading the same template at once parse it
    once: the second waits for the first.
    """

    def __init__(self, fn, kind, primitive, source=None, build=None):
        if fn is None and build is None:
            raise TypeError("a Template needs the template function or a build function")
        self.kind = kind                    # "adjoint" or "tangent"
        self.primitive = primitive
        self._pending = (fn, source, build)

    def __getattr__(self, name):
        # only called for attributes not yet set: the parsed ones before parsing
        if name not in _PARSED or "_pending" not in self.__dict__:
            raise AttributeError(name)
        # the lock is made by the first parse (astgrad's own rules make 1,200 templates, most never parsed);
        # setdefault is one step: threads parsing at once all get the one lock stored
        with self.__dict__.get("_lock") or self.__dict__.setdefault("_lock", threading.Lock()):
            if self._pending is not None:
                parsed = _parse(self, *self._pending)
                self.__dict__.update(parsed)
                self._pending = None
        return self.__dict__[name]

    def parse(self):
        """Parse now (the engine parses on first use; this is for checks and tests)."""
        self.__getattr__("body")
        return self

    @property
    def parsed(self):
        return self.__dict__.get("_pending", True) is None

    def __repr__(self):
        return f"<{self.kind} template for {getattr(self.primitive, '__name__', self.primitive)}>"


def _parse(template, fn, source, build):
    """The parsed attributes of ``template`` as a dict (set all at once by the caller)."""
    if build is not None:
        fn, source = build()
    signature = inspect.signature(fn)
    params = list(signature.parameters.values())
    if not params:
        raise TypeError(f"rule template {fn.__qualname__} needs the result as its first parameter")
    if source is None:
        source, tree = _parsed_source(fn)
    else:
        source = textwrap.dedent(source)
        tree = _gast_parse(source)
    body = tree.body[0].body
    if body and isinstance(body[0], gast.Expr) and isinstance(body[0].value, gast.Constant):
        body = body[1:]                 # docstring
    _check(template.kind, fn, params[0].name, body)
    for stmt in body:       # a line of the rule's file: the statements made of it take their call's
        for position in ("lineno", "end_lineno", "col_offset", "end_col_offset"):
            stmt.__dict__.pop(position, None)
    return {"fn": fn, "globals": fn.__globals__, "result": params[0].name,
            "signature": signature.replace(parameters=params[1:]),
            "vararg": next((p.name for p in params[1:] if p.kind is p.VAR_POSITIONAL), None),
            "source": source, "body": body, "param_names": [p.name for p in params],
            "names_used": {node.id for stmt in body for node in S.walk_nodes(stmt) if isinstance(node, gast.Name)}}


def _parsed_source(fn):
    """(the text of template function ``fn``, dedented, and its tree). Its lines are
    first found by indentation (``block_lines``: ``inspect`` tokenizes the function, which
    took about half of parsing a template); where those do not parse, ``inspect``'s."""
    code = fn.__code__
    found = block_lines.getsourcelines(code, linecache.getlines(code.co_filename, fn.__globals__))
    if found is not None:
        source = textwrap.dedent("".join(found[0]))
        try:
            return source, _gast_parse(source)
        except SyntaxError:
            pass
    try:
        source = textwrap.dedent(inspect.getsource(fn))
    except OSError as error:
        raise TypeError(f"rule template {fn.__qualname__}: cannot read its source ({error}); astgrad reads a "
                        "template from its source, so define it in a file (not in an interactive prompt or "
                        "with exec)") from None
    return source, _gast_parse(source)


def _gast_parse(source):
    """``gast.parse(source)``, converted by the frontend's faster converter (gast's own
    conversion took about half of parsing a template)."""
    return ast_to_gast(ast.parse(source))


def _check(kind, fn, result, body):
    for stmt in body:
        _check_derivative_names(fn, stmt)
        target = derivative_target(stmt)
        if target is None:
            continue
        if kind == "adjoint" and target == result:
            raise TypeError(f"adjoint template {fn.__qualname__}: assign to d[input], "
                            f"not d[{result}] (the result's adjoint is given)")
        if kind == "tangent" and target != result:
            raise TypeError(f"tangent template {fn.__qualname__}: assign to "
                            f"d[{result}] (the result's tangent), not d[{target}]")


def _check_derivative_names(fn, stmt):
    """Refuse ``astgrad.d[x]``: the engine reads ``d[x]`` by its name alone, so written
    through the module it would be taken for an ordinary statement and the derivative
    it gives would be lost."""
    for node in S.walk_nodes(stmt):
        if (isinstance(node, gast.Subscript) and isinstance(node.value, gast.Attribute)
                and node.value.attr == "d" and isinstance(node.value.value, gast.Name)):
            module = fn.__globals__.get(node.value.value.id)
            if getattr(module, "__name__", None) == "astgrad":
                raise TypeError(f"rule template {fn.__qualname__}: write d[...] with d imported "
                                f"(from astgrad import d), not {node.value.value.id}.d[...]")


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
