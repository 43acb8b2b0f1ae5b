"""Functions as values: a list of lambdas built by appending, local functions calling each
other, a global list or dict of functions, local functions a helper returns. Each program
runs in every mode (grad, value_and_grad, vjp, jvp, hessian, hvp, jacobian, jvp and vjp of
the gradient, the gradient called inside another differentiated function) against central
finite differences; then what Python's binding says when a global item, a closure cell or
a loop variable changes, and what stays refused."""

import functools
from collections import namedtuple

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import astgrad
from breadth_modes import MODES, cases_in_modes, check, ci_modes
from fd import assert_close, numerical_grad, numerical_hessian

X3 = np.array([0.3, -0.5, 0.7])


# -- lists of functions built by appending ----------------------------------------------------

def appended_with_defaults(x, w):
    fs = []
    for k in range(3):
        fs.append(lambda v, k=k: v ** (k + 1) * w)
    return sum(np.sum(f(x)) for f in fs)


def appended_late_binding(x, w):
    fs = []
    for k in range(3):
        fs.append(lambda z: z * x[k] + w)      # reads k when called: the last value, 2
    total = sum(np.sum(f(x)) for f in fs)
    k = 0
    return total + np.sum(fs[1](x))           # k rebound: now reads x[0]


def appended_one_by_one(x, w):
    fs = []
    fs.append(lambda z: np.sin(z) * w)
    fs.append(np.tanh)
    fs.append(lambda z: z * x[0])
    h = x
    for f in fs:
        h = f(h)
    return np.sum(h)


# -- local functions calling each other ---------------------------------------------------------

def mutual_even_odd(x, w):
    def even(n, z):
        if n == 0:
            return z
        return odd(n - 1, z * w)

    def odd(n, z):
        if n == 0:
            return z
        return even(n - 1, np.sin(z) + x)
    return np.sum(even(4, x))


def mutual_three(x, w):
    scale = w * 2.0

    def a(z, n):
        return z if n <= 0 else b(z * scale, n - 1)

    def b(z, n):
        return np.tanh(z) if n <= 0 else c(z + x, n - 1)

    c = lambda z, n: a(np.sin(z), n - 1)        # noqa: E731 - a lambda in the cycle
    return np.sum(a(x, 5)) + np.sum(b(x * w, 2))


# -- global lists and dicts of functions ----------------------------------------------------------

def square(v):
    return v * v


ACTIVATIONS = {"tanh": np.tanh, "square": square, "affine": lambda v: 0.5 * v + 1.0}
PIPELINE = [np.sin, lambda v: v * 2.0, np.tanh]
CHOICES = (np.cos, square)


def global_dict(x, w):
    return np.sum(ACTIVATIONS["tanh"](x * w) + ACTIVATIONS["square"](x) * w + ACTIVATIONS["affine"](x))


def global_list_loop(x, w):
    h = x * w
    for f in PIPELINE:
        h = f(h)
    return np.sum(h)


def global_tuple_indexed(x, w):
    return np.sum(CHOICES[0](x) * CHOICES[-1](w))


def global_dict_items(x, w):
    total = 0.0
    for name, f in ACTIVATIONS.items():
        total = total + np.sum(f(x + w))
    return total


# -- local functions a helper returns --------------------------------------------------------------

def make_scale(w):
    def scaled(z):
        return z * w
    return scaled


def make_curve(a):
    return lambda z: np.sin(z) * a


def returned_closures(x, w):
    g = make_scale(x)
    h = make_curve(w)
    total = 0.0
    for i in range(3):
        total = total + np.sum(g(h(x)) * i)
    return total


def weighted(a, z, power=1.0):
    return a * z ** power


def make_weighted(a, power):
    return functools.partial(weighted, a, power=power)


def make_mapped(g, a):
    return functools.partial(g, a)


def partials_from_helpers(x, w):
    p = make_weighted(x, 2.0)
    q = make_mapped(lambda a, z: np.sin(a * z), w)
    return np.sum(p(x * w) + q(x)) + np.sum(make_weighted(w, 3.0)(x))


# -- a namedtuple class made in the body -----------------------------------------------------------

def local_namedtuple_through_helpers(x, w):
    Pt = namedtuple("Pt", "x y")

    def make(a):
        return Pt(a, a * w)

    def norm(p):
        return np.sum(p.x ** 2 + p.y ** 2)
    return norm(make(x)) + norm(make(np.cos(x)))


def local_namedtuple_replaced(x, w):
    State = namedtuple("State", ["pos", "vel"], defaults=(0.0,))

    def step(s):
        return s._replace(pos=s.pos + 0.1 * s.vel, vel=s.vel - 0.1 * w * s.pos)
    s = State(x)
    s = s._replace(vel=np.ones(len(x)) * w)
    for _ in range(3):
        s = step(s)
    g = State(np.mean(s.pos), np.std(x))
    return np.sum(s.pos * s.vel) + g.pos * g.vel


PROGRAMS = [appended_with_defaults, appended_late_binding, appended_one_by_one, mutual_even_odd, mutual_three,
            global_dict, global_list_loop, global_tuple_indexed, global_dict_items, returned_closures,
            partials_from_helpers, local_namedtuple_through_helpers, local_namedtuple_replaced]


@pytest.mark.parametrize("f, mode", list(cases_in_modes(PROGRAMS)))     # every mode at thorough
def test_every_mode_against_finite_differences(f, mode):
    check(mode, f, (X3.copy(), 0.8), (0, 1))


# Fresh inputs on every run, as before, but drawn from a seed hypothesis reports on a failure
# (an unseeded generator made failures in CI impossible to replay).
@pytest.mark.parametrize("f", PROGRAMS, ids=[f.__name__ for f in PROGRAMS])
@settings(max_examples=5)
@given(seed=st.integers(0, 2 ** 32 - 1))
def test_random_inputs_reverse_and_forward(f, seed):
    rng = np.random.default_rng(seed)
    for shape in [(3,), (4,), (6,)]:
        x, w = rng.standard_normal(shape) * 0.5, float(rng.uniform(0.5, 1.0))
        gx, gw = astgrad.grad(f, wrt=(0, 1))(x, w)
        assert_close(gx, numerical_grad(f, (x, w), wrt=0))
        assert_close(gw, numerical_grad(f, (x, w), wrt=1))
        v = rng.standard_normal(shape)
        assert_close(astgrad.jvp(f, (x, w), (v, 0.5))[1], np.dot(gx, v) + 0.5 * gw)


