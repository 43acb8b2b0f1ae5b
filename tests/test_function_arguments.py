"""Functions passed as arguments of the differentiated function (``def apply(f, x)``),
alone or in lists, tuples and dicts: the transform is made for the functions given at
each call, checked against finite differences in both modes and to second order."""

import numpy as np
import pytest

import astgrad
import function_helpers
from fd import assert_close, flatten, numerical_grad, numerical_hessian, numerical_jvp, unflatten


def apply(f, x):
    return np.sum(f(x) * x)


def apply_twice(f, x):
    return np.sum(f(f(x)))


def helper(h, x):
    return h(x) * 2.0


def passes_on(f, x):
    """A function value handed on to a helper, which calls it."""
    return np.sum(helper(f, x) + f(x) ** 2)


def over_a_list(fs, x):
    total = 0.0
    for g in fs:
        total = total + np.sum(g(x))
    return total + np.sum(fs[-1](x) * x)


def over_a_dict(ops, x):
    return np.sum(ops["a"](x) * ops["b"](x))


def over_items(ops, x):
    total = 0.0
    for name, g in ops.items():
        total = total + np.sum(g(x))
    return total


def keyword_function(x, *, act=np.tanh):
    return np.sum(act(x) ** 2)


def cube(v):
    return v * v * v


def soft(v):
    return np.log1p(np.exp(v))


SCALE = 1.7
scaled = lambda v: SCALE * np.sin(v)    # noqa: E731


def make_power(p):
    return lambda v: v ** p


CASES = [
    (apply, np.sin), (apply, np.tanh), (apply, cube), (apply, scaled), (apply, soft),
    (apply, make_power(3.0)), (apply_twice, np.sin), (apply_twice, cube),
    (passes_on, np.cos), (passes_on, cube),
    (over_a_list, [np.sin, cube]), (over_a_list, (np.exp, scaled)),
    (over_a_dict, {"a": np.sin, "b": cube}), (over_items, {"a": np.cos, "b": soft}),
]
IDS = [f"{fn.__name__}-{i}" for i, (fn, _) in enumerate(CASES)]
SHAPES = [(), (3,), (2, 3)]


def _point(shape, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.2, 0.9, size=shape)
    return float(x) if shape == () else x


@pytest.mark.parametrize("fn, given", CASES, ids=IDS)
@pytest.mark.parametrize("shape", SHAPES)
def test_reverse_and_forward_match_finite_differences(fn, given, shape):
    x = _point(shape)
    expected = numerical_grad(fn, (given, x), wrt=1)
    assert_close(astgrad.grad(fn, wrt=1)(given, x), expected)
    v = _point(shape, seed=1)
    _, tangent = astgrad.jvp(fn, (given, x), (None, v))
    assert_close(tangent, numerical_jvp(fn, (given, x), (None, v)))
    assert_close(tangent, np.sum(np.asarray(expected) * v))


@pytest.mark.parametrize("fn, given", CASES, ids=IDS)
def test_second_order(fn, given):
    x = _point((3,))
    gradient = astgrad.grad(fn, wrt=1)
    expected = numerical_hessian(lambda f, x: gradient(f, x), (given, x), wrt=1)
    assert_close(astgrad.hessian(fn, wrt=1)(given, x), expected, rtol=1e-4, atol=1e-5)
    v = _point((3,), seed=2)
    assert_close(astgrad.hvp(fn, wrt=1)(given, x, v), expected @ v, rtol=1e-4, atol=1e-5)
    y = 0.6     # grad of grad on a scalar
    second = astgrad.grad(astgrad.grad(fn, wrt=1), wrt=1)(given, y)
    assert_close(second, numerical_grad(lambda f, y: gradient(f, y), (given, y), wrt=1), rtol=1e-4, atol=1e-5)


def test_another_function_gives_another_result():
    gradient = astgrad.grad(apply, wrt=1)
    x = np.array([0.3, 0.7])
    for f, df in [(np.sin, np.cos), (np.cos, lambda v: -np.sin(v)), (np.sin, np.cos), (cube, lambda v: 3 * v * v)]:
        assert_close(gradient(f, x), df(x) * x + f(x))


