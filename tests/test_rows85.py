"""Rows, list copies and copied reshapes written into, now followed to the second order
(hessian, the jvp of the gradient and the grad of the grad) where they were refused twice:

- a row read in a loop at an index copied in each pass from a name bound once before it
  (``i = len(x) - 1``, then ``for k in range(2): j = i; u = y[j]; y[i, k] = w * u[k + 1]``):
  ``j`` holds the one value ``i`` holds, so ``u`` is the one row in every pass, a view
  showing each write; also copied twice, two such rows, the row read again at ``i`` itself
  in each pass, a loop of no turn;
- ``q = acc.copy()`` of a list, popped in a loop (``v = q.pop(0)``): a list's copy is
  ``list(acc)``, whose items the derivative knows are the list's, not rows of an array;
- a reshape or ravel that copies (``y[:, 1:].ravel(order="A")``, ``y.T.reshape(-1)``)
  written with a bare name (``z[0] = w``), where NumPy copies the value into the array; and
  at a negative index followed by a write into the array, which stopped in the copy's branch
  naming a value astgrad made.

What NumPy does is checked first (which of these is a copy, which a view), so a test would
catch a wrong claim. Each program is checked in grad, value_and_grad, vjp and jvp against
central differences of the function, and to the second order against central differences
of the gradient, at two shapes. Their neighbours that are not the one row or the list
(an index the loop binds to another value, a list the caller hands in, a write in a loop
into a copied reshape) are followed once and refused twice in words naming the user's line."""

import inspect
import re

import numpy as np
import pytest

import astgrad
from breadth_modes import check
from view_checks import FIRST, finite_difference_tests, start


# -- a row at an index copied in each pass ---------------------------------------------

def index_copied_in_each_pass(x, w):
    y = np.sin(x)
    i = len(x) - 1
    for k in range(2):
        j = i               # the one value in every pass: u is the one row
        u = y[j]
        y[i, k] = w * u[k + 1]
    return np.sum(u ** 3) + np.sum(y * x)


def index_copied_twice_in_each_pass(x, w):
    y = np.cos(x)
    i = len(x) - 2
    for k in range(2):
        j = i
        m = j
        u = y[m]
        y[j, k + 1] = w * u[k] ** 2
    return np.sum(u ** 2) + np.sum(y * x)


def two_rows_copied_in_each_pass(x, w):
    y = np.sin(x)
    i = len(x) - 1
    h = i - 1
    for k in range(2):
        j = i
        g = h
        u = y[j]
        v = y[g]
        y[j, k] = w * v[k + 1]
        y[g, k] = w * u[k + 1]
    return np.sum(u ** 3) + np.sum(v ** 2) + np.sum(y * x)


def copied_in_a_loop_of_no_turn(x, w):
    y = np.sin(x)
    i = len(x) - 1
    u = y[i]
    for k in range(len(x) - 2):     # no turn at two rows
        j = i
        u = y[j]
        y[i, k] = w * u[k + 1]
    y[i, 0] = w * u[1]
    return np.sum(u ** 3) + np.sum(y * x)


def fixed_index_read_in_each_pass(x, w):
    y = np.sin(x)
    i = len(x) // 2
    for k in range(2):
        u = y[i]
        y[i, k + 1] = w * u[k] + u[k + 1]
    return np.sum(u ** 3) + np.sum(y * x)


def index_argument_read_in_each_pass(x, w, i=1):
    y = np.sin(x)
    for k in range(2):
        u = y[i]
        y[i, k + 1] = w * u[k] * u[k + 1]
    return np.sum(u ** 3) + np.sum(y * x)


def fixed_index_read_in_a_while_loop(x, w):
    y = np.cos(x)
    i = len(x) - 1
    k = 0
    while k < 2:
        u = y[i]
        y[i, k] = w * u[k + 1]
        k = k + 1
    return np.sum(u ** 2) + np.sum(y * x)


ROWS = [index_copied_in_each_pass, index_copied_twice_in_each_pass, two_rows_copied_in_each_pass,
        copied_in_a_loop_of_no_turn, fixed_index_read_in_each_pass, index_argument_read_in_each_pass,
        fixed_index_read_in_a_while_loop]


# -- a list's copy popped in a loop ----------------------------------------------------

def copy_of_a_list_popped_in_a_loop(x, w):
    acc = [x * 1.0, x * w, np.sin(x) * w]
    s = 0.0
    for k in range(2):
        q = acc.copy()
        v = q.pop(0)
        s = s + np.sum(v * w ** 2) + np.sum(q[0] * q[1])
    return s + np.sum(acc[0])


def copy_of_a_list_popped_at_its_end(x, w):
    acc = [np.sin(x) * w, x * w]
    s = 0.0
    for k in range(2):
        q = acc.copy()
        v = q.pop()
        s = s + np.sum(v * q[0] * w)
    return s