def test_a_namedtuple_made_in_a_closure():
    def make(x, w):
        P = namedtuple("P", "a b")
        p = P(x * w, w)
        return np.sum(p.a) * p.b
    assert_close(astgrad.grad(make)(X3.copy(), 0.8), np.full(3, 0.64))
    assert_close(astgrad.grad(make, wrt=1)(X3.copy(), 0.8), 2 * 0.8 * np.sum(X3))


def test_late_binding_reads_the_loop_variable_when_called():
    x = X3.copy()
    expected = sum(np.sum(x * x[2] + 0.8) for _ in range(3)) + np.sum(x * x[0] + 0.8)
    assert_close(astgrad.value_and_grad(appended_late_binding)(x, 0.8)[0], expected)


# -- arguments holding functions and other values -------------------------------------------------

def mixed_list(fns, x, w):
    return np.sum(fns[0](x * w) * fns[1] + fns[2](x))


def mixed_dict(cfg, x, w):
    act, scale = cfg["act"], cfg["scale"]
    return np.sum(act(x * scale) * w)


def mixed_tuple_unpacked(cfg, x, w):
    act, scale = cfg
    h = x
    for _ in range(2):
        h = act(h * scale + w)
    return np.sum(h)


MIXED = [(mixed_list, [np.sin, 2.0, square]), (mixed_dict, {"act": np.tanh, "scale": 1.5}),
         (mixed_tuple_unpacked, (np.tanh, 0.7))]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("f, given", MIXED, ids=[f.__name__ for f, _ in MIXED])
def test_argument_holding_functions_and_values(f, given, mode):
    if mode in ("jvp", "jvp_of_grad", "grad_inside_def") and type(given) is dict:
        pytest.skip("breadth_modes gives no tangent for a dict argument: test_jvp_with_a_dict_argument")
    check(mode, f, (given, X3.copy(), 0.8), (1, 2))


def test_another_function_or_value_in_the_argument_is_followed():
    d = astgrad.grad(mixed_tuple_unpacked, wrt=(1, 2))
    x = X3.copy()
    for cfg in [(np.tanh, 0.7), (np.sin, 0.7), (np.tanh, -1.3), (np.sin, np.array([0.5, 1.0, 2.0]))]:
        gx, gw = d(cfg, x, 0.8)
        assert_close(gx, numerical_grad(mixed_tuple_unpacked, (cfg, x, 0.8), wrt=1))
        assert_close(gw, numerical_grad(mixed_tuple_unpacked, (cfg, x, 0.8), wrt=2))


def test_jvp_with_a_dict_argument():
    x, cfg = X3.copy(), {"act": np.tanh, "scale": 1.5}
    v = np.array([0.2, -1.0, 0.5])
    value, d = astgrad.jvp(mixed_dict, (cfg, x, 0.8), ({"act": None, "scale": 0.3}, v, -0.4))
    assert_close(value, mixed_dict(cfg, x, 0.8))
    gs = numerical_grad(lambda s: mixed_dict({"act": np.tanh, "scale": s}, x, 0.8), (1.5,))
    gx = numerical_grad(mixed_dict, (cfg, x, 0.8), wrt=1)
    gw = numerical_grad(mixed_dict, (cfg, x, 0.8), wrt=2)
    assert_close(d, 0.3 * gs + np.dot(gx, v) - 0.4 * gw)


def test_gradient_with_respect_to_the_argument_holding_functions():
    x = X3.copy()
    g = astgrad.grad(mixed_dict, wrt=0)({"act": np.tanh, "scale": 1.5}, x, 0.8)
    assert set(g) == {"act", "scale"} and g["act"] is None
    expected = numerical_grad(lambda s: mixed_dict({"act": np.tanh, "scale": s}, x, 0.8), (1.5,))
    assert_close(g["scale"], expected)
    g = astgrad.grad(mixed_list, wrt=0)([np.sin, 2.0, square], x, 0.8)
    assert g[0] is None and g[2] is None
    assert_close(g[1], np.sum(np.sin(x * 0.8)))


# -- functions held in attributes of objects given as arguments ------------------------------------

class Dense:
    def __init__(self, W, act=None):
        self.W = W
        self.act = act if act is not None else (lambda z: z)

    def __call__(self, h):
        return self.act(self.W @ h)


class Stack:
    def __init__(self, layers):
        self.layers = list(layers)

    def __call__(self, x):
        for layer in self.layers:
            x = layer(x)
        return x


A3 = np.array([[0.3, -0.2, 0.5], [0.1, 0.4, -0.6], [0.7, 0.2, 0.1]])


def through_a_stack(net, x, w):
    return np.sum(net(x * w) ** 2)


def through_an_attribute(layer, x, w):
    return np.sum(layer.act(x) * w) + np.sum(layer(x))


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("f, obj", [(through_a_stack, Stack([Dense(A3, np.tanh), Dense(A3.T, square), Dense(A3)])),
                                    (through_an_attribute, Dense(A3, np.sin))],
                         ids=["stack", "attribute"])
def test_function_held_by_an_attribute(f, obj, mode):
    if mode in ("grad_inside_lambda", "grad_inside_def"):
        pytest.skip("a gradient made outside, of a function given an object, is not followed inside another one")
    check(mode, f, (obj, X3.copy(), 0.8), (1, 2))


NET = Stack([Dense(A3, np.tanh), Dense(A3.T)])


def through_a_global_stack(x, w):
    return np.sum(NET(x * w) ** 2)


@pytest.mark.parametrize("mode", MODES)
def test_methods_of_a_global_instance_holding_layers(mode):
    check(mode, through_a_global_stack, (X3.copy(), 0.8), (0, 1))


def test_global_instance_changed_after_grad_is_made():
    d = astgrad.grad(through_a_global_stack, wrt=(0, 1))
    x = X3.copy()

    def expected():
        return (numerical_grad(through_a_global_stack, (x, 0.8), wrt=0),
                numerical_grad(through_a_global_stack, (x, 0.8), wrt=1))
    saved = list(NET.layers)
    try:
        assert_close(d(x, 0.8), expected())
        NET.layers[1].act = np.sin                       # another function held
        assert_close(d(x, 0.8), expected())
        NET.layers.append(Dense(A3, square))             # another layer
        assert_close(d(x, 0.8), expected())
        NET.layers[0] = Stack([Dense(A3.T, np.cos)])     # another class
        assert_close(d(x, 0.8), expected())
    finally:
        NET.layers[:] = saved
        saved[1].act = lambda z: z
    assert_close(d(x, 0.8), expected())


