"""Rules for the helpers behind in-place writes and list appends."""

from ..runtime import append_derivative, drop_last, pad_last, snapshot, zero_index
from ..runtime import zeros_like
from .registry import adjoint, d, tangent


@adjoint(snapshot)
def snapshot(y, value):
    d[value] = d[y]


@tangent(snapshot)
def snapshot(y, value):
    d[y] = snapshot(d[value])


@adjoint(zero_index)
def zero_index(y, g, index):
    d[g] = zero_index(d[y], index)


@tangent(zero_index)
def zero_index(y, g, index):
    d[y] = zero_index(d[g], index)


@adjoint(drop_last)
def drop_last(y, g):
    d[g] = pad_last(d[y], g)


@tangent(drop_last)
def drop_last(y, g):
    d[y] = drop_last(d[g])


@adjoint(pad_last)
def pad_last(y, g, items):
    d[g] = drop_last(d[y])


@tangent(pad_last)
def pad_last(y, g, items):
    d[y] = pad_last(d[g], items)


@adjoint(append_derivative)
def append_derivative(y, g, value):
    d[g] = drop_last(d[y])
    d[value] = d[y][-1]


@tangent(append_derivative)
def append_derivative(y, g, value):
    d[y] = append_derivative(d[g], zeros_like(value))
    d[y] = append_derivative(zeros_like(g), d[value])
