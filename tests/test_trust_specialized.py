"""Random programs against the code specialized to its arguments' kinds.

tests/specialized_programs.py draws programs aimed at the passes that rewrite
specialized code (accumulations into one name, aliases and views, in-place operators,
names read late, loops and branches) with arguments that are Python floats, 0-d or
n-d arrays, float64 or float32, with dimensions of length 1. For each program:

- the specialized gradient (a version made for these kinds, called twice) equals the
  general code's gradient, has each argument's shape and dtype, leaves the arguments
  alone, and (float64) equals central finite differences;
- forward mode (jvp) and the pullback of vjp agree with it, the Hessian of the first
  argument (forward over reverse) equals finite differences of the specialized
  gradient, and so does grad(grad(f)) where that argument is a scalar (each of them
  specialized code too);
- ``backend="numba"`` gives the same gradient or refuses with BackendError (numba is
  optional: skipped without it), and ``checkpoint=`` (checkpointing the version made
  for these kinds) gives the plain gradient or refuses with TransformError.

A TransformError (the program uses something astgrad refuses) is an accepted outcome;
a wrong number or any other exception fails. CI runs a few dozen programs (a few
seconds); HYPOTHESIS_PROFILE=thorough runs hundreds.
"""

import ast
import os

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, note, settings
from hypothesis import strategies as st

import astgrad
import specialized_programs as sp
from astgrad import argument_kinds
from astgrad.caching import reverse_derivative
from fd import assert_close, numerical_grad, numerical_hessian
from program_files import load, run_instrumented

THOROUGH = os.environ.get("HYPOTHESIS_PROFILE") == "thorough"
MAX_MAGNITUDE = 50.0
MIN_MARGIN = 1e-2
WRT = (0, 1)


def _drawer(data):
    return lambda options, label: data.draw(st.sampled_from(list(options)), label=label)


def _arguments(data, seed):
    """(x0, x1, n): kinds and shapes drawn, values from ``seed``."""
    rng = np.random.default_rng(seed)
    shapes = [data.draw(st.sampled_from(sp.SHAPES), label=f"shape x{i}") for i in range(2)]
    kinds = [data.draw(st.sampled_from(["float", "float", "int", "f8", "f4"] if s == () else ["f8", "f8", "f4"]),
                       label=f"kind x{i}") for i, s in enumerate(shapes)]
    n = data.draw(st.integers(0, 3), label="n")
    return shapes, (sp.make_argument(rng, shapes[0], kinds[0]), sp.make_argument(rng, shapes[1], kinds[1]), n)


def _draw_case(data, max_statements=6, loop=False):
    seed = data.draw(st.integers(0, 2 ** 16), label="seed")
    shapes, args = _arguments(data, seed)
    size = data.draw(st.integers(0 if loop else 1, max_statements), label="size")
    straight = not loop and data.draw(st.booleans(), label="straight-line?")
    program = sp.draw_program(_drawer(data), shapes, size, loop=loop, straight=straight)
    plain = sp.render(program, program.plain)
    stats = run_instrumented(sp.render(program, program.instrumented), args)
    assume(stats["magnitude"] < MAX_MAGNITUDE and stats["margin"] > MIN_MARGIN)
    note(f"program:\n{plain}\nargs={args!r}")
    return program, plain, load(plain), args


def _is_float32(args):
    return any(isinstance(a, np.ndarray) and a.dtype == np.float32 for a in args)


def _copies(args):
    return [a.copy() if isinstance(a, np.ndarray) else a for a in args]


def _specialized(fn, args):
    """The gradient of a fresh grad object, called twice (both calls must agree), and
    the object; None where astgrad refuses the program."""
    before = _copies(args)
    try:
        g = astgrad.grad(fn, WRT)
        first = g(*args)
    except astgrad.TransformError:
        return None, None
    second = g(*args)
    for a, b in zip(args, before):
        np.testing.assert_array_equal(a, b, err_msg="the gradient wrote into an argument")
    assert argument_kinds.signature(args) in g._versions.signatures(), "no version was made for these kinds"
    for x, y in zip(first, second):
        np.testing.assert_array_equal(x, y, err_msg="two calls with the same arguments disagree")
        assert x is not y or not isinstance(x, np.ndarray)
    return second, g


def _check_kinds(got, args):
    """Each gradient has its argument's shape and float dtype (float64 for a Python
    number, whose gradient is a number, not an array)."""
    for grad, x in zip(got, args):
        assert np.shape(grad) == np.shape(x)
        dtype = x.dtype if isinstance(x, np.ndarray) else np.dtype(np.float64)
        assert np.asarray(grad).dtype == dtype, (np.asarray(grad).dtype, dtype)
        assert isinstance(grad, np.ndarray) == isinstance(x, np.ndarray) or np.ndim(x) == 0, type(grad)
        assert not isinstance(grad, np.ndarray) or isinstance(x, np.ndarray), type(grad)


