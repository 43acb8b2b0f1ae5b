"""A ``functools.partial`` an object the function builds holds (``h = Holder(
functools.partial(act, k=SCALE), w)``, a partial written in ``__init__``, one bound to a
name first, one stored after building, ``h.fn = functools.partial(g, k=...)``), called as
``h.fn(x)`` or in a method (``self.fn(z)``, also with a keyword overriding a bound one):
followed as the partial an argument's object holds is, the function called with the
bound arguments read from the partial when the code runs. Checked in grad, jvp and
hessian against central finite differences, in a loop. A partial binding a differentiated
value there stays refused, at its line, in every mode."""

import functools

import numpy as np
import pytest

import astgrad
import hunt59_programs as P
from breadth_modes import check

X4 = np.array([0.3, -0.5, 0.8, 1.2])
SCALE = 1.7


def _act(z, k=1.0):
    return np.tanh(z) * k


def _cube(z, k=1.0):
    return z ** 3 * k


class Holder:
    def __init__(self, fn, w):
        self.fn = fn
        self.W = w                                      # an attribute carrying a derivative

    def run(self, z):
        return self.fn(z) * self.W + self.fn(z, k=0.5)  # a keyword in the call overrides the bound one


def built_partial(x, w):
    h = Holder(functools.partial(_act, k=SCALE), w)     # a global's value: no derivative
    s = np.sum(h.fn(x * w) ** 2)
    for i in range(2):
        s = s + np.sum(h.run(x[i:] * w) * x[i])
    h.fn = functools.partial(_cube, k=2.0 * SCALE)      # stored after: the new partial is followed
    return s + np.sum(h.run(x) ** 2)


def partial_named_first(x, w):
    p = functools.partial(_act, k=SCALE)
    h = Holder(p, w * w)
    return np.sum(h.run(x * w) * x)


def binds_a_differentiated_value(x, w):
    h = Holder(functools.partial(_act, k=w), 2.0)
    return np.sum(h.run(x))


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
def test_a_partial_a_built_object_holds_is_followed(mode):
    # refused before: "whose attribute 'fn' holds neither a method of its class nor a function astgrad follows"
    check(mode, built_partial, (X4, 1.3), (0, 1))


def test_a_partial_named_first_or_written_in_init_is_followed():
    check("grad", partial_named_first, (X4, 1.3), (0, 1))
    check("jvp", P.o01, (P.X4, P.W), (0, 1))            # self.f = functools.partial(_scaled, k=2.0) in __init__


def test_a_partial_binding_a_differentiated_value_is_refused_at_its_line():
    line = r"test_built_held_partials\.py:\d+: no (adjoint|tangent) rule for functools\.partial: .*" \
           r"nor one binding a differentiated value stored on an object the function builds"
    for transform in (lambda: astgrad.grad(binds_a_differentiated_value, wrt=(0, 1))(X4, 1.3),
                      lambda: astgrad.jvp(binds_a_differentiated_value, (X4, 1.3), (X4, 1.0)),
                      lambda: astgrad.hessian(binds_a_differentiated_value, wrt=1)(X4, 1.3)):
        with pytest.raises(astgrad.TransformError, match=line):
            transform()
