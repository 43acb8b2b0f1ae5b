"""numpy.fft (rules/fft_rules.py) end to end: real functions of real inputs that go
through complex spectra, in reverse and forward mode against central finite
differences (float64), to second order, and in float32; and the clear refusals where
a complex value meets an operation without a complex rule.
"""

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_hessian
from rule_harness import check_derivatives

RNG = np.random.default_rng(20250211)
H5 = np.linspace(0.2, 1.0, 5)


def N(*shape):
    return RNG.standard_normal(shape)


def check(f, args, wrt=None):
    check_derivatives(f, args, wrt, rtol=1e-5, atol=1e-6, rng=RNG)


def power_spectrum(x): return np.sum(np.abs(np.fft.rfft(x)) ** 2)
def filtered(x): return np.fft.irfft(np.fft.rfft(x) * H5, 8)
def filtered_by(x, h): return np.fft.irfft(np.fft.rfft(x) * h)
def fft_parts(x): return np.real(np.fft.fft(x)) * np.sin(x) + np.imag(np.fft.fft(x, 6))[:5] ** 2
def fft_axis_norm(x): return np.abs(np.fft.fft(x, axis=0, norm="ortho"))
def ifft_n(x): return np.real(np.fft.ifft(x, 7)) + np.imag(np.fft.ifft(x * x, 3, norm="forward"))[0]
def fft2_parts(x):
    u = np.fft.fft2(x)
    return np.real(u * np.conj(u)) + np.imag(u)
def ifft2_s(x): return np.real(np.fft.ifft2(x, s=(3, 5))) * np.imag(np.fft.ifft2(x * 2.0, s=(3, 5)))
def fftn_axes(x): return np.abs(np.fft.fftn(x, axes=(0, 2), norm="ortho"))
def ifftn_s(x): return np.imag(np.fft.ifftn(np.sin(x), s=(2, 5), axes=(1, 2)))
def rfft_n(x): return np.real(np.fft.rfft(x, 5)) - 2.0 * np.imag(np.fft.rfft(x, n=12))[:3]
def rfft_axis(x): return np.abs(np.fft.rfft(x, axis=0, norm="forward"))
def irfft_odd(x): return np.fft.irfft(np.fft.rfft(x) * 1.5, 7) + np.fft.irfft(np.fft.fft(x)[:4], norm="ortho")[:1]
def rfftn_s(x): return np.abs(np.fft.rfftn(x, s=(4, 5), axes=(0, 1))) ** 2
def irfftn_default(x): return np.fft.irfftn(np.fft.rfftn(x) * np.fft.rfftn(np.cos(x)))
def irfftn_axes(x): return np.fft.irfftn(np.fft.fftn(x, axes=(0, 1)), s=(3, 4), axes=(0, 1), norm="ortho")
def shifts(x):
    u = np.fft.fftshift(np.fft.fft(x), axes=1)
    return np.real(np.fft.ifftshift(u * u)) + np.fft.fftshift(x)
def rfft2_irfft2(x): return np.fft.irfft2(np.fft.rfft2(x) ** 2, s=(3, 4))
def complex_sum(x): return np.real(np.sum(np.fft.fft(x) * np.fft.fft(x[::-1]))) + np.mean(np.imag(np.fft.ifft(x) / 2.0))


PROGRAMS = [
    (power_spectrum, (8,)), (power_spectrum, (7,)), (filtered, (8,)), (fft_parts, (5,)),
    (fft_axis_norm, (4, 3)), (ifft_n, (5,)), (fft2_parts, (3, 4)), (ifft2_s, (2, 4, 4)),
    (fftn_axes, (3, 2, 4)), (ifftn_s, (2, 3, 4)), (rfft_n, (6,)), (rfft_axis, (5, 2)),
    (irfft_odd, (6,)), (rfftn_s, (3, 4)), (irfftn_default, (2, 4)), (irfftn_axes, (3, 4)),
    (shifts, (2, 5)), (rfft2_irfft2, (3, 4)), (complex_sum, (6,)),
]


@pytest.mark.parametrize("f, shape", PROGRAMS, ids=[f"{p[0].__name__}-{p[1]}" for p in PROGRAMS])
def test_reverse_and_forward_match_finite_differences(f, shape):
    check(f, (N(*shape),))


def test_filter_gradient_in_both_arguments():
    check(filtered_by, (N(8), N(5)))


def _total(x):
    return np.sum(np.sin(F(x)))


def _scalar(f):
    import types
    return types.FunctionType(_total.__code__, {**globals(), "F": f}, "total")


SECOND = [fft_parts, ifft_n, fft2_parts, ifft2_s, ifftn_s, rfft_n, irfft_odd, irfftn_default, irfftn_axes,
          shifts, rfft2_irfft2, complex_sum, filtered]


