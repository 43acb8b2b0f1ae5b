"""Helpers for tests/test_hunt22c_programs.py: a module whose functions rebind its own
global, and a global object whose attribute a helper rebinds, read by functions in
another module."""

import numpy as np

act = np.sin


def use_exp():
    global act
    act = np.exp


def count_calls():
    global calls
    calls = 1


class Box:
    pass


BOX = Box()
BOX.fn = np.sin


def box_uses_exp():
    BOX.fn = np.exp


class Acts:
    act = np.sin


def acts_use_exp():
    Acts.act = np.exp


def reset():
    global act
    act = np.sin
    BOX.fn = np.sin
    Acts.act = np.sin
