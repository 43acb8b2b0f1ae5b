"""The seventeenth acceptance hunt as a permanent differential test: the programs of
tests/hunt17_programs.py, each against central finite differences in one mode of astgrad
(``ci_modes`` in turn; a program that found a bug in the mode that showed it)."""

from breadth_modes import one_mode_tests
from hunt17_programs import CASES

# the programs that found a bug, in the mode that showed it (each failed on the old code)
FOUND = {
    "c02 ": "grad",         # class Layer(abc.ABC): "no adjoint rule for hunt17_programs.Dense"
    "c06 ": "jvp",          # run(Dense(W, w), x), the object built in the call: "no tangent rule for .forward()"
    "d05 ": "grad",         # log.debug("y=%s", y): "calling logging.Logger.debug for its effect on a differentiated value"
}


test_program_in_mode, test_every_found_bug_names_one_program = one_mode_tests(CASES, FOUND)
