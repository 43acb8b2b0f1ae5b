"""A list of objects whose length is known only when the code runs (a comprehension over
``range(n)``, appends in a loop), or a dict of objects a loop fills, held as a list (a
dict) per attribute, each object built again from its attributes where it is used::

    layers = [Layer(w[i]) for i in range(n)]          layers_W = []
                                                      for i_1 in range(n):
                                                          layers_W.append(w[i_1])
    for layer in layers:                      ->      for k in range(len(layers_W)):
        layer.step(w)                                     layer_1 = Layer(layers_W[k])
                                                          layer_1.step(w)
                                                          layers_W[k] = layer_1.W
    y = layers[-1].W                                  y = layers_W[-1]

    d = {}                                            d_W = {}
    for name, v in zip(names, ws):            ->      for name, v in zip(names, ws):
        d[name] = Layer(v)                                W_1 = v
                                                          key = name
                                                          d_W[key] = W_1

The class is one whose objects are just their attributes (attribute_classes.py), so
the object built again is the item as far as anything can tell, where after each use
the attributes the class's methods (or the loop's body) store are written back to the
lists, before anything else reads them.

Taken only where nothing else can tell the two apart: the function has no ``try`` or
``with``; the name is bound once, to the comprehension (one ``for``, no ``if``), to
``[]`` or to ``{}``, and every other use of it is ``name.append(Class(...))``, ``name[k] =
Class(...)``, a ``for`` over it (its values, keys or items for a dict; or over a slice of
the list, ``for t in name[1:]``, run over the positions sliced so), ``len(name)``,
``k in name`` (a dict), ``name[k].attr`` or a statement ``name[k].method(...)`` (``v =
name[k].method(...)``), none in a nested scope: never handed on, copied or stored
elsewhere, so no other name holds the container or its objects. A loop over the objects
(also over ``enumerate(name)`` or ``zip(..., name, ...)``, or of a slice of it,
``enumerate(name[1:])``) binds a name read only in its
body, as ``name.attr`` or in ``name.method(...)``, and its body names the container (or
a list moved out of it) only to read ``name[k].attr`` before it changes the loop's object,
and has no ``break``, ``continue`` or ``return``. ``name[k].prop`` reads a property whose
getter stores nothing, on the object built again just before the statement reading it. A list moved out of the list
(``ys = name[1:]``, ``ys.append(name[k])``) is held as the objects' positions in it
(column_moves.py; a display of such objects is taken only where one is), and a
comprehension over either is run as a loop (column_comprehensions.py).
Anything else is left as it was (built_objects.py follows it or refuses it, naming the line).

``write_columns`` rewrites and returns whether it did, for the statements that
object_column_candidates.py found by a first look (its ``write_object_columns``).
"""

import builtins
import dis
import inspect
import types

import gast
import numpy

from ...core.first_use import imported_when_called
from ...core import methods as M
from ...core import syntax as S
from ...core.walk import walk_blocks

# modules only some functions need, loaded with the first call of these (core/first_use.py)
_self_stores = imported_when_called(__package__ + ".attribute_classes", "_self_stores")
attribute_class = imported_when_called(__package__ + ".attribute_classes", "attribute_class")
aliases_of = imported_when_called(__package__ + ".attribute_classes", "aliases_of")
attribute_use = imported_when_called(__package__ + ".attribute_classes", "attribute_use")
given_arguments = imported_when_called(__package__ + ".attribute_classes", "given_arguments")
init_constants = imported_when_called(__package__ + ".attribute_classes", "init_constants")
parents_of = imported_when_called(__package__ + ".attribute_classes", "parents_of")
MovedRewrite = imported_when_called(__package__ + ".column_moves", "MovedRewrite")
loop_words = imported_when_called(__package__ + ".column_moves", "loop_words")
moved_lists = imported_when_called(__package__ + ".column_moves", "moved_lists")
note_unfollowed_move = imported_when_called(__package__ + ".column_moves", "note_unfollowed_move")
new_object_advice = imported_when_called(__package__ + ".column_moves", "new_object_advice")
comprehension_over = imported_when_called(__package__ + ".column_comprehensions", "comprehension_over")
lowered = imported_when_called(__package__ + ".column_comprehensions", "lowered")
plain_comprehension = imported_when_called(__package__ + ".column_comprehensions", "plain_comprehension")
statement_running = imported_when_called(__package__ + ".column_comprehensions", "statement_running")
changed_attributes = imported_when_called(__package__ + ".column_writes", "changed_attributes")
in_place_followed = imported_when_called(__package__ + ".column_writes", "in_place_followed")
rebuilt_item = imported_when_called(__package__ + ".column_writes", "rebuilt_item")

