"""Logistic regression trained by gradient descent on an astgrad-generated gradient.

Run from the repository root:  python examples/logistic_regression.py
"""

import numpy as np

import astgrad


def mean_log_loss(w, X, y):
    """The mean negative log-likelihood of labels y (0 or 1) under weights w."""
    p = 1.0 / (1.0 + np.exp(-(X @ w)))
    return -np.mean(y * np.log(p) + (1.0 - y) * np.log(1.0 - p))


def accuracy(w, X, y):
    return np.mean((X @ w > 0) == (y == 1))


def main():
    # Synthetic data: linearly separable up to label noise.
    rng = np.random.default_rng(0)
    X = rng.normal(size=(200, 5))
    w_true = np.array([1.5, -2.0, 0.5, 1.0, -0.5])
    y = (X @ w_true + 0.3 * rng.normal(size=200) > 0).astype(float)

    loss_and_grad = astgrad.value_and_grad(mean_log_loss)   # with respect to w (argument 0)
    w = np.zeros(5)
    learning_rate = 0.5
    first_loss = mean_log_loss(w, X, y)
    for step in range(101):
        loss, dw = loss_and_grad(w, X, y)
        if step % 20 == 0:
            print(f"step {step:3d}  loss {loss:.4f}  accuracy {accuracy(w, X, y):.3f}")
        w = w - learning_rate * dw

    final_loss, final_accuracy = mean_log_loss(w, X, y), accuracy(w, X, y)
    print(f"final     loss {final_loss:.4f}  accuracy {final_accuracy:.3f}")
    print("learned w:", np.round(w, 2), " true w:", w_true)
    assert final_loss < first_loss, (first_loss, final_loss)
    assert final_accuracy > 0.8, final_accuracy


if __name__ == "__main__":
    main()
