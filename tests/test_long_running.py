"""Long-running processes: differentiating a fresh closure or lambda on every step of a
loop must not keep those functions (or their generated code) alive."""

import gc
import weakref

import numpy as np

import astgrad
from astgrad import caching


def make_loss(scale):
    def loss(x):
        return np.sum(np.sin(x) * scale)
    return loss


def test_fresh_closures_are_not_kept_alive_by_the_caches():
    x = np.array([0.2, -0.4, 1.1])
    survivors = []
    for step in range(50):
        loss = make_loss(0.1 * step)
        for transform in (lambda f: astgrad.grad(f)(x), lambda f: astgrad.jvp(f, (x,), (x,)),
                          lambda f: astgrad.hessian(f)(x)):
            transform(loss)
        np.testing.assert_allclose(astgrad.grad(loss)(x), 0.1 * step * np.cos(x))
        survivors.append(weakref.ref(loss))
        del loss
    gc.collect()
    assert [ref for ref in survivors if ref() is not None] == []
    assert [f for f in list(caching._cache) if f.__qualname__ == make_loss.__qualname__ + ".<locals>.loss"] == []


def test_fresh_lambdas_are_not_kept_alive_by_the_caches():
    survivors = []
    for step in range(30):
        f = lambda x, k=step: k * x ** 2         # noqa: E731
        assert astgrad.grad(f)(1.5) == 3.0 * step
        survivors.append(weakref.ref(f))
        del f
    gc.collect()
    assert [ref for ref in survivors if ref() is not None] == []
