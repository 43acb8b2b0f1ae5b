"""Sets of differentiated numbers: ``sum({v * v for v in xs})``, ``s = set(ys)`` then
``for v in s``. Where the code only reads the set (sums it, loops over it, takes its
length, sorts it, asks ``v in s``), the set is the list of what it holds, in the set's
order (``runtime.distinct``): every read gives what it gives on the set, and the
derivative flows to the item the set kept, the first of equal ones. A set used otherwise
(``s | t``, ``s.add(v)``, compared, returned) stays a set, whose items carry no
derivative (a set of differentiated values is refused there by ``set``'s rules). Arrays
are unhashable: a set of them raises Python's TypeError either way."""

import builtins

import gast

from ... import runtime
from ...core import syntax as S

_READERS = (builtins.sum, builtins.len, builtins.sorted, builtins.min, builtins.max, builtins.list,
            builtins.tuple, builtins.enumerate, builtins.any, builtins.all)


class SetLowering:
    """Normalizer methods for sets only read."""

    def set_value(self, node, items):
        """The lowered set ``node`` (a set display, comprehension or ``set(...)`` call) of
        the list expression ``items``."""
        atom = self.atom(items, hint="items")
        if not isinstance(node, gast.Call):     # ({*vs}, {v for v in vs}: set(vs)'s check is hooked_reads.py's)
            what = "a set comprehension" if isinstance(node, gast.SetComp) else "a set display"
            self.emit(gast.Expr(value=self.runtime_call(runtime.check_item_hooks, [
                atom, S.const("hash"), S.const(what), S.const(self.source.place(node))])))
        if id(node) in self.read_only_sets():
            return self.runtime_call(runtime.distinct, [atom])
        return self.builtin_call("set", [atom])

    def read_only_sets(self):
        """The ids of the set nodes of the function's code whose value is only read."""
        found = getattr(self, "_read_only_sets", None)
        if found is not None:
            return found
        parents = {id(child): node for node in S.walk_nodes(self.source.tree) for child in S.child_nodes(node)}
        uses = {}
        for node in S.walk_nodes(self.source.tree):
            if isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load):
                uses.setdefault(node.id, []).append(node)
        found = self._read_only_sets = set()
        for node in S.walk_nodes(self.source.tree):
            if not self.makes_set(node):
                continue
            parent = parents.get(id(node))
            if self.only_reads(parent, node):
                found.add(id(node))
            elif isinstance(parent, gast.Assign) and len(parent.targets) == 1 \
                    and isinstance(parent.targets[0], gast.Name) and self.bound_count[parent.targets[0].id] == 1 \
                    and all(self.only_reads(parents.get(id(use)), use) for use in uses.get(parent.targets[0].id, [])):
                found.add(id(node))
        return found

    def makes_set(self, node):
        return isinstance(node, (gast.SetComp, gast.Set)) or isinstance(node, gast.Call) \
            and len(node.args) == 1 and not node.keywords and self.resolve_call(node) is builtins.set

    def only_reads(self, parent, child):
        if isinstance(parent, gast.Call):
            return child in parent.args and self.resolve_call(parent) in _READERS
        if isinstance(parent, (gast.For, gast.comprehension)):
            return parent.iter is child
        return isinstance(parent, gast.Compare) and child in parent.comparators \
            and all(isinstance(op, (gast.In, gast.NotIn)) for op in parent.ops)
