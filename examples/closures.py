"""Everyday Python inside a differentiated function: a nested helper closing over a
parameter, a lambda handed to a module-level helper, a list of functions, map and
sorted with a key. astgrad follows each local function where it is called.

Run from the repository root:  python examples/closures.py
"""

import numpy as np

import astgrad


def apply_layers(layers, x):
    for layer in layers:
        x = layer(x)
    return x


def loss(w, x):
    def layer(v):                       # a closure over the parameter w
        return np.tanh(v @ w)

    layers = [layer, np.sin, lambda v: v * 2.0]
    out = apply_layers(layers, x)
    errors = list(map(lambda row: 0.5 * np.sum(row ** 2), out))
    worst = sorted(errors, reverse=True)[:2]   # the two largest errors, in order
    return worst[0] + worst[1]


rng = np.random.default_rng(0)
w = rng.standard_normal((3, 3))
x = rng.standard_normal((4, 3))

gradient = astgrad.grad(loss)(w, x)
h = 1e-6
e = np.zeros_like(w)
e[0, 1] = h
numeric = (loss(w + e, x) - loss(w - e, x)) / (2 * h)
print("loss                     =", loss(w, x))
print("d loss / d w[0, 1]       =", gradient[0, 1])
print("finite differences       =", numeric)
print("matches finite differences:", bool(np.isclose(gradient[0, 1], numeric, rtol=1e-5)))
