"""Ordinary Python that astgrad follows rather than refuses: a global functools.partial,
a loop with ``continue`` (and ``break``) over a list of objects whose methods change
them, an item chosen by an index a call computes, memoised recursion, a gradient made
outside whose code changes a global's list or object. Each program against central
finite differences at random points: gradient, jvp, and second order both ways; what
stays refused, by its message at the user's line, and the next call works."""

import functools
import inspect
import types

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad
from test_leftovers_round51 import Box
from two_argument_checks import check_first_order


def helper(v, w):
    return v * w


SCALE = functools.partial(np.multiply, 2.0)
PF = functools.partial(helper, w=3.0)


def idx(i):
    return i


def global_partial_of_numpy(a, w):
    return SCALE(a) * np.sin(w) + SCALE(a * w)


def global_partial_of_helper(a, w):
    s = 0.0
    for i in range(2):
        s = s + PF(a * w) * PF(a, w=w + i)
    return s


def continue_over_objects(a, w):
    boxes = [Box(a), Box(-a), Box(a * w)]
    for b in boxes:
        if b.v < 0:
            continue
        b.scale(w)
    return boxes[0].v + boxes[1].v * boxes[2].v


def continue_over_objects_with_else(a, w):
    boxes = [Box(a), Box(-w)]
    for b in boxes:
        b.scale(a)
        if b.v > 0.0:
            continue
        b.scale(w)
    else:
        boxes[0].scale(w)
    return boxes[0].v * boxes[1].v


def break_and_continue_over_objects(a, w):
    boxes = [Box(a), Box(-a), Box(1.0 + w), Box(a * w)]
    for b in boxes:
        if b.v < 0:
            continue
        if b.v > 0.8:
            break       # at the third box: the fourth stays, the else does not run
        b.scale(w)
    else:
        boxes[0].scale(a)
    return boxes[0].v * boxes[2].v + boxes[1].v + boxes[3].v


def item_at_an_int_call(a, w):
    boxes = [Box(a), Box(w)]
    b = boxes[int(a > 0.0)]
    b.scale(w)
    return boxes[0].v + boxes[1].v * a


def item_at_len_minus_one(a, w):
    xs = [a, w]
    boxes = [Box(a), Box(w), Box(a * w)]
    boxes[len(xs) - 1].scale(w)
    return boxes[0].v * boxes[1].v + boxes[2].v


def item_at_a_helper_index(a, w):
    bs = [Box(a), Box(w)]
    for i in range(2):
        bs[idx(i)].scale(w)
        bs[idx(1 - i)].scale(a)
    return bs[0].v * bs[1].v


def appended_through_an_item_at_len(a, w):
    boxes = [Box(a)]
    if w > -10.0:
        b = boxes[len(boxes) - 1]
        b.log.append(w * a)
    return boxes[0].log[0] * w


def augmented_through_an_item_at_an_int_call(a, w):
    boxes = [Box(w), Box(a)]
    b = boxes[int(w > 0.0)]
    b.total += w * a
    return b.total * b.v


def fib(a, n, memo):
    if n in memo:
        return memo[n]
    if n < 2:
        r = a * n + 1.0
    else:
        r = fib(a, n - 1, memo) + np.sin(fib(a, n - 2, memo))
    memo[n] = r
    return r


def table(a, w, n, seen):
    if n not in seen:
        if n < 1:
            seen[n] = w
        else:
            previous = table(a, w, n - 1, seen)
            seen[n] = previous * a + seen.get(n - 2, 0.0)
    return seen[n]


def memoised_recursion(a, w):
    return fib(a * w, 4, {}) * w


def memo_table_shared_by_two_calls(a, w):
    memo = {}
    first = fib(a, 3, memo)
    again = fib(w, 4, memo)         # fib(w, 4) reads memo[3] and memo[2], stored by fib(a, 3)
    return first * again + memo[2]


def memo_table_filled_by_a_statement(a, w):
    seen = {}
    table(a, w, 2, seen)
    return seen[2] * seen[1] + a


@functools.lru_cache(maxsize=None)
def weight(n):
    return 1.0 if n < 2 else weight(n - 1) + weight(n - 2)


@functools.cache
def power(v, k):
    return v ** k


def cached_helpers(a, w):
    return weight(6) * a * w + power(a, 3) * np.sin(w)


LOG = []


def mark():
    LOG.append(0.0)


class Counter:
    def __init__(self):
        self.calls = 0


COUNTER = Counter()
PLAIN_COUNTER = types.SimpleNamespace(calls=0)


def count():
    COUNTER.calls += 1


def count_plainly():
    PLAIN_COUNTER.calls += 1


def marked_and_counted(v, w):
    mark()
    count()
    return np.sin(v) * v * w


def counted_plainly(v, w):
    count_plainly()
    return v ** 3 * w


GRAD_MARKED = astgrad.grad(marked_and_counted, wrt=(0, 1))
GRAD_COUNTED_PLAINLY = astgrad.grad(counted_plainly)


def gradient_made_outside_marking_globals(a, w):
    da, dw = GRAD_MARKED(a, w)
    return da * dw + a


def gradient_made_outside_counting_in_a_namespace(a, w):
    return GRAD_COUNTED_PLAINLY(a, w) * a


