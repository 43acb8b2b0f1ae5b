"""Several views or items of one array alive at once (``a = y[i]; b = y[i - 1]``,
``v = x[:2]; u = x[1:]``), then a write into it. The array stays unshared, so the write
is followed, only while no view of it is live or has gone elsewhere (an alias, a helper's
result, a list, an attribute); otherwise the write is refused with its line. Each program
followed is checked against finite differences in grad, jvp and to second order; each
refused one by its message, and the next call still works."""

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_jvp

def keep(a):
    return a


def two_items_then_a_write(x, w):
    y = x * 1.0
    a = y[1]
    b = y[0]
    y[2] = a * w + b * b
    return np.sum(y * y) + a


def two_items_in_a_loop(x, w):
    y = x * 1.0
    for i in range(1, y.shape[0]):
        a = y[i]
        b = y[i - 1]
        y[i] = np.tanh(a + w * b)
    return np.sum(y * y)


def two_items_of_an_argument(x, w):
    a = x[1]
    b = x[2]
    x[0] = a * b * w
    return np.sum(x * x)


def two_slices_both_read_after(x, w):
    v = x[:2]
    u = x[1:]
    u[0] = w * v[0]             # writes x[1], which is v[1]
    return np.sum(v * v) + np.sum(u)


def two_rows_read_before_a_write(m, w):
    y = m * 1.0
    r = y[0]
    s = y[1]
    y[0, 1] = w * np.sum(r * s)
    return np.sum(y * y)


def a_row_kept_across_a_write(m, w):
    y = m * 1.0
    r = y[0]
    s = y[1]
    y[0] = s * w                # r is row 0: it shows the write
    return np.sum(r * r) + np.sum(y)


def a_row_aliased_across_a_write(m, w):
    y = m * 1.0
    r = y[0]
    s = y[1]
    c = r
    y[0, 0] = s[1] * w
    return np.sum(c * c) + np.sum(y)


def the_written_view_aliased(x, w):
    v = x[:2]
    u = x[1:]
    kept = v
    u[0] = w
    return np.sum(kept * kept) + np.sum(u)


def a_view_passed_to_a_helper(x, w):
    v = x[:2]
    u = x[1:]
    k = keep(u)
    v[1] = w
    return np.sum(k * k) + np.sum(v)


def a_view_kept_in_a_list(x, w):
    v = x[:2]
    u = x[1:]
    held = [u]
    v[1] = w
    return np.sum(held[0] * held[0]) + np.sum(v)


def views_in_a_loop(x, w):
    y = x * 1.0
    held = []
    for i in range(2):
        v = y[i:i + 2]
        u = y[i + 1:]
        held.append(u)
        v[1] = w * v[0]
    return np.sum(held[0] * held[1][0]) + np.sum(y)


def a_dead_view_then_a_live_one(x, w):
    y = x * 1.0
    v = y[:2]
    t = np.sum(v)
    u = y[1:]
    y[1] = w * t
    return np.sum(u * u)


def an_item_then_a_view_aliased(x, w):
    y = x * 1.0
    a = y[0]
    u = y[1:]
    kept = u
    y[1] = w * a
    return np.sum(kept * kept)

def rows_then_an_alias_of_the_second(m, w):
    y = m * 1.0
    a = y[0]
    b = y[1]
    c = b
    y[1, 0] = w * a[0]
    return np.sum(c * c)


def three_rows_two_dead_before_a_write(m, w):
    y = np.concatenate([m, m * w])
    a = y[0]
    b = y[1]
    s = np.sum(a * b)
    c = y[2]
    y[2] = c * s
    return np.sum(y * y)


def rows_kept_in_a_loop(m, w):
    y = m * 1.0
    keep = []
    for i in range(1, y.shape[0]):
        a = y[i]
        b = y[i - 1]
        keep.append(b)
        y[i] = a + w * b
    return np.sum(keep[0] * keep[0]) + np.sum(y)


def a_row_rebound_to_the_other(m, w):
    y = m * 1.0
    a = y[0]
    b = y[1]
    a = b
    y[1, 1] = w
    return np.sum(a * a) + np.sum(y)


def views_swapped_by_a_tuple(x, w):
    y = x * 1.0
    a = y[:2]
    b = y[2:]
    a, b = b, a
    y[0] = w
    return np.sum(b * b) + np.sum(a)


def a_view_of_the_second_view(x, w):
    y = x * 1.0
    a = y[:3]
    b = y[1:]
    c = b[1:]
    y[2] = w
    return np.sum(c * c) + np.sum(a)



class Chain:
    def __init__(self, n):
        self.h = np.zeros(n)

    def feed(self, x, w):
        for i in range(len(self.h)):
            self.h[i] += x[i] + w * self.h[i - 1]   # two items of self.h read at once



