"""astgrad's process-wide state under threads: every result a thread gets is the one
the same call gives on one thread.

Threads are lined up with barriers, so that first calls (generation, specialization, the
disk cache) happen at the same time, while another thread registers a rule, changes
NumPy's error settings or switches the tape's gradient mode. Rebinding globals during
calls is tested in test_thread_rebinding.py."""

import gc
import threading

import numpy as np
import pytest

import astgrad
from astgrad import d
from fd import assert_close, numerical_grad, numerical_hessian, numerical_jvp


def _run_together(jobs):
    """Run each job in a thread of its own, started together: the results, in order (an
    exception a job raised is its result)."""
    start = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def run(i, job):
        start.wait()
        try:
            results[i] = job()
        except BaseException as error:      # noqa: BLE001 - reported as the job's result
            results[i] = error

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not any(thread.is_alive() for thread in threads), "a thread hangs"
    return results


def _programs():
    """Functions made afresh, so that their first calls generate code."""
    def helper(u):
        return np.tanh(u) * 1.5

    def through_helper(x):
        return np.sum(helper(x) * x)

    def looping(x):
        s = 0.0
        for i in range(3):
            s = s + np.sum(np.sin(x * (i + 1)))
        return s

    def branching(x):
        if np.sum(x) > 0:
            return np.sum(x ** 3)
        return np.sum(np.exp(x))

    return [through_helper, looping, branching]


X = np.array([0.3, -0.2, 0.5])
V = np.array([1.0, 0.5, -1.0])

def _tangent(x):
    return V if np.ndim(x) else 0.7


MODES = {
    "grad": (lambda fn, x: astgrad.grad(fn)(x), lambda fn, x: numerical_grad(fn, (x,))),
    "jvp": (lambda fn, x: astgrad.jvp(fn, (x,), (_tangent(x),))[1],
            lambda fn, x: numerical_jvp(fn, (x,), (_tangent(x),))),
    "vjp": (lambda fn, x: astgrad.vjp(fn, x)[1](1.0)[0], lambda fn, x: numerical_grad(fn, (x,))),
    "hessian": (lambda fn, x: astgrad.hessian(fn)(x),
                lambda fn, x: np.reshape(numerical_hessian(astgrad.grad(fn), (x,)), np.shape(x) * 2)),
}


def test_first_calls_from_many_threads_give_the_one_thread_answers():
    """Eight threads make their first calls at once: four ask for the same derivatives
    (each generated once), four for different ones, with a float argument and an array
    (specialized code for each kind); every result matches finite differences."""
    astgrad.clear_cache()
    programs = _programs()
    cases = [(fn, mode, x) for fn in programs for mode in MODES for x in (X, 0.4)]
    expected = [MODES[mode][1](fn, x) for fn, mode, x in cases]
    astgrad.clear_cache()
    same = [lambda: [MODES[mode][0](fn, x) for fn, mode, x in cases] for _ in range(4)]
    split = [lambda i=i: [MODES[mode][0](fn, x) for fn, mode, x in cases[i::4]] for i in range(4)]
    results = _run_together(same + split)
    for got in results[:4]:
        assert not isinstance(got, BaseException), got
        for value, want in zip(got, expected):
            assert_close(value, want, 1e-5, 1e-6)
    for i, got in enumerate(results[4:]):
        assert not isinstance(got, BaseException), got
        for value, want in zip(got, expected[i::4]):
            assert_close(value, want, 1e-5, 1e-6)
    assert gc.isenabled()           # the collector's pauses all ended, whichever thread ended last


def softplus_like(x):
    return np.log1p(np.exp(x))


def uses_softplus(x):
    return np.sum(softplus_like(x) * x)


