"""Arithmetic operators and comparisons on values whose class astgrad did not know when
it generated the code (an object read from a dict, one a helper kept as a call returns, a
list mixing objects and numbers): the generated code calls ``object_operator`` (or
``object_unary``) there, one call per operator, which gives what Python's operator gives.
A comparison that gave a bool chose a branch: its derivatives are zero, whatever method
gave it (``==`` and ``!=`` of objects whose classes define neither compare identities).

Its derivatives find, when they run, the method Python ran, by Python's rules: the left
operand's method, else the right operand's reflected one (first where the right operand's
class is a strict subclass of the left one's overriding it), a method returning
NotImplemented giving way to the next (each method tried is run again to see whether it
does: which one gave the value depends on the values). A method of the user's is
differentiated as any callee is (the derivative astgrad generates for it, cached); where a
built-in method of a number or an array ran, the derivative is the ordinary one, of the
functions below. A built-in method running on an object of the user's (an array's ``*``
on an object) is refused when it runs, naming the line."""

import numbers
import operator
import types

import numpy

from .duck import is_duck_array
from .runtime import AdjointDict, AdjointList, zeros_like
from .hooked_items import _plain as plain_types
from .value_hooks import check_value_hooks

_BINARY = {"+": ("__add__", "__radd__"), "-": ("__sub__", "__rsub__"), "*": ("__mul__", "__rmul__"),
           "/": ("__truediv__", "__rtruediv__"), "@": ("__matmul__", "__rmatmul__"),
           "**": ("__pow__", "__rpow__"), "%": ("__mod__", "__rmod__"), "//": ("__floordiv__", "__rfloordiv__")}
# Comparisons: the left operand's method and the right operand's reflected one; Python tries
# the reflected one first for a right operand of any strict subclass, and for one of the
# same class too where the first gives way.
_COMPARISON = {"<": ("__lt__", "__gt__"), "<=": ("__le__", "__ge__"), ">": ("__gt__", "__lt__"),
               ">=": ("__ge__", "__le__"), "==": ("__eq__", "__eq__"), "!=": ("__ne__", "__ne__")}
_HOLDING = (list, tuple, dict, set, frozenset)     # containers whose comparison compares their items
_UNARY = {"neg": "__neg__", "abs": "__abs__", "float": "__float__"}     # -v, abs(v), float(v): b is None


class _Engine:
    """How the derivatives reach the engine, which sits above the runtime: caching.py sets
    ``derive`` (``Callees.derive``) when it is imported."""
    derive = None


ENGINE = _Engine()


# The derivatives of numbers and arrays: the engine differentiates these as it does the
# operator written in the user's code.
def plain_add(a, b):
    return a + b


def plain_sub(a, b):
    return a - b


def plain_mul(a, b):
    return a * b


def plain_truediv(a, b):
    return a / b


def plain_matmul(a, b):
    return a @ b


def plain_pow(a, b):
    return a ** b


def plain_mod(a, b):
    return a % b


def plain_floordiv(a, b):
    return a // b


def plain_neg(a):
    return -a


def plain_abs(a):
    return abs(a)


def plain_float(a):
    return float(a)


_PLAIN = {"+": plain_add, "-": plain_sub, "*": plain_mul, "/": plain_truediv, "@": plain_matmul,
          "**": plain_pow, "%": plain_mod, "//": plain_floordiv,
          "neg": plain_neg, "abs": plain_abs, "float": plain_float}


def object_operator(symbol, a, b, where):
    """``a symbol b``, as Python computes it (``where``: the user's line, for the derivatives).
    A comparison of tuples, lists, dicts or sets first stops where it would run a hook of
    the items that may change something in place (their ``__eq__``, then the order's
    method), before that hook runs: its derivative is zero, so what the hook wrote would go
    unseen (value_hooks.py; a type look-up for numbers)."""
    if symbol in _COMPARISON and not (type(a) in plain_types and type(b) in plain_types):
        _check_compared(symbol, a, b, where)
    return _RUN[symbol](a, b)


def _check_compared(symbol, a, b, where):
    """Stop before ``a symbol b`` runs a hook of the user's that may write. Two lists (or
    two tuples) compare their items pairwise, an item meeting itself running no hook (Python
    tests identity first): only the pairs of distinct items are looked at. Two objects are
    not checked here: the method Python runs is differentiated where it gives a number (below)."""
    if type(a) is type(b) and type(a) in (list, tuple):
        if plain_types.issuperset(map(type, a)) and plain_types.issuperset(map(type, b)):
            return          # (tuples of numbers: one pass over the items' types, in C)
        met = [item for pair in zip(a, b) if pair[0] is not pair[1] for item in pair]
        if met:
            check_value_hooks(met, symbol, where)
        return
    if isinstance(a, _HOLDING) or isinstance(b, _HOLDING):     # (their items compared: value_hooks.py)
        check_value_hooks(a, symbol, where)
        check_value_hooks(b, symbol, where)


def object_unary(symbol, a, where):
    """``-a`` (``symbol`` "neg"), ``abs(a)`` or ``float(a)``, as Python computes it; its
    derivatives are those of ``object_operator`` with no right operand."""
    return -a if symbol == "neg" else abs(a) if symbol == "abs" else float(a)


