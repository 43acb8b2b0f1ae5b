"""Parameters with a mutable default (``acc=[]``) changed by their own methods
(``append``, ``extend``, ``pop``), given a list or left to the default: the derivative
works on a copy of the argument, so a derivative call leaves the caller's list (and the default) as it was while
``f`` itself changes it as Python does; values appended and read back carry their
derivative (against finite differences, first and second order). An argument list another
argument holds too is refused when the derivative is called, naming the line. A parameter
without a default appended to (``def f(x, acc): acc.append(v)``) is treated the same way
when it holds a list."""

import re

import numpy as np
import pytest

import astgrad
from breadth_modes import check
from fd import assert_close, numerical_grad

X3 = np.array([0.3, -0.4, 0.9])


def default_appended(x, w, acc=[]):     # noqa: B006 - the mutable default is the point
    acc.append(1)
    return np.sum(x * w) * 2.0


def appended_and_read_back(x, w, acc=[]):       # noqa: B006
    first = acc                         # the very list: it sees the append
    acc.append(x[0] * w)
    return first[-1] * x[1] + len(acc) * w


def extended_with_an_array(x, w, acc=[]):       # noqa: B006
    acc.extend([x * w])
    return np.sum(acc[-1] ** 2)


def pushed_and_popped(x, w, acc=[]):            # noqa: B006
    acc.append(x * w)
    v = acc.pop(0)
    return np.sum(v * x) + np.sum(acc[-1] * x)


def popped_last(x, w, acc=[]):                  # noqa: B006
    acc.append(x * w)
    v = acc.pop()
    acc.append(v * x)
    return np.sum(acc[0] * x) + np.sum(acc[-1] ** 2)


def popped_the_argument(x, w, acc=[]):          # noqa: B006
    acc.append(x)                       # the popped item is the caller's array itself
    v = acc.pop(0)
    return np.sum(v * x * w) + np.sum(acc[-1] * x)


def popped_in_a_loop(x, w, acc=[]):             # noqa: B006
    s = 0.0
    for k in range(3):
        acc.append(x * (w + k))
        v = acc.pop(0)
        s = s + np.sum(v * x)
    return s + np.sum(acc[-1] * x)


def popped_in_a_while_loop(x, w, acc=[]):       # noqa: B006
    s, k = 0.0, 0
    while k < 3:
        acc.append(x * (w + k))
        v = acc.pop(-2)
        s = s + np.sum(v * x)
        k += 1
    return s + np.sum(acc[-1] * x)


def popped_last_in_a_loop(x, w, acc=[]):        # noqa: B006 - what the refusal of a pop in a loop advises
    s = 0.0
    for k in range(3):
        acc.append(x * (w + k))
        v = acc.pop()
        s = s + np.sum(v * x)
    return s + np.sum(acc[-1] * x)


CASES = [(default_appended, (X3, 0.8)), (appended_and_read_back, (X3, 0.8, [1.0])),
         (extended_with_an_array, (X3, 0.8, []))]


@pytest.mark.parametrize("mode", ("grad", "jvp", "hessian", "jvp_of_grad"))
@pytest.mark.parametrize("f, args", CASES, ids=[f.__name__ for f, _ in CASES])
def test_argument_changed_by_its_methods(f, args, mode):
    check(mode, f, args, (0, 1))


POPPED = [pushed_and_popped, popped_last, popped_the_argument, popped_last_in_a_loop]


@pytest.mark.parametrize("n", [3, 5])
@pytest.mark.parametrize("mode", ("grad", "jvp", "hessian", "jvp_of_grad", "vjp_of_grad"))
@pytest.mark.parametrize("f", POPPED, ids=[f.__name__ for f in POPPED])
def test_argument_pushed_and_popped(f, mode, n):
    # second order: the gradient reads the popped item at a position bound once (at = ...),
    # outside every loop, and reads it again after each write into the list, which never
    # changes the item (a list's slots are rebound): followed, as Python does
    check(mode, f, (np.linspace(-0.4, 0.9, n), 0.8, [np.ones(n) * 0.5]), (0, 1))


