"""A small model class trained with astgrad.grad(model.loss, wrt=("self.W", "self.b")).

The parameters live on the object; loss calls forward, forward reads a property and a
static method. The gradient follows every read of self.W and self.b, and since
attributes are read when the code runs, updating them in place of the old values
is all a training step needs. A dataclass of parameters works the same way, with
the gradient coming back as an instance of the dataclass.
"""

import dataclasses

import numpy as np

import astgrad


class Regressor:
    def __init__(self, n_in, n_hidden, rng):
        self.W = rng.normal(size=(n_hidden, n_in)) * 0.5
        self.b = np.zeros(n_hidden)
        self.v = rng.normal(size=n_hidden) * 0.5

    @staticmethod
    def activation(z):
        return np.tanh(z)

    @property
    def penalty(self):
        return 1e-3 * np.sum(self.W ** 2)

    def forward(self, X):
        return self.activation(X @ self.W.T + self.b) @ self.v

    def loss(self, X, y):
        residual = self.forward(X) - y
        return np.mean(residual ** 2) + self.penalty


@dataclasses.dataclass
class Linear:
    w: np.ndarray
    c: float


def linear_loss(params, X, y):
    return np.mean((X @ params.w + params.c - y) ** 2)


def main():
    rng = np.random.default_rng(0)
    X = rng.normal(size=(64, 3))
    y = np.sin(X[:, 0]) + 0.5 * X[:, 1] * X[:, 2]

    model = Regressor(3, 8, rng)
    gradient = astgrad.grad(model.loss, wrt=("self.W", "self.b", "self.v"))
    print("generated gradient:")
    print(gradient.source)
    for step in range(301):
        dW, db, dv = gradient(X, y)
        model.W = model.W - 0.1 * dW
        model.b = model.b - 0.1 * db
        model.v = model.v - 0.1 * dv
        if step % 100 == 0:
            print(f"step {step:3d}  loss {model.loss(X, y):.4f}")

    params = Linear(np.zeros(3), 0.0)
    linear_gradient = astgrad.grad(linear_loss)
    for _ in range(200):
        g = linear_gradient(params, X, y)          # a Linear holding the gradients
        params = Linear(params.w - 0.1 * g.w, params.c - 0.1 * g.c)
    print(f"dataclass gradient: {type(g).__name__}; linear fit loss {linear_loss(params, X, y):.4f}")


if __name__ == "__main__":
    main()