_RUN = {"+": operator.add, "-": operator.sub, "*": operator.mul, "/": operator.truediv, "@": operator.matmul,
        "**": operator.pow, "%": operator.mod, "//": operator.floordiv,
        "<": operator.lt, "<=": operator.le, ">": operator.gt, ">=": operator.ge, "==": operator.eq, "!=": operator.ne}


def operator_adjoint(seed, symbol, a, b, where, position):
    """The derivative of ``object_operator(symbol, a, b, where)`` (or of ``object_unary``, b
    None) with respect to operand ``position`` (0 for ``a``, 1 for ``b``) in reverse mode,
    ``seed`` that of the result."""
    if _adds_derivatives(symbol, a, b):
        return seed
    if _branch_choice(symbol, a, b):
        return zeros_like(b if position else a)
    derivative, args, _ = _first_derivative(symbol, a, b, where, position)
    return derivative(*args, **{_keywords(derivative)[0]: seed})


def operator_tangent(tangent, symbol, a, b, where, position):
    """The tangent of ``object_operator(symbol, a, b, where)`` (or of ``object_unary``)
    coming from that of operand ``position`` (the terms of both operands add)."""
    if _adds_derivatives(symbol, a, b):
        return tangent
    if _branch_choice(symbol, a, b):
        return zeros_like(_RUN[symbol](a, b))
    function, args, index = _chosen(symbol, _operands(symbol, a, b), where, position)
    derivative = ENGINE.derive(function, "forward", (index,))
    return derivative(*args, **{_keywords(derivative)[0]: tangent})[1]


def adjoint_adjoint(cotangent, seed, symbol, a, b, where, position, of):
    """The derivative of ``operator_adjoint(seed, symbol, a, b, where, position)`` with
    respect to ``of`` (0 for ``a``, 1 for ``b``, "seed") in reverse mode, ``cotangent``
    that of its result: the generated derivative of the method Python ran, differentiated
    again (grad of grad)."""
    if _adds_derivatives(symbol, a, b):     # the adjoint is the seed itself
        return cotangent if of == "seed" else zeros_like(b if of else a)
    if _branch_choice(symbol, a, b):
        return zeros_like(seed if of == "seed" else b if of else a)
    derivative, args, index = _first_derivative(symbol, a, b, where, position)
    again = ENGINE.derive(derivative, "reverse", (_parameter(args, index, position, of),))
    seed_name, cotangent_name = _keywords(again)
    return again(*args, **{seed_name: seed, cotangent_name: cotangent})


def adjoint_tangent(tangent, seed, symbol, a, b, where, position, of):
    """The tangent of ``operator_adjoint(seed, symbol, a, b, where, position)`` coming from
    that of ``of`` (0 for ``a``, 1 for ``b``, "seed"; the terms add): the generated
    derivative of the method Python ran, differentiated in forward mode (jvp of grad,
    hessian)."""
    if _adds_derivatives(symbol, a, b):     # the adjoint is the seed itself
        return tangent if of == "seed" else zeros_like(b if position else a)
    if _branch_choice(symbol, a, b):
        return zeros_like(b if position else a)
    derivative, args, index = _first_derivative(symbol, a, b, where, position)
    again = ENGINE.derive(derivative, "forward", (_parameter(args, index, position, of),))
    seed_name, tangent_name = _keywords(again)
    return again(*args, **{seed_name: seed, tangent_name: tangent})[1]


def _adds_derivatives(symbol, a, b):
    """Whether ``a + b`` adds derivatives of objects, lists or dicts (astgrad's own
    ``AdjointDict`` and ``AdjointList``, in the code of a first derivative: ``d_v = d_v +
    grad_V_mul(v, x, ...)``): a sum, linear in each operand, whose methods are not code of
    the user's to differentiate."""
    return symbol == "+" and (isinstance(a, (AdjointDict, AdjointList)) or isinstance(b, (AdjointDict, AdjointList)))


def _branch_choice(symbol, a, b):
    """Whether ``a symbol b`` is a comparison that gave a bool (or an array of them): a
    choice between branches, with no derivative, whatever method gave it."""
    if symbol not in _COMPARISON:
        return False
    value = _RUN[symbol](a, b)
    return isinstance(value, (bool, numpy.bool_)) or getattr(value, "dtype", None) == numpy.bool_


def _first_derivative(symbol, a, b, where, position):
    """(the reverse derivative ``operator_adjoint`` runs, the arguments of the method Python
    ran, the index among them of operand ``position``)."""
    function, args, index = _chosen(symbol, _operands(symbol, a, b), where, position)
    return ENGINE.derive(function, "reverse", (index,)), args, index


def _parameter(args, index, position, of):
    """The parameter of the first derivative holding ``of``: its seed follows the method's
    arguments; the operands are in their order, or swapped where a reflected method ran
    (operand ``position`` is at ``index``)."""
    if of == "seed":
        return len(args)
    return of if index == position else 1 - of


