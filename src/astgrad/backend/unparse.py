"""Source text of a generated function's body, written straight from its gast tree.

``ast.unparse`` needs a stdlib tree (a converted copy of every node) and writes through
a visitor with a context manager per bracket; both were most of emitting a long
function. :func:`body_lines` writes the statements and expressions generated code is
made of with the very text ``ast.unparse`` gives them (its precedence rules, its
parentheses, its number and string literals, as on this Python version), and raises
:class:`Unsupported` for anything else, so the caller can unparse the whole function
the stdlib's way instead. The test compares the two on many trees.
"""

import math
import sys

import gast

from ..core import anno
from ..core.anno import Key


class Unsupported(Exception):
    """A node this writer does not know: unparse the function with ``ast.unparse``."""


# ast._Unparser's precedence levels, in its order (only the comparisons matter)
TUPLE, YIELD, TEST, OR, AND, NOT, CMP, EXPR, BXOR, BAND, SHIFT, ARITH, TERM, FACTOR, POWER, AWAIT, ATOM = range(1, 18)
BOR = EXPR

_BINOPS = {gast.Add: ("+", ARITH), gast.Sub: ("-", ARITH), gast.Mult: ("*", TERM), gast.MatMult: ("@", TERM),
           gast.Div: ("/", TERM), gast.Mod: ("%", TERM), gast.LShift: ("<<", SHIFT), gast.RShift: (">>", SHIFT),
           gast.BitOr: ("|", BOR), gast.BitXor: ("^", BXOR), gast.BitAnd: ("&", BAND),
           gast.FloorDiv: ("//", TERM), gast.Pow: ("**", POWER)}
_UNARY = {gast.Invert: "~", gast.UAdd: "+", gast.USub: "-"}
_COMPARE = {gast.Eq: "==", gast.NotEq: "!=", gast.Lt: "<", gast.LtE: "<=", gast.Gt: ">", gast.GtE: ">=",
            gast.Is: "is", gast.IsNot: "is not", gast.In: "in", gast.NotIn: "not in"}
_INFSTR = "1e" + repr(sys.float_info.max_10_exp + 1)
# before 3.11, ast.unparse put every tuple in parentheses, and a subscript's tuple
# with a starred element too
_OLD_TUPLES = sys.version_info < (3, 11)


def _next(precedence):
    return precedence if precedence == ATOM else precedence + 1


def _items(nodes):
    """``ast._Unparser.items_view``: one item keeps a trailing comma."""
    if len(nodes) == 1:
        return expr(nodes[0], TEST) + ","
    return ", ".join([expr(node, TEST) for node in nodes])


def _constant_text(value):
    if isinstance(value, (float, complex)):
        return repr(value).replace("inf", _INFSTR).replace("nan", f"({_INFSTR}-{_INFSTR})")
    return repr(value)


def is_negative_number(value):
    """Whether ``value`` is an int or float with its sign bit set (-0.0 too): Python
    reads such a literal as a minus applied to its magnitude."""
    return type(value) in (int, float) and (value < 0 or value == 0 and math.copysign(1.0, value) < 0)


def _constant(node, precedence):
    value = node.value
    if is_negative_number(value):       # as the minus Python parses: (-2.0) ** x, not -(2.0 ** x)
        text = "-" + _constant_text(-value)
        return "(" + text + ")" if precedence > FACTOR else text
    if isinstance(value, tuple):
        if len(value) == 1:
            return "(" + _constant_text(value[0]) + ",)"
        return "(" + ", ".join([_constant_text(item) for item in value]) + ")"
    if value is ...:
        return "..."
    return ("u" if getattr(node, "kind", None) == "u" else "") + _constant_text(value)


def _name(node, precedence):
    return node.id


def _binop(node, precedence):
    symbol, own = _BINOPS[type(node.op)]
    if symbol == "**":
        left, right = _next(own), own
    else:
        left, right = own, _next(own)
    text = expr(node.left, left) + " " + symbol + " " + expr(node.right, right)
    return "(" + text + ")" if precedence > own else text


def _unaryop(node, precedence):
    if type(node.op) is gast.Not:
        text, own = "not " + expr(node.operand, NOT), NOT
    else:
        text, own = _UNARY[type(node.op)] + expr(node.operand, FACTOR), FACTOR
    return "(" + text + ")" if precedence > own else text


