"""Ordinary numerical programs as outsiders write them (tests/hunt_outsider_programs.py:
small physics simulations, finance, statistics, ML layers, geometry, signal processing,
everyday NumPy and SciPy, float32 and int data, 0-d arrays, lists of floats, dataclass
parameters, helpers in another module, closures, functools.partial, methods), each against
central finite differences in one mode of astgrad in turn. Then what the hunt found, each
checked on its own:

- a wrong number: vjp, jacobian and hessian of a function drawing from a random generator
  given as an argument (``gen.normal(size=n)``, a ``RandomState``, a ``random.Random``)
  ran the function again for the pullback, or once per column, and drew other numbers
  there: the derivative of no run, with no error (a generator a global or a closure
  holds was refused already). Refused now, naming the draw; grad, jvp and hvp, which run
  the function once, follow it and leave the generator as one call of the function does;
- a refusal no user expects: a NumPy function written in C (``np.dot``, ``np.inner``,
  ``np.concatenate``) as a function value: ``functools.reduce(np.dot, mats)`` was refused
  ("no adjoint rule for _functools.reduce"), one passed as an argument or left to a
  default was refused, and one called from a list (``[np.dot, np.outer][0](a, b)``)
  raised a bare IndexError. Followed now, as ``np.sum`` and ``np.matmul`` are;
- a refusal no user expects: ``x.tolist()`` of an array argument was refused ("no adjoint
  rule for .tolist()", with advice about objects whose class astgrad does not know). It is
  ``np.array``'s inverse, and followed now in every mode, to second order;
- a refusal no user expects: a list read in a loop over ``zip`` with a global list and
  appended to after it (the stages of a Runge-Kutta step from its Butcher tableau:
  ``for a, k in zip(A_ROW, ks): ...``, then ``ks.append(f(t, stage))``) was refused as an
  append to a list a global may share: the count of the loop (``zip_length``, the length
  of each argument) was taken to share memory with the lists it measured. It is a new int
  now, and the loop is followed;
- ``np.vectorize`` was refused with a message about complex numbers only; it now says
  why (NumPy calls the function element by element, out of astgrad's sight) and what to
  write instead. (``np.vectorize(f)(x)`` itself is followed now, element by element; its
  forms with ``signature=`` or ``excluded=`` are still refused so.)
"""

import functools
import importlib.util
import math
import random

import numpy as np
import pytest

import astgrad
from breadth_modes import FIRST, THOROUGH, check
from fd import assert_close, numerical_grad, numerical_hessian, numerical_jvp
from hunt_outsider_programs import ARRAY_CASES, CASES

HAS_SCIPY = importlib.util.find_spec("scipy") is not None
# the modes each program is checked in, in turn: a first-order one, and the Hessian on every
# tenth one run (second derivatives take the most time to generate); jvp of a list argument: its
# own test below
TURN = ("grad", "jvp", "value_and_grad", "vjp")


