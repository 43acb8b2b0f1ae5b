"""What the files of writes through views (tests/test_views80.py to test_views83.py)
share: the array each program starts from, and the two tests checking a
list of programs ``f(x, w)`` against central differences at the given shapes, in grad,
value_and_grad, vjp and jvp (in ``x`` and ``w`` at once), and in hessian, the jvp of the
gradient and the reverse mode of the gradient (in each argument alone: the grad of the grad
in ``w``, the vjp of the grad in ``x``; CI takes one argument per program and mode, in turn,
HYPOTHESIS_PROFILE=thorough both)."""

import numpy as np
import pytest

import astgrad
from breadth_modes import ATOL2, RTOL2, THOROUGH, check, copies
from fd import assert_close, numerical_grad

FIRST = ("grad", "value_and_grad", "vjp", "jvp")


def start(shape):
    """An array of ``shape`` holding evenly spaced values from -0.9 to 1.1, row by row."""
    return np.linspace(-1.0, 1.0, int(np.prod(shape))).reshape(shape) + 0.1


def finite_difference_tests(programs, shapes, second_order=None):
    """The first and the second order tests of ``programs`` (of ``second_order`` at the second
    order, all of them where it is not given), for a test file to bind at its top level."""
    second_order = programs if second_order is None else second_order

    @pytest.mark.parametrize("mode", FIRST)
    @pytest.mark.parametrize("shape", shapes, ids=str)
    @pytest.mark.parametrize("f", programs, ids=lambda f: f.__name__)
    def test_the_write_is_taken_as_numpy_takes_it(f, shape, mode):
        check(mode, f, (start(shape), 0.8), (0, 1))

    @pytest.mark.parametrize("shape", shapes, ids=str)
    @pytest.mark.parametrize("f, mode, wrt", list(_second_order_cases(second_order)))
    def test_the_second_order_takes_it_too(f, shape, mode, wrt):
        if mode == "grad_of_grad":
            check_grad_of_grad(f, (start(shape), 0.8), wrt)
        else:
            check(mode, f, (start(shape), 0.8), (wrt,))

    return test_the_write_is_taken_as_numpy_takes_it, test_the_second_order_takes_it_too


def _second_order_cases(programs):
    """pytest params (f, mode, wrt): each program in each second-order mode, in each argument
    alone under HYPOTHESIS_PROFILE=thorough; in CI in one of them, the arguments taking turns
    along the modes and from one program to the next (each second derivative is a derivative
    of its own to make, the cost of these tables; each mode still meets each program and
    each argument)."""
    for k, f in enumerate(programs):
        for m, mode in enumerate(("hessian", "jvp_of_grad", "grad_of_grad")):
            for wrt in (0, 1):
                if THOROUGH or wrt == (k + m) % 2:
                    yield pytest.param(f, mode, wrt, id=f"{f.__name__}-{mode}-{wrt}")


def check_grad_of_grad(f, args, wrt):
    """The gradient of ``f`` differentiated again in reverse mode, against central differences
    of that gradient: ``grad(grad(f, wrt=1), wrt=1)`` in the number ``w``, the vjp of the
    gradient in the array ``x`` (whose gradient is an array, not a number grad takes)."""
    if wrt == 1:
        gw = astgrad.grad(f, wrt=1)
        got = astgrad.grad(gw, wrt=1)(*args)
        assert_close(got, numerical_grad(lambda *a: gw(*copies(a)), copies(args), wrt=1), RTOL2, ATOL2)
    else:
        check("vjp_of_grad", f, args, (wrt,))
