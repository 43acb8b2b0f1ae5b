"""Second order over astgrad's own generated code.

grad(grad(f)), hessian, hvp and the vjp of a gradient parse the first derivative's
source and run the same pipeline, so whatever the first derivative does (saves and
restores around in-place writes, stacks, snapshots, derivatives of lists and dicts)
must be something the second pass can follow. Each program here has a working first
derivative (checked against finite differences); its second derivative is checked
against finite differences of that gradient, and forward-over-reverse (hvp) against
reverse-over-reverse (the vjp of the gradient).
"""

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_hessian, numerical_jvp

RNG = np.random.default_rng(20261201)


def _flat(value):
    return np.asarray(value, dtype=float).ravel()


def check_second_order(f, args, wrt=0):
    gradient = astgrad.grad(f, wrt)
    assert_close(gradient(*args), numerical_grad(f, args, wrt), rtol=1e-5, atol=1e-6)
    expected = numerical_hessian(gradient, args, wrt)
    hessian = np.asarray(astgrad.hessian(f, wrt)(*args), dtype=float)
    assert_close(hessian.reshape(expected.shape), expected, rtol=1e-4, atol=1e-5)
    x = args[wrt]
    v = 0.7 if isinstance(x, float) else RNG.normal(size=np.shape(x))
    expected_hv = expected @ _flat(v)
    forward_over_reverse = astgrad.hvp(f, wrt)(*args, v)
    assert_close(_flat(forward_over_reverse), expected_hv, rtol=1e-4, atol=1e-5)
    _, pullback = astgrad.vjp(gradient, *args)
    reverse_over_reverse = pullback(v)[wrt]
    assert_close(_flat(reverse_over_reverse), expected_hv, rtol=1e-4, atol=1e-5)
    if isinstance(x, float):
        assert_close(float(astgrad.grad(gradient, wrt)(*args)), float(expected[0, 0]), rtol=1e-4, atol=1e-5)


# -- 1. in-place writes into arrays the function made ------------------------------------
# The first derivative saves the overwritten part, writes, and restores it in its
# reverse sweep; views read before the write are used afterwards only for their shape.

def shift_right(x):
    y = x * 2.0
    y[1:] = y[:-1]
    return np.sum(y * y)


def add_into_head(x):
    y = x * 2.0
    y[:2] += x[1:]
    return np.sum(y * y)


def add_shifted_into_itself(x):
    y = x * 2.0
    y[1:] += y[:-1]
    return np.sum(y * y * x)


def overwrite_row(X):
    Y = X * 1.5
    Y[0] = Y[1] * X[1]
    Y[:, 1] += Y[:, 0]
    return np.sum(np.tanh(Y))


def saved_by_rebinding(x, s):
    a = np.zeros(6) + s
    a -= x[1] * x[2]            # a = a - ...: the old a is kept by name for the restore
    a[0] = s * 1.5
    return np.sum(np.tanh(a) * 0.3) + np.sum(x * x) * s


def written_after_self_cancel(x, s):
    a = np.zeros(6) + s
    a -= a
    a += x[1] * x[5] * s
    a[1:4] = a[1:4] * 2.0
    return np.sum(np.tanh(a) * 0.3) + np.sum(x * x) * s


def written_through_out(x, s):
    a = np.zeros((2, 3)) + x[:3]
    np.sin(a, out=a)
    b = a * s + 1.0
    np.sin(b, out=b)
    a -= x[0] * x[5]
    a[1, 2] = x[1] + s
    return np.sum(np.tanh(a) * 0.3) + np.sum(np.tanh(b) * 0.5) + np.sum(x * x) * s


X6 = np.array([0.59, -0.83, 0.28, 1.2, -0.24, -0.8])

