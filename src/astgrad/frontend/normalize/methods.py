"""Methods and callable objects: ``self.forward(x)``, ``self.area`` (a property),
``cls.make(x)``, ``super().forward(x)``, ``Model.create(x)`` (a classmethod),
``model.loss(x)`` and ``model(x)`` on a global instance. Each becomes a call of the
function that runs, with its receiver as the first argument (``forward(self, x)``),
so the function's derivative is generated like any callee's.

Which function runs depends on the receiver's class. ``self`` and ``cls`` have a known
class in a method specialized for one (core/methods.py); a global instance's class is
what it is now, and the global name is guarded. Every resolution is a dependency, so
redefining the method later regenerates the code that calls it."""

import inspect
import types

import gast

from ...core import anno
from ...core import methods as M
from ...core import syntax as S
from ...core.anno import Key
from ...core.functions import LAYOUT_ROOT, StandIn
from ...core.missing import MISSING
from ...records import is_dataclass
from ...rules import registry
from ..source import ScopeRoot
from ..varargs import call_shape, has_varargs, specialize
from .. import explicit_supers
from .. import object_layouts as L
from .held_functions import Chosen
from .super_calls import is_super_with_arguments, start_class


_HIDDEN_ADVICE = "define it as a method of a subclass, or delete the instance attribute"