def test_argument_popped_in_a_loop_is_refused_at_second_order_naming_the_line():
    """In a loop the gradient rebinds the popped item's position in each pass, which the
    second derivative cannot follow: refused, naming the line."""
    assert_close(astgrad.grad(popped_in_a_loop)(X3, 0.8, [np.ones(3)]),
                 numerical_grad(lambda x: popped_in_a_loop(x, 0.8, [np.ones(3)]), (X3.copy(),)), rtol=1e-6, atol=1e-8)
    with pytest.raises(astgrad.TransformError, match="test_argument_appends.py:.*cannot be differentiated twice") as refused:
        astgrad.hessian(popped_in_a_loop, wrt=0)(X3, 0.8, [np.ones(3)])
    line = popped_in_a_loop.__code__.co_firstlineno + 4
    assert f"test_argument_appends.py:{line}:" in str(refused.value) and "v = acc.pop(0)" in str(refused.value)
    assert not re.search(r"\bpopped\b|\bt_\d", str(refused.value)), str(refused.value)     # no generated name
    assert "acc.pop(0) pops an item off 'acc' inside a loop" in str(refused.value), str(refused.value)
    assert "puts it back in its reverse sweep" in str(refused.value)
    assert "Pop outside the loop, or pop the last item (acc.pop())" in str(refused.value)
    assert refused.value.construct == "acc.pop(0) in a loop"


@pytest.mark.parametrize("transform", ["hessian", "grad_of_grad"])
def test_argument_popped_in_a_while_loop_is_refused_in_the_users_words(transform):
    # the words were the general ones of a write into "the dict, list or array this line builds"
    args = (X3, 0.8, [np.ones(3), np.ones(3)])
    assert_close(astgrad.grad(popped_in_a_while_loop)(*args),
                 numerical_grad(lambda x: popped_in_a_while_loop(x, 0.8, [np.ones(3), np.ones(3)]), (X3.copy(),)),
                 rtol=1e-6, atol=1e-8)
    twice = astgrad.hessian(popped_in_a_while_loop, wrt=0) if transform == "hessian" \
        else astgrad.jacobian(astgrad.grad(popped_in_a_while_loop))
    with pytest.raises(astgrad.TransformError) as refused:
        twice(*args)
    line = popped_in_a_while_loop.__code__.co_firstlineno + 4
    message = str(refused.value)
    assert f"test_argument_appends.py:{line}: this line cannot be differentiated twice: acc.pop(-2) pops an item " \
           "off 'acc' inside a loop" in message and "v = acc.pop(-2)" in message, message
    assert "or differentiate once (grad, jvp, vjp)" in message
    assert not re.search(r"\bpopped(_\d+)?\b|\bt_\d|acc_\d|_saved|'at'|\[at\]", message), message     # no generated name


def test_derivative_leaves_the_callers_list_and_the_default_alone():
    acc = [1.0]
    astgrad.grad(appended_and_read_back, wrt=(0, 1))(X3, 0.8, acc)
    assert acc == [1.0]
    default = default_appended.__defaults__[0]
    before = len(default)
    astgrad.grad(default_appended, wrt=(0, 1))(X3, 0.8)
    assert len(default) == before
    default_appended(X3, 0.8)           # the function itself appends, as Python does
    assert len(default) == before + 1


def appended_list_held_by_another_argument(x, w, acc=[], holder=()):     # noqa: B006
    acc.append(x[0] * w)
    return holder[0][-1] * x[1]


def test_list_another_argument_holds_is_refused():
    acc = [1.0]
    with pytest.raises(TypeError, match="test_argument_appends.py:.*writes into its argument 'acc'"):
        astgrad.grad(appended_list_held_by_another_argument, wrt=(0, 1))(X3, 0.8, acc, [acc])


def appended_without_a_default(x, w, acc):
    acc.append(x[0] * w)
    return acc[-1] * x[1]


def appended_in_every_way(x, w, acc):
    acc.append(x * w)
    acc.extend([np.sin(x[0]), x[1] * x[2]])
    acc.insert(0, w * w)
    return sum(np.sum(a) for a in acc) * w + acc[0] * acc[-1]


@pytest.mark.parametrize("mode", ("grad", "jvp", "hessian", "jvp_of_grad"))
def test_a_parameter_without_a_list_default_appended_to(mode):
    check(mode, appended_in_every_way, (X3, 0.8, [np.ones(3), 2.0]), (0, 1))


class Log:
    def __init__(self):
        self.items = []

    def append(self, v):
        self.items.append(v)


def test_the_derivative_leaves_the_callers_list_alone_and_refuses_another_object():
    """As for arrays written into: ``f`` appends to the caller's list, its derivative to a
    copy. An object of the user's class with an ``append`` method is refused when the
    derivative starts, naming the function."""
    acc = [1.0]
    g = astgrad.grad(appended_without_a_default, wrt=(0, 1))
    assert g(X3, 0.8, acc) == (pytest.approx(np.array([-0.4 * 0.8, 0.3 * 0.8, 0.0])), pytest.approx(0.3 * -0.4))
    assert acc == [1.0]
    appended_without_a_default(X3, 0.8, acc)
    assert len(acc) == 2
    with pytest.raises(TypeError, match=r"test_argument_appends.py:\d+: the function appends to its argument "
                                        r"'acc', which astgrad differentiates for a list .* got a Log"):
        g(X3, 0.8, Log())
