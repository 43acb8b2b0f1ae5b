"""Helpers that generated code calls.

Every helper here is a primitive with its own adjoint and tangent rule (see
``rules/runtime_rules.py``), so code that calls them can be differentiated again:
the vocabulary of generated code is closed. Helpers that only compute shapes, specs,
masks or weights (piecewise-constant values) are declared non-differentiable there.

Conventions: a derivative has exactly the shape of the value it belongs to, and keeps
its float dtype (float32 stays float32). The derivative of a list or tuple is an
``AdjointList`` with one derivative per element.
"""

import collections.abc
import functools
import inspect
import linecache
import math
import numbers
import operator
import sys
import threading
import types
import typing

import numpy

from .special_functions import (  # noqa: F401  (derivatives of lgamma, numpy.i0, SciPy's; the tape's erfinv, lgamma)
    bessel_i, bessel_ie, entr, entr_slope, erfinv, lgamma, log_ndtr_gap, log_ndtr_slope, polygamma, scipy_polygamma)
from .sampled import (  # noqa: F401  (rules of trapezoid, interp, convolve, correlate, cov)
    convolve_crop, correlate_crop, correlate_embed, corr_change, corr_change_adjoint, cov_factor, cov_place, cov_rows, cov_share, cov_symmetric, cov_weights, square_shape, convolve_embed, interp_fill, interp_index, interp_outside, interp_weight, interp_weight_slope, is_none, trapezoid_pairs,
    trapezoid_spacing, trapezoid_unspacing, trapezoid_weights)
from .inserted import insert_as, undelete, uninsert  # noqa: F401  (rules of numpy.insert and numpy.delete)
from .gradient_nodes import (  # noqa: F401  (rules of numpy.gradient's spacing)
    SEVERAL_SPACINGS, gradient_axes, gradient_axis, node_differences, node_mask, node_offsets, node_undifferences, node_unoffsets,
    slope_by_a, slope_by_b)
from .mapped import (along_axis_layout, along_axis_rows, first_dtype, fitted_shape,  # noqa: F401
                     vectorize_call, vectorized_dtype)  # (apply_along_axis, vectorize)
from .rebound_places import outer_values, put_back, replay_from  # noqa: F401  (a gradient made outside, run again)
from .unknown_receivers import check_receiver_class  # noqa: F401  (a method of an object of no known class)
from .hooked_items import check_item_hooks, check_membership_hooks, check_truth_hook  # noqa: F401  (hooks of items of no known class)
from .duck import as_array, is_duck_array
from .mapping_methods import disagreeing_method
from .write_order import reads_first as reads_value_first, route as write_route
from .outputs import check_scalar, is_real_number, one_element
from .array_layout import same_layout_copy
from .plain_objects import refuse_plain_argument
from .core import originals
from .errors import TransformError, is_value_refusal

# einsum's subscript letters (string.ascii_letters, without importing string at start-up)
_LETTERS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

# the helpers call NumPy as astgrad found it, as the calls of a rule do (a user's later
# np.broadcast_to = f does not reach unreduce); an exported module imports numpy itself
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


class OpenContexts(threading.local):
    """The with-managers generated code entered and has not exited yet, per thread
    (``zero_safe.run_derivative`` exits them when the code raises)."""

    def __init__(self):
        self.managers = []
        self.entered = {}       # id(manager) -> what its __enter__ returned, until it exits


OPEN_CONTEXTS = OpenContexts()
# what entering a manager of a class also does in generated code, by class: filled by the
# modules concerned (derivative_warnings.py: numpy.errstate), empty in exported code
ON_ENTER = {}


def enter_context(manager):
    """What ``with manager:`` does on entry (the value ``as`` would bind)."""
    value = type(manager).__enter__(manager)
    also = ON_ENTER.get(type(manager))
    if also is not None:
        also()
    OPEN_CONTEXTS.managers.append(manager)
    OPEN_CONTEXTS.entered[id(manager)] = value
    return value


def entered_value(manager):
    """What entering ``manager`` (still open) returned: the value ``with ... as v`` binds."""
    return OPEN_CONTEXTS.entered[id(manager)]


def caught_exception():
    """The exception the ``except`` clause running now caught (generated code records
    it, then picks the handler after the ``try`` statement). astgrad's own refusal is
    raised on: Python runs the protected block without it, so no handler of the user's
    (``except TypeError``, ``except Exception``) is meant for it, and running one would
    differentiate another program."""
    error = sys.exc_info()[1]
    if isinstance(error, TransformError) or is_value_refusal(error):
        raise error
    return error


def percent_format(template, values):
    """``template % values`` for a string ``template``: it has no derivative rule, so it is
    refused, as an f-string is, where its result is read by what carries a derivative."""
    return template % values


def caught_value(error, where):
    """What ``except E as e`` binds in generated code: the exception caught, when it holds
    no float numbers. An exception carrying one (``raise Stop(x * w)``, read back as
    ``e.args[0]`` or ``e.value``) may carry values depending on the inputs, whose
    derivatives astgrad does not follow through ``raise`` and ``except``: refused, rather
    than a derivative silently missing that part."""
    held = list(error.args) + list(getattr(error, "__dict__", {}).values())
    if any(_holds_float(value, 2) for value in held):
        raise TypeError(
            f"astgrad: {where}: the exception caught here carries a float value; astgrad does not follow "
            "derivatives through raise and except: return the value, or set a flag in the try body and "
            "compute the value after the try statement")
    return error


def _holds_float(value, depth):
    """Whether ``value`` is a float, a NumPy array of floats or complex numbers, or a list,
    tuple or dict holding one (``depth`` levels deep)."""
    if isinstance(value, (float, complex, numpy.floating, numpy.complexfloating)):
        return True
    if isinstance(value, numpy.ndarray):
        return value.dtype.kind in "fc"
    if depth and isinstance(value, (list, tuple, dict)):
        items = value.values() if isinstance(value, dict) else value
        return any(_holds_float(item, depth - 1) for item in items)
    return False


def exit_context(manager):
    """What the end of ``with manager:`` does when its body raised nothing."""
    OPEN_CONTEXTS.managers.pop()
    OPEN_CONTEXTS.entered.pop(id(manager), None)
    type(manager).__exit__(manager, None, None, None)


def distinct(items):
    """A set of ``items`` as the list of what it holds, in the set's order: what a set
    comprehension or ``set(...)`` gives where the code only reads the set (sums it,
    loops over it, asks ``in``). A set keeps the first of equal items, the object
    itself, so each item of the result is one of ``items``."""
    return list(set(items))


def _kept_positions(kept, items):
    """For each item of ``kept`` (``distinct(items)``), the position in ``items`` of the
    object it is (its first)."""
    first = {}
    for i, item in enumerate(items):
        first.setdefault(id(item), i)
    return [first[id(item)] for item in kept]


def distinct_tangent(h, kept, items):
    """The tangent of ``kept = distinct(items)`` given the tangents ``h`` of ``items``: each
    kept item's own. Linear in ``h``; its transpose is ``distinct_adjoint``."""
    h = zeros_like(items) if _is_zero(h) else h
    return AdjointList(h[i] for i in _kept_positions(kept, items))


def distinct_adjoint(g, kept, items):
    """The derivative of ``items`` from ``g``, that of ``kept = distinct(items)``: each
    kept item's to the item it is, zero to the equal items the set dropped."""
    result = AdjointList(zeros_like(item) for item in items)
    if not _is_zero(g):
        for j, i in enumerate(_kept_positions(kept, items)):
            result[i] = result[i] + g[j]
    return result


def _is_zero(g):
    return g is None or isinstance(g, (int, float)) and not isinstance(g, bool) and g == 0


def deleted_positions(items, lower, upper, step):
    """The positions ``del items[lower:upper:step]`` removes, last first (so popping them
    in turn removes those items); the error Python or NumPy raises where ``items`` is an
    array or a tuple."""
    if isinstance(items, _NDARRAY):
        raise ValueError("cannot delete array elements")
    if not isinstance(items, list):
        raise TypeError(f"'{type(items).__name__}' object doesn't support item deletion")
    return sorted(range(*slice(lower, upper, step).indices(len(items))), reverse=True)


def outer_value(value):
    """The value of a global or closure variable the function rebinds, as it is when the
    code starts, under a name of its own: no pass replaces that name by the outer one,
    which would be read again after the function wrote the variable."""
    return value


def store_global(name, value):
    """``global name; name = value`` in the function calling this (generated code runs
    with the user function's globals): the module global rebound, as the function does."""
    sys._getframe(1).f_globals[name] = value


def store_nonlocal(name, value, current):
    """``nonlocal name; name = value`` in the generated code calling this, which shares the
    user function's closure cells: the cell ``name`` of the caller's frame set to ``value``.
    ``current`` is the cell's value, read by the caller so that its frame holds the cell
    (a frame holds only the free variables its code reads)."""
    frame = sys._getframe(1)
    if name not in frame.f_code.co_freevars:
        raise RuntimeError(f"astgrad: the generated code holds no closure cell '{name}' to write into")
    if sys.version_info >= (3, 13):
        frame.f_locals[name] = value            # a write-through view of the frame's variables
        return
    import ctypes
    frame.f_locals[name] = value                # a snapshot of the variables, written back:
    ctypes.pythonapi.PyFrame_LocalsToFast(ctypes.py_object(frame), ctypes.c_int(0))


def is_sequence(value):
    return isinstance(value, (list, tuple))


_SEQUENCE_FLAG, _MAPPING_FLAG = 1 << 5, 1 << 6    # CPython's Py_TPFLAGS_SEQUENCE / _MAPPING


def matches_sequence(value, length, exact):
    """Whether a ``match`` sequence pattern of ``length`` items (at least that many
    when it has a ``*_``) fits ``value``. Python decides by the type's sequence flag
    (set by collections.abc.Sequence, and by NumPy 2.5 for ndarray), not by isinstance."""
    return bool(type(value).__flags__ & _SEQUENCE_FLAG) and not isinstance(value, (str, bytes, bytearray)) \
        and (len(value) == length if exact else len(value) >= length)


def matches_mapping(value, keys):
    """Whether a ``match`` mapping pattern with these keys fits ``value`` (the type's
    mapping flag, as Python decides)."""
    return bool(type(value).__flags__ & _MAPPING_FLAG) and all(key in value for key in keys)


def matches_class(value, cls, attributes):
    """Whether a ``match`` class pattern ``cls(attr=...)`` fits ``value``."""
    if not isinstance(cls, type):
        raise TypeError(f"called match pattern must be a class, not {type(cls).__name__}")
    return isinstance(value, cls) and all(hasattr(value, name) for name in attributes)


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


def zeros_if_plain(g, value):
    """``g``, or zeros shaped like the array ``value`` (or its saved ShapeInfo) where ``g``
    is a plain number zero: the derivative of a name a try body bound where nothing that
    ran read it, which an array's rule (a reshape's) needs with the array's shape."""
    if not _is_zero_placeholder(g):
        return g
    if isinstance(value, numpy.ndarray):
        return zeros_like(value)
    if isinstance(value, ShapeInfo):
        return numpy.zeros(value.shape, value.dtype if numpy.issubdtype(value.dtype, numpy.inexact) else numpy.float64)
    return g


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


def in_place(value, like, derivative=False, op=None):
    """What ``y op= v`` leaves in ``y``, where ``value`` is ``y op v``, ``like`` is ``y``
    and ``op`` the augmented operator written (``"*="``), which an error names.

    On an array NumPy writes the result into ``y``: it keeps ``y``'s dtype and shape,
    casting with the rule 'same_kind' (float64 into float32 rounds; float into an int
    array raises UFuncTypeError, as does a result broadcast wider than ``y``). On a
    number Python rebinds ``y`` to the result, so ``value`` is returned as it is. In the
    common case (same dtype and shape) nothing is copied. Linear in ``value``.
    ``derivative``: ``value`` is a derivative, which an int or bool ``y`` (no derivative
    passes into it) takes as float zeros of its shape."""
    if type(like) is float or not isinstance(like, _NDARRAY):     # the hot path of s += ...
        return value
    if not like.flags.writeable and not derivative:     # a read-only array: NumPy's error, as y op= v raises
        raise ValueError("output array is read-only")
    if type(value) is _NDARRAY and value.dtype == like.dtype and value.shape == like.shape:
        return value
    if derivative and like.dtype.kind in "biu":
        return numpy.zeros(like.shape)
    out = numpy.empty(like.shape, like.dtype)
    try:
        numpy.positive(value, out=out, casting="same_kind")     # NumPy's own cast and errors
    except TypeError as error:
        if getattr(error, "ufunc", None) is numpy.positive:
            _as_users_cast(error, op, sys._getframe(1))
        raise
    return out


# the augmented operator of each operator node (the normalizer passes it to in_place), and
# the ufunc NumPy names where y op= v cannot cast the result into the array y
AUGMENTED_SYMBOLS = {
    "Add": "+=", "Sub": "-=", "Mult": "*=", "Div": "/=", "FloorDiv": "//=", "Mod": "%=", "Pow": "**=",
    "MatMult": "@=", "BitAnd": "&=", "BitOr": "|=", "BitXor": "^=", "LShift": "<<=", "RShift": ">>="}
_AUGMENTED_UFUNCS = {
    "+=": numpy.add, "-=": numpy.subtract, "*=": numpy.multiply, "/=": numpy.divide,
    "//=": numpy.floor_divide, "%=": numpy.remainder, "**=": numpy.power, "@=": numpy.matmul,
    "&=": numpy.bitwise_and, "|=": numpy.bitwise_or, "^=": numpy.bitwise_xor,
    "<<=": numpy.left_shift, ">>=": numpy.right_shift}


def _as_users_cast(error, op, frame):
    """NumPy's casting error of ``in_place``'s cast, made the one ``y op= v`` raises in
    the user's code: it names the ufunc of ``op`` (not the 'positive' the cast runs) and
    carries a note with the user's line, found from the generated line that called."""
    from .core.generated_text import origin
    if op in _AUGMENTED_UFUNCS:
        error.ufunc = _AUGMENTED_UFUNCS[op]
        error.args = (error.ufunc,) + error.args[1:]
    while frame is not None and origin(frame.f_code.co_filename, frame.f_lineno) is None:
        frame = frame.f_back
    if frame is None:
        return
    filename, line = origin(frame.f_code.co_filename, frame.f_lineno)
    text = linecache.getline(filename, line).strip()
    note = (f"{filename}:{line}: {text}: {op or 'op='} writes the result into the array, which keeps its "
            "dtype; bind the result instead (y = y + v), or make the array a float array (y = x.astype(float))")
    error.__notes__ = [*getattr(error, "__notes__", ()), note]


def rebound_item(item, where):
    """Checked before ``y op= v`` runs as ``y = y op v``, where ``y`` is the item a loop
    over a list gives and another name holds that list (``for y in xs.copy(): y *= w``):
    on a number (or a string or tuple) Python binds the result to ``y`` alone, and the
    list keeps its item. On an array or a list ``op=`` changes the item itself, which the
    list shows, and which astgrad cannot follow: refused, with ``where`` (the line, and
    what to write instead)."""
    if isinstance(item, (numbers.Number, str, bytes, tuple)) and not isinstance(item, numpy.ndarray):
        return
    raise TypeError(f"astgrad: {where} (it holds a {type(item).__name__} here)")


# -- broadcasting and reductions ----------------------------------------------------------

def _fit(g, shape):
    """``g`` summed over the axes where it is wider than ``shape`` and broadcast over
    the axes where it is narrower. The map is linear and its transpose is
    ``_fit(., shape of g)``: unbroadcast and broadcast_like are both this map."""
    array = type(g) is _NDARRAY
    g_shape = g.shape if array else numpy.shape(g)
    if g_shape == shape:
        return g
    extra = len(g_shape) - len(shape)
    if extra > 0:
        # the ndarray method computes what numpy.sum does, without its dispatch (a backward
        # pass's bias gradients come here)
        g = g.sum(axis=tuple(range(extra))) if array else numpy.sum(g, axis=tuple(range(extra)))
        g_shape = g_shape[extra:]
        if array and g_shape == shape:
            return g
    elif extra < 0:
        g_shape = (1,) * -extra + g_shape
        g = numpy.reshape(g, g_shape)
    axes = tuple(i for i, (m, n) in enumerate(zip(g_shape, shape)) if m != n and n == 1)
    if axes:
        g = g.sum(axis=axes, keepdims=True) if type(g) is _NDARRAY else numpy.sum(g, axis=axes, keepdims=True)
    if numpy.shape(g) != shape:
        g = numpy.broadcast_to(g, shape)
    return g


_FLOAT64 = numpy.float64
_FLOAT64_DTYPE = numpy.dtype(numpy.float64)


def _same_shape(g, x):
    """A fast check for the common case where there is nothing to do."""
    tg, tx = type(g), type(x)
    if tg is float and tx is float:
        return True
    if tg is _FLOAT64:              # a float64 scalar against one, or against a 0-d float64 array
        return tx is _FLOAT64 or (tx is numpy.ndarray and x.shape == () and x.dtype == _FLOAT64_DTYPE)
    return tg is numpy.ndarray and (tx is numpy.ndarray or tx is ShapeInfo) and g.shape == x.shape


_LIST_LENGTH_CHANGED = (
    "astgrad: '+' or '*' on lists concatenates or repeats them, and a slice write xs[i:j] = v may change a "
    "list's length; that cannot be differentiated here, where astgrad could not see when it generated the code "
    "that the operand is a list, or where another name, a container or a call may hold the list written (an "
    "argument, an alias). Write list(xs) + ys (or list(xs) * n), build the list with append, or use "
    "numpy.concatenate; for a slice write, build the new list (xs = xs[:i] + list(v) + xs[j:]).")


def unbroadcast(g, x):
    """Sum ``g`` down to the shape of ``x``: the adjoint of NumPy broadcasting. A
    complex ``g`` reaching a real ``x`` (a real operand of a complex product) keeps its
    real part, the adjoint of a real value (see numpy.fft below)."""
    if _same_shape(g, x):
        if type(g) is _NDARRAY and g.dtype.kind == "c" and x.dtype.kind != "c":
            return g.real
        return g
    if isinstance(g, AdjointDict) and not isinstance(x, dict):
        if type(x) is _AbsentZero or not _has_own_operators(x):
            # an object stored whole (self.f, self.dt = f, dt), or the zero a derivative dict
            # gives for an object it lacks (d_m['cfg']['s']): nothing broadcast it
            return g
        _refuse_object_operator(x)       # an object's own operator (a dict: a copy of one; derivatives add at a second order)
    if isinstance(g, (_NDARRAY, numpy.generic)) and g.dtype.kind == "c" \
            and not isinstance(x, (list, tuple, dict)) and not numpy.iscomplexobj(x):
        g = numpy.real(g)
    if isinstance(x, (list, tuple)):
        if isinstance(g, (list, tuple)) and len(g) == len(x):
            return g
        if _is_zero_placeholder(g):     # a list's zero, whatever its length (zero_index)
            return zeros_like(x)
        if not isinstance(g, numpy.ndarray):
            raise TypeError(_LIST_LENGTH_CHANGED)
    elif isinstance(g, list) and type(x) is _NDARRAY and x.ndim and len(g) != len(x):
        # the items of a list a slice write of x put in (xs[0:1] = x, two items for one)
        _refuse_length_changing_slice_write()
    elif _runs_own_operators(x) and not _is_zero_placeholder(g):
        _refuse_object_operator(x)       # its operator ran the class's code, whose derivative this is not
    return _fit(_like_dtype(g, x), numpy.shape(x))


def broadcast_like(g, x):
    """``g`` broadcast to the shape of ``x`` (the transpose of ``unbroadcast``)."""
    if _same_shape(g, x):
        return g
    if isinstance(g, AdjointDict) and not isinstance(x, dict):
        if not _has_own_operators(x):
            return g
        _refuse_object_operator(x)
    if isinstance(x, (list, tuple)):
        if isinstance(g, (list, tuple)) and len(g) == len(x):
            return g
        if _is_zero_placeholder(g):
            return zeros_like(x)
        if type(x) is AdjointList and type(g) is _NDARRAY and g.ndim and len(g) == len(x):
            # a derivative list plus an array (d_xs + dot_adjoint(...)) adds row by row: its
            # tangent is the rows, not a concatenation (forward over reverse of a list argument)
            return g
        raise TypeError(_LIST_LENGTH_CHANGED)
    return _fit(_like_dtype(g, x), numpy.shape(x))


def outer_operand(x, other):
    """``x`` with an axis of length 1 added for each axis of ``other``: the first operand of
    ``ufunc.outer(x, other)``, lined up so the ufunc broadcasts it against ``other``."""
    return numpy.reshape(x, numpy.shape(x) + (1,) * numpy.ndim(other))


def unouter(g, x):
    """``g`` summed over its trailing axes down to the shape of ``x``: the adjoint of
    ``outer_operand`` (the transpose of ``outer_spread``)."""
    axes = tuple(range(numpy.ndim(x), numpy.ndim(g)))
    return unbroadcast(numpy.sum(g, axis=axes) if axes else g, x)


def outer_spread(t, g):
    """``t`` with trailing axes added and broadcast to the shape of ``g``: the transpose of
    ``unouter(g, t)``."""
    lined = numpy.reshape(t, numpy.shape(t) + (1,) * (numpy.ndim(g) - numpy.ndim(t)))
    return numpy.broadcast_to(lined, numpy.shape(g))


def _reduced_axes(ndim, axis):
    """The normalized tuple of axes a reduction over ``axis`` combines."""
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, numbers.Integral) else tuple(axis)
    return tuple(sorted(int(a) % ndim for a in axes)) if ndim else ()


def unreduce(g, x, axis=None, keepdims=False, where=True):
    """Spread the adjoint ``g`` of a reduction of ``x`` over ``axis`` back to x's shape;
    ``where`` is the reduction's mask (``numpy.sum(x, where=m)``): 0 where it is False."""
    if type(g) is not _NDARRAY and getattr(g, "of_object", False):
        _refuse_reduced_object(g)
    shape = numpy.shape(x)
    g = _like_dtype(g, x)
    if axis is not None and not keepdims:
        g = numpy.expand_dims(g, _reduced_axes(len(shape), axis))
    if where is not True:       # a mask may broadcast to x (a row for every row): x's shape still
        g = numpy.where(where, g, numpy.zeros((), dtype=numpy.result_type(g)))
    return numpy.broadcast_to(g, shape)


def _refuse_reduced_object(g):
    """A NumPy reduction (``np.sum(v)``) that gave an object: NumPy hands an object the
    reduction of it (``v`` itself, or what its ``sum`` method gives), whose derivative is
    not a reduction's."""
    raise TypeError("astgrad differentiates NumPy's reductions (np.sum, np.mean, ...) of numbers and arrays, not "
                    "of an object of a class with code of its own, which NumPy hands back (or asks its own method "
                    "for); compute the value from the object's arrays instead (np.sum(v.a))")


def repeat_count(x, axis=None, keepdims=False, where=True):
    """How many elements a reduction over ``axis`` combines (for mean, var, std): a
    number, or with a mask ``where`` the count of each result's elements it keeps."""
    shape = numpy.shape(x)
    if where is not True:
        return numpy.sum(numpy.broadcast_to(where, shape), axis=axis, keepdims=keepdims)
    return int(numpy.prod([shape[a] for a in _reduced_axes(len(shape), axis)], dtype=int))


def tie_weights(x, y, axis=None, keepdims=False, initial=None):
    """Where ``x`` attains its max/min ``y`` over ``axis``: 1/(number of ties), else 0.

    astgrad splits the derivative of max/min evenly among ties (as JAX and autograd
    do), so the result is the average of the one-sided derivatives. An ``initial``
    value (``numpy.max(x, initial=v)``) equal to ``y`` is one more of the ties.
    """
    dtype = _float_dtype(x) or numpy.float64
    mask = as_array(x == unreduce(y, x, axis, keepdims), dtype=dtype)
    count = numpy.sum(mask, axis=axis, keepdims=True) + _initial_ties(y, x, axis, keepdims, initial)
    return mask / numpy.maximum(count, 1.0)


def _initial_ties(y, x, axis, keepdims, initial):
    """1 where ``initial`` is the max/min ``y`` (shaped as a reduction of ``x`` with
    its axes kept), else 0; 0 without an initial value."""
    if initial is None:
        return 0.0
    return as_array(unreduce(y, x, axis, keepdims) == initial, dtype=_float_dtype(x) or numpy.float64) \
        if numpy.ndim(x) else float(y == initial)


def initial_weight(x, y, axis=None, keepdims=False, initial=None):
    """The share of the derivative of ``y = numpy.max(x, axis, initial=initial)`` (or min)
    that goes to ``initial``: 1/(number of ties) where it is ``y``, else 0; shaped as ``y``."""
    if initial is None:
        return 0.0
    wins = numpy.asarray(y == initial, dtype=_float_dtype(x) or numpy.float64)
    ties = numpy.sum(numpy.asarray(x == unreduce(y, x, axis, keepdims)), axis=axis, keepdims=keepdims)
    return wins / (ties * wins + 1.0)


def _weak_float_dtype(*values):
    """The float dtype NumPy gives arithmetic on ``values`` (Python numbers are weak)."""
    return numpy.result_type(*[_typed(v) for v in values if v is not None], 1.0)


def _typed(value):
    """``value`` as numpy.result_type takes it: a list or tuple of numbers as an array
    (result_type reads a list as the fields of a structured dtype)."""
    return numpy.asarray(value) if isinstance(value, (list, tuple)) else value


def select_weight(x, y):
    """1 where ``x > y``, 1/2 where they tie, 0 elsewhere (broadcast): how much of the
    derivative of ``maximum(x, y)`` goes to ``x`` (ties split evenly)."""
    weight = numpy.where(numpy.greater(x, y), 1.0, numpy.where(numpy.equal(x, y), 0.5, 0.0))
    weight = as_array(weight, dtype=_weak_float_dtype(x, y))
    return weight if weight.ndim else weight[()]


def _extremum_items(args):
    """The values builtin max/min chose from: its arguments, or the items of its one
    iterable argument."""
    return list(args) if len(args) > 1 else list(args[0])


def _extremum_weights(items, y, key):
    """How much of the derivative of ``y = max(...)`` (or min) goes to each item: the
    item returned, ties split evenly (as for numpy.maximum); with a ``key``, Python
    returns the first item of largest key, and that item gets all of it."""
    if key is not None:
        first = next((i for i, item in enumerate(items) if item is y), None)
        if first is None:
            first = next(i for i, item in enumerate(items) if key(item) == key(y))
        return [1.0 if i == first else 0.0 for i in range(len(items))]
    # `item is y` also marks the item returned when comparisons fail (NaN)
    equal = [numpy.logical_or(numpy.equal(item, y), item is y) for item in items]
    count = sum(as_array(e, dtype=numpy.float64) for e in equal)
    return [as_array(e, dtype=numpy.float64) / numpy.maximum(count, 1.0) for e in equal]


def _weighted(g, w):
    """``g * w`` for a weight of ``_extremum_weights``, where a weight of exactly 0 (an
    item max/min did not return) passes nothing on, even an infinite derivative (0, not
    NaN: ``np.sqrt(max(x, 0.0))`` at x < 0), as the twin of ``zero_safe`` reads 0 * inf."""
    with numpy.errstate(invalid="ignore"):          # 0 * inf, replaced below: no warning for it
        product = g * w
    if not isinstance(product, (float, numpy.inexact, _NDARRAY)) or not numpy.any(numpy.isnan(product)):
        return product
    zero = numpy.equal(w, 0)
    if type(product) is not _NDARRAY:
        return type(product)(0.0) if zero else product
    return numpy.where(zero, numpy.zeros_like(product), product)


def extremum_part(g, args, y, argnum, key=None):
    """The adjoint of argument ``argnum`` of ``y = max(*args, key=key)`` (or min): for
    one iterable argument, one derivative per item (an AdjointList for a list); none
    for a dict, whose keys Python compares."""
    if len(args) == 1 and isinstance(args[0], dict):
        return AdjointDict()
    if len(args) == 1:
        _own_iteration(args[0])
    items = _extremum_items(args)
    weights = _extremum_weights(items, y, key) if items else []
    if len(args) > 1:
        return unbroadcast(_like_dtype(_weighted(g, weights[argnum]), args[argnum]), args[argnum])
    iterable = args[0]
    parts = [_fit(_like_dtype(_weighted(g, w), item), numpy.shape(item)) for w, item in zip(weights, items)]
    if isinstance(iterable, numpy.ndarray):
        out = numpy.zeros(iterable.shape, dtype=_float_dtype(iterable) or numpy.float64)
        for i, part in enumerate(parts):
            out[i] = part
        return out
    return AdjointList(parts)


def extremum_gather(t, args, y, argnum, key=None):
    """The tangent of ``y = max(*args, key=key)`` (or min) from argument ``argnum``'s
    tangent ``t``: the transpose of ``extremum_part`` (0 for a dict's keys)."""
    if len(args) == 1 and isinstance(args[0], dict):
        return zeros_like(y)
    if len(args) == 1:
        _own_iteration(args[0])
    items = _extremum_items(args)
    weights = _extremum_weights(items, y, key) if items else []
    if len(args) > 1:
        return broadcast_like(_weighted(t, weights[argnum]), y)
    total = 0.0
    for w, part in zip(weights, t):
        total = total + _weighted(part, w)
    return _fit(_like_dtype(total, y), numpy.shape(y))


def if_empty(g, args, like):
    """``g`` if max/min's one iterable argument is empty (so the result is its
    ``default``), else a zero shaped like ``like``. Linear in g; its own transpose."""
    if len(args) == 1 and len(args[0]) == 0:
        return g
    return zeros_like(like)


def clip_weight(a, a_min, a_max, which):
    """The share of the derivative of ``clip(a, a_min, a_max)`` that goes to ``a``
    (which=0), ``a_min`` (1) or ``a_max`` (2), reading clip as
    ``minimum(maximum(a, a_min), a_max)`` with ties split evenly (as maximum does). A
    Python int bound is compared as an array (clip takes -1 for a uint8 ``a``; maximum
    would not)."""
    a_min, a_max = (numpy.asarray(v) if type(v) is int else v for v in (a_min, a_max))
    low = a if a_min is None else numpy.maximum(a, a_min)
    if which == 2:
        w = select_weight(low, a_max)
    else:
        w = 1.0 if a_max is None else select_weight(a_max, low)
        if a_min is not None:
            w = w * (select_weight(a, a_min) if which == 0 else select_weight(a_min, a))
    shape = numpy.broadcast_shapes(*[numpy.shape(v) for v in (a, a_min, a_max) if v is not None])
    w = numpy.broadcast_to(as_array(w, dtype=_weak_float_dtype(a, a_min, a_max)), shape)
    return w if shape else w[()]


# -- zero derivatives stay zero -------------------------------------------------------
#
# A where's untaken branch gets a derivative of exactly 0, but the local derivative of
# that branch may be inf or nan there (sqrt at x < 0, sin(x)/x at 0, sin of a masked
# inf), and in IEEE arithmetic 0 * inf is nan; in forward mode an infinite tangent meets
# the weight 0 of the unselected side of a maximum. Generated code first runs with plain
# ``*``, ``/`` and ``**``; only if that gives a NaN or a Python ZeroDivisionError does
# ``run_derivative`` run the exact twin of the code in which the rule templates
# multiply and divide derivatives with ``scale`` and ``over`` (see modes/templates.py), which
# read 0 * inf as 0.
#
# That reading is right only for an exact zero. A nonzero derivative that arithmetic
# rounded to 0 (divided by a value that overflowed to inf, as log's 1 / x at the inf of
# an overflowed exp, or a product or power that underflowed) is a vanishing quantity,
# and its product with an infinite one can be anything: the twin writes such a zero as
# NaN, so its answer is right or NaN, never a silent finite wrong number.

