"""examples/rnn.py runs to completion: an RNN trained with the generated BPTT gradient
prints its loss every 20 steps, and the loss goes down."""

import re

from test_examples import run


def test_rnn_example_trains():
    result = run("examples/rnn.py")
    assert result.returncode == 0, result.stdout + result.stderr
    steps = re.findall(r"^step +(\d+) +loss (\S+)$", result.stdout, re.M)
    assert len(steps) >= 5, result.stdout
    assert [int(step) for step, _ in steps] == list(range(0, 20 * len(steps), 20)), result.stdout
    losses = [float(loss) for _, loss in steps]
    decreases = sum(b < a for a, b in zip(losses, losses[1:]))
    assert decreases >= len(losses) - 2, f"the printed losses should go down:\n{result.stdout}"
    assert losses[-1] == min(losses), result.stdout
    assert losses[-1] < 0.5 * losses[0], result.stdout
    final = re.search(r"^final +loss (\S+) +\(first (\S+)\)", result.stdout, re.M)
    assert final is not None, result.stdout
    assert float(final.group(1)) < 0.5 * float(final.group(2))