def copy_popped_while_it_holds_items(x, w):
    acc = [x * w, np.cos(x) * w, x ** 2]
    s = 0.0
    for k in range(2):
        q = acc.copy()
        while len(q) > 1:
            v = q.pop(0)
            s = s + np.sum(v * q[0]) * w
    return s


def copy_of_a_comprehension_the_list_grows_after(x, w):
    acc = [x * c for c in (1.0, 2.0, 3.0)]
    s = 0.0
    for k in range(2):
        q = acc.copy()
        acc.append(q.pop(0) * w)        # q keeps the items it was made with
        s = s + np.sum(q[0] * w) + np.sum(acc[-1] ** 2)
    return s


def copy_of_a_list_of_rows(x, w):
    acc = list(np.sin(x) * w)           # the rows of a new array
    s = 0.0
    for k in range(2):
        q = acc.copy()
        v = q.pop(0)
        s = s + np.sum(v * q[-1] * w)
    return s


def copy_of_a_list_bound_twice(x, w):
    acc = [x * 1.0, x * w]
    acc = [np.sin(x) * w, x * w]        # a list again
    s = 0.0
    for k in range(2):
        q = acc.copy()
        v = q.pop(0)
        s = s + np.sum(v * q[0] * w)
    return s


def copy_in_a_loop_of_no_turn(x, w):
    acc = [x * w, np.sin(x)]
    s = np.sum(acc[1] * w)
    for k in range(len(x) - 2):
        q = acc.copy()
        v = q.pop(0)
        s = s + np.sum(v * w)
    return s


LISTS = [copy_of_a_list_popped_in_a_loop, copy_of_a_list_popped_at_its_end, copy_popped_while_it_holds_items,
         copy_of_a_comprehension_the_list_grows_after, copy_of_a_list_of_rows, copy_of_a_list_bound_twice,
         copy_in_a_loop_of_no_turn]


# -- a reshape or ravel that copies, a bare name stored -----------------------------------

def any_order_of_a_column_slice_stored_bare(x, w):
    y = np.sin(x)
    z = y[:, 1:].ravel(order="A")   # laid out in neither order: "C", a copy
    z[0] = w
    return np.sum(z ** 2) + np.sum(y ** 3)


def reshape_of_a_transpose_stored_bare(x, w):
    y = np.cos(x) * 1.5
    z = y.T.reshape(-1)             # y.T is not laid out in C order: a copy
    z[1] = w
    return np.sum(z ** 3) + np.sum(y * x)


def contiguous_ravel_stored_bare(x, w):
    y = np.tanh(x)
    z = y.ravel(order="A")          # a view: the write shows in y
    z[0] = w
    return np.sum(z ** 2) + np.sum(y * x)


def a_column_slice_at_the_end_then_the_array(x, w):
    y = np.exp(x)
    z = np.reshape(y[:, 1:], -1, order="A")     # a copy
    z[-1] = w
    y[0, 0] = w * z[0]
    return np.sum(z * w) + np.sum(y ** 2)


def the_argument_copied_in(x, w):
    y = np.sin(x * w)
    z = y[:, 1:].reshape(-1)
    z[0:2] = x[0, :2]               # a view of the argument: its values copied in
    return np.sum(z ** 2) * w + np.sum(y ** 3)


COPIES = [any_order_of_a_column_slice_stored_bare, reshape_of_a_transpose_stored_bare, contiguous_ravel_stored_bare,
          a_column_slice_at_the_end_then_the_array, the_argument_copied_in]

SHAPES = [(2, 4), (4, 6)]
test_numpy_and_astgrad_agree, test_the_second_order_follows_them = \
    finite_difference_tests(ROWS + LISTS + COPIES, SHAPES)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_numpy_copies_or_views_as_the_programs_say(shape):
    y = np.sin(start(shape))
    assert not np.shares_memory(y[:, 1:].ravel(order="A"), y)
    assert not np.shares_memory(y.T.reshape(-1), y)
    assert np.shares_memory(y.ravel(order="A"), y)
    assert not np.shares_memory(np.reshape(y[:, 1:], -1, order="A"), y)
    j = i = len(y) - 1
    assert np.shares_memory(y[j], y[i]) and y[j].base is y
    acc = [y[0], y[1]]
    q = acc.copy()
    assert q.pop(0) is acc[0] and len(acc) == 2


# -- refused twice, in words --------------------------------------------------------------

def index_bound_to_a_number_in_the_loop(x, w):
    y = np.sin(x)
    i = len(x) - 1
    for k in range(2):
        j = i
        u = y[j]
        j = 0
        y[j, k] = w * u[k + 1]
        y[i, k] = y[i, k] * w
    return np.sum(u ** 3) + np.sum(y * x)


def index_a_copy_of_the_loop_variable(x, w):
    y = np.sin(x)
    for k in range(2):
        j = k
        u = y[j]
        y[j, k] = w * u[k + 1]
    return np.sum(u ** 3) + np.sum(y * x)


