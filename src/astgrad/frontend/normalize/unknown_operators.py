"""Operators on values whose class astgrad does not know when it generates the code (an
object read from a dict, one a helper kept as a call returns: unknown_objects.py), in a
function that can meet objects of a class defining arithmetic operators with code of its
own: ``d["p"] + d["q"]`` becomes ``object_operator('+', t, t_1, 'f.py:9')``, which runs
the operator and whose derivatives run, when the code runs, the derivative of the method
Python ran (object_operators.py). Code that meets no such class, plain NumPy code among
it, keeps its operators as they are."""

import builtins
import types

import gast

from ... import object_operators
from .. import object_layouts as L

_BINARY = {gast.Add: "+", gast.Sub: "-", gast.Mult: "*", gast.Div: "/", gast.MatMult: "@"}


class UnknownOperatorLowering:
    """Normalizer methods dispatching operators on unknown classes when the code runs."""

    def unknown_class_operator(self, node):
        """``node`` (a BinOp or UnaryOp, neither operand of a class the code follows) as
        the call of ``object_operator`` or ``object_unary``, where an operand may be an
        object of a class astgrad does not know; None for any other."""
        if isinstance(node, gast.BinOp) and type(node.op) in _BINARY:
            symbol, operands, helper = _BINARY[type(node.op)], [node.left, node.right], object_operators.object_operator
        elif isinstance(node, gast.UnaryOp) and isinstance(node.op, gast.USub):
            symbol, operands, helper = "-", [node.operand], object_operators.object_unary
        else:
            return None
        return self._dispatched(node, symbol, operands, helper)

    def unknown_class_abs(self, node):
        """``abs(v)`` (a Call) where ``v`` may be an object of a class astgrad does not
        know, as the call of ``object_unary``; None for any other call."""
        func = node.func
        if not isinstance(func, gast.Name) or func.id != "abs" or len(node.args) != 1 or node.keywords \
                or isinstance(node.args[0], gast.Starred) or func.id in self.locals \
                or self.source.resolve(func.id) is not builtins.abs:
            return None
        return self._dispatched(node, "abs", node.args, object_operators.object_unary)

    def _dispatched(self, node, symbol, operands, helper):
        if not any(not isinstance(o, gast.Constant) and self.may_be_operating_object(o) for o in operands) \
                or not meets_operator_classes(self.source.fn):
            return None
        where = f"{self.source.filename}:{self.source.file_line(node)}"
        args = [gast.Constant(value=symbol, kind=None)] + [self.atom(o) for o in operands] \
            + [gast.Constant(value=where, kind=None)]
        return self.runtime_call(helper, args)


def meets_operator_classes(fn, depth=2):
    """Whether ``fn``, or a function of the user's it names (to ``depth``), names a class
    defining arithmetic operators with code of its own, or is given objects no layout
    describes (``__astgrad_holding__``)."""
    if getattr(fn, "__astgrad_holding__", ()):
        return True
    if not isinstance(fn, types.FunctionType):
        return False
    return any(L.operates_with_own_code(value) or depth > 0 and isinstance(value, types.FunctionType)
               and value is not fn and meets_operator_classes(value, depth - 1) for value in _named_values(fn))


def _named_values(fn):
    """The values of the global and closure names ``fn``'s code (and its nested code) reads."""
    names, codes = set(), [fn.__code__]
    while codes:
        code = codes.pop()
        names.update(code.co_names)
        codes.extend(c for c in code.co_consts if isinstance(c, types.CodeType))
    values = [fn.__globals__[n] for n in names if n in fn.__globals__]
    for cell in fn.__closure__ or ():
        try:
            values.append(cell.cell_contents)
        except ValueError:
            pass
    return values
