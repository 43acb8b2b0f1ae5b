"""Parse stage: a Python function becomes a gast FunctionDef plus what its names mean.

Every error raised later can point at the user's file and line because this module
keeps the file name, the line offset and the source lines of the function.
"""

import builtins
import inspect
import textwrap

import gast

from .errors import TransformError

_MISSING = object()


class FunctionSource:
    """A function's syntax tree, where it came from, and how to resolve its free names."""

    def __init__(self, fn, tree, filename, first_line, lines):
        self.fn = fn
        self.tree = tree                # gast.FunctionDef, decorators removed
        self.filename = filename
        self.first_line = first_line    # file line number of the tree's line 1
        self.lines = lines              # the dedented source lines
        self.globals = getattr(fn, "__globals__", {})
        self.closure = _closure_values(fn)

    @property
    def name(self):
        return self.tree.name

    def file_line(self, node):
        """The line number in the user's file of ``node`` (or None)."""
        lineno = getattr(node, "lineno", None)
        return None if lineno is None else lineno + self.first_line - 1

    def line_text(self, node):
        lineno = getattr(node, "lineno", None)
        if lineno is None or not 1 <= lineno <= len(self.lines):
            return None
        return self.lines[lineno - 1].rstrip("\n")

    def error(self, message, node=None, construct=None):
        """A TransformError located at ``node`` in the user's file."""
        return TransformError(message, self.filename, self.file_line(node),
                              self.line_text(node), construct)

    def resolve(self, identifier):
        """The object a free name refers to, or _MISSING if it is unbound now."""
        if identifier in self.closure:
            return self.closure[identifier]
        if identifier in self.globals:
            return self.globals[identifier]
        builtin_scope = self.globals.get("__builtins__", builtins)
        if isinstance(builtin_scope, dict):
            return builtin_scope.get(identifier, _MISSING)
        return getattr(builtin_scope, identifier, _MISSING)

    def resolve_path(self, parts):
        """Resolve ``['np', 'linalg', 'norm']``; _MISSING if any part is unbound."""
        obj = self.resolve(parts[0])
        for part in parts[1:]:
            if obj is _MISSING:
                return _MISSING
            obj = getattr(obj, part, _MISSING)
        return obj


def _closure_values(fn):
    code = getattr(fn, "__code__", None)
    if code is None or not fn.__closure__:
        return {}
    values = {}
    for var, cell in zip(code.co_freevars, fn.__closure__):
        try:
            values[var] = cell.cell_contents
        except ValueError:      # an empty cell: the variable is not assigned yet
            pass
    return values


def parse_function(fn):
    """Parse ``fn`` (a def or a lambda) into a FunctionSource."""
    if not inspect.isfunction(fn):
        raise TypeError(
            f"astgrad differentiates Python functions; got {type(fn).__name__} {fn!r}. "
            "Wrap it in a def (or a lambda) that calls it.")
    filename = fn.__code__.co_filename
    try:
        lines, first_line = inspect.getsourcelines(fn)
    except (OSError, TypeError) as exc:
        raise TransformError(
            f"cannot read the source of {fn.__qualname__} ({exc}); astgrad transforms "
            "source code, so define the function in a file (not in an interactive "
            "prompt or with exec)", filename) from None
    source = textwrap.dedent("".join(lines))
    # A function nested in a block may dedent to code that still begins indented
    # continuation lines; parsing as a whole block is what inspect gives us.
    try:
        module = gast.parse(source)
    except SyntaxError:
        # getsource of a lambda returns the whole statement, which may be a fragment.
        module = gast.parse("(\n" + source.strip() + "\n)") if fn.__name__ == "<lambda>" else None
        if module is None:
            raise TransformError(f"cannot parse the source of {fn.__qualname__}", filename)
        first_line -= 1
    lines = source.splitlines(True)
    if fn.__name__ == "<lambda>":
        tree = _lambda_as_def(fn, module, filename, first_line, lines)
    else:
        tree = _find_def(fn, module)
        if tree is None:
            raise TransformError(f"cannot find the definition of {fn.__qualname__} in its source",
                                 filename, first_line)
    tree.decorator_list = []
    return FunctionSource(fn, tree, filename, first_line, lines)


def _find_def(fn, module):
    for node in gast.walk(module):
        if isinstance(node, (gast.FunctionDef, gast.AsyncFunctionDef)) and node.name == fn.__name__:
            return node
    return None


def _lambda_as_def(fn, module, filename, first_line, lines):
    code = fn.__code__
    params = list(code.co_varnames[:code.co_argcount])
    found = [node for node in gast.walk(module) if isinstance(node, gast.Lambda)
             and [a.id for a in node.args.args] == params]
    if len(found) != 1:
        raise TransformError(
            "cannot tell which lambda on this line to differentiate; define the "
            "function with def instead", filename, first_line)
    lam = found[0]
    body = gast.Return(value=lam.body)
    body.lineno = getattr(lam, "lineno", 1)
    tree = gast.FunctionDef(name="lambda_", args=lam.args, body=[body], decorator_list=[],
                            returns=None, type_comment=None, type_params=[])
    tree.lineno = body.lineno
    return tree
