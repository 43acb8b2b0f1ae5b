"""A method of the user's code whose source astgrad cannot read (made by exec, typed at
an interactive prompt), or one functools.partialmethod makes, may store anything on its
object: called on an object astgrad follows, it is refused, never run unseen (which gave
a zero gradient). Each form a method can take is checked against finite differences
(both modes for some programs), or refused."""
import functools
import types

import numpy as np
import pytest

import astgrad

W0 = np.array([0.5, -1.0, 2.0])
TANGENT = np.array([0.3, -0.7, 1.1])


def _layer_class(kind):
    class Layer:
        def __init__(self, W):
            self.W = W
    ns = {}
    exec("def up(self, w, c=1.0):\n    self.W = self.W * w + c\n", ns)
    if kind == "exec":
        Layer.up = ns["up"]
    elif kind == "partialmethod":
        Layer.up = functools.partialmethod(ns["up"], c=1.0)
    elif kind == "methodtype":
        init = Layer.__init__

        def bound_init(self, W):
            init(self, W)
            self.up = types.MethodType(ns["up"], self)
        Layer.__init__ = bound_init
    elif kind == "lambda":      # its source is readable: followed, or refused
        Layer.up = lambda self, w: setattr(self, "W", self.W * w + 1.0)
    else:                       # a def in this file, assigned after the class
        def up(self, w):
            self.W = self.W * w + 1.0
        Layer.up = up
    return Layer


def _programs(Layer):
    class Net:
        def __init__(self):
            self.layers = [Layer(np.ones(3)), Layer(2 * np.ones(3))]

    def items_of_attribute(w, net):
        for layer in net.layers:
            layer.up(w)
        return np.sum(net.layers[0].W * net.layers[1].W)

    def argument_object(w, layer):
        layer.up(w)
        return np.sum(layer.W * w)

    def built_object(w, unused):
        b = Layer(np.ones(3))
        b.up(w)
        return np.sum(b.W * w)

    def built_list(w, unused):
        bs = [Layer(np.ones(3)), Layer(w)]
        for b in bs:
            b.up(w)
        return np.sum(bs[0].W * bs[1].W)

    def argument_list(w, layers):
        for b in layers:
            b.up(w)
        return np.sum(layers[0].W * layers[1].W)

    def value_unused(w, layer):
        r = layer.up(w)
        return np.sum(layer.W * w) + (r is None)

    return {"items_of_attribute": (items_of_attribute, Net),
            "argument_object": (argument_object, lambda: Layer(np.ones(3))),
            "built_object": (built_object, lambda: None), "built_list": (built_list, lambda: None),
            "argument_list": (argument_list, lambda: Net().layers),
            "value_unused": (value_unused, lambda: Layer(np.ones(3)))}


_PROGRAMS = ("items_of_attribute", "argument_object", "built_object", "built_list", "argument_list", "value_unused")


_IN_BOTH_MODES = ("items_of_attribute", "built_list", "value_unused")     # the others: grad only


def _central_differences(f, w, make):
    h = 1e-6
    return np.array([(f(w + h * e, make()) - f(w - h * e, make())) / (2 * h) for e in np.eye(w.size)])


def _refused_or_checked(kind, only=None):
    """(program, mode, message) for the programs refused; the others checked."""
    refused = []
    for name, (f, make) in _programs(_layer_class(kind)).items():
        if only is not None and name not in only:
            continue
        want = _central_differences(f, W0, make)
        modes = {"grad": lambda: astgrad.grad(f)(W0, make()),
                 "jvp": lambda: astgrad.jvp(f, (W0, make()), (TANGENT, None))[1]}
        for mode, run in modes.items() if name in _IN_BOTH_MODES else [("grad", modes["grad"])]:
            try:
                got = run()
            except astgrad.TransformError as e:
                refused.append((name, mode, str(e)))
                continue
            np.testing.assert_allclose(got, want if mode == "grad" else want @ TANGENT, rtol=1e-6, atol=1e-6,
                                       err_msg=f"{kind} {mode} {name}")
    return refused


@pytest.mark.parametrize("kind", ["exec", "partialmethod", "methodtype", "lambda", "assigned_def"])
def test_each_program_matches_differences_or_is_refused(kind):
    # (readable methods: a few programs, as a check that they are not refused; a bound
    # method an instance holds whose value is unused: below)
    only = {"lambda": {"items_of_attribute", "argument_object"},
            "methodtype": {"items_of_attribute", "argument_object", "built_object"},
            "assigned_def": {"items_of_attribute", "built_list", "value_unused"}}.get(kind)
    refused = _refused_or_checked(kind, only or _PROGRAMS)
    if kind in ("exec", "partialmethod"):       # all refused, naming this file, the line and the method
        assert len(refused) == len(_PROGRAMS) + len(_IN_BOTH_MODES)
        for name, mode, message in refused:
            assert "test_unreadable_methods.py:" in message and "Layer.up" in message, (name, mode, message)
            assert "define Layer.up with def" in message, (name, mode, message)
    if kind == "assigned_def":  # a readable method is followed, not refused
        assert refused == []


def test_a_bound_method_held_by_the_object_whose_value_is_unused():
    """``self.up = types.MethodType(up, self)``, ``r = layer.up(w)`` with ``r`` unused:
    the layout names the bound method, so the call is followed as the method it is;
    ``up`` (made by exec) has no source to follow: refused in both modes, at the call,
    where it ran unseen (a gradient without the change ``up`` makes to ``layer.W``)."""
    Layer = _layer_class("methodtype")
    f, make = _programs(Layer)["value_unused"]
    for run in (lambda: astgrad.grad(f)(W0, make()), lambda: astgrad.jvp(f, (W0, make()), (TANGENT, None))):
        with pytest.raises(astgrad.TransformError) as caught:
            run()
        message = str(caught.value)
        assert "test_unreadable_methods.py:" in message and "r = layer.up(w)" in message, message
        assert "Layer.up" in message and "source astgrad cannot read" in message, message


def test_a_call_handed_nothing_whose_value_is_used_is_refused_too():
    """``r = b.bump()`` handed nothing, its value bound: the method doubled ``b.W``
    unseen (a gradient of 1 for 2). Unknown, so refused, as ``range(b.n())`` is."""
    Layer = _layer_class("exec")
    ns = {}
    exec("def bump(self):\n    self.W = self.W * 2.0\n", ns)
    Layer.bump = ns["bump"]

    def bumped(w):
        b = Layer(w)
        r = b.bump()
        return np.sum(b.W) + (r is None)
    with pytest.raises(astgrad.TransformError, match=r"test_unreadable_methods.py:\d+: .*Layer.bump, whose source"):
        astgrad.grad(bumped)(W0)
