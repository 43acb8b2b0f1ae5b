"""``order="A"`` of a reshape, a ravel or a flatten, given the order it stands for where
the code runs: ``numpy.reshape(y.T, -1, order="A")`` becomes

    numpy.reshape(y.T, -1, order=any_order(y.T))

``"A"`` reads the array in Fortran order where it is laid out in Fortran order alone (a
transposed C array), in C order otherwise. A derivative reshapes derivatives, which are
laid out as they happen to be, not as the array was: given ``"A"`` it would read them in
another order than the function read the array (a wrong derivative). ``any_order``
(runtime.py) names the order from the array itself, so the derivatives are read in that
order, and a write into the reshape is followed as one in that order (views.py). The
array expression is read twice, so it must be one that calls nothing (``y``, ``y.T``,
``y[:, k + 1:]``, ``self.a``); ``order="A"`` of a value a call computes is refused, with the
advice to bind it to a name first.

``order="K"`` of a ravel or a flatten reads the array in the order its axes lie in memory,
longest step first: ``y.ravel(order="K")`` becomes ``y.ravel(order=memory_order(y, place))``,
``"C"`` or ``"F"`` as the array is laid out (``"K"`` itself for an object of the user's
whose method is called), the order the derivative reads its derivatives in; an array of
three or more axes laid out in neither order is refused when the code runs.
"""

import gast
import numpy

from ... import runtime
from ...core import syntax as S

_METHODS = ("reshape", "ravel", "flatten")
_ORDER_POSITIONS = {numpy.reshape: 2, numpy.ravel: 1}      # order given by position
_ADVICE = {"A": 'numpy.reshape(a, shape, order="A")', "K": 'numpy.ravel(a, order="K")'}
_READS_NAMES = (gast.Name, gast.Attribute, gast.Subscript, gast.Constant, gast.Slice, gast.Tuple, gast.UnaryOp,
                gast.BinOp, gast.expr_context, gast.operator, gast.unaryop)


def rewrite_any_orders(normalizer, nodes):
    """Give each ``order="A"`` among ``nodes`` of a reshape, ravel or flatten, and each
    ``order="K"`` of a ravel or flatten, the order it stands for (see the module doc);
    whether any was."""
    changed = False
    for node in nodes:
        for letter in ("A", "K"):
            found = _any_order(normalizer, node, letter) if type(node) is gast.Call else None
            if found is None:
                continue
            array, put = found
            if not all(isinstance(part, _READS_NAMES) for part in S.walk_nodes(array)):
                raise normalizer.source.error(
                    f'astgrad cannot differentiate order="{letter}" of a value this line computes: "{letter}" '
                    "stands for the order the array is laid out in, which astgrad reads from the array itself, "
                    f"a second time. Bind the array to a name first (a = ...; {_ADVICE[letter]})",
                    node, construct=f'order="{letter}"')
            put(normalizer.runtime_call(runtime.any_order, [S.copy(array)]) if letter == "A" else
                normalizer.runtime_call(runtime.memory_order, [S.copy(array), S.const(normalizer.source.place(node))]))
            changed = True
    return changed


def _any_order(normalizer, call, letter):
    """(the array read, a function putting another order in place of ``letter``) where
    ``call`` is a reshape, ravel or flatten given ``order="A"`` (``letter``), or a ravel or
    flatten given ``order="K"`` (by keyword or by position); None otherwise."""
    if letter == "K" and (getattr(call.func, "attr", None) == "reshape"
                          or normalizer.resolve_call(call) is numpy.reshape):
        return None         # (NumPy refuses order="K" of a reshape itself)
    for k, keyword in enumerate(call.keywords):
        if keyword.arg == "order" and _is_letter(keyword.value, letter):
            array = _array_read(normalizer, call)
            return None if array is None else (array, lambda order: setattr(call.keywords[k], "value", order))
    target = normalizer.resolve_call(call)
    position = _ORDER_POSITIONS.get(target) if target in _ORDER_POSITIONS else \
        0 if isinstance(call.func, gast.Attribute) and call.func.attr in ("ravel", "flatten") else None
    if position is None or len(call.args) <= position or not _is_letter(call.args[position], letter):
        return None
    array = _array_read(normalizer, call)
    return None if array is None else (array, lambda order: call.args.__setitem__(position, order))


def _is_letter(node, letter):
    return isinstance(node, gast.Constant) and node.value == letter


def _array_read(normalizer, call):
    """The array a reshape, ravel or flatten ``call`` reads: ``numpy.reshape``'s and
    ``numpy.ravel``'s first argument, a method's receiver; None for another call."""
    target = normalizer.resolve_call(call)
    if target in _ORDER_POSITIONS:
        return call.args[0] if call.args else next((k.value for k in call.keywords if k.arg == "a"), None)
    if isinstance(call.func, gast.Attribute) and call.func.attr in _METHODS \
            and (target is None or getattr(target, "__self__", None) is not None):
        return call.func.value      # an array's method (or another object's, which "A" is left to)
    return None
