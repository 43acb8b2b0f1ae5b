"""The fast path of a gradient call (fast_call.py: a call with the previous call's
argument kinds runs a generated check and then the code directly), attacked with kinds
that change from call to call, names rebound between calls, helpers redefined, and
threads calling one gradient with different kinds at once.

Oracles: every call equals, to the last bit, the first call of a fresh gradient object
with the same arguments (which takes no fast path); float64 results equal central finite
differences; the result has the argument's type, dtype and shape; a thread's results
equal the serial ones; bool arguments, complex arguments and NumPy's subclasses whose
operators mean something else (masked arrays, np.matrix) are refused with TypeError.
"""

import math
import os
import threading

import numpy as np
import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

import astgrad
from fd import assert_close, numerical_grad

THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"
RNG = np.random.default_rng(5)


def _readonly(a):
    a = a.copy()
    a.setflags(write=False)
    return a


# argument makers: name -> a fresh argument (each call of the maker: new values of one kind)
KINDS = {
    "float": lambda: float(RNG.uniform(0.2, 1.0)),
    "int": lambda: int(RNG.integers(1, 4)),
    "f8[]": lambda: np.array(RNG.uniform(0.2, 1.0)),
    "f4[]": lambda: np.array(RNG.uniform(0.2, 1.0), dtype=np.float32),
    "f8[n]": lambda: RNG.uniform(0.2, 1.0, 3),
    "f8[1]": lambda: RNG.uniform(0.2, 1.0, 1),
    "f4[n]": lambda: RNG.uniform(0.2, 1.0, 3).astype(np.float32),
    "f8[n,1]": lambda: RNG.uniform(0.2, 1.0, (3, 1)),
    "f8[1,n]": lambda: RNG.uniform(0.2, 1.0, (1, 3)),
    "f8[n,n]": lambda: RNG.uniform(0.2, 1.0, (2, 3)),
    "f8[n,n] strided": lambda: RNG.uniform(0.2, 1.0, (2, 6))[:, ::2],
    "f8[n,n] fortran": lambda: np.asfortranarray(RNG.uniform(0.2, 1.0, (2, 3))),
    "f8[n] readonly": lambda: _readonly(RNG.uniform(0.2, 1.0, 3)),
    "f8[n] reversed": lambda: RNG.uniform(0.2, 1.0, 3)[::-1],
    "np.float64": lambda: np.float64(RNG.uniform(0.2, 1.0)),
    "np.float32": lambda: np.float32(RNG.uniform(0.2, 1.0)),
    "f2[n]": lambda: RNG.uniform(0.2, 1.0, 3).astype(np.float16),
}
WIDE = ("float", "int", "f8[]", "f8[n]", "f8[1]", "f8[n,1]", "f8[1,n]", "f8[n,n]", "f8[n,n] strided",
        "f8[n,n] fortran", "f8[n] readonly", "f8[n] reversed", "np.float64")


def smooth(x, c):
    return np.sum(np.sin(x * c) * x + c * c)


def loops(x, c):
    s = x * 1.0
    for k in range(3):
        s = np.tanh(s * c + k)
    return np.sum(s * s)


def numbers(x, c):
    t = x * c
    u = t * t + x
    return np.sum(u / (1.0 + t * t)) + np.sum(c * 0.5)


def in_place(x, c):
    y = x * 1.0
    y *= c
    y += x
    return np.sum(y * np.cos(y))


FUNCTIONS = [smooth, loops, numbers, in_place]


def _fresh(f, args):
    """The first call of a new gradient object: no fast path (and its kinds' version)."""
    return astgrad.grad(f, (0, 1))(*args)


def _same(got, expected):
    for a, b in zip(got, expected):
        assert type(a) is type(b), (type(a), type(b))
        assert np.shape(a) == np.shape(b) and np.asarray(a).dtype == np.asarray(b).dtype
        np.testing.assert_array_equal(a, b)


def _check_type(got, args):
    for g, x in zip(got, args):
        assert np.shape(g) == np.shape(x)
        if isinstance(x, np.ndarray) and x.dtype != np.float16:
            assert type(g) is np.ndarray and g.dtype == x.dtype, (type(g), g.dtype, x.dtype)
        elif type(x) in (float, int):
            assert type(g) is float, type(g)


def _float64(args):
    return all(type(a) in (float, int) or np.asarray(a).dtype == np.float64 for a in args)


# a few units in the last place of each precision (float16's eps is about 1e-3)
ROUNDING = {np.dtype(np.float64): 1e-13, np.dtype(np.float32): 1e-6, np.dtype(np.float16): 1e-2}


