"""An object the function builds to hold a list of objects and run its methods over
them: ``net = Net()`` (also ``Net().loss(w)`` and ``Net()(x)``, named first) where
``Net.__init__`` only assigns attributes (and local names), one of them a list display
of objects of the user's classes (``self.layers = [Layer(a), Layer(b)]``) or a list
comprehension building them, and the function names ``net`` only to read those
attributes and to call its methods.

The object is unpacked into local names: ``net_layers = [Layer(a), Layer(b)]`` for its
attribute, ``net.layers`` read as ``net_layers``, and each method called written in
where it is called (argument_methods.spliced: ``self`` standing for ``net``, a parameter
given a name standing for that name itself, the other parameters and locals under fresh
names), and so the methods those call on ``self``; a call inside an expression is first
taken out into a statement of its own where that changes nothing Python computes
(hoisted_methods.py). That is what Python runs: no other name holds ``net``, so no one
sees the attributes but through it. The function then says what the normalizer follows
for a list of objects it builds (``for layer in net_layers: layer.W = layer.W + w``,
``layer.up(w)``, ``bump(layer, w)``: handed_objects.py, item_objects.py), or refuses
naming the line (unpacked_advice.py says when it is followed).

Only where each method may be written in as it is (argument_methods.plain_body), names
``self`` only to read the attributes ``__init__`` stores or to call such a method, and
stores nothing into ``self`` itself (a method ending in ``return self``, called as a
statement of its own, is written in without that return, whose value nothing reads); a use of ``net`` otherwise (handed on, returned,
aliased, named in a nested function, a method call left inside an expression) leaves it
as it is."""

import copy
import inspect

import gast

from ...core import methods as M
from ...core import syntax as S
from ...core.first_use import imported_when_called
from ...core import walk
from .. import written_in
from .argument_methods import bound_arguments, plain_body, spliced
from .instances import init_of, is_namespace, parents_of
from .methods import _record_kind
from .scopes import binding_counts

# calls of methods hoisted out of a function (hoisted_methods.py), needed only where it has
# such calls: loaded with the first call (core/first_use.py)
hoist_method_calls = imported_when_called(__package__ + ".hoisted_methods", "hoist_method_calls")

_DEPTH = 8      # methods written in calling methods of self to write in


def unpack_built_objects(normalizer, tree, nodes):
    """Unpack, in place, each object of ``tree`` (its ``nodes``, as ``walk_nodes`` gives
    them) the module docstring describes; whether one was."""
    if not any(_holding_class(normalizer, node) for node in nodes if node.__class__ is gast.Call):
        return False
    trial, unpacked = copy.deepcopy(tree), []
    _name_new_receivers(normalizer, trial)
    counts = binding_counts([trial])
    bindings = [found for found in (_binding(normalizer, stmt, counts) for stmt in S.statements(trial.body))
                if found is not None]
    for name, cls, path in bindings:
        attempt = copy.deepcopy(trial)
        methods = _unpacked(normalizer, attempt, name, cls)
        if methods is not None:
            trial, unpacked = attempt, unpacked + [(path, cls, methods)]
    if not unpacked:
        return False
    tree.body = trial.body
    for path, cls, methods in unpacked:
        normalizer.source.resolve_path(path)       # the class's name: a dependency
        for method in methods:
            normalizer.source.dependencies.append(((M.CLASS_ROOT, method.__name__),
                                                   (cls, M.current(cls, method.__name__))))
        normalizer.inlined_methods.extend(methods)      # (the globals they read: argument_objects.py)
    return True


def _holding_class(normalizer, call):
    """The class ``call`` builds an object of where its ``__init__`` may be unpacked and
    stores a list of objects of classes followed when built; else None."""
    cls = normalizer.built_class_of(call) if isinstance(call.func, (gast.Name, gast.Attribute)) else None
    if cls is None:
        return None
    holding = normalizer.__dict__.setdefault("_holding_classes", {})     # (one look at each class)
    if cls not in holding:
        holding[cls] = _holds_a_list(normalizer, cls)
    return cls if holding[cls] else None


def _holds_a_list(normalizer, cls):
    if is_namespace(cls) or _record_kind(cls) is not None or not inspect.isfunction(init_of(cls)):
        return False
    tree = _init_tree(normalizer, cls)
    values = [stmt.value for stmt in tree.body if not isinstance(stmt.targets[0], gast.Name)] if tree else []
    return any(_holds_built_objects(normalizer, value) for value in values)


def _holds_built_objects(normalizer, value):
    """Whether ``value`` is a list or tuple display of objects of classes followed when
    built (``[Layer(a), Layer(b)]``, some of them maybe named before: ``[first, Layer(b)]``),
    or a list comprehension building such objects (``[Layer(a) for a in sizes]``)."""
    built = lambda node: isinstance(node, gast.Call) and normalizer.built_class_of(node) is not None
    if isinstance(value, gast.ListComp):
        return built(value.elt)
    return isinstance(value, (gast.List, gast.Tuple)) and any(built(e) for e in value.elts) \
        and all(built(e) or isinstance(e, gast.Name) for e in value.elts)


