"""A shallow copy of what an attribute holds, made in a method and changed through its
items, named where a call on the object is refused::

    class Log:
        def add(self, v):
            self.m["a"].append(v)
        def total(self, v):
            m = dict(self.m)            # a new dict holding the very lists self.m holds
            m["a"].append(v)            # so self.m["a"] grows too, as in Python
            return sum(m["a"])

astgrad follows ``self.m`` changed in place only where nothing else holds what it holds
(self_containers.py), which such a copy breaks: a call of ``lg.total(...)`` or
``lg.add(...)`` on an object the function built is refused at its line, naming the
copy's line and the change, with advice that is followed (copy the lists too, or build
a new list where one changes)."""

import ast
import inspect
import weakref

import gast

from ...core import methods as M
from ...core import syntax as S
from ...core.changing_methods import CHANGING_METHODS
from .class_functions import resolver as _resolver
from .self_containers import copy_statement

_FOUND = weakref.WeakKeyDictionary()     # class -> (its methods' code objects, its SharedCopy list)


class SharedCopy:
    """A copy ``copy = dict(self.attr)`` in ``method``, whose items it changes in place:
    the words a refusal quotes (file, lines and text of the copy and of the change)."""

    def __init__(self, method, attr, source, stmt, change):
        # the method's name and code, not the method: the table of a class holds nothing keeping it alive
        self.name, self.code, self.attr, self.copy = method.__qualname__, method.__code__, attr, stmt.targets[0].id
        self.at = source.place(stmt)
        self.text, self.change, self.change_line = _text(stmt), _text(change), source.file_line(change)


def refuse_shared_copy(normalizer, receiver, cls, method, in_place, node):
    """Refuse the call ``receiver.method(...)`` (``node``) on an object the function built,
    where a method of ``cls`` copies an attribute the call changes in place (``in_place``),
    or the method called copies one, and changes the copy's items in place: the refusal
    names the copy's line, which is what keeps the attribute from being followed."""
    if not isinstance(receiver, gast.Name) or normalizer.inlining:
        return
    called = M.user_function(M.static_attribute(cls, method))
    for found in _shared_copies(cls):
        if (found.attr in in_place or called is not None and found.code is called.__code__) \
                and normalizer.owns_object(receiver.id, found.attr):
            name, attr, copy = found.name, found.attr, found.copy
            raise normalizer._refuse(
                f"the call of {cls.__name__}.{method}, where {name} copies self.{attr} at {found.at} ({found.text}), "
                f"a shallow copy holding the very lists self.{attr} holds, then changes one of them in place "
                f"({found.change} at line {found.change_line}), so self.{attr} shows the change too, as in Python, "
                "and astgrad cannot follow it", node,
                f"in {name}, copy the lists too ({copy} = {{k: list(vs) for k, vs in self.{attr}.items()}} for a "
                f"dict, [list(vs) for vs in self.{attr}] for a list), or build a new list where one changes "
                f"({copy}[k] = {copy}[k] + [v])")


def _shared_copies(cls):
    """The SharedCopy list of ``cls``'s methods (once per version of its methods)."""
    methods = [fn for klass in cls.__mro__[:-1] for fn in vars(klass).values() if inspect.isfunction(fn)]
    codes = tuple(fn.__code__ for fn in methods)
    known = _FOUND.get(cls)
    if known is None or known[0] != codes:
        known = _FOUND[cls] = (codes, [found for fn in methods for found in _copies_in(fn)])
    return known[1]


def _copies_in(fn):
    """The SharedCopy of each copy of an attribute of ``self`` in the method ``fn``
    (``m = dict(self.m)``, ``m = self.m.copy()``) whose items it changes in place."""
    from ..source import parse_function
    try:
        source = parse_function(fn)
    except Exception:       # noqa: BLE001 - a method astgrad cannot read names nothing
        return
    params = source.tree.args.posonlyargs + source.tree.args.args
    if not params:
        return
    parents, resolve = S.parent_nodes(source.tree), _resolver(fn, source.tree)
    for node in S.walk_nodes(source.tree):
        stmt = copy_statement(node, parents, resolve) if isinstance(node, gast.Attribute) \
            and isinstance(node.value, gast.Name) and node.value.id == params[0].id else None
        change = _item_changed(stmt, source.tree, parents) if stmt is not None else None
        if change is not None:
            yield SharedCopy(fn, node.attr, source, stmt, change)


def _item_changed(stmt, tree, parents):
    """The first statement of ``tree`` changing in place an item of the copy ``stmt``
    binds (``m["a"].append(v)``, ``m["a"][0] = v``; not ``m["a"] += [v]``, which rebinds
    an item that is a number), else None."""
    copy = stmt.targets[0].id
    for node in S.walk_nodes(tree):
        item = parents.get(node) if isinstance(node, gast.Name) and node.id == copy else None
        if not (isinstance(item, gast.Subscript) and item.value is node):
            continue
        above = parents.get(item)
        if isinstance(above, gast.Attribute) and above.attr in CHANGING_METHODS \
                or isinstance(above, gast.Subscript) and above.value is item and not isinstance(above.ctx, gast.Load):
            while not isinstance(above, gast.stmt):
                above = parents[above]
            return above
    return None


def _text(stmt):
    """The statement ``stmt`` as Python code (a message quotes it)."""
    return ast.unparse(gast.gast_to_ast(stmt)).strip()