class MethodLowering:
    """Normalizer methods resolving method calls and property reads."""

    def receiver(self):
        """(name, kind, cls) for the first parameter of a method specialized for a receiver
        class, while the body never rebinds it; else None."""
        cached = self.__dict__.get("_receiver", MISSING)
        if cached is not MISSING:
            return cached
        found = None
        spec = M.receiver_of(self.source.fn)
        args = self.source.tree.args
        params = args.posonlyargs + args.args
        if spec is not None and params:
            name = params[0].id
            stored = any(isinstance(n, gast.Name) and n.id == name and isinstance(n.ctx, gast.Store)
                         for n in S.walk_nodes(self.source.tree))
            found = None if stored else (name,) + tuple(spec)
        self._receiver = found
        return found

    def is_receiver(self, name):
        """Whether ``name`` is the instance a method specialized for its class receives."""
        receiver = self.receiver()
        return receiver is not None and receiver[1] == M.INSTANCE and receiver[0] == name

    def method_call(self, node):
        """``node`` (a Call) as a call of the function it runs, or None."""
        func = node.func
        built = self.record_call(node)
        if built is not None:
            return built
        receiver = self.receiver()
        if isinstance(func, gast.Name) and self.is_receiver(func.id):
            return self.resolved_call(node, receiver, "__call__")     # self(x) in a method
        if not isinstance(func, gast.Attribute):
            return self.callable_instance_call(node)
        owner = func.value
        if receiver is not None and isinstance(owner, gast.Name) and owner.id == receiver[0]:
            return self.resolved_call(node, receiver, func.attr)
        if receiver is not None and _is_super(owner):
            start = M.defining_class(self.source.fn)
            if start is None or receiver[1] != M.INSTANCE:
                raise self._refuse("super() outside a method of a class", node)
            self.source.dependencies.extend(explicit_supers.guards(self.source.fn))   # super(Cls, self)
            return self.resolved_call(node, receiver, func.attr, start)
        if receiver is not None and receiver[1] == M.INSTANCE and is_super_with_arguments(owner):
            return self.resolved_call(node, receiver, func.attr, start_class(self, owner, receiver))
        return self.bound_method_call(node)

    def resolved_call(self, node, receiver, attr, start=None):
        layout = M.receiver_layout(self.source.fn)
        if start is None and receiver[1] == M.INSTANCE and _hides(layout, attr):
            raise self._refuse(f"{receiver[2].__name__}.{attr} hidden by an attribute of the instance", node,
                               _HIDDEN_ADVICE)
        found = self.receiver_function(receiver, attr, start)
        if found is None:
            if start is not None:
                raise self._refuse(f"super().{attr}: not a method astgrad can follow", node)
            attribute = L.attribute(M.receiver_layout(self.source.fn), attr)
            if attribute is None:
                self.refuse_closing_lambda(receiver[2], attr, node)     # held_functions.py
            if L.holds_none(attribute):
                return self.none_call(node)         # held_functions.py
            if L.held_method(attribute) is not None:        # self.up = types.MethodType(up, self): own_methods.py
                return self.own_method_call(L.held_method(attribute), M.receiver_layout(self.source.fn),
                                            S.name(receiver[0]), attr, node)
            if L.others_method(attribute) is not None:      # self.f = other.up: own_methods.py
                return self.others_method_call(attribute, node.func, node)
            if L.held_partial(attribute) is not None:       # self.f = functools.partial(g, k=2.0): own_methods.py
                return self.held_partial_call(attribute, node.func, node)
            if receiver[1] == M.INSTANCE:
                self.refuse_unknown_held(M.receiver_layout(self.source.fn), attr, node)
            held = L.held_function(attribute)
            return None if held is None else self.held_function_call(held, node)
        return self.function_call(found[0], found[1], node)

    def held_function_call(self, function, node):
        """``self.act(z)`` where the receiver's layout says its attribute ``act`` holds
        ``function`` (frontend/object_layouts.py): a call of that function, which the code
        was made for (another function there makes other code). Which one is not a name
        another process could look up: the code is not kept on disk (a dependency rooted
        at a ScopeRoot, which no guard checks)."""
        if isinstance(function, Chosen):
            if function.candidates is None:
                raise self.refuse_chosen(function, node)    # held_functions.py
            return self.chosen_call(function, node)         # held_functions.py
        self.source.dependencies.append(((ScopeRoot(getattr(function, "__name__", "function")),), (function,)))
        call = gast.Call(func=S.name(self.bind(function)), args=list(node.args), keywords=list(node.keywords))
        return self.expr(call)

    def receiver_function(self, receiver, attr, start=None):
        """(function, leading atoms) that ``self.<attr>`` calls for ``receiver`` (from
        ``receiver()``), a dependency of the code; None if not a method astgrad follows."""
        name, kind, cls = receiver
        resolved = M.resolve(kind, cls, attr, start, M.receiver_layout(self.source.fn))
        if resolved is None or resolved.is_call:
            return None
        owner = super(start, cls) if start is not None else cls
        self.source.dependencies.append(((M.CLASS_ROOT, attr), (owner, M.current(owner, attr))))
        return resolved.function, [S.name(name) if value is None else S.name(self.bind(value))
                                   for value in resolved.leading]

    def property_read(self, node):
        """``self.area`` where ``area`` is a property of self's class: ``area(self)``;
        ``super().area`` in a method: the getter of a class after the method's own."""
        receiver = self.receiver()
        if receiver is not None and _is_super(node.value):
            return self.super_property_read(node, receiver)
        if receiver is None or not isinstance(node.value, gast.Name) or node.value.id != receiver[0]:
            return self.object_property_read(node)      # objects.py
        name, kind, cls = receiver
        resolved = M.resolve(kind, cls, node.attr, layout=M.receiver_layout(self.source.fn))
        if resolved is None or not resolved.is_call:
            return None
        self.source.dependencies.append(((M.CLASS_ROOT, node.attr), (cls, M.current(cls, node.attr))))
        call = S.call(S.name(self.bind(resolved.function)), [S.name(name)])
        return self.mark_function(call, resolved.function)

    def super_property_read(self, node, receiver):
        """``super().area`` where ``area`` is a property of a class after the method's own
        (``super().norm * 2.0`` in a subclass's property): its getter called with ``self``.
        A property whose getter astgrad cannot read is refused (its value would carry no
        derivative); another attribute (a class's constant) is left as it is read."""
        name, kind, cls = receiver
        start = M.defining_class(self.source.fn)
        after = cls.__mro__[cls.__mro__.index(start) + 1:] if start in cls.__mro__ else ()
        static = next((vars(klass)[node.attr] for klass in after if node.attr in vars(klass)), None)
        if not (hasattr(type(static), "__get__") and hasattr(type(static), "__set__")):
            return None     # a method or a constant of the class (a data descriptor computes its value)
        resolved = M.resolve(kind, cls, node.attr, start, layout=M.receiver_layout(self.source.fn)) \
            if kind == M.INSTANCE else None
        if resolved is None or not resolved.is_call:
            raise self._refuse(f"super().{node.attr}: a property astgrad cannot follow here", node,
                               "read the stored attributes it computes from (self.<attribute>)")
        owner = super(start, cls)
        self.source.dependencies.append(((M.CLASS_ROOT, node.attr), (owner, M.current(owner, node.attr))))
        self.source.dependencies.extend(explicit_supers.guards(self.source.fn))   # super(Cls, self)
        return self.mark_function(S.call(S.name(self.bind(resolved.function)), [S.name(name)]), resolved.function)

    def bound_method_call(self, node):
        """``obj.method(x)`` where ``obj`` is a global instance or class: the method's
        function with ``obj`` first (``obj`` is read when the code runs)."""
        path = S.dotted_path(node.func)
        if path is None or path[0] in self.locals:
            return None if path is None else self.aliased_method_call(node, path)     # method_values.py
        bound = self.source.resolve_path(path)
        if not isinstance(bound, types.MethodType) or _has_rule(bound) or _has_rule(bound.__func__):
            return None     # a library's bound method with a rule (scipy.stats.norm.logpdf, log.debug)
        fn = M.user_function(bound.__func__)
        if fn is None:
            return None
        owner = bound.__self__
        named = self.source.resolve_path(path[:-1], depend=False)
        if isinstance(owner, type) and named is not owner and type(named) is owner:
            # obj.make(x), a classmethod read through a global instance: make(type(obj), x)
            self.free[path[0]] = self.source.resolve(path[0])
            return self.function_call(M.for_receiver(fn, M.CLASS, owner), [S.name(self.bind(owner))], node)
        if named is not owner:
            return None     # random.gauss: a method of an object the path does not name
        kind, cls = (M.CLASS, owner) if isinstance(owner, type) else (M.INSTANCE, type(owner))
        if kind == M.INSTANCE:
            self.instance_as_resolved(owner, fn, node)
        self.free[path[0]] = self.source.resolve(path[0])
        layout = self.global_layout(owner) if kind == M.INSTANCE else None
        return self.function_call(M.for_receiver(fn, kind, cls, layout), [self.atom(node.func.value)], node)

    def global_layout(self, obj):
        """The layout of a global instance whose attributes hold objects or functions
        (frontend/object_layouts.py), which its methods are made for: a dependency of the
        code, checked at each call, so changing what they hold makes new code; else None."""
        tree = L.layout_of(obj)
        if tree is None or tree[0] != L.OBJECT or not tree[2]:
            return None
        self.source.dependencies.append(((LAYOUT_ROOT, type(obj).__name__), (obj, tree)))
        return tree

    def instance_as_resolved(self, obj, fn, node):
        """The global instance ``obj`` whose method ``fn`` the code calls keeps its class,
        and no attribute of its own hides a method of the class that ``fn`` (or a method
        it names) may call: dependencies of the code, and refused where one hides it now
        (``self.act(x)`` would run the instance's function, the code the class's)."""
        cls = type(obj)
        self.source.dependencies.append(((M.CLASS_ROOT, "__class__"), (obj, cls)))
        own = getattr(obj, "__dict__", None) or {}
        for name in _methods_named(cls, fn):
            if name in own:
                raise self._refuse(f"{cls.__name__}.{name} hidden by an attribute of the instance", node,
                                   _HIDDEN_ADVICE)
            self.source.dependencies.append(((M.CLASS_ROOT, name), (obj, getattr(obj, name))))

    def class_function_call(self, node):
        """``Model.loss(model, x)`` with ``model`` a global instance of ``Model`` (or of a
        subclass): the function, specialized for the class of ``model``, as
        ``model.loss(x)`` is, so that ``self.forward(x)`` inside follows that class.
        Else None."""
        path = S.dotted_path(node.func)
        if path is None or len(path) < 2 or path[0] in self.locals:
            return None
        function = self.source.resolve_path(path, depend=False)
        if not inspect.isfunction(function):
            return None
        owner = self.source.resolve_path(path[:-1], depend=False)
        first = S.dotted_path(node.args[0]) if node.args and not isinstance(node.args[0], gast.Starred) else None
        if not isinstance(owner, type) or not isinstance(_static_of(owner, path[-1]), types.FunctionType) \
                or first is None or first[0] in self.locals:
            return None
        obj = self.source.resolve_path(first, depend=False)
        fn = M.user_function(function)
        if fn is None or obj is MISSING or not isinstance(obj, owner) or isinstance(obj, type):
            return None
        self.source.resolve_path(path)
        self.source.resolve_path(first)         # the global's meaning (and class) is a dependency
        self.instance_as_resolved(obj, fn, node)
        self.free[path[0]] = self.source.resolve(path[0])
        self.free[first[0]] = self.source.resolve(first[0])
        return self.function_call(M.for_receiver(fn, M.INSTANCE, type(obj)), [], node)

    def callable_instance_call(self, node):
        """``model(x)`` where the global ``model`` is an instance of a class with a
        ``__call__`` method: ``__call__(model, x)``."""
        path = S.dotted_path(node.func)
        if path is None or path[0] in self.locals:
            return None
        obj = self.source.resolve_path(path, depend=False)
        if obj is MISSING or isinstance(obj, type) or inspect.isroutine(obj) \
                or getattr(obj, "__astgrad_function__", None) is not None or isinstance(obj, StandIn):
            return None     # astgrad's own transforms: nested.py
        call = getattr(type(obj), "__call__", None)
        fn = M.user_function(call) if inspect.isfunction(call) or hasattr(call, "__astgrad_function__") else None
        if fn is None:
            return None
        self.source.resolve_path(path)          # the global's meaning is a dependency
        self.source.dependencies.append(((M.CLASS_ROOT, "__call__"), (type(obj), call)))
        self.instance_as_resolved(obj, fn, node)
        self.free[path[0]] = self.source.resolve(path[0])
        layout = self.global_layout(obj)
        return self.function_call(M.for_receiver(fn, M.INSTANCE, type(obj), layout), [self.atom(node.func)], node)

    def record_call(self, node):
        """``Pair(a, b)`` for a namedtuple class, ``Params(W=w, b=b)`` for a dataclass whose
        ``__init__`` only stores its fields: ``record(Pair, (a, b))``, ``record(Params,
        {'W': w, 'b': b})``, whose derivative is the derivative of its items."""
        path = S.dotted_path(node.func)
        if path is None or path[0] in self.locals:
            return None
        cls = self.source.resolve_path(path, depend=False)
        kind = _record_kind(cls)
        if kind is None:
            return None
        if kind == "mapping" and (node.args or any(k.arg is None for k in node.keywords)):
            return None     # (Plain(pairs), Plain(**d): left to the call, refused as before)
        self.source.resolve_path(path)
        self.free[path[0]] = self.source.resolve(path[0])
        if any(isinstance(a, gast.Starred) for a in node.args) or any(k.arg is None for k in node.keywords):
            raise self._refuse(f"*args/**kwargs unpacking when building a {cls.__name__}", node,
                               "pass the fields one by one")
        if kind == "mapping":       # Plain(a=x): the dict subclass of those items, Plain(**{'a': x})
            items = gast.Dict(keys=[S.const(k.arg) for k in node.keywords],
                              values=[self.atom(k.value) for k in node.keywords])
            return self._record_of(node, items)
        try:
            bound = inspect.signature(cls).bind(*node.args, **{k.arg: k.value for k in node.keywords})
        except TypeError as exc:
            raise self._refuse(f"{cls.__name__}(...) with these arguments ({exc})", node) from None
        bound.apply_defaults()
        values = [self.record_field(cls, name, value, node) for name, value in bound.arguments.items()]
        if kind == "tuple":
            items = gast.Tuple(elts=values, ctx=gast.Load())
        else:
            items = gast.Dict(keys=[S.const(name) for name in bound.arguments], values=values)
        return self._record_of(node, items)

    def _record_of(self, node, items):
        from ... import runtime_objects
        owner = self.atom(node.func)
        return self.runtime_call(runtime_objects.record, [owner, S.name(self.fresh_assign(items, "items"))])

    def record_field(self, cls, name, value, node):
        if isinstance(value, gast.AST):
            return self.atom(value)
        if value is None or isinstance(value, (bool, int, float, str)):
            return S.const(value)
        factory = _default_factory(cls, name)
        if factory is not None:         # field(default_factory=...): called for each object, as __init__ does
            return self.atom(gast.Call(func=S.name(self.bind_value(factory, "factory")), args=[], keywords=[]))
        raise self._refuse(f"{cls.__name__}(...) leaving out the field {name!r}, whose default is "
                           "not a number or a string", node, f"pass {name}=... explicitly")

    def function_call(self, function, leading, node):
        """A call of ``function`` (bound to a name of its own) with ``leading`` atoms
        before the call's lowered arguments (a method handed a function value: inlined,
        method_values.py)."""
        function, node = self.method_for_call_shape(function, len(leading), node)
        inlined = self.method_given_functions(function, leading, node) \
            or self.method_drawing_held_numbers(function, leading, node)       # held_generators.py
        if inlined is not None:
            return inlined
        function = self.method_function_defaults(function, leading, node)
        if any(isinstance(a, gast.Starred) for a in node.args) or any(kw.arg is None for kw in node.keywords):
            node = self.spread_arguments(node)      # m.loss(*args) of a partial's forwarding: call_forms.py
        for arg in node.args:
            if isinstance(arg, gast.Starred):
                raise self._refuse("*args unpacking in a call", node, "pass the arguments one by one")
        if any(kw.arg is None for kw in node.keywords):
            raise self._refuse("**kwargs unpacking in a call", node, "pass the keyword arguments one by one")
        args = leading + [self.atom(a) for a in node.args]
        keywords = [gast.keyword(arg=kw.arg, value=self.atom(kw.value)) for kw in node.keywords]
        call = gast.Call(func=S.name(self.bind(function)), args=args, keywords=keywords)
        return self.mark_function(call, function)

    def method_for_call_shape(self, function, leading, node):
        """``function`` (a method followed with its receiver), where it takes ``*args`` or
        ``**kwargs`` (a ``functools.wraps`` wrapper, ``def wrapper(*a, **k)``), made for the
        shape of the call ``node`` with ``leading`` arguments before its own, as a helper
        with ``*args`` is (frontend/varargs.py), and the call with its keywords named as
        that function's parameters; else both as they are."""
        if M.receiver_of(function) is None or not has_varargs(function) \
                or any(isinstance(a, gast.Starred) for a in node.args) or any(kw.arg is None for kw in node.keywords):
            return function, node
        spec = specialize(function, *call_shape(function, leading + len(node.args), [kw.arg for kw in node.keywords]))
        kind, cls = M.receiver_of(function)
        made = M.for_receiver(spec, kind, cls, getattr(function, "__astgrad_receiver_layout__", None), function.__name__)
        names = spec.__astgrad_keyword_names__
        keywords = [gast.keyword(arg=names.get(kw.arg, kw.arg), value=kw.value) for kw in node.keywords]
        return made, gast.copy_location(gast.Call(func=node.func, args=node.args, keywords=keywords), node)

    def mark_function(self, call, function):
        anno.set(call, Key.TARGET, function)
        anno.set(call, Key.METHOD, None)
        return call