class ChainWithATail(Chain):
    def feed_keeping_a_view(self, x, w):
        tail = self.h[1:]
        for i in range(len(self.h)):
            self.h[i] += x[i] + w * self.h[i - 1]
        return tail


def fed_twice(x, w):
    c = Chain(4)
    c.feed(x, w)
    c.feed(x * x, w * w)
    return np.sum(c.h ** 2)


def fed_with_a_view_kept(x, w):
    c = ChainWithATail(4)
    tail = c.feed_keeping_a_view(x, w)
    return np.sum(tail * tail) + np.sum(c.h)


def fed_with_a_view_kept_by_the_caller(x, w):
    c = Chain(4)
    c.feed(x, w)
    tail = c.h[1:]
    c.feed(x, w)
    return np.sum(tail * tail)



VECTOR = np.array([0.3, -0.5, 0.8, 1.2])
MATRIX = np.array([[0.3, -0.5, 0.8], [1.1, 0.4, -0.2]])
FOLLOWED = [(two_items_then_a_write, VECTOR), (two_items_in_a_loop, VECTOR), (two_items_of_an_argument, VECTOR),
            (two_slices_both_read_after, VECTOR), (two_rows_read_before_a_write, MATRIX),
            (a_row_kept_across_a_write, MATRIX), (a_row_aliased_across_a_write, MATRIX),
            (a_dead_view_then_a_live_one, VECTOR), (fed_twice, VECTOR),
            (rows_then_an_alias_of_the_second, MATRIX), (three_rows_two_dead_before_a_write, MATRIX),
            (a_view_of_the_second_view, VECTOR),
            # the view of the object's array taken again after each call of its method, as
            # Python's view shows the method's write (kept_attribute_views.py)
            (fed_with_a_view_kept_by_the_caller, VECTOR)]


def on_copies(f):
    return lambda x, w: f(x.copy(), w)


@pytest.mark.parametrize("f, x", FOLLOWED, ids=lambda v: getattr(v, "__name__", ""))
def test_followed_against_finite_differences(f, x):
    w = 0.7
    value, (gx, gw) = astgrad.value_and_grad(f, wrt=(0, 1))(x.copy(), w)
    assert_close(value, on_copies(f)(x, w))
    assert_close(gx, numerical_grad(on_copies(f), (x, w), wrt=0), rtol=1e-5, atol=1e-6)
    assert_close(gw, numerical_grad(on_copies(f), (x, w), wrt=1), rtol=1e-5, atol=1e-6)
    tangents = (np.random.default_rng(3).standard_normal(x.shape), -0.4)
    _, tangent = astgrad.jvp(f, (x.copy(), w), tangents)
    assert_close(tangent, numerical_jvp(on_copies(f), (x, w), tangents), rtol=1e-5, atol=1e-6)
    by_w = astgrad.grad(f, wrt=1)                   # second order: grad of grad, jvp of grad
    assert_close(astgrad.grad(by_w, wrt=0)(x.copy(), w), numerical_grad(on_copies(by_w), (x, w), wrt=0),
                 rtol=1e-4, atol=1e-6)
    _, forward = astgrad.jvp(by_w, (x.copy(), w), tangents)
    assert_close(forward, numerical_jvp(on_copies(by_w), (x, w), tangents), rtol=1e-4, atol=1e-6)


SHARED = r"while another name may share its memory .*(read the value through the container|read the others again) after the write"
MOVED = r"changes the object it is called on in place .*store a new value in the attribute"
REFUSED = [(the_written_view_aliased, VECTOR), (a_view_passed_to_a_helper, VECTOR), (a_view_kept_in_a_list, VECTOR),
           (views_in_a_loop, VECTOR), (an_item_then_a_view_aliased, VECTOR), (rows_kept_in_a_loop, MATRIX),
           (a_row_rebound_to_the_other, MATRIX), (views_swapped_by_a_tuple, VECTOR),
           (fed_with_a_view_kept, VECTOR)]


@pytest.mark.parametrize("f, x", REFUSED, ids=lambda v: getattr(v, "__name__", ""))
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_view_still_live_elsewhere_is_refused(f, x, mode):
    message = MOVED if f.__name__.startswith("fed") else SHARED
    with pytest.raises(astgrad.TransformError, match=r"test_trust_several_views.py:\d+: .*" + message):
        if mode == "grad":
            astgrad.grad(f, wrt=1)(x.copy(), 0.7)
        else:
            astgrad.jvp(f, (x.copy(), 0.7), (x.copy(), 1.0))
    # the next call works
    assert_close(astgrad.grad(two_items_then_a_write, wrt=1)(VECTOR.copy(), 0.7),
                 numerical_grad(on_copies(two_items_then_a_write), (VECTOR, 0.7), wrt=1))
