"""``it = iter(e)`` advanced by ``next(it)`` (frontend/normalize/explicit_iterators.py):
the items in order, StopIteration after the last (caught to end a loop), a default
instead where one is given, and ``next`` only where Python evaluates it, against
finite differences in first and second order; an iterator over something the code
changes afterwards, or used other than by ``next``, is not read as a list, and the refusal
says what is followed. ``iter(e)`` iterated where it is made (``for v in iter(e)``,
``sum(iter(e))``) is ``e``."""

import numpy as np
import pytest

import astgrad
from breadth_modes import check

X4 = np.array([0.3, -0.2, 0.8, 0.1])


def until_exhausted(x, w):
    it = iter(np.sin(x) * w)
    total, count = 0.0, 0
    while True:
        try:
            v = next(it)
        except StopIteration:
            break
        total = total + v * np.cos(v) * count
        count += 1
    return total


def head_then_rest(x, w):
    rows = [np.sin(x * w), x ** 2, x * 3.0]
    it = iter(rows)
    first = next(it)
    second = next(it) if w > 0 else first       # next only where Python evaluates it
    third = next(it)
    fourth = next(it, w * x)                    # past the end: the default
    return np.sum(first * second) + np.sum(third * fourth)


def over_an_argument(x, w):
    it = iter(x)
    total = next(it) * w
    for _ in range(len(x) - 1):
        total = total * w + np.exp(next(it))
    return total


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian", "jvp_of_grad"])
@pytest.mark.parametrize("f", [until_exhausted, head_then_rest, over_an_argument], ids=lambda f: f.__name__)
def test_next_of_an_explicit_iterator(mode, f):
    check(mode, f, (X4, 0.7), (0, 1))
    if f is head_then_rest:
        check(mode, f, (X4, -0.7), (0, 1))      # the other branch: next not evaluated


def appended_after(x, w):
    xs = [x * w]
    it = iter(xs)
    xs.append(x * 2.0)                          # a list iterator sees items added later
    return np.sum(next(it)) + np.sum(next(it))


def also_looped(x, w):
    it = iter(x * w)
    first = next(it)
    return sum(v * first for v in it)           # the rest, taken by the loop


def test_an_iterator_not_only_advanced_by_next_is_not_read_as_a_list():
    for f in (appended_after, also_looped):
        assert f(X4, 0.7) != 0.0                # runs in Python
        with pytest.raises(astgrad.TransformError, match="rule for iter|append to .xs. while another name"):
            astgrad.grad(f, (0, 1))(X4, 0.7)


def test_an_iterator_used_otherwise_says_what_is_followed():
    with pytest.raises(astgrad.TransformError, match=r"test_explicit_iterators.py:\d+: .*iter.*astgrad follows an "
                                                     r"iterator made by iter\(e\) where next\(it\) alone advances it"):
        astgrad.grad(also_looped, (0, 1))(X4, 0.7)


def iterated_where_made(x, w):
    s = 0.0
    for v in iter(x * w):
        s = s + np.sin(v)
    head = list(iter([x[0] * w, x[1]]))[0]
    return s + head * sum(iter(x)) + max(iter([x[0], w])) + sum(a * b for a, b in zip(iter(x), x[::-1]))


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian", "vjp_of_grad"])
def test_an_iterator_iterated_where_it_is_made_is_what_it_iterates(mode):
    check(mode, iterated_where_made, (X4, 0.7), (0, 1))