def _nan_to_zero_where_zero(value, *factors):
    """``value`` with each NaN replaced by 0 where one of ``factors`` is exactly 0."""
    if isinstance(value, numpy.ndarray) or is_duck_array(value):
        if is_duck_array(value) or numpy.isnan(value).any():     # lazily for a Dask array
            zero = functools.reduce(numpy.logical_or, [numpy.equal(f, 0) for f in factors])
            return numpy.where(zero & numpy.isnan(value), numpy.zeros((), value.dtype), value)
        return value
    if isinstance(value, numbers.Number) and value != value and any(numpy.all(numpy.equal(f, 0)) for f in factors):
        return numpy.zeros((), value.dtype)[()] if isinstance(value, numpy.generic) else 0.0
    return value


def _nan_where_rounded_to_zero(value, *operands):
    """``value`` with NaN where it is 0 though each of ``operands`` is not: a quantity
    that arithmetic rounded to 0 (``1 / inf``, an underflow), not an exact zero."""
    if isinstance(value, numpy.ndarray) or is_duck_array(value):
        if value.dtype.kind not in "fc":        # integers do not round to 0
            return value
        rounded = functools.reduce(numpy.logical_and, [numpy.not_equal(o, 0) for o in operands],
                                   numpy.equal(value, 0))
        if is_duck_array(value) or rounded.any():
            return numpy.where(rounded, numpy.full((), numpy.nan, value.dtype), value)
        return value
    if isinstance(value, numbers.Number) and value == 0 and all(numpy.all(numpy.not_equal(o, 0)) for o in operands):
        return value * math.nan
    return value


def scale(g, factor):
    """``g * factor`` for a derivative ``g``, but 0 (not NaN) where either is exactly 0,
    even where the other is inf or nan: no derivative arrives where ``g`` is 0, and none
    passes where the local derivative ``factor`` is 0 (the unselected side of a
    maximum). NaN where the product of two nonzero numbers underflowed to 0."""
    with numpy.errstate(invalid="ignore", under="ignore"):
        return _nan_to_zero_where_zero(_nan_where_rounded_to_zero(g * factor, g, factor), g, factor)


def over(g, divisor):
    """``g / divisor`` for a derivative ``g``, but 0 wherever ``g`` is 0, and NaN where a
    nonzero ``g`` came out 0 (divided by inf: a vanishing quotient, not an exact zero);
    a Python number divided by 0 gives +-inf (nan for nan) as in NumPy, not
    ZeroDivisionError."""
    try:
        with numpy.errstate(invalid="ignore", divide="ignore", under="ignore"):
            quotient = g / divisor
    except ZeroDivisionError:
        if g == 0:
            return 0.0
        if g != g:
            return g
        return math.copysign(math.inf, g) * math.copysign(1.0, divisor)
    return _nan_to_zero_where_zero(_nan_where_rounded_to_zero(quotient, g), g)


def power(x, exponent):
    """``x ** exponent`` (a local derivative's power); a Python 0.0 to a negative power
    is +-inf as in NumPy, not ZeroDivisionError (the local derivative of ``x ** 0.5`` at
    0 is infinite); NaN where a nonzero ``x`` gave 0 (inf to a negative power, an
    underflow): a vanishing factor, not an exact zero."""
    try:
        with numpy.errstate(under="ignore"):
            result = x ** exponent
    except ZeroDivisionError:
        with numpy.errstate(divide="ignore"):
            return float(numpy.power(float(x), float(exponent)))
    return _nan_where_rounded_to_zero(result, x)


def inverse_or_zero(y):
    """``1 / y``, but 0 where ``y`` is 0: the derivative astgrad gives norms and standard
    deviations where they are 0 (0 is a subgradient there, as for abs at 0; for a std
    over one element it is the true derivative: that std is 0 whatever the element)."""
    if isinstance(y, numpy.ndarray) or is_duck_array(y):
        zero = y == 0
        with numpy.errstate(divide="ignore"):
            inverse = 1.0 / numpy.where(zero, 1.0, y)
        return numpy.where(zero, numpy.zeros((), inverse.dtype), inverse)
    if y == 0:
        return y * 0.0
    return 1.0 / y


def det_cofactors(a):
    """The cofactor matrix of (a stack of) square matrices: the derivative of det(a)
    with respect to a. Computed from an SVD, so it is finite (and exact) for singular
    matrices too, where det(a) * inv(a).T cannot be formed."""
    a = numpy.asarray(a)
    if a.shape[-1] == 0:
        return numpy.zeros(a.shape, dtype=_float_dtype(a) or numpy.float64)
    u, s, vh = numpy.linalg.svd(a)
    n = s.shape[-1]
    # prod over j != i of s_j, without dividing by a zero s_i
    others = numpy.stack([numpy.prod(numpy.delete(s, i, axis=-1), axis=-1) for i in range(n)], axis=-1)
    sign = numpy.linalg.det(u) * numpy.linalg.det(vh)
    # adj(a) = det(u) det(vh) vh^H diag(others) u^H (conjugate transposes: u, vh are unitary
    # for a complex a); the cofactor matrix is adj(a)^T
    adjugate = numpy.matmul(_adjoint_matrix(vh) * others[..., None, :], _adjoint_matrix(u))
    return numpy.swapaxes(adjugate, -1, -2) * sign[..., None, None]


def _adjoint_matrix(m):
    """The conjugate transpose of (a stack of) matrices (the transpose of real ones)."""
    t = numpy.swapaxes(m, -1, -2)
    return numpy.conj(t) if numpy.iscomplexobj(t) else t


# Higher derivatives of det, finite at singular matrices. With a = u diag(s) vh (SVD)
# and sign = det(u) det(vh), det(a + h) = sign * det(diag(s) + x) for x = u^H h vh^H,
# and det(diag(s) + x) = sum over index sets J of det(x[J, J]) * prod_{l not in J} s_l.
# So every derivative of det is a polynomial in s and x: no inverse, no division.

def _svd_frame(a):
    """u, s, vh and sign = det(u) det(vh) of (a stack of) square matrices."""
    u, s, vh = numpy.linalg.svd(a)
    return u, s, vh, numpy.linalg.det(u) * numpy.linalg.det(vh)


def _products_of_others(s):
    """prod over l != i of s[..., l], for each i, without dividing (s may hold zeros)."""
    ones = numpy.ones_like(s[..., :1])
    before = numpy.cumprod(numpy.concatenate([ones, s[..., :-1]], axis=-1), axis=-1)
    after = numpy.cumprod(numpy.concatenate([ones, s[..., :0:-1]], axis=-1), axis=-1)[..., ::-1]
    return before * after


def _products_excluding(s, count):
    """p[..., i_1, ..., i_count] = prod of s[..., l] over l not in {i_1, ..., i_count}, and
    0 where two of the indices are equal (such terms do not occur in det's expansion)."""
    n = s.shape[-1]
    axes = [numpy.arange(n).reshape((1,) * k + (n,) + (1,) * (count - 1 - k)) for k in range(count)]
    # v[..., i_1, ..., i_{count-1}, l] = 1 where l is one of the first i's, else s_l;
    # _products_of_others then leaves out l = i_count as well
    excluded = numpy.zeros((n,) * count, dtype=bool)
    for i in axes[:-1]:
        excluded = excluded | (i == axes[-1])
    v = numpy.where(excluded, numpy.ones((), s.dtype), s[(...,) + (None,) * (count - 1) + (slice(None),)])
    p = _products_of_others(v)
    distinct = numpy.ones((n,) * count, dtype=bool)
    for k, i in enumerate(axes):
        for j in axes[:k]:
            distinct = distinct & (i != j)
    return numpy.where(distinct, p, numpy.zeros((), p.dtype))


def _in_frame(u, h, vh):
    """x = u^H h vh^H: h in the coordinates where a is diag(s) (u^T h vh^T for a real a)."""
    return numpy.matmul(_adjoint_matrix(u), numpy.matmul(h, _adjoint_matrix(vh)))


def _from_frame(u, m, vh, sign):
    """sign * conj(u) m conj(vh): a gradient in the diag(s) coordinates, back in a's
    (the transpose of _in_frame; complex gradients are not conjugated)."""
    if numpy.iscomplexobj(u):
        u, vh = numpy.conj(u), numpy.conj(vh)
    return numpy.matmul(u, numpy.matmul(m, vh)) * sign[..., None, None]


def _diagonal_matrix(d):
    return d[..., :, None] * numpy.eye(d.shape[-1], dtype=d.dtype)


def cofactors_change(a, h):
    """The derivative of det_cofactors(a) along h: the gradient of the second derivative
    d2 det(a)[h, .], finite at singular matrices too. Linear in h, and self-adjoint: <g,
    cofactors_change(a, h)> = d2 det(a)[h, g] is symmetric in h and g."""
    a, h = numpy.asarray(a), numpy.asarray(h)
    if a.shape[-1] == 0:
        return numpy.zeros(numpy.broadcast_shapes(a.shape, h.shape), dtype=_float_dtype(a) or numpy.float64)
    u, s, vh, sign = _svd_frame(a)
    x = _in_frame(u, h, vh)
    p = _products_excluding(s, 2)       # p[i, j] = prod over l not in {i, j} of s_l
    # in the frame: m[i, j] = -x[j, i] p[i, j] (i != j), m[i, i] = sum over k != i of x[k, k] p[i, k]
    m = -numpy.swapaxes(x, -1, -2) * p
    m = m + _diagonal_matrix(numpy.matmul(p, numpy.diagonal(x, axis1=-2, axis2=-1)[..., None])[..., 0])
    return _from_frame(u, m, vh, sign)


def cofactors_second_change(a, h, k):
    """The derivative of cofactors_change(a, h) along k: the gradient of the third
    derivative d3 det(a)[h, k, .], finite at singular matrices too. Linear in h and in k,
    symmetric in them, and <g, cofactors_second_change(a, h, k)> = d3 det(a)[h, k, g]."""
    a, h, k = numpy.asarray(a), numpy.asarray(h), numpy.asarray(k)
    if a.shape[-1] == 0:
        shape = numpy.broadcast_shapes(a.shape, h.shape, k.shape)
        return numpy.zeros(shape, dtype=_float_dtype(a) or numpy.float64)
    u, s, vh, sign = _svd_frame(a)
    x, y = _in_frame(u, h, vh), _in_frame(u, k, vh)
    p = _products_excluding(s, 3)       # p[i, j, q] = prod over l not in {i, j, q} of s_l
    xd, yd = numpy.diagonal(x, axis1=-2, axis2=-1), numpy.diagonal(y, axis1=-2, axis2=-1)
    px = numpy.matmul(p, xd[..., None, :, None])[..., 0]     # sum over q of p[i, j, q] x[q, q]
    py = numpy.matmul(p, yd[..., None, :, None])[..., 0]
    xt, yt = numpy.swapaxes(x, -1, -2), numpy.swapaxes(y, -1, -2)
    # off the diagonal (p is 0 where i == j): the permutations of {i, j, q} taking i to j
    m = -xt * py - yt * px + numpy.einsum("...ijq,...jq,...qi->...ij", p, x, y) \
        + numpy.einsum("...ijq,...jq,...qi->...ij", p, y, x)
    # on it: the permutations of {i, r, q} fixing i
    diagonal = numpy.einsum("...irq,...r,...q->...i", p, xd, yd) - numpy.einsum("...irq,...rq,...qr->...i", p, x, y)
    return _from_frame(u, m + _diagonal_matrix(diagonal), vh, sign)



# -- indexing -------------------------------------------------------------------------

def _has_advanced(index):
    items = index if isinstance(index, tuple) else (index,)
    for item in items:
        if isinstance(item, (list, numpy.ndarray)) and not (
                isinstance(item, numpy.ndarray) and item.dtype == bool):
            return True
    return False


def written_part(g, index):
    """``g[index]``, except that where ``index`` repeats an element only its last
    occurrence keeps its value and the others are zero: ``y[index] = v`` keeps the last
    write of each element (as NumPy does), so only that part of ``v`` reaches ``y``.
    A number ``g`` is the derivative of a 0-d array, read as one, or a zero not yet
    shaped (a loop's turn that never read ``y``), whose every part is that zero."""
    if isinstance(g, (float, int, complex)):
        if g == 0:
            return g
        g = numpy.asarray(g)
    part = g[index]
    if not _has_advanced(index):
        return part                         # basic indexing and masks never repeat
    return numpy.where(_last_writes(numpy.shape(g), index, numpy.shape(part)), part, 0)


def through_store(g, container):
    """The derivative that passes through ``container[index] = v``: ``g`` (the derivative
    of ``v``, or of what was stored) unless ``container`` is an integer or bool array,
    which truncates what it stores: a piecewise-constant map, whose derivative is 0. A
    container whose class writes items with code of its own is refused (``own_items``)."""
    kind = type(container)
    if kind is _NDARRAY:
        return g if container.dtype.kind not in "biu" else zeros_like(g)
    if kind is not list and kind is not dict:
        own_items(container, "__setitem__")
    return g


_NOT_OBJECTS = (dict, list, tuple, numbers.Number, _NDARRAY, numpy.generic)


def unbroadcast_stored(g, value):
    """``unbroadcast(g, value)`` for ``container[index] = value``: an object stored whole
    as an item of a list or dict has as derivative a dict of its attributes' (an array
    item's is an array), which passes as it is, whatever operators its class defines (no
    operator of its ran). Any other value may broadcast, as an operand does."""
    if isinstance(g, AdjointDict) and not isinstance(value, _NOT_OBJECTS):
        return g
    return unbroadcast(g, value)


def added_at(total, y, index, values, subtract=False):
    """What ``numpy.add.at(y, index, values)`` (``subtract.at``) leaves in ``y``, an
    array: ``total`` (``y`` plus the values summed at each index) is the form
    differentiated, but NumPy rounds into ``y``'s dtype after each addition (an int
    array truncates each one; float32 rounds each), so repeated indices give another
    value. NumPy computes it on a copy; the derivative stays ``total``'s (none passes
    a store into an int array, as ``through_store`` says)."""
    if type(y) is not _NDARRAY:
        return total
    exact = y.copy()
    (numpy.subtract if subtract else numpy.add).at(exact, index, values)
    return exact


def at_positions(y, index):
    """The flat positions of ``y``'s elements that ``ufunc.at(y, index, v)`` changes, in
    the order NumPy takes them (a position once for each time ``index`` names it), in the
    shape of ``y[index]``, to which NumPy broadcasts ``v``; NumPy's IndexError where the
    index is out of bounds."""
    return numpy.arange(numpy.size(y)).reshape(numpy.shape(y))[index]


def at_places(positions, y):
    """The flat ``positions`` of ``y``'s elements (``at_positions``), in their order, as
    the index of each element in ``y`` (a tuple of ints; ``()`` for a 0-d ``y``, whose one
    element ``unravel_index`` cannot name)."""
    if numpy.ndim(y) == 0:
        return [()] * numpy.size(positions)
    return list(zip(*(axis.tolist() for axis in numpy.unravel_index(numpy.ravel(positions), numpy.shape(y)))))


def own_items(container, method):
    """A TypeError where the class of ``container`` defines ``method`` (``__setitem__``,
    ``__getitem__``) in Python code of its own: derivative code takes ``c[k] = v`` and
    ``c[k]`` as a list, a dict or an array stores and reads an item (a class doubling
    what it stores would get the derivative of the plain store); else nothing."""
    kind = type(container)
    if inspect.isfunction(getattr(kind, method, None)) and not getattr(kind, "astgrad_items", False) \
            and not (hasattr(container, "shape") and hasattr(container, "dtype")):     # an array's are followed
        raise TypeError(
            f"astgrad: this {'writes' if method == '__setitem__' else 'reads'} an item of a "
            f"{type(container).__name__}, whose {method} is its own code; astgrad follows the items of "
            "lists, dicts and arrays (and of classes that keep their item methods). Call a method "
            "of the object (obj.set(k, v)) or hold a list, a dict or an array")


def written_into(h, g, index):
    """Zeros shaped like ``g`` with ``h`` assigned at ``[index]`` (the last of repeated
    indices wins): the transpose of ``written_part``."""
    if isinstance(g, (list, tuple, dict)):
        return unindex(h, g, index)         # one key, one item: nothing repeats
    result = numpy.zeros(numpy.shape(g), dtype=_float_dtype(g) or numpy.float64)
    result[index] = h
    return result


def _last_writes(shape, index, part_shape):
    """For each element of ``y[index]``: whether ``y[index] = v`` keeps its value, i.e.
    whether it is the last write into its element of ``y``."""
    positions = numpy.arange(int(numpy.prod(part_shape))).reshape(part_shape)
    owner = numpy.full(shape, -1, dtype=positions.dtype)
    owner[index] = positions                # the same assignment, so the same winner
    return owner[index] == positions


def seed_shaped_like(seed, like):
    """The seed of gradient code's output (a gradient, shaped like the array ``like``)
    in that shape where it is a number (the default ``1.0``, which stands for itself in
    every element): the adjoint of ``unindex`` indexes it, as a 0-d array can be and a
    float cannot. ``like`` a NumPy scalar (a 0-d array's ``g * 2.0``) makes it one too.
    A seed given as an array, or ``like`` not an array, is left as it is."""
    if (type(like) is _NDARRAY or isinstance(like, numpy.inexact)) and isinstance(seed, numbers.Real):
        return seed * numpy.ones_like(like)
    return seed


def unindex(g, x, index):
    """Zeros shaped like ``x`` with ``g`` added at ``x[index]`` (repeats add up)."""
    if type(x) is _AbsentZero:          # every item of it is itself: zero whatever is read of it
        return x
    if type(x) is not _NDARRAY and type(x) not in _PLAIN_CONTAINERS:
        own_items(x, "__getitem__")
    if isinstance(x, (list, tuple)):
        result = AdjointList(zeros_like(item) for item in x)
        if isinstance(index, slice) and _is_zero_placeholder(g):
            return result           # the zero standing for a slice's derivative (an object's list)
        if isinstance(index, slice):
            for position, value in zip(range(*index.indices(len(x))), g):
                result[position] = add_derivatives(result[position], value)
        elif isinstance(index, numpy.ndarray):      # positions a rule took (numpy.take(fp, k), fp a list)
            for position, value in zip(index.ravel(), numpy.broadcast_to(g, index.shape).ravel()):
                result[position] = add_derivatives(result[position], value)
        else:
            result[index] = add_derivatives(result[index], g)   # None: a non-number's
        return result
    if isinstance(x, dict):
        result = AdjointDict((key, zeros_like(item)) for key, item in x.items())
        result[index] = add_derivatives(result[index], g)
        return result
    if (is_duck_array(x) or is_duck_array(g)) and not _has_advanced(index):
        return _unindex_lazily(g, x, index)
    if type(x) is _NDARRAY and x.dtype.kind == "O" and not isinstance(g, (numbers.Number, _NDARRAY, numpy.generic)):
        _is_float_dtype(x.dtype)        # an object's derivative read from an array of objects: refused
    result = numpy.zeros(numpy.shape(x), dtype=_float_dtype(x) or numpy.float64)
    if _has_advanced(index):
        if is_duck_array(g):                # Dask has no add.at: computed here
            g = numpy.asarray(g)
        numpy.add.at(result, index, g)      # integer arrays may repeat an element
    else:
        result[index] += g                  # basic indexing and masks never repeat
    return result


_PLAIN_CONTAINERS = (list, tuple, dict)


def _unindex_lazily(g, x, index):
    """``unindex`` for Dask arrays: a lazy write of ``g`` into lazy zeros (basic indices
    and masks never repeat an element, so writing is adding)."""
    like = x if is_duck_array(x) else g
    result = numpy.zeros_like(like, dtype=_float_dtype(x) or numpy.float64, shape=numpy.shape(x))
    result[index] = g
    return result


def item_position(x, index):
    """The indices of the element ``x.item(*index)`` reads: ``index`` empty (the one
    element of ``x``), a flat position (a negative one counts from the end, as ``item``
    does), a tuple of indices, or the indices themselves."""
    shape = numpy.shape(x)
    if not index:
        return (0,) * len(shape)
    if len(index) > 1 or isinstance(index[0], tuple):
        return tuple(index) if len(index) > 1 else index[0]
    position = operator.index(index[0])
    size = math.prod(shape)
    return tuple(int(i) for i in numpy.unravel_index(position + size if position < 0 else position, shape))


def loop_item(g, xs, index):
    """The derivative of the item a for loop takes from ``xs`` at step ``index``, given
    the derivative ``g`` of ``xs``: ``g[index]``; iterating a dict gives its keys, whose
    derivative is zero; so has each item where ``xs`` has none (None: a set of keys)."""
    if isinstance(xs, dict):
        return 0.0
    _own_iteration(xs)
    if g is None:
        return None
    return g[index]


def unloop_item(h, xs, index):
    """The transpose of ``loop_item``: zeros shaped like ``xs`` with ``h`` added at
    ``index`` (nothing for a dict, whose loop items are its keys)."""
    if isinstance(xs, dict):
        return zeros_like(xs)
    _own_iteration(xs)
    return unindex(h, xs, index)


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


# -- conversions ------------------------------------------------------------------------

def _refuse_own_conversion(x):
    """``float(x)`` (or a cast) of an object whose class converts itself with code of its
    own (``__float__``, ``__array__``): its derivative is that code's. ``x`` None: an
    object known only by its tangent (forward code converting it, ``numpy.asarray(p)``)."""
    if x is None:
        _refuse_conversion("an object of a class of yours, whose __array__ or __float__")
    for name in ("__float__", "__array__"):
        if hasattr(type(x), name):
            _refuse_conversion(f"an object of the class {type(x).__name__}, whose {name}")


def _refuse_conversion(what):
    raise TypeError(f"astgrad differentiates float() and casts of numbers and arrays, not of {what} it does "
                    "not follow; call a method or function computing the value from the object's arrays instead")


def cast_like(g, x, dtype=None):
    """``g`` with the shape and float dtype of ``x``: the adjoint of a conversion of
    ``x`` (``float(x)``, ``x.astype(...)``, ``numpy.float32(x)``).

    ``dtype`` is the conversion's target; a non-float target (``astype(int)``) has a
    zero derivative, so the result is zero. The map is linear; its transpose is
    ``cast_like(., g, dtype)``.
    """
    if isinstance(x, (list, tuple)):
        return unstack_like(g, x, dtype)
    if not isinstance(x, (numbers.Number, _NDARRAY, numpy.generic)) and not is_duck_array(x):
        _refuse_own_conversion(x)
    shape = numpy.shape(x)
    target = _float_dtype(x)
    if not _is_float_dtype(dtype):
        zero = numpy.zeros(shape, dtype=target or numpy.float64)
        return zero if isinstance(x, numpy.ndarray) else zero[()]
    if numpy.shape(g) != shape:
        g = numpy.reshape(g, shape)
    if target is not None and numpy.result_type(_typed(g)) != target:
        if target.kind != "c" and numpy.iscomplexobj(g):
            g = numpy.real(g)       # a real x's adjoint is the real part (see numpy.fft below)
        g = numpy.asarray(g, dtype=target)
        if not isinstance(x, numpy.ndarray):
            g = g[()]
    elif target is None and type(g) is not float and numpy.iscomplexobj(g) and not numpy.iscomplexobj(x):
        g = numpy.real(g)
    if isinstance(x, numpy.ndarray) and not isinstance(g, numpy.ndarray) and not is_duck_array(g):
        g = numpy.asarray(g, dtype=target)      # a 0-d array's: an array too (written into by index)
    elif type(g) in _PYTHON_NUMBERS and isinstance(x, numpy.generic) and target is not None:
        g = target.type(g)      # a NumPy scalar's: one too, which y[None] and y[()] read as NumPy does
    return g


_PYTHON_NUMBERS = (float, int, complex)


float_like = cast_like
"""``g`` converted back to the kind of number ``x`` is (the adjoint of ``float(x)``)."""


def unstack_like(g, x, dtype=None):
    """The array derivative ``g`` of ``numpy.array(x)`` split into the nested structure
    of ``x`` (an AdjointList per list or tuple level)."""
    if not _is_float_dtype(dtype):
        return zeros_like(x)
    if isinstance(x, (list, tuple)):
        g = numpy.reshape(g, numpy.shape(x)) if numpy.size(g) == _nested_size(x) else g
        return AdjointList(unstack_like(g[i], item) for i, item in enumerate(x))
    return cast_like(g, x)


def _nested_size(x):
    try:
        return int(numpy.prod(numpy.shape(x), dtype=int))
    except ValueError:
        return -1


def stack_like(h, g, dtype=None):
    """The nested derivative ``h`` (lists of arrays and numbers) as one array with the
    shape and dtype of ``g``: the transpose of ``unstack_like``."""
    shape = numpy.shape(g)
    target = _float_dtype(g) or numpy.float64
    if not _is_float_dtype(dtype):
        out = numpy.zeros(shape, dtype=target)
        return out if shape else out[()]
    out = numpy.reshape(numpy.asarray(_stack_nested(h), dtype=target), shape)
    return out if shape or isinstance(g, numpy.ndarray) else out[()]


def _stack_nested(h):
    if getattr(h, "of_object", False):      # the tangent of an object of a user's class (an AdjointObject)
        _refuse_own_conversion(None)
    if isinstance(h, (list, tuple)):
        parts = [numpy.asarray(_stack_nested(item)) for item in h]
        if not parts:
            return numpy.zeros((0,))
        common = numpy.broadcast_shapes(*[p.shape for p in parts])
        return numpy.stack([numpy.broadcast_to(p, common) for p in parts])
    return h


# -- sequences --------------------------------------------------------------------------

def spread(g, xs):
    """``g`` given to every element of ``xs``: the adjoint of builtin ``sum(xs)``.

    For an array, the rows along axis 0; for a list or tuple, an AdjointList. A dict is
    summed over its keys, which carry no derivative: none reaches its values."""
    if isinstance(xs, dict):
        return AdjointDict()
    if isinstance(xs, (list, tuple)):
        return AdjointList(broadcast_like(g, item) for item in xs)
    _own_iteration(xs)
    shape = numpy.shape(xs)
    return numpy.broadcast_to(_fit(_like_dtype(g, xs), shape[1:]), shape)


def gather(h, g):
    """The elements of ``h`` added up and fitted to the shape of ``g``: the transpose
    of ``spread``; 0 for the tangent of a dict, summed over its keys."""
    if isinstance(h, dict):
        if getattr(h, "of_object", False):      # an object's (runtime_objects.AdjointObject)
            _refuse_object_iteration()
        return zeros_like(g)
    if isinstance(h, (list, tuple)):
        total = 0.0
        for item in h:
            total = total + _fit(item, numpy.shape(g))
        return _real_part_for(_fit(_like_dtype(total, g), numpy.shape(g)), g)
    return _real_part_for(_fit(numpy.sum(h, axis=0), numpy.shape(g)), g)


def _real_part_for(out, g):
    """``out``'s real part where ``g`` is real and ``out`` complex (math.fsum of complex
    NumPy numbers keeps their real parts), else ``out``."""
    if type(out) is not float and numpy.iscomplexobj(out) and not numpy.iscomplexobj(g):
        return numpy.real(out)
    return out


def unconcatenate(g, arrays, axis=0):
    """The derivative of ``numpy.concatenate(arrays, axis)`` cut into the pieces."""
    if axis is None:
        sizes = [int(numpy.size(a)) for a in arrays]
        pieces = numpy.split(numpy.ravel(g), numpy.cumsum(sizes)[:-1])
        return _pieces_adjoint([cast_like(numpy.reshape(p, numpy.shape(a)), a) for p, a in zip(pieces, arrays)],
                               arrays)
    sizes = [numpy.shape(a)[axis] for a in arrays]
    if is_duck_array(g):            # Dask has no split: cut with slices, lazily
        ends = numpy.cumsum([0] + sizes).tolist()
        pieces = [g[(slice(None),) * (axis % g.ndim) + (slice(start, end),)]
                  for start, end in zip(ends, ends[1:])]
    else:
        pieces = numpy.split(g, numpy.cumsum(sizes)[:-1], axis=axis)
    return _pieces_adjoint([cast_like(p, a) for p, a in zip(pieces, arrays)], arrays)


def unstack(g, arrays, axis=0):
    """The derivative of ``numpy.stack(arrays, axis)`` split back into the arrays."""
    moved = numpy.moveaxis(g, axis, 0)
    return _pieces_adjoint([cast_like(moved[i], a) for i, a in enumerate(arrays)], arrays)


def stack_fitted(arrays):
    """``numpy.stack(arrays)`` with each array broadcast to the first one's shape, as
    numpy.apply_along_axis stores its function's results (a later result may drop or
    add axes of length 1, or broadcast). Linear; its transpose is ``unstack_fitted``."""
    shape = numpy.shape(arrays[0])
    if all(numpy.shape(a) == shape for a in arrays):
        return numpy.stack(arrays)
    return numpy.stack([numpy.broadcast_to(numpy.reshape(a, fitted_shape(a, shape)), shape) for a in arrays])


def unstack_fitted(g, arrays):
    """The adjoint of ``stack_fitted(arrays)``: each row of ``g`` summed over the axes its
    array was broadcast along, shaped like that array."""
    g = numpy.asarray(g)
    if all(numpy.shape(a) == g.shape[1:] for a in arrays):
        return unstack(g, arrays)
    pieces = []
    for row, a in zip(g, arrays):
        fitted = fitted_shape(a, row.shape)
        lead = row.ndim - len(fitted)
        spread = tuple(range(lead)) + tuple(lead + i for i, n in enumerate(fitted) if n != row.shape[lead + i])
        pieces.append(cast_like(numpy.reshape(numpy.sum(row, axis=spread, keepdims=True), numpy.shape(a)), a))
    return AdjointList(pieces)


def _pieces_adjoint(pieces, arrays):
    """The derivatives of the pieces of ``arrays``: a list of them, or for one array given
    as the sequence of its rows (``numpy.stack(x)``), an array shaped like it."""
    if not isinstance(arrays, numpy.ndarray):
        return AdjointList(pieces)
    if not pieces:
        return numpy.zeros(arrays.shape, dtype=_float_dtype(arrays) or numpy.float64)
    return cast_like(numpy.stack(pieces), arrays)


# -- grouping axes (for prod) -------------------------------------------------------------

def _grouping(shape, axis):
    axes = _reduced_axes(len(shape), axis)
    keep = tuple(i for i in range(len(shape)) if i not in axes)
    n = int(numpy.prod([shape[a] for a in axes], dtype=int))
    return axes, keep, n


def group_axes(x, axis=None):
    """``x`` with the axes ``axis`` moved last and merged into one: shape (..., n)."""
    shape = numpy.shape(x)
    axes, keep, n = _grouping(shape, axis)
    moved = numpy.transpose(as_array(x), keep + axes)
    return numpy.reshape(moved, tuple(shape[i] for i in keep) + (n,))


def ungroup_axes(g, x, axis=None):
    """The inverse of ``group_axes(x, axis)``: ``g`` of shape (..., n) back to x's shape."""
    shape = numpy.shape(x)
    axes, keep, _ = _grouping(shape, axis)
    order = keep + axes
    g = numpy.reshape(g, tuple(shape[i] for i in order))
    out = numpy.transpose(g, numpy.argsort(order))
    return out if shape or isinstance(x, numpy.ndarray) else out[()]


def diagonal_mask(x):
    """A boolean (n, n) identity, n the length of x's last axis."""
    n = numpy.shape(x)[-1]
    return numpy.eye(n, dtype=bool)


def hypot_of(coordinates):
    """``math.hypot(*coordinates)`` of a sequence of any length (math_forms.py)."""
    return math.hypot(*coordinates)


