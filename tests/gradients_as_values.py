"""Code holding gradients as values, for test_export_gradient_values.py: a module-level
gradient handed to a helper of another module (gradient_shims.apply), to a helper of
this module, stored in a list, and a helper of another module handed a function."""

import numpy as np

import astgrad
import gradient_shims


def h(a):
    return np.sum(np.sin(a) * a)


g = astgrad.grad(h)
G = [g, h]


def handed_to_another_module(x):
    return np.sum(gradient_shims.apply(g, x) * x)


def apply_here(d, x):
    return d(x)


def handed_to_a_helper(x):
    return np.sum(apply_here(g, x) * x)


def from_a_list(x):
    fs = [g, h]
    return np.sum(fs[0](x) * x) + fs[1](x)


def function_handed_to_another_module(x):
    return np.sum(gradient_shims.apply(h, x) * x)
