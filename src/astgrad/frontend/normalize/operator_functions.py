"""The functions that run an operator (``operator.mul(a, b)``, ``operator.neg(v)``,
``operator.invert(v)``, ``operator.not_(v)``, ``pow(a, b)``) and ``sum`` of a display
(``sum([a, b])``, ``start + a + b`` in Python) where an argument is an object of a user
class the code follows: Python runs the class's own operator methods for them, as for the
operator written out, so each is lowered as that operator (``a * b``, ``-v``, ``~v``,
``not v``, ``a ** b``, ``0 + a + b``), which operator_methods.py follows or refuses;
``operator.contains(v, k)`` is ``k in v``.
Read as NumPy's operation instead, the call took the object for its arrays (the
derivative of what ``__floordiv__`` returned was lost, ``operator.neg`` of one stopped
with an IndexError). ``divmod`` of such an object, and the in-place functions
(``operator.iadd``), are refused: no operator lowers them."""

import builtins
import operator

import gast

from ...core import syntax as S

_BINARY = {operator.add: gast.Add, operator.sub: gast.Sub, operator.mul: gast.Mult, operator.truediv: gast.Div,
           operator.floordiv: gast.FloorDiv, operator.mod: gast.Mod, operator.pow: gast.Pow,
           operator.matmul: gast.MatMult, operator.and_: gast.BitAnd, operator.or_: gast.BitOr,
           operator.xor: gast.BitXor, operator.lshift: gast.LShift, operator.rshift: gast.RShift,
           builtins.pow: gast.Pow}
_UNARY = {operator.neg: gast.USub, operator.pos: gast.UAdd, operator.invert: gast.Invert,
          operator.inv: gast.Invert, operator.not_: gast.Not}
_IN_PLACE = (operator.iadd, operator.isub, operator.imul, operator.itruediv, operator.ifloordiv, operator.imod,
             operator.ipow, operator.imatmul, operator.iand, operator.ior, operator.ixor, operator.ilshift,
             operator.irshift, builtins.divmod)
# the call Python's function is (bool(v) runs __bool__, abs(v) __abs__): lowered as that call
_CALLED = {operator.truth: "bool", operator.abs: "abs"}


def operator_function_call(normalizer, node, callee):
    """``node`` (a Call of ``callee``) lowered as the operator it runs where an argument
    is an object of a followed class; None for any other call."""
    args = node.args
    if node.keywords and callee is not builtins.sum or any(isinstance(a, gast.Starred) for a in args):
        return None
    if callee is builtins.sum:
        return _sum_of_display(normalizer, node)
    if callee is operator.contains:
        return contains_call(normalizer, node)
    if not any(normalizer._object_class(a) is not None for a in args):
        return None
    if any(callee is f for f in _IN_PLACE):
        name = "divmod" if callee is builtins.divmod else f"operator.{callee.__name__}"
        cls = next(normalizer._object_class(a) for a in args if normalizer._object_class(a) is not None)
        raise normalizer._refuse(f"{name}() of a {cls.__name__}, whose own method it runs, which astgrad does not "
                                 "follow", node, "call the method by its name, or compute the value from the "
                                 "object's arrays")
    op = _BINARY.get(callee) if len(args) == 2 else _UNARY.get(callee) if len(args) == 1 else None
    if op is not None:
        built = gast.BinOp(left=args[0], op=op(), right=args[1]) if len(args) == 2 \
            else gast.UnaryOp(op=op(), operand=args[0])
        return normalizer.expr(gast.copy_location(built, node))
    name = _CALLED.get(callee) if len(args) == 1 else None
    if name is None or name in normalizer.locals or normalizer.source.resolve(name) is not getattr(builtins, name):
        return None
    return normalizer.expr(gast.copy_location(gast.Call(func=S.name(name), args=list(args), keywords=[]), node))


def _sum_of_display(normalizer, node):
    """``sum([a, b], s)`` of a list or tuple display holding an object of a followed class
    as the additions it runs: ``s + a + b`` (``0 + a + b`` without a start)."""
    args = list(node.args)
    start = args[1] if len(args) == 2 else next((k.value for k in node.keywords if k.arg == "start"), None)
    if len(args) + len(node.keywords) not in (1, 2) or len(args) == 2 and node.keywords \
            or any(k.arg != "start" for k in node.keywords):
        return None
    items = args[0] if args else None
    if not isinstance(items, (gast.List, gast.Tuple)) or any(isinstance(e, gast.Starred) for e in items.elts) \
            or not any(normalizer._object_class(e) is not None for e in items.elts):
        return None
    total = start if start is not None else gast.Constant(value=0, kind=None)
    for item in items.elts:
        total = gast.BinOp(left=total, op=gast.Add(), right=item)
    return normalizer.expr(gast.copy_location(total, node))


def contains_call(normalizer, node):
    """``operator.contains(a, b)`` with an object of a followed class as ``a``: ``b in a``,
    which runs ``a``'s ``__contains__`` (hooked_reads.py refuses one that may write), where
    neither argument calls anything (``in`` evaluates ``b`` first)."""
    args = node.args
    if len(args) != 2 or node.keywords or normalizer._object_class(args[0]) is None \
            or any(isinstance(n, (gast.Call, gast.Starred)) for a in args for n in gast.walk(a)):
        return None
    test = gast.Compare(left=args[1], ops=[gast.In()], comparators=[args[0]])
    return normalizer.expr(gast.copy_location(test, node))
