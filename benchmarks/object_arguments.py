"""The cost of passing a model object to a loss: a gradient call of
examples/layers_passed_to_a_loss.py's loss(x, model, y), whose code follows the
classes of the layers the model holds (looked up at each call), against the same
computation written with the arrays as arguments, and against the loss itself. Run:

    PYTHONPATH=src python benchmarks/object_arguments.py
"""

import os
import sys
import timeit

import numpy as np

import astgrad

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "examples"))
from layers_passed_to_a_loss import build_model, loss  # noqa: E402


def plain(x, W1, b1, W2, b2, W3, b3, y):
    """loss(x, model, y) for build_model's network, the arrays passed one by one."""
    h = np.tanh(x @ W1 + b1)
    h = np.tanh(h @ W2 + b2)
    return np.mean(((h @ W3 + b3)[:, 0] - y) ** 2) + 1e-3 * np.sum(W3 ** 2)


def per_call(f, *args, number=2000):
    return min(timeit.repeat(lambda: f(*args), number=number, repeat=3)) / number * 1e6


def main():
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((8, 3)), rng.standard_normal(8)
    model = build_model(rng)
    first, second = model.layers[0], model.layers[2]
    arrays = (x, first.W, first.b, second.W, second.b, model.head.W, model.head.b, y)
    with_object, with_arrays = astgrad.grad(loss), astgrad.grad(plain)
    assert np.allclose(with_object(x, model, y), with_arrays(*arrays))
    print(f"grad(loss)(x, model, y):            {per_call(with_object, x, model, y):7.1f} us per call")
    print(f"the same with the arrays as arguments: {per_call(with_arrays, *arrays):7.1f} us per call")
    print(f"loss(x, model, y) itself:            {per_call(loss, x, model, y):7.1f} us per call")


if __name__ == "__main__":
    main()
