"""The nineteenth acceptance hunt as a permanent differential test: the programs of
tests/hunt19_programs.py, each against central finite differences in one mode of astgrad
(``ci_modes`` in turn; a program that found a bug in the mode that showed it)."""

import pytest

import astgrad
from breadth_modes import copies, one_mode_tests
from fd import assert_close, numerical_grad
from hunt19_programs import (CASES, CHECKPOINTED, X3, a01, alias_kept_by_a_branch_not_taken,
                             branches_on_a_flag_a_loop_may_not_bind, loops_a_count_a_loop_may_not_bind,
                             returns_what_a_loop_may_not_bind)

# the programs that found a bug, in the mode that showed it (each failed on the old code)
FOUND = {
    "n07 ": "grad",     # np.prod of an empty slice: "ValueError: cannot reshape array of size 1 into shape (0,)"
    "m05 ": "grad",     # float(s) of a 0-d array s written by s[()] = ...: its adjoint was a float, "not subscriptable"
    # a name that may be unbound read where Python would not read it yet, so another error (or none) was caught:
    "o02 ": "grad",     # the save of y[i] read i before the value v: the except took the wrong branch (wrong value)
    "o05 ": "grad",     # the adjoint evaluated `if t:` again where t was unbound: UnboundLocalError escaped the try
    "o07 ": "grad_inside_def",  # arr[j] of a derivative read j before arr: the wrong branch again (wrong value)
    "o08 ": "grad",     # a bare `v` in a try (is v bound?) was dropped: the except never ran (wrong value)
    "o10 ": "grad",     # `if y > 0` on an array raised in the try and again in the adjoint: ValueError escaped
    "q01 ": "value_and_grad",   # o02 with names a loop left unbound: the save read i's placeholder, "IndexError: ..."
    "q04 ": "grad",     # `if flag:` read the placeholder of a flag a loop left unbound: no error to catch (wrong value)
    "q08 ": "grad",     # the save of y[i] read i's placeholder before i's check: "IndexError: only integers ..."
}


test_program_in_mode, test_every_found_bug_names_one_program = one_mode_tests(CASES, FOUND)


@pytest.mark.parametrize("f", CHECKPOINTED, ids=lambda f: f.__name__)
def test_a_range_loop_differentiated_with_checkpoints(f):
    got = astgrad.grad(f, wrt=(0, 1), checkpoint=2)(X3.copy(), 0.8)
    for i, g in enumerate(got):
        assert_close(g, numerical_grad(lambda *a: f(*copies(a)), (X3, 0.8), wrt=i), 1e-5, 1e-6)


def test_an_alias_kept_by_a_branch_not_taken_is_refused_and_the_next_call_works():
    # where the branch does not run, z is y, and y += x changes what z holds
    with pytest.raises(astgrad.TransformError, match=r"hunt19_programs\.py:\d+: augmented assignment .* on 'y' "
                                                     r"while another name may share its memory"):
        astgrad.grad(alias_kept_by_a_branch_not_taken)(X3, 0.8)
    assert_close(astgrad.grad(a01)(X3, 0.8), numerical_grad(lambda *a: a01(*copies(a)), (X3, 0.8), wrt=0), 1e-5, 1e-6)


@pytest.mark.parametrize("f", [branches_on_a_flag_a_loop_may_not_bind, loops_a_count_a_loop_may_not_bind,
                               returns_what_a_loop_may_not_bind], ids=lambda f: f.__name__)
def test_an_if_or_a_loop_over_a_name_a_loop_left_unbound_raises_as_python_does(f):
    # reverse mode read the placeholder the forward sweep gives such a name: `if flag:` took
    # the else branch and returned a gradient, `range(n)` raised "TypeError: 'float' object ...";
    # `return r` was not read at all (its reverse sweep reads only r's seed): zeros
    with pytest.raises(UnboundLocalError) as raised:
        f(X3, 0.8)
    for transform in (lambda: astgrad.grad(f)(X3, 0.8), lambda: astgrad.value_and_grad(f, wrt=1)(X3, 0.8),
                      lambda: astgrad.jvp(f, (X3, 0.8), (X3, 1.0)), lambda: astgrad.hessian(f, wrt=1)(X3, 0.8)):
        with pytest.raises(UnboundLocalError) as derived:
            transform()
        assert str(derived.value) == str(raised.value)
    assert astgrad.grad(f)(X3, 2.8) == pytest.approx(numerical_grad(f, (X3, 2.8), wrt=0))      # the next call works
