"""Objects built in the code, changed by the code: writes into an item of a list, dict
or array an object holds (``p.vals[0] = v`` on a dataclass, ``layer.W[i] = v`` on an
instance of a user class), the item written and stored back on the object; a function an
attribute holds assigned at the top level of the code (``layer.act = np.tanh``, ``=
None``), the methods called after it made for what it holds then. Every mode against
central finite differences (tests/breadth_modes.py); the twins where another name would
see the write, or where what the attribute holds is not known from the code, refused,
naming the line; a constructor or a module function changed between calls followed."""

import dataclasses

import numpy as np
import pytest

import astgrad
from breadth_modes import FIRST, check
from hunt4_programs import Linear, Polynomial, Sequential
from hunt5_programs import Layer as Layer5


@dataclasses.dataclass
class Hold:
    vals: list


@dataclasses.dataclass
class State:
    m: dict
    v: np.ndarray


class Layer:
    def __init__(self, W, act=None):
        """Stores what it is given."""
        self.W = W
        self.act = act
        self.scale = 2.0


def dataclass_list_field(x, w):
    p = Hold([x[0], x[1] * x[2]])
    p.vals[0] = p.vals[1] * w
    return p.vals[0] * x[2] + p.vals[1]


def layer_list_attribute(x, w):
    layer = Layer([x[:2], x[-2:]])
    layer.W[1] = layer.W[0] * w
    return np.sum(layer.W[1] * layer.W[0]) * layer.scale


def layer_array_attribute(x, w):
    layer = Layer(x * 1.0)
    layer.W[0] = np.sin(w)
    return np.sum(layer.W ** 2)


def dataclass_dict_field_in_a_loop(x, w):
    s = State({}, x * 0.0)
    for i in range(3):
        s.m[i] = x[i] * w + s.m.get(i - 1, 0.0)
    return s.m[2] * s.m[1]


# every first-order mode but value_and_grad, and four second-order ones (the file stays lean)
SOME = ("grad", "jvp", "vjp", "hessian", "jvp_of_grad", "vjp_of_grad", "grad_inside_def")
PROGRAMS = [dataclass_list_field, layer_list_attribute, layer_array_attribute]
ARGS = [(np.array([0.3, -0.7, 1.1]), 0.9), (np.array([0.5, 1.3, -0.4, 0.8]), -1.2)]


@pytest.mark.parametrize("mode", SOME)
@pytest.mark.parametrize("f", PROGRAMS, ids=lambda f: f.__name__)
def test_item_of_an_attribute_written(mode, f):
    for args in ARGS if mode in FIRST else [ARGS[SOME.index(mode) % 2]]:     # (lean: one in turn)
        check(mode, f, args, (0, 1))


@pytest.mark.parametrize("mode", ("grad", "jvp", "vjp", "value_and_grad"))
def test_dict_field_written_in_a_loop(mode):
    check(mode, dataclass_dict_field_in_a_loop, ARGS[0], (0, 1))


def test_dict_field_written_in_a_loop_twice_differentiated_is_refused():
    """The reverse sweep undoes each write into a copy of the dict held by a new object
    each step; astgrad does not follow that a second time, and says where."""
    with pytest.raises(astgrad.TransformError, match="test_object_items.py:.*differentiated twice"):
        astgrad.hessian(dataclass_dict_field_in_a_loop, wrt=0)(*ARGS[0])


# -- twins: another name would see the write ---------------------------------------------

def kept_list_given_to_a_dataclass(x, w):
    v = [x[0], x[1]]
    p = Hold(v)
    p.vals[0] = p.vals[1] * w
    return v[0] * x[2]


def kept_array_given_to_a_layer(x, w):
    a = x * 1.0
    layer = Layer(a)
    layer.W[0] = w
    return np.sum(a * x)


def one_list_in_two_layers(x, w):
    shared = [x[0], x[1]]
    a = Layer(shared)
    b = Layer(shared)
    a.W[1] = x[2] * w
    return b.W[1] * x[0]


@pytest.mark.parametrize("f", [kept_list_given_to_a_dataclass, kept_array_given_to_a_layer,
                               one_list_in_two_layers], ids=lambda f: f.__name__)
def test_write_another_name_would_see_is_refused(f):
    with pytest.raises(astgrad.TransformError, match="test_object_items.py:"):
        astgrad.grad(f, wrt=(0, 1))(*ARGS[0])
    with pytest.raises(astgrad.TransformError, match="test_object_items.py:"):
        astgrad.jvp(f, ARGS[0], (np.ones(3), 1.0))


class Twice:
    def __init__(self, W):
        self.W = W
        self.V = W


def one_list_under_two_attributes(x, w):
    t = Twice([x[0], x[1]])
    t.W[0] = x[2] * w
    return t.V[0] * x[1]


def test_one_list_under_two_attributes_is_refused():
    """``self.V = W`` too: the object holds the list twice, so the write shows in both;
    refused when the derivative is called, naming the line."""
    with pytest.raises(TypeError, match="astgrad: .*test_object_items.py:.* holds that item"):
        astgrad.grad(one_list_under_two_attributes, wrt=(0, 1))(*ARGS[0])


class Rebuilt:
    def __init__(self, W):
        self.W = W


def rebuilt_layer(x, w):
    layer = Rebuilt([x[0], x[1]])
    layer.W[0] = layer.W[1] * w
    return layer.W[0] * x[2]


def test_constructor_changed_between_calls_is_followed():
    g = astgrad.grad(rebuilt_layer, wrt=(0, 1))
    x, w = ARGS[0]
    first = g(x, w)
    np.testing.assert_allclose(first[0], [0.0, w * x[2], x[1] * w])
    original = Rebuilt.__init__

    def scaled(self, W):
        self.W = [v * 3.0 for v in W]
    Rebuilt.__init__ = scaled
    try:
        dx, dw = g(x, w)
    finally:
        Rebuilt.__init__ = original
    np.testing.assert_allclose(dx, [0.0, 3.0 * w * x[2], 3.0 * x[1] * w])
    np.testing.assert_allclose(dw, 3.0 * x[1] * x[2])


