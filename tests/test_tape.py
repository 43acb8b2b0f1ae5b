"""The tape front end: astgrad.tensor / astgrad.autograd.grad with PyTorch's semantics.

Every gradient is checked against central finite differences (tests/fd.py), never
against astgrad itself.
"""

import os
import re

import numpy as np
import pytest

import astgrad
import fresh_process
from fd import assert_close, numerical_grad

T = astgrad.tensor
grad = astgrad.autograd.grad
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def rng(seed=0):
    return np.random.default_rng(seed)


def values(f):
    """f on tensors as a function of plain arrays (for the finite-difference oracle)."""
    return lambda *arrays: f(*[T(a) for a in arrays]).detach().numpy()


def check_grad(f, *arrays, seed=None):
    """grad of f (on tensors) against finite differences, w.r.t. every argument."""
    ts = [T(a, requires_grad=True) for a in arrays]
    out = f(*ts)
    seed_t = None if seed is None else T(seed)
    grads = grad(out, ts, grad_outputs=seed_t)
    for i, g in enumerate(grads):
        assert g.shape == np.shape(arrays[i])
        assert not g.requires_grad
        assert_close(g.detach().numpy(), numerical_grad(values(f), tuple(arrays), wrt=i, seed=seed))


def check_second(f, *arrays):
    """The gradient of <grad f, w> (create_graph=True) against finite differences."""
    r = rng(7)
    w = [r.standard_normal(np.shape(a)) for a in arrays]

    def inner(*xs):
        ts = [T(v, requires_grad=True) for v in xs]
        gs = grad(f(*ts), ts, create_graph=True)
        return sum(np.sum(g * wi) for g, wi in zip(gs, w)), ts

    total, ts = inner(*arrays)
    assert total.requires_grad
    hs = grad(total, ts)
    for i, h in enumerate(hs):
        expected = numerical_grad(lambda *xs: inner(*xs)[0].detach().numpy(), tuple(arrays), wrt=i)
        assert_close(h.detach().numpy(), expected, rtol=1e-4, atol=1e-5)


# -- the tutorial ----------------------------------------------------------------------------

