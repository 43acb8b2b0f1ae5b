"""A function of a module that imports NumPy with ``from numpy import *``
(test_numpy_replaced.py)."""

from numpy import *


def star_sines(x):
    return sum(sin(x))
