"""Which ``for`` loops certainly run their body at least once.

After such a loop its target holds an item of the iterable, never what it held before
the loop; a loop that may not run leaves it as it was.
"""

import gast

from ..core import anno
from ..core import walk
from ..core.anno import Key


def runs_at_least_once(loop, previous=None):
    """Whether the for loop ``loop`` makes at least one pass: over ``range`` of int
    constants that is not empty, or (given ``previous``, the statement just before it)
    over a list or tuple display of at least one item bound there, as the core form
    writes ``for v in [a, b]`` (``seq = [a, b]``, then ``for k, v in enumerate(seq)``)."""
    if not isinstance(loop, gast.For):
        return False
    return _nonempty_range(loop.iter) or _nonempty_display(loop.iter, previous)


def loops_running_at_least_once(body):
    """The ids of the for loops in ``body`` (nested ones too) that ``runs_at_least_once``."""
    found = set()
    for block in walk.walk_blocks(body):
        for previous, stmt in zip([None] + block[:-1], block):
            if runs_at_least_once(stmt, previous):
                found.add(id(stmt))
    return found


def _nonempty_range(iterable):
    if not (isinstance(iterable, gast.Call) and anno.get(iterable, Key.TARGET) is range
            and not iterable.keywords and 1 <= len(iterable.args) <= 3):
        return False
    bounds = [arg.value for arg in iterable.args if isinstance(arg, gast.Constant)]
    return len(bounds) == len(iterable.args) and all(type(b) is int for b in bounds) \
        and not (len(bounds) == 3 and bounds[2] == 0) and len(range(*bounds)) > 0


def _nonempty_display(iterable, previous):
    """``seq`` or ``enumerate(seq)`` where ``previous`` is ``seq = [a, ...]`` (no ``*``)."""
    if isinstance(iterable, gast.Call) and anno.get(iterable, Key.TARGET) is enumerate \
            and len(iterable.args) == 1 and not iterable.keywords:
        iterable = iterable.args[0]
    if not (isinstance(iterable, gast.Name) and isinstance(previous, gast.Assign)
            and len(previous.targets) == 1 and isinstance(previous.targets[0], gast.Name)
            and previous.targets[0].id == iterable.id):
        return False
    display = previous.value
    return isinstance(display, (gast.List, gast.Tuple)) and bool(display.elts) \
        and not any(isinstance(item, gast.Starred) for item in display.elts)
