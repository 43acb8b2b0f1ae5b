"""Writes through views and slices that were refused, followed now: a view of a view
expression (``t = numpy.swapaxes(y.T, 0, 1); t[0] = w``, ``t = y[1:][:2]``, ``y.T[1:]``);
a view kept across a rebinding of its array and written after it (``z = y.reshape(-1);
y = y * 2.0; z[0] = w``: the old array changes, the new ``y`` does not); a view the caller
holds while a helper writes through its own view of the array (``v = y[1:]; h(y, w)``), also
handed an item of a list that is provably that array (``ys = [y]; h(ys[0], w)``); a
copying reshape written after the rebinding (into the copy alone); a helper storing into a slice of the list it is handed (``xs[1:3] = [v, v]``); ``op=`` on a
copy of a dict item. Each in grad, value_and_grad, vjp (a random cotangent), jvp and hessian
against central differences, on several shapes, the caller's arrays unchanged; and their
neighbours (an argument's view, read before and after, an array a list holds, a copy)
followed or refused in words naming the line."""

import inspect

import numpy as np
import pytest

import astgrad
from breadth_modes import check

MODES = ("grad", "value_and_grad", "vjp", "jvp", "hessian")


def swapaxes_of_the_transpose(A, w):
    y = A * 1.0
    t = np.swapaxes(y.T, 0, 1)
    t[0] = w
    t[1] = w * t[-1]
    return np.sum(y ** 2 * A)


def slice_of_a_slice(x, w):
    y = np.sin(x)
    t = y[1:][:2]
    t *= w
    return np.sum(y ** 3 * x) + np.sum(t * x[1:3])


def slice_of_the_transpose_read_after(A, w):
    y = A * 1.0
    t = y.T[1:]
    y[..., 0] = w * y[..., -1]           # a write into the array itself, shown by t
    return np.sum(t ** 2 * A.T[1:]) + np.sum(y * A)


def method_of_a_slice(A, w):
    y = A * 2.0
    t = y[:, 1:].swapaxes(0, 1)
    t[-1] = t[0] * w
    return np.sum(y * np.cos(A)) + np.sum(t ** 2)


def nested_view_of_the_argument_read_before_and_after(A, w):
    t = np.swapaxes(A.T, 0, 1)
    s = np.sum(t * w)
    t[0] = w * t[1]
    return s + np.sum(A ** 2) + np.sum(t)


def reversed_slice_of_a_slice_beside_another_view(A, w):
    y = A * 1.0
    t = y[1:][::-1]
    u = y[:2]
    t[0] = w * u[0]
    u *= w
    return np.sum(t ** 2) + np.sum(y * A)


CASES = [
    (nested_view_of_the_argument_read_before_and_after, np.linspace(-1.0, 1.0, 12).reshape(4, 3)),
    (reversed_slice_of_a_slice_beside_another_view, np.linspace(-1.0, 1.0, 12).reshape(4, 3)),
    (reversed_slice_of_a_slice_beside_another_view, np.array([0.7, -1.3, 0.4, 2.1, -0.6])),
    (swapaxes_of_the_transpose, np.linspace(-1.0, 1.0, 24).reshape(2, 3, 4)),
    (swapaxes_of_the_transpose, np.linspace(-0.7, 1.3, 18).reshape(3, 2, 3)),
    (slice_of_a_slice, np.array([0.7, -1.3, 0.4, 2.1, -0.6])),
    (slice_of_a_slice, np.linspace(-1.0, 1.5, 12).reshape(4, 3)),
    (slice_of_the_transpose_read_after, np.linspace(-1.0, 1.0, 12).reshape(3, 4)),
    (slice_of_the_transpose_read_after, np.linspace(-1.0, 1.0, 24).reshape(2, 3, 4)),
    (method_of_a_slice, np.linspace(-1.0, 1.0, 12).reshape(3, 4)),
    (method_of_a_slice, np.linspace(-0.5, 1.0, 8).reshape(2, 4)),
]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("f, x", CASES, ids=lambda v: getattr(v, "__name__", str(np.shape(v))))
def test_a_view_of_a_view_expression_is_followed(mode, f, x):
    check(mode, f, (x, 0.8), (0, 1))


