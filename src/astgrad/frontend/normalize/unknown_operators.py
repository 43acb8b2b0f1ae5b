"""Operators, ``abs`` and ``float`` on values astgrad does not prove plain when it
generates the code (an object read from a dict, one a helper kept as a call returns:
proven_plain.py), in a function that can meet objects of a class defining arithmetic
operators with code of its own: ``d["p"] + d["q"]`` becomes ``object_operator('+', t, t_1, 'f.py:9')``, which runs
the operator and whose derivatives run, when the code runs, the derivative of the method
Python ran (object_operators.py). Code that meets no such class, plain NumPy code among
it, keeps its operators as they are."""

import builtins
import types

import gast

from ... import object_operators
from .. import object_layouts as L
from ...core import methods as M
from ...core import ops
from ...core import syntax as S
from .unknown_objects import gradient_transform, hands_back, returns_numbers

# operators whose derivative is zero on numbers, so nothing checks, when the derivative
# runs, that a receiver's attribute taken as a number was one (proven_without_receiver)
_FLAT = frozenset(["//", "%"])
_BINARY = {gast.Add: "+", gast.Sub: "-", gast.Mult: "*", gast.Div: "/", gast.MatMult: "@", gast.Pow: "**",
           gast.Mod: "%", gast.FloorDiv: "//"}


class UnknownOperatorLowering:
    """Normalizer methods dispatching operators on unknown classes when the code runs."""

    def unknown_class_operator(self, node):
        """``node`` (a BinOp or UnaryOp, neither operand of a class the code follows) as
        the call of ``object_operator`` or ``object_unary``, where an operand may be an
        object of a class astgrad does not know; None for any other."""
        form = _operator_form(node)
        return None if form is None else self._dispatched(node, *form)

    def dispatches_when_it_runs(self, node):
        """Whether the operator ``node`` finds its method when the code runs (so an operand
        a tuple assignment binds, ``p, q = Vec(a, b), c``, needs no refusal)."""
        form = _operator_form(node)
        return form is not None and self._unknown_operand(form[1])

    def unknown_class_conversion(self, node):
        """``abs(v)`` or ``float(v)`` (a Call) where ``v`` may be an object of a class
        astgrad does not know, as the call of ``object_unary``; None for any other call."""
        func = node.func
        if not isinstance(func, gast.Name) or func.id not in ("abs", "float") or len(node.args) != 1 \
                or node.keywords or isinstance(node.args[0], gast.Starred) or func.id in self.locals \
                or self.source.resolve(func.id) is not getattr(builtins, func.id):
            return None
        return self._dispatched(node, func.id, node.args, object_operators.object_unary)

    def unknown_beside_known(self, operand):
        """Whether ``operand``, beside an object of a class the code knows, may be an
        object of a class it does not know (``d["p"] + Vec(t)``, ``w + d["s"]``): which
        method Python runs then depends on that class (its own method, a reflected one
        of a subclass, NotImplemented), so the operator finds it when the code runs."""
        return self._unknown_operand([operand])

    def _unknown_operand(self, operands):
        """Whether one of ``operands`` may be such an object (asked only in code that can
        meet one: plain NumPy code pays nothing); one of a class the code knows is
        operator_methods.py's."""
        return self.meets_operators() and any(not isinstance(o, gast.Constant) and self._object_class(o) is None
                                              and self._not_proven(o) for o in operands)

    def may_be_operand_object(self, expr):
        """Whether ``expr``, in a function of the user's that can meet objects of a class
        defining operators, may be one whose class the code does not know (not proven
        plain): a helper it is handed to is made knowing its parameter may hold one
        (objects.py), as an operator on it finds its method when the code runs."""
        return not _generated(self.source.fn) and self._unknown_operand([expr])

    def meets_operators(self):
        """Whether the function can meet objects of a class defining operators with code
        of its own (object_layouts.py), asked once per function."""
        meets = self.__dict__.get("_meets_operators")
        if meets is None or meets[0] is not self.source.fn:
            meets = self._meets_operators = (self.source.fn, L.meets_operator_classes(self.source.fn))
        return meets[1]

    def note_emitted_value(self, stmt):
        """Keep what an emitted ``name = value`` binds a name the normalizer made (an
        operand is often such a name: ``t_1 * x`` for ``layer(x) * x``), in a function that
        can meet objects of a class defining operators (plain NumPy code keeps nothing),
        for proven_plain.py (here, so that its module loads only where it is asked)."""
        if type(stmt) is gast.Assign and type(stmt.targets[0]) is gast.Name and self.meets_operators():
            self.__dict__.setdefault("_emitted", {}).setdefault(stmt.targets[0].id, []).append(stmt.value)

    def _not_proven(self, operand):
        """Whether ``operand`` is not proven plain (proven_plain.py). In code astgrad
        generated (a first derivative, differentiated again), the first derivative already
        dispatches what it read from a user's container, and the items of its derivative
        containers are numbers: the routes objects take are followed there instead."""
        if _generated(self.source.fn):
            return self.may_be_operating_object(operand)
        if isinstance(operand, gast.Call) and hands_back(self.resolve_call(operand)) and operand.args \
                and not operand.keywords and all(self._known_class(a) for a in operand.args):
            return False        # max(p), zip(q, r): the items of objects of classes the code knows
        return not self.proven_plain(operand)

    def _dispatched(self, node, symbol, operands, helper):
        if not (self._unknown_operand(operands) or symbol in _FLAT and self.meets_operators()
                and not _generated(self.source.fn) and not self.proven_without_receiver(operands)):
            return None
        where = self.source.place(node)
        args = [gast.Constant(value=symbol, kind=None)] + [self.atom(o) for o in operands] \
            + [gast.Constant(value=where, kind=None)]
        return self.runtime_call(helper, args)

    def operating_verdict(self, expr):
        """Whether ``expr``, an operator's operand, may give an object of a class defining
        operators that the code does not know (True), cannot (False), or None where the
        rules of comparisons decide (unknown_objects.py). An object of a class the code
        knows is operator_methods.py's; what a function or a method of the user's gives is
        such an object only where that code may build one."""
        kind = type(expr)
        if kind in (gast.Name, gast.Attribute, gast.Subscript) and self._object_class(expr) is not None:
            return False
        if kind in (gast.Attribute, gast.Subscript) and self._object_class(expr.value) is not None:
            method = "__getitem__" if kind is gast.Subscript else None
            return method is not None and _may_build(M.static_attribute(self._object_class(expr.value), method))
        if kind is gast.Subscript and self._unlaid_item(expr):     # self.m["a"]: what __init__ stores there
            base = expr.value
            while isinstance(base, (gast.Attribute, gast.Subscript)):
                base = base.value
            init = M.user_function(M.static_attribute(self._object_class(base), "__init__"))
            return init is not None and L.meets_operator_classes(init)
        if kind is not gast.Call:
            return None
        if isinstance(expr.func, gast.Call) and gradient_transform(self.resolve_call(expr.func)) \
                and all(self.proven_plain(a) for a in expr.args + [k.value for k in expr.keywords]):
            return False        # astgrad.grad(loss)(p.W, b): a gradient of numbers
        callee = self.resolve_call(expr)
        if callee is not None and ops.is_user_function(callee):
            return _may_build(callee)
        if hands_back(callee) and expr.args and not expr.keywords and all(self._known_class(a) for a in expr.args):
            return False        # max(p), zip(q, r): the items of objects of classes the code knows
        # (not dict(a=t): a keyword's value is held whole, and read back with its class unknown)
        if isinstance(callee, type):
            return L.operates_with_own_code(callee) or None
        func = expr.func
        owner = self._object_class(func.value if isinstance(func, gast.Attribute) else func)
        if owner is not None:         # a method, or the object's __call__ (a callable object passed in too)
            return _may_build(M.static_attribute(owner, func.attr if isinstance(func, gast.Attribute) else "__call__"))
        if isinstance(func, gast.Name) and func.id in self.locals_given():
            return self._given_verdict(func.id)
        return None

    def _given_verdict(self, name):
        """What calling the argument ``name`` gives, where the code is made for the function
        or callable object it holds: False where that code builds no object of a class
        defining operators (``layer(x)`` of a ``Layer`` whose ``__call__`` computes an
        array); else None (known when it is called)."""
        function = self.given_function(name)
        return False if function is not None and not _may_build(function) else None

    def given_function(self, name):
        """The function of the user's the argument ``name`` holds (or its ``__call__``),
        where the code is made for it (function_args.py binds ``name = name_fn`` first, the
        value held in a cell); else None."""
        if getattr(self.source.fn, "__astgrad_given__", None) is None:
            return None
        bindings = [b for b in S.walk_nodes(self.source.tree) if isinstance(b, (gast.Assign, gast.AugAssign))
                    and name in _names_bound(b.targets if isinstance(b, gast.Assign) else [b.target])]
        if len(bindings) != 1 or bindings[0] is not self.source.tree.body[0] \
                or not isinstance(bindings[0].value, gast.Name):
            return None
        held = self.source.resolve(bindings[0].value.id)
        function = held if isinstance(held, types.FunctionType) else M.static_attribute(type(held), "__call__")
        return M.user_function(function)

    def iterated_verdict(self, iterable):
        """False where the items a loop binds come from iterating an object of a class the
        code knows (its ``__iter__``, object_iteration.py), for an operator's operand; None
        for any other iterable."""
        return False if self._known_class(iterable) else None

    def _known_class(self, expr):
        """Whether ``expr`` reads an object of a class the code knows, or builds one
        (``Point(a, t)``)."""
        if self._object_class(expr) is not None:
            return True
        built = self.resolve_call(expr) if isinstance(expr, gast.Call) else None
        return isinstance(built, type) and L.looked_into(built)


