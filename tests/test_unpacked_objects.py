"""An object the function builds holding a list of objects (``self.layers = [Layer(a),
Layer(b)]``), used through its attributes and methods: unpacked into local names and its
methods written in (unpacked_objects.py), then followed as the function's own code, or
refused naming the list where another name could see its items change."""

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_jvp


class Layer:
    def __init__(self, W, b=0.0):
        self.W = W
        self.b = b

    def up(self, w):
        self.W = self.W + w

    def update(self, w):        # (not dict.update: the item's class is known)
        self.W = self.W * w

    def out(self, x):
        return np.tanh(self.W * x + self.b)


class Net:
    def __init__(self, scale=2.0):
        self.layers = [Layer(np.ones(3)), Layer(scale * np.ones(3), 0.5)]
        self.scale = scale

    def __call__(self, x):
        return np.sum(self.forward(x)) * self.scale

    def forward(self, x):
        for layer in self.layers:
            x = layer.out(x)
        return x

    def step(self, w):
        for layer in self.layers:
            layer.up(w)

    def loss(self, w):
        return np.sum(self.layers[0].W * self.layers[1].W * w)


class SharingNet(Net):
    def grow(self):
        self.layers.append(Layer(3.0 * np.ones(3)))

    def twice(self):
        self.layers.append(self.layers[0])

    def handed(self):
        return self.layers


def stepped(w):                 # the base gave a zero gradient: layer.up(w) ran unseen
    net = Net()
    net.step(w)
    return np.sum(net.layers[0].W * net.layers[1].W)


def stepped_in_a_loop_and_a_branch(w):
    net = Net(3.0)
    for _ in range(2):
        if np.sum(w) > 0.0:
            net.step(w)
    return net(w) + net.loss(w)


def updated_items(w):
    net = Net()
    for layer in net.layers:
        layer.update(w)
    y = net.forward(w)
    return np.sum(y * net.layers[1].W)


def called_on_new_nets(w):     # the base: no adjoint rule for .out() (grow() changes the list it reads)
    y = Net().loss(w)
    z = SharingNet(0.5)(w)
    return y * z


def handed_out(w):             # net.handed() returns net.layers itself: both names see the step
    net = SharingNet()
    layers = net.handed()
    net.step(w)
    return np.sum(layers[0].W)


@pytest.mark.parametrize("f", [stepped, stepped_in_a_loop_and_a_branch, updated_items, called_on_new_nets, handed_out])
def test_a_built_net_is_followed_in_every_mode(f):
    w, direction = np.array([0.5, -1.0, 2.0]), np.array([0.3, 0.2, -0.4])
    gradient = astgrad.grad(f)
    assert_close(gradient(w), numerical_grad(f, (w,)))
    assert_close(astgrad.jvp(f, (w,), (direction,))[1], numerical_jvp(f, (w,), (direction,)))
    if f in (stepped, handed_out):
        assert_close(astgrad.hvp(f)(w, direction), numerical_jvp(gradient, (w,), (direction,)), rtol=1e-4)


def grown(w):
    net = SharingNet()
    net.grow()
    net.step(w)
    return np.sum(net.layers[2].W)


def held_twice(w):
    net = SharingNet()
    net.twice()
    net.step(w)
    return np.sum(net.layers[0].W)


@pytest.mark.parametrize("f", [grown, held_twice])
def test_a_list_another_name_may_see_change_is_refused_with_advice(f):
    w = np.array([0.5, -1.0, 2.0])
    with pytest.raises(astgrad.TransformError) as caught:
        astgrad.grad(f)(w)
    message = str(caught.value)
    assert "net.step(w)" in message
    assert "the items of net.layers, a list of objects the function builds, where net.layers is read only" in message


class Named:
    def __init__(self):
        first = Layer(np.ones(3))
        self.layers = [first, Layer(2.0 * np.ones(3))]

    def step(self, w):
        for layer in self.layers:
            layer.up(w)


class Built:
    def __init__(self):
        self.layers = [Layer(k * np.ones(3)) for k in (1.0, 2.0)]

    def step(self, w):
        for layer in self.layers:
            layer.up(w)


def named_item(w):
    net = Named()
    net.step(w)
    return np.sum(net.layers[0].W * net.layers[1].W)


def comprehension_items(w):
    net = Built()
    net.step(w)
    return np.sum(net.layers[0].W * net.layers[1].W)


@pytest.mark.parametrize("f", [named_item])
def test_an_unknown_item_changed_by_a_method_is_refused_not_lost(f):
    # the base gave a zero gradient: the items' classes were not known, layer.up(w) ran unseen
    w = np.array([0.5, -1.0, 2.0])
    with pytest.raises(astgrad.TransformError) as caught:
        astgrad.grad(f)(w)
    assert "the method call .up() of a Layer" in str(caught.value)


def test_items_a_comprehension_builds_changed_by_a_method_are_followed():
    # once refused with the named item above (and before that a zero gradient): the comprehension
    # over constants is the display [Layer(1.0 * ...), Layer(2.0 * ...)], whose items' methods are followed
    w = np.array([0.5, -1.0, 2.0])
    assert_close(astgrad.grad(comprehension_items)(w.copy()), numerical_grad(comprehension_items, (w.copy(),)))
    value, tangent = astgrad.jvp(comprehension_items, (w.copy(),), (np.ones(3),))
    assert value == pytest.approx(comprehension_items(w.copy()))
    assert tangent == pytest.approx(np.sum(3.0 + 2.0 * w))


def updated_on_a_given_net(w, net):
    for layer in net.layers:
        layer.update(w)
    return np.sum(net.layers[0].W * net.layers[1].W)


def test_a_method_named_update_on_an_item_of_a_given_net_is_followed():
    w = np.array([0.5, -1.0, 2.0])
    expected = numerical_grad(lambda v: updated_on_a_given_net(v, Net()), (w,))
    assert_close(astgrad.grad(updated_on_a_given_net)(w, Net()), expected)
