"""Pickling transforms by reference, so gradients can be sent to process pools.

A transform (``grad(f)``, ``jacobian(f)``, a ``@differentiable`` function, ...) pickles
as the user's function, named by its module and qualified name, plus the transform's
options; unpickling runs the transform again, which generates the derivative in the
new process. Generated code is never pickled. A function that cannot be found by its
name (a lambda, a function defined inside another one, a module attribute rebound to
another object) gets a PicklingError saying to define it at module level.

cloudpickle (Dask's serializer) pickles functions by value: there the functions it
would pickle by value keep today's behaviour, the transform's state pickled by value.
"""

import copyreg
import importlib
import inspect
import pickle
import sys

from .frontend.source import ship_source


def reduce_transform(transform, function, rebuild=None, args=()):
    """``transform``'s ``__reduce__`` value: ``rebuild(*args)`` in the unpickling process,
    where ``function`` is the user's function (a plain function or a @differentiable
    one) that ``args`` refer to, found there by module and qualified name. Without
    ``rebuild``, ``transform`` is ``function`` and pickles as a global, like a function."""
    by_value = _pickler_pickles_functions_by_value()
    problem = why_not_by_reference(function, main_is_importable=not by_value)
    if problem is None:
        return (rebuild, args) if rebuild is not None else function.__qualname__
    if by_value:                    # cloudpickle: the transform's state, by value
        state = dict(transform.__dict__)
        _ship_sources(state.values(), set())
        return copyreg.__newobj__, (type(transform),), state
    raise pickle.PicklingError(f"cannot pickle {transform!r}: {problem}. The standard pickle "
                               f"sends a function by its module and name, so define it at module "
                               f"level (a def in an importable module, e.g. "
                               f"'def {_suggested_name(function)}(...)') and transform that; "
                               f"cloudpickle can instead send it by value")


def why_not_by_reference(function, main_is_importable=True):
    """None if ``function`` is the object its module and qualified name lead to; else why not."""
    qualname = getattr(function, "__qualname__", None) or getattr(function, "__name__", "?")
    module_name = getattr(function, "__module__", None)
    if "<lambda>" in qualname:
        return f"{qualname} is a lambda"
    if "<locals>" in qualname:
        return f"{qualname} is defined inside another function"
    if module_name is None:
        return f"{qualname} has no __module__"
    if module_name == "__main__" and not main_is_importable:
        return f"{qualname} is defined in __main__"
    try:
        found = importlib.import_module(module_name)
        for part in qualname.split("."):
            found = getattr(found, part)
    except (ImportError, AttributeError):
        return f"{module_name}.{qualname} cannot be imported"
    if found is not function:
        return f"{module_name}.{qualname} is now another object ({found!r})"
    return None


def _ship_sources(values, seen):
    """Attach their source to the functions in ``values``, in their closures and in the
    containers holding them: cloudpickle sends a function by value without its file, and
    the process that receives it may have to generate its derivative from that source."""
    for value in values:
        if id(value) in seen:
            continue
        seen.add(id(value))
        if inspect.isfunction(value):
            ship_source(value)
            cells = value.__closure__ or ()
            _ship_sources([cell.cell_contents for cell in cells if _filled(cell)], seen)
        elif isinstance(value, (list, tuple, set, frozenset)):
            _ship_sources(value, seen)
        elif isinstance(value, dict):
            _ship_sources(value.values(), seen)


def _filled(cell):
    try:
        cell.cell_contents
    except ValueError:              # a cell not yet assigned
        return False
    return True


def _suggested_name(function):
    name = getattr(function, "__name__", "f")
    return name if name.isidentifier() else "f"


def _pickler_pickles_functions_by_value():
    """Whether the pickler now running is one that pickles functions by value itself, as
    cloudpickle does. Such picklers customize ``reducer_override``; ``pickle.dumps`` and
    multiprocessing's pickler do not. The pickler is not passed to ``__reduce__``, so this
    looks for it among the callers (cloudpickle's ``dump`` is Python code)."""
    frame = sys._getframe(1)
    while frame is not None:
        pickler = frame.f_locals.get("self")
        if isinstance(pickler, (pickle.Pickler, pickle._Pickler)):
            return callable(getattr(pickler, "reducer_override", None))
        frame = frame.f_back
    return False
