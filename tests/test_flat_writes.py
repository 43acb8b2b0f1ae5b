"""NumPy's writes into chosen elements of an array seen flat: ``numpy.put`` (repeated
indices, the last write winning; out-of-range indices with mode 'wrap' and 'clip'),
``y.put``, ``numpy.place`` (its values cycled) and ``numpy.putmask`` (its values cycled
by flat position), on an array the function made, on an argument and on a view. Each
program is checked in ``grad`` and ``jvp`` (its value against what NumPy itself computes)
and in ``hessian`` against central finite differences in float64, every call leaving the
caller's array as it was. What cannot be
followed is refused: a write into an attribute's array, into a fancy index's copy,
``numpy.place`` given values sharing the array's memory (NumPy reads them as it writes),
and NumPy's own errors (an index out of range with mode 'raise', nothing to place)."""

import numpy as np
import pytest

import astgrad
from breadth_modes import check_grad_and_jvp_on_a_copy, check_hessian_on_a_copy

X4 = np.array([0.3, -0.5, 0.8, 1.2])


def flat_writes(x, w):
    y = np.full((2, 3), 0.1)
    np.put(y, [0, 4, -2, 0], x[:3] * w)             # 0 twice: x[0] * w then, cycled, x[0] * w again
    y.put([7, -8], [w, x[1]], mode="wrap")         # 7 -> 1, -8 -> 4
    y.put([9, -3], x[2:] * x[0], mode="clip")       # 9 -> 5, -3 -> 0
    z = x * w
    np.place(z, z > 0.0, [x[3], w * w])            # cycled over the three positives
    np.put(z, [1, 2], z[0:2])                       # values sharing z's memory: NumPy reads them first
    np.putmask(y, y > 0.5, x[1::2])                 # by flat position: x[1] at even, x[3] at odd ones
    np.put(x, [1, 3], [w * x[2]])                   # the argument: one value cycled
    np.put(x[2:], [-1], x[0] * x[1])                 # a view of the argument: x[3]
    np.put(y[1:], [2], x[0] - w)                    # a view: y[1, 2]
    return np.sum(y * y * x[1]) + np.sum(z * z * w) + np.sum(x * x)


def second_order(x, w):
    y = np.full(5, 0.2)
    np.put(y, [1, 3, 1], x[:3] * w)
    np.place(x, x > 0.5, [w * x[0]])
    np.putmask(y[::2], [True, False, True], x[1:3] * x[3])
    return np.sum(y * y * x[0]) + np.sum(x * x * w)


def test_followed_in_grad_and_jvp_against_finite_differences():
    check_grad_and_jvp_on_a_copy(flat_writes, X4, 1.3, flat_writes(X4.copy(), 1.3))


def test_followed_to_second_order():
    check_hessian_on_a_copy(second_order, X4, 1.3)


class _Holder:
    def __init__(self, w):
        self.W = np.zeros(3) + w


def into_an_attribute(x):
    p = _Holder(x[0])
    np.put(p.W, [0], x[1])
    return np.sum(p.W)


def into_a_fancy_copy(x):
    y = x * 2.0
    np.put(y[[0, 2]], [0], x[1])       # NumPy writes into a copy y never sees
    return np.sum(y)


def out_of_range(x):
    y = x * 2.0
    np.put(y, [7], x[1])
    return np.sum(y)


def nothing_to_place(x):
    y = x * 2.0
    np.place(y, y > 0.0, [])
    return np.sum(y)


def placed_from_itself(x):
    y = x * 1.0
    np.place(y[1:], [True, True, True], y[:3])     # NumPy places one by one, reading what it replaced
    return np.sum(y)


def test_what_cannot_be_followed_is_refused():
    with pytest.raises(astgrad.TransformError, match=r"numpy.put into p.W, which is not a name"):
        astgrad.grad(into_an_attribute)(X4.copy())
    with pytest.raises(TypeError, match="a copy of the array it was read from"):
        astgrad.grad(into_a_fancy_copy)(X4.copy())
    with pytest.raises(IndexError, match="index 7 is out of bounds"):
        astgrad.grad(out_of_range)(X4.copy())
    with pytest.raises(ValueError, match="Cannot insert from an empty array"):
        astgrad.jvp(nothing_to_place, (X4.copy(),), (X4.copy(),))
    with pytest.raises(ValueError, match=r"test_flat_writes.py:\d+: numpy.place is given values that share"):
        astgrad.grad(placed_from_itself)(X4.copy())
