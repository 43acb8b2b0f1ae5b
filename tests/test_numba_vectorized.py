"""The numba backend on large arrays: elementwise statements fused into one loop, and
sin/cos/exp/... four elements at a time through glibc's libmvec where it is there.
The compiled gradient equals the Python backend's and finite differences, for arrays
of one shape (the fused loop), for broadcasting, non-contiguous and integer arrays (the
original statements), and libmvec's functions agree with NumPy's to 1e-13."""

import re

import numpy as np
import pytest

import astgrad
from fd import numerical_grad

numba = pytest.importorskip("numba")

from astgrad.backend import numba_backend, numba_fusion, numba_vector_math  # noqa: E402


def waves(x, y):
    return np.sum(np.sin(x) ** 2 * np.exp(-y) / (1.0 + y * y)) + np.mean(np.tanh(x * y))


def _compiled_and_python(fn, *args):
    compiled = astgrad.grad(fn, (0, 1), backend="numba")(*args)
    python = astgrad.grad(fn, (0, 1))(*args)
    return compiled, python


def _lowered(fn, *args):
    g = astgrad.grad(fn, (0, 1), backend="numba")
    g(*args)
    runner = g._current()
    scope = numba_backend._namespace(runner.__wrapped__)
    from astgrad.backend.numba_lower import lower
    return numba_fusion.fuse(lower(runner.__wrapped__.source)[0], scope), runner


@pytest.mark.parametrize("shapes", [((3, 4), (3, 4)), ((3, 1), (4,)), ((4,), ())])
def test_fused_gradient_matches_python_and_fd(shapes):
    rng = np.random.default_rng(len(shapes[0]) + len(shapes[1]))
    x = rng.normal(size=shapes[0])
    y = rng.normal(size=shapes[1]) if shapes[1] else 0.3
    compiled, python = _compiled_and_python(waves, x, y)
    for got, expected, wrt in zip(compiled, python, (0, 1)):
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-14)
        np.testing.assert_allclose(got, numerical_grad(waves, (x, y), wrt=wrt), rtol=1e-6, atol=1e-8)


def test_the_runs_become_kernels_and_the_reduction_moves_past_them():
    x, y = np.linspace(0.1, 2.0, 12).reshape(3, 4), np.linspace(-1.0, 1.0, 12).reshape(3, 4)
    text, runner = _lowered(waves, x, y)           # the signature of the first test: compiled
    body = text.split("\n")[1:]
    assert sum("fused_" in line for line in body) <= 3 and len(body) < 10, text
    assert "np.sin" not in text and "np.exp" not in text          # all inside kernels


def test_non_contiguous_and_integer_arrays_run_the_original_statements():
    x = np.linspace(0.1, 2.0, 20)[::2]
    y = np.arange(10)
    compiled = astgrad.grad(waves, 0, backend="numba")
    np.testing.assert_allclose(compiled(x, y), astgrad.grad(waves, 0)(x, y), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(compiled(x, y * 0.5), astgrad.grad(waves, 0)(x, y * 0.5), rtol=1e-12,
                               atol=1e-14)


w = 5.0                 # a global with the name of shadowing's parameter: kernels take the argument
SCALE = 0.5


def shadowing(x, w):
    return np.sum(np.sin(x) * w * np.exp(x) * SCALE)


def test_kernels_read_arguments_not_globals_of_the_same_name():
    x, w_ = np.linspace(-1.0, 1.0, 6), np.linspace(2.0, 3.0, 6)
    compiled, python = _compiled_and_python(shadowing, x, w_)
    for got, expected in zip(compiled, python):
        np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-14)


def quotient(x, y):
    return np.sum(x / y + (x * 0.0) ** -1.0)


def test_elements_divide_as_numpy_does():
    x, y = np.array([1.0, 0.0, -2.0]), np.array([0.0, 0.0, 4.0])
    with np.errstate(all="ignore"):
        expected = astgrad.grad(quotient, (0, 1))(x, y)
        got = astgrad.grad(quotient, (0, 1), backend="numba")(x, y)
    for g, e in zip(got, expected):
        np.testing.assert_array_equal(np.isnan(g), np.isnan(e))
        np.testing.assert_allclose(g[~np.isnan(e)], e[~np.isnan(e)], rtol=1e-15)


needs_libmvec = pytest.mark.skipif(not numba_vector_math.enabled(),
                                   reason="glibc's libmvec or an AVX2 CPU is not available")
SPECIAL = [0.0, -0.0, np.inf, -np.inf, np.nan, 1e300, -1e300, 1e-310, 710.0, -750.0, 1e5, -3.5]


@needs_libmvec
def test_libmvec_functions_agree_with_numpy():
    functions = numba_vector_math.numpy_functions()
    assert sorted(functions) == sorted(numba_vector_math.NAMES)
    rng = np.random.default_rng(1)
    x = np.concatenate([rng.normal(scale=3.0, size=997), rng.uniform(0, 50, 500), SPECIAL])
    namespace = dict(functions)
    lines = [f"    out.append(({name}(x), {name}(x[3]), {name}(x[-1])))" for name in functions]
    exec("def each(x):\n    out = []\n" + "\n".join(lines) + "\n    return out\n", namespace)
    compiled = numba.njit(namespace["each"])
    with np.errstate(all="ignore"):
        for name, (array, one, last) in zip(functions, compiled(x)):
            expected = getattr(np, name)(x)
            np.testing.assert_allclose(array, expected, rtol=1e-13, atol=0, err_msg=name)
            assert (one, last) == pytest.approx((expected[3], expected[-1]), rel=1e-13, nan_ok=True)
    asm = compiled.inspect_asm(compiled.signatures[0])
    assert {f"_ZGVdN4v_{name}" for name in functions} <= set(re.findall(r"_ZGVdN4v_\w+", asm))


def test_without_libmvec_numba_keeps_its_own_functions(monkeypatch):
    monkeypatch.setattr(numba_vector_math, "_STATE", {})
    monkeypatch.setattr(numba_vector_math, "_check", lambda: 1 / 0)
    assert numba_vector_math.enabled() is False and numba_vector_math.numpy_functions() == {}