def _compare(node, precedence):
    parts = [expr(node.left, CMP + 1)]
    for op, right in zip(node.ops, node.comparators):
        parts.append(" " + _COMPARE[type(op)] + " " + expr(right, CMP + 1))
    text = "".join(parts)
    return "(" + text + ")" if precedence > CMP else text


def _boolop(node, precedence):
    word, own = (" and ", AND) if type(node.op) is gast.And else (" or ", OR)
    parts, level = [], own
    for value in node.values:
        level = _next(level)
        parts.append(expr(value, level))
    text = word.join(parts)
    return "(" + text + ")" if precedence > own else text


def _ifexp(node, precedence):
    text = expr(node.body, OR) + " if " + expr(node.test, OR) + " else " + expr(node.orelse, TEST)
    return "(" + text + ")" if precedence > TEST else text


def _attribute(node, precedence):
    value = node.value
    space = " " if isinstance(value, gast.Constant) and isinstance(value.value, int) \
        and not is_negative_number(value.value) else ""
    return expr(value, ATOM) + space + "." + node.attr


def _call(node, precedence):
    parts = [expr(arg, TEST) for arg in node.args]
    for keyword in node.keywords:
        prefix = "**" if keyword.arg is None else keyword.arg + "="
        parts.append(prefix + expr(keyword.value, TEST))
    return expr(node.func, ATOM) + "(" + ", ".join(parts) + ")"


def _subscript(node, precedence):
    index = node.slice
    if type(index) is gast.Tuple and index.elts \
            and not (_OLD_TUPLES and any(type(elt) is gast.Starred for elt in index.elts)):
        inner = _items(index.elts)
    else:
        inner = expr(index, TEST)
    return expr(node.value, ATOM) + "[" + inner + "]"


def _slice(node, precedence):
    text = (expr(node.lower, TEST) if node.lower else "") + ":" + (expr(node.upper, TEST) if node.upper else "")
    return text + ":" + expr(node.step, TEST) if node.step else text


def _starred(node, precedence):
    return "*" + expr(node.value, EXPR)


def _tuple(node, precedence):
    inner = _items(node.elts)
    return "(" + inner + ")" if _OLD_TUPLES or not node.elts or precedence > TUPLE else inner


def _list(node, precedence):
    return "[" + ", ".join([expr(elt, TEST) for elt in node.elts]) + "]"


def _dict(node, precedence):
    parts = [("**" + expr(value, EXPR)) if key is None else expr(key, TEST) + ": " + expr(value, TEST)
             for key, value in zip(node.keys, node.values)]
    return "{" + ", ".join(parts) + "}"


def _set(node, precedence):
    if not node.elts:
        return "{*()}"
    return "{" + ", ".join([expr(elt, TEST) for elt in node.elts]) + "}"


_EXPRESSIONS = {gast.Name: _name, gast.Constant: _constant, gast.BinOp: _binop, gast.UnaryOp: _unaryop,
                gast.Compare: _compare, gast.BoolOp: _boolop, gast.IfExp: _ifexp, gast.Attribute: _attribute,
                gast.Call: _call, gast.Subscript: _subscript, gast.Slice: _slice, gast.Starred: _starred,
                gast.Tuple: _tuple, gast.List: _list, gast.Dict: _dict, gast.Set: _set}


def expr(node, precedence):
    """The text of expression ``node`` where the context needs ``precedence``."""
    writer = _EXPRESSIONS.get(type(node))
    if writer is None:
        raise Unsupported(type(node).__name__)
    return writer(node, precedence)


class Lines(list):
    """The lines written, and where each statement starts: ``starts`` holds
    ``(line number, indent)`` per statement, in the order of the text (as the
    statements of the text parsed back, each followed by those nested in it)."""

    def __init__(self, lines=()):
        super().__init__(lines)
        self.starts = []


def _start(lines, indent):
    if isinstance(lines, Lines):
        lines.starts.append((len(lines) + 1, indent))


