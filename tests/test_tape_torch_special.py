"""The tape's rounding and special functions (``tan``, ``floor``, ``round(decimals=)``,
``logit(eps=)``, ``erfinv``, ``lgamma``, ``digamma``, ``polygamma``, ``i0``,
``logaddexp2``, ``copysign``, ``heaviside``, ... and ``astgrad.special``).

Each program of tests/tape_special_programs.py gives what PyTorch 2.13 gave (values,
first and second derivatives, dtypes, errors), as recorded in
tests/torch_reference/special_golden.json, except where astgrad differs on purpose
(docs/tape.md); and the derivatives of each differentiable function are checked against
central finite differences on random inputs of several shapes: gradient, vector-Jacobian
product with a random cotangent, Jacobian-vector product, Hessian and second derivative
through ``create_graph=True``.
"""

import json
import math
import pathlib
import warnings
import zlib

import numpy as np
import pytest

import astgrad
import tape_special_programs
import torch_compare
from fd import numerical_grad, numerical_jvp

GOLDEN = json.loads((pathlib.Path(__file__).parent / "torch_reference" / "special_golden.json").read_text())

# PyTorch records heaviside but has no derivative for it (its backward raises "derivative
# for aten::heaviside is not implemented"); astgrad gives the derivative (0 in input; in
# values, 1 where input is 0), and its result requires grad only through values.
DELIBERATE = {"heaviside_values": "requires grad only through values",
              "heaviside_in_values": "astgrad differentiates heaviside in values"}


def test_every_program_is_recorded():
    assert sorted(GOLDEN["programs"]) == sorted(tape_special_programs.PROGRAMS)


@pytest.mark.parametrize("name", sorted(tape_special_programs.PROGRAMS))
def test_same_as_pytorch(name):
    if name in tape_special_programs.NEEDS_SCIPY:
        pytest.importorskip("scipy")
    found = torch_compare.differences(GOLDEN["programs"][name],
                                      torch_compare.run(tape_special_programs.PROGRAMS[name], astgrad))
    if name in DELIBERATE:
        assert found, f"{name} now behaves as PyTorch; remove it from DELIBERATE"
        return
    assert not found, "\n".join(found)


def test_golden_file_is_pytorchs():
    stale = torch_compare.stale_programs(GOLDEN, tape_special_programs.PROGRAMS)
    assert not stale, f"re-record special_golden.json (tests/torch_reference/record.py special): {stale}"


# -- derivatives against finite differences -------------------------------------------------

def _inside(low, high):
    return lambda rng, shape: rng.uniform(low, high, size=shape)


def _signed(low, high):
    return lambda rng, shape: rng.choice([-1.0, 1.0], size=shape) * rng.uniform(low, high, size=shape)


def _away_from_integers(rng, shape):
    """Values in (-4, 5) at least 0.15 from an integer (lgamma's and digamma's poles)."""
    return rng.integers(-4, 5, size=shape) + rng.uniform(0.15, 0.85, size=shape)


UNARY = {
    "tan": (lambda x: astgrad.tan(x), _inside(-1.2, 1.2)),
    "deg2rad": (lambda x: x.deg2rad(), _inside(-3.0, 3.0)),
    "rad2deg": (lambda x: astgrad.rad2deg(x), _inside(-3.0, 3.0)),
    "erfinv": (lambda x: astgrad.erfinv(x), _inside(-0.95, 0.95)),
    "lgamma": (lambda x: x.lgamma(), _away_from_integers),
    "digamma": (lambda x: astgrad.digamma(x), _away_from_integers),
    "polygamma": (lambda x: astgrad.polygamma(1, x), _away_from_integers),
    "i0": (lambda x: astgrad.i0(x), _inside(-3.0, 3.0)),
    "logit": (lambda x: astgrad.logit(x), _inside(0.05, 0.95)),
    "logit_eps": (lambda x: x.logit(eps=0.2), lambda rng, shape: rng.choice([0.05, 0.4, 0.6, 0.93], size=shape)
                  + rng.uniform(-0.02, 0.02, size=shape)),
    "special_i1": (lambda x: astgrad.special.i1(x), _inside(-3.0, 3.0)),
    "special_multigammaln": (lambda x: astgrad.special.multigammaln(x, 3), _inside(1.6, 5.0)),
    "special_expit": (lambda x: astgrad.special.expit(x), _inside(-3.0, 3.0)),
    "special_gammaln": (lambda x: astgrad.special.gammaln(x), _inside(0.2, 6.0)),
    "special_entr": (lambda x: astgrad.special.entr(x), _inside(0.05, 3.0)),
    # both signs, both sides of |x| = 30 (the power series below, the asymptotic one above)
    "special_i0e": (lambda x: astgrad.special.i0e(x), _signed(0.2, 40.0)),
    "special_i1e": (lambda x: astgrad.special.i1e(x), _signed(0.2, 40.0)),
    "floor": (lambda x: astgrad.floor(x) * x, _away_from_integers),
    "ceil": (lambda x: x.ceil() * x, _away_from_integers),
    "round": (lambda x: astgrad.round(x, decimals=1) + x.round() * x, _away_from_integers),
    # a number first, as torch.floor_divide(2.0, x): 2 / x kept away from integers
    "floor_divide_number_first": (lambda x: astgrad.floor_divide(2.0, x) * x,
                                  lambda rng, shape: 2.0 / _away_from_integers(rng, shape)),
}

