"""backend="numba" on the constructs lowered for numba (reductions along an axis, in-place
operators, views, temporaries a loop overwrites), against the Python backend and finite
differences; and the refusals, which name the construct and the user's line. numba
compiles take about a second each: few functions, each compiled once."""

import inspect

import numpy as np
import pytest

import astgrad
from fd import numerical_grad

numba = pytest.importorskip("numba")
from astgrad.backend.numba_backend import BackendError  # noqa: E402


def reductions_views_and_in_place(x, y, n):
    v = np.sum(x, axis=-1, keepdims=True) * y
    u = x * np.mean(y, axis=0)
    u += v
    return np.sum(u[:, ::-1] * x) * n


def overwritten_after_a_loop(x0, x1, n):
    v0 = np.mean(x0, axis=0, keepdims=True)
    for i1 in range(n):
        v0 = np.tanh(np.sum(x0)) + v0 * 0.5 + 0.1 * i1
    v0 = x0
    v0 = np.exp(-x0 * x0) + v0
    return np.sum(v0) + np.sum(x0)


@pytest.mark.parametrize("fn, shapes", [(reductions_views_and_in_place, ((2, 3), (2, 3))),
                                        (overwritten_after_a_loop, ((3,), (1,)))])
def test_lowered_constructs_match_python_and_fd(fn, shapes):
    rng = np.random.default_rng(3)
    x, y = (rng.uniform(-1, 1, size=s) for s in shapes)
    g = astgrad.grad(fn, (0, 1), backend="numba")
    compiled = []
    for n in (1, 3):
        got = g(x, y, n)
        compiled.append(g._current().numba_dispatcher)
        expected = astgrad.grad(fn, (0, 1))(x, y, n)     # rules of what numba imported: none left to register
        for a, b, c in zip(got, expected, numerical_grad(fn, (x, y, n), (0, 1))):
            np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14)
            np.testing.assert_allclose(a, c, rtol=1e-6, atol=1e-8)
    assert compiled[0] is compiled[1] and len(compiled[0].signatures) == 1      # compiled once, ran compiled


def _line(fn, text):
    lines, first = inspect.getsourcelines(fn)
    return first + next(i for i, line in enumerate(lines) if text in line)


def a_function_numba_lacks(x, y):
    c = np.polyval(np.array([1.0, 2.0]), 0.5)
    return np.sum(x * y * c)


def a_tuple_axis(x, y):
    s = np.sum(x * y, axis=(0, 1))
    return s


def changes_dtype(x, y, n):
    v = x * np.float32(2.0)
    for i in range(n):
        v = v + 0.1 * y
    return np.sum(v)


def a_helper_numba_lacks(x, y):
    a = np.maximum(x, 0.0) * y
    return np.sum(a)


REFUSED = [
    (a_function_numba_lacks, "np.polyval", "np.polyval is not supported by the numba backend",
     "np.polyval("),
    (a_tuple_axis, "np.sum", "np.sum(array(float64, 2d, C), Tuple(0, 1), False) is not supported",
     "axis=(0, 1)"),
    (changes_dtype, "a value changing type", "`v` is array(float32, 2d, C) in one place and "
     "array(float64, 2d, C) in another", "v = "),
    (a_helper_numba_lacks, "select_weight", "calls astgrad's helper 'select_weight'", "np.maximum"),
]


@pytest.mark.parametrize("fn, construct, message, line", REFUSED, ids=[r[0].__name__ for r in REFUSED])
def test_refusals_name_the_construct_and_the_line(fn, construct, message, line):
    x = np.ones((2, 3), np.float32 if fn is changes_dtype else np.float64)
    y = np.full((2, 3), 0.5)
    args = (x, y, 2) if fn is changes_dtype else (x, y)
    with pytest.raises(BackendError) as info:
        astgrad.grad(fn, (0, 1), backend="numba")(*args)
    error = info.value
    assert error.construct == construct
    assert message in str(error) and "use backend='auto' to run it as Python" in str(error)
    assert error.filename == __file__ and error.lineno == _line(fn, line), (error.lineno, str(error))
    assert line in error.line
    auto = astgrad.grad(fn, (0, 1), backend="auto")(*args)
    for a, b in zip(auto, astgrad.grad(fn, (0, 1))(*args)):
        np.testing.assert_array_equal(a, b)
