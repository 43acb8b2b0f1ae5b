"""Writes through views that were refused, followed now: a view of a view expression
(``t = numpy.swapaxes(y.T, 0, 1); t[0] = w``, ``t = y[1:][:2]``, ``y.T[1:]``), written
through or read after a write into the array, to second order. Each in grad,
value_and_grad, vjp (a random cotangent), jvp and hessian against central differences, on
several shapes, the caller's arrays unchanged; and their neighbours refused in words."""

import numpy as np
import pytest

import astgrad
from breadth_modes import check

MODES = ("grad", "value_and_grad", "vjp", "jvp", "hessian")


def swapaxes_of_the_transpose(A, w):
    y = A * 1.0
    t = np.swapaxes(y.T, 0, 1)
    t[0] = w
    t[1] = w * t[-1]
    return np.sum(y ** 2 * A)


def slice_of_a_slice(x, w):
    y = np.sin(x)
    t = y[1:][:2]
    t *= w
    return np.sum(y ** 3 * x) + np.sum(t * x[1:3])


def slice_of_the_transpose_read_after(A, w):
    y = A * 1.0
    t = y.T[1:]
    y[..., 0] = w * y[..., -1]           # a write into the array itself, shown by t
    return np.sum(t ** 2 * A.T[1:]) + np.sum(y * A)


def method_of_a_slice(A, w):
    y = A * 2.0
    t = y[:, 1:].swapaxes(0, 1)
    t[-1] = t[0] * w
    return np.sum(y * np.cos(A)) + np.sum(t ** 2)


CASES = [
    (swapaxes_of_the_transpose, np.linspace(-1.0, 1.0, 24).reshape(2, 3, 4)),
    (swapaxes_of_the_transpose, np.linspace(-0.7, 1.3, 18).reshape(3, 2, 3)),
    (slice_of_a_slice, np.array([0.7, -1.3, 0.4, 2.1, -0.6])),
    (slice_of_a_slice, np.linspace(-1.0, 1.5, 12).reshape(4, 3)),
    (slice_of_the_transpose_read_after, np.linspace(-1.0, 1.0, 12).reshape(3, 4)),
    (slice_of_the_transpose_read_after, np.linspace(-1.0, 1.0, 24).reshape(2, 3, 4)),
    (method_of_a_slice, np.linspace(-1.0, 1.0, 12).reshape(3, 4)),
    (method_of_a_slice, np.linspace(-0.5, 1.0, 8).reshape(2, 4)),
]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("f, x", CASES, ids=lambda v: getattr(v, "__name__", str(np.shape(v))))
def test_a_view_of_a_view_expression_is_followed(mode, f, x):
    check(mode, f, (x, 0.8), (0, 1))


def _set_two(xs, v):
    xs[1:3] = [v, v * v]


def list_argument_slice_written_by_a_helper(xs, w):
    _set_two(xs, w)
    return xs[0] * xs[1] + xs[2] * xs[3] * w


def array_list_argument_slice_written_by_a_helper(xs, w):
    _set_two(xs, np.sin(xs[0]) * w)
    return np.sum(xs[1] * xs[2]) + np.sum(xs[3] ** 2 * xs[1])


LISTS = [
    (list_argument_slice_written_by_a_helper, [0.3, -0.5, 0.8, 1.2], (1,)),
    (array_list_argument_slice_written_by_a_helper, [np.linspace(-1.0, 1.0, 3), np.ones(3), np.ones(3),
                                                     np.array([0.5, -0.2, 1.1])], (1,)),
]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("f, xs, wrt", LISTS, ids=lambda v: getattr(v, "__name__", ""))
def test_a_helper_writing_a_slice_of_the_list_it_is_handed(mode, f, xs, wrt):
    # it raised when the code ran (the helper was read as keeping a memo table in a dict)
    check(mode, f, (xs, 0.8), wrt)


def test_the_callers_list_is_unchanged_by_the_derivative():
    xs = [0.3, -0.5, 0.8, 1.2]
    astgrad.grad(list_argument_slice_written_by_a_helper, wrt=1)(xs, 0.8)
    astgrad.hessian(list_argument_slice_written_by_a_helper, wrt=1)(xs, 0.8)
    assert xs == [0.3, -0.5, 0.8, 1.2]