def prod_except(x, axis=None):
    """For each element, the product of the *other* elements of its reduction over
    ``axis``; computed with prefix/suffix products, so zeros are handled exactly
    (nothing is divided)."""
    b = group_axes(x, axis)
    n = b.shape[-1]
    ones = numpy.ones(b.shape[:-1] + (1,), dtype=b.dtype)
    # [..., :n]: an empty reduction has no element, so no product either (not the 1 ones starts with)
    left = numpy.cumprod(numpy.concatenate([ones, b[..., :-1]], axis=-1), axis=-1)[..., :n]
    right = numpy.flip(numpy.cumprod(numpy.concatenate([ones, numpy.flip(b[..., 1:], -1)], axis=-1), axis=-1), -1)
    return ungroup_axes(left * right[..., :n], x, axis)


# -- reductions and statistics (rules in rules/reduction_rules.py) -------------------------
#
# Sort, partition, median and quantiles move each element's derivative with the element:
# their derivatives are weights or permutations that depend only on the order of the data
# (non-differentiable helpers), applied by linear maps whose rules are each other's
# transposes (permute <-> unpermute, weights_like <-> unweight, diff_part <-> undiff,
# gradient_of <-> ungradient).

def _normalized_axes(axis, ndim):
    """``axis`` (an int or a tuple) as a tuple of non-negative axes, in the order given."""
    axes = (axis,) if isinstance(axis, numbers.Integral) else tuple(axis)
    return tuple(int(a) % ndim for a in axes)


def sort_order(x, y, axis=-1):
    """The permutation p with ``y == take_along_axis(x, p, axis)``, for y a sort or a
    partition of x along ``axis`` (of x flattened when axis is None). Equal values are
    matched in index order, so for a sort p is the stable argsort of x."""
    x = numpy.asarray(x)
    if axis is None:
        x, axis = numpy.ravel(x), -1
    from_x = numpy.argsort(x, axis=axis, kind="stable")
    from_y = numpy.argsort(y, axis=axis, kind="stable")
    order = numpy.empty_like(from_x)
    numpy.put_along_axis(order, from_y, from_x, axis)
    return order


def permute(g, order, axis=-1):
    """``g`` (flattened when axis is None) rearranged along ``axis`` as ``order`` says:
    the tangent of a sort or partition. Linear in g; its transpose is ``unpermute``."""
    g = numpy.asarray(g)
    if axis is None:
        g, axis = numpy.ravel(g), -1
    return numpy.take_along_axis(g, order, axis)


def unpermute(g, order, x, axis=-1):
    """Each element of ``g`` put back where ``order`` took it from, in x's shape: the
    adjoint of a sort or partition (the transpose of ``permute``)."""
    out = numpy.zeros(numpy.shape(order), dtype=_float_dtype(g) or numpy.float64)
    numpy.put_along_axis(out, order, g, -1 if axis is None else axis)
    return numpy.reshape(out, numpy.shape(x))


_QUANTILE_METHODS = ("linear", "lower", "higher", "midpoint", "nearest")


def _rank_weights(q, n, method, size=None):
    """For quantiles ``q`` (in [0, 1]) of n sorted values: the weight of each rank in
    the value (shape q.shape + (n,)) and the rate of change of the value with q per
    rank. NumPy's virtual index (n - 1) * q falls between ranks floor and ceil; at a
    knot both are the same rank, and the rate is 0 there (as in JAX).

    ``n`` may be an array of counts, one per slice (the values that are not NaN), with
    ``size`` ranks in all: the result is then q.shape + n.shape + (size,), and a slice
    with no values weighs nothing."""
    if method not in _QUANTILE_METHODS:
        raise NotImplementedError(
            f"astgrad: the derivative of a quantile with method={method!r} is not supported; "
            f"the methods {', '.join(_QUANTILE_METHODS)} are")
    size = n if size is None else size
    q = numpy.asarray(q, dtype=numpy.float64)
    v = numpy.expand_dims(q, tuple(range(q.ndim, q.ndim + numpy.ndim(n)))) * (n - 1)
    low, high = numpy.clip(numpy.floor(v), 0, n - 1), numpy.clip(numpy.ceil(v), 0, n - 1)
    frac, rate = v - numpy.floor(v), 0.0
    if method == "linear":
        w_high, rate = frac, numpy.expand_dims(numpy.asarray(n - 1, dtype=numpy.float64), -1)
    elif method == "midpoint":
        w_high = numpy.full(v.shape, 0.5)
    elif method == "nearest":
        w_high = numpy.asarray(numpy.around(v) != numpy.floor(v), dtype=numpy.float64)
    else:
        w_high = numpy.full(v.shape, 1.0 if method == "higher" else 0.0)
    ranks = numpy.arange(size)
    at_low = ranks == numpy.expand_dims(low, -1)
    at_high = ranks == numpy.expand_dims(high, -1)
    value = at_low * numpy.expand_dims(1.0 - w_high, -1) + at_high * numpy.expand_dims(w_high, -1)
    return value, (at_high * 1.0 - at_low * 1.0) * rate


def quantile_weights(a, q, axis=None, method="linear", scale=1.0, rate=False):
    """How much each element of ``a`` weighs in each quantile ``q * scale`` over ``axis``
    (shape q.shape + a.shape); with ``rate=True``, the derivative of that weight with
    respect to q instead, so that d quantile / d q = sum of weight * a over the axes.
    Each weight goes to the element the stable sort puts at its rank."""
    return _quantile_weights(a, q, axis, method, scale, rate, False)


def nan_quantile_weights(a, q, axis=None, method="linear", scale=1.0, rate=False):
    """``quantile_weights`` of the nan-quantiles (nanmedian, nanquantile, nanpercentile):
    each slice ranks only its values that are not NaN, and a NaN weighs 0."""
    return _quantile_weights(a, q, axis, method, scale, rate, True)


def _quantile_weights(a, q, axis, method, scale, rate, skip_nan):
    a = numpy.asarray(a)
    q = numpy.asarray(q, dtype=numpy.float64) * scale
    b = group_axes(a, axis)
    ranks = numpy.argsort(numpy.argsort(b, axis=-1, kind="stable"), axis=-1, kind="stable")
    if skip_nan:            # NaN sort last: the values keep ranks 0 .. count - 1
        value, change = _rank_weights(q, numpy.sum(~numpy.isnan(b), axis=-1), method, b.shape[-1])
        chosen = change * scale if rate else value                    # q.shape + b.shape
        w = numpy.take_along_axis(chosen, numpy.broadcast_to(ranks, chosen.shape), -1)
    else:
        value, change = _rank_weights(q, b.shape[-1], method)
        w = (change * scale if rate else value)[..., ranks]              # q.shape + b.shape
    axes, keep, _ = _grouping(a.shape, axis)
    order = keep + axes
    w = numpy.reshape(w, q.shape + tuple(a.shape[i] for i in order))
    lead = q.ndim
    w = numpy.transpose(w, tuple(range(lead)) + tuple(lead + int(i) for i in numpy.argsort(order)))
    return numpy.asarray(w, dtype=_float_dtype(a) or numpy.float64)


def quantile_weight_change(a, q, axis=None, method="linear", scale=1.0, rate=False):
    """The derivative of ``quantile_weights(a, q, axis, method, scale, rate)`` with respect
    to q: the rate weights, which are themselves constant between knots (zeros)."""
    if rate:
        return numpy.zeros(numpy.shape(q) + numpy.shape(a), dtype=_float_dtype(a) or numpy.float64)
    return quantile_weights(a, q, axis, method, scale, True)


def nan_quantile_weight_change(a, q, axis=None, method="linear", scale=1.0, rate=False):
    """``quantile_weight_change`` of ``nan_quantile_weights``."""
    if rate:
        return numpy.zeros(numpy.shape(q) + numpy.shape(a), dtype=_float_dtype(a) or numpy.float64)
    return nan_quantile_weights(a, q, axis, method, scale, True)


def quantile_spread_shape(a, q, axis=None):
    """q.shape + a.shape with the reduced axes 1: where a quantile's cotangent lines up
    with ``quantile_weights``."""
    shape = numpy.shape(a)
    axes = _reduced_axes(len(shape), axis)
    return numpy.shape(q) + tuple(1 if i in axes else n for i, n in enumerate(shape))


def quantile_q_shape(a, q):
    """q.shape followed by a 1 for each axis of a: q lined up with ``quantile_weights``."""
    return numpy.shape(q) + (1,) * numpy.ndim(a)


def leading_axes(q):
    """The axes of ``quantile_weights`` that belong to q."""
    return tuple(range(numpy.ndim(q)))


def trailing_axes(a, q):
    """The axes of ``quantile_weights`` that belong to a."""
    return tuple(range(numpy.ndim(q), numpy.ndim(q) + numpy.ndim(a)))


def quantile_reduced_axes(a, q, axis=None):
    """The axes of ``quantile_weights`` a quantile over ``axis`` reduces."""
    return tuple(numpy.ndim(q) + i for i in _reduced_axes(numpy.ndim(a), axis))


def range_weights(a, axis=None):
    """Where ``a`` attains its max over ``axis`` minus where it attains its min, ties
    split evenly (as for max and min): d ptp / d a."""
    upper = tie_weights(a, numpy.max(a, axis=axis, keepdims=True), axis, True)
    return upper - tie_weights(a, numpy.min(a, axis=axis, keepdims=True), axis, True)


def nan_count(a, axis=None):
    """How many elements of ``a`` over ``axis`` are not NaN (keepdims, a's float dtype)."""
    count = numpy.sum(~numpy.isnan(a), axis=axis, keepdims=True)
    return numpy.asarray(count, dtype=_float_dtype(a) or numpy.float64)


def degrees_of_freedom(a, axis=None, ddof=0, correction=None, skip_nan=False):
    """N - ddof of a variance over ``axis`` (NumPy's ``correction`` replaces ddof);
    N counts the elements that are not NaN when ``skip_nan``."""
    subtract = ddof if correction is None else correction
    if skip_nan:
        return nan_count(a, axis) - subtract
    return repeat_count(a, axis) - subtract


def prefix_mask(b, skip_nan=False):
    """[..., i, j]: whether b[..., j] is one of the factors of cumprod(b)[..., i], that
    is j <= i (and b[..., j] is not NaN, for nancumprod)."""
    mask = numpy.tri(numpy.shape(b)[-1], dtype=bool)
    if skip_nan:
        mask = mask & ~numpy.isnan(numpy.expand_dims(b, -2))
    return mask


def weights_like(weights, a, axis=None):
    """``numpy.average``'s weights broadcast to a's shape (ones when there are none):
    weights of a's shape as they are, else laid along ``axis`` as NumPy does. Linear in
    weights; its transpose is ``unweight``."""
    shape = numpy.shape(a)
    if weights is None:
        return numpy.ones(shape, dtype=_float_dtype(a) or numpy.float64)
    w = numpy.asarray(weights)
    if w.shape != shape:
        axes = _normalized_axes(axis, len(shape))
        w = numpy.transpose(w, numpy.argsort(axes))
        w = numpy.reshape(w, tuple(n if i in axes else 1 for i, n in enumerate(shape)))
    return numpy.broadcast_to(w, shape)


def unweight(g, weights, a, axis=None):
    """``g`` (a's shape) summed back to the shape of ``numpy.average``'s weights."""
    shape = numpy.shape(a)
    if numpy.shape(weights) == shape:
        return g
    axes = _normalized_axes(axis, len(shape))
    g = numpy.sum(g, axis=tuple(i for i in range(len(shape)) if i not in axes))
    return numpy.transpose(g, numpy.argsort(numpy.argsort(axes)))


def _diff_shapes(a, axis, prepend, append):
    """The shapes ``numpy.diff`` joins along ``axis``: prepend's (a number is spread
    over a slice of a), a's, append's; None for one not given."""
    shape = numpy.shape(a)
    axis = axis % len(shape)
    edge = shape[:axis] + (1,) + shape[axis + 1:]
    return [None if v is None else numpy.shape(v) or edge for v in (prepend, a, append)], axis


def diff_part(t, which, a, n=1, axis=-1, prepend=None, append=None):
    """The term of ``numpy.diff(a, n, axis, prepend, append)``'s tangent from the tangent
    ``t`` of its input ``which`` (0 prepend, 1 a, 2 append). Linear in t; its transpose
    is ``undiff``."""
    if n == 0:
        return t if which == 1 else numpy.zeros(numpy.shape(a), dtype=_float_dtype(t) or numpy.float64)
    shapes, axis = _diff_shapes(a, axis, prepend, append)
    dtype = _float_dtype(t) or numpy.float64
    parts = [numpy.broadcast_to(numpy.asarray(t, dtype=dtype), s) if i == which else numpy.zeros(s, dtype)
             for i, s in enumerate(shapes) if s is not None]
    return numpy.diff(numpy.concatenate(parts, axis=axis), n, axis=axis)


def undiff(g, which, a, n=1, axis=-1, prepend=None, append=None):
    """The adjoint of input ``which`` (0 prepend, 1 a, 2 append) of ``numpy.diff``: each
    first difference's transpose is minus the difference of g padded with zeros."""
    value = (prepend, a, append)[which]
    original = numpy.shape(value)
    dtype = _float_dtype(value) or _float_dtype(g) or numpy.float64      # a prepended 1.0 widens y, not a
    if n == 0:
        return g if which == 1 else numpy.zeros(original, dtype=dtype)
    shapes, axis = _diff_shapes(a, axis, prepend, append)
    g = numpy.asarray(g)
    pad = [(0, 0)] * g.ndim
    pad[axis] = (1, 1)
    for _ in range(n):
        g = -numpy.diff(numpy.pad(g, pad), axis=axis)
    lengths = [0 if s is None else s[axis] for s in shapes]
    index = [slice(None)] * g.ndim
    index[axis] = slice(sum(lengths[:which]), sum(lengths[:which + 1]))
    return _fit(numpy.asarray(g[tuple(index)], dtype=dtype), original)


def _gradient_axes(f, axis):
    ndim = numpy.ndim(f)
    return tuple(range(ndim)) if axis is None else _normalized_axes(axis, ndim)


def gradient_of(t, varargs, axis=None, edge_order=1):
    """``numpy.gradient(t, *varargs, axis=axis, edge_order=edge_order)``, one derivative
    per axis as an AdjointList when there are several. Linear in t; its transpose is
    ``ungradient``."""
    result = numpy.gradient(t, *varargs, axis=axis, edge_order=edge_order)
    return AdjointList(result) if isinstance(result, (tuple, list)) else result


def stacked_parts(parts, f, varargs, axis=None):
    """The derivative of ``numpy.gradient(f, *varargs, axis=axis)``'s result in the layout
    of gradient_nodes.py's helpers: itself for one array, the arrays stacked for several (its
    spacing one number for all axes). Linear in ``parts``; its transpose is ``split_parts``."""
    axes = gradient_axes(f, axis)
    if len(axes) == 1:
        return parts
    if len(varargs) > 1:
        raise ValueError(SEVERAL_SPACINGS.format(n=len(axes)))
    shape, dtype = numpy.shape(f), numpy.result_type(numpy.asarray(f), 1.0)
    return numpy.stack([numpy.zeros(shape, dtype) if part is None or numpy.ndim(part) == 0 and part == 0
                        else numpy.broadcast_to(part, shape) for part in parts])


def split_parts(g, f, varargs, axis=None):
    """The adjoint of ``stacked_parts(parts, f, varargs, axis)``: one derivative per array."""
    axes = gradient_axes(f, axis)
    if len(axes) == 1:
        return g
    if len(varargs) > 1:
        raise ValueError(SEVERAL_SPACINGS.format(n=len(axes)))
    return AdjointList(numpy.asarray(g)[k] for k in range(len(axes)))


def ungradient(g, f, varargs, axis=None, edge_order=1):
    """The adjoint of ``numpy.gradient(f, *varargs, axis=axis, edge_order=edge_order)``
    (g: one cotangent per axis when the gradient is a tuple)."""
    axes = _gradient_axes(f, axis)
    spacing = list(varargs) if len(varargs) > 1 else [varargs[0] if varargs else 1.0] * len(axes)
    parts = list(g) if len(axes) > 1 else [g]
    out = numpy.zeros(numpy.shape(f), dtype=_float_dtype(f) or numpy.float64)
    for part, ax, h in zip(parts, axes, spacing):
        if part is not None and not _is_zero_placeholder(part):
            out = out + _stencil_transpose(numpy.asarray(part, dtype=out.dtype), ax, h, edge_order)
    return out


def _stencil_transpose(g, axis, spacing, edge_order):
    """``D.T @ g`` along ``axis``, D the matrix of numpy.gradient along one axis. Row i of
    D reads three neighbouring entries (two at the edges), starting at clip(i - 1, 0,
    n - 3); these are distinct modulo 3, so D applied to the indicator of the indices
    congruent to r gives, in row i, the one coefficient of that row for such an index."""
    n = g.shape[axis]
    width = min(3, n)
    rows = numpy.arange(n)
    start = numpy.clip(rows - 1, 0, n - width)
    moved = numpy.moveaxis(g, axis, -1)
    out = numpy.zeros_like(moved)
    for r in range(width):
        comb = numpy.asarray(rows % width == r, dtype=numpy.float64)
        coefficient = numpy.gradient(comb, spacing, edge_order=edge_order).astype(g.dtype)
        numpy.add.at(out, (Ellipsis, start + (r - start) % width), moved * coefficient)
    return numpy.moveaxis(out, -1, axis)


# -- shape bookkeeping (non-differentiable) --------------------------------------------------

def inverse_axes(axes, x):
    """The permutation undoing ``numpy.transpose(x, axes)`` (None for a full reversal)."""
    if axes is None:
        return None
    ndim = numpy.ndim(x)
    return tuple(int(i) for i in numpy.argsort([int(a) % ndim for a in axes]))


def method_axes(axes):
    """``x.transpose(*axes)``'s axes as ``numpy.transpose`` takes them."""
    if axes is None or axes == ():
        return None
    if len(axes) == 1 and (axes[0] is None or isinstance(axes[0], (tuple, list))):
        return None if axes[0] is None else tuple(axes[0])
    return tuple(axes)


def method_shape(shape):
    """``x.reshape(*shape)``'s shape as ``numpy.reshape`` takes it."""
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        return tuple(shape[0])
    return tuple(shape)


def norm_axis(x, ord=None, axis=None):
    """The axes ``numpy.linalg.norm(x, ord, axis)`` reduces, when its derivative is the
    Euclidean/Frobenius one; other norms raise a clear error."""
    ndim = numpy.ndim(x)
    vector = (axis is None and ndim == 1) or isinstance(axis, numbers.Integral) or \
        (isinstance(axis, tuple) and len(axis) == 1)
    if ord is None or (ord == "fro" and not vector) or (ord == 2 and vector):
        return axis
    raise NotImplementedError(
        f"astgrad: the derivative of numpy.linalg.norm with ord={ord!r} "
        f"({'vector' if vector else 'matrix'} norm) is not supported; "
        "ord=None, 'fro' (matrices) and 2 (vectors) are")


def linspace_weights(start, stop, num=50, endpoint=True, axis=0):
    """t in ``linspace(start, stop) = start + t * (stop - start)``, shaped to broadcast."""
    dtype = numpy.result_type(_float_dtype(start) or numpy.float64, _float_dtype(stop) or numpy.float64)
    t = numpy.linspace(0.0, 1.0, num, endpoint=endpoint).astype(dtype)
    ndim = max(numpy.ndim(start), numpy.ndim(stop)) + 1
    position = axis % ndim
    return numpy.reshape(t, (num,) + (1,) * (ndim - 1 - position)) if ndim > 1 else t


def arange_has_stop(stop):
    """1.0 when ``numpy.arange`` was given a stop, so its first argument is a start
    (whose derivative is 1 for every element); 0.0 when it is the stop (derivative 0)."""
    return 0.0 if stop is None else 1.0


def arange_index(y):
    """0, 1, ..., len(y)-1 in y's float dtype."""
    return numpy.arange(len(y), dtype=_float_dtype(y) or numpy.float64)


# -- linear algebra ------------------------------------------------------------------------

def _first_occurrences(x, axis):
    """Where each value (each slice along ``axis``) that ``numpy.unique`` returns first
    occurs in ``x``: an index tuple into x (flat when axis is None)."""
    first = numpy.unique(x, return_index=True, axis=axis)[1]
    if axis is None:
        return numpy.unravel_index(first, numpy.shape(x))
    return (slice(None),) * (axis % numpy.ndim(x)) + (first,)


def unique_gather(h, x, y, axis=None):
    """The tangent of ``y = numpy.unique(x, ...)``: each distinct value moves with the
    first element of ``x`` equal to it. When y is a tuple (return_index, ...) only its
    values have a derivative; the integer outputs get zeros."""
    values = numpy.asarray(h)[_first_occurrences(x, axis)]
    if isinstance(y, tuple):
        return AdjointList([values] + [numpy.zeros(numpy.shape(v)) for v in y[1:]])
    return values


def unique_scatter(g, x, y, axis=None):
    """The adjoint of ``y = numpy.unique(x, ...)``: the derivative of each distinct value
    goes to its first occurrence in ``x`` (the transpose of ``unique_gather``)."""
    if isinstance(y, tuple):
        g = g[0]
    out = numpy.zeros(numpy.shape(x), dtype=_float_dtype(x) or _float_dtype(g) or numpy.float64)
    out[_first_occurrences(x, axis)] = g
    return out if isinstance(x, numpy.ndarray) else out[()]


def is_index_concatenator(obj):
    """numpy.r_ or numpy.c_ (which build an array from the items of their index)."""
    return isinstance(obj, (type(numpy.r_), type(numpy.c_)))


def index_concatenate(concatenator, *items):
    """``numpy.r_[a, b]`` as a function of its items; generated code keeps the
    subscript, this names the primitive its rules belong to."""
    return concatenator[items]


def _placement(concatenator, items, argnum):
    """Where item ``argnum``'s elements land in ``concatenator[items]``: (the result's
    shape, flat positions in the result, the matching flat positions in the item)."""
    labelled = []
    for k, item in enumerate(items):
        if isinstance(item, str):
            labelled.append(item)               # a directive such as 'r' or '0,2'
        elif isinstance(item, slice):
            labelled.append(numpy.zeros(len(numpy.r_[item])))      # an arange/linspace
        elif k == argnum:
            labelled.append(numpy.arange(1.0, numpy.size(item) + 1.0).reshape(numpy.shape(item)))
        else:
            labelled.append(numpy.zeros(numpy.shape(item)))
    result = numpy.asarray(concatenator[tuple(labelled)], dtype=numpy.float64)
    flat = result.ravel()
    where = numpy.flatnonzero(flat)
    return result.shape, where, flat[where].astype(numpy.intp) - 1


def concatenated_part(g, concatenator, items, argnum):
    """The adjoint of item ``argnum`` of ``concatenator[items]`` (numpy.r_, numpy.c_):
    the part of ``g`` where that item's elements went, shaped like the item."""
    item = items[argnum]
    _, where, own = _placement(concatenator, items, argnum)
    part = numpy.zeros(numpy.size(item), dtype=_float_dtype(item) or _float_dtype(g) or numpy.float64)
    part[own] = numpy.ravel(g)[where]
    part = part.reshape(numpy.shape(item))
    return part if isinstance(item, numpy.ndarray) else part[()]


def concatenated_spread(t, concatenator, items, argnum):
    """The tangent of ``concatenator[items]`` from item ``argnum``'s tangent ``t``
    (zeros where the other items went): the transpose of ``concatenated_part``."""
    shape, where, own = _placement(concatenator, items, argnum)
    out = numpy.zeros(shape, dtype=_float_dtype(t) or numpy.float64)
    out.ravel()[where] = numpy.ravel(t)[own]
    return out


def _swap(x):
    return numpy.swapaxes(x, -1, -2)


def _as_float_of(out, x):
    """``out`` in x's float dtype (unchanged when x is not a float NumPy value)."""
    dtype = _float_dtype(x)
    if dtype is None or numpy.result_type(out) == dtype:
        return out
    if dtype.kind != "c" and numpy.iscomplexobj(out):
        out = numpy.real(out)       # a real x's adjoint is the real part (see numpy.fft below)
    out = numpy.asarray(out, dtype=dtype)
    return out if out.ndim or isinstance(x, numpy.ndarray) else out[()]


def _plain_float_arrays(g, x, y):
    """All three are ndarrays of one float dtype (so no casting or broadcasting rules apply)."""
    return (type(g) is numpy.ndarray and type(x) is numpy.ndarray and type(y) is numpy.ndarray
            and x.ndim >= 1 and y.ndim >= 1
            and g.dtype == x.dtype == y.dtype and g.dtype.kind == "f" and g.ndim == x.ndim + y.ndim - 2)


def _refuse_own_matmul(x, y):
    """``x @ y`` where an operand is an object whose class defines ``@`` itself."""
    for operand in (x, y):
        if not isinstance(operand, (numbers.Number, _NDARRAY, numpy.generic, list, tuple)) \
                and not is_duck_array(operand):
            _refuse_object_operator(operand)


def _runs_own_operators(x):
    """Whether ``x`` is an object (not a number, an array, a container or a duck array)
    whose class defines arithmetic operators with code of its own."""
    return not isinstance(x, (numbers.Number, _NDARRAY, numpy.generic, list, tuple, dict, ShapeInfo)) \
        and _has_own_operators(x) and not is_duck_array(x) \
        and not type(x).__module__.startswith("astgrad.tape")     # a tensor: grad's output check says what to do


def matmul_adjoint_left(g, x, y):
    """The adjoint of ``x`` in ``x @ y`` (vectors, matrices, stacks), shaped like x.

    Bilinear: <c, matmul_adjoint_left(g, x, y)> = <g, c @ y>."""
    if _plain_float_arrays(g, x, y):      # fast paths for matrices and vectors
        if x.ndim == 2 and y.ndim == 2:
            return g @ y.T
        if x.ndim == 2 and y.ndim == 1:
            return numpy.outer(g, y)
        if x.ndim == 1 and y.ndim == 2:
            return y @ g
    _refuse_own_matmul(x, y)
    x_dim, y_dim = numpy.ndim(x), numpy.ndim(y)
    if y_dim == 1:
        out = numpy.multiply.outer(g, y) if x_dim > 1 else numpy.multiply(g, y)     # y may be a list
    elif x_dim == 1:
        out = numpy.squeeze(numpy.expand_dims(g, -2) @ _swap(y), -2)
    else:
        out = g @ _swap(y)
    return _as_float_of(_fit(out, numpy.shape(x)), x)


def matmul_adjoint_right(g, x, y):
    """The adjoint of ``y`` in ``x @ y`` (vectors, matrices, stacks), shaped like y.

    Bilinear: <c, matmul_adjoint_right(g, x, y)> = <g, x @ c>."""
    if _plain_float_arrays(g, x, y):
        if x.ndim == 2 and y.ndim == 2:
            return x.T @ g
        if x.ndim == 2 and y.ndim == 1:
            return g @ x
        if x.ndim == 1 and y.ndim == 2:
            return numpy.outer(x, g)
    _refuse_own_matmul(x, y)
    x_dim, y_dim = numpy.ndim(x), numpy.ndim(y)
    if x_dim == 1:
        out = numpy.moveaxis(numpy.multiply.outer(x, g), 0, -2) if y_dim > 1 else numpy.multiply(g, x)
    elif y_dim == 1:
        out = numpy.squeeze(_swap(x) @ numpy.expand_dims(g, -1), -1)
    else:
        out = _swap(x) @ g
    return _as_float_of(_fit(out, numpy.shape(y)), y)


def _dot_contracted_axis(b):
    """numpy.dot contracts a's last axis with b's second-to-last (or only) axis."""
    return max(numpy.ndim(b) - 2, 0)


def _scaled_adjoint(g, other, x):
    """The adjoint of ``x`` in ``x * other``: dot and inner with a scalar operand are
    plain products, zero-safe as the twin writes ``*`` (a zero ``other`` passes nothing
    on, even an infinite ``g``: the twin would read this call's NaN as that zero)."""
    return _as_float_of(_fit(scale(g, other), numpy.shape(x)), x)


def dot_adjoint_left(g, a, b):
    """The adjoint of ``a`` in ``numpy.dot(a, b)``, shaped like a.

    Bilinear: <c, dot_adjoint_left(g, a, b)> = <g, numpy.dot(c, b)>."""
    na, nb = numpy.ndim(a), numpy.ndim(b)
    if na == 0 or nb == 0:
        return _scaled_adjoint(g, b, a)
    k = _dot_contracted_axis(b)
    b_free = [i for i in range(nb) if i != k]
    out = numpy.tensordot(g, b, axes=(list(range(na - 1, na - 1 + len(b_free))), b_free))
    return _as_float_of(out, a)


def dot_adjoint_right(g, a, b):
    """The adjoint of ``b`` in ``numpy.dot(a, b)``, shaped like b.

    Bilinear: <c, dot_adjoint_right(g, a, b)> = <g, numpy.dot(a, c)>."""
    na, nb = numpy.ndim(a), numpy.ndim(b)
    if na == 0 or nb == 0:
        return _scaled_adjoint(g, a, b)
    out = numpy.tensordot(a, g, axes=(list(range(na - 1)), list(range(na - 1))))
    return _as_float_of(numpy.moveaxis(out, 0, _dot_contracted_axis(b)), b)


def inner_adjoint_left(g, a, b):
    """The adjoint of ``a`` in ``numpy.inner(a, b)`` (sum over both last axes).

    Bilinear: <c, inner_adjoint_left(g, a, b)> = <g, numpy.inner(c, b)>."""
    na, nb = numpy.ndim(a), numpy.ndim(b)
    if na == 0 or nb == 0:
        return _scaled_adjoint(g, b, a)
    out = numpy.tensordot(g, b, axes=(list(range(na - 1, na - 1 + nb - 1)), list(range(nb - 1))))
    return _as_float_of(out, a)


def inner_adjoint_right(g, a, b):
    """The adjoint of ``b`` in ``numpy.inner(a, b)``.

    Bilinear: <c, inner_adjoint_right(g, a, b)> = <g, numpy.inner(a, c)>."""
    na, nb = numpy.ndim(a), numpy.ndim(b)
    if na == 0 or nb == 0:
        return _scaled_adjoint(g, a, b)
    out = numpy.tensordot(g, a, axes=(list(range(na - 1)), list(range(na - 1))))
    return _as_float_of(out, b)


def untrace(g, a, offset=0, axis1=0, axis2=1):
    """Zeros shaped like ``a`` with ``g`` on the diagonal that ``numpy.trace`` sums."""
    shape = numpy.shape(a)
    result = numpy.zeros(shape, dtype=_float_dtype(a) or numpy.float64)
    moved = numpy.moveaxis(result, (axis1, axis2), (-2, -1))
    n1, n2 = moved.shape[-2:]
    rows = numpy.arange(max(0, -offset), max(0, min(n1, n2 - offset)))
    moved[..., rows, rows + offset] = numpy.expand_dims(g, -1)
    return result


# -- einsum ---------------------------------------------------------------------------

def _einsum_terms(subscripts, operands):
    """numpy.einsum's labels as explicit strings (ellipses expanded), one per argument
    slot: the subscripts slot first, then each operand; a slot that holds no array
    (the subscripts string, or a sublist of the interleaved form
    ``einsum(a, [0, 1], b, [1, 2], [0, 2])``) gets '_'."""
    if isinstance(subscripts, str):
        terms, out = _einsum_string_terms(subscripts, operands)
        return ["_"] + terms, out
    slots = [subscripts] + list(operands)
    output = slots[-1] if len(slots) % 2 == 1 else None       # the optional output sublist
    paired = slots[:-1] if output is not None else slots
    arrays, sublists = paired[0::2], paired[1::2]
    text = ",".join(_sublist_labels(s) for s in sublists)
    if output is not None:
        text += "->" + _sublist_labels(output)
    terms, out = _einsum_string_terms(text, arrays)
    every = ["_"] * len(slots)
    every[0:2 * len(terms):2] = terms
    return every, out


def _sublist_labels(sublist):
    """[0, 1, Ellipsis] -> 'ab...': einsum's integer labels 0..51 are letters."""
    return "".join("..." if item is Ellipsis else _LETTERS[int(item)] for item in sublist)


