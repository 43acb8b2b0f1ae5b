"""Emit stage: tree -> source text -> compiled code, with the text registered in
``linecache`` so tracebacks, ``inspect.getsource`` and pdb show the generated lines.
"""

import ast
import sys
import types

import gast

from ..core import anno
from ..core import generated_text
# (kept in generated_text: code loaded from the disk cache needs these, not this module)
from ..core.generated_text import def_arguments, new_filename
from ..core import syntax as S
from ..core import walk
from ..core.anno import Key
from . import unparse

_COMMENT = "astgrad-comment: "


def comment(text):
    """A statement that is emitted as ``# text``."""
    return S.expr_stmt(S.const(_COMMENT + text))


def is_comment(stmt):
    if stmt.__class__ is not gast.Expr:     # (gast's classes have no subclasses: most statements stop here)
        return False
    value = stmt.value
    return value.__class__ is gast.Constant and isinstance(value.value, str) and value.value.startswith(_COMMENT)


def _drop_empty_comments(block):
    """Comments followed directly by another comment (or nothing) say nothing."""
    return [stmt for position, stmt in enumerate(block)
            if not (is_comment(stmt) and (position + 1 == len(block) or is_comment(block[position + 1])))]


def to_source(fn_def):
    fn_def.body = walk.rewrite_each_block(fn_def.body, _drop_empty_comments)
    lines, comments = [], set()
    text, starts = _text(fn_def)
    for line in text.splitlines():
        stripped = line.strip()
        if stripped[:1] in "'\"" and _COMMENT in stripped:
            value = _string_literal(stripped)
            if isinstance(value, str) and value.startswith(_COMMENT):
                indent = line[:len(line) - len(line.lstrip())]
                line = (indent + "# " + value[len(_COMMENT):]).rstrip()
                comments.add(len(lines) + 1)
        lines.append(line)
    if starts is not None:      # a comment is no statement of the text
        starts = [start for start in starts if start[0] not in comments]
    anno.set(fn_def, Key.EMITTED_STARTS, starts)
    return "\n".join(lines) + "\n"


def _as_try(stmt):
    """The core form of a try (an ``if`` marked CATCHES) as the try statement it stands for."""
    if not (isinstance(stmt, gast.If) and anno.get(stmt, Key.CATCHES, False)):
        return stmt
    handler = gast.ExceptHandler(type=stmt.test, name=None, body=stmt.orelse or [gast.Pass()])
    return gast.Try(body=stmt.body, handlers=[handler], orelse=[], finalbody=[])


def _text(fn_def):
    """``(text, starts)``: ``ast.unparse`` of ``fn_def``: its header by the stdlib, its body
    written straight from the gast tree (``unparse.body_lines``, which says where each
    statement starts: ``unparse.Lines.starts``) unless it holds what only the stdlib writes
    (then all of it by the stdlib, starts None), or it starts with a string (which
    ast.unparse writes as a docstring)."""
    first = fn_def.body[0] if fn_def.body else None
    if is_comment(first) or not (isinstance(first, gast.Expr) and isinstance(first.value, gast.Constant)
                                 and isinstance(first.value.value, str)):
        lines = unparse.Lines(_header(fn_def).split("\n"))
        try:
            unparse.body_lines(fn_def.body, 1, lines)
        except unparse.Unsupported:
            pass
        else:
            return "\n".join(lines), lines.starts
    fn_def.body = walk.rewrite_blocks(fn_def.body, _as_try)
    tree = to_stdlib(gast.Module(body=[fn_def], type_ignores=[]))
    _number_statements(tree.body)
    return ast.unparse(tree), None


def _header(fn_def):
    """The ``def`` line(s) of ``fn_def`` (decorators included), as ast.unparse writes them."""
    body = fn_def.body
    try:
        fn_def.body = [gast.Pass()]
        tree = to_stdlib(fn_def)
    finally:
        fn_def.body = body
    _number_statements([tree])
    return ast.unparse(tree).rsplit("\n", 1)[0]


def emitted_starts(fn_def, text):
    """Where the statements of ``text`` (``to_source(fn_def)``) start: ``(line, indent)``
    for each, in the order of the text; read from the writing of the text, or else from
    the text parsed back."""
    starts = anno.get(fn_def, Key.EMITTED_STARTS)
    if starts is not None:
        return starts
    body, found = ast.parse(text).body[0].body, []
    _statements(body, found)
    top = {id(stmt) for stmt in body}
    return [(stmt.lineno, 1 if id(stmt) in top else 2) for stmt in found]


def line_origins(fn_def, starts):
    """{line of the emitted text: the line number its statement carries in ``fn_def``},
    for the statements of the text ``to_source(fn_def)`` returned (``starts``, from
    ``emitted_starts``); a statement made without one (a save, a restore) takes that of
    the statement or ``# line N`` comment before it."""
    made, emitted = [], [line for line, _ in starts]
    _statements(fn_def.body, made)
    comments = {id(stmt) for stmt in made if is_comment(stmt)}
    if len(made) - len(comments) != len(emitted):
        return {}
    origins, current, position = {}, getattr(fn_def, "lineno", None), 0
    for stmt in made:
        current = getattr(stmt, "lineno", None) or current
        if id(stmt) in comments:
            continue
        if current is not None:
            origins[emitted[position]] = current
        position += 1
    return origins