def check_right_operand(a, b, reflected, symbol, where):
    """Stop where ``a symbol b``, made as ``a``'s own method when the code was generated
    (``b``'s class not known then), would run ``b``'s reflected method first: ``b`` is an
    object of a subclass of ``a``'s class with a reflected method of its own."""
    if type(b) is not type(a) and issubclass(type(b), type(a)) \
            and getattr(type(b), reflected, None) is not getattr(type(a), reflected, None):
        raise TypeError(
            f"astgrad: {where}: {symbol} of a {type(a).__name__} and a {type(b).__name__} runs "
            f"{type(b).__name__}.{reflected}, a subclass's reflected method, which Python runs first; astgrad "
            f"made the code for {type(a).__name__}'s own method, not knowing the right operand's class when it "
            "generated the code; bind that object to a name of its own, built in the function, or call the "
            f"method you mean by its name (b.{reflected}(a))")


def _operands(symbol, a, b):
    return (a,) if symbol in _UNARY else (a, b)


def _keywords(derivative):
    """The keyword-only parameters of a generated derivative (its seed, or its tangents)."""
    keywords = getattr(derivative, "__astgrad_keywords__", None)
    if keywords is None:
        code = derivative.__code__
        keywords = code.co_varnames[code.co_argcount:code.co_argcount + code.co_kwonlyargcount]
    return keywords


def _chosen(symbol, operands, where, position):
    """(the function Python ran for the operator, the arguments it was given, the index
    among them of operand ``position``)."""
    if len(operands) == 1:
        candidates = [(operands[0], _UNARY[symbol], (), 0)]
    else:
        candidates = _comparison_candidates(*operands, symbol) if symbol in _COMPARISON \
            else _operator_candidates(*operands, symbol)
    for receiver, name, others, receiver_position in candidates:
        function = getattr(type(receiver), name, None)
        if function is None:
            continue
        if isinstance(function, types.FunctionType):
            if function(receiver, *others) is NotImplemented:
                continue                    # run again as Python ran it: whether it gave way
            args = (receiver,) + others
            return function, args, 0 if position == receiver_position else 1
        if symbol in _COMPARISON or any(_users_object(x) for x in operands):
            if function(receiver, *others) is NotImplemented:
                continue                    # a number's operator giving way to an object's
            _refuse_builtin(symbol, operands, receiver, where)
        if any(isinstance(x, (list, tuple)) for x in operands):
            _refuse_sequence_arithmetic(symbol, operands, where)
        return _PLAIN[symbol], operands, position
    raise TypeError(f"astgrad: {where}: no method of {' and '.join(type(x).__name__ for x in operands)} "
                    f"computes {symbol} (Python raises TypeError there too)")


def _refuse_sequence_arithmetic(symbol, operands, where):
    """``+`` or ``*`` of lists or tuples joins or repeats them, which the derivatives of
    numbers and arrays do not follow."""
    kinds = " and a ".join(type(x).__name__ for x in operands)
    raise TypeError(f"astgrad: {where}: {symbol} of a {kinds} joins or repeats them, which astgrad does not "
                    "differentiate where it did not know when it generated the code that the operands are "
                    "lists (a call's result, an item of a container). Bind each to a name as a list first "
                    "(xs = list(make(x)); ys = list(make(t)); s = xs + ys), build the list with append, or "
                    "use numpy.concatenate")


def _operator_candidates(a, b, symbol):
    """The methods Python tries for ``a symbol b``, an arithmetic operator, in its order."""
    method, reflected = _BINARY[symbol]
    candidates = [(a, method, (b,), 0), (b, reflected, (a,), 1)]
    if type(b) is not type(a) and issubclass(type(b), type(a)) \
            and getattr(type(b), reflected, None) is not getattr(type(a), reflected, None):
        candidates.reverse()            # a subclass's reflected method first, as Python does
    elif type(b) is type(a):
        candidates = candidates[:1]     # Python does not try the reflected method of the same class
    return candidates


def _comparison_candidates(a, b, symbol):
    """The methods Python tries for the comparison ``a symbol b``, in its order: the
    reflected one first for a right operand of a strict subclass (its own or inherited),
    and tried after the left one's gives way even for operands of the same class."""
    method, reflected = _COMPARISON[symbol]
    candidates = [(a, method, (b,), 0), (b, reflected, (a,), 1)]
    if type(b) is not type(a) and issubclass(type(b), type(a)):
        candidates.reverse()
    return candidates


def _users_object(value):
    """Not a number, an array or a built-in container, whose operators astgrad's ordinary
    rules differentiate."""
    return not isinstance(value, (numbers.Number, numpy.ndarray, numpy.generic, list, tuple, dict, str)) \
        and not is_duck_array(value)


def _refuse_builtin(symbol, operands, receiver, where):
    raise TypeError(
        f"astgrad: {where}: {symbol} of a {type(operands[0]).__name__}"
        + (f" and a {type(operands[1]).__name__}" if len(operands) > 1 else "")
        + f" runs the operator of the {type(receiver).__name__} on an object of your class, which "
        "astgrad does not follow; pass a Python number there (float(k)), or call the method you mean "
        "by its name")
