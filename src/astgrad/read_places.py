"""The globals, closure cells and module attributes a function reads (``K``, ``c`` from an
enclosing function, ``cfg.scale``), also in the functions it reaches, and the attributes
of a bound method's object (``self.k``), as vjp found them.

vjp returns ``f``'s value and a pullback that runs ``f``'s derivative code when it is
called. That code reads those names again: rebound in between (``K = 10.0``,
``cfg.scale = 3.0``, a setter's ``nonlocal``, ``obj.k = 10.0``), the pullback would differentiate a
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
    or None where there are none."""
    from .frontend.normalize.callee_writes import reached     # (import astgrad loads no normalizer)
    # no snapshot where reached() cannot follow a value would let the pullback read names
    # rebound since, unseen: its TypeError (an object whose own code raised) goes to the caller
    places = {}
    for function in reached(fn):
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
    for module_name, attribute in attributes:
        module = scope.get(module_name)
        if isinstance(module, types.ModuleType) and attribute in vars(module):
            places[id(vars(module)), attribute] = (vars(module), attribute)
    return places


@functools.lru_cache(maxsize=4096)
def _reads(code):
    """(global names, cell names, (global, attribute) pairs) ``code`` and the code nested
    in it read."""
    from .frontend.normalize.outer_writes import _codes
    names, cell_names, attributes = set(), set(), set()
    for inner in _codes(code):
        previous = None
        for ins in dis.get_instructions(inner):
            if ins.opname in _GLOBAL_READS:
                names.add(ins.argval)
            elif ins.opname in _CELL_READS:
                cell_names.add(ins.argval)
            elif ins.opname in _ATTRIBUTE_READS and previous is not None and previous.opname in _GLOBAL_READS:
                attributes.add((previous.argval, ins.argval))
            previous = ins
    return frozenset(names), frozenset(cell_names), frozenset(attributes)
