"""The primitives through which the tape gives PyTorch's derivatives at the points
where a function has none: ``relu`` (0 at 0) and ``clamp`` (1 at a bound, 0 outside),
and ``copysign``, whose derivative in the tensor giving the sign is zeros (PyTorch's
``CopysignBackward0``), not none.

The function transforms keep their own conventions for ``numpy.maximum`` and
``numpy.clip`` (ties split evenly: 0.5). The tape records ``clamp`` for every clip of a
tensor (``x.clamp``, ``x.clip``, ``x.clamp_``, ``numpy.clip(x, ...)``) and ``relu`` for
``x.relu()``, so it differentiates them as PyTorch does. ``abs`` (0 at 0) and
``x ** y`` (0 at x = 0, y = 0) already agree. ``x ** c`` with a constant number ``c``
is recorded as ``power``, whose derivatives keep depending on ``x`` as PyTorch's do
(so ``create_graph=True`` gives a derivative with history down to ``x ** 0``).
docs/tape.md has the table.

``ZERO_DERIVATIVE`` lists the piecewise constant functions (sign, rounding, and the
slopes of ``abs`` and ``relu``) whose floating result, as PyTorch's ``sign``, ``floor``,
``sgn``, ``threshold_backward``, ``div(rounding_mode=...)``, keeps a history with a zero derivative when an argument
requires grad: so the gradient of ``abs`` or ``relu`` taken with ``create_graph=True``
requires grad and differentiates again to zeros, as in PyTorch. Helpers whose PyTorch
twin has no such history (the clamp mask, ``zeros_like``) are not in it. relu's gradient
is ``threshold_backward(seed, relu(x))``, one node (PyTorch's
``ThresholdBackwardBackward0``), whose own derivative is ``threshold_backward`` of relu's
result again: relu's derivatives of every order keep a history, as PyTorch's.
"""

import numpy

from ..rules.declare import elementwise
from ..rules.registry import adjoint, d, non_differentiable, tangent
from ..runtime import abs_slope, broadcast_like, unbroadcast

__all__ = ["clamp", "relu", "copysign", "remainder", "clamp_mask", "clamp_bound_mask", "relu_mask", "trunc_divide", "rounded_division", "threshold_backward", "power", "power_slope",
           "ZERO_DERIVATIVE"]


def clamp(x, min=None, max=None):
    """``x`` limited to ``[min, max]`` (either bound may be None), as ``torch.clamp``."""
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None"
                           .replace("torch.", "astgrad."))
    return numpy.clip(x, min, max)


def relu(x):
    """``max(x, 0)``, whose derivative at 0 is 0 (as ``torch.relu``)."""
    return numpy.maximum(x, numpy.zeros((), numpy.result_type(x)))


def copysign(x, other):
    """``|x|`` with the sign of ``other``, as ``torch.copysign``."""
    return numpy.copysign(x, other)


def remainder(x, y):
    """``x - floor(x / y) * y``, as ``torch.remainder`` and ``%``: NumPy's remainder, but a
    zero result has the sign of ``x`` (NumPy's has ``y``'s). PyTorch's formula: ``fmod``,
    moved by ``y`` where it is not zero and its sign is not ``y``'s; run on tensors
    (``create_graph=True``) its pieces have the derivatives of the whole."""
    rest = numpy.fmod(x, y)
    return numpy.where((rest != 0) & ((rest < 0) != (y < 0)), rest + y, rest)


def clamp_mask(x, min, max):
    """1 where ``min <= x <= max`` (the bounds included), 0 elsewhere, as PyTorch's
    clamp backward; in ``x``'s dtype."""
    inside = numpy.ones(numpy.shape(x), bool)
    if min is not None:
        inside = inside & numpy.greater_equal(x, min)
    if max is not None:
        inside = inside & numpy.less_equal(x, max)
    return numpy.asarray(inside, dtype=numpy.result_type(x))


def clamp_bound_mask(x, min, max, bound):
    """1 where clamp's result is its bound ``bound`` ("min" or "max"), 0 elsewhere, as
    PyTorch's clamp backward to a tensor bound: ``max(x, min)`` (x where they tie), then
    ``min(that, max)`` (the first where they tie); in ``x``'s dtype."""
    low = x if min is None else numpy.maximum(x, min)
    if bound == "max":
        at = numpy.greater(low, max)
    else:
        at = numpy.less(x, min)
        if max is not None:
            at = at & numpy.less_equal(low, max)
    return numpy.asarray(at, dtype=numpy.result_type(x))


def relu_mask(x):
    """1 where ``x > 0``, 0 elsewhere (at 0 too), in ``x``'s dtype."""
    return numpy.asarray(numpy.greater(x, 0), dtype=numpy.result_type(x))


def trunc_divide(x, y):
    """``x / y`` rounded towards 0, as PyTorch's ``div(x, y, rounding_mode="trunc")``:
    exact for integers (which stay integers), ``trunc(x / y)`` for floats."""
    x, y = numpy.asarray(x), numpy.asarray(y)
    if numpy.result_type(x, y).kind in "iub":
        return numpy.floor_divide(x - numpy.fmod(x, y), y)      # x - fmod(x, y) is a multiple of y
    return numpy.trunc(numpy.true_divide(x, y))


