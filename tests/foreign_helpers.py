"""Helpers in a module of their own for test_foreign_functions.py: factories, closures
and helpers handed functions, inlined there with their globals read from this module."""

import numpy as np

SCALE = 2.0


def step_for(a):
    return lambda x: x - 0.05 * (x ** 2 - a) * SCALE


def fixed_point(f, a, x0, n=6):
    step = f(a)
    x = x0
    for _ in range(n):
        x = step(x)
    return x


def scaled(f, x):
    return SCALE * np.sum(f(x))


def inner(v):
    return np.sin(v)


def uses_inner(f, x):
    return np.sum(inner(f(x)))


def flatten_func(func, k):
    """As autograd's flatten_func: a lambda with *args, closing over func and k."""
    _func = lambda _x, *args: func(_x * k, *args)
    return _func


def _make_factory(k):
    def factory(a):
        return lambda z: z * a * k + SCALE
    return factory


closure_factory = _make_factory(1.5)


def pack(a):
    """A vector and a function that reads it back, as autograd's flatten returns them."""
    vec = np.ravel(a) * 2.0

    def unpack(v):
        return np.reshape(v, np.shape(a)) * 0.5
    return vec, unpack