def index_copied_then_given_another_row(x, w):
    y = np.sin(x)
    i = len(x) - 1
    for k in range(2):
        j = i
        u = y[j]
        y[j, k] = w * u[k + 1]
        j = i - 1
        y[j, k] = y[j, k] + u[k]
    return np.sum(u ** 3) + np.sum(y * x)


def index_copied_from_two_names(x, w):
    y = np.sin(x)
    i = len(x) - 1
    h = 0
    for k in range(2):
        j = i
        u = y[j]
        y[i, k] = w * u[k + 1]
        j = h
    return np.sum(u ** 3) + np.sum(y * x)


@pytest.mark.parametrize("f", [index_bound_to_a_number_in_the_loop, index_a_copy_of_the_loop_variable,
                               index_copied_then_given_another_row, index_copied_from_two_names],
                         ids=lambda f: f.__name__)
def test_a_row_at_an_index_the_loop_changes_is_refused_twice_in_words(f):
    x = start((2, 4))
    for mode in FIRST:
        check(mode, f, (x, 0.8), (0, 1))
    for twice in (astgrad.hessian(f, wrt=1), lambda *a: astgrad.grad(astgrad.grad(f, wrt=1), wrt=1)(*a)):
        with pytest.raises(astgrad.TransformError) as caught:
            twice(x, 0.8)
        message = str(caught.value)
        assert re.search(r"test_rows85\.py:\d+: this line cannot be differentiated twice", message), message
        assert "'u' holds a row of it read before (line " in message and ": u = y[j])" in message, message
        assert "or at a copy of such a name (j = i; u = y[j])" in message, message
        assert _line_of(caught.value, f).startswith("y[")
        _assert_in_the_users_words(message)


def copy_of_a_list_handed_in(x, w, acc=None):
    acc = [x * w, x] if acc is None else acc    # the caller's list, or maybe no list
    s = 0.0
    for k in range(2):
        q = acc.copy()
        v = q.pop(0)
        s = s + np.sum(v * w ** 2)
    return s


def test_a_copy_of_what_may_be_no_list_popped_in_a_loop_is_refused_twice_in_words():
    f = copy_of_a_list_handed_in
    x = start((2, 4))
    for mode in FIRST:
        check(mode, f, (x, 0.8), (0, 1))
    with pytest.raises(astgrad.TransformError) as caught:
        astgrad.hessian(f, wrt=1)(x, 0.8)
    message = str(caught.value)
    assert "this line cannot be differentiated twice: q.pop(0) pops an item off 'q' inside a loop" in message, message
    assert _line_of(caught.value, f) == "v = q.pop(0)"
    _assert_in_the_users_words(message)


def popped_item_written_in_place(x, w):
    acc = [x * 1.0, x * w]
    s = 0.0
    for k in range(2):
        q = acc.copy()
        v = q.pop(0)
        v[0] = v[0] * w         # v is acc[0] itself: acc shows it
        s = s + np.sum(v * w)
    return s + np.sum(acc[0] ** 2)


@pytest.mark.parametrize("how", ["grad", "hessian"])
def test_an_item_popped_off_the_copy_written_in_place_is_refused_in_words(how):
    f = popped_item_written_in_place
    with pytest.raises(astgrad.TransformError) as caught:
        (astgrad.grad if how == "grad" else astgrad.hessian)(f, wrt=1)(start((2, 4)), 0.8)
    message = str(caught.value)
    assert "assignment into an element of 'v' while another name may share its memory" in message, message
    assert _line_of(caught.value, f).startswith("v[0] = v[0] * w")
    _assert_in_the_users_words(message)


def copied_reshape_stored_bare_in_a_loop(x, w):
    y = np.sin(x)
    z = y[:, 1:].ravel(order="A")
    for k in range(2):
        z[k] = w
        z[k + 1] = z[k + 1] * w
    return np.sum(z ** 2) + np.sum(y ** 3)


def test_a_copied_reshape_stored_into_in_a_loop_is_followed_once_and_refused_twice_in_words():
    f = copied_reshape_stored_bare_in_a_loop
    x = start((2, 4))
    for mode in FIRST:
        check(mode, f, (x, 0.8), (0, 1))
    with pytest.raises(astgrad.TransformError) as caught:
        astgrad.hessian(f, wrt=1)(x, 0.8)
    message = str(caught.value)
    assert "this line cannot be differentiated twice: the derivative astgrad generated for it writes into 'z'" \
        in message, message
    assert _line_of(caught.value, f) in ("z[k] = w", "z[k + 1] = z[k + 1] * w")
    _assert_in_the_users_words(message)


def _line_of(error, f):
    """The text of the line of ``f`` the error names (which must be one of ``f``'s)."""
    lines, first = inspect.getsourcelines(f)
    line = int(re.search(r"test_rows85\.py:(\d+):", str(error)).group(1))
    assert first < line < first + len(lines)
    return lines[line - first].strip()


def _assert_in_the_users_words(message):
    assert not re.search(r"\bt_\d|\bd_\w|_saved|_stack|_index|_own\b|_new\b", message), message