ARRAY_WRITES = [
    (shift_right, (np.array([1.0, 2.0, 3.0]),), 0),
    (add_into_head, (np.array([0.3, -1.2, 0.8]),), 0),
    (add_shifted_into_itself, (np.array([0.3, -1.2, 0.8, 0.5]),), 0),
    (overwrite_row, (RNG.normal(size=(3, 2)),), 0),
    (saved_by_rebinding, (X6, 0.4), 0),
    (saved_by_rebinding, (X6, 0.4), 1),
    (written_after_self_cancel, (X6, 1.1), 0),
    (written_after_self_cancel, (X6, 1.1), 1),
    (written_through_out, (X6, 0.7), 0),
    (written_through_out, (X6, 0.7), 1),
]


@pytest.mark.parametrize("f, args, wrt", ARRAY_WRITES, ids=lambda v: getattr(v, "__name__", ""))
def test_in_place_writes_to_second_order(f, args, wrt):
    check_second_order(f, args, wrt)


# -- 2. lists and dicts: appends, item writes, stacks of their items ---------------------

def list_item_replaced(x):
    ys = [x, x * 2.0]
    ys[0] = ys[1] * x
    return np.sum(ys[0] * ys[1])


def pairs_appended_before_break(x, w):
    pairs = []
    for k in range(4):
        v = x * w * (k + 1.0)
        if k == 2:
            break
        pairs.append((v, v * v))
    s = 0.0
    for a, b in pairs:
        s = s + np.sum(a * b)
    return s


def dict_rebuilt_then_filled(x, y):
    z = x * 1.0
    d = {"a": z}
    d["a"] = d["a"] * 0.5 + y
    z = d["a"]
    d = {}
    for i in range(2):
        d[i] = z * (i + 1.0)
    acc = np.sum(d[0] * d[1])
    for a, b in [(z[0], y), (z[1], z[2])]:
        acc = acc + a * b
    return acc + np.sum(z * z) * y


def dict_made_in_loop_that_may_not_run(x, y, n):
    z = x * 1.0
    acc = 0.5
    for i, v in enumerate(z):
        acc = acc + v * (i + 1.0) * y
    for i in range(n):
        d = {"a": z}
        d["a"] = d["a"] * 0.5 + y
        z = d["a"]
    return acc + np.sum(z * z) * y


CONTAINERS = [
    (list_item_replaced, (np.array([0.4, -0.7, 1.1]),), 0),
    (pairs_appended_before_break, (np.array([0.3, -0.4]), 0.7), 0),
    (pairs_appended_before_break, (np.array([0.3, -0.4]), 0.7), 1),
    (dict_rebuilt_then_filled, (np.array([1.0, 0.9, 1.45]), 0.46), 0),
    (dict_rebuilt_then_filled, (np.array([1.0, 0.9, 1.45]), 0.46), 1),
    (dict_made_in_loop_that_may_not_run, (np.array([-0.61, 1.38, -0.73]), 1.3, 0), 1),
    (dict_made_in_loop_that_may_not_run, (np.array([-0.61, 1.38, -0.73]), 1.3, 2), 1),
    (dict_made_in_loop_that_may_not_run, (np.array([-0.61, 1.38, -0.73]), 1.3, 2), 0),
]


@pytest.mark.parametrize("f, args, wrt", CONTAINERS, ids=lambda v: getattr(v, "__name__", ""))
def test_containers_to_second_order(f, args, wrt):
    check_second_order(f, args, wrt)


# -- 3. a list built only on some paths (its derivative starts as 0.0) -------------------

def comprehension_after_early_return(x, y):
    acc = np.sum(x) * y
    if acc > 10.0:
        return acc * y
    ws = [v * y for v in x]
    acc = acc + sum(ws)
    return acc


def list_appended_in_branch(x, y):
    acc = np.sum(x) * y
    if acc < -10.0:
        return acc * y * y
    ws = []
    for v in x:
        ws.append(np.sin(v * y))
    return acc * y + sum(ws) * y


def comprehension_in_one_branch(x, y):
    if y > 0.0:
        ws = [np.tanh(v * y) * y for v in x]
        total = sum(ws)
    else:
        total = y * y
    return total * y


