"""Everyday calls: functools.partial, f(*xs) and f(**d), zip(*xs), keyword-only
parameters, sum/max/min over lists of arrays, dict views and dict(d) outside loops,
set comprehensions, list and tuple + and *, and with ... as. Each is checked against
central finite differences in reverse mode, forward mode and to second order."""

import contextlib
import functools

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_jvp
from breadth_modes import check as check_mode


def check(f, *args):
    """Reverse, forward and second order of ``f`` w.r.t. its first argument against
    finite differences (f must not change its arguments)."""
    rng = np.random.default_rng(0)
    x = args[0]
    v = rng.standard_normal(np.shape(x)) if np.ndim(x) else 0.7
    rest = (None,) * (len(args) - 1)
    assert_close(astgrad.grad(f)(*args), numerical_grad(f, args, 0))
    assert_close(astgrad.jvp(f, args, (v,) + tuple(0.0 * np.asarray(a) for a in args[1:]))[1],
                 numerical_jvp(f, args, (v,) + rest))
    gradient = astgrad.grad(f)
    assert_close(astgrad.hvp(f)(*args, v), numerical_jvp(gradient, args, (v,) + rest), rtol=1e-4, atol=1e-5)


def g(a, b, k=2.0):
    return a * np.sin(b) * k


def h(a, b):
    return a * np.cos(b)


P = functools.partial(g, 3.0)
PP = functools.partial(functools.partial(g, k=5.0), 1.5)      # a partial of a partial


def partial_made_inline(x):
    return np.sum(functools.partial(g, 2.0)(x, k=x))


def partial_bound_locally(x):
    a = x * 2.0
    p = functools.partial(g, a)
    q = functools.partial(p, k=x)          # a partial of a local partial
    a = 100.0                              # the partial kept the value it was made with
    return np.sum(p(x) + q(np.cos(x)))


def global_partials(x):
    return np.sum(P(x) + PP(x, k=x))       # the call's keyword overrides the bound one


def star_display(x):
    return np.sum(g(*[x, x * 2.0]) + g(x, **{"b": x, "k": 3.0}))


def star_name(x):
    xs = (x, x * 3.0)
    return np.sum(h(*xs))


def zip_star_loop(x):
    rows = [[x, x * 2.0], [np.sin(x), x * 4.0]]
    t = 0.0
    for a, b in zip(*rows):
        t = t + a * b
    return np.sum(t)


def zip_star_value(x):
    cols = list(zip(*[[x, x * 2.0, x], [x * 3.0, np.exp(x)]]))      # the shortest row wins
    return np.sum(cols[0][0] * cols[1][1]) + len(cols)


def reductions_over_lists(x):
    items = [x, np.sin(x), x * x]
    return np.sum(sum(items)) + max(np.sum(items[0]), np.sum(items[1])) - min([np.sum(x), np.sum(x * 0.5) - 1.0])


def max_of_three(x):
    return max([x, x * 2.0, np.sin(x)])


def dict_views(x):
    d = {"a": x, "b": np.sin(x)}
    pairs = list(d.items())
    e = dict(d)
    e["a"] = e["a"] * 3.0                 # a new dict: d keeps its item
    return np.sum(sum(d.values()) * pairs[1][1] + e["a"] * d["a"]) + len(list(d.keys()))


def set_of_numbers(x):
    s = {k % 2 for k in range(5)}
    return np.sum(x) * len(s)


def list_plus_and_times(x):
    xs = [x, np.sin(x)]
    ys = [x * x]
    zs = xs + ys
    zs += [x]
    ws = 2 * [x * 3.0]
    none = [x] * 0
    return np.sum(np.stack(zs) ** 2) + np.sum(ws[1] * ws[0]) + len(none)


def tuple_plus(x):
    t = (x,) + (x * 2.0, np.sin(x))
    return np.sum(t[0] * t[2] + t[1])


def with_as(x):
    with np.errstate(divide="ignore") as state, contextlib.nullcontext(3.0) as k:
        y = x * k
        kept = state
    return np.sum(y * y) + (kept is None)


PROGRAMS = [partial_made_inline, partial_bound_locally, global_partials, star_display, star_name,
            zip_star_loop, zip_star_value, reductions_over_lists, max_of_three, dict_views,
            set_of_numbers, list_plus_and_times, tuple_plus, with_as]


@pytest.mark.parametrize("f", PROGRAMS)
@pytest.mark.parametrize("x", [0.7, np.array([0.3, -1.2, 0.5])], ids=["float", "array"])
def test_program(f, x):
    if f is max_of_three and np.ndim(x):
        x = 0.7             # max of arrays compares them as a whole: take a number
    check(f, x)


# -- partials handed to the transforms ---------------------------------------------------

