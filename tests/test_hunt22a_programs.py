"""The twenty-second acceptance hunt (first half) as a permanent differential test: the
programs of tests/hunt22a_programs.py, each against central finite differences in one
mode of astgrad (``ci_modes`` in turn; a program that found a bug in the mode that
showed it)."""

from breadth_modes import one_mode_tests
from hunt22a_programs import CASES

# the programs that found a bug, in the mode that showed it (each failed on the old code)
FOUND = {
    "k01 ": "value_and_grad",   # (-2.0) ** 2 written -2.0 ** 2: value -5.0 for 5.0 and the gradient negated
    "k02 ": "jvp",              # (-1.5) ** n read as -(1.5 ** n) (wrong value and derivative)
    "k03 ": "grad",             # (-2.5).__abs__() written -2.5.__abs__(): -2.5, the gradient negated
}


test_program_in_mode, test_every_found_bug_names_one_program = one_mode_tests(CASES, FOUND)
