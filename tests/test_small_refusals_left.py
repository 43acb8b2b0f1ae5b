"""Small constructs once refused, now followed: a held generator expression with conditions
advanced by ``next``, a comprehension inside a try body, ``itertools.starmap`` of a function with defaults over a named list
of tuples, a ``collections.deque`` handed on from one helper to another, and a ufunc's
``out=`` with ``where=``. Each against central finite differences in grad, jvp and second
order; what stays refused, by its message."""

import inspect
import math
from collections import deque
from itertools import starmap

import numpy as np
import pytest

import astgrad
from breadth_modes import check

X4 = np.array([0.3, -0.4, 0.9, 1.7])


def _line_of(f, text):
    lines, first = inspect.getsourcelines(f)
    return first + next(k for k, line in enumerate(lines) if text in line)


# -- 1. g = (f(v) for v in xs if c(v)) advanced by next(g) ------------------------------------

def next_with_conditions(x, w):
    g = (np.sin(v) * w for v in x if v > 0 if v < 1.5)
    a = next(g)                         # 0.3
    b = next(g)                         # 0.9; 1.7 fails the second condition
    return a + 2.0 * b + next(g, w * w)     # none left: the default


def next_reads_names_as_they_are_then(x, w):
    s = w
    g = (v * s for v in x if v * s > 0.1)
    first = next(g)
    s = s * s                           # the next items are computed with the new s
    return first + next(g) * x[0] + next(g)


def next_with_a_try_elsewhere(x, w):
    g = (np.cos(v) * w for v in x if v < 1.0)
    try:
        scale = np.exp(w)
    except FloatingPointError:
        scale = w
    return next(g) * scale + next(g) + next(g)


def nothing_matches(x, w):
    g = (v * w for v in x if v > 5.0)
    return next(g)


def next_until_stop_iteration_in_a_try(x, w):
    g = (np.log(v) * w for v in x if v > 0 if v * w < 1.2)
    t = 0.0
    while True:
        try:
            t = t + next(g) * x[2]
        except StopIteration:
            break
    return t


def an_item_that_raises_finishes_the_generator(x, w):
    g = (math.sin(v) * w for v in [float(c) for c in x] if 1.0 / (v - float(x[1])) > -5.0)
    t = next(g)
    try:
        t = t + next(g)             # 1 / 0 for x[1]: ZeroDivisionError, and g is finished
    except ZeroDivisionError:
        t = t * w
    try:
        t = t + next(g, w * x[3])
    except ValueError:
        t = w
    return t


def next_of_a_closure_variable_in_a_try(k):
    def f(x, w):
        g = (v * w for v in x if v > k)
        try:
            t = next(g)
        except StopIteration:
            t = w
        return t
    return f


# -- 2. a comprehension inside a try body -----------------------------------------------------------

def comprehensions_in_a_try(x, w):
    try:
        ys = [v * w for v in x]
        pairs = {k: np.sin(v) * w for k, v in enumerate(ys) if v > 0}
        total = sum(v * v for v in ys if v < 1.0)
    except KeyError:
        total = w
    return total + pairs[2] + np.sum(np.array(ys) ** 2)


def a_comprehension_stopped_part_way_binds_nothing(x, w):
    ys = [w * w]
    try:
        ys = [math.sin(v) / (v - float(x[1])) for v in [float(c) for c in x]]
    except ZeroDivisionError:
        ys = ys + [w * x[0]]
    return sum(ys) + x[1] * w


def a_comprehension_changing_a_list_in_a_try(x, w):
    seen = []
    try:
        [seen.append(v * w) for v in x]
    except ValueError:
        seen = [w]
    return sum(seen)


# -- 3. itertools.starmap of a function with defaults over a named list -------------------------

def scaled_sine(a, b=2.0):
    return a * b + np.sin(a)


def starmap_over_named_pairs(x, w):
    pairs = [(x[0], w), (x[1] * w, x[2])]
    return sum(list(starmap(scaled_sine, pairs)))


def starmap_over_rows_of_several_lengths(x, w):
    rows = [(x[0],), (x[1] * w, x[2])]
    return sum(starmap(scaled_sine, rows)) * len(rows) + rows[1][0]