PROGRAMS = [global_partial_of_numpy, global_partial_of_helper, continue_over_objects, continue_over_objects_with_else,
            break_and_continue_over_objects, item_at_an_int_call, item_at_len_minus_one, item_at_a_helper_index,
            appended_through_an_item_at_len, augmented_through_an_item_at_an_int_call, memoised_recursion,
            memo_table_shared_by_two_calls, memo_table_filled_by_a_statement, cached_helpers,
            gradient_made_outside_marking_globals, gradient_made_outside_counting_in_a_namespace]


@pytest.mark.parametrize("f", PROGRAMS, ids=lambda f: f.__name__)
def test_followed_against_finite_differences(f):
    check_followed(f, seed=52)


def check_followed(f, seed):
    """``f(a, w)`` against finite differences at a random point: value, gradient and jvp,
    and second order both ways."""
    rng = np.random.default_rng(seed)
    args = (float(rng.uniform(0.3, 0.9)), float(rng.uniform(0.3, 0.9)))
    check_first_order(f, args, (0.7, -0.4))
    gradient = astgrad.grad(f, wrt=0)         # second order: of the first gradient, both ways
    expected = tuple(numerical_grad(gradient, args, wrt=j) for j in (0, 1))
    assert_close(astgrad.grad(gradient, wrt=(0, 1))(*args), expected, rtol=1e-4, atol=1e-6, msg="grad of grad")
    assert_close(astgrad.jvp(gradient, args, (1.0, 0.0))[1], expected[0], rtol=1e-4, atol=1e-6, msg="jvp of grad")
    value, _ = astgrad.value_and_grad(f, wrt=(0, 1))(*args)
    assert value == pytest.approx(f(*args), rel=1e-12)       # a second call, after the first


def mixed_table(a, n, memo):
    if n < 2:
        return a * n + 1.0
    memo[n] = mixed_table(a, n - 1, memo) * a + memo.get(n - 2, a)
    return memo[n]


def memo_table_handed_on_and_read_in_one_line(a, w):
    return mixed_table(a, 3, {}) * w


def marked_cube(v):
    mark()
    return v ** 3


def helper_marking_a_global(a, w):
    return marked_cube(a) * w


REFUSED = [
    (memo_table_handed_on_and_read_in_one_line, (0.5, 0.7), "return mixed_table(a, 3, {}) * w",
     "astgrad cannot differentiate the call of mixed_table, which keeps a memo table: "),
    (helper_marking_a_global, (0.5, 0.7), "return marked_cube(a) * w",      # (not: stores a value of the inputs)
     "the call of marked_cube runs code that changes memory the function did not create (a global's object: the "
     "call of mark at "),
]


@pytest.mark.parametrize("f, args, line, message", REFUSED, ids=[f.__name__ for f, *_ in REFUSED])
def test_refused_at_the_line(f, args, line, message):
    del LOG[:]
    with pytest.raises(astgrad.TransformError) as error:
        astgrad.grad(f)(*args)
    assert LOG == []        # refused before anything runs
    number = next(k for k, text in enumerate(inspect.getsource(f).splitlines()) if text.strip() == line)
    where = f"{__file__}:{f.__code__.co_firstlineno + number}: "
    assert str(error.value).startswith(where + message), str(error.value)
    check_first_order(continue_over_objects, (0.6, 0.7), (1.0, 0.5))        # the next transform works


@pytest.mark.parametrize("transform", ["grad", "jvp", "hessian", "vjp"])
def test_a_gradient_made_outside_changes_globals_as_one_call(transform):
    """f calling g = astgrad.grad(h), h appending to a global list and counting in an
    object of a class of yours: the reverse sweep runs h's code again from what the first
    run read, and every transform leaves the globals as one call of f does."""
    f, args = gradient_made_outside_marking_globals, (0.6, 0.7)
    run = {"grad": lambda: astgrad.grad(f, wrt=(0, 1))(*args), "jvp": lambda: astgrad.jvp(f, args, (1.0, 0.0)),
           "hessian": lambda: astgrad.hessian(f)(*args), "vjp": lambda: astgrad.vjp(f, *args)[1](1.0)}[transform]
    run()
    before, calls = len(LOG), COUNTER.calls
    run()
    assert (len(LOG) - before, COUNTER.calls - calls) == (1, 1)
    f(*args)
    assert (len(LOG) - before, COUNTER.calls - calls) == (2, 2)


def scaled_through_an_argument(w, boxes):
    boxes[0].scale(w)
    return boxes[0].v * w


def scaled_a_copy_of_an_argument(w, boxes):       # the rewrite the refusal advises
    b = Box(boxes[0].v)
    b.scale(w)
    return b.v * w


def test_a_method_changing_an_argument_object_is_followed_as_its_rewrite_is():
    boxes = [Box(0.5), Box(2.0)]
    value, gradient = astgrad.value_and_grad(scaled_through_an_argument)(0.7, boxes)
    assert_close(gradient, numerical_grad(lambda w: scaled_a_copy_of_an_argument(w, boxes), (0.7,)))
    assert_close(astgrad.hessian(scaled_through_an_argument)(0.7, boxes), 2 * 0.5)
    assert (value, boxes[0].v) == (pytest.approx(0.5 * 0.49), 0.5)     # the caller's object is left as it was
    value, gradient = astgrad.value_and_grad(scaled_a_copy_of_an_argument)(0.7, boxes)
    assert_close(gradient, numerical_grad(lambda w: scaled_a_copy_of_an_argument(w, boxes), (0.7,)))
    assert_close(astgrad.hessian(scaled_a_copy_of_an_argument)(0.7, boxes), 2 * 0.5)
    assert (value, boxes[0].v) == (pytest.approx(0.5 * 0.49), 0.5)
