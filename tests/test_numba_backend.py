"""backend="numba": the generated code compiled by numba gives the Python code's
gradients; what numba cannot compile is refused (backend="numba") or runs as Python
(backend="auto"). Few, small functions: each compilation costs about a second."""

import math

import numpy as np
import pytest

import astgrad
from astgrad.backend import numba_backend
from fd import numerical_grad

numba = pytest.importorskip("numba")


def scalar_loop(x, n):
    s = 0.0
    for i in range(n):
        s = s + math.sin(x * i) * x / (1 + i)
    return s


def elementwise(x):
    return np.mean(np.sin(x) ** 2 * np.exp(-x) + np.sign(x) * x * x)   # sign: a zero derivative helper


def with_maximum(x):
    return np.sum(np.maximum(x, 0.0) * x)


def test_scalar_loop_compiled_matches_python_and_fd():
    g = astgrad.grad(scalar_loop, backend="numba")
    for n in (0, 1, 30):
        expected = astgrad.grad(scalar_loop)(0.7, n)
        assert g(0.7, n) == pytest.approx(expected, rel=1e-12, abs=1e-15)
        assert g(0.7, n) == pytest.approx(numerical_grad(scalar_loop, (0.7, n)), rel=1e-6, abs=1e-9)
    value, grad = astgrad.value_and_grad(scalar_loop, backend="numba")(0.3, 10)
    assert value == pytest.approx(scalar_loop(0.3, 10), rel=1e-14)
    assert grad == pytest.approx(astgrad.grad(scalar_loop)(0.3, 10), rel=1e-12)
    assert g.source == astgrad.grad(scalar_loop).source      # the same readable Python
    runner = g._current()
    assert isinstance(runner.numba_dispatcher, numba.core.registry.CPUDispatcher)
    assert runner.numba_dispatcher.signatures                # it really ran compiled


def test_array_code_compiled_matches_python_and_fd():
    x = np.random.default_rng(0).normal(size=7)
    got = astgrad.grad(elementwise, backend="numba")(x)
    np.testing.assert_allclose(got, astgrad.grad(elementwise)(x), rtol=1e-12)
    np.testing.assert_allclose(got, numerical_grad(elementwise, (x,)), rtol=1e-6, atol=1e-9)
    auto = astgrad.grad(elementwise, backend="auto")        # the lenient runner: the same compiled code
    np.testing.assert_array_equal(auto(x), got)
    dispatcher = astgrad.grad(elementwise, backend="numba")._current().numba_dispatcher
    assert auto._current().numba_dispatcher is dispatcher and len(dispatcher.signatures) == 1


def test_a_helper_numba_lacks_is_refused_or_falls_back():
    x = np.array([-1.0, 0.5, 2.0])
    with pytest.raises(numba_backend.BackendError) as info:
        astgrad.grad(with_maximum, backend="numba")(x)
    assert isinstance(info.value, astgrad.TransformError)
    assert info.value.construct == "select_weight" and "backend='auto'" in str(info.value)
    np.testing.assert_allclose(astgrad.grad(with_maximum, backend="auto")(x),
                               astgrad.grad(with_maximum)(x))


def test_types_numba_cannot_compile_are_refused_or_fall_back():
    def of_a_list(xs, n):
        s = 0.0
        for i in range(n):
            s = s + xs[i] * xs[i]
        return s
    with pytest.raises(numba_backend.BackendError, match="numba"):
        astgrad.grad(of_a_list, backend="numba")([1.0, "a"], 1)
    assert astgrad.grad(of_a_list, backend="auto")([1.0, 2.0], 2) == [2.0, 4.0]


def test_bad_backend_and_missing_numba(monkeypatch):
    with pytest.raises(ValueError, match="backend="):
        astgrad.grad(scalar_loop, backend="cuda")
    monkeypatch.setattr(numba_backend.importlib.util, "find_spec", lambda name: None)
    with pytest.raises(ImportError, match=r"pip install astgrad\[numba\]"):
        astgrad.grad(scalar_loop, backend="numba")
    # without numba, "auto" runs the general Python code (the version specialized to a
    # float adds the loop's terms in the other order, equal up to rounding)
    python = astgrad.grad(scalar_loop)
    assert astgrad.grad(scalar_loop, backend="auto")(0.7, 3) == python.plain(0.7, 3)
    assert python(0.7, 3) == pytest.approx(python.plain(0.7, 3), rel=1e-14)
