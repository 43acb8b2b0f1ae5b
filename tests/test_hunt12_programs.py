"""The twelfth acceptance hunt as a permanent differential test: the programs of
tests/hunt12_programs.py, each against central finite differences in one mode of astgrad
(``ci_modes`` in turn; a program that found a bug in the mode that showed it)."""

import numpy as np
import pytest

import astgrad
from breadth_modes import one_mode_tests
from fd import assert_close
from hunt12_programs import CASES, FUNCS3, NP_COEFS, X3, m21

# the programs that found a bug, in the mode that showed it (each refused on the old code)
FOUND = {
    "m01 ": "grad",         # c = a | b, then c.update(...): "changes 'c' in place"
    "m02 ": "hessian",      # d |= {...}: refused as '|' of sets
    "m03 ": "jvp",          # c = c | {...}, then c |= pairs
    "m15 ": "grad",         # if name in acts, a key missing: "a key known only when the code runs"
    "m16 ": "hessian",      # match on the key, acts.get(name, default): refused the same way
    "m17 ": "jvp",          # zip(COEFS, FUNCS), both global lists: refused the same way
    "m18 ": "grad",         # fs = [make(1.0), make(w)]: "stored or used as a value"
    "m19 ": "hessian",      # [make(1.0), make(x)][1](x): "stored or used as a value"
    "m20 ": "jvp",          # continue over constant keys: "break or continue in a loop over functions"
    "m40 ": "grad",         # break over constant keys: "break in a loop over functions"
    "m41 ": "hessian",      # break over enumerate of a list of functions: the same
    "m42 ": "jvp",          # a global list of arrays: "items other than numbers and strings"
    "m21 ": "vjp",          # zip(NP_COEFS, FUNCS3), NumPy numbers: "a key known only when the code runs"
}


test_program_in_mode, test_every_found_bug_names_one_program = one_mode_tests(CASES, FOUND)


ARRAYS = [np.array([1.0, 2.0, 0.5]), np.array(0.5), np.ones(3)]
NP_LIST = list(NP_COEFS)


def zips_global_arrays(x):
    s = 0.0
    for c, f in zip(ARRAYS, FUNCS3):
        s = s + np.sum(c * f(x))
    return s


def scales_global_arrays(x):
    s = 0.0
    for c, f in zip(ARRAYS, FUNCS3):
        c *= 2.0        # changes the global's array in place, which a derivative never does
        s = s + np.sum(c * f(x))
    return s


NESTED = [[1.0, 2.0], [0.5, 0.5], [3.0, 1.0]]


def zips_global_lists(x):
    s = 0.0
    for c, f in zip(NESTED, FUNCS3):
        s = s + c[0] * np.sum(f(x))
    return s


def zips_numpy_list(x):
    s = 0.0
    for c, f in zip(NP_LIST, FUNCS3):
        s = s + c * np.sum(f(x))
    return s


def test_a_global_list_of_numpy_numbers_zipped_with_functions_keeps_the_items_guarded():
    """m21: NumPy numbers are read from the list when the code runs (their own type); an
    item replaced makes new code, as for a list of floats."""
    grad = astgrad.grad(zips_numpy_list)
    want = lambda c: c[0] * np.cos(X3) - c[1] * np.sin(X3) + c[2] / np.cosh(X3) ** 2     # noqa: E731
    assert_close(grad(X3), want(NP_LIST))
    NP_LIST[1] = np.float64(-3.0)
    try:
        assert_close(grad(X3), want(NP_LIST))
    finally:
        NP_LIST[1] = NP_COEFS[1]
    value, _ = astgrad.value_and_grad(m21)(X3, 0.8)
    assert type(value) is type(m21(X3, 0.8)) and value == m21(X3, 0.8)


def test_a_global_list_of_arrays_zipped_with_functions_reads_the_arrays_when_the_code_runs():
    """Each array is read from the list when the code runs (its values now); an item
    replaced makes new code. A body changing one in place is refused when called, as any
    op= on a global's array is; a list of lists is refused naming the list and the rewrites."""
    grad = astgrad.grad(zips_global_arrays)
    want = lambda: ARRAYS[0] * np.cos(X3) - ARRAYS[1] * np.sin(X3) + ARRAYS[2] / np.cosh(X3) ** 2     # noqa: E731
    assert_close(grad(X3), want())
    first, second = ARRAYS[0].copy(), ARRAYS[1]
    try:
        ARRAYS[0][1] = -4.0
        assert_close(grad(X3), want())
        ARRAYS[1] = np.array([2.0, -1.0, 0.5])
        assert_close(grad(X3), want())
    finally:
        ARRAYS[0][:], ARRAYS[1] = first, second
    with pytest.raises(TypeError, match=r"op= \(\+= and the like\) on an ndarray the function did not create"):
        astgrad.grad(scales_global_arrays)(X3)
    with pytest.raises(astgrad.TransformError, match=r"zip of functions and the global 'NESTED', which holds "
                                                     r"items other than numbers, strings and arrays .*zip\(fs, \(NESTED\[0\]"):
        astgrad.grad(zips_global_lists)(X3)
