"""Library objects a helper changes, held in globals: after each transform they are as
one plain call of ``f`` leaves them, and the derivative is that of the plain call.

- a queue.Queue (put, get), a PriorityQueue, heapq on a global list, an io.StringIO
  written to, a global list: saved and put back, in every mode (the columns of jacobian
  and hessian, vjp's pullback, and hvp's check of the output read what the call read);
- an iterator (itertools.count) read by a helper: refused by the transforms that run
  the function more than once, at the line reading it, leaving it where it was; grad
  and jvp (one run) follow it;
- random.Random and NumPy generators drawn from: refused there, their state untouched;
- ``d["a"] *= w`` on a read-only array a dict argument holds: NumPy's error, as a plain call.
"""

import heapq
import io
import itertools
import os
import queue
import random

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_jvp

JOBS, TAKEN, RANKED, HEAP, TEXT = queue.Queue(), queue.Queue(), queue.PriorityQueue(), [], io.StringIO()


def put_job():
    JOBS.put(0.0)


def take_job():
    TAKEN.get()


def put_ranked():
    RANKED.put((1, "job"))


def push_heap():
    heapq.heappush(HEAP, 1.0)


def write_text():
    TEXT.write("x")


LIST = [0.0]


def bump_list():
    LIST[0] += 1.0


def _refill(q, n):
    while not q.empty():
        q.get()
    for _ in range(n):
        q.put((1, "job") if isinstance(q, queue.PriorityQueue) else 0.0)


def _reset_text(n):
    TEXT.seek(0)
    TEXT.truncate()
    TEXT.write("x" * n)


# (helper, sets the state to a count n, reads the count)
STATES = {
    "queue_put": (put_job, lambda n: _refill(JOBS, n), JOBS.qsize),
    "queue_get": (take_job, lambda n: _refill(TAKEN, n + 10), TAKEN.qsize),
    "priority_queue": (put_ranked, lambda n: _refill(RANKED, n), RANKED.qsize),
    "heapq_list": (push_heap, lambda n: HEAP.__setitem__(slice(None), [1.0] * n), lambda: len(HEAP)),
    "string_io": (write_text, _reset_text, lambda: len(TEXT.getvalue())),
    "list": (bump_list, lambda n: LIST.__setitem__(0, float(n)), lambda: LIST[0]),
}


def reading(helper, read):
    def f(x):
        helper()
        return np.sum(x ** 3) * read()
    return f


X, V = np.array([0.3, 0.7]), np.array([1.0, 0.5])
MODES = {
    "grad": (lambda f: astgrad.grad(f)(X), lambda p, c: numerical_grad(p, (X,))),
    "vjp": (lambda f: astgrad.vjp(f, X)[1](1.0)[0], lambda p, c: numerical_grad(p, (X,))),
    "jvp": (lambda f: astgrad.jvp(f, (X,), (V,))[1], lambda p, c: numerical_jvp(p, (X,), (V,))),
    "jacobian": (lambda f: astgrad.jacobian(f)(X), lambda p, c: numerical_grad(p, (X,))),
    "hessian": (lambda f: astgrad.hessian(f)(X), lambda p, c: np.diag(6 * c * X)),   # c * sum(x**3)
    "hvp": (lambda f: astgrad.hvp(f)(X, V), lambda p, c: 6 * c * X * V),
    "jvp_of_grad": (lambda f: astgrad.jvp(astgrad.grad(f), (X,), (V,))[1], lambda p, c: 6 * c * X * V),
}
CASES = [(state, mode) for state in STATES for mode in MODES]


@pytest.mark.parametrize("state, mode", CASES, ids=[f"{s}-{m}" for s, m in CASES])
def test_a_library_object_a_helper_changes_is_left_as_one_call_leaves_it(state, mode):
    helper, reset, read = STATES[state]
    f = reading(helper, read)
    run, expected = MODES[mode]
    reset(3)
    f(X)
    after_one_call = read()

    def plain(x):
        reset(3)
        return f(x)
    want = expected(plain, after_one_call)
    reset(3)
    got = run(f)
    assert read() == after_one_call, f"{mode} left {read()}, one call leaves {after_one_call}"
    assert_close(got, want, rtol=1e-5, atol=1e-6, msg=f"{state} {mode}")


