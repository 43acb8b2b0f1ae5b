"""A shallow copy of a list or dict handed to a helper that writes into its items in place.

``q = xs.copy()`` (``list(xs)``, ``xs[:]``, ``copy.copy(xs)``, ``[*xs]``, a dict's ``.copy()``,
``dict(d)``, a comprehension over the items) holds the very arrays ``xs`` holds, so a
helper given ``q`` that writes ``items[0] *= a`` changes ``xs[0]`` too. Such programs are
refused at the line writing, in the user's words (never a wrong gradient); a helper that
stores a new item into the copy, a copy of numbers and a display handed on are followed
in every mode, checked against central differences at two shapes."""

import copy
import inspect
import re

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_hessian, numerical_jvp

A = 0.8


def _bump(items):
    items[0] *= A  # written


def _bump_second(items):
    items[1] *= A  # written


def _set_element(items):
    items[0][1] = A * items[0][1]  # written


def _scale_each(items):
    for v in items:
        v *= A  # written


def _bump_through(items):
    _bump(items)


def _bump_at(items, k):
    items[k] *= A  # written


def _bump_key(d):
    d["a"] *= A  # written


def _scale(v):
    v *= A  # written


def _store_new(items):
    items[0] = items[0] * A


def copy_method(x):
    xs = [x * 1.0, x + 1.0]
    q = xs.copy()
    _bump(q)
    return np.sum(q[0] * xs[0])


def list_call(x):
    xs = [x * 1.0, x + 1.0]
    q = list(xs)
    _bump(q)
    return np.sum(q[0] * xs[0])


def whole_slice(x):
    xs = [x * 1.0, x + 1.0]
    q = xs[:]
    _bump(q)
    return np.sum(q[0] * xs[0])


def copy_module(x):
    xs = [x * 1.0, x + 1.0]
    q = copy.copy(xs)
    _bump(q)
    return np.sum(q[0] * xs[0])


def starred_display(x):
    xs = [x * 1.0, x + 1.0]
    q = [*xs]
    _bump(q)
    return np.sum(q[0] * xs[0])


def list_comprehension(x):
    xs = [x * 1.0, x + 1.0]
    q = [v for v in xs]
    _bump(q)
    return np.sum(q[0] * xs[0])


def dict_copy_method(x):
    d = {"a": x * 1.0, "b": x + 1.0}
    c = d.copy()
    _bump_key(c)
    return np.sum(c["a"] * d["a"])


def dict_call(x):
    d = {"a": x * 1.0, "b": x + 1.0}
    c = dict(d)
    _bump_key(c)
    return np.sum(c["a"] * d["a"])


def dict_comprehension(x):
    d = {"a": x * 1.0, "b": x + 1.0}
    c = {k: v for k, v in d.items()}
    _bump_key(c)
    return np.sum(c["a"] * d["a"])


def second_item(x):
    xs = [x * 1.0, x + 1.0]
    q = xs.copy()
    _bump_second(q)
    return np.sum(q[1] * xs[1])


def element_of_an_item(x):
    xs = [x * 1.0, x + 1.0]
    q = xs.copy()
    _set_element(q)
    return np.sum(q[0] * xs[0])


def each_item_scaled(x):
    xs = [x * 1.0, x + 1.0]
    q = xs.copy()
    _scale_each(q)
    return np.sum(q[0] * xs[1])


def helper_of_a_helper(x):
    xs = [x * 1.0, x + 1.0]
    q = xs.copy()
    _bump_through(q)
    return np.sum(q[0] * xs[0])


def helper_in_a_loop(x):
    xs = [x * 1.0, x + 1.0]
    q = xs.copy()
    for k in range(2):
        _bump_at(q, k)
    return np.sum(q[0] * xs[0]) + np.sum(q[1])


def popped_item_handed(x):
    xs = [x * 1.0, x + 1.0]
    q = xs.copy()
    v = q.pop(0)
    _scale(v)
    return np.sum(v * xs[0])


def copy_popped_then_handed(x):
    xs = [x * 1.0, x + 1.0]
    q = xs.copy()
    q.pop()
    _bump(q)
    return np.sum(q[0] * xs[0])


def copy_of_a_tuple(x):
    xs = (x * 1.0, x + 1.0)
    q = list(xs)
    _bump(q)
    return np.sum(q[0] * xs[0])


def item_handed(x):
    xs = [x * 1.0, x + 1.0]
    q = xs.copy()
    _scale(q[0])
    return np.sum(q[0] * xs[0])


