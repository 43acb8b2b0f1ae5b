"""Local functions, closures, lambdas and function values: nested defs (once, in a
loop, reading differentiated and constant outer variables), closures returned by a
local factory, nonlocal, lambdas inline and passed to module-level helpers, functions
in lists and dicts, map, sorted(key=...), max/min(key=...). Each is checked against
central finite differences in reverse and forward mode and to second order, on Python
semantics' corner cases (late binding, rebinding, loop variables, shadowing)."""

import functools
import types

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_jvp
from two_argument_checks import check_first_order, check_second_order


# -- programs: f(x, w) -> scalar --------------------------------------------------------

def nested_once(x, w):
    def g(z):
        return z * w + np.sin(z)
    return np.sum(g(x))


def nested_twice_and_loop(x, w):
    scale = 0.5                         # a constant outer variable

    def g(z):
        return np.tanh(z * w) * scale
    total = np.sum(g(x))
    for _ in range(3):
        total = total + np.sum(g(x * total))
    return total


def nested_early_return(x, w):
    def g(z):
        if np.sum(z) > 0.0:
            return z * w
        return z * z
    return np.sum(g(x) + g(-x))


def inline_lambda(x, w):
    g = lambda z: z * w + z ** 2
    return np.sum(g(x) * g(w))


def lambda_default_captures_value(x, w):
    k = w
    g = lambda z, k=k: z * k            # the default is evaluated here, once
    k = 3.0 * w
    return np.sum(g(x) + k)


def late_binding(x, w):
    a = w

    def g(z):
        return z * a                    # reads a when called
    first = g(x)
    a = np.sin(w)                       # rebound: the next call sees the new value
    return np.sum(first + g(x))


def closure_over_loop_variable(x, w):
    total = 0.0
    for i in range(3):
        g = lambda z: z * i * w         # made in the loop: sees i as it is now
        total = total + np.sum(g(x))
    return total + np.sum(g(x))         # after the loop: i is 2


def lambda_shadows_outer_name(x, w):
    g = lambda x: x * w                 # its x is not the outer x
    return np.sum(g(2.0 * x) + x)


def returned_closure(x, w):
    def make(a):
        def scaled(z):
            return a * z
        return scaled
    h = make(w)
    return np.sum(h(x) + make(x)(w))


def nested_nested(x, w):
    def outer(z):
        def inner(v):
            return v * z * w
        return inner(z) + inner(1.0)
    return np.sum(outer(x))


def with_nonlocal(x, w):
    acc = x

    def step():
        nonlocal acc
        acc = acc * w + np.sin(acc)
    step()
    step()
    return np.sum(acc)


def keyword_and_default_arguments(x, w):
    def g(z, *, power=2.0, shift=0.0):
        return (z + shift) ** power
    return np.sum(g(x) + g(x, power=3.0, shift=w))


def apply(fn, value):
    return fn(value)


def apply_twice(fn, value, times=2):
    for _ in range(times):
        value = fn(value)
    return value


def lambda_passed_to_helper(x, w):
    return np.sum(apply(lambda v: v * w, x) + apply_twice(np.sin, x) + apply_twice(lambda v: v * v, w))


def local_def_passed_to_helper(x, w):
    def g(v):
        return np.exp(v * w)
    return np.sum(apply(g, x))


def functions_in_a_list(x, w):
    fs = [np.sin, lambda v: v * w, np.tanh]
    y = x
    for g in fs:
        y = g(y)
    return np.sum(y + fs[1](x))


def functions_in_a_dict(x, w):
    ops = {"sin": np.sin, "scale": lambda v: v * w}
    total = 0.0
    for name, g in ops.items():
        total = total + np.sum(g(x))
    for name in ops:
        total = total + np.sum(ops[name](w * x))
    return total + np.sum(ops["scale"](x))


def function_chosen_by_a_config_key(x, w):
    config = {"activation": "tanh", "scale": w, "last": "sin"}
    act = {"tanh": np.tanh, "relu": lambda v: np.maximum(v, 0.0)}[config.get("activation", "relu")]
    out = {"sin": np.sin, "cos": np.cos}[config["last"]]
    return np.sum(out(act(x * config["scale"])) * config.get("gain", 2.0))


def enumerate_functions(x, w):
    total = 0.0
    for i, g in enumerate([np.cos, lambda v: v * w]):
        total = total + np.sum(g(x)) * (i + 1)
    return total


