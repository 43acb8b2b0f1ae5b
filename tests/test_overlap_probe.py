"""Which in-place writes ``y[index] = v``, ``v`` sharing ``y``'s memory, NumPy writes as
if it read all of ``v`` first: the classes astgrad's probe (write_order.py) asks NumPy
about, checked against direct experiments on this NumPy (write, and compare with a write
of a copy), and the gradients of such writes: followed (reverse, forward, second order,
against central finite differences) where this NumPy reads the value first, refused naming
the line where it writes element by element."""

import numpy as np
import pytest

import astgrad
from astgrad import write_order
from breadth_modes import check
from test_overlap_mend import _line_of_the_write

RNG = np.random.default_rng(55)


def _mask(shape, count):
    mask = np.zeros(int(np.prod(shape)), dtype=bool)
    mask[RNG.choice(mask.size, count, replace=False)] = True
    return mask.reshape(shape)


# (name, y's shape, the index, the value as a function of y: itself, a view, a broadcast row)
WRITES = [
    ("1-D mask, reversed", (6,), lambda: _mask(6, 4), lambda y: y[:4][::-1]),
    ("1-D mask, a shifted view", (6,), lambda: np.array([0, 1, 0, 1, 1, 1]) > 0, lambda y: y[:4]),
    ("2-D mask, a row", (3, 4), lambda: _mask((3, 4), 4), lambda y: y[0]),
    ("2-D mask, a column", (4, 3), lambda: _mask((4, 3), 4), lambda y: y[:, 0]),
    ("2-D mask alone in a tuple", (3, 4), lambda: (_mask((3, 4), 4),), lambda y: y[1, ::-1]),
    ("2-D mask and ...", (3, 4), lambda: (np.ones((3, 4), dtype=bool), Ellipsis), lambda y: y.ravel()[::-1]),
    ("1-D mask of rows", (3, 4), lambda: np.ones(3, dtype=bool), lambda y: y[::-1]),
    ("2-D mask of a 3-D array", (2, 3, 2), lambda: _mask((2, 3), 4), lambda y: y[0, 0, ::-1]),
    ("a boolean scalar", (3, 2), lambda: True, lambda y: y[::-1]),
    ("list of positions, reversed", (5,), lambda: list(RNG.permutation(5)), lambda y: y[::-1]),
    ("array of positions, itself", (5,), lambda: RNG.permutation(5), lambda y: y),
    ("repeated positions", (5,), lambda: RNG.integers(0, 5, 3), lambda y: y[1:4][::-1]),
    ("positions of rows, a row broadcast", (3, 4), lambda: [2, 0, 1], lambda y: y[1, ::-1]),
    ("slice and positions", (3, 4), lambda: (slice(None), RNG.permutation(4)), lambda y: y[:, ::-1]),
    ("positions and an int", (3, 4), lambda: (RNG.permutation(3), 1), lambda y: y[::-1, 1]),
    ("two arrays of positions", (3, 3), lambda: (np.arange(3), RNG.permutation(3)), lambda y: y[::-1, 0]),
]


def _reads_first(shape, index, value_of):
    """Whether NumPy's write of the view is the write of a copy of it (an experiment)."""
    y = RNG.standard_normal(shape)
    expected = y.copy()
    expected[index] = value_of(expected).copy()
    y[index] = value_of(y)
    return np.array_equal(y, expected)


@pytest.mark.parametrize("name, shape, index, value_of", WRITES, ids=[w[0] for w in WRITES])
def test_the_probe_claims_a_value_read_first_only_where_numpy_reads_it_first(name, shape, index, value_of):
    y = np.zeros(shape)
    route = write_order.route(y, index())
    claimed = write_order.READS_FIRST[route]
    seen = {_reads_first(shape, index(), value_of) for _ in range(12)}
    if claimed:
        assert seen == {True}
    else:   # where astgrad refuses, NumPy does write element by element (no over-refusal)
        assert False in seen
        value = value_of(y)
        with pytest.raises(ValueError, match=r"f\.py:3: cannot differentiate this write .*v\.copy\(\)"):
            astgrad.runtime.write_reads_value_first(y, index(), value, "f.py:3")
    astgrad.runtime.write_reads_value_first(y, index(), value_of(y).copy(), "f.py:3")   # a copy: never refused


