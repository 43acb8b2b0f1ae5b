"""A method of an argument's object called for what it does to the objects it holds:
``def run(self, w): for layer in self.layers: layer.scale(w)``, called in the function
as ``model.run(w)`` (also ``v = model.run(w)``, ``return model.run(w)``, and inside an
expression where hoisted_methods.py takes it out into a statement of its own; a method of
the same object that only reads, ``m.total()``, is written in beside it). Its body is
written in the function in place of the call, ``self`` as the argument's name, its
parameters and locals under fresh names bound to the arguments as Python binds them, so
that ``for layer in model.layers: layer.scale(w)`` is what the function itself says, and
is followed as that is (argument_objects.py: on copies of the objects, which a gradient
leaves as they were and ``f(w, model)`` changes as Python does).

Written in only where that is what Python runs: a plain method of the object's class,
with no closure, whose free names mean in the function what they mean in the method (the
same module's globals, names the function does not bind; another module's globals read
off that module, as foreign.py writes them), that names ``self`` only to
read attributes holding values (no method, no property, nothing stored into ``self`` or
what its attributes hold), defines and yields nothing, and returns only at its end."""

import builtins
import copy
import inspect

import gast

from ...core import methods as M
from ...core import syntax as S
from ...core.first_use import imported_when_called
from ...core import walk
from .. import object_layouts as L
from .. import written_in
from ..source import parsed_for_reading
from .argument_objects import only_attribute_reads
from .scopes import parameters, rename_locals

# calls of methods hoisted out of a function (hoisted_methods.py), needed only where it has
# such calls: loaded with the first call (core/first_use.py)
hoist_method_calls = imported_when_called(__package__ + ".hoisted_methods", "hoist_method_calls")

_DEFINING = (gast.FunctionDef, gast.AsyncFunctionDef, gast.ClassDef, gast.Lambda, gast.Yield, gast.YieldFrom,
             gast.Await, gast.Global, gast.Nonlocal)


def inline_argument_methods(normalizer, tree):
    """Write in each call of such a method (see the module docstring); whether one was.
    Kept only where one of them calls another for its effect, and the function then names
    each argument whose method was written in only to read its attributes: a call left as
    it is (``r + model.run(w)`` where ``r`` is read off the model) keeps the refusal that
    names it. A call inside an expression is first taken out into a statement of its own
    where that changes nothing Python computes (hoisted_methods.py)."""
    if not any(layout[0] == L.OBJECT for layout in normalizer.named_layouts().values()):
        return False        # (no argument's object: nothing to write in)
    trial, inlined, receivers = copy.deepcopy(tree), [], set()
    receiver_of = lambda call: (_inlinable_call(normalizer, trial, call) or (None,))[0]
    hoist_method_calls(normalizer, trial, receiver_of, lambda stmt: _method_call(stmt) is stmt.value)
    for block in walk.walk_blocks(trial.body):
        for stmt in list(block):
            found = _inlinable_call(normalizer, trial, _method_call(stmt))
            if found is not None:
                receiver, method, body, bound = found
                at = block.index(stmt)
                block[at:at + 1] = spliced(normalizer, method, body, {body.args.args[0].id: receiver}, bound, stmt)
                inlined.append(method)
                receivers.add(receiver)
    layouts = normalizer.named_layouts()
    if not any(_calls_for_effect(method) for method in inlined) \
            or not all(only_attribute_reads(trial, name, layouts[name][1]) for name in receivers):
        return False
    tree.body = trial.body
    normalizer.inlined_methods.extend(inlined)
    return True


def _inlinable_call(normalizer, tree, call):
    """(the argument's name, the method, its tree, its arguments bound) where ``call``
    calls a method that may be written in; else None."""
    if not (isinstance(call, gast.Call) and isinstance(call.func, gast.Attribute)
            and isinstance(call.func.value, gast.Name)):
        return None
    name = call.func.value.id
    if name not in parameters(tree) or normalizer.bound_count.get(name) or normalizer.is_receiver(name):
        return None
    layout = normalizer.named_layouts().get(name)
    method = M.static_attribute(layout[1], call.func.attr) if layout and layout[0] == L.OBJECT \
        and call.func.attr not in dict(layout[2]) else None       # (not an attribute of the instance)
    body = _inlinable_body(normalizer, tree, layout[1], method) if inspect.isfunction(method) else None
    bound = bound_arguments(method, call) if body is not None else None
    return None if bound is None else (name, method, body, bound)


