"""A list of objects of one class whose length is known only when the code runs (a
comprehension over ``range(n)``, appends in a loop), held as a list per attribute, each
object built again from its attributes where it is used::

    layers = [Layer(w[i]) for i in range(n)]          layers_W = []
                                                      for i_1 in range(n):
                                                          layers_W.append(w[i_1])
    for layer in layers:                      ->      for k in range(len(layers_W)):
        layer.step(w)                                     layer_1 = Layer(layers_W[k])
                                                          layer_1.step(w)
                                                          layers_W[k] = layer_1.W
    y = layers[-1].W                                  y = layers_W[-1]

The object built again is the item, as far as anything can tell: its class's
``__init__`` only stores each of its parameters into an attribute of its own, so the
attributes are the object's whole state and building it runs nothing else; every method
and property of the class names ``self`` only as ``self.attr`` (storing only those
attributes) or in a call ``self.method(...)``, so no method keeps the object or gives it
state of another name; and after each use the attributes the class's methods (or the
loop's body) store are written back to the lists, before anything else reads them.

Taken only where nothing else can tell the two apart: the function has no ``try`` or
``with``; the list's name is bound once, to the comprehension (one ``for``, no ``if``)
or to ``[]``, and every other use of it is ``name.append(Class(...))``, a ``for`` over
it, ``len(name)``, ``name[i].attr`` or a statement ``name[i].method(...)`` (``v =
name[i].method(...)``), none in a nested scope: never handed on, copied or stored into,
so no other name holds the list or its objects. A loop over it binds a name read only
in its body, as ``name.attr`` or in ``name.method(...)``, and its body never names the
list and has no ``break``, ``continue`` or ``return``. Anything else is left as it was
(built_objects.py follows it or refuses it, naming the line).

``write_object_columns`` rewrites and returns whether it did.
"""

import builtins
import inspect

import gast

from ...core import methods as M
from ...core import syntax as S
from ...core.walk import walk_blocks
from .gathered_lists import _SCOPED
from .instances import function_tree, init_of

_CATCHING = (gast.Try, gast.With) + ((gast.TryStar,) if hasattr(gast, "TryStar") else ())
_SCOPES = (gast.FunctionDef, gast.AsyncFunctionDef, gast.Lambda, gast.ClassDef, gast.ListComp, gast.SetComp,
           gast.DictComp, gast.GeneratorExp)
_JUMPS = (gast.Break, gast.Continue, gast.Return, gast.Yield, gast.YieldFrom, gast.Await)


def write_object_columns(normalizer, tree):
    """Rewrite ``tree`` as the module docstring says; whether it did."""
    candidates = [(s, found) for block in walk_blocks(tree.body) for s in block
                  for found in [_candidate(normalizer, s)] if found is not None]
    if not candidates or any(isinstance(node, _CATCHING) for node in S.walk_nodes(tree)) \
            or not _builtins_named(normalizer):
        return False
    done = False
    for stmt, found in candidates:
        uses = _uses(normalizer, tree, stmt, found)
        if uses is not None:
            _Rewrite(normalizer, tree, stmt, *uses).apply()
            done = True
    return done


def _builtins_named(normalizer):
    """Whether ``len`` and ``range`` in the function are Python's (the rewrite names them)."""
    return all(name not in normalizer.bound_count and normalizer.resolve_call(
        gast.Call(func=S.name(name), args=[], keywords=[])) is value
        for name, value in (("len", builtins.len), ("range", builtins.range)))


def _candidate(normalizer, stmt):
    """(class, its attributes in ``__init__``'s order, the attributes its methods store)
    where ``stmt`` binds a name once to a comprehension building objects of a class whose
    objects are their attributes (module docstring), or to ``[]``; else None."""
    if not (isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name)
            and normalizer.bound_count.get(stmt.targets[0].id, 0) == 1):
        return None
    value = stmt.value
    if isinstance(value, gast.List) and not value.elts:
        return "appended"
    if not (isinstance(value, gast.ListComp) and len(value.generators) == 1 and not value.generators[0].ifs
            and not value.generators[0].is_async):
        return None
    return _object_class(normalizer, value.elt, stmt.targets[0].id)


def _object_class(normalizer, call, name):
    """(class, attributes, stored) for ``call`` building an object that is its attributes,
    given each one (module docstring), naming neither ``name`` nor a nested scope; else None."""
    cls = normalizer.built_class_of(call) if isinstance(call, gast.Call) else None
    if cls is None or _arguments(cls, call) is None or any(
            isinstance(n, _SCOPED) or isinstance(n, gast.Name) and n.id == name for n in S.walk_nodes(call)):
        return None
    attrs = _given_attributes(cls)
    stored = None if attrs is None else _stored_by_methods(cls, attrs)
    return None if stored is None else (cls, attrs, stored)


