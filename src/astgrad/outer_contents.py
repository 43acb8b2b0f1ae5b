"""The contents of the lists, dicts, sets and arrays that globals and closure cells hold,
where a function changes such an object in place (``BOX[0] = 3.0``, ``W.fill(0)``,
``np.copyto(W, v)``, ``np.add(W, 1, out=W)`` in a helper it calls), saved and put back
for the transforms that run its code more than once (outer_state.py): each run must
start from what the first one started from, or a later column of a Jacobian, or vjp's
pullback, would read what an earlier run left there (the derivative of another call).

Which objects a run changes is not known before it runs (a helper may write through any
name), so where any function the code reaches may change something in place, every
container those functions read from a global or a closure cell is saved (only those the
changing functions read, where none of them takes parameters: ``LOG[0] += 1`` in
``tick()`` copies no large array the function only reads). Each is put
back in place (the same object, so every name holding it sees the old contents), and
so are the containers, arrays and objects it holds, at any depth (each once, however many
names hold it). An object of a class of the user's, or a ``types.SimpleNamespace``, is
saved as its attributes (its ``__dict__`` and its ``__slots__``), and a class of the
user's as its own (``Model.calls += 1``); a queue or an in-memory file of the library's
as outer_library_state.py says."""

import collections
import dis
import functools
import types

import numpy

from .core.changing_methods import CHANGING_METHODS, MORE_CHANGING_METHODS
from .frontend.normalize.outer_writes import _codes, _library
from .outer_library_state import Buffer, as_buffer, is_queue

_ABSENT = object()  # a slot not set, to leave unset
# names of methods, functions and keywords that change an object in place: the methods of
# lists, dicts, sets, deques and arrays, and, a code object's names being all there is to
# read here, NumPy's functions writing into an argument, out=, operator methods called by name
_CHANGING = CHANGING_METHODS | MORE_CHANGING_METHODS | frozenset({
    "copyto", "place", "putmask", "put_along_axis", "fill_diagonal",
    "out", "__setitem__", "__delitem__", "__iadd__", "__isub__", "__imul__", "__itruediv__", "setattr",
    "heappush", "heappop", "heapify", "heapreplace", "heappushpop",     # heapq's, on a list
    "put_nowait", "get_nowait", "task_done", "write", "writelines", "truncate", "seek",     # queues, files
})
_STORES = frozenset({"STORE_SUBSCR", "DELETE_SUBSCR", "STORE_SLICE", "STORE_ATTR", "DELETE_ATTR"})


def changed_containers(functions):
    """The containers that ``functions`` (or those of them changing something in place)
    read from globals and closure cells, where one of them may change an object in place;
    [] where none may."""
    changing = [function for function in functions if changes_in_place(function)]
    if not changing:
        return []
    if not any(map(_may_reach_more, changing)):
        functions = changing        # changing only what they read themselves: their globals and cells
    found = {}
    for function in functions:
        for value in _read_by(function):
            found.setdefault(id(value), value)
    return list(found.values())


def changed_defaults(functions):
    """The containers the functions of ``functions`` that may change something in place
    hold as defaults (``def f(x, acc=[])``, ``*, opts={}``): Python keeps them from call
    to call, so a call leaving ``acc`` out changes the default itself."""
    found = {}
    for function in functions:
        if changes_in_place(function):
            for value in (*(function.__defaults__ or ()), *(function.__kwdefaults__ or {}).values()):
                if _savable(value):
                    found.setdefault(id(value), value)
    return list(found.values())


def all_put_back(functions):
    """Whether every object that those of ``functions`` changing something in place read
    from their globals and closure cells is one ``Contents`` puts back (a list, dict, set,
    array or object of a class of the user's) or holds nothing to change (a number, a
    string, a function, a class, a module): then a run of them can be undone."""
    for function in functions:
        if not changes_in_place(function):
            continue
        if _may_reach_more(function) and function.__code__.co_argcount + function.__code__.co_kwonlyargcount:
            return False        # it may change what it is given, which nothing here saves
        cells = dict(zip(function.__code__.co_freevars, function.__closure__ or ()))
        for _, loads in _loads(function.__code__):
            for load in loads:
                value = _loaded(function, cells, load)
                if not (value is None or _savable(value) or _user_object(value) or isinstance(value, _UNCHANGING)
                        or is_queue(value) or as_buffer(value)
                        or isinstance(value, types.ModuleType) and not _library(value.__name__)):
                    return False
    return True


