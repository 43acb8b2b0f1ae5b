"""Global lists the exported code was generated for that the function itself changes.

Code reading a global list of objects (``REG[-1].data``) is generated for the list's
layout: its length and the class of each item (guards.py). An exported module checks
that layout at each call (exported_checks.py), as the code cannot be made again. Where
the function, or a function it reaches, adds to that list or takes from it (an object
whose ``__init__`` registers itself, ``REG.append(self)``), every call leaves the list
other than the derivative was exported for: the module would refuse each call after the
first. Export refuses it, naming the line changing the list (in process, ``grad`` makes
new code when the list changes)."""

import dis
import inspect

from .frontend.normalize.callee_writes import reached
from .frontend.normalize.outer_writes import _codes
from .guards import LayoutView

# list methods changing the list in place
_CHANGING = frozenset({"append", "extend", "insert", "pop", "remove", "clear", "sort", "reverse"})
_LOADS = frozenset({"LOAD_GLOBAL", "LOAD_DEREF", "LOAD_NAME"})


def changed_list(fn, guards):
    """``(held, (filename, line, text))`` for a global list ``held`` whose layout ``guards``
    check and that ``fn`` or a function it reaches changes in place at that line; or None."""
    lists = {id(view.obj): view.obj for view, _, _ in guards
             if isinstance(view, LayoutView) and isinstance(view.obj, list)}
    if not lists:
        return None
    for function in reached(fn):
        found = _change_of(function, lists)
        if found is not None:
            return found
    return None


def _change_of(function, lists):
    """What ``changed_list`` returns for the code of ``function`` alone: a load of a name,
    then of its attributes (``REG``, ``Logged.all``), then of a changing method of a list
    of ``lists``."""
    cells = dict(zip(function.__code__.co_freevars, function.__closure__ or ()))
    for code in _codes(function.__code__):
        value, spelled, line = None, "", code.co_firstlineno
        for ins in dis.get_instructions(code):
            line = _line(ins, line)
            if ins.opname in _LOADS:
                value, spelled = _loaded(function, cells, ins.argval), ins.argval
            elif ins.opname in ("LOAD_ATTR", "LOAD_METHOD") and value is not None:
                if id(value) in lists and ins.argval in _CHANGING:
                    return value, (code.co_filename, line, f"{spelled}.{ins.argval}")
                value = inspect.getattr_static(value, ins.argval, None)     # runs no code of the user's
                spelled = f"{spelled}.{ins.argval}"
            else:
                value = None
    return None


def _loaded(function, cells, name):
    try:
        if name in cells:
            return cells[name].cell_contents
    except ValueError:          # an empty cell
        return None
    return function.__globals__.get(name)


def _line(ins, line):
    """The source line of ``ins`` (the last one seen where it starts none)."""
    positions = getattr(ins, "positions", None)
    if positions is not None and positions.lineno is not None:
        return positions.lineno
    start = getattr(ins, "starts_line", None)
    return start if isinstance(start, int) and not isinstance(start, bool) else line
