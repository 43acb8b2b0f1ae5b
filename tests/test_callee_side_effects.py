"""A function that rebinds a global (``global K; K += 1``), itself or in what it calls.

Reverse mode computes a callee's value in the forward sweep and its derivative in the
adjoint, which runs the callee's code again; vjp runs the function, then its derivative;
jacobian and hessian run it once per column. Each such run of code rebinding a global
bumped it again and read the other value: a wrong gradient with no error, and the global
left as two (or n) calls leave it.

Followed: the writes of the function itself, of a module-level helper of its module
(inlined), of a local def, a lambda or a global closure, in every mode; vjp, jacobian
and hessian start each run from the values the first one started from. Checked against
central finite differences of ``reset(); f(x)`` and against the state one plain call
leaves. Refused at the line of the call: a method, static or class method, ``__call__``,
property, an @astgrad.differentiable helper, a function held in a dict or a list, a
helper whose local def writes the global, a write through ``globals()``; a gradient
taken inside differentiated code of such a function; vjp of a function drawing new
random numbers each run."""

import random

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_hessian

K = 1.0
CALLS = 0


def reset():
    global K
    K = 1.0


def bump(x):
    global K
    K += 1.0
    return x


def make_counted():
    calls = 0.0

    def counted(x):
        nonlocal calls
        calls += 1.0
        return x * calls

    def state():
        return calls
    return counted, state


COUNTED, COUNTED_CALLS = make_counted()


def make_bumping_closure():
    def bumps(x):
        global K
        K += 1.0
        return x
    return bumps


BUMPS = make_bumping_closure()
BUMP_LAMBDA = lambda x: bump(x)     # noqa: E731 - a lambda held by a global


class Bumper:
    def bump(self, x):
        global K
        K += 1.0
        return x

    @staticmethod
    def static_bump(x):
        global K
        K = K + 1.0
        return x

    @classmethod
    def class_bump(cls, x):
        global K
        K += 1.0
        return x

    def __call__(self, x):
        global K
        K = 2.0 * K
        return x + 0.0

    @property
    def bumped(self):
        global K
        K += 1.0
        return 2.0

    def through_helper(self, x):
        return bump(x)

    def count_call(self):
        global CALLS
        CALLS += 1

    def bump_alone(self):
        global K
        K += 1.0

    def reads(self, x):
        return x * K            # reads the global, rebinds nothing: followed

    def prints(self, x):
        print(end="")           # a side effect on no value the code reads: followed
        return x * 2.0


B = Bumper()
@astgrad.differentiable
def decorated_bump(x):
    global K
    K += 1.0
    return x


TABLE = {"bump": bump}
LIST = [bump]


def writes_in_a_local_def(x):
    def inner(y):
        global K
        K += 1.0
        return y
    return inner(x)


def writes_through_globals(x):
    globals()["K"] = K + 1.0
    return x


def helper_bumps(x):
    return np.sum(np.sin(x) * K) + np.sum(bump(x)) + np.sum(x * K)


def local_def_bumps(x):
    def g(y):
        global K
        K += 1.0
        return y
    return np.sum(np.sin(x) * K) + np.sum(g(x)) + np.sum(x * K)


def closure_bumps(x):
    return np.sum(np.sin(x) * K) + np.sum(BUMPS(x)) + np.sum(x * K)


def lambda_bumps(x):
    return np.sum(np.sin(x) * K) + np.sum(BUMP_LAMBDA(x)) + np.sum(x * K)


def own_write(x):
    global K
    y = np.sum(np.sin(x) * K)
    K = K * 2.0 + 1.0
    return y + np.sum(x * x * K)


def method_reads(x):
    return np.sum(B.reads(x)) + np.sum(B.prints(x) * np.cos(x))


FOLLOWED = [
    ("helper", helper_bumps),
    ("local-def", local_def_bumps),
    ("global-closure", closure_bumps),
    ("global-lambda", lambda_bumps),
    ("own-write", own_write),
    ("method-reads-and-prints", method_reads),
]