def _arguments(cls, call):
    """[(attribute index, argument expression)] in the order the call evaluates them,
    where it gives every parameter of ``__init__``; else None."""
    if any(isinstance(a, gast.Starred) for a in call.args) or any(kw.arg is None for kw in call.keywords):
        return None
    try:
        params = list(inspect.signature(init_of(cls)).parameters)[1:]
        inspect.signature(init_of(cls)).bind(None, *call.args, **{kw.arg: kw.value for kw in call.keywords})
    except (TypeError, ValueError):
        return None
    given = list(enumerate(call.args)) + [(params.index(kw.arg), kw.value) for kw in call.keywords]
    return given if len(given) == len(params) else None


def _given_attributes(cls):
    """The attributes ``cls.__init__`` stores, one per parameter in order, where its body
    is only ``self.a = a`` statements (a docstring aside); else None."""
    init = init_of(cls)
    tree = function_tree(init) if inspect.isfunction(init) else None
    if tree is None:
        return None
    args = tree.args
    if args.vararg or args.kwarg or args.kwonlyargs or args.defaults or len(args.posonlyargs + args.args) < 2:
        return None
    me, *params = [p.id for p in args.posonlyargs + args.args]
    body = [s for s in tree.body if not (isinstance(s, gast.Expr) and isinstance(s.value, gast.Constant))]
    stores = {}
    for s in body:
        if not (isinstance(s, gast.Assign) and len(s.targets) == 1 and isinstance(s.targets[0], gast.Attribute)
                and isinstance(s.targets[0].value, gast.Name) and s.targets[0].value.id == me
                and isinstance(s.value, gast.Name) and s.value.id in params and s.value.id not in stores):
            return None
        stores[s.value.id] = s.targets[0].attr
    attrs = [stores.get(p) for p in params]
    if None in attrs or len(set(attrs)) != len(attrs) or any(
            a in vars(klass) for klass in cls.__mro__ for a in attrs):
        return None         # (a class attribute of that name may be a descriptor)
    return attrs


def _stored_by_methods(cls, attrs):
    """The attributes of ``attrs`` the methods of ``cls`` store, where each of them (and
    each property) names ``self`` only as ``self.attr`` (storing only ``attrs``) or in a
    call ``self.method(...)``; else None."""
    stored = set()
    for klass in cls.__mro__[:-1]:
        for key, value in vars(klass).items():
            if key == "__init__" or isinstance(value, (staticmethod, classmethod, type)) \
                    or not callable(value) and not isinstance(value, property):
                continue
            functions = [value.fget, value.fset, value.fdel] if isinstance(value, property) else [value]
            for fn in filter(None, functions):
                found = _self_stores(cls, fn, attrs)
                if found is None:
                    return None
                stored |= found
    return stored


def _self_stores(cls, fn, attrs):
    """The attributes of ``attrs`` ``fn`` stores on its first parameter, where it names
    that parameter only as the module docstring says; else None."""
    tree = function_tree(fn) if inspect.isfunction(fn) else None
    params = [] if tree is None else tree.args.posonlyargs + tree.args.args
    if not params:
        return None
    me, stored = params[0].id, set()
    parents = _parents(tree)
    for node in S.walk_nodes(tree):
        if not isinstance(node, gast.Name) or node.id != me or node is params[0]:
            continue
        use = _attribute_use(cls, node, parents, attrs)
        if use is None:
            return None
        if use == "store":
            stored.add(parents[id(node)].attr)
    return stored


def _attribute_use(cls, node, parents, attrs):
    """"read", "store" or "call" where ``node`` is named as ``node.attr`` (an attribute of
    ``attrs`` read or stored, another read) or in ``node.method(...)``; else None."""
    parent = parents.get(id(node))
    if not (isinstance(parent, gast.Attribute) and parent.value is node):
        return None
    method = M.static_attribute(cls, parent.attr)
    if inspect.isfunction(method):
        called = parents.get(id(parent))
        return "call" if isinstance(called, gast.Call) and called.func is parent else None
    if isinstance(parent.ctx, gast.Store):
        return "store" if parent.attr in attrs else None
    return "read" if isinstance(parent.ctx, gast.Load) and (parent.attr in attrs or method is not M.MISSING
                                                            and not hasattr(method, "__get__")) else None


