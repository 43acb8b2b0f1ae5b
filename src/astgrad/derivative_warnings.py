"""NumPy's floating-point warnings while derivative code runs.

The user's own operations, which the generated code repeats (``np.log(x)`` at 0), warn
as a plain call of the function does, at the user's line. The derivative's own
arithmetic (``d_x / x`` where the derivative is infinite, ``0 * inf``) is quiet: its
value, ``inf`` or NaN, is the answer, as JAX and PyTorch give it (docs/api.md, "Numbers
at special points"). Which operation raised is read off the instruction that called
NumPy (Python 3.11's positions): an operation on a derivative's name (``d_``, ``dd_``,
...) or in astgrad's own helpers is the derivative's. On Python 3.10, which has no
positions, every warning is shown, as NumPy gives it.
"""

import ast
import functools
import linecache
import os
import re
import sys
import warnings

import numpy

from .core.generated_text import origin

_ASTGRAD_DIRECTORY = os.path.dirname(os.path.abspath(__file__))
_NUMPY_DIRECTORY = os.path.dirname(os.path.abspath(numpy.__file__))
_DERIVATIVE_NAME = re.compile(r"d+_")
_OPERATOR_UFUNCS = {ast.Add: "add", ast.Sub: "subtract", ast.Mult: "multiply", ast.Div: "divide",
                    ast.FloorDiv: "floor_divide", ast.Mod: "remainder", ast.Pow: "power", ast.MatMult: "matmul",
                    ast.USub: "negative"}
try:        # NumPy 2's floating-point settings: a context variable, set here directly (errstate
    # costs more than a small derivative's call)
    from numpy._core._ufunc_config import _extobj_contextvar, _make_extobj
except ImportError:     # pragma: no cover - NumPy 1: every warning shown, as NumPy gives it
    _extobj_contextvar = None
SUPPORTED = sys.version_info >= (3, 11) and _extobj_contextvar is not None
_SORTING = {}           # NumPy's settings -> those settings with each "warn" a call of _sorted (or None)


def sort_warnings():
    """NumPy's settings made to leave out the warnings of the derivative's own arithmetic
    until ``restore_warnings(token)``: the token, or None where nothing changes (NumPy
    warns of nothing, or Python 3.10). Where NumPy would warn only: other settings,
    ``raise`` or ``ignore``, hold as the caller made them."""
    if not SUPPORTED:
        return None
    current = _extobj_contextvar.get()
    sorting = _SORTING.get(current, False)
    if sorting is False:
        sorting = _sorting_settings(current)
    return None if sorting is None else _extobj_contextvar.set(sorting)


def restore_warnings(token):
    _extobj_contextvar.reset(token)


def _sorting_settings(current):
    modes = numpy.geterr()
    warned = {kind: "call" for kind, mode in modes.items() if mode == "warn"}
    if len(_SORTING) > 64:          # settings made by many errstate blocks: not kept forever
        _SORTING.clear()
    # the caller's own call (seterrcall) is left to answer for its errors as they chose
    sorting = _make_extobj(call=_sorted, **warned) if warned and "call" not in modes.values() else None
    _SORTING[current] = sorting
    return sorting


def _sorted(error, flag):
    """NumPy's call for a floating-point error: shown as a RuntimeWarning where the
    user's operation raised it, dropped where the derivative's did."""
    frame = sys._getframe(1)
    while frame is not None and frame.f_code.co_filename.startswith(_NUMPY_DIRECTORY):
        frame = frame.f_back            # numpy.sum's Python code: the call of it
    if frame is None or frame.f_code.co_filename.startswith(_ASTGRAD_DIRECTORY):
        return                          # a helper of the derivative's (unbroadcast, a rule's function)
    filename, line = frame.f_code.co_filename, frame.f_lineno
    node = _operation_at(frame)
    if origin(filename, line) is not None:      # generated code
        if node is not None and _on_derivative(node, _prefix_length(frame.f_code)):
            return
        filename, line = origin(filename, line)
    what = _ufunc_name(node)
    message = f"{error} encountered" + (f" in {what}" if what else "")
    warnings.warn_explicit(message, RuntimeWarning, filename, line,
                           registry=frame.f_globals.setdefault("__warningregistry__", {}))


def _operation_at(frame):
    """The call or operator of the generated code whose instruction ``frame`` runs, or None."""
    code = frame.f_code
    try:
        start_line, end_line, start, end = list(code.co_positions())[frame.f_lasti // 2]
    except (IndexError, ValueError):
        return None
    return _nodes("".join(linecache.getlines(code.co_filename))).get((start_line, start, end_line, end))


@functools.lru_cache(maxsize=64)
def _nodes(text):
    """(line, column, end line, end column) -> the call or operator there, in ``text``
    (generated code, or a helper of the user's it calls)."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return {}
    return {(n.lineno, n.col_offset, n.end_lineno, n.end_col_offset): n for n in ast.walk(tree)
            if isinstance(n, (ast.Call, ast.BinOp, ast.UnaryOp, ast.AugAssign))}


def _prefix_length(code):
    """How many d's the shortest derivative prefix of generated code has: its keyword-only
    parameters are its seeds or tangents (``d_f``; ``dd_x`` where the user's names start
    with ``d_``, naming.derivative_prefix)."""
    keywords = code.co_varnames[code.co_argcount:code.co_argcount + code.co_kwonlyargcount]
    lengths = [len(found.group()) - 1 for found in map(_DERIVATIVE_NAME.match, keywords) if found]
    return min(lengths, default=1)


def _on_derivative(node, prefix_length):
    operands = node.args if isinstance(node, ast.Call) else [node] if isinstance(node, ast.AugAssign) \
        else list(ast.iter_child_nodes(node))
    names = [n.id for operand in operands for n in ast.walk(operand) if isinstance(n, ast.Name)]
    return any(len(found.group()) > prefix_length for found in map(_DERIVATIVE_NAME.match, names) if found)


def _ufunc_name(node):
    """The name NumPy's warning gives the operation ``node`` (``log``, ``divide``)."""
    if isinstance(node, ast.Call):
        func = node.func
        return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
    if isinstance(node, (ast.BinOp, ast.UnaryOp, ast.AugAssign)):
        return _OPERATOR_UFUNCS.get(type(node.op))
    return None
