"""Writes through views and into items that were refused, followed now: a view of the whole
array whose axes are a tuple (``np.moveaxis(y, (0, 1), (1, 0))``, ``np.flip(y, (0, 2))``)
and ``np.transpose(y)`` itself, to second order; ``s["v"] *= w`` beside a write into the
item's elements (``s["v"][0] = w``); a helper writing through a view of its argument
(``t = y[1:]; t[0] = t[0] * w``), inlined. Each in grad, vjp (a random cotangent), jvp and
hessian against central differences, on two shapes, the caller's arrays unchanged; and
their neighbours refused, naming the line and what to write."""

import numpy as np
import pytest

import astgrad
from breadth_modes import check, copies
from fd import assert_close, numerical_grad

SHAPES = ((2, 3, 4), (3, 3, 2))


def moveaxis_tuple(A, w):
    y = A * 1.0
    t = np.moveaxis(y, (0, 1), (1, 0))
    t[0] = t[0] * w
    return np.sum(y * y * A)


def transpose_whole(A, w):
    y = A * 1.0
    t = np.transpose(y)
    t[0] = w
    return np.sum(y ** 2 * A) + np.sum(t * A.T)


def flip_tuple(A, w):
    y = A * 1.0
    t = np.flip(y, (0, 2))
    t[0] = t[0] * w
    return np.sum(y * y * A)


def moveaxis_scaled(A, w):
    y = A * 1.0
    t = np.moveaxis(y, (0, 2), (2, 0))
    t *= w
    return np.sum(y ** 2 * A)


def swapaxes_of_a_transpose(A, w):
    y = A * 1.0
    u = y.T
    t = np.swapaxes(u, 0, 1)
    t[0] = w
    t[1] = w * t[2]
    return np.sum(y ** 2 * A)


def dict_item_scaled_then_written(x, w):
    s = {"v": x * 1.0}
    for k in range(2):
        s["v"] *= w
        s["v"][k] = w
    return np.sum(s["v"] ** 2)


def _scale_tail(y, w):
    t = y[1:]
    t[0] = t[0] * w


def helper_writing_a_view(x, w):
    y = x * 1.0
    for k in range(2):
        _scale_tail(y, w + k)
    return np.sum(y ** 2 * x)


def helper_writing_the_argument(x, w):
    _scale_tail(x, w)
    return np.sum(x ** 2)


def _scale_views(y, w):
    t = y.T
    t[1] *= w
    s = y[::2]
    s[0] = w * s[1]
    return np.sum(y * t.T)


def helper_writing_two_views(x, w):
    y = np.outer(x, x[:3]) * 1.0
    r = _scale_views(y, w)
    return np.sum(y ** 2) + r


FOLLOWED = [moveaxis_tuple, transpose_whole, flip_tuple, moveaxis_scaled, swapaxes_of_a_transpose]
def helper_writing_while_the_caller_holds_a_view(x, w):
    y = x * 1.0
    u = y[:3]
    _scale_tail(y, w)       # writes through its view t into the array u views: u shows it
    return np.sum(y ** 2) + np.sum(u * x[:3])


VECTOR_PROGRAMS = [dict_item_scaled_then_written, helper_writing_a_view, helper_writing_the_argument,
                   helper_writing_two_views, helper_writing_while_the_caller_holds_a_view]


def _vjp_with_a_random_cotangent(f, args):
    cotangent = float(np.random.default_rng(5).standard_normal()) + 1.5
    plain = lambda *a: f(*copies(a))       # noqa: E731 - f writes into its arguments
    given = copies(args)
    out, pullback = astgrad.vjp(f, *given)
    grads = pullback(cotangent)
    assert_close(out, plain(*args))
    for i in range(len(args)):
        assert_close(grads[i], cotangent * numerical_grad(plain, copies(args), wrt=i), 1e-5, 1e-6)
    assert np.array_equal(given[0], args[0]), "vjp changed the caller's array"


def _check_every_mode(f, args):
    for mode in ("grad", "jvp", "hessian"):
        check(mode, f, copies(args), (0, 1))
    _vjp_with_a_random_cotangent(f, args)


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("f", FOLLOWED, ids=lambda f: f.__name__)
def test_a_write_through_a_whole_array_view_to_second_order(f, shape):
    _check_every_mode(f, (np.random.default_rng(len(shape) + shape[0]).standard_normal(shape), 0.8))


@pytest.mark.parametrize("n", (5, 7))
@pytest.mark.parametrize("f", VECTOR_PROGRAMS, ids=lambda f: f.__name__)
def test_an_item_scaled_and_written_and_a_helper_writing_through_a_view(f, n):
    _check_every_mode(f, (np.random.default_rng(n).standard_normal(n), 0.8))


def dict_value_aliased(x, w):
    a = x * 1.0
    s = {"v": a}
    s["v"] *= w
    s["v"][0] = w
    return np.sum(s["v"] ** 2) + np.sum(a * x)


def test_the_neighbours_are_refused_naming_the_line():
    line = dict_value_aliased.__code__.co_firstlineno + 4
    with pytest.raises(astgrad.TransformError, match=rf"test_view_and_item_writes_followed\.py:{line}: assignment "
                                                     r"into an element of an item of 's' while that item may share "
                                                     r"its memory with 'a'"):
        astgrad.grad(dict_value_aliased, wrt=1)(np.ones(5), 0.8)


class Accumulator:
    def __init__(self, n):
        self.total = np.zeros(n)


class ListAccumulator:
    def __init__(self, n):
        self.total = [0.0] * n      # a list holds what is stored, w itself


def item_of_an_object_storing_the_argument(x, w):
    acc = Accumulator(5)
    acc.total[0] = w                # np.zeros: NumPy copies the value in
    return np.sum((acc.total + x) ** 2)


def item_of_a_list_object_storing_the_argument(x, w):
    acc = ListAccumulator(5)
    acc.total[0] = w
    return np.sum((np.array(acc.total) + x) ** 2)


def item_of_an_object_storing_a_new_value(x, w):
    acc = Accumulator(5)
    acc.total[0] = w * 1.0
    acc.total[1:3] *= w
    return np.sum((acc.total + x) ** 2)


def item_of_an_object_written_into_a_copy(x, w):
    acc = Accumulator(5)
    t = acc.total.copy()
    t[0] = w
    acc.total = t
    return np.sum((acc.total + x) ** 2)


def test_a_number_stored_into_an_objects_list_is_refused_in_true_words_and_the_advice_is_followed():
    line = item_of_a_list_object_storing_the_argument.__code__.co_firstlineno + 2
    with pytest.raises(astgrad.TransformError, match=rf"test_view_and_item_writes_followed\.py:{line}: assignment "
                                                     r"into an element of an item of 'acc' storing 'w' itself "
                                                     r"\(acc\.total\[0\] = w\): astgrad cannot tell from the code "
                                                     r"that acc\.total is an array of numbers.*\(acc\.total\[0\] = "
                                                     r"w \* 1\.0\).*\(t = acc\.total\.copy\(\); t\[0\] = w; "
                                                     r"acc\.total = t\)"):
        astgrad.grad(item_of_a_list_object_storing_the_argument, wrt=1)(np.ones(5), 0.8)
    x = np.random.default_rng(2).standard_normal(5)
    # the store into np.zeros's array was refused in these words before: NumPy copies the value in
    for f in (item_of_an_object_storing_a_new_value, item_of_an_object_written_into_a_copy,
              item_of_an_object_storing_the_argument):
        _check_every_mode(f, (x, 0.8))
