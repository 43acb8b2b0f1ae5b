"""The globals and closure cells a function rebinds (``global K; K += 1``, in it or in a
function it reaches), saved and put back, for the transforms that run its code more than
once: vjp runs the function, then its derivative in the pullback; jacobian and hessian
run it once per column. The containers they hold, where a function changes one in
place, are saved too (outer_contents.py). Each run starts from the values the first one started from (a
derivative of the function as calling it now computes), and the transform leaves them as
one call of the function does."""

import dis
import types

from .frontend.normalize.callee_writes import rebinding_error, reached
from .frontend.normalize.outer_writes import _codes
from .outer_contents import Contents, changed_containers

_ABSENT = object()      # a global not defined yet, which the function defines
_WRITES = frozenset({"STORE_GLOBAL", "DELETE_GLOBAL", "STORE_DEREF", "DELETE_DEREF"})


class Snapshot:
    """The values of some globals and closure cells at one moment, and what the containers
    they hold hold then (outer_contents.py), to put back."""

    def __init__(self, places, containers=()):
        self.places = places
        self.values = [_read(place) for place in places]
        self.contents = Contents(containers) if containers else None

    def restore(self):
        for place, value in zip(self.places, self.values):
            _write(place, value)
        if self.contents is not None:
            self.contents.restore()

    def taken_again(self):
        """A snapshot of the same places now."""
        return Snapshot(self.places, self.contents.containers if self.contents is not None else ())


def snapshot(fn, transform):
    """A Snapshot of what ``fn`` (a plain function) may rebind, or None where it rebinds
    nothing. A function writing through ``globals()`` or ``vars()`` (names not known
    before it runs) is refused: the TransformError of callee_writes.py."""
    places, functions = {}, reached(fn)
    for function in functions:
        found = _places(function)
        if found is None:
            raise rebinding_error(fn, transform)
        places.update(found)
    containers = changed_containers(functions)
    return Snapshot(list(places.values()), containers) if places or containers else None


def _places(function):
    """{key: place} for the globals and closure cells ``function`` (and the code nested in
    it) rebinds; None where it may write globals by a name known only when it runs."""
    from .frontend.normalize.callee_writes import writes_by_name
    if writes_by_name(function.__code__):
        return None
    cells = dict(zip(function.__code__.co_freevars, function.__closure__ or ()))
    places = {}
    for code in _codes(function.__code__):
        if _WRITES.isdisjoint(dis.opname[op] for op in code.co_code[0::2]):
            continue
        for ins in dis.get_instructions(code):
            if ins.opname in ("STORE_GLOBAL", "DELETE_GLOBAL"):
                places[id(function.__globals__), ins.argval] = (function.__globals__, ins.argval)
            elif ins.opname in ("STORE_DEREF", "DELETE_DEREF") and ins.argval in cells:
                places[id(cells[ins.argval]), None] = (cells[ins.argval], None)
    return places


def _read(place):
    owner, name = place
    if isinstance(owner, types.CellType):
        try:
            return owner.cell_contents
        except ValueError:
            return _ABSENT
    return owner.get(name, _ABSENT)


def _write(place, value):
    owner, name = place
    if isinstance(owner, types.CellType):
        if value is _ABSENT:
            del owner.cell_contents
        else:
            owner.cell_contents = value
    elif value is _ABSENT:
        owner.pop(name, None)
    else:
        owner[name] = value
