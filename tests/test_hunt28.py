"""The twenty-eighth acceptance hunt: everyday Python structure, as a permanent campaign.

An outsider's hunt over about two hundred short programs written the way numerical code
is written (classes holding parameters, inheritance and super(), dataclasses and
namedtuples rebuilt in optimizer loops, closures and late binding, partial, *args and
**kwargs, recursion, containers mutated and aliased, comprehensions, early returns,
while/else, try/finally, match, walrus, global state), each in grad, value_and_grad, vjp,
jvp and hessian against central finite differences. It found one kind of wrong number: a
generator expression held in a name (``g = (v * k for v in x)``) was computed where it was
made, while Python computes each item when it is read, with the names as they are then,
and uses the generator up on the first pass; the same for ``map``, ``zip`` and the
itertools iterators held in a name; and a ``for`` loop over a generator (or a ``map`` of a
lambda) whose body changed what the items read. Those programs are kept, each in the mode that showed
the bug (tests/hunt28_programs.py), with the refusals of the forms a list cannot stand
for, and a sample of the passing programs, one mode each."""

import inspect
import re

import numpy as np
import pytest

import astgrad
import hunt28_programs as P
from breadth_modes import one_mode_tests
from fd import assert_close, numerical_grad

# each gave Python's value computed where the generator was made (a wrong value and derivative)
FOUND = {"h01 ": "value_and_grad", "h02 ": "grad", "h03 ": "jvp", "h04 ": "grad", "h05 ": "vjp", "h06 ": "hessian",
         "h07 ": "grad", "h08 ": "jvp", "h09 ": "grad", "h10 ": "grad", "h11 ": "vjp", "h12 ": "jvp"}

test_program_in_mode, test_every_found_bug_names_one_program = one_mode_tests(P.CASES, FOUND)


@pytest.mark.parametrize("name, f, args, says", P.REFUSED, ids=[r[0].split()[0] for r in P.REFUSED])
def test_refused_at_the_line(name, f, args, says):
    # each of these gave a gradient with no error, different from Python's
    with pytest.raises(astgrad.TransformError, match=says) as caught:
        astgrad.grad(f)(*args)
    lines, first = inspect.getsourcelines(f)
    held = re.search(r"held in '(\w+)'", str(caught.value))
    at = f"{held.group(1)} = " if held else "for "        # the binding, or the loop
    line = first + next(i for i, text in enumerate(lines) if text.strip().startswith(at))
    assert f"hunt28_programs.py:{line}:" in str(caught.value)
    with pytest.raises(astgrad.TransformError, match=says):
        astgrad.jvp(f, args, args)
    x, w = P.X4, P.W4                                   # the next call works
    assert_close(astgrad.grad(P.h01)(x, w), numerical_grad(P.h01, (x, w), wrt=0))


def test_a_held_generator_reads_the_names_as_they_are_where_it_is_consumed():
    x, w = P.X4, P.W4
    value, g = astgrad.value_and_grad(P.h01)(x, w)
    assert value == pytest.approx(P.h01(x, w)) and value == pytest.approx(np.sum(x) * w[0] * w[1])
    assert_close(g, np.full(4, w[0] * w[1]))