def test_lambdas_made_anew_at_each_call():
    gradient = astgrad.grad(apply, wrt=1)
    x = np.array([0.3, 0.7])
    for p in [2.0, 3.0, 2.0]:       # a new closure cell each time
        assert_close(gradient(make_power(p), x), (p + 1) * x ** p)
    for w in [1.0, 2.0]:            # one cell, read when the gradient runs
        assert_close(gradient(lambda v: w * v, x), 2 * w * x)


def test_function_arguments_get_no_gradient():
    x = np.array([0.3, 0.7])
    g_f, g_x = astgrad.grad(apply, wrt=(0, 1))(np.sin, x)
    assert g_f is None
    assert_close(g_x, np.cos(x) * x + np.sin(x))
    assert astgrad.grad(over_a_list, wrt=(0, 1))([np.sin, cube], x)[0] is None
    assert astgrad.grad(apply)(np.sin, x) is None          # wrt=0 is the function
    out, pullback = astgrad.vjp(apply, np.sin, x)
    assert_close(out, apply(np.sin, x))
    g_f, g_x = pullback(1.0)
    assert g_f is None
    assert_close(g_x, np.cos(x) * x + np.sin(x))


def test_keywords_and_defaults():
    x = np.array([0.3, 0.7])
    assert_close(astgrad.grad(apply, wrt="x")(f=np.sin, x=x), np.cos(x) * x + np.sin(x))
    expected = 2 * np.tanh(x) / np.cosh(x) ** 2
    assert_close(astgrad.grad(keyword_function)(x), expected)
    assert_close(astgrad.grad(keyword_function)(x, act=np.sin), 2 * np.sin(x) * np.cos(x))


def test_value_and_grad_and_jacobian():
    x = np.array([0.3, 0.7])
    value, g = astgrad.value_and_grad(apply, wrt=1)(cube, x)
    assert_close(value, np.sum(x ** 4))
    assert_close(g, 4 * x ** 3)
    jac = astgrad.jacobian(lambda f, x: f(x) * 2.0, wrt=1)
    assert_close(jac(np.sin, x), np.diag(2 * np.cos(x)))
    assert_close(jac(cube, x), np.diag(6 * x * x))


def test_without_a_function_the_call_is_refused():
    with pytest.raises(astgrad.TransformError, match=r"test_function_arguments.py:14: .*argument 'f'"):
        astgrad.grad(apply, wrt=1)(2.0, 0.5)
    with pytest.raises(astgrad.TransformError, match=r"argument 'f'"):
        astgrad.jvp(apply, (None, 0.5), (None, 1.0))


# -- a function handed to a helper of another module, inside differentiated code --------------

def newton_sqrt(a, x):
    return 0.5 * (x + a / x)


def sqrt_by_fixed_point(a):
    return function_helpers.fixed_point(newton_sqrt, a, 1.0)


def sum_of_functions(x):
    return function_helpers.apply_all([np.sin, np.cos, cube], x) * x


def scaled_sin(x):
    return function_helpers.scaled(np.sin, x, scale=3.0)


def closure_to_another_module(x):
    return function_helpers.scaled(lambda v: v * x, x)


@pytest.mark.parametrize("fn, x", [(sqrt_by_fixed_point, 2.0), (sum_of_functions, 0.4), (scaled_sin, 0.4)])
def test_functions_handed_to_a_helper_of_another_module(fn, x):
    expected = numerical_grad(fn, (x,))
    assert_close(astgrad.grad(fn)(x), expected)
    assert_close(astgrad.jvp(fn, (x,), (1.0,))[1], expected)
    second = numerical_grad(astgrad.grad(fn), (x,))
    assert_close(astgrad.grad(astgrad.grad(fn))(x), second, rtol=1e-4, atol=1e-5)
    assert_close(astgrad.grad(sqrt_by_fixed_point)(2.0), 0.5 / np.sqrt(2.0))


