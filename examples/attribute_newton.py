"""Newton's method on parameters held by an object: the Hessian of a method's loss with
respect to an attribute, astgrad.hessian(model.loss, wrt="self.w").

A logistic regression keeps its weights on the object (self.w) and a temperature
(self.t). Each Newton step solves H p = -g with g = grad(model.loss, wrt="self.w") and
H = hessian(model.loss, wrt="self.w"): the gradient's generated code, differentiated in
forward mode. Attributes are read when the code runs, so the step just assigns
model.w. grad(grad(model.loss, wrt="self.t"), wrt="X") shows a second derivative mixing
an attribute and an argument.

Run from the repository root:  python examples/attribute_newton.py
"""

import numpy as np

import astgrad


class LogisticModel:
    def __init__(self, n_features, t=1.0, ridge=1e-2):
        self.w = np.zeros(n_features)
        self.t = t
        self.ridge = ridge

    def logits(self, X):
        return X @ self.w / self.t

    def loss(self, X, y):
        z = self.logits(X)
        # log(1 + exp(z)) - y z, written stably
        return np.mean(np.logaddexp(0.0, z) - y * z) + self.ridge * np.sum(self.w ** 2)


def main():
    rng = np.random.default_rng(1)
    X = rng.normal(size=(200, 3))
    true_w = np.array([1.5, -2.0, 0.5])
    y = (rng.random(200) < 1.0 / (1.0 + np.exp(-X @ true_w))).astype(float)

    model = LogisticModel(3)
    gradient = astgrad.grad(model.loss, wrt="self.w")
    hessian = astgrad.hessian(model.loss, wrt="self.w")
    for step in range(6):
        g, H = gradient(X, y), hessian(X, y)
        print(f"step {step}  loss {model.loss(X, y):.10f}  |grad| {np.linalg.norm(g):.2e}")
        model.w = model.w - np.linalg.solve(H, g)
    assert np.linalg.norm(gradient(X, y)) < 1e-10
    print("fitted w:", np.round(model.w, 4))

    # the Hessian against finite differences of the gradient
    h, w0 = 1e-6, model.w.copy()
    columns = []
    for k in range(3):
        model.w = w0 + h * np.eye(3)[k]
        up = gradient(X, y)
        model.w = w0 - h * np.eye(3)[k]
        columns.append((up - gradient(X, y)) / (2 * h))
    model.w = w0
    H = hessian(X, y)
    matches = np.allclose(H, np.stack(columns, axis=1), atol=1e-7)
    print("Hessian matches finite differences:", matches)
    v = np.array([1.0, 0.0, -1.0])
    print("hvp equals H @ v:", np.allclose(astgrad.hvp(model.loss, wrt="self.w")(X, y, v), H @ v))
    assert matches

    # a mixed second derivative: how the temperature's gradient changes with X[0, 0]
    mixed = astgrad.grad(astgrad.grad(model.loss, wrt="self.t"), wrt="X")(X, y)
    model.t, t0 = 1.0 + h, 1.0
    up = astgrad.grad(model.loss)(X, y)
    model.t = t0 - h
    down = astgrad.grad(model.loss)(X, y)
    model.t = t0
    matches = np.allclose(mixed, (up - down) / (2 * h), atol=1e-7)
    print("d2 loss / dt dX matches finite differences:", matches)
    assert matches


if __name__ == "__main__":
    main()
