"""Functions of modules that only some programs need, imported when first called.

Loading modules is most of the engine's start-up, and many of the normalizer's modules
serve constructs a function may never use (a list slice write, an iterator class, a
list of objects): a module naming such a function takes a stand-in for it, and the
module defining it loads with the first call that needs it."""

import importlib


def imported_when_called(module, name):
    """A stand-in for function ``name`` of ``module`` (its absolute name): the first call
    imports the module (Python's import lock makes concurrent first calls safe); every
    call calls the function."""
    found = []

    def stand_in(*args, **kwargs):
        if not found:
            found.append(getattr(importlib.import_module(module), name))
        return found[0](*args, **kwargs)

    stand_in.__name__ = stand_in.__qualname__ = name
    stand_in.__doc__ = f"{module}.{name}, imported when first called."
    return stand_in
