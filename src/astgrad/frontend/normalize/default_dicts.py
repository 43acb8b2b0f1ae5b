"""``collections.defaultdict`` made and used in the code, as the plain dict it behaves as:

    acc = defaultdict(float)                acc = {}
    for k, v in pairs:                      for k, v in pairs:
        acc[k] += v * x[k]                      if k not in acc:
                                                    acc[k] = 0.0
                                                acc[k] += v * x[k]

Python's semantics: reading a missing key stores ``factory()`` under it first; so each
statement reading ``acc[key]`` is preceded by that store (a key that is not a name or a
constant is computed once, before, into a name of its own). The factory is ``float``,
``int``, ``list``, ``dict``, ``set`` or a lambda without parameters (its body is the
default). Only where the dict is named nowhere but in ``acc[key]``, ``acc.items()``,
``.keys()``, ``.values()``, ``key in acc``, ``len(acc)`` and ``for k in acc`` (it never
leaves the function, so no code reads it as a defaultdict later), bound once, and read
in no expression evaluated conditionally (``a if c else acc[k]``, a comprehension, a
lambda, a ``while`` test); any other defaultdict is left as it is.

A ``collections.OrderedDict(...)`` is the dict of the same arguments, ``dict(...)``
(which keeps the order its keys are stored in, as an OrderedDict does), where it is bound
once and named nowhere but as above, in stores and deletions of its items and in the
methods the two share (``.get``, ``.pop``, ``.setdefault``, ``.update``), and in ``list``,
``tuple``, ``sorted``, ``reversed``, ``sum``, ``min`` and ``max``: what tells the two
apart (``move_to_end``, ``popitem(last=False)``, ``==`` between OrderedDicts, its type)
never shows. Any other OrderedDict is left as it is (refused where it holds a
differentiated value, saying what is followed)."""

import collections

import gast

from ...core import syntax as S
from .instances import parents_of

_FACTORIES = {float: 0.0, int: 0, list: "list", dict: "dict", set: "set"}
_READS = frozenset({"items", "keys", "values"})
_ORDERED_METHODS = _READS | {"get", "pop", "setdefault", "update"}       # an OrderedDict's, a dict's too
_ORDERED_READERS = frozenset({"len", "list", "tuple", "sorted", "reversed", "sum", "min", "max"})
_CONDITIONAL = (gast.IfExp, gast.BoolOp, gast.ListComp, gast.SetComp, gast.DictComp, gast.GeneratorExp,
                gast.Lambda, gast.FunctionDef, gast.AsyncFunctionDef, gast.ClassDef)
_PURE = (gast.Name, gast.Constant, gast.BinOp, gast.UnaryOp, gast.Tuple, gast.operator, gast.unaryop,
         gast.expr_context)


def rewrite_default_dicts(normalizer, tree, nodes):
    """Rewrite each defaultdict of ``tree`` that qualifies (see the module docstring)."""
    made, ordered = {}, {}
    for node in nodes:
        if isinstance(node, gast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], gast.Name) \
                and normalizer.bound_count.get(node.targets[0].id) == 1:
            default = _default_of(normalizer, node.value)
            if default is not None:
                made[node.targets[0].id] = (node, default)
            elif _makes(normalizer, node.value, collections.OrderedDict):
                ordered[node.targets[0].id] = node
    if not made and not ordered:
        return False
    parents, rewritten = parents_of(tree), False
    for name, (binding, default) in made.items():
        if _plain_uses(name, nodes, parents):
            binding.value = gast.copy_location(gast.Dict(keys=[], values=[]), binding.value)
            _Insert(name, default, normalizer).visit(tree)
            rewritten = True
    plain_dict = "dict" not in normalizer.locals and normalizer.source.resolve_path(("dict",), depend=False) is dict
    for name, binding in ordered.items():
        if plain_dict and _plain_uses(name, nodes, parents, _ORDERED_METHODS, _ORDERED_READERS, anywhere=True):
            normalizer.source.resolve_path(S.dotted_path(binding.value.func))   # generation depends on them
            normalizer.source.resolve_path(("dict",))
            binding.value.func = gast.copy_location(S.name("dict"), binding.value.func)
            rewritten = True
    return rewritten


def _makes(normalizer, value, maker):
    """Whether ``value`` is a call of ``maker`` by a global or dotted name (``collections.OrderedDict``)."""
    if not isinstance(value, gast.Call):
        return False
    path = S.dotted_path(value.func)
    return path is not None and path[0] not in normalizer.locals \
        and normalizer.source.resolve_path(path, depend=False) is maker


