"""A gradient through a solver that itself uses gradients: a robust location estimate
found by Newton's method, written with astgrad.grad inside the function being
differentiated, and tuned by gradient descent on a validation loss.

The estimate m(scale) minimizes sum(log(cosh((data - m) / scale))). Each Newton step is
m - f'(m) / f''(m), with f' = astgrad.grad(objective) and f'' = astgrad.grad(f'): both
are generated functions, so the validation loss that calls them is differentiated again
(through every step), giving d loss / d scale. The implicit function theorem gives the
same slope at the solution, dm/dscale = -f_ms / f_mm, which the script checks.

Run from the repository root:  python examples/newton_inside_loss.py
"""

import numpy as np

import astgrad


def objective(m, scale, data):
    """A smooth robust loss of the location m: quadratic near the data, linear far away."""
    return np.sum(np.log(np.cosh((data - m) / scale)))


def robust_mean(scale, data, steps=6):
    m = np.mean(data)
    for _ in range(steps):
        slope = astgrad.grad(objective)(m, scale, data)
        curvature = astgrad.grad(astgrad.grad(objective))(m, scale, data)
        m = m - slope / curvature
    return m


def validation_loss(scale, data, target):
    return (robust_mean(scale, data) - target) ** 2


def main():
    rng = np.random.default_rng(3)
    clean = rng.normal(2.0, 0.5, size=40)
    data = np.concatenate([clean, [9.0, 11.0, 12.5]])      # three outliers
    target = 2.0                                            # the location a clean sample gives

    scale = 3.0
    gradient = astgrad.grad(validation_loss)(scale, data, target)
    h = 1e-6
    numeric = (validation_loss(scale + h, data, target) - validation_loss(scale - h, data, target)) / (2 * h)
    print(f"d loss / d scale = {gradient:.8f}   finite differences {numeric:.8f}")

    m = robust_mean(scale, data)
    f_mm = astgrad.grad(astgrad.grad(objective))(m, scale, data)
    f_ms = astgrad.grad(astgrad.grad(objective), wrt=1)(m, scale, data)
    implicit = 2.0 * (m - target) * (-f_ms / f_mm)
    print(f"implicit function theorem gives {implicit:.8f}")
    assert np.isclose(gradient, numeric, rtol=1e-5) and np.isclose(gradient, implicit, rtol=1e-4)

    for step in range(30):
        loss, g = astgrad.value_and_grad(validation_loss)(scale, data, target)
        if step % 10 == 0:
            print(f"step {step:2d}  scale {scale:.4f}  loss {loss:.6f}")
        scale = max(scale - 2.0 * g, 0.05)
    print(f"tuned scale {scale:.4f}: robust mean {robust_mean(scale, data):.4f}, "
          f"plain mean {np.mean(data):.4f}, target {target}")


if __name__ == "__main__":
    main()
