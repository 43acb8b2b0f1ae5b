"""The tape against central differences and PyTorch's refusals: gradients recorded with
``create_graph=True`` and differentiated again after a tensor changed in place, in-place
updates, views, ``detach``, ``retain_graph``, ``allow_unused``, grads of grads, non-scalar
outputs with ``grad_outputs``, integer and float32 tensors.

PyTorch's later backward runs a recorded formula node only where it lies on a path to
that backward's inputs, and a node that runs checks the version of every tensor it saved.
``grad(sin(a), a, v, create_graph=True)`` records ``v * cos(a)``: ``cos(a)``'s node reads
``a`` (it runs where ``a`` leads to the inputs), the product's node reads ``v`` (it runs
where either does). Which cases PyTorch 2.13 refuses is written down per case (checked
with PyTorch itself outside these tests); every computed value is compared with central
differences of the function (first order) or of its derivative, itself compared with
central differences (second order).
"""

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad

SHAPES = [(3,), (2, 3)]
MODIFIED = "modified by an inplace operation"
grad = astgrad.autograd.grad


def _data(shape, seed, low=0.2, high=0.8):
    return np.random.default_rng(seed).uniform(low, high, shape)


def _tensor(data, requires_grad=True):
    return astgrad.tensor(np.array(data), requires_grad=requires_grad)


def _fd(f, *args, wrt=0):
    return numerical_grad(f, args, wrt=wrt)


def _close(got, expected):
    assert_close(np.asarray(got.detach().numpy() if hasattr(got, "detach") else got), expected, rtol=1e-6, atol=1e-7)


# name: (the tape's function, NumPy's, its derivative in NumPy)
UNARY = {
    "sin": (lambda a: a.sin(), np.sin, np.cos),
    "cos": (lambda a: a.cos(), np.cos, lambda x: -np.sin(x)),
    "exp": (lambda a: a.exp(), np.exp, np.exp),
    "log": (lambda a: a.log(), np.log, lambda x: 1 / x),
    "tanh": (lambda a: a.tanh(), np.tanh, lambda x: 1 - np.tanh(x) ** 2),
    "sigmoid": (lambda a: a.sigmoid(), lambda x: 1 / (1 + np.exp(-x)), lambda x: np.exp(-x) / (1 + np.exp(-x)) ** 2),
    "sqrt": (lambda a: a.sqrt(), np.sqrt, lambda x: 0.5 / np.sqrt(x)),
    "atan": (lambda a: a.atan(), np.arctan, lambda x: 1 / (1 + x * x)),
    "asin": (lambda a: a.asin(), np.arcsin, lambda x: 1 / np.sqrt(1 - x * x)),
    "acos": (lambda a: a.acos(), np.arccos, lambda x: -1 / np.sqrt(1 - x * x)),
    "abs": (lambda a: a.abs(), np.abs, np.sign),
    "log1p": (lambda a: a.log1p(), np.log1p, lambda x: 1 / (1 + x)),
    "pow2": (lambda a: a ** 2, lambda x: x ** 2, lambda x: 2 * x),
    "pow3": (lambda a: a ** 3, lambda x: x ** 3, lambda x: 3 * x ** 2),
    "pow2.5": (lambda a: a.pow(2.5), lambda x: x ** 2.5, lambda x: 2.5 * x ** 1.5),
    "square": (lambda a: a.square(), np.square, lambda x: 2 * x),
    "sinh": (lambda a: a.sinh(), np.sinh, np.cosh),
    "cosh": (lambda a: a.cosh(), np.cosh, np.sinh),
    "relu": (lambda a: a.relu(), lambda x: np.maximum(x, 0), lambda x: (x > 0) * 1.0),
    "tan": (lambda a: a.tan(), np.tan, lambda x: 1 / np.cos(x) ** 2),
    "reciprocal": (lambda a: 1 / a, lambda x: 1 / x, lambda x: -1 / x ** 2),
    "rsqrt": (lambda a: a.rsqrt(), lambda x: x ** -0.5, lambda x: -0.5 * x ** -1.5),
    "a*a": (lambda a: a * a, lambda x: x * x, lambda x: 2 * x),
}

