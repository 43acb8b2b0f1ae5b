"""The exported derivative's check that its list arguments mean what its code assumes.

In process, astgrad sees the arguments before it generates code: a list or tuple that
the function joins or repeats with ``+`` or ``*`` (``xs * n``) gets code that follows
the list (frontend/function_args.py). An exported module holds the code made without
the arguments, which reads ``+`` and ``*`` as NumPy arithmetic; given a list there it
would differentiate a different function. So the exported function refuses a list or
tuple for a parameter its function's body uses directly in ``+`` or ``*``
(``exporting.export`` writes the call first and copies ``arrays_not_lists`` into the
module).
"""

import inspect

from .frontend.function_args import joined_parameters


def arrays_not_lists(**arguments):
    """Raise a TypeError naming the first argument that is a list or a tuple."""
    for name, value in arguments.items():
        if isinstance(value, (list, tuple)):
            kind = type(value).__name__
            raise TypeError(
                f"argument {name!r} is a {kind}: this exported derivative was generated for numbers "
                f"and arrays, and reads '+' and '*' on {name!r} as NumPy arithmetic, where on a {kind} "
                f"Python joins or repeats it. Pass numpy.asarray({name}) if the function means "
                f"arithmetic, or take the derivative in process (astgrad.grad follows lists).")


def list_guard_lines(fn, compiled):
    """The statement checking ``compiled``'s parameters that ``fn``'s body joins or
    repeats, or none."""
    params = [p.name for p in inspect.signature(compiled).parameters.values()
              if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    joined = [name for name in params if name in joined_parameters(fn)]
    if not joined:
        return []
    return [f"arrays_not_lists({', '.join(f'{name}={name}' for name in joined)})"]
