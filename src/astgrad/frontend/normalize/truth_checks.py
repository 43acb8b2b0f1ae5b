"""Truth tests and ``len()`` of a value whose class is not known when the code is made.

``if v:``, ``while v:``, ``not v``, ``bool(v)``, ``v and w``, ``v or w``, ``a if v else b``,
``assert v`` and a comprehension's ``if v`` run ``v.__bool__`` (or ``__len__``); ``len(v)``
runs ``v.__len__``. Where the class of ``v`` is known when the code is generated, a hook
that may write is refused then (hooked_reads.refuse_writing_hook). Where it is known only
when the code runs (a helper's parameter reached through ``lambda x: g(x, *args)``, an
item or an attribute of one, what a function value gives), the generated code checks the
value's class first (truth_hooks.py): one look-up of its type, stopping before a hook of
the user's that may write.

No check where the test reads a value proven plain (proven_plain.py), a display, a
comparison, ``not``, or a name every binding of which gives such a truth (``c = x > 0``,
``done = error is None``, a stack of those). Code astgrad generated (a derivative,
normalized again for a second order) holds the checks its first normalization made: a
name a check reads (``check_truth_hook(b, ...)``) is checked where it was bound, and
gets no second check, so normalizing a derivative again gives the same text whether or
not it is known to be a derivative (tests/test_normalize_skips.py)."""

import gast

from ... import runtime
from ...core import anno
from ...core import syntax as S
from ...core.anno import Key
from .refusals import _Line

# what a truth test of which runs no hook of an object (a bool, a display's own length)
_PLAIN_TRUTHS = (gast.Compare, gast.Constant, gast.JoinedStr, gast.List, gast.Tuple, gast.Set, gast.Dict,
                 gast.ListComp, gast.SetComp, gast.DictComp, gast.Lambda)
# the run-time checks whose first argument is the value checked (truth_hooks.py)
_CHECKS = (runtime.check_truth_hook, runtime.check_length_hook)


def check_truth_when_run(lowering, expr, test, node, what):
    """After ``test``, the name holding ``expr`` a truth test reads (``if v:``, ``not v``,
    ``bool(v)``), where ``expr`` may be an object of a class the code does not know:
    a call of ``check_truth_hook``, stopping before the test where the object's
    ``__bool__`` or ``__len__`` may write."""
    if isinstance(test, gast.Name) and truth_not_known(lowering, expr):
        lowering._truth_checks_made = True
        lowering.emit(gast.Expr(value=lowering.runtime_call(runtime.check_truth_hook, [
            S.name(test.id), S.const(what), S.const(_place(lowering, node))])))


def check_length_when_run(lowering, expr, measured, node):
    """Before ``len(measured)`` (``measured`` the name holding ``expr``), where ``expr``
    may be an object of a class the code does not know: a call of ``check_length_hook``,
    stopping where the object's ``__len__`` may write."""
    if isinstance(measured, gast.Name) and not isinstance(expr, gast.Starred) and truth_not_known(lowering, expr):
        lowering._truth_checks_made = True
        lowering.emit(gast.Expr(value=lowering.runtime_call(runtime.check_length_hook, [
            S.name(measured.id), S.const(_place(lowering, node))])))


def truth_not_known(lowering, expr):
    """Whether a truth test (or ``len()``) of ``expr`` may run a hook of a class the code
    does not know (one it knows is refuse_writing_hook's, when the code is made)."""
    if isinstance(expr, gast.BoolOp):       # (a and b gives one of its operands)
        return any(truth_not_known(lowering, value) for value in expr.values)
    return lowering._object_class(expr) is None and not _gives_plain_truth(lowering, expr, set())


def _gives_plain_truth(lowering, value, seen):
    """Whether the truth of ``value`` runs no hook of the user's: a comparison, ``not``, a
    display, a constant, a value proven plain, a name a check reads (in a derivative), one
    of astgrad's run-time helpers' results, or a name each binding of which is one of
    these, or an item a list of them gives back (``cond_stack.pop()``, the stacks a
    derivative keeps its branches' tests on)."""
    if isinstance(value, gast.Name) and value.id in seen:
        return True             # (each binding of a name met again is asked where it was met)
    if _plain_truth(value) or lowering.proven_plain_wherever_called(value):
        return True
    if isinstance(value, gast.Name):
        seen.add(value.id)
        return value.id in _checked_names(lowering) or _each_binding(lowering, value.id, seen, _gives_plain_truth)
    if isinstance(value, gast.Call) and isinstance(value.func, gast.Attribute) and value.func.attr == "pop" \
            and isinstance(value.func.value, gast.Name):
        return _each_binding(lowering, value.func.value.id, seen, _items_give_plain_truths)
    return isinstance(value, gast.Call) and (getattr(lowering.resolve_call(value), "__module__", None) or "").startswith(
        "astgrad.")