non_differentiable(clamp_mask, clamp_bound_mask, relu_mask, trunc_divide)


def rounded_division(mode, x, y):
    """The function PyTorch's ``div(x, y, rounding_mode=mode)`` computes (``x`` and
    ``y``: arrays or numbers), or PyTorch's error for its mode or bool arguments."""
    function = {"floor": numpy.floor_divide, "trunc": trunc_divide}.get(mode)
    if function is None:
        raise RuntimeError(f"div expected rounding_mode to be one of None, 'trunc', or 'floor' but found '{mode}'")
    if numpy.result_type(x, y).kind == "b":
        raise NotImplementedError(f"\"div_{mode}_cpu\" not implemented for 'Bool'")
    return function


# floor_divide and trunc_divide: PyTorch's div(rounding_mode=...), DivBackward2 (zeros)
ZERO_DERIVATIVE = frozenset([numpy.sign, numpy.floor, numpy.ceil, numpy.trunc, numpy.rint, numpy.fix,
                             numpy.round, numpy.around, abs_slope, relu_mask, numpy.floor_divide,
                             trunc_divide])


@adjoint(clamp)
def clamp_adjoint(y, x, min=None, max=None):
    d[x] = unbroadcast(d[y] * clamp_mask(x, min, max), x)
    d[min] = unbroadcast(d[y] * clamp_bound_mask(x, min, max, "min"), min)
    d[max] = unbroadcast(d[y] * clamp_bound_mask(x, min, max, "max"), max)


@tangent(clamp)
def clamp_tangent(y, x, min=None, max=None):
    d[y] = broadcast_like(d[x] * clamp_mask(x, min, max), y)
    d[y] = broadcast_like(d[min] * clamp_bound_mask(x, min, max, "min"), y)
    d[y] = broadcast_like(d[max] * clamp_bound_mask(x, min, max, "max"), y)


# x % y = x - floor(x / y) * y, floor locally constant: NumPy's remainder's derivatives
elementwise(remainder, lambda z, x, y: 1.0, lambda z, x, y: -numpy.floor_divide(x, y))


# the derivative in x is the sign the result gives x's (0 at 0); in other it is zeros
@adjoint(copysign)
def copysign_adjoint(y, x, other):
    d[x] = unbroadcast(d[y] * numpy.sign(x) * numpy.sign(y), x)
    d[other] = numpy.zeros_like(other)


@tangent(copysign)
def copysign_tangent(y, x, other):
    d[y] = broadcast_like(d[x] * numpy.sign(x) * numpy.sign(y), y)


def threshold_backward(grad, y):
    """``grad`` where ``y > 0``, 0 elsewhere: relu's derivative applied to ``grad``, in
    terms of relu's result ``y`` (as PyTorch's ``threshold_backward``)."""
    return grad * relu_mask(y)


@adjoint(relu)
def relu_adjoint(y, x):
    d[x] = threshold_backward(d[y], y)


@tangent(relu)
def relu_tangent(y, x):
    d[y] = threshold_backward(d[x], y)


# threshold_backward is linear in grad; its derivative in y is zero, written as an array
# of zeros (not left out), so that under create_graph=True the derivative of relu's
# gradient is again threshold_backward of relu's result and keeps a history at every
# order, as PyTorch's ThresholdBackwardBackward0 does
@adjoint(threshold_backward)
def threshold_backward_adjoint(z, grad, y):
    d[grad] = unbroadcast(threshold_backward(d[z], y), grad)
    d[y] = numpy.zeros_like(y)


@tangent(threshold_backward)
def threshold_backward_tangent(z, grad, y):
    d[z] = broadcast_like(threshold_backward(d[grad], y), z)


def power(x, exponent):
    """``x ** exponent`` for a constant number ``exponent``: the tape records it so, and
    its derivative, ``exponent * power(x, exponent - 1)``, keeps depending on ``x`` down
    to ``x ** 0`` (whose derivative is zeros), as PyTorch's ``pow``: the fifth derivative
    of ``x ** 4`` is 0."""
    return x ** exponent


def power_slope(x, exponent):
    """The derivative of ``power(x, exponent)``: zeros for exponent 0 (also at x = 0).

    Generated adjoints run on tensors (``create_graph=True``) call it as it is, and it
    records ``power``, so the derivatives of ``x ** c`` have history while the exponent
    is not 0, and none after, as PyTorch's. Its rules serve the function transforms."""
    if exponent == 0:
        return numpy.zeros_like(x)
    return exponent * power(x, exponent - 1)


@adjoint(power)
def power_adjoint(y, x, exponent):
    d[x] = d[y] * power_slope(x, exponent)


@tangent(power)
def power_tangent(y, x, exponent):
    d[y] = d[x] * power_slope(x, exponent)


@adjoint(power_slope)
def power_slope_adjoint(y, x, exponent):
    d[x] = d[y] * exponent * power_slope(x, exponent - 1)


@tangent(power_slope)
def power_slope_tangent(y, x, exponent):
    d[y] = d[x] * exponent * power_slope(x, exponent - 1)


# the tape runs it as it is on tensors (program.py), so it records ``power`` while the
# exponent is not 0 and nothing after, rather than one node of its own
power_slope.__astgrad_tape_direct__ = True
