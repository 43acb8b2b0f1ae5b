"""Whether a mapping's ``get``, ``items``, ``values`` or ``keys`` reads what ``key in m``
and ``m[key]`` read.

Generated code lowers ``m.get(k, default)`` to ``m[k] if k in m else default``, and a
loop over ``m.items()`` to reads of ``m[k]`` over ``m.keys()``, where it cannot see
``m``'s class (an exported module, an item of an argument). That is Python's meaning for
a dict and for the mappings of the standard library and NumPy, but not for a class
defining its own ``get`` (a dict subclass scaling what it hands back), nor for a dict
subclass overriding ``__getitem__``, which ``dict.get`` does not call."""

import types

# modules whose mapping classes keep their methods in agreement with m[key]
_LIBRARIES = frozenset({"builtins", "collections", "_collections_abc", "types", "os", "numpy", "weakref"})


def _owner(cls, name):
    return next((k for k in cls.__mro__ if name in vars(k)), None)


def _of_a_library(owner):
    return owner is None or owner.__module__.partition(".")[0] in _LIBRARIES


def disagreeing_method(mapping, method):
    """``Class.name`` of the method of ``mapping``'s class, ``method`` or an item read it
    relies on, that its class defines its own way, or None where the lowered reads agree."""
    cls = type(mapping)
    owner = _owner(cls, method)
    if not _of_a_library(owner):
        return f"{owner.__qualname__}.{method}"
    needed = ["keys"] if method in ("items", "values") else []
    if owner is not None and not isinstance(vars(owner)[method], types.FunctionType):
        needed += ["__getitem__", "__contains__"]       # a C method reads the storage itself
    for name in needed:
        owner = _owner(cls, name)
        if not _of_a_library(owner):
            return f"{owner.__qualname__}.{name}"
    return None
