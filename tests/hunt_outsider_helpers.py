"""Helpers in a module of their own for tests/hunt_outsider_programs.py: the small library
module an outsider's script imports (activations, a loss, a config), read through its
own globals."""

import math

import numpy as np

EPS = 1e-12
CONFIG = {"alpha": 0.3, "clip": 5.0}


def relu(z):
    return np.maximum(z, 0.0)


def softplus(z):
    return np.log1p(np.exp(-np.abs(z))) + np.maximum(z, 0.0)


def mse(pred, target):
    return np.mean((pred - target) ** 2)


def leaky(z):
    return np.where(z > 0, z, CONFIG["alpha"] * z)


def norm_cdf(v):
    return 0.5 * (1.0 + math.erf(v / math.sqrt(2.0)))


def safe_log(p):
    return np.log(np.clip(p, EPS, 1.0))