def body_lines(block, indent, lines):
    """Append the lines of the statements of ``block`` at ``indent`` (a number of levels)."""
    for stmt in block:
        writer = _STATEMENTS.get(type(stmt))
        if writer is None:
            raise Unsupported(type(stmt).__name__)
        _start(lines, indent)
        writer(stmt, "    " * indent, indent, lines)


def _assign(stmt, pad, indent, lines):
    if stmt.type_comment is not None:
        raise Unsupported("type comment")
    targets = "".join([expr(target, TUPLE) + " = " for target in stmt.targets])
    lines.append(pad + targets + expr(stmt.value, TEST))


def _augassign(stmt, pad, indent, lines):
    lines.append(pad + expr(stmt.target, TEST) + " " + _BINOPS[type(stmt.op)][0] + "= " + expr(stmt.value, TEST))


def _expr_stmt(stmt, pad, indent, lines):
    lines.append(pad + expr(stmt.value, YIELD))


def _return(stmt, pad, indent, lines):
    lines.append(pad + "return" + (" " + expr(stmt.value, TEST) if stmt.value else ""))


def _word(text):
    def write(stmt, pad, indent, lines):
        lines.append(pad + text)
    return write


def _delete(stmt, pad, indent, lines):
    lines.append(pad + "del " + ", ".join([expr(target, TEST) for target in stmt.targets]))


def _raise(stmt, pad, indent, lines):
    if not stmt.exc:
        if stmt.cause:
            raise Unsupported("raise from without an exception")
        lines.append(pad + "raise")
        return
    cause = " from " + expr(stmt.cause, TEST) if stmt.cause else ""
    lines.append(pad + "raise " + expr(stmt.exc, TEST) + cause)


def _assert(stmt, pad, indent, lines):
    lines.append(pad + "assert " + expr(stmt.test, TEST) + (", " + expr(stmt.msg, TEST) if stmt.msg else ""))


def _else(block, pad, indent, lines):
    if block:
        lines.append(pad + "else:")
        body_lines(block, indent + 1, lines)


def _if(stmt, pad, indent, lines):
    if anno.get(stmt, Key.CATCHES, False):      # the core form of a try (frontend/normalize/trying.py)
        lines.append(pad + "try:")
        body_lines(stmt.body, indent + 1, lines)
        lines.append(pad + "except " + expr(stmt.test, TEST) + ":")
        body_lines(stmt.orelse or [gast.Pass()], indent + 1, lines)
        return
    lines.append(pad + "if " + expr(stmt.test, TEST) + ":")
    body_lines(stmt.body, indent + 1, lines)
    while stmt.orelse and len(stmt.orelse) == 1 and type(stmt.orelse[0]) is gast.If \
            and not anno.get(stmt.orelse[0], Key.CATCHES, False):     # elif, as ast.unparse
        stmt = stmt.orelse[0]
        _start(lines, indent + 1)               # parsed back: an if nested in the else
        lines.append(pad + "elif " + expr(stmt.test, TEST) + ":")
        body_lines(stmt.body, indent + 1, lines)
    _else(stmt.orelse, pad, indent, lines)


def _for(stmt, pad, indent, lines):
    if stmt.type_comment is not None:
        raise Unsupported("type comment")
    lines.append(pad + "for " + expr(stmt.target, TEST if _OLD_TUPLES else TUPLE) + " in "
                 + expr(stmt.iter, TEST) + ":")
    body_lines(stmt.body, indent + 1, lines)
    _else(stmt.orelse, pad, indent, lines)


def _while(stmt, pad, indent, lines):
    lines.append(pad + "while " + expr(stmt.test, TEST) + ":")
    body_lines(stmt.body, indent + 1, lines)
    _else(stmt.orelse, pad, indent, lines)


def _names(word):
    def write(stmt, pad, indent, lines):
        lines.append(pad + word + ", ".join(stmt.names))
    return write


_STATEMENTS = {gast.Assign: _assign, gast.AugAssign: _augassign, gast.Expr: _expr_stmt, gast.Return: _return,
               gast.Pass: _word("pass"), gast.Break: _word("break"), gast.Continue: _word("continue"),
               gast.Delete: _delete, gast.Raise: _raise, gast.Assert: _assert, gast.If: _if, gast.For: _for,
               gast.While: _while, gast.Global: _names("global "), gast.Nonlocal: _names("nonlocal ")}
