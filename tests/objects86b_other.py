"""A module of its own for test_objects86b: a tuple factory whose globals (its class) are
this module's, not the differentiated function's."""

import numpy as np


class Q:
    def __init__(self, d):
        self.d = d

    def norm(self):
        return np.sqrt(np.sum(self.d ** 2))

    def scale(self, c):
        self.d *= c


def make_pair(w):
    return Q(w), Q(w * 2.0)


SCALE = 3.0


def make_scaled_pair(w):
    return Q(w * SCALE), Q(np.sin(w))
