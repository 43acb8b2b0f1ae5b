"""Writes into a row of a list made by repeating one list: ``grid = [[0.0] * 2] * 2``,
then ``grid[0][0] = x`` (or ``grid[i][j] op= v``).

``[row] * n`` holds the very same list ``row`` n times, so Python's write into one row
changes every row: they are one list under n indices. astgrad's derivative of a write
into a row follows that row alone, so such a write is refused where the code is
generated, naming the line, with the comprehension that makes separate rows. Only what
the source shows is refused: ``grid`` bound once, by ``[<list or dict>] * k`` (or
``k * [...]``) with ``k`` certainly an int, so each row is certainly one list or dict
(a repeated array, ``[x * w] * 2``, whose kind the code may not show, is checked where
the write runs, runtime.writes_through)."""

import ast

import gast

from ...core import syntax as S
from .scopes import binding_counts

__all__ = ["refuse_writes_into_repeated_rows"]

_ROWS = (gast.List, gast.ListComp, gast.Dict, gast.DictComp)


def refuse_writes_into_repeated_rows(normalizer, tree, nodes):
    """Raise the TransformError for the first ``name[i][j] = v`` or ``name[i][j] op= v``
    among ``nodes`` (of the function ``tree``) whose ``name`` holds one list or dict
    repeated (module doc)."""
    repeated = _repeated_rows(normalizer, tree, nodes)
    if not repeated:
        return
    for node in nodes:
        target = node.targets[0] if type(node) is gast.Assign and len(node.targets) == 1 \
            else node.target if type(node) is gast.AugAssign else None
        if type(target) is not gast.Subscript or type(target.value) is not gast.Subscript:
            continue
        holder = target.value.value
        if type(holder) is gast.Name and holder.id in repeated:
            made = repeated[holder.id]
            raise normalizer._refuse(
                f"a write into a row of '{holder.id}', a list holding one row {made.count} times", node,
                f"'{holder.id} = {made.text}' repeats one {made.kind} object, so Python's write changes every "
                f"row (they are one {made.kind} under each index), which astgrad does not follow. Build rows of "
                f"their own where each should change alone: {holder.id} = [{made.row} for _ in range({made.count})]")


class _Repetition:
    __slots__ = ("text", "row", "count", "kind")

    def __init__(self, value, row, count):
        self.text, self.row, self.count = _text(value), _text(row), _text(count)
        self.kind = "dict" if isinstance(row, (gast.Dict, gast.DictComp)) else "list"


def _repeated_rows(normalizer, tree, nodes):
    """The names bound once, to ``[row] * k`` or ``k * [row]``, and never given a row of
    their own (``name[i] = ...``, after which the rows differ): name -> _Repetition."""
    found = {}
    for node in nodes:
        if type(node) is not gast.Assign or len(node.targets) != 1 or type(node.targets[0]) is not gast.Name:
            continue
        value = node.value
        if type(value) is not gast.BinOp or type(value.op) is not gast.Mult:
            continue
        for rows, count in ((value.left, value.right), (value.right, value.left)):
            if type(rows) is gast.List and len(rows.elts) == 1 and _certainly_row(rows.elts[0], normalizer) \
                    and normalizer.is_int(count):
                found[node.targets[0].id] = _Repetition(value, rows.elts[0], count)
    if found:
        counts = binding_counts(tree.body)
        found = {name: made for name, made in found.items() if counts[name] == 1}
    for node in nodes if found else ():
        target = node.targets[0] if type(node) is gast.Assign and len(node.targets) == 1 else None
        if type(target) is gast.Subscript and type(target.value) is gast.Name:
            found.pop(target.value.id, None)
    return found


def _certainly_row(node, normalizer):
    """Whether ``node`` certainly makes a list or a dict (a display, a comprehension,
    ``[0.0] * 2``)."""
    if isinstance(node, _ROWS):
        return True
    return type(node) is gast.BinOp and type(node.op) is gast.Mult and any(
        type(side) is gast.List and normalizer.is_int(other)
        for side, other in ((node.left, node.right), (node.right, node.left)))


def _text(node):
    return ast.unparse(gast.gast_to_ast(S.copy(node))).strip()
