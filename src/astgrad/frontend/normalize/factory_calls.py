"""A helper of the user's that only builds an object of the user's class and returns it
(``def make(w, k): return Acc(w * (k + 1.0))``), called to bind a name::

    a = make(w, k)          ->      a = Acc(w * (k + 1.0))

where a method of the class writes into an attribute in place (``self.data[k] *= c``):
the object is then followed as one the function builds itself (handed_arrays.py,
appended_objects.py, object_columns.py), as Python's call builds the same object from
the same values. Written so where the call hands only names and constants (read again
in the expression, each the value Python bound the parameter to: nothing runs between),
by position or keyword (or any expressions, by position, where the helper hands its
parameters on as they are, in their order: ``return Acc(b)``), a parameter left out having a number, string, ``None`` or bool
default; and the helper is a plain function of the function's own module (the same
globals, no closure, no ``*args`` or ``**kwargs``), its body a ``return`` of a call
building the object (after a docstring), naming each parameter, no global name the
function binds itself and no lambda, comprehension or ``:=``. Its nodes take the call's
place in the file, so a refusal names the user's line. Anything else is left as it is."""

import copy
import inspect

import gast

from ...core import syntax as S
from ...core.first_use import imported_when_called
from .handed_arrays import changed_in_place

# read only where a helper may build an object (class_functions.py loads with the first one)
tree_of = imported_when_called(__package__ + ".class_functions", "tree_of")

_SCOPED = (gast.Lambda, gast.ListComp, gast.SetComp, gast.DictComp, gast.GeneratorExp, gast.NamedExpr,
           gast.Yield, gast.YieldFrom, gast.Await)
_DEFAULTS = (int, float, str, bool, type(None))


def write_factory_calls(normalizer, tree):
    """Each such call of ``tree`` written as the construction it returns. Whether one was."""
    written = False
    for stmt in S.statements(tree.body):
        if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name) \
                and isinstance(stmt.value, gast.Call) and isinstance(stmt.value.func, gast.Name):
            built = _construction(normalizer, stmt.value)
            if built is not None:
                normalizer.resolve_call(stmt.value)     # (generation now depends on what the name holds)
                stmt.value = built
                written = True
    return written


def _construction(normalizer, call):
    """The construction ``call`` of such a helper returns, its parameters replaced by the
    call's arguments, placed at the call; else None."""
    name = call.func.id
    if name in normalizer.locals or name in normalizer.functions or any(kw.arg is None for kw in call.keywords):
        return None
    helper = normalizer.source.resolve_path((name,), depend=False)
    fn = normalizer.source.fn
    if not (inspect.isfunction(helper) and helper.__closure__ is None
            and helper.__globals__ is getattr(fn, "__globals__", None)
            and not (helper.__code__.co_flags & (inspect.CO_GENERATOR | inspect.CO_COROUTINE
                                                  | inspect.CO_ASYNC_GENERATOR))):
        return None
    returned = _returned_call(helper) if _names_a_class(helper) else None
    if returned is None or not (all(_atom(a) for a in call.args + [kw.value for kw in call.keywords])
                                or _handed_on(helper, returned, call)):
        return None
    bound = _bound(helper, call)
    if bound is None or set(bound) != {n.id for n in S.walk_nodes(returned) if isinstance(n, gast.Name)} & set(bound):
        return None         # (a parameter not named: its argument's read would go)
    free = {n.id for n in S.walk_nodes(returned) if isinstance(n, gast.Name)} - set(bound)
    if free & (set(normalizer.locals) | set(normalizer.bound_count)):
        return None         # a global of the helper's that the function shadows
    built = _substituted(returned, bound)
    cls = normalizer.built_class_of(built)
    if cls is None or not changed_in_place(cls):
        return None
    for node in S.walk_nodes(built):
        if hasattr(node, "lineno"):
            gast.copy_location(node, call)
            node.end_lineno, node.end_col_offset = getattr(call, "end_lineno", None), getattr(call, "end_col_offset", None)
    return built


def _names_a_class(helper):
    """Whether a global name ``helper`` reads holds a class: the cheap first look, before
    its source is read."""
    return any(isinstance(helper.__globals__.get(name), type) for name in helper.__code__.co_names)


def _handed_on(helper, returned, call):
    """Whether ``returned`` hands the parameters of ``helper`` on as they are, in their
    order, and ``call`` gives each by position (``wrap(x[:2])`` of ``return Acc(b)``):
    its arguments are then evaluated in the construction in Python's order."""
    params = list(inspect.signature(helper).parameters)
    return not call.keywords and not returned.keywords and len(call.args) == len(params) \
        and [getattr(a, "id", None) for a in returned.args] == params


def _atom(node):
    return isinstance(node, gast.Name) and isinstance(node.ctx, gast.Load) \
        or isinstance(node, gast.Constant) and isinstance(node.value, _DEFAULTS)


def _returned_call(helper):
    """The call of ``helper``'s one ``return`` making its body (after a docstring), with
    no construct of its own scope in it; else None."""
    tree = tree_of(helper)
    if tree is None or tree.args.vararg or tree.args.kwarg or tree.decorator_list:
        return None
    body = tree.body[1:] if tree.body and isinstance(tree.body[0], gast.Expr) \
        and isinstance(tree.body[0].value, gast.Constant) and isinstance(tree.body[0].value.value, str) else tree.body
    if len(body) != 1 or not isinstance(body[0], gast.Return) or not isinstance(body[0].value, gast.Call) \
            or any(isinstance(n, _SCOPED) for n in S.walk_nodes(body[0].value)):
        return None
    return body[0].value


def _bound(helper, call):
    """{parameter: the node it is bound to} as Python binds ``call``'s arguments, a
    default as a constant; None where it would not bind or a default is another value."""
    try:
        bound = inspect.signature(helper).bind(*call.args, **{kw.arg: kw.value for kw in call.keywords})
    except (TypeError, ValueError):
        return None
    bound.apply_defaults()
    nodes = {}
    for param, value in bound.arguments.items():
        if isinstance(value, gast.AST):
            nodes[param] = value
        elif type(value) in _DEFAULTS:
            nodes[param] = gast.Constant(value=value, kind=None)
        else:
            return None
    return nodes


def _substituted(expression, bound):
    """A copy of ``expression`` with each parameter's read replaced by a copy of its node."""
    made = copy.deepcopy(expression)
    for node in list(S.walk_nodes(made)):
        for field, value in gast.iter_fields(node):
            if isinstance(value, gast.Name) and value.id in bound:
                setattr(node, field, copy.deepcopy(bound[value.id]))
            elif isinstance(value, list):
                for k, item in enumerate(value):
                    if isinstance(item, gast.Name) and item.id in bound:
                        value[k] = copy.deepcopy(bound[item.id])
    return made
