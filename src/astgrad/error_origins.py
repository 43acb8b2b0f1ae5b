"""Where a NumPy floating-point error raised while derivative code runs comes from: an
operation of the user's (at which of the user's lines, named as NumPy names it) or the
derivative's own arithmetic.

The operation is read off the instruction that called NumPy (Python 3.11's positions).
In generated code it is the derivative's where it reads a derivative's name (``d_x``;
``dd_x`` where the user's names start with ``d_``), and where no operation of the user's
line it comes from is it: ``x ** -2.0`` in the derivative of ``x ** -1.0``, ``np.log(x)``
in that of ``x ** y``. A primal operation the optimizer merged into a later statement is
found on the line of the user's function it was written on. Operations in astgrad's
own helpers are the derivative's; those in the user's own functions, the user's.
"""

import ast
import builtins
import functools
import linecache
import os
import re

import numpy

from .core.generated_text import origin

_ASTGRAD_DIRECTORY = os.path.dirname(os.path.abspath(__file__))
_NUMPY_DIRECTORY = os.path.dirname(os.path.abspath(numpy.__file__))
_DERIVATIVE_NAME = re.compile(r"d+_")
_OPERATIONS = (ast.Call, ast.BinOp, ast.UnaryOp, ast.AugAssign)
_OPERATOR_UFUNCS = {ast.Add: "add", ast.Sub: "subtract", ast.Mult: "multiply", ast.Div: "divide",
                    ast.FloorDiv: "floor_divide", ast.Mod: "remainder", ast.Pow: "power", ast.MatMult: "matmul",
                    ast.USub: "negative"}
_ANY = object()         # an operand that is no number written in the code
_MISSING = object()


def users_place(frame):
    """(file name, line, NumPy's name of the operation, the globals of the code that ran
    it) of the user's operation whose floating-point error NumPy reports in ``frame``;
    None where the operation is the derivative's own."""
    inner = frame
    while frame is not None and frame.f_code.co_filename.startswith(_NUMPY_DIRECTORY):
        frame = frame.f_back            # numpy.sum's Python code: the call of it
    if frame is None or frame.f_code.co_filename.startswith(_ASTGRAD_DIRECTORY):
        return None                     # a helper of the derivative's (unbroadcast, a rule's function)
    filename, line = frame.f_code.co_filename, frame.f_lineno
    found = _operation_at(frame)
    node = found and found[0]
    generated = origin(filename, line)
    if generated is not None:       # generated code: the user's line it was made from
        filename, line = generated
        line = _users_line(found, _prefix_length(frame.f_code), filename, line)
        if line is None:
            return None
    named = node if inner is frame else (_operation_at(inner) or (None,))[0]
    return filename, line, numpy_name(named, inner), frame.f_globals


def operation_line(frame, filename, line):
    """The line of the user's ``filename`` holding the operation the generated code's
    ``frame`` ran (``line``: that of its statement, or an earlier one the optimizer merged
    it from); ``line`` where the operation is the derivative's own arithmetic."""
    found = _users_line(_operation_at(frame), _prefix_length(frame.f_code), filename, line)
    return line if found is None else found