def test_function_attribute_replaced_between_calls():
    layer = Dense(A3, np.tanh)
    d = astgrad.grad(through_a_stack, wrt=1)
    net = Stack([layer])
    x = X3.copy()
    assert_close(d(net, x, 0.8), numerical_grad(through_a_stack, (net, x, 0.8), wrt=1))
    layer.act = np.sin
    assert_close(d(net, x, 0.8), numerical_grad(through_a_stack, (net, x, 0.8), wrt=1))
    layer.act = lambda z: z * z * 0.5
    assert_close(d(net, x, 0.8), numerical_grad(through_a_stack, (net, x, 0.8), wrt=1))


# -- Python's binding when things change after the gradient is made -------------------------------

_ITEMS = {"act": np.sin}
_STEPS = [np.tanh]


def uses_items(x):
    return np.sum(_ITEMS["act"](x) * x)


def uses_steps(x):
    h = x
    for f in _STEPS:
        h = f(h)
    return np.sum(h)


def test_global_dict_item_replaced_after_grad_is_made():
    d = astgrad.grad(uses_items)
    x = X3.copy()
    assert_close(d(x), np.cos(x) * x + np.sin(x))
    _ITEMS["act"] = np.exp
    try:
        assert_close(d(x), np.exp(x) * x + np.exp(x))
        assert_close(astgrad.jvp(uses_items, (x,), (np.ones(3),))[1], np.sum(np.exp(x) * x + np.exp(x)))
    finally:
        _ITEMS["act"] = np.sin
    assert_close(d(x), np.cos(x) * x + np.sin(x))


def test_global_list_changed_after_grad_is_made():
    d = astgrad.grad(uses_steps)
    x = X3.copy()
    assert_close(d(x), 1 - np.tanh(x) ** 2)
    _STEPS.append(np.sin)
    try:
        assert_close(d(x), np.cos(np.tanh(x)) * (1 - np.tanh(x) ** 2))
        _STEPS[0] = square
        assert_close(d(x), np.cos(x * x) * 2 * x)
        assert_close(astgrad.hessian(uses_steps)(x), numerical_hessian(d, (x,)), rtol=1e-4, atol=1e-5)
    finally:
        _STEPS[:] = [np.tanh]
    assert_close(d(x), 1 - np.tanh(x) ** 2)


def _recursive_closure():
    scale = 2.0

    def f(x):
        def even(n, z):
            return z if n == 0 else odd(n - 1, z * scale)

        def odd(n, z):
            return z if n == 0 else even(n - 1, np.sin(z))
        return np.sum(even(3, x))

    def rebind(value):
        nonlocal scale
        scale = value
    return f, rebind


def test_closure_cell_rebound_after_grad_is_made():
    f, rebind = _recursive_closure()
    d = astgrad.grad(f)
    x = X3.copy()
    assert_close(d(x), numerical_grad(f, (x,)))
    rebind(-1.5)
    assert_close(d(x), numerical_grad(f, (x,)))
    assert_close(d(x), 2.25 * np.cos(-1.5 * x))


# -- what stays refused, and says what to do ----------------------------------------------------

def recursion_through_outside_helper(x):
    def helper(z):
        return z * 2.0

    def even(n, z):
        return z if n == 0 else odd(n - 1, helper(z))

    def odd(n, z):
        return z if n == 0 else even(n - 1, z * x)
    return np.sum(even(3, x))


def lambda_to_apply_over_axes(x):
    return np.sum(np.apply_over_axes(lambda a, axis: np.sum(a * x[0], axis), np.ones((2, 3)), [0]))


def appended_in_branch(x, w):
    fs = []
    if w > 0:
        fs.append(lambda z: z * w)
    return sum(np.sum(f(x)) for f in fs)


@pytest.mark.parametrize("f, words", [
    (recursion_through_outside_helper, ["recursion through the local function", "calls the local function helper",
                                        "module-level"]),
    (lambda_to_apply_over_axes, ["local function lambda passed to a function astgrad does not inline",
                                  "call it here"]),
    (appended_in_branch, ["local function lambda appended to a list astgrad does not follow",
                          "append it right after fs = []"]),
])
def test_refused_with_advice(f, words):
    args = (X3.copy(),) if f.__code__.co_argcount == 1 else (X3.copy(), 0.8)
    with pytest.raises(astgrad.TransformError) as info:
        astgrad.grad(f)(*args)
    message = str(info.value)
    assert "test_function_values.py" in message
    for word in words:
        assert word in message


# -- lists of functions walked backwards --------------------------------------------------------

def reversed_local_list(x, w):
    fs = [np.sin, lambda v: v * w, np.cos]
    out = x
    for f in reversed(fs):
        out = f(out)
    return np.sum(out)


def sliced_backwards_local_list(x, w):
    fs = [np.sin, lambda v: v * w, np.tanh]
    out = x
    for f in fs[::-1]:
        out = f(out)
    return np.sum(out)


def enumerate_reversed_list(x, w):
    fs = (np.sin, lambda v: v * w, np.cos)
    out = x
    for k, f in enumerate(reversed(fs)):
        out = f(out) * (k + 1.0)
    return np.sum(out)


def reversed_dict_items(x, w):
    ops = {"a": np.sin, "b": lambda v: v * w, "c": np.cos}
    out = x
    for name, f in reversed(ops.items()):
        out = f(out) + (1.0 if name == "a" else 0.0)
    return np.sum(out)


BACKWARDS = [reversed_local_list, sliced_backwards_local_list, enumerate_reversed_list, reversed_dict_items]


@pytest.mark.parametrize("f, mode", list(cases_in_modes(BACKWARDS)))
def test_lists_of_functions_walked_backwards(f, mode):
    check(mode, f, (X3.copy(), 0.8), (0, 1))


def test_reversed_walk_matches_python():
    x = X3.copy()
    assert_close(reversed_local_list(x, 0.8), np.sum(np.sin(np.cos(x) * 0.8)))
    assert_close(enumerate_reversed_list(x, 0.8), np.sum(np.sin(np.cos(x) * 0.8 * 2.0) * 3.0))
    assert_close(astgrad.grad(reversed_local_list, wrt=1)(x, 0.8), np.sum(np.cos(np.cos(x) * 0.8) * np.cos(x)))


_BACK = [np.sin, np.tanh]


def uses_reversed_global(x):
    h = x
    for f in reversed(_BACK):
        h = f(h)
    return np.sum(h)


