"""Wrong results hunted in what astgrad makes ahead of time: checkpointed loops, and a
corrupt disk cache entry.

``value_and_grad(f, checkpoint=k)`` of a loop accumulating the value it returns: the
code made for the arguments' kinds returns the accumulator as the loop left it (it
saves nothing to restore it), and the checkpointed reverse sweep replays the loop's
segments, leaving it as the first segment left it. The value must be the function's,
the gradient the plain one's and finite differences'.
"""

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad


def accumulated(x, n):
    t = 0.0
    s = x
    for i in range(n):
        s = np.sin(s) * x
        t = t + np.sum(s * s)
    return t


def accumulated_twice(x, n):
    t = 0.0
    s = x
    for i in range(n):
        s = np.cos(s) * x + 0.1
        t = t + np.sum(s)
    u = t
    for j in range(n):
        u = u * 0.5 + t
    return u + t


@pytest.mark.parametrize("f", [accumulated, accumulated_twice])
@pytest.mark.parametrize("x", [0.7, np.linspace(0.1, 0.5, 3)], ids=["scalar", "vector"])
@pytest.mark.parametrize("every", [1, 2, "sqrt"])
def test_checkpointed_value_and_grad_of_an_accumulating_loop(f, x, every):
    for n in (0, 1, 2, 5, 9):
        value, gradient = astgrad.value_and_grad(f, checkpoint=every)(x, n)
        assert_close(value, f(x, n), rtol=1e-12, atol=1e-12, msg=f"value, n={n}")
        assert_close(gradient, numerical_grad(f, (x, n)), msg=f"gradient, n={n}")
        assert_close(astgrad.grad(f, checkpoint=every)(x, n), astgrad.grad(f)(x, n), rtol=1e-12, atol=1e-12)


@pytest.fixture
def cache_dir(tmp_path, monkeypatch):
    """The disk cache on, in a directory of its own (as test_disk_cache_keys.py's)."""
    from astgrad import disk_cache
    from astgrad.rules import optional, registry
    monkeypatch.setitem(optional._trusted, "version", registry.VERSION[0])
    disk_cache.configure_cache(enabled=True, directory=str(tmp_path / "cache"))
    yield tmp_path / "cache"
    disk_cache.configure_cache(enabled=False)
    disk_cache._settings["directory"] = None
    disk_cache._settings["size"] = None


def test_an_entry_nested_past_the_json_parser_s_depth_is_generated_again(cache_dir):
    """A corrupt entry of brackets nested deeper than the parser recurses was a
    RecursionError out of the gradient's call; it is an entry not there."""
    from astgrad import caching, disk_cache
    import disk_cache_target
    f, key = disk_cache_target.f, ("reverse", (0,), False, ("kinds", (("x", "<f8[n]"), ("y", "<f8[n]"))))
    disk_cache.store(f, key, caching._generate(f, key))
    name = disk_cache.entry_key(f, key)
    path = cache_dir / name[:2] / (name + ".json")
    kept = path.read_text()
    path.write_text("[" * 100_000)
    assert disk_cache.load(f, key) is None
    path.write_text(kept)
    assert disk_cache.load(f, key) is not None
