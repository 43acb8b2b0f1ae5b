"""Dataclass instances as values of arguments and results: their fields, and an instance
of the same class holding other values (a gradient, a tangent), as JAX treats
registered pytrees. Namedtuples are tuples, and handled as such."""

import copy
import sys


def _imported_dataclasses():
    """``dataclasses`` if the program imported it, else None. A module another thread is
    still importing is in ``sys.modules`` partly made: importing it here waits for that
    import to finish (Python's per-module import lock)."""
    module = sys.modules.get("dataclasses")
    if module is not None and getattr(getattr(module, "__spec__", None), "_initializing", False):
        import dataclasses as module
    return module


def is_dataclass(obj):
    """``dataclasses.is_dataclass(obj)``, without importing ``dataclasses`` at start-up
    (a dataclass exists only once the program imported it)."""
    module = _imported_dataclasses()
    return module is not None and module.is_dataclass(obj)


def is_dataclasses_replace(obj):
    """Whether ``obj`` is ``dataclasses.replace`` (asked without importing ``dataclasses``)."""
    module = _imported_dataclasses()
    return module is not None and obj is module.replace


def is_record(x):
    """A dataclass instance (not the class): what ``dataclasses.is_dataclass`` reads,
    without importing ``dataclasses`` at start-up (an instance of a dataclass means the
    program imported it)."""
    return hasattr(type(x), "__dataclass_fields__") and not isinstance(x, type)


def record_items(x):
    """(field name, value) for each field of a dataclass instance."""
    import dataclasses
    return [(field.name, getattr(x, field.name)) for field in dataclasses.fields(x)]


def rebuild_record(x, values):
    """An instance of ``x``'s class whose fields hold ``values`` (name -> value); made
    without running ``__init__`` or ``__post_init__``, which may check or convert the
    values (a gradient is not always a valid parameter), and also for frozen classes."""
    made = copy.copy(x)
    for name, value in values.items():
        object.__setattr__(made, name, value)
    return made