def _mode(k, args):
    mode = "hessian" if k % 30 == 6 else TURN[(k // 3) % len(TURN)]
    return "grad" if mode == "jvp" and any(isinstance(a, list) for a in args) else mode


def _program_params():
    """Every program with HYPOTHESIS_PROFILE=thorough; every third one in CI (its time budget)."""
    for k, (name, f, args, wrt) in enumerate(CASES):
        if k % 3 and not THOROUGH:
            continue
        marks = pytest.mark.skip(reason="SciPy is not installed") if name.startswith("c25 ") and not HAS_SCIPY else ()
        mode = _mode(k, args)
        yield pytest.param(mode, f, args, wrt, id=f"{name.split()[0]}-{mode}", marks=marks)


@pytest.mark.parametrize("mode, f, args, wrt", list(_program_params()))
def test_program_in_mode(mode, f, args, wrt):
    check(mode, f, args, wrt)


def _as_float(value):
    return np.array(value, dtype=float) if isinstance(value, list) else value


@pytest.mark.parametrize("name, f, args, wrt", ARRAY_CASES, ids=[c[0].split()[0] for c in ARRAY_CASES])
def test_program_with_an_array_output(name, f, args, wrt):
    """jacobian (each row against finite differences), vjp with a random cotangent."""
    out = f(*args)
    seed = np.random.default_rng(1).standard_normal(np.shape(out))
    i = wrt[-1]
    jac = np.reshape(astgrad.jacobian(f, wrt=i)(*args), (np.size(out), -1))
    for k in range(np.size(out)):
        row = np.zeros(np.size(out))
        row[k] = 1.0
        want = numerical_grad(f, args, wrt=i, seed=row.reshape(np.shape(out)))
        assert_close(jac[k], np.ravel(_as_float(want)))
    value, pullback = astgrad.vjp(f, *args)
    assert_close(value, out, 1e-12, 1e-12)
    assert_close(_as_float(pullback(seed)[wrt[0]]), _as_float(numerical_grad(f, args, wrt=wrt[0], seed=seed)))


def test_jvp_of_programs_given_lists_of_floats():
    for name, f, args, wrt in CASES + ARRAY_CASES:
        if not isinstance(args[0], list):
            continue
        v = [0.5, -1.0, 0.25][:len(args[0])]
        tangents = (v,) + tuple(0.0 if isinstance(a, float) else None for a in args[1:])
        _, d = astgrad.jvp(f, args, tangents)
        want = numerical_jvp(lambda xs, *rest: f(list(xs), *rest), (np.array(args[0]),) + args[1:],
                             (np.array(v),) + (None,) * (len(args) - 1))
        assert_close(d, want), name


def test_every_mode_is_checked_on_many_programs():
    modes = [p.values[0] for p in _program_params()]
    for mode in FIRST:
        assert modes.count(mode) >= 10, mode
    assert modes.count("hessian") >= 5


# -- a random generator given as an argument -----------------------------------------

def noisy_loss(x, gen):
    noise = gen.normal(size=x.shape)
    return np.sum(np.sin(x * noise))


def noisy_outputs(x, gen):
    return np.sin(x * gen.normal(size=x.shape))


def through_a_helper(x, gen):
    return noisy_loss(x, gen) + np.sum(x)


def python_random(x, r):
    return x * r.random()


def legacy_state(x, rs):
    return np.sum(x * rs.randn(3))


X = np.array([0.3, -0.5, 0.8])


def _draws(seed):
    return np.random.default_rng(seed).normal(size=3)


@pytest.mark.parametrize("run, f, makes, what", [
    (lambda f, g: astgrad.vjp(f, X, g), noisy_loss, lambda: np.random.default_rng(1), "the method .normal()"),
    (lambda f, g: astgrad.vjp(f, X, g), through_a_helper, lambda: np.random.default_rng(1), "the method .normal()"),
    (lambda f, g: astgrad.jacobian(f)(X, g), noisy_outputs, lambda: np.random.default_rng(1), "the method .normal()"),
    (lambda f, g: astgrad.hessian(f)(X, g), noisy_loss, lambda: np.random.default_rng(1), "the method .normal()"),
    (lambda f, g: astgrad.vjp(f, 0.5, g), python_random, lambda: random.Random(0), "the method .random()"),
    (lambda f, g: astgrad.vjp(f, X, g), legacy_state, lambda: np.random.RandomState(0), "the method .randn()"),
], ids=["vjp", "vjp-helper", "jacobian", "hessian", "random.Random", "RandomState"])
def test_a_generator_given_as_an_argument_is_refused_where_the_function_runs_again(run, f, makes, what):
    gen = makes()
    with pytest.raises(astgrad.TransformError) as info:
        run(f, gen)
    message = str(info.value)
    assert "test_hunt_outsider.py:" in message and what in message and "given as '" in message
    assert "Draw the random numbers outside and pass them in" in message and "use grad, jvp or hvp" in message
    fresh = makes()
    assert gen.random() == fresh.random()           # refused before it ran: the generator did not move


def test_grad_jvp_and_hvp_follow_a_generator_given_as_an_argument():
    noise = _draws(1)
    gen = np.random.default_rng(1)
    assert_close(astgrad.grad(noisy_loss)(X, gen), np.cos(X * noise) * noise)
    assert gen.random() == (lambda g: (g.normal(size=3), g.random())[1])(np.random.default_rng(1))   # one run
    v = np.array([1.0, -2.0, 0.5])
    _, d = astgrad.jvp(noisy_loss, (X, np.random.default_rng(1)), (v, None))
    assert_close(d, np.sum(np.cos(X * noise) * noise * v))
    hv = astgrad.hvp(noisy_loss)(X, np.random.default_rng(1), v)
    assert_close(hv, -np.sin(X * noise) * noise ** 2 * v)
    with pytest.raises(astgrad.TransformError):
        astgrad.vjp(noisy_loss, X, np.random.default_rng(1))
    assert_close(astgrad.grad(noisy_loss)(X, np.random.default_rng(1)), np.cos(X * noise) * noise)    # still


# -- NumPy functions written in C as function values -------------------------------------

A = np.array([[1.0, 0.5], [0.2, 0.3]])


def reduce_dot(a):
    return np.sum(functools.reduce(np.dot, [a, a.T, a], np.eye(2) * a[0, 0]))


def apply(op, a, b):
    return op(a, b)


def handed_to_a_helper(a):
    return np.sum(apply(np.dot, a, a.T) ** 2)


OPS = {"dot": np.dot, "cat": np.concatenate}


def from_a_dict(a):
    return np.sum(OPS["dot"](a, a) ** 2) + np.sum(OPS["cat"]([a, a]) ** 3)


def left_to_a_default(a, op=np.inner):
    return np.sum(op(a, a) ** 2)


def from_a_list(a):
    fs = [np.dot, np.outer]
    return np.sum(fs[0](a, a)) + np.sum(fs[1](a[0], a[1]) ** 2)


def passed_in(op, a):
    return np.sum(np.tanh(op(a, a)))


@pytest.mark.parametrize("f", [reduce_dot, handed_to_a_helper, from_a_dict, left_to_a_default, from_a_list])
def test_a_numpy_function_written_in_c_is_followed_as_a_function_value(f):
    v = np.array([[0.5, -1.0], [0.25, 2.0]])
    assert_close(astgrad.grad(f)(A), numerical_grad(f, (A,)))
    assert_close(astgrad.jvp(f, (A,), (v,))[1], numerical_jvp(f, (A,), (v,)))
    if f is reduce_dot or f is from_a_list:         # second order on two of them (the slowest to generate)
        g = astgrad.grad(f)
        assert_close(astgrad.hessian(f)(A).reshape(4, 4), numerical_hessian(lambda a: g(a), (A,)).reshape(4, 4),
                     1e-4, 1e-5)


@pytest.mark.parametrize("op", [np.dot, np.inner, np.matmul])
def test_a_numpy_function_written_in_c_passed_as_an_argument(op):
    assert_close(astgrad.grad(passed_in, wrt=1)(op, A), numerical_grad(lambda a: passed_in(op, a), (A,)))
    v = np.ones((2, 2))
    assert_close(astgrad.jvp(passed_in, (op, A), (None, v))[1], numerical_jvp(lambda a: passed_in(op, a), (A,), (v,)))


def vectorized(x, w):
    f = np.vectorize(lambda v: math.sin(v) * w)
    return np.sum(f(x))


def vectorized_with_signature(x, w):
    f = np.vectorize(lambda v: math.sin(v) * w, signature="()->()")
    return np.sum(f(x))


def test_np_vectorize_is_followed_and_its_other_forms_refused_saying_what_to_write():
    assert_close(astgrad.grad(vectorized)(X, 0.5), numerical_grad(lambda x: vectorized(x, 0.5), (X,)))
    with pytest.raises(astgrad.TransformError) as info:
        astgrad.grad(vectorized_with_signature)(X, 0.5)
    message = str(info.value)
    assert "test_hunt_outsider.py:" in message and "numpy.vectorize" in message
    assert "np.array([f(v) for v in x])" in message
    assert_close(astgrad.grad(passed_in, wrt=1)(np.dot, A), numerical_grad(lambda a: passed_in(np.dot, a), (A,)))


# -- ndarray.tolist -----------------------------------------------------------------------

def squares_of_a_list(x):
    c = x.tolist()
    return sum(v ** 2 for v in c) * c[0]


def rows_of_a_matrix(a):
    return sum(r[0] * r[1] ** 2 for r in a.tolist())


def back_to_an_array(x):
    return np.sum(np.array((x * 2).tolist()) ** 3)


def of_a_0d_array(a):
    return a.tolist() ** 2 * np.sin(a)


def appended_to(x, w):
    vals = (x * w).tolist()
    vals.append(w)
    return max(vals) + sum(vals)


@pytest.mark.parametrize("f, args", [
    (squares_of_a_list, (X,)), (rows_of_a_matrix, (np.array([[0.3, 0.2], [0.5, -0.4], [1.0, 0.7]]),)),
    (back_to_an_array, (X,)), (of_a_0d_array, (np.array(0.7),)), (appended_to, (X, 0.4)),
], ids=lambda v: getattr(v, "__name__", ""))
def test_tolist_of_an_array_is_followed(f, args):
    want = numerical_grad(f, args)
    assert_close(astgrad.grad(f)(*args), want)
    assert_close(astgrad.vjp(f, *args)[1](1.0)[0], want)
    v = np.full(np.shape(args[0]), 0.5)
    tangents = (v,) + (0.0,) * (len(args) - 1)
    assert_close(astgrad.jvp(f, args, tangents)[1], np.sum(want * v))
    if f not in (squares_of_a_list, appended_to):
        return                  # second order on two of them (the slowest to generate)
    g = astgrad.grad(f)
    n = np.size(args[0])
    assert_close(np.reshape(astgrad.hessian(f)(*args), (n, n)),
                 np.reshape(numerical_hessian(lambda *a: g(*a), args), (n, n)), 1e-4, 1e-5)


# -- a list read in a loop over zip with a global list, then appended to -----------------

A_ROWS = [[], [0.5], [0.0, 0.5], [0.0, 0.0, 1.0]]
WEIGHTS = [0.5, 0.25, 0.125]


def runge_kutta_stages(y):
    ks = []
    for a_row in A_ROWS:
        stage = y
        for a, k in zip(a_row, ks):
            stage = stage + a * k
        ks.append(np.sin(stage))
    return np.sum(sum(ks))


def weighted_then_appended(y):
    ks = [np.sin(y), np.cos(y)]
    s = sum(w * k for w, k in zip(WEIGHTS, ks))
    ks.append(s)
    return np.sum(sum(ks) ** 2)


@pytest.mark.parametrize("f", [runge_kutta_stages, weighted_then_appended])
def test_a_list_read_in_a_zip_loop_with_a_global_list_and_appended_to_after(f):
    y = np.array([0.3, 0.5])
    want = numerical_grad(f, (y,))
    assert_close(astgrad.grad(f)(y), want)
    v = np.array([1.0, -0.5])
    assert_close(astgrad.jvp(f, (y,), (v,))[1], np.sum(want * v))
    if f is runge_kutta_stages:         # second order on one of them (the slower to generate)
        g = astgrad.grad(f)
        assert_close(astgrad.hessian(f)(y), numerical_hessian(lambda a: g(a), (y,)), 1e-4, 1e-5)
    assert A_ROWS == [[], [0.5], [0.0, 0.5], [0.0, 0.0, 1.0]] and WEIGHTS == [0.5, 0.25, 0.125]
