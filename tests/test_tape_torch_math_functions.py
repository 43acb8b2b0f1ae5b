"""PyTorch's elementwise, running and matrix functions on the tape (astgrad.asin, atan2,
cumprod, cummax, logcumsumexp, lerp, diff, roll, tril, kron, cross, ...): first and second
derivatives (create_graph=True) against central finite differences in float64, and, when
PyTorch is installed, values, dtypes and gradients side by side with PyTorch's, also at
the bounds of the domains (NaN and infinities).

Each program is written once against the names both libraries share, and run with
``m`` = astgrad or torch.
"""

import numpy as np
import pytest

import astgrad
from test_tape_torch_api import _check

RNG = np.random.default_rng(41)
SHAPE = (3, 4)
WIDE, UNIT, POSITIVE, ABOVE_ONE = (-2.0, 2.0), (-0.9, 0.9), (0.3, 2.0), (1.2, 3.0)

# name: (program of m and tensors, the interval each tensor's values are drawn from)
PROGRAMS = {
    "asin": (lambda m, x: m.asin(x), [UNIT]),
    "acos": (lambda m, x: m.arccos(x), [UNIT]),
    "atan": (lambda m, x: x.atan() * x, [WIDE]),
    "atan2": (lambda m, x, y: m.atan2(x, y), [WIDE, POSITIVE]),
    "arctan2_method": (lambda m, x, y: y.arctan2(x), [POSITIVE, WIDE]),
    "sinh": (lambda m, x: m.sinh(x), [WIDE]),
    "cosh": (lambda m, x: x.cosh(), [WIDE]),
    "asinh": (lambda m, x: m.arcsinh(x), [WIDE]),
    "acosh": (lambda m, x: m.acosh(x), [ABOVE_ONE]),
    "atanh": (lambda m, x: x.arctanh(), [UNIT]),
    "log2": (lambda m, x: m.log2(x), [POSITIVE]),
    "log10": (lambda m, x: x.log10(), [POSITIVE]),
    "log1p": (lambda m, x: m.log1p(x), [POSITIVE]),
    "expm1": (lambda m, x: x.expm1(), [WIDE]),
    "exp2": (lambda m, x: m.exp2(x), [WIDE]),
    "rsqrt": (lambda m, x: m.rsqrt(x), [POSITIVE]),
    "reciprocal": (lambda m, x: m.reciprocal(x), [POSITIVE]),
    "square": (lambda m, x: m.square(x) * x, [WIDE]),
    "sign": (lambda m, x: m.sign(x) * x * x, [WIDE]),
    "sgn": (lambda m, x: x.sgn() * m.exp(x), [WIDE]),
    "trunc": (lambda m, x: m.trunc(3 * x) * x + m.fix(x), [WIDE]),
    "frac": (lambda m, x: m.frac(3 * x) * x, [WIDE]),
    "hypot": (lambda m, x, y: m.hypot(x, y), [WIDE, POSITIVE]),
    "fmod": (lambda m, x, y: m.fmod(x, y) * x, [WIDE, POSITIVE]),
    "remainder": (lambda m, x, y: x.remainder(y) * y, [WIDE, POSITIVE]),
    "remainder_number_first": (lambda m, x: m.remainder(2.5, x) * x, [POSITIVE]),
    "logaddexp": (lambda m, x, y: m.logaddexp(x, y), [WIDE, WIDE]),
    "sinc": (lambda m, x: m.sinc(x), [WIDE]),
    "xlogy": (lambda m, x, y: m.xlogy(x, y), [WIDE, POSITIVE]),
    "erf": (lambda m, x: m.erf(x), [WIDE]),
    "erfc": (lambda m, x: x.erfc(), [WIDE]),
    "nan_to_num": (lambda m, x: m.nan_to_num(m.log(x), neginf=-5.0) * x, [POSITIVE]),
    "lerp": (lambda m, x, y: m.lerp(x, y, 0.3) * y, [WIDE, WIDE]),
    "lerp_tensor_weight": (lambda m, x, y: x.lerp(y, m.sigmoid(x)), [WIDE, WIDE]),
    "addcmul": (lambda m, x, y: m.addcmul(x, y, x, value=0.5), [WIDE, WIDE]),
    "addcdiv": (lambda m, x, y: x.addcdiv(x, y, value=-2), [WIDE, POSITIVE]),
    "cumprod": (lambda m, x: m.cumprod(x, dim=1), [WIDE]),
    "cumprod_method": (lambda m, x: x.cumprod(0), [WIDE]),
    "cummax": (lambda m, x: m.cummax(x, 1).values * x, [WIDE]),
    "cummin": (lambda m, x: x.cummin(dim=0)[0] ** 2, [WIDE]),
    # times x: the gradients of logcumsumexp alone sum to a constant (their derivative is 0)
    "logcumsumexp": (lambda m, x: m.logcumsumexp(x, -1) * x, [WIDE]),
    "logcumsumexp_far_apart": (lambda m, x: m.logcumsumexp(x * 400, 0) * x / 400, [WIDE]),
    "diff": (lambda m, x: m.diff(x * x), [WIDE]),
    "diff_n2_prepend": (lambda m, x, y: m.diff(x ** 3, n=2, dim=0, prepend=y), [WIDE, WIDE]),
    "diff_append": (lambda m, x: x.diff(dim=1, append=x[:, :1] * x[:, 1:2]), [WIDE]),
    "roll": (lambda m, x: m.roll(x, 1, 0) * x, [WIDE]),
    "roll_flat": (lambda m, x: x.roll(5) * x, [WIDE]),
    "roll_dims": (lambda m, x: m.roll(x, (1, -2), (0, 1)) * x, [WIDE]),
    "flip": (lambda m, x: m.flip(x, (0, 1)) * x, [WIDE]),
    "tril": (lambda m, x: m.tril(x * x), [WIDE]),
    "triu": (lambda m, x: x.triu(1) * x, [WIDE]),
    "trace": (lambda m, x: m.trace(x * x), [WIDE]),
    "diag_of_matrix": (lambda m, x: m.diag(x, 1) ** 2, [WIDE]),
    "diag_of_vector": (lambda m, x: m.diag(x[0] * x[1], -1), [WIDE]),
    "kron": (lambda m, x, y: m.kron(x, y[:2, :2] * y[:2, :2]), [WIDE, WIDE]),
    "cross": (lambda m, x, y: m.cross(x[:, :3], y[:, 1:], dim=1), [WIDE, WIDE]),
    "cross_first_dim_of_3": (lambda m, x, y: x.T.cross(y.T * y.T), [WIDE, WIDE]),
}