# values a run cannot change in place, or that are code (what a changing function calls)
_UNCHANGING = (int, float, complex, str, bytes, tuple, frozenset, type, types.ModuleType, types.FunctionType,
               types.BuiltinFunctionType, numpy.generic, numpy.ufunc)


def _read_by(function):
    """The containers ``function`` (and the code nested in it) reads from its globals and
    closure cells, also as attributes of a module of the user's it reads."""
    cells = dict(zip(function.__code__.co_freevars, function.__closure__ or ()))
    for code, loads in _loads(function.__code__):
        for load in loads:
            value = _loaded(function, cells, load)
            if isinstance(value, types.ModuleType) and not _library(value.__name__):
                # mymod.W[0] = v: the module's containers the code names
                yield from filter(_savable, (vars(value).get(name) for name in code.co_names))
            if _user_object(value) or _user_class(value) or is_queue(value):
                yield _Attributes(value)    # its attributes (a getter may change them: self.n += 1)
            if as_buffer(value):
                yield as_buffer(value)
            if _savable(value):
                yield value


def changes_in_place(function):
    """Whether ``function`` may change an object in place: by what its code names, or as
    it reads a queue and calls ``get`` (which takes an item; a name dicts' ``get`` shares)."""
    if _may_change_in_place(function.__code__):
        return True
    return any("get" in code.co_names for code in _codes(function.__code__)) \
        and any(is_queue(value) for _, value in loaded_values(function))


def loaded_values(function):
    """(name, value) for each global and closure variable ``function`` (and the code
    nested in it) reads."""
    cells = dict(zip(function.__code__.co_freevars, function.__closure__ or ()))
    return [(load[1], _loaded(function, cells, load)) for _, loads in _loads(function.__code__) for load in loads]


def named_values(function):
    """The values of the globals and closure variables named by ``function`` (and the code
    nested in it): more than it loads (an attribute's name is among them too), found
    without reading its instructions, which ``loaded_values`` decodes one by one (several
    milliseconds for a function of 100 statements)."""
    cells = dict(zip(function.__code__.co_freevars, function.__closure__ or ()))
    found = []
    for code in _codes(function.__code__):
        found.extend(function.__globals__.get(name) for name in code.co_names)
        found.extend(_loaded(function, cells, (False, name)) for name in code.co_freevars + code.co_cellvars)
    return found


def _may_reach_more(function):
    """Whether ``function`` may change what it does not read from its globals and cells
    itself: what it is given (it takes parameters), or what a function it calls returns."""
    code = function.__code__
    return bool(code.co_argcount + code.co_kwonlyargcount + code.co_posonlyargcount) or any(
        isinstance(function.__globals__.get(name), types.FunctionType) for name in code.co_names)


@functools.lru_cache(maxsize=4096)
def _loads(code):
    """((code, its loads), ...) for ``code`` and the code nested in it: each load of a global
    (True, name) or of a closure variable (False, name), read off the instructions once."""
    return tuple((inner, tuple((ins.opname in ("LOAD_GLOBAL", "LOAD_NAME"), ins.argval)
                               for ins in dis.get_instructions(inner)
                               if ins.opname in ("LOAD_GLOBAL", "LOAD_NAME", "LOAD_DEREF", "LOAD_CLASSDEREF")))
                 for inner in _codes(code))


def _loaded(function, cells, load):
    is_global, name = load
    if is_global:
        return function.__globals__.get(name)
    if name in cells:
        try:
            return cells[name].cell_contents
        except ValueError:      # an empty cell
            return None
    return None


@functools.lru_cache(maxsize=4096)
def _may_change_in_place(code):
    """Whether ``code`` (or code nested in it) has a store into an item, an op= (in place
    on an array), or names a method or keyword that changes an object in place."""
    for inner in _codes(code):
        if _CHANGING & set(inner.co_names) or any(isinstance(c, tuple) and "out" in c for c in inner.co_consts):
            return True
        for ins in dis.get_instructions(inner):
            if ins.opname in _STORES or ins.opname.startswith("INPLACE_") \
                    or ins.opname == "BINARY_OP" and ins.argrepr.endswith("="):
                return True
    return False


def _user_object(value):
    """An object of a class of the user's, whose attributes are in its ``__dict__`` or its
    ``__slots__``, or a ``types.SimpleNamespace``."""
    if type(value) is types.SimpleNamespace:
        return True
    return not isinstance(value, (type, types.ModuleType, types.FunctionType)) \
        and not _library(type(value).__module__) \
        and (isinstance(getattr(value, "__dict__", None), dict) or bool(_slot_names(type(value))))


