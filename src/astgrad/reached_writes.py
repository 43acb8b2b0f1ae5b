"""Which of the user's functions a function reaches by calling them: those its names
(globals, closure cells, attributes of a module or class it names) stand for now, and
theirs, without running anything.

writes_checked_first.py asks whether one of them writes into an item an object holds
(``S.arr[1] += v`` inside ``g``, reached through ``lambda v: g(v)``, a partial, a helper
or a method): the value code of each then runs first, checking such writes, so that a
refusal comes before anything changed. Which names a function's code reads is kept per
function; what they stand for is read again at each question, so a rebinding is seen."""

import functools
import types
import weakref

_LIBRARIES = ("numpy", "math", "astgrad", "scipy", "builtins", "functools")
_DEPTH = 12         # callees followed this deep (a deeper chain is not checked first)

_callees_of: "weakref.WeakKeyDictionary[types.FunctionType, tuple]" = weakref.WeakKeyDictionary()    # function -> ((its closure cell or None, name), ...)


def reaches(fn, writes):
    """Whether ``fn`` (a plain function) or one of the user's functions it reaches by its
    names has ``writes(function)`` true."""
    return _reaches(fn, writes, set(), 0)


def user_function(value):
    """The user's plain function ``value`` stands for (itself, a partial's function, a
    bound method's function), or None."""
    if isinstance(value, functools.partial):
        value = value.func
    if isinstance(value, types.MethodType):
        value = value.__func__
    if not isinstance(value, types.FunctionType):
        return None
    module = (getattr(value, "__module__", None) or "").split(".")[0]
    if module in _LIBRARIES or value.__code__.co_filename.startswith("<astgrad "):
        return None
    return value


def _reaches(fn, writes, seen, depth):
    if fn in seen or depth > _DEPTH:
        return False
    seen.add(fn)
    return writes(fn) or any(_reaches(callee, writes, seen, depth + 1) for callee in _callees(_reads(fn)))


def _reads(fn):
    """(namespace, name, object) for each name of ``fn``'s code that may stand for a callee
    of the user's, as it reads now."""
    places = _callees_of.get(fn)
    if places is None:
        names = _names(fn.__code__)
        cells = dict(zip(fn.__code__.co_freevars, fn.__closure__ or ()))
        places = _callees_of[fn] = tuple((cells.get(name), name) for name in sorted(names))
    reads = []
    for cell, name in places:
        try:
            value = cell.cell_contents if cell is not None else fn.__globals__.get(name)
        except ValueError:      # an empty cell
            value = None
        reads.append((cell, name, value))
    return tuple(reads)


def _names(code):
    names = set(code.co_names) | set(code.co_freevars)
    for inner in code.co_consts:
        if isinstance(inner, types.CodeType):
            names |= _names(inner)
    return names


def _callees(reads):
    """The user's functions the names read stand for; for a module or class of the
    user's, its functions named by another of the names (``helpers.g``, ``S.method``)."""
    names = {name for _, name, _ in reads}
    for _, _, value in reads:
        found = user_function(value)
        if found is not None:
            yield found
        elif isinstance(value, (types.ModuleType, type)) and not _library(value):
            for name in names:
                found = user_function(_attribute(value, name))
                if found is not None:
                    yield found


def _library(owner):
    return (getattr(owner, "__module__", None) or getattr(owner, "__name__", "")).split(".")[0] in _LIBRARIES


def _attribute(owner, name):
    try:
        return (owner.__dict__ if isinstance(owner, types.ModuleType) else vars(owner)).get(name)
    except TypeError:
        return None
