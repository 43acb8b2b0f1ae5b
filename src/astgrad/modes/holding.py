"""What holds what in a core function: one relation, each edge a name bound to what it
holds, is read out of or is computed from, with its kind. The checks of modes/common.py
read it each with the notion of "holding" it needs:

- ``DIRECT`` edges (a name bound to an item, an attribute, a shallow copy or a list or
  tuple display of another, a loop's item, an append's list) are what any check counts;
- ``CONTAINER`` edges add a dict or set holding it (a display of one, a store into an
  item, ``d[k] = b``) and a call handing on the items it is given (``d.values()``,
  ``next(iter(d.items()))``, ``enumerate(bs)``): the wider notion of the in-place checks,
  not of the refusal of a method on an item of a call's result, which follows an object
  only through direct bindings;
- the sources (``sources``) are, for each name, every expression it is bound to (an
  assignment's value, a loop's iterable; an append's item and a store into an item by
  the kinds asked for), for tracing a value back to where it came from.

``Holding(statements, tree)`` computes the relation once; the checks then read it."""

import collections
import copy as copy_module

import gast

from .. import runtime
from ..core import anno
from ..core import ops
from ..core import syntax as S
from ..core.anno import Key

# the kinds of a holding edge (``Holding.bindings``)
DIRECT = "direct"           # t = bs[0], t = h.b, t = list(bs), t = [a, b], for t in bs, bs.append(b)
CONTAINER = "container"     # d = {"k": b}, s = {b}, d[k] = b, t = d.values(), next(iter(d.items()))
EVERY_HOLDING = frozenset({DIRECT, CONTAINER})

# the kinds of a source (``Holding.sources``)
BOUND = "bound"             # y = value, for y in value
APPENDED = "appended"       # ys.append(value): what the list comes to hold
STORED = "stored"           # d[k] = value: what the dict or list comes to hold
EVERY_SOURCE = frozenset({BOUND, APPENDED, STORED})

# (copy_argument: the copy of an argument the function writes into holds copies of its items,
# which the function reads as it would the argument's: t = params_1["layer"]; t.scale(w))
_PASSING_ITEMS = (list, tuple, reversed, sorted, enumerate, zip, iter, next, dict, copy_module.copy,
                  runtime.copy_argument, runtime.distinct, runtime.concat, runtime.extended, runtime.in_place)
_PASSING_METHODS = frozenset({"values", "items", "get", "copy", "pop", "setdefault"})
_SHALLOW_COPIES = (list, tuple, copy_module.copy, runtime.shallow_copy)


class Holding:
    """The holding relation of ``statements`` (``walk.walk_statements`` of a body) and the
    sources of the names ``tree`` binds (its nodes, nested ones included); either may be
    None where only the other is asked about."""

    def __init__(self, statements=None, tree=None):
        self._edges = [] if statements is None else [
            (stmt, target, value, kind) for stmt in statements for target, value, kind in _holding_edges(stmt)]
        self._by_statement = collections.defaultdict(list)
        for stmt, target, value, kind in self._edges:
            self._by_statement[id(stmt)].append((target, value, kind))
        self._sources = [] if tree is None else list(_source_edges(tree))

    def bindings(self, stmt, kinds=EVERY_HOLDING):
        """(name, what it holds or is read out of) for ``stmt``, by edges of ``kinds``."""
        return [(target, value) for target, value, kind in self._by_statement.get(id(stmt), ()) if kind in kinds]

    def read_out_of(self, active, kinds=EVERY_HOLDING):
        """The names bound to what a name of ``active`` holds, however far down, by edges
        of ``kinds``: an item, an attribute, a slice or a shallow copy of it, a list holding
        it, a loop's item (``b = bs[0]``, ``t = bs[:2]``, ``cs = list(bs)``, ``h.b``, ``[b]``,
        ``for b in bs``, ``ys.append(b)``), with CONTAINER edges a dict or set holding it
        too. A function of the user's handed such a name for its effect may change an
        object ``active`` holds (``b.v = ...``), though the name itself is read no more."""
        edges = [(target, S.names_in(value)) for _, target, value, kind in self._edges if kind in kinds]
        found = set()
        for _ in range(2):          # a loop's appends come before the names they feed read again
            for target, names in edges:
                # two disjointness tests, not a union of ``active`` (a derivative's
                # derivative has thousands of active names) for each binding
                if not names.isdisjoint(active) or not names.isdisjoint(found):
                    found.add(target)
        return found

    def sources(self, kinds=EVERY_SOURCE):
        """For each name, the expressions it is bound to by sources of ``kinds``."""
        found = {}
        for name, value, kind in self._sources:
            if kind in kinds:
                found.setdefault(name, []).append(value)
        return found