NEEDS_SCIPY = ("xlogy", "erf")


def _skip_without_scipy(name):
    if name.startswith(NEEDS_SCIPY):
        pytest.importorskip("scipy")


def _inputs(intervals):
    return [RNG.uniform(lo, hi, SHAPE) for lo, hi in intervals]


@pytest.mark.parametrize("name", sorted(PROGRAMS))
def test_first_and_second_derivatives_match_finite_differences(name):
    program, intervals = PROGRAMS[name]
    _skip_without_scipy(name)
    _check(lambda *xs: program(astgrad, *xs), *_inputs(intervals))


def _run(m, program, arrays):
    """Values, dtype, gradients and the gradient of the summed gradients (create_graph)."""
    xs = [m.tensor(a, requires_grad=True) for a in arrays]
    out = program(m, *xs)
    grads = m.autograd.grad(out.sum(), xs, create_graph=True)
    second = m.autograd.grad(sum(g.sum() for g in grads), xs, allow_unused=True, materialize_grads=True)
    as_numpy = lambda t: t.detach().numpy()        # noqa: E731
    return (as_numpy(out), str(out.dtype).split(".")[-1], [as_numpy(g) for g in grads],
            [as_numpy(g) for g in second])


def _same_as_torch(program, arrays):
    torch = pytest.importorskip("torch")
    ours, theirs = _run(astgrad, program, arrays), _run(torch, program, arrays)
    np.testing.assert_allclose(ours[0], theirs[0], rtol=1e-12, atol=1e-14, equal_nan=True)
    assert ours[1] == theirs[1]
    for mine, torchs in zip(ours[2] + ours[3], theirs[2] + theirs[3]):
        np.testing.assert_allclose(mine, torchs, rtol=1e-10, atol=1e-12, equal_nan=True)


