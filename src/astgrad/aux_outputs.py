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

import ast
import functools
import inspect
import itertools
import textwrap
import threading
import types
import weakref

import numpy

from .core import generated_text
from .core.functions import StandIn
from .library_code import users_code

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


def hands_back_aux(spread):
    """Decorate an exported derivative of a has_aux function's value (export_aux.py): its
    call returns ``(result, aux)``, or with ``spread`` (a jvp's ``(value, tangent)``)
    ``(value, tangent, aux)``, as the transforms do in process."""
    def decorate(derivative):
        @functools.wraps(derivative)
        def returning_aux(*args, **kwargs):
            result, aux = collected(derivative, *args, **kwargs)
            return (*result, aux) if spread else (result, aux)
        return returning_aux
    return decorate


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
    _refuse_library_function(target)
    try:
        wrapper = _made[target]
    except (KeyError, TypeError):
        wrapper = _wrapper(target)
        try:
            _made[target] = wrapper
        except TypeError:       # not weakly referenceable: made again next time
            pass
    return wrapper if receiver is None else types.MethodType(wrapper, receiver)


def _refuse_library_function(f):
    """A NumPy, SciPy, ``math`` or builtin function returns its value alone: a TypeError
    saying to drop has_aux, or to write a function of one's own returning the pair."""
    library = isinstance(f, (types.BuiltinFunctionType, numpy.ufunc)) or not users_code(f)
    if not library or isinstance(f, functools.partial) or _top_module(f) == "astgrad":
        return
    name = getattr(f, "__name__", type(f).__name__)
    module = getattr(f, "__module__", None) or ("a ufunc" if isinstance(f, numpy.ufunc) else "builtins")
    shown = name if module == "builtins" else f"{module}.{name}" if module != "a ufunc" else f"the ufunc {name}"
    raise TypeError(f"has_aux=True: {shown} is a library function, which returns its value alone, not a pair "
                    f"(value, aux); drop has_aux=True to differentiate it as it is, or differentiate a "
                    f"function of your own returning the value and the aux (def loss(x): return "
                    f"{name if module == 'a ufunc' else shown}(x), aux)")


def _top_module(f):
    return (getattr(f, "__module__", "") or "").partition(".")[0]


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
    held = {keep: keep_aux}         # what the wrapper reads besides f: closure cells of make's
    named = _defaults_named(f)
    parameters, passed = [], []
    for p in signature.parameters.values():
        if p.name in named:     # read where f's globals are the wrapper's: the same object
            p = p.replace(default=_Named(named[p.name]))
        elif p.default is not inspect.Parameter.empty:
            default = _fresh(f"default_{p.name}", taken | set(held) | {own, called, output})
            held[default] = p.default
            p = p.replace(default=_Named(default))
        parameters.append(p.replace(annotation=inspect.Parameter.empty))
        passed.append({p.VAR_POSITIONAL: f"*{p.name}", p.VAR_KEYWORD: f"**{p.name}",
                       p.KEYWORD_ONLY: f"{p.name}={p.name}"}.get(p.kind, p.name))
    header = str(signature.replace(parameters=parameters, return_annotation=inspect.Signature.empty))
    text = (f"def make({', '.join([called, *held])}):\n"
            f"    def {own}{header}:\n"
            f"        {output} = {called}({', '.join(passed)})\n"
            f"        {keep}({output}, {shown!r})\n"
            f"        return {output}[0]\n"
            f"    return {own}\n")
    filename = f"<astgrad has_aux {next(_numbers)}: {name}>"
    generated_text.register(filename, text)
    code = compile(text, filename, "exec")
    namespace = {}
    exec(code, namespace)
    make = namespace["make"]
    scope = getattr(f, "__globals__", None)
    if inspect.isfunction(f) and isinstance(scope, dict):
        # f's own globals: the inlined code reads its modules (np) as f does, by their names
        make = types.FunctionType(make.__code__, scope, "make")
    wrapper = make(f, *held.values())
    wrapper.__astgrad_inlines_callees__ = True     # f runs once: inlined (normalize/inlining.py)
    wrapper.__qualname__ = getattr(f, "__qualname__", name)
    wrapper.__module__ = getattr(f, "__module__", None)
    return wrapper


def _defaults_named(f):
    """parameter -> the global name f's source writes its default as, where that global
    of f's holds the very object f holds as the default (``shift=W0``): the wrapper
    writes it so too, and the derivative reads the default as f's code does (an exported
    module reads it on f's module); {} where f's source cannot be read."""
    scope = getattr(f, "__globals__", None)
    if not inspect.isfunction(f) or not isinstance(scope, dict):
        return {}
    try:
        tree = ast.parse(textwrap.dedent(inspect.getsource(f)))
    except (OSError, TypeError, SyntaxError):
        return {}
    node = tree.body[0] if tree.body else None
    if not isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) or node.name != f.__name__:
        return {}
    arguments = node.args
    positional = arguments.posonlyargs + arguments.args
    pairs = list(zip(positional[len(positional) - len(arguments.defaults):], arguments.defaults))
    pairs += [(a, d) for a, d in zip(arguments.kwonlyargs, arguments.kw_defaults) if d is not None]
    held = dict(zip([a.arg for a in positional][len(positional) - len(f.__defaults__ or ()):],
                    f.__defaults__ or ()))
    held.update(f.__kwdefaults__ or {})
    named = {}
    for argument, default in pairs:
        if isinstance(default, ast.Name) and argument.arg in held \
                and scope.get(default.id, _ABSENT) is held[argument.arg]:
            named[argument.arg] = default.id
    return named


_ABSENT = object()


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
