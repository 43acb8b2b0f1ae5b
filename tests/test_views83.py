"""Writes in a loop into the array of a row read before the loop, now followed to the
second order (``u = y[0]``, then ``for k in range(2): y[0, k] = w * u[k + 1]``: ``u`` is a
view and shows each write, as NumPy has it; also in a while loop, nested loops, a branch in
the loop, another row written, a row from the end, the row read again in each pass
(``u = y[0]`` inside the loop) or at an index the code computes once before the loop
(test_views84.py has more); still refused in words where the loop binds the array again.
Dict copies of dict copies in every spelling, followed: ``c = s.copy()`` then
``e = dict(c)``, ``e = {**c}``, ``e = copy.copy(c)`` or ``e = c.copy()``, and ``s["a"] *= w``
changes the one array ``s``, ``c`` and ``e`` hold there, as in Python (``dict(c)`` and
``{**c}`` were refused in words or when the code ran). What Python does is checked first
(the dicts' items are the very arrays), so a test would catch a wrong claim; each program is
then checked in grad, value_and_grad, vjp and jvp against central differences of the
function, and in hessian and the jvp of the gradient against central differences of the
gradient, at two shapes. Also the oracle itself: an argument laid out in Fortran order (a
transposed array) whose reshape the function writes, where NumPy copies rather than views,
is perturbed in its own layout, so the differences agree with astgrad's derivatives."""

import copy
import inspect
import re

import numpy as np
import pytest

import astgrad
from breadth_modes import check
from fd import numerical_grad, numerical_hessian, numerical_jvp
from view_checks import FIRST, finite_difference_tests, start


def dict_of_a_copy_scaled(x, w):
    s = {"a": x * 1.0, "b": x + 1.0}
    c = s.copy()
    e = dict(c)                     # e["a"] is c["a"] is s["a"]
    s["a"] *= w
    return np.sum(e["a"] ** 2) + np.sum(c["a"] * s["b"])


def display_of_a_copy_scaled(x, w):
    s = {"a": np.sin(x), "b": x * 2.0}
    c = dict(s)
    e = {**c}
    s["b"] += w * s["a"]
    e["a"] *= w                     # s and c show it too
    return np.sum(s["a"] ** 3) + np.sum(e["b"] * c["a"])


def copy_copy_of_a_copy_in_a_loop(x, w):
    s = {"a": x * 1.0}
    c = {**s}
    e = copy.copy(c)
    for _ in range(2):
        c["a"] *= w
    return np.sum(s["a"] ** 3) + np.sum(e["a"] * x)


def dict_of_a_copy_given_another(x, w):
    s = {"a": np.cos(x), "b": x * 1.0}
    c = s.copy()
    e = dict(c)
    e["a"] = x * 3.0                # e holds a new array there: s["a"] *= w leaves it
    s["a"] *= w
    s["b"] -= w * e["a"]            # c["b"] and e["b"] show this one
    return np.sum(e["a"] ** 2) + np.sum(c["b"] * c["a"]) + np.sum(e["b"] ** 2)


def dict_of_a_copy_scaled_in_a_branch(x, w):
    s = {"a": x * 1.0}
    c = s.copy()
    e = dict(c)
    if w > 0.5:
        e["a"] *= w
    return np.sum(s["a"] ** 2) + np.sum(c["a"] * x)


def row_read_before_writes_in_a_loop(x, w):
    y = np.sin(x)
    u = y[0]
    for k in range(2):
        y[0, k] = w * u[k + 1]      # u shows each write
    return np.sum(u ** 2) + np.sum(y * x)


def row_read_before_writes_the_next_pass_reads(x, w):
    y = np.sin(x)
    u = y[0]
    for k in range(2):
        y[0, k + 1] = w * u[k]      # the second pass reads, through u, what the first wrote
    return np.sum(u ** 3) + np.sum(y * x)


def row_read_before_a_while_loop_writes(x, w):
    y = np.cos(x)
    u = y[0]
    k = 0
    while k < 2:
        y[0, k] = w * u[k + 1]
        k += 1
    return np.sum(u ** 3) + np.sum(y * x)


