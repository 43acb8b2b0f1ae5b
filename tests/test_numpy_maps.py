"""NumPy calls that map a user's function over an array, followed as NumPy defines them
(frontend/normalize/numpy_maps.py): ``np.apply_along_axis`` (the function on each 1-d
slice along the axis, its results put where the axis was) and ``np.vectorize`` (the
function on each element of its broadcast arguments). Each program: its value as NumPy
computes it (shape and dtype), its gradient against finite differences, forward against
reverse mode, and second order; then what stays refused, and NumPy's errors."""

import math
import re

import numpy as np
import pytest

import astgrad
from gradient_checks import check_both_modes_and_second_order

RNG = np.random.default_rng(56)


class stack:        # globals named like what the lowering calls (numpy.stack, numpy.reshape)
    def __init__(self, items):
        self.items = items


reshape = np.ones(3)


def outer_head(r, w, p=1.0):
    return np.outer(r, r[:2]) * w + p


def piece(v):
    return math.sin(v) * v if v > 0.2 else v * v - 0.5 * v


@np.vectorize
def damped(v):
    return math.exp(-v) * v


W4 = np.linspace(0.5, 1.5, 24).reshape(2, 3, 2, 2)     # weights by position: a misplaced axis shows
W2 = np.linspace(-1.0, 2.0, 6).reshape(2, 3)


def along_axes(x):
    a = x.reshape(2, 3, 2)
    # array results: new axes where axis 1 was; a local def given *args and **kwargs
    heads = np.apply_along_axis(outer_head, 1, a, 0.5, p=2.0)
    # scalar results of a lambda reading x: the (negative) axis dropped
    sums = np.apply_along_axis(lambda r: np.sum(r ** 3) * x[0], -1, a)
    # 1-d input, a NumPy function giving a 0-d result
    norm = np.apply_along_axis(np.linalg.norm, 0, x[:4])
    return np.sum(np.sin(heads) * W4) + np.sum(sums * W2) * norm


def vectorized(x):
    a = x[:6].reshape(2, 3)
    # broadcast arguments, a branch inside the lambda
    pairs = np.vectorize(lambda u, v: u * v if u > v else math.sin(u) + v)(a, a[:1] * 0.7)
    # bound once to a name and called twice (an array, then a 0-d value), otypes given
    vf = np.vectorize(piece, otypes=[float])
    pieces = vf(x[:3]) * vf(x[1])
    # a module-level function decorated with np.vectorize
    return np.sum(np.sin(pairs) * W2) + np.sum(pieces * W2[0]) + np.sum(damped(a.T) * W2.T)


@pytest.mark.parametrize("program", [along_axes, vectorized], ids=lambda f: f.__name__)
def test_mapped_functions_are_followed_in_every_mode(program):
    check_both_modes_and_second_order(program, RNG.uniform(-1.0, 1.0, 12))


def fit_row(r):
    if r[0] > 0:
        return r[:2] * r[3]             # the first row's result: shape (2,)
    if r[1] > 0:
        return np.sum(r ** 2)           # a number, broadcast to (2,)
    return np.sin(r[None, :1])          # shape (1, 1): its leading axis dropped, then broadcast


def results_of_other_shapes(x):
    a = x.reshape(3, 4)
    # NumPy stores each result into the first one's shape (a buffer[i] = result)
    fitted = np.apply_along_axis(fit_row, 1, a)
    # the first result a number, later ones of shape (1,)
    numbers = np.apply_along_axis(lambda r: np.sum(r * r) if r[0] > 0 else r[:1] * r[1], 1, a)
    return np.sum(np.sin(fitted) * W2.T) + np.sum(numbers * W2[1])


def test_later_results_are_broadcast_to_the_first_results_shape_as_in_numpy():
    signs = np.array([1, 1, -1, 1, -1, 1, 1, 1, -1, -1, 1, 1])     # rows taking each branch
    x = signs * RNG.uniform(0.3, 1.0, 12)
    a = x.reshape(3, 4)
    assert np.apply_along_axis(fit_row, 1, a).shape == (3, 2)
    check_both_modes_and_second_order(results_of_other_shapes, x)


# the first result is an int: NumPy makes the result an int array (later results truncated)
def first_result_int(x):
    a = x.reshape(3, 2)
    rows = np.apply_along_axis(lambda r: 0 if r[0] < 0 else np.sum(r * r), 1, a)
    items = np.vectorize(lambda v: 0 if v < 0 else v * 1.5)(x)
    return np.sum(rows * a[:, 0]) + np.sum(items * x)


def test_results_take_the_first_results_dtype_as_in_numpy():
    x = np.array([-1.0, 2.0, 0.5, 0.25, 1.5, 0.75])
    value, gradient = astgrad.value_and_grad(first_result_int)(x)
    assert value == first_result_int(x) == 12.75     # 15.0625 with float results
    assert np.array_equal(gradient, [0.0, 3.0, 0.0, 0.0, 2.0 + 2.0, 1.0])


def vectorized_pairs(x):
    return np.vectorize(lambda v: (v, 2 * v))(x)[0]


def vectorized_with_excluded(x):
    return np.vectorize(lambda v, w: v * w, excluded={1})(x, 2.0)


def vectorizer_passed_on(x):
    vf = np.vectorize(piece)
    return np.sum(_call(vf, x))


def _call(f, x):
    return f(x)


def pyfunc_made(x):
    return np.frompyfunc(piece, 1, 1)(x)


@pytest.mark.parametrize("program, words", [
    (vectorized_with_excluded, ["numpy.vectorize used this way", "signature=", "np.array([f(v) for v in x])"]),
    (vectorizer_passed_on, ["numpy.vectorize used this way", "bound once to a name that is only called"]),
    (pyfunc_made, ["numpy.frompyfunc", "dtype object", "np.vectorize(fn)"]),
])
def test_other_forms_are_refused_saying_what_to_write(program, words):
    with pytest.raises(astgrad.TransformError) as info:
        astgrad.grad(lambda x: np.sum(program(x)))(np.ones(3))
    message = str(info.value)
    assert "test_numpy_maps.py:" in message and all(word in message for word in words), message


def empty_vectorized(x):
    return np.vectorize(piece)(x[:0])


def empty_rows(x):
    return np.apply_along_axis(np.sum, 1, x.reshape(3, 1)[:0])


def results_that_do_not_fit(x):
    rows = x.reshape(3, 1) * [1.0, 2.0] + [[0.0], [1.0], [2.0]]
    return np.apply_along_axis(lambda r: r[:1] if r[0] < 1.5 else r, 1, rows)     # (2,) into (1,)


@pytest.mark.parametrize("program", [empty_vectorized, empty_rows, results_that_do_not_fit],
                         ids=lambda f: f.__name__)
def test_numpy_errors_are_numpys(program):
    x = np.ones(3)
    with pytest.raises(ValueError) as numpy_error:
        program(x)
    with pytest.raises(type(numpy_error.value), match=re.escape(str(numpy_error.value))):
        astgrad.grad(lambda y: np.sum(program(y)))(x)


def test_several_results_are_refused_when_the_code_runs():
    with pytest.raises(ValueError, match="returning one value; this one returned 2"):
        astgrad.grad(lambda y: np.sum(vectorized_pairs(y)))(np.ones(3))
