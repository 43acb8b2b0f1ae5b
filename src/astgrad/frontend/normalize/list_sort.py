"""``xs.sort(key=..., reverse=...)`` on a list the function made: ``xs[:] = sorted(xs,
key=..., reverse=...)``. The list is reordered in place, as Python sorts it, so a name
sharing the list sees the new order; the key (a lambda or local def too) is followed as
in ``sorted``. ``xs`` must be bound only to new lists (a display, a comprehension,
``list(...)``, ``sorted(...)``): an array's ``sort`` is another method.

``y.sort(axis=..., kind=..., stable=...)`` on any other local name (not a parameter,
whose array belongs to the caller): ``y[...] = numpy.sort(y, ...)``, the write NumPy's
in-place sort makes, after a check when the code runs that ``y`` is a NumPy array. The
write is followed as any write into an array is (through the views and the names that
share it, or refused where the array is an argument's)."""

import builtins

import gast
import numpy

from ... import runtime
from ...core import syntax as S
from .dicts import bound_only_to
from .scopes import parameters

# ndarray.sort's options that only choose the algorithm or the axis (order= sorts records)
_ARRAY_SORT_OPTIONS = ("axis", "kind", "stable")


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

    def array_sort(self, call, written):
        """``y.sort(...)`` (``call``, normalized from the statement's ``written``) on a
        local name that no other lowering took (not a list the function made, not an
        object of a class of yours), as statements: ``check_array_method(y, "sort",
        where); y[...] = numpy.sort(y, ...)``. Whether it was one."""
        func = call.func
        if not (isinstance(func, gast.Attribute) and func.attr == "sort" and isinstance(func.value, gast.Name)
                and len(call.args) <= 1 and all(k.arg in _ARRAY_SORT_OPTIONS for k in call.keywords)
                and func.value.id in self.locals and func.value.id not in parameters(self.source.tree)):
            return False
        owner = func.value.id
        where = S.const(f"{self.source.filename}:{self.source.file_line(written)}")
        check = gast.Call(func=S.name(self.bind(runtime.check_array_method)),
                          args=[S.name(owner), S.const("sort"), where], keywords=[])
        self.statement(gast.copy_location(S.expr_stmt(check), written))
        ordered = gast.Call(func=S.name(self.bind(numpy.sort)), args=[S.name(owner)] + call.args,
                            keywords=call.keywords)
        whole = gast.Constant(value=Ellipsis, kind=None)
        write = S.assign(gast.Subscript(value=S.name(owner), slice=whole, ctx=gast.Store()), ordered)
        self.statement(gast.copy_location(write, written))
        return True