def placeholder_lines(fn_def, starts):
    """The lines of the emitted text (``starts``, as for ``line_origins``) holding the
    placeholders of ``fn_def``'s body (``Key.INIT_NONE``: ``t = 0.0`` for a name saved
    before a loop first assigns it), which a derivative of the text treats as such too."""
    made = [stmt for stmt in fn_def.body if not is_comment(stmt)]
    top = [line for line, indent in starts if indent == 1]
    if len(made) != len(top):
        return ()
    return tuple(line for stmt, line in zip(made, top) if anno.get(stmt, Key.INIT_NONE, False))


def top_statement_lines(fn_def):
    """(the line of the text ``to_source(fn_def)`` wrote where each top-level statement of
    ``fn_def`` starts, ascending; those statements), or None where the writing of the text
    did not say where its statements start."""
    starts = anno.get(fn_def, Key.EMITTED_STARTS)
    made = [stmt for stmt in fn_def.body if not is_comment(stmt)]
    top = [line for line, indent in starts or () if indent == 1]
    return (top, made) if starts is not None and len(made) == len(top) else None


def _statements(block, found):
    """Append the statements of ``block`` to ``found``, each followed by those nested in it."""
    for stmt in block:
        found.append(stmt)
        for field in ("body", "orelse", "finalbody"):
            inner = getattr(stmt, field, None)
            if inner:
                _statements(inner, found)
        for handler in getattr(stmt, "handlers", None) or []:   # a try (made as an if: no handler node)
            _statements(handler.body, found)


def to_stdlib(node):
    """The stdlib syntax tree ``gast.gast_to_ast`` makes of ``node`` (the same nodes,
    fields and positions), made by one function per node kind chosen once per kind:
    gast's own converter, a ``NodeTransformer`` building every node through a dict of
    its fields, was two thirds of emitting a long function."""
    return _CONVERTERS.get(type(node), _generic)(node)


def _value(value):
    if isinstance(value, list):
        return [_CONVERTERS.get(type(item), _generic)(item) if isinstance(item, gast.AST) else item
                for item in value]
    if isinstance(value, gast.AST):
        return _CONVERTERS.get(type(value), _generic)(value)
    return value


def _generic(node):
    kind = type(node)
    plan = _PLANS.get(kind)
    if plan is None:
        plan = _PLANS[kind] = (getattr(ast, kind.__name__, None), kind._fields, kind._attributes)
    target, fields, attributes = plan
    if target is None:
        return None                 # not a node of the stdlib's syntax (gast drops it too)
    values, converters, ast_type = {}, _CONVERTERS, gast.AST
    for field in fields:
        value = getattr(node, field, _ABSENT)
        if value is _ABSENT:
            continue
        if isinstance(value, ast_type):
            value = converters.get(type(value), _generic)(value)
        elif isinstance(value, list):
            value = [converters.get(type(item), _generic)(item) if isinstance(item, ast_type) else item
                     for item in value]
        values[field] = value
    new = target(**values)
    for attribute in attributes:
        value = getattr(node, attribute, _ABSENT)
        if value is not _ABSENT:
            setattr(new, attribute, value)
    return new


_ABSENT = object()


def _located(new, old):
    """``ast.copy_location``, as gast's converter uses it for the nodes it builds itself."""
    for attribute in ("lineno", "col_offset", "end_lineno", "end_col_offset"):
        if attribute in old._attributes and attribute in new._attributes:
            value = getattr(old, attribute, None)
            if value is not None or hasattr(old, attribute) and attribute.startswith("end_"):
                setattr(new, attribute, value)
    return new


def _name(node):
    return _located(ast.Name(node.id, _value(node.ctx)), node)


def _arg(node):
    if node is None:
        return None
    return _located(ast.arg(node.id, _value(node.annotation), _value(node.type_comment)), node)


def _arguments(node):
    return ast.arguments([_arg(arg) for arg in node.posonlyargs], [_arg(arg) for arg in node.args],
                         _arg(node.vararg), [_arg(arg) for arg in node.kwonlyargs], _value(node.kw_defaults),
                         _arg(node.kwarg), _value(node.defaults))


def _except_handler(node):
    if not node.name:
        return _generic(node)
    return _located(ast.ExceptHandler(_value(node.type), node.name.id, _value(node.body)), node)


def _assign(node):
    return _located(ast.Assign(_value(node.targets), _value(node.value)), node)


