"""The twenty-second acceptance hunt (second half) as a permanent differential test: the
programs of tests/hunt22b_programs.py, each against central finite differences in one
mode of astgrad (``ci_modes`` in turn; a program that found a bug in the mode that
showed it), and an iterator class whose ``__next__`` is redefined between two calls."""

import pytest

from breadth_modes import check, one_mode_tests
from hunt22b_programs import CASES, X3, Redefined, summed

# the programs that found a bug, in the mode that showed it (each failed on the old code)
FOUND = {"t01": "grad", "t02": "grad", "t03": "hessian", "t04": "grad", "t05": "grad", "t07": "grad",
         "t08": "grad", "t09": "grad"}


test_program_in_mode, test_every_found_bug_names_one_program = one_mode_tests(CASES, FOUND)


def _cubed(self):
    if self.i >= len(self.data):
        raise StopIteration
    v = self.w * self.w / self.data[self.i]
    self.i += 1
    return v


def _shorter(self):
    if self.i >= len(self.data) - 1:
        raise StopIteration
    v = self.data[self.i] * 3.0
    self.i += 1
    return v


@pytest.mark.parametrize("redefined", [_cubed, _shorter], ids=["item", "range"])
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_redefined_next_is_followed_on_the_next_call(mode, redefined):
    # the code made for the first __next__ ran again: the old items (or range), a wrong derivative
    check(mode, summed, (X3, 0.7), (0, 1))
    Redefined.__next__ = redefined
    try:
        check(mode, summed, (X3, 0.7), (0, 1))
    finally:
        del Redefined.__next__          # Seq's again
    check(mode, summed, (X3, 0.7), (0, 1))
