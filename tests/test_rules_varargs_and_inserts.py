"""math.hypot of any number of coordinates, math.dist, a ufunc told its dtype=,
numpy.insert and numpy.delete: reverse and forward mode against central finite
differences, second order (forward over reverse, reverse over reverse) against finite
differences of the gradient; and the refusals of an integer dtype=, of itertools.groupby
and of starmap over a list of tuples of a function with defaults."""

import collections
import itertools
import math

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad
from rule_harness import check_derivatives

RNG = np.random.default_rng(41)


def _like(arg, value):
    return float(value) if isinstance(arg, float) else value


def second(f, args):
    """Each argument's gradient, differentiated again w.r.t. each argument by forward
    over reverse and reverse over reverse, against finite differences of it."""
    n = len(args)
    for i in range(n):
        gradient = astgrad.grad(f, i)
        for j in range(n):
            def scalar(*a, gradient=gradient, w=RNG.standard_normal(np.shape(args[i]))):
                return np.sum(gradient(*a) * w)
            expected = numerical_grad(scalar, args, wrt=j, eps=1e-5)
            assert_close(astgrad.grad(scalar, j)(*args), expected, rtol=1e-4, atol=1e-5,
                         msg=f"reverse over reverse of {f.__name__}: {i}, {j}")
            v = RNG.standard_normal(np.shape(args[j]))
            tangents = tuple(_like(a, v if k == j else np.zeros(np.shape(a))) for k, a in enumerate(args))
            _, hvp = astgrad.jvp(scalar, args, tangents)
            assert_close(hvp, np.sum(expected * v), rtol=1e-4, atol=1e-5,
                         msg=f"forward over reverse of {f.__name__}: {i}, {j}")


# -- math.hypot of any number of coordinates, math.dist ---------------------------------

def hypot_list(x, y):
    vals = [x, y, x * y]
    return math.hypot(*vals)


def hypot_three(x, y):
    return math.hypot(x, 2.0 * y, 1.5) * y


def hypot_tuple(x, y):
    vals = (x, y)
    return math.hypot(*vals, x - y, 0.5)


def hypot_built(x, y):
    vals = []
    for k in range(3):
        vals.append(x * (k + 1.0) - y)
    return math.hypot(*vals)


def hypot_comprehension(x, y):
    vals = [x * k + y for k in range(int(abs(y)) + 2)]      # a length known only when it runs
    return math.hypot(*vals)


def dist_lists(x, y):
    return math.dist([x, y, 1.0], [y, 0.5, x * x])


def dist_named(x, y):
    p = (x, 2.0 * y)
    return math.dist(p, (1.0, x)) * x


def dist_array(a, b):
    return math.dist(a, b) ** 2 + math.dist(a * a, b) + math.hypot(*(a * b))


FLOAT_CASES = [hypot_list, hypot_three, hypot_tuple, hypot_built, hypot_comprehension, dist_lists, dist_named]


@pytest.mark.parametrize("f", FLOAT_CASES, ids=[f.__name__ for f in FLOAT_CASES])
def test_hypot_and_dist(f):
    args = (float(RNG.uniform(0.5, 2.0)), float(RNG.uniform(-2.0, -0.5)))
    check_derivatives(f, args, rng=RNG)
    second(f, args)


def test_dist_of_arrays():
    args = (RNG.standard_normal(3), RNG.standard_normal(3))
    check_derivatives(dist_array, args, rng=RNG)
    second(dist_array, args)


# -- a ufunc told its dtype ---------------------------------------------------------------

def power_float32(x, y):
    return np.power(x, y, dtype=np.float32)


def power_float64(x, y):
    return np.power(x, y, dtype="float64") * x


def exp_float(x):
    return np.exp(np.sin(x), dtype=float)


def add_casting(x, y):
    return np.add(x, y, dtype=np.float64, casting="same_kind") ** 2


def test_ufunc_dtype_is_followed():
    x, y = RNG.uniform(0.5, 2.0, (2, 3)), RNG.uniform(-1.0, 1.0, 3)
    for f, args in ((power_float64, (x, y)), (power_float64, (x, 1.5)), (exp_float, (x,)),
                    (add_casting, (x, y))):
        check_derivatives(f, args, rng=RNG)
    second(lambda a, b: np.sum(np.cos(power_float64(a, b))), (x, y))
    second(lambda a: np.sum(exp_float(a) ** 2), (y,))


def test_ufunc_float32_dtype_computes_in_float32():
    x, y = RNG.uniform(0.5, 2.0, 3), RNG.uniform(-1.0, 1.0, 3)
    value, gradient = astgrad.value_and_grad(lambda a: np.sum(power_float32(a, y)))(x)
    assert value.dtype == np.float32 and value == np.sum(power_float32(x, y))
    assert gradient.dtype == np.float64     # x's own dtype
    assert_close(gradient, numerical_grad(lambda a: np.sum(np.power(a, y)), (x,)), rtol=1e-4, atol=1e-5)


def power_int(x):
    return np.sum(np.power(x, 2, dtype=int))


def test_ufunc_integer_dtype_is_refused_with_advice():
    with pytest.raises(astgrad.TransformError, match=r"test_rules_varargs_and_inserts.py:\d+: .*dtype.*"
                       r"float dtype written out.*drop dtype="):
        astgrad.grad(power_int)(np.ones(3))
    assert_close(astgrad.grad(lambda a: np.sum(exp_float(a)))(np.ones(2)),
                 np.exp(np.sin(np.ones(2))) * np.cos(np.ones(2)))     # the state is not corrupted


# -- numpy.insert and numpy.delete --------------------------------------------------------

