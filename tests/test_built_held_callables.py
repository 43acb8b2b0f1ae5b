"""A ``functools.partial`` or another object's bound method that an object the function
builds holds (``h = Holder(functools.partial(act, k=SCALE), w)``, a partial written in
``__init__``, one bound to a name first, one stored after building, ``h.fn =
functools.partial(g, k=...)``; ``h = Holder(s.up, w)``, ``s`` an object built here whose
attributes carry derivatives, or ``self.f = other.up`` in ``__init__`` given
``Scaler(3.0)``), called as ``h.fn(x)`` or in a method (``self.fn(z)``, also with a
keyword overriding a bound one): followed as the same held by an argument's object is,
the partial's bound arguments and the method's object read when the code runs. Checked
in grad, jvp and hessian against central finite differences, in a loop. Refused, at
their lines, in every mode: a partial binding a differentiated value, and a method of an
object whose state the function changes after (``s.k = v``), which Python's bound method
would see."""

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


class Scaler:
    def __init__(self, k):
        self.k = k

    def up(self, z, k=None):
        return z * self.k


def held_callables(x, w):
    h = Holder(functools.partial(_act, k=SCALE), w)     # a global's value: no derivative
    s = Scaler(w * w)
    o = Holder(s.up, w)                                 # s.up(z, k=0.5) in Holder.run: k unused
    return np.sum(h.run(x * w) * x) + np.sum(o.run(x * w) * s.up(x))


def named_first(x, w):
    p = functools.partial(_cube, k=2.0 * SCALE)
    g = Holder(p, w * w)                                # a partial bound to a name first
    return np.sum(g.fn(x) * x) + np.sum(g.run(x) * x)


def stored_after(x, w):
    h = Holder(functools.partial(_act, k=SCALE), w)
    h.fn = functools.partial(_cube, k=2.0 * SCALE)      # stored after: the new partial is followed
    t = 0.0
    for i in range(2):
        t = t + np.sum(h.run(x[i:] * w) * x[i])
    return t


def others_state_changed(x, w):
    s = Scaler(x * w)
    h = Holder(s.up, w)
    s.k[0] = w * 3.0                                    # Python: h.fn sees the new k
    return np.sum(h.fn(x) ** 2)


def others_read_out(x, w):
    s = Scaler(x[:2] * w)
    h = Holder(s.up, w)
    k = s.k
    k *= 3.0                                            # s.k changed in place, through another name
    return np.sum(h.fn(x[2:]) ** 2)


def binds_a_differentiated_value(x, w):
    h = Holder(functools.partial(_act, k=w), 2.0)
    return np.sum(h.run(x))


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian"])
def test_a_partial_or_another_objects_method_a_built_object_holds_is_followed(mode):
    # refused before: "whose attribute 'fn' holds neither a method of its class nor a function astgrad follows"
    check(mode, held_callables, (X4, 1.3), (0, 1))


def test_a_partial_stored_after_or_named_first_or_either_stored_in_init_is_followed():
    check("jvp", stored_after, (X4, 1.3), (0, 1))
    check("jvp", named_first, (X4, 1.3), (0, 1))
    check("jvp", P.o01, (P.X4, P.W), (0, 1))            # self.f = functools.partial(_scaled, k=2.0)
    check("jvp", P.o02, (P.X4, P.W), (0, 1))            # HoldsOthersMethod(Scaler(3.0)): self.f = other.up


def test_a_method_of_an_object_changed_after_is_refused():
    says = r"test_built_held_callables\.py:\d+: astgrad cannot differentiate a call of \.fn\(\) on a Holder, " \
           r"whose attribute 'fn' holds neither a method of its class nor a function astgrad follows"
    with pytest.raises(astgrad.TransformError, match=says):
        astgrad.grad(others_state_changed, wrt=(0, 1))(X4, 1.3)
    with pytest.raises(astgrad.TransformError, match=says):
        astgrad.jvp(others_state_changed, (X4, 1.3), (X4, 1.0))
    with pytest.raises(astgrad.TransformError, match=says):
        astgrad.grad(others_read_out, wrt=(0, 1))(X4, 1.3)


def test_a_partial_binding_a_differentiated_value_is_refused_at_its_line():
    line = r"test_built_held_callables\.py:\d+: no (adjoint|tangent) rule for functools\.partial: .*" \
           r"nor one binding a differentiated value stored on an object the function builds"
    for transform in (lambda: astgrad.grad(binds_a_differentiated_value, wrt=(0, 1))(X4, 1.3),
                      lambda: astgrad.jvp(binds_a_differentiated_value, (X4, 1.3), (X4, 1.0)),
                      lambda: astgrad.hessian(binds_a_differentiated_value, wrt=1)(X4, 1.3)):
        with pytest.raises(astgrad.TransformError, match=line):
            transform()
