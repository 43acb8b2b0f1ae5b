"""The PyTorch-named functions and methods of the tape front end (astgrad.sum, softmax,
clamp, gather, ..., astgrad.autograd.functional): first and second derivatives against
central finite differences in float64, on random inputs of several shapes, and the
dtype objects, creation functions and result types. Values are compared with PyTorch
in test_torch_reference.py.
"""

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_hessian

RNG = np.random.default_rng(12)


def _values(f, *arrays):
    """f on tensors that do not require grad: the function finite differences perturb."""
    with astgrad.no_grad():
        return f(*[astgrad.tensor(a) for a in arrays]).numpy().copy()


def _check(f, *arrays, second=True):
    """Tape gradients of sum(w * f) against finite differences, and (``second``) the
    gradient of the squared gradient norm, which needs create_graph=True."""
    w = RNG.standard_normal(np.shape(_values(f, *arrays)))
    scalar = lambda *a: float(np.sum(w * _values(f, *a)))      # noqa: E731
    xs = [astgrad.tensor(a, requires_grad=True) for a in arrays]
    out = (f(*xs) * astgrad.tensor(w)).sum()
    gs = astgrad.autograd.grad(out, xs, create_graph=second)
    for i, g in enumerate(gs):
        assert_close(g.detach().numpy(), numerical_grad(scalar, tuple(arrays), wrt=i), rtol=1e-5, atol=1e-6)
    if not second:
        return
    def gradient(*a):
        ys = [astgrad.tensor(v, requires_grad=True) for v in a]
        o = (f(*ys) * astgrad.tensor(w)).sum()
        return astgrad.autograd.grad(o, ys)[0].numpy()
    (h,) = astgrad.autograd.grad(gs[0].sum(), xs[0], allow_unused=True, materialize_grads=True)
    H = numerical_hessian(gradient, tuple(arrays), wrt=0)
    expected = H.reshape(arrays[0].size, arrays[0].size).sum(axis=0).reshape(arrays[0].shape)
    assert_close(h.detach().numpy(), expected, rtol=1e-4, atol=1e-5)


SHAPES = [(5,), (3, 4), (2, 3, 4)]

UNARY = {
    "sigmoid": astgrad.sigmoid,
    "softmax_last": lambda x: astgrad.softmax(x, dim=-1),
    "softmax_first": lambda x: x.softmax(0),
    "log_softmax": lambda x: astgrad.log_softmax(x, -1),
    "logsumexp": lambda x: astgrad.logsumexp(x, dim=0),
    "logsumexp_keepdim": lambda x: x.logsumexp(-1, keepdim=True),
    "tanh": astgrad.tanh,
    "log1p_square": lambda x: astgrad.log1p(x * x),
    "rsqrt": lambda x: astgrad.rsqrt(x * x + 1.0),
    "pow": lambda x: astgrad.pow(x, 3),
    "norm": astgrad.norm,
    "norm_dim": lambda x: x.norm(dim=-1),
    "norm_p3": lambda x: x.norm(p=3, dim=0),
    "var": lambda x: astgrad.var(x, dim=0),
    "std_all": astgrad.std,
    "amax": lambda x: astgrad.amax(x, dim=-1),
    "max_dim": lambda x: astgrad.max(x, dim=0).values,
    "min_dim": lambda x: x.min(-1, keepdim=True)[0],
    "cumsum": lambda x: astgrad.cumsum(x, dim=0) ** 2,
    "clamp": lambda x: astgrad.clamp(x, -0.5, 0.7) * x,
    "mean_square": lambda x: astgrad.mean(x * x, dim=0),
    "prod": lambda x: astgrad.prod(x, dim=-1),
    "split": lambda x: x.split(2, dim=-1)[0] ** 2,
    "chunk": lambda x: astgrad.chunk(x, 2, dim=0)[-1] ** 3,
    "flatten": lambda x: astgrad.flatten(x) ** 2,
    "to_float32_and_back": lambda x: (x * x).to(astgrad.float32).double(),
    "relu_times_x": lambda x: astgrad.relu(x) * x,
    "where": lambda x: astgrad.where(x > 0, x * x, astgrad.exp(x)),
}


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_derivatives_match_finite_differences(name, shape):
    x = RNG.standard_normal(shape)
    # piecewise linear: the second derivative is 0, and the tape's first derivative of these
    # carries no history to differentiate again (see test_torch_reference.PENDING)
    second = name not in ("amax", "max_dim", "min_dim")
    if name == "to_float32_and_back":
        f = UNARY[name]
        xs = astgrad.tensor(x, requires_grad=True)
        (g,) = astgrad.autograd.grad(f(xs).sum(), xs)
        assert_close(g.numpy(), 2 * x, rtol=1e-6, atol=1e-6)
        return
    _check(UNARY[name], x, second=second)


