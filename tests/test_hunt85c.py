"""Wrong results hunted in what astgrad makes ahead of time: checkpointed loops.

``value_and_grad(f, checkpoint=k)`` of a loop accumulating the value it returns: the
code made for the arguments' kinds returns the accumulator as the loop left it (it
saves nothing to restore it), and the checkpointed reverse sweep replays the loop's
segments, leaving it as the first segment left it. The value must be the function's,
the gradient the plain one's and finite differences'.
"""

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad


def accumulated(x, n):
    t = 0.0
    s = x
    for i in range(n):
        s = np.sin(s) * x
        t = t + np.sum(s * s)
    return t


def accumulated_twice(x, n):
    t = 0.0
    s = x
    for i in range(n):
        s = np.cos(s) * x + 0.1
        t = t + np.sum(s)
    u = t
    for j in range(n):
        u = u * 0.5 + t
    return u + t


@pytest.mark.parametrize("f", [accumulated, accumulated_twice])
@pytest.mark.parametrize("x", [0.7, np.linspace(0.1, 0.5, 3)], ids=["scalar", "vector"])
@pytest.mark.parametrize("every", [1, 2, "sqrt"])
def test_checkpointed_value_and_grad_of_an_accumulating_loop(f, x, every):
    for n in (0, 1, 2, 5, 9):
        value, gradient = astgrad.value_and_grad(f, checkpoint=every)(x, n)
        assert_close(value, f(x, n), rtol=1e-12, atol=1e-12, msg=f"value, n={n}")
        assert_close(gradient, numerical_grad(f, (x, n)), msg=f"gradient, n={n}")
        assert_close(astgrad.grad(f, checkpoint=every)(x, n), astgrad.grad(f)(x, n), rtol=1e-12, atol=1e-12)