SHAPES = [(), (3,), (2, 3)]


def _values(function, x):
    return function(astgrad.tensor(x)).detach().numpy()


def _check(function, x, rng):
    xt = astgrad.tensor(x, requires_grad=True)
    y = function(xt)
    seed = rng.normal(size=y.shape)
    (g,) = astgrad.autograd.grad((y * astgrad.tensor(seed)).sum(), xt, create_graph=True)
    np.testing.assert_allclose(g.detach().numpy(), numerical_grad(lambda a: _values(function, a), (x,), seed=seed),
                               rtol=1e-5, atol=1e-6)
    tangent = rng.normal(size=np.shape(x))
    _, jvp = astgrad.autograd.functional.jvp(function, astgrad.tensor(x), astgrad.tensor(tangent))
    np.testing.assert_allclose(jvp.numpy(), numerical_jvp(lambda a: _values(function, a), (x,), (tangent,)),
                               rtol=1e-5, atol=1e-6)
    h = None
    if g.requires_grad:         # a linear function's gradient is a constant
        (h,) = astgrad.autograd.grad((g * astgrad.tensor(tangent)).sum(), xt, allow_unused=True)
    second = numerical_jvp(lambda a: _gradient(function, a, seed), (x,), (tangent,))
    np.testing.assert_allclose(np.zeros(np.shape(x)) if h is None else h.numpy(), second, rtol=1e-4, atol=1e-5)


def _gradient(function, x, seed):
    xt = astgrad.tensor(x, requires_grad=True)
    (g,) = astgrad.autograd.grad((function(xt) * astgrad.tensor(seed)).sum(), xt)
    return g.numpy()


@pytest.mark.parametrize("shape", SHAPES, ids=str)
@pytest.mark.parametrize("name", sorted(UNARY))
def test_unary_derivatives_match_finite_differences(name, shape):
    rng = np.random.default_rng(zlib.crc32(f"{name}{shape}".encode()))
    function, draw = UNARY[name]
    _check(function, draw(rng, shape), rng)


# name: (function, differentiated in x, in w); heaviside's derivative in x is 0, and
# astgrad records no dependence on it (see DELIBERATE)
BINARY = {
    "logaddexp2": (lambda x, w: astgrad.logaddexp2(x, w), True, True),
    "copysign": (lambda x, w: astgrad.copysign(x, w), True, True),
    "true_divide": (lambda x, w: astgrad.true_divide(x, w), True, True),
    "heaviside": (lambda x, w: astgrad.heaviside(x, w) * w, False, True),
}


@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_derivatives_match_finite_differences(name):
    rng = np.random.default_rng(zlib.crc32(name.encode()))
    x, w = rng.uniform(0.5, 2.0, size=(2, 3)) * rng.choice([-1.0, 1.0], size=(2, 3)), rng.uniform(0.5, 2.0, size=3)
    if name == "heaviside":
        x[0] = 0.0      # where x is 0 the result is w
    function, in_x, in_w = BINARY[name]
    if in_x:
        _check(lambda xt: function(xt, astgrad.tensor(w)), x, rng)
    if in_w:
        _check(lambda wt: function(astgrad.tensor(x), wt), w, rng)


def test_hessian_of_a_sum_of_special_functions():
    def f(x):
        return (astgrad.lgamma(x + 2.0) + astgrad.erfinv(x / 3.0) + astgrad.logit(x / 4.0 + 0.5)
                + astgrad.i0(x) * astgrad.digamma(x + 3.0)).sum()

    x = np.array([0.3, -0.7, 1.1])
    hessian = astgrad.autograd.functional.hessian(f, astgrad.tensor(x)).numpy()

    def gradient(a):
        at = astgrad.tensor(a, requires_grad=True)
        return astgrad.autograd.grad(f(at), at)[0].numpy()
    expected = np.stack([numerical_jvp(gradient, (x,), (e,)) for e in np.eye(3)], axis=1)
    np.testing.assert_allclose(hessian, expected, rtol=1e-5, atol=1e-6)


