"""Jumps: ``break``/``continue`` become branches, early ``return``s become a flag.

After this, every ``break`` ends its branch and ``continue`` is gone (the statements
after a conditional jump move into the branches that fall through), and a function
with early returns assigns its result, sets ``returned`` and has one ``return`` at
the end. The reverse sweep can then tell which statements ran from the recorded
branch conditions and trip counts alone.
"""

import gast

from ...core import syntax as S


class JumpLowering:
    """Normalizer methods for ``break``, ``continue`` and early ``return``."""

    def stmt_Break(self, stmt):
        self.emit(gast.Break())

    def stmt_Continue(self, stmt):
        self.emit(gast.Continue())

    def eliminate_returns(self, body):
        """Early returns become ``result = v; returned = True`` (plus ``break`` in loops),
        the statements after them run under ``if not returned``, and one return ends
        the function, so later stages see a single exit."""
        result = self.early_result = self.namer.fresh(self.return_hint())
        flag = self.namer.fresh("returned")
        self.locals |= {result, flag}

        def at(node, stmts):
            for stmt in stmts:
                for sub in S.walk_nodes(stmt):
                    if isinstance(sub, gast.stmt) and getattr(sub, "lineno", None) is None:
                        sub.lineno = getattr(node, "lineno", None)      # keep the user's lines
            return stmts

        def rewrite(block, in_loop):
            out = []
            for position, stmt in enumerate(block):
                if isinstance(stmt, gast.Return):
                    value = stmt.value if stmt.value is not None else S.const(None)
                    out.extend(at(stmt, [S.assign(result, value), S.assign(flag, S.const(True))]
                                  + ([gast.Break()] if in_loop else [])))
                    return out
                if not _contains_return(stmt):
                    out.append(stmt)
                    continue
                if isinstance(stmt, gast.If):
                    stmt.body = rewrite(stmt.body, in_loop) or [gast.Pass()]
                    stmt.orelse = rewrite(stmt.orelse, in_loop)
                elif isinstance(stmt, (gast.For, gast.While)):
                    stmt.body = rewrite(stmt.body, True)
                    stmt.orelse = rewrite(stmt.orelse, in_loop)     # the else runs outside the loop
                else:
                    # with and try/finally: the body runs to its end (guarded by the flag), so
                    # the context manager's exit and the finally body still run after a return
                    if isinstance(stmt, gast.Try):
                        self.refuse_finally_return(stmt)
                        _rewrite_try(stmt, lambda block: rewrite(block, False), flag, at)
                    else:
                        stmt.body = rewrite(stmt.body, False)
                out.append(stmt)
                if in_loop:
                    out.extend(at(stmt, [gast.If(test=S.name(flag), body=[gast.Break()], orelse=[])]))
                rest = rewrite(block[position + 1:], in_loop)
                if rest:
                    guard = gast.If(test=gast.UnaryOp(op=gast.Not(), operand=S.name(flag)), body=rest, orelse=[])
                    out.extend(at(stmt, [guard]))
                return out
            return out

        first = body[0] if body else None
        start = at(first, [S.assign(result, S.const(None)), S.assign(flag, S.const(False))])
        end = at(body[-1], [gast.Return(value=S.name(result))])
        return start + rewrite(body, False) + end


    def refuse_finally_return(self, stmt):
        """``return`` in the finally body of the try ``stmt``: where the try body (or a
        handler) raises, Python returns from the finally body and drops the exception,
        while the derivative's exception propagates without running the finally body."""
        found = next((node for node in S.walk_nodes(gast.Module(body=stmt.finalbody, type_ignores=[]))
                      if isinstance(node, gast.Return)), None)
        if found is not None and _contains_return(gast.Module(body=stmt.finalbody, type_ignores=[])):
            raise self._refuse("return in a finally body", found,
                               "return after the try statement (where the try body raises, Python returns from "
                               "the finally body and drops the exception, which astgrad does not follow)")


def _rewrite_try(stmt, rewrite, flag, at):
    """Early returns in each block of the try ``stmt``; the else clause runs only where
    the body did not return (as in Python, which skips it then)."""
    returns = _contains_return(gast.Module(body=stmt.body, type_ignores=[]))
    stmt.body = rewrite(stmt.body)
    stmt.finalbody = rewrite(stmt.finalbody)
    for handler in stmt.handlers:
        handler.body = rewrite(handler.body) or [gast.Pass()]
    orelse = rewrite(stmt.orelse)
    if orelse and returns:
        orelse = at(stmt, [gast.If(test=gast.UnaryOp(op=gast.Not(), operand=S.name(flag)), body=orelse, orelse=[])])
    stmt.orelse = orelse


