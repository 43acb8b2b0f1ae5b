"""A method of a value held in a name, then called for its effect (``app = xs.append``,
then ``app(v * w)``; ``srt = a.sort``, then ``srt()``; ``setter = a.__setitem__``).

The call changes the value the method was taken from, which the derivative cannot see: the
call names neither that value nor the method. Written on the object (``xs.append(v)``,
``a.sort()``, ``a[2] = w``), the same change is followed or refused by what astgrad knows
of the method; held in a name, it went by with no error, and the derivative missed it (a
zero or partial gradient). It is refused, naming the method and, where the object has no
name of the user's (``up = mk(buf).bump``), the expression and the line that took it."""

import ast
import inspect
import textwrap

import gast

from ..core import anno, ops, walk
from ..core.user_expressions import user_expression
from ..core import syntax as S
from ..core.anno import Key


def held_method_call_error(source, stmt, fn, varied):
    """The refusal of ``stmt``, a call made for its effect of a name the core tree ``fn``
    binds to a method of one of its own values (a parameter or a name it binds), where that
    value or an argument of the call depends on the inputs (``varied``); None otherwise."""
    call = stmt.value
    if fn is None or not isinstance(call.func, gast.Name):
        return None
    assigns = _assigns_binding(fn, call.func.id)
    if not assigns:
        return None         # (neither refusal below: no assignment binds the name called)
    taken = _method_taken(fn, call.func.id, assigns)
    if taken is None:
        return _returned_method_call_error(source, stmt, assigns, varied)
    receiver, method = taken.value.id, taken.attr
    arguments = call.args + [keyword.value for keyword in call.keywords]
    if receiver not in varied and not any(isinstance(a, gast.Name) and a.id in varied for a in arguments):
        return None
    spelled = _spelled_receiver(source, assigns, taken)
    if spelled is not None:
        return _made_receiver_error(source, stmt, call.func.id, spelled, method)
    return source.error(
        f"calling '{call.func.id}', which holds the method {receiver}.{method}, for its effect: it may "
        f"change '{receiver}' in place, which astgrad cannot see through a method held in a name. Call the "
        f"method on its object ({receiver}.{method}(...)), which astgrad follows or refuses by what the method "
        "does", stmt, construct=f"call of a held method {receiver}.{method}")


def _spelled_receiver(source, assigns, taken):
    """(The user's expression, its line) where the object ``taken`` (``t.bump``) is taken
    from is a name astgrad made for it (``up = mk(buf).bump`` read as ``t = mk(buf); up =
    t.bump``); None where the user named it."""
    assign = next(node for node in assigns if node.value is taken)
    spelled = user_expression(source, assign, taken.value.id)
    return None if spelled is None else (spelled, source.file_line(assign))


def _made_receiver_error(source, stmt, held, spelled, method):
    """The refusal of calling ``held``, which holds the method ``method`` of an object the
    user's line ``spelled`` = (expression, line) names by no name (``mk(buf).bump``)."""
    text, line = spelled
    what = f"the object {text} returns" if text.endswith(")") else text
    return source.error(
        f"calling '{held}', which holds the method {text}.{method} (taken at line {line}), for its effect: it "
        f"may change {what} in place, which astgrad cannot see through a method held in a name. Hold the object "
        f"in a name and call the method on it (v = {text}; v.{method}(...)), which astgrad follows or refuses by "
        "what the method does", stmt, construct=f"call of a held method {text}.{method}")


def _method_taken(fn, name, assigns):
    """The ``value.attr`` (an attribute of a name ``fn`` binds or takes as a parameter) that
    an assignment in ``fn`` (of ``assigns``, those binding ``name``) binds ``name`` to, or None."""
    taken = [node.value for node in assigns if isinstance(node.value, gast.Attribute)
             and isinstance(node.value.value, gast.Name)]
    if not taken:
        return None         # (the names fn binds are found only where they decide)
    owned = _own_names(fn)
    return next((value for value in taken if value.value.id in owned), None)


def _own_names(fn):
    """The names ``fn`` takes as parameters or binds."""
    names = {arg.id for arg in fn.args.args + fn.args.kwonlyargs + fn.args.posonlyargs if isinstance(arg, gast.Name)}
    return names | S.stored_names(fn)


def _assigns_binding(fn, name):
    """The assignments in ``fn`` of one target, the name ``name``, in the order ``gast.walk``
    meets them (breadth first). A call made for its effect asks this of the whole function,
    so only the statements are walked, a level at a time, not their expressions (an
    assignment is a statement, and statements hold statements only in their blocks)."""
    found, level, holders = [], [fn], _STATEMENT_HOLDERS
    while level:
        below = []
        for node in level:
            if node.__class__ is gast.Assign:
                if len(node.targets) == 1 and node.targets[0].__class__ is gast.Name and node.targets[0].id == name:
                    found.append(node)
            elif node.__class__ not in walk.SIMPLE_STATEMENTS:
                below += [child for child in S.child_nodes(node) if isinstance(child, holders)]
        level = below
    return found


# The nodes that hold statements or are statements: what _assigns_binding walks
_STATEMENT_HOLDERS = (gast.stmt, gast.excepthandler, gast.match_case)


def _returned_method_call_error(source, stmt, assigns, varied):
    """The refusal of ``f(w)`` made for its effect, ``f`` bound to what a helper of the
    user's returns, where that helper returns a method of its argument that changes its
    object (``def imul_of(a): return a.__imul__``) and an argument of either call depends
    on the inputs (``varied``), naming the method and the helper's line; None otherwise
    (the general refusal of calling a function value then stands). ``assigns``: the
    assignments binding ``f`` (_assigns_binding)."""
    from ..frontend.normalize.escaping_methods import CHANGING
    for node in assigns:
        if isinstance(node.value, gast.Call) \
                and any(isinstance(a, gast.Name) and a.id in varied for a in node.value.args + stmt.value.args):
            helper = anno.get(node.value, Key.TARGET)
            returned = _returned_method(helper, CHANGING) if ops.is_user_function(helper) else None
            if returned is not None:
                text, line = returned
                return source.error(
                    f"calling the method {text} that {helper.__name__} returns "
                    f"({helper.__code__.co_filename}:{line}: return {text}) for its effect: it changes its object "
                    "in place on a line that names neither, which the derivative cannot see. Call the method on "
                    f"its object where the change is made ({text}(...)), or build the new value and assign it",
                    stmt, construct=f"call of a returned method {text}")
    return None


def _returned_method(helper, changing):
    """(``"a.__imul__"``, its line) where ``helper`` returns a changing method of a name
    (``return a.__imul__``), else None."""
    try:
        lines, first = inspect.getsourcelines(helper)
        tree = ast.parse(textwrap.dedent("".join(lines)))
    except (TypeError, OSError, SyntaxError):
        return None
    for node in ast.walk(tree):
        value = node.value if isinstance(node, ast.Return) else None
        if isinstance(value, ast.Attribute) and isinstance(value.value, ast.Name) and value.attr in changing:
            return ast.unparse(value), first + node.lineno - 1
    return None
