"""The eighteenth acceptance hunt as a permanent differential test: the programs of
tests/hunt18_programs.py, each against central finite differences in one mode of astgrad
(``ci_modes`` in turn; a program that found a bug in the mode that showed it)."""

import numpy as np
import pytest

import astgrad
from breadth_modes import check, one_mode_tests
from hunt18_programs import CASES, X3, Net, uses_its_time

# the programs that found a bug, in the mode that showed it (each failed on the old code)
FOUND = {
    "t01 ": "grad",         # "the helper dense calls time.perf_counter ... whose result changes from call to call"
    # a list or tuple operand of a product or bound: "TypeError: Field elements must be 2- or 3-tuples"
    "l01 ": "grad",
    "l02 ": "jvp",
    "l03 ": "jvp",          # a list operand of a ufunc reached its rule as a list: "can't multiply sequence by non-int"
    "l04 ": "vjp_of_grad",  # a list's derivative cast to an array's dtype: "Field elements must be 2- or 3-tuples"
    "l05 ": "vjp_of_grad",  # np.linalg.norm of a list at second order: "len() of unsized object"
}


test_program_in_mode, test_every_found_bug_names_one_program = one_mode_tests(CASES, FOUND)


@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_helper_whose_result_reads_the_clock_is_followed_once_in_both_modes(mode):
    # grad refused it ("the helper squashed calls time.perf_counter ... whose result changes
    # from call to call") while jvp followed it: the wrapper is inlined, its clock read once
    check(mode, uses_its_time, (X3, 0.8), (0, 1))


def test_a_lambda_calling_a_wrapped_method_inside_another_lambda():
    # the lambda made for the object it is given was compiled with a line range ending
    # before it started: "ValueError: AST node line range (..) is not valid"
    net, w = Net(0.8), 0.8
    for transform, expected in [(lambda: astgrad.grad(lambda n, x: n.loss(x), wrt=1)(net, X3), w * np.cos(X3 * w)),
                                (lambda: astgrad.hessian(lambda n, x: n.loss(x), wrt=1)(net, X3),
                                 np.diag(-w * w * np.sin(X3 * w)))]:
        np.testing.assert_allclose(transform(), expected, rtol=1e-12)


def test_a_cached_property_is_refused_saying_what_python_keeps_and_what_astgrad_follows():
    # the message said "Differentiate a method of the object, where self.<property> is followed"
    from hunt18_programs import reads_a_cached_property
    message = (r"hunt18_programs\.py:\d+: astgrad: Normalized\.norm2 is a functools\.cached_property: Python computes "
               r"it on the first read and keeps that value.*Make it a @property")
    for transform in (lambda: astgrad.grad(reads_a_cached_property, wrt=1)(X3, 0.8),
                      lambda: astgrad.jvp(reads_a_cached_property, (X3, 0.8), (X3, 1.0))):
        with pytest.raises(TypeError, match=message):
            transform()


def test_a_checkpointed_loop_reading_a_name_an_inner_loop_bound():
    # the check that the name is bound raised UnboundLocalError(...), which checkpoint= took for a
    # call whose result may change: "checkpoint= cannot replay this loop"
    from hunt18_programs import reads_what_an_inner_loop_bound as f
    assert astgrad.grad(f, checkpoint=2)(0.7, 3) == pytest.approx(astgrad.grad(f)(0.7, 3), rel=1e-12)
    assert astgrad.grad(f)(0.7, 3) == pytest.approx(2 * 0.7 + 2, rel=1e-12)     # d/dx (x + 2) * x
    with pytest.raises(UnboundLocalError):
        astgrad.grad(f, checkpoint=2)(0.7, 0)
