"""An item of an object's attribute read in an expression before a method changing the
object in place runs (``a.data[0] + a.bumped(0, c)``): on a 1-D array the item is a
number, a copy the call cannot change, which Python has used up before the call, as
the derivative's read of the value before the call does; on a deeper array it is a view
(a row) showing the change. Which, is known only when the code runs: the item goes
through ``element_copy(item, where)`` (runtime.py), which hands a number back and stops
on anything else, naming the user's line and read."""

import gast

from ... import runtime
from ...core import syntax as S


def element_read(node, receiver):
    """Whether ``node`` is ``receiver.attr[k]`` (``receiver`` a name), ``k`` read again
    without effect (names, constants, a tuple of them)."""
    return isinstance(node, gast.Subscript) and isinstance(node.value, gast.Attribute) \
        and isinstance(node.value.value, gast.Name) and node.value.value.id == receiver \
        and _plain_index(node.slice)


def copied_element(normalizer, read, call):
    """``element_copy(read, where)``: the item ``read`` (``a.data[0]``) checked to be a
    number when the code runs, before ``call`` (``a.bumped(0, c)``) changes the object."""
    return normalizer.runtime_call(runtime.element_copy, [S.copy(read), S.const(where(normalizer, read, call))])


def where(normalizer, read, call):
    """The user's line and words for a stop on ``read`` held when ``call`` runs."""
    shown = gast.unparse(read).strip()
    if shown not in (normalizer.source.line_text(call) or ""):      # (buf[0], which a rewrite reads as a.data[0])
        shown = "an item of the array it holds, under another name"
    return (f"{normalizer.source.place(call)}: astgrad cannot differentiate the method call .{call.func.attr}(), "
            f"which changes its object in place, inside an expression that reads {shown} before the call")


def _plain_index(index):
    if isinstance(index, gast.Tuple):
        return all(_plain_index(e) for e in index.elts)
    if isinstance(index, gast.UnaryOp):
        return isinstance(index.op, (gast.USub, gast.UAdd)) and isinstance(index.operand, gast.Constant)
    return isinstance(index, (gast.Name, gast.Constant))
