"""How mixed_lists.py reads a list it writes as its parts: a loop over it written out
once per new object and once per run (``for t in new``, also ``for k in range(len(new))``
reading ``new[k]``), ``len(new)`` as the sum of the parts' lengths, and ``new[k]`` at a
constant position as the new object's name. Any other read of the list refuses the
rewrite (``Refused``)."""

import gast

from ...core import syntax as S
from ...core.walk import own_jumps
from .mixed_list_loops import as_item_loop, constant_index
from .scopes import LATE_READERS
from ..written_in import text_of

CATCHING = (gast.Try, gast.With) + ((gast.TryStar,) if hasattr(gast, "TryStar") else ())


class Refused(Exception):
    """The list is not of the form the module docstring names."""


class ListUses:
    """The reads of the list, for mixed_lists' writer (which has ``name``, ``parts``,
    ``parents``, ``tree``, ``normalizer``, ``used``, ``_named``, ``_fresh`` and
    ``_refuse_in_words``)."""

    def _uses(self, stmt):
        """``stmt`` with its loops over the list written out, its lengths and items read off the parts."""
        if not self._named(stmt):
            return [stmt]
        if isinstance(stmt, gast.For) and isinstance(stmt.iter, gast.Name) and stmt.iter.id == self.name:
            return self._loop(stmt)
        by_items = isinstance(stmt, gast.For) and as_item_loop(     # for k in range(len(new)): new[k]...
            self.normalizer, stmt, self.name, self._fresh)
        if by_items:
            self.parents.update({id(c): n for n in S.walk_nodes(by_items) for c in gast.iter_child_nodes(n)})
            return self._loop(by_items) + self._left_bound(stmt)
        if isinstance(stmt, gast.For) and self._named(stmt.iter) and any(
                isinstance(n, gast.Subscript) and isinstance(n.value, gast.Name) and n.value.id == self.name
                and constant_index(n.slice) is None for s in stmt.body for n in S.walk_nodes(s)):
            over = text_of(stmt.iter)       # (as the user wrote it: _walked reads len(new) off the parts)
            try:
                return self._walked(stmt)
            except Refused:
                self._refuse_counted(stmt, over)
        return self._walked(stmt)

    def _walked(self, stmt):
        """``stmt`` with the statements of its blocks and its expressions read off the parts."""
        for field, value in gast.iter_fields(stmt):
            if isinstance(value, list) and value and isinstance(value[0], gast.stmt):
                setattr(stmt, field, [s for inner in value for s in self._uses(inner)])
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, gast.excepthandler):
                        item.body = [s for inner in item.body for s in self._uses(inner)]
                    elif isinstance(item, gast.AST) and not isinstance(item, gast.stmt):
                        self._reads(item, stmt)
            elif isinstance(value, gast.AST):
                self._reads(value, stmt)
        return [stmt]

    def _left_bound(self, loop):
        """Where ``k`` of ``for k in range(len(new))``, written as a loop over the items, is
        read after the loop: ``k`` bound as Python leaves it (``len(new) - 1``, where the
        loop ran), after it."""
        name = loop.target.id
        if self._read_in_loops_only(name):
            return []
        if any(isinstance(n, CATCHING) for n in S.walk_nodes(self.tree)):
            self._refuse_counted(loop, text_of(loop.iter), "is read after that loop in a function with a try or "
                                 "with statement, where a pass raising an exception leaves it bound to that pass")
        last = gast.copy_location(S.assign(name, gast.BinOp(left=self._length(), op=gast.Sub(), right=S.const(1))),
                                  loop)
        if not all(p.run for p in self.parts):
            return [last]       # (it holds a new object: the loop runs)
        ran = gast.Compare(left=self._length(), ops=[gast.Gt()], comparators=[S.const(0)])
        return [gast.copy_location(gast.If(test=ran, body=[last], orelse=[]), loop)]

    def _refuse_counted(self, loop, over, why=None):
        """Refuse ``for k in range(len(new))`` (``over``: its iterable's text) not written as
        a loop over the items, saying why."""
        counter = loop.target.id if isinstance(loop.target, gast.Name) else "the loop's variable"
        self._refuse_in_words(
            f"'{counter}', the variable of the loop over {over} (line "
            f"{self.normalizer.source.file_line(loop)}), " + (why or (
                f"indexes it ({self.name}[...]), and astgrad writes such a loop as one over its items only where it "
                f"runs over range(len({self.name})) and reads '{counter}' there only as {self.name}[{counter}]")),
            f"loop over range(len({self.name})) reading the objects only as {self.name}[{counter}], or over "
            f"{self.name} itself (for layer in {self.name}: ...), counting the passes in a name of your own "
            f"(i = i + 1)")

    def _reads(self, expression, owner):
        """``len(new)`` and ``new[k]`` in ``expression`` read off the parts; any other read refused."""
        for node in list(S.walk_nodes(expression)):
            if not (isinstance(node, gast.Name) and node.id == self.name):
                continue
            parent = self.parents.get(id(node))
            above = self.parents.get(id(parent))
            if isinstance(parent, gast.Call) and isinstance(parent.func, gast.Name) and parent.func.id == "len" \
                    and parent.args == [node] and not parent.keywords and isinstance(node.ctx, gast.Load):
                S.replace_child(above, parent, gast.copy_location(self._length(), parent))
            elif isinstance(parent, gast.Subscript) and isinstance(parent.ctx, gast.Load) and parent.value is node:
                S.replace_child(above, parent, gast.copy_location(S.name(self._item(parent.slice)), parent))
            elif isinstance(parent, gast.BinOp) and isinstance(parent.op, gast.Add) and isinstance(node.ctx, gast.Load):
                joined = self._joined()
                for made in S.walk_nodes(joined):
                    gast.copy_location(made, node)
                S.replace_child(parent, node, joined)       # [Layer(w)] + new
            else:
                raise Refused

    def _length(self):
        self.used |= {p.name for p in self.parts}
        terms = [S.call(S.name("len"), [S.name(p.name)]) if p.run else S.const(1) for p in self.parts]
        total = terms[0]
        for term in terms[1:]:
            total = gast.BinOp(left=total, op=gast.Add(), right=term)
        return total

    def _joined(self):
        """The list's parts joined by ``+``, a new list of the items it holds now, as
        ``[Layer(w)] + new`` makes one (``[new_1] + new_2``: a run as it is, a new object in
        a display): so a list holding it is written as its parts in turn."""
        self.used |= {p.name for p in self.parts}
        terms = [S.name(p.name) if p.run else gast.List(elts=[S.name(p.name)], ctx=gast.Load()) for p in self.parts]
        if len(terms) == 1 and self.parts[0].run:
            terms.insert(0, gast.List(elts=[], ctx=gast.Load()))     # (still a new list, not the run itself)
        total = terms[0]
        for term in terms[1:]:
            total = gast.BinOp(left=total, op=gast.Add(), right=term)
        return total

    def _item(self, index):
        k = constant_index(index)
        if k is None:
            raise Refused
        parts = self.parts if k >= 0 else self.parts[::-1]
        position = k if k >= 0 else -k - 1
        if any(p.run for p in parts[:position + 1]) or position >= len(parts):
            raise Refused
        return parts[position].name

    def _loop(self, loop):
        """``for t in new: body`` as the body once per new object (``t`` read as its name)
        and a loop per run."""
        target = loop.target
        if not isinstance(target, gast.Name) or loop.orelse or any(own_jumps(loop.body)) \
                or any(isinstance(n, LATE_READERS) for s in loop.body for n in S.walk_nodes(s)) \
                or any(isinstance(n, gast.Name) and n.id == target.id and isinstance(n.ctx, gast.Store)
                       for s in loop.body for n in S.walk_nodes(s)):
            raise Refused
        if not self._read_in_loops_only(target.id):
            line = self.normalizer.source.file_line(loop)
            self._refuse_in_words(
                f"'{target.id}', the variable of the loop over '{self.name}' (line {line}), is read after that loop, "
                f"where astgrad writes the loop out once per new object and once per list of moved ones",
                f"to use an object after the loop, keep it in a name of its own (last = {self.name}[-1] where "
                f"it is a new object, or the object itself bound to a name before it joins '{self.name}')", first=True)
        out = []
        self.used |= {p.name for p in self.parts}
        for part in self.parts:
            body = [S.copy(s) for s in loop.body]
            self.parents.update({id(c): n for s in body for n in S.walk_nodes(s) for c in gast.iter_child_nodes(n)})
            body = [s for inner in body for s in self._uses(inner)]
            if part.run:
                out.append(gast.copy_location(gast.For(target=S.name(target.id, store=True), iter=S.name(part.name),
                                                       body=body, orelse=[], type_comment=None), loop))
            else:
                out.extend(read_as(s, target.id, part.name) for s in body)
        return out

    def _read_in_loops_only(self, name):
        """Whether every read of ``name`` is inside a ``for`` loop binding it."""
        for node in S.walk_nodes(self.tree):
            if isinstance(node, gast.Name) and node.id == name:
                parent = self.parents.get(id(node))
                while parent is not None and not (isinstance(parent, gast.For) and isinstance(parent.target, gast.Name)
                                                  and parent.target.id == name):
                    parent = self.parents.get(id(parent))
                if parent is None:
                    return False
        return True


def read_as(stmt, name, other):
    """``stmt`` reading ``other`` where it reads ``name`` (a new node at each read)."""
    for node in S.walk_nodes(stmt):
        if isinstance(node, gast.Name) and node.id == name and isinstance(node.ctx, gast.Load):
            node.id = other
    return stmt