def _user_class(value):
    """A class of the user's, whose attributes a function may change (``Model.calls += 1``)."""
    return isinstance(value, type) and not _library(value.__module__)


@functools.lru_cache(maxsize=1024)
def _slot_names(cls):
    """The names the ``__slots__`` of ``cls`` and its bases declare (not ``__dict__``)."""
    names = []
    for klass in cls.__mro__:
        declared = vars(klass).get("__slots__", ())
        for name in (declared,) if isinstance(declared, str) else declared:
            if name not in ("__dict__", "__weakref__") and name not in names:
                names.append(name)
    return tuple(names)


class _Attributes:
    """The attributes of an object (its ``__dict__`` and its slots), saved and put back as
    a container is: the same object keeps its identity and gets its old attributes."""

    def __init__(self, owner):
        self.owner = owner

    def items(self):
        if isinstance(self.owner, type):
            return [(("class", name), value) for name, value in vars(self.owner).items()]
        own = vars(self.owner) if isinstance(getattr(self.owner, "__dict__", None), dict) else {}
        slots = [(name, _slot_value(self.owner, name)) for name in _slot_names(type(self.owner))]
        return [(("dict", name), value) for name, value in own.items()] + [(("slot", n), v) for n, v in slots]

    def put(self, items):
        if isinstance(self.owner, type):
            _put_class_attributes(self.owner, {name: value for (_, name), value in items})
            return
        if isinstance(getattr(self.owner, "__dict__", None), dict):
            own = vars(self.owner)
            own.clear()
            own.update((name, value) for (kind, name), value in items if kind == "dict")
        for (kind, name), value in items:
            if kind == "slot" and value is _ABSENT:
                if _slot_value(self.owner, name) is not _ABSENT:
                    object.__delattr__(self.owner, name)
            elif kind == "slot":
                object.__setattr__(self.owner, name, value)


def _put_class_attributes(cls, saved):
    """Set back the attributes of ``cls`` that differ from ``saved`` (only those: setting a
    method again would be a change of the class), and delete those added since."""
    for name in [name for name in vars(cls) if name not in saved]:
        delattr(cls, name)
    for name, value in saved.items():
        if vars(cls).get(name, _ABSENT) is not value:
            setattr(cls, name, value)


def _slot_value(owner, name):
    try:
        return object.__getattribute__(owner, name)
    except AttributeError:
        return _ABSENT


def _savable(value):
    return isinstance(value, (list, dict, set, bytearray, collections.deque, _Attributes, Buffer)) \
        or type(value) is numpy.ndarray and value.flags.writeable


class Contents:
    """What some containers hold at one moment, to put back in place."""

    def __init__(self, containers):
        self.containers = containers
        seen = set()
        self.saved = [saved for saved in (_save(c, seen) for c in containers) if saved is not None]

    def restore(self):
        for saved in self.saved:
            _restore(saved)

    def taken_again(self):
        return Contents(self.containers)


def _save(value, seen):
    """(the object, its contents, the saved contents of what it holds) or None for what
    is not saved (a number, a string, an object of a library's class, or one saved already
    in ``seen``: a container held twice, or holding itself)."""
    if (_user_object(value) or is_queue(value)) and not _savable(value):
        value = _Attributes(value)
    value = as_buffer(value) or value
    key = (id(value.owner), type(value).__name__) if isinstance(value, (_Attributes, Buffer)) else (id(value), "")
    if not _savable(value) or key in seen:
        return None
    seen.add(key)
    if isinstance(value, Buffer):
        return value, value.state(), ()
    if isinstance(value, numpy.ndarray):
        return value, value.copy(), ()
    items = list(value.items()) if isinstance(value, (dict, _Attributes)) else list(value)
    held = [_save(v, seen) for v in ([v for _, v in items] if isinstance(value, (dict, _Attributes)) else items)]
    return value, items, [h for h in held if h is not None]


def _restore(saved):
    container, contents, held = saved
    if isinstance(container, numpy.ndarray):
        if container.shape == contents.shape:
            container[...] = contents
        return
    if isinstance(container, (_Attributes, Buffer)):
        container.put(contents)
    elif isinstance(container, (list, bytearray)):
        container[:] = contents
    else:
        container.clear()
        (container.update if isinstance(container, (dict, set)) else container.extend)(
            dict(contents) if isinstance(container, dict) else contents)
    for inner in held:
        _restore(inner)
