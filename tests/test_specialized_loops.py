"""The passes that make specialized loops and products short: dead code inside loops,
forward and adjoint loops fused, the adjoints of ``@`` as plain products, a term added
twice added doubled, ``numpy.sum(a)`` as ``a.sum()``. Each rewrite is checked where it
applies and where it must not: the specialized gradient equals the general code's and
finite differences, and the code shows the rewrite (or not)."""

import inspect
import math

import numpy as np
import pytest

import astgrad
import programs
from astgrad.caching import reverse_derivative
from fd import assert_close, numerical_grad

rng = np.random.default_rng(11)


def _check(fn, args, wrt=None):
    """The specialized gradient (and value) against the general code and finite differences;
    returns the source of the specialized code that ran (the one returning the value too)."""
    wrt = tuple(range(len(args))) if wrt is None else wrt
    g = astgrad.value_and_grad(fn, wrt)
    value, got = g(*args)
    assert len(g._versions.signatures()) == 1          # the version made for these arguments ran
    general_value, general = reverse_derivative(fn, wrt, True)(*args)
    assert_close(value, fn(*args), rtol=1e-13, atol=1e-13)
    assert_close(value, general_value, rtol=1e-13, atol=1e-13)
    for got_one, expected, position in zip(got, general if isinstance(general, tuple) else (general,), wrt):
        assert np.shape(got_one) == np.shape(args[position])
        assert_close(got_one, np.broadcast_to(expected, np.shape(args[position])), rtol=1e-10, atol=1e-12)
        assert_close(got_one, numerical_grad(fn, tuple(args), wrt=position), rtol=1e-5, atol=1e-6)
    return inspect.getsource(g._versions.for_call(args))


# -- every program of the shared corpus, specialized ------------------------------------

def _scalar_cases():
    for name, fn, args in programs.CASES:
        try:
            value = fn(*args)
        except Exception:       # noqa: BLE001 - not a program for grad
            continue
        if np.ndim(value) == 0 and isinstance(value, (float, np.floating)):
            floats = tuple(i for i, a in enumerate(args)
                           if isinstance(a, float) or isinstance(a, np.ndarray) and a.dtype.kind == "f")
            if floats:
                yield pytest.param(fn, args, floats, id=name)


@pytest.mark.parametrize("fn, args, wrt", list(_scalar_cases()))
def test_every_corpus_program_specialized_matches_general_code(fn, args, wrt):
    g = astgrad.grad(fn, wrt)
    got = g(*args)
    got = got if isinstance(got, tuple) else (got,)
    general = reverse_derivative(fn, wrt, False)(*args)
    general = general if isinstance(general, tuple) else (general,)
    for got_one, expected, position in zip(got, general, wrt):
        assert_close(got_one, np.broadcast_to(expected, np.shape(args[position])), rtol=1e-10, atol=1e-12)


# -- fused loops --------------------------------------------------------------------------

def series(x):
    s = 0.0
    for i in range(30):
        s = s + math.sin(x * i) * x / (1 + i)
    return s


def test_an_adjoint_loop_that_needs_no_later_step_runs_in_the_forward_loop():
    source = _check(series, (0.7,))
    code = [line for line in source.splitlines() if not line.strip().startswith("#")]
    assert sum("for " in line for line in code) == 1 and "reversed" not in source
    assert sum("math.sin" in line for line in code) == 1     # the adjoint uses the forward step's sin


def series_of_arrays(x, w):
    s = 0.0
    for i in range(6):
        s = s + np.sum(np.tanh(x * i) * w)
    return s


@pytest.mark.parametrize("shapes", [((3,), (3,)), ((2, 3), (3,)), ((3, 1), (1, 4)), ((1,), (1,))])
def test_fused_loops_with_arrays_and_broadcasting(shapes):
    args = tuple(rng.normal(size=shape) for shape in shapes)
    source = _check(series_of_arrays, args)
    assert "reversed" not in source


def carried(x):
    y = x * 1.0
    s = 0.0
    for i in range(5):
        y = np.sin(y) * x
        s = s + np.sum(y)
    return s


def test_an_adjoint_carried_from_step_to_step_keeps_its_own_loop():
    source = _check(carried, (rng.normal(size=3),))
    assert "reversed" in source


def counter_after_loop(x):
    s = 0.0
    for i in range(4):
        s = s + x * i
    return np.sum(s * i + x)


def last_step_value_after_loop(x):
    s = 0.0
    for i in range(4):
        y = x * i
        s = s + y * y
    return np.sum(s) + np.sum(y * x)


def same_term_twice(x):
    s = 0.0
    for i in range(4):
        v = x * i
        s = s + v * v + np.sin(v) * np.sin(v)
    return np.sum(s)


def fixed_sum_initial(x):
    acc = x * 2.0
    for i in range(3):
        acc = acc + x * i
    return np.sum(acc * acc)


def nested(x):
    s = 0.0
    for i in range(3):
        for j in range(4):
            s = s + np.sum(np.cos(x * j) * i)
    return s


def writes_into_an_array(x):
    y = np.zeros(4)
    s = 0.0
    for i in range(4):
        y[i] = np.sum(x) * i
        s = s + y[i] * np.sum(x * x)
    return s + np.sum(y * x[0])


def loop_over_rows(m, v):
    total = 0.0
    for k in range(m.shape[0]):
        total = total + np.sum(np.tanh(m[k] * v))
    return total


def rebinds_the_counter(x):
    s = 0.0
    for i in range(4):
        i = i * 2
        s = s + np.sin(x * i)
    return np.sum(s)


def steps_given(x, n):
    s = x * 0.5
    for k in range(n):
        s = s + np.cos(x * k) * k
    return np.sum(s)