BINARY = {
    "matmul": (lambda a, b: astgrad.matmul(a, b), (3, 4), (4, 2)),
    "matmul_batched": (lambda a, b: a.matmul(b), (2, 3, 4), (4, 2)),
    "mm": (lambda a, b: astgrad.mm(a, b) ** 2, (3, 4), (4, 2)),
    "bmm": (lambda a, b: astgrad.bmm(a, b) ** 2, (2, 3, 4), (2, 4, 2)),
    "einsum": (lambda a, b: astgrad.einsum("bij,bjk->bik", a, b) ** 2, (2, 3, 4), (2, 4, 2)),
    "maximum": (lambda a, b: astgrad.maximum(a, b) * a, (3, 4), (4,)),
    "minimum": (lambda a, b: astgrad.minimum(a, b) * b, (3, 4), (3, 4)),
    "cat": (lambda a, b: astgrad.cat([a, b], dim=0) ** 2, (2, 3), (4, 3)),
    "stack": (lambda a, b: astgrad.stack((a, b), dim=1) ** 3, (3, 2), (3, 2)),
    "pow_tensor": (lambda a, b: astgrad.pow(a * a + 0.5, b), (3,), (3,)),
    "add_alpha": (lambda a, b: astgrad.add(a, b, alpha=3.0) ** 2, (3, 2), (2,)),
    "where_two": (lambda a, b: astgrad.where(a > b, a * b, a - b) ** 2, (3, 4), (3, 4)),
    "dot": (lambda a, b: astgrad.dot(a, b) ** 2, (5,), (5,)),
}


@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_derivatives_match_finite_differences(name):
    f, sa, sb = BINARY[name]
    _check(f, RNG.standard_normal(sa), RNG.standard_normal(sb))


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_gather_and_index_select(dim):
    x = RNG.standard_normal((3, 4))
    index = RNG.integers(0, x.shape[dim], size=(3, 4))
    _check(lambda t: astgrad.gather(t, dim, index) ** 2, x)
    _check(lambda t: t.index_select(dim, np.array([2, 0, 2])) ** 3, x)


def test_max_dim_gives_the_derivative_to_the_index_it_returns():
    x = astgrad.tensor([[1.0, 3.0, 3.0]], requires_grad=True)
    values, indices = astgrad.max(x, dim=1)
    (g,) = astgrad.autograd.grad(values.sum(), x)
    expected = np.zeros((1, 3))
    expected[0, indices.item()] = 1.0
    assert_close(g.numpy(), expected)


def test_relu_derivative_at_zero_is_zero():
    x = astgrad.tensor([-1.0, 0.0, 2.0], requires_grad=True)
    (g,) = astgrad.autograd.grad(astgrad.relu(x).sum(), x)
    assert g.tolist() == [0.0, 0.0, 1.0]


def test_sigmoid_keeps_tiny_values_and_does_not_overflow():
    with np.errstate(over="raise", invalid="raise", divide="raise"):
        y = astgrad.sigmoid(astgrad.tensor([-800.0, -40.0, 40.0, 800.0]))
    assert y[0].item() == 0.0 and y[3].item() == 1.0
    assert y[1].item() == pytest.approx(4.248354255291589e-18, rel=1e-12)


# -- astgrad.autograd.functional ------------------------------------------------------------------

def _f(x):
    return astgrad.sin(x) * x.sum() + astgrad.softmax(x, 0)


def _numpy_f(x):
    return np.sin(x) * x.sum() + np.exp(x - x.max()) / np.exp(x - x.max()).sum()