def _default_of(normalizer, value):
    """The default expression of ``defaultdict(factory)``, or None."""
    if not isinstance(value, gast.Call) or len(value.args) != 1 or value.keywords \
            or not _makes(normalizer, value, collections.defaultdict):
        return None
    factory = value.args[0]
    if isinstance(factory, gast.Lambda):
        args = factory.args
        plain = not (args.args or args.posonlyargs or args.kwonlyargs or args.vararg or args.kwarg)
        return factory.body if plain else None
    path = S.dotted_path(factory)
    if path is None or path[0] in normalizer.locals:
        return None
    found = normalizer.source.resolve_path(path, depend=False)
    if found not in _FACTORIES:
        return None
    normalizer.source.resolve_path(path)        # generation depends on what it means
    normalizer.source.resolve_path(S.dotted_path(value.func))
    kind = _FACTORIES[found]
    if isinstance(kind, str):
        return gast.Call(func=gast.Name(id=kind, ctx=gast.Load(), annotation=None, type_comment=None),
                         args=[], keywords=[]) if kind != "dict" else gast.Dict(keys=[], values=[])
    return S.const(kind)


def _plain_uses(name, nodes, parents, methods=_READS, readers=("len",), anywhere=False):
    """Whether ``name`` is read only as the module docstring says: at items (with keys
    made of names, constants and operators, in no expression evaluated conditionally,
    unless ``anywhere``), by ``methods``, ``in``, a ``for`` loop and calls of ``readers``."""
    for node in nodes:
        if not (isinstance(node, gast.Name) and node.id == name and isinstance(node.ctx, gast.Load)):
            continue
        parent = parents.get(id(node))
        if isinstance(parent, gast.Subscript) and parent.value is node:
            if not anywhere and (not all(isinstance(n, _PURE) for n in gast.walk(parent.slice))
                                 or _conditional(parent, parents)):
                return False
            continue
        called = parents.get(id(parent))
        if isinstance(parent, gast.Attribute) and parent.attr in methods and isinstance(called, gast.Call) \
                and called.func is parent:
            continue
        if isinstance(parent, gast.Compare) and node in parent.comparators \
                and all(isinstance(op, (gast.In, gast.NotIn)) for op in parent.ops):
            continue
        if isinstance(parent, gast.For) and parent.iter is node:
            continue
        if isinstance(parent, gast.Call) and isinstance(parent.func, gast.Name) and parent.func.id in readers \
                and parent.args == [node] and not parent.keywords:
            continue
        return False
    return True


def _conditional(node, parents):
    while node is not None and not isinstance(node, gast.stmt):
        parent = parents.get(id(node))
        if isinstance(parent, _CONDITIONAL) or isinstance(parent, gast.While) and parent.test is node:
            return True
        node = parent
    return False


class _Insert(gast.NodeTransformer):
    """Each statement reading ``name[key]`` preceded by ``if key not in name: name[key] = default``."""

    def __init__(self, name, default, normalizer):
        self.name, self.default, self.normalizer = name, default, normalizer

    def generic_visit(self, node):
        for field, value in gast.iter_fields(node):
            if isinstance(value, list) and value and isinstance(value[0], gast.stmt):
                setattr(node, field, [out for stmt in value for out in self._statement(stmt)])
            elif isinstance(value, gast.AST) and not isinstance(value, gast.stmt):
                continue
        return node

    def _statement(self, stmt):
        self.generic_visit(stmt)            # nested blocks first
        reads = [n for n in _own_expressions(stmt) if isinstance(n, gast.Subscript) and isinstance(n.value, gast.Name)
                 and n.value.id == self.name and (isinstance(n.ctx, gast.Load) or _augmented_target(stmt, n))]
        before = []
        for read in reads:
            if not isinstance(read.slice, (gast.Name, gast.Constant)):
                key = self.normalizer.namer.fresh("key")
                self.normalizer.locals.add(key)
                before.append(gast.copy_location(S.assign(key, read.slice), stmt))
                read.slice = S.name(key)
            missing = gast.Compare(left=S.copy(read.slice), ops=[gast.NotIn()], comparators=[S.name(self.name)])
            store = S.assign(gast.Subscript(value=S.name(self.name), slice=S.copy(read.slice), ctx=gast.Store()),
                             S.copy(self.default))
            before.append(gast.copy_location(gast.If(test=missing, body=[gast.copy_location(store, stmt)], orelse=[]),
                                             stmt))
        gast.fix_missing_locations(gast.Module(body=before, type_ignores=[]))
        return before + [stmt]


def _augmented_target(stmt, node):
    return isinstance(stmt, gast.AugAssign) and stmt.target is node


def _own_expressions(stmt):
    """The expression nodes of ``stmt`` itself (not of the statements in its blocks)."""
    found, todo = [], [value for _, value in gast.iter_fields(stmt)]
    while todo:
        value = todo.pop()
        if isinstance(value, list):
            todo.extend(v for v in value if not isinstance(v, gast.stmt))
        elif isinstance(value, gast.AST) and not isinstance(value, gast.stmt):
            found.append(value)
            todo.extend(v for _, v in gast.iter_fields(value))
    return found
