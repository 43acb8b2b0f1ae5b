"""A network whose hidden layers each apply an activation function taken from a list.

ACTIVATIONS names the functions and LAYERS lists the one each hidden layer applies.
The loss loops over that global list: the gradient is generated for the functions it
holds now, and putting another function in the list makes new code at the next call
(never a stale gradient). A list of functions can also be an argument (the gradient is
made for the functions passed), or be built in the function itself by appending lambdas
in a loop.

Run from the repository root:  python examples/activation_functions.py
"""

import numpy as np

import astgrad


def softplus(z):
    return np.logaddexp(0.0, z)


def swish(z):
    return z / (1.0 + np.exp(-z))


ACTIVATIONS = {"tanh": np.tanh, "softplus": softplus, "swish": swish}
LAYERS = [ACTIVATIONS["tanh"], ACTIVATIONS["swish"]]


def predict(weights, biases, x):
    h = x
    for i, act in enumerate(LAYERS):
        h = act(h @ weights[i] + biases[i])
    return h @ weights[-1]


def loss(weights, biases, x, y):
    """Mean squared error of the network's predictions."""
    return np.mean((predict(weights, biases, x) - y) ** 2)


def ensemble_loss(weights, biases, x, y, heads):
    """The same network with each of ``heads`` (a list of functions, an argument) applied
    to its output in turn, and a penalty built by appending one lambda per scale."""
    out = predict(weights, biases, x)
    total = 0.0
    for head in heads:
        total = total + np.mean((head(out) - y) ** 2)
    penalties = []
    for k in range(3):
        penalties.append(lambda w, k=k: 1e-3 * (k + 1) * np.sum(w ** 2))
    return total + sum(p(weights[k]) for k, p in enumerate(penalties))


def numerical_grad(f, weights, biases, x, y, eps=1e-6):
    """Central differences of f with respect to each weight matrix."""
    out = []
    for W in weights:
        g = np.zeros_like(W)
        for i in np.ndindex(*W.shape):
            saved = W[i]
            W[i] = saved + eps
            up = f(weights, biases, x, y)
            W[i] = saved - eps
            down = f(weights, biases, x, y)
            W[i] = saved
            g[i] = (up - down) / (2 * eps)
        out.append(g)
    return out


def main():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((16, 3))
    y = np.sin(x[:, 0]) + 0.5 * x[:, 1]
    weights = [rng.standard_normal((3, 8)) * 0.5, rng.standard_normal((8, 8)) * 0.3, rng.standard_normal(8) * 0.3]
    biases = [np.zeros(8), np.zeros(8)]

    gradient = astgrad.grad(loss)
    g = gradient(weights, biases, x, y)
    fd = numerical_grad(loss, weights, biases, x, y)
    print("layers:", [f.__name__ for f in LAYERS])
    print("matches finite differences:", all(np.allclose(a, b, atol=1e-6) for a, b in zip(g, fd)))

    LAYERS[1] = ACTIVATIONS["softplus"]          # another activation: new code at the next call
    g = gradient(weights, biases, x, y)
    fd = numerical_grad(loss, weights, biases, x, y)
    print("layers:", [f.__name__ for f in LAYERS])
    print("after replacing an activation, matches finite differences:",
          all(np.allclose(a, b, atol=1e-6) for a, b in zip(g, fd)))

    heads = [np.tanh, softplus]
    g = astgrad.grad(ensemble_loss)(weights, biases, x, y, heads)
    fd = numerical_grad(lambda w, b, x, y: ensemble_loss(w, b, x, y, heads), weights, biases, x, y)
    print("heads passed as an argument, matches finite differences:",
          all(np.allclose(a, b, atol=1e-6) for a, b in zip(g, fd)))

    for step in range(101):
        value, (dw, db) = astgrad.value_and_grad(loss, wrt=(0, 1))(weights, biases, x, y)
        weights = [W - 0.1 * d for W, d in zip(weights, dw)]
        biases = [b - 0.1 * d for b, d in zip(biases, db)]
        if step % 50 == 0:
            print(f"step {step:3d}  loss {value:.4f}")


if __name__ == "__main__":
    main()