EARLY_RETURNS = [
    (comprehension_after_early_return, (np.array([1.37, -0.17, -1.35]), 0.74), 1),   # not taken
    (comprehension_after_early_return, (np.array([5.0, 4.0, 3.0]), 0.9), 1),        # taken
    (comprehension_after_early_return, (np.array([1.37, -0.17, -1.35]), 0.74), 0),
    (list_appended_in_branch, (np.array([0.5, -0.2, 0.9]), 0.8), 1),
    (list_appended_in_branch, (np.array([0.5, -0.2, 0.9]), 0.8), 0),
    (comprehension_in_one_branch, (np.array([0.5, -0.2, 0.9]), 0.8), 1),
    (comprehension_in_one_branch, (np.array([0.5, -0.2, 0.9]), -0.8), 1),
]


@pytest.mark.parametrize("f, args, wrt", EARLY_RETURNS, ids=lambda v: getattr(v, "__name__", ""))
def test_lists_built_on_some_paths_to_second_order(f, args, wrt):
    check_second_order(f, args, wrt)


def test_grad_of_grad_after_untaken_early_return_matches_hessian():
    x, y = np.array([1.37, -0.17, -1.35]), 0.74
    first = astgrad.grad(comprehension_after_early_return, 1)
    second = astgrad.grad(first, 1)(x, y)
    assert_close(second, astgrad.hessian(comprehension_after_early_return, 1)(x, y))
    assert_close(second, 0.0, atol=1e-12)      # f = 2 * sum(x) * y on this path


# -- 4. sharing in the user's own code is still refused, naming the user's line ----------

def view_kept_across_write(x):
    y = x * 2.0
    v = y[:2]
    y[0] = 5.0 * x[2]           # v shows it: read again after the write, as NumPy's view
    return np.sum(v * x[1:])


def view_under_a_second_name_kept_across_write(x):
    y = x * 2.0
    v = y[:2]
    kept = v
    y[0] = 5.0
    return np.sum(kept * x[1:])


def alias_kept_across_write(x):
    y = x * 2.0
    z = y
    y[1] = 0.0
    return np.sum(z * x)


def list_holding_array_written(x):
    y = x * 2.0
    ys = [y]
    y[0] = 1.0
    return np.sum(ys[0] * x)


def saved_old_object_then_written(x):
    y = x * 2.0
    old = y
    y += 1.0
    y[0] = 3.0
    return np.sum(old * y)


def shallow_copy_of_list_holding_array(x):
    y = x * 2.0
    ys = [y, y]
    zs = ys.copy()
    w = zs[1]
    y[2] = 0.0
    return np.sum(w * x)


def item_of_literal_written(x):
    ys = [x * 2.0]
    e = ys[0]
    e[1] = 0.0
    return np.sum(ys[0] * x)


def alias_on_one_path(x):
    y = x * 2.0
    if x[0] > 0:
        z = y
    else:
        z = x * 1.0
    y[1] = 3.0
    return np.sum(z * x)


def handed_on_but_still_used(x):
    t = x * 2.0
    y = t
    y[0] = 1.0
    return np.sum(t * x)


@pytest.mark.parametrize("f", [alias_kept_across_write, saved_old_object_then_written,
                               handed_on_but_still_used, view_kept_across_write], ids=lambda f: f.__name__)
