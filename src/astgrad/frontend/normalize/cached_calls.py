"""Calls of a helper decorated with ``functools.lru_cache`` or ``functools.cache``.

The cache only answers a call it has seen with the result it stored. For a pure helper
that result is what the helper computes again, so the derivative follows the function
the cache wraps (``__wrapped__``). A helper whose result changes from call to call (it
draws random numbers, or calls a method astgrad cannot follow: analysis/purity.py) or
that reads a global it writes, or a global value the program may rebind or change
(anything but a module, a function or a class: the cache would not see the change),
would give the derivative of other values than the cached ones: that is refused.
"""

import functools
import inspect

from ...core.ops import is_user_function
from ...errors import TransformError

_ADVICE = ("make the helper pure (no random numbers, no state it changes), or call the "
           "undecorated function in the differentiated code")


def is_cached_helper(obj):
    """Whether ``obj`` is a function wrapped by ``functools.lru_cache``/``functools.cache``."""
    return isinstance(obj, functools._lru_cache_wrapper) \
        and is_user_function(getattr(obj, "__wrapped__", None))


def uncached(normalizer, obj, node):
    """The pure user function a cached helper ``obj`` wraps; refused when the cache may
    change the value the call gives."""
    from ...analysis.purity import first_impure_call
    helper = obj.__wrapped__
    name = getattr(helper, "__qualname__", "helper")
    code = getattr(helper, "__code__", None)
    if code is None or normalizer.callees is None:
        raise normalizer._refuse(f"a call of the cached helper {name}", node, _ADVICE)
    if _declares_outer_names(helper):
        raise normalizer._refuse(f"a call of the cached helper {name}, which writes a "
                                 "global or nonlocal name (the cache keeps stale results)",
                                 node, _ADVICE)
    state = _state_read(helper)
    if state is not None:
        raise normalizer._refuse(f"a call of the cached helper {name}, which reads {state}: the "
                                 "cache would keep results computed with an earlier value", node, _ADVICE)
    try:
        impure = first_impure_call(helper, normalizer.callees.read)
    except (TransformError, TypeError, OSError):
        impure = None
    if impure is not None:
        raise normalizer._refuse(f"a call of the cached helper {name}, whose result changes "
                                 f"from call to call ({impure.what}, at {impure.where()}): "
                                 "the cache returns the first result", node, _ADVICE)
    return helper


def hashed_arguments(normalizer, node):
    """``node`` (a call of a cached helper) with its arguments evaluated first, into atoms,
    and a check that the cache can hash them, as ``lru_cache`` does before it calls the
    helper: with an array, Python raises ``TypeError: unhashable type``, and so does the
    derivative."""
    import gast
    from ... import runtime
    if any(isinstance(arg, gast.Starred) for arg in node.args) or any(kw.arg is None for kw in node.keywords):
        return node
    args = [normalizer.atom(arg) for arg in node.args]
    keywords = [gast.keyword(arg=kw.arg, value=normalizer.atom(kw.value)) for kw in node.keywords]
    normalizer.emit(gast.Expr(value=normalizer.runtime_call(
        runtime.hashable_arguments, args + [kw.value for kw in keywords])))
    return gast.Call(func=node.func, args=args, keywords=keywords)


def _declares_outer_names(fn):
    import gast
    from ..source import parse_function
    try:
        tree = parse_function(fn).tree
    except (TransformError, OSError, TypeError):
        return False
    return any(isinstance(node, (gast.Global, gast.Nonlocal)) for node in gast.walk(tree))


def _state_read(fn):
    """What ``fn`` reads that the program may rebind or change (a global holding a value,
    a closure variable), described; None when it reads only modules, functions and classes."""
    if fn.__code__.co_freevars:
        return f"the closure variable '{fn.__code__.co_freevars[0]}'"
    for name in fn.__code__.co_names:
        value = fn.__globals__.get(name, inspect)
        if not (inspect.ismodule(value) or inspect.isroutine(value) or inspect.isclass(value)
                or isinstance(value, functools._lru_cache_wrapper)):
            return f"the global '{name}'"
    return None
