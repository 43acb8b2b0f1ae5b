"""A generator seeded with a module constant (``SEED = 0``, ``default_rng(SEED)``), the
constant rebound after the transform was made: to None (a seed from the system, which
jacobian and hessian refuse, each column coming from another draw) or to another int (the
derivative of the new seed's function, as Python's ``f(x)`` computes it now). Directly,
through a held generator (``Sampler(SEED)``), through grad/value_and_grad, and through a
helper kept as a call, which a gradient runs again."""

import importlib
import sys
import textwrap

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad

X3 = np.array([0.3, -0.4, 0.9])
DRAWS = (r"seed_rebound\.py:6: astgrad\.{} differentiates {} once per column, and it calls numpy\.random\.default_rng.*"
         r"the columns would come from different runs\. Draw the random numbers outside and pass them in")
HELD = r"seed_rebound\.py:\d+: astgrad cannot differentiate a call of Sampler\.sample, which draws random numbers from the generator self.rs .* not made from a seed written in the code"

SOURCE = """\
    import numpy as np
    SEED = 0


    def draws(x):
        rng = np.random.default_rng(SEED)
        return np.sin(x) * rng.normal(size=3) + np.sum(x ** 2) * rng.uniform()


    def summed(x):
        return np.sum(draws(x) * x)


    class Sampler:
        def __init__(self, seed):
            self.rs = np.random.RandomState(seed)

        def sample(self, x):
            return x * self.rs.randn(*x.shape)


    def held(x):
        q = Sampler(SEED)
        return np.sum(np.sin(q.sample(x)) * x)


    def noisy(x, n):            # calls itself, so stays a call: a gradient runs it again
        rng = np.random.default_rng(SEED)
        if n == 0:
            return x * rng.normal(size=3)
        return noisy(x, n - 1) * x


    def calls_noisy(x):
        return np.sum(np.sin(noisy(x, 2)))
    """


@pytest.fixture
def module(tmp_path, monkeypatch):
    (tmp_path / "seed_rebound.py").write_text(textwrap.dedent(SOURCE))
    monkeypatch.syspath_prepend(str(tmp_path))
    sys.modules.pop("seed_rebound", None)
    importlib.invalidate_caches()
    yield importlib.import_module("seed_rebound")
    sys.modules.pop("seed_rebound", None)


def jacobian_by_fd(f):
    return np.stack([numerical_grad(lambda x, i=i: f(x)[i], (X3,)) for i in range(3)])


def hessian_by_fd(f):
    gradient = astgrad.grad(f)      # checked against finite differences of f below
    assert_close(gradient(X3), numerical_grad(f, (X3,)), 1e-5, 1e-6)
    return np.stack([numerical_grad(lambda x, i=i: gradient(x)[i], (X3,)) for i in range(3)])


@pytest.mark.parametrize("transform, name, expected", [
    ("jacobian", "draws", jacobian_by_fd), ("hessian", "summed", hessian_by_fd), ("hessian", "held", hessian_by_fd)])
def test_a_seed_constant_rebound_after_jacobian_or_hessian_is_made(module, transform, name, expected):
    make = getattr(astgrad, transform)
    f = getattr(module, name)
    made = make(f)
    assert_close(made(X3), expected(f), 1e-4, 1e-5)
    module.SEED = 5             # another int: the derivative of the function the new seed makes
    assert_close(made(X3), expected(f), 1e-4, 1e-5)
    module.SEED = None          # a seed from the system: each column would come from another draw
    message = HELD if name == "held" else DRAWS.format(transform, name)
    for transform_again in (lambda: made(X3), lambda: make(f)(X3)):       # made before, and made again
        with pytest.raises(astgrad.TransformError, match=message):
            transform_again()
    module.SEED = 2             # the state is not corrupted
    assert_close(made(X3), expected(f), 1e-4, 1e-5)
    assert_close(make(f)(X3), expected(f), 1e-4, 1e-5)


@pytest.mark.parametrize("name", ["summed", "held", "calls_noisy"])
def test_value_and_grad_follow_a_seed_constant_rebound(module, name):
    f = getattr(module, name)
    gradient = astgrad.value_and_grad(f)
    for seed in (0, 3):
        module.SEED = seed
        value, derivative = gradient(X3)
        assert value == f(X3)           # bit for bit: the same draws
        assert_close(derivative, numerical_grad(f, (X3,)), 1e-5, 1e-6)
        assert_close(astgrad.grad(f)(X3), derivative, 1e-12, 1e-12)


def test_a_helper_kept_as_a_call_is_refused_once_its_seed_constant_is_none(module):
    # its gradient runs it again in the reverse sweep: with a seed from the system, other draws
    gradient = astgrad.value_and_grad(module.calls_noisy)
    assert gradient(X3)[0] == module.calls_noisy(X3)
    module.SEED = None
    message = (r"seed_rebound\.py:\d+: the helper noisy calls numpy\.random\.default_rng, at .*seed_rebound\.py:\d+: "
               r"rng = np\.random\.default_rng\(SEED\), whose result changes from call to call")
    for transform in (lambda: gradient(X3), lambda: astgrad.grad(module.calls_noisy)(X3)):
        with pytest.raises(astgrad.TransformError, match=message):
            transform()
    module.SEED = 1             # the state is not corrupted
    value, derivative = gradient(X3)
    assert value == module.calls_noisy(X3)
    assert_close(derivative, numerical_grad(module.calls_noisy, (X3,)), 1e-5, 1e-6)