def test_global_list_walked_backwards_changed_after_grad_is_made():
    d = astgrad.grad(uses_reversed_global)
    x = X3.copy()
    assert_close(d(x), np.cos(np.tanh(x)) * (1 - np.tanh(x) ** 2))
    _BACK[1] = np.exp
    try:
        assert_close(d(x), np.cos(np.exp(x)) * np.exp(x))
    finally:
        _BACK[1] = np.tanh
    assert_close(d(x), np.cos(np.tanh(x)) * (1 - np.tanh(x) ** 2))


# -- a bound method of a global instance taken as a value ----------------------------------------

class Scaled:
    def __init__(self, W, c):
        self.W, self.c = W, c

    def forward(self, h):
        return np.tanh(self.W @ h + self.c)


MODEL = Scaled(A3, 0.1)


def bound_method_as_value(x, w):
    f = MODEL.forward
    return np.sum(f(x) * w) + np.sum(f(f(x * w)))


@pytest.mark.parametrize("mode", MODES)
def test_bound_method_of_a_global_instance_as_value(mode):
    check(mode, bound_method_as_value, (X3.copy(), 0.8), (0, 1))


def test_bound_method_global_rebound_after_grad_is_made():
    global MODEL
    d = astgrad.grad(bound_method_as_value, wrt=(0, 1))
    x = X3.copy()

    def expected():
        return (numerical_grad(bound_method_as_value, (x, 0.8), wrt=0),
                numerical_grad(bound_method_as_value, (x, 0.8), wrt=1))
    saved = MODEL
    try:
        assert_close(d(x, 0.8), expected())
        MODEL = Scaled(A3.T * 2.0, -0.3)                 # the global rebound
        assert_close(d(x, 0.8), expected())
        MODEL.c = 0.5                                    # an attribute of the new instance changed
        assert_close(d(x, 0.8), expected())
    finally:
        MODEL = saved
    assert_close(d(x, 0.8), expected())


# -- list.sort(key=..., reverse=...) on a list the function made ------------------------------------

def sort_in_place_with_key(x, w):
    vals = [x[0] * w, x[1], x[2] * w]
    vals.sort(key=lambda v: -v)
    return vals[0] * 3.0 + vals[2]


def sort_seen_through_another_name(x, w):
    vals = [x[0] * w, np.sin(x[1]), x[2] * w]
    other = vals
    scale = w
    vals.sort(key=lambda v: abs(v - 0.1 * scale), reverse=True)
    return other[0] * 3.0 + other[1] * w + vals[2]


def sort_with_no_key(x, w):
    vals = [v * w + 1.0 for v in x]
    vals.sort()
    return vals[-1] - min(v ** 2 for v in vals)


def sort_reversed_with_no_key_seen_through_another_name(x, w):
    vals = list(x * w)
    other = vals
    vals.sort(reverse=True)
    return other[0] * 3.0 + other[1] * w + vals[2]


SORTS = [sort_in_place_with_key, sort_seen_through_another_name, sort_with_no_key,
         sort_reversed_with_no_key_seen_through_another_name]


@pytest.mark.parametrize("f, mode", list(cases_in_modes(SORTS)))
def test_list_sort_with_a_local_key(f, mode):
    check(mode, f, (X3.copy(), 0.8), (0, 1))


def test_list_sort_orders_like_python():
    x = np.array([0.3, -0.5, 0.7])
    assert_close(sort_in_place_with_key(x, 0.8), 0.7 * 0.8 * 3.0 - 0.5)
    gx, gw = astgrad.grad(sort_seen_through_another_name, wrt=(0, 1))(x, 0.8)
    assert_close(gx, numerical_grad(sort_seen_through_another_name, (x, 0.8), wrt=0))
    assert_close(gw, numerical_grad(sort_seen_through_another_name, (x, 0.8), wrt=1))


_SORT_KEY_SIGN = [1.0]


def sort_by_global_sign(x):
    vals = [x[0], x[1], x[2]]
    vals.sort(key=lambda v: _SORT_KEY_SIGN[0] * v)
    return vals[0] * 2.0 + vals[1]


def test_list_sort_key_reading_a_global_changed_after_grad_is_made():
    d = astgrad.grad(sort_by_global_sign)
    x = np.array([0.3, -0.5, 0.7])
    assert_close(d(x), np.array([1.0, 2.0, 0.0]))
    _SORT_KEY_SIGN[0] = -1.0
    try:
        assert_close(d(x), np.array([1.0, 0.0, 2.0]))
    finally:
        _SORT_KEY_SIGN[0] = 1.0


# -- getattr with a name known when the code is generated -------------------------------------------

def getattr_from_a_config(x, w):
    cfg = {"act": "tanh", "out": "exp"}
    h = getattr(np, cfg["act"])(x * w)
    return np.sum(getattr(np, cfg["out"])(h))


def getattr_constant_name(x, w):
    return np.sum(getattr(np, "sin")(x * w) * getattr(np, "cos")(x))


GETATTRS = [getattr_from_a_config, getattr_constant_name]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("f", GETATTRS, ids=[f.__name__ for f in GETATTRS])
def test_getattr_with_a_known_name(f, mode):
    check(mode, f, (X3.copy(), 0.8), (0, 1))


class _Activations:
    def __init__(self):
        self.act = np.tanh


ACTS = _Activations()


def getattr_of_a_global_instance(x):
    return np.sum(getattr(ACTS, "act")(x))


def test_getattr_target_rebound_after_grad_is_made():
    d = astgrad.grad(getattr_of_a_global_instance)
    x = X3.copy()
    assert_close(d(x), 1 - np.tanh(x) ** 2)
    ACTS.act = np.sin
    try:
        assert_close(d(x), np.cos(x))
    finally:
        ACTS.act = np.tanh
    assert_close(d(x), 1 - np.tanh(x) ** 2)


def getattr_from_a_changed_config(x, w):
    cfg = {"act": "tanh"}
    cfg["act"] = "sin"
    return np.sum(getattr(np, cfg["act"])(x * w))


def test_getattr_from_a_config_the_code_changes_is_refused():
    with pytest.raises(astgrad.TransformError) as info:
        astgrad.grad(getattr_from_a_changed_config)(X3.copy(), 0.8)
    assert "test_function_values.py" in str(info.value)
    assert "function value it does not know" in str(info.value)


# -- functions in lists, tuples and dicts iterated, zipped, indexed, handed on -------------------

def pairs_of_names_and_functions(x, w):
    pipeline = [("scale", lambda v: v * w), ("sin", np.sin), ("shift", lambda v: v + 1.0)]
    for _, fn in pipeline:
        x = fn(x)
    return np.sum(x)


