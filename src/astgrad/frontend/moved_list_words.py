"""The words of a refusal of a statement using a list of objects moved out of another list
(``ys = layers[:2]``) where normalize/column_moves.py could not follow which object of
``layers`` each item of ``ys`` is: the change the statement makes to an object is refused
anyway, and the user is told why in terms of the two lists rather than of a value
changed in place.

The statements using such a list are marked as written_in.py marks the lines of methods
written in: each of their nodes carries, as its ``end_lineno``, a mark past any line of the
function, standing for the note (``copy_location`` carries it on, and the normalizer gives
it to the statements it makes of them, in the blocks it makes too: ``written_in.carry``,
``written_in.inherited``). Only a refusal of a marked node is reworded, not another on the
same line. The words for a list of new and moved objects (normalize/mixed_lists.py), whose
loops are written anew after its statements are looked at, are noted by line instead
(``note_mixed_list``, ``note_copy_store``).
"""

import gast

from ..core import syntax as S

_FIRST_MARK = 20_000_000        # (past the last line of any function's tree, and apart from written_in's)

# the refusals that are about an object of such a list being changed
_CHANGES = ("assignment to an attribute",)


def note_unfollowed(source, moved, origin, binding_line, why, statements, advice=None):
    """Mark ``statements`` (of the function's tree: those using the list ``moved``, bound at
    ``binding_line`` of the file from the list ``origin``, which is not followed because of
    ``why``, a clause naming what the code does; ``advice``: a clause saying what to write
    instead, beside the words for every such list). A statement's own nodes are marked, not
    those of the blocks it holds (of a branch or loop, its header's); a node marked before
    (for another list, or as written in) keeps its mark."""
    note = (moved, origin, binding_line, why, advice)
    mark = next((m for m, known in source.moved_list_notes.items() if known == note), None)
    if mark is None:
        mark = _FIRST_MARK + len(source.moved_list_notes)
        source.moved_list_notes[mark] = note
    for stmt in statements:
        for node in _own_nodes(stmt):
            if getattr(node, "end_lineno", None) not in source.moved_list_notes \
                    and getattr(node, "end_lineno", None) not in source.written_lines:
                node.end_lineno = mark


def _own_nodes(stmt):
    """``stmt`` (a simple statement) or the expressions of its header (a branch, a loop, a
    ``with``...), with the nodes in them but operators and contexts: not the statements of
    its blocks. (Operators and contexts are shared by every tree, core/syntax.py: a mark on
    one would stand in every function differentiated after it.)"""
    if not any(isinstance(v, list) and v and isinstance(v[0], gast.stmt) for _, v in gast.iter_fields(stmt)):
        return S.operand_nodes(stmt)
    headers = [v for _, v in gast.iter_fields(stmt) if isinstance(v, gast.AST)] + \
        [e for _, v in gast.iter_fields(stmt) if isinstance(v, list) for e in v
         if isinstance(e, gast.AST) and not isinstance(e, (gast.stmt, gast.excepthandler))]
    return [n for header in headers for n in S.operand_nodes(header)]


def note_mixed_list(source, name, binding_line, origin, why, advice, lines, stores=(), first=False):
    """Note, for the refusals about changing an object on the file's ``lines`` (and of a
    store into the list on its ``stores`` lines), that the
    list ``name`` (bound at ``binding_line``) holding new objects beside objects of the list
    ``origin`` (normalize/mixed_lists.py) is not followed because of ``why``, and what to
    write instead (``advice``). Noted by line, not by a mark on nodes: the loops over such
    a list are written anew (per item) after its statements are looked at, and the new
    nodes carry no mark. ``first``: these words said rather than those of a mark on the
    refused node (the reason is one line of the code, a store or a loop, which the marks'
    words do not name)."""
    words = (f"'{name}' (line {binding_line}) holds new objects beside objects moved out of the list "
             f"'{origin}', and {why}, so astgrad cannot follow which object each item of '{name}' is; {advice}")
    for line in lines:
        source.moved_list_lines.setdefault((line, "first") if first else line, words)
    for line in stores:
        source.moved_list_lines.setdefault((line, "in-place write"), words)


def note_copy_store(source, name, binding_line, origin, read_line, store_lines, how="read whole"):
    """Note, for the refusals of the stores on ``store_lines`` into the copy ``name`` of the
    list ``origin`` (normalize/mixed_lists.py), that it is read whole at ``read_line``
    (before or after them; ``how``: the words for that read), and what to write instead."""
    for line in store_lines:
        source.moved_list_lines.setdefault((line, "in-place write"), _copy_store_words(
            name, binding_line, origin, read_line, "before" if read_line < line else "after", how))


