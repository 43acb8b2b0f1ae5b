"""What the files of writes through views (tests/test_views80.py to test_views83.py)
share: the array each program starts from, and the two tests checking a
list of programs ``f(x, w)`` against central differences at the given shapes, in grad,
value_and_grad, vjp and jvp (in ``x`` and ``w`` at once), and in hessian and the jvp of the
gradient (in each argument alone)."""

import numpy as np
import pytest

from breadth_modes import check

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

    @pytest.mark.parametrize("wrt", [0, 1])
    @pytest.mark.parametrize("mode", ["hessian", "jvp_of_grad"])
    @pytest.mark.parametrize("shape", shapes, ids=str)
    @pytest.mark.parametrize("f", second_order, ids=lambda f: f.__name__)
    def test_the_second_order_takes_it_too(f, shape, mode, wrt):
        check(mode, f, (start(shape), 0.8), (wrt,))

    return test_the_write_is_taken_as_numpy_takes_it, test_the_second_order_takes_it_too
