"""try/except inside a differentiated function: a fallback when a linear solve fails.

``fit_loss`` solves A x = b; when A is singular, ``np.linalg.solve`` raises
``LinAlgError`` and the function falls back to a ridge solution. An optional setting
is read with a ``KeyError`` fallback too. astgrad differentiates whichever path ran:
the gradient follows exactly the statements that completed.

Run from the repository root:  python examples/fallback_solve.py
"""

import numpy as np

import astgrad


def fit_loss(b, A, settings):
    try:
        x = np.linalg.solve(A, b)
    except np.linalg.LinAlgError:
        x = np.linalg.solve(A.T @ A + 1e-2 * np.eye(len(b)), A.T @ b)
    try:
        weight = settings["weight"]
    except KeyError:
        weight = 1.0
    return weight * np.sum(x * x)


def finite_differences(f, b, *rest, eps=1e-6):
    grad = np.zeros_like(b)
    for i in range(len(b)):
        step = np.zeros_like(b)
        step[i] = eps
        grad[i] = (f(b + step, *rest) - f(b - step, *rest)) / (2 * eps)
    return grad


def main():
    b = np.array([1.0, -0.5, 2.0])
    regular = np.array([[3.0, 1.0, 0.0], [1.0, 4.0, 0.5], [0.0, 0.5, 2.0]])
    singular = np.array([[1.0, 2.0, 3.0], [2.0, 4.0, 6.0], [0.0, 1.0, 1.0]])
    gradient = astgrad.grad(fit_loss)
    for label, A, settings in (("regular matrix", regular, {"weight": 0.5}), ("singular matrix", singular, {})):
        g = gradient(b, A, settings)
        expected = finite_differences(fit_loss, b, A, settings)
        print(f"{label}: gradient {np.round(g, 4)}, matches finite differences: "
              f"{np.allclose(g, expected, rtol=1e-5, atol=1e-6)}")
    print(gradient.source)


if __name__ == "__main__":
    main()
