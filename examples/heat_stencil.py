"""Sensitivity of a heat-equation simulation to its initial temperatures and diffusivity.

The simulation writes each step's Laplacian into one buffer through slices
(``lap[1:-1] = ...``) inside a ``while`` loop, as NumPy code usually does. astgrad
follows the writes into the buffer as NumPy performs them, and differentiates the loop
in reverse mode, in forward mode and to second order (a Hessian-vector product).

Run from the repository root:  python examples/heat_stencil.py
"""

import numpy as np

import astgrad


def final_energy(u0, alpha):
    """The sum of squares of the temperatures after 20 explicit diffusion steps."""
    u = u0 * 1.0
    lap = np.zeros_like(u0)
    step = 0
    while step < 20:
        lap[1:-1] = u[:-2] - 2.0 * u[1:-1] + u[2:]
        u = u + alpha * lap
        step += 1
    return np.sum(u ** 2)


def numerical_grad(f, x, eps=1e-6):
    g = np.zeros_like(x)
    for i in range(x.size):
        e = np.zeros_like(x)
        e[i] = eps
        g[i] = (f(x + e) - f(x - e)) / (2 * eps)
    return g


def main():
    u0 = np.sin(np.linspace(0.0, np.pi, 12)) + 0.1 * np.cos(np.arange(12.0))
    alpha = 0.2

    g = astgrad.grad(final_energy)(u0, alpha)
    print("gradient matches finite differences:",
          bool(np.allclose(g, numerical_grad(lambda u: final_energy(u, alpha), u0), atol=1e-6)))

    direction = np.linspace(-1.0, 1.0, 12)
    _, tangent = astgrad.jvp(final_energy, (u0, alpha), (direction, 0.0))
    print("forward mode matches reverse mode:", bool(np.isclose(tangent, np.sum(g * direction))))

    hvp = astgrad.hvp(lambda u: final_energy(u, alpha))(u0, direction)
    numeric = numerical_grad(lambda u: np.sum(astgrad.grad(final_energy)(u, alpha) * direction), u0, eps=1e-5)
    print("Hessian-vector product matches finite differences:", bool(np.allclose(hvp, numeric, atol=1e-5)))

    d_alpha = astgrad.grad(final_energy, wrt=1)(u0, alpha)
    fd_alpha = (final_energy(u0, alpha + 1e-6) - final_energy(u0, alpha - 1e-6)) / 2e-6
    print(f"d energy / d alpha = {d_alpha:.6f} (finite differences {fd_alpha:.6f})")


if __name__ == "__main__":
    main()
