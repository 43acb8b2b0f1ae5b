"""The values derivatives are made of, which every helper of generated code builds on:
``AdjointList`` and ``AdjointDict`` (the derivative of a list, tuple, dict or
object) and their sum ``add_derivatives``, ``zeros_like``, and the float dtypes a
derivative keeps. Generated code finds them through ``astgrad.runtime``.
"""

import functools
import numbers
import sys
import types

import numpy

from .duck import is_duck_array
from .core import originals

# the helpers call NumPy as astgrad found it (see runtime.py)
numpy = originals.snapshot(numpy)


class AdjointList(list):
    """The derivative of a list or tuple: one derivative per element.

    ``+`` adds element by element (a list's ``+`` would concatenate), so generated
    code can accumulate ``d_xs = d_xs + contribution`` whatever the value's type.
    An array of the same length is added row by row.
    """

    astgrad_items = True        # its own __getitem__ reads items as a list's (see own_items)

    def __add__(self, other):
        if other is None or (isinstance(other, (int, float)) and not isinstance(other, bool) and other == 0):
            return self
        if isinstance(other, (_NDARRAY, numpy.generic)) and other.ndim == 0 and other == 0:
            return self             # a rule's zero placeholder (spectral_output of a vector norm)
        if len(other) != len(self):
            raise ValueError(f"cannot add derivatives of sequences of lengths {len(self)} and {len(other)}")
        return AdjointList(add_derivatives(a, b) for a, b in zip(self, other))

    __radd__ = __add__
    __iadd__ = __add__          # d_xs += e adds too (list's += would extend)

    def __mul__(self, other):
        if isinstance(other, numpy.ndarray) and other.ndim:
            return _as_rows(self) * other   # as NumPy multiplies a list by an array: elementwise
        return AdjointList(a * other for a in self)

    __rmul__ = __mul__

    def __neg__(self):
        return AdjointList(-a for a in self)

    def __getitem__(self, index):
        item = list.__getitem__(self, index)
        return AdjointList(item) if isinstance(index, slice) else item

    def __repr__(self):
        return f"AdjointList({list.__repr__(self)})"


def _as_rows(items):
    """The derivatives of a list's items as one array (a 0.0 placeholder broadcast to its
    siblings' shape), as NumPy reads the list."""
    return numpy.stack(numpy.broadcast_arrays(*items)) if items else numpy.zeros(0)


def list_rows(tangent, result):
    """The tangent of an operand of a ufunc or an operator whose value is ``result``, as
    NumPy read the operand: where the result is an array, a list or tuple of tangents as
    one array (see forward.py); else (a list concatenated or repeated), or where the
    items' shapes differ, the tangent as it is."""
    if not isinstance(tangent, (list, tuple)) or not tangent or not isinstance(result, (_NDARRAY, numpy.generic)):
        return tangent
    try:
        return _as_rows(tangent)
    except ValueError:
        return tangent


class _AbsentZero(float):
    """The derivative of an item a derivative dict lacks: zero, and zero again at any item
    of it, as the item may be a dict or a list itself (``d_obj['p']['g']`` for an object
    whose dict attribute the code never read, which has no derivative there)."""

    __slots__ = ()

    def __getitem__(self, key):
        return self

    def __repr__(self):
        return "0.0"


_ABSENT_ITEM = _AbsentZero(0.0)


class AdjointDict(dict):
    """The derivative of a dict: one derivative per key; ``+`` adds per key.

    A key it lacks has derivative zero: a dict gains and loses keys as the code runs
    (``d['c'] = ...`` adds one, undoing it in a reverse sweep removes it again), so
    the derivative must not depend on which keys the dict has at one moment.
    """

    def __missing__(self, key):
        return _ABSENT_ITEM

    def __add__(self, other):
        if other is None or (isinstance(other, (int, float)) and other == 0):
            return self
        if not isinstance(other, dict):
            if isinstance(other, _NDARRAY) and not other.any():
                return self
            _refuse_object_operator(other)  # a number's derivative, of an object's own operator (v / 2.0)
        result = AdjointDict(self)
        for key, value in other.items():
            result[key] = add_derivatives(result[key], value) if key in result else value
        return result

    __radd__ = __add__
    __iadd__ = __add__

    def _operator(self, *_):
        _refuse_object_operator()

    # the derivative of a dict or an object in an operator's derivative: the operator
    # was the object's own code (dicts have none), which the rules of numbers do not follow
    __mul__ = __rmul__ = __truediv__ = __rtruediv__ = __neg__ = __pow__ = __rpow__ = _operator
    __matmul__ = __rmatmul__ = __sub__ = __rsub__ = __floordiv__ = __mod__ = __pos__ = _operator


def _refuse_object_operator(x=None):
    """An arithmetic operator on an object whose class defines it (``v * w`` running
    ``V.__mul__``): astgrad's derivatives of operators are those of numbers and arrays."""
    plain = x is None or isinstance(x, (numbers.Number, _NDARRAY, numpy.generic, list, tuple))
    owner = "a class" if plain else f"the class {type(x).__name__}"
    raise TypeError(f"astgrad differentiates arithmetic operators (+, -, *, /, **, @) on numbers and arrays, "
                    f"not on an object of {owner} that defines them with code of its own (__add__, __mul__, "
                    "...), which astgrad does not follow; call a method or function computing the value "
                    "from the object's arrays instead (v.plus(w), not v + w)")


_OPERATORS = tuple(f"__{side}{name}__" for name in ("add", "sub", "mul", "truediv", "floordiv", "mod", "pow",
                                                    "matmul") for side in ("", "r", "i")) + ("__neg__", "__pos__")


