"""The thirtieth hunt: redefinition and rebinding after a derivative is made or first
called, and kinks against the documented conventions.

About 150 probes: a helper redefined at module level, ``__code__``, ``__defaults__`` and
``__kwdefaults__`` replaced, closure cells rebound (a setter's ``nonlocal``,
``cell_contents``), methods replaced on the class, ``np.sin`` and ``math.exp``
monkeypatched, ``importlib.reload``, globals rebound from a float to an int or an array
(and to another shape and dtype), module attributes (``cfg.scale``), class attributes,
``@differentiable`` functions redefined, the disk cache across processes after the source
file changes; each checked with grad, jvp, hessian, value_and_grad, jacobian and a
gradient made before the change and called after. Kinks: ``maximum``/``minimum``/builtin
``max``/``min`` ties, ``abs``, ``clip`` at its bounds, ``where``, ``sign``, ``floor``,
``round``, ``sqrt`` and ``x ** 0.5`` at 0, integer-valued float powers of negative bases,
``max`` with repeated maxima, ``median``, ``percentile``, ``sort``, ``norm`` at 0, in
every mode. It found:

- a wrong number: vjp's pullback read the globals, closure cells and module attributes of
  ``f`` (and of what it calls) when it was called, not as vjp found them, so rebinding one
  in between (``K = 10.0``, ``cfg.scale = 3.0``, a setter's ``nonlocal``) gave the
  derivative of another function than the one ``out`` came from; so did an attribute of
  a bound method's object (``obj.k = 10.0``); the pullback now runs with the values vjp
  found (as JAX and PyTorch keep what the forward pass read).
"""

import math
import types

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad

X = np.array([0.3, -0.7, 1.1])
K = 1.0
W = np.array([1.0, 2.0, 3.0])
ACT = np.sin
CFG = types.ModuleType("hunt30_config")
CFG.scale = 1.0


def scaled_by_global(x):
    return np.sum(x ** 2 * K)


def scaled_by_module_attribute(x):
    return np.sum(x ** 2 * CFG.scale)


def weighted_by_global(x):
    return np.sum(x ** 2 * W)


def through_helper(x):
    return np.sum(_helper(x) * K)


def _helper(x):
    return np.sin(x) * W


def _closure():
    c = 1.0

    def f(x):
        return np.sum(x ** 2 * c)

    def set_c(value):
        nonlocal c
        c = value
    return f, set_c


def _set_global(name, value):
    globals()[name] = value


# -- what the hunt found: the pullback reads what vjp read ----------------------------------

_CLOSED, _SET_CLOSED = _closure()

REBINDINGS = {
    "a global float": (scaled_by_global, lambda: _set_global("K", 10.0), 2.0 * X),
    "a global float to an array": (scaled_by_global, lambda: _set_global("K", np.array([1.0, 5.0, 9.0])), 2.0 * X),
    "a module attribute": (scaled_by_module_attribute, lambda: setattr(CFG, "scale", 10.0), 2.0 * X),
    "a global array to another": (weighted_by_global, lambda: _set_global("W", np.array([5.0])), 2.0 * X * W),
    "a closure cell": (_CLOSED, lambda: _SET_CLOSED(10.0), 2.0 * X),
    "a global a callee reads": (through_helper, lambda: _set_global("W", -W), np.cos(X) * W),
}


@pytest.mark.parametrize("name", sorted(REBINDINGS))
def test_a_name_rebound_after_vjp_leaves_the_pullback_at_the_point_of_out(name):
    fn, rebind, expected = REBINDINGS[name]
    saved = K, W, CFG.scale
    try:
        out, pullback = astgrad.vjp(fn, X)
        rebind()
        assert_close(pullback(1.0)[0], expected)
        assert_close(numerical_grad(fn, (X,)), astgrad.vjp(fn, X)[1](1.0)[0])   # a new vjp: the names now
        assert_close(astgrad.grad(fn)(X), numerical_grad(fn, (X,)))
    finally:
        _set_global("K", saved[0])
        _set_global("W", saved[1])
        CFG.scale = saved[2]
        _SET_CLOSED(1.0)
    assert K == saved[0] and CFG.scale == saved[2]


class Scaled:
    def __init__(self):
        self.k, self.w = 1.0, np.array([1.0, 2.0, 3.0])

    def f(self, x):
        return np.sum(x ** 2 * self.k * self.w)


@pytest.mark.parametrize("attribute, value", [("k", 10.0), ("w", np.array([5.0, 6.0, 7.0]))])
def test_an_attribute_of_a_method_s_object_rebound_after_vjp_leaves_the_pullback_as_vjp_found_it(attribute, value):
    obj = Scaled()
    out, pullback = astgrad.vjp(obj.f, X)
    setattr(obj, attribute, value)
    assert_close(pullback(1.0)[0], 2.0 * X * np.array([1.0, 2.0, 3.0]))
    assert getattr(obj, attribute) is value            # put back after the pullback
    assert_close(astgrad.vjp(obj.f, X)[1](1.0)[0], numerical_grad(obj.f, (X,)))


