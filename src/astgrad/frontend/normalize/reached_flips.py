"""The helper that changes in place a global list, tuple or dict of functions the code
follows (``FS.reverse()`` in ``flip()``, ``D["act"] = g``, ``mod.FS.pop(0)``), found among
the functions the code reaches (callee_writes.reached): the code is made with the
functions the container holds when it is made, so a call after the change would run
another function than the code's, a wrong value and derivative with no error. The read
is refused instead (function_literals.py).

A helper is looked at only where its code reads the container (a global or closure
variable holding that very object) or names the attribute holding it (``H.fns``,
``mod.FS``); its source then says whether it changes it (the check used for the
function's own code: a write, a changing method, handing it to a function that may)."""

import builtins
import types

import gast

from ...core.ops import is_user_function
from ...errors import TransformError
from ..source import parse_function
from .callee_writes import reached
from .objects import changed_in_place as attributes_changed
from .outer_writes import _codes, _library


def changer_of(fn, container, name, changed_in_place):
    """The function reached from ``fn`` whose code may change ``container`` (held by a
    global or attribute called ``name``) in place; None where none may. ``fn``'s own reads
    by name are checked at the read; ``changed_in_place(tree, name, callee_def)`` is that
    check (function_literals.py), asked of each helper's code."""
    for function in _reached_with_modules(fn):
        holding = [] if function is fn else _names_holding(function, container)
        named = any(name in code.co_names for code in _codes(function.__code__))
        if (holding or named) and _changes(function, holding, name, changed_in_place):
            return function
    return None


def changed_container_error(source, held, changer, node):
    """The TransformError refusing the read ``node`` of the global ``held`` (``FS``,
    ``H.fns``) that the function itself (``changer`` None) or ``changer`` changes in place."""
    if changer is None:
        who, instead = "this function", "leave the list as it is and"
    else:
        code = changer.__code__
        who = f"{changer.__qualname__} ({code.co_filename}:{code.co_firstlineno}), which this function reaches,"
        instead = f"have {changer.__qualname__} build a new list (or dict) instead and pass that to the function,"
    return source.error(
        f"astgrad follows the global {held} as the functions it holds when the code is made, but {who} changes "
        f"{held} in place (a write, a method such as reverse or append), so a call of one of its items could run "
        f"another function than the code's; {instead} choose the function by its position or key "
        f"({held}[-1](x)), or pass the functions as an argument", node, construct=f"global {held} changed in place")


def _reached_with_modules(fn):
    """``reached(fn)``, and what the functions it names in modules of the user's reach
    (``other.flip()``)."""
    found, todo = {}, [fn]
    while todo:
        for function in reached(todo.pop()):
            if id(function) in found:
                continue
            found[id(function)] = function
            names = {n for code in _codes(function.__code__) for n in code.co_names}
            for module in {id(m): m for m in map(function.__globals__.get, names)
                           if isinstance(m, types.ModuleType) and not _library(m.__name__)}.values():
                todo.extend(v for n in sorted(names) for v in [vars(module).get(n)]
                            if isinstance(v, types.FunctionType) and id(v) not in found)
    return list(found.values())


def _names_holding(function, container):
    """The global and closure names ``function`` (or code nested in it) reads that hold ``container``."""
    cells = dict(zip(function.__code__.co_freevars, function.__closure__ or ()))
    found = set()
    for code in _codes(function.__code__):
        for name in code.co_names:
            if function.__globals__.get(name) is container:
                found.add(name)
        for name in code.co_freevars:
            try:
                if name in cells and cells[name].cell_contents is container:
                    found.add(name)
            except ValueError:      # an empty cell
                pass
    return sorted(found)


def _changes(function, holding, name, changed_in_place):
    """Whether ``function``'s source changes the container it reads as ``holding`` (names)
    or as the attribute ``name``; True where its source cannot be read."""
    try:
        tree = parse_function(function).tree
    except (TransformError, TypeError, OSError):
        return True
    return name in attributes_changed(tree) \
        or any(changed_in_place(tree, held, lambda call: _callee_def(function, call)) for held in holding)


def _callee_def(function, call):
    """The def ``call`` (in ``function``'s code) runs where it names a user function by a
    global or dotted name, "library" for another function it names, None when unknown."""
    path, node = [], call.func
    while isinstance(node, gast.Attribute):
        path.insert(0, node.attr)
        node = node.value
    if not isinstance(node, gast.Name):
        return None
    value = function.__globals__.get(node.id, getattr(builtins, node.id, None))
    for part in path:
        try:
            value = getattr(value, part, None)
        except Exception:       # noqa: BLE001 - a property raising: not known
            return None
    if value is None:
        return None
    if isinstance(value, types.FunctionType) and is_user_function(value):
        try:
            return parse_function(value).tree
        except (TransformError, OSError):
            return None
    return None if is_user_function(value) else "library"