def _method_call(stmt):
    """The call ``name.method(...)`` that ``stmt`` makes for its effect, assigns to a name or returns."""
    value = stmt.value if isinstance(stmt, (gast.Expr, gast.Return)) else \
        stmt.value if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 \
        and isinstance(stmt.targets[0], gast.Name) else None
    if isinstance(value, gast.Call) and isinstance(value.func, gast.Attribute) \
            and isinstance(value.func.value, gast.Name):
        return value
    return None


def _inlinable_body(normalizer, tree, cls, method):
    """The method's syntax tree where it may be written in (module docstring), else None."""
    if M.static_attribute(cls, "__getattr__") is not M.MISSING \
            or M.static_attribute(cls, "__getattribute__") is not object.__getattribute__:
        return None
    return plain_body(normalizer, tree, method, lambda node: _reads_values_only(node, node.args.args[0].id, cls))


def plain_body(normalizer, tree, fn, accept):
    """The syntax tree of the function ``fn`` where its body may be written into ``tree``
    as it is (``accept(its tree)`` besides), else None: no closure, its parameters plain
    ones (defaults constants), defining and yielding nothing, returning only at its end,
    and its free names meaning what they mean in ``tree`` (``_same_free_names``)."""
    if fn is normalizer.source.fn or fn.__closure__:
        return None
    try:
        node = parsed_for_reading(fn).tree
    except Exception:       # (no source to read: called as it is, and refused or followed so)
        return None
    args = node.args
    if args.vararg or args.kwarg or args.kwonlyargs or args.posonlyargs or not args.args \
            or any(not isinstance(default, gast.Constant) for default in args.defaults):
        return None
    nodes = [n for stmt in node.body for n in S.walk_nodes(stmt)]
    if any(isinstance(n, _DEFINING) for n in nodes) \
            or any(isinstance(n, gast.Return) and n is not node.body[-1] for n in nodes) or not accept(node):
        return None
    if fn.__globals__ is not normalizer.source.globals:     # another module's function: othermod.SCALE
        node = S.copy(node)
        normalizer.foreign_names(fn, node)
    return node if _same_free_names(normalizer, tree, fn, node) else None


def _calls_for_effect(method):
    """Whether ``method`` calls another for its effect (``layer.scale(w)``): a function
    calling only methods that read (``m.total()``) is followed already as it is."""
    nodes = S.walk_nodes(parsed_for_reading(method).tree)
    return any(isinstance(n, gast.Expr) and isinstance(n.value, gast.Call) for n in nodes)


def _reads_values_only(node, own, cls):
    """Whether ``node`` names ``own`` (its ``self``) only to read attributes holding values
    (``self.layers``), never storing into ``self`` or what those hold."""
    parents = {id(child): n for n in S.walk_nodes(node) for child in gast.iter_child_nodes(n)}
    for n in S.walk_nodes(node):
        if isinstance(getattr(n, "ctx", None), (gast.Store, gast.Del)) and not isinstance(n, gast.Name) \
                and any(isinstance(m, gast.Name) and m.id == own for m in S.walk_nodes(n)):
            return False
        if isinstance(n, gast.Name) and n.id == own and not isinstance(n.ctx, gast.Param):
            parent = parents.get(id(n))
            if not isinstance(parent, gast.Attribute) or not isinstance(parent.ctx, gast.Load):
                return False
            static = M.static_attribute(cls, parent.attr)
            if static is not M.MISSING and hasattr(type(static), "__get__"):
                return False        # a method or a property: code reading self
    return True