def check_gradients(fn, args, hessian=True):
    """All the agreements of the module docstring but numba and checkpointing; returns the
    specialized gradient (None where the program is refused)."""
    got, g = _specialized(fn, args)
    if got is None:
        return None
    _check_kinds(got, args)
    general = reverse_derivative(fn, WRT, False)(*args)
    for position, x in enumerate(args[:2]):
        expected = np.broadcast_to(general[position], np.shape(x))
        if _is_float32(args):
            assert_close(got[position], expected, rtol=1e-4, atol=1e-5, msg="specialized vs general")
        else:
            assert_close(got[position], expected, rtol=1e-10, atol=1e-12, msg="specialized vs general")
    if _is_float32(args):
        wide = tuple(np.asarray(a, np.float64) if isinstance(a, np.ndarray) else a for a in args)
        assert_close(got, numerical_grad(fn, wide, WRT), rtol=2e-3, atol=2e-3, msg="float32 vs fd")
        return got
    assert_close(got, numerical_grad(fn, args, WRT), rtol=1e-5, atol=1e-6, msg="specialized vs fd")
    _check_forward(fn, args, got)
    if hessian and not isinstance(args[0], int):
        try:
            hess = astgrad.hessian(fn, 0)(*args)
        except astgrad.TransformError as error:
            # The documented refusal (supported-python.md, known bugs): a second
            # derivative of a write through a view (`v1 = v0[::-1]; v1 += ...`).
            assert "in place" in str(error), error
            return got
        numeric = numerical_hessian(lambda *a: g(*a)[0], args, wrt=0)
        assert_close(np.reshape(hess, numeric.shape), numeric, rtol=1e-4, atol=1e-5, msg="hessian")
        if np.ndim(args[0]) == 0:       # a scalar x0: its gradient is a scalar, to differentiate again
            second = astgrad.grad(astgrad.grad(fn, 0))(*args)
            assert_close(float(second), float(numeric.ravel()[0]), rtol=1e-4, atol=1e-5, msg="grad of grad")
    return got


def _check_forward(fn, args, got):
    rng = np.random.default_rng(0)
    tangents = tuple(None if isinstance(a, int) else float(rng.normal()) if isinstance(a, float)
                     else rng.normal(size=np.shape(a)) for a in args[:2]) + (None,)
    _, tangent = astgrad.jvp(fn, args, tangents)
    expected = sum(float(np.sum(np.asarray(d) * t)) for d, t in zip(got, tangents[:2]) if t is not None)
    assert_close(tangent, expected, rtol=1e-8, atol=1e-10, msg="jvp vs gradient")
    out, pullback = astgrad.vjp(fn, *args)
    cotangent = 1.0 if isinstance(out, float) else np.ones_like(out)
    pulled = pullback(cotangent)
    for a, d, x in zip(pulled, got, args):
        if isinstance(x, int):
            assert a is None            # vjp: ints are constants
        else:
            assert_close(a, d, rtol=1e-10, atol=1e-12, msg="vjp vs gradient")


def examples(ci, thorough):
    return settings(max_examples=thorough if THOROUGH else ci, deadline=None,
                    suppress_health_check=[HealthCheck.filter_too_much, HealthCheck.too_slow])


@examples(ci=15, thorough=800)
@given(data=st.data())
def test_specialized_gradient_of_random_programs(data):
    _, _, fn, args = _draw_case(data)
    check_gradients(fn, args, hessian=THOROUGH or data.draw(st.booleans(), label="hessian?"))


@examples(ci=10, thorough=400)
@given(data=st.data())
def test_checkpointed_loops_of_random_programs(data):
    """The checkpointed gradient runs the version specialized to the arguments' kinds,
    checkpointed: the same operations as the plain specialized gradient, so the same
    numbers (float32 too), and (float64) finite differences."""
    _, _, fn, args = _draw_case(data, max_statements=4, loop=True)
    every = data.draw(st.sampled_from([1, 2, 3, "sqrt"]), label="every")
    try:
        plain = astgrad.grad(fn, WRT)(*args)
    except astgrad.TransformError:
        return
    try:
        g = astgrad.grad(fn, WRT, checkpoint=every)
        got = g(*args)
    except astgrad.TransformError as error:
        assert "checkpoint" in str(error)
        return
    assert argument_kinds.signature(args) in g._versions.signatures(), "no version was made for these kinds"
    text = g.source_for(*args)
    assert "checkpoint_interval" in text or not _saves_in_loops(text), "a loop saving values is not checkpointed"
    _check_kinds(got, args)
    assert_close(got, plain, rtol=1e-12, atol=1e-14, msg="checkpointed vs plain")
    if not _is_float32(args):
        assert_close(got, numerical_grad(fn, args, WRT), rtol=1e-5, atol=1e-6, msg="checkpointed vs fd")