def _copy_store_words(name, binding_line, origin, read_line, when, how):
    """The words for a store into the copy ``name`` read whole at ``read_line``, ``when``
    ("before" or "after") the store; ``how``: what that line does with it."""
    read_so = (f"astgrad follows such a store where the copy is read, before and after it, only by len({name}), "
               f"{name}[k] at a new object's position and loops over it, which it writes as lists of their own; "
               f"read it so in this function (for t in {name}: s = s + t.attr) rather than handing it to a call")
    if when == "after":
        return (f"a store into '{name}', a copy of the list '{origin}' (line {binding_line}), which is then "
                f"{how} at line {read_line}, after the store, so astgrad cannot follow which object of '{origin}' "
                f"or which new one each item of the list there is: {read_so}")
    return (f"a store into '{name}', a copy of the list '{origin}' (line {binding_line}) read whole at line "
            f"{read_line} before the store otherwise than by len({name}) or a loop over it: {read_so}, or read "
            f"what the call needs through '{origin}' at its positions ({origin}[0].attr): a list of those objects "
            f"handed to a call is not followed there")


def note_appended_twice(source, name, held, append_lines, lines):
    """Note, for the refusals of a method changing the object ``name`` in place on the
    file's ``lines``, that it is appended to the list ``held`` more than once (at
    ``append_lines``): two items of the list are one object there."""
    words = (f"'{name}' is appended to '{held}' more than once (lines {', '.join(map(str, append_lines))}: "
             f"{held}.append({name})), so items of '{held}' are one object, which astgrad cannot follow: it "
             f"holds a list of objects as a list per attribute, where a change through one item would be missed by "
             f"the other; append '{name}' once and read it at that one index, or append a new object each time")
    for line in lines:
        source.moved_list_lines.setdefault((line, "appended twice"), words)


def reworded(source, message, node, construct):
    """``message``, or the words for a moved list not followed where the refusal of
    ``node`` (marked by ``note_unfollowed``, or on a line ``note_mixed_list`` noted) is about
    changing one of its objects, or for an object appended twice (``note_appended_twice``)."""
    if node is not None and str(construct).startswith("in-place change in ") \
            and (source.file_line(node), "appended twice") in source.moved_list_lines:
        return source.moved_list_lines[source.file_line(node), "appended twice"]
    note = _note_of(source, node)
    if construct == "in-place write" and node is not None:        # (a store into a copy: note_copy_store)
        return source.moved_list_lines.get((source.file_line(node), construct), message)
    if not (construct in _CHANGES or str(construct).startswith(".")):
        return message
    if node is not None and (source.file_line(node), "first") in source.moved_list_lines:
        return source.moved_list_lines[source.file_line(node), "first"]
    if note is None:
        return source.moved_list_lines.get(source.file_line(node), message) if node is not None else message
    moved, origin, binding_line, why, advice = note
    return (f"the objects in '{moved}' were moved out of the list '{origin}' (line "
            f"{binding_line}), and {why}, so astgrad cannot follow which object "
            f"of '{origin}' each item of '{moved}' is, and a change made to one through either list would "
            f"be missed by the other; change the objects through '{origin}' itself ({origin}[k].attr = ..., "
            f"{origin}[k].method(...)), or bind '{moved}' once, in the block that binds '{origin}' and after "
            f"it, and there use it only as {moved}[i].attr, {moved}[i].method(...), len({moved}) or a loop "
            f"over {moved} whose body reads the lists only as {moved}[i].attr before it changes its object, "
            f"with no store into '{origin}' at an index" + (f"; {advice}" if advice else ""))


def _note_of(source, node):
    """The note of ``node``'s mark, or of the first marked node in it, not in its blocks (a
    statement the normalizer made around a marked expression: ``y.step(w)`` of a comprehension, run as a
    loop); None where none is marked."""
    notes = source.moved_list_notes
    if not notes or node is None:
        return None
    found = notes.get(getattr(node, "end_lineno", None))
    if found is None and isinstance(node, gast.AST):
        inside = _own_nodes(node) if isinstance(node, gast.stmt) else S.walk_nodes(node)
        found = next((notes[n.end_lineno] for n in inside if getattr(n, "end_lineno", None) in notes), None)
    return found
