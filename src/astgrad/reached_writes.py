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

from .function_cache import FunctionCache

_LIBRARIES = ("numpy", "math", "astgrad", "scipy", "builtins", "functools")
_DEPTH = 12         # callees followed this deep (a deeper chain is not checked first)

# function -> {"places": ((its closure cell or None, name), ...), "found": (the writes asked
# about, ((cell, name, namespace, what it stood for), ...) read, the answer)}: kept on the
# function itself (function_cache.py), as what it read holds its module's globals, and so
# the function (a weak dictionary's value would keep its key, and its module, alive)
_known = FunctionCache("__astgrad_writes_reached__")


def reaches(fn, writes):
    """Whether ``fn`` (a plain function) or one of the user's functions it reaches by its
    names has ``writes(function)`` true. Kept with what each name read stood for: asked
    again, the names are read again and the walk made again only where one changed."""
    known = _known.get(fn, {}).get("found")
    if known is not None and known[0] is writes and all(_value(cell, name, space) is value
                                                         for cell, name, space, value in known[1]):
        return known[2]
    read = []
    found = _reaches(fn, writes, set(), 0, read)
    _known.setdefault(fn, {})["found"] = (writes, tuple(read), found)
    return found


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


def _reaches(fn, writes, seen, depth, read):
    if fn in seen or depth > _DEPTH:
        return False
    seen.add(fn)
    return writes(fn) or any(_reaches(callee, writes, seen, depth + 1, read) for callee in _callees(fn, read))


def _value(cell, name, space):
    if cell is None:
        return space.get(name)
    try:
        return cell.cell_contents
    except ValueError:      # an empty cell
        return None


def _places(fn):
    """(its closure cell or None, name) for each name of ``fn``'s code that may stand
    for a callee of the user's."""
    entries = _known.setdefault(fn, {})
    places = entries.get("places")
    if places is None:
        names = _names(fn.__code__)
        cells = dict(zip(fn.__code__.co_freevars, fn.__closure__ or ()))
        places = entries["places"] = tuple((cells.get(name), name) for name in sorted(names))
    return places


def _names(code):
    names = set(code.co_names) | set(code.co_freevars)
    for inner in code.co_consts:
        if isinstance(inner, types.CodeType):
            names |= _names(inner)
    return names


def _callees(fn, read):
    """The user's functions the names of ``fn`` stand for now; for a module or class of
    the user's, its functions named by another of the names (``helpers.g``,
    ``S.method``). Each name read is added to ``read``, with what it stood for."""
    places = _places(fn)
    names = [name for _, name in places]
    for cell, name in places:
        value = _value(cell, name, fn.__globals__)
        read.append((cell, name, fn.__globals__, value))
        found = user_function(value)
        if found is not None:
            yield found
        elif isinstance(value, (types.ModuleType, type)) and not _library(value):
            space = _namespace(value)
            for attribute in names:
                inner = space.get(attribute) if space is not None else None
                read.append((None, attribute, space, inner))
                found = user_function(inner)
                if found is not None:
                    yield found


def _namespace(owner):
    try:
        return owner.__dict__ if isinstance(owner, types.ModuleType) else vars(owner)
    except TypeError:
        return None


def _library(owner):
    return (getattr(owner, "__module__", None) or getattr(owner, "__name__", "")).split(".")[0] in _LIBRARIES
