"""numba versions of NumPy reductions along an axis, for the numba backend.

numba's ``np.sum`` takes ``axis`` but not ``keepdims``, and its ``np.mean`` takes
neither; ``numba_lower`` writes ``np.sum(a, axis=k, keepdims=True)`` and
``np.mean(a, axis=k)`` as ``sum_over(a, k, True)`` and ``mean_over(a, k, False)``,
whose overloads here compute what NumPy does for an int axis (negative counts from
the end) or ``None``. Imports numba: loaded only when the numba backend compiles.
"""

import numpy
from numba import types
from numba.extending import overload


def sum_over(a, axis, keepdims):
    """``np.sum(a, axis=axis, keepdims=keepdims)`` in numba code (a stand-in)."""
    raise NotImplementedError


def mean_over(a, axis, keepdims):
    """``np.mean(a, axis=axis, keepdims=keepdims)`` in numba code (a stand-in)."""
    raise NotImplementedError


def _keeps(keepdims):
    """True/False for a literal (or omitted) keepdims, None where it is not known."""
    if isinstance(keepdims, (types.Omitted, types.NoneType)) or keepdims is None:
        return False
    if isinstance(keepdims, types.BooleanLiteral):
        return keepdims.literal_value
    return None


def _reduction(a, axis, keepdims, mean):
    keep = _keeps(keepdims)
    if keep is None:
        return None         # numba asks again with the literal value
    if isinstance(a, (types.Float, types.Integer)) and not keep:
        return lambda a, axis, keepdims: a * 1.0
    if not isinstance(a, types.Array) or a.ndim == 0:
        return None
    ones = (1,) * a.ndim
    if isinstance(axis, (types.NoneType, types.Omitted)) or axis is None:
        if keep:
            if mean:
                return lambda a, axis, keepdims: numpy.full(ones, a.mean())
            return lambda a, axis, keepdims: numpy.full(ones, a.sum())
        return (lambda a, axis, keepdims: a.mean()) if mean else (lambda a, axis, keepdims: a.sum())
    if not isinstance(axis, types.Integer):
        return None
    if a.ndim == 1:
        def vector(a, axis, keepdims):
            if axis != 0 and axis != -1:
                raise ValueError("axis is out of bounds for array of dimension 1")
            total = a.sum() / a.shape[0] if mean else a.sum()
            return numpy.full(1, total) if keep else total
        return vector

    def along(a, axis, keepdims):
        k = axis + a.ndim if axis < 0 else axis
        if k < 0 or k >= a.ndim:
            raise ValueError("axis is out of bounds")
        total = a.sum(axis=k)
        if mean:
            total = total / a.shape[k]
        return numpy.expand_dims(total, k) if keep else total
    return along


@overload(sum_over)
def _sum_over(a, axis, keepdims):
    return _reduction(a, axis, keepdims, mean=False)


@overload(mean_over)
def _mean_over(a, axis, keepdims):
    return _reduction(a, axis, keepdims, mean=True)


# the name numba code calls -> the stand-in
LOWERING = {"sum_over": sum_over, "mean_over": mean_over}
