"""A helper storing into the objects it is handed: ``def bump(layer, w): layer.W =
layer.W * w``, ``def step(ps, g): ps[0].W = ps[0].W - g``, ``def sgd(params, grads, lr):
for p, g in zip(params, grads): p.W = p.W - lr * g``, ``def rec(h, v):
h.items.append(v)``, called on objects the function builds (``l = Layer(x); bump(l, w)``,
``bump(Layer(x), w)``).

The call is written into the function's code where it is made (as a statement of its
own, ``v = bump(l, w)`` or ``return bump(l, w)``), the helper's parameter standing for
the caller's name itself (``l.W = l.W * w``), its other parameters and locals under fresh
names bound to the arguments as Python binds them. That is what Python runs: the
parameter and the caller's name are the same object while the helper runs, as neither is
bound again. The function then says what the normalizer follows for objects it builds
(built_objects.py, item_objects.py, object_iteration.py), or refuses naming its line.

Only where the caller hands each such parameter a name it binds once, to a new object
of a class of the user's or a list display of such objects (or a loop's name going over
one), or the new object itself (``Layer(x)``), and where, written in, the function names
those objects only as it follows them (their attributes; a list's items and loops over
it): a name of its parameters (an object the caller's caller holds, which Python
changes), one also handed on, returned or aliased is left to the call, which is refused
naming the helper's line. Written in only where argument_methods.plain_body allows (no
closure, plain parameters, no early return, free names meaning the same in both), and
never a helper calling itself."""

import copy
import types
from collections import Counter

import gast

from ...core import syntax as S
from ...core import walk
from ...core.ops import is_user_function
from .. import object_layouts as L
from ..source import parsed_for_reading
from .argument_methods import bound_arguments, plain_body, spliced
from .handed_object_candidates import CHANGING_METHODS, helper_call, may_store_attributes
from .instances import parents_of
from .scopes import binding_counts, parameters

_DEPTH = 8      # helpers written in calling helpers to write in (sgd calling bump)


def write_in(normalizer, tree):
    """Write in, in place, each call in ``tree`` of such a helper (module docstring),
    and those of the helpers written in; whether one was. Written in on a copy first,
    and kept where the objects handed are then named only as the normalizer follows
    them (``_named_as_followed``): a name also handed on, returned or aliased keeps its
    call, which is refused naming the helper's line and what is followed. Called where
    handed_object_candidates.py found a call that may be one."""
    excluded = set()
    while True:
        trial, made = copy.deepcopy(tree), _Made()
        for _ in range(_DEPTH):
            if not _write_in_once(normalizer, trial, excluded, made):
                break
        if not made.helpers:
            return False
        unfollowed = {name for name in made.handed if not _named_as_followed(trial, name)}
        if not unfollowed:
            break
        if unfollowed <= excluded:
            return False        # (no name left out makes a difference: none written in)
        excluded |= unfollowed
    tree.body = trial.body
    for name in made.resolved:
        normalizer.source.resolve_path([name])      # the name's meaning: a dependency of the code
    normalizer.locals.update(made.bound)
    normalizer.inlined_methods.extend(made.helpers)     # (the globals they read: argument_objects.py)
    return True


class _Made:
    """What writing in helpers on a copy did: the helpers and the names they were called
    by, the names the copy binds, and those of the objects handed to them."""

    def __init__(self):
        self.helpers, self.bound, self.handed = [], set(), set()
        # (a dict, as an ordered set: the dependencies come in the order the helpers are
        # written in, not in that of their names' hashes, which changes from process to process)
        self.resolved = {}