@pytest.mark.parametrize("fn, args", [
    (rebinds_the_counter, (0.3,)),
    (rebinds_the_counter, (rng.normal(size=2),)),
    (steps_given, (rng.normal(size=3), 0)),
    (steps_given, (rng.normal(size=3), 3)),
    (steps_given, (0.2, 1)),
    (counter_after_loop, (0.3,)),
    (counter_after_loop, (rng.normal(size=3),)),
    (last_step_value_after_loop, (rng.normal(size=3),)),
    (same_term_twice, (0.4,)),
    (same_term_twice, (rng.normal(size=(2, 1)),)),
    (fixed_sum_initial, (rng.normal(size=3),)),
    (nested, (rng.normal(size=2),)),
    (writes_into_an_array, (rng.normal(size=3),)),
    (loop_over_rows, (rng.normal(size=(4, 3)), rng.normal(size=3))),
    (loop_over_rows, (rng.normal(size=(4, 1)), rng.normal(size=3))),
], ids=lambda v: getattr(v, "__name__", None))
def test_loops_that_may_or_may_not_fuse_compute_the_same(fn, args):
    floats = tuple(i for i, a in enumerate(args) if not isinstance(a, int))
    _check(fn, args, floats)


def test_without_the_value_a_forward_loop_that_saves_nothing_goes():
    g = astgrad.grad(series)
    assert_close(g(0.7), numerical_grad(series, (0.7,)))
    code = [line.strip() for line in g.source.splitlines()]
    assert sum(line.startswith("for ") for line in code) == 1
    assert not any(line.startswith("s = ") for line in code)


LOG = []


def record(step):
    LOG.append(step)


def log_steps(x):
    s = 0.0
    unused = 0.0
    for i in range(3):
        unused = unused + x * i      # read only by itself: dead
        record(i)                    # an effect: kept
        s = s + x * x
    return s


def test_a_loop_that_only_adds_to_itself_is_dead_but_a_loop_with_an_effect_is_not():
    g = astgrad.grad(log_steps)
    LOG.clear()
    assert_close(g(0.5), 3.0)
    assert LOG == [0, 1, 2] and "unused" not in g.source and "record(i)" in g.source
    general = inspect.getsource(g.plain)                # the general code too
    assert "unused" not in general and "record(i)" in general


# -- the adjoints of @ ----------------------------------------------------------------------

def matmul_square(a, b):
    return np.sum((a @ b) ** 2) + np.sum(np.sin(a @ b))


@pytest.mark.parametrize("shapes", [
    ((3, 4), (4, 2)), ((3, 4), (4,)), ((4,), (4, 2)), ((4,), (4,)),
    ((1, 4), (4, 1)), ((3, 1), (1, 2)), ((1,), (1, 3)), ((3, 1), (1,)),
])
def test_matmul_adjoints_as_plain_products(shapes):
    args = tuple(rng.normal(size=shape) for shape in shapes)
    source = _check(matmul_square, args)
    assert "matmul_adjoint" not in source
    if len(shapes[0]) != len(shapes[1]):
        assert ".outer(" in source


@pytest.mark.parametrize("dtypes", [(np.float32, np.float32), (np.float32, np.float64), (np.float64, np.int64)])
def test_matmul_adjoints_keep_the_helper_unless_every_array_is_float64(dtypes):
    a = rng.normal(size=(3, 4)).astype(dtypes[0])
    b = (rng.normal(size=4) * 3).astype(dtypes[1])
    g = astgrad.grad(matmul_square)
    got = g(a, b)
    general = reverse_derivative(matmul_square, (0,), False)(a, b)
    general = general[0] if isinstance(general, tuple) else general
    assert got.dtype == a.dtype and "matmul_adjoint" in g.source
    assert_close(got, general, rtol=1e-12, atol=1e-12)


def matmul_aliased(W, v):
    u = W @ v
    w = W @ u            # W on both sides of two products: its adjoint adds both
    return np.sum(w * u)


def test_matmul_adjoints_of_a_matrix_used_twice():
    _check(matmul_aliased, (rng.normal(size=(3, 3)), rng.normal(size=3)))


# -- terms added twice, sums as methods -----------------------------------------------------

def squares(x, y):
    z = x * x + y * x + x * y
    return np.sum(z * z) + np.sum(y * y)


@pytest.mark.parametrize("args", [(0.3, 1.2), (rng.normal(size=3), rng.normal(size=3)),
                                  (rng.normal(size=(2, 1)), rng.normal(size=3)), (np.array(0.5), 2.0)])
def test_a_term_added_twice_is_added_doubled(args):
    source = _check(squares, args)
    assert "2 * (" in source
    assert "y * x + x * y" in source                # the primal stays as written


def _code(source):
    return "\n".join(line for line in source.splitlines() if not line.strip().startswith("#"))


def test_a_sum_of_a_known_array_is_its_method_and_a_sum_of_a_number_is_not():
    source = _code(_check(carried, (rng.normal(size=3),)))
    assert ".sum()" in source and "np.sum(" not in source
    source = _code(_check(carried, (0.4,)))
    assert "np.sum(" in source
    source = _code(_check(carried, (np.ones(1) * 0.4,)))      # a dimension of length 1: maybe a number
    assert "np.sum(" in source


def sum_of_products(x):
    return np.sum(np.sin(x) ** 2 * np.exp(-x))


def test_a_sum_written_as_a_method_leaves_the_buffers_reused():
    """The passes before read the sum as a reduction to a number: the seed times an array
    still computes into that dead array."""
    source = _code(_check(sum_of_products, (rng.normal(size=5),)))
    assert ".sum()" in source and source.count("*=") >= 3