def _default_factory(cls, name):
    """The ``default_factory`` of the dataclass field ``name``, or None."""
    if not is_dataclass(cls):
        return None
    import dataclasses          # (imported already: the program made a dataclass)
    for field in dataclasses.fields(cls):
        if field.name == name and field.default_factory is not dataclasses.MISSING:
            return field.default_factory
    return None


def _static_of(cls, name):
    """``cls.<name>`` as the class body holds it (a plain function, a staticmethod, ...)."""
    for klass in cls.__mro__:
        if name in vars(klass):
            return vars(klass)[name]
    return None


def _hides(layout, name):
    """Whether the receiver of this layout (frontend/object_layouts.py) holds an attribute
    of its own that hides ``name`` on its class."""
    return isinstance(layout, tuple) and layout[0] == "object" and name in layout[3]


def _methods_named(cls, fn):
    """The methods of ``cls`` (plain, static or class methods, not properties, which an
    instance attribute cannot hide) whose names ``fn``'s code reads, and the methods
    those read in turn."""
    names, todo = set(), [fn]
    while todo:
        codes = [todo.pop().__code__]
        while codes:
            code = codes.pop()
            codes.extend(c for c in code.co_consts if isinstance(c, types.CodeType))
            for name in code.co_names:
                static = _static_of(cls, name) if name not in names and not name.startswith("__") else None
                function = getattr(static, "__func__", static)
                if inspect.isfunction(function) and _static_of(object, name) is None:
                    names.add(name)
                    todo.append(function)
    return sorted(names)


