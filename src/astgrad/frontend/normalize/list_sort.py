"""``xs.sort(key=..., reverse=...)`` on a list the function made: ``xs[:] = sorted(xs,
key=..., reverse=...)``. The list is reordered in place, as Python sorts it, so a name
sharing the list sees the new order; the key (a lambda or local def too) is followed as
in ``sorted``. ``xs`` must be bound only to new lists (a display, a comprehension,
``list(...)``, ``sorted(...)``): an array's ``sort`` is another method (array_writes.py)."""

import builtins

import gast

from ...core import syntax as S
from .dicts import bound_only_to


class ListSortLowering:
    """Normalizer method for ``xs.sort(key=...)``."""

    def list_sort(self, call):
        """``xs.sort(key=k, reverse=r)`` (either optional) as a statement: ``xs[:] = sorted(xs, key=k,
        reverse=r)``. Whether it was one."""
        func = call.func
        if not (isinstance(func, gast.Attribute) and func.attr == "sort" and isinstance(func.value, gast.Name)
                and not call.args and all(k.arg in ("key", "reverse") for k in call.keywords)
                and bound_only_to(self, func.value.id, (gast.List, gast.ListComp), (builtins.list, builtins.sorted))):
            return False
        owner = func.value.id
        ordered = self.builtin_call("sorted", [S.name(owner)])
        ordered.keywords = call.keywords
        whole = gast.Slice(lower=None, upper=None, step=None)
        target = gast.Subscript(value=S.name(owner), slice=whole, ctx=gast.Store())
        write = S.assign(target, ordered)
        write.lineno = self.line
        self.statement(write)
        return True
