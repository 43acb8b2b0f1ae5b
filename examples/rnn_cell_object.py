"""An RNN cell object that keeps its state on itself, built and stepped inside the loss.

The loss builds a `Cell` from the weights, feeds it a sequence one step at a time
(`cell.step(x)` sets `self.h`, as a cell class in an object-oriented model does) and
scores the last hidden state. astgrad follows the object: `Cell(W, U)` runs its
`__init__`, each `cell.step(x)` is a new state of the object, and the gradient with
respect to the weights flows through every state, as backpropagation through time.

Run from the repository root:  python examples/rnn_cell_object.py
"""

import numpy as np

import astgrad

HIDDEN, INPUTS, T = 6, 3, 8


class Cell:
    """h_t = tanh(W h_{t-1} + U x_t), kept in self.h."""

    def __init__(self, W, U):
        self.W = W
        self.U = U
        self.h = np.zeros(W.shape[0])

    def step(self, x):
        self.h = np.tanh(self.W @ self.h + self.U @ x)
        return self.h


def loss(W, U, xs, target):
    cell = Cell(W, U)
    for x in xs:
        cell.step(x)
    return np.sum((cell.h - target) ** 2)


def finite_differences(f, args, index, eps=1e-6):
    value = args[index]
    out = np.zeros_like(value)
    for i in np.ndindex(value.shape):
        step = np.zeros_like(value)
        step[i] = eps
        up = list(args)
        down = list(args)
        up[index], down[index] = value + step, value - step
        out[i] = (f(*up) - f(*down)) / (2 * eps)
    return out


def main():
    rng = np.random.default_rng(0)
    W = rng.normal(size=(HIDDEN, HIDDEN)) * 0.3
    U = rng.normal(size=(HIDDEN, INPUTS)) * 0.5
    xs = rng.normal(size=(T, INPUTS))
    target = rng.uniform(-0.5, 0.5, HIDDEN)

    gradient = astgrad.grad(loss, wrt=("W", "U"))
    gW, gU = gradient(W, U, xs, target)
    ok = np.allclose(gW, finite_differences(loss, (W, U, xs, target), 0), rtol=1e-5, atol=1e-8) \
        and np.allclose(gU, finite_differences(loss, (W, U, xs, target), 1), rtol=1e-5, atol=1e-8)
    print("gradient through the cell's states matches finite differences:", ok)

    for step in range(101):
        if step % 50 == 0:
            print(f"step {step:3d}  loss {loss(W, U, xs, target):.6f}")
        gW, gU = gradient(W, U, xs, target)
        W, U = W - 0.02 * gW, U - 0.02 * gU


if __name__ == "__main__":
    main()
