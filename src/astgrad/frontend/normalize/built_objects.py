"""Lowering of objects the code builds (see instances.py for the rules): the call of a
class as its ``__init__``'s twin and ``instance(cls, attrs)``, the layout a name bound
to such an object stands for, and attribute writes on it as ``with_attribute``."""

import inspect
import types

import gast

from ... import runtime, runtime_objects
from ...core import methods as M
from ...core import syntax as S
from ...core.missing import MISSING
from .. import object_layouts as L
from .instances import (augments_self, built_class, named_base_guards, calls_built_in_init, number_counters, constructor_twin,
                        function_tree, init_of, is_namespace, plain_constructor, plain_uses, reads_class, self_stores,
                        state_twin, super_classes)
from .appended_layouts import appended_items
from .class_held_attributes import check_class_held
from .class_held_inits import refuse_class_held_change
from .foreign import scope_of
from .handed_arrays import stored_aliases
from .methods import _record_kind
from .super_calls import refuse_in_init
from .objects import _assigned_attributes, changed_in_place

_ITEMS_LIMIT = 64


class BuiltObjectLowering:
    """Normalizer methods for objects of user classes built in the code."""

    def built_class_of(self, node):
        """The class ``node`` (a Call) builds an instance of, when instances.py follows
        it; else None."""
        if isinstance(node, gast.Call) and self.own_class(node) is not None:    # cls(W), type(self)(...)
            return self.own_class(node) if built_class(self.own_class(node)) else None     # own_classes.py
        path = S.dotted_path(node.func) if isinstance(node, gast.Call) else None
        if path is None or path[0] in self.locals or path[0] in self.functions:
            return None
        cls = self.source.resolve_path(path, depend=False)
        return cls if built_class(cls) else None

    def instance_call(self, node):
        """``Dense(W, b)``: ``attrs = Dense_init(W, b)``, then ``instance(Dense, attrs)``."""
        cls = self.built_class_of(node)
        if cls is None and isinstance(node.func, (gast.Name, gast.Attribute)):
            refuse_in_init(self, node)          # super(Mid, self).__init__(...): super_calls.py
        if cls is None or any(isinstance(a, gast.Starred) for a in node.args) \
                or any(kw.arg is None or isinstance(kw.value, gast.Lambda) for kw in node.keywords) \
                or any(isinstance(a, gast.Lambda) for a in node.args):
            return None         # (a function value stored on an object is not followed)
        owner, path = self.own_class_owner(node), S.dotted_path(node.func)     # cls, type(self): own_classes.py
        if owner is None:
            self.source.resolve_path(path)
            self.free[path[0]] = self.source.resolve(path[0])
            owner = self.atom(node.func)
        init = None if is_namespace(cls) else init_of(cls)
        if is_namespace(cls) or init is None:
            if node.args or (node.keywords and init is None and not is_namespace(cls)):
                return None         # Python's TypeError when the code runs
            if not is_namespace(cls):
                self.source.dependencies.append(((M.CLASS_ROOT, "__init__"), (cls, M.current(cls, "__init__"))))
            attrs = gast.Dict(keys=[S.const(kw.arg) for kw in node.keywords],
                              values=[self.atom(kw.value) for kw in node.keywords])
        else:
            try:
                inspect.signature(init).bind(None, *node.args, **{kw.arg: kw.value for kw in node.keywords})
            except TypeError as exc:
                raise self._refuse(f"{cls.__name__}(...) with these arguments ({exc})", node) from None
            self.source.dependencies.append(((M.CLASS_ROOT, "__init__"), (cls, M.current(cls, "__init__"))))
            for base in super_classes(cls, init):       # whose __init__ super().__init__(...) calls
                self.source.dependencies.append(((M.CLASS_ROOT, "__init__"), (base, M.current(base, "__init__"))))
            self.source.dependencies.extend(named_base_guards(cls, init))     # Base.__init__(self, ...) read so
            refuse_class_held_change(self, node, cls)       # self.hist.append(d), hist a class's list
            twin = constructor_twin(init, cls)
            attrs = plain_constructor(self, init, node) or self.function_call(
                twin, [S.copy(owner)] if reads_class(twin) else [], node)
        return self.runtime_call(runtime_objects.instance, [owner, S.name(self.fresh_assign(attrs, "attrs"))])

    def built_layout(self, target, value):
        """The layout ``target = value`` binds ``target`` to, when the name is bound only
        there and ``value`` builds objects whose classes are known, or names a global
        object (a local alias of it); else None."""
        if not isinstance(target, gast.Name):
            return None
        if self.bound_count.get(target.id, 0) != 1:
            return self.rebound_layout(target.id, value)        # p = p - lr * g: operator_methods.py
        if isinstance(value, (gast.Name, gast.Attribute)) and self.layout(value) is None:
            return self.global_object_layout(value)     # h = NETWORK: method_values.py
        return self.static_layout(value, L._DEPTH)

    def built_argument(self, expr):
        """The atom of ``expr``, an argument of an inlined helper: a temporary that stands
        for the layout of the object a call builds there (``run(Dense(W, w), x)``), as the
        name of a variable bound to it would; so does a list or tuple display of such
        objects (``total([Box(a), Box(b)])``). An object of a class with no ``__init__`` of
        its own holds nothing the call gives it: it is handed on as the value it is."""
        built = isinstance(expr, gast.Call) and (self.built_class_of(expr) or self.record_class_of(expr, True))
        if isinstance(built, type) and not is_namespace(built) and _record_kind(built) is None \
                and init_of(built) is None:
            built = None
        built = built or isinstance(expr, (gast.List, gast.Tuple))      # total([Box(a), Box(b)])
        tree = self.static_layout(expr, L._DEPTH) if built else None
        atom = self.atom(expr)
        if tree is not None and isinstance(atom, gast.Name):
            self.named_layouts()[atom.id] = tree
        return atom

    def static_layout(self, node, depth):
        """The layout of the value ``node`` computes, known from the code; else None."""
        if isinstance(node, (gast.Name, gast.BinOp, gast.UnaryOp, gast.Subscript)):
            return self.layout(node)        # w = v + v, first = objs[0]: objects.py, operator_methods.py
        if isinstance(node, (gast.List, gast.Tuple)):
            if not node.elts or len(node.elts) > _ITEMS_LIMIT or any(isinstance(e, gast.Starred) for e in node.elts):
                return None
            items = tuple(self.static_layout(e, depth) for e in node.elts)
            if None in items and any(item is not None for item in items):     # [Linear(W), np.tanh]
                items = tuple(item or self.function_layout(e) for item, e in zip(items, node.elts))
            return None if None in items else (L.ITEMS, list if isinstance(node, gast.List) else tuple, items)
        if not isinstance(node, gast.Call) or depth <= 0 or any(isinstance(a, gast.Starred) for a in node.args) \
                or any(kw.arg is None for kw in node.keywords):
            return None
        cls = self.built_class_of(node) or self.record_class_of(node, tuples=True)
        if cls is None:
            return self.replaced_layout(node, depth) or self.returned_layout(node)
        return (L.OBJECT, cls) + self.stored_layouts(cls, node, depth - 1)

    def scope_resolver(self, fn):
        """``resolve_path`` for the free names of ``fn``: this function's own, or, for a
        function of another module (or a closure), names read off its scope (foreign.py),
        whose meaning is a dependency of this code all the same."""
        if fn.__globals__ is getattr(self.source.fn, "__globals__", None) and not fn.__code__.co_freevars:
            return self.source.resolve_path
        scope = scope_of(fn)
        name = self.bind_value(scope, "scope")
        self.source.scopes[name] = scope
        return lambda path, depend=True: self.source.resolve_path([name] + list(path), depend)

    def record_class_of(self, node, tuples=False):
        """The dataclass ``node`` (a Call) builds, or with ``tuples`` the namedtuple class
        too (whose methods the layout lets the code follow; its fields are not written)."""
        path = S.dotted_path(node.func)
        if path is None or path[0] in self.locals or path[0] in self.functions:
            return None
        cls = self.source.resolve_path(path, depend=False)
        return cls if _record_kind(cls) == "dict" or tuples and _record_kind(cls) == "tuple" else None

    def stored_layouts(self, cls, node, depth):
        """(attributes, shadowed) of the layout of ``cls(...)`` called as ``node``: the
        attributes ``__init__`` stores once, at its top level, from a parameter (or
        ``list``/``tuple`` of one) holding objects of a known layout."""
        init = None if is_namespace(cls) else init_of(cls)
        if init is None or _record_kind(cls) is not None:
            given = {kw.arg: kw.value for kw in node.keywords}
            if _record_kind(cls) is not None:
                try:
                    given = dict(inspect.signature(cls).bind(*node.args, **given).arguments)
                except TypeError:
                    return (), ()
            stores = {name: ("given", name) for name in given}
        else:
            try:
                given = dict(inspect.signature(init).bind(None, *node.args,
                                                          **{kw.arg: kw.value for kw in node.keywords}).arguments)
            except TypeError:
                return (), ()
            stores = self_stores(init)
        held = self.held_functions(init, node, stores) if init is not None and _record_kind(cls) is None else {}
        attributes = list(held.items())
        for name, how in stores.items():
            tree, arg = None, given.get(how[1]) if how is not None else None
            if isinstance(arg, tuple):          # *layers: a tuple of the arguments
                arg = gast.Tuple(elts=list(arg), ctx=gast.Load())
            if isinstance(arg, gast.AST):
                tree = self.static_layout(arg, depth)
                if tree is not None and how[0] in ("list", "tuple"):
                    tree = (L.ITEMS, list if how[0] == "list" else tuple, tree[2]) if tree[0] == L.ITEMS else None
            if tree is not None and name not in held:
                attributes.append((name, tree))
        if init is not None and _record_kind(cls) is None and depth > 0:      # self.inner = Inner(w)
            attributes.extend(p for p in self.built_in_init(cls, init, given, depth) if p[0] not in dict(attributes))
            attributes.extend(p for p in self.appended_in_init(cls, init, given, depth) if p[0] not in dict(attributes))
        stored = set(stores)
        if init is not None and _record_kind(cls) is None:      # and what super().__init__(...) stores
            stored.update(*(self_stores(vars(base)["__init__"]) for base in super_classes(cls, init)))
        shadowed = tuple(sorted(name for name in stored if M.static_attribute(cls, name) is not MISSING))
        return tuple(sorted(attributes, key=lambda pair: pair[0])), shadowed

    def built_in_init(self, cls, init, given, depth):
        """(attribute, layout) for the objects ``init`` builds itself (instances.py's
        ``calls_built_in_init``) of classes followed when built in the code, ``init`` being
        the ``__init__`` of ``cls``."""
        found = []
        for attr, call in calls_built_in_init(init, given, self.source.fn, set(self.locals) | set(self.functions)):
            calls = call.elts if isinstance(call, (gast.List, gast.Tuple)) else [call]    # self.layers = [L(a), ...]
            if len(calls) != 1 and _changed_by_a_method(cls, attr):
                continue        # self.layers.append(l) in Net.add: its items are those of the moment
            classes = [self.built_class_of(one) for one in calls]
            layout = self.static_layout(call, depth) if None not in classes else None
            if layout is not None:
                for one, built in zip(calls, classes):
                    self.source.resolve_path(S.dotted_path(one.func))        # a dependency, as __init__ is
                    self.source.dependencies.append(((M.CLASS_ROOT, "__init__"), (built, M.current(built, "__init__"))))
                found.append((attr, layout))
        return found

    def appended_in_init(self, cls, init, given, depth):
        """(attribute, layout) for a list the ``__init__`` of ``cls`` appends to after its
        base's built it (``super().__init__(Dense(a)); self.layers.append(Doubled(b))``:
        appended_layouts.py), where no other method changes it and each item's class is
        followed when built in the code."""
        found = []
        unknown = set(self.locals) | set(self.functions)
        for attr, display in appended_items(cls, init, given, self.source.fn, unknown):
            classes = [self.built_class_of(one) for one in display.elts]
            if None in classes or _changed_by_a_method(cls, attr):
                continue
            layout = self.static_layout(display, depth)
            if layout is not None:
                for one, built in zip(display.elts, classes):
                    self.source.resolve_path(S.dotted_path(one.func))        # a dependency, as __init__ is
                    self.source.dependencies.append(((M.CLASS_ROOT, "__init__"), (built, M.current(built, "__init__"))))
                found.append((attr, layout))
        return found

    def attribute_write(self, target, value):
        """``p.W = value`` on an object this function built and refers to only through its
        attributes (see instances.py): ``p = with_attribute(p, 'W', value)``. False for
        any other attribute write."""
        owner = target.value
        if not isinstance(owner, gast.Name) or not self.owns_object(owner.id, target.attr) \
                and not self._helper_store_followed(owner.id, target):
            return False
        new = self.atom(value)
        self.emit(S.assign(owner.id, self.runtime_call(runtime_objects.with_attribute,
                                                       [S.name(owner.id), S.const(target.attr), new])))
        self.follow_attribute(owner.id, target, value)
        return True

    def _helper_store_followed(self, name, target):
        """Whether ``target`` (``name.attr``) is a store a helper written in makes into an
        argument's object (handed_objects.py), followed on a copy as the store of a method
        called on it is (argument_objects.py), after the check that nothing else reaches
        the object."""
        helper = self.__dict__.get("helper_stores", {}).get(id(target))
        layout = self.named_layouts().get(name)
        if helper is None or layout is None or layout[0] != L.OBJECT \
                or not self.owns_argument(name, layout[1], [target.attr]):
            return False
        self.check_argument_alone(name, helper)
        return True

    def augmented_attribute(self, stmt):
        """``p.W += v`` on an object this function built: ``t = p.W; t += v; p.W = t``
        (an array attribute changed in place, as Python's ``+=`` does). False for any
        other attribute."""
        target = stmt.target
        if not isinstance(target.value, gast.Name) or not self.owns_object(target.value.id, target.attr):
            return False
        check_class_held(self, stmt, self.__dict__["_owned_objects"][target.value.id])     # S.arr, shared
        current = self.fresh_assign(self.expr(gast.Attribute(value=S.copy(target.value), attr=target.attr,
                                                             ctx=gast.Load())), target.attr)
        if self.owns_attribute_value(target.value.id, target.attr) \
                or self.held_alone(target.value, target.attr):       # item_appends.py
            # no other name holds the array: op= changes nothing another name sees
            new = self.fresh_assign(self.augmented(current, stmt, target.attr), target.attr)
            return self.attribute_write(target, S.name(new))
        # another attribute holding the array (self.b = d beside self.a = d, p.b = p.a) would
        # keep the old one where p takes the changed one back: checked, as p.W[i] = v is
        self.emit(gast.Expr(value=self.runtime_call(runtime.written_items_apart, [
            S.name(target.value.id), S.name(current), S.const(self.where())])))
        self.statement(gast.AugAssign(target=S.name(current, store=True), op=stmt.op, value=stmt.value))
        return self.attribute_write(target, S.name(current))

    def _counters(self, cls):
        """The number attributes of ``cls`` (instances.number_counters) this function
        never assigns itself (it could store an array there)."""
        assigned = {n.attr for n in S.walk_nodes(self.source.tree)
                    if isinstance(n, gast.Attribute) and isinstance(n.ctx, (gast.Store, gast.Del))}
        return number_counters(cls) - assigned

    def state_call(self, receiver, cls, attr, layout, assigned, node):
        """``cell.step(x)`` where ``step`` stores attributes of ``self`` and ``cell`` is an
        object this function built: ``t = Cell_step_state(cell, x); cell = t[1]``, then
        ``t[0]``: the method's twin, whose writes are ``with_attribute``, returns its
        result and the new object. None for any other receiver (the call is left as it
        is)."""
        if not isinstance(receiver, gast.Name):
            return None
        method = M.static_attribute(cls, attr)
        if not all(self.owns_object(receiver.id, a) for a in assigned):
            # an argument's object, followed on a copy where the method only stores attributes: argument_objects.py
            # (one storing number counters alone runs on the caller's object, as Python does: objects.py)
            if not set(assigned) - self._counters(cls) or not self.owns_argument(receiver.id, cls, assigned) \
                    or changed_in_place(function_tree(method)) or augments_self(method, self._counters(cls)):
                return None
            self.check_argument_alone(receiver.id, method)
        changed = changed_in_place(function_tree(method))
        self.refuse_shared_state(receiver, cls, attr, changed, node)      # objects.py
        aliases = frozenset((a, alias) for a in changed
                          for alias in stored_aliases(cls, a, (self.source.tree, receiver.id)))
        twin = state_twin(method, f"{cls.__name__}_{attr.strip('_') or attr}_state", changed,
                          self.held_kinds(receiver, cls, changed), aliases)     # objects.py
        made = M.for_receiver(twin, M.INSTANCE, cls, layout, twin.__name__)
        made.__astgrad_specializes__ = twin.__astgrad_specializes__
        made.__astgrad_writes_self__ = True
        self.source.dependencies.append(((M.CLASS_ROOT, attr), (cls, M.current(cls, attr))))
        pair = self.fresh_assign(self.function_call(made, [S.name(receiver.id)], node), "t")
        self.emit(S.assign(receiver.id, gast.Subscript(value=S.name(pair), slice=S.const(1), ctx=gast.Load())))
        return gast.Subscript(value=S.name(pair), slice=S.const(0), ctx=gast.Load())

    def owns_object(self, name, attr):
        """Whether ``name`` is bound once, to an object built here whose class lets
        ``<name>.<attr>`` be stored, and is used only as ``name.x`` or ``name(...)``."""
        owned = self.__dict__.setdefault("_owned_objects", {})
        if name not in owned:
            owned[name] = self._owned_class(name)
        cls = owned[name]
        if cls is None:
            return False
        static = M.static_attribute(cls, attr)
        if isinstance(static, types.MemberDescriptorType):
            return True         # a slot of __slots__: stored as an attribute in a __dict__ is
        return static is MISSING or not hasattr(type(static), "__set__") and not hasattr(type(static), "__get__")

    def _owned_class(self, name):
        receiver = self.receiver()
        if getattr(self.source.fn, "__astgrad_writes_self__", False) and self.is_receiver(name):
            return receiver[2]          # self in a method's twin returning the object (state_call)
        if self.bound_count.get(name, 0) != 1 or name in self.functions:
            return None
        bindings = [n for n in S.walk_nodes(self.source.tree) if isinstance(n, gast.Assign)
                    and any(isinstance(t, gast.Name) and t.id == name for t in n.targets)]
        if len(bindings) != 1 or len(bindings[0].targets) != 1:
            return None
        call = bindings[0].value
        cls = self.built_class_of(call) if isinstance(call, gast.Call) else None
        if cls is None and isinstance(call, gast.Call):
            # a dataclass, or a new object a method returns (u = v.scaled(2.0): each of
            # its returns builds one, Vec(...), which no other name holds)
            cls = self.record_class_of(call) or _layout_class(self.returned_layout(call))
            if cls is not None and M.static_attribute(cls, "__setattr__") is not object.__setattr__:
                cls = None      # a frozen dataclass: Python refuses the write
        if cls is None or not plain_uses(self.source.tree, name, cls, stores=1, iterated=self.iterated_as_attributes,
                                         deleted=True):
            return None
        return cls


def _layout_class(layout):
    """The class of an object's layout; else None."""
    return layout[1] if layout is not None and layout[0] == L.OBJECT else None


def _changed_by_a_method(cls, attr):
    """Whether a function of ``cls`` or of its bases, other than an ``__init__``, assigns
    ``attr`` or changes what it holds in place."""
    return any(name != "__init__" and inspect.isfunction(value)
               and any(attr in found for found in _assigned_attributes(value))
               for base in cls.__mro__ for name, value in vars(base).items())
