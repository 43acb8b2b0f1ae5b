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


MODULE_TEXT = """
import numpy as np


def helper(x):
    return np.tanh(x) * 2.0


def loss(x):
    return np.sum(np.sin(x) * helper(x))
"""


def _import_fresh(path, name):
    import importlib.util
    path.write_text(MODULE_TEXT)
    spec = importlib.util.spec_from_file_location(name, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _generated_sources():
    import linecache
    return {name for name in list(linecache.cache) if str(name).startswith("<astgrad")}


def test_a_dropped_module_is_freed_with_its_derivatives_once_the_shared_cache_moves_on(tmp_path, monkeypatch):
    """A module-level function is a global of its own module, and its derivative runs
    with those globals: the cache must still let the module go (a generated program, an
    edited cell run again), as soon as the bounded cache of shared code has moved on."""
    monkeypatch.setattr(caching, "_BY_SOURCE_LIMIT", 1)
    before = _generated_sources()
    module = _import_fresh(tmp_path / "dropped_module.py", "dropped_module")
    x = np.array([0.3, -0.7])
    expected = np.cos(x) * np.tanh(x) * 2.0 + np.sin(x) * 2.0 * (1.0 - np.tanh(x) ** 2)
    np.testing.assert_allclose(astgrad.grad(module.loss)(x), expected, rtol=1e-12)
    np.testing.assert_allclose(astgrad.hessian(module.helper)(0.4),
                               -4.0 * np.tanh(0.4) * (1.0 - np.tanh(0.4) ** 2), rtol=1e-12)
    assert len(_generated_sources() - before) >= 2
    refs = [weakref.ref(module.loss), weakref.ref(module.helper)]
    del module
    astgrad.grad(lambda v: v * v)(1.5)      # the bounded cache of shared code moves on
    gc.collect()
    assert [ref for ref in refs if ref() is not None] == []
    assert len(caching._by_source) <= 1
    # the text of the freed derivatives left linecache with them
    assert not any("loss" in name or "helper" in name for name in _generated_sources() - before)


def test_generated_code_keeps_no_syntax_tree():
    compiled = caching.reverse_derivative(make_loss(0.5), (0,), False)
    trees = [name for name, value in vars(compiled).items() if type(value).__module__.split(".")[0] in ("ast", "gast")]
    assert trees == []
    assert compiled.source.startswith("def ")
