"""Classes whose objects are just their attributes: ``__init__`` only stores each of its
parameters into an attribute of its own (``self.W = W``; a first statement
``super().__init__(W)`` stands for the stores the base's ``__init__`` that Python's method
resolution order reaches makes of what it is handed), and every method and property
of the class (and of its bases) names ``self`` only as ``self.attr`` (storing only those
attributes, reading them or class attributes) or in a call ``self.method(...)``. Such an
object built again from its attributes (``Layer(W, b)``) is the object as far as its
methods can tell: building it runs nothing else, and no method keeps ``self`` or gives
it state under another name (object_columns.py holds lists of them as lists per
attribute)."""

import inspect

import gast

from ...core import methods as M
from ...core import syntax as S
from .gathered_lists import _SCOPED
from ...core.missing import MISSING
from .instances import function_tree, init_of, leading_super_init, super_init

# how many __init__s a chain of super().__init__(...) calls may run
_DEPTH = 8

# scopes that may run after the method returns, reading self then
_DEFERRING = (gast.FunctionDef, gast.AsyncFunctionDef, gast.Lambda, gast.GeneratorExp, gast.ClassDef)
# what would see an object built again: a finalizer runs once more, attribute hooks see other stores
_OWN_HOOKS = ("__del__", "__setattr__", "__delattr__", "__getattr__", "__getattribute__")


def attribute_class(normalizer, call, name):
    """(class, attributes, stored) for ``call`` building an object that is its attributes,
    given each one (module docstring), naming neither ``name`` nor a nested scope; else None."""
    cls = normalizer.built_class_of(call) if isinstance(call, gast.Call) else None
    if cls is None or given_arguments(cls, call) is None or any(
            isinstance(n, _SCOPED) or isinstance(n, gast.Name) and n.id == name for n in S.walk_nodes(call)):
        return None
    attrs = _given_attributes(cls)
    stored = None if attrs is None else _stored_by_methods(cls, attrs)
    if stored is not None and stored & set(aliases_of(cls).values()):
        return None         # (a method storing self.data leaves self.first the old array)
    if stored is None:
        return None
    for attr in sorted(_lacking_reads(cls, attrs)):     # defined on the class later: made again
        normalizer.source.dependencies.append(((M.CLASS_ROOT, attr), (cls, M.current(cls, attr))))
    return cls, attrs, stored


def given_arguments(cls, call):
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
    is only stores of a parameter into an attribute (``self.a = a``, ``self.a, self.b = a,
    b``) or of a constant (``init_constants``); else None."""
    stores = _init_stores(cls)
    if stores is None:
        return None
    params, stored = stores
    given = {}
    for attr, value in stored:      # (a parameter stored again is an alias: aliases_of)
        if isinstance(value, str):
            given.setdefault(value, attr)
    attrs = [given.get(p) for p in params]
    if None in attrs or len({a for a, _ in stored}) != len(stored) \
            or any(a in vars(klass) for klass in cls.__mro__ for a, _ in stored) \
            or any(hook in vars(klass) for klass in cls.__mro__[:-1] for hook in _OWN_HOOKS):
        return None         # (a class attribute of that name may be a descriptor)
    return attrs


def aliases_of(cls):
    """{attribute: the attribute ``__init__`` stored the same parameter in first} for each
    parameter it stores twice (``self.data = data; self.first = data``): one array under
    two names, which the function may read through either where no method stores the
    first or names the second (``attribute_class``), so both hold that array for good."""
    stores = _init_stores(cls)
    if stores is None:
        return {}
    first, found = {}, {}
    for attr, value in stores[1]:
        if isinstance(value, str):
            if value in first:
                found[attr] = first[value]
            else:
                first[value] = attr
    return found


def init_constants(cls):
    """The attributes ``cls.__init__`` sets to a constant (``self.kind = "dense"``): the
    object built again sets them again, so they may be read, never stored."""
    stores = _init_stores(cls)
    return frozenset() if stores is None else frozenset(a for a, v in stores[1] if not isinstance(v, str))


def _init_stores(cls):
    """(``__init__``'s parameters after self, [(attribute, the parameter's name it is
    given, or the Constant node)] in order) where ``cls.__init__``'s body (a docstring
    aside) is only such stores, a parameter stored once; else None."""
    return _stores_of(cls, init_of(cls), _DEPTH)


def _stores_of(cls, init, depth):
    """``_init_stores`` for ``init``, ``__init__`` of ``cls`` or of a base: a first statement
    ``super().__init__(a, ...)`` (or ``Base.__init__(self, a, ...)``) giving the base's
    ``__init__`` (the one Python's method resolution order reaches for ``cls``) parameters
    or constants stands for the stores that one makes of them."""
    tree = function_tree(init) if inspect.isfunction(init) else None
    if tree is None:
        return None
    args = tree.args
    if args.vararg or args.kwarg or args.kwonlyargs or args.defaults or len(args.posonlyargs + args.args) < 2:
        return None
    me, *params = [p.id for p in args.posonlyargs + args.args]
    stored = []
    lead = leading_super_init(tree)
    if lead is not None:
        inherited = _inherited_stores(cls, init, lead, params, depth)
        if inherited is None:
            return None
        stored.extend(inherited)
    elif any(isinstance(n, gast.Name) and n.id == "super" for n in S.walk_nodes(tree)):
        return None
    for s in tree.body:
        if isinstance(s, gast.Expr) and (isinstance(s.value, gast.Constant) or s.value is lead):
            continue
        if not (isinstance(s, gast.Assign) and len(s.targets) == 1):
            return None
        target, value = s.targets[0], s.value
        pairs = list(zip(target.elts, value.elts)) if isinstance(target, gast.Tuple) and isinstance(
            value, gast.Tuple) and len(target.elts) == len(value.elts) else [(target, value)]
        for attr, given in pairs:       # self.W, self.rate = W, rate: names, so one by one is the same
            if not (isinstance(attr, gast.Attribute) and isinstance(attr.value, gast.Name) and attr.value.id == me):
                return None
            if isinstance(given, gast.Name) and given.id in params:
                stored.append((attr.attr, given.id))
            elif isinstance(given, gast.Constant):
                stored.append((attr.attr, given))
            else:
                return None
    return params, stored


def _inherited_stores(cls, init, lead, params, depth):
    """The stores of the base's ``__init__`` that ``lead`` (``super().__init__(a, ...)``,
    first in ``init``) calls for an object of ``cls``, each given the parameter name of
    ``init`` or the constant the call hands it; [] for ``object``'s, called with nothing;
    else None."""
    parent = super_init(cls, init)
    if parent is None:
        return None if lead.args or lead.keywords else []
    given = lead.args + [kw.value for kw in lead.keywords]
    if parent is MISSING or depth <= 0 or not all(
            isinstance(g, gast.Constant) or isinstance(g, gast.Name) and g.id in params for g in given):
        return None
    below = _stores_of(cls, parent, depth - 1)
    if below is None:
        return None
    try:
        bound = inspect.signature(parent).bind(None, *lead.args, **{kw.arg: kw.value for kw in lead.keywords})
    except TypeError:
        return None
    handed = dict(list(bound.arguments.items())[1:])
    return [(attr, value if not isinstance(value, str) else handed[value].id
             if isinstance(handed[value], gast.Name) else handed[value]) for attr, value in below[1]]


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
    that parameter only as the module docstring says (never in a nested function, lambda
    or generator, which may run after the call; ``fn`` no generator); else None."""
    tree = function_tree(fn) if inspect.isfunction(fn) else None
    params = [] if tree is None else tree.args.posonlyargs + tree.args.args
    if not params:
        return None
    me, stored = params[0].id, set()
    parents = parents_of(tree)
    nested = {id(n) for scope in S.walk_nodes(tree) if isinstance(scope, _DEFERRING) and scope is not tree
              for n in S.walk_nodes(scope)}
    for node in S.walk_nodes(tree):
        if isinstance(node, (gast.Yield, gast.YieldFrom, gast.Await)):
            return None         # (a generator keeps self past the call)
        if not isinstance(node, gast.Name) or node.id != me or node is params[0]:
            continue
        use = None if id(node) in nested else attribute_use(cls, node, parents, attrs)
        if use is None and not _lacking_read(cls, node, parents, attrs):
            return None
        if use == "store":
            stored.add(parents[id(node)].attr)
    return stored


