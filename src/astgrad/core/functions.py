"""Facts about the Python functions astgrad differentiates and the derivatives it
generates: the plain function behind a wrapper, parameter names, the output seed.

A leaf module: every stage may ask these questions without importing the stages above it.
"""

import inspect
import sys

import numpy


def module_of(obj):
    """The module ``obj`` says it belongs to (``__module__``). NumPy's ufuncs carry none
    before NumPy 2.1: theirs is the one of numpy and scipy.special that holds them."""
    module = getattr(obj, "__module__", None)
    if module is None and isinstance(obj, numpy.ufunc):
        for name in ("numpy", "scipy.special"):
            namespace = sys.modules.get(name)
            if namespace is not None and getattr(namespace, obj.__name__, None) is obj:
                return name
    return module


class StandIn:
    """Base of astgrad's objects that stand for a user function (a decorated function, a
    derivative). A transform of one takes the arguments of its ``public_signature()``."""

    def public_signature(self):
        raise NotImplementedError


def is_transform_object(obj):
    """An astgrad transform a call in differentiated code may run (a gradient, a
    function given to astgrad.differentiable, one made per call shape): not a plain function."""
    return isinstance(obj, StandIn) and (getattr(obj, "__astgrad_function__", None) is not None
                                         or made_per_call_shape(obj))


def made_per_call_shape(obj):
    """Whether ``obj`` is a transform of a function with ``*args``/``**kwargs``, made per call shape."""
    return isinstance(obj, StandIn) and callable(getattr(type(obj), "for_call", None))


def underlying(f):
    """The plain Python function behind a decorated function or a derivative."""
    inner = getattr(f, "__astgrad_function__", None)
    return f if inner is None else inner()


def user_freevars(fn):
    """The closure variables of ``fn`` that are the user's own, not cells astgrad bound:
    generated code says which (``__astgrad_user_freevars__``); a function astgrad rewrote
    (made for the function values it is given) has those of the function it rewrote."""
    specializes = getattr(fn, "__astgrad_specializes__", None)
    if specializes is not None:
        return user_freevars(underlying(specializes[0]))
    return getattr(fn, "__astgrad_user_freevars__", fn.__code__.co_freevars)


def pinned_globals(fn):
    """The user's global names generated code ``fn`` holds as closure cells, bound to the
    objects its guards check (``pipeline.pinned_names``): globals for its reader."""
    return getattr(fn, "__astgrad_pinned_globals__", ())


def parameter_names(fn):
    """The names of a plain function's parameters, without ``*args`` and ``**kwargs``."""
    code = fn.__code__
    return list(code.co_varnames[:code.co_argcount + code.co_kwonlyargcount])


def public_signature(f):
    """The signature a transform of ``f`` is called with: ``f``'s own. A derivative's is
    the signature of the function it differentiates (its output seed, a keyword-only
    parameter of the generated code, is not part of it)."""
    if isinstance(f, StandIn):
        return f.public_signature()
    return inspect.signature(underlying(f))


def public_parameter_names(f):
    """The names ``wrt`` may refer to: ``f``'s parameters, not counting ``*args``/``**kwargs``."""
    return [p.name for p in public_signature(f).parameters.values()
            if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]


def derivative_keywords(derivative):
    """The keyword-only parameters of a generated derivative (the gradient's output seed
    last, a jvp's input tangents); a derivative not generated yet (a recursive call of
    the one being generated) declares them."""
    declared = getattr(derivative, "__astgrad_keywords__", None)
    if declared is not None:
        return tuple(declared)
    code = derivative.__code__
    return code.co_varnames[code.co_argcount:code.co_argcount + code.co_kwonlyargcount]


def seed_parameter(gradient):
    """The name of a generated gradient's output seed: its last keyword-only parameter."""
    return derivative_keywords(gradient)[-1]


ITEMS_ROOT = object()   # root of a dependency (ITEMS_ROOT, name) -> (container, items_snapshot(container))
LAYOUT_ROOT = object()  # root of a dependency (LAYOUT_ROOT, name) -> (a global instance, its layout)


def items_snapshot(container):
    """The items of a list, tuple or dict as a tuple (a dict's as (key, value) pairs), for
    a guard that they are still the same objects."""
    return tuple(container.items()) if isinstance(container, dict) else tuple(container)


def same_items(container, snapshot):
    """Whether ``container`` holds the objects ``snapshot`` (items_snapshot) held, under
    the same keys."""
    try:
        now = items_snapshot(container)
    except Exception:
        return False
    if len(now) != len(snapshot):
        return False
    if isinstance(container, dict):
        return all(k == k0 and v is v0 for (k, v), (k0, v0) in zip(now, snapshot))
    return all(v is v0 for v, v0 in zip(now, snapshot))


def function_identity(fn):
    """What code made for the Python function ``fn`` depends on: its code, globals,
    closure cells and defaults (two lambdas made by the same line in the same scope
    compute the same thing)."""
    return ("function", fn.__code__, id(fn.__globals__), tuple(id(cell) for cell in fn.__closure__ or ()),
            tuple(id(d) for d in fn.__defaults__ or ()),
            tuple((k, id(v)) for k, v in (fn.__kwdefaults__ or {}).items()))