def test_erfinv_and_lgamma_need_no_scipy():
    """erfinv and lgamma are computed with NumPy alone, to float64's precision."""
    import astgrad.special_functions as numeric
    x = np.concatenate([np.linspace(-0.999, 0.999, 41), 1.0 - np.logspace(-15, -1, 8)])
    np.testing.assert_allclose(np.vectorize(math.erf)(numeric.erfinv(x)), x, rtol=1e-14, atol=1e-15)
    assert numeric.lgamma(np.array([5.0]))[0] == pytest.approx(np.log(24.0), rel=1e-15)
    assert numeric.lgamma(0.5) == pytest.approx(0.5 * np.log(np.pi), rel=1e-15)


def test_scaled_bessel_functions_are_scipys_across_the_series_switch():
    """i0e and i1e from the power series (|x| <= 30) and the asymptotic series beyond agree
    with SciPy's to float64's precision, and stay finite where i0 overflows."""
    special = pytest.importorskip("scipy.special")
    x = np.concatenate([np.linspace(-60.0, 60.0, 241), [29.999, 30.0, 30.001, -700.0, 1e4]])
    for name, expected in (("i0e", special.i0e(x)), ("i1e", special.i1e(x))):
        got = getattr(astgrad.special, name)(astgrad.tensor(x)).numpy()
        np.testing.assert_allclose(got, expected, rtol=1e-14, atol=1e-300)


def test_ends_of_the_domains_are_silent():
    """Where the result is PyTorch's inf or NaN (a division by 0 rounded, a pole), no NumPy
    RuntimeWarning, as PyTorch gives none."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for name in ("ends_of_the_domains", "scaled_bessel_and_entr_at_the_ends", "floor_divide_values",
                     "floor_divide_operator", "number_pairs"):
            assert "error" not in torch_compare.run(tape_special_programs.PROGRAMS[name], astgrad), name


def test_a_torch_special_function_astgrad_lacks_is_named():
    with pytest.raises(AttributeError, match=r"astgrad.special has no function zeta: it has digamma, psi"):
        astgrad.special.zeta(astgrad.tensor([0.5]), 2.0)


def test_astgrad_special_imports_as_torch_special():
    import astgrad.special as special
    from astgrad.special import expit
    assert special is astgrad.special and expit(astgrad.tensor(0.0)).item() == 0.5


def test_core_operations_are_silent_and_leave_numpy_settings_alone():
    """log(0), x / 0, 0 / 0, sqrt(-1), x % 0 and an overflowing exp give inf and NaN without
    NumPy's RuntimeWarning or FloatingPointError, as PyTorch's, recorded, differentiated and
    in another thread; the caller's NumPy settings stay as they were."""
    import threading

    def run():
        x = astgrad.tensor([0.0, 1.0, -1.0], requires_grad=True)
        y = x.log() + x.sqrt() + x / 0.0 + (x * 0) / 0.0 + (x * 800).exp() + x % 0.0
        with astgrad.no_grad():
            z = x.detach().clone()
            z.div_(0.0)
        (g,) = astgrad.autograd.grad((x * 1).log().sum(), x, create_graph=True)
        g.sum().backward()
        return y, z, g

    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with np.errstate(all="raise"):
            y, z, g = run()
            assert np.geterr() == {"divide": "raise", "over": "raise", "under": "raise", "invalid": "raise"}
            with pytest.raises(FloatingPointError):
                np.log(np.zeros(1))         # the user's own NumPy code keeps the settings
        done = []
        thread = threading.Thread(target=lambda: done.append(run()))
        thread.start()
        thread.join()
    assert len(done) == 1
    v = np.array([0.0, 1.0, -1.0])
    with np.errstate(all="ignore"):
        expected = np.log(v) + np.sqrt(v) + v / 0.0 + (v * 0) / 0.0 + np.exp(v * 800) + np.fmod(v, 0.0)
    np.testing.assert_array_equal(y.detach().numpy(), expected)
    np.testing.assert_array_equal(done[0][0].detach().numpy(), expected)
    assert z.tolist()[0] != z.tolist()[0] and z.tolist()[1:] == [np.inf, -np.inf]
    assert g.tolist() == [np.inf, 1.0, -1.0]