def _operation_at(frame):
    """(the call or operator whose instruction ``frame`` runs, the names its statement
    assigns), or None."""
    code = frame.f_code
    try:
        start_line, end_line, start, end = list(code.co_positions())[frame.f_lasti // 2]
    except (IndexError, ValueError):
        return None
    return _nodes("".join(linecache.getlines(code.co_filename))).get((start_line, start, end_line, end))


@functools.lru_cache(maxsize=64)
def _nodes(text):
    """(line, column, end line, end column) -> (the call or operator there, the names
    its statement assigns), in ``text`` (generated code, a helper of the user's it
    calls, or NumPy's own Python code)."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return {}
    found = {}
    for stmt in ast.walk(tree):
        if isinstance(stmt, ast.stmt):
            targets = tuple(n.id for target in _targets(stmt) for n in ast.walk(target) if isinstance(n, ast.Name))
            for node in _own_operations(stmt):
                found[node.lineno, node.col_offset, node.end_lineno, node.end_col_offset] = node, targets
    return found


def _targets(stmt):
    if isinstance(stmt, ast.Assign):
        return stmt.targets
    return [stmt.target] if isinstance(stmt, (ast.AugAssign, ast.AnnAssign)) else []


def _own_operations(stmt):
    """The calls and operators of ``stmt`` outside the statements nested in it."""
    pending = [stmt]
    while pending:
        node = pending.pop()
        if isinstance(node, _OPERATIONS):
            yield node
        pending.extend(child for child in ast.iter_child_nodes(node) if not isinstance(child, ast.stmt))


def _prefix_length(code):
    """How many d's the shortest derivative prefix of generated code has: its keyword-only
    parameters are its seeds or tangents (``d_f``; ``dd_x`` where the user's names start
    with ``d_``, naming.derivative_prefix)."""
    keywords = code.co_varnames[code.co_argcount:code.co_argcount + code.co_kwonlyargcount]
    lengths = [len(found.group()) - 1 for found in map(_DERIVATIVE_NAME.match, keywords) if found]
    return min(lengths, default=1)


def _is_derivative_name(name, prefix_length):
    found = _DERIVATIVE_NAME.match(name)
    return found is not None and len(found.group()) > prefix_length


def _users_line(found, prefix_length, filename, line):
    """The line of the user's code (in ``filename``, ``line`` that of the generated
    statement) the operation ``found`` (from ``_operation_at``) was written on, or None
    where it is the derivative's own. A primal statement's operation may be one the
    optimizer merged into it from an earlier line of the function."""
    if found is None:
        return line                     # not known: shown, as NumPy would
    node, targets = found
    operands = node.args if isinstance(node, ast.Call) else [node] if isinstance(node, ast.AugAssign) \
        else list(ast.iter_child_nodes(node))
    if any(_is_derivative_name(n.id, prefix_length)
           for operand in operands for n in ast.walk(operand) if isinstance(n, ast.Name)):
        return None
    written = _users_operations("".join(linecache.getlines(filename)))
    if written is None:
        return line
    operations, functions = written
    signature = _signature(node)
    if any(_same(signature, other) for other in operations.get(line, ())):
        return line
    if any(_is_derivative_name(name, prefix_length) for name in targets):
        return None                     # the derivative's statement: its own arithmetic
    start = max((first for first, last in functions if first <= line <= last), default=line)
    return next((earlier for earlier in range(line - 1, start - 1, -1)
                 if any(_same(signature, other) for other in operations.get(earlier, ()))), None)


@functools.lru_cache(maxsize=16)
def _users_operations(text):
    """({line: the signatures of the operations of the statement starting there},
    [(first line, last line) of each function]) of the user's source ``text``, or None."""
    try:
        tree = ast.parse(text)
    except (SyntaxError, ValueError):
        return None
    operations, functions = {}, []
    for stmt in ast.walk(tree):
        if isinstance(stmt, (ast.FunctionDef, ast.AsyncFunctionDef)):
            functions.append((stmt.lineno, stmt.end_lineno))
        if isinstance(stmt, ast.stmt):
            for node in _own_operations(stmt):
                for line in {stmt.lineno, node.lineno}:
                    operations.setdefault(line, []).append(_signature(node))
    return operations, functions


def _signature(node):
    """What identifies an operation across the user's code and the code generated from
    it: the name called, or the operator and its operands written as numbers."""
    if isinstance(node, ast.Call):
        return "call", _called_name(node.func)
    if isinstance(node, ast.UnaryOp):
        return type(node.op), (_number(node.operand),)
    if isinstance(node, ast.AugAssign):
        return type(node.op), (_ANY, _number(node.value))
    return type(node.op), (_number(node.left), _number(node.right))


def _called_name(func):
    """The name a call's ``func`` is written with (``log`` in ``np.log(x)``), or None."""
    return func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)


def _number(expr):
    if isinstance(expr, ast.UnaryOp) and isinstance(expr.op, ast.USub) and isinstance(expr.operand, ast.Constant):
        value = expr.operand.value
        return -value if isinstance(value, (int, float)) else _ANY
    return expr.value if isinstance(expr, ast.Constant) and isinstance(expr.value, (int, float)) else _ANY


