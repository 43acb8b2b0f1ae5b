"""``obj.attr op= v`` where ``obj`` may hold no ``attr`` of its own and reads its class's.

Python's ``s.arr += w`` reads ``s.arr``, which is the class's array where the object
binds none itself (``class S: arr = np.zeros(3)``), calls ``ndarray.__iadd__`` on it,
which writes into that array, and then binds ``s.arr`` to it. astgrad follows ``op=`` on
an attribute of an object the code built by storing a new value on the object
(``with_attribute``), which leaves the class's array as it was. So where the class holds
a value that changes in place under ``op=`` (an array, a list, a dict, a set):

- refused when the code is generated, where nothing can bind the attribute on the object
  first (no function of the class assigns it, nor this function elsewhere);
- else checked when the code runs (``runtime.own_attribute_augmented``), in the same words.

A class attribute that ``op=`` cannot change in place (a number, a string, a tuple) is
rebound on the object, as astgrad does: nothing is added there, but the code is made
again where the class is given another value for it later (a guard on ``cls.attr``);
so is a class holding no such attribute yet (``S.arr = np.zeros(3)`` after the
derivative was made).
"""

import inspect

import gast

from ... import runtime
from ...core import methods as M
from ...core import syntax as S
from ...core.missing import MISSING
from .objects import _assigned_attributes

_IN_PLACE = {gast.Add: "__iadd__", gast.Sub: "__isub__", gast.Mult: "__imul__", gast.Div: "__itruediv__",
             gast.FloorDiv: "__ifloordiv__", gast.Mod: "__imod__", gast.Pow: "__ipow__", gast.MatMult: "__imatmul__",
             gast.BitOr: "__ior__", gast.BitAnd: "__iand__", gast.BitXor: "__ixor__", gast.LShift: "__ilshift__",
             gast.RShift: "__irshift__"}

# values op= never changes in place: rebound on the object, as astgrad follows
_IMMUTABLE = (int, float, complex, str, bytes, tuple, frozenset, type(None))


def check_class_held(lowering, stmt, cls):
    """Before ``owner.attr op= v`` (``stmt``) on an object of ``cls`` the code follows by
    storing a new value on it: refused, or checked when it runs, where ``cls`` holds a
    value ``attr`` that ``op=`` changes in place (the module docstring)."""
    target = stmt.target
    held = M.static_attribute(cls, target.attr)
    if held is MISSING or isinstance(held, _IMMUTABLE):
        # none, or op= rebinds: new code where the class is given an array there later
        lowering.source.dependencies.append(((M.CLASS_ROOT, target.attr), (cls, M.current(cls, target.attr))))
        return
    if hasattr(type(held), "__get__") or hasattr(type(held), "__set__"):
        return      # a method or property (not followed here)
    method = _IN_PLACE[type(stmt.op)]
    if getattr(type(held), method, None) is not None and not _may_bind_own(lowering, cls, stmt):
        kind, name = type(held).__name__, f"{cls.__name__}.{target.attr}"
        raise lowering._refuse(
            f"augmented assignment to the attribute {target.attr!r} of an object of class {cls.__name__}, which holds no "
            f"{target.attr!r} of its own: it writes in place into the {kind} its class holds ({name}), which every "
            "instance shares", stmt,
            f"astgrad would store a new value on the object instead, and {name} would not change as it does in "
            f"Python. Bind the value on each object (self.{target.attr} = ... in {cls.__name__}.__init__), or "
            f"rebind it with a new value (s.{target.attr} = s.{target.attr} + v)")
    lowering.emit(S.expr_stmt(lowering.runtime_call(runtime.own_attribute_augmented, [
        S.name(target.value.id), S.const(target.attr), S.const(method), S.const(lowering.source.place(stmt))])))


def _may_bind_own(lowering, cls, stmt):
    """Whether the object may hold the attribute ``stmt`` augments itself when ``stmt``
    runs: a function of its class assigns it, this function stores it elsewhere, or
    the statement is in a helper written in, whose caller may have stored it."""
    attr = stmt.target.attr
    if lowering.inlining or any(attr in found for klass in cls.__mro__ for value in vars(klass).values()
                                if inspect.isfunction(value) for found in _assigned_attributes(value)):
        return True
    return any(isinstance(node, gast.Attribute) and node.attr == attr and isinstance(node.ctx, (gast.Store, gast.Del))
               and node is not stmt.target for node in S.walk_nodes(lowering.source.tree))
