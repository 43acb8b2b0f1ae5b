"""NumPy array subclasses whose operations mean something else than a plain array's.

The derivatives astgrad generates are those of plain arrays: ``x * y`` is elementwise,
``np.sin(x)`` is the sine. A masked array skips its masked elements, ``np.matrix``'s ``*``
is a matrix product, and a subclass of your own may redefine an operator, a method or
what NumPy's functions compute on it (``__array_ufunc__``, ``__array_function__``,
``__array_wrap__``): the gradient would be that of the plain operations, with no error.
Such values are refused where a transform is given them; a subclass that only adds
attributes or methods of its own (or ``__array_finalize__`` to carry them) is followed."""

import numpy

# what a subclass may define without changing what an operation on it computes
_HARMLESS = frozenset({
    "__array_finalize__", "__new__", "__init__", "__init_subclass__", "__class_getitem__", "__repr__",
    "__str__", "__format__", "__doc__", "__module__", "__dict__", "__weakref__", "__reduce__", "__reduce_ex__",
    "__setstate__", "__getstate__", "__copy__", "__deepcopy__", "__hash__", "__sizeof__", "__dir__",
    "__array_priority__", "__slots__",
})
_NDARRAY_NAMES = frozenset(dir(numpy.ndarray)) - _HARMLESS


def redefined_operations(kind):
    """The names of ndarray's operations that ``kind`` (a subclass of it) or a base class
    of its below ndarray defines anew, sorted; empty for ndarray itself. NumPy's own
    subclasses other than those two (``np.memmap``, ``np.recarray``) keep the values of
    the operations and are not counted."""
    names = set()
    for base in kind.__mro__:
        if base is numpy.ndarray:
            break
        if not base.__module__.startswith("numpy"):
            names.update(name for name in vars(base) if name in _NDARRAY_NAMES)
    return sorted(names)


def refuse_other_operations(value, position, what):
    """A TypeError for a value that is, or holds in a list, tuple or dict, an array whose
    operations are not a plain array's (see the module's docstring)."""
    kind = type(value)
    if kind in (list, tuple) or kind is dict:
        for item in (value.values() if kind is dict else value):
            refuse_other_operations(item, position, what)
        return
    if not isinstance(value, numpy.ndarray) or kind is numpy.ndarray:
        return
    if isinstance(value, (numpy.ma.MaskedArray, numpy.matrix)):
        label = "masked array" if isinstance(value, numpy.ma.MaskedArray) else "np.matrix"
        raise TypeError(f"{what}: argument {position} is a {label}, whose "
                        "operations astgrad does not differentiate (masked elements, matrix products); pass "
                        "a plain array: np.asarray(x), or np.ma.filled(x, value) for a masked array")
    redefined = redefined_operations(kind)
    if redefined:
        shown = ", ".join(redefined[:4]) + (", ..." if len(redefined) > 4 else "")
        raise TypeError(f"{what}: argument {position} is a {kind.__name__}, a subclass of np.ndarray that "
                        f"defines its own {shown}, while astgrad differentiates the operations of plain "
                        "arrays; pass a plain array, np.asarray(x), and apply what the subclass changes "
                        "in the function itself")