def _source_edges(tree):
    """(name, expression, kind) for each binding of a name in ``tree``, in its nodes' order."""
    for node in S.operand_nodes(tree):
        if isinstance(node, gast.Assign):
            for target in node.targets:
                for stored in S.stored_names(target):
                    yield stored, node.value, BOUND
                if isinstance(target, gast.Subscript) and isinstance(target.value, gast.Name):
                    yield target.value.id, node.value, STORED
        elif isinstance(node, gast.For):
            for stored in S.stored_names(node.target):
                yield stored, node.iter, BOUND
        elif isinstance(node, gast.Expr) and _appended(node.value):      # items.append(b): reversed(bs)
            for item in node.value.args:
                yield node.value.func.value.id, item, APPENDED


def _holding_edges(stmt):
    """(name, what it holds or is read out of, kind) for ``stmt``: an assignment of an
    item, an attribute, a copy or a list or tuple display; a loop's item; an append's
    list (DIRECT). A display of a dict or set, a store into an item (``d[k] = b``: ``d``
    holds ``b``) and a call handing on the items it is given (CONTAINER)."""
    if isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Name):
        yield from _assigned_edges(stmt.targets[0].id, stmt.value)
    elif isinstance(stmt, gast.Assign) and isinstance(stmt.targets[0], gast.Subscript) \
            and isinstance(stmt.targets[0].value, gast.Name):
        yield stmt.targets[0].value.id, stmt.value, CONTAINER
    elif isinstance(stmt, gast.For) and isinstance(stmt.iter, gast.Name):
        for target in S.names_in(stmt.target):
            yield target, stmt.iter, DIRECT
    elif isinstance(stmt, gast.For) and isinstance(stmt.target, gast.Tuple) and isinstance(stmt.iter, gast.Call) \
            and stmt.iter.args and isinstance(stmt.target.elts[-1], gast.Name):     # for k, item in enumerate(xs)
        yield stmt.target.elts[-1].id, stmt.iter.args[0], DIRECT
    elif isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call) and stmt.value.args \
            and anno.get(stmt.value, Key.METHOD) == "append" and isinstance(stmt.value.func.value, gast.Name):
        yield stmt.value.func.value.id, stmt.value.args[0], DIRECT


def _assigned_edges(name, value):
    """The edges of ``name = value``: a call handing on items holds its arguments (and a
    method's receiver) by CONTAINER edges; a shallow copy of an item, an attribute, a
    name or a display, that display, or what the item or attribute is read out of, by a
    DIRECT one (also where the copy hands on items); a dict or set display its items."""
    if isinstance(value, gast.Call) and passes_items_on(value, methods_of_classes=False):
        # next(iter(d.items())), d.values(), enumerate(bs): the very items of what it is given
        for item in value.args + ([value.func.value] if anno.get(value, Key.METHOD) is not None else []):
            yield name, item, CONTAINER
    elif isinstance(value, gast.Set):
        yield name, value, CONTAINER
    elif isinstance(value, gast.Dict):
        yield from ((name, item, CONTAINER) for item in value.values)
    held = _copied(value) if isinstance(value, gast.Call) else value
    if isinstance(held, (gast.Subscript, gast.Attribute)):
        held = held.value
    if isinstance(held, (gast.Name, gast.List, gast.Tuple)):
        yield name, held, DIRECT


def _copied(call):
    """What the shallow copy ``call`` copies (``list(bs)``, ``bs.copy()``), or None."""
    if anno.get(call, Key.METHOD) == "copy":
        return call.func.value
    return call.args[0] if anno.get(call, Key.TARGET) in _SHALLOW_COPIES and len(call.args) == 1 else None


def _appended(call):
    """Whether ``call`` is ``name.append(...)``."""
    return isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute) and call.func.attr == "append" \
        and isinstance(call.func.value, gast.Name)


def passes_items_on(call, methods_of_classes=True):
    """Whether ``call`` gives the items of what it is given (``list(bs)``, ``enumerate(bs)``,
    ``d.values()``, ``d.get(k)``; with ``methods_of_classes``, a method of a class of the
    user's too), rather than a value it builds."""
    target = anno.get(call, Key.TARGET)
    try:
        passing = target in _PASSING_ITEMS
    except TypeError:           # an unhashable callable compares as none of them
        passing = False
    return passing or anno.get(call, Key.METHOD) in _PASSING_METHODS \
        or methods_of_classes and _method_of_a_class(target)


def _method_of_a_class(target):
    """Whether ``target`` is a method (or a property's getter) of a class of the user's:
    ``t = m.first`` may be an object ``m`` holds (``return self.layers[0]``)."""
    parts = getattr(target, "__qualname__", "").split(".")
    return ops.is_user_function(target) and len(parts) >= 2 and parts[-2] != "<locals>"