X = np.array([0.3, 0.7, -0.4])
V = np.array([0.5, -1.0, 0.25])


def _state():
    return K


def _run(mode, f):
    if mode == "grad":
        return astgrad.grad(f)(X)
    if mode == "value_and_grad":
        value, gradient = astgrad.value_and_grad(f)(X)
        reset_value = _plain_value(f)
        assert value == pytest.approx(reset_value)
        return gradient
    if mode == "vjp":
        _, pullback = astgrad.vjp(f, X)
        return pullback(1.0)[0]
    if mode == "jvp":
        return astgrad.jvp(f, (X,), (V,))[1]
    if mode == "jacobian":
        return astgrad.jacobian(f)(X)
    return astgrad.hessian(f)(X)


def _plain_value(f):
    saved = K
    reset()
    value = f(X)
    globals()["K"] = saved
    return value


def _expected(mode, f):
    def from_reset(y):
        reset()
        return f(y)
    if mode == "hessian":
        return numerical_hessian(lambda y: numerical_grad(from_reset, (y,), eps=1e-5), (X,), eps=1e-4)
    gradient = numerical_grad(from_reset, (X,))
    return gradient @ V if mode == "jvp" else gradient


@pytest.mark.parametrize("mode", ["grad", "value_and_grad", "vjp", "jvp", "jacobian", "hessian"])
@pytest.mark.parametrize("name, f", FOLLOWED, ids=[c[0] for c in FOLLOWED])
def test_followed_writes_match_finite_differences_and_one_call(name, f, mode):
    expected = _expected(mode, f)
    reset()
    f(X)
    after_one_call = _state()
    reset()
    result = _run(mode, f)
    assert _state() == after_one_call           # the global as one plain call leaves it
    assert_close(result, expected, rtol=1e-4 if mode == "hessian" else 1e-5, atol=1e-4 if mode == "hessian" else 1e-6)


REFUSED = [     # each program reads K before and after the call
    (lambda x: np.sum(B.bump(x) * K) + np.sum(x * K), "Bumper.bump"),
    (lambda x: np.sum(np.sin(x) * K) + np.sum(Bumper.bump(B, x)), "Bumper.bump"),
    (lambda x: K * np.sum(Bumper.static_bump(x) + x * K), "Bumper.static_bump"),
    (lambda x: np.sum(Bumper.class_bump(x)) * K, "Bumper.class_bump"),
    (lambda x: np.dot(B.class_bump(x), x) * K, "Bumper.class_bump"),
    (lambda x: np.sum(x * K) - np.sum(B(x)), "Bumper.__call__"),
    (lambda x: np.sum(x * B.bumped * K), "Bumper.bumped"),
    (lambda x: np.prod(B.through_helper(x)) + K, "Bumper.through_helper"),
    (lambda x: np.sum(TABLE["bump"](x)), "bump"),
    (lambda x: np.sum(LIST[0](np.sin(x))) * K, "bump"),
    (lambda x: np.sum(writes_in_a_local_def(x) ** 2), "writes_in_a_local_def"),
    (lambda x: np.sum(writes_through_globals(x) * K), "writes_through_globals (globals through globals()"),
    (lambda x: np.sum(np.cos(x) * K) + np.sum(decorated_bump(x)), "decorated_bump"),
    (lambda x: np.sum(np.sin(x) * K) + (B.bump_alone() or 0.0) + np.sum(x * K), "Bumper.bump_alone"),
]


