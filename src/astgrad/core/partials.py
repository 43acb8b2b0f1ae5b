"""``functools.partial`` objects: what they call (``flatten``), and a plain Python
function doing the same (``as_function``), so the transforms and the normalizer can
treat a partial like any function of the user's.

A partial of a partial calls the innermost function with every bound argument, the
outer ones after the inner ones, and its keywords override the inner keywords, as
calling it does. ``as_function(p)`` writes the function's source (kept in
``linecache``, so it can be parsed and shown): its parameters are the ones
``inspect.signature(p)`` shows, and its body calls the innermost function with the
bound values, which it reads from closure cells as constants.
"""

import functools
import inspect
import itertools
import weakref

from . import generated_text

_counter = itertools.count(1)
_made = weakref.WeakKeyDictionary()     # partial -> its function (a partial is immutable)


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
    """A plain function equal to the partial ``p`` (the same one for the same ``p``)."""
    made = _made.get(p)
    if made is None:
        made = _made[p] = _make(p)
    return made


def _make(p):
    func, args, keywords = flatten(p)
    signature = inspect.signature(p)
    cells = {"_bound_function": func}
    cells.update((f"_bound_{i}", value) for i, value in enumerate(args))
    cells.update((f"_bound_{name}", value) for name, value in keywords.items())
    params, call = [], [f"_bound_{i}" for i in range(len(args))]
    keyword_only = False
    for param in signature.parameters.values():
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
                q.kind is q.POSITIONAL_ONLY for q in list(signature.parameters.values())[
                    list(signature.parameters).index(param.name) + 1:]):
            params.append("/")
    call.extend(f"{name}=_bound_{name}" for name in keywords if name not in signature.parameters)
    name = (getattr(func, "__name__", None) or "function").replace("<lambda>", "lambda_") + "_partial"
    source = (f"def {name}({', '.join(params)}):\n"
              f"    return _bound_function({', '.join(call)})\n")
    factory = f"def _make({', '.join(cells)}):\n" + "".join("    " + line for line in source.splitlines(True)) \
        + f"    return {name}\n"
    filename = f"<astgrad partial of {getattr(func, '__qualname__', name)} #{next(_counter)}>"
    generated_text.register(filename, factory)
    scope = {}
    exec(compile(factory, filename, "exec"), scope)
    made = scope["_make"](**cells)
    generated_text.keep_while(made.__code__, filename)
    return made
