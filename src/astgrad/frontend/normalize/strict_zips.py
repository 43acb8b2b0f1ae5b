"""``zip(xs, ys, strict=True)`` as a plain ``zip`` and a check of the lengths::

    for a, b in zip(xs, f(ys), strict=True):        seq = f(ys)
        s = s + a * b                               for a, b in zip(xs, seq):
                                                        s = s + a * b
                                                    check_zip_lengths(len(xs), len(seq))

Python's strict zip yields the pairs a plain zip yields and raises ValueError when the
shortest argument runs out while another still has items. In a ``for`` loop that is
when the loop ends without a ``break``: the check runs after the loop (first in its
``else`` clause where it may break or return), so a loop left early raises nothing, as
in Python. Elsewhere (``list``,
``dict``, ``sum`` or a comprehension over the zip) every item is taken, and the check
runs before the statement. An argument that is not a name (or an attribute or item of
one) is bound to a name first, evaluated once, as zip evaluates it; one that has no
length (a generator, ``map``) is made a list. ``strict=False`` is a plain zip. In a
local def or a lambda, the rewrite is made in the def, where it is defined.
"""

import builtins

import gast

from ... import runtime
from ...core import syntax as S
from ...core.walk import walk_blocks, walk_statements

# calls whose result is an iterator without a length: made a list before it is counted
_UNSIZED = (builtins.map, builtins.filter, builtins.reversed, builtins.zip, builtins.enumerate, builtins.iter)


def rewrite_strict_zips(normalizer, tree):
    """Rewrite every ``zip(..., strict=...)`` of ``tree``'s own scope; whether one was found."""
    found = False
    for block in walk_blocks(tree.body):
        position = 0
        while position < len(block):
            stmt = block[position]
            around = _rewrite_statement(normalizer, stmt)
            if around is not None:
                found = True
                before, after = around
                block[position:position + 1] = before + [stmt] + after
                position += len(before) + len(after)
            position += 1
    return found


def _rewrite_statement(normalizer, stmt):
    """The statements to put before and after ``stmt`` once its strict zips are plain
    ones, or None when it has none."""
    zips = list(_strict_zips(normalizer, stmt))
    if not zips:
        return None
    before, after = [], []
    for call, once in zips:
        strict = [kw for kw in call.keywords if kw.arg == "strict"][0]
        if not isinstance(strict.value, gast.Constant) or type(strict.value.value) is not bool:
            raise normalizer.source.error(
                "astgrad follows zip(..., strict=True) and zip(..., strict=False) with the flag written "
                "in the code; write True or False there", call, construct="zip(strict=...)")
        call.keywords = [kw for kw in call.keywords if kw is not strict]
        if not strict.value.value:
            continue
        if not once:
            raise normalizer.source.error(
                "astgrad follows zip(..., strict=True) where it is evaluated once in its statement (a "
                "for loop's iterable, an assignment, a return, a comprehension's first iterable); bind "
                "the pairs to a name first (pairs = list(zip(xs, ys, strict=True))) and use that",
                call, construct="zip(strict=True)")
        call.args = [_readable(normalizer, arg, before) for arg in call.args]
        check = _check(normalizer, call, stmt)
        if not (isinstance(stmt, gast.For) and stmt.iter is call):
            before.append(check)
        elif any(isinstance(inner, (gast.Break, gast.Return)) for inner in walk_statements(stmt.body)):
            stmt.orelse.insert(0, check)        # a loop left early takes no more items
        else:
            after.insert(0, check)
    return before, after


def _strict_zips(normalizer, stmt):
    """(call, whether it is evaluated once when ``stmt`` runs) for each zip call with a
    ``strict=`` keyword in ``stmt``'s own expressions (not in the blocks inside it)."""
    once = not isinstance(stmt, gast.While)
    blocks = {id(block) for block in _blocks(stmt)}
    for field, value in gast.iter_fields(stmt):
        if id(value) in blocks:
            continue
        for part in value if isinstance(value, list) else [value]:
            if isinstance(part, gast.AST):
                yield from _zips_in(normalizer, part, once)


def _blocks(stmt):
    return [getattr(stmt, field) for field in ("body", "orelse", "finalbody", "handlers", "cases")
            if isinstance(getattr(stmt, field, None), list)]


def _zips_in(normalizer, node, once):
    """As _strict_zips, below ``node`` (not inside a lambda); ``once`` is False in a branch
    of a conditional expression, a later operand of ``and``/``or``, and a comprehension's
    element, conditions and later iterables."""
    if isinstance(node, gast.Call) and any(kw.arg == "strict" for kw in node.keywords) \
            and normalizer.resolve_call(node) is builtins.zip:
        yield node, once
    if isinstance(node, (gast.Lambda, gast.FunctionDef, gast.AsyncFunctionDef)):
        return      # rewritten in the def it stands for, where it is defined (closures.py)
    if isinstance(node, gast.ClassDef):
        once = False
    for field, value in gast.iter_fields(node):
        for index, part in enumerate(value if isinstance(value, list) else [value]):
            if isinstance(part, gast.AST):
                yield from _zips_in(normalizer, part, once and _evaluated_once(node, field, index))


def _evaluated_once(node, field, index):
    if isinstance(node, gast.IfExp):
        return field == "test"
    if isinstance(node, gast.BoolOp):
        return index == 0
    if isinstance(node, (gast.ListComp, gast.SetComp, gast.GeneratorExp, gast.DictComp)):
        return field == "generators" and index == 0
    if isinstance(node, gast.comprehension):
        return field == "iter"
    return True


def _readable(normalizer, arg, before):
    """``arg``, or a name bound to its value (before the statement) where reading it again
    could compute something else; made a list where it has no length."""
    if _reads_a_name(arg):
        return arg
    if isinstance(arg, gast.GeneratorExp) or normalizer.resolve_call(arg) in _UNSIZED \
            and normalizer.source.resolve("list") is builtins.list:
        arg = gast.Call(func=S.name("list"), args=[arg], keywords=[])
    name = normalizer.namer.fresh("zipped")
    normalizer.locals.add(name)
    normalizer.bound_count[name] += 1
    before.append(S.assign(name, arg, getattr(arg, "lineno", None)))
    return S.name(name)


def _reads_a_name(node):
    if isinstance(node, (gast.Name, gast.Constant)):
        return True
    if isinstance(node, gast.Attribute):
        return _reads_a_name(node.value)
    if isinstance(node, gast.Subscript):
        return _reads_a_name(node.value) and _reads_a_name(node.slice)
    return False


def _check(normalizer, call, stmt):
    """``check_zip_lengths(len(a), len(b), ...)`` for ``call``'s arguments."""
    check = normalizer.bind_value(runtime.check_zip_lengths, "check_zip_lengths")
    length = "len" if normalizer.source.resolve("len") is builtins.len else normalizer.bind_value(builtins.len, "len")
    lengths = [gast.Call(func=S.name(length), args=[S.copy(arg)], keywords=[]) for arg in call.args]
    return S.expr_stmt(gast.Call(func=S.name(check), args=lengths, keywords=[]), getattr(stmt, "lineno", None))