def test_without_scipy_erf_and_xlogy_say_so(monkeypatch):
    x = astgrad.tensor([0.5], requires_grad=True)
    with monkeypatch.context() as patch:
        patch.setitem(__import__("sys").modules, "scipy.special", None)     # import fails
        for call in (lambda: astgrad.erf(x), lambda: x.erfc(), lambda: astgrad.xlogy(x, x)):
            with pytest.raises(ImportError, match=r"astgrad\.\w+ needs SciPy: astgrad records scipy\.special"):
                call()
    assert astgrad.autograd.grad(astgrad.asin(x).sum(), x)[0].item() == pytest.approx(1 / np.sqrt(0.75))


# PyTorch has no derivative of remainder(number, tensor); astgrad's is -floor(number / tensor)
TORCH_HAS_NO_DERIVATIVE = {"remainder_number_first"}


@pytest.mark.parametrize("name", sorted(set(PROGRAMS) - TORCH_HAS_NO_DERIVATIVE))
def test_values_and_derivatives_as_torch(name):
    program, intervals = PROGRAMS[name]
    _skip_without_scipy(name)
    _same_as_torch(program, _inputs(intervals))


INF, NAN = np.inf, np.nan
BOUNDS = np.array([-INF, -1.5, -1.0, -0.0, 0.0, 0.5, 1.0, 1.5, INF, NAN])
DIVISORS = np.array([2.0, -1.5, 0.7, 1.0, -3.0, 0.0, -0.0, 2.0, 1.0, 1.0])
# name: (program, arrays): values where a domain ends, NaN and the infinities
AT_BOUNDS = {
    "asin": (lambda m, x: m.asin(x), [BOUNDS]),
    "acos": (lambda m, x: m.acos(x), [BOUNDS]),
    "atan": (lambda m, x: m.atan(x), [BOUNDS]),
    "sinh_cosh": (lambda m, x: m.sinh(x) + m.cosh(x), [BOUNDS]),
    "asinh": (lambda m, x: m.asinh(x), [BOUNDS]),
    "acosh": (lambda m, x: m.acosh(x), [np.array([1.0, 1.5, INF, NAN])]),
    "atanh": (lambda m, x: m.atanh(x), [BOUNDS]),
    "log2_log10": (lambda m, x: m.log2(x) + m.log10(x), [BOUNDS]),
    "log1p_expm1": (lambda m, x: m.log1p(x) + m.expm1(x), [BOUNDS]),
    "exp2": (lambda m, x: m.exp2(x), [BOUNDS]),
    "rsqrt": (lambda m, x: m.rsqrt(x), [BOUNDS]),
    "reciprocal": (lambda m, x: m.reciprocal(x), [BOUNDS]),
    "sign": (lambda m, x: m.sign(x) + x, [BOUNDS]),
    "trunc_frac": (lambda m, x: m.trunc(x) + m.frac(x / 3), [BOUNDS]),
    "sinc": (lambda m, x: m.sinc(x), [BOUNDS]),
    "erf_erfc": (lambda m, x: m.erf(x) + m.erfc(x / 2), [BOUNDS]),
    "nan_to_num": (lambda m, x: m.nan_to_num(x, posinf=7.0) * 2, [BOUNDS]),
    "atan2": (lambda m, x, y: m.atan2(x, y), [BOUNDS, DIVISORS]),
    "hypot": (lambda m, x, y: m.hypot(x, y), [BOUNDS, DIVISORS]),
    "fmod": (lambda m, x, y: m.fmod(x, y), [BOUNDS[1:6], DIVISORS[:5]]),
    "remainder": (lambda m, x, y: m.remainder(x, y), [BOUNDS[1:6], DIVISORS[:5]]),
    "xlogy": (lambda m, x, y: m.xlogy(x, y), [BOUNDS[1:8], np.abs(DIVISORS[:7])]),
    "cummax_ties_nan": (lambda m, x: m.cummax(x, 0).values, [np.array([1.0, 1.0, NAN, 2.0, NAN, 0.5])]),
    "cummin_ties": (lambda m, x: m.cummin(x, 0).values, [np.array([1.0, 1.0, 0.5, 0.5, 2.0, -INF])]),
    "cumprod_zeros": (lambda m, x: m.cumprod(x, 0), [np.array([-2.0, 0.5, 0.0, 3.0, 0.0, 2.0])]),
    "logcumsumexp_far_apart": (lambda m, x: m.logcumsumexp(x, 0), [np.array([-800.0, 0.0, 1.0, 900.0])]),
    "logcumsumexp_float32": (lambda m, x: m.logcumsumexp(x, 0),
                             [np.array([-70.0, -1.0, 0.0, 5.0, -90.0], np.float32)]),
}


