"""Reverse mode's forward sweep: the function's own statements, plus the saves.

Each statement is written as the program wrote it; before an assignment that
overwrites a value the reverse sweep will need, the planned save runs. Loops also
record what the reverse loop replays: a while loop counts its iterations, and
``for k, item in enumerate(xs)`` pushes each item.
"""

import gast

from ..analysis import raising
from ..core import anno
from ..core import syntax as S
from ..core.anno import Key
from .save_code import method_call, save_statement
from .common import if_as_written


class ForwardSweep:
    """Writes the forward sweep of ``mode`` (a ReverseMode) after its saves are planned.

    ``item_stacks`` lists the stacks that enumerate loops push their items to."""

    def __init__(self, mode):
        self.mode = mode
        self.item_stacks = []
        self.saved_before = set()       # write-backs whose save runs before the write they follow

    def block(self, block):
        out = []
        for position, stmt in enumerate(block):
            following = block[position + 1] if position + 1 < len(block) else None
            if following is not None and anno.get(following, Key.SAVE) and _written_back(stmt, following):
                # t[k] = v; d[a] = t: d[a] saved before t is written (the item as it was),
                # so the write-back follows the write at once, as it did in the program
                saving = self.save(anno.get(following, Key.SAVE))
                out += [saving] if saving is not None else []
                self.saved_before.add(id(following))
            out += self.statement(stmt)
        return out

    def statement(self, stmt):
        if isinstance(stmt, gast.Assign):
            # the statement itself, not a copy: the adjoint sweep only reads it (copying its
            # atoms into what it writes), and the optimize passes change the derivative after
            new = self.mode.as_written(stmt) if anno.get(stmt, Key.RESTORES, False) else stmt
            save = anno.get(stmt, Key.SAVE) if id(stmt) not in self.saved_before else None
            saving = self.save(save) if save else None
            if saving is None:
                return self.overlap_check(stmt) + [new]
            reason = anno.get(stmt, Key.MAY_RAISE)
            if save.index is not None and reason is not None and reason[0] == raising.UNBOUND:
                # the save of y[i] reads y and i, as the write does: checked before it
                anno.set(saving, Key.MAY_RAISE, reason)
            return _value_read_first(stmt, self.mode.namer) + self.length_check(stmt, save) \
                + self.overlap_check(stmt) + [saving, new]
        if isinstance(stmt, gast.If) and anno.get(stmt, Key.CATCHES, False):
            from .try_steps import forward_try     # loaded by the first try: most code has none
            return forward_try(self, stmt)
        if isinstance(stmt, gast.If):
            return [_reads_as(stmt, if_as_written(stmt, self.block))]
        if isinstance(stmt, gast.For):
            return self.for_loop(stmt)
        if isinstance(stmt, gast.While):
            return self.while_loop(stmt)
        if isinstance(stmt, (gast.Expr, gast.Raise, gast.Assert, gast.Break, gast.Pass)):
            return [S.copy(stmt)]
        raise self.mode.source.error(f"unexpected statement {type(stmt).__name__}", stmt)

    def save(self, save):
        return save_statement(save, self.mode.helper_call)

    def length_check(self, stmt, save):
        """Before ``xs[i:j] = v``, whose reverse sweep puts the slice back by its place:
        the check that a list keeps its length (``slice_write_keeps_length``, runtime.py)."""
        if not isinstance(save.index, gast.Slice) or not isinstance(stmt.value, (gast.Name, gast.Constant)):
            return []
        source = self.mode.source
        # the slice's bounds, not the slice read (a view of an array: memory the write shares)
        bounds = [S.copy(part) if part is not None else S.const(None)
                  for part in (save.index.lower, save.index.upper, save.index.step)]
        check = self.mode.helper_call("slice_write_keeps_length", [
            S.name(save.name), *bounds, S.copy(stmt.value), S.const(source.place(stmt))])
        return [S.expr_stmt(check)]

    def overlap_check(self, stmt):
        """Before ``y[i] = v`` where ``v`` may share ``y``'s memory: the check that NumPy
        reads all of ``v`` before it writes (``write_reads_value_first``, runtime.py)."""
        if not anno.get(stmt, Key.VALUE_MAY_OVERLAP, False):
            return []
        target, source = stmt.targets[0], self.mode.source
        check = self.mode.helper_call("write_reads_value_first", [
            S.copy(target.value), self.mode.index_value(target.slice), S.copy(stmt.value),
            S.const(source.place(stmt))])
        return [S.expr_stmt(check)]

    def for_loop(self, stmt):
        pre = [self.save(s) for s in anno.get(stmt, Key.TARGET_SAVES)]
        body = self.block(stmt.body)
        if isinstance(stmt.target, gast.Tuple):     # for k, item in enumerate(xs)
            index, item = (e.id for e in stmt.target.elts)
            pre.append(S.assign(index, S.const(-1)))
            item_stack = anno.get(stmt, Key.ITEM_STACK)
            if item_stack not in self.item_stacks:
                self.item_stacks.append(item_stack)
            push_stmt = S.expr_stmt(method_call(item_stack, "append", [S.name(item)]))
            anno.set(push_stmt, Key.ITEM_PUSH, item_stack)
            body = [push_stmt] + body
        loop = gast.For(target=S.copy(stmt.target), iter=S.copy(stmt.iter), body=body or [gast.Pass()],
                        orelse=[], type_comment=None)
        anno.set(loop, Key.RANGE_LOOP, isinstance(stmt.target, gast.Name))
        return pre + [_reads_as(stmt, loop)]

    def while_loop(self, stmt):
        pre = [self.save(s) for s in anno.get(stmt, Key.TARGET_SAVES)]
        counter = anno.get(stmt, Key.COUNTER)
        pre.append(S.assign(counter, S.const(0)))
        count = S.assign(counter, gast.BinOp(left=S.name(counter), op=gast.Add(), right=S.const(1)))
        body = [count] + self.block(stmt.body)
        return pre + [_reads_as(stmt, gast.While(test=S.copy(stmt.test), body=body, orelse=[]))]


