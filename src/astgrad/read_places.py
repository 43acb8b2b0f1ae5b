"""The globals, closure cells and module attributes a function reads (``K``, ``c`` from an
enclosing function, ``cfg.scale``; the attributes of an object a global or a cell holds,
and the items of a short dict or list a global holds, ``D["k"]``), also in the functions it
reaches, and the attributes of a bound method's object (``self.k``), as vjp found them.

vjp returns ``f``'s value and a pullback that runs ``f``'s derivative code when it is
called. That code reads those names again: rebound in between (``K = 10.0``,
``cfg.scale = 3.0``, a setter's ``nonlocal``, ``obj.k = 10.0``, ``D["k"] = 9.0``), the pullback would differentiate a
function other than the one ``out`` came from, with no error. The pullback runs with the
values vjp found, as JAX's and PyTorch's keep what the forward pass read, and puts the
new ones back after."""

import dis
import functools
import types

from .rebound_places import Snapshot

_GLOBAL_READS = frozenset({"LOAD_GLOBAL", "LOAD_NAME"})
_CELL_READS = frozenset({"LOAD_DEREF", "LOAD_CLASSDEREF", "LOAD_FROM_DICT_OR_DEREF"})
_ATTRIBUTE_READS = frozenset({"LOAD_ATTR", "LOAD_METHOD"})


def read_snapshot(fn, receivers=()):
    """A Snapshot of the places ``fn`` (a plain function) and the functions it reaches
    read, and of the attributes of ``receivers`` (a bound method's object, ``self.k``),
    or None where there are none (or where they cannot be found)."""
    from .frontend.normalize.callee_writes import reached     # (import astgrad loads no normalizer)
    try:
        functions = reached(fn)
    except Exception:       # noqa: BLE001 - what cannot be followed is left as it is
        return None
    places = {}
    for function in functions:
        places.update(_places(function))
    for receiver in receivers:
        attributes = getattr(receiver, "__dict__", None)
        if type(attributes) is dict:
            places.update(((id(attributes), name), (attributes, name)) for name in attributes)
    return Snapshot(list(places.values())) if places else None


def rebound_since(snapshot):
    """``snapshot`` where one of its places holds another object now, else None."""
    if snapshot is None:
        return None
    now = snapshot.taken_again()
    return snapshot if any(a is not b for a, b in zip(snapshot.values, now.values)) else None


def _places(function):
    scope = function.__globals__
    cells = dict(zip(function.__code__.co_freevars, function.__closure__ or ()))
    names, cell_names, attributes = _reads(function.__code__)
    places = {(id(scope), name): (scope, name) for name in names if name in scope}
    places.update(((id(cells[name]), None), (cells[name], None)) for name in cell_names if name in cells)
    for name in names:              # D["k"] = 9.0: the items of a short dict or list a global holds
        held = scope.get(name)
        if type(held) in (dict, list) and len(held) <= _ITEMS_LIMIT:
            places.update(((id(held), key), (held, key)) for key in (held if type(held) is dict else range(len(held))))
    for held_by_cell, holder_name, attribute in attributes:
        holder = _cell_value(cells.get(holder_name)) if held_by_cell else scope.get(holder_name)
        own = _own_attributes(holder)
        if own is not None and attribute in own:
            places[id(own), attribute] = (own, attribute)
    return places


_ITEMS_LIMIT = 32


def _own_attributes(holder):
    """The dict of attributes of a module, or of an object keeping them in a ``__dict__``
    (``cfg.scale`` on a ``types.SimpleNamespace`` or an object of a class of yours); None
    for a class (whose attributes every instance shares) and other values."""
    if isinstance(holder, type):
        return None
    own = getattr(holder, "__dict__", None)
    return own if type(own) is dict else None


def _cell_value(cell):
    try:
        return cell.cell_contents if cell is not None else None
    except ValueError:          # an empty cell
        return None


@functools.lru_cache(maxsize=4096)
def _reads(code):
    """(global names, cell names, (whether a cell holds it, global or cell name, attribute)
    triples) ``code`` and the code nested in it read."""
    from .frontend.normalize.outer_writes import _codes
    names, cell_names, attributes = set(), set(), set()
    for inner in _codes(code):
        previous = None
        for ins in dis.get_instructions(inner):
            if ins.opname in _GLOBAL_READS:
                names.add(ins.argval)
            elif ins.opname in _CELL_READS:
                cell_names.add(ins.argval)
            elif ins.opname in _ATTRIBUTE_READS and previous is not None \
                    and previous.opname in _GLOBAL_READS | _CELL_READS:
                attributes.add((previous.opname in _CELL_READS, previous.argval, ins.argval))
            previous = ins
    return frozenset(names), frozenset(cell_names), frozenset(attributes)