def _constant(node):
    """A negative number as a minus applied to its magnitude, the form Python parses:
    ``ast.unparse`` writes ``Constant(-2.0) ** x`` as ``-2.0 ** x``, which is
    ``-(2.0 ** x)`` (a folded ``(-2.0) ** x`` would change its value)."""
    converted = _generic(node)
    if not unparse.is_negative_number(node.value):
        return converted
    converted.value = -node.value
    return _located(ast.UnaryOp(ast.USub(), converted), node)


def _function(kind):
    def convert(node):
        return _located(kind(_value(node.name), _value(node.args), _value(node.body), _value(node.decorator_list),
                             _value(node.returns), _value(node.type_comment)), node)
    return convert


def _class(node):
    return _located(ast.ClassDef(_value(node.name), _value(node.bases), _value(node.keywords), _value(node.body),
                                 _value(node.decorator_list)), node)


_PLANS = {}         # gast node kind -> (stdlib kind, its fields, its attributes)
_CONVERTERS = {gast.Name: _name, gast.arguments: _arguments, gast.ExceptHandler: _except_handler,
               gast.Assign: _assign, gast.Constant: _constant}
if sys.version_info < (3, 12):      # gast's converter drops the type parameters there
    _CONVERTERS.update({gast.FunctionDef: _function(ast.FunctionDef),
                        gast.AsyncFunctionDef: _function(ast.AsyncFunctionDef), gast.ClassDef: _class})
elif sys.version_info < (3, 13):    # and converts these by hand on 3.12 (generated code has none)
    _CONVERTERS.update({getattr(gast, kind): gast.gast_to_ast for kind in ("TypeVar", "TypeVarTuple", "ParamSpec")
                        if hasattr(gast, kind)})


def _number_statements(block):
    """Give the statements without one a line number: ast.unparse reads it (to look up
    type-ignore comments, of which generated code has none); no other node needs one."""
    for stmt in block:
        if not hasattr(stmt, "lineno"):
            stmt.lineno = 1
        for field in ("body", "orelse", "finalbody", "handlers", "cases"):
            inner = getattr(stmt, field, None)
            if isinstance(inner, list):
                _number_statements(inner)


def _string_literal(text):
    """The value of the string literal ``text`` (None if it is not one): a literal
    quoted once with no backslash and no quote inside is its own text between the quotes."""
    quote = text[0]
    inner = text[1:-1]
    if len(text) >= 2 and text[-1] == quote and quote not in inner and "\\" not in inner:
        return inner
    try:
        return ast.literal_eval(text)
    except (ValueError, SyntaxError):
        return None


def compile_function(source, name, namespace, label):
    """Compile ``source`` (defining ``name``) into a function whose globals are ``namespace``."""
    filename = new_filename(label)
    generated_text.register(filename, source)
    code = compile(source, filename, "exec")
    scope = dict(namespace)
    exec(code, scope)
    # the function is not a global of its own code: a cache keyed by the function whose
    # value holds these globals would otherwise keep its key alive
    fn = scope.pop(name)
    generated_text.keep_while(fn.__code__, filename)
    generated_text.compiled_here(fn.__code__, filename)
    fn.source = source
    return fn


def compile_closure(source, name, free_names, label):
    """Compile ``source`` (one ``def name``) as a function whose ``free_names`` are closure
    variables: the code of ``name`` as if it were nested in a function defining them, so
    those names are cells and every other name is a global looked up when the code runs.

    Returns the code object. The text in ``linecache`` (while the code object lives) is
    ``source`` itself, and the code's lines and columns are those of ``source``: the
    enclosing function's ``def`` comes before the def's first line, which alone moves one
    column right (the body, deeper already, stays as it is: no string in it changes), and
    every line is moved back up by one. A source starting otherwise (a decorator) is
    parsed, and compiled as a syntax tree holding the enclosing function on its first line.
    """
    filename = new_filename(label)
    generated_text.register(filename, source)
    enclosing = f"def __astgrad_scope__({', '.join(sorted(free_names))}):\n"
    if source.startswith(f"def {name}("):
        code = compile(enclosing + " " + source, filename, "exec", dont_inherit=True)
        code = _lines_up(_nested_code(_nested_code(code, "__astgrad_scope__"), name))
    else:
        scope = ast.parse(enclosing + "    pass\n").body[0]
        scope.body = [ast.parse(source, filename).body[0]]
        code = compile(ast.Module(body=[scope], type_ignores=[]), filename, "exec", dont_inherit=True)
        code = _nested_code(_nested_code(code, "__astgrad_scope__"), name)
    generated_text.keep_while(code, filename)
    generated_text.compiled_here(code, filename)
    return code


def _lines_up(code):
    """``code`` (and the code nested in it) with every line number one less."""
    consts = tuple(_lines_up(c) if isinstance(c, types.CodeType) else c for c in code.co_consts)
    return code.replace(co_firstlineno=code.co_firstlineno - 1, co_consts=consts)


def _nested_code(code, name):
    return next(c for c in code.co_consts if hasattr(c, "co_consts") and c.co_name == name)