def _close(got, expected, inputs):
    """Equal to rounding: code specialized to other kinds (or the general code, beyond
    the bound on versions) may round differently in the last bit of the precision the
    arithmetic ran in, which is the least precise of the inputs' (a Python float times a
    float16 array is float16 arithmetic, though the gradient of the float is a float)."""
    values = [np.asarray(v) for v in (*inputs, *got)]
    tolerance = max(ROUNDING.get(v.dtype, 1e-13) for v in values)
    for a, b in zip(got, expected):
        assert type(a) is type(b) and np.shape(a) == np.shape(b) and np.asarray(a).dtype == np.asarray(b).dtype
        assert_close(a, b, rtol=tolerance, atol=tolerance)


@settings(max_examples=200 if THOROUGH else 8, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data(), seed=st.integers(0, 2 ** 16))
def test_kinds_changing_between_calls(data, seed):
    """Each call == the first call of the same gradient with those kinds, to the bit (the
    fast path runs the code the full call ran), and == a fresh gradient's first call."""
    global RNG
    RNG = np.random.default_rng(seed)
    f = data.draw(st.sampled_from(FUNCTIONS), label="function")
    g = astgrad.grad(f, (0, 1))
    names = st.sampled_from(sorted(KINDS) if THOROUGH else WIDE)
    firsts = {}
    for step in range(data.draw(st.integers(2, 14 if THOROUGH else 6), label="calls")):
        kinds = (data.draw(names, label=f"x {step}"), data.draw(names, label=f"c {step}"))
        if kinds not in firsts:
            firsts[kinds] = tuple(KINDS[k]() for k in kinds)
            if isinstance(firsts[kinds][0], int):
                firsts[kinds] = (float(firsts[kinds][0]),) + firsts[kinds][1:]     # x differentiated: a float
        args = firsts[kinds]
        try:
            expected = _fresh(f, args)
        except ValueError:                              # shapes that do not broadcast: NumPy refuses
            continue
        note(f"call {step}: {kinds}")
        first = g(*args)
        _close(first, expected, args)
        for _ in range(data.draw(st.integers(1, 3), label=f"repeats {step}")):
            _same(g(*args), first)
        _check_type(first, args)
        if _float64(args):
            wide = tuple(a.copy() if isinstance(a, np.ndarray) else a for a in args)
            assert_close(first, numerical_grad(f, wide, (0, 1)), rtol=1e-5, atol=1e-6, msg=f"{kinds} vs fd")


def test_more_kinds_than_versions_in_every_order():
    """More kinds than specialize.MAX_VERSIONS (8): the later ones run the general code,
    and coming back to an early kind runs its version again, on the fast path."""
    g = astgrad.grad(smooth, (0, 1))
    kinds = sorted(KINDS)
    arguments = [(KINDS[k](), 0.7) for k in kinds]
    firsts = [g(*a) for a in arguments]
    for first, a in zip(firsts, arguments):
        _close(first, _fresh(smooth, a), a)
    for order in (range(len(kinds)), reversed(range(len(kinds))), [0, 9, 0, 9, 3, 3, 12, 1]):
        for i in order:
            _same(g(*arguments[i]), firsts[i])
            _same(g(*arguments[i]), firsts[i])


def test_python_int_overflow_and_bools():
    g = astgrad.grad(lambda x, n: x ** 2 * n, 0)
    assert g(1.5, 2) == 6.0
    assert g(1.5, 2) == 6.0
    big = 2 ** 80
    assert g(1.5, big) == 3.0 * big             # an int too large for int64: Python's arithmetic
    assert g(1.5, 2) == 6.0
    with pytest.raises(TypeError, match="bool"):
        g(True, 2)
    assert g(1.5, True) == 3.0                  # a bool not differentiated is a constant, as in Python
    with pytest.raises(TypeError, match="bool"):
        astgrad.grad(smooth, 0)(np.array([True, False]), 1.0)


SUBCLASSES = {
    "masked": lambda: np.ma.array([1.0, 2.0, 3.0], mask=[0, 1, 0]),
    "matrix": lambda: np.matrix([[1.0, 2.0, 3.0]]),
}


@pytest.mark.filterwarnings("ignore::PendingDeprecationWarning")       # np.matrix
@pytest.mark.parametrize("kind", sorted(SUBCLASSES))
def test_numpy_subclasses_with_other_operators_are_refused(kind):
    """Regression: a masked array's gradient counted its masked elements (np.sum(x * x) of
    [1, --, 3] gave [2, 4, 6]), and np.matrix's ``*`` is a matrix product; both were
    differentiated as plain arrays."""
    def f(x):
        return np.sum(x * x)
    x = SUBCLASSES[kind]()
    for transform in (lambda: astgrad.grad(f)(x), lambda: astgrad.value_and_grad(f)(x),
                      lambda: astgrad.jvp(f, (x,), (np.ones(x.shape),)), lambda: astgrad.vjp(f, x),
                      lambda: astgrad.hessian(f)(x), lambda: astgrad.jacobian(f)(x)):
        with pytest.raises(TypeError, match="np.asarray"):
            transform()
    g = astgrad.grad(f)
    g(np.ones(3))
    g(np.ones(3))                               # the fast path for plain arrays, then a subclass
    with pytest.raises(TypeError, match="np.asarray"):
        g(x)
    assert np.array_equal(g(np.asarray(np.ma.getdata(x)).ravel()), 2 * np.ravel(np.ma.getdata(x)))


