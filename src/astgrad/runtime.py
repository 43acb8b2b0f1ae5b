"""Helpers that generated code calls.

Every helper here is a primitive with its own adjoint and tangent rule (see
``rules/runtime_rules.py``), so code that calls them can be differentiated again:
the vocabulary of generated code is closed.
"""

import numbers

import numpy


class AdjointList(list):
    """The derivative of a list or tuple: one derivative per element.

    ``+`` adds element by element (a list's ``+`` would concatenate), so generated
    code can accumulate ``d_xs = d_xs + contribution`` whatever the value's type.
    """

    def __add__(self, other):
        if isinstance(other, (int, float)) and other == 0:
            return self
        if len(other) != len(self):
            raise ValueError(f"cannot add derivatives of sequences of lengths {len(self)} and {len(other)}")
        return AdjointList(a + b for a, b in zip(self, other))

    __radd__ = __add__

    def __mul__(self, other):
        return AdjointList(a * other for a in self)

    __rmul__ = __mul__

    def __neg__(self):
        return AdjointList(-a for a in self)

    def __getitem__(self, index):
        item = list.__getitem__(self, index)
        return AdjointList(item) if isinstance(index, slice) else item

    def __repr__(self):
        return f"AdjointList({list.__repr__(self)})"


class AdjointDict(dict):
    """The derivative of a dict: one derivative per key; ``+`` adds per key."""

    def __add__(self, other):
        if isinstance(other, (int, float)) and other == 0:
            return self
        result = AdjointDict(self)
        for key, value in other.items():
            result[key] = result[key] + value if key in result else value
        return result

    __radd__ = __add__


def is_sequence(value):
    return isinstance(value, (list, tuple))


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
    if hasattr(value, "shape") and hasattr(value, "dtype"):
        return numpy.zeros(numpy.shape(value))
    return None


def unbroadcast(g, x):
    """Sum ``g`` down to the shape of ``x``: the adjoint of NumPy broadcasting."""
    if isinstance(x, (list, tuple)):
        if isinstance(g, (list, tuple)) and len(g) == len(x):
            return g
        raise TypeError("astgrad: '+' on lists concatenates them; that cannot be "
                        "differentiated here. Use list.append or numpy.concatenate.")
    shape = numpy.shape(x)
    g_shape = numpy.shape(g)
    if g_shape == shape:
        return g
    extra = len(g_shape) - len(shape)
    if extra < 0:
        return numpy.broadcast_to(g, shape)
    axes = tuple(range(extra)) + tuple(
        extra + i for i, n in enumerate(shape) if n == 1 and g_shape[extra + i] != 1)
    g = numpy.sum(g, axis=axes, keepdims=True)
    return numpy.reshape(g, shape) if extra else g


def broadcast_like(g, x):
    """``g`` broadcast to the shape of ``x`` (the transpose of ``unbroadcast``)."""
    shape = numpy.shape(x)
    if numpy.shape(g) == shape:
        return g
    return numpy.broadcast_to(g, shape)


def unreduce(g, x, axis=None, keepdims=False):
    """Spread the adjoint ``g`` of a reduction of ``x`` over ``axis`` back to x's shape."""
    shape = numpy.shape(x)
    if axis is not None and not keepdims:
        axes = (axis,) if isinstance(axis, int) else tuple(axis)
        axes = tuple(a % len(shape) for a in axes)
        g = numpy.expand_dims(g, axes)
    return numpy.broadcast_to(g, shape)


def repeat_count(x, axis=None):
    """How many elements a reduction over ``axis`` combines (for mean, var, std)."""
    shape = numpy.shape(x)
    if axis is None:
        return int(numpy.prod(shape, dtype=int))
    axes = (axis,) if isinstance(axis, int) else tuple(axis)
    return int(numpy.prod([shape[a] for a in axes], dtype=int))


def unindex(g, x, index):
    """Zeros shaped like ``x`` with ``g`` added at ``x[index]`` (repeats add up)."""
    if isinstance(x, (list, tuple)):
        result = AdjointList(zeros_like(item) for item in x)
        if isinstance(index, slice):
            for position, value in zip(range(*index.indices(len(x))), g):
                result[position] = result[position] + value
        else:
            result[index] = result[index] + g
        return result
    if isinstance(x, dict):
        result = AdjointDict((key, zeros_like(item)) for key, item in x.items())
        result[index] = result[index] + g
        return result
    dtype = x.dtype if isinstance(x, numpy.ndarray) and numpy.issubdtype(x.dtype, numpy.inexact) else float
    result = numpy.zeros(numpy.shape(x), dtype=numpy.result_type(dtype, numpy.asarray(g).dtype))
    numpy.add.at(result, index, g)
    return result


def float_like(g, x):
    """``g`` converted back to the kind of number ``x`` is (for ``float(x)``)."""
    if isinstance(x, numpy.ndarray):
        return numpy.reshape(numpy.asarray(g, dtype=x.dtype if numpy.issubdtype(x.dtype, numpy.inexact) else float), x.shape)
    return g


def sign_where(x, y):
    """1.0 where ``x`` was selected by a max/min that gave ``y``, split evenly on ties."""
    mask = numpy.asarray(x == y, dtype=float)
    return mask


def stop_gradient(x):
    """Return ``x`` unchanged; no derivative flows back through the call."""
    return x
