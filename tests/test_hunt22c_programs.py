"""The twenty-second hunt (third part), at the API surface: what each transform answers
when it is given what it cannot differentiate, checked by its message, and that the
next call works."""

import dataclasses

import numpy as np
import pytest

import astgrad
from fd import assert_close


def squares(v):
    return np.sum(v ** 2)


def first_squares(items):
    return np.sum(items[0] ** 2)


@dataclasses.dataclass
class Weights:
    w: np.ndarray
    b: float


def weighted(p, x):
    return np.sum(p.w * x) + p.b ** 2


OBJECTS = np.array([1.0, 2.0], dtype=object)
X2 = np.array([0.5, 0.25])

# an array of dtype object holding numbers, differentiated: its gradient was None (read
# as a zero gradient), by grad's quick path, value_and_grad, vjp, hvp and inside containers
OBJECT_ARRAYS = [
    ("grad", lambda: astgrad.grad(squares)(OBJECTS), r"grad: argument 'v' is a NumPy array of dtype object"),
    ("grad of ints", lambda: astgrad.grad(squares)(np.array([1, 2], dtype=object)), r"argument 'v' is a NumPy"),
    ("grad wrt two", lambda: astgrad.grad(lambda v, y: squares(v) * y, (0, 1))(OBJECTS, 2.0),
     r"grad: argument 'v' is a NumPy array of dtype object"),
    ("value_and_grad", lambda: astgrad.value_and_grad(squares)(OBJECTS), r"value_and_grad: argument 'v'"),
    ("vjp", lambda: astgrad.vjp(squares, OBJECTS)[1](1.0), r"vjp: argument 'v' is a NumPy array"),
    ("hvp", lambda: astgrad.hvp(squares)(OBJECTS, np.ones(2)), r"hvp: argument 'v' is a NumPy array"),
    ("hessian", lambda: astgrad.hessian(squares)(OBJECTS), r"hessian: argument 'v' is a NumPy array"),
    ("jacobian", lambda: astgrad.jacobian(lambda v: v ** 2)(OBJECTS), r"jacobian: argument 'v' is a NumPy"),
    ("in a list", lambda: astgrad.grad(first_squares)([OBJECTS]),
     r"argument 'items' \(at items\[0\]\) is a NumPy array of dtype object.*Pass items\[0\]\.astype\(float\)"),
    ("in a list, hvp", lambda: astgrad.hvp(first_squares)([OBJECTS], [np.ones(2)]), r"\(at items\[0\]\)"),
    ("in a dataclass", lambda: astgrad.grad(weighted)(Weights(OBJECTS, 3.0), X2),
     r"argument 'p' \(at p\.w\) is a NumPy array of dtype object.*Pass p\.w\.astype\(float\)"),
]


@pytest.mark.parametrize("name, call, says", OBJECT_ARRAYS, ids=[case[0] for case in OBJECT_ARRAYS])
def test_an_object_array_differentiated_is_refused_not_answered_none(name, call, says):
    with pytest.raises(TypeError, match=says) as refused:
        call()
    assert "does not answer None" in str(refused.value)
    assert_close(astgrad.grad(squares)(OBJECTS.astype(float)), 2.0 * OBJECTS.astype(float))   # the next call


def test_an_object_array_held_constant_and_a_string_array_still_work():
    assert_close(astgrad.grad(lambda v, y: squares(v) * y, 1)(OBJECTS, 2.0), 5.0)
    assert astgrad.grad(lambda s, y: y ** 2)(np.array(["a"]), 2.0) is None      # strings get None
