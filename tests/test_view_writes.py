"""Writes through a view of another array (``v = x[:2]; v[0] = e``, ``row = x[i]; row *= w``,
``t = x.T; t[0] = e``, ``x[0][1] = e``, a reshape, a view of a view): NumPy shares the
memory, so the base changes too. Checked against finite differences of f on copies in both
modes and to second order (a view of a view and a row written in a loop too); the caller's
array is left alone by the derivatives; what astgrad cannot follow (a copy made by a fancy
index only the running code shows, an array a list holds, another view kept by an alias)
is refused; a copy a list index makes (``v = x[[0, 1]]``) is written alone, as in NumPy, also
in a helper the function calls (a helper of a helper, called twice, in a loop) in every mode,
the argument checked when the code runs (an array of objects holding numbers followed, one
holding arrays refused); a helper writing a slice, or kept as a call (a method), refused."""

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_jvp


def on_copies(f):
    return lambda *args: f(*(np.copy(a) if isinstance(a, np.ndarray) else a for a in args))


def slice_view(x, w):
    v = x[:2]
    v[0] = w * x[2]
    return np.sum(x * x) + np.sum(v * w)


def nested_subscript(x, w):
    x[0][1] = w * x[1][0]
    return np.sum(x ** 2)


def row_augmented(x, w):
    row = x[1]
    row *= w
    return np.sum(np.sin(x)) + np.sum(row)


def rows_in_a_loop(x, w):
    for i in range(x.shape[0]):
        row = x[i]
        row += w * row[0]
    return np.sum(x * x)


def transposed(x, w):
    t = x.T
    t[0] = w * t[1]
    return np.sum(x ** 3)


def reshaped(x, w):
    flat = x.reshape(-1)
    flat[1:3] = flat[1:3] * w
    return np.sum(np.cos(x))


def view_of_a_view(x, w):
    v = x[1:]
    u = v[1:]
    u[0] = w * u[0] + v[0]
    return np.sum(x * x)


def index_rebound_after_the_view(x, w):
    i = 0
    v = x[i]
    i = 1
    v *= w                      # still row 0: the index is read where the view is taken
    return np.sum(x * x) + i


def element_of_a_vector(x, w):
    e = x[1]                    # a number: += rebinds e, x keeps its values
    e += w
    return np.sum(x * x) + e * e


def another_view_in_use(x, w):
    v = x[:2]
    u = x[1:]
    v[1] = w                    # u shows it: read again after the write
    return np.sum(u * u) + np.sum(v)


def view_of_a_local_array(x, w):
    y = x * 2.0
    v = y[1:]
    v[0] = w * y[0]
    return np.sum(y * y) + np.sum(x)


MATRIX = np.array([[0.3, -0.5, 0.8], [1.1, 0.4, -0.2]])
VECTOR = np.array([0.3, -0.5, 0.8, 1.2])
PROGRAMS = [(slice_view, VECTOR), (nested_subscript, MATRIX), (row_augmented, MATRIX),
            (rows_in_a_loop, MATRIX), (transposed, MATRIX), (reshaped, MATRIX),
            (view_of_a_view, VECTOR), (index_rebound_after_the_view, MATRIX),
            (element_of_a_vector, VECTOR), (view_of_a_local_array, VECTOR), (another_view_in_use, VECTOR)]


