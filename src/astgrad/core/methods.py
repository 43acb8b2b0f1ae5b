"""Methods: the function a method call runs, found on the class of its receiver.

A method's code reads ``self.forward(x)``, ``self.scale`` (a property) or
``cls.make(x)``; which function that is depends on the class of ``self``. astgrad
generates a method's derivative for one receiver class at a time: ``for_receiver(fn,
kind, cls)`` gives a *specialization* of ``fn``, a function object with ``fn``'s code,
globals, closure and defaults that also says what its first parameter is (an instance
of ``cls``, or ``cls`` itself). The engine caches and guards it like any function;
the normalizer resolves ``self.<name>`` through ``resolve`` on it, and records each
resolution as a dependency rooted at ``CLASS_ROOT``, so redefining a method on the
class regenerates the code that called it (see guards.py).
"""

import inspect
import types
import weakref

from .functions import underlying
from .missing import MISSING

INSTANCE, CLASS = "instance", "class"

CLASS_ROOT = object()       # root of a dependency (CLASS_ROOT, attr) -> (cls, what cls.attr was)

_specializations = weakref.WeakKeyDictionary()      # fn -> {(kind, cls): specialization}


def for_receiver(fn, kind, cls, layout=None, name=None):
    """``fn`` (a plain function) specialized for a first parameter that is an instance of
    ``cls`` (kind INSTANCE) or ``cls`` itself (kind CLASS); ``layout``: what the instance's
    attributes hold, where it is known (frontend/object_layouts.py); ``name``: the name it
    goes by (and its derivatives after it), ``fn``'s own by default."""
    table = _specializations.setdefault(fn, {})
    made = table.get((kind, cls, layout, name))
    if made is not None and made.__code__ is fn.__code__ and made.__defaults__ is fn.__defaults__ \
            and made.__kwdefaults__ is fn.__kwdefaults__:
        return made
    made = types.FunctionType(fn.__code__, fn.__globals__, name or fn.__name__, fn.__defaults__, fn.__closure__)
    made.__kwdefaults__ = fn.__kwdefaults__
    made.__qualname__ = fn.__qualname__
    made.__module__ = fn.__module__
    made.__doc__ = fn.__doc__
    made.__astgrad_receiver__ = (kind, cls)
    made.__astgrad_receiver_layout__ = layout
    specializes = getattr(fn, "__astgrad_specializes__", None)
    if specializes is not None:         # a function astgrad made, read from the code it was made from
        made.__astgrad_specializes__ = specializes
    table[kind, cls, layout, name] = made
    return made


def receiver_of(fn):
    """(kind, cls) for a specialization, else None."""
    return getattr(fn, "__astgrad_receiver__", None)


def user_function(obj):
    """The plain function behind ``obj`` (a def, an @astgrad.differentiable), or None."""
    fn = underlying(obj)
    return fn if inspect.isfunction(fn) else None


class Resolved:
    """What ``receiver.<name>`` is: ``function`` called with ``leading`` (None for the
    receiver itself, or a class object) before the call's own arguments; ``is_call`` for a
    property (read without parentheses, it calls its getter)."""
    __slots__ = ("function", "leading", "is_call")

    def __init__(self, function, leading=(), is_call=False):
        self.function, self.leading, self.is_call = function, leading, is_call


def receiver_layout(fn):
    """The layout of a specialization's receiver (frontend/object_layouts.py), or None."""
    return getattr(fn, "__astgrad_receiver_layout__", None)


def resolve(kind, cls, name, start=None, layout=None, called=None):
    """``receiver.<name>`` for a receiver of this kind and class, as a Resolved, or None
    when it is not a function astgrad can follow (an instance attribute, a value).
    ``start``: look only in the classes after it in the method resolution order (super());
    ``layout``: the receiver's, passed on to the methods it calls; ``called``: the name a
    method (or a property's getter) goes by, its own by default."""
    static = _static(cls, name, start)
    if static is MISSING:
        return None
    if isinstance(static, staticmethod):
        fn = user_function(static.__func__)
        return None if fn is None else Resolved(fn)
    if isinstance(static, classmethod):
        fn = user_function(static.__func__)
        return None if fn is None else Resolved(for_receiver(fn, CLASS, cls), (cls,))
    if isinstance(static, property):
        fn = user_function(static.fget) if kind == INSTANCE else None
        return None if fn is None else Resolved(for_receiver(fn, INSTANCE, cls, layout, called), (None,),
                                                is_call=True)
    fn = user_function(static)
    if fn is None:
        return None
    if kind == CLASS:               # cls.f(a): the plain function, its arguments as given
        return Resolved(fn)
    return Resolved(for_receiver(fn, INSTANCE, cls, layout, called), (None,))


def static_attribute(cls, name):
    """``cls.<name>`` as the class body holds it (a function, a property, ...), or MISSING."""
    return _static(cls, name, None)


def _static(cls, name, start):
    """``name`` looked up on ``cls``'s MRO without running descriptors (after ``start``)."""
    mro = cls.__mro__
    if start is not None:
        if start not in mro:
            return MISSING
        mro = mro[mro.index(start) + 1:]
    for klass in mro:
        if name in vars(klass):
            return vars(klass)[name]
    return MISSING


def current(cls, name):
    """What ``cls.<name>`` reads now, for guards (a classmethod's bound method is new on
    each read and compares equal)."""
    return getattr(cls, name, MISSING)


def defining_class(fn):
    """The class a method's body was defined in (its ``__class__`` cell, which ``super()``
    uses), or None."""
    code = fn.__code__
    if "__class__" not in code.co_freevars or not fn.__closure__:
        return None
    cell = fn.__closure__[code.co_freevars.index("__class__")]
    try:
        return cell.cell_contents
    except ValueError:
        return None


def defined_in_class(fn):
    """Whether ``fn`` is a function a class body defines (``Layer.__call__``), which code
    made for its arguments would no longer tie to its class."""
    qualname = getattr(fn, "__qualname__", "")
    return "." in qualname and qualname.rsplit(".", 2)[-2] != "<locals>"