# PyTorch 2.13 refuses, after a.mul_(2) under no_grad, grad(g.sum(), ...) of
# g = grad(f(a), a, v, create_graph=True) with respect to
REFUSED_A_CHANGED = {
    "v": {"log", "a*a"},        # v / a, v * a + a * v: the nodes v leads through read a
    "a": {"sin", "cos", "atan", "asin", "acos", "abs", "pow2", "pow3", "pow2.5", "square", "sinh", "cosh",
          "log", "a*a"},        # the nodes computing f'(a) from a (exp's, tanh's, ... read f(a), unchanged)
}
# and after v.mul_(2): every formula node saving v (grad * f'(a)) runs either way,
# except relu's (threshold_backward saves the output only)
REFUSED_V_CHANGED = set(UNARY) - {"relu", "reciprocal", "rsqrt"}


def _recorded(name, shape):
    op = UNARY[name][0]
    x, y = _data(shape, 1), _data(shape, 2)
    a, v = _tensor(x), _tensor(y)
    g, = grad(op(a), a, v, create_graph=True)
    return x, y, a, v, g


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("name", list(UNARY))
def test_recorded_gradient_matches_central_differences(name, shape):
    _, f, fprime = UNARY[name]
    x, y, a, v, g = _recorded(name, shape)
    _close(g, _fd(lambda x: np.sum(y * f(x)), x))
    _close(fprime(x) * y, _fd(lambda x: np.sum(y * f(x)), x))     # the derivative the second order is checked with


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("wrt", ["v", "a"])
@pytest.mark.parametrize("name", list(UNARY))
def test_input_changed_after_create_graph(name, wrt, shape):
    _, f, fprime = UNARY[name]
    x, y, a, v, g = _recorded(name, shape)
    with astgrad.no_grad():
        a.mul_(2.0)
    if name in REFUSED_A_CHANGED[wrt]:
        with pytest.raises(RuntimeError, match=MODIFIED):
            grad(g.sum(), v if wrt == "v" else a)
        return
    got, = grad(g.sum(), v if wrt == "v" else a)
    if wrt == "v":      # g = v * f'(a as it was)
        _close(got, _fd(lambda x: np.sum(f(x)), x))
    else:               # v * f''(a as it was)
        _close(got, _fd(lambda x: np.sum(y * fprime(x)), x))


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("wrt", ["v", "a"])
@pytest.mark.parametrize("name", list(UNARY))
def test_grad_outputs_changed_after_create_graph(name, wrt, shape):
    _, f, fprime = UNARY[name]
    x, y, a, v, g = _recorded(name, shape)
    with astgrad.no_grad():
        v.mul_(2.0)
    if name in REFUSED_V_CHANGED:
        with pytest.raises(RuntimeError, match=MODIFIED):
            grad(g.sum(), v if wrt == "v" else a)
        return
    got, = grad(g.sum(), v if wrt == "v" else a)
    if wrt == "v":
        _close(got, _fd(lambda x: np.sum(f(x)), x))
    else:               # the seed as it was
        _close(got, _fd(lambda x: np.sum(y * fprime(x)), x))


def test_the_task_case_computes_and_its_other_input_refuses():
    x, y = np.array([0.3, 0.7, 1.1]), np.array([1.0, 2.0, 3.0])
    a, v = _tensor(x), _tensor(y)
    g, = grad(a.sin(), a, v, create_graph=True)
    with astgrad.no_grad():
        a.mul_(2)
    _close(grad(g.sum(), v, retain_graph=True)[0], _fd(lambda x: np.sum(np.sin(x)), x))
    with pytest.raises(RuntimeError, match=MODIFIED):
        grad(g.sum(), a)


