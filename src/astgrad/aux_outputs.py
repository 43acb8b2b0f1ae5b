"""JAX's ``has_aux``: a function returning ``(value, aux)`` differentiated for its value
alone, with ``aux`` handed back as the function computed it.

The transforms differentiate a wrapper with the function's own parameters, written as
source (so its derivative is generated and readable like any other)::

    def loss(x, y):
        value_and_aux = loss_with_aux(x, y)
        keep_aux(value_and_aux, 'loss')
        return value_and_aux[0]

The normalizer inlines ``loss_with_aux`` (the user's function) into it, so the derivative
runs the function's code once, as it does without ``has_aux``. ``keep_aux`` has no
derivative (like ``print`` it runs in the generated code as written): it hands the aux to
the innermost ``collected`` call of this thread, which returns it beside the transform's
result.
"""

import inspect
import itertools
import threading
import types
import weakref

from .core import generated_text
from .core.functions import StandIn

_collecting = threading.local()     # .boxes: the has_aux calls running in this thread, innermost last
_numbers = itertools.count(1)       # a file name of its own for each wrapper's text
_made = weakref.WeakKeyDictionary()     # function -> its wrapper, made once


class _Box:
    """What one has_aux call collects: ``aux``, once the function's run has returned it."""
    __slots__ = ("aux", "kept")

    def __init__(self):
        self.aux, self.kept = None, False


def keep_aux(value_and_aux, name):
    """Called by the wrapper in generated code: the aux of ``name``'s output, handed to the
    innermost has_aux call running in this thread. Refuses an output that is not a pair,
    in JAX's words."""
    if not (isinstance(value_and_aux, (tuple, list)) and len(value_and_aux) == 2):
        raise TypeError(f"has_aux=True: {name} must return a pair (value, aux), the value to "
                        f"differentiate and anything else to hand back, but it returned "
                        f"{_described(value_and_aux)}; return (value, aux), or drop has_aux=True")
    boxes = getattr(_collecting, "boxes", None)
    if boxes:
        boxes[-1].aux, boxes[-1].kept = value_and_aux[1], True


def _described(value):
    if isinstance(value, (tuple, list)):
        return f"a {type(value).__name__} of {len(value)} item(s)"
    shape = getattr(value, "shape", None)
    return f"a value of type {type(value).__name__}" + (f" of shape {shape}" if shape is not None else "")


def collected(run, *args, **kwargs):
    """``(run(*args, **kwargs), aux)``: ``aux`` as the one run of the function returned it."""
    boxes = _collecting.__dict__.setdefault("boxes", [])
    box = _Box()
    boxes.append(box)
    try:
        result = run(*args, **kwargs)
    finally:
        boxes.pop()
    if not box.kept:        # a run that never reached the wrapper's return (no float argument)
        raise RuntimeError("has_aux: the function's aux output was not computed by this call")
    return result, box.aux


class _Named:
    """A default value written in the wrapper's text as a name of its namespace."""

    def __init__(self, name):
        self.name = name

    def __repr__(self):
        return self.name


def _fresh(base, taken):
    name = base
    while name in taken:
        name += "_"
    taken.add(name)
    return name


def value_function(f):
    """The wrapper differentiating ``f``'s value alone: ``f``'s parameters, ``f``'s first
    item returned, its second handed to ``keep_aux``. A bound method's (an object's
    ``__call__``'s) is the method's wrapper bound to the same receiver, so the engine
    follows the receiver as it does for the method; a ``@differentiable`` function's is
    that of the function it decorates (made once per function)."""
    target, receiver = _method_parts(f)
    target = _own_function(target)
    try:
        wrapper = _made[target]
    except (KeyError, TypeError):
        wrapper = _wrapper(target)
        try:
            _made[target] = wrapper
        except TypeError:       # not weakly referenceable: made again next time
            pass
    return wrapper if receiver is None else types.MethodType(wrapper, receiver)


def _method_parts(f):
    """(function, receiver) of a bound method or a callable object; (f, None) otherwise."""
    if isinstance(f, types.MethodType):
        return f.__func__, f.__self__
    call = getattr(type(f), "__call__", None)
    if not isinstance(f, (types.FunctionType, type, StandIn)) and inspect.isfunction(call):
        return call, f
    return f, None


