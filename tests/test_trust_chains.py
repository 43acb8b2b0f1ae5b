"""Transforms of gradients and their versions per argument kinds (chains.py): jvp of a
gradient, hvp, grad of grad and a third order, jacobian and vjp, called with more kinds
than the bound on versions (8), in orders hypothesis draws, and checkpointed gradients
specialized to the kinds (in-place updates after a loop, called again and again).

Oracles: each call == the same transform's first call with those kinds, to the bit;
float64 results == central finite differences of the order below; forward over reverse
== the Hessian-vector product; the checkpointed gradient == the plain one.
"""

import math
import os

import numpy as np
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

import astgrad
from fd import assert_close, numerical_grad

THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"


def f(x, c):
    return np.sum(np.sin(x * c) * x) + np.sum(c * c * x)


def vector(x, c):
    return np.sin(x * c) * x + c


def KINDS(rng):
    """Twelve kinds of x: more than the 8 versions a transform keeps."""
    out = {}
    for shape in [(), (3,), (1,), (3, 1), (1, 3), (2, 3)]:
        for dtype in (np.float64, np.float32):
            out[f"{np.dtype(dtype).str}{shape}"] = np.asarray(rng.uniform(0.2, 1.0, shape), dtype=dtype)
    out["float"] = float(rng.uniform(0.2, 1.0))
    return out


def _tolerance(x):
    return 2e-3 if np.asarray(x).dtype == np.float32 else 1e-5


def _wide(x):
    return np.asarray(x, np.float64) if isinstance(x, np.ndarray) else x


def _direction(x):
    return np.linspace(0.5, -0.5, np.size(x)).reshape(np.shape(x)).astype(np.asarray(x).dtype) \
        if isinstance(x, np.ndarray) else 0.5


def _results(transforms, x, c):
    t = _direction(x)
    out = {"jvp of grad": transforms["jvp of grad"](x, c, t), "hvp": transforms["hvp"](x, c, t),
           "jacobian": transforms["jacobian"](x, c), "vjp": transforms["vjp"](x, c)}
    if np.ndim(x) == 0:
        out["grad of grad"] = transforms["grad of grad"](x, c)
        out["third order"] = transforms["third order"](x, c)
    return out


def _check_against_fd(results, x, c):
    tol = _tolerance(x)
    x64, t = _wide(x), _wide(_direction(x))
    gx = astgrad.grad(f)
    h = 1e-6
    numeric = (np.asarray(gx(x64 + h * t, c)) - np.asarray(gx(x64 - h * t, c))) / (2 * h)
    assert_close(np.asarray(results["jvp of grad"], np.float64), numeric, rtol=tol, atol=tol, msg="jvp of grad")
    assert_close(np.asarray(results["hvp"], np.float64), numeric, rtol=tol, atol=tol, msg="hvp")
    jac = numerical_grad(lambda a: float(np.sum(vector(a, c) * np.arange(1.0, 1.0 + np.size(vector(a, c)))
                                                .reshape(np.shape(vector(a, c))))), (x64,))
    weights = np.arange(1.0, 1.0 + np.size(vector(x64, c))).reshape(np.shape(vector(x64, c)))
    assert_close(np.asarray(results["vjp"], np.float64), jac, rtol=tol, atol=tol, msg="vjp")
    J = np.asarray(results["jacobian"], np.float64).reshape(np.size(weights), np.size(x64))
    assert_close(weights.ravel() @ J, np.ravel(jac), rtol=tol, atol=tol, msg="jacobian")
    if "grad of grad" in results:
        assert_close(float(results["grad of grad"]), float(np.ravel(numeric)[0]) / 0.5, rtol=tol, atol=tol,
                     msg="grad of grad")
        gg = astgrad.grad(astgrad.grad(f))
        third = (float(gg(float(x64) + 1e-5, c)) - float(gg(float(x64) - 1e-5, c))) / 2e-5
        assert_close(float(results["third order"]), third, rtol=1e-4, atol=1e-4, msg="third order")