# the seed handed on through other nodes (PyTorch refuses all of these after v.mul_(2):
# the formula saving v, or a view of it, runs on the way to either input)
SEEDED = {
    "neg_sin": (lambda a: (-a).sin(), lambda x: np.sin(-x)),
    "sum_times": (lambda a: a.sin().sum() * a, lambda x: np.sum(np.sin(x)) * x),
    "view_sin": (lambda a: a.reshape(-1).sin().reshape(a.shape), np.sin),
    "add": (lambda a: a.sin() + a.cos(), lambda x: np.sin(x) + np.cos(x)),
    "sub": (lambda a: a.sin() - a.cos(), lambda x: np.sin(x) - np.cos(x)),
    "mean_times": (lambda a: a.exp().mean() * a, lambda x: np.mean(np.exp(x)) * x),
    "relu_times": (lambda a: a.relu() * a, lambda x: np.maximum(x, 0) * x),
}
# linear in a, or picking the seed by a mask: no formula saves it
SEED_NOT_SAVED = {
    "clamp": (lambda a: a.clamp(0.3, 0.6), lambda x: np.clip(x, 0.3, 0.6)),
    "times_3": (lambda a: a * 3.0, lambda x: x * 3.0),
    "clamp_times": (lambda a: a.clamp(0.3, 0.6) * 1.5, lambda x: np.clip(x, 0.3, 0.6) * 1.5),
}


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("wrt", ["v", "a"])
@pytest.mark.parametrize("name", list(SEEDED))
def test_grad_outputs_changed_handed_on(name, wrt, shape):
    op, f = SEEDED[name]
    x, y = _data(shape, 3), _data(shape, 4)
    a, v = _tensor(x), _tensor(y)
    g, = grad(op(a), a, v, create_graph=True)
    _close(g, _fd(lambda x: np.sum(y * f(x)), x))
    with astgrad.no_grad():
        v.mul_(2.0)
    with pytest.raises(RuntimeError, match=MODIFIED):
        grad(g.sum(), v if wrt == "v" else a)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("name", list(SEED_NOT_SAVED))
def test_grad_outputs_changed_not_saved(name, shape):
    op, f = SEED_NOT_SAVED[name]
    x, y = _data(shape, 5), _data(shape, 6)
    a, v = _tensor(x), _tensor(y)
    g, = grad(op(a), a, v, create_graph=True)
    with astgrad.no_grad():
        v.mul_(2.0)
    got, = grad(g.sum(), v)
    _close(got, _fd(lambda x: np.sum(f(x)), x))


# ---- products, quotients and chains recorded with create_graph=True, then a change ----