def _parents(tree):
    return {id(child): node for node in S.walk_nodes(tree) for child in gast.iter_child_nodes(node)}


def _uses(normalizer, tree, stmt, cls_found):
    """((class, attributes, stored), {"appends", "loops", "lengths", "reads", "calls"}: the
    uses of the list ``stmt`` binds, each a list of nodes) where every use of it is one the
    module docstring names (and the objects appended are of one class); else None."""
    name, parents = stmt.targets[0].id, _parents(tree)
    scoped = {id(n) for scope in S.walk_nodes(tree) if isinstance(scope, _SCOPES) and scope is not tree
              for n in S.walk_nodes(scope)}
    uses = {"appends": [], "loops": [], "lengths": [], "reads": [], "calls": []}
    for node in S.walk_nodes(tree):
        if not (isinstance(node, gast.Name) and node.id == name) or node is stmt.targets[0]:
            continue
        if id(node) in scoped:
            return None
        kind, at = _use_of(normalizer, node, parents)
        if kind is None:
            return None
        uses[kind].append(at)
    if cls_found == "appended":
        classes = [_object_class(normalizer, at.value.args[0], name) for at in uses["appends"]]
        if not classes or None in classes or len({c[0] for c in classes}) != 1:
            return None
        cls_found = classes[0]
    cls, attrs, stored = cls_found
    for at in uses["appends"]:
        if normalizer.built_class_of(at.value.args[0]) is not cls:
            return None
    for at in uses["reads"]:
        if at.attr not in attrs:
            return None
    for at in uses["calls"]:
        if not inspect.isfunction(M.static_attribute(cls, at.value.func.attr)):
            return None
    return (cls_found, uses) if all(_plain_loop(tree, loop, name, cls, attrs, parents, scoped)
                                    for loop in uses["loops"]) else None


def _use_of(normalizer, node, parents):
    """(kind, the node to rewrite) for a use of the list's name ``node``; (None, None)."""
    parent = parents.get(id(node))
    outer = parents.get(id(parent))
    if isinstance(parent, gast.For) and parent.iter is node and isinstance(parent.target, gast.Name) \
            and not parent.orelse:
        return "loops", parent
    if isinstance(parent, gast.Call) and parent.args == [node] and not parent.keywords \
            and normalizer.resolve_call(parent) is builtins.len:
        return "lengths", parent
    if isinstance(parent, gast.Attribute) and parent.attr == "append" and isinstance(outer, gast.Call) \
            and outer.func is parent and len(outer.args) == 1 and not outer.keywords \
            and isinstance(parents.get(id(outer)), gast.Expr):
        return "appends", parents[id(outer)]
    if not (isinstance(parent, gast.Subscript) and parent.value is node and isinstance(parent.ctx, gast.Load)
            and isinstance(outer, gast.Attribute) and outer.value is parent and isinstance(outer.ctx, gast.Load)
            and not any(isinstance(n, gast.Name) and n.id == node.id for n in S.walk_nodes(parent.slice))):
        return None, None
    call = parents.get(id(outer))
    if not (isinstance(call, gast.Call) and call.func is outer):
        return "reads", outer
    holder = parents.get(id(call))
    if isinstance(holder, gast.Expr) or isinstance(holder, gast.Assign) and holder.value is call \
            and len(holder.targets) == 1 and isinstance(holder.targets[0], gast.Name):
        if not any(isinstance(n, gast.Name) and n.id == node.id for a in call.args + call.keywords
                   for n in S.walk_nodes(a)):
            return "calls", holder
    return None, None


def _plain_loop(tree, loop, name, cls, attrs, parents, scoped):
    """Whether the body of ``loop`` (over the list ``name``) never names the list, has no
    jump out of it, and names its variable only as ``v.attr`` or in ``v.method(...)``, and
    the variable is named nowhere else."""
    variable = loop.target.id
    inside = {id(n) for s in loop.body for n in S.walk_nodes(s)}
    for node in S.walk_nodes(tree):
        if not isinstance(node, gast.Name) or node.id not in (name, variable) or node is loop.target:
            continue
        if node.id == name and id(node) in inside or node.id == variable and (
                id(node) not in inside or id(node) in scoped or not isinstance(node.ctx, gast.Load)
                or _attribute_use(cls, node, parents, attrs) is None):
            return False
    return not any(isinstance(n, _JUMPS) for s in loop.body for n in S.walk_nodes(s))


