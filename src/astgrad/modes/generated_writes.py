"""The refusal of an in-place write in a derivative astgrad generated (differentiated
again) that the sharing check cannot follow: the derivative repeats the user's write, or
undoes it in its reverse sweep (``restore_item``), into a container another value may
hold. The message names the user's line and the container as the user wrote it
(``s.m`` of ``s.m[i] = v``), not the names astgrad made; a pop at a position inside a
loop (``v = acc.pop(0)``), whose item only astgrad names, is refused as such a pop."""

import ast
import linecache
import re

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


def generated_row_refusal(source, stmt, name, row, stacked=False):
    """The refusal of the write ``stmt`` into ``name`` in a derivative differentiated again,
    where ``row`` (a name astgrad made, such as ``u_saved`` for the user's ``u``) keeps a row
    of ``name`` read before (``stacked``: the rows of earlier passes of a loop, kept on a
    stack): the message names the user's line, the user's names and the line reading the
    row out; None where ``stmt`` is the user's own code."""
    found = generated_text.origin(source.filename, source.file_line(stmt))
    if found is None:
        return None
    filename, line = found
    text = linecache.getline(filename, line).rstrip("\n") or None
    function = _user_function(filename, line)
    names = set() if function is None else {n.id for n in ast.walk(function) if isinstance(n, ast.Name)}
    written, kept = _user_name(name, names), _user_name(row, names)
    if kept not in names:       # a value only astgrad names: the item a pop reads, or the general refusal
        return _popped_in_a_loop_refusal(function, (filename, line, text), written)
    read = _row_read(function, kept, written)
    where = f" (line {read.lineno}: {ast.unparse(read)})" if read is not None else ""
    copied = f"{kept} = {written}[...].copy()"
    if read is not None:
        copied += f"; here line {read.lineno}: {kept} = {ast.unparse(read.value)}.copy()"
    writer = _method_called(text)
    how = f"(the array its object holds) as the call of {writer} on this line does" if writer \
        else "as this line does"
    kept_rows = f"'{kept}' holds a row of it read before{where}, and the derivative keeps the rows '{kept}' " \
        f"held in earlier passes, reading them again after the write" if stacked else \
        f"'{kept}' holds a row of it read before{where}, which the derivative reads again after the write"
    return TransformError(
        f"this line cannot be differentiated twice: the derivative astgrad generated for it writes into "
        f"'{written}' {how}, while {kept_rows} (a row is a view, and shows "
        f"it): astgrad follows that twice where, for a write inside a loop, '{kept}' is read, before the loop "
        f"or in each pass, at a constant index ({kept} = {written}[0]) or at a name bound once, outside every "
        f"loop (i = len({written}) - 1; {kept} = {written}[i]), or at a copy of such a name (j = i; "
        f"{kept} = {written}[j]); and "
        f"'{written}' is not bound again in the loop; {'and no row of an earlier pass is read again; ' if stacked else ''}"
        f"not here. "
        f"Where the row need not show the write, copy it where it is read ({copied}); or differentiate "
        f"once (grad, jvp, vjp)",
        filename, line, text, construct="in-place write")


def _popped_in_a_loop_refusal(function, where, written):
    """The refusal of the user's ``v = xs.pop(i)`` in a loop (``where``: file, line, text;
    ``written``: the list, ``xs``), whose derivative reads the popped item again in each
    pass and puts it back in its reverse sweep; None where the line is no such pop."""
    filename, line, text = where
    pop = _pop_in_a_loop(function, line, written)
    if pop is None:
        return None
    return TransformError(
        f"this line cannot be differentiated twice: {pop} pops an item off '{written}' inside a loop, and the "
        f"derivative astgrad generated for it moves the later items of '{written}' down a place, reads that item "
        f"again at the position that pass took it from, and puts it back in its reverse sweep, which astgrad "
        f"cannot follow a second time. Pop outside the loop, or pop the last item ({written}.pop()), which astgrad "
        f"follows twice; or differentiate once (grad, jvp, vjp)",
        filename, line, text, construct=f"{pop} in a loop")


def _pop_in_a_loop(function, line, written):
    """``xs.pop(0)``, the text of a call popping off ``written`` (``xs``) on ``line`` of
    ``function``, where a loop of it holds that line; else None."""
    loops = [] if function is None else [node for node in ast.walk(function) if isinstance(
        node, (ast.For, ast.AsyncFor, ast.While)) and node.lineno < line <= (node.end_lineno or node.lineno)]
    pops = [node for loop in loops for node in ast.walk(loop) if isinstance(node, ast.Call)
            and node.lineno == line and isinstance(node.func, ast.Attribute) and node.func.attr == "pop"
            and ast.unparse(node.func.value) == written]
    return ast.unparse(pops[0]) if pops else None


def _user_function(filename, line):
    """The innermost function of the user's file holding ``line``, or None."""
    try:
        tree = ast.parse("".join(linecache.getlines(filename)))
    except SyntaxError:
        return None
    found = None
    for node in ast.walk(tree):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) \
                and node.lineno <= line <= (node.end_lineno or node.lineno) \
                and (found is None or node.lineno > found.lineno):
            found = node
    return found


def _user_name(name, names):
    """The user's name a name astgrad made stands for: ``u`` for ``u_saved``, ``u_saved_1``
    or ``u_2``; ``name`` itself where no such name is the user's."""
    candidate = name
    while candidate not in names:
        shorter = re.sub(r"(_saved|_stack|_new|_\d+)$", "", candidate)
        if shorter == candidate:
            return name
        candidate = shorter
    return candidate


def _row_read(function, row, array):
    """The user's first ``row = array[...]`` in ``function``, or None."""
    if function is None:
        return None
    reads = [s for s in ast.walk(function) if isinstance(s, ast.Assign) and len(s.targets) == 1
             and isinstance(s.targets[0], ast.Name) and s.targets[0].id == row
             and isinstance(s.value, ast.Subscript) and ast.unparse(s.value.value) == array]
    return min(reads, key=lambda s: s.lineno, default=None)


def _method_called(text):
    """``a.bump`` for a line that is one call of a method, ``a.bump(k, c)``; None for others."""
    try:
        stmt = ast.parse(text.strip()).body[0] if text else None
    except SyntaxError:
        return None
    call = stmt.value if isinstance(stmt, ast.Expr) else None
    return ast.unparse(call.func) if isinstance(call, ast.Call) and isinstance(call.func, ast.Attribute) else None