def _own_function(f):
    """The function a ``@differentiable`` object decorates (whose code the wrapper
    inlines); anything else as it is."""
    own = getattr(f, "__astgrad_function__", None)
    if own is not None and getattr(type(f), "__name__", "") == "Differentiable":
        return own()
    return f


def _wrapper(f):
    signature = inspect.signature(f)
    shown = getattr(f, "__name__", "f")     # as errors name f
    name = shown if shown.isidentifier() else "f"
    taken = set(signature.parameters)
    own = _fresh(name, set())
    called = _fresh(f"{name}_with_aux", taken | {own})
    output = _fresh("value_and_aux", taken | {own, called})
    keep = _fresh("keep_aux", taken | {own, called, output})
    namespace = {keep: keep_aux}
    parameters, passed = [], []
    for p in signature.parameters.values():
        if p.default is not inspect.Parameter.empty:
            default = _fresh(f"default_{p.name}", taken | set(namespace))
            namespace[default] = p.default
            p = p.replace(default=_Named(default))
        parameters.append(p.replace(annotation=inspect.Parameter.empty))
        passed.append({p.VAR_POSITIONAL: f"*{p.name}", p.VAR_KEYWORD: f"**{p.name}",
                       p.KEYWORD_ONLY: f"{p.name}={p.name}"}.get(p.kind, p.name))
    header = str(signature.replace(parameters=parameters, return_annotation=inspect.Signature.empty))
    text = (f"def make({called}):\n"
            f"    def {own}{header}:\n"
            f"        {output} = {called}({', '.join(passed)})\n"
            f"        {keep}({output}, {shown!r})\n"
            f"        return {output}[0]\n"
            f"    return {own}\n")
    filename = f"<astgrad has_aux {next(_numbers)}: {name}>"
    generated_text.register(filename, text)
    code = compile(text, filename, "exec")
    exec(code, namespace)
    wrapper = namespace["make"](f)
    wrapper.__astgrad_inlines_callees__ = True     # f runs once: inlined (normalize/inlining.py)
    wrapper.__qualname__ = getattr(f, "__qualname__", name)
    wrapper.__module__ = getattr(f, "__module__", None)
    return wrapper


# how each transform's result and the aux are handed back, as JAX hands them
_ARRANGED = {
    "grad": lambda gradient, aux: (gradient, aux),
    "value_and_grad": lambda value_and_gradient, aux: ((value_and_gradient[0], aux), value_and_gradient[1]),
    "jacobian": lambda jacobian, aux: (jacobian, aux),
    "hessian": lambda hessian, aux: (hessian, aux),
}


class WithAux:
    """What a transform given ``has_aux=True`` returns: the transform of the function's
    value (``transform``), whose call hands back the aux output beside its result."""
    __astgrad_result__ = "what a transform given has_aux=True returns (a result and the aux)"

    def __init__(self, transform, kind, maker, function, options):
        self.transform, self.kind = transform, kind
        self._remade = (maker, function, options)     # for pickling
        self.__name__ = getattr(transform, "__name__", kind)

    def __call__(self, *args, **kwargs):
        result, aux = collected(self.transform, *args, **kwargs)
        return _ARRANGED[self.kind](result, aux)

    @property
    def source(self):
        """The generated code of the transform of the value (``keep_aux`` hands the aux back)."""
        return self.transform.source

    def source_for(self, *args, **kwargs):
        return self.transform.source_for(*args, **kwargs)

    def __repr__(self):
        return f"{self.transform!r} (has_aux=True)"

    def __reduce__(self):
        maker, function, options = self._remade
        return (_remake, (maker, function, options))


def with_aux(maker, f, kind, **options):
    """``maker`` (a transform: grad, jacobian, hessian) of ``f``'s value, handing back
    ``f``'s aux as ``kind`` says."""
    return WithAux(maker(value_function(f), **options), kind, maker, f, options)


def _remake(maker, function, options):
    return maker(function, has_aux=True, **options)
