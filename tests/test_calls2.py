"""Calls and containers that lower through specialization or new loops: helpers and
differentiated functions with *args/**kwargs, recursion through the generated
derivative (direct, mutual, depth set by a float test), reversed(...) of lists,
enumerate(zip(...)), list.extend/insert, set displays, [*xs] and {**d}. Each is
checked against central finite differences in reverse mode, forward mode and to
second order."""

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_jvp


def check(f, *args):
    """Reverse, forward and second order of ``f`` w.r.t. its first argument."""
    rng = np.random.default_rng(1)
    x = args[0]
    v = rng.standard_normal(np.shape(x)) if np.ndim(x) else 0.7
    rest = (None,) * (len(args) - 1)
    assert_close(astgrad.grad(f)(*args), numerical_grad(f, args, 0))
    tangents = (v,) + tuple(0.0 * np.asarray(a) if isinstance(a, (float, np.ndarray)) else None
                            for a in args[1:])
    assert_close(astgrad.jvp(f, args, tangents)[1], numerical_jvp(f, args, (v,) + rest))
    gradient = astgrad.grad(f)
    assert_close(astgrad.hvp(f)(*args, v), numerical_jvp(gradient, args, (v,) + rest), rtol=1e-4, atol=1e-5)


X = np.array([0.3, -0.8, 0.5])


# -- *args and **kwargs in a helper ---------------------------------------------------------

def helper(*args, **kwargs):
    return np.sin(args[0]) * kwargs.get("scale", 1.0)


def calls_helper(x):
    return np.sum(helper(x) + helper(x * x, scale=3.0) + helper(2.0 * x, 1.0, scale=x))


def total(*xs):
    s = 0.0
    for v in xs:
        s = s + v * v
    return s


def calls_total(x):
    return np.sum(total() + total(x) + total(x, 2.0 * x, x * x))     # *args with zero items too


def mixed(a, b=2.0, *rest, k=1.0, **opts):
    return a * b * k + sum(rest) + opts.get("w", 0.5) * a


def calls_mixed(x):
    # defaults, extra positionals, a keyword-only parameter, **kwargs overriding a default
    return np.sum(mixed(x) + mixed(x, 3.0, x, x * x, k=x, w=x * x) + mixed(x, w=4.0, b=x))


def twice(fn):
    def wrapper(*args, **kwargs):
        return 2.0 * fn(*args, **kwargs)
    return wrapper


def base(x, s=1.0):
    return np.sin(x) * s


wrapped = twice(base)


def calls_wrapped(x):
    return np.sum(wrapped(x, s=x))


@pytest.mark.parametrize("f", [calls_helper, calls_total, calls_mixed, calls_wrapped])
@pytest.mark.parametrize("x", [0.7, X], ids=["float", "array"])
def test_helper_with_varargs(f, x):
    check(f, x)


# -- *args and **kwargs in the differentiated function -------------------------------------

def star_sum(*xs, scale=1.0, **kw):
    s = 0.0
    for v in xs:
        s = s + np.sum(np.sin(v) * v)
    return s * scale * kw.get("extra", 1.0)


def test_grad_of_a_varargs_function_indexes_the_arguments_as_passed():
    a, b = X, 0.4
    assert_close(astgrad.grad(star_sum)(a, b), numerical_grad(star_sum, (a, b), 0))
    assert_close(astgrad.grad(star_sum, wrt=1)(a, b, scale=2.0),
                 numerical_grad(lambda a, b: star_sum(a, b, scale=2.0), (a, b), 1))
    assert_close(astgrad.grad(star_sum, wrt=(0, 1))(a, b),
                 (numerical_grad(star_sum, (a, b), 0), numerical_grad(star_sum, (a, b), 1)))
    assert_close(astgrad.grad(star_sum)(b), numerical_grad(star_sum, (b,), 0))     # another shape
    # a keyword **kw gathers, named by its keyword
    assert_close(astgrad.grad(star_sum, wrt="extra")(a, b, extra=3.0), star_sum(a, b))


