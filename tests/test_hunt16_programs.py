"""The sixteenth acceptance hunt as a permanent differential test: the programs of
tests/hunt16_programs.py, each against central finite differences in one mode of astgrad
(``ci_modes`` in turn; a program that found a bug in the mode that showed it)."""

from breadth_modes import one_mode_tests
from hunt16_programs import CASES

# the programs that found a bug, in the mode that showed it (each failed on the old code)
FOUND = {
    "c01 ": "grad",   # numpy.lib.stride_tricks.sliding_window_view: "no adjoint rule"
    "c02 ": "jvp",    # numpy.correlate: "no tangent rule"
    "v02 ": "grad",   # "no adjoint rule for .diagonal()", then "assignment into an element of 'L' while another name may share its memory"
    "r03 ": "grad",   # scipy.special.ndtr: "no adjoint rule"
}


test_program_in_mode, test_every_found_bug_names_one_program = one_mode_tests(CASES, FOUND)
