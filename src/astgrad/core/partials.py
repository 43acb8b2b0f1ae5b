"""``functools.partial`` objects: what they call (``flatten``), and a plain Python
function doing the same (``as_function``), so the transforms and the normalizer can
treat a partial like any function of the user's.

A partial of a partial calls the innermost function with every bound argument, the
outer ones after the inner ones, and its keywords override the inner keywords, as
calling it does. ``as_function(p)`` writes the function's source (kept in
``linecache``, so it can be parsed and shown): its parameters are the ones
``inspect.signature(p)`` shows, and its body calls the innermost function with the
bound values, which it reads from closure cells as constants.

``calling(fn, names)`` is the same for a library function given to a transform
directly (``grad(numpy.sqrt)``): ``def sqrt(x): return numpy.sqrt(x)``, a one-line
Python function the pipeline differentiates through the function's rule.
"""

import functools
import inspect
import itertools
import weakref

from . import generated_text
from .functions import items_snapshot, same_items

_counter = itertools.count(1)
_made = weakref.WeakKeyDictionary()     # partial -> (its function, the keywords it was made for)


def flatten(p):
    """(function, bound positional arguments, bound keywords) of a partial, nested
    partials included."""
    args, keywords = (), {}
    while isinstance(p, functools.partial):
        args = p.args + args
        keywords = {**p.keywords, **keywords}
        p = p.func
    return p, args, keywords


def as_function(p):
    """A plain function equal to the partial ``p`` as it is now: the same one while it
    holds the same objects. ``p.keywords`` is a dict the user can change in place (a
    value changed, a key added or deleted), and ``p.__setstate__`` (what pickle calls)
    gives ``p`` another function, arguments and keywords dict: either changes what ``p``
    computes and its signature, so the function is made again then."""
    made = _made.get(p)
    if made is None or not all(_holds(*held) for held in made[1]):
        made = _made[p] = (_make(p), _held(p))
        made[0].__astgrad_partials_held__ = made[1]    # guarded with its derivatives (guards.py)
    return made[0]


def _held(p):
    """(partial, its function, arguments, keywords dict, that dict's items) of ``p`` and
    of each partial it wraps."""
    held = []
    while isinstance(p, functools.partial):
        held.append((p, p.func, p.args, p.keywords, items_snapshot(p.keywords)))
        p = p.func
    return tuple(held)


def _holds(p, func, args, keywords, items):
    return p.func is func and p.args is args and p.keywords is keywords and same_items(keywords, items)


def _receiver(func, args):
    """(object, method name, the other bound arguments) when the partial calls a method of
    an object: ``partial(model.loss, ...)`` or ``partial(Model.loss, model, ...)`` (where
    ``model.loss`` is that function); else None. Its source then calls
    ``_bound_self.loss(...)``, which astgrad follows as a method of that object."""
    if inspect.ismethod(func) and inspect.isfunction(func.__func__) and not isinstance(func.__self__, type):
        obj, name, rest = func.__self__, func.__func__.__name__, args
    elif inspect.isfunction(func) and args and not isinstance(args[0], type):
        obj, name, rest = args[0], func.__name__, args[1:]
        if getattr(type(obj), name, None) is not func:
            return None
    else:
        return None
    method = getattr(obj, name, None) if name.isidentifier() else None
    if not (inspect.ismethod(method) and method.__func__ is getattr(func, "__func__", func)):
        return None
    return obj, name, rest


def _parameters(p, func, args):
    """The parameters of calling the partial ``p`` (of ``func`` with ``args`` bound): what
    ``inspect.signature(p)`` shows, or a ufunc's remaining inputs (``x``, or ``x1, x2``)
    where Python cannot read its signature."""
    try:
        return list(inspect.signature(p).parameters.values())
    except ValueError:
        nin = getattr(func, "nin", None)
        if not isinstance(nin, int):
            raise
        names = ["x"] if nin == 1 else [f"x{i + 1}" for i in range(nin)]
        return [inspect.Parameter(name, inspect.Parameter.POSITIONAL_ONLY) for name in names[len(args):]]


