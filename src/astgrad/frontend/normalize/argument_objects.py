"""Methods assigning attributes of ``self`` called on an object given as an argument:
``def f(w, box): box.scale(w); return box.v * w``. Python changes the caller's object
there; the derivative works on copies instead, as it does for an array argument written
in place: the method's twin (built_objects.state_call) returns a new object, which the
argument's name takes, so a gradient or ``jvp`` call leaves the caller's object as it
was while ``f(w, box)`` itself changes it as Python does.

That is right only where nothing else the code reads reaches the object: another
argument holding it (``f(w, box, [box])``), a global the function or the method reads
holding it, or the object holding itself would show Python's change where the copy does
not. The code checks that when it runs, before the call (``runtime_objects.
argument_object_alone``), and raises a TypeError naming the line otherwise."""

import types

import gast

from ... import runtime_objects
from ...core import methods as M
from ...core import syntax as S
from .. import object_layouts as L
from .instances import plain_uses
from .scopes import parameters


class ArgumentObjectLowering:
    """Normalizer methods following state changes of objects arguments give."""

    def owns_argument(self, name, cls, attrs):
        """Whether ``name`` is a parameter the function was made for an object of class
        ``cls`` in, never rebound and named only as ``name.x`` or ``name.method(...)``,
        whose attributes ``attrs`` the method may store as Python does."""
        if name not in parameters(self.source.tree) or self.bound_count.get(name, 0) or name in self.functions \
                or self.is_receiver(name) or self.inlining:
            return False
        layout = self.named_layouts().get(name)
        if layout is None or layout[0] != L.OBJECT or layout[1] is not cls \
                or M.static_attribute(cls, "__setattr__") is not object.__setattr__:
            return False        # (a frozen dataclass: Python refuses the write)
        if not all(_plain_store(cls, attr) for attr in attrs):
            return False
        return plain_uses(self.source.tree, name, cls, stores=0, iterated=self.iterated_as_attributes)

    def check_argument_alone(self, name, method):
        """Emit the check that nothing else the code reads reaches the argument ``name``'s
        object (see the module's docstring), before the call of ``method`` on it."""
        others = [S.name(p) for p in parameters(self.source.tree) if p != name]
        scopes = []
        for fn in (self.source.fn, method):
            scope = getattr(fn, "__globals__", None)
            if scope is not None:
                read = sorted(set(fn.__code__.co_names) & set(scope))
                scopes.append(gast.Tuple(elts=[S.name(self.bind_value(scope, "scope")),
                                               S.const(tuple(read))], ctx=gast.Load()))
        self.emit(gast.Expr(value=self.runtime_call(runtime_objects.argument_object_alone, [
            S.name(name), gast.Tuple(elts=others, ctx=gast.Load()), gast.Tuple(elts=scopes, ctx=gast.Load()),
            S.const(name), S.const(self.where())])))


def _plain_store(cls, attr):
    """Whether storing ``attr`` on an instance of ``cls`` puts it into its ``__dict__``."""
    static = M.static_attribute(cls, attr)
    if isinstance(static, types.MemberDescriptorType):
        return False        # a slot: the object has no __dict__ the copy could take
    return not hasattr(type(static), "__set__") and not hasattr(type(static), "__get__")