_CATCHING = (gast.Try, gast.With) + ((gast.TryStar,) if hasattr(gast, "TryStar") else ())
_SCOPES = (gast.FunctionDef, gast.AsyncFunctionDef, gast.Lambda, gast.ClassDef, gast.ListComp, gast.SetComp,
           gast.DictComp, gast.GeneratorExp)
_JUMPS = (gast.Break, gast.Continue, gast.Return, gast.Yield, gast.YieldFrom, gast.Await)
_FIXED = (types.ModuleType, type, types.FunctionType, types.BuiltinFunctionType, numpy.ufunc)
_KINDS = ("appends", "stores", "loops", "lengths", "contains", "reads", "calls", "comprehensions")


def write_columns(normalizer, tree, candidates):
    """Rewrite ``tree`` as the module docstring says, for the ``candidates`` (statement,
    what ``object_column_candidates.candidate`` found) its first look found; whether it did."""
    if any(isinstance(node, _CATCHING) for node in S.walk_nodes(tree)):
        return False
    done, seen = False, None
    for stmt, found in candidates:
        seen = seen or _Seen(tree)
        uses = _uses(normalizer, seen, stmt, found)
        # (len and range asked about only here: resolving a name records a guard on it)
        if uses is not None and (done or _builtins_named(normalizer)):
            _read_aliases_as_columns(*uses)
            _Rewrite(normalizer, tree, stmt, *uses).apply()
            done, seen = True, None
    return done


def _read_aliases_as_columns(found, uses, moves):
    """``held[k].first`` read as ``held[k].data``, where ``__init__`` stored one parameter
    in both and nothing stores either after (attribute_classes.aliases_of)."""
    aliases = aliases_of(found[0])
    for at in uses["reads"] + [at for m in moves for at in m.uses["reads"]]:
        at.attr = aliases.get(at.attr, at.attr)


def columns_take(normalizer, tree, held):
    """Whether ``write_object_columns`` would hold the list ``held`` (bound once in
    ``tree``, to ``[]``) as a list per attribute (appended_objects.py asks, on a copy)."""
    stmt = next((s for block in walk_blocks(tree.body) for s in block if isinstance(s, gast.Assign)
                 and len(s.targets) == 1 and isinstance(s.targets[0], gast.Name) and s.targets[0].id == held), None)
    from .object_column_candidates import candidate     # (that module loads this one when first called)
    found = candidate(normalizer, stmt) if stmt is not None else None
    if found is None or any(isinstance(node, _CATCHING) for node in S.walk_nodes(tree)):
        return False
    return _uses(normalizer, _Seen(tree), stmt, found) is not None and _builtins_named(normalizer)


class _Seen:
    """What the uses of a name are looked up in: each name's nodes, each node's parent,
    the nodes inside nested scopes (of the tree as it is now)."""

    def __init__(self, tree):
        self.tree, self.parents, self.names = tree, parents_of(tree), {}
        for node in S.walk_nodes(tree):
            if isinstance(node, gast.Name):
                self.names.setdefault(node.id, []).append(node)
        self.scoped = {id(n) for scope in S.walk_nodes(tree) if isinstance(scope, _SCOPES) and scope is not tree
                       for n in S.walk_nodes(scope)}


def _builtins_named(normalizer):
    """Whether ``len`` and ``range`` in the function are Python's (the rewrite names them)."""
    return all(name not in normalizer.bound_count and normalizer.resolve_call(
        gast.Call(func=S.name(name), args=[], keywords=[])) is value
        for name, value in (("len", builtins.len), ("range", builtins.range)))


