"""A module of helpers changing in place a list of functions (tests/test_helper_flip.py)."""

import numpy as np

OTHER_FS = [np.sin, np.cos]


def flip_other():
    OTHER_FS.reverse()


def flip_given(fs):
    fs.reverse()