def _three(shape):
    x, y, w = _data(shape, 7), _data(shape, 8), _data(shape, 9)
    return x, y, w, _tensor(x), _tensor(y), _tensor(w)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_product_factor_changed_refuses_both(shape):
    # g = v * b: MulBackward0(v, b) saves both and runs for either input
    for wrt in (1, 2):
        x, y, w, a, v, b = _three(shape)
        g, = grad(a * b, a, v, create_graph=True)
        _close(g, _fd(lambda x: np.sum(y * x * w), x))
        with astgrad.no_grad():
            b.mul_(2.0)
        with pytest.raises(RuntimeError, match=MODIFIED):
            grad(g.sum(), [a, v, b][wrt])


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_product_own_input_changed_computes(shape):
    # g = v * b never reads a
    x, y, w, a, v, b = _three(shape)
    g, = grad(a * b, a, v, create_graph=True)
    with astgrad.no_grad():
        a.mul_(2.0)
    gv, gb = grad(g.sum(), [v, b])
    _close(gv, _fd(lambda y: np.sum(y * w), y))
    _close(gb, _fd(lambda w: np.sum(y * w), w))


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_quotient_numerator_changed(shape):
    x, y, w, a, v, b = _three(shape)
    g, = grad(a / b, a, v, create_graph=True)       # v / b
    with astgrad.no_grad():
        a.mul_(2.0)
    gv, gb = grad(g.sum(), [v, b])
    _close(gv, _fd(lambda y: np.sum(y / w), y))
    _close(gb, _fd(lambda w: np.sum(y / w), w))
    x, y, w, a, v, b = _three(shape)
    g, = grad(a / b, b, v, create_graph=True)       # -v a / b**2 reads a
    _close(g, _fd(lambda w: np.sum(y * x / w), w))
    with astgrad.no_grad():
        a.mul_(2.0)
    with pytest.raises(RuntimeError, match=MODIFIED):
        grad(g.sum(), b)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_chain_input_changed_other_inputs_compute(shape):
    x, y, w, a, v, b = _three(shape)
    g, = grad(a.sin() * b, a, v, create_graph=True)      # v * b * cos(a)
    with astgrad.no_grad():
        a.add_(1.0)
    gv, gb = grad(g.sum(), [v, b])
    _close(gv, _fd(lambda y: np.sum(y * w * np.cos(x)), y))
    _close(gb, _fd(lambda w: np.sum(y * w * np.cos(x)), w))


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_computed_tensor_changed_after(shape):
    x, y, w, a, v, b = _three(shape)
    h = a * 3.0
    g, = grad(h.sin(), a, v, create_graph=True)         # 3 v cos(3 a)
    h.mul_(2.0)
    _close(grad(g.sum(), v)[0], _fd(lambda x: np.sum(np.sin(3 * x)), x))
    with pytest.raises(RuntimeError, match=MODIFIED):
        grad(g.sum(), a)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_two_inputs_one_changed(shape):
    x, y, w, a, v, b = _three(shape)

    def f(x, w):
        return np.sum(np.sin(x) * np.cos(w))
    ga, gb = grad((a.sin() * b.cos()).sum(), [a, b], create_graph=True)
    _close(ga, _fd(f, x, w, wrt=0))
    _close(gb, _fd(f, x, w, wrt=1))
    with astgrad.no_grad():
        a.mul_(2.0)
    # gb = -sin(a) sin(b): sin(a) was computed before, b's formulas run
    _close(grad(gb.sum(), b, retain_graph=True)[0], _fd(lambda w: np.sum(-np.sin(x) * np.sin(w)), w))
    _close(grad(ga.sum(), b)[0], _fd(lambda w: np.sum(np.cos(x) * np.cos(w)), w))


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_output_changed_after(shape):
    x, y, w, a, v, b = _three(shape)
    e = a.exp()
    g, = grad(e, a, v, create_graph=True)        # v * e: e saved
    e.mul_(2.0)
    for wrt in (v, a):
        with pytest.raises(RuntimeError, match=MODIFIED):
            grad(g.sum(), wrt, retain_graph=True)
    s = a.sin()
    g, = grad(s, a, v, create_graph=True)        # v * cos(a): sin(a) not saved
    s.mul_(2.0)
    gv, ga = grad(g.sum(), [v, a])
    _close(gv, _fd(lambda x: np.sum(np.sin(x)), x))
    _close(ga, _fd(lambda x: np.sum(y * np.cos(x)), x))


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_a_view_of_another_part_changed(shape):
    x, y, w, a, v, b = _three(shape)
    h = a * 1.0
    g, = grad(h[..., :1].sin(), a, v[..., :1], create_graph=True)
    h[..., 1:].mul_(2.0)        # h's version moves; the sliced value's node saved its own
    got, = grad(g.sum(), v)
    expected = np.zeros(shape)
    expected[..., :1] = np.cos(x[..., :1])
    _close(got, expected)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_matmul_factor_changed_gradient_of_the_other(shape):
    x, w = np.atleast_2d(_data(shape, 10)), np.atleast_2d(_data(shape, 11)).T.copy()
    a, b = _tensor(x), _tensor(w)
    g, = grad((a @ b).sum(), a, create_graph=True)     # ones @ b.T: b
    with astgrad.no_grad():
        b.mul_(2.0)
    got, = grad((g * g).sum(), b)

    def f(w):
        gw = np.ones((x.shape[0], w.shape[1])) @ w.T
        return np.sum(gw * gw)
    _close(got, _fd(f, w))


# ---- first and second order programs: in place, views, detach, reuse ----