def test_forward_and_second_order_of_a_varargs_function():
    a, b = X, 0.4
    v = np.array([0.2, 0.1, -0.5])
    assert_close(astgrad.jvp(star_sum, (a, b), (v, 0.0))[1], numerical_jvp(star_sum, (a, b), (v, None)))
    gradient = astgrad.grad(star_sum)
    assert_close(astgrad.hessian(star_sum)(a, b) @ v, numerical_jvp(gradient, (a, b), (v, None)),
                 rtol=1e-4, atol=1e-5)
    assert_close(astgrad.grad(astgrad.grad(star_sum, wrt=1), wrt=1)(a, b),
                 numerical_grad(astgrad.grad(star_sum, wrt=1), (a, b), 1), rtol=1e-4, atol=1e-5)


def test_wrt_past_the_arguments_given_is_a_clear_error():
    with pytest.raises(TypeError, match="no argument 0 to differentiate"):
        astgrad.grad(star_sum)()


# -- recursion ---------------------------------------------------------------------------

def power(x, n):
    if n == 0:
        return 1.0
    return x * power(x, n - 1)


def shrink(x):
    if np.all(np.abs(x) < 0.1):            # the depth depends on a float comparison
        return np.sin(x)
    return 2.0 * shrink(x / 3.0) + x * x


def even(x, n):
    if n == 0:
        return x
    return np.cos(odd(x, n - 1))


def odd(x, n):
    if n == 0:
        return x * x
    return np.sin(even(x, n - 1)) * x


def branching(x, n):
    if n <= 0:
        return x
    return branching(x * 0.5, n - 1) + branching(np.sin(x), n - 2)


def swap(a, b, n):
    if n == 0:
        return a * b * b
    return swap(b, a * 1.5, n - 1)      # the recursive call differentiates the other argument


@pytest.mark.parametrize("f, rest", [(power, (0,)), (power, (4,)), (shrink, ()), (even, (5,)),
                                     (odd, (0,)), (branching, (5,)), (swap, (0.9, 3))],
                         ids=["power-depth-0", "power-depth-4", "float-depth", "mutual", "mutual-depth-0",
                              "two-calls", "swapped-arguments"])
@pytest.mark.parametrize("x", [0.7, X], ids=["float", "array"])
def test_recursion(f, rest, x):
    if f is power and np.ndim(x):
        x = np.abs(x)
    check(lambda x, *r: np.sum(f(x, *r)), x, *rest)


def test_recursion_sizes_up_with_the_input():
    for x in (0.05, 0.5, 5.0, 50.0):         # depth 0 to 4
        assert_close(astgrad.grad(shrink)(x), numerical_grad(shrink, (x,), 0))


# -- loops and containers ----------------------------------------------------------------

def reversed_list(x):
    s = 0.0
    for v in reversed([x, 2.0 * x, x * x]):
        s = s * 0.5 + v
    return np.sum(s)


def reversed_empty(x):
    s = x * 1.0
    for v in reversed([]):
        s = s + v
    return np.sum(list(reversed([]))) + np.sum(s * s)


def reversed_range(x):
    s = 0.0
    for i in reversed(range(4)):
        s = s * x + i
    return np.sum(s)


def enumerate_zip(x):
    s = 0.0
    for i, (a, b) in enumerate(zip([x, x * x, np.sin(x)], [1.0, 2.0])):     # the shortest sets the length
        s = s + (i + 1) * a * b
    return np.sum(s)


def extend_insert(x):
    ys = [x]
    ys.extend([x * x, 3.0])
    ys.extend((np.sin(x), x * 3.0))
    ys.insert(1, 2.0 * x)
    ys.insert(-1, np.sin(x))
    ys.insert(100, x + 1.0)
    return np.sum(ys[0] * ys[1] + ys[2] * ys[5] + ys[6] * ys[-1] + ys[-2]) + len(ys)


def set_display(x):
    return np.sum(x * len({1, 2, 2, 3}))


def starred_displays(x):
    xs = [x, 2.0 * x]
    ys = [*xs, x * x, *(np.sin(x),)]
    t = (*ys, x)
    d = {"a": x, **{"b": x * x}, "c": 1.0}
    e = {**d, "a": np.cos(x)}             # a later key replaces an earlier one
    return np.sum(ys[0] * ys[2] + ys[3] + t[4] * e["a"] * e["b"] + d["a"])


@pytest.mark.parametrize("f", [reversed_list, reversed_empty, reversed_range, enumerate_zip, extend_insert,
                               set_display, starred_displays])
@pytest.mark.parametrize("x", [0.7, X], ids=["float", "array"])
def test_containers_and_loops(f, x):
    check(f, x)