def enumerated_pairs(x, w):
    pipeline = [("scale", lambda v: v * w), ("sin", np.sin)]
    s = 0.0
    for i, (name, fn) in enumerate(pipeline):
        s = s + (i + 1) * np.sum(fn(x)) * len(name)
    return s


def pairs_of_weights_and_functions(x, w):
    terms = ((1.0, np.sin), (w, lambda v: v * v), (0.5, np.tanh))
    return sum(c * np.sum(f(x)) for c, f in terms)


def zipped_with_weights(x, w):
    fs = (np.sin, np.cos, lambda v: v * w)
    cs = (1.0, w, 0.5)
    return sum(c * np.sum(f(x)) for f, c in zip(fs, cs))


def zipped_with_a_display_and_a_range(x, w):
    total = 0.0
    for f, c, k in zip([np.tanh, lambda v: v * w], [w * w, 2.0], range(5)):
        total = total + c * np.sum(f(x) ** (k + 1))
    return total


def indexed_over_its_length(x, w):
    fs = [np.sin, lambda v: v * w, np.exp]
    s = 0.0
    for i in range(len(fs)):
        s = s + np.sum(fs[i](x)) * (i + 1)
    return s


def _compose(fs, x):
    for f in fs:
        x = f(x)
    return x


def list_handed_to_a_helper(x, w):
    fs = [np.sin, lambda v: v * w, np.tanh]
    return np.sum(_compose(fs, x))


def dict_comprehension_of_lambdas(x, w):
    ops = {k: (lambda v, k=k: v * k * w) for k in (1.0, 2.0)}
    return np.sum(ops[1.0](x) + ops[2.0](x) ** 2)


def _step_with(integrator, f, y, dt):
    return integrator(f, y, dt)


def _euler(f, y, dt):
    return y + dt * f(y)


def _midpoint(f, y, dt):
    return y + dt * f(y + 0.5 * dt * f(y))


def chosen_by_name_and_handed_on(x, w):
    methods = {"euler": _euler, "midpoint": _midpoint}
    y = x
    for name in ("euler", "midpoint", "midpoint"):
        y = _step_with(methods[name], lambda v: -w * v + np.sin(v), y, 0.1)
    return np.sum(y)


def _normal_prior(z, s):
    return -0.5 * (z / s) ** 2 - np.log(s)


def _laplace_prior(z, s):
    return -np.abs(z) / s - np.log(2 * s)


PRIORS = {"normal": _normal_prior, "laplace": _laplace_prior}


def key_read_from_a_config(x, w):
    config = {"prior": "laplace", "scale": 1.5 + w * w}
    prior = PRIORS[config["prior"]]
    return np.sum(prior(x * w, config["scale"]))


def defined_in_each_branch(x, w):
    if w > 0:
        def h(v):
            return v * w
    elif w < -5:
        h = lambda v: v - w      # noqa: E731 - a lambda bound in one branch, a def in the others
    else:
        def h(v):
            return v / w
    return np.sum(h(x) ** 2)


def defined_in_each_step_of_a_loop(x, w):
    s = 0.0
    for k in range(3):
        if k % 2 == 0:
            def h(v):
                return v * w * k
        else:
            h = lambda v: np.sin(v * w) + k      # noqa: E731
        s = s + np.sum(h(x))
    return s


def global_function_in_each_branch(x, w):
    if w > 0:
        act = np.tanh
    else:
        act = np.sin
    return np.sum(act(x * w))


def default_rebound_in_a_branch(x, w):
    act = lambda z: z * w       # noqa: E731 - the default, rebound by some branches
    if w > 0.5:
        act = np.tanh
    elif w < -5.0:
        act = np.cos
    return np.sum(act(x))


def bound_with_a_scale_in_each_branch(x, w):
    act, scale = np.tanh, 2.0
    if w > 0:
        act, scale = np.sin, w
    return np.sum(act(x * scale))


def _total(*args):
    s = 0.0
    for a in args:
        s = s + np.sum(a)
    return s


def spread_after_appends(x, w):
    parts = [x, x * w]
    parts.append(x ** 2)
    parts.append(np.sin(x) * w)
    return _total(*parts)


IN_CONTAINERS = [pairs_of_names_and_functions, enumerated_pairs, pairs_of_weights_and_functions, zipped_with_weights,
                 zipped_with_a_display_and_a_range, indexed_over_its_length, list_handed_to_a_helper,
                 dict_comprehension_of_lambdas, chosen_by_name_and_handed_on, key_read_from_a_config,
                 defined_in_each_branch, defined_in_each_step_of_a_loop, global_function_in_each_branch,
                 default_rebound_in_a_branch, bound_with_a_scale_in_each_branch, spread_after_appends]


@pytest.mark.parametrize("mode", ("grad", "jvp", "hessian"))
@pytest.mark.parametrize("f", IN_CONTAINERS, ids=[f.__name__ for f in IN_CONTAINERS])
def test_functions_in_containers_and_branches(f, mode):
    check(mode, f, (X3.copy(), 0.8), (0, 1))


def test_function_defined_in_the_other_branch():
    check("grad", defined_in_each_branch, (X3.copy(), -0.8), (0, 1))
    check("grad", defined_in_each_branch, (X3.copy(), -6.0), (0, 1))
    for w in (-0.8, -6.0):
        check("grad", default_rebound_in_a_branch, (X3.copy(), w), (0, 1))
    check("jvp", bound_with_a_scale_in_each_branch, (X3.copy(), -0.8), (0, 1))


def branch_chosen_then_test_changed(x, w):
    s = w
    if w > 0:
        def h(v):
            return v * s
    else:
        def h(v):
            return v / s
    w = -w                  # the branch taken stays; the closure reads s when called
    s = 2.0 * s
    return np.sum(h(x) ** 2) + w


def test_branch_function_keeps_the_branch_and_reads_its_cell_when_called():
    x = X3.copy()
    assert_close(branch_chosen_then_test_changed(x, 0.8), np.sum((x * 1.6) ** 2) - 0.8)
    assert_close(astgrad.grad(branch_chosen_then_test_changed)(x, 0.8), 2 * x * 1.6 ** 2)
    assert_close(astgrad.grad(branch_chosen_then_test_changed)(x, -0.8), 2 * x / 1.6 ** 2)


def pairs_read_when_made(x, w):
    c, s = w, w
    terms = [(c, lambda v: v * s)]
    c, s = 2.0, 3.0 * w     # the pair's c was read when the list was made; the lambda reads s now
    return sum(k * np.sum(f(x)) for k, f in terms)