COUNTER = itertools.count(1)
RNG = random.Random(0)
GENERATOR = np.random.default_rng(0)


def tick():
    return next(COUNTER)


def counts(x):
    return np.sum(x ** 3) * tick()


def draws(x):
    return np.sum(x ** 3) * RNG.random()


def draws_numpy(x):
    return np.sum(x ** 3) * GENERATOR.normal()


REFUSED = [(counts, lambda: repr(COUNTER), "tick reads the iterator COUNTER", "Take the next item outside",
            tick.__code__.co_firstlineno + 1),
           (draws, RNG.getstate, "the method random of a Random", "Draw the random numbers outside",
            draws.__code__.co_firstlineno + 1),
           (draws_numpy, lambda: GENERATOR.bit_generator.state, "the method normal of a Generator",
            "Draw the random numbers outside", draws_numpy.__code__.co_firstlineno + 1)]
RUNS_TWICE = {"vjp": lambda f: astgrad.vjp(f, X), "jacobian": lambda f: astgrad.jacobian(f)(X),
              "hessian": lambda f: astgrad.hessian(f)(X)}
REFUSALS = [(row, mode) for row in REFUSED for mode in RUNS_TWICE]


@pytest.mark.parametrize("row, mode", REFUSALS, ids=[f"{r[0].__name__}-{m}" for r, m in REFUSALS])
def test_state_that_cannot_be_put_back_is_refused_where_it_is_read(row, mode):
    f, read, what, advice, line = row
    before = read()
    with pytest.raises(astgrad.TransformError) as info:
        RUNS_TWICE[mode](f)
    message = str(info.value)
    assert f"test_state_library52.py:{line}" in message and what in message and advice in message
    assert read() == before                 # refused before f ran
    value, gradient = astgrad.value_and_grad(f)(X)     # one run: followed, the state moves once
    assert_close(gradient, 3 * X ** 2 * value / np.sum(X ** 3), msg=f.__name__)


def scales_item(w, d):
    d["a"] *= w
    return np.sum(d["a"])


def _read_only_dict():
    a = np.ones(3)
    a.flags.writeable = False
    return {"a": a}


RO_MODES = {"plain": lambda: scales_item(2.0, _read_only_dict()),
            "grad": lambda: astgrad.grad(scales_item)(2.0, _read_only_dict()),
            "vjp": lambda: astgrad.vjp(scales_item, 2.0, _read_only_dict()),
            "jvp": lambda: astgrad.jvp(scales_item, (2.0, _read_only_dict()), (1.0, {"a": np.zeros(3)})),
            "hessian": lambda: astgrad.hessian(scales_item)(2.0, _read_only_dict())}


@pytest.mark.parametrize("mode", list(RO_MODES))
def test_a_read_only_array_in_a_dict_argument_stays_read_only(mode):
    with pytest.raises(ValueError, match="read-only"):
        RO_MODES[mode]()
    d = {"a": np.ones(3)}
    assert astgrad.grad(scales_item)(2.0, d) == 3.0 and d["a"][0] == 1.0   # the next call works


NULL_FILE = open(os.devnull, "w")      # noqa: SIM115 - a global log file, as a program keeps one


def note():
    NULL_FILE.write("x\n")


def notes(x):
    note()
    return np.sum(x ** 3)


def test_a_helper_writing_a_file_is_followed_by_every_transform():
    assert_close(astgrad.hessian(notes)(X), np.diag(6 * X))
    assert_close(astgrad.vjp(notes, X)[1](1.0)[0], 3 * X ** 2)
    gradient = astgrad.grad(notes)
    assert_close(astgrad.grad(lambda x: np.sum(gradient(x) * x))(X), 9 * X ** 2)     # d/dx sum(3x^3)
