"""Refusals of code astgrad writes into the function (the methods of an object it builds,
unpacked into local names; a helper storing into objects it is handed; a display of
displays split into names) name the line the user wrote, in the method or helper where
the refused construct is, and the call that runs it; and they spell what the user wrote
(``net.layers``, ``d["a"]``), never a name astgrad made up.

Each program once named the caller's line (``net.step(w)``), a made-up name (``d_0``,
``net`` for ``Net()``), or "what a call returned" for an object built in a display; and
``eval`` and ``locals()`` in a method written in once gave a zero gradient, unrefused."""

import inspect
import re

import numpy as np
import pytest

import astgrad


class Layer:
    def __init__(self, W):
        self.W = W

    def up(self, w):
        self.W = self.W + w

    def push(self, w, other):
        other.W = other.W + self.W * w


class Setter:
    def __init__(self, W):
        self.W = W

    def up(self, w):
        setattr(self, "W", self.W + w)


class Net:
    def __init__(self):
        self.layers = [Layer(np.ones(3)), Layer(2.0 * np.ones(3))]

    def grown_step(self, w):
        self.layers.append(Layer(np.ones(3)))
        for layer in self.layers:
            layer.up(w)                                     # r01

    def pushed(self, w):
        self.layers[0].push(w, self.layers[1])              # r02

    def evals(self, w):
        return eval("w")                                    # r03

    def outer(self, w):
        self.inner(w)                                       # r04 (the call of the inner method)

    def inner(self, w):
        self.layers.append(Layer(w))
        for layer in self.layers:
            layer.up(w)                                     # r04

    def looked_up(self, w):
        return np.sum(locals()["w"])                        # r06

    def rebound(self, w):
        for layer in self.layers:
            layer.up(w)                                     # r09
        layer = self.layers[0]
        return np.sum(layer.W)


class SetterNet:
    def __init__(self):
        self.layers = [Setter(np.ones(3)), Setter(2.0 * np.ones(3))]

    def step(self, w):
        for layer in self.layers:
            layer.up(w)                                     # r05


def bump(layer, w):
    layer.W = layer.W + eval("w")                           # r10


def grown(w):
    net = Net()
    net.grown_step(w)                                       # r01 (the call)
    return np.sum(net.layers[0].W)


def pushed(w):
    net = Net()
    net.pushed(w)                                           # r02 (the call)
    return np.sum(net.layers[1].W)


def evaluated(w):
    net = Net()
    return np.sum(net.evals(w))                             # r03 (the call)


def nested(w):
    net = Net()
    net.outer(w)                                            # r04 (the call of the outer method)
    return np.sum(net.layers[0].W)


def set_by_setattr(w):
    net = SetterNet()
    net.step(w)                                             # r05 (the call)
    return np.sum(net.layers[0].W)


def looked_up(w):
    net = Net()
    return net.looked_up(w)                                 # r06 (the call)


def bound_twice_at_once(w):
    d = {"a": [Layer(np.ones(3))]}
    first, second = d["a"], d["a"]
    first[0].up(w)                                          # r07
    return np.sum(second[0].W)


def split_dict(w):
    d = {"a": [Layer(np.ones(3))], "b": [Layer(np.ones(3))]}
    for b in d["a"]:
        b.up(w)                                             # r08
    b = d["b"][0]
    return np.sum(b.W)


def unnamed_net(w):
    return Net().rebound(w)                                 # r09 (the call)


def handed(w):
    layer = Layer(np.ones(3))
    bump(layer, w)                                          # r10 (the call)
    return np.sum(layer.W)


# program -> (what the message says, what it must not say: a name astgrad made up, or
# words that misname the construct)
CASES = {
    grown: (["in Net.grown_step", "the items of net.layers"], ["net_layers", "layer_grown_step"]),
    pushed: (["a call of Layer.push", "in Net.pushed"], ["net_layers"]),
    evaluated: (["eval (code in a string)", "in Net.evals"], ["w_evals"]),
    nested: (["in Net.inner", "self.inner(w)"], ["net_layers", "layer_inner"]),
    set_by_setattr: (["the call of Setter.up changes", "in SetterNet.step"], ["net_layers", "layer_step"]),
    looked_up: (["locals()", "in Net.looked_up"], []),
    bound_twice_at_once: (["a Layer object the function builds",
                           'here `first, second = d["a"], d["a"]` binds names to the same value'], ["what a call"]),
    split_dict: (['on an item of the list d["a"]', 'for t in d["a"]'], ["d_0", "d_1"]),
    unnamed_net: (["the items of Net().layers", "in Net.rebound"], ["net.layers", "net_layers"]),
    handed: (["eval (code in a string)", "in bump"], ["w_bump"]),
}


def _marked(label, before=False):
    """(line number, code) of the line of this file marked ``# label`` (the call's line
    where ``before``: marked ``# label (the call...``)."""
    lines, _ = inspect.findsource(inspect.getmodule(_marked))
    for number, line in enumerate(lines, 1):
        code, _, comment = line.partition("#")
        if comment.strip().startswith(label) and ("(the call" in comment) == before:
            return number, code.strip()
    raise LookupError(label)


@pytest.mark.parametrize("f", list(CASES), ids=lambda f: f.__name__)
def test_a_refusal_names_the_line_and_the_names_the_user_wrote(f):
    with pytest.raises(astgrad.TransformError) as caught:
        astgrad.grad(f)(np.array([0.3, -0.7, 1.1]))
    message, label = str(caught.value), re.search(r"# (r\d+)", inspect.getsource(f)).group(1)
    line, code = _marked(label)
    assert re.match(rf"\S*test_written_in_refusals.py:{line}: ", message)      # where the error is
    assert message.splitlines()[-1].strip().startswith(code)                    # and its text
    if "in Net." in message or "in bump" in message or "in SetterNet." in message:
        call_line, call = _marked(label, before=True)       # and the call that runs it, in the function
        assert f"test_written_in_refusals.py:{call_line}: {call}" in message
    said, unsaid = CASES[f]
    for text in said:
        assert text in message
    for text in unsaid:
        assert text not in message


def test_a_refusal_in_a_method_names_its_line_in_forward_mode_too():
    with pytest.raises(astgrad.TransformError) as caught:
        astgrad.jvp(set_by_setattr, (np.ones(3),), (np.ones(3),))
    assert re.match(rf"\S*test_written_in_refusals.py:{_marked('r05')[0]}: ", str(caught.value))