@pytest.mark.parametrize("f", SECOND, ids=lambda f: f.__name__)
def test_second_order(f):
    shape = dict((p[0], p[1]) for p in PROGRAMS)[f]
    total = _scalar(f)
    x = N(*shape)
    gradient = astgrad.grad(total)
    expected = numerical_hessian(gradient, (x,))
    hessian = astgrad.hessian(total)(x)
    assert_close(np.reshape(hessian, expected.shape), expected, rtol=1e-5, atol=1e-6)
    v = N(*shape)
    _, hvp = astgrad.jvp(gradient, (x,), (v,))
    assert_close(np.ravel(hvp), expected @ np.ravel(v), rtol=1e-5, atol=1e-6)


def amplitude(x): return np.sum(np.abs(np.fft.rfft(x)) * np.arange(4.0))


@pytest.mark.parametrize("f", [power_spectrum, amplitude], ids=lambda f: f.__name__)
def test_second_order_through_abs_of_a_complex_value(f):
    """abs_slope(z) = conj(z)/|z| has a derivative of its own for complex z."""
    x = N(6)
    expected = numerical_hessian(astgrad.grad(f), (x,))
    assert_close(astgrad.hessian(f)(x), expected, rtol=1e-5, atol=1e-6)


def cubed_spectrum(x, w): return np.sum(np.abs(np.fft.fft(x * w)) ** 3)
def hinge_spectrum(x, w): return np.sum(np.maximum(np.abs(np.fft.fft(x)) - w, 0.0) ** 2)
def mixed_spectrum(x, w): return np.sum(np.abs(np.fft.rfft(x * w)) ** 3) + np.sum(np.real(np.fft.ifft(np.fft.fft(x) * w)) ** 2)


CALLS_OF_GRAD = {
    "grad_times_cos": lambda x, w: np.sum(astgrad.grad(cubed_spectrum)(x, w) * np.cos(x)),
    "both_gradients": lambda x, w: np.sum(astgrad.grad(cubed_spectrum, wrt=(0, 1))(x, w)[0])
    + astgrad.grad(cubed_spectrum, wrt=(0, 1))(x, w)[1],
    "hinge": lambda x, w: np.sum(astgrad.grad(hinge_spectrum)(x, w) * x),
    "mixed": lambda x, w: np.sum(astgrad.grad(mixed_spectrum)(x, w) ** 2),
    "value_and_grad": lambda x, w: astgrad.value_and_grad(cubed_spectrum)(x, w)[0]
    + np.sum(astgrad.value_and_grad(cubed_spectrum)(x, w)[1] ** 2),
}


@pytest.mark.parametrize("name", CALLS_OF_GRAD)
def test_a_function_calling_grad_through_abs_of_a_spectrum(name):
    """The inner gradient multiplies by abs_slope(z) with the zero-safe product (runtime.scale),
    which follows the complex convention as * does (it was refused as a complex value
    reaching an unknown helper)."""
    outer = CALLS_OF_GRAD[name]
    x, t = np.array([0.3, -0.4, 0.9]), np.array([0.2, 0.7, -0.5])
    expected = numerical_grad(lambda v: outer(v, 0.55), (x,), 0)
    assert_close(astgrad.grad(outer)(x, 0.55), expected, rtol=1e-5, atol=1e-6)
    assert_close(astgrad.jvp(outer, (x, 0.55), (t, 0.0))[1], expected @ t, rtol=1e-5, atol=1e-6)


def test_third_order_through_abs_of_a_complex_value_is_refused_clearly():
    first = astgrad.grad(amplitude)
    second = astgrad.grad(lambda v: first(v)[0])
    with pytest.raises(TypeError, match="abs of a complex value at most twice"):
        astgrad.grad(lambda v: second(v)[1])(N(6))


@pytest.mark.parametrize("f", [power_spectrum, irfftn_default, rfftn_s, shifts, fft2_parts], ids=lambda f: f.__name__)
def test_float32_stays_float32(f):
    shape = dict((p[0], p[1]) for p in PROGRAMS)[f]
    x = N(*shape).astype(np.float32)
    total = _scalar(f)
    assert astgrad.grad(total)(x).dtype == np.float32
    _, t = astgrad.jvp(f, (x,), (np.ones_like(x),))
    assert np.result_type(t) == np.float32


def complex_result(x): return np.fft.fft(x)
def complex_compare(x): return np.sum(np.where(np.fft.fft(x) > 0, x, 0.0))
def complex_sqrt(x): return np.sum(np.real(np.sqrt(np.fft.fft(x))))
def complex_attribute(x): return np.sum(np.fft.fft(x).real)
def complex_into_list(x): return np.sum(np.real(np.stack([np.fft.fft(x), np.fft.fft(x)])))
def complex_literal(x): return np.sum(np.real(x * 1j))


@pytest.mark.parametrize("f, what", [
    (complex_result, "result"), (complex_compare, "Compare"), (complex_sqrt, "numpy.sqrt"),
    (complex_attribute, ".real"), (complex_into_list, "List"), (complex_literal, "complex literal"),
], ids=lambda v: getattr(v, "__name__", ""))
def test_complex_values_elsewhere_are_refused_at_generation(f, what):
    with pytest.raises(astgrad.TransformError, match=what):
        astgrad.grad(lambda x: np.sum(np.real(f(x))) if f is complex_result else f(x))(N(4))
