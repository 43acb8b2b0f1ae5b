"""Writes into a reshape or ravel, the neighbours of ``z = y.T.reshape(-1); z[0] = w``: the
function forms (``np.reshape(y.T, -1)``, ``np.ravel(y.T)``), ``order="F"`` (a view of an array
laid out in Fortran order, a copy of one in C order), a C reshape of a Fortran array, all
columns but the first (a copy) and whole rows (a view), a view of the reshape kept and read after the
write, the reshape written in a loop, the array rebound between the reshape and the write, and
an argument reshaped and written. NumPy makes each a view or a copy from the layout, which
``test_numpy_makes_the_views_and_copies_these_programs_say`` checks; each program is checked in
grad, value_and_grad, vjp and jvp against central differences of the function, and in hessian
and the jvp of the gradient (in the array and in the value written) against central
differences of the gradient, at two shapes, the caller's arrays unchanged. A reshape in
``order="A"`` written into is followed too (the order it stands for is read from the array).
``op=`` on an array a dict holds beside a shallow copy of the dict (the copy holds the same
array and shows the change) is followed too; refused in words beside a name holding the array,
and its advice, a new value stored, is followed.
And a view bound in a branch of ``if big:``, written and read in the same branch of a later
``if big:`` (as reverse code reads views again), followed; under a test bound again, refused."""

import inspect

import numpy as np
import pytest

import astgrad
from breadth_modes import check
from view_checks import FIRST, finite_difference_tests, start


def function_reshape_viewing(x, w):
    y = x.T * 1.0               # laid out as x.T: y.T's reshape is a view
    z = np.reshape(y.T, -1)
    z[0] = w
    z[1:3] *= w
    return np.sum(z ** 2) + np.sum(y * x.T)

def function_reshape_copying(x, w):
    y = x * 1.0
    z = np.reshape(y.T, -1)     # y.T is not laid out in C order: a copy
    z[0] = w
    z[1:3] *= w
    return np.sum(z ** 2) + np.sum(y * x)

def function_ravel_viewing(x, w):
    y = np.sin(x.T)
    z = np.ravel(y.T)
    z *= w
    z[1] = w * z[0]
    return np.sum(z ** 3) + np.sum(y * x.T)

def function_ravel_copying(x, w):
    y = np.sin(x)
    z = np.ravel(y.T)
    z *= w
    z[1] = w * z[0]
    return np.sum(z ** 3) + np.sum(y * x)

def fortran_reshape_in_fortran_order(x, w):
    y = x.T * 1.0               # laid out as x.T, in Fortran order: its reshape in F order is a view
    z = y.reshape(-1, order="F")
    z[0] = w
    return np.sum(z ** 2) + np.sum(y * x.T)

def c_reshape_in_fortran_order(x, w):
    y = x * 1.0                 # C layout: its reshape in F order copies
    z = np.reshape(y, -1, order="F")
    z[0] = w
    return np.sum(z ** 2) + np.sum(y * x)

def fortran_reshape_in_c_order(x, w):
    y = x.T * 1.0               # Fortran order: its reshape in C order copies
    z = np.reshape(y, -1)
    z[1] = w
    return np.sum(z ** 2) + np.sum(y * x.T)

def transpose_reshaped_in_fortran_order(x, w):
    y = x * 1.0
    z = y.T.reshape(-1, order="F")   # y.T is laid out in Fortran order: a view
    z[1] = w * z[0]
    z[2:] *= w
    return np.sum(z ** 2) + np.sum(y * x)


def view_of_the_reshape_kept(x, w):
    y = x.T * 1.0
    z = np.reshape(y.T, -1)
    v = z[1:]
    z[1] = w * z[0]             # shown by v and by y
    return np.sum(v ** 2) + np.sum(y * x.T)

def view_of_the_copying_reshape_kept(x, w):
    y = x * 1.0
    z = np.reshape(y.T, -1)
    v = z[1:]
    z[1] = w * z[0]             # shown by v, not by y
    return np.sum(v ** 2) + np.sum(y * x)

def viewing_reshape_written_in_a_loop(x, w):
    y = np.cos(x.T)
    z = np.reshape(y.T, -1)
    for k in range(2):
        z[k] = z[k + 1] * w
    return np.sum(z ** 2) + np.sum(y ** 2 * x.T)

