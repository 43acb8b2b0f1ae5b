"""Arguments whose attributes named like an array's are read: ``t.size``, ``ts[0].shape``,
``for p in ps: p.ndim``. The normalizer takes ``v.size`` for NumPy's array attribute,
whose derivative is none, unless it knows ``v`` holds an object
(normalize/object_attributes.py): then it reads the object's own attribute, with its
derivative (a namedtuple's or a dataclass's field ``size``). When such a function is
called with an object there, the call-time specialization gives the parameter the
object's layout (function_args.given_functions, object_layouts.layout_of), as it does
for a parameter the body calls through. A value no layout describes that holds objects
(a dict of namedtuples, a list of them and arrays, or of more than 64) is refused at the line reading
the attribute: there the read could be an array's or an object's, and a wrong guess is a
silent zero."""

import weakref

import gast

from ..core import syntax as S
from ..records import is_record
from ..rules import registry
from .object_layouts import all_nodes_of, found_in_source, is_namedtuple, root

_reads = weakref.WeakKeyDictionary()
_DEPTH = 4      # how deep a refused value is looked into (as object_layouts looks)


def is_array_attribute_name(name):
    """Whether ``v.<name>`` is read as an attribute of NumPy's arrays (``size``, ``T``,
    ``real``), not a method."""
    key = registry.method_key(name)
    return key is not None and not callable(key)


def array_named_reads(fn):
    """{parameter: (the first node reading an array-named attribute of it, of an item or an
    attribute of it, or of a name bound to one (``a = ts[0]``, ``for p in ts``), the
    attribute's name)}."""
    return found_in_source(fn, _reads, _reads_in)


def _reads_in(tree):
    params = {a.id for a in tree.args.posonlyargs + tree.args.args + tree.args.kwonlyargs}
    nodes = all_nodes_of(tree)
    called = {id(node.func) for node in nodes if isinstance(node, gast.Call)}
    bound = {}          # name -> the roots of what it is bound to
    for node in nodes:
        if isinstance(node, gast.Assign):
            targets, sources = node.targets, [node.value]
        elif isinstance(node, (gast.For, gast.comprehension)):   # for p in ps, enumerate(ps), zip(ps, xs)
            targets = [node.target]
            sources = [node.iter] + (node.iter.args if isinstance(node.iter, gast.Call) else [])
        else:
            continue
        for target in targets:
            for name in S.walk_nodes(target):
                if isinstance(name, gast.Name):
                    bound.setdefault(name.id, set()).update(root(source) for source in sources)
    found = {}
    for node in nodes:
        read = _array_named_read(node, called)
        if read is not None:
            for name in _roots(root(read[0]), bound):
                found.setdefault(name, (node, read[1]))
    return {name: read for name, read in found.items() if name in params}


def _array_named_read(node, called):
    """(receiver, attribute name) where ``node`` reads an array-named attribute (``v.size``,
    ``getattr(v, "size")``), or None."""
    if isinstance(node, gast.Attribute) and isinstance(node.ctx, gast.Load) and id(node) not in called \
            and is_array_attribute_name(node.attr):
        return node.value, node.attr
    if isinstance(node, gast.Call) and isinstance(node.func, gast.Name) and node.func.id == "getattr" \
            and len(node.args) >= 2 and isinstance(node.args[1], gast.Constant) \
            and isinstance(node.args[1].value, str) and is_array_attribute_name(node.args[1].value):
        return node.args[0], node.args[1].value
    return None


def _roots(name, bound):
    """``name`` and the names it is bound from, transitively."""
    seen, todo = set(), [name]
    while todo:
        name = todo.pop()
        if name is not None and name not in seen:
            seen.add(name)
            todo.extend(bound.get(name, ()))
    return seen


def holds_unlaid_objects(value, depth=_DEPTH):
    """Whether ``value`` (with no layout) is or holds, in the items of lists, tuples and
    dicts, an object whose fields carry derivatives (a namedtuple, a dataclass)."""
    if depth <= 0:
        return False
    if type(value) in (list, tuple):
        return any(holds_unlaid_objects(item, depth - 1) for item in value)
    if type(value) is dict:
        return any(holds_unlaid_objects(item, depth - 1) for item in value.values())
    return is_namedtuple(value) or is_record(value)


def refusal(fn, name, value):
    """The TransformError for the argument ``value`` of ``fn``'s parameter ``name``, which
    holds objects no layout follows, at the line reading an array-named attribute of it."""
    from .source import parse_function
    node, attr = array_named_reads(fn)[name]
    construct = f".{attr} of an object in a {type(value).__name__} argument"
    return parse_function(fn).error(
        f"astgrad cannot differentiate {construct}: `.{attr}` is also an attribute of NumPy's arrays, "
        f"and astgrad cannot tell which of the two this read is for the argument {name} (a "
        f"{type(value).__name__} holding {_held_kind(value)} objects), so it would take it for the array's, "
        f"whose derivative is none; give such an object as an argument of its own, or the objects alone in "
        f"a list or a tuple (at most 64 of them)", node, construct=construct)


def _held_kind(value, depth=_DEPTH):
    """The name of the class of the first object with a layout ``value`` holds."""
    items = value.values() if type(value) is dict else value if isinstance(value, (list, tuple)) else None
    if items is None or depth <= 0:
        return type(value).__name__
    for item in items:
        if holds_unlaid_objects(item, depth - 1):
            return _held_kind(item, depth - 1)
    return type(value).__name__