def _init_tree(normalizer, cls):
    """The tree of ``cls.__init__`` where its body, past a docstring, only assigns
    ``self.attr = value`` once each, and local names, values not naming ``self``; else None."""
    init = init_of(cls)
    tree = plain_body(normalizer, gast.Module(body=[], type_ignores=[]), init, lambda node: True)
    if tree is None:
        return None
    me, body, attrs = tree.args.args[0].id, _without_docstring(tree.body), []
    for stmt in body:
        if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1) or me in S.names_in(stmt.value):
            return None
        if _attribute_of(stmt.targets[0], me):
            attrs.append(stmt.targets[0].attr)
        elif not isinstance(stmt.targets[0], gast.Name) or stmt.targets[0].id == me:
            return None
    if len(set(attrs)) != len(attrs) or any(M.static_attribute(cls, a) is not M.MISSING for a in attrs):
        return None         # (a class attribute of that name may be a property or a method)
    tree.body = body
    return tree


def _without_docstring(body):
    if body and isinstance(body[0], gast.Expr) and isinstance(body[0].value, gast.Constant):
        return body[1:]
    return body


def _attribute_of(node, me):
    return isinstance(node, gast.Attribute) and isinstance(node.value, gast.Name) and node.value.id == me


def _name_new_receivers(normalizer, tree):
    """``return Net().loss(w)`` as ``net = Net()`` then ``return net.loss(w)`` (``Net()(x)``
    alike): the object is built first in both, and nothing else is evaluated in between."""
    for block in walk.walk_blocks(tree.body):
        for stmt in list(block):
            call = _statement_call(stmt)
            if call is None:
                continue
            owner = call.func if isinstance(call.func, gast.Attribute) else call      # Net().loss(w), Net()(x)
            receiver = owner.func if owner is call else owner.value
            if isinstance(receiver, gast.Call) and _holding_class(normalizer, receiver) is not None:
                name = normalizer.namer.fresh(_holding_class(normalizer, receiver).__name__.lower())
                normalizer.__dict__.setdefault("new_receivers", {})[name] = written_in.text_of(receiver)  # Net()
                block.insert(block.index(stmt), gast.copy_location(S.assign(name, receiver), stmt))
                setattr(owner, "func" if owner is call else "value", S.name(name))


def _statement_call(stmt):
    """The call ``stmt`` makes for its effect, assigns to one name or returns; else None."""
    value = stmt.value if isinstance(stmt, (gast.Expr, gast.Return)) else \
        stmt.value if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 \
        and isinstance(stmt.targets[0], gast.Name) else None
    return value if isinstance(value, gast.Call) else None


def _binding(normalizer, stmt, counts):
    """(name, class, its path) where ``stmt`` is ``name = Cls(...)``, the name bound only there."""
    if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name)
            and isinstance(stmt.value, gast.Call)) or counts.get(stmt.targets[0].id) != 1:
        return None
    cls = _holding_class(normalizer, stmt.value)
    return None if cls is None else (stmt.targets[0].id, cls, S.dotted_path(stmt.value.func))


def _unpacked(normalizer, tree, name, cls):
    """Unpack the object ``name`` in ``tree`` (in place); the functions written in
    (``__init__`` and the methods), or None where ``name`` is used otherwise."""
    if any(name in S.names_in(node) for node in S.walk_nodes(tree)
           if isinstance(node, (gast.FunctionDef, gast.Lambda, gast.ClassDef)) and node is not tree):
        return None         # (a closure reads the object when it runs)
    init = _init_tree(normalizer, cls)
    fields = {stmt.targets[0].attr: normalizer.namer.fresh(f"{name}_{stmt.targets[0].attr}") for stmt in init.body
              if isinstance(stmt.targets[0], gast.Attribute)}
    if set(fields.values()) & S.loaded_names(init):
        return None         # (a global __init__ reads, named like a fresh name)
    if not _write_in(normalizer, tree, name, _binding_of(tree, name), init_of(cls), init, fields):
        return None
    spelled = normalizer.__dict__.get("new_receivers", {}).get(name, name)     # (the user's Net(), named here)
    normalizer.unpacked_fields.update((local, f"{spelled}.{attr}") for attr, local in fields.items())
    for attr, local in fields.items():
        written_in.name_made(normalizer.source, local, f"{spelled}.{attr}")
    written = [init_of(cls)]
    for _ in range(_DEPTH):
        _read_fields(tree, name, fields)
        found = _method_calls(normalizer, tree, name, cls, fields)
        if not found:
            break
        for stmt, method, body in found:
            if not _write_in(normalizer, tree, name, stmt, method, body, fields):
                return None
            written.append(method)
    return None if name in S.names_in(tree) else written


def _binding_of(tree, name):
    return next(stmt for stmt in S.statements(tree.body) if isinstance(stmt, gast.Assign)
                and isinstance(stmt.targets[0], gast.Name) and stmt.targets[0].id == name)


