"""Which code is a library's (NumPy, matplotlib, the standard library, ...) and which is
the user's own: astgrad looks into the objects and follows the functions of the user's
code, and leaves a library's to run as Python runs them."""

import sys

LIBRARIES = frozenset({"numpy", "astgrad", "scipy", "sklearn", "pandas", "matplotlib", "torch", "jax",
                       "jaxlib", "autograd", "dask", "distributed", "numba", "gast"})
STANDARD_LIBRARY = frozenset(getattr(sys, "stdlib_module_names", ())) | {"builtins", "functools"}


def users_code(function):
    """Whether ``function`` is the user's own code, not a library's or the standard
    library's (``copy.copy``), which astgrad follows by its own rules."""
    top = (getattr(function, "__module__", "") or "").split(".")[0]
    return top not in LIBRARIES and top not in STANDARD_LIBRARY