def _lacking_read(cls, node, parents, attrs):
    """Whether ``node`` (the method's ``self``) is read as ``self.attr`` (or called as
    ``self.attr(...)``) for an attribute neither the object (``attrs``, all it holds) nor
    its class has: Python raises AttributeError there, as it does on the object built
    again from its attributes (``class Twice: def doubled(self, x): return 2.0 *
    self.energy(x)``, for a subclass defining ``energy`` that this class is not)."""
    parent = parents.get(id(node))
    return isinstance(parent, gast.Attribute) and parent.value is node and isinstance(parent.ctx, gast.Load) \
        and parent.attr not in attrs and M.static_attribute(cls, parent.attr) is MISSING


def _lacking_reads(cls, attrs):
    """The attributes the methods of ``cls`` read on ``self`` that neither the object nor
    its class has (``_lacking_read``): each a guard, so a class defining one later (a
    property, a method) has the question asked again."""
    found = set()
    for klass in cls.__mro__[:-1]:
        for value in vars(klass).values():
            functions = [value.fget, value.fset, value.fdel] if isinstance(value, property) else [value]
            for fn in functions:
                tree = function_tree(fn) if inspect.isfunction(fn) else None
                params = [] if tree is None else tree.args.posonlyargs + tree.args.args
                if params:
                    parents = parents_of(tree)
                    found.update(parents[id(n)].attr for n in S.walk_nodes(tree)
                                 if isinstance(n, gast.Name) and n.id == params[0].id and n is not params[0]
                                 and _lacking_read(cls, n, parents, attrs))
    return found


def attribute_use(cls, node, parents, attrs):
    """"read", "store" or "call" where ``node`` is named as ``node.attr`` (an attribute of
    ``attrs`` read or stored, a class attribute read), in ``node.method(...)`` or as a
    property read or stored (which runs a method); else None."""
    parent = parents.get(id(node))
    if not (isinstance(parent, gast.Attribute) and parent.value is node):
        return None
    method = M.static_attribute(cls, parent.attr)
    if inspect.isfunction(method):
        called = parents.get(id(parent))
        return "call" if isinstance(called, gast.Call) and called.func is parent else None
    if isinstance(method, property):        # its functions are the class's methods, looked into too
        return "call" if isinstance(parent.ctx, (gast.Load, gast.Store)) else None
    if isinstance(parent.ctx, gast.Store):
        return "store" if parent.attr in attrs else None
    return "read" if isinstance(parent.ctx, gast.Load) and (parent.attr in attrs or parent.attr in init_constants(cls)
                                                            or method is not M.MISSING
                                                            and not hasattr(method, "__get__")) else None


def parents_of(tree):
    return {id(child): node for node in S.walk_nodes(tree) for child in gast.iter_child_nodes(node)}
