"""Helpers in a module of their own, handed functions by the code differentiated in
test_function_arguments.py (so they cannot be inlined there)."""

import numpy as np


def fixed_point(f, a, x0, n=40):
    x = x0
    for _ in range(n):
        x = f(a, x)
    return x


def apply_all(fs, x):
    return sum(g(x) for g in fs)


def scaled(f, x, scale=2.0):
    return scale * np.sum(f(x))
