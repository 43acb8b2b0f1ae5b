"""The eleventh acceptance hunt as a permanent differential test: the programs of
tests/hunt11_programs.py, each against central finite differences in one mode of astgrad
(``ci_modes`` in turn; a program that found a bug in the mode that showed it). Then what
the hunt found on its own: arithmetic operators a user class defines itself, whose
derivatives were taken as those of numbers; the gradient of a partial whose keywords were
changed in place; and an exported gradient of a function with a keyword-only parameter,
which spread its seed over the argument."""

import functools
import pickle
import importlib.util

import numpy as np
import pytest

import astgrad
from breadth_modes import check, one_mode_tests
from fd import numerical_grad
from hunt11_programs import CASES, X3

# the programs that found a bug, in the mode that showed it (each an internal error on the old code)
FOUND = {
    "m01 ": "grad",             # a list's .ndim read in @'s adjoint: AttributeError
    "m02 ": "vjp",              # the same on the right
}


test_program_in_mode, test_every_found_bug_names_one_program = one_mode_tests(CASES, FOUND)


# -- operators of a user class ------------------------------------------------------------------

class Vec:
    def __init__(self, v):
        self.v = v

    def __add__(self, other):
        return Vec(self.v + other.v * 3.0)

    def __radd__(self, other):
        return Vec(self.v * 4.0 + other)

    def __mul__(self, other):
        return Vec(self.v * other.v * 2.0)

    def __neg__(self):
        return Vec(self.v * -5.0)

    def __matmul__(self, other):
        return np.sum(self.v * other.v) * 3.0

    def __float__(self):
        return float(np.sum(self.v))


def number_plus_object(x):
    return np.sum((1.0 + Vec(x)).v)


def object_plus_object(x):
    return np.sum((Vec(x) + Vec(x * x)).v)


def object_times_object(x):
    return np.sum((Vec(x) * Vec(x)).v)


def negated_object(x):
    return np.sum((-Vec(x)).v)


def object_at_object(x):
    return Vec(x) @ Vec(x * 2.0)


def float_of_object(x):
    return float(Vec(x)) * 2.0


@pytest.mark.parametrize("mode", ["grad", "jvp"])
@pytest.mark.parametrize("f", [number_plus_object, object_plus_object, object_times_object, negated_object,
                               object_at_object], ids=lambda f: f.__name__)
def test_arithmetic_a_user_class_defines_itself_follows_its_methods(f, mode):
    """``v + w`` runs ``Vec.__add__``, yet its derivative was taken as a sum's: 1.0 + v
    gave the gradient 1 where it is 4, with no error. Each operator is now the method
    call Python makes (``1.0 + v`` is ``v.__radd__(1.0)``), against finite differences."""
    check(mode, f, (X3,), (0,))


@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_conversion_a_user_class_defines_itself_follows_its_method(mode):
    """``float(v)`` runs ``Vec.__float__``: it is ``float(v.__float__())``, against
    finite differences (it was refused when it ran)."""
    check(mode, float_of_object, (X3,), (0,))


# -- a partial changed in place ---------------------------------------------------------------------

def _scaled_squares(x, k=1.0):
    return np.sum(x * x) * k


def test_the_gradient_of_a_partial_follows_its_keywords_changed_in_place():
    """The function standing for the partial held its keywords as they were when the
    gradient was made: p.keywords["k"] = 3.0 kept the gradient of k = 2.0."""
    p = functools.partial(_scaled_squares, k=2.0)
    g, h = astgrad.grad(p), astgrad.hessian(p)
    assert np.allclose(g(X3), 4.0 * X3) and np.allclose(h(X3), 4.0 * np.eye(3))
    p.keywords["k"] = 3.0
    assert np.allclose(g(X3), 6.0 * X3) and np.allclose(h(X3), 6.0 * np.eye(3))
    assert np.isclose(astgrad.grad(p, wrt="k")(X3), np.sum(X3 * X3))


def _cubes_and_squares(x, k=1.0, q=1.0):
    return k * np.sum(x ** 3) + q * np.sum(x ** 2)


