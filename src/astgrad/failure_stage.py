"""Whether generated gradient code failed computing the function's own values, before
its output's seed came into play.

A one-element or non-scalar output can break gradient code only where the seed (the
derivative of the output) is used, and every name derived from the seed carries the
derivative prefix (``d_``, or ``dd_``, ... where the function has names beginning with
``d_``; no other name does). A failing statement of the generated function that reads no
such name computed the function's values, as the function itself does: the output's
shape did not cause it, and the function need not run again to tell.
"""

import ast
import re

from .core import generated_text
from .core.functions import seed_parameter

__all__ = ["failed_before_the_seed"]

_SIMPLE = (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Expr, ast.Raise, ast.Assert)


def failed_before_the_seed(code, error):
    """Whether ``error``, raised by calling the generated gradient ``code``, arose on a
    statement of ``code`` that reads no derivative; False where that is not sure."""
    inner = getattr(code, "__code__", None)
    lines = None if inner is None else generated_text.text_lines(inner)
    if lines is None:
        return False
    prefix = re.match(r"d+_", seed_parameter(code))
    line = None
    tb = error.__traceback__
    while tb is not None:               # the innermost line of code's own frame
        if tb.tb_frame.f_code is inner:
            line = tb.tb_lineno
        tb = tb.tb_next
    if prefix is None or line is None or not 1 <= line <= len(lines):
        return False
    try:
        statement = ast.parse(lines[line - 1].strip()).body
    except SyntaxError:                 # a line of a longer statement, or a block's header
        return False
    if len(statement) != 1 or not isinstance(statement[0], _SIMPLE):
        return False
    return not any(isinstance(node, ast.Name) and node.id.startswith(prefix.group())
                   for node in ast.walk(statement[0]))
