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

import inspect

import gast

from .. import runtime, runtime_objects
from ..core import anno
from ..core import syntax as S
from ..core.anno import Key
from ..errors import TransformError

_BUILDERS = (runtime_objects.record, runtime_objects.instance)


def object_fields(sharing):
    """name -> {attribute: the names it may hold} for each local name whose attributes
    are known so; constants stored in an attribute share nothing and are left out. A
    new list an ``__init__`` run as a helper stored (``self.vals = [w, w * 2.0]``) is a
    node of its own, ``attrs.vals``, holding the caller's names it holds (``w``): its
    contents are added to ``sharing.contents``."""
    displays = _attribute_displays(sharing)
    fields = {}
    for name in sharing.locals - set(sharing.params):
        bindings = sharing.bindings_of(name)
        if bindings and all(_binding_parts(stmt, displays) is not None for stmt in bindings):
            fields[name] = {}
    if not fields:
        return {}       # no object of known attributes: what is read elsewhere does not matter
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
    """name -> {attribute: its value atom, or the set of names it holds}, for names bound
    once to a dict display with constant string keys (or to an ``__init__`` run as a
    helper returning such a dict, ``_attributes_from_callee``) and read only as the
    attributes given to ``record`` or ``instance``."""
    displays = {}
    given_to_instance = _given_to_instance(sharing)
    for name in sharing.locals - set(sharing.params):
        bindings = sharing.bindings_of(name)
        if len(bindings) != 1 or not isinstance(bindings[0], gast.Assign):
            continue
        value = bindings[0].value
        if isinstance(value, gast.Dict) \
                and all(isinstance(k, gast.Constant) and isinstance(k.value, str) for k in value.keys):
            displays[name] = {k.value: v for k, v in zip(value.keys, value.values)}
        elif isinstance(value, gast.Call) and name in given_to_instance:
            attributes = _attributes_from_callee(sharing, bindings[0])
            if attributes is not None:
                displays[name] = attributes
    if not displays:
        return displays
    for stmt in sharing.statements:
        for node in _own_nodes(stmt):
            if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load) and node.id in displays \
                    and not _is_attributes_argument(stmt, node):
                del displays[node.id]
    return displays


def _given_to_instance(sharing):
    """The names read somewhere as the attributes given to ``instance`` (found in one
    pass: asking it of each name was a walk over the statements per name)."""
    return {stmt.value.args[1].id for stmt in sharing.statements
            if isinstance(stmt, gast.Assign) and isinstance(stmt.value, gast.Call)
            and len(stmt.value.args) == 2 and isinstance(stmt.value.args[1], gast.Name)
            and anno.get(stmt.value, Key.TARGET) is runtime_objects.instance}


def _is_attributes_argument(stmt, node):
    value = stmt.value if isinstance(stmt, gast.Assign) else None
    return isinstance(value, gast.Call) and anno.get(value, Key.TARGET) in _BUILDERS \
        and len(value.args) == 2 and value.args[1] is node


