"""A module of its own for test_plain_factories85: a plain factory whose globals (the
class, ``SCALE``) are this module's, not the differentiated function's."""

import numpy as np

SCALE = 3.0


class R:
    def __init__(self, d):
        self.d = d

    def norm(self):
        return np.sqrt(np.sum(self.d ** 2))


def make_r(x):
    return R(x * SCALE)
