"""Functions mapped over rows and elements, and an optimizer step written as a helper,
differentiated as written:

- ``np.apply_along_axis(fn, axis, a, ...)`` runs your function on each row, and astgrad
  follows it there (a per-row softplus normalisation);
- ``np.vectorize(fn)`` runs a scalar function of Python numbers (with an ``if`` in it) on
  each element: as a decorator, bound once to a name, or called where it is made;
- a helper storing into objects the function builds: ``sgd(layers, grads, lr)`` over a
  list of them, ``bump(layer, w)`` on one, so that the loss after a few training steps
  can be differentiated with respect to the learning rate;
- a stack of layers as long as the list of weights the caller hands over, built by a
  comprehension, each changed by its own method (``layer.step(lr)`` storing ``self.W``).
- a helper appending each loss to its default list, ``def logged(loss, history=[])``,
  which Python makes once and keeps from call to call: a log that each gradient call
  appends to once, as calling the function does.

Each derivative is checked against central finite differences.
Run from the repository root:  python examples/rows_elements_and_optimizer_steps.py
"""

import math

import numpy as np

import astgrad


# -- np.apply_along_axis: each row turned into shares that sum to one ------------------

def softplus_shares(row, temperature):
    weights = np.logaddexp(0.0, row / temperature)      # softplus, positive
    return weights / np.sum(weights)


def share_loss(scores, temperature, targets):
    shares = np.apply_along_axis(softplus_shares, 1, scores, temperature)
    return np.sum((shares - targets) ** 2)


# -- np.vectorize: a scalar function with a branch, mapped over elements ---------------

@np.vectorize
def huber(r):
    return 0.5 * r * r if abs(r) < 1.0 else abs(r) - 0.5


def log1p_exp(v):
    return v + math.log1p(math.exp(-v)) if v > 0 else math.log1p(math.exp(v))


def robust_fit_loss(w, X, y):
    residuals = X @ w - y
    smooth = np.vectorize(log1p_exp)            # bound once, then called
    return np.mean(huber(residuals)) + 0.1 * np.sum(smooth(w)) + np.vectorize(math.tanh)(w[0])


# -- a helper storing into objects the function builds ---------------------------------

class Layer:
    def __init__(self, W):
        self.W = W


def sgd(layers, grads, lr):
    for layer, g in zip(layers, grads):
        layer.W = layer.W - lr * g


def bump(layer, w):
    layer.W = layer.W * w


def loss_after_training(lr, W1, W2, x, y):
    """The loss of a two-layer linear model after three plain gradient steps."""
    layers = [Layer(W1), Layer(W2)]
    for _ in range(3):
        h = x @ layers[0].W
        r = h @ layers[1].W - y
        sgd(layers, [x.T @ (r @ layers[1].W.T), h.T @ r], lr)
    head = Layer(layers[1].W)
    bump(head, 0.5 + lr)
    return np.mean((x @ layers[0].W @ head.W - y) ** 2)


# -- a stack of layers whose length is known only when the code runs -------------------

class Scaler:
    def __init__(self, W):
        self.W = W

    def step(self, lr):
        self.W = self.W - lr * np.tanh(self.W)


def stack_loss(lr, Ws, x):
    """The output of a stack of tanh layers, one per weight matrix in Ws, after each
    layer took one step of its own."""
    stack = [Scaler(Ws[i]) for i in range(len(Ws))]
    for layer in stack:
        layer.step(lr)
    h = x
    for layer in stack:
        h = np.tanh(h @ layer.W)
    return np.sum(h ** 2)


# -- a helper logging to its default list ----------------------------------------------

def logged(loss, history=[]):       # noqa: B006 - a default list, made once: the log Python keeps
    history.append(loss)
    return loss


def fit_loss(w, X, y):
    return logged(np.mean((np.tanh(X @ w) - y) ** 2)) + 0.01 * np.sum(w ** 2)