def extend_itself(x):
    ys = [x, x * x]
    ys.extend(ys)                        # read before it grows, as in Python
    return np.sum(ys[0] * ys[3] + ys[2])


@pytest.mark.parametrize("x", [0.7, X], ids=["float", "array"])
def test_extend_with_itself(x):
    # first order in both modes; second order of a list written after it was extended
    # with itself is refused (the sharing of its items is not followed there)
    v = np.ones_like(x)
    assert_close(astgrad.grad(extend_itself)(x), numerical_grad(extend_itself, (x,), 0))
    assert_close(astgrad.jvp(extend_itself, (x,), (v,))[1], numerical_jvp(extend_itself, (x,), (v,)))


def test_list_methods_keep_python_values():
    assert extend_insert(0.5) == pytest.approx(astgrad.value_and_grad(extend_insert)(0.5)[0])
    ys = [1, 2, 3]
    for i in (-10, -1, 0, 2, 10):
        zs = list(ys)
        zs.insert(i, 9)
        assert insert_at([1.0, 2.0, 3.0], i) == pytest.approx(sum(k * v for k, v in enumerate(zs)))


def insert_at(xs, i):
    ys = list(xs)
    ys.insert(i, 9.0)
    return sum(k * v for k, v in enumerate(ys))


def test_insert_position_is_clamped_in_the_gradient():
    for i in (-10, -1, 0, 2, 10):
        g = astgrad.grad(lambda x: insert_at([x, 2.0, 3.0], i))(1.0)
        zs = [1.0, 2.0, 3.0]
        zs.insert(i, 9.0)
        assert g == pytest.approx(float(zs.index(1.0)))


# -- local functions with *args and **kwargs: inlined as the function each call makes ------------

def local_varargs(x):
    def inner(*a):
        return a[0] * 2.0
    return inner(x)


def local_varargs_sum(x):
    def inner(*xs):
        return sum(xs) * xs[0]
    return inner(x, x * 2.0) + inner(x)


def local_lambda_kwargs(x, w):
    g = lambda *a, **k: a[0] * k.get("s", 1.0)      # noqa: E731
    return g(x, s=w) + g(w)


def local_mixed_parameters(x):
    def inner(a, *rest, scale=2.0, **kw):
        return a * scale + sum(rest) + kw["t"] * a
    return inner(x, x, x * x, t=x) + inner(x, scale=3.0, t=1.0)


def local_spreading(x):
    def inner(*xs, **kw):
        return np.sin(*xs) * prod_helper(x, **kw)
    return inner(x, b=x) + inner(x * 2.0, b=1.5)


def prod_helper(a, b=1.0):
    return a * b


def module_apply(f, *args, **kwargs):
    return f(*args, **kwargs)


def handed_to_a_varargs_helper(x, y):
    return module_apply(prod_helper, x, b=y) + module_apply(np.sin, x) + module_apply(lambda v: v * y, x)


@pytest.mark.parametrize("f, args", [
    (local_varargs, (0.7,)), (local_varargs_sum, (0.7,)), (local_lambda_kwargs, (0.7, 1.3)),
    (local_mixed_parameters, (0.7,)), (local_spreading, (0.7,)), (handed_to_a_varargs_helper, (0.7, 1.3)),
])
def test_local_functions_with_varargs(f, args):
    for position in range(len(args)):
        expected = numerical_grad(f, args, wrt=position)
        assert_close(astgrad.grad(f, wrt=position)(*args), expected)
        tangents = tuple(1.0 if i == position else 0.0 for i in range(len(args)))
        assert_close(astgrad.jvp(f, args, tangents)[1], expected)
    gradient = astgrad.grad(f)
    assert_close(astgrad.grad(gradient)(*args), numerical_grad(gradient, args), rtol=1e-4, atol=1e-5)


# -- refusals that remain -----------------------------------------------------------------

def set_used_as_a_set(x):
    return sum({x, 2.0 * x} - {0.0})


@pytest.mark.parametrize("f, words", [
    (set_used_as_a_set, "a set of differentiated values used as a set"),
])
def test_refused_with_a_clear_message(f, words):
    with pytest.raises(astgrad.TransformError) as info:
        astgrad.grad(f)(0.7)
    assert words in str(info.value)
    assert "test_calls2.py" in str(info.value)