@pytest.mark.parametrize("f, x", PROGRAMS, ids=lambda v: getattr(v, "__name__", ""))
def test_reverse_and_forward_match_finite_differences(f, x):
    x, w = x.copy(), 0.7
    kept = x.copy()
    value, (gx, gw) = astgrad.value_and_grad(f, wrt=(0, 1))(x, w)
    assert_close(value, on_copies(f)(x, w))
    assert_close(gx, numerical_grad(on_copies(f), (x, w), wrt=0), rtol=1e-5, atol=1e-6)
    assert_close(gw, numerical_grad(on_copies(f), (x, w), wrt=1), rtol=1e-5, atol=1e-6)
    tangents = (np.random.default_rng(1).standard_normal(x.shape), -0.4)
    out, tangent = astgrad.jvp(f, (x, w), tangents)
    assert_close(tangent, numerical_jvp(on_copies(f), (x, w), tangents), rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(x, kept)          # the derivatives leave the caller's array alone


@pytest.mark.parametrize("f, x", PROGRAMS, ids=lambda v: getattr(v, "__name__", ""))
def test_second_order(f, x):
    x, w = x.copy(), 0.7
    along = (np.random.default_rng(2).standard_normal(x.shape), 0.6)
    by_w = astgrad.grad(f, wrt=1)                   # grad of grad, jvp of grad
    expected = numerical_grad(on_copies(by_w), (x, w), wrt=0)
    assert_close(astgrad.grad(by_w, wrt=0)(x.copy(), w), expected, rtol=1e-4, atol=1e-6)
    _, forward = astgrad.jvp(by_w, (x.copy(), w), along)
    assert_close(forward, numerical_jvp(on_copies(by_w), (x, w), along), rtol=1e-4, atol=1e-6)


def test_f_itself_changes_its_argument_as_numpy_does():
    x = VECTOR.copy()
    slice_view(x, 0.7)
    assert x[0] == pytest.approx(0.7 * 0.8)


def fancy_copy(x, w):
    v = x[[0, 1]]               # a copy: NumPy writes into it alone
    v[0] = w
    return np.sum(x) + np.sum(v)


def fancy_copy_by_an_array(x, w):
    v = x[np.array([0, 1])]     # a copy too, which only the running code shows
    v[0] = w
    return np.sum(x) + np.sum(v)


def item_of_a_list(xs, w):
    xs[0][1] = w
    return np.sum(xs[0])


def another_view_kept_by_an_alias(x, w):
    v = x[:2]
    u = x[1:]
    kept = u
    v[1] = w
    return np.sum(kept) + np.sum(v)


def base_rebound_after_the_view(x, w):
    v = x[:2]
    x = x * 2.0                 # v still views the argument, not the new x
    v[0] = w
    return np.sum(x) + np.sum(v)


def test_a_copy_a_list_index_makes_is_written_alone():
    # f = sum(x) + w + x1: the caller's x and the copy v apart, as in NumPy
    x = VECTOR.copy()
    gx, gw = astgrad.grad(fancy_copy, wrt=(0, 1))(x, 0.7)
    assert_close(gx, numerical_grad(fancy_copy, (VECTOR.copy(), 0.7), wrt=0))
    assert gw == pytest.approx(1.0)
    assert np.array_equal(x, VECTOR)


def test_what_astgrad_cannot_follow_is_refused():
    with pytest.raises(astgrad.TransformError, match=r"test_view_writes.py:\d+: .*'v' while another name"):
        astgrad.grad(base_rebound_after_the_view, wrt=1)(VECTOR.copy(), 0.7)
    with pytest.raises(TypeError, match=r"test_view_writes.py:\d+: this writes into a copy"):
        astgrad.grad(fancy_copy_by_an_array, wrt=1)(VECTOR.copy(), 0.7)
    with pytest.raises(TypeError, match=r"an array held by a list"):
        astgrad.grad(item_of_a_list, wrt=1)([VECTOR.copy()], 0.7)
    with pytest.raises(TypeError, match=r"a list held by a list"):       # nested lists: not views
        astgrad.grad(item_of_a_list, wrt=1)([[0.3, 0.5]], 0.7)
    held = np.empty(1, dtype=object)
    held[0] = VECTOR.copy()
    with pytest.raises(TypeError, match=r"this writes into an array held by an array of objects"):
        astgrad.grad(item_of_a_list, wrt=1)(held, 0.7)       # (x[0] is the item itself, not a copy)
    assert np.array_equal(held[0], VECTOR)
    with pytest.raises(astgrad.TransformError, match=r"test_view_writes.py:\d+: .*while another name may share"):
        astgrad.grad(another_view_kept_by_an_alias, wrt=1)(VECTOR.copy(), 0.7)


# -- a helper writing into the copy an advanced index of its argument makes (NumPy's new
# array): followed where the helper is called by its name, the argument checked when the
# code runs; refused, saying so, where the helper stays a call

def _mask_copy_written(x, w):
    z = x[x > 0]
    z[0] = w
    return np.sum(z ** 2)


def helper_writing_a_mask_copy(x, w):
    return _mask_copy_written(x, w) * 2


def _list_copy_scaled(x, w):
    z = x[[0, 2]]
    z *= w
    return np.sum(z ** 2) + np.sum(x * z[1])


def helper_scaling_a_list_copy(x, w):
    return _list_copy_scaled(x, w) + np.sum(x ** 2)


def _calls_the_mask_helper(x, w):
    return _mask_copy_written(x, w) + np.sum(x)


def helper_of_a_helper(x, w):
    return _calls_the_mask_helper(x, w) * w


def helper_called_twice(x, w):
    a = _list_copy_scaled(x, w)
    b = _list_copy_scaled(x * 2.0, w * w)
    return a * b


def helper_in_a_loop(x, w):
    s = 0.0
    for k in range(3):
        s = s + _mask_copy_written(x, w * k + 0.5)
    return s


def _named_mask_copy(x, w):
    m = x > 0
    z = x[m]
    z[0] = w * z[1]
    return z


def helper_returning_its_copy(x, w):
    z = _named_mask_copy(x, w)
    return np.sum(z ** 3) + np.sum(x)


def helper_given_a_local_array(x, w):
    y = x * 3.0
    return _list_copy_scaled(y, w) + np.sum(y)


def _first_item_of_a_copy_written(x, w):
    z = x[[0, 1]]
    z[0][0] = 5.0               # an array of objects: z[0] is x[0] itself
    return np.sum(z[0] * w)


def helper_writing_an_item_of_a_copy(x, w):
    return _first_item_of_a_copy_written(x, w) + np.sum(x[0] ** 2 * w)


def _slice_written(x, w):
    z = x[1:3]                  # a view: the write changes x
    z[0] = w
    return np.sum(z ** 2)


def helper_writing_a_slice(x, w):
    return _slice_written(x, w) + np.sum(x ** 2)


class _Masked:
    def run(self, x, w):
        z = x[x > 0]
        z[0] = w
        return np.sum(z ** 2)


def method_writing_a_mask_copy(x, w):
    return _Masked().run(x, w)


class _ScaledByAHelper:
    def run(self, x, w):
        return _list_copy_scaled(x, w) + 1.0


def method_calling_a_helper_that_writes_a_copy(x, w):
    return _ScaledByAHelper().run(x, w)


HELPER_PROGRAMS = [helper_writing_a_mask_copy, helper_scaling_a_list_copy, helper_of_a_helper, helper_called_twice,
                   helper_returning_its_copy, helper_given_a_local_array]
SIGNED = np.array([0.5, -1.0, 2.0, 3.0])
HELPER_MODES = ("grad", "vjp", "jvp", "hessian", "jvp_of_grad")


def _vjp_with_a_random_cotangent(f, x, w):
    cotangent = float(np.random.default_rng(3).standard_normal()) + 1.5
    out, pullback = astgrad.vjp(f, x.copy(), w)
    gx, gw = pullback(cotangent)
    assert_close(out, on_copies(f)(x, w))
    assert_close(gx, cotangent * numerical_grad(on_copies(f), (x, w), wrt=0), rtol=1e-5, atol=1e-6)
    assert_close(gw, cotangent * numerical_grad(on_copies(f), (x, w), wrt=1), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("mode", HELPER_MODES)
@pytest.mark.parametrize("f", HELPER_PROGRAMS, ids=lambda f: f.__name__)
def test_a_helper_writing_into_an_advanced_index_copy(f, mode):
    from breadth_modes import check
    if mode == "vjp":
        _vjp_with_a_random_cotangent(f, SIGNED, 0.8)
    else:
        check(mode, f, (SIGNED.copy(), 0.8), (0, 1))


def test_a_helper_in_a_loop_to_first_order():
    # second order is refused at the write, as the loop written in the function itself is
    from breadth_modes import check
    for mode in ("grad", "jvp"):
        check(mode, helper_in_a_loop, (SIGNED.copy(), 0.8), (0, 1))
    _vjp_with_a_random_cotangent(helper_in_a_loop, SIGNED, 0.8)


def test_a_helper_given_an_array_of_objects():
    # numbers: the copy holds the same numbers, which no write changes: followed
    held = np.array(SIGNED.tolist(), dtype=object)
    plain = lambda w: helper_scaling_a_list_copy(SIGNED.copy(), w)      # noqa: E731
    assert_close(astgrad.grad(helper_scaling_a_list_copy, wrt=1)(held, 0.8), numerical_grad(plain, (0.8,)))
    gradient = astgrad.grad(helper_scaling_a_list_copy, wrt=1)
    assert_close(astgrad.hessian(helper_scaling_a_list_copy, wrt=1)(held, 0.8),
                 numerical_grad(lambda w: gradient(held, w), (0.8,)), 1e-5, 1e-6)
    assert held.tolist() == SIGNED.tolist()
    # arrays: the copy holds x's own arrays, which the helper's write changes: refused when it runs
    arrays = np.empty(2, dtype=object)
    arrays[:] = [np.array([1.0, 2.0]), np.array([3.0, 4.0])]
    line = _first_item_of_a_copy_written.__code__.co_firstlineno + 1
    read = rf"test_view_writes\.py:{line}: this reads the argument 'x' by a list or a mask"
    with pytest.raises(TypeError, match=read):
        astgrad.grad(helper_writing_an_item_of_a_copy, wrt=(0, 1))(arrays, 0.8)
    with pytest.raises(TypeError, match=read):
        astgrad.jvp(helper_writing_an_item_of_a_copy, (arrays, 0.8), (None, 1.0))
    with pytest.raises(astgrad.TransformError, match=r"an item of"):
        astgrad.vjp(lambda w: helper_writing_an_item_of_a_copy(arrays, w), 0.8)
    assert arrays[0].tolist() == [1.0, 2.0]
    # a list: refused when it runs (NumPy's indexing of a list raises too)
    with pytest.raises(TypeError, match=r"'x' is a list"):
        astgrad.grad(helper_scaling_a_list_copy, wrt=1)(SIGNED.tolist(), 0.8)


def test_a_helper_writing_through_a_view_of_its_argument_is_inlined():
    # refused at the call ("changes its argument 'x' in place") until such a helper was
    # inlined, its write through the view followed as the function's own
    from breadth_modes import check
    for mode in ("grad", "jvp", "hessian"):
        check(mode, helper_writing_a_slice, (SIGNED.copy(), 0.8), (0, 1))
    _vjp_with_a_random_cotangent(helper_writing_a_slice, SIGNED, 0.8)


def test_a_helper_kept_as_a_call_writing_a_copy_is_refused():
    line = _Masked.run.__code__.co_firstlineno + 1
    with pytest.raises(astgrad.TransformError, match=r"the call of _Masked.run writes into a copy made by an advanced "
                       rf"index of its argument 'x' .*test_view_writes\.py:{line}: z = x\[x > 0\] gives"):
        astgrad.grad(method_writing_a_mask_copy, wrt=(0, 1))(SIGNED.copy(), 0.8)
    line = _list_copy_scaled.__code__.co_firstlineno + 2      # the helper's write, and its read above it
    with pytest.raises(astgrad.TransformError, match=r"the call of _ScaledByAHelper.run writes into a copy made by an "
                       rf"advanced index of its argument 'x' \(an augmented assignment .* at .*test_view_writes\.py:{line}: "
                       rf"z \*= w, into what .*test_view_writes\.py:{line - 1}: z = x\[\[0, 2\]\] gives\)"):
        astgrad.grad(method_calling_a_helper_that_writes_a_copy, wrt=(0, 1))(SIGNED.copy(), 0.8)
