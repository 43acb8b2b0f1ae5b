"""Transforms of a function that is given functions as arguments.

``grad(apply, wrt=1)`` for ``def apply(f, x): return f(x)`` cannot be generated before
``f`` is known. At each call, the arguments that are functions (or lists, tuples and
dicts of functions) are looked up: the transform is made, once, for ``apply`` made for
those values (frontend/function_args.py), and that transform is called. Passing another
function uses another made function, so the result is always the one for the function
given. A function argument carries no derivative: its gradient (or tangent) is None.

Where a derivative cannot be generated before the function values are known (the
normalizer raises FunctionValueUnknown), the transform waits for its first call instead
of refusing at ``grad(...)``; called without function values, it raises that error then.
"""

import threading
import weakref
from collections import OrderedDict

from .core.functions import underlying
from .errors import FunctionValueUnknown
from .frontend.function_args import KEPT, given_functions, identity, specialize

__all__ = ["given_functions", "specialized", "made_for", "current_or_deferred"]

_made = weakref.WeakKeyDictionary()     # transform -> OrderedDict(key -> transform made for it)
_lock = threading.Lock()


def specialized(f, given):
    """``f`` made for the function values ``given`` ({parameter name: value}): a plain
    function is made anew (frontend/function_args.py), an astgrad transform (a gradient,
    a decorated function) remakes itself through its ``for_functions`` method; None where
    neither applies (a bound method), which leaves ``f`` as it is."""
    remake = getattr(f, "for_functions", None)
    if remake is not None:
        return remake(given)
    fn = underlying(f)
    if getattr(fn, "__code__", None) is None or getattr(fn, "__self__", None) is not None:
        return None
    return specialize(fn, given)


def made_for(transform, given, make):
    """``make()`` (the transform of ``transform``'s function made for ``given``), made
    once per set of function values and kept with ``transform`` (the most recent few)."""
    key = tuple((name, identity(value)) for name, value in sorted(given.items()))
    with _lock:
        entries = _made.get(transform)
        made = entries.get(key) if entries is not None else None
    if made is not None:
        return made
    made = make()
    with _lock:
        entries = _made.setdefault(transform, OrderedDict())
        made = entries.setdefault(key, made)
        while len(entries) > KEPT:
            entries.popitem(last=False)
    return made


def current_or_deferred(make):
    """(``make()``, True), or, when generating needs function values not given yet,
    (a callable making it when called, False): called without function values, it
    raises the refusal then."""
    try:
        return make(), True
    except FunctionValueUnknown:
        return (lambda: make()()), False