def global_function_bound_to_a_name(x, w):
    h = np.cos
    return np.sum(h(x) * w)


def map_one_and_two(x, w):
    xs = [x, 2.0 * x, x * w]
    ys = list(map(lambda v: v * w, xs))
    zs = map(np.multiply, xs, ys)
    return sum(np.sum(z) for z in zs) + np.sum(ys[2])


def sorted_with_key(x, w):
    items = [x * w, x + w, x * x]
    ordered = sorted(items, key=lambda v: float(np.sum(v)))
    backwards = sorted(items, key=lambda v: float(np.sum(v)), reverse=True)
    return np.sum(ordered[0] * 3.0 + ordered[2] + backwards[0] * w)


def sorted_plain_and_max_key(x, w):
    values = [np.sum(x * w), np.sum(x + w), np.sum(np.sin(x))]
    ordered = sorted(values)
    largest = max([x * w, x + w], key=lambda v: float(np.sum(v)))
    return ordered[0] * 2.0 + ordered[2] + np.sum(largest)


# factories: module-level functions returning a function they define, inlined where
# called so the closure's cells (the factory's locals) carry the derivative
def scaled_by(a):
    return lambda z: z * a + np.sin(z * a)


def shifted_by(a):
    b = a * a

    def s(z):
        return np.tanh(z + b)
    return s


def doubled_later(a):
    def s(z):
        return z * c               # c is read when s runs: its last value in the factory
    c = a
    c = c * 2.0
    return s


def pair(a):
    return (lambda z: z * a, lambda z: z + a)


def curried(a):
    def inner(b):
        return lambda z: z * a + b
    return inner


def with_default(a):
    return lambda z, k=a: z * k


def counter(a):
    total = 0.0

    def add(z):
        nonlocal total
        total = total + np.sum(z) * a
        return total
    return add


def factory_lambda(x, w):
    step = scaled_by(w)
    return np.sum(step(x))


def factory_def_called_at_once(x, w):
    return np.sum(shifted_by(w)(x))


def factory_late_binding(x, w):
    return np.sum(doubled_later(w)(x))


def factory_twice(x, w):
    s1 = scaled_by(w)
    s2 = scaled_by(np.sum(x))
    return np.sum(s1(x) * s2(w))


def factory_in_a_loop(x, w):
    for i in range(3):
        step = scaled_by(w * i + 0.5)
        x = step(x)
    return np.sum(x)


def factory_of_a_pair(x, w):
    fs = pair(w)
    return np.sum(fs[0](x) * fs[1](x))


def factory_of_a_factory(x, w):
    return np.sum(curried(w)(np.sum(x))(x))


def factory_with_default(x, w):
    return np.sum(with_default(w)(x))


def factory_with_nonlocal_state(x, w):
    add = counter(w)
    add(x)
    return np.sum(add(x * x))



CASES = [nested_once, nested_twice_and_loop, nested_early_return, inline_lambda,
         lambda_default_captures_value, late_binding, closure_over_loop_variable,
         lambda_shadows_outer_name, returned_closure, nested_nested, with_nonlocal,
         keyword_and_default_arguments, lambda_passed_to_helper, local_def_passed_to_helper,
         functions_in_a_list, functions_in_a_dict, function_chosen_by_a_config_key, enumerate_functions,
         global_function_bound_to_a_name, map_one_and_two, sorted_with_key,
         sorted_plain_and_max_key, factory_lambda, factory_def_called_at_once,
         factory_late_binding, factory_twice, factory_in_a_loop, factory_of_a_pair,
         factory_of_a_factory, factory_with_default, factory_with_nonlocal_state]

SHAPES = [((), ()), ((3,), ()), ((2, 3), (3,))]


def _args(rng, shapes):
    return tuple(0.2 + 0.5 * rng.random() if s == () else 0.2 + 0.5 * rng.random(s) for s in shapes)


@pytest.mark.parametrize("shapes", SHAPES, ids=str)
@pytest.mark.parametrize("f", CASES, ids=lambda f: f.__name__)
def test_reverse_and_forward_match_finite_differences(f, shapes):
    rng = np.random.default_rng(7)
    args = _args(rng, shapes)
    tangents = tuple(rng.standard_normal(np.shape(a)) if np.shape(a) else 0.3 for a in args)
    check_first_order(f, args, tangents)


@pytest.mark.parametrize("f", CASES, ids=lambda f: f.__name__)
def test_second_order(f):
    check_second_order(f)


