"""The fourteenth acceptance hunt as a permanent differential test: the programs of
tests/hunt14_programs.py, each against central finite differences in one mode of astgrad
(``ci_modes`` in turn; a program that found a bug in the mode that showed it)."""

import pytest

import astgrad
from breadth_modes import one_mode_tests
from hunt14_programs import CASES, squares_of, through_item, X3

# the programs that found a bug, in the mode that showed it (each failed on the old code)
FOUND = {
    "a08 ": "grad_inside_def",  # a dict attribute: d_built['p']['g'] on a zero, "'float' object is not subscriptable"
    "e27 ": "grad",         # self.f, self.dt = f, dt storing a lambda: "an object of the class Lambda ..."
    "e29 ": "grad",         # self.inner = Scale(w) in __init__: "no adjoint rule for .inner()"
    "e30 ": "grad",         # a dict attribute no method reads: "'float' object is not subscriptable"
    "e31 ": "grad",         # state = dict(state) then state[k] = v: "changes its argument 'state' in place"
    "e32 ": "hessian",      # items = list(items) then items[0] = v: the same, in a plain helper
    "e33 ": "jvp",          # self.inner = inner or Scale(w), inner not given: "no adjoint rule for .inner()"
    "e34 ": "hessian",      # if inner is None: inner = Scale(w * 2.0), in a list of blocks: the same
}


test_program_in_mode, test_every_found_bug_names_one_program = one_mode_tests(CASES, FOUND)


def test_a_generator_is_refused_naming_its_line():
    with pytest.raises(astgrad.TransformError, match=r"hunt14_programs\.py:\d+: astgrad cannot differentiate yield"):
        astgrad.grad(squares_of)(X3, 0.8)


def test_a_write_into_an_item_a_shallow_copy_shares_with_the_argument_is_refused():
    # dict(state) copies the dict, not its arrays: state["h"][0] = v changes the caller's array
    with pytest.raises(astgrad.TransformError, match=r"changes its argument 'state' in place"):
        astgrad.grad(through_item)(X3, 0.8)
