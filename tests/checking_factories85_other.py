"""A module of its own for test_checking_factories85: a checking helper whose globals
are this module's, not the differentiated function's."""

import numpy as np


class Q:
    def __init__(self, d):
        self.d = d

    def norm(self):
        return np.sqrt(np.sum(self.d ** 2))


def make_q(x):
    if x.ndim != 1:
        raise ValueError("a vector, please")
    return Q(x * 2.0)


def make_q_named(x):
    if x.ndim != 1:
        raise ValueError("a vector, please")
    o = Q(x * 2.0)
    return o
