"""A row read at an index computed once before a loop of writes into its array
(``i = len(x) - 1; u = y[i]``, then ``y[i, k] = w * u[k + 1]`` in the loop: ``u`` is a view
and shows each write), differentiated twice in every way: hessian, the jvp of the gradient
and, in reverse over reverse, the grad of the grad. The index may be copied before the
read (``j = i; u = y[j]``), copied again in each pass of the loop (``j = i`` there: the
one value), rebound after the read (the row stays the one read), and two rows may be read
so; each program is checked in grad, value_and_grad, vjp and jvp against central differences
of the function, and to the second order against central differences of the gradient, at
two shapes. A row read at an index a loop changes is followed once
and refused twice in words naming the user's lines."""

import inspect
import re

import numpy as np
import pytest

import astgrad
from breadth_modes import check
from view_checks import FIRST, finite_difference_tests, start


def the_index_copied_before_the_read(x, w):
    y = np.sin(x)
    i = len(x) - 1
    j = i
    u = y[j]
    for k in range(2):
        y[i, k] = w * u[k + 1]
    return np.sum(u ** 3) + np.sum(y * x)


def the_index_rebound_after_the_read(x, w):
    y = np.sin(x)
    i = len(x) - 1
    u = y[i]
    i = 0               # the writes go into the first row; u stays the last one
    for k in range(2):
        y[i, k] = w * u[k + 1]
        y[-1, k] = y[-1, k] * w
    return np.sum(u ** 3) + np.sum(y * x)


def a_copy_of_the_index_rebound(x, w):
    y = np.sin(x)
    i = len(x) - 1
    j = i
    u = y[j]
    j = 0
    for k in range(2):
        y[i, k] = w * u[k + 1]
        y[j, k + 1] = y[j, k + 1] + u[k]
    return np.sum(u ** 3) + np.sum(y * x)


def two_rows_at_computed_indices(x, w):
    y = np.sin(x)
    i = len(x) - 1
    j = i - 1
    u = y[i]
    v = y[j]
    for k in range(2):
        y[i, k] = w * v[k + 1]
        y[j, k] = w * u[k + 1]
    return np.sum(u ** 3) + np.sum(v ** 2) + np.sum(y * x)


def a_copy_of_the_index_made_in_each_pass(x, w):
    y = np.sin(x)
    i = len(x) - 1
    for k in range(2):
        j = i           # again in each pass: the one value, the one row
        u = y[j]
        y[i, k] = w * u[k + 1]
    return np.sum(u ** 3) + np.sum(y * x)


ROWS = [the_index_copied_before_the_read, a_copy_of_the_index_made_in_each_pass, the_index_rebound_after_the_read,
        a_copy_of_the_index_rebound, two_rows_at_computed_indices]
SHAPES = [(2, 4), (4, 6)]
test_the_row_shows_the_writes_as_numpys_does, test_the_second_order_follows_the_row = \
    finite_difference_tests(ROWS, SHAPES)


def a_row_at_the_outer_loops_index(x, w):
    y = np.sin(x)
    for i in range(2):
        u = y[i]            # each pass of the outer loop reads another row
        for k in range(2):
            y[i, k] = w * u[k + 1]
    return np.sum(y * x)


@pytest.mark.parametrize("f", [a_row_at_the_outer_loops_index], ids=lambda f: f.__name__)
@pytest.mark.parametrize("second", ["hessian", "grad_of_grad"])
def test_a_row_at_an_index_a_loop_binds_is_followed_once_and_refused_twice_in_words(f, second):
    x = start((2, 4))
    for mode in FIRST:
        check(mode, f, (x, 0.8), (0, 1))
    with pytest.raises(astgrad.TransformError) as caught:       # grad of grad: when the outer grad is made
        twice = astgrad.hessian(f, wrt=1) if second == "hessian" else astgrad.grad(astgrad.grad(f, wrt=1), wrt=1)
        twice(x, 0.8)
    message, line = str(caught.value), f.__code__.co_firstlineno
    lines = inspect.getsource(f).splitlines()
    written = next(n for n, text in enumerate(lines) if "= w * u[k + 1]" in text)
    read = next(n for n, text in enumerate(lines) if "u = y[" in text)
    assert f"test_rows84.py:{line + written}: this line cannot be differentiated twice" in message, message
    assert f"while 'u' holds a row of it read before (line {line + read}: {lines[read].split('#')[0].strip()})" \
        in message, message
    assert "'u' is read, before the loop or in each pass, at a constant index (u = y[0]) or at a name bound " \
           "once, outside every loop (i = len(y) - 1; u = y[i]), or at a copy of such a name (j = i; u = y[j]); " \
           "and 'y' is not bound again" in message, message
    assert not re.search(r"\bt_\d|\bd_\w|_saved|_stack|_index", message), message
