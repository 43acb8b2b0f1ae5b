"""Objects a method builds of its own class, and the class of what a method returns.

``cls(W)`` in a classmethod, and ``type(self)(...)`` or ``self.__class__(...)`` in a
method, build an object of the class the method runs for: the receiver's, known when
the method is specialized for it (a subclass's objects get their own code), so the call
is followed as ``Vec(...)`` is (built_objects.py's ``instance_call``), the class read
from the code's namespace. ``p.derivative()``, ``Model.create(w)`` and ``v.scaled(k)``
give an object whose layout is known where each return of the method builds an object of
one class, those forms included, so ``v.scaled(2.0).norm()`` is followed too."""

import builtins
import inspect
import weakref

import gast

from ...core import methods as M
from ...core import syntax as S
from ...core.missing import MISSING
from .. import object_layouts as L
from .held_objects import held_classes, held_write_nothing, may_run_code
from .instances import built_class, function_tree, own_returns
from .methods import _record_kind

_CLASS_SLOT = object.__dict__["__class__"]


class OwnClassLowering:
    """Normalizer methods for the class of objects methods build and return."""

    def own_class(self, node):
        """The class of the receiver where ``node`` (a call) calls it: ``cls(W)`` in a
        classmethod, ``type(self)(...)`` or ``self.__class__(...)`` in a method; else None."""
        receiver = self.receiver()
        if receiver is None:
            return None
        me, kind, cls = receiver[:3]
        if kind == M.CLASS:
            return cls if isinstance(node.func, gast.Name) and node.func.id == me else None
        resolve = lambda path, depend=True: self.source.resolve_path(path, depend)    # noqa: E731
        if kind == M.INSTANCE and "type" not in self.locals and _names_own_class(node.func, me, cls, resolve):
            return cls
        return None

    def own_class_owner(self, node):
        """The class object ``node`` (a call of the receiver's class) calls, as an atom:
        ``cls``, the classmethod's parameter, or the class bound in the namespace."""
        cls = self.own_class(node)
        if cls is None:
            return None
        receiver = self.receiver()
        return S.name(receiver[0]) if receiver[1] == M.CLASS else S.name(self.bind_value(cls, cls.__name__))

    def returned_layout(self, node):
        """The layout of what ``p.derivative()`` or ``Model.create(w)`` returns (a method
        of an object of a known layout, a classmethod of a global class) where each of its
        returns builds an object of one class (``return Polynomial(cs)``, ``return
        cls(W)``): that class, with no attribute known to hold an object; else None."""
        func = node.func
        if isinstance(func, gast.Name):
            return self._helper_returned_layout(node)
        found = self.returning_method(node)
        if found is None:
            return None
        built = self._returned_class(*found)
        if built is None:
            return None
        return (L.OBJECT, built, (), self.stored_layouts(built, gast.Call(func=func, args=[], keywords=[]), 0)[1])

    def returning_method(self, node):
        """The function ``p.derivative()`` or ``Model.create(w)`` (``node``) runs, with the
        classmethod's class and the class of the object it is called on (None where not
        one): ``returned_layout`` reads its returns; else None."""
        func = node.func
        if not isinstance(func, gast.Attribute):
            return None
        owner = self.layout(func.value)
        if owner is not None and owner[0] == L.OBJECT and func.attr not in owner[3]:
            fn, own = M.static_attribute(owner[1], func.attr), owner[1]
            cls = own if isinstance(fn, classmethod) else None      # m.scaled(w): cls(...) builds m's class
        else:
            path = S.dotted_path(func)
            holder = self.source.resolve_path(path[:-1], depend=False) \
                if path is not None and path[0] not in self.locals and path[0] not in self.functions else None
            if holder is MISSING or holder is None or not (isinstance(holder, type) or L.layout_of(holder)):
                return None
            own = None if isinstance(holder, type) else type(holder)
            if isinstance(holder, type):            # Model.create(w), a classmethod
                fn, cls = M.static_attribute(holder, func.attr), holder
                if not isinstance(fn, classmethod):
                    return None
            else:                                   # POLY.derivative(), a global object's method
                fn, cls = M.static_attribute(type(holder), func.attr), None
                if not inspect.isfunction(fn) or func.attr in vars(holder):
                    return None
            self.source.resolve_path(path)
        fn = getattr(fn, "__func__", fn)
        return (fn, cls, own) if inspect.isfunction(fn) else None

    def _helper_returned_layout(self, node):
        """The layout of what ``mk(buf)`` returns, ``mk`` a function of the user's module
        read by its global name (a helper kept as a call: a check that raises, a branch)
        each of whose returns builds an object of one class (``return Acc(b)``): a new
        object, which no other name holds, so that its methods are followed from state to
        state as those of an object built here are; else None. A helper returning a name
        (``o = Acc(b); ...; return o``) may have handed the object on: not followed."""
        name = node.func.id
        if name in self.locals or name in self.functions or id(node) not in self.bound_helper_calls():
            return None
        fn = self.source.resolve_path([name], depend=False)
        if not inspect.isfunction(fn) or fn.__closure__ or fn.__code__.co_flags & (inspect.CO_GENERATOR | inspect.CO_COROUTINE):
            return None
        if "." in fn.__qualname__:
            return None     # a method read by a name (a derivative's Vec_add = Vec.__add__): not a helper
        paths = L.found_in_source(fn, _helper_returns, _returned_paths)     # (the helper's one shared parse)
        if not paths or None in paths:
            return None
        resolve = self.scope_resolver(fn)
        built = {resolve(path, depend=False) for path in paths}
        if len(built) != 1 or not built_class(next(iter(built))):
            return None
        for path in paths:
            resolve(path)               # (a class bound again makes the code again)
        built = built.pop()
        self.source.resolve_path([name])        # (a rebound name makes the code again)
        return (L.OBJECT, built, (), self.stored_layouts(built, gast.Call(func=node.func, args=[], keywords=[]), 0)[1])

    def bound_helper_calls(self):
        """The ids of the calls the function binds a name to, or puts in a list display it
        binds a name to (``a = mk(buf)``, ``objs = [mk(buf)]``): the objects followed from
        state to state there; a call read otherwise (``mk(x) + mk(t)``) is left as it was."""
        found = self.__dict__.get("_bound_helper_calls")
        if found is None:
            found = self.__dict__["_bound_helper_calls"] = set()
            for stmt in S.statement_nodes(self.source.tree):   # (an assignment is a statement)
                if isinstance(stmt, gast.Assign) and len(stmt.targets) == 1 and isinstance(stmt.targets[0], gast.Name):
                    values = stmt.value.elts if isinstance(stmt.value, gast.List) else [stmt.value]
                    found.update(id(value) for value in values if isinstance(value, gast.Call))
        return found

    def made_by_a_helper(self, receiver):
        """Whether ``receiver`` (``a``, ``objs[0]``) reads a name bound to what a helper
        returned (``a = mk(buf)``, ``objs = [mk(buf)]``, or another name for it, ``b = a``):
        the object may hold the array the helper was handed, so a method changing it in
        place is left to the refusal naming that array; one that only rebinds attributes
        is followed (``_helper_returned_layout``)."""
        return bool(self.helper_calls(receiver))

    def helper_calls(self, receiver, seen=(), methods=False):
        """The calls of helpers whose results ``receiver`` may read (``made_by_a_helper``);
        with ``methods``, those of methods and classmethods too (``m.wrap()``,
        ``Factory.make(buf)``: ``returning_method``)."""
        while isinstance(receiver, gast.Subscript):
            receiver = receiver.value
        if not isinstance(receiver, gast.Name) or receiver.id in seen:
            return []
        found = []
        for stmt in S.walk_nodes(self.source.tree):
            if isinstance(stmt, gast.Assign) and isinstance(stmt.value, gast.Name) \
                    and any(isinstance(t, gast.Name) and t.id == receiver.id for t in stmt.targets):
                found += self.helper_calls(stmt.value, seen + (receiver.id,), methods)
            if isinstance(stmt, gast.Assign) and any(isinstance(t, gast.Name) and t.id == receiver.id
                                                     for t in stmt.targets):
                # the helper's call is the value bound or an item of the list bound, as in
                # bound_helper_calls (a call inside an argument, Acc(any_order(y)), builds no object)
                for call in stmt.value.elts if isinstance(stmt.value, gast.List) else [stmt.value]:
                    if isinstance(call, gast.Call) and isinstance(call.func, gast.Name) \
                            and call.func.id not in self.locals and call.func.id not in self.functions \
                            and inspect.isfunction(self.helper_function(call)):
                        found.append(call)
                    elif methods and isinstance(call, gast.Call) and self.returning_method(call) is not None:
                        found.append(call)
        return found

    def helper_function(self, call):
        return self.bindings.get(call.func.id) or self.source.resolve_path([call.func.id], depend=False)

    def may_hold_users_objects(self, receiver):
        """Whether what a helper returned, read by ``receiver``, may hold an object of the
        user's whose methods an item read or an operator runs (``return ByItem(Inner(b))``,
        or an object handed to the helper): held_objects.py."""
        for call in self.helper_calls(receiver, methods=True):
            arguments = [a.value if isinstance(a, gast.Starred) else a for a in call.args] \
                + [k.value for k in call.keywords]
            if isinstance(call.func, gast.Name):
                fn = self.helper_function(call)
            else:       # m.wrap(): m's attributes are handed on as arguments are
                fn = self.returning_method(call)[0]
                if _holds_object(self.layout(call.func.value)):
                    return True
            if any(self.layout(a) is not None for a in arguments):
                return True
            held = held_classes(fn, None)
            if may_run_code(held) and not held_write_nothing(held):
                return True         # (methods that only read run as the direct construction's: followed)
        return False

    def _returned_class(self, fn, cls, own=None):
        """The one class each return of ``fn`` builds, the global's meaning (in ``fn``'s
        module) a dependency of this code (``cls``: a classmethod's class, its first
        parameter; ``own``: the class of the object a method is called on, which
        ``type(self)(...)`` builds); else None."""
        tree = function_tree(fn)
        if tree is None:
            return None
        resolve_path = self.scope_resolver(fn)
        first = (tree.args.posonlyargs + tree.args.args)[:1]
        found = set()
        builtin_type = "type" not in fn.__globals__ and "type" not in S.stored_names(tree)

        def names_type(path, depend=True):      # the built-in type, for a method of another module too
            return builtins.type if builtin_type and list(path) == ["type"] else resolve_path(path, depend)
        for value in _built_values(stmt.value for stmt in own_returns(tree)):
            if own is not None and first and isinstance(value, gast.Call) \
                    and _names_own_class(value.func, first[0].id, own, names_type):
                if not built_class(own):
                    return None
                found.add(own)          # type(self)(...), self.__class__(...)
                continue
            path = S.dotted_path(value.func) if isinstance(value, gast.Call) else None
            if path is None:
                return None
            if cls is not None and first and tuple(path) == (first[0].id,):
                found.add(cls)
                continue
            if path[0] in S.stored_names(tree) or any(a.id == path[0] for a in first):
                return None
            built = resolve_path(path, depend=False)
            if not (built_class(built) or _record_kind(built) == "dict"):
                return None
            resolve_path(path)
            found.add(built)
        return found.pop() if len(found) == 1 and (cls is None or built_class(cls) or _record_kind(cls)) else None