@pytest.mark.parametrize("script, expected", [
    ("tape_basic.py", "(tensor(3.), tensor(2.))\n"),
    ("tape_second_order.py", "tensor(2.) tensor(14.)\n"),
    # digamma(2) - digamma(5.5) and digamma(3.5) - digamma(5.5), twice; trigamma(2) -
    # trigamma(5.5) and -trigamma(5.5); 1 / (p (1 - p)) at 0.2 and 0.9
    ("tape_special.py", "tensor([-1.1883, -0.5079], grad_fn=<AddBackward0>)\n"
                        "tensor([-1.1883, -0.5079], grad_fn=<SubBackward0>)\n"
                        "tensor([ 0.4456, -0.1993])\n"
                        "(tensor([ 6.2500, 11.1111]),)\n"),
])
def test_tutorial_examples_print_exactly(script, expected):
    env = dict(os.environ, PYTHONPATH=os.path.join(ROOT, "src"))
    done = fresh_process.run([os.path.join(ROOT, "examples", script)], src=os.path.join(ROOT, "src"), env=env,
                             timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout == expected


def test_first_example_inline():
    x = T(2.0, requires_grad=True)
    y = T(3.0, requires_grad=True)
    grads = grad(outputs=x * y, inputs=(x, y))
    assert isinstance(grads, tuple)
    assert repr(grads) == "(tensor(3.), tensor(2.))"


def test_second_order_over_a_shared_graph():
    a = T(1.0, requires_grad=True)
    t = T(2.0, requires_grad=True)
    b = a + 2 * t
    c = a * t + t ** 2
    d = b**2 + 3 * c
    grad_a, grad_t = grad(outputs=d, inputs=(a, t), create_graph=True)
    assert grad_a.item() == 2 * 5 + 3 * 2 and grad_t.item() == 4 * 5 + 3 * (1 + 4)
    assert grad_a.requires_grad and grad_a.grad_fn is not None
    assert grad(grad_a, a, retain_graph=True)[0].item() == 2.0    # the two share nodes
    assert grad(grad_t, t)[0].item() == 14.0
    with pytest.raises(RuntimeError, match="backward through the graph a second time"):
        grad(grad_t, t)                             # freed as PyTorch frees it
    # create_graph=True retained d's graph: asking again works until a call frees it
    assert grad(d, a, retain_graph=True)[0].item() == 16.0
    assert grad(d, (a, t))[1].item() == 35.0
    with pytest.raises(RuntimeError, match="Specify retain_graph=True"):
        grad(d, a)


def test_third_and_fourth_order():
    x = T(2.0, requires_grad=True)
    y = x ** 4
    g1, = grad(y, x, create_graph=True)
    g2, = grad(g1, x, create_graph=True)
    g3, = grad(g2, x, create_graph=True)
    assert (g1.item(), g2.item(), g3.item()) == (32.0, 48.0, 48.0)      # 4x^3, 12x^2, 24x
    g4, = grad(g3, x, create_graph=True)
    assert g4.item() == 24.0
    assert g4.requires_grad              # 24 * x ** 0: as in PyTorch, it still depends on x
    g5, = grad(g4, x, create_graph=True)
    assert g5.item() == 0.0 and not g5.requires_grad      # the derivative of x ** 0: zeros
    with pytest.raises(RuntimeError, match="does not require grad"):
        grad(g5, x)


def test_third_order_of_array_function():
    x0 = np.array([0.3, -0.7, 1.1])
    x = T(x0, requires_grad=True)
    g, = grad(np.sum(np.sin(x) * x), x, create_graph=True)
    h, = grad(np.sum(g), x, create_graph=True)
    k, = grad(np.sum(h), x)
    # f = x sin x: f''' = -3 sin x - x cos x
    assert_close(k.detach().numpy(), -3 * np.sin(x0) - x0 * np.cos(x0))


# -- NumPy functions on tensors, against finite differences -------------------------------------

A = rng(1).standard_normal((3, 4))
B = rng(2).standard_normal((4, 2))
V = rng(3).standard_normal(4)

FUNCTIONS = {
    "sin": (lambda a: np.sum(np.sin(a)), (A,)),
    "exp_tanh": (lambda a: np.sum(np.exp(a) * np.tanh(a)), (A,)),
    "sum_axis": (lambda a: np.sum(np.sum(a, axis=0) ** 2), (A,)),
    "sum_keepdims_method": (lambda a: (a.sum(axis=1, keepdims=True) * a).mean(), (A,)),
    "dot": (lambda a, b: np.sum(np.dot(a, b) ** 2), (A, B)),
    "matmul": (lambda a, b: np.sum(np.tanh(a @ b)), (A, B)),
    "matvec": (lambda a, v: np.sum((a @ v) ** 2), (A, V)),
    "ndarray_matmul_tensor": (lambda a: np.sum(np.cos(B.T @ a.T)), (A,)),
    "mean": (lambda a: np.mean(a ** 3), (A,)),
    "mean_axis": (lambda a: np.sum(np.mean(a, axis=1) ** 2), (A,)),
    "reshape": (lambda a: np.sum(np.reshape(a, (2, 6))[1] ** 3) + np.sum(a.reshape(6, 2)[:, 0]), (A,)),
    "transpose": (lambda a, b: np.sum(b.T @ np.tanh(a.T)), (A, B)),
    "basic_index": (lambda a: np.sum(a[1:, ::2] * a[0, 1]) + a[-1, -1] ** 2, (A,)),
    "fancy_index": (lambda a: np.sum(a[[0, 2, 2]] ** 2), (A,)),
    "mask_index": (lambda a: np.sum(a[a > 0] ** 2), (A,)),
    "concatenate": (lambda a: np.sum(np.concatenate([a, 2 * a], axis=0) ** 2), (A,)),
    "stack": (lambda a, v: np.sum(np.stack([a[0], v]) ** 3), (A, V)),
    "where": (lambda a: np.sum(np.where(a > 0, a, 0.1 * a) ** 2), (A,)),
    "max": (lambda a: np.sum(np.max(a, axis=1) ** 2), (A,)),
    "norm": (lambda a: np.linalg.norm(a), (A,)),
    "var_std": (lambda a: np.sum(np.var(a, axis=0)) + np.std(a), (A,)),
    "abs_div": (lambda a: np.sum(a / (1 + abs(a))), (A,)),
    "reflected_ops": (lambda a: np.sum(2.0 ** a - 1.5 / (3 + a * a) + (1 - a) * 2), (A,)),
    "array_constant": (lambda a: np.sum(np.array([1.0, 2.0, 3.0, 4.0]) * a - a * V), (A,)),
    "methods": (lambda a: (a.T.reshape(-1).exp().sum() + a.tanh().mean() + a.clip(-0.5, 0.5).sum()), (A,)),
    "broadcast": (lambda a, v: np.sum((a - v) ** 2 * v), (A, V)),
}


@pytest.mark.parametrize("name", sorted(FUNCTIONS))
def test_numpy_functions_against_finite_differences(name):
    f, arrays = FUNCTIONS[name]
    check_grad(f, *arrays)


@pytest.mark.parametrize("name", ["sin", "sum_axis", "matmul", "dot", "basic_index", "fancy_index",
                                  "concatenate", "reshape", "max", "norm", "var_std"])
def test_second_derivatives_against_finite_differences(name):
    f, arrays = FUNCTIONS[name]
    check_second(f, *arrays)


def test_non_scalar_output_with_grad_outputs():
    seed = rng(4).standard_normal((3, 2))
    check_grad(lambda a, b: np.sin(a @ b), A, B, seed=seed)


def test_several_outputs_are_summed():
    x = T(V, requires_grad=True)
    y1 = x * 2
    y2 = np.sum(x ** 2)
    g, = grad([y1, y2], [x], grad_outputs=[T(np.ones(4)), None])
    assert_close(g.detach().numpy(), 2 + 2 * V)


def test_float32_gradients_stay_float32():
    x = T([1.0, 2.0], requires_grad=True, dtype=np.float32)
    g, = grad(np.sum(np.sin(x) * 2.5), x)
    assert g.dtype == np.float32
    assert_close(g.detach().numpy(), 2.5 * np.cos(np.array([1.0, 2.0])), rtol=1e-6)


# -- PyTorch's semantics of grad ---------------------------------------------------------------------

def test_single_tensor_and_sequences():
    x = T(3.0, requires_grad=True)
    assert grad(x * x, x)[0].item() == 6.0
    assert grad([x * x], [x])[0].item() == 6.0
    g1, g2 = grad(x * x, [x, x])                  # the same input twice
    assert g1.item() == g2.item() == 6.0
    assert grad(x, x)[0].item() == 1.0             # the output is the input


def test_implicit_seed_only_for_scalar_outputs():
    x = T([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar outputs"):
        grad(x * 2, x)
    one = T([3.0], requires_grad=True)               # one element counts as a scalar
    assert grad(one * 2, one)[0].tolist() == [2.0]


def test_grad_outputs_must_match_outputs():
    x = T([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match=r"Mismatch in shape: grad_output\[0\] has a shape of "
                                           r"astgrad.Size\(\[3\]\)"):
        grad(x * 2, x, grad_outputs=T([1.0, 2.0, 3.0]))
    with pytest.raises(RuntimeError, match="got 2 tensors and 1 gradients"):
        grad([x * 2, x * 3], x, grad_outputs=[T([1.0, 1.0])])


def test_output_without_history_raises():
    x = T(1.0, requires_grad=True)
    with pytest.raises(RuntimeError, match="element 0 of tensors does not require grad and does not "
                                           "have a grad_fn"):
        grad(T(2.0) * 3, x)
    with pytest.raises(RuntimeError, match="element 1 of tensors"):
        grad([x * 2, x.detach() * 2], x)


def test_input_that_does_not_require_grad_raises():
    x = T(1.0, requires_grad=True)
    c = T(2.0)
    with pytest.raises(RuntimeError, match="One of the differentiated Tensors does not require grad"):
        grad(x * c, [x, c])


def test_unused_input():
    x = T(1.0, requires_grad=True)
    y = T([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="appears to not have been used in the graph. Set "
                                           "allow_unused=True"):
        grad(x * 2, (x, y))
    gx, gy = grad(x * 2, (x, y), allow_unused=True)
    assert gx.item() == 2.0 and gy is None
    gx, gy = grad(x * 2, (x, y), materialize_grads=True)
    assert gy.tolist() == [0.0, 0.0]
    with pytest.raises(ValueError, match="Expected allow_unused to be True or not passed"):
        grad(x * 2, (x, y), allow_unused=False, materialize_grads=True)


def test_comparison_is_not_a_use():
    x = T([1.0, -2.0], requires_grad=True)
    y = T([3.0, 4.0], requires_grad=True)
    mask = x > 0
    assert not mask.requires_grad and mask.dtype == bool and mask.grad_fn is None
    out = np.sum(np.where(mask, y, 0.0))
    with pytest.raises(RuntimeError, match="appears to not have been used"):
        grad(out, (x, y), retain_graph=True)
    assert grad(out, y)[0].tolist() == [1.0, 0.0]


def test_intermediate_inputs():
    a = T(3.0, requires_grad=True)
    b = a * 2
    c = b * a
    assert grad(c, b, retain_graph=True)[0].item() == 3.0       # dc/db with b's history cut
    da, db = grad(c, (a, b))                         # as PyTorch: da counts the path through b
    assert (da.item(), db.item()) == (12.0, 3.0)


def test_create_graph_results_require_grad():
    x = T([1.0, 2.0], requires_grad=True)
    g, = grad(np.sum(x ** 3), x, create_graph=True)
    assert g.requires_grad and g.grad_fn is not None
    h, = grad(np.sum(g), x)
    assert_close(h.detach().numpy(), [6.0, 12.0])
    g, = grad(np.sum(x * 3), x, create_graph=True)  # a constant gradient has no history
    assert g.tolist() == [3.0, 3.0] and not g.requires_grad


def test_grad_outputs_can_require_grad():
    x = T([1.0, 2.0], requires_grad=True)
    v = T([0.5, -1.0], requires_grad=True)
    g, = grad(x ** 2, x, grad_outputs=v, create_graph=True)   # 2 x v
    dv, = grad(np.sum(g), v)
    assert dv.tolist() == [2.0, 4.0]


def test_hessian_vector_product():
    x0 = np.array([0.5, -1.0, 2.0])
    x = T(x0, requires_grad=True)
    g, = grad(np.sum(x ** 2) * np.sum(x), x, create_graph=True)
    v = np.array([1.0, 0.0, -1.0])
    hv, = grad(g, x, grad_outputs=v)
    s = x0.sum()
    hessian = 2 * s * np.eye(3) + 2 * (x0[:, None] + x0[None, :])
    assert_close(hv.detach().numpy(), hessian @ v)


# -- backward() ----------------------------------------------------------------------------------------

def test_backward_accumulates_over_two_calls():
    x = T([1.0, 2.0], requires_grad=True)
    w = T(3.0, requires_grad=True)
    assert x.grad is None
    np.sum(x * w).backward()
    assert x.grad.tolist() == [3.0, 3.0] and w.grad.item() == 3.0
    np.sum(x * x).backward()
    assert x.grad.tolist() == [5.0, 7.0] and w.grad.item() == 3.0
    assert not x.grad.requires_grad
    x.grad = None
    np.sum(x).backward()
    assert x.grad.tolist() == [1.0, 1.0]


def test_backward_accumulates_into_the_grad_it_made():
    """PyTorch adds a later gradient into ``.grad`` in place (outside create_graph): a
    reference held before sees the sum, and a ``.grad`` made with create_graph=True keeps
    its history; astgrad replaced it with a new tensor (the held one stale, the history
    gone). Two leaves given one gradient array, or a leaf given the seed, do not share it."""
    x = T([1.0, 2.0], requires_grad=True)
    np.sum(x * x).backward()
    held = x.grad
    np.sum(x * 3.0).backward()
    assert held is x.grad and held.tolist() == [5.0, 7.0]

    x = T([1.0, 2.0], requires_grad=True)
    np.sum(x ** 3).backward(create_graph=True)
    np.sum(x * 3.0).backward()
    assert x.grad.requires_grad
    np.sum(x.grad).backward()
    assert x.grad.tolist() == [6.0 + 6.0, 15.0 + 12.0]      # 3x^2 + 3, then its derivative 6x added

    x, y = T([1.0, 2.0], requires_grad=True), T([3.0, 4.0], requires_grad=True)
    z = x + y
    np.sum(z).backward(retain_graph=True)
    np.sum(z).backward()
    assert x.grad.tolist() == y.grad.tolist() == [2.0, 2.0]
    seed, leaf = T([0.5, 0.25]), T([1.0, 1.0], requires_grad=True)
    leaf.backward(seed)
    leaf.backward(seed)
    assert seed.tolist() == [0.5, 0.25] and leaf.grad.tolist() == [1.0, 0.5]


def test_backward_options():
    x = T([1.0, 2.0], requires_grad=True)
    y = T([3.0, 4.0], requires_grad=True)
    z = x * y
    with pytest.raises(RuntimeError, match="grad can be implicitly created only for scalar outputs"):
        z.backward()
    z.backward(gradient=T([1.0, 10.0]), inputs=[x])
    assert x.grad.tolist() == [3.0, 40.0] and y.grad is None
    with pytest.raises(RuntimeError, match="does not require grad and does not have a grad_fn"):
        T(1.0).backward()
    x.grad = None
    np.sum(x ** 3).backward(create_graph=True)
    assert x.grad.requires_grad
    h, = grad(np.sum(x.grad), x)
    assert h.tolist() == [6.0, 12.0]


# -- the cache ---------------------------------------------------------------------------------------

def test_training_loop_reuses_the_generated_adjoint():
    astgrad.autograd.clear_cache()
    r = rng(5)
    X, Y = r.standard_normal((16, 3)), r.standard_normal((16, 1))
    w = T(r.standard_normal((3, 1)) * 0.1, requires_grad=True)
    b = T(np.zeros(1), requires_grad=True)
    losses = []
    for step in range(5):
        decay = 0.1 / (step + 1)                  # a float that changes: a constant, not code
        loss = np.mean((np.tanh(X @ w) + b - Y) ** 2) + decay * np.sum(w * w)
        w.grad = b.grad = None
        loss.backward()
        with astgrad.no_grad():
            w -= 0.5 * w.grad
            b -= 0.5 * b.grad
        losses.append(loss.item())
    info = astgrad.autograd.cache_info()
    assert (info.misses, info.hits) == (1, 4)
    assert w.is_leaf and w.requires_grad and losses[-1] < losses[0]
    # the same structure with other shapes is another program
    loss = np.mean((np.tanh(X[:4] @ w) + b - Y[:4]) ** 2) + 0.5 * np.sum(w * w)
    loss.backward()
    assert astgrad.autograd.cache_info().misses == 2


def test_generated_source_is_inspectable():
    x = T(2.0, requires_grad=True)
    y = T(3.0, requires_grad=True)
    z = np.sin(x) * y
    assert z.grad_fn.name() == "MulBackward0"
    assert repr(z.grad_fn).startswith("<MulBackward0 object at")
    source = z.grad_fn.source
    assert source.startswith("def tape(x0, x1):")
    assert "t1 = numpy.sin(x0)" in source and "t2 = t1 * x1" in source
    adjoint = astgrad.autograd.adjoint_source(z, (x, y))
    assert adjoint.startswith("def grad_tape(x0, x1,") and "numpy.cos(x0)" in adjoint
    grad(z, (x, y))
    assert astgrad.autograd.last_adjoint_source() == adjoint
    compile(adjoint, "<adjoint>", "exec")


# -- recording ---------------------------------------------------------------------------------------

def test_no_grad():
    x = T(2.0, requires_grad=True)
    with astgrad.no_grad():
        assert not astgrad.autograd.is_grad_enabled()
        y = x * 3
        z = np.sin(x)
    assert astgrad.autograd.is_grad_enabled()
    assert not y.requires_grad and y.grad_fn is None and not z.requires_grad
    assert y.item() == 6.0

    @astgrad.no_grad()
    def f(v):
        return v * 2

    assert not f(x).requires_grad
    with astgrad.no_grad():
        with astgrad.autograd.enable_grad():
            assert (x * 2).requires_grad


def reduceat_squares(a): return np.sum(np.add.reduceat(a, [0, 2]) ** 2)


def test_add_reduceat_once_refused_is_recorded():
    # numpy.add.reduceat has a rule now (it was this test's third unsupported function)
    x = np.array([3.0, 1.0, 2.0])
    t = T(x, requires_grad=True)
    reduceat_squares(t).backward()
    assert_close(t.grad.numpy(), numerical_grad(reduceat_squares, (x,), wrt=0))


def test_unsupported_numpy_function_raises_naming_it():
    x = T([3.0, 1.0, 2.0], requires_grad=True)
    with pytest.raises(TypeError, match=r"numpy\.ediff1d has no derivative rule"):
        np.ediff1d(x)
    with pytest.raises(TypeError, match=r"numpy\.unwrap has no derivative rule"):
        np.unwrap(x)
    with astgrad.no_grad():
        assert np.ediff1d(x).tolist() == [-2.0, 1.0]
    assert np.ediff1d(x.detach()).tolist() == [-2.0, 1.0]
    assert np.argmax(x).item() == 0                   # no derivative: nothing to lose


def test_running_sums_and_products_of_ufuncs_against_finite_differences():
    # np.add.accumulate was refused here before it had a rule
    def loss(x, c):
        return (np.add.accumulate(x) * c).sum() + np.multiply.accumulate(x * c).sum()

    values, c = np.array([3.0, -1.0, 0.0, 2.0]), np.array([0.5, -1.5, 2.0, 1.0])
    x = T(values, requires_grad=True)
    (g,) = astgrad.autograd.grad(loss(x, c), (x,))
    assert_close(g.detach().numpy(), numerical_grad(lambda v: loss(v, c), (values,)))


def _filled_in_a_numpy_array(x, w):
    out = np.empty(x.shape[0])
    for i in range(len(x)):
        out[i] = x[i] * w + i
    return np.dot(out, out)


def _filled_in_a_tensor(x, w):          # the rewrites the refusal advises
    out = astgrad.zeros(x.shape[0])
    for i in range(len(x)):
        out[i] = x[i] * w + i
    return (out * out).sum()


def _stacked(x, w):
    out = astgrad.stack([x[i] * w + i for i in range(len(x))])
    return (out * out).sum()


def test_a_tensor_written_into_a_numpy_array_is_refused_with_the_rewrite():
    x, w = T([0.3, -0.5, 0.8], requires_grad=True), T(0.7, requires_grad=True)
    # NumPy reports its own "setting an array element with a sequence"; the cause is ours
    with pytest.raises(ValueError, match="sequence") as info:
        _filled_in_a_numpy_array(x, w)
    assert re.search(r"writing it into a NumPy array \(out\[i\] = t.* astgrad\.stack.*out = astgrad\.zeros\(n\)",
                     str(info.value.__cause__))
    with pytest.raises(RuntimeError, match=r"out\[a:b\] = t.* astgrad\.stack.*out = astgrad\.zeros\(n\)"):
        np.empty(3)[0:2] = x[0:2]
    args = (np.array([0.3, -0.5, 0.8]), 0.7)
    want = [numerical_grad(_filled_in_a_numpy_array, args, wrt=i) for i in (0, 1)]
    for f in (_filled_in_a_tensor, _stacked):
        x, w = T(args[0], requires_grad=True), T(args[1], requires_grad=True)
        got = astgrad.autograd.grad(f(x, w), (x, w))
        assert_close([g.detach().numpy() for g in got], want)


def test_values_leave_the_graph_only_explicitly():
    x = T([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="would silently drop its derivative"):
        np.asarray(x)
    assert np.asarray(x.detach()).tolist() == [1.0, 2.0]
    with pytest.raises(RuntimeError, match=r"Can't call numpy\(\) on Tensor that requires grad"):
        x.numpy()
    assert x.detach().numpy().tolist() == [1.0, 2.0]
    assert float(x[1].detach()) == 2.0 and x[0].item() == 1.0
    with pytest.raises(RuntimeError, match="float.. of a tensor that requires grad"):
        float(x[1])     # also what math.sin(x[1]) calls: refused rather than silently detached


def test_plain_user_functions_are_recorded():
    def softplus(v):
        return np.log(1 + np.exp(v))

    check_grad(lambda a: np.sum(softplus(a) * a), A)


@astgrad.differentiable
def _loss(w, x):
    return np.sum(np.tanh(x @ w) ** 2)


def test_differentiable_function_on_tensors():
    check_grad(lambda w: _loss(w, B), V[:2].copy())
    check_second(lambda w: _loss(w, B), V[:2].copy())


def test_differentiable_call_recorded_as_one_node():
    w = T(V[:2], requires_grad=True)
    out = astgrad.Tensor.__astgrad_call__(_loss, (w, B), {})
    assert out.grad_fn.name() == "LossBackward0"
    assert "t1 = _loss(x0, c0)" in out.grad_fn.source
    g, = grad(out, w, create_graph=True)
    assert_close(g.detach().numpy(), numerical_grad(lambda v: _loss(v, B), (V[:2].copy(),)))
    check_second(lambda v: astgrad.Tensor.__astgrad_call__(_loss, (v, B), {}), V[:2].copy())


def test_calling_a_differentiable_function_records_one_node():
    w = T(V[:2], requires_grad=True)
    assert _loss(w, B).grad_fn.name() == "LossBackward0"


def test_in_place_rules():
    x = T([1.0, 2.0], requires_grad=True)
    with pytest.raises(RuntimeError, match="a leaf Variable that requires grad is being used in an "
                                           "in-place operation"):
        x += 1
    y = x * 2
    y *= 2                                            # a non-leaf: recorded, as in PyTorch
    y[0] = 5.0
    assert y.tolist() == [5.0, 8.0] and y.grad_fn.name() == "CopySlices"
    assert grad(np.sum(y * y), x)[0].tolist() == [0.0, 64.0]
    z = np.sum(x * x)
    with astgrad.no_grad():
        x -= 1                                        # bumps x's version
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        grad(z, x)
    c = T([1.0, 2.0])
    c[0] = 5.0
    c += 1
    assert c.tolist() == [6.0, 3.0]


def test_tensor_api():
    x = T([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    assert x.shape == (2, 2) and x.ndim == 2 and x.dtype == np.float64 and x.is_leaf
    assert x.T.tolist() == [[1.0, 3.0], [2.0, 4.0]] and x.T.requires_grad
    assert x.detach().requires_grad is False and x.detach().grad_fn is None
    y = T([1.0, 2.0]).requires_grad_()
    assert y.requires_grad
    with pytest.raises(RuntimeError, match="Only Tensors of floating point"):
        T([1, 2], requires_grad=True)
    with pytest.raises(RuntimeError, match="only change requires_grad flags of leaf"):
        (y * 2).requires_grad = False
    assert len(x) == 2 and [row.tolist() for row in x] == [[1.0, 2.0], [3.0, 4.0]]
    assert T(3).item() == 3 and int(T(3.7)) == 3 and f"{T(2.5):.2f}" == "2.50"
    assert (x == x).dtype == bool and (x != 1).tolist() == [[False, True], [True, True]]
    assert astgrad.tensor(T([1.0, 2.0])).tolist() == [1.0, 2.0]


@pytest.mark.parametrize("make, text", [
    (lambda: T(3.0), "tensor(3.)"),
    (lambda: T([1.0, 2.0]), "tensor([1., 2.])"),
    (lambda: T(2.0, requires_grad=True), "tensor(2., requires_grad=True)"),
    (lambda: T(2.0, requires_grad=True) * 3, "tensor(6., grad_fn=<MulBackward0>)"),
    (lambda: np.sin(T(0.5, requires_grad=True)), "tensor(0.4794, grad_fn=<SinBackward0>)"),
    (lambda: T([0.5, -1.0]), "tensor([ 0.5000, -1.0000])"),
    (lambda: T([[1.5, 2.0], [3.0, 4.0]]), "tensor([[1.5000, 2.0000],\n        [3.0000, 4.0000]])"),
    (lambda: T([1e-5, 1.0]), "tensor([1.0000e-05, 1.0000e+00])"),
    (lambda: T([1, 2]), "tensor([1, 2])"),
    (lambda: T(True), "tensor(True)"),
    (lambda: T(2.0, dtype=np.float32), "tensor(2., dtype=astgrad.float32)"),
    (lambda: T(0.0), "tensor(0.)"),
])
def test_repr_like_pytorch(make, text):
    assert repr(make()) == text