def test_every_probe_is_a_write_numpy_takes():
    # a probe NumPy refuses (a shape mismatch) would read as "not read first" and hide a route
    for probes in write_order._PROBES.values():
        for shape, index, value_of in probes:
            y = np.zeros(shape)
            y[index] = value_of(y).copy()


def test_routes_follow_numpys_index_kinds():
    y = np.zeros((3, 4))
    assert write_order.route(y, (1, slice(None))) is None
    assert write_order.route(y, np.array(2)) is None        # a 0-d int array is an int
    assert write_order.route(y, np.ones((3, 4), dtype=bool)) == "mask"
    assert write_order.route(y, ([[True] * 4] * 3,)) == "mask"
    assert write_order.route(y, np.ones(3, dtype=bool)) == "mixed"      # fewer dimensions than y
    assert write_order.route(y, np.True_) == "mixed"
    assert write_order.route(y, [0, 2]) == "positions"
    assert write_order.route(y, ([0, 2], slice(None))) == "mixed"


W = np.arange(1.0, 13.0).reshape(2, 3, 2)


def masked_rows_of_a_3d_array(x):
    y = x * x
    y[np.array([[True, False, True], [False, True, True]])] = y[0, 0, ::-1]    # the write
    return np.sum(y * y * W)


def mask_of_rows(x):
    y = np.sin(x) * x
    y[np.array([True, False])] = y[::-1][:1]      # the write
    return np.sum(y * y * W)


def positions_and_a_slice(x):
    y = x * 1.0
    y[:, [2, 0, 1]] = y[::-1]       # the write
    return np.sum(np.cos(y) * W)


def under_a_boolean_constant(x):
    y = x * 1.0
    y[True] = y[::-1]       # the write
    return np.sum(y * y * W)


def row_under_a_full_mask(x):
    y = x[0] * 1.0
    r = y[:, 0]
    y[np.array([[False, True], [True, False], [False, True]])] = r    # the write
    return np.sum(y * y * W[0])


PROGRAMS = [(masked_rows_of_a_3d_array, "mixed"), (mask_of_rows, "mixed"),
            (positions_and_a_slice, "mixed"), (under_a_boolean_constant, "mixed"), (row_under_a_full_mask, "mask")]
MODES = ("grad", "jvp", "hessian", "jvp_of_grad", "grad_inside_lambda")
X = np.random.default_rng(3).standard_normal((2, 3, 2))


@pytest.mark.parametrize("f, route", PROGRAMS, ids=[f.__name__ for f, _ in PROGRAMS])
def test_a_write_of_a_view_of_the_array(f, route):
    if write_order.READS_FIRST[route]:
        for mode in MODES:
            check(mode, f, (X.copy(),), (0,))
        return
    where = rf"test_overlap_probe\.py:{_line_of_the_write(f)}: cannot differentiate this write y\[index\] = v"
    for _ in range(2):      # refused again: the first refusal left nothing behind
        with pytest.raises(ValueError, match=where):
            astgrad.grad(f)(X.copy())
    check("jvp", f, (X.copy(),), (0,))     # forward mode writes the tangents as NumPy writes the values


# -- second order: the check the first derivative holds runs again, and is no obstacle --

def reversed_view(v):
    return v[::-1]


def view_a_helper_returns(x):
    y = x[0, 0] * 1.0
    r = reversed_view(y)
    y[[0, 1]] = r        # the write
    return np.sum(y * y * W[0, 0])


def popped_off_a_list(x):
    y = x[0, 0] * 1.0
    stack = [y]
    v = stack.pop()
    y[[1, 0]] = v[::-1]     # the write
    return np.sum(np.sin(y) * y * W[0, 1])


SECOND = [view_a_helper_returns, popped_off_a_list]


@pytest.mark.parametrize("f", SECOND, ids=[f.__name__ for f in SECOND])
def test_second_order_follows_where_the_first_order_does(f):
    # the first derivative checks the write when it runs (write_reads_value_first): its
    # derivative used to be refused ("cannot be differentiated twice") for that check
    if not write_order.READS_FIRST["positions"]:
        where = rf"test_overlap_probe\.py:{_line_of_the_write(f)}: cannot differentiate this write"
        with pytest.raises(ValueError, match=where):
            astgrad.hessian(f)(X.copy())
        return
    for mode in ("hessian", "jvp_of_grad", "grad_inside_lambda"):
        check(mode, f, (X.copy(),), (0,))
    assert "write_reads_value_first" in astgrad.grad(f).source     # still checked when it runs
