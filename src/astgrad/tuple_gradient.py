"""The function a transform of ``grad(f, wrt=(i,))`` differentiates.

That gradient returns a 1-tuple (``wrt`` is a tuple), while its generated code returns
the bare gradient (the code is shared with ``grad(f, wrt=i)``). A transform of the
gradient must differentiate what the gradient returns, so that ``jvp``, ``vjp``,
``jacobian`` and ``grad`` of it see a 1-tuple at every order: this module wraps the
generated code in a small generated function returning ``(gradient,)`` (or ``(value,
(gradient,))`` for ``value_and_grad``), which the pipeline reads like any other code.
"""

import inspect

from .backend.emit import compile_function
from .zero_safe import zero_safe_source


def tuple_gradient(compiled, with_value):
    """``compiled`` (generated code returning the gradient, or ``(value, gradient)`` with
    ``with_value``) as a function of the same arguments returning the gradient in a
    1-tuple. The same object for the same code, so its derivatives are cached."""
    made = getattr(compiled, "__astgrad_as_tuple__", None)
    if made is not None:
        return made
    parameters = list(inspect.signature(compiled).parameters.values())[:-1]   # not the seed
    taken = {p.name for p in parameters}
    result = next(f"result{'_' * i}" for i in range(len(taken) + 1) if f"result{'_' * i}" not in taken)
    header, call = _parameter_text(parameters)
    if with_value:
        body = (f"    {result} = {compiled.__name__}({call})\n"
                f"    return ({result}[0], ({result}[1],))\n")
    else:
        body = f"    return ({compiled.__name__}({call}),)\n"
    name = next(f"{compiled.__name__}_as_tuple{'_' * i}" for i in range(len(taken) + 1)
                if f"{compiled.__name__}_as_tuple{'_' * i}" not in taken)
    source = f"def {name}({header}):\n{body}"
    wrapper = compile_function(source, name, {compiled.__name__: compiled}, f"tuple of {compiled.__qualname__}")
    wrapper.__qualname__ = compiled.__qualname__        # what messages call it
    wrapper.__defaults__ = compiled.__defaults__
    names = {p.name for p in parameters}
    wrapper.__kwdefaults__ = {k: v for k, v in (compiled.__kwdefaults__ or {}).items() if k in names} or None
    # the zero-safe twin of the wrapper wraps the zero-safe twin of the code
    if getattr(compiled, "__astgrad_zero_safe__", None) is not None:
        wrapper.__astgrad_zero_safe__ = lambda: tuple_gradient(zero_safe_source(compiled), with_value)
    compiled.__astgrad_as_tuple__ = wrapper
    return wrapper


def _parameter_text(parameters):
    """The parameter list of a def taking ``parameters`` (defaults are set on the function
    object, so each is written ``=None``), and the call passing them on."""
    header, call = [], []
    for i, p in enumerate(parameters):
        if p.kind is p.KEYWORD_ONLY and (i == 0 or parameters[i - 1].kind is not p.KEYWORD_ONLY):
            header.append("*")
        header.append(p.name if p.default is p.empty else f"{p.name}=None")
        call.append(f"{p.name}={p.name}" if p.kind is p.KEYWORD_ONLY else p.name)
        if p.kind is p.POSITIONAL_ONLY and (i + 1 == len(parameters)
                                            or parameters[i + 1].kind is not p.POSITIONAL_ONLY):
            header.append("/")
    return ", ".join(header), ", ".join(call)
