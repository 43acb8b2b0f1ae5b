"""The words of a refusal on a line using a list of objects moved out of another list
(``ys = layers[:2]``) where normalize/column_moves.py could not follow which object of
``layers`` each item of ``ys`` is: the change the line makes to an object is refused
anyway, and the user is told why in terms of the two lists rather than of a value
changed in place."""

# the refusals that are about an object of such a list being changed
_CHANGES = ("assignment to an attribute",)


def note_unfollowed(source, moved, origin, binding_line, why, use_lines):
    """Remember, for each line in ``use_lines`` (lines of the function's tree), that the
    list ``moved`` bound at ``binding_line`` (of the file) from the list ``origin`` is not followed,
    because of ``why`` (a clause naming what the code does)."""
    for line in use_lines:
        source.moved_list_notes.setdefault(line, (moved, origin, binding_line, why))


def reworded(source, message, lineno, construct):
    """``message``, or the words for a moved list not followed where the refusal at
    ``lineno`` (of the function's tree) is about changing one of its objects."""
    note = source.moved_list_notes.get(lineno)
    if note is None or not (construct in _CHANGES or str(construct).startswith(".")):
        return message
    moved, origin, binding_line, why = note
    return (f"the objects in '{moved}' were moved out of the list '{origin}' (line "
            f"{binding_line}), and {why}, so astgrad cannot follow which object "
            f"of '{origin}' each item of '{moved}' is, and a change made to one through either list would "
            f"be missed by the other; change the objects through '{origin}' itself ({origin}[k].attr = ..., "
            f"{origin}[k].method(...)), or bind '{moved}' once, in the block that binds '{origin}' and after "
            f"it, and there use it only as {moved}[i].attr, {moved}[i].method(...), len({moved}) or a loop "
            f"over {moved} whose body reads the lists only as {moved}[i].attr before it changes its object, "
            f"with no store into '{origin}' at an index")
