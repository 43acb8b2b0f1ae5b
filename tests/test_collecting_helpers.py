"""Helpers that append to a list they are given (``collect(value, leaves)``, as a
plain-Python ``flatten`` writes it): the caller's list gets the items, as in Python; the
derivative flows through them in reverse and forward mode and to second order. Also
recursion through such a helper, the helper redefined between calls, and what stays
refused (a helper that also reads or changes the list otherwise)."""

import types

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad
from two_argument_checks import check_first_order, check_second_order


def collect(value, leaves):
    if isinstance(value, dict):
        for k in sorted(value):
            collect(value[k], leaves)
    elif isinstance(value, (list, tuple)):
        for v in value:
            collect(v, leaves)
    else:
        leaves.append(np.ravel(value))


def add_two(a, out):
    out.append(a * 2.0)
    out.extend([np.sin(a), a])


def add_via(a, out):
    add_two(a * a, out)          # handed on to a helper that only appends
    out.append(np.cos(a))
    return


def flat(value):
    leaves = []
    collect(value, leaves)
    return np.concatenate(leaves)


def nested_structure(x, w):
    v = flat([x, (x * w, {"b": np.sin(w), "a": x ** 2})])
    return np.sum(v * v) + v[0] * v[-1]


def appended_in_loop(x, w):
    ys = [w]                     # the caller's own item stays first
    for k in range(3):
        add_two(x * (k + 1.0), ys)
    add_via(w, ys)
    return sum(y * y for y in ys) + ys[1] * ys[-1]


def caller_list_aliased(x, w):
    ys = []
    alias = ys                   # the same list: it sees the items too
    add_two(x, ys)
    return alias[0] * w + len(alias) * x


@pytest.mark.parametrize("f", [nested_structure, appended_in_loop])
def test_collecting_helper_first_and_second_order(f):
    check_first_order(f, (0.45, 0.8), (1.0, -0.5))
    check_second_order(f)


def test_an_alias_of_the_caller_list_sees_the_items():
    check_first_order(caller_list_aliased, (0.45, 0.8), (1.0, -0.5))
    # as for any alias of a list appended to in a loop (ys.append in `for`), second order too
    check_second_order(caller_list_aliased)


def test_arrays_and_the_structure_of_the_gradient():
    params = [(np.array([0.3, -0.2]), np.array([[0.1, 0.4], [0.5, -0.6]])), {"s": np.array([0.7])}]

    def f(params):
        v = flat(params)
        return np.sum(np.sin(v) * v)
    g = astgrad.grad(f)(params)
    assert isinstance(g, list) and isinstance(g[0], tuple) and isinstance(g[1], dict)
    for got, x in zip([g[0][0], g[0][1], g[1]["s"]], [params[0][0], params[0][1], params[1]["s"]]):
        assert_close(got, np.cos(x) * x + np.sin(x))
    x = np.array([0.3, -0.2, 0.9])
    h = lambda x: f([x, (x[:2], {"k": x * x})])      # noqa: E731
    assert_close(astgrad.hessian(h)(x), astgrad.jacobian(astgrad.grad(h))(x))
    assert_close(astgrad.grad(h)(x), numerical_grad(h, (x,)))


def test_the_caller_list_gets_the_items_in_order():
    def f(x):
        ys = [x * 0.0]
        add_two(x, ys)
        add_two(x * 3.0, ys)
        return ys[1] + 10.0 * ys[2] + 100.0 * ys[3] + 1000.0 * ys[4] + 1e4 * ys[6]
    # 2x + 10 sin x + 100 x + 1000 (6x) + 1e4 * 3x
    assert_close(astgrad.grad(f)(0.3), 2.0 + 10.0 * np.cos(0.3) + 100.0 + 6000.0 + 3e4)
    _, tangent = astgrad.jvp(f, (0.3,), (1.0,))
    assert_close(tangent, 2.0 + 10.0 * np.cos(0.3) + 100.0 + 6000.0 + 3e4)


def test_a_helper_redefined_between_calls_is_followed():
    scope = {"np": np, "__name__": __name__}
    scope["add_two"] = types.FunctionType(add_two.__code__, scope, "add_two")
    f = types.FunctionType(appended_in_loop.__code__, scope, "f")
    scope["add_via"] = types.FunctionType(add_via.__code__, scope, "add_via")
    gradient = astgrad.grad(f)
    before = gradient(0.45, 0.8)
    scope["add_two"] = types.FunctionType(_add_three.__code__, scope, "add_two")
    after = gradient(0.45, 0.8)
    assert not np.isclose(before, after)
    assert_close(after, numerical_grad(f, (0.45, 0.8)))


def _add_three(a, out):
    out.append(a * 3.0)
    out.extend([np.sin(a), a])


def reads_its_list(a, out):
    out.append(a * len(out))     # reads the list: not a plain collector


def test_a_helper_that_also_reads_its_list_stays_refused():
    def f(x):
        ys = [x]
        reads_its_list(x, ys)
        return ys[-1]
    with pytest.raises(astgrad.TransformError, match="changes its argument 'ys' in place"):
        astgrad.grad(f)(0.3)


def test_the_list_passed_twice_is_not_rewritten():
    def f(x):
        ys = [x]
        add_two(ys, ys)          # Python appends ys to itself: not a collector call
        return x
    with pytest.raises((astgrad.TransformError, TypeError)):
        astgrad.grad(f)(0.3)


def total_of(value):
    if isinstance(value, (list, tuple)):
        return sum(total_of(v) for v in value)       # itself, from a generator expression
    return np.sum(np.sin(value) * value)


def keyed_total(d):
    s = 0.0
    for k in sorted(d):                  # sorted over a dict argument reads it only
        s = s + np.sum(d[k] ** 2)
    return s


def test_recursion_from_a_comprehension_and_sorted_keys_of_an_argument():
    x = np.array([0.3, -0.4])
    f = lambda x: total_of([x, (x * 2.0, [x ** 2])]) + keyed_total({"b": x, "a": x * 3.0})  # noqa: E731
    assert_close(astgrad.grad(f)(x), numerical_grad(f, (x,)))
    assert_close(astgrad.jvp(f, (x,), (np.array([1.0, 0.5]),))[1], numerical_grad(f, (x,)) @ np.array([1.0, 0.5]))
    gradient = astgrad.grad(f)
    expected = np.array([numerical_grad(lambda y: gradient(y)[i], (x,)) for i in range(2)])
    assert_close(astgrad.hessian(f)(x), expected, rtol=1e-4)