def _contains_return(stmt):
    """Whether ``stmt`` returns from the function (a def inside it returns from itself)."""
    if isinstance(stmt, gast.FunctionDef):
        return False
    return isinstance(stmt, gast.Return) or any(_contains_return(child) for child in S.child_nodes(stmt)
                                                if isinstance(child, (gast.stmt, gast.excepthandler)))


def _has_early_return(body):
    """A return anywhere but as the function's last top-level statement."""
    for position, stmt in enumerate(body):
        if isinstance(stmt, gast.Return):
            return position != len(body) - 1
        if _contains_return(stmt):
            return True
    return False


# -- break/continue become branches ---------------------------------------------

def jumps_out(block):
    """Whether a loop body block can break or continue the loop around it (not counting
    inner loops); also through with and try/finally bodies, before they are lowered."""
    for stmt in block:
        if isinstance(stmt, (gast.Break, gast.Continue)):
            return True
        if isinstance(stmt, gast.If) and (jumps_out(stmt.body) or jumps_out(stmt.orelse)):
            return True
        if isinstance(stmt, (gast.With, gast.Try)) and jumps_out(stmt.body + getattr(stmt, "finalbody", [])):
            return True
        if isinstance(stmt, gast.Try) and (jumps_out(stmt.orelse)
                                           or any(jumps_out(h.body) for h in stmt.handlers)):
            return True
    return False


def flag_breaks(block, flag):
    """``block`` (a restructured loop body) with ``flag = True`` before each of its own
    ``break``s, so the code after the loop can tell whether it ended by a break."""
    out = []
    for stmt in block:
        if isinstance(stmt, gast.Break):
            out.append(S.assign(flag, S.const(True)))
            out[-1].lineno = getattr(stmt, "lineno", None)
        elif isinstance(stmt, gast.If):
            stmt.body = flag_breaks(stmt.body, flag)
            stmt.orelse = flag_breaks(stmt.orelse, flag)
        out.append(stmt)
    return out


def has_break(block):
    for stmt in block:
        if isinstance(stmt, gast.Break):
            return True
        if isinstance(stmt, gast.If) and (has_break(stmt.body) or has_break(stmt.orelse)):
            return True
    return False


def restructure(block):
    """Move the statements after a conditional break/continue into the branches that
    fall through, so every jump ends its branch; then drop ``continue`` (it now
    ends its path anyway). The reverse sweep can then tell which statements ran
    from the recorded branch conditions alone."""
    return without_jumps(_move_rest(block), gast.Continue)


def _move_rest(block):
    out = []
    for position, stmt in enumerate(block):
        if isinstance(stmt, (gast.Break, gast.Continue)):
            out.append(stmt)
            return out                      # the rest is unreachable
        if isinstance(stmt, gast.If):
            jumps = jumps_out(stmt.body) or jumps_out(stmt.orelse)
            stmt.body = _move_rest(stmt.body)
            stmt.orelse = _move_rest(stmt.orelse)
            if jumps:
                rest = _move_rest(block[position + 1:])
                stmt.body = append_rest(stmt.body, rest)
                stmt.orelse = append_rest(stmt.orelse, S.copy(rest))
                out.append(stmt)
                return out
        out.append(stmt)
    return out


def without_jumps(block, kind):
    """``block`` (restructured: each jump ends its branch) without its jumps of ``kind``
    (``gast.Continue``, or ``gast.Break`` where a flag stands for them)."""
    out = []
    for stmt in block:
        if isinstance(stmt, kind):
            continue
        if isinstance(stmt, gast.If):
            stmt.body = without_jumps(stmt.body, kind) or [gast.Pass()]
            stmt.orelse = without_jumps(stmt.orelse, kind)
        out.append(stmt)
    return out


def append_rest(block, rest):
    """``block`` followed by ``rest`` on every path that does not jump."""
    if not rest:
        return block
    block = [s for s in block if not isinstance(s, gast.Pass)]
    if not block:
        return list(rest)
    last = block[-1]
    if isinstance(last, (gast.Break, gast.Continue)):
        return block
    if isinstance(last, gast.If) and (jumps_out(last.body) or jumps_out(last.orelse)):
        last.body = append_rest(last.body, rest)
        last.orelse = append_rest(last.orelse, S.copy(rest))
        return block
    return block + list(rest)
