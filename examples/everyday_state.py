"""Everyday Python state, differentiated as written: objects changed by their methods
(in a list, or in a list a model object holds; built by a helper and changed inside an
expression that reads them), a memo table filled by a recursive helper,
a Hessian-vector product of a function given Python lists, and segment pooling with the
tape's scatter_reduce. Run from the repository root:  python examples/everyday_state.py
"""

import numpy as np

import astgrad


class Layer:
    """A layer that keeps its last output on itself, as stateful model code often does."""

    def __init__(self, scale):
        self.scale = scale
        self.out = 0.0

    def forward(self, x):
        self.out = np.tanh(self.scale * x)


def loss(w, layers):
    # the methods change the caller's layers: the derivative works on copies of them
    for layer in layers:
        layer.forward(w)
    return sum(done.out for done in layers) * w


class Model:
    def __init__(self, layers):
        self.layers = layers


def model_loss(w, model):
    # the layers a model object holds, changed by their methods: followed on copies too
    for layer in model.layers:
        layer.forward(w)
    return model.layers[0].out * model.layers[1].out


class Accumulator:
    """Running values kept in an array that its methods change in place."""

    def __init__(self, data):
        self.data = data

    def scaled(self, k, c):
        self.data[k] *= c
        return np.sum(self.data)


def make_accumulator(values):
    acc = Accumulator(values)
    return acc


def accumulated(w):
    buf = np.sin(w)
    acc = make_accumulator(buf)                 # built by a helper of yours
    total = acc.data[0] + acc.scaled(0, w[1])   # an item read, then a method changing the object
    return total + np.sum(buf)                  # buf is the object's array: it sees the write


def quartic(v):
    return np.sum(np.square(v) ** 2)


def power(x, n, memo):
    # x ** n by halving, remembering each power once
    if n in memo:
        return memo[n]
    if n == 1:
        r = x
    else:
        half = power(x, n // 2, memo)
        r = half * half if n % 2 == 0 else half * half * x
    memo[n] = r
    return r


def tenth_power(x):
    return power(x, 10, {})


def central_difference(f, x, h=1e-6):
    return (f(x + h) - f(x - h)) / (2 * h)


def main():
    layers = [Layer(0.5), Layer(2.0)]
    g = astgrad.grad(loss)(0.3, layers)
    fresh = lambda w: loss(w, [Layer(0.5), Layer(2.0)])     # noqa: E731
    print(f"d loss / d w = {g:.6f}, matches finite differences: {np.isclose(g, central_difference(fresh, 0.3))}")
    print(f"the caller's layers unchanged by the gradient: {[layer.out for layer in layers] == [0.0, 0.0]}")

    model = Model([Layer(0.5), Layer(2.0)])
    gm = astgrad.grad(model_loss)(0.3, model)
    fresh_model = lambda w: model_loss(w, Model([Layer(0.5), Layer(2.0)]))     # noqa: E731
    print(f"d model_loss / d w = {gm:.6f}, matches finite differences: "
          f"{np.isclose(gm, central_difference(fresh_model, 0.3))}")

    w = np.array([0.3, 1.2, -0.4])
    ga = astgrad.grad(accumulated)(w)
    fd = np.array([central_difference(lambda t: accumulated(w + t * e), 0.0) for e in np.eye(3)])
    print(f"d accumulated / d w = {np.round(ga, 6).tolist()}, matches finite differences: {np.allclose(ga, fd)}")

    # Python lists where arrays are expected: NumPy reads them as arrays, and so do the tangents
    hv = astgrad.hvp(quartic)([1.0, 2.0], [1.0, 0.0])
    print(f"Hessian-vector product of sum(v**4) at [1, 2] along [1, 0]: {np.round(hv, 6).tolist()}, "
          f"equals [12, 0]: {np.allclose(hv, [12.0, 0.0])}")

    d10 = astgrad.grad(tenth_power)(1.1)
    print(f"d x**10 / dx at 1.1 = {d10:.6f}, equals 10 * 1.1**9: {np.isclose(d10, 10 * 1.1 ** 9)}")
    h10 = astgrad.hessian(tenth_power)(1.1)
    print(f"second derivative equals 90 * 1.1**8: {np.isclose(h10, 90 * 1.1 ** 8)}")

    # the largest score of each segment (nodes 0-2 in segment 0, nodes 3-4 in segment 1), as
    # graph networks pool node features; the gradient reaches each segment's winner
    scores = astgrad.tensor([0.2, 0.9, 0.4, 1.5, -0.3], requires_grad=True)
    segments = astgrad.tensor([0, 0, 0, 1, 1])
    pooled = astgrad.zeros(2).scatter_reduce(0, segments, scores, reduce="amax", include_self=False)
    (grad_scores,) = astgrad.autograd.grad(pooled.sum(), scores)
    print(f"pooled {pooled.tolist()}, gradient {grad_scores.tolist()}")


if __name__ == "__main__":
    main()