# -- a function an attribute holds, assigned in the code -----------------------------------

class Act(Layer5):
    """hunt5's layer (``if self.act is not None: h = self.act(h)``), with a method
    assigning its function."""

    def use_sin(self):
        self.act = np.sin
        return 0.0


def act_assigned_a_function(x, w):
    layer = Act(w)
    a = np.sum(layer(x))
    layer.act = np.tanh
    return a * np.sum(layer(x) ** 2)


def act_assigned_none(x, w):
    layer = Act(w, np.exp)
    a = np.sum(layer(x))
    layer.act = None
    return a + np.sum(layer(x) ** 3)


def act_assigned_a_module_function(x, w):
    layer = Act(w, np.sin)
    layer.act = squash
    return np.sum(layer(layer(x)))


def squash(z):
    return np.tanh(z)


ACTS = [act_assigned_a_function, act_assigned_none, act_assigned_a_module_function]


@pytest.mark.parametrize("mode", SOME)
@pytest.mark.parametrize("f", ACTS, ids=lambda f: f.__name__)
def test_function_attribute_assigned(mode, f):
    check(mode, f, ARGS[SOME.index(mode) % 2], (0, 1))


def test_function_attribute_module_function_redefined_after_grad():
    global squash
    g = astgrad.grad(act_assigned_a_module_function, wrt=1)
    x, w = ARGS[0]
    before = squash
    np.testing.assert_allclose(g(x, w), _numerical_w(act_assigned_a_module_function, x, w), rtol=1e-6)

    def squash(z):
        return np.sin(2.0 * z)
    try:
        np.testing.assert_allclose(g(x, w), _numerical_w(act_assigned_a_module_function, x, w), rtol=1e-6)
    finally:
        squash = before


def _numerical_w(f, x, w, eps=1e-6):
    return (f(x, w + eps) - f(x, w - eps)) / (2 * eps)


def act_assigned_in_a_branch(x, w):
    layer = Act(w)
    if x[0] > 0:
        layer.act = np.tanh
    return np.sum(layer(x))


def act_assigned_in_a_loop(x, w):
    layer = Act(w, np.sin)
    s = 0.0
    for _ in range(2):
        s = s + np.sum(layer(x))
        layer.act = np.cos
    return s


def act_assigned_by_a_method(x, w):
    layer = Act(w, np.tanh)
    a = np.sum(layer(x))
    layer.use_sin()
    return a + np.sum(layer(x))


@pytest.mark.parametrize("f", [act_assigned_in_a_branch, act_assigned_in_a_loop, act_assigned_by_a_method],
                         ids=lambda f: f.__name__)
def test_function_attribute_assigned_where_not_followed_is_refused(f):
    """What the attribute holds when it is called is not known from the code: refused
    (the call of ``self.act``, or the method assigning it), never the function the object
    held when it was built."""
    where = r"(test_object_items|hunt5_programs)\.py:\d+"        # the write, or the call of self.act
    with pytest.raises(astgrad.TransformError, match=where):
        astgrad.grad(f, wrt=(0, 1))(*ARGS[0])
    with pytest.raises(astgrad.TransformError, match=where):
        astgrad.jvp(f, ARGS[0], (np.ones(3), 1.0))


# -- layers given as *layers, a list mixing objects with a NumPy function ---------------------

class Stack:
    def __init__(self, *layers):
        self.layers = layers

    def __call__(self, v):
        for layer in self.layers:
            v = layer(v)
        return v


def sequential_of_layers_and_tanh(x, w):
    net = Sequential(Linear(w[:2], np.array([0.1, -0.1])), np.tanh, Linear(np.array([[1.0, -2.0]]), 0.0))
    return net(x)[0]


def stack_of_sin_and_layers(x, w):
    net = Stack(np.sin, Linear(w, 0.5), np.exp)
    return np.sum(net(x))


MATRIX = np.array([[0.3, -0.2, 0.5], [0.1, 0.4, -0.6], [0.2, 0.2, 0.1]])


@pytest.mark.parametrize("mode", SOME)
@pytest.mark.parametrize("f", [sequential_of_layers_and_tanh, stack_of_sin_and_layers], ids=lambda f: f.__name__)
def test_layers_given_as_star_args(mode, f):
    check(mode, f, (ARGS[0][0], MATRIX), (0, 1))


def sequential_given_a_kept_list(x, w):
    layers = [Linear(w, 0.5), np.tanh]
    net = Sequential(*layers)
    return np.sum(net(x))


def test_star_args_of_a_list_name_is_refused():
    """``Sequential(*layers)`` spreading a list under a name: refused at that line."""
    with pytest.raises(astgrad.TransformError, match=r"test_object_items.py:\d+: .*\n.*Sequential\(\*layers\)"):
        astgrad.grad(sequential_given_a_kept_list, wrt=1)(ARGS[0][0], MATRIX)


def polynomial_and_its_derivative(x, w):
    p = Polynomial([x[0], x[1] * w, x[2]])
    return p(w) + p.derivative()(0.5)


@pytest.mark.parametrize("mode", ("hessian", "vjp_of_grad", "grad_inside_def"))
def test_object_built_from_a_slice_of_a_list_twice_differentiated(mode):
    """``Polynomial(items[1:])`` in a method: the second derivative gives the slice a
    zero derivative where nothing reaches it."""
    check(mode, polynomial_and_its_derivative, ARGS[0], (0, 1))
