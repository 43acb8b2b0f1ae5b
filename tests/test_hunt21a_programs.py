"""The twenty-first acceptance hunt (first half) as a permanent differential test: the
programs of tests/hunt21a_programs.py, each against central finite differences in one
mode of astgrad (``ci_modes`` in turn; a program that found a bug in the mode that
showed it), and the programs astgrad refuses, by their message."""

import re

import pytest

import astgrad
from breadth_modes import check, one_mode_tests
from hunt21a_programs import CASES, REFUSED, X3, Steps, o01, summed_steps, suppressed_in_a_loop

# the programs that found a bug, in the mode that showed it (each failed on the old code)
FOUND = {}


test_program_in_mode, test_every_found_bug_names_one_program = one_mode_tests(CASES, FOUND)

@pytest.mark.parametrize("name, f, args, says", REFUSED, ids=[r[0].split()[0] for r in REFUSED])
def test_refused_with_the_line_and_the_next_call_works(name, f, args, says):
    line = getattr(f, "refused_in", f).__code__.co_firstlineno
    for transform in (lambda: astgrad.grad(f, wrt=(0, 1))(*args), lambda: astgrad.jvp(f, args, (X3, 1.0))):
        with pytest.raises(astgrad.TransformError) as refused:
            transform()
        message = str(refused.value)
        assert re.search(says, message), message
        where = int(re.search(r"hunt21a_programs\.py:(\d+)", message).group(1))
        assert line < where < line + 12, message
    check("grad", o01, (X3, 0.8), (0, 1))     # the next call works


def test_a_suppressed_exception_in_a_loop_stops_the_derivative_saying_so():
    # the derivative's exception left the gradient call, where Python went on after the with
    for transform in (lambda: astgrad.grad(suppressed_in_a_loop, wrt=1)(X3, 0.8),
                      lambda: astgrad.jvp(suppressed_in_a_loop, (X3, 0.8), (X3, 1.0))):
        with pytest.raises(TypeError, match=r"astgrad: a with statement's suppress suppressed the ValueError its "
                                            r"body raised, .* catch the exception with try/except inside the with "
                                            r"body"):
            transform()
    check("jvp", suppressed_in_a_loop, (X3 * 0.1, 0.8), (0, 1))      # where nothing raises, followed


@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_redefined_iter_is_followed_on_the_next_call(mode):
    # the code made for the first __iter__ ran again: the old items, a wrong derivative
    check(mode, summed_steps, (X3, 0.8), (0, 1))
    before = Steps.__iter__
    try:
        Steps.__iter__ = lambda self: iter([self.a * 5.0])
        check(mode, summed_steps, (X3, 0.8), (0, 1))
    finally:
        Steps.__iter__ = before
    check(mode, summed_steps, (X3, 0.8), (0, 1))
