"""The tape's own primitives (tape/conventions.py: clamp, relu, power, remainder) against
central finite differences away from their kinks, reverse against forward mode, second
order through the tape, PyTorch's values at the kinks, and the in-place machinery's
gradients on random inputs (benchmarks/tape.py runs in smoke mode too)."""

import os
import pathlib

import numpy as np
import pytest

import astgrad
from astgrad.tape.conventions import clamp, power, relu, remainder, threshold_backward
from fd import assert_close, numerical_grad, numerical_hessian
import fresh_process

ROOT = pathlib.Path(__file__).resolve().parent.parent
T = astgrad.tensor
grad = astgrad.autograd.grad


def away_from_kinks(rng, shape, kinks):
    x = rng.uniform(-2.0, 2.0, shape)
    for k in kinks:
        x = np.where(np.abs(x - k) < 0.05, x + 0.1, x)
    return x


def clamp_both(x):
    return clamp(x, -0.5, 0.7)


def clamp_min(x):
    return clamp(x, -0.3)


def clamp_max(x):
    return clamp(x, None, 0.4)


def cube(x):
    return power(x, 3)


def shifted_power(x):
    return power(x + 3.0, 2.5)


def thresholded_square(x):
    """relu's gradient machinery: x * x where relu(x) > 0."""
    return threshold_backward(x * x, relu(x))


def remainder_by_constant(x):
    return remainder(x, 0.7)


def remainder_of_constant(x):
    """The divisor varies: 2.9 % (x + 3), whose derivative is -floor(2.9 / (x + 3))."""
    return remainder(2.9, x + 3.0) * x


FUNCTIONS = {
    "clamp": (clamp_both, (-0.5, 0.7)),
    "clamp_min": (clamp_min, (-0.3,)),
    "clamp_max": (clamp_max, (0.4,)),
    "relu": (relu, (0.0,)),
    "cube": (cube, ()),
    "square_of_sum": (shifted_power, ()),
    "threshold_backward": (thresholded_square, (0.0,)),
    "remainder": (remainder_by_constant, (-1.4, -0.7, 0.0, 0.7, 1.4)),
    "remainder_divisor": (remainder_of_constant, (-0.1, -1.55)),
}


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
@pytest.mark.parametrize("shape", [(), (4,), (2, 3)])
def test_against_finite_differences_both_modes(name, shape):
    f, kinks = FUNCTIONS[name]
    rng = np.random.default_rng(len(name) + len(shape))
    x = away_from_kinks(rng, shape, kinks)
    w = rng.standard_normal(shape)

    def loss(v):
        return np.sum(f(v) * w)
    expected = numerical_grad(loss, (x,))
    assert_close(astgrad.grad(loss)(x), expected)
    tangent = rng.standard_normal(shape)
    _, jvp = astgrad.jvp(loss, (x,), (tangent,))
    assert_close(jvp, np.sum(expected * tangent))
    xt = T(x, requires_grad=True)
    assert_close(grad(loss(xt), xt)[0].detach().numpy(), expected)


@pytest.mark.parametrize("name", ["clamp", "relu", "cube", "square_of_sum", "threshold_backward", "remainder_divisor"])
def test_second_order_through_the_tape(name):
    f, kinks = FUNCTIONS[name]
    rng = np.random.default_rng(7)
    x = away_from_kinks(rng, (5,), kinks)
    xt = T(x, requires_grad=True)
    g, = grad(np.sum(f(xt) ** 2), xt, create_graph=True)

    def first(v):
        vt = T(v, requires_grad=True)
        return np.sum(grad(np.sum(f(vt) ** 2), vt)[0].detach().numpy())
    h, = grad(np.sum(g), xt)
    assert_close(h.detach().numpy(), numerical_grad(first, (x,)), rtol=1e-4, atol=1e-5)


def test_pytorch_values_at_the_kinks():
    x = T([-1.0, 0.0, 1.0, 2.0], requires_grad=True)
    assert grad(np.sum(x.clamp(0.0, 1.0)), x)[0].tolist() == [0.0, 1.0, 1.0, 0.0]
    assert grad(np.sum(np.clip(x, 0.0, 1.0)), x)[0].tolist() == [0.0, 1.0, 1.0, 0.0]
    assert grad(np.sum(x.relu()), x)[0].tolist() == [0.0, 0.0, 1.0, 1.0]
    assert grad(np.sum(abs(x)), x)[0].tolist() == [-1.0, 0.0, 1.0, 1.0]
    # the function transforms keep their own convention (ties split evenly)
    assert astgrad.grad(lambda v: np.sum(np.clip(v, 0.0, 1.0)))(np.array([0.0, 1.0])).tolist() == [0.5, 0.5]


@pytest.mark.parametrize("seed", range(3))
def test_in_place_updates_differentiate_as_the_functional_program(seed):
    rng = np.random.default_rng(seed)
    x0, w0 = rng.standard_normal(4), rng.standard_normal(4)

    def functional(x, w):
        y = x * 2.0
        y = y + w * w
        y = np.where(np.arange(4) == 1, np.sin(w[2]), y)
        y = y * x
        return np.sum(np.tanh(y) * w)

    x, w = T(x0, requires_grad=True), T(w0, requires_grad=True)
    y = x * 2.0
    y.add_(w * w)
    y[1] = w[2].sin()
    y.mul_(x)
    gx, gw = grad(np.sum(np.tanh(y) * w), (x, w))
    assert_close(gx.detach().numpy(), numerical_grad(functional, (x0, w0), wrt=0))
    assert_close(gw.detach().numpy(), numerical_grad(functional, (x0, w0), wrt=1))