# -- semantics ------------------------------------------------------------------------------

def test_late_binding_reads_the_current_value():
    x, w = 0.7, 1.3
    # d/dx (x * w + x * sin(w)) = w + sin(w)
    assert_close(astgrad.grad(late_binding)(x, w), w + np.sin(w))


def test_loop_variable_is_seen_as_it_is_at_the_call():
    x, w = 0.7, 1.3
    # sum over i of i * w, plus the last lambda (i = 2) once more
    assert_close(astgrad.grad(closure_over_loop_variable)(x, w), (0 + 1 + 2) * w + 2 * w)


def test_default_is_evaluated_where_the_lambda_is_made():
    x, w = 0.7, 1.3
    assert_close(astgrad.grad(lambda_default_captures_value)(x, w), w)
    assert_close(astgrad.grad(lambda_default_captures_value, wrt=1)(x, w), x + 3.0)


sq = lambda x: x ** 2 + np.sin(x)      # noqa: E731  (a module-level lambda)


def test_module_level_lambda():
    assert_close(astgrad.grad(sq)(0.3), 2 * 0.3 + np.cos(0.3))
    assert_close(astgrad.grad(astgrad.grad(sq))(0.3), 2.0 - np.sin(0.3))
    assert_close(astgrad.jvp(sq, (0.3,), (1.0,))[1], 2 * 0.3 + np.cos(0.3))


def make(w):
    def f(x):
        return w * np.sin(x)

    def set_w(value):
        nonlocal w
        w = value
    return f, set_w


def test_grad_of_a_closure_from_a_factory_reads_its_cell_when_run():
    f, set_w = make(3.0)
    gradient = astgrad.grad(f)
    assert_close(gradient(0.4), 3.0 * np.cos(0.4))
    set_w(5.0)                          # the closure's cell changed: the next call sees it
    assert_close(gradient(0.4), 5.0 * np.cos(0.4))
    assert_close(astgrad.grad(gradient)(0.4), -5.0 * np.sin(0.4))


def test_inlined_helper_is_regenerated_when_redefined():
    import types
    scope = {"np": np, "__name__": __name__}
    helper = types.FunctionType(apply.__code__, scope, "apply")
    scope["apply"] = helper
    f = types.FunctionType(local_def_passed_to_helper.__code__, scope, "f")
    gradient = astgrad.grad(f)
    before = gradient(0.3, 0.5)
    scope["apply"] = types.FunctionType(apply_twice.__code__, scope, "apply", (2,))
    after = gradient(0.3, 0.5)
    assert not np.isclose(before, after)
    assert_close(after, numerical_grad(f, (0.3, 0.5)))


def test_generated_code_shows_the_helpers_lines():
    text = astgrad.grad(nested_once).source
    assert "return z * w + np.sin(z)" in text     # the inlined helper's line is named


def test_sorted_gradient_follows_the_permutation():
    def f(x):
        ordered = sorted([x[0], x[1], x[2]], key=lambda v: -v)
        return ordered[0] * 1.0 + ordered[1] * 10.0 + ordered[2] * 100.0
    x = np.array([0.5, 2.0, -1.0])
    assert_close(astgrad.grad(f)(x), np.array([10.0, 1.0, 100.0]))
    def g(x):
        ordered = sorted([x[0], x[1], x[2]], reverse=True)
        return ordered[0] * 1.0 + ordered[1] * 10.0 + ordered[2] * 100.0
    assert_close(astgrad.grad(g)(x), np.array([10.0, 1.0, 100.0]))


def call_argument(fn, x):
    return fn(x) * 2.0


def test_function_argument_is_followed_when_given_and_refused_without_one():
    gradient = astgrad.grad(call_argument, wrt=1)      # made for the function given at each call
    assert_close(gradient(np.sin, 0.3), 2.0 * np.cos(0.3))
    assert_close(gradient(np.tanh, 0.3), 2.0 / np.cosh(0.3) ** 2)
    with pytest.raises(astgrad.TransformError, match=r"call of the argument 'fn' \(a function passed in\)"):
        gradient(2.0, 0.3)
    # the work-around the message gives: pass the function by name in a function of x
    gradient = astgrad.grad(lambda x: call_argument(np.sin, x))
    assert_close(gradient(0.3), 2.0 * np.cos(0.3))
    assert_close(astgrad.grad(gradient)(0.3), -2.0 * np.sin(0.3))


# -- a function value astgrad does not follow is refused, never a zero derivative -------------