def insert_scalar(x, v): return np.insert(x, 1, v) ** 2
def insert_list(x, v): return np.sin(np.insert(x, [0, 2, 2], v))
def insert_slice(x, v): return np.insert(x, slice(0, 3, 2), v, axis=1) * x[0, 0]
def insert_negative(x, v): return np.insert(x, -1, v, axis=0) ** 2
def insert_block(x, v): return np.insert(x, 1, v, axis=1) ** 3
def insert_items(x, v): return np.insert([x, 2.0 * x], 1, [v, v * v]) ** 2
def delete_list(x, v): return np.delete(x, [0, 2]) ** 2 * v
def delete_axis(x, v): return np.delete(x * v, 1, axis=1) ** 2
def delete_slice(x, v): return np.delete(x, slice(None, None, 2), axis=0) * x[0, 0] + v


N = RNG.standard_normal
INSERT_CASES = [
    (insert_scalar, (N(4), 0.7)), (insert_scalar, (N((2, 3)), N(2))), (insert_list, (N(4), N(3))),
    (insert_list, (N(4), 0.3)), (insert_slice, (N((2, 4)), N((2, 1)))), (insert_slice, (N((2, 4)), N(2))),
    (insert_negative, (N((3, 2)), N(2))), (insert_block, (N((3, 2)), N((2, 3)))),
    (insert_items, (0.8, -0.6)),
    (delete_list, (N(5), 1.2)), (delete_axis, (N((3, 3)), N(3))), (delete_slice, (N((4, 2)), 0.4)),
]


@pytest.mark.parametrize("f, args", INSERT_CASES, ids=[f"{f.__name__}-{i}" for i, (f, _) in enumerate(INSERT_CASES)])
def test_insert_and_delete(f, args):
    check_derivatives(f, args, rng=RNG)


@pytest.mark.parametrize("f, args", [INSERT_CASES[i] for i in (1, 4, 8, 11)], ids=lambda v: getattr(v, "__name__", ""))
def test_insert_and_delete_second_order(f, args):
    second(lambda x, v: np.sum(np.cos(f(x, v))), args)


def test_insert_of_float_values_into_an_integer_array_truncates_them():
    def f(v):
        return np.sum(np.insert(np.arange(3), 1, v) * 1.0) + v
    assert_close(astgrad.grad(f)(1.7), 1.0)
    assert_close(astgrad.jvp(f, (1.7,), (1.0,))[1], 1.0)


# -- itertools.groupby and starmap refusals ---------------------------------------------------

def key_sign(v):
    return v > 0


def grouped(x):
    total = 0.0
    for k, group in itertools.groupby([x, -x, 2 * x], key=key_sign):
        total = total + sum(group)
    return total


def grouped_lambda(x):
    total = 0.0
    for k, group in itertools.groupby([x, -x, 2 * x], key=lambda v: v > 0):
        total = total + sum(group)
    return total


def grouped_by_labels(x):
    xs = [x, -x, 2 * x, 3 * x]
    labels = [key_sign(v) for v in xs]
    total, start = 0.0, 0
    for k, run in itertools.groupby(labels):
        n = len(list(run))
        total = total + n * sum(xs[start:start + n])
        start = start + n
    return total


def scaled(a, b=2.0):
    return a * b


def starmapped(x):
    pairs = [(x,), (3.0, x)]
    pairs.append((x, x))                # changed after it is made: its tuples are not known
    return sum(itertools.starmap(scaled, pairs))


@pytest.mark.parametrize("f, advice", [
    (grouped, r"no adjoint rule for itertools.groupby: .*group the keys, which carry none.*groupby\(labels\)"),
    (grouped_lambda, r"astgrad cannot differentiate the local function lambda passed to itertools.groupby; .*group the keys"),
    (starmapped, r"no adjoint rule for itertools.starmap: .*fixed number of positional arguments.*"
                 r"write the calls out instead"),
])
def test_itertools_refusals_say_what_to_write(f, advice):
    with pytest.raises(astgrad.TransformError, match=r"test_rules_varargs_and_inserts.py:\d+: " + advice):
        astgrad.grad(f)(1.5)
    # the advice works: the same sums grouped by labels
    assert_close(astgrad.grad(grouped_by_labels)(1.5), 10.0)
    assert_close(astgrad.grad(grouped_by_labels)(-1.5), 10.0)


# -- a deque handed to a helper that only reads it -------------------------------------------

def ends_and_total(q):
    return q[0] * q[-1] + sum(q)


def squares_and_count(q):
    total = 0.0
    for v in q:
        total = total + v * v
    return total + len(q) + np.sum(np.asarray(q))


def deque_read_by_helpers(x, w):
    q = collections.deque([x, 2.0 * w])
    q.append(x * w)
    window = collections.deque(maxlen=2)
    for v in (x, 3.0 * w, x * x):
        window.append(v)
    return ends_and_total(q) + squares_and_count(window)


def all_but_first(q):
    return sum(q[1:])       # a deque has no slices: Python raises TypeError


def deque_sliced_by_a_helper(x, w):
    q = collections.deque([x, w])
    return all_but_first(q)


def test_a_deque_a_helper_only_reads_is_followed():
    args = (float(RNG.uniform(0.5, 1.5)), float(RNG.uniform(-1.5, -0.5)))
    check_derivatives(deque_read_by_helpers, args, rng=RNG)
    second(deque_read_by_helpers, args)
    with pytest.raises(astgrad.TransformError, match=r"test_rules_varargs_and_inserts.py:\d+: a collections\.deque "
                                                     r"holds a differentiated value here.*use a list instead"):
        astgrad.grad(deque_sliced_by_a_helper)(0.5, 1.5)