def _saves_in_loops(text):
    """Whether generated code ``text`` appends to a stack inside a top-level ``for`` loop."""
    body = ast.parse(text).body[0].body
    return any(isinstance(node, ast.Attribute) and node.attr == "append"
               for stmt in body if isinstance(stmt, ast.For) for node in ast.walk(stmt))


@examples(ci=2, thorough=60)
@given(data=st.data())
def test_numba_backend_on_random_programs(data):
    pytest.importorskip("numba")
    from astgrad.backend.numba_backend import BackendError
    _, _, fn, args = _draw_case(data, max_statements=4)
    try:
        expected = astgrad.grad(fn, WRT)(*args)
        got = astgrad.grad(fn, WRT, backend="numba")(*args)
    except (BackendError, astgrad.TransformError):
        return
    _check_kinds(got, args)
    tolerance = dict(rtol=1e-4, atol=1e-5) if _is_float32(args) else dict(rtol=1e-10, atol=1e-12)
    assert_close(got, expected, msg="numba vs python", **tolerance)


# ---------------------------------------------------------------------------
# Threads making the first calls at once
# ---------------------------------------------------------------------------

def broadcasting(x, b):
    y = np.tanh(x * b + b)
    return np.sum(y * y) + np.sum(x) * 0.5


def _kinds_of_arguments(count):
    """``count`` argument pairs of different kinds (signatures) for ``broadcasting``."""
    rng = np.random.default_rng(11)
    shapes = [((3, 4), (4,)), ((3, 4), (3, 1)), ((1, 4), (3, 1)), ((4,), ()), ((), (2, 3)), ((1, 1), (2, 3)),
              ((2,), (2,)), ((2, 1), (1, 2)), ((5,), (1,)), ((), ()), ((3, 1, 2), (2,)), ((1, 2, 1), (3, 1, 1))]
    pairs = []
    for sx, sb in shapes[:count]:
        pairs.append(tuple(float(rng.normal()) if s == () and len(pairs) % 2 else rng.normal(size=s)
                           for s in (sx, sb)))
    return pairs


def _counting_versions(monkeypatch):
    """Make each new version slowly (so threads meet), counting them per signature key."""
    import threading
    import time
    from astgrad import specialize
    made, lock = [], threading.Lock()
    real = specialize.Current

    def counted(function, key):
        with lock:
            made.append(key[-1])
        time.sleep(0.02)
        return real(function, key)
    monkeypatch.setattr(specialize, "Current", counted)
    return made


def _in_threads(call, inputs):
    import threading
    barrier = threading.Barrier(len(inputs))
    results, errors = [None] * len(inputs), []

    def run(index):
        try:
            barrier.wait()
            results[index] = call(*inputs[index])
        except BaseException as error:   # noqa: BLE001 - reported below
            errors.append(error)
    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(inputs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return results


def test_threads_making_first_calls_with_different_kinds(monkeypatch):
    """12 kinds of arguments at once on one fresh gradient: every thread gets the right
    gradient, at most MAX_VERSIONS (8) versions are made, each signature once, and the
    code .source_for shows for each kind is what that kind runs."""
    from astgrad import specialize
    made = _counting_versions(monkeypatch)
    pairs = _kinds_of_arguments(12)
    assert len({argument_kinds.signature(p) for p in pairs}) == 12
    g = astgrad.grad(broadcasting, (0, 1))
    results = _in_threads(g, pairs * 2)          # each kind from two threads
    for args, got in zip(pairs * 2, results):
        assert_close(got, numerical_grad(broadcasting, args, (0, 1)))
    assert len(g._versions.signatures()) == specialize.MAX_VERSIONS
    assert len(made) == len(set(made)) == specialize.MAX_VERSIONS
    assert g.source in {g.source_for(*p) for p in pairs}
    for args in pairs:             # beyond the bound the general code runs, and is shown
        has_version = argument_kinds.signature(args) in g._versions.signatures()
        assert (g.source_for(*args) != g.plain.source) == has_version
    assert len(g._versions.signatures()) == specialize.MAX_VERSIONS


def test_threads_making_the_first_call_with_one_kind(monkeypatch):
    """16 threads make the first call with the same kind at once: the version is made
    once and every thread gets the same gradient."""
    made = _counting_versions(monkeypatch)
    rng = np.random.default_rng(5)
    x, b = rng.normal(size=(3, 4)), rng.normal(size=4)
    g = astgrad.grad(broadcasting, (0, 1))
    results = _in_threads(g, [(x, b)] * 16)
    assert len(made) == 1 and len(g._versions.signatures()) == 1
    expected = numerical_grad(broadcasting, (x, b), (0, 1))
    for got in results:
        assert_close(got, expected)
        np.testing.assert_array_equal(got[0], results[0][0])
        np.testing.assert_array_equal(got[1], results[0][1])
    assert g.source == g.source_for(x, b) != g.plain.source
