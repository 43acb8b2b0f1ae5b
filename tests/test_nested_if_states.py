"""Ifs nested deep. The adjoint states in a branch are read through the states of
every branch around it; each state read through a chain as deep as the nesting (and
each if going through the states of every temporary nested in it) made generating
the gradient grow with the fourth power of the depth. Counted in steps through the
states rather than timed: a loaded machine does not change the count."""

import astgrad
from astgrad.modes import adjoint_state
from fd import assert_close, numerical_grad, numerical_jvp
from program_files import load

DEPTH = 40


def _nested(depth):
    lines = ["def f(x, c):", "    y = x * 1.0"]
    for level in range(depth):
        lines.append("    " * (level + 1) + f"if c > {level}.0:")
        lines.append("    " * (level + 2) + f"y = y * x + {level}.0")
    return "\n".join(lines + ["    return y"]) + "\n"


def test_a_deep_nest_reads_each_state_through_few_steps(monkeypatch):
    f = load(_nested(DEPTH), "f")
    steps = [0]
    get = adjoint_state.Changes.get

    def counted(self, adjoint, default=None):
        steps[0] += 1
        return get(self, adjoint, default)

    monkeypatch.setattr(adjoint_state.Changes, "get", counted)
    gradient = astgrad.grad(f)
    x, c = 1.01, 25.5           # 26 of the 40 levels run
    value = gradient(x, c)
    # about 40,000 steps; a walk up the whole chain for each read took over a million
    assert steps[0] < 150_000, steps[0]
    monkeypatch.undo()
    assert_close(value, numerical_grad(f, (x, c)))
    assert_close(astgrad.jvp(f, (x, c), (1.0, 0.0))[1], numerical_jvp(f, (x, c), (1.0, 0.0)))