def test_plain_aliases_follow_the_write_to_second_order(f):
    # z = y is the very same array: the write shows through z, as in NumPy
    x, v = np.array([0.3, -0.5, 0.8]), np.array([0.2, 0.7, -0.4])
    assert_close(astgrad.grad(f)(x), numerical_grad(f, (x,), 0))
    assert_close(astgrad.jvp(f, (x,), (v,))[1], numerical_jvp(f, (x,), (v,)))
    assert_close(astgrad.hvp(f)(x, v), numerical_jvp(astgrad.grad(f), (x,), (v,)), rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("f", [view_under_a_second_name_kept_across_write, list_holding_array_written,
                               shallow_copy_of_list_holding_array, alias_on_one_path],
                         ids=lambda f: f.__name__)
def test_sharing_in_user_code_is_still_refused(f):
    with pytest.raises(astgrad.TransformError) as info:
        astgrad.grad(f)(np.array([0.3, -0.5, 0.8]))
    message = str(info.value)
    assert "test_trust_secondorder.py" in message and "<astgrad grad of" not in message
    assert "share its memory" in message


def test_an_item_of_a_literal_written_through_a_name_is_followed():
    """``e = ys[0]; e[1] = 0.0``: ``ys[0]`` is ``e``'s array, so the write shows through
    the list, as in Python, in every order."""
    x = np.array([0.3, -0.5, 0.8])
    expected = numerical_grad(item_of_literal_written, (x,), 0)
    assert_close(astgrad.grad(item_of_literal_written)(x), expected)
    v = np.array([1.0, -2.0, 0.5])
    assert_close(astgrad.jvp(item_of_literal_written, (x,), (v,))[1], expected @ v)
    assert_close(astgrad.hessian(item_of_literal_written)(x),
                 numerical_hessian(astgrad.grad(item_of_literal_written), [x]), rtol=1e-4, atol=1e-5)


def old_object_kept_new_one_written(x):
    y = x * 2.0
    old = y
    y = y + 0.0                 # a new array: old keeps the first one
    y[0] = 1.0
    return np.sum(old * y * x)


def item_replaced_after_reading_it(x):
    ys = [x * 2.0, x * 3.0]
    a = ys[0]
    ys[0] = x * 4.0             # replaces the item: a keeps the old array
    return np.sum(a * ys[0])


@pytest.mark.parametrize("f", [old_object_kept_new_one_written, item_replaced_after_reading_it],
                         ids=lambda f: f.__name__)
def test_writes_that_share_nothing_work_to_second_order(f):
    check_second_order(f, (np.array([0.3, -0.5, 0.8]),), 0)


# -- 5. the work-around for a view read by the derivative after the write: a copy --------

def reversed_sine_of_a_copy(x):
    y = x * 2.0
    y[::-1] = np.sin(y[::-1].copy())
    return np.sum(y * y * x)


def product_of_copied_views(x):
    y = x * 2.0
    y[1:] = y[:-1].copy() * y[1:].copy()
    return np.sum(y * y)


def new_value_then_write(x):
    y = x * 2.0
    z = np.sin(y[::-1])
    y = y.copy()
    y[::-1] = z
    return np.sum(y * y * x)


def dict_items_read_by_a_variable_key(x):
    d = {"a": x * 1.0, "b": x * 3.0}
    s = 0.0
    for k in ["a", "b"]:
        e = d[k]
        d[k] = e * x            # replaces the item: e keeps the old one
        s = s + np.sum(e * d[k])
    return s


def item_kept_across_append(x):
    ys = [x * 1.0]
    e = ys[0]
    ys.append(x * 2.0)          # appending changes no item
    return np.sum(e * ys[1] * x)


@pytest.mark.parametrize("f", [reversed_sine_of_a_copy, product_of_copied_views, new_value_then_write,
                               dict_items_read_by_a_variable_key, item_kept_across_append],
                         ids=lambda f: f.__name__)
def test_copies_and_replaced_items_to_second_order(f):
    check_second_order(f, (np.array([0.3, -0.5, 0.8]),), 0)


# -- 6. a list built by a comprehension and then changed ---------------------------------
# (while_over_comprehension_pops, and the dicts written in loops and branches, are checked
# to second order in test_trust_controlflow.py)
# The comprehension builds the list in the name it is assigned to: the derivative's
# reverse sweep puts popped items back into that list, and no second name refers to it.

def comprehension_then_appended(x, w):
    ys = [np.sin(v * w) for v in x]
    ys.append(x[0] * w * w)
    return sum(ys) * w


@pytest.mark.parametrize("f, args, wrt", [
    (comprehension_then_appended, (np.array([0.3, -0.5, 0.8]), 0.7), 1),
    (comprehension_then_appended, (np.array([0.3, -0.5, 0.8]), 0.7), 0),
], ids=lambda v: getattr(v, "__name__", ""))
def test_comprehension_lists_changed_later_to_second_order(f, args, wrt):
    check_second_order(f, args, wrt)