def _make(p):
    func, args, keywords = flatten(p)
    receiver = _receiver(func, args)
    if receiver is not None:
        cells = {"_bound_self": receiver[0]}
        callee, args = f"_bound_self.{receiver[1]}", receiver[2]
    else:
        cells, callee = {"_bound_function": func}, "_bound_function"
    cells.update((f"_bound_{i}", value) for i, value in enumerate(args))
    cells.update((f"_bound_{name}", value) for name, value in keywords.items())
    params, call = [], [f"_bound_{i}" for i in range(len(args))]
    keyword_only = False
    parameters = _parameters(p, func, args)
    if receiver is None and not inspect.isfunction(func):
        # a library function (a ufunc, numpy.sum): its required arguments only, as grad(numpy.sqrt)
        # takes; out=, where=, ... keep their defaults and the bound keywords are passed on
        parameters = [param for param in parameters if param.default is param.empty
                      and param.kind not in (param.VAR_POSITIONAL, param.VAR_KEYWORD)]
    for param in parameters:
        default = ""
        if param.default is not param.empty:
            cells[f"_default_{param.name}"] = param.default
            default = f"=_default_{param.name}"
        if param.kind is param.VAR_POSITIONAL:
            params.append(f"*{param.name}")
            call.append(f"*{param.name}")
            keyword_only = True
            continue
        if param.kind is param.VAR_KEYWORD:
            params.append(f"**{param.name}")
            call.append(f"**{param.name}")
            continue
        if param.kind is param.KEYWORD_ONLY and not keyword_only:
            params.append("*")
            keyword_only = True
        params.append(param.name + default)
        call.append(f"{param.name}={param.name}" if param.kind is param.KEYWORD_ONLY else param.name)
        if param.kind is param.POSITIONAL_ONLY and not any(
                q.kind is q.POSITIONAL_ONLY for q in parameters[parameters.index(param) + 1:]):
            params.append("/")
    call.extend(f"{name}=_bound_{name}" for name in keywords if name not in {p.name for p in parameters})
    name = (getattr(func, "__name__", None) or "function").replace("<lambda>", "lambda_") + "_partial"
    source = (f"def {name}({', '.join(params)}):\n"
              f"    return {callee}({', '.join(call)})\n")
    factory = f"def _make({', '.join(cells)}):\n" + "".join("    " + line for line in source.splitlines(True)) \
        + f"    return {name}\n"
    filename = f"<astgrad partial of {getattr(func, '__qualname__', name)} #{next(_counter)}>"
    generated_text.register(filename, factory)
    scope = {}
    exec(compile(factory, filename, "exec"), scope)
    made = scope["_make"](**cells)
    generated_text.keep_while(made.__code__, filename)
    return made


_callers = {}       # (library function, parameter names) -> the Python function calling it


def calling(fn, names):
    """A plain Python function ``def name(a, b): return fn(a, b)`` (the same one for the
    same ``fn``): ``fn`` is read from a closure cell, its source kept in linecache."""
    key = (fn, tuple(names))
    made = _callers.get(key)
    if made is None:
        name = getattr(fn, "__name__", None) or "function"
        if not name.isidentifier():
            name = "function"
        module = getattr(fn, "__module__", None) or type(fn).__module__
        label = f"{module}.{name}" if module and module != "builtins" else name
        params = ", ".join(names)
        scope, callee = {}, "_function"
        top = _module_path(fn, module, name)
        if top is not None:         # numpy.sqrt(x) rather than a cell, when the path finds it
            scope[top.__name__] = top
            callee = label
        factory = (f"def _make(_function):\n    def {name}({params}):\n"
                   f"        return {callee}({params})\n    return {name}\n")
        filename = f"<astgrad function calling {label}>"
        generated_text.register(filename, factory)
        exec(compile(factory, filename, "exec"), scope)
        made = _callers[key] = scope["_make"](fn)
        generated_text.keep_while(made.__code__, filename)
        made.__qualname__ = name
        made.__astgrad_calls__ = fn
    return made


def _module_path(fn, module, name):
    """The top-level module from which ``module.name`` reaches ``fn``, or None."""
    import importlib
    if not module or module == "builtins" or not all(p.isidentifier() for p in module.split(".")):
        return None
    try:
        top = importlib.import_module(module.split(".")[0])
    except ImportError:
        return None
    obj = top
    for part in module.split(".")[1:] + [name]:
        obj = getattr(obj, part, None)
    return top if obj is fn else None
