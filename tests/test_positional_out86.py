"""A NumPy function's ``out`` given by position (``np.cumsum(y, 0, None, y)``,
``np.clip(y, lo, hi, y)``, ``np.round(y, 1, y)``), as ufuncs take theirs
(``np.multiply(y, c, y)``): the call writes into that array as ``out=y`` does, into a
local array or into an argument, checked in every mode against central differences of
what Python computes, at two sizes. An array's method given its out by position
(``y.cumsum(0, None, y)``) is refused, advising the keyword; a method of the user's
writing so into its object's array is refused at the call, naming the line it writes on."""

import numpy as np
import pytest

import astgrad
from test_objects74 import check_every_mode, check_jvp_of_grad   # against central differences


def cumsum_local(w):
    buf = w * 1.0
    np.cumsum(buf, 0, None, buf)
    return np.sum(buf * w)


def cumsum_argument(w):
    np.cumsum(w, 0, None, w)            # into the caller's array, as Python writes it
    return np.sum(w * w)


def clip_local(w):
    buf = w * 1.0
    np.clip(buf, 0.0, 1.0, buf)
    return np.sum(buf * w)


def round_local(w):
    buf = np.sin(w) * 1.0
    np.round(buf, 1, buf)
    return np.sum(buf * w)


def result_used_too(w):
    buf = w ** 2
    r = np.cumsum(buf, 0, None, buf)    # r is buf
    return np.sum(r * w) + buf[0]


def ufunc_local(w):
    buf = w * 1.0
    np.multiply(buf, w[0], buf)
    return np.sum(buf * w)


FOLLOWED = [cumsum_local, cumsum_argument, clip_local, round_local, result_used_too, ufunc_local]


@pytest.mark.parametrize("f", FOLLOWED, ids=lambda f: f.__name__)
@pytest.mark.parametrize("n", [3, 5])
def test_followed_in_every_mode(f, n):
    check_every_mode(f, n, 186 + n)


@pytest.mark.parametrize("f", FOLLOWED, ids=lambda f: f.__name__)
def test_followed_jvp_of_grad(f):
    check_jvp_of_grad(f, 186)


def array_method(w):
    buf = w * 1.0
    buf.cumsum(0, None, buf)
    return np.sum(buf * w)


def test_an_array_method_given_its_out_by_position_is_refused_in_words():
    with pytest.raises(astgrad.TransformError) as caught:
        astgrad.grad(array_method)(np.array([0.5, 1.5, 2.0]))
    assert caught.value.filename.endswith("test_positional_out86.py")
    assert caught.value.line.strip() == "buf.cumsum(0, None, buf)"
    assert ".cumsum(..., out=y)" in str(caught.value)


class Acc:
    def __init__(self, data):
        self.data = data

    def acc(self):
        np.cumsum(self.data, 0, None, self.data)     # into the array the object was handed


def object_method(w):
    buf = w * 1.0
    a = Acc(buf)
    a.acc()
    return np.sum(buf * w)


def test_a_method_writing_into_its_objects_array_by_position_is_refused_at_the_call():
    with pytest.raises(astgrad.TransformError) as caught:
        astgrad.grad(object_method)(np.array([0.5, 1.5, 2.0]))
    assert caught.value.line.strip() == "a.acc()"
    assert "Acc.acc changes the object it is called on in place" in str(caught.value)
    assert "np.cumsum(self.data, 0, None, self.data)" in str(caught.value)