def test_grad_of_a_partial_and_of_a_partial_of_a_partial():
    assert_close(astgrad.grad(P)(0.7), 3.0 * np.cos(0.7) * 2.0)
    assert_close(astgrad.grad(PP)(0.7), 1.5 * np.cos(0.7) * 5.0)
    # the bound keyword stays a parameter, with its bound value as default
    assert_close(astgrad.grad(PP, wrt="k")(0.7), 1.5 * np.sin(0.7))
    assert_close(astgrad.grad(PP, wrt="k")(0.7, k=2.0), 1.5 * np.sin(0.7))
    assert_close(astgrad.jvp(PP, (0.7,), (1.0,))[1], 1.5 * np.cos(0.7) * 5.0)
    assert_close(astgrad.hessian(P)(0.7), -3.0 * np.sin(0.7) * 2.0)
    out, pullback = astgrad.vjp(P, np.array([0.2, 0.4]))
    assert_close(pullback(np.ones(2))[0], 6.0 * np.cos([0.2, 0.4]))


def test_kwargs_override_defaults_in_a_partial():
    p = functools.partial(g, b=0.4)
    assert_close(astgrad.grad(p, wrt="b")(0.7, b=1.1), 0.7 * np.cos(1.1) * 2.0)
    assert_close(astgrad.grad(p, wrt="b")(0.7), 0.7 * np.cos(0.4) * 2.0)


def kwonly(x, *, w, scale=2.0):
    return x * w * scale


def test_keyword_only_parameter_as_wrt():
    assert_close(astgrad.grad(kwonly, wrt="w")(0.7, w=1.3), 1.4)
    assert_close(astgrad.grad(kwonly, wrt="w")(0.7, w=1.3, scale=3.0), 2.1)
    assert_close(astgrad.grad(astgrad.grad(kwonly, wrt="w"), wrt=0)(0.7, w=1.3), 2.0)


def star_from_a_display_name(x):
    xs = [x, x]             # bound once to a display, only unpacked: its items are spliced in
    return g(*xs)


def kwargs_from_a_display_name(x):
    d = {"b": x}
    return g(x, **d)


@pytest.mark.parametrize("f", [star_from_a_display_name, kwargs_from_a_display_name])
def test_unpacking_a_name_bound_to_a_display(f):
    assert_close(astgrad.grad(f)(0.7), numerical_grad(f, (0.7,)))
    assert_close(astgrad.jvp(f, (0.7,), (1.0,))[1], numerical_grad(f, (0.7,)))


# -- refusals ------------------------------------------------------------------------------

def star_into_defaults(x):
    xs = [x, x]
    if np.sum(x) > 0:
        xs.append(x)        # in a branch: how many items it holds is not known when the code is made
    return g(*xs)


def star_after_appends(x):
    xs = [x, x]
    xs.append(x * 0.5)      # right after the display: the list [x, x, x * 0.5] fills k too
    return g(*xs)


@pytest.mark.parametrize("x", [0.7, np.array([0.3, -0.4, 0.9])])
def test_star_of_a_list_made_by_a_display_and_appends(x):
    def total(v):
        return np.sum(star_after_appends(v))
    assert_close(star_after_appends(x), x * np.sin(x) * x * 0.5)
    assert_close(astgrad.grad(total)(x), numerical_grad(total, (x,)))


def kwargs_from_a_name(x):
    d = {"b": x}
    d["b"] = x * 2.0        # changed in place: not the display's items
    return g(x, **d)


def gathers_keywords(a, **kw):
    return a * kw["b"]


def kwargs_from_a_name_into_kwargs(x):
    d = {"b": x}
    for _ in range(2):
        d["b"] = x * 2.0    # its keys known when the code runs (not from the code), for a function gathering **kw
    return gathers_keywords(x, **d)


def varargs_helper(*xs):
    return xs[0] * xs[1]


def calls_varargs_helper(x):
    return varargs_helper(x, x * 3.0)


def set_used_as_a_set(x):
    s = {v for v in [x, 2.0 * x]}
    return sum(s - {1.0})


@pytest.mark.parametrize("f, words", [
    (star_into_defaults, "*args unpacking in a call whose number of arguments"),
    (set_used_as_a_set, "a set of differentiated values used as a set"),
])
def test_refused_with_a_clear_message(f, words):
    with pytest.raises(astgrad.TransformError) as info:
        astgrad.grad(f)
    assert words in str(info.value)
    assert "test_calls.py" in str(info.value)


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
def test_kwargs_from_a_name_into_kwargs_is_given_whole(mode):
    """Its keys known only when the code runs: gathers_keywords's **kw gets the dict itself."""
    check_mode(mode, kwargs_from_a_name_into_kwargs, (0.7,), (0,))


@pytest.mark.parametrize("x", [0.7, np.array([0.3, -0.4, 0.9])])
def test_kwargs_from_a_name_into_a_function_with_named_parameters(x):
    """Its keys are read when the code runs: each parameter left from the dict, or its default."""
    def total(v):
        return np.sum(kwargs_from_a_name(v))
    assert_close(astgrad.grad(total)(x), numerical_grad(total, (x,)))