def _generated(fn):
    """Whether ``fn`` is code astgrad generated, or a function made from such code for the
    values it is given (function_args.py) or for its receiver (core/methods.py), whose
    code is the generated code (its synthetic file name, backend/emit.py)."""
    while fn is not None:
        code = getattr(fn, "__code__", None)
        if getattr(fn, "__astgrad_generated__", False) or code is not None and code.co_filename.startswith("<astgrad "):
            return True
        made = getattr(fn, "__astgrad_specializes__", None)
        fn = made[0] if made is not None and made[0] is not fn else None
    return False


def _operator_form(node):
    """(symbol, operands, helper) for a BinOp or UnaryOp dispatched so, else None."""
    if isinstance(node, gast.BinOp) and type(node.op) in _BINARY:
        return _BINARY[type(node.op)], [node.left, node.right], object_operators.object_operator
    if isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub):
        return "neg", [node.operand], object_operators.object_unary
    return None


def _may_build(function):
    """Whether ``function`` (a function of the user's) may give an object of a class
    defining operators with code of its own."""
    function = M.user_function(function)
    return function is not None and not returns_numbers(function) and L.meets_operator_classes(function)


def _names_bound(targets):
    """The names assignment ``targets`` bind (unpacking included)."""
    return {t.id for t in S.walk_nodes(gast.Tuple(elts=targets, ctx=None)) if isinstance(t, gast.Name)}
