"""What astgrad says and does in the user's own terms: a loop over a global object's list
of layers that is empty runs no step, as in Python (and the code is made again once the
list holds layers); a refused loop over zip shows the user's own loop and names; an
argument whose method appends to its list is called the argument, even where a global of
the same name exists."""

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_hessian, numerical_jvp


class Scale:
    def __init__(self, w):
        self.w = w

    def __call__(self, v):
        return np.sin(v) * self.w


class Net:
    def __init__(self, layers):
        self.layers = layers


NET = Net([])
LAYERS = []


def through_the_layers(x):
    y = x
    for layer in NET.layers:
        y = layer(y)
    return np.sum(y * y * x)


def through_the_layers_then_else(x):
    y = x
    for layer in LAYERS:
        y = layer(y)
    else:
        y = y * 3.0
    return np.sum(y * y * x)


@pytest.mark.parametrize("f", [through_the_layers, through_the_layers_then_else])
def test_a_loop_over_an_empty_global_list_of_layers_runs_no_step(f):
    x = np.array([0.3, -0.7])
    del NET.layers[:], LAYERS[:]
    for filled in (False, True):        # then with a layer: the code is made again
        assert_close(astgrad.grad(f)(x), numerical_grad(f, (x,)))
        assert_close(astgrad.jvp(f, (x,), (np.ones(2),))[1], numerical_jvp(f, (x,), (np.ones(2),)))
        assert_close(astgrad.hessian(f)(x), numerical_hessian(astgrad.grad(f), (x,)), rtol=1e-4, atol=1e-5)
        if not filled:
            NET.layers.append(Scale(2.0))
            LAYERS.append(Scale(-1.5))
    del NET.layers[:], LAYERS[:]


def zipped_with_an_argument(x, acts, scales):
    s = 0.0
    for act, c in zip(acts, scales):
        s = s + c * act(x[0])
    return s * x[1]


class Log:
    def __init__(self):
        self.items = []

    def log(self, v):
        self.items.append(v)


def logs_into_its_argument(m, x):
    m.log(x)
    return x * x


m = Log()       # a global of the argument's name: the argument hides it


def _line(f, offset):
    return rf"test_messages_in_users_terms\.py:{f.__code__.co_firstlineno + offset}: "


@pytest.mark.parametrize("f, args, message", [
    (zipped_with_an_argument, lambda: (np.array([0.4, 0.9]), [np.sin, np.tanh], [2.0, 3.0]),
     _line(zipped_with_an_argument, 3) + r"astgrad cannot differentiate a call of a function a loop over zip binds \(for act, c in zip\(acts, scales\)\) .*reading "
     r"the values by position \(for i, act in enumerate\(acts\): \.\.\. scales\[i\] \.\.\.\), or zip them with a "
     r"tuple or list display of the values \(zip\(acts, \(a, b\)\)\)"),
    (logs_into_its_argument, lambda: (Log(), 1.5),
     # the method's own line, written into the function where it is called: both named
     _line(Log.log, 1) + r"append to the list, dict or array this line writes into \(an item or "
     r"attribute of the argument m\) while another name may share its memory.*\(in Log\.log, which runs where "
     r"the function calls it, at .*test_messages_in_users_terms\.py:" + str(logs_into_its_argument.__code__.co_firstlineno + 1)
     + r": m\.log\(x\)\)"),
], ids=["zip", "argument"])
def test_a_refusal_names_the_users_loop_and_argument(f, args, message):
    given = args()
    wrt = 1 if f is logs_into_its_argument else 0
    with pytest.raises(astgrad.TransformError, match=message) as refused:
        astgrad.grad(f, wrt=wrt)(*given)
    assert "global" not in str(refused.value)
    assert m.items == [] and all(getattr(a, "items", []) == [] for a in given)
    assert_close(astgrad.grad(through_the_layers)(np.array([0.5])), np.array([0.75]))      # the next call works
