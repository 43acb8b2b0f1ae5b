"""Transforms that run a function, or code derived from it, more than once: hvp (its
product, then f to check its output), jvp, jacobian and vjp of a gradient, hessian with
``wrt=``, and a derivative taken inside differentiated code.

- a queue, a StringIO or a list a helper changes is left as one plain call leaves it, and
  the derivative is that of the plain call (jacobian and vjp of a gradient ran the
  gradient's inlined ``Queue.get`` once per column: a wrong value before);
- an iterator a helper reads (``next(COUNTER)``) is refused at its line before anything
  runs, leaving it where it was; the next call, with grad, works.
"""

import io
import itertools
import queue

import numpy as np
import pytest

import astgrad
from fd import assert_close

JOBS, TEXT, LIST = queue.Queue(), io.StringIO(), [0.0]


def take_job():
    JOBS.get()


def put_job():
    JOBS.put(0.0)


def write_text():
    TEXT.write("x")


def bump_list():
    LIST[0] += 1.0


def _refill(n):
    while not JOBS.empty():
        JOBS.get()
    for _ in range(n):
        JOBS.put(0.0)


def _reset_text(n):
    TEXT.seek(0)
    TEXT.truncate()
    TEXT.write("x" * n)


# (helper, sets the state to a count n, reads the count)
STATES = {
    "queue_get": (take_job, _refill, JOBS.qsize),
    "queue_put": (put_job, _refill, JOBS.qsize),
    "string_io": (write_text, _reset_text, lambda: len(TEXT.getvalue())),
    "list": (bump_list, lambda n: LIST.__setitem__(0, float(n)), lambda: LIST[0]),
}


def reading(helper, read):
    def f(x, y):
        helper()
        return np.sum(x ** 3 * y) * read()
    return f


X, Y, V = np.array([0.3, 0.7]), np.array([1.0, 2.0]), np.array([1.0, 0.5])
# f(x, y) = c * sum(x**3 * y), c the count one call leaves: each mode and its exact value
MODES = {
    "hvp": (lambda f: astgrad.hvp(f)(X, Y, V), lambda c: 6 * c * X * Y * V),
    "jvp_of_grad": (lambda f: astgrad.jvp(astgrad.grad(f), (X, Y), (V, 0 * V))[1], lambda c: 6 * c * X * Y * V),
    "jacobian_of_grad": (lambda f: astgrad.jacobian(astgrad.grad(f))(X, Y), lambda c: np.diag(6 * c * X * Y)),
    "vjp_of_grad": (lambda f: astgrad.vjp(astgrad.grad(f), X, Y)[1](V)[0], lambda c: 6 * c * X * Y * V),
    "hessian_wrt_y": (lambda f: astgrad.hessian(f, wrt=1)(X, Y), lambda c: np.zeros((2, 2))),
    "hessian_wrt_x": (lambda f: astgrad.hessian(f, wrt="x")(X, Y), lambda c: np.diag(6 * c * X * Y)),
}
CASES = [(state, mode) for state in STATES for mode in MODES]


@pytest.mark.parametrize("state, mode", CASES, ids=[f"{s}-{m}" for s, m in CASES])
def test_state_a_helper_changes_is_left_as_one_call_leaves_it(state, mode):
    helper, reset, read = STATES[state]
    f, (run, expected) = reading(helper, read), MODES[mode]
    left = {}
    for name, call in (("one call", lambda: f(X, Y)), (mode, lambda: run(f))):
        reset(13)
        left[name] = (call(), read())
    assert left[mode][1] == left["one call"][1], f"{mode} left {left[mode][1]}, one call leaves {left['one call'][1]}"
    assert_close(left[mode][0], expected(left["one call"][1]), rtol=1e-12, atol=1e-12, msg=f"{state} {mode}")


COUNTER = itertools.count(1)


def tick():
    return next(COUNTER)


def counts(x, y):
    return np.sum(x ** 3 * y) * tick()


def gradient_inside(x, y):
    return np.sum(astgrad.grad(counts)(x, y) * x)


def jvp_inside(x, y):
    return astgrad.jvp(counts, (x, y), (x, y))[1]


TICK_LINE = f"test_state_twice52.py:{tick.__code__.co_firstlineno + 1}"
ITERATOR = "tick reads the iterator COUNTER"
# mode: (run, where the refusal points, what it says)
REFUSED = {
    "hvp": (lambda: astgrad.hvp(counts)(X, Y, V), TICK_LINE, "Take the next item outside"),
    "hvp_float": (lambda: astgrad.hvp(counts)(0.5, 2.0, 1.0), TICK_LINE, "Take the next item outside"),
    "jvp_of_grad": (lambda: astgrad.jvp(astgrad.grad(counts), (X, Y), (V, V)), TICK_LINE, "jvp of a gradient"),
    "jacobian_of_grad": (lambda: astgrad.jacobian(astgrad.grad(counts))(X, Y), TICK_LINE, "jacobian of a gradient"),
    "vjp_of_grad": (lambda: astgrad.vjp(astgrad.grad(counts), X, Y), TICK_LINE, "Take the next item outside"),
    "hessian_wrt_y": (lambda: astgrad.hessian(counts, wrt=1)(X, Y), TICK_LINE, "Take the next item outside"),
    "grad_of_grad_inside": (lambda: astgrad.grad(gradient_inside)(X, Y),
                            f"test_state_twice52.py:{gradient_inside.__code__.co_firstlineno + 1}", TICK_LINE),
    "value_and_grad_of_grad_inside": (lambda: astgrad.value_and_grad(gradient_inside)(X, Y),
                                      f"test_state_twice52.py:{gradient_inside.__code__.co_firstlineno + 1}",
                                      "Take the derivative outside"),
    "grad_of_jvp_inside": (lambda: astgrad.grad(jvp_inside)(X, Y),
                           f"test_state_twice52.py:{jvp_inside.__code__.co_firstlineno + 1}",
                           "runs again in the derivative of the code around it"),
}       # (jvp of jvp_inside runs it once, and is followed: test_refusals3.py)


@pytest.mark.parametrize("mode", list(REFUSED))
def test_an_iterator_read_by_a_helper_is_refused_before_anything_runs(mode):
    run, where, says = REFUSED[mode]
    before = repr(COUNTER)
    with pytest.raises(astgrad.TransformError) as info:
        run()
    message = str(info.value)
    assert f"{where}: " in message and ITERATOR in message and says in message, message
    assert repr(COUNTER) == before          # refused before f ran
    value, gradient = astgrad.value_and_grad(counts)(X, Y)     # one run: followed, the state moves once
    assert_close(gradient, 3 * X ** 2 * Y * value / np.sum(X ** 3 * Y), msg=mode)
    assert repr(COUNTER) != before