def test_pairs_keep_their_values_and_closures_read_late():
    x = X3.copy()
    assert_close(pairs_read_when_made(x, 0.8), 0.8 * np.sum(x * 2.4))
    assert_close(astgrad.grad(pairs_read_when_made, wrt=1)(x, 0.8), 6 * 0.8 * np.sum(x))


_ZIPPED = [np.sin, np.cos]


def zips_a_global_list(x):
    return sum(c * np.sum(f(x)) for f, c in zip(_ZIPPED, (1.0, 2.0, 3.0)))


def indexes_a_global_list(x):
    s = 0.0
    for i in range(len(_ZIPPED)):
        s = s + np.sum(_ZIPPED[i](x))
    return s


def test_global_list_replaced_and_appended_to_after_grad_is_made():
    zipped, indexed = astgrad.grad(zips_a_global_list), astgrad.grad(indexes_a_global_list)
    x = X3.copy()
    assert_close(zipped(x), np.cos(x) - 2 * np.sin(x))
    _ZIPPED[0] = np.tanh
    _ZIPPED.append(np.exp)
    try:
        assert_close(zipped(x), 1 - np.tanh(x) ** 2 - 2 * np.sin(x) + 3 * np.exp(x))
        assert_close(indexed(x), 1 - np.tanh(x) ** 2 - np.sin(x) + np.exp(x))
    finally:
        _ZIPPED[:] = [np.sin, np.cos]
    assert_close(zipped(x), np.cos(x) - 2 * np.sin(x))
    assert_close(indexed(x), np.cos(x) - np.sin(x))


_COEFS = [1.0, 2.0]


def zips_global_coefficients(x):
    s = 0.0
    for c, f in zip(_COEFS, _ZIPPED):
        s = s + c * np.sum(f(x))
    return s


def test_global_list_of_coefficients_changed_after_grad_is_made():
    zipped = astgrad.grad(zips_global_coefficients)
    x = X3.copy()
    assert_close(zipped(x), np.cos(x) - 2 * np.sin(x))
    _COEFS[1] = 0.5
    _COEFS.append(3.0)
    _ZIPPED.append(np.exp)
    try:
        assert_close(zipped(x), np.cos(x) - 0.5 * np.sin(x) + 3 * np.exp(x))
    finally:
        _COEFS[:] = [1.0, 2.0]
        _ZIPPED[:] = [np.sin, np.cos]
    assert_close(zipped(x), np.cos(x) - 2 * np.sin(x))


def item_replaced_in_the_body(x):
    fs = [np.sin, np.cos]
    fs[0] = np.tan
    return np.sum(fs[0](x))


def lambda_list_appended_through_an_alias(x, w):
    fs = [np.sin, lambda v: v * w]
    gs = fs
    gs.append(np.cos)
    return sum(np.sum(f(x)) for f in fs)


def _adds_cos(fs):
    fs.append(np.cos)


def list_changed_by_a_helper(x):
    fs = [np.sin, np.tanh]
    _adds_cos(fs)
    s = 0.0
    for f in fs:
        s = s + np.sum(f(x))
    return s


def pairs_of_global_functions_used_whole(x, w):
    terms = [(1.0, np.sin), (w, np.cos)]
    return len(terms) * x[0] * w


def test_pairs_of_global_functions_stay_a_value():
    assert_close(astgrad.grad(pairs_of_global_functions_used_whole, wrt=(0, 1))(X3.copy(), 0.8)[0],
                 np.array([1.6, 0.0, 0.0]))


def test_list_of_functions_changed_in_the_body_is_not_followed_as_made():
    for f in (item_replaced_in_the_body, list_changed_by_a_helper):
        with pytest.raises(astgrad.TransformError) as info:
            astgrad.grad(f)(X3.copy())
        assert "test_function_values.py" in str(info.value)
    with pytest.raises(astgrad.TransformError) as info:
        astgrad.grad(lambda_list_appended_through_an_alias)(X3.copy(), 0.8)
    assert "test_function_values.py" in str(info.value) and "lambda" in str(info.value)


GLOBAL_FS = [np.sin, np.cos]


def global_list_reversed_in_the_body(x):
    GLOBAL_FS.reverse()
    return np.sum(GLOBAL_FS[0](x))


@pytest.mark.parametrize("transform", [lambda f: astgrad.grad(f)(X3.copy()),
                                       lambda f: astgrad.vjp(f, X3.copy()),
                                       lambda f: astgrad.jvp(f, (X3.copy(),), (np.ones(3),))],
                         ids=["grad", "vjp", "jvp"])
def test_global_list_of_functions_changed_in_the_body_is_refused(transform):
    """Followed as the functions it held when the code was made, the list reversed by the
    call would have the code differentiate sin where the call computes cos."""
    with pytest.raises(astgrad.TransformError, match=r"test_function_values\.py:\d+: astgrad follows the global "
                                                     r"GLOBAL_FS .* changes GLOBAL_FS in place.*GLOBAL_FS\[-1\]\(x\)"):
        transform(global_list_reversed_in_the_body)
    assert GLOBAL_FS == [np.sin, np.cos]        # refused before the function ran
    assert_close(astgrad.grad(sum_of_sines)(X3.copy()), np.cos(X3))     # the next transform works


def sum_of_sines(x):
    return np.sum(np.sin(x))


def zipped_with_an_argument(x, w, cs):
    fs = (np.sin, lambda v: v * w)
    return sum(c * np.sum(f(x)) for f, c in zip(fs, cs))


def test_zip_of_local_functions_with_values_of_unknown_number_is_refused():
    with pytest.raises(astgrad.TransformError) as info:
        astgrad.grad(zipped_with_an_argument)(X3.copy(), 0.8, [1.0, 2.0])
    assert "test_function_values.py" in str(info.value)
    assert "zip of local functions and values whose number astgrad cannot tell" in str(info.value)


def test_global_dict_item_chosen_by_a_config_replaced_after_grad_is_made():
    d = astgrad.grad(key_read_from_a_config, wrt=0)
    x, w = X3.copy(), 0.8
    s = 1.5 + w * w
    assert_close(d(x, w), -np.sign(x) * w / s)
    PRIORS["laplace"] = _normal_prior
    try:
        assert_close(d(x, w), -x * w * w / s ** 2)
    finally:
        PRIORS["laplace"] = _laplace_prior
    assert_close(d(x, w), -np.sign(x) * w / s)


# -- methods and callable objects as function values -----------------------------------------------

class Layer:
    def __init__(self, W, b):
        self.W, self.b = W, b

    def forward(self, h, *, activation=np.tanh):
        return activation(self.W @ h + self.b)