@pytest.mark.parametrize("f, callee", REFUSED, ids=[f"{c[1].split()[0]}-{k}" for k, c in enumerate(REFUSED)])
def test_a_kept_call_rebinding_a_global_is_refused_at_its_line(f, callee):
    reset()
    with pytest.raises(astgrad.TransformError) as caught:
        astgrad.grad(f)(X)
    message = str(caught.value)
    assert message.startswith(f"{__file__}:{f.__code__.co_firstlineno}: ")
    callee, _, what = callee.partition(" (")
    # refused by the call (callee_writes.py), or, where K is read before a call of a helper
    # rebinding it by a route astgrad does not follow, at that read (foreign_writes.py)
    at_the_call = (what or "the global 'K'") in message \
        and "pass the value in as an argument and return the new value" in message
    at_the_read = f"a read of the global K that {callee} may rebind" in message \
        and "pass K in as an argument" in message
    assert callee in message and (at_the_call or at_the_read)
    assert _state() == 1.0                      # refused before anything ran
    assert_close(astgrad.grad(helper_bumps)(X), np.cos(X) + 3.0)   # the next call works (K: 1, then 2)


def test_vjp_pullback_starts_from_the_state_vjp_saw_and_changes_nothing():
    reset()
    _, pullback = astgrad.vjp(helper_bumps, X)
    assert K == 2.0
    first = pullback(1.0)[0]
    assert K == 2.0                             # the pullback rebinds no global
    assert_close(pullback(1.0)[0], first)       # and runs from the same values each time
    assert_close(first, np.cos(X) + 3.0)


def test_a_closure_cell_the_function_writes_is_saved_too():
    before = COUNTED_CALLS()
    jac = astgrad.jacobian(COUNTED)(X)
    assert COUNTED_CALLS() == before + 1.0      # as one call leaves it, not one per column
    assert_close(jac, np.eye(3) * (before + 1.0))


def test_a_call_of_a_closure_writing_its_cell_is_refused():
    before = COUNTED_CALLS()
    with pytest.raises(astgrad.TransformError, match="rebinds the closure variable 'calls'"):
        astgrad.grad(lambda x: np.sum(COUNTED(x)))(X)
    assert COUNTED_CALLS() == before


def gradient_taken_inside(x):
    return np.sum(astgrad.grad(helper_bumps)(x))


def test_a_gradient_taken_inside_differentiated_code_is_refused_where_its_function_rebinds_a_global():
    reset()
    with pytest.raises(astgrad.TransformError) as caught:
        astgrad.grad(gradient_taken_inside)(X)
    message = str(caught.value)
    assert message.startswith(f"{__file__}:{gradient_taken_inside.__code__.co_firstlineno + 1}: ")
    assert "a derivative of helper_bumps taken inside differentiated code" in message
    assert "Take the derivative outside and pass it in" in message
    assert K == 1.0


def scalar_helper_bumps(x):
    return np.sin(x) * K + bump(x) + x * K


def test_grad_of_grad_runs_the_function_once():
    reset()
    second = astgrad.grad(astgrad.grad(scalar_helper_bumps))(0.3)
    assert K == 2.0
    assert second == pytest.approx(-np.sin(0.3))


def draws_from_random(x):
    return np.sum(x * random.random())


def test_vjp_of_a_function_drawing_new_numbers_each_run_is_refused():
    """The pullback runs the code again: it would differentiate another draw than the value's."""
    with pytest.raises(astgrad.TransformError) as caught:
        astgrad.vjp(draws_from_random, X)
    message = str(caught.value)
    assert message.startswith(f"{__file__}:{draws_from_random.__code__.co_firstlineno + 1}: ")
    assert "astgrad.vjp runs draws_from_random for its value and again in the pullback" in message
    assert "use grad, jvp or hvp, which run the function once" in message
    reset()
    assert_close(astgrad.vjp(helper_bumps, X)[1](1.0)[0], np.cos(X) + 3.0)     # the next call works


def counts_its_calls(x):
    B.count_call()          # given no value, rebinding what nothing here reads: runs once
    return np.sum(np.sin(x) * K)


@pytest.mark.parametrize("mode", ["grad", "vjp", "jacobian"])
def test_a_call_given_no_value_rebinding_what_nothing_reads_runs_once(mode):
    reset()
    before = CALLS
    result = _run(mode, counts_its_calls)
    assert CALLS == before + 1
    assert_close(result, np.cos(X))
