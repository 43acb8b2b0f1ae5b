"""Arrays of other libraries that implement NumPy's array-function protocol (Dask).

Generated code calls NumPy functions, which hand such arrays to their own library
(``__array_function__``/``__array_ufunc__``), so a gradient stays lazy and distributed.
The places that would otherwise convert with ``numpy.asarray`` (and so force a Dask
array to be computed) ask ``is_duck_array`` first. astgrad's tape tensors implement the
protocol too, but they are not data arrays: they are left out.
"""

import numpy


def is_duck_array(x):
    """An array of another library that dispatches NumPy functions: not a NumPy array,
    has ``__array_function__``, a NumPy ``dtype``, a ``shape`` and an ``ndim``."""
    kind = type(x)
    if kind is float or kind is numpy.ndarray or kind is int:
        return False
    return (hasattr(kind, "__array_function__") and not hasattr(kind, "__astgrad_call__")
            and isinstance(getattr(x, "dtype", None), numpy.dtype)
            and hasattr(x, "shape") and hasattr(x, "ndim"))


def is_array(x):
    """A NumPy array or a duck array."""
    return isinstance(x, numpy.ndarray) or is_duck_array(x)


def as_array(value, dtype=None):
    """``numpy.asarray(value, dtype)``, except that a duck array stays what it is (cast
    lazily to ``dtype`` where that differs)."""
    if is_duck_array(value):
        return value if dtype is None or value.dtype == dtype else value.astype(dtype)
    return numpy.asarray(value, dtype=dtype)