def _einsum_string_terms(subscripts, operands):
    text = subscripts.replace(" ", "")
    ins, arrow, out = text.partition("->")
    ins = ins.split(",")
    if len(ins) != len(operands):
        raise ValueError(f"einsum subscripts {subscripts!r} name {len(ins)} operands, got {len(operands)}")
    used = {c for c in text if c.isalpha()}
    spare = [c for c in _LETTERS if c not in used]
    widths = [numpy.ndim(op) - len(term.replace("...", "")) for term, op in zip(ins, operands) if "..." in term]
    width = max(widths, default=0)
    ellipsis = "".join(spare[:width])
    terms = []
    for term, op in zip(ins, operands):
        if "..." in term:
            k = numpy.ndim(op) - len(term.replace("...", ""))
            term = term.replace("...", ellipsis[width - k:])
        terms.append(term)
    if arrow:
        out = out.replace("...", ellipsis)
    else:
        counts = {}
        for term in ins:
            for c in term.replace("...", ""):
                counts[c] = counts.get(c, 0) + 1
        out = ellipsis + "".join(sorted(c for c, n in counts.items() if n == 1))
    return terms, out


def _split_spec(spec):
    ins, _, out = spec.partition("->")
    return ins.split(","), out


def einsum_adjoint_spec(subscripts, operands, argnum):
    """The ``contract`` spec of the adjoint of operand ``argnum`` of an einsum (-1: the
    first argument, an operand in the interleaved form), over the tensors
    (cotangent, subscripts, *operands); the operand itself is ignored ('_')."""
    terms, out = _einsum_terms(subscripts, operands)
    return _adjoint_spec(terms, out, argnum + 1)


def einsum_tangent_spec(subscripts, operands, argnum):
    """The ``contract`` spec of the tangent term of operand ``argnum`` of an einsum (-1:
    the first argument), over the tensors (tangent, subscripts, *operands)."""
    terms, out = _einsum_terms(subscripts, operands)
    return _tangent_spec(terms, out, argnum + 1)


def _adjoint_spec(terms, out, argnum):
    own = terms[argnum]
    rest = list(terms)
    rest[argnum] = "_"
    return ",".join([out] + rest) + "->" + own


def _tangent_spec(terms, out, argnum):
    own = terms[argnum]
    rest = list(terms)
    rest[argnum] = "_"
    return ",".join([own] + rest) + "->" + (out if own != "_" else "_")


def adjoint_spec(spec, argnum):
    """The spec of the adjoint of tensor ``argnum`` of ``contract(spec, ...)``."""
    if spec.endswith("->_"):
        # an identically zero result: zero adjoints; the cotangent's slot comes first
        return "_," + spec
    terms, out = _split_spec(spec)
    return _adjoint_spec(terms, out, argnum)


def tangent_spec(spec, argnum):
    """The spec of the tangent term of tensor ``argnum`` of ``contract(spec, ...)``."""
    terms, out = _split_spec(spec)
    if out == "_":
        return "_," + spec           # zero again; the tangent's slot comes first
    return _tangent_spec(terms, out, argnum)


def operand_shape(operands, argnum):
    return numpy.shape(operands[argnum])


def contract(spec, shape, *tensors):
    """A generalized einsum, closed under differentiation.

    ``spec`` is 'ab,bc,_->ac': one explicit label string per tensor ('_' = ignore the
    tensor, which then only holds a place), and the output labels, which may repeat
    (the result is put on that diagonal, zeros elsewhere) or name labels no input has
    (the result is broadcast along them); ``shape`` is the result's shape, which also
    decides where size-1 broadcast axes are summed. '->_' means an identically zero
    result. The adjoint of tensor k is again a ``contract`` of the cotangent with the
    other tensors (``adjoint_spec``), so einsum has derivatives of every order.
    """
    terms, out = _split_spec(spec)
    shape = tuple(shape)
    arrays = [(t, x) for t, x in zip(terms, tensors) if t != "_"]
    dtype = numpy.result_type(*[_typed(x) for _, x in arrays], 1.0) if arrays else numpy.float64
    if out == "_" or not arrays:
        zero = numpy.zeros(shape, dtype=dtype)
        return zero if shape else zero[()]
    sizes = {}
    for term, x in arrays:
        for label, n in zip(term, numpy.shape(x)):
            # a size-1 axis broadcasts against any size, also against 0
            sizes[label] = n if sizes.get(label, 1) == 1 else sizes[label]
    unique = "".join(dict.fromkeys(out))
    present = "".join(c for c in unique if c in sizes)
    operands = [as_array(x, dtype=dtype) for _, x in arrays]
    r = numpy.einsum(",".join(t for t, _ in arrays) + "->" + present, *operands)
    r = numpy.reshape(r, tuple(sizes[c] if c in sizes else 1 for c in unique))
    target = dict(zip(out, shape))
    r = _fit(r, tuple(target[c] for c in unique))
    if len(unique) == len(out):
        return as_array(r, dtype=dtype) if shape else as_array(r, dtype=dtype)[()]
    result = numpy.zeros(shape, dtype=dtype)
    numpy.einsum(out + "->" + unique, result)[...] = r
    return result


_T = typing.TypeVar("_T")


def stop_gradient(x: _T) -> _T:
    """Return ``x`` unchanged; no derivative flows back through the call."""
    return x


def snapshot(value):
    """A copy of ``value`` that later in-place writes cannot change, read-only where
    ``value`` is (a write into it raises NumPy's error, as one into ``value`` does)."""
    return _read_only_if(value.copy(), value) if isinstance(value, numpy.ndarray) else value


def own_tangent(tangent, value, operand=None, operand_tangent=None):
    """``tangent`` as the tangent of ``value``, sharing memory the way ``value`` does.

    A rule may hand back an operand's tangent itself (the tangent of ``b = a + 1.0``
    is ``a``'s), while ``b`` is a new array. Forward mode calls this where tangents
    are written in place later: the tangent is copied when it shares memory with
    ``operand_tangent`` but ``value`` shares none with ``operand`` (a new array gets
    a new tangent, a view keeps a view of the tangent), or when it is read-only (a
    broadcast) while ``value`` can be written into, so a write changes exactly the
    tangents whose values NumPy changes.
    """
    if isinstance(tangent, numpy.ndarray):
        if _may_share(tangent, operand_tangent) and not _may_share(value, operand):
            return tangent.copy()
        if not tangent.flags.writeable and isinstance(value, numpy.ndarray) and value.flags.writeable:
            return tangent.copy()
        return tangent
    if isinstance(tangent, (list, dict)) and tangent is operand_tangent and value is not operand:
        return type(tangent)(tangent)      # a new list or dict holds the same items
    return tangent


def _may_share(a, b):
    return isinstance(a, numpy.ndarray) and isinstance(b, numpy.ndarray) and numpy.may_share_memory(a, b)


def zero_index(g, index, container=None):
    """A copy of the derivative ``g`` with ``g[index]`` set to zero (the part an
    in-place write overwrote carries no derivative back). For a list or a dict, the
    zero is shaped like ``container[index]`` when the container is given: the item
    the write replaced, put back already, which may have another shape than the one
    written (``xs = [x, w]; xs[1] = x``). A list item gets the zero placeholder, of any
    length: the code may still pop items the sweep put back off that very list object
    (``t = d[k]; t.append(v); d[k] = t``), so its length now is not its length where
    the derivative read out of it is added."""
    if isinstance(g, dict):
        result = AdjointDict(g)
        if index in result:
            result[index] = _zero_item(_restored_item(container, index, result[index]))
        return result
    if isinstance(g, (list, tuple)):
        result = AdjointList(g)
        result[index] = _zero_item(_restored_item(container, index, result[index]))
        return result
    if isinstance(g, (float, int, complex)) and g == 0:
        return g                # a zero not yet shaped stays one
    result = numpy.array(g, dtype=float if numpy.ndim(g) == 0 else None, copy=True)
    result[index] = 0
    return result


def _refuse_length_changing_slice_write(where=None):
    at = f"{where}: " if where else ""
    raise TypeError(f"{at}astgrad: a slice write into a list that changes its length (xs[i:j] = v, v with "
                    "another number of items than xs[i:j]) cannot be differentiated on a list another name, a "
                    "container or a call may hold too (an argument, an alias): astgrad follows that list's "
                    "items by their places. Build the new list instead (xs = xs[:i] + list(v) + xs[j:])")


def _zero_item(item):
    """The zero derivative of an item a write replaced: the placeholder 0.0 for a list."""
    return 0.0 if type(item) is list else zeros_like(item)


def _is_zero_placeholder(g):
    """The plain 0.0 generated code starts a derivative with where the value may not
    exist yet (a list built in one branch): zero, whatever the list's length."""
    return isinstance(g, numbers.Number) and not isinstance(g, bool) and g == 0


def drop_last(g):
    """The derivative of a list before its last element was appended."""
    if _is_zero_placeholder(g):
        return g
    if isinstance(g, numpy.ndarray):    # np.sum(xs) of a list: one row per item
        return AdjointList(list(g[:-1]))
    return AdjointList(list.__getitem__(g, slice(None, -1)))


def pad_last(g, items):
    """``g`` with a zero derivative appended for ``items``' last element."""
    if _is_zero_placeholder(g):
        return zeros_like(items)
    return AdjointList(list(g) + [zeros_like(items[-1])])


def append_derivative(g, value, items=None):
    """The derivative of a list after ``value``'s derivative was appended to it;
    ``items`` is the list before the append (its length, when ``g`` is still 0.0)."""
    if _is_zero_placeholder(g) and items is not None:
        g = zeros_like(items)
    return AdjointList(list(g) + [value])


def put_back_popped(items, value):
    """Undo ``value = items.pop()`` in a reverse sweep, in the receiver's own way: a
    set gets its item back with ``add`` (Python chose which one ``pop`` took), a list,
    deque, bytearray or ``array.array`` at its end with ``append``."""
    if isinstance(items, (set, dict)) or not hasattr(items, "append"):
        if isinstance(items, set):
            items.add(value)
            return
        raise TypeError(
            f"astgrad: the function takes an item with .pop() from a {type(items).__name__}, which "
            f"astgrad cannot put back (it follows .pop() on a list, deque or set). Pass a list, or "
            f"read the item without taking it out")
    items.append(value)


def take_back_popped(items, value):
    """Undo ``put_back_popped(items, value)`` (a derivative of a derivative's reverse sweep): the
    item put back is not in a set before (a set's ``pop`` took it), and last in a list."""
    if isinstance(items, set):
        items.remove(value)
    else:
        items.pop()


class ShapeInfo:
    """What the shape helpers need of an array (shape and dtype), without its data.

    The forward sweep saves this instead of an overwritten array whose only use in
    the reverse sweep is to tell ``unbroadcast`` or ``unreduce`` a shape.
    """

    __slots__ = ("shape", "dtype")

    def __init__(self, shape, dtype):
        self.shape = shape
        self.dtype = dtype

    @property
    def ndim(self):
        return len(self.shape)

    @property
    def size(self):
        """The number of elements (code specialized to its arguments reads ``x.size``
        where ``x`` is an array, which a restore may have replaced by its ShapeInfo)."""
        return int(numpy.prod(self.shape, dtype=int))

    def __repr__(self):
        return f"ShapeInfo({self.shape}, {self.dtype})"


def shape_of(x):
    """``x``'s shape and dtype if it is an array (else ``x``, which is small anyway)."""
    if isinstance(x, numpy.ndarray):
        return ShapeInfo(x.shape, x.dtype)
    return x


# no __dict__: not an object of the user's whose derivative is a dict of its attributes'
# (zeros_like gives None), also where an exported module defines it (see _plain_object)
MISSING = type("Missing", (), {"__slots__": (), "__repr__": lambda self: "MISSING"})()


def saved_item(container, key):
    """A copy of ``container[key]`` before an in-place write, or MISSING for a new key.
    A container whose class writes items with code of its own, which the code took for a
    list's, a dict's or an array's, is refused (``own_items``)."""
    if isinstance(container, dict) and key not in container:
        return MISSING
    if type(container) is not list and type(container) is not dict and type(container) is not _NDARRAY:
        own_items(container, "__setitem__")
    return snapshot(container[key])


def _restored_item(container, index, default):
    """``container[index]``, an item of a list or dict put back by ``restore_item``, or
    ``default`` when there is no such single item (no container, a slice, a key gone)."""
    if isinstance(container, (list, dict)) and not isinstance(index, slice):
        try:
            return container[index]
        except (IndexError, KeyError, TypeError):
            pass
    return default


def slice_write_keeps_length(container, lower, upper, step, value, where):
    """Checked before ``xs[lower:upper:step] = v`` in the forward sweep of reverse mode:
    on a list, ``v`` with another number of items than the slice moves the later items,
    which the derivative follows by their places (and the reverse sweep puts back by the
    slice): refused. An array's slice write keeps its shape (NumPy raises otherwise)."""
    if type(container) is list and step in (None, 1) and hasattr(value, "__len__"):    # extended: Python raises
        replaced = range(*slice(lower, upper, step).indices(len(container)))
        if len(value) != len(replaced):
            _refuse_length_changing_slice_write(where)


def write_reads_value_first(container, index, value, where):
    """Checked before ``y[index] = v`` in the forward sweep of reverse mode, where ``v``
    may share ``y``'s memory (``y`` itself, a view of it): the derivative takes ``v`` as
    it was before the write, which is what NumPy writes for a basic index, but for an
    advanced one (a mask, a list of positions) only where this NumPy's route for it reads
    all of ``v`` first (``write_order.py``); elsewhere NumPy writes element by element,
    reading elements of ``v`` it has overwritten already: refused."""
    if type(container) is not _NDARRAY or type(value) is not _NDARRAY:
        return
    kind = write_route(container, index)
    if kind is None or reads_value_first(kind) or not numpy.shares_memory(container, value):
        return
    what = {"mask": "a mask", "positions": "a list of positions"}.get(kind, "arrays together with other indices")
    raise ValueError(f"astgrad: {where}: cannot differentiate this write y[index] = v, where v shares y's "
                     f"memory (y itself, or a view of it) and the index is {what}: NumPy writes such a value "
                     "element by element, so it may read elements the write has already replaced. Write a "
                     "copy, y[index] = v.copy(), which means the same in every NumPy version")


def restore_item(container, key, value):
    """Undo ``container[key] = ...`` with what ``saved_item`` returned."""
    if value is MISSING:
        container.pop(key, None)        # already gone when an outer sweep undid it first
    else:
        container[key] = value


def current_row(row, array, index):
    """``row = array[index]`` read again after ``array`` was written in place: a row of
    an n-d array is a view and shows the write (NumPy semantics); a number read out of
    a 1-D array (or a copy made by fancy indexing) does not."""
    return array[index] if _is_view_of(row, array) else row


def _is_view_of(row, array):
    return isinstance(row, numpy.ndarray) and isinstance(array, numpy.ndarray) \
        and row.base is not None and numpy.may_share_memory(row, array)


def when_view(g, row, array):
    """``g`` where ``row`` is a view of ``array`` (so it follows the array), else zero."""
    return g if _is_view_of(row, array) else zeros_like(g)


def unless_view(g, row, array):
    """``g`` where ``row`` is not a view of ``array`` (it keeps its value), else zero."""
    return zeros_like(g) if _is_view_of(row, array) else g


def element(container, index):
    """``container[index]`` where later code writes into ``container`` while the result
    is still in use: fine when the result is a number (a copy), an error when it is a
    view that the write would change behind astgrad's back."""
    value = container[index]
    if isinstance(value, numpy.ndarray) and isinstance(container, numpy.ndarray) \
            and numpy.shares_memory(value, container):
        raise RuntimeError(
            "astgrad: an indexed row of an array is still used after the array is written "
            "in place, and the row is a view that the write changes; read a copy instead "
            "(row = y[i].copy())")
    return value


def flat_not_held(value, where):
    """``value`` (what ``obj.flat`` read), unless it is NumPy's flat iterator held in a
    name or handed on: the iterator advances as it is read (a second pass over it is
    empty), and its derivative, that of ``numpy.ravel(x)``, is right only read fresh
    (frontend/normalize/flat_iterators.py). An object's own ``flat`` passes."""
    if isinstance(value, numpy.flatiter):
        raise TypeError(
            f"astgrad: {where}: x.flat is held or handed on here: NumPy's flat iterator advances as "
            "it is read (a second pass over it is empty), which astgrad does not follow. Iterate it "
            "directly (for v in x.flat), index it (x.flat[i]), or use x.ravel(), an array whose every "
            "pass reads all elements")
    return value


def flat_read_once(value):
    """``value`` (what ``obj.flat`` read, handed alone to ``sum``, ``max``, ``list``, ...):
    NumPy's flat iterator, read fresh, as the array of its items in order, which the
    derivative can read again (the iterator, once read, is empty); an object's own
    ``flat`` passes (frontend/normalize/flat_iterators.py)."""
    if isinstance(value, numpy.flatiter):
        return numpy.ravel(value.base)
    return value


def check_copy_cast(destination, source, casting):
    """Stop with NumPy's own error where ``numpy.copyto(destination, source,
    casting=casting)`` raises for the dtypes or the destination (a float into an int
    array under 'same_kind', a list as the destination), which the generated code's
    ``destination[...] = source`` would not: nothing is written here."""
    if not isinstance(destination, numpy.ndarray):
        numpy.copyto(destination, source, casting=casting)      # NumPy's TypeError for what is not an array
        return
    dtype = numpy.result_type(source) if isinstance(source, (int, float, complex)) else numpy.asarray(source).dtype
    numpy.copyto(numpy.empty(1, destination.dtype), numpy.empty(1, dtype), casting=casting)


def check_fill_view(part, whole, shown, where):
    """Stop where ``shown.fill(v)`` (``part``, read from ``whole``) would not write into
    ``whole`` as the generated code's element write does: ``whole`` not a NumPy array (a
    list, whose item the write would replace), or ``part`` a NumPy scalar (``y[0]`` of a
    1-D ``y``) or a copy (an index array's), whose ``fill`` changes nothing in ``whole``."""
    if not isinstance(whole, numpy.ndarray):
        name = shown.split("[")[0]
        raise TransformError(
            f"{where}: astgrad cannot differentiate .fill() on {shown}: astgrad follows .fill() on a slice "
            f"or an index of a NumPy array, and {name} is a {type(whole).__name__}; write the new value "
            f"with an assignment instead ({shown} = v for an array, {name}[i] = numpy.full_like({name}[i], v) "
            "for an item of a list)")
    if isinstance(part, numpy.ndarray) and (part.size == 0 or numpy.may_share_memory(part, whole)):
        return
    what = "a copy made by an index array" if isinstance(part, numpy.ndarray) else "one number"
    raise TransformError(
        f"{where}: astgrad cannot differentiate .fill() on {shown}, which is not a view of the array "
        f"but {what}, so NumPy's fill changes nothing in the array; write the element assignment "
        "you mean instead (y[i] = v), or leave the call out")


def check_array_method(receiver, method, where):
    """Stop if ``receiver.method(...)`` was not NumPy's array method after all.

    Method calls are matched to their rule by name (``v.sum()`` gets the rule of
    ``numpy.ndarray.sum``), which is only right for NumPy arrays and scalars; a user
    object with a method of the same name must not get NumPy's derivative.
    A list's or dict's ``copy`` means the same as an array's, and a number's ``real``,
    ``imag`` and ``conjugate``.
    """
    if isinstance(receiver, (numpy.ndarray, numpy.generic)) or is_duck_array(receiver):
        return                  # a Dask array's methods mean what NumPy's do
    if method == "copy" and isinstance(receiver, (list, dict)):
        return
    if method in ("real", "imag", "conjugate") and isinstance(receiver, numbers.Real):
        return      # a Python number's .real, .imag and .conjugate() mean the same
    raise TypeError(
        f"astgrad: {where}: .{method}() was differentiated as the NumPy array method "
        f"numpy.ndarray.{method}, but it was called on a {type(receiver).__name__} object. "
        "astgrad does not differentiate methods of other objects: call a module-level "
        "function with the object's arrays instead, or wrap the value in "
        "astgrad.stop_gradient(...)")


def check_plain_argument(value, label, transform, where):
    """Stop where a gradient taken inside differentiated code (``astgrad.grad(g)(p)``) is
    given an object of a plain class holding floats, as the call ``astgrad.grad(g)(p)``
    itself raises in Python (plain_objects.py): its gradient would be None."""
    try:
        refuse_plain_argument(value, label, transform, "leave it out of wrt= to hold it constant", paths=False)
    except TypeError as error:
        raise TypeError(f"astgrad: {where}: {error}") from None


def check_jvp_tangent(tangent, primal, index, where):
    """Stop where ``astgrad.jvp`` called inside differentiated code is given a tangent
    shaped otherwise than its primal (an array of another shape, a list of another
    length), with the message a jvp called outside gives, not NumPy's broadcast error
    from the code it runs. A tangent of another kind (None) is left to that code."""
    found = _tangent_mismatch(tangent, primal, "")
    if found is not None:
        path, given, like = found
        raise ValueError(f"astgrad: {where}: jvp: tangent {index}{path} is {_shape_words(given)}, but primal "
                         f"{index}{path} is {_shape_words(like)}; they must match")


def _tangent_mismatch(tangent, primal, path):
    """(path, tangent's part, primal's part) where they first differ in length, keys or
    shape; None where they agree."""
    if isinstance(primal, (list, tuple)) and isinstance(tangent, (list, tuple)):
        if len(tangent) != len(primal):
            return path, tangent, primal
        pairs = [(f"{path}[{i}]", t, p) for i, (t, p) in enumerate(zip(tangent, primal))]
    elif isinstance(primal, dict) and isinstance(tangent, dict):
        if set(tangent) != set(primal):
            return path, tangent, primal
        pairs = [(f"{path}[{key!r}]", tangent[key], item) for key, item in primal.items()]
    elif _has_shape(tangent) and _has_shape(primal) and numpy.shape(tangent) != numpy.shape(primal):
        return path, tangent, primal
    else:
        return None
    return next((found for found in (_tangent_mismatch(t, p, where) for where, t, p in pairs)
                 if found is not None), None)


def _has_shape(x):
    return isinstance(x, (numpy.ndarray, numpy.generic, numbers.Number)) and not isinstance(x, bool)


def _shape_words(x):
    if isinstance(x, dict):
        return f"a dict with keys {sorted(x, key=repr)}"
    if isinstance(x, (list, tuple)):
        return f"a {type(x).__name__} of length {len(x)}"
    return f"of shape {numpy.shape(x)}"


def check_container_method(receiver, method, where):
    """Stop if ``receiver.method(...)``, differentiated as a list's (or dict's) method
    found by its name (``log.append(v)``), runs code of the receiver's class instead: an
    object whose class astgrad did not know when it generated the code (read from a dict,
    returned by a call) defining ``append`` of its own."""
    if inspect.isfunction(getattr(type(receiver), method, None)):
        raise TypeError(
            f"astgrad: {where}: .{method}() was differentiated as a list's, but it was called on a "
            f"{type(receiver).__name__} object, whose class defines {method} in code of its own; astgrad did "
            "not know the object's class when it generated the code. Name the object where it is built "
            f"(log = {type(receiver).__name__}(...)) or give it as an argument, so that astgrad follows "
            f"its {method}, or hold a list")


def check_mapping(mapping, method, where):
    """Stop if a lowered ``mapping.get(key)`` or loop over ``mapping.items()``,
    ``.values()`` or ``.keys()`` was called on something that is not a mapping: astgrad
    rewrote it as reads of ``mapping[key]``, which only a mapping's methods agree with.
    Returns the mapping's keys (a live view, as ``for k in mapping`` sees them), which a
    lowered loop iterates: keys carry no derivative, whatever the values do."""
    if not isinstance(mapping, collections.abc.Mapping):
        raise TypeError(
            f"astgrad: {where}: .{method}() was differentiated as the dict method dict.{method}, "
            f"but it was called on a {type(mapping).__name__} object: the code was generated without "
            "knowing that object's class (as an exported module is: export is given no arguments), "
            "and read the call as a dict's. Call a module-level function with the object's arrays "
            "instead, or wrap the value in astgrad.stop_gradient(...)")
    own = disagreeing_method(mapping, method)
    if own is not None:
        raise TypeError(
            f"astgrad: {where}: .{method}() was differentiated as the dict method dict.{method}, reading "
            f"mapping[key], but it was called on a {type(mapping).__name__} object, whose {own} is its class's "
            "own: the code was generated without knowing that object's class (as an exported module is: "
            "export is given no arguments). Take the derivative in process (astgrad.grad is made for the "
            "object it is given), or call a module-level function with the object's arrays instead")
    return mapping.keys()


def has_key(mapping, key, where):
    """``key in mapping``, for a lowered ``mapping.get(key)`` (see check_mapping)."""
    check_mapping(mapping, "get", where)
    return key in mapping


def check_keywords(mapping, allowed, required, name):
    """Python's TypeError for ``name(**mapping)`` where ``mapping`` has a key that is not
    one of the parameters ``allowed`` or lacks one of the ``required`` ones (a lowered
    ``f(**d)`` whose keys are known only when the code runs)."""
    unknown = [key for key in mapping if key not in allowed]
    if unknown:
        raise TypeError(f"{name}() got an unexpected keyword argument (or multiple values for "
                        f"argument) '{unknown[0]}'")
    missing = [key for key in required if key not in mapping]
    if missing:
        raise TypeError(f"{name}() missing 1 required argument: '{missing[0]}'")


def hashable_arguments(*values):
    """Python's TypeError for a call of a helper decorated with ``functools.lru_cache``
    given a value the cache cannot hash (``unhashable type: 'numpy.ndarray'``)."""
    hash(values)


def check_spread_keywords(mapping, taken, name):
    """Python's TypeError for ``name(..., **mapping)`` handing ``mapping`` whole to the
    ``**kwargs`` parameter: not a mapping, a key that is not a string, or a key naming a
    parameter the call gives already (``taken``)."""
    if not isinstance(mapping, collections.abc.Mapping):
        raise TypeError(f"{name}() argument after ** must be a mapping, not {type(mapping).__name__}")
    for key in mapping:
        if not isinstance(key, str):
            raise TypeError("keywords must be strings")
        if key in taken:
            raise TypeError(f"{name}() got multiple values for argument '{key}'")


def default_of(fn, name):
    """The default value of ``fn``'s parameter ``name``, as it is now."""
    return inspect.signature(fn).parameters[name].default


def pop_position(items, index, where):
    """The position ``items.pop(index)`` removes, counted from the front, for a
    lowered ``xs.pop(i)``; raises what Python's ``list.pop`` raises for an index out of
    range, and a clear TypeError when ``items`` is not a list."""
    if not isinstance(items, list):
        raise TypeError(
            f"astgrad: {where}: .pop(i) was differentiated as the list method list.pop, "
            f"but it was called on a {type(items).__name__} object. astgrad does not "
            "differentiate methods of other objects: call a module-level function with the "
            "object's arrays instead, or wrap the value in astgrad.stop_gradient(...)")
    if not items:
        raise IndexError("pop from empty list")
    position = operator.index(index)
    position = position + len(items) if position < 0 else position
    if not 0 <= position < len(items):
        raise IndexError("pop index out of range")
    return position


def deleted_position(items, index, where):
    """``pop_position`` for ``del items[index]``: where ``items`` is an array or a tuple,
    the error Python or NumPy raises for the ``del``."""
    if isinstance(items, (_NDARRAY, tuple)):
        deleted_positions(items, None, None, None)
    return pop_position(items, index, where)


def sorted_positions(keys, reverse=False):
    """The positions of ``keys`` in the order ``sorted`` puts them (stably, and with
    ``reverse`` as Python's ``sorted`` does): ``sorted(xs, key=k)`` is
    ``[xs[i] for i in sorted_positions([k(v) for v in xs])]``."""
    return sorted(range(len(keys)), key=keys.__getitem__, reverse=bool(reverse))


def like_sequence(template, items):
    """``type(template)(items)`` for ``template`` a list or a tuple (``items`` a list):
    a new list or tuple of the items. Another type is a ``TypeError`` (its constructor
    was not differentiated)."""
    if type(template) is list:
        return list(items)
    if type(template) is tuple:
        return tuple(items)
    raise TypeError(
        f"astgrad: type(x)(items) was differentiated as building a list or a tuple like x, but x is a "
        f"{type(template).__name__}; write list(...) or tuple(...) for the type you mean")


def check_unpack_count(values, count):
    """Raise what Python raises unpacking ``values`` into ``count`` names, where it holds
    another number of items."""
    _own_iteration(values)
    given = len(values)
    if given > count:
        raise ValueError(f"too many values to unpack (expected {count})")
    if given < count:
        raise ValueError(f"not enough values to unpack (expected {count}, got {given})")


def check_spread_count(values, others, function, parameters):
    """Raise what Python raises calling ``function`` (its qualified name) with ``*values``
    and ``others`` other positional arguments, where they do not fill its ``parameters``
    (their names, space-separated: it takes that many, with no defaults) one for one."""
    _own_iteration(values)
    names = parameters.split()
    given = others + len(values)
    if given > len(names):
        raise TypeError(f"{function}() takes {len(names)} positional argument{'' if len(names) == 1 else 's'} "
                        f"but {given} {'was' if given == 1 else 'were'} given")
    if given < len(names):
        missing = [repr(name) for name in names[given:]]
        listed = missing[0] if len(missing) == 1 else " and ".join(missing) if len(missing) == 2 \
            else ", ".join(missing[:-1]) + ", and " + missing[-1]
        raise TypeError(f"{function}() missing {len(missing)} required positional "
                        f"argument{'' if len(missing) == 1 else 's'}: {listed}")


def check_zip_lengths(*lengths):
    """Raise what ``zip(..., strict=True)`` raises where its arguments have ``lengths``:
    the first argument found out of step when the shortest one runs out."""
    shortest = min(lengths)
    if lengths[0] == shortest:
        for i, n in enumerate(lengths[1:], 2):
            if n > shortest:
                raise ValueError(f"zip() argument {i} is longer than argument{_first(i - 1)}")
        return
    i = lengths.index(shortest) + 1
    raise ValueError(f"zip() argument {i} is shorter than argument{_first(i - 1)}")


def _first(count):
    return " 1" if count == 1 else f"s 1-{count}"


# what a loop over zip(...) may read by position (seq[k]): the k-th item is what iterating gives
_BY_POSITION = (list, tuple, numpy.ndarray, range, str)


def zip_length(seq, argument, where):
    """``len(seq)`` for argument ``argument`` (from 1) of a loop over ``zip(...)``, which
    the derivative runs by position (``seq[k]``): right for a list, tuple, array, range or
    string. A dict gives its keys when iterated (``seq[k]`` would read values), and an
    iterator or another iterable may not be read by position at all: refused, naming the line."""
    if isinstance(seq, _BY_POSITION):
        return len(seq)
    kind = type(seq).__name__
    if isinstance(seq, dict):
        advice = "write zip(list(d), ...) for its keys or zip(d.values(), ...) for its values"
    else:
        advice = "make a list of it first (zip(list(v), ...)), or pass a list, tuple or array"
    raise TypeError(
        f"astgrad: {where}: argument {argument} of zip() is a {kind}; astgrad follows a loop over zip(...) "
        f"reading each argument by position, which it does for lists, tuples, arrays and ranges; {advice}")


def list_to_tuple(items):
    """``tuple(xs)``, once ``xs`` is made a list (``[v for v in xs]``): its own helper
    so that its rules need only cover lists."""
    return tuple(items)


def check_scalar_output(value, name):
    """Stop where ``name``, the function a gradient is taken of, returned no number:
    code returning the gradient alone (which a transform of ``grad(name)`` runs, and an
    exported gradient) checks the output as calling the gradient does. A one-element
    array is the number it holds."""
    if type(value) is float or is_real_number(value) or one_element(value):
        return
    check_scalar(value, name)


