"""Programs where a variable is rebound in one branch of an ``if`` to a value nothing
reads again, while the other branch (or the code before) reads the value it had before.
Used by tests/test_rebound_zeros.py.

The reverse sweep put the zero of the variable's adjoint before the ``if`` (shaped like
the value after it), and the branch that rebinds it carried that zero on to the value it
overwrote, of another shape: a gradient of the wrong shape, or a broadcast error in the
generated code. Each program here gave one of the two."""

import numpy as np


def then_rebinds(x0, x1):
    v0 = np.sin(x0)
    if np.sum(x0) > -1.0:
        v1 = np.sin(x0)
        v0 = np.sin(x1)
    else:
        v1 = np.sin(v0)
    return np.sum(v1)


def else_rebinds(x0, x1):
    v0 = np.sin(x0)
    if np.sum(x0) < -1.0:
        v1 = np.sin(v0)
    else:
        v1 = np.sin(x0)
        v0 = np.sin(x1)
    return np.sum(v1 * v1)


def nested_ifs(x0, x1):
    v0 = np.sin(x0)
    v1 = x0 * 0.5
    if np.sum(x0) > -1.0:
        if np.sum(x1) < 10.0:
            v1 = np.sin(x0)
            v0 = np.sin(x1)
        else:
            v1 = np.sin(v0)
    else:
        v1 = v1 * np.cos(v0)
    return np.sum(v1)


def if_in_loop(x0, x1):
    s = 0.0
    for i in range(3):
        v0 = np.sin(x0 * i)
        if i % 2 == 0:
            v1 = np.sin(x0)
            v0 = np.sin(x1)
        else:
            v1 = np.sin(v0)
        s = s + np.sum(v1)
    return s


def if_in_while(x0, x1):
    s = 0.0
    k = 0
    while k < 3:
        v0 = np.cos(x0 * k)
        if k == 1:
            v1 = np.sin(v0)
        else:
            v1 = np.sin(x0)
            v0 = np.sin(x1)
        s = s + np.sum(v1)
        k += 1
    return s


def after_while_to_constant(x0, x1):
    v0 = np.sin(x0)
    k = 0
    while k < 2:
        k += 1
    if k > 1:
        v1 = np.sin(x0) * np.sum(x1)
        v0 = np.ones((2, 2))
    else:
        v1 = np.sin(v0)
    return np.sum(v1)


def rebound_to_float32(x0, x1):
    v0 = np.sin(x0)
    if np.sum(x0) > -1.0:
        v1 = np.sin(x0)
        v0 = np.zeros((4, 3), dtype=np.float32)
    else:
        v1 = np.sin(v0)
    return np.sum(v1)


def list_rebound_elif(x0, x1):
    v0 = [np.sin(x0), x0]
    if np.sum(x0) > 5.0:
        v1 = np.cos(v0[1])
    elif np.sum(x0) > -1.0:
        v1 = np.sin(x0)
        v0 = [x1, x1, x1]
    else:
        v1 = np.sin(v0[0])
    return np.sum(v1)


PROGRAMS = [then_rebinds, else_rebinds, nested_ifs, if_in_loop, if_in_while,
            after_while_to_constant, rebound_to_float32, list_rebound_elif]
