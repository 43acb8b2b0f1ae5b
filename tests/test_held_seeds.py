"""Draws from a generator an object holds, seeded through ``__init__`` (``Sampler(seed=0)``,
a module constant, an int default), on an object bound to no name (``Sampler(0).sample(x)``),
and the gradient of such a function called inside another differentiated function; a
helper making its generator from a seed its caller writes in the code; a wrapper whose
time read reaches the result. Each against central finite differences (the draws are
seeded, so f is a fixed function), with value_and_grad's value equal to f(x) bit for bit."""

import itertools
import time

import numpy as np
import pytest

import astgrad
from breadth_modes import check
from hunt18_programs import uses_its_time      # a functools.wraps wrapper scaling its result by its time

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


RESEEDS = itertools.count()


def reseeded(x):
    rng = np.random.RandomState(0)
    rng.seed(next(RESEEDS))             # seeded again: other numbers in each run
    return x * rng.randn(3)


def through_a_reseeded_generator(x, w):
    return np.sum(np.sin(reseeded(x * w)))


def test_a_helper_seeding_its_generator_again_is_not_run_twice():
    # the helper was taken for one drawing the same numbers each run: its gradient ran it
    # again, with the next seed, and the gradient was that of other numbers than the value's
    value, gradient = astgrad.value_and_grad(through_a_reseeded_generator, wrt=1)(X3, 0.8)
    draws = [np.random.RandomState(k).randn(3) for k in range(next(RESEEDS))]
    z = next(z for z in draws if value == np.sum(np.sin(X3 * 0.8 * z)))         # the draws of the value
    assert gradient == pytest.approx(np.sum(np.cos(X3 * 0.8 * z) * X3 * z), rel=1e-12)


def noisy(x, seed):
    rng = np.random.default_rng(seed)
    return x * rng.normal(size=x.shape)


def differentiated_through_a_seeded_helper(x, w):     # a call: reverse mode runs noisy again, drawing the same
    return np.sum(np.sin(noisy(x * w, 0))) + np.sum(noisy(x, SEED) ** 2)


PROGRAMS = [seed_by_keyword, seed_module_constant, seed_default, object_not_named, calls_the_helper,
            seeded_by_its_caller, differentiated_through_a_seeded_helper]


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


@pytest.mark.parametrize("mode", ["value_and_grad", "vjp", "hvp"])
def test_a_time_read_reaching_the_result_is_a_constant_of_the_one_run(mode):
    # grad refused it (it ran the wrapper again in the reverse sweep) while jvp followed it
    # (grad and jvp: tests/test_hunt18_programs.py)
    check(mode, uses_its_time, (X3, 0.8), (0, 1))


def test_a_matrix_of_columns_reading_the_clock_is_refused_with_the_clock_advice():
    message = (r"hunt18_programs\.py:\d+: astgrad\.hessian differentiates uses_its_time once per column, and it calls "
               r"time\.perf_counter.*Read the clock outside and pass the time in")
    with pytest.raises(astgrad.TransformError, match=message):
        astgrad.hessian(uses_its_time, wrt=1)(X3, 0.8)


def clock_scaled(x, n):         # calls itself, so stays a call: the gradient would run it again
    if n == 0:
        return x * (1.0 + 0.0 * time.perf_counter())
    return clock_scaled(x, n - 1) * x


def reads_the_clock_in_a_call_that_stays_one(x, w):
    return np.sum(clock_scaled(x * w, 2))


def calls_a_gradient_reading_the_clock(x, w):
    return astgrad.grad(uses_its_time, wrt=1)(x, w) * w


@pytest.mark.parametrize("f", [reads_the_clock_in_a_call_that_stays_one, calls_a_gradient_reading_the_clock],
                         ids=["recursive_helper", "gradient_inside"])
def test_a_call_reading_the_clock_that_a_gradient_runs_again_is_refused_by_grad_and_jvp(f):
    # jvp followed it while grad refused it
    message = r"test_held_seeds\.py:\d+: the helper \w+ calls time\.perf_counter, at .*Let the time read in \w+ reach"
    with pytest.raises(astgrad.TransformError, match=message):
        astgrad.grad(f, wrt=1)(X3, 0.8)
    in_jvp = message.replace(r", at .*Let", r", at .*so it would see different numbers "
                                            r"\(jvp refuses it too, so that the modes agree\)\. Let")
    with pytest.raises(astgrad.TransformError, match=in_jvp):
        astgrad.jvp(f, (X3, 0.8), (X3, 1.0))
    check("jvp", seed_default, (X3, 0.8), (0, 1))        # the state is not corrupted