def nested_view_of_an_array_a_list_holds(A, w):
    y = A * 1.0
    ys = [y]
    t = y.T[1:]
    t[0] = w
    return np.sum(ys[0] ** 2)


def test_a_nested_view_of_an_array_a_list_holds_is_refused_in_words():
    line = _line_of(nested_view_of_an_array_a_list_holds, "t[0] = w")
    with pytest.raises(astgrad.TransformError, match=rf"test_views74\.py:{line}: assignment into an element of 't' "
                       r"while another name may share its memory.*read the others again after the write"):
        astgrad.grad(nested_view_of_an_array_a_list_holds, wrt=1)(np.ones((3, 2)), 0.8)


def _set_two(xs, v):
    xs[1:3] = [v, v * v]


def list_argument_slice_written_by_a_helper(xs, w):
    _set_two(xs, w)
    return xs[0] * xs[1] + xs[2] * xs[3] * w


def array_list_argument_slice_written_by_a_helper(xs, w):
    _set_two(xs, np.sin(xs[0]) * w)
    return np.sum(xs[1] * xs[2]) + np.sum(xs[3] ** 2 * xs[1])


LISTS = [
    (list_argument_slice_written_by_a_helper, [0.3, -0.5, 0.8, 1.2], (1,)),
    (array_list_argument_slice_written_by_a_helper, [np.linspace(-1.0, 1.0, 3), np.ones(3), np.ones(3),
                                                     np.array([0.5, -0.2, 1.1])], (1,)),
]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("f, xs, wrt", LISTS, ids=lambda v: getattr(v, "__name__", ""))
def test_a_helper_writing_a_slice_of_the_list_it_is_handed(mode, f, xs, wrt):
    # it raised when the code ran (the helper was read as keeping a memo table in a dict)
    check(mode, f, (xs, 0.8), wrt)


def test_the_callers_list_is_unchanged_by_the_derivative():
    xs = [0.3, -0.5, 0.8, 1.2]
    astgrad.grad(list_argument_slice_written_by_a_helper, wrt=1)(xs, 0.8)
    astgrad.hessian(list_argument_slice_written_by_a_helper, wrt=1)(xs, 0.8)
    assert xs == [0.3, -0.5, 0.8, 1.2]


def _scale_head(y, w):
    t = y[:2]
    t[0] = t[0] * w


def _second_from_first(y, w):
    y[1] = y[0] * w


def caller_holds_a_view_while_a_helper_writes_through_its_own(x, w):
    y = x * 1.0
    v = y[1:]
    _scale_head(y, w)
    return np.sum(v ** 2 * x[1:])


def view_read_before_and_after_the_helper(x, w):
    y = np.sin(x)
    v = y[1:]
    s = np.sum(v * x[1:])
    _scale_head(y, w)
    return s * np.sum(v ** 2)


def view_of_the_argument_itself(x, w):
    v = x[1:]
    _scale_head(x, w)
    return np.sum(v ** 2) + np.sum(x * w)


def view_of_a_view_across_helpers_in_a_loop(A, w):
    y = A * 1.0
    v = y.T[1:]
    for k in range(2):
        _second_from_first(y, w + k)
        _scale_head(y, w)
    return np.sum(v ** 3)


