"""examples/newton.py runs to completion: Newton's method with astgrad.hessian
reaches the Rosenbrock minimum, printing every iteration."""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_newton_example_converges():
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    result = subprocess.run([sys.executable, "examples/newton.py"], cwd=ROOT, env=env,
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stdout + result.stderr
    iterations = re.findall(r"^iter +(\d+) +loss (\S+) +\|grad\| (\S+)$", result.stdout, re.M)
    assert len(iterations) >= 5, result.stdout
    assert [int(i) for i, _, _ in iterations] == list(range(len(iterations)))
    losses = [float(loss) for _, loss, _ in iterations]
    assert all(b <= a for a, b in zip(losses, losses[1:])), "the line search must decrease the loss"
    assert losses[0] > 100.0 and losses[-1] < 1e-16
    assert float(iterations[-1][2]) < 1e-10
    assert "converged to the minimum (1, 1, 1, 1)" in result.stdout