def _uses(normalizer, seen, stmt, found):
    """((class, attributes, stored), {kind: the uses of the container ``stmt`` binds, the
    nodes to rewrite}) where every use of it is one the module docstring names, storing
    objects of one class; else None."""
    name, parents = stmt.targets[0].id, seen.parents
    keyed = found == "dict"
    uses = {kind: [] for kind in _KINDS}
    moves, covered = ([], set()) if keyed else moved_lists(normalizer, seen, stmt, _block_of(seen.tree, stmt), _use_of)
    for node in seen.names[name]:
        if node is stmt.targets[0] or id(node) in covered:
            continue
        comprehension = None if keyed else comprehension_over(normalizer, node, parents)
        if comprehension is not None and id(comprehension.statement) not in seen.scoped:
            uses["comprehensions"].append(comprehension)        # sum([b.step(w) for b in bs])
            continue
        kind, at = (None, None) if id(node) in seen.scoped else _use_of(normalizer, node, parents, keyed)
        if kind is None:
            return None
        uses[kind].append(at)
    family = {name} | {m.name for m in moves}
    for m in moves if uses["stores"] else ():
        line = normalizer.source.file_line(uses["stores"][0])
        note_unfollowed_move(normalizer, seen, m.stmt, name,
                             f"'{name}' is stored into at an index (line {line}) while '{m.name}' holds its objects",
                             loops_over=(name, m.name), advice=new_object_advice(name, uses["stores"][0].value))
    if moves and (uses["stores"] or not _moves_named(normalizer, moves, family)) or found == "display" and not moves:
        return None         # (a store at an index would change what a moved list holds)
    stored = [at.value.args[0] for at in uses["appends"]] + [at.value for at in uses["stores"]]
    if found == "display":          # objs = [Layer(a), Layer(b)], then ys.append(objs[i])
        stored = stmt.value.elts + stored
    if found in ("list", "dict", "display"):
        found = attribute_class(normalizer, stored[0], name) if stored else None
        if found is None:
            return None
    cls, attrs, _ = found
    if any(normalizer.built_class_of(call) is not cls or attribute_class(normalizer, call, name) is None
           for call in stored):
        return None
    every = {kind: uses[kind] + [at for m in moves for at in m.uses[kind]] for kind in ("reads", "calls", "loops")}
    aliases = aliases_of(cls)       # (held[k].first read as held[k].data: write_columns)
    if any(at.attr not in attrs and at.attr not in aliases and not _property_read(cls, attrs, at, parents)
           for at in every["reads"]) or not all(
            inspect.isfunction(M.static_attribute(cls, at.value.func.attr)) for at in every["calls"]):
        return None
    loops = every["loops"]
    unplain = [loop for loop, mode, variable in loops
               if mode != "keys" and not _plain_loop(seen, loop, variable, family, cls, attrs)]
    for m in moves if unplain else ():
        if _family_named(unplain[0], {m.name}):
            line = normalizer.source.file_line(unplain[0])
            note_unfollowed_move(normalizer, seen, m.stmt, name, loop_words(m.name, name, line))
    if unplain:
        return None
    comprehensions = uses["comprehensions"] + [c for m in moves for c in m.uses["comprehensions"]]
    if not all(plain_comprehension(c, family, cls, attrs, parents) for c in comprehensions):
        return None
    if not in_place_followed(normalizer, seen.tree, found, uses, moves):
        return None         # self.data[k] *= c on an array another name may hold: column_writes.py
    return found, uses, moves


def _property_read(cls, attrs, at, parents):
    """Whether ``at`` (``layers[k].prop``) reads a constant attribute (``init_constants``) or a
    property whose getter stores nothing, in
    a statement that may read it just before it runs (column_comprehensions.py): one
    calling nothing before the read, or, where the getter reads no global but modules,
    classes and functions, any (a call cannot change what the getter computes from: the
    columns are the function's own names)."""
    if at.attr in init_constants(cls):        # layers[k].kind: set by __init__, read on the object built again
        return statement_running(at, parents, calls=True) is not None
    prop = M.static_attribute(cls, at.attr)
    return isinstance(prop, property) and inspect.isfunction(prop.fget) \
        and _self_stores(cls, prop.fget, attrs) == set() \
        and statement_running(at, parents, calls=_reads_fixed_globals(prop.fget)) is not None


