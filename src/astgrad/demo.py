"""The function that ``python -m astgrad demo`` differentiates.

It lives in a real module because astgrad reads a function's source file.
"""

import numpy as np


def loss(w, x):
    return np.sum(np.tanh(x @ w) ** 2)