def _write_in_once(normalizer, tree, excluded, made):
    bound = {n.id for n in S.walk_nodes(tree) if isinstance(n, gast.Name) and not isinstance(n.ctx, gast.Load)}
    owned, found = None, False
    for block in _own_blocks(tree.body):
        for stmt in list(block):
            call = helper_call(stmt)
            if call is None or call.func.id in bound:
                continue
            helper = normalizer.source.resolve_path([call.func.id], depend=False)
            body = _helper_body(normalizer, tree, helper)
            handed = bound_arguments(helper, call, skipped=0) if body is not None else None
            owned = (_owned_names(normalizer, tree, excluded) | _given_objects(normalizer)) - excluded \
                if handed is not None and owned is None else owned
            stored = _handed_parameters(helper, body) if handed is not None else set()
            shared = _shared(normalizer, stored, handed, owned) if handed is not None else None
            if shared is None:
                continue
            rest = [(p, v) for p, v in handed if p not in shared]
            lines = spliced(normalizer, helper, body, shared, rest, stmt)
            _note_argument_stores(normalizer, lines, helper)
            made.helpers.append(helper)
            made.resolved[call.func.id] = None
            made.bound.update(n.id for s in lines for n in S.walk_nodes(s)
                              if isinstance(n, gast.Name) and isinstance(n.ctx, gast.Store))
            made.handed.update(shared.values())
            made.handed.update(_lists_gone_over(tree, shared.values()))     # (for p in ps: bump(p, w): ps too)
            made.handed.update(line.targets[0].id for line, (p, _) in zip(lines, rest) if p in stored)
            at = block.index(stmt)
            block[at:at + 1] = lines
            found = True
    return found


def _given_objects(normalizer):
    """The names standing for an object of a class of the user's that an argument gives
    (``box``, ``m_layer`` for ``m.layer``: argument_objects.py), which a helper written in
    stores into as the function's code would: on a copy, as a method's store is followed.
    Not a method's own ``self``: a helper storing into it changes the caller's object, which
    the method's callers must see as a change in place (analysis/sharing.py)."""
    return {name for name, layout in normalizer.named_layouts().items()
            if layout[0] == L.OBJECT and normalizer.given_object(name) is not None
            and not normalizer.is_receiver(name)}


def _note_argument_stores(normalizer, lines, helper):
    """Note the attribute stores into an argument's object among ``lines`` (``helper``
    written in): followed on a copy (built_objects.attribute_write), where the function's
    own store into an argument's attribute is refused."""
    given = _given_objects(normalizer)
    stores = normalizer.__dict__.setdefault("helper_stores", {})
    stores.update((id(node), helper) for line in lines for node in S.walk_nodes(line)
                  if isinstance(node, gast.Attribute) and isinstance(node.ctx, gast.Store)
                  and isinstance(node.value, gast.Name) and node.value.id in given)


def handed_to_a_storing_helper(normalizer, tree, param, attr):
    """Whether ``tree`` hands ``param.attr`` to a helper of the user's (``bump(m.layer, w)``)
    that stores into the parameter it binds it to: one to write in once ``m.layer`` has a
    name of its own (argument_objects.split_argument_attributes)."""
    for stmt in S.statements(tree.body):
        call = helper_call(stmt)
        if call is None or not any(isinstance(a, gast.Attribute) and a.attr == attr and isinstance(a.value, gast.Name)
                                   and a.value.id == param for a in call.args):
            continue
        helper = normalizer.source.resolve_path([call.func.id], depend=False)
        body = _helper_body(normalizer, tree, helper)
        handed = bound_arguments(helper, call, skipped=0) if body is not None else None
        if handed is not None and any(isinstance(value, gast.Attribute) and value.attr == attr
                                      for p, value in handed if p in _handed_parameters(helper, body)):
            return True
    return False


def _lists_gone_over(tree, names):
    """The names of the lists the loops binding ``names`` go over, and so on outwards."""
    sources = {target: source for loop in S.walk_nodes(tree) if isinstance(loop, gast.For)
               for target, source in _loop_pairs(loop)}
    found, todo = set(), [sources[n] for n in names if n in sources]
    while todo:
        name = todo.pop()
        if name not in found:
            found.add(name)
            todo.extend([sources[name]] if name in sources else [])
    return found


def _own_blocks(body):
    """``body`` and the statement lists nested in it, not those of a function or class
    it defines (whose names are another scope's)."""
    yield body
    for stmt in body:
        if not isinstance(stmt, _DEFINITIONS):
            for block in walk.inner_blocks(stmt):
                yield from _own_blocks(block)


