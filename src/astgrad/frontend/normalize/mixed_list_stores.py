"""A store into a list of new and moved objects (mixed_lists.py) at a constant index:
the part there replaced by the value stored, a run of items moved out of another list
cut in three around the item replaced (``old = layers[:]; old[1] = Layer(w)``: ``layers[:1]``,
the item as a list ``layers[1:2]`` whose emptiness raises Python's IndexError at the store,
and ``layers[2:]``). A negative index counted from the end of the first part, a run of a
length known only when the code runs (``old[-1] = Layer(w)``), cuts it at a position found
when the copy is made. A store this cannot place is refused in words saying where it
stores (``_refuse_store``)."""

import gast

from ...core import syntax as S
from ..written_in import text_of
from .mixed_list_loops import constant_index
from .mixed_list_uses import Refused


class Part:
    """One new object (``run`` False) or one run of items (``run`` True) held in ``name``;
    ``cut``: (the binding statement, the list, lower, upper) of a run made by a slice;
    ``length``: its number of items where known (a run cut off before a store's item)."""

    def __init__(self, name, run, cut=None, length=None):
        self.name, self.run, self.cut = name, run, cut
        self.length = length if run else 1


class PartStores:
    """The stores into the list, for mixed_lists' writer (which has ``name``, ``parts``,
    ``used``, ``made``, ``built``, ``cuts_run``, ``normalizer``, ``_named``, ``_bind``,
    ``_fresh``, ``_origin``, ``_builds_object`` and ``_refuse_in_words``)."""

    def _store(self, stmt, out):
        """``new[k] = v``: the part at ``k`` replaced by ``v`` (a run cut where it is the last
        part, or the first for a negative ``k``); where not followed, refused in words."""
        index = constant_index(stmt.targets[0].slice)
        if self._named(stmt.value):
            raise Refused
        if index is None:
            self._refuse_store(stmt, "at a position known only when the code runs")
        try:
            at, j = _landing(self.parts, index)
        except Refused:
            if index >= 0 or all(p.length is not None for p in self.parts):
                raise       # (past the end of parts of known lengths: Python's IndexError, left to the code)
            self._refuse_store(stmt, "at a position counted from its end, reached through objects whose number "
                                     "astgrad does not know when it generates code (which item it replaces depends "
                                     "on that number)")
        part = self.parts[at]
        if not part.run:
            self._bind(stmt.value, stmt, out, run=False)
            self.parts[at] = self.parts.pop()
            return
        if part.length is None and at != len(self.parts) - 1 and j >= 0:
            self._refuse_store(stmt, "at a position counted from its start, reached through objects whose number "
                                     "astgrad does not know when it generates code (which item it replaces depends "
                                     "on that number)")
        if part.cut is None:
            self._refuse_store(stmt, "into a part of it astgrad keeps whole (a list named in the code, or the "
                                     "objects a loop appends)")
        self._cut_run(at, j, stmt, out)

    def _refuse_store(self, stmt, where):
        """Refuse the store ``stmt`` into the list, saying ``where`` it stores."""
        origin = self._origin()
        target = text_of(stmt.targets[0])
        self.built |= isinstance(stmt.value, gast.Call) and self._builds_object(stmt.value)
        self._refuse_in_words(
            f"'{target} = ...' (line {self.normalizer.source.file_line(stmt)}) stores into it {where}", (
                f"store at a position counted from the start before the moved objects, or from the end of a copy "
                f"({self.name} = {origin}[:]; {self.name}[-1] = Layer(...)), or build the list from its parts "
                f"([Layer(...)] + {origin}[1:-1] + [Layer(...)])"), origin, store=stmt, first=True)

    def _cut_run(self, at, j, stmt, out):
        """Store at item ``j`` of the part ``at``, a run ``L[a:b]`` (the last part, or of a
        known length; ``j`` negative: counted from the end of the first part, of a length
        known only when the code runs): the run cut in three."""
        part = self.parts[at]
        binding, listed, lower, upper = part.cut
        if j >= 0 and upper is not None and lower + j >= upper:
            raise Refused
        names = [self._fresh(), self._fresh()]
        where = next(k for k, s in enumerate(out) if s is binding) + 1
        split, made = lower + j, []
        if j < 0:       # the item's position in L, found when the copy is made
            split, made = self._fresh(), [_position_from_end(listed, lower, upper, -j, binding)]
            made[0].targets[0].id = split
        head_name = part.name
        if part.name in self.used:
            # read whole before the store (len(new), a loop over it): it keeps the whole run
            # for those reads, and the head is a new list of its own, as the item and the tail are
            head_name, binding = self._fresh(), gast.copy_location(S.assign(self.made[-1], None), binding)
            out.insert(where, binding)
            where += 1
        out[where - 1:where - 1] = made
        where += len(made)
        binding.value = _slice(listed, lower, split)
        after = split + 1 if j >= 0 else gast.BinOp(left=S.name(split), op=gast.Add(), right=S.const(1))
        out[where:where] = [gast.copy_location(S.assign(names[0], _slice(listed, split, after)), binding),
                            gast.copy_location(S.assign(names[1], _slice(listed, after, upper)), binding)]
        if j < 0:       # (its head and tail cut at a position known only when the code runs: not cut again)
            head, tail = Part(head_name, True), Part(names[1], True, length=-j - 1)
        else:
            head = Part(head_name, True, (binding, listed, lower, lower + j), j)
            tail = Part(names[1], True, (out[where + 1], listed, lower + j + 1, upper),
                         None if part.length is None else part.length - j - 1)
        new = self._bind(stmt.value, stmt, out, run=False)
        self.parts.pop()                # (the part _bind added: placed below)
        missing = S.parse_stmts("if len(item) == 0:\n    raise IndexError('list assignment index out of range')")
        for node in S.walk_nodes(missing[0]):
            gast.copy_location(node, stmt)
            if isinstance(node, gast.Name) and node.id == "item":
                node.id = names[0]
        out.append(missing[0])
        self.parts[at:at + 1] = [head, Part(new, False), tail]
        self.cuts_run = True


