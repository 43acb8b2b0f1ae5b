"""Newton's method on the Rosenbrock function, with an astgrad-generated Hessian.

astgrad.hessian(f) is forward mode applied to the generated gradient of f (itself
Python source), so each Newton step solves H(x) p = -g(x) with exact second
derivatives. A backtracking line search keeps the steps safe far from the minimum;
near it the full step is taken and convergence is quadratic.

Run from the repository root:  python examples/newton.py
"""

import numpy as np

import astgrad


def rosenbrock(x):
    """The n-dimensional Rosenbrock function; its minimum is 0 at x = (1, ..., 1)."""
    return np.sum(100.0 * (x[1:] - x[:-1] ** 2) ** 2 + (1.0 - x[:-1]) ** 2)


def newton_step(H, g):
    """Solve (H + shift * I) p = -g with the smallest shift (0 if possible) that makes
    the matrix positive definite, so that p is a descent direction."""
    shift = 0.0
    while True:
        try:
            L = np.linalg.cholesky(H + shift * np.eye(len(g)))
            return -np.linalg.solve(L.T, np.linalg.solve(L, g))
        except np.linalg.LinAlgError:
            shift = max(2.0 * shift, 1e-3 * np.max(np.abs(np.diag(H))) + 1e-8)


def newton(f, x, tolerance=1e-10, max_iterations=100):
    value_and_gradient = astgrad.value_and_grad(f)
    hessian = astgrad.hessian(f)
    for iteration in range(max_iterations):
        value, g = value_and_gradient(x)
        print(f"iter {iteration:2d}  loss {value:.6e}  |grad| {np.linalg.norm(g):.3e}")
        if np.linalg.norm(g) < tolerance:
            return x, iteration
        step = newton_step(hessian(x), g)
        t = 1.0
        while f(x + t * step) > value + 1e-4 * t * np.dot(g, step) and t > 1e-10:
            t *= 0.5
        x = x + t * step
    raise RuntimeError(f"Newton's method did not converge in {max_iterations} iterations")


def main():
    x0 = np.array([-1.2, 1.0, -1.2, 1.0])      # the classic starting point, twice
    x, iterations = newton(rosenbrock, x0)
    print(f"converged in {iterations} iterations to x = {np.round(x, 8)}")

    # The generated Hessian at the minimum agrees with the hand-derived one ...
    expected = np.array([[802.0, -400.0, 0.0, 0.0],
                         [-400.0, 1002.0, -400.0, 0.0],
                         [0.0, -400.0, 1002.0, -400.0],
                         [0.0, 0.0, -400.0, 200.0]])
    H = astgrad.hessian(rosenbrock)(np.ones(4))
    assert np.allclose(H, expected, rtol=1e-12, atol=1e-9), H
    # ... and hvp gives H @ v without forming H.
    v = np.array([1.0, -2.0, 0.5, 3.0])
    assert np.allclose(astgrad.hvp(rosenbrock)(np.ones(4), v), expected @ v, rtol=1e-12)

    assert np.allclose(x, np.ones(4), atol=1e-8), x
    assert rosenbrock(x) < 1e-16, rosenbrock(x)
    print("Newton's method converged to the minimum (1, 1, 1, 1)")


if __name__ == "__main__":
    main()
