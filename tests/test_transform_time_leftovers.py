"""Writes into nested lists and casts into int arrays: followed where Python's semantics
are clear, refused with the user's line and advice otherwise.

- ``g = copy.deepcopy(grid); g[0][1] = v``: deepcopy makes new lists all the way down,
  so the write is followed as a write into ``g``'s own row (grad, jvp, hessian).
- ``grid = [[0.0] * 2] * 2; grid[0][0] = x``: one list under two indices, so Python's
  write changes both rows: refused where the code is generated.
- ``y = x.astype(int); y += x * 0.6``: NumPy cannot cast the float result into the int
  array; the error names the user's line and the augmented assignment, not a ufunc
  astgrad calls inside (grad, jvp), or is NumPy's own (hessian runs the function first).
"""

import copy
import inspect

import numpy as np
import pytest

import astgrad
from fd import assert_close, numerical_grad, numerical_hessian, numerical_jvp


def deep_copied_rows(x, v):
    grid = [[x, 1.0], [2.0, x * x]]
    g = copy.deepcopy(grid)
    g[0][1] = v * x
    g[1][0] = g[1][0] + v
    return g[0][0] * g[0][1] + g[1][1] * g[1][0] + grid[0][1] * v + grid[1][0] * x


def deep_copied_arrays(x, v):
    rows = [x * 1.0, x * v]
    g = copy.deepcopy(rows)
    g[0][1] = v * v
    return np.sum(g[0] * g[1]) + np.sum(rows[0] * rows[1])


CASES = [(deep_copied_rows, lambda rng: (float(rng.normal()), float(rng.normal()))),
         (deep_copied_arrays, lambda rng: (rng.normal(size=3), float(rng.normal())))]


@pytest.mark.parametrize("f, draw", CASES, ids=[f.__name__ for f, _ in CASES])
def test_a_write_into_a_deep_copy_is_followed(f, draw):
    args = draw(np.random.default_rng(7))
    assert_close(astgrad.grad(f, wrt=(0, 1))(*args), numerical_grad(f, args, wrt=(0, 1)))
    tangents = (np.ones_like(args[0]), 0.5)
    value, tangent = astgrad.jvp(f, args, tangents)
    assert_close(value, f(*args))
    assert_close(tangent, numerical_jvp(f, args, tangents))
    numeric = numerical_hessian(astgrad.grad(f), args, wrt=0)
    assert_close(np.reshape(astgrad.hessian(f)(*args), numeric.shape), numeric, rtol=1e-4, atol=1e-5)


def repeated_rows(x):
    grid = [[0.0] * 2] * 2
    grid[0][0] = x
    return grid[1][0] * x + grid[0][1]


def repeated_rows_added(x):
    grid = 3 * [{"a": 0.0}]
    grid[1]["a"] += x
    return grid[0]["a"] * x


def separate_rows(x):
    grid = [[0.0] * 2 for _ in range(2)]
    grid[0][0] = x
    return grid[1][0] * x + grid[0][0] * x


def _line_of(f, text):
    lines, first = inspect.getsourcelines(f)
    return first + next(i for i, line in enumerate(lines) if text in line)


@pytest.mark.parametrize("transform", [astgrad.grad, lambda f: (lambda x: astgrad.jvp(f, (x,), (1.0,))),
                                       astgrad.hessian], ids=["grad", "jvp", "hessian"])
def test_a_write_into_a_repeated_row_is_refused_where_the_code_is_generated(transform):
    assert repeated_rows(1.5) == 2.25           # Python changed both rows: they are one list
    with pytest.raises(astgrad.TransformError) as caught:
        transform(repeated_rows)(1.5)
    message = str(caught.value)
    assert f"{__file__}:{_line_of(repeated_rows, 'grid[0][0] = x')}: astgrad cannot differentiate a write " \
           f"into a row of 'grid', a list holding one row 2 times" in message
    assert "'grid = [[0.0] * 2] * 2' repeats one list object" in message
    assert "grid = [[0.0] * 2 for _ in range(2)]" in message
    with pytest.raises(astgrad.TransformError, match=r"holding one row 3 times; 'grid = 3 \* \[\{'a': 0.0\}\]' "
                                                     r"repeats one dict object"):
        astgrad.grad(repeated_rows_added)(1.5)
    assert_close(astgrad.grad(separate_rows)(1.5), 3.0)        # the advice, followed


def cast_into_int(x):
    y = x.astype(int)
    y += x * 0.6
    return np.sum(y * x)


def added_to_int_argument(x, n):
    n += 0.6
    return np.sum(n * x)


def halved_int_slice(x):
    k = np.arange(4)
    k[1:3] /= 2
    return np.sum(k[:2] * x)


@pytest.mark.parametrize("f, op", [(cast_into_int, "+="), (added_to_int_argument, "+="), (halved_int_slice, "/=")])
def test_a_float_written_into_an_int_array_raises_numpys_error_for_the_users_line(f, op):
    x, n = np.array([1.5, 2.5]), np.array([1, 2])
    args = (x, n)[:f.__code__.co_argcount]
    with pytest.raises(TypeError) as primal:
        f(*args)
    line = _line_of(f, op)
    generated = [lambda: astgrad.grad(f)(*args), lambda: astgrad.jvp(f, args, (np.ones(2), np.zeros(2))[:len(args)])]
    for run in generated + [lambda: astgrad.hessian(f)(*args)]:
        with pytest.raises(TypeError) as caught:
            run()
        assert type(caught.value) is type(primal.value) and str(caught.value) == str(primal.value)
        if run in generated:        # the generated code's cast, with a note naming the user's line
            note = caught.value.__notes__[-1]
            assert note.startswith(f"{__file__}:{line}: ") and "x.astype(float)" in note
        else:                       # hessian runs the function itself first: its own line raised it
            assert caught.traceback[-1].lineno + 1 == line
    assert_close(astgrad.grad(added_to_int_argument)(x, n.astype(float)), n + 0.6)     # the next call works
