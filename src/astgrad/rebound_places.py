"""Places (a module global, a closure cell) that code rebinds, their values taken at one
moment and put back; and the places generated code rebinds (its ``store_global`` and
``store_nonlocal`` calls: the user's ``global K; K = K + 1``).

A derivative runs a function's code a second time where it calls generated code it does
not inline: reverse mode calls a gradient made outside for its value in the forward
sweep, then that gradient's own derivative in the reverse sweep, which runs the user's
code again; ``run_derivative`` runs the zero-safe twin after code whose result has a
NaN. The second run would start from what the first left (``K = K + 1`` adding 1 twice,
the derivative reading the new K). So the code around it takes the values before the
first run (``outer_values``), sets them back for the second (``replay_from``) and puts
back after it what the first left (``put_back``): the variables end as one run leaves
them, and the second run computes with the values the first one read.
"""

import ast
import linecache
import sys
import types
import weakref

from .core.functions import StandIn, underlying
from .core.syntax import walk_nodes

_ABSENT = object()      # a global not defined yet, which the function defines
_STORES = frozenset({"store_global", "store_nonlocal"})
_places = weakref.WeakKeyDictionary()       # generated code -> the places it rebinds
_replayed = weakref.WeakKeyDictionary()     # generated code -> the user functions it reaches, changing containers


class Snapshot:
    """The values of some places ((module dict, name), (cell, None), (list, index)) at one moment, and,
    where given, what some containers hold then (an outer_contents.Contents), to put back."""

    def __init__(self, places, contents=None):
        self.places = places
        self.values = [_read(place) for place in places]
        self.contents = contents

    def restore(self):
        for place, value in zip(self.places, self.values):
            _write(place, value)
        if self.contents is not None:
            self.contents.restore()

    def taken_again(self):
        """A snapshot of the same places (and containers) now."""
        return Snapshot(self.places, self.contents.taken_again() if self.contents is not None else None)


def written_places(fn):
    """The places that ``fn`` (generated code, or a transform running it) rebinds, itself
    or through the generated code its closure holds (a gradient it calls); [] for any
    other function."""
    fn = underlying(fn) if isinstance(fn, StandIn) else fn     # a gradient: its code, made as calling it makes it
    if not _generated(fn):
        return []
    found = _places.get(fn)
    if found is None:
        places = {}
        _collect(fn, places, set())
        found = _places[fn] = list(places.values())
    return found


def is_generated(fn):
    """Whether ``fn`` is code astgrad generated (a derivative), or a transform running it
    (a gradient made with ``astgrad.grad``): a call of it runs the user's code again."""
    return _generated(underlying(fn) if isinstance(fn, StandIn) else fn)


def _generated(fn):
    """Generated code, or a copy of it made for a receiver's class (core/methods.py)."""
    return isinstance(fn, types.FunctionType) and (getattr(fn, "__astgrad_generated__", False)
                                                   or fn.__code__.co_filename.startswith("<astgrad "))


def _source(fn):
    text = getattr(fn, "source", None)
    return text if isinstance(text, str) else "".join(linecache.getlines(fn.__code__.co_filename)) or None


def _collect(fn, places, seen):
    """Add to ``places`` ({key: place}) those ``fn`` and the generated code it holds rebind."""
    if id(fn) in seen:
        return
    seen.add(id(fn))
    cells = dict(zip(fn.__code__.co_freevars, fn.__closure__ or ()))
    held = {name: _read((cell, None)) for name, cell in cells.items()}
    stores = {name: value.__name__ for name, value in held.items() if getattr(value, "__name__", None) in _STORES
              and getattr(value, "__module__", None) == "astgrad.runtime"}
    text = _source(fn) if stores else None
    for call in walk_nodes(ast.parse(text)) if text else ():
        if isinstance(call, ast.Call) and isinstance(call.func, ast.Name) and call.func.id in stores \
                and call.args and isinstance(call.args[0], ast.Constant):
            name = call.args[0].value
            if stores[call.func.id] == "store_global":
                places[id(fn.__globals__), name] = (fn.__globals__, name)
            elif name in cells:
                places[id(cells[name]), None] = (cells[name], None)
    for value in held.values():     # a gradient made outside it calls: its derivative is held too
        if _generated(value):
            _collect(value, places, seen)


def outer_values(fn):
    """A Snapshot of the places ``fn``'s code rebinds, and of the containers it changes
    in place (replayed_functions), taken right before a run of it that a derivative will
    run again."""
    functions = replayed_functions(fn)
    return Snapshot(written_places(fn), _changed_outside.contents(functions) if functions else None)


def replayed_functions(fn):
    """The user functions a run of generated code ``fn`` (or a transform running it)
    reaches, where one of them changes in place an object a global or a closure cell
    holds (``LOG.append(0.0)``, ``CFG.calls += 1`` on an object of a class of yours) and
    every such object is one a Snapshot puts back (outer_state.py finds them); [] for
    any other function (generated code changing nothing, or what cannot be put back)."""
    fn = underlying(fn) if isinstance(fn, StandIn) else fn
    if not _generated(fn):
        return []
    found = _replayed.get(fn)
    if found is None:
        found = _replayed[fn] = _changed_outside.functions(fn)
    return found


class _ChangedOutside:
    """How to find what generated code changes outside and to save it: given by
    outer_state.py (which reads the user's code, on a floor above this module)."""

    @staticmethod
    def functions(fn):
        return []

    @staticmethod
    def contents(functions):
        return None


_changed_outside = _ChangedOutside()


def find_changes_outside_with(functions, contents):
    """Use ``functions(fn)`` and ``contents(functions)`` for replayed_functions and
    outer_values (outer_state.py, when astgrad is imported)."""
    _changed_outside.functions, _changed_outside.contents = functions, contents


def globals_now(*names):
    """A Snapshot of the module globals ``names`` of the generated code calling this (a
    checkpointed loop rebinding them, whose replay rebinds them again), for ``put_back``."""
    scope = sys._getframe(1).f_globals
    return Snapshot([(scope, name) for name in names])


def replay_from(before):
    """Set the places back to ``before`` (from ``outer_values``) for a second run of the
    code; returns a Snapshot of what they hold now, for ``put_back`` after that run."""
    now = before.taken_again()
    before.restore()
    return now


def put_back(now):
    """Set the places to the values of ``now`` (from ``replay_from``)."""
    now.restore()


def _read(place):
    owner, name = place
    if isinstance(owner, types.CellType):
        try:
            return owner.cell_contents
        except ValueError:
            return _ABSENT
    if type(owner) is list:         # an item of a list (read_places.py)
        return owner[name] if name < len(owner) else _ABSENT
    return owner.get(name, _ABSENT)


def _write(place, value):
    owner, name = place
    if isinstance(owner, types.CellType):
        if value is _ABSENT:
            del owner.cell_contents
        else:
            owner.cell_contents = value
    elif type(owner) is list:       # put back where the list still has the item
        if value is not _ABSENT and name < len(owner):
            owner[name] = value
    elif value is _ABSENT:
        owner.pop(name, None)
    else:
        owner[name] = value
