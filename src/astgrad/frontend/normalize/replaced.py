"""``dataclasses.replace(p, lr=v)`` and ``s._replace(h=v)`` (a namedtuple): a new object of
the same class, each field the new value given for it or the old one read from the
object, built as ``record(type(p), items)`` (runtime_objects.py), so the derivative of
each field goes to the new value or back to the old object:

    names = replaceable_fields(p, changes, 'replace')    # Python's errors for a bad name
    items = fields_dict(names, [changes[n] if n in changes else p.<n> for n in names])
    q = record(type(p), items)

(a namedtuple's items are a tuple, in field order). The class is read when the code
runs, so ``p`` may be an argument of any dataclass or namedtuple class. ``s._asdict()`` is
the ``items`` dict alone, with no change given. ``Cfg._make(items)`` is ``Cfg(*items)``."""

import collections

import gast

from ... import runtime_objects
from ...records import is_dataclasses_replace
from ...core import syntax as S
from .. import object_layouts as L
from .methods import _record_kind

# The code of namedtuple's own ``_make`` (each class gets a function sharing it): a class
# that defines its own ``_make`` is not lowered.
_NAMEDTUPLE_MAKE = collections.namedtuple("_Probe", "a")._make.__func__.__code__


class ReplaceLowering:
    """Normalizer methods for dataclasses.replace and namedtuple._replace."""

    def replace_call(self, node):
        """The lowered call, or None when ``node`` is not one of the two."""
        if node.keywords and any(kw.arg is None for kw in node.keywords):
            return None
        if is_dataclasses_replace(self.resolve_call(node)) and len(node.args) == 1 \
                and not isinstance(node.args[0], gast.Starred):
            return self.replaced(node.args[0], node.keywords, "replace")
        if isinstance(node.func, gast.Attribute) and node.func.attr == "_replace" and not node.args \
                and not (isinstance(node.func.value, gast.Name) and node.func.value.id in self.functions):
            return self.replaced(node.func.value, node.keywords, "_replace")
        if isinstance(node.func, gast.Attribute) and node.func.attr == "_asdict" and not node.args \
                and not node.keywords and not (isinstance(node.func.value, gast.Name)
                                               and node.func.value.id in self.functions):
            return self.replaced(node.func.value, [], "_asdict")
        made = self.namedtuple_made(node)
        return None if made is None else self.expr_Call(made)

    def replaced_layout(self, node, depth):
        """The layout of ``p._replace(a=v)`` or ``dataclasses.replace(p, a=v)`` (keywords
        only) where ``p``'s is known and its class a namedtuple's or a dataclass's: an
        object of the same class, each field given its new value's layout; else None."""
        func = node.func
        if isinstance(func, gast.Attribute) and func.attr == "_replace" and not node.args:
            old = func.value
        elif len(node.args) == 1 and is_dataclasses_replace(self.resolve_call(node)):
            old = node.args[0]
        else:
            return None
        layout = self.static_layout(old, depth)
        if layout is None or layout[0] != L.OBJECT or _record_kind(layout[1]) is None \
                or any(kw.arg is None for kw in node.keywords):
            return None
        given = {kw.arg: kw.value for kw in node.keywords}
        kept = [(name, tree) for name, tree in layout[2] if name not in given]
        new = [(name, self.static_layout(value, depth - 1)) for name, value in given.items()]
        attributes = kept + [(name, tree) for name, tree in new if tree is not None]
        return (L.OBJECT, layout[1], tuple(sorted(attributes, key=lambda pair: pair[0])), layout[3])

    def namedtuple_made(self, node):
        """``Cfg._make(items)`` of a namedtuple class as ``Cfg(*items)``, or None."""
        if not (isinstance(node.func, gast.Attribute) and node.func.attr == "_make"
                and len(node.args) == 1 and not node.keywords
                and not isinstance(node.args[0], gast.Starred)):
            return None
        path = S.dotted_path(node.func.value)
        if path is None or path[0] in self.locals:
            return None
        owner = self.source.resolve_path(path)
        if not (isinstance(owner, type) and issubclass(owner, tuple) and hasattr(owner, "_fields")
                and getattr(owner, "_make", None) is not None
                and getattr(getattr(owner._make, "__func__", None), "__code__", None) is _NAMEDTUPLE_MAKE):
            return None
        items = node.args[0]
        if isinstance(items, (gast.List, gast.Tuple)):
            if len(items.elts) != len(owner._fields):
                raise self._refuse(f"{owner.__name__}._make of {len(items.elts)} items for "
                                   f"{len(owner._fields)} fields", node, "give one item per field")
            args = list(items.elts)
        else:                   # a, b, c = items: Python's check of the count
            args = [self.namer.fresh("item") for _ in owner._fields]
            self.locals.update(args)
            self.assign(gast.Tuple(elts=[S.name(n, store=True) for n in args], ctx=gast.Store()), items)
            args = [S.name(n) for n in args]
        return gast.Call(func=S.copy(node.func.value), args=args, keywords=[])

    def replaced(self, receiver, keywords, how):
        obj = self.atom(receiver, hint="obj")
        if not isinstance(obj, gast.Name):
            obj = S.name(self.fresh_assign(obj, "obj"))
        changes = self.fresh_assign(gast.Dict(keys=[S.const(kw.arg) for kw in keywords],
                                              values=[self.atom(kw.value) for kw in keywords]), "changes")
        names, items, n = (self.namer.fresh(hint) for hint in ("names", "items", "n"))
        self.locals.update((changes, names, items, n))
        helpers = {name: self.bind_value(obj, name) for name, obj in (
            ("replaceable_fields", runtime_objects.replaceable_fields), ("attribute", runtime_objects.attribute),
            ("fields_dict", runtime_objects.fields_dict))}
        item = f"{changes}[{n}] if {n} in {changes} else {helpers['attribute']}({obj.id}, {n})"
        display = f"tuple([{item} for {n} in {names}])" if how == "_replace" \
            else f"{helpers['fields_dict']}({names}, [{item} for {n} in {names}])"
        text = (f"{names} = {helpers['replaceable_fields']}({obj.id}, {changes}, {how!r})\n"
                f"{items} = {display}\n")
        for stmt in gast.parse(text).body:
            self.statement(self.at_line(stmt))
        if how == "_asdict":        # s._asdict(): the dict of its fields, {name: s.<name>}
            return S.name(items)
        cls = self.fresh_assign(self.builtin_call("type", [S.copy(obj)]), "cls")
        return self.runtime_call(runtime_objects.record, [S.name(cls), S.name(items)])
