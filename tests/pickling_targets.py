"""Functions that tests/test_pickling.py sends to processes started with "spawn".

A spawned process imports this module by name (multiprocessing gives it the parent's
sys.path, which holds tests/), so everything here must be defined at module level.
"""

import sys

import numpy as np

import astgrad


def loss(w, x):
    """A scalar loss of weights ``w`` on inputs ``x``."""
    h = np.tanh(x @ w)
    return np.sum(h * h) + 0.5 * np.sum(w * w)


def two_args(x, y):
    return np.sum(np.sin(x) * y) + np.sum(x * x * y)


def scalar_pair(x, y):
    return x ** 3 * y + np.sin(x * y)


@astgrad.differentiable
def smooth(x):
    return np.sum(np.sin(x) * x + np.exp(-x * x))


def vector_map(x, scale):
    return np.sin(x) * scale + x[::-1] * x


class Shapes:
    @staticmethod
    def area(x):            # qualified name Shapes.area
        return np.sum(x * x * x)

    @astgrad.differentiable
    def volume(x):          # a @differentiable function reached as Shapes.volume
        return np.sum(np.cos(x) * x)


def rebound(x):             # tests rebind this module attribute to another function
    return np.sum(x * x)


square = lambda x: np.sum(x * x)          # noqa: E731 (a lambda: not reachable by name)


def make_cube():
    def cube(x):
        return np.sum(x * x * x)
    return cube


cube = make_cube()


# -- run in the spawned process ------------------------------------------------------

def call(transform, *args):
    """Call a transform that arrived pickled; also say where this ran."""
    import os
    return os.getpid(), transform(*args)


def loads_and_call(payload, *args):
    """Unpickle ``payload`` here (bytes from any pickler) and call what it holds."""
    import pickle
    return pickle.loads(payload)(*args)


def child_sys_path():
    return list(sys.path)
