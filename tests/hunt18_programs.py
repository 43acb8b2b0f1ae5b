"""Programs of the eighteenth acceptance hunt: ordinary numerical code (small models,
optimizers, physics steps, losses, preprocessing) mixing helpers, decorators, loops and
objects with aliasing, rebinding, kinks and odd dtypes. Every entry of CASES is
(name, f, args, wrt): astgrad must give Python's derivative, or refuse. Used by
tests/test_hunt18_programs.py."""

import functools
import logging
import time

import numpy as np

from program_cases import case_table

X3 = np.array([0.3, -0.4, 0.9])
W33 = np.array([[0.5, -0.2, 0.1], [0.3, 0.8, -0.4], [-0.6, 0.2, 0.7]])
CASES, case = case_table((X3, 0.8))
log = logging.getLogger("hunt18")


def timed(fn):
    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        start = time.perf_counter()
        result = fn(*args, **kwargs)
        log.debug("%s took %.6f s", fn.__name__, time.perf_counter() - start)
        return result
    return wrapper


@timed
def dense(x, W, b):
    return np.tanh(W @ x + b)


@case("t01 a helper timed by a decorator that logs the elapsed time")
def t01(x, w):
    return np.sum(dense(x, W33 * w, 0.1) ** 2)


def scaled_by_its_time(fn):
    @functools.wraps(fn)
    def wrapper(*args):
        start = time.perf_counter()
        result = fn(*args)
        return result * (1.0 + 0.0 * (time.perf_counter() - start))
    return wrapper


@scaled_by_its_time
def squashed(x, w):
    return np.tanh(x * w)


def uses_its_time(x, w):        # not in CASES: its result reads the clock
    return np.sum(squashed(x, w))


class Net:
    def __init__(self, w):
        self.w = w

    @timed
    def loss(self, x):
        return np.sum(np.sin(x * self.w))


class Normalized:
    def __init__(self, w):
        self.w = w

    @functools.cached_property
    def norm2(self):
        return np.sum(self.w ** 2)

    def loss(self, x):
        return self.norm2 * np.sum(x)


def reads_a_cached_property(x, w):  # not in CASES: tests/test_hunt18_programs.py checks the refusal
    return Normalized(x * w).loss(x)


# -- products and bounds given as Python lists ----------------------------------------------

@case("l01 a physics step: torque as np.cross of the position with a force given as a list")
def l01(x, w):
    force = [w, 1.0, 0.5]
    torque = np.cross(x, force)
    return np.sum(torque ** 2) + np.tensordot(x, [1.0, w, 2.0], axes=1)


@case("l02 a bounded linear layer: einsum with list weights, clipped by list bounds, leaky floor")
def l02(x, w):
    z = np.einsum("i,i->", x, [w, 1.0, w]) * x
    z = np.clip(z, [-0.1, -0.2, -0.3], [0.1, 0.2, 0.5])
    return np.sum(np.maximum(z, [w * 0.1, 0.0, 1.0]) ** 2) + np.sum(np.kron((w, 2.0), x))


@case("l03 a softplus-gated power law: ufuncs given lists and tuples of values mixed with the inputs")
def l03(x, w):
    rates = np.power([1.5, 2.0, w], x)
    gates = np.logaddexp([w, 0.0, 1.0], x) + np.square((w, x[1], 1.0))
    return np.sum(rates * gates) + np.sum(np.sqrt([w, x[2] ** 2 + 1.0]))


@case("l04 a 2x2 system written as nested lists: trace, diagonal and outer product", wrt=(0, 1))
def l04(x, w):
    return np.trace([[w, 1.0], [0.0, x[0]]]) * np.sum(np.diag([w, x[1]])) + np.sum(np.outer([w, 1.0], (x[0], 2.0)) ** 2)


@case("l05 a penalty on the norm of a parameter list mixing inputs and constants")
def l05(x, w):
    return np.linalg.norm([w, x[0], 1.0]) * np.mean([x[1], w]) + np.std([x[0], w, 1.0])


@case("u02 a name bound in a branch before a loop and rebound in it, read after it (checked for being bound)")
def u02(x, w):
    if w > 0.5:
        t = x * w
    for k in range(2):
        t = np.sin(t) * w
    return np.sum(t * x)


def reads_what_an_inner_loop_bound(x, n):     # not in CASES: tests/test_hunt18_programs.py checkpoints it
    for k in range(n):
        for j in range(2):
            z = x * j
        q = z + k
    return q * z