@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_add_into_computed(shape):
    x, y, w, a, v, b = _three(shape)
    h = a * 2.0
    h.add_(b * b)

    def f(x, w):
        h = 2 * x + w * w
        return np.sum(h * h)
    ga, gb = grad((h * h).sum(), [a, b])
    _close(ga, _fd(f, x, w, wrt=0))
    _close(gb, _fd(f, x, w, wrt=1))


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_mul_into_clone_by_a_view(shape):
    x, y, w, a, v, b = _three(shape)
    z = a.clone()
    z.view(-1)[:2].mul_(b.view(-1)[:2])

    def f(x, w):
        z = x.copy().reshape(-1)
        z[:2] = z[:2] * w.reshape(-1)[:2]
        return np.sum(np.sin(z))
    ga, gb = grad(z.sin().sum(), [a, b])
    _close(ga, _fd(f, x, w, wrt=0))
    _close(gb, _fd(f, x, w, wrt=1))


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_copy_into_zeros_and_into_a_view(shape):
    x, y, w, a, v, b = _three(shape)
    z = astgrad.zeros(shape, dtype=astgrad.float64)
    z.copy_(a * b)
    ga, gb = grad(z.exp().sum(), [a, b])
    _close(ga, _fd(lambda x, w: np.sum(np.exp(x * w)), x, w, wrt=0))
    _close(gb, _fd(lambda x, w: np.sum(np.exp(x * w)), x, w, wrt=1))
    z = a * 1.0
    z.view(-1)[0:1].copy_(b.view(-1)[1:2] ** 2)

    def f(x, w):
        z = x.copy().reshape(-1)
        z[0] = w.reshape(-1)[1] ** 2
        return np.sum(z * z)
    ga, gb = grad((z * z).sum(), [a, b])
    _close(ga, _fd(f, x, w, wrt=0))
    _close(gb, _fd(f, x, w, wrt=1))


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_index_add_and_clamp_in_place(shape):
    x, y, w, a, v, b = _three(shape)
    z = a.clone()
    z[..., 0] += b[..., 1] * 3.0

    def f(x, w):
        z = x.copy()
        z[..., 0] += w[..., 1] * 3.0
        return np.sum(z ** 3)
    ga, gb = grad((z ** 3).sum(), [a, b])
    _close(ga, _fd(f, x, w, wrt=0))
    _close(gb, _fd(f, x, w, wrt=1))
    z = a * 1.0
    z.clamp_(0.3, 0.6)
    _close(grad((z * a).sum(), a)[0], _fd(lambda x: np.sum(np.clip(x, 0.3, 0.6) * x), x))


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_transposed_view_updated(shape):
    x, w = np.atleast_2d(_data(shape, 12)), np.atleast_2d(_data(shape, 13))
    a, b = _tensor(x), _tensor(w)
    z = a.clone()
    z.t().mul_(b.t())
    ga, gb = grad(z.exp().sum(), [a, b])
    _close(ga, _fd(lambda x, w: np.sum(np.exp(x * w)), x, w, wrt=0))
    _close(gb, _fd(lambda x, w: np.sum(np.exp(x * w)), x, w, wrt=1))


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_detach(shape):
    x, y, w, a, v, b = _three(shape)
    _close(grad((a * a.detach()).sum(), a)[0], x)       # the detached factor is a constant
    z = a.sin()
    a.detach().mul_(2.0)        # shares a's version: sin's saved input changed
    with pytest.raises(RuntimeError, match=MODIFIED):
        grad(z.sum(), a)
    a = _tensor(x)
    z = a.exp()                 # saves its output, not a
    a.detach().mul_(2.0)
    _close(grad(z.sum(), a)[0], _fd(lambda x: np.sum(np.exp(x)), x))


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_retain_graph_twice_and_backward_accumulates(shape):
    x, y, w, a, v, b = _three(shape)
    z = (a * b).sin().sum()
    first = grad(z, [a, b], retain_graph=True)
    second = grad(z, [a, b])
    for n in range(2):
        expected = _fd(lambda x, w: np.sum(np.sin(x * w)), x, w, wrt=n)
        _close(first[n], expected)
        _close(second[n], expected)
    a, b = _tensor(x), _tensor(w)
    (a * b).sum().backward(retain_graph=True)
    (a * a).sum().backward()
    _close(a.grad, _fd(lambda x: np.sum(x * w + x * x), x))
    _close(b.grad, _fd(lambda w: np.sum(x * w), w))


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_allow_unused(shape):
    x, y, w, a, v, b = _three(shape)
    ga, gb = grad((a * a).sum(), [a, b], allow_unused=True)
    assert gb is None
    _close(ga, _fd(lambda x: np.sum(x * x), x))
    with pytest.raises(RuntimeError, match="not have been used"):
        grad((a * a).sum(), [a, b])


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_grads_of_grads(shape):
    x, y, w, a, v, b = _three(shape)
    g, = grad((a.sin() * a).sum(), a, create_graph=True)
    gprime = lambda x: np.cos(x) * x + np.sin(x)      # noqa: E731
    _close(g, _fd(lambda x: np.sum(np.sin(x) * x), x))
    _close(gprime(x), _fd(lambda x: np.sum(np.sin(x) * x), x))
    _close(grad((g * _tensor(y, False)).sum(), a)[0], _fd(lambda x: np.sum(y * gprime(x)), x))
    g, = grad((a ** 4).sum(), a, create_graph=True)
    h, = grad(g.sum(), a, create_graph=True)
    _close(h, _fd(lambda x: np.sum(4 * x ** 3), x))
    _close(grad(h.sum(), a)[0], _fd(lambda x: np.sum(12 * x ** 2), x))
    a.grad = None
    a.sin().sum().backward(create_graph=True)
    _close(grad(a.grad.sum(), a)[0], _fd(lambda x: np.sum(np.cos(x)), x))


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_non_scalar_outputs_with_grad_outputs(shape):
    x, y, w, a, v, b = _three(shape)
    got, = grad(a.exp() * a, a, _tensor(y, False))
    _close(got, _fd(lambda x: np.sum(y * np.exp(x) * x), x))
    g, = grad(a.exp() * a, a, v, create_graph=True)
    gprime = lambda x, y: y * np.exp(x) * (1 + x)     # noqa: E731
    _close(g, gprime(x, y))
    _close(gprime(x, y), _fd(lambda x: np.sum(y * np.exp(x) * x), x))
    ga, gv = grad((g * g).sum(), [a, v])
    _close(ga, _fd(lambda x: np.sum(gprime(x, y) ** 2), x))
    _close(gv, _fd(lambda y: np.sum(gprime(x, y) ** 2), y))
    # a recorded gradient as the next grad_outputs: h = -g sin(a), g = v cos(a)
    a, v = _tensor(x), _tensor(y)
    g, = grad(a.sin(), a, v, create_graph=True)
    h, = grad(a.cos(), a, g, create_graph=True)
    ha, hv = grad(h.sum(), [a, v])
    _close(ha, _fd(lambda x: np.sum(-y * np.cos(x) * np.sin(x)), x))
    _close(hv, _fd(lambda y: np.sum(-y * np.cos(x) * np.sin(x)), y))


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_integer_tensors(shape):
    x, y, w, a, v, b = _three(shape)
    k_data = np.arange(np.prod(shape)).reshape(shape) + 1
    k = astgrad.tensor(k_data)
    z = (a * k).sum()           # k saved (a requires grad)
    k.add_(1)
    with pytest.raises(RuntimeError, match=MODIFIED):
        grad(z, a)
    k = astgrad.tensor(k_data)
    z = (a + k).sin().sum()     # the sum saves nothing: sin saved the sum's result
    k.add_(1)
    _close(grad(z, a)[0], _fd(lambda x: np.sum(np.sin(x + k_data)), x))


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_float32(shape):
    x, w = _data(shape, 14), _data(shape, 15)
    a = astgrad.tensor(x.astype(np.float32), requires_grad=True)
    g, = grad((a.sin() * a).sum(), a, create_graph=True)
    assert g.dtype == astgrad.float32
    x32 = x.astype(np.float32).astype(np.float64)
    assert_close(g.detach().numpy(), _fd(lambda x: np.sum(np.sin(x) * x), x32), rtol=1e-5, atol=1e-6)
    h, = grad(g.sum(), a)
    assert h.dtype == astgrad.float32
    assert_close(h.numpy(), _fd(lambda x: np.sum(np.cos(x) * x + np.sin(x)), x32), rtol=1e-5, atol=1e-6)
    b = _tensor(w)
    ga, gb = grad((a * b).sum(), [a, b])       # float32 times float64: each gradient in its own dtype
    assert (ga.dtype, gb.dtype) == (astgrad.float32, astgrad.float64)
    assert_close(ga.numpy(), w, rtol=1e-6, atol=1e-7)
    assert_close(gb.numpy(), x32, rtol=1e-6, atol=1e-7)