def _reads_fixed_globals(fn):
    """Whether the globals ``fn`` reads are all modules, classes or functions now."""
    read = {i.argval for i in dis.get_instructions(fn) if i.opname == "LOAD_GLOBAL"}
    return not fn.__code__.co_freevars and all(
        isinstance(fn.__globals__.get(name, getattr(builtins, name, None)), _FIXED) for name in read)


def _position(node):
    return getattr(node, "lineno", 0), getattr(node, "col_offset", 0)


def _block_of(tree, stmt):
    return next(block for block in walk_blocks(tree.body) if any(s is stmt for s in block))


def _moves_named(normalizer, moves, family):
    """Whether the moved lists' calls hand none of the lists on, and ``list`` (the
    rewrite names it) is Python's."""
    calls = [at.value for m in moves for at in m.uses["calls"]]
    return not any(_family_named(a, family) for call in calls for a in call.args + call.keywords) \
        and "list" not in normalizer.bound_count \
        and normalizer.resolve_call(gast.Call(func=S.name("list"), args=[], keywords=[])) is builtins.list


def _family_named(node, family):
    return any(isinstance(n, gast.Name) and n.id in family for n in S.walk_nodes(node))


def _use_of(normalizer, node, parents, keyed):
    """(kind, the node to rewrite) for a use of the container's name ``node``; (None, None)."""
    parent = parents.get(id(node))
    outer = parents.get(id(parent))
    loop = _loop_of(normalizer, node, parent, outer, parents, keyed)
    if loop is not None:
        return "loops", loop
    if isinstance(parent, gast.Call) and isinstance(parent.func, gast.Name) and parent.func.id == "len" \
            and parent.args == [node] and not parent.keywords:
        return "lengths", parent        # (Python's len: _builtins_named)
    if keyed and isinstance(parent, gast.Compare) and parent.comparators == [node] \
            and isinstance(parent.ops[0], (gast.In, gast.NotIn)):
        return "contains", parent
    if not keyed and isinstance(parent, gast.Attribute) and parent.attr == "append" \
            and isinstance(outer, gast.Call) and outer.func is parent and len(outer.args) == 1 \
            and not outer.keywords and isinstance(parents.get(id(outer)), gast.Expr):
        return "appends", parents[id(outer)]
    if not (isinstance(parent, gast.Subscript) and parent.value is node
            and not any(isinstance(n, gast.Name) and n.id == node.id for n in S.walk_nodes(parent.slice))):
        return None, None
    if isinstance(parent.ctx, gast.Store) and isinstance(outer, gast.Assign) and outer.targets == [parent] \
            and isinstance(outer.value, gast.Call):
        return "stores", outer
    if not (isinstance(parent.ctx, gast.Load) and isinstance(outer, gast.Attribute) and outer.value is parent
            and isinstance(outer.ctx, gast.Load)):
        return None, None
    call = parents.get(id(outer))
    if not (isinstance(call, gast.Call) and call.func is outer):
        return "reads", outer
    holder = parents.get(id(call))
    if (isinstance(holder, gast.Expr) or isinstance(holder, gast.Assign) and holder.value is call
            and len(holder.targets) == 1 and isinstance(holder.targets[0], gast.Name)) \
            and not any(isinstance(n, gast.Name) and n.id == node.id for a in call.args + call.keywords
                        for n in S.walk_nodes(a)):
        return "calls", holder
    return None, None