def step_for(a):
    return lambda x: x - 0.05 * (x ** 2 - a)


def one_step(a):
    step = step_for(a)
    return step(10.0)           # = 10 - 0.05 * (100 - a): d/da = 0.05 through the closure only


def stepped_twice(a):
    return step_for(a)(step_for(a * a)(a)) * a


def test_closure_from_a_factory_carries_the_derivative_of_its_cells():
    assert_close(astgrad.grad(one_step)(2.0), 0.05)
    assert_close(astgrad.jvp(one_step, (2.0,), (1.0,))[1], 0.05)
    assert_close(astgrad.vjp(one_step, 2.0)[1](1.0)[0], 0.05)
    gradient = astgrad.grad(stepped_twice)
    assert_close(gradient(0.7), numerical_grad(stepped_twice, (0.7,)))
    assert_close(astgrad.grad(gradient)(0.7), numerical_grad(gradient, (0.7,)), rtol=1e-5)
    assert_close(astgrad.jvp(gradient, (0.7,), (1.0,))[1], numerical_grad(gradient, (0.7,)), rtol=1e-5)


def _make_factory(k):
    def factory(a):
        return lambda z: z * a * k
    return factory


closure_factory = _make_factory(2.0)


def table(a):
    ops = {}
    ops["f"] = lambda z: z * a
    return ops


def partial_of(a):
    return functools.partial(np.multiply, a)


class Maker:
    def make(self, a):
        return lambda z: z * a


MAKER = Maker()


def holder(a):
    return types.SimpleNamespace(fn=lambda z: z * a)


def from_a_closure_factory(x, w):
    return np.sum(closure_factory(w)(x))


def from_a_container_a_call_returned(x, w):
    ops = table(w)
    return np.sum(ops["f"](3.0) + x)


def from_a_partial_a_call_returned(x, w):
    return np.sum(partial_of(w)(3.0) + x)


def from_a_method(x, w):
    return np.sum(MAKER.make(w)(3.0) + x)


def from_an_attribute(x, w):
    h = holder(w)
    return np.sum(h.fn(3.0) + x)


def from_a_container_argument(x, fs):
    return np.sum(fs[0](x))


def from_an_attribute_argument(x, obj):
    return np.sum(obj.fn(x))


def chosen_by_a_factory_when_run(x, w):
    def make(k):
        if k > 1.0:
            return lambda z: z * k
        return lambda z: z + k
    return np.sum(make(w + 1.0)(x))


REFUSED = [(chosen_by_a_factory_when_run, r"returning a local function from one return and something else"),
           (from_a_container_a_call_returned, r"function value|local function lambda"),
           (from_a_method, r"function value|local function lambda returned"),
           (from_an_attribute, r"\.fn\(\)|local function lambda passed")]


@pytest.mark.parametrize("f, message", REFUSED, ids=lambda v: getattr(v, "__name__", ""))
@pytest.mark.parametrize("mode", ["grad", "jvp", "vjp"])
def test_function_value_not_followed_is_refused(f, message, mode):
    with pytest.raises(astgrad.TransformError, match=message) as info:
        if mode == "grad":
            astgrad.grad(f, wrt=1)(0.4, 0.7)
        elif mode == "jvp":
            astgrad.jvp(f, (0.4, 0.7), (0.0, 1.0))
        else:
            astgrad.vjp(f, 0.4, 0.7)
    assert "test_closures.py:" in str(info.value)      # the file and line


def chosen_by_a_key_given(x, w, cfg):
    act = {"tanh": np.tanh, "sin": np.sin}[cfg.get("activation", "tanh")]
    return np.sum(act(x * w))


def called_by_a_key_given(x, w, cfg):
    return np.sum([np.tanh, np.sin][cfg["which"]](x * w))


def chosen_by_if_on_the_key(x, w, cfg):        # the rewrite the refusal advises
    name = cfg.get("activation", "tanh")
    if name == "tanh":
        y = np.tanh(x * w)
    elif name == "sin":
        y = np.sin(x * w)
    return np.sum(y)