def central_difference(f, x, h=1e-6):
    x = np.asarray(x, dtype=float)
    out = np.zeros_like(x)
    for i in np.ndindex(x.shape):
        e = np.zeros_like(x)
        e[i] = h
        out[i] = (f(x + e) - f(x - e)) / (2 * h)
    return out


def main():
    rng = np.random.default_rng(0)

    scores, targets = rng.standard_normal((3, 4)), np.full((3, 4), 0.25)
    d_scores, d_temperature = astgrad.grad(share_loss, wrt=(0, 1))(scores, 1.5, targets)
    print("apply_along_axis: d loss / d scores matches finite differences:",
          np.allclose(d_scores, central_difference(lambda s: share_loss(s, 1.5, targets), scores), atol=1e-8))
    print("apply_along_axis: d loss / d temperature matches finite differences:",
          np.isclose(d_temperature, central_difference(lambda t: share_loss(scores, t, targets), 1.5)))

    X, w = rng.standard_normal((6, 2)), np.array([0.7, -1.2])
    y = X @ np.array([1.0, -2.0]) + np.array([0.1, -0.2, 3.0, 0.0, -2.5, 0.3])     # two outliers
    g = astgrad.grad(robust_fit_loss)(w, X, y)
    print("vectorize: gradient matches finite differences:",
          np.allclose(g, central_difference(lambda v: robust_fit_loss(v, X, y), w), atol=1e-8))
    hess = astgrad.hessian(robust_fit_loss)(w, X, y)
    numeric = central_difference(lambda v: astgrad.grad(robust_fit_loss)(v, X, y)[0], w)
    print("vectorize: Hessian matches finite differences:", np.allclose(hess[0], numeric, atol=1e-6))

    x, W1, W2 = rng.standard_normal((5, 3)), 0.3 * rng.standard_normal((3, 2)), 0.3 * rng.standard_normal((2, 1))
    y = rng.standard_normal((5, 1))
    d_lr = astgrad.grad(loss_after_training)(0.05, W1, W2, x, y)
    print(f"sgd helper: d loss / d lr = {d_lr:.6f}")
    print("sgd helper: d loss / d lr matches finite differences:",
          np.isclose(d_lr, central_difference(lambda lr: loss_after_training(lr, W1, W2, x, y), 0.05)))

    Ws, x = [0.5 * rng.standard_normal((3, 3)) for _ in range(4)], rng.standard_normal((2, 3))
    print("layer stack: d loss / d lr matches finite differences:",
          np.isclose(astgrad.grad(stack_loss)(0.1, Ws, x), central_difference(lambda lr: stack_loss(lr, Ws, x), 0.1)))
    second = central_difference(lambda lr: astgrad.grad(stack_loss)(lr, Ws, x), 0.1)
    print("layer stack: second derivative matches finite differences:",
          np.isclose(astgrad.hessian(stack_loss)(0.1, Ws, x), second, rtol=1e-5))

    X, y, w = rng.standard_normal((8, 2)), rng.standard_normal(8), np.array([0.3, -0.4])
    print("logged helper: gradient matches finite differences:",
          np.allclose(astgrad.grad(fit_loss)(w, X, y), central_difference(lambda v: fit_loss(v, X, y), w)))
    history = logged.__defaults__[0]        # the list Python keeps
    history.clear()
    step = astgrad.value_and_grad(fit_loss)
    losses = []
    for _ in range(5):
        value, g = step(w, X, y)
        losses.append(value - 0.01 * np.sum(w ** 2))
        w = w - 0.5 * g
    print(f"logged helper: the history holds the {len(history)} losses of the {len(losses)} steps:",
          np.allclose(history, losses, rtol=1e-12, atol=0.0))

    # the generated gradient: a loop over the rows calling softplus_shares, and a loop
    # back over them calling its own generated gradient, grad_softplus_shares
    print(astgrad.grad(share_loss).source)


if __name__ == "__main__":
    main()