def row_read_before_nested_loops_write(x, w):
    y = np.sin(x)
    u = y[0]
    for k in range(2):
        for j in range(2):
            y[0, k + j] = w * u[k + j + 1]
    return np.sum(u ** 2) + np.sum(y ** 2)


def last_row_read_before_a_loop_writing_in_a_branch(x, w):
    y = np.sin(x)
    u = y[-1]
    for k in range(2):
        if k > 0:
            y[-1, k] = w * u[k + 1]
        y[0, k] += u[k]             # another row, reading u
    return np.sum(u ** 2) + np.sum(y * x)


def another_row_written_in_a_loop(x, w):
    y = np.sin(x)
    u = y[0]
    for k in range(2):
        y[1, k] = w * u[k + 1]      # u does not show these
    return np.sum(u ** 2) + np.sum(y * x)


def row_read_before_a_loop_without_writes_into_it(x, w):
    y = np.sin(x)
    u = y[0]
    for k in range(2):
        y[0, k] = w * x[0, k]
    return np.sum(u ** 2) + np.sum(y * x)


def row_read_inside_the_loop(x, w):
    y = np.sin(x)
    for k in range(2):
        u = y[0]
        y[0, k] = w * u[k + 1]
    return np.sum(u ** 2) + np.sum(y * x)


def row_read_at_a_computed_index(x, w):
    y = np.sin(x)
    i = len(x) - 2
    u = y[i]
    for k in range(2):
        y[i, k] = w * u[k + 1]
    return np.sum(u ** 2) + np.sum(y * x)


ROWS = [row_read_before_writes_in_a_loop, row_read_before_writes_the_next_pass_reads, row_read_before_a_while_loop_writes, row_read_before_nested_loops_write,
        last_row_read_before_a_loop_writing_in_a_branch, another_row_written_in_a_loop,
        row_read_before_a_loop_without_writes_into_it, row_read_inside_the_loop, row_read_at_a_computed_index]

PROGRAMS = ROWS + [dict_of_a_copy_scaled, display_of_a_copy_scaled, copy_copy_of_a_copy_in_a_loop,
            dict_of_a_copy_given_another, dict_of_a_copy_scaled_in_a_branch]
SHAPES = [(2, 4), (4, 6)]
# each program in grad, value_and_grad, vjp, jvp, hessian and the jvp of its gradient (view_checks.py)
test_each_dict_holding_the_array_shows_the_change, test_the_second_order_shows_it_too = \
    finite_difference_tests(PROGRAMS, SHAPES)


def test_numpy_shows_each_write_in_the_row():
    y = np.sin(start((2, 4)))
    u = y[0]
    was = u.copy()
    for k in range(2):
        y[0, k] = 0.8 * u[k + 1]
    assert np.shares_memory(u, y) and np.array_equal(u, y[0])
    assert u[0] == 0.8 * was[1] and u[1] == 0.8 * was[2]
    y = np.sin(start((2, 4)))
    u = y[0]
    for k in range(2):
        y[0, k + 1] = 0.8 * u[k]    # the second pass reads what the first wrote
    assert u[2] == 0.8 * 0.8 * np.sin(start((2, 4)))[0, 0]


def test_the_values_are_pythons():
    x = start((4, 6))
    for f in PROGRAMS:
        value, _ = astgrad.value_and_grad(f, wrt=1)(x, 0.8)
        assert value == pytest.approx(f(x.copy(), 0.8), rel=1e-14), f.__name__


@pytest.mark.parametrize("spell", [dict, copy.copy, lambda c: {**c}, lambda c: c.copy()],
                         ids=["dict", "copy.copy", "display", "method"])
def test_python_copies_of_a_copy_hold_the_very_arrays(spell):
    x = start((2, 4))
    s = {"a": x * 1.0}
    c = s.copy()
    e = spell(c)
    assert e is not c and e["a"] is s["a"]
    s["a"] *= 0.8
    assert np.array_equal(e["a"], x * 0.8)