def test_a_rule_registered_while_other_threads_generate():
    """A thread registers a rule for a function others are differentiating through (a rule
    giving twice the derivative, to tell it apart): each result is the derivative with or
    without the rule, and every call after the registration uses the rule."""
    astgrad.clear_cache()
    x = np.array([0.1, -0.4])
    without = numerical_grad(uses_softplus, (x,))
    tangent = np.array([1.0, -2.0])
    without_jvp = numerical_jvp(uses_softplus, (x,), (tangent,))
    # with the rule: d softplus_like(x) counts twice
    sigmoid = 1.0 / (1.0 + np.exp(-x))
    with_rule = softplus_like(x) + x * 2 * sigmoid
    with_rule_jvp = np.dot(with_rule, tangent)

    def register():
        @astgrad.adjoint(softplus_like)
        def softplus_adjoint(y, x):
            d[x] = d[y] * 2.0 / (1.0 + np.exp(-x))

        @astgrad.tangent(softplus_like)
        def softplus_tangent(y, x):
            d[y] = d[x] * 2.0 / (1.0 + np.exp(-x))

    def differentiate():
        return astgrad.grad(uses_softplus)(x), astgrad.jvp(uses_softplus, (x,), (tangent,))[1]

    results = _run_together([differentiate, differentiate, register, differentiate])
    assert results[2] is None, results[2]
    for got in results[:2] + results[3:]:
        assert not isinstance(got, BaseException), got
        gradient, directional = got
        assert (np.allclose(gradient, without, 1e-5, 1e-6) and np.isclose(directional, without_jvp, 1e-5, 1e-6)) \
            or (np.allclose(gradient, with_rule) and np.isclose(directional, with_rule_jvp)), got
    assert_close(astgrad.grad(uses_softplus)(x), with_rule)
    assert_close(astgrad.jvp(uses_softplus, (x,), (tangent,))[1], with_rule_jvp)


def reciprocal_sum(x):
    return np.sum(1.0 / x)


def test_numpy_error_settings_are_each_thread_s_own():
    """One thread asks NumPy to raise on a division by zero, another to ignore it: each
    derivative call follows its own thread's settings, as ``reciprocal_sum`` does."""
    x = np.array([0.0, 2.0])
    astgrad.grad(reciprocal_sum)(np.array([1.0, 2.0]))      # made before, so the calls overlap
    lined_up = threading.Barrier(2)

    def raising():
        with np.errstate(divide="raise"):
            lined_up.wait()
            with pytest.raises(FloatingPointError):
                astgrad.grad(reciprocal_sum)(x)
            lined_up.wait()
            return np.geterr()["divide"]

    def ignoring():
        with np.errstate(divide="ignore", invalid="ignore"):
            lined_up.wait()
            gradient = astgrad.grad(reciprocal_sum)(x)
            lined_up.wait()
            return gradient, np.geterr()["divide"]

    first, second = _run_together([raising, ignoring])
    assert first == "raise", first
    assert not isinstance(second, BaseException), second
    gradient, setting = second
    assert setting == "ignore"
    assert np.isneginf(gradient[0]) and gradient[1] == -0.25


def test_the_tape_s_gradient_mode_is_each_thread_s_own():
    """``no_grad`` in one thread leaves another thread recording, also where both enter
    one ``no_grad`` object (a module's constant) and leave it in another order: each
    thread gets back its own mode from before."""
    shared = astgrad.no_grad()
    entered, left = threading.Barrier(2), threading.Barrier(2)

    def quiet():
        with astgrad.no_grad():
            with shared:
                entered.wait()          # the other thread enters it now
                entered.wait()
            y = astgrad.tensor(2.0, requires_grad=True) * 3.0     # still under the outer no_grad
            left.wait()
        return y.requires_grad, astgrad.is_grad_enabled()

    def recording():
        x = astgrad.tensor(2.0, requires_grad=True)
        y = x * x * x
        entered.wait()
        with shared:
            entered.wait()
            left.wait()                 # left by the other thread first
            inner = (x * 2.0).requires_grad
        (gradient,) = astgrad.autograd.grad(y, (x,))
        return y.requires_grad, inner, float(gradient), astgrad.is_grad_enabled()

    quiet_result, recording_result = _run_together([quiet, recording])
    assert quiet_result == (False, True)
    assert recording_result == (True, False, 12.0, True)


def test_one_no_grad_object_entered_inside_itself():
    quiet = astgrad.no_grad()
    with quiet:
        with quiet:
            assert not astgrad.is_grad_enabled()
        assert not astgrad.is_grad_enabled()
    assert astgrad.is_grad_enabled()
    with astgrad.set_grad_enabled(False):
        with quiet:
            pass
        assert not astgrad.is_grad_enabled()
    assert astgrad.is_grad_enabled()
