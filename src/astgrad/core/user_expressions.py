"""The expression a user wrote where the normalized code has a name astgrad made.

The normalizer reads items, attributes and displays out into temporaries (``t_1 =
d.setdefault(k, [])``); a message about such a value should quote what the user's line
says there (``d.setdefault(k, [])``), not the temporary. The user's statement is parsed
again from the source lines and walked alongside the normalized one.
"""

import ast
import copy
import linecache

import gast

from . import generated_text

__all__ = ["user_expression"]


def user_expression(source, stmt, name):
    """The text of the expression at the place of ``name`` in ``stmt`` on the user's line
    (``source``: a FunctionSource), or None where the two statements do not correspond."""
    written = _generated_from(source, stmt)
    if written is None:
        written = _user_statement(source, getattr(stmt, "lineno", None))
    found = None if written is None else _counterpart(stmt, written, name)
    return None if found is None else ast.unparse(found)


def _generated_from(source, stmt):
    """In code astgrad generated (a derivative differentiated again, or called by a function
    being differentiated), the statement on the user's line ``stmt``'s line was made from:
    ``y[1, 1] = w`` for the derivative's ``y_new[1, 1] = w``. None elsewhere, or where that
    line is not a statement of its own."""
    lineno = getattr(stmt, "lineno", None)
    found = None if lineno is None else generated_text.origin(source.filename, lineno + source.first_line - 1)
    if found is None:
        return None
    try:
        module = ast.parse(linecache.getline(*found).strip())
    except SyntaxError:         # the head of a compound statement (if x > 0:)
        return None
    if len(module.body) != 1 or _shape(module.body[0]) != _shape(gast.gast_to_ast(copy.deepcopy(stmt))):
        return None             # not the user's statement with its names changed (x_1[...] = t_3)
    return module.body[0]


def _shape(stmt):
    """``stmt`` (ast) as text with every name left out."""
    return ast.dump(_Nameless().visit(copy.deepcopy(stmt)), annotate_fields=False)


class _Nameless(ast.NodeTransformer):
    """Every name as the same name."""

    def visit_Name(self, node):
        return ast.Name(id="_", ctx=node.ctx)


def _user_statement(source, lineno):
    """The innermost statement of the user's function that starts on ``lineno``."""
    if lineno is None:
        return None
    try:
        tree = ast.parse("\n".join(line.rstrip("\n") for line in source.lines))
    except SyntaxError:
        return None
    found = None
    for node in ast.walk(tree):
        if isinstance(node, ast.stmt) and node.lineno == lineno and not isinstance(
                node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            if found is None or node.col_offset > found.col_offset:
                found = node
    return found


def _counterpart(normal, written, name):
    """The node of ``written`` (ast) standing where ``normal`` (gast) reads ``name``."""
    if isinstance(normal, gast.Name) and normal.id == name:
        return None if isinstance(written, ast.Name) and written.id == name else written
    if type(normal).__name__ != type(written).__name__:
        return None
    for field in written._fields:
        mine, theirs = getattr(normal, field, None), getattr(written, field, None)
        pairs = zip(mine, theirs) if isinstance(mine, list) and isinstance(theirs, list) else [(mine, theirs)]
        for a, b in pairs:
            if isinstance(a, gast.AST) and isinstance(b, ast.AST):
                found = _counterpart(a, b, name)
                if found is not None:
                    return found
    return None