def test_tape_benchmark_smoke_run():
    env = dict(os.environ, PYTHONPATH=str(ROOT / "src"))
    done = fresh_process.run([str(ROOT / "benchmarks" / "tape.py"), "--quick"], src=str(ROOT / "src"), cwd=ROOT,
                             env=env, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "MLP training step" in done.stdout and "loop of 100 scalar ops" in done.stdout


def cubed_sum(x):
    return np.sum(power(x, 3) + power(x, 0))


def test_power_second_order_through_the_function_transforms():
    x = np.array([0.5, -1.5, 2.0])
    first = astgrad.grad(cubed_sum)
    assert_close(first(x), 3 * x ** 2)
    assert_close(astgrad.hessian(cubed_sum)(x), np.diag(6 * x))
    _, tangent = astgrad.jvp(first, (x,), (np.ones(3),))
    assert_close(tangent, numerical_grad(lambda v: np.sum(first(v)), (x,)), rtol=1e-5)


# piecewise linear functions: their gradient (create_graph=True) is piecewise constant in
# x, requires grad as PyTorch's does, and differentiates again to zeros
PIECEWISE = {
    "abs": lambda x: abs(x * 2.0 - 0.5),
    "abs_function": lambda x: astgrad.abs(x) * 3.0,
    "relu": lambda x: x.relu() - 0.5 * x,
    "relu_function": lambda x: astgrad.relu(x + 0.25),
    "sign_times_x": lambda x: np.sign(x) * x,
    "floor_plus_x": lambda x: np.floor(x) + x,          # its gradient is constant: no history
    "floor_times_x": lambda x: np.floor(x) * x,
    "kinks_in_a_product": lambda x: astgrad.relu(x) * astgrad.abs(x - 1.0),
}


@pytest.mark.parametrize("name", sorted(PIECEWISE))
@pytest.mark.parametrize("shape", [(), (5,), (2, 3)])
def test_second_order_of_piecewise_functions(name, shape):
    f = PIECEWISE[name]
    rng = np.random.default_rng(len(name) * 10 + len(shape))
    x = away_from_kinks(rng, shape, (-1.0, 0.0, 0.25, 1.0, -0.25, 2.0, -2.0))
    x = np.where(np.abs(x - np.round(x)) < 0.05, x + 0.1, x)     # away from floor's steps
    w = rng.standard_normal(shape)
    xt = T(x, requires_grad=True)
    g, = grad(np.sum(f(xt) * w), xt, create_graph=True)
    assert g.requires_grad is (g.grad_fn is not None) is (name != "floor_plus_x")    # as PyTorch

    def first(v):
        vt = T(v, requires_grad=True)
        return np.sum(f(vt) * w).item()
    assert_close(g.detach().numpy(), numerical_grad(first, (x,)))

    def first_derivative(v):
        vt = T(v, requires_grad=True)
        return np.sum(grad(np.sum(f(vt) * w), vt)[0].detach().numpy() * w)
    if not g.requires_grad:
        return
    h, = grad(np.sum(g * w), xt)
    assert not h.requires_grad
    assert_close(h.detach().numpy(), numerical_grad(first_derivative, (x,)), rtol=1e-4, atol=1e-5)


def test_piecewise_constant_results_keep_a_zero_history():
    x = T([-1.5, 0.0, 2.5], requires_grad=True)
    s = np.sign(x)
    assert s.requires_grad and type(s.grad_fn).__name__ == "SignBackward0"
    assert type(np.floor(x).grad_fn).__name__ == "FloorBackward0"
    assert grad(s.sum(), x)[0].tolist() == [0.0, 0.0, 0.0]
    g, = grad(abs(x).sum(), x, create_graph=True)
    assert type(g.grad_fn).__name__ == "MulBackward0"       # PyTorch's: grad * x.sgn()
    with astgrad.no_grad():
        assert not np.sign(x).requires_grad
    # helpers without a history in PyTorch stay constants
    assert not np.zeros_like(x).requires_grad
    assert not grad(x.clamp(-1.0, 1.0).sum(), x, create_graph=True)[0].requires_grad
    # a constant derivative has no history, as in PyTorch
    g, = grad((3.0 * x + 1.0).sum(), x, create_graph=True)
    assert not g.requires_grad and g.tolist() == [3.0, 3.0, 3.0]


@pytest.mark.parametrize("shape", [(3,), (2, 2)])
def test_remainder_in_every_mode(shape):
    """tape's remainder (PyTorch's zero sign) differentiates as NumPy's: vjp with a random
    cotangent, the Jacobian, value_and_grad and the Hessian against finite differences."""
    rng = np.random.default_rng(len(shape))
    x = away_from_kinks(rng, shape, (-0.1, -1.55))
    seed = rng.standard_normal(shape)
    value, pullback = astgrad.vjp(remainder_of_constant, x)
    assert_close(value, remainder_of_constant(x))
    (cotangent,) = pullback(seed)
    assert_close(cotangent, numerical_grad(remainder_of_constant, (x,), seed=seed))
    jac = astgrad.jacobian(remainder_of_constant)(x)
    assert_close(np.reshape(jac, (x.size, x.size)),
                 numerical_hessian(remainder_of_constant, (x,)).reshape(x.size, x.size))

    def loss(v):
        return np.sum(remainder_of_constant(v) * remainder(v, 0.7))
    x = away_from_kinks(rng, shape, (-1.55, -1.4, -0.7, -0.1, 0.0, 0.7, 1.4))
    total, g = astgrad.value_and_grad(loss)(x)
    assert_close(total, loss(x))
    assert_close(g, numerical_grad(loss, (x,)))
    hess = astgrad.hessian(loss)(x)
    assert_close(np.reshape(hess, (x.size, x.size)),
                 numerical_hessian(astgrad.grad(loss), (x,)).reshape(x.size, x.size), rtol=1e-4, atol=1e-5)
