"""astgrad's process-wide state under threads: every result a thread gets is the one
the same call gives on one thread.

Threads are lined up with barriers, so that first calls (generation, specialization, the
disk cache) happen at the same time, while another thread registers a rule, changes
NumPy's error settings or switches the tape's gradient mode. Rebinding globals during
calls is tested in test_thread_rebinding.py."""

import gc
import sys
import threading

import numpy as np
import pytest

import astgrad
from astgrad import d
from fd import assert_close, numerical_grad, numerical_hessian, numerical_jvp
from test_disk_cache_keys import cache_dir  # noqa: F401 - the disk cache on, in a directory of its own


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
        gradient, directional = got     # two calls: the rule may come between them
        assert np.allclose(gradient, without, 1e-5, 1e-6) or np.allclose(gradient, with_rule), got
        assert np.isclose(directional, without_jvp, 1e-5, 1e-6) or np.isclose(directional, with_rule_jvp), got
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


def guarded_log(x):
    with np.errstate(divide="ignore"):
        s = np.sum(np.log(x * x))
    return s * np.sum(np.sin(x))


def test_with_blocks_on_several_threads_at_once():
    """Each thread enters and leaves its own ``with`` blocks (the managers the generated
    code keeps open are each thread's own), in two modes, all started together."""
    x = np.array([0.5, 1.5])
    expected_grad, expected_jvp = numerical_grad(guarded_log, (x,)), numerical_jvp(guarded_log, (x,), (x,))
    astgrad.clear_cache()
    jobs = [lambda: astgrad.grad(guarded_log)(x), lambda: astgrad.jvp(guarded_log, (x,), (x,))[1]] * 3
    for i, got in enumerate(_run_together(jobs)):
        assert not isinstance(got, BaseException), got
        assert_close(got, expected_jvp if i % 2 else expected_grad, 1e-5, 1e-6)
    assert np.geterr()["divide"] == "warn"


def scaled_norm(x, w):
    return np.sum(np.tanh(x * w) ** 2)


def test_many_argument_kinds_specialized_at_once():
    """Threads asking for versions made for different argument kinds (float, 0-d, 1-d,
    2-d arrays, float32) of one function's grad, jvp and vjp at the same time."""
    inputs = [0.3, np.float64(0.4), np.array([0.1, -0.2]), np.array([[0.1, 0.3], [-0.2, 0.5]]),
              np.array([0.2, 0.6], dtype=np.float32)]
    expected = [numerical_grad(scaled_norm, (np.float64(x), 1.5)) for x in inputs]
    astgrad.clear_cache()

    def each(x):
        return lambda: (astgrad.grad(scaled_norm)(x, 1.5), astgrad.vjp(scaled_norm, x, 1.5)[1](1.0)[0],
                        astgrad.jvp(scaled_norm, (x, 1.5), (np.ones_like(x), 0.0))[1])
    for x, want, got in zip(inputs, expected, _run_together([each(x) for x in inputs])):
        assert not isinstance(got, BaseException), got
        tolerance = 1e-3 if np.asarray(x).dtype == np.float32 else 1e-6
        for value in got[:2]:
            assert_close(value, want, tolerance, tolerance)
        assert_close(got[2], np.sum(want), tolerance, tolerance)


def test_tape_graphs_on_several_threads():
    """Each thread records and differentiates its own graph (the same program on some
    threads, so the derivative made for it is shared), to second order."""
    def job(value):
        def run():
            x = astgrad.tensor(value, requires_grad=True)
            y = astgrad.sin(x) * x * x
            (first,) = astgrad.autograd.grad(y, (x,), create_graph=True)
            (second,) = astgrad.autograd.grad(first, (x,))
            return first.item(), second.item()
        return run
    values = [0.3, 0.3, 0.7, 1.1, 0.7, 1.1]
    for value, got in zip(values, _run_together([job(v) for v in values])):
        assert not isinstance(got, BaseException), got
        first = np.cos(value) * value ** 2 + 2 * value * np.sin(value)
        second = -np.sin(value) * value ** 2 + 4 * value * np.cos(value) + 2 * np.sin(value)
        assert_close(got, (first, second), 1e-9, 1e-9)


def test_the_disk_cache_written_and_read_by_several_threads(cache_dir):     # noqa: F811
    """Threads store derivatives into the disk cache at once, then (the memory cache
    cleared, as in a new process) load them at once: each result is the one-thread one."""
    programs = _programs()
    expected = [numerical_grad(fn, (X,)) for fn in programs]
    for _ in range(2):
        astgrad.clear_cache()
        jobs = [lambda fn=fn: astgrad.grad(fn)(X) for fn in programs * 2]
        for got, want in zip(_run_together(jobs), expected * 2):
            assert not isinstance(got, BaseException), got
            assert_close(got, want, 1e-5, 1e-6)
    assert any(cache_dir.iterdir())


def test_entries_stored_for_one_function_by_several_threads_at_once():
    """Each thread stores an entry of its own for the same new functions (as the callee
    walks do, reach_probes.py): every entry is kept, none is lost to another thread's
    first store."""
    from astgrad.function_cache import FunctionCache
    cache = FunctionCache("__astgrad_test_threads__")
    functions = [(lambda: None) for _ in range(300)]
    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)
    try:
        def store(i):
            return lambda: [cache.setdefault(fn, {}).__setitem__(i, True) for fn in functions]
        _run_together([store(i) for i in range(4)])
    finally:
        sys.setswitchinterval(interval)
    assert [len(cache.get(fn)) for fn in functions] == [4] * len(functions)
