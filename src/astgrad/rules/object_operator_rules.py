"""Rules for operators on values whose class astgrad did not know when it generated the
code (object_operators.py): the derivative of the method Python ran, found when the code
runs. Those derivatives are not differentiated again: a second order is refused at the
line, with what to write instead (the reason is written out in each template, which is
read as source)."""

from ..object_operators import object_operator, object_unary, operator_adjoint, operator_tangent
from .registry import adjoint, d, tangent, unsupported


@adjoint(object_operator)
def object_operator_(y, symbol, a, b, where):
    d[a] = operator_adjoint(d[y], symbol, a, b, where, 0)
    d[b] = operator_adjoint(d[y], symbol, a, b, where, 1)


@tangent(object_operator)
def object_operator_(y, symbol, a, b, where):
    d[y] = operator_tangent(d[a], symbol, a, b, where, 0)
    d[y] = operator_tangent(d[b], symbol, a, b, where, 1)


@adjoint(object_unary)
def object_unary_(y, symbol, a, where):
    d[a] = operator_adjoint(d[y], symbol, a, None, where, 0)


@tangent(object_unary)
def object_unary_(y, symbol, a, where):
    d[y] = operator_tangent(d[a], symbol, a, None, where, 0)


@adjoint(operator_adjoint)
@adjoint(operator_tangent)
def operator_derivative_(y, g, symbol, a, b, where, position):
    d[g] = unsupported(d[y], "an operator on a value whose class astgrad did not know when it generated the code, whose derivative runs the method Python ran, found when the code runs, which astgrad does not differentiate again; bind the object to a name of its own, built in the function (v = Vec(a, b)), or call the method through its class (Vec.__add__(v, w)), which astgrad follows to second order, or differentiate once (grad, jvp, vjp)")
    d[a] = unsupported(d[y], "an operator on a value whose class astgrad did not know when it generated the code, whose derivative runs the method Python ran, found when the code runs, which astgrad does not differentiate again; bind the object to a name of its own, built in the function (v = Vec(a, b)), or call the method through its class (Vec.__add__(v, w)), which astgrad follows to second order, or differentiate once (grad, jvp, vjp)")
    d[b] = unsupported(d[y], "an operator on a value whose class astgrad did not know when it generated the code, whose derivative runs the method Python ran, found when the code runs, which astgrad does not differentiate again; bind the object to a name of its own, built in the function (v = Vec(a, b)), or call the method through its class (Vec.__add__(v, w)), which astgrad follows to second order, or differentiate once (grad, jvp, vjp)")


@tangent(operator_adjoint)
@tangent(operator_tangent)
def operator_derivative_(y, g, symbol, a, b, where, position):
    d[y] = unsupported(d[g], "an operator on a value whose class astgrad did not know when it generated the code, whose derivative runs the method Python ran, found when the code runs, which astgrad does not differentiate again; bind the object to a name of its own, built in the function (v = Vec(a, b)), or call the method through its class (Vec.__add__(v, w)), which astgrad follows to second order, or differentiate once (grad, jvp, vjp)")
    d[y] = unsupported(d[a], "an operator on a value whose class astgrad did not know when it generated the code, whose derivative runs the method Python ran, found when the code runs, which astgrad does not differentiate again; bind the object to a name of its own, built in the function (v = Vec(a, b)), or call the method through its class (Vec.__add__(v, w)), which astgrad follows to second order, or differentiate once (grad, jvp, vjp)")
    d[y] = unsupported(d[b], "an operator on a value whose class astgrad did not know when it generated the code, whose derivative runs the method Python ran, found when the code runs, which astgrad does not differentiate again; bind the object to a name of its own, built in the function (v = Vec(a, b)), or call the method through its class (Vec.__add__(v, w)), which astgrad follows to second order, or differentiate once (grad, jvp, vjp)")
