"""The thirteenth acceptance hunt as a permanent differential test: the programs of
tests/hunt13_programs.py, each against central finite differences in one mode of astgrad
(``ci_modes`` in turn; a program that found a bug in the mode that showed it)."""

from breadth_modes import one_mode_tests
from hunt13_programs import CASES

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

