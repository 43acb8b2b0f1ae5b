"""Where the code astgrad writes into a function came from, so that a refusal names what
the user wrote.

The normalizer writes methods and helpers into the function (``net.step(w)`` replaced by
the body of ``Net.step``: normalize/argument_methods.spliced) and names what the user
spelled otherwise (``net.layers`` read as a local ``net_layers``, ``d["a"]`` split into
``d_a``). The written-in nodes stand at the caller's line, which the later stages keep;
each also carries, as its ``end_lineno``, a mark past any line of the function, standing
for the method's own file, line and text (``end_lineno`` is what ``copy_location``
carries along with the line, and no stage reads it of the normalizer's trees). An error
at such a node names the method's line, and the call that wrote it in; a name astgrad
made up is spelled as the expression it stands for."""

import ast
import re
from typing import NamedTuple

import gast

from ..core import syntax as S

_FIRST_MARK = 10_000_000        # (past the last line of any function's tree)


class WrittenLine(NamedTuple):
    """A line of ``function`` (its qualified name) at ``filename:line`` (``text``), written
    in where the function differentiated calls it at ``called_at``: (file, line, text)."""
    function: str
    filename: str
    line: int
    text: str
    called_at: tuple

    def where_called(self):
        filename, line, text = self.called_at
        return f"{filename}:{line}" + (f": {text.strip()}" if text else "")


def mark(source, method_source, node, call):
    """The mark (an ``end_lineno``) for ``node``, a node of the tree of ``method_source``
    at its own line, written into ``source``'s function where ``call`` (a node of it, at
    the caller's line, maybe written in itself) calls it; None where ``node`` has no line."""
    own = getattr(node, "lineno", None)
    if own is None or method_source is None:
        return None
    outer = written_line(source, call)
    called_at = (outer.filename, outer.line, outer.text) if outer is not None \
        else (source.filename, source.file_line(call), source.line_text(call))
    written = WrittenLine(method_source.fn.__qualname__, method_source.filename, method_source.file_line(node),
                          method_source.line_text(node) or "", called_at)
    marks = source.written_marks
    if written not in marks:
        marks[written] = _FIRST_MARK + len(marks)
        source.written_lines[marks[written]] = written
    return marks[written]


def written_line(source, node):
    """The WrittenLine ``node`` stands for, or None where it is the function's own."""
    return source.written_lines.get(getattr(node, "end_lineno", None)) if source.written_lines else None


def name_made(source, made, spelled):
    """Note that astgrad named ``spelled`` (the user's expression: ``net.layers``,
    ``d["a"]``) ``made``; a name made from a made name is spelled in full."""
    source.made_names[made] = spelled_names(source, spelled)


def spelled_names(source, text):
    """``text`` (a message) with each name astgrad made up spelled as what it stands for."""
    if not source.made_names:
        return text
    return _made_pattern(source).sub(lambda found: source.made_names[found.group(0)], text)


def _made_pattern(source):
    names = sorted(source.made_names, key=len, reverse=True)
    return re.compile(r"(?<![\w.])(?:" + "|".join(map(re.escape, names)) + r")\b")


def in_method(written, message):
    """``message`` refused at ``written``, saying where the method runs from."""
    return f"{message} (in {written.function}, which runs where the function calls it, at {written.where_called()})"


def text_of(node):
    """The expression ``node`` as Python text (``Net()``)."""
    return ast.unparse(gast.gast_to_ast(S.copy(node))).strip()


def carry(source, stmt, written):
    """Mark ``stmt``, made while lowering a statement marked ``written`` (here, or as using
    a moved list not followed: moved_list_words.py), with that mark where it has none of its own."""
    if not source.written_lines and not source.moved_list_notes:
        return      # the commonest: no method written in, no moved list (the normalizer emits thousands)
    marks = (source.written_lines, source.moved_list_notes)
    if any(written in m for m in marks) and not any(getattr(stmt, "end_lineno", None) in m for m in marks):
        stmt.end_lineno = written


def inherited(source, stmt, around):
    """The mark the normalizer lowers ``stmt`` under, in a block it lowers while lowering a
    statement marked ``around``: ``stmt``'s own; or, where it has none, ``around`` if that
    marks a use of a moved list not followed (a block astgrad made of that statement:
    ``sum([y.step(w) for y in ys])`` run as a loop)."""
    own = getattr(stmt, "end_lineno", None)
    if not source.moved_list_notes:
        return own
    marked = own in source.written_lines or own in source.moved_list_notes
    return around if around in source.moved_list_notes and not marked else own
