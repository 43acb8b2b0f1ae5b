"""examples/newton.py runs to completion: Newton's method with astgrad.hessian
reaches the Rosenbrock minimum, printing every iteration."""

import re

from test_examples import run


def test_newton_example_converges():
    result = run("examples/newton.py")
    assert result.returncode == 0, result.stdout + result.stderr
    iterations = re.findall(r"^iter +(\d+) +loss (\S+) +\|grad\| (\S+)$", result.stdout, re.M)
    assert len(iterations) >= 5, result.stdout
    assert [int(i) for i, _, _ in iterations] == list(range(len(iterations)))
    losses = [float(loss) for _, loss, _ in iterations]
    assert all(b <= a for a, b in zip(losses, losses[1:])), "the line search must decrease the loss"
    assert losses[0] > 100.0 and losses[-1] < 1e-16
    assert float(iterations[-1][2]) < 1e-10
    assert "converged to the minimum (1, 1, 1, 1)" in result.stdout
