"""The exported derivative's checks of its arguments: lists that mean what its code
assumes, and no object of a plain class where it differentiates (plain_objects.py).

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
import weakref

import gast
import numpy

from .core import syntax as S
from .frontend.function_args import joined_parameters
from .frontend.object_layouts import found_in_source, root
from .plain_objects import plain_objects_refused  # noqa: F401 - copied into exported modules


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


def plain_object_guard_lines(fn, compiled, names):
    """The statement refusing, as astgrad's own transforms do (plain_objects.py), an object
    of a plain class holding floats given for one of ``names`` (the parameters the
    derivative is taken with respect to; attribute paths need no check) that ``fn``'s
    body reads an attribute of (other than an array's: ``p.w``, ``layers[0].w``) or calls."""
    params = [p.name for p in inspect.signature(compiled).parameters.values()
              if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    read = found_in_source(fn, _objects_read, _object_roots)
    checked = [name for name in names if name in params and name in read]
    if not checked:
        return []
    arguments = ", ".join(f"{name}={name}" for name in checked)
    return [f"plain_objects_refused({compiled.__code__.co_name!r}, {arguments})"]


_objects_read: "weakref.WeakKeyDictionary[object, frozenset]" = weakref.WeakKeyDictionary()


def _object_roots(tree):
    """The parameters the body reads an attribute of that an array lacks, or calls."""
    found = set()
    for node in S.walk_nodes(tree):
        if isinstance(node, gast.Attribute) and not hasattr(numpy.ndarray, node.attr):
            found.add(root(node.value))
        elif isinstance(node, gast.Call):
            found.add(root(node.func) if isinstance(node.func, gast.Name) else None)
    return frozenset(found - {None})
