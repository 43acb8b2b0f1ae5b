"""backend="numba" compiles the functions of test_numba_argument_checks.py that write
into an argument a global, a closure variable or another argument may hold: they give the
finite-difference gradient, and the check of their arguments still refuses ``f(G)`` before
the compiled code runs. Skipped whole where numba is not installed."""

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad
import test_numba_argument_checks as programs
from test_numba_argument_checks import GLOBAL_READERS, REFUSED, closure_doubling, doubles_and_reads_other

pytest.importorskip("numba")

shared_global = programs.shared_global   # the fixture: a fresh array as the programs' global G


def _compiled(g):
    """The numba dispatcher ``g`` ran (it compiled and ran at least once)."""
    dispatcher = g._current().numba_dispatcher
    assert dispatcher.signatures
    return dispatcher


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
