"""Calls that change an argument in place whose value is used: bound (``r = numpy.put(y,
i, w)``), a part of an expression, a condition, a return or a comprehension. Each is
followed or refused exactly as the same call standing alone as a statement: a write
astgrad follows (``numpy.add.at``, ``numpy.fill_diagonal``, ``out=``, ``numpy.nan_to_num(y,
copy=False)``, a function of the user's writing into its argument, ``xs.extend``,
``d.setdefault``, ``numpy.put``, ``numpy.place``, ``numpy.putmask``, ``y.put``) gives the
derivative of the value after the write, in ``grad`` and ``jvp`` against central finite
differences; one it does not follow (``d.update``, the value of ``xs.append``) is refused
naming the file and the line, never a derivative of the array as it was before the call."""

import inspect
import os

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_jvp

X = np.array([0.6, 1.7, -0.9])
W = 1.3


def _bump(y, w):
    y[0] = w * y[1]
    return 2.0


def added_at_bound(x, w):
    y = x * x
    r = np.add.at(y, [0, 0], w)
    return np.sum(y * np.sin(x)) + (r is None)


def diagonal_in_expression(x, w):
    y = np.outer(x, x)
    t = 1.0 if np.fill_diagonal(y, w) is None else 0.0
    return np.sum(y * y) * t


def out_in_a_condition(x, w):
    y = x * 1.0
    if np.multiply(x, w, out=y)[0] > -10.0:
        s = np.sum(y * x)
    else:
        s = 0.0
    return s


def user_write_in_expression(x, w):
    y = x * 1.0
    return np.sum(y * x) * 0.0 + _bump(y, w) * np.sum(y * y)


def list_changes_bound(x, w):
    xs = [x[0]]
    r = xs.extend([w * x[1], x[2]])
    v = xs.insert(0, w) is None
    d = {"a": x[1]}
    b = d.setdefault("b", w * x[0])
    return xs[0] * xs[1] * xs[2] + xs[3] + d["b"] * b + (r is None) + v


def nan_replaced_in_place(x, w):
    y = np.log(x + 0.5) * w                             # nan where x < -0.5
    z = np.nan_to_num(y, copy=False, nan=w)             # z is y, written
    np.nan_to_num(y, False, posinf=2.0)                 # as a statement of its own
    return np.sum(z * x) + np.sum(y * y)


def put_bound(x, w):
    y = x * 1.0
    r = np.put(y, [0], w)
    return np.sum(y * x) + (r is None)


def place_in_expression(x, w):
    y = x * 1.0
    t = np.place(y, x > 1.0, w) is None
    return np.sum(y * x) + t


def putmask_in_a_condition(x, w):
    y = x * 1.0
    if np.putmask(y, x > 1.0, w) is None:
        y = y * 2.0
    return np.sum(y * x)


def put_method_returned(x, w):
    y = x * 1.0
    return np.sum(y * x) + (0.0 if y.put([0], w) is None else 1.0)


def put_in_a_comprehension(x, w):
    y = x * 1.0
    done = [np.put(y, [i], w) for i in range(2)]
    return np.sum(y * x) + len(done)


def put_in_a_lambda_and_a_loop_test(x, w):
    y = x * 1.0
    while np.put(y, [1], w * 2.0) is not None:
        pass
    k = (lambda: np.put(y, [0], w))()
    return np.sum(y * x) + (k is None)


FOLLOWED = [added_at_bound, diagonal_in_expression, out_in_a_condition, user_write_in_expression,
            list_changes_bound, nan_replaced_in_place, put_bound, place_in_expression, putmask_in_a_condition,
            put_method_returned, put_in_a_comprehension, put_in_a_lambda_and_a_loop_test]


@pytest.mark.filterwarnings("ignore:invalid value encountered in log")     # the nan nan_to_num replaces
@pytest.mark.parametrize("f", FOLLOWED, ids=[f.__name__ for f in FOLLOWED])
def test_a_followed_write_whose_value_is_used_gives_the_derivative_after_it(f):
    gx, gw = astgrad.grad(f, wrt=(0, 1))(X.copy(), W)
    assert_close(gx, numerical_grad(f, (X.copy(), W), wrt=0))
    assert_close(gw, numerical_grad(f, (X.copy(), W), wrt=1))
    tangents = (np.array([0.3, -0.5, 0.8]), 0.7)
    value, d = astgrad.jvp(f, (X.copy(), W), tangents)
    assert_close(value, f(X.copy(), W), 1e-12, 1e-12)
    assert_close(d, numerical_jvp(f, (X.copy(), W), tangents))


def update_bound(x, w):
    d = {"a": x[0]}
    r = d.update({"a": w})                              # refused here
    return d["a"] * x[1] + (r is None)


def append_bound(x, w):
    xs = [x[0]]
    r = xs.append(w)                                    # refused here
    return xs[0] * xs[1] + (r is None)


REFUSED = [
    (update_bound, r"\.update\(\) changes 'd'"),
    (append_bound, r"value of \.append\(\) \(None\) used"),
]


@pytest.mark.parametrize("f, message", REFUSED, ids=[f.__name__ for f, _ in REFUSED])
def test_an_unfollowed_write_whose_value_is_used_is_refused_at_its_line(f, message):
    lines, first = inspect.getsourcelines(f)
    line = first + next(k for k, text in enumerate(lines) if "# refused here" in text)
    where = f"{os.path.basename(__file__)}:{line}"
    for transform in (lambda: astgrad.grad(f, wrt=(0, 1))(X.copy(), W),
                      lambda: astgrad.jvp(f, (X.copy(), W), (np.ones(3), 1.0))):
        with pytest.raises(astgrad.TransformError, match=message) as error:
            transform()
        assert where in str(error.value)
