"""Functions whose derivatives depend on what globals hold, for test_export_globals.py:
methods of a global object and of the objects a global list holds, a global function,
a global dict of functions, a method found on a global object's class and its keyword-only
default."""

import collections
import functools

import numpy as np


class Squash:
    def __init__(self, a):
        self.a = a

    def forward(self, x):
        return np.tanh(self.a * x)


class Square:
    def __init__(self, a):
        self.a = a

    def forward(self, x):
        return self.a * x * x


class Net:
    def __init__(self, layers):
        self.layers = layers

    def __call__(self, x):
        for layer in self.layers:
            x = layer.forward(x)
        return x


class Powered:
    def raise_to(self, x, *, p=2.0):
        return x ** p


NET = Net([Squash(0.5), Square(2.0)])
POWERED = Powered()
LAYERS = [Squash(0.5), Square(2.0)]
ACTIVATIONS = {"first": np.sin, "second": np.cos}
SQUASH = Squash(0.7)


def through_net(x):
    return np.sum(NET(x))


def through_layers(x):
    for layer in LAYERS:
        x = layer.forward(x)
    return np.sum(x)


def helper(x):
    return np.sin(x)


def cube(x):
    return x * x * x


def through_helper(x):
    return np.sum(helper(x))


def raised(x, p=2.0):
    return x ** p


def through_default(x):
    return np.sum(raised(x))


def raised_keyword(x, *, p=2.0):
    return x ** p


def through_keyword(x):
    return np.sum(raised_keyword(x))


def through_dict(x):
    return np.sum(ACTIVATIONS["first"](x))


def through_method(x):
    return np.sum(SQUASH.forward(x))


def through_method_keyword(x):
    return np.sum(POWERED.raise_to(x))


def own_defaults(x, p=2.0, *, q=3.0):
    return np.sum(x ** p) * q


COEFFICIENTS = {"a": 2.0, "b": 3.0}
CUBED = functools.partial(raised_keyword, p=3.0)
WEIGHTED = functools.partial(raised_keyword, p=np.array([1.0, 2.0, 3.0]))


def through_partial(x):
    return np.sum(CUBED(x))


def through_partial_of_an_array(x):
    return np.sum(WEIGHTED(x))


def through_coefficients(x):
    return np.sum(x * COEFFICIENTS["a"])


SCALE, POWER = 2.0, 3.0


def through_global_default(x, s=SCALE, *, p=POWER):
    return np.sum(s * x ** p)


SCALE = 5.0     # the default is what SCALE held when the def ran
SCALES = collections.OrderedDict(a=2.0)
WEIGHTS = np.array([0.5, 1.5, 2.5])


def through_array_default(x, s=WEIGHTS):
    return np.sum(s * x ** 2)


def through_ordered_dict(x):
    return np.sum(x * SCALES["a"])


COEFFICIENT_PAIR = (2.0, 3.0)


def through_tuple(x):
    a, b = COEFFICIENT_PAIR
    return np.sum(a * x + b * x ** 2)


def restore():
    """Every global as the module defines it."""
    global NET, LAYERS, ACTIVATIONS, SQUASH, COEFFICIENTS, COEFFICIENT_PAIR, helper
    NET = Net([Squash(0.5), Square(2.0)])
    LAYERS = [Squash(0.5), Square(2.0)]
    ACTIVATIONS = {"first": np.sin, "second": np.cos}
    SQUASH = Squash(0.7)
    COEFFICIENTS = {"a": 2.0, "b": 3.0}
    COEFFICIENT_PAIR = (2.0, 3.0)
    CUBED.keywords["p"] = 3.0
    helper = _helper
    Squash.forward = _squash_forward
    raised.__code__, raised.__defaults__ = _raised
    raised_keyword.__kwdefaults__["p"] = 2.0
    Powered.raise_to.__kwdefaults__["p"] = 2.0
    own_defaults.__defaults__, own_defaults.__kwdefaults__ = (2.0,), {"q": 3.0}
    through_array_default.__defaults__ = (WEIGHTS,)


_helper, _squash_forward, _raised = helper, Squash.forward, (raised.__code__, raised.__defaults__)
