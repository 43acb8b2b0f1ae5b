"""What the hunt left: a function with an assert in a module pytest rewrote (this one) is
differentiated; a wrong keyword says what Python says; the disk cache keeps code generated
under ``python -O`` (asserts dropped) apart from the rest; jvp of a ``with`` over a
contextmanager given differentiated values is refused at the user's line."""

import sys

import numpy as np
import pytest

import astgrad

KEY = ("reverse", (0,), False)


def test_the_disk_cache_key_tells_python_O_apart(monkeypatch):
    # python -O lowers an assert to nothing: code generated under it is other code
    import disk_cache_target
    from astgrad import disk_cache, disk_entries
    real = sys.flags

    class Optimized:
        optimize = 1

        def __getattr__(self, name):
            return getattr(real, name)

    plain = disk_cache.entry_key(disk_cache_target.f, KEY)
    monkeypatch.delitem(disk_entries._fingerprint, "environment", raising=False)
    monkeypatch.setattr(sys, "flags", Optimized())
    optimized = disk_cache.entry_key(disk_cache_target.f, KEY)
    monkeypatch.setattr(sys, "flags", real)
    monkeypatch.delitem(disk_entries._fingerprint, "environment")
    assert plain is not None and optimized is not None
    assert optimized != plain
    assert disk_cache.entry_key(disk_cache_target.f, KEY) == plain


def _weighted(x, w):
    return np.sum(np.sin(x) * w)


def test_a_wrong_keyword_says_what_python_says():
    # it said "_weighted() missing a required argument: 'w'" (inspect checks that first)
    X, W = np.ones(3), np.ones(3)
    with pytest.raises(TypeError) as python:
        _weighted(X, z=W)
    transforms = {"grad": astgrad.grad(_weighted), "value_and_grad": astgrad.value_and_grad(_weighted),
                  "grad of grad": astgrad.grad(astgrad.grad(_weighted)),
                  "hessian": astgrad.hessian(_weighted), "hvp": astgrad.hvp(_weighted),
                  "jacobian forward": astgrad.jacobian(_weighted, mode="forward"),
                  "jacobian reverse": astgrad.jacobian(_weighted, mode="reverse")}
    for label, transform in transforms.items():
        with pytest.raises(TypeError) as ours:
            transform(X, z=W)
        # (hvp goes on to say it takes the arguments followed by v)
        assert str(ours.value).split(";")[0] == str(python.value), label