_DEFINITIONS = (gast.FunctionDef, gast.AsyncFunctionDef, gast.ClassDef)


def _named_as_followed(tree, name):
    """Whether ``tree`` names ``name`` (bound once: ``_owned_names``) only to read or store
    its attributes (an object: ``l.W``, ``l.items.append(v)``), or its items and going
    over them (a list display: ``ps[0]``, ``for p in ps``, ``zip(ps, gs)``, ``len(ps)``):
    not handed on, returned, aliased or changed as a list."""
    parents = parents_of(tree)
    for node in S.walk_nodes(tree):
        if isinstance(node, _DEFINITIONS + (gast.Lambda,)) and node is not tree and name in S.names_in(node):
            return False        # (a closure reading it when it runs)
        if not (isinstance(node, gast.Name) and node.id == name and isinstance(node.ctx, gast.Load)):
            continue
        parent = parents.get(id(node))
        if isinstance(parent, gast.Attribute) and parent.value is node:
            if _displayed(tree, name):
                return False        # ps.append(v), ps.sort(): the list changed
            continue
        if isinstance(parent, gast.Subscript) and parent.value is node and isinstance(parent.ctx, gast.Load) \
                or isinstance(parent, (gast.For, gast.comprehension)) and parent.iter is node \
                or isinstance(parent, gast.Call) and isinstance(parent.func, gast.Name) \
                and parent.func.id in _GOING_OVER and node in parent.args:
            if _displayed(tree, name):
                continue
        return False
    return True


_GOING_OVER = frozenset({"zip", "enumerate", "reversed", "len"})


def _displayed(tree, name):
    """Whether ``name``'s one binding in ``tree`` is a list or tuple display."""
    return any(isinstance(n, gast.Assign) and isinstance(n.value, (gast.List, gast.Tuple))
               and any(isinstance(t, gast.Name) and t.id == name for t in n.targets) for n in S.walk_nodes(tree))


def _owned_names(normalizer, tree, excluded):
    """The names ``tree`` binds once, to an object it builds (``l = Layer(x)``) or a list
    or tuple display of such objects (``ps = [Layer(x), Layer(y)]``), or as a loop's
    target going over such a list (``for l in ps``, ``for l, g in zip(ps, gs)``): no other
    name holds what they name (the function's own checks follow them from there). Not
    those in ``excluded``, nor the items of a list there."""
    bindings = {}
    for node in S.walk_nodes(tree):
        if isinstance(node, gast.Assign):
            for target in node.targets:
                if isinstance(target, gast.Name):
                    bindings.setdefault(target.id, []).append(node.value)
        elif isinstance(node, gast.For):
            for target, source in _loop_pairs(node):
                bindings.setdefault(target, []).append(source)
    stores = Counter(n.id for n in S.walk_nodes(tree) if isinstance(n, gast.Name) and not isinstance(n.ctx, gast.Load))
    once = {name: values[0] for name, values in bindings.items() if len(values) == 1 == stores[name]}
    owned = {name for name, value in once.items() if _new_object(normalizer, value)} - excluded
    owned |= {name for name, value in once.items() if isinstance(value, str) and value in owned}
    return owned - set(parameters(tree)) - excluded


def _new_object(normalizer, value):
    """Whether ``value`` builds a new object of a class of the user's (``Layer(x)``), or
    a list or tuple display of such objects."""
    if isinstance(value, (gast.List, gast.Tuple)):
        return bool(value.elts) and all(_new_object(normalizer, e) for e in value.elts)
    return isinstance(value, gast.Call) and normalizer.built_class_of(value) is not None


def _helper_body(normalizer, tree, helper):
    """The syntax tree of ``helper`` where it is a user's function that stores into
    objects it is handed and may be written in; else None."""
    if type(helper) is not types.FunctionType or not is_user_function(helper) \
            or not may_store_attributes(helper):
        return None
    from .foreign import _calls_itself, _writes_outside
    if _calls_itself(helper) or _writes_outside(helper):
        return None
    return plain_body(normalizer, tree, helper, lambda node: bool(_handed_parameters(helper, node)))


