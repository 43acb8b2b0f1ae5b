"""Attribute assignment on an item of a list of objects the function builds, at an
index known only when the code runs (``boxes[int(c)].v = ...``), followed as the
method call on it is; a memo table the caller passes in, filled on a copy by the
gradient call; and the advised rewrites of refusals, followed. Each program
against central finite differences at random points: gradient, jvp, and second order
both ways; what stays refused, by its message at the user's line, and the next call
works."""

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad
from test_leftovers_round51 import Box
from test_refusals52 import check_followed, fib


def attribute_set_at_an_int_call(a, w):
    boxes = [Box(a), Box(2.0 * w)]
    boxes[int(a > 0.0)].v = np.sin(a) * w
    return boxes[0].v + boxes[1].v * a


def attribute_set_at_a_loop_counter(a, w):
    boxes = [Box(a), Box(w), Box(a * w)]
    for i in range(3):
        boxes[i].v = a * (i + 1.0) * w
        boxes[2 - i].scale(w)
    return boxes[0].v * boxes[1].v + boxes[2].v


def attribute_set_from_a_name(a, w):
    bs = {"x": Box(a), "y": Box(w)}
    for key in ("y", "x"):
        v = a * w
        bs[key].v = v
        bs[key].scale(a)
    return bs["x"].v * bs["y"].v


def attribute_set_reading_the_item_through_a_name(a, w):
    boxes = [Box(a), Box(w)]
    b = boxes[int(w > 0.0)]     # the rewrite the refusal of boxes[i].v = boxes[i].v * a advises
    b.v = b.v * a
    return boxes[0].v + boxes[1].v * w


def memo_table_handed_on_in_a_line_of_its_own(a, w):
    return table_rewritten(a, 3, {}) * w       # the rewrite the refusal of mixed_table advises


def table_rewritten(a, n, memo):
    if n < 2:
        return a * n + 1.0
    r = table_rewritten(a, n - 1, memo)
    memo[n] = r * a + memo.get(n - 2, a)
    return memo[n]


PROGRAMS = [memo_table_handed_on_in_a_line_of_its_own, attribute_set_at_an_int_call, attribute_set_at_a_loop_counter, attribute_set_from_a_name,
            attribute_set_reading_the_item_through_a_name]


@pytest.mark.parametrize("f", PROGRAMS, ids=lambda f: f.__name__)
def test_followed_against_finite_differences(f):
    check_followed(f, seed=522)


def value_computed_before_the_index(a, w):
    boxes = [Box(a), Box(w)]
    boxes[int(w)].v = a / (w - w)       # Python divides first: ZeroDivisionError, not IndexError
    return boxes[0].v


def index_out_of_range(a, w):
    boxes = [Box(a), Box(w)]
    boxes[int(w)].v = a * w
    return boxes[0].v


def test_errors_as_python_raises_them():
    for f, error in [(value_computed_before_the_index, ZeroDivisionError), (index_out_of_range, IndexError)]:
        with pytest.raises(error):
            f(0.5, 7.0)
        with pytest.raises(error):
            astgrad.grad(f)(0.5, 7.0)
    assert astgrad.grad(index_out_of_range)(0.5, 1.0) == pytest.approx(1.0)    # the next call works (boxes[1] set)


def memo_table_given_as_an_argument(a, memo):
    u = fib(a, 3, memo) * a
    return u + fib(a, 4, memo)


@pytest.mark.parametrize("given", [{}, {2: 3.0}], ids=["empty", "filled"])
def test_a_memo_table_the_caller_passes_in(given):
    """Python fills the caller's dict, and reads what it holds already (a constant); the
    gradient call fills a copy, as it writes into a copy of an array argument."""
    f = memo_table_given_as_an_argument
    memo = dict(given)
    value, gradient = astgrad.value_and_grad(f)(0.55, memo)
    assert memo == given
    expected = f(0.55, dict(given))
    assert_close(value, expected)
    one = lambda a: f(a, dict(given))      # noqa: E731
    assert_close(gradient, numerical_grad(one, (0.55,)), rtol=1e-5, atol=1e-6)
    assert_close(astgrad.jvp(f, (0.55, memo), (1.0, {k: 0.0 for k in given}))[1], gradient, rtol=1e-10)
    second = numerical_grad(lambda a: astgrad.grad(f)(a, dict(given)), (0.55,))
    assert_close(astgrad.grad(astgrad.grad(f))(0.55, memo), second, rtol=1e-4, atol=1e-6)
    assert_close(astgrad.hessian(f)(0.55, memo), second, rtol=1e-4, atol=1e-6)
    assert memo == given
    filled = dict(given)
    f(0.55, filled)
    assert 3 in filled and 4 in filled      # f itself fills the caller's dict, as Python does


def test_a_memo_table_of_another_kind_is_refused_when_the_code_runs():
    import collections
    with pytest.raises(TypeError, match="the memo table handed to fib is a defaultdict, where astgrad follows a dict"):
        astgrad.grad(memo_table_given_as_an_argument)(0.5, collections.defaultdict(float))
    assert astgrad.grad(memo_table_given_as_an_argument)(0.5, {}) == pytest.approx(
        numerical_grad(lambda a: memo_table_given_as_an_argument(a, {}), (0.5,)))


def attribute_set_reading_the_item_at_the_index(a, w):
    boxes = [Box(a), Box(w)]
    boxes[int(w > 0.0)].v = boxes[int(w > 0.0)].v * a
    return boxes[0].v + boxes[1].v * w


def test_reading_the_item_at_the_index_is_refused_with_the_rewrite():
    f = attribute_set_reading_the_item_at_the_index
    with pytest.raises(astgrad.TransformError) as error:
        astgrad.grad(f)(0.5, 0.7)
    where = f"{__file__}:{f.__code__.co_firstlineno + 2}: "
    assert str(error.value).startswith(where + "astgrad cannot differentiate assignment to an attribute; "), \
        str(error.value)
    assert "bind the item to a name once, after the display (b = bs[i]; b.v = b.v * w)" in str(error.value)
    check_followed(attribute_set_reading_the_item_through_a_name, seed=523)     # the rewrite, followed
