"""Built-in functions and loops on objects of user classes the code follows
(objects.py): ``abs(v)`` and ``float(v)`` run the class's own ``__abs__`` and
``__float__``, so each becomes that method's call (``v.__abs__()``), followed as any
method call on an object of a known layout (operator_methods.py does the same for the
operators). ``float(v)`` keeps its conversion of what ``__float__`` returns.

``for c in v`` over an object whose class defines ``__iter__`` (or only
``__getitem__``) is refused when the code is generated: the loop would otherwise run
over the object's arrays, not over what its own iterator yields. So is an operator on a
name a tuple assignment binds to such an object (``p, q = Vec(a, b), c``), whose class
is not known where the operator is (it would stop when it runs)."""

import builtins
import sys

import gast

from ...core.first_use import imported_when_called
from ...core import methods as M
from ...core import syntax as S
from ...core.missing import MISSING
from .comparison_methods import authored

# modules only some functions need, loaded with the first call of these (core/first_use.py)
counter_moved_words = imported_when_called(__package__ + ".iterator_classes", "counter_moved_words")
operator_function_call = imported_when_called(__package__ + ".operator_functions", "operator_function_call")
math_of_objects = imported_when_called(__package__ + ".math_of_objects", "math_of_objects")

_CONVERSIONS = {"abs": "__abs__", "float": "__float__"}

_UNPACKED_ADVICE = "bind each object to a name of its own, once (p = Vec(a, b), not p, q = Vec(a, b), c)"

_LOOP_ADVICE = ("loop over the object's arrays or a list the class returns (for c in v.items), or give the "
                "class a method that computes the value")


class ProtocolMethodLowering:
    """Normalizer methods lowering built-in protocols on followed objects to their methods."""

    def protocol_call(self, node):
        """``abs(v)`` or ``float(v)`` (a Call) on an object of a followed class defining
        the method Python runs, as that method's call; None for any other call."""
        func = node.func
        if not isinstance(func, gast.Name) or func.id not in _CONVERSIONS or len(node.args) != 1 \
                or node.keywords or isinstance(node.args[0], gast.Starred) or func.id in self.locals \
                or self.source.resolve(func.id) is not getattr(builtins, func.id):
            return None
        method = _CONVERSIONS[func.id]
        if not self._defines(node.args[0], method):        # operator_methods.py
            return None
        call = gast.copy_location(gast.Call(func=gast.Attribute(value=node.args[0], attr=method, ctx=gast.Load()),
                                            args=[], keywords=[]), node)
        lowered = self.object_call(call) or self.method_call(call)     # objects.py, methods.py
        if lowered is None:
            raise self._refuse(f"{func.id}() of a {self._object_class(node.args[0]).__name__}, whose {method} "
                               "astgrad cannot follow", node, "write the value as a function of the object's arrays")
        if func.id == "float":          # Python converts what __float__ returns
            converted = gast.Call(func=S.name("float"), args=[S.name(self.fresh_assign(lowered, "f"))], keywords=[])
            return self.expr_Call(gast.copy_location(converted, node))
        return lowered

    def operator_call_of_object(self, node):
        """``operator.mul(v, w)``, ``pow(v, 2)``, ``sum([v, w])`` on an object of a followed
        class as the operator it runs (operator_functions.py); None for any other call."""
        return operator_function_call(self, node, self.resolve_call(node))

    def math_call_of_object(self, node):
        """``math.sqrt(v)`` on an object of a followed class as ``math.sqrt(float(v))``, the
        conversion Python makes (math_of_objects.py); None for any other call."""
        return math_of_objects(self, node, self.resolve_call(node))

    def refuse_object_iteration(self, stmt):
        """Refuse ``for c in v`` (``stmt``) where ``v`` is an object of a followed class
        that iterates with code of its own: its ``__iter__``, or, where it has none (a
        namedtuple's is the tuple's), its ``__getitem__``."""
        cls = self._object_class(stmt.iter)
        if cls is None:
            return
        own_iter = self._defines(stmt.iter, "__iter__")
        if own_iter or M.static_attribute(cls, "__iter__") is MISSING and self._defines(stmt.iter, "__getitem__"):
            method = "__iter__" if own_iter else "__getitem__"
            moved = counter_moved_words(cls) if own_iter else None
            if moved is not None:
                raise self._refuse(f"a for loop over a {cls.__name__}, {moved[0]}", stmt, moved[1])
            raise self._refuse(f"a for loop over a {cls.__name__}, whose {method} astgrad does not follow",
                               stmt, _LOOP_ADVICE)

    def refuse_unpacked_operand(self, node, methods, symbol):
        """Refuse the operator ``node`` (neither operand of a class the code follows) where
        an operand is a name a tuple assignment binds to an object of a class defining
        one of ``methods`` (``p, q = Vec(a, b), c``): its class is not known there, and the call
        would stop when it runs; an operator found when the code runs needs none
        (unknown_operators.py)."""
        if self.reaches_no_objects() or self.dispatches_when_it_runs(node):     # plain_reads.py: no such class
            return
        operands = (node.left, node.right) if isinstance(node, gast.BinOp) else [node.left] + node.comparators \
            if isinstance(node, gast.Compare) else (node.operand,)
        for operand in operands:
            cls = self._unpacked_class(operand, methods)
            if cls is not None:
                raise self._refuse(f"the operator {symbol} on {operand.id}, a {cls.__name__} bound by a tuple "
                                   "assignment, whose class astgrad does not know when it generates the code",
                                   node, _UNPACKED_ADVICE)

    def _unpacked_class(self, operand, methods):
        """The class defining one of ``methods`` of an object a tuple assignment of a
        display binds to the name ``operand`` somewhere in the function, or None."""
        if not isinstance(operand, gast.Name):
            return None
        for value in _unpacked_calls(self.source.tree).get(operand.id, ()):
            cls = self.resolve_call(value)
            if isinstance(cls, type) and _users_class(cls) and any(isinstance(a, gast.Name) for a in S.walk_nodes(
                    gast.Tuple(elts=value.args + [k.value for k in value.keywords], ctx=gast.Load()))) \
                    and any(authored(cls, m) for m in methods):
                return cls      # built from values that may carry a derivative, which stops at its operator
        return None


def _users_class(cls):
    """Whether ``cls`` is not one of the standard library's (``fractions.Fraction``,
    whose objects built from constants run their operators as values do)."""
    return cls.__module__.partition(".")[0] not in sys.stdlib_module_names


_UNPACKED = {}      # id of a function's tree -> (the tree, its names unpacked from calls)


def _unpacked_calls(tree):
    """{name: [the calls a tuple assignment of a display binds it to]} in ``tree``, found
    once per tree (each operator of the function asks)."""
    known = _UNPACKED.get(id(tree))
    if known is not None and known[0] is tree:
        return known[1]
    calls = {}
    # most functions assign no display: looked for first, without the ordered walk
    displays = any(isinstance(assign.value, (gast.Tuple, gast.List)) for assign in S.nodes_of_class(tree, gast.Assign))
    for binding in S.walk_nodes(tree) if displays else ():
        if isinstance(binding, gast.Assign) and isinstance(binding.value, (gast.Tuple, gast.List)):
            for target in binding.targets:
                for name, value in zip(target.elts, binding.value.elts) if isinstance(target, (gast.Tuple, gast.List)) \
                        else ():
                    if isinstance(name, gast.Name) and isinstance(value, gast.Call):
                        calls.setdefault(name.id, []).append(value)
    if len(_UNPACKED) > 256:
        _UNPACKED.clear()
    _UNPACKED[id(tree)] = (tree, calls)
    return calls