def check_element_read(value, where):
    """Stop where ``a.data[k]``, read in an expression before a method changing ``a`` in
    place runs, is not a number (a view of a row of a deeper array, an array a list holds):
    Python's expression then sees the change, where the derivative reads the value from
    before the call. A number (``a.data[k]`` of a 1-D array) is a copy the call cannot change."""
    if isinstance(value, (numbers.Number, numpy.generic)):
        return
    raise TransformError(
        f"{where}, which here is of type {type(value).__name__}, not a number: Python's expression holds it "
        "itself and sees the change, where astgrad's would be the value before the call; call the method in "
        "a statement of its own (r = a.method(...)), and read the item before or after that statement, as "
        "you mean (a copy before it: v = a.data[k].copy())")


def element_copy(value, where):
    """``value`` (``a.data[k]`` bound to a name before a method changing ``a`` runs) where
    it is a number, a copy the method cannot change; stopped as ``check_element_read``
    stops otherwise. The identity on numbers, with the identity's derivatives."""
    check_element_read(value, where)
    return value


def check_number_operand(value, symbol, where, sequence=False):
    """Stop where the left operand of ``k * v``, followed as ``v.__rmul__(k)`` because a
    number's operator gives way to an object's, is not a Python number: an array's (or
    another object's) operator would run first, with another result. ``sequence``: NumPy
    reads ``v`` as a sequence (its class has ``__len__`` and ``__getitem__``), so a NumPy
    scalar's operator (``np.float64``, a float too) runs on its items, not ``__rmul__``."""
    if isinstance(value, (int, float, complex)) and not (sequence and isinstance(value, numpy.generic)):
        return
    raise TypeError(
        f"astgrad: {where}: the left operand of {symbol} is a {type(value).__name__}, not a Python "
        + ("number (a NumPy scalar, whose operator reads the right operand as a sequence of its items, "
           "having __len__ and __getitem__)" if isinstance(value, numpy.generic) else "number")
        + ": the code was made for the right operand's reflected method, which Python runs "
        "only when the left operand's own operator gives way; pass a Python number there (float(k)), "
        "or call the method you mean by its name")


def check_compared_value(value, left, right, methods, symbol, where):
    """Stop where a comparison astgrad reads as a constant (neither operand's class known
    when it generated the code) ran a comparison method of a user class (``methods``: the
    left operand's and the right one's reflected) that gave a value other than a bool,
    which may carry a derivative (a distance as ``v == w``) that would be lost."""
    if value.__class__ is bool or value.__class__ is numpy.bool_:
        return
    for operand, method, order in zip((left, right), methods, ("a, b", "b, a")):
        function = getattr(type(operand), method, None)
        if isinstance(function, types.FunctionType) and function.__code__.co_filename != "<string>":
            raise TypeError(
                f"astgrad: {where}: {symbol} runs {type(operand).__name__}.{method}, whose class astgrad did not "
                f"know when it generated the code, and it gave a {type(value).__name__}, whose derivative would "
                f"be lost; call the method through its class ({type(operand).__name__}.{method}({order})), which "
                "astgrad follows")


def check_float_dtype(dtype, what, where):
    """Stop if a ``dtype=`` given as a variable makes a reduction integer-valued: its
    derivative rule assumes a float result (a constant integer dtype gives 0)."""
    if dtype is None or numpy.dtype(dtype).kind in "fc":
        return
    if numpy.dtype(dtype).kind not in "biu":
        raise TypeError(f"astgrad: {where}: {what}(..., dtype={numpy.dtype(dtype)}) of a value that carries a "
                        "derivative: astgrad follows float arrays only; leave dtype= out (or give a float dtype)")
    raise TypeError(
        f"astgrad: {where}: {what}(..., dtype={numpy.dtype(dtype)}) computes an integer "
        "result, a piecewise-constant function; write the dtype as a constant (its "
        "derivative is then 0) or wrap the value in astgrad.stop_gradient(...)")


# ---------------------------------------------------------------------------------
# Helpers of the SciPy rules (rules/scipy_special.py, rules/scipy_stats.py); they use
# NumPy only, so this module never imports SciPy.
# ---------------------------------------------------------------------------------

def logsumexp_weights(a, y, axis=None, b=None, keepdims=False, return_sign=False):
    """``b * exp(a - y)`` for ``y = scipy.special.logsumexp(a, axis, b, keepdims)``: the
    weight of each term in logsumexp's derivative (the softmax of ``a`` when ``b`` is None),
    with the shape of ``a`` and ``b`` broadcast together."""
    if return_sign:
        raise ValueError(
            "astgrad: scipy.special.logsumexp(..., return_sign=True) is not differentiated; "
            "call it with return_sign=False (its default), which needs sum(b * exp(a)) > 0")
    shape = numpy.shape(a) if b is None else numpy.broadcast_shapes(numpy.shape(a), numpy.shape(b))
    weights = numpy.exp(a - unreduce(y, numpy.broadcast_to(a, shape), axis, keepdims))
    return weights if b is None else b * weights


def mvn_points(x, cov_shape):
    """``x`` as an (n, k) array of points, as ``scipy.stats.multivariate_normal`` reads it
    for a (k, k) covariance: the last axis holds the coordinates, a number or a length-k
    vector is one point, and for k = 1 a vector holds n points. SciPy reads the points as
    floats: a complex ``x`` counts by its real part."""
    if len(cov_shape) != 2:
        raise ValueError(
            "astgrad: scipy.stats.multivariate_normal is differentiated with cov given as a "
            f"(k, k) matrix, not an array of shape {tuple(cov_shape)}; pass "
            "numpy.diag(variances) or variance * numpy.eye(k) instead")
    return numpy.reshape(numpy.real(x), (-1, cov_shape[-1]))


def scipy_shift(loc, x):
    """``loc`` as ``scipy.stats`` reads it in ``(x - loc) / scale``: SciPy casts that
    quotient to ``x``'s float dtype, so beside a real ``x`` a complex ``loc`` counts by
    its real part alone (SciPy drops the imaginary part, with a ComplexWarning). Linear
    in ``loc``."""
    if numpy.iscomplexobj(loc) and not numpy.iscomplexobj(x):
        return numpy.real(loc)
    return loc


# -- list and tuple + and * ------------------------------------------------------------------

def _is_items(value):
    return isinstance(value, (list, tuple))


def concat(a, b):
    """``a + b`` where astgrad saw a list or a tuple when it generated the code:
    concatenation (both operands must be lists, or both tuples, as in Python)."""
    if not (_is_items(a) and _is_items(b)):
        raise TypeError(f"astgrad: '+' of a {type(a).__name__} and a {type(b).__name__} where a list "
                        "or tuple concatenation was expected; convert the array with list(...) "
                        "or the list with numpy.asarray(...)")
    return a + b


def extended(a, b):
    """What ``a += b`` leaves in ``a`` where astgrad saw a list or a tuple: ``concat(a,
    b)``, except that ``list.__iadd__`` extends a list by a tuple or a range too (an
    array operand is NumPy's arithmetic, chosen before this is called)."""
    if type(a) is list and isinstance(b, (tuple, range)):
        return a + list(b)
    return concat(a, b)


def repeat(items, count):
    """``items * count`` (or ``count * items``) on a list or tuple: ``count`` copies (a
    bool is the int 0 or 1 here, as in Python)."""
    if not _is_items(items) or not isinstance(count, numbers.Integral):
        hint = ""
        if _is_items(items) and isinstance(count, (numpy.ndarray, numpy.generic, float)):
            hint = (" (in NumPy a list times an array multiplies elementwise, but astgrad could not tell "
                    "when it generated the code that this operand is not an int, as it is for an argument: "
                    "write numpy.asarray([...]) * v or numpy.multiply([...], v))")
        raise TypeError(f"astgrad: '*' of a {type(items).__name__} and a {type(count).__name__} "
                        f"where a list or tuple repeated an int number of times was expected{hint}")
    return items * count


def piecewise_masks(x, conditions, count):
    """The boolean masks ``numpy.piecewise(x, conditions, funclist)`` applies the ``count``
    items of ``funclist`` under, as NumPy reads them: a list of conditions that are not
    arrays is one condition for an array ``x``, one more function than conditions gets
    where none holds, and any other count raises NumPy's ``ValueError``."""
    x = numpy.asanyarray(x)
    if numpy.isscalar(conditions) or (not isinstance(conditions[0], (list, numpy.ndarray)) and x.ndim != 0):
        conditions = [conditions]
    masks = numpy.asarray(conditions, dtype=bool)
    if len(masks) == count - 1:
        masks = numpy.concatenate([masks, ~numpy.any(masks, axis=0, keepdims=True)], axis=0)
    elif len(masks) != count:
        raise ValueError(f"with {len(masks)} condition(s), either {len(masks)} or {len(masks) + 1} "
                         "functions are expected")
    return list(masks)


def holds_items(value):
    """Whether ``value`` is a list or a tuple, where the code could not tell when it was
    generated (``a = x * [w, 2.0]`` is one where ``x`` is an int, an array where it is an
    array): ``a + b`` and ``a * n`` then concatenate and repeat."""
    return _is_items(value)


def multiplies_elementwise(count):
    """Whether ``items * count`` on a list multiplies elementwise (``count`` an array, as
    NumPy reads ``[1.0, 2.0] * numpy.array(2)``) rather than repeating the list."""
    return isinstance(count, _NDARRAY)


def joins_elementwise(other):
    """Whether ``items + other`` (or ``-``, ``/``, ``**``) on a list or tuple is NumPy's
    elementwise arithmetic: ``other`` is a NumPy array or scalar, which reads the list
    as an array (``x + [1.0, w]``), where a list would be concatenated."""
    return isinstance(other, (_NDARRAY, numpy.generic))


def _items_derivative(g, like):
    """``g`` as one derivative per item of ``like`` (a zero placeholder becomes zeros)."""
    if _is_zero_placeholder(g) or g is None:
        return zeros_like(like)
    return list(g)


def cut(g, like, at_start):
    """The part of ``g``, a derivative of a concatenation, that belongs to ``like``: its
    first ``len(like)`` items when ``at_start``, else its last ones."""
    if _is_zero_placeholder(g) or g is None:
        return zeros_like(like)
    items = list(g)
    return AdjointList(items[:len(like)] if at_start else items[len(items) - len(like):])


def pad_to(t, like, at_start):
    """``t`` (a derivative of the first or last items of ``like``) as a derivative of all of
    ``like``: zeros for the other items (the transpose of ``cut``)."""
    if _is_zero_placeholder(t) or t is None:
        return zeros_like(like)
    items = list(t)
    rest = [zeros_like(v) for v in (list(like)[len(items):] if at_start else list(like)[:len(like) - len(items)])]
    return AdjointList(items + rest if at_start else rest + items)


def repeated_sum(g, items):
    """The derivative of ``items`` from the derivative ``g`` of ``items * count``: each
    item's copies add up (zeros when count is 0)."""
    result = zeros_like(items)
    if _is_zero_placeholder(g) or g is None or not len(items):
        return result
    g = list(g)
    for start in range(0, len(g), len(items)):
        result = result + AdjointList(g[start:start + len(items)])
    return result


def repeated(t, count):
    """The derivative of ``items * count`` from the derivative ``t`` of ``items``."""
    if _is_zero_placeholder(t) or t is None:
        return t
    return AdjointList(list(t) * count)


