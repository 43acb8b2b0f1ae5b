"""One walk of a function body for what the shape analysis asks of its assignments.

``shapes.ShapeClasses`` needs, of the body it is given: the values assigned to each name,
in the order the code has them (its definitions), the names each assignment's and
expression's value reads, and which values are surely used as numbers (a list there would
raise). Each was a walk of the body of its own; :func:`index` finds all of them in one
walk of the statements, in source order, and keeps that order's list of statements for a
later look at them (``list_stacks.stack_pops``) that would walk the body again.
"""

import gast

from ..core import anno
from ..core import syntax as S
from ..core import walk
from ..core.anno import Key
from .loop_trips import runs_at_least_once


class DefUse:
    """What :func:`index` found of a body.

    definitions: name -> the values assigned to it (None for a value that is not an
        expression: a tuple's item, a write into it, a loop's target), in order; restores
        and placeholders left out;
    proven: the ids of assigned values that cannot be lists or tuples whenever the code
        finishes (see :func:`index`);
    value_names: id(value) -> the names the value of each assignment and expression
        statement reads;
    values: those values (their ids stay theirs while this is held);
    statements: every statement of the body, nested ones included, in source order (as
        ``walk.walk_statements`` gives them).
    """

    __slots__ = ("definitions", "proven", "value_names", "values", "statements")

    def __init__(self, definitions, proven, value_names, values, statements):
        self.definitions, self.proven, self.value_names = definitions, proven, value_names
        self.values, self.statements = values, statements


def index(body, names_and_uses, uses=None):
    """The :class:`DefUse` of ``body``, from one walk of its statements.

    A value is proven a number where it is followed, in its own block and before any
    exit, by a use that raises on a list (``t - 1``, ``-t``, ``math.sin(t)``,
    ``t * 0.5``), or by a loop over a constant range that is not empty whose body starts
    with such a use. ``names_and_uses(value)`` is (the names ``value`` reads, those it
    uses where a list would raise); ``uses``: id(value) -> that, where already found."""
    definitions, proven, value_names, values, statements = {}, set(), {}, [], []
    known = (uses or {}).get

    def found_uses(value):
        found = known(id(value))
        return names_and_uses(value) if found is None else found

    assign_type, expr_type, name_type = gast.Assign, gast.Expr, gast.Name
    marked, slot, define, note = _restores_or_placeholder, anno.SLOT, definitions.setdefault, statements.append
    # per block being walked: [its statements' iterator, name -> the value assigned to it
    # last in the block, while no statement that may exit came after]
    walking = [[iter(body), {}]]
    while walking:
        frame = walking[-1]
        for stmt in frame[0]:
            note(stmt)
            kind = stmt.__class__
            skipped = slot in stmt.__dict__ and marked(stmt)    # (a statement without annotations is neither)
            if kind is assign_type or kind is expr_type:
                value = stmt.value
                names, used = known(id(value)) or names_and_uses(value)
                value_names[id(value)] = names
                values.append(value)
                pending = frame[1]
                if pending:
                    for name in used:
                        if name in pending:
                            proven.add(id(pending.pop(name)))
                if kind is assign_type:
                    target = stmt.targets[0]
                    if target.__class__ is name_type:
                        pending[target.id] = value
                        if not skipped:
                            define(target.id, []).append(value)
                    elif not skipped:
                        _define_unknown(target, define)
                continue
            _block_statement(stmt, frame[1], skipped, (proven, define, found_uses))
            frame[1] = {}   # what follows may not run (an assignment or expression holds no exit)
            inner = walk.inner_blocks(stmt)
            if inner:
                walking.extend([iter(block), {}] for block in reversed(inner))
                break
        else:
            walking.pop()
    return DefUse(definitions, proven, value_names, values, statements)


def _define_unknown(target, define):
    """The names a tuple target or a write into an item (``a, b = ...``, ``t[0] = ...``)
    assigns, each given an unknown value (None)."""
    for name in S.stored_names(target):
        define(name, []).append(None)
    if isinstance(target, gast.Subscript):
        define(target.value.id, []).append(None)


def _block_statement(stmt, pending, skipped, found):
    """A statement other than an assignment or expression, after the values ``pending``
    in its block: those a loop that surely runs uses first as numbers proven, and a for
    loop's target (not a range loop's, nor a restore's) defined as unknown. ``found``:
    (proven, definitions' setdefault, found_uses)."""
    proven, define, found_uses = found
    if pending and runs_at_least_once(stmt):
        loop_names = S.stored_names(stmt.target)
        proven.update(id(pending[name]) for name in _first_numeric_uses(stmt.body, found_uses)
                      if name in pending and name not in loop_names)
    if stmt.__class__ is gast.For and not skipped and not anno.get(stmt, Key.RANGE_LOOP, False):
        for name in S.stored_names(stmt.target):
            define(name, []).append(None)


def _first_numeric_uses(block, names_and_uses):
    """The names the assignments and expressions at the start of ``block`` use where a
    list raises (``names_and_uses``) before assigning them: the names' values on entry."""
    found, assigned = set(), set()
    for stmt in block:
        if not isinstance(stmt, (gast.Assign, gast.Expr)):
            break
        found.update(name for name in names_and_uses(stmt.value)[1] if name not in assigned)
        assigned.update(S.stored_names(stmt.targets[0]) if isinstance(stmt, gast.Assign) else ())
    return found


def _restores_or_placeholder(stmt):
    marks = anno.annotations(stmt)
    return marks.get(Key.RESTORE_ID) is not None or bool(marks.get(Key.ITEM_POP)) \
        or marks.get(Key.INIT_NONE, False) or marks.get(Key.SAVE_ID) is not None