def test_the_pullback_leaves_the_names_as_they_are_after_it():
    global K
    out, pullback = astgrad.vjp(scaled_by_global, X)
    K = 10.0
    try:
        assert_close(pullback(1.0)[0], 2.0 * X)
        assert K == 10.0                        # put back: the pullback rebinds nothing
        assert_close(pullback(2.0)[0], 4.0 * X)
    finally:
        K = 1.0


# -- a sample of the probes that passed: changes after a gradient is made -------------------

def _rebound_then(change, fn, transform):
    made = transform(fn)
    made(X)                                     # made and called once before the change
    change()
    return made(X)


def _use_tanh():
    global ACT
    ACT = np.tanh


def activated(x):
    return np.sum(ACT(x) * K)


def test_a_gradient_called_after_a_global_function_is_rebound_follows_it():
    global ACT
    try:
        got = _rebound_then(_use_tanh, activated, astgrad.grad)
        assert_close(got, numerical_grad(activated, (X,)))
        assert_close(astgrad.hessian(activated)(X), np.diag(-2.0 * np.tanh(X) / np.cosh(X) ** 2))
    finally:
        ACT = np.sin


@pytest.mark.parametrize("change, expected", [
    (lambda f: setattr(f, "__defaults__", (5.0,)), lambda x: 10.0 * x),
    (lambda f: setattr(f, "__code__", (lambda x, k=2.0: np.sum(x ** 3 * k)).__code__), lambda x: 6.0 * x ** 2),
])
def test_a_gradient_follows_defaults_and_code_replaced_after_it_was_called(change, expected):
    def f(x, k=2.0):
        return np.sum(x ** 2 * k)
    g = astgrad.grad(f)
    g(X)
    change(f)
    assert_close(g(X), expected(X))
    assert_close(astgrad.jvp(f, (X,), (np.ones(3),))[1], np.sum(expected(X)))


def test_math_exp_monkeypatched_after_the_gradient_was_made_is_followed():
    def f(x):
        return math.exp(x) * 2.0
    g = astgrad.grad(f)
    g(0.3)
    original = math.exp
    math.exp = lambda v: original(2.0 * v)
    try:
        assert_close(g(0.3), 4.0 * original(0.6))
    finally:
        math.exp = original
    assert_close(g(0.3), 2.0 * math.exp(0.3))


# -- kinks: every mode agrees with the documented convention --------------------------------

KINKS = [
    ("maximum tie", lambda x: np.maximum(x, 0.0), 0.0, 0.5),
    ("builtin max tie", lambda x: max(x, 0.0), 0.0, 0.5),
    ("builtin min of three, tie", lambda x: min(x, 0.0, 1.0), 0.0, 0.5),
    ("abs at 0", lambda x: abs(x), 0.0, 0.0),
    ("clip at the lower bound", lambda x: np.clip(x, 0.0, 1.0), 0.0, 0.5),
    ("where on its boundary", lambda x: np.where(x >= 0, x, 0.0), 0.0, 1.0),
    ("sign times x", lambda x: np.sign(x) * x, 0.0, 0.0),
    ("sqrt at 0", lambda x: np.sqrt(x), 0.0, np.inf),
    ("x ** 0.5 at 0", lambda x: x ** 0.5, 0.0, np.inf),
    ("x ** 3.0 of a negative base", lambda x: x ** 3.0, -1.5, 6.75),
    ("np.power(x, 2.0) of a negative base", lambda x: np.power(x, 2.0), -1.5, -3.0),
    ("x ** 0.0 at 0", lambda x: x ** 0.0, 0.0, 0.0),
]


@pytest.mark.parametrize("name, fn, at, expected", KINKS, ids=[k[0] for k in KINKS])
def test_a_kink_has_the_documented_derivative_in_every_mode(name, fn, at, expected):
    assert_close(astgrad.grad(fn)(at), expected)
    assert_close(astgrad.jvp(fn, (at,), (1.0,))[1], expected)
    assert_close(astgrad.vjp(fn, at)[1](1.0)[0], expected)
    second = astgrad.grad(astgrad.grad(fn))(at)
    assert_close(astgrad.jvp(astgrad.grad(fn), (at,), (1.0,))[1], second)


@pytest.mark.parametrize("fn, at, expected", [
    (lambda x: np.max(x), [1.0, 1.0, 0.0], [0.5, 0.5, 0.0]),
    (lambda x: max(x), [1.0, 1.0, 0.0], [0.5, 0.5, 0.0]),
    (lambda x: np.median(x), [3.0, 1.0, 1.0, 2.0], [0.0, 0.0, 0.5, 0.5]),
    (lambda x: np.linalg.norm(x), [0.0, 0.0], [0.0, 0.0]),
    (lambda x: np.sum(np.sort(x) * np.array([1.0, 2.0, 3.0])), [1.0, 3.0, 1.0], [1.0, 3.0, 2.0]),
])
def test_a_reduction_at_a_tie_has_the_documented_derivative(fn, at, expected):
    at = np.array(at)
    assert_close(astgrad.grad(fn)(at), np.array(expected))
    assert_close(astgrad.jacobian(fn)(at), np.array(expected))