def _loop_of(normalizer, node, parent, outer, parents, keyed):
    """(the loop, "objects", "keys" or "pairs", the name bound to each object) where
    ``node`` is what a ``for`` (with no ``else``) goes over: the list, a dict's values, keys
    or items, or the list in ``enumerate(list)`` or ``zip(..., list, ...)``; else None."""
    if isinstance(parent, gast.For) and parent.iter is node:
        loop, over = parent, None
    elif not keyed and _sliced_loop(node, parent, outer):        # for t in layers[1:]: the positions sliced
        loop, over = outer, None
    elif not keyed and _sliced_argument(node, parent, outer, parents):     # enumerate(layers[1:])
        return _loop_of(normalizer, parent, outer, parents.get(id(outer)), parents, keyed)
    elif not keyed and isinstance(parent, gast.Call) and isinstance(outer, gast.For) and outer.iter is parent:
        slot = _slot(normalizer, node, parent)
        target = outer.target
        good = slot is not None and not outer.orelse and isinstance(target, gast.Tuple) \
            and len(target.elts) == (2 if slot is _ENUMERATED else len(parent.args)) \
            and all(isinstance(e, gast.Name) for e in target.elts)
        return (outer, "objects", target.elts[1 if slot is _ENUMERATED else slot].id) if good else None
    elif keyed and isinstance(parent, gast.Attribute) and parent.attr in ("values", "keys", "items") \
            and isinstance(outer, gast.Call) and outer.func is parent and not outer.args and not outer.keywords \
            and isinstance(parents.get(id(outer)), gast.For) and parents[id(outer)].iter is outer:
        loop, over = parents[id(outer)], parent.attr
    else:
        return None
    target = loop.target
    if loop.orelse:
        return None
    if over == "items":
        pair = isinstance(target, gast.Tuple) and len(target.elts) == 2 \
            and all(isinstance(e, gast.Name) for e in target.elts) and target.elts[0].id != target.elts[1].id
        return (loop, "pairs", target.elts[1].id) if pair else None
    if not isinstance(target, gast.Name):
        return None
    return (loop, "keys", None) if keyed and over in (None, "keys") else (loop, "objects", target.id)


def _sliced_loop(node, parent, outer):
    """Whether ``node`` is the list a ``for`` goes over a slice of (``for t in
    layers[a:b]``, the bounds not naming it): Python takes the slice once, before the
    first pass, as the rewrite takes the slice of the positions."""
    return isinstance(parent, gast.Subscript) and parent.value is node and isinstance(parent.slice, gast.Slice) \
        and isinstance(parent.ctx, gast.Load) and isinstance(outer, gast.For) and outer.iter is parent \
        and not any(isinstance(n, gast.Name) and n.id == node.id for n in S.walk_nodes(parent.slice))


def _sliced_argument(node, parent, outer, parents):
    """Whether ``node`` is the list a slice of which ``enumerate`` or ``zip`` is handed in
    a ``for`` (``for i, t in enumerate(layers[1:])``, the bounds not naming it): taken
    once, before the first pass, as the rewrite takes the slice of the positions."""
    return isinstance(parent, gast.Subscript) and parent.value is node and isinstance(parent.slice, gast.Slice) \
        and isinstance(parent.ctx, gast.Load) and isinstance(outer, gast.Call) and parent in outer.args \
        and isinstance(parents.get(id(outer)), gast.For) and parents[id(outer)].iter is outer \
        and not any(isinstance(n, gast.Name) and n.id == node.id for n in S.walk_nodes(parent.slice))


_ENUMERATED = "enumerated"


def _slot(normalizer, node, call):
    """``_ENUMERATED`` where ``call`` is ``enumerate(node)`` (or with a start), the
    position of ``node`` among the arguments of ``zip(...)``; else None."""
    if call.keywords or any(isinstance(a, gast.Starred) for a in call.args):
        return None
    function = normalizer.resolve_call(call)
    if function is builtins.enumerate and call.args[:1] == [node] and len(call.args) <= 2:
        return _ENUMERATED
    if function is builtins.zip and any(a is node for a in call.args):
        return next(k for k, a in enumerate(call.args) if a is node)
    return None