# -- the oracle keeps an argument's layout --------------------------------------------------

def reshape_of_the_argument_written(x, w):
    y = x * 1.0                     # laid out as x is: in Fortran order for a transposed x
    z = y.reshape(-1)               # a copy of a Fortran-ordered y, a view of a C-ordered one
    z[0] = w * z[1]
    return np.sum(y ** 2) + np.sum(z ** 3)


def test_numpy_copies_a_fortran_arrays_reshape():
    x = start((4, 2)).T
    assert x.flags.f_contiguous and not x.flags.c_contiguous
    y = x * 1.0
    assert y.flags.f_contiguous and not np.shares_memory(y.reshape(-1), y)
    c = start((2, 4))
    assert np.shares_memory(c.reshape(-1), c)


@pytest.mark.parametrize("shape", [(4, 2), (6, 4)], ids=str)
def test_the_oracle_perturbs_in_the_arguments_layout(shape):
    x = start(shape).T              # Fortran order: reshape copies, y keeps its first element
    f = reshape_of_the_argument_written
    grad = astgrad.grad(f, wrt=0)(x, 0.8)
    np.testing.assert_allclose(grad, numerical_grad(f, (x, 0.8), wrt=0), rtol=1e-5, atol=1e-6)
    assert grad[0, 0] != pytest.approx(0.0)      # the element a view would overwrite counts here
    tangent = np.cos(np.arange(x.size, dtype=float)).reshape(x.shape)
    _, d = astgrad.jvp(f, (x, 0.8), (tangent, 0.0))
    np.testing.assert_allclose(d, numerical_jvp(f, (x, 0.8), (tangent, None)), rtol=1e-5, atol=1e-6)
    hessian = astgrad.hessian(f, wrt=0)(x, 0.8)
    want = numerical_hessian(astgrad.grad(f, wrt=0), (x, 0.8), wrt=0)
    np.testing.assert_allclose(np.reshape(hessian, want.shape), want, rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("mode", FIRST + ("hessian", "jvp_of_grad"))
@pytest.mark.parametrize("shape", [(4, 2), (6, 4)], ids=str)
def test_a_transposed_argument_whose_reshape_is_written(shape, mode):
    check(mode, reshape_of_the_argument_written, (start(shape).T, 0.8), (0, 1) if mode in FIRST else (0,))


def array_bound_again_in_the_loop(x, w):
    y = np.sin(x)
    u = y[0]
    for k in range(2):
        y[0, k] = w * u[k + 1]
        y = y * 1.0                 # u keeps viewing the first array
    return np.sum(u ** 2) + np.sum(y * x)


@pytest.mark.parametrize("f", [array_bound_again_in_the_loop], ids=lambda f: f.__name__)
def test_other_rows_across_writes_in_a_loop_are_followed_once_and_refused_twice_in_words(f):
    x = start((2, 4))
    for mode in FIRST:
        check(mode, f, (x, 0.8), (0, 1))
    with pytest.raises(astgrad.TransformError) as caught:
        astgrad.hessian(f, wrt=1)(x, 0.8)
    message, line = str(caught.value), f.__code__.co_firstlineno
    written = next(n for n, text in enumerate(inspect.getsource(f).splitlines()) if "= w * u[k + 1]" in text)
    assert f"test_views83.py:{line + written}: this line cannot be differentiated twice" in message, message
    assert "writes into 'y' as this line does, while 'u' holds a row of it read before" in message, message
    assert "astgrad follows that twice where, for a write inside a loop, 'u' is read, before the loop or in " \
           "each pass, at a constant index (u = y[0]) or at a name bound once, outside every loop " \
           "(i = len(y) - 1; u = y[i]), or at a copy of such a name (j = i; u = y[j]); and 'y' is not bound again " \
           "in the loop; not here" in message, message
    assert not re.search(r"\bt_\d|\bd_\w|_saved|_stack", message), message