def _holds_object(layout):
    """Whether an attribute or item of the object ``layout`` tells (None: unknown) holds an
    object, at any depth."""
    return layout is not None and any(part[0] == L.OBJECT for part in L.held_layouts(layout))


_helper_returns: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()     # helper -> the dotted paths its returns call


def _returned_paths(tree):
    """The dotted paths of the functions the returns of ``tree`` call, each branch of an
    ``a if c else b`` on its own (None for a return of anything else, or of a call of a
    name the function binds or takes)."""
    own = S.stored_names(tree) | {a.id for a in tree.args.posonlyargs + tree.args.args + tree.args.kwonlyargs}
    if tree.args.vararg is not None or tree.args.kwarg is not None:
        own |= {a.arg if hasattr(a, "arg") else a.id for a in (tree.args.vararg, tree.args.kwarg) if a is not None}
    found = set()
    for value in _built_values(stmt.value for stmt in own_returns(tree)):
        path = S.dotted_path(value.func) if isinstance(value, gast.Call) else None
        found.add(None if path is None or path[0] in own else tuple(path))
    return frozenset(found)


def _built_values(values):
    """The values returned, each branch of ``a if c else b`` on its own (either may be
    the one returned)."""
    for value in values:
        while isinstance(value, gast.IfExp):
            yield from _built_values([value.body])
            value = value.orelse
        yield value


def _names_own_class(func, me, cls, resolve_path):
    """Whether ``func`` is ``type(me)`` (the built-in ``type``) or ``me.__class__`` (not
    redefined by ``cls``)."""
    if isinstance(func, gast.Attribute):
        return func.attr == "__class__" and isinstance(func.value, gast.Name) and func.value.id == me \
            and M.static_attribute(cls, "__class__") is _CLASS_SLOT
    return isinstance(func, gast.Call) and isinstance(func.func, gast.Name) and func.func.id == "type" \
        and len(func.args) == 1 and not func.keywords and isinstance(func.args[0], gast.Name) \
        and func.args[0].id == me and resolve_path(["type"], depend=False) is builtins.type
