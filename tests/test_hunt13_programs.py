"""The thirteenth acceptance hunt as a permanent differential test: the programs of
tests/hunt13_programs.py, each against central finite differences in one mode of astgrad
(``ci_modes`` in turn; a program that found a bug in the mode that showed it). Then what
the hunt found on its own: a ``functools.partial`` given another function, arguments or
keywords dict by ``__setstate__`` (what pickle calls), and a keyword added to a global
partial that had none, whose derivatives kept what they were made for; and a zip over a
global list refused for its items, refused again once they were plain numbers."""

import functools

import numpy as np
import pytest

import astgrad
from breadth_modes import one_mode_tests
from hunt13_programs import CASES, X3

# the programs that found a bug, in the mode that showed it (each an internal error on the old code)
FOUND = {
    "r01 ": "grad",         # d_keep reset to 0.0 at the iteration's start: 0.0[0] (TypeError)
    "r02 ": "hessian",      # the same for the append loop's d_keep[-1]
    "r03 ": "grad",         # written_part(0.0, i): IndexError
    "r04 ": "hessian",      # written_part(0.0, 'a'): IndexError
    "r05 ": "grad",         # the zero at the end of the branch that bound the list
    "r06 ": "vjp",          # a while loop: written_part(0.0, i)
}


test_program_in_mode, test_every_found_bug_names_one_program = one_mode_tests(CASES, FOUND)


# -- a partial changed by __setstate__ ----------------------------------------------------------

def _cubes(a, x, k=1.0):
    return a * np.sum(x ** 3) + k * np.sum(x ** 2)


def _sines(a, x, k=1.0):
    return a * k * np.sum(np.sin(x))


def _want(a, k):
    return 3 * a * X3 ** 2 + 2 * k * X3


def test_the_gradient_of_a_partial_follows_its_state_set_again():
    """The function standing for the partial was made again only when its keywords dict
    changed in place: ``p.__setstate__`` gives the partial another function, arguments
    and keywords dict, and the gradient kept the old ones (no error)."""
    p = functools.partial(_cubes, 2.0, k=2.0)
    g = astgrad.grad(p)
    assert np.allclose(g(X3), _want(2.0, 2.0))
    p.__setstate__((_cubes, (4.0,), {"k": 2.0}, None))
    assert np.allclose(g(X3), _want(4.0, 2.0))
    p.__setstate__((_sines, (4.0,), {"k": 2.0}, None))
    assert np.allclose(g(X3), 8.0 * np.cos(X3))


CUBES = functools.partial(_cubes, 2.0)
SCALED = functools.partial(_cubes, 1.0)


def _through_global_partials(x):
    return CUBES(x) + SCALED(x) * 2.0


def test_a_global_partial_set_again_or_given_its_first_keyword():
    """The guards of code calling a global partial checked its keywords' items, and only
    where it had keywords: a keyword added to one without (SCALED.keywords["k"] = 3.0) or
    another argument set by __setstate__ kept the gradient made before."""
    g, h = astgrad.grad(_through_global_partials), astgrad.hessian(_through_global_partials)
    assert np.allclose(g(X3), _want(2.0, 1.0) + 2 * _want(1.0, 1.0))
    SCALED.keywords["k"] = 3.0
    CUBES.__setstate__((_cubes, (5.0,), {}, None))
    try:
        assert np.allclose(g(X3), _want(5.0, 1.0) + 2 * _want(1.0, 3.0))
        assert np.allclose(h(X3), np.diag(6 * 5.0 * X3 + 2 + 2 * (6 * X3 + 6.0)))
    finally:
        SCALED.keywords.clear()
        CUBES.__setstate__((_cubes, (2.0,), {}, None))


# -- a zip over a global list refused for its items, then given plain numbers -------------------

WEIGHTS = [1.0, 0.5]
ACTIVATIONS = [np.sin, np.cos]


def _weighted_activations(x):
    s = 0.0
    for c, f in zip(WEIGHTS, ACTIVATIONS):
        s = s + c * np.sum(f(x))
    return s


def test_a_zip_refused_for_a_global_lists_items_is_followed_once_they_change():
    """A zip over a global list holding a list is refused; the refusal depended on no
    guard of the list's items, so the kept normalization refused again after the user
    made them plain floats, which Python (and a new process) would have run."""
    WEIGHTS[1] = [2.0, 2.0]
    try:
        with pytest.raises(astgrad.TransformError):
            astgrad.grad(_weighted_activations)(X3)
        WEIGHTS[1] = 0.5
        assert np.allclose(astgrad.grad(_weighted_activations)(X3), np.cos(X3) - 0.5 * np.sin(X3))
    finally:
        WEIGHTS[1] = 0.5