def test_functional_jacobian_matches_finite_differences():
    from astgrad.autograd.functional import jacobian
    x = RNG.standard_normal(4)
    J = jacobian(_f, astgrad.tensor(x))
    columns = [numerical_grad(_numpy_f, (x,), seed=np.eye(4)[i]) for i in range(4)]
    assert_close(J.numpy(), np.stack(columns))


def test_functional_jvp_vjp_hvp_agree_with_the_jacobian_and_hessian():
    F = astgrad.autograd.functional
    x, v = astgrad.tensor(RNG.standard_normal(4)), astgrad.tensor(RNG.standard_normal(4))
    J = F.jacobian(_f, x).numpy()
    assert_close(F.jvp(_f, x, v)[1].numpy(), J @ v.numpy())
    assert_close(F.vjp(_f, x, v)[1].numpy(), v.numpy() @ J)
    scalar = lambda u: (astgrad.tanh(u) ** 2).sum() * u[0]        # noqa: E731
    H = F.hessian(scalar, x).numpy()

    def gradient(a):
        t = astgrad.tensor(a, requires_grad=True)
        return astgrad.autograd.grad(scalar(t), t)[0].numpy()
    assert_close(H, numerical_hessian(gradient, (x.numpy(),)), rtol=1e-4, atol=1e-5)
    assert_close(F.hvp(scalar, x, v)[1].numpy(), H @ v.numpy())
    assert_close(F.vhp(scalar, x, v)[1].numpy(), v.numpy() @ H)


def test_functional_import_path_as_in_pytorch():
    import astgrad.autograd.functional as functional
    assert functional.jacobian is astgrad.autograd.functional.jacobian


# -- dtypes, creation ------------------------------------------------------------------------------

def test_dtype_objects_print_and_compare_like_pytorchs():
    x = astgrad.tensor([1.0, 2.0])
    assert repr(x.dtype) == "astgrad.float64" and x.dtype == astgrad.float64 == np.float64
    assert astgrad.double is astgrad.float64 and astgrad.float is astgrad.float32
    assert np.zeros(2, dtype=astgrad.float32).dtype == np.float32
    assert {astgrad.int64: 1}[np.dtype(np.int64)] == 1
    assert x.float().dtype == astgrad.float32 and astgrad.float32.is_floating_point
    assert not astgrad.int64.is_floating_point and astgrad.int64.is_signed
    # code written for arrays reads NumPy's dtype attributes through it
    assert np.issubdtype(x.dtype, np.floating) and x.dtype.kind == "f" and np.finfo(x.dtype).bits == 64
    import pickle
    assert pickle.loads(pickle.dumps(x.dtype)) is astgrad.float64


def test_default_dtype_is_float64_and_can_be_set():
    assert astgrad.get_default_dtype() == astgrad.float64
    astgrad.set_default_dtype(astgrad.float32)
    try:
        assert astgrad.tensor([1.5]).dtype == astgrad.float32
        assert astgrad.zeros(2).dtype == astgrad.float32
        assert astgrad.tensor(np.array([1.5])).dtype == astgrad.float64     # arrays keep theirs
    finally:
        astgrad.set_default_dtype(astgrad.float64)
    with pytest.raises(TypeError, match="only floating-point types"):
        astgrad.set_default_dtype(astgrad.int64)


def test_manual_seed_repeats_random_tensors():
    astgrad.manual_seed(3)
    a = astgrad.randn(3)
    astgrad.manual_seed(3)
    assert a.tolist() == astgrad.randn(3).tolist()


def test_module_functions_keep_the_function_transforms():
    # astgrad.grad / jacobian / hessian / vjp / jvp are the function transforms, not the tape's
    assert astgrad.grad.__module__ == "astgrad.api"
    assert astgrad.jacobian.__module__ == "astgrad.api"


def test_star_import_keeps_pythons_builtins():
    namespace = {}
    exec("from astgrad import *", namespace)
    assert "softmax" in namespace and "float64" in namespace and "zeros" in namespace
    for name in ("sum", "max", "min", "abs", "pow", "float", "int", "bool"):
        assert name not in namespace, name
        assert getattr(astgrad, name) is not None        # still astgrad.sum, astgrad.float, ...
