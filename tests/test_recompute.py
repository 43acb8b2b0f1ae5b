"""Loop temporaries recomputed in the reverse loop instead of saved (analysis/recompute.py):
one cheap operation on the loop index is computed again, unless the function reads it
outside the loop or before the statement making it; the gradient is right either way."""

import numpy as np

import astgrad
from fd import assert_close, numerical_grad


def scaled_by_index(y):
    for i in range(4):
        t = 0.1 * i
        y = y * t + np.sin(y)
    return np.sum(y)


def read_after_the_loop(y):
    for i in range(4):
        t = 0.1 * i
        y = y * t + np.sin(y)
    return np.sum(y) * t


def read_before_it_is_made(y):
    for i in range(4):
        if i > 0:
            y = y * t       # the previous iteration's t
        t = 0.1 * i + 0.5
        y = y + np.sin(y) * t
    return np.sum(y)


def _gradient(f):
    gradient = astgrad.grad(f)
    x = np.linspace(0.2, 1.1, 4)
    assert_close(gradient(x), numerical_grad(f, (x,)))
    return gradient.source


def test_index_temporary_is_recomputed_not_saved():
    source = _gradient(scaled_by_index)
    assert "t_stack" not in source and "0.1 * i" in source.split("reversed")[-1]


def test_index_temporary_read_after_the_loop_is_saved():
    assert "t_stack" in _gradient(read_after_the_loop)


def test_index_temporary_read_before_it_is_made_is_saved():
    assert "t_stack" in _gradient(read_before_it_is_made)