HELPERS = [
    (caller_holds_a_view_while_a_helper_writes_through_its_own, np.array([0.7, -1.3, 0.4, 2.1, -0.6])),
    (caller_holds_a_view_while_a_helper_writes_through_its_own, np.linspace(-1.0, 1.0, 12).reshape(4, 3)),
    (view_read_before_and_after_the_helper, np.array([0.7, -1.3, 0.4, 2.1])),
    (view_of_the_argument_itself, np.linspace(-1.0, 1.5, 6)),
    (view_of_the_argument_itself, np.linspace(-1.0, 1.5, 6).reshape(3, 2)),
    (view_of_a_view_across_helpers_in_a_loop, np.linspace(-1.0, 1.0, 12).reshape(4, 3)),
    (view_of_a_view_across_helpers_in_a_loop, np.linspace(-1.0, 1.0, 24).reshape(2, 4, 3)),
]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("f, x", HELPERS, ids=lambda v: getattr(v, "__name__", str(np.shape(v))))
def test_a_view_the_caller_holds_shows_a_helpers_write(mode, f, x):
    check(mode, f, (x, 0.8), (0, 1))


def helper_handed_an_item_of_a_list(x, w):
    y = x * 1.0
    ys = [y]
    v = y[1:]
    _scale_head(ys[0], w)
    return np.sum(v ** 2)


def helper_handed_one_view_beside_another(x, w):
    y = x * 1.0
    u = y[:3]
    v = y[1:]
    _second_from_first(v, w)
    return np.sum(u ** 2) + np.sum(y * x)


def _line_of(f, text):
    lines, start = inspect.getsourcelines(f)
    return start + next(i for i, line in enumerate(lines) if text in line)


def helper_handed_items_of_a_tuple(x, w):
    y = np.sin(x)
    z = x * 2.0
    ys = (z, y)
    v = y.T[1:]
    _second_from_first(ys[-1], w)
    _scale_head(ys[0], w)
    return np.sum(v ** 3) + np.sum(z * y)


def helper_handed_an_item_the_view_shows(x, w):
    y = x * 1.0
    ys = [y]
    v = y[:3]
    _scale_head(ys[0], w)
    return np.sum(v ** 2 * x[:3]) + np.sum(y * x)


ITEMS = [(helper_handed_an_item_of_a_list, np.linspace(-1.0, 1.0, 5)),
         (helper_handed_an_item_the_view_shows, np.linspace(-1.0, 1.0, 5) + 0.1),
         (helper_handed_an_item_the_view_shows, np.linspace(-1.0, 1.0, 12).reshape(4, 3) + 0.1),
         (helper_handed_items_of_a_tuple, np.linspace(-1.0, 1.0, 12).reshape(4, 3)),
         (helper_handed_items_of_a_tuple, np.linspace(-1.0, 1.0, 24).reshape(4, 3, 2))]


@pytest.mark.parametrize("mode", MODES + ("jvp_of_grad",))
@pytest.mark.parametrize("f, x", ITEMS, ids=lambda v: getattr(v, "__name__", str(np.shape(v))))
def test_a_helper_handed_an_item_of_a_list_the_function_holds(mode, f, x):
    # refused in words (helper_handed_an_item_of_a_list, "assignment into an element of 't'
    # while another name may share its memory") where the item is provably the array a name
    # holds (a display bound once, read at constant indexes): the helper is handed that name
    check(mode, f, (x, 0.8), (0, 1))


def list_read_again_after_the_helper(x, w):
    y = x * 1.0
    ys = [y]
    v = y[:3]
    _scale_head(ys[0], w)
    return np.sum(v ** 2) + np.sum(ys[0] * x)


def list_item_replaced_before_the_helper(x, w):
    y = x * 1.0
    ys = [y]
    ys[0] = x * 3.0             # ys[0] is no longer y
    v = y[:3]
    _scale_head(ys[0], w)
    return np.sum(v ** 2) + np.sum(y)


def name_bound_again_before_the_helper(x, w):
    y = x * 1.0
    ys = [y]
    y = x * 3.0                 # ys[0] is the old array
    v = y[:3]
    _scale_head(ys[0], w)
    return np.sum(v ** 2) + np.sum(y)


@pytest.mark.parametrize("f", [list_read_again_after_the_helper, list_item_replaced_before_the_helper,
                               name_bound_again_before_the_helper])
