"""``math``'s functions given an object of a user class the code follows: Python converts
the object with its own ``__float__`` (``__index__`` where it has none), so ``math.sqrt(v)``
is ``math.sqrt(float(v))``, and ``float(v)`` is then followed as protocol_methods.py
follows it (the method's call, its derivative, a write it makes). Read as the function's
rule on the object instead, the derivative was handed to the object as if it were a
number (an IndexError or a TypeError from the derivative's code) and a ``__float__``
writing into an array ran unseen. ``math.fsum`` of a display converts each item the same
way; ``floor``, ``ceil`` and ``trunc`` run their own hooks (hooked_reads.py); any other
of ``math``'s functions given such an object is refused."""

import builtins
import math

import gast

from ...core import syntax as S

# the functions converting each argument with float() (math.isclose's tolerances too)
_OF_FLOATS = frozenset(getattr(math, name) for name in (
    "sqrt", "cbrt", "exp", "exp2", "expm1", "log", "log2", "log10", "log1p", "sin", "cos", "tan", "asin",
    "acos", "atan", "atan2", "sinh", "cosh", "tanh", "asinh", "acosh", "atanh", "pow", "fabs", "isclose",
    "isfinite", "isinf", "isnan", "erf", "erfc", "gamma", "lgamma", "degrees", "radians", "copysign", "fmod",
    "remainder", "hypot", "nextafter", "ulp", "frexp", "modf") if hasattr(math, name))
_OWN_HOOKS = (math.floor, math.ceil, math.trunc)


def math_of_objects(normalizer, node, callee):
    """``node`` (a call of ``callee``, a function of ``math``) with each argument that is
    an object of a followed class converted by ``float()`` first; None where none is."""
    if callee in _OWN_HOOKS or any(isinstance(a, gast.Starred) for a in node.args):
        return None
    values = node.args + [k.value for k in node.keywords]
    items = [e for v in values if isinstance(v, (gast.List, gast.Tuple)) for e in v.elts]
    if not any(normalizer._object_class(v) is not None for v in values + items):
        return None
    if "float" in normalizer.locals or normalizer.source.resolve("float") is not builtins.float:
        raise normalizer._refuse(f"math.{callee.__name__}() of an object of a class of yours, where float names "
                                 "something else", node, "hand it the number or the array you mean")
    held = any(normalizer._object_class(e) is not None for e in items)
    if callee is math.fsum and len(node.args) == 1 and items and not any(isinstance(e, gast.Starred) for e in items):
        display = type(node.args[0])(elts=[_float_of(normalizer, e) for e in items], ctx=gast.Load())
        call = gast.Call(func=node.func, args=[display], keywords=node.keywords)
    elif callee in _OF_FLOATS and not held:
        call = gast.Call(func=node.func, args=[_float_of(normalizer, a) for a in node.args],
                         keywords=[gast.keyword(arg=k.arg, value=_float_of(normalizer, k.value)) for k in node.keywords])
    else:
        cls = next(normalizer._object_class(v) for v in values + items if normalizer._object_class(v) is not None)
        raise normalizer._refuse(f"math.{callee.__name__}() of a {cls.__name__}, an object of a class of yours",
                                 node, "hand it the number or the array you mean (float(v), v.d)")
    return normalizer.expr(gast.copy_location(call, node))


def _float_of(normalizer, value):
    """``float(value)`` where ``value`` is an object of a followed class; else ``value``."""
    if normalizer._object_class(value) is None:
        return value
    return gast.copy_location(gast.Call(func=S.name("float"), args=[value], keywords=[]), value)
