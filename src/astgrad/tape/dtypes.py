"""PyTorch-style dtype objects (``astgrad.float64`` prints as ``astgrad.float64``, as
``torch.float64`` prints as ``torch.float64``) over NumPy's dtypes, and the default
floating dtype (float64, NumPy's, unless ``set_default_dtype`` says otherwise), and
PyTorch's promotion where integer or bool tensors take part.

A ``dtype`` compares equal to the NumPy dtype it stands for (``t.dtype == numpy.float64``)
and NumPy accepts it wherever it takes a dtype (``numpy.zeros(3, dtype=astgrad.float32)``)
through its ``.dtype`` attribute.
"""

import numpy

__all__ = ["dtype", "float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8",
           "bool_", "to_numpy", "of", "get_default_dtype", "set_default_dtype", "ALIASES", "promoted",
           "promoted_arrays", "floating"]


class dtype:
    """A tensor's element type, named as in PyTorch."""

    __slots__ = ("name", "dtype")

    def __init__(self, name, numpy_dtype):
        self.name = name
        self.dtype = numpy.dtype(numpy_dtype)       # what NumPy reads from a dtype-like object

    def __repr__(self):
        return f"astgrad.{self.name}"

    __str__ = __repr__

    def __eq__(self, other):
        if isinstance(other, dtype):
            return self.dtype == other.dtype
        try:
            return self.dtype == numpy.dtype(other)
        except TypeError:
            return NotImplemented

    def __hash__(self):
        return hash(self.dtype)

    def __reduce__(self):
        return (of, (self.dtype,))

    @property
    def is_floating_point(self):
        return self.dtype.kind == "f"

    @property
    def itemsize(self):
        return self.dtype.itemsize

    @property
    def is_complex(self):
        return self.dtype.kind == "c"

    @property
    def is_signed(self):
        return self.dtype.kind in "fci"

    def __getattr__(self, name):
        # the NumPy dtype's other attributes (kind, type, char, ...), for code written for arrays
        if name.startswith("__") or name in dtype.__slots__:
            raise AttributeError(name)
        return getattr(self.dtype, name)


float16 = dtype("float16", numpy.float16)
float32 = dtype("float32", numpy.float32)
float64 = dtype("float64", numpy.float64)
int8 = dtype("int8", numpy.int8)
int16 = dtype("int16", numpy.int16)
int32 = dtype("int32", numpy.int32)
int64 = dtype("int64", numpy.int64)
uint8 = dtype("uint8", numpy.uint8)
bool_ = dtype("bool", numpy.bool_)

_BY_NUMPY = {d.dtype: d for d in (float16, float32, float64, int8, int16, int32, int64, uint8, bool_)}

# PyTorch's other names for the same dtypes (torch.double is torch.float64, ...)
ALIASES = {"bool": bool_, "double": float64, "float": float32, "half": float16, "long": int64,
           "int": int32, "short": int16}


def to_numpy(value):
    """The NumPy dtype for ``value`` (an astgrad dtype, a NumPy dtype or type, or None)."""
    if value is None:
        return None
    if isinstance(value, dtype):
        return value.dtype
    return numpy.dtype(value)


def of(numpy_dtype):
    """The astgrad dtype standing for a NumPy dtype."""
    numpy_dtype = numpy.dtype(numpy_dtype)
    found = _BY_NUMPY.get(numpy_dtype)
    return found if found is not None else dtype(numpy_dtype.name, numpy_dtype)


_default = [float64]


def get_default_dtype():
    """The floating dtype of tensors made from Python floats and of ``zeros``, ``rand``, ...:
    ``astgrad.float64`` (NumPy's) unless ``set_default_dtype`` changed it (PyTorch's is float32)."""
    return _default[0]


def set_default_dtype(d):
    """Make ``d`` (float32 or float64) the default floating dtype, as ``torch.set_default_dtype``."""
    d = of(to_numpy(d))
    if d.dtype.kind != "f" or d.dtype.itemsize < 4:
        raise TypeError("only floating-point types are supported as the default type")
    _default[0] = d


# PyTorch promotes by category (bool < integer < floating), and within the highest
# category present, tensors with dimensions outrank 0-d tensors, which outrank Python numbers
_CATEGORY = {"b": 0, "i": 1, "u": 1, "f": 2}
_NUMBER_DTYPES = {0: numpy.dtype(bool), 1: numpy.dtype(numpy.int64)}


def promoted(a, b, divides):
    """The dtype PyTorch gives an arithmetic operation of ``a`` and ``b`` (tensors' arrays
    or Python numbers; None for anything else, where NumPy's answer stands): ``int * float32``
    is float32, ``bool / bool`` the default floating dtype."""
    ra, rb = _rank(a), _rank(b)
    if ra is None or rb is None:
        return None
    if ra[:2] == rb[:2]:
        result = numpy.result_type(ra[2], rb[2]) if ra[1] else None
    else:
        top = ra if ra[:2] > rb[:2] else rb
        result = top[2] if top[1] else None
    if result is None:          # the highest category is a Python number's
        result = _NUMBER_DTYPES.get(max(ra[0], rb[0])) or get_default_dtype().dtype
    if divides and result.kind != "f":
        result = get_default_dtype().dtype
    return result


def promoted_arrays(a, b, divides):
    """The operands (arrays or Python numbers) of an arithmetic operator cast to the dtype
    PyTorch gives its result, where an integer or bool tensor takes part (NumPy's promotion
    differs: ``int64 * float32`` is float64)."""
    if not divides and _integers_agree(a, b):
        return a, b
    if (_is_float64(a) or _is_float64(b)) and get_default_dtype() is float64:
        return a, b             # float64 with an integral tensor: float64 in both
    target = promoted(a, b, divides)
    if target is None:
        return a, b
    cast = [x.astype(target) if isinstance(x, numpy.ndarray) and x.dtype != target else x for x in (a, b)]
    return cast[0], cast[1]


def dimensions_first(a, b):
    """Two floating arrays of different dtypes, one of them 0-d, cast to the dtype of the
    other, as PyTorch promotes (a tensor with dimensions outranks a 0-d one of its category)."""
    if a.ndim == 0:
        return a.astype(b.dtype), b
    return a, b.astype(a.dtype)


_FLOAT64 = numpy.dtype(numpy.float64)


def _is_float64(value):
    return type(value) is float or type(value) is numpy.ndarray and value.dtype == _FLOAT64


def _integers_agree(a, b):
    """Whether NumPy already gives PyTorch's dtype: integers of one dtype, or with a Python
    int (the common arithmetic of indices, kept fast)."""
    ta, tb = type(a) is numpy.ndarray, type(b) is numpy.ndarray
    if ta and tb:
        return a.dtype == b.dtype and a.dtype.kind in "iu"
    return ta and type(b) is int and a.dtype.kind in "iu" or tb and type(a) is int and b.dtype.kind in "iu"


def _rank(value):
    """(category, 2 for a tensor with dimensions, 1 for a 0-d one, 0 for a Python number; dtype)."""
    if isinstance(value, numpy.ndarray):
        category = _CATEGORY.get(value.dtype.kind)
        return None if category is None else (category, 2 if value.ndim else 1, value.dtype)
    if isinstance(value, bool):
        return (0, 0, None)
    if isinstance(value, int):
        return (1, 0, None)
    return (2, 0, None) if isinstance(value, float) else None


def floating(array):
    """``array``, or an integral one as the default floating dtype: PyTorch's functions
    that give floats (``exp``, ``sin``, ``sqrt``, ...) so promote bools and integers."""
    if array.dtype.kind in "fc":
        return array
    return array.astype(get_default_dtype().dtype)