def test_a_local_function_handed_to_a_helper_of_another_module_is_inlined():
    # scaled is inlined, so the derivative flows through the lambda's closure over x too
    fn = closure_to_another_module
    assert_close(astgrad.grad(fn)(0.4), numerical_grad(fn, (0.4,)))      # d/dx 2 x^2 = 4x
    assert_close(astgrad.jvp(fn, (0.4,), (1.0,))[1], 1.6)
    assert_close(astgrad.grad(astgrad.grad(fn))(0.4), 4.0)


# -- a helper whose default is a function --------------------------------------------------

def predict(params, inputs, nonlinearity=np.tanh):
    for W, b in params:
        outputs = inputs @ W + b
        inputs = nonlinearity(outputs)
    return outputs


def predict_loss(params, x):
    return np.sum(predict(params, x) ** 2)


def predict_loss_sin(params, x):
    return np.sum(predict(params, x, nonlinearity=np.sin) ** 2)


@pytest.mark.parametrize("fn", [predict_loss, predict_loss_sin])
def test_a_function_default_of_a_helper(fn):
    rs = np.random.RandomState(0)
    params = [(rs.randn(2, 3), rs.randn(3)), (rs.randn(3, 1), rs.randn(1))]
    x = rs.randn(4, 2)
    gradient = astgrad.grad(fn)(params, x)
    expected = numerical_grad(lambda v: fn(unflatten(params, v), x), (flatten(params),))
    assert_close(flatten(gradient), expected)
    assert_close(astgrad.grad(fn, wrt=1)(params, x), numerical_grad(fn, (params, x), wrt=1))


# -- a factory handed to a helper, which calls what it returns ------------------------------

def step_for(a):
    return lambda x: x - 0.05 * (x ** 2 - a)


def iterate(make_step, a, x0):
    step = make_step(a)
    x = x0
    for _ in range(200):
        x = step(x)
    return x


def sqrt_by_iteration(a):
    x = 10.0            # a local named like the lambda's parameter
    return iterate(step_for, a, x)


def test_a_factory_handed_to_a_helper():
    assert_close(astgrad.grad(sqrt_by_iteration)(2.0), 0.5 / np.sqrt(2.0))
    assert_close(astgrad.jvp(sqrt_by_iteration, (2.0,), (1.0,))[1], 0.5 / np.sqrt(2.0))
    assert_close(astgrad.grad(astgrad.grad(sqrt_by_iteration))(2.0), -0.25 * 2.0 ** -1.5, rtol=1e-4)
    assert_close(astgrad.grad(iterate, wrt=1)(step_for, 2.0, 10.0), 0.5 / np.sqrt(2.0))


def test_lambdas_written_in_a_for_header_spanning_lines():
    x = 0.3
    results = []
    for f, expected in [(lambda v: v * SCALE, SCALE * 2 * x),
                        (lambda v: v * v * SCALE, SCALE * 3 * x * x)]:
        results.append((astgrad.grad(apply, wrt=1)(f, x), expected))
    for actual, expected in results:
        assert_close(actual, expected)


# -- recursion handing a function on --------------------------------------------------------

def compose_n(f, x, n):
    if n == 0:
        return f(x)
    return compose_n(f, f(x), n - 1)


def compose_sin(x):
    return compose_n(np.sin, x, 2)


def compose_via_helper(x):
    return function_helpers.scaled(np.sin, compose_n(cube, x, 1))


@pytest.mark.parametrize("fn", [compose_sin, compose_via_helper, lambda x: compose_n(np.tanh, x, 3)])
def test_recursion_handing_a_function_on(fn):
    x = 0.3
    expected = numerical_grad(fn, (x,))
    assert_close(astgrad.grad(fn)(x), expected)
    assert_close(astgrad.jvp(fn, (x,), (1.0,))[1], expected)
    assert_close(astgrad.grad(astgrad.grad(fn))(x), numerical_grad(astgrad.grad(fn), (x,)), rtol=1e-4, atol=1e-5)
    assert_close(astgrad.grad(compose_n, wrt=1)(np.sin, x, 2), numerical_grad(compose_sin, (x,)))
