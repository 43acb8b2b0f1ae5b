"""Layers holding different functions, with the disk cache on: programs of
test_function_values.py (a program campaign, run on one Python: .ci/campaigns.txt). The disk
cache keys its entries by the Python and NumPy versions, among others, and writes them as
each Python does: this runs on every Python.
"""

import numpy as np

import astgrad
from fd import assert_close, numerical_grad
from test_function_values import A3, X3, Dense, Stack, square, through_a_stack


def test_layers_holding_different_functions_with_the_disk_cache_on(tmp_path):
    # the code of Dense.__call__ made for a layer holding np.tanh is not the code for one
    # holding square: it is not kept on disk, where its source alone would name it
    from astgrad import disk_cache
    disk_cache.configure_cache(enabled=True, directory=str(tmp_path))
    try:
        net = Stack([Dense(A3, np.tanh), Dense(A3.T, square), Dense(A3)])
        x, v = X3.copy(), np.array([0.5, -1.0, 2.0])
        for _ in range(2):
            astgrad.clear_cache()
            value, d = astgrad.jvp(through_a_stack, (net, x, 0.8), (None, v, 0.0))
            assert_close(value, through_a_stack(net, x, 0.8))
            assert_close(d, np.dot(numerical_grad(through_a_stack, (net, x, 0.8), wrt=1), v))
            assert_close(astgrad.grad(through_a_stack, wrt=1)(net, x, 0.8),
                         numerical_grad(through_a_stack, (net, x, 0.8), wrt=1))
    finally:
        disk_cache.configure_cache(enabled=False)
        disk_cache._settings["directory"] = None