def _items_give_plain_truths(lowering, value, seen):
    """Whether each item a binding ``value`` of a list puts in it gives a plain truth."""
    if isinstance(value, (gast.List, gast.Tuple)):      # (a display, or Handed: what xs.append(v) stores)
        return all(_gives_plain_truth(lowering, item, seen) for item in value.elts)
    if isinstance(value, gast.Name):
        return _each_binding(lowering, value.id, seen, _items_give_plain_truths)
    return lowering.proven_plain_wherever_called(value)


def _each_binding(lowering, name, seen, gives):
    """Whether each binding of ``name`` is one ``gives``; never for a parameter (what the
    caller hands in is no binding of the code)."""
    values = lowering._values_of.get(name)
    return bool(values) and name not in lowering.locals_given() and all(gives(lowering, value, seen) for value in values)


def _plain_truth(expr):
    return isinstance(expr, _PLAIN_TRUTHS) or isinstance(expr, gast.UnaryOp) and isinstance(expr.op, gast.Not)


def _checked_names(lowering):
    """The names a run-time check reads in the code being normalized (a derivative's,
    whose first normalization made them); kept while no helper is inlined."""
    trees = [lowering.source.tree] + lowering.inlined_trees
    kept = lowering.__dict__.get("_truth_checked")
    if kept is not None and kept[0] == len(trees):
        return kept[1]
    names = {call.args[0].id for tree in trees for call in S.walk_nodes(tree)
             if isinstance(call, gast.Call) and call.args and isinstance(call.args[0], gast.Name)
             and lowering.resolve_call(call) in _CHECKS}
    lowering._truth_checked = (len(trees), names)
    return names


def _place(lowering, node):
    """``"file:line"`` of ``node`` for the check, or of the statement being lowered where
    ``node`` is one the normalizer wrote (with no line)."""
    return lowering.source.place(node if getattr(node, "lineno", None) is not None else _Line(lowering.line))


def hoist_checks(lowering, body, bound=None):
    """``body`` (a lowered function's statements) with each check a loop's body makes,
    of a name the loop does not rebind and that is surely bound before it (a parameter,
    or a name a plain assignment of an enclosing block binds first), made once before the
    loop instead (a loop of 1,000 turns testing a parameter checked it 1,000 times); where
    the same check stands before the loop already (``while v:``'s first test), it is made
    once."""
    if not lowering.__dict__.get("_truth_checks_made"):
        return body
    bound = set(lowering.locals_given()) if bound is None else set(bound)
    hoisted = []
    for stmt in body:
        for inner in _blocks(stmt):
            inner[:] = hoist_checks(lowering, inner, bound)
        if isinstance(stmt, (gast.For, gast.While)):
            rebound = _bound_in(stmt)
            invariant = _taken_out(stmt.body, lambda name: name in bound and name not in rebound)
            made = {gast.dump(s) for s in hoisted[-len(invariant):]} if invariant else set()
            for check in invariant:
                if gast.dump(check) not in made:
                    made.add(gast.dump(check))
                    hoisted.append(check)
        if isinstance(stmt, gast.Assign):
            bound.update(t.id for t in stmt.targets if isinstance(t, gast.Name))
        hoisted.append(stmt)
    return hoisted


def _taken_out(block, invariant):
    """The checks of ``invariant`` names in ``block`` and in the branches of its ``if``
    statements, taken out of them (a check in a branch the loop may not take is made
    before the loop all the same: it refuses only a hook that may write)."""
    found = [stmt for stmt in block if _check_of(stmt) is not None and invariant(_check_of(stmt))]
    block[:] = [stmt for stmt in block if not any(stmt is f for f in found)] or [gast.Pass()]
    for stmt in block:
        if isinstance(stmt, gast.If):
            found += _taken_out(stmt.body, invariant) + (_taken_out(stmt.orelse, invariant) if stmt.orelse else [])
    return found


def _blocks(stmt):
    return [getattr(stmt, field) for field in ("body", "orelse", "finalbody") if isinstance(getattr(stmt, field, None), list)
            and not isinstance(stmt, (gast.FunctionDef, gast.AsyncFunctionDef, gast.ClassDef, gast.Lambda))]


def _check_of(stmt):
    """The name a check statement (``check_truth_hook(v, ...)``) reads, else None."""
    if isinstance(stmt, gast.Expr) and isinstance(stmt.value, gast.Call) \
            and anno.get(stmt.value, Key.TARGET) in _CHECKS and isinstance(stmt.value.args[0], gast.Name):
        return stmt.value.args[0].id
    return None


def _bound_in(loop):
    return {node.id for node in S.walk_nodes(loop) if isinstance(node, gast.Name)
            and isinstance(node.ctx, (gast.Store, gast.Del))}
