"""Draws from a generator an object holds, seeded through ``__init__`` (``Sampler(seed=0)``,
a module constant, an int default), on an object bound to no name (``Sampler(0).sample(x)``),
and the gradient of such a function called inside another differentiated function; a
helper making its generator from a seed its caller writes in the code. Each against central finite differences (the draws are
seeded, so f is a fixed function), with value_and_grad's value equal to f(x) bit for bit."""

import numpy as np
import pytest

import astgrad
from breadth_modes import check

SEED = 4
X3 = np.array([0.3, -0.4, 0.9])


class Sampler:
    def __init__(self, seed, scale=1.0):
        self.rs = np.random.RandomState(seed)
        self.scale = scale

    def sample(self, mean, std):
        return mean + std * self.scale * self.rs.randn(*mean.shape)


class DefaultSeeded:
    def __init__(self, seed=3):
        self.rng = np.random.default_rng(seed=seed)

    def sample(self, mean, log_std):
        return mean + np.exp(log_std) * self.rng.standard_normal(mean.shape)


class Unseeded:
    def __init__(self, seed=None):
        self.rng = np.random.default_rng(seed)

    def sample(self, mean, std):
        return mean + std * self.rng.standard_normal(mean.shape)


def seed_by_keyword(x, w):
    q = Sampler(seed=0, scale=0.5)
    z1 = q.sample(x, w)
    z2 = q.sample(x * w, 0.5)           # the generator advanced by the first call
    return np.sum(np.tanh(z1) * z2)


def seed_module_constant(x, w):
    q = Sampler(SEED)
    return np.sum(q.sample(x, w) ** 2)


def seed_default(x, w):
    q = DefaultSeeded()
    return np.sum(np.sin(q.sample(x, w * x)))


def object_not_named(x, w):
    return np.sum(Sampler(0).sample(x, w) * DefaultSeeded(seed=5).sample(x * w, 0.1))


def uses_a_seeded_sampler(x, w):     # a helper: the same numbers each run, so called as a helper
    return np.sum(Sampler(1).sample(np.sin(x), w) ** 2)


def calls_the_helper(x, w):
    return uses_a_seeded_sampler(x * w, w) + np.sum(x)


def noise(n, seed):
    rng = np.random.default_rng(seed)
    return rng.normal(size=n)


def seeded_by_its_caller(x, w):
    return np.sum(np.sin(x * w) * noise(3, 0))


PROGRAMS = [seed_by_keyword, seed_module_constant, seed_default, object_not_named, calls_the_helper,
            seeded_by_its_caller]


@pytest.mark.parametrize("mode", ["grad", "jvp", "hessian", "grad_inside_lambda"])
@pytest.mark.parametrize("f", PROGRAMS, ids=lambda f: f.__name__)
def test_draws_seeded_in_the_code_in_every_mode(f, mode):
    check(mode, f, (X3, 0.8), (0, 1))


@pytest.mark.parametrize("f", PROGRAMS[:4], ids=lambda f: f.__name__)
def test_the_value_and_the_gradient_are_those_of_f_at_each_call(f):
    # each call builds the generator anew, as f does: the same draws, in the same order
    value_and_grad = astgrad.value_and_grad(f, wrt=1)
    first = value_and_grad(X3, 0.8)[1]
    for _ in range(2):
        value, gradient = value_and_grad(X3, 0.8)
        assert value == f(X3, 0.8)
        assert gradient == first


def test_the_gradient_called_inside_a_def_naming_its_arguments():
    check("grad_inside_def", seed_by_keyword, (X3, 0.8), (0, 1))


def seed_from_an_argument(x, w, seed):
    q = Sampler(seed)
    return np.sum(q.sample(x, w) ** 2)


def seed_none_by_default(x, w):
    return np.sum(Unseeded().sample(x, w) ** 2)


@pytest.mark.parametrize("f, args", [(seed_from_an_argument, (X3, 0.8, 0)), (seed_none_by_default, (X3, 0.8))],
                         ids=["seed_argument", "none_default"])
def test_a_seed_not_written_in_the_code_is_refused_in_every_mode(f, args):
    message = (r"test_held_seeds\.py:\d+: astgrad cannot differentiate a call of \w+\.sample, which draws random "
               r"numbers from the generator self\.\w+ \(at .*test_held_seeds\.py:\d+\).*Build the object in the "
               r"differentiated function")
    tangents = (X3, 1.0) + (None,) * (len(args) - 2)
    for transform in (lambda: astgrad.grad(f, wrt=1)(*args), lambda: astgrad.jvp(f, args, tangents),
                      lambda: astgrad.hessian(f, wrt=1)(*args)):
        with pytest.raises(astgrad.TransformError, match=message):
            transform()
    check("grad", seed_module_constant, (X3, 0.8), (0, 1))        # the state is not corrupted


def test_a_module_constant_seed_rebound_makes_new_code():
    global SEED
    gradient = astgrad.value_and_grad(seed_module_constant, wrt=1)
    try:
        SEED = 7
        assert gradient(X3, 0.8)[0] == seed_module_constant(X3, 0.8)
        SEED = None         # a generator seeded from the system: refused, as written so
        with pytest.raises(astgrad.TransformError, match="not made from a seed written in the code"):
            gradient(X3, 0.8)
    finally:
        SEED = 4
    assert gradient(X3, 0.8)[0] == seed_module_constant(X3, 0.8)
