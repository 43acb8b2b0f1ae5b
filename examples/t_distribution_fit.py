"""Maximum likelihood of a Student's t distribution, with SciPy and astgrad.

The negative log-likelihood calls scipy.stats.t.logpdf; astgrad differentiates it in
all three parameters (location, log scale and log degrees of freedom), and, because
each SciPy rule is written with functions that have rules themselves (digamma, then
polygamma), it differentiates the gradient again: Newton's method below uses the exact
Hessian. The result is checked against scipy.stats.t.fit.

Needs SciPy (pip install "astgrad[scipy]"). Run from the repository root:
    python examples/t_distribution_fit.py
"""

import numpy as np
from scipy import stats

import astgrad


def negative_log_likelihood(params, data):
    """-sum log t(data | df, loc, scale) with params = (loc, log scale, log df)."""
    loc, log_scale, log_df = params[0], params[1], params[2]
    return -np.sum(stats.t.logpdf(data, np.exp(log_df), loc, np.exp(log_scale)))


def fit(data, params, tolerance=1e-9, max_iterations=50):
    value_and_gradient = astgrad.value_and_grad(negative_log_likelihood)
    hessian = astgrad.hessian(negative_log_likelihood)
    for iteration in range(max_iterations):
        value, g = value_and_gradient(params, data)
        print(f"step {iteration:2d}  -log L {value:.6f}  |grad| {np.linalg.norm(g):.2e}")
        if np.linalg.norm(g) < tolerance:
            return params
        step = -np.linalg.solve(hessian(params, data), g)
        if np.dot(step, g) >= 0:            # not a descent direction: take a gradient step
            step = -g / len(data)
        t = 1.0
        while negative_log_likelihood(params + t * step, data) > value and t > 1e-8:
            t *= 0.5
        params = params + t * step
    raise RuntimeError(f"Newton's method did not converge in {max_iterations} steps")


def main():
    rng = np.random.default_rng(0)
    data = stats.t.rvs(4.0, loc=1.0, scale=2.0, size=2000, random_state=rng)
    start = np.array([np.median(data), np.log(np.std(data)), np.log(10.0)])
    loc, log_scale, log_df = fit(data, start)
    df, scale = np.exp(log_df), np.exp(log_scale)
    print(f"fitted    df {df:.4f}  loc {loc:.4f}  scale {scale:.4f}")
    ref_df, ref_loc, ref_scale = stats.t.fit(data)
    print(f"t.fit     df {ref_df:.4f}  loc {ref_loc:.4f}  scale {ref_scale:.4f}")
    ours = negative_log_likelihood(np.array([loc, log_scale, log_df]), data)
    theirs = -np.sum(stats.t.logpdf(data, ref_df, ref_loc, ref_scale))
    assert ours <= theirs + 1e-6, (ours, theirs)
    print("the Newton fit is at least as likely as scipy.stats.t.fit's")


if __name__ == "__main__":
    main()
