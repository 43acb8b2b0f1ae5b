"""A method writing into elements of an array its object holds (``self.data[k] *= c``,
``self.data[k] += c``), called on an object the function builds: followed as
``self.data[k] = self.data[k] * c`` is, where the attribute only ever holds a new array
(``self.data = data.copy()``, or ``self.data = data`` handed an array made in the
call), checked against central differences in every mode; and refused, saying to store a
copy, where the attribute holds an array another name may hold (a view handed in)."""

import numpy as np
import pytest

import astgrad
from breadth_modes import check

MODES = ("grad", "value_and_grad", "vjp", "jvp", "hessian", "jvp_of_grad", "jacobian_of_grad")


class Buffer:
    def __init__(self, data):
        self.data = data.copy()

    def scale_row(self, k, c):
        self.data[k] *= c

    def shift_row(self, k, c):
        self.data[k] += c * self.data[0]


class SharedBuffer:
    def __init__(self, data):
        self.data = data

    def scale_row(self, k, c):
        self.data[k] *= c


def rows_scaled(A, w):
    b = Buffer(np.sin(A))
    b.scale_row(1, w)
    b.scale_row(-1, w ** 2)
    b.shift_row(1, A[0] * w)
    return np.sum(b.data ** 2 * A)


def rows_scaled_in_a_loop(A, w):
    b = Buffer(A * 1.0)
    for k in range(1, A.shape[0]):
        b.scale_row(k, w * k)
    return np.sum(np.tanh(b.data))


CASES = [
    (rows_scaled, np.linspace(-1.0, 1.0, 9).reshape(3, 3)),
    (rows_scaled, np.linspace(-1.0, 1.2, 12).reshape(2, 3, 2)),
    (rows_scaled_in_a_loop, np.linspace(-1.0, 1.0, 8).reshape(4, 2)),
]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("f, x", CASES, ids=lambda v: getattr(v, "__name__", str(np.shape(v))))
def test_element_write_in_a_method_is_followed(mode, f, x):
    check(mode, f, (x, 0.8), (0, 1))


def rows_scaled_in_place_of_the_given(A, w):
    b = SharedBuffer(A * 1.0)       # an array made in the call, which nothing else holds
    b.scale_row(1, w)
    return np.sum(b.data ** 2)


@pytest.mark.parametrize("mode", MODES)
def test_element_write_into_an_array_made_in_the_call_is_followed(mode):
    # refused before: the array handed in is new, so the attribute alone holds it
    check(mode, rows_scaled_in_place_of_the_given, (np.linspace(-1.0, 1.0, 6).reshape(2, 3), 0.8), (0, 1))


def rows_scaled_in_place_of_a_view(A, w):
    b = SharedBuffer(A[1:])         # a view of A, which Python's write changes too
    b.scale_row(0, w)
    return np.sum(b.data ** 2) + np.sum(A)


def test_element_write_into_the_array_handed_in_is_refused_saying_to_copy():
    line = rows_scaled_in_place_of_a_view.__code__.co_firstlineno + 2
    with pytest.raises(astgrad.TransformError,
                       match=rf"test_method_element_writes\.py:{line}: the call of SharedBuffer\.scale_row .*"
                             r"self\.data\[k\] \*= c.*store a copy of it there \(self\.data = data\.copy\(\)"):
        astgrad.grad(rows_scaled_in_place_of_a_view, wrt=1)(np.linspace(-1.0, 1.0, 6).reshape(2, 3), 0.8)


def rows_scaled_of_the_given(b, w):
    b.scale_row(1, w)
    return np.sum(b.data ** 2)


def test_element_write_into_a_given_object_is_refused_without_the_copy_advice():
    line = rows_scaled_of_the_given.__code__.co_firstlineno + 1
    with pytest.raises(astgrad.TransformError,
                       match=rf"test_method_element_writes\.py:{line}: the call of Buffer\.scale_row ") as error:
        astgrad.grad(rows_scaled_of_the_given, wrt=1)(Buffer(np.ones((2, 3))), 0.8)
    assert "data.copy()" not in str(error.value)      # the object is the caller's: no __init__ here to change
