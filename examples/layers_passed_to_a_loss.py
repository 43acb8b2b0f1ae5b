"""A model object passed to a loss function: layer classes with __call__, a list of
layers, and a loss that calls the model's methods.

astgrad generates the gradient for the classes of the objects a call passes (the
model's class, and those of the layers its attributes hold), so ordinary object code
is differentiated as it is written. Passing a model built of other classes makes new
code for them. An array the model holds is differentiated with a path into the
argument, wrt="model.head.W".

Run from the repository root:  python examples/layers_passed_to_a_loss.py
"""

import numpy as np

import astgrad


class Dense:
    def __init__(self, W, b):
        self.W, self.b = W, b

    def __call__(self, x):
        return x @ self.W + self.b


class Tanh:
    def __call__(self, x):
        return np.tanh(x)


class Network:
    def __init__(self, layers, head):
        self.layers, self.head = layers, head

    def features(self, x):
        for layer in self.layers:
            x = layer(x)
        return x

    def predict(self, x):
        return self.head(self.features(x))[:, 0]

    def mse(self, x, y):
        return np.mean((self.predict(x) - y) ** 2)


def loss(x, model, y):
    """Mean squared error of the model's predictions, plus a little weight decay on the head."""
    return model.mse(x, y) + 1e-3 * np.sum(model.head.W ** 2)


def build_model(rng):
    return Network([Dense(rng.standard_normal((3, 5)) * 0.5, np.zeros(5)), Tanh(),
                    Dense(rng.standard_normal((5, 5)) * 0.5, np.zeros(5)), Tanh()],
                   Dense(rng.standard_normal((5, 1)) * 0.5, np.zeros(1)))


def main():
    rng = np.random.default_rng(0)
    x = rng.standard_normal((8, 3))
    y = np.sin(x[:, 0]) + x[:, 1] * x[:, 2]
    model = build_model(rng)

    dx = astgrad.grad(loss)(x, model, y)                     # with respect to the inputs
    h, e = 1e-6, np.zeros_like(x)
    e[2, 1] = h
    numeric = (loss(x + e, model, y) - loss(x - e, model, y)) / (2 * h)
    print("d loss / d x[2, 1]       =", dx[2, 1])
    print("finite differences       =", numeric)
    print("matches finite differences:", bool(np.isclose(dx[2, 1], numeric, rtol=1e-5)))

    # training the head: the gradient with respect to one array the model holds
    head_gradient = astgrad.grad(loss, wrt="model.head.W")
    for step in range(101):
        model.head.W = model.head.W - 0.1 * head_gradient(x, model, y)
        if step % 50 == 0:
            print(f"step {step:3d}  loss {loss(x, model, y):.4f}")

    # a bound method works the same way, for the classes its object's attributes hold
    print("grad(model.mse) agrees:", bool(np.allclose(astgrad.grad(model.mse)(x, y),
                                                      astgrad.grad(loss)(x, model, y))))


if __name__ == "__main__":
    main()