def _has_own_operators(x):
    """Whether the class of ``x`` defines an arithmetic operator: only then can the
    derivative of an object reach ``unbroadcast`` from an operator (its own code); an
    object without any was stored or passed whole, and its derivative passes whole."""
    return any(hasattr(type(x), name) for name in _OPERATORS)


def add_derivatives(a, b):
    """``a + b`` for two derivatives of the same value: numbers and arrays add, lists
    and tuples element by element, dicts key by key, to any depth (a plain list's
    ``+`` would concatenate). None, the derivative of a non-number, adds as zero."""
    if a is None:
        return b
    if b is None:
        return a
    if isinstance(a, (list, tuple)) and not isinstance(a, AdjointList):
        a = AdjointList(a)
    elif isinstance(a, dict) and not isinstance(a, AdjointDict):
        a = AdjointDict(a)
    if isinstance(b, (list, tuple)) and not isinstance(b, AdjointList):
        b = AdjointList(b)
    elif isinstance(b, dict) and not isinstance(b, AdjointDict):
        b = AdjointDict(b)
    return a + b

def zeros_like(value):
    """A zero derivative shaped like ``value``: 0.0 for scalars, zeros for arrays,
    one zero per element for lists, tuples and dicts, None for non-numbers."""
    if isinstance(value, numpy.ndarray):
        if numpy.issubdtype(value.dtype, numpy.inexact):
            return numpy.zeros_like(value)
        return numpy.zeros(value.shape)
    if isinstance(value, numpy.generic):
        return value.dtype.type(0) if numpy.issubdtype(value.dtype, numpy.inexact) else 0.0
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return None if not isinstance(value, bool) else 0.0
    if isinstance(value, numbers.Number):
        return 0.0
    if isinstance(value, (list, tuple)):
        return AdjointList(zeros_like(item) for item in value)
    if isinstance(value, dict):
        return AdjointDict((key, zeros_like(item)) for key, item in value.items())
    if is_duck_array(value):                # a Dask array: zeros of its own kind, lazily
        return numpy.zeros_like(value, dtype=value.dtype if value.dtype.kind == "f" else numpy.float64)
    # an array-like's shape is a tuple (a class's __getattr__ may answer any name with a number)
    if isinstance(getattr(value, "shape", None), tuple) and hasattr(value, "dtype"):
        return numpy.zeros(numpy.shape(value))
    if isinstance(value, numpy.flatiter):       # x.flat: its items are numpy.ravel(x)'s
        return zeros_like(numpy.ravel(value.base))
    if _plain_object(value):
        return AdjointDict()        # an object's: no attribute has a derivative (see runtime_objects.py)
    return None


def _plain_object(value):
    """Whether ``value`` is an object of a user class (or a SimpleNamespace) keeping its
    attributes in its ``__dict__`` or its ``__slots__``, whose derivative is a dict of its
    attributes' (as ``runtime_objects.instance`` builds one of either kind)."""
    kind = type(value)
    held = getattr(value, "__dict__", None)
    if not (type(held) is dict or held is None and _slotted(kind)) or isinstance(value, _NOT_PLAIN):
        return False
    top = (getattr(kind, "__module__", "") or "").split(".")[0]
    return kind.__name__ == "SimpleNamespace" and top == "types" or top not in _LIBRARY_MODULES


def _slotted(kind):
    return any(vars(klass).get("__slots__") for klass in kind.__mro__[:-1])


_NOT_PLAIN = (type, types.ModuleType, types.FunctionType, types.MethodType, types.BuiltinFunctionType,
              functools.partial, BaseException)
_LIBRARY_MODULES = frozenset(sys.stdlib_module_names) | {"builtins", "numpy", "astgrad", "scipy", "dask", "numba"}
# -- dtypes ----------------------------------------------------------------------------

def _float_dtype(x):
    """x's dtype if it is a float (or complex) NumPy value, else None (Python numbers)."""
    dtype = getattr(x, "dtype", None)
    if dtype is not None and numpy.issubdtype(dtype, numpy.inexact):
        return dtype
    return None


def _is_python_number(g):
    return isinstance(g, numbers.Number) and not isinstance(g, (numpy.generic, numpy.ndarray))


def _like_dtype(g, x):
    """A Python-number ``g`` as a NumPy scalar of x's float dtype, so broadcasting it
    does not create float64 arrays from float32 data; anything else unchanged."""
    if _is_python_number(g):
        dtype = _float_dtype(x)
        if dtype is not None:
            return dtype.type(g)
    return g


def _is_float_dtype(dtype):
    """True for None (no conversion) and for float/complex dtypes; False for integer and
    bool ones (a piecewise-constant conversion). An object, string or other dtype holds
    the numbers astgrad would have to follow as Python objects: refused."""
    if dtype is None:
        return True
    kind = numpy.dtype(dtype).kind
    if kind not in "biufc":
        raise TypeError(f"astgrad: a conversion to dtype={numpy.dtype(dtype)} of a value that carries a "
                        "derivative (numpy.array(..., dtype=object)): astgrad follows float arrays only; leave "
                        "dtype= out, or give a float dtype")
    return kind in "fc"


_NDARRAY = numpy.ndarray


def _is_zero_placeholder(g):
    """The plain 0.0 generated code starts a derivative with where the value may not
    exist yet (a list built in one branch): zero, whatever the list's length."""
    return isinstance(g, numbers.Number) and not isinstance(g, bool) and g == 0
