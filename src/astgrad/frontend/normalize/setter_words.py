"""The refusal of ``s.v = value`` where ``v`` is a property with a setter, in its own words.

A setter is the user's code run by an assignment; astgrad does not follow it (the
attribute write is refused). The generic words ("assignment to an attribute; assign to a
local name") do not say why or what works; these name the setter and the attributes its
code stores, which the function may assign itself, or build the object anew.
"""

import dis
import inspect

import gast

from ...core import methods as M
from .. import object_layouts as L


def refuse_property_setter(normalizer, target):
    """Raise the refusal of ``target`` (``owner.attr = ...``) where ``owner``'s class is
    known (an object the function builds, or an argument's) and ``attr`` is a property with
    a setter; else nothing (the generic refusal follows)."""
    if not (isinstance(target, gast.Attribute) and isinstance(target.value, gast.Name)):
        return
    owner, attr = target.value.id, target.attr
    cls = _class_of(normalizer, owner)
    held = M.static_attribute(cls, attr) if cls is not None else None
    if not isinstance(held, property) or held.fset is None:
        return
    stored = _stored_attributes(held.fset)
    where = _place(held.fset)
    instead = (f"assign what the setter stores yourself, as its code{where} computes it "
               f"({', '.join(f'{owner}.{name} = ...' for name in stored)}), or " if stored else "")
    raise normalizer._refuse(
        f"assignment to an attribute through a property setter: {owner}.{attr} is a property of {cls.__name__} "
        "with a setter, whose code astgrad does not follow", target,
        f"{instead}build the object anew with the new value ({owner} = {cls.__name__}(...))")


def _class_of(normalizer, name):
    owned = normalizer.__dict__.get("_owned_objects", {}).get(name)
    if owned is None and normalizer.bound_count.get(name, 0) == 1:
        owned = normalizer._owned_class(name)         # an object the function builds (built_objects.py)
    if owned is not None:
        return owned
    layout = normalizer.named_layouts().get(name)     # an argument's object
    return layout[1] if layout is not None and layout[0] == L.OBJECT else None


def _stored_attributes(setter):
    """The attributes of its object the setter's own code stores (``self._v = ...``)."""
    code = getattr(setter, "__code__", None)
    if code is None or not code.co_varnames:
        return []
    this = code.co_varnames[0]
    found, previous = [], None      # the name the instruction before loaded
    for ins in dis.get_instructions(code):
        if ins.opname == "STORE_ATTR" and previous == this and ins.argval not in found:
            found.append(ins.argval)
        # (the name loaded last: LOAD_FAST_LOAD_FAST of Python 3.13 loads two)
        loaded = ins.argval[-1] if isinstance(ins.argval, tuple) else ins.argval
        previous = loaded if ins.opname.startswith("LOAD_FAST") else None
    return found


def _place(setter):
    try:
        return f" at {inspect.getsourcefile(setter)}:{setter.__code__.co_firstlineno}"
    except (TypeError, AttributeError):
        return ""
