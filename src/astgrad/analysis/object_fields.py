"""What each attribute of an object the function builds holds, read back exactly.

``items = {'vals': t_1, 'scale': w}; p = record(Params, items)`` (a dataclass built in
the code, whose ``__init__`` only stores its fields), ``instance(C, {...})`` and
``p = with_attribute(p, 'vals', v)`` (``p.vals = v``) say what each attribute of ``p``
holds: ``p.vals`` is ``t_1`` or ``v``, never ``w``. The sharing analysis links a read
``u = p.vals`` to those names alone; otherwise ``u`` may be anything ``p`` holds, and a
write into ``u[0]`` looked as if it could change the argument ``w`` (a float, which no
write changes). Known only where every binding of ``p`` is one of those, its dict of
attributes is read nowhere else, and ``p`` itself is only read: its attributes, by the
check ``written_items_apart``, by ``with_attribute`` making a new object, and by user
functions that change nothing in place.
"""

import gast

from .. import runtime, runtime_objects
from ..core import anno
from ..core.anno import Key

_BUILDERS = (runtime_objects.record, runtime_objects.instance)


def object_fields(sharing):
    """name -> {attribute: the names it may hold} for each local name whose attributes
    are known so; constants stored in an attribute share nothing and are left out."""
    displays = _attribute_displays(sharing)
    fields = {}
    for name in sharing.locals - set(sharing.params):
        bindings = sharing._bindings(name)
        if bindings and all(_binding_parts(stmt, displays) is not None for stmt in bindings):
            fields[name] = {}
    while True:         # a binding from an object not known so makes its result unknown
        changed = False
        for name in list(fields):
            known = _fields_of(sharing, name, displays, fields)
            if known is None:
                del fields[name]
                changed = True
            else:
                fields[name] = known
        if not changed:
            break
    reads = _reads(sharing)
    return {name: held for name, held in fields.items() if reads.get(name, 0) == 0}


def field_read(fields, value):
    """The names ``value``, ``o.attr``, may be, where ``fields`` (``object_fields``) knows
    what o's attribute holds; else None."""
    if isinstance(value, gast.Attribute) and isinstance(value.value, gast.Name):
        return fields.get(value.value.id, {}).get(value.attr)
    return None


def _attribute_displays(sharing):
    """name -> its dict display, for names bound once to a display with constant string
    keys and read only as the attributes given to ``record`` or ``instance``."""
    displays = {}
    for name in sharing.locals - set(sharing.params):
        bindings = sharing._bindings(name)
        if len(bindings) == 1 and isinstance(bindings[0], gast.Assign) \
                and isinstance(bindings[0].value, gast.Dict) \
                and all(isinstance(k, gast.Constant) and isinstance(k.value, str) for k in bindings[0].value.keys):
            displays[name] = bindings[0].value
    for stmt in sharing.statements:
        for node in _own_nodes(stmt):
            if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load) and node.id in displays \
                    and not _is_attributes_argument(stmt, node):
                del displays[node.id]
    return displays


def _is_attributes_argument(stmt, node):
    value = stmt.value if isinstance(stmt, gast.Assign) else None
    return isinstance(value, gast.Call) and anno.get(value, Key.TARGET) in _BUILDERS \
        and len(value.args) == 2 and value.args[1] is node


def _binding_parts(stmt, displays):
    """(the object whose attributes it copies or None, {attribute: value atom}) for a
    binding that builds an object of known attributes, else None."""
    if not (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)):
        return None
    value = stmt.value
    target = anno.get(value, Key.TARGET) if isinstance(value, gast.Call) else None
    if target in _BUILDERS and len(value.args) == 2 and isinstance(value.args[1], gast.Name) \
            and value.args[1].id in displays:
        display = displays[value.args[1].id]
        return None, {k.value: v for k, v in zip(display.keys, display.values)}
    if target is runtime_objects.with_attribute and len(value.args) == 3 and not value.keywords \
            and isinstance(value.args[0], gast.Name) and isinstance(value.args[1], gast.Constant) \
            and isinstance(value.args[1].value, str):
        return value.args[0].id, {value.args[1].value: value.args[2]}
    return None


def _fields_of(sharing, name, displays, fields):
    known = {}
    for stmt in sharing._bindings(name):
        source, parts = _binding_parts(stmt, displays)
        if source is not None:
            if source not in fields:
                return None
            for attribute, held in fields[source].items():
                known.setdefault(attribute, set()).update(held)
        for attribute, value in parts.items():
            held = known.setdefault(attribute, set())
            if isinstance(value, gast.Name):
                held.add(sharing._name(value))
            elif not isinstance(value, gast.Constant):
                return None
    return known


def _reads(sharing):
    """name -> how many times it is read otherwise than as an object of known
    attributes may be: ``o.attr``, ``written_items_apart(o, ...)``, ``with_attribute(o,
    ...)``, an argument of a user function that changes nothing in place."""
    reads = {}
    for stmt in sharing.statements:
        allowed = _allowed_reads(sharing, stmt)
        for node in _own_nodes(stmt):
            if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load) and node not in allowed:
                reads[node.id] = reads.get(node.id, 0) + 1
    return reads


def _allowed_reads(sharing, stmt):
    value = stmt.value if isinstance(stmt, (gast.Assign, gast.Expr)) else None
    if isinstance(stmt, gast.Assign) and isinstance(value, gast.Attribute) and isinstance(value.value, gast.Name):
        return [value.value]
    if not isinstance(value, gast.Call) or value.keywords:
        return []
    target = anno.get(value, Key.TARGET)
    if target in (runtime.written_items_apart, runtime_objects.with_attribute) and value.args:
        return value.args[:1]
    if anno.get(value, Key.METHOD) is None and sharing.keeps_nothing(value) \
            and _is_user_function(target):
        return list(value.args)
    return []


def _is_user_function(obj):
    from ..core.ops import is_user_function
    return is_user_function(obj)


def _own_nodes(stmt):
    """The nodes of ``stmt`` itself, not of the statements nested in it."""
    if isinstance(stmt, (gast.If, gast.While)):
        return list(gast.walk(stmt.test))
    if isinstance(stmt, gast.For):
        return list(gast.walk(stmt.iter)) + list(gast.walk(stmt.target))
    return list(gast.walk(stmt))
