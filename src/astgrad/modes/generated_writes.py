"""The refusal of an in-place write in a derivative astgrad generated (differentiated
again) that the sharing check cannot follow: the derivative repeats the user's write, or
undoes it in its reverse sweep (``restore_item``), into a container another value may
hold. The message names the user's line and the container as the user wrote it
(``s.m`` of ``s.m[i] = v``), not the names astgrad made."""

import ast
import linecache

from ..core import generated_text
from ..errors import TransformError


def generated_write_refusal(source, stmt, action):
    """The refusal of the write ``stmt`` (``action``: "assignment into an element of", ...)
    at the user's line generated code was made from; None where ``stmt`` is the user's own
    code."""
    found = generated_text.origin(source.filename, source.file_line(stmt))
    if found is None:
        return None
    filename, line = found
    text = linecache.getline(filename, line).rstrip("\n") or None
    written = _written_container(text)
    what = f"'{written}'" if written else "the dict, list or array this line builds or writes into"
    return TransformError(
        f"this line cannot be differentiated twice: the derivative astgrad generated for it writes into "
        f"{what} as this line does (and undoes the write in its reverse sweep), while another value may "
        f"share its memory (an alias, a view, or an object, list or dict holding it), which astgrad cannot "
        f"follow a second time ({action} a value astgrad made). Write into a dict, list or array of the "
        f"function's own (m = {{}}; m[k] = ...) and put it where it is held after the writes, or "
        f"differentiate once (grad, jvp, vjp)",
        filename, line, text, construct="in-place write")


def _written_container(text):
    """``s.m`` for a line ``s.m[i] = v`` (or ``s.m[i] += v``); None when the line is not one
    write into an item."""
    try:
        stmt = ast.parse(text.strip()).body[0] if text else None
    except SyntaxError:
        return None
    target = stmt.targets[0] if isinstance(stmt, ast.Assign) and len(stmt.targets) == 1 \
        else getattr(stmt, "target", None) if isinstance(stmt, ast.AugAssign) else None
    return ast.unparse(target.value) if isinstance(target, ast.Subscript) else None