def _transforms():
    g = astgrad.grad(f)
    return {
        "jvp of grad": lambda x, c, t: astgrad.jvp(g, (x, c), (t, 0.0))[1],
        "hvp": astgrad.hvp(f),
        "jacobian": astgrad.jacobian(vector),
        "vjp": lambda x, c: astgrad.vjp(vector, x, c)[1](
            np.arange(1.0, 1.0 + np.size(vector(x, c))).reshape(np.shape(vector(x, c))).astype(
                np.asarray(vector(x, c)).dtype) if np.ndim(vector(x, c)) else 1.0)[0],
        "grad of grad": astgrad.grad(astgrad.grad(f)),
        "third order": astgrad.grad(astgrad.grad(astgrad.grad(f))),
    }


@settings(max_examples=40 if THOROUGH else 2, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), seed=st.integers(0, 2 ** 16))
def test_transforms_of_gradients_over_more_kinds_than_versions(data, seed):
    kinds = KINDS(np.random.default_rng(seed))
    names = sorted(kinds)
    order = data.draw(st.lists(st.sampled_from(names), min_size=len(names) if THOROUGH else 4,
                               max_size=3 * len(names) if THOROUGH else 6), label="order")
    transforms = _transforms()
    firsts = {}
    c = 1.3
    for name in order:
        note(name)
        x = kinds[name]
        got = _results(transforms, x, c)
        if name not in firsts:
            firsts[name] = got
            if THOROUGH or len(firsts) <= 3:
                _check_against_fd(got, x, c)
            continue
        for what, value in got.items():
            np.testing.assert_array_equal(value, firsts[name][what], err_msg=f"{name}: {what} changed")


def loop_then_in_place(x, w):
    h = x * 1.0
    for i in range(4):
        h = np.tanh(h * w + i)
    h[0] = h[0] * w
    h *= w
    return np.sum(h * h)


def numbers_then_in_place(x, w):
    s = 0.0
    for i in range(5):
        s = s + math.sin(x * w + i) * s + x
    s *= w
    s += x
    return s


def accumulate(x, w):
    acc = np.zeros_like(x)
    for i in range(4):
        acc += x * w ** i
        x = np.sin(x)
    acc[0] -= w
    return np.sum(acc * acc)


CHECKPOINTED = [
    (loop_then_in_place, [(np.array([0.3, 0.5, -0.2]), 0.7), (np.array([[0.3, 0.5]]), 0.7),
                          (np.array([0.3, 0.5], np.float32), 0.7)]),
    (numbers_then_in_place, [(0.3, 0.7), (np.array(0.3), 0.7), (0.3, np.array(0.7))]),
    (accumulate, [(np.array([0.3, 0.5, -0.2]), 0.7), (np.array([0.4]), 1.1)]),
]


def test_checkpointed_versions_with_in_place_updates_after_loops():
    for fn, argument_sets in CHECKPOINTED:
        for every in (1, 3, "sqrt") if THOROUGH else (2,):
            g = astgrad.grad(fn, (0, 1), checkpoint=every)
            plain = astgrad.grad(fn, (0, 1))
            firsts = {}
            for k, args in enumerate(argument_sets * 2):
                got = g(*args)
                key = k % len(argument_sets)
                if key in firsts:
                    for a, b in zip(got, firsts[key]):
                        np.testing.assert_array_equal(a, b)
                    continue
                firsts[key] = got
                assert_close(got, plain(*args), rtol=1e-12, atol=1e-14, msg=f"{fn.__name__}: checkpointed vs plain")
                if all(np.asarray(a).dtype == np.float64 for a in args):
                    assert_close(got, numerical_grad(fn, tuple(np.copy(a) if isinstance(a, np.ndarray) else a
                                                                for a in args), (0, 1)),
                                 rtol=1e-5, atol=1e-6, msg=f"{fn.__name__}: checkpointed vs fd")