# ---- first order: a function's output or input changed in place after it was used ----

# the output changed: PyTorch's reciprocal, rsqrt and cumprod saved it (their backward
# reads it); ``1 / a`` is reciprocal times 1 in PyTorch (the output changed is the
# product's, not reciprocal's), var saves its input only
OUTPUT_SAVED = {
    "reciprocal": lambda a: a.reciprocal(),
    "rsqrt": lambda a: a.rsqrt(),
    "cumprod": lambda a: a.cumprod(-1),
}
OUTPUT_NOT_SAVED = {
    "one_over": (lambda a: 1 / a, lambda x: 1 / x),
    "two_over": (lambda a: 2.0 / a, lambda x: 2.0 / x),
    "var": (lambda a: a.var(), lambda x: np.var(x, ddof=1)),
}
# the input changed: their backward saves nothing (derivative 0, or a product by a number)
INPUT_NOT_SAVED = {
    "floor": (lambda a: a.floor(), np.floor),
    "ceil": (lambda a: a.ceil(), np.ceil),
    "round": (lambda a: a.round(), np.round),
    "deg2rad": (lambda a: a.deg2rad(), np.deg2rad),
    "rad2deg": (lambda a: a.rad2deg(), np.rad2deg),
}


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("name", list(OUTPUT_SAVED))
def test_saved_output_changed_refuses(name, shape):
    a = _tensor(_data(shape, 16))
    y = OUTPUT_SAVED[name](a)
    z = y.sum() * 1.0
    y.mul_(2.0)
    with pytest.raises(RuntimeError, match=MODIFIED):
        grad(z, a)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("name", list(OUTPUT_NOT_SAVED))
