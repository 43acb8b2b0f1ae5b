"""The words for a method made for its effect that calls a method on each object of a
list it is handed (a mixin's ``def bump_each(self, xs, c): for x in xs: x.bump(c)``,
called ``u.bump_each(xs, w)``): what may change is not the receiver but the objects in
that list, and the same loop written in the function differentiated (``for x in xs:
x.bump(w)``) is followed, so the refusal says that."""

import inspect
import re

import gast

from ..core import syntax as S
from ..core.first_use import imported_when_called

# asked only where a mixin's loop is handed a display: loaded then (it reads the methods' writes,
# method_writes.py, which the engine need not load for every program)
items_write_nothing = imported_when_called(__package__ + ".handed_item_readers", "items_write_nothing")


def handed_item_call(target):
    """(line, text, parameter, method) of the first call ``x.m(...)`` made for its effect in
    the method ``target`` on the loop variable of ``for x in <parameter>`` (a parameter but
    its first); else None."""
    return next(handed_item_calls(target), None)


def handed_item_calls(target):
    """Each such (line, text, parameter, method) in ``target``, in the order written."""
    from ..frontend.source import parsed_for_reading
    if not inspect.isfunction(target):
        return
    try:
        source = parsed_for_reading(target)
    except Exception:       # noqa: BLE001 - no source to read: the plain words
        return
    params = [a.id for a in source.tree.args.posonlyargs + source.tree.args.args][1:]
    for loop in S.walk_nodes(source.tree):
        if not (isinstance(loop, gast.For) and isinstance(loop.iter, gast.Name) and loop.iter.id in params
                and isinstance(loop.target, gast.Name)):
            continue
        for stmt in S.walk_nodes(gast.Module(body=loop.body, type_ignores=[])):
            call = stmt.value if isinstance(stmt, gast.Expr) else None
            if isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute) \
                    and isinstance(call.func.value, gast.Name) and call.func.value.id == loop.target.id:
                yield source.file_line(stmt), gast.unparse(stmt).strip(), loop.iter.id, call.func.attr


def handed_item_message(callee, method, owner, target, found):
    """The words for the call ``owner.method(...)`` of ``callee`` ("Mixin.bump_each")."""
    line, text, param, called = found
    var = text.partition('.')[0]
    loop = f"for {var} in {param}: {text}"
    return (f"the method call .{method}() on {owner} ({callee}), made for its effect with a differentiated value, "
            f"calls .{called}() on each object of the list it is handed as {param} ({inspect.getsourcefile(target)}:"
            f"{line}: {text}), which may change those objects in place where the derivative does not see it; "
            f"astgrad follows such a loop ({loop}) written in the function differentiated, with its own names, over "
            f"a list building its objects in its display ({param} = [Obj(a), Obj(b)]) or a list an object the "
            f"function builds holds (for {var} in m.parts: {text}), and .{method}(m.parts, ...) handed such an "
            f"object's list: build the objects there, or have .{method}() return the new values")


def receiver_words(source, stmt):
    """The receiver of the method call ``stmt`` as the user's line names it (``m``), or
    "a new object" where the line builds it (``Mixer().bump_each(xs, w)``, which the
    generated code binds to a name of its own)."""
    receiver = stmt.value.args[0]
    text = source.line_text(stmt)
    named = isinstance(receiver, gast.Name) and (text is None or re.search(
        rf"(?<![\w.]){re.escape(receiver.id)}\b", text) is not None)
    return receiver.id if named else "a new object"


def refuse_handed_item_change(source, stmt, target, fn=None):
    """Refuse the call ``stmt`` of the method ``target`` made for its effect with a value
    depending on the inputs, where ``target`` calls a method on each object of a list it
    is handed (``for o in objs: o.scale(v)``): run as it is, it changes those objects
    where the derivative does not see it (a list display handed in, ``u.scale_all([c],
    w[1])``, gave the gradient of the unchanged objects). Not where every method so called
    writes nothing, on every class the objects of the list display handed in may be
    (``for o in objs: o.show(v)``; handed_item_readers.py), in the core tree ``fn``."""
    calls = list(handed_item_calls(target))
    parts = getattr(target, "__qualname__", "").split(".")
    if not calls or len(parts) < 2 or parts[-2] == "<locals>" or not stmt.value.args:
        return
    found = calls[0]
    if len({c[2] for c in calls}) == 1 and items_write_nothing(source, fn, stmt, target, found[2],
                                                               {c[3] for c in calls}):
        return
    message = handed_item_message(".".join(parts[-2:]), parts[-1], receiver_words(source, stmt), target, found)
    raise source.error(message, stmt, construct=f".{parts[-1]}()")