def repeated_like(t, like):
    """``t`` repeated as often as it fits in ``like`` (the transpose of ``repeated_sum``)."""
    if _is_zero_placeholder(t) or t is None:
        return zeros_like(like)
    t = list(t)
    return AdjointList(t * (len(like) // len(t)) if t else [])


# -- in-place writes through aliases and into arguments -------------------------------------

def copy_argument(value):
    """The copy of an argument the function writes into, made when the generated code
    starts, so calling a derivative leaves the caller's value as it was: a new array
    for an array, a deep copy for a list, tuple or dict (numbers are returned as they are).
    A read-only array gives a read-only copy, so a write into it raises NumPy's error,
    as the function's own write does, also one a list, tuple or dict holds."""
    if isinstance(value, numpy.ndarray):
        return _read_only_if(same_layout_copy(value), value)
    if isinstance(value, (list, tuple, dict)):
        import copy
        return copy.deepcopy(value, _array_copies(value, {}))
    return value


def _array_copies(value, memo):
    """``memo`` for ``copy.deepcopy(value)``, holding a copy of each array the lists, tuples
    and dicts of ``value`` hold, in its memory layout (array_layout.py) and read-only where
    it is (deepcopy's own copy is writable, and drops gaps and negative strides)."""
    if isinstance(value, numpy.ndarray):
        if not value.dtype.hasobject and id(value) not in memo:
            memo[id(value)] = _read_only_if(same_layout_copy(value), value)
    elif isinstance(value, (list, tuple, dict)) and id(value) not in memo:
        memo[id(value), "seen"] = value     # (a list holding itself is walked once)
        for item in value.values() if isinstance(value, dict) else value:
            _array_copies(item, memo)
    return memo


def _read_only_if(copy, value):
    """``copy`` (a new array), read-only where ``value`` is."""
    if not value.flags.writeable:
        copy.flags.writeable = False
    return copy


def deep_copy(value):
    """``copy.deepcopy(value)``: a new object holding copies of all it holds, so that no
    other name refers to any part of it (its derivative is the deep copy of the derivative)."""
    import copy
    return copy.deepcopy(value)


def shallow_copy(value):
    """``copy.copy(value)``: a new list, dict or set holding the same items, a new array
    holding its own elements, an immutable value itself."""
    import copy
    return copy.copy(value)


def any_order(value):
    """The order NumPy's ``order="A"`` reads ``value`` in for a reshape or a ravel: ``"F"``
    where the array is laid out in Fortran order alone (a transposed C array), ``"C"`` for
    any other array; ``"A"`` as given for what is no array. A derivative reshapes its
    derivatives, laid out as they happen to be, in the order this names, the order the
    function read the array in."""
    if not isinstance(value, numpy.ndarray):
        return "A"
    return "F" if value.flags.f_contiguous and not value.flags.c_contiguous else "C"


def writes_through(view, base, where):
    """Whether writing into ``view`` (``v = base[i]``, ``base.T``, ``base.reshape(...)``)
    changes ``base``, as NumPy's views do: True for an array sharing ``base``'s memory,
    False for a number (an element of a 1-D array). An array that does not (a copy made
    by a fancy index or a reshape, an array a list or dict holds) is refused: astgrad
    follows writes through views of arrays only."""
    if isinstance(view, list) and isinstance(base, (list, tuple)) and not any(item is view for item in base):
        _refuse_write_into_a_list_slice(base, where)
    if isinstance(view, (list, tuple, dict)):
        what = f"a {type(view).__name__} held by a {type(base).__name__}"
    elif not isinstance(view, numpy.ndarray):
        return False
    elif isinstance(base, numpy.ndarray) and (view.base is not None and numpy.may_share_memory(view, base)
                                              or view is base):     # numpy.ascontiguousarray(base)
        return True
    elif _held_twice(view, base):
        raise TypeError(
            f"astgrad: {where}: this writes into an array that the {type(base).__name__} holds more than "
            "once (as [a] * n makes it), so the write would change each of them, which astgrad cannot "
            "follow. Build the list from separate arrays ([a.copy() for _ in range(n)]) where only one "
            "should change; where all should, write into the array before building the list")
    else:
        if isinstance(base, (list, tuple, dict)):
            what = f"an array held by a {type(base).__name__}"
        elif isinstance(base, numpy.ndarray) and base.dtype == object:     # (x[0] is the item itself)
            what = "an array held by an array of objects"
        else:
            what = "a copy of the array it was read from (a fancy index, or a reshape or ravel that copies)"
    raise TypeError(
        f"astgrad: {where}: this writes into {what}; astgrad follows writes through views of "
        "arrays only (basic indexing, .T, a reshape or ravel that shares memory). Write into a copy and "
        "store it back (a = x[i].copy(); a[j] = v; x[i] = a), or build a new value (where a ravel of an array "
        "whose items are not laid out in one run is meant to copy them, say so: a = x.ravel().copy())")


def returns_itself(given, function, dtype, where, call):
    """Checked before ``z = numpy.asarray(y)`` (``function``: its name; ``dtype``: the
    dtype's ``str``, or None) is followed as ``z = y``, so a write into ``z`` writes into
    ``y``: NumPy must give ``y`` itself, as it does for an array of that dtype. A new
    array (of a list, or of another dtype), which a write into ``z`` would leave ``y``
    without, is refused."""
    made = getattr(numpy, function)(given, dtype=dtype, **({"copy": False} if function == "array" else {}))
    if made is given:
        return
    raise TypeError(
        f"astgrad: {where}: {call} makes a new array here ({type(given).__name__} "
        f"{'of dtype ' + str(given.dtype) + ' ' if isinstance(given, numpy.ndarray) else ''}in), while astgrad "
        "follows it, for the writes into the name it is bound to, as the array itself. Write a copy where the "
        "writes should leave the original alone (z = numpy.array(y, dtype=float)), or write into the original")


def view_handed_apart(base, where, *others):
    """Checked before ``h(y[1:], w)`` is followed as ``h`` writing into a copy of the
    slice that ``y`` takes back after the call: no other argument may be, hold, or view
    ``y``'s memory, which the helper would see change in Python while it runs."""
    mine = _held_objects(base)
    theirs = [held for other in others for held in _held_objects(other)]
    if mine and theirs and _overlapping(mine + theirs, len(mine)):
        raise TypeError(
            f"astgrad: {where}: this call hands the helper a slice of an array and, in another argument, that "
            "array (or a view of it, or a list or object holding it), which sees the helper's writes into the "
            "slice while it runs; astgrad cannot follow that. Pass a copy in the other argument "
            "(h(y[1:], u.copy())), or hand the helper the whole array and the bounds")


def real_is_itself(array, where, shown):
    """Checked before ``y.real[k] = v`` is followed as ``y[k] = v``: the real part of a
    real NumPy array is a view of all of it. A complex array (whose real part is half of
    each item) or anything else is refused."""
    if isinstance(array, numpy.ndarray) and not numpy.iscomplexobj(array):
        return
    raise TypeError(
        f"astgrad: {where}: this writes into {shown}.real of a "
        f"{'complex array' if isinstance(array, numpy.ndarray) else type(array).__name__}; astgrad follows "
        f"writes into the real part of a real array only (the array itself: write {shown}[k] = v). Build a "
        f"new value instead ({shown} = {shown}.real.copy(), then write into it)")


def _refuse_write_into_a_list_slice(base, where):
    """The refusal of ``t = y[1:]; t[0] = v`` with ``y`` a list: NumPy's slices are views,
    which astgrad writes back into their base, but a slice of a list is a new list."""
    raise TypeError(
        f"astgrad: {where}: this writes into a slice of a {type(base).__name__} (t = y[1:]; t[0] = v), which in "
        f"Python is a new list of its own, so the {type(base).__name__} it was taken from (in a helper, the one "
        "the caller hands it) does not change; astgrad follows writes through slices of arrays, which share "
        "the array's memory, and not this one. Where the caller should see the new value, write into the list "
        "itself (y[1] = y[1] * w) or return a new list and use it (return [t[0] * w] + t[1:]); where the "
        "slice is meant to be a copy, build the new list instead (t = [y[1] * w] + y[2:])")


def _held_twice(item, container):
    """Whether the list, tuple or dict ``container`` holds ``item`` itself more than once."""
    if not isinstance(container, (list, tuple, dict)):
        return False
    held = container.values() if isinstance(container, dict) else container
    return sum(1 for other in held if other is item) > 1


def shows_write(view, base, where):
    """Asked where a view taken before a write into ``base`` (``u = x[1:]``, ``x.T``,
    ``x.ravel()``) is read again after it: True where ``view`` shares ``base``'s memory, so
    it shows the write as NumPy's views do; False for a reshape or ravel that NumPy made a
    copy (the array's items are not laid out as the new shape reads them), which keeps the
    earlier values. A slice of a list is a copy too, which astgrad does not keep: refused.
    An array made of a number (``numpy.ascontiguousarray(x[0] * w)``) is a new array of its
    own, which shares no memory: False."""
    if isinstance(view, numpy.ndarray) and isinstance(base, numpy.ndarray):
        return numpy.may_share_memory(view, base)
    if isinstance(view, numpy.ndarray) and isinstance(base, (float, int, complex, numpy.generic)):
        return False
    raise TypeError(
        f"astgrad: {where}: a slice taken of this {type(base).__name__} before the write is read "
        f"after it; astgrad follows slices of arrays, which share the array's memory and show the "
        f"write, but this one is a {type(view).__name__} of its own. Take the copy explicitly "
        "(u = list(xs[:2]), u = x[:2].copy()) where the slice should keep the earlier values")


def view_shows_writes(base, whole):
    """Whether a view taken of the array an object's attribute holds (``head =
    a.data[:2]``), by an index of slices and ``whole`` integers, shares its memory, so that
    it shows a later write into it, as NumPy's views do: read again after each call of the
    object's method (kept_attribute_views.py). A slice of a list, or an element of an array
    (every axis indexed by an integer), is a value of its own: False."""
    return isinstance(base, numpy.ndarray) and base.ndim > whole


def same_item(container, other, key):
    """Whether the dict ``container`` holds at ``key`` the very object ``other`` holds there
    (a shallow copy's item, before either was given another): ``op=`` on it through
    ``other`` shows in ``container`` (shared_dict_items.py)."""
    return isinstance(container, dict) and isinstance(other, dict) and key in container and key in other \
        and container[key] is other[key]


def item_update(item, container, where):
    """Checked before ``c[k] op= v`` runs as ``c[k] = c[k] op v``: ``op=`` changes an
    array (or list) object in place, so where ``c`` is a list, tuple or dict holding one,
    any other name or item holding that object too would change, which astgrad cannot
    follow: refused. An element of an array (a number, or a view written back into ``c``
    anyway) and a number held by a list are fine (``op=`` rebinds a number)."""
    if isinstance(container, (list, tuple, dict)) and isinstance(item, (numpy.ndarray, list, dict)):
        raise TypeError(
            f"astgrad: {where}: op= (+= and the like) on an {type(item).__name__} held by a "
            f"{type(container).__name__} changes that object in place, and other names or items "
            "holding it would change too, which astgrad cannot follow. Compute the new value and store "
            "it wherever the object is held and read again (v = c[k] + w; c[k] = v; c[j] = v for an "
            "item holding it too; a = v for a name), or, where only this item should change, store it "
            "there alone (c[k] = c[k] + w)")


def outside_update(value, where):
    """Checked before ``v op= e`` where ``v`` may be an object the function did not create
    (``v = GLOBAL_LIST[0]``, ``v = CONFIG.a``, ``v = TABLE``, ``s.arr`` that ``__init__(self,
    arr=Z)`` bound to its default): on an array (or list, dict,
    set) ``op=`` changes that object in place, which the caller or a global would see,
    and which a derivative never does: refused. A number (or a tuple, a string) passes:
    ``op=`` binds a new value to ``v`` alone."""
    if isinstance(value, (numpy.ndarray, list, dict, set)):
        raise TypeError(
            f"astgrad: {where}: op= (+= and the like) on an {type(value).__name__} the function did not "
            "create (a global's or a closure's, a parameter's default, made once when the def ran and shared "
            "by every call, or an item or attribute of one) changes it in place, which the derivative would "
            "not follow: a derivative never changes memory the caller or a global holds. Build a new value "
            "(v = v * w), make a new one in the function (a default of None, then np.zeros(n) where it is "
            "None), or change the global outside the differentiated function")


_CONTAINERS = (list, tuple, dict)
_CHANGEABLE = (numpy.ndarray, list, dict, set)


def item_of_copy_apart(copied, item, where):
    """Checked before ``c[k] op= e`` where ``c`` is a shallow copy (``c = xs.copy()``):
    an array's copy is new memory, but a list's, tuple's or dict's copy holds the very
    arrays ``xs`` holds, which op= changes in place for every name holding them, and
    which the derivative would not follow: refused. A number item is only rebound."""
    if isinstance(copied, _CONTAINERS) and isinstance(item, _CHANGEABLE):
        kind = type(copied).__name__
        raise TypeError(
            f"astgrad: {where}: op= (+= and the like) on an item of a shallow copy of a {kind} changes the "
            f"{type(item).__name__} the original {kind} holds too (the copy holds the very same objects), which "
            f"astgrad cannot follow. Store a new value instead (c[k] = c[k] * a), or copy the items too "
            f"(c = [v.copy() for v in xs])")


def items_unshared_by_copy(value, callee, written, where, keys=None):
    """Checked before a call of a helper that writes into an item of its shallow copy of
    this argument (``c = xs.copy(); c[0] *= a``): an array's copy is new memory, but a
    list's, tuple's or dict's copy holds the very arrays ``value`` holds, so the write
    changes them for the caller too, which the derivative would not follow: refused.
    A number item passes (op= on a number rebinds the copy's item): with ``keys``, the
    constant keys of the items the helper writes, only those are checked, else every item."""
    items = value.values() if isinstance(value, dict) else value if isinstance(value, _CONTAINERS) else ()
    if keys is not None and isinstance(value, _CONTAINERS):
        items = [_item_at(value, key) for key in keys]
    if any(isinstance(item, _CHANGEABLE) for item in items):
        raise TypeError(
            f"astgrad: {where}: the call of {callee} changes an array its argument (a "
            f"{type(value).__name__}) holds, by op= on an item of its shallow copy ({written}): a "
            f"shallow copy of a {type(value).__name__} "
            f"holds the very same arrays, so the caller's items change too, which astgrad cannot "
            f"follow. In {callee}, store a new value into the copy (c[0] = c[0] * a) instead of "
            f"changing its item in place")


def _item_at(container, key):
    """``container[key]``, or None where it has no such item (the helper's own write
    then raises Python's error)."""
    try:
        return container[key]
    except (IndexError, KeyError, TypeError):
        return None


def list_argument(value, name, where):
    """Checked when a derivative starts, for an argument the function appends to
    (``acc.append(v)``, ``extend``, ``insert``): the derivative appends to a copy of the
    caller's list, which it leaves alone; anything but a list is refused."""
    if not isinstance(value, list):
        raise TypeError(
            f"astgrad: {where}: the function appends to its argument '{name}', which astgrad "
            f"differentiates for a list (appending to a copy, so the caller's list is left as it "
            f"was); got a {type(value).__name__}. Pass a list, or return the new items instead")


def plain_keys(*keys_and_where):
    """Checked where a dict gets a key that may depend on the differentiated inputs
    (``{k: v}``, ``d[k] = v``): derivatives follow a dict's values, never its keys, so
    a float key read back (``list(d)``, ``d.items()``, ``max(d)``) would carry none.
    Strings, ints and other keys pass."""
    *keys, where = keys_and_where
    for key in keys:
        if _holds_float_key(key):
            raise TypeError(
                f"astgrad: {where}: a dict key here is a float depending on the differentiated "
                f"inputs; astgrad follows the derivatives of a dict's values, not of its keys, so the "
                f"keys read back would carry none. Keep such values as dict values or in a list, and "
                f"key the dict by strings or ints")


def _holds_float_key(key):
    if isinstance(key, tuple):
        return any(_holds_float_key(k) for k in key)
    return isinstance(key, (float, complex, numpy.inexact))


def items_apart(container, where):
    """Checked when a derivative starts, for an argument whose items the function changes
    with ``op=`` (``xs[0] += v``): on an array item Python changes that object in place, so
    every other item holding it (``xs = [a, a]``) or a view of its memory changes too. The
    derivative works on a copy where each item is its own value, so such an argument is
    refused; a list, tuple or dict whose arrays share no memory (and any other value) passes."""
    if isinstance(container, (list, tuple, dict)) \
            and _overlapping([held for held in _held_objects(container) if held is not container]):
        raise TypeError(
            f"astgrad: {where}: op= (+= and the like) on an item of this {type(container).__name__} "
            "argument changes that array in place, and another of its items is the same array or a "
            "view of its memory, which would change too; astgrad cannot follow that. Pass separate "
            "arrays (xs = [a, a.copy()]) or store a new value: xs[k] = xs[k] + v")


def number_array_argument(value, name, where, read=False, compared=False, outside=False, stored=False):
    """Checked when a derivative starts, for an argument ``name`` the function stores into
    the elements of (``y[0] = x[1::2]``) where it follows that as NumPy does for an array of
    numbers, which copies the values in. A list or an array of objects holds the value
    itself instead (a view of another array, which later writes into that array change):
    refused, saying so. ``read``: the argument is read instead by a list or a mask
    (``z = y[[0, 2]]``, ``y[y > 0]``), followed as the new array NumPy gives for an array of
    numbers, which an array of objects (or anything else) need not give. An array of objects
    whose items are all numbers passes that read too: the new array holds the same numbers,
    which no write can change (a write rebinds an item of the new array alone). ``compared``:
    the argument is only compared with an array of numbers to make a mask (``y[y > t]``),
    which NumPy's numbers make a bool array: a number passes too. ``stored``: the argument
    is the value stored (``z[2] = w``), not what is stored into: a number passes too, as
    nothing can share its memory. ``outside``: ``name`` is a global or closure variable the
    function reads (``G[G > 0]``), not an argument."""
    if isinstance(value, numpy.ndarray) and value.dtype.kind in "biufc":
        return
    if (stored or compared) and (type(value) in (int, float, bool, complex)
                                 or isinstance(value, (numpy.number, numpy.bool_))):
        return      # a number holds no memory a write could change
    if compared:
        raise TypeError(
            f"astgrad: {where}: this compares an array of numbers with the argument '{name}' (y > {name}, "
            f"y[y > {name}]), which astgrad follows as the new bool array NumPy gives where '{name}' is a number "
            f"or an array of numbers; '{name}' is a {type(value).__name__}, whose comparison may give another "
            f"object (one that is no mask, or shares memory). Pass a number (float({name})) or an array of numbers")
    if read and isinstance(value, numpy.ndarray) and value.dtype.kind == "O" and _holds_numbers_only(value):
        return
    held = "an array of objects" if isinstance(value, numpy.ndarray) else f"a {type(value).__name__}"
    if read:
        raise TypeError(
            f"astgrad: {where}: this reads the {'global or closure variable' if outside else 'argument'} '{name}' by a list or a mask ({name}[[0, 2]], "
            f"{name}[{name} > 0]), which astgrad follows for an array of numbers (NumPy gives a new array, "
            f"which the code then changes alone); '{name}' is {held}, whose items would be the very objects "
            f"it holds, so changing them would change '{name}' too, which astgrad cannot follow. Pass an array "
            "of numbers, or take a copy (z = z.copy()) before changing it")
    raise TypeError(
        f"astgrad: {where}: this stores into an element of the argument '{name}', which astgrad follows for an "
        f"array of numbers (NumPy copies the values in); '{name}' is {held}, which holds the value stored "
        "itself, so a later write into the array it is (or is a view of) would change it too, which astgrad "
        f"cannot follow. Pass an array of numbers, or store a copy ({name}[k] = v.copy())")


def _holds_numbers_only(array):
    """Whether every item of an array of objects is a number (``float``, ``int``,
    ``numpy.float64``, ...), none of them an array or a container: such items cannot be
    changed in place."""
    return all(isinstance(item, numbers.Number) and not isinstance(item, numpy.ndarray)
               for item in array.flat)


def written_copy(item):
    """A new object holding what ``item`` holds, for ``t = d[a]; t[b] = v; d[a] = t``
    (and ``t.append(v)``) once the checks have shown that nothing but ``d`` and ``t``
    refers to ``t``'s object: the write goes into the copy, which ``d`` takes back, so
    every name the program reads sees what Python shows, and no other name holds the
    object written into (a derivative of the derivative can follow it). An array is
    copied; anything else shallowly, keeping its type (``defaultdict``, ``OrderedDict``,
    ``deque``), its items the very same objects (a number is returned as it is)."""
    if isinstance(item, numpy.ndarray):
        return item.copy()
    import copy
    try:
        return copy.copy(item)
    except Exception as error:
        raise TypeError(
            f"astgrad: this writes into an item of type {type(item).__name__}, held by a list or dict, "
            f"which astgrad follows by writing into a copy of it, and it cannot be copied ({error}); "
            "hold a list, a dict or an array there, or build a new value") from None


def own_attribute_augmented(obj, name, method, where):
    """Checked before ``obj.name op= v`` on an object the code follows by storing a new
    value on it (``with_attribute``): where ``obj`` holds no ``name`` of its own and its
    class holds one whose type changes in place under ``op=`` (``method``, e.g.
    ``'__iadd__'``: an array, a list, a dict), Python writes into the value every
    instance shares, which the new value stored on ``obj`` would not show. Refused; a
    number or a tuple there (``op=`` binds a new value on ``obj``) passes."""
    if name in getattr(obj, "__dict__", {}):
        return
    cls = type(obj)
    held = next((vars(klass)[name] for klass in cls.__mro__ if name in vars(klass)), None)
    if held is None or getattr(type(held), method, None) is None:
        return
    raise TypeError(_class_held_words(where, cls.__name__, name, type(held).__name__))


def _class_held_words(where, cls, name, kind):
    """The refusal of ``obj.name op= v`` that writes into the ``kind`` value the class
    ``cls`` holds (own_attribute_augmented; frontend/normalize/class_held_attributes.py)."""
    return (f"astgrad: {where}: this augmented assignment to the attribute {name!r} of an object of class {cls} "
            f"writes in place into the {kind} its class holds ({cls}.{name}), which every instance "
            f"shares; astgrad would store a new value on the object instead, and {cls}.{name} would "
            f"not change as it does in Python. Bind the value on each object (self.{name} = ... in "
            f"{cls}.__init__), or rebind it on the object with a new value (obj.{name} = obj.{name} + v)")


def written_items_apart(container, item, where):
    """Checked before ``d[a][b] = v`` writes into the item ``d[a]`` (a list, dict or array)
    and stores it back into ``d`` (or ``p.W[b] = v``, the object ``p`` taking its attribute
    back, ``with_attribute``): were that item held by ``d`` twice (``d = [r, r]``) or
    another of its arrays a view of its memory, the write would change that one too, which
    astgrad cannot follow. Refused; so is a container other than a list, a dict or an
    array (a tuple cannot take the item back). A number or an item held once passes."""
    if isinstance(container, numpy.ndarray):
        return
    if not isinstance(container, (list, dict)) and not _has_attributes(container):
        raise TypeError(
            f"astgrad: {where}: this writes into an item of a {type(container).__name__}, which astgrad "
            "follows by storing the written item back into its container, a list, a dict or an array; "
            "hold the items in a list (t = [a, b]), or build a new value")
    if not isinstance(item, (list, dict, numpy.ndarray)):
        return
    others = [held for held in _held_objects(container) if held is not container]
    mine = next((k for k, held in enumerate(others) if held is item), None)
    if mine is None:        # c.shared.append(v), shared an attribute of c's class: no item c holds itself
        raise TypeError(
            f"astgrad: {where}: this writes into a list, dict or array the {type(container).__name__} object "
            "does not hold itself (an attribute of its class, which every instance shares, or a value a "
            "property builds), which astgrad follows by storing the written item back into the object, so "
            "the object would hold a copy where Python changes the one every instance sees; astgrad cannot "
            "follow that. Hold the value on the object (self.shared = [] in __init__), or build a new value")
    if _overlapping([item] + others[:mine] + others[mine + 1:], 1):
        raise TypeError(
            f"astgrad: {where}: this writes into an item of a {type(container).__name__} that holds "
            "that item (or arrays sharing its memory) more than once, so the write would change the "
            "others too; astgrad cannot follow that. Build the new item and store it wherever the "
            "old one is held and read again (t = d[a].copy(); t[b] = v; d[a] = t; d[c] = t for an item "
            "holding it too), or, where only this item should change, store it there alone (d[a] = t)")


def arguments_apart(value, others, name, where, default=None, grown_only=False):
    """Checked when a derivative starts, for an argument ``name`` the function writes into:
    ``f(a, a)`` (or an array and a list holding it, or overlapping views) would have the
    write change the other argument too, as Python does, while the derivative works on a
    copy of the one written. Refused; arguments that share no memory pass. ``default``:
    "list", "dict" or "set" where the parameter has a default of that type (one Python
    keeps from call to call), else None. ``grown_only``: the function only appends to the
    list (``log.append(v)``), which changes none of the values it holds, so only the list
    itself must be apart from the others (a log may hold the array another argument is)."""
    mine = [value] if grown_only and isinstance(value, list) else _held_objects(value)
    if not mine:
        return
    theirs = [held for other in others for held in _held_objects(other)]
    if not (theirs and _overlapping(mine + theirs, len(mine))):
        return
    if default is not None:
        raise TypeError(
            f"astgrad: {where}: the function writes into its argument '{name}', which holds a value another "
            "argument (or a global or closure variable the function reads) holds too; astgrad cannot follow "
            f"that. Where the call leaves '{name}' out, it is the default {default}, made once when the def ran: "
            f"Python keeps that {default} from call to call, holding what earlier calls (and this one) put in it. "
            f"Write {name}=None in the def and 'if {name} is None: {name} = {_EMPTY[default]}' at the start of the "
            f"body; otherwise pass a copy (f(a, a.copy()))")
    raise TypeError(
        f"astgrad: {where}: the function writes into its argument '{name}', and another "
        "argument (or a global or closure variable the function reads) is the same array (or "
        "holds it, or a view of its memory), which the write would change too; astgrad cannot "
        "follow that. Pass a copy (f(a, a.copy()))")


_EMPTY = {"list": "[]", "dict": "{}", "set": "set()"}


def _held_objects(value):
    """The arrays, lists and dicts ``value`` is or holds (through lists, tuples, dicts and
    the attributes of objects: ``Box(a)`` holds ``a``)."""
    held, todo, opened = [], [value], set()     # opened: ids of the objects whose items are listed
    while todo:
        item = todo.pop()
        if isinstance(item, (list, tuple, dict)):
            if not isinstance(item, tuple):
                held.append(item)
            if id(item) not in opened:
                opened.add(id(item))
                todo.extend(item.values() if isinstance(item, dict) else item)
        elif isinstance(item, numpy.ndarray):
            held.append(item)
        elif _has_attributes(item) and id(item) not in opened:
            opened.add(id(item))
            todo.extend(vars(item).values())
    return held


def _has_attributes(item):
    """An instance of a class with attributes (not a module, function, class or method)."""
    return hasattr(item, "__dict__") and not isinstance(
        item, (type, types.ModuleType, types.FunctionType, types.MethodType, types.BuiltinFunctionType))


def _overlapping(objects, split=None):
    """Whether two of ``objects`` are one object or arrays sharing memory (with ``split``:
    one of ``objects[:split]`` and one of ``objects[split:]``)."""
    seen = {}       # id of the object, or of the array owning an array's memory -> [(side, object)]
    for position, obj in enumerate(objects):
        side = split is None or position < split
        root = obj
        while isinstance(root, numpy.ndarray) and root.base is not None:
            root = root.base
        met = seen.setdefault(id(root), [])
        for other_side, other in met:
            if (split is None or other_side != side) and (other is obj or isinstance(obj, numpy.ndarray)
                                                           and numpy.may_share_memory(obj, other)):
                return True
        met.append((side, obj))
    return False


def follow_in_place(alias, value):
    """What ``alias`` holds after ``y op= v`` on a name ``y`` it was the same object as:
    ``value`` (y's new value) where that object changed in place (``_changes_in_place``),
    else ``alias`` itself (on a number ``op=`` rebinds ``y`` only)."""
    return value if _changes_in_place(alias, value) else alias


def _changes_in_place(alias, value):
    """Whether ``y op= v`` changed the object ``y`` and ``alias`` held, ``value`` being
    y's new value: an array, or a list that ``+=`` extended or ``*=`` repeated (a list
    plus or times an array is NumPy's new array, bound to ``y`` only). An array ``y`` stays
    an array, so an array ``alias`` with a list ``value`` was never ``y`` (``ys = xs; xs +=
    x; ys += [v]``: ``xs`` is an array by then, and ``ys`` the list)."""
    return isinstance(alias, numpy.ndarray) and isinstance(value, numpy.ndarray) \
        or isinstance(alias, list) and isinstance(value, list)


def when_array(g, alias, value):
    """``g`` where ``follow_in_place`` took the new value (``_changes_in_place``), else 0."""
    return _summable(g) if _changes_in_place(alias, value) else 0.0


def unless_array(g, alias, value):
    """``g`` where ``follow_in_place`` kept ``alias`` (not ``_changes_in_place``), else 0."""
    return 0.0 if _changes_in_place(alias, value) else _summable(g)


def _summable(g):
    """``g``, a list's or tuple's derivative as an ``AdjointList``: the derivative rules
    of ``follow_in_place`` add ``when_array(...) + unless_array(...)``, and a plain
    tuple's ``+`` would concatenate (or fail on the other's 0)."""
    return AdjointList(g) if isinstance(g, (list, tuple)) and not isinstance(g, AdjointList) else g


# -- products and matrix decompositions (rules in rules/runtime_rules.py) --------------------

_LABELS = _LETTERS


def tensordot_spec(a, b, axes=2):
    """The ``contract`` spec of ``numpy.tensordot(a, b, axes)`` over the tensors (a, b)."""
    na, nb = numpy.ndim(a), numpy.ndim(b)
    if isinstance(axes, numbers.Integral):
        pairs = (list(range(na - axes, na)), list(range(axes)))
    else:
        pairs = axes
    on_a, on_b = ([pairs[0]] if isinstance(pairs[0], numbers.Integral) else list(pairs[0]),
                  [pairs[1]] if isinstance(pairs[1], numbers.Integral) else list(pairs[1]))
    labels_a = list(_LABELS[:na])
    labels_b = list(_LABELS[na:na + nb])
    for i, j in zip(on_a, on_b):
        labels_b[j % nb] = labels_a[i % na]
    contracted = {i % na for i in on_a}
    out = [c for i, c in enumerate(labels_a) if i not in contracted] + \
        [c for j, c in enumerate(labels_b) if j not in {k % nb for k in on_b}]
    return "".join(labels_a) + "," + "".join(labels_b) + "->" + "".join(out)


def _kron_padded(a, b):
    na, nb = numpy.ndim(a), numpy.ndim(b)
    n = max(na, nb)
    return n, (1,) * (n - na) + numpy.shape(a), (1,) * (n - nb) + numpy.shape(b)


def kron_blocks(a, b):
    """The shape that splits ``numpy.kron(a, b)`` into its blocks: (a0, b0, a1, b1, ...)."""
    n, pa, pb = _kron_padded(a, b)
    return tuple(size for pair in zip(pa, pb) for size in pair)


def kron_spec(a, b, argnum):
    """The ``contract`` spec of the adjoint of a (argnum 0) or b (argnum 1) in
    ``numpy.kron(a, b)``, over the tensors (cotangent split by kron_blocks, other operand)."""
    n = max(numpy.ndim(a), numpy.ndim(b))
    own_a, own_b = _LABELS[:n], _LABELS[n:2 * n]
    blocks = "".join(x + y for x, y in zip(own_a, own_b))
    a_term, b_term = own_a[n - numpy.ndim(a):], own_b[n - numpy.ndim(b):]
    return f"{blocks},{b_term}->{a_term}" if argnum == 0 else f"{blocks},{a_term}->{b_term}"


def _cross_axes(a, b, axisa, axisb, axisc, axis):
    if axis is not None:
        axisa = axisb = axisc = axis
    return axisa % numpy.ndim(a), axisb % numpy.ndim(b), axisc


def cross_spec(a, b, axisa=-1, axisb=-1, axisc=-1, axis=None):
    """The ``contract`` spec of ``numpy.cross`` over the tensors (a, b, levi_civita(...)):
    result_i = eps_ijk a_j b_k, over broadcast batch axes."""
    axisa, axisb, axisc = _cross_axes(a, b, axisa, axisb, axisc, axis)
    batch = max(numpy.ndim(a), numpy.ndim(b)) - 1
    labels = _LABELS[3:3 + batch]
    term_a = list(labels[batch - (numpy.ndim(a) - 1):])
    term_a.insert(axisa, "j")
    term_b = list(labels[batch - (numpy.ndim(b) - 1):])
    term_b.insert(axisb, "k")
    out = list(labels)
    if numpy.shape(a)[axisa] == 2 and numpy.shape(b)[axisb] == 2:
        return "".join(term_a) + "," + "".join(term_b) + ",jk->" + "".join(out)
    out.insert(axisc % (batch + 1), "i")
    return "".join(term_a) + "," + "".join(term_b) + ",ijk->" + "".join(out)


def levi_civita(a, b, axisa=-1, axisb=-1, axis=None):
    """The constant tensor of ``cross_spec``: eps[i, j, k] for the vector lengths of a and
    b (2 or 3), or eps[2, j, k] when both are 2-vectors (the result is then a scalar)."""
    axisa, axisb, _ = _cross_axes(a, b, axisa, axisb, -1, axis)
    eps = numpy.zeros((3, 3, 3), dtype=numpy.int8)
    for i, j, k in ((0, 1, 2), (1, 2, 0), (2, 0, 1)):
        eps[i, j, k], eps[i, k, j] = 1, -1
    na, nb = numpy.shape(a)[axisa], numpy.shape(b)[axisb]
    return eps[2, :2, :2] if na == 2 and nb == 2 else eps[:, :na, :nb]


def quarter_turn(z):
    """``z`` turned a quarter (times 1j) where it is complex; 0 where it is real (the
    sign of numpy.linalg.slogdet of a real matrix is piecewise constant). Linear, and its
    own transpose."""
    if numpy.iscomplexobj(z):
        return z * 1j
    return numpy.zeros_like(z) if isinstance(z, numpy.ndarray) else 0.0


def in_result(t, y, index):
    """The derivative of the tuple ``y`` (``numpy.linalg.eigh``'s, ``qr``'s, ...) that is
    ``t`` for item ``index`` and zero for the others. Linear in t."""
    out = AdjointList(zeros_like(item) for item in y)
    out[index] = t
    return out


def column_shape(x, b):
    """x's shape with a trailing 1 when b is a vector (``numpy.linalg.solve`` then solves
    for one column), so x reshaped to it is a stack of matrices."""
    return numpy.shape(x) + (1,) if numpy.ndim(b) == 1 else numpy.shape(x)


def inverse_or_nan(a):
    """``numpy.linalg.inv(a)``, NaN for the singular matrices of a stack instead of an
    error: the derivative of log|det(a)| at a singular matrix does not exist."""
    try:
        return numpy.linalg.inv(a)
    except numpy.linalg.LinAlgError:
        a = numpy.asarray(a)
        flat = a.reshape((-1,) + a.shape[-2:])
        out = numpy.empty(flat.shape, dtype=numpy.result_type(a, 1.0))
        for i, m in enumerate(flat):
            try:
                out[i] = numpy.linalg.inv(m)
            except numpy.linalg.LinAlgError:
                out[i] = numpy.nan
        return out.reshape(a.shape)


def off_diagonal_inverse(x):
    """1 / x off the diagonal of the last two axes, 0 on it (inf where an off-diagonal x
    is 0: two equal eigenvalues or singular values)."""
    x = numpy.asarray(x)
    eye = numpy.eye(x.shape[-1], dtype=bool)
    with numpy.errstate(divide="ignore"):
        r = 1.0 / numpy.where(eye, numpy.ones((), x.dtype), x)
    return numpy.where(eye, numpy.zeros((), r.dtype), r)


def _is_upper(upper):
    return upper is True or (isinstance(upper, str) and upper.upper() == "U")


def _triangle_masks(n, upper, dtype):
    lower = numpy.tril(numpy.ones((n, n), dtype=dtype))
    strict = numpy.tril(numpy.ones((n, n), dtype=dtype), -1)
    return (lower.T, strict.T) if _is_upper(upper) else (lower, strict)


def triangle_symmetric(h, upper=False):
    """The symmetric matrix that a function reading only one triangle of ``h`` sees:
    the lower triangle (with the diagonal) mirrored, or the upper one when ``upper`` is
    True or 'U'. Linear in h; its transpose is ``triangle_symmetric_adjoint``."""
    h = numpy.asarray(h)
    own, strict = _triangle_masks(h.shape[-1], upper, _float_dtype(h) or numpy.float64)
    return h * own + numpy.swapaxes(h * strict, -1, -2)


def triangle_symmetric_adjoint(g, upper=False):
    """The transpose of ``triangle_symmetric``: g's diagonal, g[i, j] + g[j, i] on the
    triangle read, zeros on the other."""
    g = numpy.asarray(g)
    own, strict = _triangle_masks(g.shape[-1], upper, _float_dtype(g) or numpy.float64)
    return g * own + numpy.swapaxes(g, -1, -2) * strict


def transpose_if(x, flag):
    """x with its last two axes swapped when ``flag`` (cholesky's upper=True), else x."""
    return numpy.swapaxes(x, -1, -2) if flag else x


_POLYVAL_REFUSAL = ("astgrad: the derivative of numpy.polyval and numpy.polynomial.polynomial.polyval is "
                    "supported for a 1-D array of coefficients; these have shape {shape}")


def poly_powers(x, n):
    """The powers x**(n-1), ..., x**1, x**0 that numpy.polyval weighs by a polynomial's
    n coefficients, stacked on a new first axis; refuses coefficients that are not a
    vector (``n`` is then not an int)."""
    if not isinstance(n, int):
        raise NotImplementedError(_POLYVAL_REFUSAL.format(shape=n))
    x = numpy.asarray(x)
    return numpy.stack([x ** k for k in range(n - 1, -1, -1)]) if n else numpy.zeros((0,) + x.shape)


def poly_length(p):
    """The number of coefficients of the polynomial p (its shape if it is not 1-D, which
    ``poly_powers`` refuses)."""
    return numpy.size(p) if numpy.ndim(p) == 1 else numpy.shape(p)


def poly_exponents(x, n):
    """The exponents n-1, ..., 0 of ``poly_powers(x, n)``, shaped to multiply it."""
    exponents = numpy.arange(n - 1.0, -0.5, -1.0, dtype=numpy.result_type(x, 1.0))
    return exponents.reshape((n,) + (1,) * numpy.ndim(x))


def poly_slope(p):
    """``numpy.polyder(p)``, the coefficients of the derivative in x that the rules of
    numpy.polyval use; refuses coefficients that are not a vector, which polyval reads
    row by row and polyder does not."""
    n = poly_length(p)
    if not isinstance(n, int):
        raise NotImplementedError(_POLYVAL_REFUSAL.format(shape=n))
    return numpy.polyder(p)


def polyder_adjoint(g, p, m=1):
    """The transpose of ``numpy.polyder(., m)`` for coefficients shaped like the vector p:
    g times the factors polyder multiplied by, then m zeros (all zeros when p has at most
    m coefficients). Linear in g."""
    n = poly_length(p)
    if not isinstance(n, int):
        raise NotImplementedError("astgrad: the derivative of numpy.polyder is supported for a 1-D array of "
                                  f"coefficients; these have shape {n}")
    dtype = numpy.result_type(g, 1.0)
    factors = numpy.polyder(numpy.ones(n), m).astype(dtype)
    return numpy.concatenate((g * factors, numpy.zeros(min(m, n), dtype=dtype)))


def polyint_adjoint(g, p, m=1):
    """The transpose of ``numpy.polyint(., m)`` (constants 0) for coefficients shaped like
    the vector p: the first len(p) items of g times the factors polyint divides by; the
    last m items of g meet the constants only. Linear in g."""
    n = poly_length(p)
    if not isinstance(n, int):
        raise NotImplementedError("astgrad: the derivative of numpy.polyint is supported for a 1-D array of "
                                  f"coefficients; these have shape {n}")
    dtype = numpy.result_type(g, 1.0)
    factors = numpy.polyint(numpy.ones(n), m)[:n].astype(dtype)
    return g[:n] * factors


def polyint_constants_adjoint(g, k, m=1):
    """The transpose of the constants k of ``numpy.polyint(p, m, k)``, shaped like k: the
    constants make the last m coefficients (polyint of no coefficients with constants k);
    a scalar k stands for m equal constants, and constants past the m-th are unused."""
    m = int(m)
    dtype = numpy.result_type(g, 1.0)
    given = numpy.atleast_1d(numpy.asarray(k, dtype=dtype))
    if given.ndim != 1:
        raise NotImplementedError("astgrad: the derivative of numpy.polyint in k is supported for a scalar or "
                                  f"a vector of constants; these have shape {given.shape}")
    tail = g[len(g) - m:]
    # column j: the last m coefficients that constant j alone makes
    made = numpy.array([numpy.polyint(numpy.zeros(0), m, numpy.eye(1, m, j)[0]) for j in range(m)],
                       dtype=dtype).reshape(m, m)
    per_constant = made @ tail
    if numpy.ndim(k) == 0:
        return numpy.sum(per_constant)
    return numpy.concatenate((per_constant, numpy.zeros(len(given) - m, dtype)))


def triangle(x, lower, unit=False):
    """The triangle of x that scipy.linalg's triangular routines read: the lower one
    (the upper one when not ``lower``), without the diagonal when ``unit``. Linear in x
    and its own transpose."""
    k = int(bool(unit))
    return numpy.tril(x, -k) if lower else numpy.triu(x, k)


def scipy_upper(lower, overwrite, what):
    """``not lower``, the flag numpy.linalg's rules take; refuses ``overwrite_a=True`` or
    ``overwrite_b=True``, which lets SciPy write into the argument."""
    if overwrite:
        raise NotImplementedError(
            f"astgrad: {what} with overwrite_a=True or overwrite_b=True writes into its argument, which "
            "the derivative reads; drop the overwrite argument (the result is the same)")
    return not lower


# What to write instead of a scipy.linalg argument astgrad does not differentiate, by name
_SCIPY_ADVICE = {
    "assume_a": "drop assume_a (the inverse of the whole matrix is the same)",
    "b": "the generalized problem has no rule; reduce it to a standard one with scipy.linalg.cholesky of b "
         "and scipy.linalg.solve_triangular",
    "eigvals_only": "call scipy.linalg.eigvalsh(a) for the eigenvalues alone",
    "subset_by_index": "compute every eigenpair and index the result (w[lo:hi + 1])",
    "subset_by_value": "compute every eigenpair and select from the result",
    "return_rank": "drop return_rank and call numpy.linalg.matrix_rank for the rank",
}
_SCIPY_FOLLOWED = {"assume_a": ("gen", "general")}


def scipy_checked(a, what, overwrite=False, **given):
    """``a`` itself; refuses ``overwrite_a=True`` or ``overwrite_b=True`` (``overwrite``,
    see ``scipy_upper``) and each argument of ``given`` that is neither None, False nor a
    value the rule follows (``_SCIPY_FOLLOWED``). A rule passes a value it reads through
    this, so the check runs whenever the derivative does (as ``real_matrix``)."""
    scipy_upper(False, overwrite, what)
    for name, value in given.items():
        if value is None or value is False or (isinstance(value, str) and value in _SCIPY_FOLLOWED.get(name, ())):
            continue
        shown = repr(value) if isinstance(value, (str, bool, int, float, tuple)) else "..."
        raise NotImplementedError(f"astgrad: the derivative of {what} is not supported with {name}={shown}: "
                                  f"{_SCIPY_ADVICE[name]}")
    return a


def matrix_columns(x, a, b, what):
    """``column_shape(x, b)`` for the scipy.linalg solvers, which astgrad differentiates
    for one matrix a (2-D), not a stack of them."""
    if numpy.ndim(a) != 2:
        raise NotImplementedError(f"astgrad: the derivative of {what} is supported for a 2-D matrix; this one "
                                  f"has shape {numpy.shape(a)} (solve each matrix of the stack on its own: "
                                  f"{_PER_MATRIX.format(call=_FACTORED.get(what, what + '(a[i], b[i])'))})")
    return column_shape(x, b)


# the stack solved one matrix at a time, which astgrad follows, as the refusals say
_PER_MATRIX = "numpy.stack([{call} for i in range(len(a))])"
_FACTORED = {"scipy.linalg.lu_solve": "scipy.linalg.lu_solve(scipy.linalg.lu_factor(a[i]), b[i])",
             "scipy.linalg.cho_solve": "scipy.linalg.cho_solve(scipy.linalg.cho_factor(a[i]), b[i])"}


_SYMMETRIC = ("sym", "symmetric", "her", "hermitian", "pos", "positive definite")


def solve_reads(a, assume_a, lower, overwrite_a, overwrite_b):
    """What scipy.linalg.solve reads of a: None for all of it (assume_a=None or 'gen'), else
    the ``upper`` flag of the one triangle it reads (a symmetric or positive definite a);
    refuses the banded and triangular solvers, the overwrite arguments and a complex a
    read as Hermitian."""
    scipy_upper(lower, overwrite_a or overwrite_b, "scipy.linalg.solve")
    if assume_a in (None, "gen", "general"):
        return None
    if assume_a in _SYMMETRIC[2:]:
        real_matrix(a, f"scipy.linalg.solve with assume_a={assume_a!r}")
    if assume_a in _SYMMETRIC:
        return not lower
    raise NotImplementedError(
        f"astgrad: the derivative of scipy.linalg.solve is supported for assume_a=None, 'gen', 'sym', 'her' and "
        f"'pos'; not for assume_a={assume_a!r} (scipy.linalg.solve_triangular has a derivative)")


def solve_read(a, reads):
    """The matrix scipy.linalg.solve solves with: a, or the symmetric matrix of the
    triangle it reads (``solve_reads``). Linear in a; its transpose is ``solve_read_adjoint``."""
    return a if reads is None else triangle_symmetric(a, reads)


def solve_read_adjoint(g, reads):
    """The transpose of ``solve_read``."""
    return g if reads is None else triangle_symmetric_adjoint(g, reads)


def triangular_transposed(a, trans, overwrite_b):
    """Whether scipy.linalg.solve_triangular solves with the transposed matrix (trans=1,
    2, 'T' or 'C': the same for real matrices); refuses other values, overwrite_b and the
    conjugate transpose of a complex a."""
    scipy_upper(False, overwrite_b, "scipy.linalg.solve_triangular")
    if trans in (0, "N", "n"):
        return False
    if trans in (2, "C", "c"):
        real_matrix(a, f"scipy.linalg.solve_triangular with trans={trans!r}")
    if trans in (1, 2, "T", "C", "t", "c"):
        return True
    raise NotImplementedError(f"astgrad: scipy.linalg.solve_triangular with trans={trans!r}: the derivative "
                              "is supported for trans=0, 1, 2, 'N', 'T' and 'C'")


def qr_options(mode, pivoting, overwrite_a):
    """Refuses the options of scipy.linalg.qr whose results have no derivative here."""
    scipy_upper(False, overwrite_a, "scipy.linalg.qr")
    if pivoting:
        raise NotImplementedError(
            "astgrad: the derivative of scipy.linalg.qr is not supported with pivoting=True: drop pivoting, or "
            "find the permutation p outside the differentiated function and factor a[:, p]")
    if mode not in ("full", "economic", "r"):
        raise NotImplementedError(f"astgrad: the derivative of scipy.linalg.qr is supported for mode='full', "
                                  f"'economic' and 'r'; not for mode={mode!r} (use mode='economic')")


def scipy_qr_mask(a, mode, pivoting, overwrite_a):
    """``qr_lower_mask`` for scipy.linalg.qr (``qr_options``): its factors have a derivative
    for a matrix with at least as many rows as columns, and with mode='full' a square one."""
    qr_options(mode, pivoting, overwrite_a)
    m, n = numpy.shape(a)[-2:]
    if m < n:
        raise NotImplementedError(
            f"astgrad: the derivative of scipy.linalg.qr is supported for matrices with at least as many rows "
            f"as columns; this one is {m}x{n}. Factor its first {m} columns, q, r1 = qr(a[:, :{m}]), and "
            f"the rest of r is q.T @ a[:, {m}:]")
    if m > n and mode == "full":
        raise NotImplementedError(
            f"astgrad: scipy.linalg.qr(a, mode='full') of a {m}x{n} matrix has no derivative (the last {m - n} "
            "columns of q can be any orthonormal completion); use mode='economic', or mode='r' for r alone")
    return numpy.tril(numpy.ones((n, n), dtype=_float_dtype(a) or numpy.float64), -1)


def qr_shapes(y):
    """The shapes of scipy.linalg.qr's result: of each item of a tuple ((q, r), (r,)), or of
    r itself, which mode='r' returns for a stack of matrices."""
    return tuple(numpy.shape(item) for item in y) if isinstance(y, (tuple, list)) else numpy.shape(y)


def _one_array(shapes):
    """Whether ``qr_shapes`` gave the shape of one array (r of a stack, mode='r')."""
    return not shapes or not isinstance(shapes[0], tuple)


def qr_part(g, mode, index, shape):
    """The derivative of reduced factor ``index`` (0: q, 1: r; ``shape`` its shape) taken
    from the derivative ``g`` of scipy.linalg.qr's result: with mode='r' (which returns
    (r,) for a matrix, r for a stack, with zero rows under a tall matrix's r) zeros for q,
    and r's first rows. Linear in g; its transpose is ``qr_unpart``."""
    if mode != "r":
        return g[index]
    r = g[0] if isinstance(g, (tuple, list)) else g
    if index == 0:
        return numpy.zeros(shape, dtype=_float_dtype(r) or numpy.float64)
    return r[..., :shape[-2], :]


def qr_unpart(h, mode, index, shapes):
    """The transpose of ``qr_part``: ``h``, the derivative of one reduced factor, as the
    derivative of scipy.linalg.qr's result (of the ``qr_shapes`` given; zeros elsewhere)."""
    dtype = _float_dtype(h) or numpy.float64
    if _one_array(shapes):
        out = numpy.zeros(shapes, dtype=dtype)
        if index == 1:
            out[..., :numpy.shape(h)[-2], :] = h
        return out
    out = AdjointList(numpy.zeros(shape, dtype=dtype) for shape in shapes)
    if mode != "r":
        out[index] = h
    elif index == 1:
        out[0][..., :numpy.shape(h)[-2], :] = h
    return out


def lstsq_options(overwrite_a=False, overwrite_b=False, lapack_driver=None):
    """Refuses the options of scipy.linalg.lstsq its derivative does not follow."""
    scipy_upper(False, overwrite_a or overwrite_b, "scipy.linalg.lstsq")
    if lapack_driver == "gelsy":
        raise NotImplementedError("astgrad: the derivative of scipy.linalg.lstsq is not supported with "
                                  "lapack_driver='gelsy', which returns no singular values; drop lapack_driver "
                                  "(for a matrix of full rank every driver gives the same solution)")


def lstsq_checked(a, rank, overwrite_a=False, overwrite_b=False, lapack_driver=None):
    """``a`` itself; refuses what scipy.linalg.lstsq's derivative does not follow: a stack
    of matrices, a rank below full (``rank``, lstsq's own) and ``lstsq_options``."""
    lstsq_options(overwrite_a, overwrite_b, lapack_driver)
    if numpy.ndim(a) != 2:
        raise NotImplementedError(f"astgrad: the derivative of scipy.linalg.lstsq is supported for a 2-D matrix; "
                                  f"this one has shape {numpy.shape(a)} (solve each matrix of the stack on its own: "
                                  f"{_PER_MATRIX.format(call='scipy.linalg.lstsq(a[i], b[i])[0]')})")
    m, n = numpy.shape(a)
    if rank < min(m, n):
        raise NotImplementedError(
            f"astgrad: the derivative of scipy.linalg.lstsq is supported where a has full rank; this {m}x{n} "
            f"matrix has rank {rank}, where the solution depends on which singular values cond counts as zero "
            "and has no derivative. Drop the dependent columns, or add a small ridge term")
    return a


def lu_permutation(piv, lu, overwrite_a=False, factored=False):
    """The permutation matrix p with a = p @ l @ u for scipy.linalg.lu_factor's ``lu`` and
    ``piv`` (row i was swapped with row piv[i], for i in order); refuses overwrite_a=True
    and a stack of matrices, and, for the derivative of the factoring (``factored``), a
    singular matrix."""
    scipy_upper(False, overwrite_a, "scipy.linalg.lu_factor")
    if numpy.ndim(lu) != 2:
        raise NotImplementedError(f"astgrad: the derivative of scipy.linalg.lu_factor and lu_solve is supported "
                                  f"for a 2-D matrix; this one has shape {numpy.shape(lu)} (factor each matrix "
                                  "of the stack on its own: " + _PER_MATRIX.format(
                                      call="scipy.linalg.lu_solve(scipy.linalg.lu_factor(a[i]), b[i])") + ")")
    if factored:
        _refuse_singular_factor(lu)
    order = numpy.arange(numpy.shape(lu)[-1])
    for i, j in enumerate(numpy.asarray(piv).tolist()):
        order[i], order[j] = order[j], order[i]
    return numpy.eye(len(order), dtype=_float_dtype(lu) or numpy.float64)[order].T


def _refuse_singular_factor(lu):
    """Stop where u, on and above the diagonal of lu_factor's ``lu``, has an exact zero on
    its diagonal: the matrix is singular (SciPy warns and lu_solve gives inf or NaN), and
    the derivative of its factors, which solves with u, is not computed there."""
    zeros = numpy.flatnonzero(numpy.diagonal(lu) == 0)
    if zeros.size:
        raise NotImplementedError(
            f"astgrad: the derivative of scipy.linalg.lu_factor is supported where the matrix is not singular; "
            f"this one is (u[{zeros[0]}, {zeros[0]}] is exactly 0, as SciPy's LinAlgWarning says), where "
            "lu_solve's values are inf or NaN. Check the matrix before factoring it (numpy.linalg.cond), or "
            "add a small ridge term (a + eps * numpy.eye(n))")


def lu_transposed(trans, overwrite_b=False):
    """Whether scipy.linalg.lu_solve solves with the transposed matrix (trans=1, or 2 for a
    real one); refuses overwrite_b=True."""
    scipy_upper(False, overwrite_b, "scipy.linalg.lu_solve")
    if trans not in (0, 1, 2):
        raise NotImplementedError(f"astgrad: scipy.linalg.lu_solve with trans={trans!r}: the derivative is "
                                  "supported for trans=0, 1 and 2")
    return trans != 0


def unit_lower(lu):
    """The unit lower triangular factor l that scipy.linalg.lu_factor keeps below the
    diagonal of ``lu``. Affine in lu: its derivative is ``triangle(d, True, True)``."""
    return numpy.tril(lu, -1) + numpy.eye(numpy.shape(lu)[-1], dtype=_float_dtype(lu) or numpy.float64)


def cholesky_phi(l):
    """The mask of the Cholesky derivative: 1 below the diagonal, 1/2 on it, 0 above."""
    n = numpy.shape(l)[-1]
    return (numpy.tril(numpy.ones((n, n)), -1) + 0.5 * numpy.eye(n)).astype(_float_dtype(l) or numpy.float64)


def qr_lower_mask(a, mode="reduced"):
    """The strictly lower triangular mask of qr's derivative; refuses what has none."""
    m, n = numpy.shape(a)[-2:]
    if mode not in ("reduced", "complete") or m < n or (mode == "complete" and m != n):
        raise NotImplementedError(
            f"astgrad: the derivative of numpy.linalg.qr is supported for mode='reduced' (and "
            f"'complete' on square matrices) with at least as many rows as columns; got mode={mode!r} "
            f"on a {m}x{n} matrix")
    return numpy.tril(numpy.ones((n, n), dtype=_float_dtype(a) or numpy.float64), -1)


def skew_lower(b, low):
    """low * b - (low * b)^T for the strictly lower mask ``low``; linear in b, its
    transpose is ``skew_lower_adjoint``."""
    c = b * low
    return c - numpy.swapaxes(c, -1, -2)


def skew_lower_adjoint(g, low):
    """The transpose of ``skew_lower``: low * (g - g^T)."""
    return (g - numpy.swapaxes(g, -1, -2)) * low


def _eigenvectors_matching(a, w, overwrite_a=False, homogeneous_eigvals=False):
    """The right eigenvectors of the real matrix ``a`` (2-D), as the columns of a matrix
    in the order of ``w``, the eigenvalues scipy.linalg.eigvals gave (scipy.linalg.eig
    computes them again, each matched to the nearest of ``w``). Refuses a stack of
    matrices, the arguments astgrad does not follow, and repeated eigenvalues, where
    each eigenvalue's derivative is not defined."""
    import scipy.linalg
    what = "scipy.linalg.eigvals"
    if overwrite_a or homogeneous_eigvals:
        raise NotImplementedError(f"astgrad: the derivative of {what} is not supported with overwrite_a or "
                                  "homogeneous_eigvals given; leave them at their defaults")
    if numpy.ndim(a) != 2:
        raise NotImplementedError(f"astgrad: the derivative of {what} is supported for a 2-D matrix; this one "
                                  f"has shape {numpy.shape(a)} (take the eigenvalues of each matrix of the stack "
                                  "on its own)")
    found, v = scipy.linalg.eig(real_matrix(a, what))
    order = numpy.argmin(numpy.abs(numpy.reshape(w, (-1, 1)) - numpy.reshape(found, (1, -1))), axis=1)
    if len(set(order.tolist())) != len(order):
        raise NotImplementedError(f"astgrad: the derivative of {what} is supported where the eigenvalues are "
                                  "distinct; this matrix has a repeated eigenvalue, whose derivative is not "
                                  "defined one eigenvalue at a time")
    return v[:, order]


def eigvals_change(change, a, w, transposed=False, overwrite_a=False, homogeneous_eigvals=False):
    """The change of the eigenvalues ``w`` of the real matrix ``a`` (scipy.linalg.eigvals)
    for a change ``change`` of ``a``: diag(v^-1 da v), complex. ``transposed``: its
    adjoint, for ``change`` the eigenvalues' (dL/d(re) - 1j dL/d(im), as rules/fft_rules.py
    says): the real part of v^-T diag(dw) v^T."""
    v = _eigenvectors_matching(a, w, overwrite_a, homogeneous_eigvals)
    if transposed:
        return numpy.real(numpy.einsum("ij,i,ki->jk", numpy.linalg.inv(v), change, v))
    return numpy.einsum("ij,jk,ki->i", numpy.linalg.inv(v), change, v)


def real_eigenvalues(w):
    """w itself; refuses complex eigenvalues (``numpy.linalg.eig`` of a real matrix with a
    complex pair), whose derivatives astgrad does not support."""
    if numpy.iscomplexobj(w):
        raise NotImplementedError("astgrad: the derivative of numpy.linalg.eig is supported where all "
                                  "eigenvalues are real; this matrix has complex eigenvalues")
    return w


def real_matrix(a, what):
    """``a`` itself; refuses a complex matrix (met at run time: a complex global), for
    the decompositions whose derivatives are written for real matrices (``what``)."""
    if numpy.iscomplexobj(a):
        raise TypeError(f"astgrad differentiates {what} of real matrices only; this one is complex (a complex "
                        "global or closure variable reached it). Compute it outside the differentiated function, "
                        "or work with the real and imaginary parts")
    return a


def full_rank_r(a, what):
    """``a`` itself, the triangular factor r of a QR decomposition; refuses one of lower rank
    than its columns (a diagonal entry within rounding of 0, as numpy.linalg.matrix_rank
    counts them), where qr's derivative divides by r: its numbers there were huge or
    wrong, with no error (``what``: the function, for the message)."""
    diagonal = numpy.abs(numpy.diagonal(a, axis1=-2, axis2=-1))
    dtype = _float_dtype(a) or numpy.dtype(numpy.float64)
    m, n = numpy.shape(a)[-2:]
    tolerance = numpy.max(diagonal, axis=-1, initial=0.0) * max(m, n) * numpy.finfo(dtype).eps
    if numpy.any(numpy.min(diagonal, axis=-1, initial=numpy.inf) <= tolerance):
        raise NotImplementedError(
            f"astgrad: the derivative of {what} is supported where a has full column rank (independent "
            "columns); this matrix has dependent columns, where q and r have no derivative astgrad can compute. "
            "Drop the dependent columns, or add a small multiple of the identity")
    return a


def svd_signs(y, reduced, compute_uv=True):
    """+-1 per singular value: y's singular vectors are ``reduced``'s times these signs
    (1 where svd was called with compute_uv=False). Refuses full_matrices=True on a
    non-square matrix: the extra singular vectors have no derivative."""
    s = reduced[1]
    if not compute_uv:
        return numpy.ones(numpy.shape(s), dtype=_float_dtype(s))
    u = y[0]
    if u.shape[-1] != y[2].shape[-2]:
        raise NotImplementedError(
            "astgrad: numpy.linalg.svd(a, full_matrices=True) of a non-square matrix has no derivative "
            "(its extra singular vectors can be any orthonormal completion); use full_matrices=False")
    k = s.shape[-1]
    signs = numpy.sign(numpy.sum(u[..., :, :k] * reduced[0], axis=-2))
    return numpy.where(signs == 0, numpy.ones((), signs.dtype), signs)


def svd_shapes(y, compute_uv=True):
    """The shapes of svd's result items (one shape when compute_uv is False)."""
    return tuple(numpy.shape(item) for item in y) if compute_uv else numpy.shape(y)


def _signed(h, signs, index):
    if index == 0:
        return h * numpy.expand_dims(signs, -2)
    if index == 2:
        return h * numpy.expand_dims(signs, -1)
    return h


def svd_part(g, signs, compute_uv, index, shape):
    """The derivative of factor ``index`` (0: u, 1: s, 2: vh; ``shape`` its shape) of the
    reduced SVD in ``svd_signs``' frame, taken from the derivative ``g`` of svd's result
    (zeros for u and vh when svd returned only s). Linear in g; its transpose is
    ``svd_unpart``."""
    if not compute_uv:
        return g if index == 1 else numpy.zeros(shape, dtype=_float_dtype(g) or numpy.float64)
    return _signed(g[index], signs, index)


def svd_unpart(h, signs, compute_uv, index, shapes):
    """The transpose of ``svd_part``: ``h``, the derivative of one reduced factor, as the
    derivative of svd's result (of the shapes ``svd_shapes`` gives; zeros elsewhere)."""
    if not compute_uv:
        return h if index == 1 else numpy.zeros(shapes, dtype=_float_dtype(h) or numpy.float64)
    dtype = _float_dtype(h) or numpy.float64
    out = AdjointList(numpy.zeros(shape, dtype=dtype) for shape in shapes)
    out[index] = _signed(h, signs, index)
    return out


def block_triangular(a, h):
    """The matrix [[a, h], [0, a]] (stacks too): the upper right block of f of it is the
    derivative of a matrix function f (matrix_power) at a along h. Linear in (a, h)."""
    a, h = numpy.broadcast_arrays(numpy.asarray(a), numpy.asarray(h))
    top = numpy.concatenate([a, h], axis=-1)
    bottom = numpy.concatenate([numpy.zeros_like(a), a], axis=-1)
    return numpy.concatenate([top, bottom], axis=-2)


def upper_right(m):
    """The upper right block of a (stack of) 2n x 2n matrices."""
    n = numpy.shape(m)[-1] // 2
    return m[..., :n, n:]


def diagonal_blocks(m):
    """The sum of the two diagonal blocks of a (stack of) 2n x 2n matrices."""
    n = numpy.shape(m)[-1] // 2
    return m[..., :n, :n] + m[..., n:, n:]


def lstsq_residuals(t, r):
    """``t`` (one number per column of b) shaped like lstsq's residuals ``r``, or the
    empty array lstsq returns when the residuals are not computed. Linear in t."""
    if numpy.size(r) == 0:
        return numpy.zeros(numpy.shape(r), dtype=_float_dtype(r) or numpy.float64)
    return numpy.reshape(t, numpy.shape(r))


def lstsq_residuals_adjoint(g, t):
    """The transpose of ``lstsq_residuals``: g shaped like t (zeros when g is empty)."""
    if numpy.size(g) == 0:
        return numpy.zeros(numpy.shape(t), dtype=_float_dtype(t) or numpy.float64)
    return numpy.reshape(g, numpy.shape(t))


def safe_power(v, q):
    """v ** q for v >= 0, with 0 ** 0 = 1 (norm weights use q = 0 for the 1- and
    inf-norms, whose weights do not depend on |x|)."""
    with numpy.errstate(divide="ignore"):
        return numpy.power(v, q) if q != 0 else numpy.ones_like(numpy.asarray(v, dtype=_float_dtype(v) or float))


def signed_power(v, q):
    """sign(v) * |v| ** q (v itself for q = 1, sign(v) for q = 0): the weights of the
    vector p-norms' derivatives, written so that every order is exact at v = 0 too."""
    if q == 1:
        return v
    return numpy.sign(v) * safe_power(numpy.abs(v), q)


def _norm_is_spectral(ord):
    return isinstance(ord, str) and ord == "nuc" or (not isinstance(ord, str) and ord in (2, -2))


def norm_axes(x, ord=None, axis=None):
    """The axes ``numpy.linalg.norm(x, ord, axis)`` reduces, as a tuple."""
    ndim = numpy.ndim(x)
    if axis is None or ndim == 0:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, numbers.Integral) else tuple(axis)
    return tuple(int(a) % ndim for a in axes)


def _norm_matrix(x, ord, axis, vector=False):
    return not vector and len(norm_axes(x, ord, axis)) == 2 and ord is not None


def norm_exponent(x, ord=None, axis=None, vector=False):
    """q in the weights sign(x) |x / norm| ** q of the elementwise norms' derivatives
    (``vector``: the vector norm over the axes, as ``numpy.linalg.vector_norm``)."""
    if numpy.iscomplexobj(x):
        raise TypeError("astgrad differentiates norms of real arrays only; for a complex z write "
                        "numpy.sqrt(numpy.sum(numpy.abs(z) ** 2)) (the 2-norm) from abs, which takes complex values")
    if ord is None or (isinstance(ord, str) and ord == "fro"):
        return 1
    if _norm_matrix(x, ord, axis, vector) or ord in (0, 1, numpy.inf, -numpy.inf):
        return 0
    return ord - 1


def _expanded(y, x, axes, keepdims):
    return y if keepdims else numpy.expand_dims(y, axes)


def norm_select(x, y, ord=None, axis=None, keepdims=False, vector=False):
    """Which elements the norm's derivative involves, and with what share: 1 for the
    p-norms, the tied largest (smallest) elements for inf (-inf), the tied largest
    (smallest) column or row sums for the matrix 1, -1, inf and -inf norms, 0 for ord=0
    and for the norms computed from singular values."""
    axes = norm_axes(x, ord, axis)
    if not _norm_matrix(x, ord, axis, vector):
        if ord in (numpy.inf, -numpy.inf):
            return tie_weights(numpy.abs(x), y, axes, keepdims)
        return 0.0 if ord == 0 else 1.0
    if isinstance(ord, str) or ord in (2, -2):
        return 0.0 if ord != "fro" else 1.0
    row, col = axes
    summed, across = (row, col) if ord in (1, -1) else (col, row)
    sums = numpy.sum(numpy.abs(x), axis=summed, keepdims=True)
    return tie_weights(sums, _expanded(y, x, axes, keepdims), across, keepdims=True)


def spectral_input(x, ord=None, axis=None):
    """For the nuclear norm and ord=2, -2: x with the two norm axes last (the matrices
    whose singular values the norm takes); otherwise a 1x1 zero placeholder. Linear."""
    if not (_norm_matrix(x, ord, axis) and _norm_is_spectral(ord)):
        # numpy.linalg takes no float16: the placeholder's SVD is thrown away anyway
        dtype = numpy.promote_types(_float_dtype(x) or numpy.float64, numpy.float32)
        return numpy.zeros((1, 1), dtype=dtype)
    return numpy.moveaxis(x, norm_axes(x, ord, axis), (-2, -1))


def spectral_output(m, x, ord=None, axis=None):
    """The transpose of ``spectral_input``: m moved back to x's axes (0 for the placeholder)."""
    if not (_norm_matrix(x, ord, axis) and _norm_is_spectral(ord)):
        return numpy.zeros((), dtype=_float_dtype(x) or numpy.float64)
    return numpy.moveaxis(m, (-2, -1), norm_axes(x, ord, axis))


def spectral_weights(s, ord=None):
    """The derivative of the norm with respect to the singular values s: 1 for 'nuc', the
    tied largest (ord=2) or smallest (ord=-2) value shared evenly, else 0."""
    if isinstance(ord, str) and ord == "nuc":
        return numpy.ones_like(s)
    if not isinstance(ord, str) and ord in (2, -2):
        pick = numpy.max(s, axis=-1, keepdims=True) if ord == 2 else numpy.min(s, axis=-1, keepdims=True)
        return tie_weights(s, pick, -1, keepdims=True)
    return numpy.zeros_like(s)


_COND_ADVICE = ("astgrad differentiates numpy.linalg.cond for p=None, 2, -2, 'fro' and 'nuc' (all from the "
                "singular values); for p={p!r} write numpy.linalg.norm(x, {p!r}) * numpy.linalg.norm("
                "numpy.linalg.inv(x), {p!r}), which is what numpy.linalg.cond computes and astgrad follows")


def cond_masks(s, p=None):
    """Which singular values s (last axis) make the numerator and which the denominator of
    ``numpy.linalg.cond(x, p)``, stacked (shape (2,) + s.shape): for p=None and 2 the
    largest over the smallest, for -2 the other way round (tied values share evenly, as
    for ``norm(x, 2)``), every value for 'fro' and 'nuc'."""
    if numpy.iscomplexobj(s):
        raise TypeError("astgrad differentiates numpy.linalg.cond of real matrices only")
    if isinstance(p, str) and p in ("fro", "nuc"):
        return numpy.ones((2,) + numpy.shape(s), dtype=s.dtype)
    if p is None or not isinstance(p, str) and p in (2, -2):
        largest = tie_weights(s, numpy.max(s, axis=-1, keepdims=True), -1, keepdims=True)
        smallest = tie_weights(s, numpy.min(s, axis=-1, keepdims=True), -1, keepdims=True)
        return numpy.stack((smallest, largest) if p == -2 else (largest, smallest))
    raise NotImplementedError(_COND_ADVICE.format(p=p))


def cond_power(p=None):
    """k with cond(x, p) = (sum(num * s ** k) * sum(den * s ** -k)) ** (1 / k) for the masks
    ``cond_masks``: 2 for 'fro' (the square roots of sums of squares), else 1."""
    return 2 if isinstance(p, str) and p == "fro" else 1


# -- shapes and assembly (rules in runtime_rules.py; used by rules/shape_rules.py) ----------
#
# Each linear helper comes with its transpose: unassemble <-> assemble, unsplit <->
# split_as, untile <-> numpy.tile, unrepeat <-> numpy.repeat, undiag <-> numpy.diag,
# undiagonal <-> numpy.diagonal, untake <-> numpy.take, untake_along_axis <->
# numpy.take_along_axis, pad_scatter <-> pad_gather, unselect <-> select_parts,
# unchoose <-> choose_parts, unatleast <-> atleast_as, unappend <-> append_as, unwindow <->
# sliding_window_view.

def _dense(g, like):
    """A derivative piece ``g`` (which may be a zero placeholder) as an array shaped
    like ``like``, in like's float dtype."""
    dtype = _float_dtype(like) or _float_dtype(g) or numpy.float64
    if g is None:
        return numpy.zeros(numpy.shape(like), dtype=dtype)
    if numpy.shape(g) != numpy.shape(like):
        g = numpy.broadcast_to(g, numpy.shape(like))
    return numpy.asarray(g) if numpy.result_type(g) == dtype or _float_dtype(g) is not None \
        else numpy.asarray(g, dtype=dtype)


def _as_like(out, x):
    """``out`` (shaped like x) in x's float dtype, a NumPy scalar when x is a number."""
    out = _as_float_of(out, x)
    if isinstance(out, numpy.ndarray) and out.ndim == 0 and not isinstance(x, numpy.ndarray):
        return out[()]
    return out


_ASSEMBLERS = {"h": numpy.hstack, "v": numpy.vstack, "d": numpy.dstack, "c": numpy.column_stack}


def _assembly_layout(shapes, how):
    """The shape each array takes inside ``numpy.{h,v,d,column_}stack`` and the axis
    they are joined along."""
    if how == "h":
        shapes = [s if len(s) else (1,) for s in shapes]
        return shapes, 0 if len(shapes[0]) == 1 else 1
    if how == "v":
        return [s if len(s) >= 2 else (1,) + (s or (1,)) for s in shapes], 0
    if how == "d":
        return [numpy.atleast_3d(numpy.zeros(s)).shape for s in shapes], 2
    return [s if len(s) >= 2 else (s + (1,) if s else (1, 1)) for s in shapes], 1


def assemble(parts, how):
    """``numpy.hstack(parts)`` for how='h' ('v', 'd', 'c': vstack, dstack, column_stack),
    the pieces given as derivatives (zero placeholders allowed)."""
    return _ASSEMBLERS[how]([numpy.asarray(0.0 if p is None else p) for p in parts])


def unassemble(g, arrays, how):
    """The derivative of ``numpy.hstack(arrays)`` (and vstack, dstack, column_stack)
    cut back into one derivative per array, each shaped like its array."""
    shapes, axis = _assembly_layout([numpy.shape(a) for a in arrays], how)
    sizes = [s[axis] for s in shapes]
    pieces = numpy.split(numpy.asarray(g), numpy.cumsum(sizes)[:-1], axis=axis)
    return _pieces_adjoint([_as_like(numpy.reshape(p, numpy.shape(a)), a) for p, a in zip(pieces, arrays)], arrays)


def _split_axis(ary, pieces):
    """The axis along which ``ary`` was cut into ``pieces``: the one where their shapes
    differ from ary's (any axis, 0, when there is a single whole piece)."""
    shape = numpy.shape(ary)
    for piece in pieces:
        for axis, (m, n) in enumerate(zip(numpy.shape(piece), shape)):
            if m != n:
                return axis
    return 0


def unsplit(g, ary, pieces):
    """The adjoint of ``pieces = numpy.split(ary, ...)`` (array_split, hsplit, vsplit,
    dsplit): the pieces' derivatives ``g`` joined back into one shaped like ary."""
    axis = _split_axis(ary, pieces)
    dense = [_dense(gi, piece) for gi, piece in zip(g, pieces)]
    out = numpy.concatenate(dense, axis=axis) if dense else numpy.zeros(numpy.shape(ary))
    return _as_like(out, ary)


def split_as(t, ary, pieces):
    """``t`` (shaped like ary) cut where ``ary`` was cut into ``pieces``: the transpose
    of ``unsplit``."""
    axis = _split_axis(ary, pieces)
    sizes = [numpy.shape(p)[axis] for p in pieces]
    return AdjointList(numpy.split(numpy.asarray(t), numpy.cumsum(sizes)[:-1], axis=axis))


def unatleast(g, arys, argnum):
    """The adjoint of argument ``argnum`` of ``numpy.atleast_{1,2,3}d(*arys)``: its part
    of ``g`` (the one result, or item argnum of the tuple) shaped like the argument."""
    part = g if len(arys) == 1 else g[argnum]
    x = arys[argnum]
    if part is None:
        part = numpy.zeros(numpy.shape(x), dtype=_float_dtype(x) or numpy.float64)
    return _as_like(numpy.reshape(part, numpy.shape(x)), x)


def atleast_as(t, y, arys, argnum):
    """The tangent of ``y = numpy.atleast_{1,2,3}d(*arys)`` from argument argnum's
    tangent ``t``: t reshaped to its result, zeros for the other results (the
    transpose of ``unatleast``)."""
    if not isinstance(y, (list, tuple)):
        return numpy.reshape(t, numpy.shape(y))
    return AdjointList(numpy.reshape(t, numpy.shape(v)) if i == argnum else numpy.zeros(numpy.shape(v))
                       for i, v in enumerate(y))


def _grid_axis(count, argnum, indexing):
    """The axis along which ``numpy.meshgrid`` lays input ``argnum`` of ``count``: its own,
    but the first two swapped with ``indexing="xy"`` (the default)."""
    if indexing == "xy" and count > 1 and argnum < 2:
        return 1 - argnum
    return argnum


def unmeshgrid(g, y, xs, argnum, indexing="xy"):
    """The adjoint of input ``argnum`` of ``y = numpy.meshgrid(*xs, indexing=...)``: the
    derivative of its grid, summed over the axes it is repeated along (none of them
    with ``sparse=True``), shaped like the input."""
    x = xs[argnum]
    part = _dense(g[argnum] if g is not None else None, y[argnum])
    axis = _grid_axis(len(xs), argnum, indexing)
    others = tuple(a for a in range(part.ndim) if a != axis)
    return _as_like(numpy.reshape(numpy.sum(part, axis=others), numpy.shape(x)), x)


def meshgrid_as(t, y, xs, argnum, indexing="xy"):
    """The tangent of ``y = numpy.meshgrid(*xs, ...)`` from input argnum's tangent ``t``:
    t laid along its axis of its grid, zeros for the other grids (the transpose of
    ``unmeshgrid``)."""
    axis = _grid_axis(len(xs), argnum, indexing)
    out = []
    for i, v in enumerate(y):
        if i != argnum:
            out.append(numpy.zeros(numpy.shape(v), dtype=_float_dtype(v) or numpy.float64))
            continue
        line = [1] * numpy.ndim(v)
        line[axis] = -1
        out.append(numpy.array(numpy.broadcast_to(numpy.reshape(t, line), numpy.shape(v))))
    return AdjointList(out)


def _block_labels(arrays, counter):
    """``arrays`` (numpy.block's nested lists) with each leaf replaced by an integer array
    of its shape holding its position in C order among the leaves."""
    if isinstance(arrays, list):
        return [_block_labels(a, counter) for a in arrays]
    counter.append(None)
    return numpy.full(numpy.shape(arrays), len(counter) - 1)


def _block_pieces(g, labels, arrays, counter):
    """The derivative of each leaf of ``arrays``: the elements of ``g`` its label marks,
    in order (a leaf fills a box of the result, whose C order is the leaf's)."""
    if isinstance(arrays, list):
        return AdjointList(_block_pieces(g, labels, a, counter) for a in arrays)
    counter.append(None)
    piece = g[labels == len(counter) - 1]
    return _as_like(numpy.reshape(piece, numpy.shape(arrays)), arrays)


def unblock(g, arrays):
    """The adjoint of ``numpy.block(arrays)``: ``g`` cut back into one derivative per
    leaf of the nested lists, shaped like it."""
    labels = numpy.block(_block_labels(arrays, []))
    g = numpy.broadcast_to(0.0 if g is None else g, numpy.shape(labels))
    return _block_pieces(g, numpy.broadcast_to(labels, numpy.shape(g)), arrays, [])


def _block_tangents(t, arrays):
    """The tangents ``t`` of the leaves of ``arrays``, zeros where a leaf has none."""
    if isinstance(arrays, list):
        return [_block_tangents(None if t is None else t[i], a) for i, a in enumerate(arrays)]
    return _dense(t, arrays)


def block_as(t, arrays):
    """The tangent of ``numpy.block(arrays)`` from the leaves' tangents ``t`` (the
    transpose of ``unblock``)."""
    return numpy.block(_block_tangents(t, arrays))


def unappend(g, arr, values, axis, which):
    """The adjoint of ``numpy.append(arr, values, axis)`` for arr (which=0) or values (1)."""
    x = (arr, values)[which]
    if axis is None:
        flat = numpy.ravel(g)
        n = numpy.size(arr)
        part = flat[:n] if which == 0 else flat[n:]
    else:
        n = numpy.shape(arr)[axis]
        index = [slice(None)] * numpy.ndim(g)
        index[axis] = slice(None, n) if which == 0 else slice(n, None)
        part = numpy.asarray(g)[tuple(index)]
    return _as_like(numpy.reshape(part, numpy.shape(x)), x)


def append_as(t, arr, values, axis, which):
    """The tangent of ``numpy.append(arr, values, axis)`` from arr's (which=0) or
    values' (1) tangent ``t``: zeros where the other went. The transpose of unappend."""
    zero_arr = numpy.zeros(numpy.shape(arr), dtype=_float_dtype(t) or numpy.float64)
    zero_values = numpy.zeros(numpy.shape(values), dtype=zero_arr.dtype)
    if which == 0:
        return numpy.append(numpy.reshape(t, numpy.shape(arr)), zero_values, axis)
    return numpy.append(zero_arr, numpy.reshape(t, numpy.shape(values)), axis)


def untile(g, a, reps):
    """The adjoint of ``numpy.tile(a, reps)``: ``g`` summed over the copies, shaped like a."""
    reps = (reps,) if isinstance(reps, numbers.Integral) else tuple(reps)
    shape = numpy.shape(a)
    ndim = max(len(shape), len(reps))
    shape_full = (1,) * (ndim - len(shape)) + tuple(shape)
    reps = (1,) * (ndim - len(reps)) + reps
    split = tuple(n for pair in zip(reps, shape_full) for n in pair)
    out = numpy.sum(numpy.reshape(g, split), axis=tuple(range(0, 2 * ndim, 2)))
    return _as_like(numpy.reshape(out, shape), a)


def unrepeat(g, a, repeats, axis=None):
    """The adjoint of ``numpy.repeat(a, repeats, axis)``: the copies of each element added up."""
    shape = numpy.shape(a)
    flat = axis is None
    n = numpy.size(a) if flat else shape[axis]
    owner = numpy.repeat(numpy.arange(n), numpy.broadcast_to(repeats, (n,)) if numpy.ndim(repeats) else repeats)
    moved = numpy.moveaxis(numpy.asarray(g), 0 if flat else axis, 0)
    out = numpy.zeros((n,) + moved.shape[1:], dtype=_float_dtype(a) or _float_dtype(g) or numpy.float64)
    numpy.add.at(out, owner, moved)
    out = numpy.reshape(out, shape) if flat else numpy.moveaxis(out, 0, axis)
    return _as_like(out, a)


def undiag(g, v, k=0):
    """The adjoint of ``numpy.diag(v, k)``: the k-th diagonal of ``g`` when v is a vector,
    ``g`` laid on the k-th diagonal of zeros shaped like v when v is a matrix."""
    if numpy.ndim(v) == 1:
        return _as_like(numpy.diagonal(g, k).copy(), v)
    out = numpy.zeros(numpy.shape(v), dtype=_float_dtype(v) or _float_dtype(g) or numpy.float64)
    rows = numpy.arange(numpy.size(g))
    out[rows + max(0, -k), rows + max(0, k)] = g
    return out


def undiagonal(g, a, offset=0, axis1=0, axis2=1):
    """The adjoint of ``numpy.diagonal(a, offset, axis1, axis2)``: zeros shaped like a
    with ``g`` on that diagonal."""
    out = numpy.zeros(numpy.shape(a), dtype=_float_dtype(a) or _float_dtype(g) or numpy.float64)
    moved = numpy.moveaxis(out, (axis1, axis2), (-2, -1))
    rows = numpy.arange(numpy.shape(g)[-1])
    moved[..., rows + max(0, -offset), rows + max(0, offset)] = g
    return out


def unwindow(g, x, window_shape, axis=None):
    """The adjoint of ``sliding_window_view(x, window_shape, axis)``: zeros shaped like x
    with each window of ``g`` added back where it was taken from (windows overlap). A
    window offset along an axis named twice moves the start by the sum of its offsets."""
    shape = numpy.shape(x)
    window = tuple(numpy.atleast_1d(window_shape).tolist())
    axes = range(len(shape)) if axis is None else numpy.atleast_1d(axis).tolist()
    axes = [a % len(shape) for a in axes]
    g = numpy.asarray(g)
    outer = g.shape[:len(shape)]
    out = numpy.zeros(shape, dtype=_float_dtype(x) or _float_dtype(g) or numpy.float64)
    for offsets in numpy.ndindex(*window):
        starts = [0] * len(shape)
        for a, o in zip(axes, offsets):
            starts[a] += o
        out[tuple(slice(s, s + n) for s, n in zip(starts, outer))] += g[(Ellipsis,) + offsets]
    return out


def rollaxis_axes(a, axis, start=0):
    """The permutation ``numpy.rollaxis(a, axis, start)`` applies (as transpose's axes)."""
    ndim = numpy.ndim(a)
    axis = axis % ndim
    start = start + ndim if start < 0 else start
    if axis < start:
        start -= 1
    order = [i for i in range(ndim) if i != axis]
    order.insert(start, axis)
    return tuple(order)


def _take_positions(indices, n, mode):
    indices = numpy.asarray(indices)
    if mode == "wrap":
        return indices % n
    if mode == "clip":
        return numpy.clip(indices, 0, n - 1)
    return indices


def _segments(n, indices):
    """Which of n positions each segment of ``ufunc.reduceat(..., indices)`` holds, a
    boolean (segments, n): segment i runs from indices[i] to indices[i + 1] (to the end
    for the last), or is the one element indices[i] where the next index is not larger."""
    starts = numpy.asarray(indices, dtype=numpy.intp).ravel()
    ends = numpy.append(starts[1:], n)
    ends = numpy.where(ends > starts, ends, starts + 1)
    positions = numpy.arange(n)
    return (positions >= starts[:, None]) & (positions < ends[:, None])


def reduceat_segments(array, indices, axis=0):
    """``_segments`` of ``ufunc.reduceat(array, indices, axis)``: (segments, n) booleans."""
    return _segments(numpy.shape(array)[axis], indices)


def reduceat_tie_weights(array, y, indices, axis=0):
    """d ``numpy.maximum.reduceat(array, indices, axis)`` (or minimum's, y its result) /
    d array, with the reduced axis last: shape (..., segments, n), each segment's 1 split
    evenly among the elements of it equal to its result (as for max and min)."""
    a = numpy.moveaxis(numpy.asarray(array), axis, -1)
    chosen = _segments(a.shape[-1], indices) & (a[..., None, :] == numpy.moveaxis(numpy.asarray(y), axis, -1)[..., None])
    dtype = _float_dtype(array) or numpy.float64
    return numpy.asarray(chosen / numpy.sum(chosen, axis=-1, keepdims=True), dtype=dtype)


def unreduceat(g, array, indices, axis=0):
    """The adjoint of ``numpy.add.reduceat(array, indices, axis)``: each element of
    ``array`` gets the cotangent of every result whose segment (``_segments``) holds it."""
    member = _segments(numpy.shape(array)[axis], indices)          # (results, n)
    dtype = _float_dtype(g) or _float_dtype(array) or numpy.float64
    spread = numpy.matmul(numpy.moveaxis(numpy.asarray(g, dtype=dtype), axis, -1), member.astype(dtype))
    return numpy.moveaxis(spread, -1, axis)


def untake(g, a, indices, axis=None, mode="raise"):
    """The adjoint of ``numpy.take(a, indices, axis, mode=mode)``: ``g`` added back at the
    positions taken (repeats add up)."""
    shape = numpy.shape(a)
    dtype = _float_dtype(a) or _float_dtype(g) or numpy.float64
    if axis is None:
        out = numpy.zeros(numpy.size(a), dtype=dtype)
        numpy.add.at(out, _take_positions(indices, out.size, mode), g)
        return _as_like(numpy.reshape(out, shape), a)
    axis = axis % len(shape)
    out = numpy.zeros(shape, dtype=dtype)
    positions = _take_positions(indices, shape[axis], mode)
    index = (slice(None),) * axis + (positions,)
    numpy.add.at(out, index, g)
    return out


def _along_axis_index(shape, indices, axis):
    """The index tuple NumPy's take_along_axis uses: ``a[index]`` is the result."""
    indices = numpy.asarray(indices)
    ndim = len(shape)
    axis = axis % ndim
    index = []
    for dim in range(ndim):
        if dim == axis:
            index.append(indices)
        else:
            fancy_shape = [1] * ndim
            fancy_shape[dim] = shape[dim]
            index.append(numpy.arange(shape[dim]).reshape(fancy_shape))
    return tuple(index)


def diagonal_index(shape, values):
    """``numpy.fill_diagonal(arr, values)`` is ``arr[index] = values`` with this index of
    the main diagonal (a[i, i, ..., i]) of an array shaped ``shape``, raising where NumPy
    raises; ``values`` one number or one per diagonal entry (NumPy would repeat fewer
    and drop more)."""
    if len(shape) < 2:
        raise ValueError("array must be at least 2-d")
    if len(shape) > 2 and len(set(shape)) > 1:
        raise ValueError("All dimensions of input must be of equal length")
    count = min(shape)
    if numpy.size(values) != 1 and numpy.shape(values) != (count,):
        raise ValueError(f"astgrad: numpy.fill_diagonal was given values shaped {numpy.shape(values)} for a "
                         f"diagonal of {count} entries; astgrad follows it with one number or {count} "
                         f"values in a 1-d array (numpy.resize(values, {count}) repeats them as NumPy does)")
    return numpy.diag_indices(count, len(shape))


def along_axis_index(indices, arr, axis):
    """``numpy.put_along_axis(arr, indices, values, axis)`` is ``arr[index] = values``
    with this index (axis None: arr seen flattened). The index is made from
    ``indices``, never from arr's memory."""
    if axis is None:
        return numpy.unravel_index(numpy.asarray(indices) % max(numpy.size(arr), 1), numpy.shape(arr))
    return _along_axis_index(numpy.shape(arr), indices, axis)


_FLAT_WRITERS = {"put": numpy.put, "place": numpy.place, "putmask": numpy.putmask}


def put_marks(kind, y, where, values, mode="raise"):
    """For ``numpy.put(y, where, values, mode)`` (``kind`` "put"; "place" and "putmask"
    for ``numpy.place(y, where, values)`` and ``numpy.putmask``): an int array shaped like
    ``y`` holding, at each element the call writes, the flat position in ``values`` of
    the value written there (-1 elsewhere). NumPy's own function makes it, writing those
    positions into an int array, so its cycling of ``values``, its modes, its last write
    winning among repeated indices and its errors are NumPy's. ``y`` is read for its shape
    only; one that is not an array gets the TypeError NumPy raises for a list."""
    write = _FLAT_WRITERS[kind]
    if not isinstance(y, numpy.ndarray):
        raise TypeError(f"numpy.{kind}: argument 1 must be numpy.ndarray, not {type(y)}")
    marks = numpy.full(y.shape, -1, dtype=numpy.intp)
    sources = numpy.arange(numpy.size(values), dtype=numpy.intp)
    write(marks, where, sources, **({"mode": mode} if kind == "put" else {}))
    return marks


def check_place_values(values, array, where):
    """Stop where ``numpy.place(array, mask, values)`` (or into a view of ``array``) is
    given values sharing ``array``'s memory: NumPy places them element by element,
    reading values it has already replaced, while the derivative reads them first."""
    if isinstance(values, numpy.ndarray) and isinstance(array, numpy.ndarray) \
            and numpy.may_share_memory(values, array):
        raise ValueError(
            f"astgrad: {where}: numpy.place is given values that share the memory of the array it writes "
            "into; NumPy places them one by one, reading values it has already replaced, which astgrad does "
            "not follow. Pass a copy (vals.copy())")


def accumulate_sources(y, axis=0):
    """For ``y = numpy.maximum.accumulate(a, axis)`` (or minimum): the index along axis of
    the item of a each item of y is. NumPy keeps the running value where a ties it, so the
    source moves only where y changes: ties send the derivative to the first of them."""
    if numpy.ndim(y) == 0:
        raise ValueError("astgrad: maximum.accumulate and minimum.accumulate need an array of at least 1 dimension")
    axis = axis % numpy.ndim(y)
    moved = numpy.moveaxis(numpy.asarray(y), axis, -1)
    changed = numpy.concatenate((numpy.ones(moved.shape[:-1] + (1,), bool), moved[..., 1:] != moved[..., :-1]),
                                axis=-1)
    sources = numpy.maximum.accumulate(numpy.where(changed, numpy.arange(moved.shape[-1]), 0), axis=-1)
    return numpy.moveaxis(sources, -1, axis)


# -- ufunc.accumulate of a two-argument ufunc f (rules/declare.py generates its templates) -----
#
# y[k] = f(y[k-1], x[k]) has the tangent dy[k] = f_1 * dy[k-1] + f_2 * dx[k] (f's partials at
# step k): a linear recurrence, solved by running_linear; its adjoint is the same recurrence run
# backwards (flipped), with the coefficients moved one step (unshifted_along).

def running_linear(a, b, axis=0):
    """z with z[k] = a[k] * z[k-1] + b[k] along ``axis`` (z[-1] = 0, so a[0] is not read);
    a and b broadcast. A loop over the axis, as NumPy's own accumulate runs."""
    # b's float dtype (a float32 derivative stays float32 when a holds float64 constants)
    dtype = numpy.result_type(a, b, 0.0) if numpy.iscomplexobj(a) else numpy.result_type(b, 0.0)
    a, b = numpy.broadcast_arrays(numpy.asarray(a), numpy.asarray(b))
    if a.ndim == 0:
        raise ValueError("astgrad: ufunc.accumulate needs an array of at least 1 dimension")
    a, b = numpy.moveaxis(a, _accumulate_axis(axis), 0), numpy.moveaxis(b, _accumulate_axis(axis), 0)
    z = numpy.empty(b.shape, dtype=dtype)
    for k in range(b.shape[0]):
        z[k] = a[k] * z[k - 1] + b[k] if k else b[0]
    return numpy.moveaxis(z, 0, _accumulate_axis(axis))


def shifted_along(x, axis=0):
    """``x`` moved one step along ``axis`` (item k is x[k-1]), 0 first."""
    x = numpy.asarray(x)
    moved = numpy.moveaxis(x, _accumulate_axis(axis), 0)
    out = numpy.zeros(moved.shape, dtype=numpy.result_type(x, 0.0))
    out[1:] = moved[:-1]
    return numpy.moveaxis(out, 0, _accumulate_axis(axis))


def unshifted_along(g, axis=0):
    """``g`` moved one step back along ``axis`` (item k is g[k+1]), 0 last: the transpose of
    ``shifted_along``."""
    g = numpy.asarray(g)
    moved = numpy.moveaxis(g, _accumulate_axis(axis), 0)
    out = numpy.zeros(moved.shape, dtype=numpy.result_type(g, 0.0))
    out[:-1] = moved[1:]
    return numpy.moveaxis(out, 0, _accumulate_axis(axis))


def first_along(x, axis=0):
    """True at the first item along ``axis``, False elsewhere (x's shape)."""
    mask = numpy.zeros(numpy.shape(x), dtype=bool)
    numpy.moveaxis(mask, _accumulate_axis(axis), 0)[:1] = True
    return mask


def _accumulate_axis(axis):
    """accumulate's axis=None, which NumPy takes for a 1-d array only, is its axis 0."""
    return 0 if axis is None else axis


def untake_along_axis(g, arr, indices, axis):
    """The adjoint of ``numpy.take_along_axis(arr, indices, axis)`` (repeats add up)."""
    dtype = _float_dtype(arr) or _float_dtype(g) or numpy.float64
    out = numpy.zeros(numpy.shape(arr), dtype=dtype)
    if axis is None:
        flat = numpy.ravel(out)
        numpy.add.at(flat, numpy.asarray(indices), g)
        return numpy.reshape(flat, numpy.shape(arr))
    numpy.add.at(out, _along_axis_index(out.shape, indices, axis), g)
    return out


_INDEX_PAD_MODES = ("constant", "edge", "reflect", "symmetric", "wrap")


def _pad_positions(shape, pad_width, mode, reflect_type="even"):
    """For each element of ``numpy.pad(x, pad_width, mode)`` (x shaped ``shape``), the
    flat position in x it copies, or -1 for a constant."""
    if mode not in _INDEX_PAD_MODES or reflect_type != "even":
        raise NotImplementedError(
            f"astgrad: the derivative of numpy.pad with mode={mode!r}"
            f"{'' if reflect_type == 'even' else f', reflect_type={reflect_type!r}'} is not supported; "
            f"modes {', '.join(map(repr, _INDEX_PAD_MODES))} (reflect_type 'even') are")
    positions = numpy.arange(int(numpy.prod(shape, dtype=int))).reshape(shape)
    if mode == "constant":
        return numpy.pad(positions, pad_width, mode, constant_values=-1)
    return numpy.pad(positions, pad_width, mode)


def pad_gather(t, array, pad_width, mode="constant", reflect_type="even"):
    """The tangent of ``numpy.pad(array, pad_width, mode)``: ``t`` padded the same way,
    with zeros where the result is a constant."""
    positions = _pad_positions(numpy.shape(array), pad_width, mode, reflect_type)
    flat = numpy.ravel(t)
    out = numpy.where(positions >= 0, flat[numpy.maximum(positions, 0)] if flat.size else 0.0, 0.0)
    return _as_float_of(out, t)


def pad_scatter(g, array, pad_width, mode="constant", reflect_type="even"):
    """The adjoint of ``numpy.pad(array, pad_width, mode)``: each element of ``g`` added
    to the element of array it copies (the transpose of ``pad_gather``)."""
    positions = _pad_positions(numpy.shape(array), pad_width, mode, reflect_type)
    out = numpy.zeros(numpy.size(array), dtype=_float_dtype(array) or _float_dtype(g) or numpy.float64)
    keep = positions >= 0
    numpy.add.at(out, positions[keep], numpy.asarray(g)[keep])
    return _as_like(numpy.reshape(out, numpy.shape(array)), array)


def _chosen(condlist):
    """For numpy.select: which condition picks each element (len(condlist) for none)."""
    conds = numpy.broadcast_arrays(*[numpy.asarray(c, dtype=bool) for c in condlist])
    first = numpy.full(conds[0].shape if conds else (), len(condlist))
    for i in reversed(range(len(conds))):
        first = numpy.where(conds[i], i, first)
    return first


def unselect(g, condlist, choicelist, default=0):
    """The adjoints of ``numpy.select(condlist, choicelist, default)``'s choices: each
    gets ``g`` where its condition is the first true one."""
    first = _chosen(condlist)
    return AdjointList(unbroadcast(numpy.where(first == i, g, 0.0), c) for i, c in enumerate(choicelist))


def select_parts(h, condlist, g):
    """The transpose of ``unselect``: the choices' derivatives ``h`` selected (the
    first true condition wins), shaped like ``g``."""
    first = _chosen(condlist)
    out = 0.0
    for i, part in enumerate(h):
        out = out + numpy.where(first == i, 0.0 if part is None else part, 0.0)
    return _as_like(_fit(out, numpy.shape(g)), g)


def unselect_default(g, condlist, default):
    """The adjoint of numpy.select's ``default``: ``g`` where no condition holds."""
    return unbroadcast(numpy.where(_chosen(condlist) == len(condlist), g, 0.0), default)


def _choice_of(a, n, mode):
    return _take_positions(a, n, mode)


def unchoose(g, a, choices, mode="raise"):
    """The adjoints of ``numpy.choose(a, choices, mode=mode)``'s choices: each gets
    ``g`` where ``a`` picks it."""
    which = _choice_of(a, len(choices), mode)
    parts = [unbroadcast(numpy.where(which == i, g, 0.0), c) for i, c in enumerate(choices)]
    if isinstance(choices, numpy.ndarray):
        return _as_like(numpy.stack(parts), choices)
    return AdjointList(parts)


def choose_parts(h, a, g, mode="raise"):
    """The transpose of ``unchoose``: the choices' derivatives ``h`` chosen by ``a``,
    shaped like ``g``."""
    which = _choice_of(a, len(h), mode)
    out = 0.0
    for i, part in enumerate(h):
        out = out + numpy.where(which == i, 0.0 if part is None else part, 0.0)
    return _as_like(_fit(out, numpy.shape(g)), g)


# -- numpy.fft (rules in rules/fft_rules.py) -------------------------------------------------
#
# Complex values follow JAX's and autograd's convention: the adjoint of a complex z is
# dL/d(re z) - 1j * dL/d(im z), so the adjoint of a complex-linear map is its plain
# transpose (no conjugate), and a real input takes the real part of what reaches it.
# The DFT matrix is symmetric, so the transpose of a transform is the same transform;
# the sizes (n, s) pad or cut the input first, which the transpose undoes.

def _fft_axes(ndim, s, axes):
    """numpy.fft's axes as a tuple (an int for the 1-D functions; None: the last len(s)
    axes, or all)."""
    if isinstance(axes, numbers.Integral):
        return (int(axes) % ndim,)
    if axes is None:
        return tuple(range(ndim - (ndim if s is None else len(_fft_sizes(s))), ndim))
    return tuple(int(a) % ndim for a in axes)


def _fft_sizes(s):
    return None if s is None else ((int(s),) if isinstance(s, numbers.Integral) else tuple(int(n) for n in s))


def _fit_axes(x, shape, axes):
    """``x`` cut or padded with zeros along ``axes`` to the sizes of ``shape``."""
    index = [slice(None)] * x.ndim
    widths = [(0, 0)] * x.ndim
    for axis in axes:
        index[axis] = slice(0, shape[axis])
        widths[axis] = (0, max(0, shape[axis] - x.shape[axis]))
    x = x[tuple(index)]
    return numpy.pad(x, widths) if any(w[1] for w in widths) else x


def _real_for(out, x):
    """``out`` as the adjoint of ``x``: its real part when x is real."""
    if not numpy.iscomplexobj(x):
        out = numpy.real(out)
    return _as_like(out, x) if numpy.ndim(out) == 0 else out


def complex_transform(t, s=None, axes=None, inverse=False, norm=None):
    """``numpy.fft.fftn(t, s, axes, norm)`` (ifftn when ``inverse``), with the 1-D
    functions' int n and axis accepted."""
    t = numpy.asarray(t)
    axes = _fft_axes(t.ndim, s, axes)
    transform = numpy.fft.ifftn if inverse else numpy.fft.fftn
    return transform(t, _fft_sizes(s), axes, norm)


def complex_transpose(g, a, s=None, axes=None, inverse=False, norm=None):
    """The adjoint of ``numpy.fft.fftn(a, s, axes, norm)`` (ifftn when ``inverse``; fft,
    ifft, fft2, ifft2 are the same with their n/axis): the same transform of ``g``,
    cut or padded back to a's shape (the real part when a is real)."""
    a_ndim = numpy.ndim(a)
    axes = _fft_axes(a_ndim, s, axes)
    transform = numpy.fft.ifftn if inverse else numpy.fft.fftn
    out = _fit_axes(transform(numpy.asarray(g), None, axes, norm), numpy.shape(a), axes)
    return _real_for(out, a)


def _rfft_plan(shape, s, axes, inverse):
    """The full (real-side) sizes along ``axes`` and the axes, for rfftn (inverse:
    irfftn) of an array shaped ``shape``."""
    axes = _fft_axes(len(shape), s, axes)
    sizes = _fft_sizes(s)
    if sizes is None:
        sizes = tuple(shape[a] for a in axes)
        if inverse:
            sizes = sizes[:-1] + (2 * (sizes[-1] - 1),)
    return sizes, axes


def rfft_transpose(g, x, s=None, axes=None, norm=None):
    """The adjoint of ``numpy.fft.rfftn(x, s, axes, norm)`` (rfft with n/axis): ``g``
    padded with zeros to the full last size, transformed, cut back to x's shape, real."""
    g = numpy.asarray(g)
    sizes, axes = _rfft_plan(numpy.shape(x), s, axes, False)
    full = list(g.shape)
    full[axes[-1]] = sizes[-1]
    extended = _fit_axes(g, full, axes[-1:])
    out = _fit_axes(numpy.fft.fftn(extended, None, axes, norm), numpy.shape(x), axes)
    return _real_for(out, x)


_DUAL_NORM = {None: "forward", "backward": "forward", "ortho": "ortho", "forward": "backward"}


def _hermitian_weights(n, m, axis, ndim):
    """1 for the terms irfft counts once (the zero frequency, and n/2 for even n), 2 for
    the others, shaped to broadcast along ``axis``."""
    w = numpy.full(m, 2.0)
    w[0] = 1.0
    if n % 2 == 0 and m > n // 2:
        w[n // 2] = 1.0
    shape = [1] * ndim
    shape[axis] = m
    return w.reshape(shape)


def irfft_transpose(g, a, s=None, axes=None, norm=None):
    """The adjoint of ``numpy.fft.irfftn(a, s, axes, norm)`` (irfft with n/axis) for the
    complex ``a``: the conjugate of the forward real transform of the real ``g`` (under
    the dual normalization), with the terms irfft counts twice doubled, cut or padded
    to a's shape."""
    g = numpy.asarray(g)
    sizes, axes = _rfft_plan(numpy.shape(a), s, axes, True)
    spectrum = numpy.conj(numpy.fft.rfftn(g, sizes, axes, _DUAL_NORM[norm]))
    last = axes[-1]
    weights = _hermitian_weights(sizes[-1], spectrum.shape[last], last, spectrum.ndim)
    out = _fit_axes(spectrum * weights.astype(spectrum.real.dtype), numpy.shape(a), axes)
    return out if numpy.iscomplexobj(a) else numpy.real(out)


def real_rfft(t, s=None, axes=None, norm=None):
    """``numpy.fft.rfftn`` of the real part of ``t`` (a real tangent or adjoint held in a
    complex array), with the 1-D function's int n and axis accepted."""
    t = numpy.real(numpy.asarray(t))
    return numpy.fft.rfftn(t, _fft_sizes(s), _fft_axes(t.ndim, s, axes), norm)


def real_irfft(t, s=None, axes=None, norm=None):
    """``numpy.fft.irfftn`` with the 1-D function's int n and axis accepted."""
    t = numpy.asarray(t)
    sizes, axes = _rfft_plan(t.shape, s, axes, True)
    return numpy.fft.irfftn(t, sizes, axes, norm)


def imag_adjoint(g, val):
    """The adjoint of ``numpy.imag(val)``: ``-1j * g`` for a complex val, zeros for a
    real one (whose imaginary part is the constant 0); item by item for a list or tuple
    of arrays (``numpy.imag(numpy.atleast_1d(a, b))``), whose dtypes may differ."""
    if isinstance(val, (list, tuple)):
        items = [imag_adjoint(g_item, item) for g_item, item in zip(g, val)]
        return items if isinstance(val, list) else tuple(items)
    if numpy.iscomplexobj(val):
        return g * numpy.complex128(-1j).astype(numpy.result_type(val))
    return zeros_like(val) if isinstance(val, numpy.ndarray) else 0.0


def positive_base(x, z):
    """The base ``x`` of ``z = x ** y`` where its log is real and finite (x > 0; x != 0 for a
    complex x), in z's precision (a float16 base of a float64 power gives a float64
    result): ``z * log(positive_base(x, z))`` is the derivative of z by the exponent.
    At x == 0 it is 1 (0 ** y is 0 for every y > 0: a derivative of 0). A negative real
    x gives a real z only at integer exponents, where z has no derivative by the
    exponent (its log is complex): NaN there, as in PyTorch and JAX, never a number."""
    if numpy.iscomplexobj(x) or numpy.iscomplexobj(z):
        return numpy.where(x != 0, x, numpy.ones_like(z))
    return numpy.where(x > 0, x, numpy.where(x < 0, numpy.nan, numpy.ones_like(z)))


def positive_base_slope(x):
    """The derivative of ``positive_base(x, z)`` by x: True where it is x, False where it
    is 1 (piecewise constant, so a bool array: it keeps the factor's dtype)."""
    return x != 0 if numpy.iscomplexobj(x) else x > 0


def angle_slope(x):
    """d angle(x)/dx as a factor of the adjoint: 0 for a real x (its angle is 0 or pi,
    piecewise constant). A complex x is refused: its angle's derivative (-1j / x) has no
    second derivative here."""
    if numpy.iscomplexobj(x):
        raise TypeError("astgrad differentiates numpy.angle of real values only (there it is piecewise "
                        "constant); for a complex z write numpy.arctan2(numpy.imag(z), numpy.real(z))")
    return zeros_like(x) if isinstance(x, numpy.ndarray) else 0.0


def abs_squared(u, of_array=False, of_norm=False):
    """``abs(u) ** 2`` written without abs's kink at 0, whose derivative the chain rule
    reads as 0 (a second derivative of 0 instead of 2): ``u * conj(u)``, real, for a
    float or complex ``u`` (an array too); Python's own ``abs(u) ** 2`` for anything
    else: an int stays an exact Python int (NumPy's would overflow), an object keeps its
    ``__abs__``. ``of_array``: ``u`` is read as NumPy's abs and norm read it (a list is
    an array). ``of_norm``: as ``norm`` reads it, an array with integers and bools as
    float64 (an int8 squared would wrap where the norm's square does not)."""
    if of_norm:
        u = numpy.asarray(u)
        if u.dtype.kind not in "fcO":
            u = u.astype(float)
    if of_array and isinstance(u, (list, tuple)):
        u = numpy.asarray(u)
    if isinstance(u, float):
        return u * u
    if isinstance(u, (complex, numpy.inexact)) or isinstance(u, _NDARRAY) and u.dtype.kind in "fc":
        return numpy.real(u * numpy.conj(u))
    return abs(u) ** 2


def _refuse_own_abs(x):
    """abs of an object whose class defines ``__abs__``: abs's rules are those of numbers."""
    if not isinstance(x, (numbers.Number, _NDARRAY, numpy.generic, list, tuple)) and not is_duck_array(x) \
            and hasattr(type(x), "__abs__"):        # a Dask array's abs is NumPy's, elementwise
        error = TypeError(f"astgrad differentiates abs() of numbers and arrays, not of an object of the class "
                          f"{type(x).__name__}, whose __abs__ it does not follow; call a method or function "
                          "computing the value from the object's arrays instead (v.norm(), not abs(v))")
        error.astgrad_locate = True         # the line of the user's code: tracebacks.shortened
        raise error


def abs_operand(u):
    """``u``, the operand of ``abs(u) ** 2`` in its derivative (abs_squared), checked to
    be a number or an array."""
    _refuse_own_abs(u)
    return u


def abs_slope(x):
    """d|x|/dx as a factor of the adjoint: sign(x) for real x; conj(x)/|x| (0 at 0) for
    complex x, the adjoint convention of complex values (see numpy.fft above)."""
    _refuse_own_abs(x)
    if not numpy.iscomplexobj(x):
        return numpy.sign(x)
    size = numpy.abs(x)
    return numpy.where(size > 0, numpy.conj(x) / numpy.where(size > 0, size, 1.0), 0.0)


def abs_slope_change(v, x):
    """The change of ``abs_slope(x)`` along ``v``: 0 for real x (sign is piecewise
    constant); for complex x, with s = conj(x)/|x|, ``-1j * s * imag(s * v) / |x|`` (0 at
    0). The map is its own adjoint under the complex convention, so it is also the
    adjoint of ``abs_slope`` for a cotangent ``v``."""
    if type(x) is _NDARRAY and x.dtype.kind == "f":
        return numpy.zeros(x.shape, x.dtype)        # the common case, quickly
    if not numpy.iscomplexobj(x):
        return zeros_like(x)
    size = numpy.abs(x)
    safe = numpy.where(size > 0, size, 1.0)
    slope = numpy.where(size > 0, numpy.conj(x) / safe, 0.0)
    return -1j * slope * numpy.imag(slope * v) / safe


def abs_slope_curvature(v, h, x):
    """The change of ``abs_slope_change(v, x)`` along ``h`` in x, a third derivative of
    abs: 0 for real x; a complex x is refused."""
    if numpy.iscomplexobj(x):
        raise TypeError("astgrad differentiates abs of a complex value at most twice; for a third "
                        "derivative write it as numpy.sqrt(numpy.real(z) ** 2 + numpy.imag(z) ** 2)")
    return zeros_like(x)


def sign_change(v, x):
    """The change of ``numpy.sign(x)`` along ``v``: 0 for real x (sign is piecewise
    constant); for complex x, where NumPy's sign is x/|x|, with s = x/|x|,
    ``1j * s * imag(conj(s) * v) / |x|`` (0 at 0). Linear in v; its transpose under the
    complex convention (see numpy.fft above) is ``sign_change_adjoint``."""
    if not numpy.iscomplexobj(x):
        return _real_zeros(x)
    size, slope = _unit(x)
    return 1j * slope * numpy.imag(numpy.conj(slope) * v) / size


def sign_change_adjoint(g, x):
    """The adjoint of ``sign_change`` for a cotangent ``g`` of sign(x): 0 for real x,
    ``1j * conj(s) * imag(s * g) / |x|`` for complex x."""
    if not numpy.iscomplexobj(x):
        return _real_zeros(x)
    size, slope = _unit(x)
    return 1j * numpy.conj(slope) * numpy.imag(slope * g) / size


def sign_curvature(v, h, x):
    """A second derivative of ``numpy.sign(x)``: 0 for real x; a complex x is refused."""
    if numpy.iscomplexobj(x):
        raise TypeError("astgrad differentiates numpy.sign of a complex value (x / |x|) once only; for a "
                        "second derivative write it as z / numpy.abs(z)")
    return _real_zeros(x)


def _real_zeros(x):
    """Zeros of x's shape and float dtype (a number for a number)."""
    zero = numpy.zeros(numpy.shape(x), dtype=_float_dtype(x) or numpy.float64)
    return zero if isinstance(x, numpy.ndarray) else zero[()]


def _unit(x):
    """(|x| with 1 where x is 0, x/|x| with 0 where x is 0) of a complex x."""
    size = numpy.abs(x)
    safe = numpy.where(size > 0, size, 1.0)
    return safe, numpy.where(size > 0, x / safe, 0.0)


# -- activations (the tape's sigmoid, softmax, log_softmax: one primitive each) ------------------

def sigmoid(x):
    """1 / (1 + exp(-x)), as exp(-log(1 + exp(-x))): no overflow, small values kept."""
    return numpy.exp(-numpy.logaddexp(0.0, numpy.negative(x)))


def _softmax_shift(x, axis):
    """The maximum along ``axis`` (0 where it is infinite or there are no elements),
    subtracted before exp."""
    if x.size == 0:     # numpy.max has no identity; the zeros of the reduced shape
        return numpy.sum(x, axis=axis, keepdims=True)
    shift = numpy.max(x, axis=axis, keepdims=True)
    return numpy.where(numpy.isfinite(shift), shift, 0)


def softmax(x, axis=-1):
    """exp(x) / sum(exp(x)) along ``axis``."""
    x = numpy.asarray(x)
    e = numpy.exp(x - _softmax_shift(x, axis))
    return e / numpy.sum(e, axis=axis, keepdims=True)


def log_softmax(x, axis=-1):
    """x - log(sum(exp(x))) along ``axis``."""
    x = numpy.asarray(x)
    z = x - _softmax_shift(x, axis)
    if z.size == 0:     # nothing to normalize (and log of an empty sum would warn)
        return z
    return z - numpy.log(numpy.sum(numpy.exp(z), axis=axis, keepdims=True))


def to_copy(x, dtype):
    """``x`` converted to ``dtype`` (a new array): the tape's ``tensor.to(dtype)``, which,
    unlike ``numpy.asarray(x, dtype)``, generated code can also call on tensors."""
    return numpy.asarray(x).astype(dtype)
