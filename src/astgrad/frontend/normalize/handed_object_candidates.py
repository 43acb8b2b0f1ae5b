"""Whether a function may call a helper storing into the objects it is handed, which
handed_objects.py writes in: a cheap look at its statements and at the helpers' code
objects, so that the rewrite (with the modules it needs) loads only for a function that
calls one."""

import dis
import types

import gast

from ...core import syntax as S
from ...core.changing_methods import LIST_RESIZING
from ...core.first_use import imported_when_called
from ...core.ops import is_user_function

# the rewrite, loaded with the first call that may be one (core/first_use.py)
write_in = imported_when_called(__package__ + ".handed_objects", "write_in")


def write_in_handed_helpers(normalizer, tree):
    """Write in, in place, each call in ``tree`` of such a helper (handed_objects.py);
    whether one was."""
    if not any(candidate(normalizer, stmt) for stmt in S.statements(tree.body)):
        return False
    return write_in(normalizer, tree)


def candidate(normalizer, stmt):
    """Whether ``stmt`` may call such a helper (a cheap look before a copy of the tree)."""
    call = helper_call(stmt)
    helper = normalizer.source.resolve_path([call.func.id], depend=False) if call is not None else None
    return type(helper) is types.FunctionType and is_user_function(helper) and may_store_attributes(helper)


def helper_call(stmt):
    """The call ``name(...)`` that ``stmt`` makes for its effect, assigns to a name or returns; else None."""
    value = stmt.value if isinstance(stmt, (gast.Expr, gast.Return)) else \
        stmt.value if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 \
        and isinstance(stmt.targets[0], gast.Name) else None
    if isinstance(value, gast.Call) and isinstance(value.func, gast.Name) \
            and not any(isinstance(n, gast.NamedExpr) for n in S.walk_nodes(value)):
        return value
    return None


def may_store_attributes(fn):
    """Whether the code of ``fn`` (or code nested in it, or of a user's function of its
    globals it names, and so on) stores an attribute or names a method that changes a
    list: a cheap test before its source is read."""
    todo, seen = [fn], set()
    while todo:
        function = todo.pop()
        if id(function) in seen:
            continue
        seen.add(id(function))
        codes = [function.__code__]
        while codes:
            current = codes.pop()
            if CHANGING_METHODS.intersection(current.co_names) or _STORE_ATTR in current.co_code[0::2]:
                return True
            codes.extend(c for c in current.co_consts if hasattr(c, "co_code"))
        called = (function.__globals__.get(name) for name in function.__code__.co_names)
        todo.extend(g for g in called if type(g) is types.FunctionType and is_user_function(g))
    return False


_STORE_ATTR = dis.opmap["STORE_ATTR"]
# of the changing methods (core/changing_methods.py) only those resizing a list: what the
# normalizer follows of a list an object holds (``h.items.append(v)``) once the helper is
# written in; any other change in place (``h.W.fill(0)``) leaves the helper a call as it was
CHANGING_METHODS = LIST_RESIZING