def _attributes_from_callee(sharing, stmt):
    """{attribute: names it holds} for ``attrs = C_init(a, ...)``, a user function that
    changes nothing in place and returns a dict it made (``self = {}``, then only
    ``self['k'] = v`` with constant keys): each value a parameter (the caller's argument
    there), a new value (nothing), or a new list or tuple of those (a node of its own,
    ``attrs.k``, whose contents are the arguments it holds). None otherwise."""
    call = stmt.value if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name) else None
    target = anno.get(call, Key.TARGET) if isinstance(call, gast.Call) else None
    if target is None or not _is_user_function(target) or not sharing.keeps_nothing(call):
        return None
    try:
        bound = inspect.signature(target).bind(*call.args, **{kw.arg: kw.value for kw in call.keywords}).arguments
    except (TypeError, ValueError):
        return None
    try:
        _, tree, _, _ = sharing.prepare(target)
    except TransformError:      # its own derivative reports what is wrong with it
        return None
    body, returned = tree.body[:-1], tree.body[-1]
    if not isinstance(returned, gast.Return) or not isinstance(returned.value, gast.Name):
        return None
    result, values, made = returned.value.id, {}, {}
    for inner in body:
        if not isinstance(inner, gast.Assign):
            return None
        left, right = inner.targets[0], inner.value
        if isinstance(left, gast.Name) and left.id == result:
            if not (isinstance(right, gast.Dict) and not right.keys) or result in made:
                return None
            made[result] = right
        elif isinstance(left, gast.Subscript) and isinstance(left.value, gast.Name) and left.value.id == result:
            if not (isinstance(left.slice, gast.Constant) and isinstance(left.slice.value, str)):
                return None
            values[left.slice.value] = right
        elif isinstance(left, gast.Name):
            if left.id in made:
                return None
            made[left.id] = right
        else:
            return None
        if result in {n.id for n in gast.walk(right) if isinstance(n, gast.Name)}:
            return None         # the dict read otherwise than returned
    if set(made) & set(bound):
        return None         # a parameter bound again: which value was stored depends on the order
    attributes = {}
    for key, value in values.items():
        held = _callee_value(sharing, value, bound, made)
        if held is None:
            return None
        if isinstance(held, tuple):         # a new list of the arguments it holds
            node = f"{stmt.targets[0].id}.{key}"        # not an identifier: no name of the code
            sharing.contents.setdefault(node, set()).update(held)
            held = {node}
        attributes[key] = held
    return attributes


def _callee_value(sharing, value, bound, made, inner=False):
    """The caller's names a value the callee stored may be (a set), the arguments a new
    list or tuple it made holds (a tuple of them), or None where that is not known."""
    if isinstance(value, gast.Constant):
        return set()
    if not isinstance(value, gast.Name):
        return None
    if value.id in bound:
        argument = bound[value.id]
        return {sharing._name(argument)} - {None} if isinstance(argument, gast.Name) \
            else (set() if isinstance(argument, gast.Constant) else None)
    display = made.get(value.id)
    if isinstance(display, (gast.BinOp, gast.UnaryOp)):
        return set()            # a new value
    if isinstance(display, (gast.List, gast.Tuple)) and not inner:
        items = [_callee_value(sharing, item, bound, made, inner=True) for item in display.elts]
        if any(item is None or isinstance(item, tuple) for item in items):
            return None
        return tuple(sorted(set().union(set(), *items)))
    return None


def _binding_parts(stmt, displays):
    """(the object whose attributes it copies or None, {attribute: value atom}) for a
    binding that builds an object of known attributes, else None."""
    if not (isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name)):
        return None
    value = stmt.value
    target = anno.get(value, Key.TARGET) if isinstance(value, gast.Call) else None
    if target in _BUILDERS and len(value.args) == 2 and isinstance(value.args[1], gast.Name) \
            and value.args[1].id in displays:
        return None, dict(displays[value.args[1].id])
    if target is runtime_objects.with_attribute and len(value.args) == 3 and not value.keywords \
            and isinstance(value.args[0], gast.Name) and isinstance(value.args[1], gast.Constant) \
            and isinstance(value.args[1].value, str):
        return value.args[0].id, {value.args[1].value: value.args[2]}
    return None


def _fields_of(sharing, name, displays, fields):
    known = {}
    for stmt in sharing.bindings_of(name):
        source, parts = _binding_parts(stmt, displays)
        if source is not None:
            if source not in fields:
                return None
            for attribute, held in fields[source].items():
                known.setdefault(attribute, set()).update(held)
        for attribute, value in parts.items():
            held = known.setdefault(attribute, set())
            if isinstance(value, set):          # what an __init__ run as a helper stored
                held.update(value)
            elif isinstance(value, gast.Name):
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
        return S.all_nodes(stmt.test)
    if isinstance(stmt, gast.For):
        return S.all_nodes(stmt.iter) + S.all_nodes(stmt.target)
    return S.all_nodes(stmt)
