"""Rules for operators on values whose class astgrad did not know when it generated the
code (object_operators.py): the derivative of the method Python ran, found when the code
runs. The reverse derivative is differentiated again by differentiating that generated
derivative (a second order from the gradient); the forward one, and a third order, are
refused at the line, with what to write instead (the reason is written out in each
template, which is read as source)."""

from ..object_operators import adjoint_adjoint, adjoint_tangent, check_right_operand, object_operator, object_unary, \
    operator_adjoint, operator_tangent
from .registry import adjoint, d, non_differentiable, tangent, unsupported

non_differentiable(check_right_operand)


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


# Second order: the derivative of the method Python ran, differentiated again (the seed of
# the first derivative is one of its inputs).
@adjoint(operator_adjoint)
def operator_adjoint_(y, seed, symbol, a, b, where, position):
    d[seed] = adjoint_adjoint(d[y], seed, symbol, a, b, where, position, "seed")
    d[a] = adjoint_adjoint(d[y], seed, symbol, a, b, where, position, 0)
    d[b] = adjoint_adjoint(d[y], seed, symbol, a, b, where, position, 1)


@tangent(operator_adjoint)
def operator_adjoint_(y, seed, symbol, a, b, where, position):
    d[y] = adjoint_tangent(d[seed], seed, symbol, a, b, where, position, "seed")
    d[y] = adjoint_tangent(d[a], seed, symbol, a, b, where, position, 0)
    d[y] = adjoint_tangent(d[b], seed, symbol, a, b, where, position, 1)


# Why the derivatives below are refused (a rule names a string of its module as its reason).
_JVP_AGAIN = ("an operator on a value whose class astgrad did not know when it generated the code, whose "
              "forward derivative (jvp) runs the method Python ran, found when the code runs, which astgrad "
              "does not differentiate again; take the second order from the gradient (hessian, jvp of grad, "
              "grad of grad), bind the object to a name of its own, built in the function (v = Vec(a, b)), or "
              "call the method through its class (Vec.__add__(v, w))")
_THIRD_ORDER = ("an operator on a value whose class astgrad did not know when it generated the code, whose "
                "second derivative runs the method Python ran, found when the code runs, which astgrad does "
                "not differentiate a third time; bind the object to a name of its own, built in the function "
                "(v = Vec(a, b)), or call the method through its class (Vec.__add__(v, w)), or differentiate "
                "twice at most")


@adjoint(operator_tangent)
def operator_tangent_(y, g, symbol, a, b, where, position):
    d[g] = unsupported(d[y], _JVP_AGAIN)
    d[a] = unsupported(d[y], _JVP_AGAIN)
    d[b] = unsupported(d[y], _JVP_AGAIN)


@tangent(operator_tangent)
def operator_tangent_(y, g, symbol, a, b, where, position):
    d[y] = unsupported(d[g], _JVP_AGAIN)
    d[y] = unsupported(d[a], _JVP_AGAIN)
    d[y] = unsupported(d[b], _JVP_AGAIN)


@adjoint(adjoint_adjoint)
@adjoint(adjoint_tangent)
def operator_second_(y, h, seed, symbol, a, b, where, position, of):
    d[h] = unsupported(d[y], _THIRD_ORDER)
    d[seed] = unsupported(d[y], _THIRD_ORDER)
    d[a] = unsupported(d[y], _THIRD_ORDER)
    d[b] = unsupported(d[y], _THIRD_ORDER)


@tangent(adjoint_adjoint)
@tangent(adjoint_tangent)
def operator_second_(y, h, seed, symbol, a, b, where, position, of):
    d[y] = unsupported(d[h], _THIRD_ORDER)
    d[y] = unsupported(d[seed], _THIRD_ORDER)
    d[y] = unsupported(d[a], _THIRD_ORDER)
    d[y] = unsupported(d[b], _THIRD_ORDER)