def starmap_over_a_changed_list(x, w):
    pairs = [(x[0],), (x[1] * w, x[2])]
    pairs.append((w, w))
    return sum(starmap(scaled_sine, pairs))


# -- 4. a deque handed on from one helper to another ----------------------------------------------

def ends_and_sum(d):
    return d[0] * d[-1] + sum(d)


def hands_on(d, w):
    return ends_and_sum(d) * w + d[0]


def hands_on_recursively(d, n):
    if n == 0:
        return ends_and_sum(d)
    return hands_on_recursively(d, n - 1) * d[1]


def deque_handed_on(x, w):
    window = deque(maxlen=3)
    for v in x:
        window.append(np.sin(v) * w)
    return hands_on(window, w) + hands_on_recursively(window, 2)


def appends_one(d):
    d.append(1.0)
    return sum(d)


def hands_on_to_a_writer(d):
    return appends_one(d) + d[0]


def deque_handed_on_to_a_writer(x, w):
    window = deque([x[0] * w, x[1]])
    return hands_on_to_a_writer(window)


# -- 5. a ufunc's out= with where= -----------------------------------------------------------------

def multiply_into_out_where(x, w):
    y = w * w * np.ones(4)
    np.multiply(x, np.cos(x) * w, out=y, where=x > 0)
    return np.sum(y * x)


def sqrt_into_out_where_skips_negatives(x, w):
    y = np.sin(x) * w
    np.sqrt(x * w, y, where=x * w > 0)        # out given positionally
    return np.sum(y ** 2 + y)


FOLLOWED = [next_with_conditions, next_reads_names_as_they_are_then, next_with_a_try_elsewhere,
            next_until_stop_iteration_in_a_try, an_item_that_raises_finishes_the_generator,
            comprehensions_in_a_try, a_comprehension_stopped_part_way_binds_nothing,
            starmap_over_named_pairs, starmap_over_rows_of_several_lengths, deque_handed_on,
            multiply_into_out_where, sqrt_into_out_where_skips_negatives]


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
@pytest.mark.parametrize("f", FOLLOWED, ids=lambda f: f.__name__)
def test_followed_against_finite_differences(f, mode):
    with np.errstate(invalid="ignore"):     # sqrt's where=: the derivative computes every element
        check(mode, f, (X4.copy(), 0.8), wrt=(0, 1) if mode != "hessian" else (1,))


def test_next_past_the_last_matching_item_raises_stop_iteration():
    gradient = astgrad.grad(nothing_matches)
    with pytest.raises(StopIteration):
        gradient(X4, 0.8)
    assert astgrad.grad(next_with_conditions, wrt=1)(X4, 0.8) == pytest.approx(
        np.sin(0.3) + 2.0 * np.sin(0.9) + 1.6)


@pytest.mark.parametrize("f, line, said", [
    (next_of_a_closure_variable_in_a_try(0.0), "t = next(g)",
     "next() of a generator expression with a condition, which astgrad follows with a loop over the "
     "items, inside the body of a try with except; move it out of the try body"),
    (a_comprehension_changing_a_list_in_a_try, "[seen.append(v * w) for v in x]",
     "a loop inside the body of a try with except; move the loop out of the try body"),
    (starmap_over_a_changed_list, "return sum(starmap(", "over a list of them bound once and only read"),
    (deque_handed_on_to_a_writer, "return hands_on_to_a_writer(window)", "the call of hands_on_to_a_writer changes its argument"),
])
def test_what_stays_refused_says_so_at_its_line(f, line, said):
    for make in (lambda: astgrad.grad(f)(X4, 0.8), lambda: astgrad.jvp(f, (X4, 0.8), (X4, 1.0))):
        with pytest.raises(astgrad.TransformError) as refused:
            make()
        assert said in str(refused.value)
        assert refused.value.filename == __file__ and refused.value.lineno == _line_of(f, line)
    check("grad", next_with_conditions, (X4.copy(), 0.8), wrt=(1,))     # the next transform works
