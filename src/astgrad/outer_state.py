"""The globals and closure cells a function rebinds (``global K; K += 1``, in it or in a
function it reaches), saved and put back, for the transforms that run its code more than
once: vjp runs the function, then its derivative in the pullback; jacobian and hessian
run it once per column. The containers they hold, where a function changes one in
place, are saved too (outer_contents.py). Each run starts from the values the first one started from (a
derivative of the function as calling it now computes), and the transform leaves them as
one call of the function does."""

import dis
import functools

from .frontend.normalize import reach_probes
from .frontend.normalize.callee_writes import rebinding_error, reached
from .frontend.normalize.outer_writes import _codes
from .outer_contents import (Contents, all_put_back, changed_containers, changed_defaults, changes_in_place,
                             loaded_values, named_values)
from .outer_library_state import is_iterator, iterator_error, iterator_read
from .rebound_places import Snapshot, find_changes_outside_with

_WRITES = frozenset({"STORE_GLOBAL", "DELETE_GLOBAL", "STORE_DEREF", "DELETE_DEREF"})


def snapshot(fn, transform):
    """A Snapshot of what ``fn`` (a plain function) may rebind, or None where it rebinds
    nothing. A function writing through ``globals()`` or ``vars()`` (names not known
    before it runs) is refused: the TransformError of callee_writes.py; so is one reading
    an iterator (``next(COUNTER)``), whose position cannot be put back."""
    functions = reached(fn)
    places = reach_probes.derived(fn, "rebound places")
    if places is None:
        found = _rebound_places(fn, transform, functions)
        if any(map(changes_in_place, functions)):     # what it changes is found at every call
            # a default list the run appends to too: vjp's pullback starts from it as f found it
            containers = changed_containers(functions) + changed_defaults(functions)
            return Snapshot(list(found.values()), Contents(containers)) if containers or found else None
        # the places depend only on the functions' code and on what their globals and cells
        # hold, which the walk's reads check: kept with the walk (reach_probes.py)
        places = list(found.values())
        reach_probes.keep_derived(fn, "rebound places", places)
    return Snapshot(places) if places else None


def _rebound_places(fn, transform, functions):
    places = {}
    for function in functions:
        found = _places(function)
        if found is None:
            raise rebinding_error(fn, transform)
        _refuse_iterator(fn, transform, function)
        places.update(found)
    return places


def refuse_iterators(fn, transform):
    """Refuse ``transform`` of ``fn`` (a plain function) where a function it reaches reads
    an iterator from a global or closure cell (``next(COUNTER)``): a transform running
    ``fn`` (or code derived from it) twice would advance it twice, and its position cannot
    be put back. Called before anything runs."""
    for function in reached(fn):
        _refuse_iterator(fn, transform, function)


def first_iterator(fn):
    """(function, name, value, line) for the first iterator a function ``fn`` reaches reads from
    a global or closure cell; else None."""
    for function in reached(fn):
        found = iterator_read(function, _loads_if_iterator(function))
        if found is not None:
            return (function, *found)
    return None


def _refuse_iterator(fn, transform, function):
    error = iterator_error(fn, transform, function, _loads_if_iterator(function))
    if error is not None:
        raise error


def _loads_if_iterator(function):
    """``loaded_values(function)`` where a global or closure variable it names holds an
    iterator; else none (then it loads none), without decoding its instructions."""
    return loaded_values(function) if any(map(is_iterator, named_values(function))) else ()


def _places(function):
    """{key: place} for the globals and closure cells ``function`` (and the code nested in
    it) rebinds; None where it may write globals by a name known only when it runs."""
    written = _written(function.__code__)
    if written is None:
        return None
    global_names, cell_names = written
    cells = dict(zip(function.__code__.co_freevars, function.__closure__ or ()))
    places = {(id(function.__globals__), name): (function.__globals__, name) for name in global_names}
    places.update(((id(cells[name]), None), (cells[name], None)) for name in cell_names if name in cells)
    return places


@functools.lru_cache(maxsize=4096)
def _written(code):
    """(global names, closure variable names) ``code`` and the code nested in it rebind,
    read off its instructions once; None where it may write globals by a name known only
    when it runs."""
    from .frontend.normalize.callee_writes import writes_by_name
    if writes_by_name(code):
        return None
    global_names, cell_names = [], []
    for inner in _codes(code):
        if _WRITES.isdisjoint(dis.opname[op] for op in inner.co_code[0::2]):
            continue
        for ins in dis.get_instructions(inner):
            if ins.opname in ("STORE_GLOBAL", "DELETE_GLOBAL"):
                global_names.append(ins.argval)
            elif ins.opname in ("STORE_DEREF", "DELETE_DEREF"):
                cell_names.append(ins.argval)
    return tuple(dict.fromkeys(global_names)), tuple(dict.fromkeys(cell_names))


def _replayed_functions(fn):
    """The user functions generated code ``fn`` reaches, where one changes a container a
    global holds and all such can be put back (rebound_places.replayed_functions); else []."""
    functions = reached(fn)
    return functions if changed_containers(functions) and all_put_back(functions) else []


find_changes_outside_with(_replayed_functions, lambda functions: Contents(changed_containers(functions)))
