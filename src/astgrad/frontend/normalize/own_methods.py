"""Calls of what an object's attribute holds (``layer.act(x)``, ``self.up(w)``), where
the object's layout says (frontend/object_layouts.py): None (the call raises), a function
(called as itself), or a function bound to the object itself, ``self.up =
types.MethodType(up, self)`` in ``__init__``. Python runs ``up(layer, w)`` there: the
call is followed as that method, with the object (read when the code runs) as ``self``,
made for its layout, as a method of its class is. The layout names the function, so
another function there makes other code.

Unlike a method of the class, such a method is not followed from state to state: one
that assigns attributes (of its object or of another) is refused, as is one whose body
astgrad cannot read; and so is a call of an attribute holding anything else astgrad
does not follow (``functools.partial(f, obj)``, another object's bound method). Run as
they are, they could change the object unseen by the derivative, which reads its
attributes as values, even where the call's value is unused (``r = layer.up(w)``)."""

import inspect

import gast

from ...core import methods as M
from ...core import syntax as S
from ...core.missing import MISSING
from ...errors import function_value_unknown
from ..source import ScopeRoot
from .. import object_layouts as L
from .held_functions import Others
from .objects import _assigned_attributes


class OwnMethodLowering:
    """Normalizer methods calling what an object's attribute holds."""

    def held_attribute_call(self, func, node):
        """``layer.act(x)`` (``func`` the Attribute called) where the layout of ``layer`` says
        what its attribute ``act`` holds: None (the call raises), a function (called as
        itself), or a function bound to ``layer`` itself (called as its method); else None."""
        attribute = L.attribute(self.layout(func.value), func.attr)
        if L.holds_none(attribute):
            return self.none_call(node)         # held_functions.py
        if L.held_function(attribute) is not None:
            return self.held_function_call(L.held_function(attribute), node)      # methods.py
        if L.held_method(attribute) is not None:
            return self.own_method_call(L.held_method(attribute), self.layout(func.value), self.atom(func.value),
                                        func.attr, node)
        if L.others_method(attribute) is not None:
            return self.others_method_call(attribute, func, node)
        if L.held_partial(attribute) is not None:
            return self.held_partial_call(attribute, func, node)
        return None

    def given_others_method(self, arg):
        """An Others for the argument node ``arg`` when it is ``s.up``, ``s`` a name
        standing for an object of a known layout (built here, or an argument; or the
        building call, ``Scaler(3.0).up``) and ``up``
        a method of its class: what the object then holds is ``up`` bound to ``s``,
        followed as a method of ``s`` is; else None."""
        if not (isinstance(arg, gast.Attribute) and isinstance(arg.value, (gast.Name, gast.Call))):
            return None
        if self.awaits_receivers_class(arg):       # m.loss of an argument m (call_forms.py): see refuse_unknown_held
            self.__dict__.setdefault("_awaited_methods", set()).add(arg.attr)
        owner = self.layout(arg.value)
        if owner is None or owner[0] != L.OBJECT or arg.attr in owner[3] or L.attribute(owner, arg.attr) is not None:
            return None
        if isinstance(arg.value, gast.Name) and (self.bound_count.get(arg.value.id, 0) > 1 or self.inlining
                                                 or not _only_read(self.source.tree, arg.value.id, owner[1])):
            return None         # s.k = v, bump(s): a new state of s, which the method bound to the old one would miss
        function = M.static_attribute(owner[1], arg.attr)
        return Others(function, owner) if inspect.isfunction(function) else None

    def held_partial_call(self, attribute, func, node):
        """The call ``node`` of ``<holder>.attr(...)`` (``func``) where the holder's layout
        says its attribute holds a ``functools.partial`` of a function: the function called
        with the partial's arguments and keywords, read from it when the code runs, then
        the call's own (a keyword given in the call overrides a bound one, as in Python)."""
        function, count, names = L.held_partial(attribute)
        changed = sorted(set().union(*(_assigned_attributes(function) or ((), ())))) \
            if inspect.isfunction(function) else []
        if changed:
            owner = self.layout(func.value)
            cls = owner[1].__name__ if owner is not None and owner[0] == L.OBJECT else "object"
            raise self._refuse(
                f"a call of .{func.attr}() on a {cls}, whose attribute {func.attr!r} holds a functools.partial of "
                f"{function.__name__}, which assigns the attribute {changed[0]!r}: astgrad follows a function that "
                "changes objects from state to state only as a method of the object's class", node,
                f"define {func.attr} as a method of {cls}, or have {function.__name__} return the new value and "
                "assign it in the function")
        part = lambda field, key: gast.Subscript(                         # noqa: E731
            value=gast.Attribute(value=S.copy(func), attr=field, ctx=gast.Load()), slice=S.const(key), ctx=gast.Load())
        given = {keyword.arg for keyword in node.keywords}
        call = gast.Call(func=node.func, args=[part("args", i) for i in range(count)] + list(node.args),
                         keywords=[gast.keyword(arg=name, value=part("keywords", name)) for name in names
                                   if name not in given] + list(node.keywords))
        return self.held_function_call(function, gast.copy_location(call, node))

    def others_method_call(self, attribute, func, node):
        """The call ``node`` of ``<holder>.attr(...)`` (``func``) where the holder's layout
        says its attribute holds a function bound to another object (``self.f =
        other.up``): ``up(<holder>.attr.__self__, ...)``, that object read when the code
        runs, or a refusal."""
        function, other = L.others_method(attribute)
        bound = gast.Attribute(value=S.copy(func), attr="__self__", ctx=gast.Load())
        return self.own_method_call(function, other, self.atom(bound), function.__name__, node, func.attr)

    def own_method_call(self, function, layout, receiver, attr, node, holder_attr=None):
        """The call ``node`` of ``<receiver>.attr(...)`` where the object of ``layout`` holds
        ``function`` bound to itself in its attribute ``attr`` (or, ``holder_attr`` given,
        another object holds ``function`` bound to this one in its attribute
        ``holder_attr``): ``function(receiver, ...)`` (``receiver``: the atom for the
        object), or a refusal."""
        cls = layout[1]
        name = f"{cls.__name__}.{attr}"
        held = "a function bound to the object in its attribute (types.MethodType(f, obj))" if holder_attr is None \
            else f"a method of another object held in the attribute .{holder_attr}"
        advice = f"define {attr} in the class ({cls.__name__}.{attr} = {function.__name__}), or have it return the " \
            "new value and assign it in the function" if holder_attr is None else \
            f"call {attr} on its object, or have it return the new value and assign it in the function"
        if L.unseen_users_method(function) == "no source":
            raise self._refuse(
                f"a call of {name}, {held}, whose source astgrad cannot read (defined by exec, in an interactive "
                "prompt, or made at run time): it cannot see what the method stores on the object", node,
                f"define {function.__name__} with def in a file")
        assigned, in_place = _assigned_attributes(function) or ((), ())
        changed = sorted(set(assigned).union(in_place))
        if changed:
            raise self._refuse(
                f"a call of {name}, {held}, which assigns the attribute {changed[0]!r}: astgrad follows a method "
                "that changes objects from state to state only called on its object, as a method of its class", node,
                advice)
        self.source.dependencies.append(((ScopeRoot(function.__name__),), (function,)))
        made = M.for_receiver(function, M.INSTANCE, cls, layout, f"{cls.__name__}_{attr.strip('_') or attr}")
        return self.function_call(made, [receiver], node)

    def refuse_unknown_held(self, layout, attr, node):
        """Refuse the call ``node`` of ``<object>.attr(...)`` on an object of ``layout`` where
        what runs is neither a method of its class nor a function its layout names: the
        object holds in ``attr`` something astgrad does not follow (``functools.partial(f,
        obj)``, a bound method of another object, a value ``__getattr__`` makes), or nothing
        it knows of (set after ``__init__``). Run as it is, the call may change the object
        unseen by the derivative, even where its value is unused (``r = layer.up(w)``)."""
        if layout is None or layout[0] != L.OBJECT or attr == "__call__" or L.attribute(layout, attr) is not None:
            return
        cls = layout[1]
        if attr not in layout[3] and M.static_attribute(cls, attr) is not MISSING:
            return      # a method of the class, followed (or refused) as one
        error = self._refuse(
            f"a call of .{attr}() on a {cls.__name__}, whose attribute {attr!r} holds neither a method of its class "
            "nor a function astgrad follows (a functools.partial, a bound method of another object, a value "
            "__getattr__ makes): it cannot see what the call computes or changes", node,
            f"define {attr} as a method of {cls.__name__}, or store a plain function (def or lambda) or a "
            f"NumPy function in self.{attr}; a bound method of another object (o.step) is followed where "
            "nothing changes that object after the method is taken (no o.k = v, no call handing o on): "
            "otherwise call o.step(...) itself where the held method is called")
        # an object built holding a method of an argument's object (Holder(m.loss)): the code
        # made for the argument's class knows what the attribute holds
        raise function_value_unknown(error) if self.__dict__.get("_awaited_methods") else error


def _only_read(tree, name, cls):
    """Whether the function ``tree`` uses the object ``name`` (of the class ``cls``) only
    through methods of its class assigning no attribute, called (``s.up(x)``) or taken
    (``s.up``): never storing, deleting or reading out an attribute (``s.k = v``, ``v =
    s.k; v[0] = 1.0``) nor handing the object itself on (``bump(s)``). Then it has one
    state, the one a method of it bound in another object sees."""
    attributes = {id(node.value): node for node in S.walk_nodes(tree)
                  if isinstance(node, gast.Attribute) and isinstance(node.value, gast.Name) and node.value.id == name}
    called = {id(node.func) for node in S.walk_nodes(tree) if isinstance(node, gast.Call)}
    for node in S.walk_nodes(tree):
        if not (isinstance(node, gast.Name) and node.id == name and isinstance(node.ctx, gast.Load)):
            continue
        read = attributes.get(id(node))
        if read is None or not isinstance(read.ctx, gast.Load):
            return False
        method = M.static_attribute(cls, read.attr)
        if not inspect.isfunction(method) or id(read) in called and any(_assigned_attributes(method) or ((), ())):
            return False
    return True
