"""Objects whose class runs code of its own where generated code would take them as plain
values: an object iterated with its own ``__iter__``, or with arithmetic operators of
its own, which the helpers refuse with what to write instead.
"""

import inspect
import numbers

import numpy

from .duck import is_duck_array
from .adjoint_values import _has_own_operators, _NDARRAY
from .shape_info import ShapeInfo
from .core import originals

# the helpers call NumPy as astgrad found it (see runtime.py)
numpy = originals.snapshot(numpy)


_PLAIN_CONTAINERS = (list, tuple, dict)


def _own_iteration(xs):
    """A TypeError where ``xs``, iterated by a loop (or ``sum``, ``max``, ...), is an
    object whose class iterates with code of its own (``__iter__``): generated code takes
    the items as a list's, a tuple's or an array's where it did not know the class (an
    object read from a dict, or held by two attributes), and would miss the derivative of
    the class's code. Else nothing."""
    kind = type(xs)
    if kind is not _NDARRAY and kind not in _PLAIN_CONTAINERS and inspect.isfunction(getattr(kind, "__iter__", None)) \
            and not (hasattr(xs, "shape") and hasattr(xs, "dtype")):      # an array's (Dask's) rows are followed
        _refuse_object_iteration(f"a {kind.__name__}, whose __iter__ is its own code,")


def _refuse_object_iteration(what="an object"):
    """The TypeError of ``_own_iteration`` (also for the tangent of such an object)."""
    raise TypeError(
        f"astgrad: this iterates {what} where astgrad did not know the object's class when it generated "
        "the code (an object handed to a helper, read from a dict or a list, or held by two attributes), "
        "and takes the items as a list's or an array's. Iterate a list of the items (list(v) taken where the "
        "object is built, and handed on as that list, or a method of the class returning them), or iterate "
        "the object in the function differentiated, where it is an argument, or built there, named, and held "
        "by one attribute")


def _runs_own_operators(x):
    """Whether ``x`` is an object (not a number, an array, a container or a duck array)
    whose class defines arithmetic operators with code of its own."""
    return not isinstance(x, (numbers.Number, _NDARRAY, numpy.generic, list, tuple, dict, ShapeInfo)) \
        and _has_own_operators(x) and not is_duck_array(x) \
        and not type(x).__module__.startswith("astgrad.tape")     # a tensor: grad's output check says what to do