def _same(signature, other):
    """Whether two signatures are one operation (an operand not written as a number on
    one side matches any)."""
    if signature[0] != other[0]:
        return False
    if signature[0] == "call":
        return signature[1] == other[1]
    return len(signature[1]) == len(other[1]) and all(
        a is _ANY or b is _ANY or a == b for a, b in zip(signature[1], other[1]))


def numpy_name(node, frame):
    """The name NumPy's message gives the operation ``node`` run in ``frame``: the ufunc's
    or function's own (``divide`` for numpy.true_divide, ``reduce`` for a ufunc's
    method), and for an operator on NumPy scalars "scalar" before it, as NumPy's scalar
    arithmetic says (``scalar divide``)."""
    if isinstance(node, ast.Call):
        name = getattr(_value(node.func, frame), "__name__", None)
        return name if isinstance(name, str) else _called_name(node.func)
    if not isinstance(node, (ast.BinOp, ast.UnaryOp, ast.AugAssign)):
        return None
    name = _OPERATOR_UFUNCS.get(type(node.op))
    operands = [node.target, node.value] if isinstance(node, ast.AugAssign) \
        else [node.operand] if isinstance(node, ast.UnaryOp) else [node.left, node.right]
    kinds = [_kind(operand, frame) for operand in operands]
    scalar = None not in kinds and "scalar" in kinds and "array" not in kinds and "array0" not in kinds
    return f"scalar {name}" if name and scalar else name


def _value(expr, frame):
    """The value of a name or a chain of attributes ``expr`` in ``frame``, or None."""
    if isinstance(expr, ast.Attribute):
        owner = _value(expr.value, frame)
        try:
            return None if owner is None else getattr(owner, expr.attr, None)
        except Exception:       # a property that raises: no name read from it
            return None
    if not isinstance(expr, ast.Name):
        return None
    for scope in (frame.f_locals, frame.f_globals, vars(builtins)):
        found = scope.get(expr.id, _MISSING)
        if found is not _MISSING:
            return found
    return None


def _kind(expr, frame):
    """What NumPy's arithmetic sees in the operand ``expr``: "array" (an array of one or
    more dimensions), "array0" (of none), "scalar" (a NumPy scalar), "python" (a Python
    number), or None where that is not known without running code."""
    if isinstance(expr, ast.Constant):
        value = expr.value
    elif isinstance(expr, ast.Name):
        value = _value(expr, frame)
    elif isinstance(expr, (ast.BinOp, ast.UnaryOp)):
        return _result_kind([_kind(part, frame) for part in ast.iter_child_nodes(expr) if isinstance(part, ast.expr)])
    elif isinstance(expr, ast.Call):
        return _call_kind(expr, frame)
    else:
        return None
    if isinstance(value, numpy.ndarray):
        return "array" if value.ndim else "array0"
    if isinstance(value, numpy.generic):
        return "scalar"
    return "python" if isinstance(value, (bool, int, float, complex)) else None


def _call_kind(call, frame):
    """``_kind`` of a call: a ufunc's result, or the NumPy scalar a whole reduction gives
    (``a.sum()``, ``numpy.sum(a)``, no axis); None for any other call."""
    if call.keywords:
        return None
    func = call.func
    if isinstance(func, ast.Attribute) and func.attr in _WHOLE_REDUCTIONS:
        if not call.args and not (isinstance(func.value, ast.Name) and _value(func.value, frame) is numpy):
            return "scalar"             # a method of an array: a.sum()
        if len(call.args) == 1 and _value(func, frame) is getattr(numpy, func.attr, None):
            return "scalar"             # numpy.sum(a)
    if isinstance(_value(func, frame), numpy.ufunc):
        return _result_kind([_kind(arg, frame) for arg in call.args])
    return None


_WHOLE_REDUCTIONS = {"sum", "prod", "mean", "max", "min", "std", "var"}


def _result_kind(kinds):
    """The kind of what an operation on operands of ``kinds`` gives: an array where one
    has dimensions, a NumPy scalar where one is NumPy's (a ufunc gives a 0-d array's
    result as a scalar)."""
    if None in kinds:
        return None
    if "array" in kinds:
        return "array"
    return "scalar" if "scalar" in kinds or "array0" in kinds else "python"