@pytest.mark.filterwarnings("ignore::RuntimeWarning")     # NumPy's, for log(0), 1 / 0, ...
@pytest.mark.parametrize("name", sorted(AT_BOUNDS))
def test_values_and_gradients_at_the_bounds_as_torch(name):
    torch = pytest.importorskip("torch")
    _skip_without_scipy(name)
    program, arrays = AT_BOUNDS[name]
    results = []
    for m in (astgrad, torch):
        xs = [m.tensor(a, requires_grad=True) for a in arrays]
        out = program(m, *xs)
        grads = m.autograd.grad(out.sum(), xs)
        results.append([out.detach().numpy()] + [g.numpy() for g in grads])
    for ours, theirs in zip(*results):
        rtol = 1e-12 if ours.dtype == np.float64 else 1e-6       # float32: an ulp apart
        np.testing.assert_allclose(ours, theirs, rtol=rtol, atol=1e-300, equal_nan=True)


def test_sign_of_a_bool_tensor_is_that_tensor_as_in_pytorch():
    flags = astgrad.tensor([True, False, True])
    for result in (flags.sign(), astgrad.sign(flags), astgrad.sgn(flags)):
        assert result.dtype == astgrad.bool and not result.requires_grad
        assert result.tolist() == [True, False, True]
        assert result is not flags


# misuse: PyTorch's exception and message
MISUSE = [
    (lambda m: m.ones(2, 2).cumprod(2), IndexError,
     "Dimension out of range (expected to be in range of [-2, 1], but got 2)"),
    (lambda m: m.cross(m.ones(2, 2), m.ones(2, 2)), RuntimeError, "no dimension of size 3 in input"),
    (lambda m: m.cross(m.ones(3, 3), m.ones(3, 2), dim=1), RuntimeError,
     "linalg.cross: inputs dimension 1 must have length 3. Got 3 and 2"),
    (lambda m: m.cross(m.ones(3), m.ones(1, 3)), RuntimeError,
     "linalg.cross: inputs must have the same number of dimensions."),
    (lambda m: m.tril(m.ones(3)), RuntimeError, "tril: input tensor must have at least 2 dimensions"),
    (lambda m: m.diff(m.tensor(1.0)), RuntimeError, "diff expects input to be at least one-dimensional"),
    (lambda m: m.diag(m.ones(2, 2, 2)), RuntimeError, "diag(): Supports 1D or 2D tensors. Got 3D"),
    (lambda m: m.roll(m.ones(2, 2), (1, 2)), RuntimeError, "shifts and dimensions must align. shifts: 2, dims:0"),
    (lambda m: m.asin([0.5]), TypeError, "asin(): argument 'input' (position 1) must be Tensor, not list"),
]


@pytest.mark.parametrize("case", range(len(MISUSE)))
def test_misuse_raises_pytorchs_error(case):
    program, kind, message = MISUSE[case]
    modules = [astgrad]
    try:
        import torch
        modules.append(torch)
    except ImportError:
        pass
    for m in modules:
        with pytest.raises(kind) as error:
            program(m)
        assert str(error.value) == message, m.__name__
