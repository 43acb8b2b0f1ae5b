"""Derivatives of numpy.fft, and of numpy.real, numpy.imag and numpy.conj.

The transforms are linear. Complex values follow JAX's and autograd's convention:
the adjoint of a complex value z is dL/d(re z) - 1j * dL/d(im z), so the adjoint of
a complex-linear map is its transpose (no conjugate), and a real input keeps the real
part of what reaches it. The DFT matrix is symmetric, so the adjoint of ``fft`` is
``fft`` again (with the padding or cutting of ``n``/``s`` undone); ``rfft`` and
``irfft`` keep half a spectrum, which their adjoints unfold (runtime.py's numpy.fft
section). Where complex values may flow is checked when code is generated
(frontend/complex_values.py).
"""

import numpy

from ..runtime import (abs_slope, abs_slope_change, abs_slope_curvature, sign_change, sign_change_adjoint,
                       sign_curvature, complex_transpose, imag_adjoint,
                       irfft_transpose, rfft_transpose)
from .declare import linear
from .registry import FRESH, adjoint, d, declare, non_differentiable, tangent

fft = numpy.fft

# ---------------------------------------------------------------------------------
# Complex transforms: fft, ifft, fft2, ifft2, fftn, ifftn
# ---------------------------------------------------------------------------------


@adjoint(fft.fft)
def fft_(y, a, n=None, axis=-1, norm=None, out=None):
    d[a] = complex_transpose(d[y], a, n, axis, False, norm)


@tangent(fft.fft)
def fft_(y, a, n=None, axis=-1, norm=None, out=None):
    d[y] = fft.fft(d[a], n, axis, norm)


@adjoint(fft.ifft)
def ifft(y, a, n=None, axis=-1, norm=None, out=None):
    d[a] = complex_transpose(d[y], a, n, axis, True, norm)


@tangent(fft.ifft)
def ifft(y, a, n=None, axis=-1, norm=None, out=None):
    d[y] = fft.ifft(d[a], n, axis, norm)


@adjoint(fft.fft2)
def fft2(y, a, s=None, axes=(-2, -1), norm=None, out=None):
    d[a] = complex_transpose(d[y], a, s, axes, False, norm)


@tangent(fft.fft2)
def fft2(y, a, s=None, axes=(-2, -1), norm=None, out=None):
    d[y] = fft.fft2(d[a], s, axes, norm)


@adjoint(fft.ifft2)
def ifft2(y, a, s=None, axes=(-2, -1), norm=None, out=None):
    d[a] = complex_transpose(d[y], a, s, axes, True, norm)


@tangent(fft.ifft2)
def ifft2(y, a, s=None, axes=(-2, -1), norm=None, out=None):
    d[y] = fft.ifft2(d[a], s, axes, norm)


@adjoint(fft.fftn)
def fftn(y, a, s=None, axes=None, norm=None, out=None):
    d[a] = complex_transpose(d[y], a, s, axes, False, norm)


@tangent(fft.fftn)
def fftn(y, a, s=None, axes=None, norm=None, out=None):
    d[y] = fft.fftn(d[a], s, axes, norm)


@adjoint(fft.ifftn)
def ifftn(y, a, s=None, axes=None, norm=None, out=None):
    d[a] = complex_transpose(d[y], a, s, axes, True, norm)


@tangent(fft.ifftn)
def ifftn(y, a, s=None, axes=None, norm=None, out=None):
    d[y] = fft.ifftn(d[a], s, axes, norm)


# ---------------------------------------------------------------------------------
# Real transforms: rfft, irfft, rfft2, irfft2, rfftn, irfftn
# ---------------------------------------------------------------------------------


@adjoint(fft.rfft)
def rfft(y, a, n=None, axis=-1, norm=None, out=None):
    d[a] = rfft_transpose(d[y], a, n, axis, norm)


@tangent(fft.rfft)
def rfft(y, a, n=None, axis=-1, norm=None, out=None):
    d[y] = fft.rfft(d[a], n, axis, norm)


@adjoint(fft.irfft)
def irfft(y, a, n=None, axis=-1, norm=None, out=None):
    d[a] = irfft_transpose(d[y], a, n, axis, norm)


@tangent(fft.irfft)
def irfft(y, a, n=None, axis=-1, norm=None, out=None):
    d[y] = fft.irfft(d[a], n, axis, norm)


@adjoint(fft.rfft2)
def rfft2(y, a, s=None, axes=(-2, -1), norm=None, out=None):
    d[a] = rfft_transpose(d[y], a, s, axes, norm)


@tangent(fft.rfft2)
def rfft2(y, a, s=None, axes=(-2, -1), norm=None, out=None):
    d[y] = fft.rfft2(d[a], s, axes, norm)


