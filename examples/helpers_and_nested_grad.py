"""Code written the way people write it: a plain-Python flatten helper that appends to a
list it is given, a helper that writes into its argument, a gradient taken inside the
function being differentiated (made by a helper that returns it), and a model returning
a one-element array.

Run from the repository root:  python examples/helpers_and_nested_grad.py
"""

import numpy as np

import astgrad


def collect(value, leaves):
    """Append every array in a nested structure to ``leaves`` (recursively)."""
    if isinstance(value, (list, tuple)):
        for item in value:
            collect(item, leaves)
    else:
        leaves.append(value)


def clip_in_place(v, limit):
    v[v > limit] = limit                 # writes into the caller's array, as NumPy does


def energy(z):
    return np.sum(np.cos(z) * z ** 2)


def slope_of(fn):
    return astgrad.grad(fn)              # a gradient as a value, returned to the caller


def loss(params, x):
    leaves = []
    collect(params, leaves)              # [W, b, (c,)] -> [W, b, c]
    W, b, c = leaves
    h = np.tanh(x @ W + b)
    clip_in_place(h, 0.9)
    force = slope_of(energy)(h)          # a gradient inside the function: differentiated again
    return np.sum(force * c) + 0.1 * np.sum(h ** 2)


def linear_model(w, x):
    return x @ w                         # shape (1,): grad takes the one element


if __name__ == "__main__":          # importable without running (an exported gradient imports it)
    rng = np.random.default_rng(0)
    params = [rng.standard_normal((3, 2)), rng.standard_normal(2), (rng.standard_normal(2),)]
    x = rng.standard_normal((4, 3))

    gradient = astgrad.grad(loss)(params, x)
    h = 1e-6
    shifted_up = [params[0].copy(), params[1], params[2]]
    shifted_down = [params[0].copy(), params[1], params[2]]
    shifted_up[0][1, 0] += h
    shifted_down[0][1, 0] -= h
    numeric = (loss(shifted_up, x) - loss(shifted_down, x)) / (2 * h)
    print("gradient structure        :", type(gradient).__name__, [np.shape(g) for g in gradient[:2]],
          type(gradient[2]).__name__)
    print("d loss / d W[1, 0]        =", gradient[0][1, 0])
    print("finite differences        =", numeric)
    print("matches finite differences:", bool(np.isclose(gradient[0][1, 0], numeric, rtol=1e-5, atol=1e-8)))

    w = rng.standard_normal(3)
    print("one-element output, grad  =", astgrad.grad(linear_model)(w, x[:1]), "(equals x[0]:",
          bool(np.allclose(astgrad.grad(linear_model)(w, x[:1]), x[0])), end=")\n")
