"""The getter of a property that changes the object it is read of (``self.n += 1``, a
lazy cache ``self._w = ...``): the code generator reads such a property putting the
object's attributes back after (source.py), and an attribute it changes read before it is
refused (normalize/changing_properties.py)."""

import dis
import functools
import types

from ..core.methods import static_attribute
from ..core.ops import is_user_function

_STORE_ATTR = frozenset({"STORE_ATTR", "DELETE_ATTR"})


def changing_getter(owner, name):
    """The getter of the property ``name`` of ``owner`` (an object of a class of the
    user's) where it changes attributes of the object it is read of; else None."""
    if isinstance(owner, (type, types.ModuleType)):
        return None
    found = static_attribute(type(owner), name)
    getter = found.fget if isinstance(found, property) else None
    if not isinstance(getter, types.FunctionType) or not is_user_function(getter):
        return None
    return getter if self_attribute_stores(getter.__code__) else None


@functools.lru_cache(maxsize=4096)
def self_attribute_stores(code):
    """The attributes ``code`` stores on (or deletes from) its first parameter."""
    if not code.co_argcount:
        return frozenset()
    receiver, found, previous = code.co_varnames[0], set(), None
    for ins in dis.get_instructions(code):
        if ins.opname in _STORE_ATTR and previous is not None and previous.opname.startswith("LOAD_FAST"):
            held = previous.argval[-1] if isinstance(previous.argval, tuple) else previous.argval
            if held == receiver:
                found.add(ins.argval)
        previous = ins
    return frozenset(found)