scale = np.sin
OFFSET = 1.0


def uses_globals(x, c):
    return np.sum(scale(x * c) + OFFSET * x * c)


def helper(x):
    return x * x


def calls_helper(x, c):
    return np.sum(helper(x) * c)


def _expected_with_globals(x, c):
    return _fresh(uses_globals, (x, c))


@settings(max_examples=60 if THOROUGH else 4, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(data=st.data())
def test_globals_rebound_between_fast_calls(data):
    global scale, OFFSET
    g = astgrad.grad(uses_globals, (0, 1))
    try:
        for step in range(data.draw(st.integers(2, 8), label="steps")):
            what = data.draw(st.sampled_from(["call", "scale", "offset"]), label=f"step {step}")
            if what == "scale":
                scale = data.draw(st.sampled_from([np.sin, np.cos, np.tanh, np.exp]), label="scale")
            elif what == "offset":
                OFFSET = data.draw(st.sampled_from([1.0, 2, -0.5, np.array([1.0, 2.0, 3.0]), np.float32(2.0)]),
                                   label="offset")
            x = KINDS[data.draw(st.sampled_from(["float", "f8[n]", "f4[n]", "f8[]"]), label=f"x {step}")]()
            try:
                expected = _expected_with_globals(x, 0.7)
            except ValueError:
                continue
            first = g(x, 0.7)
            _close(first, expected, (x, OFFSET))
            _same(g(x, 0.7), first)
    finally:
        scale, OFFSET = np.sin, 1.0


def scaled(x, k=2.0):
    return np.sum(x * k)


def calls_scaled(x):
    return scaled(x) * 1.0


def test_a_helper_redefined_or_its_code_replaced_between_fast_calls():
    """Regression: a helper whose ``__code__`` (or defaults) was replaced in place, as
    IPython's autoreload does, kept its old derivative (the guards checked which function
    the name meant, not its code), also for a new grad object (code reused by source)."""
    global helper
    g = astgrad.grad(calls_helper, 0)
    x = np.array([0.5, 1.5])
    original = helper
    try:
        assert_close(g(x, 2.0), 4.0 * x)
        assert_close(g(x, 2.0), 4.0 * x)

        def helper(x):                          # noqa: F811 - redefined, as in a notebook
            return x * x * x
        assert_close(g(x, 2.0), 6.0 * x * x)
        assert_close(g(x, 2.0), 6.0 * x * x)
        helper.__code__ = (lambda x: np.sin(x)).__code__
        assert_close(g(x, 2.0), 2.0 * np.cos(x))
        assert_close(g(x, 2.0), 2.0 * np.cos(x))
    finally:
        helper = original
    assert_close(g(x, 2.0), 4.0 * x)
    g = astgrad.grad(calls_scaled)
    assert_close(g(x), 2.0 * np.ones(2))
    assert_close(g(x), 2.0 * np.ones(2))
    defaults = scaled.__defaults__
    try:
        scaled.__defaults__ = (5.0,)
        assert_close(g(x), 5.0 * np.ones(2))
        assert_close(astgrad.grad(calls_scaled)(x), 5.0 * np.ones(2))
    finally:
        scaled.__defaults__ = defaults
    assert_close(g(x), 2.0 * np.ones(2))


def test_threads_calling_one_gradient_with_different_kinds():
    """Threads make a new gradient's versions and take its fast path at once, each with
    kinds of its own: every result == what the same gradient gives serially afterwards,
    to the bit, and == a fresh gradient's first call."""
    g = astgrad.grad(loops, (0, 1))
    kinds = WIDE if THOROUGH else ("float", "f8[n]", "f4[n]", "f8[n,1]", "f8[]", "f8[n,n] strided")
    arguments = [(KINDS[k](), KINDS[k]()) for k in kinds]
    results = {i: [] for i in range(len(arguments))}
    errors = []
    barrier = threading.Barrier(len(arguments))

    def run(i):
        try:
            barrier.wait()
            for _ in range(30 if THOROUGH else 8):
                results[i].append(g(*arguments[i]))
        except BaseException as error:          # noqa: BLE001 - reported below
            errors.append((i, error))
    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(arguments))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    for i, a in enumerate(arguments):
        serial = g(*a)
        _close(serial, _fresh(loops, a), a)
        for got in results[i]:
            _same(got, serial)