def _same_free_names(normalizer, tree, method, node):
    """Whether each name ``node`` reads from outside means in the function what it means
    in ``method``: the same object in both scopes (a global of the same module, a module
    named alike, whose rebinding the function's guards notice), a builtin, or the scope of
    another module's method (foreign.py), and not a name ``tree`` binds."""
    bound, source = _bound_names(tree), normalizer.source
    for name in S.loaded_names(node) - _bound_names(node):
        if name in bound or name in source.closure:
            return False
        if name in source.scopes:
            continue
        theirs, ours = method.__globals__.get(name, _BUILTIN), source.globals.get(name, _BUILTIN)
        if theirs is not ours or theirs is _BUILTIN and not hasattr(builtins, name):
            return False
    return True


_BUILTIN = object()


def _bound_names(node):
    """The names ``node`` binds: parameters, assigned or deleted names."""
    return {n.id for n in S.walk_nodes(node) if isinstance(n, gast.Name) and not isinstance(n.ctx, gast.Load)}


def bound_arguments(method, call, skipped=1):
    """[(parameter, its value)] for ``call`` (the first ``skipped`` parameters, ``self``,
    left out), in the order Python evaluates the values; None where the call does not
    bind each parameter once."""
    names = list(inspect.signature(method).parameters)[skipped:]
    if any(isinstance(a, gast.Starred) for a in call.args) or any(k.arg is None for k in call.keywords) \
            or len(call.args) > len(names):
        return None
    bound = list(zip(names, call.args)) + [(k.arg, k.value) for k in call.keywords]
    given = [name for name, _ in bound]
    if len(set(given)) != len(given) or not set(given) <= set(names):
        return None
    defaults = {name: p.default for name, p in inspect.signature(method).parameters.items()
                if p.default is not inspect.Parameter.empty}
    missing = [name for name in names if name not in given]
    if any(name not in defaults for name in missing):
        return None
    return bound + [(name, S.const(defaults[name])) for name in missing]


def spliced(normalizer, method, node, shared, bound, stmt):
    """The statements that stand for ``stmt``: the arguments bound, then the body, its
    last ``return`` giving what ``stmt`` does with the call's value. ``shared``:
    {parameter: the caller's name it stands for itself} (``self``: the argument's name);
    the other parameters and locals get fresh names."""
    fresh = {name: normalizer.namer.fresh(f"{name}_{method.__name__.strip('_')}")
             for name in sorted(_bound_names(node) - set(shared))}
    for name, made in fresh.items():
        written_in.name_made(normalizer.source, made, name)      # (an error in the method: its own name)
    fresh.update(shared)
    body = rename_locals(S.copy(node), fresh).body
    marks = _own_lines(normalizer, method, body, stmt)
    body = [S.assign(fresh[name], value) for name, value in bound] + body
    last = body.pop() if body and isinstance(body[-1], gast.Return) else None
    value = last.value if last is not None and last.value is not None else S.const(None)
    if isinstance(stmt, gast.Return):
        body.append(gast.Return(value=value))
    elif isinstance(stmt, gast.Assign):
        body.append(S.assign(stmt.targets[0].id, value))
    elif last is not None:
        body.append(gast.Expr(value=value))
    for s in body:
        for n in S.walk_nodes(s):
            if isinstance(n, (gast.stmt, gast.expr)):
                gast.copy_location(n, stmt)
                if id(n) in marks:
                    n.end_lineno = marks[id(n)]
    return body


def _own_lines(normalizer, method, body, stmt):
    """{id(node): its mark} for the nodes of ``body`` (the method's own statements), which
    stand at ``stmt``'s line once written in: the mark of the method's own line
    (written_in.py: an error there names the line the user wrote)."""
    sources = normalizer.__dict__.setdefault("_method_sources", {})       # (one read of each method)
    try:
        own = sources[method] if method in sources else sources.setdefault(method, parsed_for_reading(method))
    except Exception:       # noqa: BLE001 - (its tree was read: the same source, read again)
        return {}
    marks = {}
    for s in body:
        for n in S.walk_nodes(s):
            found = written_in.mark(normalizer.source, own, n, stmt)
            if found is not None:
                marks[id(n)] = found
    return marks