def _write_in(normalizer, tree, name, stmt, fn, body, fields):
    """Put the body of ``fn`` (its tree ``body``) in place of ``stmt``, which calls it
    (``name = Net()``: ``__init__``, or ``name.loss(w)``); whether its arguments bind."""
    call, at = stmt.value, stmt
    bound = bound_arguments(fn, call)
    if bound is None:
        return False
    own = body.args.args[0].id
    rebound = {n.id for n in S.walk_nodes(body) if isinstance(n, gast.Name) and isinstance(n.ctx, (gast.Store, gast.Del))}
    shared = {own: name}
    shared.update((p, v.id) for p, v in bound if isinstance(v, gast.Name) and p not in rebound and v.id != name)
    rest = [(p, v) for p, v in bound if p not in shared]
    if fn.__name__ == "__init__":
        stmt = S.expr_stmt(S.const(None))       # (what the call gives is the object: bound below)
        gast.copy_location(stmt, call)
    lines = spliced(normalizer, fn, body, shared, rest, stmt)
    for line in lines:
        if isinstance(line, gast.Assign) and _attribute_of(line.targets[0], name) and fn.__name__ == "__init__":
            line.targets[0] = S.name(fields[line.targets[0].attr], store=True)
    normalizer.locals.update(n.id for line in lines for n in S.walk_nodes(line)     # (fresh names: unique,
                             if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store))  # kept if unused)
    for block in walk.walk_blocks(tree.body):
        for index, one in enumerate(block):
            if one is at:
                block[index:index + 1] = lines
                return True
    return False


def _read_fields(tree, name, fields):
    """Each ``name.attr`` read of an attribute ``__init__`` stored as that local name."""
    parents = parents_of(tree)
    for node in list(S.walk_nodes(tree)):
        if _attribute_of(node, name) and isinstance(node.ctx, gast.Load) and node.attr in fields:
            S.replace_child(parents[id(node)], node, gast.copy_location(S.name(fields[node.attr]), node))


def _method_calls(normalizer, tree, name, cls, fields):
    """[(statement, method, its tree)] for each statement calling ``name.method(...)``
    for its effect, value or return, where the method may be written in; calls inside
    an expression first taken out where that changes nothing (hoisted_methods.py)."""
    method_of = lambda call, unread=False: _method_of(normalizer, tree, name, cls, fields, call, unread)  # noqa: E731
    # (a statement of its own, its value unread: a method ending in return self may be written in)
    of_statement = lambda stmt: method_of(_statement_call(stmt), isinstance(stmt, gast.Expr)) \
        if _statement_call(stmt) is not None else None      # noqa: E731
    hoist_method_calls(normalizer, tree, lambda call: name if method_of(call) else None, of_statement)
    found = []
    for stmt in S.statements(tree.body):
        method = of_statement(stmt)
        if method is not None:
            found.append((stmt,) + method)
    return found


def _method_of(normalizer, tree, name, cls, fields, call, unread=False):
    """(the method, its tree) where ``call`` is ``name.method(...)`` (or ``name(...)``: its
    ``__call__``) of a method that may be written in; else None. ``unread``: the call is a
    statement of its own, so a method ending in ``return self`` (a chainable step) is
    written in without that return, whose value nothing reads."""
    if isinstance(call, gast.Call) and isinstance(call.func, gast.Name) and call.func.id == name:
        attr = "__call__"       # net(x)
    elif isinstance(call, gast.Call) and _attribute_of(call.func, name) and call.func.attr not in fields:
        attr = call.func.attr
    else:
        return None
    method = M.static_attribute(cls, attr)
    dropped = (lambda node: _without_returned_self(node) if unread else node)
    body = plain_body(normalizer, tree, method, lambda node: _plain_self(dropped(node), cls, fields)) \
        if inspect.isfunction(method) else None
    return None if body is None else (method, dropped(body))


def _without_returned_self(node):
    """The method ``node`` without its last statement where that is ``return self`` (a copy;
    the tree as parsed is kept as it is)."""
    last, params = node.body[-1], node.args.args
    if not (params and isinstance(last, gast.Return) and isinstance(last.value, gast.Name)
            and last.value.id == params[0].id):
        return node
    node = S.copy(node)
    node.body = node.body[:-1] or [gast.copy_location(gast.Pass(), last)]
    return node


def _plain_self(node, cls, fields):
    """Whether the method ``node`` names its ``self`` only as ``self.attr`` read, of an
    attribute ``__init__`` stores, or to call a function of the class (where the call cannot
    be written in, the object is left as it is)."""
    me, parents = node.args.args[0].id, parents_of(node)
    calls = {id(n.func) for n in S.walk_nodes(node) if isinstance(n, gast.Call)}
    for n in S.walk_nodes(node):
        if isinstance(n, gast.Name) and n.id == me and not isinstance(n.ctx, gast.Param):
            parent = parents.get(id(n))
            if not (isinstance(parent, gast.Attribute) and isinstance(parent.ctx, gast.Load)):
                return False
            if parent.attr not in fields and not (id(parent) in calls
                                                  and inspect.isfunction(M.static_attribute(cls, parent.attr))):
                return False
    return True