class Network:
    def __init__(self, layers, head):
        self.layers = layers
        self.head = head

    def features(self, x):
        h = x
        for layer in self.layers[:-1]:
            h = layer.forward(h)
        return self.layers[-1].forward(h, activation=lambda z: z)

    def __call__(self, x):
        return self.head @ self.features(x)

    def apply(self, f, x):
        return np.sum(f(self.features(x)))

    def scaled_by(self, x, w):
        return self.apply(lambda z: z * w, x) + self.apply(np.sin, x * w)

    def mapped(self, xs):
        return sum(map(self.layers[0].forward, xs))

    def each(self, xs):
        return list(map(self, xs))


NETWORK = Network([Layer(A3, np.full(3, 0.1)), Layer(A3 * 0.5, np.zeros(3))], np.array([1.0, -1.0, 0.5]))
OTHER = Stack([Dense(A3.T, np.sin), Dense(A3)])


def network_keyword_lambda(x, w):
    return NETWORK(x * w) + np.sum(NETWORK.features(x)) * w


def network_method_given_lambdas(x, w):
    return NETWORK.scaled_by(x, w)


def map_of_a_callable_object(x, w):
    return sum(map(NETWORK, [x, x * w, np.sin(x)]))


def map_of_a_bound_method(x, w):
    return np.sum(NETWORK.mapped([x, x * w])) + sum(NETWORK.each([x * w, x])) + np.sum(
        sum(map(NETWORK.features, [x * w])))


def loop_over_global_callables(x, w):
    total = 0.0
    for net in (NET, OTHER):
        total = total + np.sum(net(x + w) ** 2)
    return total


SMALL_NETWORK = Network([Layer(A3.T, np.zeros(3)), Layer(A3, np.full(3, -0.1))], np.array([0.5, 1.0, -1.0]))


def methods_of_looped_global_callables(x, w):
    total = 0.0
    for m in (NETWORK, SMALL_NETWORK):
        total = total + np.sum(m.features(x * w)) * m.head[0]
    return total


class Holder:
    def __init__(self, layer):
        self.layer = layer

    def run(self, xs):
        return list(map(self.layer, xs))


HOLDER = Holder(Dense(A3, np.sin))


def map_of_a_held_layer(x, w):
    return np.sum(sum(HOLDER.run([x, x * w])))


METHOD_CASES = [network_keyword_lambda, network_method_given_lambdas, map_of_a_callable_object,
                map_of_a_bound_method, loop_over_global_callables, methods_of_looped_global_callables,
                map_of_a_held_layer]


@pytest.mark.parametrize("f, mode", [(f, m) for k, f in enumerate(METHOD_CASES)
                                     for m in ("grad", "jvp", ("hessian", "jvp_of_grad", "hvp")[k % 3])])
def test_methods_and_callable_objects_as_function_values(f, mode):
    check(mode, f, (X3.copy(), 0.8), (0, 1))


def _both(f, x, w):
    return numerical_grad(f, (x, w), wrt=0), numerical_grad(f, (x, w), wrt=1)


def test_callables_as_values_follow_python_after_grad_is_made():
    global OTHER
    loop = astgrad.grad(loop_over_global_callables, wrt=(0, 1))
    given = astgrad.grad(network_method_given_lambdas, wrt=(0, 1))
    x, saved, forward = X3.copy(), OTHER, Layer.forward
    try:
        assert_close(loop(x, 0.8), _both(loop_over_global_callables, x, 0.8))
        OTHER = Stack([Dense(A3, np.cos)])              # the global rebound to another object
        assert_close(loop(x, 0.8), _both(loop_over_global_callables, x, 0.8))
        OTHER.layers[0].act = square                     # an attribute of it rebound
        assert_close(loop(x, 0.8), _both(loop_over_global_callables, x, 0.8))
        assert_close(given(x, 0.8), _both(network_method_given_lambdas, x, 0.8))

        def cubed(self, h, *, activation=np.cos):        # the method redefined on the class
            return activation(self.W @ h + self.b) ** 3
        Layer.forward = cubed
        assert_close(given(x, 0.8), _both(network_method_given_lambdas, x, 0.8))
        NETWORK.layers.reverse()                          # the list the method loops over changed
        assert_close(given(x, 0.8), _both(network_method_given_lambdas, x, 0.8))
    finally:
        OTHER, Layer.forward = saved, forward
        NETWORK.layers.sort(key=lambda layer: -layer.b[0])
    assert_close(given(x, 0.8), _both(network_method_given_lambdas, x, 0.8))


def polynomial_of_another_module(x, w):
    d = POLY.derivative()
    return np.sum(POLY(x * w)) + np.sum(d(x) * w)


from test_local_objects import Polynomial   # noqa: E402 - a class of another module
POLY = Polynomial([1.0, 0.5, -0.3, 0.2])


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
def test_a_method_of_another_module_returning_a_new_object(mode):
    check(mode, polynomial_of_another_module, (X3.copy(), 0.8), (0, 1))


def test_a_method_of_another_module_returning_a_new_object_follows_its_module_now():
    import test_local_objects
    d = astgrad.grad(polynomial_of_another_module, wrt=(0, 1))
    x = X3.copy()
    assert_close(d(x, 0.8), _both(polynomial_of_another_module, x, 0.8))

    class Doubled(Polynomial):
        def __call__(self, z):
            return 2.0 * sum(c * z ** k for k, c in enumerate(self.coeffs))
    try:
        test_local_objects.Polynomial = Doubled         # the name derivative() builds, rebound in its module
        assert_close(d(x, 0.8), _both(polynomial_of_another_module, x, 0.8))
    finally:
        test_local_objects.Polynomial = Polynomial
    assert_close(d(x, 0.8), _both(polynomial_of_another_module, x, 0.8))


class Scaler:
    def __init__(self, s):
        self.s = s

    def apply(self, f, x):
        return np.sum(f(x) * self.s)

    def run(self, x, w):
        return self.apply(lambda z: np.sin(z) * w, x) + self.apply(np.cos, x)


def object_argument_given_a_lambda(model, x, w):
    return model.apply(lambda z: z * w, x)


def built_object_given_lambdas(x, w):
    m = Scaler(w)
    return m.apply(lambda z: z ** 2 * w, x) + m.run(x, w)


@pytest.mark.parametrize("f, args, wrt, mode", [
    (object_argument_given_a_lambda, (Scaler(2.0), X3, 0.8), (1, 2), "grad"),
    (object_argument_given_a_lambda, (Scaler(2.0), X3, 0.8), (1, 2), "hessian"),
    (built_object_given_lambdas, (X3, 0.8), (0, 1), "jvp"),
    (built_object_given_lambdas, (X3, 0.8), (0, 1), "vjp_of_grad"),
    (Scaler(1.5).run, (X3, 0.8), (0, 1), "grad"),
    (Scaler(1.5).run, (X3, 0.8), (0, 1), "hvp")])