def array_rebound_between(x, w):
    y = x.T * 1.0
    z = np.reshape(y.T, -1)
    u = y
    y = y * 2.0                 # z still views the first array, u holds it
    z[0] = w
    return np.sum(z ** 2) + np.sum(y * x.T) + np.sum(u * x.T)

def strided_reshape_copying(x, w):
    y = x * 1.0
    z = np.reshape(y[:, 1:], -1)     # all columns but the first: a copy
    z[0] = w
    return np.sum(z ** 2) + np.sum(y * x)

def contiguous_rows_reshape_viewing(x, w):
    y = x * 1.0
    z = np.reshape(y[1:], -1)   # whole rows: a view
    z[0] = w
    z *= w
    return np.sum(z ** 2) + np.sum(y * x)


def fortran_ravel_in_fortran_order(x, w):
    y = np.cos(x.T)             # Fortran order: its ravel in F order is a view
    z = np.ravel(y, order="F")
    z[1:] *= w
    return np.sum(z ** 2) + np.sum(y * x.T)


def argument_reshaped_by_function(x, w):
    z = np.reshape(x, -1)       # a view of the caller's array, which must not change
    z[0] = w * z[1]
    return np.sum(z ** 2) + np.sum(x * 2.0)


PROGRAMS = [function_reshape_viewing, function_reshape_copying, function_ravel_viewing, function_ravel_copying,
            fortran_reshape_in_fortran_order, c_reshape_in_fortran_order, fortran_reshape_in_c_order,
            fortran_ravel_in_fortran_order, transpose_reshaped_in_fortran_order, view_of_the_reshape_kept,
            view_of_the_copying_reshape_kept, viewing_reshape_written_in_a_loop, array_rebound_between,
            strided_reshape_copying, contiguous_rows_reshape_viewing, argument_reshaped_by_function]
SHAPES = [(2, 3), (3, 4)]


(test_the_write_is_taken_as_numpy_takes_it,
 test_the_second_order_takes_it_too) = finite_difference_tests(PROGRAMS, SHAPES)


def c_layout(x):
    return x * 1.0


def f_layout(x):
    return x.T * 1.0


# (how y is made, how z is taken of it, whether z is a view of y), as the programs above say
LAYOUTS = [
    (lambda x: x.T * 1.0, lambda y: np.reshape(y.T, -1), True),
    (c_layout, lambda y: np.reshape(y.T, -1), False),
    (lambda x: x.T * 1.0, lambda y: np.ravel(y.T), True),
    (c_layout, lambda y: np.ravel(y.T), False),
    (f_layout, lambda y: y.reshape(-1, order="F"), True),
    (c_layout, lambda y: np.reshape(y, -1, order="F"), False),
    (f_layout, lambda y: np.reshape(y, -1), False),
    (f_layout, lambda y: np.ravel(y, order="F"), True),
    (c_layout, lambda y: y.T.reshape(-1, order="F"), True),
    (c_layout, lambda y: np.reshape(y[:, 1:], -1), False),
    (c_layout, lambda y: np.reshape(y[1:], -1), True),
]


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("row", range(len(LAYOUTS)))
def test_numpy_makes_the_views_and_copies_these_programs_say(row, shape):
    make, take, is_view = LAYOUTS[row]
    y = make(start(shape))
    assert np.shares_memory(take(y), y) == is_view


def any_order_written(x, w):
    y = x.T * 1.0
    z = np.reshape(y.T, -1, order="A")     # y.T is laid out in C order: "A" is "C", a view
    z[0] = w
    return np.sum(z ** 2) + np.sum(y * x.T)


@pytest.mark.parametrize("mode", FIRST + ("hessian", "jvp_of_grad"))
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_a_reshape_in_any_order_written_is_followed(shape, mode):
    # refused until order="A" was given the order it stands for (test_views82.py has more)
    check(mode, any_order_written, (start(shape), 0.8), (0, 1) if mode in FIRST else (1,))
    y = start(shape).T * 1.0
    assert np.shares_memory(np.reshape(y.T, -1, order="A"), y)


def dict_item_scaled_beside_its_copy(x, w):
    s = {"a": x * 1.0, "b": x + 1.0}
    c = s.copy()                # holds the same arrays: c["a"] shows the change, as in Python
    s["a"] *= w
    return np.sum(c["a"] ** 2) + np.sum(s["a"] * s["b"])