def _landing(parts, index):
    """(the part the item ``index`` is in, its position there), walking parts of known
    length from the start (from the end, for a negative index) to the first of unknown
    length, which holds it where no part before it does: for a negative index, only the
    first part, and the position then counted from its end (-1 for its last item)."""
    order = range(len(parts)) if index >= 0 else range(len(parts) - 1, -1, -1)
    offset = index if index >= 0 else -index - 1
    for k in order:
        length = parts[k].length
        if length is None or offset < length:
            if length is None and index < 0:
                if k != 0:
                    raise Refused      # (a part before it holds the item where it is short)
                return k, -offset - 1
            return k, offset if index >= 0 else length - 1 - offset
        offset -= length
    raise Refused          # (past the end: Python's IndexError, left to the code as it is)


def _slice(listed, lower, upper):
    """``listed[lower:upper]``, each bound an int, a name (str), an expression or None."""
    def bound(b):
        return b if isinstance(b, gast.AST) else S.name(b) if isinstance(b, str) else S.const(b)
    return gast.Subscript(value=S.name(listed), slice=gast.Slice(
        lower=bound(lower) if lower else None, upper=None if upper is None else bound(upper), step=None),
        ctx=gast.Load())


def _position_from_end(listed, lower, upper, back, at):
    """``position = ...``: where in ``listed`` the item ``back`` from the end of
    ``listed[lower:upper]`` is; past its start (no such item), ``len(listed)``, so that the
    item's slice is empty and the store raises Python's IndexError."""
    end = f"len({listed})" if upper is None else f"min({upper}, len({listed}))"
    binding = S.parse_stmts(f"position = {end} - {back} if {end} - {back} >= {lower} else len({listed})")[0]
    for node in S.walk_nodes(binding):
        gast.copy_location(node, at)
    return binding