def _shared(normalizer, stored, handed, owned):
    """{parameter: the caller's name} for the parameters ``stored`` of those the helper
    stores into, each handed a name in ``owned`` or a new object (bound to a fresh name
    then: ``bump(Layer(x), w)``); None where one is handed anything else."""
    shared = {}
    for param in stored:
        value = dict(handed).get(param)
        if isinstance(value, gast.Name) and value.id in owned:
            shared[param] = value.id
        elif not _new_object(normalizer, value):
            return None
    return shared if stored else None


def _handed_parameters(helper, tree, depth=_DEPTH):
    """The parameters of ``helper`` (its syntax tree ``tree``) whose objects it stores an
    attribute of (or changes a list one holds), directly (``layer.W = v``, ``ps[0].W =
    v``), through a loop over them (``for p in ps``, ``for p, g in zip(ps, gs)``), or
    handing them to a helper that does (``bump(p, g)``); empty where it binds such a
    parameter again."""
    params = set(parameters(tree))
    through = {name: name for name in params}
    for loop in S.walk_nodes(tree):
        if isinstance(loop, gast.For):
            through.update((target, source) for target, source in _loop_pairs(loop) if source in params)
    stored = set()
    for node in S.walk_nodes(tree):
        roots = [_written(node)] + (_handed_on(helper, node, depth) if depth and isinstance(node, gast.Call) else [])
        for root in roots:
            attribute = False
            while isinstance(root, (gast.Attribute, gast.Subscript)):
                attribute = attribute or isinstance(root, gast.Attribute)
                root = root.value
            if attribute and isinstance(root, gast.Name) and root.id in through:
                stored.add(through[root.id])
    rebound = binding_counts(tree.body)
    return set() if any(rebound.get(p) for p in stored) else stored


def _handed_on(helper, call, depth):
    """The arguments of ``call`` (in ``helper``) that a helper of the user's it calls by
    name stores into, each as ``argument.attribute`` would (an attribute of it stored)."""
    found = helper.__globals__.get(call.func.id) if isinstance(call.func, gast.Name) else None
    if type(found) is not types.FunctionType or found is helper or not is_user_function(found) \
            or not may_store_attributes(found):
        return []
    try:
        tree = parsed_for_reading(found).tree
    except Exception:       # noqa: BLE001 - no source to read: not one followed
        return []
    stored = _handed_parameters(found, tree, depth - 1)
    given = dict(bound_arguments(found, call, skipped=0) or ())
    return [gast.Attribute(value=given[p], attr="_", ctx=gast.Store()) for p in stored if p in given]


def _written(node):
    """What ``node`` stores into (``layer.W`` of ``layer.W = v``) or changes by a method
    (``h.items`` of ``h.items.append(v)``); else None."""
    if isinstance(node, (gast.Attribute, gast.Subscript)) and isinstance(node.ctx, (gast.Store, gast.Del)):
        return node
    if isinstance(node, gast.Call) and isinstance(node.func, gast.Attribute) and node.func.attr in CHANGING_METHODS:
        return node.func.value
    return None


def _loop_pairs(loop):
    """(loop target name, the name it iterates) for ``for p in ps`` and ``for p, g in zip(ps, gs)``."""
    target, iterated = loop.target, loop.iter
    if isinstance(target, gast.Name) and isinstance(iterated, gast.Name):
        return [(target.id, iterated.id)]
    if isinstance(target, gast.Tuple) and isinstance(iterated, gast.Call) and isinstance(iterated.func, gast.Name) \
            and iterated.func.id == "zip" and not iterated.keywords and len(target.elts) == len(iterated.args):
        return [(t.id, a.id) for t, a in zip(target.elts, iterated.args)
                if isinstance(t, gast.Name) and isinstance(a, gast.Name)]
    return []