def copy_item_scaled_beside_the_dict(x, w):
    s = {"a": x * 1.0}
    c = dict(s)
    c["a"] *= w
    return np.sum(s["a"] ** 2) + np.sum(c["a"])


@pytest.mark.parametrize("mode", FIRST + ("hessian", "jvp_of_grad"))
@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("f", [dict_item_scaled_beside_its_copy, copy_item_scaled_beside_the_dict],
                         ids=lambda f: f.__name__)
def test_op_on_an_array_a_dict_holds_beside_its_copy_is_followed(f, shape, mode):
    # refused until op= stored the new value into each dict holding that very array
    # (test_views82.py has more)
    check(mode, f, (start(shape), 0.8), (0, 1) if mode in FIRST else (1,))


def dict_item_scaled_beside_a_name_holding_it(x, w):
    s = {"a": x * 1.0, "b": x + 1.0}
    c = s.copy()
    a = c["a"]                  # a name holding the array too: not followed
    s["a"] *= w
    return np.sum(a ** 2) + np.sum(c["a"] * s["b"])


@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_op_on_an_array_a_dict_holds_beside_a_name_holding_it_is_refused_in_words(mode):
    f, x = dict_item_scaled_beside_a_name_holding_it, start((2, 3))
    run = (lambda: astgrad.grad(f, wrt=1)(x, 0.8)) if mode == "grad" else \
        (lambda: astgrad.jvp(f, (x, 0.8), (np.zeros_like(x), 1.0)))
    with pytest.raises(TypeError, match=r"test_views80\.py:\d+: op= \(\+= and the like\) on an ndarray held by a "
                       r"dict changes that object in place, and other names or items holding it would change too, "
                       r"which astgrad cannot follow\. Compute the new value and store it wherever the object is "
                       r"held") as caught:
        run()
    lines, first = inspect.getsourcelines(f)
    line = int(str(caught.value).split("test_views80.py:")[1].split(":")[0])
    assert lines[line - first].strip() == 's["a"] *= w'


def dict_item_stored_new_wherever_held(x, w):
    s = {"a": x * 1.0, "b": x + 1.0}
    c = s.copy()
    v = s["a"] * w              # the advice: a new value stored where the array was held
    s["a"] = v
    c["a"] = v
    return np.sum(c["a"] ** 2) + np.sum(s["a"] * s["b"])


@pytest.mark.parametrize("mode", FIRST + ("hessian",))
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_the_advised_rewrite_is_followed(shape, mode):
    check(mode, dict_item_stored_new_wherever_held, (start(shape), 0.8), (0, 1))


def view_bound_in_a_branch_written_in_the_same_branch_later(x, w):
    y = x * 1.0
    big = w > 0.5
    if big:
        v = y[1:]
    if big:
        y[1, 0] = w * y[0, 0]       # shown by v, as in NumPy
        return np.sum(v ** 2) + np.sum(y * x)
    y[0, 1] = w * y[0, 0]
    return np.sum(y ** 3 * x)


@pytest.mark.parametrize("w", [0.8, 0.3])
@pytest.mark.parametrize("mode", FIRST + ("hessian", "jvp_of_grad"))
@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_a_view_bound_in_a_branch_shows_a_write_in_the_same_branch_of_a_later_test(shape, mode, w):
    wrt = (0, 1) if mode in FIRST else (0,)
    check(mode, view_bound_in_a_branch_written_in_the_same_branch_later, (start(shape), w), wrt)


def view_bound_in_a_branch_test_bound_again(x, w):
    y = x * 1.0
    big = w > 0.5
    if big:
        v = y[1:]
    big = w > 0.7
    if big:
        y[1, 0] = w * y[0, 0]
        return np.sum(v ** 2) + np.sum(y * x)
    return np.sum(y * x)


def test_a_view_bound_under_another_test_stays_refused():
    with pytest.raises(astgrad.TransformError, match=r"test_views80\.py:\d+: assignment into an element of 'y' "
                       r"while another name may share its memory"):
        astgrad.grad(view_bound_in_a_branch_test_bound_again, wrt=1)(start((2, 3)), 0.8)