def _reads_as(stmt, new):
    """``new``, the forward sweep's ``stmt`` (an if or a loop), marked as reading a name
    that may be unbound where ``stmt`` is, so its test or iterable gets the check."""
    reason = anno.get(stmt, Key.MAY_RAISE)
    if reason is not None:
        anno.set(new, Key.MAY_RAISE, reason)
    return new


def _value_read_first(stmt, namer):
    """Python evaluates the value of ``y[i] = v`` before ``y`` and ``i``, which the save
    before it reads: a name of the value that may be unbound is read first, so that the
    error names it, as Python's does (kept, as a read that may raise)."""
    reason = anno.get(stmt, Key.MAY_RAISE)
    if not reason or reason[0] != raising.UNBOUND:
        return []
    reads = []
    for name in dict.fromkeys(S.loaded_names(stmt.value)):
        if name in reason[1]:
            read = S.assign(namer.fresh("read"), S.read_of(name))       # emitted as `v`, commented
            anno.set(read, Key.MAY_RAISE, (raising.UNBOUND, frozenset([name])))
            reads.append(read)
    return reads


def _written_back(write, following):
    """``t[k] = v`` followed by ``d[a] = t`` (``d[a][k] = v`` as normalized code has it)."""
    return isinstance(write, gast.Assign) and isinstance(write.targets[0], gast.Subscript) \
        and isinstance(write.targets[0].value, gast.Name) and isinstance(following, gast.Assign) \
        and isinstance(following.targets[0], gast.Subscript) and isinstance(following.targets[0].value, gast.Name) \
        and isinstance(following.value, gast.Name) and following.value.id == write.targets[0].value.id
