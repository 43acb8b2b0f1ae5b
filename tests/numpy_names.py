"""Functions reading NumPy under each of the names a module can give it, for the
printed derivatives of test_numpy_replaced.py (a rule's NumPy as astgrad found it is
``numpy`` where the function has no other use for that name, else ``original_numpy``)."""

import math
import numpy
import numpy as np


def np_sines(x):
    return np.sum(np.sin(x))


def numpy_sines(x):
    return numpy.sum(numpy.sin(x))


def both_sines(x):
    return numpy.sum(np.sin(x))


def local_numpy(x):
    numpy = x * 2.0
    return np.sum(np.sin(numpy))


def scaled_by(numpy):
    def scaled(x):
        return np.sum(np.sin(x)) * numpy
    return scaled


def math_sine(x):
    return math.sin(x) * 2.0


def loop_of_sines(x):
    for _ in range(2):
        x = numpy.sin(x) * 1.5
    return numpy.sum(x)


def calls_loop_of_sines(x):
    return loop_of_sines(np.cos(x)) + np.sum(np.sin(x))