def _plain_loop(seen, loop, variable, family, cls, attrs):
    """Whether the body of ``loop`` (over the objects of the container or of a list moved
    out of it, ``family``) never names one of them, has no jump out of it, and names its
    variable only as ``v.attr`` or in ``v.method(...)``, and the variable is named nowhere else."""
    inside = {id(n) for s in loop.body for n in S.walk_nodes(s)}
    targets = [n.id for n in S.walk_nodes(loop.target) if isinstance(n, gast.Name)]
    if variable in family or len(set(targets)) != len(targets) or family & set(targets) \
            or len([n for n in S.walk_nodes(loop.iter) if isinstance(n, gast.Name) and n.id in family]) != 1:
        return False
    targets = {id(n) for n in S.walk_nodes(loop.target)}
    for node in [n for name in sorted(family) for n in seen.names.get(name, [])] + seen.names[variable]:
        if id(node) in targets:
            continue
        if node.id in family and id(node) in inside and not _read_before_change(seen, loop, variable, node, cls, attrs) \
                or node.id == variable and (
                id(node) not in inside or id(node) in seen.scoped or not isinstance(node.ctx, gast.Load)
                or attribute_use(cls, node, seen.parents, attrs) is None):
            return False
    return not any(isinstance(n, _JUMPS) for s in loop.body for n in S.walk_nodes(s))


def _read_before_change(seen, loop, variable, node, cls, attrs):
    """Whether ``node`` (a name of one of the lists, in the body of ``loop`` over their
    objects) is read as ``name[k].attr`` before anything in this pass can change the
    loop's object: the object built again is written back at the end of the pass, so
    until it changes, ``name[k]`` found in the lists is the object as Python has it, even
    where it is the loop's (``for layer in layers: layer.W = layer.W + ys[0].W``)."""
    parent = seen.parents.get(id(node))
    outer = seen.parents.get(id(parent))
    called = seen.parents.get(id(outer))
    if not (isinstance(parent, gast.Subscript) and parent.value is node and isinstance(outer, gast.Attribute)
            and isinstance(outer.ctx, gast.Load) and not (isinstance(called, gast.Call) and called.func is outer)):
        return False
    for stmt in loop.body:
        changes = [n for n in S.walk_nodes(stmt) if isinstance(n, gast.Name) and n.id == variable
                   and attribute_use(cls, n, seen.parents, attrs) in ("store", "call")]
        if not any(n is node for n in S.walk_nodes(stmt)):
            if changes:
                return False
            continue
        # the statement changing the object reads the item first: v.W = f(ys[0].W), v.step(ys[0].W)
        value = stmt.value if isinstance(stmt, (gast.Assign, gast.AugAssign)) else \
            gast.Tuple(elts=stmt.value.args, ctx=gast.Load()) if isinstance(stmt, gast.Expr) \
            and isinstance(stmt.value, gast.Call) else None
        inside = set() if value is None else {id(n) for n in S.walk_nodes(value)}
        return not changes or id(node) in inside and not any(
            id(n) in inside and attribute_use(cls, n, seen.parents, attrs) == "call" for n in changes)
    return False


