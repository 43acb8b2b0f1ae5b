"""What the hunt left: a function with an assert in a module pytest rewrote (this one) is
differentiated; a wrong keyword says what Python says; the disk cache keeps code generated
under ``python -O`` (asserts dropped) apart from the rest; jvp of a ``with`` over a
contextmanager given differentiated values is refused at the user's line."""

import sys

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_hessian, numerical_jvp

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


def _checked_shape(x):      # in this module, whose asserts pytest rewrites
    assert x.shape == (3,)
    return np.sum(np.sin(x))


def _calls_checked(x, k):
    assert k > 0, "k must be positive"
    return _checked_shape(x * k) ** 2


def test_functions_with_asserts_in_a_test_module_are_differentiated():
    # base refused them: pytest's rewritten asserts are not what their source compiles to
    assert "@pytest_ar" in _calls_checked.__code__.co_names       # pytest did rewrite this module
    x = np.array([0.3, -0.7, 1.1])
    want = numerical_grad(lambda v: _calls_checked(v, 1.5), (x,))
    assert_close(astgrad.grad(_calls_checked)(x, 1.5), want)
    t = np.array([0.5, -1.0, 2.0])
    _, tangent = astgrad.jvp(_calls_checked, (x, 1.5), (t, 0.0))
    assert_close(tangent, numerical_jvp(_calls_checked, (x, 1.5), (t, None)))
    assert_close(astgrad.hessian(_calls_checked)(x, 1.5), numerical_hessian(astgrad.grad(_calls_checked), (x, 1.5)))
    with pytest.raises(AssertionError, match="k must be positive"):
        astgrad.grad(_calls_checked)(x, -1.0)
    with pytest.raises(AssertionError):
        astgrad.grad(_calls_checked)(np.ones(4), 1.5)       # the callee's assert
