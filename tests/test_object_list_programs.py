"""Lists of objects as users write them (tests/object_list_programs.py): a list whose
length is known only when the code runs (``[Layer(...) for i in range(n)]``, appends in a
loop over ``range(len(w))``), objects moved between lists, objects in a dict a loop fills.

Every program is followed (grad against central finite differences; forward mode and
second order on the forms newly followed) or refused when its code is generated, naming
the file and line: never silently wrong."""

import numpy as np
import pytest

import astgrad
import object_list_programs as P
from fd import assert_close, numerical_grad, numerical_hessian, numerical_jvp

W = np.array([0.3, -0.7, 1.1])

# each was refused before the lists and dicts per attribute (object_columns.py) or the reads
# of a list objects were moved into as those objects (moved_items.py)
FOLLOWED = {"r01", "r02", "r03", "r04", "r10", "d02", "d03", "d04",
            "m02", "m05", "m06", "m07", "m08", "m09", "m10", "m11", "m12", "m13", "m14", "m16", "m18", "m19",
            "m20", "m21", "m23", "m24", "m27", "m30"}


@pytest.mark.parametrize("f", P.PROGRAMS, ids=[f.__name__ for f in P.PROGRAMS])
def test_each_program_is_followed_or_refused(f):
    if f.__name__ in FOLLOWED:
        assert_close(astgrad.grad(f)(W.copy()), numerical_grad(f, (W.copy(),)))
    else:
        with pytest.raises(astgrad.TransformError, match="object_list_programs.py:[0-9]+: "):
            astgrad.grad(f)(W.copy())


def test_lists_and_dicts_per_attribute_in_forward_mode_and_to_second_order():
    t = np.array([0.5, 1.0, -2.0])
    for f in (P.r02, P.r10, P.d04):
        value, tangent = astgrad.jvp(f, (W.copy(),), (t,))
        assert value == pytest.approx(f(W.copy()))
        assert_close(tangent, numerical_jvp(f, (W.copy(),), (t,)))
    g = astgrad.grad(P.d04)         # a dict and a list per attribute
    assert_close(astgrad.hessian(P.d04)(W.copy()), numerical_hessian(lambda x: g(x.copy()), (W.copy(),)), 1e-4, 1e-5)


def test_the_length_is_read_when_the_code_runs():
    # one derivative, called with another n, builds that many layers, as the function does
    g = astgrad.grad(P.r01)
    for n in (1, 2):
        assert_close(g(W.copy(), n), numerical_grad(lambda x: P.r01(x, n), (W.copy(),)))


def test_objects_moved_between_lists_in_forward_mode_and_to_second_order():
    t = np.array([0.5, 1.0, -2.0])
    for f in (P.m06, P.m12):
        g, x = astgrad.grad(f), W.copy()
        g(x)
        assert np.array_equal(x, W)         # the caller's array is not changed
        value, tangent = astgrad.jvp(f, (W.copy(),), (t,))
        assert value == pytest.approx(f(W.copy()))
        assert_close(tangent, numerical_jvp(f, (W.copy(),), (t,)))
    # m12: moved by extend(reversed(...)) and append, one object twice, stepped in a loop
    g = astgrad.grad(P.m12)
    assert_close(astgrad.hessian(P.m12)(W.copy()), numerical_hessian(lambda x: g(x.copy()), (W.copy(),)), 1e-4, 1e-5)


@pytest.mark.parametrize("f", [P.o01, P.o02], ids=["o01", "o02"])
def test_objects_rebuilt_in_each_pass_of_an_outer_loop_to_second_order(f):
    # each pass binds the columns (or the list) to new lists, and the derivative takes the
    # old ones back off its stack: its write-back into them was refused when differentiated again
    g = astgrad.grad(f)
    assert_close(g(W.copy()), numerical_grad(f, (W.copy(),)))
    assert_close(astgrad.hessian(f)(W.copy()), numerical_hessian(lambda x: g(x.copy()), (W.copy(),)), 1e-4, 1e-5)
    if f is P.o01:
        t = np.array([0.5, 1.0, -2.0])
        assert_close(astgrad.hvp(f)(W.copy(), t), numerical_jvp(lambda x: g(x.copy()), (W.copy(),), (t,)), 1e-4, 1e-5)


def test_objects_moved_out_of_a_list_of_run_time_length_in_forward_mode_and_to_second_order():
    # m20: the same object twice, stepped by a comprehension, read through either list
    t = np.array([0.5, 1.0, -2.0])
    value, tangent = astgrad.jvp(P.m20, (W.copy(),), (t,))
    assert value == pytest.approx(P.m20(W.copy()))
    assert_close(tangent, numerical_jvp(P.m20, (W.copy(),), (t,)))
    g = astgrad.grad(P.m20)
    assert_close(astgrad.hessian(P.m20)(W.copy()), numerical_hessian(lambda x: g(x.copy()), (W.copy(),)), 1e-4, 1e-5)
    # the positions are taken when the code runs: another n, another branch, another bound
    assert_close(g(W.copy(), 4), numerical_grad(lambda v: P.m20(v, 4), (W.copy(),)))
    assert_close(astgrad.grad(P.m21)(-W), numerical_grad(P.m21, (-W,)))
    assert_close(astgrad.grad(P.m23)(W.copy(), 0), numerical_grad(lambda v: P.m23(v, 0), (W.copy(),)))