class _Rewrite:
    """The rewrite of one container into a container per attribute (module docstring)."""

    def __init__(self, normalizer, tree, stmt, found, uses, moves):
        self.normalizer, self.tree, self.stmt, self.uses = normalizer, tree, stmt, uses
        self.cls, self.attrs, self.stored = found
        self.changed = changed_attributes(self.cls, self.attrs)     # written in place: column_writes.py
        self.stored = set(self.stored) | self.changed       # (written back after each call)
        built = stmt.value.elt if isinstance(stmt.value, gast.ListComp) else stmt.value.elts[0] \
            if isinstance(stmt.value, gast.List) and stmt.value.elts else \
            (uses["appends"][0].value.args[0] if uses["appends"] else uses["stores"][0].value)
        self.owner = built.func         # the class as the code names it
        name = stmt.targets[0].id
        self.columns = [self._fresh(f"{name}_{a}") for a in self.attrs]
        self.moved = MovedRewrite(moves, name, self.columns[0], self._fresh) if moves else None
        self.over = {}          # {id(a loop over a moved list): the name of its positions}

    def _fresh(self, hint):
        name = self.normalizer.namer.fresh(hint)
        self.normalizer.locals.add(name)
        return name

    def apply(self):
        uses, made = self.uses, self.stmt.value
        for holder in [uses] + [m.uses for m in self.moved.moves] if self.moved is not None else [uses]:
            for found in holder["comprehensions"]:          # [b.step(w) for b in bs]: a loop
                loop = lowered(found, _block_of(self.tree, found.statement), self._fresh)
                holder["loops"].append((loop, "objects", loop.target.id))
        if self.moved is not None:          # ys = layers[:2]: the positions, ys[k].W: layers[ys_at[k]].W
            self.moved.bindings()
            self.over = self.moved.as_column_uses(uses)
        empty = (lambda: gast.Dict(keys=[], values=[])) if isinstance(made, gast.Dict) else \
            (lambda: gast.List(elts=[], ctx=gast.Load()))
        self._replace(self.stmt, [self._at(S.assign(c, empty()), self.stmt) for c in self.columns]
                      + ([self._filled(made)] if isinstance(made, gast.ListComp) else [])
                      + [s for item in (made.elts if isinstance(made, gast.List) else ()) for s in self._appends(item, self.stmt)])
        for at in uses["appends"]:
            self._replace(at, self._appends(at.value.args[0], at))
        for at in uses["stores"]:
            self._store(at)
        for loop, mode, variable in uses["loops"]:
            self._loop(loop, mode, variable)
        parents = parents_of(self.tree)
        for at in uses["lengths"]:
            S.replace_child(parents[id(at)], at, self._at(S.call(S.name("len"), [S.name(self.columns[0])]), at))
        for at in uses["contains"]:
            at.comparators = [self._at(S.name(self.columns[0]), at)]
        for at in sorted(uses["reads"], key=_position):        # (as Python reads them)
            if at.attr not in self.attrs:
                self._property_read(at, parents)
                continue
            column = self.columns[self.attrs.index(at.attr)]
            S.replace_child(parents[id(at)], at, self._at(gast.Subscript(
                value=S.name(column), slice=at.value.slice, ctx=gast.Load()), at))
        for at in uses["calls"]:
            self._call(at)

    def _filled(self, comprehension):
        """``for target in iter: column.append(argument)`` for the comprehension, its
        variables named afresh (Python gives them a scope of their own)."""
        from .built_lists import _renamed
        generator = comprehension.generators[0]
        names = {n: self._fresh(n) for n in S.stored_names(generator.target)}
        elt = _renamed(S.copy(comprehension.elt), names)
        return self._at(gast.For(target=_renamed(S.copy(generator.target), names), iter=generator.iter,
                                 body=self._appends(elt, self.stmt), orelse=[], type_comment=None), self.stmt)

    def _appends(self, call, where):
        return [self._at(S.expr_stmt(S.call(gast.Attribute(value=S.name(self.columns[k]), attr="append",
                                                           ctx=gast.Load()), [value])), where)
                for k, value in given_arguments(self.cls, call)]

    def _store(self, stmt):
        """``name[key] = Class(a, b)``: the arguments, then the key, evaluated in that
        order, as Python does, then stored into the columns."""
        values = [(k, self._fresh(self.attrs[k])) for k, _ in given_arguments(self.cls, stmt.value)]
        new = [self._at(S.assign(v, a), stmt) for (_, v), (_, a) in zip(values, given_arguments(self.cls, stmt.value))]
        key = self._fresh("key")
        new.append(self._at(S.assign(key, stmt.targets[0].slice), stmt))
        new += [self._at(S.assign(gast.Subscript(value=S.name(self.columns[k]), slice=S.name(key), ctx=gast.Store()),
                                  S.name(v)), stmt) for k, v in sorted(values)]
        self._replace(stmt, new)

    def _rebuilt(self, name, index, where):
        """``name = Class(column_1[index], ...)``."""
        items = [rebuilt_item(gast.Subscript(value=S.name(c), slice=S.name(index), ctx=gast.Load()), a, self.changed)
                 for c, a in zip(self.columns, self.attrs)]
        return self._at(S.assign(name, S.call(S.copy(self.owner), items)), where)

    def _written_back(self, name, index, attrs, where):
        return [self._at(S.assign(gast.Subscript(value=S.name(self.columns[self.attrs.index(a)]),
                                                 slice=S.name(index), ctx=gast.Store()),
                                  rebuilt_item(gast.Attribute(value=S.name(name), attr=a, ctx=gast.Load()), a,
                                               self.changed)), where)
                for a in self.attrs if a in attrs]

    def _loop(self, loop, mode, variable):
        if mode == "keys":          # for k in d, for k in d.keys(): the keys the columns share
            loop.iter = self._at(S.name(self.columns[0]), loop.iter)
            return
        index, item = self._fresh("k"), self._fresh(variable)
        calls, stores = False, set()
        for s in loop.body:
            for node in S.walk_nodes(s):
                if isinstance(node, gast.Name) and node.id == variable:
                    node.id = item
                elif isinstance(node, gast.Attribute) and isinstance(node.value, gast.Name) \
                        and node.value.id in (variable, item):
                    static = M.static_attribute(self.cls, node.attr)
                    calls |= inspect.isfunction(static) or isinstance(static, property)
                    if isinstance(node.ctx, gast.Store):
                        stores.add(node.attr)
        first = [self._rebuilt(item, index, loop)]
        if mode == "pairs":         # for key, v in d.items(): the key bound as Python binds it
            first.insert(0, self._at(S.assign(S.copy(loop.target.elts[0]), S.name(index)), loop))
        loop.body = first + loop.body + self._written_back(
            item, index, (self.stored if calls else set()) | stores, loop)
        every = S.name(self.columns[0]) if isinstance(self.stmt.value, gast.Dict) else \
            S.name(self.over[id(loop)]) if id(loop) in self.over else \
            S.call(S.name("range"), [S.call(S.name("len"), [S.name(self.columns[0])])])
        if isinstance(loop.iter, gast.Subscript):        # for t in layers[1:]: the positions sliced so
            every = gast.Subscript(value=every, slice=loop.iter.slice, ctx=gast.Load())
        if isinstance(loop.iter, gast.Call) and not isinstance(self.stmt.value, gast.Dict):
            # enumerate(layers), zip(layers, xs): the index in the list's place
            names = {self.stmt.targets[0].id, *self.over_names()}
            listed = next(k for k, a in enumerate(loop.iter.args) if isinstance(a, gast.Name) and a.id in names
                          or isinstance(a, gast.Subscript) and isinstance(a.value, gast.Name) and a.value.id in names)
            slot = 1 if self.normalizer.resolve_call(loop.iter) is builtins.enumerate else listed
            loop.target.elts[slot] = S.name(index, store=True)
            if isinstance(loop.iter.args[listed], gast.Subscript):     # enumerate(layers[1:]): the positions sliced
                every = gast.Subscript(value=every, slice=loop.iter.args[listed].slice, ctx=gast.Load())
            loop.iter.args[listed] = self._at(every, loop.iter.args[listed])
        else:
            loop.target = S.name(index, store=True)
            loop.iter = self._at(every, loop.iter)

    def over_names(self):
        return [m.name for m in self.moved.moves] if self.moved is not None else []

    def _call(self, holder):
        """``k = i; o = Class(...); [v =] o.method(...); column[k] = o.attr ...``."""
        call = holder.value
        index, item = self._fresh("k"), self._fresh("item")
        first = self._at(S.assign(index, call.func.value.slice), holder)
        call.func.value = S.name(item)
        self._replace(holder, [first, self._rebuilt(item, index, holder), holder]
                      + self._written_back(item, index, self.stored, holder))

    def _property_read(self, at, parents):
        """``layers[k].prop`` read by a statement: ``k_1 = k; item = Class(...); prop = item.prop``
        just before it, which reads ``prop`` instead (the getter stores nothing)."""
        statement, _ = statement_running(at, parents, calls=True)
        index, item, value = self._fresh("k"), self._fresh("item"), self._fresh(at.attr)
        new = [self._at(S.assign(index, at.value.slice), at), self._rebuilt(item, index, at),
               self._at(S.assign(value, gast.Attribute(value=S.name(item), attr=at.attr, ctx=gast.Load())), at)]
        S.replace_child(parents[id(at)], at, self._at(S.name(value), at))
        self._replace(statement, new + [statement])

    def _replace(self, stmt, new):
        for block in walk_blocks(self.tree.body):
            for k, s in enumerate(block):
                if s is stmt:
                    block[k:k + 1] = new
                    return

    @staticmethod
    def _at(node, where):
        return gast.copy_location(node, where)