def test_a_helper_handed_an_item_not_provably_one_name_is_refused_in_words(f):
    line = _line_of(_scale_head, "t[")          # the helper's write, as inlined
    with pytest.raises(astgrad.TransformError, match=rf"test_views74\.py:{line}: assignment into an element of .*"
                       r"while another name may share its memory"):
        astgrad.grad(f, wrt=1)(np.linspace(-1.0, 1.0, 5), 0.8)


@pytest.mark.parametrize("f, helper, written", [(helper_handed_one_view_beside_another, _second_from_first, "y")])
def test_a_helper_writing_what_another_name_shares_is_refused_in_words(f, helper, written):
    line = _line_of(helper, f"{written}[")
    with pytest.raises(astgrad.TransformError, match=rf"test_views74\.py:{line}: assignment into an element of "
                       rf"'{written}' while another name may share its memory.*read the others again after the write"):
        astgrad.grad(f, wrt=1)(np.linspace(-1.0, 1.0, 5), 0.8)


def slice_of_a_list_argument_across_a_helper(xs, w):
    v = xs[1:]
    _second_from_first(xs, w)
    return v[0] * xs[1]


def test_a_slice_of_a_list_read_after_a_helper_writes_the_list_is_refused_in_words():
    # a list's slice is a copy, which the helper's write leaves as it was
    line = _line_of(slice_of_a_list_argument_across_a_helper, "_second_from_first(xs, w)")
    with pytest.raises(TypeError, match=rf"test_views74\.py:{line}: a slice taken of this list before the write is "
                       r"read after it.*Take the copy explicitly \(u = list\(xs\[:2\]\)"):
        astgrad.grad(slice_of_a_list_argument_across_a_helper, wrt=1)([0.1, 0.2, 0.3], 0.8)


def ravel_written_after_its_array_is_rebound(x, w):
    y = x * 1.0
    z = y.reshape(-1)
    y = y * 2.0                 # a new array: z still views the old one
    z[0] = w
    return np.sum(z ** 2 * x.reshape(-1)) + np.sum(y * x)


def views_kept_across_the_rebinding_read_before_and_after(x, w):
    y = np.sin(x)
    z = y.ravel()
    u = y.T
    s = np.sum(z * w)
    y = y * w
    z[1] = z[0] * w             # shown by u, not by the new y
    y[0] = w                    # shown by neither
    return s + np.sum(z ** 2) + np.sum(u ** 2 * x.T) + np.sum(y ** 2 * x)


def view_of_the_argument_kept_across_the_rebinding(x, w):
    y = x
    z = y[1:]
    y = y * 2.0
    z *= w
    return np.sum(z ** 2) + np.sum(y * x)


def reshape_of_a_transpose_kept_across_the_rebinding(x, w):
    y = x.T * 1.0               # laid out as x.T: y.T's reshape is a view
    z = y.T.reshape(-1)
    y = y * 2.0
    z[0] = w
    return np.sum(z ** 2) + np.sum(y * x.T)


def nested_view_written_after_its_array_is_rebound(A, w):
    y = A * 1.0
    z = np.swapaxes(y.T, 0, 1)
    y = y * 2.0
    z[0] = w
    return np.sum(z ** 2) + np.sum(y * A)


REBOUND = [
    (nested_view_written_after_its_array_is_rebound, np.linspace(-1.0, 1.0, 12).reshape(4, 3)),
    (ravel_written_after_its_array_is_rebound, np.linspace(-1.0, 1.0, 12).reshape(4, 3)),
    (ravel_written_after_its_array_is_rebound, np.array([0.7, -1.3, 0.4, 2.1, -0.6])),
    (views_kept_across_the_rebinding_read_before_and_after, np.linspace(-1.0, 1.0, 12).reshape(3, 4)),
    (views_kept_across_the_rebinding_read_before_and_after, np.linspace(-1.0, 1.0, 24).reshape(2, 3, 4)),
    (view_of_the_argument_kept_across_the_rebinding, np.linspace(-1.0, 1.5, 6)),
    (view_of_the_argument_kept_across_the_rebinding, np.linspace(-1.0, 1.5, 6).reshape(3, 2)),
]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("f, x", REBOUND, ids=lambda v: getattr(v, "__name__", str(np.shape(v))))
def test_a_view_written_after_its_array_is_rebound_changes_the_old_array(mode, f, x):
    check(mode, f, (x, 0.8), (0, 1))