class _Rewrite:
    """The rewrite of one list into a list per attribute (module docstring)."""

    def __init__(self, normalizer, tree, stmt, found, uses):
        self.normalizer, self.tree, self.stmt, self.uses = normalizer, tree, stmt, uses
        self.cls, self.attrs, self.stored = found
        built = stmt.value.elt if isinstance(stmt.value, gast.ListComp) else uses["appends"][0].value.args[0]
        self.owner = built.func         # the class as the code names it
        name = stmt.targets[0].id
        self.columns = [normalizer.namer.fresh(f"{name}_{a}") for a in self.attrs]
        normalizer.locals.update(self.columns)

    def apply(self):
        uses, comprehension = self.uses, self.stmt.value
        self._replace(self.stmt, [self._at(S.assign(c, gast.List(elts=[], ctx=gast.Load())), self.stmt)
                                  for c in self.columns]
                      + ([self._filled(comprehension)] if isinstance(comprehension, gast.ListComp) else []))
        for at in uses["appends"]:
            self._replace(at, self._appends(at.value.args[0], at))
        for loop in uses["loops"]:
            self._loop(loop)
        parents = _parents(self.tree)
        for at in uses["lengths"]:
            S.replace_child(parents[id(at)], at, self._at(S.call(S.name("len"), [S.name(self.columns[0])]), at))
        for at in uses["reads"]:
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
        names = {n: self.normalizer.namer.fresh(n) for n in S.stored_names(generator.target)}
        self.normalizer.locals.update(names.values())
        elt = _renamed(S.copy(comprehension.elt), names)
        return self._at(gast.For(target=_renamed(S.copy(generator.target), names), iter=generator.iter,
                                 body=self._appends(elt, self.stmt), orelse=[], type_comment=None), self.stmt)

    def _appends(self, call, where):
        return [self._at(S.expr_stmt(S.call(gast.Attribute(value=S.name(self.columns[k]), attr="append",
                                                           ctx=gast.Load()), [value])), where)
                for k, value in _arguments(self.cls, call)]

    def _rebuilt(self, name, index, where):
        """``name = Class(column_1[index], ...)``."""
        items = [gast.Subscript(value=S.name(c), slice=S.name(index), ctx=gast.Load()) for c in self.columns]
        return self._at(S.assign(name, S.call(S.copy(self.owner), items)), where)

    def _written_back(self, name, index, attrs, where):
        return [self._at(S.assign(gast.Subscript(value=S.name(self.columns[self.attrs.index(a)]),
                                                 slice=S.name(index), ctx=gast.Store()),
                                  gast.Attribute(value=S.name(name), attr=a, ctx=gast.Load())), where)
                for a in self.attrs if a in attrs]

    def _loop(self, loop):
        variable, index = loop.target.id, self.normalizer.namer.fresh("k")
        item = self.normalizer.namer.fresh(variable)
        self.normalizer.locals.update((index, item))
        calls, stores = False, set()
        for s in loop.body:
            for node in S.walk_nodes(s):
                if isinstance(node, gast.Name) and node.id == variable:
                    node.id = item
                elif isinstance(node, gast.Attribute) and isinstance(node.value, gast.Name) \
                        and node.value.id in (variable, item):
                    calls |= inspect.isfunction(M.static_attribute(self.cls, node.attr))
                    if isinstance(node.ctx, gast.Store):
                        stores.add(node.attr)
        rebuilt = self._rebuilt(item, index, loop)
        loop.body = [rebuilt] + loop.body + self._written_back(
            item, index, (self.stored if calls else set()) | stores, loop)
        loop.target = S.name(index, store=True)
        loop.iter = self._at(S.call(S.name("range"), [S.call(S.name("len"), [S.name(self.columns[0])])]), loop.iter)

    def _call(self, holder):
        """``k = i; o = Class(...); [v =] o.method(...); column[k] = o.attr ...``."""
        call = holder.value
        index, item = self.normalizer.namer.fresh("k"), self.normalizer.namer.fresh("item")
        self.normalizer.locals.update((index, item))
        first = self._at(S.assign(index, call.func.value.slice), holder)
        call.func.value = S.name(item)
        self._replace(holder, [first, self._rebuilt(item, index, holder), holder]
                      + self._written_back(item, index, self.stored, holder))

    def _replace(self, stmt, new):
        for block in walk_blocks(self.tree.body):
            for k, s in enumerate(block):
                if s is stmt:
                    block[k:k + 1] = new
                    return

    @staticmethod
    def _at(node, where):
        return gast.copy_location(node, where)
