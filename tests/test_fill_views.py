"""``.fill(v)`` on a slice or an index of an array (``y[2:].fill(v)``, ``y[0].fill(v)`` of a
2-D ``y``, ``y[:, 1].fill(v)``, also on an argument): NumPy's view, so the element write
``y[i] = v``, checked against central differences in every mode, the caller's arrays left
as they were; and where the receiver is no view (one number, an index array's copy), whose
``fill`` changes nothing in ``y``, refused when the code runs, naming the line."""

import numpy as np
import pytest

import astgrad
from breadth_modes import check

MODES = ("grad", "value_and_grad", "vjp", "jvp", "hessian", "jvp_of_grad", "jacobian_of_grad")


def tail_filled(x, w):
    y = x * 1.0
    y[2:].fill(w)
    return np.sum(y ** 2 * x)


def row_filled(A, w):
    y = np.sin(A)
    y[0].fill(w * 2.0)
    return np.sum(y ** 3 * A)


def column_filled(A, w):
    y = A * A
    y[:, 1].fill(np.sum(A) * w)
    return np.sum(np.cos(y) * A)


def argument_filled(A, w):
    A[..., 1:].fill(w ** 2)
    return np.sum(A ** 3) * w


def filled_in_a_loop(A, w):
    y = A * 1.0
    for k in range(y.shape[0]):
        if k % 2:
            y[k].fill(w * k)
    return np.sum(y * np.tanh(y))


CASES = [
    (tail_filled, np.array([0.7, -1.3, 0.4, 2.1, -0.6])),
    (tail_filled, np.linspace(-1.0, 1.5, 7)),
    (row_filled, np.arange(6.0).reshape(2, 3) / 5 - 0.3),
    (row_filled, np.linspace(-1.0, 1.0, 12).reshape(3, 2, 2)),
    (column_filled, np.arange(12.0).reshape(4, 3) / 7 - 0.5),
    (argument_filled, np.linspace(-1.0, 1.0, 6).reshape(2, 3)),
    (argument_filled, np.linspace(-1.0, 1.0, 3)),
    (filled_in_a_loop, np.linspace(-1.0, 1.0, 12).reshape(4, 3)),
]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("f, x", CASES, ids=lambda v: getattr(v, "__name__", str(np.shape(v))))
def test_fill_on_a_view_is_the_element_write(mode, f, x):
    check(mode, f, (x, 0.8), (0, 1))


def scalar_filled(x, w):
    y = x * 1.0
    y[0].fill(w)
    return np.sum(y ** 2)


def copy_filled(x, w):
    y = x * 1.0
    y[[0, 2]].fill(w)
    return np.sum(y ** 2)


@pytest.mark.parametrize("f, what", [(scalar_filled, "one number"), (copy_filled, "a copy made by an index array")])
def test_fill_on_what_is_no_view_is_refused_naming_the_line(f, what):
    line = f.__code__.co_firstlineno + 2
    with pytest.raises(astgrad.TransformError, match=rf"test_fill_views\.py:{line}: .*fill\(\) on y\[.*{what}"):
        astgrad.grad(f, wrt=1)(np.linspace(-1.0, 1.0, 4), 0.8)


def list_item_filled(x, w):
    xs = [x * 1.0]
    xs[0].fill(w)
    return np.sum(xs[0])


def test_fill_on_an_item_of_a_list_is_refused_naming_the_list():
    line = list_item_filled.__code__.co_firstlineno + 2
    with pytest.raises(astgrad.TransformError, match=rf"test_fill_views\.py:{line}: .*fill\(\) on xs\[0\]: .*xs is a list"):
        astgrad.grad(list_item_filled, wrt=1)(np.linspace(-1.0, 1.0, 4), 0.8)