def test_unsaved_output_changed_computes(name, shape):
    op, f = OUTPUT_NOT_SAVED[name]
    x = _data(shape, 17)
    a = _tensor(x)
    y = op(a)
    z = y.sum() * 1.0
    y.mul_(2.0)
    _close(grad(z, a)[0], _fd(lambda x: np.sum(f(x)), x))


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("name", list(INPUT_NOT_SAVED))
def test_unsaved_input_changed_computes(name, shape):
    op, f = INPUT_NOT_SAVED[name]
    x = _data(shape, 18, 0.1, 3.0) + 0.25     # away from the steps of floor, ceil and round
    x = np.where(np.abs(x - np.round(x)) < 0.05, x + 0.1, x)
    a = _tensor(x)
    z = (op(a) * 1.0).sum()
    with astgrad.no_grad():
        a.mul_(2.0)
    _close(grad(z, a)[0], _fd(lambda x: np.sum(f(x)), x))


# ---- which formulas save the seed: after v.mul_(2), computed where PyTorch computes ----

@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_seed_negated_by_a_subtraction_is_not_saved(shape):
    x, y = _data(shape, 19), _data(shape, 20)
    a, v = _tensor(x), _tensor(y)
    g, = grad(1.0 - a.sin(), a, v, create_graph=True)     # sin's formula gets -v, a new tensor
    with astgrad.no_grad():
        v.mul_(2.0)
    _close(grad(g.sum(), a)[0], _fd(lambda x: np.sum(-y * np.cos(x)), x))


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_seed_added_from_two_uses_is_not_saved(shape):
    x, y = _data(shape, 21), _data(shape, 22)
    a, v = _tensor(x), _tensor(y, False)
    p = a.sqrt()
    g, = grad(p + p, a, v, create_graph=True)     # sqrt's formula gets v + v, a new tensor
    _close(g, _fd(lambda x: np.sum(y * 2 * np.sqrt(x)), x))
    v.mul_(2.0)
    _close(grad(g.sum(), a)[0], _fd(lambda x: np.sum(y / np.sqrt(x)), x))


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_division_saves_the_seed_in_the_numerators_formula_only(shape):
    x, y, w = _data(shape, 23), _data(shape, 24), _data(shape, 25)

    def g_of_b(x, y, w):
        return np.sum(-y * x / w ** 2)
    for n in range(3):      # b's gradient: -v * ((a / b) / b) negates v first
        a, b, v = _tensor(x), _tensor(w), _tensor(y)
        g, = grad(a / b, b, v, create_graph=True)
        _close(g, _fd(lambda w: np.sum(y * x / w), w))
        with astgrad.no_grad():
            v.mul_(2.0)
        _close(grad(g.sum(), [a, b, v][n])[0], _fd(g_of_b, x, y, w, wrt=(0, 2, 1)[n]))
    for n in (1, 2):        # a's gradient: v / b saves v
        a, b, v = _tensor(x), _tensor(w), _tensor(y)
        g, = grad(a / b, a, v, create_graph=True)
        with astgrad.no_grad():
            v.mul_(2.0)
        with pytest.raises(RuntimeError, match=MODIFIED):
            grad(g.sum(), [a, b, v][n])


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_constant_numerator_read_only_on_the_denominators_path(shape):
    x, y, w = _data(shape, 26), _data(shape, 27), _data(shape, 28)
    c, b, v = _tensor(x, False), _tensor(w), _tensor(y)
    g, = grad(c / b, b, v, create_graph=True)      # -v * ((c / b) / b): c read by c / b
    c.mul_(2.0)
    _close(grad(g.sum(), v, retain_graph=True)[0], _fd(lambda y: np.sum(-y * x / w ** 2), y))
    with pytest.raises(RuntimeError, match=MODIFIED):
        grad(g.sum(), b)


