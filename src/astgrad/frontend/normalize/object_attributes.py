"""Attributes of an object that share a name with an array's (``p.size``, ``p.shape``,
``self.T`` on an object of the user's class). An attribute read ``v.size`` is taken
for NumPy's array attribute by its name (rules/numpy_rules.py), whose derivative is
none; on an object its value is the object's own, which may carry a derivative (a
dataclass field ``size: float``). An expression holds an object where the function was
made for the object it reads (an argument's layout, an object built in the code:
``Box(x).size``), or the code reads another attribute of the same name (``p.w``, not an
array's), as ``modes/adjoint_sweep.read_as_objects`` finds: there such a read is the
object's attribute, with its derivative."""

import dataclasses
import inspect
import weakref

import gast

from ...core import syntax as S
from ...rules import registry
from .. import object_layouts as L
from ..array_named_reads import is_array_attribute_name

MISSING = object()


def object_names(normalizer):
    """The local names of ``normalizer``'s function that some attribute other than an
    array's is read of, not called (computed once)."""
    found = getattr(normalizer, "_object_names", None)
    if found is None:
        nodes = S.walk_nodes(normalizer.source.tree)
        nodes = nodes if isinstance(nodes, list) else list(nodes)
        called = {id(node.func) for node in nodes if isinstance(node, gast.Call)}
        found = normalizer._object_names = {
            node.value.id for node in nodes
            if isinstance(node, gast.Attribute) and isinstance(node.value, gast.Name)
            and isinstance(node.ctx, gast.Load) and id(node) not in called
            and registry.method_key(node.attr) is None and node.value.id in normalizer.locals}
    return found


def holds_object(normalizer, node):
    """Whether ``node`` (the receiver of an attribute read) holds an object of a class
    of the user's, not an array (see the module's docstring)."""
    if isinstance(node, gast.Name) and node.id in object_names(normalizer):
        return True
    layout = normalizer.layout(node)
    if layout is not None and (layout[0] == L.OBJECT or layout[0] == L.ITEMS and hasattr(layout[1], "_fields")):
        return True     # (an ITEMS layout of a namedtuple class: a namedtuple)
    return gives_record(normalizer, node)


def gives_record(normalizer, node):
    """Whether ``node`` is the call of a function of the user's module (or a name bound
    once to one: ``t = make(x)``) every ``return`` of which builds a namedtuple or a
    dataclass (``return T(a, b)``): what it gives is known to be such an object."""
    return record_built(normalizer, node) is not None


def record_layout(normalizer, node):
    """The layout of the namedtuple or dataclass ``node`` gives (``gives_record``), where
    every return of the function builds one of one class: ``("object", T, (), shadowed)``,
    nothing said of what its fields hold, the fields a class attribute of the same name
    (a dataclass default) stands behind shadowed, as object_layouts.layout_of says."""
    classes = record_built(normalizer, node)
    if classes is None or len(classes) != 1:
        return None
    cls = next(iter(classes))
    fields = cls._fields if issubclass(cls, tuple) else [field.name for field in dataclasses.fields(cls)]
    shadowed = () if issubclass(cls, tuple) else tuple(name for name in fields if hasattr(cls, name))
    return (L.OBJECT, cls, (), shadowed)


def record_built(normalizer, node):
    """The classes of the records ``node`` gives (see ``gives_record``), or None. The
    name the function is called by is a dependency of the code (a rebinding regenerates)."""
    if isinstance(node, gast.Name) and normalizer.bound_count.get(node.id) == 1:
        node = _single_bindings(normalizer).get(node.id)
    path = S.dotted_path(node.func) if isinstance(node, gast.Call) else None
    if path is None or path[0] in normalizer.locals:
        return None
    if len(path) == 1 and path[0] in normalizer.bindings:      # a helper made for what it is given
        fn = normalizer.bindings[path[0]]
        return _records_built(fn) if inspect.isfunction(fn) else None
    fn = normalizer.source.resolve_path(path, depend=False)
    found = _records_built(fn) if inspect.isfunction(fn) else None
    if found is not None:
        normalizer.source.resolve_path(path)
    return found


def _single_bindings(normalizer):
    """{name: value} for the names of the function bound by a plain ``name = value``."""
    found = getattr(normalizer, "_single_bindings", None)
    if found is None:
        found = normalizer._single_bindings = {
            stmt.targets[0].id: stmt.value for stmt in S.walk_nodes(normalizer.source.tree)
            if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name)}
    return found


_returned_classes = weakref.WeakKeyDictionary()


def _records_built(fn):
    """The classes, namedtuples or dataclasses, that every ``return`` of ``fn`` (at least
    one) calls by a name of its module; else None."""
    paths = L.found_in_source(fn, _returned_classes, _returned_calls)
    if not paths or None in paths:
        return None
    found = set()
    for path in paths:
        cls = fn.__globals__.get(path[0], MISSING)
        for part in path[1:]:
            cls = getattr(cls, part, MISSING)
        if not (isinstance(cls, type) and (dataclasses.is_dataclass(cls)
                                           or issubclass(cls, tuple) and hasattr(cls, "_fields"))):
            return None
        found.add(cls)
    return found


def _returned_calls(tree):
    """The dotted paths of the functions ``tree``'s returns call (None for a return of
    anything else), not looking into nested functions."""
    found = set()
    todo = list(tree.body)
    while todo:
        stmt = todo.pop()
        if isinstance(stmt, (gast.FunctionDef, gast.AsyncFunctionDef, gast.ClassDef, gast.Lambda)):
            continue
        if isinstance(stmt, gast.Return):
            path = S.dotted_path(stmt.value.func) if isinstance(stmt.value, gast.Call) else None
            found.add(None if path is None else tuple(path))
        elif isinstance(stmt, (gast.Yield, gast.YieldFrom)):
            found.add(None)
        todo.extend(child for child in gast.iter_child_nodes(stmt))
    return frozenset(found)
