"""The twenty-second acceptance hunt (first half) as a permanent differential test: the
programs of tests/hunt22a_programs.py, each against central finite differences in one
mode of astgrad (``ci_modes`` in turn; a program that found a bug in the mode that
showed it); then the arguments astgrad does not differentiate (an object array, a
Fraction for hessian), each named in a TypeError."""

import fractions
import functools

import numpy as np
import pytest

import astgrad
from breadth_modes import one_mode_tests
from fd import assert_close, numerical_grad
from hunt22a_programs import CASES, X3, masked_max, summed_squares

# the programs that found a bug, in the mode that showed it (each failed on the old code)
FOUND = {
    "k01 ": "value_and_grad",   # (-2.0) ** 2 written -2.0 ** 2: value -5.0 for 5.0 and the gradient negated
    "k02 ": "jvp",              # (-1.5) ** n read as -(1.5 ** n) (wrong value and derivative)
    "k03 ": "grad",
    "k04 ": "grad",             # every sign of (-1) ** k read as -1: the value and gradient of another series
    "k05 ": "vjp",              # (-1.0) ** np.arange(3) computed as -(1.0 ** ...): all signs negative
    "k08 ": "jvp",              # the tangent of counts += 1 cast into the int array: NumPy's UFuncTypeError
    "k09 ": "grad",             # inf * 0 in the adjoint of max(x, 0.0): NaN where the derivative is 0
    "k10 ": "jvp",              # inf * 0 in the tangent of max(np.cbrt(s - 0.8), 1.0) at 0.8: NaN
    "k06 ": "value_and_grad",   # the values summed first, then truncated: value 0.96 for 0.72 (and its gradient)             # (-2.5).__abs__() written -2.5.__abs__(): -2.5, the gradient negated
}


test_program_in_mode, test_every_found_bug_names_one_program = one_mode_tests(CASES, FOUND)


@pytest.mark.parametrize("transform", [
    lambda f, x: astgrad.grad(f)(x),
    lambda f, x: astgrad.value_and_grad(f)(x),
    lambda f, x: astgrad.grad(lambda xs: f(xs[0]))([x]),
    lambda f, x: astgrad.vjp(f, x)[1](1.0),
])
def test_an_object_array_is_refused_not_given_a_none_gradient(transform):
    # its gradient was None (read as zero) though its items are floats
    objects = np.array([0.3, -0.4], dtype=object)
    with pytest.raises(TypeError, match=r"is a NumPy array of dtype object; .*\.astype\(float\)"):
        transform(summed_squares, objects)
    assert_close(astgrad.grad(summed_squares)(objects.astype(float)), [0.6, -0.8])     # the next call works


@pytest.mark.parametrize("transform", [astgrad.hessian, astgrad.jacobian])
def test_a_fraction_given_to_hessian_is_named_as_such(transform):
    # the message said the number was "not of shape ()"
    with pytest.raises(TypeError, match=r"argument 'x' to be a float or an int, not a Fraction: pass float\(x\)"):
        transform(summed_squares)(fractions.Fraction(1, 3))
    assert_close(transform(summed_squares)(1 / 3), 2.0 if transform is astgrad.hessian else 2 / 3)


def test_the_tape_passes_nothing_through_a_branch_where_did_not_take():
    # as documented in tape.md (PyTorch gives NaN there): sqrt's derivative at -1 and 0 is NaN and inf
    x = astgrad.tensor([-1.0, 0.0, 4.0], requires_grad=True)
    with np.errstate(invalid="ignore", divide="ignore"):
        (g,) = astgrad.autograd.grad(astgrad.where(x > 0, x.sqrt(), astgrad.zeros_like(x)).sum(), x)
    assert_close(g.numpy(), [0.0, 0.0, 0.25])


@pytest.mark.parametrize("library", ["numpy", "scipy"])
def test_qr_of_dependent_columns_is_refused_not_given_numbers(library):
    # the gradient divided by r's zero diagonal: 1e15 for r's, a wrong finite one for q's (2x2)
    if library == "scipy":
        linalg = pytest.importorskip("scipy.linalg")
        factor = functools.partial(linalg.qr, mode="economic")
    else:
        factor = np.linalg.qr
    dependent = np.array([[1.0, 2.0, 0.5], [2.0, 4.0, 1.0], [0.3, 0.6, 2.0]])
    weights = np.arange(9.0).reshape(3, 3) / 9

    def loss(a):
        q, r = factor(a)
        return np.sum(r * weights) + np.sum(q * weights)
    for transform in (lambda: astgrad.grad(loss)(dependent),
                      lambda: astgrad.jvp(loss, (dependent,), (np.ones((3, 3)),))):
        with pytest.raises(NotImplementedError, match=r"qr is supported where a has full column rank .* Drop the "
                                                      r"dependent columns"):
            transform()
    independent = dependent + np.diag([0.0, 0.5, 0.0])
    assert_close(astgrad.grad(loss)(independent), numerical_grad(loss, (independent,)), 1e-5, 1e-6)


def test_a_reduction_given_where_it_does_not_follow_is_refused_with_what_to_write():
    line = masked_max.__code__.co_firstlineno + 1
    with pytest.raises(astgrad.TransformError, match=rf"hunt22a_programs\.py:{line}: .*unexpected keyword argument "
                                                     r"'where'; write the max of numpy\.where\(mask, x, fill\) instead"):
        astgrad.grad(masked_max, wrt=1)(X3, 0.8)
    assert_close(astgrad.grad(lambda x, s: np.max(np.where(x > 0, x * s, -np.inf)), wrt=1)(X3, 0.8), 0.9)