@adjoint(fft.irfft2)
def irfft2(y, a, s=None, axes=(-2, -1), norm=None, out=None):
    d[a] = irfft_transpose(d[y], a, s, axes, norm)


@tangent(fft.irfft2)
def irfft2(y, a, s=None, axes=(-2, -1), norm=None, out=None):
    d[y] = fft.irfft2(d[a], s, axes, norm)


@adjoint(fft.rfftn)
def rfftn(y, a, s=None, axes=None, norm=None, out=None):
    d[a] = rfft_transpose(d[y], a, s, axes, norm)


@tangent(fft.rfftn)
def rfftn(y, a, s=None, axes=None, norm=None, out=None):
    d[y] = fft.rfftn(d[a], s, axes, norm)


@adjoint(fft.irfftn)
def irfftn(y, a, s=None, axes=None, norm=None, out=None):
    d[a] = irfft_transpose(d[y], a, s, axes, norm)


@tangent(fft.irfftn)
def irfftn(y, a, s=None, axes=None, norm=None, out=None):
    d[y] = fft.irfftn(d[a], s, axes, norm)


# ---------------------------------------------------------------------------------
# Shifts (permutations: the adjoint is the inverse shift)
# ---------------------------------------------------------------------------------


linear(fft.fftshift, lambda y, x, axes=None: fft.ifftshift(d[y], axes))
linear(fft.ifftshift, lambda y, x, axes=None: fft.fftshift(d[y], axes))


# ---------------------------------------------------------------------------------
# Real and imaginary parts, conjugate
# ---------------------------------------------------------------------------------


@adjoint(numpy.real)
def real(y, val):
    d[val] = d[y]


@tangent(numpy.real)
def real(y, val):
    d[y] = numpy.real(d[val])


linear(numpy.imag, lambda y, val: imag_adjoint(d[y], val), methods=(numpy.ndarray.imag,))


@adjoint(numpy.conjugate)          # numpy.conj is numpy.conjugate
def conjugate(y, x):
    d[x] = numpy.conjugate(d[y])


@tangent(numpy.conjugate)
def conjugate(y, x):
    d[y] = numpy.conjugate(d[x])


# the sample frequencies k / (n d) of fftfreq and rfftfreq: their derivative in the
# spacing d is -y / d
def frequencies_adjoint(y, n, d=1.0, device=None):
    d[d] = -numpy.sum(d[y] * y) / d


def frequencies_tangent(y, n, d=1.0, device=None):
    d[y] = -y * (d[d] / d)


for _frequencies in (fft.fftfreq, fft.rfftfreq):
    adjoint(_frequencies)(frequencies_adjoint)
    tangent(_frequencies)(frequencies_tangent)


# abs_slope(x), the factor of abs's derivative, is sign(x) for a real x (no derivative)
# and conj(x)/|x| for a complex one, which changes with x: abs_slope_change is that
# change (0 for real x), a map that is its own adjoint; past it, complex x is refused.
@adjoint(abs_slope)
def abs_slope_(y, x):
    d[x] = abs_slope_change(d[y], x)


@tangent(abs_slope)
def abs_slope_(y, x):
    d[y] = abs_slope_change(d[x], x)


@adjoint(abs_slope_change)
def abs_slope_change_(r, v, x):
    d[v] = abs_slope_change(d[r], x)
    d[x] = abs_slope_curvature(v, d[r], x)


@tangent(abs_slope_change)
def abs_slope_change_(r, v, x):
    d[r] = abs_slope_change(d[v], x)
    d[r] = abs_slope_curvature(v, d[x], x)


non_differentiable(abs_slope_curvature)


# numpy.sign: piecewise constant for real x; x/|x| for a complex x (NumPy 2), whose
# derivative sign_change gives (its second derivative is refused at run time)
@adjoint(numpy.sign)
def sign(y, x):
    d[x] = sign_change_adjoint(d[y], x)


@tangent(numpy.sign)
def sign(y, x):
    d[y] = sign_change(d[x], x)


@adjoint(sign_change)
def sign_change_(r, v, x):
    d[v] = sign_change_adjoint(d[r], x)
    d[x] = sign_curvature(v, d[r], x)


@tangent(sign_change)
def sign_change_(r, v, x):
    d[r] = sign_change(d[v], x)
    d[r] = sign_curvature(v, d[x], x)


@adjoint(sign_change_adjoint)
def sign_change_adjoint_(r, g, x):
    d[g] = sign_change(d[r], x)
    d[x] = sign_curvature(g, d[r], x)


@tangent(sign_change_adjoint)
def sign_change_adjoint_(r, g, x):
    d[r] = sign_change_adjoint(d[g], x)
    d[r] = sign_curvature(g, d[x], x)


declare(numpy.sign, sign_change, sign_change_adjoint, result=FRESH)
non_differentiable(sign_curvature)