def original_handed(x):
    xs = [x * 1.0, x + 1.0]
    q = xs.copy()
    _bump(xs)
    return np.sum(q[0] * xs[0])


def copy_aliased(x):
    xs = [x * 1.0, x + 1.0]
    q = xs.copy()
    r = q
    r[0] *= A  # written
    return np.sum(q[0] * xs[0])


REFUSED = [copy_method, list_call, whole_slice, copy_module, starred_display, list_comprehension,
           dict_copy_method, dict_call, dict_comprehension, second_item, element_of_an_item, each_item_scaled,
           helper_of_a_helper, helper_in_a_loop, popped_item_handed, copy_popped_then_handed, copy_of_a_tuple,
           item_handed, original_handed, copy_aliased]


def new_item_stored(x):
    xs = [x * 1.0, x + 1.0]
    q = xs.copy()
    _store_new(q)
    return np.sum(q[0] * xs[0])


def new_item_stored_into_list_call(x):
    xs = [x * 1.0, x + 1.0]
    q = list(xs)
    _store_new(q)
    return np.sum(q[0] * xs[0] + q[1])


def copy_of_numbers(x):
    xs = [np.sum(x), np.sum(x * x)]
    q = xs.copy()
    _bump(q)
    return q[0] * xs[0] + q[1]


def display_handed(x):
    d = {"a": x * 1.0, "b": x + 1.0}
    _bump_key(d)
    return np.sum(d["a"] * d["b"])


def dict_copy_written_here(x):
    d = {"a": x * 1.0, "b": x + 1.0}
    c = dict(d)
    c["a"] *= A
    return np.sum(c["a"] * d["a"])


def comprehension_of_new_items_handed(x):
    d = {"a": x * 1.0, "b": x + 1.0}
    c = {k: v * 2.0 for k, v in d.items()}
    _bump_key(c)
    return np.sum(c["a"] * d["a"])


FOLLOWED = [new_item_stored, new_item_stored_into_list_call, copy_of_numbers, display_handed,
            dict_copy_written_here, comprehension_of_new_items_handed]
SHAPES = [(3,), (2, 3)]


def _start(shape):
    return np.linspace(-0.7, 0.6, int(np.prod(shape))).reshape(shape)


def _written_lines(f):
    """The lines ``f`` or the helpers it calls mark ``# written``, as file:line."""
    lines = inspect.getsource(inspect.getmodule(f)).splitlines()
    return [f"{__file__}:{k + 1}:" for k, line in enumerate(lines) if line.rstrip().endswith("# written")]


@pytest.mark.parametrize("f", REFUSED, ids=lambda f: f.__name__)
def test_a_write_through_a_shallow_copy_is_refused_in_words(f):
    x = _start((3,))
    for run in (lambda: astgrad.grad(f)(x), lambda: astgrad.jvp(f, (x,), (np.ones(3),)),
                lambda: astgrad.hessian(f)(x)):
        with pytest.raises((astgrad.TransformError, TypeError)) as info:
            run()
        message = str(info.value)
        assert any(where in message for where in _written_lines(f)), message
        assert not re.search(r"\b(items|v|q|c|d)_\d|\bt_\d|\bd_\w|_saved|_stack", message), message


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("f", FOLLOWED, ids=lambda f: f.__name__)
def test_a_copy_whose_items_stay_apart_is_followed_in_every_mode(f, shape):
    x = _start(shape)
    numeric = numerical_grad(f, (x,))
    value, gradient = astgrad.value_and_grad(f)(x)
    assert_close(value, f(x.copy()), rtol=1e-12, atol=1e-12)
    assert_close(gradient, numeric)
    assert_close(astgrad.grad(f)(x), numeric)
    out, pullback = astgrad.vjp(f, x)
    assert_close(pullback(1.5)[0], 1.5 * numeric)
    t = np.cos(np.arange(x.size)).reshape(shape)
    assert_close(astgrad.jvp(f, (x,), (t,))[1], numerical_jvp(f, (x,), (t,)))
    second = numerical_hessian(astgrad.grad(f), (x,)).reshape(shape + shape)
    assert_close(astgrad.hessian(f)(x), second, rtol=1e-4, atol=1e-5)
    tangent = astgrad.jvp(astgrad.grad(f), (x,), (t,))[1]
    assert_close(tangent, np.tensordot(second, t, axes=len(shape)), rtol=1e-4, atol=1e-5)