def test_methods_of_argument_built_and_bound_objects_given_lambdas(f, args, wrt, mode):
    check(mode, f, tuple(a.copy() if isinstance(a, np.ndarray) else a for a in args), wrt)


def test_a_lambda_given_to_a_method_of_an_object_without_that_method_is_refused_at_the_call():
    d = astgrad.grad(object_argument_given_a_lambda, wrt=1)        # the class is known only at the call
    with pytest.raises(astgrad.TransformError, match=r"test_function_values.py:\d+.*lambda"):
        d(Layer(A3, np.zeros(3)), X3.copy(), 0.8)


def apply_to(f, x):
    return f(x)


def global_object_handed_to_a_helper(x, w):
    return np.sum(apply_to(OTHER, x * w)) + np.sum(apply_to(HOLDER.layer, x)) * w


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
def test_a_global_callable_object_handed_to_a_helper(mode):
    check(mode, global_object_handed_to_a_helper, (X3.copy(), 0.8), (0, 1))


def test_a_global_object_handed_to_a_helper_follows_python_after_grad_is_made():
    global OTHER
    d = astgrad.grad(global_object_handed_to_a_helper, wrt=(0, 1))
    x, saved, call = X3.copy(), OTHER, Dense.__call__
    try:
        assert_close(d(x, 0.8), _both(global_object_handed_to_a_helper, x, 0.8))
        OTHER = Dense(A3.T, np.cos)                       # another object, of another class
        assert_close(d(x, 0.8), _both(global_object_handed_to_a_helper, x, 0.8))
        HOLDER.layer.act = square                         # the function the held layer holds
        assert_close(d(x, 0.8), _both(global_object_handed_to_a_helper, x, 0.8))

        def shifted(self, h):                             # the method redefined on the class
            return self.act(self.W @ h) + 1.0
        Dense.__call__ = shifted
        assert_close(d(x, 0.8), _both(global_object_handed_to_a_helper, x, 0.8))
    finally:
        OTHER, Dense.__call__, HOLDER.layer.act = saved, call, np.sin
    assert_close(d(x, 0.8), _both(global_object_handed_to_a_helper, x, 0.8))


# -- a recursive helper handed a local function; dicts of lambdas over pairs ------------------

def tree_map(f, tree):
    if isinstance(tree, dict):
        return {k: tree_map(f, v) for k, v in tree.items()}
    if isinstance(tree, (list, tuple)):
        return type(tree)(tree_map(f, v) for v in tree)
    return f(tree)


def tree_leaves(tree):
    if isinstance(tree, dict):
        return [leaf for v in tree.values() for leaf in tree_leaves(v)]
    if isinstance(tree, (list, tuple)):
        return [leaf for v in tree for leaf in tree_leaves(v)]
    return [tree]


def tree_scaled_by_a_lambda(x, w):
    tree = {"a": [x, (w, x * w)], "b": {"c": np.sin(x)}}
    scaled = tree_map(lambda t: t * w, tree)
    return sum(np.sum(leaf ** 2) for leaf in tree_leaves(scaled))


def tree_mapped_by_a_local_def(x, w):
    shift = np.cos(w)

    def squash(t):
        return np.tanh(t * w) + shift
    tree = [x, {"k": x ** 2}]
    return sum(np.sum(leaf) for leaf in tree_leaves(tree_map(squash, tree)))


def tree_lambda_reading_a_rebound_variable(x, w):
    scale = w
    f = lambda t: t * scale        # noqa: E731 - reads scale when called
    scale = w * w                  # rebound after the lambda is made: the call reads this one
    return sum(np.sum(leaf) for leaf in tree_leaves(tree_map(f, {"a": x, "b": [x * w]})))


def activations_over_a_display(x, w):
    acts = {k: (lambda z, s=s: z * s) for k, s in [("a", w), ("b", 2.0)]}
    return np.sum(acts["a"](x) + acts["b"](x) * w)


def activations_over_pairs(x, w):
    pairs = [("a", w), ("b", 2.0)]
    acts = {k: (lambda z, s=s: np.tanh(z * s)) for k, s in pairs}
    return sum(np.sum(act(x)) for act in acts.values())


def activation_replaced_in_the_dict(x, w):
    acts = {k: (lambda z, s=s: z * s) for k, s in [("a", w), ("b", 2.0)]}
    acts["a"] = np.sin                 # the dict's function replaced: the call runs np.sin
    return np.sum(acts["a"](x * w) + acts["b"](x))


RECURSIVE_HELPERS = [tree_scaled_by_a_lambda, tree_mapped_by_a_local_def, tree_lambda_reading_a_rebound_variable,
                     activations_over_a_display, activations_over_pairs]


@pytest.mark.parametrize("f, mode", [(f, m) for k, f in enumerate(RECURSIVE_HELPERS) for m in ("grad", "jvp")
                                      + ci_modes(2 * k + 1)], ids=lambda v: getattr(v, "__name__", v))
def test_recursive_helpers_and_dicts_of_lambdas(f, mode):
    # reverse and forward mode for each, and a second-order mode in turn
    check(mode, f, (X3, 0.8), (0, 1))


def tree_map_swapping_functions(f, g, tree):
    if isinstance(tree, list):
        return [tree_map_swapping_functions(g, f, v) for v in tree]
    return f(tree)


def tree_with_functions_swapped(x, w):
    out = tree_map_swapping_functions(lambda t: t * w, lambda t: t + w, [x, [x]])
    return np.sum(out[0]) + np.sum(out[1][0])


def test_a_dict_of_lambdas_changed_after_it_is_made_is_refused():
    # the dict a comprehension wrote out, an item replaced: refused at that line, never a
    # derivative of the lambda the item held
    with pytest.raises(astgrad.TransformError, match=r"test_function_values.py:\d+.*lambda"):
        astgrad.grad(activation_replaced_in_the_dict, wrt=1)(X3, 0.8)


def test_a_recursive_helper_handing_on_other_functions_is_refused():
    # its recursive call hands the functions on swapped: refused, naming the helper
    with pytest.raises(astgrad.TransformError, match=r"test_function_values.py:\d+.*tree_map_swapping_functions"):
        astgrad.grad(tree_with_functions_swapped, wrt=1)(X3, 0.8)
