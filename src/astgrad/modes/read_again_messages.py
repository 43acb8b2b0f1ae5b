"""The refusal of a method call given a value depending on the inputs, on an object held
by what a call returned that the function reads again (modes/common.py
``_refuse_item_of_a_call_changed``), in words naming what the user wrote: the call a
function of theirs made, or the object their class built inside a display; and of a
method call on an object a call returned that was handed an array the function reads
again (``refuse_handed_array_changed``, handed_arrays_read_again.py)."""

import ast
import inspect
import textwrap

import gast

from ..runtime_objects import instance

_ADVICE = ("astgrad follows such a method on an object (or an item of a list or dict) the function takes as an "
           "argument or builds itself: pass the list as an argument (grad(f)(w, objs), jvp(f, (w, objs), (dw, "
           "None))), build it in the function ([Box(...), ...]), or have the method return the new value")


def read_again_message(source, method, binding, target, user_function):
    """The message for the method call ``.method()`` on an object held by what the call
    ``binding`` binds (of ``target``) returned; ``user_function``: whether ``target`` is a
    function of the user's."""
    line, user = source.file_line(binding), _user_tree(source)
    built = _built_class(source, binding.value, target, line, user)
    if built is not None:
        made = f"a {built} object the function builds" + (f" (line {line})" if line is not None else "")
        return (f"the method call .{method}() is given a value depending on the inputs, on {made}, which the "
                "function reads again, by a way astgrad does not follow the object along: the method may store "
                "that value in the object, which the derivative would miss. astgrad follows such a method on an "
                f"object the function builds and binds once to a name (v = {built}(...); v.{method}(w)), or on an "
                "item of a list or dict display of such objects, read at a constant position or key "
                f"(vs[0].{method}(w)) or looped over (for v in vs: v.{method}(w)), the display bound once and "
                "nothing added to it; or have the method return the new value" + _tuple_advice(user))
    made = f"{target.__name__}()" if user_function else "a call"
    made += f" (line {line})" if line is not None else ""
    return (f"the method call .{method}() is given a value depending on the inputs, on an object held by what "
            f"{made} returned, which the function reads again: the method may store that value in the object, "
            "which astgrad does not follow there. " + _ADVICE)


def handed_array_message(source, method, binding, target, handed, read):
    """The message for the method call ``.method()`` on an object held by what the call
    ``binding`` (of ``target``) returned, which was handed the array ``handed`` (None:
    a value the line computes) that the statement ``read`` reads again."""
    line, again = source.file_line(binding), source.file_line(read)
    call = binding.value
    # (b = a.spawn(): a method of the user's, called on the object handed)
    receiver = call.func.value.id if target is None and isinstance(call.func, gast.Attribute) \
        and isinstance(call.func.value, gast.Name) and handed == call.func.value.id else None
    made = f"{target.__name__}()" if callable(target) and hasattr(target, "__name__") else \
        f"{receiver}.{call.func.attr}()" if receiver is not None else "a call"
    made += f" (line {line})" if line is not None else ""
    what = handed if handed is not None else "an array"
    handed_words = f"which may hold what {receiver} holds: that object may keep an array" if receiver is not None \
        else f"which was handed {what}: the object may keep that array"
    where = f" (line {again}, or its derivative does)" if again is not None else ""
    return (f"the method call .{method}() is on an object {made} returned, {handed_words} (or one it holds) and "
            f"the method change it in place, and the function reads it again"
            f"{where}, where the derivative would not see that change: astgrad does not follow an array through "
            "what a function returns. Build the object in the "
            f"function itself (v = {_class_hint(target)}(...); v.{method}(...)), which astgrad follows, or have "
            "the method return the new value")


def _class_hint(target):
    """The name of a class ``target``'s code names (a helper building an object), else "Cls"."""
    code = getattr(target, "__code__", None)
    names = [n for n in getattr(code, "co_names", ()) if inspect.isclass(getattr(target, "__globals__", {}).get(n))]
    return names[0] if names else "Cls"


def _user_tree(source):
    """(the user's function as the standard library parses it, its text, its first line in
    its file), or None where its source cannot be read."""
    try:
        lines, first = inspect.getsourcelines(source.fn)
        text = textwrap.dedent("".join(lines))
        return ast.parse(text), text, first
    except (OSError, TypeError, SyntaxError):
        return None


def _built_class(source, call, target, line, user):
    """The name of the user's class ``call`` builds an object of (``Layer(...)``, which the
    normalizer writes as ``instance(Layer, ...)``), where the function's own code calls it
    at ``line`` (not a function it calls, written in); else None."""
    if target is not instance or not call.args or not isinstance(call.args[0], gast.Name) or user is None:
        return None
    cls = source.resolve(call.args[0].id)
    name = cls.__name__ if inspect.isclass(cls) else call.args[0].id
    tree, _, first = user
    todo = list(tree.body[0].body) if tree.body and isinstance(tree.body[0], ast.FunctionDef) else []
    while todo:
        node = todo.pop()
        if isinstance(node, (ast.Lambda, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue        # (its calls run where it is called)
        if isinstance(node, ast.Call) and node.lineno + first - 1 == line \
                and name == getattr(node.func, "id", getattr(node.func, "attr", None)):
            return name
        todo.extend(ast.iter_child_nodes(node))
    return None


def _tuple_advice(user):
    """Advice where the function binds two names to the same value in one tuple assignment
    (``first, second = d["a"], d["a"]``), which astgrad does not follow; else ""."""
    tree, text, _ = user
    for node in ast.walk(tree):
        if isinstance(node, ast.Assign) and isinstance(node.value, ast.Tuple):
            values = [ast.unparse(e) for e in node.value.elts]
            if len(set(values)) < len(values):
                return (f"; here `{ast.get_source_segment(text, node)}` binds names to the same value in one "
                        "statement: bind each in a statement of its own, which astgrad follows")
    return ""
