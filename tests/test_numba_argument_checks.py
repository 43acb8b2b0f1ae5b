"""backend="numba" on functions writing into an argument that a global, a closure
variable or another argument may hold: the derivative's check of its arguments
(``arguments_apart``) runs in Python before the compiled code, so such functions compile
under strict numba, give the finite-difference gradient, and still refuse ``f(G)``.

This file holds the programs and what the backend does to their checks without numba, on
every Python; test_numba_argument_checks_compiled.py compiles them with numba (skipped
whole where numba is missing, so that the environments without it do not collect it)."""

import ast
import inspect

import numpy as np
import pytest

import astgrad
from astgrad.backend import numba_prelude

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
