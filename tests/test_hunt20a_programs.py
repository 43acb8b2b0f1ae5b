"""The twentieth acceptance hunt (first half) as a permanent differential test: the
programs of tests/hunt20a_programs.py, each against central finite differences in one
mode of astgrad (``ci_modes`` in turn; a program that found a bug in the mode that
showed it), and the programs astgrad refuses, by their message."""

import re

import numpy as np
import pytest

import astgrad
from breadth_modes import check, one_mode_tests
from hunt20a_programs import CASES, REFUSED, X3, X4, V, c11, compared_items_of_a_dict, v02

# the programs that found a bug, in the mode that showed it (each failed on the old code)
FOUND = {
    # a comparison of objects was read as a constant, though the class's method returned a float:
    "c11 ": "grad",     # v == u running V.__eq__ (a distance): its derivative was zero (wrong value)
    "c12 ": "jvp",      # w < n running Near.__gt__, n < m Near.__lt__, m != n Near.__ne__: zero (wrong value)
    "c13 ": "value_and_grad",   # n < m and m > 0.2 in a loop, running Near.__lt__ and __gt__: zero (wrong value)
}


test_program_in_mode, test_every_found_bug_names_one_program = one_mode_tests(CASES, FOUND)


@pytest.mark.parametrize("name, f, args, says", REFUSED, ids=[r[0].split()[0] for r in REFUSED])
def test_refused_with_the_line_and_the_next_call_works(name, f, args, says):
    line = f.__code__.co_firstlineno
    with pytest.raises(astgrad.TransformError) as refused:
        astgrad.grad(f, wrt=(0, 1))(*args)
    message = str(refused.value)
    assert re.search(says, message), message
    where = int(re.search(r"hunt20a_programs\.py:(\d+)", message).group(1))
    assert line < where < line + 12, message
    check("grad", c11, (X3, 0.8), (0, 1))     # the next call works


@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_transpose_view_written_followed_once(mode):
    check(mode, v02, (X4, 0.8), (0, 1))


@pytest.mark.parametrize("mode", ["hessian", "jvp_of_grad", "jacobian_of_grad"])
def test_a_transpose_view_written_is_followed_to_second_order(mode):
    # refused at second order until the check of the gradient's writes read numpy.shape(t)
    # in its reverse sweep (the reshape's adjoint) as a read of t's shape alone
    check(mode, v02, (X4, 0.8), (0, 1))


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
def test_a_comparison_of_objects_of_an_unknown_class_is_followed_when_it_runs(mode):
    # it was read as a constant: the derivative of V.__eq__'s distance was zero
    check(mode, compared_items_of_a_dict, (X3, 0.8), (0, 1))


def compared_numbers_beside_objects(x, w):
    v = V(x, w) + V(x * x, w)
    s = np.sum(v.a)
    if s > 0.0:
        s = s * 2.0
    if s < 5.0:
        s = s + w
    return s * w if w != 0.5 else s


def test_whether_the_function_builds_comparing_objects_is_asked_once(monkeypatch):
    """Whether the function builds objects of a class defining comparisons is found by a
    walk of the function once, not at each comparison (which made normalizing branchy code
    quadratic in its length); each comparison of numbers is still checked when it runs."""
    from astgrad.frontend.normalize import comparison_methods
    walks, calls_comparing_class = [], comparison_methods.calls_comparing_class
    monkeypatch.setattr(comparison_methods, "calls_comparing_class",
                        lambda tree, resolve: walks.append(tree) or calls_comparing_class(tree, resolve))
    check("grad", compared_numbers_beside_objects, (X3, 0.8), (0, 1))
    assert len(walks) == 1
    # wrt both: every operand depends on the inputs (a comparison of constants is not checked)
    assert astgrad.grad(compared_numbers_beside_objects, wrt=(0, 1)).source.count("check_compared_value") == 3