@pytest.mark.parametrize("f", [chosen_by_a_key_given, called_by_a_key_given], ids=lambda f: f.__name__)
@pytest.mark.parametrize("mode", ["grad", "jvp"])
def test_a_function_taken_by_a_key_known_only_when_run_is_refused_with_the_rewrite(mode, f):
    x, cfg = np.array([0.3, -0.5, 0.8]), {"activation": "sin", "which": 1}
    with pytest.raises(astgrad.TransformError, match=r"test_closures.py:\d+: astgrad cannot differentiate a call "
                       r"of a function taken from a dict or list by a key known only when the code runs .* "
                       r"or choose with if/elif on the key"):
        if mode == "grad":
            astgrad.grad(f, wrt=(0, 1))(x, 0.7, cfg)
        else:
            astgrad.jvp(f, (x, 0.7, cfg), (np.ones(3), 1.0, None))
    for cfg in ({"activation": "sin"}, {}):
        want = [numerical_grad(lambda *a: chosen_by_if_on_the_key(*a, cfg), (x, 0.7), wrt=i) for i in (0, 1)]
        assert_close(astgrad.grad(chosen_by_if_on_the_key, wrt=(0, 1))(x, 0.7, cfg), want)


def test_a_closure_made_by_a_factory_is_inlined_with_its_cells():
    # closure_factory is a closure (over k = 2.0): inlined, reading its cell when it runs
    assert_close(astgrad.grad(from_a_closure_factory, wrt=1)(0.4, 0.7), 2.0 * 0.4)
    assert_close(astgrad.jvp(from_a_closure_factory, (0.4, 0.7), (0.0, 1.0))[1], 2.0 * 0.4)
    gradient = astgrad.grad(from_a_closure_factory, wrt=0)
    assert_close(astgrad.grad(gradient, wrt=1)(0.4, 0.7), 2.0)


def test_a_partial_a_helper_returns_is_followed():
    # partial_of is inlined as a factory: the partial it returns is called with w bound when it was made
    assert_close(astgrad.grad(from_a_partial_a_call_returned, wrt=1)(0.4, 0.7), 3.0)
    assert_close(astgrad.jvp(from_a_partial_a_call_returned, (0.4, 0.7), (0.0, 1.0))[1], 3.0)
    assert_close(astgrad.vjp(from_a_partial_a_call_returned, 0.4, 0.7)[1](1.0), (1.0, 3.0))


def test_function_value_from_an_argument():
    # a list of functions as an argument: made for the functions it holds
    assert_close(astgrad.grad(from_a_container_argument)(0.4, [np.sin]), np.cos(0.4))
    assert_close(astgrad.jvp(from_a_container_argument, (0.4, [np.sin]), (1.0, None))[1], np.cos(0.4))
    # a list holding a function and a number: made for the function, the number read when the code runs
    assert_close(astgrad.grad(from_a_container_argument)(0.4, [np.sin, 2.0]), np.cos(0.4))
    assert_close(astgrad.jvp(from_a_container_argument, (0.4, [np.sin, 2.0]), (1.0, [None, 0.0]))[1], np.cos(0.4))
    assert_close(astgrad.grad(from_a_container_argument)(0.4, [np.cos, 2.0]), -np.sin(0.4))
    with pytest.raises(astgrad.TransformError, match=r"\.fn\(\)"):
        astgrad.grad(from_an_attribute_argument)(0.4, types.SimpleNamespace(fn=np.sin))


def _log_partition(params, x):
    return np.sum(np.sin(params * x))


def map_of_a_partial(params, data):
    return sum(map(functools.partial(_log_partition, params), data))


def test_map_of_a_partial():
    data = [np.array([1.0, 2.0]), np.array([0.5, 0.1])]
    p = np.array([0.3, 0.7])
    f = map_of_a_partial
    assert_close(astgrad.grad(f)(p, data), numerical_grad(f, (p, data)))
    t = np.array([0.4, -1.0])
    assert_close(astgrad.jvp(f, (p, data), (t, [np.zeros(2), np.zeros(2)]))[1],
                 numerical_jvp(lambda q: f(q, data), (p,), (t,)))
    gradient = astgrad.grad(f)
    assert_close(astgrad.jvp(gradient, (p, data), (t, [np.zeros(2), np.zeros(2)]))[1],
                 numerical_jvp(lambda q: gradient(q, data), (p,), (t,)), rtol=1e-4)


def factory_inner_name_reused(x, w):
    def make(a):
        def h(z):                   # make's own h: another variable than the h below
            return z * a + np.sin(z)
        return h
    h = make(w)
    return h(x) * h(x * w)


def test_a_local_factory_whose_function_has_the_callers_name():
    check_first_order(factory_inner_name_reused, (0.45, 0.8), (1.0, -0.5))
    check_second_order(factory_inner_name_reused)
