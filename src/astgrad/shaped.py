"""Transforms of a function with ``*args`` or ``**kwargs`` parameters.

``grad(f)`` for ``def f(*xs)`` cannot be generated before ``f`` is called: how many
arguments ``xs`` gathers is known only then. A ``PerCallShape`` transform takes the
shape of each call (the number of positional arguments, the keyword names), makes ``f``
for that shape (``frontend/varargs.py``: one parameter per argument) and applies the
transform to it, once per shape. ``wrt`` indexes the positional arguments as they are
passed; a keyword that ``**kwargs`` gathers is named by its keyword.
"""

import inspect
import threading

from .core.functions import StandIn
from .frontend.varargs import call_shape, has_varargs, specialize
from .tracebacks import public


def takes_varargs(f):
    """Whether ``f`` is a plain function with ``*args``/``**kwargs``, or a transform of one."""
    return isinstance(f, PerCallShape) or (inspect.isfunction(f) and has_varargs(f)
                                            and getattr(f, "__astgrad_specializes__", None) is None)


def shaped(f, make, trailing=0):
    """The transform ``make(target, spec)`` of ``f`` per call shape: ``spec`` is the user's
    function made for the shape and ``target`` what to transform (``spec``, or for a
    transform of a transform, the inner transform of ``spec``). ``trailing`` arguments
    at the end of a call are not ``f``'s (``hvp``'s ``v``)."""
    if isinstance(f, PerCallShape):
        inner = f.transform_for
        return PerCallShape(f.function, lambda spec: make(inner(spec), spec), trailing)
    return PerCallShape(f, lambda spec: make(spec, spec), trailing)


def spec_wrt(spec, wrt):
    """``wrt`` as the made function's parameters: a keyword ``**kwargs`` gathered is the
    parameter holding it."""
    names = spec.__astgrad_keyword_names__
    if isinstance(wrt, str):
        _refuse_unknown_name(spec, wrt)
        return names.get(wrt, wrt)
    if isinstance(wrt, tuple):
        return tuple(spec_wrt(spec, item) for item in wrt)
    positional = spec.__code__.co_argcount
    if isinstance(wrt, int) and not isinstance(wrt, bool) and not -positional <= wrt < positional:
        raise TypeError(f"{spec.__name__}() was called with {positional} positional argument(s), so "
                        f"there is no argument {wrt} to differentiate with respect to (wrt counts the "
                        "positional arguments as they are passed)")
    return wrt


def _refuse_unknown_name(spec, wrt):
    """A ValueError in the user's words for a ``wrt`` name the made function has no
    parameter for (its names for the gathered arguments, ``args_0``, ``kwargs_a``, are
    astgrad's): the ``*args`` or ``**kwargs`` parameter itself, or a keyword not given."""
    root = wrt.replace("[", ".").split(".")[0]
    keywords = spec.__astgrad_keyword_names__
    if root in keywords or root in inspect.signature(spec).parameters:
        return
    original = spec.__astgrad_specializes__[0]
    parameters = inspect.signature(original).parameters.values()
    gathered = {p.name: p.kind for p in parameters if p.kind in (p.VAR_POSITIONAL, p.VAR_KEYWORD)}
    name = original.__qualname__
    if gathered.get(root) is inspect.Parameter.VAR_POSITIONAL:
        raise ValueError(f"wrt={wrt!r} names {name}'s *{root}, which gathers the arguments passed after "
                         f"the others: name one of them by its position in the call (wrt=0, wrt=1, ...)")
    if gathered.get(root) is inspect.Parameter.VAR_KEYWORD:
        raise ValueError(f"wrt={wrt!r} names {name}'s **{root}, which gathers the keywords passed: name one "
                         f"of them by its keyword ({', '.join(repr(k) for k in keywords) or 'wrt=...'})")
    named = [p.name for p in parameters if p.name not in gathered]
    raise ValueError(f"wrt={wrt!r}: {name} has no parameter named {root!r}, and this call passes no keyword "
                     f"{root!r}; wrt names one of its parameters {named}, a keyword the call passes "
                     f"{list(keywords)}, or an argument by its position")


def spec_for(f, args, kwargs=None):
    """(what to transform for this call, the keywords renamed for it): for a plain function
    the made function; for a ``PerCallShape`` its transform for that shape."""
    kwargs = kwargs or {}
    if isinstance(f, PerCallShape):
        return f.for_call(args, kwargs)
    spec = specialize(f, *call_shape(f, len(args), list(kwargs)))
    return spec, _renamed(spec, kwargs)


def _renamed(spec, kwargs):
    names = spec.__astgrad_keyword_names__
    return {names.get(k, k): v for k, v in kwargs.items()}


class PerCallShape(StandIn):
    """A transform of ``function`` (which has ``*args``/``**kwargs``), made per call shape."""

    def __init__(self, function, make, trailing=0):
        self.function = function
        self._make = make
        self._trailing = trailing
        self._made = {}
        self._lock = threading.Lock()
        self.__name__ = getattr(function, "__name__", "f")

    def transform_for(self, spec):
        """This transform of ``spec``, the function made for one shape (made once)."""
        with self._lock:
            made = self._made.get(spec)
        if made is None:
            made = self._make(spec)
            with self._lock:
                made = self._made.setdefault(spec, made)
        return made

    def for_call(self, args, kwargs):
        positional = len(args) - self._trailing
        spec = specialize(self.function, *call_shape(self.function, positional, list(kwargs)))
        return self.transform_for(spec), _renamed(spec, kwargs)

    @public
    def __call__(self, *args, **kwargs):
        made, kwargs = self.for_call(args, kwargs)
        return made(*args, **kwargs)

    def public_signature(self):
        return inspect.signature(self.function)

    def __repr__(self):
        return f"<astgrad transform of {self.function.__qualname__}, made for each call's arguments>"

    def __copy__(self):
        return self

    def __deepcopy__(self, memo):
        return self