@pytest.mark.parametrize("mode", ["grad", "value_and_grad", "vjp", "jvp"])
def test_a_reshape_of_a_transpose_kept_across_the_rebinding(mode):
    # to first order: its second order is refused in words, as without the rebinding
    # (t = y.T; z = t.reshape(-1); z[0] = w: a reshape of a view, written)
    check(mode, reshape_of_a_transpose_kept_across_the_rebinding, (np.linspace(-1.0, 1.0, 6).reshape(2, 3), 0.8), (0, 1))


def copying_reshape_written_after_its_array_is_rebound(x, w):
    y = x * 1.0
    z = y.T.reshape(-1)         # y.T is laid out otherwise: NumPy copies
    y = y * 2.0
    z[0] = w
    return np.sum(z ** 2) + np.sum(y)


@pytest.mark.parametrize("mode", ["grad", "value_and_grad", "vjp", "jvp"])
@pytest.mark.parametrize("shape", [(2, 3), (3, 4)], ids=str)
def test_a_copying_reshape_written_after_the_rebinding_takes_the_write_alone(mode, shape):
    # refused when the code ran (a TypeError: a write into a copy); the write goes into
    # NumPy's copy alone now, as in Python (the old y keeps its values)
    x = np.linspace(-1.0, 1.0, int(np.prod(shape))).reshape(shape)
    check(mode, copying_reshape_written_after_its_array_is_rebound, (x, 0.8), (0, 1))


@pytest.mark.parametrize("mode", ["hessian", "jvp_of_grad"])
def test_a_copying_reshape_written_after_the_rebinding_to_second_order_in_the_value_written(mode):
    # in x, the gradient's writes into its copies are refused a second time (test_copied_view_writes.py)
    check(mode, copying_reshape_written_after_its_array_is_rebound, (np.linspace(-1.0, 1.0, 6).reshape(2, 3), 0.8), (1,))


def dict_item_copy_scaled(x, w):
    s = {"a": x * 1.0}
    v = s["a"].copy()
    v *= w
    return np.sum(v ** 2 * x) + np.sum(s["a"] ** 2)


def dict_item_copy_scaled_in_a_loop(x, w):
    s = {"a": np.sin(x)}
    for k in range(2):
        v = s["a"].copy()
        v *= w
        v[1:3] += w * v[0]
        s["a"] = v + k
    return np.sum(s["a"] ** 2)


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("f", [dict_item_copy_scaled, dict_item_copy_scaled_in_a_loop])
def test_op_on_a_copy_of_a_dict_item_to_second_order(mode, f):
    check(mode, f, (np.array([0.7, -1.3, 0.4, 2.1]), 0.8), (0, 1))


def old_array_held_by_a_list_across_the_rebinding(x, w):
    y = x * 1.0
    z = y.reshape(-1)
    kept = [y]
    y = y * 2.0
    z[0] = w                    # kept[0] changes too
    return np.sum(kept[0]) + np.sum(y)


def test_a_view_written_after_the_rebinding_while_a_list_holds_the_old_array_is_refused_in_words():
    line = _line_of(old_array_held_by_a_list_across_the_rebinding, "z[0] = w")
    with pytest.raises(astgrad.TransformError, match=rf"test_views74\.py:{line}: assignment into an element of 'z' "
                       r"while another name may share its memory.*read the others again after the write"):
        astgrad.grad(old_array_held_by_a_list_across_the_rebinding, wrt=1)(np.ones(3), 0.5)
