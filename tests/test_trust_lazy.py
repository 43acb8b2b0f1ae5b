"""Random programs made for the first time from many threads at once (lazy generation:
``grad()`` checks, the first call finishes, pipeline.front/back, caching.check).

hypothesis draws a program (tests/specialized_programs.py) and several requests on it
that share the kept front half: gradients for arguments of different kinds, a
``value_and_grad``, a ``jvp``, a Hessian, and ``grad`` objects made in the threads or
shared between them. All run at once from a barrier, on a function astgrad has never
seen; each result must equal what the same request gives on a fresh copy of the program
(loaded again from its source) run serially, and the serial gradients must equal central
finite differences. A TransformError (a refused program) must be raised in the threads
exactly where it is raised serially.
"""

import os
import threading

import numpy as np
from hypothesis import HealthCheck, assume, given, note, settings
from hypothesis import strategies as st

import astgrad
import specialized_programs as sp
from astgrad import caching
from fd import assert_close, numerical_grad
from program_files import load, run_instrumented

THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"
WRT = (0, 1)


def _drawer(data):
    return lambda options, label: data.draw(st.sampled_from(list(options)), label=label)


def _args(rng, shapes, kind):
    """Arguments of ``shapes``: float64 arrays ("f8"), float32 arrays ("f4"), or Python
    floats for the shape () ("float")."""
    return tuple(sp.make_argument(rng, s, "float" if s == () and kind == "float" else
                                  "f4" if kind == "f4" else "f8") for s in shapes) + (2,)


REQUESTS = ["grad", "grad", "own grad", "value_and_grad", "jvp", "hessian", "grad other kind"]


def _request(kind, f, shared, args, other):
    if kind == "grad":
        return shared(*args)
    if kind == "own grad":
        return astgrad.grad(f, WRT)(*args)
    if kind == "grad other kind":
        return shared(*other)
    if kind == "value_and_grad":
        return astgrad.value_and_grad(f, WRT)(*args)
    if kind == "jvp":
        tangents = tuple(np.ones_like(a) if isinstance(a, np.ndarray) else 0.5 for a in args[:2]) + (None,)
        return astgrad.jvp(f, args, tangents)
    return astgrad.hessian(f, 0)(*args)


def _outcome(call):
    try:
        return ("value", call())
    except astgrad.TransformError as error:
        return ("refused", str(error).split("\n")[0].split(": ", 1)[-1])


def _in_threads(calls):
    barrier = threading.Barrier(len(calls))
    results, errors = [None] * len(calls), []

    def run(index):
        try:
            barrier.wait()
            results[index] = _outcome(calls[index])
        except BaseException as error:      # noqa: BLE001 - reported below
            errors.append(error)
    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    assert not errors, errors
    return results


def _same(a, b, what, float32=False):
    assert a[0] == b[0], (what, a, b)
    if a[0] == "refused":
        assert a[1] == b[1], (what, a, b)
        return
    tolerance = dict(rtol=1e-5, atol=1e-6) if float32 else dict(rtol=1e-12, atol=1e-12)
    assert_close(a[1], b[1], msg=what, **tolerance)


@settings(max_examples=300 if THOROUGH else 4, deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
@given(data=st.data())
def test_first_calls_from_many_threads_give_what_serial_calls_give(data):
    shapes = [data.draw(st.sampled_from([(3,), (2, 3), (), (1, 3)]), label=f"shape x{i}") for i in range(2)]
    rng = np.random.default_rng(data.draw(st.integers(0, 2 ** 16), label="seed"))
    args = _args(rng, shapes, "f8")
    other = _args(rng, shapes, data.draw(st.sampled_from(["float", "f4"]), label="other kind"))
    program = sp.draw_program(_drawer(data), shapes, data.draw(st.integers(1, 5), label="size"))
    text = sp.render(program, program.plain)
    for a in (args, other):
        stats = run_instrumented(sp.render(program, program.instrumented),
                                 tuple(np.asarray(v, np.float64) if isinstance(v, np.ndarray) else v for v in a))
        assume(stats["magnitude"] < 50.0 and stats["margin"] > 1e-2)
    note(text)
    requests = [data.draw(st.sampled_from(REQUESTS), label=f"request {i}") for i in range(6)]
    f = load(text)
    try:
        shared_grad = astgrad.grad(f, WRT)
    except astgrad.TransformError:
        return
    got = _in_threads([lambda k=k: _request(k, f, shared_grad, args, other) for k in requests])
    serial_f = load(text)
    serial_grad = astgrad.grad(serial_f, WRT)
    for kind, result in zip(requests, got):
        expected = _outcome(lambda: _request(kind, serial_f, serial_grad, args, other))
        float32 = kind == "grad other kind" and isinstance(other[0], np.ndarray) and other[0].dtype == np.float32
        _same(result, expected, f"{kind} in threads vs serial", float32)
        if kind in ("grad", "own grad") and expected[0] == "value":
            assert_close(expected[1], numerical_grad(serial_f, args, WRT), rtol=1e-5, atol=1e-6, msg="vs fd")
    assert not caching._flights and not caching._waiting and not caching._in_progress