def _is_super(node):
    return isinstance(node, gast.Call) and isinstance(node.func, gast.Name) and node.func.id == "super" \
        and not node.args and not node.keywords


# what a class statement stores in the class of its own accord
_BOOKKEEPING = frozenset({"__module__", "__qualname__", "__doc__", "__dict__", "__weakref__", "__firstlineno__",
                          "__static_attributes__"})


def _record_kind(cls):
    """"tuple" for a namedtuple class, "dict" for a dataclass whose ``__init__`` is the one
    dataclasses wrote (it stores each field, nothing else), "mapping" for a subclass of
    dict with nothing of its own (``class Plain(dict): pass``: built, read and iterated
    as a dict is, no code of the user's running), else None."""
    if not isinstance(cls, type):
        return None
    if cls is not dict and issubclass(cls, dict) and type(cls) is type \
            and all(set(vars(klass)) <= _BOOKKEEPING for klass in cls.__mro__[:cls.__mro__.index(dict)]):
        return "mapping"
    if issubclass(cls, tuple) and isinstance(getattr(cls, "_fields", None), tuple):
        return "tuple"
    init = getattr(cls.__init__, "__code__", None)
    if is_dataclass(cls) and init is not None and init.co_filename == "<string>" \
            and not hasattr(cls, "__post_init__"):
        import dataclasses      # (imported already: the program made a dataclass)
        if all(field.init for field in dataclasses.fields(cls)):
            return "dict"
    return None


def _has_rule(obj):
    return any(registry.lookup(table, obj) is not None for table in (registry.ADJOINTS, registry.TANGENTS)) \
        or registry.is_non_differentiable(obj)
