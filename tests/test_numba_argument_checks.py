"""backend="numba" on functions writing into an argument that a global, a closure
variable or another argument may hold: the derivative's check of its arguments
(``arguments_apart``) runs in Python before the compiled code, so such functions compile
under strict numba, give the finite-difference gradient, and still refuse ``f(G)``."""

import ast
import importlib.util
import inspect

import numpy as np
import pytest

import astgrad
from astgrad.backend import numba_prelude
from fd import assert_close, numerical_grad

needs_numba = pytest.mark.skipif(importlib.util.find_spec("numba") is None, reason="numba is not installed")

G = np.array([1.0, 2.0, 3.0])


def doubles_and_reads_global(x):
    x *= 2.0
    return np.sum(np.sin(x) * G)


def shifts_and_reads_global(x):
    x -= G
    return np.sum(x * x * G)


def closure_doubling(w):
    def doubles_and_reads_closure(x):
        x *= 2.0
        return np.sum(np.sin(x) * w)
    return doubles_and_reads_closure


def doubles_and_reads_other(x, y):
    x *= 2.0
    return np.sum(np.sin(x) * y)


GLOBAL_READERS = [doubles_and_reads_global, shifts_and_reads_global]
REFUSED = r"test_numba_argument_checks\.py:\d+: the function writes into its argument 'x'"


@pytest.fixture
def shared_global(monkeypatch):
    fresh = np.array([1.0, 2.0, 3.0])
    monkeypatch.setitem(globals(), "G", fresh)
    return fresh


def _compiled(g):
    """The numba dispatcher ``g`` ran (it compiled and ran at least once)."""
    dispatcher = g._current().numba_dispatcher
    assert dispatcher.signatures
    return dispatcher


@needs_numba
@pytest.mark.parametrize("backend", ["numba", "auto"])
@pytest.mark.parametrize("f", GLOBAL_READERS, ids=[f.__name__ for f in GLOBAL_READERS])
def test_a_function_writing_into_its_argument_compiles_and_matches_fd(f, backend, shared_global):
    g = astgrad.value_and_grad(f, backend=backend)
    rng = np.random.default_rng(3)
    for shape in [(3,), (2, 3), (1, 3)]:
        x = rng.normal(size=shape)
        kept = x.copy()
        value, gradient = g(x)
        assert np.array_equal(x, kept)                  # the argument is left as it was
        assert_close(value, f(x.copy()))
        assert_close(gradient, numerical_grad(lambda a: f(a.copy()), (x,)))
        np.testing.assert_allclose(gradient, astgrad.grad(f)(x.copy()), rtol=1e-12, atol=1e-15)
    _compiled(g)


@needs_numba
@pytest.mark.parametrize("backend", ["numba", "auto"])
@pytest.mark.parametrize("f", GLOBAL_READERS, ids=[f.__name__ for f in GLOBAL_READERS])
def test_the_global_as_the_argument_is_still_refused(f, backend, shared_global):
    g = astgrad.grad(f, backend=backend)
    g(np.array([0.4, -1.2, 2.5]))                       # compiled first: the check runs before it
    dispatcher = _compiled(g)
    compiled_kinds = list(dispatcher.signatures)
    for view in (shared_global, shared_global[::-1], shared_global[:2], shared_global[None]):
        kept = shared_global.copy()
        with pytest.raises(TypeError, match=REFUSED + r".* global or closure variable"):
            g(view)
        assert np.array_equal(shared_global, kept)      # refused before anything ran
    assert dispatcher.signatures == compiled_kinds      # the compiled code never saw them


@needs_numba
def test_a_closure_variable_as_the_argument_is_refused():
    w = np.array([1.0, 2.0, 3.0])
    f = closure_doubling(w)
    g = astgrad.value_and_grad(f, backend="numba")
    x = np.array([0.4, -1.2, 2.5])
    value, gradient = g(x.copy())
    assert_close(value, f(x.copy()))
    assert_close(gradient, numerical_grad(lambda a: f(a.copy()), (x,)))
    _compiled(g)
    with pytest.raises(TypeError, match=REFUSED + r".* global or closure variable"):
        g(w)
    np.testing.assert_array_equal(w, [1.0, 2.0, 3.0])


@needs_numba
def test_one_array_given_as_both_arguments_is_refused():
    g = astgrad.grad(doubles_and_reads_other, backend="numba")
    a, b = np.array([0.4, -1.2, 2.5]), np.array([1.5, 0.5, -2.0])
    assert_close(g(a.copy(), b), numerical_grad(lambda x, y: doubles_and_reads_other(x.copy(), y), (a, b)))
    _compiled(g)
    with pytest.raises(TypeError, match=REFUSED):
        g(a, a)
    with pytest.raises(TypeError, match=REFUSED):
        g(a, a[::-1])
    np.testing.assert_array_equal(a, [0.4, -1.2, 2.5])


def test_the_checks_are_lifted_out_of_the_code_numba_compiles(shared_global):
    """What the backend does, without numba: the check statements leave the compiled
    body, and the Python function made of them has the derivative's parameters."""
    fn = astgrad.grad(doubles_and_reads_global)._current()
    names = numba_prelude.check_names(fn)
    assert names == {"arguments_apart"}
    body = ast.parse(fn.source).body[0]
    checks = numba_prelude.lift(body, fn, names)
    assert "arguments_apart" not in ast.unparse(body)
    assert len(body.body) == len(ast.parse(fn.source).body[0].body) - 1
    assert checks(np.array([0.4, -1.2, 2.5])) is None
    assert inspect.signature(checks) == inspect.signature(fn)
    with pytest.raises(TypeError, match=REFUSED):
        checks(shared_global[1:])
    plain = astgrad.grad(lambda x: np.sum(x * G))._current()     # writes into nothing: no checks
    assert numba_prelude.lift(ast.parse(plain.source).body[0], plain, numba_prelude.check_names(plain)) is None