def test_the_derivatives_of_a_partial_follow_any_change_of_its_keywords():
    """With q left unbound (keyword-only after k) the function standing for the partial
    held k = 2.0 whatever p.keywords became: a changed value, a key added, a key deleted."""
    p = functools.partial(_cubes_and_squares, k=2.0)
    g, h = astgrad.grad(p), astgrad.hessian(p)
    for change in [None, ("k", 3.0), ("q", 5.0)]:
        if change is not None:
            p.keywords[change[0]] = change[1]
        k, q = p.keywords.get("k", 1.0), p.keywords.get("q", 1.0)
        assert np.allclose(g(X3), 3 * k * X3 ** 2 + 2 * q * X3)
        assert np.allclose(h(X3), np.diag(6 * k * X3) + 2 * q * np.eye(3))
        assert np.allclose(astgrad.jvp(p, (X3,), (X3,))[1], np.sum(3 * k * X3 ** 3 + 2 * q * X3 ** 2))
    del p.keywords["k"]
    assert np.allclose(g(X3), 3 * X3 ** 2 + 10 * X3)
    assert np.allclose(g(X3, 4.0), 12 * X3 ** 2 + 10 * X3)       # k is positional again


def _weighted_squares(x, k, q=1.0):
    return k * np.sum(x ** 2) + q * np.sum(x)


def test_a_gradient_of_a_partial_whose_required_keyword_is_deleted_is_a_type_error():
    p = functools.partial(_weighted_squares, k=2.0)
    g = astgrad.grad(p)
    assert np.allclose(g(X3), 4.0 * X3 + 1.0)
    del p.keywords["k"]
    with pytest.raises(TypeError) as python:
        p(X3)
    with pytest.raises(TypeError) as ours:      # (was h_partial() missing a required argument: 'k')
        g(X3)
    assert str(ours.value) == str(python.value) == "_weighted_squares() missing 1 required positional argument: 'k'"


def _weighted_cubes(x, k, q=1.0):
    return k * np.sum(x ** 3) + q * np.sum(x)


def test_the_derivatives_of_a_partial_follow_its_state_set_again():
    """``p.__setstate__`` (what unpickling calls) replaces the partial's function, arguments
    and keywords on the same object: the function standing for it, and a caller's code
    reading it as a global, kept the old ones (a wrong gradient). A pickled partial is
    another partial, differentiated as it is."""
    global _P
    p = _P = functools.partial(_weighted_squares, k=2.0)
    g, caller = astgrad.grad(p), astgrad.grad(_calls_p)
    assert np.allclose(g(X3), 4.0 * X3 + 1.0) and np.allclose(caller(X3), 4.0 * X3 + 1.0)
    p.__setstate__((_weighted_cubes, (), {"k": 2.0}, None))
    assert np.allclose(g(X3), 6.0 * X3 ** 2 + 1.0) and np.allclose(caller(X3), 6.0 * X3 ** 2 + 1.0)
    p.__setstate__((_weighted_cubes, (), {"k": 2.0, "q": 3.0}, None))
    assert np.allclose(g(X3), 6.0 * X3 ** 2 + 3.0) and np.allclose(caller(X3), 6.0 * X3 ** 2 + 3.0)
    p.__setstate__((_weighted_cubes, (X3, 5.0), {}, None))      # x bound: now a function of q
    with pytest.raises(TypeError, match="_weighted_cubes\\(\\) no longer takes the argument 'x' this derivative "
                                        "was taken for .*; take the derivative again"):
        g(2.0)
    assert np.isclose(astgrad.grad(p)(2.0), np.sum(X3))
    copy = pickle.loads(pickle.dumps(functools.partial(_weighted_squares, k=3.0)))
    assert np.allclose(astgrad.grad(copy)(X3), 6.0 * X3 + 1.0)


def _calls_p(x):
    return _P(x)


# -- export of a function with a keyword-only parameter -------------------------------------------

def cubes_scaled(x, *, w=2.0):
    return np.sum(x ** 3) * w


@pytest.mark.parametrize("order", [1, 2])
def test_an_exported_gradient_of_a_function_with_a_keyword_only_parameter(order, tmp_path):
    """The seeds were taken as the keyword parameters with a default after the first: w
    counted as the first, so the gradient's own seed d_cubes_scaled was spread over x's
    elements and summed back, three times the gradient."""
    path = tmp_path / f"exported_cubes_{order}.py"
    path.write_text(astgrad.export(cubes_scaled, 0, order=order))
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    exported = getattr(module, "grad_" * order + "cubes_scaled")
    if order == 1:
        want = numerical_grad(lambda x: cubes_scaled(x, w=0.8), (X3,), 0)
    else:
        want = numerical_grad(lambda x: np.sum(astgrad.grad(cubes_scaled)(x, w=0.8)), (X3,), 0)
    assert np.allclose(exported(X3, w=0.8), want, rtol=1e-6, atol=1e-8)