@pytest.mark.parametrize("shape", SHAPES, ids=str)
def test_reciprocal_output_read_only_on_its_inputs_path(shape):
    x, y = _data(shape, 29), _data(shape, 30)
    a, v = _tensor(x), _tensor(y)
    r = a.reciprocal()
    g, = grad(r, a, v, create_graph=True)      # -v * (r * r): r read by r * r
    r.mul_(2.0)
    _close(grad(g.sum(), v, retain_graph=True)[0], _fd(lambda x: np.sum(1 / x), x))
    with pytest.raises(RuntimeError, match=MODIFIED):
        grad(g.sum(), a)


# the saved output changed after create_graph=True: a later gradient with respect to the
# seed runs the formula's nodes reading it (exp: v * y) or not (sqrt: v / (2 * y), where
# 2 * y is a new tensor); one with respect to a runs the function's own node, which reads it
OUTPUT_READ = {
    "sqrt": (lambda a: a.sqrt(), np.sqrt, False),
    "expm1": (lambda a: a.expm1(), np.expm1, False),
    "tan": (lambda a: a.tan(), np.tan, False),
    "rsqrt": (lambda a: a.rsqrt(), lambda x: x ** -0.5, False),
    "reciprocal": (lambda a: a.reciprocal(), lambda x: 1 / x, False),
    "exp": (lambda a: a.exp(), np.exp, True),
    "tanh": (lambda a: a.tanh(), np.tanh, True),
    "sigmoid": (lambda a: a.sigmoid(), lambda x: 1 / (1 + np.exp(-x)), True),
    "relu": (lambda a: a.relu(), lambda x: np.maximum(x, 0), True),
}


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("name", list(OUTPUT_READ))
def test_saved_output_changed_after_create_graph(name, shape):
    op, f, read_for_seed = OUTPUT_READ[name]
    x, y = _data(shape, 31), _data(shape, 32)
    a, v = _tensor(x), _tensor(y)
    r = op(a)
    g, = grad(r, a, v, create_graph=True)
    r.mul_(2.0)
    with pytest.raises(RuntimeError, match=MODIFIED):
        grad(g.sum(), a, retain_graph=True)
    if read_for_seed:
        with pytest.raises(RuntimeError, match=MODIFIED):
            grad(g.sum(), v)
    else:
        _close(grad(g.sum(), v)[0], _fd(lambda x: np.sum(f(x)), x))
